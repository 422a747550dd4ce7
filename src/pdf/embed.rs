//! Font subsets: which glyphs each face needs, the subset program, and the code every
//! character is written with.
//!
//! Subsetting is done here (with `subsetter`, typst's subsetter) rather than by printpdf,
//! which would parse and subset the whole 10 MB face on every document: that costs tens of
//! milliseconds, while `subsetter` copies only the glyphs used from the zero-copy face.
//! Codes are the subset's glyph ids (Identity-H), handed to printpdf as glyph ids with their
//! characters, from which it writes the ToUnicode CMap.

use std::collections::HashMap;

use super::sfnt::{finish_subset, metrics_only};
use super::Error;
use crate::fonts::{FontId, FontSet};
use crate::layout::{Item, Page};

/// One face as it goes into the PDF.
pub struct Embedded {
    /// Which face.
    pub font: FontId,
    /// The subset TrueType program.
    pub program: Vec<u8>,
    /// The same program without outlines, which is all printpdf needs (see
    /// [`metrics_only`]).
    pub metrics: Vec<u8>,
    /// The code (subset glyph id) of every character set in this face.
    pub codes: HashMap<char, u16>,
    /// The six-letter subset tag (`ABCDEF+`), derived from the glyphs kept so the same text
    /// always gets the same tag.
    pub tag: String,
}

/// Subsets every face used on `pages`; faces with no text are left out.
pub fn embed(fonts: &FontSet, pages: &[Page]) -> Result<Vec<Embedded>, Error> {
    let mut out = Vec::with_capacity(FontId::ALL.len());
    for font in FontId::ALL {
        let mut remapper = subsetter::GlyphRemapper::new();
        let mut codes: HashMap<char, u16> = HashMap::new();
        let mut missing: Vec<char> = Vec::new();
        for (_, item) in pages.iter().flat_map(|p| &p.items) {
            let Item::Text { text, font: f, .. } = item else {
                continue;
            };
            if *f != font {
                continue;
            }
            for c in text.chars() {
                if codes.contains_key(&c) || missing.contains(&c) {
                    continue;
                }
                match fonts.glyph(font, c) {
                    Some(gid) => {
                        codes.insert(c, remapper.remap(gid));
                    }
                    None => missing.push(c),
                }
            }
        }
        if codes.is_empty() && missing.is_empty() {
            continue;
        }
        let subset =
            subsetter::subset(fonts.bytes(font), 0, &remapper).map_err(|e| Error::Subset {
                font: font.postscript_name(),
                reason: e.to_string(),
            })?;
        let blanks = u16::try_from(missing.len()).map_err(|_| Error::Subset {
            font: font.postscript_name(),
            reason: "more than 65535 distinct characters are missing from the font".into(),
        })?;
        let (program, first_blank) = finish_subset(&subset, blanks, fonts.units_per_em(font))
            .ok_or(Error::Subset {
                font: font.postscript_name(),
                reason: "the subset font program is malformed".into(),
            })?;
        for (i, c) in missing.into_iter().enumerate() {
            // `blanks` fits in u16, so every index does too.
            let offset = u16::try_from(i).unwrap_or(u16::MAX);
            codes.insert(c, first_blank.saturating_add(offset));
        }
        let tag = subset_tag(font, &codes);
        let metrics = metrics_only(&program).ok_or(Error::Subset {
            font: font.postscript_name(),
            reason: "the subset font program is malformed".into(),
        })?;
        out.push(Embedded {
            font,
            program,
            metrics,
            codes,
            tag,
        });
    }
    Ok(out)
}

/// Six capital letters from a hash of the face and its character → code pairs.
fn subset_tag(font: FontId, codes: &HashMap<char, u16>) -> String {
    let mut pairs: Vec<(char, u16)> = codes.iter().map(|(c, g)| (*c, *g)).collect();
    pairs.sort_unstable();
    let mut hash = super::finish::Fnv::new();
    hash.write(font.postscript_name().as_bytes());
    for (c, g) in pairs {
        hash.write(&u32::from(c).to_le_bytes());
        hash.write(&g.to_le_bytes());
    }
    let mut n = hash.finish();
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (n % 26) as u8);
            n /= 26;
            letter
        })
        .collect()
}
