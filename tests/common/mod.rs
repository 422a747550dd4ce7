//! Helpers shared by the integration tests: running the real binary.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `checkgen` with `args` in `dir`, with a fixed SOURCE_DATE_EPOCH.
pub fn checkgen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_checkgen"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1795392000")
        .output()
        .expect("the checkgen binary runs")
}

/// Runs `checkgen` from the crate root.
pub fn checkgen(args: &[&str]) -> Output {
    checkgen_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// Text of each page of a PDF, read back with lopdf, whitespace removed.
pub fn pdf_pages(path: &Path) -> Vec<String> {
    let doc = lopdf::Document::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (1..=doc.get_pages().len() as u32)
        .map(|page| {
            doc.extract_text(&[page])
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect()
}

/// Runs an independent reader (pdftotext, pdffonts, qpdf). A missing one fails the test with
/// what to install: a check that passes without its tool would check nothing.
pub fn external(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "{program} could not be run ({err}): install poppler-utils and qpdf \
                 (`apt-get install poppler-utils qpdf`; .ci/run does it)"
            )
        })
}

/// Runs a Python script with `args` and returns its standard output. A missing Python or
/// module fails the test naming `modules` to install: a check that passes without its reader
/// would check nothing.
pub fn python(script: &str, args: &[&str], modules: &str) -> String {
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("python3 could not be run ({err}): install python3"));
    assert!(
        output.status.success(),
        "python3 failed (install {modules}: `pip install {modules}`; .ci/run does it):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("python prints UTF-8")
}

/// Wording of reviewer's notes that must never reach a form or a report, checked with a list
/// of the tests' own (not only through `generate::check_forms`).
pub const REVIEWER_PHRASES: [&str; 7] = [
    "未经核实",
    "未核实",
    "推定",
    "2014年时",
    "转载",
    "顺延",
    "2016年文本",
];

/// The weight of a severity label, as the tests read the scoring rule: 关键项 3, 一般项 2,
/// 提示项 1.
pub fn weight(severity: &str) -> f64 {
    match severity {
        "关键项" => 3.0,
        "一般项" => 2.0,
        "提示项" => 1.0,
        other => panic!("unknown severity label {other}"),
    }
}

/// The overall score, to one decimal, of rows `(severity label, points)`; `None` is not scored.
pub fn weighted_score(rows: impl IntoIterator<Item = (String, Option<f64>)>) -> f64 {
    let (mut earned, mut possible) = (0.0, 0.0);
    for (severity, points) in rows {
        if let Some(p) = points {
            earned += weight(&severity) * p;
            possible += weight(&severity);
        }
    }
    (earned / possible * 1000.0).round() / 10.0
}
