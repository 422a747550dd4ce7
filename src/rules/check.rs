//! Semantic checks of a loaded `RuleSet`: everything the YAML types cannot say, from unknown
//! sectors to quotes that are not verbatim in their seed item.

use std::collections::HashSet;

use super::authority::{AuthorityIds, AUTHORITIES_FILE};
use super::load::RuleSet;
use super::model::{Audience, NotCheckable, Reference, Rule, SectorScope, SentenceSpec};
use super::registry::{self, Registry, Status};
use super::wording;
use crate::error::Problem;
use crate::references;
use crate::seeds::{split_sentences, Seeds};

/// Checks every rule and not-checkable entry against the catalog, the seeds and the reference
/// texts; returns every problem found.
pub fn check(set: &RuleSet, seeds: &Seeds) -> Vec<Problem> {
    let mut problems = Vec::new();
    let sector_ids: Vec<&str> = set.sectors.iter().map(|s| s.id.as_str()).collect();
    for sector in &set.sectors {
        if !is_ascii_id(&sector.id) {
            problems.push(
                Problem::new(
                    sector.origin.locate("id"),
                    format!("sector id `{}` is not a lowercase ASCII key", sector.id),
                )
                .with_help("use letters, digits and `_`, e.g. `info_services`"),
            );
        }
    }
    registry::check(&set.instruments, &mut problems);
    check_catalogue(set, &sector_ids, &mut problems);
    for rule in set.rules.iter().chain(&set.duplicates) {
        check_rule(rule, &sector_ids, seeds, &mut problems);
        check_authorities(rule, set, &mut problems);
        check_references(rule, &set.instruments, &mut problems);
        check_wording(rule, &mut problems);
    }
    for entry in &set.not_checkable {
        check_not_checkable(entry, seeds, &mut problems);
    }
    problems
}

fn is_ascii_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `SEC-001`: two to five capitals, a hyphen, three digits.
fn is_rule_id(id: &str) -> bool {
    match id.split_once('-') {
        Some((prefix, number)) => {
            (2..=5).contains(&prefix.len())
                && prefix.chars().all(|c| c.is_ascii_uppercase())
                && number.len() == 3
                && number.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

fn check_rule(rule: &Rule, sector_ids: &[&str], seeds: &Seeds, problems: &mut Vec<Problem>) {
    let mut report = |field: &str, message: String, help: &str| {
        problems.push(
            Problem::new(rule.locate(field), format!("{}: {message}", rule.id)).with_help(help),
        );
    };
    if !is_rule_id(&rule.id) {
        report(
            "id",
            "id is not of the form `SEC-001`".into(),
            "use two to five capitals, a hyphen and three digits",
        );
    }
    for (field, value) in [("title", &rule.title), ("obligation", &rule.obligation)] {
        if value.trim().is_empty() {
            report(
                field,
                format!("`{field}` is empty"),
                "state it in one line of Chinese",
            );
        }
    }
    if rule.audiences.is_empty() {
        report(
            "audiences",
            "no audience".into(),
            "list `enterprise`, `regulator` or both",
        );
    }
    if rule.sectors.is_empty() {
        report("sectors", "no sector".into(), "list sector ids, or `[all]`");
    }
    for (index, sector) in rule.sectors.iter().enumerate() {
        let SectorScope::Only(sector) = sector else {
            continue;
        };
        if !sector_ids.contains(&sector.as_str()) {
            let help = match crate::select::nearest(sector, sector_ids) {
                Some(near) => format!("did you mean `{near}`? `checkgen sectors` lists the ids"),
                None => "`checkgen sectors` lists the ids; use `all` for every sector".to_string(),
            };
            report(
                &format!("sectors[{index}]"),
                format!("unknown sector `{sector}`"),
                &help,
            );
        }
    }
    let mut seen_levels = HashSet::new();
    for (index, level) in rule.levels.iter().enumerate() {
        if !(1..=5).contains(level) {
            report(
                &format!("levels[{index}]"),
                format!("protection level {level} is outside 1–5"),
                "levels are 1 to 5; leave `levels` out for a rule that applies at every level",
            );
        } else if !seen_levels.insert(level) {
            report(
                &format!("levels[{index}]"),
                format!("level {level} is listed twice"),
                "list each level once",
            );
        }
    }
    if rule.sources.is_empty() {
        report(
            "sources",
            "no seed citation".into(),
            "cite at least one `{doc, item, quote}` from seeds/",
        );
    }
    for (index, source) in rule.sources.iter().enumerate() {
        let field = format!("sources[{index}]");
        let Some(doc) = seeds.doc(&source.doc) else {
            report(
                &format!("{field}.doc"),
                format!("unknown seed document `{}`", source.doc),
                &format!("seed ids are: {}", seeds.ids().join(", ")),
            );
            continue;
        };
        let Some(item) = doc.item(source.item) else {
            let last = doc.items.last().map_or(0, |item| item.number);
            report(
                &format!("{field}.item"),
                format!("{} has no item {}", source.doc, source.item),
                &format!("its items are numbered 1 to {last}"),
            );
            continue;
        };
        if !item.contains_quote(&source.quote) {
            report(&format!("{field}.quote"), format!("quote not found verbatim in {} item {}: “{}”", source.doc, source.item, source.quote), "copy the words from the seed text exactly; only NFKC-equivalent characters (e.g. , and ，) may differ");
        }
    }
    if rule.is_for(Audience::Enterprise) && rule.self_check.is_empty() {
        report(
            "self_check",
            "rule is for enterprises but has no self_check item".into(),
            "add `self_check: [{question, evidence}]`, or drop `enterprise` from audiences",
        );
    }
    if rule.is_for(Audience::Regulator) && rule.inspection.is_empty() {
        report(
            "inspection",
            "rule is for regulators but has no inspection item".into(),
            "add `inspection: [{item, method}]`, or drop `regulator` from audiences",
        );
    }
    let sub_items = rule
        .self_check
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("self_check[{i}]"), &c.sectors))
        .chain(
            rule.inspection
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("inspection[{i}]"), &c.sectors)),
        );
    for (field, sectors) in sub_items {
        for (index, sector) in sectors.iter().enumerate() {
            if !rule.applies_to_sector(sector) || !sector_ids.contains(&sector.as_str()) {
                report(
                    &format!("{field}.sectors[{index}]"),
                    format!("sub-item sector `{sector}` is not a sector of the rule"),
                    "a sub-item may only narrow the rule's `sectors`",
                );
            }
        }
    }
    for (index, check) in rule.self_check.iter().enumerate() {
        for negation in ["是否不", "是否未"] {
            if check.question.contains(negation) {
                report(
                    &format!("self_check[{index}].question"),
                    format!("question asks “{negation}…”: 是 would mean the duty is breached or the reader must untangle a double negative"),
                    "ask so that 是 means compliant: 本单位是否……（positive wording）",
                );
            }
        }
        if check.question.trim().is_empty() || check.evidence.trim().is_empty() {
            report(
                &format!("self_check[{index}]"),
                "question or evidence is empty".into(),
                "ask 本单位是否…？ and name the 证明材料",
            );
        }
    }
    for (index, inspection) in rule.inspection.iter().enumerate() {
        if inspection.item.trim().is_empty() {
            report(
                &format!("inspection[{index}].item"),
                "inspection item is empty".into(),
                "say what is inspected",
            );
        }
        if inspection.method.is_empty() {
            report(
                &format!("inspection[{index}].method"),
                "no inspection method".into(),
                "name 查阅文档, 现场核查, 人员访谈 or 技术检测",
            );
        }
    }
}

/// Authority ids are ASCII keys and name known sectors.
fn check_catalogue(set: &RuleSet, sector_ids: &[&str], problems: &mut Vec<Problem>) {
    if set.authorities.is_empty() {
        problems.push(
            Problem::new(
                crate::error::Location::new(format!("rules/{AUTHORITIES_FILE}"), 1, 1),
                "no authority catalogue",
            )
            .with_help("list the inspecting bodies in authorities.yaml (`authorities: [{id, name, description}]`)"),
        );
    }
    for authority in &set.authorities {
        if !is_ascii_id(&authority.id) {
            problems.push(
                Problem::new(
                    authority.origin.locate("id"),
                    format!(
                        "authority id `{}` is not a lowercase ASCII key",
                        authority.id
                    ),
                )
                .with_help("use letters, digits and `_`, e.g. `public_security`"),
            );
        }
        for (index, id) in authority.instruments.iter().enumerate() {
            if set.instruments.get(id).is_none() {
                problems.push(
                    Problem::new(
                        authority.origin.locate(&format!("instruments[{index}]")),
                        format!("authority {}: unknown instrument `{id}`", authority.id),
                    )
                    .with_help(
                        "name an id of instruments.yaml (`checkgen instruments` lists them)",
                    ),
                );
            }
        }
        for (index, sector) in authority.sectors.iter().enumerate() {
            if let SectorScope::Only(sector) = sector {
                if !sector_ids.contains(&sector.as_str()) {
                    problems.push(
                        Problem::new(
                            authority.origin.locate(&format!("sectors[{index}]")),
                            format!("authority {}: unknown sector `{sector}`", authority.id),
                        )
                        .with_help("`checkgen sectors` lists the ids; leave `sectors` out for every sector"),
                    );
                }
            }
        }
    }
}

/// Every rule names a known authority, every inspection item has one (its own or its rule's),
/// and the authority has power over at least one sector the item is asked in.
fn check_authorities(rule: &Rule, set: &RuleSet, problems: &mut Vec<Problem>) {
    let mut report = |field: &str, message: String, help: String| {
        problems.push(
            Problem::new(rule.locate(field), format!("{}: {message}", rule.id)).with_help(help),
        );
    };
    let ids: Vec<&str> = set.authorities.iter().map(|a| a.id.as_str()).collect();
    let listed = || {
        format!(
            "known ids: {}; `checkgen authorities` lists them",
            ids.join(", ")
        )
    };
    let mut unknown = |field: &str, authorities: &AuthorityIds| {
        for (index, id) in authorities.iter().enumerate() {
            if set.authority(id).is_none() {
                let help = match crate::select::nearest(id, &ids) {
                    Some(near) => format!("did you mean `{near}`? {}", listed()),
                    None => listed(),
                };
                report(
                    &format!("{field}[{index}]"),
                    format!("unknown authority `{id}`"),
                    help,
                );
            }
        }
    };
    unknown("authority", &rule.authority);
    for (index, inspection) in rule.inspection.iter().enumerate() {
        unknown(
            &format!("inspection[{index}].authority"),
            &inspection.authority,
        );
    }
    let mut report = |field: &str, message: String, help: String| {
        problems.push(
            Problem::new(rule.locate(field), format!("{}: {message}", rule.id)).with_help(help),
        );
    };
    for message in rule.applies_if.iter().flat_map(|c| c.check()) {
        report(
            "applies_if",
            message,
            "compare with a number an instrument sets (src/profile.rs, CITABLE_THRESHOLDS)".into(),
        );
    }
    let add_line = "add `authority: <id>` after the rule's `severity:` line, or to the inspection item; `checkgen authorities` lists the ids";
    // A rule the self-assessment shows names its authority itself; a regulator-only rule may
    // leave it to each inspection item. Either way one report per cause.
    let rule_needs_one = rule.authority.is_empty()
        && (rule.inspection.is_empty() || rule.is_for(Audience::Enterprise));
    if rule_needs_one {
        report("severity", "names no authority".into(), add_line.into());
    }
    for (index, inspection) in rule.inspection.iter().enumerate() {
        let field = format!("inspection[{index}]");
        let authorities = inspection.authorities(rule);
        if authorities.is_empty() && !rule_needs_one {
            report(
                &field,
                "inspection item names no authority".into(),
                add_line.into(),
            );
        }
        for id in authorities.iter() {
            let Some(authority) = set.authority(id) else {
                continue;
            };
            let covered = if inspection.sectors.is_empty() {
                rule.sectors.iter().any(|scope| match scope {
                    SectorScope::All => set.sectors.iter().any(|s| authority.covers(&s.id)),
                    SectorScope::Only(sector) => authority.covers(sector),
                })
            } else {
                inspection.sectors.iter().any(|s| authority.covers(s))
            };
            if !rule.references.is_empty()
                && !rule
                    .references
                    .iter()
                    .any(|r| authority.enforces(&r.instrument_id))
            {
                report(
                    &format!("{field}.authority"),
                    format!(
                        "authority `{id}` ({}) inspects under none of the instruments the rule cites",
                        authority.name
                    ),
                    "cite an instrument the authority enforces, or add it to the authority's `instruments` in authorities.yaml".into(),
                );
            }
            if !covered {
                report(
                    &format!("{field}.authority"),
                    format!(
                        "authority `{id}` ({}) inspects none of this item's sectors",
                        authority.name
                    ),
                    "name the authority with power over these sectors, or limit the item with `sectors:`".into(),
                );
            }
        }
    }
}

/// Every reference names a registry instrument in force; its article exists in the shipped
/// text (or is among the articles the registry lists as confirmed) and its excerpt is verbatim.
fn check_references(rule: &Rule, registry: &Registry, problems: &mut Vec<Problem>) {
    let mut report = |field: &str, message: String, help: String| {
        problems.push(
            Problem::new(rule.locate(field), format!("{}: {message}", rule.id)).with_help(help),
        );
    };
    for (index, reference) in rule.references.iter().enumerate() {
        let field = format!("references[{index}]");
        let Some(instrument) = registry.get(&reference.instrument_id) else {
            let ids = registry.ids();
            let help = match crate::select::nearest(&reference.instrument_id, &ids) {
                Some(near) => format!("did you mean `{near}`? `checkgen instruments` lists the ids"),
                None => "`checkgen instruments` lists the ids; add new instruments to rules/instruments.yaml".into(),
            };
            report(
                &format!("{field}.instrument"),
                format!("unknown instrument `{}`", reference.instrument_id),
                help,
            );
            continue;
        };
        match instrument.status() {
            Status::InForce | Status::Unconfirmed => {}
            Status::Superseded => report(
                &format!("{field}.instrument"),
                format!(
                    "cites `{}`, a superseded version of {}",
                    instrument.id, instrument.short
                ),
                format!(
                    "cite the version in force, `{}`, and check the article number in it",
                    instrument.superseded_by.as_deref().unwrap_or_default()
                ),
            ),
            Status::Repealed => report(
                &format!("{field}.instrument"),
                format!(
                    "cites `{}`, repealed on {}",
                    instrument.id,
                    instrument.repealed.as_deref().unwrap_or_default()
                ),
                "cite the instrument in force that took its place".into(),
            ),
        }
        check_article(&field, reference, instrument, &mut report);
    }
}

fn check_article(
    field: &str,
    reference: &Reference,
    instrument: &registry::Instrument,
    report: &mut impl FnMut(&str, String, String),
) {
    let article = reference
        .text_article
        .as_deref()
        .unwrap_or(&reference.article);
    let Some(text_id) = &instrument.text else {
        if !reference.article.is_empty() && !instrument.articles.contains(&reference.article) {
            report(
                &format!("{field}.article"),
                format!(
                    "{} {} is not confirmed: no text of it is shipped and the registry does not list the article",
                    instrument.short, reference.article
                ),
                "cite the instrument without an article, or list the article under `articles` in rules/instruments.yaml with its source".into(),
            );
        }
        if reference.excerpt.is_some() {
            report(
                &format!("{field}.excerpt"),
                format!(
                    "{} has no shipped text to check the excerpt in",
                    instrument.short
                ),
                "drop the excerpt, or ship the text in references/".into(),
            );
        }
        return;
    };
    let Some(text) = references::find(text_id) else {
        // The registry check reports the missing text.
        return;
    };
    if article.is_empty() {
        if reference.excerpt.is_some() {
            report(
                &format!("{field}.excerpt"),
                "an excerpt without an article".into(),
                "name the article the excerpt is from".into(),
            );
        }
        return;
    }
    let at = if reference.text_article.is_some() {
        "text_article"
    } else {
        "article"
    };
    if text.article(article).is_none() {
        report(
            &format!("{field}.{at}"),
            format!("{} has no {article}", text.title),
            format!("check the article number against references/{text_id}.md"),
        );
    } else if let Some(excerpt) = &reference.excerpt {
        if !text.article_contains(article, excerpt) {
            report(
                &format!("{field}.excerpt"),
                format!("excerpt not found in {} {article}: “{excerpt}”", text.title),
                "copy the words from that article exactly".into(),
            );
        }
    }
}

/// Text that is printed on forms carries no reviewer's wording (verification status, where a
/// text was found, "推定"): that belongs in `review:` or a YAML comment.
fn check_wording(rule: &Rule, problems: &mut Vec<Problem>) {
    let mut fields: Vec<(String, &str)> = vec![
        ("title".into(), &rule.title),
        ("obligation".into(), &rule.obligation),
    ];
    for (i, check) in rule.self_check.iter().enumerate() {
        fields.push((format!("self_check[{i}].question"), &check.question));
        fields.push((format!("self_check[{i}].evidence"), &check.evidence));
    }
    for (i, inspection) in rule.inspection.iter().enumerate() {
        fields.push((format!("inspection[{i}].item"), &inspection.item));
    }
    for (i, reference) in rule.references.iter().enumerate() {
        if let Some(note) = &reference.note {
            fields.push((format!("references[{i}].note"), note));
        }
    }
    for (field, text) in fields {
        for phrase in wording::reviewer_phrases(text) {
            problems.push(
                Problem::new(
                    rule.locate(&field),
                    format!("{}: reviewer's wording “{phrase}” would be printed on a form", rule.id),
                )
                .with_help("move it to the reference's `review:` field or a YAML comment; forms state only what is verified"),
            );
        }
    }
}

fn check_not_checkable(entry: &NotCheckable, seeds: &Seeds, problems: &mut Vec<Problem>) {
    let mut report = |field: &str, message: String, help: &str| {
        problems.push(Problem::new(entry.origin.locate(field), message).with_help(help));
    };
    if entry.reason.trim().is_empty() {
        report(
            "reason",
            "reason is empty".into(),
            "say why the sentence carries no checkable duty",
        );
    }
    let Some(doc) = seeds.doc(&entry.doc) else {
        report(
            "doc",
            format!("unknown seed document `{}`", entry.doc),
            &format!("seed ids are: {}", seeds.ids().join(", ")),
        );
        return;
    };
    let Some(item) = doc.item(entry.item) else {
        report(
            "item",
            format!("{} has no item {}", entry.doc, entry.item),
            "check the item number in seeds/",
        );
        return;
    };
    match &entry.sentences {
        SentenceSpec::Keyword(word) if word == "all" => {}
        SentenceSpec::Keyword(word) => report(
            "sentences",
            format!("`{word}` is neither `all` nor a list of fragments"),
            "write `sentences: all` or a list of verbatim fragments",
        ),
        SentenceSpec::Fragments(fragments) => {
            let sentences = split_sentences(&item.text);
            for (index, fragment) in fragments.iter().enumerate() {
                let needle = crate::seeds::nfkc(fragment);
                let hits = sentences
                    .iter()
                    .filter(|s| crate::seeds::nfkc(s).contains(&needle))
                    .count();
                if needle.trim().is_empty() || hits != 1 {
                    let what = if hits == 0 {
                        "is not found in"
                    } else {
                        "matches more than one sentence of"
                    };
                    report(
                        &format!("sentences[{index}]"),
                        format!(
                            "fragment {what} {} item {}: “{fragment}”",
                            entry.doc, entry.item
                        ),
                        "copy a verbatim part of exactly one sentence (sentences end at 。)",
                    );
                }
            }
        }
    }
}
