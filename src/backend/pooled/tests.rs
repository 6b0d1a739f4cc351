//! The pooled backend on a temporary state: the read phase and the writer's part of a login
//! taken apart, batches run directly, readers that refuse to write, and many requests at once.

use serde_json::json;

use super::*;
use crate::api::{Operation, Request, Response};
use crate::backend::Backend;
use crate::jwt_tools::{make_keys, sign_claims};
use crate::paths::testutil::{now, object, TestState};
use crate::verify::Alg;

const LOGIN: &str = "auth/jwt/login";

/// A state with `jwt/` trusting one ES256 key and a role `dev` bound to the audience `api`
/// (policy `dev`), served by a pooled backend.
struct Fx {
    state: TestState,
    private: String,
    pooled: PooledBackend,
}

impl Fx {
    fn new() -> Fx {
        let state = TestState::offline();
        let (private, public, _) = make_keys(Alg::ES256, Some("k1")).unwrap();
        state.enable_jwt("jwt");
        state
            .write(
                "auth/jwt/config",
                json!({"jwt_validation_pubkeys": [public]}),
            )
            .unwrap();
        state
            .write(
                "auth/jwt/role/dev",
                json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "api",
                       "token_policies": "dev"}),
            )
            .unwrap();
        let pooled = PooledBackend::open(
            state.backend.storage.file().unwrap().to_path_buf(),
            true,
            KeyFile::new(None),
        )
        .unwrap();
        Fx {
            state,
            private,
            pooled,
        }
    }

    fn login_request(&self, sub: &str) -> Request {
        let jwt = sign_claims(
            Alg::ES256,
            &self.private,
            Some("k1"),
            object(json!({"sub": sub, "aud": "api"})),
            3600,
            now(),
        )
        .unwrap();
        Request::write(LOGIN, object(json!({"role": "dev", "jwt": jwt})))
    }

    fn handle(&self, req: &Request) -> Result<Response, ApiError> {
        match self.pooled.handle(req) {
            Ok(r) => Ok(r),
            Err(Failure::Api(e)) => Err(e),
            Err(Failure::Store(e)) => panic!("state file failed: {e}"),
        }
    }

    /// A login's read phase on a reader: its prepared write.
    fn checked(&self, req: &Request) -> WriteJob {
        match self.pooled.inner.read(req) {
            Some((
                Answer {
                    result: Ok(Outcome::Write(job)),
                    ..
                },
                _,
            )) => job,
            Some((answer, _)) => panic!("expected a prepared write, got {:?}", answer.result),
            None => panic!("the login's checks tried to write"),
        }
    }

    /// The writer's part of a login whose read phase prepared `job`.
    fn finish(&self, req: &Request, job: WriteJob) -> Result<Response, ApiError> {
        let reply = self.pooled.inner.queue(req, Work::Finish(job));
        match respond(reply.blocking_recv().unwrap().unwrap()) {
            Ok(r) => Ok(r),
            Err(Failure::Api(e)) => Err(e),
            Err(Failure::Store(e)) => panic!("state file failed: {e}"),
        }
    }

    /// The operator's lookup of a token, on the command line's backend.
    fn lookup(&self, token: &str) -> Result<Response, ApiError> {
        self.state
            .write("auth/token/lookup", json!({ "token": token }))
    }
}

fn client_token(r: &Response) -> String {
    r.auth.as_ref().unwrap().client_token.expose().to_string()
}

#[test]
fn a_role_write_between_a_logins_checks_and_its_write_is_honoured() {
    let fx = Fx::new();
    // The role's audience changes after the checks passed: the login is checked again on the
    // writer and refused as Vault refuses it.
    let req = fx.login_request("alice");
    let job = fx.checked(&req);
    fx.handle(&Request::write(
        "auth/jwt/role/dev",
        object(json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "other"})),
    ))
    .unwrap();
    let err = fx.finish(&req, job).unwrap_err();
    assert_eq!(err.code, 400);
    assert_eq!(
        err.errors,
        ["error validating token: invalid audience (aud) claim: audience claim does not match any expected audience"]
    );

    // The role's policies change: the token carries the new ones, not those checked first.
    fx.handle(&Request::write(
        "auth/jwt/role/dev",
        object(json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "api"})),
    ))
    .unwrap();
    let req = fx.login_request("bob");
    let job = fx.checked(&req);
    fx.handle(&Request::write(
        "auth/jwt/role/dev",
        object(
            json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "api",
                      "token_policies": "ops"}),
        ),
    ))
    .unwrap();
    let resp = fx.finish(&req, job).unwrap();
    assert_eq!(resp.auth.as_ref().unwrap().policies, ["default", "ops"]);

    // The role is deleted: Vault's refusal of an unknown role, and no token was stored.
    let req = fx.login_request("carol");
    let job = fx.checked(&req);
    fx.handle(&Request::new(
        Operation::Delete,
        "auth/jwt/role/dev",
        Default::default(),
    ))
    .unwrap();
    let err = fx.finish(&req, job).unwrap_err();
    assert_eq!(err.errors, ["role \"dev\" could not be found"]);
    // The state holds exactly the one token and entity that were issued (bob's).
    let store = fx.state.store();
    assert_eq!(store.count_tokens().unwrap(), 1);
    assert_eq!(store.count_entities().unwrap(), 1);
}

#[test]
fn an_unchanged_login_is_written_as_checked() {
    let fx = Fx::new();
    let req = fx.login_request("alice");
    let job = fx.checked(&req);
    let resp = fx.finish(&req, job).unwrap();
    let data = fx.lookup(&client_token(&resp)).unwrap().data.unwrap();
    assert_eq!(data["path"], json!("auth/jwt/login"));
    assert_eq!(data["policies"], json!(["default", "dev"]));
}

/// A job for [`run_batch`] and the receiver of its answer.
fn job(req: Request, work: Work) -> (Job, oneshot::Receiver<Reply>) {
    let (reply, answer) = oneshot::channel();
    (Job { req, work, reply }, answer)
}

fn policy_write(name: &str) -> Request {
    Request::write(
        format!("sys/policies/acl/{name}"),
        object(json!({"policy": "path \"x\" { capabilities = [\"read\"] }"})),
    )
}

#[test]
fn a_batch_commits_its_jobs_once_and_a_failing_job_leaves_nothing() {
    let fx = Fx::new();
    let path = fx.state.backend.storage.file().unwrap().to_path_buf();
    drop(fx.pooled);
    let mut store = Store::open_writer(&path, &seed).unwrap();
    let wrote_then_failed = WriteJob::new(|store: &Store, _: &Ctx, _| {
        store.put_policy("ghost-1", "").unwrap();
        Some(Err(ApiError::bad_request("refused after a write")).into())
    });
    let wrote_then_panicked = WriteJob::new(|store: &Store, _: &Ctx, _| {
        store.put_policy("ghost-2", "").unwrap();
        panic!("a handler bug");
    });
    let bad_role = Request::write(
        "auth/jwt/role/bad",
        object(json!({"role_type": "nope", "user_claim": "sub"})),
    );
    let jobs = vec![
        job(policy_write("p1"), Work::Route(None)),
        job(policy_write("p2"), Work::Finish(wrote_then_failed)),
        job(bad_role, Work::Route(None)),
        job(policy_write("p3"), Work::Finish(wrote_then_panicked)),
        job(policy_write("p4"), Work::Route(None)),
    ];
    let (batch, mut receivers): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
    let progress = Progress::default();
    let replies = run_batch(&mut store, batch, &progress, 1, true, &KeyFile::new(None));
    assert_eq!(progress.committed.load(Ordering::SeqCst), 1);
    let answers: Vec<Result<Response, Failure>> = replies
        .into_iter()
        .map(|(_, reply)| respond(reply.unwrap()))
        .collect();
    let codes: Vec<u16> = answers
        .iter()
        .map(|a| match a {
            Ok(r) if r.data.is_none() => 204,
            Ok(_) => 200,
            Err(Failure::Api(e)) => e.code,
            Err(Failure::Store(e)) => panic!("{e}"),
        })
        .collect();
    assert_eq!(codes, [204, 400, 400, 500, 204]);
    // The receivers were not answered by the batch itself (the syncer answers them).
    for r in &mut receivers {
        assert!(r.try_recv().is_err());
    }
    drop(store);
    let policies = fx.state.list("sys/policies/acl").unwrap().data.unwrap();
    assert_eq!(policies["keys"], json!(["default", "p1", "p4", "root"]));
    assert!(fx.state.read("auth/jwt/role/bad").is_err());
}

#[test]
fn a_reader_refuses_every_write_and_says_one_was_tried() {
    let fx = Fx::new();
    let mut reader = Store::open_reader(fx.state.backend.storage.file().unwrap()).unwrap();
    reader.begin_read().unwrap();
    assert!(reader.get_policy("default").unwrap().is_some());
    assert!(!reader.end_read());
    reader.begin_read().unwrap();
    assert!(matches!(
        reader.put_policy("p", ""),
        Err(StoreError::ReadOnly)
    ));
    assert!(reader.end_read());
    assert!(fx.state.read("sys/policies/acl/p").is_err());
}

#[test]
fn many_requests_at_once_are_all_answered_and_all_kept() {
    let fx = Fx::new();
    let answers: Vec<(String, Result<Response, ApiError>)> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..48)
            .map(|i| {
                let fx = &fx;
                s.spawn(move || match i % 3 {
                    0 => (
                        "login".to_string(),
                        fx.handle(&fx.login_request(&format!("u{i}"))),
                    ),
                    1 => (format!("p{i}"), fx.handle(&policy_write(&format!("p{i}")))),
                    _ => (
                        "read".to_string(),
                        fx.handle(&Request::read("auth/jwt/role/dev")),
                    ),
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for (what, answer) in answers {
        let resp = answer.unwrap_or_else(|e| panic!("{what}: {e:?}"));
        match what.as_str() {
            "login" => {
                let data = fx.lookup(&client_token(&resp)).unwrap().data.unwrap();
                assert_eq!(data["path"], json!("auth/jwt/login"));
            }
            "read" => assert_eq!(resp.data.unwrap()["token_policies"], json!(["dev"])),
            policy => assert!(fx.state.read(&format!("sys/policies/acl/{policy}")).is_ok()),
        }
    }
}

#[test]
fn a_batch_takes_what_is_queued_up_to_its_bound() {
    let (jobs, queue) = mpsc::channel();
    for i in 0..MAX_BATCH + 5 {
        jobs.send(job(policy_write(&format!("p{i}")), Work::Route(None)).0)
            .unwrap();
    }
    let progress = Progress::default();
    let first = queue.recv().unwrap();
    // Nobody is reading: what is queued, no more, at once.
    let batch = gather(first, &queue, &progress);
    assert_eq!(batch.len(), MAX_BATCH);
    assert_eq!(batch[0].req.path, "sys/policies/acl/p0");
    let first = queue.recv().unwrap();
    assert_eq!(gather(first, &queue, &progress).len(), 5);
    // A request still reading: the batch waits for its job, at most GATHER; here it never
    // comes, and the batch goes without it.
    jobs.send(job(policy_write("last"), Work::Route(None)).0)
        .unwrap();
    let _reading = Reading::new(&progress.reading);
    let first = queue.recv().unwrap();
    assert_eq!(gather(first, &queue, &progress).len(), 1);
}

/// A writer's store on `fx`'s file (the pooled backend dropped), with `pages` pages of new
/// policies committed: the WAL holds them and the database file does not yet.
fn writer_with_wal(fx: Fx, pages: usize) -> (TestState, PathBuf, Store) {
    let path = fx.state.backend.storage.file().unwrap().to_path_buf();
    drop(fx.pooled);
    let mut store = Store::open_writer(&path, &seed).unwrap();
    store.begin().unwrap();
    for i in 0..pages {
        store
            .put_policy(&format!("p{i}"), &"x".repeat(4000))
            .unwrap();
    }
    store.commit_batch().unwrap();
    (fx.state, path, store)
}

fn file_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

#[test]
fn the_checkpointer_copies_the_wal_into_the_database_beside_the_writer() {
    let (_state, path, store) = writer_with_wal(Fx::new(), 300);
    assert!(store.wal_frames() >= 300, "{} frames", store.wal_frames());
    let before = file_len(&path);
    let checkpointer = Checkpointer::start(&path).unwrap();
    assert!(checkpointer.is_idle());
    checkpointer.nudge();
    let waited = Instant::now();
    while !checkpointer.is_idle() {
        assert!(
            waited.elapsed() < Duration::from_secs(10),
            "the checkpoint never ended"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    // The policies' pages are now in the database file itself, and the writer's WAL is intact:
    // a restart (the writer's) finds every frame already copied.
    assert!(
        file_len(&path) >= before + 300 * 4096,
        "database file {} bytes before, {} after",
        before,
        file_len(&path)
    );
    assert_eq!(store.get_policy("p299").unwrap().unwrap().len(), 4000);
    let (log, copied) = store.checkpoint_passive().unwrap();
    assert_eq!(log, copied);
    checkpointer.stop();
}

#[test]
fn the_writer_restarts_the_wal_only_while_the_checkpointer_is_idle() {
    let (_state, path, store) = writer_with_wal(Fx::new(), 4200);
    let frames = store.wal_frames();
    assert!(frames > 4000, "{frames} frames");
    let checkpointer = Checkpointer::start(&path).unwrap();
    // Busy (a checkpoint asked for and not yet run): the writer leaves the WAL as it is.
    checkpointer.busy.store(true, Ordering::SeqCst);
    keep_wal_short(&store, &checkpointer);
    assert_eq!(store.wal_frames(), frames);
    // Idle: the writer restarts the WAL, which then holds only the restart's own page.
    checkpointer.busy.store(false, Ordering::SeqCst);
    keep_wal_short(&store, &checkpointer);
    assert!(store.wal_frames() < 10, "{} frames", store.wal_frames());
    assert_eq!(store.get_policy("p4199").unwrap().unwrap().len(), 4000);
    checkpointer.stop();
}
