//! The command line as a user meets it: exit codes, error messages, files written.

mod common;

use common::{checkgen, checkgen_in, code, stderr, stdout};

#[test]
fn validate_passes_on_the_shipped_rules() {
    let output = checkgen(&["validate"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).starts_with("ok: "));
    assert!(stderr(&output).is_empty());
}

#[test]
fn validate_reports_every_fault_with_its_position() {
    let output = checkgen(&["validate", "--rules", "tests/fixtures/rules/broken"]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    let file = "tests/fixtures/rules/broken/security.yaml";
    assert!(
        err.contains(&format!("{file}:31:24: TST-002: unknown sector `telcom`")),
        "{err}"
    );
    assert!(err.contains("did you mean `telecom`?"), "{err}");
    assert!(
        err.contains(&format!(
            "{file}:37:16: TST-002: quote not found verbatim in yantai-2014 item 29"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:42:9: duplicate rule id `TST-001`, first defined at {file}:7:9"
        )),
        "{err}"
    );
    assert!(
        err.contains("tests/fixtures/rules/broken/syntax.yaml:6:1: "),
        "{err}"
    );
    assert!(err.contains("error: 4 problems found"), "{err}");
}

#[test]
fn validate_reports_stale_citations_with_their_positions() {
    let output = checkgen(&["validate", "--rules", "tests/fixtures/rules/stale"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let err = stderr(&output);
    let file = "tests/fixtures/rules/stale/market.yaml";
    for expected in [
        format!("{file}:17:21: STL-001: cites `aucl-2019`, a superseded version of"),
        format!("{file}:20:18: STL-001: 中华人民共和国个人信息保护法 has no 第九十九条"),
        format!("{file}:23:18: STL-001: excerpt not found in 中华人民共和国电子商务法 第四十条"),
    ] {
        assert!(err.contains(&expected), "missing `{expected}` in:\n{err}");
    }
    assert!(err.contains("cite the version in force, `aucl`"), "{err}");
    assert!(err.contains("error: 3 problems found"), "{err}");
}

#[test]
fn instruments_lists_status_and_citing_rules() {
    let output = checkgen(&["instruments", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let rows = &json["instruments"];
    let row = |id: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no instrument {id}"))
            .clone()
    };
    assert_eq!(row("aucl-2019")["status"], "superseded");
    assert_eq!(row("aucl-2019")["rules"], 0);
    assert_eq!(row("pay-measures-2010")["status"], "repealed");
    assert_eq!(row("csl")["status"], "in_force");
    assert!(row("csl")["rules"].as_u64().unwrap() > 10);

    let output = checkgen(&["rules", "--instrument", "secrets", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let rules = json["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        let reference = rule["references"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["instrument_id"] == "secrets")
            .expect("every listed rule cites the instrument");
        assert_eq!(
            reference["instrument"],
            "中华人民共和国保守国家秘密法（2024年修订）"
        );
        assert_eq!(reference["text"], "secrets");
    }
    let output = checkgen(&["rules", "--instrument", "nosuch"]);
    assert_eq!(code(&output), 2);
}

#[test]
fn validate_survives_garbage_files() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [&[u8]; 6] = [
        b"",
        b"\xff\xfe\x00garbage\x80",
        b"- just\n- a list\n",
        b"domain: x\nname: y\nrules: 7\n",
        b"domain: x\nname: y\nrules:\n  - 42\n  - id: [1, 2]\n",
        b"sectors: {id: 1}\n",
    ];
    for (index, bytes) in cases.iter().enumerate() {
        std::fs::write(dir.path().join(format!("case{index}.yaml")), bytes).unwrap();
    }
    std::fs::write(
        dir.path().join("not-checkable.yaml"),
        "entries:\n  - doc: nowhere\n    item: 0\n    sentences: some\n    reason: ''\n",
    )
    .unwrap();
    let output = checkgen(&["validate", "--rules", dir.path().to_str().unwrap()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let err = stderr(&output);
    for index in 0..6 {
        assert!(
            err.contains(&format!("case{index}.yaml:")),
            "case {index} not reported: {err}"
        );
    }
    assert!(err.contains("unknown seed document `nowhere`"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn rule_packs_add_rules_over_the_defaults() {
    let output = checkgen(&[
        "rules",
        "--rules",
        "tests/fixtures/rules/pack",
        "--sector",
        "telecom",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let rules: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(rules["schema_version"], 2);
    let ids: Vec<&str> = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"LOC-001"));
    assert!(ids.len() > 10, "defaults are kept: {ids:?}");
}

#[test]
fn unknown_sector_is_a_usage_error_with_a_suggestion() {
    let output = checkgen(&[
        "generate",
        "--sector",
        "telcom",
        "--audience",
        "enterprise",
        "--out",
        "/nonexistent",
    ]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("unknown sector `telcom`"), "{err}");
    assert!(err.contains("did you mean `telecom`?"), "{err}");
}

#[test]
fn bad_level_is_a_usage_error() {
    for level in ["0", "6", "three"] {
        let output = checkgen(&[
            "generate",
            "--sector",
            "telecom",
            "--audience",
            "enterprise",
            "--level",
            level,
        ]);
        assert_eq!(code(&output), 2, "level {level}");
        assert!(stderr(&output).contains("--level"), "{}", stderr(&output));
    }
}

#[test]
fn missing_rules_dir_names_the_directory() {
    let output = checkgen(&["validate", "--rules", "no/such/dir"]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    assert!(err.contains("cannot read no/such/dir"), "{err}");
    assert!(err.contains("check that the path exists"), "{err}");
}

#[test]
fn invalid_credit_code_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let output = checkgen_in(
        dir.path(),
        &[
            "generate",
            "--sector",
            "telecom",
            "--audience",
            "regulator",
            "--authority",
            "public_security",
            "--credit-code",
            "91350100M000100Y44",
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("check character is `4` but should be `3`"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn generate_all_writes_one_form_per_sector_and_authority_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let output = checkgen_in(dir.path(), &["generate", "--all", "--format", "md"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let read = |name: String| {
        let path = dir.path().join("out").join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} missing", path.display()));
        assert!(
            text.lines().any(|l| l.starts_with("# ")),
            "{}",
            path.display()
        );
        text
    };
    let sectors = checkgen(&["sectors", "--format", "json"]);
    let sectors: serde_json::Value = serde_json::from_str(&stdout(&sectors)).unwrap();
    assert_eq!(sectors["schema_version"], 2);
    for sector in sectors["sectors"].as_array().unwrap() {
        read(format!("{}-enterprise.md", sector["id"].as_str().unwrap()));
    }
    // `checkgen authorities` lists the (sector, authority) pairs; each has its form, named by
    // its authority, and no other regulator form is written.
    let authorities = checkgen(&["authorities", "--format", "json"]);
    assert_eq!(code(&authorities), 0, "{}", stderr(&authorities));
    let authorities: serde_json::Value = serde_json::from_str(&stdout(&authorities)).unwrap();
    let mut pairs = 0;
    for authority in authorities["authorities"].as_array().unwrap() {
        let name = authority["name"].as_str().unwrap();
        for form in authority["forms"].as_array().unwrap() {
            let file = format!(
                "{}-regulator-{}.md",
                form["sector"].as_str().unwrap(),
                authority["id"].as_str().unwrap()
            );
            let text = read(file.clone());
            assert!(
                text.contains(&format!("**检查机关类别**：{name}")),
                "{file}"
            );
            let rows = form["rows"].as_u64().unwrap();
            assert!(
                text.contains(&format!("共 {rows} 行")),
                "{file}: {rows} rows"
            );
            pairs += 1;
        }
    }
    let regulator_files = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().contains("-regulator-")
        })
        .count();
    assert_eq!(regulator_files, pairs);
    assert!(pairs > 40, "{pairs} regulator forms");
}

#[test]
fn a_regulator_form_needs_a_competent_authority() {
    let output = checkgen(&["generate", "--sector", "telecom", "--audience", "regulator"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("--authority is required"), "{err}");
    assert!(
        err.contains("public_security") && err.contains("comms_admin"),
        "{err}"
    );
    assert!(!err.contains("housing"), "{err}");
    for (authority, message) in [
        ("housing", "authority `housing` inspects nothing in telecom"),
        ("cyber", "unknown authority `cyber`"),
    ] {
        let args = ["generate", "--sector", "telecom", "--audience", "regulator"];
        let output = checkgen(&[&args[..], &["--authority", authority]].concat());
        assert_eq!(code(&output), 2);
        assert!(stderr(&output).contains(message), "{}", stderr(&output));
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&checkgen(&["generate"])), 2);
    assert_eq!(
        code(&checkgen(&["generate", "--all", "--sector", "telecom"])),
        2
    );
    assert_eq!(code(&checkgen(&["frobnicate"])), 2);
}

#[test]
fn data_goes_to_stdout_and_messages_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["generate", "--sector", "egov", "--audience", "enterprise"];
    let output = checkgen_in(dir.path(), &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("wrote out/egov-enterprise.pdf"),
        "{}",
        stderr(&output)
    );

    let quiet = checkgen_in(
        dir.path(),
        &[
            "--quiet",
            "generate",
            "--sector",
            "egov",
            "--audience",
            "enterprise",
        ],
    );
    assert_eq!(code(&quiet), 0);
    assert!(
        quiet.stdout.is_empty() && quiet.stderr.is_empty(),
        "{}",
        stderr(&quiet)
    );

    let verbose = checkgen_in(dir.path(), &[&args[..], &["--verbose"]].concat());
    assert!(
        stderr(&verbose).contains("forms in"),
        "{}",
        stderr(&verbose)
    );

    let trace = checkgen(&["trace", "--format", "json", "-q"]);
    assert!(trace.stderr.is_empty(), "{}", stderr(&trace));
    let json: serde_json::Value = serde_json::from_str(&stdout(&trace)).unwrap();
    assert_eq!(json["schema_version"], 2);
    assert!(json["documents"].as_array().is_some_and(|d| d.len() == 2));
}

#[test]
fn render_takes_no_rules_option() {
    let output = checkgen(&["render", "README.md", "--rules", "rules"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("unexpected argument '--rules'"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn strict_render_fails_on_markdown_it_cannot_lay_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "# 标题\n\n正文。\n\n<div>块</div>\n\n![图](http://example.org/a.png)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        "# 标题\n\n正文，`代码`，~~删除~~[^1]。\n\n[^1]: 注。\n",
    )
    .unwrap();
    let lenient = checkgen_in(dir.path(), &["render", "a.md"]);
    assert_eq!(code(&lenient), 0, "{}", stderr(&lenient));
    let warning = "a.md: not laid out: raw HTML (shown as text) at line 5; \
                   image http://example.org/a.png (an address, not a local file: nothing is \
                   fetched; its alternative text is shown) at line 7";
    assert!(stderr(&lenient).contains(warning), "{}", stderr(&lenient));
    let strict = checkgen_in(
        dir.path(),
        &["render", "a.md", "-o", "strict.pdf", "--strict"],
    );
    assert_eq!(code(&strict), 1);
    assert!(stderr(&strict).contains(warning), "{}", stderr(&strict));
    assert!(
        stderr(&strict).contains("not laid out (--strict)"),
        "{}",
        stderr(&strict)
    );
    assert!(!dir.path().join("strict.pdf").exists());
    // What it can lay out passes --strict without a word.
    let clean = checkgen_in(dir.path(), &["render", "b.md", "--strict", "-q"]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    assert_eq!(stderr(&clean), "");
}

#[test]
fn invalid_source_date_epoch_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "# 标题\n").unwrap();
    for value in ["abc", "1e9", "99999999999999999999"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_checkgen"))
            .args(["render", "a.md"])
            .current_dir(dir.path())
            .env("SOURCE_DATE_EPOCH", value)
            .output()
            .unwrap();
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        assert!(
            stderr(&output).contains("SOURCE_DATE_EPOCH") && stderr(&output).contains("ignored"),
            "{value}: {}",
            stderr(&output)
        );
        let pdf = std::fs::read(dir.path().join("a.pdf")).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            !text.contains("/CreationDate"),
            "{value}: no date without a valid epoch"
        );
    }
}

/// The completion scripts and the manual page are generated from the same definitions as the
/// parser: every subcommand is in them, and bash accepts the script.
#[test]
fn completions_and_manual_page_name_every_command() {
    let commands = [
        "sectors", "rules", "validate", "generate", "render", "trace",
    ];
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let output = checkgen(&["completions", shell]);
        assert_eq!(code(&output), 0, "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        for command in commands {
            assert!(script.contains(command), "{shell} script lacks {command}");
        }
    }
    let bash = stdout(&checkgen(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("checkgen.bash");
    std::fs::write(&path, bash).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .expect("bash runs");
    assert!(checked.status.success(), "{}", stderr(&checked));

    let man = stdout(&checkgen(&["man"]));
    assert!(man.contains(".TH checkgen 1"), "{man}");
    for command in commands {
        assert!(
            man.contains(&format!("checkgen\\-{command}(1)")),
            "man lacks {command}"
        );
        let page = stdout(&checkgen(&["man", command]));
        assert!(
            page.contains(&format!(".TH checkgen-{command} 1")),
            "{page}"
        );
    }
    let generate = stdout(&checkgen(&["man", "generate"]));
    assert!(generate.contains("\\-\\-audience"), "{generate}");
    assert_eq!(code(&checkgen(&["man", "frobnicate"])), 2);
    assert_eq!(code(&checkgen(&["completions", "tcsh"])), 2);
}

/// The whole report of `validate` on a pack with one fault per file: positions, messages and
/// help texts are reviewed as a diff whenever they change.
#[test]
fn validate_report_on_one_fault_per_file() {
    let output = checkgen(&["validate", "--rules", "tests/fixtures/rules/faults"]);
    assert_eq!(code(&output), 1);
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    let report = stderr(&output);
    for n in 1..=10 {
        assert!(
            report.contains(&format!("faults/{n:02}-")),
            "file {n:02} reported"
        );
    }
    insta::assert_snapshot!(report);
}

#[test]
fn bad_profiles_are_refused_at_their_line_and_column() {
    let dir = "tests/fixtures/profiles";
    for (file, expected) in [
        (
            "unknown-field.yaml",
            "unknown-field.yaml:3:1: unknown field `platfrom`, expected one of",
        ),
        (
            "wrong-type.yaml",
            "wrong-type.yaml:2:1: invalid type: string \"sometimes\", expected a boolean",
        ),
        (
            "level-6.yaml",
            "level-6.yaml:6:12: protection level 6 is outside 1–5",
        ),
        (
            "system-without-name.yaml",
            "system-without-name.yaml:5:5: missing field `name`",
        ),
    ] {
        let path = format!("{dir}/{file}");
        for args in [
            vec!["generate", "--profile", &path, "--audience", "enterprise"],
            vec!["profile", "check", &path],
        ] {
            let out = tempfile::tempdir().unwrap();
            let output = if args[0] == "profile" {
                checkgen(&args)
            } else {
                let path = std::fs::canonicalize(&path).unwrap();
                let mut args = args.clone();
                args[2] = path.to_str().unwrap();
                checkgen_in(out.path(), &[&args[..], &["--out", "."]].concat())
            };
            assert_eq!(code(&output), 1, "{path}: {}", stderr(&output));
            let err = stderr(&output);
            assert!(err.contains(&format!("{dir}/{expected}")), "{err}");
            assert!(err.contains("problem in the profile"), "{err}");
            assert!(!err.contains("panicked"), "{err}");
            assert!(std::fs::read_dir(out.path()).unwrap().next().is_none());
        }
    }
}

#[test]
fn profile_init_writes_a_profile_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let output = checkgen_in(dir.path(), &["profile", "init", "-o", "profile.yaml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let output = checkgen_in(
        dir.path(),
        &["profile", "check", "profile.yaml", "--format", "json"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["profile"]["sectors"][0], "telecom");
    assert_eq!(json["profile"]["systems"][0]["level"], 3);
    // A profile already there is never overwritten.
    let output = checkgen_in(dir.path(), &["profile", "init", "-o", "profile.yaml"]);
    assert_eq!(code(&output), 2);
    // With --level, a profile with systems is a usage error: the systems give the levels.
    let output = checkgen_in(
        dir.path(),
        &[
            "generate",
            "--profile",
            "profile.yaml",
            "--audience",
            "enterprise",
            "--level",
            "3",
        ],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
}

#[test]
fn conditions_and_authorities_of_rules_are_checked_at_their_position() {
    let output = checkgen(&["validate", "--rules", "tests/fixtures/rules/conditions"]);
    assert_eq!(code(&output), 1);
    let err = stderr(&output);
    let file = "tests/fixtures/rules/conditions/local.yaml";
    for expected in [
        format!("{file}:14:18: unknown field `critical_infrastucture`, expected one of `critical_infrastructure`"),
        format!("{file}:28:16: LOC-002: unknown authority `cyber`"),
        format!("{file}:29:17: LOC-002: 5000000 individuals is not a threshold an instrument sets"),
        format!("{file}:44:5: a condition has exactly one key, this one has 2"),
        format!("{file}:57:15: LOC-004: names no authority"),
    ] {
        assert!(err.contains(&expected), "missing `{expected}` in:\n{err}");
    }
    assert!(
        err.contains("add `authority: <id>` after the rule's `severity:` line"),
        "{err}"
    );
    assert!(err.contains("error: 5 problems found"), "{err}");
}
