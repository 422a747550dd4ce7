//! Laid-out pages → PDF bytes, through printpdf; the only module that knows about PDF.
//!
//! The fonts are subset here (only the glyphs a document uses are embedded, as CIDFontType2
//! with a ToUnicode CMap so text can be copied and searched), each page's content stream is
//! written from its items, printpdf builds the object tree around them, and the tree gets its
//! final touches: subset tags, a nested outline from the headings, metadata, a
//! content-derived file identifier. The same input always gives the same bytes.
//!
//! [`write()`] is the one entry: a laid-out [`Document`] in, the file's bytes out. It runs on the
//! thread that calls it (`generate --all` renders documents in parallel instead; the README's
//! benchmark section says why).

mod cidfont;
mod deflate;
mod embed;
mod fields;
mod finish;
mod memo;
mod objects;
mod raw;
mod sfnt;
mod tags;
mod xref;

pub use self::fields::{FormFields, IDENTITY_KEY};

use self::deflate::Deflater;
use crate::fonts::{FontError, FontSet};
use crate::layout::{Document, Reuse};

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
    /// The fill-in fields of a form; `None` writes a plain PDF.
    pub fields: Option<FormFields>,
}

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct PdfOutput {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
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
    /// A PDF font's codes are 16-bit: those above the face's glyph ids leave room for at most
    /// `limit` distinct characters the face lacks in one document (see `embed`).
    #[error("the document uses more than {limit} distinct characters that the font {font} lacks")]
    #[diagnostic(
        code(checkgen::pdf::limit),
        help("this is a limit of checkgen's PDF output, not a fault: split the document")
    )]
    TooManyCharacters {
        /// The face.
        font: &'static str,
        /// How many characters it lacks a document may use.
        limit: u32,
    },
    /// The PDF could not be serialized.
    #[error("could not write the PDF: {0}")]
    #[diagnostic(
        code(checkgen::pdf::write),
        help("please report this with the Markdown that triggers it")
    )]
    Write(String),
}

/// Writes a laid-out document as a PDF with the embedded Noto Sans SC faces, subset. With
/// [`Reuse::Thread`], compressed page contents and object streams are kept for the next
/// document written on this thread, which uses them where it has the same (the forms of a
/// campaign); the bytes written are the same either way.
///
/// Any laid-out document can be written; an `Err` means the program itself is broken (see
/// [`Error`]).
///
/// ```
/// use checkgen::fonts::FontSet;
/// use checkgen::layout::{layout, LayoutOptions, Reuse};
/// use checkgen::pdf::{self, PdfOptions};
///
/// let markdown = "# 现场检查记录表\n\n| 序号 | 检查项 |\n| --- | --- |\n| 1 | 定级 |\n";
/// let document = layout(FontSet::get()?, markdown, &LayoutOptions::default());
/// let options = PdfOptions { title: "检查表".into(), ..PdfOptions::default() };
/// let pdf = pdf::write(&document, &options, Reuse::Document)?;
/// assert!(pdf.bytes.starts_with(b"%PDF-"));
/// assert_eq!(pdf.pages, 1);
/// assert!(document.warnings.is_empty());
/// # Ok::<(), checkgen::pdf::Error>(())
/// ```
pub fn write(document: &Document, options: &PdfOptions, reuse: Reuse) -> Result<PdfOutput, Error> {
    let fonts = FontSet::get()?;
    let subsets = embed::plan(fonts, &document.pages)?;
    let doc = objects::document(&options.title, &document.pages, fonts, &subsets)?;
    // Embedded uncompressed (see `finish`): TrueType outlines are dense, and deflate took only
    // a sixth off them (150 of 183 KiB for a 17-page checklist) for a sixth of the render.
    let programs = subsets
        .iter()
        .map(|subset| subset.program(fonts))
        .collect::<Result<Vec<_>, Error>>()?;
    let mut deflater = Deflater::new(reuse);
    let mut owners = Vec::with_capacity(document.pages.len());
    let mut rows = Vec::new();
    let fields = options.fields.is_some();
    let contents = document
        .pages
        .iter()
        .map(|page| {
            let written = memo::page(page, &subsets, &document.structure, fields, &mut deflater)?;
            owners.push(written.owners);
            rows.extend(written.rows);
            Ok(written.content)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let bytes = finish::finish(
        doc,
        options,
        document,
        &subsets,
        programs,
        contents,
        &owners,
        &rows,
        &mut deflater,
    )?;
    Ok(PdfOutput {
        bytes,
        pages: document.pages.len(),
    })
}
