//! A tenant's own domain for its portal (`support.acme.com`), served beside its subdomain once
//! the tenant proved it controls the domain with a DNS TXT record.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The name of the TXT record that proves control of `domain`.
pub fn record_name(domain: &str) -> String {
    format!("_portico-verification.{domain}")
}

/// The value that TXT record must hold for the tenant that claimed the domain with `token`.
pub fn record_value(token: &str) -> String {
    format!("portico-verification={token}")
}

/// A domain a tenant claimed: requests for it reach the tenant once it is verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Domain {
    /// The host name, lower case, without a trailing dot.
    pub name: String,
    /// The tenant's proof: the TXT record must hold [`record_value`] of it.
    pub token: String,
    /// When the record was found; `None` while it has not been.
    pub verified_at: Option<DateTime<Utc>>,
}

impl Domain {
    pub fn record_name(&self) -> String {
        record_name(&self.name)
    }

    pub fn record_value(&self) -> String {
        record_value(&self.token)
    }

    pub fn is_verified(&self) -> bool {
        self.verified_at.is_some()
    }
}
