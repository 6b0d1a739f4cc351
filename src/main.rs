//! The `jwtvault` binary: parse, run, print the error, return the exit code.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = jwtvault::run(args, jwtvault::commands::Env::from_process());
    std::process::exit(code);
}
