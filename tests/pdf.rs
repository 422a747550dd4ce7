//! PDF output read back with lopdf: text, pages, footers, fonts, metadata, outline,
//! robustness and reproducibility; poppler-utils and qpdf check the files too (a missing one
//! fails the test).

mod common;

use std::path::Path;

use checkgen::pdf::PdfOptions;
use checkgen::render::{self, NotLaidOut, Orientation, RenderContext, Rendered, Reuse, Warning};
use lopdf::{Dictionary, Document, Object};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/markdown")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn options() -> PdfOptions {
    PdfOptions {
        title: "信息安全等级保护 现场检查记录表".into(),
        subject: "现场检查记录表".into(),
        ..PdfOptions::default()
    }
}

/// Markdown → layout → PDF, in automatic orientation.
fn render_markdown(markdown: &str, options: &PdfOptions) -> checkgen::Result<Rendered> {
    render::pdf(&RenderContext {
        markdown,
        orientation: Orientation::Auto,
        reuse: Reuse::Document,
        options: options.clone(),
    })
}

fn render(markdown: &str) -> Rendered {
    render_markdown(markdown, &options()).expect("renders")
}

fn load(pdf: &Rendered) -> Document {
    let doc = Document::load_mem(&pdf.bytes).expect("lopdf parses the PDF");
    assert_eq!(doc.get_pages().len(), pdf.pages, "page count");
    doc
}

/// Text of one page (1-based), whitespace removed so layout gaps do not matter.
fn page_text(doc: &Document, page: u32) -> String {
    doc.extract_text(&[page])
        .expect("text extracts")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Text of every page, footers removed, so text running across pages reads on.
fn all_text(doc: &Document) -> String {
    (1..=doc.get_pages().len() as u32)
        .map(|p| {
            let text = page_text(doc, p);
            match text.rfind('第') {
                Some(at) if text.ends_with('页') => text[..at].to_string(),
                _ => text,
            }
        })
        .collect()
}

/// A PDF text string (UTF-16BE with BOM, or PDFDocEncoding/ASCII).
fn decode(object: &Object) -> String {
    let Object::String(bytes, _) = object else {
        panic!("not a string: {object:?}");
    };
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

fn info(doc: &Document) -> &Dictionary {
    let id = doc
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .expect("Info reference");
    doc.get_dictionary(id).expect("Info dictionary")
}

fn media_box(doc: &Document, page: u32) -> (f32, f32) {
    let id = doc.get_pages()[&page];
    let dict = doc.get_dictionary(id).expect("page");
    let array = dict
        .get(b"MediaBox")
        .and_then(Object::as_array)
        .expect("MediaBox");
    let n = |i: usize| array[i].as_float().expect("number");
    (n(2) - n(0), n(3) - n(1))
}

#[test]
fn form_text_extracts_in_order() {
    let pdf = render(&fixture("inspection-form.md"));
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    let doc = load(&pdf);
    let first = page_text(&doc, 1);
    for expected in [
        "信息安全等级保护现场检查记录表",
        "被检查单位",
        "烟台某某网络科技有限公司",
        "91370600MA3C00003H",
        "䶮某",
        "一、信息安全与等级保护",
        "☐符合",
    ] {
        assert!(first.contains(expected), "page 1 lacks {expected}: {first}");
    }
    let text = all_text(&doc);
    assert!(text.contains("检查人员签字"));
    assert!(text.contains("是否采取监测、记录网络运行状态"));
    assert!(
        text.contains("☑发现问题"),
        "task list box in the text layer"
    );
}

#[test]
fn every_page_has_its_footer() {
    let pdf = render(&fixture("inspection-form.md"));
    let doc = load(&pdf);
    let total = pdf.pages;
    assert!(total > 3, "a 60-row form spans several pages");
    for page in 1..=total {
        let text = page_text(&doc, page as u32);
        assert!(
            text.contains(&format!("第{page}页共{total}页")),
            "page {page}: {text}"
        );
    }
}

#[test]
fn table_header_repeats_on_continued_pages() {
    let mut markdown = String::from("| 序号 | 单位名称 | 检查结果 |\n| --- | --- | --- |\n");
    for i in 1..=300 {
        markdown.push_str(&format!("| {i} | 第{i}家单位有限公司 | ☐符合 ☐不符合 |\n"));
    }
    let pdf = render(&markdown);
    let doc = load(&pdf);
    assert!(pdf.pages >= 5);
    for page in 1..=pdf.pages as u32 {
        assert!(
            page_text(&doc, page).contains("序号单位名称检查结果"),
            "page {page}"
        );
    }
    let text = all_text(&doc);
    for i in [1, 150, 300] {
        assert!(text.contains(&format!("第{i}家单位有限公司")));
    }
}

#[test]
fn fonts_are_embedded_subsets() {
    let pdf = render(&fixture("inspection-form.md"));
    let doc = load(&pdf);
    let mut type0 = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        type0 += 1;
        let name = dict
            .get(b"BaseFont")
            .and_then(Object::as_name)
            .expect("BaseFont");
        let name = String::from_utf8_lossy(name);
        let (tag, face) = name.split_once('+').expect("subset tag");
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{name}"
        );
        assert!(face.starts_with("NotoSansSC-"), "{name}");
        assert!(dict.has(b"ToUnicode"), "{name} has no ToUnicode");
        let descendant = &dict
            .get(b"DescendantFonts")
            .and_then(Object::as_array)
            .expect("DescendantFonts")[0];
        let cid = match descendant {
            Object::Reference(id) => doc.get_dictionary(*id).expect("CIDFont"),
            other => other.as_dict().expect("CIDFont"),
        };
        assert_eq!(
            cid.get(b"Subtype").and_then(Object::as_name).ok(),
            Some(b"CIDFontType2".as_slice())
        );
        let descriptor = linked(&doc, cid, b"FontDescriptor");
        let program = doc
            .get_object(
                descriptor
                    .get(b"FontFile2")
                    .and_then(Object::as_reference)
                    .expect("FontFile2"),
            )
            .and_then(Object::as_stream)
            .expect("font stream");
        assert!(program.content.len() < 1_000_000, "font is subset");
    }
    assert_eq!(type0, 2, "regular and bold");
    assert!(pdf.bytes.len() < 400_000, "{} bytes", pdf.bytes.len());
}

/// The dictionary that `key` of `dict` refers to.
fn linked<'a>(doc: &'a Document, dict: &Dictionary, key: &[u8]) -> &'a Dictionary {
    let reference = dict
        .get(key)
        .and_then(Object::as_reference)
        .expect("a reference");
    doc.get_dictionary(reference).expect("a dictionary")
}

#[test]
fn metadata_and_outline() {
    let pdf = render(&fixture("inspection-form.md"));
    let doc = load(&pdf);
    let info = info(&doc);
    assert_eq!(
        decode(info.get(b"Title").expect("Title")),
        "信息安全等级保护 现场检查记录表"
    );
    assert_eq!(
        decode(info.get(b"Subject").expect("Subject")),
        "现场检查记录表"
    );
    assert!(
        !info.has(b"CreationDate"),
        "no clock dates without a timestamp"
    );

    let catalog = doc.catalog().expect("catalog");
    let outlines = linked(&doc, catalog, b"Outlines");
    let first = linked(&doc, outlines, b"First");
    assert_eq!(
        decode(first.get(b"Title").expect("Title")),
        "信息安全等级保护 现场检查记录表"
    );
    // The sections nest under the form title, in document order.
    let child = linked(&doc, first, b"First");
    assert_eq!(
        decode(child.get(b"Title").expect("Title")),
        "一、信息安全与等级保护"
    );
    let next = linked(&doc, child, b"Next");
    assert_eq!(
        decode(next.get(b"Title").expect("Title")),
        "二、个人信息保护"
    );
}

#[test]
fn title_defaults_to_the_first_level_one_heading() {
    let untitled = PdfOptions::default();
    let pdf =
        render_markdown("## 说明\n\n# 现场检查记录表\n\n# 附件\n", &untitled).expect("renders");
    let doc = load(&pdf);
    assert_eq!(
        decode(info(&doc).get(b"Title").expect("Title")),
        "现场检查记录表"
    );
    // Without a level-1 heading no title is made up: viewers show the file name.
    let pdf = render_markdown("## 说明\n\n正文。\n", &untitled).expect("renders");
    assert!(info(&load(&pdf)).get(b"Title").is_err());
}

#[test]
fn timestamp_sets_dates() {
    let options = PdfOptions {
        timestamp: Some(1_718_668_800),
        ..options()
    };
    let pdf = render_markdown("# 标题", &options).expect("renders");
    let doc = load(&pdf);
    assert_eq!(
        decode(info(&doc).get(b"CreationDate").expect("date")),
        "D:20240618000000Z"
    );
}

#[test]
fn same_input_same_bytes() {
    let markdown = fixture("inspection-form.md");
    let a = render(&markdown);
    let b = render(&markdown);
    assert!(a.bytes == b.bytes, "two renders differ");
    let c = render(&format!("{markdown}\n追加一段。"));
    assert!(a.bytes != c.bytes);
}

#[test]
fn orientation() {
    let wide = "| 1 | 2 | 3 | 4 | 5 | 6 | 7 |\n|---|---|---|---|---|---|---|\n| a | b | c | d | e | f | g |\n";
    let doc = load(&render(wide));
    let (w, h) = media_box(&doc, 1);
    assert!(w > h, "7 columns turn the page: {w}×{h}");

    let doc = load(&render(
        "| 项目 | 内容 |\n| --- | --- |\n| 单位 | 某某公司 |\n",
    ));
    let (w, h) = media_box(&doc, 1);
    assert!(
        (w - 595.28).abs() < 1.0 && (h - 841.89).abs() < 1.0,
        "A4 portrait: {w}×{h}"
    );

    let forced = render::pdf(&RenderContext {
        markdown: "正文",
        orientation: Orientation::Landscape,
        reuse: Reuse::Document,
        options: options(),
    });
    let doc = load(&forced.expect("renders"));
    let (w, h) = media_box(&doc, 1);
    assert!(w > h);
}

#[test]
fn missing_glyphs_are_reported_and_kept_in_text() {
    // U+20000 and U+9FFF are not in Noto Sans SC.
    let pdf = render("单位：\u{20000}某\u{9FFF}公司，再次\u{20000}。");
    assert_eq!(
        pdf.warnings,
        [Warning::MissingGlyphs {
            chars: vec!['\u{20000}', '\u{9FFF}']
        }]
    );
    let text = all_text(&load(&pdf));
    assert!(text.contains("单位：\u{20000}某\u{9FFF}公司"), "{text}");
}

/// Markdown the layout cannot draw, one construct a line (line numbers matter).
const UNDRAWN: &str = "# 说明\n\
\n\
正文引用脚注[^a]，又引用[^b]，再引用[^a]。\n\
\n\
<span>行内标签</span>与 $x^2$ 数学。\n\
\n\
![网络拓扑图](拓扑.png)\n\
\n\
<div>块级标签</div>\n\
\n\
[^b]: 第二条注释。\n\
[^a]: 第一条注释。\n\
[^c]: 未被引用的注释。\n";

#[test]
fn footnotes_go_to_the_end_numbered_by_first_reference() {
    let pdf = render(UNDRAWN);
    let text = all_text(&load(&pdf));
    assert!(
        text.contains("正文引用脚注[1]，又引用[2]，再引用[1]。"),
        "{text}"
    );
    let body = text.find("块级标签").expect("body text");
    let notes: Vec<usize> = ["[1]第一条注释。", "[2]第二条注释。", "[3]未被引用的注释。"]
        .iter()
        .map(|note| {
            text.find(note)
                .unwrap_or_else(|| panic!("{note} missing: {text}"))
        })
        .collect();
    assert!(
        body < notes[0] && notes[0] < notes[1] && notes[1] < notes[2],
        "{text}"
    );
}

#[test]
fn what_is_not_laid_out_is_one_warning_with_its_lines() {
    let pdf = render(UNDRAWN);
    assert_eq!(
        pdf.warnings,
        [Warning::NotLaidOut {
            constructs: vec![
                (5, NotLaidOut::Html),
                (5, NotLaidOut::Html),
                (5, NotLaidOut::Math),
                (
                    7,
                    NotLaidOut::Image("拓扑.png".into(), checkgen::image::Problem::NotRead)
                ),
                (9, NotLaidOut::Html),
            ]
        }]
    );
    assert_eq!(
        pdf.warnings[0].to_string(),
        "not laid out: raw HTML (shown as text) at lines 5, 9; math (shown as text) at line 5; \
         image 拓扑.png (image files are read only by `checkgen render`; its alternative text is \
         shown) at line 7"
    );
    // Shown, not dropped: the tags and the formula as written, the image by its alternative text.
    let text = all_text(&load(&pdf));
    for shown in [
        "<span>行内标签</span>",
        "$x^2$",
        "网络拓扑图",
        "<div>块级标签</div>",
    ] {
        assert!(text.contains(shown), "{shown} missing: {text}");
    }
}

#[test]
fn inline_code_lies_on_a_grey_ground() {
    let fonts = checkgen::fonts::FontSet::get().expect("fonts");
    let grounds = |markdown: &str| {
        let document = checkgen::layout::layout(fonts, markdown, &Default::default());
        document.pages[0]
            .items
            .iter()
            .filter(|(_, item)| {
                matches!(
                    item,
                    checkgen::layout::Item::Rect {
                        fill: Some(_),
                        stroke: None,
                        ..
                    }
                )
            })
            .count()
    };
    assert_eq!(grounds("运行 `checkgen validate` 检查规则。"), 1);
    assert_eq!(grounds("运行 checkgen validate 检查规则。"), 0);
}

#[test]
fn features_fixture_renders() {
    let pdf = render(&fixture("features.md"));
    // Its last paragraph shows an inline tag as written, which is reported.
    assert_eq!(
        pdf.warnings,
        [Warning::NotLaidOut {
            constructs: vec![(44, NotLaidOut::Html), (44, NotLaidOut::Html)]
        }]
    );
    let text = all_text(&load(&pdf));
    for expected in [
        "一级列表",
        "嵌套第三层",
        "引用内容",
        "fnmain()",
        "删除线",
        "☐未完成",
        "☑已完成",
    ] {
        assert!(text.contains(expected), "missing {expected}: {text}");
    }
}

#[test]
fn long_paragraph_without_spaces() {
    let text = "信息安全等级保护".repeat(1250);
    let pdf = render(&text);
    let doc = load(&pdf);
    assert!(pdf.pages >= 2);
    assert_eq!(all_text(&doc).matches("等级保护").count(), 1250);
    let latin = "A".repeat(10_000);
    load(&render(&latin));
}

#[test]
fn deeply_nested_list() {
    let mut markdown = String::new();
    for depth in 0..40 {
        markdown.push_str(&"  ".repeat(depth));
        markdown.push_str(&format!("- 第{depth}层\n"));
    }
    let pdf = render(&markdown);
    let text = all_text(&load(&pdf));
    assert!(text.contains("第39层"));
    let quotes = format!("{}深引用", "> ".repeat(60));
    assert!(all_text(&load(&render(&quotes))).contains("深引用"));
}

#[test]
fn empty_document() {
    for markdown in ["", "   \n\n", "---", "<!-- 注释 -->"] {
        let pdf = render(markdown);
        assert_eq!(pdf.pages, 1);
        let text = page_text(&load(&pdf), 1);
        assert_eq!(text, "第1页共1页");
    }
}

#[test]
fn arbitrary_bytes() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for round in 0..20 {
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let markdown = String::from_utf8_lossy(&bytes);
        let pdf =
            render_markdown(&markdown, &options()).unwrap_or_else(|e| panic!("round {round}: {e}"));
        load(&pdf);
    }
    let markup = "|a|\n|-|\n|<br>|\n> - [ ] **~~`x`~~**\n# \n\n```\n\u{0}\t\n```\n<div>\n\n* * *\n[^1]\n\n[^1]: 脚注";
    load(&render(markup));
}

#[test]
fn huge_table_cells_and_rows_split() {
    let cell = "很长的检查内容".repeat(800);
    let markdown = format!("| 序号 | 内容 |\n| --- | --- |\n| 1 | {cell} |\n| 2 | 短 |\n");
    let pdf = render(&markdown);
    assert!(pdf.pages >= 3, "a row taller than a page is split");
    let text = all_text(&load(&pdf));
    assert_eq!(text.matches("很长的检查内容").count(), 800);
    let header = format!("| {cell} |\n| --- |\n| 1 |\n");
    load(&render(&header));
}

#[test]
fn poppler_and_qpdf_agree() {
    let pdf = render(&fixture("inspection-form.md"));
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, &pdf.bytes).expect("write");
    let file = path.to_str().expect("utf-8 path");

    {
        let out = common::external("qpdf", &["--check", file]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "qpdf --check: {stdout}");
        assert!(
            stdout.contains("No syntax or stream encoding errors"),
            "{stdout}"
        );
    }
    {
        let out = common::external("pdffonts", &[file]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let fonts: Vec<&str> = stdout
            .lines()
            .filter(|l| l.contains("NotoSansSC"))
            .collect();
        assert_eq!(fonts.len(), 2, "{stdout}");
        for line in fonts {
            let cols: Vec<&str> = line.split_whitespace().collect();
            assert!(line.contains("CID TrueType"), "{line}");
            assert_eq!(
                &cols[cols.len() - 5..cols.len() - 2],
                ["yes", "yes", "yes"],
                "{line}"
            );
        }
    }
    {
        let out = common::external("pdftotext", &[file, "-"]);
        let text: String = String::from_utf8_lossy(&out.stdout)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(out.status.success());
        assert!(text.contains("信息安全等级保护现场检查记录表"), "{text}");
        assert!(text.contains("烟台某某网络科技有限公司"));
        assert!(text.contains(&format!("第1页共{}页", pdf.pages)));
    }
}

#[test]
fn page_break_comment_starts_a_new_page() {
    let pdf = render("# 检查表\n\n正文。\n\n<!-- pagebreak -->\n\n## 附件\n\n依据。\n");
    let doc = load(&pdf);
    assert_eq!(pdf.pages, 2);
    assert!(page_text(&doc, 2).starts_with("附件"));
    // At the top of a page it adds no blank page.
    assert_eq!(render("<!-- pagebreak -->\n\n# 标题\n").pages, 1);
}
