//! The `checkgen` binary: parses the command line, runs the command, maps the outcome to an
//! exit code (0 success, 1 failure, 2 usage).

#![forbid(unsafe_code)]

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let code = err.exit_code();
            cmd::report(err);
            ExitCode::from(code)
        }
    }
}
