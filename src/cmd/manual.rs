//! `checkgen completions SHELL` and `checkgen man`: generated from the clap definitions, so
//! they always match the commands.

use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use super::args::print;
use super::Cli;
use checkgen::{Error, Result};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash (`checkgen completions bash > /etc/bash_completion.d/checkgen`), zsh
    /// (a `_checkgen` file on `$fpath`), fish (`~/.config/fish/completions/checkgen.fish`),
    /// powershell (dot-source it from `$PROFILE`)
    #[arg(value_enum)]
    shell: ShellArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// A subcommand: its own page, checkgen-COMMAND(1), which the main page refers to
    #[arg(value_name = "COMMAND")]
    command: Option<String>,
}

pub fn completions(args: CompletionsArgs) -> Result<ExitCode> {
    let shell = match args.shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "checkgen", &mut script);
    print(&String::from_utf8(script).expect("clap writes completion scripts as UTF-8"));
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: ManArgs) -> Result<ExitCode> {
    let mut command = Cli::command();
    // Gives subcommands their page names (checkgen-generate) and usage (checkgen generate).
    command.build();
    let command = match &args.command {
        None => command,
        Some(name) => command.find_subcommand(name).cloned().ok_or_else(|| {
            let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
            Error::usage(
                format!("no subcommand `{name}`"),
                format!("name one of: {}", names.join(", ")),
            )
        })?,
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut page)
        .expect("writing into a Vec cannot fail");
    print(&String::from_utf8(page).expect("clap_mangen writes roff as UTF-8"));
    Ok(ExitCode::SUCCESS)
}
