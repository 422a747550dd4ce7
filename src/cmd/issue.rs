//! `checkgen issue`: one numbered, personalised form per enterprise of a roster, and the
//! register of what was issued.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::issue::{self, Campaign, Done, NumberFormat, Shard};
use checkgen::roster::{self, Defaults, Encoding, ReadOptions};
use checkgen::rules;
use checkgen::view::{Appendix, Meta};
use checkgen::{template, Error, Result};

use super::args::{
    detail, formats, info, json_document, showing_messages, warn, AudienceArg, FormatArg, RuleDirs,
};
use super::clock::Clock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EncodingArg {
    #[value(name = "utf-8")]
    Utf8,
    /// GBK, read as GB18030 (its superset)
    Gbk,
    Gb18030,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum AppendixArg {
    /// After each form, on a page of its own
    Inline,
    /// Written once per sector and level as its own document, named by each form
    Separate,
    /// Left out
    None,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
    /// The roster: CSV (UTF-8 or GBK/GB18030) or XLSX, with a header row (单位名称/name,
    /// 统一社会信用代码/credit_code, 所属行业/sector, 系统等级/level, 地址/address,
    /// 法定代表人/legal_rep, 联系人/contact, 联系电话/phone; other columns reach templates)
    #[arg(long, value_name = "FILE")]
    roster: PathBuf,
    /// Output directory; one that holds a campaign is refused unless --force
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Who the forms are for
    #[arg(long, value_enum)]
    audience: AudienceArg,
    /// The inspecting authority of regulator forms (`checkgen authorities` lists the ids)
    #[arg(long, value_name = "ID")]
    authority: Option<String>,
    /// Sector ids for rows whose 所属行业 is empty (or a roster without the column)
    #[arg(long, value_name = "S[,S2]", value_delimiter = ',')]
    sector: Vec<String>,
    /// Protection level for rows whose 系统等级 is empty
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=5))]
    level: Option<u8>,
    /// The issuing body, printed on the forms (检查机关 / 印发单位)
    #[arg(long, value_name = "NAME", default_value = "")]
    issuer: String,
    /// The issuing body's short code, for {issuer} in the number
    #[arg(long, value_name = "CODE")]
    issuer_code: Option<String>,
    /// The campaign's date (YYYY-MM-DD): its year is in the numbers [default: today, or
    /// SOURCE_DATE_EPOCH]
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Form numbers: text with {year}, {issuer}, {sector} and {seq} or {seq:N} [default:
    /// {year}-{sector}-{seq:5}, with --issuer-code {issuer}-{year}-{sector}-{seq:5}]
    #[arg(long, value_name = "PATTERN")]
    number_format: Option<String>,
    /// Output formats, comma-separated
    #[arg(long, value_enum, value_delimiter = ',', default_value = "md,pdf")]
    format: Vec<FormatArg>,
    /// Where the appendix of quoted clauses goes
    #[arg(long, value_enum, default_value = "inline")]
    appendix: AppendixArg,
    /// Issue only the I-th of N slices of the roster (1 ≤ I ≤ N), with the numbers the whole
    /// run gives; join the shards' registers with `checkgen manifest merge`
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Forms rendered at once [default: the number of cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Text encoding of a CSV roster [default: detected, UTF-8 or GBK/GB18030]
    #[arg(long, value_enum)]
    encoding: Option<EncodingArg>,
    /// Sheet of an XLSX roster [default: the first]
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Issue into a directory that already holds this campaign's register, replacing the
    /// files it lists
    #[arg(long)]
    force: bool,
    /// Directory of templates overriding the defaults by name
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Write the PDF without fill-in fields (a plain PDF for print only)
    #[arg(long)]
    no_fields: bool,
}

fn parse_shard(text: &str) -> std::result::Result<Shard, String> {
    let (index, count) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not I/N, such as 2/4"))?;
    let parse = |n: &str| n.trim().parse::<usize>().ok();
    match (parse(index), parse(count)) {
        (Some(index), Some(count)) if (1..=count).contains(&index) => Ok(Shard { index, count }),
        _ => Err(format!(
            "`{text}` is not I/N with 1 ≤ I ≤ N, such as 2/4 (the second of four shards)"
        )),
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let set = rules::load_checked(&args.rules.dirs)?;
    let tera = template::tera(args.templates.as_deref())?;
    let clock = Clock::read();
    let mut meta = Meta::new(clock.now, clock.source_date_epoch);
    meta.pdf_fields = !args.no_fields;
    if let Some(date) = &args.date {
        meta.date = checked_date(date)?;
    }
    let pattern = args.number_format.clone().unwrap_or_else(|| {
        match args.issuer_code {
            Some(_) => issue::number::DEFAULT_PATTERN_WITH_ISSUER,
            None => issue::number::DEFAULT_PATTERN,
        }
        .to_string()
    });
    let number_format = NumberFormat::parse(&pattern, args.issuer_code.as_deref())?;
    checkgen::select::check_authority(
        &set,
        args.audience.into(),
        args.authority.as_deref(),
        &args.sector,
        args.level,
    )?;
    let defaults = Defaults {
        sectors: match args.sector.is_empty() {
            true => Vec::new(),
            false => {
                checkgen::select::Selection::new(&set, &args.sector, args.audience.into(), None)?
                    .sectors
            }
        },
        level: args.level,
    };
    let file = args.roster.display().to_string();
    let bytes = checkgen::input::read_document(&args.roster)?;
    let options = ReadOptions {
        encoding: args.encoding.map(|e| match e {
            EncodingArg::Utf8 => Encoding::Utf8,
            EncodingArg::Gbk | EncodingArg::Gb18030 => Encoding::Gb18030,
        }),
        sheet: args.sheet.clone(),
    };
    let table = roster::read(&file, &bytes, &options)?;
    let roster = roster::validate(&set, table, &defaults)?;
    detail(&format!(
        "roster: {} rows, {} blank ({} ms)",
        roster.rows.len(),
        roster.blank,
        started.elapsed().as_millis()
    ));
    let campaign = Campaign {
        set: &set,
        tera: &tera,
        meta: &meta,
        audience: args.audience.into(),
        authority: args.authority.clone(),
        issuer: args.issuer.trim().to_string(),
        number_format,
        number_pattern: pattern,
        formats: formats(&args.format),
        appendix: match args.appendix {
            AppendixArg::Inline => Appendix::Inline,
            AppendixArg::Separate => Appendix::Separate,
            AppendixArg::None => Appendix::None,
        },
        shard: args.shard,
        roster_file: args
            .roster
            .file_name()
            .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned()),
        roster_sha256: issue::manifest::sha256_hex(&bytes),
    };
    let total = roster
        .rows
        .iter()
        .filter(|row| {
            args.shard
                .is_none_or(|s| s.contains(row.ordinal, roster.rows.len()))
        })
        .count();
    let bar = progress_bar(total as u64);
    let report = |done: &Done| {
        match done {
            Done::Issued { number, warnings } => {
                for warning in warnings {
                    bar.suspend(|| warn(&format!("{number}: {warning}")));
                }
            }
            Done::Failed(problems) => {
                for problem in problems {
                    bar.suspend(|| eprintln!("error: {file}: {problem}"));
                }
            }
        }
        bar.inc(1);
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.map_or(0, usize::from))
        .build()
        .map_err(|err| Error::usage(format!("cannot start {err}"), "give a smaller --jobs"))?;
    let manifest =
        pool.install(|| issue::run(&campaign, &roster, &args.out, args.force, &report))?;
    bar.finish_and_clear();
    issue::write_register(&args.out, &manifest, &json_document("manifest", &manifest))?;
    let names = issue::RegisterNames::of(manifest.shard);
    let failed_rows = {
        let mut rows: Vec<usize> = manifest.errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    };
    info(&format!(
        "issued {} forms into {} ({} ms); register {}",
        manifest.forms.len(),
        args.out.display(),
        started.elapsed().as_millis(),
        names.json
    ));
    if roster.blank > 0 {
        info(&format!("{} blank rows skipped", roster.blank));
    }
    if failed_rows > 0 {
        eprintln!(
            "error: {failed_rows} rows failed (listed in {}); the other forms were issued",
            args.out.join(&names.errors).display()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `YYYY-MM-DD`, a real day.
fn checked_date(date: &str) -> Result<String> {
    checkgen::date::parse_iso(date).ok_or_else(|| {
        Error::usage(
            format!("--date `{date}` is not a date"),
            "write it as YYYY-MM-DD, e.g. 2026-12-01",
        )
    })
}

/// A bar on a terminal, unless `--quiet`; nothing otherwise.
fn progress_bar(total: u64) -> indicatif::ProgressBar {
    if !showing_messages() || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} forms, {elapsed} elapsed, {eta} left",
        )
        .expect("the template is a constant that parses"),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_shards() {
        assert_eq!(checked_date("2026-02-28").unwrap(), "2026-02-28");
        assert!(checked_date("2026-02-29").is_err());
        assert!(checked_date("2026-2-1").is_err());
        assert_eq!(parse_shard("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("1").is_err());
    }
}
