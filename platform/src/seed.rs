//! `portico seed`: the load benchmark's data set, on the demo tenant, made through the services as
//! people would make it (articles written and published by the administrator, organizations and
//! their members added in the console, cases opened by their customers). Never run it on a tenant
//! that matters: it adds thousands of records.

use std::{sync::Arc, time::Instant};

use anyhow::Context;
use serde_json::json;
use tokio::task::JoinSet;

use crate::{
    access::Actor,
    app::App,
    demo, organizations, records,
    sections::cases::{self, PortalAction},
    store::Access,
};

/// How much to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Size {
    /// The demo customer with 1,000 cases (800 open), 20 other customers with 25 each, 200
    /// published articles: the data set of the measurements beside the PHP peer.
    Small,
    /// 10,000 more portal users in 500 organizations with 100 cases each (1,000,000 cases), and
    /// 5,000 published articles.
    Large,
}

#[derive(Debug, Clone, Copy)]
struct Plan {
    articles: usize,
    /// The demo customer's cases, and how many of them stay open.
    own_cases: usize,
    own_open: usize,
    organizations: usize,
    users_per_organization: usize,
    cases_per_user: usize,
}

impl Size {
    fn plan(self) -> Plan {
        match self {
            Self::Small => Plan {
                articles: 200,
                own_cases: 1_000,
                own_open: 800,
                organizations: 20,
                users_per_organization: 1,
                cases_per_user: 25,
            },
            Self::Large => Plan {
                articles: 5_000,
                own_cases: 1_000,
                own_open: 800,
                organizations: 500,
                users_per_organization: 20,
                cases_per_user: 100,
            },
        }
    }
}

/// Writers at once: PostgreSQL takes them in parallel, SQLite one at a time anyway.
fn writers(app: &App) -> usize {
    match app.db.dialect() {
        crate::store::Dialect::Postgres => 8,
        crate::store::Dialect::Sqlite => 2,
    }
}

/// Makes the demo tenant (as `portico demo` does) and adds the data set to it, unless it is there
/// already (the demo customer then has its cases). Prints progress on standard error.
pub async fn run(app: &Arc<App>, size: Size) -> anyhow::Result<()> {
    let plan = size.plan();
    let started = Instant::now();
    let demo = demo::ensure(app).await?;
    let admin = demo::actor_of(app, &demo.tenant, demo::ADMIN.0).await?;
    let customer = demo::actor_of(app, &demo.tenant, demo::CUSTOMER.0).await?;
    if count_own_cases(app, &customer).await? >= plan.own_cases {
        eprintln!("The demo tenant holds the data set already.");
        return Ok(());
    }
    let services = service_ids(app, &admin).await?;
    eprintln!("Writing {} articles ...", plan.articles);
    write_articles(app, &admin, plan.articles).await?;
    eprintln!(
        "Opening {} cases of {} ...",
        plan.own_cases,
        demo::CUSTOMER.0
    );
    open_cases(app, &customer, &services, plan.own_cases, plan.own_open).await?;
    eprintln!(
        "Adding {} organizations of {} customers with {} cases each ...",
        plan.organizations, plan.users_per_organization, plan.cases_per_user
    );
    license_packs(app, &demo.tenant, plan).await?;
    add_organizations(app, &admin, &services, plan).await?;
    analyze(app).await?;
    eprintln!("Seeded in {:.0?}.", started.elapsed());
    Ok(())
}

/// Buys the self-service licenses the data set's portal users need beyond the demo's free ones.
async fn license_packs(
    app: &App,
    tenant: &portico_tenants::Tenant,
    plan: Plan,
) -> anyhow::Result<()> {
    let users = (plan.organizations * plan.users_per_organization) as u64;
    let packs = users.div_ceil(portico_tenants::licenses::SELF_SERVICE_PACK);
    let mut purchased = crate::licenses::of_tenant(app, tenant).await?.purchased;
    if purchased.self_service_packs < packs {
        purchased.self_service_packs = packs;
        crate::licenses::set_purchased(app, tenant, purchased).await?;
    }
    Ok(())
}

/// Has PostgreSQL look at the new rows now, as its autovacuum would in a while: a benchmark that
/// starts at once must not measure plans made for empty tables.
async fn analyze(app: &App) -> anyhow::Result<()> {
    if app.db.dialect() != crate::store::Dialect::Postgres {
        return Ok(());
    }
    let mut conn = app.db.global().await?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() AND tableowner = current_user",
    )
    .fetch_all(&mut *conn)
    .await?;
    for table in tables {
        sqlx::query(sqlx::AssertSqlSafe(format!("ANALYZE \"{table}\"")))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn count_own_cases(app: &App, customer: &Actor) -> anyhow::Result<usize> {
    let mut tx = app.db.begin(customer.tenant.id, Access::Read).await?;
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM records WHERE tenant_id = $1 AND object = $2 AND created_by = $3",
    )
    .bind(tx.tenant_param())
    .bind(cases::OBJECT)
    .bind(customer.user.to_string())
    .fetch_one(tx.conn())
    .await?;
    Ok(usize::try_from(n).unwrap_or(0))
}

async fn service_ids(app: &App, admin: &Actor) -> anyhow::Result<Vec<String>> {
    let request = records::ListRequest {
        limit: Some(50),
        ..Default::default()
    };
    let services = records::list(app, admin, "service", &request).await?;
    let ids: Vec<String> = services
        .data
        .iter()
        .filter_map(|s| s["id"].as_str().map(str::to_owned))
        .collect();
    anyhow::ensure!(!ids.is_empty(), "the demo tenant has no services");
    Ok(ids)
}

/// What articles are about; a quarter of them mention passwords, as support articles do.
const TOPICS: [(&str, &str); 8] = [
    (
        "password",
        "Choose a new password under Profile; a password needs ten characters.",
    ),
    (
        "printer",
        "Switch the printer off, clear the rear tray and check the rollers.",
    ),
    (
        "VPN",
        "Install the VPN client and connect through the nearest gateway.",
    ),
    (
        "mailbox",
        "Remove the mail account from the phone and add it again.",
    ),
    (
        "account",
        "A locked account opens again after a password reset or fifteen minutes.",
    ),
    (
        "laptop",
        "Laptops get updates every Tuesday; restart to finish installing them.",
    ),
    (
        "meeting room",
        "Book rooms from the calendar; screens connect by cable or wirelessly.",
    ),
    (
        "invoice",
        "Invoices are sent on the first working day of the month.",
    ),
];

const FILLER: [&str; 6] = [
    "If the problem remains, open a case and describe what you expected.",
    "Screenshots help the support team to understand what happened.",
    "Our service desk answers incidents within one hour on working days.",
    "Keep your device connected to power while updates install.",
    "Colleagues in other offices follow the same steps.",
    "The support team keeps this article up to date.",
];

async fn write_articles(app: &Arc<App>, admin: &Actor, total: usize) -> anyhow::Result<()> {
    let mut tasks = JoinSet::new();
    for worker in 0..writers(app) {
        let (app, admin) = (app.clone(), admin.clone());
        let stride = writers(&app);
        tasks.spawn(async move {
            for n in (worker..total).step_by(stride) {
                let (topic, advice) = TOPICS[n % TOPICS.len()];
                let body = (0..12)
                    .map(|k| FILLER[(n + k) % FILLER.len()])
                    .chain([advice])
                    .collect::<Vec<_>>()
                    .join(" ");
                records::create(
                    &app,
                    &admin,
                    "knowledge_article",
                    json!({ "title": format!("{} question {n}: {topic}", title_case(topic)),
                            "tags": topic, "body": body, "state": "Published" }),
                )
                .await?;
            }
            anyhow::Ok(())
        });
    }
    join_all(tasks).await
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Opens `total` cases as `customer`, and cancels all but `open` of them.
async fn open_cases(
    app: &Arc<App>,
    customer: &Actor,
    services: &[String],
    total: usize,
    open: usize,
) -> anyhow::Result<()> {
    let mut tasks = JoinSet::new();
    let stride = writers(app);
    for worker in 0..stride {
        let (app, customer, services) = (app.clone(), customer.clone(), services.to_vec());
        tasks.spawn(async move {
            for n in (worker..total).step_by(stride) {
                let case = cases::open_case(
                    &app,
                    &customer,
                    json!({ "service": services[n % services.len()],
                            "subject": format!("Request {n} about the {}", TOPICS[n % TOPICS.len()].0),
                            "description": FILLER[n % FILLER.len()] }),
                    Vec::new(),
                )
                .await?;
                if n >= open {
                    let id = case["id"].as_str().context("a case has an id")?;
                    cases::act(&app, &customer, id, PortalAction::Cancel).await?;
                }
            }
            anyhow::Ok(())
        });
    }
    join_all(tasks).await
}

/// Organizations (an account each, its members added by e-mail in the console) whose members
/// open their cases.
async fn add_organizations(
    app: &Arc<App>,
    admin: &Actor,
    services: &[String],
    plan: Plan,
) -> anyhow::Result<()> {
    for n in 0..plan.organizations {
        let account = records::create(
            app,
            admin,
            "account",
            json!({ "name": format!("Customer {n}"), "type": "Customer" }),
        )
        .await?;
        let account = account["id"].as_str().context("an account has an id")?;
        let organization = organizations::create(app, admin, account, None).await?;
        // The administrator's view of the roles now has the new organization.
        let admin = demo::actor_of(app, &admin.tenant, admin.login.as_str()).await?;
        let emails: Vec<String> = (0..plan.users_per_organization)
            .map(|k| format!("customer{n}-{k}@load.test"))
            .collect();
        organizations::add_members_by_email(app, &admin, organization, &emails.join(" "), &[])
            .await?;
        for email in &emails {
            let member = demo::actor_of(app, &admin.tenant, email).await?;
            open_cases(
                app,
                &member,
                services,
                plan.cases_per_user,
                plan.cases_per_user,
            )
            .await?;
        }
        if (n + 1) % 10 == 0 {
            eprintln!("  {} of {} organizations", n + 1, plan.organizations);
        }
    }
    Ok(())
}

async fn join_all(mut tasks: JoinSet<anyhow::Result<()>>) -> anyhow::Result<()> {
    while let Some(outcome) = tasks.join_next().await {
        outcome??;
    }
    Ok(())
}
