//! Table cells shaped once per thread and reused: the cells of a form's item table (its
//! questions, evidence, citations, the result boxes of every row) are the same text in every
//! form of a campaign and in most rows of one form, and shaping and breaking them was a sixth
//! of issuing a form.
//!
//! A cell is looked up by its text, style runs and size; what is kept is its shaped glyphs,
//! its measure and its lines at each width it was broken at. The cache belongs to the thread
//! (documents are laid out on one thread each) and is emptied when it outgrows
//! [`MAX_BYTES`], so a long run holds a bounded amount whatever its input.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::inline::{Inline, Style};
use super::linebreak::{Line, Shaped};
use crate::fonts::FontSet;

/// Roughly how much memory the cache of one thread may hold before it is emptied.
const MAX_BYTES: usize = 16 << 20;

/// Cells longer than this are shaped each time: long text is rare in a table and would
/// crowd out the short cells that repeat.
const MAX_CELL_BYTES: usize = 4096;

/// Estimated bytes held per byte of cell text (glyphs, segments, lines).
const BYTES_PER_TEXT_BYTE: usize = 24;

/// A shaped cell, with its measure and the lines it was broken into at each width asked.
pub struct Cell {
    shaped: Shaped,
    measure: (f32, f32),
    /// `(width in bits, lines)`; a table asks for one or two widths.
    lines: RefCell<Vec<(u32, Rc<[Line]>)>>,
}

impl Cell {
    fn new(shaped: Shaped) -> Cell {
        Cell {
            measure: shaped.measure(),
            shaped,
            lines: RefCell::new(Vec::new()),
        }
    }

    /// See [`Shaped::measure`].
    pub fn measure(&self) -> (f32, f32) {
        self.measure
    }

    /// See [`Shaped::break_lines`].
    pub fn lines(&self, max_width: f32) -> Rc<[Line]> {
        let key = max_width.to_bits();
        let mut known = self.lines.borrow_mut();
        if let Some((_, lines)) = known.iter().find(|(width, _)| *width == key) {
            return Rc::clone(lines);
        }
        let lines: Rc<[Line]> = self.shaped.break_lines(max_width).into();
        known.push((key, Rc::clone(&lines)));
        lines
    }
}

#[derive(PartialEq, Eq, Hash)]
struct Key {
    /// The face set's address: one per process, but a cell shaped with another is another.
    fonts: usize,
    text: String,
    runs: Vec<(usize, Style)>,
    size: u32,
}

#[derive(Default)]
struct Cache {
    /// Hashed with FxHash: the keys are our own text, and SipHash's protection against
    /// chosen collisions would cost more than the shaping it saves on short cells.
    cells: FxHashMap<Key, Rc<Cell>>,
    bytes: usize,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// `inline` set at `size`, shaped, outside the cache.
pub fn shape(fonts: &FontSet, inline: &Inline, size: f32) -> Rc<Cell> {
    Rc::new(Cell::new(Shaped::new(fonts, inline, size)))
}

/// `inline` set at `size`, shaped, from this thread's cache when it was shaped before.
pub fn cell(fonts: &FontSet, inline: Inline, size: f32) -> Rc<Cell> {
    if inline.text.len() > MAX_CELL_BYTES {
        return shape(fonts, &inline, size);
    }
    let key = Key {
        fonts: std::ptr::from_ref(fonts) as usize,
        text: inline.text,
        runs: inline.runs,
        size: size.to_bits(),
    };
    CACHE.with_borrow_mut(|cache| {
        if let Some(cell) = cache.cells.get(&key) {
            return Rc::clone(cell);
        }
        let cost = key.text.len() * BYTES_PER_TEXT_BYTE + 256;
        if cache.bytes + cost > MAX_BYTES {
            cache.cells.clear();
            cache.bytes = 0;
        }
        let Key {
            fonts: address,
            text,
            runs,
            size: bits,
        } = key;
        let inline = Inline::from_parts(text, runs);
        let cell = Rc::new(Cell::new(Shaped::new(fonts, &inline, size)));
        let (text, runs) = inline.into_parts();
        let key = Key {
            fonts: address,
            text,
            runs,
            size: bits,
        };
        cache.bytes += cost;
        cache.cells.insert(key, Rc::clone(&cell));
        cell
    })
}
