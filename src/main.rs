//! The `checkgen` binary: parses the command line, runs the command, maps the outcome to an
//! exit code (0 success, 1 failure, 2 usage).

mod cmd;

// A PDF is built from many small allocations (text runs, lines, dictionary entries) that
// live until the file is written; mimalloc serves them faster than glibc's malloc.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // mimalloc asks for transparent huge pages, and every 2 MiB page first touched is cleared
    // whole: a render touches a few MiB here and there, so that was most of its kernel time,
    // and on a virtual machine whose host had just taken memory back it made a 9 ms render
    // take 29 ms. Ordinary pages cost a little more when memory is plentiful and keep the
    // peak RSS at 20 MiB instead of 35.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
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
