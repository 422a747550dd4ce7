//! The body of `word/document.xml` from pulldown-cmark events, read with the options and the
//! conventions of the PDF's walker ([`crate::layout`]): `<br>` breaks a line, comments vanish,
//! `<!-- pagebreak -->` starts a page, `<!-- checkgen-footer: … -->` sets the footer line,
//! footnotes are numbered in the order of their first reference and listed at the end, raw
//! HTML and math are shown as written, an image by its alternative text.
//!
//! Like the PDF's walker, every event and tag is matched with no catch-all arm, so a parser
//! upgrade that adds one fails to compile here instead of dropping text.

use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, MetadataBlockKind, Parser, Tag, TagEnd,
};
use unicode_width::UnicodeWidthStr;

use super::{escape, CHECKBOX_FONT};
use crate::image::Problem;
use crate::layout::{
    bullet, heading_number, inline_html, markdown_options, quote_label, BlockLine, Footnotes,
    HtmlBlock, InlineHtml, NotLaidOut,
};

/// What [`convert`] produces.
#[derive(Debug, Clone, Default)]
pub(super) struct Body {
    /// The block-level elements of `w:body`, without the section properties.
    pub xml: String,
    /// The footer line (the last `<!-- checkgen-footer: … -->`), if any.
    pub footer: Option<String>,
    /// The text of the first level-1 heading.
    pub first_heading: Option<String>,
    /// Constructs shown as their source text or alternative text, with their line numbers,
    /// in document order: what the PDF's layout reports too.
    pub not_laid_out: Vec<(usize, NotLaidOut)>,
}

/// Converts `markdown` into body XML for a text column `text_width` twips wide.
pub(super) fn convert(markdown: &str, text_width: u32) -> Body {
    let parser = Parser::new_ext(markdown, markdown_options()).into_offset_iter();
    let mut writer = Writer {
        text_width,
        ..Writer::default()
    };
    let mut events = parser;
    while let Some((event, range)) = events.next() {
        if let Event::Start(Tag::FootnoteDefinition(label)) = &event {
            let label = label.to_string();
            let mut held = vec![(event, range)];
            let mut depth = 1usize;
            for (event, range) in events.by_ref() {
                match &event {
                    Event::Start(Tag::FootnoteDefinition(_)) => depth += 1,
                    Event::End(TagEnd::FootnoteDefinition) => depth -= 1,
                    _ => {}
                }
                held.push((event, range));
                if depth == 0 {
                    break;
                }
            }
            writer.footnotes.push((label, held));
            continue;
        }
        writer.at = range.start;
        writer.event(event);
    }
    let mut body = writer.finish();
    body.not_laid_out = line_numbers(markdown, body.not_laid_out);
    body
}

/// Byte offsets → 1-based line numbers, in order of the offsets.
fn line_numbers(text: &str, mut found: Vec<(usize, NotLaidOut)>) -> Vec<(usize, NotLaidOut)> {
    found.sort_by_key(|(offset, _)| *offset);
    let mut line = 1;
    let mut counted = 0;
    for (offset, _) in &mut found {
        line += text.as_bytes()[counted..*offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = *offset;
        *offset = line;
    }
    found
}

/// Events of a footnote definition, held back for the end of the document.
type Held<'a> = Vec<(Event<'a>, Range<usize>)>;

/// What the paragraph being collected is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    #[default]
    Body,
    Heading(u8),
    Code,
}

/// The paragraph being collected: its kind and its runs.
#[derive(Debug, Default)]
struct Para {
    kind: Kind,
    runs: String,
    /// Plain text, for a heading's title.
    text: String,
}

/// One table cell: its runs and its plain text (lines split at breaks), to size its column.
#[derive(Debug, Default, Clone)]
struct Cell {
    runs: String,
    text: String,
}

/// The table being read.
#[derive(Debug, Default)]
struct TableBuf {
    aligns: Vec<Alignment>,
    head: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
    in_head: bool,
    /// The cell being filled, if any.
    cell: Option<Cell>,
}

#[derive(Default)]
struct Writer<'a> {
    text_width: u32,
    out: String,
    para: Option<Para>,
    table: Option<TableBuf>,
    /// Open lists: the next number of an ordered list.
    lists: Vec<Option<u64>>,
    /// The marker of a list item or footnote, put before its first paragraph.
    marker: Option<String>,
    quote_depth: usize,
    strong: usize,
    emphasis: usize,
    strike: usize,
    metadata: usize,
    /// The HTML block being read (a comment may span its lines).
    html: HtmlBlock,
    /// The next checkbox control's id.
    checkbox_id: u32,
    footer: Option<String>,
    first_heading: Option<String>,
    footnote_numbers: Footnotes,
    footnotes: Vec<(String, Held<'a>)>,
    /// Byte offset of the event being handled.
    at: usize,
    /// Constructs shown as text, with their byte offsets.
    not_laid_out: Vec<(usize, NotLaidOut)>,
}

/// Run formatting.
#[derive(Debug, Clone, Copy, Default)]
struct RunStyle {
    bold: bool,
    italic: bool,
    strike: bool,
    code: bool,
}

impl RunStyle {
    fn properties(self) -> String {
        let mut rpr = String::new();
        if self.code {
            rpr.push_str(r#"<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>"#);
        }
        if self.bold {
            rpr.push_str("<w:b/><w:bCs/>");
        }
        if self.italic {
            rpr.push_str("<w:i/><w:iCs/>");
        }
        if self.strike {
            rpr.push_str("<w:strike/>");
        }
        if self.code {
            rpr.push_str(r#"<w:shd w:val="clear" w:color="auto" w:fill="EDEDED"/>"#);
        }
        if rpr.is_empty() {
            rpr
        } else {
            format!("<w:rPr>{rpr}</w:rPr>")
        }
    }
}

/// Half-width characters a column of table text wants at most (longer text wraps).
const MAX_COLUMN_WIDTH: usize = 60;
/// A column with a header and only empty cells is for writing in: this many half-width
/// characters wide (12 ems, as in the PDF).
const FILL_IN_WIDTH: usize = 24;
/// No column narrower than this many half-width characters.
const MIN_COLUMN_WIDTH: usize = 4;
/// Every column gets up to this many half-width characters before any gets more (6 ems, as
/// in the PDF).
const COMFORTABLE_WIDTH: u32 = 12;
/// A half-width character of 9 pt table text, in twips.
const HALF_WIDTH_CHAR: u32 = 90;
/// A cell's left and right padding, in twips (4 pt, as in the PDF).
const CELL_PADDING: u32 = 80;
/// A list level's indent, in twips (two characters of 10.5 pt).
const LIST_INDENT: u32 = 420;
/// Header cell shading: the PDF's grey (0.88).
const HEADER_FILL: &str = "E0E0E0";

impl<'a> Writer<'a> {
    fn event(&mut self, event: Event<'a>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(text) => {
                let style = RunStyle {
                    code: true,
                    ..self.style()
                };
                self.push_text(&text, style);
            }
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
            Event::Html(html) => self.html_block(&html),
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::FootnoteReference(label) => {
                let number = self.footnote_numbers.number(&label);
                self.text(&format!("[{number}]"));
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.line_break(),
            Event::Rule => self.rule(),
            Event::TaskListMarker(checked) => {
                let style = self.style();
                self.checkbox(checked, style);
                self.push_text(" ", style);
            }
        }
    }

    fn start(&mut self, tag: Tag<'a>) {
        match tag {
            Tag::Paragraph => self.begin(Kind::Body),
            Tag::Heading { level, .. } => self.begin(Kind::Heading(heading_number(level))),
            Tag::BlockQuote(kind) => {
                self.flush();
                self.quote_depth += 1;
                if let Some(label) = kind.map(quote_label) {
                    self.begin(Kind::Body);
                    self.strong += 1;
                    self.text(label);
                    self.strong -= 1;
                    self.flush();
                }
            }
            Tag::CodeBlock(kind) => {
                self.begin(Kind::Code);
                match kind {
                    CodeBlockKind::Indented | CodeBlockKind::Fenced(_) => {}
                }
            }
            Tag::HtmlBlock => self.flush(),
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len();
                self.marker = Some(match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}.");
                        *n = n.saturating_add(1);
                        marker
                    }
                    Some(None) | None => bullet(depth).to_string(),
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.flush();
                let number = self.footnote_numbers.number(&label);
                self.lists.push(None);
                self.marker = Some(format!("[{number}]"));
            }
            Tag::DefinitionList => self.flush(),
            Tag::DefinitionListTitle => {
                self.begin(Kind::Body);
                self.strong += 1;
            }
            Tag::DefinitionListDefinition => {
                self.begin(Kind::Body);
                self.quote_depth += 1;
            }
            Tag::Table(aligns) => {
                self.flush();
                self.table = Some(TableBuf {
                    aligns,
                    ..TableBuf::default()
                });
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                }
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(table) = &mut self.table {
                    table.cell = Some(Cell::default());
                }
            }
            Tag::Emphasis => self.emphasis += 1,
            Tag::Superscript | Tag::Subscript => {}
            Tag::Strong => self.strong += 1,
            Tag::Strikethrough => self.strike += 1,
            // The link text is kept; the document is for printing and filling in.
            Tag::Link { .. } => {}
            // The alternative text is shown, as in the PDF.
            Tag::Image { dest_url, .. } => {
                let name: String = dest_url
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(80)
                    .collect();
                self.note(NotLaidOut::Image(name, Problem::Word));
            }
            Tag::MetadataBlock(kind) => {
                self.flush();
                match kind {
                    MetadataBlockKind::YamlStyle | MetadataBlockKind::PlusesStyle => {}
                }
                self.metadata += 1;
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => self.flush(),
            TagEnd::HtmlBlock => {
                self.html.end();
                self.flush();
            }
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
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::List(_) | TagEnd::FootnoteDefinition => {
                self.flush();
                self.pending_marker();
                self.lists.pop();
            }
            TagEnd::Item => {
                self.flush();
                self.pending_marker();
            }
            TagEnd::DefinitionList => self.flush(),
            TagEnd::DefinitionListTitle => {
                self.flush();
                self.strong = self.strong.saturating_sub(1);
            }
            TagEnd::DefinitionListDefinition => {
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.pending_marker();
                    self.write_table(table);
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
                    if let Some(cell) = table.cell.take() {
                        match (table.in_head, table.rows.last_mut()) {
                            (true, _) | (false, None) => table.head.push(cell),
                            (false, Some(row)) => row.push(cell),
                        }
                    }
                }
            }
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Superscript | TagEnd::Subscript => {}
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link | TagEnd::Image => {}
            TagEnd::MetadataBlock(_) => self.metadata = self.metadata.saturating_sub(1),
        }
    }

    /// The formatting inline text gets now: bold in headings and table headers, as in the PDF.
    fn style(&self) -> RunStyle {
        RunStyle {
            bold: self.strong > 0 || self.table.as_ref().is_some_and(|t| t.in_head),
            italic: self.emphasis > 0,
            strike: self.strike > 0,
            code: false,
        }
    }

    fn text(&mut self, text: &str) {
        let style = self.style();
        self.push_text(text, style);
    }

    /// Appends `text` as runs where inline content goes now (the open cell, else the open
    /// paragraph, opening one if needed); each ☐ (☑, ☒) becomes an unticked (ticked) checkbox
    /// control, and code keeps its line breaks.
    fn push_text(&mut self, text: &str, style: RunStyle) {
        if self.metadata > 0 || text.is_empty() {
            return;
        }
        let code = self.para.as_ref().is_some_and(|p| p.kind == Kind::Code) && self.table.is_none();
        let mut plain = String::new();
        for c in text.chars() {
            match c {
                '☐' | '☑' | '☒' => {
                    self.run(&std::mem::take(&mut plain), style);
                    self.checkbox(c != '☐', style);
                }
                '\n' if code => {
                    self.run(&std::mem::take(&mut plain), style);
                    self.line_break();
                }
                c => plain.push(c),
            }
        }
        self.run(&plain, style);
    }

    /// Where runs go: the open cell's, else the open paragraph's; and the plain text beside.
    fn target(&mut self) -> (&mut String, &mut String) {
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            return (&mut cell.runs, &mut cell.text);
        }
        let para = self.para.get_or_insert_with(Para::default);
        (&mut para.runs, &mut para.text)
    }

    fn run(&mut self, text: &str, style: RunStyle) {
        if text.is_empty() {
            return;
        }
        let (runs, plain) = self.target();
        let _ = write!(
            runs,
            r#"<w:r>{}<w:t xml:space="preserve">{}</w:t></w:r>"#,
            style.properties(),
            escape(text)
        );
        plain.push_str(text);
    }

    /// A checkbox content control showing ☐ or ☒, ticked and unticked by a click.
    fn checkbox(&mut self, checked: bool, style: RunStyle) {
        self.checkbox_id += 1;
        let id = self.checkbox_id;
        let fonts = format!(
            r#"<w:rFonts w:ascii="{CHECKBOX_FONT}" w:eastAsia="{CHECKBOX_FONT}" w:hAnsi="{CHECKBOX_FONT}" w:hint="eastAsia"/>"#
        );
        let bold = if style.bold { "<w:b/>" } else { "" };
        let (value, glyph) = if checked { (1, '☒') } else { (0, '☐') };
        let (runs, plain) = self.target();
        let _ = write!(
            runs,
            concat!(
                r#"<w:sdt><w:sdtPr><w:rPr>{fonts}</w:rPr><w:id w:val="{id}"/>"#,
                r#"<w14:checkbox><w14:checked w14:val="{value}"/>"#,
                r#"<w14:checkedState w14:val="2612" w14:font="{font}"/>"#,
                r#"<w14:uncheckedState w14:val="2610" w14:font="{font}"/></w14:checkbox></w:sdtPr>"#,
                r#"<w:sdtContent><w:r><w:rPr>{fonts}{bold}</w:rPr><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"#
            ),
            fonts = fonts,
            id = id,
            value = value,
            font = CHECKBOX_FONT,
            bold = bold,
            glyph = glyph,
        );
        plain.push(glyph);
    }

    fn line_break(&mut self) {
        let (runs, plain) = self.target();
        runs.push_str("<w:r><w:br/></w:r>");
        plain.push('\n');
    }

    /// Inline HTML, read as the PDF reads it ([`inline_html`]).
    fn inline_html(&mut self, html: &str) {
        match inline_html(html) {
            InlineHtml::Break => self.line_break(),
            InlineHtml::Comment => {}
            InlineHtml::Shown => {
                self.note(NotLaidOut::Html);
                self.text(html);
            }
        }
    }

    /// A line of an HTML block, read as the PDF reads it ([`HtmlBlock::line`]).
    fn html_block(&mut self, html: &str) {
        match self.html.line(html) {
            BlockLine::PageBreak => {
                self.flush();
                self.out
                    .push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#);
            }
            BlockLine::Footer(text) => {
                self.footer = Some(text.chars().filter(|c| !c.is_control()).collect());
            }
            BlockLine::Hidden => {}
            BlockLine::Shown => {
                self.note(NotLaidOut::Html);
                self.text(html.trim_end_matches('\n'));
                self.line_break();
            }
        }
    }

    /// Records a construct shown as text, for the warning.
    fn note(&mut self, what: NotLaidOut) {
        self.not_laid_out.push((self.at, what));
    }

    /// Starts a paragraph of `kind`, finishing any open one (not inside a table: a cell is
    /// one paragraph).
    fn begin(&mut self, kind: Kind) {
        if self.table.is_some() {
            return;
        }
        self.flush();
        self.para = Some(Para {
            kind,
            ..Para::default()
        });
    }

    /// Writes the open paragraph, if any.
    fn flush(&mut self) {
        let Some(para) = self.para.take() else {
            return;
        };
        if para.runs.is_empty() && self.marker.is_none() {
            return;
        }
        let mut ppr = String::new();
        match para.kind {
            Kind::Heading(level) => {
                let _ = write!(ppr, r#"<w:pStyle w:val="Heading{level}"/>"#);
                if level == 1 && self.first_heading.is_none() {
                    let title = para.text.replace('\n', " ").trim().to_string();
                    self.first_heading = Some(title);
                }
            }
            Kind::Code => ppr.push_str(r#"<w:pStyle w:val="Code"/>"#),
            Kind::Body => {}
        }
        let marker = self.marker.take();
        let depth = u32::try_from(self.lists.len() + self.quote_depth).unwrap_or(u32::MAX);
        if depth > 0 {
            let left = depth.min(8) * LIST_INDENT;
            let hanging = if marker.is_some() { LIST_INDENT } else { 0 };
            let _ = write!(ppr, r#"<w:ind w:left="{left}" w:hanging="{hanging}"/>"#);
        }
        let mut xml = format!("<w:p><w:pPr>{ppr}</w:pPr>");
        if let Some(marker) = marker {
            let _ = write!(
                xml,
                r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r><w:r><w:tab/></w:r>"#,
                escape(&marker)
            );
        }
        xml.push_str(&para.runs);
        xml.push_str("</w:p>");
        self.out.push_str(&xml);
    }

    /// A list item whose first block is not a paragraph: its marker on a line of its own.
    fn pending_marker(&mut self) {
        if self.marker.is_some() {
            self.para = Some(Para::default());
            self.flush();
        }
    }

    fn rule(&mut self) {
        self.flush();
        self.out.push_str(concat!(
            r#"<w:p><w:pPr><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="808080"/></w:pBdr>"#,
            r#"<w:spacing w:after="120"/></w:pPr></w:p>"#
        ));
    }

    /// A Word table: fixed column widths filling the text column, the header row marked to
    /// repeat on every page, no row split across pages, thin black borders as in the PDF.
    fn write_table(&mut self, table: TableBuf) {
        let columns = table
            .aligns
            .len()
            .max(table.head.len())
            .max(table.rows.iter().map(Vec::len).max().unwrap_or(0));
        if columns == 0 {
            return;
        }
        let available = self
            .text_width
            .saturating_sub(self.indent())
            .max(self.text_width / 3);
        let widths = column_widths(&table, columns, available);
        let border = r#"w:val="single" w:sz="4" w:space="0" w:color="000000""#;
        let _ = write!(
            self.out,
            concat!(
                r#"<w:tbl><w:tblPr><w:tblW w:w="{total}" w:type="dxa"/><w:tblInd w:w="{indent}" w:type="dxa"/>"#,
                r#"<w:tblBorders><w:top {b}/><w:left {b}/><w:bottom {b}/><w:right {b}/><w:insideH {b}/><w:insideV {b}/></w:tblBorders>"#,
                r#"<w:tblLayout w:type="fixed"/>"#,
                r#"<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="57" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>"#,
                r#"<w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>"#,
                r#"</w:tblPr><w:tblGrid>"#
            ),
            total = widths.iter().sum::<u32>(),
            indent = self.indent(),
            b = border,
        );
        for width in &widths {
            let _ = write!(self.out, r#"<w:gridCol w:w="{width}"/>"#);
        }
        self.out.push_str("</w:tblGrid>");
        let rows =
            std::iter::once((true, &table.head)).chain(table.rows.iter().map(|r| (false, r)));
        for (header, row) in rows {
            self.out.push_str("<w:tr><w:trPr><w:cantSplit/>");
            if header {
                self.out.push_str("<w:tblHeader/>");
            }
            self.out.push_str("</w:trPr>");
            for (column, width) in widths.iter().enumerate() {
                let runs = row.get(column).map_or("", |cell| cell.runs.as_str());
                let shading = if header {
                    format!(r#"<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>"#)
                } else {
                    String::new()
                };
                let jc = match table.aligns.get(column) {
                    Some(Alignment::Center) => r#"<w:jc w:val="center"/>"#,
                    Some(Alignment::Right) => r#"<w:jc w:val="right"/>"#,
                    Some(Alignment::Left | Alignment::None) | None => "",
                };
                let _ = write!(
                    self.out,
                    concat!(
                        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>"#,
                        r#"<w:p><w:pPr><w:pStyle w:val="TableText"/>{jc}</w:pPr>{runs}</w:p></w:tc>"#
                    ),
                    width = width,
                    shading = shading,
                    jc = jc,
                    runs = runs,
                );
            }
            self.out.push_str("</w:tr>");
        }
        self.out.push_str("</w:tbl>");
        // Word joins adjacent tables; a paragraph keeps them apart.
        self.out
            .push_str(r#"<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>"#);
    }

    /// Left indent of the current list and quote depth, in twips.
    fn indent(&self) -> u32 {
        u32::try_from(self.lists.len() + self.quote_depth)
            .unwrap_or(u32::MAX)
            .min(8)
            * LIST_INDENT
    }

    /// Finishes the document: the open paragraph, then the footnotes after a rule in the
    /// order of their numbers (an unreferenced one last).
    fn finish(mut self) -> Body {
        self.flush();
        let mut footnotes = std::mem::take(&mut self.footnotes);
        if !footnotes.is_empty() {
            self.footnote_numbers.sort(&mut footnotes);
            self.rule();
            for (_, events) in footnotes {
                for (event, range) in events {
                    self.at = range.start;
                    self.event(event);
                }
            }
            self.flush();
        }
        Body {
            xml: self.out,
            footer: self.footer,
            first_heading: self.first_heading,
            not_laid_out: self.not_laid_out,
        }
    }
}

/// Column widths in twips that fill `text_width`. Each column first gets what its longest
/// line needs up to a comfortable width (so that 序号 and ☐部分符合 do not wrap), then the
/// rest of the width goes to the columns whose lines are longer, in proportion to what they
/// lack; a column for writing in gets [`FILL_IN_WIDTH`] from the start.
fn column_widths(table: &TableBuf, columns: usize, text_width: u32) -> Vec<u32> {
    let line_width = |cell: &Cell| {
        cell.text
            .split('\n')
            .map(UnicodeWidthStr::width_cjk)
            .max()
            .unwrap_or(0)
    };
    // Natural widths in twips: half-width characters of table text and one to spare, plus
    // the cell's padding; and whether the column is for writing in.
    let columns: Vec<(u32, bool)> = (0..columns)
        .map(|column| {
            let header = table.head.get(column).map_or(0, line_width);
            let body = table
                .rows
                .iter()
                .filter_map(|row| row.get(column))
                .map(line_width)
                .max()
                .unwrap_or(0);
            let fill_in = body == 0 && !table.rows.is_empty();
            let chars = if fill_in {
                header.max(FILL_IN_WIDTH)
            } else {
                header.max(body) + 1
            };
            let chars = u32::try_from(chars.clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH))
                .expect("clamped to a small number");
            (chars * HALF_WIDTH_CHAR + 2 * CELL_PADDING, fill_in)
        })
        .collect();
    let natural: Vec<u32> = columns.iter().map(|&(n, _)| n).collect();
    let comfortable = COMFORTABLE_WIDTH * HALF_WIDTH_CHAR + 2 * CELL_PADDING;
    // A column for writing in gets all its width first, the others up to a comfortable one.
    let first: Vec<u32> = columns
        .iter()
        .map(|&(n, fill_in)| if fill_in { n } else { n.min(comfortable) })
        .collect();
    let given: u32 = first.iter().sum();
    if given >= text_width {
        // Too many columns even for that: shrink every one alike.
        return first.iter().map(|&w| scale(w, text_width, given)).collect();
    }
    let rest = text_width - given;
    let lacking: Vec<u32> = natural.iter().zip(&first).map(|(n, f)| n - f).collect();
    let lack: u32 = lacking.iter().sum();
    if lack >= rest {
        return first
            .iter()
            .zip(&lacking)
            .map(|(&f, &l)| f + scale(l, rest, lack))
            .collect();
    }
    // Every column gets its natural width; what is left goes to all alike.
    let total: u32 = natural.iter().sum();
    natural
        .iter()
        .map(|&n| n + scale(n, text_width - total, total))
        .collect()
}

/// `part × whole ÷ of`, rounded down, in 64 bits.
fn scale(part: u32, whole: u32, of: u32) -> u32 {
    u32::try_from(u64::from(part) * u64::from(whole) / u64::from(of.max(1)))
        .expect("part ≤ of, so the result ≤ whole")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_become_checkbox_controls_and_cells_stay_plain() {
        let body = convert(
            "# 表\n\n| 序号 | 结果 | 说明 |\n| --- | --- | --- |\n| 1 | ☐符合<br>☐不符合 |  |\n",
            9638,
        );
        assert_eq!(body.xml.matches("<w14:checkbox>").count(), 2);
        assert_eq!(body.xml.matches("<w:tblHeader/>").count(), 1);
        assert_eq!(body.xml.matches("<w:cantSplit/>").count(), 2);
        assert_eq!(body.first_heading.as_deref(), Some("表"));
        // The empty cell: a paragraph with no runs.
        assert!(body
            .xml
            .contains(r#"<w:pStyle w:val="TableText"/></w:pPr></w:p></w:tc></w:tr>"#));
    }

    #[test]
    fn footer_line_page_breaks_and_comments() {
        let body = convert(
            "<!-- checkgen-footer: 编号：X-1 -->\n\n一\n\n<!-- pagebreak -->\n\n<!-- 注释 -->\n\n二\n",
            9638,
        );
        assert_eq!(body.footer.as_deref(), Some("编号：X-1"));
        assert_eq!(body.xml.matches(r#"w:type="page""#).count(), 1);
        assert!(!body.xml.contains("注释"));
    }

    #[test]
    fn column_widths_fill_the_text_width() {
        let body = convert("| a | b |\n| - | - |\n| 长长长长长长长长长长 |  |\n", 9638);
        let widths: Vec<u32> = body
            .xml
            .match_indices(r#"<w:gridCol w:w=""#)
            .map(|(at, m)| {
                let rest = &body.xml[at + m.len()..];
                rest[..rest.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(widths.len(), 2);
        assert!(widths.iter().sum::<u32>() <= 9638 && widths.iter().sum::<u32>() > 9600);
    }
}
