//! The pipeline for one form: selection → checklist → view → Markdown (→ PDF), and the batch
//! of every sector × audience. Each form is written atomically; a failed form does not stop
//! the others.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tera::Tera;

use crate::error::{Error, Result};
use crate::output;
use crate::pdf::PdfOptions;
use crate::render::{Orientation, RenderContext};
use crate::rules::{Audience, RuleSet};
use crate::seeds::Seeds;
use crate::select::{self, Selection};
use crate::template;
use crate::view::{self, ChecklistView, Meta, OrgView};

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

/// One form: its view model and its Markdown.
#[derive(Debug, Clone)]
pub struct Form {
    pub view: ChecklistView,
    pub markdown: String,
}

/// Builds the view of one form and renders its Markdown.
pub fn form(set: &RuleSet, tera: &Tera, job: &Job, meta: &Meta) -> Result<Form> {
    let checklist = select::checklist(set, &job.selection);
    let view = view::build(set, &checklist, job.org.clone(), Seeds::embedded());
    let markdown = template::render(
        tera,
        template::name_for(job.selection.audience),
        &view,
        meta,
    )?;
    Ok(Form { view, markdown })
}

/// Renders the Markdown of one form.
pub fn markdown(set: &RuleSet, tera: &Tera, job: &Job, meta: &Meta) -> Result<String> {
    form(set, tera, job, meta).map(|form| form.markdown)
}

/// What one job wrote, and the warnings to show for it.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub paths: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

/// The PDF of a form: its title, subject and keywords say which form it is.
fn form_pdf(form: &Form, selection: &Selection, meta: &Meta) -> Result<crate::render::Rendered> {
    let view = &form.view;
    let mut subject = format!("{}：{}", view.form_name, view.sector_names);
    if !view.level_label.is_empty() {
        subject.push_str(&format!("，安全保护等级{}", view.level_label));
    }
    let mut keywords = selection.sectors.clone();
    keywords.push(selection.audience.id().to_string());
    crate::render::pdf(&RenderContext {
        markdown: &form.markdown,
        orientation: Orientation::Auto,
        options: PdfOptions {
            title: format!("{}（{}）", view.title, view.sector_names),
            subject,
            keywords,
            timestamp: meta.pdf_timestamp,
            ..PdfOptions::default()
        },
    })
}

/// Produces one form in every requested format under `out`. Every output is rendered before
/// any is written, and the files are replaced together ([`output::write_set`]): a failure
/// leaves the old set in place, never a new `.md` beside an old `.pdf`.
pub fn write_job(
    set: &RuleSet,
    tera: &Tera,
    job: &Job,
    formats: &[Format],
    out: &Path,
    meta: &Meta,
) -> Result<Written> {
    let form = form(set, tera, job, meta)?;
    let stem = job.selection.file_stem();
    let mut written = Written::default();
    let mut outputs = Vec::new();
    for format in formats {
        let bytes = match format {
            Format::Markdown => form.markdown.clone().into_bytes(),
            Format::Pdf => {
                let rendered = form_pdf(&form, &job.selection, meta)?;
                written
                    .warnings
                    .extend(rendered.warnings.iter().map(ToString::to_string));
                rendered.bytes
            }
        };
        outputs.push((out.join(format!("{stem}.{}", format.extension())), bytes));
    }
    let set: Vec<(PathBuf, &[u8])> = outputs
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.as_slice()))
        .collect();
    output::write_set(&set)?;
    written.paths = outputs.into_iter().map(|(path, _)| path).collect();
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
///
/// First checks `out` (created if missing; a file or a dangling link there is the one error
/// returned).
pub fn write_all(
    set: &RuleSet,
    tera: &Tera,
    jobs: &[Job],
    formats: &[Format],
    out: &Path,
    meta: &Meta,
) -> Result<Vec<Result<Written, Error>>> {
    output::prepare_dir(out)?;
    Ok(jobs
        .par_iter()
        .map(|job| write_job(set, tera, job, formats, out, meta))
        .collect())
}

/// Every form `generate` can make for one sector: each audience, without a level and at each
/// level 1–5.
pub fn every_form_job(set: &RuleSet) -> Vec<Job> {
    let levels = std::iter::once(None).chain(select::LEVELS.map(Some));
    set.sectors
        .iter()
        .flat_map(|sector| {
            levels.clone().flat_map(move |level| {
                Audience::ALL.into_iter().map(move |audience| Job {
                    selection: Selection {
                        sectors: vec![sector.id.clone()],
                        audience,
                        level,
                    },
                    org: OrgView::default(),
                })
            })
        })
        .collect()
}

/// Renders every sector × audience × level form and reports each reviewer's phrase (verification
/// status, "推定", …) found in its text as `<form>.md:line:col`: nothing unverified may reach a
/// form, whatever rule, registry entry or template put it there.
pub fn check_forms(set: &RuleSet, tera: &Tera, meta: &Meta) -> Result<Vec<crate::Problem>> {
    let jobs = every_form_job(set);
    let found: Vec<Result<Vec<crate::Problem>>> = jobs
        .par_iter()
        .map(|job| {
            let text = markdown(set, tera, job, meta)?;
            let file = format!("{}.md", job.selection.file_stem());
            Ok(crate::rules::find_reviewer_wording(&text)
                .into_iter()
                .map(|(line, column, phrase)| {
                    crate::Problem::new(
                        crate::Location::new(&file, line, column),
                        format!("generated form contains reviewer's wording “{phrase}”"),
                    )
                    .with_help("find the rule or instrument it comes from and move the wording to a `review:` field or a YAML comment")
                })
                .collect())
        })
        .collect();
    let mut problems = Vec::new();
    for result in found {
        problems.extend(result?);
    }
    Ok(problems)
}
