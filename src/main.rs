//! The `checkgen` binary: parses the command line, runs the command, maps the outcome to an
//! exit code (0 success, 1 failure, 2 usage).

#![forbid(unsafe_code)]

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ignore_file_size_signal();
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

/// A write past the file-size limit (`ulimit -f`) raises SIGXFSZ, whose default action ends
/// the process silently (exit 153). With a handler installed (it only sets a flag), the write
/// fails with EFBIG instead, and the output's error names the file.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    {
        let caught = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Registration fails only for signals that cannot be caught, which SIGXFSZ is not;
        // should it fail, the default action stays, as before.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGXFSZ, caught);
    }
}
