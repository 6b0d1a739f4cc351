//! The README's quick start, run by bash exactly as written.

use std::path::Path;

use crate::support::{bin, Env};

/// The `sh` blocks of the README's quick start, run in order by bash exactly as written,
/// with `jwtvault` on PATH.
#[test]
fn readme_quick_start_runs_verbatim() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Quick start")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a Quick start section");
    let blocks: Vec<&str> = section
        .split("```sh\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap_or(""))
        .collect();
    assert!(blocks.len() >= 2, "the quick start has its command blocks");
    let env = Env::new();
    let bin_dir = bin().parent().unwrap().to_path_buf();
    // One shell, as a reader would type them: the first block's exports hold for the rest.
    let script = blocks.join("\necho '@@ end of block @@'\n");
    let out = std::process::Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(&script)
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("HOME", env.path("home"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the quick start failed:\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outputs: Vec<&str> = stdout.split("@@ end of block @@\n").collect();
    assert_eq!(outputs.len(), blocks.len(), "every block ran");
    let last = outputs.last().unwrap();
    assert_eq!(
        last.matches("token_policies       [\"default\" \"developer-policy\"]")
            .count(),
        2,
        "{last}"
    );
    assert!(last.contains("Success! You are now authenticated."));
    assert!(
        last.ends_with("deny\n"),
        "capabilities of a policy that does not exist: {last}"
    );
    assert!(
        env.path("token").exists(),
        "the short login stored the token"
    );
    assert!(env.path("state.db").exists());
}
