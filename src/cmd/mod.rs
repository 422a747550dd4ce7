//! The command line: one file per subcommand, each turning its flags into library calls.

mod answers;
mod args;
mod assess;
mod authorities;
mod clock;
mod generate;
mod instruments;
mod issue;
mod manifest;
mod manual;
mod profile;
mod render;
mod rules;
mod sectors;
mod trace;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use args::report;
use args::Verbosity;
use checkgen::Result;

/// Compliance checklists (自查表 / 检查表) from the security, privacy and market-order clauses
/// of Chinese information-consumption policy.
///
/// Data (listings, JSON, Markdown on request) goes to stdout; messages (what was written,
/// warnings, errors) go to stderr. Exit codes: 0 success, 1 failure, 2 usage.
#[derive(Debug, Parser)]
#[command(
    name = "checkgen",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Print errors only: no warnings, no "wrote …" lines
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print what was read and how long each step took
    #[arg(short, long, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the sectors, with rule counts per audience
    Sectors(sectors::Args),
    /// List rules, as a table or as JSON
    Rules(rules::Args),
    /// List the inspecting authorities (检查机关) and the sectors each has a form for
    Authorities(authorities::Args),
    /// List the instrument registry: status and how many rules cite each instrument
    Instruments(instruments::Args),
    /// Check rule files, seed quotes and cited articles; print every problem
    Validate(validate::Args),
    /// Write checklists for a sector and audience, or for every sector (--all)
    Generate(generate::Args),
    /// Write an annotated enterprise profile (`profile init`), or check one (`profile check`)
    Profile(profile::Args),
    /// Issue one numbered form per enterprise of a roster (CSV or XLSX), with a register
    Issue(issue::Args),
    /// Work with campaign registers: `manifest merge` joins the shards' registers
    Manifest(manifest::Args),
    /// Write the answer sheet (XLSX, CSV or YAML) of the form the same flags generate
    Answers(answers::Args),
    /// Read a filled answer sheet: the gap report, or the draft 行政检查结果告知书
    Assess(assess::Args),
    /// Lay out any Markdown file as a PDF (or write it as a Word document), as the forms are
    Render(render::Args),
    /// Show which seed sentences each rule covers, the gaps, and coverage per document
    Trace(trace::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell) to stdout
    Completions(manual::CompletionsArgs),
    /// Print a manual page (roff) to stdout: `checkgen man > checkgen.1`, `checkgen man
    /// generate > checkgen-generate.1`
    Man(manual::ManArgs),
}

/// Runs the command; `Ok` carries the exit code for outcomes that are not errors.
pub fn run(cli: Cli) -> Result<ExitCode> {
    args::set_verbosity(match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    });
    match cli.command {
        Command::Sectors(args) => sectors::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Authorities(args) => authorities::run(args),
        Command::Instruments(args) => instruments::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Profile(args) => profile::run(args),
        Command::Issue(args) => issue::run(args),
        Command::Manifest(args) => manifest::run(args),
        Command::Answers(args) => answers::run(args),
        Command::Assess(args) => assess::run(args),
        Command::Render(args) => render::run(args),
        Command::Trace(args) => trace::run(args),
        Command::Completions(args) => manual::completions(args),
        Command::Man(args) => manual::man(args),
    }
}
