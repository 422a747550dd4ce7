//! Rules: YAML files → a checked `RuleSet`.

mod authority;
mod check;
mod load;
mod model;
mod registry;
mod wording;

pub use authority::{Authority, AuthorityIds, AUTHORITIES_FILE};
pub use check::check;
pub use load::{load, load_text, RuleSet, NOT_CHECKABLE_FILE, SECTORS_FILE};
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
    Ok((set, cap_per_file(problems)))
}

/// The most problems listed for one file; the rest are counted in one last line.
pub const MAX_PROBLEMS_PER_FILE: usize = 50;

/// Keeps the first [`MAX_PROBLEMS_PER_FILE`] problems of each file (sorted by position) and
/// says how many more there are.
fn cap_per_file(problems: Vec<Problem>) -> Vec<Problem> {
    let mut kept: Vec<Problem> = Vec::with_capacity(problems.len().min(1024));
    let mut run = 0;
    let mut hidden = 0;
    let flush = |kept: &mut Vec<Problem>, hidden: &mut usize| {
        if *hidden > 0 {
            let last = kept
                .last()
                .expect("a file's hidden problems follow its shown ones");
            let more = Problem::new(
                last.location.clone(),
                format!("… and {hidden} more problems in this file"),
            )
            .with_help("fix the ones above first; many repeats usually share one cause");
            kept.push(more);
            *hidden = 0;
        }
    };
    for problem in problems {
        let same_file = kept
            .last()
            .is_some_and(|last| last.location.file == problem.location.file);
        if !same_file {
            flush(&mut kept, &mut hidden);
            run = 0;
        }
        if run < MAX_PROBLEMS_PER_FILE {
            kept.push(problem);
        } else {
            hidden += 1;
        }
        run += 1;
    }
    flush(&mut kept, &mut hidden);
    kept
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
