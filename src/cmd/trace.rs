//! `checkgen trace`: which seed sentences each rule covers, gaps, coverage per document.

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::seeds::Seeds;
use checkgen::{rules, trace, Result};

use super::args::{print, print_json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum TraceFormat {
    /// A traceability matrix to hand to an auditor
    Md,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = TraceFormat::Md)]
    format: TraceFormat,
}

pub fn run(rule_dirs: &[PathBuf], args: Args) -> Result<ExitCode> {
    let set = rules::load_checked(rule_dirs)?;
    let docs = trace::trace(&set, Seeds::embedded());
    match args.format {
        TraceFormat::Md => print(&trace::to_markdown(&docs)),
        TraceFormat::Json => print_json(&docs),
    }
    for doc in &docs {
        let s = &doc.summary;
        eprintln!(
            "{}: {:.1}% of checkable sentences covered ({} covered, {} gaps, {} not checkable)",
            doc.doc, s.coverage, s.covered, s.gaps, s.not_checkable
        );
    }
    Ok(ExitCode::SUCCESS)
}
