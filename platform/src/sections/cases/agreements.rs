//! Which service agreement governs a new case: the agreements naming the case's contact come
//! first, then those naming the contact's department, then the account's. One agreement at the
//! first level that has any is taken; several leave the choice to the user (among those only);
//! none at all gives the default agreement.

use serde::Serialize;
use serde_json::Value;

use crate::{
    app::App,
    error::{Error, FieldErrors, Result},
    records::{self, Record, RecordId},
    store::TenantTx,
};

/// Why an agreement was (or could be) chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Contact,
    Department,
    Account,
    Default,
}

/// The agreements a new case may get, at the deciding priority.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementChoice {
    pub priority: Option<Priority>,
    /// (id, name); one entry means it is decided.
    pub candidates: Vec<(String, String)>,
}

async fn records_where(
    app: &App,
    tx: &mut TenantTx,
    object: &str,
    field: &str,
    value: &str,
) -> Result<Vec<Record>> {
    let object = records::built_in(app, object)?;
    records::find_by_field_unchecked(tx, &object, field, value).await
}

async fn by_id(app: &App, tx: &mut TenantTx, object: &str, id: &str) -> Result<Option<Record>> {
    let object = records::built_in(app, object)?;
    match RecordId::parse(id) {
        Ok(id) => records::find_unchecked(tx, &object, id).await,
        Err(_) => Ok(None),
    }
}

pub(super) async fn contact(app: &App, tx: &mut TenantTx, id: &str) -> Result<Option<Record>> {
    by_id(app, tx, "contact", id).await
}

/// The contact `id` names, if any.
async fn contact_of(app: &App, tx: &mut TenantTx, id: Option<&str>) -> Result<Option<Record>> {
    match id {
        Some(id) => contact(app, tx, id).await,
        None => Ok(None),
    }
}

/// The lines listing the services `agreement` provides (none: it provides every service).
async fn service_lines(app: &App, tx: &mut TenantTx, agreement: &Record) -> Result<Vec<Record>> {
    records_where(
        app,
        tx,
        "agreement_service",
        "agreement",
        &agreement.id.to_string(),
    )
    .await
}

fn active(agreement: &Record) -> bool {
    agreement.data.get("state").and_then(Value::as_str) != Some("Inactive")
}

fn name(record: &Record) -> String {
    record
        .data
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(&record.number)
        .to_owned()
}

/// Works out the candidates for a case of `contact` (or, without one, of `account`).
pub(super) async fn candidates(
    app: &App,
    tx: &mut TenantTx,
    contact: Option<&Record>,
    account: Option<&str>,
) -> Result<(Option<Priority>, Vec<Record>)> {
    let field = |field: &str| {
        contact
            .and_then(|c| c.data.get(field))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let levels = [
        (
            Priority::Contact,
            "contact",
            contact.map(|c| c.id.to_string()),
        ),
        (Priority::Department, "department", field("department")),
        (
            Priority::Account,
            "account",
            account.map(str::to_owned).or_else(|| field("account")),
        ),
    ];
    for (priority, field, value) in levels {
        let Some(value) = value else { continue };
        let mut found: Vec<Record> = Vec::new();
        for object in records_where(app, tx, "service_object", field, &value).await? {
            let Some(agreement) = object.data.get("agreement").and_then(Value::as_str) else {
                continue;
            };
            if found.iter().any(|a| a.id.to_string() == agreement) {
                continue;
            }
            if let Some(agreement) = by_id(app, tx, "service_agreement", agreement)
                .await?
                .filter(active)
            {
                found.push(agreement);
            }
        }
        if !found.is_empty() {
            return Ok((Some(priority), found));
        }
    }
    let defaults: Vec<Record> = records_where_default(app, tx).await?;
    Ok(match defaults.into_iter().next() {
        Some(default) => (Some(Priority::Default), vec![default]),
        None => (None, Vec::new()),
    })
}

async fn records_where_default(app: &App, tx: &mut TenantTx) -> Result<Vec<Record>> {
    let object = records::built_in(app, "service_agreement")?;
    let all = records::list_all_unchecked(tx, &object).await?;
    Ok(all
        .into_iter()
        .filter(|a| active(a) && a.data.get("is_default") == Some(&Value::Bool(true)))
        .collect())
}

/// The agreement for a new case, given what the user chose (if anything).
pub(super) async fn choose(
    app: &App,
    tx: &mut TenantTx,
    contact: Option<&Record>,
    account: Option<&str>,
    chosen: Option<&str>,
) -> Result<Option<Record>> {
    let (_, mut found) = candidates(app, tx, contact, account).await?;
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.pop()),
        _ => match chosen.and_then(|c| found.iter().position(|a| a.id.to_string() == c)) {
            Some(index) => Ok(Some(found.swap_remove(index))),
            None => {
                let names = found.iter().map(name).collect::<Vec<_>>().join(", ");
                Err(Error::invalid_fields(FieldErrors::from([(
                    "service_agreement".to_owned(),
                    vec![crate::tr!("cases-choose-one-agreement", names = names)],
                )])))
            }
        },
    }
}

/// A service for a case under `agreement`: if the agreement lists its services, only those.
pub(super) async fn service(
    app: &App,
    tx: &mut TenantTx,
    id: &str,
    agreement: Option<&Record>,
) -> Result<Record> {
    let service = by_id(app, tx, "service", id)
        .await?
        .ok_or_else(|| Error::invalid_field("service", crate::tr!("cases-no-such-service")))?;
    if let Some(agreement) = agreement {
        let listed = service_lines(app, tx, agreement).await?;
        if !listed.is_empty()
            && !listed
                .iter()
                .any(|l| l.data.get("service").and_then(Value::as_str) == Some(id))
        {
            return Err(Error::invalid_field(
                "service",
                crate::tr!("cases-service-not-provided", agreement = name(agreement)),
            ));
        }
    }
    Ok(service)
}

/// What the new-case form offers: the agreements to choose from, and the services under them.
pub async fn options_for(
    app: &App,
    tx: &mut TenantTx,
    contact: Option<&str>,
) -> Result<AgreementChoice> {
    let contact = contact_of(app, tx, contact).await?;
    let (priority, found) = candidates(app, tx, contact.as_ref(), None).await?;
    Ok(AgreementChoice {
        priority,
        candidates: found.iter().map(|a| (a.id.to_string(), name(a))).collect(),
    })
}

/// A service agreement as the people it serves read it: its name and what it provides.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Serving {
    pub name: String,
    /// The agreement lists no services: it covers every one.
    pub every_service: bool,
    pub services: Vec<ServiceTerms>,
}

/// A service under an agreement, with its times ("within 4 hours") in the reader's language.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ServiceTerms {
    pub name: String,
    pub category: Option<String>,
    pub response: Option<String>,
    pub resolution: Option<String>,
}

/// The agreements that serve `contact` (the ones a new case of theirs would get), or, given an
/// `account` instead, those naming that account; each with its services.
pub async fn serving(
    app: &App,
    tx: &mut TenantTx,
    contact: Option<&str>,
    account: Option<&str>,
) -> Result<Vec<Serving>> {
    let contact = contact_of(app, tx, contact).await?;
    let (_, agreements) = candidates(app, tx, contact.as_ref(), account).await?;
    let language = crate::i18n::current().language.code();
    let within =
        |minutes: Option<i64>| minutes.map(|m| crate::mail::duration_in_words(m, language));
    let mut shown = Vec::with_capacity(agreements.len());
    for agreement in &agreements {
        let listed = service_lines(app, tx, agreement).await?;
        let mut services = Vec::with_capacity(listed.len());
        for line in &listed {
            let Some(id) = line.data.get("service").and_then(Value::as_str) else {
                continue;
            };
            let Some(service) = by_id(app, tx, "service", id).await? else {
                continue;
            };
            let field = |name: &str| service.data.get(name);
            services.push(ServiceTerms {
                name: name(&service),
                category: field("category").and_then(Value::as_str).map(str::to_owned),
                response: within(field("response_minutes").and_then(Value::as_i64)),
                resolution: within(field("resolution_minutes").and_then(Value::as_i64)),
            });
        }
        shown.push(Serving {
            name: name(agreement),
            every_service: listed.is_empty(),
            services,
        });
    }
    Ok(shown)
}
