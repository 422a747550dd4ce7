//! `checkgen instruments`: the instrument registry with each entry's status and how many rules
//! cite it.

use std::process::ExitCode;

use checkgen::rules::{self, Instrument};
use checkgen::Result;
use serde::Serialize;

use super::args::{print, print_json, table, ListFormat};

pub use super::args::ListArgs as Args;

#[derive(Serialize)]
struct InstrumentRow<'a> {
    #[serde(flatten)]
    instrument: &'a Instrument,
    status: rules::Status,
    rules: usize,
}

pub fn run(args: Args) -> Result<ExitCode> {
    // Listed even when some rules are wrong: this is what a reviewer reads to fix them.
    let (set, _) = rules::load(&args.rules.dirs)?;
    let rows: Vec<InstrumentRow> = set
        .instruments
        .instruments
        .iter()
        .map(|instrument| InstrumentRow {
            instrument,
            status: instrument.status(),
            rules: set.rules.iter().filter(|r| r.cites(&instrument.id)).count(),
        })
        .collect();
    match args.format {
        ListFormat::Json => print_json("instruments", &rows),
        ListFormat::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let i = r.instrument;
                    vec![
                        i.id.clone(),
                        i.short.clone(),
                        i.kind.label().to_string(),
                        i.version.clone().unwrap_or_default(),
                        i.effective.clone().unwrap_or_default(),
                        r.status.label().to_string(),
                        r.rules.to_string(),
                    ]
                })
                .collect();
            print(&table(
                &[
                    "ID",
                    "简称",
                    "类别",
                    "版本",
                    "施行日期",
                    "状态",
                    "引用规则数",
                ],
                &cells,
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}
