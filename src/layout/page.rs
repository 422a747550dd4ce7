//! Filling pages with blocks: the cursor, page breaks, headings kept with what follows,
//! table headers repeated, block-quote bars carried across pages, footers numbered last.

use super::linebreak::text_width;
use super::style::{
    FOOTER_BASELINE, FOOTER_SEPARATOR, FOOTER_SIZE, MARGIN, QUOTE_BAR_WIDTH, QUOTE_GRAY,
};
use super::{Item, OutlineEntry, Page, Point};
use crate::fonts::{FontId, FontSet};

/// Something placed as a whole: items positioned relative to the block's top edge (`y`) and
/// at absolute `x`, and its height.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Height in points.
    pub height: f32,
    /// Items, `y` measured from the block's top.
    pub items: Vec<(Point, Item)>,
    /// Headings in the block: `(level, title, y from the block's top)`.
    pub outline: Vec<(u8, String, f32)>,
}

impl Block {
    /// Appends `other` below this block.
    pub fn append(&mut self, other: Block) {
        let dy = self.height;
        self.items.extend(
            other
                .items
                .into_iter()
                .map(|(p, item)| shift((p, item), dy)),
        );
        self.outline.extend(
            other
                .outline
                .into_iter()
                .map(|(level, title, y)| (level, title, y + dy)),
        );
        self.height += other.height;
    }
}

/// Moves an item down by `dy`.
fn shift((at, item): (Point, Item), dy: f32) -> (Point, Item) {
    let at = Point::new(at.x, at.y + dy);
    let item = match item {
        Item::Line { to, width, gray } => Item::Line {
            to: Point::new(to.x, to.y + dy),
            width,
            gray,
        },
        other @ (Item::Text { .. } | Item::Rect { .. }) => other,
    };
    (at, item)
}

/// An open block quote: where its bar is drawn and where it starts on the current page.
#[derive(Debug, Clone, Copy)]
struct QuoteBar {
    x: f32,
    top: f32,
}

/// Places blocks top to bottom, starting new pages as needed.
pub struct PageBuilder<'f> {
    fonts: &'f FontSet,
    /// Page size.
    pub width: f32,
    pub height: f32,
    /// The text area.
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    /// The cursor: where the next block's top goes.
    pub y: f32,
    pages: Vec<Page>,
    items: Vec<(Point, Item)>,
    /// A heading waiting to be placed together with the block after it.
    held: Option<Block>,
    /// A table header to repeat at the top of each new page while its table runs.
    repeat: Option<Block>,
    quotes: Vec<QuoteBar>,
    outline: Vec<OutlineEntry>,
    /// Text printed beside the page number in every footer (an issued form's number).
    footer: Option<String>,
}

impl<'f> PageBuilder<'f> {
    /// An empty document of `width` × `height` points.
    pub fn new(fonts: &'f FontSet, width: f32, height: f32) -> Self {
        PageBuilder {
            fonts,
            width,
            height,
            left: MARGIN,
            right: width - MARGIN,
            top: MARGIN,
            bottom: height - MARGIN,
            y: MARGIN,
            pages: Vec::new(),
            items: Vec::new(),
            held: None,
            repeat: None,
            quotes: Vec::new(),
            outline: Vec::new(),
            footer: None,
        }
    }

    /// The text area's width.
    pub fn text_width(&self) -> f32 {
        self.right - self.left
    }

    /// Room left under the cursor on this page.
    pub fn room(&self) -> f32 {
        self.bottom - self.y
    }

    /// Room on an empty page, under a repeated table header if one is active.
    pub fn capacity(&self) -> f32 {
        self.bottom - self.top - self.repeat.as_ref().map_or(0.0, |b| b.height)
    }

    /// Whether nothing but a repeated header is on this page yet.
    fn at_top(&self) -> bool {
        let start = self.top + self.repeat.as_ref().map_or(0.0, |b| b.height);
        self.y <= start + 0.01
    }

    /// Vertical space; dropped at the top of a page, where it would only push content down.
    pub fn gap(&mut self, space: f32) {
        if let Some(held) = &mut self.held {
            held.height += space;
        } else if !self.at_top() {
            self.y = (self.y + space).min(self.bottom);
        }
    }

    /// Keeps `block` (a heading) to be placed with whatever comes next, so that a heading
    /// never ends a page alone. The caller holds only a block that fits on an empty page.
    pub fn hold(&mut self, block: Block) {
        match &mut self.held {
            Some(held) => held.append(block),
            None => self.held = Some(block),
        }
    }

    /// Makes sure `height` more points fit on this page (after any held heading), starting
    /// a new page otherwise. A held heading always fits on a page of its own (see
    /// [`hold`](Self::hold)); when it and `height` together do not, the heading is placed and
    /// the block goes to the next page, rather than below the page's bottom edge.
    pub fn ensure(&mut self, height: f32) {
        let held = self.held.as_ref().map_or(0.0, |b| b.height);
        if held + height > self.room() && !self.at_top() {
            self.new_page();
        }
        self.release();
        if height > self.room() && !self.at_top() {
            self.new_page();
        }
    }

    /// Places `block` at the cursor, on a new page if it does not fit here.
    pub fn place(&mut self, block: Block) {
        self.ensure(block.height);
        self.put(block);
    }

    /// Places a held heading at the cursor.
    fn release(&mut self) {
        if let Some(held) = self.held.take() {
            self.put(held);
        }
    }

    /// Puts `block` at the cursor without checking room: the callers have made room, and a
    /// block that would cross the bottom margin is a fault of layout.
    fn put(&mut self, block: Block) {
        debug_assert!(
            self.y + block.height <= self.bottom + 0.01,
            "a block of {} pt placed at {} crosses the bottom margin at {}",
            block.height,
            self.y,
            self.bottom
        );
        let dy = self.y;
        let page = self.pages.len();
        self.outline.extend(
            block
                .outline
                .into_iter()
                .map(|(level, title, y)| OutlineEntry {
                    level,
                    title,
                    page,
                    y: y + dy,
                }),
        );
        self.items
            .extend(block.items.into_iter().map(|item| shift(item, dy)));
        self.y += block.height;
    }

    /// Starts repeating `header` at the top of every new page (it is not placed now).
    pub fn repeat_header(&mut self, header: Option<Block>) {
        self.repeat = header;
    }

    /// Opens a block quote whose bar runs at `x`.
    pub fn open_quote(&mut self, x: f32) {
        self.release();
        self.quotes.push(QuoteBar { x, top: self.y });
    }

    /// Closes the innermost block quote, drawing its bar down to the cursor.
    pub fn close_quote(&mut self) {
        if let Some(bar) = self.quotes.pop() {
            self.draw_bar(bar, self.y);
        }
    }

    fn draw_bar(&mut self, bar: QuoteBar, bottom: f32) {
        if bottom > bar.top + 1.0 {
            self.items.push((
                Point::new(bar.x, bar.top),
                Item::Line {
                    to: Point::new(bar.x, bottom),
                    width: QUOTE_BAR_WIDTH,
                    gray: QUOTE_GRAY,
                },
            ));
        }
    }

    /// Starts a new page unless nothing has been placed on this one yet.
    pub fn break_page(&mut self) {
        if self.y > self.top {
            self.new_page();
        }
    }

    /// Ends the current page and starts the next, carrying quote bars and the table header.
    pub fn new_page(&mut self) {
        let y = self.y;
        for bar in self.quotes.clone() {
            self.draw_bar(bar, y);
        }
        self.pages.push(Page {
            width: self.width,
            height: self.height,
            items: std::mem::take(&mut self.items),
        });
        self.y = self.top;
        for bar in &mut self.quotes {
            bar.top = self.top;
        }
        if let Some(header) = self.repeat.clone() {
            self.put(header);
        }
    }

    /// Prints `text` before `第 X 页 共 Y 页` in every page's footer; a later call replaces it.
    pub fn set_footer(&mut self, text: String) {
        self.footer = Some(text);
    }

    /// Finishes the last page and numbers every page `第 X 页 共 Y 页`, after the footer text
    /// if one was set.
    pub fn finish(mut self) -> (Vec<Page>, Vec<OutlineEntry>) {
        self.release();
        while let Some(bar) = self.quotes.pop() {
            let y = self.y;
            self.draw_bar(bar, y);
        }
        self.pages.push(Page {
            width: self.width,
            height: self.height,
            items: std::mem::take(&mut self.items),
        });
        debug_assert!(
            self.pages.iter().all(|page| page.item_outside().is_none()),
            "an item lies outside its page: {:?}",
            self.pages.iter().find_map(Page::item_outside)
        );
        let total = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = format!("第 {} 页 共 {} 页", i + 1, total);
            let text = match &self.footer {
                Some(footer) => format!("{footer}{FOOTER_SEPARATOR}{number}"),
                None => number,
            };
            let width = text_width(self.fonts, FontId::Regular, &text, FOOTER_SIZE);
            // Centred; a footer wider than the text area starts at the left margin instead.
            let x = if width <= self.right - self.left {
                (page.width - width) / 2.0
            } else {
                self.left
            };
            page.items.push((
                Point::new(x, page.height - FOOTER_BASELINE),
                Item::Text {
                    text: text.into(),
                    font: FontId::Regular,
                    size: FOOTER_SIZE,
                },
            ));
        }
        (self.pages, self.outline)
    }
}
