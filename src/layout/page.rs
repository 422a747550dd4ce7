//! Filling pages with blocks: the cursor, page breaks, headings kept with what follows,
//! table headers repeated, block-quote bars carried across pages, footers numbered last.

use super::linebreak::text_width;
use super::structure;
use super::style::{
    FOOTER_BASELINE, FOOTER_SEPARATOR, FOOTER_SIZE, MARGIN, QUOTE_BAR_WIDTH, QUOTE_GRAY,
};
use super::{Item, OutlineEntry, Page, Point, Tag};
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
        other @ (Item::Text { .. } | Item::Rect { .. } | Item::Image { .. }) => other,
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
    /// How many times the footer text was set.
    footers_set: usize,
}

/// What is drawn on a page, in painting order.
type Items = Vec<(Point, Item)>;

/// Where a [`PageBuilder`] stood when nothing placed before could shape what follows (see
/// [`PageBuilder::mark`]).
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    pages: usize,
    y: f32,
    items: usize,
    outline: usize,
    footers_set: usize,
}

/// What a [`PageBuilder`] did after a [`Mark`]: the whole of its state that the blocks placed
/// since gave it, to be given again to a builder at an equal mark.
#[derive(Debug, Clone)]
pub struct Since {
    /// Items added to the page open at the mark.
    first: Items,
    /// The pages started after it, and the items of the page open now, when it is another.
    later: Option<(Vec<Page>, Items)>,
    y: f32,
    held: Option<Block>,
    repeat: Option<Block>,
    quotes: Vec<QuoteBar>,
    outline: Vec<OutlineEntry>,
    /// The footer text, when it was set after the mark.
    footer: Option<Option<String>>,
}

impl Mark {
    /// Pages finished at the mark. With the cursor and the page size, all of the builder's
    /// state there that what follows depends on.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// The cursor at the mark.
    pub fn y(&self) -> f32 {
        self.y
    }
}

impl Since {
    /// Items held, for the replay cache's budget.
    pub fn items(&self) -> usize {
        let later = self.later.as_ref().map_or(0, |(pages, open)| {
            open.len() + pages.iter().map(|page| page.items.len()).sum::<usize>()
        });
        self.first.len() + later
    }
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
            footers_set: 0,
        }
    }

    /// A mark of where the builder stands, when what follows depends only on the cursor and
    /// the page count: no heading held, no table header repeating and no quote open. `None`
    /// otherwise.
    pub fn mark(&self) -> Option<Mark> {
        let idle = self.held.is_none() && self.repeat.is_none() && self.quotes.is_empty();
        idle.then_some(Mark {
            pages: self.pages.len(),
            y: self.y,
            items: self.items.len(),
            outline: self.outline.len(),
            footers_set: self.footers_set,
        })
    }

    /// What was done since `mark`, taken from this builder.
    pub fn since(&self, mark: &Mark) -> Since {
        let first_page = match self.pages.get(mark.pages) {
            Some(page) => &page.items,
            None => &self.items,
        };
        let later = (self.pages.len() > mark.pages)
            .then(|| (self.pages[mark.pages + 1..].to_vec(), self.items.clone()));
        Since {
            first: first_page[mark.items..].to_vec(),
            later,
            y: self.y,
            held: self.held.clone(),
            repeat: self.repeat.clone(),
            quotes: self.quotes.clone(),
            outline: self.outline[mark.outline..].to_vec(),
            footer: (self.footers_set > mark.footers_set).then(|| self.footer.clone()),
        }
    }

    /// Does again what `since` records, on a builder at a mark equal to the one it was taken
    /// from: the same page count, cursor and page size.
    pub fn replay(&mut self, since: &Since) {
        self.items.extend_from_slice(&since.first);
        if let Some((pages, open)) = &since.later {
            self.pages.push(Page {
                width: self.width,
                height: self.height,
                items: std::mem::replace(&mut self.items, open.clone()),
            });
            self.pages.extend_from_slice(pages);
        }
        self.y = since.y;
        self.held.clone_from(&since.held);
        self.repeat.clone_from(&since.repeat);
        self.quotes.clone_from(&since.quotes);
        self.outline.extend_from_slice(&since.outline);
        if let Some(footer) = &since.footer {
            self.footer.clone_from(footer);
            self.footers_set += 1;
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
        if let Some(mut header) = self.repeat.clone() {
            // The header's text is read once, where the table starts: its repeats are furniture.
            structure::tag(&mut header, Tag::Artifact);
            self.put(header);
        }
    }

    /// Prints `text` before `第 X 页 共 Y 页` in every page's footer; a later call replaces it.
    pub fn set_footer(&mut self, text: String) {
        self.footer = Some(text);
        self.footers_set += 1;
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
                    tag: Tag::Artifact,
                },
            ));
        }
        (self.pages, self.outline)
    }
}
