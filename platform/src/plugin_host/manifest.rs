//! What a custom section's manifest adds to the object schema: its interface version, capabilities,
//! icon, statuses, actions, approvals, layouts and lists. The JSON Schema has already checked the
//! shapes (via `records::manifest::parse`); this checks what a schema cannot: that every code named
//! refers to something declared. Every problem is reported at once with its JSON pointer.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::Capability;
use crate::records::manifest::{self as records_manifest, ManifestProblem};

/// Fields every record has besides its own, usable in layouts and lists.
const SYSTEM_FIELDS: &[&str] = &[
    "number",
    "status",
    "owner",
    "created_by",
    "created_at",
    "modified_by",
    "modified_at",
];

/// The parts of a section manifest the plugin host reads.
#[derive(Debug, Clone, Deserialize)]
pub struct PluginManifest {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub interface: Option<String>,
    #[serde(default)]
    pub icon: Option<String>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    pub objects: Vec<ObjectView>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObjectView {
    pub code: String,
    pub fields: Map<String, Value>,
    #[serde(default)]
    pub statuses: Vec<Status>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub approvals: Option<Approvals>,
    #[serde(default)]
    pub details: Vec<Detail>,
    #[serde(default)]
    pub layouts: Layouts,
    #[serde(default)]
    pub list: Option<List>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    pub code: String,
    #[serde(default)]
    pub initial: bool,
    #[serde(default)]
    pub transitions: Vec<String>,
    #[serde(default)]
    pub editable: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Action {
    pub code: String,
    #[serde(default)]
    pub statuses: Vec<String>,
    #[serde(default)]
    pub to_status: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Approvals {
    pub enabled: bool,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub approvers: Vec<Approver>,
    #[serde(default)]
    pub approved_status: Option<String>,
    #[serde(default)]
    pub rejected_status: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Approver {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Detail {
    pub object: String,
    pub field: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Layouts {
    #[serde(default)]
    pub portal: Option<Layout>,
    #[serde(default)]
    pub console: Option<Layout>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Layout {
    pub sections: Vec<LayoutSection>,
    #[serde(default)]
    pub details: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LayoutSection {
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct List {
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub filters: Vec<String>,
    #[serde(default)]
    pub sort: Option<Sort>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Sort {
    pub field: String,
}

impl PluginManifest {
    /// Requested capabilities (unknown names cannot pass the schema).
    pub fn capabilities(&self) -> impl Iterator<Item = Capability> + '_ {
        self.capabilities
            .iter()
            .filter_map(|c| Capability::parse(c))
    }
}

/// Checks a custom section's manifest: the object schema first, then everything below.
pub fn check(
    manifest: &Value,
    known_objects: &BTreeSet<String>,
) -> Result<PluginManifest, Vec<ManifestProblem>> {
    // Schema problems do not stop the checks below when the manifest still reads: the developer
    // gets every problem in one go.
    let schema = records_manifest::parse(manifest, known_objects).err();
    let parsed: PluginManifest = match serde_json::from_value(manifest.clone()) {
        Ok(parsed) => parsed,
        Err(_) if schema.is_some() => return Err(schema.unwrap_or_default()),
        Err(e) => {
            return Err(vec![ManifestProblem {
                pointer: String::new(),
                message: e.to_string(),
            }]);
        }
    };
    let mut problems = Problems(schema.unwrap_or_default());
    for (name, present) in [
        ("interface", parsed.interface.is_some()),
        ("version", parsed.version.is_some()),
    ] {
        if !present {
            problems.add(
                String::new(),
                crate::tr!("console-manifest-needs", name = name),
            );
        }
    }
    let own: BTreeSet<&str> = parsed.objects.iter().map(|o| o.code.as_str()).collect();
    for (i, object) in parsed.objects.iter().enumerate() {
        check_object(&mut problems, &format!("/objects/{i}"), object, |code| {
            own.contains(code) || known_objects.contains(code)
        });
    }
    problems.into_result(parsed)
}

#[derive(Default)]
struct Problems(Vec<ManifestProblem>);

impl Problems {
    fn add(&mut self, pointer: String, message: String) {
        self.0.push(ManifestProblem { pointer, message });
    }

    /// Reports each of `codes` (at `pointer/index`) that `known` does not accept, with `what` it
    /// should have been (`"nowhere" is not a status of this object`).
    fn unknown<'a>(
        &mut self,
        pointer: &str,
        codes: impl IntoIterator<Item = &'a String>,
        what: fn(&str) -> String,
        known: impl Fn(&str) -> bool,
    ) {
        for (index, code) in codes.into_iter().enumerate() {
            if !known(code) {
                self.add(format!("{pointer}/{index}"), what(code));
            }
        }
    }

    fn unknown_one(&mut self, pointer: String, code: &str, what: fn(&str) -> String, known: bool) {
        if !known {
            self.add(pointer, what(code));
        }
    }

    fn into_result<T>(self, value: T) -> Result<T, Vec<ManifestProblem>> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.0)
        }
    }
}

fn check_object(
    problems: &mut Problems,
    at: &str,
    object: &ObjectView,
    object_exists: impl Fn(&str) -> bool,
) {
    let statuses: BTreeSet<&str> = object.statuses.iter().map(|s| s.code.as_str()).collect();
    let is_status = |code: &str| statuses.contains(code);
    let is_field = |code: &str| object.fields.contains_key(code) || SYSTEM_FIELDS.contains(&code);
    const STATUS: fn(&str) -> String = not_a_status;
    const FIELD: fn(&str) -> String = not_a_field;

    let mut seen = BTreeSet::new();
    for (j, status) in object.statuses.iter().enumerate() {
        if !seen.insert(&status.code) {
            problems.add(
                format!("{at}/statuses/{j}/code"),
                crate::tr!("console-manifest-declared-twice"),
            );
        }
        problems.unknown(
            &format!("{at}/statuses/{j}/transitions"),
            &status.transitions,
            STATUS,
            is_status,
        );
        problems.unknown(
            &format!("{at}/statuses/{j}/editable"),
            &status.editable,
            FIELD,
            is_field,
        );
    }
    if object.statuses.iter().filter(|s| s.initial).count() > 1 {
        problems.add(
            format!("{at}/statuses"),
            crate::tr!("console-manifest-one-initial"),
        );
    }
    let mut seen = BTreeSet::new();
    for (j, action) in object.actions.iter().enumerate() {
        if !seen.insert(&action.code) {
            problems.add(
                format!("{at}/actions/{j}/code"),
                crate::tr!("console-manifest-declared-twice"),
            );
        }
        problems.unknown(
            &format!("{at}/actions/{j}/statuses"),
            &action.statuses,
            STATUS,
            is_status,
        );
        if let Some(to) = &action.to_status {
            problems.unknown_one(
                format!("{at}/actions/{j}/to_status"),
                to,
                STATUS,
                is_status(to),
            );
        }
    }
    if let Some(approvals) = &object.approvals {
        for (name, code) in [
            ("status", &approvals.status),
            ("approved_status", &approvals.approved_status),
            ("rejected_status", &approvals.rejected_status),
        ] {
            if let Some(code) = code {
                problems.unknown_one(
                    format!("{at}/approvals/{name}"),
                    code,
                    STATUS,
                    is_status(code),
                );
            }
        }
        for (j, approver) in approvals.approvers.iter().enumerate() {
            if let Some(field) = &approver.field {
                let reference = object
                    .fields
                    .get(field)
                    .is_some_and(|f| f.get("x-reference").is_some());
                problems.unknown_one(
                    format!("{at}/approvals/approvers/{j}/field"),
                    field,
                    not_a_reference_field,
                    reference,
                );
            }
        }
    }
    for (j, detail) in object.details.iter().enumerate() {
        problems.unknown_one(
            format!("{at}/details/{j}/object"),
            &detail.object,
            not_a_known_object,
            object_exists(&detail.object),
        );
    }
    let details: BTreeSet<&str> = object.details.iter().map(|d| d.object.as_str()).collect();
    for (name, layout) in [
        ("portal", &object.layouts.portal),
        ("console", &object.layouts.console),
    ] {
        let Some(layout) = layout else { continue };
        for (j, section) in layout.sections.iter().enumerate() {
            problems.unknown(
                &format!("{at}/layouts/{name}/sections/{j}/fields"),
                &section.fields,
                FIELD,
                is_field,
            );
        }
        problems.unknown(
            &format!("{at}/layouts/{name}/details"),
            &layout.details,
            not_a_detail,
            |code| details.contains(code),
        );
    }
    if let Some(list) = &object.list {
        problems.unknown(
            &format!("{at}/list/columns"),
            &list.columns,
            FIELD,
            is_field,
        );
        problems.unknown(
            &format!("{at}/list/filters"),
            &list.filters,
            FIELD,
            is_field,
        );
        if let Some(sort) = &list.sort {
            problems.unknown_one(
                format!("{at}/list/sort/field"),
                &sort.field,
                FIELD,
                is_field(&sort.field),
            );
        }
    }
}

fn not_a_status(code: &str) -> String {
    crate::tr!("console-manifest-not-a-status", code = code)
}

fn not_a_field(code: &str) -> String {
    crate::tr!("console-manifest-not-a-field", code = code)
}

fn not_a_reference_field(code: &str) -> String {
    crate::tr!("console-manifest-not-a-reference-field", code = code)
}

fn not_a_known_object(code: &str) -> String {
    crate::tr!("console-manifest-not-a-known-object", code = code)
}

fn not_a_detail(code: &str) -> String {
    crate::tr!("console-manifest-not-a-detail", code = code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn manifest(object: Value) -> Value {
        json!({
            "code": "leave", "title": "Leave", "version": "1.0.0",
            "interface": "portico:section@1.0.0", "capabilities": ["records", "log"],
            "objects": [object]
        })
    }

    #[test]
    fn every_dangling_code_is_reported_with_its_pointer() {
        let manifest = manifest(json!({
            "code": "leave_request", "title": "Leave request", "plural": "Leave requests",
            "fields": { "days": { "title": "Days", "type": "integer" },
                        "manager": { "title": "Manager", "type": "string" } },
            "statuses": [
                { "code": "draft", "title": "Draft", "initial": true, "transitions": ["submitted", "gone"] },
                { "code": "submitted", "title": "Submitted", "initial": true }
            ],
            "actions": [{ "code": "approve", "label": "Approve", "statuses": ["nowhere"], "to_status": "done" }],
            "approvals": { "enabled": true, "status": "submitted", "approvers": [{ "field": "manager" }],
                           "approved_status": "submitted", "rejected_status": "draft" },
            "details": [{ "object": "ghost", "field": "parent" }],
            "layouts": { "portal": { "sections": [{ "fields": ["days", "colour"] }], "details": ["lines"] } },
            "list": { "columns": ["number", "days", "size"], "sort": { "field": "height" } }
        }));
        let problems = check(&manifest, &BTreeSet::new()).unwrap_err();
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/objects/0/statuses/0/transitions/1",
                "/objects/0/statuses",
                "/objects/0/actions/0/statuses/0",
                "/objects/0/actions/0/to_status",
                "/objects/0/approvals/approvers/0/field",
                "/objects/0/details/0/object",
                "/objects/0/layouts/portal/sections/0/fields/1",
                "/objects/0/layouts/portal/details/0",
                "/objects/0/list/columns/2",
                "/objects/0/list/sort/field",
            ],
            "{problems:#?}"
        );
    }

    #[test]
    fn schema_problems_come_with_the_others() {
        let mut manifest = manifest(json!({
            "code": "thing", "title": "Thing", "plural": "Things",
            "fields": { "name": { "title": "Name", "type": "string" } }
        }));
        manifest["capabilities"] = json!(["network"]);
        manifest["interface"] = json!("wasi:cli@0.2.0");
        manifest["objects"][0]["list"] = json!({ "columns": ["colour"] });
        let problems = check(&manifest, &BTreeSet::new()).unwrap_err();
        let pointers: BTreeSet<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            BTreeSet::from(["/capabilities/0", "/interface", "/objects/0/list/columns/0"])
        );
    }

    #[test]
    fn custom_sections_name_their_interface_and_version() {
        let mut manifest = manifest(json!({
            "code": "thing", "title": "Thing", "plural": "Things",
            "fields": { "name": { "title": "Name", "type": "string" } }
        }));
        let object = manifest.as_object_mut().unwrap();
        object.remove("interface");
        object.remove("version");
        let problems = check(&manifest, &BTreeSet::new()).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.contains("interface"));
    }
}
