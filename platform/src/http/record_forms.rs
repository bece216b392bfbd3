//! HTML forms for any object's records, built from its manifest: which input each field gets
//! (text, textarea, select, checkbox, date, money, a picker for references...), how the
//! manifest's layout groups them, and how a submitted form becomes JSON field data. Hidden
//! columns are left out; read-only ones (by column permission, set by the section, or the status,
//! which moves only through actions) are shown on the record page and never submitted.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    error::{Error, FieldErrors, Result},
    records::{Columns, Field, FieldKind, LayoutManifest, ObjectType},
};

/// Where the typed title of a reference goes when no record was picked from the list (a form
/// sent without JavaScript, or text typed and not picked): `manager__title`.
pub fn title_input(field: &str) -> String {
    format!("{field}__title")
}

/// One field as a form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    pub name: String,
    pub title: String,
    /// `text`, `textarea`, `markdown` (a textarea with a preview), `select`, `checkbox`, `number`,
    /// `money`, `date`, `datetime`, `email`, `url`, `reference`, `file`.
    pub widget: &'static str,
    /// The value as the input holds it (for a reference, the record's id).
    pub value: String,
    /// The value as a reader sees it: a title, a date, an amount in its currency.
    pub shown: String,
    /// Fixed values: each stored value and how the reader sees it.
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub read_only: bool,
    /// For a reference: the object it points to, and the records to choose from (id, title)
    /// when there are few enough to list; otherwise the form offers a searchable picker.
    pub reference: Option<String>,
    pub choices: Vec<(String, String)>,
    pub max_length: Option<u64>,
    pub currency: Option<String>,
    /// Why the submitted value was refused.
    pub errors: Vec<String>,
}

/// A titled group of fields in one or two columns, as the manifest's layout says.
#[derive(Debug, Clone, Serialize)]
pub struct FormGroup {
    pub title: Option<String>,
    pub columns: u8,
    pub fields: Vec<FormField>,
}

/// A refused form's messages for the summary at its top, each linking to its field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Problems {
    /// Why the whole form was refused (a conflict, a missing right), if not one field.
    pub message: Option<String>,
    /// (field name, field title, message) in the form's order.
    pub fields: Vec<(String, String, String)>,
}

fn widget(field: &Field) -> &'static str {
    let schema = &field.schema;
    if field.is_file() {
        return "file";
    }
    if schema.get("enum").is_some() {
        return "select";
    }
    if field.reference.is_some() {
        return "reference";
    }
    match field.kind() {
        FieldKind::Boolean => "checkbox",
        FieldKind::Number if field.currency().is_some() => "money",
        FieldKind::Number => "number",
        FieldKind::Text => match schema.get("format").and_then(Value::as_str) {
            Some("date") => "date",
            Some("date-time") => "datetime",
            Some("email") => "email",
            Some("uri") => "url",
            _ if schema.get("contentMediaType").and_then(Value::as_str)
                == Some("text/markdown") =>
            {
                "markdown"
            }
            _ => match schema.get("maxLength").and_then(Value::as_u64) {
                Some(n) if n <= 500 => "text",
                _ => "textarea",
            },
        },
    }
}

/// A stored value as a list's cell reads it (money with its currency, statuses and choices by
/// their titles, times as the reader's); `None` for references, which lists name by title.
pub fn cell(object: &ObjectType, name: &str, value: &Value) -> Option<String> {
    let field = object.fields.iter().find(|f| f.name == name)?;
    let widget = widget(field);
    (!matches!(widget, "reference" | "file")).then(|| shown(object, field, widget, value))
}

/// How a stored value reads on the page.
fn shown(object: &ObjectType, field: &Field, widget: &str, value: &Value) -> String {
    let locale = crate::i18n::current();
    match (widget, value) {
        (_, Value::Null) => String::new(),
        ("money", Value::Number(n)) => locale.money(
            n.as_f64().unwrap_or_default(),
            field.currency().unwrap_or(""),
        ),
        ("number", Value::Number(n)) if n.is_f64() => {
            locale.number(n.as_f64().unwrap_or_default(), 2)
        }
        ("number", Value::Number(n)) => locale.number(n.as_f64().unwrap_or_default(), 0),
        ("datetime", Value::String(s)) => super::views::when(s),
        ("date", Value::String(s)) => super::views::day(s),
        ("select", Value::String(s)) => match object.statuses.iter().find(|st| &st.code == s) {
            Some(status) if field.name == "status" => object.status_shown(status),
            _ => crate::i18n::value_label(object.code.as_str(), &field.name, s),
        },
        ("checkbox", Value::Bool(true)) => crate::tr!("common-yes"),
        ("checkbox", Value::Bool(false)) => crate::tr!("common-no"),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// The form of `object` for `data` (empty for a new record), every visible field in order.
pub fn fields(object: &ObjectType, columns: &Columns, data: &Map<String, Value>) -> Vec<FormField> {
    let has_statuses = !object.statuses.is_empty();
    object
        .fields
        .iter()
        .filter(|f| columns.visible(&f.name))
        .map(|f| {
            let widget = widget(f);
            let stored = data.get(&f.name).unwrap_or(&Value::Null);
            let value = match stored {
                Value::Null => String::new(),
                Value::String(s) if widget == "datetime" => s.get(..16).unwrap_or(s).to_owned(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            FormField {
                name: f.name.clone(),
                title: object.field_title_shown(f),
                widget,
                shown: shown(object, f, widget, stored),
                value,
                options: f
                    .schema
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|o| {
                        o.iter()
                            .filter_map(Value::as_str)
                            .map(|v| {
                                let label =
                                    crate::i18n::value_label(object.code.as_str(), &f.name, v);
                                (v.to_owned(), label)
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                required: object.required.contains(&f.name),
                // The status moves only through the record's actions.
                read_only: !columns.writable(&f.name) || (has_statuses && f.name == "status"),
                reference: f.reference.as_ref().map(ToString::to_string),
                choices: Vec::new(),
                max_length: f.schema.get("maxLength").and_then(Value::as_u64),
                currency: f.currency().map(str::to_owned),
                errors: Vec::new(),
            }
        })
        .collect()
}

/// What a new record's form starts with: each field's `default` from the manifest.
pub fn defaults(object: &ObjectType) -> Map<String, Value> {
    object
        .fields
        .iter()
        .filter_map(|f| Some((f.name.clone(), f.schema.get("default")?.clone())))
        .collect()
}

/// Shows what the user typed in a refused form again (nothing they typed is lost), with each
/// field's messages beside it; returns the summary for the top of the form.
pub fn refill(
    fields: &mut [FormField],
    form: &BTreeMap<String, String>,
    error: &Error,
) -> Problems {
    for field in fields.iter_mut().filter(|f| !f.read_only) {
        field.value = match field.widget {
            "checkbox" => {
                if form.get(&field.name).is_some_and(|v| !v.is_empty()) {
                    "true".into()
                } else {
                    "false".into()
                }
            }
            // A browser cannot put a chosen file back: the stored one stays shown.
            "file" => std::mem::take(&mut field.value),
            _ => form.get(&field.name).cloned().unwrap_or_default(),
        };
        if field.widget == "reference" {
            field.shown = form
                .get(&title_input(&field.name))
                .cloned()
                .unwrap_or_default();
        }
    }
    let mut problems = Problems::default();
    match error {
        Error::Invalid {
            fields: messages, ..
        } => {
            let mut unplaced = Vec::new();
            for (name, texts) in messages {
                match fields.iter_mut().find(|f| &f.name == name) {
                    Some(field) => field.errors.extend(texts.iter().cloned()),
                    None => unplaced.extend(texts.iter().cloned()),
                }
            }
            for field in fields.iter().filter(|f| !f.errors.is_empty()) {
                for text in &field.errors {
                    problems
                        .fields
                        .push((field.name.clone(), field.title.clone(), text.clone()));
                }
            }
            if !unplaced.is_empty() {
                problems.message = Some(unplaced.join(" "));
            }
        }
        other => problems.message = Some(other.to_string()),
    }
    problems
}

/// Arranges `fields` as the manifest's layout for this surface says. Fields the layout leaves out follow in a last
/// group, so no field a record needs is ever unreachable. A new record's form leaves out what
/// the user cannot write; a record page leaves out read-only fields that are still empty.
pub fn arrange(
    layout: Option<&LayoutManifest>,
    fields: Vec<FormField>,
    new: bool,
) -> Vec<FormGroup> {
    let mut remaining: Vec<FormField> = fields
        .into_iter()
        .filter(|f| !f.read_only || (!new && !f.shown.is_empty()))
        .collect();
    let mut groups = Vec::new();
    for section in layout.iter().flat_map(|l| l.sections.iter()) {
        let mut placed = Vec::new();
        for name in &section.fields {
            if let Some(at) = remaining.iter().position(|f| &f.name == name) {
                placed.push(remaining.remove(at));
            }
        }
        if !placed.is_empty() {
            groups.push(FormGroup {
                title: section.title.clone(),
                columns: section.columns.clamp(1, 2),
                fields: placed,
            });
        }
    }
    if !remaining.is_empty() {
        groups.push(FormGroup {
            title: (!groups.is_empty()).then(|| crate::tr!("records-other-fields")),
            columns: 1,
            fields: remaining,
        });
    }
    groups
}

/// The checkbox that asks to remove a file field's file.
fn remove_input(field: &str) -> String {
    format!("{field}__remove")
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
    let has_statuses = !object.statuses.is_empty();
    for field in object.fields.iter().filter(|f| {
        columns.visible(&f.name)
            && columns.writable(&f.name)
            && !(has_statuses && f.name == "status")
    }) {
        let widget = widget(field);
        let raw = form.get(&field.name).map(|v| v.trim());
        let value = match (widget, raw) {
            // A file comes as an upload of its own; the form only asks to remove the stored one.
            ("file", _) if form.contains_key(&remove_input(&field.name)) => Value::Null,
            ("file", _) => continue,
            ("checkbox", raw) => Value::Bool(raw.is_some_and(|v| !v.is_empty())),
            (_, None | Some("")) => Value::Null,
            ("number" | "money", Some(raw)) => {
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
                            .push(if integer {
                                crate::tr!("records-must-be-whole-number")
                            } else {
                                crate::tr!("records-must-be-number")
                            });
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
