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

use std::borrow::Cow;

/// What an sfnt table is written from.
enum Data<'f> {
    Bytes(Cow<'f, [u8]>),
    /// Glyph outlines, one after the other, each padded to four bytes (what `loca` says).
    Outlines(Vec<&'f [u8]>),
}

impl Data<'_> {
    fn len(&self) -> usize {
        match self {
            Data::Bytes(bytes) => bytes.len(),
            Data::Outlines(outlines) => outlines.iter().map(|o| o.len().next_multiple_of(4)).sum(),
        }
    }
}

impl<'f> From<Vec<u8>> for Data<'f> {
    fn from(bytes: Vec<u8>) -> Self {
        Data::Bytes(Cow::Owned(bytes))
    }
}

impl<'f> From<&'f [u8]> for Data<'f> {
    fn from(bytes: &'f [u8]) -> Self {
        Data::Bytes(Cow::Borrowed(bytes))
    }
}

/// An sfnt table: tag and contents.
type Table<'f> = ([u8; 4], Data<'f>);

/// Why a subset program could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramError {
    /// The face is not a well-formed TrueType face.
    Malformed,
    /// A glyph used is a composite.
    Composite,
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
        *data.get(at + 2)?,
        *data.get(at + 3)?,
    ]))
}

fn put16(data: &mut [u8], at: usize, value: u16) -> Option<()> {
    data.get_mut(at..at + 2)?
        .copy_from_slice(&value.to_be_bytes());
    Some(())
}

fn put32(data: &mut [u8], at: usize, value: u32) -> Option<()> {
    data.get_mut(at..at + 4)?
        .copy_from_slice(&value.to_be_bytes());
    Some(())
}

/// Writes tables into an sfnt (sorted tags, 4-byte aligned, checksums and the `head`
/// checksum adjustment filled in), in one buffer of the final size.
fn assemble(version: u32, mut tables: Vec<Table>) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let count = tables.len() as u16;
    let selector = (u16::BITS - 1 - count.max(1).leading_zeros()) as u16;
    let range = (1u16 << selector) * 16;
    let directory = 12 + 16 * tables.len();
    let size = directory
        + tables
            .iter()
            .map(|t| t.1.len().next_multiple_of(4))
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&version.to_be_bytes());
    for value in [count, range, selector, count * 16 - range] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    out.resize(directory, 0);
    let mut head_at = None;
    for (i, (tag, data)) in tables.iter().enumerate() {
        let offset = out.len();
        match data {
            Data::Bytes(bytes) => out.extend_from_slice(bytes),
            Data::Outlines(outlines) => {
                for outline in outlines {
                    out.extend_from_slice(outline);
                    out.resize(out.len().next_multiple_of(4), 0);
                }
            }
        }
        let length = out.len() - offset;
        out.resize(out.len().next_multiple_of(4), 0);
        if tag == b"head" {
            // Summed with the adjustment at zero, as the format asks; set below.
            let _ = put32(&mut out, offset + 8, 0);
            head_at = Some(offset);
        }
        let sum = checksum(&out[offset..]);
        let record = 12 + 16 * i;
        out[record..record + 4].copy_from_slice(tag);
        out[record + 4..record + 8].copy_from_slice(&sum.to_be_bytes());
        out[record + 8..record + 12].copy_from_slice(&(offset as u32).to_be_bytes());
        out[record + 12..record + 16].copy_from_slice(&(length as u32).to_be_bytes());
    }
    if let Some(head) = head_at {
        let adjustment = 0xB1B0_AFBA_u32.wrapping_sub(checksum(&out));
        let _ = put32(&mut out, head + 8, adjustment);
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    let mut words = data.chunks_exact(4);
    let sum = words.by_ref().fold(0u32, |sum, w| {
        sum.wrapping_add(u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
    });
    let rest = words.remainder();
    let mut last = [0u8; 4];
    last[..rest.len()].copy_from_slice(rest);
    sum.wrapping_add(u32::from_be_bytes(last))
}

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
) -> Result<Vec<u8>, ProgramError> {
    subset_with(face, glyphs, blanks, advance, Vec::new())
}

/// [`subset_program`] with `extra` tables added.
fn subset_with<'f>(
    face: &'f [u8],
    glyphs: &[u16],
    blanks: u16,
    advance: u16,
    extra: Vec<Table<'f>>,
) -> Result<Vec<u8>, ProgramError> {
    let malformed = ProgramError::Malformed;
    let version = be32(face, 0).ok_or(malformed)?;
    let table = |tag: &[u8; 4]| table(face, tag);
    let (Some(head), Some(hhea), Some(maxp), Some(hmtx), Some(loca), Some(glyf)) = (
        table(b"head"),
        table(b"hhea"),
        table(b"maxp"),
        table(b"hmtx"),
        table(b"loca"),
        table(b"glyf"),
    ) else {
        return Err(malformed);
    };
    let long_loca = be16(head, 50).ok_or(malformed)? == 1;
    let start = |gid: usize| {
        if long_loca {
            be32(loca, gid * 4).map(|o| o as usize)
        } else {
            be16(loca, gid * 2).map(|o| usize::from(o) * 2)
        }
    };
    let mut outlines = Vec::with_capacity(glyphs.len() + usize::from(blanks));
    for gid in glyphs.iter().map(|&g| usize::from(g)) {
        let (from, to) = (
            start(gid).ok_or(malformed)?,
            start(gid + 1).ok_or(malformed)?,
        );
        let outline = glyf.get(from..to).ok_or(malformed)?;
        // numberOfContours < 0 marks a composite.
        if be16(outline, 0).is_some_and(|contours| contours & 0x8000 != 0) {
            return Err(ProgramError::Composite);
        }
        outlines.push(outline);
    }
    outlines.extend((0..blanks).map(|_| &[][..]));
    let total = u16::try_from(outlines.len()).map_err(|_| malformed)?;

    let mut new_loca = Vec::with_capacity((outlines.len() + 1) * 4);
    let mut offset = 0u32;
    new_loca.extend_from_slice(&offset.to_be_bytes());
    for outline in &outlines {
        offset += outline.len().next_multiple_of(4) as u32;
        new_loca.extend_from_slice(&offset.to_be_bytes());
    }
    let metrics =
        full_hmtx(hhea, hmtx, glyphs.iter().copied(), blanks, advance).ok_or(malformed)?;
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
        (*b"hmtx", metrics.into()),
        (*b"loca", new_loca.into()),
        (*b"glyf", Data::Outlines(outlines)),
    ];
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
    Ok(assemble(version, tables))
}

/// An `hmtx` with a full (advance, side bearing) record for each of `glyphs` (ids into the
/// face `hhea` and `hmtx` come from), then `blanks` records `advance` wide. A face may leave
/// out the advances of its last glyphs, which then repeat the last one given.
fn full_hmtx(
    hhea: &[u8],
    hmtx: &[u8],
    glyphs: impl Iterator<Item = u16>,
    blanks: u16,
    advance: u16,
) -> Option<Vec<u8>> {
    let long = usize::from(be16(hhea, 34)?.max(1));
    let mut out = Vec::with_capacity((glyphs.size_hint().0 + usize::from(blanks)) * 4);
    for gid in glyphs.map(usize::from) {
        let (width, lsb) = if gid < long {
            (be16(hmtx, gid * 4)?, be16(hmtx, gid * 4 + 2)?)
        } else {
            (
                be16(hmtx, (long - 1) * 4)?,
                be16(hmtx, long * 4 + (gid - long) * 2)?,
            )
        };
        out.extend_from_slice(&width.to_be_bytes());
        out.extend_from_slice(&lsb.to_be_bytes());
    }
    for _ in 0..blanks {
        out.extend_from_slice(&advance.to_be_bytes());
        out.extend_from_slice(&0u16.to_be_bytes());
    }
    Some(out)
}

/// The table `tag` of a single-face sfnt, borrowed.
fn table<'f>(font: &'f [u8], tag: &[u8; 4]) -> Option<&'f [u8]> {
    let count = usize::from(be16(font, 4)?);
    (0..count).find_map(|i| {
        let record = 12 + 16 * i;
        if font.get(record..record + 4)? != tag {
            return None;
        }
        let offset = be32(font, record + 8)? as usize;
        let length = be32(font, record + 12)? as usize;
        font.get(offset..offset.checked_add(length)?)
    })
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
    use super::*;
    use crate::fonts::{FontId, FontSet};
    use ttf_parser::{Face, GlyphId};

    #[test]
    fn rejects_garbage() {
        let garbage = b"not a font at all";
        assert_eq!(
            subset_program(garbage, &[0, 1], 2, 1000),
            Err(ProgramError::Malformed)
        );
        assert_eq!(
            subset_program(&[], &[0], 0, 1000),
            Err(ProgramError::Malformed)
        );
        assert!(metrics_font(garbage).is_none());
        assert!(metrics_font(&[]).is_none());
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
