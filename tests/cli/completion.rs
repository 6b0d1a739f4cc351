//! `jwtvault completion SHELL`: the committed scripts under `completions/` match what the CLI
//! prints (regenerate them with `scripts/completions`), and an unknown shell is refused.

use std::path::Path;

use crate::support::Env;

#[test]
fn committed_completions_match_the_cli() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for shell in jwtvault::completion::SHELLS {
        let committed = std::fs::read_to_string(dir.join(jwtvault::completion::file_name(shell)))
            .unwrap_or_else(|e| {
                panic!(
                    "completions/{} is missing: {e}",
                    jwtvault::completion::file_name(shell)
                )
            });
        let out = Env::new().run(&["completion", shell]);
        out.ok();
        assert!(
            committed == out.stdout,
            "completions/{} differs from `jwtvault completion {shell}`: regenerate it with\n  \
             for s in bash zsh fish powershell elvish; do ...; done (see scripts/completions)",
            jwtvault::completion::file_name(shell)
        );
    }
    let bad = Env::new().run(&["completion", "tcsh"]);
    assert_eq!(bad.code, 1);
    assert_eq!(
        bad.stderr,
        "unknown shell \"tcsh\": expected one of bash, zsh, fish, powershell, elvish\n"
    );
}
