//! The default rules, templates, seeds and reference texts, compiled into the binary so that
//! checkgen works from any directory. Each table is `(file name, contents)`, sorted by name.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Looks a file up by name in one of the tables.
pub fn find(table: &'static [(&'static str, &'static str)], name: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, text)| *text)
}
