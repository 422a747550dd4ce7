//! What the subcommands share: output formats, printing, and error reports.

use std::io::Write;

use checkgen::Error;
use unicode_width::UnicodeWidthStr;

/// How listings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for reading
    Table,
    /// A JSON array, a stable contract for other tools
    Json,
}

/// Prints to stdout; a closed pipe (`checkgen rules | head`) ends output quietly.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Serializes `value` as pretty JSON with a final newline.
pub fn print_json<T: serde::Serialize>(value: &T) {
    // Serializing plain data structures cannot fail.
    let json = serde_json::to_string_pretty(value).unwrap_or_default();
    print(&format!("{json}\n"));
}

/// Lays out rows in columns padded by display width, so Chinese text lines up.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width());
        }
    }
    let mut text = String::new();
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header).chain(rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.width())))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// Prints an error to stderr: every problem of a rules error on its own line, then the error
/// with its help text.
pub fn report(err: Error) {
    if let Error::Rules { problems } = &err {
        for problem in problems {
            eprintln!("{problem}");
        }
    }
    eprintln!("{:?}", miette::Report::new(err));
}
