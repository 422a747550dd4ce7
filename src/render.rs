//! Markdown → PDF: [`layout`] places the Markdown on pages, then [`pdf::write`] writes them;
//! Markdown → Word: [`docx::write`] with the PDF's page orientation. A
//! `RenderContext` says what the PDF is told about itself (title, subject, keywords, date) and
//! the orientation.
//! `generate` and `checkgen render FILE.md` build a context each and call the same function, so
//! a form and a rendered file go through one path.

use std::path::Path;

use crate::docx::{self, DocxOptions};
use crate::error::{Error, Result};
use crate::fonts::FontSet;
use crate::image::{self, Images};
use crate::layout::{self, LayoutOptions};
use crate::pdf::{self, PdfOptions};

pub use crate::layout::{NotLaidOut, Orientation, Reuse, Warning};

/// Everything a renderer is handed for one document.
#[derive(Debug, Clone)]
pub struct RenderContext<'a> {
    /// The finished Markdown, exactly as users get it in the `.md` file.
    pub markdown: &'a str,
    /// Page orientation.
    pub orientation: Orientation,
    /// Whether the work of this document is kept for the next this thread renders.
    pub reuse: Reuse,
    /// What the PDF says about itself: title, subject, keywords, dates.
    pub options: PdfOptions,
}

/// A rendered PDF and what the user should be told about it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Things the reader should know (characters the font lacks, …); the PDF is complete
    /// regardless.
    pub warnings: Vec<Warning>,
}

/// Lays the Markdown out, then writes the pages as a PDF.
///
/// Any Markdown renders, from an empty string to arbitrary text; an `Err` means the program
/// itself is broken, or the document passes a documented limit (more than 34,638 distinct
/// characters a face lacks).
pub fn pdf(context: &RenderContext) -> Result<Rendered> {
    render(context, Images::default())
}

/// Like [`pdf()`], with the images of the Markdown read from `dir` (the Markdown file's
/// directory) and laid out: local PNG and JPEG files; any other image is reported in the
/// warnings. Markdown without images costs one scan for `![`.
pub fn pdf_with_images(context: &RenderContext, dir: &Path) -> Result<Rendered> {
    render(context, image::load(context.markdown, dir))
}

fn render(context: &RenderContext, images: Images) -> Result<Rendered> {
    let fonts = FontSet::get().map_err(pdf::Error::from)?;
    let document = layout::layout(
        fonts,
        context.markdown,
        &LayoutOptions {
            orientation: context.orientation,
            images,
            reuse: context.reuse,
        },
    );
    let output = pdf::write(&document, &context.options, context.reuse)?;
    Ok(Rendered {
        bytes: output.bytes,
        pages: output.pages,
        warnings: document.warnings,
    })
}

/// A Word document and what the user should be told about it.
#[derive(Debug, Clone)]
pub struct RenderedDocx {
    pub bytes: Vec<u8>,
    /// Constructs shown as text ([`Warning::NotLaidOut`]), as for the PDF.
    pub warnings: Vec<Warning>,
}

/// Writes the Markdown as a Word document: A4 turned as the PDF's pages would be, and the
/// title, subject, keywords and dates the PDF would carry.
pub fn docx(context: &RenderContext) -> Result<RenderedDocx> {
    let fonts = FontSet::get().map_err(pdf::Error::from)?;
    let options = DocxOptions {
        landscape: layout::is_landscape(fonts, context.markdown, context.orientation),
        title: context.options.title.clone(),
        subject: context.options.subject.clone(),
        keywords: context.options.keywords.clone(),
        timestamp: context.options.timestamp,
    };
    let output =
        docx::write(context.markdown, &options).map_err(|source| Error::Docx { source })?;
    let mut warnings = Vec::new();
    if !output.not_laid_out.is_empty() {
        warnings.push(Warning::NotLaidOut {
            constructs: output.not_laid_out,
        });
    }
    Ok(RenderedDocx {
        bytes: output.bytes,
        warnings,
    })
}
