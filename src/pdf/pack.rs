//! The bulk of a file, made ahead of its object tree on two threads: the font programs
//! (subset) and the page contents (written and deflated).
//!
//! A render has a second thread from the start (see [`helper`]). While the first lays the
//! pages out, it warms up: it looks up every character of the Markdown in the regular face,
//! which maps the pages of the 10 MB face that layout and subsetting will read and fills the
//! glyph memo layout uses, and it sets up both threads' compressors. Once the subsets are
//! planned it makes the font programs, the slowest single piece, while the first thread
//! builds the object tree; then both take pages from a shared queue until none are left.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;

use flate2::{Compress, Compression, FlushCompress, Status};

use super::embed::Subset;
use super::{write, Error};
use crate::fonts::{FontId, FontSet};
use crate::layout::Document;

/// The fastest level. Level 2 makes page contents a fifth smaller and takes three times as
/// long over them (0.8 against 0.27 ms for a 17-page checklist).
const LEVEL: u32 = 1;

/// An 8 KiB window: page contents repeat themselves within a few lines (the same operators,
/// fonts and column positions), so a larger one finds nothing more (0.1 % on the largest
/// form) and costs the compressor 96 KiB more memory to clear.
const WINDOW_BITS: u8 = 13;

/// What both threads share once layout is done: the pages, their subsets, and the next
/// page nobody has taken yet.
pub struct Work {
    /// The laid-out document.
    pub document: Document,
    /// The subset of each face used.
    pub subsets: Vec<Subset>,
    next_page: AtomicUsize,
}

impl Work {
    /// Work on `document`, no page taken yet.
    pub fn new(document: Document, subsets: Vec<Subset>) -> Work {
        Work {
            document,
            subsets,
            next_page: AtomicUsize::new(0),
        }
    }

    /// Writes and deflates pages, taking the next untaken one each time, until none are left.
    /// Returns each page done with its index.
    pub fn take_pages(&self, deflater: &mut Deflater) -> Result<Vec<(usize, Vec<u8>)>, Error> {
        let mut done = Vec::new();
        loop {
            let index = self.next_page.fetch_add(1, Ordering::Relaxed);
            let Some(page) = self.document.pages.get(index) else {
                return Ok(done);
            };
            let content = write::content(page, &self.subsets);
            done.push((index, deflater.deflate(&content)?));
        }
    }
}

/// What the second thread made: the font programs in the order of the subsets, and the
/// pages it took.
#[derive(Default)]
pub struct Helped {
    /// Each face's program, uncompressed (see [`helper`]).
    pub programs: Vec<Vec<u8>>,
    /// Pages, with their indices.
    pub pages: Vec<(usize, Vec<u8>)>,
}

/// The second thread of a render: warms up during layout (and hands the first thread a
/// compressor over `spare`), then packs the font programs and helps with the pages. Returns
/// empty-handed if the first thread gives up before sending the work (its error is the one
/// reported).
pub fn helper(
    fonts: &FontSet,
    markdown: &str,
    spare: Sender<Deflater>,
    work: Receiver<Arc<Work>>,
) -> Result<Helped, Error> {
    let mut deflater = Deflater::new();
    // The first thread's compressor too: setting one up allocates and clears 160 KiB, which
    // costs nothing here while layout runs.
    let _ = spare.send(Deflater::new());
    // The regular face sets nearly all of a document's text; bold is used for headings and
    // table headers, a few hundred characters not worth the memory of mapping their pages.
    fonts.prefetch(FontId::Regular, markdown);
    let Ok(work) = work.recv() else {
        return Ok(Helped::default());
    };
    // The programs are embedded uncompressed. TrueType outlines are dense: deflate takes
    // only a sixth off them (150 of 183 KiB for a 17-page checklist) and took a millisecond,
    // a sixth of the render, on the thread that finishes last.
    let programs = work
        .subsets
        .iter()
        .map(|subset| subset.program(fonts))
        .collect::<Result<Vec<_>, Error>>()?;
    let pages = work.take_pages(&mut deflater)?;
    Ok(Helped { programs, pages })
}

/// Moves the calling thread to another core, leaving the one it was on to the thread it has
/// just started.
///
/// Linux often leaves a new thread queued on its parent's core, although another is idle,
/// until the scheduler's next balancing pass: here the helper waited about 1.3 ms in most
/// renders, longer than half the work it was started for. Moving the parent instead takes two
/// system calls (it is allowed on every other core, which migrates it at once, then on all of
/// them again, so the scheduler stays free to move it later).
///
/// Nothing moves when only one core is allowed, or in a thread pool (`generate --all`),
/// where the other cores have documents of their own.
pub fn step_aside() {
    #[cfg(target_os = "linux")]
    {
        use rustix::thread::{sched_getaffinity, sched_getcpu, sched_setaffinity, CpuSet};
        if rayon::current_thread_index().is_some() {
            return;
        }
        let (Ok(allowed), current) = (sched_getaffinity(None), sched_getcpu()) else {
            return;
        };
        if current >= CpuSet::MAX_CPU {
            return;
        }
        let mut others = allowed;
        others.unset(current);
        if others.count() > 0 && sched_setaffinity(None, &others).is_ok() {
            let _ = sched_setaffinity(None, &allowed);
        }
    }
}

/// Puts pages done by both threads back in order; `None` if one is missing or doubled.
pub fn in_order(count: usize, parts: [Vec<(usize, Vec<u8>)>; 2]) -> Option<Vec<Vec<u8>>> {
    let mut slots: Vec<Option<Vec<u8>>> = vec![None; count];
    for (index, bytes) in parts.into_iter().flatten() {
        let slot = slots.get_mut(index)?;
        if slot.replace(bytes).is_some() {
            return None;
        }
    }
    slots.into_iter().collect()
}

/// A zlib compressor reused across streams: a fresh one allocates and zeroes 160 KiB of
/// tables, which for a few dozen small page streams cost more than compressing them.
pub struct Deflater(Compress);

impl Deflater {
    /// A compressor at [`LEVEL`].
    pub fn new() -> Self {
        Deflater(Compress::new_with_window_bits(
            Compression::new(LEVEL),
            true,
            WINDOW_BITS,
        ))
    }

    /// `data`, zlib-compressed.
    pub fn deflate(&mut self, data: &[u8]) -> Result<Vec<u8>, Error> {
        let failed = |e: &dyn std::fmt::Display| Error::Write(format!("compression failed: {e}"));
        self.0.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let consumed = usize::try_from(self.0.total_in()).unwrap_or(usize::MAX);
            let rest = data.get(consumed..).unwrap_or_default();
            let status = self
                .0
                .compress_vec(rest, &mut out, FlushCompress::Finish)
                .map_err(|e| failed(&e))?;
            match status {
                Status::StreamEnd => return Ok(out),
                Status::Ok | Status::BufError => out.reserve(out.capacity().max(4096)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_come_back_in_order_or_not_at_all() {
        let page = |i: usize| (i, vec![i as u8]);
        let ordered = in_order(3, [vec![page(0), page(2)], vec![page(1)]]).unwrap();
        assert_eq!(ordered, vec![vec![0], vec![1], vec![2]]);
        assert!(in_order(3, [vec![page(0)], vec![page(1)]]).is_none());
        assert!(in_order(2, [vec![page(0), page(1)], vec![page(1)]]).is_none());
        assert!(in_order(1, [vec![page(3)], vec![]]).is_none());
    }

    #[test]
    fn one_compressor_round_trips_many_streams() {
        use std::io::Read;
        let mut deflater = Deflater::new();
        for n in [1, 50, 3000] {
            let data = "第一条 为了保障网络安全，维护网络空间主权。".repeat(n);
            let packed = deflater.deflate(data.as_bytes()).unwrap();
            assert!(n == 1 || packed.len() < data.len() / 4);
            let mut back = String::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_string(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
    }
}
