//! Section manifests: checked against `sdk/schema/section-manifest.schema.json`, then for what a
//! schema cannot say (required fields that exist, references to known objects). Every problem is
//! reported at once, each with the JSON pointer of the offending value.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::LazyLock,
};

use serde::Deserialize;
use serde_json::{Map, Value};

const SCHEMA_TEXT: &str = include_str!("../../../sdk/schema/section-manifest.schema.json");

static SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(SCHEMA_TEXT).expect("manifest schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("manifest schema is a valid JSON Schema")
});

/// One thing wrong with a manifest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManifestProblem {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for ManifestProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SectionManifest {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub configurations: Vec<String>,
    pub objects: Vec<ObjectManifest>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ObjectManifest {
    pub code: String,
    pub title: String,
    pub plural: String,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub title_field: Option<String>,
    pub fields: Map<String, Value>,
    #[serde(default)]
    pub required: Vec<String>,
    /// The permissions a tenant starts with for this object (see `access::defaults`).
    #[serde(default)]
    pub access: AccessDefaults,
    /// The stages a record goes through; moved by actions.
    #[serde(default)]
    pub statuses: Vec<StatusManifest>,
    #[serde(default)]
    pub actions: Vec<ActionManifest>,
    #[serde(default)]
    pub approvals: Option<ApprovalsManifest>,
    /// Chosen in other records' fields, not browsed on its own.
    #[serde(default)]
    pub lookup: bool,
    /// Child objects edited on this object's record page.
    #[serde(default)]
    pub details: Vec<DetailManifest>,
    #[serde(default)]
    pub layouts: LayoutsManifest,
    #[serde(default)]
    pub list: ListManifest,
}

/// How lists of an object look until their viewer chooses otherwise.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListManifest {
    /// The columns, in order (the record number always comes first).
    #[serde(default)]
    pub columns: Vec<String>,
}

/// A child object shown and edited on its parent's page (order lines of an order).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct DetailManifest {
    pub object: String,
    /// The child's reference field that points to the parent.
    pub field: String,
    #[serde(default)]
    pub title: Option<String>,
}

/// How record pages arrange the fields, per surface.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LayoutsManifest {
    #[serde(default)]
    pub portal: Option<LayoutManifest>,
    #[serde(default)]
    pub console: Option<LayoutManifest>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct LayoutManifest {
    pub sections: Vec<LayoutSection>,
    /// Which details appear, in order (all of them when absent).
    #[serde(default)]
    pub details: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct LayoutSection {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default = "one_column")]
    pub columns: u8,
    pub fields: Vec<String>,
}

fn one_column() -> u8 {
    1
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct StatusManifest {
    pub code: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub initial: bool,
    /// A record here is done (approved, rejected): no longer "open".
    #[serde(default, rename = "final")]
    pub is_final: bool,
    /// The statuses a record may move to from this one (empty: any).
    #[serde(default)]
    pub transitions: Vec<String>,
    /// The fields people may change while a record is in this status (all when absent; none
    /// in a final status, whatever this says). Actions change records in any status.
    #[serde(default)]
    pub editable: Option<Vec<String>>,
}

impl StatusManifest {
    /// Whether people may change `field` of a record in this status (their rights aside).
    pub fn lets_edit(&self, field: &str) -> bool {
        !self.is_final
            && self
                .editable
                .as_ref()
                .is_none_or(|fields| fields.iter().any(|f| f == field))
    }

    /// Whether people may change nothing of a record in this status, nor its details.
    pub fn locks_all(&self) -> bool {
        self.is_final || self.editable.as_ref().is_some_and(Vec::is_empty)
    }
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ActionManifest {
    pub code: String,
    pub label: String,
    /// The statuses it may be taken in (empty: any).
    #[serde(default)]
    pub statuses: Vec<String>,
    /// `approve`: only the record's approvers; otherwise the right to edit the record.
    #[serde(default)]
    pub permission: Option<String>,
    #[serde(default)]
    pub needs_comment: bool,
    #[serde(default)]
    pub to_status: Option<String>,
    /// Only employees, or only portal users, may take it (anyone with the permission when absent).
    #[serde(default)]
    pub by: Option<crate::access::Audience>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ApprovalsManifest {
    pub enabled: bool,
    /// The status in which a record awaits approval.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub approvers: Vec<ApproverManifest>,
    #[serde(default)]
    pub approved_status: Option<String>,
    #[serde(default)]
    pub rejected_status: Option<String>,
}

/// Who approves: the members of a role (by name), or the contact a field names.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct ApproverManifest {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
}

/// What an object grants by default, beyond employees' full rights.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessDefaults {
    /// On the list of objects available on the portal.
    #[serde(default)]
    pub portal: bool,
    /// Operations every external user holds.
    #[serde(default)]
    pub external: Vec<crate::access::Operation>,
    /// Operations the members of partner organizations hold (the "Partner portal users" role).
    #[serde(default)]
    pub partners: Vec<crate::access::Operation>,
    /// Default-rights rules.
    #[serde(default)]
    pub rules: Vec<RuleDefault>,
    /// Columns external users see read-only or not at all (column permissions of "All external
    /// users", which administrators may change like any other).
    #[serde(default)]
    pub external_columns: BTreeMap<String, crate::access::ColumnAccess>,
}

/// "Records created by `author` grant `level` to `grantee`" (`None`: the author's organization).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDefault {
    pub author: crate::access::Audience,
    #[serde(default, deserialize_with = "grantee_audience")]
    pub grantee: Option<crate::access::Audience>,
    pub level: crate::access::Level,
}

fn grantee_audience<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::access::Audience>, D::Error> {
    let text = String::deserialize(d)?;
    match text.as_str() {
        "author_organization" => Ok(None),
        other => crate::access::Audience::parse(other)
            .map(Some)
            .ok_or_else(|| {
                serde::de::Error::custom(crate::tr!(
                    "records-manifest-unknown-grantee",
                    grantee = format!("{other:?}")
                ))
            }),
    }
}

/// Parses and checks a manifest. `known_objects` are the objects already installed, which
/// `x-reference` may name besides the manifest's own.
pub fn parse(
    manifest: &Value,
    known_objects: &BTreeSet<String>,
) -> Result<SectionManifest, Vec<ManifestProblem>> {
    let mut problems: Vec<ManifestProblem> = SCHEMA
        .iter_errors(manifest)
        .map(|e| ManifestProblem {
            pointer: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let parsed: SectionManifest = serde_json::from_value(manifest.clone()).map_err(|e| {
        vec![ManifestProblem {
            pointer: String::new(),
            message: e.to_string(),
        }]
    })?;

    let own: BTreeSet<String> = parsed.objects.iter().map(|o| o.code.clone()).collect();
    let mut seen = BTreeSet::new();
    for (i, object) in parsed.objects.iter().enumerate() {
        let at = |rest: String| format!("/objects/{i}{rest}");
        let mut problem =
            |pointer: String, message: String| problems.push(ManifestProblem { pointer, message });
        if !seen.insert(&object.code) || known_objects.contains(&object.code) {
            problem(
                at("/code".into()),
                crate::tr!("records-manifest-declared-twice", object = &object.code),
            );
        }
        for (j, name) in object.required.iter().enumerate() {
            if !object.fields.contains_key(name) {
                problem(
                    at(format!("/required/{j}")),
                    crate::tr!("records-manifest-not-a-field", name = name),
                );
            }
        }
        if let Some(name) = &object.title_field
            && !object.fields.contains_key(name)
        {
            problem(
                at("/title_field".into()),
                crate::tr!("records-manifest-not-a-field", name = name),
            );
        }
        for name in object.access.external_columns.keys() {
            if !object.fields.contains_key(name) {
                problem(
                    at(format!("/access/external_columns/{name}")),
                    crate::tr!("records-manifest-not-a-field", name = name),
                );
            }
        }
        for (name, field) in &object.fields {
            if let Some(target) = field.get("x-reference").and_then(Value::as_str)
                && !own.contains(target)
                && !known_objects.contains(target)
            {
                problem(
                    at(format!("/fields/{name}/x-reference")),
                    crate::tr!("records-manifest-unknown-object", object = target),
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn built_in_manifests_are_valid() {
        let mut known = BTreeSet::new();
        for manifest in crate::sections::BUILT_IN {
            let value: Value = serde_json::from_str(manifest).unwrap();
            match parse(&value, &known) {
                Ok(parsed) => known.extend(parsed.objects.into_iter().map(|o| o.code)),
                Err(problems) => panic!("{problems:?}"),
            }
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_pointer() {
        let manifest = json!({
            "code": "Bad Code",
            "title": "",
            "objects": [{ "code": "thing", "title": "Thing", "plural": "Things",
                          "fields": { "name": { "title": "Name", "type": "text" } } }],
            "extra": 1
        });
        let problems = parse(&manifest, &BTreeSet::new()).unwrap_err();
        let pointers: BTreeSet<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            BTreeSet::from(["", "/code", "/title", "/objects/0/fields/name/type"]),
            "{problems:?}"
        );
    }

    #[test]
    fn references_and_required_fields_must_exist() {
        let manifest = json!({
            "code": "orders",
            "title": "Orders",
            "objects": [{ "code": "order", "title": "Order", "plural": "Orders",
                          "title_field": "nope",
                          "fields": { "buyer": { "title": "Buyer", "type": "string", "x-reference": "ghost" },
                                      "seller": { "title": "Seller", "type": "string", "x-reference": "account" } },
                          "required": ["buyer", "missing"] }]
        });
        let known = BTreeSet::from(["account".to_owned()]);
        let problems = parse(&manifest, &known).unwrap_err();
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/objects/0/required/1",
                "/objects/0/title_field",
                "/objects/0/fields/buyer/x-reference"
            ]
        );
    }
}
