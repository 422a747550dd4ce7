//! `checkgen issue` and `checkgen manifest merge`: rosters as offices have them, bad rows
//! reported beside the good ones, the register, reproducibility and shards.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use checkgen::credit_code;
use common::{checkgen_in, code, external, stderr};
use sha2::{Digest, Sha256};

/// A valid synthetic 统一社会信用代码: `91370600MA` + 7 digits of `n` + its check character.
fn code_for(n: u32) -> String {
    let prefix = format!("91370600MA{n:07}");
    let values = credit_code::values(&prefix).expect("digits and capitals of the code's set");
    format!("{prefix}{}", credit_code::check_character(&values))
}

/// A valid code with its check character changed.
fn bad_check(n: u32) -> String {
    let good = code_for(n);
    let wrong = if good.ends_with('0') { '1' } else { '0' };
    format!("{}{wrong}", &good[..17])
}

fn issue(dir: &Path, roster: &str, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "issue",
        "--roster",
        roster,
        "--out",
        out,
        "--audience",
        "enterprise",
        "--date",
        "2026-12-01",
    ];
    args.extend_from_slice(extra);
    checkgen_in(dir, &args)
}

/// Every file of a directory, by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn manifest(dir: &Path, name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .expect("registers start with a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn bad_rows_are_reported_and_every_good_row_is_issued() {
    let dir = tempfile::tempdir().unwrap();
    let roster = format!(
        "单位名称,统一社会信用代码,所属行业,系统等级,地址,备注\n\
         烟台/某某..通信|有限公司,{},telecom,3,芝罘区,甲\n\
         坏校验码公司,{},telecom,3,,\n\
         小写代码公司,{},telecom,,,\n\
         \n\
         未知行业公司,{},telcom,,,\n\
         重复代码公司,{},电子商务,2,,\n\
         \"名称带\"\"引号\"\"\n和换行\",{},电子商务、telecom,第二级,,乙\n\
         ,,,,,\n\
         等级错误公司,{},telecom,6,,\n\
         ..,{},telecom,,,\n",
        code_for(1),
        bad_check(2),
        code_for(3).to_lowercase(),
        code_for(4),
        code_for(1),
        code_for(6),
        code_for(7),
        code_for(8),
    );
    std::fs::write(dir.path().join("r.csv"), roster).unwrap();
    let output = issue(dir.path(), "r.csv", "out", &["--format", "md"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("r.csv: row 3, column 统一社会信用代码"),
        "{err}"
    );
    let out = dir.path().join("out");
    let errors = csv_rows(&std::fs::read(out.join("errors.csv")).unwrap());
    let by_row: Vec<(&str, &str)> = errors[1..]
        .iter()
        .map(|e| (e[0].as_str(), e[1].as_str()))
        .collect();
    assert_eq!(
        by_row,
        [
            ("3", "统一社会信用代码"),
            ("4", "统一社会信用代码"),
            ("6", "所属行业"),
            ("7", "统一社会信用代码"),
            ("11", "系统等级"),
        ],
        "{errors:?}"
    );
    assert!(errors[2][2].contains("lower-case"), "{errors:?}");
    assert!(errors[4][2].contains("duplicate") && errors[4][2].contains("row 2"));
    assert!(errors[3][2].contains("did you mean `telecom`"));
    let json = manifest(&out, "manifest.json");
    assert_eq!(json["schema_version"], 2);
    let register = &json["manifest"];
    assert_eq!(register["campaign"]["roster"]["blank"], 2);
    assert_eq!(register["campaign"]["roster"]["rows"], 8);
    let forms = register["forms"].as_array().unwrap();
    let numbers: Vec<&str> = forms
        .iter()
        .map(|f| f["number"].as_str().unwrap())
        .collect();
    // Numbers follow the rows' places in the roster, whether or not others failed.
    assert_eq!(
        numbers,
        [
            "2026-telecom-00001",
            "2026-ecommerce+telecom-00006",
            "2026-telecom-00008"
        ]
    );
    let names: Vec<&str> = forms
        .iter()
        .map(|f| f["files"][0]["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "2026-telecom-00001-烟台_某某.通信_有限公司.md",
            "2026-ecommerce+telecom-00006-名称带_引号_ 和换行.md",
            "2026-telecom-00008.md",
        ]
    );
    for name in names {
        assert!(out.join(name).is_file(), "{name}");
    }
    let first =
        std::fs::read_to_string(out.join(forms[0]["files"][0]["file"].as_str().unwrap())).unwrap();
    assert!(first.starts_with("<!-- checkgen-footer: 编号：2026-telecom-00001 -->"));
    assert!(
        first.contains("| 单位名称 | 烟台/某某..通信\\|有限公司 |"),
        "{first}"
    );
    assert!(first.contains("| 单位地址 | 芝罘区 |"));
    // A directory with a campaign is refused, and nothing in it changes.
    let before = files(&out);
    let again = issue(dir.path(), "r.csv", "out", &["--format", "md"]);
    assert_eq!(code(&again), 2, "{}", stderr(&again));
    assert!(stderr(&again).contains("--force"));
    assert_eq!(files(&out), before);
}

#[test]
fn gbk_bom_and_xlsx_rosters_give_the_same_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("烟台某某通信有限公司", code_for(11), "基础电信业务", "3"),
        (
            "龙口堃喆电子商务有限公司",
            code_for(12),
            "ecommerce",
            "第二级",
        ),
    ];
    let mut csv = String::from("name,credit_code,sector,level\r\n");
    for (name, code, sector, level) in &rows {
        csv.push_str(&format!("{name},{code},{sector},{level}\r\n"));
    }
    std::fs::write(dir.path().join("plain.csv"), &csv).unwrap();
    std::fs::write(dir.path().join("bom.csv"), format!("\u{feff}{csv}")).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    std::fs::write(dir.path().join("gbk.csv"), &gbk).unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in ["单位名称", "统一社会信用代码", "所属行业", "系统等级"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    for (i, (name, code, sector, level)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, *name).unwrap();
        sheet.write_string(row, 1, code).unwrap();
        sheet.write_string(row, 2, *sector).unwrap();
        match level.parse::<f64>() {
            // A level typed as a number is stored as 3.0.
            Ok(number) => sheet.write_number(row, 3, number).unwrap(),
            Err(_) => sheet.write_string(row, 3, *level).unwrap(),
        };
    }
    workbook
        .save(dir.path().join("roster.xlsx"))
        .expect("the test workbook is written");
    let mut campaigns = Vec::new();
    for roster in ["plain.csv", "bom.csv", "gbk.csv", "roster.xlsx"] {
        let out = format!("out-{roster}");
        let output = issue(dir.path(), roster, &out, &["--format", "md"]);
        assert_eq!(code(&output), 0, "{roster}: {}", stderr(&output));
        let register = manifest(&dir.path().join(&out), "manifest.json");
        campaigns.push((roster, register["manifest"]["forms"].clone()));
    }
    let forms = campaigns[0].1.as_array().unwrap();
    assert_eq!(forms[1]["name"], "龙口堃喆电子商务有限公司");
    assert_eq!(forms[1]["sector"], "ecommerce");
    assert_eq!(forms[0]["level"], 3);
    for (roster, other) in &campaigns[1..] {
        assert_eq!(other, &campaigns[0].1, "{roster}");
    }
    let output = issue(
        dir.path(),
        "gbk.csv",
        "out-forced",
        &["--format", "md", "--encoding", "utf-8"],
    );
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("not valid UTF-8"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_header_that_names_nothing_known_is_an_error_listing_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.csv"), "公司,代码\nA,B\n").unwrap();
    let output = issue(dir.path(), "r.csv", "out", &[]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    assert!(err.contains("roster r.csv names no known column"), "{err}");
    assert!(err.contains("统一社会信用代码/credit_code"), "{err}");
    assert!(!dir.path().join("out").exists());
}

/// The roster of the reproducibility and shard tests: five enterprises, two sectors.
fn five_rows(dir: &Path) {
    let mut csv = String::from("单位名称,统一社会信用代码,所属行业,系统等级\n");
    for n in 1..=5u32 {
        let sector = if n % 2 == 0 { "telecom" } else { "payment" };
        csv.push_str(&format!("测试企业{n}号,{},{sector},3\n", code_for(100 + n)));
    }
    std::fs::write(dir.join("r.csv"), csv).unwrap();
}

#[test]
fn register_hashes_match_the_files_and_a_second_run_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    five_rows(dir.path());
    let options = ["--appendix", "separate", "--issuer", "烟台市通信管理局"];
    let output = issue(dir.path(), "r.csv", "a", &options);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = issue(dir.path(), "r.csv", "b", &options);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let (a, b) = (files(&dir.path().join("a")), files(&dir.path().join("b")));
    assert_eq!(a, b, "two runs wrote different bytes");
    let register = manifest(&dir.path().join("a"), "manifest.json");
    let register = &register["manifest"];
    let mut listed = 0;
    for record in register["forms"]
        .as_array()
        .unwrap()
        .iter()
        .chain(register["appendices"].as_array().unwrap())
    {
        for file in record["files"].as_array().unwrap() {
            let bytes = &a[file["file"].as_str().unwrap()];
            let hash: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(file["sha256"].as_str().unwrap(), hash);
            assert_eq!(file["bytes"].as_u64().unwrap(), bytes.len() as u64);
            listed += 1;
        }
    }
    // Five forms and two appendices (payment, telecom), each .md and .pdf, and the register.
    assert_eq!(listed, 14);
    assert_eq!(a.len(), 14 + 3, "{:?}", a.keys().collect::<Vec<_>>());
    // The number is on every page of every PDF; the form names its appendix, which is not in it.
    for record in register["forms"].as_array().unwrap() {
        let number = record["number"].as_str().unwrap();
        let pdf = record["files"][1]["file"].as_str().unwrap();
        let text = external(
            "pdftotext",
            &[dir.path().join("a").join(pdf).to_str().unwrap(), "-"],
        );
        let text = String::from_utf8_lossy(&text.stdout).into_owned();
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.len() > 3);
        for (i, page) in pages.iter().enumerate() {
            assert!(
                page.contains(&format!("编号：{number}")),
                "{pdf} page {}: {page}",
                i + 1
            );
        }
        assert!(!text.contains("附件：条款依据\n"), "{pdf}");
        assert!(text.contains("附件-"), "{pdf}");
    }
    // manifest.csv lists the same files, after a byte-order mark.
    let rows = csv_rows(&a["manifest.csv"]);
    assert_eq!(rows.len(), 1 + 5 + 2);
    assert_eq!(rows[0][0], "编号");
}

#[test]
fn two_shards_merged_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    five_rows(dir.path());
    let options = ["--appendix", "separate", "--format", "md,pdf"];
    let whole = issue(dir.path(), "r.csv", "whole", &options);
    assert_eq!(code(&whole), 0, "{}", stderr(&whole));
    for shard in ["1/2", "2/2"] {
        let mut args = options.to_vec();
        args.extend(["--shard", shard, "--jobs", "1"]);
        let output = issue(dir.path(), "r.csv", "sharded", &args);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
    }
    let merge = checkgen_in(
        dir.path(),
        &[
            "manifest",
            "merge",
            "sharded/manifest.shard-2-of-2.json",
            "sharded/manifest.shard-1-of-2.json",
            "-o",
            "sharded",
        ],
    );
    assert_eq!(code(&merge), 0, "{}", stderr(&merge));
    let whole = files(&dir.path().join("whole"));
    let mut sharded = files(&dir.path().join("sharded"));
    sharded.retain(|name, _| !name.contains(".shard-"));
    assert_eq!(
        whole.keys().collect::<Vec<_>>(),
        sharded.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &whole {
        assert!(bytes == &sharded[name], "{name} differs");
    }
    let missing = checkgen_in(
        dir.path(),
        &[
            "manifest",
            "merge",
            "sharded/manifest.shard-1-of-2.json",
            "-o",
            "elsewhere",
        ],
    );
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("shard 2/2 is missing"));
}

#[test]
fn an_xlsx_roster_on_another_sheet_is_read_with_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("说明").unwrap();
    notes.write_string(0, 0, "本表为检查名单").unwrap();
    let roster = workbook.add_worksheet();
    roster.set_name("名单").unwrap();
    for (column, header) in ["单位名称", "统一社会信用代码"].iter().enumerate() {
        roster.write_string(0, column as u16, *header).unwrap();
    }
    roster.write_string(1, 0, "烟台某某支付有限公司").unwrap();
    roster.write_string(1, 1, code_for(21)).unwrap();
    workbook.save(dir.path().join("r.xlsx")).unwrap();
    let first = issue(
        dir.path(),
        "r.xlsx",
        "a",
        &["--format", "md", "--sector", "payment"],
    );
    assert_eq!(code(&first), 1);
    assert!(
        stderr(&first).contains("names no known column"),
        "{}",
        stderr(&first)
    );
    let unknown = issue(
        dir.path(),
        "r.xlsx",
        "b",
        &["--sheet", "表1", "--sector", "payment"],
    );
    assert_eq!(code(&unknown), 1);
    assert!(
        stderr(&unknown).contains("its sheets are: 说明, 名单"),
        "{}",
        stderr(&unknown)
    );
    let output = issue(
        dir.path(),
        "r.xlsx",
        "c",
        &["--format", "md", "--sheet", "名单", "--sector", "payment"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(dir
        .path()
        .join("c/2026-payment-00001-烟台某某支付有限公司.md")
        .is_file());
}

#[test]
fn inspection_forms_are_issued_for_one_authority_where_it_has_power() {
    let dir = tempfile::tempdir().unwrap();
    five_rows(dir.path());
    let args = [
        "issue",
        "--roster",
        "r.csv",
        "--out",
        "out",
        "--audience",
        "regulator",
        "--date",
        "2026-12-01",
        "--format",
        "md",
    ];
    // A regulator campaign names its authority.
    let output = checkgen_in(dir.path(), &args);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("--authority is required"));
    // 中国人民银行 inspects the payment institutions (rows 1, 3, 5), not the telecom operators.
    let output = checkgen_in(dir.path(), &[&args[..], &["--authority", "pboc"]].concat());
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let out = dir.path().join("out");
    let register = manifest(&out, "manifest.json");
    let forms = register["manifest"]["forms"].as_array().unwrap();
    assert_eq!(forms.len(), 3, "{register}");
    for form in forms {
        assert_eq!(form["sector"], "payment");
        let file = form["files"][0]["file"].as_str().unwrap();
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(text.contains("**检查机关类别**：中国人民银行"), "{file}");
        assert!(text.contains("支付业务许可"), "{file}");
    }
    let errors = register["manifest"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{register}");
    for error in errors {
        let reason = error["reason"].as_str().unwrap();
        assert!(
            reason.contains("authority `pboc` inspects nothing in telecom"),
            "{reason}"
        );
    }
}

#[test]
fn without_an_appendix_no_form_mentions_one() {
    let dir = tempfile::tempdir().unwrap();
    five_rows(dir.path());
    let audiences: [&[&str]; 2] = [
        &["enterprise"],
        &["regulator", "--authority", "public_security"],
    ];
    for audience in audiences {
        let out = format!("out-{}", audience[0]);
        let mut args = vec![
            "issue",
            "--roster",
            "r.csv",
            "--out",
            &out,
            "--date",
            "2026-12-01",
        ];
        args.extend_from_slice(&["--appendix", "none", "--format", "md", "--audience"]);
        args.extend_from_slice(audience);
        let output = checkgen_in(dir.path(), &args);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let forms = files(&dir.path().join(&out));
        let markdown: Vec<_> = forms
            .iter()
            .filter(|(name, _)| name.ends_with(".md"))
            .collect();
        assert_eq!(markdown.len(), 5);
        for (name, bytes) in markdown {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                !text.contains("附件"),
                "{name} mentions an appendix it does not have"
            );
            assert!(text.contains("政策"), "{name}");
        }
    }
}

#[test]
fn issued_forms_laid_out_one_after_another_equal_each_laid_out_alone() {
    use checkgen::fonts::FontSet;
    use checkgen::layout::{layout, LayoutOptions, Reuse};
    let dir = tempfile::tempdir().unwrap();
    // Two sectors taking turns, and names that fill one line, two, or three.
    let mut csv = String::from("单位名称,统一社会信用代码,所属行业,系统等级\n");
    for n in 1..=9u32 {
        let sector = if n % 2 == 0 { "telecom" } else { "payment" };
        let name = "烟台市芝罘区某某网络科技有限公司".repeat(1 + (n as usize % 4) * 2);
        csv.push_str(&format!("{name}{n},{},{sector},3\n", code_for(200 + n)));
    }
    std::fs::write(dir.path().join("r.csv"), csv).unwrap();
    let output = issue(
        dir.path(),
        "r.csv",
        "out",
        &["--appendix", "separate", "--format", "md"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let forms: Vec<String> = files(&dir.path().join("out"))
        .into_iter()
        .filter(|(name, _)| name.ends_with(".md") && !name.starts_with("附件"))
        .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
        .collect();
    assert_eq!(forms.len(), 9);
    let fonts = FontSet::get().unwrap();
    let options = |reuse| LayoutOptions {
        reuse,
        ..LayoutOptions::default()
    };
    // Twice over, so that every form meets kept work from forms of its sector before it.
    for markdown in forms.iter().chain(&forms) {
        let kept = layout(fonts, markdown, &options(Reuse::Thread));
        let alone = layout(fonts, markdown, &options(Reuse::Document));
        assert_eq!(kept.pages, alone.pages);
        assert_eq!(kept.outline, alone.outline);
        assert_eq!(kept.warnings, alone.warnings);
        assert_eq!(kept.structure, alone.structure);
        assert!(kept.pages.len() > 3);
    }
}
