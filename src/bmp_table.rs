//! A table with one entry per character of the Basic Multilingual Plane, allocated in blocks
//! of 256 characters as they are first written.
//!
//! A form uses a few thousand characters spread over some ninety blocks (most in the CJK
//! ideographs), so a flat table of 65,536 entries would be mostly memory cleared for
//! nothing, and a fresh process pays for every page of memory it touches first.

use std::sync::OnceLock;

const BLOCK: usize = 256;
const BLOCKS: usize = 0x1_0000 / BLOCK;

/// Entries of type `T` for U+0000 to U+FFFF, each starting as `T::default()`.
pub struct BmpTable<T> {
    blocks: Box<[OnceLock<Box<[T; BLOCK]>>]>,
}

impl<T: Default> BmpTable<T> {
    /// An empty table; nothing is allocated per block yet.
    pub fn new() -> Self {
        BmpTable {
            blocks: (0..BLOCKS).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The entry of `c` if its block has been written, `None` beyond the BMP or in a block
    /// never written (where every entry is still the default).
    pub fn get(&self, c: char) -> Option<&T> {
        let (block, index) = split(c)?;
        Some(&self.blocks[block].get()?[index])
    }

    /// The entry of `c`, allocating its block if needed; `None` beyond the BMP. Shared
    /// access, so entries that must change through it are atomics.
    pub fn entry(&self, c: char) -> Option<&T> {
        let (block, index) = split(c)?;
        Some(&self.blocks[block].get_or_init(new_block)[index])
    }

    /// The entry of `c` for writing, allocating its block if needed; `None` beyond the BMP.
    pub fn entry_mut(&mut self, c: char) -> Option<&mut T> {
        let (block, index) = split(c)?;
        let slot = &mut self.blocks[block];
        if slot.get().is_none() {
            let _ = slot.set(new_block());
        }
        Some(&mut slot.get_mut()?[index])
    }
}

impl<T: Default> Default for BmpTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

fn new_block<T: Default>() -> Box<[T; BLOCK]> {
    Box::new(std::array::from_fn(|_| T::default()))
}

/// Block and index within it of `c`, or `None` beyond the BMP.
fn split(c: char) -> Option<(usize, usize)> {
    let code = c as usize;
    (code < BLOCKS * BLOCK).then_some((code / BLOCK, code % BLOCK))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn blocks_appear_as_written() {
        let mut table: BmpTable<u16> = BmpTable::new();
        assert_eq!(table.get('中'), None);
        *table.entry_mut('中').unwrap() = 7;
        assert_eq!(table.get('中'), Some(&7));
        // The rest of the block reads as the default; other blocks are still absent.
        assert_eq!(table.get('丮'), Some(&0));
        assert_eq!(table.get('a'), None);
        assert_eq!(table.get('\u{FFFF}'), None);
        assert!(table.entry_mut('\u{FFFF}').is_some());
        assert_eq!(table.get('\u{20000}'), None);
        assert!(table.entry_mut('\u{20000}').is_none());
    }

    #[test]
    fn shared_entries_take_atomic_writes() {
        let table: BmpTable<AtomicU32> = BmpTable::new();
        table.entry('龘').unwrap().store(9, Ordering::Relaxed);
        assert_eq!(table.get('龘').unwrap().load(Ordering::Relaxed), 9);
        assert!(table.entry('\u{1F600}').is_none());
    }
}
