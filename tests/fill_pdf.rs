//! The fillable PDF forms on the shipped rules: `generate` writes a form, two independent PDF
//! libraries fill it in programmatically (pypdf, and PDFium through pypdfium2's form-fill
//! API, as Chrome's viewer would), poppler renders it, and `assess` reads it back; the scores
//! are checked against a computation written here, and against the same answers in a sheet.

mod common;

use std::path::Path;

use common::{checkgen_in, code, external, stderr, stdout, weighted_score};

fn python(script: &str, args: &[&str]) -> String {
    common::python(script, args, "pypdf pypdfium2")
}

fn run(dir: &Path, args: &[&str]) {
    let output = checkgen_in(dir, args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

/// The results the tests give the rows in turn (radio states; empty leaves a row blank).
const CYCLE: [&str; 6] = [
    "compliant",
    "partial",
    "non_compliant",
    "not_applicable",
    "",
    "compliant",
];

/// The note typed into every third row: Chinese, with characters the form does not print.
fn note(index: usize) -> Option<String> {
    (index % 3 == 1).then(|| format!("第{index}行：应急预案尚未演练，拟于二〇二七年三月前整改"))
}

/// Points of a state as this test reads the scoring rule: 符合 1, 部分符合 0.5, 不符合 0.
fn points(state: &str) -> Option<f64> {
    match state {
        "compliant" => Some(1.0),
        "partial" => Some(0.5),
        "non_compliant" => Some(0.0),
        _ => None,
    }
}

/// `(row name, severity label)` of every row of a YAML sheet, in order.
fn sheet_rows(yaml: &str) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut id = String::new();
    let mut question = String::new();
    for line in yaml.lines() {
        let value = |prefix: &str| {
            line.trim()
                .strip_prefix(prefix)
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        if let Some(v) = value("id:") {
            id = v;
        } else if let Some(v) = value("question:") {
            question = v;
        } else if let Some(v) = value("severity:") {
            rows.push((format!("{id}#{question}"), v));
        }
    }
    rows
}

/// The YAML sheet filled with the same answers as the form: `states[i]` and `notes[i]`.
fn fill_yaml(yaml: &str, states: &[&str], notes: &[Option<String>], org: &str) -> String {
    let label = |state: &str| match state {
        "compliant" => "符合",
        "partial" => "部分符合",
        "non_compliant" => "不符合",
        "not_applicable" => "不适用",
        _ => "",
    };
    let mut index = 0;
    let mut out = Vec::new();
    for line in yaml.lines() {
        if line == "org_name: \"\"" {
            out.push(format!("org_name: \"{org}\""));
        } else if line == "    result: \"\"" {
            out.push(format!("    result: \"{}\"", label(states[index])));
        } else if line == "    note: \"\"" {
            let note = notes[index].as_deref().unwrap_or_default();
            out.push(format!("    note: \"{note}\""));
            index += 1;
        } else {
            out.push(line.to_string());
        }
    }
    out.join("\n") + "\n"
}

/// Assesses `file` in `dir` into a JSON report and returns its `report` object.
fn assess_json(dir: &Path, file: &str) -> serde_json::Value {
    let json = format!("{file}.json");
    run(dir, &["assess", file, "-o", &json]);
    let text = std::fs::read_to_string(dir.join(&json)).unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    document["report"].clone()
}

/// Checks the report's overall score against this test's computation for rows
/// `(name, severity label)` given `states`.
fn check_score(report: &serde_json::Value, rows: &[(String, String)], states: &[&str]) {
    let expected = weighted_score(
        rows.iter()
            .zip(states)
            .map(|((_, severity), state)| (severity.clone(), points(state))),
    );
    assert_eq!(report["overall"]["percent"].as_f64().unwrap(), expected);
}

fn check_counts(report: &serde_json::Value, states: &[&str]) {
    let count = |want: &str| states.iter().filter(|s| **s == want).count();
    let counts = &report["counts"];
    assert_eq!(counts["total"], states.len());
    assert_eq!(counts["compliant"], count("compliant"));
    assert_eq!(counts["partial"], count("partial"));
    assert_eq!(counts["non_compliant"], count("non_compliant"));
    assert_eq!(counts["not_applicable"], count("not_applicable"));
    assert_eq!(counts["unanswered"], count(""));
}

fn qpdf_clean(path: &Path) {
    let out = external("qpdf", &["--check", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(
        out.status.success() && text.contains("No syntax or stream encoding errors"),
        "{}: {text}{}",
        path.display(),
        stderr(&out)
    );
}

/// Lists the fields with pypdf (`name<TAB>type<TAB>states`), then fills the form: argv[3] is
/// a JSON object of field name → value; radio values are state names.
const PYPDF_FILL: &str = r#"
import json, sys
from pypdf import PdfReader, PdfWriter
src, dst, values = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
reader = PdfReader(src)
for name, field in reader.get_fields().items():
    states = field.get("/_States_", [])
    print("\t".join([name, str(field.get("/FT", "")), ",".join(sorted(str(s) for s in states))]))
writer = PdfWriter(clone_from=reader)
values = {k: ("/" + v if k.endswith(".result") else v) for k, v in values.items()}
for page in writer.pages:
    writer.update_page_form_field_values(page, values, auto_regenerate=False)
writer.write(dst)
"#;

/// Dark pixels (gray < 128) of page argv[2] of argv[1] rendered by pdftoppm at 80 dpi within
/// each rectangle of argv[3] (JSON list of [x0, y0, x1, y1] in PDF points).
const DARK_PIXELS: &str = r#"
import json, subprocess, sys
pdf, page, rects = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
pgm = subprocess.run(["pdftoppm", "-gray", "-r", "80", "-f", str(page), "-l", str(page), pdf],
                     check=True, capture_output=True).stdout
parts = pgm.split(maxsplit=4)
width, height, data = int(parts[1]), int(parts[2]), parts[4]
s = 80 / 72
page_height = height / s
counts = []
for x0, y0, x1, y1 in rects:
    n = 0
    for y in range(int((page_height - y1) * s) + 1, int((page_height - y0) * s) - 1):
        for x in range(int(x0 * s) + 1, int(x1 * s) - 1):
            n += data[y * width + x] < 128
    counts.append(n)
print(json.dumps(counts))
"#;

/// The widget rectangles and pages of fields, read with pypdf: `name → [page, [x0,y0,x1,y1],
/// export state or ""]` for every widget.
const WIDGETS: &str = r#"
import json, sys
from pypdf import PdfReader
reader = PdfReader(sys.argv[1])
out = []
for number, page in enumerate(reader.pages, 1):
    for annot in page.get("/Annots", []) or []:
        a = annot.get_object()
        if a.get("/Subtype") != "/Widget":
            continue
        field = a if "/T" in a else a["/Parent"].get_object()
        names = []
        while field is not None:
            names.insert(0, field["/T"])
            field = field.get("/Parent").get_object() if "/Parent" in field else None
        normal = a["/AP"]["/N"].get_object()
        states = [] if "/Subtype" in normal else [s for s in normal.keys() if s != "/Off"]
        has_down = "/D" in a.get("/AP", {})
        out.append([".".join(names), number, [float(v) for v in a["/Rect"]], states[0][1:] if states else "", has_down])
print(json.dumps(out))
"#;

#[test]
fn a_form_filled_by_pypdf_reads_back_as_its_sheet_and_shows_what_was_typed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let selection = ["--sector", "telecom", "--level", "3"];
    let mut generate = vec![
        "generate",
        "--audience",
        "enterprise",
        "--format",
        "pdf",
        "--out",
    ];
    run(path, &[&generate[..], &["fields"], &selection[..]].concat());
    generate.push("plain");
    run(
        path,
        &[&generate[..], &selection[..], &["--no-fields"]].concat(),
    );
    run(
        path,
        &[&["answers"], &selection[..], &["-o", "sheet.yaml"]].concat(),
    );
    let form = path.join("fields/telecom-enterprise-L3.pdf");
    let plain = path.join("plain/telecom-enterprise-L3.pdf");
    qpdf_clean(&form);
    qpdf_clean(&plain);

    let yaml = std::fs::read_to_string(path.join("sheet.yaml")).unwrap();
    let rows = sheet_rows(&yaml);
    assert_eq!(
        rows.len(),
        179,
        "the telecom L3 self-assessment has 179 rows"
    );

    // The widgets: four radio boxes with their pressed look per row, a note, header fields.
    let widgets: Vec<(String, usize, Vec<f64>, String, bool)> =
        serde_json::from_str(&python(WIDGETS, &[form.to_str().unwrap()])).unwrap();
    for (name, _) in &rows {
        let states: Vec<&str> = widgets
            .iter()
            .filter(|w| w.0 == format!("{name}.result"))
            .inspect(|w| assert!(w.4, "{name}: a radio box without a pressed appearance"))
            .map(|w| w.3.as_str())
            .collect();
        assert_eq!(
            states,
            ["compliant", "partial", "non_compliant", "not_applicable"],
            "{name}"
        );
        assert_eq!(
            widgets
                .iter()
                .filter(|w| w.0 == format!("{name}.note"))
                .count(),
            1,
            "{name}"
        );
    }
    let header = |name: &str| widgets.iter().any(|w| w.0 == name);
    assert!(header("单位名称") && header("统一社会信用代码") && header("主要问题"));
    // Nothing else: no field named from a row the sheet does not have.
    let names: std::collections::HashSet<String> = rows.iter().map(|r| r.0.clone()).collect();
    for (name, ..) in &widgets {
        if let Some((row, _)) = name.rsplit_once('.') {
            assert!(names.contains(row), "unexpected field {name}");
        }
    }

    // Fill: results in turn, a note on every third row, the enterprise's name.
    let states: Vec<&str> = (0..rows.len()).map(|i| CYCLE[i % CYCLE.len()]).collect();
    let mut values = serde_json::Map::new();
    for (i, (name, _)) in rows.iter().enumerate() {
        if !states[i].is_empty() {
            values.insert(format!("{name}.result"), states[i].into());
        }
        if let Some(text) = note(i) {
            values.insert(format!("{name}.note"), text.into());
        }
    }
    let org = "烟台示例通信有限公司";
    values.insert("单位名称".into(), org.into());
    let filled = path.join("filled.pdf");
    let listing = python(
        PYPDF_FILL,
        &[
            form.to_str().unwrap(),
            filled.to_str().unwrap(),
            &serde_json::Value::Object(values).to_string(),
        ],
    );
    assert!(listing.contains("SEC-001#1.result\t/Btn"), "{listing}");
    assert!(listing.contains("SEC-001#1.note\t/Tx"), "{listing}");
    qpdf_clean(&filled);

    // Read back: the hand computation, and the same report as the same answers in a sheet.
    let report = assess_json(path, "filled.pdf");
    check_counts(&report, &states);
    check_score(&report, &rows, &states);
    assert_eq!(report["identity"]["org_name"], org);
    let notes: Vec<Option<String>> = (0..rows.len()).map(note).collect();
    std::fs::write(
        path.join("filled.yaml"),
        fill_yaml(&yaml, &states, &notes, org),
    )
    .unwrap();
    let from_sheet = assess_json(path, "filled.yaml");
    assert_eq!(report, from_sheet);
    let text = std::fs::read_to_string(path.join("filled.pdf.json")).unwrap();
    assert!(
        text.contains(&note(1).unwrap()),
        "the note of row 2 is in the report"
    );

    // The printed blank form is the plain one, pixel for pixel.
    let render = |pdf: &Path, page: &str| {
        external(
            "pdftoppm",
            &["-r", "80", "-f", page, "-l", page, pdf.to_str().unwrap()],
        )
        .stdout
    };
    for page in ["1", "2", "5"] {
        assert!(render(&form, page) == render(&plain, page), "page {page}");
    }
    // The plain PDF has no form at all.
    let doc = lopdf::Document::load(&plain).unwrap();
    assert!(doc.catalog().unwrap().get(b"AcroForm").is_err());

    // Filled and rendered by poppler: the typed Chinese and the ticks show.
    let widget = |name: &str, state: &str| {
        widgets
            .iter()
            .find(|w| w.0 == name && w.3 == state)
            .unwrap_or_else(|| panic!("no widget {name} {state}"))
    };
    let (second, ticked) = (&rows[1].0, &rows[0].0);
    let note_widget = widget(&format!("{second}.note"), "");
    let tick_widget = widget(&format!("{ticked}.result"), "compliant");
    let empty_widget = widget(&format!("{ticked}.result"), "partial");
    assert_eq!(note_widget.1, tick_widget.1);
    let rects = serde_json::json!([note_widget.2, tick_widget.2, empty_widget.2]).to_string();
    let page = note_widget.1.to_string();
    let dark = |pdf: &Path| -> Vec<u64> {
        serde_json::from_str(&python(
            DARK_PIXELS,
            &[pdf.to_str().unwrap(), &page, &rects],
        ))
        .unwrap()
    };
    let (blank, full) = (dark(&form), dark(&filled));
    assert_eq!(blank[0], 0, "the blank note cell is empty");
    assert!(full[0] > 100, "the typed note shows: {full:?}");
    assert!(
        full[1] > blank[1] + 5,
        "the tick shows: {blank:?} → {full:?}"
    );
    assert_eq!(full[2], blank[2], "an unticked box stays as printed");
}

/// With PDFium: reads the widgets, clicks boxes and types notes through the form-fill API and
/// saves; then opens the saved file, renders it with its forms and counts the dark pixels in
/// each typed note.
/// argv[3]: JSON list of [field name, state to click or "", note or ""].
const PDFIUM_FILL: &str = r#"
import ctypes, json, sys
import pypdfium2 as pdfium
import pypdfium2.raw as raw
src, dst, plan = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
pdf = pdfium.PdfDocument(src)
form = pdf.init_forms()
handle = pdf.formenv.raw
buffer = ctypes.create_string_buffer(1024)

def field_name(annot):
    n = raw.FPDFAnnot_GetFormFieldName(handle, annot, None, 0)
    raw.FPDFAnnot_GetFormFieldName(handle, annot, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), n)
    return buffer.raw[:n - 2].decode("utf-16-le")

def export_value(annot):
    n = raw.FPDFAnnot_GetFormFieldExportValue(handle, annot, None, 0)
    if n <= 2:
        return ""
    raw.FPDFAnnot_GetFormFieldExportValue(handle, annot, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), n)
    return buffer.raw[:n - 2].decode("utf-16-le")

wanted = {name: (state, note) for name, state, note in plan}

def click(page, x, y):
    raw.FORM_OnMouseMove(handle, page.raw, 0, x, y)
    raw.FORM_OnLButtonDown(handle, page.raw, 0, x, y)
    raw.FORM_OnLButtonUp(handle, page.raw, 0, x, y)

typed = {}
for index in range(len(pdf)):
    page = pdf[index]
    widgets = []
    for i in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, i)
        if raw.FPDFAnnot_GetSubtype(annot) == raw.FPDF_ANNOT_WIDGET:
            rect = raw.FS_RECTF()
            raw.FPDFAnnot_GetRect(annot, rect)
            widgets.append((field_name(annot), export_value(annot), (rect.left, rect.bottom, rect.right, rect.top)))
        raw.FPDFPage_CloseAnnot(annot)
    for name, export, (x0, y0, x1, y1) in widgets:
        row, _, part = name.rpartition(".")
        if row not in wanted:
            continue
        state, note = wanted[row]
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        if part == "result" and export == state:
            click(page, x, y)
        if part == "note" and note:
            click(page, x, y)
            text = ctypes.create_string_buffer(note.encode("utf-16-le") + b"\0\0")
            raw.FORM_ReplaceSelection(handle, page.raw, ctypes.cast(text, raw.FPDF_WIDESTRING))
            raw.FORM_ForceToKillFocus(handle)
            typed[row] = (index, (x0, y0, x1, y1))
pdf.save(dst)
# The saved file, opened afresh, rendered with its forms.
saved = pdfium.PdfDocument(dst)
saved.init_forms()
scale = 80 / 72
for row, (index, (x0, y0, x1, y1)) in typed.items():
    page = saved[index]
    bitmap = page.render(scale=scale, may_draw_forms=True, grayscale=True)
    data = bytes(bitmap.buffer)
    top = page.get_height()
    dark = 0
    for y in range(int((top - y1) * scale) + 1, int((top - y0) * scale) - 1):
        for x in range(int(x0 * scale) + 1, int(x1 * scale) - 1):
            dark += data[y * bitmap.stride + x] < 128
    print(f"{row}\t{dark}")
"#;

#[test]
fn an_inspection_form_filled_through_pdfium_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    let selection = [
        "--sector",
        "telecom",
        "--audience",
        "regulator",
        "--authority",
        "public_security",
    ];
    run(
        path,
        &[
            &["generate", "--format", "pdf", "--out", "."],
            &selection[..],
        ]
        .concat(),
    );
    run(
        path,
        &[&["answers"], &selection[..], &["-o", "sheet.yaml"]].concat(),
    );
    let yaml = std::fs::read_to_string(path.join("sheet.yaml")).unwrap();
    let rows = sheet_rows(&yaml);
    assert!(rows.len() > 10, "{} rows", rows.len());
    let form = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF form");
    qpdf_clean(&form);

    // The first twelve rows: results in turn, notes on every third.
    let states: Vec<&str> = (0..rows.len())
        .map(|i| if i < 12 { CYCLE[i % CYCLE.len()] } else { "" })
        .collect();
    let plan: Vec<serde_json::Value> = rows
        .iter()
        .enumerate()
        .take(12)
        .map(|(i, (name, _))| serde_json::json!([name, states[i], note(i).unwrap_or_default()]))
        .collect();
    let filled = path.join("pdfium.pdf");
    let printed = python(
        PDFIUM_FILL,
        &[
            form.to_str().unwrap(),
            filled.to_str().unwrap(),
            &serde_json::Value::Array(plan).to_string(),
        ],
    );
    // PDFium drew every typed note.
    let typed: Vec<(&str, u64)> = printed
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(row, dark)| (row, dark.parse().unwrap()))
        .collect();
    assert_eq!(typed.len(), 4, "{printed}");
    for (row, dark) in &typed {
        assert!(
            *dark > 100,
            "{row}: the note PDFium rendered is empty ({dark})"
        );
    }
    qpdf_clean(&filled);

    let report = assess_json(path, "pdfium.pdf");
    check_counts(&report, &states);
    let text = std::fs::read_to_string(path.join("pdfium.pdf.json")).unwrap();
    assert!(text.contains(&note(1).unwrap()), "{text}");
    check_score(&report, &rows, &states);
    let notes: Vec<Option<String>> = (0..rows.len())
        .map(|i| if i < 12 { note(i) } else { None })
        .collect();
    std::fs::write(
        path.join("filled.yaml"),
        fill_yaml(&yaml, &states, &notes, ""),
    )
    .unwrap();
    // Compared field by field: a difference prints short.
    let from_sheet = assess_json(path, "filled.yaml");
    for key in [
        "counts",
        "overall",
        "domains",
        "findings",
        "key_flags",
        "unanswered",
        "rows",
    ] {
        assert!(report[key] == from_sheet[key], "{key} differs");
    }
    assert_eq!(report, from_sheet);
}

#[test]
fn a_pdf_that_is_no_form_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    run(
        path,
        &[
            "generate",
            "--sector",
            "telecom",
            "--audience",
            "enterprise",
            "--format",
            "pdf",
            "--no-fields",
            "--out",
            ".",
        ],
    );
    let output = checkgen_in(path, &["assess", "telecom-enterprise.pdf"]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("telecom-enterprise.pdf:1:1: is a PDF without form fields"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_issued_form_is_fillable_and_names_its_enterprise() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::write(
        path.join("r.csv"),
        "单位名称,统一社会信用代码,所属行业,系统等级\n烟台某通信有限公司,91370600MA3C00003H,telecom,3\n",
    )
    .unwrap();
    let issue = |out: &str, extra: &[&str]| {
        let args = [
            &[
                "issue",
                "--roster",
                "r.csv",
                "--out",
                out,
                "--audience",
                "enterprise",
                "--date",
                "2026-12-01",
                "--format",
                "pdf",
            ][..],
            extra,
        ]
        .concat();
        run(path, &args);
        std::fs::read_dir(path.join(out))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "pdf") && !p.to_string_lossy().contains("附件")
            })
            .expect("an issued PDF")
    };
    let form = issue("fields", &[]);
    let plain = issue("plain", &["--no-fields"]);
    qpdf_clean(&form);
    let doc = lopdf::Document::load(&form).unwrap();
    assert!(doc.catalog().unwrap().get(b"AcroForm").is_ok());
    let doc = lopdf::Document::load(&plain).unwrap();
    assert!(doc.catalog().unwrap().get(b"AcroForm").is_err());

    // Read back blank: the enterprise the form was issued to, every row unanswered.
    let name = form.file_name().unwrap().to_str().unwrap().to_string();
    std::fs::copy(&form, path.join(&name)).unwrap();
    let report = assess_json(path, &name);
    assert_eq!(report["identity"]["org_name"], "烟台某通信有限公司");
    assert_eq!(report["identity"]["credit_code"], "91370600MA3C00003H");
    assert_eq!(report["counts"]["unanswered"], report["counts"]["total"]);
    assert_eq!(report["counts"]["total"], 179);
}
