//! What the host offers a section, one module per capability. A call the manifest did not request,
//! or the tenant admin did not grant, returns [`HostError::Denied`]; nothing here traps.

use std::fmt;

use serde::{Serialize, de::DeserializeOwned};

use crate::{
    __bindings::portico::section::{self as wit, types},
    Record,
};

/// Why the host refused a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// Capability not requested or not granted, or the user may not do this.
    Denied(String),
    NotFound,
    Invalid(String),
    /// The record changed since it was read.
    Conflict,
    TooLarge(String),
    /// Timed out or failed on the host's side; a later try may work.
    Unavailable(String),
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Denied(why) => write!(f, "denied: {why}"),
            Self::NotFound => f.write_str("not found"),
            Self::Invalid(why) => write!(f, "invalid: {why}"),
            Self::Conflict => f.write_str("the record was changed by someone else"),
            Self::TooLarge(why) => write!(f, "too large: {why}"),
            Self::Unavailable(why) => write!(f, "unavailable: {why}"),
        }
    }
}

impl std::error::Error for HostError {}

impl From<types::HostError> for HostError {
    fn from(error: types::HostError) -> Self {
        match error {
            types::HostError::Denied(why) => Self::Denied(why),
            types::HostError::NotFound => Self::NotFound,
            types::HostError::Invalid(why) => Self::Invalid(why),
            types::HostError::Conflict => Self::Conflict,
            types::HostError::TooLarge(why) => Self::TooLarge(why),
            types::HostError::Unavailable(why) => Self::Unavailable(why),
        }
    }
}

/// Outside WebAssembly (a section's unit tests on the host) there is no Portico to ask: every import
/// answers `Unavailable` there instead of reaching the bindings, which only work in a component.
fn host() -> Result<(), HostError> {
    if cfg!(target_family = "wasm") {
        Ok(())
    } else {
        Err(HostError::Unavailable(
            "no Portico host outside WebAssembly".into(),
        ))
    }
}

fn to_json(value: &impl Serialize) -> Result<String, HostError> {
    serde_json::to_string(value).map_err(|e| HostError::Invalid(e.to_string()))
}

/// Capability `records`: records read and written as the calling user.
pub mod records {
    use super::*;

    /// One record of `object` by id.
    pub fn get(object: &str, id: &str) -> Result<Record, HostError> {
        host()?;
        Ok(wit::records::get(object, id)?.into())
    }

    /// Records of `object` whose fields equal those in `filter` (a JSON object), at most `limit`.
    pub fn query(
        object: &str,
        filter: &impl Serialize,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<Record>, HostError> {
        host()?;
        let query = wit::records::RecordQuery {
            object: object.to_owned(),
            filter: to_json(filter)?,
            limit,
            offset,
        };
        Ok(wit::records::query(&query)?
            .into_iter()
            .map(Record::from)
            .collect())
    }

    /// Creates a record of `object` from field values.
    pub fn create(object: &str, fields: &impl Serialize) -> Result<Record, HostError> {
        host()?;
        Ok(wit::records::create(object, &to_json(fields)?)?.into())
    }

    /// Merges `changes` into `record`, failing with [`HostError::Conflict`] if it changed since.
    pub fn update(record: &Record, changes: &impl Serialize) -> Result<Record, HostError> {
        host()?;
        let changes = to_json(changes)?;
        Ok(wit::records::update(&record.object, &record.id, record.version, &changes)?.into())
    }
}

/// Capability `email`: templated e-mail, delivered through the tenant's outbox.
pub mod email {
    use super::*;

    /// Sends the tenant's template `template` to `recipient`, rendered with `data`.
    pub fn send(template: &str, recipient: &str, data: &impl Serialize) -> Result<(), HostError> {
        host()?;
        Ok(wit::email::send_email(
            template,
            recipient,
            &to_json(data)?,
        )?)
    }
}

/// Capability `settings`: the section's settings, set by the tenant admin.
pub mod settings {
    use super::*;

    /// All settings parsed into the section's own type.
    pub fn read<T: DeserializeOwned>() -> Result<T, HostError> {
        host()?;
        let text = wit::settings::read()?;
        serde_json::from_str(&text).map_err(|e| HostError::Invalid(e.to_string()))
    }
}

/// Capability `log`: lines in the platform's log, labelled with tenant, section and version.
pub mod log {
    use super::*;
    use wit::log::Level;

    pub fn debug(message: &str) -> Result<(), HostError> {
        host()?;
        Ok(wit::log::write(Level::Debug, message)?)
    }

    pub fn info(message: &str) -> Result<(), HostError> {
        host()?;
        Ok(wit::log::write(Level::Info, message)?)
    }

    pub fn warn(message: &str) -> Result<(), HostError> {
        host()?;
        Ok(wit::log::write(Level::Warn, message)?)
    }

    pub fn error(message: &str) -> Result<(), HostError> {
        host()?;
        Ok(wit::log::write(Level::Error, message)?)
    }
}

impl From<types::RecordData> for Record {
    fn from(r: types::RecordData) -> Self {
        Record::from_parts(r.id, r.object, r.number, r.version, r.status, r.data)
    }
}
