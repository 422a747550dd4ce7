//! `Checklist` → `ChecklistView`: the serialize-only view model handed to templates. This file
//! is the template contract: every field a template can use is here and documented, and the
//! README's template section is written from it. Fields are only ever added, never renamed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::profile::{Profile, System};
use crate::rules::{
    asked_of, Audience, Authority, Inspection, InspectionKind, Kind, Method, Reference, Rule,
    RuleSet, SelfCheck, Severity,
};
use crate::seeds::Seeds;
use crate::select::{self, Checklist, Excluded, Exclusion, Selection};

/// Values about the organisation a form is for, given by the user (escaped on output).
#[derive(Debug, Clone, Default, Serialize)]
pub struct OrgView {
    /// 单位名称, or empty when not given (the form then leaves a blank to fill in).
    pub name: String,
    /// 统一社会信用代码, checked (GB 32100-2015), or empty.
    pub credit_code: String,
    /// 单位地址, or empty (issued forms: from the roster).
    pub address: String,
    /// 法定代表人（负责人）, or empty.
    pub legal_rep: String,
    /// 联系人, or empty.
    pub contact: String,
    /// 联系电话, or empty.
    pub phone: String,
    /// The roster's other columns, by their header (`行政区划` → `烟台市芝罘区`); empty for
    /// `generate`.
    pub extra: BTreeMap<String, String>,
}

/// Where the appendix of quoted clauses (附件：条款依据) goes, seen by templates as
/// `view.appendix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Appendix {
    /// `inline`: after the form, on a page of its own (the default).
    #[default]
    Inline,
    /// `separate`: written once as its own document (`view.appendix_file`), which the form
    /// names.
    Separate,
    /// `none`: left out.
    None,
}

/// A sector of the selection.
#[derive(Debug, Clone, Serialize)]
pub struct SectorView {
    pub id: String,
    /// Chinese name (`基础电信业务`).
    pub name: String,
    pub description: String,
}

/// A seed document cited by the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub id: String,
    pub title: String,
    pub issuer: String,
    /// Document number (文号), empty when the text states none.
    pub number: String,
    /// Short name used in citations (`鲁政办发〔2014〕9号`).
    pub short: String,
}

/// One seed citation of an item.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub doc: String,
    /// Short name of the document.
    pub doc_short: String,
    pub item: u32,
    /// The verbatim quote.
    pub quote: String,
    /// `鲁政办发〔2014〕9号第16项`.
    pub citation: String,
}

/// One national instrument cited by an item.
#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    pub instrument: String,
    pub article: String,
    /// What the article requires, in brief; empty when the rule gives no note.
    pub note: String,
    /// `《信息安全等级保护管理办法》（公通字〔2007〕43号）第十五条`.
    pub citation: String,
}

/// An inspecting authority (检查机关) from the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorityView {
    /// Catalogue id (`public_security`).
    pub id: String,
    /// As printed on forms (`公安机关网安部门`).
    pub name: String,
    /// What it inspects, in one line.
    pub description: String,
}

impl AuthorityView {
    fn of(authority: &Authority) -> AuthorityView {
        AuthorityView {
            id: authority.id.clone(),
            name: authority.name.clone(),
            description: authority.description.clone(),
        }
    }
}

/// A law, administrative regulation or rule the form's items cite: the form's 检查依据.
#[derive(Debug, Clone, Serialize)]
pub struct InstrumentView {
    /// Registry id (`csl`).
    pub id: String,
    /// `《中华人民共和国网络安全法》（2025年修正）`.
    pub name: String,
    /// `law` | `regulation` | `rule` | `normative` | `standard`.
    pub kind: String,
    /// 法律 | 行政法规 | 部门规章 | 规范性文件 | 国家标准.
    pub kind_label: String,
    /// The articles the form's items cite, joined by 、 (empty when none is named).
    pub articles: String,
}

/// An inspection item that is the inspecting body's own procedure: printed under
/// 检查程序提示, without result boxes, never counted.
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureView {
    /// Rule id (`SEC-031`).
    pub id: String,
    /// The rule's title.
    pub title: String,
    /// What the inspecting body does, one entry per procedural inspection item.
    pub items: Vec<String>,
    /// The laws, regulations and rules the rule cites (as `ItemView.legal_basis`).
    pub legal_basis: String,
}

/// An information system of the enterprise's profile.
#[derive(Debug, Clone, Serialize)]
pub struct SystemView {
    pub name: String,
    pub level: u8,
    /// `第三级`.
    pub level_label: String,
    /// 备案证明编号; empty when none is given.
    pub filing_number: String,
    /// Date of the last 等级测评 (`2026-05-10`); empty when none is given.
    pub last_evaluation: String,
}

impl SystemView {
    fn of(system: &System) -> SystemView {
        SystemView {
            name: system.name.clone(),
            level: system.level,
            level_label: level_name(system.level),
            filing_number: system.filing_number.clone().unwrap_or_default(),
            last_evaluation: system.last_evaluation.clone().unwrap_or_default(),
        }
    }
}

/// One statement of the profile, as a row of the header table.
#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    /// `关键信息基础设施运营者`.
    pub label: String,
    /// `是` | `否` | a number | licence names; only stated facts are listed.
    pub value: String,
}

/// The enterprise's profile, as the form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    /// What the profile states (licences, 关键信息基础设施, 重要数据, 个人信息, 平台, 主导的电信业务
    /// 经营者), in that order; a field the profile leaves out is not listed.
    pub facts: Vec<FactView>,
    /// Its information systems, in profile order.
    pub systems: Vec<SystemView>,
}

impl ProfileView {
    fn of(profile: &Profile) -> ProfileView {
        let yes_no = |value: bool| if value { "是" } else { "否" }.to_string();
        let flags = [
            ("关键信息基础设施运营者", profile.critical_infrastructure),
            ("处理重要数据", profile.important_data),
            ("平台经营者", profile.platform),
            ("主导的电信业务经营者", profile.dominant_telecom_operator),
        ];
        let mut facts: Vec<FactView> = Vec::new();
        if let Some(licences) = &profile.licences {
            let names: Vec<&str> = licences.iter().map(|l| l.label()).collect();
            facts.push(FactView {
                label: "持有的许可证或备案".into(),
                value: if names.is_empty() {
                    "无".into()
                } else {
                    names.join("、")
                },
            });
        }
        facts.extend(flags.into_iter().filter_map(|(label, value)| {
            value.map(|v| FactView {
                label: label.into(),
                value: yes_no(v),
            })
        }));
        if let Some(count) = profile.personal_information {
            facts.push(FactView {
                label: "处理个人信息的人数".into(),
                value: format!("{count}人"),
            });
        }
        ProfileView {
            facts,
            systems: profile.systems.iter().map(SystemView::of).collect(),
        }
    }
}

/// An item the profile rules out: listed in the appendix 不适用项目及理由.
#[derive(Debug, Clone, Serialize)]
pub struct ExcludedView {
    /// Rule id.
    pub id: String,
    pub title: String,
    /// Why it does not apply, from the profile (`本单位不是关键信息基础设施运营者`).
    pub reason: String,
}

/// One numbered item (one rule) of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    /// 序号, 1..n across the whole checklist.
    pub no: usize,
    /// Rule id (`SEC-003`).
    pub id: String,
    pub title: String,
    pub obligation: String,
    /// `high` | `medium` | `low`.
    pub severity: String,
    /// 关键项 | 一般项 | 提示项.
    pub severity_label: String,
    /// Scoring weight: 3, 2 or 1.
    pub weight: u32,
    /// Protection levels the rule applies to; empty = any.
    pub levels: Vec<u8>,
    /// `第三级`, `第二级及以上`, or empty when the rule applies at every level.
    pub levels_label: String,
    /// Self-assessment questions and evidence (enterprise forms): those asked of the selected
    /// sectors.
    pub self_check: Vec<SelfCheck>,
    /// What is inspected and how (regulator forms): the rows with result boxes, for the
    /// selected sectors and, on one authority's form, that authority's items.
    pub inspection: Vec<Inspection>,
    /// The authorities that enforce the item in the selected sectors (检查机关); on a
    /// regulator form, the form's authority.
    pub authorities: Vec<AuthorityView>,
    /// Their names joined by 、.
    pub authority_names: String,
    /// Citations of the laws, administrative regulations and rules only (no policy document,
    /// standard or normative document), articles of one instrument merged, joined by ；: the
    /// 检查依据 column of a regulator form.
    pub legal_basis: String,
    /// Citations of the standards and normative documents the item cites (technical content,
    /// not a legal basis), joined by ；.
    pub reference_basis: String,
    /// With a profile listing systems, the systems a graded-protection item applies to (those
    /// at its levels); empty for an item of every level or without systems.
    pub systems: Vec<SystemView>,
    /// Those systems as `网上营业厅（第三级）、…`; empty when none.
    pub systems_label: String,
    /// The distinct inspection methods of the item, joined by 、.
    pub methods: String,
    pub sources: Vec<SourceView>,
    pub references: Vec<ReferenceView>,
    /// Seed citations then instrument citations (short names, articles of one instrument
    /// merged), joined by ；: the 依据 column of the self-assessment.
    pub basis: String,
    /// Procedures of the item, collected into `ChecklistView.procedures`; not serialized.
    #[serde(skip)]
    procedures: Vec<ProcedureView>,
}

/// A section: the items of one domain.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Chinese ordinal (`一`, `二`, …).
    pub number: String,
    /// Domain id (`security`).
    pub domain: String,
    /// Section heading (`信息安全与等级保护`).
    pub name: String,
    pub items: Vec<ItemView>,
}

/// Everything a checklist template sees as `view`.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistView {
    /// The form's title (`信息消费领域合规自查表`).
    pub title: String,
    /// `自查表` | `检查表`.
    pub form_name: String,
    /// `enterprise` | `regulator`.
    pub audience: String,
    pub sectors: Vec<SectorView>,
    /// Sector names joined by 、.
    pub sector_names: String,
    /// True when a selected sector runs classified systems (涉密信息系统): the form then asks
    /// for their 密级 and 测评审查 instead of a protection level.
    pub classified: bool,
    /// Protection level asked for, or null.
    pub level: Option<u8>,
    /// `第三级`, or empty when no level was given.
    pub level_label: String,
    pub org: OrgView,
    /// Form number for issued forms; empty otherwise.
    pub form_number: String,
    /// The body issuing the forms (`checkgen issue --issuer`); empty otherwise.
    pub issuer: String,
    /// `inline` | `separate` | `none`: where the appendix of quoted clauses goes.
    pub appendix: Appendix,
    /// With a separate appendix, its file name (`附件-telecom-enterprise-L3.pdf`); empty otherwise.
    pub appendix_file: String,
    pub sections: Vec<SectionView>,
    pub item_count: usize,
    /// Number of 关键项.
    pub key_item_count: usize,
    /// Rows with result boxes on this audience's form (one per question or inspection
    /// content): what a person fills in and counts in the conclusion.
    pub row_count: usize,
    /// Rows belonging to 关键项.
    pub key_row_count: usize,
    /// Seed documents, whether or not an item cites them.
    pub documents: Vec<DocumentView>,
    /// The inspecting authority of a regulator form; null on a self-assessment and on a
    /// regulator form for every authority.
    pub authority: Option<AuthorityView>,
    /// The laws, administrative regulations and rules the items cite (检查依据), laws first:
    /// never a policy document, standard or normative document.
    pub legal_basis: Vec<InstrumentView>,
    /// The standards and normative documents the items cite: technical content, not a legal
    /// basis.
    pub other_instruments: Vec<InstrumentView>,
    /// The inspecting body's own procedural duties (检查程序提示) on a regulator form, in
    /// item order; empty on a self-assessment. Never rows, never counted.
    pub procedures: Vec<ProcedureView>,
    /// The enterprise's profile (`--profile`); null without one.
    pub profile: Option<ProfileView>,
    /// The items the profile rules out, with the reason (不适用项目及理由); empty without a
    /// profile.
    pub excluded: Vec<ExcludedView>,
}

/// Rows with result boxes that an item puts on a form for `audience`.
fn rows(item: &ItemView, audience: Audience) -> usize {
    match audience {
        Audience::Enterprise => item.self_check.len(),
        Audience::Regulator => item.inspection.len(),
    }
}

/// Things about the run rather than the checklist, seen by templates as `meta`.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub checkgen_version: String,
    /// `2026-11-23`: the day of the run, or of `SOURCE_DATE_EPOCH` when set.
    pub date: String,
    /// The dates written into PDFs: `SOURCE_DATE_EPOCH` alone, so that the same input gives
    /// the same bytes; `None` writes no dates.
    #[serde(skip)]
    pub pdf_timestamp: Option<i64>,
    /// Whether a form's PDF gets its fill-in fields (`--no-fields` turns them off).
    #[serde(skip)]
    pub pdf_fields: bool,
}

impl Meta {
    /// `now` is the clock's time; `source_date_epoch`, when given, stands in for it
    /// everywhere.
    pub fn new(now: i64, source_date_epoch: Option<i64>) -> Meta {
        Meta {
            checkgen_version: env!("CARGO_PKG_VERSION").to_string(),
            date: crate::date::iso_date(source_date_epoch.unwrap_or(now)),
            pdf_timestamp: source_date_epoch,
            pdf_fields: true,
        }
    }
}

const CHINESE_DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 12 → 十二, 20 → 二十 (enough for section numbers).
pub fn chinese_number(n: usize) -> String {
    match n {
        0..=9 => CHINESE_DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { CHINESE_DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            CHINESE_DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                CHINESE_DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
    }
}

/// `第三级`.
pub fn level_name(level: u8) -> String {
    format!("第{}级", chinese_number(level as usize))
}

/// Labels a level list: `第三级`, `第二级及以上`, `第三级、第四级`; empty for any level.
pub fn levels_label(levels: &[u8]) -> String {
    let mut sorted = levels.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let contiguous_to_top =
        sorted.last() == Some(&5) && sorted.windows(2).all(|pair| pair[1] == pair[0] + 1);
    match sorted.as_slice() {
        [] | [1, 2, 3, 4, 5] => String::new(),
        [only] => level_name(*only),
        [first, ..] if contiguous_to_top => format!("{}及以上", level_name(*first)),
        _ => sorted
            .iter()
            .map(|l| level_name(*l))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

/// Builds the view of a checklist.
pub fn build(set: &RuleSet, checklist: &Checklist, org: OrgView, seeds: &Seeds) -> ChecklistView {
    let selection = &checklist.selection;
    let sectors: Vec<SectorView> = selection
        .sectors
        .iter()
        .filter_map(|id| set.sector(id))
        .map(|s| SectorView {
            id: s.id.clone(),
            name: s.name.clone(),
            description: s.description.clone(),
        })
        .collect();
    let mut no = 0;
    let mut procedures: Vec<ProcedureView> = Vec::new();
    let mut sections: Vec<SectionView> = Vec::new();
    for section in &checklist.sections {
        let mut items = Vec::new();
        for rule in &section.rules {
            let mut view = item(set, rule, selection, seeds);
            if selection.audience == Audience::Regulator {
                procedures.append(&mut view.procedures);
            }
            // A regulator form numbers only the items with rows to fill in.
            if selection.audience == Audience::Regulator && view.inspection.is_empty() {
                continue;
            }
            no += 1;
            view.no = no;
            items.push(view);
        }
        if !items.is_empty() {
            sections.push(SectionView {
                number: chinese_number(sections.len() + 1),
                domain: section.domain.id.clone(),
                name: section.domain.name.clone(),
                items,
            });
        }
    }
    let on_form: Vec<&Rule> = sections
        .iter()
        .flat_map(|s| s.items.iter())
        .filter_map(|item| set.rule(&item.id))
        .collect();
    let references: Vec<Reference> = on_form
        .iter()
        .flat_map(|rule| cited(set, rule, selection))
        .collect();
    let (legal_basis, other_instruments) = instruments(set, &references);
    let items = || sections.iter().flat_map(|s| s.items.iter());
    let title = match selection.audience {
        Audience::Enterprise => "信息消费领域安全与市场秩序合规自查表",
        Audience::Regulator => "信息消费领域安全与市场秩序监督检查表",
    };
    ChecklistView {
        title: title.to_string(),
        form_name: selection.audience.form_name().to_string(),
        audience: selection.audience.id().to_string(),
        sector_names: sectors
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        sectors,
        classified: selection
            .sectors
            .iter()
            .filter_map(|id| set.sector(id))
            .any(|s| s.classified),
        level: selection.level,
        level_label: match &selection.profile {
            Some(profile) if !profile.systems.is_empty() => {
                levels_label(&profile.systems.iter().map(|s| s.level).collect::<Vec<_>>())
            }
            _ => selection.level.map(level_name).unwrap_or_default(),
        },
        org,
        form_number: String::new(),
        issuer: String::new(),
        appendix: Appendix::Inline,
        appendix_file: String::new(),
        item_count: items().count(),
        key_item_count: items()
            .filter(|i| i.severity == Severity::High.id())
            .count(),
        row_count: items().map(|i| rows(i, selection.audience)).sum(),
        key_row_count: items()
            .filter(|i| i.severity == Severity::High.id())
            .map(|i| rows(i, selection.audience))
            .sum(),
        sections,
        documents: seeds
            .docs
            .iter()
            .map(|doc| DocumentView {
                id: doc.info.id.clone(),
                title: doc.info.title.clone(),
                issuer: doc.info.issuer.clone(),
                number: doc.info.number.clone().unwrap_or_default(),
                short: doc.info.short.clone(),
            })
            .collect(),
        authority: selection
            .authority
            .as_deref()
            .and_then(|id| set.authority(id))
            .map(AuthorityView::of),
        legal_basis,
        other_instruments,
        procedures,
        profile: selection.profile.as_ref().map(ProfileView::of),
        excluded: checklist
            .excluded
            .iter()
            .map(|excluded| ExcludedView {
                id: excluded.rule.id.clone(),
                title: excluded.rule.title.clone(),
                reason: exclusion_reason(excluded, selection),
            })
            .collect(),
    }
}

/// Why the profile rules an item out, in the words of the appendix.
fn exclusion_reason(excluded: &Excluded, selection: &Selection) -> String {
    let profile = selection
        .profile
        .as_ref()
        .expect("only a selection with a profile excludes rules");
    let subject = match selection.audience {
        Audience::Enterprise => "本单位",
        Audience::Regulator => "被检查单位",
    };
    match excluded.why {
        Exclusion::Condition => excluded
            .rule
            .applies_if
            .as_ref()
            .expect("a rule excluded by its condition has one")
            .reason(profile, subject),
        Exclusion::Levels => {
            let systems: Vec<String> = profile.systems.iter().map(system_label).collect();
            format!(
                "{subject}的信息系统为{}，没有{}信息系统",
                systems.join("、"),
                levels_label(&excluded.rule.levels)
            )
        }
    }
}

/// `网上营业厅（第三级）`.
fn system_label(system: &System) -> String {
    format!("{}（{}）", system.name, level_name(system.level))
}

/// The references of `rule` a form for `selection` prints: on one authority's form, those
/// under which that authority inspects. An authority that inspects only some items of another
/// authority's rule (`authority:` on an item) cites what the rule's own authorities do not
/// enforce when there is such an instrument: the payment institution's duty in a rule of
/// market regulation is under the payment regulation, not the e-commerce law.
fn cited(set: &RuleSet, rule: &Rule, selection: &Selection) -> Vec<Reference> {
    let Some(authority) = selection
        .authority
        .as_deref()
        .and_then(|id| set.authority(id))
    else {
        return rule.references.clone();
    };
    let own: Vec<Reference> = rule
        .references
        .iter()
        .filter(|r| authority.enforces(&r.instrument_id))
        .cloned()
        .collect();
    if rule.authority.contains(&authority.id) {
        return own;
    }
    let rule_enforces = |r: &Reference| {
        rule.authority
            .iter()
            .filter_map(|id| set.authority(id))
            .any(|a| a.enforces(&r.instrument_id))
    };
    let specific: Vec<Reference> = own.iter().filter(|r| !rule_enforces(r)).cloned().collect();
    if specific.is_empty() {
        own
    } else {
        specific
    }
}

/// The number of an article written `第二十三条` (23), for sorting; `None` for anything else
/// (sorted last).
fn article_number(article: &str) -> Option<u32> {
    let digits = article.strip_prefix('第')?.strip_suffix('条')?;
    let digit = |c: char| {
        CHINESE_DIGITS
            .iter()
            .position(|d| d.starts_with(c))
            .map(|n| n as u32)
    };
    let mut total = 0;
    let mut current = 0;
    for c in digits.chars() {
        match c {
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            _ => current = digit(c)?,
        }
    }
    Some(total + current)
}

/// True for the kinds of instrument that may be the legal basis of an inspection.
fn is_legal_basis(kind: Kind) -> bool {
    match kind {
        Kind::Law | Kind::Regulation | Kind::Rule => true,
        Kind::Normative | Kind::Standard => false,
    }
}

/// The instruments `references` name, in registry order with laws first: `(laws, regulations and
/// rules; standards and normative documents)`, each with the articles cited.
fn instruments(
    set: &RuleSet,
    references: &[Reference],
) -> (Vec<InstrumentView>, Vec<InstrumentView>) {
    let rank = |kind: Kind| match kind {
        Kind::Law => 0,
        Kind::Regulation => 1,
        Kind::Rule => 2,
        Kind::Normative => 3,
        Kind::Standard => 4,
    };
    let mut found: Vec<(usize, usize, InstrumentView)> = Vec::new();
    for reference in references {
        let Some((index, instrument)) = set
            .instruments
            .instruments
            .iter()
            .enumerate()
            .find(|(_, i)| i.id == reference.instrument_id)
        else {
            continue;
        };
        let entry = match found.iter_mut().find(|(_, _, v)| v.id == instrument.id) {
            Some((_, _, view)) => view,
            None => {
                found.push((
                    rank(instrument.kind),
                    index,
                    InstrumentView {
                        id: instrument.id.clone(),
                        name: titled(&instrument.display_name()),
                        kind: serde_json::to_value(instrument.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .expect("a Kind serializes as its lowercase name"),
                        kind_label: instrument.kind.label().to_string(),
                        articles: String::new(),
                    },
                ));
                &mut found.last_mut().expect("just pushed").2
            }
        };
        let article = reference.article.trim();
        if !article.is_empty() && !entry.articles.split('、').any(|a| a == article) {
            let mut articles: Vec<&str> = entry
                .articles
                .split('、')
                .filter(|a| !a.is_empty())
                .collect();
            articles.push(article);
            articles.sort_by_key(|a| article_number(a));
            entry.articles = articles.join("、");
        }
    }
    found.sort_by_key(|(rank, index, _)| (*rank, *index));
    let (legal, other): (Vec<_>, Vec<_>) = found.into_iter().partition(|(rank, _, _)| *rank <= 2);
    let strip =
        |list: Vec<(usize, usize, InstrumentView)>| list.into_iter().map(|(_, _, v)| v).collect();
    (strip(legal), strip(other))
}

/// The view of one rule, numbered 0 (the caller numbers the items it keeps); its procedures are
/// in `procedures` for the caller to collect.
fn item(set: &RuleSet, rule: &Rule, selection: &Selection, seeds: &Seeds) -> ItemView {
    let sectors = &selection.sectors;
    let self_check = asked_of(&rule.self_check, sectors);
    let (inspection, procedure_items): (Vec<Inspection>, Vec<Inspection>) =
        select::inspections(set, rule, selection)
            .into_iter()
            .partition(|item| item.kind == InspectionKind::Check);
    let authorities: Vec<AuthorityView> = set
        .authorities
        .iter()
        .filter(|authority| match &selection.authority {
            Some(id) => *id == authority.id,
            None => {
                (rule.authority.contains(&authority.id)
                    || asked_of(&rule.inspection, sectors)
                        .iter()
                        .any(|item| item.authority.contains(&authority.id)))
                    && sectors
                        .iter()
                        .any(|s| rule.applies_to_sector(s) && authority.covers(s))
            }
        })
        .map(AuthorityView::of)
        .collect();
    let (legal, other): (Vec<Reference>, Vec<Reference>) =
        cited(set, rule, selection).into_iter().partition(|r| {
            set.instruments
                .get(&r.instrument_id)
                .is_some_and(|i| is_legal_basis(i.kind))
        });
    let systems: Vec<SystemView> = match &selection.profile {
        Some(profile) if !rule.levels.is_empty() => profile
            .systems_at(&rule.levels)
            .into_iter()
            .map(SystemView::of)
            .collect(),
        _ => Vec::new(),
    };
    let legal_basis = grouped_citations(&legal).join("；");
    let reference_basis = grouped_citations(&other).join("；");
    let procedures = if procedure_items.is_empty() {
        Vec::new()
    } else {
        vec![ProcedureView {
            id: rule.id.clone(),
            title: rule.title.clone(),
            items: procedure_items.into_iter().map(|p| p.item).collect(),
            legal_basis: legal_basis.clone(),
        }]
    };
    let sources: Vec<SourceView> = rule
        .sources
        .iter()
        .map(|source| {
            let doc_short = seeds
                .doc(&source.doc)
                .map_or_else(|| source.doc.clone(), |doc| doc.info.short.clone());
            SourceView {
                citation: format!("{doc_short}第{}项", source.item),
                doc: source.doc.clone(),
                doc_short,
                item: source.item,
                quote: source.quote.clone(),
            }
        })
        .collect();
    let references: Vec<ReferenceView> = rule.references.iter().map(reference).collect();
    let mut methods: Vec<Method> = Vec::new();
    for method in inspection.iter().flat_map(|i| i.method.iter().copied()) {
        if !methods.contains(&method) {
            methods.push(method);
        }
    }
    let mut basis: Vec<String> = Vec::new();
    for citation in sources
        .iter()
        .map(|s| s.citation.clone())
        .chain(grouped_citations(&rule.references))
    {
        if !basis.contains(&citation) {
            basis.push(citation);
        }
    }
    let basis = basis.join("；");
    ItemView {
        no: 0,
        id: rule.id.clone(),
        title: rule.title.clone(),
        obligation: rule.obligation.clone(),
        severity: rule.severity.id().to_string(),
        severity_label: rule.severity.label().to_string(),
        weight: rule.severity.weight(),
        levels: rule.levels.clone(),
        levels_label: levels_label(&rule.levels),
        self_check,
        inspection,
        methods: Method::join(&methods),
        sources,
        references,
        basis,
        authority_names: authorities
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        authorities,
        legal_basis,
        reference_basis,
        systems_label: systems
            .iter()
            .map(|s| format!("{}（{}）", s.name, s.level_label))
            .collect::<Vec<_>>()
            .join("、"),
        systems,
        procedures,
    }
}

/// References of the same instrument merged into one citation: `《电信条例》第三十条、第四十一条`.
fn grouped_citations(references: &[Reference]) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for reference in references {
        let instrument = reference.instrument.trim();
        match groups.iter_mut().find(|(name, _)| *name == instrument) {
            Some((_, articles)) => articles.push(&reference.article),
            None => groups.push((instrument, vec![&reference.article])),
        }
    }
    groups
        .into_iter()
        .map(|(instrument, articles)| {
            let articles: Vec<&str> = articles.into_iter().filter(|a| !a.is_empty()).collect();
            format!("{}{}", titled(short_name(instrument)), articles.join("、"))
        })
        .collect()
}

/// The instrument without its parenthesised document number or edition, for the narrow 依据
/// column (`信息安全等级保护管理办法（公通字〔2007〕43号）` → `信息安全等级保护管理办法`); the
/// appendix keeps the full name. A name that is only a document number stays whole.
fn short_name(instrument: &str) -> &str {
    match instrument.find('（') {
        Some(at) if at > 0 && !instrument.starts_with("GB") => &instrument[..at],
        _ => instrument,
    }
}

/// `《网络安全法》第二十三条`: the instrument in title marks unless it already carries them.
fn reference(reference: &Reference) -> ReferenceView {
    let instrument = reference.instrument.trim();
    ReferenceView {
        citation: format!("{}{}", titled(instrument), reference.article),
        instrument: instrument.to_string(),
        article: reference.article.clone(),
        note: reference.note.clone().unwrap_or_default(),
    }
}

/// The instrument's name in title marks (`《…》（文号）`); standards (GB/T) and bare document
/// numbers (`公网安〔2025〕1001号`) stay as they are.
fn titled(instrument: &str) -> String {
    let name = instrument.split('（').next().unwrap_or(instrument);
    if instrument.starts_with('《') || instrument.starts_with("GB") || name.contains('〔') {
        instrument.to_string()
    } else {
        match instrument.find('（') {
            Some(at) => format!("《{}》{}", &instrument[..at], &instrument[at..]),
            None => format!("《{instrument}》"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers_and_levels() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(14), "十四");
        assert_eq!(chinese_number(21), "二十一");
        assert_eq!(levels_label(&[2, 3, 4, 5]), "第二级及以上");
        assert_eq!(levels_label(&[4]), "第四级");
        assert_eq!(levels_label(&[3, 4]), "第三级、第四级");
        assert_eq!(levels_label(&[1, 2, 3, 4, 5]), "");
    }

    #[test]
    fn article_numbers_sort_as_numbers() {
        assert_eq!(article_number("第十条"), Some(10));
        assert_eq!(article_number("第二十三条"), Some(23));
        assert_eq!(article_number("第六十一条"), Some(61));
        assert_eq!(article_number("第一百零五条"), Some(105));
        assert_eq!(article_number("第一百二十条"), Some(120));
        assert_eq!(article_number("附件"), None);
    }
}
