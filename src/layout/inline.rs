//! Inline content of one block (a paragraph, a heading, a table cell): text with style runs,
//! cleaned of characters that must not reach a page.

use crate::fonts::FontId;

/// How a stretch of inline text is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Style {
    /// The face (bold text uses the bold face; italic and code use the regular one).
    pub font: FontId,
    /// Struck through (`~~text~~`).
    pub strike: bool,
    /// Inline code (`` `text` ``), set on a grey ground.
    pub code: bool,
}

impl Style {
    /// Regular, not struck through.
    pub const PLAIN: Style = Style {
        font: FontId::Regular,
        strike: false,
        code: false,
    };
}

/// Text of one block plus where its style changes. Hard line breaks are `'\n'` in the text.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    /// The characters, cleaned.
    pub text: String,
    /// `(byte offset, style)` pairs, ascending: each style applies up to the next offset.
    pub runs: Vec<(usize, Style)>,
    /// A soft line break was seen and not yet resolved: it becomes a space between Latin
    /// words, and nothing between Chinese characters (a newline inside a Chinese sentence in
    /// the source is not a word gap).
    pending_soft: bool,
}

impl Inline {
    /// Text with its style runs, as [`Inline::into_parts`] gave them.
    pub fn from_parts(text: String, runs: Vec<(usize, Style)>) -> Inline {
        Inline {
            text,
            runs,
            pending_soft: false,
        }
    }

    /// The text and its style runs.
    pub fn into_parts(self) -> (String, Vec<(usize, Style)>) {
        (self.text, self.runs)
    }

    /// Appends `s` in `style`.
    pub fn push(&mut self, s: &str, style: Style) {
        let mut chars = s.chars().filter_map(clean).peekable();
        let Some(&first) = chars.peek() else {
            return;
        };
        if self.pending_soft {
            self.pending_soft = false;
            let joins_cjk = self.text.chars().next_back().is_some_and(is_wide) || is_wide(first);
            let at_break = self.text.is_empty() || self.text.ends_with(['\n', ' ']);
            if !joins_cjk && !at_break && first != ' ' {
                self.push_char(' ', style);
            }
        }
        self.mark(style);
        if s.chars().all(|c| clean(c) == Some(c)) {
            // The usual case, copied whole.
            self.text.push_str(s);
        } else {
            self.text.extend(chars);
        }
    }

    /// Starts a run of `style` here unless the last run already has it.
    fn mark(&mut self, style: Style) {
        if self.runs.last().map(|r| r.1) != Some(style) {
            self.runs.push((self.text.len(), style));
        }
    }

    fn push_char(&mut self, c: char, style: Style) {
        self.mark(style);
        self.text.push(c);
    }

    /// A soft break (a newline in the source paragraph).
    pub fn soft_break(&mut self) {
        self.pending_soft = true;
    }

    /// A hard break (`<br>`, two trailing spaces, a backslash).
    pub fn hard_break(&mut self) {
        self.pending_soft = false;
        self.push_char('\n', self.runs.last().map_or(Style::PLAIN, |r| r.1));
    }

    /// Whether nothing printable was added.
    pub fn is_blank(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// What a source character becomes on the page: tabs turn into spaces; control characters
/// and invisible format characters (zero-width space, variation selectors, BOM, soft hyphen)
/// are dropped, since they have no glyph and nothing to show.
fn clean(c: char) -> Option<char> {
    match c {
        '\t' => Some(' '),
        '\n' => Some('\n'),
        c if c.is_control() => None,
        '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{E0000}'..='\u{E0FFF}' => None,
        c => Some(c),
    }
}

/// East Asian wide characters: hanzi, kana, hangul, CJK and full-width punctuation.
pub fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A000}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_breaks_join_cjk_and_space_latin() {
        let mut inline = Inline::default();
        inline.push("信息", Style::PLAIN);
        inline.soft_break();
        inline.push("安全 and", Style::PLAIN);
        inline.soft_break();
        inline.push("more", Style::PLAIN);
        assert_eq!(inline.text, "信息安全 and more");
    }

    #[test]
    fn control_characters_are_dropped() {
        let mut inline = Inline::default();
        inline.push("a\u{0}b\u{200B}c\td", Style::PLAIN);
        assert_eq!(inline.text, "abc d");
    }
}
