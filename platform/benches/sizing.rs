//! Benchmark: does a small tenant pay for the others? On PostgreSQL, through the services.
//!
//! One small tenant (its administrator, a customer, 20 cases, 20 accounts) is measured with 10
//! tenants in the database (twice, for the noise), then again once 10,000 small tenants (each
//! provisioned as `portico tenant create` does, with 5 accounts and 5 cases) and one large one
//! (20,000 cases) are there (the small ones made four at a time): its case list (the customer's first page of 50) and a record save
//! (an account renamed, with its version checked). Also: the database's size per small tenant,
//! the large tenant's size, and a node's start-up (the app built and every tenant's defaults
//! checked, as `portico serve` does before it listens).
//!
//! Run: `cargo bench -p portico --bench sizing` (PostgreSQL at PORTICO_TEST_POSTGRES, default
//! postgres://postgres@127.0.0.1:5432/postgres; it creates and drops its own database). Set
//! PORTICO_SIZING_TENANTS for fewer tenants (a quick try).

mod common;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use portico::{
    access::{self, Actor},
    app::App,
    records::{self, ListRequest},
    store::Access,
    tenancy, users,
};
use serde_json::{Value, json};

use common::actor_of;

const RUNS: usize = 300;
const LARGE_CASES: usize = 20_000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    common::on_postgres(run).await
}

async fn run(database: &common::PgDatabase) -> anyhow::Result<()> {
    let tenants: usize = std::env::var("PORTICO_SIZING_TENANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let config = database.config(&[])?;
    let app = App::build(config.clone()).await?;
    app.db.migrate().await?;

    let small = Small::make(&app, "small").await?;
    let mut made = 1;
    let mut provisioning = Vec::new();
    while made < 10 {
        provisioning.push(filler(&app, made).await?);
        made += 1;
    }
    let size_at_10 = database_size(&app).await?;
    let start_at_10 = start_up(&config).await?;
    let first = small.measure(&app).await?;
    let second = small.measure(&app).await?;

    // Four at a time, as four operators' scripts would: the time per tenant is each one's own.
    let started = Instant::now();
    while made < tenants {
        let mut batch = tokio::task::JoinSet::new();
        for n in made..(made + 4).min(tenants) {
            let app = app.clone();
            batch.spawn(async move { filler(&app, n).await });
        }
        while let Some(took) = batch.join_next().await {
            provisioning.push(took??);
            made += 1;
            if made % 1_000 == 0 {
                println!("{made} tenants after {:.0?}", started.elapsed());
            }
        }
    }
    let size_at_many = database_size(&app).await?;
    let large = Small::make(&app, "large").await?;
    for n in 0..LARGE_CASES {
        records::create(
            &app,
            &large.admin,
            "case",
            json!({ "subject": format!("Large {n}"), "description": "Filler" }),
        )
        .await?;
    }
    let size_with_large = database_size(&app).await?;
    let start_at_many = start_up(&config).await?;
    let last = small.measure(&app).await?;

    provisioning.sort();
    println!(
        "\nprovisioning a tenant with 5 accounts and 5 cases: p50 {:.1} ms, p99 {:.1} ms",
        ms(percentile(&provisioning, 50)),
        ms(percentile(&provisioning, 99))
    );
    println!(
        "\n| measure (small tenant) | 10 tenants, first | 10 tenants, second | {made} tenants and a large one | ratio to the first |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for (label, list, p) in [
        ("case list p50", true, 50),
        ("case list p99", true, 99),
        ("record save p50", false, 50),
        ("record save p99", false, 99),
    ] {
        let at = |m: &Measured| percentile(if list { &m.list } else { &m.save }, p);
        println!(
            "| {label} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} |",
            ms(at(&first)),
            ms(at(&second)),
            ms(at(&last)),
            at(&last).as_secs_f64() / at(&first).as_secs_f64()
        );
    }
    println!(
        "| node start-up | {:.2} s | | {:.2} s | {:.1} |",
        start_at_10.as_secs_f64(),
        start_at_many.as_secs_f64(),
        start_at_many.as_secs_f64() / start_at_10.as_secs_f64()
    );
    let per_tenant = (size_at_many - size_at_10) as f64 / made.saturating_sub(10).max(1) as f64;
    println!(
        "\ndatabase: {:.1} MiB at 10 tenants, {:.1} MiB at {made}: {:.1} KiB per small tenant; \
         the large tenant ({LARGE_CASES} cases) {:.1} MiB",
        common::mib(size_at_10 as u64),
        common::mib(size_at_many as u64),
        per_tenant / 1024.0,
        common::mib((size_with_large - size_at_many) as u64)
    );
    Ok(())
}

/// A tenant with its administrator and a customer, as actors.
struct Small {
    admin: Actor,
    customer: Actor,
    account: String,
}

struct Measured {
    list: Vec<Duration>,
    save: Vec<Duration>,
}

impl Small {
    async fn make(app: &Arc<App>, slug: &str) -> anyhow::Result<Self> {
        let admin = provision(app, slug).await?;
        let new = users::NewUser::parse(&format!("customer@{slug}.test"), "Customer", "external")
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let created = users::create(app, &admin, new, false, None).await?;
        let customer = actor_of(app, &admin, created.user.id).await?;
        let mut account = String::new();
        for n in 0..20 {
            records::create(
                app,
                &customer,
                "case",
                json!({ "subject": format!("Case {n}"), "description": "Printer" }),
            )
            .await?;
            account = id_of(
                &records::create(
                    app,
                    &admin,
                    "account",
                    json!({ "name": format!("Acc {n}") }),
                )
                .await?,
            );
        }
        Ok(Self {
            admin,
            customer,
            account,
        })
    }

    /// The customer's case list and a save of an account, `RUNS` times each, interleaved.
    async fn measure(&self, app: &Arc<App>) -> anyhow::Result<Measured> {
        let page = ListRequest {
            limit: Some(50),
            ..ListRequest::default()
        };
        let mut measured = Measured {
            list: Vec::with_capacity(RUNS),
            save: Vec::with_capacity(RUNS),
        };
        for n in 0..RUNS {
            let started = Instant::now();
            let listed = records::list(app, &self.customer, "case", &page).await?;
            measured.list.push(started.elapsed());
            anyhow::ensure!(listed.data.len() == 20, "the customer sees their 20 cases");
            let record = records::get(app, &self.admin, "account", &self.account).await?;
            let version = record["version"].as_i64().unwrap_or_default();
            let started = Instant::now();
            records::update(
                app,
                &self.admin,
                "account",
                &self.account,
                version,
                json!({ "name": format!("Renamed {n}") }),
            )
            .await?;
            measured.save.push(started.elapsed());
        }
        measured.list.sort();
        measured.save.sort();
        Ok(measured)
    }
}

/// A tenant as `portico tenant create` makes it; answers its administrator.
async fn provision(app: &Arc<App>, slug: &str) -> anyhow::Result<Actor> {
    let slug = portico_tenants::Slug::parse(slug)?;
    let provisioned =
        tenancy::provision(app, &slug, "Sizing", &format!("admin@{slug}.test")).await?;
    let tenant = Arc::new(provisioned.tenant);
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    Ok(access::actor(app, &mut tx, tenant.clone(), provisioned.admin.user).await?)
}

/// One of the many small tenants; answers how long it took to make.
async fn filler(app: &Arc<App>, n: usize) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let admin = provision(app, &format!("t{n:05}")).await?;
    for i in 0..5 {
        records::create(app, &admin, "account", json!({ "name": format!("A {i}") })).await?;
        records::create(
            app,
            &admin,
            "case",
            json!({ "subject": format!("C {i}"), "description": "Filler" }),
        )
        .await?;
    }
    Ok(started.elapsed())
}

/// What `portico serve` does before it listens: the app built (pool, caches) and every tenant's
/// defaults checked.
async fn start_up(config: &portico::config::Config) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let app = App::build(config.clone()).await?;
    access::defaults::apply_to_all_tenants(&app).await?;
    Ok(started.elapsed())
}

async fn database_size(app: &App) -> anyhow::Result<i64> {
    let mut conn = app.db.global().await?;
    Ok(
        sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(&mut *conn)
            .await?,
    )
}

fn id_of(record: &Value) -> String {
    record["id"].as_str().unwrap_or_default().to_owned()
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
