//! Benchmark: the cost of a permission-filtered list page as the tenant grows.
//!
//! One tenant with 10,000 external users in 500 portal organizations, and first 10,000 then
//! 1,000,000 cases, written by those users. Each case carries the rights a real one gets: its
//! author's, the author's organization's (a default-rights rule), and all employees'. Measured
//! through the real service (`records::list`, SQL built by the list engine, row-level security
//! on) for a portal user, an employee, a filtered list and a dynamic folder; then again with the
//! count of the whole list that list pages show (`records::list_counted`).
//!
//! Run: `cargo bench -p portico --bench access_lists` (PostgreSQL at PORTICO_TEST_POSTGRES,
//! default postgres://postgres@127.0.0.1:5432/postgres; it creates and drops its own database).

mod common;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use portico::{
    access::{self, Actor, Audience, Level, RoleId},
    app::App,
    organizations,
    records::{self, ListRequest},
    store::Access,
    tenancy, users,
};
use serde_json::json;
use sqlx::Executor;

use common::actor_of;

const USERS: usize = 10_000;
const ORGANIZATIONS: usize = 500;
const ITERATIONS: usize = 300;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    common::on_postgres(run).await
}

async fn run(database: &common::PgDatabase) -> anyhow::Result<()> {
    let config = database.config(&[("PORTICO_DATABASE_MAX_CONNECTIONS", "4")])?;
    let app = App::build(config).await?;
    app.db.migrate().await?;
    let started = Instant::now();
    let world = seed_people(&app).await?;
    println!(
        "seeded {USERS} users in {ORGANIZATIONS} organizations in {:.1?}",
        started.elapsed()
    );

    let mut results = Vec::new();
    for total in [10_000usize, 1_000_000] {
        let started = Instant::now();
        seed_cases(&app, &world, total).await?;
        println!("seeded cases up to {total} in {:.1?}", started.elapsed());
        let sizes = visible_counts(&app, &world).await?;
        let scenarios = scenarios(&world);
        let plain = measure(&app, &scenarios, false).await?;
        let counted = measure(&app, &scenarios, true).await?;
        for (((label, _, _), stats), counted) in scenarios.iter().zip(plain).zip(counted) {
            results.push((total, *label, stats, counted));
        }
        println!(
            "  the portal user sees {} cases, the employee {}",
            sizes.0, sizes.1
        );
    }
    println!(
        "\n| cases | list | p50 | p95 | p99 | rows | p50 ÷ the actor's newest first | p50 with the count | p99 with the count |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    // Each actor's scenarios begin with their unfiltered page, the yardstick of the others.
    let mut unfiltered = Duration::ZERO;
    for (total, label, s, c) in &results {
        if label.ends_with("newest first") {
            unfiltered = s.p50;
        }
        println!(
            "| {total} | {label} | {:.2} ms | {:.2} ms | {:.2} ms | {} | {:.2} | {:.2} ms | {:.2} ms |",
            ms(s.p50),
            ms(s.p95),
            ms(s.p99),
            s.rows,
            s.p50.as_secs_f64() / unfiltered.as_secs_f64(),
            ms(c.p50),
            ms(c.p99)
        );
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct World {
    tenant_id: i64,
    customer: Actor,
    employee: Actor,
    users: Vec<String>,
    organizations: Vec<RoleId>,
}

async fn seed_people(app: &Arc<App>) -> anyhow::Result<World> {
    let slug = portico_tenants::Slug::parse("bench")?;
    let provisioned = tenancy::provision(app, &slug, "Bench", "admin@bench.test").await?;
    let tenant = Arc::new(provisioned.tenant);
    let admin = {
        let mut tx = app.db.begin(tenant.id, Access::Read).await?;
        access::actor(app, &mut tx, tenant.clone(), provisioned.admin.user).await?
    };

    // Organization-mates see each other's cases: the rule most portals set up first.
    let external = admin.policy.root_of(Audience::External).unwrap().id;
    access::config::add_rule(
        app,
        &admin,
        "case",
        external,
        access::model::AUTHOR_ORGANIZATION,
        Level::Read,
    )
    .await?;
    let mut organizations_created = Vec::with_capacity(ORGANIZATIONS);
    for i in 0..ORGANIZATIONS {
        let account = records::create(
            app,
            &admin,
            "account",
            json!({ "name": format!("Customer {i}") }),
        )
        .await?;
        let admin = actor_of(app, &admin, admin.user).await?;
        let account = account["id"].as_str().unwrap_or_default().to_owned();
        organizations_created.push(organizations::create(app, &admin, &account, None).await?);
    }
    // Users in bulk, straight into the table (their creation is not what is measured).
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let mut user_ids = Vec::with_capacity(USERS);
    for chunk in (0..USERS).collect::<Vec<_>>().chunks(500) {
        let mut sql = portico::store::Sql::new(
            "INSERT INTO users (tenant_id, id, login, full_name, kind, created_at, organization_id) VALUES ",
        );
        for (n, i) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            let id = uuid::Uuid::now_v7().to_string();
            sql.push("(")
                .bind(tenant.id.get())
                .push(", ")
                .bind(id.clone())
                .push(", ")
                .bind(format!("user{i}@bench.test"))
                .push(", ")
                .bind(format!("User {i}"))
                .push(", 'external', '2026-01-01T00:00:00.000000Z', ")
                .bind(organizations_created[i % ORGANIZATIONS].to_string())
                .push(")");
            user_ids.push(id);
        }
        sql.build()?.execute(tx.conn()).await?;
    }
    tx.commit().await?;
    let admin = actor_of(app, &admin, admin.user).await?;
    let customer = actor_of(app, &admin, user_ids[0].parse()?).await?;
    let (employee_id, _) = {
        let new = users::NewUser::parse("agent@bench.test", "Agent", "employee")
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let created = users::create(app, &admin, new, false, None).await?;
        (created.user.id, ())
    };
    let employee = actor_of(app, &admin, employee_id).await?;
    Ok(World {
        tenant_id: tenant.id.get(),
        customer,
        employee,
        users: user_ids,
        organizations: organizations_created,
    })
}

/// Adds cases (and their rights) until the tenant has `total`, in server-side batches.
async fn seed_cases(app: &Arc<App>, world: &World, total: usize) -> anyhow::Result<()> {
    let existing: i64 = {
        let mut tx = app.db.begin(world.customer.tenant.id, Access::Read).await?;
        sqlx::query_scalar("SELECT count(*) FROM records WHERE object = 'case'")
            .fetch_one(tx.conn())
            .await?
    };
    let employees = world
        .employee
        .policy
        .root_of(Audience::Employee)
        .unwrap()
        .id
        .to_string();
    let users = world.users.len() as i64;
    let statuses = [
        "New",
        "In progress",
        "Waiting for response",
        "Resolved",
        "Closed",
    ];
    let mut from = existing;
    while (from as usize) < total {
        let to = (from + 50_000).min(total as i64);
        let mut tx = app
            .db
            .begin(world.customer.tenant.id, Access::Write)
            .await?;
        // Ids: time-ordered UUIDs (the sequence number in the timestamp bits, like UUIDv7).
        sqlx::query(
            "INSERT INTO records (tenant_id, object, id, number, data, owner_id, organization_id, created_by, created_at, modified_by, modified_at, version)
             SELECT $1, 'case', c.id, 'SR-' || lpad(c.g::text, 7, '0'),
                    jsonb_build_object('subject', 'Case ' || c.g, 'status', ($5::text[])[1 + c.g % 5]),
                    u.id, u.organization_id, u.id, '2026-01-01T00:00:00.000000Z', u.id, '2026-01-01T00:00:00.000000Z', 1
             FROM (SELECT g, substr(t,1,8) || '-' || substr(t,9,4) || '-7' || substr(h,1,3) || '-8' || substr(h,4,3) || '-' || substr(h,7,12) AS id,
                          g % $4 AS who
                   FROM (SELECT g, lpad(to_hex(1700000000000 + g), 12, '0') AS t, md5(g::text) AS h
                         FROM generate_series($2::bigint, $3::bigint - 1) g) n) c
             JOIN (SELECT id, organization_id, row_number() OVER (ORDER BY id) - 1 AS k FROM users WHERE kind = 'external') u ON u.k = c.who",
        )
        .bind(world.tenant_id)
        .bind(from)
        .bind(to)
        .bind(users)
        .bind(format!("{{{}}}", statuses.map(|s| format!("\"{s}\"")).join(",")))
        .execute(tx.conn())
        .await?;
        // Rights: the author, the author's organization, all employees.
        sqlx::query(
            "INSERT INTO record_access (tenant_id, object, record_id, grantee_id, level, source)
             SELECT r.tenant_id, r.object, r.id, x.grantee, x.level, x.source
             FROM records r CROSS JOIN LATERAL (VALUES (r.created_by, 3, 'author'), (r.organization_id, 1, 'rule:org'), ($2, 2, 'rule:employees')) AS x(grantee, level, source)
             WHERE r.tenant_id = $1 AND r.object = 'case' AND r.number >= 'SR-' || lpad($3::text, 7, '0') AND r.number < 'SR-' || lpad($4::text, 7, '0')",
        )
        .bind(world.tenant_id)
        .bind(employees.clone())
        .bind(from)
        .bind(to)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        from = to;
    }
    let mut conn = app.db.pool().acquire().await?;
    conn.execute("ANALYZE records; ANALYZE record_access; ANALYZE users;")
        .await?;
    Ok(())
}

async fn visible_counts(app: &Arc<App>, world: &World) -> anyhow::Result<(i64, i64)> {
    let mut tx = app.db.begin(world.customer.tenant.id, Access::Read).await?;
    let customer: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT record_id) FROM record_access WHERE object = 'case' AND grantee_id IN ($1, $2)",
    )
    .bind(world.customer.user.to_string())
    .bind(world.customer.organization.unwrap().to_string())
    .fetch_one(tx.conn())
    .await?;
    let employee: i64 = sqlx::query_scalar("SELECT count(*) FROM records WHERE object = 'case'")
        .fetch_one(tx.conn())
        .await?;
    let _ = &world.organizations;
    Ok((customer, employee))
}

fn scenarios(world: &World) -> Vec<(&'static str, Actor, ListRequest)> {
    let first = ListRequest {
        limit: Some(50),
        ..ListRequest::default()
    };
    let filtered = ListRequest {
        limit: Some(50),
        filters: vec!["status:eq:New".into()],
        ..ListRequest::default()
    };
    // A dynamic folder of three OR groups (issue 14's benchmark).
    let condition = serde_json::from_value(json!({ "any": [
        { "all": ["status:eq:New", "subject:contains:7"] },
        { "all": ["status:eq:In progress"] },
        { "all": ["status:eq:Waiting for response", "subject:contains:99"] },
    ] }))
    .expect("a condition");
    let folder = ListRequest {
        limit: Some(50),
        folder: Some(records::FolderScope::Matching(condition)),
        ..ListRequest::default()
    };
    vec![
        (
            "portal user, newest first",
            world.customer.clone(),
            first.clone(),
        ),
        (
            "portal user, status = New",
            world.customer.clone(),
            filtered.clone(),
        ),
        (
            "portal user, folder of 3 OR groups",
            world.customer.clone(),
            folder.clone(),
        ),
        ("employee, newest first", world.employee.clone(), first),
        ("employee, status = New", world.employee.clone(), filtered),
        (
            "employee, folder of 3 OR groups",
            world.employee.clone(),
            folder,
        ),
    ]
}

struct Stats {
    p50: Duration,
    p95: Duration,
    p99: Duration,
    rows: usize,
}

/// One page of each scenario's request as its actor, with how many records the list holds
/// when `counted` (as the list pages show it), timed. The scenarios take turns, each round in
/// another order, so that the machine's drift during the run weighs on all of them alike and
/// their ratios hold even when the absolute times move.
async fn measure(
    app: &Arc<App>,
    scenarios: &[(&'static str, Actor, ListRequest)],
    counted: bool,
) -> anyhow::Result<Vec<Stats>> {
    let page = async |actor: &Actor, request: &ListRequest| -> anyhow::Result<records::Page> {
        Ok(if counted {
            records::list_counted(app, actor, "case", request).await?.0
        } else {
            records::list(app, actor, "case", request).await?
        })
    };
    let mut rows = vec![0; scenarios.len()];
    for _ in 0..20 {
        for (i, (_, actor, request)) in scenarios.iter().enumerate() {
            rows[i] = page(actor, request).await?.data.len();
        }
    }
    let mut times = vec![Vec::with_capacity(ITERATIONS); scenarios.len()];
    for round in 0..ITERATIONS {
        for k in 0..scenarios.len() {
            let i = (round + k) % scenarios.len();
            let (_, actor, request) = &scenarios[i];
            let started = Instant::now();
            let shown = page(actor, request).await?;
            times[i].push(started.elapsed());
            std::hint::black_box(shown);
        }
    }
    Ok(times
        .into_iter()
        .zip(rows)
        .map(|(mut times, rows)| {
            times.sort();
            let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
            Stats {
                p50: at(0.5),
                p95: at(0.95),
                p99: at(0.99),
                rows,
            }
        })
        .collect())
}
