//! Single-use links: account setup (a new user chooses a password) and, later, password recovery.
//! Only a digest of the token is stored; consuming it is one atomic update, so a link works once.

use chrono::Duration;

use super::secret;
use crate::{
    store::{TenantTx, Timestamp},
    users::UserId,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Setup,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Setup => "setup",
        }
    }

    fn lifetime(self) -> Duration {
        match self {
            Self::Setup => Duration::hours(72),
        }
    }
}

/// Issues a token for `user`; the caller hands it out once (in a link) and forgets it.
pub async fn issue(
    tx: &mut TenantTx,
    user: UserId,
    purpose: Purpose,
    now: Timestamp,
) -> Result<String, sqlx::Error> {
    let token = secret::generate("");
    let tenant = tx.tenant_param();
    sqlx::query(
        "INSERT INTO one_time_tokens (tenant_id, token_hash, user_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(secret::digest(&token))
    .bind(user)
    .bind(purpose.as_str())
    .bind(now)
    .bind(now + purpose.lifetime())
    .execute(tx.conn())
    .await?;
    Ok(token)
}

/// The user a still-valid token belongs to, without using it up (to show the form).
pub async fn peek(
    tx: &mut TenantTx,
    token: &str,
    purpose: Purpose,
    now: Timestamp,
) -> Result<Option<UserId>, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query_scalar(
        "SELECT user_id FROM one_time_tokens
         WHERE tenant_id = $1 AND token_hash = $2 AND purpose = $3
           AND used_at IS NULL AND expires_at > $4",
    )
    .bind(tenant)
    .bind(secret::digest(token))
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(tx.conn())
    .await
}

/// Uses the token up and returns its user; `None` if it is unknown, expired or already used.
pub async fn consume(
    tx: &mut TenantTx,
    token: &str,
    purpose: Purpose,
    now: Timestamp,
) -> Result<Option<UserId>, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query_scalar(
        "UPDATE one_time_tokens SET used_at = $4
         WHERE tenant_id = $1 AND token_hash = $2 AND purpose = $3
           AND used_at IS NULL AND expires_at > $4
         RETURNING user_id",
    )
    .bind(tenant)
    .bind(secret::digest(token))
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(tx.conn())
    .await
}
