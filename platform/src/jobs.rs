//! Work the server does by itself, on every node. Some is found by looking (offers whose time
//! ran out); the rest is queued by the change that calls for it, in that change's transaction,
//! one row per piece of work (asking twice while it waits queues it once). Each pass visits every
//! tenant; a node claims a queued piece by deleting its row in the transaction that does the
//! work, so however many nodes run the jobs, each piece is done once, and work that fails stays
//! queued for the next pass. A commit that queued work wakes its node's worker at once.

use std::{sync::Arc, time::Duration};

use portico_tenants::Tenant;

use crate::{
    app::App,
    error::Result,
    store::{Access, TenantTx},
};

/// How often a node looks for due work when nothing wakes it.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// Recalculating a partnership (the subject is its id).
pub const RECALCULATE_PARTNERSHIP: &str = "recalculate_partnership";

/// Telling a record's followers of a reply or comment (the subject is the news' id).
pub const TELL_FOLLOWERS: &str = "tell_followers";

/// How many queued pieces one pass takes from a tenant, so no tenant holds the others up.
const PER_PASS: i64 = 100;

/// Queues a piece of work in the caller's transaction.
pub async fn enqueue(app: &App, tx: &mut TenantTx, kind: &str, subject: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO jobs (tenant_id, kind, subject, queued_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, kind, subject) DO NOTHING",
    )
    .bind(tx.tenant_param())
    .bind(kind)
    .bind(subject)
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    tx.queued_jobs();
    Ok(())
}

/// Runs due work whenever a commit queued some, and every `interval`, until the task is dropped.
pub async fn run(app: Arc<App>, interval: Duration) {
    loop {
        match run_due(&app).await {
            Ok(0) => {}
            Ok(done) => tracing::info!(done, "jobs done"),
            Err(error) => tracing::warn!(error = %error, "jobs pass failed"),
        }
        // Between full passes, only the tenants whose commits queued work.
        let wait = tokio::time::sleep(interval);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                tenants = app.db.jobs_queued() => {
                    for id in tenants {
                        if let Err(error) = run_queued_of(&app, id).await {
                            tracing::warn!(tenant = %id, error = %error, "a job failed");
                        }
                    }
                }
                () = &mut wait => break,
            }
        }
    }
}

async fn run_queued_of(app: &App, id: portico_tenants::TenantId) -> Result<usize> {
    let tenant = {
        let mut conn = app.db.global().await?;
        portico_tenants::find_by_id(&mut conn, id).await?
    };
    match tenant {
        Some(tenant) => run_queued(app, Arc::new(tenant)).await,
        None => Ok(0),
    }
}

/// One pass over every tenant; answers how many pieces of work this node did.
pub async fn run_due(app: &App) -> Result<usize> {
    let tenants = {
        let mut conn = app.db.global().await?;
        portico_tenants::list(&mut conn).await?
    };
    let mut done = 0;
    for tenant in tenants {
        let id = tenant.id;
        let tenant = Arc::new(tenant);
        // One tenant's failure does not hold up the others' work.
        let returned =
            crate::sections::partners::distribution::return_expired(app, tenant.clone()).await;
        let queued = run_queued(app, tenant).await;
        for outcome in [returned, queued] {
            match outcome {
                Ok(count) => done += count,
                Err(error) => tracing::warn!(tenant = %id, error = %error, "a job failed"),
            }
        }
    }
    Ok(done)
}

/// Does the tenant's queued work, oldest first, each piece in its own transaction.
async fn run_queued(app: &App, tenant: Arc<Tenant>) -> Result<usize> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let queued: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, subject FROM jobs WHERE tenant_id = $1 ORDER BY queued_at LIMIT $2",
    )
    .bind(tx.tenant_param())
    .bind(PER_PASS)
    .fetch_all(tx.conn())
    .await?;
    if queued.is_empty() {
        return Ok(0);
    }
    // The tenant's own administrator acts for it.
    let actor = crate::access::defaults::first_administrator(app, &mut tx, tenant.clone()).await?;
    drop(tx);
    let Some(actor) = actor else {
        return Ok(0);
    };
    let mut done = 0;
    for (kind, subject) in queued {
        // A piece that fails stays queued for the next pass; the others go on.
        match run_one(app, &tenant, &actor, &kind, &subject).await {
            Ok(true) => done += 1,
            Ok(false) => {}
            Err(error) => tracing::warn!(kind, subject, error = %error, "a queued job failed"),
        }
    }
    Ok(done)
}

/// Claims one queued piece of work and does it in the same transaction; `false` when another
/// node claimed it first.
async fn run_one(
    app: &App,
    tenant: &Tenant,
    actor: &crate::access::Actor,
    kind: &str,
    subject: &str,
) -> Result<bool> {
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let claimed =
        sqlx::query("DELETE FROM jobs WHERE tenant_id = $1 AND kind = $2 AND subject = $3")
            .bind(tx.tenant_param())
            .bind(kind)
            .bind(subject)
            .execute(tx.conn())
            .await?
            .rows_affected()
            == 1;
    if !claimed {
        return Ok(false);
    }
    match kind {
        RECALCULATE_PARTNERSHIP => {
            crate::sections::partners::recalculate_queued(app, &mut tx, actor, subject).await?;
        }
        TELL_FOLLOWERS => {
            let tenant = actor.tenant.clone();
            crate::notifications::tell_followers_queued(app, &mut tx, tenant, subject).await?;
        }
        unknown => tracing::warn!(kind = unknown, "a queued job of no known kind was dropped"),
    }
    tx.commit().await?;
    Ok(true)
}
