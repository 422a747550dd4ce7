//! Property tests of what templates rely on: a value escaped by `template::escape` reads back,
//! through an independent Markdown parser (pulldown-cmark with GFM tables), as exactly one
//! table cell holding the same text.

use checkgen::template::escape;
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The body cells of a one-column table, as plain text.
fn body_cells(markdown: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut in_body = false;
    let mut current: Option<String> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::End(TagEnd::TableHead) => in_body = true,
            Event::Start(Tag::TableCell) if in_body => current = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let Some(cell) = current.take() {
                    cells.push(cell);
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(cell) = current.as_mut() {
                    cell.push_str(&text);
                }
            }
            _ => {}
        }
    }
    cells
}

/// Organisation names as rosters have them: Chinese, Latin, digits, and every ASCII character
/// that means something in Markdown, with line breaks.
fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(
                "山东烟台某某科技有限公司（分公司）"
                    .chars()
                    .collect::<Vec<_>>()
            ),
            prop::char::range('!', '~'),
            Just(' '),
            Just('\n'),
            Just('\r'),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #[test]
    fn an_escaped_value_is_one_cell_with_the_same_text(value in value()) {
        let markdown = format!("| 单位名称 |\n| --- |\n| {} |\n", escape(&value));
        let cells = body_cells(&markdown);
        prop_assert_eq!(cells.len(), 1, "{:?} → {:?}", value, markdown);
        let expected: String = value.replace('\r', "").replace('\n', " ");
        prop_assert_eq!(cells[0].trim(), expected.trim(), "{:?}", markdown);
    }
}
