//! The outcome of a service call that did not succeed.
//!
//! Policy: services return [`Error`]; each variant says what the user did wrong (or that we failed)
//! in words fit to show them. Storage failures and bugs become [`Error::Internal`], whose detail is
//! logged with the request id by the HTTP layer and never shown. The HTTP layer maps each variant
//! to a status exactly once (`http::error`).

use std::{collections::BTreeMap, time::Duration};

/// Messages per field, keyed by field name (or JSON pointer for nested values).
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    Invalid {
        message: String,
        fields: FieldErrors,
    },
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: Duration,
    },
    /// Something the request needs (the database, a pool of workers) cannot serve it now; the
    /// client should come back after `retry_after`.
    #[error("{message}")]
    Unavailable {
        message: String,
        retry_after: Duration,
    },
    /// An installed section failed (it trapped, ran out of time or memory, answered nonsense):
    /// not the user's fault, and not a bug of ours either.
    #[error("{0}")]
    SectionFailed(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn sign_in_required() -> Self {
        Self::Unauthenticated(crate::tr!("error-sign-in-required"))
    }

    /// Whether the failure is ours (a bug, an outage) rather than the user's: shown as an error
    /// page, never as a note beside the form.
    pub fn is_server_side(&self) -> bool {
        matches!(
            self,
            Self::Internal(_) | Self::Unavailable { .. } | Self::SectionFailed(_)
        )
    }

    /// A validation failure on one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Invalid {
            message: format!("{field}: {message}"),
            fields: BTreeMap::from([(field.to_owned(), vec![message])]),
        }
    }

    /// The same validation failure, said of `field` (a file checked as an attachment, then
    /// placed in a record's field).
    pub fn for_field(self, field: &str) -> Self {
        match self {
            Self::Invalid { .. } => Self::invalid_field(field, self.in_words()),
            other => other,
        }
    }

    /// What went wrong in one text: a validation failure's messages (not its field names),
    /// anything else as it says itself.
    pub fn in_words(&self) -> String {
        match self {
            Self::Invalid { fields, message } if fields.is_empty() => message.clone(),
            Self::Invalid { fields, .. } => {
                let messages: Vec<&str> = fields.values().flatten().map(String::as_str).collect();
                messages.join(" ")
            }
            other => other.to_string(),
        }
    }

    /// A validation failure on several fields at once.
    pub fn invalid_fields(fields: FieldErrors) -> Self {
        let count = fields.values().map(Vec::len).sum::<usize>();
        Self::Invalid {
            message: crate::tr!("error-invalid-fields", count = count),
            fields,
        }
    }
}

/// Whether a database error means the database cannot serve now (it is down, restarting, out
/// of reach, or every connection is busy): something to retry, not a bug.
fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        // SQLSTATE class 08: connection exception; 57: operator intervention (shutting down,
        // starting up).
        sqlx::Error::Database(e) => e
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57")),
        _ => false,
    }
}

/// SQLSTATE 57014: a statement cancelled, as a list's statement is when it runs past its bound
/// ([`crate::store::TenantTx::bound_list_reads`]).
fn statement_cancelled(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(e) if e.code().as_deref() == Some("57014"))
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // Asking again would cost as much: the reader must ask for less.
            e if statement_cancelled(&e) => Self::Invalid {
                message: crate::tr!("error-list-too-slow"),
                fields: FieldErrors::default(),
            },
            e if database_unavailable(&e) => {
                tracing::warn!(error = %e, "database unavailable");
                Self::Unavailable {
                    message: crate::tr!("error-database-unavailable"),
                    retry_after: Duration::from_secs(1),
                }
            }
            e => Self::Internal(anyhow::Error::new(e).context("database")),
        }
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

impl From<portico_tenants::RegistryError> for Error {
    fn from(e: portico_tenants::RegistryError) -> Self {
        match e {
            portico_tenants::RegistryError::SlugTaken(_) => Self::Conflict(e.to_string()),
            portico_tenants::RegistryError::NotFound(_) => Self::NotFound("tenant"),
            portico_tenants::RegistryError::DomainTaken(domain) => {
                Self::Conflict(crate::tr!("domain-taken", domain = domain.as_str()))
            }
            portico_tenants::RegistryError::Database(e) => e.into(),
            other => Self::Internal(other.into()),
        }
    }
}
