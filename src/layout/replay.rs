//! Layout done once per campaign: the forms of one campaign are the same Markdown but for their
//! first blocks (the enterprise's name, address, number), so from the first block boundary
//! after those the walker would do again exactly what it did for the form before. Where that
//! is so, it takes what it did from here instead of walking the rest of the events.
//!
//! Layout from a block boundary on is a function of the Markdown after it and of the walker's
//! state there. A boundary is a *checkpoint* only where that state is small: no block, list,
//! quote, table or HTML comment open, no heading held, no footnote numbered or held back, no
//! character reported missing, no picture, no overflow. What remains of the state is the
//! page size, the page count, the cursor and the number of structure elements ([`State`]),
//! and these are compared in full. So is the Markdown after the checkpoint, byte by byte. The
//! parse of that Markdown could also depend on what comes before it only through link
//! reference definitions and footnote definitions; a document with either anywhere is never
//! replayed.
//!
//! What is kept is the walker's work from the checkpoint to the end of the document ([`Rest`]),
//! recorded the second time a thread lays out a document whose end repeats that of one of the
//! last few before it: the first form of a campaign shares nothing with a form before it. The cache belongs to the
//! thread, like the cell cache, and is emptied when it outgrows [`MAX_ITEMS`].

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::page;
use super::structure;
use super::NotLaidOut;

/// Roughly how many items the kept rests of one thread may hold, all told, before they are
/// dropped (a form's rest is some ten thousand items of about 40 bytes).
const MAX_ITEMS: usize = 400_000;

/// All of the walker's state at a checkpoint that the layout after it depends on, besides the
/// Markdown after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct State {
    /// The face set's address (one per process).
    pub fonts: usize,
    /// Page width and height, in bits.
    pub page: (u32, u32),
    /// Whether the walker stops at the first wide table.
    pub give_up_at_wide_table: bool,
    /// Pages finished.
    pub pages: usize,
    /// The cursor, in bits.
    pub y: u32,
    /// Structure elements so far.
    pub elements: usize,
    /// Bytes of Markdown after the checkpoint.
    pub rest: usize,
}

/// The walker's work from a checkpoint to the end of the document.
#[derive(Debug)]
pub struct Rest {
    /// The Markdown after the checkpoint.
    pub source: Box<str>,
    pub page: page::Since,
    pub structure: structure::Since,
    /// Characters the font lacks, in order of first appearance.
    pub missing: Vec<char>,
    /// Constructs not laid out, by their byte offset from the checkpoint.
    pub not_laid_out: Vec<(usize, NotLaidOut)>,
    /// Whether a table overflowed (or, giving up at a wide table, one was found).
    pub overflow: bool,
}

#[derive(Default)]
struct Kept {
    /// The Markdown of the documents laid out last on this thread, oldest first.
    recent: VecDeque<String>,
    rests: FxHashMap<State, Vec<Rc<Rest>>>,
    items: usize,
}

thread_local! {
    static KEPT: RefCell<Kept> = RefCell::new(Kept::default());
}

/// How many documents laid out before are compared with the next: a roster may take turns
/// between sectors, whose forms differ.
const RECENT: usize = 8;

/// How many bytes at the end of `markdown` are the same as at the end of one of the documents
/// laid out before it on this thread, at most; `markdown` joins those documents. Only a
/// checkpoint within these bytes is worth looking up or recording.
pub fn shared_end(markdown: &str) -> usize {
    KEPT.with_borrow_mut(|kept| {
        let shared = kept
            .recent
            .iter()
            .map(|other| common_suffix(other.as_bytes(), markdown.as_bytes()))
            .max()
            .unwrap_or(0);
        let mut copy = match kept.recent.len() {
            RECENT => kept.recent.pop_front().expect("RECENT documents are kept"),
            _ => String::new(),
        };
        copy.clear();
        copy.push_str(markdown);
        kept.recent.push_back(copy);
        shared
    })
}

/// The length of the longest common suffix of `a` and `b`.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 16;
    let mut shared = 0;
    for (x, y) in a.rchunks(CHUNK).zip(b.rchunks(CHUNK)) {
        if x.len() == CHUNK && x == y {
            shared += CHUNK;
            continue;
        }
        return shared
            + x.iter()
                .rev()
                .zip(y.iter().rev())
                .take_while(|(x, y)| x == y)
                .count();
    }
    shared
}

/// The rest kept for `state` whose Markdown is `source`, if any.
pub fn find(state: &State, source: &str) -> Option<Rc<Rest>> {
    let found = KEPT.with_borrow(|kept| {
        kept.rests
            .get(state)?
            .iter()
            .find(|rest| *rest.source == *source)
            .cloned()
    });
    #[cfg(test)]
    if found.is_some() {
        tests::FOUND.set(tests::FOUND.get() + 1);
    }
    found
}

/// Keeps `rest`, recorded from a checkpoint at `state`.
pub fn keep(state: State, rest: Rest) {
    KEPT.with_borrow_mut(|kept| {
        let items = rest.page.items() + rest.structure.len() + rest.source.len() / 40;
        if kept.items + items > MAX_ITEMS {
            kept.rests.clear();
            kept.items = 0;
        }
        kept.items += items;
        kept.rests.entry(state).or_default().push(Rc::new(rest));
    });
}

#[cfg(test)]
pub(super) mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::fonts::FontSet;
    use crate::layout::{layout, Document, LayoutOptions, Orientation, Reuse};

    thread_local! {
        /// Rests found on this thread.
        pub static FOUND: Cell<usize> = const { Cell::new(0) };
    }

    #[test]
    fn common_suffix_counts_the_bytes_both_end_with() {
        let long = "甲".repeat(40);
        assert_eq!(common_suffix(b"", b"abc"), 0);
        assert_eq!(common_suffix(b"xabc", b"yabc"), 3);
        assert_eq!(common_suffix(b"abc", b"abc"), 3);
        assert_eq!(
            common_suffix(format!("x{long}").as_bytes(), long.as_bytes()),
            long.len()
        );
        assert_eq!(
            common_suffix(
                format!("乙{long}").as_bytes(),
                format!("丙{long}").as_bytes()
            ),
            long.len() + 1
        );
    }

    /// A form of a campaign of `sector`: its header names the enterprise (on as many lines as
    /// `lines`) and its footer the number; the rest is the same in every form of the sector,
    /// with what the walker keeps besides pages: raw HTML and a character the font lacks (the
    /// warnings, whose line numbers move with the header), a new footer text, a quote, a list
    /// and a table running over pages.
    fn form(sector: &str, enterprise: &str, lines: usize, number: u32) -> String {
        let mut rows = String::new();
        for n in 1..=60 {
            rows.push_str(&format!(
                "| {n} | {sector}第{n}项：是否落实本项义务并留存记录？ | ☐符合<br>☐不符合 |  |\n"
            ));
        }
        let address = "地址\n\n".repeat(lines);
        format!(
            "<!-- checkgen-footer: 编号：2026-{number:05} -->\n\n# {sector}自查表\n\n\
             | 项目 | 填写内容 |\n| --- | --- |\n| 单位名称 | {enterprise} |\n\n{address}\
             ## 填表说明\n\n1. 逐行填写。\n2. 留存证明材料。\n\n\
             > 提示：<span>原样显示</span>\n\n\
             | 序号 | 自查项 | 自查结果 | 情况说明 |\n| --- | --- | --- | --- |\n{rows}\n\
             <!-- checkgen-footer: 附 -->\n\n## 签字\n\n生僻字\u{10FFFD}。\n"
        )
    }

    fn laid_out(markdown: &str, reuse: Reuse) -> Document {
        let options = LayoutOptions {
            orientation: Orientation::Auto,
            reuse,
            ..LayoutOptions::default()
        };
        layout(FontSet::get().unwrap(), markdown, &options)
    }

    fn assert_same(replayed: &Document, alone: &Document) {
        assert_eq!(replayed.pages, alone.pages);
        assert_eq!(replayed.outline, alone.outline);
        assert_eq!(replayed.warnings, alone.warnings);
        assert_eq!(replayed.structure, alone.structure);
        assert_eq!(replayed.figures, alone.figures);
        assert!(replayed.pictures.is_empty() && alone.pictures.is_empty());
    }

    #[test]
    fn a_replayed_rest_is_the_layout_done_again() {
        let name = "烟台某某科技有限公司";
        let long = "烟台某某网络科技有限公司".repeat(8);
        let forms = [
            form("电信", name, 1, 1),
            form("电商", name, 1, 2),
            form("电信", &long, 1, 3),
            form("电商", name, 3, 4),
            form("电信", name, 1, 5),
            form("电商", name, 1, 6),
            form("电信", "另一家公司", 1, 7),
            form("电商", &long, 3, 8),
            form("电信", name, 2, 9),
            form("电信", name, 2, 10),
        ];
        let before = FOUND.get();
        for markdown in &forms {
            let replayed = laid_out(markdown, Reuse::Thread);
            assert_same(&replayed, &laid_out(markdown, Reuse::Document));
            assert!(replayed.pages.len() >= 3);
            assert_eq!(replayed.warnings.len(), 2, "{:?}", replayed.warnings);
        }
        // Form 7 lays out as form 5 from its header's end on, and form 10 as form 9; the
        // others differ in the header's height from every form of their sector before them.
        assert!(FOUND.get() - before >= 2, "{}", FOUND.get() - before);
    }
}
