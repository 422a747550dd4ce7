//! Any bytes as Markdown: layout never panics, keeps every item inside its page, and the PDF
//! writer accepts what layout produced.
#![no_main]

use checkgen::fonts::FontSet;
use checkgen::layout::{layout, LayoutOptions, Orientation};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let markdown = String::from_utf8_lossy(data);
    let fonts = FontSet::get().expect("the embedded fonts load");
    for orientation in [Orientation::Auto, Orientation::Portrait] {
        let document = layout(fonts, &markdown, &LayoutOptions {
            orientation,
            ..LayoutOptions::default()
        });
        for page in &document.pages {
            assert!(page.item_outside().is_none(), "{:?}", page.item_outside());
        }
        let written = checkgen::pdf::write(
            &document,
            &checkgen::pdf::PdfOptions::default(),
            checkgen::layout::Reuse::Document,
        );
        assert!(written.is_ok(), "{:?}", written.err());
    }
});
