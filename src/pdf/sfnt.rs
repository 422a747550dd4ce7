//! Blank glyphs added to a subset TrueType program before it is embedded, and the
//! outline-free copy of a subset that printpdf reads metrics from.
//!
//! Characters the face lacks get blank glyphs of their own, appended at the end: each blank
//! glyph is one code in the PDF, mapped to its character in the ToUnicode CMap, so the
//! character survives in the text layer while layout draws a box over it.
//!
//! The embedded program has no `cmap` (the subsetter drops it): a CIDFontType2 maps codes to
//! glyphs through its CIDToGIDMap, and ISO 32000-1 §9.9 asks for a `cmap` only in symbolic
//! simple TrueType fonts. printpdf's font parser refuses a face without one, so the metrics
//! copy it reads has an empty one.

use std::borrow::Cow;

/// An sfnt table: tag and contents, borrowed from the font it was read from until edited.
type Table<'f> = ([u8; 4], Cow<'f, [u8]>);

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

/// Reads the table directory of a single-face sfnt.
fn tables(font: &[u8]) -> Option<Vec<Table<'_>>> {
    let count = usize::from(be16(font, 4)?);
    let mut out = Vec::with_capacity(count + 1);
    for i in 0..count {
        let record = 12 + 16 * i;
        let tag: [u8; 4] = font.get(record..record + 4)?.try_into().ok()?;
        let offset = be32(font, record + 8)? as usize;
        let length = be32(font, record + 12)? as usize;
        out.push((
            tag,
            Cow::Borrowed(font.get(offset..offset.checked_add(length)?)?),
        ));
    }
    Some(out)
}

fn find<'t>(tables: &'t [Table], tag: &[u8; 4]) -> Option<&'t [u8]> {
    tables.iter().find(|t| &t.0 == tag).map(|t| &*t.1)
}

/// The table `tag`, copied for editing if still borrowed.
fn find_mut<'t>(tables: &'t mut [Table], tag: &[u8; 4]) -> Option<&'t mut Vec<u8>> {
    tables
        .iter_mut()
        .find(|t| &t.0 == tag)
        .map(|t| t.1.to_mut())
}

/// Writes tables back into an sfnt (sorted tags, 4-byte aligned, checksums filled in).
fn assemble(version: u32, mut tables: Vec<Table>) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let count = tables.len() as u16;
    let selector = (u16::BITS - 1 - count.max(1).leading_zeros()) as u16;
    let range = (1u16 << selector) * 16;
    let mut out = Vec::with_capacity(tables.iter().map(|t| t.1.len() + 20).sum::<usize>() + 12);
    out.extend_from_slice(&version.to_be_bytes());
    for value in [count, range, selector, count * 16 - range] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    for (tag, data) in &tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    out
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
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

/// Adds `blanks` empty glyphs, each one `advance` units wide, after the last glyph of `font`.
/// Returns the font (the same bytes when there are no blanks to add) and the id of the first
/// blank glyph; `None` if the program is not a well-formed TrueType face.
pub fn finish_subset(font: Vec<u8>, blanks: u16, advance: u16) -> Option<(Vec<u8>, u16)> {
    let version = be32(&font, 0)?;
    let mut tables = tables(&font)?;
    let long_loca = be16(find(&tables, b"head")?, 50)? == 1;
    let glyphs = be16(find(&tables, b"maxp")?, 4)?;
    let first_blank = glyphs;
    let total = glyphs.checked_add(blanks)?;
    if blanks == 0 {
        return Some((font, first_blank));
    }

    // loca: every blank glyph starts (and ends) where the glyf data ends.
    let loca = find_mut(&mut tables, b"loca")?;
    let entry = if long_loca { 4 } else { 2 };
    let end_at = usize::from(glyphs) * entry;
    let end = loca.get(end_at..end_at + entry)?.to_vec();
    loca.truncate(end_at + entry);
    for _ in 0..blanks {
        loca.extend_from_slice(&end);
    }

    // hmtx: rewrite in full (one advance per glyph) so the blanks can have their own width.
    let hmtx = full_hmtx(
        find(&tables, b"hhea")?,
        find(&tables, b"hmtx")?,
        0..glyphs,
        blanks,
        advance,
    )?;
    *find_mut(&mut tables, b"hmtx")? = hmtx;

    put16(find_mut(&mut tables, b"maxp")?, 4, total)?;
    put16(find_mut(&mut tables, b"hhea")?, 34, total)?;
    Some((assemble(version, tables), first_blank))
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
    let mut out = Vec::new();
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

/// A font with the metrics of a subset and no outlines: original glyphs `glyphs` (in subset
/// order) followed by `blanks` glyphs `advance` units wide, with an empty `glyf`, a zero
/// `loca`, and no hinting. printpdf reads widths and names from it by decoding each glyph,
/// which costs nothing without outlines; the real program replaces it in the finished file.
/// Made from the full face, it does not wait for the subset program.
pub fn metrics_font(
    face: &[u8],
    glyphs: impl Iterator<Item = u16>,
    blanks: u16,
    advance: u16,
) -> Option<Vec<u8>> {
    let version = be32(face, 0)?;
    let hhea = table(face, b"hhea")?;
    let metrics = full_hmtx(hhea, table(face, b"hmtx")?, glyphs, blanks, advance)?;
    let total = u16::try_from(metrics.len() / 4).ok()?;

    let head = table(face, b"head")?;
    let long_loca = be16(head, 50)? == 1;
    let mut hhea = hhea.to_vec();
    put16(&mut hhea, 34, total)?;
    let mut maxp = table(face, b"maxp")?.to_vec();
    put16(&mut maxp, 4, total)?;
    let loca = vec![0; (usize::from(total) + 1) * if long_loca { 4 } else { 2 }];
    let mut tables: Vec<Table> = vec![
        (*b"head", Cow::Borrowed(head)),
        (*b"hhea", hhea.into()),
        (*b"maxp", maxp.into()),
        (*b"hmtx", metrics.into()),
        (*b"loca", loca.into()),
        (*b"glyf", Cow::Borrowed(&[])),
        (*b"cmap", empty_cmap().into()),
    ];
    if let Some(name) = table(face, b"name") {
        tables.push((*b"name", Cow::Borrowed(name)));
    }
    Some(assemble(version, tables))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_garbage() {
        assert!(finish_subset(b"not a font at all".to_vec(), 2, 1000).is_none());
        assert!(finish_subset(Vec::new(), 0, 1000).is_none());
        assert!(metrics_font(b"not a font at all", [1, 2].into_iter(), 0, 1000).is_none());
        assert!(metrics_font(&[], std::iter::empty(), 1, 1000).is_none());
    }
}
