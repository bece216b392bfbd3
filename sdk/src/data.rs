//! What hooks receive and return: records with typed metadata and JSON fields, the call context,
//! issues and outcomes. Field values are parsed lazily, with serde, into the section's own types.

use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Map, Value};

/// Field values by field code: what a record's `data` holds.
pub type Fields = Map<String, Value>;

/// Who is calling and when. `now` is the only clock a section has (RFC 3339, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub tenant: String,
    pub user: String,
    pub user_name: String,
    pub language: String,
    pub now: String,
}

/// A record: system metadata plus its field values, kept as the JSON text the host sent until a
/// hook asks for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Record id; empty before the first save.
    pub id: String,
    pub object: String,
    pub number: Option<String>,
    pub version: i64,
    pub status: Option<String>,
    data: String,
}

impl Record {
    /// Builds a record, e.g. for a hook's unit tests. `data` must serialize to a JSON object.
    pub fn new(object: &str, data: &impl Serialize) -> Result<Self, serde_json::Error> {
        Ok(Self {
            id: String::new(),
            object: object.to_owned(),
            number: None,
            version: 0,
            status: None,
            data: serde_json::to_string(data)?,
        })
    }

    /// Sets the status (builder style, for tests).
    #[must_use]
    pub fn with_status(mut self, status: &str) -> Self {
        self.status = Some(status.to_owned());
        self
    }

    /// The field values parsed into the section's own type.
    pub fn fields<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.data)
    }

    /// One field's value; `None` when it is absent, null or not of type `T`.
    pub fn field<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let mut fields: Fields = serde_json::from_str(&self.data).ok()?;
        serde_json::from_value(fields.remove(name)?).ok()
    }

    /// The field values as the JSON text the host sent.
    pub fn data_json(&self) -> &str {
        &self.data
    }

    pub(crate) fn from_parts(
        id: String,
        object: String,
        number: Option<String>,
        version: i64,
        status: Option<String>,
        data: String,
    ) -> Self {
        Self {
            id,
            object,
            number,
            version,
            status,
            data,
        }
    }
}

/// One problem with a record; `field` is empty for the record as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub field: String,
    pub message: String,
}

impl Issue {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn record(message: impl Into<String>) -> Self {
        Self::field("", message)
    }
}

/// Why a hook refused (the user can fix it) or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookError {
    Invalid(Vec<Issue>),
    Failed(String),
}

impl From<Issue> for HookError {
    fn from(issue: Issue) -> Self {
        Self::Invalid(vec![issue])
    }
}

impl From<crate::HostError> for HookError {
    fn from(error: crate::HostError) -> Self {
        Self::Failed(error.to_string())
    }
}

/// What an action did: a status to move to, field changes, a message for the user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionOutcome {
    pub status: Option<String>,
    pub changes: Option<Fields>,
    pub message: Option<String>,
}

impl ActionOutcome {
    /// Moves the record to `status`.
    pub fn to_status(status: &str) -> Self {
        Self {
            status: Some(status.to_owned()),
            ..Self::default()
        }
    }

    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    #[must_use]
    pub fn with_change(mut self, field: &str, value: impl Into<Value>) -> Self {
        self.changes
            .get_or_insert_with(Map::new)
            .insert(field.to_owned(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, PartialEq, Debug)]
    struct Leave {
        days: u32,
    }

    #[test]
    fn fields_parse_into_the_sections_types() {
        let record = Record::new("leave", &json!({ "days": 3, "note": "x" })).unwrap();
        assert_eq!(record.fields::<Leave>().unwrap(), Leave { days: 3 });
        assert_eq!(record.field::<u32>("days"), Some(3));
        assert_eq!(record.field::<u32>("note"), None);
        assert_eq!(record.field::<u32>("absent"), None);
    }

    #[test]
    fn outcomes_collect_changes() {
        let outcome = ActionOutcome::to_status("approved")
            .with_change("approved_by", "u1")
            .with_message("Approved.");
        assert_eq!(outcome.status.as_deref(), Some("approved"));
        assert_eq!(outcome.changes.unwrap()["approved_by"], "u1");
    }
}
