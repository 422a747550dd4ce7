//! The end of the file: lopdf writes the objects it holds and a cross-reference table; that
//! table is replaced here by a cross-reference stream (ISO 32000-1 §7.5.8), so that objects
//! written as bytes can follow in compressed object streams (§7.5.7). The structure tree is
//! such a set of objects: thousands of small dictionaries, which compress to a tenth.

use super::deflate::Deflater;
use super::Error;

/// Objects written as bytes, to be compressed into one object stream.
#[derive(Debug, Default)]
pub struct ObjectStream {
    /// Each object's number and offset in `body`.
    index: Vec<(u32, usize)>,
    /// The objects, one after another.
    pub body: Vec<u8>,
}

impl ObjectStream {
    /// An empty stream with room for about `objects` small objects.
    pub fn new(objects: usize) -> ObjectStream {
        ObjectStream {
            index: Vec::with_capacity(objects),
            body: Vec::with_capacity(objects * 40),
        }
    }

    /// Begins the object numbered `number`: what is written to [`body`](Self::body) next,
    /// up to the next `begin`, is that object.
    pub fn begin(&mut self, number: u32) {
        if !self.body.is_empty() {
            self.body.push(b'\n');
        }
        self.index.push((number, self.body.len()));
    }

    /// The stream's data (its index of objects and offsets, then the objects), compressed
    /// (kept for the next document when the deflater says so: see `memo`).
    pub fn pack(&self, deflater: &mut Deflater) -> Result<Packed, Error> {
        self.pack_with(|index, body| super::memo::object_stream(index, body, deflater))
    }

    /// The stream's data compressed by `compress`, given the index and the objects.
    pub fn pack_with(
        &self,
        compress: impl FnOnce(&[u8], &[u8]) -> Result<Vec<u8>, Error>,
    ) -> Result<Packed, Error> {
        let mut data = Vec::with_capacity(self.index.len() * 12);
        for (object, offset) in &self.index {
            push_int(&mut data, u64::from(*object));
            data.push(b' ');
            push_int(&mut data, *offset as u64);
            data.push(b' ');
        }
        let packed = compress(&data, &self.body)?;
        Ok(Packed {
            objects: self.index.iter().map(|&(object, _)| object).collect(),
            first: data.len(),
            packed,
        })
    }
}

/// An object stream compressed, to be appended by [`Tail::add_packed`].
#[derive(Debug, Clone)]
pub struct Packed {
    /// The objects' numbers, in order.
    objects: Vec<u32>,
    /// Where the first object begins in the data (`/First`).
    first: usize,
    packed: Vec<u8>,
}

impl Packed {
    /// Bytes held, for the bound of the cache that keeps it.
    pub fn len(&self) -> usize {
        self.packed.len() + self.objects.len() * 4
    }
}

/// Where an object is, for the cross-reference stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// No object has this number.
    Free,
    /// An object written in the file at this byte offset.
    At(u64),
    /// The `index`-th object of the object stream numbered `stream`.
    In { stream: u32, index: u32 },
}

/// A file written up to its cross-reference section, and where each object is.
pub struct Tail {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
}

/// What the trailer says: the catalog, the document information dictionary, the file
/// identifier.
pub struct Trailer<'a> {
    pub root: u32,
    pub info: u32,
    pub id: &'a [u8],
}

impl Tail {
    /// Takes a file as lopdf wrote it (the pinned version writes one cross-reference table,
    /// its subsections and a trailer), reads the table and cuts the file before it. `size` is
    /// one more than the highest object number lopdf gave out, written or not.
    pub fn from_lopdf(mut bytes: Vec<u8>, size: u32) -> Result<Tail, Error> {
        let broken = || Error::Write("lopdf wrote no readable cross-reference table".into());
        let start = find_last(&bytes, b"startxref\n").ok_or_else(broken)?;
        let offset: usize = std::str::from_utf8(&bytes[start + 10..])
            .ok()
            .and_then(|rest| rest.lines().next())
            .and_then(|line| line.trim().parse().ok())
            .ok_or_else(broken)?;
        let table = bytes.get(offset..).ok_or_else(broken)?;
        let mut rest = table.strip_prefix(b"xref\n").ok_or_else(broken)?;
        let mut entries = Vec::new();
        while !rest.starts_with(b"trailer") {
            let end = rest.iter().position(|&b| b == b'\n').ok_or_else(broken)?;
            let header = std::str::from_utf8(&rest[..end]).map_err(|_| broken())?;
            let (first, count) = header.split_once(' ').ok_or_else(broken)?;
            let first: usize = first.parse().map_err(|_| broken())?;
            let count: usize = count.parse().map_err(|_| broken())?;
            rest = &rest[end + 1..];
            if entries.len() < first + count {
                entries.resize(first + count, Entry::Free);
            }
            for (i, line) in rest.chunks(20).take(count).enumerate() {
                // `oooooooooo ggggg n \n`
                let line = std::str::from_utf8(line).map_err(|_| broken())?;
                if line.len() != 20 {
                    return Err(broken());
                }
                if &line[17..18] == "n" {
                    entries[first + i] = Entry::At(line[..10].parse().map_err(|_| broken())?);
                }
            }
            rest = rest.get(count * 20..).ok_or_else(broken)?;
        }
        if entries.len() > size as usize {
            return Err(broken());
        }
        entries.resize(size as usize, Entry::Free);
        bytes.truncate(offset);
        Ok(Tail { bytes, entries })
    }

    /// The number the next object added will have.
    pub fn next_number(&self) -> u32 {
        self.entries.len() as u32
    }

    /// Writes object `number`, given out before and not yet written, uncompressed (a
    /// stream, which an object stream cannot hold).
    pub fn object(&mut self, number: u32, body: &[u8]) {
        let slot = number as usize;
        if self.entries.len() <= slot {
            self.entries.resize(slot + 1, Entry::Free);
        }
        self.entries[slot] = Entry::At(self.bytes.len() as u64);
        let out = &mut self.bytes;
        push_int(out, u64::from(number));
        out.extend_from_slice(b" 0 obj\n");
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }

    /// Appends `objects` as a compressed object stream, numbered after them; nothing when
    /// there are none.
    pub fn add(&mut self, objects: ObjectStream, deflater: &mut Deflater) -> Result<(), Error> {
        self.add_packed(&objects.pack(deflater)?);
        Ok(())
    }

    /// Appends an object stream packed before; nothing when it holds no object.
    pub fn add_packed(&mut self, stream: &Packed) {
        let Some(after) = stream.objects.iter().map(|&object| object + 1).max() else {
            return;
        };
        let number = after.max(self.next_number());
        self.entries.resize(number as usize, Entry::Free);
        for (index, object) in stream.objects.iter().enumerate() {
            self.entries[*object as usize] = Entry::In {
                stream: number,
                index: index as u32,
            };
        }
        self.entries.push(Entry::At(self.bytes.len() as u64));
        debug_assert_eq!(self.entries.len(), number as usize + 1);
        let out = &mut self.bytes;
        push_int(out, u64::from(number));
        out.extend_from_slice(b" 0 obj\n<</Type/ObjStm/N ");
        push_int(out, stream.objects.len() as u64);
        out.extend_from_slice(b"/First ");
        push_int(out, stream.first as u64);
        out.extend_from_slice(b"/Filter/FlateDecode");
        end_stream(out, &stream.packed);
    }

    /// Ends the file: the cross-reference stream, which carries the trailer, and `startxref`.
    pub fn finish(mut self, trailer: &Trailer, deflater: &mut Deflater) -> Result<Vec<u8>, Error> {
        let number = self.next_number();
        let start = self.bytes.len() as u64;
        self.entries.push(Entry::At(start));
        let (mut second, mut third) = (0u64, 0xFFFFu64);
        for entry in &self.entries {
            match *entry {
                Entry::Free => {}
                Entry::At(offset) => second = second.max(offset),
                Entry::In { stream, index } => {
                    second = second.max(u64::from(stream));
                    third = third.max(u64::from(index));
                }
            }
        }
        let widths = [1, width(second), width(third)];
        let columns = widths.iter().sum::<usize>();
        // Each row as its difference from the row above (the PNG "Up" predictor, with its
        // tag byte): consecutive objects in one object stream differ by one, and the
        // differences compress to almost nothing.
        let mut rows = Vec::with_capacity(self.entries.len() * (columns + 1));
        let mut previous = vec![0u8; columns];
        let mut row = Vec::with_capacity(columns);
        for (object, entry) in self.entries.iter().enumerate() {
            let (kind, field2, field3) = match *entry {
                // Object 0 heads the (empty) free list, with the highest generation.
                Entry::Free if object == 0 => (0, 0, 0xFFFF),
                Entry::Free => (0, 0, 0),
                Entry::At(offset) => (1, offset, 0),
                Entry::In { stream, index } => (2, u64::from(stream), u64::from(index)),
            };
            row.clear();
            row.push(kind);
            row.extend_from_slice(&field2.to_be_bytes()[8 - widths[1]..]);
            row.extend_from_slice(&field3.to_be_bytes()[8 - widths[2]..]);
            rows.push(2);
            rows.extend(row.iter().zip(&previous).map(|(b, a)| b.wrapping_sub(*a)));
            std::mem::swap(&mut row, &mut previous);
        }
        let packed = deflater.deflate(&rows)?;
        let out = &mut self.bytes;
        push_int(out, u64::from(number));
        out.extend_from_slice(b" 0 obj\n<</Type/XRef/Size ");
        push_int(out, u64::from(number) + 1);
        out.extend_from_slice(b"/W[1 ");
        push_int(out, widths[1] as u64);
        out.push(b' ');
        push_int(out, widths[2] as u64);
        out.extend_from_slice(b"]/Root ");
        push_int(out, u64::from(trailer.root));
        out.extend_from_slice(b" 0 R/Info ");
        push_int(out, u64::from(trailer.info));
        out.extend_from_slice(b" 0 R/ID[");
        for _ in 0..2 {
            out.push(b'<');
            for byte in trailer.id {
                out.extend_from_slice(&hex(*byte));
            }
            out.push(b'>');
        }
        out.extend_from_slice(b"]/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns ");
        push_int(out, columns as u64);
        out.extend_from_slice(b">>");
        end_stream(out, &packed);
        out.extend_from_slice(b"startxref\n");
        push_int(out, start);
        out.extend_from_slice(b"\n%%EOF\n");
        Ok(self.bytes)
    }
}

/// Ends a stream object's dictionary with `/Length`, then writes `data` and ends the object.
fn end_stream(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(b"/Length ");
    push_int(out, data.len() as u64);
    out.extend_from_slice(b">>\nstream\n");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream\nendobj\n");
}

/// Bytes needed for `value` (at least one).
fn width(value: u64) -> usize {
    (8 - value.leading_zeros() as usize / 8).max(1)
}

fn push_int(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// The two hexadecimal digits of `byte`.
pub fn hex(byte: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    [
        DIGITS[usize::from(byte >> 4)],
        DIGITS[usize::from(byte & 15)],
    ]
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fit_the_largest_value() {
        assert_eq!(width(0), 1);
        assert_eq!(width(255), 1);
        assert_eq!(width(256), 2);
        assert_eq!(width(0xFFFF), 2);
        assert_eq!(width(0x1_0000), 3);
    }
}
