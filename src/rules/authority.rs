//! The authority catalogue (`rules/authorities.yaml`): the bodies that inspect (检查机关), each
//! with the sectors it has power over. Every inspection item names the authority that enforces
//! it; a regulator form is one authority's record, so it holds only that authority's items.

use serde::{Deserialize, Serialize};

use super::model::{Origin, SectorScope};

/// The catalogue's file name in a rules directory.
pub const AUTHORITIES_FILE: &str = "authorities.yaml";

/// One inspecting body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    /// ASCII id (`public_security`), like a sector id.
    pub id: String,
    /// The body as printed on forms (`公安机关网安部门`).
    pub name: String,
    /// What it inspects, in one line (`网络安全等级保护……`).
    pub description: String,
    /// The sectors it has power over; `[all]` when left out.
    #[serde(default = "every_sector")]
    pub sectors: Vec<SectorScope>,
    /// The instruments (registry ids) under which it inspects: its forms cite only these;
    /// every instrument when left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instruments: Vec<String>,
    #[serde(skip)]
    pub origin: Origin,
}

fn every_sector() -> Vec<SectorScope> {
    vec![SectorScope::All]
}

impl Authority {
    /// True when the authority inspects enterprises of `sector`.
    pub fn covers(&self, sector: &str) -> bool {
        self.sectors.iter().any(|scope| scope.includes(sector))
    }

    /// True when the authority inspects under the instrument `id`.
    pub fn enforces(&self, id: &str) -> bool {
        self.instruments.is_empty() || self.instruments.iter().any(|i| i == id)
    }
}

/// Authority ids of a rule or an inspection item: `authority: cac` or `authority: [cac,
/// comms_admin]` in rule files, always a list in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct AuthorityIds(pub Vec<String>);

impl AuthorityIds {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.0.iter().any(|a| a == id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.0.iter()
    }
}

impl<'de> Deserialize<'de> for AuthorityIds {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "an authority id or a list of authority ids")]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(AuthorityIds(match OneOrMany::deserialize(d)? {
            OneOrMany::One(id) => vec![id],
            OneOrMany::Many(ids) => ids,
        }))
    }
}
