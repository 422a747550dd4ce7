//! `checkgen rules`: list rules, optionally for one sector and audience.

use std::process::ExitCode;

use checkgen::rules::{self, Audience, Rule};
use checkgen::select::Selection;
use checkgen::Result;

use super::args::AudienceArg;
use super::args::{print, print_json, table, ListFormat, RuleDirs};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    rules: RuleDirs,
    /// Only rules that apply to this sector (see `checkgen sectors`)
    #[arg(long, value_name = "SECTOR")]
    sector: Option<String>,
    /// Only rules for this audience
    #[arg(long, value_enum)]
    audience: Option<AudienceArg>,
    /// Only rules citing this instrument (see `checkgen instruments`): what to review when it
    /// changes
    #[arg(long, value_name = "ID")]
    instrument: Option<String>,
    /// Output format; JSON is a versioned contract (README, "JSON outputs")
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let set = rules::load_checked(&args.rules.dirs)?;
    if let Some(sector) = &args.sector {
        // Checks the id and suggests the nearest one on a typo.
        Selection::new(
            &set,
            std::slice::from_ref(sector),
            Audience::Enterprise,
            None,
        )?;
    }
    if let Some(id) = &args.instrument {
        if set.instruments.get(id).is_none() {
            return Err(checkgen::Error::usage(
                format!("unknown instrument `{id}`"),
                "run `checkgen instruments` to list the instrument ids",
            ));
        }
    }
    let audience = args.audience.map(Audience::from);
    let selected: Vec<&Rule> = set
        .rules
        .iter()
        .filter(|r| {
            args.sector
                .as_deref()
                .is_none_or(|s| r.applies_to_sector(s))
        })
        .filter(|r| audience.is_none_or(|a| r.is_for(a)))
        .filter(|r| args.instrument.as_deref().is_none_or(|id| r.cites(id)))
        .collect();
    match args.format {
        ListFormat::Json => print_json("rules", &selected),
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = selected
                .iter()
                .map(|r| {
                    let join = |items: Vec<String>| items.join(",");
                    vec![
                        r.id.clone(),
                        r.title.clone(),
                        join(r.sectors.iter().map(|s| s.as_str().to_string()).collect()),
                        join(r.levels.iter().map(u8::to_string).collect()),
                        join(r.audiences.iter().map(|a| a.id().to_string()).collect()),
                        r.severity.label().to_string(),
                    ]
                })
                .collect();
            print(&table(
                &["ID", "标题", "行业", "等级", "对象", "类别"],
                &rows,
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
