//! Bulk issuance: a checked [`Roster`] → one numbered, personalised form per enterprise, the
//! separate appendices, and the register ([`Manifest`]).
//!
//! This stage owns numbering, file names and the register; each form is the existing one-form
//! job ([`generate::form`], then [`generate::outputs`] for Markdown and PDF), run in parallel
//! on the caller's rayon pool. Files are written with [`output::write_set`] (a form's `.md` and
//! `.pdf` together, atomically); the register is written last, so a directory with a register
//! holds a finished campaign, and a killed run leaves complete files and temporaries only,
//! which the next run's first write into the directory sweeps away.
//!
//! Numbers depend on the roster alone (a row's place among the rows that are not blank), not
//! on which rows failed or which shard issues them: a shard gives the numbers the whole run
//! gives, and a corrected row keeps its number when the campaign is issued again.

pub mod manifest;
pub mod number;

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use tera::Tera;

use crate::error::{Error, Result};
use crate::generate::{self, Format, Issued, Job, Prepared};
use crate::output;
use crate::roster::{Roster, RowError};
use crate::rules::{Audience, RuleSet};
use crate::select::Selection;
use crate::view::{Appendix, Meta, OrgView};

pub use manifest::{
    merge, AppendixRecord, CampaignInfo, FileRecord, FormRecord, Manifest, RegisterNames,
    RosterInfo, Shard,
};
pub use number::NumberFormat;

/// Everything a campaign is issued with, besides the roster.
#[derive(Debug, Clone)]
pub struct Campaign<'a> {
    pub set: &'a RuleSet,
    pub tera: &'a Tera,
    pub meta: &'a Meta,
    pub audience: Audience,
    /// The inspecting authority of regulator forms (catalogue id); `None` for self-assessments.
    pub authority: Option<String>,
    /// The issuing body, printed on the forms; may be empty.
    pub issuer: String,
    pub number_format: NumberFormat,
    /// The pattern as given, for the register.
    pub number_pattern: String,
    pub formats: Vec<Format>,
    pub appendix: Appendix,
    pub shard: Option<Shard>,
    /// What the register says about the roster (its name and hash).
    pub roster_file: String,
    pub roster_sha256: String,
}

/// What became of one row of the shard: reported to the progress callback as it finishes.
#[derive(Debug, Clone)]
pub enum Done {
    /// The form was written (its number), with the PDF's warnings.
    Issued {
        number: String,
        warnings: Vec<String>,
    },
    /// The row could not be issued.
    Failed(Vec<RowError>),
}

/// One good row, numbered and named.
struct Planned {
    row: usize,
    job: Job,
    stem: String,
    /// Index of the job's selection in the run's prepared selections.
    prepared: usize,
}

/// Issues the shard's rows of `roster` into `out` and returns the register, without writing
/// it ([`write_register`] does). Refuses (before writing anything) a directory that holds a
/// register of the same shard unless `force`. `done` is called once per row, from worker
/// threads, as each finishes.
pub fn run(
    campaign: &Campaign,
    roster: &Roster,
    out: &Path,
    force: bool,
    done: &(dyn Fn(&Done) + Sync),
) -> Result<Manifest> {
    let names = RegisterNames::of(campaign.shard);
    if !force && out.join(&names.json).exists() {
        return Err(Error::usage(
            format!(
                "{} already holds a campaign ({})",
                out.display(),
                names.json
            ),
            "issue into another --out directory, or add --force to issue again over it (files the campaign did not write are left alone)",
        ));
    }
    output::prepare_dir(out)?;
    let total = roster.rows.len();
    let mine = roster.rows.iter().filter(|row| {
        campaign
            .shard
            .is_none_or(|s| s.contains(row.ordinal, total))
    });
    let year = campaign.meta.date.get(..4).unwrap_or(&campaign.meta.date);
    let mut errors: Vec<RowError> = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    let mut selections: BTreeMap<String, Selection> = BTreeMap::new();
    // The distinct selections of the run, each prepared once (a handful for any roster).
    let mut prepared: Vec<(Selection, Prepared)> = Vec::new();
    for row in mine {
        let entry = match &row.entry {
            Ok(entry) => entry,
            Err(problems) => {
                done(&Done::Failed(problems.clone()));
                errors.extend(problems.iter().cloned());
                continue;
            }
        };
        let selection =
            Selection::new(campaign.set, &entry.sectors, campaign.audience, entry.level)
                .expect("a roster entry's sectors and level were checked against this rule set");
        let selection = match &campaign.authority {
            None => selection,
            Some(id) => match selection.with_authority(campaign.set, id) {
                Ok(selection) => selection,
                Err(err) => {
                    // The authority has nothing to inspect in this row's sectors.
                    let problem = RowError {
                        row: row.row,
                        column: String::new(),
                        reason: err.to_string(),
                    };
                    done(&Done::Failed(vec![problem.clone()]));
                    errors.push(problem);
                    continue;
                }
            },
        };
        let number = campaign
            .number_format
            .number(year, &selection.sectors, row.ordinal);
        let stem = number::file_stem(&number, &entry.name);
        let appendix_stem = appendix_stem(&selection);
        let appendix_file = match campaign.appendix {
            Appendix::Separate => format!(
                "{appendix_stem}.{}",
                primary_format(&campaign.formats).extension()
            ),
            Appendix::Inline | Appendix::None => String::new(),
        };
        if campaign.appendix == Appendix::Separate {
            selections.insert(appendix_stem, selection.clone());
        }
        let org = OrgView {
            name: entry.name.clone(),
            credit_code: entry.credit_code.clone(),
            address: entry.address.clone(),
            legal_rep: entry.legal_rep.clone(),
            contact: entry.contact.clone(),
            phone: entry.phone.clone(),
            extra: entry.extra.clone(),
        };
        let index = match prepared.iter().position(|(s, _)| *s == selection) {
            Some(index) => index,
            None => {
                let shared = Prepared::new(campaign.set, &selection);
                prepared.push((selection.clone(), shared));
                prepared.len() - 1
            }
        };
        let mut job = Job::new(selection, org);
        job.issued = Issued {
            form_number: number,
            issuer: campaign.issuer.clone(),
            appendix: campaign.appendix,
            appendix_file,
        };
        planned.push(Planned {
            row: row.row,
            job,
            stem,
            prepared: index,
        });
    }
    let appendices = selections
        .into_par_iter()
        .map(|(stem, selection)| write_appendix(campaign, out, stem, selection))
        .collect::<Result<Vec<_>>>()?;
    let results: Vec<std::result::Result<FormRecord, RowError>> = planned
        .par_iter()
        .map(|planned| {
            let result = write_form(campaign, out, planned, &prepared[planned.prepared].1);
            match &result {
                Ok((record, warnings)) => done(&Done::Issued {
                    number: record.number.clone(),
                    warnings: warnings.clone(),
                }),
                Err(error) => done(&Done::Failed(vec![error.clone()])),
            }
            result.map(|(record, _)| record)
        })
        .collect();
    let mut forms = Vec::new();
    for result in results {
        match result {
            Ok(record) => forms.push(record),
            Err(error) => errors.push(error),
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok(Manifest {
        campaign: CampaignInfo {
            tool: format!("checkgen {}", campaign.meta.checkgen_version),
            rules_version: campaign.set.version().to_string(),
            roster: RosterInfo {
                file: campaign.roster_file.clone(),
                sha256: campaign.roster_sha256.clone(),
                rows: total,
                blank: roster.blank,
            },
            audience: campaign.audience.id().to_string(),
            date: campaign.meta.date.clone(),
            issuer: campaign.issuer.clone(),
            number_format: campaign.number_pattern.clone(),
            appendix: campaign.appendix,
            formats: campaign
                .formats
                .iter()
                .map(|f| f.extension().to_string())
                .collect(),
        },
        shard: campaign.shard,
        forms,
        appendices,
        errors,
    })
}

/// The format a form names its separate appendix in: the PDF when one is written, else the
/// Word document, else the Markdown.
fn primary_format(formats: &[Format]) -> Format {
    [Format::Pdf, Format::Docx]
        .into_iter()
        .find(|format| formats.contains(format))
        .unwrap_or(Format::Markdown)
}

/// `附件-telecom-enterprise-L3`.
fn appendix_stem(selection: &Selection) -> String {
    format!("附件-{}", selection.file_stem())
}

/// Renders and writes one form; a failure is the row's error.
fn write_form(
    campaign: &Campaign,
    out: &Path,
    planned: &Planned,
    prepared: &Prepared,
) -> std::result::Result<(FormRecord, Vec<String>), RowError> {
    let job = &planned.job;
    let fail = |err: Error| RowError {
        row: planned.row,
        column: String::new(),
        reason: error_text(&err),
    };
    let form = prepared
        .form(campaign.tera, job, campaign.meta)
        .map_err(fail)?;
    let outputs =
        generate::outputs(&form, &job.selection, &campaign.formats, campaign.meta).map_err(fail)?;
    let files = write_files(out, &planned.stem, &outputs.files).map_err(fail)?;
    Ok((
        FormRecord {
            number: job.issued.form_number.clone(),
            name: job.org.name.clone(),
            credit_code: job.org.credit_code.clone(),
            sector: job.selection.sectors.join("+"),
            level: job.selection.level,
            row: planned.row,
            files,
        },
        outputs.warnings,
    ))
}

fn write_appendix(
    campaign: &Campaign,
    out: &Path,
    stem: String,
    selection: Selection,
) -> Result<AppendixRecord> {
    let mut job = Job::new(selection, OrgView::default());
    job.issued.issuer = campaign.issuer.clone();
    job.issued.appendix = Appendix::Separate;
    let form = generate::appendix(campaign.set, campaign.tera, &job, campaign.meta)?;
    let outputs = generate::outputs(&form, &job.selection, &campaign.formats, campaign.meta)?;
    Ok(AppendixRecord {
        selection: job.selection.file_stem(),
        files: write_files(out, &stem, &outputs.files)?,
    })
}

/// Writes `stem.md`, `stem.pdf`, … together and records them.
fn write_files(out: &Path, stem: &str, files: &[(Format, Vec<u8>)]) -> Result<Vec<FileRecord>> {
    let named: Vec<(String, &[u8])> = files
        .iter()
        .map(|(format, bytes)| (format!("{stem}.{}", format.extension()), bytes.as_slice()))
        .collect();
    let set: Vec<(std::path::PathBuf, &[u8])> = named
        .iter()
        .map(|(name, bytes)| (out.join(name), *bytes))
        .collect();
    output::write_set(&set)?;
    Ok(named
        .into_iter()
        .map(|(name, bytes)| FileRecord::new(name, bytes))
        .collect())
}

/// An error as one line for `errors.csv`: the message, its causes and what to do.
fn error_text(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// Writes the register of `manifest` into `out` (`manifest.json` given as `json`, which the
/// caller builds so that every JSON output of checkgen shares one envelope; `manifest.csv`;
/// `errors.csv`), together and atomically, `manifest.json` renamed last.
pub fn write_register(out: &Path, manifest: &Manifest, json: &str) -> Result<()> {
    let names = RegisterNames::of(manifest.shard);
    let csv = manifest.to_csv();
    let errors = manifest.errors_csv();
    output::write_set(&[
        (out.join(&names.csv), csv.as_bytes()),
        (out.join(&names.errors), errors.as_bytes()),
        (out.join(&names.json), json.as_bytes()),
    ])
}
