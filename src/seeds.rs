//! The source documents: `seeds/*.txt` → chapters and numbered items, and NFKC quote matching.
//!
//! Each seed is a list of numbered items (`16.提升信息安全保障能力。…`) under numbered chapters
//! (`六、…`). A rule cites `{doc, item, quote}`; the quote must be a substring of the item's
//! text after Unicode NFKC normalisation of both, which folds the seeds' mix of ASCII and
//! full-width punctuation and nothing else.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::embedded;

/// Unicode NFKC normalisation, the only folding applied when quotes are compared.
pub fn nfkc(text: &str) -> String {
    text.nfkc().collect()
}

/// Metadata of one source document, from `seeds/index.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedInfo {
    pub id: String,
    pub file: String,
    pub title: String,
    pub issuer: String,
    /// Document number (文号), when the text states one.
    #[serde(default)]
    pub number: Option<String>,
    pub year: u16,
    /// Short name used in citations on forms.
    pub short: String,
}

#[derive(Debug, Deserialize)]
struct SeedIndex {
    documents: Vec<SeedInfo>,
}

/// A numbered chapter (`六、优化信息消费市场环境`).
#[derive(Debug, Clone, Serialize)]
pub struct Chapter {
    /// The chapter numeral as written (`六`).
    pub numeral: String,
    pub title: String,
}

/// A numbered item (`16.提升信息安全保障能力。…`).
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub number: u32,
    /// The heading sentence without its number (`提升信息安全保障能力`).
    pub title: String,
    /// The item's full text after `16.`, as published.
    pub text: String,
    /// Index into the document's chapters.
    pub chapter: usize,
    /// Line of the item in the seed file (1-based).
    pub line: usize,
    #[serde(skip)]
    normalized: String,
}

impl Item {
    /// True when `quote` occurs in the item after NFKC normalisation of both.
    pub fn contains_quote(&self, quote: &str) -> bool {
        let quote = nfkc(quote);
        !quote.trim().is_empty() && self.normalized.contains(&quote)
    }

    /// The item's sentences after its heading, each ending at 。 (or at the end of the text).
    pub fn sentences(&self) -> Vec<&str> {
        split_sentences(&self.text).into_iter().skip(1).collect()
    }
}

/// Splits text after each 。, keeping the mark; a trailing piece without one is kept too.
pub fn split_sentences(text: &str) -> Vec<&str> {
    let mut sentences = Vec::new();
    let mut start = 0;
    for (at, ch) in text.char_indices() {
        if ch == '。' {
            let end = at + ch.len_utf8();
            sentences.push(&text[start..end]);
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        sentences.push(&text[start..]);
    }
    sentences
}

/// One parsed source document.
#[derive(Debug, Clone, Serialize)]
pub struct SeedDoc {
    #[serde(flatten)]
    pub info: SeedInfo,
    /// Lines before the first chapter (title, preamble).
    pub preamble: Vec<String>,
    pub chapters: Vec<Chapter>,
    pub items: Vec<Item>,
}

impl SeedDoc {
    /// Splits a seed text into chapters and items. Lines that are neither continue the
    /// preamble (before the first chapter) or the previous item.
    pub fn parse(info: SeedInfo, text: &str) -> SeedDoc {
        let mut doc = SeedDoc {
            info,
            preamble: Vec::new(),
            chapters: Vec::new(),
            items: Vec::new(),
        };
        for (index, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if let Some((numeral, title)) = chapter_heading(line) {
                doc.chapters.push(Chapter {
                    numeral: numeral.to_string(),
                    title: title.to_string(),
                });
            } else if let (Some((number, body)), false) =
                (item_start(line), doc.chapters.is_empty())
            {
                let title = body.split('。').next().unwrap_or(body).to_string();
                doc.items.push(Item {
                    number,
                    title,
                    text: body.to_string(),
                    chapter: doc.chapters.len() - 1,
                    line: index + 1,
                    normalized: nfkc(body),
                });
            } else if let (Some(item), false) = (doc.items.last_mut(), doc.chapters.is_empty()) {
                item.text.push_str(line);
                item.normalized = nfkc(&item.text);
            } else {
                doc.preamble.push(line.to_string());
            }
        }
        doc
    }

    pub fn item(&self, number: u32) -> Option<&Item> {
        self.items.iter().find(|item| item.number == number)
    }

    /// The chapter an item stands in.
    pub fn chapter_of(&self, item: &Item) -> &Chapter {
        &self.chapters[item.chapter]
    }
}

/// `六、优化信息消费市场环境` → (`六`, `优化信息消费市场环境`).
fn chapter_heading(line: &str) -> Option<(&str, &str)> {
    let (numeral, title) = line.split_once('、')?;
    let is_numeral =
        !numeral.is_empty() && numeral.chars().all(|c| "一二三四五六七八九十".contains(c));
    is_numeral.then_some((numeral, title))
}

/// `16.提升…` → (16, `提升…`). Accepts an ASCII or full-width full stop after the number.
fn item_start(line: &str) -> Option<(u32, &str)> {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return None;
    }
    let number = line[..digits].parse().ok()?;
    let rest = &line[digits..];
    let body = rest.strip_prefix('.').or_else(|| rest.strip_prefix('．'))?;
    Some((number, body))
}

/// The set of source documents.
#[derive(Debug, Clone, Serialize)]
pub struct Seeds {
    pub docs: Vec<SeedDoc>,
}

impl Seeds {
    /// The two documents compiled into the binary, parsed once per process.
    pub fn embedded() -> &'static Seeds {
        static SEEDS: OnceLock<Seeds> = OnceLock::new();
        SEEDS.get_or_init(|| {
            let index = embedded::find(embedded::SEEDS, "index.yaml")
                .expect("seeds/index.yaml is embedded at build time");
            let index: SeedIndex = crate::yaml::parse(index)
                .unwrap_or_else(|err| panic!("embedded seeds/index.yaml: {}", err.message));
            let docs = index
                .documents
                .into_iter()
                .map(|info| {
                    let text = embedded::find(embedded::SEEDS, &info.file)
                        .unwrap_or_else(|| panic!("seed file {} is not embedded", info.file));
                    SeedDoc::parse(info, text)
                })
                .collect();
            Seeds { docs }
        })
    }

    pub fn doc(&self, id: &str) -> Option<&SeedDoc> {
        self.docs.iter().find(|doc| doc.info.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.docs.iter().map(|doc| doc.info.id.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_and_chapter_lines() {
        assert_eq!(item_start("16.提升"), Some((16, "提升")));
        assert_eq!(item_start("2015年"), None);
        assert_eq!(chapter_heading("六、优化"), Some(("六", "优化")));
        assert_eq!(chapter_heading("烟台市、山东省"), None);
    }

    #[test]
    fn sentences_keep_their_stop() {
        assert_eq!(
            split_sentences("甲。乙，丙。丁"),
            vec!["甲。", "乙，丙。", "丁"]
        );
    }
}
