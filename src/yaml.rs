//! The YAML layer: text → typed values (serde_yaml) and → positions of every node
//! (yaml-rust2 events). The only module that imports a YAML crate, so a drop-in replacement
//! for the archived serde_yaml is a change here alone.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use yaml_rust2::parser::{Event, Parser};

/// A parse or type error with the position serde_yaml reports (1-based), if any.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// An untyped YAML node, deserialized later so that one bad rule does not hide the others.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Node(serde_yaml::Value);

/// A node that does not have the shape asked for: where in it, and what is wrong.
#[derive(Debug, Clone)]
pub struct TypeError {
    /// The path below the node of the field that failed, in [`Positions`] form
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

impl Node {
    /// Deserializes the node, tracking the path of the field it fails at.
    pub fn into_typed<T: DeserializeOwned>(self) -> Result<T, TypeError> {
        serde_path_to_error::deserialize(self.0).map_err(|err| {
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
                message: excerpt(&err.into_inner().to_string()),
            }
        })
    }
}

/// Parses a whole document into `T`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|err| {
        let (line, column) = err
            .location()
            .map(|loc| (loc.line(), loc.column()))
            .unwrap_or((1, 1));
        YamlError {
            line,
            column,
            message: excerpt(&strip_position(&err.to_string())),
        }
    })
}

/// serde_yaml appends " at line L column C" to its messages; we print positions ourselves.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
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

/// One step of a path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(Box<str>),
    Index(usize),
}

/// Line and column (1-based) of every node, found by its path: `rules[3].sources[0].quote`;
/// `rules[3].sources[0].quote@key` is the position of the key `quote` itself.
///
/// Stored as a tree (each node's children by key or index), so memory and time are linear in
/// the size of the document however deep it nests.
#[derive(Debug, Default, Clone)]
pub struct Positions {
    /// `nodes[0]` is the root, when the document has one.
    nodes: Vec<(usize, usize)>,
    children: HashMap<(usize, Step), usize>,
    /// Positions of mapping keys, by the node their value is.
    keys: HashMap<usize, (usize, usize)>,
}

impl Positions {
    /// Indexes `text`; a document that does not parse, or nests too deep, yields whatever was
    /// read before the error.
    pub fn of(text: &str) -> Positions {
        Positions::index_partial(text).0
    }

    /// Indexes `text`, failing at a nesting deeper than [`MAX_DEPTH`] or at aliases that
    /// would repeat more than [`MAX_ALIAS_NODES`] nodes. A syntax error ends the index
    /// quietly: [`parse`] reports it.
    pub fn index(text: &str) -> Result<Positions, YamlError> {
        match Positions::index_partial(text) {
            (positions, None) => Ok(positions),
            (_, Some(err)) => Err(err),
        }
    }

    fn index_partial(text: &str) -> (Positions, Option<YamlError>) {
        let mut positions = Positions::default();
        let mut stack: Vec<Frame> = Vec::new();
        // Nodes each anchor stands for, aliases inside it expanded, to bound what aliases
        // repeat.
        let mut anchored: HashMap<usize, usize> = HashMap::new();
        let mut repeated = 0usize;
        let mut parser = Parser::new_from_str(text);
        loop {
            let (event, marker) = match parser.next_token() {
                Ok(next) => next,
                Err(err) => {
                    // The scanner has its own depth limit, which a deep flow collection can
                    // reach before the parser reports it as an event: the same fault as ours.
                    // Any other syntax error is serde_yaml's to report, in the words and at
                    // the position users have always been shown.
                    if !err.info().contains("recursion limit") {
                        return (positions, None);
                    }
                    let error = YamlError {
                        line: err.marker().line(),
                        column: err.marker().col() + 1,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    };
                    return (positions, Some(error));
                }
            };
            let at = (marker.line(), marker.col() + 1);
            let fail = |message: String| YamlError {
                line: at.0,
                column: at.1,
                message,
            };
            match event {
                Event::StreamEnd => break,
                Event::Scalar(value, _, anchor, _) => {
                    if let Some(Frame {
                        kind: Kind::Map { key },
                        ..
                    }) = stack.last_mut()
                    {
                        if key.is_none() {
                            *key = Some((value.into_boxed_str(), at));
                            continue;
                        }
                    }
                    positions.add(&mut stack, at);
                    add_weight(&mut stack, 1);
                    if anchor > 0 {
                        anchored.insert(anchor, 1);
                    }
                }
                Event::Alias(anchor) => {
                    positions.add(&mut stack, at);
                    let weight = anchored.get(&anchor).copied().unwrap_or(1);
                    add_weight(&mut stack, weight);
                    repeated = repeated.saturating_add(weight);
                    if repeated > MAX_ALIAS_NODES {
                        let message = format!(
                            "aliases repeat more than {MAX_ALIAS_NODES} nodes; write the entries out or share less"
                        );
                        return (positions, Some(fail(message)));
                    }
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    if stack.len() >= MAX_DEPTH {
                        let message = format!("nesting deeper than {MAX_DEPTH} levels");
                        return (positions, Some(fail(message)));
                    }
                    let node = positions.add(&mut stack, at);
                    let kind = if matches!(event, Event::MappingStart(..)) {
                        Kind::Map { key: None }
                    } else {
                        Kind::Seq { index: 0 }
                    };
                    stack.push(Frame {
                        node,
                        anchor,
                        weight: 1,
                        kind,
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(frame) = stack.pop() {
                        add_weight(&mut stack, frame.weight);
                        if frame.anchor > 0 {
                            anchored.insert(frame.anchor, frame.weight);
                        }
                    }
                }
                Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                }
            }
        }
        (positions, None)
    }

    /// Records a node starting at `at` under the innermost open collection; its index.
    fn add(&mut self, stack: &mut [Frame], at: (usize, usize)) -> usize {
        let node = self.nodes.len();
        self.nodes.push(at);
        let Some(Frame {
            node: parent, kind, ..
        }) = stack.last_mut()
        else {
            return node;
        };
        match kind {
            Kind::Map { key } => {
                // A complex (non-scalar) key has no name; its value is indexed under "".
                let (name, key_at) = key.take().unwrap_or_else(|| ("".into(), at));
                self.keys.insert(node, key_at);
                self.children
                    .entry((*parent, Step::Key(name)))
                    .or_insert(node);
            }
            Kind::Seq { index } => {
                self.children.insert((*parent, Step::Index(*index)), node);
                *index += 1;
            }
        }
        node
    }

    /// Position of the node at `path`, or of its nearest recorded ancestor, or 1:1. Any
    /// string is accepted; what does not name a node falls back the same way.
    pub fn get(&self, path: &str) -> (usize, usize) {
        let (path, want_key) = match path.rsplit_once('@') {
            Some((node, "key")) => (node, true),
            Some((node, _)) => (node, false),
            None => (path, false),
        };
        let Some(&root) = self.nodes.first() else {
            return (1, 1);
        };
        let mut node = 0;
        let mut found_all = true;
        for step in steps(path) {
            match self.children.get(&(node, step)) {
                Some(&child) => node = child,
                None => {
                    found_all = false;
                    break;
                }
            }
        }
        if want_key && found_all {
            if let Some(&key) = self.keys.get(&node) {
                return key;
            }
        }
        self.nodes.get(node).copied().unwrap_or(root)
    }
}

/// The steps of a path such as `rules[3].sources[0].quote`; a malformed index is a key.
fn steps(path: &str) -> impl Iterator<Item = Step> + '_ {
    path.split('.')
        .filter(|part| !part.is_empty())
        .flat_map(|part| {
            let mut pieces = part.split('[');
            let name = pieces.next().filter(|n| !n.is_empty());
            name.map(|n| Step::Key(n.into()))
                .into_iter()
                .chain(pieces.map(|piece| {
                    let inner = piece.strip_suffix(']').unwrap_or(piece);
                    match inner.parse() {
                        Ok(index) => Step::Index(index),
                        Err(_) => Step::Key(inner.into()),
                    }
                }))
        })
}

/// `message` with every quoted run (`"…"` or `` `…` ``, where serde_yaml quotes the input) cut to
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

/// An open mapping or sequence.
struct Frame {
    node: usize,
    /// Its anchor id, 0 for none.
    anchor: usize,
    /// Nodes it stands for so far, aliases expanded.
    weight: usize,
    kind: Kind,
}

enum Kind {
    /// The key read, waiting for its value.
    Map {
        key: Option<(Box<str>, (usize, usize))>,
    },
    /// The index the next item gets.
    Seq { index: usize },
}

/// Adds `weight` nodes to the innermost open collection.
fn add_weight(stack: &mut [Frame], weight: usize) {
    if let Some(frame) = stack.last_mut() {
        frame.weight = frame.weight.saturating_add(weight);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_paths() {
        let text =
            "domain: x\nrules:\n  - id: A-001\n    sources:\n      - doc: d\n        quote: 引文\n";
        let positions = Positions::of(text);
        assert_eq!(positions.get("domain"), (1, 9));
        assert_eq!(positions.get("rules[0].id"), (3, 9));
        assert_eq!(positions.get("rules[0].sources[0].quote"), (6, 16));
        assert_eq!(positions.get("rules[0].sources[0].quote@key"), (6, 9));
        assert_eq!(positions.get("rules[0].missing"), positions.get("rules[0]"));
    }

    #[test]
    fn depth_and_aliases_are_bounded_while_indexing() {
        let deep = "- ".repeat(MAX_DEPTH + 1);
        let err = Positions::index(&deep).unwrap_err();
        assert_eq!(
            err.message,
            format!("nesting deeper than {MAX_DEPTH} levels")
        );
        assert_eq!((err.line, err.column), (1, 2 * MAX_DEPTH + 1));
        assert!(Positions::index(&"- ".repeat(MAX_DEPTH)).is_ok());
        // Nested aliases count expanded: ten of ten of ten … of a list of ten.
        let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..7 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let err = Positions::index(&laughs).unwrap_err();
        assert!(
            err.message.starts_with("aliases repeat more than"),
            "{}",
            err.message
        );
    }

    proptest::proptest! {
        #[test]
        fn position_lookups_never_panic(text in "[-:\\[\\]{}a-c0-9 \n&*#'\"]{0,80}", path in "[a-c0-9.\\[\\]@key]{0,20}") {
            let positions = Positions::of(&text);
            let (line, column) = positions.get(&path);
            proptest::prop_assert!(line >= 1 && column >= 1);
        }
    }
}
