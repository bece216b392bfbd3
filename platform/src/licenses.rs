//! Portal licenses (the rules are `portico_tenants::licenses`): which license each active external
//! user holds, how many a tenant may hand out, and moving users between them. Every decision to
//! hand one out happens with the tenant's licenses locked, so concurrent activations never
//! exceed what the tenant has.

use std::collections::BTreeMap;

use portico_tenants::{
    Configuration, Tenant,
    licenses::{self, LicenseRefusal, Purchased},
};
use serde::Serialize;
use serde_json::json;

use crate::{
    access::{self, Actor, Capability, RoleId},
    app::App,
    error::{Error, Result},
    sections::installed::configurations,
    store::{Access, TenantTx},
    users::{
        self, User, UserId, UserKind, UserPage, UserQuery,
        storage::{self, UserFilter},
    },
};

/// The settings key of what the tenant bought.
const PURCHASED: &str = "licenses";

/// One configuration's licenses.
#[derive(Debug, Clone, Serialize)]
pub struct LicenseUse {
    pub configuration: Configuration,
    pub title: String,
    /// Held by active external users.
    pub used: u64,
    /// How many may be held (`None`: not metered).
    pub available: Option<u64>,
    /// List price in US dollars per user per year (0: free).
    pub price_usd: u64,
}

/// A tenant's licenses: one entry per configuration it runs.
#[derive(Debug, Clone, Serialize)]
pub struct Licenses {
    pub licenses: Vec<LicenseUse>,
    /// Active employee users: each brings free self-service licenses.
    pub employees: u64,
    pub free_self_service: u64,
    pub purchased: Purchased,
    /// Licenses held of configurations the tenant no longer runs (they keep working until moved).
    pub held_elsewhere: u64,
    /// API calls a day each portal user may make, and the most the operator allows.
    pub api_calls_a_day: u64,
    pub api_calls_ceiling: u64,
    /// The subscription's state, when billing is on.
    pub billing: Option<crate::billing::BillingView>,
}

/// The configuration's name as people read it.
pub fn title(configuration: Configuration) -> String {
    match configuration {
        Configuration::SelfService => crate::tr!("licenses-self-service"),
        Configuration::Customer => crate::tr!("licenses-customer"),
        Configuration::Partner => crate::tr!("licenses-partner"),
    }
}

/// A license named by its configuration (`self-service`, `customer`, `partner`).
pub fn parse_license(text: &str) -> Result<Configuration> {
    Configuration::parse(text.trim())
        .ok_or_else(|| Error::invalid_field("license", crate::tr!("licenses-unknown")))
}

/// What the tenant bought as stored: with billing on, a license it never bought is none, not
/// unmetered.
fn bought(app: &App, stored: Purchased) -> Purchased {
    if app.stripe.is_some() {
        stored.metered()
    } else {
        stored
    }
}

/// Locks the tenant's licenses until `tx` ends and reads what it bought. (An upsert that changes
/// nothing still locks its row on PostgreSQL; SQLite's writer holds the whole database.)
async fn lock(app: &App, tx: &mut TenantTx) -> Result<Purchased> {
    let value: String = sqlx::query_scalar(
        "INSERT INTO settings (tenant_id, key, value) VALUES ($1, $2, '{}')
         ON CONFLICT (tenant_id, key) DO UPDATE SET value = settings.value RETURNING value",
    )
    .bind(tx.tenant_param())
    .bind(PURCHASED)
    .fetch_one(tx.conn())
    .await?;
    let stored = serde_json::from_str(&value).map_err(|e| Error::Internal(e.into()))?;
    Ok(bought(app, stored))
}

async fn read(app: &App, tx: &mut TenantTx, tenant: &Tenant) -> Result<Licenses> {
    let purchased: Purchased = match crate::store::settings::get(tx, PURCHASED).await? {
        Some(value) => serde_json::from_str(&value).map_err(|e| Error::Internal(e.into()))?,
        None => Purchased::default(),
    };
    let purchased = bought(app, purchased);
    let runs = configurations(tx).await?;
    let (held, employees) = storage::license_use(tx).await?;
    // As saved, not as this node's directory of tenants last saw it.
    let saved = portico_tenants::find_by_id(tx.conn(), tenant.id)
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    let used = |c: &Configuration| held.get(c).copied().unwrap_or_default();
    Ok(Licenses {
        licenses: runs
            .iter()
            .map(|&configuration| LicenseUse {
                configuration,
                title: title(configuration),
                used: used(&configuration),
                available: purchased.available(configuration, employees),
                price_usd: licenses::list_price_usd(configuration),
            })
            .collect(),
        employees,
        free_self_service: licenses::free_self_service(employees),
        purchased,
        held_elsewhere: held
            .iter()
            .filter(|(c, _)| !runs.contains(c))
            .map(|(_, n)| n)
            .sum(),
        api_calls_a_day: saved.as_ref().unwrap_or(tenant).api_calls_a_day(),
        api_calls_ceiling: app.config.api_calls_ceiling,
        billing: crate::billing::view(app, saved.as_ref().unwrap_or(tenant)),
    })
}

/// The tenant's licenses, for those who manage portal users.
pub async fn overview(app: &App, actor: &Actor) -> Result<Licenses> {
    access::check(actor, Capability::ManagePortalUsers)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    read(app, &mut tx, &actor.tenant).await
}

/// A page of the users holding a license of `configuration` (active or not).
pub async fn holders(
    app: &App,
    actor: &Actor,
    configuration: Configuration,
    query: &UserQuery,
) -> Result<UserPage> {
    access::check(actor, Capability::ManagePortalUsers)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    users::page_in(&mut tx, actor, query, |filter: &mut UserFilter<'_>| {
        filter.kind = Some(UserKind::External);
        filter.active_only = true;
        filter.license = Some(configuration);
    })
    .await
}

/// Why a license cannot be had, in words.
fn refusal(refused: LicenseRefusal, employees: u64, purchased: &Purchased) -> Error {
    Error::Conflict(match refused {
        LicenseRefusal::NotRun(configuration) => {
            crate::tr!("licenses-not-run", configuration = title(configuration))
        }
        LicenseRefusal::Exhausted {
            configuration: Configuration::SelfService,
            used,
            available,
        } => crate::tr!(
            "licenses-self-service-exhausted",
            used = used,
            available = available,
            employees = employees,
            packs = purchased.self_service_packs
        ),
        LicenseRefusal::Exhausted {
            configuration,
            used,
            available,
        } => crate::tr!(
            "licenses-exhausted",
            configuration = title(configuration),
            used = used,
            available = available
        ),
    })
}

/// The tenant's licenses as a transaction that locked them sees them: what it has, runs and
/// uses, counted on as the transaction grants more. Locked once, it grants to many users (an
/// import) without counting everyone again for each.
#[derive(Debug, Clone)]
pub(crate) struct Seats {
    purchased: Purchased,
    runs: Vec<Configuration>,
    held: BTreeMap<Configuration, u64>,
    employees: u64,
}

impl Seats {
    /// Locks the tenant's licenses until `tx` ends, and counts them.
    pub(crate) async fn lock(app: &App, tx: &mut TenantTx) -> Result<Self> {
        let purchased = lock(app, tx).await?;
        let runs = configurations(tx).await?;
        let (held, employees) = storage::license_use(tx).await?;
        Ok(Self {
            purchased,
            runs,
            held,
            employees,
        })
    }

    /// Refuses, saying why, when `wanted` more licenses of `license` do not fit in what the
    /// tenant has.
    fn admit(&self, license: Configuration, wanted: u64) -> Result<()> {
        let used = self.held.get(&license).copied().unwrap_or_default();
        licenses::admit(
            license,
            &self.runs,
            used,
            self.purchased.available(license, self.employees),
            wanted,
        )
        .map_err(|refused| refusal(refused, self.employees, &self.purchased))
    }

    /// Gives an external user (new, being reactivated, or moving) a license of `wanted`, or the
    /// one they would take by default: refused, with the reason, when none is free. Call it
    /// before reactivating a user, so they do not count themselves.
    pub(crate) async fn grant(
        &mut self,
        app: &App,
        tx: &mut TenantTx,
        user: &User,
        wanted: Option<Configuration>,
    ) -> Result<Configuration> {
        let license = match wanted {
            Some(license) => license,
            None => licenses::default_license(
                &self.runs,
                access::is_partner_organization(tx, user.organization).await?,
            ),
        };
        let active = user.deactivated_at.is_none();
        if !active || user.license.is_none() {
            crate::billing::check_activation(app, tx).await?;
        }
        if !(active && user.license == Some(license)) {
            self.admit(license, 1)?;
            *self.held.entry(license).or_default() += 1;
            if let (true, Some(before)) = (active, user.license) {
                self.held
                    .entry(before)
                    .and_modify(|n| *n = n.saturating_sub(1));
            }
        }
        storage::set_license(tx, user.id, license).await?;
        Ok(license)
    }
}

/// [`Seats::grant`] for one user, in the caller's transaction.
pub(crate) async fn grant(
    app: &App,
    tx: &mut TenantTx,
    user: &User,
    wanted: Option<Configuration>,
) -> Result<Configuration> {
    Seats::lock(app, tx)
        .await?
        .grant(app, tx, user, wanted)
        .await
}

/// [`grant`] for a user known by id.
pub(crate) async fn grant_to(
    app: &App,
    tx: &mut TenantTx,
    user: UserId,
    wanted: Option<Configuration>,
) -> Result<Configuration> {
    let user = storage::find(tx, user)
        .await?
        .ok_or(Error::NotFound("user"))?;
    grant(app, tx, &user, wanted).await
}

/// Moves the active members of a portal organization to the license they now take by default
/// (the partner license when it became a partner organization, back when it stopped being one):
/// all of them, in one statement, or none when there is not room for all.
pub(crate) async fn follow_organization(
    app: &App,
    tx: &mut TenantTx,
    organization: RoleId,
) -> Result<()> {
    let seats = Seats::lock(app, tx).await?;
    let license = licenses::default_license(
        &seats.runs,
        access::is_partner_organization(tx, Some(organization)).await?,
    );
    let moving = storage::members_holding_other_than(tx, organization, license).await?;
    if moving == 0 {
        return Ok(());
    }
    seats.admit(license, moving)?;
    storage::set_members_license(tx, organization, license).await?;
    Ok(())
}

/// Moves the holders of licenses of configurations the tenant no longer runs to the license they
/// now take by default, as far as licenses are free; the others keep theirs (the Licenses page
/// counts them) until an administrator moves them.
pub(crate) async fn rehome(app: &App, tx: &mut TenantTx) -> Result<()> {
    let runs = configurations(tx).await?;
    let names: Vec<&str> = runs.iter().map(|c| c.as_str()).collect();
    let (open, values, close) = tx.dialect().one_of(&names);
    let stranded: Vec<UserId> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM users WHERE tenant_id = $1 AND kind = 'external'
         AND deactivated_at IS NULL AND (license IS NULL OR NOT license{open}$2{close})"
    )))
    .bind(tx.tenant_param())
    .bind(values)
    .fetch_all(tx.conn())
    .await?;
    let mut seats = Seats::lock(app, tx).await?;
    for user in stranded {
        let user = storage::find(tx, user)
            .await?
            .ok_or(Error::NotFound("user"))?;
        match seats.grant(app, tx, &user, None).await {
            Ok(_) | Err(Error::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// Moves a portal user to a license of `to`, if one is free.
pub async fn move_user(app: &App, actor: &Actor, id: UserId, to: Configuration) -> Result<User> {
    access::check(actor, Capability::ManagePortalUsers)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let user = storage::find(&mut tx, id)
        .await?
        .filter(|u| u.kind == UserKind::External)
        .ok_or(Error::NotFound("user"))?;
    grant(app, &mut tx, &user, Some(to)).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "license.move",
        format!("user:{id}"),
        Some(json!({ "license": user.license })),
        Some(json!({ "license": to })),
    )
    .await?;
    let moved = storage::find(&mut tx, id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    tx.commit().await?;
    Ok(moved)
}

/// Sets what a tenant bought (the operator's command; refused while billing is on, where the
/// subscription says). Fewer than are held blocks new activations; nobody loses theirs.
pub async fn set_purchased(app: &App, tenant: &Tenant, purchased: Purchased) -> Result<Licenses> {
    if app.stripe.is_some() {
        return Err(Error::Conflict(crate::tr!("licenses-billing-on")));
    }
    give(app, tenant, purchased).await
}

/// Sets what a tenant has, whoever decided it (the operator, or the demo, which starts with seats
/// even with billing on: a purchase then replaces them).
pub(crate) async fn give(app: &App, tenant: &Tenant, purchased: Purchased) -> Result<Licenses> {
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let before = store_purchased(app, &mut tx, purchased).await?;
    access::audit_platform(
        app,
        &mut tx,
        "license.purchase",
        "licenses".to_owned(),
        Some(json!(before)),
        Some(json!(purchased)),
    )
    .await?;
    let licenses = read(app, &mut tx, tenant).await?;
    tx.commit().await?;
    Ok(licenses)
}

/// Stores what the tenant has bought, in the caller's transaction; answers what it had.
pub(crate) async fn store_purchased(
    app: &App,
    tx: &mut TenantTx,
    purchased: Purchased,
) -> Result<Purchased> {
    let before = lock(app, tx).await?;
    let value = serde_json::to_string(&purchased).map_err(|e| Error::Internal(e.into()))?;
    crate::store::settings::put(tx, PURCHASED, &value).await?;
    Ok(before)
}

/// The tenant's licenses as the operator sees them.
pub async fn of_tenant(app: &App, tenant: &Tenant) -> Result<Licenses> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    read(app, &mut tx, tenant).await
}

/// Sets how many API calls a day each portal user may make (at most the operator's ceiling).
pub async fn set_api_calls_a_day(app: &App, actor: &Actor, calls: u64) -> Result<u64> {
    access::check(actor, Capability::ManagePortalUsers)?;
    let ceiling = app.config.api_calls_ceiling;
    if !(1..=ceiling).contains(&calls) {
        return Err(Error::invalid_field(
            "api_calls_a_day",
            crate::tr!("licenses-api-calls-range", max = ceiling),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    portico_tenants::set_api_calls_a_day(tx.conn(), actor.tenant.id, Some(calls))
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    access::audit(
        app,
        &mut tx,
        actor,
        "tenant.api_calls_a_day",
        "tenant".to_owned(),
        Some(json!(actor.tenant.api_calls_a_day())),
        Some(json!(calls)),
    )
    .await?;
    tx.commit().await?;
    Ok(calls)
}
