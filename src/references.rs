//! Texts of national instruments (`references/*.md`, one article a line): article lookup, so a
//! rule's citation of an instrument article can be checked against the text.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::embedded;
use crate::seeds::nfkc;

/// One instrument's text, split into articles (`第二十一条`).
#[derive(Debug, Clone)]
pub struct Instrument {
    /// File id without extension (`csl`).
    pub id: String,
    /// The title on the file's first line.
    pub title: String,
    articles: BTreeMap<String, String>,
}

impl Instrument {
    /// Splits a reference text: an article starts on a line `第…条 ` and runs until the next
    /// article or heading; continuation lines (numbered sub-items) belong to it.
    pub fn parse(id: &str, text: &str) -> Instrument {
        let mut title = String::new();
        let mut articles = BTreeMap::new();
        let mut current: Option<String> = None;
        for line in text.lines() {
            if let Some(heading) = line.strip_prefix("# ") {
                if title.is_empty() {
                    title = heading.trim().to_string();
                }
                continue;
            }
            if line.starts_with('#') {
                current = None;
                continue;
            }
            if let Some((number, body)) = article_start(line) {
                articles.insert(number.to_string(), body.to_string());
                current = Some(number.to_string());
            } else if let Some(number) = &current {
                if let Some(body) = articles.get_mut(number) {
                    body.push('\n');
                    body.push_str(line);
                }
            }
        }
        Instrument {
            id: id.to_string(),
            title,
            articles,
        }
    }

    /// The text of an article (`第二十一条`), if the instrument has it.
    pub fn article(&self, number: &str) -> Option<&str> {
        self.articles.get(number.trim()).map(String::as_str)
    }

    /// True when the article exists and contains `excerpt` after NFKC normalisation.
    pub fn article_contains(&self, number: &str, excerpt: &str) -> bool {
        self.article(number)
            .is_some_and(|text| nfkc(text).contains(&nfkc(excerpt)))
    }
}

/// `第二十一条 国家实行…` → (`第二十一条`, `国家实行…`).
fn article_start(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find('条')?;
    let numeral = &rest[..end];
    if numeral.is_empty()
        || !numeral
            .chars()
            .all(|c| "零一二三四五六七八九十百".contains(c))
    {
        return None;
    }
    let number_len = '第'.len_utf8() + end + '条'.len_utf8();
    let body = line[number_len..].trim_start_matches([' ', '\u{3000}']);
    Some((&line[..number_len], body))
}

/// All reference texts compiled into the binary, parsed once per process.
pub fn embedded() -> &'static [Instrument] {
    static TEXTS: OnceLock<Vec<Instrument>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        embedded::REFERENCES
            .iter()
            .filter(|(file, _)| *file != "README.md")
            .map(|(file, text)| Instrument::parse(file.trim_end_matches(".md"), text))
            .collect()
    })
}

/// The embedded text with this id (`csl`).
pub fn find(id: &str) -> Option<&'static Instrument> {
    embedded().iter().find(|instrument| instrument.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_span_their_sub_items() {
        let text =
            "# 法\n\n## 第一章\n\n第一条 甲。\n\n第二条 乙:\n(一)丙;\n\n## 第二章\n\n第十条 丁。\n";
        let law = Instrument::parse("x", text);
        assert_eq!(law.title, "法");
        assert!(law.article_contains("第二条", "(一)丙"));
        assert!(!law.article_contains("第二条", "丁"));
        assert_eq!(law.article("第十条"), Some("丁。"));
        assert_eq!(law.article("第三条"), None);
    }
}
