//! Repacks a shipped face for the binary: the glyphs of the characters the forms are written
//! in are renumbered to come first, so their outlines sit together in `glyf`.
//!
//! The glyphs a document uses are read from the face as it lies in the executable's memory
//! map. In the shipped faces glyph order follows no frequency, so the 700 glyphs of a form
//! were spread over 10 MB: every render faulted in some 170 windows of 64 KiB (about 0.6 ms
//! of a 9 ms render, with unmapping them at exit) for 160 KiB of outlines. Renumbered, the
//! same outlines lie in a few windows.
//!
//! Outlines, advances and side bearings, names and hinting are copied unchanged. Tables that
//! index glyphs for features the renderer does not use (OpenType layout, vertical metrics)
//! are left out rather than renumbered; an unknown table stops the build, so a new face is
//! looked at before it ships.

use std::collections::BTreeMap;

use crate::sfnt_tables::{
    assemble, be16, be32, put16, table, FaceError, GlyphSource, NewGlyphs, Table,
};

/// Tables copied as they are: nothing in them refers to glyph ids (`post` only in version 2,
/// refused below).
const KEPT: [&[u8; 4]; 9] = [
    b"OS/2", b"STAT", b"gasp", b"head", b"hhea", b"maxp", b"name", b"post", b"prep",
];
/// Tables rewritten for the new numbering.
const RENUMBERED: [&[u8; 4]; 4] = [b"cmap", b"glyf", b"hmtx", b"loca"];
/// Tables that index glyphs for OpenType layout (GSUB, GPOS, GDEF, BASE) or vertical text
/// (vhea, vmtx), which the renderer does not do.
const DROPPED: [&[u8; 4]; 6] = [b"BASE", b"GDEF", b"GPOS", b"GSUB", b"vhea", b"vmtx"];

/// The face `font` with the glyphs of `first` (in character order) numbered 1, 2, … after
/// `.notdef`, and every other glyph after them in its old order.
pub fn repack(name: &str, font: &[u8], first: impl IntoIterator<Item = char>) -> Vec<u8> {
    let fail = |what: &str| -> ! { panic!("{name}: {what}") };
    let tag_list = directory(font).unwrap_or_else(|| fail("no table directory"));
    for tag in &tag_list {
        if !(KEPT.contains(&tag) || RENUMBERED.contains(&tag) || DROPPED.contains(&tag)) {
            fail(&format!(
                "table `{}` is not known to the repacker (build/font.rs): say whether it \
                 refers to glyph ids",
                String::from_utf8_lossy(tag)
            ));
        }
    }
    let get = |tag: &[u8; 4]| {
        table(font, tag).unwrap_or_else(|| fail(&format!("no `{}`", String::from_utf8_lossy(tag))))
    };
    let (head, hhea, maxp) = (get(b"head"), get(b"hhea"), get(b"maxp"));
    if table(font, b"post").and_then(|post| be32(post, 0)) == Some(0x0002_0000) {
        fail("`post` version 2 names glyphs by id: keep it as version 3 or renumber the names");
    }
    let glyphs = usize::from(be16(maxp, 4).unwrap_or_else(|| fail("short `maxp`")));
    let mapping = unicode_mapping(get(b"cmap")).unwrap_or_else(|| fail("no format 12 `cmap`"));

    // New order: .notdef, the glyphs of `first`, then the rest as they were.
    let mut order = vec![0u16];
    let mut placed = vec![false; glyphs];
    placed[0] = true;
    for c in first {
        if let Some(&gid) = mapping.get(&u32::from(c)) {
            if usize::from(gid) < glyphs && !placed[usize::from(gid)] {
                placed[usize::from(gid)] = true;
                order.push(gid);
            }
        }
    }
    order.extend((0..glyphs).filter(|&g| !placed[g]).map(|g| g as u16));
    let mut renumbered = vec![0u16; glyphs];
    for (new, &old) in order.iter().enumerate() {
        renumbered[usize::from(old)] = new as u16;
    }

    let source = GlyphSource::of(font).unwrap_or_else(|_| fail("no glyph tables"));
    let mut new = NewGlyphs::with_capacity(glyphs);
    for &old in &order {
        match new.copy(&source, usize::from(old)) {
            Ok(()) => {}
            Err(FaceError::Malformed) => fail("`loca` or `hmtx` too short"),
            Err(FaceError::Composite) => {
                fail("composite glyphs would need their components renumbered")
            }
        }
    }
    let mut head = head.to_vec();
    put16(&mut head, 50, 1); // long `loca`
    let mut hhea = hhea.to_vec();
    put16(&mut hhea, 34, glyphs as u16); // a full metric for every glyph
    let cmap = format12_cmap(
        mapping
            .iter()
            .map(|(&c, &g)| (c, renumbered[usize::from(g)])),
    );

    let mut tables: Vec<Table> = vec![
        (*b"head", head.into()),
        (*b"hhea", hhea.into()),
        (*b"cmap", cmap.into()),
    ];
    tables.extend(new.into_tables());
    for &tag in KEPT.iter().filter(|&&tag| tag != b"head" && tag != b"hhea") {
        if let Some(data) = table(font, tag) {
            tables.push((*tag, data.into()));
        }
    }
    assemble(
        be32(font, 0).unwrap_or_else(|| fail("no sfnt version")),
        tables,
    )
    .unwrap_or_else(|_| fail("a head table shorter than 12 bytes"))
}

/// The tags in the table directory.
fn directory(font: &[u8]) -> Option<Vec<[u8; 4]>> {
    let count = usize::from(be16(font, 4)?);
    (0..count)
        .map(|i| font.get(12 + 16 * i..16 + 16 * i)?.try_into().ok())
        .collect()
}

/// Every character → glyph pair of the face's full-Unicode (3, 10, format 12) subtable.
fn unicode_mapping(cmap: &[u8]) -> Option<BTreeMap<u32, u16>> {
    let records = usize::from(be16(cmap, 2)?);
    let offset = (0..records).find_map(|i| {
        let record = 4 + 8 * i;
        let id = (be16(cmap, record)?, be16(cmap, record + 2)?);
        let offset = be32(cmap, record + 4)? as usize;
        (id == (3, 10) && be16(cmap, offset)? == 12).then_some(offset)
    })?;
    let groups = be32(cmap, offset + 12)? as usize;
    let mut mapping = BTreeMap::new();
    for group in 0..groups {
        let at = offset + 16 + 12 * group;
        let (first, last, glyph) = (be32(cmap, at)?, be32(cmap, at + 4)?, be32(cmap, at + 8)?);
        for c in first..=last {
            mapping.insert(c, u16::try_from(glyph + (c - first)).ok()?);
        }
    }
    Some(mapping)
}

/// A `cmap` with one format 12 subtable, listed as both Unicode full repertoire (0, 4) and
/// Windows full Unicode (3, 10); `pairs` in character order.
fn format12_cmap(pairs: impl Iterator<Item = (u32, u16)>) -> Vec<u8> {
    // Runs of consecutive characters on consecutive glyphs share a group.
    let mut groups: Vec<(u32, u32, u32)> = Vec::new();
    for (c, g) in pairs {
        match groups.last_mut() {
            Some((first, last, glyph))
                if *last + 1 == c && *glyph + (c - *first) == u32::from(g) =>
            {
                *last = c;
            }
            _ => groups.push((c, c, u32::from(g))),
        }
    }
    let length = 16 + 12 * groups.len() as u32;
    let mut out = Vec::with_capacity(20 + length as usize);
    for value in [0u16, 2, 0, 4] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    out.extend_from_slice(&20u32.to_be_bytes());
    for value in [3u16, 10] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    out.extend_from_slice(&20u32.to_be_bytes());
    for value in [12u16, 0] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    for value in [length, 0, groups.len() as u32] {
        out.extend_from_slice(&value.to_be_bytes());
    }
    for (first, last, glyph) in groups {
        for value in [first, last, glyph] {
            out.extend_from_slice(&value.to_be_bytes());
        }
    }
    out
}
