//! Property tests of line breaking and column widths, on random Chinese and Latin text.

use proptest::prelude::*;

use super::inline::{Inline, Style};
use super::linebreak::{Line, Shaped};
use super::table::column_widths;
use crate::fonts::FontSet;

/// Closing punctuation, which never starts a line, and opening punctuation, which never ends
/// one (the kinsoku rules).
const CLOSING: &str = "。，、；：？！）」》";
const OPENING: &str = "（「《";

/// Text as forms have it: hanzi, hanzi with punctuation attached, short Latin words and
/// numbers, spaces and hard breaks. No piece is wider than four ems, so every break in it is
/// a chosen one, never a cut through an overlong word.
fn text() -> impl Strategy<Value = String> {
    let hanzi = prop::sample::select(
        "等级保护备案测评整改信息安全个人数据"
            .chars()
            .collect::<Vec<_>>(),
    );
    let closing = prop::sample::select(CLOSING.chars().collect::<Vec<_>>());
    let opening = prop::sample::select(OPENING.chars().collect::<Vec<_>>());
    let piece = prop_oneof![
        6 => hanzi.clone().prop_map(String::from),
        2 => (hanzi.clone(), closing).prop_map(|(h, c)| format!("{h}{c}")),
        1 => (opening, hanzi).prop_map(|(o, h)| format!("{o}{h}")),
        2 => "[a-zA-Z]{1,5}".prop_map(|w| format!(" {w} ")),
        1 => "[0-9]{1,4}",
        1 => Just(" ".to_string()),
        1 => Just("\n".to_string()),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

fn shaped(text: &str, size: f32) -> (Inline, Shaped) {
    let fonts = FontSet::get().expect("the embedded faces load");
    let mut inline = Inline::default();
    inline.push(text, Style::PLAIN);
    let shaped = Shaped::new(fonts, &inline, size);
    (inline, shaped)
}

fn line_text(line: &Line) -> String {
    line.frags.iter().map(|f| &*f.text).collect()
}

fn without_spaces(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '\n' | '\u{3000}'))
        .collect()
}

proptest! {
    #[test]
    fn broken_lines_rejoin_to_the_text(text in text(), ems in 5.0f32..40.0) {
        let size = 10.5;
        let (inline, shaped) = shaped(&text, size);
        let lines = shaped.break_lines(ems * size);
        let rejoined: String = lines.iter().map(line_text).collect();
        // Only the spaces and hard breaks at line ends are dropped.
        prop_assert_eq!(without_spaces(&rejoined), without_spaces(&inline.text));
    }

    #[test]
    fn lines_fit_their_width(text in text(), ems in 5.0f32..40.0) {
        let size = 10.5;
        let max_width = ems * size;
        let (_, shaped) = shaped(&text, size);
        for line in shaped.break_lines(max_width) {
            prop_assert!(line.width <= max_width + 0.01, "{} > {max_width}: {:?}", line.width, line_text(&line));
            let frags: f32 = line.frags.iter().map(|f| f.width).sum();
            prop_assert!((frags - line.width).abs() < 0.01);
        }
    }

    #[test]
    fn no_line_starts_with_closing_or_ends_with_opening_punctuation(text in text(), ems in 5.0f32..40.0) {
        let (_, shaped) = shaped(&text, 10.5);
        let lines = shaped.break_lines(ems * 10.5);
        for pair in lines.windows(2) {
            let (before, after) = (line_text(&pair[0]), line_text(&pair[1]));
            if let Some(first) = after.chars().next() {
                prop_assert!(!CLOSING.contains(first), "line starts with {first}: {after:?}");
            }
            if let Some(last) = before.chars().next_back() {
                prop_assert!(!OPENING.contains(last), "line ends with {last}: {before:?}");
            }
        }
    }

    #[test]
    fn column_widths_fill_the_table(
        cells in prop::collection::vec(prop::collection::vec(text(), 1..8), 1..6),
        width in 100.0f32..800.0,
    ) {
        let columns = cells.iter().map(Vec::len).max().unwrap_or(1);
        let rows: Vec<Vec<(f32, f32)>> = cells
            .iter()
            .map(|row| {
                (0..columns)
                    .map(|c| shaped(row.get(c).map_or("", String::as_str), 9.0).1.measure())
                    .collect()
            })
            .collect();
        let (widths, _, _) = column_widths(&rows, columns, width);
        prop_assert_eq!(widths.len(), columns);
        prop_assert!(widths.iter().all(|w| w.is_finite() && *w > 0.0), "{widths:?}");
        let sum: f32 = widths.iter().sum();
        prop_assert!((sum - width).abs() < width * 1e-4, "{sum} != {width}");
    }
}
