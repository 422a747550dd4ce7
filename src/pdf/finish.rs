//! The last touches on printpdf's object tree, before it is written out:
//!
//! - reproducibility: printpdf draws its file identifier from a process-wide counter and
//!   stamps dates; here the identifier is a hash of the content and dates are written only
//!   when a timestamp is given (`SOURCE_DATE_EPOCH`);
//! - subset fonts are tagged `ABCDEF+Name`, as ISO 32000-1 §9.6.4 asks (printpdf tags only
//!   fonts it subset itself);
//! - the outline is nested by heading level and kept in document order (printpdf's is flat and
//!   sorted by title within a page);
//! - the page contents and the real font programs, made beforehand, take the place of
//!   printpdf's;
//! - the remaining streams are compressed, once.

use printpdf_lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};

use super::deflate::Deflater;
use super::embed::{self, Subset};
use super::objects::picture_name;
use super::tags;
use super::xref::{Tail, Trailer};
use super::{Error, PdfOptions};
use crate::fonts::FontSet;
use crate::image::Pixels;
use crate::layout::{Document as LaidOut, Item, OutlineEntry, Page, TableRow};

/// 64-bit FNV-1a: a stable hash (unlike std's, whose algorithm may change between releases)
/// for identifiers that must not change from one build to the next.
pub struct Fnv(u64);

impl Fnv {
    /// The offset basis.
    pub fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Mixes in `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Applies every touch, adds the structure tree for the marked content `owners` (see
/// [`tags::append`]) and the fields of the form found in the table `rows` of each page,
/// and serializes the document.
#[allow(clippy::too_many_arguments)]
pub fn finish(
    mut doc: Document,
    options: &PdfOptions,
    document: &LaidOut,
    fonts: &[Subset],
    programs: Vec<Vec<u8>>,
    contents: Vec<Vec<u8>>,
    owners: &[Vec<usize>],
    rows: &[std::rc::Rc<[TableRow]>],
    deflater: &mut Deflater,
) -> Result<Vec<u8>, Error> {
    let pages = &document.pages;
    let outline = &document.outline;
    embed_programs(&mut doc, fonts, programs)?;
    tag_fonts(&mut doc, fonts);
    if let Ok(Object::Reference(old)) = doc.trailer.get(b"Info") {
        let old = *old;
        doc.objects.remove(&old);
    }
    let title = match options.title.as_str() {
        "" => outline
            .iter()
            .find(|entry| entry.level == 1)
            .map_or("", |entry| entry.title.as_str()),
        title => title,
    };
    let info_id = doc.add_object(info(title, options));
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let fields = match &options.fields {
        Some(spec) => super::fields::add(
            &mut doc,
            pages,
            &page_ids,
            rows,
            spec,
            FontSet::get()?,
            deflater.reuse(),
        )?,
        None => None,
    };
    let id = document_id(options, &contents);
    put_contents(&mut doc, &page_ids, contents)?;
    let outline_id = write_outline(&mut doc, outline, &page_ids, pages);
    add_pictures(&mut doc, document, &page_ids, deflater)?;
    // The structure tree is written after lopdf's objects (see `tags`), numbered from the
    // first number lopdf has not given out.
    let tree_root = doc.max_id + 1;
    for (page, page_id) in page_ids.iter().enumerate() {
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(*page_id) {
            dict.set("StructParents", Object::Integer(page as i64));
        }
    }
    let catalog = doc
        .catalog_mut()
        .map_err(|e| Error::Write(format!("printpdf produced no catalog: {e}")))?;
    catalog.set("Lang", Object::string_literal("zh-CN"));
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter(vec![("DisplayDocTitle", Object::Boolean(true))]),
    );
    catalog.set("StructTreeRoot", Object::Reference((tree_root, 0)));
    catalog.set(
        "MarkInfo",
        Dictionary::from_iter(vec![("Marked", Object::Boolean(true))]),
    );
    match outline_id {
        Some(id) => {
            catalog.set("Outlines", id);
            catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        }
        None => {
            catalog.remove(b"Outlines");
            catalog.set("PageMode", Object::Name(b"UseNone".to_vec()));
        }
    }
    let root = match doc.trailer.get(b"Root") {
        Ok(Object::Reference((root, _))) => *root,
        _ => return Err(Error::Write("printpdf wrote no /Root".into())),
    };
    compress(&mut doc, deflater)?;
    doc.version = tags::VERSION.to_string();
    // Sized for the streams plus the objects around them, so the file is not copied as the
    // buffer grows.
    let streams: usize = doc
        .objects
        .values()
        .map(|object| match object {
            Object::Stream(stream) => stream.content.len(),
            _ => 0,
        })
        .sum();
    // The structure tree's object stream follows (a form's is about a seventh of the file).
    let tree_size = document.structure.len() * 24;
    let mut bytes = Vec::with_capacity(streams + 200 * doc.objects.len() + tree_size + 4096);
    doc.save_to(&mut bytes)
        .map_err(|e| Error::Write(e.to_string()))?;
    let size = doc.max_id + 1;
    // Its streams (the font programs, the page contents) are in `bytes` now: their memory
    // is free for the structure tree and the fields.
    drop(doc);
    let mut tail = Tail::from_lopdf(bytes, size)?;
    if tail.next_number() != tree_root {
        return Err(Error::Write(format!(
            "lopdf's objects end at {}, not {tree_root}",
            tail.next_number()
        )));
    }
    let page_numbers: Vec<u32> = page_ids.iter().map(|id| id.0).collect();
    let tree = tags::TreeKey {
        structure: &document.structure,
        figures: &document.figures,
        owners,
        first: tree_root,
        pages: &page_numbers,
    };
    tags::append(tree, &mut tail, deflater)?;
    // The fields' numbers come before the tree's; their objects go after it.
    if let Some(fields) = fields {
        fields.append(&mut tail, deflater)?;
    }
    tail.finish(
        &Trailer {
            root,
            info: info_id.0,
            id: &id,
        },
        deflater,
    )
}

/// Puts each face's real (deflated) program where printpdf embedded the outline-free copy.
fn embed_programs(
    doc: &mut Document,
    fonts: &[Subset],
    programs: Vec<Vec<u8>>,
) -> Result<(), Error> {
    let mut targets = Vec::new();
    for object in doc.objects.values() {
        let Object::Dictionary(dict) = object else {
            continue;
        };
        let (Ok(Object::Name(name)), Ok(Object::Reference(file))) =
            (dict.get(b"FontName"), dict.get(b"FontFile2"))
        else {
            continue;
        };
        if let Some((index, _)) = embed::by_name(fonts, name) {
            targets.push((*file, index));
        }
    }
    let mut programs: Vec<Option<Vec<u8>>> = programs.into_iter().map(Some).collect();
    for (file, index) in targets {
        let (Some(Object::Stream(stream)), Some(Some(program))) = (
            doc.objects.get_mut(&file),
            programs.get_mut(index).map(Option::take),
        ) else {
            continue;
        };
        stream
            .dict
            .set("Length1", Object::Integer(program.len() as i64));
        stream.set_content(program);
    }
    // A face left with printpdf's copy would have no outlines: its text would be invisible.
    match programs.iter().position(Option::is_some) {
        Some(index) => Err(Error::Write(format!(
            "printpdf wrote no font file for {}",
            fonts[index].font.postscript_name()
        ))),
        None => Ok(()),
    }
}

/// Embeds the pictures as image XObjects and names them in the resources of the pages that
/// draw them. A JPEG goes in as it is (`DCTDecode`); decoded samples are deflated, an alpha
/// channel becoming a soft mask. Nothing happens for a document without pictures.
fn add_pictures(
    doc: &mut Document,
    document: &LaidOut,
    page_ids: &[ObjectId],
    deflater: &mut Deflater,
) -> Result<(), Error> {
    if document.pictures.is_empty() {
        return Ok(());
    }
    let name = |name: &[u8]| Object::Name(name.to_vec());
    let color_space = |components: u8| match components {
        1 => name(b"DeviceGray"),
        3 => name(b"DeviceRGB"),
        _ => name(b"DeviceCMYK"),
    };
    let image = |width: u32, height: u32, components: u8, filter: &[u8]| {
        Dictionary::from_iter(vec![
            ("Type", name(b"XObject")),
            ("Subtype", name(b"Image")),
            ("Width", Object::Integer(width.into())),
            ("Height", Object::Integer(height.into())),
            ("ColorSpace", color_space(components)),
            ("BitsPerComponent", Object::Integer(8)),
            ("Filter", name(filter)),
        ])
    };
    let mut ids = Vec::with_capacity(document.pictures.len());
    for picture in &document.pictures {
        let (width, height) = (picture.width, picture.height);
        let stream = match &picture.data {
            Pixels::Jpeg {
                components,
                adobe,
                bytes,
            } => {
                let mut dict = image(width, height, *components, b"DCTDecode");
                // Adobe's CMYK JPEGs store the components inverted.
                if *components == 4 && *adobe {
                    let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer);
                    dict.set("Decode", Object::Array(decode.to_vec()));
                }
                Stream::new(dict, bytes.clone())
            }
            Pixels::Samples {
                components,
                color,
                alpha,
            } => {
                let mut dict = image(width, height, *components, b"FlateDecode");
                if let Some(alpha) = alpha {
                    let mut mask = image(width, height, 1, b"FlateDecode");
                    mask.set("DecodeParms", up_parms(width, 1));
                    let packed = deflater.deflate(&up_rows(alpha, width as usize))?;
                    let mask = doc.add_object(Stream::new(mask, packed));
                    dict.set("SMask", mask);
                }
                dict.set("DecodeParms", up_parms(width, *components));
                let row = width as usize * usize::from(*components);
                Stream::new(dict, deflater.deflate(&up_rows(color, row))?)
            }
        };
        ids.push(doc.add_object(stream));
    }
    for (page, page_id) in document.pages.iter().zip(page_ids) {
        let mut xobjects = Dictionary::new();
        for (_, item) in &page.items {
            if let Item::Image { picture, .. } = item {
                xobjects.set(picture_name(*picture), ids[*picture]);
            }
        }
        if xobjects.is_empty() {
            continue;
        }
        let resources = page_reference(doc, *page_id, b"Resources", "resources")?;
        match doc.get_object_mut(resources) {
            Ok(Object::Dictionary(dict)) => dict.set("XObject", xobjects),
            _ => {
                return Err(Error::Write(
                    "printpdf wrote a page without resources".into(),
                ))
            }
        }
    }
    Ok(())
}

/// Rows of 8-bit samples, each as its difference from the row above with the PNG "Up" tag
/// byte before it: neighbouring rows of a picture are alike, and their differences deflate
/// far better than the samples.
fn up_rows(samples: &[u8], row: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(samples.len() + samples.len() / row.max(1) + 1);
    let mut above: &[u8] = &[];
    for line in samples.chunks(row.max(1)) {
        out.push(2);
        out.extend(
            line.iter()
                .enumerate()
                .map(|(i, b)| b.wrapping_sub(above.get(i).copied().unwrap_or(0))),
        );
        above = line;
    }
    out
}

/// The decode parameters of [`up_rows`]' output.
fn up_parms(width: u32, components: u8) -> Dictionary {
    Dictionary::from_iter(vec![
        ("Predictor", Object::Integer(15)),
        ("Colors", Object::Integer(components.into())),
        ("BitsPerComponent", Object::Integer(8)),
        ("Columns", Object::Integer(width.into())),
    ])
}

/// Sets each page's content stream to the one written for it.
fn put_contents(
    doc: &mut Document,
    page_ids: &[ObjectId],
    contents: Vec<Vec<u8>>,
) -> Result<(), Error> {
    if page_ids.len() != contents.len() {
        return Err(Error::Write(format!(
            "printpdf wrote {} pages for {} laid out",
            page_ids.len(),
            contents.len()
        )));
    }
    for (page_id, content) in page_ids.iter().zip(contents) {
        let contents_id = page_reference(doc, *page_id, b"Contents", "a content stream")?;
        let dict = Dictionary::from_iter(vec![("Filter", Object::Name(b"FlateDecode".to_vec()))]);
        doc.objects
            .insert(contents_id, Object::Stream(Stream::new(dict, content)));
    }
    Ok(())
}

/// Prefixes the names of every embedded face with its subset tag.
fn tag_fonts(doc: &mut Document, fonts: &[Subset]) {
    for object in doc.objects.values_mut() {
        let Object::Dictionary(dict) = object else {
            continue;
        };
        for key in [&b"BaseFont"[..], b"FontName"] {
            let Ok(Object::Name(name)) = dict.get_mut(key) else {
                continue;
            };
            if let Some((_, embedded)) = embed::by_name(fonts, name) {
                let mut tagged = format!("{}+", embedded.tag).into_bytes();
                tagged.extend_from_slice(name);
                *name = tagged;
            }
        }
    }
}

/// A PDF text string: UTF-16BE with a byte order mark, which every reader decodes.
pub(super) fn text_string(text: &str) -> Object {
    let mut bytes = Vec::with_capacity(2 + text.len() * 2);
    bytes.extend_from_slice(&[0xFE, 0xFF]);
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The document information dictionary: title, subject, author, keywords, and dates only
/// when a timestamp was given.
fn info(title: &str, options: &PdfOptions) -> Dictionary {
    let mut info = Dictionary::new();
    if !title.is_empty() {
        info.set("Title", text_string(title));
    }
    if !options.subject.is_empty() {
        info.set("Subject", text_string(&options.subject));
    }
    if let Some(author) = &options.author {
        info.set("Author", text_string(author));
    }
    if !options.keywords.is_empty() {
        info.set("Keywords", text_string(&options.keywords.join(", ")));
    }
    if let Some(fields) = &options.fields {
        info.set(super::fields::IDENTITY_KEY, text_string(&fields.identity));
    }
    info.set("Creator", text_string("checkgen"));
    info.set("Producer", text_string("checkgen (printpdf 0.12.8)"));
    if let Some(seconds) = options.timestamp {
        let date = Object::string_literal(pdf_date(seconds));
        info.set("CreationDate", date.clone());
        info.set("ModDate", date);
    }
    info
}

/// `D:YYYYMMDDHHmmSSZ` for seconds since the Unix epoch (UTC).
fn pdf_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm), valid for the whole i64 day range used.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let year = year.clamp(0, 9999);
    format!(
        "D:{year:04}{month:02}{day:02}{:02}{:02}{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The file identifier: a hash of everything the document shows (its page contents, which
/// hold every glyph and position, compressed) and of its title, so the same input always gets
/// the same identifier and different forms get different ones.
fn document_id(options: &PdfOptions, contents: &[Vec<u8>]) -> Vec<u8> {
    let mut first = Fnv::new();
    first.write(options.title.as_bytes());
    first.write(options.subject.as_bytes());
    if let Some(ts) = options.timestamp {
        first.write(&ts.to_le_bytes());
    }
    for content in contents {
        first.write(content);
    }
    let mut second = Fnv(first.finish());
    second.write(b"checkgen");
    let mut id = first.finish().to_be_bytes().to_vec();
    id.extend_from_slice(&second.finish().to_be_bytes());
    id
}

/// Writes the outline tree; returns the outline dictionary's id, or `None` without headings.
fn write_outline(
    doc: &mut Document,
    outline: &[OutlineEntry],
    page_ids: &[ObjectId],
    pages: &[Page],
) -> Option<ObjectId> {
    if outline.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = outline.iter().map(|_| doc.new_object_id()).collect();
    // Parent of each entry: the nearest earlier entry with a smaller level.
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(outline.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, entry) in outline.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&j| outline[j].level >= entry.level)
        {
            stack.pop();
        }
        parents.push(stack.last().copied());
        stack.push(i);
    }
    // Children of each entry, and of the root last, in document order.
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); outline.len() + 1];
    let mut descendants = vec![0i64; outline.len() + 1];
    let mut positions = Vec::with_capacity(outline.len());
    for (i, parent) in parents.iter().enumerate() {
        let siblings = &mut kids[parent.unwrap_or(outline.len())];
        positions.push(siblings.len());
        siblings.push(i);
        let mut up = *parent;
        while let Some(p) = up {
            descendants[p] += 1;
            up = parents[p];
        }
    }
    descendants[outline.len()] = outline.len() as i64;
    let link = |dict: &mut Dictionary, children: &[usize], count: i64| {
        if let (Some(&first), Some(&last)) = (children.first(), children.last()) {
            dict.set("First", ids[first]);
            dict.set("Last", ids[last]);
            dict.set("Count", Object::Integer(count));
        }
    };
    for (i, entry) in outline.iter().enumerate() {
        let siblings = &kids[parents[i].unwrap_or(outline.len())];
        let position = positions[i];
        let mut dict = Dictionary::new();
        dict.set("Title", text_string(&entry.title));
        dict.set("Parent", parents[i].map_or(root, |p| ids[p]));
        if position > 0 {
            dict.set("Prev", ids[siblings[position - 1]]);
        }
        if let Some(&next) = siblings.get(position + 1) {
            dict.set("Next", ids[next]);
        }
        link(&mut dict, &kids[i], descendants[i]);
        if let Some(&page_id) = page_ids.get(entry.page) {
            let height = pages.get(entry.page).map_or(0.0, |p| p.height);
            dict.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page_id),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(height - entry.y + 4.0),
                    Object::Null,
                ]),
            );
        }
        doc.objects.insert(ids[i], Object::Dictionary(dict));
    }
    let mut root_dict = Dictionary::from_iter(vec![("Type", Object::Name(b"Outlines".to_vec()))]);
    link(
        &mut root_dict,
        &kids[outline.len()],
        descendants[outline.len()],
    );
    doc.objects.insert(root, Object::Dictionary(root_dict));
    Some(root)
}

/// Deflates every stream not compressed yet, except the font programs (`Length1`), which are
/// stored: outlines deflate by only a sixth, for a millisecond per form.
fn compress(doc: &mut Document, deflater: &mut Deflater) -> Result<(), Error> {
    for object in doc.objects.values_mut() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.has(b"Filter") || stream.dict.has(b"Length1") || stream.content.len() < 64 {
            continue;
        }
        let packed = deflater.deflate(&stream.content)?;
        stream
            .dict
            .set("Filter", Object::Name(b"FlateDecode".to_vec()));
        stream.set_content(packed);
    }
    Ok(())
}

/// The object a page's `key` entry refers to; printpdf writes `what` as a reference on every
/// page.
fn page_reference(
    doc: &Document,
    page: ObjectId,
    key: &[u8],
    what: &str,
) -> Result<ObjectId, Error> {
    match doc.get_dictionary(page).and_then(|p| p.get(key)) {
        Ok(Object::Reference(id)) => Ok(*id),
        _ => Err(Error::Write(format!(
            "printpdf wrote a page without {what}"
        ))),
    }
}
