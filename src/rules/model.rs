//! The rule data model. Field order here is the order of `checkgen rules --format json`, a
//! stable contract other tools read.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::authority::AuthorityIds;
use crate::error::Location;
use crate::profile::Condition;
use crate::yaml::Document;

/// Who a rule is for: the operator filling in a self-assessment (自查表) or the regulator
/// filling in an inspection form (检查表).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Enterprise,
    Regulator,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Audience::Enterprise, Audience::Regulator];

    pub fn id(self) -> &'static str {
        match self {
            Audience::Enterprise => "enterprise",
            Audience::Regulator => "regulator",
        }
    }

    /// The form's name in Chinese.
    pub fn form_name(self) -> &'static str {
        match self {
            Audience::Enterprise => "自查表",
            Audience::Regulator => "检查表",
        }
    }

    pub fn parse(text: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.id() == text)
    }
}

/// How much a rule weighs when a filled-in form is scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 关键项: a core legal duty, usually with a penalty attached.
    High,
    Medium,
    Low,
}

impl Severity {
    /// The key used in rule files and JSON (`high`).
    pub fn id(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    pub fn weight(self) -> u32 {
        match self {
            Severity::High => 3,
            Severity::Medium => 2,
            Severity::Low => 1,
        }
    }

    /// The label printed on forms.
    pub fn label(self) -> &'static str {
        match self {
            Severity::High => "关键项",
            Severity::Medium => "一般项",
            Severity::Low => "提示项",
        }
    }
}

/// A verbatim quote from a numbered item of a seed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Seed id (`shandong-2014`).
    pub doc: String,
    /// Item number within the seed (`16`).
    pub item: u32,
    pub quote: String,
}

/// A national instrument that gives the seed clause its concrete content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The instrument's name as cited, from the registry; set when the rules are loaded.
    #[serde(skip_deserializing)]
    pub instrument: String,
    /// Registry id of the instrument (`instrument:` in rule files).
    #[serde(rename(serialize = "instrument_id", deserialize = "instrument"))]
    pub instrument_id: String,
    /// Article in the version cited (`第二十三条`); empty when the article is not verified.
    #[serde(default)]
    pub article: String,
    /// What the article requires, in brief; printed on forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Id of the text in `references/` the article is checked against, from the registry.
    #[serde(skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The article's number in that text, when the instrument has since been renumbered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_article: Option<String>,
    /// A verbatim phrase of that article.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// The reviewer's note (sources, verification): kept in the rule file, never on a form.
    #[serde(default, skip_serializing)]
    pub review: Option<String>,
}

/// A question the operator answers about itself, and what proves the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfCheck {
    pub question: String,
    pub evidence: String,
    /// Sectors this question is asked of, when not every sector of the rule (`[construction]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
}

/// What a regulator inspects, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    pub item: String,
    /// One or more methods, written joined by 、 (`查阅文档、现场核查`).
    #[serde(with = "methods")]
    pub method: Vec<Method>,
    /// Sectors this item is inspected in, when not every sector of the rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sectors: Vec<String>,
    /// The authority that inspects this item, when not the rule's (`authority:`).
    #[serde(default, skip_serializing_if = "AuthorityIds::is_empty")]
    pub authority: AuthorityIds,
    /// `check` (a row with result boxes) or `procedure` (the inspecting body's own duty).
    #[serde(default)]
    pub kind: InspectionKind,
}

impl Inspection {
    /// The authorities that inspect this item: its own, else its rule's.
    pub fn authorities<'a>(&'a self, rule: &'a Rule) -> &'a AuthorityIds {
        if self.authority.is_empty() {
            &rule.authority
        } else {
            &self.authority
        }
    }
}

/// Whether an inspection item is something the inspected party is checked against or the
/// inspecting body's own procedure (filing review deadlines, penalty procedure, informing a
/// complainant): a procedure is printed as a reminder (检查程序提示), never scored or counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InspectionKind {
    /// A row with result boxes.
    #[default]
    Check,
    /// The inspecting body's own duty.
    Procedure,
}

/// A self-check question or an inspection item: it may be limited to some of its rule's sectors.
pub trait SubItem: Clone {
    /// The sectors it is asked of; empty means every sector of the rule.
    fn sectors(&self) -> &[String];

    /// True when a form for the `selected` sectors asks it.
    fn applies_to(&self, selected: &[String]) -> bool {
        self.sectors().is_empty() || self.sectors().iter().any(|s| selected.contains(s))
    }
}

impl SubItem for SelfCheck {
    fn sectors(&self) -> &[String] {
        &self.sectors
    }
}

impl SubItem for Inspection {
    fn sectors(&self) -> &[String] {
        &self.sectors
    }
}

/// The sub-items a form for the `selected` sectors asks, in order.
pub fn asked_of<T: SubItem>(items: &[T], selected: &[String]) -> Vec<T> {
    items
        .iter()
        .filter(|item| item.applies_to(selected))
        .cloned()
        .collect()
}

/// The inspection methods a form may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// 查阅文档
    Documents,
    /// 现场核查
    OnSite,
    /// 人员访谈
    Interview,
    /// 技术检测
    Technical,
}

impl Method {
    pub const ALL: [Method; 4] = [
        Method::Documents,
        Method::OnSite,
        Method::Interview,
        Method::Technical,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Method::Documents => "查阅文档",
            Method::OnSite => "现场核查",
            Method::Interview => "人员访谈",
            Method::Technical => "技术检测",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.label() == text.trim())
    }

    /// Labels joined by 、, as written in rule files and printed on forms.
    pub fn join(methods: &[Method]) -> String {
        methods
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// `查阅文档、现场核查` ⇄ `[Documents, OnSite]`.
mod methods {
    use super::Method;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(methods: &[Method], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&Method::join(methods))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Method>, D::Error> {
        let text = String::deserialize(d)?;
        text.split('、')
            .map(|part| {
                Method::parse(part).ok_or_else(|| {
                    let all: Vec<&str> = Method::ALL.iter().map(|m| m.label()).collect();
                    D::Error::custom(format!(
                        "unknown inspection method `{part}`: use {}, several joined by 、",
                        all.join(" / ")
                    ))
                })
            })
            .collect()
    }
}

/// The sectors a rule applies to: the keyword `all` or one sector id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectorScope {
    All,
    Only(String),
}

impl SectorScope {
    /// The keyword that makes a rule apply to every sector.
    pub const ALL_KEYWORD: &'static str = "all";

    pub fn includes(&self, sector: &str) -> bool {
        match self {
            SectorScope::All => true,
            SectorScope::Only(id) => id == sector,
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            SectorScope::All => Self::ALL_KEYWORD,
            SectorScope::Only(id) => id,
        }
    }
}

impl Serialize for SectorScope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SectorScope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(if text == Self::ALL_KEYWORD {
            SectorScope::All
        } else {
            SectorScope::Only(text)
        })
    }
}

/// One duty, traced to its seed clause and the instruments that give it content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// Set from the file's `domain`, not written per rule.
    #[serde(skip_deserializing)]
    pub domain: String,
    pub title: String,
    pub obligation: String,
    pub sources: Vec<Citation>,
    pub sectors: Vec<SectorScope>,
    /// Protection levels (安全保护等级, 1–5) the rule applies to; empty means any level.
    #[serde(default)]
    pub levels: Vec<u8>,
    pub audiences: Vec<Audience>,
    #[serde(default)]
    pub self_check: Vec<SelfCheck>,
    #[serde(default)]
    pub inspection: Vec<Inspection>,
    #[serde(default)]
    pub references: Vec<Reference>,
    pub severity: Severity,
    /// The authority that enforces the rule (检查机关), by catalogue id; an inspection item may
    /// name its own.
    #[serde(default)]
    pub authority: AuthorityIds,
    /// When the rule applies, over an enterprise profile's fields (`applies_if:`); always
    /// without a profile, and when the profile does not say.
    #[serde(default)]
    pub applies_if: Option<Condition>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Rule {
    pub fn applies_to_sector(&self, sector: &str) -> bool {
        self.sectors.iter().any(|s| s.includes(sector))
    }

    pub fn applies_to_level(&self, level: u8) -> bool {
        self.levels.is_empty() || self.levels.contains(&level)
    }

    /// True when a reference of the rule names this instrument id.
    pub fn cites(&self, instrument: &str) -> bool {
        self.references
            .iter()
            .any(|r| r.instrument_id == instrument)
    }

    pub fn is_for(&self, audience: Audience) -> bool {
        self.audiences.contains(&audience)
    }

    /// Where a field of this rule stands in its file (`sources[0].quote`, or "" for the rule).
    pub fn locate(&self, field: &str) -> Location {
        self.origin.locate(field)
    }
}

/// Where something was read from: its file and its path within the file.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub file: Arc<SourceFile>,
    pub path: String,
}

impl Origin {
    pub fn locate(&self, field: &str) -> Location {
        let path = match (self.path.is_empty(), field.is_empty()) {
            (_, true) => self.path.clone(),
            (true, false) => field.to_string(),
            (false, false) if field.starts_with('[') => format!("{}{field}", self.path),
            (false, false) => format!("{}.{field}", self.path),
        };
        let (line, column) = self.file.document.get(&path);
        Location::new(&self.file.name, line, column)
    }
}

/// A file rules were read from: its name as printed in diagnostics, and its parsed document,
/// which places any path in it.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    pub name: String,
    pub document: Document,
}

/// A section of the checklists: one domain file.
#[derive(Debug, Clone, Serialize)]
pub struct Domain {
    pub id: String,
    pub name: String,
    pub order: i64,
}

/// An entry of the sector catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Classified systems (涉密信息系统): graded by 密级 and checked by 测评审查, not by a
    /// 等级保护 level.
    #[serde(default)]
    pub classified: bool,
    #[serde(skip)]
    pub origin: Origin,
}

/// Seed sentences that carry no checkable duty, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCheckable {
    pub doc: String,
    pub item: u32,
    pub sentences: SentenceSpec,
    pub reason: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// Which sentences of an item an entry covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SentenceSpec {
    /// `all` (any other word is reported by `validate`).
    Keyword(String),
    /// Verbatim fragments, each identifying one sentence.
    Fragments(Vec<String>),
}
