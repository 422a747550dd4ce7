//! The `checkgen` binary: parses the command line, runs the command, maps the outcome to an
//! exit code (0 success, 1 failure, 2 usage).

mod cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    ignore_file_size_signal();
    // Unwrapped lines keep each message greppable and paths whole.
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(miette::MietteHandlerOpts::new().wrap_lines(false).build())
    }));
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
/// the process silently (exit 153). Ignored, the write fails with EFBIG instead, and the
/// output's error names the file.
fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: installs the SIG_IGN disposition for one signal before any thread starts; no
    // handler code runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}
