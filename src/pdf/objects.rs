//! Laid-out pages → PDF content streams, and the printpdf document that holds them.
//!
//! Every position was decided by layout; here pages are only translated, flipping layout's
//! top-down `y` to PDF's bottom-up `y`. The content streams are written straight from the
//! layout items: going through printpdf's operation list cost more than everything else in
//! the writer together (an enum per operator, a glyph-run merger, float formatting through
//! `fmt`), while a form's pages use six operators. printpdf builds the rest of the file: page
//! tree, resources, and the Type0 fonts with their widths and ToUnicode CMaps.

use printpdf::{
    Codepoint, FontId as PdfFontId, Mm, Op, ParsedFont, PdfDocument, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Pt, TextItem,
};
use printpdf_lopdf::Document as LoDocument;

use super::cidfont;
use super::embed::Subset;
use super::tags::{self, Mark, Marks};
use super::Error;
use crate::fonts::{FontId, FontSet};
use crate::layout::{Element, Item, Page};

/// The resource name of a face in every page's font dictionary.
fn resource(font: FontId) -> &'static str {
    match font {
        FontId::Regular => "NotoR",
        FontId::Bold => "NotoB",
    }
}

/// Builds the file's object tree with printpdf: fonts registered, one page per layout page.
///
/// printpdf writes a face only if text shown on a page uses it, so the first page carries one
/// `ShowText` per face with one code; the face's widths and ToUnicode CMap are then written
/// for every code by [`cidfont::replace`]. The content of every page, that one included, is
/// replaced by [`content`]'s stream when the file is finished.
pub fn document(
    title: &str,
    pages: &[Page],
    fonts: &FontSet,
    subsets: &[Subset],
) -> Result<LoDocument, Error> {
    let mut doc = PdfDocument::new(title);
    let mut census = Vec::with_capacity(subsets.len() * 2);
    for subset in subsets {
        let mut parse_warnings = Vec::new();
        let metrics = subset.metrics(fonts)?;
        let mut parsed =
            ParsedFont::from_bytes(&metrics, 0, &mut parse_warnings).ok_or(Error::Subset {
                font: subset.font.postscript_name(),
                reason: "printpdf could not read the subset font".into(),
            })?;
        // printpdf names the font after this (`/BaseFont`, `/FontName`); its parser leaves it
        // empty, and the resource name would stand in.
        parsed.font_name = Some(subset.font.postscript_name().to_string());
        let id = PdfFontId(resource(subset.font).to_string());
        doc.resources
            .fonts
            .map
            .insert(id.clone(), PdfFont::new(parsed));
        census.push(Op::SetFont {
            font: PdfFontHandle::External(id),
            size: Pt(1.0),
        });
        census.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(
                subset
                    .codes()
                    .take(1)
                    .map(|(c, code)| Codepoint::with_cid(code, 0.0, c.to_string()))
                    .collect(),
            )],
        });
    }
    let mut pdf_pages: Vec<PdfPage> = pages
        .iter()
        .map(|page| PdfPage::new(Mm::from(Pt(page.width)), Mm::from(Pt(page.height)), vec![]))
        .collect();
    if let Some(first) = pdf_pages.first_mut() {
        first.ops = census;
    }
    doc.with_pages(pdf_pages);
    let save = PdfSaveOptions {
        // Already subset by `embed`; printpdf would redo it from its own parse.
        subset_fonts: false,
        optimize: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut doc = doc.to_lopdf_document(&save, &mut warnings);
    cidfont::replace(&mut doc, subsets, fonts, |subset| resource(subset.font))?;
    Ok(doc)
}

/// The resource name of the picture at `index` of the document's pictures.
pub fn picture_name(index: usize) -> String {
    format!("Im{index}")
}

/// Graphics state already set in the content stream, so unchanged values are not repeated.
#[derive(Debug, Clone, Default)]
struct State {
    fill: Option<f32>,
    stroke: Option<f32>,
    width: Option<f32>,
    font: Option<(FontId, f32)>,
    /// Inside `BT … ET`: the start of the current text line, in hundredths of a point, which
    /// the next `Td` moves from.
    text_line: Option<(i64, i64)>,
    /// A path of line segments waiting for its `S`.
    open_path: bool,
}

/// A page's content stream being written, with its marked content (see [`tags`]): what the
/// stream has set so far. A page is written in two parts, its [`footer`] after the rest, and
/// the writer as the first part leaves it is kept with that part (see `memo`).
#[derive(Debug, Clone, Default)]
pub struct Writer {
    state: State,
    marks: Marks,
}

/// Where the footer of `page` begins among its items: at the last item when that is text of
/// page furniture (layout puts the footer, `第 X 页 共 Y 页` after an issued form's number,
/// last on every page), else nowhere (the items' count). Two forms of a campaign differ in
/// their first page and in the footers of the others.
pub fn footer(page: &Page) -> usize {
    match page.items.last() {
        Some((_, item @ Item::Text { .. })) if tags::mark(item) == Mark::Pagination => {
            page.items.len() - 1
        }
        _ => page.items.len(),
    }
}

impl Writer {
    /// Writes the items of `page` in `range` (those before its [`footer`], or the footer) to
    /// `out`, in the order of [`tags::order`].
    pub fn items(
        &mut self,
        page: &Page,
        range: std::ops::Range<usize>,
        subsets: &[Subset],
        structure: &[Element],
        out: &mut Vec<u8>,
    ) {
        let items = &page.items[range];
        out.reserve(items.len() * 48);
        let mut out = Stream(out);
        let (state, marks) = (&mut self.state, &mut self.marks);
        let flip = |y: f32| page.height - y;
        for index in tags::order(items) {
            let (at, item) = &items[index];
            let mark = tags::mark(item);
            if marks.changes(mark) {
                state.close(&mut out);
                marks.switch(mark, structure, out.0);
            }
            let is_text = matches!(item, Item::Text { .. });
            if !matches!(item, Item::Line { .. }) && state.open_path {
                out.op("S");
                state.open_path = false;
            }
            match (is_text, state.text_line.is_some()) {
                (true, false) => {
                    out.op("BT");
                    state.text_line = Some((0, 0));
                }
                (false, true) => {
                    out.op("ET");
                    state.text_line = None;
                }
                _ => {}
            }
            match item {
                Item::Text {
                    text, font, size, ..
                } => {
                    let Some(subset) = subsets.iter().find(|s| s.font == *font) else {
                        continue;
                    };
                    if state.font != Some((*font, *size)) {
                        out.name(resource(*font));
                        out.num(*size);
                        out.op("Tf");
                        state.font = Some((*font, *size));
                    }
                    fill(&mut out, state, 0.0);
                    let to = (hundredths(at.x), hundredths(flip(at.y)));
                    let from = state.text_line.unwrap_or((0, 0));
                    out.fixed(to.0 - from.0);
                    out.fixed(to.1 - from.1);
                    out.op("Td");
                    state.text_line = Some(to);
                    out.glyphs(text.chars().filter_map(|c| subset.code(c)));
                    out.op("Tj");
                }
                Item::Line {
                    to,
                    width,
                    gray: level,
                } => {
                    let restyle = state.stroke != Some(*level) || state.width != Some(*width);
                    if restyle && state.open_path {
                        out.op("S");
                    }
                    stroke(&mut out, state, *width, *level);
                    out.num(at.x);
                    out.num(flip(at.y));
                    out.op("m");
                    out.num(to.x);
                    out.num(flip(to.y));
                    out.op("l");
                    state.open_path = true;
                }
                Item::Image {
                    picture,
                    width,
                    height,
                    ..
                } => {
                    out.op("q");
                    out.num(*width);
                    out.0.extend_from_slice(b"0 0 ");
                    out.num(*height);
                    out.num(at.x);
                    out.num(flip(at.y) - height);
                    out.op("cm");
                    out.name(&picture_name(*picture));
                    out.op("Do");
                    out.op("Q");
                }
                Item::Rect {
                    width,
                    height,
                    fill: fill_level,
                    stroke: outline,
                } => {
                    if let Some(level) = fill_level {
                        fill(&mut out, state, *level);
                    }
                    if let Some((w, level)) = outline {
                        stroke(&mut out, state, *w, *level);
                    }
                    let paint = match (fill_level.is_some(), outline.is_some()) {
                        (true, true) => "B",
                        (true, false) => "f",
                        (false, true) => "S",
                        (false, false) => continue,
                    };
                    out.num(at.x);
                    out.num(flip(at.y) - height);
                    out.num(*width);
                    out.num(*height);
                    out.op("re");
                    out.op(paint);
                }
            }
        }
    }

    /// Ends the stream in `out`: open paths, text objects and marked content closed. The
    /// structure element of each MCID of the page.
    pub fn end(mut self, structure: &[Element], out: &mut Vec<u8>) -> Vec<usize> {
        self.state.close(&mut Stream(out));
        self.marks.switch(Mark::None, structure, out);
        self.marks.owners
    }
}

impl State {
    /// Ends an open path and an open text object.
    fn close(&mut self, out: &mut Stream) {
        if self.open_path {
            out.op("S");
            self.open_path = false;
        }
        if self.text_line.is_some() {
            out.op("ET");
            self.text_line = None;
        }
    }
}

fn fill(out: &mut Stream, state: &mut State, level: f32) {
    if state.fill != Some(level) {
        out.num(level);
        out.op("g");
        state.fill = Some(level);
    }
}

fn stroke(out: &mut Stream, state: &mut State, width: f32, level: f32) {
    if state.stroke != Some(level) {
        out.num(level);
        out.op("G");
        state.stroke = Some(level);
    }
    if state.width != Some(width) {
        out.num(width);
        out.op("w");
        state.width = Some(width);
    }
}

/// A number given in hundredths, to two decimals without trailing zeros (`12`, `12.5`,
/// `-0.25`): the form of every coordinate checkgen writes.
pub(super) fn push_fixed(out: &mut Vec<u8>, hundredths: i64) {
    if hundredths < 0 {
        out.push(b'-');
    }
    let magnitude = hundredths.unsigned_abs();
    out.extend_from_slice(itoa::Buffer::new().format(magnitude / 100).as_bytes());
    let cents = magnitude % 100;
    if cents != 0 {
        out.push(b'.');
        out.push(b'0' + (cents / 10) as u8);
        if !cents.is_multiple_of(10) {
            out.push(b'0' + (cents % 10) as u8);
        }
    }
}

/// A coordinate in hundredths of a point: finer than any printer resolves, and short.
pub(super) fn hundredths(value: f32) -> i64 {
    (f64::from(value) * 100.0).round() as i64
}

/// Content-stream syntax: operands separated by spaces, each operator ending its line.
struct Stream<'o>(&'o mut Vec<u8>);

impl Stream<'_> {
    fn op(&mut self, operator: &str) {
        self.0.extend_from_slice(operator.as_bytes());
        self.0.push(b'\n');
    }

    fn name(&mut self, name: &str) {
        self.0.push(b'/');
        self.0.extend_from_slice(name.as_bytes());
        self.0.push(b' ');
    }

    /// A number to two decimals, without trailing zeros (`12`, `12.5`, `-0.25`).
    fn num(&mut self, value: f32) {
        self.fixed(hundredths(value));
    }

    /// A number given in hundredths.
    fn fixed(&mut self, hundredths: i64) {
        push_fixed(self.0, hundredths);
        self.0.push(b' ');
    }

    /// A literal string of two-byte codes (Identity-H): half the size of hexadecimal. Only
    /// the delimiters, the escape character and carriage return (which a reader would turn
    /// into a line feed) need a backslash.
    fn glyphs(&mut self, codes: impl Iterator<Item = u16>) {
        self.0.push(b'(');
        for code in codes {
            for byte in code.to_be_bytes() {
                match byte {
                    b'(' | b')' | b'\\' => self.0.extend_from_slice(&[b'\\', byte]),
                    b'\r' => self.0.extend_from_slice(b"\\r"),
                    _ => self.0.push(byte),
                }
            }
        }
        self.0.extend_from_slice(b") ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(value: f32) -> String {
        let mut out = Vec::new();
        Stream(&mut out).num(value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_short_and_exact_to_the_hundredth() {
        assert_eq!(formatted(12.0), "12 ");
        assert_eq!(formatted(12.5), "12.5 ");
        assert_eq!(formatted(-0.25), "-0.25 ");
        assert_eq!(formatted(0.004), "0 ");
        assert_eq!(formatted(841.889), "841.89 ");
        assert_eq!(formatted(-1.05), "-1.05 ");
    }

    #[test]
    fn glyph_codes_are_two_bytes_with_delimiters_escaped() {
        let mut out = Vec::new();
        Stream(&mut out).glyphs([0x0001, 0x00AB, 0x2829, 0x5C0D, 0x0A41].into_iter());
        assert_eq!(out, b"(\x00\x01\x00\xAB\\(\\)\\\\\\r\x0AA) ".to_vec());
    }
}
