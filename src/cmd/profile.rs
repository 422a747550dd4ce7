//! `checkgen profile`: write an annotated enterprise profile (`init`), or check one (`check`).

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::{output, profile, rules, Error, Result};

use super::args::{info, print, print_json, ListFormat, RuleDirs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Write an annotated profile to fill in (to stdout, or to --out)
    Init {
        /// The file to write (refused if it exists)
        #[arg(short, long, value_name = "FILE.yaml")]
        out: Option<PathBuf>,
    },
    /// Check a profile: every problem at its line and column; prints it read back
    Check {
        #[command(flatten)]
        rules: RuleDirs,
        file: PathBuf,
        /// Output format of the profile read back
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
}

pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Command::Init { out: None } => print(profile::TEMPLATE),
        Command::Init { out: Some(path) } => {
            if path.symlink_metadata().is_ok() {
                return Err(Error::usage(
                    format!("{} exists", path.display()),
                    "give another file name; a profile already filled in is never overwritten",
                ));
            }
            output::write_atomic(&path, profile::TEMPLATE.as_bytes())?;
            info(&format!("wrote {}", path.display()));
        }
        Command::Check {
            rules,
            file,
            format,
        } => {
            let set = rules::load_checked(&rules.dirs)?;
            let profile = profile::load(&file, &set)?;
            match format {
                ListFormat::Json => print_json("profile", &profile),
                ListFormat::Table => print(&format!(
                    "ok: {} — sectors {}, {} systems\n",
                    file.display(),
                    profile.sectors.join(", "),
                    profile.systems.len()
                )),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
