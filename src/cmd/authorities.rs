//! `checkgen authorities`: the authority catalogue (检查机关), with the sectors each one has a
//! regulator form for and the size of each form.

use std::process::ExitCode;

use checkgen::rules::{self, Audience};
use checkgen::select::{self, FormSize, Selection};
use checkgen::Result;
use serde::Serialize;

use super::args::{print, print_json, table, ListFormat};

pub use super::args::ListArgs as Args;

#[derive(Serialize)]
struct AuthorityRow<'a> {
    id: &'a str,
    name: &'a str,
    description: &'a str,
    /// The sectors with a form for this authority, without a level.
    forms: Vec<FormRow>,
}

#[derive(Serialize)]
struct FormRow {
    sector: String,
    #[serde(flatten)]
    size: FormSize,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let set = rules::load_checked(&args.rules.dirs)?;
    let rows: Vec<AuthorityRow> = set
        .authorities
        .iter()
        .map(|authority| AuthorityRow {
            id: &authority.id,
            name: &authority.name,
            description: &authority.description,
            forms: set
                .sectors
                .iter()
                .map(|sector| FormRow {
                    sector: sector.id.clone(),
                    size: select::form_size(
                        &set,
                        &Selection {
                            sectors: vec![sector.id.clone()],
                            audience: Audience::Regulator,
                            level: None,
                            authority: Some(authority.id.clone()),
                            profile: None,
                        },
                    ),
                })
                .filter(|form| form.size.rows > 0)
                .collect(),
        })
        .collect();
    match args.format {
        ListFormat::Json => print_json("authorities", &rows),
        ListFormat::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let forms: Vec<String> = r
                        .forms
                        .iter()
                        .map(|f| format!("{} ({})", f.sector, f.size.items))
                        .collect();
                    vec![r.id.to_string(), r.name.to_string(), forms.join(", ")]
                })
                .collect();
            print(&table(&["id", "name", "sectors (items)"], &cells));
        }
    }
    Ok(ExitCode::SUCCESS)
}
