//! Font subsets: which glyphs each face needs, the code every character is written with, the
//! subset program, and the one-glyph copy of the face printpdf reads its metrics from.
//!
//! Subsetting is done here (see [`sfnt`]) rather than by printpdf, which would parse and
//! subset the whole 10 MB face on every document: that costs tens of milliseconds, while
//! [`sfnt::subset_program`] copies only the outlines used from the face compiled into the
//! binary.
//!
//! A character's code is its glyph id in the face compiled into the binary, whatever else the
//! document holds, and the font's `CIDToGIDMap` leads each code to the glyph's place in the
//! subset. So a page draws the same text with the same bytes in every document: the forms
//! of a campaign differ in their first page, and the writer compresses each of the other
//! pages once (see `memo`). The glyphs of the subset keep the face's order. A character the
//! face lacks gets a code above the face's glyph ids, from the character alone, and a blank
//! glyph of its own (see [`Subset::stable`] for the one exception).
//!
//! The [`Subset`] (glyphs and codes) is cheap and made first; the program, the map and the
//! metrics copy each follow from it alone.

use std::collections::{HashMap, HashSet};

use super::sfnt;
use super::Error;
use crate::bmp_table::BmpTable;
use crate::fonts::{FontId, FontSet};
use crate::layout::{Item, Page};

/// The glyphs of one face a document uses, and the code of every character drawn with it.
pub struct Subset {
    /// Which face.
    pub font: FontId,
    /// Glyph ids of the face in ascending order, `.notdef` (0) first: subset glyph `i` is
    /// the face's glyph `glyphs[i]`.
    glyphs: Vec<u16>,
    /// Characters the face lacks, in order of first appearance. Each gets a blank glyph of
    /// its own after the real ones, so it keeps a code (and its place in the text layer).
    missing: Vec<char>,
    /// The code of every character set in this face.
    codes: Codes,
    /// Whether every code follows from its character alone (see [`Subset::stable`]).
    stable: bool,
    /// The six-letter subset tag (`ABCDEF+`), derived from the glyphs kept so the same text
    /// always gets the same tag.
    pub tag: String,
}

/// The subset of the face printpdf names `name` (its PostScript name), with its index.
pub fn by_name<'s>(subsets: &'s [Subset], name: &[u8]) -> Option<(usize, &'s Subset)> {
    subsets
        .iter()
        .enumerate()
        .find(|(_, s)| name == s.font.postscript_name().as_bytes())
}

/// Plans the subset of every face used on `pages`; faces with no text are left out.
pub fn plan(fonts: &FontSet, pages: &[Page]) -> Result<Vec<Subset>, Error> {
    let mut out = Vec::with_capacity(FontId::ALL.len());
    for font in FontId::ALL {
        let mut glyphs = vec![0u16];
        let mut codes = Codes::default();
        let mut missing: Vec<char> = Vec::new();
        // The same characters as a set: one lookup per character of text, whatever the count.
        let mut missing_set: HashSet<char> = HashSet::new();
        for (_, item) in pages.iter().flat_map(|p| &p.items) {
            let Item::Text { text, font: f, .. } = item else {
                continue;
            };
            if *f != font {
                continue;
            }
            for c in text.chars() {
                if codes.get(c).is_some() || missing_set.contains(&c) {
                    continue;
                }
                match fonts.glyph(font, c) {
                    Some(gid) => {
                        codes.insert(c, gid);
                        glyphs.push(gid);
                    }
                    None => {
                        missing_set.insert(c);
                        missing.push(c);
                    }
                }
            }
        }
        if codes.is_empty() && missing.is_empty() {
            continue;
        }
        // Characters drawn by the same glyph leave it here twice.
        glyphs.sort_unstable();
        glyphs.dedup();
        // Codes above the face's glyph ids, one per missing character, from the character;
        // two that meet take the next free code.
        let first = u32::from(fonts.glyph_count(font));
        let room = 0x1_0000 - first;
        if missing.len() as u32 > room || glyphs.len() + missing.len() > 0xFFFF {
            return Err(Error::TooManyCharacters {
                font: font.postscript_name(),
                limit: room.min(0xFFFF - glyphs.len() as u32),
            });
        }
        let mut taken = HashSet::with_capacity(missing.len());
        let mut stable = true;
        for c in &missing {
            let mut slot = u32::from(*c) % room;
            while !taken.insert(slot) {
                stable = false;
                slot = (slot + 1) % room;
            }
            let code = u16::try_from(first + slot).expect("below 0x10000 by `room`");
            codes.insert(*c, code);
        }
        let tag = subset_tag(font, &codes.pairs);
        out.push(Subset {
            font,
            glyphs,
            missing,
            codes,
            stable,
            tag,
        });
    }
    Ok(out)
}

impl Subset {
    /// The code `c` is written with, or `None` if no text in this face contains `c`.
    pub fn code(&self, c: char) -> Option<u16> {
        self.codes.get(c)
    }

    /// Every character of this face with its code, in the order they were first met.
    pub fn codes(&self) -> impl Iterator<Item = (char, u16)> + '_ {
        self.codes.pairs.iter().copied()
    }

    /// Whether every character's code follows from the character alone, the same in any
    /// document: true unless two characters the face lacks met on one code, and one of them
    /// took the next.
    pub fn stable(&self) -> bool {
        self.stable
    }

    /// The `CIDToGIDMap`: for every code from 0 to the highest, the subset glyph it draws, two
    /// bytes big-endian (0, `.notdef`, for a code no character has): a kept glyph's place,
    /// or a missing character's blank after them.
    pub fn gid_map(&self) -> Vec<u8> {
        let last = self
            .codes
            .pairs
            .iter()
            .map(|&(_, code)| code)
            .max()
            .unwrap_or(0);
        let mut map = vec![0u8; (usize::from(last) + 1) * 2];
        let mut put = |code: u16, glyph: usize| {
            let glyph = u16::try_from(glyph).expect("`plan` gave at most 65,536 codes");
            let at = usize::from(code) * 2;
            map[at..at + 2].copy_from_slice(&glyph.to_be_bytes());
        };
        for (place, glyph) in self.glyphs.iter().enumerate().skip(1) {
            put(*glyph, place);
        }
        for (index, c) in self.missing.iter().enumerate() {
            let code = self
                .codes
                .get(*c)
                .expect("`plan` gave every missing character a code");
            put(code, self.glyphs.len() + index);
        }
        map
    }

    fn blanks(&self) -> u16 {
        u16::try_from(self.missing.len())
            .expect("`plan` gave every missing character a u16 code, so the count fits")
    }

    fn malformed(&self) -> Error {
        Error::Subset {
            font: self.font.postscript_name(),
            reason: "the font program is malformed".into(),
        }
    }

    /// The subset TrueType program: the glyphs used, then one blank glyph per missing
    /// character.
    pub fn program(&self, fonts: &FontSet) -> Result<Vec<u8>, Error> {
        sfnt::subset_program(
            fonts.bytes(self.font),
            &self.glyphs,
            self.blanks(),
            fonts.units_per_em(self.font),
        )
        .map_err(|error| match error {
            sfnt::FaceError::Malformed => self.malformed(),
            // The shipped faces have none; a face that did would be caught here rather than
            // drawn wrong.
            sfnt::FaceError::Composite => Error::Subset {
                font: self.font.postscript_name(),
                reason: "composite glyphs are not supported".into(),
            },
        })
    }

    /// The face as printpdf reads it (see [`sfnt::metrics_font`]).
    pub fn metrics(&self, fonts: &FontSet) -> Result<Vec<u8>, Error> {
        sfnt::metrics_font(fonts.bytes(self.font)).ok_or_else(|| self.malformed())
    }
}

/// Character → code, looked up once per character drawn: a table for the Basic Multilingual
/// Plane (where nearly every character of a form is), a map beyond it.
#[derive(Default)]
struct Codes {
    /// 0 = no code (0 is `.notdef`, never assigned to a character).
    bmp: BmpTable<u16>,
    beyond: HashMap<char, u16>,
    /// Every pair, in the order inserted.
    pairs: Vec<(char, u16)>,
}

impl Codes {
    fn get(&self, c: char) -> Option<u16> {
        if u32::from(c) > 0xFFFF {
            return self.beyond.get(&c).copied();
        }
        self.bmp.get(c).copied().filter(|&code| code != 0)
    }

    fn insert(&mut self, c: char, code: u16) {
        match self.bmp.entry_mut(c) {
            Some(slot) => *slot = code,
            None => {
                self.beyond.insert(c, code);
            }
        }
        self.pairs.push((c, code));
    }

    fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// Six capital letters from a hash of the face and its character → code pairs.
fn subset_tag(font: FontId, pairs: &[(char, u16)]) -> String {
    let mut pairs = pairs.to_vec();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{layout, LayoutOptions};

    fn bold(markdown: &str) -> Subset {
        let fonts = FontSet::get().unwrap();
        let document = layout(fonts, markdown, &LayoutOptions::default());
        plan(fonts, &document.pages)
            .unwrap()
            .into_iter()
            .find(|s| s.font == FontId::Bold)
            .unwrap()
    }

    /// What makes a page the same bytes in every form of a campaign: a character's code does
    /// not depend on the rest of the document, even for characters the face lacks.
    #[test]
    fn a_code_follows_from_the_character_alone() {
        let fonts = FontSet::get().unwrap();
        // The bold face lacks ☐ and ☑ (a form's instructions set them in bold).
        assert!(!fonts.covers(FontId::Bold, '☐') && !fonts.covers(FontId::Bold, '☑'));
        let one = bold("**勾选☐或☑，填写烟台**");
        let other = bold("**☑ 本单位已备案，☐ 未备案；填写青岛**");
        for c in ['☐', '☑', '，', '填'] {
            assert_eq!(one.code(c), other.code(c), "{c}");
        }
        assert!(one.stable() && other.stable());
        assert_eq!(one.code('勾'), fonts.glyph(FontId::Bold, '勾'));
        assert!(one.code('☐').unwrap() >= fonts.glyph_count(FontId::Bold));
        assert_ne!(one.code('☐'), one.code('☑'));
    }
}
