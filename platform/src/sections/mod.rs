//! Built-in sections: their manifests ship in the binary, in the same format custom sections use,
//! and their rules implement the same hooks interface natively (a custom section's run in its
//! plugin, through an adapter).

pub mod actions;
pub mod cases;
pub mod installed;
pub mod knowledge;
pub mod partners;
pub(crate) mod plugins;

use std::sync::Arc;

use serde_json::{Value, json};

use crate::{
    access::Actor,
    app::App,
    error::Result,
    records::{Catalog, NoRules, SectionHooks, SectionManifest, Widget},
};

/// Manifests of the built-in sections, in dependency order (referenced objects first).
pub const BUILT_IN: &[&str] = &[
    include_str!("accounts.json"),
    include_str!("knowledge.json"),
    include_str!("support.json"),
    include_str!("partners.json"),
];

/// The codes of the built-in sections (their objects have no icon of their own).
pub const BUILT_IN_CODES: [&str; 4] = ["accounts", "knowledge", "support", "partners"];

pub fn is_built_in(section: &str) -> bool {
    BUILT_IN_CODES.contains(&section)
}

/// The page a record opens on, for a user of `kind`: built-in sections have their own pages (a
/// case's conversation, an article to read), every other object the record page; employees in
/// the console, portal users on the portal.
pub fn page_path(kind: crate::users::UserKind, object: &str, id: impl std::fmt::Display) -> String {
    let console = if kind == crate::users::UserKind::Employee {
        "/console"
    } else {
        ""
    };
    match object {
        cases::OBJECT => format!("{console}/cases/{id}"),
        knowledge::OBJECT if console.is_empty() => format!("/knowledge/{id}"),
        _ => format!("{console}/records/{object}/{id}"),
    }
}

/// The page listing an object's records, for a user of `kind` (as [`page_path`]).
pub fn list_path(kind: crate::users::UserKind, object: &str) -> String {
    let console = kind == crate::users::UserKind::Employee;
    match object {
        cases::OBJECT if console => "/console/cases".to_owned(),
        cases::OBJECT => "/cases".to_owned(),
        knowledge::OBJECT if !console => "/knowledge".to_owned(),
        _ if console => format!("/console/records/{object}"),
        _ => format!("/records/{object}"),
    }
}

/// The catalog of the built-in sections, each with its rules.
pub fn built_in_catalog() -> Catalog {
    let hooks_of = |manifest: &SectionManifest| -> Arc<dyn SectionHooks> {
        match manifest.code.as_str() {
            "knowledge" => Arc::new(knowledge::Knowledge),
            "support" => Arc::new(cases::Support),
            "partners" => Arc::new(partners::Partners),
            "accounts" => Arc::new(partners::PartnerAccounts),
            _ => Arc::new(NoRules),
        }
    };
    Catalog::from_manifests(BUILT_IN, &hooks_of).expect("the built-in sections load")
}

/// What the portal's main page shows the actor: what waits for them, then each section's
/// widgets (a section leaves out what the actor may not read).
#[derive(Debug, Default, serde::Serialize)]
pub struct MainPage {
    /// Records waiting for the actor's approval, and the actor's own still open.
    pub awaiting_approval: Vec<actions::Waiting>,
    pub open_requests: Vec<actions::Waiting>,
    pub widgets: Vec<Widget>,
}

pub async fn main_page(app: &App, actor: &Actor) -> MainPage {
    let mut widgets = Vec::new();
    for section in actor.catalog.sections() {
        widgets.extend(section.main_page(app, actor).await);
    }
    MainPage {
        awaiting_approval: actions::awaiting_approval(app, actor).await,
        open_requests: actions::open_requests(app, actor).await,
        widgets,
    }
}

/// The lookups a tenant starts with (editable afterwards): the knowledge-base article types,
/// and, once it runs the partner configuration, the partner types and parameter categories.
pub async fn seed_lookups(app: &App, admin: &Actor) -> Result<()> {
    seed_lookup(
        app,
        admin,
        "knowledge_type",
        &[
            json!({ "name": "FAQ" }),
            json!({ "name": "Rules and regulations" }),
            json!({ "name": "Templates" }),
        ],
    )
    .await?;
    if admin.catalog.get(partners::PARTNERSHIP).is_some() {
        let types = ["Reseller", "Consultant", "Reference", "Integrator"]
            .map(|name| json!({ "name": name }));
        seed_lookup(app, admin, "partner_type", &types).await?;
        seed_lookup(
            app,
            admin,
            partners::CATEGORY,
            &partners::starting_categories(),
        )
        .await?;
    }
    Ok(())
}

/// Creates a lookup's starting values unless it has any.
async fn seed_lookup(app: &App, admin: &Actor, object: &str, values: &[Value]) -> Result<()> {
    let first = crate::records::ListRequest {
        limit: Some(1),
        ..Default::default()
    };
    if crate::records::list(app, admin, object, &first)
        .await?
        .data
        .is_empty()
    {
        for value in values {
            crate::records::create(app, admin, object, value.clone()).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn built_in_codes_are_the_built_in_manifests() {
        let codes: Vec<String> = super::BUILT_IN
            .iter()
            .map(|text| {
                serde_json::from_str::<serde_json::Value>(text).unwrap()["code"].to_string()
            })
            .map(|code| code.trim_matches('"').to_owned())
            .collect();
        assert_eq!(codes, super::BUILT_IN_CODES);
    }
}
