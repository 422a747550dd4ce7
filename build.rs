//! Lists the default rules, templates, seeds and reference texts so the binary embeds them all:
//! adding a file to one of those folders needs no code change.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

const EMBEDDED: &[(&str, &str, &[&str])] = &[
    ("RULES", "rules", &["yaml"]),
    ("TEMPLATES", "templates", &["md"]),
    ("SEEDS", "seeds", &["txt", "yaml"]),
    ("REFERENCES", "references", &["md"]),
];

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut code = String::new();
    for (name, dir, extensions) in EMBEDDED {
        println!("cargo:rerun-if-changed={dir}");
        let mut files: Vec<String> = fs::read_dir(Path::new(&root).join(dir))
            .unwrap_or_else(|err| panic!("cannot list {dir}/: {err}"))
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|file| {
                Path::new(file)
                    .extension()
                    .is_some_and(|ext| extensions.iter().any(|e| ext == *e))
            })
            .collect();
        files.sort();
        writeln!(code, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for file in files {
            println!("cargo:rerun-if-changed={dir}/{file}");
            writeln!(
                code,
                "    ({file:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{dir}/{file}\"))),"
            )
            .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    fs::write(out, code).expect("cannot write embedded.rs");
}
