//! Tagged PDF (ISO 32000-1 §14.7–14.8): marked content in the page streams, and the structure
//! tree that gives it its order and meaning.
//!
//! Every text run laid out as content goes into a marked-content sequence with an MCID, owned
//! by its structure element (a heading, a paragraph, a table cell); consecutive runs of one
//! element share a sequence, so a cell or a paragraph line is one MCID however many runs it
//! has. Text that is page furniture (the footer, a table header repeated on a new page) is a
//! pagination artifact; lines and rectangles (rules, cell grounds, the drawn result boxes) are
//! layout artifacts.
//!
//! A form has thousands of elements (a cell is one), so the tree is written straight as bytes
//! into one compressed object stream ([`Tree::write`]) rather than as lopdf objects: as plain
//! objects it made the largest form half as large again and its render two thirds slower.
//! The object stream needs a cross-reference stream, hence PDF 1.5 (see [`super::xref`]).

use super::deflate::Deflater;
use super::xref::{hex, ObjectStream, Tail};
use super::Error;
use crate::layout::{Element, Item, Point, Role, Tag};

/// The PDF version the file declares: 1.5, for the compressed object stream and the
/// cross-reference stream that hold the structure tree (marked content, the structure tree,
/// `/MarkInfo` and `/Lang` need 1.4).
pub const VERSION: &str = "1.5";

/// What the items being written belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mark {
    /// Outside any marked-content sequence.
    #[default]
    None,
    /// Content of a structure element.
    Content(usize),
    /// Text that repeats on pages: the footer, repeated table headers.
    Pagination,
    /// Drawing that only shapes the page: rules, grounds, boxes.
    Layout,
}

/// The mark an item goes under.
pub fn mark(item: &Item) -> Mark {
    match item {
        Item::Text {
            tag: Tag::Element(element),
            ..
        } => Mark::Content(*element as usize),
        Item::Text {
            tag: Tag::Artifact, ..
        } => Mark::Pagination,
        Item::Image {
            tag: Tag::Element(element),
            ..
        } => Mark::Content(*element as usize),
        Item::Line { .. } | Item::Rect { .. } | Item::Image { .. } => Mark::Layout,
    }
}

/// The order a page's items are written in: as laid out, except where decoration is drawn
/// among one element's text (the squares of a row of checkboxes, a strike-through, the grey
/// ground of inline code): there the decoration is moved out of the element's stretch,
/// grounds before its text and strokes after, so the element is one marked-content sequence
/// instead of one per run. Nothing drawn changes: the moved items do not overlap the text of
/// other runs.
pub fn order(items: &[(Point, Item)]) -> Vec<usize> {
    let mut order = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        let Mark::Content(element) = mark(&items[i].1) else {
            order.push(i);
            i += 1;
            continue;
        };
        // The stretch: up to this element's last item before other content or furniture.
        let (mut last, mut decorated) = (i, false);
        for (j, (_, item)) in items.iter().enumerate().skip(i + 1) {
            match mark(item) {
                Mark::Content(e) if e == element => last = j,
                Mark::Layout => decorated = true,
                _ => break,
            }
        }
        let stretch = i..last + 1;
        if decorated {
            let is_ground = |j: &usize| matches!(items[*j].1, Item::Rect { fill: Some(_), .. });
            let is_layout = |j: &usize| mark(&items[*j].1) == Mark::Layout;
            order.extend(stretch.clone().filter(|j| is_layout(j) && is_ground(j)));
            order.extend(stretch.clone().filter(|j| !is_layout(j)));
            order.extend(stretch.filter(|j| is_layout(j) && !is_ground(j)));
        } else {
            order.extend(stretch);
        }
        i = last + 1;
    }
    order
}

/// The marked-content sequences of one page's stream.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    current: Mark,
    /// The element each MCID belongs to, by MCID.
    pub owners: Vec<usize>,
}

impl Marks {
    /// Whether an item under `mark` needs a new sequence. The caller then ends any open text
    /// object or path (a sequence must not cross them) and calls [`switch`](Self::switch).
    pub fn changes(&self, mark: Mark) -> bool {
        self.current != mark
    }

    /// Ends the open sequence, if any, and begins one for `mark`.
    pub fn switch(&mut self, mark: Mark, structure: &[Element], out: &mut Vec<u8>) {
        if self.current != Mark::None {
            out.extend_from_slice(b"EMC\n");
        }
        match mark {
            Mark::None => {}
            Mark::Content(element) => {
                let role = structure
                    .get(element)
                    .expect("layout tags text only with elements it recorded")
                    .role;
                out.push(b'/');
                out.extend_from_slice(type_name(role).as_bytes());
                out.extend_from_slice(b"<</MCID ");
                out.extend_from_slice(itoa::Buffer::new().format(self.owners.len()).as_bytes());
                out.extend_from_slice(b">>BDC\n");
                self.owners.push(element);
            }
            Mark::Pagination => out.extend_from_slice(b"/Artifact<</Type/Pagination>>BDC\n"),
            // The type is optional: an untyped artifact is the shortest sequence.
            Mark::Layout => out.extend_from_slice(b"/Artifact BMC\n"),
        }
        self.current = mark;
    }
}

/// The standard structure type of a role.
pub fn type_name(role: Role) -> &'static str {
    match role {
        Role::Heading(1) => "H1",
        Role::Heading(2) => "H2",
        Role::Heading(3) => "H3",
        Role::Heading(4) => "H4",
        Role::Heading(5) => "H5",
        Role::Heading(_) => "H6",
        Role::Paragraph => "P",
        Role::Code => "Code",
        Role::List => "L",
        Role::ListItem => "LI",
        Role::ListBody => "LBody",
        Role::Quote => "BlockQuote",
        Role::Note => "Note",
        Role::Table => "Table",
        Role::TableHead => "THead",
        Role::TableBody => "TBody",
        Role::Row => "TR",
        Role::HeaderCell => "TH",
        Role::Cell => "TD",
        Role::Figure => "Figure",
    }
}

/// The structure tree of a document, ready to be numbered and written.
pub struct Tree<'a> {
    structure: &'a [Element],
    /// The figures' alternative texts, by element.
    figures: &'a [(usize, String)],
    /// Per page, the element of each MCID.
    owners: &'a [Vec<usize>],
    /// Each element's marked content in document order, `(page, MCID)`.
    content: Flat<(u32, u32)>,
    /// The object number of each written element, relative to the first element's.
    number: Vec<Option<u32>>,
    /// Each written element's written children, in order.
    kids: Flat<usize>,
    /// The elements directly under the document element.
    top: Vec<usize>,
    written: u32,
}

/// Objects before the elements: the tree root, the parent tree and the document element.
const ROOT: u32 = 0;
const PARENT_TREE: u32 = 1;
const DOCUMENT: u32 = 2;
const FIRST_ELEMENT: u32 = 3;

impl<'a> Tree<'a> {
    /// The tree for `structure`, whose content the page streams mark as `owners` says (per
    /// page, the element of each MCID). Elements with no content inside them are left out,
    /// except the cells of a written row (blank answer cells keep every row as wide as its
    /// header).
    pub fn new(
        structure: &'a [Element],
        figures: &'a [(usize, String)],
        owners: &'a [Vec<usize>],
    ) -> Tree<'a> {
        let content = Flat::new(
            structure.len(),
            owners.iter().enumerate().flat_map(|(page, owners)| {
                owners
                    .iter()
                    .enumerate()
                    .map(move |(mcid, &element)| (element, (page as u32, mcid as u32)))
            }),
        );
        let mut alive: Vec<bool> = (0..structure.len())
            .map(|e| !content.get(e).is_empty())
            .collect();
        for index in (0..structure.len()).rev() {
            if let Some(parent) = structure[index].parent {
                debug_assert!(parent < index, "a parent comes before its children");
                alive[parent] |= alive[index];
            }
        }
        for (index, element) in structure.iter().enumerate() {
            if matches!(element.role, Role::Cell | Role::HeaderCell) {
                if let Some(parent) = element.parent {
                    alive[index] |= alive[parent];
                }
            }
        }
        let mut number = vec![None; structure.len()];
        let mut top = Vec::new();
        let mut written = 0;
        for (index, element) in structure.iter().enumerate() {
            if alive[index] {
                number[index] = Some(FIRST_ELEMENT + written);
                written += 1;
                if element.parent.is_none() {
                    top.push(index);
                }
            }
        }
        let kids = Flat::new(
            structure.len(),
            structure.iter().enumerate().filter_map(|(index, element)| {
                let parent = element.parent?;
                alive[index].then_some((parent, index))
            }),
        );
        Tree {
            structure,
            figures,
            owners,
            content,
            number,
            kids,
            top,
            written,
        }
    }

    /// How many objects [`write`](Self::write) puts in the object stream.
    pub fn objects(&self) -> u32 {
        FIRST_ELEMENT + self.written
    }

    /// Writes the tree's objects, numbered from `first`, into `objects`; `pages` are the page
    /// objects' numbers, in order.
    pub fn write(&self, first: u32, pages: &[u32], objects: &mut ObjectStream) {
        let number = |element: usize| {
            first
                + self.number[element].expect("an element with content, and its parent, is written")
        };
        objects.begin(first + ROOT);
        let out = &mut objects.body;
        out.extend_from_slice(b"<</Type/StructTreeRoot/K ");
        reference(out, first + DOCUMENT);
        out.extend_from_slice(b"/ParentTree ");
        reference(out, first + PARENT_TREE);
        out.extend_from_slice(b"/ParentTreeNextKey ");
        int(out, self.owners.len() as u32);
        out.extend_from_slice(b">>");
        // The parent tree: one array per page (its /StructParents key), the element of each
        // MCID in it.
        objects.begin(first + PARENT_TREE);
        let out = &mut objects.body;
        out.extend_from_slice(b"<</Nums[");
        for (page, owners) in self.owners.iter().enumerate() {
            int(out, page as u32);
            out.push(b'[');
            for (k, &element) in owners.iter().enumerate() {
                if k > 0 {
                    out.push(b' ');
                }
                reference(out, number(element));
            }
            out.extend_from_slice(b"]");
        }
        out.extend_from_slice(b"]>>");
        objects.begin(first + DOCUMENT);
        let out = &mut objects.body;
        out.extend_from_slice(b"<</Type/StructElem/S/Document/P ");
        reference(out, first + ROOT);
        out.extend_from_slice(b"/K[");
        for (k, &kid) in self.top.iter().enumerate() {
            if k > 0 {
                out.push(b' ');
            }
            reference(out, number(kid));
        }
        out.extend_from_slice(b"]>>");
        for (index, element) in self.structure.iter().enumerate() {
            if self.number[index].is_none() {
                continue;
            }
            objects.begin(number(index));
            let out = &mut objects.body;
            // `/Type /StructElem` is optional and left out: a form has thousands of elements.
            out.extend_from_slice(b"<</S/");
            out.extend_from_slice(type_name(element.role).as_bytes());
            out.extend_from_slice(b"/P ");
            match element.parent {
                Some(parent) => reference(out, number(parent)),
                None => reference(out, first + DOCUMENT),
            }
            match element.role {
                Role::HeaderCell => out.extend_from_slice(b"/A<</O/Table/Scope/Column>>"),
                Role::Figure => {
                    let alt = self
                        .figures
                        .binary_search_by_key(&index, |(element, _)| *element)
                        .map_or("", |found| self.figures[found].1.as_str());
                    out.extend_from_slice(b"/Alt<FEFF");
                    for unit in alt.encode_utf16() {
                        for byte in unit.to_be_bytes() {
                            out.extend_from_slice(&hex(byte));
                        }
                    }
                    out.push(b'>');
                }
                _ => {}
            }
            let content = self.content.get(index);
            // Content on one page is listed by bare MCIDs under the element's /Pg; content
            // across pages by marked-content references, each naming its page.
            let one_page = content
                .first()
                .map(|&(page, _)| page)
                .filter(|&p| content.iter().all(|&(page, _)| page == p));
            if let Some(page) = one_page {
                out.extend_from_slice(b"/Pg ");
                reference(out, pages[page as usize]);
            }
            let kids = self.kids.get(index);
            let count = content.len() + kids.len();
            if count == 0 {
                out.extend_from_slice(b">>");
                continue;
            }
            out.extend_from_slice(if count > 1 { b"/K[" } else { b"/K " });
            for (k, &(page, mcid)) in content.iter().enumerate() {
                if k > 0 {
                    out.push(b' ');
                }
                if one_page.is_some() {
                    int(out, mcid);
                } else {
                    out.extend_from_slice(b"<</Type/MCR/Pg ");
                    reference(out, pages[page as usize]);
                    out.extend_from_slice(b"/MCID ");
                    int(out, mcid);
                    out.extend_from_slice(b">>");
                }
            }
            for (k, &kid) in kids.iter().enumerate() {
                if k + content.len() > 0 {
                    out.push(b' ');
                }
                reference(out, number(kid));
            }
            out.extend_from_slice(if count > 1 { b"]>>" } else { b">>" });
        }
    }
}

/// Lists of values per element, in one allocation: the values of element `e` are
/// `values[start[e]..start[e + 1]]`.
struct Flat<T> {
    start: Vec<usize>,
    values: Vec<T>,
}

impl<T: Copy + Default> Flat<T> {
    /// The lists of `elements` elements from `(element, value)` pairs, each list in the
    /// order its pairs come.
    fn new(elements: usize, pairs: impl Iterator<Item = (usize, T)> + Clone) -> Flat<T> {
        let mut start = vec![0; elements + 1];
        for (element, _) in pairs.clone() {
            start[element + 1] += 1;
        }
        for e in 0..elements {
            start[e + 1] += start[e];
        }
        let mut next = start.clone();
        let mut values = vec![T::default(); start[elements]];
        for (element, value) in pairs {
            values[next[element]] = value;
            next[element] += 1;
        }
        Flat { start, values }
    }

    fn get(&self, element: usize) -> &[T] {
        &self.values[self.start[element]..self.start[element + 1]]
    }
}

fn int(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// A reference to object `number`.
fn reference(out: &mut Vec<u8>, number: u32) {
    int(out, number);
    out.extend_from_slice(b" 0 R");
}

/// Appends the tree of `key` (see [`Tree::new`]) to the file: its objects numbered from the
/// next free number, in one compressed object stream. The packed stream is kept for the next
/// document with the same tree at the same numbers when the deflater says so (see `memo`),
/// and the tree is then not even built.
pub fn append(key: TreeKey, tail: &mut Tail, deflater: &mut Deflater) -> Result<(), Error> {
    let (first, pages) = (tail.next_number(), key.pages);
    let key = TreeKey { first, ..key };
    let packed = super::memo::tree(key, deflater, |deflater| {
        let tree = Tree::new(key.structure, key.figures, key.owners);
        let mut objects = ObjectStream::new(tree.objects() as usize);
        tree.write(first, pages, &mut objects);
        // Kept whole by `memo::tree`, so not by its bytes as well.
        objects.pack_with(|index, body| deflater.deflate_parts(&[index, body]))
    })?;
    tail.add_packed(&packed);
    Ok(())
}

/// Everything a tree's objects are written from: the arguments of [`Tree::new`], the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Hash)]
pub struct TreeKey<'k> {
    pub structure: &'k [Element],
    pub figures: &'k [(usize, String)],
    pub owners: &'k [Vec<usize>],
    /// The number of its first object ([`append`] sets it).
    pub first: u32,
    /// The pages' object numbers.
    pub pages: &'k [u32],
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontId;

    fn text(element: usize) -> (Point, Item) {
        let item = Item::Text {
            text: "字".into(),
            font: FontId::Regular,
            size: 9.0,
            tag: Tag::element(element),
        };
        (Point::default(), item)
    }

    fn rect(fill: Option<f32>) -> (Point, Item) {
        let item = Item::Rect {
            width: 1.0,
            height: 1.0,
            fill,
            stroke: fill.is_none().then_some((0.5, 0.0)),
        };
        (Point::default(), item)
    }

    #[test]
    fn decoration_among_one_elements_text_moves_out_of_its_sequence() {
        let items = vec![
            rect(Some(0.9)), // a cell ground, before the text: stays
            text(1),
            rect(None), // a checkbox square
            text(1),
            rect(Some(0.95)), // a code ground
            text(1),
            rect(None), // after the element's last text: stays
            text(2),
        ];
        assert_eq!(order(&items), [0, 4, 1, 3, 5, 2, 6, 7]);
        let mut marks = Marks::default();
        let structure = [
            Element {
                role: Role::Row,
                parent: None,
            },
            Element {
                role: Role::Cell,
                parent: Some(0),
            },
            Element {
                role: Role::Cell,
                parent: Some(0),
            },
        ];
        let mut out = Vec::new();
        for index in order(&items) {
            let mark = mark(&items[index].1);
            if marks.changes(mark) {
                marks.switch(mark, &structure, &mut out);
            }
        }
        assert_eq!(marks.owners, [1, 2], "one MCID per cell");
    }
}
