//! The YAML layer: text → a tree of nodes with the line and column of each (one pass over
//! yaml-rust2's events) → typed values (a serde deserializer over that tree). The only module
//! that imports a YAML crate.
//!
//! Each file is parsed once: the tree that gives the values is the one kept to point at
//! them, so a rule that loads can still be reported at the line of any of its fields.
//! Scalars are read by the YAML 1.2 core schema: `null`, `~` and an empty plain scalar are
//! null, `true`/`false` booleans, decimal, `0o` and `0x` integers and decimal floats numbers,
//! anything else (and every quoted or block scalar) a string.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde::Deserialize;
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

/// A parse or type error at a position (1-based).
#[derive(Debug, Clone)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// What to do, for a syntax error (the parser's words name the symptom, not the fix).
    pub help: Option<&'static str>,
}

/// The help of every syntax error: the parser stops where the text stops making sense, which
/// is often a line after the mistake.
const SYNTAX_HELP: &str = "the YAML stops making sense here: check the indentation of this line and the one above, and that every [, { and quote opened before it is closed";

/// A node that does not have the shape asked for: where in it, and what is wrong.
#[derive(Debug, Clone)]
pub struct TypeError {
    /// The path below the node of the field that failed, in [`Document::get`] form
    /// (`self_check[0].evidense`); empty for the node itself. An unknown field's path ends in
    /// its key.
    pub path: String,
    /// serde's message, printed as it is.
    pub message: String,
}

impl TypeError {
    /// Where to point: the failing field's key when it has one (an unknown field, a mapping
    /// value of the wrong type), else its value (a sequence element); the node itself when
    /// the path is empty.
    pub fn field(&self) -> String {
        if self.path.is_empty() {
            String::new()
        } else {
            format!("{}@key", self.path)
        }
    }
}

/// How deep mappings and sequences may nest. Rule files need five levels; the limit is
/// applied while reading events, so a hostile file is refused before anything is built.
pub const MAX_DEPTH: usize = 64;

/// How many nodes aliases may add by repetition, beyond the file's own events: a few
/// shared fragments are fine, a "billion laughs" is refused.
const MAX_ALIAS_NODES: usize = 100_000;

/// The longest excerpt of the input an error message may quote, in characters: a file that
/// is not rules (a password file, say) is never echoed back whole.
pub const MAX_EXCERPT: usize = 60;

/// Line and column, 1-based.
type Mark = (usize, usize);

/// A YAML node and where it starts. Deserialized later, with [`Node::into_typed`], so that
/// one bad rule does not hide the others.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    at: Mark,
    value: Value,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Box<str>),
    Seq(Vec<Node>),
    /// Entries in file order; a key is a scalar node, so it has a position of its own.
    Map(Vec<(Node, Node)>),
}

impl Default for Node {
    fn default() -> Node {
        Node {
            at: (1, 1),
            value: Value::Null,
        }
    }
}

/// A parsed file: its one document, every node with its position.
#[derive(Debug, Clone, Default)]
pub struct Document {
    root: Node,
    /// No document at all (not even `---`, or `~`): nothing to read values from.
    empty: bool,
}

/// Parses a whole document into `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    Document::parse(text)?.typed()
}

impl Document {
    /// Parses `text`, failing at a syntax error, at a nesting deeper than [`MAX_DEPTH`], at
    /// aliases that would repeat more than [`MAX_ALIAS_NODES`] nodes, and at a second
    /// document. An empty text is a document whose root is null.
    pub fn parse(text: &str) -> Result<Document, YamlError> {
        // YAML counts a lone carriage return as a line break, every other reader of the file
        // (and every other position checkgen prints) counts line feeds: refused, so that a
        // line number means one thing.
        if let Some(at) = text
            .match_indices('\r')
            .map(|(at, _)| at)
            .find(|&at| text.as_bytes().get(at + 1) != Some(&b'\n'))
        {
            let before = &text[..at];
            return Err(YamlError {
                line: before.matches('\n').count() + 1,
                column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                message: "a carriage return (CR) without a line feed".into(),
                help: Some("save the file with LF (Unix) or CRLF (Windows) line endings"),
            });
        }
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        loop {
            let (event, marker) = parser.next_token().map_err(|err| {
                // The scanner has its own depth limit, which a deep flow collection can reach
                // before the parser reports it as an event: the same fault as ours.
                let (message, help) = if err.info().contains("recursion limit") {
                    (format!("nesting deeper than {MAX_DEPTH} levels"), None)
                } else {
                    (err.info().to_string(), Some(SYNTAX_HELP))
                };
                YamlError {
                    line: err.marker().line(),
                    column: err.marker().col() + 1,
                    message,
                    help,
                }
            })?;
            let at = (marker.line(), marker.col() + 1);
            if matches!(event, Event::StreamEnd) {
                break;
            }
            builder.event(event, at).map_err(|message| YamlError {
                line: at.0,
                column: at.1,
                message,
                help: None,
            })?;
        }
        let empty = builder.root.is_none();
        let root = builder.root.unwrap_or_default();
        Ok(Document { root, empty })
    }

    /// The whole document as `T`; a type error is placed at the field it names.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, YamlError> {
        if self.empty {
            return Err(YamlError {
                line: 1,
                column: 1,
                message: "the file is empty: it holds no YAML document".into(),
                help: None,
            });
        }
        self.root.to_typed().map_err(|err| {
            let (line, column) = self.get(&err.field());
            YamlError {
                line,
                column,
                message: err.message,
                help: None,
            }
        })
    }

    /// Line and column of the node at `path` (`rules[3].sources[0].quote`;
    /// `rules[3].sources[0].quote@key` for the key `quote` itself), or of its nearest
    /// ancestor in the document. Any string is accepted; what does not name a node falls
    /// back the same way.
    pub fn get(&self, path: &str) -> (usize, usize) {
        let (path, want_key) = match path.rsplit_once('@') {
            Some((node, "key")) => (node, true),
            Some((node, _)) => (node, false),
            None => (path, false),
        };
        let mut node = &self.root;
        let mut key_at = None;
        for step in steps(path) {
            let child = match (&node.value, step) {
                (Value::Map(entries), Step::Key(name)) => entries
                    .iter()
                    .find(|(key, _)| key.key_text().as_deref() == Some(name))
                    .map(|(key, value)| (Some(key.at), value)),
                (Value::Seq(items), Step::Index(index)) => items.get(index).map(|v| (None, v)),
                _ => None,
            };
            match child {
                Some((key, value)) => {
                    key_at = key;
                    node = value;
                }
                None => return node.at,
            }
        }
        match key_at {
            Some(key) if want_key => key,
            _ => node.at,
        }
    }
}

impl Node {
    /// Deserializes the node, tracking the path of the field it fails at.
    pub fn into_typed<T: DeserializeOwned>(self) -> Result<T, TypeError> {
        self.to_typed()
    }

    fn to_typed<T: DeserializeOwned>(&self) -> Result<T, TypeError> {
        serde_path_to_error::deserialize(self).map_err(|err| {
            let mut path = String::new();
            for segment in err.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => {
                        path.push_str(&format!("[{index}]"));
                    }
                    serde_path_to_error::Segment::Map { key }
                    | serde_path_to_error::Segment::Enum { variant: key } => {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(key);
                    }
                    serde_path_to_error::Segment::Unknown => break,
                }
            }
            TypeError {
                path,
                message: excerpt(&err.into_inner().0),
            }
        })
    }

    /// A scalar key as the text a path names it by.
    fn key_text(&self) -> Option<String> {
        match &self.value {
            Value::Str(text) => Some(text.to_string()),
            Value::Int(n) => Some(n.to_string()),
            Value::UInt(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Float(x) => Some(x.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

/// Builds the tree from parser events.
#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    root: Option<Node>,
    documents: usize,
    /// The node each anchor stands for, and its weight (aliases inside it expanded).
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes added by aliases so far.
    repeated: usize,
}

/// An open mapping or sequence.
struct Open {
    at: Mark,
    /// Its anchor id, 0 for none.
    anchor: usize,
    /// Nodes it stands for so far, aliases expanded.
    weight: usize,
    kind: OpenKind,
}

enum OpenKind {
    Seq(Vec<Node>),
    /// The entries so far and the key read, waiting for its value.
    Map(Vec<(Node, Node)>, Option<Node>),
}

impl Builder {
    fn event(&mut self, event: Event, at: Mark) -> Result<(), String> {
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(
                        "a second YAML document (after `---`); a file holds one document".into(),
                    );
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar(text, style, tag.as_ref())?;
                self.complete(Node { at, value }, anchor, 1)?;
            }
            Event::Alias(anchor) => {
                let (node, weight) = self
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or("an alias of an anchor that is not defined")?;
                self.repeated = self.repeated.saturating_add(weight);
                if self.repeated > MAX_ALIAS_NODES {
                    return Err(format!(
                        "aliases repeat more than {MAX_ALIAS_NODES} nodes; write the entries out or share less"
                    ));
                }
                self.complete(Node { at, ..node }, 0, weight)?;
            }
            Event::MappingStart(anchor, ref tag) | Event::SequenceStart(anchor, ref tag) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} levels"));
                }
                let map = matches!(event, Event::MappingStart(..));
                check_tag(tag.as_ref(), if map { "map" } else { "seq" })?;
                let kind = if map {
                    OpenKind::Map(Vec::new(), None)
                } else {
                    OpenKind::Seq(Vec::new())
                };
                self.stack.push(Open {
                    at,
                    anchor,
                    weight: 1,
                    kind,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let open = self
                    .stack
                    .pop()
                    .expect("the parser pairs every end event with its start");
                // yaml-rust2 marks a block mapping where it learnt it was one (after its first
                // key); the mapping starts at that key.
                let at = match &open.kind {
                    OpenKind::Map(entries, _) => entries
                        .first()
                        .map_or(open.at, |(key, _)| key.at.min(open.at)),
                    OpenKind::Seq(_) => open.at,
                };
                let value = match open.kind {
                    OpenKind::Seq(items) => Value::Seq(items),
                    OpenKind::Map(entries, _) => Value::Map(entries),
                };
                let node = Node { at, value };
                self.complete(node, open.anchor, open.weight)?;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
        Ok(())
    }

    /// Places a finished node in the innermost open collection, or as the root.
    fn complete(&mut self, node: Node, anchor: usize, weight: usize) -> Result<(), String> {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), weight));
        }
        let Some(open) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        match &mut open.kind {
            OpenKind::Seq(items) => items.push(node),
            OpenKind::Map(entries, key) => match key.take() {
                Some(key) => entries.push((key, node)),
                None if matches!(node.value, Value::Seq(_) | Value::Map(_)) => {
                    return Err(
                        "a mapping key must be a single value, not a list or mapping".into(),
                    )
                }
                None => {
                    *key = Some(node);
                    return Ok(());
                }
            },
        }
        open.weight = open.weight.saturating_add(weight);
        Ok(())
    }
}

/// The value of a scalar: a plain one by the core schema, a quoted or block one a string.
fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag {
        check_tag(Some(tag), "")?;
        return Ok(match tag.suffix.as_str() {
            "str" => Value::Str(text.into()),
            _ => resolve(text),
        });
    }
    Ok(match style {
        TScalarStyle::Plain => resolve(text),
        _ => Value::Str(text.into()),
    })
}

/// A YAML 1.2 core schema scalar.
fn resolve(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let radix = |prefix: &str, radix: u32| {
        text.strip_prefix(prefix)
            .filter(|digits| !digits.is_empty())
            .and_then(|digits| u64::from_str_radix(digits, radix).ok())
    };
    if let Some(n) = radix("0x", 16).or_else(|| radix("0o", 8)) {
        return Value::UInt(n);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<u64>() {
            return Value::UInt(n);
        }
        if let Ok(n) = text.parse::<i64>() {
            return Value::Int(n);
        }
    }
    let float_like = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like {
        if let Ok(x) = text.parse::<f64>() {
            return Value::Float(x);
        }
    }
    Value::Str(text.into())
}

/// Only the core schema's own tags (`!!str`, `!!int`, …) are accepted: a rule file has no
/// use for application tags, and reading one as a plain value would hide a mistake.
fn check_tag(tag: Option<&Tag>, collection: &str) -> Result<(), String> {
    let Some(tag) = tag else { return Ok(()) };
    let core = tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!";
    let known = match collection {
        "" => ["str", "int", "float", "bool", "null"].contains(&tag.suffix.as_str()),
        kind => tag.suffix == kind,
    };
    if core && known {
        Ok(())
    } else {
        let suffix: String = tag.suffix.chars().take(MAX_EXCERPT).collect();
        Err(format!(
            "tag `{}{suffix}` is not supported; remove it",
            if core { "!!" } else { tag.handle.as_str() }
        ))
    }
}

/// One step of a path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The steps of a path such as `rules[3].sources[0].quote`; a malformed index is a key.
fn steps(path: &str) -> impl Iterator<Item = Step<'_>> + '_ {
    path.split('.')
        .filter(|part| !part.is_empty())
        .flat_map(|part| {
            let mut pieces = part.split('[');
            let name = pieces.next().filter(|n| !n.is_empty());
            name.map(Step::Key).into_iter().chain(pieces.map(|piece| {
                let inner = piece.strip_suffix(']').unwrap_or(piece);
                match inner.parse() {
                    Ok(index) => Step::Index(index),
                    Err(_) => Step::Key(inner),
                }
            }))
        })
}

/// `message` with every quoted run (`"…"` or `` `…` ``, where serde quotes the input) cut to
/// [`MAX_EXCERPT`] characters; serde's own words, such as the list of expected fields, stay.
pub fn excerpt(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut quote: Option<(char, usize)> = None;
    for c in message.chars() {
        match quote {
            Some((open, _)) if c == open => {
                quote = None;
                out.push(c);
            }
            Some((open, count)) => {
                if count < MAX_EXCERPT {
                    out.push(c);
                } else if count == MAX_EXCERPT {
                    out.push('…');
                }
                quote = Some((open, count + 1));
            }
            None => {
                if c == '"' || c == '`' {
                    quote = Some((c, 0));
                }
                out.push(c);
            }
        }
    }
    out
}

/// A type error while deserializing a node: serde's message.
#[derive(Debug)]
pub struct DeError(String);

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> DeError {
        DeError(message.to_string())
    }
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(n) => visitor.visit_i64(*n),
            Value::UInt(n) => visitor.visit_u64(*n),
            Value::Float(x) => visitor.visit_f64(*x),
            Value::Str(text) => visitor.visit_borrowed_str(text),
            Value::Seq(items) => {
                let mut access = Items(items.iter(), items.len());
                let value = visitor.visit_seq(&mut access)?;
                access.finish()?;
                Ok(value)
            }
            Value::Map(entries) => {
                let mut access = Entries(entries.iter(), None, entries.len());
                let value = visitor.visit_map(&mut access)?;
                access.finish()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.value {
            Value::Str(text) => visitor.visit_enum(text.as_ref().into_deserializer()),
            Value::Map(entries) if entries.len() == 1 => {
                let (key, value) = &entries[0];
                visitor.visit_enum(Variant { key, value })
            }
            _ => self.deserialize_any(visitor),
        }
    }

    /// A struct is written as a mapping only (serde would also take a sequence of its fields
    /// in order, which in a rule file is a mistake, not a shorthand).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.value {
            Value::Seq(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &visitor)),
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// The elements of a sequence, and how many there are.
struct Items<'de>(std::slice::Iter<'de, Node>, usize);

impl<'de> Items<'de> {
    fn finish(self) -> Result<(), DeError> {
        match self.0.len() {
            0 => Ok(()),
            _ => Err(de::Error::invalid_length(self.1, &"fewer elements")),
        }
    }
}

impl<'de> de::SeqAccess<'de> for Items<'de> {
    type Error = DeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        self.0.next().map(|node| seed.deserialize(node)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a mapping, the value of the key just read, and how many there are.
struct Entries<'de>(
    std::slice::Iter<'de, (Node, Node)>,
    Option<&'de Node>,
    usize,
);

impl<'de> Entries<'de> {
    fn finish(self) -> Result<(), DeError> {
        match self.0.len() {
            0 => Ok(()),
            _ => Err(de::Error::invalid_length(self.2, &"fewer entries")),
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries<'de> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.0.next() {
            Some((key, value)) => {
                self.1 = Some(value);
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        let value = self
            .1
            .take()
            .expect("serde asks for a value only after its key");
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An enum written as a one-entry mapping, `variant: value`.
struct Variant<'de> {
    key: &'de Node,
    value: &'de Node,
}

impl<'de> de::EnumAccess<'de> for Variant<'de> {
    type Error = DeError;
    type Variant = &'de Node;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, &'de Node), DeError> {
        Ok((seed.deserialize(self.key)?, self.value))
    }
}

impl<'de> de::VariantAccess<'de> for &'de Node {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}

/// A node copied out of any serde data (a field typed `Node` of a larger value), to be
/// deserialized later. Its position is not kept: positions are looked up in the
/// [`Document`] by path.
impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(node(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(node(Value::Null))
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(node(Value::Bool(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(node(Value::Int(n)))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(node(Value::UInt(n)))
    }

    fn visit_f64<E>(self, x: f64) -> Result<Node, E> {
        Ok(node(Value::Float(x)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Node, E> {
        Ok(node(Value::Str(text.into())))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(node(Value::Seq(items)))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(node(Value::Map(entries)))
    }
}

fn node(value: Value) -> Node {
    Node { at: (0, 0), value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_paths() {
        let text =
            "domain: x\nrules:\n  - id: A-001\n    sources:\n      - doc: d\n        quote: 引文\n";
        let document = Document::parse(text).unwrap();
        assert_eq!(document.get("domain"), (1, 9));
        assert_eq!(document.get("rules[0].id"), (3, 9));
        assert_eq!(document.get("rules[0].sources[0].quote"), (6, 16));
        assert_eq!(document.get("rules[0].sources[0].quote@key"), (6, 9));
        assert_eq!(document.get("rules[0].missing"), document.get("rules[0]"));
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct All {
            a: Option<u8>,
            b: bool,
            c: i64,
            d: f64,
            e: String,
            f: String,
            g: Vec<u64>,
        }
        let text = "a: ~\nb: true\nc: -12\nd: 1.5e3\ne: '16'\nf: 第七条\ng: [0x1F, 0o17, 7]\n";
        let all: All = parse(text).unwrap();
        let expected = All {
            a: None,
            b: true,
            c: -12,
            d: 1500.0,
            e: "16".into(),
            f: "第七条".into(),
            g: vec![31, 15, 7],
        };
        assert_eq!(all, expected);
        // A plain number is not a string, as serde_yaml had it.
        let err = parse::<All>(&text.replace("e: '16'", "e: 16")).unwrap_err();
        assert_eq!(err.message, "invalid type: integer `16`, expected a string");
        assert_eq!((err.line, err.column), (5, 1));
    }

    #[test]
    fn aliases_share_and_documents_are_one() {
        let text = "base: &b [1, 2]\ncopy: *b\n";
        let map: HashMap<String, Vec<u8>> = parse(text).unwrap();
        assert_eq!(map["copy"], vec![1, 2]);
        let err = Document::parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!((err.line, err.message.starts_with("a second")), (2, true));
        let err = Document::parse("a: !secret x\n").unwrap_err();
        assert_eq!(err.message, "tag `!secret` is not supported; remove it");
    }

    #[test]
    fn lines_are_counted_by_line_feeds() {
        let crlf = Document::parse("a: 1\r\nb: [x\r\n").unwrap_err();
        assert_eq!(crlf.line, 3, "{}", crlf.message);
        let lone = Document::parse("a: 1\nb: 2\rc: 3\n").unwrap_err();
        assert_eq!((lone.line, lone.column), (2, 5));
        assert!(lone.message.contains("carriage return"), "{}", lone.message);
    }

    #[test]
    fn depth_and_aliases_are_bounded_while_parsing() {
        let deep = "- ".repeat(MAX_DEPTH + 1);
        let err = Document::parse(&deep).unwrap_err();
        assert_eq!(
            err.message,
            format!("nesting deeper than {MAX_DEPTH} levels")
        );
        assert_eq!((err.line, err.column), (1, 2 * MAX_DEPTH + 1));
        assert!(Document::parse(&"- ".repeat(MAX_DEPTH)).is_ok());
        // Nested aliases count expanded: ten of ten of ten … of a list of ten.
        let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..7 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = Document::parse(&laughs).unwrap_err();
        assert!(
            err.message.starts_with("aliases repeat more than"),
            "{}",
            err.message
        );
    }

    proptest::proptest! {
        #[test]
        fn position_lookups_never_panic(text in "[-:\\[\\]{}a-c0-9 \n&*#'\"]{0,80}", path in "[a-c0-9.\\[\\]@key]{0,20}") {
            let document = Document::parse(&text).unwrap_or_default();
            let (line, column) = document.get(&path);
            proptest::prop_assert!(line >= 1 && column >= 1);
        }
    }
}
