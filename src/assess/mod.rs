//! A filled answer sheet ([`crate::answers::Filled`]) and the view of its form → a scored
//! [`Report`]: for a self-assessment a gap report, for an inspection form the findings of a
//! 行政检查结果告知书. [`write()`] renders it (Markdown and PDF through a template, JSON, XLSX).
//!
//! Scoring: each answered row scores 符合 1, 部分符合 0.5, 不符合 0, weighted by its item's
//! severity (关键项 3, 一般项 2, 提示项 1); 不适用 and blank rows are left out. A score is
//! Σ weight × points ÷ Σ weight, as a percentage.

mod write;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::answers::{self, row_key, Filled, Identity, Outcome};
use crate::error::{Error, Location, Problem, Result};
use crate::rules::{Audience, RuleSet, Severity};
use crate::view::{ChecklistView, ItemView};

pub use write::{markdown, write, ReportFormat};

/// The scoring rule, printed in every report.
pub const SCORING_RULE: &str = "得分 = Σ（权重 × 分值）÷ Σ 权重 × 100。分值：符合 1，部分符合 0.5，不符合 0；不适用和未填写的行不计分。权重：关键项 3，一般项 2，提示项 1。";

/// What a report is, by the audience of its form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// 差距报告: a self-assessment scored.
    GapReport,
    /// 行政检查结果告知书 (draft): an inspection form's findings.
    InspectionNotice,
}

impl ReportKind {
    /// The default template of this kind.
    pub fn template(self) -> &'static str {
        match self {
            ReportKind::GapReport => "gap_report.md",
            ReportKind::InspectionNotice => "inspection_notice.md",
        }
    }

    /// The document's title.
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::GapReport => "合规差距报告",
            ReportKind::InspectionNotice => "行政检查结果告知书",
        }
    }
}

/// A weighted score.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Score {
    /// Σ weight × points.
    pub earned: f64,
    /// Σ weight of the scored rows.
    pub possible: f64,
    /// earned ÷ possible × 100, to one decimal; null when nothing was scored.
    pub percent: Option<f64>,
    /// Rows scored (answered, not 不适用).
    pub rows: usize,
}

impl Score {
    fn add(&mut self, weight: u32, outcome: Option<Outcome>) {
        if let Some(points) = outcome.and_then(Outcome::points) {
            self.earned += f64::from(weight) * points;
            self.possible += f64::from(weight);
            self.rows += 1;
            self.percent = Some((self.earned / self.possible * 1000.0).round() / 10.0);
        }
    }
}

/// The score of one domain (a section of the form).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainScore {
    pub domain: String,
    /// The section's heading (`信息安全与等级保护`).
    pub name: String,
    pub score: Score,
}

/// How many rows got each result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    pub compliant: usize,
    pub partial: usize,
    pub non_compliant: usize,
    pub not_applicable: usize,
    pub unanswered: usize,
    pub total: usize,
}

/// One row of the form, with its answer and what the rules say about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessedRow {
    /// `SEC-003#2`.
    pub key: String,
    /// The row as the form and the sheet show it: `no` (序号, `3.2`), `id`, `question`,
    /// `title`, `severity_label`, `content` (question or inspection content), `evidence`
    /// (evidence expected, or the inspection methods) and `basis` (the form's 依据 column).
    #[serde(flatten)]
    pub row: answers::Row,
    pub domain: String,
    pub severity: Severity,
    pub weight: u32,
    /// The result; null when left blank.
    pub outcome: Option<Outcome>,
    /// Its label (`部分符合`), or `未填写`.
    pub outcome_label: String,
    /// 情况说明 / 问题描述 as filled in.
    pub note: String,
    /// The rule's obligation.
    pub obligation: String,
    /// Seed citations with their quotes: `鲁政办发〔2014〕9号第16项：“…”`.
    pub sources: Vec<String>,
    /// Instrument citations (`《…》第二十一条`).
    pub references: Vec<String>,
    /// Laws, administrative regulations and rules only: the legal basis.
    pub legal_basis: String,
}

/// A row the sheet carries that the current rules do not have (an older rules version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stale {
    pub key: String,
    /// The title the sheet carries.
    pub title: String,
    /// The current title, for an item renamed since; empty for a removed one.
    pub now: String,
}

/// A result typed in another way than the four labels, and what it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapped {
    pub typed: String,
    pub outcome: Outcome,
    pub label: String,
    pub rows: usize,
}

/// One row's change since the previous round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub key: String,
    pub no: String,
    pub title: String,
    /// Before (`不符合`, `未填写`), or empty for a new row.
    pub before: String,
    /// Now, or empty for a removed row.
    pub after: String,
}

/// The comparison with the previous round (`--previous`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The previous report's date and overall score.
    pub previous_date: String,
    pub previous_score: Option<f64>,
    pub improved: Vec<Change>,
    pub regressed: Vec<Change>,
    /// Rows not in the previous round.
    pub new: Vec<Change>,
    /// Rows of the previous round no longer on the form.
    pub removed: Vec<Change>,
}

/// The assessment of one filled sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub kind: ReportKind,
    /// `合规差距报告` | `行政检查结果告知书`.
    pub title: String,
    /// The identity the sheet carries (selection, rules version, organisation, date).
    pub identity: Identity,
    /// The form's title, sectors, level and authority, as printed on the form.
    pub form_title: String,
    pub sector_names: String,
    pub level_label: String,
    /// The inspecting authority's name on an inspection form; empty otherwise.
    pub authority_name: String,
    /// The laws, regulations and rules the form cites (检查依据).
    pub legal_basis: Vec<String>,
    /// The rules version assessed against; differs from `identity.rules_version` for a sheet
    /// of older rules.
    pub rules_version: String,
    pub scoring_rule: String,
    pub overall: Score,
    pub domains: Vec<DomainScore>,
    pub counts: Counts,
    /// 关键项 rows not 符合 (部分符合, 不符合 or blank), whatever the score.
    pub key_flags: Vec<AssessedRow>,
    /// 不符合 rows, then 部分符合 rows; within each, 关键项 first, then in form order.
    pub findings: Vec<AssessedRow>,
    /// Rows left blank, or missing from the sheet: counted, never dropped.
    pub unanswered: Vec<AssessedRow>,
    /// Every row of the form, in form order.
    pub rows: Vec<AssessedRow>,
    /// Results typed in another way than the four labels.
    pub mapped: Vec<Mapped>,
    /// Rows of an older rules version no longer on the form.
    pub removed: Vec<Stale>,
    /// Rows whose item was renamed since the sheet was written.
    pub renamed: Vec<Stale>,
    pub comparison: Option<Comparison>,
}

/// Where each expected row of the form is: the item and the section it belongs to.
struct Expected<'a> {
    row: answers::Row,
    item: &'a ItemView,
    domain: &'a str,
}

/// Scores `filled` against `view`, the form its identity names, built from `set`. A row id
/// unknown to the rules, a bad result and a row given twice are problems (all of them
/// reported together); with an older rules version, rows the rules no longer have are listed
/// as removed instead.
pub fn assess(set: &RuleSet, view: &ChecklistView, filled: &Filled) -> Result<Report> {
    let rules_version = set.version().to_string();
    let same_rules = filled.identity.rules_version == rules_version;
    let rows = answers::rows(view);
    let mut expected: Vec<Expected> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    {
        let mut rows = rows.into_iter();
        for section in &view.sections {
            for item in &section.items {
                let count = match filled.identity.audience {
                    Audience::Enterprise => item.self_check.len(),
                    Audience::Regulator => item.inspection.len(),
                };
                for row in rows.by_ref().take(count) {
                    by_key.insert(row.key(), expected.len());
                    expected.push(Expected {
                        row,
                        item,
                        domain: &section.domain,
                    });
                }
            }
        }
    }
    let mut answers: Vec<Option<(Option<Outcome>, String)>> = vec![None; expected.len()];
    let mut first_at: Vec<Option<Location>> = vec![None; expected.len()];
    let mut problems = Vec::new();
    let mut mapped: BTreeMap<(String, Outcome), usize> = BTreeMap::new();
    let (mut removed, mut renamed) = (Vec::new(), Vec::new());
    for row in &filled.rows {
        let key = row_key(&row.id, row.question);
        let Some(&index) = by_key.get(&key) else {
            if same_rules {
                let known = set.rule(&row.id).is_some();
                problems.push(
                    Problem::new(
                        row.id_at.clone(),
                        if known {
                            format!("item {} has no question {} on this form", row.id, row.question)
                        } else {
                            format!("unknown item id `{}`", row.id)
                        },
                    )
                    .with_help("the 项目编号 and 问题序号 columns must stay as `checkgen answers` wrote them; delete rows you added"),
                );
            } else {
                removed.push(Stale {
                    key,
                    title: row.title.clone(),
                    now: String::new(),
                });
            }
            continue;
        };
        if let Some(before) = &first_at[index] {
            problems.push(
                Problem::new(
                    row.at.clone(),
                    format!("row {key} is given twice (first at {before})"),
                )
                .with_help("keep one row per item and question"),
            );
            continue;
        }
        first_at[index] = Some(row.at.clone());
        let now = &expected[index].item.title;
        if !row.title.is_empty() && row.title != *now && !same_rules {
            renamed.push(Stale {
                key: key.clone(),
                title: row.title.clone(),
                now: now.clone(),
            });
        }
        let outcome = if row.result.is_empty() {
            None
        } else {
            match Outcome::parse(&row.result) {
                Some(outcome) => {
                    if row.result != outcome.label() {
                        *mapped.entry((row.result.clone(), outcome)).or_default() += 1;
                    }
                    Some(outcome)
                }
                None => {
                    problems.push(
                        Problem::new(
                            row.at.clone(),
                            format!(
                                "{} of {key}: `{}` is not a result",
                                row.result_column, row.result
                            ),
                        )
                        .with_help("write 符合, 部分符合, 不符合 or 不适用 (also read: 是/否, Y/N, √/×, ✓/✗, NA), or leave it blank"),
                    );
                    continue;
                }
            }
        };
        answers[index] = Some((outcome, row.note.clone()));
    }
    if !problems.is_empty() {
        return Err(Error::Sheet {
            file: filled.file.clone(),
            problems,
        });
    }
    let assessed: Vec<AssessedRow> = expected
        .iter()
        .zip(answers)
        .map(|(expected, answer)| assessed_row(expected, answer.unwrap_or((None, String::new()))))
        .collect();
    Ok(report(
        view,
        filled,
        rules_version,
        assessed,
        mapped,
        removed,
        renamed,
    ))
}

fn assessed_row(expected: &Expected, (outcome, note): (Option<Outcome>, String)) -> AssessedRow {
    let Expected { row, item, domain } = expected;
    let severity = match item.severity.as_str() {
        "high" => Severity::High,
        "medium" => Severity::Medium,
        _ => Severity::Low,
    };
    AssessedRow {
        key: row.key(),
        row: row.clone(),
        domain: domain.to_string(),
        severity,
        weight: severity.weight(),
        outcome,
        outcome_label: outcome.map_or("未填写", Outcome::label).to_string(),
        note,
        obligation: item.obligation.clone(),
        sources: item
            .sources
            .iter()
            .map(|s| format!("{}：“{}”", s.citation, s.quote))
            .collect(),
        references: item.references.iter().map(|r| r.citation.clone()).collect(),
        legal_basis: item.legal_basis.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    view: &ChecklistView,
    filled: &Filled,
    rules_version: String,
    rows: Vec<AssessedRow>,
    mapped: BTreeMap<(String, Outcome), usize>,
    removed: Vec<Stale>,
    renamed: Vec<Stale>,
) -> Report {
    let kind = match filled.identity.audience {
        Audience::Enterprise => ReportKind::GapReport,
        Audience::Regulator => ReportKind::InspectionNotice,
    };
    let mut overall = Score::default();
    let mut counts = Counts::default();
    let mut domains: Vec<DomainScore> = view
        .sections
        .iter()
        .map(|s| DomainScore {
            domain: s.domain.clone(),
            name: s.name.clone(),
            score: Score::default(),
        })
        .collect();
    for row in &rows {
        overall.add(row.weight, row.outcome);
        if let Some(domain) = domains.iter_mut().find(|d| d.domain == row.domain) {
            domain.score.add(row.weight, row.outcome);
        }
        counts.total += 1;
        match row.outcome {
            Some(Outcome::Compliant) => counts.compliant += 1,
            Some(Outcome::Partial) => counts.partial += 1,
            Some(Outcome::NonCompliant) => counts.non_compliant += 1,
            Some(Outcome::NotApplicable) => counts.not_applicable += 1,
            None => counts.unanswered += 1,
        }
    }
    let mut findings: Vec<AssessedRow> = rows
        .iter()
        .filter(|r| matches!(r.outcome, Some(Outcome::NonCompliant | Outcome::Partial)))
        .cloned()
        .collect();
    // 不符合 before 部分符合, then by severity (关键项 first); stable, so form order within.
    findings.sort_by_key(|r| (r.outcome != Some(Outcome::NonCompliant), r.severity));
    let key_flags = rows
        .iter()
        .filter(|r| {
            r.severity == Severity::High
                && !matches!(r.outcome, Some(Outcome::Compliant | Outcome::NotApplicable))
        })
        .cloned()
        .collect();
    let unanswered = rows
        .iter()
        .filter(|r| r.outcome.is_none())
        .cloned()
        .collect();
    let legal_basis = view
        .legal_basis
        .iter()
        .map(|i| {
            if i.articles.is_empty() {
                i.name.clone()
            } else {
                format!("{}{}", i.name, i.articles)
            }
        })
        .collect();
    Report {
        kind,
        title: kind.title().to_string(),
        identity: filled.identity.clone(),
        form_title: view.title.clone(),
        sector_names: view.sector_names.clone(),
        level_label: view.level_label.clone(),
        authority_name: view
            .authority
            .as_ref()
            .map(|a| a.name.clone())
            .unwrap_or_default(),
        legal_basis,
        rules_version,
        scoring_rule: SCORING_RULE.to_string(),
        overall,
        domains,
        counts,
        key_flags,
        findings,
        unanswered,
        rows,
        mapped: mapped
            .into_iter()
            .map(|((typed, outcome), rows)| Mapped {
                typed,
                outcome,
                label: outcome.label().to_string(),
                rows,
            })
            .collect(),
        removed,
        renamed,
        comparison: None,
    }
}

/// Ranks results for the comparison: higher is better; 不适用 and blank are not ranked.
fn rank(outcome: Option<Outcome>) -> Option<u8> {
    match outcome? {
        Outcome::Compliant => Some(2),
        Outcome::Partial => Some(1),
        Outcome::NonCompliant => Some(0),
        Outcome::NotApplicable => None,
    }
}

/// Compares `report` with the previous round's report: improved, regressed, new and removed
/// rows, by their keys.
pub fn compare(report: &Report, previous: &Report) -> Comparison {
    let before: HashMap<&str, &AssessedRow> =
        previous.rows.iter().map(|r| (r.key.as_str(), r)).collect();
    let now: HashMap<&str, &AssessedRow> =
        report.rows.iter().map(|r| (r.key.as_str(), r)).collect();
    let change = |row: &AssessedRow, before: &str, after: &str| Change {
        key: row.key.clone(),
        no: row.row.no.clone(),
        title: row.row.title.clone(),
        before: before.to_string(),
        after: after.to_string(),
    };
    let mut comparison = Comparison {
        previous_date: previous.identity.date.clone(),
        previous_score: previous.overall.percent,
        improved: Vec::new(),
        regressed: Vec::new(),
        new: Vec::new(),
        removed: Vec::new(),
    };
    for row in &report.rows {
        match before.get(row.key.as_str()) {
            None => comparison.new.push(change(row, "", &row.outcome_label)),
            Some(old) => match (rank(old.outcome), rank(row.outcome)) {
                (Some(a), Some(b)) if b > a => {
                    comparison
                        .improved
                        .push(change(row, &old.outcome_label, &row.outcome_label))
                }
                (Some(a), Some(b)) if b < a => {
                    comparison
                        .regressed
                        .push(change(row, &old.outcome_label, &row.outcome_label))
                }
                _ => {}
            },
        }
    }
    for row in &previous.rows {
        if !now.contains_key(row.key.as_str()) {
            comparison.removed.push(change(row, &row.outcome_label, ""));
        }
    }
    comparison
}
