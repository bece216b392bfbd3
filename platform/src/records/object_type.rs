//! Object types built from manifests: their fields, the compiled JSON Schema of their records, and
//! how their records are numbered. The [`Catalog`] holds every object type of the installation.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
    sync::Arc,
};

use anyhow::Context;
use jsonschema::error::ValidationErrorKind;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::hooks::{NoRules, SectionHooks};
use super::manifest::{self, AccessDefaults, ObjectManifest, SectionManifest};
use crate::error::FieldErrors;

/// An object's code, e.g. `contact`: lowercase letters, digits and underscores.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ObjectCode(String);

impl ObjectCode {
    /// A code read back from storage, where only catalog codes are written.
    pub(crate) fn from_db(code: String) -> Self {
        Self(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How record numbers look: a prefix, a zero-padded counter, a suffix (`SR-{00000}` → `SR-00042`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberTemplate {
    prefix: String,
    width: usize,
    suffix: String,
}

impl NumberTemplate {
    pub fn parse(template: &str) -> Option<Self> {
        let (prefix, rest) = template.split_once('{')?;
        let (zeros, suffix) = rest.split_once('}')?;
        (!zeros.is_empty() && zeros.bytes().all(|b| b == b'0')).then(|| Self {
            prefix: prefix.to_owned(),
            width: zeros.len(),
            suffix: suffix.to_owned(),
        })
    }

    pub fn format(&self, n: i64) -> String {
        format!(
            "{}{n:0width$}{}",
            self.prefix,
            self.suffix,
            width = self.width
        )
    }
}

impl fmt::Display for NumberTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{{{}}}{}",
            self.prefix,
            "0".repeat(self.width),
            self.suffix
        )
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub title: String,
    /// The JSON Schema of the field's value, as declared.
    pub schema: Value,
    /// For a reference field, the object whose record ids it holds.
    pub reference: Option<ObjectCode>,
}

/// How a field's values compare in filters and sorting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Strings, dates and date-times (ISO text sorts chronologically), enums, references.
    Text,
    Number,
    Boolean,
}

impl Field {
    /// Set by the section's hooks and actions only (`readOnly` in the manifest).
    pub fn read_only(&self) -> bool {
        self.schema.get("readOnly").and_then(Value::as_bool) == Some(true)
    }

    /// Holds a file stored with the record: the id of one of its attachments (`x-file`).
    pub fn is_file(&self) -> bool {
        self.schema.get("x-file").and_then(Value::as_bool) == Some(true)
    }

    /// For an amount of money, its currency (`x-currency`).
    pub fn currency(&self) -> Option<&str> {
        self.schema.get("x-currency").and_then(Value::as_str)
    }

    pub fn kind(&self) -> FieldKind {
        match self.schema.get("type").and_then(Value::as_str) {
            Some("integer" | "number") => FieldKind::Number,
            Some("boolean") => FieldKind::Boolean,
            _ => FieldKind::Text,
        }
    }
}

#[derive(Debug)]
pub struct ObjectType {
    pub code: ObjectCode,
    pub section: String,
    pub title: String,
    pub plural: String,
    pub title_field: Option<String>,
    pub fields: Vec<Field>,
    pub required: Vec<String>,
    pub number: NumberTemplate,
    pub access_defaults: AccessDefaults,
    pub statuses: Vec<manifest::StatusManifest>,
    pub actions: Vec<manifest::ActionManifest>,
    pub approvals: Option<manifest::ApprovalsManifest>,
    /// A lookup: chosen in other records, not browsed on its own.
    pub lookup: bool,
    pub details: Vec<manifest::DetailManifest>,
    pub layouts: manifest::LayoutsManifest,
    /// The columns its lists show by default (none: the title field and the next fields).
    pub list_columns: Vec<String>,
    validator: jsonschema::Validator,
}

impl ObjectType {
    /// The object's title as the reader sees it (a built-in object's in their language).
    pub fn title_shown(&self) -> String {
        crate::i18n::object_title(self.code.as_str(), &self.title, false)
    }

    pub fn plural_shown(&self) -> String {
        crate::i18n::object_title(self.code.as_str(), &self.plural, true)
    }

    pub fn field_title_shown(&self, field: &Field) -> String {
        crate::i18n::field_title(self.code.as_str(), &field.name, &field.title)
    }

    fn build(section: &str, manifest: &ObjectManifest) -> anyhow::Result<Self> {
        let mut properties = manifest.fields.clone();
        // An object with statuses keeps its record's status in the field `status`.
        if !manifest.statuses.is_empty() && !properties.contains_key("status") {
            let codes: Vec<&str> = manifest.statuses.iter().map(|s| s.code.as_str()).collect();
            properties.insert(
                "status".into(),
                json!({ "title": "Status", "type": "string", "enum": codes }),
            );
        }
        let record_schema = json!({
            "type": "object",
            "properties": properties,
            "required": manifest.required,
            "additionalProperties": false,
        });
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&record_schema)
            .with_context(|| {
                format!(
                    "object {}: fields are not a valid JSON Schema",
                    manifest.code
                )
            })?;
        let default_number = format!("{}-{{00000}}", manifest.code.to_uppercase());
        let number = NumberTemplate::parse(manifest.number.as_deref().unwrap_or(&default_number))
            .with_context(|| format!("object {}: bad number template", manifest.code))?;
        let fields = properties
            .iter()
            .map(|(name, schema)| Field {
                name: name.clone(),
                title: schema["title"].as_str().unwrap_or(name).to_owned(),
                reference: schema
                    .get("x-reference")
                    .and_then(Value::as_str)
                    .map(|code| ObjectCode(code.to_owned())),
                schema: schema.clone(),
            })
            .collect();
        Ok(Self {
            code: ObjectCode(manifest.code.clone()),
            section: section.to_owned(),
            title: manifest.title.clone(),
            plural: manifest.plural.clone(),
            title_field: manifest.title_field.clone(),
            fields,
            required: manifest.required.clone(),
            number,
            access_defaults: manifest.access.clone(),
            statuses: manifest.statuses.clone(),
            actions: manifest.actions.clone(),
            approvals: manifest.approvals.clone(),
            lookup: manifest.lookup,
            details: manifest.details.clone(),
            layouts: manifest.layouts.clone(),
            list_columns: manifest
                .list
                .columns
                .iter()
                .filter(|c| *c != "number")
                .cloned()
                .collect(),
            validator,
        })
    }

    /// The status a new record starts in (objects with statuses).
    pub fn initial_status(&self) -> Option<&str> {
        self.statuses
            .iter()
            .find(|s| s.initial)
            .or(self.statuses.first())
            .map(|s| s.code.as_str())
    }

    /// The status a record with `data` is in, as declared by the object.
    pub fn status_of(&self, data: &Map<String, Value>) -> Option<&manifest::StatusManifest> {
        let code = data.get("status").and_then(Value::as_str)?;
        self.statuses.iter().find(|s| s.code == code)
    }

    /// A status as the reader sees it: its title from the manifest, in their language.
    pub fn status_shown(&self, status: &manifest::StatusManifest) -> String {
        let title = status.title.as_deref().unwrap_or(&status.code);
        crate::i18n::value_label(self.code.as_str(), "status", title)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Checks a record's data against the object's fields; every problem, keyed by field.
    pub fn validate(&self, data: &Map<String, Value>) -> Result<(), FieldErrors> {
        let instance = Value::Object(data.clone());
        let mut errors = FieldErrors::new();
        for error in self.validator.iter_errors(&instance) {
            let path = error.instance_path().to_string();
            let field = path
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default();
            for (field, message) in describe(field, error.kind(), self) {
                errors.entry(field).or_default().push(message);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Turns a schema violation into field messages a person can act on.
fn describe(field: &str, kind: &ValidationErrorKind, object: &ObjectType) -> Vec<(String, String)> {
    let one = |message: String| vec![(field.to_owned(), message)];
    match kind {
        ValidationErrorKind::Required { property } => {
            vec![(
                property.as_str().unwrap_or_default().to_owned(),
                crate::tr!("records-is-required"),
            )]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    crate::tr!("records-not-a-field", object = &object.title),
                )
            })
            .collect(),
        ValidationErrorKind::Type { .. } => {
            let expected = object
                .field(field)
                .and_then(|f| f.schema.get("type"))
                .and_then(Value::as_str)
                .unwrap_or("value");
            one(match expected {
                "integer" => crate::tr!("records-must-be-whole-number"),
                "number" => crate::tr!("records-must-be-number"),
                "boolean" => crate::tr!("records-must-be-boolean"),
                "string" => crate::tr!("records-must-be-text"),
                other => crate::tr!("records-must-be-type", kind = other),
            })
        }
        ValidationErrorKind::MinLength { limit: 1 } => one(crate::tr!("records-must-not-be-empty")),
        ValidationErrorKind::MinLength { limit } => {
            one(crate::tr!("records-at-least-characters", limit = *limit))
        }
        ValidationErrorKind::MaxLength { limit } => {
            one(crate::tr!("records-at-most-characters", limit = *limit))
        }
        ValidationErrorKind::Minimum { limit } => {
            one(crate::tr!("records-at-least", limit = limit.to_string()))
        }
        ValidationErrorKind::Maximum { limit } => {
            one(crate::tr!("records-at-most", limit = limit.to_string()))
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                .collect();
            one(crate::tr!(
                "records-must-be-one-of",
                options = options.join(", ")
            ))
        }
        ValidationErrorKind::Format { format } => one(match format.as_str() {
            "email" => crate::tr!("records-invalid-email"),
            "date" => crate::tr!("records-invalid-date"),
            "date-time" => crate::tr!("records-invalid-date-time"),
            "uri" => crate::tr!("records-invalid-url"),
            "uuid" => crate::tr!("records-invalid-record-id"),
            other => crate::tr!("records-invalid-format", format = other),
        }),
        ValidationErrorKind::Pattern { .. } => one(crate::tr!("records-unexpected-form")),
        _ if field.is_empty() => vec![("data".into(), crate::tr!("records-must-be-object"))],
        _ => one(crate::tr!("records-not-valid")),
    }
}

/// Every object type of a tenant, by code, and the rules of the sections they belong to.
#[derive(Default, Clone)]
pub struct Catalog {
    objects: BTreeMap<ObjectCode, Arc<ObjectType>>,
    /// Objects whose records may only be read, and why (a section over its configuration's limits).
    read_only: BTreeMap<String, String>,
    /// Each section's rules, built-in sections first, then installed ones in their order.
    sections: Vec<CatalogSection>,
}

#[derive(Clone)]
struct CatalogSection {
    code: String,
    /// The portal configurations the section belongs to (none listed: every one).
    configurations: Vec<String>,
    /// Installed by the tenant (not shipped with Portico).
    custom: bool,
    hooks: Arc<dyn SectionHooks>,
}

impl CatalogSection {
    fn of(manifest: &SectionManifest, hooks_of: HooksOf, custom: bool) -> Self {
        Self {
            code: manifest.code.clone(),
            configurations: manifest.configurations.clone(),
            custom,
            hooks: hooks_of(manifest),
        }
    }
}

impl fmt::Debug for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalog")
            .field("objects", &self.objects.keys().collect::<Vec<_>>())
            .field("read_only", &self.read_only)
            .field(
                "sections",
                &self.sections.iter().map(|s| &s.code).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Gives a section's rules to the catalog, from its manifest.
pub type HooksOf<'a> = &'a dyn Fn(&SectionManifest) -> Arc<dyn SectionHooks>;

impl Catalog {
    /// Builds the catalog from manifests (JSON text), checking each against the manifest schema;
    /// each section's rules come from `hooks_of`.
    pub fn from_manifests(manifests: &[&str], hooks_of: HooksOf) -> anyhow::Result<Self> {
        let mut catalog = Self::default();
        for text in manifests {
            let value: Value = serde_json::from_str(text).context("manifest is not JSON")?;
            let known: BTreeSet<String> = catalog.objects.keys().map(|c| c.0.clone()).collect();
            let manifest: SectionManifest =
                manifest::parse(&value, &known).map_err(|problems| {
                    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                    anyhow::anyhow!("invalid section manifest: {}", list.join("; "))
                })?;
            for object in &manifest.objects {
                let object = ObjectType::build(&manifest.code, object)?;
                catalog
                    .objects
                    .insert(object.code.clone(), Arc::new(object));
            }
            catalog
                .sections
                .push(CatalogSection::of(&manifest, hooks_of, false));
        }
        Ok(catalog)
    }

    /// This catalog and the objects of more sections (their manifests as JSON), which may refer
    /// to each other's objects and to this catalog's; each section's rules come from `hooks_of`.
    /// Every problem is reported at once.
    pub fn with_sections(
        &self,
        manifests: &[Value],
        hooks_of: HooksOf,
    ) -> Result<Self, Vec<manifest::ManifestProblem>> {
        let codes_of = |m: &Value| -> Vec<String> {
            m["objects"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o["code"].as_str().map(str::to_owned))
                .collect()
        };
        let mut catalog = self.clone();
        let mut problems = Vec::new();
        for (n, value) in manifests.iter().enumerate() {
            // What this manifest may refer to besides its own objects.
            let mut known: BTreeSet<String> = self.objects.keys().map(|c| c.0.clone()).collect();
            for (m, other) in manifests.iter().enumerate() {
                if m != n {
                    known.extend(codes_of(other));
                }
            }
            let manifest = match manifest::parse(value, &known) {
                Ok(manifest) => manifest,
                Err(found) => {
                    problems.extend(found);
                    continue;
                }
            };
            for (i, object) in manifest.objects.iter().enumerate() {
                let code = ObjectCode(object.code.clone());
                if catalog.objects.contains_key(&code) {
                    problems.push(manifest::ManifestProblem {
                        pointer: format!("/objects/{i}/code"),
                        message: crate::tr!(
                            "records-manifest-object-exists",
                            object = &object.code
                        ),
                    });
                    continue;
                }
                match ObjectType::build(&manifest.code, object) {
                    Ok(built) => {
                        catalog.objects.insert(code, Arc::new(built));
                    }
                    Err(e) => problems.push(manifest::ManifestProblem {
                        pointer: format!("/objects/{i}"),
                        message: format!("{e:#}"),
                    }),
                }
            }
            catalog
                .sections
                .push(CatalogSection::of(&manifest, hooks_of, true));
        }
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(problems)
        }
    }

    /// Marks a section's objects read-only, with the reason users are told.
    pub fn set_read_only(&mut self, section: &str, reason: &str) {
        let codes: Vec<String> = self
            .objects
            .values()
            .filter(|o| o.section == section)
            .map(|o| o.code.0.clone())
            .collect();
        for code in codes {
            self.read_only.insert(code, reason.to_owned());
        }
    }

    pub fn read_only_reason(&self, code: &str) -> Option<&str> {
        self.read_only.get(code).map(String::as_str)
    }

    /// The rules of the section an object belongs to.
    pub fn hooks(&self, object: &ObjectType) -> &dyn SectionHooks {
        self.sections
            .iter()
            .find(|s| s.code == object.section)
            .map_or(&NoRules, |s| s.hooks.as_ref())
    }

    /// Every section's rules, in the catalog's order.
    pub fn sections(&self) -> impl Iterator<Item = &dyn SectionHooks> {
        self.sections.iter().map(|s| s.hooks.as_ref())
    }

    /// This catalog without the sections that none of `configurations` opens (the partner
    /// objects, for a tenant that does not run the partner configuration).
    pub fn for_configurations(&self, configurations: &[&str]) -> Self {
        self.retaining(|section| {
            section.configurations.is_empty()
                || section
                    .configurations
                    .iter()
                    .any(|c| configurations.contains(&c.as_str()))
        })
    }

    /// What a holder of a `license` portal license works with: the sections its configuration
    /// opens; the self-service license opens no custom section.
    pub fn for_license(&self, license: portico_tenants::Configuration) -> Self {
        let narrowed = self.for_configurations(&[license.as_str()]);
        if license == portico_tenants::Configuration::SelfService {
            narrowed.retaining(|section| !section.custom)
        } else {
            narrowed
        }
    }

    fn retaining(&self, opens: impl Fn(&CatalogSection) -> bool) -> Self {
        let mut catalog = self.clone();
        catalog.sections.retain(opens);
        let open: BTreeSet<&str> = catalog.sections.iter().map(|s| s.code.as_str()).collect();
        catalog
            .objects
            .retain(|_, object| open.contains(object.section.as_str()));
        catalog
    }

    pub fn get(&self, code: &str) -> Option<&Arc<ObjectType>> {
        self.objects.get(&ObjectCode(code.to_owned()))
    }

    pub fn objects(&self) -> impl Iterator<Item = &Arc<ObjectType>> {
        self.objects.values()
    }

    /// The object `detail` is a detail of (order lines of an order), and the field of the
    /// detail that names its parent record.
    pub fn parent_of(&self, detail: &str) -> Option<(&Arc<ObjectType>, &str)> {
        self.objects.values().find_map(|parent| {
            parent
                .details
                .iter()
                .find(|d| d.object == detail)
                .map(|d| (parent, d.field.as_str()))
        })
    }

    /// Objects people browse on their own: not lookups, not details reached through a parent.
    pub fn browsable(&self) -> impl Iterator<Item = &Arc<ObjectType>> {
        self.objects.values().filter(|o| {
            !o.lookup
                && !self
                    .objects
                    .values()
                    .any(|parent| parent.details.iter().any(|d| d.object == o.code.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        crate::sections::built_in_catalog()
    }

    #[test]
    fn numbers_follow_the_template() {
        let t = NumberTemplate::parse("SR-{00000}").unwrap();
        assert_eq!(t.format(42), "SR-00042");
        assert_eq!(t.format(1_234_567), "SR-1234567");
        assert_eq!(
            NumberTemplate::parse("{000}/26").unwrap().format(7),
            "007/26"
        );
        assert!(NumberTemplate::parse("SR-{12}").is_none());
    }

    #[test]
    fn validation_names_every_bad_field() {
        let catalog = catalog();
        let contact = catalog.get("contact").unwrap();
        let data = json!({ "email": "not-an-email", "birth_date": "31.12.1990", "shoe_size": 44,
                           "job_title": 7 });
        let errors = contact.validate(data.as_object().unwrap()).unwrap_err();
        assert_eq!(errors["full_name"], ["is required"]);
        assert_eq!(errors["email"], ["is not a valid e-mail address"]);
        assert_eq!(errors["birth_date"], ["is not a valid date (YYYY-MM-DD)"]);
        assert_eq!(errors["shoe_size"], ["is not a field of Contact"]);
        assert_eq!(errors["job_title"], ["must be text"]);
        assert!(
            contact
                .validate(json!({"full_name": "Ann"}).as_object().unwrap())
                .is_ok()
        );
    }
}
