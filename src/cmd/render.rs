//! `checkgen render`: any Markdown file → PDF, with the renderer the forms use.

use std::path::PathBuf;
use std::process::ExitCode;

use checkgen::pdf::PdfOptions;
use checkgen::render::{self, Orientation, RenderContext, Warning};
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

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Markdown file (CommonMark with GFM tables)
    input: PathBuf,
    /// Where to write the PDF, `-` for standard output [default: the input with .pdf]
    #[arg(short, long, value_name = "FILE.pdf")]
    output: Option<PathBuf>,
    /// Document title in the PDF metadata [default: the first level-1 heading, else none, and
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
    let output = args
        .output
        .unwrap_or_else(|| args.input.with_extension("pdf"));
    if output::same_file(&args.input, &output) {
        return Err(Error::usage(
            format!(
                "the output {} is the input itself; rendering would overwrite it",
                output.display()
            ),
            "name another output with -o FILE.pdf",
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
        options: PdfOptions {
            title: args.title.unwrap_or_default(),
            timestamp: Clock::read().source_date_epoch,
            ..PdfOptions::default()
        },
    };
    let rendered = render::pdf_with_images(&context, dir)?;
    for warning in &rendered.warnings {
        warn(&format!("{}: {warning}", args.input.display()));
    }
    let not_laid_out = |w: &&Warning| matches!(w, Warning::NotLaidOut { .. });
    if args.strict && rendered.warnings.iter().any(|w| not_laid_out(&w)) {
        return Err(Error::NotLaidOut { path: args.input });
    }
    output::write_atomic(&output, &rendered.bytes)?;
    info(&format!(
        "wrote {} ({} pages)",
        output.display(),
        rendered.pages
    ));
    Ok(ExitCode::SUCCESS)
}
