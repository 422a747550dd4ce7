//! The pipeline for one form: selection → checklist → view → Markdown (→ PDF), and the batch
//! of every sector × audience. Each form is written atomically; a failed form does not stop
//! the others.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Tera;

use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::rules::{Audience, RuleSet};
use crate::seeds::Seeds;
use crate::select::{self, Selection};
use crate::template;
use crate::view::{self, Meta, OrgView};

/// Output formats of `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Pdf,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Pdf => "pdf",
        }
    }
}

/// One form to produce.
#[derive(Debug, Clone)]
pub struct Job {
    pub selection: Selection,
    pub org: OrgView,
}

/// Renders the Markdown of one form.
pub fn markdown(set: &RuleSet, tera: &Tera, job: &Job, meta: &Meta) -> Result<String> {
    let checklist = select::checklist(set, &job.selection);
    let view = view::build(set, &checklist, job.org.clone(), Seeds::embedded());
    template::render(
        tera,
        template::name_for(job.selection.audience),
        &view,
        meta,
    )
}

/// Produces one form in every requested format under `out`; returns the files written.
pub fn write_job(
    set: &RuleSet,
    tera: &Tera,
    job: &Job,
    formats: &[Format],
    out: &Path,
    meta: &Meta,
) -> Result<Vec<PathBuf>> {
    let markdown = markdown(set, tera, job, meta)?;
    let stem = job.selection.file_stem();
    let mut written = Vec::new();
    for format in formats {
        let path = out.join(format!("{stem}.{}", format.extension()));
        let bytes = match format {
            Format::Markdown => markdown.clone().into_bytes(),
            Format::Pdf => crate::render::pdf_for_form(&markdown, &job.selection, set)?,
        };
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Every sector × audience, without a level: the default forms of each sector.
pub fn all_jobs(set: &RuleSet) -> Vec<Job> {
    set.sectors
        .iter()
        .flat_map(|sector| {
            Audience::ALL.into_iter().map(|audience| Job {
                selection: Selection {
                    sectors: vec![sector.id.clone()],
                    audience,
                    level: None,
                },
                org: OrgView::default(),
            })
        })
        .collect()
}

/// Runs jobs in parallel; each job's result is reported separately, in job order.
pub fn write_all(
    set: &RuleSet,
    tera: &Tera,
    jobs: &[Job],
    formats: &[Format],
    out: &Path,
    meta: &Meta,
) -> Vec<Result<Vec<PathBuf>, Error>> {
    jobs.par_iter()
        .map(|job| write_job(set, tera, job, formats, out, meta))
        .collect()
}
