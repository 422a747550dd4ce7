//! `checkgen validate`: every problem in the rule files, as `file:line:column: message`, then
//! every reviewer's phrase that would reach a generated form.

use std::process::ExitCode;

use checkgen::view::Meta;
use checkgen::{generate, rules, template, Result};

use super::args::RuleDirs;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let (set, mut problems) = rules::validate(&args.rules.dirs)?;
    let forms = generate::every_form_job(&set).len();
    if problems.is_empty() {
        // Forms are rendered only from rules that load cleanly; the date printed on them
        // does not matter here.
        let meta = Meta::new(0, Some(0));
        problems.extend(generate::check_forms(&set, &template::tera(None)?, &meta)?);
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    if problems.is_empty() {
        super::args::print(&format!(
            "ok: {} rules in {} domains, {} sectors, {} instruments, {} not-checkable entries; all quotes and cited articles verified; {forms} forms free of reviewer's wording\n",
            set.rules.len(),
            set.domains.len(),
            set.sectors.len(),
            set.instruments.instruments.len(),
            set.not_checkable.len()
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        let n = problems.len();
        eprintln!("error: {n} problem{} found", if n == 1 { "" } else { "s" });
        Ok(ExitCode::FAILURE)
    }
}
