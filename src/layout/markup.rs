//! What a document's raw HTML and footnote labels mean, decided once for both of its writers:
//! the PDF's walker and the Word body ([`crate::docx`]) ask here, so the two never disagree
//! about a comment, a line break, a page break or a footnote's number.

/// An HTML comment block that starts a new page: `<!-- pagebreak -->` on a line of its own.
pub const PAGE_BREAK: &str = "<!-- pagebreak -->";

/// The start of an HTML comment on a line of its own whose text is printed beside the page
/// number in every footer: `<!-- checkgen-footer: 编号：SD-2026-00001 -->` (the last one wins).
/// Markdown viewers show nothing; issued forms carry their number this way.
pub const FOOTER_MARK: &str = "<!-- checkgen-footer:";

/// What a piece of inline HTML is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineHtml {
    /// `<br>` (tables use it inside cells): a line break.
    Break,
    /// A comment: nothing.
    Comment,
    /// Any other tag: shown as written, and reported.
    Shown,
}

/// Reads a piece of inline HTML.
pub fn inline_html(html: &str) -> InlineHtml {
    let tag = html.trim().to_ascii_lowercase().replace(' ', "");
    if tag == "<br>" || tag == "<br/>" || tag == "</br>" {
        InlineHtml::Break
    } else if tag.starts_with("<!--") {
        InlineHtml::Comment
    } else {
        InlineHtml::Shown
    }
}

/// What a line of an HTML block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockLine<'a> {
    /// [`PAGE_BREAK`]: the next content starts a page.
    PageBreak,
    /// [`FOOTER_MARK`]: the footer line, trimmed.
    Footer(&'a str),
    /// A comment, part of one, or blank: nothing.
    Hidden,
    /// Anything else: shown as written, and reported.
    Shown,
}

/// The HTML block being read. A block arrives line by line, and a comment may span several
/// lines.
#[derive(Debug, Default)]
pub struct HtmlBlock {
    in_comment: bool,
}

impl HtmlBlock {
    /// Whether no comment is open.
    pub fn is_idle(&self) -> bool {
        !self.in_comment
    }

    /// Reads the next line of the block.
    pub fn line<'a>(&mut self, html: &'a str) -> BlockLine<'a> {
        let trimmed = html.trim();
        if trimmed == PAGE_BREAK {
            return BlockLine::PageBreak;
        }
        if self.in_comment {
            self.in_comment = !trimmed.contains("-->");
            return BlockLine::Hidden;
        }
        if let Some(text) = trimmed
            .strip_prefix(FOOTER_MARK)
            .and_then(|rest| rest.strip_suffix("-->"))
        {
            return BlockLine::Footer(text.trim());
        }
        if let Some(rest) = trimmed.strip_prefix("<!--") {
            self.in_comment = !rest.contains("-->");
            return BlockLine::Hidden;
        }
        if trimmed.is_empty() {
            return BlockLine::Hidden;
        }
        BlockLine::Shown
    }

    /// The block ended: a comment left open ends with it.
    pub fn end(&mut self) {
        self.in_comment = false;
    }
}

/// Footnote numbers: the order of each label's first reference.
#[derive(Debug, Default)]
pub struct Footnotes {
    order: Vec<String>,
}

impl Footnotes {
    /// Whether no footnote has a number yet.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The number of `label`, given it now if it has none.
    pub fn number(&mut self, label: &str) -> usize {
        match self.order.iter().position(|l| l == label) {
            Some(index) => index + 1,
            None => {
                self.order.push(label.to_string());
                self.order.len()
            }
        }
    }

    /// Puts footnote definitions in the order of their numbers; a definition nothing refers
    /// to comes last, numbered after the others.
    pub fn sort<T>(&mut self, definitions: &mut [(String, T)]) {
        for (label, _) in definitions.iter() {
            self.number(label);
        }
        definitions.sort_by_key(|(label, _)| {
            self.order
                .iter()
                .position(|l| l == label)
                .expect("every label was numbered just above")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_html_is_a_break_a_comment_or_shown() {
        assert_eq!(inline_html("<br>"), InlineHtml::Break);
        assert_eq!(inline_html("<BR />"), InlineHtml::Break);
        assert_eq!(inline_html("<!-- note -->"), InlineHtml::Comment);
        assert_eq!(inline_html("<span>"), InlineHtml::Shown);
    }

    #[test]
    fn a_comment_spans_lines_until_its_end_or_the_block_end() {
        let mut block = HtmlBlock::default();
        assert_eq!(block.line("<!-- start"), BlockLine::Hidden);
        assert_eq!(block.line("<div>"), BlockLine::Hidden);
        assert_eq!(block.line("end -->"), BlockLine::Hidden);
        assert_eq!(block.line("<div>"), BlockLine::Shown);
        assert_eq!(block.line("<!-- open"), BlockLine::Hidden);
        block.end();
        assert_eq!(block.line("<div>"), BlockLine::Shown);
        assert_eq!(block.line(PAGE_BREAK), BlockLine::PageBreak);
        assert_eq!(
            block.line("<!-- checkgen-footer: 编号：SD-1 -->"),
            BlockLine::Footer("编号：SD-1")
        );
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference_and_unreferenced_ones_last() {
        let mut notes = Footnotes::default();
        assert_eq!(notes.number("b"), 1);
        assert_eq!(notes.number("a"), 2);
        assert_eq!(notes.number("b"), 1);
        let mut definitions = vec![("c".to_string(), 3), ("a".into(), 2), ("b".into(), 1)];
        notes.sort(&mut definitions);
        let labels: Vec<&str> = definitions.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(labels, ["b", "a", "c"]);
    }
}
