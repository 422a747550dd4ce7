//! The pipeline for one form: selection → checklist → view → Markdown (→ PDF), and the batch
//! of every sector × audience. Each form is written atomically; a failed form does not stop
//! the others.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tera::Tera;

use crate::error::{Error, Result};
use crate::output;
use crate::pdf::PdfOptions;
use crate::render::{Orientation, RenderContext, Reuse};
use crate::rules::{Audience, RuleSet};
use crate::seeds::Seeds;
use crate::select::{self, Selection};
use crate::template;
use crate::view::{self, Appendix, ChecklistView, Meta, OrgView};

/// Output formats of `generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Pdf,
    /// Word (`.docx`), for editing in Word or WPS.
    Docx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }
}

/// One form to produce.
#[derive(Debug, Clone)]
pub struct Job {
    pub selection: Selection,
    pub org: OrgView,
    /// What an issued form carries besides (`checkgen issue`); empty for `generate`.
    pub issued: Issued,
}

impl Job {
    /// A form for `org`, not issued: no number, the appendix inline.
    pub fn new(selection: Selection, org: OrgView) -> Job {
        Job {
            selection,
            org,
            issued: Issued::default(),
        }
    }
}

/// The parts of an issued form that are not the checklist's: its number, the issuing body and
/// where the appendix goes. They reach templates as `view.form_number`, `view.issuer`,
/// `view.appendix` and `view.appendix_file`.
#[derive(Debug, Clone, Default)]
pub struct Issued {
    /// 编号; printed on every page's footer too (see [`FOOTER_MARK`]).
    pub form_number: String,
    pub issuer: String,
    pub appendix: Appendix,
    /// The separate appendix's file name, when `appendix` is [`Appendix::Separate`].
    pub appendix_file: String,
}

/// The comment that puts a line into every page's footer (`<!-- checkgen-footer: … -->`, read
/// by [`crate::layout`]); an issued form's Markdown starts with one naming its number.
pub use crate::layout::FOOTER_MARK;

/// The template of a separate appendix of quoted clauses.
pub const APPENDIX_TEMPLATE: &str = "appendix.md";

/// One form: its view model, its Markdown and the fill-in fields of its PDF.
#[derive(Debug, Clone)]
pub struct Form {
    /// The view of the form's selection, shared by every form of that selection (see
    /// [`Prepared`]): its `org` and issue fields are empty; the form's own are in its [`Job`].
    pub view: Arc<ChecklistView>,
    pub markdown: String,
    /// `None` for an appendix, or when fields are turned off ([`Meta::pdf_fields`]).
    pub fields: Option<crate::pdf::FormFields>,
}

/// What every form of one selection has in common, made once: the view (items, instruments,
/// counts) and that view as templates see it. A campaign issues thousands of forms over a
/// handful of selections, and building and converting the view was a sixth of each form's
/// work; each form now only adds its organisation and number.
pub struct Prepared {
    view: Arc<ChecklistView>,
    /// `view` as a template value; its fields are shared (reference-counted) by every copy.
    value: tera::Map,
    /// The rules' version, which a PDF form's fields carry in its identity.
    rules_version: String,
    /// The names of the fields of the result rows, by 序号.
    field_rows: Arc<[(String, String)]>,
}

impl Prepared {
    /// The shared part of every form of `selection`.
    pub fn new(set: &RuleSet, selection: &Selection) -> Prepared {
        let checklist = select::checklist(set, selection);
        let view = view::build(set, &checklist, OrgView::default(), Seeds::embedded());
        let value = tera::Value::from_serializable(&view)
            .into_map()
            .expect("a ChecklistView serializes as a map");
        Prepared {
            field_rows: crate::answers::field_rows(&view),
            view: Arc::new(view),
            value,
            rules_version: set.version().to_string(),
        }
    }

    /// The view of `job` as templates see it: the shared view with the job's organisation
    /// and issue fields set (the same value [`view::build`] would give for the job).
    fn value(&self, job: &Job) -> tera::Value {
        let mut map = self.value.clone();
        let issued = &job.issued;
        let mut set = |key: &'static str, value: tera::Value| {
            let slot = map
                .get_mut(&tera::value::Key::from(key))
                .expect("every field of ChecklistView is in its serialized map");
            *slot = value;
        };
        set("org", tera::Value::from_serializable(&job.org));
        set("form_number", issued.form_number.as_str().into());
        set("issuer", issued.issuer.as_str().into());
        set("appendix", tera::Value::from_serializable(&issued.appendix));
        set("appendix_file", issued.appendix_file.as_str().into());
        tera::Value::from(map)
    }

    /// Renders `job`'s form, which must be of this selection. An issued form's Markdown starts
    /// with the footer comment naming its number, so that custom templates get it too.
    pub fn form(&self, tera: &Tera, job: &Job, meta: &Meta) -> Result<Form> {
        let name = template::name_for(job.selection.audience);
        let mut markdown = template::render_prepared(tera, name, "view", self.value(job), meta)?;
        let number = &job.issued.form_number;
        if !number.is_empty() {
            markdown.insert_str(0, &format!("{FOOTER_MARK} 编号：{number} -->\n\n"));
        }
        let fields = meta.pdf_fields.then(|| {
            let rows = Arc::clone(&self.field_rows);
            crate::answers::form_fields(&self.rules_version, job, &self.view, rows)
        });
        Ok(Form {
            view: Arc::clone(&self.view),
            markdown,
            fields,
        })
    }

    /// The separate appendix of quoted clauses of this selection, rendered with
    /// [`APPENDIX_TEMPLATE`].
    pub fn appendix(&self, tera: &Tera, job: &Job, meta: &Meta) -> Result<Form> {
        let markdown =
            template::render_prepared(tera, APPENDIX_TEMPLATE, "view", self.value(job), meta)?;
        Ok(Form {
            view: Arc::clone(&self.view),
            markdown,
            fields: None,
        })
    }
}

/// Builds the view of one form and renders its Markdown (see [`Prepared::form`]).
pub fn form(set: &RuleSet, tera: &Tera, job: &Job, meta: &Meta) -> Result<Form> {
    Prepared::new(set, &job.selection).form(tera, job, meta)
}

/// The separate appendix of quoted clauses for `job`'s selection, rendered with
/// [`APPENDIX_TEMPLATE`]: the same for every form of that selection.
pub fn appendix(set: &RuleSet, tera: &Tera, job: &Job, meta: &Meta) -> Result<Form> {
    Prepared::new(set, &job.selection).appendix(tera, job, meta)
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
pub fn pdf(form: &Form, selection: &Selection, meta: &Meta) -> Result<crate::render::Rendered> {
    crate::render::pdf(&context(form, selection, meta))
}

/// The Word document of a form, with the PDF's title, subject, keywords and orientation.
pub fn docx(
    form: &Form,
    selection: &Selection,
    meta: &Meta,
) -> Result<crate::render::RenderedDocx> {
    crate::render::docx(&context(form, selection, meta))
}

/// What a form's renderers are told: the Markdown, and a title, subject and keywords that say
/// which form it is.
fn context<'a>(form: &'a Form, selection: &Selection, meta: &Meta) -> RenderContext<'a> {
    let view = &form.view;
    let mut subject = format!("{}：{}", view.form_name, view.sector_names);
    if !view.level_label.is_empty() {
        subject.push_str(&format!("，安全保护等级{}", view.level_label));
    }
    let mut keywords = selection.sectors.clone();
    keywords.push(selection.audience.id().to_string());
    RenderContext {
        markdown: &form.markdown,
        orientation: Orientation::Auto,
        // A form's cells recur in the next form of the campaign or of `--all`.
        reuse: Reuse::Thread,
        options: PdfOptions {
            title: format!("{}（{}）", view.title, view.sector_names),
            subject,
            keywords,
            timestamp: meta.pdf_timestamp,
            fields: form.fields.clone(),
            ..PdfOptions::default()
        },
    }
}

/// A form (or appendix) in every requested format, in memory: `(format, bytes)` in the order
/// asked, and the warnings of its PDF.
#[derive(Debug, Clone, Default)]
pub struct Outputs {
    pub files: Vec<(Format, Vec<u8>)>,
    pub warnings: Vec<String>,
}

/// Renders `form` in every format of `formats`.
pub fn outputs(
    form: &Form,
    selection: &Selection,
    formats: &[Format],
    meta: &Meta,
) -> Result<Outputs> {
    let mut outputs = Outputs::default();
    for format in formats {
        let bytes = match format {
            Format::Markdown => form.markdown.clone().into_bytes(),
            Format::Pdf => {
                let rendered = pdf(form, selection, meta)?;
                outputs
                    .warnings
                    .extend(rendered.warnings.iter().map(ToString::to_string));
                rendered.bytes
            }
            Format::Docx => {
                let rendered = docx(form, selection, meta)?;
                // The same constructs as the PDF's warnings: told once.
                if !formats.contains(&Format::Pdf) {
                    outputs
                        .warnings
                        .extend(rendered.warnings.iter().map(ToString::to_string));
                }
                rendered.bytes
            }
        };
        outputs.files.push((*format, bytes));
    }
    Ok(outputs)
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
    let outputs = outputs(&form, &job.selection, formats, meta)?;
    let paths: Vec<PathBuf> = outputs
        .files
        .iter()
        .map(|(format, _)| out.join(format!("{stem}.{}", format.extension())))
        .collect();
    let set: Vec<(PathBuf, &[u8])> = paths
        .iter()
        .zip(&outputs.files)
        .map(|(path, (_, bytes))| (path.clone(), bytes.as_slice()))
        .collect();
    output::write_set(&set)?;
    let written = Written {
        paths,
        warnings: outputs.warnings,
    };
    Ok(written)
}

/// Every form of one sector at `level`: the self-assessment, then one regulator form per
/// authority with items to check there.
fn sector_jobs(set: &RuleSet, sector: &str, level: Option<u8>) -> Vec<Job> {
    let sectors = vec![sector.to_string()];
    let selection = |audience, authority| Selection {
        sectors: sectors.clone(),
        audience,
        level,
        authority,
        profile: None,
    };
    std::iter::once(selection(Audience::Enterprise, None))
        .chain(
            select::authorities_with_items(set, &sectors, level)
                .into_iter()
                .map(|id| selection(Audience::Regulator, Some(id))),
        )
        .map(|selection| Job::new(selection, OrgView::default()))
        .collect()
}

/// Every sector's forms without a level: its self-assessment and one regulator form per
/// (sector, authority) pair that has items.
pub fn all_jobs(set: &RuleSet) -> Vec<Job> {
    set.sectors
        .iter()
        .flat_map(|sector| sector_jobs(set, &sector.id, None))
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

/// Every form `generate` can make for one sector: the self-assessment and each authority's
/// form, without a level and at each level 1–5.
pub fn every_form_job(set: &RuleSet) -> Vec<Job> {
    let levels = std::iter::once(None).chain(select::LEVELS.map(Some));
    set.sectors
        .iter()
        .flat_map(|sector| {
            levels
                .clone()
                .flat_map(move |level| sector_jobs(set, &sector.id, level))
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
