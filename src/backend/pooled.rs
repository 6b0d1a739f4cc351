//! The server's backend: a small pool of read-only connections, one writer thread that
//! commits concurrent requests together (group commit), and one thread that makes the commits
//! durable before anything that depends on them is answered.
//!
//! Every request first runs through the router on a reader, in a read transaction. A reader
//! cannot write (`query_only`, and an authorizer that refuses and remembers every statement
//! that would write, see [`Store::open_reader`]), so a request that only reads (a read, a
//! list, a lookup by a token with unlimited uses, a refused login) is answered there and never
//! waits for the writer. A request that tried to write is run again, from the start, on the
//! writer. A login that passed its checks on the reader (the expensive part: the config, role
//! and keys read and parsed, the signature verified, the claims checked, the token drawn from
//! the CSPRNG) hands the writer only its prepared write ([`paths::Outcome::Write`]), which
//! first checks that the mount, config and role it was checked against are unchanged (else the
//! whole login runs again on the writer).
//!
//! The writer takes the first job queued, then whatever else is queued (at most
//! [`MAX_BATCH`]), runs them in ONE `BEGIN IMMEDIATE` transaction, each in its own savepoint,
//! and commits once. The time a job sees is read once per batch, after `BEGIN IMMEDIATE`:
//! times recorded in the state are ordered as the transactions are.
//!
//! Durability, and why the fsync is not the writer's: a commit writes the batch to the WAL;
//! the syncer thread then `fdatasync`s the WAL ([`WalSync`]) and only after that answers the
//! jobs of every batch committed before the sync began. Meanwhile the writer runs the next
//! batch (measured with benches/server.sh: a writer that waited for its own fsync spent half
//! its time waiting, and the whole server was bound by it), and one fsync covers every batch
//! committed while the previous one ran. A failed commit fails every job of its batch; a
//! failed fsync fails every job waiting for it, and every later one (the server must be
//! restarted: after a failed fsync nothing says what reached the disk). No answer is ever
//! sent for a write before it is durable.
//!
//! A reader's snapshot may include a batch that is committed but not yet durable. An answer
//! from a reader is therefore sent only once every batch it may have seen is durable (at once
//! when none is pending): nobody is shown a state that a crash could take back.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::{respond, seed, Backend, Failure, Started};
use crate::api::{ApiError, Request, Response};
use crate::keycache::{self, Fetched, Plan};
use crate::paths::{self, Answer, Ctx, Outcome, WriteJob};
use crate::seal::KeyFile;
use crate::store::{Store, StoreError, WalSync};

/// Jobs committed together at most: enough for every request a server keeps in flight at
/// once, and a bound on how long the first job of a batch waits for the last.
pub const MAX_BATCH: usize = 128;
/// How long the writer waits at most for the jobs of requests still in their read phase.
pub const GATHER: Duration = Duration::from_micros(500);
/// Reader connections at most. Reads are CPU-bound (the signature check dominates a login):
/// more readers than cores buy little, a few more keep cores busy while one waits.
pub const MAX_READERS: usize = 8;

/// WAL frames after which the writer asks the checkpointer to copy the WAL into the database.
const CHECKPOINT_FRAMES: u32 = 1000;
/// WAL frames after which the writer restarts the WAL even while the checkpointer is busy
/// (waiting for it): the WAL stays bounded however far behind the checkpointer falls.
const FORCE_RESTART_FRAMES: u32 = 16000;

/// A state file served by readers, one writer, one syncer and one checkpointer.
pub struct PooledBackend {
    inner: Arc<Inner>,
}

struct Inner {
    state: PathBuf,
    offline: bool,
    /// The seal key of secret values, shared by every connection (read once).
    seal: KeyFile,
    readers: Pool,
    progress: Arc<Progress>,
    /// `None` once dropped (the writer thread then finishes its batch and stops).
    jobs: Option<mpsc::Sender<Job>>,
    /// Readers' answers that wait for a sync.
    waiting: Option<mpsc::Sender<Pending>>,
    writer: Option<JoinHandle<()>>,
    syncer: Option<JoinHandle<()>>,
}

/// How far the batches have got, by sequence number (the first batch is 1).
#[derive(Default)]
struct Progress {
    /// The last batch whose commit has begun: a reader may see it from then on.
    visible: AtomicU64,
    /// The last batch whose commit has returned (successfully or not).
    committed: AtomicU64,
    /// Every batch up to this one is durable.
    synced: AtomicU64,
    /// An fsync failed: nothing more is answered as done.
    failed: AtomicBool,
    /// Requests in their read phase now: each may queue a job in a moment, which the writer
    /// waits for (at most [`GATHER`]) rather than commit without it.
    reading: AtomicUsize,
}

/// Counts a request in [`Progress::reading`] until dropped (when its read phase ends).
struct Reading<'a>(&'a AtomicUsize);

impl<'a> Reading<'a> {
    fn new(count: &'a AtomicUsize) -> Reading<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Reading(count)
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the writer is asked to do with a request.
enum Work {
    /// Route it from the start (with what its plan fetched, on its second call).
    Route(Option<Fetched>),
    /// Run the write its read phase prepared.
    Finish(WriteJob),
}

/// The answer to a request that went past a reader.
type Reply = Result<Answer, StoreError>;

struct Job {
    req: Request,
    work: Work,
    reply: oneshot::Sender<Reply>,
}

/// Answers to send once every batch up to `after` is durable.
struct Pending {
    after: u64,
    replies: Vec<(oneshot::Sender<Reply>, Reply)>,
}

fn thread_error(e: std::io::Error) -> StoreError {
    StoreError::Sqlite(format!("cannot start a thread: {e}"))
}

fn stopped() -> StoreError {
    StoreError::Sqlite("the server's writer has stopped".into())
}

fn sync_failed() -> StoreError {
    StoreError::Sqlite(
        "the state file could not be synced to disk; restart the server (nothing since the \
         last successful sync was answered)"
            .into(),
    )
}

/// What the read phase leaves to do (a value returned once per request and taken apart at
/// once: boxing the answer would cost an allocation per request for nothing).
#[allow(clippy::large_enum_variant)]
enum Next {
    /// The answer (nothing to write, nothing to wait for).
    Answered(Answer),
    /// The answer comes through this receiver: the writer's part, or a wait for a sync.
    Queued(oneshot::Receiver<Reply>),
}

impl PooledBackend {
    /// Opens the state file (creating, checking and migrating it as the command line does) for
    /// the writer, and starts the writer and syncer threads. Readers are opened when first
    /// needed.
    pub fn open(state: PathBuf, offline: bool, seal: KeyFile) -> Result<PooledBackend, StoreError> {
        let store = Store::open_writer(&state, &seed)?;
        let progress = Arc::new(Progress::default());
        let (jobs, job_queue) = mpsc::channel();
        let (waiting, sync_queue) = mpsc::channel();
        let syncer = {
            let progress = progress.clone();
            let wal = WalSync::new(&state);
            std::thread::Builder::new()
                .name("jwtvault-sync".into())
                .spawn(move || run_syncer(wal, sync_queue, &progress))
                .map_err(thread_error)?
        };
        let checkpointer = Checkpointer::start(&state)?;
        let writer = {
            let progress = progress.clone();
            let synced = waiting.clone();
            let seal = seal.clone();
            std::thread::Builder::new()
                .name("jwtvault-writer".into())
                .spawn(move || {
                    run_writer(
                        store,
                        job_queue,
                        synced,
                        checkpointer,
                        &progress,
                        offline,
                        seal,
                    )
                })
                .map_err(thread_error)?
        };
        Ok(PooledBackend {
            inner: Arc::new(Inner {
                readers: Pool::new(state.clone(), MAX_READERS),
                state,
                offline,
                seal,
                progress,
                jobs: Some(jobs),
                waiting: Some(waiting),
                writer: Some(writer),
                syncer: Some(syncer),
            }),
        })
    }
}

impl Inner {
    fn ctx(&self, req: &Request, now: f64) -> Ctx {
        Ctx {
            now,
            offline: self.offline,
            remote_addr: req.remote_addr.clone(),
            explain: req.explain,
            seal: self.seal.clone(),
        }
    }

    /// The request routed on a reader, and the last batch its snapshot may include. `None`:
    /// it tried to write (or no reader could be used): it must run on the writer.
    fn read(&self, req: &Request) -> Option<(Answer, u64)> {
        let mut reader = self.readers.take().ok()?;
        if reader.store().begin_read().is_err() {
            reader.discard();
            return None;
        }
        let answer = paths::route(reader.store(), &self.ctx(req, Ctx::now_secs()), req, None);
        let wrote = reader.store().end_read();
        // Read after the snapshot ended: no batch it included can be later than this.
        let seen = self.progress.visible.load(Ordering::SeqCst);
        (!wrote).then_some((answer, seen))
    }

    /// Queues the request's work for the writer; the receiver gets the answer once the batch
    /// it ran in is durable.
    fn queue(&self, req: &Request, work: Work) -> oneshot::Receiver<Reply> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            req: req.clone(),
            work,
            reply,
        };
        if let Some(jobs) = &self.jobs {
            // A writer that has stopped drops the job, and with it `reply`: the receiver
            // then reports it.
            let _ = jobs.send(job);
        }
        answer
    }

    /// A reader's answer, sent once every batch up to `seen` is durable.
    fn after_sync(&self, answer: Answer, seen: u64) -> Next {
        let progress = &self.progress;
        if seen <= progress.synced.load(Ordering::SeqCst) && !progress.failed.load(Ordering::SeqCst)
        {
            return Next::Answered(answer);
        }
        let (reply, receiver) = oneshot::channel();
        if let Some(waiting) = &self.waiting {
            let _ = waiting.send(Pending {
                after: seen,
                replies: vec![(reply, Ok(answer))],
            });
        }
        Next::Queued(receiver)
    }

    /// The read phase, on the calling thread, and what is left queued if anything is.
    fn start(&self, req: &Request) -> Next {
        // Counted while it reads only: once its job is being queued, a writer waiting for it
        // must not wait on for itself.
        let read = {
            let _reading = Reading::new(&self.progress.reading);
            self.read(req)
        };
        match read {
            Some((
                Answer {
                    result: Ok(Outcome::Write(job)),
                    ..
                },
                _,
            )) => Next::Queued(self.queue(req, Work::Finish(job))),
            Some((answer, seen)) => self.after_sync(answer, seen),
            None => Next::Queued(self.queue(req, Work::Route(None))),
        }
    }

    /// After a plan: the network with no transaction open (as the command line), then the
    /// request again on the writer with what was fetched. Blocks.
    fn after_fetch(&self, req: &Request, plan: &Plan) -> Result<Response, Failure> {
        let open = || Store::open(&self.state, &seed);
        let fetched = keycache::run_plan(plan, &open, &Ctx::now_secs)?;
        let answer = self
            .queue(req, Work::Route(Some(fetched)))
            .blocking_recv()
            .map_err(|_| stopped())??;
        respond(answer)
    }
}

impl Backend for PooledBackend {
    /// The whole request on the calling thread, which may block (tests, and the blocking
    /// threads of the server).
    fn handle(&self, req: &Request) -> Result<Response, Failure> {
        let answer = match self.inner.start(req) {
            Next::Answered(answer) => answer,
            Next::Queued(reply) => reply.blocking_recv().map_err(|_| stopped())??,
        };
        match &answer.result {
            Ok(Outcome::NeedsFetch(plan)) => self.inner.after_fetch(req, plan),
            _ => respond(answer),
        }
    }

    /// The read phase on the calling (async) thread; the writer's part, a wait for a sync and
    /// any fetch, as a future that waits without holding a thread (a fetch runs on a blocking
    /// thread).
    fn start(&self, req: &Request) -> Started {
        let reply = match self.inner.start(req) {
            Next::Answered(answer) if !needs_fetch(&answer) => {
                return Started::Done(respond(answer))
            }
            Next::Answered(answer) => Err(answer),
            Next::Queued(reply) => Ok(reply),
        };
        let inner = self.inner.clone();
        let req = req.clone();
        Started::Waiting(Box::pin(async move {
            let answer = match reply {
                Ok(reply) => reply.await.map_err(|_| stopped())??,
                Err(answer) => answer,
            };
            let Ok(Outcome::NeedsFetch(plan)) = answer.result else {
                return respond(answer);
            };
            tokio::task::spawn_blocking(move || inner.after_fetch(&req, &plan))
                .await
                .unwrap_or_else(|_| {
                    Err(Failure::Api(ApiError::internal(
                        "the request's fetch failed (a bug)",
                    )))
                })
        }))
    }
}

fn needs_fetch(answer: &Answer) -> bool {
    matches!(answer.result, Ok(Outcome::NeedsFetch(_)))
}

impl Drop for Inner {
    /// The writer finishes what is queued and stops; then the syncer makes it durable,
    /// answers it, and stops.
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        self.waiting = None;
        if let Some(syncer) = self.syncer.take() {
            let _ = syncer.join();
        }
    }
}

// ---- the writer ---------------------------------------------------------------------------

/// The writer thread: batches until every sender is gone, then leaves the WAL as the command
/// line does.
fn run_writer(
    mut store: Store,
    queue: mpsc::Receiver<Job>,
    synced: mpsc::Sender<Pending>,
    checkpointer: Checkpointer,
    progress: &Progress,
    offline: bool,
    seal: KeyFile,
) {
    let mut seq = 0;
    while let Ok(first) = queue.recv() {
        let batch = gather(first, &queue, progress);
        seq += 1;
        let replies = run_batch(&mut store, batch, progress, seq, offline, &seal);
        // Answered by the syncer once the batch is durable.
        let _ = synced.send(Pending {
            after: seq,
            replies,
        });
        keep_wal_short(&store, &checkpointer);
    }
    checkpointer.stop();
    store.trim_for_close();
}

/// After a commit: the checkpointer copies the WAL into the database beside the writer, and the
/// writer restarts the WAL itself ([`Store::trim`], once it is long enough) only while the
/// checkpointer is idle, so that the restart, during which no login is written, has only the
/// frames since the checkpointer's last copy left to copy. (The restart alone copied a whole
/// cycle: a pause of 3 to 6 ms every 40 ms under benches/server.sh.)
fn keep_wal_short(store: &Store, checkpointer: &Checkpointer) {
    if checkpointer.is_idle() || store.wal_frames() > FORCE_RESTART_FRAMES {
        store.trim();
    }
    if store.wal_frames() >= CHECKPOINT_FRAMES {
        checkpointer.nudge();
    }
}

// ---- the checkpointer -----------------------------------------------------------------------

/// A thread with its own connection that runs `wal_checkpoint(PASSIVE)` when the writer asks.
struct Checkpointer {
    /// One pending request at most (a full channel means one is already pending).
    wake: mpsc::SyncSender<()>,
    /// From a request until the checkpoint it asked for has returned.
    busy: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    fn start(state: &std::path::Path) -> Result<Checkpointer, StoreError> {
        let store = Store::open_checkpointer(state)?;
        let (wake, woken) = mpsc::sync_channel(1);
        let busy = Arc::new(AtomicBool::new(false));
        let thread = {
            let busy = busy.clone();
            std::thread::Builder::new()
                .name("jwtvault-ckpt".into())
                .spawn(move || {
                    while woken.recv().is_ok() {
                        // A checkpoint that fails (or finds readers on the frames) leaves the
                        // frames to the next one, or to the writer's restart.
                        let _ = store.checkpoint_passive();
                        busy.store(false, Ordering::Release);
                    }
                })
                .map_err(thread_error)?
        };
        Ok(Checkpointer { wake, busy, thread })
    }

    fn is_idle(&self) -> bool {
        !self.busy.load(Ordering::Acquire)
    }

    /// Asks for a checkpoint unless one is asked for or running.
    fn nudge(&self) {
        if !self.busy.swap(true, Ordering::AcqRel) && self.wake.try_send(()).is_err() {
            self.busy.store(false, Ordering::Release);
        }
    }

    /// Waits for a running checkpoint and stops the thread.
    fn stop(self) {
        drop(self.wake);
        let _ = self.thread.join();
    }
}

/// The batch that begins with `first`: every job queued, and, while requests are still in
/// their read phase (so more jobs are coming), those that arrive within [`GATHER`]. Under load
/// a batch then holds the logins of many connections, not the one or two that happened to be
/// queued (fewer commits, fsyncs and WAL pages per login); an idle server (one connection)
/// has nobody reading when a job arrives, and commits at once.
fn gather(first: Job, queue: &mpsc::Receiver<Job>, progress: &Progress) -> Vec<Job> {
    let mut batch = vec![first];
    batch.extend(queue.try_iter().take(MAX_BATCH - 1));
    let until = Instant::now() + GATHER;
    while batch.len() < MAX_BATCH && progress.reading.load(Ordering::SeqCst) > 0 {
        let left = until.saturating_duration_since(Instant::now());
        match queue.recv_timeout(left) {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    batch
}

/// One transaction for every job of the batch, committed once (not yet durable): the
/// answers, or the commit's failure for every job.
fn run_batch(
    store: &mut Store,
    batch: Vec<Job>,
    progress: &Progress,
    seq: u64,
    offline: bool,
    seal: &KeyFile,
) -> Vec<(oneshot::Sender<Reply>, Reply)> {
    let fail_all = |batch: Vec<(oneshot::Sender<Reply>, Option<Answer>)>, e: &StoreError| {
        let detail = e.to_string();
        batch
            .into_iter()
            .map(|(reply, _)| (reply, Err(StoreError::Sqlite(detail.clone()))))
            .collect()
    };
    let begun = if progress.failed.load(Ordering::SeqCst) {
        Err(sync_failed())
    } else {
        store.begin()
    };
    if let Err(e) = begun {
        progress.visible.store(seq, Ordering::SeqCst);
        progress.committed.store(seq, Ordering::SeqCst);
        let batch = batch.into_iter().map(|job| (job.reply, None)).collect();
        return fail_all(batch, &e);
    }
    let now = Ctx::now_secs();
    let answered: Vec<_> = batch
        .into_iter()
        .map(|job| {
            let ctx = Ctx {
                now,
                offline,
                remote_addr: job.req.remote_addr.clone(),
                explain: job.req.explain,
                seal: seal.clone(),
            };
            let answer = run_job(store, &ctx, &job.req, job.work);
            (job.reply, Some(answer))
        })
        .collect();
    progress.visible.store(seq, Ordering::SeqCst);
    let committed = store.commit_batch();
    progress.committed.store(seq, Ordering::SeqCst);
    match committed {
        Ok(()) => answered
            .into_iter()
            .map(|(reply, answer)| (reply, answer.ok_or_else(stopped)))
            .collect(),
        // Nothing of the batch is kept: no job of it may be answered as done.
        Err(e) => fail_all(answered, &e),
    }
}

// ---- the syncer ---------------------------------------------------------------------------

/// The syncer thread: takes what waits, syncs once for all of it, answers what the sync
/// covered, until every sender is gone and nothing waits.
fn run_syncer(mut wal: WalSync, queue: mpsc::Receiver<Pending>, progress: &Progress) {
    let mut waiting: Vec<Pending> = Vec::new();
    loop {
        // Block only when nothing can be answered without a newer commit.
        let next = if waiting.is_empty() {
            queue.recv().ok()
        } else {
            queue.try_recv().ok()
        };
        let got_new = next.is_some();
        waiting.extend(next);
        waiting.extend(queue.try_iter());
        if waiting.is_empty() {
            return; // every sender is gone
        }
        let need = waiting.iter().map(|p| p.after).max().unwrap_or(0);
        let committed = progress.committed.load(Ordering::SeqCst);
        if need > progress.synced.load(Ordering::SeqCst)
            && committed > progress.synced.load(Ordering::SeqCst)
            && !progress.failed.load(Ordering::SeqCst)
        {
            // Everything committed before this call is durable when it returns.
            match wal.sync() {
                Ok(()) => progress.synced.store(committed, Ordering::SeqCst),
                Err(_) => progress.failed.store(true, Ordering::SeqCst),
            }
        }
        let synced = progress.synced.load(Ordering::SeqCst);
        let failed = progress.failed.load(Ordering::SeqCst);
        let (ready, later): (Vec<_>, Vec<_>) =
            waiting.drain(..).partition(|p| p.after <= synced || failed);
        waiting = later;
        for pending in ready {
            for (reply, answer) in pending.replies {
                let answer = if failed && pending.after > synced {
                    Err(sync_failed())
                } else {
                    answer
                };
                let _ = reply.send(answer);
            }
        }
        if !waiting.is_empty() && !got_new {
            // What still waits needs a commit that has not returned yet: wait for the next
            // message (the writer sends one after every commit).
            match queue.recv() {
                Ok(p) => waiting.push(p),
                Err(_) => {
                    // No writer left: nothing later will come; what waits has to be answered.
                    for pending in waiting.drain(..) {
                        for (reply, _) in pending.replies {
                            let _ = reply.send(Err(stopped()));
                        }
                    }
                    return;
                }
            }
        }
    }
}

/// One job, in a savepoint of its own: a handler that panics (a bug) gets a 500 and leaves
/// nothing behind, and the rest of the batch goes on.
fn run_job(store: &Store, ctx: &Ctx, req: &Request, work: Work) -> Answer {
    if let Err(e) = store.batch_savepoint() {
        return Err(ApiError::from(e)).into();
    }
    let ran = catch_unwind(AssertUnwindSafe(|| match work {
        Work::Route(fetched) => paths::route_through(store, ctx, req, fetched.as_ref()),
        Work::Finish(job) => paths::finish(store, ctx, req, job, None),
    }));
    match ran {
        Ok(answer) => match store.release_batch_savepoint() {
            Ok(()) => answer,
            Err(e) => Err(ApiError::from(e)).into(),
        },
        Err(_) => {
            let _ = store.rollback_batch_savepoint();
            Err(ApiError::internal("the request's handler failed (a bug)")).into()
        }
    }
}

// ---- the readers --------------------------------------------------------------------------

/// Reader connections, opened on demand up to a bound, reused.
struct Pool {
    state: PathBuf,
    max: usize,
    /// Idle connections, and how many are open in all.
    idle: Mutex<(Vec<Store>, usize)>,
    freed: Condvar,
}

impl Pool {
    fn new(state: PathBuf, max: usize) -> Pool {
        Pool {
            state,
            max,
            idle: Mutex::new((Vec::new(), 0)),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, (Vec<Store>, usize)> {
        // A panic while holding the lock leaves a consistent Vec: keep using it.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An idle reader, a new one, or the next one freed.
    fn take(&self) -> Result<Lease<'_>, StoreError> {
        let mut idle = self.lock();
        loop {
            if let Some(store) = idle.0.pop() {
                return Ok(Lease::new(self, store));
            }
            if idle.1 < self.max {
                idle.1 += 1;
                drop(idle);
                return match Store::open_reader(&self.state) {
                    Ok(store) => Ok(Lease::new(self, store)),
                    Err(e) => {
                        self.forget();
                        Err(e)
                    }
                };
            }
            idle = self.freed.wait(idle).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A connection that will not come back (broken, or lost to a panic).
    fn forget(&self) {
        self.lock().1 -= 1;
        self.freed.notify_one();
    }

    fn give_back(&self, store: Store) {
        self.lock().0.push(store);
        self.freed.notify_one();
    }
}

/// A reader taken from the pool: given back when dropped, unless a panic (or a failure)
/// left it in an unknown state.
struct Lease<'a> {
    pool: &'a Pool,
    store: Option<Store>,
}

impl<'a> Lease<'a> {
    fn new(pool: &'a Pool, store: Store) -> Lease<'a> {
        Lease {
            pool,
            store: Some(store),
        }
    }

    fn store(&mut self) -> &mut Store {
        self.store
            .as_mut()
            .expect("a lease holds its store until dropped")
    }

    fn discard(mut self) {
        self.store = None;
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        match self.store.take() {
            Some(store) if !std::thread::panicking() => self.pool.give_back(store),
            _ => self.pool.forget(),
        }
    }
}

#[cfg(test)]
mod tests;
