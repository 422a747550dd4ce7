//! checkgen turns the security, privacy and market-order clauses of two Chinese
//! information-consumption policy documents into compliance checklists: self-assessment forms
//! (自查表) for enterprises and inspection forms (检查表) for regulators, as Markdown and PDF.
//!
//! # Steps
//!
//! 1. [`seeds`]: the source documents, split into chapters and numbered items.
//! 2. [`rules`]: YAML rule files → a checked [`rules::RuleSet`], every quote verified against
//!    its seed item and every cited article against the reference texts ([`references`]).
//! 3. [`select`]: sectors × audience × protection level → an ordered [`select::Checklist`].
//! 4. [`view`]: the checklist → the view model templates see (the template contract).
//! 5. [`template`]: tera templates → Markdown.
//! 6. [`render`]: Markdown → PDF: [`layout`] places everything on pages (fonts from
//!    [`fonts`]), [`pdf`] writes them with the font subset and embedded.
//!
//! 7. The return path: [`answers`] writes a form's answer sheet (XLSX, CSV, YAML) and reads a
//!    filled one back; [`assess`] scores it into a gap report or the draft 行政检查结果告知书.
//!
//! [`generate`] drives the steps for one form or a batch; [`issue`] issues one numbered form
//! per enterprise of a [`roster`], in parallel, with a register; [`trace`] maps every seed
//! sentence to the rules that quote it.

#![forbid(unsafe_code)]

pub mod answers;
pub mod assess;
pub(crate) mod bmp_table;
pub mod credit_code;
pub mod date;
pub mod docx;
pub(crate) mod embedded;
mod error;
pub mod fonts;
pub mod generate;
pub mod image;
pub mod input;
pub mod issue;
pub mod layout;
pub mod output;
pub mod pdf;
pub mod profile;
pub mod references;
pub mod render;
pub mod roster;
pub mod rules;
pub mod seeds;
pub mod select;
pub mod template;
pub mod trace;
pub mod view;
mod yaml;

pub use error::{Error, Location, Problem, Result};
