//! Built-in sections: their manifests ship in the binary, in the same format custom sections use,
//! and their rules run as native hooks around saves (a custom section's run in its plugin).

pub mod actions;
pub mod cases;
pub mod installed;
pub mod knowledge;
pub(crate) mod plugins;

use serde_json::{Map, Value};

use crate::{
    access::Actor,
    app::App,
    error::Result,
    records::{ObjectType, Record},
    store::TenantTx,
};

/// Manifests of the built-in sections, in dependency order (referenced objects first).
pub const BUILT_IN: &[&str] = &[
    include_str!("accounts.json"),
    include_str!("knowledge.json"),
    include_str!("support.json"),
];

/// The codes of the built-in sections (their objects have no icon of their own).
pub const BUILT_IN_CODES: [&str; 3] = ["accounts", "knowledge", "support"];

pub fn is_built_in(section: &str) -> bool {
    BUILT_IN_CODES.contains(&section)
}

/// Whether a section's rules check a reference field themselves (a case's agreement is chosen
/// among those that cover its contact, which the contact may not otherwise read).
pub(crate) fn checks_own_reference(object: &str, field: &str) -> bool {
    matches!((object, field), (cases::OBJECT, "service_agreement"))
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

/// Runs before a record is validated and saved: may fill or correct fields, or refuse.
pub(crate) async fn before_save(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    data: &mut Map<String, Value>,
    previous: Option<&Record>,
) -> Result<()> {
    actions::keep_status(object, data, previous)?;
    match object.code.as_str() {
        "knowledge_article" => knowledge::before_save(app, data, previous),
        knowledge::TYPE_OBJECT => knowledge::before_save_type(app, tx, data, previous).await,
        cases::OBJECT => cases::before_save(app, tx, actor, data, previous).await,
        _ => Ok(()),
    }
}

/// Runs after a record was saved, in the same transaction.
pub(crate) async fn after_save(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectType,
    record: &Record,
    previous: Option<&Record>,
) -> Result<()> {
    match object.code.as_str() {
        "knowledge_article" => knowledge::after_save(tx, actor, record, previous).await,
        cases::OBJECT => cases::after_save(app, tx, record, previous).await,
        _ => Ok(()),
    }
}

/// Runs after a record was deleted, in the same transaction.
pub(crate) async fn after_delete(
    tx: &mut TenantTx,
    object: &ObjectType,
    id: crate::records::RecordId,
) -> Result<()> {
    match object.code.as_str() {
        knowledge::OBJECT => crate::search::remove(tx, knowledge::OBJECT, &id.to_string()).await,
        _ => Ok(()),
    }
}

/// What the portal's main page shows the actor: each widget only when the actor may read its data.
#[derive(Debug, Default, serde::Serialize)]
pub struct MainPage {
    /// The knowledge-base search box and popular articles.
    pub knowledge: bool,
    pub popular: Vec<knowledge::Popular>,
    /// "My cases", latest first.
    pub cases: Option<crate::records::Page>,
    pub can_create_case: bool,
    /// The custom sections the actor may use.
    pub sections: Vec<installed::PortalEntry>,
    /// Records waiting for the actor's approval, and the actor's own still open.
    pub awaiting_approval: Vec<actions::Waiting>,
    pub open_requests: Vec<actions::Waiting>,
}

pub async fn main_page(app: &App, actor: &Actor) -> MainPage {
    use crate::access::{Capability, Operation, check};
    let may = |code: &str, operation: Operation| {
        crate::records::built_in(app, code)
            .is_ok_and(|object| check(actor, Capability::Records(&object, operation)).is_ok())
    };
    let knowledge = may(knowledge::OBJECT, Operation::Read);
    let popular = if knowledge {
        knowledge::popular(app, actor, 5).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    let cases = if may(cases::OBJECT, Operation::Read) {
        let request = crate::records::ListRequest {
            limit: Some(5),
            sort: Some("-created_at".into()),
            ..Default::default()
        };
        crate::records::list(app, actor, cases::OBJECT, &request)
            .await
            .ok()
    } else {
        None
    };
    MainPage {
        knowledge,
        popular,
        cases,
        can_create_case: may(cases::OBJECT, Operation::Create),
        sections: installed::portal_entries(app, actor)
            .await
            .unwrap_or_default(),
        awaiting_approval: actions::awaiting_approval(app, actor).await,
        open_requests: actions::open_requests(app, actor).await,
    }
}

/// The lookups a new tenant starts with (editable afterwards): the knowledge-base article types.
pub async fn seed_lookups(app: &App, admin: &Actor) -> Result<()> {
    let existing = crate::records::list(
        app,
        admin,
        "knowledge_type",
        &crate::records::ListRequest {
            limit: Some(1),
            ..Default::default()
        },
    )
    .await?;
    if existing.data.is_empty() {
        for name in ["FAQ", "Rules and regulations", "Templates"] {
            crate::records::create(
                app,
                admin,
                "knowledge_type",
                serde_json::json!({ "name": name }),
            )
            .await?;
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
