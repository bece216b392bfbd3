//! HTML forms for any object's records, generated from its fields: what each field looks like
//! (input, textarea, select, checkbox, date...), and how a submitted form becomes JSON field data.
//! Hidden columns are left out; read-only ones are shown but not submitted.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    error::{Error, FieldErrors, Result},
    records::{Columns, Field, FieldKind, ObjectType},
};

/// One field as a form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub name: String,
    pub title: String,
    /// `text`, `textarea`, `select`, `checkbox`, `number`, `date`, `datetime`, `email`, `url`.
    pub widget: &'static str,
    /// The value as the input shows it.
    pub value: String,
    /// Fixed values: each stored value and how the reader sees it.
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub read_only: bool,
    /// For a reference: the object it points to, and the records to choose from (id, title)
    /// when there are few enough to list.
    pub reference: Option<String>,
    pub choices: Vec<(String, String)>,
    pub max_length: Option<u64>,
}

fn widget(field: &Field) -> &'static str {
    let schema = &field.schema;
    if schema.get("enum").is_some() {
        return "select";
    }
    match field.kind() {
        FieldKind::Boolean => "checkbox",
        FieldKind::Number => "number",
        FieldKind::Text => match schema.get("format").and_then(Value::as_str) {
            Some("date") => "date",
            Some("date-time") => "datetime",
            Some("email") => "email",
            Some("uri") => "url",
            _ if field.reference.is_some() => "text",
            _ => match schema.get("maxLength").and_then(Value::as_u64) {
                Some(n) if n <= 500 => "text",
                _ => "textarea",
            },
        },
    }
}

/// The form of `object` for `data` (empty for a new record).
pub fn fields(object: &ObjectType, columns: &Columns, data: &Map<String, Value>) -> Vec<FormField> {
    object
        .fields
        .iter()
        .filter(|f| columns.visible(&f.name))
        .map(|f| {
            let widget = widget(f);
            let value = match data.get(&f.name) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) if widget == "datetime" => {
                    s.get(..16).unwrap_or(s).to_owned()
                }
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            };
            FormField {
                name: f.name.clone(),
                title: object.field_title_shown(f),
                widget,
                value,
                options: f
                    .schema
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|o| {
                        o.iter()
                            .filter_map(Value::as_str)
                            .map(|v| {
                                let shown =
                                    crate::i18n::value_label(object.code.as_str(), &f.name, v);
                                (v.to_owned(), shown)
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                required: object.required.contains(&f.name),
                read_only: !columns.writable(&f.name),
                reference: f.reference.as_ref().map(ToString::to_string),
                choices: Vec::new(),
                max_length: f.schema.get("maxLength").and_then(Value::as_u64),
            }
        })
        .collect()
}

/// Turns a submitted form into field data. Only writable fields are read; an empty input clears
/// the field (`null`), so the result is also a merge patch for an update. Values that cannot be
/// what the field needs are reported per field.
pub fn parse(
    object: &ObjectType,
    columns: &Columns,
    form: &BTreeMap<String, String>,
) -> Result<Map<String, Value>> {
    let mut data = Map::new();
    let mut errors = FieldErrors::new();
    for field in object
        .fields
        .iter()
        .filter(|f| columns.visible(&f.name) && columns.writable(&f.name))
    {
        let widget = widget(field);
        let raw = form.get(&field.name).map(|v| v.trim());
        let value = match (widget, raw) {
            ("checkbox", raw) => Value::Bool(raw.is_some_and(|v| !v.is_empty())),
            (_, None | Some("")) => Value::Null,
            ("number", Some(raw)) => {
                let integer = field.schema.get("type").and_then(Value::as_str) == Some("integer");
                let parsed = if integer {
                    raw.parse::<i64>().ok().map(Value::from)
                } else {
                    raw.parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                };
                match parsed {
                    Some(v) => v,
                    None => {
                        errors
                            .entry(field.name.clone())
                            .or_default()
                            .push(crate::tr!("records-must-be-number"));
                        continue;
                    }
                }
            }
            // A browser's datetime-local has no zone; the platform's times are UTC.
            ("datetime", Some(raw)) => Value::String(if raw.len() == 16 {
                format!("{raw}:00Z")
            } else {
                raw.to_owned()
            }),
            (_, Some(raw)) => Value::String(raw.to_owned()),
        };
        data.insert(field.name.clone(), value);
    }
    if errors.is_empty() {
        Ok(data)
    } else {
        Err(Error::invalid_fields(errors))
    }
}

/// For a new record: drop empty fields instead of sending `null`s.
pub fn without_nulls(mut data: Map<String, Value>) -> Map<String, Value> {
    data.retain(|_, v| !v.is_null());
    data
}
