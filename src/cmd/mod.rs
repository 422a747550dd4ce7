//! The command line: one file per subcommand, each turning its flags into library calls.

mod args;
mod generate;
mod instruments;
mod render;
mod rules;
mod sectors;
mod trace;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use args::report;
use checkgen::Result;

/// Compliance checklists (自查表 / 检查表) from the security, privacy and market-order clauses
/// of Chinese information-consumption policy.
#[derive(Debug, Parser)]
#[command(
    name = "checkgen",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// A rules directory layered over the embedded defaults (repeatable; later wins on equal ids)
    #[arg(long = "rules", value_name = "DIR", global = true)]
    pub rules: Vec<std::path::PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the sectors, with rule counts per audience
    Sectors(sectors::Args),
    /// List rules, as a table or as JSON
    Rules(rules::Args),
    /// List the instrument registry: status and how many rules cite each instrument
    Instruments(instruments::Args),
    /// Check rule files, seed quotes and cited articles; print every problem
    Validate(validate::Args),
    /// Write checklists for a sector and audience, or for every sector (--all)
    Generate(generate::Args),
    /// Lay out any Markdown file as a PDF, with the renderer the forms use
    Render(render::Args),
    /// Show which seed sentences each rule covers, the gaps, and coverage per document
    Trace(trace::Args),
}

/// Runs the command; `Ok` carries the exit code for outcomes that are not errors.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Sectors(args) => sectors::run(&cli.rules, args),
        Command::Rules(args) => rules::run(&cli.rules, args),
        Command::Instruments(args) => instruments::run(&cli.rules, args),
        Command::Validate(args) => validate::run(&cli.rules, args),
        Command::Generate(args) => generate::run(&cli.rules, args),
        Command::Render(args) => render::run(args),
        Command::Trace(args) => trace::run(&cli.rules, args),
    }
}
