//! What the subcommands share: the rules directories, output formats, the two streams (data on
//! stdout, messages on stderr, as loud as `--quiet` / `--verbose` say) and error reports.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};

use checkgen::generate::Format;
use checkgen::rules::Audience;
use checkgen::Error;
use miette::Diagnostic;
use unicode_width::UnicodeWidthStr;

/// The version of every JSON document checkgen prints (README, "JSON outputs"). Raised when a
/// field is renamed or removed; new fields do not raise it.
pub const SCHEMA_VERSION: u32 = 2;

/// `--rules DIR`, for the commands that read rules.
#[derive(Debug, Clone, clap::Args)]
pub struct RuleDirs {
    /// A rules directory layered over the embedded defaults (repeatable; later wins on equal ids)
    #[arg(long = "rules", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

/// `--audience`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AudienceArg {
    /// Self-assessment form (自查表) for the operator
    Enterprise,
    /// Inspection form (检查表) for the regulator
    Regulator,
}

impl From<AudienceArg> for Audience {
    fn from(arg: AudienceArg) -> Audience {
        match arg {
            AudienceArg::Enterprise => Audience::Enterprise,
            AudienceArg::Regulator => Audience::Regulator,
        }
    }
}

/// One of `--format md,pdf,docx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Md,
    Pdf,
    Docx,
}

/// The formats asked for, each once, in the order given.
pub fn formats(args: &[FormatArg]) -> Vec<Format> {
    let mut formats: Vec<Format> = Vec::new();
    for format in args {
        let format = match format {
            FormatArg::Md => Format::Markdown,
            FormatArg::Pdf => Format::Pdf,
            FormatArg::Docx => Format::Docx,
        };
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    formats
}

/// How listings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for reading
    Table,
    /// JSON, a versioned contract for other tools (README, "JSON outputs")
    Json,
}

/// `--rules DIR` and `--format table|json`: what the listing commands take.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub rules: RuleDirs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// How much goes to stderr besides errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Errors only.
    Quiet = 0,
    /// Errors, warnings, and what was written.
    Normal = 1,
    /// Also what was read and how long it took.
    Verbose = 2,
}

static VERBOSITY: AtomicU8 = AtomicU8::new(Verbosity::Normal as u8);

/// Set once by `main` from `--quiet` / `--verbose`.
pub fn set_verbosity(verbosity: Verbosity) {
    VERBOSITY.store(verbosity as u8, Ordering::Relaxed);
}

fn loud_enough(level: Verbosity) -> bool {
    VERBOSITY.load(Ordering::Relaxed) >= level as u8
}

/// Whether messages (not only errors) are shown: false with `--quiet`.
pub fn showing_messages() -> bool {
    loud_enough(Verbosity::Normal)
}

/// A message about the run (`wrote out/x.pdf`): stderr, silenced by `--quiet`.
pub fn info(message: &str) {
    if loud_enough(Verbosity::Normal) {
        eprintln!("{message}");
    }
}

/// A warning: stderr, silenced by `--quiet`.
pub fn warn(message: &str) {
    if loud_enough(Verbosity::Normal) {
        eprintln!("warning: {message}");
    }
}

/// A detail only `--verbose` shows.
pub fn detail(message: &str) {
    if loud_enough(Verbosity::Verbose) {
        eprintln!("{message}");
    }
}

/// Prints data to stdout; a closed pipe (`checkgen rules | head`) ends output quietly.
pub fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Prints `{"schema_version": N, "<key>": value}` as pretty JSON with a final newline.
pub fn print_json<T: serde::Serialize>(key: &str, value: &T) {
    print(&json_document(key, value));
}

/// `{"schema_version": N, "<key>": value}` as pretty JSON with a final newline: every JSON
/// document checkgen prints or writes.
pub fn json_document<T: serde::Serialize>(key: &str, value: &T) -> String {
    let mut document = serde_json::Map::new();
    document.insert("schema_version".into(), SCHEMA_VERSION.into());
    document.insert(
        key.into(),
        serde_json::to_value(value).expect("the outputs are plain data with string keys"),
    );
    let json = serde_json::to_string_pretty(&document).expect("a JSON value always serializes");
    format!("{json}\n")
}

/// The value under `key` of a document [`json_document`] wrote, checked for its
/// `schema_version`; `what` names the file in errors.
pub fn read_json_document<T: serde::de::DeserializeOwned>(
    what: &str,
    key: &str,
    text: &str,
) -> Result<T, Error> {
    let invalid = |message: String| {
        Error::usage(
            format!("{what}: {message}"),
            "name a file that checkgen wrote, unchanged, by this version of checkgen",
        )
    };
    let mut document: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|err| invalid(format!("not a JSON object: {err}")))?;
    let version = document.get("schema_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(SCHEMA_VERSION)) {
        return Err(invalid(format!(
            "schema_version is {}, this checkgen reads {SCHEMA_VERSION}",
            version.map_or_else(|| "missing".to_string(), |v| v.to_string())
        )));
    }
    let value = document
        .remove(key)
        .ok_or_else(|| invalid(format!("has no `{key}`")))?;
    serde_json::from_value(value).map_err(|err| invalid(format!("`{key}` is malformed: {err}")))
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

/// Prints an error to stderr: every problem of a rules error on its own line, then the error,
/// its causes and what to do.
pub fn report(err: Error) {
    if let Error::Rules { problems }
    | Error::Profile { problems, .. }
    | Error::Sheet { problems, .. } = &err
    {
        for problem in problems {
            eprintln!("{problem}");
        }
    }
    eprint!("{}", diagnostic_text(&err));
}

/// `error: message [code]`, one `caused by:` line per source, and `help:`.
fn diagnostic_text(diagnostic: &dyn Diagnostic) -> String {
    let mut text = format!("error: {diagnostic}");
    if let Some(code) = diagnostic.code() {
        text.push_str(&format!(" [{code}]"));
    }
    text.push('\n');
    let mut source = diagnostic.source();
    while let Some(cause) = source {
        text.push_str(&format!("  caused by: {cause}\n"));
        source = cause.source();
    }
    if let Some(help) = diagnostic.help() {
        text.push_str(&format!("  help: {help}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_reads_as_message_causes_and_help() {
        let err = Error::Read {
            path: "rules/x.yaml".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "No such file"),
        };
        assert_eq!(
            diagnostic_text(&err),
            "error: cannot read rules/x.yaml\n  caused by: No such file\n  \
             help: check that the path exists and is readable\n"
        );
    }
}
