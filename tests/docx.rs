//! The Word output (`--format docx`, `render -o FILE.docx`) read back by independent readers:
//! python-docx (tables, rows, header rows, checkbox controls, headings, footer fields,
//! orientation, title), the Markdown itself by markdown-it-py, LibreOffice converting it to a
//! PDF read by pdftotext, and pandoc. A missing reader fails the test with what to install.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{checkgen_in, code, external, stderr};
use sha2::{Digest, Sha256};

/// Runs a Python script with python-docx and markdown-it-py.
fn python(script: &str, args: &[&str]) -> String {
    common::python(script, args, "python-docx markdown-it-py")
}

/// Reads the Markdown with markdown-it-py and the Word document with python-docx, and prints
/// what each holds as one JSON object with two halves to compare.
const READ_BACK: &str = r#"
import json, sys
import docx
from docx.enum.section import WD_ORIENT
from markdown_it import MarkdownIt

md_path, docx_path = sys.argv[1], sys.argv[2]
text = open(md_path, encoding='utf-8').read()
tokens = MarkdownIt('commonmark').enable('table').parse(text)
md_tables, rows, headings = [], None, []
for i, t in enumerate(tokens):
    if t.type == 'table_open':
        rows = 0
    elif t.type == 'tr_open':
        rows += 1
    elif t.type == 'table_close':
        md_tables.append(rows)
    elif t.type == 'heading_open' and t.tag in ('h1', 'h2', 'h3'):
        headings.append([int(t.tag[1]), tokens[i + 1].content.strip()])

W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
W14 = '{http://schemas.microsoft.com/office/word/2010/wordml}'
d = docx.Document(docx_path)
body = d.element.body
tables, header_rows, unsplit_rows, all_rows = [], 0, 0, 0
for table in d.tables:
    tables.append(len(table.rows))
    for n, row in enumerate(table.rows):
        pr = row._tr.trPr
        all_rows += 1
        if pr is not None and pr.find(W + 'cantSplit') is not None:
            unsplit_rows += 1
        if n == 0 and pr is not None and pr.find(W + 'tblHeader') is not None:
            header_rows += 1
boxes = list(body.iter(W14 + 'checkbox'))
box_text = [''.join(t.text for t in sdt.iter(W + 't'))
            for sdt in body.iter(W + 'sdt') if sdt.find('.//' + W14 + 'checkbox') is not None]
styled = []
for p in d.paragraphs:
    name = p.style.name
    if name.startswith('Heading ') and int(name.split()[1]) <= 3:
        styled.append([int(name.split()[1]), p.text.strip()])
section = d.sections[0]
footer = section.footer._element
instructions = [t.text.strip() for t in footer.iter(W + 'instrText')]
footer_text = ''.join(t.text for t in footer.iter(W + 't'))
east_asia = d.styles.element.find('.//' + W + 'rPrDefault//' + W + 'rFonts').get(W + 'eastAsia')
print(json.dumps({
    'markdown': {'tables': md_tables, 'boxes': text.count('☐'), 'headings': headings},
    'docx': {
        'tables': tables, 'header_rows': header_rows, 'unsplit_rows': unsplit_rows,
        'all_rows': all_rows, 'boxes': len(boxes), 'box_text': sorted(set(box_text)),
        'headings': styled, 'instructions': instructions, 'footer_text': footer_text,
        'landscape': section.orientation == WD_ORIENT.LANDSCAPE,
        'page_mm': [round(section.page_width.mm), round(section.page_height.mm)],
        'title': d.core_properties.title, 'subject': d.core_properties.subject,
        'east_asia': east_asia,
    },
}, ensure_ascii=False))
"#;

/// `pdfinfo` of a PDF as `(key, value)` lines.
fn pdfinfo(path: &Path) -> Vec<(String, String)> {
    let output = external("pdfinfo", &[path.to_str().unwrap()]);
    assert!(output.status.success(), "pdfinfo {}", path.display());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn field<'a>(info: &'a [(String, String)], key: &str) -> &'a str {
    info.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("pdfinfo has no {key}: {info:?}"))
}

/// Whether a PDF's first page is wider than tall (pdfinfo's "Page size: W x H pts").
fn pdf_landscape(path: &Path) -> bool {
    let info = pdfinfo(path);
    let size: Vec<f64> = info_value_numbers(field(&info, "Page size"));
    size[0] > size[1]
}

fn info_value_numbers(value: &str) -> Vec<f64> {
    value
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect()
}

/// Converts a `.docx` to PDF with LibreOffice (headless, its own profile so parallel tests do
/// not share one) and returns the PDF's path.
fn libreoffice_pdf(docx: &Path) -> PathBuf {
    let dir = docx.parent().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.join("lo"))
        .arg(docx)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "soffice could not be run ({err}): install LibreOffice \
                 (`apt-get install libreoffice-writer-nogui`; .ci/run does it)"
            )
        });
    assert!(
        output.status.success(),
        "soffice failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let pdf = dir
        .join("lo")
        .join(docx.with_extension("pdf").file_name().unwrap());
    assert!(pdf.exists(), "LibreOffice wrote no {}", pdf.display());
    pdf
}

/// Text without any whitespace, so that line wrapping does not matter.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Generates one form as Markdown, PDF and Word, and checks the Word document against the
/// Markdown and the PDF with every reader. `known` is a sentence of a rule on the form.
fn check_form(args: &[&str], stem: &str, known: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "md,pdf,docx", "--out", "out"]);
    let output = checkgen_in(dir.path(), &all);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = dir.path().join("out");
    let (md, pdf, docx) = (
        out.join(format!("{stem}.md")),
        out.join(format!("{stem}.pdf")),
        out.join(format!("{stem}.docx")),
    );
    assert!(stderr(&output).contains(&format!("{stem}.docx")));

    let read: serde_json::Value = serde_json::from_str(&python(
        READ_BACK,
        &[md.to_str().unwrap(), docx.to_str().unwrap()],
    ))
    .unwrap();
    let (markdown, word) = (&read["markdown"], &read["docx"]);
    // Every table of the Markdown, row for row (header included).
    assert!(markdown["tables"].as_array().unwrap().len() >= 3);
    assert_eq!(word["tables"], markdown["tables"]);
    let tables = markdown["tables"].as_array().unwrap().len() as u64;
    let rows: u64 = markdown["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(word["header_rows"].as_u64(), Some(tables), "{word}");
    assert_eq!(word["unsplit_rows"].as_u64(), Some(rows));
    assert_eq!(word["all_rows"].as_u64(), Some(rows));
    // One checkbox control for every ☐, each showing an empty box.
    assert!(markdown["boxes"].as_u64().unwrap() > 40);
    assert_eq!(word["boxes"], markdown["boxes"]);
    assert_eq!(word["box_text"], serde_json::json!(["☐"]));
    // Headings 1–3 as Word's heading styles, in order, with their text.
    assert!(markdown["headings"].as_array().unwrap().len() > 4);
    assert_eq!(word["headings"], markdown["headings"]);
    // The footer: 第 PAGE 页 共 NUMPAGES 页.
    assert_eq!(
        word["instructions"],
        serde_json::json!(["PAGE", "NUMPAGES"])
    );
    let footer = word["footer_text"].as_str().unwrap();
    assert!(
        footer.contains("第 ") && footer.contains(" 页 共 "),
        "{footer}"
    );
    // A4, turned as the PDF is; the PDF's title and subject.
    let landscape = pdf_landscape(&pdf);
    assert_eq!(word["landscape"].as_bool(), Some(landscape));
    let a4 = if landscape { [297, 210] } else { [210, 297] };
    assert_eq!(word["page_mm"], serde_json::json!(a4));
    let pdf_info = pdfinfo(&pdf);
    assert_eq!(word["title"].as_str(), Some(field(&pdf_info, "Title")));
    assert_eq!(word["subject"].as_str(), Some(field(&pdf_info, "Subject")));
    assert_eq!(word["east_asia"].as_str(), Some("SimSun"));
    let title = word["title"].as_str().unwrap();
    let heading = title.split('（').next().unwrap();

    // LibreOffice lays it out: the title and a rule's text, A4 the same way up.
    let converted = libreoffice_pdf(&docx);
    let text = external("pdftotext", &[converted.to_str().unwrap(), "-"]);
    let text = squeezed(&String::from_utf8_lossy(&text.stdout));
    assert!(
        text.contains(&squeezed(heading)),
        "LibreOffice's PDF lacks {heading}"
    );
    assert!(
        text.contains(&squeezed(known)),
        "LibreOffice's PDF lacks {known}"
    );
    assert!(
        text.contains("第1页共"),
        "LibreOffice's PDF has no page footer"
    );
    assert_eq!(pdf_landscape(&converted), landscape);
    let pages = info_value_numbers(field(&pdfinfo(&converted), "Pages"))[0];
    assert!(pages >= 3.0, "{pages} pages");

    // pandoc reads the same text.
    let output = Command::new("pandoc")
        .args(["-f", "docx", "-t", "plain", "--wrap=none"])
        .arg(&docx)
        .output()
        .unwrap_or_else(|err| {
            panic!("pandoc could not be run ({err}): install pandoc (.ci/run does it)")
        });
    assert!(output.status.success(), "{}", stderr(&output));
    let plain = squeezed(&String::from_utf8_lossy(&output.stdout));
    assert!(plain.contains(&squeezed(heading)), "pandoc lacks {heading}");
    assert!(plain.contains(&squeezed(known)), "pandoc lacks {known}");
    read
}

#[test]
fn a_self_assessment_in_word_reads_back_everywhere() {
    let read = check_form(
        &[
            "--sector",
            "telecom",
            "--audience",
            "enterprise",
            "--level",
            "3",
        ],
        "telecom-enterprise-L3",
        // A rule's text in the appendix (text in table cells comes out of pdftotext
        // interleaved with the next column's).
        "住宅建设单位应当组织光纤到户通信设施验收并将验收文件报通信行业主管部门备案",
    );
    // Seven columns: landscape, as the PDF.
    assert_eq!(read["docx"]["landscape"].as_bool(), Some(true));
}

#[test]
fn an_inspection_form_in_word_carries_the_signature_footer() {
    let read = check_form(
        &[
            "--sector",
            "telecom",
            "--audience",
            "regulator",
            "--authority",
            "public_security",
        ],
        "telecom-regulator-public_security",
        "互联网接入服务提供者应当记录上网用户的上网时间、用户账号",
    );
    let footer = read["docx"]["footer_text"].as_str().unwrap();
    assert!(
        footer.starts_with("执法人员签名：＿＿＿＿　＿＿＿＿　被检查单位签名：＿＿＿＿"),
        "{footer}"
    );
}

#[test]
fn issued_word_forms_are_in_the_manifest_with_their_hashes() {
    let dir = tempfile::tempdir().unwrap();
    // The credit code is checked: a valid one, its check character from the library.
    let prefix = "91370600MA0000101";
    let values = checkgen::credit_code::values(prefix).unwrap();
    let code_text = format!(
        "{prefix}{}",
        checkgen::credit_code::check_character(&values)
    );
    std::fs::write(
        dir.path().join("r.csv"),
        format!(
            "单位名称,统一社会信用代码,所属行业,系统等级\n测试企业一号,{code_text},telecom,3\n"
        ),
    )
    .unwrap();
    let output = checkgen_in(
        dir.path(),
        &[
            "issue",
            "--roster",
            "r.csv",
            "--out",
            "out",
            "--audience",
            "enterprise",
            "--date",
            "2026-12-01",
            "--format",
            "docx",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let out = dir.path().join("out");
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let register: serde_json::Value = serde_json::from_str(&text).unwrap();
    let register = &register["manifest"];
    assert_eq!(register["campaign"]["formats"], serde_json::json!(["docx"]));
    let files = register["forms"][0]["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    let name = files[0]["file"].as_str().unwrap();
    assert!(name.ends_with(".docx"), "{name}");
    let bytes = std::fs::read(out.join(name)).unwrap();
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(files[0]["sha256"].as_str(), Some(hash.as_str()));
    assert_eq!(files[0]["bytes"].as_u64(), Some(bytes.len() as u64));
    // The form's number is in every page's footer, before the page number.
    let number = register["forms"][0]["number"].as_str().unwrap();
    let footer = python(
        "import sys, docx\nd = docx.Document(sys.argv[1])\nprint(''.join(t.text for t in d.sections[0].footer._element.iter('{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t')))",
        &[out.join(name).to_str().unwrap()],
    );
    assert!(footer.starts_with(&format!("编号：{number}")), "{footer}");
}

#[test]
fn render_chooses_word_by_extension_and_refuses_what_it_must_not_replace() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("x.md"),
        "# 标题\n\n正文 $x$ 与 <span>标签</span>。\n\n| 甲 | 乙 |\n| --- | --- |\n| ☐ 是 |  |\n",
    )
    .unwrap();
    let output = checkgen_in(dir.path(), &["render", "x.md", "-o", "out.docx"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let bytes = std::fs::read(dir.path().join("out.docx")).unwrap();
    assert!(bytes.starts_with(b"PK"), "not a ZIP package");
    // The same warning as for the PDF, with line numbers.
    let warning = stderr(&output);
    assert!(
        warning.contains("math (shown as text) at line 3"),
        "{warning}"
    );
    assert!(
        warning.contains("raw HTML (shown as text) at line 3"),
        "{warning}"
    );
    let read = python(
        "import sys, docx\nd = docx.Document(sys.argv[1])\nprint(d.core_properties.title, len(d.tables), d.paragraphs[0].style.name)",
        &[dir.path().join("out.docx").to_str().unwrap()],
    );
    assert_eq!(read.trim(), "标题 1 Heading 1");
    // --strict makes the warning an error; nothing is written.
    let output = checkgen_in(
        dir.path(),
        &["render", "x.md", "-o", "strict.docx", "--strict"],
    );
    assert_eq!(code(&output), 1);
    assert!(!dir.path().join("strict.docx").exists());
    // --format docx without -o: beside the input.
    let output = checkgen_in(dir.path(), &["render", "x.md", "--format", "docx"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(dir.path().join("x.docx").exists());
    // Not over a directory, nor through a link to a file.
    std::fs::create_dir(dir.path().join("d.docx")).unwrap();
    let output = checkgen_in(dir.path(), &["render", "x.md", "-o", "d.docx"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("is a directory"));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("x.docx", dir.path().join("link.docx")).unwrap();
        let before = std::fs::read(dir.path().join("x.docx")).unwrap();
        let output = checkgen_in(dir.path(), &["render", "x.md", "-o", "link.docx"]);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        assert!(stderr(&output).contains("symbolic link"));
        assert_eq!(std::fs::read(dir.path().join("x.docx")).unwrap(), before);
    }
}
