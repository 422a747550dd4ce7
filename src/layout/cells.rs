//! Table rows and cells read back from a laid-out page, for what is put on top of a form (the
//! PDF's fill-in fields): where each cell is, its text, and its checkboxes.
//!
//! A table row is placed as one block: its cell text first, then its rules, ending with one
//! vertical rule per column edge spanning the row (see `table::rules`). A run of such rules
//! marks a row, and the text and checkbox squares drawn since the previous row are its cells'.
//! Nothing is recorded while laying out, so a document that wants no fields pays nothing.

use super::linebreak::is_checkbox;
use super::style::{HEADER_FILL, RULE_WIDTH};
use super::{Item, Page, Point};

/// One table row on a page (a row cut across pages gives one per piece).
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// Whether it is a (shaded) header row.
    pub header: bool,
    /// Top and bottom edges, from the page's top.
    pub top: f32,
    pub bottom: f32,
    /// Cells, left to right.
    pub cells: Vec<Cell>,
}

/// One cell of a [`TableRow`].
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Left and right edges (the rules').
    pub left: f32,
    pub right: f32,
    /// The cell's text, its lines joined without a separator.
    pub text: String,
    /// Its checkbox squares, in reading order.
    pub boxes: Vec<Checkbox>,
}

/// A drawn checkbox square and the words after it (`☐部分符合` → `部分符合`).
#[derive(Debug, Clone, PartialEq)]
pub struct Checkbox {
    /// Top-left corner.
    pub at: Point,
    /// Side of the square.
    pub side: f32,
    pub label: String,
}

/// Whether `item` is one of the vertical rules that end a table row.
fn row_rule(at: Point, item: &Item) -> Option<(f32, f32)> {
    match item {
        Item::Line { to, width, gray }
            if at.x == to.x && *width == RULE_WIDTH && *gray == 0.0 && to.y > at.y =>
        {
            Some((at.y, to.y))
        }
        _ => None,
    }
}

/// The table rows of `page`, top to bottom.
pub fn table_rows(page: &Page) -> Vec<TableRow> {
    rows_in(&page.items)
}

/// The table rows drawn by `items` (a page's, in order), top to bottom. Items after the last
/// row's rules (a footer) are in no row.
pub fn rows_in(items: &[(Point, Item)]) -> Vec<TableRow> {
    let mut rows = Vec::new();
    // Text runs `(x, baseline, text)` and squares `(top-left, side)` since the last row.
    let mut texts: Vec<(Point, &str)> = Vec::new();
    let mut squares: Vec<(Point, f32)> = Vec::new();
    let mut shaded = false;
    let mut i = 0;
    while i < items.len() {
        let (at, item) = &items[i];
        if let Some(span) = row_rule(*at, item) {
            let mut edges = vec![at.x];
            let mut j = i + 1;
            while let Some((next_at, next)) = items.get(j) {
                if row_rule(*next_at, next) != Some(span) {
                    break;
                }
                edges.push(next_at.x);
                j += 1;
            }
            if edges.len() >= 2 {
                let mut row = row(span, &edges, &texts, &squares);
                row.header = shaded;
                rows.push(row);
            }
            texts.clear();
            squares.clear();
            shaded = false;
            i = j;
            continue;
        }
        match item {
            Item::Text { text, .. } => texts.push((*at, text)),
            Item::Rect {
                width,
                height,
                fill: None,
                stroke: Some((_, gray)),
            } if *gray == 0.0 && (width - height).abs() < 0.01 => squares.push((*at, *width)),
            Item::Rect {
                fill: Some(level),
                stroke: None,
                ..
            } if *level == HEADER_FILL => shaded = true,
            _ => {}
        }
        i += 1;
    }
    rows
}

fn row(
    (top, bottom): (f32, f32),
    edges: &[f32],
    texts: &[(Point, &str)],
    squares: &[(Point, f32)],
) -> TableRow {
    let inside =
        |p: Point, left: f32, right: f32| p.x >= left && p.x < right && p.y > top && p.y <= bottom;
    let cells = edges
        .windows(2)
        .map(|edge| {
            let (left, right) = (edge[0], edge[1]);
            let text: String = texts
                .iter()
                .filter(|(at, _)| inside(*at, left, right))
                .map(|(_, text)| *text)
                .collect();
            // The words after each box character, in order; boxes are drawn in the same order.
            let labels: Vec<String> = text
                .split(is_checkbox)
                .skip(1)
                .map(|rest| {
                    rest.split(|c: char| c.is_whitespace())
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
            let mine: Vec<&(Point, f32)> = squares
                .iter()
                .filter(|(at, side)| inside(Point::new(at.x, at.y + side), left, right))
                .collect();
            let boxes = if mine.len() == labels.len() {
                mine.into_iter()
                    .zip(labels)
                    .map(|((at, side), label)| Checkbox {
                        at: *at,
                        side: *side,
                        label,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Cell {
                left,
                right,
                text,
                boxes,
            }
        })
        .collect();
    TableRow {
        header: false,
        top,
        bottom,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;
    use crate::layout::{layout, LayoutOptions};

    #[test]
    fn rows_cells_and_boxes_come_back_from_the_drawing() {
        let fonts = FontSet::get().unwrap();
        let markdown =
            "# 表\n\n| 序号 | 结果 | 说明 |\n| --- | --- | --- |\n| 1.2 | ☐符合<br>☐不符合 |  |\n";
        let document = layout(fonts, markdown, &LayoutOptions::default());
        let rows = table_rows(&document.pages[0]);
        assert_eq!(rows.len(), 2);
        assert!(rows[0].header && !rows[1].header);
        let texts: Vec<&str> = rows[0].cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["序号", "结果", "说明"]);
        let body = &rows[1];
        assert_eq!(body.cells[0].text, "1.2");
        assert_eq!(body.cells[2].text, "");
        let labels: Vec<&str> = body.cells[1]
            .boxes
            .iter()
            .map(|b| b.label.as_str())
            .collect();
        assert_eq!(labels, ["符合", "不符合"]);
        let first = &body.cells[1].boxes[0];
        assert!(first.at.x > body.cells[1].left && first.at.y > body.top);
        assert!(body.cells[1].boxes[1].at.y > first.at.y + first.side);
    }
}
