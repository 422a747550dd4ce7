//! Objects written directly as PDF bytes, beside lopdf's object tree, and spliced into the file
//! lopdf writes: a form's fields are a thousand-odd small dictionaries, and building them as
//! lopdf objects (allocated, hashed, cloned, serialized) cost more than the rest of the PDF.
//!
//! The objects take the numbers after lopdf's highest at the time they are reserved
//! ([`Objects::new`]); lopdf's tree refers to them by number, and [`Objects::splice`] appends
//! them to lopdf's output and writes one cross-reference table for both.

use super::deflate::Deflater;
use super::objects::{hundredths, push_fixed};
use super::Error;

/// Objects being written, numbered from the first free number of a lopdf document.
pub struct Objects {
    /// The numbers of the object stream the dictionaries are packed into and of the
    /// cross-reference stream, reserved first.
    container: u32,
    xref: u32,
    /// The next number to hand out.
    next: u32,
    /// Every object's body, one after the other.
    bodies: Vec<u8>,
    /// `(number, end of its body in bodies)`, in the order written.
    ends: Vec<(u32, usize)>,
}

impl Objects {
    /// Objects numbered from `first` on.
    pub fn new(first: u32) -> Objects {
        Objects {
            container: first,
            xref: first + 1,
            next: first + 2,
            bodies: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// The highest number handed out (the one before `first` when none was).
    pub fn last(&self) -> u32 {
        self.next - 1
    }

    /// A new object number, for an object written later with [`Objects::write`].
    pub fn reserve(&mut self) -> u32 {
        let id = self.next;
        self.next += 1;
        id
    }

    /// Writes the body of object `id` (reserved before) with `body`.
    pub fn write(&mut self, id: u32, body: impl FnOnce(&mut Body)) {
        body(&mut Body(&mut self.bodies));
        self.ends.push((id, self.bodies.len()));
    }

    /// A new object written with `body`: its number.
    pub fn add(&mut self, body: impl FnOnce(&mut Body)) -> u32 {
        let id = self.reserve();
        self.write(id, body);
        id
    }

    /// `file` (as lopdf wrote it, with a cross-reference table and these objects' numbers
    /// counted in its trailer's `/Size`) with these objects appended before its table, and one
    /// cross-reference section for all. With `pack`, the objects that are not streams go
    /// into one object stream compressed with it, and the section is a cross-reference stream
    /// (both PDF 1.5).
    pub fn splice(self, mut file: Vec<u8>, pack: Option<&mut Deflater>) -> Result<Vec<u8>, Error> {
        let broken = |what: &str| Error::Write(format!("lopdf's output has no {what}"));
        let tail = file.len().saturating_sub(64);
        let at = find_last(&file[tail..], b"startxref")
            .map(|i| tail + i)
            .ok_or_else(|| broken("startxref"))?;
        let start: usize = std::str::from_utf8(&file[at + b"startxref".len()..])
            .ok()
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| broken("cross-reference offset"))?;
        let table = file.get(start..at).ok_or_else(|| broken("table"))?;
        let trailer_at = find_last(table, b"trailer").ok_or_else(|| broken("trailer"))?;
        let trailer = table[trailer_at..].to_vec();
        let mut offsets =
            read_table(&table[..trailer_at]).ok_or_else(|| broken("readable table"))?;
        if offsets.len() < self.next as usize {
            offsets.resize(self.next as usize, None);
        }
        file.truncate(start);
        file.reserve(self.bodies.len() + 24 * self.ends.len() + 20 * offsets.len() + 256);
        let mut packed: Vec<u8> = Vec::new();
        let mut header: Vec<u8> = Vec::new();
        let mut index: Vec<(u32, usize)> = Vec::new();
        let mut begin = 0;
        for (id, end) in &self.ends {
            let body = &self.bodies[begin..*end];
            begin = *end;
            let id = *id;
            if pack.is_some() && !body.ends_with(b"endstream") {
                header.extend_from_slice(itoa::Buffer::new().format(id).as_bytes());
                header.push(b' ');
                header.extend_from_slice(itoa::Buffer::new().format(packed.len()).as_bytes());
                header.push(b' ');
                packed.extend_from_slice(body);
                packed.push(b'\n');
                index.push((id, index.len()));
                continue;
            }
            offsets[id as usize] = Some((file.len(), 0));
            write_object(&mut file, id, body);
        }
        let Some(deflater) = pack else {
            let start = file.len();
            file.extend_from_slice(format!("xref\n0 {}\n", offsets.len()).as_bytes());
            for (id, entry) in offsets.iter().enumerate() {
                let line = match entry {
                    Some((offset, generation)) => format!("{offset:010} {generation:05} n\r\n"),
                    None if id == 0 => "0000000000 65535 f\r\n".to_string(),
                    None => "0000000000 00000 f\r\n".to_string(),
                };
                file.extend_from_slice(line.as_bytes());
            }
            file.extend_from_slice(&trailer);
            file.extend_from_slice(format!("startxref\n{start}\n%%EOF").as_bytes());
            return Ok(file);
        };
        // The object stream.
        let first = header.len();
        header.extend_from_slice(&packed);
        let content = deflater.deflate(&header)?;
        offsets[self.container as usize] = Some((file.len(), 0));
        let mut body = Vec::with_capacity(content.len() + 100);
        Body(&mut body).stream(
            |b| {
                b.raw(b"/Type/ObjStm/N").int(index.len() as i64);
                b.raw(b"/First")
                    .int(first as i64)
                    .raw(b"/Filter/FlateDecode");
            },
            &content,
        );
        write_object(&mut file, self.container, &body);
        // The cross-reference stream, which carries the trailer's entries: type, offset or
        // object stream, generation or index (ISO 32000-1, 7.5.8).
        let start = file.len();
        offsets[self.xref as usize] = Some((start, 0));
        let mut entries = vec![[0u8; 7]; offsets.len()];
        for (id, entry) in offsets.iter().enumerate() {
            entries[id] = match entry {
                Some((offset, generation)) => row(1, *offset as u32, *generation),
                None if id == 0 => row(0, 0, 0xFFFF),
                None => row(0, 0, 0),
            };
        }
        for (id, at) in index {
            entries[id as usize] = row(2, self.container, at as u16);
        }
        let content = deflater.deflate(&entries.concat())?;
        let inner = trailer_entries(&trailer).ok_or_else(|| broken("trailer dictionary"))?;
        let mut body = Vec::with_capacity(content.len() + inner.len() + 100);
        Body(&mut body).stream(
            |b| {
                b.raw(b"/Type/XRef/W[1 4 2]").raw(inner);
                b.raw(b"/Filter/FlateDecode");
            },
            &content,
        );
        write_object(&mut file, self.xref, &body);
        file.extend_from_slice(format!("startxref\n{start}\n%%EOF").as_bytes());
        Ok(file)
    }
}

/// `id 0 obj … endobj`.
fn write_object(file: &mut Vec<u8>, id: u32, body: &[u8]) {
    file.extend_from_slice(itoa::Buffer::new().format(id).as_bytes());
    file.extend_from_slice(b" 0 obj\n");
    file.extend_from_slice(body);
    file.extend_from_slice(b"\nendobj\n");
}

/// One entry of a cross-reference stream of widths `[1 4 2]`.
fn row(kind: u8, field: u32, last: u16) -> [u8; 7] {
    let [a, b, c, d] = field.to_be_bytes();
    let [e, f] = last.to_be_bytes();
    [kind, a, b, c, d, e, f]
}

/// The entries of a `trailer << … >>` section, without the brackets.
fn trailer_entries(trailer: &[u8]) -> Option<&[u8]> {
    let text = trailer.strip_prefix(b"trailer")?.trim_ascii();
    text.strip_prefix(b"<<")?.strip_suffix(b">>")
}

/// The `(offset, generation)` of every object numbered in a cross-reference table (`xref`,
/// then sections of `first count` and 20-byte entries), by number; `None` when it is not one.
fn read_table(table: &[u8]) -> Option<Vec<Option<(usize, u16)>>> {
    let mut offsets = Vec::new();
    let text = std::str::from_utf8(table).ok()?;
    let mut lines = text.lines().map(str::trim);
    (lines.next()? == "xref").then_some(())?;
    while let Some(header) = lines.next() {
        if header.is_empty() {
            continue;
        }
        let (first, count) = header.split_once(' ')?;
        let (first, count): (usize, usize) = (first.parse().ok()?, count.parse().ok()?);
        for id in first..first + count {
            let mut parts = lines.next()?.split_whitespace();
            let (offset, generation, kind) = (parts.next()?, parts.next()?, parts.next()?);
            if kind == "n" {
                if offsets.len() <= id {
                    offsets.resize(id + 1, None);
                }
                offsets[id] = Some((offset.parse().ok()?, generation.parse().ok()?));
            }
        }
    }
    Some(offsets)
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The body of one object, written token by token; a token is separated from the one before
/// it when the syntax needs it.
pub struct Body<'b>(&'b mut Vec<u8>);

impl Body<'_> {
    /// Bytes as they are: delimiters (`<<`, `>>`, `[`, `]`) and names without special
    /// characters (`/Type/Annot`).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }

    /// A name (`/compliant`), with any character outside the regular ones as `#xx`.
    pub fn name(&mut self, name: &str) -> &mut Self {
        self.0.push(b'/');
        for byte in name.bytes() {
            if byte.is_ascii_alphanumeric() || b"-_.+*".contains(&byte) {
                self.0.push(byte);
            } else {
                self.0.extend_from_slice(format!("#{byte:02X}").as_bytes());
            }
        }
        self
    }

    /// An integer, after a space.
    pub fn int(&mut self, value: i64) -> &mut Self {
        self.0.push(b' ');
        self.0
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
        self
    }

    /// A reference to object `id`, after a space.
    pub fn reference(&mut self, id: u32) -> &mut Self {
        self.0.push(b' ');
        self.0
            .extend_from_slice(itoa::Buffer::new().format(id).as_bytes());
        self.0.extend_from_slice(b" 0 R");
        self
    }

    /// `[a b c d]`: a rectangle, to the hundredth.
    pub fn rect(&mut self, rect: [f32; 4]) -> &mut Self {
        self.0.push(b'[');
        for (i, value) in rect.iter().enumerate() {
            if i > 0 {
                self.0.push(b' ');
            }
            push_fixed(self.0, hundredths(*value));
        }
        self.0.push(b']');
        self
    }

    /// A text string: UTF-16BE with its byte order mark, in hexadecimal (as
    /// [`super::finish::text_string`] writes one).
    pub fn text(&mut self, text: &str) -> &mut Self {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        self.0.extend_from_slice(b"<FEFF");
        for unit in text.encode_utf16() {
            for byte in unit.to_be_bytes() {
                self.0.push(HEX[usize::from(byte >> 4)]);
                self.0.push(HEX[usize::from(byte & 0xF)]);
            }
        }
        self.0.push(b'>');
        self
    }

    /// A stream: `dict` (without its `/Length`, which this adds) and `content`.
    pub fn stream(&mut self, dict: impl FnOnce(&mut Self), content: &[u8]) -> &mut Self {
        self.0.extend_from_slice(b"<<");
        dict(self);
        self.0.extend_from_slice(b"/Length");
        self.int(content.len() as i64);
        self.0.extend_from_slice(b">>\nstream\n");
        self.0.extend_from_slice(content);
        self.0.extend_from_slice(b"\nendstream");
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lopdf document whose catalog refers to one raw object, and the raw objects.
    fn document() -> (Vec<u8>, Objects, u32) {
        let mut doc = printpdf_lopdf::Document::with_version("1.5");
        doc.reference_table.cross_reference_type =
            printpdf_lopdf::xref::XrefType::CrossReferenceTable;
        let catalog = doc.new_object_id();
        let mut raw = Objects::new(doc.max_id + 1);
        let field = raw.add(|b| {
            b.raw(b"<</T")
                .text("单位")
                .raw(b"/Rect")
                .rect([1.0, 2.5, 3.25, -4.0]);
            b.raw(b"/P")
                .reference(catalog.0)
                .raw(b"/F")
                .int(4)
                .raw(b">>");
        });
        raw.add(|b| {
            b.stream(
                |b| {
                    b.raw(b"/Subtype/Form").name("a b").raw(b"/x");
                },
                b"q Q",
            );
        });
        doc.max_id = raw.last();
        doc.objects.insert(
            catalog,
            printpdf_lopdf::Object::Dictionary(printpdf_lopdf::Dictionary::from_iter(vec![
                ("Type", printpdf_lopdf::Object::Name(b"Catalog".to_vec())),
                ("Field", printpdf_lopdf::Object::Reference((field, 0))),
            ])),
        );
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        (bytes, raw, field)
    }

    fn check(bytes: &[u8], field: u32) {
        let read = lopdf::Document::load_mem(bytes).unwrap();
        let object = read.get_object((field, 0)).unwrap().as_dict().unwrap();
        assert_eq!(object.get(b"F").unwrap().as_i64().unwrap(), 4);
        let rect = object.get(b"Rect").unwrap().as_array().unwrap();
        assert_eq!(rect[1].as_float().unwrap(), 2.5);
        assert_eq!(read.trailer.get(b"Size").unwrap().as_i64().unwrap(), 6);
        let stream = read
            .get_object((field + 1, 0))
            .unwrap()
            .as_stream()
            .unwrap();
        assert_eq!(stream.content, b"q Q");
        assert_eq!(
            stream
                .dict
                .get(b"a#20b")
                .or(stream.dict.get(b"a b"))
                .unwrap()
                .as_name()
                .unwrap(),
            b"x"
        );
    }

    #[test]
    fn objects_are_spliced_before_one_table_for_all() {
        let (bytes, raw, field) = document();
        let bytes = raw.splice(bytes, None).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("4 0 obj\n<</T<FEFF53554F4D>/Rect[1 2.5 3.25 -4]/P 1 0 R/F 4>>\nendobj"),
            "{text}"
        );
        check(&bytes, field);
    }

    #[test]
    fn dictionaries_are_packed_into_an_object_stream() {
        let (bytes, raw, field) = document();
        let bytes = raw.splice(bytes, Some(&mut Deflater::new())).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("/Rect["), "{text}");
        assert!(text.contains("/Type/XRef"), "{text}");
        check(&bytes, field);
    }
}
