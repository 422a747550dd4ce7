//! `checkgen validate`: every problem in the rule files, as `file:line:column: message`.

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::{rules, Result};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(rule_dirs: &[PathBuf], _args: Args) -> Result<ExitCode> {
    let (set, problems) = rules::validate(rule_dirs)?;
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
