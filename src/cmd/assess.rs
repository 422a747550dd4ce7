//! `checkgen assess`: a filled answer sheet or PDF form → the gap report (self-assessment) or the draft
//! 行政检查结果告知书 (inspection form), as Markdown, PDF, JSON or XLSX.

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::answers::{self, label, Filled, Identity};
use checkgen::assess::{self, Report, ReportFormat};
use checkgen::rules::{self, Audience, RuleSet};
use checkgen::select::Selection;
use checkgen::view::{Meta, OrgView};
use checkgen::{input, output, profile, template, Error, Problem, Result};

use super::args::{info, json_document, print, read_json_document, warn, AudienceArg, RuleDirs};
use super::clock::Clock;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
    /// The filled answer sheet (.xlsx, .csv or .yaml, as `checkgen answers` wrote it) or the
    /// filled PDF form (as `checkgen generate` or `issue` wrote it)
    #[arg(value_name = "FILE")]
    input: PathBuf,
    /// Where to write the report: .md, .pdf, .json or .xlsx by extension (repeatable; `-` is
    /// Markdown on stdout, the default)
    #[arg(short, long, value_name = "FILE")]
    output: Vec<PathBuf>,
    /// The last round's report (`-o report.json`): lists what improved, regressed, is new or
    /// was removed
    #[arg(long, value_name = "REPORT.json")]
    previous: Option<PathBuf>,
    /// The profile the sheet was made for (needed when the sheet names one)
    #[arg(long, value_name = "FILE.yaml")]
    profile: Option<PathBuf>,
    /// Refuse a sheet made for other sectors
    #[arg(long, value_name = "S[,S2]", value_delimiter = ',')]
    sector: Vec<String>,
    /// Refuse a sheet made for the other audience
    #[arg(long, value_enum)]
    audience: Option<AudienceArg>,
    /// Refuse a sheet made for another protection level
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    level: Option<u8>,
    /// Refuse a sheet made for another authority's form
    #[arg(long, value_name = "ID")]
    authority: Option<String>,
    /// Directory of templates overriding the defaults by name (gap_report.md,
    /// inspection_notice.md)
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
}

/// A problem with the identity field `field` (one of [`label`]) of the sheet.
fn identity_problem(filled: &Filled, field: &str, message: String, help: &str) -> Error {
    Error::Sheet {
        file: filled.file.clone(),
        problems: vec![Problem::new(filled.at(field), message).with_help(help)],
    }
}

/// Refuses a sheet whose identity differs from what the flags ask for.
fn check_expected(args: &Args, filled: &Filled) -> Result<()> {
    let identity = &filled.identity;
    let help = "assess the sheet made for this form, or leave the flag out to assess the sheet for the form it names";
    let mismatch = |field: &str, what: &str, sheet: String, asked: String| {
        identity_problem(
            filled,
            field,
            format!("the sheet is for {what} {sheet}, not {asked} as asked"),
            help,
        )
    };
    if !args.sector.is_empty() && args.sector != identity.sectors {
        return Err(mismatch(
            label::SECTORS,
            "sector",
            identity.sectors.join(","),
            args.sector.join(","),
        ));
    }
    if let Some(audience) = args.audience.map(Audience::from) {
        if audience != identity.audience {
            return Err(mismatch(
                label::AUDIENCE,
                "audience",
                identity.audience.id().into(),
                audience.id().into(),
            ));
        }
    }
    let show = |level: Option<u8>| level.map_or("no level".into(), |l| format!("level {l}"));
    if args.level.is_some() && args.level != identity.level {
        return Err(mismatch(
            label::LEVEL,
            "",
            show(identity.level),
            show(args.level),
        ));
    }
    if args.authority.is_some() && args.authority != identity.authority {
        let show = |a: &Option<String>| a.clone().unwrap_or_else(|| "no authority".into());
        return Err(mismatch(
            label::AUTHORITY,
            "authority",
            show(&identity.authority),
            show(&args.authority),
        ));
    }
    Ok(())
}

/// The selection the sheet's identity names, with the profile given when it names one.
fn selection(args: &Args, set: &RuleSet, filled: &Filled) -> Result<Selection> {
    let identity: &Identity = &filled.identity;
    let as_sheet_problem = |field: &'static str| {
        move |err: Error| {
            identity_problem(
                filled,
                field,
                err.to_string(),
                "the sheet names a form these rules cannot make: write a fresh sheet with `checkgen answers`",
            )
        }
    };
    let selection = Selection::new(set, &identity.sectors, identity.audience, identity.level)
        .map_err(as_sheet_problem(label::SECTORS))?;
    let selection = match &identity.authority {
        Some(id) => selection
            .with_authority(set, id)
            .map_err(as_sheet_problem(label::AUTHORITY))?,
        None => selection,
    };
    match (&identity.profile, &args.profile) {
        (None, None) => Ok(selection),
        (Some(named), None) => Err(identity_problem(
            filled,
            label::PROFILE,
            format!("the sheet was made for the profile `{named}`"),
            "give that profile with --profile, so the same items are expected",
        )),
        (None, Some(path)) => Err(identity_problem(
            filled,
            label::PROFILE,
            format!(
                "the sheet was made without a profile, but --profile {} was given",
                path.display()
            ),
            "leave --profile out",
        )),
        (Some(named), Some(path)) => {
            let profile = profile::load(path, set)?;
            let given = answers::profile_id(&profile);
            if given != *named {
                return Err(identity_problem(
                    filled,
                    label::PROFILE,
                    format!(
                        "the sheet was made for the profile `{named}`; {} is `{given}`",
                        path.display()
                    ),
                    "give the profile the sheet was made with (a changed profile changes the items: write a fresh sheet)",
                ));
            }
            selection.with_profile(profile)
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut outputs = Vec::new();
    for path in &args.output {
        let inputs = std::iter::once(&args.input).chain(&args.previous);
        if let Some(input) = inputs.into_iter().find(|i| output::same_file(i, path)) {
            return Err(Error::usage(
                format!(
                    "the output {} is the input {} itself; writing the report would overwrite it",
                    path.display(),
                    input.display()
                ),
                "name another output with -o",
            ));
        }
        let format = if path.as_os_str() == "-" {
            ReportFormat::Markdown
        } else {
            ReportFormat::of(path).ok_or_else(|| {
                Error::usage(
                    format!("cannot tell the report's format from `{}`", path.display()),
                    "name the output .md, .pdf, .json or .xlsx",
                )
            })?
        };
        outputs.push((path.clone(), format));
    }
    if outputs.is_empty() {
        outputs.push((PathBuf::from("-"), ReportFormat::Markdown));
    }
    let set = rules::load_checked(&args.rules.dirs)?;
    let tera = template::tera(args.templates.as_deref())?;
    let file = args.input.display().to_string();
    let bytes = input::read_document(&args.input)?;
    let filled = answers::read(&file, &bytes)?;
    check_expected(&args, &filled)?;
    let previous: Option<Report> = match &args.previous {
        Some(path) => {
            let bytes = input::read_document(path)?;
            let text = String::from_utf8_lossy(&bytes);
            Some(read_json_document(
                &path.display().to_string(),
                "report",
                &text,
            )?)
        }
        None => None,
    };
    let selection = selection(&args, &set, &filled)?;
    let org = OrgView {
        name: filled.identity.org_name.clone(),
        credit_code: filled.identity.credit_code.clone(),
        ..OrgView::default()
    };
    let view = answers::form_view(&set, &selection, org);
    let mut report = assess::assess(&set, &view, &filled)?;
    if let Some(previous) = &previous {
        let (was, now) = (&previous.identity, &filled.identity);
        if (&was.sectors, was.audience, &was.authority)
            != (&now.sectors, now.audience, &now.authority)
        {
            warn(&format!(
                "{}: the previous round was a {} for {}; this sheet is a {} for {}: rows are compared by their ids",
                args.previous.as_ref().map_or(String::new(), |p| p.display().to_string()),
                was.audience.form_name(),
                was.sectors.join(","),
                now.audience.form_name(),
                now.sectors.join(","),
            ));
        }
        report.comparison = Some(assess::compare(&report, previous));
    }
    if filled.identity.rules_version != report.rules_version {
        warn(&format!(
            "{file}: made for rules {}, assessed against {}: {} removed, {} renamed rows listed in the report",
            filled.identity.rules_version,
            report.rules_version,
            report.removed.len(),
            report.renamed.len()
        ));
    }
    for mapped in &report.mapped {
        info(&format!(
            "{file}: read `{}` as {} ({} rows)",
            mapped.typed, mapped.label, mapped.rows
        ));
    }
    if !report.unanswered.is_empty() {
        warn(&format!(
            "{file}: {} of {} rows have no result; they are listed in the report and not scored",
            report.unanswered.len(),
            report.counts.total
        ));
    }
    let clock = Clock::read();
    let meta = Meta::new(clock.now, clock.source_date_epoch);
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for (path, format) in &outputs {
        let bytes = match format {
            ReportFormat::Json => json_document("report", &report).into_bytes(),
            _ => {
                let (bytes, warnings) = assess::write(&report, *format, &tera, &meta)?;
                for warning in warnings {
                    warn(&format!("{}: {warning}", path.display()));
                }
                bytes
            }
        };
        if path.as_os_str() == "-" {
            print(&String::from_utf8_lossy(&bytes));
        } else {
            files.push((path.clone(), bytes));
        }
    }
    let set: Vec<(PathBuf, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.clone(), b.as_slice()))
        .collect();
    output::write_set(&set)?;
    for (path, _) in &files {
        info(&format!("wrote {}", path.display()));
    }
    info(&format!(
        "{}: score {} ({} rows: {} 符合, {} 部分符合, {} 不符合, {} 不适用, {} unanswered); {} 关键项 not 符合",
        file,
        report
            .overall
            .percent
            .map_or("none".to_string(), |p| p.to_string()),
        report.counts.total,
        report.counts.compliant,
        report.counts.partial,
        report.counts.non_compliant,
        report.counts.not_applicable,
        report.counts.unanswered,
        report.key_flags.len()
    ));
    Ok(ExitCode::SUCCESS)
}
