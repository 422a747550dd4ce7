//! Selection and Markdown output on the shipped rules: what a form contains, what it omits,
//! and the exact Markdown of one form per audience (golden files under tests/snapshots/;
//! refresh with `INSTA_UPDATE=always cargo test`, then read the diff).

mod common;

use checkgen::generate::{self, Job};
use checkgen::rules::{self, Audience, RuleSet};
use checkgen::select::{self, Selection};
use checkgen::template;
use checkgen::view::{Meta, OrgView};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

fn shipped() -> RuleSet {
    rules::load_checked(&[]).expect("the shipped rules validate")
}

fn ids(set: &RuleSet, sectors: &[&str], audience: Audience, level: Option<u8>) -> Vec<String> {
    let sectors: Vec<String> = sectors.iter().map(|s| s.to_string()).collect();
    let selection = Selection::new(set, &sectors, audience, level).unwrap();
    select::checklist(set, &selection)
        .rules()
        .map(|rule| rule.id.clone())
        .collect()
}

fn meta() -> Meta {
    Meta {
        checkgen_version: "test".into(),
        date: "2026-11-23".into(),
        pdf_timestamp: None,
        pdf_fields: true,
    }
}

fn markdown(
    set: &RuleSet,
    sectors: &[&str],
    audience: Audience,
    level: Option<u8>,
    org: OrgView,
) -> String {
    let sectors: Vec<String> = sectors.iter().map(|s| s.to_string()).collect();
    let job = Job::new(Selection::new(set, &sectors, audience, level).unwrap(), org);
    generate::markdown(set, &template::tera(None).unwrap(), &job, &meta()).unwrap()
}

/// One authority's inspection form for `sectors` at `level`.
fn inspection_form(
    set: &RuleSet,
    sectors: &[&str],
    authority: &str,
    level: Option<u8>,
) -> generate::Form {
    let sectors: Vec<String> = sectors.iter().map(|s| s.to_string()).collect();
    let selection = Selection::new(set, &sectors, Audience::Regulator, level)
        .unwrap()
        .with_authority(set, authority)
        .unwrap();
    let job = Job::new(selection, OrgView::default());
    generate::form(set, &template::tera(None).unwrap(), &job, &meta()).unwrap()
}

#[test]
fn level_one_has_no_filing_and_level_three_has_yearly_evaluation() {
    let set = shipped();
    let filing = "SEC-003";
    assert!(set.rule(filing).unwrap().title.contains("备案"));
    let level1 = ids(&set, &["telecom"], Audience::Enterprise, Some(1));
    assert!(!level1.contains(&filing.to_string()), "{level1:?}");
    let level3 = ids(&set, &["telecom"], Audience::Enterprise, Some(3));
    assert!(level3.contains(&filing.to_string()));
    let yearly = set.rule("SEC-005").unwrap();
    assert!(yearly.title.contains("年度") && yearly.levels == [3]);
    assert!(level3.contains(&yearly.id));
    assert!(
        !level3.contains(&"SEC-006".to_string()),
        "half-yearly evaluation is for level 4"
    );
    assert!(!level1.contains(&yearly.id));
    let level4 = ids(&set, &["telecom"], Audience::Enterprise, Some(4));
    assert!(level4.contains(&"SEC-006".to_string()) && !level4.contains(&yearly.id));
}

#[test]
fn every_rule_selected_at_a_level_applies_at_that_level() {
    let set = shipped();
    for level in 1..=5 {
        let selection =
            Selection::new(&set, &["internet".into()], Audience::Regulator, Some(level)).unwrap();
        for rule in select::checklist(&set, &selection).rules() {
            assert!(
                rule.levels.is_empty() || rule.levels.contains(&level),
                "{} at level {level}",
                rule.id
            );
        }
    }
}

#[test]
fn tariff_filing_is_for_telecom_not_ecommerce() {
    let set = shipped();
    let tariff = set
        .rules
        .iter()
        .find(|r| r.title.contains("资费") && r.title.contains("备案"))
        .expect("a tariff filing rule");
    assert!(ids(&set, &["telecom"], Audience::Enterprise, None).contains(&tariff.id));
    assert!(!ids(&set, &["ecommerce"], Audience::Enterprise, None).contains(&tariff.id));
}

#[test]
fn several_sectors_merge_without_duplicates() {
    let set = shipped();
    let telecom = ids(&set, &["telecom"], Audience::Enterprise, None);
    let ecommerce = ids(&set, &["ecommerce"], Audience::Enterprise, None);
    let both = ids(&set, &["telecom", "ecommerce"], Audience::Enterprise, None);
    let mut unique = both.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), both.len(), "no rule twice");
    for id in telecom.iter().chain(&ecommerce) {
        assert!(both.contains(id), "{id} missing from the merged list");
    }
    assert!(both.len() > telecom.len() && both.len() > ecommerce.len());
}

#[test]
fn regulator_only_duties_stay_off_enterprise_forms() {
    let set = shipped();
    let enterprise = ids(&set, &["ecommerce"], Audience::Enterprise, None);
    for rule in set
        .rules
        .iter()
        .filter(|r| r.audiences == [Audience::Regulator])
    {
        assert!(!enterprise.contains(&rule.id), "{}", rule.id);
    }
}

/// The text of every cell of the first table row whose first cell is `label`.
fn table_row(markdown: &str, label: &str) -> Vec<String> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableRow) | Event::Start(Tag::TableHead) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                if let (Some(text), Some(row)) = (cell.take(), rows.last_mut()) {
                    row.push(text);
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(&text);
                }
            }
            _ => {}
        }
    }
    rows.into_iter()
        .find(|row| row.first().map(String::as_str) == Some(label))
        .unwrap_or_default()
}

#[test]
fn organisation_names_cannot_break_the_table() {
    let set = shipped();
    let name = "A|B *烟台* <b>公司</b>_x_\n| 第二行 | [link](http://x) `code`";
    let org = OrgView {
        name: name.into(),
        credit_code: "91370600MA3C00003H".into(),
        ..OrgView::default()
    };
    let md = markdown(&set, &["telecom"], Audience::Regulator, None, org);
    let row = table_row(&md, "被检查单位");
    assert_eq!(row.len(), 2, "{row:?}");
    assert_eq!(row[1], name.replace('\n', " "));
    assert!(!md.contains("<b>"));
    assert_eq!(table_row(&md, "统一社会信用代码")[1], "91370600MA3C00003H");
}

#[test]
fn items_are_numbered_one_to_n_across_sections() {
    let set = shipped();
    let form = inspection_form(&set, &["payment"], "pboc", Some(3));
    // The check tables, not the list of 检查事项 or the evidence list, which number too.
    let start = form.markdown.find("## 检查记录").unwrap();
    let end = form.markdown.find("## 检查结论").unwrap();
    let md = &form.markdown[start..end];
    let count = form.view.item_count;
    assert!(count > 5 && form.view.sections.len() > 1, "{count} items");
    for no in 1..=count {
        let single = table_row(md, &no.to_string());
        let row = if single.is_empty() {
            table_row(md, &format!("{no}.1"))
        } else {
            single
        };
        assert_eq!(row.len(), 7, "item {no}");
    }
    assert!(table_row(md, &(count + 1).to_string()).is_empty());
    assert!(table_row(md, &format!("{}.1", count + 1)).is_empty());
}

#[test]
fn every_question_has_its_own_row_and_boxes() {
    let set = shipped();
    let md = markdown(
        &set,
        &["telecom"],
        Audience::Enterprise,
        Some(3),
        OrgView::default(),
    );
    let checklist_ids = ids(&set, &["telecom"], Audience::Enterprise, Some(3));
    let mut multi = 0;
    for (index, id) in checklist_ids.iter().enumerate() {
        let rule = set.rule(id).unwrap();
        let no = index + 1;
        let questions: Vec<_> = rule
            .self_check
            .iter()
            .filter(|c| c.sectors.is_empty() || c.sectors.iter().any(|s| s == "telecom"))
            .collect();
        if questions.len() < 2 {
            continue;
        }
        multi += 1;
        for (k, question) in questions.iter().enumerate() {
            let row = table_row(&md, &format!("{no}.{}", k + 1));
            assert_eq!(
                row.get(2),
                Some(&question.question),
                "{id} question {}",
                k + 1
            );
            assert!(
                row[5].contains("☐符合") && row[5].contains("☐不适用"),
                "{id}"
            );
        }
    }
    assert!(multi > 10, "only {multi} items have several questions");
    // The form says what the item classes mean.
    assert!(md.contains("关键项为核心义务") && md.contains("提示项为"));
}

#[test]
fn golden_enterprise_telecom_level_3() {
    let set = shipped();
    let org = OrgView {
        name: "烟台某某通信有限公司".into(),
        credit_code: "91370600MA3C00003H".into(),
        ..OrgView::default()
    };
    insta::assert_snapshot!(markdown(
        &set,
        &["telecom"],
        Audience::Enterprise,
        Some(3),
        org
    ));
}

#[test]
fn golden_inspection_ecommerce_market_regulation() {
    let set = shipped();
    insta::assert_snapshot!(
        inspection_form(&set, &["ecommerce"], "market_regulation", None).markdown
    );
}

#[test]
fn golden_inspection_telecom_public_security_level_3() {
    let set = shipped();
    insta::assert_snapshot!(
        inspection_form(&set, &["telecom"], "public_security", Some(3)).markdown
    );
}

/// (sectors, audience, level, rules that must be on the form, rules that must not).
type Expectation<'a> = (
    &'a [&'a str],
    Audience,
    Option<u8>,
    &'a [&'a str],
    &'a [&'a str],
);

#[test]
fn each_sector_gets_what_its_instruments_name() {
    use Audience::{Enterprise, Regulator};
    let cases: &[Expectation] = &[
        // Tariff filing, 工信部令第24号 (complaints in 15 days, yearly self-inspection), licence.
        (
            &["telecom"],
            Enterprise,
            None,
            &["MKT-018", "PRI-009", "PRI-016", "MKT-020", "MKT-024"],
            &["TRU-009", "INF-001"],
        ),
        (
            &["info_services"],
            Enterprise,
            Some(2),
            &["MKT-018", "PRI-015", "MKT-019", "MKT-020", "SEC-003"],
            &["SEC-005"],
        ),
        (
            &["ecommerce"],
            Enterprise,
            None,
            &["MKT-007", "MKT-021", "PRI-013"],
            &["MKT-018", "TRU-009"],
        ),
        // Payment-business licence, facility certification, reserve funds, real-name.
        (
            &["payment"],
            Enterprise,
            Some(3),
            &[
                "TRU-009", "TRU-010", "TRU-011", "TRU-012", "SEC-005", "SEC-007",
            ],
            &["SEC-006", "TRU-002"],
        ),
        (
            &["ecert"],
            Enterprise,
            None,
            &["TRU-002", "TRU-003", "TRU-004"],
            &["TRU-009"],
        ),
        (
            &["credit"],
            Enterprise,
            None,
            &["TRU-017", "TRU-018", "TRU-021"],
            &["TRU-009"],
        ),
        (
            &["egov"],
            Enterprise,
            Some(3),
            &["SEC-020", "SEC-003", "PRI-024"],
            &["MKT-001", "PRI-001"],
        ),
        (
            &["gov_classified"],
            Regulator,
            None,
            &["SEC-024", "SEC-025"],
            &["SEC-003", "MKT-001"],
        ),
        (
            &["construction"],
            Enterprise,
            None,
            &["INF-001"],
            &["MKT-018"],
        ),
        // Police inspection: yearly at level 3, half-yearly at level 4.
        (
            &["internet"],
            Regulator,
            Some(3),
            &["SEC-028"],
            &["SEC-029", "SEC-027"],
        ),
        (
            &["internet"],
            Regulator,
            Some(4),
            &["SEC-029"],
            &["SEC-028"],
        ),
        (
            &["internet"],
            Regulator,
            Some(1),
            &[],
            &["SEC-003", "SEC-027", "SEC-028", "SEC-029", "SEC-031"],
        ),
    ];
    let set = shipped();
    for (sectors, audience, level, present, absent) in cases {
        let selected = ids(&set, sectors, *audience, *level);
        for id in *present {
            assert!(
                selected.contains(&id.to_string()),
                "{sectors:?} {audience:?} L{level:?} lacks {id}"
            );
        }
        for id in *absent {
            assert!(
                !selected.contains(&id.to_string()),
                "{sectors:?} {audience:?} L{level:?} has {id}"
            );
        }
    }
}

#[test]
fn no_form_at_any_level_carries_reviewer_wording() {
    let set = shipped();
    let tera = template::tera(None).unwrap();
    let jobs = generate::every_form_job(&set);
    // 13 sectors × (no level + levels 1–5) × (the self-assessment + each authority's form).
    let enterprise = jobs
        .iter()
        .filter(|job| job.selection.audience == Audience::Enterprise)
        .count();
    assert_eq!(enterprise, set.sectors.len() * 6);
    assert!(jobs.len() > enterprise * 3, "{} forms", jobs.len());
    // Checked here with a list of the tests' own, not only through `check_forms`.
    let phrases = common::REVIEWER_PHRASES;
    for job in &jobs {
        let text = generate::markdown(&set, &tera, job, &meta()).unwrap();
        for phrase in phrases {
            assert!(
                !text.contains(phrase),
                "{}: “{phrase}” is printed",
                job.selection.file_stem()
            );
        }
    }
    assert!(generate::check_forms(&set, &tera, &meta())
        .unwrap()
        .is_empty());
}

#[test]
fn level_one_forms_carry_no_remediation_infrastructure_or_important_data_items() {
    let set = shipped();
    for sector in &set.sectors {
        for audience in Audience::ALL {
            let level1 = ids(&set, &[sector.id.as_str()], audience, Some(1));
            for rule_id in &level1 {
                let rule = set.rule(rule_id).unwrap();
                assert!(
                    !rule.title.contains("整改")
                        && !rule.obligation.contains("关键信息基础设施")
                        && !rule.obligation.starts_with("重要数据"),
                    "{} {audience:?} level 1 carries {rule_id} {}",
                    sector.id,
                    rule.title
                );
            }
        }
    }
    let telecom1 = ids(&set, &["telecom"], Audience::Enterprise, Some(1));
    for absent in ["SEC-009", "SEC-018", "SEC-019", "SEC-002", "SEC-003"] {
        assert!(!telecom1.contains(&absent.to_string()), "{absent}");
    }
    assert!(
        telecom1.contains(&"SEC-001".to_string()),
        "grading is asked at every level"
    );
}

#[test]
fn level_five_forms_carry_evaluation_self_inspection_and_expert_review() {
    let set = shipped();
    let enterprise = ids(&set, &["telecom"], Audience::Enterprise, Some(5));
    let regulator = ids(&set, &["telecom"], Audience::Regulator, Some(5));
    let special = set.rule("SEC-037").unwrap();
    assert!(special.obligation.contains("特殊安全需求") && special.levels == [5]);
    for id in ["SEC-037", "SEC-002", "SEC-003", "SEC-009", "SEC-018"] {
        assert!(
            enterprise.contains(&id.to_string()),
            "{id} missing at level 5"
        );
    }
    for id in ["SEC-037", "SEC-030"] {
        assert!(
            regulator.contains(&id.to_string()),
            "{id} missing at level 5"
        );
    }
    // The level-3 and level-4 frequencies are not asked of a level-5 system.
    for id in ["SEC-005", "SEC-006", "SEC-007", "SEC-008"] {
        assert!(!enterprise.contains(&id.to_string()), "{id} at level 5");
    }
    // Expert review from level 2 (GB/T 22240-2020), not only from level 4.
    assert!(ids(&set, &["telecom"], Audience::Enterprise, Some(2)).contains(&"SEC-002".to_string()));
    // An inspection item asks no more than its rule: no “interval” test of a yearly duty.
    for rule in &set.rules {
        for inspection in &rule.inspection {
            assert!(
                !inspection.item.contains("间隔不超过"),
                "{}: {}",
                rule.id,
                inspection.item
            );
        }
    }
}

#[test]
fn telecom_forms_ask_nothing_of_builders_or_platforms() {
    let set = shipped();
    for audience in Audience::ALL {
        let text = markdown(&set, &["telecom"], audience, None, OrgView::default());
        let body = text.split("附件").next().unwrap();
        for phrase in ["住宅建设单位", "电子商务平台经营者的", "非银行支付机构的"]
        {
            assert!(
                !body.contains(phrase),
                "telecom {audience:?} form: “{phrase}”"
            );
        }
    }
    let builder = markdown(
        &set,
        &["construction"],
        Audience::Enterprise,
        None,
        OrgView::default(),
    );
    assert!(builder.contains("本单位是否组织了光纤到户通信设施验收"));
    assert!(!builder.contains("接入公用电信网的住宅区光纤到户通信设施"));
    let telecom = markdown(
        &set,
        &["telecom"],
        Audience::Enterprise,
        None,
        OrgView::default(),
    );
    assert!(telecom.contains("接入公用电信网的住宅区光纤到户通信设施"));
    assert!(!telecom.contains("本单位是否组织了光纤到户通信设施验收"));
}

/// A classified-systems form is headed by 密级 and 测评审查, never by a protection level, even
/// when a level is asked for.
#[test]
fn classified_forms_name_no_protection_level() {
    let set = shipped();
    for audience in [Audience::Enterprise, Audience::Regulator] {
        let text = markdown(
            &set,
            &["gov_classified"],
            audience,
            Some(3),
            OrgView::default(),
        );
        let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
        assert!(!head.contains("安全保护等级"), "{head}");
        assert!(head.contains("密级") && head.contains("测评审查"), "{head}");
    }
}

/// Every regulator form `generate` can make: each sector × level × authority.
fn regulator_forms(set: &RuleSet) -> Vec<generate::Form> {
    let tera = template::tera(None).unwrap();
    generate::every_form_job(set)
        .into_iter()
        .filter(|job| job.selection.audience == Audience::Regulator)
        .map(|job| generate::form(set, &tera, &job, &meta()).unwrap())
        .collect()
}

#[test]
fn no_regulator_form_scores_a_procedural_item() {
    let set = shipped();
    let procedural: Vec<(String, String)> = set
        .rules
        .iter()
        .flat_map(|rule| {
            rule.inspection
                .iter()
                .filter(|item| item.kind == rules::InspectionKind::Procedure)
                .map(|item| (rule.id.clone(), item.item.clone()))
        })
        .collect();
    assert!(procedural.len() > 20, "{} procedures", procedural.len());
    let forms = regulator_forms(&set);
    let mut reminders = 0;
    for form in &forms {
        let view = &form.view;
        let stem = format!(
            "{}-{}",
            view.sector_names,
            view.authority.as_ref().unwrap().id
        );
        // Rows come from checkable items only, and every row has its boxes.
        for item in view.sections.iter().flat_map(|s| s.items.iter()) {
            assert!(
                !item.inspection.is_empty(),
                "{stem}: {} has no row",
                item.id
            );
            for check in &item.inspection {
                assert_eq!(
                    check.kind,
                    rules::InspectionKind::Check,
                    "{stem}: {}",
                    item.id
                );
            }
        }
        let boxes = form.markdown.matches("☐部分符合").count();
        assert_eq!(
            boxes, view.row_count,
            "{stem}: rows and counted rows differ"
        );
        // A procedure is never a row with result boxes; it is under 检查程序提示.
        for line in form.markdown.lines().filter(|l| l.contains("☐符合")) {
            for (id, text) in &procedural {
                assert!(
                    !line.contains(text.as_str()),
                    "{stem}: {id} is scored: {line}"
                );
            }
        }
        for procedure in &view.procedures {
            let reminder = form.markdown.find("## 检查程序提示").unwrap();
            let conclusion = form.markdown.find("## 检查结论").unwrap();
            for item in &procedure.items {
                let at = form.markdown.find(item.as_str()).unwrap();
                assert!(reminder < at && at < conclusion, "{stem}: {item}");
                reminders += 1;
            }
        }
    }
    assert!(
        reminders > 50,
        "{reminders} reminders on {} forms",
        forms.len()
    );
}

#[test]
fn no_regulator_form_names_a_policy_document_as_its_legal_basis() {
    let set = shipped();
    let seeds = checkgen::seeds::Seeds::embedded();
    let policy: Vec<String> = seeds
        .docs
        .iter()
        .flat_map(|doc| [doc.info.title.clone(), doc.info.short.clone()])
        .chain(
            set.instruments
                .instruments
                .iter()
                .filter(|i| matches!(i.kind, rules::Kind::Normative | rules::Kind::Standard))
                .map(|i| i.title.clone()),
        )
        .collect();
    for form in regulator_forms(&set) {
        let md = &form.markdown;
        let start = md.find("## 检查依据").unwrap();
        let end = start + md[start..].find("## 检查事项").unwrap();
        // The numbered list of laws, administrative regulations and rules; the standards and the
        // policy background follow, each said not to be a basis.
        let basis: String = md[start..end]
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(!basis.is_empty(), "{}", &md[start..end]);
        for line in basis.lines() {
            assert!(
                line.ends_with("（法律）")
                    || line.ends_with("（行政法规）")
                    || line.ends_with("（部门规章）"),
                "{line}"
            );
        }
        for name in &policy {
            assert!(
                !basis.contains(name.as_str()),
                "{name} in 检查依据:\n{basis}"
            );
        }
        assert!(md[start..end].contains("是有关工作的政策背景，不作为检查依据"));
        for instrument in &form.view.legal_basis {
            let kind = set.instruments.get(&instrument.id).unwrap().kind;
            assert!(
                matches!(
                    kind,
                    rules::Kind::Law | rules::Kind::Regulation | rules::Kind::Rule
                ),
                "{}",
                instrument.id
            );
        }
        // Nor does the 依据 column of a row cite a seed.
        for item in form.view.sections.iter().flat_map(|s| s.items.iter()) {
            for doc in &seeds.docs {
                assert!(
                    !item.legal_basis.contains(doc.info.short.as_str()),
                    "{}",
                    item.id
                );
            }
        }
    }
}

/// The self-assessment of the profile `checkgen profile init` writes (a telecom operator with a
/// level-3 and a level-2 system, not critical infrastructure, no important data).
fn profiled_form(set: &RuleSet, audience: Audience, authority: Option<&str>) -> generate::Form {
    let profile =
        checkgen::profile::parse("profile.yaml", checkgen::profile::TEMPLATE, set).unwrap();
    let selection = Selection::new(set, &profile.sectors, audience, None).unwrap();
    let selection = match authority {
        Some(id) => selection.with_authority(set, id).unwrap(),
        None => selection,
    };
    let org = OrgView {
        name: profile.name.clone().unwrap(),
        credit_code: profile.credit_code.clone().unwrap(),
        ..OrgView::default()
    };
    let job = Job::new(selection.with_profile(profile).unwrap(), org);
    generate::form(set, &template::tera(None).unwrap(), &job, &meta()).unwrap()
}

#[test]
fn golden_profiled_self_assessment_telecom() {
    let set = shipped();
    insta::assert_snapshot!(profiled_form(&set, Audience::Enterprise, None).markdown);
}

#[test]
fn a_profile_fits_the_form_to_the_enterprise() {
    let set = shipped();
    let form = profiled_form(&set, Audience::Enterprise, None);
    let view = &form.view;
    let on_form: Vec<&str> = view
        .sections
        .iter()
        .flat_map(|s| s.items.iter().map(|i| i.id.as_str()))
        .collect();
    let excluded: Vec<&str> = view.excluded.iter().map(|e| e.id.as_str()).collect();
    // Not critical infrastructure, no important data: those items are left out, with why.
    for id in ["SEC-018", "SEC-038", "SEC-040", "SEC-019"] {
        assert!(!on_form.contains(&id) && excluded.contains(&id), "{id}");
    }
    let reason = |id: &str| &view.excluded.iter().find(|e| e.id == id).unwrap().reason;
    assert_eq!(reason("SEC-018"), "本单位不是关键信息基础设施运营者");
    assert_eq!(reason("SEC-019"), "本单位不处理重要数据");
    // A level-3 and a level-2 system: the yearly (level 3) items are asked and name the
    // level-3 system; the half-yearly (level 4) ones are out.
    let item = |id: &str| {
        view.sections
            .iter()
            .flat_map(|s| s.items.iter())
            .find(|i| i.id == id)
            .unwrap()
    };
    assert_eq!(item("SEC-005").systems_label, "网上营业厅（第三级）");
    assert_eq!(
        item("SEC-003").systems_label,
        "网上营业厅（第三级）、办公自动化系统（第二级）"
    );
    assert!(item("SEC-001").systems_label.is_empty());
    assert!(excluded.contains(&"SEC-006") && reason("SEC-006").contains("没有第四级信息系统"));
    // Every rule of the sector is either on the form or in the appendix, never both.
    let unprofiled = ids(&set, &["telecom"], Audience::Enterprise, None);
    for id in &unprofiled {
        assert!(
            on_form.contains(&id.as_str()) != excluded.contains(&id.as_str()),
            "{id}"
        );
    }
    assert_eq!(on_form.len() + excluded.len(), unprofiled.len());
    // The header lists the systems; the appendix lists what was left out.
    let md = &form.markdown;
    assert!(md.contains(
        "网上营业厅：第三级，备案证明编号 37060013001-00001，最近一次等级测评 2026-05-10"
    ));
    assert!(md.contains("## 不适用项目及理由"));
    assert!(md.contains("| SEC-019 | 重要数据年度风险评估 | 本单位不处理重要数据 |"));
    // The inspection form of the same enterprise leaves the same items out.
    let inspection = profiled_form(&set, Audience::Regulator, Some("public_security"));
    let excluded: Vec<&str> = inspection
        .view
        .excluded
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert!(excluded.contains(&"SEC-018") && !excluded.contains(&"SEC-019"));
    assert!(inspection
        .markdown
        .contains("适用系统：网上营业厅（第三级）"));
}

#[test]
fn custom_templates_see_the_authority_the_profile_and_the_procedures() {
    let set = shipped();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("regulator.md"),
        "{{ view.authority.name }}|{% for s in view.profile.systems %}{{ s.name }}{{ s.level_label }};{% endfor %}\
         |{% for e in view.excluded %}{{ e.id }};{% endfor %}|{{ view.procedures | length }}\
         |{% for i in view.legal_basis %}{{ i.kind }};{% endfor %}\
         |{% for s in view.sections %}{% for i in s.items %}{% if i.systems_label %}{{ i.id }}={{ i.systems_label }};{% endif %}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let tera = template::tera(Some(dir.path())).unwrap();
    let profile =
        checkgen::profile::parse("profile.yaml", checkgen::profile::TEMPLATE, &set).unwrap();
    let selection = Selection::new(&set, &profile.sectors, Audience::Regulator, None)
        .unwrap()
        .with_authority(&set, "public_security")
        .unwrap()
        .with_profile(profile)
        .unwrap();
    let job = Job::new(selection, OrgView::default());
    let text = generate::markdown(&set, &tera, &job, &meta()).unwrap();
    let fields: Vec<&str> = text.trim_end().split('|').collect();
    assert_eq!(fields[0], "公安机关网安部门");
    assert_eq!(fields[1], "网上营业厅第三级;办公自动化系统第二级;");
    assert!(
        fields[2].contains("SEC-018;") && fields[2].contains("SEC-006;"),
        "{text}"
    );
    assert!(fields[3].parse::<usize>().unwrap() > 0, "{text}");
    assert!(
        !fields[4].contains("normative") && fields[4].contains("law;"),
        "{text}"
    );
    assert!(
        fields[5].contains("SEC-005=网上营业厅（第三级）;"),
        "{text}"
    );
}
