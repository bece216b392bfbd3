//! Browser sessions, stored server-side. The cookie holds a random id; the table holds its digest,
//! the tenant and a CSRF token. Sessions slide forward with use, up to an absolute limit.

use chrono::Duration;
use sqlx::Row;

use super::secret;
use crate::{
    store::{TenantTx, Timestamp, Versions},
    users::{self, User, UserId},
};

/// A session ends after this long without use...
const IDLE_LIFETIME: Duration = Duration::days(7);
/// ...and in any case this long after sign-in.
const ABSOLUTE_LIFETIME: Duration = Duration::days(30);
/// How stale `last_seen_at` may get before a request refreshes it (saves a write per request).
const TOUCH_AFTER: Duration = Duration::minutes(10);

/// A session as handed to the browser: the cookie value and the CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// What a valid session cookie stands for.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user: UserId,
    pub csrf_token: String,
    created_at: Timestamp,
    last_seen_at: Timestamp,
}

pub async fn create(
    tx: &mut TenantTx,
    user: UserId,
    now: Timestamp,
) -> Result<NewSession, sqlx::Error> {
    let session = NewSession {
        token: secret::generate(""),
        csrf_token: secret::generate(""),
        expires_at: now + IDLE_LIFETIME,
    };
    let tenant = tx.tenant_param();
    sqlx::query(
        "INSERT INTO sessions (tenant_id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(tenant)
    .bind(secret::digest(&session.token))
    .bind(user)
    .bind(&session.csrf_token)
    .bind(now)
    .bind(session.expires_at)
    .execute(tx.conn())
    .await?;
    Ok(session)
}

/// The live session behind a cookie value, if any (unexpired, in this tenant, of an active
/// user), with its user and the tenant's versions: everything a request needs to know who asks,
/// in one statement.
pub async fn find(
    tx: &mut TenantTx,
    token: &str,
    now: Timestamp,
) -> Result<Option<(SessionRecord, User, Versions)>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let token_hash = secret::digest(token);
    let row = sqlx::query(concat!(
        "SELECT s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, u.*, ",
        crate::version_columns!(),
        " FROM sessions s JOIN (",
        crate::user_query!(),
        ") u ON u.id = s.user_id
         WHERE s.tenant_id = $1 AND s.token_hash = $2 AND s.expires_at > $3
           AND u.deactivated_at IS NULL"
    ))
    .bind(tenant)
    .bind(&token_hash)
    .bind(now)
    .fetch_optional(tx.conn())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let user = users::storage::from_row(&row)?;
    let session = SessionRecord {
        token_hash,
        user: user.id,
        csrf_token: row.try_get("csrf_token")?,
        created_at: row.try_get("session_created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
    };
    Ok(Some((session, user, Versions::from_row(&row)?)))
}

impl SessionRecord {
    pub fn needs_touch(&self, now: Timestamp) -> bool {
        now - TOUCH_AFTER > self.last_seen_at
    }
}

/// Records use of the session and slides its expiry, never past the absolute limit.
pub async fn touch(
    tx: &mut TenantTx,
    session: &SessionRecord,
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    let expires_at = (now + IDLE_LIFETIME).min(session.created_at + ABSOLUTE_LIFETIME);
    sqlx::query(
        "UPDATE sessions SET last_seen_at = $3, expires_at = $4
         WHERE tenant_id = $1 AND token_hash = $2",
    )
    .bind(tenant)
    .bind(&session.token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Ends the session behind a cookie value.
pub async fn revoke(tx: &mut TenantTx, token_hash: &str) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND token_hash = $2")
        .bind(tenant)
        .bind(token_hash)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Ends every session of `user` except `keep` (after a password change, all other devices;
/// `None`: all of them).
pub async fn revoke_others(
    tx: &mut TenantTx,
    user: UserId,
    keep: Option<&str>,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND token_hash <> $3")
        .bind(tenant)
        .bind(user)
        .bind(keep.unwrap_or(""))
        .execute(tx.conn())
        .await?;
    Ok(())
}
