//! A [`Sheet`] → the bytes of an XLSX workbook, a CSV file (UTF-8 with BOM) or a YAML file.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::{label, Columns, Outcome, Sheet};
use crate::error::{Error, Result};

/// The formats of an answer sheet, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    Xlsx,
    Csv,
    Yaml,
}

impl SheetFormat {
    /// The format `path`'s extension names (`.xlsx`, `.csv`, `.yaml` / `.yml`, any case).
    pub fn of(path: &Path) -> Option<SheetFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "xlsx" => Some(SheetFormat::Xlsx),
            "csv" => Some(SheetFormat::Csv),
            "yaml" | "yml" => Some(SheetFormat::Yaml),
            _ => None,
        }
    }
}

/// How to fill the sheet in, printed under its title.
fn instructions(sheet: &Sheet) -> String {
    let columns = Columns::of(sheet.identity.audience);
    format!(
        "在“{}”列填写符合、部分符合、不符合或不适用；部分符合、不符合的在“{}”列写明问题，不适用的写明理由。{}至{}为表格标识，请勿修改；{}及其后各项请填写。",
        columns.result,
        columns.note,
        label::LAYOUT,
        label::TOOL,
        columns.org
    )
}

/// The grid every tabular format prints: title, instructions, identity block, a blank row,
/// the header row and one row per item row (result and note empty).
fn grid(sheet: &Sheet) -> Vec<Vec<String>> {
    let mut grid = vec![
        vec![format!("{}（结果填报表）", sheet.identity.title)],
        vec![instructions(sheet)],
    ];
    grid.extend(
        sheet
            .identity
            .block()
            .into_iter()
            .map(|(label, value)| vec![label.to_string(), value]),
    );
    grid.push(Vec::new());
    grid.push(
        Columns::header(sheet.identity.audience)
            .iter()
            .map(|h| h.to_string())
            .collect(),
    );
    grid.extend(sheet.rows.iter().map(|row| row.cells("", "")));
    grid
}

/// The bytes of `sheet` in `format`.
pub fn write(sheet: &Sheet, format: SheetFormat) -> Result<Vec<u8>> {
    match format {
        SheetFormat::Xlsx => xlsx(sheet).map_err(|err| {
            Error::usage(
                format!("the answer sheet cannot be written as XLSX: {err}"),
                "report this as a bug of checkgen, with the command that gave it",
            )
        }),
        SheetFormat::Csv => Ok(csv(sheet)),
        SheetFormat::Yaml => Ok(yaml(sheet).into_bytes()),
    }
}

fn xlsx(sheet: &Sheet) -> Result<Vec<u8>, XlsxError> {
    let grid = grid(sheet);
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name("答题表")?;
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let head = wrap.clone().set_bold().set_background_color(0xD9E1F2);
    let fill = wrap.clone().set_background_color(0xFFF2CC);
    let label = Format::new().set_bold();
    let header_row = grid
        .iter()
        .position(|row| row.first().is_some_and(|c| c == label::NO))
        .expect("the grid has a header row");
    let block_rows = 2..header_row - 1;
    let first_fill = block_rows.end - 4;
    for (r, cells) in grid.iter().enumerate() {
        let row = r as u32;
        for (c, text) in cells.iter().enumerate() {
            let column = c as u16;
            let format = match r {
                0 => &title,
                1 => &Format::new(),
                _ if block_rows.contains(&r) && c == 0 => &label,
                _ if block_rows.contains(&r) && r >= first_fill => &fill,
                _ if block_rows.contains(&r) => &Format::new(),
                _ if r == header_row => &head,
                _ if c >= 8 => &fill,
                _ => &wrap,
            };
            worksheet.write_string_with_format(row, column, text, format)?;
        }
        if block_rows.contains(&r) && r >= first_fill && cells.len() < 2 {
            worksheet.write_string_with_format(row, 1, "", &fill)?;
        }
    }
    for (column, width) in Columns::WIDTHS.iter().enumerate() {
        worksheet.set_column_width(column as u16, *width)?;
    }
    let last = (grid.len() - 1) as u32;
    if sheet.rows.is_empty() {
        worksheet.set_freeze_panes(header_row as u32 + 1, 0)?;
    } else {
        let labels: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
        let validation = DataValidation::new()
            .allow_list_strings(&labels)?
            .set_error_title("结果只能是四项之一")?
            .set_error_message("请选择：符合、部分符合、不符合、不适用")?;
        worksheet.add_data_validation(header_row as u32 + 1, 8, last, 8, &validation)?;
        worksheet.set_freeze_panes(header_row as u32 + 1, 0)?;
    }
    worksheet.autofilter(header_row as u32, 0, last, 9)?;
    workbook.save_to_buffer()
}

/// CSV, UTF-8 with a byte-order mark (without it, Excel and WPS read UTF-8 as the local code
/// page).
fn csv(sheet: &Sheet) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in grid(sheet) {
        writer
            .write_record(if row.is_empty() {
                vec![String::new()]
            } else {
                row
            })
            .expect("writing CSV into memory cannot fail");
    }
    writer
        .into_inner()
        .expect("flushing CSV into memory cannot fail")
}

/// A YAML string: JSON's double-quoted form, which is also YAML's.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serializes")
}

fn yaml(sheet: &Sheet) -> String {
    let identity = &sheet.identity;
    let columns = Columns::of(identity.audience);
    let mut out = String::new();
    out.push_str(&format!(
        "# {}（结果填报表）\n# 每项填写 result（符合、部分符合、不符合、不适用）和 note（{}）；其余字段是表格标识，请勿修改。\n",
        identity.title, columns.note
    ));
    let optional = |value: &Option<String>| value.as_deref().map_or("null".into(), quoted);
    out.push_str(&format!("layout: {}\n", identity.layout));
    out.push_str(&format!("title: {}\n", quoted(&identity.title)));
    out.push_str(&format!("audience: {}\n", identity.audience.id()));
    let sectors: Vec<String> = identity.sectors.iter().map(|s| quoted(s)).collect();
    out.push_str(&format!("sectors: [{}]\n", sectors.join(", ")));
    out.push_str(&format!(
        "level: {}\n",
        identity.level.map_or("null".into(), |l| l.to_string())
    ));
    out.push_str(&format!("authority: {}\n", optional(&identity.authority)));
    out.push_str(&format!("profile: {}\n", optional(&identity.profile)));
    out.push_str(&format!(
        "rules_version: {}\n",
        quoted(&identity.rules_version)
    ));
    out.push_str(&format!("tool: {}\n", quoted(&identity.tool)));
    out.push_str(&format!(
        "# {}\norg_name: {}\n",
        columns.org,
        quoted(&identity.org_name)
    ));
    out.push_str(&format!("credit_code: {}\n", quoted(&identity.credit_code)));
    out.push_str(&format!(
        "# {}\ndate: {}\n",
        columns.date,
        quoted(&identity.date)
    ));
    out.push_str(&format!("inspectors: {}\n", quoted(&identity.inspectors)));
    out.push_str("items:\n");
    for row in &sheet.rows {
        out.push_str(&format!("  - no: {}\n", quoted(&row.no)));
        out.push_str(&format!("    id: {}\n", quoted(&row.id)));
        out.push_str(&format!("    question: {}\n", row.question));
        out.push_str(&format!("    title: {}\n", quoted(&row.title)));
        out.push_str(&format!("    severity: {}\n", quoted(&row.severity_label)));
        out.push_str(&format!("    content: {}\n", quoted(&row.content)));
        out.push_str(&format!("    evidence: {}\n", quoted(&row.evidence)));
        out.push_str(&format!("    basis: {}\n", quoted(&row.basis)));
        out.push_str("    result: \"\"\n    note: \"\"\n");
    }
    out
}
