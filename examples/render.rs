//! Renders a Markdown file to PDF: `cargo run --release --example render -- IN.md OUT.pdf [N]`.
//!
//! With `N`, renders N times and prints the mean time per document (for measuring).

use std::time::Instant;

use checkgen::pdf::PdfOptions;
use checkgen::render::{self, Orientation, RenderContext, Reuse};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: render IN.md OUT.pdf [repeat]".into());
    };
    let repeat: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(1);
    let markdown = String::from_utf8_lossy(&std::fs::read(&input)?).into_owned();
    let options = PdfOptions {
        title: input.clone(),
        timestamp: std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|s| s.parse().ok()),
        ..PdfOptions::default()
    };
    let context = RenderContext {
        markdown: &markdown,
        orientation: Orientation::Auto,
        // One document, rendered as `checkgen render` does.
        reuse: Reuse::Document,
        options,
    };
    let start = Instant::now();
    let mut pdf = render::pdf(&context)?;
    for _ in 1..repeat {
        pdf = render::pdf(&context)?;
    }
    let elapsed = start.elapsed() / repeat.max(1);
    std::fs::write(&output, &pdf.bytes)?;
    for warning in &pdf.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!(
        "{} pages, {} bytes, {:.2} ms per document",
        pdf.pages,
        pdf.bytes.len(),
        elapsed.as_secs_f64() * 1000.0
    );
    Ok(())
}
