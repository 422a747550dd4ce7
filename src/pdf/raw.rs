//! Objects written directly as PDF bytes, beside lopdf's object tree, and spliced into the file
//! lopdf writes: a form's fields are a thousand-odd small dictionaries, and building them as
//! lopdf objects (allocated, hashed, cloned, serialized) cost more than the rest of the PDF.
//!
//! The objects take the numbers after lopdf's highest at the time they are reserved
//! ([`Objects::new`]); lopdf's tree refers to them by number, and [`Objects::append`] adds
//! them to the end of the file ([`Tail`]), which writes one cross-reference stream for all.

use super::deflate::Deflater;
use super::objects::{hundredths, push_fixed};
use super::xref::{ObjectStream, Tail};
use super::Error;

/// Objects being written, numbered from the first free number of a lopdf document.
#[derive(Debug, Clone)]
pub struct Objects {
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
            next: first,
            bodies: Vec::new(),
            ends: Vec::new(),
        }
    }

    /// Bytes held.
    pub fn len(&self) -> usize {
        self.bodies.len() + self.ends.len() * std::mem::size_of::<(u32, usize)>()
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

    /// Appends the objects to `tail`: the dictionaries packed into one compressed object
    /// stream (a form's thousand-odd field dictionaries take a few kilobytes so), the streams,
    /// which an object stream cannot hold, written plain.
    pub fn append(self, tail: &mut Tail, deflater: &mut Deflater) -> Result<(), Error> {
        let mut packed = ObjectStream::new(self.ends.len());
        let mut begin = 0;
        for (id, end) in &self.ends {
            let body = &self.bodies[begin..*end];
            begin = *end;
            if body.ends_with(b"endstream") {
                tail.object(*id, body);
            } else {
                packed.begin(*id);
                packed.body.extend_from_slice(body);
            }
        }
        tail.add(packed, deflater)
    }
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
    use crate::pdf::xref::Trailer;

    /// A file of lopdf's objects (a catalog referring to a raw field) with raw objects after
    /// them: a dictionary and a stream.
    fn file() -> (Vec<u8>, u32) {
        let mut doc = printpdf_lopdf::Document::with_version("1.5");
        // As printpdf's documents are written: a table, which `Tail` reads and replaces.
        doc.reference_table.cross_reference_type =
            printpdf_lopdf::xref::XrefType::CrossReferenceTable;
        let catalog = doc.new_object_id();
        let info = doc.new_object_id();
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
        doc.objects.insert(
            info,
            printpdf_lopdf::Object::Dictionary(printpdf_lopdf::Dictionary::new()),
        );
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let mut deflater = Deflater::new(crate::layout::Reuse::Document);
        let mut tail = Tail::from_lopdf(bytes, doc.max_id + 1).unwrap();
        raw.append(&mut tail, &mut deflater).unwrap();
        let trailer = Trailer {
            root: catalog.0,
            info: info.0,
            id: &[1, 2, 3, 4],
        };
        (tail.finish(&trailer, &mut deflater).unwrap(), field)
    }

    #[test]
    fn dictionaries_are_packed_and_streams_written_plain() {
        let (bytes, field) = file();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("/Rect["), "{text}");
        assert!(text.contains("/Type/XRef"), "{text}");
        assert!(text.contains("stream\nq Q\nendstream"), "{text}");
        let read = lopdf::Document::load_mem(&bytes).unwrap();
        let object = read.get_object((field, 0)).unwrap().as_dict().unwrap();
        assert_eq!(object.get(b"F").unwrap().as_i64().unwrap(), 4);
        let rect = object.get(b"Rect").unwrap().as_array().unwrap();
        assert_eq!(rect[1].as_float().unwrap(), 2.5);
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
}
