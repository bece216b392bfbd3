//! What each tenant uses, for the operator: configurations, licenses used and bought, API calls
//! by day, storage. Shown by `portico tenant usage`, the operator API and Prometheus gauges.

use std::sync::Arc;

use chrono::Days;
use portico_tenants::{Configuration, Tenant};
use serde::Serialize;

use crate::{
    app::App,
    error::{Error, Result},
    licenses::{self, Licenses},
    store::Access,
};

/// Days of API calls the report shows, today included.
pub const DAYS: u64 = 7;

#[derive(Debug, Clone, Serialize)]
pub struct DailyCalls {
    pub day: String,
    pub calls: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TenantUsage {
    pub slug: String,
    pub name: String,
    pub status: &'static str,
    pub configurations: Vec<Configuration>,
    pub licenses: Licenses,
    /// Portal users' API calls on each of the last [`DAYS`] days of the tenant (oldest first).
    pub api_calls: Vec<DailyCalls>,
    /// Bytes of the files attached to the tenant's records and messages.
    pub storage_bytes: u64,
}

pub async fn of_tenant(app: &App, tenant: &Tenant) -> Result<TenantUsage> {
    let licenses = licenses::of_tenant(app, tenant).await?;
    let (today, _) = crate::api_limit::day_of(tenant, app.clock.now());
    let since = today - Days::new(DAYS - 1);
    let counted = crate::api_limit::calls_by_day(app, tenant.id, since).await?;
    let api_calls = since
        .iter_days()
        .take(DAYS as usize)
        .map(|day| {
            let day = day.to_string();
            let calls = counted
                .iter()
                .find(|(d, _)| *d == day)
                .map_or(0, |(_, n)| *n);
            DailyCalls { day, calls }
        })
        .collect();
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let configurations = crate::sections::installed::configurations(&mut tx).await?;
    let bytes: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(SUM(size) AS BIGINT) FROM attachments WHERE tenant_id = $1",
    )
    .bind(tx.tenant_param())
    .fetch_one(tx.conn())
    .await?;
    Ok(TenantUsage {
        slug: tenant.slug.to_string(),
        name: tenant.name.clone(),
        status: tenant.status.as_str(),
        configurations,
        licenses,
        api_calls,
        storage_bytes: bytes.map_or(0, |b| u64::try_from(b).unwrap_or(0)),
    })
}

/// Every tenant's usage, by slug.
pub async fn all(app: &App) -> Result<Vec<TenantUsage>> {
    let tenants = {
        let mut conn = app.db.global().await?;
        portico_tenants::list(&mut conn)
            .await
            .map_err(|e| Error::Internal(e.into()))?
    };
    let mut usage = Vec::with_capacity(tenants.len());
    for tenant in &tenants {
        usage.push(of_tenant(app, tenant).await?);
    }
    Ok(usage)
}

/// Sets the Prometheus gauges: the installation's totals (never per tenant: the metrics
/// endpoint must not enumerate tenants; per tenant, ask the operator API).
fn publish(usage: &[TenantUsage]) {
    let mut used = std::collections::BTreeMap::<&str, u64>::new();
    let mut available = std::collections::BTreeMap::<&str, u64>::new();
    for license in usage.iter().flat_map(|u| &u.licenses.licenses) {
        let configuration = license.configuration.as_str();
        *used.entry(configuration).or_default() += license.used;
        *available.entry(configuration).or_default() += license.available.unwrap_or(0);
    }
    for (configuration, n) in used {
        metrics::gauge!("portico_licenses_used", "configuration" => configuration).set(n as f64);
    }
    for (configuration, n) in available {
        metrics::gauge!("portico_licenses_available", "configuration" => configuration)
            .set(n as f64);
    }
    let today: u64 = usage
        .iter()
        .map(|u| u.api_calls.last().map_or(0, |d| d.calls))
        .sum();
    metrics::gauge!("portico_api_calls_today").set(today as f64);
    let bytes: u64 = usage.iter().map(|u| u.storage_bytes).sum();
    metrics::gauge!("portico_storage_bytes").set(bytes as f64);
    metrics::gauge!("portico_tenants").set(usage.len() as f64);
}

/// How often the gauges are brought up to date (each pass reads every tenant).
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Keeps the usage gauges up to date until the process ends.
pub async fn keep_publishing(app: Arc<App>) {
    let mut every = tokio::time::interval(REFRESH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match all(&app).await {
            Ok(usage) => publish(&usage),
            Err(error) => tracing::warn!(%error, "usage gauges not refreshed"),
        }
    }
}
