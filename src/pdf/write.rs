//! Laid-out pages → printpdf operations. Only translation happens here: every position was
//! decided by layout. Page space flips from layout's top-down `y` to PDF's bottom-up `y`.

use printpdf::{
    Codepoint, Color, FontId as PdfFontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, Point as PdfPoint, Pt, Rect,
    TextItem, TextMatrix,
};

use super::embed::Embedded;
use super::Error;
use crate::fonts::FontId;
use crate::layout::{Item, Page, Point};

/// The resource name of a face in every page's font dictionary.
fn resource(font: FontId) -> PdfFontId {
    PdfFontId(
        match font {
            FontId::Regular => "NotoR",
            FontId::Bold => "NotoB",
        }
        .to_string(),
    )
}

/// Builds the printpdf document: fonts registered, one page per layout page.
pub fn document(title: &str, pages: &[Page], fonts: &[Embedded]) -> Result<PdfDocument, Error> {
    let mut doc = PdfDocument::new(title);
    for embedded in fonts {
        let mut parse_warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(&embedded.metrics, 0, &mut parse_warnings).ok_or(
            Error::Subset {
                font: embedded.font.postscript_name(),
                reason: "printpdf could not read the subset font".into(),
            },
        )?;
        doc.resources
            .fonts
            .map
            .insert(resource(embedded.font), PdfFont::new(parsed));
    }
    let pdf_pages = pages
        .iter()
        .map(|page| {
            PdfPage::new(
                Mm::from(Pt(page.width)),
                Mm::from(Pt(page.height)),
                page_ops(page, fonts),
            )
        })
        .collect();
    doc.with_pages(pdf_pages);
    Ok(doc)
}

/// Graphics state already set in the content stream, so unchanged values are not repeated.
#[derive(Default)]
struct State {
    fill: Option<f32>,
    stroke: Option<f32>,
    width: Option<f32>,
    font: Option<(FontId, f32)>,
    in_text: bool,
}

fn gray(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}

fn page_ops(page: &Page, fonts: &[Embedded]) -> Vec<Op> {
    let flip = |p: Point| PdfPoint {
        x: Pt(p.x),
        y: Pt(page.height - p.y),
    };
    let mut ops = Vec::with_capacity(page.items.len() * 3);
    let mut state = State::default();
    for (at, item) in &page.items {
        let is_text = matches!(item, Item::Text { .. });
        if is_text != state.in_text {
            ops.push(if is_text {
                Op::StartTextSection
            } else {
                Op::EndTextSection
            });
            state.in_text = is_text;
        }
        match item {
            Item::Text { text, font, size } => {
                let Some(embedded) = fonts.iter().find(|e| e.font == *font) else {
                    continue;
                };
                if state.font != Some((*font, *size)) {
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(resource(*font)),
                        size: Pt(*size),
                    });
                    state.font = Some((*font, *size));
                }
                if state.fill != Some(0.0) {
                    ops.push(Op::SetFillColor { col: gray(0.0) });
                    state.fill = Some(0.0);
                }
                let origin = flip(*at);
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(origin.x, origin.y),
                });
                let glyphs = text
                    .chars()
                    .filter_map(|c| {
                        embedded
                            .codes
                            .get(&c)
                            .map(|gid| Codepoint::with_cid(*gid, 0.0, c.to_string()))
                    })
                    .collect();
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(glyphs)],
                });
            }
            Item::Line {
                to,
                width,
                gray: level,
            } => {
                stroke_style(&mut ops, &mut state, *width, *level);
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: flip(*at),
                                bezier: false,
                            },
                            LinePoint {
                                p: flip(*to),
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
            Item::Rect {
                width,
                height,
                fill,
                stroke,
            } => {
                if let Some(level) = fill {
                    if state.fill != Some(*level) {
                        ops.push(Op::SetFillColor { col: gray(*level) });
                        state.fill = Some(*level);
                    }
                }
                if let Some((w, level)) = stroke {
                    stroke_style(&mut ops, &mut state, *w, *level);
                }
                let mode = match (fill.is_some(), stroke.is_some()) {
                    (true, true) => PaintMode::FillStroke,
                    (true, false) => PaintMode::Fill,
                    (false, true) => PaintMode::Stroke,
                    (false, false) => continue,
                };
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(at.x),
                        y: Pt(page.height - at.y - height),
                        width: Pt(*width),
                        height: Pt(*height),
                        mode: Some(mode),
                        winding_order: None,
                    },
                });
            }
        }
    }
    if state.in_text {
        ops.push(Op::EndTextSection);
    }
    ops
}

fn stroke_style(ops: &mut Vec<Op>, state: &mut State, width: f32, level: f32) {
    if state.stroke != Some(level) {
        ops.push(Op::SetOutlineColor { col: gray(level) });
        state.stroke = Some(level);
    }
    if state.width != Some(width) {
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        state.width = Some(width);
    }
}
