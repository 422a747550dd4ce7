//! Rule directories → `RuleSet`. The embedded defaults come first; each `--rules DIR` is a
//! layer over them in which a rule with a known id replaces the earlier one and a new id adds
//! a rule. Problems are collected, not returned at the first one, so `validate` can list them
//! all; a rule that does not parse is left out and the others load.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::authority::{Authority, AUTHORITIES_FILE};
use super::model::{Domain, NotCheckable, Origin, Rule, Sector, SourceFile};
use super::registry::{self, Registry, INSTRUMENTS_FILE};
use crate::embedded;
use crate::error::{Location, Problem, Result};
use crate::input;
use crate::yaml::{self, Document, Node};

/// File names with a fixed meaning in a rules directory (with [`AUTHORITIES_FILE`] and the
/// instrument registry); every other `*.yaml` is a domain.
pub const SECTORS_FILE: &str = "sectors.yaml";
pub const NOT_CHECKABLE_FILE: &str = "not-checkable.yaml";

/// Everything the rule files say, merged over all layers.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Sections, sorted by their `order`.
    pub domains: Vec<Domain>,
    /// Rules in file order, domains in `domains` order.
    pub rules: Vec<Rule>,
    pub sectors: Vec<Sector>,
    pub not_checkable: Vec<NotCheckable>,
    /// Rules whose id repeats an earlier one in the same layer: left out of every form, but
    /// checked like the others, so fixing the id reveals no new problems.
    pub duplicates: Vec<Rule>,
    /// The instrument registry rules cite by id.
    pub instruments: Registry,
    /// The authority catalogue (检查机关), in file order.
    pub authorities: Vec<Authority>,
    /// [`RuleSet::version`], computed on first use: a set is not changed once loaded, and
    /// every form, answer sheet and register of a run carries the same version.
    version: std::sync::OnceLock<String>,
}

impl RuleSet {
    /// `sha256:` and 16 hex digits of the rules, sectors and domains: what a form, an answer
    /// sheet or a campaign register says it was made from.
    pub fn version(&self) -> &str {
        self.version.get_or_init(|| {
            let json = serde_json::to_vec(&(&self.rules, &self.sectors, &self.domains))
                .expect("the rule model serializes to JSON");
            format!(
                "sha256:{}",
                &crate::issue::manifest::sha256_hex(&json)[..16]
            )
        })
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    pub fn sector(&self, id: &str) -> Option<&Sector> {
        self.sectors.iter().find(|sector| sector.id == id)
    }

    pub fn authority(&self, id: &str) -> Option<&Authority> {
        self.authorities.iter().find(|authority| authority.id == id)
    }

    pub fn domain(&self, id: &str) -> Option<&Domain> {
        self.domains.iter().find(|domain| domain.id == id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainFile {
    domain: String,
    name: String,
    #[serde(default = "default_order")]
    order: i64,
    #[serde(default)]
    rules: Vec<Node>,
}

fn default_order() -> i64 {
    100
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectorFile {
    sectors: Vec<Node>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityFile {
    authorities: Vec<Node>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotCheckableFile {
    entries: Vec<Node>,
}

/// Loads the embedded defaults, then each directory in order over them.
///
/// Fails only when a directory cannot be read at all; everything wrong inside the files is a
/// `Problem` in the returned list.
pub fn load(dirs: &[PathBuf]) -> Result<(RuleSet, Vec<Problem>)> {
    let mut set = RuleSet::default();
    let mut problems = Vec::new();
    let defaults = embedded::RULES
        .iter()
        .map(|(name, text)| (format!("rules/{name}"), name.to_string(), text.to_string()))
        .collect();
    add_layer(&mut set, defaults, &mut problems);
    for dir in dirs {
        let before = problems.len();
        let files = read_dir(dir, &mut problems)?;
        if files.is_empty() && problems.len() == before {
            problems.push(
                Problem::new(
                    Location::new(dir.display().to_string(), 1, 1),
                    "no rule files (*.yaml) in this directory",
                )
                .with_help("a rules directory holds domain files such as security.yaml"),
            );
        }
        add_layer(&mut set, files, &mut problems);
    }
    set.domains.sort_by_key(|domain| domain.order);
    let order: HashMap<&str, usize> = set
        .domains
        .iter()
        .enumerate()
        .map(|(index, domain)| (domain.id.as_str(), index))
        .collect();
    let mut rules = std::mem::take(&mut set.rules);
    rules.sort_by_key(|rule| {
        order
            .get(rule.domain.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    set.rules = rules;
    registry::resolve(&mut set.rules, &set.instruments);
    Ok((set, problems))
}

/// Loads one rule file's text alone, without the defaults or any directory: what a fuzzer
/// or an editor integration checks. `name` decides the kind of file as in a directory
/// (`sectors.yaml`, `not-checkable.yaml`, else a domain).
pub fn load_text(name: &str, text: &str) -> (RuleSet, Vec<Problem>) {
    let mut set = RuleSet::default();
    let mut problems = Vec::new();
    let file = (name.to_string(), name.to_string(), text.to_string());
    add_layer(&mut set, vec![file], &mut problems);
    (set, problems)
}

/// `(printed name, file name, text)` of every YAML file in `dir`, sorted by name. A file that
/// is not UTF-8 is a problem at the first invalid byte and is left out.
fn read_dir(dir: &Path, problems: &mut Vec<Problem>) -> Result<Vec<(String, String, String)>> {
    let mut files = Vec::new();
    for file in input::files_in(dir, &["yaml", "yml"])? {
        let printed = file.path.display().to_string();
        match input::utf8_text(file.bytes) {
            Ok(text) => files.push((printed, file.name, text)),
            Err(err) => problems.push(
                Problem::new(Location::new(printed, err.line, err.column), err.message)
                    .with_help(err.help),
            ),
        }
    }
    Ok(files)
}

/// Adds one layer: rules, sectors and not-checkable entries of one directory.
fn add_layer(set: &mut RuleSet, files: Vec<(String, String, String)>, problems: &mut Vec<Problem>) {
    let mut first_seen: HashMap<String, Location> = HashMap::new();
    for (printed, name, text) in files {
        let syntax = |err: yaml::YamlError| {
            let problem = Problem::new(Location::new(&printed, err.line, err.column), err.message);
            match err.help {
                Some(help) => problem.with_help(help),
                None => problem,
            }
        };
        // Parsed once: the document gives the values and, kept with the rules, their
        // positions. A file nesting too deep or repeating too much through aliases is
        // refused while parsing.
        let document = match Document::parse(&text) {
            Ok(document) => document,
            Err(err) => {
                problems.push(syntax(err));
                continue;
            }
        };
        let file = Arc::new(SourceFile {
            name: printed.clone(),
            document,
        });
        if name == SECTORS_FILE {
            match file.document.typed::<SectorFile>() {
                Ok(parsed) => {
                    let entries = (parsed.sectors, "sectors", "sector");
                    add_entries(&mut set.sectors, entries, &file, &mut first_seen, problems);
                }
                Err(err) => problems.push(syntax(err)),
            }
        } else if name == AUTHORITIES_FILE {
            match yaml::parse::<AuthorityFile>(&text) {
                Ok(parsed) => {
                    let entries = (parsed.authorities, "authorities", "authority");
                    add_entries(
                        &mut set.authorities,
                        entries,
                        &file,
                        &mut first_seen,
                        problems,
                    );
                }
                Err(err) => problems.push(syntax(err)),
            }
        } else if name == INSTRUMENTS_FILE {
            registry::add_file(&mut set.instruments, &file, problems);
        } else if name == NOT_CHECKABLE_FILE {
            match file.document.typed::<NotCheckableFile>() {
                Ok(parsed) => {
                    for (index, node) in parsed.entries.into_iter().enumerate() {
                        let origin = origin(&file, format!("entries[{index}]"));
                        if let Some(mut entry) = typed::<NotCheckable>(node, &origin, problems) {
                            entry.origin = origin;
                            set.not_checkable.push(entry);
                        }
                    }
                }
                Err(err) => problems.push(syntax(err)),
            }
        } else {
            match file.document.typed::<DomainFile>() {
                Ok(parsed) => {
                    match set.domains.iter_mut().find(|d| d.id == parsed.domain) {
                        Some(domain) => {
                            domain.name = parsed.name;
                            domain.order = parsed.order;
                        }
                        None => set.domains.push(Domain {
                            id: parsed.domain.clone(),
                            name: parsed.name,
                            order: parsed.order,
                        }),
                    }
                    for (index, node) in parsed.rules.into_iter().enumerate() {
                        let origin = origin(&file, format!("rules[{index}]"));
                        if let Some(mut rule) = typed::<Rule>(node, &origin, problems) {
                            let location = origin.locate("id");
                            rule.domain = parsed.domain.clone();
                            rule.origin = origin;
                            if !check_unique("rule", &rule.id, location, &mut first_seen, problems)
                            {
                                set.duplicates.push(rule);
                                continue;
                            }
                            match set.rules.iter_mut().find(|r| r.id == rule.id) {
                                Some(existing) => *existing = rule,
                                None => set.rules.push(rule),
                            }
                        }
                    }
                }
                Err(err) => problems.push(syntax(err)),
            }
        }
    }
}

/// An entry of a catalogue file (sectors, authorities): an id, and where it was read.
trait Entry: serde::de::DeserializeOwned {
    fn id(&self) -> &str;
    fn set_origin(&mut self, origin: Origin);
}

impl Entry for Sector {
    fn id(&self) -> &str {
        &self.id
    }
    fn set_origin(&mut self, origin: Origin) {
        self.origin = origin;
    }
}

impl Entry for Authority {
    fn id(&self) -> &str {
        &self.id
    }
    fn set_origin(&mut self, origin: Origin) {
        self.origin = origin;
    }
}

/// Adds the entries of one catalogue file (`(nodes, list key, kind)`): an id repeated in the
/// same layer is a problem, an id of an earlier layer is replaced.
fn add_entries<T: Entry>(
    list: &mut Vec<T>,
    (nodes, key, kind): (Vec<Node>, &str, &str),
    file: &Arc<SourceFile>,
    first_seen: &mut HashMap<String, Location>,
    problems: &mut Vec<Problem>,
) {
    for (index, node) in nodes.into_iter().enumerate() {
        let origin = origin(file, format!("{key}[{index}]"));
        let Some(mut entry) = typed::<T>(node, &origin, problems) else {
            continue;
        };
        let location = origin.locate("id");
        entry.set_origin(origin);
        if !check_unique(kind, entry.id(), location, first_seen, problems) {
            continue;
        }
        match list.iter_mut().find(|e| e.id() == entry.id()) {
            Some(existing) => *existing = entry,
            None => list.push(entry),
        }
    }
}

fn origin(file: &Arc<SourceFile>, path: String) -> Origin {
    Origin {
        file: Arc::clone(file),
        path,
    }
}

/// Deserializes one entry; on failure records a problem at the offending field if the message
/// names one (`unknown field `titel``), else at the entry.
fn typed<T: serde::de::DeserializeOwned>(
    node: Node,
    origin: &Origin,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    match node.into_typed::<T>() {
        Ok(value) => Some(value),
        Err(err) => {
            problems.push(
                Problem::new(origin.locate(&err.field()), err.message)
                    .with_help("see docs/rule-format.md for the fields and values a rule may have"),
            );
            None
        }
    }
}

/// Within one layer an id may appear once (the first one is kept); across layers a repeat is
/// a deliberate override. Returns whether this occurrence is the first in its layer.
fn check_unique(
    kind: &str,
    id: &str,
    location: Location,
    first_seen: &mut HashMap<String, Location>,
    problems: &mut Vec<Problem>,
) -> bool {
    let key = format!("{kind}:{id}");
    match first_seen.get(&key) {
        Some(first) => {
            problems.push(
                Problem::new(location, format!("duplicate {kind} id `{id}`, first defined at {first}"))
                    .with_help("give each one its own id; to replace a default rule, put it in a separate --rules directory"),
            );
            false
        }
        None => {
            first_seen.insert(key, location);
            true
        }
    }
}
