//! Long-lived tokens for scripts (`Authorization: Bearer pt_...`). Shown once at creation; only a
//! digest is kept. A token acts as the user who created it and stops working when revoked,
//! expired, or when that user is deactivated.

use serde::Serialize;
use sqlx::{Row, any::AnyRow};
use uuid::Uuid;

use super::secret;
use crate::{
    store::{TenantTx, Timestamp, Versions, uuid_text_column},
    users::{self, User, UserId},
};

pub const PREFIX: &str = "pt_";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ApiTokenId(Uuid);
uuid_text_column!(ApiTokenId);

impl std::str::FromStr for ApiTokenId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

macro_rules! columns {
    () => {
        "id, name, created_at, expires_at, last_used_at, revoked_at"
    };
}

fn from_row(row: &AnyRow) -> Result<ApiToken, sqlx::Error> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

/// Creates a token and returns it with its secret, which is never retrievable again.
pub async fn create(
    tx: &mut TenantTx,
    user: UserId,
    name: &str,
    expires_at: Option<Timestamp>,
    now: Timestamp,
) -> Result<(ApiToken, String), sqlx::Error> {
    let secret = secret::generate(PREFIX);
    let tenant = tx.tenant_param();
    let row = sqlx::query(concat!(
        "INSERT INTO api_tokens (tenant_id, id, user_id, name, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ",
        columns!()
    ))
    .bind(tenant)
    .bind(ApiTokenId(Uuid::now_v7()))
    .bind(user)
    .bind(name)
    .bind(secret::digest(&secret))
    .bind(now)
    .bind(expires_at)
    .fetch_one(tx.conn())
    .await?;
    Ok((from_row(&row)?, secret))
}

pub async fn list(tx: &mut TenantTx, user: UserId) -> Result<Vec<ApiToken>, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM api_tokens WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC"
    ))
    .bind(tenant)
    .bind(user)
    .fetch_all(tx.conn())
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// Revokes one of `user`'s tokens; `false` if they have no such live token.
pub async fn revoke(
    tx: &mut TenantTx,
    user: UserId,
    id: ApiTokenId,
    now: Timestamp,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $4
         WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL",
    )
    .bind(tenant)
    .bind(user)
    .bind(id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live token of `user` (deactivation, a new password).
pub async fn revoke_all(
    tx: &mut TenantTx,
    user: UserId,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3
         WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(tx.tenant_param())
    .bind(user)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// How stale `last_used_at` may get: noting every use would make each API request a write.
const TOUCH_AFTER: chrono::Duration = chrono::Duration::minutes(1);

/// A live token with its user and the tenant's versions.
#[derive(Debug)]
pub struct Authenticated {
    pub token: ApiTokenId,
    pub user: User,
    pub versions: Versions,
    /// Its last use is older than [`TOUCH_AFTER`]: worth noting.
    pub stale: bool,
}

/// A live token of an active user, found by its secret: its id, its user, and whether its last
/// use should be noted now ([`touch`]).
pub async fn authenticate(
    tx: &mut TenantTx,
    secret: &str,
    now: Timestamp,
) -> Result<Option<Authenticated>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let row = sqlx::query(concat!(
        "SELECT t.id AS token_id, t.last_used_at, u.*, ",
        crate::version_columns!(),
        " FROM api_tokens t JOIN (",
        crate::user_query!(),
        ") u ON u.id = t.user_id
         WHERE t.tenant_id = $1 AND t.token_hash = $2 AND t.revoked_at IS NULL
           AND (t.expires_at IS NULL OR t.expires_at > $3) AND u.deactivated_at IS NULL"
    ))
    .bind(tenant)
    .bind(secret::digest(secret))
    .bind(now)
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| {
        let last: Option<Timestamp> = row.try_get("last_used_at")?;
        Ok(Authenticated {
            token: row.try_get("token_id")?,
            user: users::storage::from_row(&row)?,
            versions: Versions::from_row(&row)?,
            stale: last.is_none_or(|last| now - TOUCH_AFTER > last),
        })
    })
    .transpose()
}

/// Notes that a token was used at `now`.
pub async fn touch(tx: &mut TenantTx, id: ApiTokenId, now: Timestamp) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_param())
        .bind(id)
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}
