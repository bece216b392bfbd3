//! What of a record an actor may see and change (gate 4 applied): hidden columns vanish from
//! output, filters and sorting; writes to hidden or read-only columns are refused by name.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{ObjectType, Record};
use crate::{
    access::{self, Actor, ColumnAccess},
    error::{Error, Result},
};

/// The system columns every object has, which column permissions may also restrict.
pub const SYSTEM_FIELDS: [&str; 7] = [
    "number",
    "owner",
    "organization",
    "created_by",
    "created_at",
    "modified_by",
    "modified_at",
];

/// An actor's column access on one object, worked out once per request.
#[derive(Debug, Clone)]
pub struct Columns {
    hidden: BTreeSet<String>,
    read_only: BTreeSet<String>,
    /// Fields people may not change in the status of the record at hand, and that status.
    locked: BTreeSet<String>,
    status: Option<String>,
}

impl Columns {
    pub fn of(actor: &Actor, object: &ObjectType) -> Self {
        let mut hidden = BTreeSet::new();
        let mut read_only = BTreeSet::new();
        let names = object
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .chain(SYSTEM_FIELDS);
        // Fields the section sets itself are never written by people, whatever their rights.
        read_only.extend(
            object
                .fields
                .iter()
                .filter(|f| f.read_only())
                .map(|f| f.name.clone()),
        );
        for name in names {
            match access::column(actor, object, name) {
                ColumnAccess::Hidden => {
                    hidden.insert(name.to_owned());
                }
                ColumnAccess::ReadOnly => {
                    read_only.insert(name.to_owned());
                }
                ColumnAccess::Editable => {}
            }
        }
        Self {
            hidden,
            read_only,
            locked: BTreeSet::new(),
            status: None,
        }
    }

    /// These columns for a record with `data`: the fields its object's manifest does not let
    /// people change in the record's status become read-only.
    pub fn in_status(&self, object: &ObjectType, data: &Map<String, Value>) -> Self {
        let mut columns = self.clone();
        if let Some(status) = object.status_of(data) {
            columns.locked = object
                .fields
                .iter()
                .filter(|f| !status.lets_edit(&f.name))
                .map(|f| f.name.clone())
                .collect();
            columns.status = Some(object.status_shown(status));
        }
        columns
    }

    /// The status that makes some fields read-only, when it does.
    pub fn locked_by(&self) -> Option<&str> {
        self.status.as_deref().filter(|_| !self.locked.is_empty())
    }

    pub fn visible(&self, field: &str) -> bool {
        !self.hidden.contains(field)
    }

    pub fn writable(&self, field: &str) -> bool {
        !self.hidden.contains(field)
            && !self.read_only.contains(field)
            && !self.locked.contains(field)
    }

    /// Refuses a write touching a column the actor may not change, naming the column.
    pub fn check_writes<'a>(
        &self,
        object: &ObjectType,
        fields: impl IntoIterator<Item = &'a String>,
    ) -> Result<()> {
        for field in fields {
            let title = || {
                object
                    .field(field)
                    .map_or_else(|| field.clone(), |f| object.field_title_shown(f))
            };
            if self.hidden.contains(field) || self.read_only.contains(field) {
                return Err(Error::Forbidden(crate::tr!(
                    "records-column-not-writable",
                    title = title(),
                    field = field
                )));
            }
            if let Some(status) = self.status.as_ref().filter(|_| self.locked.contains(field)) {
                return Err(Error::Forbidden(crate::tr!(
                    "records-field-locked-in-status",
                    title = title(),
                    status = status
                )));
            }
        }
        Ok(())
    }

    /// Every column the actor may have a list of `object` show, in the object's order: its
    /// fields, then when records were created and last changed (the number is always shown).
    pub fn choosable(&self, object: &ObjectType) -> Vec<ListColumn> {
        let fields = object
            .fields
            .iter()
            .filter(|f| self.visible(&f.name))
            .map(|f| ListColumn {
                name: f.name.clone(),
                title: object.field_title_shown(f),
                system: false,
            });
        let system = [
            ("created_at", crate::tr!("records-created-on")),
            ("modified_at", crate::tr!("records-modified-on")),
        ]
        .into_iter()
        .filter(|(name, _)| self.visible(name))
        .map(|(name, title)| ListColumn::system(name, title));
        fields.chain(system).collect()
    }

    /// The columns `names` choose, in that order, of those the actor may see (others are
    /// dropped: a column hidden since it was chosen is not shown); the number first.
    pub fn chosen(&self, object: &ObjectType, names: &[String]) -> Vec<ListColumn> {
        let choosable = self.choosable(object);
        let mut shown = vec![ListColumn::system("number", crate::tr!("records-number"))];
        shown.extend(
            names
                .iter()
                .filter_map(|name| choosable.iter().find(|c| &c.name == name).cloned()),
        );
        shown
    }

    /// The columns a list of `object` shows unless its viewer chose others, of those the actor
    /// may see: the number and the manifest's list columns, or else the title field and four
    /// more fields, and when the record last changed. Exports show the same.
    pub fn listed(&self, object: &ObjectType) -> Vec<ListColumn> {
        const FIELDS: usize = 5;
        if !object.list_columns.is_empty() {
            return self.chosen(object, &object.list_columns);
        }
        let mut shown = vec![ListColumn::system("number", crate::tr!("records-number"))];
        let title = object.title_field.as_deref();
        let fields = title
            .and_then(|t| object.field(t))
            .into_iter()
            .chain(
                object
                    .fields
                    .iter()
                    .filter(|f| Some(f.name.as_str()) != title),
            )
            .filter(|f| self.visible(&f.name))
            .take(FIELDS);
        shown.extend(fields.map(|f| ListColumn {
            name: f.name.clone(),
            title: object.field_title_shown(f),
            system: false,
        }));
        if self.visible("modified_at") {
            shown.push(ListColumn::system(
                "modified_at",
                crate::tr!("records-modified-on"),
            ));
        }
        shown
    }

    /// The record as the actor may see it.
    pub fn render(&self, record: &Record) -> Value {
        self.render_owned(record.clone())
    }

    /// [`Columns::render`] of a record no longer needed otherwise: its fields move, uncopied.
    pub fn render_owned(&self, record: Record) -> Value {
        let mut data = record.data;
        data.retain(|k, _| self.visible(k));
        let mut out = json!({
            "id": record.id,
            "object": record.object,
            "version": record.version,
        });
        let system = [
            ("number", json!(record.number)),
            ("owner", json!(record.owner)),
            ("organization", json!(record.organization)),
            ("created_by", json!(record.created_by)),
            ("created_at", json!(record.created_at)),
            ("modified_by", json!(record.modified_by)),
            ("modified_at", json!(record.modified_at)),
        ];
        for (name, value) in system {
            if self.visible(name) {
                out[name] = value;
            }
        }
        out["data"] = Value::Object(data);
        out
    }
}

/// A column of a list (and of its export): a field of the object, or a system column.
#[derive(Debug, Clone, Serialize)]
pub struct ListColumn {
    pub name: String,
    pub title: String,
    pub system: bool,
}

impl ListColumn {
    fn system(name: &str, title: String) -> Self {
        Self {
            name: name.to_owned(),
            title,
            system: true,
        }
    }
}
