//! `Selection { sectors, audience, level, authority }` → `Checklist`: the rules that apply, in
//! sections by domain. An enterprise in several sectors gets each rule once; a regulator form
//! holds the items of one authority (检查机关).

use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::rules::{asked_of, Audience, Domain, Inspection, InspectionKind, Rule, RuleSet};

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
    /// The inspecting authority of a regulator form (catalogue id); `None` takes the items of
    /// every authority (what the self-assessment shows).
    pub authority: Option<String>,
    /// The enterprise's profile: rules it rules out are left out (and listed), and with
    /// systems, graded-protection rules are taken at their levels.
    pub profile: Option<Profile>,
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
            authority: None,
            profile: None,
        })
    }

    /// The same selection fitted to an enterprise's profile. A profile that lists systems gives
    /// the levels itself, so it cannot be combined with a level.
    pub fn with_profile(self, profile: Profile) -> Result<Selection> {
        if self.level.is_some() && !profile.systems.is_empty() {
            return Err(Error::usage(
                "--level and a profile with systems: the profile's systems give the levels",
                "leave --level out, or the `systems` out of the profile",
            ));
        }
        Ok(Selection {
            profile: Some(profile),
            ..self
        })
    }

    /// The same selection for one authority's regulator form: the authority must be in the
    /// catalogue and have inspection items in the selected sectors.
    pub fn with_authority(self, set: &RuleSet, id: &str) -> Result<Selection> {
        check_authority(set, self.audience, Some(id), &self.sectors, self.level)?;
        let selection = Selection {
            authority: Some(id.to_string()),
            ..self
        };
        if !has_checks(set, &selection) {
            return Err(Error::usage(
                format!(
                    "authority `{id}` inspects nothing in {}",
                    selection.sectors.join(", ")
                ),
                competent(set, &selection.sectors, selection.level),
            ));
        }
        Ok(selection)
    }

    /// The stem of output file names: `telecom+ecommerce-enterprise-L3`.
    pub fn file_stem(&self) -> String {
        let mut stem = format!("{}-{}", self.sectors.join("+"), self.audience.id());
        if let Some(authority) = &self.authority {
            stem.push_str(&format!("-{authority}"));
        }
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
    /// Rules the selection would take but the profile rules out, in the same order.
    pub excluded: Vec<Excluded<'a>>,
}

/// A rule left out because of the enterprise's profile, and why.
#[derive(Debug, Clone)]
pub struct Excluded<'a> {
    pub rule: &'a Rule,
    pub why: Exclusion,
}

/// Why a profile rules a rule out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    /// Its `applies_if` does not hold for the profile.
    Condition,
    /// It applies at levels none of the profile's systems has.
    Levels,
}

/// Whether the profile rules `rule` out; `None` when it applies (or the profile does not say).
fn exclusion(rule: &Rule, profile: &Profile) -> Option<Exclusion> {
    if rule
        .applies_if
        .as_ref()
        .is_some_and(|c| c.holds(profile) == Some(false))
    {
        return Some(Exclusion::Condition);
    }
    let no_system = !profile.systems.is_empty()
        && !rule.levels.is_empty()
        && profile.systems_at(&rule.levels).is_empty();
    no_system.then_some(Exclusion::Levels)
}

impl Checklist<'_> {
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.sections.iter().flat_map(|s| s.rules.iter().copied())
    }
}

/// The inspection items of `rule` on a regulator form for `selection`, procedures included:
/// those asked in its sectors and, when the selection names an authority, enforced by that
/// authority in a sector it has power over.
pub fn inspections(set: &RuleSet, rule: &Rule, selection: &Selection) -> Vec<Inspection> {
    let asked = asked_of(&rule.inspection, &selection.sectors);
    let Some(id) = &selection.authority else {
        return asked;
    };
    let authority = set
        .authority(id)
        .expect("Selection::with_authority checked the id against the catalogue");
    asked
        .into_iter()
        .filter(|item| {
            item.authorities(rule).contains(id)
                && selection.sectors.iter().any(|sector| {
                    rule.applies_to_sector(sector)
                        && (item.sectors.is_empty() || item.sectors.contains(sector))
                        && authority.covers(sector)
                })
        })
        .collect()
}

/// The ids of the authorities with items to check (not only procedures) in `sectors` at
/// `level`, in catalogue order: the regulator forms those sectors have.
pub fn authorities_with_items(set: &RuleSet, sectors: &[String], level: Option<u8>) -> Vec<String> {
    set.authorities
        .iter()
        .filter(|authority| {
            let selection = Selection {
                sectors: sectors.to_vec(),
                audience: Audience::Regulator,
                level,
                authority: Some(authority.id.clone()),
                profile: None,
            };
            has_checks(set, &selection)
        })
        .map(|authority| authority.id.clone())
        .collect()
}

/// Checks an authority asked for against the audience: a regulator form is one authority's
/// record and needs one, a self-assessment takes none, and the id must be in the catalogue.
/// The help names the authorities with items in `sectors` (every one when `sectors` is empty).
pub fn check_authority(
    set: &RuleSet,
    audience: Audience,
    authority: Option<&str>,
    sectors: &[String],
    level: Option<u8>,
) -> Result<()> {
    let listed = || competent(set, sectors, level);
    match (audience, authority) {
        (Audience::Enterprise, None) => Ok(()),
        (Audience::Enterprise, Some(_)) => Err(Error::usage(
            "--authority is for regulator forms",
            "the self-assessment names each item's authority; drop --authority or use `--audience regulator`",
        )),
        (Audience::Regulator, None) => Err(Error::usage(
            "a regulator form is one authority's record: --authority is required",
            listed(),
        )),
        (Audience::Regulator, Some(id)) if set.authority(id).is_none() => {
            let ids: Vec<&str> = set.authorities.iter().map(|a| a.id.as_str()).collect();
            let help = match nearest(id, &ids) {
                Some(near) => format!("did you mean `{near}`? {}", listed()),
                None => listed(),
            };
            Err(Error::usage(format!("unknown authority `{id}`"), help))
        }
        (Audience::Regulator, Some(_)) => Ok(()),
    }
}

/// The help naming the authorities with items in `sectors` (every one when `sectors` is
/// empty).
fn competent(set: &RuleSet, sectors: &[String], level: Option<u8>) -> String {
    let ids = if sectors.is_empty() {
        set.authorities.iter().map(|a| a.id.clone()).collect()
    } else {
        authorities_with_items(set, sectors, level)
    };
    format!(
        "authorities with items here: {}; `checkgen authorities` lists each one's sectors",
        ids.join(", ")
    )
}

/// How much a regulator form holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FormSize {
    /// Numbered items (rules with at least one row to fill in).
    pub items: usize,
    /// Rows with result boxes.
    pub rows: usize,
    /// Procedural items (检查程序提示), never rows.
    pub procedures: usize,
}

/// Counts the items, rows and procedures of the regulator form for `selection`.
pub fn form_size(set: &RuleSet, selection: &Selection) -> FormSize {
    let mut size = FormSize::default();
    for rule in checklist(set, selection).rules() {
        let items = inspections(set, rule, selection);
        let rows = items
            .iter()
            .filter(|item| item.kind == InspectionKind::Check)
            .count();
        size.rows += rows;
        size.procedures += items.len() - rows;
        size.items += usize::from(rows > 0);
    }
    size
}

/// True when the selection's form has at least one row with result boxes.
fn has_checks(set: &RuleSet, selection: &Selection) -> bool {
    form_size(set, selection).rows > 0
}

/// Picks the rules a selection asks for; empty sections are left out. A regulator form for
/// one authority holds the rules with at least one of its inspection items.
pub fn checklist<'a>(set: &'a RuleSet, selection: &Selection) -> Checklist<'a> {
    let mut excluded = Vec::new();
    let mut sections = Vec::new();
    for domain in &set.domains {
        let mut rules = Vec::new();
        for rule in set.rules.iter().filter(|rule| {
            rule.domain == domain.id
                && selection.matches(rule)
                && (selection.authority.is_none() || !inspections(set, rule, selection).is_empty())
        }) {
            match selection.profile.as_ref().and_then(|p| exclusion(rule, p)) {
                Some(why) => excluded.push(Excluded { rule, why }),
                None => rules.push(rule),
            }
        }
        if !rules.is_empty() {
            sections.push(Section { domain, rules });
        }
    }
    Checklist {
        selection: selection.clone(),
        sections,
        excluded,
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
