//! SQL for the global `tenants` table. Portable SQL only: it runs unchanged on SQLite and PostgreSQL.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::{Slug, Tenant, TenantId, TenantStatus};

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("a tenant with slug \"{0}\" already exists")]
    SlugTaken(Slug),
    #[error("no tenant with slug \"{0}\"")]
    NotFound(Slug),
    #[error("tenant registry query failed")]
    Database(#[from] sqlx::Error),
    #[error("tenant row is corrupt: {0}")]
    Corrupt(String),
    #[error("another tenant's portal is at {0}")]
    DomainTaken(String),
}

/// The columns [`from_row`] reads.
macro_rules! columns {
    () => {
        "id, slug, name, status, created_at, language, time_zone, branding, api_calls_a_day, billing, \
         domain, domain_token, domain_verified_at"
    };
}

pub async fn create(
    conn: &mut AnyConnection,
    slug: &Slug,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Tenant, RegistryError> {
    let inserted = sqlx::query(concat!(
        "INSERT INTO tenants (slug, name, status, created_at) VALUES ($1, $2, 'active', $3)
             ON CONFLICT (slug) DO NOTHING RETURNING ",
        columns!()
    ))
    .bind(slug.as_str())
    .bind(name)
    .bind(now.to_rfc3339_opts(SecondsFormat::Micros, true))
    .fetch_optional(conn)
    .await?;
    match inserted {
        Some(row) => from_row(&row),
        None => Err(RegistryError::SlugTaken(slug.clone())),
    }
}

pub async fn find_by_slug(
    conn: &mut AnyConnection,
    slug: &Slug,
) -> Result<Option<Tenant>, RegistryError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM tenants WHERE slug = $1"
    ))
    .bind(slug.as_str())
    .fetch_optional(conn)
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

pub async fn find_by_id(
    conn: &mut AnyConnection,
    id: TenantId,
) -> Result<Option<Tenant>, RegistryError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM tenants WHERE id = $1"
    ))
    .bind(id.get())
    .fetch_optional(conn)
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Tenant>, RegistryError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM tenants ORDER BY slug"
    ))
    .fetch_all(conn)
    .await?
    .iter()
    .map(from_row)
    .collect()
}

pub async fn set_status(
    conn: &mut AnyConnection,
    slug: &Slug,
    status: TenantStatus,
) -> Result<Tenant, RegistryError> {
    sqlx::query(concat!(
        "UPDATE tenants SET status = $1 WHERE slug = $2 RETURNING ",
        columns!()
    ))
    .bind(status.as_str())
    .bind(slug.as_str())
    .fetch_optional(conn)
    .await?
    .map(|row| from_row(&row))
    .transpose()?
    .ok_or_else(|| RegistryError::NotFound(slug.clone()))
}

fn from_row(row: &AnyRow) -> Result<Tenant, RegistryError> {
    let corrupt = |what: &str| RegistryError::Corrupt(what.to_owned());
    let slug: String = row.try_get("slug")?;
    let status: String = row.try_get("status")?;
    let created_at: String = row.try_get("created_at")?;
    Ok(Tenant {
        id: TenantId(row.try_get("id")?),
        slug: Slug::from_registry(slug),
        name: row.try_get("name")?,
        status: TenantStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
        created_at: DateTime::parse_from_rfc3339(&created_at)
            .map_err(|e| corrupt(&e.to_string()))?
            .with_timezone(&Utc),
        language: row.try_get("language")?,
        time_zone: row.try_get("time_zone")?,
        branding: match row.try_get::<Option<String>, _>("branding")? {
            Some(json) => serde_json::from_str(&json).map_err(|e| corrupt(&e.to_string()))?,
            None => crate::Branding::default(),
        },
        api_calls_a_day: row
            .try_get::<Option<i64>, _>("api_calls_a_day")?
            .map(|n| u64::try_from(n).map_err(|_| corrupt("api_calls_a_day")))
            .transpose()?,
        billing: match row.try_get::<Option<String>, _>("billing")? {
            Some(json) => serde_json::from_str(&json).map_err(|e| corrupt(&e.to_string()))?,
            None => crate::billing::Billing::default(),
        },
        domain: match (
            row.try_get::<Option<String>, _>("domain")?,
            row.try_get::<Option<String>, _>("domain_token")?,
        ) {
            (Some(name), Some(token)) => Some(crate::domain::Domain {
                name,
                token,
                verified_at: row
                    .try_get::<Option<String>, _>("domain_verified_at")?
                    .map(|at| {
                        DateTime::parse_from_rfc3339(&at)
                            .map(|at| at.with_timezone(&Utc))
                            .map_err(|e| corrupt(&e.to_string()))
                    })
                    .transpose()?,
            }),
            _ => None,
        },
    })
}

/// The tenant whose verified domain `name` is (lower case, no trailing dot).
pub async fn find_by_domain(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<Tenant>, RegistryError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM tenants WHERE domain = $1 AND domain_verified_at IS NOT NULL"
    ))
    .bind(name)
    .fetch_optional(conn)
    .await?
    .map(|row| from_row(&row))
    .transpose()
}

/// Claims a domain for a tenant, not yet verified (`None`: the tenant gives up its domain).
pub async fn set_domain(
    conn: &mut AnyConnection,
    id: TenantId,
    claim: Option<(&str, &str)>,
) -> Result<(), RegistryError> {
    sqlx::query(
        "UPDATE tenants SET domain = $1, domain_token = $2, domain_verified_at = NULL WHERE id = $3",
    )
    .bind(claim.map(|(name, _)| name))
    .bind(claim.map(|(_, token)| token))
    .bind(id.get())
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a tenant's claim of `name` verified at `at`; `false` if the tenant no longer claims it.
/// Refused when another tenant's portal is at that domain already.
pub async fn verify_domain(
    conn: &mut AnyConnection,
    id: TenantId,
    name: &str,
    at: DateTime<Utc>,
) -> Result<bool, RegistryError> {
    let done = sqlx::query(
        "UPDATE tenants SET domain_verified_at = $1 WHERE id = $2 AND domain = $3
           AND NOT EXISTS (SELECT 1 FROM tenants other WHERE other.domain = $3
                           AND other.domain_verified_at IS NOT NULL AND other.id <> $2)",
    )
    .bind(at.to_rfc3339_opts(SecondsFormat::Micros, true))
    .bind(id.get())
    .bind(name)
    .execute(&mut *conn)
    .await
    .map_err(|e| match e.as_database_error() {
        // Another tenant verified the same domain at this instant.
        Some(db) if db.is_unique_violation() => RegistryError::DomainTaken(name.to_owned()),
        _ => RegistryError::Database(e),
    })?;
    if done.rows_affected() > 0 {
        return Ok(true);
    }
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM tenants WHERE domain = $1 AND domain_verified_at IS NOT NULL AND id <> $2",
    )
    .bind(name)
    .bind(id.get())
    .fetch_optional(conn)
    .await?;
    match taken {
        Some(_) => Err(RegistryError::DomainTaken(name.to_owned())),
        None => Ok(false),
    }
}

/// Sets the language and time zone a tenant's people see unless they chose their own (`None`:
/// their browser's language, UTC). The caller checks both are ones Portico knows.
pub async fn set_regional(
    conn: &mut AnyConnection,
    id: TenantId,
    language: Option<&str>,
    time_zone: Option<&str>,
) -> Result<(), RegistryError> {
    sqlx::query("UPDATE tenants SET language = $1, time_zone = $2 WHERE id = $3")
        .bind(language)
        .bind(time_zone)
        .bind(id.get())
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets how many API calls a day each of a tenant's portal users may make (`None`: the
/// default); the caller keeps it within the operator's ceiling.
pub async fn set_api_calls_a_day(
    conn: &mut AnyConnection,
    id: TenantId,
    calls: Option<u64>,
) -> Result<(), RegistryError> {
    let calls = calls
        .map(i64::try_from)
        .transpose()
        .map_err(|e| RegistryError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE tenants SET api_calls_a_day = $1 WHERE id = $2")
        .bind(calls)
        .bind(id.get())
        .execute(conn)
        .await?;
    Ok(())
}

/// Records what the payment provider last said of a tenant's account.
pub async fn set_billing(
    conn: &mut AnyConnection,
    id: TenantId,
    billing: &crate::billing::Billing,
) -> Result<(), RegistryError> {
    let json = serde_json::to_string(billing).map_err(|e| RegistryError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE tenants SET billing = $1 WHERE id = $2")
        .bind(json)
        .bind(id.get())
        .execute(conn)
        .await?;
    Ok(())
}

/// Locks a tenant's row until the transaction ends (a write of nothing: portable, and on
/// SQLite the write transaction holds the lock already), so that recordings of its billing
/// take turns.
pub async fn lock(conn: &mut AnyConnection, id: TenantId) -> Result<(), RegistryError> {
    sqlx::query("UPDATE tenants SET billing = billing WHERE id = $1")
        .bind(id.get())
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a tenant's branding (checked by the caller).
pub async fn set_branding(
    conn: &mut AnyConnection,
    id: TenantId,
    branding: &crate::Branding,
) -> Result<(), RegistryError> {
    let json =
        serde_json::to_string(branding).map_err(|e| RegistryError::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE tenants SET branding = $1 WHERE id = $2")
        .bind(json)
        .bind(id.get())
        .execute(conn)
        .await?;
    Ok(())
}
