//! The three parts of each CID font that follow from the subset alone: the `/W` widths of its
//! codes, its `CIDToGIDMap` (codes are the face's glyph ids, see `embed`) and its ToUnicode
//! CMap.
//!
//! printpdf can write both, but only from glyphs it decodes one by one out of a font it has
//! parsed and cloned, which took a tenth of a render. So printpdf is shown one code per face
//! (enough for it to write the font's dictionaries) and these take the place of what it
//! made from it. The CMap has printpdf's layout: `bfchar` blocks of at most 100 codes,
//! grouped by high byte.

use std::fmt::Write as _;

use printpdf_lopdf::{Dictionary, Document, Object, Stream};

use super::embed::{self, Subset};
use super::Error;
use crate::fonts::FontSet;

/// Replaces the widths, glyph map and ToUnicode CMap of every face in `subsets`. `resource` gives the
/// name a face's CMap is known by (printpdf's font resource name).
pub fn replace(
    doc: &mut Document,
    subsets: &[Subset],
    fonts: &FontSet,
    resource: impl Fn(&Subset) -> &'static str,
) -> Result<(), Error> {
    let mut targets = Vec::new();
    for (id, object) in &doc.objects {
        let Object::Dictionary(dict) = object else {
            continue;
        };
        if !matches!(dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Type0") {
            continue;
        }
        let Ok(Object::Name(name)) = dict.get(b"BaseFont") else {
            continue;
        };
        if let Some((index, _)) = embed::by_name(subsets, name) {
            targets.push((*id, index));
        }
    }
    if targets.len() != subsets.len() {
        return Err(Error::Write(format!(
            "printpdf wrote {} Type0 fonts for {} faces",
            targets.len(),
            subsets.len()
        )));
    }
    for (font_id, index) in targets {
        let subset = &subsets[index];
        let missing = || {
            Error::Write(format!(
                "printpdf wrote an incomplete font dictionary for {}",
                subset.font.postscript_name()
            ))
        };
        let map = doc.add_object(Stream::new(Dictionary::new(), subset.gid_map()));
        let dict = doc.get_dictionary_mut(font_id).map_err(|_| missing())?;
        let cmap_id = match dict.get(b"ToUnicode") {
            Ok(Object::Reference(id)) => *id,
            _ => return Err(missing()),
        };
        let Ok(Object::Array(descendants)) = dict.get_mut(b"DescendantFonts") else {
            return Err(missing());
        };
        let Some(Object::Dictionary(cid_font)) = descendants.first_mut() else {
            return Err(missing());
        };
        cid_font.set("W", widths(subset, fonts));
        cid_font.set("CIDToGIDMap", map);
        let Ok(Object::Stream(cmap)) = doc.get_object_mut(cmap_id) else {
            return Err(missing());
        };
        cmap.set_content(to_unicode(subset, resource(subset)).into_bytes());
    }
    Ok(())
}

/// `/W`: the width of every code not one em wide (the font's `/DW`, which nearly every
/// hanzi has), in thousandths of an em, as runs of consecutive codes `[c [w1 w2 …] …]`.
/// Characters the face lacks get a blank glyph one em wide.
fn widths(subset: &Subset, fonts: &FontSet) -> Object {
    let mut widths: Vec<(u16, i64)> = subset
        .codes()
        .map(|(c, code)| {
            let advance = fonts.glyph_advance(subset.font, c).unwrap_or(1.0);
            (code, (advance * 1000.0).round() as i64)
        })
        .filter(|&(_, width)| width != DEFAULT_WIDTH)
        .collect();
    widths.sort_unstable();
    widths.dedup_by_key(|&mut (code, _)| code);
    let mut out = Vec::new();
    for run in widths.chunk_by(|a, b| a.0 + 1 == b.0) {
        out.push(Object::Integer(run[0].0.into()));
        out.push(Object::Array(
            run.iter()
                .map(|&(_, width)| Object::Integer(width))
                .collect(),
        ));
    }
    Object::Array(out)
}

/// The width printpdf gives a font as `/DW`: one em.
const DEFAULT_WIDTH: i64 = 1000;

/// The ToUnicode CMap: each code to its character (the first met, when characters share a
/// glyph), as UTF-16BE.
fn to_unicode(subset: &Subset, name: &str) -> String {
    let mut pairs: Vec<(u16, char)> = subset.codes().map(|(c, code)| (code, c)).collect();
    // Stable: of characters sharing a code, the first met stays first.
    pairs.sort_by_key(|&(code, _)| code);
    pairs.dedup_by_key(|&mut (code, _)| code);
    let mut out = format!(
        "/CIDInit /ProcSet findresource begin\n\n12 dict begin\n\nbegincmap\n\n%!PS-Adobe-3.0 \
         Resource-CMap\n%%DocumentNeededResources: procset CIDInit\n%%IncludeResource: \
         procset CIDInit\n\n/CIDSystemInfo 3 dict dup begin\n/Registry (FontSpecific) \
         def\n/Ordering ({name}) def\n/Supplement 0 def\nend def\n\n/CMapName \
         /FontSpecific-{name} def\n/CMapVersion 1 def\n/CMapType 2 def\n/WMode 0 def\n\n1 \
         begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
    );
    for group in pairs.chunk_by(|a, b| a.0 >> 8 == b.0 >> 8) {
        for block in group.chunks(100) {
            let _ = writeln!(out, "{} beginbfchar", block.len());
            for &(code, c) in block {
                let _ = write!(out, "<{code:04X}> <");
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "{unit:04X}");
                }
                out.push_str(">\n");
            }
            out.push_str("endbfchar\n");
        }
    }
    out.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontId;
    use crate::layout::{layout, LayoutOptions};

    /// The regular face's subset for `text` (the footer adds 第 页 共 and digits).
    fn regular(text: &str) -> (Subset, &'static FontSet) {
        let fonts = FontSet::get().unwrap();
        let document = layout(fonts, text, &LayoutOptions::default());
        let subsets = super::super::embed::plan(fonts, &document.pages).unwrap();
        let subset = subsets
            .into_iter()
            .find(|s| s.font == FontId::Regular)
            .unwrap();
        (subset, fonts)
    }

    #[test]
    fn cmap_maps_every_code_in_blocks_of_a_hundred() {
        // 150 distinct hanzi, and one beyond the BMP the face lacks (a blank glyph).
        let hanzi: String = ('一'..).take(150).collect();
        let (subset, _) = regular(&format!("{hanzi}𠮷"));
        let cmap = to_unicode(&subset, "NotoR");
        let entry = |c: char, utf16: &str| format!("<{:04X}> <{utf16}>\n", subset.code(c).unwrap());
        assert!(cmap.contains(&entry('一', "4E00")));
        assert!(
            cmap.contains(&entry('𠮷', "D842DFB7")),
            "surrogate pair for U+20BB7"
        );
        let codes = subset.codes().count();
        let blocks: Vec<String> = cmap
            .lines()
            .filter(|l| l.ends_with("beginbfchar"))
            .map(String::from)
            .collect();
        // Blocks hold at most a hundred codes, all of one high byte.
        assert!(blocks.iter().any(|b| b == "100 beginbfchar"), "{blocks:?}");
        for block in cmap.split("beginbfchar\n").skip(1) {
            let block = &block[..block.find("endbfchar").unwrap()];
            let highs: std::collections::HashSet<&str> =
                block.lines().map(|line| &line[1..3]).collect();
            assert!(block.lines().count() <= 100);
            assert_eq!(highs.len(), 1, "{block}");
        }
        let (_, mappings) = cmap.split_once("endcodespacerange").unwrap();
        assert_eq!(mappings.matches("\n<").count(), codes);
        assert!(
            cmap.ends_with("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
        );
    }

    #[test]
    fn widths_list_every_code_not_one_em_wide_in_thousandths() {
        let (subset, fonts) = regular("中a𠮷b");
        let Object::Array(w) = widths(&subset, fonts) else {
            panic!("not an array");
        };
        // Pairs of a first code and the widths from it on.
        let mut listed = std::collections::HashMap::new();
        for pair in w.chunks(2) {
            let (Object::Integer(first), Object::Array(list)) = (&pair[0], &pair[1]) else {
                panic!("not a run: {pair:?}");
            };
            for (i, width) in list.iter().enumerate() {
                listed.insert(first + i as i64, width.clone());
            }
        }
        let em = |c| (fonts.advance(FontId::Regular, c) * 1000.0).round() as i64;
        let code = |c: char| i64::from(subset.code(c).unwrap());
        assert_ne!(em('a'), 1000);
        assert_eq!(em('中'), 1000);
        // Every character with its width, or left to `/DW` when one em wide (the missing
        // character's blank is); the footer's digits and spaces are among them.
        for (c, code) in subset.codes() {
            let width = fonts
                .glyph_advance(FontId::Regular, c)
                .map_or(1000, |_| em(c));
            match listed.get(&i64::from(code)) {
                Some(listed) => assert_eq!(listed, &Object::Integer(width), "{c}"),
                None => assert_eq!(width, 1000, "{c}"),
            }
        }
        assert!(listed.contains_key(&code('a')) && listed.contains_key(&code('b')));
        assert!(!listed.contains_key(&code('中')) && !listed.contains_key(&code('𠮷')));
    }

    #[test]
    fn codes_are_glyph_ids_and_the_map_leads_them_to_the_subset() {
        let fonts = FontSet::get().unwrap();
        let (subset, _) = regular("中文a𠮷");
        for c in ['中', '文', 'a'] {
            assert_eq!(subset.code(c), fonts.glyph(FontId::Regular, c));
        }
        let map = subset.gid_map();
        let glyph = |code: u16| {
            let at = usize::from(code) * 2;
            u16::from_be_bytes([map[at], map[at + 1]])
        };
        // Kept glyphs in the face's order, after `.notdef` (the footer's characters are among
        // them); the missing character's blank after them, its code above the face's ids.
        let blank = subset.code('𠮷').unwrap();
        let mut ids: Vec<u16> = subset
            .codes()
            .map(|(_, code)| code)
            .filter(|&code| code != blank)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for (place, id) in ids.iter().enumerate() {
            assert_eq!(glyph(*id), place as u16 + 1);
        }
        assert!(blank >= fonts.glyph_count(FontId::Regular));
        assert!(*ids.last().unwrap() < fonts.glyph_count(FontId::Regular));
        assert_eq!(usize::from(glyph(blank)), ids.len() + 1);
        assert_eq!(map.len(), (usize::from(blank) + 1) * 2);
        assert!(subset.stable());
    }
}
