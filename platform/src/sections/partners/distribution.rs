//! Lead distribution: employees offer a lead of the pool (one no partner registered) to a
//! partner, whose organization may then see and answer it; the partner accepts it and works it,
//! or declines it with a reason; unanswered within the tenant's time limit, it returns to the
//! pool by itself. Returning is a compare-and-set on the lead's version, so when several nodes
//! run the jobs one of them returns each lead, once.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{LEAD, partner_organization, settings, text};
use crate::{
    access::{self, Actor, Level},
    app::App,
    error::{Error, Result},
    records::{self, ObjectType, Record, Save},
    sections::actions::{self, Moved},
    store::{Access, Timestamp},
};

/// The source of the rights an offer gives the partner's organization.
const OFFERED: &str = "lead_offer";

/// What taking an action on a lead of the pool changes: an offer needs a partner and sets the
/// time to answer by; an answer or a return ends the offer.
pub(super) async fn on_action(
    app: &App,
    actor: &Actor,
    lead: &Record,
    action: &str,
) -> Result<records::Decision> {
    let mut changes = Map::new();
    match action {
        "offer" => {
            if lead.organization.is_some() {
                return Err(Error::Conflict(crate::tr!("partners-lead-is-partners")));
            }
            let partner = text(&lead.data, "partner").unwrap_or_default();
            let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
            if !is_partner(&mut tx, actor, partner).await? {
                return Err(Error::invalid_field(
                    "partner",
                    crate::tr!("partners-offer-needs-partner"),
                ));
            }
            let limits = settings::read(&mut tx).await?;
            changes.insert(
                "offer_expires".into(),
                json!(app.clock.now() + limits.offer_time()),
            );
        }
        "accept" => {
            changes.insert("offer_expires".into(), Value::Null);
        }
        "decline" | "take_back" => {
            changes.insert("partner".into(), Value::Null);
            changes.insert("offer_expires".into(), Value::Null);
        }
        _ => {}
    }
    Ok(records::Decision {
        status: None,
        changes: Some(changes).filter(|c| !c.is_empty()),
    })
}

/// Whether `account` is a partner's: of type Partner, with a portal organization.
async fn is_partner(tx: &mut crate::store::TenantTx, actor: &Actor, account: &str) -> Result<bool> {
    let Ok(id) = records::RecordId::parse(account) else {
        return Ok(false);
    };
    let found = records::find_unchecked(tx, super::object(actor, "account")?, id).await?;
    Ok(
        found.is_some_and(|a| text(&a.data, "type") == Some("Partner"))
            && partner_organization(actor, account).is_some(),
    )
}

/// After a lead's save: an offer opens it to the partner's organization and asks its people to
/// answer; a decline or a return closes it again (an accepted lead stays the partner's).
pub(super) async fn after_save(
    save: Save<'_>,
    tx: &mut crate::store::TenantTx,
    lead: &Record,
) -> Result<()> {
    let status = text(&lead.data, "status");
    let before = save.previous.map(|p| (text(&p.data, "status"), &p.data));
    let shared_with = |data: &Map<String, Value>| {
        text(data, "partner").and_then(|account| partner_organization(save.actor, account))
    };
    if status == Some("offered") && before.is_none_or(|(was, _)| was != Some("offered")) {
        if let Some(organization) = shared_with(&lead.data) {
            access::records::grant_by_process(
                tx,
                &lead.object,
                lead.id,
                &organization.to_string(),
                Level::Edit,
                OFFERED,
            )
            .await?;
            let (app, actor, object) = (save.app, save.actor, save.object);
            actions::ask_organization(app, tx, actor, object, lead, organization).await?;
        }
    } else if status == Some("new")
        && let Some((Some("offered"), data)) = before
        && let Some(organization) = shared_with(data)
    {
        access::records::revoke_by_process(
            tx,
            &lead.object,
            lead.id,
            &organization.to_string(),
            OFFERED,
        )
        .await?;
    }
    Ok(())
}

/// Returns to the pool every lead of the tenant whose offer went unanswered in time; answers how
/// many this node returned.
pub async fn return_expired(app: &App, tenant: Arc<portico_tenants::Tenant>) -> Result<usize> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let catalog = crate::sections::installed::current_catalog(app, &mut tx).await?;
    let Some(leads) = catalog.get(LEAD).cloned() else {
        return Ok(0);
    };
    let now = app.clock.now();
    let expired = |lead: &Record| {
        lead.data
            .get("offer_expires")
            .and_then(|v| serde_json::from_value::<Timestamp>(v.clone()).ok())
            .is_some_and(|at| at <= now)
    };
    let due: Vec<records::RecordId> =
        records::find_by_field_unchecked(&mut tx, &leads, "status", "offered")
            .await?
            .iter()
            .filter(|lead| expired(lead))
            .map(|lead| lead.id)
            .collect();
    if due.is_empty() {
        return Ok(0);
    }
    // The tenant's own administrator acts for it, under the name of the rule.
    let Some(mut actor) = access::defaults::first_administrator(app, &mut tx, tenant).await? else {
        return Ok(0);
    };
    drop(tx);
    actor.full_name = crate::tr!("partners-time-limit");
    let mut returned = 0;
    for id in due {
        if return_one(app, &actor, &leads, id, &expired).await? {
            returned += 1;
        }
    }
    Ok(returned)
}

async fn return_one(
    app: &App,
    actor: &Actor,
    leads: &ObjectType,
    id: records::RecordId,
    expired: &impl Fn(&Record) -> bool,
) -> Result<bool> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let Some(lead) = records::find_unchecked(&mut tx, leads, id).await? else {
        return Ok(false);
    };
    // Answered or returned since it was found.
    if text(&lead.data, "status") != Some("offered") || !expired(&lead) {
        return Ok(false);
    }
    let mut changes = Map::new();
    changes.insert("status".into(), json!("new"));
    changes.insert("partner".into(), Value::Null);
    changes.insert("offer_expires".into(), Value::Null);
    let comment = crate::tr!("partners-offer-timed-out");
    let moved = Moved {
        action: "take_back",
        from: Some("offered"),
        to: Some("new"),
        comment: Some(&comment),
    };
    match actions::apply(app, &mut tx, actor, (leads, lead), changes, moved).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(true)
        }
        // Another node returned it first.
        Err(Error::Conflict(_)) => Ok(false),
        Err(error) => Err(error),
    }
}
