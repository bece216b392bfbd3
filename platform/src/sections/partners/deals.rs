//! Deal registration: a partner claims a deal for a prospect; employees approve or reject it
//! within the tenant's service time (the registration's deadline); an approved registration
//! opens the partner's opportunity and protects the deal for a while. A registration for a
//! prospect another partner already claimed (the same company name or web domain, normalized)
//! is flagged as a conflict for employees to decide; the conflict is in columns external users
//! do not see, so the second partner learns only that its registration is under review.

use serde_json::{Map, Value, json};

use super::{DEAL, OPPORTUNITY, object, settings, text};
use crate::{
    access::{self, Actor, Level},
    app::App,
    error::{Error, Result},
    records::{self, Record, Save},
    store::{Access, TenantTx},
};

/// The source of the rights an approved registration gives its partner on the opportunity.
const REGISTERED: &str = "deal_registration";

/// Words that do not tell companies apart ("Acme GmbH" is "Acme Inc.").
const LEGAL_FORMS: [&str; 24] = [
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "plc",
    "co",
    "corp",
    "corporation",
    "company",
    "oy",
    "ab",
    "the",
];

/// Mail providers whose domain says nothing about the company.
const FREE_MAIL: [&str; 14] = [
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.com",
    "proton.me",
    "protonmail.com",
];

/// A company name as registrations are matched on it: lower case, letters and digits only, legal
/// forms left out. `None` when nothing distinctive is left.
pub fn company_key(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !LEGAL_FORMS.contains(w))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The prospect's web domain, from its website or else its contact's company address:
/// `https://www.Acme.com/about` and `jo@acme.com` are both `acme.com`.
pub fn domain_key(website: Option<&str>, email: Option<&str>) -> Option<String> {
    let from_site = website.and_then(|site| {
        let rest = site.split_once("://").map_or(site, |(_, rest)| rest);
        let host = rest.split(['/', '?', '#']).next()?;
        let host = host.rsplit('@').next()?.split(':').next()?;
        Some(host.to_lowercase())
    });
    let from_mail = || {
        email
            .and_then(|e| e.rsplit_once('@'))
            .map(|(_, domain)| domain.to_lowercase())
            .filter(|d| !FREE_MAIL.contains(&d.as_str()))
    };
    from_site
        .or_else(from_mail)
        .map(|d| {
            d.trim_start_matches("www.")
                .trim_end_matches('.')
                .to_owned()
        })
        .filter(|d| d.contains('.'))
}

/// Keys the registration is matched on, and its deadline when it is new.
pub(super) async fn prepare(
    save: Save<'_>,
    tx: &mut TenantTx,
    data: &mut Map<String, Value>,
) -> Result<()> {
    let keys = [
        ("match_name", text(data, "prospect").and_then(company_key)),
        (
            "match_domain",
            domain_key(text(data, "website"), text(data, "email")),
        ),
    ];
    for (field, key) in keys {
        match key {
            Some(key) => data.insert(field.into(), json!(key)),
            None => data.remove(field),
        };
    }
    if save.previous.is_some() {
        return Ok(());
    }
    // A partner registers a prospect once; its earlier claim is its own to see.
    if let Some(organization) = save.actor.organization.map(|o| o.to_string()) {
        let today = today(save.app);
        if let Some(earlier) = claims(tx, save.actor, data, &today)
            .await?
            .into_iter()
            .find(|c| c.organization.as_deref() == Some(organization.as_str()))
        {
            return Err(Error::invalid_field(
                "prospect",
                crate::tr!("partners-deal-registered-already", number = earlier.number),
            ));
        }
    }
    let limits = settings::read(tx).await?;
    data.insert(
        "decision_due".into(),
        json!(save.app.clock.now() + limits.review_time()),
    );
    Ok(())
}

fn today(app: &App) -> String {
    app.clock.now().0.date_naive().to_string()
}

/// The registrations that still claim the prospect `data` names: under review, or approved and
/// protected until today or later.
async fn claims(
    tx: &mut TenantTx,
    actor: &Actor,
    data: &Map<String, Value>,
    today: &str,
) -> Result<Vec<Record>> {
    let deals = object(actor, DEAL)?;
    let mut found: Vec<Record> = Vec::new();
    for field in ["match_name", "match_domain"] {
        let Some(key) = text(data, field) else {
            continue;
        };
        for other in records::find_by_field_unchecked(tx, deals, field, key).await? {
            let claiming = match text(&other.data, "status") {
                Some("review") => true,
                Some("approved") => {
                    text(&other.data, "protected_until").is_some_and(|d| d >= today)
                }
                _ => false,
            };
            if claiming && !found.iter().any(|f| f.id == other.id) {
                found.push(other);
            }
        }
    }
    Ok(found)
}

/// After a save: a new registration asks the channel managers (its approvers); one under review
/// learns which other partners' claims it conflicts with; one just approved opens the partner's
/// opportunity.
pub(super) async fn after_save(save: Save<'_>, tx: &mut TenantTx, record: &Record) -> Result<()> {
    let status = text(&record.data, "status");
    let was = save.previous.and_then(|p| text(&p.data, "status"));
    if status == Some("approved") && was == Some("review") {
        return open_opportunity(save, tx, record).await;
    }
    if status != Some("review") {
        return Ok(());
    }
    if save.previous.is_none() {
        let (app, actor, object) = (save.app, save.actor, save.object);
        crate::sections::actions::ask_approvers(app, tx, actor, object, record).await?;
    }
    let today = today(save.app);
    let others: Vec<String> = claims(tx, save.actor, &record.data, &today)
        .await?
        .into_iter()
        .filter(|c| c.id != record.id && c.organization != record.organization)
        .map(|c| {
            let partner = c
                .organization
                .as_deref()
                .and_then(|o| o.parse().ok())
                .and_then(|o| save.actor.policy.role(o))
                .map_or_else(|| crate::tr!("partners-no-partner"), |r| r.name.clone());
            crate::tr!("partners-claimed-by", number = c.number, partner = partner)
        })
        .collect();
    let mut changes = Map::new();
    changes.insert("conflict".into(), json!(!others.is_empty()));
    changes.insert(
        "conflicts_with".into(),
        if others.is_empty() {
            Value::Null
        } else {
            json!(others.join("; "))
        },
    );
    if changes
        .iter()
        .all(|(field, value)| record.data.get(field).unwrap_or(&Value::Null) == value)
    {
        return Ok(());
    }
    records::patch_unchecked(save.app, tx, save.actor, save.object, record.id, changes).await?;
    Ok(())
}

/// The approved deal becomes the partner's opportunity (its organization's, counted in its
/// program), named by the registration.
async fn open_opportunity(save: Save<'_>, tx: &mut TenantTx, registration: &Record) -> Result<()> {
    let opportunities = object(save.actor, OPPORTUNITY)?;
    let prospect = text(&registration.data, "prospect").unwrap_or_default();
    let mut data = Map::new();
    data.insert("title".into(), json!(prospect));
    data.insert("prospect".into(), json!(prospect));
    data.insert("registration".into(), json!(registration.id.to_string()));
    for field in ["amount", "close_date"] {
        if let Some(value) = registration.data.get(field) {
            data.insert(field.into(), value.clone());
        }
    }
    opportunities
        .validate(&data)
        .map_err(Error::invalid_fields)?;
    let organization = registration.organization.clone();
    let opportunity = records::insert_for(
        save.app,
        tx,
        save.actor,
        opportunities,
        &data,
        organization.clone(),
    )
    .await?;
    if let Some(organization) = &organization {
        access::records::grant_by_process(
            tx,
            &opportunity.object,
            opportunity.id,
            organization,
            Level::Edit,
            REGISTERED,
        )
        .await?;
    }
    let mut changes = Map::new();
    changes.insert("opportunity".into(), json!(opportunity.id.to_string()));
    records::patch_unchecked(
        save.app,
        tx,
        save.actor,
        save.object,
        registration.id,
        changes,
    )
    .await?;
    Ok(())
}

/// Approving protects the deal from today for the tenant's protection period.
pub(super) async fn on_approve(app: &App, actor: &Actor) -> Result<records::Decision> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let limits = settings::read(&mut tx).await?;
    let until = app.clock.now().0.date_naive() + limits.protection();
    let mut changes = Map::new();
    changes.insert("protected_until".into(), json!(until.to_string()));
    Ok(records::Decision {
        status: None,
        changes: Some(changes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_names_match_whatever_their_legal_form_and_punctuation() {
        assert_eq!(company_key("Acme GmbH"), Some("acme".into()));
        assert_eq!(company_key("ACME, Inc."), Some("acme".into()));
        assert_eq!(company_key("The  Blue-Sky Co."), Some("blue sky".into()));
        assert_eq!(company_key("Müller AG"), Some("müller".into()));
        assert_eq!(company_key("Inc."), None);
        assert_ne!(company_key("Acme Rail"), company_key("Acme"));
    }

    #[test]
    fn domains_come_from_the_website_or_a_company_address() {
        let site = |s| domain_key(Some(s), None);
        assert_eq!(
            site("https://www.Acme.com/about?x=1"),
            Some("acme.com".into())
        );
        assert_eq!(
            site("http://user@shop.acme.com:8080"),
            Some("shop.acme.com".into())
        );
        assert_eq!(site("acme.com"), Some("acme.com".into()));
        assert_eq!(
            domain_key(None, Some("jo@Acme.com")),
            Some("acme.com".into())
        );
        // A free mailbox names no company, and a bare host no domain.
        assert_eq!(domain_key(None, Some("jo@gmail.com")), None);
        assert_eq!(site("https://localhost/"), None);
        // The website wins over the address.
        assert_eq!(
            domain_key(Some("https://acme.de"), Some("jo@acme.com")),
            Some("acme.de".into())
        );
    }
}
