//! A tenant's versions of what every app node keeps in memory: its permissions (roles, grants,
//! rules, memberships) and its catalog of objects (the sections it installed, the configurations
//! it runs). Each is a counter, bumped in the transaction that changes the thing it stands for.
//! A signed-in request reads both, and whether its tenant is suspended, in the statement that
//! finds its session or token, so caches are checked on every request without a query of their
//! own, and a change made through any node is in force on every node from its next request on.

use portico_tenants::TenantStatus;
use sqlx::{Row, any::AnyRow};

use super::TenantTx;

/// Which cached thing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versioned {
    Access,
    Catalog,
}

impl Versioned {
    fn counter(self) -> &'static str {
        match self {
            Self::Access => "access_version",
            Self::Catalog => "catalog_version",
        }
    }
}

/// The versions as columns of a statement whose `$1` is the tenant id; [`Versions::from_row`]
/// reads them.
#[macro_export]
#[doc(hidden)]
macro_rules! version_columns {
    () => {
        "(SELECT value FROM counters WHERE tenant_id = $1 AND name = 'access_version') AS access_version,
         (SELECT value FROM counters WHERE tenant_id = $1 AND name = 'catalog_version') AS catalog_version,
         (SELECT status FROM tenants WHERE id = $1) AS tenant_status"
    };
}

/// Counts the counter `$2` of the tenant `$1` up by one, starting it at 1: the one upsert of the
/// per-tenant counters (these versions, record numbers).
#[macro_export]
#[doc(hidden)]
macro_rules! count_up {
    () => {
        "INSERT INTO counters (tenant_id, name, value) VALUES ($1, $2, 1)
         ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + 1"
    };
}

/// The versions one request works with, and its tenant's status as of now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    pub access: i64,
    pub catalog: i64,
    pub status: TenantStatus,
}

impl Versions {
    pub fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            access: row
                .try_get::<Option<i64>, _>("access_version")?
                .unwrap_or(0),
            catalog: row
                .try_get::<Option<i64>, _>("catalog_version")?
                .unwrap_or(0),
            status: match row
                .try_get::<Option<String>, _>("tenant_status")?
                .as_deref()
            {
                Some(status) if status == TenantStatus::Active.as_str() => TenantStatus::Active,
                _ => TenantStatus::Suspended,
            },
        })
    }

    /// The current versions, for work that has no session or token to read them with.
    pub async fn read(tx: &mut TenantTx) -> Result<Self, sqlx::Error> {
        let row = sqlx::query(concat!("SELECT ", version_columns!()))
            .bind(tx.tenant_param())
            .fetch_one(tx.conn())
            .await?;
        Self::from_row(&row)
    }

    /// Notes, in the transaction that makes it, a change to `what`.
    pub async fn bump(tx: &mut TenantTx, what: Versioned) -> Result<(), sqlx::Error> {
        sqlx::query(count_up!())
            .bind(tx.tenant_param())
            .bind(what.counter())
            .execute(tx.conn())
            .await?;
        Ok(())
    }
}
