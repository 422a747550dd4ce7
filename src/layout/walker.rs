//! The event walker: one loop over pulldown-cmark events, shaped like pulldown-cmark's own
//! `html.rs`, matching every event and tag with no catch-all arm — a parser upgrade that adds
//! an event fails to compile here instead of silently dropping text.
//!
//! Inline events accumulate into an [`Inline`] (the current paragraph, heading or table cell);
//! block ends turn it into lines and hand those to the [`PageBuilder`].

use std::ops::Range;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, MetadataBlockKind, Tag, TagEnd,
};

use super::inline::{Inline, Style};
use super::linebreak::{break_lines, emit_line, text_width, Frag, Line, Missing};
use super::markup::{self, BlockLine, Footnotes, HtmlBlock, InlineHtml};
use super::page::{self, Block, PageBuilder};
use super::replay;
use super::structure::Structure;
use super::style::{
    BLOCK_GAP, BODY_LEADING, BODY_SIZE, CODE_FILL, CODE_SIZE, HEADING_ABOVE, HEADING_BELOW,
    HEADING_LEADING, HEADING_SIZES, KEEP_WITH_NEXT_MIN, LANDSCAPE_COLUMNS, LIST_INDENT,
    MAX_LIST_DEPTH, MAX_QUOTE_DEPTH, QUOTE_INDENT, RULE_WIDTH,
};
use super::table::{self, TableState};
use super::{Document, Item, NotLaidOut, Point, Reuse, Role, Warning};
use crate::fonts::{FontId, FontSet};
use crate::image::{Images, Picture, Problem};
use std::sync::Arc;

/// What the inline text being collected will become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Paragraph,
    Heading(u8),
    Code,
    /// Raw HTML shown as text.
    Html,
}

/// Events taken out of the stream, with their byte ranges, to be handled later.
type Held<'a> = Vec<(Event<'a>, Range<usize>)>;

/// One open list: the next number for ordered lists.
#[derive(Debug, Clone, Copy)]
struct ListState {
    next: Option<u64>,
}

/// The walker's state; see the module docs.
pub struct LayoutWriter<'a, I> {
    /// Iterator supplying events.
    iter: I,
    fonts: &'a FontSet,
    page: PageBuilder<'a>,
    /// Text being collected and what it will become.
    inline: Option<(BlockKind, Inline)>,
    /// The table being read, if inside one.
    table: Option<TableState>,
    list_stack: Vec<ListState>,
    /// Marker of a list item not drawn yet (it goes on the item's first line).
    marker: Option<String>,
    quote_depth: usize,
    /// Nesting counts of inline styles (`**`, `~~`).
    strong: usize,
    strike: usize,
    /// Inside a metadata block, whose text is not content.
    metadata: usize,
    /// The HTML block being read (a comment may span its lines).
    html: HtmlBlock,
    missing: Missing,
    /// Some table's columns did not fit across the page.
    overflow: bool,
    /// Stop at the first table of [`LANDSCAPE_COLUMNS`] or more columns, reporting
    /// it as an overflow: the document is being tried in portrait and will be redone.
    give_up_at_wide_table: bool,
    /// The Markdown, to turn byte offsets into line numbers.
    source: &'a str,
    /// Byte offset of the event being handled.
    at: usize,
    /// Constructs shown as text or left out, with the byte offset where each starts.
    not_laid_out: Vec<(usize, NotLaidOut)>,
    /// Footnote numbers, in the order of first reference.
    footnote_numbers: Footnotes,
    /// Footnote definitions, held back to be laid out at the end of the document.
    footnotes: Vec<(String, Held<'a>)>,
    /// The logical structure so far.
    structure: Structure,
    /// The pictures read for the document's images.
    images: Option<&'a Images>,
    /// Whether table cells come from the thread's cache.
    cells: Reuse,
    /// The pictures drawn so far.
    pictures: Vec<Arc<Picture>>,
    /// An image being read: its picture and alternative text so far, and how many images
    /// are open inside it.
    figure: Option<(Arc<Picture>, String)>,
    image_depth: usize,
    /// How many bytes at the end of the Markdown repeat the end of a document laid out
    /// before on this thread: checkpoints within them are looked up and recorded (see
    /// [`replay`]).
    shared_end: usize,
}

/// A checkpoint being recorded: its state (which counts the structure's elements and the bytes
/// after it), and where the page builder and the list of constructs not laid out stood.
struct Recording {
    state: replay::State,
    page: page::Mark,
    not_laid_out: usize,
}

impl<'a, I> LayoutWriter<'a, I>
where
    I: Iterator<Item = (Event<'a>, Range<usize>)>,
{
    /// A walker over the events of `source` (with their byte ranges), laying out on pages of
    /// `width` × `height` points.
    pub fn new(iter: I, source: &'a str, fonts: &'a FontSet, width: f32, height: f32) -> Self {
        LayoutWriter {
            iter,
            fonts,
            page: PageBuilder::new(fonts, width, height),
            inline: None,
            table: None,
            list_stack: Vec::new(),
            marker: None,
            quote_depth: 0,
            strong: 0,
            strike: 0,
            metadata: 0,
            html: HtmlBlock::default(),
            missing: Missing::default(),
            overflow: false,
            give_up_at_wide_table: false,
            source,
            at: 0,
            not_laid_out: Vec::new(),
            footnote_numbers: Footnotes::default(),
            footnotes: Vec::new(),
            structure: Structure::default(),
            images: None,
            cells: Reuse::Document,
            pictures: Vec::new(),
            figure: None,
            image_depth: 0,
            shared_end: 0,
        }
    }

    /// Looks up and records checkpoints in the last `shared_end` bytes of the Markdown, which
    /// repeat the end of a document laid out before on this thread (see [`replay`]).
    pub fn with_replay(mut self, shared_end: usize) -> Self {
        self.shared_end = shared_end;
        self
    }

    /// Takes table cells from the thread's cache, or not (see [`Reuse`]).
    pub fn with_cells(mut self, cells: Reuse) -> Self {
        self.cells = cells;
        self
    }

    /// Lays out the images whose pictures `images` holds.
    pub fn with_images(mut self, images: &'a Images) -> Self {
        self.images = Some(images);
        self
    }

    /// Makes [`run`](Self::run) stop at the first table of [`LANDSCAPE_COLUMNS`] or
    /// more columns and report an overflow.
    pub fn give_up_at_wide_table(mut self) -> Self {
        self.give_up_at_wide_table = true;
        self
    }

    /// Walks every event and returns the document, plus whether a table overflowed.
    pub fn run(mut self) -> (Document, bool) {
        let mut depth = 0usize;
        let mut recording = None;
        let mut replayed = false;
        while let Some((event, range)) = self.iter.next() {
            if self.give_up_at_wide_table
                && matches!(&event, Event::Start(Tag::Table(columns))
                    if columns.len() >= LANDSCAPE_COLUMNS)
            {
                self.overflow = true;
                break;
            }
            if let Event::Start(Tag::FootnoteDefinition(label)) = &event {
                let label = label.to_string();
                let definition = self.hold_back(event, range);
                self.footnotes.push((label, definition));
                continue;
            }
            match &event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            let end = range.end;
            self.event(event, range);
            let after = self.source.len() - end;
            if depth > 0 || after > self.shared_end || after == 0 {
                continue;
            }
            let Some((state, page)) = self.checkpoint(end) else {
                continue;
            };
            if let Some(rest) = replay::find(&state, &self.source[end..]) {
                self.replay(end, &rest);
                replayed = true;
                break;
            }
            if recording.is_none() {
                recording = Some(Recording {
                    state,
                    page,
                    not_laid_out: self.not_laid_out.len(),
                });
            }
        }
        if !replayed {
            self.flush();
            self.lay_out_footnotes();
            if let Some(recording) = recording {
                self.record(recording);
            }
        }
        let mut warnings = Vec::new();
        if !self.missing.chars.is_empty() {
            warnings.push(Warning::MissingGlyphs {
                chars: self.missing.chars,
            });
        }
        if !self.not_laid_out.is_empty() {
            let lines = LineIndex::new(self.source);
            let constructs = self
                .not_laid_out
                .into_iter()
                .map(|(at, what)| (lines.line(at), what))
                .collect();
            warnings.push(Warning::NotLaidOut { constructs });
        }
        let (pages, outline) = self.page.finish();
        let (structure, figures) = self.structure.finish();
        (
            Document {
                pages,
                outline,
                warnings,
                structure,
                pictures: self.pictures,
                figures,
            },
            self.overflow,
        )
    }

    /// The state at a block boundary ending at byte `end`, and the page builder's mark there,
    /// when it is a checkpoint (see [`replay`]).
    fn checkpoint(&self, end: usize) -> Option<(replay::State, page::Mark)> {
        let idle = self.inline.is_none()
            && self.table.is_none()
            && self.list_stack.is_empty()
            && self.marker.is_none()
            && self.quote_depth == 0
            && self.strong == 0
            && self.strike == 0
            && self.metadata == 0
            && self.html.is_idle()
            && self.missing.chars.is_empty()
            && !self.overflow
            && self.footnote_numbers.is_empty()
            && self.footnotes.is_empty()
            && self.images.is_none_or(Images::is_empty)
            && self.pictures.is_empty()
            && self.figure.is_none()
            && self.image_depth == 0;
        if !idle {
            return None;
        }
        let page = self.page.mark()?;
        let state = replay::State {
            fonts: std::ptr::from_ref(self.fonts) as usize,
            page: (self.page.width.to_bits(), self.page.height.to_bits()),
            give_up_at_wide_table: self.give_up_at_wide_table,
            pages: page.pages(),
            y: page.y().to_bits(),
            elements: self.structure.mark()?,
            rest: self.source.len() - end,
        };
        Some((state, page))
    }

    /// Does again, from the checkpoint at byte `at`, what `rest` recorded.
    fn replay(&mut self, at: usize, rest: &replay::Rest) {
        self.page.replay(&rest.page);
        self.structure.replay(&rest.structure);
        for c in &rest.missing {
            self.missing.add(*c);
        }
        self.not_laid_out.extend(
            rest.not_laid_out
                .iter()
                .map(|(offset, what)| (at + offset, what.clone())),
        );
        self.overflow = rest.overflow;
    }

    /// Keeps what was done since the checkpoint `recording`, to the end of the document.
    fn record(&self, recording: Recording) {
        let Recording {
            state,
            page,
            not_laid_out,
        } = recording;
        let at = self.source.len() - state.rest;
        // Constructs are noted at the events that follow the checkpoint, so after it.
        let Some(not_laid_out) = self.not_laid_out[not_laid_out..]
            .iter()
            .map(|(offset, what)| Some((offset.checked_sub(at)?, what.clone())))
            .collect()
        else {
            return;
        };
        if !self.pictures.is_empty() {
            return;
        }
        replay::keep(
            state,
            replay::Rest {
                source: self.source[at..].into(),
                page: self.page.since(&page),
                structure: self.structure.since(state.elements),
                missing: self.missing.chars.clone(),
                not_laid_out,
                overflow: self.overflow,
            },
        );
    }

    fn event(&mut self, event: Event<'a>, range: Range<usize>) {
        self.at = range.start;
        match event {
            Event::Start(tag) => self.start_tag(tag),
            Event::End(tag) => self.end_tag(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(text) => self.code_span(&text),
            Event::InlineMath(text) => {
                self.note(NotLaidOut::Math);
                self.text(&format!("${text}$"));
            }
            Event::DisplayMath(text) => {
                self.note(NotLaidOut::Math);
                self.flush();
                self.text(&format!("$${text}$$"));
                self.flush();
            }
            Event::Html(html) => self.html_block_text(&html),
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::FootnoteReference(label) => {
                let number = self.footnote_numbers.number(&label);
                self.text(&format!("[{number}]"));
            }
            Event::SoftBreak => self.target().soft_break(),
            Event::HardBreak => self.target().hard_break(),
            Event::Rule => self.rule(),
            Event::TaskListMarker(checked) => self.task_marker(checked),
        }
    }

    /// The events of a footnote definition, from its start (`first`) to its end, taken out of
    /// the stream to be laid out at the end of the document.
    fn hold_back(&mut self, first: Event<'a>, range: Range<usize>) -> Held<'a> {
        let mut events = vec![(first, range)];
        let mut depth = 1usize;
        for (event, range) in self.iter.by_ref() {
            match &event {
                Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                _ => {}
            }
            events.push((event, range));
            if depth == 0 {
                break;
            }
        }
        events
    }

    /// The footnote definitions after a rule at the end of the document, in the order of their
    /// numbers; a definition nothing refers to comes last, numbered after the others.
    fn lay_out_footnotes(&mut self) {
        if self.footnotes.is_empty() {
            return;
        }
        let mut footnotes = std::mem::take(&mut self.footnotes);
        self.footnote_numbers.sort(&mut footnotes);
        self.rule();
        for (_, events) in footnotes {
            for (event, range) in events {
                self.event(event, range);
            }
        }
        self.flush();
    }

    /// Records a construct that is shown as text or left out, for the warning.
    fn note(&mut self, what: NotLaidOut) {
        self.not_laid_out.push((self.at, what));
    }

    fn start_tag(&mut self, tag: Tag<'a>) {
        match tag {
            Tag::Paragraph => self.begin(BlockKind::Paragraph),
            Tag::Heading { level, .. } => self.begin(BlockKind::Heading(heading_number(level))),
            Tag::BlockQuote(kind) => {
                self.flush();
                self.structure.open(Role::Quote);
                self.quote_depth += 1;
                if self.quote_depth <= MAX_QUOTE_DEPTH {
                    let x = self.indent() - QUOTE_INDENT + 2.0;
                    self.page.open_quote(x);
                }
                if let Some(label) = kind.map(quote_label) {
                    self.begin(BlockKind::Paragraph);
                    self.text_in(label, FontId::Bold);
                    self.flush();
                }
            }
            Tag::CodeBlock(kind) => {
                self.begin(BlockKind::Code);
                match kind {
                    CodeBlockKind::Indented | CodeBlockKind::Fenced(_) => {}
                }
            }
            Tag::HtmlBlock => self.begin(BlockKind::Html),
            Tag::List(start) => {
                self.flush();
                self.structure.open(Role::List);
                self.list_stack.push(ListState { next: start });
            }
            Tag::Item => {
                self.flush();
                self.structure.open(Role::ListItem);
                self.structure.open(Role::ListBody);
                let depth = self.list_stack.len();
                let marker = match self.list_stack.last_mut() {
                    Some(ListState { next: Some(n) }) => {
                        let marker = format!("{n}.");
                        *n = n.saturating_add(1);
                        marker
                    }
                    Some(ListState { next: None }) | None => bullet(depth).to_string(),
                };
                self.marker = Some(marker);
            }
            Tag::FootnoteDefinition(label) => {
                // Laid out like a list item whose marker is the note's number.
                self.flush();
                self.structure.open(Role::Note);
                let number = self.footnote_numbers.number(&label);
                self.list_stack.push(ListState { next: None });
                self.marker = Some(format!("[{number}]"));
            }
            Tag::DefinitionList => self.flush(),
            Tag::DefinitionListTitle => {
                self.begin(BlockKind::Paragraph);
                self.strong += 1;
            }
            Tag::DefinitionListDefinition => self.begin(BlockKind::Paragraph),
            Tag::Table(aligns) => {
                self.flush();
                self.draw_pending_marker();
                self.table = Some(TableState::new(aligns));
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                    table.start_row();
                }
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.start_row();
                }
            }
            Tag::TableCell => {
                if let Some(table) = &mut self.table {
                    table.start_cell();
                }
            }
            Tag::Emphasis | Tag::Superscript | Tag::Subscript => {}
            Tag::Strong => self.strong += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link { .. } => {}
            Tag::Image { dest_url, .. } => self.start_image(&dest_url),
            Tag::MetadataBlock(kind) => {
                self.flush();
                match kind {
                    MetadataBlockKind::YamlStyle | MetadataBlockKind::PlusesStyle => {}
                }
                self.metadata += 1;
            }
        }
    }

    fn end_tag(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::HtmlBlock => {
                self.html.end();
                self.flush()
            }
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => self.flush(),
            TagEnd::BlockQuote(kind) => {
                self.flush();
                match kind {
                    Some(
                        BlockQuoteKind::Note
                        | BlockQuoteKind::Tip
                        | BlockQuoteKind::Important
                        | BlockQuoteKind::Warning
                        | BlockQuoteKind::Caution,
                    )
                    | None => {}
                }
                if self.quote_depth <= MAX_QUOTE_DEPTH {
                    self.page.close_quote();
                }
                self.structure.close(Role::Quote);
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.page.gap(BLOCK_GAP);
            }
            TagEnd::List(_) => {
                self.flush();
                self.draw_pending_marker();
                self.structure.close(Role::List);
                self.list_stack.pop();
                if self.list_stack.is_empty() {
                    self.page.gap(BLOCK_GAP);
                }
            }
            TagEnd::Item => {
                self.flush();
                self.draw_pending_marker();
                self.structure.close(Role::ListItem);
            }
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.draw_pending_marker();
                self.structure.close(Role::Note);
                self.list_stack.pop();
                self.page.gap(BLOCK_GAP / 3.0);
            }
            TagEnd::DefinitionList => self.flush(),
            TagEnd::DefinitionListTitle => {
                self.flush();
                self.strong = self.strong.saturating_sub(1);
            }
            TagEnd::DefinitionListDefinition => self.flush(),
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    let column = self.column();
                    self.overflow |= table::place(
                        self.fonts,
                        self.cells,
                        &mut self.page,
                        table,
                        column,
                        &mut self.structure,
                        &mut self.missing,
                    );
                    self.page.gap(BLOCK_GAP * 1.5);
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = false;
                }
            }
            TagEnd::TableRow => {}
            TagEnd::TableCell => {
                if let Some(table) = &mut self.table {
                    table.end_cell();
                }
            }
            TagEnd::Emphasis | TagEnd::Superscript | TagEnd::Subscript => {}
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link => {}
            TagEnd::Image => self.end_image(),
            TagEnd::MetadataBlock(_) => self.metadata = self.metadata.saturating_sub(1),
        }
    }

    /// The style inline text gets now.
    fn style(&self, font: FontId) -> Style {
        let bold = self.strong > 0
            || self.table.as_ref().is_some_and(|t| t.in_head)
            || matches!(self.inline, Some((BlockKind::Heading(_), _)));
        Style {
            font: if bold { FontId::Bold } else { font },
            strike: self.strike > 0,
            code: false,
        }
    }

    /// Where inline content goes: the open table cell, else the open block (opening a
    /// paragraph for the bare text of tight list items).
    fn target(&mut self) -> &mut Inline {
        if let Some(cell) = self.table.as_mut().and_then(TableState::cell) {
            return cell;
        }
        &mut self
            .inline
            .get_or_insert_with(|| (BlockKind::Paragraph, Inline::default()))
            .1
    }

    fn text(&mut self, text: &str) {
        self.text_in(text, FontId::Regular);
    }

    /// An image starts: a picture in a paragraph is laid out when its End comes (its
    /// alternative text is collected until then); any other is reported, and its alternative
    /// text shown as text.
    fn start_image(&mut self, address: &str) {
        self.image_depth += 1;
        if self.figure.is_some() {
            // An image in another's alternative text: only its text counts.
            return;
        }
        let in_paragraph =
            self.table.is_none() && matches!(self.inline, None | Some((BlockKind::Paragraph, _)));
        let problem = match self.images.and_then(|images| images.get(address)) {
            Some(Ok(picture)) if in_paragraph => {
                self.figure = Some((Arc::clone(picture), String::new()));
                return;
            }
            Some(Ok(_)) => Problem::Placement,
            Some(Err(problem)) => problem.clone(),
            None => Problem::NotRead,
        };
        self.note(NotLaidOut::Image(image_name(address), problem));
    }

    /// An image ends: the paragraph's text so far is laid out, then the picture, and the
    /// paragraph goes on below it.
    fn end_image(&mut self) {
        self.image_depth = self.image_depth.saturating_sub(1);
        if self.image_depth > 0 {
            return;
        }
        let Some((picture, alt)) = self.figure.take() else {
            return;
        };
        self.flush();
        let (x, width) = self.column();
        // Natural size at 96 pixels per inch, never enlarged, narrowed to the column and
        // shortened to an empty page's height.
        let natural = (picture.width as f32 * 0.75, picture.height as f32 * 0.75);
        let scale = (width / natural.0)
            .min(self.page.capacity() / natural.1)
            .min(1.0);
        let (w, h) = (natural.0 * scale, natural.1 * scale);
        let index = match self.pictures.iter().position(|p| Arc::ptr_eq(p, &picture)) {
            Some(index) => index,
            None => {
                self.pictures.push(picture);
                self.pictures.len() - 1
            }
        };
        let element = self.structure.figure(alt.trim().to_string());
        self.page.place(Block {
            height: h,
            items: vec![(
                Point::new(x, 0.0),
                Item::Image {
                    picture: index,
                    width: w,
                    height: h,
                    tag: super::Tag::element(element),
                },
            )],
            outline: Vec::new(),
        });
        self.page.gap(BLOCK_GAP);
        self.inline = Some((BlockKind::Paragraph, Inline::default()));
    }

    /// Inline code: regular face on a grey ground.
    fn code_span(&mut self, text: &str) {
        if self.metadata > 0 {
            return;
        }
        if let Some((_, alt)) = &mut self.figure {
            alt.push_str(text);
            return;
        }
        let style = Style {
            code: true,
            ..self.style(FontId::Regular)
        };
        self.target().push(text, style);
    }

    fn text_in(&mut self, text: &str, font: FontId) {
        if self.metadata > 0 {
            return;
        }
        if let Some((_, alt)) = &mut self.figure {
            alt.push_str(text);
            return;
        }
        let style = self.style(font);
        let code = matches!(self.inline, Some((BlockKind::Code, _))) && self.table.is_none();
        let target = self.target();
        if code {
            // Code keeps its line structure: every newline is a hard break.
            let mut pieces = text.split('\n').peekable();
            while let Some(piece) = pieces.next() {
                target.push(piece, style);
                if pieces.peek().is_some() {
                    target.hard_break();
                }
            }
        } else {
            target.push(text, style);
        }
    }

    /// Inline HTML (see [`markup::inline_html`]).
    fn inline_html(&mut self, html: &str) {
        match markup::inline_html(html) {
            InlineHtml::Break => self.target().hard_break(),
            InlineHtml::Comment => {}
            InlineHtml::Shown => {
                self.note(NotLaidOut::Html);
                self.text(html);
            }
        }
    }

    /// A line of an HTML block (see [`HtmlBlock::line`]).
    fn html_block_text(&mut self, html: &str) {
        match self.html.line(html) {
            BlockLine::PageBreak => {
                // A form's appendix starts on a page of its own; Markdown viewers show nothing.
                self.flush();
                self.page.break_page();
            }
            BlockLine::Footer(text) => self.footer(text),
            BlockLine::Hidden => {}
            BlockLine::Shown => {
                self.note(NotLaidOut::Html);
                let target = self.target();
                target.push(html.trim_end_matches('\n'), Style::PLAIN);
                target.hard_break();
            }
        }
    }

    /// Sets the footer text, noting characters the font lacks (the writer keeps them in the
    /// text layer).
    fn footer(&mut self, text: &str) {
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        for c in text.chars() {
            if !self.fonts.covers(FontId::Regular, c) {
                self.missing.add(c);
            }
        }
        self.page.set_footer(text);
    }

    fn task_marker(&mut self, checked: bool) {
        let box_char = if checked { "☑" } else { "☐" };
        match &mut self.marker {
            Some(marker) => *marker = box_char.to_string(),
            None => {
                let style = self.style(FontId::Regular);
                let target = self.target();
                target.push(box_char, style);
                target.push(" ", style);
            }
        }
    }

    /// Starts collecting a block of `kind`, finishing any open one first.
    fn begin(&mut self, kind: BlockKind) {
        self.flush();
        if self.table.is_none() {
            self.inline = Some((kind, Inline::default()));
        }
    }

    /// Left edge of text at the current list and quote depth.
    fn indent(&self) -> f32 {
        let lists = self.list_stack.len().min(MAX_LIST_DEPTH) as f32 * LIST_INDENT;
        let quotes = self.quote_depth.min(MAX_QUOTE_DEPTH) as f32 * QUOTE_INDENT;
        self.page.left + lists + quotes
    }

    /// The current text column: left edge and width (never narrower than a third of the page's
    /// text width, however deep the nesting).
    fn column(&self) -> (f32, f32) {
        let full = self.page.text_width();
        let x = self.indent().min(self.page.left + full * 2.0 / 3.0);
        (x, self.page.right - x)
    }

    /// Lays out and places the collected block, if any.
    fn flush(&mut self) {
        let Some((kind, inline)) = self.inline.take() else {
            return;
        };
        match kind {
            BlockKind::Heading(level) => self.heading(level, &inline),
            BlockKind::Paragraph | BlockKind::Html => {
                if inline.is_blank() && self.marker.is_none() {
                    return;
                }
                self.paragraph(&inline, BODY_SIZE, None, Role::Paragraph);
                self.page.gap(if self.list_stack.is_empty() {
                    BLOCK_GAP
                } else {
                    BLOCK_GAP / 3.0
                });
            }
            BlockKind::Code => {
                self.paragraph(&inline, CODE_SIZE, Some(CODE_FILL), Role::Code);
                self.page.gap(BLOCK_GAP);
            }
        }
    }

    /// Places a paragraph line by line (so it can continue on the next page), with the pending
    /// list marker on its first line and an optional background, as a new element of `role`.
    fn paragraph(&mut self, inline: &Inline, size: f32, fill: Option<f32>, role: Role) {
        let tag = super::Tag::element(self.structure.leaf(role));
        let (x, width) = self.column();
        let pad = if fill.is_some() { 4.0 } else { 0.0 };
        let line_height = size * BODY_LEADING;
        let lines = break_lines(self.fonts, inline, size, width - 2.0 * pad);
        let count = lines.len();
        for (i, line) in lines.iter().enumerate() {
            let top = if i == 0 { pad } else { 0.0 };
            let bottom = if i + 1 == count { pad } else { 0.0 };
            let mut block = Block {
                height: top + line_height + bottom,
                ..Block::default()
            };
            if let Some(gray) = fill {
                block.items.push((
                    Point::new(x, 0.0),
                    Item::Rect {
                        width,
                        height: block.height,
                        fill: Some(gray),
                        stroke: None,
                    },
                ));
            }
            let baseline = top + (line_height - size) / 2.0 + size * 0.88;
            if let Some(marker) = self.marker.take() {
                self.marker_items(&marker, x, baseline, size, tag, &mut block);
            }
            emit_line(
                self.fonts,
                line,
                Point::new(x + pad, baseline),
                size,
                tag,
                &mut block.items,
                &mut self.missing,
            );
            self.page.place(block);
        }
    }

    /// Draws a list marker right-aligned just left of `x`.
    fn marker_items(
        &mut self,
        marker: &str,
        x: f32,
        baseline: f32,
        size: f32,
        tag: super::Tag,
        block: &mut Block,
    ) {
        let width = text_width(self.fonts, FontId::Regular, marker, size);
        let line = Line {
            frags: vec![Frag {
                text: marker.into(),
                style: Style::PLAIN,
                x: 0.0,
                width,
                boxed: true,
            }],
            width,
        };
        let at = Point::new(x - width - size * 0.4, baseline);
        emit_line(
            self.fonts,
            &line,
            at,
            size,
            tag,
            &mut block.items,
            &mut self.missing,
        );
    }

    /// A list item whose first block is not a paragraph (a nested list, a table): its marker
    /// gets a line of its own.
    fn draw_pending_marker(&mut self) {
        if self.marker.is_some() {
            self.paragraph(&Inline::default(), BODY_SIZE, None, Role::Paragraph);
        }
    }

    /// A heading: kept with the two lines after it when it fits on a page with them; a
    /// heading too tall for that breaks across pages line by line, like a paragraph.
    fn heading(&mut self, level: u8, inline: &Inline) {
        let index = usize::from(level.clamp(1, 6)) - 1;
        let size = HEADING_SIZES[index];
        let line_height = size * HEADING_LEADING;
        let (x, width) = self.column();
        let lines = break_lines(self.fonts, inline, size, width);
        let tag = super::Tag::element(self.structure.leaf(Role::Heading(level.clamp(1, 6))));
        let title: String = inline
            .text
            .chars()
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        let mut blocks: Vec<Block> = lines
            .iter()
            .map(|line| {
                let offset = if level == 1 {
                    ((width - line.width) / 2.0).max(0.0)
                } else {
                    0.0
                };
                let baseline = (line_height - size) / 2.0 + size * 0.88;
                let mut block = Block {
                    height: line_height,
                    ..Block::default()
                };
                emit_line(
                    self.fonts,
                    line,
                    Point::new(x + offset, baseline),
                    size,
                    tag,
                    &mut block.items,
                    &mut self.missing,
                );
                block
            })
            .collect();
        let first = blocks
            .first_mut()
            .expect("break_lines returns at least one line");
        first.outline.push((level, title.trim().to_string(), 0.0));
        let last = blocks.last_mut().expect("at least one line, as above");
        last.height += HEADING_BELOW[index];
        let height: f32 = blocks.iter().map(|b| b.height).sum();
        self.page.gap(HEADING_ABOVE[index]);
        if height + KEEP_WITH_NEXT_MIN <= self.page.capacity() {
            // Room for the heading plus two lines of what follows, or the heading moves on.
            self.page.ensure(height + KEEP_WITH_NEXT_MIN);
            let mut whole = Block::default();
            for block in blocks {
                whole.append(block);
            }
            self.page.hold(whole);
        } else {
            for block in blocks {
                self.page.place(block);
            }
        }
    }

    fn rule(&mut self) {
        self.flush();
        let (x, width) = self.column();
        let block = Block {
            height: BLOCK_GAP * 2.0,
            items: vec![(
                Point::new(x, BLOCK_GAP),
                Item::Line {
                    to: Point::new(x + width, BLOCK_GAP),
                    width: RULE_WIDTH,
                    gray: 0.3,
                },
            )],
            outline: Vec::new(),
        };
        self.page.place(block);
    }
}

pub(crate) fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Bullets by depth: filled, hollow, square, repeating.
pub(crate) fn bullet(depth: usize) -> &'static str {
    match depth.saturating_sub(1) % 3 {
        0 => "•",
        1 => "◦",
        _ => "▪",
    }
}

/// The label of a GitHub-style alert quote (`> [!NOTE]`).
pub(crate) fn quote_label(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "注意",
        BlockQuoteKind::Tip => "提示",
        BlockQuoteKind::Important => "重要",
        BlockQuoteKind::Warning => "警告",
        BlockQuoteKind::Caution => "小心",
    }
}

/// How an image is named in a warning: its path or address, shortened.
fn image_name(dest: &str) -> String {
    const MAX: usize = 80;
    let mut name: String = dest.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if dest.chars().count() > MAX {
        name.push('…');
    }
    name
}

/// Byte offsets → 1-based line numbers.
struct LineIndex {
    /// Byte offset of every line start after the first.
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = text
            .bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1)
            .collect();
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) + 1
    }
}
