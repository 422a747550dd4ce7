//! Markdown → Word (`.docx`): the same Markdown the PDF path lays out, written as
//! WordprocessingML for Word and WPS to edit.
//!
//! Word lays the pages out itself, so this stage decides only what the document *is*: A4 in
//! the orientation the PDF uses ([`crate::layout::is_landscape`]), headings as the built-in
//! styles Heading 1–6 (Word's navigation pane lists them), tables as Word tables whose header
//! row repeats on every page (`w:tblHeader`) and whose rows do not break across pages
//! (`w:cantSplit`), every ☐ as a checkbox content control (`w14:checkbox`, ticked by a click
//! in Word and WPS), the footer `第 X 页 共 Y 页` from PAGE and NUMPAGES fields after the
//! footer line of the Markdown (`<!-- checkgen-footer: … -->`), and the title and subject in
//! `docProps/core.xml`.
//!
//! The package is written with the `zip` crate; the XML parts are built here (`body.rs` for
//! the document, `parts.rs` for the rest). Entries carry a fixed date, so the same input gives
//! the same bytes.

mod body;
mod parts;

use std::io::Write;

use zip::write::SimpleFileOptions;

use crate::layout::{NotLaidOut, A4_HEIGHT, A4_WIDTH, MARGIN};

/// What the document says about itself and how its pages are turned.
#[derive(Debug, Clone, Default)]
pub struct DocxOptions {
    /// A4 landscape rather than portrait.
    pub landscape: bool,
    /// Document title; empty: the text of the first level-1 heading, if any.
    pub title: String,
    /// Document subject; omitted when empty.
    pub subject: String,
    /// Keywords; omitted when empty.
    pub keywords: Vec<String>,
    /// Seconds since the Unix epoch for the creation and modification dates (typically from
    /// `SOURCE_DATE_EPOCH`); `None` writes no dates.
    pub timestamp: Option<i64>,
}

/// The East Asian face named for body text: 宋体, on every Chinese Windows and in WPS; Word
/// and LibreOffice substitute a Song (serif) face where it is missing.
pub const BODY_FONT_EAST_ASIA: &str = "SimSun";
/// The East Asian face of headings: 黑体, as common in Chinese forms.
pub const HEADING_FONT_EAST_ASIA: &str = "SimHei";
/// The face of Latin text and digits.
pub const LATIN_FONT: &str = "Times New Roman";
/// The face of the checkbox glyphs ☐ ☒: in Windows since Windows 7.
pub const CHECKBOX_FONT: &str = "Segoe UI Symbol";

/// Twentieths of a point (twips), Word's unit of length.
fn twips(points: f32) -> u32 {
    (points * 20.0).round() as u32
}

/// Page geometry in twips.
#[derive(Debug, Clone, Copy)]
struct Page {
    width: u32,
    height: u32,
    margin: u32,
}

impl Page {
    fn new(landscape: bool) -> Page {
        let (width, height) = if landscape {
            (A4_HEIGHT, A4_WIDTH)
        } else {
            (A4_WIDTH, A4_HEIGHT)
        };
        Page {
            width: twips(width),
            height: twips(height),
            margin: twips(MARGIN),
        }
    }

    fn text_width(self) -> u32 {
        self.width - 2 * self.margin
    }
}

/// A written Word document.
#[derive(Debug, Clone)]
pub struct DocxOutput {
    /// The `.docx` file's bytes.
    pub bytes: Vec<u8>,
    /// Constructs shown as their source or alternative text, `(line, construct)` in document
    /// order, as the PDF's layout reports them.
    pub not_laid_out: Vec<(usize, NotLaidOut)>,
}

/// Writes `markdown` as a `.docx` package.
///
/// Any Markdown converts, from an empty string to arbitrary text; an `Err` is an I/O error of
/// the in-memory archive, which means the program is broken.
pub fn write(markdown: &str, options: &DocxOptions) -> std::io::Result<DocxOutput> {
    let page = Page::new(options.landscape);
    let body = body::convert(markdown, page.text_width());
    let title = if options.title.is_empty() {
        body.first_heading.clone().unwrap_or_default()
    } else {
        options.title.clone()
    };
    let document = parts::document(&body.xml, page, options.landscape);
    let footer = parts::footer(body.footer.as_deref());
    let core = parts::core(&title, options);
    let styles = parts::styles();
    let files: [(&str, &[u8]); 9] = [
        ("[Content_Types].xml", parts::CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", parts::PACKAGE_RELS.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("docProps/app.xml", parts::APP.as_bytes()),
        (
            "word/_rels/document.xml.rels",
            parts::DOCUMENT_RELS.as_bytes(),
        ),
        ("word/document.xml", document.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/settings.xml", parts::SETTINGS.as_bytes()),
        ("word/footer1.xml", footer.as_bytes()),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // A fixed date (the ZIP epoch, 1980-01-01) keeps the output reproducible.
    let entry = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        zip.start_file(name, entry).map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    let cursor = zip.finish().map_err(std::io::Error::other)?;
    Ok(DocxOutput {
        bytes: cursor.into_inner(),
        not_laid_out: body.not_laid_out,
    })
}

/// `text` escaped for XML character data and attribute values, without the characters XML
/// 1.0 forbids (control characters other than tab and newline, U+FFFE, U+FFFF).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_removes_what_xml_forbids() {
        assert_eq!(
            escape("a<b>&\"c\u{1}\u{FFFF}d\t"),
            "a&lt;b&gt;&amp;&quot;cd\t"
        );
    }

    #[test]
    fn the_same_markdown_gives_the_same_bytes() {
        let markdown = "# 表\n\n| 项目 | 结果 |\n| --- | --- |\n| 一 | ☐符合 |\n";
        let options = DocxOptions {
            timestamp: Some(1_700_000_000),
            ..DocxOptions::default()
        };
        assert_eq!(
            write(markdown, &options).unwrap().bytes,
            write(markdown, &options).unwrap().bytes
        );
    }
}
