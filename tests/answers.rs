//! The return path on the shipped rules: `answers` writes a sheet, it is filled in
//! programmatically (XLSX by openpyxl, as a spreadsheet program would; CSV and YAML as text),
//! `assess` reads it back, and the scores are checked against a computation written here.

mod common;

use std::path::Path;

use common::{checkgen_in, code, external, stderr, stdout, weighted_score};

/// Runs a Python script with openpyxl.
fn python(script: &str, args: &[&str]) -> String {
    common::python(script, args, "openpyxl")
}

/// `answers` for the self-assessment of telecom at level 3 into `dir/name`.
fn sheet(dir: &Path, args: &[&str], name: &str) {
    let mut all = vec!["answers"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", name]);
    let output = checkgen_in(dir, &all);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

/// The sheet of the telecom self-assessment at level 3, the form most tests fill.
fn telecom_l3(dir: &Path, name: &str) {
    sheet(dir, &["--sector", "telecom", "--level", "3"], name);
}

/// The result the tests give a row, by its position: every value in turn, and every seventh
/// row left blank.
const CYCLE: [&str; 7] = ["符合", "部分符合", "不符合", "不适用", "√", "×", ""];

/// Points of a result as this test reads the scoring rule: 符合 1, 部分符合 0.5, 不符合 0.
fn points(result: &str) -> Option<f64> {
    match result {
        "符合" | "√" => Some(1.0),
        "部分符合" => Some(0.5),
        "不符合" | "×" => Some(0.0),
        _ => None,
    }
}

/// The expected overall score of rows `(severity label, result)`, to one decimal.
fn expected_score(rows: &[(String, String)]) -> f64 {
    weighted_score(rows.iter().map(|(s, r)| (s.clone(), points(r))))
}

/// Assesses `file` in `dir` into `report.json` and returns the report object.
fn assess_json(dir: &Path, file: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["assess", file, "-o", "report.json"];
    args.extend_from_slice(extra);
    let output = checkgen_in(dir, &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["schema_version"], 2);
    document["report"].clone()
}

/// Checks a report of a sheet filled by [`CYCLE`] against the test's own counts and score.
fn check_cycle_report(report: &serde_json::Value, rows: &[(String, String)]) {
    let count = |want: &[&str]| {
        rows.iter()
            .filter(|(_, r)| want.contains(&r.as_str()))
            .count()
    };
    let counts = &report["counts"];
    assert_eq!(counts["total"], rows.len());
    assert_eq!(counts["compliant"], count(&["符合", "√"]));
    assert_eq!(counts["partial"], count(&["部分符合"]));
    assert_eq!(counts["non_compliant"], count(&["不符合", "×"]));
    assert_eq!(counts["not_applicable"], count(&["不适用"]));
    assert_eq!(counts["unanswered"], count(&[""]));
    assert_eq!(
        report["overall"]["percent"].as_f64().unwrap(),
        expected_score(rows)
    );
    // Every 关键项 row that is not 符合 (nor 不适用) is flagged, blank ones included.
    let key = rows
        .iter()
        .filter(|(s, r)| s == "关键项" && !["符合", "√", "不适用"].contains(&r.as_str()))
        .count();
    assert_eq!(report["key_flags"].as_array().unwrap().len(), key);
    // Findings: 不符合 first, then 部分符合.
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), count(&["部分符合", "不符合", "×"]));
    let first_partial = findings
        .iter()
        .position(|f| f["outcome"] == "partial")
        .unwrap();
    assert!(findings[..first_partial]
        .iter()
        .all(|f| f["outcome"] == "non_compliant"));
    assert!(findings[first_partial..]
        .iter()
        .all(|f| f["outcome"] == "partial"));
    // The variants were mapped and listed.
    let mapped = report["mapped"].as_array().unwrap();
    assert!(mapped
        .iter()
        .any(|m| m["typed"] == "√" && m["label"] == "符合" && m["rows"] == count(&["√"])));
}

#[test]
fn a_yaml_sheet_round_trips_and_scores_as_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    let mut rows = Vec::new();
    let mut out = String::new();
    let mut severity = String::new();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("    severity: ") {
            severity = value.trim_matches('"').to_string();
        }
        if line == "    result: \"\"" {
            let result = CYCLE[rows.len() % CYCLE.len()];
            rows.push((severity.clone(), result.to_string()));
            out.push_str(&format!("    result: \"{result}\"\n"));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    assert!(rows.len() > 100, "telecom L3 has {} rows", rows.len());
    std::fs::write(dir.path().join("filled.yaml"), out).unwrap();
    let report = assess_json(dir.path(), "filled.yaml", &[]);
    assert_eq!(report["kind"], "gap_report");
    check_cycle_report(&report, &rows);
}

#[test]
fn a_csv_sheet_has_a_bom_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.csv");
    let bytes = std::fs::read(dir.path().join("a.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut rows = Vec::new();
    let mut in_table = false;
    for record in reader.records() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if in_table {
            let result = CYCLE[rows.len() % CYCLE.len()];
            rows.push((cells[4].clone(), result.to_string()));
            cells[8] = result.to_string();
            cells[9] = "说明：已核查".into();
        }
        if cells[0] == "序号" {
            assert_eq!(cells[8], "自查结果");
            assert_eq!(cells[9], "情况说明");
            in_table = true;
        }
        if cells[0] == "单位名称" {
            cells[1] = "烟台某通信有限公司".into();
        }
        writer.write_record(&cells).unwrap();
    }
    std::fs::write(dir.path().join("filled.csv"), writer.into_inner().unwrap()).unwrap();
    let report = assess_json(dir.path(), "filled.csv", &[]);
    check_cycle_report(&report, &rows);
    assert_eq!(report["identity"]["org_name"], "烟台某通信有限公司");
}

/// Opens the sheet with openpyxl, checks its set-up, fills it by [`CYCLE`] and saves it;
/// prints `severity<TAB>result` per row.
const FILL_XLSX: &str = r#"
import sys, openpyxl
path, out = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(path)
ws = wb.active
header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "序号")
assert ws.freeze_panes == "A%d" % (header + 1), ws.freeze_panes
assert ws.cell(header, 9).value in ("自查结果", "检查结果")
dvs = ws.data_validations.dataValidation
assert len(dvs) == 1 and dvs[0].type == "list", dvs
assert dvs[0].formula1 == '"符合,部分符合,不符合,不适用"', dvs[0].formula1
assert str(dvs[0].sqref) == "I%d:I%d" % (header + 1, ws.max_row), dvs[0].sqref
assert ws.column_dimensions["F"].width > 40
assert ws.cell(header + 1, 6).alignment.wrap_text
block = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, header - 1)}
assert block["答题表格式"] == "1" and block["行业代码"] == "telecom", block
assert block["规则版本"].startswith("sha256:"), block
cycle = ["符合", "部分符合", "不符合", "不适用", "√", "×", ""]
for i, r in enumerate(range(header + 1, ws.max_row + 1)):
    result = cycle[i % len(cycle)]
    ws.cell(r, 9).value = result or None
    ws.cell(r, 10).value = "已核查" if result else None
    print("%s\t%s" % (ws.cell(r, 5).value, result))
wb.save(out)
"#;

fn fill_xlsx(dir: &Path, from: &str, to: &str) -> Vec<(String, String)> {
    let printed = python(
        FILL_XLSX,
        &[
            dir.join(from).to_str().unwrap(),
            dir.join(to).to_str().unwrap(),
        ],
    );
    printed
        .lines()
        .map(|line| {
            let (severity, result) = line.split_once('\t').unwrap();
            (severity.to_string(), result.to_string())
        })
        .collect()
}

#[test]
fn an_xlsx_sheet_filled_by_openpyxl_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.xlsx");
    let rows = fill_xlsx(dir.path(), "a.xlsx", "filled.xlsx");
    let report = assess_json(dir.path(), "filled.xlsx", &[]);
    check_cycle_report(&report, &rows);
}

#[test]
fn a_small_fill_gives_the_score_computed_by_hand() {
    // SEC-001 has three questions, all 关键项 (weight 3): 符合 1 + 部分符合 0.5 + 不符合 0
    // = 4.5 of 9 = 50.0; every other row blank, so unanswered and not scored.
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    let mut results = ["符合", "部分符合", "不符合"].into_iter();
    let mut out = String::new();
    let mut id = String::new();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("    id: ") {
            id = value.to_string();
        }
        if line == "    result: \"\"" && id == "\"SEC-001\"" {
            out.push_str(&format!("    result: \"{}\"\n", results.next().unwrap()));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    std::fs::write(dir.path().join("filled.yaml"), out).unwrap();
    let report = assess_json(dir.path(), "filled.yaml", &[]);
    assert_eq!(report["overall"]["percent"].as_f64(), Some(50.0));
    assert_eq!(report["overall"]["earned"].as_f64(), Some(4.5));
    assert_eq!(report["overall"]["possible"].as_f64(), Some(9.0));
    let total = report["counts"]["total"].as_u64().unwrap();
    assert_eq!(report["counts"]["unanswered"].as_u64(), Some(total - 3));
}

#[test]
fn the_gap_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.xlsx");
    fill_xlsx(dir.path(), "a.xlsx", "filled.xlsx");
    let output = checkgen_in(
        dir.path(),
        &[
            "assess",
            "filled.xlsx",
            "-o",
            "r.md",
            "-o",
            "r.pdf",
            "-o",
            "r.xlsx",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let md = std::fs::read_to_string(dir.path().join("r.md")).unwrap();
    for heading in [
        "# 合规差距报告",
        "## 一、总体得分",
        "计分规则：",
        "## 二、关键项未符合",
        "## 三、不符合和部分符合项",
        "## 四、整改台账",
        "| 序号 | 检查项 | 存在问题 | 依据 | 责任部门 | 责任人 | 完成时限 |",
        "- **义务**：",
        "- **政策依据**：鲁政办发〔2014〕9号第16项：“",
        "## 数据说明",
        "结果“√”按“符合”计",
    ] {
        assert!(md.contains(heading), "the report lacks {heading}");
    }
    let text = stdout(&external(
        "pdftotext",
        &[dir.path().join("r.pdf").to_str().unwrap(), "-"],
    ));
    assert!(text.contains("合规差距报告"), "{text}");
    assert!(text.contains("整改台账"));
    let ledger = python(
        r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["整改台账", "全部结果"], wb.sheetnames
ws = wb["整改台账"]
print([c.value for c in ws[1]])
print(ws.max_row - 1)
print(ws["E2"].value)
"#,
        &[dir.path().join("r.xlsx").to_str().unwrap()],
    );
    let lines: Vec<&str> = ledger.lines().collect();
    assert_eq!(
        lines[0],
        "['序号', '表内序号', '项目编号', '检查项', '存在问题', '依据', '责任部门', '责任人', '完成时限']"
    );
    let findings = md.matches("\n### ").count();
    assert_eq!(lines[1], findings.to_string());
    assert!(lines[2].starts_with("不符合：已核查"), "{}", lines[2]);
}

#[test]
fn an_inspection_sheet_gives_the_draft_notice() {
    let dir = tempfile::tempdir().unwrap();
    sheet(
        dir.path(),
        &["--sector", "telecom", "--authority", "public_security"],
        "a.xlsx",
    );
    let rows = fill_xlsx(dir.path(), "a.xlsx", "filled.xlsx");
    let report = assess_json(dir.path(), "filled.xlsx", &["-o", "notice.md"]);
    assert_eq!(report["kind"], "inspection_notice");
    check_cycle_report(&report, &rows);
    let md = std::fs::read_to_string(dir.path().join("notice.md")).unwrap();
    for part in [
        "# 行政检查结果告知书",
        "## 一、检查依据",
        "《中华人民共和国网络安全法》",
        "## 三、发现的问题",
        "## 四、整改要求及期限",
        "## 五、权利告知",
        "《中华人民共和国行政处罚法》第七条",
    ] {
        assert!(md.contains(part), "the notice lacks {part}");
    }
    // Every finding carries its legal basis.
    for finding in report["findings"].as_array().unwrap() {
        let basis = finding["legal_basis"].as_str().unwrap();
        assert!(
            md.contains(&format!("| {basis} |")),
            "{} without its basis",
            finding["key"]
        );
    }
}

/// Replaces the first `result: ""` of `id`'s rows in a YAML sheet.
fn set_result(text: &str, id: &str, question: usize, result: &str) -> String {
    let marker = format!("    id: \"{id}\"\n    question: {question}\n");
    let start = text.find(&marker).expect("the row is in the sheet");
    let at = start + text[start..].find("    result: \"\"").unwrap();
    format!(
        "{}    result: \"{result}\"{}",
        &text[..at],
        &text[at + "    result: \"\"".len()..]
    )
}

#[test]
fn the_previous_round_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let blank = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    let first = set_result(&blank, "SEC-001", 1, "不符合");
    let first = set_result(&first, "SEC-001", 2, "符合");
    std::fs::write(dir.path().join("round1.yaml"), &first).unwrap();
    let output = checkgen_in(dir.path(), &["assess", "round1.yaml", "-o", "round1.json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let second = set_result(&blank, "SEC-001", 1, "符合");
    let second = set_result(&second, "SEC-001", 2, "部分符合");
    std::fs::write(dir.path().join("round2.yaml"), &second).unwrap();
    let report = assess_json(
        dir.path(),
        "round2.yaml",
        &["--previous", "round1.json", "-o", "round2.md"],
    );
    let comparison = &report["comparison"];
    let keys = |list: &str| -> Vec<String> {
        comparison[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(keys("improved"), ["SEC-001#1"]);
    assert_eq!(keys("regressed"), ["SEC-001#2"]);
    assert!(keys("new").is_empty() && keys("removed").is_empty());
    let md = std::fs::read_to_string(dir.path().join("round2.md")).unwrap();
    assert!(
        md.contains("| 改善 | 1.1 | 信息系统定级 | 不符合 | 符合 |"),
        "{md}"
    );
    assert!(md.contains("| 退步 | 1.2 | 信息系统定级 | 符合 | 部分符合 |"));
}

#[test]
fn bad_sheets_get_precise_errors() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let blank = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    let line_of =
        |text: &str, needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;

    // A result outside the four, and an unknown id: both reported, at their lines.
    let bad = set_result(&blank, "SEC-001", 1, "maybe").replacen("\"SEC-002\"", "\"SEC-999\"", 1);
    std::fs::write(dir.path().join("bad.yaml"), &bad).unwrap();
    let output = checkgen_in(dir.path(), &["assess", "bad.yaml"]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    let result_line = line_of(&bad, "result: \"maybe\"");
    assert!(
        err.contains(&format!("bad.yaml:{result_line}:"))
            && err.contains("`maybe` is not a result"),
        "{err}"
    );
    let id_line = line_of(&bad, "id: \"SEC-999\"");
    assert!(
        err.contains(&format!("bad.yaml:{id_line}:9: unknown item id `SEC-999`")),
        "{err}"
    );
    assert!(
        err.contains("2 problems in the answer sheet bad.yaml"),
        "{err}"
    );
    assert!(err.contains("help:"), "{err}");

    // A CSV cell: its row and column letter.
    telecom_l3(dir.path(), "a.csv");
    let csv = std::fs::read_to_string(dir.path().join("a.csv")).unwrap();
    let row = csv.lines().position(|l| l.starts_with("1.1,")).unwrap() + 1;
    let csv: Vec<String> = csv
        .lines()
        .map(|l| match l.strip_prefix("1.1,") {
            Some(rest) => format!("1.1,{}好的,", rest.strip_suffix(',').unwrap()),
            None => l.to_string(),
        })
        .collect();
    let csv = csv.join("\n");
    std::fs::write(dir.path().join("bad.csv"), &csv).unwrap();
    let err = stderr(&checkgen_in(dir.path(), &["assess", "bad.csv"]));
    assert!(
        err.contains(&format!("bad.csv:{row}:9:")) && err.contains("column I (自查结果)"),
        "{err}"
    );

    // Not a sheet: a PDF, a text file of another kind.
    std::fs::write(dir.path().join("form.pdf"), b"%PDF-1.7\n").unwrap();
    let output = checkgen_in(dir.path(), &["assess", "form.pdf"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("form.pdf:1:1: cannot be read as a PDF"),
        "{}",
        stderr(&output)
    );
    std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
    let output = checkgen_in(dir.path(), &["assess", "notes.txt"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("is not an answer sheet"));

    // A sheet for another selection.
    std::fs::write(dir.path().join("ok.yaml"), &blank).unwrap();
    let output = checkgen_in(dir.path(), &["assess", "ok.yaml", "--sector", "ecommerce"]);
    assert_eq!(code(&output), 1);
    let sectors_line = line_of(&blank, "sectors:");
    assert!(
        stderr(&output).contains(&format!(
            "ok.yaml:{sectors_line}:10: the sheet is for sector telecom, not ecommerce"
        )),
        "{}",
        stderr(&output)
    );
    let output = checkgen_in(
        dir.path(),
        &["assess", "ok.yaml", "--audience", "regulator"],
    );
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("audience enterprise, not regulator"));

    // The report over the sheet itself: usage, exit 2, the sheet kept.
    let output = checkgen_in(dir.path(), &["assess", "ok.yaml", "-o", "./ok.yaml"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("would overwrite it"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ok.yaml")).unwrap(),
        blank
    );

    // A report format that cannot be told: usage, exit 2.
    let output = checkgen_in(dir.path(), &["assess", "ok.yaml", "-o", "r.docx"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn blank_and_deleted_rows_are_counted_never_dropped() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let blank = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    let total = blank.matches("  - no: ").count();
    // Delete the first item row altogether.
    let start = blank.find("  - no: ").unwrap();
    let next = start + 2 + blank[start + 2..].find("  - no: ").unwrap();
    let deleted = format!("{}{}", &blank[..start], &blank[next..]);
    std::fs::write(dir.path().join("d.yaml"), deleted).unwrap();
    let report = assess_json(dir.path(), "d.yaml", &[]);
    assert_eq!(report["counts"]["total"], total);
    assert_eq!(report["counts"]["unanswered"], total);
    assert!(report["overall"]["percent"].is_null());
    let first = &report["unanswered"][0];
    assert_eq!(first["key"], "SEC-001#1");
}

#[test]
fn the_usual_variants_are_read_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let mut text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    let variants = [
        ("是", "符合"),
        ("否", "不符合"),
        ("Y", "符合"),
        ("n", "不符合"),
        ("✓", "符合"),
        ("✗", "不符合"),
        ("Ｙ", "符合"),
        ("ｎ／ａ", "不适用"),
        (" 部分符合 ", "部分符合"),
    ];
    for (typed, _) in variants {
        text = text.replacen("    result: \"\"", &format!("    result: \"{typed}\""), 1);
    }
    std::fs::write(dir.path().join("v.yaml"), text).unwrap();
    let output = checkgen_in(dir.path(), &["assess", "v.yaml", "-o", "r.json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let rows = report["report"]["rows"].as_array().unwrap();
    for (row, (typed, label)) in rows.iter().zip(variants) {
        assert_eq!(row["outcome_label"], label, "`{typed}`");
    }
    assert!(
        stderr(&output).contains("read `是` as 符合 (1 rows)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_sheet_of_an_older_rules_version_still_assesses() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    let version_line = text
        .lines()
        .find(|l| l.starts_with("rules_version: "))
        .unwrap();
    let old = text
        .replacen(
            version_line,
            "rules_version: \"sha256:0000000000000000\"",
            1,
        )
        .replacen("\"SEC-002\"", "\"SEC-900\"", 1)
        .replacen(
            "title: \"信息系统定级\"",
            "title: \"信息系统定级（旧）\"",
            1,
        );
    std::fs::write(dir.path().join("old.yaml"), old).unwrap();
    let output = checkgen_in(dir.path(), &["assess", "old.yaml", "-o", "r.json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stderr(&output).contains("made for rules sha256:0000000000000000"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let report = &report["report"];
    assert_eq!(report["removed"][0]["key"], "SEC-900#1");
    assert_eq!(report["renamed"][0]["key"], "SEC-001#1");
    assert_eq!(report["renamed"][0]["now"], "信息系统定级");
}

#[test]
fn a_profile_sheet_needs_its_profile() {
    let dir = tempfile::tempdir().unwrap();
    let profile = "name: 烟台某通信有限公司\nsectors: [telecom]\ncritical_infrastructure: false\n";
    std::fs::write(dir.path().join("p.yaml"), profile).unwrap();
    sheet(dir.path(), &["--profile", "p.yaml"], "a.yaml");
    let text = std::fs::read_to_string(dir.path().join("a.yaml")).unwrap();
    assert!(text.contains("profile: \"烟台某通信有限公司 sha256:"));
    assert!(text.contains("org_name: \"烟台某通信有限公司\""));
    let output = checkgen_in(dir.path(), &["assess", "a.yaml"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("give that profile with --profile"));
    let report = assess_json(dir.path(), "a.yaml", &["--profile", "p.yaml"]);
    assert_eq!(report["counts"]["total"], text.matches("  - no: ").count());
    std::fs::write(dir.path().join("p2.yaml"), profile.replace("false", "true")).unwrap();
    let output = checkgen_in(dir.path(), &["assess", "a.yaml", "--profile", "p2.yaml"]);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains("give the profile the sheet was made with"));
}

#[test]
fn the_report_template_can_be_replaced() {
    let dir = tempfile::tempdir().unwrap();
    telecom_l3(dir.path(), "a.yaml");
    let filled = set_result(
        &std::fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
        "SEC-001",
        1,
        "部分符合",
    );
    std::fs::write(dir.path().join("f.yaml"), filled).unwrap();
    std::fs::create_dir(dir.path().join("t")).unwrap();
    std::fs::write(
        dir.path().join("t/gap_report.md"),
        "# 本单位差距报告\n\n得分 {{ report.overall.percent }}；{% for row in report.findings %}{{ row.no }} {{ row.outcome_label }}{% endfor %}\n",
    )
    .unwrap();
    let output = checkgen_in(dir.path(), &["assess", "f.yaml", "--templates", "t"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "# 本单位差距报告\n\n得分 50.0；1.1 部分符合\n"
    );
}

/// Every form `generate --all` makes, answered 不符合 throughout, gives a report that prints
/// every row's rule text and nothing a reviewer wrote.
#[test]
fn no_report_carries_reviewer_wording() {
    use checkgen::answers::{self, SheetFormat};
    use checkgen::{assess, generate, rules, template, view::Meta};
    let set = rules::load_checked(&[]).expect("the shipped rules validate");
    let tera = template::tera(None).unwrap();
    let meta = Meta::new(1_795_392_000, Some(1_795_392_000));
    let jobs = generate::all_jobs(&set);
    assert!(jobs.len() > set.sectors.len() * 2, "{} forms", jobs.len());
    for job in &jobs {
        let sheet = answers::sheet(&set, job);
        let yaml = String::from_utf8(answers::write(&sheet, SheetFormat::Yaml).unwrap()).unwrap();
        let filled = yaml.replace("    result: \"\"", "    result: \"不符合\"");
        let file = format!("{}.yaml", job.selection.file_stem());
        let filled = answers::read(&file, filled.as_bytes()).unwrap();
        let view = answers::form_view(&set, &job.selection, job.org.clone());
        let report = assess::assess(&set, &view, &filled).unwrap();
        assert_eq!(report.findings.len(), sheet.rows.len(), "{file}");
        let text = assess::markdown(&report, &tera, &meta).unwrap();
        for phrase in common::REVIEWER_PHRASES {
            assert!(!text.contains(phrase), "{file}: “{phrase}” is printed");
        }
    }
}
