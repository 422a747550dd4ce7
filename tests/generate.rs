//! Selection and Markdown output on the shipped rules: what a form contains, what it omits,
//! and the exact Markdown of one form per audience (golden files under tests/snapshots/;
//! refresh with `INSTA_UPDATE=always cargo test`, then read the diff).

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
    let md = markdown(
        &set,
        &["payment"],
        Audience::Regulator,
        Some(3),
        OrgView::default(),
    );
    let count = ids(&set, &["payment"], Audience::Regulator, Some(3)).len();
    for no in 1..=count {
        assert_eq!(table_row(&md, &no.to_string()).len(), 7, "item {no}");
    }
    assert!(table_row(&md, &(count + 1).to_string()).is_empty());
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
fn golden_regulator_ecommerce() {
    let set = shipped();
    insta::assert_snapshot!(markdown(
        &set,
        &["ecommerce"],
        Audience::Regulator,
        None,
        OrgView::default()
    ));
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
