//! The layout invariant: every laid-out item lies inside its page, and no text is lost —
//! over the fixtures, the reproductions of issue 13 and random Markdown.

use checkgen::fonts::FontSet;
use checkgen::layout::{layout, Document, Item, LayoutOptions, Orientation};
use proptest::prelude::*;

fn lay(markdown: &str) -> Document {
    layout(
        FontSet::get().expect("the embedded fonts load"),
        markdown,
        &LayoutOptions::default(),
    )
}

/// Fails with the offending item if anything lies outside its page.
fn assert_inside(document: &Document) {
    for (index, page) in document.pages.iter().enumerate() {
        if let Some(item) = page.item_outside() {
            panic!("page {}: item outside the page box: {item:?}", index + 1);
        }
    }
}

/// All text drawn, whitespace removed.
fn drawn_text(document: &Document) -> String {
    document
        .pages
        .iter()
        .flat_map(|page| &page.items)
        .filter_map(|(_, item)| match item {
            Item::Text { text, .. } => Some(&**text),
            _ => None,
        })
        .flat_map(str::chars)
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn assert_all_drawn(document: &Document, words: &[String]) {
    let text = drawn_text(document);
    let lost: Vec<&String> = words
        .iter()
        .filter(|w| !text.contains(w.as_str()))
        .collect();
    assert!(
        lost.is_empty(),
        "{} words lost, first {:?}",
        lost.len(),
        lost.first()
    );
}

fn words(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i:04}")).collect()
}

#[test]
fn fixtures_stay_inside_their_pages() {
    for name in ["features.md", "inspection-form.md"] {
        let path = format!(
            "{}/tests/fixtures/markdown/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let markdown = std::fs::read_to_string(&path).expect("fixture reads");
        for orientation in [Orientation::Portrait, Orientation::Landscape] {
            let fonts = FontSet::get().expect("fonts");
            assert_inside(&layout(fonts, &markdown, &LayoutOptions { orientation }));
        }
    }
}

#[test]
fn a_heading_taller_than_the_page_breaks_like_a_paragraph() {
    // `# w0000 … w0599` then a paragraph: 217 of the 600 words and the paragraph were lost.
    let heading = words("w", 600);
    let markdown = format!("# {}\n\nafter0001 after0002\n", heading.join(" "));
    let document = lay(&markdown);
    assert_inside(&document);
    let mut expected = heading;
    expected.push("after0001".into());
    assert_all_drawn(&document, &expected);
    assert!(document.pages.len() > 1);
}

#[test]
fn a_setext_heading_of_seventy_lines_is_kept_whole() {
    // 70 lines of Chinese directly followed by `---` make one setext heading.
    let lines: Vec<String> = (0..70)
        .map(|i| format!("第{i:03}行信息安全等级保护测评"))
        .collect();
    let markdown = format!("{}\n---\n\n结尾段落文字\n", lines.join("\n"));
    let document = lay(&markdown);
    assert_inside(&document);
    let mut expected = lines;
    expected.push("结尾段落文字".into());
    assert_all_drawn(&document, &expected);
}

#[test]
fn a_table_header_taller_than_the_page_splits() {
    // A 6-line heading, then a table whose header cell has 120 lines.
    let heading = words("h", 60).join(" ");
    let cell = words("c", 120).join("<br>");
    let markdown = format!("## {heading}\n\n| {cell} | b |\n| --- | --- |\n| body0001 | x |\n");
    let document = lay(&markdown);
    assert_inside(&document);
    let mut expected = words("h", 60);
    expected.extend(words("c", 120));
    expected.push("body0001".into());
    assert_all_drawn(&document, &expected);
}

#[test]
fn a_heading_that_fits_still_keeps_with_the_next_block() {
    let filler: String = (0..45).map(|i| format!("line{i:04}\n\n")).collect();
    let markdown = format!("{filler}## 标题\n\n正文第一行\n");
    let document = lay(&markdown);
    assert_inside(&document);
    // The heading moved to the page its paragraph starts on.
    let page_of = |needle: &str| {
        document
            .pages
            .iter()
            .position(|p| {
                p.items
                    .iter()
                    .any(|(_, i)| matches!(i, Item::Text { text, .. } if text.contains(needle)))
            })
            .expect("drawn")
    };
    assert_eq!(page_of("标题"), page_of("正文第一行"));
}

/// Random Markdown from the constructs that move the cursor: headings (setext too), long
/// paragraphs, lists, quotes, code, rules, tables with tall cells, page breaks.
fn markdown_strategy() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[a-z]{1,12}",
        "[一-龥]{1,30}",
        Just("☐符合".to_string()),
        "[a-z]{40,90}",
    ];
    let text = prop::collection::vec(word, 1..60).prop_map(|w| w.join(" "));
    let block = prop_oneof![
        (1usize..7, text.clone()).prop_map(|(l, t)| format!("{} {t}", "#".repeat(l))),
        text.clone().prop_map(|t| format!("{t}\n---")),
        text.clone().prop_map(|t| format!("{t}\n===")),
        text.clone(),
        text.clone().prop_map(|t| format!("- {t}\n  - {t}")),
        text.clone().prop_map(|t| format!("> {t}\n>\n> > {t}")),
        text.clone().prop_map(|t| format!("```\n{t}\n```")),
        Just("---".to_string()),
        Just("<!-- pagebreak -->".to_string()),
        (1usize..5, text.clone(), 1usize..40).prop_map(|(cols, t, tall)| {
            let cell = vec![t.as_str(); tall].join("<br>");
            let row = |c: &str| format!("|{}\n", format!(" {c} |").repeat(cols));
            format!("{}{}{}{}", row(&cell), row("---"), row(&t), row(&cell))
        }),
    ];
    prop::collection::vec(block, 1..25).prop_map(|blocks| blocks.join("\n\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_markdown_stays_inside_its_pages(markdown in markdown_strategy()) {
        for orientation in [Orientation::Auto, Orientation::Portrait] {
            let fonts = FontSet::get().expect("fonts");
            let document = layout(fonts, &markdown, &LayoutOptions { orientation });
            for page in &document.pages {
                prop_assert!(page.item_outside().is_none(), "{:?}", page.item_outside());
            }
        }
    }
}
