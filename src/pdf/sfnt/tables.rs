//! Reading and writing sfnt (TrueType) tables: big-endian fields, the table directory and
//! checksums, and glyphs copied with their metrics into a new face. Shared by the subset
//! writer and the build script, which repacks the shipped faces (`build/font.rs`), so it
//! depends on nothing but `std`.

use std::borrow::Cow;

/// What an sfnt table is written from.
pub enum Data<'f> {
    Bytes(Cow<'f, [u8]>),
    /// Glyph outlines, one after the other, each padded to four bytes (what `loca` says).
    Outlines(Vec<&'f [u8]>),
}

impl Data<'_> {
    pub fn len(&self) -> usize {
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
pub type Table<'f> = ([u8; 4], Data<'f>);

pub fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

pub fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
        *data.get(at + 2)?,
        *data.get(at + 3)?,
    ]))
}

pub fn put16(data: &mut [u8], at: usize, value: u16) -> Option<()> {
    data.get_mut(at..at + 2)?
        .copy_from_slice(&value.to_be_bytes());
    Some(())
}

pub fn put32(data: &mut [u8], at: usize, value: u32) -> Option<()> {
    data.get_mut(at..at + 4)?
        .copy_from_slice(&value.to_be_bytes());
    Some(())
}

/// Writes tables into an sfnt (sorted tags, 4-byte aligned, checksums and the `head`
/// checksum adjustment filled in), in one buffer of the final size. A `head` table too short
/// for its checksum adjustment is malformed.
pub fn assemble(version: u32, mut tables: Vec<Table>) -> Result<Vec<u8>, FaceError> {
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
            put32(&mut out, offset + 8, 0).ok_or(FaceError::Malformed)?;
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
        put32(&mut out, head + 8, adjustment).expect("the head table was written above");
    }
    Ok(out)
}

pub fn checksum(data: &[u8]) -> u32 {
    let mut words = data.chunks_exact(4);
    let sum = words.by_ref().fold(0u32, |sum, w| {
        sum.wrapping_add(u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
    });
    let rest = words.remainder();
    let mut last = [0u8; 4];
    last[..rest.len()].copy_from_slice(rest);
    sum.wrapping_add(u32::from_be_bytes(last))
}

/// The table `tag` of a single-face sfnt, borrowed.
pub fn table<'f>(font: &'f [u8], tag: &[u8; 4]) -> Option<&'f [u8]> {
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

/// Why a face could not be read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceError {
    /// The face is not a well-formed TrueType face.
    Malformed,
    /// A glyph asked for is a composite, whose components would need renumbering.
    Composite,
}

/// The glyph tables of a face, borrowed: where outlines and horizontal metrics are read.
pub struct GlyphSource<'f> {
    head: &'f [u8],
    hhea: &'f [u8],
    hmtx: &'f [u8],
    loca: &'f [u8],
    glyf: &'f [u8],
}

impl<'f> GlyphSource<'f> {
    pub fn of(font: &'f [u8]) -> Result<Self, FaceError> {
        let table = |tag| table(font, tag).ok_or(FaceError::Malformed);
        Ok(GlyphSource {
            head: table(b"head")?,
            hhea: table(b"hhea")?,
            hmtx: table(b"hmtx")?,
            loca: table(b"loca")?,
            glyf: table(b"glyf")?,
        })
    }

    /// The outline of glyph `gid`, found through `loca` in the format `head` gives.
    pub fn outline(&self, gid: usize) -> Option<&'f [u8]> {
        let start = |gid: usize| {
            if be16(self.head, 50)? == 1 {
                be32(self.loca, gid * 4).map(|o| o as usize)
            } else {
                be16(self.loca, gid * 2).map(|o| usize::from(o) * 2)
            }
        };
        self.glyf.get(start(gid)?..start(gid + 1)?)
    }

    /// Advance and left side bearing of glyph `gid`. A face may leave out the advances of its
    /// last glyphs (`hhea` says how many it gives), which then repeat the last one given.
    fn metric(&self, gid: usize) -> Option<(u16, u16)> {
        let long = usize::from(be16(self.hhea, 34)?.max(1));
        if gid < long {
            Some((be16(self.hmtx, gid * 4)?, be16(self.hmtx, gid * 4 + 2)?))
        } else {
            Some((
                be16(self.hmtx, (long - 1) * 4)?,
                be16(self.hmtx, long * 4 + (gid - long) * 2)?,
            ))
        }
    }
}

/// The glyphs of a new face, gathered in their new order: outlines for `glyf` and a full
/// `hmtx` record each; `loca` follows from the outlines.
pub struct NewGlyphs<'f> {
    outlines: Vec<&'f [u8]>,
    hmtx: Vec<u8>,
}

impl<'f> NewGlyphs<'f> {
    pub fn with_capacity(glyphs: usize) -> Self {
        NewGlyphs {
            outlines: Vec::with_capacity(glyphs),
            hmtx: Vec::with_capacity(glyphs * 4),
        }
    }

    /// Appends glyph `gid` of `source`: its outline and metrics, unchanged.
    pub fn copy(&mut self, source: &GlyphSource<'f>, gid: usize) -> Result<(), FaceError> {
        let outline = source.outline(gid).ok_or(FaceError::Malformed)?;
        // numberOfContours < 0 marks a composite.
        if be16(outline, 0).is_some_and(|contours| contours & 0x8000 != 0) {
            return Err(FaceError::Composite);
        }
        let (advance, bearing) = source.metric(gid).ok_or(FaceError::Malformed)?;
        self.push(outline, advance, bearing);
        Ok(())
    }

    /// Appends an empty glyph `advance` units wide.
    pub fn blank(&mut self, advance: u16) {
        self.push(&[], advance, 0);
    }

    fn push(&mut self, outline: &'f [u8], advance: u16, bearing: u16) {
        self.outlines.push(outline);
        self.hmtx.extend_from_slice(&advance.to_be_bytes());
        self.hmtx.extend_from_slice(&bearing.to_be_bytes());
    }

    /// How many glyphs there are; `hhea` and `maxp` must say so.
    pub fn count(&self) -> Result<u16, FaceError> {
        u16::try_from(self.outlines.len()).map_err(|_| FaceError::Malformed)
    }

    /// `hmtx`, `loca` (long format: `head` must say so) and `glyf`.
    pub fn into_tables(self) -> [Table<'f>; 3] {
        let mut loca = Vec::with_capacity((self.outlines.len() + 1) * 4);
        let mut offset = 0u32;
        loca.extend_from_slice(&offset.to_be_bytes());
        for outline in &self.outlines {
            offset += outline.len().next_multiple_of(4) as u32;
            loca.extend_from_slice(&offset.to_be_bytes());
        }
        [
            (*b"hmtx", self.hmtx.into()),
            (*b"loca", loca.into()),
            (*b"glyf", Data::Outlines(self.outlines)),
        ]
    }
}
