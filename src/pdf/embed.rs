//! Font subsets: which glyphs each face needs, the code every character is written with, the
//! subset program, and the one-glyph copy of the face printpdf reads its metrics from.
//!
//! Subsetting is done here (see [`sfnt`]) rather than by printpdf, which would parse and
//! subset the whole 10 MB face on every document: that costs tens of milliseconds, while
//! [`sfnt::subset_program`] copies only the outlines used from the face compiled into the
//! binary. Codes are the subset's glyph ids (Identity-H); their widths and ToUnicode CMap are
//! written by `cidfont`.
//!
//! The [`Subset`] (glyphs and codes) is cheap and made first; the program and the metrics
//! copy each follow from it alone.

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
    /// Original glyph ids in subset order: subset glyph `i` is original glyph `glyphs[i]`;
    /// `.notdef` (0) comes first.
    glyphs: Vec<u16>,
    /// Characters the face lacks, in order of first appearance. Each gets a blank glyph of
    /// its own after the real ones, so it keeps a code (and its place in the text layer).
    missing: Vec<char>,
    /// The code (subset glyph id) of every character set in this face.
    codes: Codes,
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
        // Original glyph id → subset glyph id, for characters drawn by the same glyph.
        let mut subset_ids: HashMap<u16, u16> = HashMap::new();
        let mut codes = Codes::default();
        let mut missing: Vec<char> = Vec::new();
        // The same characters as a set: one lookup per character of text, whatever the count.
        let mut missing_set: HashSet<char> = HashSet::new();
        let too_many = || Error::TooManyCharacters {
            font: font.postscript_name(),
        };
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
                        let next = u16::try_from(glyphs.len()).map_err(|_| too_many())?;
                        let code = *subset_ids.entry(gid).or_insert_with(|| {
                            glyphs.push(gid);
                            next
                        });
                        codes.insert(c, code);
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
        let first_blank = u16::try_from(glyphs.len()).map_err(|_| too_many())?;
        for (i, c) in missing.iter().enumerate() {
            let offset = u16::try_from(i).map_err(|_| too_many())?;
            codes.insert(*c, first_blank.checked_add(offset).ok_or_else(too_many)?);
        }
        let tag = subset_tag(font, &codes.pairs);
        out.push(Subset {
            font,
            glyphs,
            missing,
            codes,
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
