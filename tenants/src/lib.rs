//! The tenant registry: which companies run on this installation, under which subdomain, and whether
//! they are active. Tenant rows are global (not tenant-scoped); everything a tenant owns lives in the
//! platform's tenant-scoped tables and refers to [`TenantId`].

pub mod billing;
mod configuration;
pub mod domain;
pub mod licenses;
mod registry;
mod slug;

pub use configuration::{Configuration, Limits, Refusal, limits_of};
pub use registry::{
    RegistryError, create, find_by_domain, find_by_id, find_by_slug, list, lock,
    set_api_calls_a_day, set_billing, set_branding, set_domain, set_regional, set_status,
    verify_domain,
};
pub use slug::{Slug, SlugError};

use serde::Serialize;

/// A tenant's numeric id: the first column of every tenant-owned row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantId(i64);

impl TenantId {
    /// Wraps an id read from the database. Only storage code should need this.
    pub fn from_db(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for TenantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    /// Portal, console and API answer "temporarily unavailable"; data is kept.
    Suspended,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "suspended" => Some(Self::Suspended),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: Slug,
    pub name: String,
    pub status: TenantStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The language its people see unless they chose one (a code such as `de`).
    pub language: Option<String>,
    /// Their time zone unless they chose one (an IANA name such as `Europe/Berlin`).
    pub time_zone: Option<String>,
    pub branding: Branding,
    /// API calls a day each portal user may make, if the tenant chose (see [`Tenant::api_calls_a_day`]).
    pub api_calls_a_day: Option<u64>,
    /// Its account with the payment provider (default: none, it never bought through billing).
    pub billing: billing::Billing,
    /// Its own domain, if it claimed one.
    pub domain: Option<domain::Domain>,
}

impl Tenant {
    /// API calls on licensed objects each portal user may make a day.
    pub fn api_calls_a_day(&self) -> u64 {
        self.api_calls_a_day
            .unwrap_or(licenses::DEFAULT_API_CALLS_A_DAY)
    }
}

/// How a tenant's portal looks: its title, colours (`#rrggbb`) and images. The platform checks
/// every value before it is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Branding {
    pub title: Option<String>,
    pub primary: Option<String>,
    pub accent: Option<String>,
    pub logo: Option<Image>,
    pub favicon: Option<Image>,
    /// Ways to reach the tenant, shown on the login page ("Support", "+49 30 1234567").
    pub contacts: Vec<LoginPageEntry>,
    /// Useful links shown on the login page ("Official website", an http(s) URL).
    pub links: Vec<LoginPageEntry>,
    /// The portal menu's sections in order (`knowledge`, `cases`, the codes of custom sections'
    /// objects); `None`: every section, the built-in ones first.
    pub menu: Option<Vec<String>>,
    /// Bumped on every change: the images are stored, and cached by browsers, by version.
    pub version: i64,
}

/// A name and what it leads to: a phone number or e-mail address, or a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LoginPageEntry {
    pub name: String,
    pub value: String,
}

/// An image of the branding: its type and natural size in pixels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Image {
    pub content_type: String,
    pub width: u32,
    pub height: u32,
}
