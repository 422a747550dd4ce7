//! Tagged PDF, read back two ways: lopdf walks the structure tree (element types, the header
//! row, every MCID owned once and matched by the parent tree), and poppler's
//! `pdfinfo -struct-text` reads the text of each element, which must be the Markdown's
//! headings and table cells in reading order, with no page furniture among them. A missing
//! `pdfinfo` fails the test.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use checkgen::pdf::PdfOptions;
use checkgen::render::{self, Orientation, RenderContext, Reuse};
use lopdf::{Dictionary, Document, Object, ObjectId};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/markdown")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn render(markdown: &str) -> Vec<u8> {
    render::pdf(&RenderContext {
        markdown,
        orientation: Orientation::Auto,
        reuse: Reuse::Document,
        options: PdfOptions {
            title: "检查表".into(),
            ..PdfOptions::default()
        },
    })
    .expect("renders")
    .bytes
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What the Markdown says should be tagged, in order: `("H2", text)` for headings, `("TH" |
/// "TD", text)` for table cells.
fn expected(markdown: &str) -> Vec<(String, String)> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    let mut in_head = false;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((format!("{level}").to_uppercase(), String::new()));
            }
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableCell) => {
                let kind = if in_head { "TH" } else { "TD" };
                current = Some((kind.to_string(), String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, buffer)) = &mut current {
                    buffer.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_) | TagEnd::TableCell) => {
                if let Some((kind, text)) = current.take() {
                    out.push((kind, squeeze(&text)));
                }
            }
            _ => {}
        }
    }
    out
}

/// `pdfinfo -struct-text`: each element's type and the text poppler finds in it.
fn struct_text(pdf: &[u8]) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tagged.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = common::external("pdfinfo", &["-struct-text", path.to_str().unwrap()]);
    assert!(out.status.success(), "pdfinfo -struct-text failed");
    let mut elements: Vec<(String, String)> = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let line = line.trim();
        if let Some(text) = line.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
            if let Some((_, buffer)) = elements.last_mut() {
                buffer.push_str(&squeeze(text));
            }
        } else if !line.is_empty() && !line.starts_with('/') {
            let kind = line
                .trim_end_matches(" (block)")
                .trim_end_matches(" (inline)")
                .trim_end_matches(':');
            elements.push((kind.to_string(), String::new()));
        }
    }
    elements
}

#[test]
fn poppler_reads_headings_and_cells_in_reading_order_without_furniture() {
    let markdown = fixture("inspection-form.md");
    let pdf = render(&markdown);
    let elements = struct_text(&pdf);
    assert_eq!(elements.first().map(|e| e.0.as_str()), Some("Document"));
    let tagged: Vec<(String, String)> = elements
        .iter()
        .filter(|(kind, _)| {
            matches!(
                kind.as_str(),
                "H1" | "H2" | "H3" | "H4" | "H5" | "H6" | "TH" | "TD"
            )
        })
        .cloned()
        .collect();
    let want = expected(&markdown);
    assert!(want.len() > 100, "the fixture is a whole form");
    assert_eq!(tagged.len(), want.len());
    for (i, (got, want)) in tagged.iter().zip(&want).enumerate() {
        assert_eq!(got, want, "element {i}");
    }
    // The footer and the table headers repeated on later pages are artifacts: not read.
    let all: String = elements.iter().map(|(_, text)| text.as_str()).collect();
    assert!(!all.contains("页共"), "a footer is in the structure");
    let headers = want
        .iter()
        .filter(|(k, t)| k == "TH" && t == "序号")
        .count();
    let read = tagged
        .iter()
        .filter(|(k, t)| k == "TH" && t == "序号")
        .count();
    assert_eq!(read, headers);
}

/// The tree as lopdf sees it: `(depth, type, element)` depth-first, and each element's MCIDs.
struct Tree<'a> {
    doc: &'a Document,
    order: Vec<(usize, String, ObjectId)>,
    /// `(page, MCID)` → the element that owns it.
    owners: BTreeMap<(ObjectId, i64), ObjectId>,
}

impl<'a> Tree<'a> {
    fn walk(doc: &'a Document) -> Tree<'a> {
        let root = doc
            .catalog()
            .unwrap()
            .get(b"StructTreeRoot")
            .and_then(Object::as_reference)
            .expect("a structure tree");
        let mut tree = Tree {
            doc,
            order: Vec::new(),
            owners: BTreeMap::new(),
        };
        let root = doc.get_dictionary(root).unwrap();
        assert_eq!(
            root.get(b"Type").unwrap().as_name().unwrap(),
            b"StructTreeRoot"
        );
        let top = root.get(b"K").unwrap().as_reference().unwrap();
        tree.element(top, 0);
        tree
    }

    fn element(&mut self, id: ObjectId, depth: usize) {
        let dict = self.doc.get_dictionary(id).unwrap();
        if let Ok(kind) = dict.get(b"Type") {
            assert_eq!(kind.as_name().unwrap(), b"StructElem");
        }
        let kind = String::from_utf8(dict.get(b"S").unwrap().as_name().unwrap().to_vec()).unwrap();
        self.order.push((depth, kind, id));
        // `/K`: one kid or an array of them, none for an empty cell; a bare MCID is on the
        // element's `/Pg`.
        let kids = match dict.get(b"K") {
            Ok(Object::Array(kids)) => kids.clone(),
            Ok(kid) => vec![kid.clone()],
            Err(_) => Vec::new(),
        };
        let page = dict.get(b"Pg").and_then(Object::as_reference).ok();
        for kid in &kids {
            match kid {
                Object::Integer(mcid) => {
                    let page = page.expect("a bare MCID needs the element's /Pg");
                    let before = self.owners.insert((page, *mcid), id);
                    assert!(before.is_none(), "MCID {mcid} owned twice");
                }
                Object::Reference(child) => {
                    let parent = self
                        .doc
                        .get_dictionary(*child)
                        .unwrap()
                        .get(b"P")
                        .unwrap()
                        .as_reference()
                        .unwrap();
                    assert_eq!(parent, id, "a child points back to its parent");
                    self.element(*child, depth + 1);
                }
                Object::Dictionary(mcr) => {
                    assert_eq!(mcr.get(b"Type").unwrap().as_name().unwrap(), b"MCR");
                    let page = mcr.get(b"Pg").unwrap().as_reference().unwrap();
                    let mcid = mcr.get(b"MCID").unwrap().as_i64().unwrap();
                    let before = self.owners.insert((page, mcid), id);
                    assert!(before.is_none(), "MCID {mcid} owned twice");
                }
                other => panic!("unexpected kid {other:?}"),
            }
        }
    }

    fn kind(&self, id: ObjectId) -> &str {
        &self.order.iter().find(|(_, _, e)| *e == id).unwrap().1
    }
}

/// The MCIDs each page's content stream declares, in stream order.
fn stream_mcids(doc: &Document, page: ObjectId) -> Vec<i64> {
    let content = doc
        .get_and_decode_page_content(page)
        .expect("content decodes");
    let mut depth = 0i32;
    let mut mcids = Vec::new();
    for op in content.operations {
        match op.operator.as_str() {
            "BDC" | "BMC" => {
                assert_eq!(depth, 0, "marked content is not nested");
                depth += 1;
                if let Some(Ok(dict)) = op.operands.get(1).map(Object::as_dict) {
                    if let Ok(mcid) = dict.get(b"MCID").and_then(Object::as_i64) {
                        mcids.push(mcid);
                    }
                }
            }
            "EMC" => depth -= 1,
            "Tj" | "TJ" | "re" | "l" => {
                assert_eq!(depth, 1, "{} outside marked content", op.operator)
            }
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every BDC ends");
    mcids
}

fn dict<'a>(doc: &'a Document, object: &'a Object) -> &'a Dictionary {
    match object {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(dict) => dict,
        other => panic!("not a dictionary: {other:?}"),
    }
}

#[test]
fn the_structure_tree_covers_every_marked_sequence_once() {
    let markdown = format!(
        "{}\n\n- 一项\n- 二项\n\n  1. 嵌套\n\n> 引文\n\n```\ncode\n```\n\n脚注[^a]。\n\n[^a]: 注文。\n",
        fixture("inspection-form.md")
    );
    let pdf = render(&markdown);
    assert!(
        pdf.starts_with(b"%PDF-1.5\n"),
        "1.5: the version of object and cross-reference streams"
    );
    let doc = Document::load_mem(&pdf).expect("lopdf parses the PDF");
    let catalog = doc.catalog().unwrap();
    let mark_info = dict(&doc, catalog.get(b"MarkInfo").unwrap());
    assert!(mark_info.get(b"Marked").unwrap().as_bool().unwrap());
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"zh-CN");
    let tree = Tree::walk(&doc);
    assert_eq!(tree.order[0].1, "Document");

    // Tables: THead > TR > TH with /Scope /Column, TBody > TR > TD.
    for (i, (depth, kind, id)) in tree.order.iter().enumerate() {
        let parent_kind = tree.order[..i]
            .iter()
            .rev()
            .find(|(d, _, _)| d + 1 == *depth)
            .map(|(_, k, _)| k.as_str());
        match kind.as_str() {
            "TH" => {
                assert_eq!(parent_kind, Some("TR"));
                let attributes = dict(&doc, doc.get_dictionary(*id).unwrap().get(b"A").unwrap());
                assert_eq!(
                    attributes.get(b"Scope").unwrap().as_name().unwrap(),
                    b"Column"
                );
            }
            "TD" => assert_eq!(parent_kind, Some("TR")),
            "TR" => assert!(matches!(parent_kind, Some("THead" | "TBody"))),
            "THead" | "TBody" => assert_eq!(parent_kind, Some("Table")),
            "LI" => assert_eq!(parent_kind, Some("L")),
            "LBody" => assert_eq!(parent_kind, Some("LI")),
            _ => {}
        }
    }
    let kinds: Vec<&str> = tree.order.iter().map(|(_, k, _)| k.as_str()).collect();
    for kind in [
        "H1",
        "H2",
        "Table",
        "L",
        "LI",
        "LBody",
        "BlockQuote",
        "Code",
        "Note",
        "P",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    // The nested list sits in the body of an item of the outer one.
    let nested = tree
        .order
        .iter()
        .filter(|(_, k, _)| k == "L")
        .map(|(d, _, _)| *d)
        .collect::<Vec<_>>();
    let [.., outer, inner] = nested[..] else {
        panic!("two lists at the end: {nested:?}");
    };
    assert_eq!(inner, outer + 3, "{nested:?}");

    // Each page's MCIDs are 0, 1, 2 … in stream order, each owned by one element, and the
    // parent tree maps them back to that element.
    let parent_tree = dict(
        &doc,
        dict(&doc, catalog.get(b"StructTreeRoot").unwrap())
            .get(b"ParentTree")
            .unwrap(),
    );
    let nums = parent_tree.get(b"Nums").unwrap().as_array().unwrap();
    let mut covered = 0;
    for (_, page) in doc.get_pages() {
        let mcids = stream_mcids(&doc, page);
        assert_eq!(mcids, (0..mcids.len() as i64).collect::<Vec<_>>());
        let key = doc
            .get_dictionary(page)
            .unwrap()
            .get(b"StructParents")
            .unwrap()
            .as_i64()
            .unwrap();
        let position = nums
            .chunks(2)
            .position(|pair| pair[0].as_i64().unwrap() == key)
            .expect("the page is in the parent tree");
        let parents = nums[position * 2 + 1].as_array().unwrap();
        assert_eq!(parents.len(), mcids.len());
        for mcid in mcids {
            let owner = tree.owners[&(page, mcid)];
            assert_eq!(parents[mcid as usize].as_reference().unwrap(), owner);
            assert_ne!(tree.kind(owner), "Document");
            covered += 1;
        }
    }
    assert_eq!(
        covered,
        tree.owners.len(),
        "every MCID in the tree is in a stream"
    );
}

#[test]
fn pdfinfo_says_tagged() {
    let pdf = render("# 表\n\n正文。\n");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let out = common::external("pdfinfo", &[path.to_str().unwrap()]);
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{info}"
    );
    assert!(info.contains("PDF version:     1.5"), "{info}");
}
