//! The `jwtvault` binary: parse, run, print the error, return the exit code.

fn main() {
    jwtvault::output::printer::install_panic_hook();
    // `args_os`/`vars_os`: `args`/`vars` panic on bytes that are not UTF-8, and the panic
    // message would print them (a JWT with its signature, a token in a variable).
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    jwtvault::storage::exit_follows_each_command();
    let code = jwtvault::run(args, jwtvault::commands::Env::from_process());
    std::process::exit(code);
}
