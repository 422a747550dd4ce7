//! `Selection { sectors, audience, level }` → `Checklist`: the rules that apply, in sections
//! by domain. An enterprise in several sectors gets each rule once.

use crate::error::{Error, Result};
use crate::rules::{Audience, Domain, Rule, RuleSet};

/// Protection level (安全保护等级), 1–5.
pub const LEVELS: std::ops::RangeInclusive<u8> = 1..=5;

/// What a checklist is for: checked against the catalog when made, so later stages can trust it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// Sector ids, in the order asked for, without repeats.
    pub sectors: Vec<String>,
    pub audience: Audience,
    /// Protection level of the systems; `None` selects the rules of every level.
    pub level: Option<u8>,
}

impl Selection {
    /// Checks the sectors against the catalog and the level against 1–5.
    pub fn new(
        set: &RuleSet,
        sectors: &[String],
        audience: Audience,
        level: Option<u8>,
    ) -> Result<Selection> {
        let ids: Vec<&str> = set.sectors.iter().map(|s| s.id.as_str()).collect();
        let mut chosen: Vec<String> = Vec::new();
        for sector in sectors.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            if !ids.contains(&sector) {
                let help = match nearest(sector, &ids) {
                    Some(near) => format!(
                        "did you mean `{near}`? run `checkgen sectors` to list the sector ids"
                    ),
                    None => "run `checkgen sectors` to list the sector ids".to_string(),
                };
                return Err(Error::usage(format!("unknown sector `{sector}`"), help));
            }
            if !chosen.iter().any(|c| c == sector) {
                chosen.push(sector.to_string());
            }
        }
        if chosen.is_empty() {
            return Err(Error::usage(
                "no sector given",
                "name one or more sectors, e.g. `--sector telecom,ecommerce`, or use `--all`",
            ));
        }
        if let Some(level) = level {
            if !LEVELS.contains(&level) {
                return Err(Error::usage(
                    format!("protection level {level} is outside 1–5"),
                    "give the level of the system, 1 to 5 (第一级 to 第五级), or leave --level out",
                ));
            }
        }
        Ok(Selection {
            sectors: chosen,
            audience,
            level,
        })
    }

    /// The stem of output file names: `telecom+ecommerce-enterprise-L3`.
    pub fn file_stem(&self) -> String {
        let mut stem = format!("{}-{}", self.sectors.join("+"), self.audience.id());
        if let Some(level) = self.level {
            stem.push_str(&format!("-L{level}"));
        }
        stem
    }

    pub fn matches(&self, rule: &Rule) -> bool {
        rule.is_for(self.audience)
            && self.sectors.iter().any(|s| rule.applies_to_sector(s))
            && self.level.is_none_or(|level| rule.applies_to_level(level))
    }
}

/// The rules of one domain that a selection picked.
#[derive(Debug, Clone)]
pub struct Section<'a> {
    pub domain: &'a Domain,
    pub rules: Vec<&'a Rule>,
}

/// An ordered checklist: sections in domain order, rules in file order.
#[derive(Debug, Clone)]
pub struct Checklist<'a> {
    pub selection: Selection,
    pub sections: Vec<Section<'a>>,
}

impl Checklist<'_> {
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.sections.iter().flat_map(|s| s.rules.iter().copied())
    }
}

/// Picks the rules a selection asks for; empty sections are left out.
pub fn checklist<'a>(set: &'a RuleSet, selection: &Selection) -> Checklist<'a> {
    let sections = set
        .domains
        .iter()
        .map(|domain| Section {
            domain,
            rules: set
                .rules
                .iter()
                .filter(|rule| rule.domain == domain.id && selection.matches(rule))
                .collect(),
        })
        .filter(|section| !section.rules.is_empty())
        .collect();
    Checklist {
        selection: selection.clone(),
        sections,
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), *c))
        .filter(|(distance, c)| *distance <= (c.len() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_suggests_typos_only() {
        let ids = ["telecom", "ecommerce", "egov"];
        assert_eq!(nearest("telcom", &ids), Some("telecom"));
        assert_eq!(nearest("e-commerce", &ids), Some("ecommerce"));
        assert_eq!(nearest("banking", &ids), None);
    }
}
