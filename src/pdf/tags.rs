//! Tagged PDF (ISO 32000-1 §14.7–14.8): marked content in the page streams, and the structure
//! tree that gives it its order and meaning.
//!
//! Every text run laid out as content goes into a marked-content sequence with an MCID,
//! owned by its structure element (a heading, a paragraph, a table cell); text that is page
//! furniture (the footer, a table header repeated on a new page) is a pagination artifact;
//! lines and rectangles (rules, cell grounds, the drawn result boxes) are layout artifacts.
//! The tree is written from [`Document::structure`](crate::layout::Document), in document
//! order, with empty elements left out.

use printpdf_lopdf::{Dictionary, Document, Object, ObjectId};

use super::Error;
use crate::layout::{Element, Item, Role, Tag};

/// The PDF version the file declares: marked content, the structure tree and `/Lang` need
/// 1.4 (`/MarkInfo` and `/Lang` came with it), and nothing in the file needs more.
pub const VERSION: &str = "1.4";

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
        } => Mark::Content(*element),
        Item::Text {
            tag: Tag::Artifact, ..
        } => Mark::Pagination,
        Item::Line { .. } | Item::Rect { .. } => Mark::Layout,
    }
}

/// The marked-content sequences of one page's stream.
#[derive(Debug, Default)]
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
                let role = structure.get(element).map_or(Role::Paragraph, |e| e.role);
                out.push(b'/');
                out.extend_from_slice(type_name(role).as_bytes());
                out.extend_from_slice(b" <</MCID ");
                out.extend_from_slice(itoa::Buffer::new().format(self.owners.len()).as_bytes());
                out.extend_from_slice(b">> BDC\n");
                self.owners.push(element);
            }
            Mark::Pagination => out.extend_from_slice(b"/Artifact <</Type /Pagination>> BDC\n"),
            Mark::Layout => out.extend_from_slice(b"/Artifact <</Type /Layout>> BDC\n"),
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
        Role::Quote => "BlockQuote",
        Role::Note => "Note",
        Role::Table => "Table",
        Role::TableHead => "THead",
        Role::TableBody => "TBody",
        Role::Row => "TR",
        Role::HeaderCell => "TH",
        Role::Cell => "TD",
    }
}

/// Writes the structure tree for `structure`, whose content is marked in the pages' streams
/// as `owners` says (per page, the element of each MCID), and marks the document as tagged.
pub fn write_tree(
    doc: &mut Document,
    structure: &[Element],
    owners: &[Vec<usize>],
) -> Result<(), Error> {
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if page_ids.len() != owners.len() {
        return Err(Error::Write(format!(
            "printpdf wrote {} pages for {} laid out",
            page_ids.len(),
            owners.len()
        )));
    }
    // Each element's marked content, in document order: (page, MCID).
    let mut content: Vec<Vec<(usize, usize)>> = vec![Vec::new(); structure.len()];
    for (page, owners) in owners.iter().enumerate() {
        for (mcid, &element) in owners.iter().enumerate() {
            if let Some(list) = content.get_mut(element) {
                list.push((page, mcid));
            }
        }
    }
    // An element is written when it or something inside it has content; parents come first.
    let mut alive: Vec<bool> = content.iter().map(|c| !c.is_empty()).collect();
    for index in (0..structure.len()).rev() {
        if let Some(parent) = structure[index].parent {
            if alive[index] && parent < index {
                alive[parent] = true;
            }
        }
    }
    // A row keeps all its cells, the empty ones (blank answer columns) too, so that every
    // row has as many cells as the header.
    for (index, element) in structure.iter().enumerate() {
        if matches!(element.role, Role::Cell | Role::HeaderCell) {
            if let Some(parent) = element.parent {
                alive[index] |= alive[parent];
            }
        }
    }
    let root = doc.new_object_id();
    let top = doc.new_object_id();
    let ids: Vec<Option<ObjectId>> = alive
        .iter()
        .map(|&alive| alive.then(|| doc.new_object_id()))
        .collect();
    let mut kids: Vec<Vec<Object>> = vec![Vec::new(); structure.len()];
    let mut top_kids = Vec::new();
    for (index, element) in structure.iter().enumerate() {
        let Some(id) = ids[index] else { continue };
        match element
            .parent
            .filter(|&p| ids.get(p).is_some_and(Option::is_some))
        {
            Some(parent) => kids[parent].push(Object::Reference(id)),
            None => top_kids.push(Object::Reference(id)),
        }
    }
    for (index, element) in structure.iter().enumerate() {
        let Some(id) = ids[index] else { continue };
        let parent = element.parent.and_then(|p| ids[p]).unwrap_or(top);
        let mut dict = Dictionary::from_iter(vec![
            (
                "S",
                Object::Name(type_name(element.role).as_bytes().to_vec()),
            ),
            ("P", Object::Reference(parent)),
        ]);
        // Most elements lie on one page: that page is the element's `/Pg` and its content is
        // listed by bare MCIDs; content across pages is listed by marked-content references.
        // (`/Type /StructElem` is optional and left out: a form has thousands of elements.)
        let pages = content[index].iter().map(|&(page, _)| page);
        let one_page = pages.clone().min() == pages.max();
        let mut k: Vec<Object> = match content[index].first() {
            Some(&(page, _)) if one_page => {
                dict.set("Pg", Object::Reference(page_ids[page]));
                content[index]
                    .iter()
                    .map(|&(_, mcid)| Object::Integer(mcid as i64))
                    .collect()
            }
            _ => content[index]
                .iter()
                .map(|&(page, mcid)| {
                    Object::Dictionary(Dictionary::from_iter(vec![
                        ("Type", Object::Name(b"MCR".to_vec())),
                        ("Pg", Object::Reference(page_ids[page])),
                        ("MCID", Object::Integer(mcid as i64)),
                    ]))
                })
                .collect(),
        };
        k.append(&mut kids[index]);
        dict.set(
            "K",
            match &k[..] {
                [single @ (Object::Integer(_) | Object::Reference(_))] => single.clone(),
                _ => Object::Array(k),
            },
        );
        if element.role == Role::HeaderCell {
            dict.set(
                "A",
                Dictionary::from_iter(vec![
                    ("O", Object::Name(b"Table".to_vec())),
                    ("Scope", Object::Name(b"Column".to_vec())),
                ]),
            );
        }
        doc.objects.insert(id, Object::Dictionary(dict));
    }
    doc.objects.insert(
        top,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(b"Document".to_vec())),
            ("P", Object::Reference(root)),
            ("K", Object::Array(top_kids)),
        ])),
    );
    // The parent tree: for each page (its /StructParents key), the element of each MCID.
    let mut nums = Vec::with_capacity(owners.len() * 2);
    for (page, owners) in owners.iter().enumerate() {
        nums.push(Object::Integer(page as i64));
        nums.push(Object::Array(
            owners
                .iter()
                .map(|&element| {
                    ids.get(element)
                        .copied()
                        .flatten()
                        .map_or(Object::Null, Object::Reference)
                })
                .collect(),
        ));
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(page_ids[page]) {
            dict.set("StructParents", Object::Integer(page as i64));
        }
    }
    let parent_tree = doc.add_object(Dictionary::from_iter(vec![("Nums", Object::Array(nums))]));
    doc.objects.insert(
        root,
        Object::Dictionary(Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            ("K", Object::Reference(top)),
            ("ParentTree", Object::Reference(parent_tree)),
            ("ParentTreeNextKey", Object::Integer(owners.len() as i64)),
        ])),
    );
    let catalog = doc
        .catalog_mut()
        .map_err(|e| Error::Write(format!("printpdf produced no catalog: {e}")))?;
    catalog.set("StructTreeRoot", root);
    catalog.set(
        "MarkInfo",
        Dictionary::from_iter(vec![("Marked", Object::Boolean(true))]),
    );
    doc.version = VERSION.to_string();
    Ok(())
}
