//! A filled answer sheet (XLSX, CSV or YAML; a PDF form goes to `form`) → [`Filled`]: the identity it carries and every
//! row as typed, each with where it is, so that later checks can point at the cell.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use serde::Deserialize;

use super::{label, Columns, Identity, SHEET_LAYOUT};
use crate::error::{Error, Location, Problem, Result};
use crate::rules::Audience;

/// A filled sheet as read: nothing checked against the rules yet.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The file as named on the command line (with the sheet, for a workbook).
    pub file: String,
    pub identity: Identity,
    pub rows: Vec<FilledRow>,
    /// Where each identity field is, by its [`label`].
    identity_at: HashMap<&'static str, Location>,
}

/// The identity fields a problem can point at, with their YAML keys.
const IDENTITY_FIELDS: [(&str, &str); 8] = [
    (label::LAYOUT, "layout"),
    (label::TITLE, "title"),
    (label::AUDIENCE, "audience"),
    (label::SECTORS, "sectors"),
    (label::LEVEL, "level"),
    (label::AUTHORITY, "authority"),
    (label::PROFILE, "profile"),
    (label::RULES, "rules_version"),
];

impl Filled {
    /// A filled PDF form's answers: there are no cells to point at, so every identity field is
    /// at the file's start.
    pub(super) fn from_form(file: &str, identity: Identity, rows: Vec<FilledRow>) -> Filled {
        Filled {
            file: file.to_string(),
            identity,
            rows,
            identity_at: HashMap::new(),
        }
    }

    /// Where the identity field `label` (one of [`label`]) is: its value's cell, or its YAML
    /// key's line; the file's start when the sheet lacks it.
    pub fn at(&self, label: &str) -> Location {
        self.identity_at
            .get(label)
            .cloned()
            .unwrap_or_else(|| Location::new(&self.file, 1, 1))
    }
}

/// One row of a filled sheet.
#[derive(Debug, Clone)]
pub struct FilledRow {
    /// Where its result is: row (XLSX, CSV) or line (YAML), and column.
    pub at: Location,
    /// Where its item id is.
    pub id_at: Location,
    /// What names the column or field of the result (`自查结果`, `result`), for messages.
    pub result_column: String,
    pub id: String,
    pub question: usize,
    /// The item's title as the sheet carries it (to notice a renamed item).
    pub title: String,
    /// The result as typed; empty when left blank.
    pub result: String,
    pub note: String,
}

fn sheet_error(file: &str, problems: Vec<Problem>) -> Error {
    Error::Sheet {
        file: file.to_string(),
        problems,
    }
}

pub(super) fn one_problem(
    file: &str,
    line: usize,
    column: usize,
    message: String,
    help: &str,
) -> Error {
    sheet_error(
        file,
        vec![Problem::new(Location::new(file, line, column), message).with_help(help)],
    )
}

const WRONG_TYPE_HELP: &str =
    "give the answer sheet `checkgen answers` wrote (.xlsx, .csv or .yaml), filled in";

/// Reads the filled sheet or PDF form `bytes` of the file `file` (its extension picks CSV or
/// YAML for a text file; a workbook and a PDF are known by their first bytes).
pub fn read(file: &str, bytes: &[u8]) -> Result<Filled> {
    if bytes.starts_with(b"PK\x03\x04") {
        let (name, grid) = xlsx_grid(file, bytes)?;
        return from_grid(&format!("{file} (sheet {name})"), grid);
    }
    if bytes.starts_with(b"%PDF-") {
        return super::form::read(file, bytes);
    }
    let extension = std::path::Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(text) => text,
        Err(err) => {
            let line = bytes[..err.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(one_problem(
                file,
                line,
                1,
                "is neither an XLSX workbook nor UTF-8 text".into(),
                "save the sheet as .xlsx or as \"CSV UTF-8\"",
            ));
        }
    };
    match extension.as_deref() {
        Some("csv") => from_grid(file, csv_grid(file, text)?),
        Some("yaml" | "yml") => from_yaml(file, text),
        _ => Err(one_problem(
            file,
            1,
            1,
            "is not an answer sheet: its name ends in neither .xlsx, .csv nor .yaml".into(),
            WRONG_TYPE_HELP,
        )),
    }
}

/// Rows of cells with their 1-based row numbers.
type Grid = Vec<(usize, Vec<String>)>;

fn xlsx_grid(file: &str, bytes: &[u8]) -> Result<(String, Grid)> {
    let unreadable = |err: String| {
        one_problem(
            file,
            1,
            1,
            format!("cannot be read as an XLSX workbook: {err}"),
            "open it in Excel or WPS and save it again as .xlsx",
        )
    };
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|err| unreadable(err.to_string()))?;
    let names = workbook.sheet_names();
    let name = names
        .iter()
        .find(|n| *n == "答题表")
        .or(names.first())
        .cloned()
        .ok_or_else(|| unreadable("it has no sheet".into()))?;
    let range = workbook
        .worksheet_range(&name)
        .map_err(|err| unreadable(err.to_string()))?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let grid = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut values = vec![String::new(); first_column];
            values.extend(cells.iter().map(crate::roster::cell_text));
            (first_row + i + 1, values)
        })
        .collect();
    Ok((name, grid))
}

fn csv_grid(file: &str, text: &str) -> Result<Grid> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|err| {
            let line = err.position().map_or(1, |p| p.line() as usize);
            one_problem(
                file,
                line,
                1,
                format!("is not valid CSV here: {err}"),
                "check the quotes on that line: a cell holding a comma or a quote is quoted, with quotes doubled inside",
            )
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        grid.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(grid)
}

/// A spreadsheet column's letters (1 → A, 27 → AA), for messages.
fn column_letters(mut column: usize) -> String {
    let mut letters = Vec::new();
    while column > 0 {
        let rem = (column - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        column = (column - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The identity block and the item table of an XLSX or CSV grid.
fn from_grid(file: &str, grid: Grid) -> Result<Filled> {
    let cell = |cells: &[String], c: usize| cells.get(c).map_or("", |s| s.trim()).to_string();
    let Some(header_at) = grid
        .iter()
        .position(|(_, cells)| cells.first().is_some_and(|c| c.trim() == label::NO))
    else {
        return Err(one_problem(
            file,
            1,
            1,
            format!("has no item table: no row starts with `{}`", label::NO),
            WRONG_TYPE_HELP,
        ));
    };
    let block: Vec<(usize, String, String)> = grid[..header_at]
        .iter()
        .map(|(row, cells)| (*row, cell(cells, 0), cell(cells, 1)))
        .collect();
    let identity = identity(file, &block)?;
    let identity_at = IDENTITY_FIELDS
        .iter()
        .filter_map(|(label, _)| {
            block
                .iter()
                .find(|(_, l, _)| l == label)
                .map(|(row, _, _)| (*label, Location::new(file, *row, 2)))
        })
        .collect();
    let (header_row, header) = &grid[header_at];
    let columns = Columns::of(identity.audience);
    let find = |names: &[&str]| header.iter().position(|h| names.contains(&h.trim()));
    let mut problems = Vec::new();
    let mut need = |names: &[&str]| {
        let found = find(names);
        if found.is_none() {
            problems.push(
                Problem::new(
                    Location::new(file, *header_row, 1),
                    format!("the item table has no column `{}`", names[0]),
                )
                .with_help("put the header row back as `checkgen answers` wrote it"),
            );
        }
        found.unwrap_or(0)
    };
    let id_column = need(&[label::ID]);
    let question_column = need(&[label::QUESTION]);
    let result_column = need(&[columns.result, "结果"]);
    let note_column = need(&[columns.note, "情况说明", "问题描述"]);
    let title_column = find(&[columns.item]);
    if !problems.is_empty() {
        return Err(sheet_error(file, problems));
    }
    let mut rows = Vec::new();
    for (row, cells) in &grid[header_at + 1..] {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = cell(cells, id_column);
        let question_text = cell(cells, question_column);
        let question = match question_text.parse::<usize>() {
            Ok(q) if q >= 1 => q,
            _ => {
                problems.push(
                    Problem::new(
                        Location::new(file, *row, question_column + 1),
                        format!(
                            "column {} ({}) holds `{question_text}`, not a question number (1, 2, …)",
                            column_letters(question_column + 1),
                            label::QUESTION
                        ),
                    )
                    .with_help("copy the number back from a fresh sheet; fill in only the result and note columns"),
                );
                continue;
            }
        };
        rows.push(FilledRow {
            at: Location::new(file, *row, result_column + 1),
            id_at: Location::new(file, *row, id_column + 1),
            result_column: format!(
                "column {} ({})",
                column_letters(result_column + 1),
                columns.result
            ),
            id,
            question,
            title: title_column.map(|c| cell(cells, c)).unwrap_or_default(),
            result: cell(cells, result_column),
            note: cell(cells, note_column),
        });
    }
    if !problems.is_empty() {
        return Err(sheet_error(file, problems));
    }
    Ok(Filled {
        file: file.to_string(),
        identity,
        rows,
        identity_at,
    })
}

/// The identity from the block's `(row, label, value)` triples.
fn identity(file: &str, block: &[(usize, String, String)]) -> Result<Identity> {
    let values: HashMap<&str, (usize, &str)> = block
        .iter()
        .map(|(row, label, value)| (label.as_str(), (*row, value.as_str())))
        .collect();
    let get = |label: &str| values.get(label).map_or("", |(_, v)| *v).to_string();
    let first_row = block.first().map_or(1, |(row, _, _)| *row);
    let at = |label: &str| values.get(label).map_or(first_row, |(row, _)| *row);
    let missing = |label: &str, what: &str| {
        one_problem(
            file,
            at(label),
            2,
            format!("the identity block has {what} `{label}`"),
            "this sheet was not written by `checkgen answers`, or its header block was changed: write a fresh sheet for the form",
        )
    };
    let layout = get(label::LAYOUT);
    if layout.is_empty() {
        return Err(missing(label::LAYOUT, "no"));
    }
    if layout != SHEET_LAYOUT.to_string() {
        return Err(one_problem(
            file,
            at(label::LAYOUT),
            2,
            format!(
                "`{}` is {layout}; this checkgen reads sheets of layout {SHEET_LAYOUT}",
                label::LAYOUT
            ),
            "write a fresh sheet with this checkgen's `answers` and copy the results into it",
        ));
    }
    let audience =
        Audience::parse(&get(label::AUDIENCE)).ok_or_else(|| missing(label::AUDIENCE, "a bad"))?;
    let sectors: Vec<String> = get(label::SECTORS)
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if sectors.is_empty() {
        return Err(missing(label::SECTORS, "no"));
    }
    let level = match get(label::LEVEL).as_str() {
        "" => None,
        text => Some(
            text.parse::<u8>()
                .map_err(|_| missing(label::LEVEL, "a bad"))?,
        ),
    };
    let optional = |label: &str| Some(get(label)).filter(|v| !v.is_empty());
    let columns = Columns::of(audience);
    let rules_version = get(label::RULES);
    if rules_version.is_empty() {
        return Err(missing(label::RULES, "no"));
    }
    Ok(Identity {
        layout: SHEET_LAYOUT,
        title: get(label::TITLE),
        audience,
        sectors,
        level,
        authority: optional(label::AUTHORITY),
        profile: optional(label::PROFILE),
        rules_version,
        tool: get(label::TOOL),
        org_name: get(columns.org),
        credit_code: get(label::CREDIT_CODE),
        date: get(columns.date),
        inspectors: match audience {
            Audience::Enterprise => get(label::FILLER),
            Audience::Regulator => get(label::INSPECTORS),
        },
    })
}

#[derive(Debug, Deserialize)]
struct YamlSheet {
    layout: u32,
    #[serde(default)]
    title: String,
    audience: Audience,
    sectors: Vec<String>,
    level: Option<u8>,
    authority: Option<String>,
    profile: Option<String>,
    rules_version: String,
    #[serde(default)]
    tool: String,
    org_name: Option<String>,
    credit_code: Option<String>,
    date: Option<String>,
    inspectors: Option<String>,
    #[serde(default)]
    items: Vec<YamlItem>,
}

#[derive(Debug, Deserialize)]
struct YamlItem {
    id: String,
    question: usize,
    #[serde(default)]
    title: String,
    result: Option<String>,
    note: Option<String>,
}

fn from_yaml(file: &str, text: &str) -> Result<Filled> {
    let yaml_problem = |err: crate::yaml::YamlError| {
        let mut problem = Problem::new(Location::new(file, err.line, err.column), err.message);
        problem.help = Some(
            err.help
                .unwrap_or("fill in only `result` and `note` of each item; the other fields are as `checkgen answers` wrote them")
                .to_string(),
        );
        sheet_error(file, vec![problem])
    };
    let document = crate::yaml::Document::parse(text).map_err(yaml_problem)?;
    let sheet: YamlSheet = document.typed().map_err(yaml_problem)?;
    if sheet.layout != SHEET_LAYOUT {
        let (line, column) = document.get("layout");
        return Err(one_problem(
            file,
            line,
            column,
            format!(
                "`layout` is {}; this checkgen reads sheets of layout {SHEET_LAYOUT}",
                sheet.layout
            ),
            "write a fresh sheet with this checkgen's `answers` and copy the results into it",
        ));
    }
    let rows = sheet
        .items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let (line, column) = document.get(&format!("items[{index}].result"));
            let (id_line, id_column) = document.get(&format!("items[{index}].id"));
            FilledRow {
                at: Location::new(file, line, column),
                id_at: Location::new(file, id_line, id_column),
                result_column: format!("items[{index}].result"),
                id: item.id.trim().to_string(),
                question: item.question,
                title: item.title,
                result: item.result.unwrap_or_default().trim().to_string(),
                note: item.note.unwrap_or_default().trim().to_string(),
            }
        })
        .collect();
    let text = |value: Option<String>| value.unwrap_or_default().trim().to_string();
    let identity_at = IDENTITY_FIELDS
        .iter()
        .map(|(label, key)| {
            let (line, column) = document.get(key);
            (*label, Location::new(file, line, column))
        })
        .collect();
    Ok(Filled {
        file: file.to_string(),
        identity_at,
        identity: Identity {
            layout: sheet.layout,
            title: sheet.title,
            audience: sheet.audience,
            sectors: sheet.sectors,
            level: sheet.level,
            authority: sheet.authority,
            profile: sheet.profile,
            rules_version: sheet.rules_version,
            tool: sheet.tool,
            org_name: text(sheet.org_name),
            credit_code: text(sheet.credit_code),
            date: text(sheet.date),
            inspectors: text(sheet.inspectors),
        },
        rows,
    })
}
