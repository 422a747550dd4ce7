//! The fill-in fields of a form (an AcroForm), laid over the drawn form without changing it.
//!
//! Where the fields go is read back from the laid-out pages ([`crate::layout::table_rows`]): a
//! result table (its header has the result and note columns) gets, per body row, a radio
//! group on the row's checkbox squares and a multi-line text field on its note cell; a
//! two-column label table (`项目 | 内容`) gets a text field on every blank value cell, named by
//! its label. A row is named by its 序号 through [`FormFields::rows`].
//!
//! Field names: `SEC-003#2` is a non-terminal field per row, with the radio group `result`
//! (states `compliant`, `partial`, `non_compliant`, `not_applicable`; `Off` unanswered) and the
//! text field `note`; fully qualified, `SEC-003#2.result` and `SEC-003#2.note`. A label field
//! is named by its label (`单位名称`).
//!
//! Appearances: a radio widget's `on` appearance is the tick `☑` is drawn with, its `Off`
//! appearance empty (the square is printed on the page), and both have a pressed (`/D`)
//! variant, shaded; radio widgets of the same size share these streams. A blank text field
//! has an empty appearance of its own (form fillers write the typed text into it). Typed text is set in `STSong-Light`, one of the standard Chinese
//! fonts of PDF (Adobe-GB1), which every Chinese-capable viewer supplies; it is not embedded.
//! The embedded faces are subsets holding only the form's own characters, and embedding a face
//! that covers what people type would add megabytes to every form.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use printpdf_lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::raw::{Body, Objects};
use super::Error;
use crate::fonts::{FontId, FontSet};
use crate::layout::{Cell, Page, Reuse, TableRow};

/// What the fields of a form are: set by the form's generator, which knows its rows.
#[derive(Debug, Clone, PartialEq)]
pub struct FormFields {
    /// 序号 as printed (`3`, `3.2`) → the row's field name (`SEC-003#2`); the same for every
    /// form of a selection, so shared.
    pub rows: Arc<[(String, String)]>,
    /// The header of the result column (`自查结果`).
    pub result_column: String,
    /// The start of the note column's header (`情况说明`, `问题描述`).
    pub note_column: String,
    /// The first header cell of a label table (`项目`).
    pub label_column: String,
    /// Box label → radio state (`部分符合` → `partial`).
    pub states: Vec<(String, String)>,
    /// What the form is, kept in the document information as `CheckgenForm` for reading the
    /// filled form back.
    pub identity: String,
}

/// The key of the identity in the document information dictionary.
pub const IDENTITY_KEY: &str = "CheckgenForm";

/// The resource name of the field font.
const FIELD_FONT: &str = "Song";
/// Size of typed text, as the table text around it.
const FIELD_SIZE: f32 = 9.0;
/// Radio flags: NoToggleToOff and Radio (ISO 32000-1, table 226).
const RADIO_FLAGS: i64 = (1 << 14) | (1 << 15);
/// Text field flag: Multiline.
const MULTILINE: i64 = 1 << 12;
/// Annotation flag: Print.
const PRINT: i64 = 4;
/// Grey of a pressed widget.
const PRESSED: &str = "0.8 g";

/// How a table's body rows are filled in, from its header row.
#[derive(Clone, Copy)]
enum Table {
    /// The result and note columns; the first column is 序号.
    Result {
        result: usize,
        note: usize,
    },
    Labels,
    Other,
}

/// Adds the AcroForm of `spec` over `pages` (their objects `page_ids`): the form dictionary,
/// its font and the pages' `/Annots` go into `doc`, the fields, widgets and appearances are
/// returned as bytes for [`Objects::append`] (their numbers are reserved in `doc`). `None`
/// when no field was made. With [`Reuse::Thread`], the bytes are kept for the next form on
/// this thread with the same fields at the same numbers (see `memo`).
pub fn add(
    doc: &mut Document,
    pages: &[Page],
    page_ids: &[ObjectId],
    rows: &[Rc<[TableRow]>],
    spec: &FormFields,
    fonts: &FontSet,
    reuse: Reuse,
) -> Result<Option<Objects>, Error> {
    let plan = Plan {
        first: doc.max_id + 1,
        pages: plan(pages, page_ids, rows, spec),
    };
    if plan.pages.iter().all(|page| page.fields.is_empty()) {
        return Ok(None);
    }
    let written = match reuse {
        Reuse::Thread => super::memo::fields(plan, write),
        Reuse::Document => write(&plan),
    };
    for (page, annots) in written.annots.iter().enumerate() {
        if annots.is_empty() {
            continue;
        }
        let page = doc
            .get_object_mut(page_ids[page])
            .and_then(Object::as_dict_mut)
            .map_err(|e| Error::Write(format!("a page is not a dictionary: {e}")))?;
        let annots = annots.iter().map(|id| Object::Reference((*id, 0)));
        page.set("Annots", Object::Array(annots.collect()));
        page.set("Tabs", Object::Name(b"R".to_vec()));
    }
    // lopdf numbers its objects after the fields'.
    doc.max_id = written.objects.last();
    let song = song_font(doc, fonts);
    let dingbats = doc.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type1".to_vec())),
        ("BaseFont", Object::Name(b"ZapfDingbats".to_vec())),
    ]));
    let resources = Dictionary::from_iter(vec![(
        "Font",
        Object::Dictionary(Dictionary::from_iter(vec![
            (FIELD_FONT, Object::Reference(song)),
            ("ZaDb", Object::Reference(dingbats)),
        ])),
    )]);
    let form = Dictionary::from_iter(vec![
        (
            "Fields",
            Object::Array(
                written
                    .fields
                    .iter()
                    .map(|f| Object::Reference((*f, 0)))
                    .collect(),
            ),
        ),
        ("DR", Object::Dictionary(resources)),
        ("DA", Object::string_literal(default_appearance())),
    ]);
    let form_id = doc.add_object(form);
    let catalog = doc
        .catalog_mut()
        .map_err(|e| Error::Write(format!("printpdf produced no catalog: {e}")))?;
    catalog.set("AcroForm", form_id);
    Ok(Some(written.objects))
}

/// Everything the fields' objects are written from: the first object number they take and,
/// page by page, the fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    first: u32,
    pages: Vec<PagePlan>,
}

/// The fields of one page, in the order written.
#[derive(Debug, Clone, PartialEq)]
struct PagePlan {
    /// The page's object number.
    page: u32,
    fields: Vec<Planned>,
}

/// One top-level field, placed (PDF coordinates).
#[derive(Debug, Clone, PartialEq)]
enum Planned {
    /// A result row: the radio boxes `(x, top, side, state)` that carry the labels of the
    /// states, and the note cell.
    Row {
        name: String,
        boxes: Vec<(f32, f32, f32, String)>,
        note: [f32; 4],
    },
    /// A blank value cell of a label table.
    Label {
        name: String,
        rect: [f32; 4],
        flags: i64,
    },
}

impl Plan {
    /// A hash of the plan, to find a kept copy of its objects by.
    pub fn hash(&self) -> u64 {
        use std::hash::Hasher;
        let mut hash = rustc_hash::FxHasher::default();
        let floats = |hash: &mut rustc_hash::FxHasher, values: &[f32]| {
            for value in values {
                hash.write_u32(value.to_bits());
            }
        };
        hash.write_u32(self.first);
        for page in &self.pages {
            hash.write_u32(page.page);
            for field in &page.fields {
                match field {
                    Planned::Row { name, boxes, note } => {
                        hash.write(name.as_bytes());
                        for (x, top, side, state) in boxes {
                            floats(&mut hash, &[*x, *top, *side]);
                            hash.write(state.as_bytes());
                        }
                        floats(&mut hash, note);
                    }
                    Planned::Label { name, rect, flags } => {
                        hash.write(name.as_bytes());
                        floats(&mut hash, rect);
                        hash.write_i64(*flags);
                    }
                }
            }
        }
        hash.finish()
    }
}

/// Where the fields of `spec` go on `pages`, read from their tables (`tables`, the rows of each
/// page).
fn plan(
    pages: &[Page],
    page_ids: &[ObjectId],
    tables: &[Rc<[TableRow]>],
    spec: &FormFields,
) -> Vec<PagePlan> {
    let rows: HashMap<&str, &str> = spec
        .rows
        .iter()
        .map(|(no, name)| (no.as_str(), name.as_str()))
        .collect();
    let states: HashMap<&str, &str> = spec
        .states
        .iter()
        .map(|(label, state)| (label.as_str(), state.as_str()))
        .collect();
    // Names given so far: a row or label seen twice gets its field once.
    let mut named: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(pages.len());
    assert_eq!(
        tables.len(),
        pages.len(),
        "the writer finds every page's rows"
    );
    for ((page, page_id), page_rows) in pages.iter().zip(page_ids).zip(tables) {
        let mut fields = Vec::new();
        let mut table = Table::Other;
        for row in page_rows.iter() {
            if row.header {
                table = classify(row, spec);
                continue;
            }
            match table {
                Table::Result { result, note } => {
                    // A table drawn otherwise (a row of another shape) gets no fields.
                    let (Some(first), Some(result), Some(note)) = (
                        row.cells.first(),
                        row.cells.get(result),
                        row.cells.get(note),
                    ) else {
                        continue;
                    };
                    let Some(name) = rows.get(first.text.trim()) else {
                        continue;
                    };
                    if !named.insert((*name).to_string()) {
                        continue;
                    }
                    let boxes = result
                        .boxes
                        .iter()
                        .filter_map(|b| {
                            let state = states.get(b.label.as_str())?;
                            let top = page.height - b.at.y;
                            Some((b.at.x, top, b.side, (*state).to_string()))
                        })
                        .collect();
                    fields.push(Planned::Row {
                        name: (*name).to_string(),
                        boxes,
                        note: cell_rect(row, note, page.height),
                    });
                }
                Table::Labels => {
                    let [label, value] = &row.cells[..] else {
                        continue;
                    };
                    if !value.text.trim().is_empty() || !value.boxes.is_empty() {
                        continue;
                    }
                    // A period would split the name into a hierarchy.
                    let name = label.text.trim().replace('.', "．");
                    if name.is_empty() || !named.insert(name.clone()) {
                        continue;
                    }
                    let flags = if row.bottom - row.top > 3.0 * FIELD_SIZE {
                        MULTILINE
                    } else {
                        0
                    };
                    fields.push(Planned::Label {
                        name,
                        rect: cell_rect(row, value, page.height),
                        flags,
                    });
                }
                Table::Other => {}
            }
        }
        out.push(PagePlan {
            page: page_id.0,
            fields,
        });
    }
    out
}

/// The fields' objects, and what refers to them: each page's widgets, the top-level fields.
#[derive(Clone)]
pub struct Written {
    objects: Objects,
    annots: Vec<Vec<u32>>,
    fields: Vec<u32>,
}

impl Written {
    /// Bytes held, for the bound of the cache that keeps it.
    pub fn len(&self) -> usize {
        self.objects.len() + self.annots.iter().map(Vec::len).sum::<usize>() * 4
    }
}

/// Writes the fields of `plan`.
fn write(plan: &Plan) -> Written {
    let mut builder = Builder {
        objects: Objects::new(plan.first),
        appearances: HashMap::new(),
        fields: Vec::new(),
    };
    let mut all = Vec::with_capacity(plan.pages.len());
    for page in &plan.pages {
        let mut annots = Vec::new();
        for field in &page.fields {
            match field {
                Planned::Row { name, boxes, note } => {
                    let parent = builder.objects.reserve();
                    let radio = builder.radio(boxes, page.page, parent, &mut annots);
                    let note = builder.text(
                        "note",
                        *note,
                        MULTILINE,
                        page.page,
                        Some(parent),
                        &mut annots,
                    );
                    builder.objects.write(parent, |b| {
                        b.raw(b"<</T").text(name).raw(b"/Kids[");
                        for kid in radio.iter().chain([&note]) {
                            b.reference(*kid);
                        }
                        b.raw(b"]>>");
                    });
                    builder.fields.push(parent);
                }
                Planned::Label { name, rect, flags } => {
                    let field = builder.text(name, *rect, *flags, page.page, None, &mut annots);
                    builder.fields.push(field);
                }
            }
        }
        all.push(annots);
    }
    Written {
        objects: builder.objects,
        annots: all,
        fields: builder.fields,
    }
}

/// `/Song 9 Tf 0 g`: the field font, its size and black.
fn default_appearance() -> String {
    format!("/{FIELD_FONT} {FIELD_SIZE} Tf 0 g")
}

/// [`default_appearance`] as a string object, once.
fn default_appearance_string() -> &'static [u8] {
    static STRING: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    STRING.get_or_init(|| format!("({})", default_appearance()).into_bytes())
}

fn classify(header: &TableRow, spec: &FormFields) -> Table {
    let texts: Vec<&str> = header.cells.iter().map(|c| c.text.trim()).collect();
    let result = texts.iter().position(|t| *t == spec.result_column);
    let note = texts
        .iter()
        .position(|t| t.starts_with(spec.note_column.as_str()));
    match (result, note) {
        (Some(result), Some(note)) => Table::Result { result, note },
        _ if texts.len() == 2 && texts[0] == spec.label_column => Table::Labels,
        _ => Table::Other,
    }
}

/// A cell's rectangle in PDF coordinates, inside its rules.
fn cell_rect(row: &TableRow, cell: &Cell, page_height: f32) -> [f32; 4] {
    let inset = 1.0;
    [
        cell.left + inset,
        page_height - row.bottom + inset,
        cell.right - inset,
        page_height - row.top - inset,
    ]
}

/// To the hundredth, as the page content is written.
fn round(value: f32) -> f32 {
    (value * 100.0).round() / 100.0
}

/// A size in hundredths of a point, the key appearances are shared by.
fn size_key(width: f32, height: f32) -> (i64, i64) {
    (
        (f64::from(width) * 100.0).round() as i64,
        (f64::from(height) * 100.0).round() as i64,
    )
}

/// The appearance streams of a radio box, shared by the boxes of one size.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Look {
    /// Ticked, empty, and both pressed.
    Tick,
    Empty,
    TickPressed,
    EmptyPressed,
}

/// The dictionary of an appearance stream `width` × `height`, without its `/Length`.
fn appearance_dict(b: &mut Body, width: f32, height: f32) {
    b.raw(b"/Type/XObject/Subtype/Form/BBox")
        .rect([0.0, 0.0, width, height])
        .raw(b"/Resources<<>>");
}

struct Builder {
    objects: Objects,
    appearances: HashMap<(Look, (i64, i64)), u32>,
    /// The top-level fields.
    fields: Vec<u32>,
}

impl Builder {
    /// The shared appearance `look` of a widget `width` × `height`.
    fn appearance(&mut self, look: Look, width: f32, height: f32) -> u32 {
        let key = (look, size_key(width, height));
        if let Some(id) = self.appearances.get(&key) {
            return *id;
        }
        let content = match look {
            Look::Tick => tick(width),
            Look::Empty => String::new(),
            Look::TickPressed => format!(
                "q {PRESSED} 0 0 {w} {w} re f Q\n{}",
                tick(width),
                w = round(width)
            ),
            Look::EmptyPressed => format!("q {PRESSED} 0 0 {w} {w} re f Q\n", w = round(width)),
        };
        let id = self.objects.add(|b| {
            b.stream(|b| appearance_dict(b, width, height), content.as_bytes());
        });
        self.appearances.insert(key, id);
        id
    }

    /// The radio group `result` (a kid of `parent`) on `boxes` (`(x, top, side, state)`) of
    /// page `page`; none without boxes.
    fn radio(
        &mut self,
        boxes: &[(f32, f32, f32, String)],
        page: u32,
        parent: u32,
        annots: &mut Vec<u32>,
    ) -> Option<u32> {
        if boxes.is_empty() {
            return None;
        }
        let radio = self.objects.reserve();
        let mut kids = Vec::with_capacity(boxes.len());
        for (x, top, side, state) in boxes {
            let (x, top, side) = (*x, *top, *side);
            let on = self.appearance(Look::Tick, side, side);
            let off = self.appearance(Look::Empty, side, side);
            let on_pressed = self.appearance(Look::TickPressed, side, side);
            let off_pressed = self.appearance(Look::EmptyPressed, side, side);
            let id = self.objects.add(|b| {
                b.raw(b"<</Type/Annot/Subtype/Widget/Rect")
                    .rect([x, top - side, x + side, top]);
                b.raw(b"/P").reference(page);
                b.raw(b"/Parent").reference(radio);
                b.raw(b"/F")
                    .int(PRINT)
                    .raw(b"/AS/Off/MK<</CA(4)>>/DA(/ZaDb 0 Tf 0 g)");
                b.raw(b"/AP<</N<<").name(state).reference(on);
                b.raw(b"/Off").reference(off).raw(b">>/D<<").name(state);
                b.reference(on_pressed).raw(b"/Off").reference(off_pressed);
                b.raw(b">>>>>>");
            });
            annots.push(id);
            kids.push(id);
        }
        self.objects.write(radio, |b| {
            b.raw(b"<</T")
                .text("result")
                .raw(b"/FT/Btn/Ff")
                .int(RADIO_FLAGS);
            b.raw(b"/V/Off/Kids[");
            for kid in kids {
                b.reference(kid);
            }
            b.raw(b"]/Parent").reference(parent).raw(b">>");
        });
        Some(radio)
    }

    /// A text field with its widget, named `name`, on `rect`; a kid of `parent` if given.
    fn text(
        &mut self,
        name: &str,
        rect: [f32; 4],
        flags: i64,
        page: u32,
        parent: Option<u32>,
        annots: &mut Vec<u32>,
    ) -> u32 {
        // Its own, not shared: fillers (pypdf) write the typed text into the field's
        // appearance stream in place, which would show it in every field sharing the stream.
        let blank = self.objects.add(|b| {
            b.stream(
                |b| appearance_dict(b, rect[2] - rect[0], rect[3] - rect[1]),
                b"/Tx BMC\nEMC\n",
            );
        });
        let id = self.objects.add(|b| {
            b.raw(b"<</Type/Annot/Subtype/Widget/T").text(name);
            b.raw(b"/FT/Tx/Ff").int(flags);
            b.raw(b"/DA").raw(default_appearance_string());
            b.raw(b"/Rect").rect(rect).raw(b"/P").reference(page);
            b.raw(b"/F")
                .int(PRINT)
                .raw(b"/MK<<>>/AP<</N")
                .reference(blank);
            b.raw(b">>");
            if let Some(parent) = parent {
                b.raw(b"/Parent").reference(parent);
            }
            b.raw(b">>");
        });
        annots.push(id);
        id
    }
}

/// The tick of `☑` (as layout draws it) in a box of side `side`, in the box's own space.
fn tick(side: f32) -> String {
    let size = side / 0.78;
    let width = (size * 0.06).max(0.5) * 1.4;
    let at = |fx: f32, fy: f32| format!("{} {}", round(side * fx), round(side * (1.0 - fy)));
    format!(
        "q 0 G {} w {} m {} l S {} m {} l S Q\n",
        round(width),
        at(0.2, 0.52),
        at(0.42, 0.75),
        at(0.42, 0.75),
        at(0.82, 0.22)
    )
}

/// The ToUnicode CMap of the field font, compressed: every code of the Basic Multilingual Plane
/// but the surrogates maps to itself. The same for every form, so made once.
fn identity_cmap() -> &'static [u8] {
    static CMAP: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CMAP.get_or_init(|| {
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        // A range may not cross a change of the first byte, hence one per first byte.
        let firsts: Vec<u32> = (0..=0xFFu32)
            .filter(|b| !(0xD8..=0xDF).contains(b))
            .collect();
        for chunk in firsts.chunks(100) {
            cmap.push_str(&format!("{} beginbfrange\n", chunk.len()));
            for b in chunk {
                cmap.push_str(&format!("<{b:02X}00> <{b:02X}FF> <{b:02X}00>\n"));
            }
            cmap.push_str("endbfrange\n");
        }
        cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        super::deflate::Deflater::new(Reuse::Document)
            .deflate(cmap.as_bytes())
            .expect("compressing eight kilobytes in memory fails only when memory does")
    })
}

/// `STSong-Light` as a CID-keyed Type0 font over Unicode (UTF-16) codes: not embedded; a
/// ToUnicode map (every code is its own character) lets form fillers encode typed text with
/// it, and the widths of the Latin characters are those of the embedded regular face.
fn song_font(doc: &mut Document, fonts: &FontSet) -> ObjectId {
    let to_unicode = Stream::new(
        Dictionary::from_iter(vec![("Filter", Object::Name(b"FlateDecode".to_vec()))]),
        identity_cmap().to_vec(),
    );
    let to_unicode = doc.add_object(to_unicode);
    // Adobe-GB1 CIDs 1–95 are the proportional forms of U+0020–U+007E.
    let latin: Vec<Object> = (0x20u8..=0x7E)
        .map(|b| {
            Object::Integer((fonts.advance(FontId::Regular, char::from(b)) * 1000.0).round() as i64)
        })
        .collect();
    let descriptor = doc.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"FontDescriptor".to_vec())),
        ("FontName", Object::Name(b"STSong-Light".to_vec())),
        ("Flags", Object::Integer(6)),
        (
            "FontBBox",
            Object::Array(vec![
                Object::Integer(-25),
                Object::Integer(-254),
                Object::Integer(1000),
                Object::Integer(880),
            ]),
        ),
        ("ItalicAngle", Object::Integer(0)),
        ("Ascent", Object::Integer(880)),
        ("Descent", Object::Integer(-120)),
        ("CapHeight", Object::Integer(880)),
        ("StemV", Object::Integer(93)),
    ]));
    let descendant = doc.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"CIDFontType0".to_vec())),
        ("BaseFont", Object::Name(b"STSong-Light".to_vec())),
        (
            "CIDSystemInfo",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("Registry", Object::string_literal("Adobe")),
                ("Ordering", Object::string_literal("GB1")),
                ("Supplement", Object::Integer(4)),
            ])),
        ),
        ("FontDescriptor", Object::Reference(descriptor)),
        ("DW", Object::Integer(1000)),
        (
            "W",
            Object::Array(vec![Object::Integer(1), Object::Array(latin)]),
        ),
    ]));
    doc.add_object(Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Font".to_vec())),
        ("Subtype", Object::Name(b"Type0".to_vec())),
        ("BaseFont", Object::Name(b"STSong-Light".to_vec())),
        ("Encoding", Object::Name(b"UniGB-UTF16-H".to_vec())),
        (
            "DescendantFonts",
            Object::Array(vec![Object::Reference(descendant)]),
        ),
        ("ToUnicode", Object::Reference(to_unicode)),
    ]))
}
