//! A filled PDF form → [`Filled`], as a filled sheet becomes: the identity the form carries in
//! its document information (`CheckgenForm`, see [`crate::pdf::FormFields`]), the header fields
//! filled in over it, and one row per row field (`SEC-003#2`, with `result` and `note`).

use std::collections::HashMap;

use printpdf_lopdf::{Dictionary, Document, Object};

use super::read::{one_problem, Filled, FilledRow};
use super::{label, Columns, Identity, Outcome};
use crate::error::{Location, Result};
use crate::pdf::IDENTITY_KEY;

const NOT_A_FORM_HELP: &str =
    "give a PDF form written by `checkgen generate` or `checkgen issue` (without --no-fields), filled in";

/// A terminal field: its fully qualified name, value, and the page (from 1) of its first widget.
struct Field {
    name: String,
    value: String,
    page: usize,
}

/// Reads the filled PDF form `bytes` of the file `file`.
pub fn read(file: &str, bytes: &[u8]) -> Result<Filled> {
    let doc = Document::load_mem(bytes).map_err(|err| {
        one_problem(
            file,
            1,
            1,
            format!("cannot be read as a PDF: {err}"),
            "save the filled form again from the PDF viewer (Save, not Print to PDF)",
        )
    })?;
    let pages: HashMap<_, usize> = doc
        .get_pages()
        .into_iter()
        .map(|(number, id)| (id, number as usize))
        .collect();
    let mut fields = Vec::new();
    let roots = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|f| resolve(&doc, f).as_dict().ok())
        .and_then(|f| f.get(b"Fields").ok())
        .and_then(|f| resolve(&doc, f).as_array().ok())
        .cloned()
        .unwrap_or_default();
    if roots.is_empty() {
        return Err(one_problem(
            file,
            1,
            1,
            "is a PDF without form fields".into(),
            NOT_A_FORM_HELP,
        ));
    }
    let identity = identity(file, &doc)?;
    for root in &roots {
        collect(&doc, &pages, root, "", 0, &mut fields);
    }
    Ok(filled(file, identity, &fields))
}

/// The identity stored in the document information.
fn identity(file: &str, doc: &Document) -> Result<Identity> {
    let stored = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| resolve(doc, info).as_dict().ok())
        .and_then(|info| info.get(IDENTITY_KEY.as_bytes()).ok())
        .and_then(|value| text(resolve(doc, value)));
    let Some(json) = stored else {
        return Err(one_problem(
            file,
            1,
            1,
            format!("is a PDF that does not say which form it is (no `{IDENTITY_KEY}` in its document information)"),
            NOT_A_FORM_HELP,
        ));
    };
    serde_json::from_str(&json).map_err(|err| {
        one_problem(
            file,
            1,
            1,
            format!("carries a form identity that cannot be read: {err}"),
            NOT_A_FORM_HELP,
        )
    })
}

/// The object `object` refers to (itself when it is no reference).
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    match object {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(object),
        other => other,
    }
}

/// A text string's characters: UTF-16BE or UTF-8 with their byte order marks, else
/// PDFDocEncoding (read as Latin-1, which it equals for the characters a filler writes).
fn text(object: &Object) -> Option<String> {
    let bytes = match object {
        Object::String(bytes, _) => bytes,
        Object::Name(name) => name,
        _ => return None,
    };
    Some(if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Some(utf8) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(utf8).into_owned()
    } else {
        bytes.iter().map(|b| char::from(*b)).collect()
    })
}

/// Walks the field tree under `object`, collecting the terminal fields.
fn collect(
    doc: &Document,
    pages: &HashMap<printpdf_lopdf::ObjectId, usize>,
    object: &Object,
    prefix: &str,
    depth: usize,
    out: &mut Vec<Field>,
) {
    // Deeper than any form checkgen writes: a loop in a damaged file.
    if depth > 8 {
        return;
    }
    let Ok(dict) = resolve(doc, object).as_dict() else {
        return;
    };
    let name = match dict.get(b"T").ok().and_then(|t| text(resolve(doc, t))) {
        Some(part) if prefix.is_empty() => part,
        Some(part) => format!("{prefix}.{part}"),
        None => prefix.to_string(),
    };
    let kids: Vec<&Object> = dict
        .get(b"Kids")
        .ok()
        .and_then(|k| resolve(doc, k).as_array().ok())
        .map(|k| k.iter().collect())
        .unwrap_or_default();
    let field_kids: Vec<&Object> = kids
        .iter()
        .copied()
        .filter(|k| {
            resolve(doc, k)
                .as_dict()
                .is_ok_and(|d| d.has(b"T") || (d.has(b"FT") && !d.has(b"Subtype")))
        })
        .collect();
    if !field_kids.is_empty() {
        for kid in field_kids {
            collect(doc, pages, kid, &name, depth + 1, out);
        }
        return;
    }
    let widgets: Vec<&Dictionary> = if kids.is_empty() {
        vec![dict]
    } else {
        kids.iter()
            .filter_map(|k| resolve(doc, k).as_dict().ok())
            .collect()
    };
    let page = widgets
        .iter()
        .find_map(|w| match w.get(b"P") {
            Ok(Object::Reference(id)) => pages.get(id).copied(),
            _ => None,
        })
        .unwrap_or(1);
    let is_button = dict.get(b"FT").ok().and_then(|t| t.as_name().ok()) == Some(b"Btn");
    let shown = widgets.iter().find_map(|w| {
        w.get(b"AS")
            .ok()
            .and_then(|s| s.as_name().ok())
            .filter(|s| *s != b"Off")
    });
    // A button's answer is the state its widgets show (fillers disagree on how they write
    // `/V`: a name, a string, on the field or on the widget); then its value.
    let mut value = match (is_button, shown) {
        (true, Some(state)) => String::from_utf8_lossy(state).into_owned(),
        _ => dict
            .get(b"V")
            .ok()
            .and_then(|v| text(resolve(doc, v)))
            .unwrap_or_default(),
    };
    if is_button {
        value = value.trim_start_matches('/').to_string();
    }
    if value == "Off" {
        value.clear();
    }
    out.push(Field { name, value, page });
}

/// The rows and header fields of a form's fields, over its stored identity.
fn filled(file: &str, mut identity: Identity, fields: &[Field]) -> Filled {
    let columns = Columns::of(identity.audience);
    let header = |label: &str| {
        fields
            .iter()
            .find(|f| f.name == label)
            .map(|f| f.value.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    if let Some(name) = header(columns.org) {
        identity.org_name = name;
    }
    if let Some(code) = header(label::CREDIT_CODE) {
        identity.credit_code = code;
    }
    let mut rows: Vec<FilledRow> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for field in fields {
        let Some((row, part)) = field.name.rsplit_once('.') else {
            continue;
        };
        let Some((id, question)) = row.rsplit_once('#') else {
            continue;
        };
        let Ok(question) = question.parse::<usize>() else {
            continue;
        };
        let at = Location::new(file, field.page, 1);
        let slot = *index.entry(row.to_string()).or_insert_with(|| {
            rows.push(FilledRow {
                at: at.clone(),
                id_at: at.clone(),
                result_column: format!("the field `{row}.result` (page {})", field.page),
                id: id.to_string(),
                question,
                title: String::new(),
                result: String::new(),
                note: String::new(),
            });
            rows.len() - 1
        });
        let value = field.value.trim().to_string();
        match part {
            "result" => {
                rows[slot].result = Outcome::ALL
                    .into_iter()
                    .find(|o| o.state() == value)
                    .map_or(value, |o| o.label().to_string());
            }
            "note" => rows[slot].note = value,
            _ => {}
        }
    }
    Filled::from_form(file, identity, rows)
}
