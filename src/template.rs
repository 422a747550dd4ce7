//! tera: the embedded default templates plus `--templates DIR` overrides; `ChecklistView` →
//! Markdown.
//!
//! Every `{{ value }}` in a `.md` template is escaped for Markdown by default, so a `|` or `*`
//! in a company name cannot break a table or start emphasis; `{{ value | safe }}` opts out.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use tera::{Context, Tera};

use crate::embedded;
use crate::error::{Error, Result};
use crate::input;
use crate::rules::Audience;
use crate::view::{ChecklistView, Meta};

/// The template a checklist for this audience is rendered with.
pub fn name_for(audience: Audience) -> &'static str {
    match audience {
        Audience::Enterprise => "enterprise.md",
        Audience::Regulator => "regulator.md",
    }
}

/// Builds the template set: the defaults, with every `*.md` file of `overrides` replacing the
/// default of the same name or adding a new one (for `{% include %}`).
pub fn tera(overrides: Option<&Path>) -> Result<Tera> {
    let mut sources: BTreeMap<String, String> = embedded::TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    if let Some(dir) = overrides {
        for file in input::files_in(dir, &["md"])? {
            let text = input::utf8_text(file.bytes).map_err(|err| Error::Template {
                name: format!("{}:{}:{}", file.path.display(), err.line, err.column),
                source: tera::Error::message(format!("{}; {}", err.message, err.help)),
            })?;
            sources.insert(file.name, text);
        }
    }
    let mut tera = Tera::new();
    tera.set_escape_fn(escape_markdown);
    tera.autoescape_on([".md"]);
    tera.add_raw_templates(sources.iter())
        .map_err(|source| Error::Template {
            name: overrides.map_or_else(|| "templates/".to_string(), |d| d.display().to_string()),
            source,
        })?;
    Ok(tera)
}

/// Renders `view` with the template `name`.
pub fn render(tera: &Tera, name: &str, view: &ChecklistView, meta: &Meta) -> Result<String> {
    render_value(tera, name, "view", view, meta)
}

/// Renders `value`, seen by the template as `key` (a report is `report`), with `meta`.
pub fn render_value<T: serde::Serialize>(
    tera: &Tera,
    name: &str,
    key: &'static str,
    value: &T,
    meta: &Meta,
) -> Result<String> {
    render_prepared(tera, name, key, tera::Value::from_serializable(value), meta)
}

/// [`render_value`] of a value already converted for templates.
pub fn render_prepared(
    tera: &Tera,
    name: &str,
    key: &'static str,
    value: tera::Value,
    meta: &Meta,
) -> Result<String> {
    let mut context = Context::new();
    context.insert_value(key, value);
    context.insert("meta", meta);
    context.insert("checkgen_version", &meta.checkgen_version);
    let mut out = Bounded {
        bytes: Vec::new(),
        full: false,
    };
    let rendered = tera.render_to(name, &context, &mut out);
    let error = |source| Error::Template {
        name: name.to_string(),
        source,
    };
    if out.full {
        return Err(error(tera::Error::message(format!(
            "the form grew past {} MiB; a loop in the template probably never ends",
            MAX_FORM_BYTES >> 20
        ))));
    }
    rendered.map_err(error)?;
    String::from_utf8(out.bytes).map_err(|err| {
        error(tera::Error::chain(
            "the template produced invalid UTF-8",
            err,
        ))
    })
}

/// The largest form a template may produce (16 MiB; the shipped forms are under 100 KiB).
/// Templates are trusted code, like a Makefile, but a runaway loop stops here rather than
/// filling the memory.
pub const MAX_FORM_BYTES: usize = 16 << 20;

/// A writer that refuses to grow past [`MAX_FORM_BYTES`].
struct Bounded {
    bytes: Vec<u8>,
    full: bool,
}

impl Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_FORM_BYTES {
            self.full = true;
            return Err(std::io::Error::other("form size limit reached"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Backslash-escapes the characters that are Markdown syntax inside a line and folds line
/// breaks into spaces, so a value always stays inline text in one table cell.
fn escape_markdown(input: &str, output: &mut dyn Write) -> std::io::Result<()> {
    // Every character handled is ASCII, which never occurs inside the bytes of another
    // character: the text between them is written as it is, a run at a time.
    let bytes = input.as_bytes();
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        let escaped = [b'\\', byte];
        let replacement: &[u8] = match byte {
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'#' | b'~' | b'&'
            | b'!' => &escaped,
            b'\r' => b"",
            b'\n' => b" ",
            _ => continue,
        };
        output.write_all(&bytes[start..at])?;
        output.write_all(replacement)?;
        start = at + 1;
    }
    output.write_all(&bytes[start..])
}

/// Escapes one value as the templates do; exposed for other Markdown writers.
pub fn escape(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len());
    escape_markdown(input, &mut out).expect("writing into a Vec cannot fail");
    String::from_utf8(out).expect("escaping copies whole characters and adds ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_table_and_emphasis_syntax() {
        assert_eq!(escape("A|B*C_<x>\nD"), r"A\|B\*C\_\<x\> D");
        assert_eq!(escape("山东（烟台）公司"), "山东（烟台）公司");
        assert_eq!(escape(""), "");
        assert_eq!(escape("第一行\r\n第二行|"), r"第一行 第二行\|");
        assert_eq!(
            escape("#1 & !x ~y `z` [a](b) \\"),
            r"\#1 \& \!x \~y \`z\` \[a\](b) \\"
        );
    }
}
