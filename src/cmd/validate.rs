//! `checkgen validate`: every problem in the rule files, as `file:line:column: message`.

use std::process::ExitCode;

use checkgen::{rules, Result};

use super::args::RuleDirs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let (set, problems) = rules::validate(&args.rules.dirs)?;
    for problem in &problems {
        eprintln!("{problem}");
    }
    if problems.is_empty() {
        super::args::print(&format!(
            "ok: {} rules in {} domains, {} sectors, {} not-checkable entries; all quotes and cited articles verified\n",
            set.rules.len(),
            set.domains.len(),
            set.sectors.len(),
            set.not_checkable.len()
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        let n = problems.len();
        eprintln!("error: {n} problem{} found", if n == 1 { "" } else { "s" });
        Ok(ExitCode::FAILURE)
    }
}
