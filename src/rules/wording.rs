//! Reviewer's wording: phrases that say how sure the transcription is (verification status,
//! "推定", where a text was found, "2014年时") rather than what the law requires. They belong in
//! a rule's `review:` fields, YAML comments and `docs/rules-review.md`, never on a form.

/// The phrases looked for; each marks a note to reviewers, not a legal requirement.
pub const PHRASES: &[&str] = &[
    "未经核实",
    "未核实",
    "待核实",
    "未经核对",
    "未能确认",
    "未确认",
    "无法确认",
    "无法推定",
    "推定",
    "推得",
    "顺延",
    "2014年时",
    "当时的规范",
    "转载",
    "第三方页面",
    "二次来源",
    "据报道",
    "✱",
    "✔",
    "(sec.)",
    "（sec.）",
];

/// The reviewer's phrases found in `text`, in the order of `PHRASES`.
pub fn reviewer_phrases(text: &str) -> Vec<&'static str> {
    PHRASES
        .iter()
        .copied()
        .filter(|phrase| text.contains(phrase))
        .collect()
}

/// Every occurrence in `text` as (line, column, phrase), lines and columns from 1 (columns in
/// characters).
pub fn find_in(text: &str) -> Vec<(usize, usize, &'static str)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        for phrase in PHRASES {
            for (at, _) in line.match_indices(phrase) {
                found.push((number + 1, line[..at].chars().count() + 1, *phrase));
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_status_words_with_positions() {
        assert_eq!(
            reviewer_phrases("第二十三条（顺延推定，未经核实）").len(),
            3
        );
        assert!(reviewer_phrases("核实用户身份").is_empty());
        assert_eq!(find_in("甲\n乙未经核实"), vec![(2, 2, "未经核实")]);
    }
}
