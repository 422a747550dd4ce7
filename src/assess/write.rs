//! A [`Report`] → Markdown (its template: `gap_report.md` or `inspection_notice.md`,
//! overridable), PDF (that Markdown laid out as a form is), or an XLSX workbook (the 整改台账 or
//! the findings, then every row). JSON is the command's: the one envelope of every JSON output.

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use tera::Tera;

use super::{AssessedRow, Report, ReportKind};
use crate::answers::Columns;
use crate::error::{Error, Result};
use crate::pdf::PdfOptions;
use crate::render::{Orientation, RenderContext, Reuse};
use crate::view::Meta;

/// The formats of a report, chosen by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Pdf,
    Json,
    Xlsx,
}

impl ReportFormat {
    /// The format `path`'s extension names (`.md`, `.pdf`, `.json`, `.xlsx`, any case).
    pub fn of(path: &Path) -> Option<ReportFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "md" | "markdown" => Some(ReportFormat::Markdown),
            "pdf" => Some(ReportFormat::Pdf),
            "json" => Some(ReportFormat::Json),
            "xlsx" => Some(ReportFormat::Xlsx),
            _ => None,
        }
    }
}

/// The report's Markdown, from its kind's template.
pub fn markdown(report: &Report, tera: &Tera, meta: &Meta) -> Result<String> {
    crate::template::render_value(tera, report.kind.template(), "report", report, meta)
}

/// The bytes of `report` in `format`; `Json` is written by the caller (see the module doc),
/// here it is the report alone. Returns the PDF's warnings with it.
pub fn write(
    report: &Report,
    format: ReportFormat,
    tera: &Tera,
    meta: &Meta,
) -> Result<(Vec<u8>, Vec<String>)> {
    match format {
        ReportFormat::Markdown => Ok((markdown(report, tera, meta)?.into_bytes(), Vec::new())),
        ReportFormat::Pdf => {
            let markdown = markdown(report, tera, meta)?;
            let rendered = crate::render::pdf(&RenderContext {
                markdown: &markdown,
                orientation: Orientation::Auto,
                reuse: Reuse::Document,
                options: PdfOptions {
                    title: format!("{}（{}）", report.title, report.sector_names),
                    subject: report.form_title.clone(),
                    keywords: report.identity.sectors.clone(),
                    timestamp: meta.pdf_timestamp,
                    ..PdfOptions::default()
                },
            })?;
            let warnings = rendered.warnings.iter().map(ToString::to_string).collect();
            Ok((rendered.bytes, warnings))
        }
        ReportFormat::Json => Ok((
            serde_json::to_vec_pretty(report).expect("a report is plain data"),
            Vec::new(),
        )),
        ReportFormat::Xlsx => xlsx(report)
            .map(|bytes| (bytes, Vec::new()))
            .map_err(|err| {
                Error::usage(
                    format!("the report cannot be written as XLSX: {err}"),
                    "report this as a bug of checkgen, with the command that gave it",
                )
            }),
    }
}

/// A table sheet: bold header on a tint, frozen, wrapped cells, the given widths.
fn table(
    sheet: &mut Worksheet,
    header: &[&str],
    widths: &[f64],
    rows: &[Vec<String>],
) -> Result<(), XlsxError> {
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let head = wrap.clone().set_bold().set_background_color(0xD9E1F2);
    for (c, text) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *text, &head)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 1, c as u16, text, &wrap)?;
        }
    }
    for (c, width) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// What a finding is, in words: its result and the note, or the question.
fn gap(row: &AssessedRow) -> String {
    if row.note.is_empty() {
        format!("{}：{}", row.outcome_label, row.row.content)
    } else {
        format!("{}：{}", row.outcome_label, row.note)
    }
}

fn xlsx(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let findings: Vec<Vec<String>> = report
        .findings
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![
                (i + 1).to_string(),
                row.row.no.clone(),
                row.row.id.clone(),
                format!("{}（{}）", row.row.title, row.row.severity_label),
                gap(row),
            ];
            match report.kind {
                ReportKind::GapReport => {
                    cells.push(row.row.basis.clone());
                    cells.extend([String::new(), String::new(), String::new()]);
                }
                ReportKind::InspectionNotice => {
                    cells.push(row.legal_basis.clone());
                    cells.extend([String::new(), String::new()]);
                }
            }
            cells
        })
        .collect();
    let (name, last): (&str, &[&str]) = match report.kind {
        ReportKind::GapReport => ("整改台账", &["依据", "责任部门", "责任人", "完成时限"]),
        ReportKind::InspectionNotice => ("检查发现", &["法律依据", "整改要求", "整改期限"]),
    };
    let mut header = vec!["序号", "表内序号", "项目编号", "检查项", "存在问题"];
    header.extend_from_slice(last);
    let widths = [6.0, 8.0, 10.0, 24.0, 40.0, 40.0, 14.0, 10.0, 12.0];
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    table(sheet, &header, &widths[..header.len()], &findings)?;
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|row| row.row.cells(&row.outcome_label, &row.note))
        .collect();
    let sheet = workbook.add_worksheet();
    sheet.set_name("全部结果")?;
    table(
        sheet,
        &Columns::header(report.identity.audience),
        &Columns::WIDTHS,
        &rows,
    )?;
    workbook.save_to_buffer()
}
