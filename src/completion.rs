//! Shell completion scripts, generated from the CLI definition (clap_complete).

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// The shells a script is generated and committed for.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish", "powershell", "elvish"];

/// The completion script for `shell`, or `None` for a shell we do not know.
pub fn generate(shell: &str) -> Option<String> {
    let sh = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "powershell" => Shell::PowerShell,
        "elvish" => Shell::Elvish,
        _ => return None,
    };
    let mut buf = Vec::new();
    clap_complete::generate(sh, &mut Cli::command(), "jwtvault", &mut buf);
    String::from_utf8(buf).ok()
}

/// The committed file name of a shell's script under `completions/`.
pub fn file_name(shell: &str) -> String {
    match shell {
        "bash" => "jwtvault.bash".into(),
        "zsh" => "_jwtvault".into(),
        "fish" => "jwtvault.fish".into(),
        "powershell" => "_jwtvault.ps1".into(),
        _ => "jwtvault.elv".into(),
    }
}
