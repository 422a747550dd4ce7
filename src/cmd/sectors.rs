//! `checkgen sectors`: the sector catalog with rule counts per audience.

use std::process::ExitCode;

use checkgen::rules::{self, Audience};
use checkgen::Result;
use serde::Serialize;

use super::args::{print, print_json, table, ListFormat};

pub use super::args::ListArgs as Args;

#[derive(Serialize)]
struct SectorRow<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    enterprise_rules: usize,
    regulator_rules: usize,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let set = rules::load_checked(&args.rules.dirs)?;
    let count = |sector: &str, audience: Audience| {
        set.rules
            .iter()
            .filter(|r| r.is_for(audience) && r.applies_to_sector(sector))
            .count()
    };
    let rows: Vec<SectorRow> = set
        .sectors
        .iter()
        .map(|s| SectorRow {
            id: &s.id,
            name: &s.name,
            description: &s.description,
            enterprise_rules: count(&s.id, Audience::Enterprise),
            regulator_rules: count(&s.id, Audience::Regulator),
        })
        .collect();
    match args.format {
        ListFormat::Json => print_json("sectors", &rows),
        ListFormat::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.name.to_string(),
                        r.enterprise_rules.to_string(),
                        r.regulator_rules.to_string(),
                    ]
                })
                .collect();
            print(&table(&["ID", "名称", "自查表条目", "检查表条目"], &cells));
        }
    }
    Ok(ExitCode::SUCCESS)
}
