//! Lists the default rules, templates, seeds and reference texts so the binary embeds them all
//! (adding a file to one of those folders needs no code change), and repacks the two faces so
//! the glyphs of the characters in those texts come first (see `build/font.rs`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

#[path = "build/font.rs"]
mod font;
#[path = "src/pdf/sfnt/tables.rs"]
#[allow(dead_code)]
mod sfnt_tables;

const FACES: [&str; 2] = ["NotoSansSC-Regular.ttf", "NotoSansSC-Bold.ttf"];

const EMBEDDED: &[(&str, &str, &[&str])] = &[
    ("RULES", "rules", &["yaml"]),
    ("TEMPLATES", "templates", &["md"]),
    ("SEEDS", "seeds", &["txt", "yaml"]),
    ("REFERENCES", "references", &["md"]),
];

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    // Printable ASCII, general punctuation and the CJK and full-width punctuation blocks, then
    // every character of the embedded texts: what the forms are written in.
    let mut characters: BTreeSet<char> = (' '..='~')
        .chain('\u{2000}'..='\u{206F}')
        .chain('\u{3000}'..='\u{303F}')
        .chain('\u{FF00}'..='\u{FFEF}')
        .collect();
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
            let text = fs::read_to_string(Path::new(&root).join(dir).join(&file))
                .unwrap_or_else(|err| panic!("cannot read {dir}/{file}: {err}"));
            characters.extend(text.chars());
            writeln!(
                code,
                "    ({file:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{dir}/{file}\"))),"
            )
            .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    fs::write(Path::new(&out_dir).join("embedded.rs"), code).expect("cannot write embedded.rs");

    println!("cargo:rerun-if-changed=build/font.rs");
    println!("cargo:rerun-if-changed=src/pdf/sfnt/tables.rs");
    for face in FACES {
        let path = Path::new(&root).join("assets/fonts").join(face);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = fs::read(&path).unwrap_or_else(|err| panic!("cannot read {face}: {err}"));
        let repacked = font::repack(face, &bytes, characters.iter().copied());
        fs::write(Path::new(&out_dir).join(face), repacked)
            .unwrap_or_else(|err| panic!("cannot write {face}: {err}"));
    }
}
