//! A roster (名单) of enterprises → validated rows, for `checkgen issue`: CSV in UTF-8 (with or
//! without a byte-order mark) or GBK/GB18030 as Excel and WPS export it, or an XLSX workbook.
//!
//! Columns are found by their header, Chinese or English (单位名称 / `name`, …); the others are
//! kept as extra fields for templates. Every row is checked on its own (统一社会信用代码 by its
//! check character, sector, level, duplicates) so that one bad row never stops the good ones:
//! [`validate`] returns each row's entry or its problems, each naming the row and the column.
//!
//! Row numbers are what a spreadsheet shows: the header is row 1. In a CSV file they are the
//! file's line numbers, which agree with a spreadsheet's rows unless a quoted cell spans lines.

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use serde::{Deserialize, Serialize};

use crate::credit_code::{self, CodeError};
use crate::error::{Error, Result};
use crate::rules::RuleSet;
use crate::select::{self, LEVELS};

/// The text encoding of a CSV roster (`--encoding`); without one it is detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8").
    Utf8,
    /// GB18030, which includes GBK and GB2312 (Excel's and WPS's "CSV" on a Chinese system).
    Gb18030,
}

/// How to read a roster file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The CSV encoding; `None` detects UTF-8 (by its BOM or its validity), else GB18030.
    pub encoding: Option<Encoding>,
    /// The XLSX sheet; `None` reads the first.
    pub sheet: Option<String>,
}

/// A column checkgen knows. Other columns are passed to templates as `view.org.extra`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    CreditCode,
    Sector,
    Level,
    Address,
    LegalRep,
    Contact,
    Phone,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::Name,
        Field::CreditCode,
        Field::Sector,
        Field::Level,
        Field::Address,
        Field::LegalRep,
        Field::Contact,
        Field::Phone,
    ];

    /// The English header (`credit_code`).
    pub fn id(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::CreditCode => "credit_code",
            Field::Sector => "sector",
            Field::Level => "level",
            Field::Address => "address",
            Field::LegalRep => "legal_rep",
            Field::Contact => "contact",
            Field::Phone => "phone",
        }
    }

    /// The Chinese header (`统一社会信用代码`).
    pub fn chinese(self) -> &'static str {
        match self {
            Field::Name => "单位名称",
            Field::CreditCode => "统一社会信用代码",
            Field::Sector => "所属行业",
            Field::Level => "系统等级",
            Field::Address => "地址",
            Field::LegalRep => "法定代表人",
            Field::Contact => "联系人",
            Field::Phone => "联系电话",
        }
    }

    /// Other headers offices use for the same column.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["企业名称", "单位", "名称"],
            Field::CreditCode => &["信用代码", "社会信用代码", "code"],
            Field::Sector => &["行业"],
            Field::Level => &["安全保护等级", "等级保护级别", "等级"],
            Field::Address => &["单位地址", "注册地址"],
            Field::LegalRep => &["法定代表人（负责人）", "负责人"],
            Field::Contact => &[],
            Field::Phone => &["电话", "手机"],
        }
    }

    /// The field a header names, ignoring spaces and the case of English letters.
    fn of_header(header: &str) -> Option<Field> {
        let key: String = header
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        Field::ALL.into_iter().find(|field| {
            key == field.id()
                || key == field.chinese()
                || field.aliases().iter().any(|alias| key == *alias)
        })
    }

    /// `统一社会信用代码/credit_code`, as the help texts list the columns.
    fn both(self) -> String {
        format!("{}/{}", self.chinese(), self.id())
    }
}

/// The cells of a roster as read, before any check.
#[derive(Debug, Clone)]
pub struct Table {
    /// The file, as named on the command line (for messages).
    pub file: String,
    /// The header row's cells.
    pub header: Vec<String>,
    /// Each data row that is not blank: its row number and cells.
    pub rows: Vec<(usize, Vec<String>)>,
    /// Rows with no text in any cell, skipped.
    pub blank: usize,
}

/// Reads a roster: an XLSX workbook (recognised by its content, a ZIP archive) or CSV.
pub fn read(file: &str, bytes: &[u8], options: &ReadOptions) -> Result<Table> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(file, bytes, options.sheet.as_deref())
    } else {
        if options.sheet.is_some() {
            return Err(roster_error(
                file,
                "is not an XLSX workbook, so --sheet does not apply",
                "leave --sheet out for a CSV roster",
            ));
        }
        let text = decode(file, bytes, options.encoding)?;
        read_csv(file, &text)
    }
}

fn roster_error(file: &str, message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Roster {
        file: file.to_string(),
        message: message.into(),
        help: help.into(),
    }
}

/// The text of a CSV file in `encoding`, or detected: a UTF-8 BOM or valid UTF-8 is UTF-8,
/// anything else must be valid GB18030.
fn decode(file: &str, bytes: &[u8], encoding: Option<Encoding>) -> Result<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(roster_error(
            file,
            "is UTF-16 text (Excel's \"Unicode text\"), which checkgen does not read",
            "save the sheet as \"CSV UTF-8\" or as an XLSX workbook",
        ));
    }
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let utf8 = |bytes: &[u8]| {
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|err| {
                let line = bytes[..err.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                roster_error(
                    file,
                    format!(
                        "is not valid UTF-8 (line {line}, byte {})",
                        err.valid_up_to()
                    ),
                    "save it as \"CSV UTF-8\", or give --encoding gbk if it is GBK",
                )
            })
    };
    let gb18030 = |bytes: &[u8]| {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
    };
    match (encoding, bom) {
        (Some(Encoding::Utf8), _) | (None, true) => utf8(bytes),
        (Some(Encoding::Gb18030), _) => gb18030(bytes).ok_or_else(|| {
            roster_error(
                file,
                "is not valid GBK/GB18030 text",
                "check the file's encoding; a file saved as \"CSV UTF-8\" needs --encoding utf-8 or none",
            )
        }),
        (None, false) => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(_) => gb18030(bytes).ok_or_else(|| {
                roster_error(
                    file,
                    "is neither UTF-8 nor GBK/GB18030 text",
                    "save the sheet as \"CSV UTF-8\" or as an XLSX workbook, or give --encoding",
                )
            }),
        },
    }
}

/// Splits CSV text into the header and the data rows, counting blank rows (empty lines, and
/// rows of empty cells as spreadsheets export them).
fn read_csv(file: &str, text: &str) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records: Vec<(usize, usize, Vec<String>)> = Vec::new();
    // The reader's line count leaves out the empty lines it skips; count them from the text.
    let (mut line, mut counted_to) = (1, 0);
    for record in reader.records() {
        let record = record.map_err(|err| {
            let line = err.position().map_or(0, |p| p.line());
            roster_error(
                file,
                format!("has a CSV error at line {line}: {err}"),
                "check the quotes on that line: a cell that holds a comma or a quote is quoted, with quotes doubled inside",
            )
        })?;
        let position = record
            .position()
            .expect("records read from a reader carry their position");
        let byte = usize::try_from(position.byte()).expect("a position within a string in memory");
        // The position is where the reader started, before the empty lines it skipped.
        let byte = byte
            + text.as_bytes()[byte..]
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .count();
        line += text.as_bytes()[counted_to..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = byte;
        records.push((line, byte, record.iter().map(str::to_string).collect()));
    }
    // The reader skips empty lines; count them from the text between records.
    let mut blank = 0;
    for (i, (_, start, _)) in records.iter().enumerate() {
        let end = records.get(i + 1).map_or(text.len(), |next| next.1);
        let span = &text[*start..end];
        let newlines = span.len() - span.trim_end_matches(['\n', '\r']).len();
        let trailing = &span[span.len() - newlines..];
        blank += trailing.matches('\n').count().saturating_sub(1);
    }
    let mut records = records.into_iter();
    let Some((_, _, header)) = records.next() else {
        return Err(roster_error(
            file,
            "is empty",
            format!("the first row names the columns: {}", expected_columns()),
        ));
    };
    let mut table = Table {
        file: file.to_string(),
        header,
        rows: Vec::new(),
        blank,
    };
    for (line, _, cells) in records {
        table.push(line, cells);
    }
    Ok(table)
}

impl Table {
    /// Adds a data row, or counts it as blank.
    fn push(&mut self, row: usize, cells: Vec<String>) {
        if cells.iter().all(|cell| cell.trim().is_empty()) {
            self.blank += 1;
        } else {
            self.rows.push((row, cells));
        }
    }
}

fn read_xlsx(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Table> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|err| {
        roster_error(
            file,
            format!("cannot be read as an XLSX workbook: {err}"),
            "open it in Excel or WPS and save it again as .xlsx, or export the sheet as \"CSV UTF-8\"",
        )
    })?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(sheet) if names.iter().any(|n| n == sheet) => sheet.to_string(),
        Some(sheet) => {
            return Err(roster_error(
                file,
                format!("has no sheet `{sheet}`"),
                format!("its sheets are: {}", names.join(", ")),
            ))
        }
        None => names.first().cloned().ok_or_else(|| {
            roster_error(
                file,
                "has no sheet",
                "save a workbook with the roster on its first sheet",
            )
        })?,
    };
    let range = workbook.worksheet_range(&name).map_err(|err| {
        roster_error(
            file,
            format!("cannot be read (sheet `{name}`): {err}"),
            "open it in Excel or WPS and save it again, or export the sheet as \"CSV UTF-8\"",
        )
    })?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let mut rows = range.rows().enumerate().map(|(i, cells)| {
        // Cells left of the used range are empty; keep column positions as in the sheet.
        let mut values = vec![String::new(); first_column];
        values.extend(cells.iter().map(cell_text));
        (first_row + i + 1, values)
    });
    // Rows above the header that are empty are not part of the range; blank rows before the
    // header are skipped.
    let header = loop {
        match rows.next() {
            Some((_, cells)) if cells.iter().all(|c| c.trim().is_empty()) => continue,
            Some((_, cells)) => break cells,
            None => {
                return Err(roster_error(
                    file,
                    format!("has nothing on sheet `{name}`"),
                    format!("the first row names the columns: {}", expected_columns()),
                ))
            }
        }
    };
    let mut table = Table {
        file: format!("{file} (sheet {name})"),
        header,
        rows: Vec::new(),
        blank: 0,
    };
    for (row, cells) in rows {
        table.push(row, cells);
    }
    Ok(table)
}

/// A cell as text: numbers without a spurious `.0` (a level typed as 3 is stored as 3.0),
/// dates as `YYYY-MM-DD`.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        Data::Float(x) => x.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(date) => {
            // Serial days since 1899-12-30 (the 1900 date system).
            let days = date.as_f64().floor() as i64 - 25_569;
            crate::date::iso_date(days * 86_400)
        }
        Data::Error(err) => format!("#{err:?}"),
    }
}

/// The columns a roster may have, for help texts.
fn expected_columns() -> String {
    Field::ALL.map(Field::both).join(", ")
}

/// What the command line says for rows that leave a column out or empty.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// `--sector`: for a roster without a sector column, or a row with an empty one.
    pub sectors: Vec<String>,
    /// `--level`: likewise; `None` makes a form of every level.
    pub level: Option<u8>,
}

/// One enterprise of the roster, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    /// Checked: 18 characters, capitals, the right check character.
    pub credit_code: String,
    /// Sector ids, known to the rule set.
    pub sectors: Vec<String>,
    pub level: Option<u8>,
    pub address: String,
    pub legal_rep: String,
    pub contact: String,
    pub phone: String,
    /// The other columns, by header.
    pub extra: BTreeMap<String, String>,
}

/// One problem with a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// The row number, as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The column's header as in the file; empty for the row as a whole.
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "row {}: {}", self.row, self.reason)
        } else {
            write!(
                f,
                "row {}, column {}: {}",
                self.row, self.column, self.reason
            )
        }
    }
}

/// A data row: where it is and what came of it.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row number (header = 1).
    pub row: usize,
    /// 1, 2, … over the rows that are not blank, in roster order: numbers forms, so a row keeps
    /// its number when another row is corrected.
    pub ordinal: usize,
    pub entry: std::result::Result<Entry, Vec<RowError>>,
}

/// A checked roster.
#[derive(Debug, Clone)]
pub struct Roster {
    pub file: String,
    pub rows: Vec<Row>,
    /// Blank rows skipped.
    pub blank: usize,
}

/// Checks every row of `table`. Fails only when the header is unusable (no known column, a
/// required one missing, one named twice); a bad row is reported in its [`Row`].
pub fn validate(set: &RuleSet, table: Table, defaults: &Defaults) -> Result<Roster> {
    let columns = Columns::of(&table, defaults)?;
    let mut first_of_code: HashMap<String, usize> = HashMap::new();
    let rows = table
        .rows
        .iter()
        .enumerate()
        .map(|(index, (row, cells))| {
            let mut entry = check_row(set, &columns, *row, cells, defaults);
            if let Ok(ok) = &entry {
                if let Some(first) = first_of_code.get(&ok.credit_code) {
                    entry = Err(vec![RowError {
                        row: *row,
                        column: columns.header(Field::CreditCode),
                        reason: format!(
                            "duplicate 统一社会信用代码 {}, first in row {first}",
                            ok.credit_code
                        ),
                    }]);
                } else {
                    first_of_code.insert(ok.credit_code.clone(), *row);
                }
            }
            Row {
                row: *row,
                ordinal: index + 1,
                entry,
            }
        })
        .collect();
    Ok(Roster {
        file: table.file,
        rows,
        blank: table.blank,
    })
}

/// Which cell holds which field, and the extra columns.
struct Columns {
    known: HashMap<Field, (usize, String)>,
    extra: Vec<(usize, String)>,
    width: usize,
}

impl Columns {
    fn of(table: &Table, defaults: &Defaults) -> Result<Columns> {
        let mut known: HashMap<Field, (usize, String)> = HashMap::new();
        let mut extra = Vec::new();
        for (index, header) in table.header.iter().enumerate() {
            let header = header.trim().trim_start_matches('\u{feff}').trim();
            match Field::of_header(header) {
                Some(field) => {
                    if let Some((_, first)) = known.get(&field) {
                        return Err(roster_error(
                            &table.file,
                            format!(
                                "has two columns for {}: `{first}` and `{header}`",
                                field.both()
                            ),
                            "keep one of them, or rename the other",
                        ));
                    }
                    known.insert(field, (index, header.to_string()));
                }
                None if header.is_empty() => {
                    extra.push((index, format!("列{}", column_letter(index))))
                }
                None => extra.push((index, header.to_string())),
            }
        }
        if known.is_empty() {
            return Err(roster_error(
                &table.file,
                format!(
                    "names no known column in its first row ({})",
                    table.header.join(", ")
                ),
                format!(
                    "the first row must name the columns, in Chinese or English: {}",
                    expected_columns()
                ),
            ));
        }
        let mut required = vec![Field::Name, Field::CreditCode];
        if defaults.sectors.is_empty() {
            required.push(Field::Sector);
        }
        let missing: Vec<String> = required
            .into_iter()
            .filter(|field| !known.contains_key(field))
            .map(Field::both)
            .collect();
        if !missing.is_empty() {
            return Err(roster_error(
                &table.file,
                format!("has no column {}", missing.join(", ")),
                format!(
                    "add the column (a sector can also be given for every row with --sector); the known columns are {}",
                    expected_columns()
                ),
            ));
        }
        Ok(Columns {
            known,
            extra,
            width: table.header.len(),
        })
    }

    fn header(&self, field: Field) -> String {
        self.known
            .get(&field)
            .map_or_else(|| field.chinese().to_string(), |(_, header)| header.clone())
    }

    /// The trimmed cell of `field`, empty when the column is absent or the row short.
    fn cell<'c>(&self, cells: &'c [String], field: Field) -> &'c str {
        self.known
            .get(&field)
            .and_then(|(index, _)| cells.get(*index))
            .map_or("", |cell| cell.trim())
    }
}

/// `A`, `B`, … `Z`, `AA`: a column as a spreadsheet names it.
fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(
            b'A' + u8::try_from(rem).expect("a remainder of 26 fits a byte"),
        ));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

fn check_row(
    set: &RuleSet,
    columns: &Columns,
    row: usize,
    cells: &[String],
    defaults: &Defaults,
) -> std::result::Result<Entry, Vec<RowError>> {
    let mut errors = Vec::new();
    if cells[columns.width.min(cells.len())..]
        .iter()
        .any(|c| !c.trim().is_empty())
    {
        errors.push(RowError {
            row,
            column: String::new(),
            reason: format!(
                "the row has {} cells but the header names {} columns; quote a cell that holds a comma",
                cells.len(),
                columns.width
            ),
        });
    }
    let mut fail = |field: Field, reason: String| {
        errors.push(RowError {
            row,
            column: columns.header(field),
            reason,
        })
    };
    let name = columns.cell(cells, Field::Name).to_string();
    if name.is_empty() {
        fail(
            Field::Name,
            "单位名称 is empty; every form is for a named enterprise".into(),
        );
    }
    let code = columns.cell(cells, Field::CreditCode);
    let credit_code = if code.is_empty() {
        fail(Field::CreditCode, "统一社会信用代码 is empty".into());
        String::new()
    } else {
        match credit_code::validate(code) {
            Ok(code) => code,
            Err(err) => {
                let what = match err {
                    CodeError::LowerCase { .. } => "",
                    _ => "; copy it from the business licence",
                };
                fail(Field::CreditCode, format!("`{code}` {err}{what}"));
                String::new()
            }
        }
    };
    let sector_cell = columns.cell(cells, Field::Sector);
    let sectors = if sector_cell.is_empty() {
        if defaults.sectors.is_empty() {
            fail(
                Field::Sector,
                "所属行业 is empty; give the sector id or name, or --sector for every row".into(),
            );
        }
        defaults.sectors.clone()
    } else {
        match sectors_of(set, sector_cell) {
            Ok(sectors) => sectors,
            Err(reason) => {
                fail(Field::Sector, reason);
                Vec::new()
            }
        }
    };
    let level_cell = columns.cell(cells, Field::Level);
    let level = if level_cell.is_empty() {
        defaults.level
    } else {
        match parse_level(level_cell) {
            Some(level) => Some(level),
            None => {
                fail(
                    Field::Level,
                    format!("`{level_cell}` is not a protection level; write 1–5 or 第一级–第五级"),
                );
                None
            }
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let extra = columns
        .extra
        .iter()
        .map(|(index, header)| {
            let value = cells.get(*index).map_or("", |c| c.trim());
            (header.clone(), value.to_string())
        })
        .collect();
    Ok(Entry {
        name,
        credit_code,
        sectors,
        level,
        address: columns.cell(cells, Field::Address).to_string(),
        legal_rep: columns.cell(cells, Field::LegalRep).to_string(),
        contact: columns.cell(cells, Field::Contact).to_string(),
        phone: columns.cell(cells, Field::Phone).to_string(),
        extra,
    })
}

/// Sector ids or Chinese names, separated by `,` `，` `、` `+` `;` or `；`.
fn sectors_of(set: &RuleSet, cell: &str) -> std::result::Result<Vec<String>, String> {
    let mut ids: Vec<String> = Vec::new();
    for word in cell
        .split([',', '，', '、', '+', ';', '；'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let sector = set
            .sectors
            .iter()
            .find(|s| s.id == word || s.name == word)
            .ok_or_else(|| {
                let ids: Vec<&str> = set.sectors.iter().map(|s| s.id.as_str()).collect();
                let names: Vec<&str> = set.sectors.iter().map(|s| s.name.as_str()).collect();
                match select::nearest(word, &ids).or_else(|| select::nearest(word, &names)) {
                    Some(near) => format!(
                        "unknown sector `{word}`; did you mean `{near}`? `checkgen sectors` lists the ids and names"
                    ),
                    None => format!(
                        "unknown sector `{word}`; `checkgen sectors` lists the ids and names"
                    ),
                }
            })?;
        if !ids.contains(&sector.id) {
            ids.push(sector.id.clone());
        }
    }
    if ids.is_empty() {
        return Err(format!(
            "`{cell}` names no sector; give a sector id or name"
        ));
    }
    Ok(ids)
}

/// `3`, `3级`, `第三级`, `三级`, `L3` → 3; anything outside 1–5 is `None`.
fn parse_level(cell: &str) -> Option<u8> {
    let text = cell.trim();
    let text = text.strip_prefix(['L', 'l']).unwrap_or(text);
    let text = text.strip_prefix('第').unwrap_or(text);
    let text = text.strip_suffix('级').unwrap_or(text).trim();
    let level = match text {
        "一" => 1,
        "二" => 2,
        "三" => 3,
        "四" => 4,
        "五" => 5,
        digits => digits.parse::<u8>().ok()?,
    };
    LEVELS.contains(&level).then_some(level)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_as_offices_write_them() {
        for (cell, level) in [
            ("3", Some(3)),
            ("第三级", Some(3)),
            ("二级", Some(2)),
            ("L5", Some(5)),
        ] {
            assert_eq!(parse_level(cell), level, "{cell}");
        }
        for cell in ["0", "6", "三级等保", "x"] {
            assert_eq!(parse_level(cell), None, "{cell}");
        }
    }

    #[test]
    fn headers_in_chinese_or_english() {
        assert_eq!(
            Field::of_header("统一社会信用代码"),
            Some(Field::CreditCode)
        );
        assert_eq!(Field::of_header(" Credit_Code "), Some(Field::CreditCode));
        assert_eq!(Field::of_header("单位 名称"), Some(Field::Name));
        assert_eq!(Field::of_header("备注"), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn blank_lines_are_counted() {
        let table = read_csv("r.csv", "name,code\r\n\r\nA,1\r\n,\r\n\r\n\r\nB,2\r\n\r\n").unwrap();
        assert_eq!(
            table.rows.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
            [3, 7]
        );
        assert_eq!(table.blank, 5);
    }
}
