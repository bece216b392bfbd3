//! Work the server does by itself, on every node: each pass visits every tenant, and each piece
//! of work is claimed by a compare-and-set on what it changes, so however many nodes run the
//! jobs, each piece is done once.

use std::{sync::Arc, time::Duration};

use crate::{app::App, error::Result};

/// How often a node looks for due work.
pub const INTERVAL: Duration = Duration::from_secs(30);

/// Runs due work every `interval` until the task is dropped.
pub async fn run(app: Arc<App>, interval: Duration) {
    loop {
        match run_due(&app).await {
            Ok(0) => {}
            Ok(done) => tracing::info!(done, "jobs done"),
            Err(error) => tracing::warn!(error = %error, "jobs pass failed"),
        }
        tokio::time::sleep(interval).await;
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
        // One tenant's failure does not hold up the others' work.
        match crate::sections::partners::distribution::return_expired(app, tenant.into()).await {
            Ok(returned) => done += returned,
            Err(error) => {
                tracing::warn!(tenant = %id, error = %error, "returning lead offers failed")
            }
        }
    }
    Ok(done)
}
