//! The shipped data: seeds parse as published, every rule quote is verbatim, every cited
//! article exists in the reference texts, and the trace covers every checkable sentence.

use checkgen::references;
use checkgen::rules::{self, Audience};
use checkgen::seeds::{nfkc, Seeds};
use checkgen::trace::{self, Status};

#[test]
fn seeds_split_into_chapters_and_items() {
    let seeds = Seeds::embedded();
    let shandong = seeds.doc("shandong-2014").unwrap();
    let yantai = seeds.doc("yantai-2014").unwrap();
    assert_eq!(shandong.items.len(), 20);
    assert_eq!(yantai.items.len(), 35);
    assert_eq!(shandong.chapters.len(), 7);
    assert_eq!(yantai.chapters.len(), 7);
    let item16 = shandong.item(16).unwrap();
    assert_eq!(item16.title, "提升信息安全保障能力");
    assert!(item16
        .text
        .starts_with("提升信息安全保障能力。依法加强信息产品和服务的检测和认证"));
    assert!(item16.text.ends_with("个人信息保护力度。"));
    assert_eq!(shandong.chapter_of(item16).numeral, "六");
    assert_eq!(yantai.item(31).unwrap().title, "加强个人信息保护能力建设");
    assert_eq!(shandong.info.number.as_deref(), Some("鲁政办发〔2014〕9号"));
    // Numbers are consecutive: no item was swallowed by its neighbour.
    for doc in [shandong, yantai] {
        for (index, item) in doc.items.iter().enumerate() {
            assert_eq!(item.number as usize, index + 1);
        }
    }
}

#[test]
fn seeds_are_the_published_bytes() {
    let shipped = include_str!("../seeds/shandong-2014.txt");
    assert!(
        shipped.contains("16.提升信息安全保障能力。依法加强信息产品和服务的检测和认证,支持企业")
    );
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if shared.is_dir() {
        for name in ["shandong-2014.txt", "yantai-2014.txt"] {
            let ours =
                std::fs::read(format!("{}/seeds/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
            assert_eq!(
                ours,
                std::fs::read(shared.join(name)).unwrap(),
                "{name} differs from the published text"
            );
        }
    }
}

#[test]
fn every_shipped_quote_is_verbatim_in_its_item() {
    let (set, problems) = rules::validate(&[]).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
    let seeds = Seeds::embedded();
    let mut quotes = 0;
    for rule in &set.rules {
        assert!(!rule.sources.is_empty(), "{} cites no seed", rule.id);
        for source in &rule.sources {
            let item = seeds
                .doc(&source.doc)
                .and_then(|d| d.item(source.item))
                .unwrap();
            assert!(
                nfkc(&item.text).contains(&nfkc(&source.quote)),
                "{}: {}",
                rule.id,
                source.quote
            );
            quotes += 1;
        }
    }
    assert!(quotes >= set.rules.len());
}

#[test]
fn every_cited_article_with_a_text_exists_there() {
    let set = rules::load_checked(&[]).unwrap();
    let mut checked = 0;
    for rule in &set.rules {
        for reference in &rule.references {
            let Some(text) = &reference.text else {
                continue;
            };
            let instrument =
                references::find(text).unwrap_or_else(|| panic!("{}: no text {text}", rule.id));
            let article = reference
                .text_article
                .as_deref()
                .unwrap_or(&reference.article);
            assert!(
                instrument.article(article).is_some(),
                "{}: {} {article}",
                rule.id,
                instrument.title
            );
            if let Some(excerpt) = &reference.excerpt {
                assert!(
                    instrument.article_contains(article, excerpt),
                    "{}: {excerpt}",
                    rule.id
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 50,
        "only {checked} references are checked against a text"
    );
}

#[test]
fn rules_carry_the_content_each_audience_needs() {
    let set = rules::load_checked(&[]).unwrap();
    for rule in &set.rules {
        if rule.is_for(Audience::Enterprise) {
            assert!(
                rule.self_check
                    .iter()
                    .all(|c| c.question.starts_with("本单位") || c.question.contains("是否")),
                "{}",
                rule.id
            );
        }
        if rule.is_for(Audience::Regulator) {
            assert!(!rule.inspection.is_empty(), "{}", rule.id);
        }
    }
}

#[test]
fn trace_covers_every_checkable_sentence() {
    let set = rules::load_checked(&[]).unwrap();
    let docs = trace::trace(&set, Seeds::embedded());
    assert_eq!(docs.len(), 2);
    for doc in &docs {
        let gaps: Vec<String> = doc
            .items
            .iter()
            .flat_map(|item| {
                item.sentences
                    .iter()
                    .filter(|s| s.status == Status::Gap)
                    .map(move |s| {
                        format!("{} item {} #{}: {}", doc.doc, item.item, s.index, s.text)
                    })
            })
            .collect();
        assert!(gaps.is_empty(), "uncovered sentences:\n{}", gaps.join("\n"));
        assert_eq!(doc.summary.coverage, 100.0);
        assert!(doc.summary.covered > 10);
    }
}

#[test]
fn the_json_schema_names_exactly_the_rule_fields() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../rules/schema.json")).unwrap();
    let mut in_schema: Vec<String> = schema["definitions"]["rule"]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    in_schema.sort();
    let set = rules::load_checked(&[]).unwrap();
    let rule = serde_json::to_value(&set.rules[0]).unwrap();
    // `domain` comes from the file, not the rule; optional fields are always serialized.
    let mut in_model: Vec<String> = rule
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| *k != "domain")
        .cloned()
        .collect();
    in_model.sort();
    assert_eq!(in_schema, in_model);
}
