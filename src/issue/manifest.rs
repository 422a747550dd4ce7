//! The register of a campaign (`manifest.json`, `manifest.csv`, `errors.csv`): what was issued
//! to whom, every file with its SHA-256 and size, the rows that failed, and the versions of
//! the tool and the rules. Shards' registers are joined by [`merge`] into the register the
//! whole run would have written.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::roster::RowError;
use crate::view::Appendix;

/// The slice of a roster one process issues: the `index`-th (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Whether the row with this 1-based ordinal, of `total`, is in this shard: the rows are
    /// cut into `count` contiguous slices of nearly equal length.
    pub fn contains(self, ordinal: usize, total: usize) -> bool {
        let start = (self.index - 1) * total / self.count;
        let end = self.index * total / self.count;
        (start + 1..=end).contains(&ordinal)
    }
}

/// What the whole campaign shares; equal in every shard of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInfo {
    /// `checkgen 0.1.0`.
    pub tool: String,
    /// `sha256:` and the first 16 hex digits of the hash of the rule set used.
    pub rules_version: String,
    pub roster: RosterInfo,
    /// `enterprise` | `regulator`.
    pub audience: String,
    /// The campaign's date, `YYYY-MM-DD`.
    pub date: String,
    pub issuer: String,
    pub number_format: String,
    pub appendix: Appendix,
    /// `md`, `pdf`.
    pub formats: Vec<String>,
}

/// The roster a campaign was issued from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterInfo {
    /// Its file name (without directories, so that shards on different hosts agree).
    pub file: String,
    pub sha256: String,
    /// Data rows that are not blank.
    pub rows: usize,
    /// Blank rows skipped.
    pub blank: usize,
}

/// One file written, with its hash and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The file name, in the campaign's directory.
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
}

impl FileRecord {
    pub fn new(file: String, bytes: &[u8]) -> FileRecord {
        FileRecord {
            file,
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
        }
    }
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One issued form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRecord {
    pub number: String,
    pub name: String,
    pub credit_code: String,
    /// Sector ids joined by `+`.
    pub sector: String,
    pub level: Option<u8>,
    /// The roster row it came from (header = 1).
    pub row: usize,
    pub files: Vec<FileRecord>,
}

/// One separate appendix of quoted clauses (`--appendix separate`), shared by the forms of a
/// selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendixRecord {
    /// The selection (`telecom-enterprise-L3`).
    pub selection: String,
    pub files: Vec<FileRecord>,
}

/// A campaign's register, or one shard's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub campaign: CampaignInfo,
    /// The shard this register covers; absent for a whole run or a merged register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
    /// In roster order.
    pub forms: Vec<FormRecord>,
    /// By selection.
    pub appendices: Vec<AppendixRecord>,
    /// The problems of the rows that failed, in roster order.
    pub errors: Vec<RowError>,
}

/// The file names of a register: `manifest.json`, or `manifest.shard-2-of-4.json` for a shard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterNames {
    pub json: String,
    pub csv: String,
    pub errors: String,
}

impl RegisterNames {
    pub fn of(shard: Option<Shard>) -> RegisterNames {
        let suffix = shard.map_or_else(String::new, |s| {
            format!(".shard-{}-of-{}", s.index, s.count)
        });
        RegisterNames {
            json: format!("manifest{suffix}.json"),
            csv: format!("manifest{suffix}.csv"),
            errors: format!("errors{suffix}.csv"),
        }
    }
}

const BOM: &str = "\u{feff}";

impl Manifest {
    /// `manifest.csv`: UTF-8 with a byte-order mark (so Excel reads the Chinese), one row per
    /// form then one per separate appendix, each file's name, SHA-256 and size.
    pub fn to_csv(&self) -> String {
        let mut header: Vec<String> = [
            "编号",
            "单位名称",
            "统一社会信用代码",
            "所属行业",
            "系统等级",
            "名单行号",
        ]
        .map(String::from)
        .to_vec();
        for format in &self.campaign.formats {
            header.push(format!("{format}文件"));
            header.push(format!("{format} SHA-256"));
            header.push(format!("{format}字节数"));
        }
        header.push("工具版本".into());
        header.push("规则版本".into());
        let versions = [
            self.campaign.tool.clone(),
            self.campaign.rules_version.clone(),
        ];
        let files = |files: &[FileRecord]| -> Vec<String> {
            files
                .iter()
                .flat_map(|f| [f.file.clone(), f.sha256.clone(), f.bytes.to_string()])
                .collect()
        };
        let mut rows = vec![header];
        for form in &self.forms {
            let mut row = vec![
                form.number.clone(),
                form.name.clone(),
                form.credit_code.clone(),
                form.sector.clone(),
                form.level.map_or_else(String::new, |l| l.to_string()),
                form.row.to_string(),
            ];
            row.extend(files(&form.files));
            row.extend(versions.clone());
            rows.push(row);
        }
        for appendix in &self.appendices {
            let mut row = vec![
                String::new(),
                format!("附件：条款依据（{}）", appendix.selection),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ];
            row.extend(files(&appendix.files));
            row.extend(versions.clone());
            rows.push(row);
        }
        csv_text(&rows)
    }

    /// `errors.csv`: UTF-8 with a byte-order mark; row number, column and reason per problem.
    pub fn errors_csv(&self) -> String {
        let mut rows = vec![vec!["名单行号".to_string(), "列".into(), "原因".into()]];
        rows.extend(
            self.errors
                .iter()
                .map(|e| vec![e.row.to_string(), e.column.clone(), e.reason.clone()]),
        );
        csv_text(&rows)
    }

    /// Every file the register lists.
    pub fn files(&self) -> impl Iterator<Item = &FileRecord> {
        self.forms
            .iter()
            .flat_map(|f| &f.files)
            .chain(self.appendices.iter().flat_map(|a| &a.files))
    }
}

fn csv_text(rows: &[Vec<String>]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row)
            .expect("writing CSV into a Vec cannot fail");
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV into a Vec cannot fail");
    format!(
        "{BOM}{}",
        String::from_utf8(bytes).expect("CSV of UTF-8 strings is UTF-8")
    )
}

/// Joins the registers of every shard of one campaign into the register of the whole run:
/// forms and errors in roster order, appendices by selection. Fails, saying why, when the
/// registers are of different campaigns, a shard is missing or given twice, or an appendix
/// differs between shards.
pub fn merge(manifests: Vec<Manifest>) -> Result<Manifest> {
    let usage = |message: String, help: &str| Error::usage(message, help);
    let first = manifests.first().ok_or_else(|| {
        usage(
            "no register to merge".into(),
            "name the shards' manifest.shard-I-of-N.json files",
        )
    })?;
    let campaign = first.campaign.clone();
    let count =
        match first.shard {
            Some(shard) => shard.count,
            None => return Err(usage(
                "the first register is not a shard's".into(),
                "merge the manifest.shard-I-of-N.json files that `checkgen issue --shard` wrote",
            )),
        };
    let mut seen = vec![false; count];
    for manifest in &manifests {
        if manifest.campaign != campaign {
            return Err(usage(
                "the registers are of different campaigns (roster, rules, options or tool version differ)".into(),
                "merge the shards of one campaign, all issued with the same roster, options and checkgen",
            ));
        }
        let shard = manifest.shard.filter(|s| s.count == count).ok_or_else(|| {
            usage(
                format!("a register is not one of {count} shards"),
                "merge the shards of one campaign, all issued with the same --shard I/N count",
            )
        })?;
        if std::mem::replace(&mut seen[shard.index - 1], true) {
            return Err(usage(
                format!("shard {}/{count} is given twice", shard.index),
                "name each shard's register once",
            ));
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, seen)| !**seen)
        .map(|(i, _)| format!("{}/{count}", i + 1))
        .collect();
    if !missing.is_empty() {
        return Err(usage(
            format!("shard {} is missing", missing.join(", ")),
            "wait for every shard to finish, then merge all their registers",
        ));
    }
    let mut forms: Vec<FormRecord> = Vec::new();
    let mut appendices: Vec<AppendixRecord> = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    for manifest in manifests {
        forms.extend(manifest.forms);
        errors.extend(manifest.errors);
        for appendix in manifest.appendices {
            match appendices
                .iter()
                .find(|a| a.selection == appendix.selection)
            {
                Some(known) if *known != appendix => {
                    return Err(usage(
                        format!("the appendix {} differs between shards", appendix.selection),
                        "issue every shard with the same checkgen, rules and options",
                    ))
                }
                Some(_) => {}
                None => appendices.push(appendix),
            }
        }
    }
    forms.sort_by_key(|f| f.row);
    errors.sort_by_key(|e| e.row);
    appendices.sort_by(|a, b| a.selection.cmp(&b.selection));
    Ok(Manifest {
        campaign,
        shard: None,
        forms,
        appendices,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_row_once() {
        for total in [0, 1, 5, 10, 11] {
            for count in 1..=4 {
                for ordinal in 1..=total {
                    let owners = (1..=count)
                        .filter(|&index| Shard { index, count }.contains(ordinal, total))
                        .count();
                    assert_eq!(owners, 1, "row {ordinal} of {total}, {count} shards");
                }
            }
        }
    }
}
