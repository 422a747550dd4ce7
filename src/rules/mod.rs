//! Rules: YAML files → a checked `RuleSet`.

mod check;
mod load;
mod model;
mod registry;
mod wording;

pub use check::check;
pub use load::{load, RuleSet, NOT_CHECKABLE_FILE, SECTORS_FILE};
pub use model::*;
pub use registry::{Instrument, Kind, Registry, Status, INSTRUMENTS_FILE};
pub use wording::{find_in as find_reviewer_wording, reviewer_phrases};

use std::path::PathBuf;

use crate::error::{Error, Problem, Result};
use crate::seeds::Seeds;

/// Loads the defaults and `dirs` and runs every check; the problems, sorted by position.
pub fn validate(dirs: &[PathBuf]) -> Result<(RuleSet, Vec<Problem>)> {
    let (set, mut problems) = load(dirs)?;
    problems.extend(check(&set, Seeds::embedded()));
    problems.sort_by(|a, b| a.location.cmp(&b.location));
    problems.dedup();
    Ok((set, problems))
}

/// Loads and checks, failing if anything is wrong: what every command but `validate` uses.
pub fn load_checked(dirs: &[PathBuf]) -> Result<RuleSet> {
    let (set, problems) = validate(dirs)?;
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(Error::Rules { problems })
    }
}
