//! The document's logical structure, built while walking: elements opened and closed as
//! lists, quotes and tables begin and end, and leaves (paragraphs, headings, cells) whose text
//! items carry their [`Tag`].

use super::page::Block;
use super::{Element, Item, Role, Tag};

/// Elements so far and the open containers, innermost last.
#[derive(Debug, Default)]
pub struct Structure {
    elements: Vec<Element>,
    open: Vec<usize>,
    /// Figure elements and their alternative text.
    figures: Vec<(usize, String)>,
}

impl Structure {
    /// Adds an element inside the innermost open one and returns its index.
    pub fn leaf(&mut self, role: Role) -> usize {
        self.elements.push(Element {
            role,
            parent: self.open.last().copied(),
        });
        self.elements.len() - 1
    }

    /// Adds an element and makes it the innermost open one.
    pub fn open(&mut self, role: Role) -> usize {
        let index = self.leaf(role);
        self.open.push(index);
        index
    }

    /// Closes the innermost open element of `role`, and any opened inside it; nothing when
    /// none of that role is open (an end without its start).
    pub fn close(&mut self, role: Role) {
        if let Some(at) = self
            .open
            .iter()
            .rposition(|&index| self.elements[index].role == role)
        {
            self.open.truncate(at);
        }
    }

    /// Adds a figure element with its alternative text and returns its index.
    pub fn figure(&mut self, alt: String) -> usize {
        let index = self.leaf(Role::Figure);
        self.figures.push((index, alt));
        index
    }

    /// How many elements there are, when none is open and none is a figure: then the
    /// elements that follow depend on nothing before but their count.
    pub fn mark(&self) -> Option<usize> {
        (self.open.is_empty() && self.figures.is_empty()).then_some(self.elements.len())
    }

    /// The elements added since the [`mark`](Self::mark) `mark`, and the ones open now.
    pub fn since(&self, mark: usize) -> Since {
        Since {
            elements: self.elements[mark..].to_vec(),
            open: self.open.clone(),
        }
    }

    /// Adds again what `since` records, to a structure at a mark equal to the one it was
    /// taken from.
    pub fn replay(&mut self, since: &Since) {
        self.elements.extend_from_slice(&since.elements);
        self.open.clone_from(&since.open);
    }

    /// The elements, in document order, and the figures' alternative texts.
    pub fn finish(self) -> (Vec<Element>, Vec<(usize, String)>) {
        (self.elements, self.figures)
    }
}

/// The elements a [`Structure`] gained after a mark, and the ones it had open at the end (the
/// figures are left out: there are none where a mark is taken without pictures).
#[derive(Debug, Clone)]
pub struct Since {
    elements: Vec<Element>,
    open: Vec<usize>,
}

impl Since {
    /// How many elements it adds.
    pub fn len(&self) -> usize {
        self.elements.len()
    }
}

/// Gives every text item of `block` the tag `tag`.
pub fn tag(block: &mut Block, tag: Tag) {
    tag_items(&mut block.items, tag);
}

/// Gives every text item in `items` the tag `tag`.
pub fn tag_items(items: &mut [(super::Point, Item)], tag: Tag) {
    for (_, item) in items {
        if let Item::Text { tag: t, .. } = item {
            *t = tag;
        }
    }
}
