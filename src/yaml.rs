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

impl Node {
    /// Deserializes the node; the error message names the field but has no position.
    pub fn into_typed<T: DeserializeOwned>(self) -> Result<T, String> {
        serde_yaml::from_value(self.0).map_err(|err| err.to_string())
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
            message: strip_position(&err.to_string()),
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

/// Line and column (1-based) of every node, keyed by its path: `rules[3].sources[0].quote`.
/// The position of a mapping key is kept under the path with `@key` appended.
#[derive(Debug, Default, Clone)]
pub struct Positions(HashMap<String, (usize, usize)>);

impl Positions {
    /// Indexes `text`; a document that does not parse yields whatever was read before the error.
    pub fn of(text: &str) -> Positions {
        let mut positions = Positions::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        while let Ok((event, marker)) = parser.next_token() {
            let at = (marker.line(), marker.col() + 1);
            match event {
                Event::StreamEnd => break,
                Event::Scalar(value, ..) => {
                    if let Some(Frame::Map { key, path }) = stack.last_mut() {
                        if key.is_none() {
                            let key_path = join(path, &value);
                            positions.0.insert(format!("{key_path}@key"), at);
                            *key = Some(value);
                            continue;
                        }
                    }
                    let path = next_path(&mut stack);
                    positions.0.insert(path, at);
                }
                Event::Alias(_) => {
                    let path = next_path(&mut stack);
                    positions.0.insert(path, at);
                }
                Event::MappingStart(..) => {
                    let path = next_path(&mut stack);
                    positions.0.entry(path.clone()).or_insert(at);
                    stack.push(Frame::Map { path, key: None });
                }
                Event::SequenceStart(..) => {
                    let path = next_path(&mut stack);
                    positions.0.entry(path.clone()).or_insert(at);
                    stack.push(Frame::Seq { path, index: 0 });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => {
                }
            }
        }
        positions
    }

    /// Position of the node at `path`, or of its nearest recorded ancestor, or 1:1.
    pub fn get(&self, path: &str) -> (usize, usize) {
        let mut path = path;
        loop {
            if let Some(found) = self.0.get(path) {
                return *found;
            }
            match path.rfind(['.', '[', '@']) {
                Some(cut) => path = &path[..cut],
                None => return self.0.get("").copied().unwrap_or((1, 1)),
            }
        }
    }
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The path of the node that starts now, advancing the parent's key or index.
fn next_path(stack: &mut [Frame]) -> String {
    match stack.last_mut() {
        None => String::new(),
        Some(Frame::Map { path, key }) => {
            let key = key.take().unwrap_or_default();
            join(path, &key)
        }
        Some(Frame::Seq { path, index }) => {
            let here = format!("{path}[{index}]");
            *index += 1;
            here
        }
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
}
