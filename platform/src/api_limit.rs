//! The daily API limit of portal users (DESIGN.md section 6). Each node counts calls in memory
//! and adds its counts to `api_calls` in batches, about once a second, so a call costs no write.
//! A node learns what the other nodes counted from each batch (the upsert returns the day's
//! total) and, for a user whose count it last learned over [`FRESH`] ago and who has no calls
//! waiting to be written, by reading the total before the call: calls on several nodes at once
//! may overshoot the limit by what the others counted in the last second or two, never more.
//! Days are the tenant's (midnight in its time zone).

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use portico_tenants::{Tenant, TenantId};

use crate::{
    app::App,
    error::Result,
    store::{Access, Timestamp},
    users::UserId,
};

/// How long a node trusts the day's total it last read or wrote.
pub const FRESH: Duration = Duration::from_secs(1);
/// How often the counts are written (and so the longest a crash loses).
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// A user idle this long is forgotten (their count stays in the database).
const IDLE: Duration = Duration::from_secs(120);

/// What a call is told of its user's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub limit: u64,
    pub remaining: u64,
    /// Seconds until the count starts again (the tenant's next midnight).
    pub reset_after: u64,
    pub allowed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    tenant: TenantId,
    user: UserId,
    day: NaiveDate,
}

#[derive(Debug, Clone, Copy)]
struct Count {
    /// The day's total over every node when last read or written.
    known: u64,
    /// Calls on this node not written yet.
    pending: u64,
    synced: Instant,
    used: Instant,
}

/// This node's counts.
#[derive(Debug, Default)]
pub struct ApiLimit(Mutex<HashMap<Key, Count>>);

impl ApiLimit {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Count>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Whether a call of the API at `path` counts: signing in and out, `/me` and the API document
/// do not (the path may still carry its `/api/v1` prefix).
pub fn counts(path: &str) -> bool {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    !(path.starts_with("/auth/") || path == "/me" || path == "/openapi.json")
}

/// The tenant's day at `now`, and the seconds left in it.
pub fn day_of(tenant: &Tenant, now: Timestamp) -> (NaiveDate, u64) {
    let zone: Tz = tenant
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(Tz::UTC);
    let local = now.0.with_timezone(&zone);
    let day = local.date_naive();
    let next = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|midnight| zone.from_local_datetime(&midnight).earliest())
        .map_or(86_400, |midnight| {
            (midnight.with_timezone(&chrono::Utc) - now.0).num_seconds()
        });
    (day, u64::try_from(next.max(1)).unwrap_or(1))
}

/// Counts a call of a portal user: refused (and not counted) once the day's calls reached the
/// tenant's limit.
pub async fn count(app: &App, tenant: &Tenant, user: UserId) -> Result<Verdict> {
    let limit = tenant.api_calls_a_day();
    let (day, reset_after) = day_of(tenant, app.clock.now());
    let key = Key {
        tenant: tenant.id,
        user,
        day,
    };
    // Calls not written yet keep a count trusted: the batch that writes them learns the total
    // (a read in between could find them written and count them twice).
    let trusted = app
        .api_limit
        .lock()
        .get(&key)
        .is_some_and(|c| c.pending > 0 || c.synced.elapsed() < FRESH);
    if !trusted {
        let total = read_total(app, key).await?;
        let mut counts = app.api_limit.lock();
        let count = counts.entry(key).or_insert(Count {
            known: 0,
            pending: 0,
            synced: Instant::now(),
            used: Instant::now(),
        });
        // What this node has not written yet is not in the total it read.
        count.known = count.known.max(total);
        count.synced = Instant::now();
    }
    let mut counts = app.api_limit.lock();
    let count = counts.get_mut(&key).expect("counted above");
    count.used = Instant::now();
    let made = count.known + count.pending;
    let allowed = made < limit;
    if allowed {
        count.pending += 1;
    }
    Ok(Verdict {
        limit,
        remaining: limit.saturating_sub(made + u64::from(allowed)),
        reset_after,
        allowed,
    })
}

async fn read_total(app: &App, key: Key) -> Result<u64> {
    let mut tx = app.db.begin(key.tenant, Access::Read).await?;
    let calls: Option<i64> = sqlx::query_scalar(
        "SELECT calls FROM api_calls WHERE tenant_id = $1 AND day = $2 AND user_id = $3",
    )
    .bind(tx.tenant_param())
    .bind(key.day.to_string())
    .bind(key.user)
    .fetch_optional(tx.conn())
    .await?;
    Ok(calls.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// Writes this node's counts, one transaction per tenant, learns the totals, and forgets idle
/// users.
pub async fn flush(app: &App) -> Result<()> {
    let pending: Vec<(Key, u64)> = {
        let mut counts = app.api_limit.lock();
        counts.retain(|_, c| c.pending > 0 || c.used.elapsed() < IDLE);
        counts
            .iter()
            .filter(|(_, c)| c.pending > 0)
            .map(|(k, c)| (*k, c.pending))
            .collect()
    };
    let mut by_tenant: HashMap<TenantId, Vec<(Key, u64)>> = HashMap::new();
    for (key, calls) in pending {
        by_tenant.entry(key.tenant).or_default().push((key, calls));
    }
    for (tenant, counts) in by_tenant {
        let mut tx = app.db.begin(tenant, Access::Write).await?;
        let mut totals = Vec::with_capacity(counts.len());
        for (key, calls) in counts {
            let total: i64 = sqlx::query_scalar(
                "INSERT INTO api_calls (tenant_id, day, user_id, calls) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id, day, user_id)
                 DO UPDATE SET calls = api_calls.calls + excluded.calls RETURNING calls",
            )
            .bind(tx.tenant_param())
            .bind(key.day.to_string())
            .bind(key.user)
            .bind(i64::try_from(calls).unwrap_or(i64::MAX))
            .fetch_one(tx.conn())
            .await?;
            totals.push((key, calls, u64::try_from(total).unwrap_or(0)));
        }
        tx.commit().await?;
        let mut known = app.api_limit.lock();
        for (key, written, total) in totals {
            if let Some(count) = known.get_mut(&key) {
                count.pending -= written.min(count.pending);
                count.known = total;
                count.synced = Instant::now();
            }
        }
    }
    Ok(())
}

/// Writes the counts every [`FLUSH_EVERY`] until the process ends.
pub async fn keep_flushing(app: std::sync::Arc<App>) {
    let mut every = tokio::time::interval(FLUSH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(error) = flush(&app).await {
            tracing::warn!(%error, "API call counts not written; trying again");
        }
    }
}

/// A tenant's portal users' API calls by day (the tenant's days) since `since`, for the
/// operator's usage report.
pub async fn calls_by_day(
    app: &App,
    tenant: TenantId,
    since: NaiveDate,
) -> Result<Vec<(String, u64)>> {
    let mut tx = app.db.begin(tenant, Access::Read).await?;
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT day, CAST(SUM(calls) AS BIGINT) FROM api_calls WHERE tenant_id = $1 AND day >= $2
         GROUP BY day ORDER BY day",
    )
    .bind(tx.tenant_param())
    .bind(since.to_string())
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(day, n)| (day, u64::try_from(n).unwrap_or(0)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(zone: Option<&str>) -> Tenant {
        Tenant {
            id: TenantId::from_db(1),
            slug: portico_tenants::Slug::parse("acme").unwrap(),
            name: "Acme".into(),
            status: portico_tenants::TenantStatus::Active,
            created_at: chrono::Utc::now(),
            language: None,
            time_zone: zone.map(str::to_owned),
            branding: Default::default(),
            api_calls_a_day: None,
            billing: Default::default(),
            domain: None,
        }
    }

    fn at(text: &str) -> Timestamp {
        Timestamp(text.parse().unwrap())
    }

    #[test]
    fn signing_in_and_the_document_do_not_count() {
        for path in [
            "/api/v1/auth/login",
            "/auth/tokens",
            "/me",
            "/api/v1/openapi.json",
        ] {
            assert!(!counts(path), "{path}");
        }
        for path in [
            "/api/v1/objects/case/records",
            "/notifications/unread",
            "/metoo",
        ] {
            assert!(counts(path), "{path}");
        }
    }

    #[test]
    fn days_end_at_the_tenants_midnight() {
        let utc = tenant(None);
        assert_eq!(
            day_of(&utc, at("2026-12-06T23:00:00Z")),
            ("2026-12-06".parse().unwrap(), 3_600)
        );
        // 23:30 UTC is already the next day in Berlin, half an hour in.
        let berlin = tenant(Some("Europe/Berlin"));
        assert_eq!(
            day_of(&berlin, at("2026-12-06T23:30:00Z")),
            ("2026-12-07".parse().unwrap(), 23 * 3_600 + 1_800)
        );
        // The day summer time starts has 23 hours.
        assert_eq!(
            day_of(&berlin, at("2026-03-28T23:00:00Z")),
            ("2026-03-29".parse().unwrap(), 23 * 3_600)
        );
    }
}
