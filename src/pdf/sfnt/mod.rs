//! The TrueType programs embedded in a PDF: the subset of a face a document uses, and the
//! outline-free copy of it that printpdf reads metrics from.
//!
//! The subset is written in one pass into a buffer of its final size: the outlines of the
//! glyphs used are copied once from the face, in subset order. (The `subsetter` crate, used
//! before, grew each table and then copied the whole font again; for a 17-page checklist
//! that was a sixth of the render.) Composite glyphs are refused: their components would
//! need renumbering, and the shipped faces have none.
//!
//! Characters the face lacks get blank glyphs of their own, appended at the end: each blank
//! glyph is one code in the PDF, mapped to its character in the ToUnicode CMap, so the
//! character survives in the text layer while layout draws a box over it.
//!
//! The program has no `cmap`: a CIDFontType2 maps codes to glyphs through its CIDToGIDMap,
//! and ISO 32000-1 §9.9 asks for a `cmap` only in symbolic simple TrueType fonts. printpdf's
//! font parser refuses a face without one, so the metrics copy it reads has an empty one.

mod tables;

pub use self::tables::FaceError;
use self::tables::{assemble, be32, put16, put32, table, GlyphSource, NewGlyphs, Table};

/// A format 4 `cmap` with only the mandatory final segment: valid, and maps nothing.
fn empty_cmap() -> Vec<u8> {
    let header = [0u16, 1, 3, 1];
    let subtable = [4u16, 24, 0, 2, 2, 0, 0, 0xFFFF, 0, 0xFFFF, 1, 0];
    let mut out = Vec::with_capacity(36);
    for v in header {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(&12u32.to_be_bytes());
    for v in subtable {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out
}

/// The subset program: original glyphs `glyphs` of `face` (ids in subset order, `.notdef`
/// first) followed by `blanks` empty glyphs `advance` units wide. Keeps the face's `name`,
/// `post` (as version 3, without glyph names) and hinting tables; `loca` is written in the
/// long format.
pub fn subset_program(
    face: &[u8],
    glyphs: &[u16],
    blanks: u16,
    advance: u16,
) -> Result<Vec<u8>, FaceError> {
    subset_with(face, glyphs, blanks, advance, Vec::new())
}

/// [`subset_program`] with `extra` tables added.
fn subset_with<'f>(
    face: &'f [u8],
    glyphs: &[u16],
    blanks: u16,
    advance: u16,
    extra: Vec<Table<'f>>,
) -> Result<Vec<u8>, FaceError> {
    let malformed = FaceError::Malformed;
    let version = be32(face, 0).ok_or(malformed)?;
    let table = |tag: &[u8; 4]| table(face, tag);
    let (Some(head), Some(hhea), Some(maxp)) = (table(b"head"), table(b"hhea"), table(b"maxp"))
    else {
        return Err(malformed);
    };
    let source = GlyphSource::of(face)?;
    let mut new = NewGlyphs::with_capacity(glyphs.len() + usize::from(blanks));
    for &gid in glyphs {
        new.copy(&source, usize::from(gid))?;
    }
    for _ in 0..blanks {
        new.blank(advance);
    }
    let total = new.count()?;
    let mut head = head.to_vec();
    put16(&mut head, 50, 1).ok_or(malformed)?;
    let mut hhea = hhea.to_vec();
    put16(&mut hhea, 34, total).ok_or(malformed)?;
    let mut maxp = maxp.to_vec();
    put16(&mut maxp, 4, total).ok_or(malformed)?;

    let mut tables: Vec<Table> = vec![
        (*b"head", head.into()),
        (*b"hhea", hhea.into()),
        (*b"maxp", maxp.into()),
    ];
    tables.extend(new.into_tables());
    if let Some(post) = table(b"post") {
        // Version 3: the header alone. Glyph names (version 2) would follow the old ids.
        let mut post = post.get(..32).ok_or(malformed)?.to_vec();
        put32(&mut post, 0, 0x0003_0000).ok_or(malformed)?;
        tables.push((*b"post", post.into()));
    }
    for tag in [b"name", b"cvt ", b"fpgm", b"prep"] {
        if let Some(data) = table(tag) {
            tables.push((*tag, data.into()));
        }
    }
    tables.extend(extra);
    assemble(version, tables).map_err(|_| malformed)
}

/// The face reduced to what printpdf reads from it: its tables of metrics and names, and
/// one glyph (`.notdef`), with an empty `cmap` (printpdf refuses a face without one).
/// printpdf parses this instead of the 10 MB face; the widths and the ToUnicode CMap come from
/// the subset (see `cidfont`), and the subset program takes its place in the finished file.
pub fn metrics_font(face: &[u8]) -> Option<Vec<u8>> {
    subset_with(face, &[0], 0, 0, vec![(*b"cmap", empty_cmap().into())]).ok()
}

#[cfg(test)]
mod tests {
    use super::tables::checksum;
    use super::*;
    use crate::fonts::{FontId, FontSet};
    use ttf_parser::{Face, GlyphId};

    #[test]
    fn rejects_garbage() {
        let garbage = b"not a font at all";
        assert_eq!(
            subset_program(garbage, &[0, 1], 2, 1000),
            Err(FaceError::Malformed)
        );
        assert_eq!(
            subset_program(&[], &[0], 0, 1000),
            Err(FaceError::Malformed)
        );
        assert!(metrics_font(garbage).is_none());
        assert!(metrics_font(&[]).is_none());
    }

    /// The point of `build.rs` repacking the faces: the outlines of the characters the forms
    /// are written in lie together at the start of `glyf`, not across its 10 MB.
    #[test]
    fn outlines_of_form_text_lie_together() {
        let fonts = FontSet::get().unwrap();
        let text: String = crate::embedded::RULES
            .iter()
            .map(|(_, text)| *text)
            .collect();
        for font in FontId::ALL {
            let bytes = fonts.bytes(font);
            let (loca, glyf) = (
                table(bytes, b"loca").unwrap(),
                table(bytes, b"glyf").unwrap(),
            );
            let end_of = |glyph: u16| be32(loca, (usize::from(glyph) + 1) * 4).unwrap() as usize;
            let last = text
                .chars()
                .filter_map(|c| fonts.glyph(font, c))
                .max()
                .unwrap();
            assert!(
                end_of(last) < glyf.len() / 8,
                "{font:?}: the rules' outlines end at byte {} of {}",
                end_of(last),
                glyf.len()
            );
        }
    }

    #[test]
    fn subset_keeps_outlines_and_metrics_and_adds_blanks() {
        let fonts = FontSet::get().unwrap();
        let bytes = fonts.bytes(FontId::Regular);
        let original = Face::parse(bytes, 0).unwrap();
        let used: Vec<u16> = "中文a"
            .chars()
            .map(|c| fonts.glyph(FontId::Regular, c).unwrap())
            .collect();
        let glyphs: Vec<u16> = std::iter::once(0).chain(used.iter().copied()).collect();
        let program = subset_program(bytes, &glyphs, 2, 777).unwrap();

        let subset = Face::parse(&program, 0).unwrap();
        assert_eq!(subset.number_of_glyphs(), 6);
        for (new, old) in glyphs.iter().enumerate() {
            let (new, old) = (GlyphId(new as u16), GlyphId(*old));
            assert_eq!(
                subset.glyph_bounding_box(new),
                original.glyph_bounding_box(old)
            );
            assert_eq!(
                subset.glyph_hor_advance(new),
                original.glyph_hor_advance(old)
            );
        }
        for blank in [GlyphId(4), GlyphId(5)] {
            assert_eq!(subset.glyph_bounding_box(blank), None);
            assert_eq!(subset.glyph_hor_advance(blank), Some(777));
        }
        // The whole font sums to the format's constant through the `head` adjustment.
        assert_eq!(checksum(&program), 0xB1B0_AFBA);
        assert!(
            program.len() < 8192,
            "{} bytes for six glyphs",
            program.len()
        );
    }
}
