//! checkgen library
//!
//! # Steps
//! Markdown → [`layout`] (positioned pages) → [`pdf`] (bytes), with [`fonts`] shared by both.

pub mod fonts;
pub mod layout;
pub mod pdf;
