//! The seam between Markdown and PDF: a `RenderContext` says what the PDF is told about itself
//! (title, subject, keywords, date, orientation); [`pdf`] lays the Markdown out and writes it.
//! `generate` and `checkgen render FILE.md` build a context each and call the same function, so
//! a form and a rendered file go through one path.

use crate::error::{Error, Result};
use crate::pdf::{self, PdfOptions};

/// Everything a renderer is handed for one document.
#[derive(Debug, Clone)]
pub struct RenderContext<'a> {
    /// The finished Markdown, exactly as users get it in the `.md` file.
    pub markdown: &'a str,
    /// Title, subject, keywords and orientation; the date is filled in by [`pdf`].
    pub options: PdfOptions,
}

/// A rendered PDF and what the user should be told about it.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Warnings to print (characters the font lacks, …); the PDF is complete regardless.
    pub warnings: Vec<String>,
}

/// Lays out and writes the PDF. Dates come from `SOURCE_DATE_EPOCH` only, so the same input
/// gives the same bytes.
pub fn pdf(context: &RenderContext) -> Result<Rendered> {
    let options = PdfOptions {
        timestamp: crate::date::source_date_epoch(),
        ..context.options.clone()
    };
    let output = pdf::render_markdown(context.markdown, &options).map_err(|err| match err {
        pdf::Error::TooManyCharacters { .. } => Error::Limit {
            message: err.to_string(),
        },
        _ => Error::Pdf {
            message: err.to_string(),
        },
    })?;
    Ok(Rendered {
        bytes: output.bytes,
        pages: output.pages,
        warnings: output.warnings.iter().map(ToString::to_string).collect(),
    })
}
