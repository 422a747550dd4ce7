//! The instrument registry (`rules/instruments.yaml`): one entry per national instrument a rule
//! cites, with its version, dates, status and the reference text shipped for it. Rules name an
//! instrument by id; `validate` checks ids, versions and articles against this registry.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::model::{Origin, SourceFile};
use crate::error::{Location, Problem};
use crate::yaml::Node;

/// The registry file's name in a rules directory.
pub const INSTRUMENTS_FILE: &str = "instruments.yaml";

/// What kind of instrument it is: an inspection form's legal basis may only be a law, an
/// administrative regulation or a rule; the others give content, not authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 法律 and decisions of the 全国人大常委会.
    Law,
    /// 行政法规.
    Regulation,
    /// 部门规章.
    Rule,
    /// 规范性文件 (notices, 通告).
    Normative,
    /// 国家标准.
    Standard,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Law => "法律",
            Kind::Regulation => "行政法规",
            Kind::Rule => "部门规章",
            Kind::Normative => "规范性文件",
            Kind::Standard => "国家标准",
        }
    }
}

/// Whether an instrument is the version in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InForce,
    /// Replaced by a later version (`superseded_by`).
    Superseded,
    /// Repealed without a successor version of the same instrument.
    Repealed,
    /// Believed in force, but no source confirms the version (`in_force: unconfirmed`).
    Unconfirmed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::InForce => "现行有效",
            Status::Superseded => "已被修订",
            Status::Repealed => "已废止",
            Status::Unconfirmed => "现行效力未核实",
        }
    }
}

/// How sure the registry is that an instrument is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InForce {
    Unconfirmed,
}

/// One entry of the registry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// ASCII id rules cite (`csl`, `aucl-2019`).
    pub id: String,
    /// Full title without title marks (`中华人民共和国网络安全法`).
    pub title: String,
    /// Short name (`网络安全法`).
    pub short: String,
    pub kind: Kind,
    /// Document number (文号 / 令号), when one is confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Issuing body, when confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Edition (`2025年修正`), when the instrument has been amended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Date the cited version was adopted or published (`2025-10-28`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<String>,
    /// Date the cited version took effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    /// Id of the version that replaced this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// Date of repeal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repealed: Option<String>,
    /// `unconfirmed` when no source confirms that this version is the one in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force: Option<InForce>,
    /// Id of the text in `references/` (`csl`): articles and excerpts are checked against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// For an instrument without a shipped text: the articles confirmed in a public source
    /// (each with its source in a YAML comment); no other article may be cited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Instrument {
    pub fn status(&self) -> Status {
        if self.superseded_by.is_some() {
            Status::Superseded
        } else if self.repealed.is_some() {
            Status::Repealed
        } else if self.in_force == Some(InForce::Unconfirmed) {
            Status::Unconfirmed
        } else {
            Status::InForce
        }
    }

    /// The name printed in citations: `中华人民共和国网络安全法（2025年修正）`,
    /// `信息安全等级保护管理办法（公通字〔2007〕43号）`; a standard keeps its number first.
    pub fn display_name(&self) -> String {
        match (self.kind, &self.number, &self.version) {
            (Kind::Standard, Some(number), _) => format!("{number}《{}》", self.title),
            (_, Some(number), Some(version)) => format!("{}（{number}，{version}）", self.title),
            (_, Some(number), None) => format!("{}（{number}）", self.title),
            (_, None, Some(version)) => format!("{}（{version}）", self.title),
            (_, None, None) => self.title.clone(),
        }
    }
}

/// All instruments, merged over the layers (a later layer replaces an entry with the same id).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub instruments: Vec<Instrument>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.instruments.iter().map(|i| i.id.as_str()).collect()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    instruments: Vec<Node>,
}

/// Reads one `instruments.yaml` into the registry, recording every problem.
pub fn add_file(registry: &mut Registry, file: &Arc<SourceFile>, problems: &mut Vec<Problem>) {
    let parsed = match file.document.typed::<RegistryFile>() {
        Ok(parsed) => parsed,
        Err(err) => {
            problems.push(Problem::new(
                Location::new(&file.name, err.line, err.column),
                err.message,
            ));
            return;
        }
    };
    let mut seen: Vec<String> = Vec::new();
    for (index, node) in parsed.instruments.into_iter().enumerate() {
        let origin = Origin {
            file: Arc::clone(file),
            path: format!("instruments[{index}]"),
        };
        let mut instrument = match node.into_typed::<Instrument>() {
            Ok(instrument) => instrument,
            Err(err) => {
                problems.push(
                    Problem::new(origin.locate(&err.field()), err.message)
                        .with_help("see docs/rule-format.md for the fields of an instrument"),
                );
                continue;
            }
        };
        if seen.contains(&instrument.id) {
            problems.push(
                Problem::new(
                    origin.locate("id"),
                    format!("duplicate instrument id `{}`", instrument.id),
                )
                .with_help("give each version of an instrument its own id"),
            );
            continue;
        }
        seen.push(instrument.id.clone());
        instrument.origin = origin;
        match registry
            .instruments
            .iter_mut()
            .find(|i| i.id == instrument.id)
        {
            Some(existing) => *existing = instrument,
            None => registry.instruments.push(instrument),
        }
    }
}

/// Checks the registry itself: ids, successors and reference texts that exist.
pub fn check(registry: &Registry, problems: &mut Vec<Problem>) {
    for instrument in &registry.instruments {
        let mut report = |field: &str, message: String, help: &str| {
            problems.push(
                Problem::new(
                    instrument.origin.locate(field),
                    format!("instrument {}: {message}", instrument.id),
                )
                .with_help(help),
            );
        };
        let ascii = !instrument.id.is_empty()
            && instrument
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ascii {
            report(
                "id",
                "id is not a lowercase ASCII key".into(),
                "use letters, digits and `-`, e.g. `aucl-2019`",
            );
        }
        if let Some(next) = &instrument.superseded_by {
            if registry.get(next).is_none() {
                report(
                    "superseded_by",
                    format!("successor `{next}` is not in the registry"),
                    "add the version in force as its own entry",
                );
            }
        }
        if let Some(text) = &instrument.text {
            if crate::references::find(text).is_none() {
                report(
                    "text",
                    format!("no reference text `{text}` in references/"),
                    "ship the text as references/<id>.md, one article a line",
                );
            }
        }
        if instrument.text.is_some() && !instrument.articles.is_empty() {
            report(
                "articles",
                "both a text and a list of articles".into(),
                "articles are checked against the text; drop the list",
            );
        }
    }
}

/// Fills each reference's printed name and reference text from the registry; an unknown id
/// keeps the id as its name (`validate` reports it).
pub fn resolve(rules: &mut [super::model::Rule], registry: &Registry) {
    for reference in rules.iter_mut().flat_map(|rule| rule.references.iter_mut()) {
        match registry.get(&reference.instrument_id) {
            Some(instrument) => {
                reference.instrument = instrument.display_name();
                reference.text = instrument.text.clone();
            }
            None => reference.instrument = reference.instrument_id.clone(),
        }
    }
}
