//! docs/rules-review.md lists every rule with what grounds it. Its hand-written head (method and
//! known limits) stays as written; the listing below the marker is generated from the shipped
//! rules and must match them. After changing rules, refresh it with
//! `CHECKGEN_UPDATE_DOCS=1 cargo test --test review` and read the diff.

use std::fmt::Write;

use checkgen::rules::{self, Audience};
use checkgen::seeds::Seeds;
use checkgen::view::levels_label;

const MARKER: &str =
    "<!-- The listing below is generated from rules/*.yaml by tests/review.rs. -->";

fn listing() -> String {
    let set = rules::load_checked(&[]).unwrap();
    let seeds = Seeds::embedded();
    let mut md = String::new();
    for (index, domain) in set.domains.iter().enumerate() {
        let rules: Vec<_> = set.rules.iter().filter(|r| r.domain == domain.id).collect();
        let _ = writeln!(
            md,
            "\n## {}、{}（{}，{} 条）",
            checkgen::view::chinese_number(index + 1),
            domain.name,
            domain.id,
            rules.len()
        );
        for rule in rules {
            let _ = writeln!(md, "\n### {} {}\n", rule.id, rule.title);
            let _ = writeln!(md, "- 义务：{}", rule.obligation);
            let audiences: Vec<&str> = rule
                .audiences
                .iter()
                .map(|a| match a {
                    Audience::Enterprise => "自查表",
                    Audience::Regulator => "检查表",
                })
                .collect();
            let levels = match levels_label(&rule.levels) {
                label if label.is_empty() => "不限".to_string(),
                label => label,
            };
            let _ = writeln!(
                md,
                "- 适用：行业 {}；{}；等级 {}；{}",
                rule.sectors
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("、"),
                audiences.join("、"),
                levels,
                rule.severity.label()
            );
            for source in &rule.sources {
                let short = seeds
                    .doc(&source.doc)
                    .map_or(source.doc.as_str(), |d| d.info.short.as_str());
                let _ = writeln!(
                    md,
                    "- 政策依据：{short}第{}项“{}”",
                    source.item, source.quote
                );
            }
            for reference in &rule.references {
                let mut line = format!(
                    "- 法规依据：{} {}［{}］",
                    reference.instrument, reference.article, reference.instrument_id
                );
                if let Some(note) = &reference.note {
                    let _ = write!(line, "：{note}");
                }
                if let Some(text) = &reference.text {
                    let article = reference
                        .text_article
                        .as_deref()
                        .unwrap_or(&reference.article);
                    let _ = write!(line, "（已对照 references/{text}.md {article} 核验");
                    if let Some(excerpt) = &reference.excerpt {
                        let _ = write!(line, "：“{excerpt}”");
                    }
                    line.push('）');
                }
                if let Some(review) = &reference.review {
                    let _ = write!(line, "\n  - 审查说明（不印在表上）：{review}");
                }
                let _ = writeln!(md, "{line}");
            }
        }
    }
    md
}

#[test]
fn rules_review_lists_every_shipped_rule() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules-review.md");
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let head = current
        .split(MARKER)
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_string();
    let expected = format!("{head}\n\n{MARKER}\n{}", listing());
    if std::env::var_os("CHECKGEN_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
        return;
    }
    assert!(
        current.contains(MARKER),
        "docs/rules-review.md lacks the marker line"
    );
    assert!(
        current == expected,
        "docs/rules-review.md is out of date: run `CHECKGEN_UPDATE_DOCS=1 cargo test --test review`"
    );
}
