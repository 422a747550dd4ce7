//! What the writer keeps for the next document on the same thread, when its [`Deflater`] says
//! so ([`Reuse::Thread`]: `generate` and `issue`).
//!
//! The forms of a campaign differ in their first page (the enterprise's header) and in the
//! footer of every page (the form's number); the contents of the other pages before their
//! footer, the structure tree and the fields are the same bytes form after form. Writing and
//! compressing them again was a third of issuing a form. So a page's contents are written in
//! two parts (see [`objects::footer`]) and the compressed first part is kept, found by the
//! items drawn; the structure tree's object stream, found by the structure and the marked
//! content; any object stream, found by its bytes; the fields' objects, found by where the
//! fields go.
//!
//! An entry is used only when what it was made from is equal, compared in full (the hash only
//! finds it), so the output is the same bytes whether an entry was found or not. An entry is
//! kept the second time its hash comes up, so what comes once (each form's first page) costs
//! a hash, not a copy. Each cache is bounded, and emptied when full.

use std::cell::RefCell;
use std::hash::Hasher;
use std::rc::Rc;
use std::thread::LocalKey;

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use super::deflate::{Deflater, Open};
use super::embed::Subset;
use super::fields::{self, Plan};
use super::objects::{self, Writer};
use super::tags::TreeKey;
use super::xref::Packed;
use super::Error;
use crate::layout::{rows_in, Element, Item, Page, Point, Reuse, Role, TableRow, Tag};

/// Bytes each cache may hold: what a selection's forms share takes a few hundred kilobytes in
/// each (pages, object streams, fields, structure tree), and a campaign has a few dozen
/// selections.
const BUDGET: usize = 16 << 20;

thread_local! {
    static PAGES: RefCell<Cache<PageEntry>> = RefCell::new(Cache::default());
    static STREAMS: RefCell<Cache<StreamEntry>> = RefCell::new(Cache::default());
    static FIELDS: RefCell<Cache<(Plan, fields::Written)>> = RefCell::new(Cache::default());
    static TREES: RefCell<Cache<TreeEntry>> = RefCell::new(Cache::default());
}

/// Hashes a cache remembers having seen without keeping an entry, at most.
const SEEN_LIMIT: usize = 1 << 16;

/// Entries by hash, and the bytes they hold; the hashes seen.
struct Cache<E> {
    entries: FxHashMap<u64, Vec<E>>,
    bytes: usize,
    seen: FxHashSet<u64>,
}

impl<E> Default for Cache<E> {
    fn default() -> Self {
        Cache {
            entries: FxHashMap::default(),
            bytes: 0,
            seen: FxHashSet::default(),
        }
    }
}

impl<E> Cache<E> {
    /// What `take` gives for the first entry under `hash` it gives something for.
    fn find<R>(&self, hash: u64, take: impl Fn(&E) -> Option<R>) -> Option<R> {
        self.entries.get(&hash)?.iter().find_map(take)
    }

    /// Whether an entry made under `hash` is worth keeping: not the first time the hash comes
    /// up.
    fn admits(&mut self, hash: u64) -> bool {
        if self.seen.len() >= SEEN_LIMIT {
            self.seen.clear();
        }
        !self.seen.insert(hash)
    }

    /// Keeps `entry` under `hash`, emptying the cache first if it would pass [`BUDGET`].
    fn keep(&mut self, hash: u64, entry: E, bytes: usize) {
        if self.bytes + bytes > BUDGET {
            self.entries.clear();
            self.bytes = 0;
        }
        self.bytes += bytes;
        self.entries.entry(hash).or_default().push(entry);
    }
}

/// What `found` takes from an entry of `cache` under `hash`, or else `make`'s result, which
/// `entry` turns into an entry and its size in bytes to keep when the cache admits it.
fn kept<E: 'static, R>(
    cache: &'static LocalKey<RefCell<Cache<E>>>,
    hash: u64,
    found: impl Fn(&E) -> Option<R>,
    make: impl FnOnce() -> Result<R, Error>,
    entry: impl FnOnce(&R) -> (E, usize),
) -> Result<R, Error> {
    if let Some(found) = cache.with_borrow(|cache| cache.find(hash, found)) {
        return Ok(found);
    }
    let made = make()?;
    if cache.with_borrow_mut(|cache| cache.admits(hash)) {
        let (entry, bytes) = entry(&made);
        cache.with_borrow_mut(|cache| cache.keep(hash, entry, bytes));
    }
    Ok(made)
}

/// The contents of a page before its footer, compressed, with what they were made from.
struct PageEntry {
    height: f32,
    items: Vec<(Point, Item)>,
    /// The role of the element of every tagged item, in order: the marked content names it.
    roles: Vec<Role>,
    open: Open,
    /// The writer as the first part left it, for the footer.
    writer: Writer,
    /// The table rows the items draw, for the fields of a form.
    rows: Option<Rc<[TableRow]>>,
}

/// A page written: its compressed contents, the structure element of each of its MCIDs, and
/// when asked for, the table rows it draws (the fields of a form are found in them).
pub struct WrittenPage {
    pub content: Vec<u8>,
    pub owners: Vec<usize>,
    pub rows: Option<Rc<[TableRow]>>,
}

/// Writes `page`; its table rows too if `rows` (see [`WrittenPage`]).
pub fn page(
    page: &Page,
    subsets: &[Subset],
    structure: &[Element],
    rows: bool,
    deflater: &mut Deflater,
) -> Result<WrittenPage, Error> {
    let footer = objects::footer(page);
    let body = &page.items[..footer];
    let table_rows = || rows.then(|| Rc::from(rows_in(body)));
    let write = |deflater: &mut Deflater| -> Result<(Open, Writer), Error> {
        let mut writer = Writer::default();
        let mut bytes = Vec::new();
        writer.items(page, 0..footer, subsets, structure, &mut bytes);
        Ok((deflater.open(&bytes)?, writer))
    };
    // Two characters the face lacks that met on one code have codes that depend on the rest
    // of the document (see `embed`): such a page is written afresh.
    let keep = deflater.reuse() == Reuse::Thread && subsets.iter().all(Subset::stable);
    let (closed, mut writer, kept_rows) = if keep {
        let same = |entry: &PageEntry| {
            let same = entry.height == page.height
                && entry.items == body
                && entry.roles.iter().copied().eq(roles(body, structure));
            same.then(|| (entry.open.clone(), entry.writer.clone(), entry.rows.clone()))
        };
        let make = || {
            let (open, writer) = write(deflater)?;
            Ok((open, writer, table_rows()))
        };
        let entry = |(open, writer, rows): &(Open, Writer, Option<Rc<[TableRow]>>)| {
            // The items' text is shared with the page; a table row's text is copied.
            let bytes = open.len()
                + std::mem::size_of_val(body)
                + rows.as_ref().map_or(0, |rows| rows.len() * 256);
            let entry = PageEntry {
                height: page.height,
                items: body.to_vec(),
                roles: roles(body, structure).collect(),
                open: open.clone(),
                writer: writer.clone(),
                rows: rows.clone(),
            };
            (entry, bytes)
        };
        let hash = page_hash(page.height, body, structure);
        kept(&PAGES, hash, same, make, entry)?
    } else {
        let (open, writer) = write(deflater)?;
        (open, writer, None)
    };
    // Kept by a document that did not ask for them, or not kept.
    let rows = match kept_rows {
        Some(kept) if rows => Some(kept),
        _ => table_rows(),
    };
    let mut tail = Vec::new();
    writer.items(
        page,
        footer..page.items.len(),
        subsets,
        structure,
        &mut tail,
    );
    let owners = writer.end(structure, &mut tail);
    Ok(WrittenPage {
        content: closed.close(&tail),
        owners,
        rows,
    })
}

/// The roles of the elements the tagged items of `items` belong to.
fn roles<'a>(
    items: &'a [(Point, Item)],
    structure: &'a [Element],
) -> impl Iterator<Item = Role> + 'a {
    items.iter().filter_map(|(_, item)| match item {
        Item::Text {
            tag: Tag::Element(element),
            ..
        }
        | Item::Image {
            tag: Tag::Element(element),
            ..
        } => Some(
            structure
                .get(*element as usize)
                .expect("layout tags items only with elements it recorded")
                .role,
        ),
        _ => None,
    })
}

/// A hash of everything the contents of `items` are written from.
fn page_hash(height: f32, items: &[(Point, Item)], structure: &[Element]) -> u64 {
    let mut hash = FxHasher::default();
    let float = |hash: &mut FxHasher, value: f32| hash.write_u32(value.to_bits());
    let tag = |hash: &mut FxHasher, tag: &Tag| match tag {
        Tag::Artifact => hash.write_u32(u32::MAX),
        Tag::Element(element) => hash.write_u32(*element),
    };
    float(&mut hash, height);
    for (at, item) in items {
        float(&mut hash, at.x);
        float(&mut hash, at.y);
        match item {
            Item::Text {
                text,
                font,
                size,
                tag: t,
            } => {
                hash.write_u8(0);
                hash.write(text.as_bytes());
                hash.write_u8(*font as u8);
                float(&mut hash, *size);
                tag(&mut hash, t);
            }
            Item::Line { to, width, gray } => {
                hash.write_u8(1);
                for value in [to.x, to.y, *width, *gray] {
                    float(&mut hash, value);
                }
            }
            Item::Image {
                picture,
                width,
                height,
                tag: t,
            } => {
                hash.write_u8(2);
                hash.write_usize(*picture);
                float(&mut hash, *width);
                float(&mut hash, *height);
                tag(&mut hash, t);
            }
            Item::Rect {
                width,
                height,
                fill,
                stroke,
            } => {
                hash.write_u8(3);
                float(&mut hash, *width);
                float(&mut hash, *height);
                float(&mut hash, fill.unwrap_or(f32::NAN));
                let (w, g) = stroke.unwrap_or((f32::NAN, f32::NAN));
                float(&mut hash, w);
                float(&mut hash, g);
            }
        }
    }
    for role in roles(items, structure) {
        hash.write(super::tags::type_name(role).as_bytes());
    }
    hash.finish()
}

/// An object stream, as read and compressed.
struct StreamEntry {
    parts: [Vec<u8>; 2],
    packed: Vec<u8>,
}

/// The concatenation of `index` and `body` (an object stream's), compressed.
pub fn object_stream(index: &[u8], body: &[u8], deflater: &mut Deflater) -> Result<Vec<u8>, Error> {
    if deflater.reuse() == Reuse::Document {
        return deflater.deflate_parts(&[index, body]);
    }
    let mut hash = FxHasher::default();
    hash.write(index);
    hash.write(body);
    let hash = hash.finish();
    let same = |entry: &StreamEntry| {
        (entry.parts[0] == index && entry.parts[1] == body).then(|| entry.packed.clone())
    };
    let make = || deflater.deflate_parts(&[index, body]);
    let entry = |packed: &Vec<u8>| {
        let entry = StreamEntry {
            parts: [index.to_vec(), body.to_vec()],
            packed: packed.clone(),
        };
        (entry, index.len() + body.len() + packed.len())
    };
    kept(&STREAMS, hash, same, make, entry)
}

/// The fields' objects of `plan`: a kept copy, or `write`'s.
pub fn fields(plan: Plan, write: impl FnOnce(&Plan) -> fields::Written) -> fields::Written {
    let hash = plan.hash();
    let same = |(kept, written): &(Plan, fields::Written)| (*kept == plan).then(|| written.clone());
    let make = || Ok(write(&plan));
    let entry = |written: &fields::Written| ((plan.clone(), written.clone()), written.len());
    kept(&FIELDS, hash, same, make, entry).expect("writing fields cannot fail")
}

/// A structure tree's object stream, packed, and what it was written from.
struct TreeEntry {
    structure: Vec<Element>,
    figures: Vec<(usize, String)>,
    owners: Vec<Vec<usize>>,
    first: u32,
    pages: Vec<u32>,
    packed: Packed,
}

impl TreeEntry {
    fn key(&self) -> TreeKey<'_> {
        TreeKey {
            structure: &self.structure,
            figures: &self.figures,
            owners: &self.owners,
            first: self.first,
            pages: &self.pages,
        }
    }
}

/// The structure tree's object stream for `key`: a kept copy, or `make`'s.
pub fn tree(
    key: TreeKey,
    deflater: &mut Deflater,
    make: impl FnOnce(&mut Deflater) -> Result<Packed, Error>,
) -> Result<Packed, Error> {
    if deflater.reuse() == Reuse::Document {
        return make(deflater);
    }
    let hash = {
        use std::hash::Hash;
        let mut hash = FxHasher::default();
        key.hash(&mut hash);
        hash.finish()
    };
    let same = |entry: &TreeEntry| (entry.key() == key).then(|| entry.packed.clone());
    let entry = |packed: &Packed| {
        let bytes = packed.len()
            + std::mem::size_of_val(key.structure)
            + key.owners.iter().map(|o| o.len() * 8).sum::<usize>();
        let entry = TreeEntry {
            structure: key.structure.to_vec(),
            figures: key.figures.to_vec(),
            owners: key.owners.to_vec(),
            first: key.first,
            pages: key.pages.to_vec(),
            packed: packed.clone(),
        };
        (entry, bytes)
    };
    kept(&TREES, hash, same, || make(deflater), entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontSet;
    use crate::layout::{layout, LayoutOptions};
    use crate::pdf::{write, FormFields, PdfOptions};

    /// A form of a campaign: its header names the enterprise, its footer the number; two
    /// pages of result rows follow, the same in every form.
    fn form(enterprise: &str, number: u32) -> String {
        let mut rows = String::new();
        for n in 1..=40 {
            rows.push_str(&format!(
                "| {n} | 是否落实第{n}项义务？ | ☐符合<br>☐不符合 |  |\n"
            ));
        }
        format!(
            "<!-- checkgen-footer: 编号：2026-{number:05} -->\n\n# 自查表\n\n\
             | 项目 | 填写内容 |\n| --- | --- |\n| 单位名称 | {enterprise} |\n| 联系人 |  |\n\n\
             <!-- pagebreak -->\n\n\
             | 序号 | 自查项 | 自查结果 | 情况说明 |\n| --- | --- | --- | --- |\n{rows}"
        )
    }

    fn options() -> PdfOptions {
        PdfOptions {
            fields: Some(FormFields {
                rows: (1..=40)
                    .map(|n| (n.to_string(), format!("Q-{n:03}")))
                    .collect::<Vec<_>>()
                    .into(),
                result_column: "自查结果".into(),
                note_column: "情况说明".into(),
                label_column: "项目".into(),
                states: vec![
                    ("符合".into(), "compliant".into()),
                    ("不符合".into(), "non_compliant".into()),
                ],
                identity: "test".into(),
            }),
            ..PdfOptions::default()
        }
    }

    fn written(markdown: &str, reuse: Reuse) -> Vec<u8> {
        let fonts = FontSet::get().unwrap();
        let document = layout(fonts, markdown, &LayoutOptions::default());
        assert!(document.pages.len() >= 3);
        write(&document, &options(), reuse).unwrap().bytes
    }

    fn held() -> [usize; 4] {
        [
            PAGES.with_borrow(|cache| cache.bytes),
            STREAMS.with_borrow(|cache| cache.bytes),
            FIELDS.with_borrow(|cache| cache.bytes),
            TREES.with_borrow(|cache| cache.bytes),
        ]
    }

    #[test]
    fn kept_work_is_used_by_the_next_form_and_changes_no_byte() {
        let forms = [
            form("烟台甲网络有限公司", 1),
            form("青岛乙数据有限公司", 2),
            form("烟台甲网络有限公司", 3),
        ];
        let alone: Vec<Vec<u8>> = forms
            .iter()
            .map(|form| written(form, Reuse::Document))
            .collect();
        assert_eq!(held(), [0; 4], "one document keeps nothing");
        assert_ne!(alone[0], alone[2], "the numbers differ");
        // What comes up the first time is only remembered.
        assert_eq!(written(&forms[0], Reuse::Thread), alone[0]);
        assert_eq!(held(), [0; 4]);
        // The second form differs in its header and footers: all but its first page, its
        // structure tree and its fields come up the second time, and are kept.
        assert_eq!(written(&forms[1], Reuse::Thread), alone[1]);
        let second = held();
        assert!(second.iter().all(|&bytes| bytes > 0), "{second:?}");
        // The third has the first's first page: kept now; the rest is found, not kept again.
        assert_eq!(written(&forms[2], Reuse::Thread), alone[2]);
        let third = held();
        assert!(third[0] > second[0]);
        assert!(third[0] - second[0] < second[0] / 2, "{third:?}");
        assert_eq!(third[1..], second[1..]);
        // The second form again: its first page comes up the second time; then nothing is new.
        assert_eq!(written(&forms[1], Reuse::Thread), alone[1]);
        let fourth = held();
        assert_eq!(fourth[1..], third[1..]);
        assert_eq!(written(&forms[1], Reuse::Thread), alone[1]);
        assert_eq!(held(), fourth);
    }
}
