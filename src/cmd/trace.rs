//! `checkgen trace`: which seed sentences each rule covers, gaps, coverage per document.

use std::process::ExitCode;

use checkgen::seeds::Seeds;
use checkgen::{rules, trace, Result};

use super::args::{info, print, print_json, RuleDirs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TraceFormat {
    /// A traceability matrix to hand to an auditor
    Md,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
    /// Output format
    #[arg(long, value_enum, default_value_t = TraceFormat::Md)]
    format: TraceFormat,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let set = rules::load_checked(&args.rules.dirs)?;
    let docs = trace::trace(&set, Seeds::embedded());
    match args.format {
        TraceFormat::Md => print(&trace::to_markdown(&docs)),
        TraceFormat::Json => print_json("documents", &docs),
    }
    for doc in &docs {
        let s = &doc.summary;
        info(&format!(
            "{}: {:.1}% of checkable sentences covered ({} covered, {} gaps, {} not checkable)",
            doc.doc, s.coverage, s.covered, s.gaps, s.not_checkable
        ));
    }
    Ok(ExitCode::SUCCESS)
}
