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
            let text = String::from_utf8(file.bytes).map_err(|err| Error::Template {
                name: file.path.display().to_string(),
                source: tera::Error::chain("the file is not UTF-8: save it as UTF-8", err),
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
    let mut context = Context::new();
    context.insert("view", view);
    context.insert("meta", meta);
    context.insert("checkgen_version", &meta.checkgen_version);
    tera.render(name, &context)
        .map_err(|source| Error::Template {
            name: name.to_string(),
            source,
        })
}

/// Backslash-escapes the characters that are Markdown syntax inside a line and folds line
/// breaks into spaces, so a value always stays inline text in one table cell.
fn escape_markdown(input: &str, output: &mut dyn Write) -> std::io::Result<()> {
    let mut buffer = [0u8; 4];
    for ch in input.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' => {
                output.write_all(&[b'\\', ch as u8])?;
            }
            '\r' => {}
            '\n' => output.write_all(b" ")?,
            _ => output.write_all(ch.encode_utf8(&mut buffer).as_bytes())?,
        }
    }
    Ok(())
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
    }
}
