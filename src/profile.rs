//! An enterprise's profile (`--profile FILE.yaml`) → a checked [`Profile`]: its sectors, the
//! licences it holds, what it is (critical information infrastructure operator, important-data
//! processor, platform, dominant telecom operator), how many people's personal information it
//! processes, and its information systems. Selection uses it to leave out what does not apply
//! and to take graded-protection items at the levels of the systems; rules state when they
//! apply with a [`Condition`] over these fields (`applies_if`).
//!
//! A field left out of a profile is unknown, not "no": an item that depends on it stays on the
//! form, worded conditionally, as without a profile.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Problem, Result};
use crate::rules::RuleSet;
use crate::select::LEVELS;
use crate::yaml;

/// The annotated profile `checkgen profile init` writes.
pub const TEMPLATE: &str = include_str!("../examples/profile.yaml");

/// The numbers of individuals an instrument attaches duties to, with the instrument: a
/// condition may only compare with one of these.
///
/// 10,000,000: 网络数据安全管理条例 Art.28 (处理1000万人以上个人信息的) and the 个人信息保护合规
/// 审计管理办法 (audits at least every two years above it).
pub const CITABLE_THRESHOLDS: [u64; 1] = [10_000_000];

/// A licence or filing a profile may list (持有的许可证).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    /// 基础电信业务经营许可证
    BasicTelecom,
    /// 增值电信业务经营许可证
    ValueAddedTelecom,
    /// 非经营性互联网信息服务备案
    IcpFiling,
    /// 支付业务许可证
    Payment,
    /// 电子认证服务许可证
    ElectronicCertification,
    /// 个人征信业务经营许可
    PersonalCredit,
}

impl Licence {
    pub fn label(self) -> &'static str {
        match self {
            Licence::BasicTelecom => "基础电信业务经营许可证",
            Licence::ValueAddedTelecom => "增值电信业务经营许可证",
            Licence::IcpFiling => "非经营性互联网信息服务备案",
            Licence::Payment => "支付业务许可证",
            Licence::ElectronicCertification => "电子认证服务许可证",
            Licence::PersonalCredit => "个人征信业务经营许可",
        }
    }
}

/// One information system of the enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct System {
    /// 系统名称.
    pub name: String,
    /// Protection level (安全保护等级), 1–5.
    pub level: u8,
    /// 备案证明编号, when filed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing_number: Option<String>,
    /// Date of the last 等级测评 (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_evaluation: Option<String>,
}

/// An enterprise's profile. Every field but `sectors` may be left out (unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// 单位名称.
    #[serde(default)]
    pub name: Option<String>,
    /// 统一社会信用代码.
    #[serde(default)]
    pub credit_code: Option<String>,
    /// Sector ids (`checkgen sectors`).
    pub sectors: Vec<String>,
    /// Licences and filings held.
    #[serde(default)]
    pub licences: Option<Vec<Licence>>,
    /// Operates critical information infrastructure (关键信息基础设施运营者).
    #[serde(default)]
    pub critical_infrastructure: Option<bool>,
    /// Processes important data (重要数据的处理者).
    #[serde(default)]
    pub important_data: Option<bool>,
    /// How many individuals' personal information it processes.
    #[serde(default)]
    pub personal_information: Option<u64>,
    /// Runs a platform (平台经营者: 电子商务平台 or another internet platform).
    #[serde(default)]
    pub platform: Option<bool>,
    /// Is a dominant telecom operator (主导的电信业务经营者).
    #[serde(default)]
    pub dominant_telecom_operator: Option<bool>,
    /// Its information systems; none listed means unknown (the `--level` rules apply).
    #[serde(default)]
    pub systems: Vec<System>,
}

impl Profile {
    /// The systems whose level is among `levels` (every system when `levels` is empty).
    pub fn systems_at(&self, levels: &[u8]) -> Vec<&System> {
        self.systems
            .iter()
            .filter(|s| levels.is_empty() || levels.contains(&s.level))
            .collect()
    }
}

/// When a rule applies, over profile fields (`applies_if:` in rule files):
/// `{critical_infrastructure: true}`, `{personal_information_at_least: 10000000}`,
/// `{any: [{important_data: true}, {critical_infrastructure: true}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", try_from = "ConditionKeys")]
pub enum Condition {
    CriticalInfrastructure(bool),
    ImportantData(bool),
    Platform(bool),
    DominantTelecomOperator(bool),
    /// At least this many individuals' personal information: one of [`CITABLE_THRESHOLDS`].
    PersonalInformationAtLeast(u64),
    /// Holds this licence.
    Licence(Licence),
    /// Any of the conditions holds.
    Any(Vec<Condition>),
    /// Every condition holds.
    All(Vec<Condition>),
}

/// A condition as written: a mapping with exactly one of these keys. Read through this struct
/// so that an unknown key lists the known ones and two keys in one mapping say how to combine
/// them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionKeys {
    critical_infrastructure: Option<bool>,
    important_data: Option<bool>,
    platform: Option<bool>,
    dominant_telecom_operator: Option<bool>,
    personal_information_at_least: Option<u64>,
    licence: Option<Licence>,
    any: Option<Vec<Condition>>,
    all: Option<Vec<Condition>>,
}

impl TryFrom<ConditionKeys> for Condition {
    type Error = String;

    fn try_from(keys: ConditionKeys) -> Result<Condition, String> {
        let mut found: Vec<Condition> = [
            keys.critical_infrastructure
                .map(Condition::CriticalInfrastructure),
            keys.important_data.map(Condition::ImportantData),
            keys.platform.map(Condition::Platform),
            keys.dominant_telecom_operator
                .map(Condition::DominantTelecomOperator),
            keys.personal_information_at_least
                .map(Condition::PersonalInformationAtLeast),
            keys.licence.map(Condition::Licence),
            keys.any.map(Condition::Any),
            keys.all.map(Condition::All),
        ]
        .into_iter()
        .flatten()
        .collect();
        match found.len() {
            1 => Ok(found.remove(0)),
            n => Err(format!(
                "a condition has exactly one key, this one has {n}: use `all: [...]` or `any: [...]` to combine conditions"
            )),
        }
    }
}

impl Condition {
    /// `Some(true)` when the profile meets the condition, `Some(false)` when it does not,
    /// `None` when the profile does not say.
    pub fn holds(&self, profile: &Profile) -> Option<bool> {
        let flag = |field: Option<bool>, want: bool| field.map(|value| value == want);
        match self {
            Condition::CriticalInfrastructure(want) => flag(profile.critical_infrastructure, *want),
            Condition::ImportantData(want) => flag(profile.important_data, *want),
            Condition::Platform(want) => flag(profile.platform, *want),
            Condition::DominantTelecomOperator(want) => {
                flag(profile.dominant_telecom_operator, *want)
            }
            Condition::PersonalInformationAtLeast(n) => {
                profile.personal_information.map(|count| count >= *n)
            }
            Condition::Licence(licence) => {
                profile.licences.as_ref().map(|held| held.contains(licence))
            }
            Condition::Any(list) => combine(list, profile, true),
            Condition::All(list) => combine(list, profile, false),
        }
    }

    /// Why the profile does not meet the condition, in Chinese, of `subject` (`本单位` on a
    /// self-assessment: `本单位不是关键信息基础设施运营者`); for a condition that
    /// [`holds`](Condition::holds) says is not met.
    pub fn reason(&self, profile: &Profile, subject: &str) -> String {
        let is =
            |want: bool, yes: &str, no: &str| format!("{subject}{}", if want { no } else { yes });
        match self {
            Condition::CriticalInfrastructure(want) => is(
                *want,
                "是关键信息基础设施运营者",
                "不是关键信息基础设施运营者",
            ),
            Condition::ImportantData(want) => is(*want, "处理重要数据", "不处理重要数据"),
            Condition::Platform(want) => is(*want, "经营平台", "不经营平台"),
            Condition::DominantTelecomOperator(want) => {
                is(*want, "是主导的电信业务经营者", "不是主导的电信业务经营者")
            }
            Condition::PersonalInformationAtLeast(n) => format!(
                "{subject}处理个人信息{}人，不足{}人",
                profile.personal_information.unwrap_or_default(),
                people(*n)
            ),
            Condition::Licence(licence) => format!("{subject}未持有{}", licence.label()),
            Condition::Any(list) | Condition::All(list) => list
                .iter()
                .filter(|c| c.holds(profile) == Some(false))
                .map(|c| c.reason(profile, subject))
                .collect::<Vec<_>>()
                .join("；"),
        }
    }

    /// Every threshold the condition compares with.
    fn thresholds(&self) -> Vec<u64> {
        match self {
            Condition::PersonalInformationAtLeast(n) => vec![*n],
            Condition::Any(list) | Condition::All(list) => {
                list.iter().flat_map(Condition::thresholds).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Problems of a condition read from a rule file: a threshold no instrument sets.
    pub fn check(&self) -> Vec<String> {
        self.thresholds()
            .into_iter()
            .filter(|n| !CITABLE_THRESHOLDS.contains(n))
            .map(|n| {
                format!(
                    "{n} individuals is not a threshold an instrument sets: use {}",
                    CITABLE_THRESHOLDS.map(|t| t.to_string()).join(" or ")
                )
            })
            .collect()
    }
}

/// `any` (`decisive` true) or `all` (false) of `list`: one condition giving the decisive value
/// decides; all giving the other value decide the other way; otherwise the profile does not say.
fn combine(list: &[Condition], profile: &Profile, decisive: bool) -> Option<bool> {
    let results: Vec<Option<bool>> = list.iter().map(|c| c.holds(profile)).collect();
    if results.contains(&Some(decisive)) {
        Some(decisive)
    } else if results.iter().all(|r| *r == Some(!decisive)) {
        Some(!decisive)
    } else {
        None
    }
}

/// `10000000` → `1000万`.
fn people(n: u64) -> String {
    if n.is_multiple_of(10_000) {
        format!("{}万", n / 10_000)
    } else {
        n.to_string()
    }
}

/// Reads and checks a profile: YAML types (unknown field, wrong type, missing system name) and
/// values (levels 1–5, known sectors, dates), every problem at its line and column.
pub fn load(path: &Path, set: &RuleSet) -> Result<Profile> {
    let file = path.display().to_string();
    let bytes = crate::input::read_document(path)?;
    let text = crate::input::utf8_text(bytes).map_err(|err| Error::Profile {
        file: file.clone(),
        problems: vec![
            Problem::new(Location::new(&file, err.line, err.column), err.message)
                .with_help(err.help),
        ],
    })?;
    parse(&file, &text, set)
}

/// Checks the text of a profile named `file` (as printed in diagnostics).
pub fn parse(file: &str, text: &str, set: &RuleSet) -> Result<Profile> {
    let fail = |problems: Vec<Problem>| Error::Profile {
        file: file.to_string(),
        problems,
    };
    let help = "`checkgen profile init` writes an annotated profile with every field";
    let at = |err: yaml::YamlError| {
        fail(vec![Problem::new(
            Location::new(file, err.line, err.column),
            err.message,
        )
        .with_help(err.help.unwrap_or(help))])
    };
    let document = yaml::Document::parse(text).map_err(at)?;
    let profile: Profile = document.typed().map_err(at)?;
    let mut problems = Vec::new();
    let mut report = |path: &str, message: String, help: &str| {
        let (line, column) = document.get(path);
        problems.push(Problem::new(Location::new(file, line, column), message).with_help(help));
    };
    if profile.sectors.is_empty() {
        report(
            "sectors",
            "no sector".into(),
            "list the sector ids of the enterprise, e.g. `sectors: [telecom]`",
        );
    }
    for (index, sector) in profile.sectors.iter().enumerate() {
        if set.sector(sector).is_none() {
            report(
                &format!("sectors[{index}]"),
                format!("unknown sector `{sector}`"),
                "`checkgen sectors` lists the sector ids",
            );
        }
    }
    for (index, system) in profile.systems.iter().enumerate() {
        if system.name.trim().is_empty() {
            report(
                &format!("systems[{index}].name"),
                "system name is empty".into(),
                "give the system's name as in its filing (备案表)",
            );
        }
        if !LEVELS.contains(&system.level) {
            report(
                &format!("systems[{index}].level"),
                format!("protection level {} is outside 1–5", system.level),
                "give the system's protection level, 1 to 5 (第一级 to 第五级)",
            );
        }
        if let Some(date) = &system.last_evaluation {
            if crate::date::parse_iso(date).is_none() {
                report(
                    &format!("systems[{index}].last_evaluation"),
                    format!("`{date}` is not a date"),
                    "write it as YYYY-MM-DD, e.g. 2026-05-10",
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(profile)
    } else {
        Err(fail(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_left_out_is_unknown_not_no() {
        let mut profile = Profile {
            sectors: vec!["telecom".into()],
            ..Profile::default()
        };
        let cii = Condition::CriticalInfrastructure(true);
        let either = Condition::Any(vec![cii.clone(), Condition::ImportantData(true)]);
        let both = Condition::All(vec![cii.clone(), Condition::ImportantData(true)]);
        assert_eq!(cii.holds(&profile), None);
        assert_eq!(either.holds(&profile), None);
        profile.critical_infrastructure = Some(false);
        assert_eq!(cii.holds(&profile), Some(false));
        assert_eq!(
            either.holds(&profile),
            None,
            "important data is still unknown"
        );
        assert_eq!(both.holds(&profile), Some(false));
        profile.important_data = Some(false);
        assert_eq!(either.holds(&profile), Some(false));
        assert_eq!(
            either.reason(&profile, "本单位"),
            "本单位不是关键信息基础设施运营者；本单位不处理重要数据"
        );
        profile.personal_information = Some(12_000_000);
        let many = Condition::PersonalInformationAtLeast(10_000_000);
        assert_eq!(many.holds(&profile), Some(true));
        assert!(many.check().is_empty());
        assert_eq!(
            Condition::PersonalInformationAtLeast(1_000_000)
                .check()
                .len(),
            1
        );
    }

    #[test]
    fn the_template_profile_is_a_valid_profile() {
        let profile: Profile = yaml::parse(TEMPLATE).unwrap();
        assert_eq!(profile.sectors, ["telecom"]);
        assert_eq!(profile.systems_at(&[3]).len(), 1);
        assert_eq!(profile.systems_at(&[]).len(), 2);
    }
}
