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
    let job = Job {
        selection: Selection::new(set, &sectors, audience, level).unwrap(),
        org,
    };
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
