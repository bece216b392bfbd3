//! `portico demo`: a ready tenant on whatever database is configured, with fixed, documented
//! logins. Running it again leaves the same state. Fixed passwords exist only here.

use anyhow::Context;
use portico_tenants::{Slug, Tenant, TenantStatus};
use serde_json::json;

use std::sync::Arc;

use crate::{
    access::{self, Actor},
    app::App,
    auth::passwords::{self, NewPassword},
    config::Config,
    organizations,
    records::{self, ListRequest},
    store::Access,
    store::TenantTx,
    users::{self, NewUser, User, UserKind},
};

pub const SLUG: &str = "demo";
pub const ADMIN: (&str, &str) = ("admin@demo.test", "demo-admin");
pub const CUSTOMER: (&str, &str) = ("customer@demo.test", "demo-customer");

#[derive(Debug)]
pub struct Demo {
    pub tenant: Tenant,
}

impl Demo {
    pub fn instructions(&self, config: &Config) -> String {
        let origin = config.tenant_origin(self.tenant.slug.as_str());
        format!(
            "\nPortico demo is running.\n\n  \
             Portal   {origin}/\n           sign in as {} / {}\n\n  \
             Console  {origin}/console\n           sign in as {} / {}\n\n  \
             API      {origin}/api/v1/openapi.json\n\nPress Ctrl-C to stop.\n",
            CUSTOMER.0, CUSTOMER.1, ADMIN.0, ADMIN.1
        )
    }
}

/// Creates the demo tenant, its two users and a little sample data, or brings them back to the
/// documented state.
pub async fn ensure(app: &App) -> anyhow::Result<Demo> {
    let slug = Slug::parse(SLUG).expect("demo is a valid slug");
    let mut global = app.db.begin_global().await?;
    let tenant = match portico_tenants::find_by_slug(global.conn(), &slug).await? {
        Some(tenant) if tenant.status == TenantStatus::Active => tenant,
        Some(_) => portico_tenants::set_status(global.conn(), &slug, TenantStatus::Active).await?,
        None => {
            portico_tenants::create(global.conn(), &slug, "Demo Company", app.clock.now().0).await?
        }
    };
    let mut tx = global.enter(tenant.id).await?;
    let roles = access::defaults::apply(app, &mut tx).await?;
    let admin = ensure_user(
        app,
        &mut tx,
        ADMIN,
        "Demo Administrator",
        UserKind::Employee,
    )
    .await?;
    access::defaults::make_administrator(&mut tx, roles, admin.id).await?;
    ensure_user(app, &mut tx, CUSTOMER, "Demo Customer", UserKind::External).await?;
    let admin = access::actor(app, &mut tx, Arc::new(tenant.clone()), admin).await?;
    tx.commit().await?;
    seed_records(app, &admin).await?;
    Ok(Demo { tenant })
}

async fn ensure_user(
    app: &App,
    tx: &mut TenantTx,
    (login, password): (&str, &str),
    full_name: &str,
    kind: UserKind,
) -> anyhow::Result<User> {
    let found = users::storage::find_active_by_login(tx, login).await?;
    if let Some((user, hash)) = found {
        if !passwords::verify(password, hash).await {
            let hash = NewPassword::parse(password, login)?.hash().await?;
            users::storage::set_password_hash(tx, user.id, &hash).await?;
        }
        return Ok(user);
    }
    let new = NewUser::parse(login, full_name, kind.as_str())?;
    let hash = NewPassword::parse(password, login)?.hash().await?;
    users::storage::insert(tx, &new, Some(hash), app.clock.now())
        .await?
        .with_context(|| format!("{login} exists but is deactivated"))
}

async fn seed_records(app: &App, admin: &Actor) -> anyhow::Result<()> {
    let first = ListRequest {
        limit: Some(1),
        ..ListRequest::default()
    };
    let existing = records::list(app, admin, "account", &first).await?;
    if !existing.data.is_empty() {
        return Ok(());
    }
    let account = records::create(
        app,
        admin,
        "account",
        json!({ "name": "Acme Corporation", "type": "Customer", "city": "Boston",
                "country": "United States", "phone": "+1 617 555 0100" }),
    )
    .await?;
    let contact = records::create(
        app,
        admin,
        "contact",
        json!({ "full_name": "Demo Customer", "email": CUSTOMER.0, "job_title": "IT manager",
                "account": account["id"] }),
    )
    .await?;
    // The customer is Acme's contact and administers Acme's portal organization.
    let account_id = account["id"].as_str().unwrap_or_default();
    let organization = organizations::create(app, admin, account_id, None).await?;
    let mut tx = app.db.begin(admin.tenant.id, Access::Write).await?;
    if let Some((customer, _)) = users::storage::find_active_by_login(&mut tx, CUSTOMER.0).await? {
        let contact_id = contact["id"].as_str().unwrap_or_default();
        users::storage::set_contact(&mut tx, customer.id, contact_id).await?;
        users::storage::set_organization(&mut tx, customer.id, Some(organization), true).await?;
        access::audit(
            app,
            &mut tx,
            admin,
            "organization.members.add",
            format!("role:{organization}"),
            None,
            Some(json!({ "users": [CUSTOMER.0], "admin": true })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
