//! Any bytes as a rule file (domain, sectors or not-checkable): loading and checking never
//! panic, and every problem has a position inside the file.
#![no_main]

use checkgen::rules::{check, load_text, NOT_CHECKABLE_FILE, SECTORS_FILE};
use checkgen::seeds::Seeds;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let name = match kind % 3 {
        0 => SECTORS_FILE,
        1 => NOT_CHECKABLE_FILE,
        _ => "fuzz.yaml",
    };
    let (set, problems) = load_text(name, text);
    let lines = text.lines().count().max(1) + 1;
    for problem in problems.iter().chain(&check(&set, Seeds::embedded())) {
        assert!(problem.location.line >= 1 && problem.location.line <= lines, "{problem}");
    }
});
