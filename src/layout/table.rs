//! GFM tables: cells collected while walking, then measured, sized and placed row by row.
//!
//! Column widths follow the automatic table layout of browsers: every column gets at least
//! its widest unbreakable word (so a narrow 序号 column stays narrow), and the rest of the
//! width goes to columns in proportion to how much more they would like (so long 检查内容
//! text gets the room). Rows never split across pages unless a single row is taller than a
//! page; the shaded header row is repeated at the top of every page the table continues on.

use pulldown_cmark::Alignment;

use super::inline::Inline;
use std::rc::Rc;

use super::cache::{self, Cell};
use super::linebreak::{emit_line, Line, Missing};
use super::page::{Block, PageBuilder};
use super::structure::Structure;
use super::style::{
    CELL_PAD_X, CELL_PAD_Y, COMFORTABLE_EMS, FILL_IN_EMS, HEADER_FILL, NARROW_COLUMN_EMS,
    RULE_WIDTH, TABLE_LEADING, TABLE_SIZE,
};
use super::{Item, Point, Reuse, Role, Tag};
use crate::fonts::FontSet;

/// A table being read: its column alignments and the cells seen so far.
#[derive(Debug, Default)]
pub struct TableState {
    aligns: Vec<Alignment>,
    /// Rows of cells; the first is the header.
    rows: Vec<Vec<Inline>>,
    /// Set while inside a cell; text goes to the last cell of the last row.
    in_cell: bool,
    /// Set while inside the header row.
    pub in_head: bool,
}

impl TableState {
    /// A table with these column alignments.
    pub fn new(aligns: Vec<Alignment>) -> Self {
        TableState {
            aligns,
            ..TableState::default()
        }
    }

    /// Opens a row.
    pub fn start_row(&mut self) {
        self.rows.push(Vec::new());
    }

    /// Opens a cell in the current row.
    pub fn start_cell(&mut self) {
        if self.rows.is_empty() {
            self.rows.push(Vec::new());
        }
        if let Some(row) = self.rows.last_mut() {
            row.push(Inline::default());
        }
        self.in_cell = true;
    }

    /// Closes the current cell.
    pub fn end_cell(&mut self) {
        self.in_cell = false;
    }

    /// The cell text goes to, if inside a cell.
    pub fn cell(&mut self) -> Option<&mut Inline> {
        if !self.in_cell {
            return None;
        }
        self.rows.last_mut().and_then(|row| row.last_mut())
    }
}

/// One laid-out row: each cell's lines, and the row height.
struct Row {
    cells: Vec<Rc<[Line]>>,
    height: f32,
}

/// Where and how wide the table's columns are.
struct Grid {
    /// Left edge of each column, plus the table's right edge last.
    edges: Vec<f32>,
    aligns: Vec<Alignment>,
    line_height: f32,
}

impl Grid {
    fn width(&self, col: usize) -> f32 {
        self.edges[col + 1] - self.edges[col]
    }

    fn left(&self) -> f32 {
        self.edges[0]
    }

    fn right(&self) -> f32 {
        self.edges[self.edges.len() - 1]
    }
}

/// Lays out `table` in `column`, between `x` and `x + width`, and places it; its cells are
/// shaped afresh or taken from the thread's cache as `reuse` says. Returns whether the
/// columns' narrowest widths overflowed `width` (words were cut), which asks for landscape.
pub fn place(
    fonts: &FontSet,
    reuse: Reuse,
    page: &mut PageBuilder<'_>,
    table: TableState,
    (x, width): (f32, f32),
    structure: &mut Structure,
    missing: &mut Missing,
) -> bool {
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(table.aligns.len());
    if columns == 0 {
        return false;
    }
    let table_aligns = table.aligns;
    // Cells come shaped from the thread's cache when asked: the same question, citation or
    // row of boxes is shaped once however often it appears (see `cache`).
    let rows: Vec<Vec<Rc<Cell>>> = table
        .rows
        .into_iter()
        .map(|row| {
            let mut row = row.into_iter();
            (0..columns)
                .map(|_| {
                    let inline = row.next().unwrap_or_default();
                    match reuse {
                        Reuse::Thread => cache::cell(fonts, inline, TABLE_SIZE),
                        Reuse::Document => cache::shape(fonts, &inline, TABLE_SIZE),
                    }
                })
                .collect()
        })
        .collect();
    let measures: Vec<Vec<(f32, f32)>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| cell.measure()).collect())
        .collect();
    let (widths, overflow, narrow) = column_widths(&measures, columns, width);
    let mut edges = Vec::with_capacity(columns + 1);
    let mut left = x;
    edges.push(left);
    for w in &widths {
        left += w;
        edges.push(left);
    }
    let aligns = (0..columns)
        .map(
            |c| match table_aligns.get(c).copied().unwrap_or(Alignment::None) {
                Alignment::None if narrow[c] => Alignment::Center,
                other => other,
            },
        )
        .collect();
    let grid = Grid {
        edges,
        aligns,
        line_height: TABLE_SIZE * TABLE_LEADING,
    };

    let mut laid = rows
        .into_iter()
        .map(|cells| layout_row(&grid, &cells))
        .peekable();
    let Some(header) = laid.next() else {
        return overflow;
    };
    structure.open(Role::Table);
    structure.open(Role::TableHead);
    let cells = row_elements(structure, columns, Role::HeaderCell);
    let first = laid.peek().map_or(0.0, |r| r.height);
    if header.height <= page.capacity() / 3.0 {
        let header_block = row_block(
            fonts,
            &grid,
            &header.cells,
            header.height,
            true,
            &cells,
            missing,
        );
        page.ensure(header_block.height + first.min(page.capacity() / 2.0));
        page.place(header_block.clone());
        page.repeat_header(Some(header_block));
    } else {
        // A header this tall would crowd out the rows it heads: place it once, like a row.
        place_row(fonts, page, &grid, header, &cells, true, missing);
    }
    structure.close(Role::TableHead);
    if laid.peek().is_some() {
        structure.open(Role::TableBody);
    }
    for row in laid {
        let cells = row_elements(structure, columns, Role::Cell);
        place_row(fonts, page, &grid, row, &cells, false, missing);
    }
    structure.close(Role::Table);
    page.repeat_header(None);
    overflow
}

/// Column widths filling `width`, whether the minimums overflowed, and which columns are
/// narrow enough to centre.
pub(super) fn column_widths(
    rows: &[Vec<(f32, f32)>],
    columns: usize,
    width: f32,
) -> (Vec<f32>, bool, Vec<bool>) {
    let pad = 2.0 * CELL_PAD_X;
    let mut min = vec![pad; columns];
    let mut max = vec![pad; columns];
    let mut body_max = vec![0.0f32; columns];
    for (r, row) in rows.iter().enumerate() {
        for (c, &(lo, hi)) in row.iter().enumerate() {
            min[c] = min[c].max(lo + pad);
            max[c] = max[c].max(hi + pad);
            if r > 0 {
                body_max[c] = body_max[c].max(hi);
            }
        }
    }
    let narrow = body_max
        .iter()
        .map(|w| *w > 0.0 && *w <= NARROW_COLUMN_EMS * TABLE_SIZE)
        .collect();
    for c in 0..columns {
        if body_max[c] == 0.0 && rows.len() > 1 {
            // Empty in every row: a column to be filled in by hand (问题描述或证明材料). Its
            // content gives it no claim to the spare width, so it is granted its room outright.
            let room = FILL_IN_EMS * TABLE_SIZE + pad;
            min[c] = min[c].max(room);
            max[c] = max[c].max(room);
        }
    }
    // Hanzi may break anywhere, so the true minimum of a Chinese column is one character,
    // which would stack short phrases (☐部分符合, 查阅文档) one glyph per line. Prefer to
    // give every column its natural width up to a few characters when that fits.
    let comfortable: Vec<f32> = min
        .iter()
        .zip(&max)
        .map(|(lo, hi)| lo.max(hi.min(COMFORTABLE_EMS * TABLE_SIZE + pad)))
        .collect();
    if comfortable.iter().sum::<f32>() <= width {
        min = comfortable;
    }
    let min_sum: f32 = min.iter().sum();
    let max_sum: f32 = max.iter().sum();
    let widths = if max_sum <= width {
        // Everything fits on one line: spread the spare width in proportion to content.
        max.iter()
            .map(|m| m + (width - max_sum) * m / max_sum)
            .collect()
    } else if min_sum <= width {
        let want: f32 = max.iter().zip(&min).map(|(hi, lo)| hi - lo).sum();
        let spare = width - min_sum;
        min.iter()
            .zip(&max)
            .map(|(lo, hi)| {
                if want > 0.0 {
                    lo + spare * (hi - lo) / want
                } else {
                    lo + spare / columns as f32
                }
            })
            .collect()
    } else {
        min.iter().map(|lo| lo * width / min_sum).collect()
    };
    (widths, min_sum > width + 0.5, narrow)
}

fn layout_row(grid: &Grid, cells: &[Rc<Cell>]) -> Row {
    let cells: Vec<Rc<[Line]>> = cells
        .iter()
        .enumerate()
        .map(|(c, cell)| {
            let inner = (grid.width(c) - 2.0 * CELL_PAD_X).max(TABLE_SIZE);
            cell.lines(inner)
        })
        .collect();
    let lines = cells
        .iter()
        .map(|lines| lines.len())
        .max()
        .unwrap_or(1)
        .max(1);
    Row {
        height: lines as f32 * grid.line_height + 2.0 * CELL_PAD_Y,
        cells,
    }
}

/// A row element with one cell element of `role` per column; returns the cells.
fn row_elements(structure: &mut Structure, columns: usize, role: Role) -> Vec<usize> {
    structure.open(Role::Row);
    let cells = (0..columns).map(|_| structure.leaf(role)).collect();
    structure.close(Role::Row);
    cells
}

/// Places one body row: on this page if it fits, else on the next (under the repeated
/// header); a row taller than a whole page is cut between lines. The text of column `c` is
/// tagged as the element `cells[c]`.
fn place_row(
    fonts: &FontSet,
    page: &mut PageBuilder<'_>,
    grid: &Grid,
    row: Row,
    cells: &[usize],
    header: bool,
    missing: &mut Missing,
) {
    // A held heading goes down with the row, or with the first line of a row too tall for
    // any page; `room` below is then what is left under it.
    let one_line = grid.line_height + 2.0 * CELL_PAD_Y;
    page.ensure(if row.height <= page.capacity() {
        row.height
    } else {
        one_line
    });
    if row.height <= page.room() {
        page.place(row_block(
            fonts, grid, &row.cells, row.height, header, cells, missing,
        ));
        return;
    }
    if row.height <= page.capacity() {
        page.new_page();
        page.place(row_block(
            fonts, grid, &row.cells, row.height, header, cells, missing,
        ));
        return;
    }
    let mut rest: Vec<Vec<Line>> = row.cells.iter().map(|lines| lines.to_vec()).collect();
    let mut fresh = false;
    loop {
        let mut fit = ((page.room() - 2.0 * CELL_PAD_Y) / grid.line_height).floor();
        if fit < 1.0 && !fresh {
            page.new_page();
            fresh = true;
            continue;
        }
        // On a fresh page at least one line goes down, so the loop always advances.
        fit = fit.max(1.0);
        let fit = fit as usize;
        let longest = rest.iter().map(Vec::len).max().unwrap_or(0);
        if longest <= fit {
            let height = longest.max(1) as f32 * grid.line_height + 2.0 * CELL_PAD_Y;
            page.place(row_block(
                fonts, grid, &rest, height, header, cells, missing,
            ));
            return;
        }
        let mut head = Vec::with_capacity(rest.len());
        let mut tail = Vec::with_capacity(rest.len());
        for mut lines in rest {
            let cut = fit.min(lines.len());
            tail.push(lines.split_off(cut));
            head.push(lines);
        }
        let height = fit as f32 * grid.line_height + 2.0 * CELL_PAD_Y;
        page.place(top_aligned_block(
            fonts, grid, &head, height, cells, missing,
        ));
        page.new_page();
        fresh = true;
        rest = tail;
    }
}

/// A row's block: cell text centred vertically, the header shaded and bold, and its rules.
fn row_block<L: AsRef<[Line]>>(
    fonts: &FontSet,
    grid: &Grid,
    cells: &[L],
    height: f32,
    header: bool,
    tags: &[usize],
    missing: &mut Missing,
) -> Block {
    let mut block = Block {
        height,
        ..Block::default()
    };
    if header {
        block.items.push((
            Point::new(grid.left(), 0.0),
            Item::Rect {
                width: grid.right() - grid.left(),
                height,
                fill: Some(HEADER_FILL),
                stroke: None,
            },
        ));
    }
    for (c, lines) in cells.iter().enumerate() {
        let lines = lines.as_ref();
        let text_height = lines.len() as f32 * grid.line_height;
        let top = (height - text_height) / 2.0;
        let align = if header {
            Alignment::Center
        } else {
            grid.aligns[c]
        };
        let tag = tags.get(c).map_or(Tag::Artifact, |&e| Tag::element(e));
        cell_text(fonts, grid, c, lines, top, align, tag, &mut block, missing);
    }
    rules(grid, &mut block, header);
    block
}

/// A piece of a row cut across pages: text from the top, so the two pieces read on.
fn top_aligned_block(
    fonts: &FontSet,
    grid: &Grid,
    cells: &[Vec<Line>],
    height: f32,
    tags: &[usize],
    missing: &mut Missing,
) -> Block {
    let mut block = Block {
        height,
        ..Block::default()
    };
    for (c, lines) in cells.iter().enumerate() {
        let align = grid.aligns[c];
        let tag = tags.get(c).map_or(Tag::Artifact, |&e| Tag::element(e));
        cell_text(
            fonts, grid, c, lines, CELL_PAD_Y, align, tag, &mut block, missing,
        );
    }
    rules(grid, &mut block, false);
    block
}

#[allow(clippy::too_many_arguments)]
fn cell_text(
    fonts: &FontSet,
    grid: &Grid,
    col: usize,
    lines: &[Line],
    top: f32,
    align: Alignment,
    tag: Tag,
    block: &mut Block,
    missing: &mut Missing,
) {
    let inner = grid.width(col) - 2.0 * CELL_PAD_X;
    for (i, line) in lines.iter().enumerate() {
        let offset = match align {
            Alignment::Center => (inner - line.width) / 2.0,
            Alignment::Right => inner - line.width,
            Alignment::Left | Alignment::None => 0.0,
        }
        .max(0.0);
        let baseline = top + i as f32 * grid.line_height + baseline_in_line(grid.line_height);
        let origin = Point::new(grid.edges[col] + CELL_PAD_X + offset, baseline);
        emit_line(
            fonts,
            line,
            origin,
            TABLE_SIZE,
            tag,
            &mut block.items,
            missing,
        );
    }
}

/// Baseline of table text within one line box: the em box centred in the line.
fn baseline_in_line(line_height: f32) -> f32 {
    (line_height - TABLE_SIZE) / 2.0 + TABLE_SIZE * 0.88
}

/// The rules of one row: its bottom edge and the column edges (plus the top edge for the
/// header, which starts the table on every page).
fn rules(grid: &Grid, block: &mut Block, header: bool) {
    let h = block.height;
    let line = |from: Point, to: Point| {
        (
            from,
            Item::Line {
                to,
                width: RULE_WIDTH,
                gray: 0.0,
            },
        )
    };
    if header {
        block.items.push(line(
            Point::new(grid.left(), 0.0),
            Point::new(grid.right(), 0.0),
        ));
    }
    block.items.push(line(
        Point::new(grid.left(), h),
        Point::new(grid.right(), h),
    ));
    for &x in &grid.edges {
        block.items.push(line(Point::new(x, 0.0), Point::new(x, h)));
    }
}
