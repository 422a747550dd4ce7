//! `checkgen answers`: the answer sheet (XLSX, CSV or YAML) of the form the same flags would
//! generate.

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::answers::{self, SheetFormat};
use checkgen::rules::{self, Audience};
use checkgen::{output, Error, Result};

use super::args::{info, AudienceArg, RuleDirs};
use super::generate::JobRequest;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["sector", "profile"])))]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
    /// Sector ids, comma-separated, as for `generate`
    #[arg(long, value_name = "S[,S2]", value_delimiter = ',')]
    sector: Vec<String>,
    /// Who the form is for; `regulator` with --authority, else `enterprise` by default
    #[arg(long, value_enum)]
    audience: Option<AudienceArg>,
    /// Protection level (安全保护等级), 1–5
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    level: Option<u8>,
    /// The enterprise's profile, as for `generate`
    #[arg(long, value_name = "FILE.yaml")]
    profile: Option<PathBuf>,
    /// The inspecting authority of a regulator form (`checkgen authorities`)
    #[arg(long, value_name = "ID")]
    authority: Option<String>,
    /// Name of the organisation, put in the sheet's header
    #[arg(long, value_name = "NAME")]
    org_name: Option<String>,
    /// 统一社会信用代码 of the organisation; its check character is verified
    #[arg(long, value_name = "CODE")]
    credit_code: Option<String>,
    /// The sheet to write: .xlsx, .csv (UTF-8 with BOM) or .yaml, by its extension
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let format = SheetFormat::of(&args.output).ok_or_else(|| {
        Error::usage(
            format!(
                "cannot tell the sheet's format from `{}`",
                args.output.display()
            ),
            "name the output .xlsx, .csv or .yaml",
        )
    })?;
    let set = rules::load_checked(&args.rules.dirs)?;
    let audience = match (args.audience, &args.authority) {
        (Some(audience), _) => Audience::from(audience),
        (None, Some(_)) => Audience::Regulator,
        (None, None) => Audience::Enterprise,
    };
    let job = JobRequest {
        sector: &args.sector,
        audience: Some(audience),
        level: args.level,
        profile: args.profile.as_deref(),
        authority: args.authority.as_deref(),
        org_name: args.org_name.as_deref(),
        credit_code: args.credit_code.as_deref(),
    }
    .job(&set)?;
    let sheet = answers::sheet(&set, &job);
    let bytes = answers::write(&sheet, format)?;
    output::write_atomic(&args.output, &bytes)?;
    info(&format!(
        "wrote {} ({} rows)",
        args.output.display(),
        sheet.rows.len()
    ));
    Ok(ExitCode::SUCCESS)
}
