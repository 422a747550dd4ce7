//! `checkgen manifest merge`: the registers of a campaign's shards → the register of the whole.

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::issue::{self, Manifest};
use checkgen::{Error, Result};

use super::args::{info, json_document, read_json_document};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Join the registers of every shard (manifest.shard-I-of-N.json) into manifest.json,
    /// manifest.csv and errors.csv, as the whole run would have written them
    Merge(MergeArgs),
}

#[derive(Debug, clap::Args)]
struct MergeArgs {
    /// The shards' manifest.shard-I-of-N.json files, one per shard
    #[arg(value_name = "MANIFEST", required = true)]
    manifests: Vec<PathBuf>,
    /// Directory to write the merged register into (the campaign's directory)
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let Command::Merge(args) = args.command;
    let mut manifests: Vec<Manifest> = Vec::new();
    for path in &args.manifests {
        let bytes = checkgen::input::read_document(path)?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::usage(
                format!("{} is not UTF-8", path.display()),
                "name a manifest.shard-I-of-N.json file that checkgen issue wrote",
            )
        })?;
        manifests.push(read_json_document(
            &path.display().to_string(),
            "manifest",
            &text,
        )?);
    }
    let merged = issue::merge(manifests)?;
    issue::write_register(&args.out, &merged, &json_document("manifest", &merged))?;
    info(&format!(
        "merged {} shards: {} forms, {} errors, into {}",
        args.manifests.len(),
        merged.forms.len(),
        merged.errors.len(),
        args.out.join("manifest.json").display()
    ));
    Ok(ExitCode::SUCCESS)
}
