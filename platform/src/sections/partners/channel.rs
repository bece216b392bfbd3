//! The channel as employees see it: the deal registrations waiting for their decision, the most
//! urgent first, and every partner's figures of its period, side by side and as charts. All of it
//! is read through the employee's own gates.

use serde::Serialize;
use serde_json::Value;

use super::{DEAL, PARTNERSHIP};
use crate::{
    access::{self, Actor, Capability},
    app::App,
    charts::{self, Bar},
    error::Result,
    records::{self, ListRequest},
};

#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    /// Registrations under review, by deadline.
    pub waiting: Vec<WaitingDeal>,
    /// Partnerships, the biggest won amount first.
    pub partners: Vec<PartnerFigures>,
    pub won_chart: String,
    pub leads_chart: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaitingDeal {
    pub id: String,
    pub number: String,
    pub prospect: String,
    pub partner: String,
    pub amount: Option<f64>,
    pub decision_due: Option<String>,
    pub overdue: bool,
    /// Another partner's claim on the same prospect, when the reader may see it.
    pub conflicts_with: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartnerFigures {
    pub id: String,
    pub name: String,
    pub tier: Option<String>,
    pub active: bool,
    pub points: i64,
    pub leads: i64,
    pub won_count: i64,
    pub won_amount: f64,
}

/// How many of each the page lists.
const SHOWN: u32 = 100;

pub async fn channel(app: &App, actor: &Actor) -> Result<Channel> {
    access::check(actor, Capability::UseConsole)?;
    let now = app.clock.now();
    let deals = records::list(
        app,
        actor,
        DEAL,
        &ListRequest {
            filters: vec!["status:eq:review".into()],
            sort: Some("decision_due".into()),
            limit: Some(SHOWN),
            ..Default::default()
        },
    )
    .await?;
    let partner_of = |deal: &Value| {
        deal["organization"]
            .as_str()
            .and_then(|o| o.parse().ok())
            .and_then(|o| actor.policy.role(o))
            .map_or_else(|| crate::tr!("partners-no-partner"), |r| r.name.clone())
    };
    let waiting = deals
        .data
        .iter()
        .map(|deal| {
            let data = &deal["data"];
            let due = data["decision_due"].as_str().map(str::to_owned);
            WaitingDeal {
                id: deal["id"].as_str().unwrap_or_default().to_owned(),
                number: deal["number"].as_str().unwrap_or_default().to_owned(),
                prospect: data["prospect"].as_str().unwrap_or_default().to_owned(),
                partner: partner_of(deal),
                amount: data["amount"].as_f64(),
                // Stored times sort as text.
                overdue: due.as_deref().is_some_and(|d| d < now.to_db().as_str()),
                decision_due: due,
                conflicts_with: data["conflicts_with"].as_str().map(str::to_owned),
            }
        })
        .collect();
    let partnerships = records::list(
        app,
        actor,
        PARTNERSHIP,
        &ListRequest {
            sort: Some("-won_amount".into()),
            limit: Some(SHOWN),
            ..Default::default()
        },
    )
    .await?;
    let partners: Vec<PartnerFigures> = partnerships
        .data
        .iter()
        .map(|p| {
            let data = &p["data"];
            let integer = |field: &str| data[field].as_i64().unwrap_or_default();
            PartnerFigures {
                id: p["id"].as_str().unwrap_or_default().to_owned(),
                name: data["name"].as_str().unwrap_or_default().to_owned(),
                tier: data["tier"]
                    .as_str()
                    .and_then(|t| partnerships.titles.get(t))
                    .cloned(),
                active: data["active"] != Value::Bool(false),
                points: integer("points"),
                leads: integer("leads"),
                won_count: integer("won_count"),
                won_amount: data["won_amount"].as_f64().unwrap_or_default(),
            }
        })
        .collect();
    let locale = crate::i18n::current();
    let chart = |title: String, value: &dyn Fn(&PartnerFigures) -> (f64, String)| {
        let bars: Vec<Bar> = partners
            .iter()
            .take(12)
            .map(|p| {
                let (value, shown) = value(p);
                Bar {
                    label: p.name.clone(),
                    value,
                    shown,
                }
            })
            .collect();
        charts::bars(&title, &bars, &crate::tr!("partners-nothing-yet"))
    };
    let won_chart = chart(crate::tr!("partners-won-amount"), &|p| {
        (p.won_amount, locale.money(p.won_amount, "EUR"))
    });
    let leads_chart = chart(crate::tr!("partners-leads-registered"), &|p| {
        (p.leads as f64, locale.number(p.leads as f64, 0))
    });
    Ok(Channel {
        waiting,
        partners,
        won_chart,
        leads_chart,
    })
}
