//! The partner portal: partnerships (one per partner, an account of type Partner with a portal
//! organization), programs made of types, tiers and their parameters (lookups the tenant edits),
//! and what partners register: leads, opportunities, deal registrations (`deals`), orders
//! (`orders`), documents, marketing activities, trainings, and what they learn of competitors.
//! Employees offer leads to partners (`distribution`) and watch the channel (`channel`). A
//! partnership's tier and points follow its partner's records: every change to them queues its
//! recalculation, which the jobs worker of one node does once after the change commits (saving a
//! partnership, or its Recalculate action, recalculates it at once), with the figures in its
//! history.

pub mod channel;
pub mod deals;
pub mod distribution;
pub mod orders;
pub mod program;
pub mod settings;

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::{
    access::{self, Actor, Capability, Level, Operation, RoleId},
    app::App,
    error::{Error, Result},
    records::{self, ObjectType, Record, Save, SectionHooks, Tally, Widget},
    store::TenantTx,
};
pub use channel::channel;
use program::{Figures, Measure, Obligation, Standing, Tier};

pub const PARTNERSHIP: &str = "partnership";
pub const CHANGE: &str = "partnership_change";
pub const TIER: &str = "partner_tier";
pub const PARAMETER: &str = "tier_parameter";
pub const CATEGORY: &str = "partner_category";
pub const LEAD: &str = "lead";
pub const OPPORTUNITY: &str = "opportunity";
pub const DEAL: &str = "deal_registration";
pub const ORDER: &str = "sales_order";
pub const ORDER_LINE: &str = "sales_order_line";
pub const DOCUMENT: &str = "partner_document";
pub const ACTIVITY: &str = "marketing_activity";
pub const TRAINING: &str = "partner_training";

/// The parameter categories a partner program starts with.
pub fn starting_categories() -> [Value; 6] {
    [
        json!({ "name": "Number of leads", "measure": "leads" }),
        json!({ "name": "Amount of won opportunities", "measure": "won_amount", "unit": "EUR" }),
        json!({ "name": "Number of won opportunities", "measure": "won_count" }),
        json!({ "name": "Number of certified experts", "measure": "certified_experts" }),
        json!({ "name": "Margin", "measure": "none" }),
        json!({ "name": "Marketing budget", "measure": "none" }),
    ]
}

/// The source of the rights a partnership gives its partner's organization.
const SHARED_WITH_PARTNER: &str = "partnership";

fn text<'a>(data: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    data.get(field)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

fn object<'a>(actor: &'a Actor, code: &str) -> Result<&'a std::sync::Arc<ObjectType>> {
    actor
        .catalog
        .get(code)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("partner object {code} is missing")))
}

/// The partner section's rules.
#[derive(Debug)]
pub struct Partners;

#[async_trait::async_trait]
impl SectionHooks for Partners {
    async fn before_save(
        &self,
        save: Save<'_>,
        tx: &mut TenantTx,
        data: &mut Map<String, Value>,
    ) -> Result<()> {
        match save.object.code.as_str() {
            PARTNERSHIP => prepare_partnership(save, tx, data).await,
            DEAL => deals::prepare(save, tx, data).await,
            ORDER_LINE => {
                orders::prepare_line(data);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    async fn after_save(&self, save: Save<'_>, tx: &mut TenantTx, record: &Record) -> Result<()> {
        match save.object.code.as_str() {
            PARTNERSHIP => {
                let organization = organization_of(save.actor, record)?;
                // A partnership moved to another partner is no longer the first one's.
                if let Some(before) = save.previous.map(|p| organization_of(save.actor, p))
                    && let Ok(before) = before
                    && before != organization
                {
                    access::records::revoke_by_process(
                        tx,
                        &record.object,
                        record.id,
                        &before.to_string(),
                        SHARED_WITH_PARTNER,
                    )
                    .await?;
                }
                access::records::grant_by_process(
                    tx,
                    &record.object,
                    record.id,
                    &organization.to_string(),
                    Level::Read,
                    SHARED_WITH_PARTNER,
                )
                .await?;
                recalculate(save.app, tx, save.actor, record).await?;
                Ok(())
            }
            DEAL => deals::after_save(save, tx, record).await,
            ORDER_LINE => orders::total_of_order(save, tx, record).await,
            LEAD | OPPORTUNITY | TRAINING => {
                if save.object.code.as_str() == LEAD {
                    distribution::after_save(save, tx, record).await?;
                }
                let Some(organization) = &record.organization else {
                    return Ok(());
                };
                // Counted by the jobs worker once this save commits, once for many saves.
                for partnership in partnerships_of(tx, save.actor, organization).await? {
                    let id = partnership.id.to_string();
                    crate::jobs::enqueue(save.app, tx, crate::jobs::RECALCULATE_PARTNERSHIP, &id)
                        .await?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    async fn after_delete(
        &self,
        save: Save<'_>,
        tx: &mut TenantTx,
        deleted: &Record,
    ) -> Result<()> {
        match save.object.code.as_str() {
            ORDER_LINE => orders::total_of_order(save, tx, deleted).await,
            _ => Ok(()),
        }
    }

    /// Converting a lead opens an opportunity for its company, which the lead then names; offers
    /// of leads and approvals of deals set their times.
    async fn on_action(
        &self,
        app: &App,
        actor: &Actor,
        (object, lead): (&ObjectType, &Record),
        action: &str,
        _comment: Option<&str>,
    ) -> Result<records::Decision> {
        match (object.code.as_str(), action) {
            (LEAD, "convert") => {}
            (LEAD, _) => return distribution::on_action(app, actor, lead, action).await,
            (DEAL, "approve") => return deals::on_approve(app, actor).await,
            // On demand: the save that stamps the time recalculates, like any save.
            (PARTNERSHIP, "recalculate") => {
                let mut changes = Map::new();
                changes.insert("recalculated_at".into(), json!(app.clock.now()));
                return Ok(records::Decision {
                    status: None,
                    changes: Some(changes),
                });
            }
            _ => return Ok(records::Decision::default()),
        }
        let company = text(&lead.data, "company").unwrap_or_default();
        let mut data = json!({ "title": company, "prospect": company });
        if let Some(budget) = lead.data.get("budget") {
            data["amount"] = budget.clone();
        }
        let opportunity = records::create(app, actor, OPPORTUNITY, data).await?;
        let mut changes = Map::new();
        changes.insert("opportunity".into(), opportunity["id"].clone());
        Ok(records::Decision {
            status: None,
            changes: Some(changes),
        })
    }

    /// The program's summary and the partner's analytics, for members of partner organizations.
    async fn main_page(&self, app: &App, actor: &Actor) -> Vec<Widget> {
        let mut widgets = Vec::new();
        if let Ok(Some(summary)) = summary(app, actor).await {
            widgets.push(Widget::new("partner_program", summary));
        }
        if actor.organization.is_some()
            && let Ok(charts) = analytics(app, actor).await
        {
            widgets.push(Widget::new("partner_analytics", charts));
        }
        widgets
    }
}

/// Partners add and edit the accounts they sell to and compete with, never a partner's or the
/// tenant's own; an account's type decides whether its organization is in the partner portal.
#[derive(Debug)]
pub struct PartnerAccounts;

#[async_trait::async_trait]
impl SectionHooks for PartnerAccounts {
    async fn before_save(
        &self,
        save: Save<'_>,
        _tx: &mut TenantTx,
        data: &mut Map<String, Value>,
    ) -> Result<()> {
        let reserved = ["Partner", "Our company"];
        if save.object.code.as_str() == "account"
            && save.actor.kind == crate::users::UserKind::External
            && text(data, "type").is_some_and(|t| reserved.contains(&t))
        {
            return Err(Error::invalid_field(
                "type",
                crate::tr!("partners-account-type-reserved"),
            ));
        }
        Ok(())
    }

    /// An account that becomes a partner's (or stops being one) takes its portal organization
    /// into the partner portal (or out of it).
    async fn after_save(&self, save: Save<'_>, tx: &mut TenantTx, account: &Record) -> Result<()> {
        let partner = |data: &Map<String, Value>| text(data, "type") == Some("Partner");
        let was = save.previous.is_some_and(|p| partner(&p.data));
        if save.object.code.as_str() != "account"
            || save.previous.is_none()
            || was == partner(&account.data)
        {
            return Ok(());
        }
        let id = account.id.to_string();
        access::config::place_organization(save.app, tx, save.actor, &id, !was).await?;
        Ok(())
    }
}

/// A partnership names its partner, has a period (a year from its start unless set), takes its
/// name from the partner, starts below the first tier of its type, and is the partner's only one.
async fn prepare_partnership(
    save: Save<'_>,
    tx: &mut TenantTx,
    data: &mut Map<String, Value>,
) -> Result<()> {
    let actor = save.actor;
    let account_id = text(data, "account").unwrap_or_default().to_owned();
    let account = match records::RecordId::parse(&account_id) {
        Ok(id) => records::find_unchecked(tx, object(actor, "account")?, id).await?,
        Err(_) => None,
    };
    let Some(account) = account else {
        return Err(Error::invalid_field(
            "account",
            crate::tr!("partners-no-account"),
        ));
    };
    if text(&account.data, "type") != Some("Partner") {
        return Err(Error::invalid_field(
            "account",
            crate::tr!("partners-account-not-partner"),
        ));
    }
    if partner_organization(actor, &account_id).is_none() {
        return Err(Error::invalid_field(
            "account",
            crate::tr!("partners-account-without-organization"),
        ));
    }
    let others =
        records::find_by_field_unchecked(tx, object(actor, PARTNERSHIP)?, "account", &account_id)
            .await?;
    if others
        .iter()
        .any(|other| save.previous.is_none_or(|p| p.id != other.id))
    {
        return Err(Error::invalid_field(
            "account",
            crate::tr!("partners-one-partnership"),
        ));
    }
    if text(data, "name").is_none() {
        let name = text(&account.data, "name").unwrap_or("Partner").to_owned();
        data.insert("name".into(), json!(name));
    }
    let start = text(data, "start_date").and_then(|d| d.parse::<NaiveDate>().ok());
    if let (Some(start), None) = (start, text(data, "due_date")) {
        let due = start
            .checked_add_months(chrono::Months::new(12))
            .map(|d| d - Duration::days(1))
            .unwrap_or(start);
        data.insert("due_date".into(), json!(due.to_string()));
    }
    if let (Some(start), Some(due)) = (start, text(data, "due_date"))
        && due.parse::<NaiveDate>().is_ok_and(|due| due < start)
    {
        return Err(Error::invalid_field(
            "due_date",
            crate::tr!("partners-due-before-start"),
        ));
    }
    if let Some(tier) = text(data, "tier") {
        let tiers = records::RecordId::parse(tier).ok();
        let found = match tiers {
            Some(id) => records::find_unchecked(tx, object(actor, TIER)?, id).await?,
            None => None,
        };
        if found.is_none_or(|t| text(&t.data, "partner_type") != text(data, "partner_type")) {
            return Err(Error::invalid_field(
                "tier",
                crate::tr!("partners-tier-of-another-type"),
            ));
        }
    }
    if save.previous.is_none() {
        data.insert("points".into(), json!(0));
    }
    Ok(())
}

/// The portal organization of a partner account.
fn partner_organization(actor: &Actor, account: &str) -> Option<RoleId> {
    actor
        .policy
        .roles()
        .find(|r| r.account.as_deref() == Some(account))
        .map(|r| r.id)
}

fn organization_of(actor: &Actor, partnership: &Record) -> Result<RoleId> {
    text(&partnership.data, "account")
        .and_then(|account| partner_organization(actor, account))
        .ok_or_else(|| {
            Error::invalid_field(
                "account",
                crate::tr!("partners-account-without-organization"),
            )
        })
}

/// The partnerships of an organization's account.
async fn partnerships_of(
    tx: &mut TenantTx,
    actor: &Actor,
    organization: &str,
) -> Result<Vec<Record>> {
    let Some(account) = organization
        .parse::<RoleId>()
        .ok()
        .and_then(|id| actor.policy.role(id))
        .and_then(|role| role.account.clone())
    else {
        return Ok(Vec::new());
    };
    let Some(partnerships) = actor.catalog.get(PARTNERSHIP) else {
        return Ok(Vec::new());
    };
    records::find_by_field_unchecked(tx, partnerships, "account", &account).await
}

/// The tiers of a partner type, with their obligations and benefits.
#[derive(Debug, Clone, Serialize)]
pub struct Program {
    pub tiers: Vec<TierView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierView {
    pub id: String,
    pub name: String,
    pub rank: i64,
    pub points_needed: i64,
    pub obligations: Vec<ObligationView>,
    pub benefits: Vec<BenefitView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObligationView {
    pub category: String,
    pub measure: Measure,
    pub unit: Option<String>,
    pub target: f64,
    pub points: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BenefitView {
    pub category: String,
    pub value: String,
}

impl Program {
    fn rule(&self) -> Vec<Tier> {
        self.tiers
            .iter()
            .map(|t| Tier {
                id: t.id.clone(),
                rank: t.rank,
                points_needed: t.points_needed,
                obligations: t
                    .obligations
                    .iter()
                    .map(|o| Obligation {
                        category: o.category.clone(),
                        measure: o.measure,
                        target: o.target,
                        points: o.points,
                    })
                    .collect(),
            })
            .collect()
    }

    fn tier(&self, id: Option<&str>) -> Option<&TierView> {
        id.and_then(|id| self.tiers.iter().find(|t| t.id == id))
    }
}

/// Reads a partner type's program: its tiers in order, each with its parameters.
async fn program(tx: &mut TenantTx, actor: &Actor, partner_type: &str) -> Result<Program> {
    let tiers =
        records::find_by_field_unchecked(tx, object(actor, TIER)?, "partner_type", partner_type)
            .await?;
    let categories = records::list_all_unchecked(tx, object(actor, CATEGORY)?).await?;
    let category = |id: Option<&str>| {
        categories
            .iter()
            .find(|c| Some(c.id.to_string().as_str()) == id)
    };
    let mut views = Vec::new();
    for tier in tiers {
        let parameters = records::find_by_field_unchecked(
            tx,
            object(actor, PARAMETER)?,
            "tier",
            &tier.id.to_string(),
        )
        .await?;
        let mut obligations = Vec::new();
        let mut benefits = Vec::new();
        for parameter in parameters {
            let Some(found) = category(text(&parameter.data, "category")) else {
                continue;
            };
            let name = text(&found.data, "name").unwrap_or_default().to_owned();
            let number = |field: &str| parameter.data.get(field).and_then(Value::as_f64);
            if text(&parameter.data, "kind") == Some("Benefit") {
                benefits.push(BenefitView {
                    category: name,
                    value: text(&parameter.data, "value")
                        .unwrap_or_default()
                        .to_owned(),
                });
            } else {
                obligations.push(ObligationView {
                    category: name,
                    measure: Measure::parse(text(&found.data, "measure").unwrap_or_default()),
                    unit: text(&found.data, "unit").map(str::to_owned),
                    target: number("target").unwrap_or_default(),
                    points: number("points").unwrap_or_default() as i64,
                });
            }
        }
        let integer = |field: &str| {
            tier.data
                .get(field)
                .and_then(Value::as_i64)
                .unwrap_or_default()
        };
        views.push(TierView {
            id: tier.id.to_string(),
            name: text(&tier.data, "name").unwrap_or_default().to_owned(),
            rank: integer("rank"),
            points_needed: integer("points_needed"),
            obligations,
            benefits,
        });
    }
    views.sort_by_key(|t| t.rank);
    Ok(Program { tiers: views })
}

/// The partnership's period as stored times: from its start until the day after its due date.
fn period(partnership: &Record) -> Option<(String, String)> {
    let start = text(&partnership.data, "start_date")?
        .parse::<NaiveDate>()
        .ok()?;
    let due = text(&partnership.data, "due_date")
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .unwrap_or(start + Duration::days(365));
    Some((start.to_string(), (due + Duration::days(1)).to_string()))
}

/// What the partner registered in the partnership's period.
async fn figures(
    tx: &mut TenantTx,
    actor: &Actor,
    organization: &str,
    partnership: &Record,
) -> Result<Figures> {
    let Some((from, until)) = period(partnership) else {
        return Ok(Figures::default());
    };
    let tally = |code: &'static str| -> Result<Tally<'_>> {
        Ok(Tally {
            object: object(actor, code)?,
            organization,
            from: &from,
            until: &until,
            status: None,
            flag: None,
        })
    };
    let (leads, _) = tally(LEAD)?.count_and_sum(tx, "budget").await?;
    let won = Tally {
        status: Some("won"),
        ..tally(OPPORTUNITY)?
    };
    let (won_count, won_amount) = won.count_and_sum(tx, "amount").await?;
    let certified = Tally {
        flag: Some("certified"),
        ..tally(TRAINING)?
    };
    let (certified_experts, _) = certified.count_and_sum(tx, "certified").await?;
    Ok(Figures {
        leads: leads as f64,
        won_amount,
        won_count: won_count as f64,
        certified_experts: certified_experts as f64,
    })
}

fn describe(figures: &Figures) -> String {
    crate::tr!(
        "partners-figures",
        leads = figures.leads,
        won = figures.won_count,
        amount = crate::i18n::current().money(figures.won_amount, "EUR"),
        certified = figures.certified_experts
    )
}

/// Recalculates a partnership from its partner's figures: an inactive one stays as it is; a new
/// tier or new points are saved, each move up and each change of points in its history.
async fn recalculate(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    partnership: &Record,
) -> Result<()> {
    if partnership.data.get("active") == Some(&Value::Bool(false)) {
        return Ok(());
    }
    let Some(partner_type) = text(&partnership.data, "partner_type") else {
        return Ok(());
    };
    let organization = organization_of(actor, partnership)?.to_string();
    let program = program(tx, actor, partner_type).await?;
    let figures = figures(tx, actor, &organization, partnership).await?;
    let current = Standing {
        tier: text(&partnership.data, "tier").map(str::to_owned),
        points: partnership
            .data
            .get("points")
            .and_then(Value::as_i64)
            .unwrap_or_default(),
    };
    let (standing, steps) = program::advance(&program.rule(), &figures, &current);
    // The figures are kept on the partnership too: the console lists every partner's.
    let mut changes = Map::new();
    changes.insert("leads".into(), json!(figures.leads as i64));
    changes.insert("won_count".into(), json!(figures.won_count as i64));
    changes.insert("won_amount".into(), json!(figures.won_amount));
    changes.insert(
        "certified_experts".into(),
        json!(figures.certified_experts as i64),
    );
    changes.insert("tier".into(), json!(standing.tier));
    changes.insert("points".into(), json!(standing.points));
    let stored = |(field, value): (&String, &Value)| {
        let now = partnership.data.get(field).unwrap_or(&Value::Null);
        match (now.as_f64(), value.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ => now == value,
        }
    };
    if changes.iter().all(stored) {
        return Ok(());
    }
    let name = |id: Option<&str>| {
        program
            .tier(id)
            .map_or_else(|| crate::tr!("partners-no-tier"), |t| t.name.clone())
    };
    let shown = describe(&figures);
    let mut history = Vec::new();
    for step in &steps {
        history.push(json!({
            "partnership": partnership.id.to_string(),
            "summary": crate::tr!("partners-moved-up", from = name(step.from.as_deref()), to = name(Some(&step.to)), points = step.earned),
            "from_tier": step.from,
            "to_tier": step.to,
            "points": step.earned,
            "figures": shown,
        }));
    }
    // A move up restarts the points from nothing.
    let before = if steps.is_empty() { current.points } else { 0 };
    if standing.points != before {
        history.push(json!({
            "partnership": partnership.id.to_string(),
            "summary": crate::tr!("partners-points-changed", from = before, to = standing.points, tier = name(standing.tier.as_deref())),
            "points": standing.points,
            "figures": shown,
        }));
    }
    let partnerships = object(actor, PARTNERSHIP)?;
    records::patch_unchecked(app, tx, actor, partnerships, partnership.id, changes).await?;
    let change = object(actor, CHANGE)?;
    for mut entry in history {
        if entry["from_tier"].is_null() {
            entry.as_object_mut().map(|e| e.remove("from_tier"));
        }
        let data = entry.as_object().cloned().unwrap_or_default();
        let record = records::insert(app, tx, actor, change, &data).await?;
        access::records::grant_by_process(
            tx,
            &record.object,
            record.id,
            &organization,
            Level::Read,
            SHARED_WITH_PARTNER,
        )
        .await?;
    }
    Ok(())
}

/// Recalculates a partnership queued for it (gone since: nothing to do).
pub async fn recalculate_queued(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    partnership: &str,
) -> Result<()> {
    let (Some(partnerships), Ok(id)) = (
        actor.catalog.get(PARTNERSHIP),
        records::RecordId::parse(partnership),
    ) else {
        return Ok(());
    };
    match records::find_unchecked(tx, partnerships, id).await? {
        Some(found) => recalculate(app, tx, actor, &found).await,
        None => Ok(()),
    }
}

/// The partner program page: the partnership as its partner sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramPage {
    pub partnership: Value,
    pub tier: Option<TierView>,
    pub next: Option<TierView>,
    pub points: i64,
    /// Points still needed for the next tier.
    pub points_to_go: i64,
    pub progress: Vec<Progress>,
    pub figures: Figures,
    pub trainings: Vec<Value>,
    pub history: Vec<Value>,
    /// The points the latest changes left, as a chart.
    pub points_chart: String,
}

/// One obligation of the next tier against the partner's figure.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub category: String,
    pub measure: Measure,
    pub unit: Option<String>,
    pub value: f64,
    pub target: f64,
    pub points: i64,
    /// Whether Portico counts this measure (it does not count a margin or a budget).
    pub counted: bool,
    pub fulfilled: bool,
    /// 0 to 100, for the progress bar.
    pub percent: u8,
}

/// The actor's own partnership (the active one of their organization), if they may read it.
pub async fn program_page(app: &App, actor: &Actor) -> Result<Option<ProgramPage>> {
    let partnerships = records::object_type(actor, PARTNERSHIP)?;
    access::check(actor, Capability::Records(&partnerships, Operation::Read))?;
    let Some(organization) = actor.organization else {
        return Ok(None);
    };
    let mut tx = app
        .db
        .begin(actor.tenant.id, crate::store::Access::Read)
        .await?;
    let Some(partnership) = partnerships_of(&mut tx, actor, &organization.to_string())
        .await?
        .into_iter()
        .find(|p| p.data.get("active") != Some(&Value::Bool(false)))
    else {
        return Ok(None);
    };
    // The partner reads it through the right its partnership gave the organization.
    if access::records::level(&mut tx, actor, &partnerships.code, partnership.id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let partner_type = text(&partnership.data, "partner_type")
        .unwrap_or_default()
        .to_owned();
    let program = program(&mut tx, actor, &partner_type).await?;
    let figures = figures(&mut tx, actor, &organization.to_string(), &partnership).await?;
    let standing_tier = text(&partnership.data, "tier").map(str::to_owned);
    let next = program::next_tier(&program.rule(), standing_tier.as_deref())
        .and_then(|t| program.tier(Some(&t.id)))
        .cloned();
    let points = partnership
        .data
        .get("points")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    let progress = next
        .iter()
        .flat_map(|n| &n.obligations)
        .map(|o| {
            // What Portico does not count (a margin, a budget) is neither met nor missed here.
            let counted = figures.of(o.measure);
            let value = counted.unwrap_or_default();
            let ratio = match counted {
                None => 0.0,
                Some(_) if o.target <= 0.0 => 1.0,
                Some(value) => (value / o.target).min(1.0),
            };
            Progress {
                category: o.category.clone(),
                measure: o.measure,
                unit: o.unit.clone(),
                value,
                target: o.target,
                points: o.points,
                counted: counted.is_some(),
                fulfilled: counted.is_some_and(|value| value >= o.target),
                percent: (ratio * 100.0).round() as u8,
            }
        })
        .collect();
    let trainings = records::list_in(
        &mut tx,
        actor,
        TRAINING,
        &records::ListRequest {
            limit: Some(20),
            ..Default::default()
        },
    )
    .await
    .map(|page| {
        page.data
            .into_iter()
            .map(|r| serde_json::to_value(r).unwrap_or_default())
            .collect()
    })
    .unwrap_or_default();
    let history = records::find_by_field_unchecked(
        &mut tx,
        object(actor, CHANGE)?,
        "partnership",
        &partnership.id.to_string(),
    )
    .await?
    .into_iter()
    .rev()
    .take(20)
    .collect::<Vec<Record>>();
    let locale = crate::i18n::current();
    // The points each change left, oldest first, as the reader's days.
    let points_bars: Vec<crate::charts::Bar> = history
        .iter()
        .take(8)
        .rev()
        .filter_map(|r| {
            let points = r.data.get("points").and_then(Value::as_f64)?;
            Some(crate::charts::Bar {
                label: locale.day_of(r.created_at.0),
                value: points,
                shown: locale.number(points, 0),
            })
        })
        .collect();
    let points_chart = crate::charts::bars(
        &crate::tr!("partners-points-history"),
        &points_bars,
        &crate::tr!("partners-nothing-yet"),
    );
    let history = history
        .into_iter()
        .map(|r| json!({ "summary": r.data.get("summary"), "figures": r.data.get("figures"), "at": r.created_at }))
        .collect();
    let columns = records::Columns::of(actor, &partnerships);
    Ok(Some(ProgramPage {
        partnership: columns.render(&partnership),
        tier: program.tier(standing_tier.as_deref()).cloned(),
        points_to_go: next
            .as_ref()
            .map_or(0, |n| (n.points_needed - points).max(0)),
        next,
        points,
        progress,
        figures,
        trainings,
        history,
        points_chart,
    }))
}

/// The partner's analytics as charts: its leads by status, opportunities by stage, and the amount
/// won in each of the last six months. Everything is read through the actor's own gates, so a
/// partner's charts count only what its people may see.
#[derive(Debug, Clone, Serialize)]
pub struct Analytics {
    pub leads: String,
    pub opportunities: String,
    pub won_by_month: String,
}

pub async fn analytics(app: &App, actor: &Actor) -> Result<Analytics> {
    let leads = records::object_type(actor, LEAD)?;
    let opportunities = records::object_type(actor, OPPORTUNITY)?;
    for object in [&leads, &opportunities] {
        access::check(actor, Capability::Records(object, Operation::Read))?;
    }
    let mut tx = app
        .db
        .begin(actor.tenant.id, crate::store::Access::Read)
        .await?;
    let locale = crate::i18n::current();
    let by_status = |object: std::sync::Arc<ObjectType>| {
        let statuses: Vec<(String, String)> = object
            .statuses
            .iter()
            .map(|s| (s.code.clone(), object.status_shown(s)))
            .collect();
        (object, statuses)
    };
    let mut charts = Vec::new();
    for (object, statuses) in [by_status(leads), by_status(opportunities)] {
        let mut bars = Vec::new();
        for (code, title) in statuses {
            let request = records::ListRequest {
                filters: vec![format!("status:eq:{code}")],
                ..Default::default()
            };
            let count = records::count_in(&mut tx, actor, object.code.as_str(), &request).await?;
            let value = count.records as f64;
            bars.push(crate::charts::Bar {
                label: title,
                value,
                shown: if count.more {
                    format!("{}+", locale.number(value, 0))
                } else {
                    locale.number(value, 0)
                },
            });
        }
        charts.push(crate::charts::bars(
            &object.plural_shown(),
            &bars,
            &crate::tr!("partners-nothing-yet"),
        ));
    }
    // The won deals of the last six months, newest first, a page of them at most.
    let today = app.clock.now().0.date_naive();
    let months: Vec<String> = (0..6)
        .rev()
        .filter_map(|back| today.checked_sub_months(chrono::Months::new(back)))
        .map(|day| day.format("%Y-%m").to_string())
        .collect();
    let won = records::list_in(
        &mut tx,
        actor,
        OPPORTUNITY,
        &records::ListRequest {
            filters: vec!["status:eq:won".into()],
            sort: Some("-modified_at".into()),
            limit: Some(records::MAX_PAGE),
            ..Default::default()
        },
    )
    .await?;
    let mut sums = vec![0.0; months.len()];
    for deal in &won.data {
        // As the reader sees it: a hidden amount counts nothing.
        let month = deal["data"]["close_date"]
            .as_str()
            .or_else(|| deal["modified_at"].as_str())
            .unwrap_or_default();
        if let Some(i) = months.iter().position(|m| month.starts_with(m.as_str())) {
            sums[i] += deal["data"]["amount"].as_f64().unwrap_or_default();
        }
    }
    let bars: Vec<crate::charts::Bar> = months
        .iter()
        .zip(sums)
        .map(|(month, sum)| crate::charts::Bar {
            label: month.clone(),
            value: sum,
            shown: locale.money(sum, "EUR"),
        })
        .collect();
    let won_by_month = crate::charts::bars(
        &crate::tr!("partners-won-by-month"),
        &bars,
        &crate::tr!("partners-nothing-yet"),
    );
    let mut charts = charts.into_iter();
    Ok(Analytics {
        leads: charts.next().unwrap_or_default(),
        opportunities: charts.next().unwrap_or_default(),
        won_by_month,
    })
}

/// The main page's summary of the actor's partner program.
async fn summary(app: &App, actor: &Actor) -> Result<Option<ProgramPage>> {
    if actor.catalog.get(PARTNERSHIP).is_none() || actor.organization.is_none() {
        return Ok(None);
    }
    program_page(app, actor).await
}
