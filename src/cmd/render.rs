//! `checkgen render`: any Markdown file → PDF or Word, with the renderers the forms use.

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::pdf::PdfOptions;
use checkgen::render::{self, Orientation, RenderContext, Reuse, Warning};
use checkgen::{input, output, Error, Result};

use super::args::{info, warn};
use super::clock::Clock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OrientationArg {
    /// Landscape when a table is too wide for portrait (7 or more columns)
    Auto,
    Portrait,
    Landscape,
}

/// What `render` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RenderFormat {
    Pdf,
    Docx,
}

impl RenderFormat {
    fn extension(self) -> &'static str {
        match self {
            RenderFormat::Pdf => "pdf",
            RenderFormat::Docx => "docx",
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Markdown file (CommonMark with GFM tables)
    input: PathBuf,
    /// Where to write the PDF or Word document, `-` for standard output [default: the input
    /// with .pdf or .docx]
    #[arg(short, long, value_name = "FILE.pdf|FILE.docx")]
    output: Option<PathBuf>,
    /// Output format [default: from the extension of --output (.docx: Word), else pdf]
    #[arg(long, value_enum)]
    format: Option<RenderFormat>,
    /// Document title in the PDF or Word metadata [default: the first level-1 heading, else none, and
    /// viewers show the file name]
    #[arg(long)]
    title: Option<String>,
    /// Page orientation
    #[arg(long, value_enum, default_value_t = OrientationArg::Auto)]
    orientation: OrientationArg,
    /// Fail (exit 1, nothing written) when some Markdown is not laid out: raw HTML other than
    /// <br> and comments, math, images
    #[arg(long)]
    strict: bool,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let format = args.format.unwrap_or_else(|| {
        let docx = args.output.as_ref().is_some_and(|path| {
            path.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("docx"))
        });
        if docx {
            RenderFormat::Docx
        } else {
            RenderFormat::Pdf
        }
    });
    let output = args
        .output
        .unwrap_or_else(|| args.input.with_extension(format.extension()));
    if output::same_file(&args.input, &output) {
        return Err(Error::usage(
            format!(
                "the output {} is the input itself; rendering would overwrite it",
                output.display()
            ),
            "name another output with -o FILE.pdf or -o FILE.docx",
        ));
    }
    let bytes = input::read_document(&args.input)?;
    // Checked with the fast validator first; only invalid input pays for the lossy copy.
    let markdown = String::from_utf8(bytes).unwrap_or_else(|invalid| {
        warn(&format!(
            "{} is not valid UTF-8; invalid bytes are shown as �",
            args.input.display()
        ));
        String::from_utf8_lossy(invalid.as_bytes()).into_owned()
    });
    // Images are read relative to the Markdown file (to the working directory for stdin).
    let dir = args.input.parent().unwrap_or(std::path::Path::new(""));
    let context = RenderContext {
        markdown: &markdown,
        orientation: match args.orientation {
            OrientationArg::Auto => Orientation::Auto,
            OrientationArg::Portrait => Orientation::Portrait,
            OrientationArg::Landscape => Orientation::Landscape,
        },
        reuse: Reuse::Document,
        options: PdfOptions {
            title: args.title.unwrap_or_default(),
            timestamp: Clock::read().source_date_epoch,
            ..PdfOptions::default()
        },
    };
    let (bytes, warnings, pages) = match format {
        RenderFormat::Pdf => {
            let rendered = render::pdf_with_images(&context, dir)?;
            (rendered.bytes, rendered.warnings, Some(rendered.pages))
        }
        RenderFormat::Docx => {
            let rendered = render::docx(&context)?;
            (rendered.bytes, rendered.warnings, None)
        }
    };
    for warning in &warnings {
        warn(&format!("{}: {warning}", args.input.display()));
    }
    let not_laid_out = |w: &&Warning| matches!(w, Warning::NotLaidOut { .. });
    if args.strict && warnings.iter().any(|w| not_laid_out(&w)) {
        return Err(Error::NotLaidOut { path: args.input });
    }
    output::write_atomic(&output, &bytes)?;
    match pages {
        Some(pages) => info(&format!("wrote {} ({pages} pages)", output.display())),
        None => info(&format!("wrote {}", output.display())),
    }
    Ok(ExitCode::SUCCESS)
}
