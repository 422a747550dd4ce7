//! Breaking inline text into lines of a given width, and drawing those lines.
//!
//! Break opportunities come from UAX #14 (`unicode-linebreak`): a line may break between any
//! two hanzi, Latin words and numbers stay whole, and closing punctuation (。，、；：？！）」》)
//! never starts a line nor opening punctuation ends one — the kinsoku rules of Chinese
//! typesetting are part of the algorithm's pair table. Breaking is greedy (first fit), which
//! is what Chinese forms expect: every line but the last is full.

use std::collections::HashSet;
use std::sync::Arc;

use unicode_linebreak::{linebreaks, BreakOpportunity};

use super::inline::{Inline, Style};
use super::style::CODE_SPAN_FILL;
use super::{Item, Point};
use crate::fonts::{FontId, FontSet};

/// One character with its position in the text, style and width in points.
#[derive(Debug, Clone, Copy)]
struct Glyph {
    byte: usize,
    c: char,
    style: Style,
    width: f32,
    /// Drawn as a box rather than from the font: a checkbox, or a character the face lacks.
    boxed: bool,
}

/// A run of same-style text within a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Frag {
    /// The characters, shared with the items drawn from them.
    pub text: Arc<str>,
    /// Their style.
    pub style: Style,
    /// Offset from the line's left end.
    pub x: f32,
    /// Width in points.
    pub width: f32,
    /// Some character is drawn as a box (see [`emit_line`]).
    pub boxed: bool,
}

/// One broken line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// The runs, left to right.
    pub frags: Vec<Frag>,
    /// Width of the text, trailing spaces excluded.
    pub width: f32,
}

/// Text measured once, ready to be measured or broken at any width: a table cell is both,
/// and its characters are looked up and its break opportunities found only once.
pub struct Shaped {
    /// The text, which lines copy their fragments from.
    text: String,
    glyphs: Vec<Glyph>,
    /// Break segments: `(first glyph, end glyph, mandatory break after)`.
    segments: Vec<(usize, usize, bool)>,
}

impl Shaped {
    /// Measures every character of `inline` set at `size` and finds where lines may break.
    pub fn new(fonts: &FontSet, inline: &Inline, size: f32) -> Shaped {
        let glyphs = glyphs(fonts, inline, size);
        let segments = segments(inline, &glyphs);
        Shaped {
            text: inline.text.clone(),
            glyphs,
            segments,
        }
    }
}

/// Measures every character once.
fn glyphs(fonts: &FontSet, inline: &Inline, size: f32) -> Vec<Glyph> {
    let mut out = Vec::with_capacity(inline.text.len() / 2);
    let mut runs = inline.runs.iter().peekable();
    let mut style = Style::PLAIN;
    for (byte, c) in inline.text.char_indices() {
        while let Some(&&(start, s)) = runs.peek() {
            if start > byte {
                break;
            }
            style = s;
            runs.next();
        }
        let (width, covered) = if c == '\n' {
            (0.0, true)
        } else {
            match fonts.glyph_advance(style.font, c) {
                Some(advance) => (advance * size, true),
                None => (size, false),
            }
        };
        out.push(Glyph {
            byte,
            c,
            style,
            width,
            boxed: !covered || is_checkbox(c),
        });
    }
    out
}

/// Break segments: `(first glyph, end glyph, mandatory break after)`.
fn segments(inline: &Inline, glyphs: &[Glyph]) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut gi = 0;
    for (pos, opportunity) in linebreaks(&inline.text) {
        while gi < glyphs.len() && glyphs[gi].byte < pos {
            gi += 1;
        }
        if gi > start {
            out.push((start, gi, opportunity == BreakOpportunity::Mandatory));
            start = gi;
        }
    }
    if start < glyphs.len() {
        out.push((start, glyphs.len(), true));
    }
    out
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\n' || c == '\u{3000}'
}

/// Width of `glyphs[a..b]` without its trailing spaces.
fn trimmed_width(glyphs: &[Glyph]) -> f32 {
    let end = glyphs
        .iter()
        .rposition(|g| !is_space(g.c))
        .map_or(0, |i| i + 1);
    glyphs[..end].iter().map(|g| g.width).sum()
}

/// Breaks `inline` at `size` into lines no wider than `max_width` (a single character wider
/// than that still gets a line of its own).
pub fn break_lines(fonts: &FontSet, inline: &Inline, size: f32, max_width: f32) -> Vec<Line> {
    Shaped::new(fonts, inline, size).break_lines(max_width)
}

impl Shaped {
    /// Breaks the text into lines no wider than `max_width` (a single character wider than
    /// that still gets a line of its own).
    pub fn break_lines(&self, max_width: f32) -> Vec<Line> {
        let glyphs = &self.glyphs;
        let mut lines = Vec::new();
        let mut line_start = 0;
        let mut line_end = 0;
        let mut width = 0.0f32;
        for &(a, b, mandatory) in &self.segments {
            let seg = &glyphs[a..b];
            let seg_trimmed = trimmed_width(seg);
            let seg_full: f32 = seg.iter().map(|g| g.width).sum();
            if line_end > line_start && width + seg_trimmed > max_width {
                lines.push(build_line(&self.text, &glyphs[line_start..line_end]));
                line_start = a;
                width = 0.0;
            }
            if line_end == line_start && seg_trimmed > max_width {
                // A word or number longer than the line: cut it where it overflows.
                let mut cut = a;
                let mut w = 0.0;
                for (i, g) in seg.iter().enumerate() {
                    if w + g.width > max_width && a + i > cut {
                        // Kinsoku holds inside a cut word too: move the cut back past an
                        // opening mark that would end the line or a closing one that would
                        // start the next, while the line keeps a character.
                        let mut at = a + i;
                        while at > cut + 1
                            && (is_opening(glyphs[at - 1].c) || is_closing(glyphs[at].c))
                        {
                            at -= 1;
                        }
                        lines.push(build_line(&self.text, &glyphs[cut..at]));
                        cut = at;
                        w = glyphs[at..a + i].iter().map(|g| g.width).sum();
                    }
                    w += g.width;
                }
                line_start = cut;
                width = w;
            } else {
                width += seg_full;
            }
            line_end = b;
            if mandatory {
                lines.push(build_line(&self.text, &glyphs[line_start..line_end]));
                line_start = b;
                width = 0.0;
            }
        }
        if line_end > line_start {
            lines.push(build_line(&self.text, &glyphs[line_start..line_end]));
        }
        if lines.is_empty() {
            lines.push(Line::default());
        }
        lines
    }

    /// The narrowest a column holding the text can be without cutting words (its widest
    /// unbreakable piece) and its natural width (its longest line when nothing wraps).
    pub fn measure(&self) -> (f32, f32) {
        let mut min = 0.0f32;
        let mut max = 0.0f32;
        let mut line = 0.0f32;
        for &(a, b, mandatory) in &self.segments {
            let seg = &self.glyphs[a..b];
            let trimmed = trimmed_width(seg);
            min = min.max(trimmed);
            max = max.max(line + trimmed);
            line += seg.iter().map(|g| g.width).sum::<f32>();
            if mandatory {
                line = 0.0;
            }
        }
        (min, max)
    }
}

/// Opening punctuation, which never ends a line (UAX #14 class OP: （「《 …).
fn is_opening(c: char) -> bool {
    unicode_linebreak::break_property(c as u32) == unicode_linebreak::BreakClass::OpenPunctuation
}

/// Closing punctuation, which never starts a line (UAX #14 classes CL, CP, EX, IS and NS:
/// 。，、；：？！）」》 …).
fn is_closing(c: char) -> bool {
    use unicode_linebreak::BreakClass as B;
    matches!(
        unicode_linebreak::break_property(c as u32),
        B::ClosePunctuation
            | B::CloseParenthesis
            | B::Exclamation
            | B::InfixSeparator
            | B::NonStarter
    )
}

/// Groups a line's glyphs into same-style fragments, dropping trailing spaces and breaks.
/// Each fragment's text is copied whole from `text`, where its glyphs lie side by side.
fn build_line(text: &str, glyphs: &[Glyph]) -> Line {
    let end = glyphs
        .iter()
        .rposition(|g| !is_space(g.c))
        .map_or(0, |i| i + 1);
    /// A fragment being gathered: whether a glyph may still join it, its byte range in
    /// `text`, style, offset, width and whether it holds a box.
    struct Part {
        open: bool,
        from: usize,
        to: usize,
        style: Style,
        x: f32,
        width: f32,
        boxed: bool,
    }
    let mut parts: Vec<Part> = Vec::new();
    let mut x = 0.0;
    for g in &glyphs[..end] {
        let to = g.byte + g.c.len_utf8();
        if g.c == '\n' {
            if let Some(part) = parts.last_mut() {
                part.open = false;
            }
            continue;
        }
        match parts.last_mut() {
            Some(part) if part.open && part.style == g.style => {
                part.to = to;
                part.width += g.width;
                part.boxed |= g.boxed;
            }
            _ => parts.push(Part {
                open: true,
                from: g.byte,
                to,
                style: g.style,
                x,
                width: g.width,
                boxed: g.boxed,
            }),
        }
        x += g.width;
    }
    Line {
        frags: parts
            .into_iter()
            .map(|part| Frag {
                text: text
                    .get(part.from..part.to)
                    .expect("glyph byte offsets come from the text's own char_indices")
                    .into(),
                style: part.style,
                x: part.x,
                width: part.width,
                boxed: part.boxed,
            })
            .collect(),
        width: x,
    }
}

/// The characters the font lacks, in order of first appearance, with a set beside the list
/// so that recording one is constant time however many there are.
#[derive(Debug, Default)]
pub struct Missing {
    /// The distinct characters, in order of first appearance.
    pub chars: Vec<char>,
    seen: HashSet<char>,
}

impl Missing {
    /// Records `c` unless it is recorded already.
    pub fn add(&mut self, c: char) {
        if self.seen.insert(c) {
            self.chars.push(c);
        }
    }
}

/// Checkbox characters: always drawn as vector boxes, whatever the font has, so every
/// viewer shows the same square.
pub fn is_checkbox(c: char) -> bool {
    matches!(c, '☐' | '☑' | '☒')
}

/// Draws `line` with its baseline's left end at `origin`, into `items`: the text runs, a rule
/// through struck text, and a box for every checkbox or character the font lacks (the
/// characters themselves stay in the text run for the text layer). Missing characters are
/// appended to `missing`.
pub fn emit_line(
    fonts: &FontSet,
    line: &Line,
    origin: Point,
    size: f32,
    items: &mut Vec<(Point, Item)>,
    missing: &mut Missing,
) {
    for frag in &line.frags {
        let at = Point::new(origin.x + frag.x, origin.y);
        if frag.style.code {
            // Painted first, so the text lies on it; within the line's own height.
            items.push((
                Point::new(at.x, origin.y - size * 0.88),
                Item::Rect {
                    width: frag.width,
                    height: size * 1.1,
                    fill: Some(CODE_SPAN_FILL),
                    stroke: None,
                },
            ));
        }
        items.push((
            at,
            Item::Text {
                text: Arc::clone(&frag.text),
                font: frag.style.font,
                size,
            },
        ));
        if frag.style.strike {
            let y = origin.y - size * 0.3;
            items.push((
                Point::new(at.x, y),
                Item::Line {
                    to: Point::new(at.x + frag.width, y),
                    width: size * 0.06,
                    gray: 0.0,
                },
            ));
        }
        if !frag.boxed {
            continue;
        }
        let mut x = at.x;
        for c in frag.text.chars() {
            let covered = fonts.covers(frag.style.font, c);
            let advance = if covered {
                fonts.advance(frag.style.font, c) * size
            } else {
                size
            };
            if is_checkbox(c) {
                draw_checkbox(c, Point::new(x, origin.y), size, items);
            } else if !covered && !c.is_whitespace() {
                draw_missing(Point::new(x, origin.y), size, items);
                missing.add(c);
            }
            x += advance;
        }
    }
}

/// A square of 0.78 em sitting on the baseline like a capital, with a tick (☑) or a cross
/// (☒) inside.
fn draw_checkbox(c: char, baseline: Point, size: f32, items: &mut Vec<(Point, Item)>) {
    let side = size * 0.78;
    let left = baseline.x + (size - side) / 2.0;
    let top = baseline.y - size * 0.82;
    let stroke = (size * 0.06).max(0.5);
    items.push((
        Point::new(left, top),
        Item::Rect {
            width: side,
            height: side,
            fill: None,
            stroke: Some((stroke, 0.0)),
        },
    ));
    let at = |fx: f32, fy: f32| Point::new(left + side * fx, top + side * fy);
    let mut line = |from: Point, to: Point| {
        items.push((
            from,
            Item::Line {
                to,
                width: stroke * 1.4,
                gray: 0.0,
            },
        ))
    };
    match c {
        '☑' => {
            line(at(0.2, 0.52), at(0.42, 0.75));
            line(at(0.42, 0.75), at(0.82, 0.22));
        }
        '☒' => {
            line(at(0.22, 0.22), at(0.78, 0.78));
            line(at(0.78, 0.22), at(0.22, 0.78));
        }
        _ => {}
    }
}

/// The hollow box standing in for a character the font lacks.
fn draw_missing(baseline: Point, size: f32, items: &mut Vec<(Point, Item)>) {
    items.push((
        Point::new(baseline.x + size * 0.15, baseline.y - size * 0.8),
        Item::Rect {
            width: size * 0.7,
            height: size * 0.9,
            fill: None,
            stroke: Some(((size * 0.05).max(0.4), 0.35)),
        },
    ));
}

/// The width of `text` set in `font` at `size`.
pub fn text_width(fonts: &FontSet, font: FontId, text: &str, size: f32) -> f32 {
    text.chars().map(|c| fonts.advance(font, c)).sum::<f32>() * size
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, width_ems: f32) -> Vec<String> {
        let fonts = FontSet::get().expect("fonts");
        let mut inline = Inline::default();
        inline.push(text, Style::PLAIN);
        break_lines(fonts, &inline, 10.0, width_ems * 10.0)
            .into_iter()
            .map(|l| l.frags.iter().map(|f| &*f.text).collect())
            .collect()
    }

    #[test]
    fn breaks_between_hanzi() {
        assert_eq!(lines("信息安全等级保护", 3.0), ["信息安", "全等级", "保护"]);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        for line in lines(
            "检查信息系统定级，查阅备案证明。核查整改报告、测评报告；结论！",
            3.0,
        ) {
            let first = line.chars().next().unwrap_or(' ');
            assert!(
                !"。，、；：？！）」》".contains(first),
                "line starts with {first}"
            );
        }
    }

    #[test]
    fn a_cut_word_keeps_kinsoku() {
        // Digits and a full-width parenthesis make one piece longer than the line; it is cut
        // before the （, not after it.
        assert_eq!(lines("0000000（等", 5.0), ["0000000", "（等"]);
    }

    #[test]
    fn latin_words_and_numbers_stay_whole() {
        let got = lines("代码91370600MA3C00003H有效", 12.0);
        assert!(
            got.iter().any(|l| l.contains("91370600MA3C00003H")),
            "{got:?}"
        );
    }

    #[test]
    fn overlong_words_are_cut() {
        let got = lines(&"A".repeat(100), 5.0);
        assert!(got.len() > 5);
        assert!(got.iter().all(|l| !l.is_empty()));
    }
}
