//! Form numbers from a pattern (`{year}-{sector}-{seq:5}` → `2026-telecom-00017`) and safe
//! file names made of the number and the enterprise's name.

use crate::error::{Error, Result};

/// The pattern without `--issuer-code`.
pub const DEFAULT_PATTERN: &str = "{year}-{sector}-{seq:5}";
/// The pattern with `--issuer-code`.
pub const DEFAULT_PATTERN_WITH_ISSUER: &str = "{issuer}-{year}-{sector}-{seq:5}";

/// The longest file name stem, in bytes: file systems allow 255 bytes per name; this leaves
/// room for the extension and keeps paths short enough for archives and Windows shares.
pub const MAX_STEM_BYTES: usize = 150;

/// One piece of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// The year of the campaign's date.
    Year,
    /// `--issuer-code`.
    Issuer,
    /// The row's sector ids joined by `+`.
    Sector,
    /// The row's place in the roster, zero-padded to `width` digits.
    Seq {
        width: usize,
    },
}

/// A parsed `--number-format`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    parts: Vec<Part>,
    issuer: String,
}

impl NumberFormat {
    /// Parses `pattern`: text with `{year}`, `{issuer}`, `{sector}` and one `{seq}` or
    /// `{seq:N}` (N digits, zero-padded). The text and the issuer code may not hold what a file
    /// name or the footer comment cannot (`/`, `\`, `..`, control characters, `-->`).
    pub fn parse(pattern: &str, issuer_code: Option<&str>) -> Result<NumberFormat> {
        let usage = |message: String| {
            Error::usage(
                format!("--number-format `{pattern}`: {message}"),
                format!(
                    "write text and the placeholders {{year}}, {{issuer}} (--issuer-code), {{sector}} and {{seq}} or {{seq:N}}, e.g. `{DEFAULT_PATTERN}`"
                ),
            )
        };
        let mut parts = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| usage("a `{` is not closed".into()))?;
            let name = &rest[open + 1..open + close];
            parts.push(match name {
                "year" => Part::Year,
                "issuer" => Part::Issuer,
                "sector" => Part::Sector,
                "seq" => Part::Seq { width: 1 },
                _ => match name.strip_prefix("seq:").map(str::parse::<usize>) {
                    Some(Ok(width @ 1..=9)) => Part::Seq { width },
                    _ => return Err(usage(format!("unknown placeholder `{{{name}}}`"))),
                },
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        let seqs = parts
            .iter()
            .filter(|p| matches!(p, Part::Seq { .. }))
            .count();
        if seqs != 1 {
            return Err(usage(
                "needs exactly one {seq}: it makes every number unique".into(),
            ));
        }
        let issuer = issuer_code.unwrap_or_default().trim().to_string();
        if parts.contains(&Part::Issuer) && issuer.is_empty() {
            return Err(Error::usage(
                format!(
                    "--number-format `{pattern}` uses {{issuer}} but no --issuer-code is given"
                ),
                "add --issuer-code CODE (the issuing body's short code), or leave {issuer} out",
            ));
        }
        for text in parts
            .iter()
            .filter_map(|p| match p {
                Part::Literal(text) => Some(text.as_str()),
                _ => None,
            })
            .chain([issuer.as_str()])
        {
            if let Some(problem) = unsafe_in_number(text) {
                return Err(usage(format!("`{text}` {problem}")));
            }
        }
        Ok(NumberFormat { parts, issuer })
    }

    /// The number of the form at `seq` (1-based) for `sectors` in `year`.
    pub fn number(&self, year: &str, sectors: &[String], seq: usize) -> String {
        let mut number = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => number.push_str(text),
                Part::Year => number.push_str(year),
                Part::Issuer => number.push_str(&self.issuer),
                Part::Sector => number.push_str(&sectors.join("+")),
                Part::Seq { width } => number.push_str(&format!("{seq:0width$}")),
            }
        }
        number
    }
}

/// Why `text` cannot be part of a number, if it cannot.
fn unsafe_in_number(text: &str) -> Option<&'static str> {
    if text.contains(['/', '\\']) {
        Some("holds a path separator")
    } else if text.contains("..") {
        Some("holds `..`")
    } else if text.chars().any(char::is_control) {
        Some("holds a control character")
    } else if text.contains("--") {
        Some("holds `--`, which would end the footer comment")
    } else {
        None
    }
}

/// A file name stem for a form: `number-name`, the name made safe. Path separators and the
/// characters Windows forbids (`\ / : * ? " < > |`) become `_`; control characters (line
/// breaks) become spaces; runs of spaces become one; runs of dots become one dot; leading and
/// trailing dots and spaces go. The stem is cut to [`MAX_STEM_BYTES`] at a character boundary.
/// Chinese stays as it is, so the name is readable in a file manager.
pub fn file_stem(number: &str, name: &str) -> String {
    let mut clean = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() || c.is_whitespace() => ' ',
            c => c,
        };
        let last = clean.chars().last();
        if (c == ' ' && last == Some(' ')) || (c == '.' && last == Some('.')) {
            continue;
        }
        clean.push(c);
    }
    let clean = clean.trim_matches([' ', '.']);
    let mut stem = if clean.is_empty() {
        number.to_string()
    } else {
        format!("{number}-{clean}")
    };
    if stem.len() > MAX_STEM_BYTES {
        let mut end = MAX_STEM_BYTES;
        while !stem.is_char_boundary(end) {
            end -= 1;
        }
        stem.truncate(end);
        let kept = stem.trim_end_matches([' ', '.']).len();
        stem.truncate(kept);
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_pattern() {
        let format =
            NumberFormat::parse("{issuer}〔{year}〕{sector}-{seq:4}", Some("烟公网安")).unwrap();
        assert_eq!(
            format.number("2026", &["telecom".into()], 17),
            "烟公网安〔2026〕telecom-0017"
        );
        assert!(NumberFormat::parse("{year}", None).is_err());
        assert!(NumberFormat::parse("{seq}/{year}", None).is_err());
        assert!(NumberFormat::parse("{issuer}{seq}", None).is_err());
        assert!(NumberFormat::parse("{seq}{month}", None).is_err());
        assert!(NumberFormat::parse("{seq", None).is_err());
    }

    #[test]
    fn file_names_are_safe_and_readable() {
        assert_eq!(
            file_stem("N-1", "烟台/某某..公司|\"A\"\n分部"),
            "N-1-烟台_某某.公司__A_ 分部"
        );
        assert_eq!(file_stem("N-1", ".."), "N-1");
        assert_eq!(file_stem("N-1", "  "), "N-1");
        let long = file_stem("N-1", &"长".repeat(100));
        assert!(long.len() <= MAX_STEM_BYTES);
        assert!(long.starts_with("N-1-长"));
        assert!(long.chars().all(|c| c != '\u{FFFD}'));
    }
}
