//! The answer sheet of a form: one row per result row of the form (an item's question or
//! inspection content), keyed by the rule id and the question's number, with the form's
//! identity in a header block. [`sheet`] builds it from the same view the form is rendered
//! from; [`write()`] writes it as XLSX, CSV or YAML; [`read`] reads a filled one back, from any
//! of the three or from a filled PDF form, into one [`Filled`] value for `assess`.

mod form;
mod read;
mod write;

use serde::{Deserialize, Serialize};

use crate::rules::Audience;
use crate::view::ChecklistView;

pub use read::{read, Filled, FilledRow};
pub use write::{write, SheetFormat};

/// The version of the sheet layout, carried in every sheet (`表格格式`); a sheet of another
/// layout is refused by name.
pub const SHEET_LAYOUT: u32 = 1;

/// The result of one row: the four boxes of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 符合.
    Compliant,
    /// 部分符合.
    Partial,
    /// 不符合.
    NonCompliant,
    /// 不适用: left out of the score.
    NotApplicable,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Compliant,
        Outcome::Partial,
        Outcome::NonCompliant,
        Outcome::NotApplicable,
    ];

    /// The label on the form and in the sheets.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Compliant => "符合",
            Outcome::Partial => "部分符合",
            Outcome::NonCompliant => "不符合",
            Outcome::NotApplicable => "不适用",
        }
    }

    /// The state of the result's box in a PDF form (`partial`): its serde name.
    pub fn state(self) -> &'static str {
        match self {
            Outcome::Compliant => "compliant",
            Outcome::Partial => "partial",
            Outcome::NonCompliant => "non_compliant",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    /// Points of the result: 1, 0.5, 0; `None` for 不适用, which is not scored.
    pub fn points(self) -> Option<f64> {
        match self {
            Outcome::Compliant => Some(1.0),
            Outcome::Partial => Some(0.5),
            Outcome::NonCompliant => Some(0.0),
            Outcome::NotApplicable => None,
        }
    }

    /// Reads a result as people type it: the four labels, and the usual variants (是/否, Y/N,
    /// √/×, ✓/✗, half- or full-width, any case). `None` for anything else.
    pub fn parse(text: &str) -> Option<Outcome> {
        use unicode_normalization::UnicodeNormalization;
        let key: String = text
            .nfkc()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        let key = key.trim_start_matches(['☑', '☒', '■']);
        match key {
            "符合" | "是" | "y" | "yes" | "√" | "✓" | "✔" | "○" | "compliant" | "1" => {
                Some(Outcome::Compliant)
            }
            "部分符合" | "部分" | "基本符合" | "p" | "partial" | "△" | "0.5" => {
                Some(Outcome::Partial)
            }
            "不符合" | "否" | "n" | "no" | "×" | "✗" | "✘" | "x" | "non_compliant" | "0" => {
                Some(Outcome::NonCompliant)
            }
            "不适用" | "na" | "n/a" | "无" | "-" | "—" | "/" | "not_applicable" => {
                Some(Outcome::NotApplicable)
            }
            _ => None,
        }
    }
}

/// What a sheet says about the form it was made for: read back by `assess` to rebuild the
/// selection and to refuse a sheet made for another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// [`SHEET_LAYOUT`].
    pub layout: u32,
    /// The form's title (`信息消费领域安全与市场秩序合规自查表`).
    pub title: String,
    pub audience: Audience,
    /// Sector ids, as selected.
    pub sectors: Vec<String>,
    pub level: Option<u8>,
    /// The inspecting authority's id, on a regulator form for one authority.
    pub authority: Option<String>,
    /// `单位名称 sha256:…` of the profile the form was fitted to; `None` without a profile.
    pub profile: Option<String>,
    /// `sha256:` and 16 hex digits of the rule set ([`crate::rules::RuleSet::version`]).
    pub rules_version: String,
    /// `checkgen 0.1.0`.
    pub tool: String,
    /// 单位名称 / 被检查单位, as given or filled in.
    pub org_name: String,
    /// 统一社会信用代码, as given or filled in.
    pub credit_code: String,
    /// 自查日期 / 检查日期, filled in.
    pub date: String,
    /// 检查人员 (regulator forms), filled in.
    pub inspectors: String,
}

/// One row to fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// 序号 as on the form: `3` or `3.2`.
    pub no: String,
    /// Rule id (`SEC-003`).
    pub id: String,
    /// The question's (or inspection content's) number within the item, from 1.
    pub question: usize,
    /// The item's title.
    pub title: String,
    /// 关键项 | 一般项 | 提示项.
    pub severity_label: String,
    /// The question (自查内容) or the inspection content (检查内容).
    pub content: String,
    /// The evidence expected (证明材料) or the inspection methods (检查方法).
    pub evidence: String,
    /// The 依据 column of the form: the item's basis (self-assessment) or its legal basis
    /// (inspection form).
    pub basis: String,
}

impl Row {
    /// The stable key of the row: `SEC-003#2`.
    pub fn key(&self) -> String {
        row_key(&self.id, self.question)
    }

    /// The row's cells in a sheet, with `result` and `note` (see [`Columns::header`]).
    pub fn cells(&self, result: &str, note: &str) -> Vec<String> {
        vec![
            self.no.clone(),
            self.id.clone(),
            self.question.to_string(),
            self.title.clone(),
            self.severity_label.clone(),
            self.content.clone(),
            self.evidence.clone(),
            self.basis.clone(),
            result.to_string(),
            note.to_string(),
        ]
    }
}

/// `SEC-003#2`: the rule id and the question's number, as sheets, field names and reports
/// name a row.
pub fn row_key(id: &str, question: usize) -> String {
    format!("{id}#{question}")
}

/// An answer sheet to write: the form's identity and its rows, in form order.
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    pub identity: Identity,
    pub rows: Vec<Row>,
}

/// The column labels of a sheet, for the audience of its form.
pub struct Columns {
    pub item: &'static str,
    pub content: &'static str,
    pub evidence: &'static str,
    pub basis: &'static str,
    pub result: &'static str,
    pub note: &'static str,
    pub date: &'static str,
    pub org: &'static str,
}

impl Columns {
    /// Widths of the item table's columns, in characters of the default font; the first is
    /// wide enough for the identity block's labels above the table.
    pub const WIDTHS: [f64; 10] = [16.0, 10.0, 8.0, 22.0, 8.0, 50.0, 34.0, 34.0, 12.0, 40.0];

    /// The header row of a sheet's item table, the columns of [`Row::cells`].
    pub fn header(audience: Audience) -> [&'static str; 10] {
        let columns = Columns::of(audience);
        [
            label::NO,
            label::ID,
            label::QUESTION,
            columns.item,
            label::SEVERITY,
            columns.content,
            columns.evidence,
            columns.basis,
            columns.result,
            columns.note,
        ]
    }

    pub fn of(audience: Audience) -> Columns {
        match audience {
            Audience::Enterprise => Columns {
                item: "自查项",
                content: "自查内容",
                evidence: "证明材料",
                basis: "依据",
                result: "自查结果",
                note: "情况说明",
                date: "自查日期",
                org: "单位名称",
            },
            Audience::Regulator => Columns {
                item: "检查项",
                content: "检查内容",
                evidence: "检查方法",
                basis: "检查依据",
                result: "检查结果",
                note: "问题描述",
                date: "检查日期",
                org: "被检查单位",
            },
        }
    }
}

/// The rows of a form's view, in form order: one per question of an enterprise item, one per
/// inspection content of a regulator item.
pub fn rows(view: &ChecklistView) -> Vec<Row> {
    let regulator = view.audience == Audience::Regulator.id();
    let mut rows = Vec::new();
    for item in view.sections.iter().flat_map(|s| &s.items) {
        let contents: Vec<(String, String)> = if regulator {
            item.inspection
                .iter()
                .map(|check| {
                    let methods: Vec<&str> = check.method.iter().map(|m| m.label()).collect();
                    (check.item.clone(), methods.join("、"))
                })
                .collect()
        } else {
            item.self_check
                .iter()
                .map(|check| (check.question.clone(), check.evidence.clone()))
                .collect()
        };
        let many = contents.len() > 1;
        for (index, (content, evidence)) in contents.into_iter().enumerate() {
            let question = index + 1;
            rows.push(Row {
                no: if many {
                    format!("{}.{question}", item.no)
                } else {
                    item.no.to_string()
                },
                id: item.id.clone(),
                question,
                title: item.title.clone(),
                severity_label: item.severity_label.clone(),
                content,
                evidence,
                basis: if regulator {
                    item.legal_basis.clone()
                } else {
                    item.basis.clone()
                },
            });
        }
    }
    rows
}

/// Labels of the identity block, as the sheets print them; [`Filled::at`] takes them too.
pub mod label {
    pub const LAYOUT: &str = "答题表格式";
    pub const TITLE: &str = "表格名称";
    pub const AUDIENCE: &str = "表格类型";
    pub const SECTORS: &str = "行业代码";
    pub const LEVEL: &str = "安全保护等级";
    pub const AUTHORITY: &str = "检查机关代码";
    pub const PROFILE: &str = "企业画像";
    pub const RULES: &str = "规则版本";
    pub const TOOL: &str = "生成工具";
    pub const CREDIT_CODE: &str = "统一社会信用代码";
    pub const FILLER: &str = "填表人";
    pub const INSPECTORS: &str = "检查人员";
    /// The first cell of the header row of the item table.
    pub const NO: &str = "序号";
    pub const ID: &str = "项目编号";
    pub const QUESTION: &str = "问题序号";
    pub const SEVERITY: &str = "项目类别";
}

impl Identity {
    /// The identity block: `(label, value)` in print order; the fields to fill in last.
    pub fn block(&self) -> Vec<(&'static str, String)> {
        let columns = Columns::of(self.audience);
        let mut block = vec![
            (label::LAYOUT, self.layout.to_string()),
            (label::TITLE, self.title.clone()),
            (label::AUDIENCE, self.audience.id().to_string()),
            (label::SECTORS, self.sectors.join(",")),
            (
                label::LEVEL,
                self.level.map(|l| l.to_string()).unwrap_or_default(),
            ),
            (label::AUTHORITY, self.authority.clone().unwrap_or_default()),
            (label::PROFILE, self.profile.clone().unwrap_or_default()),
            (label::RULES, self.rules_version.clone()),
            (label::TOOL, self.tool.clone()),
            (columns.org, self.org_name.clone()),
            (label::CREDIT_CODE, self.credit_code.clone()),
            (columns.date, self.date.clone()),
        ];
        block.push(match self.audience {
            Audience::Enterprise => (label::FILLER, self.inspectors.clone()),
            Audience::Regulator => (label::INSPECTORS, self.inspectors.clone()),
        });
        block
    }
}

/// The view of `selection`'s form, as `generate` renders it, for `org`.
pub fn form_view(
    set: &crate::rules::RuleSet,
    selection: &crate::select::Selection,
    org: crate::view::OrgView,
) -> ChecklistView {
    let checklist = crate::select::checklist(set, selection);
    crate::view::build(set, &checklist, org, crate::seeds::Seeds::embedded())
}

/// `单位名称 sha256:…`: names the profile a sheet was made for, and changes with any of its
/// statements.
pub fn profile_id(profile: &crate::profile::Profile) -> String {
    let json = serde_json::to_vec(profile).expect("a profile serializes to JSON");
    let hash = crate::issue::manifest::sha256_hex(&json);
    let name = profile.name.as_deref().unwrap_or("（未署名）");
    format!("{name} sha256:{}", &hash[..16])
}

/// The answer sheet of `job`'s form: its identity and one row per result row.
pub fn sheet(set: &crate::rules::RuleSet, job: &crate::generate::Job) -> Sheet {
    let view = form_view(set, &job.selection, job.org.clone());
    Sheet {
        identity: identity(set.version().to_string(), job, &view),
        rows: rows(&view),
    }
}

/// The field names of the result rows of a form rendered from `view`, by 序号 as printed: the
/// sheet's row keys (see [`form_fields`]).
pub fn field_rows(view: &ChecklistView) -> std::sync::Arc<[(String, String)]> {
    rows(view)
        .iter()
        .map(|row| (row.no.clone(), row.key()))
        .collect()
}

/// The fill-in fields of `job`'s PDF form (rendered from `view`, whose [`field_rows`] are
/// `rows`): its rows named as the sheet's, and its identity as the sheet carries it, in JSON.
pub fn form_fields(
    rules_version: &str,
    job: &crate::generate::Job,
    view: &ChecklistView,
    rows: std::sync::Arc<[(String, String)]>,
) -> crate::pdf::FormFields {
    let columns = Columns::of(job.selection.audience);
    let identity = identity(rules_version.to_string(), job, view);
    crate::pdf::FormFields {
        rows,
        result_column: columns.result.to_string(),
        note_column: columns.note.to_string(),
        label_column: "项目".to_string(),
        states: Outcome::ALL
            .iter()
            .map(|o| (o.label().to_string(), o.state().to_string()))
            .collect(),
        identity: serde_json::to_string(&identity).expect("an identity serializes to JSON"),
    }
}

/// The identity of `job`'s form, rendered from `view` with rules of `rules_version`; the fields
/// to fill in left blank.
fn identity(rules_version: String, job: &crate::generate::Job, view: &ChecklistView) -> Identity {
    let selection = &job.selection;
    Identity {
        layout: SHEET_LAYOUT,
        title: view.title.clone(),
        audience: selection.audience,
        sectors: selection.sectors.clone(),
        level: selection.level,
        authority: selection.authority.clone(),
        profile: selection.profile.as_ref().map(profile_id),
        rules_version,
        tool: format!("checkgen {}", env!("CARGO_PKG_VERSION")),
        org_name: job.org.name.clone(),
        credit_code: job.org.credit_code.clone(),
        date: String::new(),
        inspectors: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_read_in_the_usual_variants() {
        let cases = [
            ("符合", Outcome::Compliant),
            ("是", Outcome::Compliant),
            ("Ｙ", Outcome::Compliant),
            ("yes", Outcome::Compliant),
            ("✓", Outcome::Compliant),
            ("√", Outcome::Compliant),
            (" 部分符合 ", Outcome::Partial),
            ("不符合", Outcome::NonCompliant),
            ("否", Outcome::NonCompliant),
            ("N", Outcome::NonCompliant),
            ("×", Outcome::NonCompliant),
            ("✗", Outcome::NonCompliant),
            ("不适用", Outcome::NotApplicable),
            ("Ｎ／Ａ", Outcome::NotApplicable),
            ("☑符合", Outcome::Compliant),
        ];
        for (typed, outcome) in cases {
            assert_eq!(Outcome::parse(typed), Some(outcome), "`{typed}`");
        }
        for typed in ["", "好的", "maybe", "符", "2"] {
            assert_eq!(Outcome::parse(typed), None, "`{typed}`");
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.label()), Some(outcome));
        }
    }
}
