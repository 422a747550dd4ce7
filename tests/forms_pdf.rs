//! The shipped forms of two sectors as PDF, read back: every item on the form is in the text
//! layer, every page carries 第 X 页 共 Y 页, fonts are embedded subsets, output is
//! reproducible, and poppler and qpdf agree (a missing one fails the test).

mod common;

use std::path::Path;

use common::{checkgen_in, code, external, pdf_pages, stderr};

/// Generates Markdown and PDF for one selection into `dir`; returns (markdown, pdf path).
fn generate(dir: &Path, args: &[&str], stem: &str) -> (String, std::path::PathBuf) {
    let mut all = vec!["generate", "--format", "md,pdf", "--out", "."];
    all.extend_from_slice(args);
    let output = checkgen_in(dir, &all);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let markdown = std::fs::read_to_string(dir.join(format!("{stem}.md"))).unwrap();
    (markdown, dir.join(format!("{stem}.pdf")))
}

/// The 检查项 / 自查项 titles of the item rows of a generated form: the row of an item with one
/// question (`| 5 |`) or the first row of one with several (`| 5.1 |`).
fn item_titles(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|line| {
            line.split(" | ").next().is_some_and(|first| {
                let no = first.trim_start_matches("| ");
                no.strip_suffix(".1").unwrap_or(no).parse::<u32>().is_ok()
            })
        })
        .filter_map(|line| line.split(" | ").nth(1))
        .map(|cell| {
            cell.split("<br>")
                .next()
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect()
}

fn check_form(pdf: &Path, markdown: &str, heading: &str) {
    let pages = pdf_pages(pdf);
    let total = pages.len();
    assert!(total >= 5, "{} has only {total} pages", pdf.display());
    for (index, text) in pages.iter().enumerate() {
        let footer = format!("第{}页共{total}页", index + 1);
        assert!(
            text.ends_with(&footer),
            "page {} lacks “{footer}”",
            index + 1
        );
    }
    let text: String = pages.concat();
    assert!(text.starts_with(heading), "{}", &text[..60.min(text.len())]);
    let titles = item_titles(markdown);
    assert!(titles.len() > 20, "{titles:?}");
    for title in &titles {
        assert!(
            text.contains(title.as_str()),
            "item “{title}” is missing from the PDF text"
        );
    }
    let signatures = if heading.ends_with("自查表") {
        "签字确认"
    } else {
        "被检查单位意见"
    };
    for label in ["☐符合", "☐不适用", signatures, "附件：条款依据"] {
        assert!(text.contains(label), "{label} missing");
    }
    let size = std::fs::metadata(pdf).unwrap().len();
    assert!(
        size < 1_000_000,
        "{} is {size} bytes: fonts are not subset?",
        pdf.display()
    );
}

#[test]
fn telecom_inspection_form_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (markdown, pdf) = generate(
        dir.path(),
        &[
            "--sector",
            "telecom",
            "--audience",
            "regulator",
            "--authority",
            "public_security",
            "--org-name",
            "烟台某某通信有限公司",
        ],
        "telecom-regulator-public_security",
    );
    check_form(&pdf, &markdown, "信息消费领域安全与市场秩序监督检查表");
    let pages = pdf_pages(&pdf);
    let text = pages.concat();
    assert!(text.contains("烟台某某通信有限公司"));
    assert!(text.contains("问题描述或证明材料"));
    // An administrative record: the inspectors and their certificates, the notices, the
    // evidence list, the party's opinion, a line for a refusal to sign, and a signature line
    // on every page.
    for label in [
        "检查机关类别：公安机关网安部门",
        "执法证件号",
        "告知事项",
        "有权申请回避",
        "取证材料清单",
        "☐无异议☐有异议",
        "拒绝签名",
        "检查程序提示",
    ] {
        assert!(text.contains(label), "{label} missing");
    }
    for (index, page) in pages.iter().enumerate() {
        assert!(
            page.contains("执法人员签名：") && page.contains("被检查单位签名："),
            "page {} has no signature line",
            index + 1
        );
    }
}

#[test]
fn payment_self_assessment_at_level_3_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let (markdown, pdf) = generate(
        dir.path(),
        &[
            "--sector",
            "payment",
            "--audience",
            "enterprise",
            "--level",
            "3",
        ],
        "payment-enterprise-L3",
    );
    check_form(&pdf, &markdown, "信息消费领域安全与市场秩序合规自查表");
    let text = pdf_pages(&pdf).concat();
    assert!(text.contains("支付业务许可"));
    assert!(text.contains("第三级系统年度等级测评"));
}

#[test]
fn forms_are_reproducible() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let args = [
        "--sector",
        "ecert",
        "--audience",
        "regulator",
        "--authority",
        "miit",
    ];
    let (_, a) = generate(first.path(), &args, "ecert-regulator-miit");
    let (_, b) = generate(second.path(), &args, "ecert-regulator-miit");
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn poppler_and_qpdf_agree() {
    let dir = tempfile::tempdir().unwrap();
    let (_, pdf) = generate(
        dir.path(),
        &[
            "--sector",
            "egov",
            "--audience",
            "regulator",
            "--authority",
            "public_security",
        ],
        "egov-regulator-public_security",
    );
    let path = pdf.to_str().unwrap();
    {
        let out = external("pdftotext", &[path, "-"]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("基本情况"), "{text}");
        assert!(text.contains("电子政务大厅安全运行"));
        let heading = text.find("基本情况").unwrap();
        let first_item = text.find("信息系统定级").unwrap();
        assert!(heading < first_item, "reading order");
    }
    {
        let out = external("pdffonts", &[path]);
        let fonts = String::from_utf8_lossy(&out.stdout);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{fonts}");
        for row in rows {
            assert!(
                row.contains("CID TrueType") && row.contains(" yes yes yes "),
                "{row}"
            );
        }
    }
    {
        let out = external("qpdf", &["--check", path]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
