//! Golden snapshots of the layout: the laid-out pages of the fixture Markdown files as text,
//! one item a line, so a change in column widths, page breaks or repeated table headers shows
//! as a reviewable diff. Positions are in points from the top-left corner, to 0.1 pt.

use std::fmt::Write;
use std::path::Path;

use checkgen::fonts::{FontId, FontSet};
use checkgen::layout::{layout, Document, Item, LayoutOptions};

fn dump(document: &Document) -> String {
    let mut out = String::new();
    for (n, page) in document.pages.iter().enumerate() {
        writeln!(
            out,
            "== page {} ({:.1} × {:.1})",
            n + 1,
            page.width,
            page.height
        )
        .unwrap();
        for (at, item) in &page.items {
            match item {
                Item::Text {
                    text, font, size, ..
                } => {
                    let face = match font {
                        FontId::Regular => "R",
                        FontId::Bold => "B",
                    };
                    writeln!(out, "text {:.1},{:.1} {face}{size:.1} {text:?}", at.x, at.y).unwrap();
                }
                Item::Line { to, width, gray } => writeln!(
                    out,
                    "line {:.1},{:.1} → {:.1},{:.1} w{width:.2} g{gray:.2}",
                    at.x, at.y, to.x, to.y
                )
                .unwrap(),
                Item::Rect {
                    width,
                    height,
                    fill,
                    stroke,
                } => writeln!(
                    out,
                    "rect {:.1},{:.1} {width:.1}×{height:.1} fill {fill:?} stroke {stroke:?}",
                    at.x, at.y
                )
                .unwrap(),
                Item::Image {
                    picture,
                    width,
                    height,
                    ..
                } => writeln!(
                    out,
                    "image {:.1},{:.1} {width:.1}×{height:.1} picture {picture}",
                    at.x, at.y
                )
                .unwrap(),
            }
        }
    }
    for entry in &document.outline {
        writeln!(
            out,
            "outline h{} p{} y{:.1} {:?}",
            entry.level,
            entry.page + 1,
            entry.y,
            entry.title
        )
        .unwrap();
    }
    for warning in &document.warnings {
        writeln!(out, "warning {warning}").unwrap();
    }
    out
}

fn laid_out(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/markdown")
        .join(name);
    let markdown =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fonts = FontSet::get().expect("the embedded faces load");
    dump(&layout(fonts, &markdown, &LayoutOptions::default()))
}

#[test]
fn inspection_form_layout() {
    let dump = laid_out("inspection-form.md");
    assert!(dump.matches("== page").count() >= 2, "the form spans pages");
    insta::assert_snapshot!(dump);
}

#[test]
fn features_layout() {
    insta::assert_snapshot!(laid_out("features.md"));
}
