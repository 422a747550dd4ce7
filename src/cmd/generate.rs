//! `checkgen generate`: checklists for one selection, or for every sector × audience.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use checkgen::generate::{self, Job};
use checkgen::profile::{self, Profile};
use checkgen::rules::{self, Audience, RuleSet};
use checkgen::select::{self, Selection};
use checkgen::view::{Meta, OrgView};
use checkgen::{credit_code, template, Error, Result};

use super::args::{detail, formats, info, report, warn, AudienceArg, FormatArg, RuleDirs};
use super::clock::Clock;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["sector", "all", "profile"])))]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
    /// Sector ids, comma-separated: an enterprise in several sectors gets each rule once
    #[arg(
        long,
        value_name = "S[,S2]",
        value_delimiter = ',',
        requires = "audience"
    )]
    sector: Vec<String>,
    /// Who the form is for
    #[arg(long, value_enum)]
    audience: Option<AudienceArg>,
    /// Protection level (安全保护等级) of the systems, 1–5: picks the graded-protection items
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    level: Option<u8>,
    /// The enterprise's profile (`checkgen profile init` writes one): its sectors, licences,
    /// systems and what it is; the form then asks only what applies to it
    #[arg(long, value_name = "FILE.yaml", requires = "audience")]
    profile: Option<PathBuf>,
    /// The inspecting authority of a regulator form (`checkgen authorities` lists the ids)
    #[arg(long, value_name = "ID")]
    authority: Option<String>,
    /// Every sector's self-assessment and one regulator form per (sector, authority), without
    /// a level
    #[arg(long, conflicts_with_all = ["sector", "audience", "level", "org_name", "credit_code", "authority", "profile"])]
    all: bool,
    /// Name of the organisation, printed in the header (单位名称 / 被检查单位)
    #[arg(long, value_name = "NAME")]
    org_name: Option<String>,
    /// 统一社会信用代码 of the organisation; its check character is verified
    #[arg(long, value_name = "CODE")]
    credit_code: Option<String>,
    /// Output formats, comma-separated
    #[arg(long, value_enum, value_delimiter = ',', default_value = "md,pdf")]
    format: Vec<FormatArg>,
    /// Output directory (created if missing)
    #[arg(long, value_name = "DIR", default_value = "out")]
    out: PathBuf,
    /// Directory of templates overriding the defaults by name (enterprise.md, regulator.md)
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write the PDF without fill-in fields (a plain PDF for print only)
    #[arg(long)]
    no_fields: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let set = rules::load_checked(&args.rules.dirs)?;
    detail(&format!(
        "rules: {} rules in {} sectors ({} ms)",
        set.rules.len(),
        set.sectors.len(),
        started.elapsed().as_millis()
    ));
    let tera = template::tera(args.templates.as_deref())?;
    let formats = formats(&args.format);
    let jobs = if args.all {
        generate::all_jobs(&set)
    } else {
        vec![JobRequest {
            sector: &args.sector,
            audience: args.audience.map(Audience::from),
            level: args.level,
            profile: args.profile.as_deref(),
            authority: args.authority.as_deref(),
            org_name: args.org_name.as_deref(),
            credit_code: args.credit_code.as_deref(),
        }
        .job(&set)?]
    };
    let clock = Clock::read();
    let mut meta = Meta::new(clock.now, clock.source_date_epoch);
    meta.pdf_fields = !args.no_fields;
    let results = generate::write_all(&set, &tera, &jobs, &formats, &args.out, &meta)?;
    let mut failed = 0;
    for result in results {
        match result {
            Ok(written) => {
                for warning in &written.warnings {
                    // The PDF's warnings, or the Word document's when no PDF is written.
                    let rendered = ["pdf", "docx"].iter().find_map(|ext| {
                        written
                            .paths
                            .iter()
                            .find(|p| p.extension().is_some_and(|e| e == *ext))
                    });
                    warn(&format!(
                        "{}: {warning}",
                        rendered.map_or(String::new(), |p| p.display().to_string())
                    ));
                }
                for path in &written.paths {
                    info(&format!("wrote {}", path.display()));
                }
            }
            Err(err) => {
                failed += 1;
                report(err);
            }
        }
    }
    detail(&format!(
        "{} forms in {} ms",
        jobs.len(),
        started.elapsed().as_millis()
    ));
    if failed > 0 {
        eprintln!(
            "error: {failed} of {} forms failed; the others were written",
            jobs.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The flags that name one form: `generate --sector`, `answers` and `assess` share them.
pub(super) struct JobRequest<'a> {
    pub sector: &'a [String],
    pub audience: Option<Audience>,
    pub level: Option<u8>,
    pub profile: Option<&'a Path>,
    pub authority: Option<&'a str>,
    pub org_name: Option<&'a str>,
    pub credit_code: Option<&'a str>,
}

impl JobRequest<'_> {
    /// The one form `--sector` / `--profile` ask for, checked: sectors, authority, profile
    /// and the organisation's name and code.
    pub fn job(&self, set: &RuleSet) -> Result<Job> {
        one_job(self, set)
    }
}

fn one_job(args: &JobRequest, set: &RuleSet) -> Result<Job> {
    let audience = args.audience.ok_or_else(|| {
        Error::usage(
            "--audience is required with --sector",
            "add `--audience enterprise` or `--audience regulator`",
        )
    })?;
    let profile = match args.profile {
        Some(path) => Some(profile::load(path, set)?),
        None => None,
    };
    let sectors = match (&profile, args.sector.is_empty()) {
        (Some(profile), true) => profile.sectors.clone(),
        _ => args.sector.to_vec(),
    };
    let selection = Selection::new(set, &sectors, audience, args.level)?;
    select::check_authority(
        set,
        audience,
        args.authority,
        &selection.sectors,
        args.level,
    )?;
    let selection = match args.authority {
        Some(id) => selection.with_authority(set, id)?,
        None => selection,
    };
    let given = |flag: Option<&str>, field: fn(&Profile) -> &Option<String>| {
        flag.map(str::to_string)
            .or_else(|| profile.as_ref().and_then(|p| field(p).clone()))
            .map(|value| value.trim().to_string())
    };
    let credit_code = match given(args.credit_code, |p| &p.credit_code) {
        Some(code) => credit_code::validate(&code).map_err(|err| {
            Error::usage(
                format!("invalid 统一社会信用代码 `{code}`: {err}"),
                "copy the code from the business licence (18 characters, capitals, GB 32100-2015), or leave it out",
            )
        })?,
        None => String::new(),
    };
    let org = OrgView {
        name: given(args.org_name, |p| &p.name).unwrap_or_default(),
        credit_code,
        ..OrgView::default()
    };
    let selection = match profile {
        Some(profile) => selection.with_profile(profile)?,
        None => selection,
    };
    Ok(Job::new(selection, org))
}
