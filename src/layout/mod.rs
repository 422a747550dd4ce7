//! Markdown → positioned pages: pulldown-cmark events in, `Vec<Page>` of plain items out.
//!
//! This stage decides every position, page break, repeated table header and footer; the PDF
//! writer only translates. Nothing here knows about PDF objects, so the output can be dumped as
//! text for tests or drawn by another backend.
//!
//! Coordinates are PDF points (1/72 in) with the origin at the **top-left** corner of the page
//! and `y` growing downwards, the way a reader scans a form; the writer flips them.

mod cache;
mod cells;
mod inline;
mod linebreak;
mod markup;
mod page;
#[cfg(test)]
mod proptests;
mod replay;
mod structure;
mod style;
mod table;
mod walker;

use std::fmt;
use std::sync::Arc;

use pulldown_cmark::{Options, Parser};

use crate::fonts::{FontId, FontSet};
use crate::image::{Images, Picture, Problem};

pub use cells::{rows_in, table_rows, Cell, Checkbox, TableRow};
pub(crate) use markup::{inline_html, BlockLine, Footnotes, HtmlBlock, InlineHtml};
pub use markup::{FOOTER_MARK, PAGE_BREAK};
pub use style::{A4_HEIGHT, A4_WIDTH, FOOTER_SEPARATOR, MARGIN};
/// The walker's choices the Word output shares: heading levels, bullets, alert labels.
pub(crate) use walker::{bullet, heading_number, quote_label};

/// Page orientation of the whole document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Landscape when a table has 7 or more columns, or when some table's narrowest possible
    /// columns do not fit across a portrait page; portrait otherwise. Wide inspection forms
    /// (序号 … 问题描述或证明材料) need the room, and one orientation per document keeps the
    /// pages of a printed form the same way up.
    #[default]
    Auto,
    /// A4 portrait, 210 × 297 mm.
    Portrait,
    /// A4 landscape, 297 × 210 mm.
    Landscape,
}

/// Settings for [`layout()`].
#[derive(Debug, Clone, Default)]
pub struct LayoutOptions {
    /// Page orientation.
    pub orientation: Orientation,
    /// The pictures the Markdown's images show, read beforehand ([`crate::image::load`]);
    /// an image not among them is reported and its alternative text shown.
    pub images: Images,
    /// Whether table cells shaped here are kept for the next document laid out on this
    /// thread.
    pub reuse: Reuse,
}

/// Whether what is worked out for one document (table cells shaped by layout, page contents
/// and object streams compressed by the PDF writer) is kept for the next on the same thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reuse {
    /// For this document alone: what one `render` wants, since nothing would reuse it and
    /// keeping it only grows the memory the PDF writer then works in.
    #[default]
    Document,
    /// Kept in the thread's caches (see `cache` and `replay` here and `memo` in the PDF
    /// writer): the forms of a campaign, or of `generate --all`, repeat the same questions,
    /// citations, rows of boxes, whole pages and all that follows a form's header. What is
    /// kept never changes a byte of the output.
    Thread,
}

/// A point in page space: points from the top-left corner, `y` downwards.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Distance from the left edge.
    pub x: f32,
    /// Distance from the top edge.
    pub y: f32,
}

impl Point {
    /// A point at `(x, y)`.
    pub fn new(x: f32, y: f32) -> Self {
        Point { x, y }
    }
}

/// One thing drawn on a page. The [`Point`] it is paired with in [`Page::items`] anchors it.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A run of text on one baseline; the anchor is the left end of the baseline. It may
    /// contain characters the font lacks: layout has already drawn a box where each one goes
    /// and reported them, and the writer keeps them in the text layer.
    Text {
        /// The characters, in reading order (shared by the items drawn from one line, so a
        /// table row repeated across pages and forms is not copied).
        text: Arc<str>,
        /// The face.
        font: FontId,
        /// Font size in points.
        size: f32,
        /// Where the run stands in the document's logical structure.
        tag: Tag,
    },
    /// A straight stroked line from the anchor to `to`.
    Line {
        /// The other end.
        to: Point,
        /// Stroke width in points.
        width: f32,
        /// Stroke grey level, 0 = black, 1 = white.
        gray: f32,
    },
    /// A picture whose top-left corner is the anchor, scaled to `width` × `height`.
    Image {
        /// Its index in [`Document::pictures`].
        picture: usize,
        /// Width in points.
        width: f32,
        /// Height in points.
        height: f32,
        /// Its figure element.
        tag: Tag,
    },
    /// A rectangle whose top-left corner is the anchor.
    Rect {
        /// Width in points.
        width: f32,
        /// Height in points.
        height: f32,
        /// Fill grey level, if filled.
        fill: Option<f32>,
        /// Stroke width and grey level, if stroked.
        stroke: Option<(f32, f32)>,
    },
}

/// Where a text run stands in the document's logical structure: the tagged PDF's structure
/// tree is built from these. Lines and rectangles (rules, cell grounds, the drawn result boxes)
/// have no tag: they are decoration, and the writer marks them as artifacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tag {
    /// Page furniture, not content: the footer, a table header repeated on a new page.
    #[default]
    Artifact,
    /// Content of the element at this index of [`Document::structure`]. 32 bits: every text
    /// item carries a tag, and a wider one made them a fifth larger.
    Element(u32),
}

impl Tag {
    /// The tag of content of the element at `index` of [`Document::structure`].
    pub fn element(index: usize) -> Tag {
        Tag::Element(
            u32::try_from(index)
                .expect("fewer than 2^32 elements: each is a paragraph, heading or cell in memory"),
        )
    }
}

/// What a structure element is; each maps to one standard PDF structure type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A heading of level 1–6.
    Heading(u8),
    /// A paragraph (also raw HTML shown as text, and a list marker on a line of its own).
    Paragraph,
    /// A code block.
    Code,
    /// A list.
    List,
    /// One item of a list.
    ListItem,
    /// The body of a list item (its marker is drawn in the body's first paragraph).
    ListBody,
    /// A block quote.
    Quote,
    /// A footnote, at the end of the document.
    Note,
    /// A table.
    Table,
    /// The table's header row group.
    TableHead,
    /// The table's body row group.
    TableBody,
    /// A table row.
    Row,
    /// A header cell (a column heading).
    HeaderCell,
    /// A body cell.
    Cell,
    /// A picture; its alternative text is in [`Document::figures`].
    Figure,
}

/// One element of the document's structure, in document order (a parent comes before its
/// children, and siblings in reading order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Element {
    /// What it is.
    pub role: Role,
    /// The enclosing element; `None` for a child of the document itself.
    pub parent: Option<usize>,
}

/// One laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// What is drawn, in painting order.
    pub items: Vec<(Point, Item)>,
}

impl Page {
    /// The first item that does not lie wholly inside the page box, if any: a text run whose
    /// baseline or em box leaves the page, a line with an end off the page, a rectangle that
    /// crosses an edge. Layout guarantees there is none (checked by a debug assertion and by
    /// tests); a PDF viewer would silently clip such an item and its text would be lost.
    pub fn item_outside(&self) -> Option<&(Point, Item)> {
        const SLACK: f32 = 0.01;
        let inside = |p: Point| {
            (-SLACK..=self.width + SLACK).contains(&p.x)
                && (-SLACK..=self.height + SLACK).contains(&p.y)
        };
        self.items.iter().find(|(at, item)| {
            let ok = match item {
                Item::Text { size, .. } => inside(*at) && inside(Point::new(at.x, at.y - size)),
                Item::Line { to, .. } => inside(*at) && inside(*to),
                Item::Rect { width, height, .. } | Item::Image { width, height, .. } => {
                    inside(*at) && inside(Point::new(at.x + width, at.y + height))
                }
            };
            !ok
        })
    }
}

/// A bookmark: one heading, where it landed.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlineEntry {
    /// Heading level, 1–6.
    pub level: u8,
    /// The heading's text.
    pub title: String,
    /// Zero-based page index.
    pub page: usize,
    /// Top of the heading on that page.
    pub y: f32,
}

/// Something the reader of the PDF should know about; the document is still produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Characters the embedded font has no glyph for. Each is drawn as a hollow box and kept in
    /// the text layer, so copying and searching still find it.
    MissingGlyphs {
        /// The distinct characters, in order of first appearance.
        chars: Vec<char>,
    },
    /// Constructs the layout cannot draw, with the line each starts on: shown as their source
    /// text (raw HTML, math) or by their alternative text (images).
    NotLaidOut {
        /// `(line, construct)`, in document order.
        constructs: Vec<(usize, NotLaidOut)>,
    },
}

/// A Markdown construct the layout does not draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotLaidOut {
    /// Raw HTML other than `<br>` and comments: shown as written.
    Html,
    /// `$…$` or `$$…$$`: shown as written.
    Math,
    /// An image, by its path or address, and why it is not shown: its alternative text is
    /// shown instead (nothing is fetched).
    Image(String, Problem),
}

/// How many lines of one kind a warning lists before it counts the rest.
const MAX_LISTED_LINES: usize = 10;

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::MissingGlyphs { chars } => {
                write!(f, "the embedded font has no glyph for ")?;
                for (i, c) in chars.iter().enumerate() {
                    if i > 0 {
                        write!(f, " ")?;
                    }
                    write!(f, "{c} (U+{:04X})", u32::from(*c))?;
                }
                write!(f, "; each is drawn as a hollow box")
            }
            Warning::NotLaidOut { constructs } => {
                write!(f, "not laid out: ")?;
                let mut kinds: Vec<(String, Vec<usize>)> = Vec::new();
                for (line, what) in constructs {
                    let kind = match what {
                        NotLaidOut::Html => "raw HTML (shown as text)".to_string(),
                        NotLaidOut::Math => "math (shown as text)".to_string(),
                        NotLaidOut::Image(name, problem) => {
                            format!("image {name} ({problem}; its alternative text is shown)")
                        }
                    };
                    match kinds.iter_mut().find(|(k, _)| *k == kind) {
                        Some((_, lines)) if lines.last() == Some(line) => {}
                        Some((_, lines)) => lines.push(*line),
                        None => kinds.push((kind, vec![*line])),
                    }
                }
                for (i, (kind, lines)) in kinds.iter().enumerate() {
                    if i > 0 {
                        write!(f, "; ")?;
                    }
                    let word = if lines.len() == 1 { "line" } else { "lines" };
                    let listed: Vec<String> = lines
                        .iter()
                        .take(MAX_LISTED_LINES)
                        .map(usize::to_string)
                        .collect();
                    write!(f, "{kind} at {word} {}", listed.join(", "))?;
                    if lines.len() > MAX_LISTED_LINES {
                        write!(f, " and {} more", lines.len() - MAX_LISTED_LINES)?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// The result of [`layout()`].
#[derive(Debug, Clone)]
pub struct Document {
    /// The pages, footer included.
    pub pages: Vec<Page>,
    /// Bookmarks from headings, in document order.
    pub outline: Vec<OutlineEntry>,
    /// Problems worth telling the user about.
    pub warnings: Vec<Warning>,
    /// The logical structure, in document order; text items point into it by [`Tag`].
    pub structure: Vec<Element>,
    /// The pictures drawn, each once however often it is shown.
    pub pictures: Vec<Arc<Picture>>,
    /// The alternative text of each figure element, by element, in document order.
    pub figures: Vec<(usize, String)>,
}

/// Markdown extensions: GFM tables, strikethrough and task lists (the forms use them),
/// footnotes (laid out at the end of the document) and math (recognised so that it can be
/// reported: it is shown as its source text).
pub fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH
}

/// Lays out `markdown` on A4 pages.
///
/// Never panics on any input.
pub fn layout(fonts: &FontSet, markdown: &str, options: &LayoutOptions) -> Document {
    let parser = events(markdown);
    let shared_end = match options.reuse {
        Reuse::Document => 0,
        Reuse::Thread => replayable_end(markdown, &parser),
    };
    let pass = Pass {
        fonts,
        markdown,
        options,
        shared_end,
    };
    match options.orientation {
        Orientation::Portrait => pass.run(parser, false, false).0,
        Orientation::Landscape => pass.run(parser, true, false).0,
        // Portrait first, given up at the first wide table or redone when a table's columns
        // did not fit. A form's first table comes early, so a landscape form wastes little:
        // the events read before giving up are kept and replayed, so the document is not
        // parsed twice (pulldown-cmark's first pass reads all of it).
        Orientation::Auto => {
            let mut parser = parser;
            let mut seen = Vec::new();
            let recorder = parser.by_ref().inspect(|event| {
                if seen.len() < REPLAYED_EVENTS {
                    seen.push(event.clone());
                }
            });
            let (document, wide) = pass.run(recorder, false, true);
            if !wide {
                return document;
            }
            if seen.len() < REPLAYED_EVENTS {
                pass.run(seen.into_iter().chain(parser), true, false).0
            } else {
                pass.run(events(markdown), true, false).0
            }
        }
    }
}

/// How many bytes at the end of `markdown` repeat the end of a document laid out before on
/// this thread (see [`replay`]); none when the Markdown has link reference definitions or
/// footnotes, whose definitions shape the parse of text far from them.
fn replayable_end(markdown: &str, parser: &Events<'_>) -> usize {
    let shared = replay::shared_end(markdown);
    let definitions =
        markdown.contains("[^") || parser.reference_definitions().iter().next().is_some();
    if definitions {
        0
    } else {
        shared
    }
}

/// How many events of a portrait attempt are kept for the landscape run; past that the
/// document is parsed again (a table too wide for portrait found late in a long document).
const REPLAYED_EVENTS: usize = 4096;

/// The Markdown's events with their source ranges.
type Events<'a> = pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>;

/// The Markdown's events with their source ranges.
fn events(markdown: &str) -> Events<'_> {
    Parser::new_ext(markdown, markdown_options()).into_offset_iter()
}

/// Whether [`layout()`] puts `markdown` on landscape pages with `orientation`: for `Auto`, the
/// same decision (a wide table, or columns that do not fit across a portrait page), so other
/// renderers of the same Markdown (the Word output) turn their pages the same way.
pub fn is_landscape(fonts: &FontSet, markdown: &str, orientation: Orientation) -> bool {
    match orientation {
        Orientation::Portrait => false,
        Orientation::Landscape => true,
        Orientation::Auto => {
            let pass = Pass {
                fonts,
                markdown,
                options: &LayoutOptions::default(),
                shared_end: 0,
            };
            pass.run(events(markdown), false, true).1
        }
    }
}

/// What every layout pass over one Markdown document shares.
struct Pass<'a> {
    fonts: &'a FontSet,
    markdown: &'a str,
    options: &'a LayoutOptions,
    /// See [`walker::LayoutWriter::with_replay`].
    shared_end: usize,
}

impl<'a> Pass<'a> {
    /// Lays out once; the flag says some table did not fit across the page (or, with
    /// `give_up_at_wide_table`, that a table has [`style::LANDSCAPE_COLUMNS`] or more
    /// columns).
    fn run(
        &self,
        events: impl Iterator<Item = (pulldown_cmark::Event<'a>, std::ops::Range<usize>)>,
        landscape: bool,
        give_up_at_wide_table: bool,
    ) -> (Document, bool) {
        let (width, height) = if landscape {
            (A4_HEIGHT, A4_WIDTH)
        } else {
            (A4_WIDTH, A4_HEIGHT)
        };
        let writer = walker::LayoutWriter::new(events, self.markdown, self.fonts, width, height)
            .with_images(&self.options.images)
            .with_cells(self.options.reuse)
            .with_replay(self.shared_end);
        if give_up_at_wide_table {
            writer.give_up_at_wide_table().run()
        } else {
            writer.run()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_width(markdown: &str, orientation: Orientation) -> f32 {
        let fonts = FontSet::get().unwrap();
        let options = LayoutOptions {
            orientation,
            ..LayoutOptions::default()
        };
        let document = layout(fonts, markdown, &options);
        document.pages[0].width
    }

    fn table(columns: usize, cell: &str) -> String {
        let row = |text: &str| format!("|{}\n", format!(" {text} |").repeat(columns));
        format!(
            "# 表\n\n说明文字。\n\n{}{}{}",
            row("列"),
            row("---"),
            row(cell)
        )
    }

    #[test]
    fn a_footer_comment_prints_beside_every_page_number() {
        let fonts = FontSet::get().unwrap();
        let markdown = "<!-- checkgen-footer: 编号：2026-telecom-00001 -->\n\n# 表\n\n一\n\n<!-- pagebreak -->\n\n二\n";
        let document = layout(fonts, markdown, &LayoutOptions::default());
        assert_eq!(document.pages.len(), 2);
        for (i, page) in document.pages.iter().enumerate() {
            let footer = page.items.iter().rev().find_map(|(_, item)| match item {
                Item::Text { text, .. } => Some(&**text),
                _ => None,
            });
            let expected = format!(
                "编号：2026-telecom-00001\u{3000}\u{3000}第 {} 页 共 2 页",
                i + 1
            );
            assert_eq!(footer, Some(expected.as_str()));
        }
        let plain = layout(fonts, "# 表\n", &LayoutOptions::default());
        assert!(plain.pages[0].items.iter().any(
            |(_, item)| matches!(item, Item::Text { text, .. } if &**text == "第 1 页 共 1 页")
        ));
    }

    #[test]
    fn auto_orientation_turns_the_page_for_wide_tables_only() {
        let auto = Orientation::Auto;
        assert_eq!(page_width(&table(6, "内容"), auto), A4_WIDTH);
        assert_eq!(page_width(&table(7, "内容"), auto), A4_HEIGHT);
        // Six columns whose words cannot be broken do not fit across a portrait page.
        let long = "Pneumonoultramicroscopicsilicovolcanoconiosis";
        assert_eq!(page_width(&table(6, long), auto), A4_HEIGHT);
        assert_eq!(
            page_width(&table(7, "内容"), Orientation::Portrait),
            A4_WIDTH
        );
        assert_eq!(
            page_width(&table(2, "内容"), Orientation::Landscape),
            A4_HEIGHT
        );
    }
}
