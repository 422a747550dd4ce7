//! The seam between Markdown and PDF: what a form's PDF is told about itself.

use crate::error::Result;
use crate::rules::RuleSet;
use crate::select::Selection;

/// Lays out a form's Markdown as PDF.
pub fn pdf_for_form(_markdown: &str, _selection: &Selection, _set: &RuleSet) -> Result<Vec<u8>> {
    Err(crate::error::Error::usage(
        "PDF output is not available in this build",
        "use `--format md`",
    ))
}
