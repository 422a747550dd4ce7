//! Laid-out pages → PDF bytes, through printpdf; the only module that knows about PDF.
//!
//! The fonts are subset here (only the glyphs a document uses are embedded, as CIDFontType2
//! with a ToUnicode CMap so text can be copied and searched), each page's content stream is
//! written from its items, printpdf builds the object tree around them, and the tree gets its
//! final touches: subset tags, a nested outline from the headings, metadata, a
//! content-derived file identifier. Two threads share the work (see `pack.rs`). The same input
//! always gives the same bytes.

mod embed;
mod finish;
mod pack;
mod sfnt;
mod write;

use std::sync::{mpsc, Arc};

use crate::fonts::{FontError, FontSet};
use crate::layout::{self, LayoutOptions};

pub use crate::layout::{Orientation, Warning};

/// Settings for one PDF.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// Document title (shown by viewers instead of the file name). Empty: the text of the
    /// first level-1 heading; with none, no title is written and viewers show the file name.
    pub title: String,
    /// Document subject; omitted when empty.
    pub subject: String,
    /// Author; omitted when `None`.
    pub author: Option<String>,
    /// Keywords; omitted when empty.
    pub keywords: Vec<String>,
    /// Seconds since the Unix epoch for the creation and modification dates, typically from
    /// `SOURCE_DATE_EPOCH`. `None` writes no dates at all: a date taken from the clock would
    /// make every build differ.
    pub timestamp: Option<i64>,
    /// Page orientation.
    pub orientation: Orientation,
}

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct PdfOutput {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Things the reader should know (e.g. characters the font lacks); the PDF is complete.
    pub warnings: Vec<Warning>,
}

/// Why a PDF could not be produced. No Markdown input causes one: these are faults of the
/// program or its build.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// The embedded font data is unreadable.
    #[error(transparent)]
    #[diagnostic(
        code(checkgen::pdf::font),
        help("the checkgen binary is damaged: reinstall it or rebuild it from source")
    )]
    Font(#[from] FontError),
    /// A face could not be subset.
    #[error("could not subset the font {font}: {reason}")]
    #[diagnostic(
        code(checkgen::pdf::subset),
        help("please report this with the Markdown that triggers it")
    )]
    Subset {
        /// The face.
        font: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The PDF could not be serialized.
    #[error("could not write the PDF: {0}")]
    #[diagnostic(
        code(checkgen::pdf::write),
        help("please report this with the Markdown that triggers it")
    )]
    Write(String),
}

/// Renders Markdown (CommonMark with GFM tables, strikethrough and task lists) as an A4 PDF
/// with the embedded Noto Sans SC font.
///
/// Any input renders, from an empty string to arbitrary text; an `Err` means the program
/// itself is broken (see [`Error`]).
///
/// ```
/// use checkgen::pdf::{render_markdown, PdfOptions};
///
/// let options = PdfOptions { title: "检查表".into(), ..PdfOptions::default() };
/// let pdf = render_markdown("# 现场检查记录表\n\n| 序号 | 检查项 |\n| --- | --- |\n| 1 | 定级 |\n", &options)?;
/// assert!(pdf.bytes.starts_with(b"%PDF-"));
/// assert_eq!(pdf.pages, 1);
/// assert!(pdf.warnings.is_empty());
/// # Ok::<(), checkgen::pdf::Error>(())
/// ```
pub fn render_markdown(markdown: &str, options: &PdfOptions) -> Result<PdfOutput, Error> {
    let fonts = FontSet::get()?;
    let (send_work, work_sent) = mpsc::channel();
    let (send_help, help_sent) = mpsc::channel();
    let (send_spare, spare_sent) = mpsc::channel();
    // The helper hands its results over a channel and is not joined: a thread's exit (its
    // allocator heap abandoned, its stack unmapped) took longer than the last page, and
    // nothing here needs to wait for it. So it owns what it reads.
    let text: Arc<str> = Arc::from(markdown);
    std::thread::Builder::new()
        .name("checkgen-pdf".into())
        .spawn(move || {
            // The receiver is gone only if rendering already failed.
            let _ = send_help.send(pack::helper(fonts, &text, send_spare, work_sent));
        })
        .map_err(|e| Error::Write(format!("could not start a thread: {e}")))?;
    pack::step_aside();
    let document = layout::layout(
        fonts,
        markdown,
        &LayoutOptions {
            orientation: options.orientation,
        },
    );
    let subsets = embed::plan(fonts, &document.pages)?;
    let work = Arc::new(pack::Work::new(document, subsets));
    // The helper may have failed already; its error is reported below.
    let _ = send_work.send(Arc::clone(&work));
    let mut deflater = spare_sent.recv().unwrap_or_else(|_| pack::Deflater::new());
    let doc = write::document(&options.title, &work.document.pages, fonts, &work.subsets)?;
    let mine = work.take_pages(&mut deflater)?;
    let helped = help_sent
        .recv()
        .map_err(|_| Error::Write("the second rendering thread failed".into()))??;
    let contents = pack::in_order(work.document.pages.len(), [mine, helped.pages])
        .ok_or_else(|| Error::Write("a page's content stream went missing".into()))?;
    let bytes = finish::finish(
        doc,
        options,
        &work.document,
        &work.subsets,
        helped.programs,
        contents,
        &mut deflater,
    )?;
    let document = &work.document;
    Ok(PdfOutput {
        bytes,
        pages: document.pages.len(),
        warnings: document.warnings.clone(),
    })
}
