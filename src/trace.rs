//! Traceability: seed sentence → the rules that quote it, or the reason it carries no
//! checkable duty, or a gap. One coverage figure per document.
//!
//! Items are split into sentences at 。 (the heading sentence of each item is not counted). A
//! sentence is covered when any rule quotes words from it; `not-checkable.yaml` marks the rest
//! that bind no one to anything checkable; what is left is a gap.

use serde::Serialize;

use crate::rules::{RuleSet, SentenceSpec};
use crate::seeds::{nfkc, split_sentences, Item, SeedDoc, Seeds};

/// What became of one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Quoted by these rules.
    Covered { rules: Vec<String> },
    /// Listed in `not-checkable.yaml` with this reason.
    NotCheckable { reason: String },
    /// Neither: a duty no rule transcribes yet, or a sentence to list as not checkable.
    Gap,
}

#[derive(Debug, Clone, Serialize)]
pub struct SentenceTrace {
    /// 1-based, counting from the first sentence after the item's heading.
    pub index: usize,
    pub text: String,
    #[serde(flatten)]
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemTrace {
    pub item: u32,
    pub title: String,
    /// Chapter heading (`六、优化信息消费市场环境`).
    pub chapter: String,
    pub sentences: Vec<SentenceTrace>,
}

/// Sentence counts of one document. `coverage` is covered / (covered + gaps), in percent.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Coverage {
    pub sentences: usize,
    pub covered: usize,
    pub not_checkable: usize,
    pub gaps: usize,
    pub coverage: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocTrace {
    pub doc: String,
    pub title: String,
    pub short: String,
    pub summary: Coverage,
    pub items: Vec<ItemTrace>,
}

/// Traces every sentence of every seed document.
pub fn trace(set: &RuleSet, seeds: &Seeds) -> Vec<DocTrace> {
    seeds.docs.iter().map(|doc| trace_doc(set, doc)).collect()
}

fn trace_doc(set: &RuleSet, doc: &SeedDoc) -> DocTrace {
    let items: Vec<ItemTrace> = doc
        .items
        .iter()
        .map(|item| trace_item(set, doc, item))
        .collect();
    let mut summary = Coverage::default();
    for sentence in items.iter().flat_map(|i| &i.sentences) {
        summary.sentences += 1;
        match sentence.status {
            Status::Covered { .. } => summary.covered += 1,
            Status::NotCheckable { .. } => summary.not_checkable += 1,
            Status::Gap => summary.gaps += 1,
        }
    }
    let checkable = summary.covered + summary.gaps;
    summary.coverage = if checkable == 0 {
        100.0
    } else {
        summary.covered as f64 * 100.0 / checkable as f64
    };
    DocTrace {
        doc: doc.info.id.clone(),
        title: doc.info.title.clone(),
        short: doc.info.short.clone(),
        summary,
        items,
    }
}

fn trace_item(set: &RuleSet, doc: &SeedDoc, item: &Item) -> ItemTrace {
    let normalized = nfkc(&item.text);
    // Byte ranges of the sentences in the normalised text; NFKC leaves 。 alone, so the
    // sentences line up one to one with those of the published text.
    let mut ranges = Vec::new();
    let mut start = 0;
    for sentence in split_sentences(&normalized) {
        ranges.push(start..start + sentence.len());
        start += sentence.len();
    }
    let originals = split_sentences(&item.text);
    let mut covering: Vec<Vec<String>> = vec![Vec::new(); ranges.len()];
    for rule in &set.rules {
        for source in rule
            .sources
            .iter()
            .filter(|s| s.doc == doc.info.id && s.item == item.number)
        {
            let quote = nfkc(&source.quote);
            if quote.is_empty() {
                continue;
            }
            for (at, _) in normalized.match_indices(&quote) {
                let span = at..at + quote.len();
                for (index, range) in ranges.iter().enumerate() {
                    let overlaps = range.start < span.end && span.start < range.end;
                    if overlaps && !covering[index].contains(&rule.id) {
                        covering[index].push(rule.id.clone());
                    }
                }
            }
        }
    }
    let entries: Vec<_> = set
        .not_checkable
        .iter()
        .filter(|e| e.doc == doc.info.id && e.item == item.number)
        .collect();
    let reason_for = |sentence: &str| {
        let sentence = nfkc(sentence);
        entries.iter().find_map(|entry| {
            let listed = match &entry.sentences {
                SentenceSpec::Keyword(_) => true,
                SentenceSpec::Fragments(fragments) => {
                    fragments.iter().any(|f| sentence.contains(&nfkc(f)))
                }
            };
            listed.then(|| entry.reason.clone())
        })
    };
    let sentences = originals
        .iter()
        .zip(covering)
        .enumerate()
        .skip(1)
        .map(|(index, (text, rules))| SentenceTrace {
            index,
            text: text.to_string(),
            status: if !rules.is_empty() {
                Status::Covered { rules }
            } else if let Some(reason) = reason_for(text) {
                Status::NotCheckable { reason }
            } else {
                Status::Gap
            },
        })
        .collect();
    let chapter = doc.chapter_of(item);
    ItemTrace {
        item: item.number,
        title: item.title.clone(),
        chapter: format!("{}、{}", chapter.numeral, chapter.title),
        sentences,
    }
}

/// The traceability matrix as Markdown, for auditors.
pub fn to_markdown(docs: &[DocTrace]) -> String {
    use std::fmt::Write;
    let escape = crate::template::escape;
    let mut md = String::from("# 条款追溯矩阵\n\n");
    md.push_str("每项政策条款按句（以“。”为界，不含标题句）列出：引用该句的规则，或不可检查的理由。覆盖率 = 已覆盖句数 ÷（已覆盖句数 + 缺口句数）。\n\n");
    md.push_str("| 文件 | 语句 | 已覆盖 | 不可检查 | 缺口 | 覆盖率 |\n| --- | --- | --- | --- | --- | --- |\n");
    for doc in docs {
        let s = &doc.summary;
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {:.1}% |",
            escape(&doc.short),
            s.sentences,
            s.covered,
            s.not_checkable,
            s.gaps,
            s.coverage
        );
    }
    for doc in docs {
        let _ = write!(
            md,
            "\n## {}《{}》\n",
            escape(&doc.short),
            escape(&doc.title)
        );
        let mut chapter = "";
        for item in &doc.items {
            if item.chapter != chapter {
                chapter = &item.chapter;
                let _ = write!(md, "\n### {}\n", escape(chapter));
            }
            let _ = write!(
                md,
                "\n**第{}项 {}**\n\n| 句 | 原文 | 状态 | 规则或理由 |\n| --- | --- | --- | --- |\n",
                item.item,
                escape(&item.title)
            );
            if item.sentences.is_empty() {
                md.push_str("| — | （仅标题句） | — | — |\n");
            }
            for sentence in &item.sentences {
                let (status, detail) = match &sentence.status {
                    Status::Covered { rules } => ("已覆盖", rules.join("、")),
                    Status::NotCheckable { reason } => ("不可检查", escape(reason)),
                    Status::Gap => ("**缺口**", String::new()),
                };
                let _ = writeln!(
                    md,
                    "| {} | {} | {status} | {detail} |",
                    sentence.index,
                    escape(&sentence.text)
                );
            }
        }
    }
    md
}
