//! Embedded fonts: Noto Sans SC regular and bold, parsed once per process; advances and
//! glyph coverage for layout, raw bytes for the PDF writer.
//!
//! The faces are compiled into the binary (`include_bytes!`) because a fresh machine has no
//! CJK font. Parsing is zero-copy (`ttf-parser` reads tables in place), so the first call
//! costs microseconds and nothing is allocated per glyph.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use ttf_parser::{cmap, Face};

use crate::bmp_table::BmpTable;

// The shipped faces (`assets/fonts`) as `build.rs` repacks them: the glyphs of the characters
// the forms are written in come first, so a document's outlines lie together (`build/font.rs`).
static REGULAR: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/NotoSansSC-Regular.ttf"));
static BOLD: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/NotoSansSC-Bold.ttf"));

/// Which of the two embedded faces a run of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FontId {
    /// Noto Sans SC Regular (400); also used for italic and code, which have no face of their own.
    Regular,
    /// Noto Sans SC Bold (700).
    Bold,
}

impl FontId {
    /// Both faces, in a stable order (the PDF writer numbers its font resources by it).
    pub const ALL: [FontId; 2] = [FontId::Regular, FontId::Bold];

    /// The PostScript-style face name written into the PDF.
    pub fn postscript_name(self) -> &'static str {
        match self {
            FontId::Regular => "NotoSansSC-Regular",
            FontId::Bold => "NotoSansSC-Bold",
        }
    }
}

/// One parsed face: the bytes it borrows from and the Unicode subtable picked once.
struct Loaded {
    bytes: &'static [u8],
    face: Face<'static>,
    /// The widest Unicode cmap subtable (format 12 when present, so supplementary-plane
    /// hanzi resolve too), chosen at load instead of on every lookup.
    cmap: Option<cmap::Subtable<'static>>,
    /// Memo of look-ups for the Basic Multilingual Plane, filled as characters are met: a
    /// form measures the same few thousand hanzi over and over, and a binary search in a
    /// 30,000-glyph cmap plus an `hmtx` read per character showed in profiles. One word per
    /// character (see [`Memo`]); atomics keep it shareable by the threads of `generate --all`.
    bmp: BmpTable<AtomicU32>,
    units_per_em: f32,
}

impl Loaded {
    fn parse(bytes: &'static [u8]) -> Option<Self> {
        let face = Face::parse(bytes, 0).ok()?;
        let cmap = face.tables().cmap.and_then(|table| {
            let mut best: Option<cmap::Subtable<'static>> = None;
            for sub in table.subtables {
                if !sub.is_unicode() {
                    continue;
                }
                let full = matches!(sub.format, cmap::Format::SegmentedCoverage(_));
                if full || best.is_none() {
                    best = Some(sub);
                }
                if full {
                    break;
                }
            }
            best
        });
        let units_per_em = f32::from(face.units_per_em().max(1));
        Some(Loaded {
            bytes,
            face,
            cmap,
            bmp: BmpTable::new(),
            units_per_em,
        })
    }
}

/// The embedded regular and bold faces. Get the process-wide instance with [`FontSet::get`].
pub struct FontSet {
    regular: Loaded,
    bold: Loaded,
}

/// The embedded font data could not be parsed (a corrupt build, never a user input).
#[derive(Debug, Clone, thiserror::Error)]
#[error("the embedded font {0} could not be parsed")]
pub struct FontError(pub &'static str);

impl FontSet {
    /// The process-wide font set, parsed on first use.
    pub fn get() -> Result<&'static FontSet, FontError> {
        static SET: OnceLock<Result<FontSet, FontError>> = OnceLock::new();
        SET.get_or_init(|| {
            let regular =
                Loaded::parse(REGULAR).ok_or(FontError(FontId::Regular.postscript_name()))?;
            let bold = Loaded::parse(BOLD).ok_or(FontError(FontId::Bold.postscript_name()))?;
            Ok(FontSet { regular, bold })
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    fn face(&self, font: FontId) -> &Loaded {
        match font {
            FontId::Regular => &self.regular,
            FontId::Bold => &self.bold,
        }
    }

    /// Glyph and advance of `c` in `font`, from the memo or the face.
    fn memo(&self, font: FontId, c: char) -> Memo {
        let face = self.face(font);
        let lookup = || {
            let glyph = face
                .cmap
                .and_then(|sub| sub.glyph_index(u32::from(c)))
                .filter(|g| g.0 != 0);
            match glyph {
                Some(g) => Memo::found(g.0, face.face.glyph_hor_advance(g).unwrap_or(0)),
                None => Memo::MISSING,
            }
        };
        let Some(slot) = face.bmp.entry(c) else {
            return lookup();
        };
        match Memo(slot.load(Ordering::Relaxed)) {
            Memo::UNKNOWN => {
                let memo = lookup();
                slot.store(memo.0, Ordering::Relaxed);
                memo
            }
            memo => memo,
        }
    }

    /// The glyph drawing `c` in `font`, or `None` when the face lacks it.
    pub fn glyph(&self, font: FontId, c: char) -> Option<u16> {
        self.memo(font, c).glyph()
    }

    /// Whether `font` has a glyph for `c`.
    pub fn covers(&self, font: FontId, c: char) -> bool {
        self.glyph(font, c).is_some()
    }

    /// Advance of `c` in ems. A character the face lacks is drawn as a one-em box, so that
    /// is its width.
    pub fn advance(&self, font: FontId, c: char) -> f32 {
        self.glyph_advance(font, c).unwrap_or(1.0)
    }

    /// Advance in ems of the glyph drawing `c`, or `None` when the face lacks it.
    pub fn glyph_advance(&self, font: FontId, c: char) -> Option<f32> {
        let memo = self.memo(font, c);
        memo.glyph()
            .map(|_| f32::from(memo.advance()) / self.face(font).units_per_em)
    }

    /// How many glyphs `font` has: glyph ids are below it.
    pub fn glyph_count(&self, font: FontId) -> u16 {
        self.face(font).face.number_of_glyphs()
    }

    /// Design units per em of `font` (the PDF writer sizes substitute glyphs with it).
    pub fn units_per_em(&self, font: FontId) -> u16 {
        self.face(font).face.units_per_em()
    }

    /// The complete TrueType file of `font`, for subsetting.
    pub fn bytes(&self, font: FontId) -> &'static [u8] {
        self.face(font).bytes
    }
}

/// A memo word: bits 0–15 the glyph id, bits 16–31 its advance in font units. Glyph 0
/// (`.notdef`) is never a character's glyph, so a zero glyph id marks the two other states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Memo(u32);

impl Memo {
    /// Not looked up yet.
    const UNKNOWN: Memo = Memo(0);
    /// Looked up: the face has no glyph for the character.
    const MISSING: Memo = Memo(1 << 16);

    fn found(glyph: u16, advance: u16) -> Memo {
        Memo(u32::from(advance) << 16 | u32::from(glyph))
    }

    fn glyph(self) -> Option<u16> {
        match (self.0 & 0xFFFF) as u16 {
            0 => None,
            glyph => Some(glyph),
        }
    }

    fn advance(self) -> u16 {
        (self.0 >> 16) as u16
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ttf_parser::{GlyphId, OutlineBuilder};

    /// Every drawing command of an outline: a letter, then its coordinates' bits.
    #[derive(Default)]
    struct Recorder(Vec<u32>);

    impl Recorder {
        fn push(&mut self, command: u8, points: &[f32]) {
            self.0.push(u32::from(command));
            self.0.extend(points.iter().map(|p| p.to_bits()));
        }
    }

    impl OutlineBuilder for Recorder {
        fn move_to(&mut self, x: f32, y: f32) {
            self.push(b'M', &[x, y]);
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.push(b'L', &[x, y]);
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            self.push(b'Q', &[x1, y1, x, y]);
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            self.push(b'C', &[x1, y1, x2, y2, x, y]);
        }
        fn close(&mut self) {
            self.push(b'Z', &[]);
        }
    }

    fn drawing(face: &Face, glyph: GlyphId) -> (Vec<u32>, Option<u16>, Option<i16>) {
        let mut outline = Recorder::default();
        face.outline_glyph(glyph, &mut outline);
        (
            outline.0,
            face.glyph_hor_advance(glyph),
            face.glyph_hor_side_bearing(glyph),
        )
    }

    /// `build.rs` renumbers the glyphs of the embedded faces; every character must still be
    /// drawn, advanced and placed exactly as by the faces in `assets/fonts`.
    #[test]
    fn embedded_faces_draw_every_character_as_the_shipped_ones() {
        let fonts = FontSet::get().unwrap();
        for font in FontId::ALL {
            let path = format!(
                "{}/assets/fonts/{}.ttf",
                env!("CARGO_MANIFEST_DIR"),
                font.postscript_name()
            );
            let shipped_bytes = std::fs::read(&path).unwrap();
            let shipped = Face::parse(&shipped_bytes, 0).unwrap();
            let embedded = &fonts.face(font).face;
            assert_eq!(embedded.number_of_glyphs(), shipped.number_of_glyphs());
            let mut characters = 0;
            for sub in shipped.tables().cmap.unwrap().subtables {
                if !matches!(sub.format, cmap::Format::SegmentedCoverage(_)) {
                    continue;
                }
                sub.codepoints(|code| {
                    let c = char::from_u32(code).unwrap();
                    let old = sub.glyph_index(code).unwrap();
                    let new = GlyphId(fonts.glyph(font, c).unwrap());
                    assert_eq!(drawing(embedded, new), drawing(&shipped, old), "{c:?}");
                    characters += 1;
                });
            }
            assert!(characters > 30_000, "{characters} characters compared");
        }
    }

    #[test]
    fn covers_common_and_rare_hanzi() {
        let fonts = FontSet::get().expect("embedded fonts parse");
        for c in "信息安全检查表〔〕①—…□㐀龘".chars() {
            assert!(fonts.covers(FontId::Regular, c), "regular lacks {c}");
            assert!(fonts.covers(FontId::Bold, c), "bold lacks {c}");
        }
        assert!(!fonts.covers(FontId::Regular, '☐'));
        assert!((fonts.advance(FontId::Regular, '中') - 1.0).abs() < 1e-6);
    }
}
