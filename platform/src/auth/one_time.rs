//! Single-use links: account setup (a new user chooses a password) and recovery (a user who is
//! locked out or forgot their password chooses a new one). Only a digest of the token is stored;
//! consuming it is one atomic update, so a link works once.

use chrono::Duration;

use portico_tenants::Slug;

use super::secret;
use crate::{
    app::App,
    store::{Sql, TenantTx, Timestamp},
    users::UserId,
};

/// `AND purpose IN (...)` for these purposes.
fn push_purposes(sql: &mut Sql, purposes: &[Purpose]) {
    sql.push(" AND purpose IN (")
        .bind_list(purposes.iter().map(|p| p.as_str().to_owned()))
        .push(")");
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Setup,
    Recovery,
}

/// The links that lead to the "choose a password" page.
pub const PASSWORD_LINKS: &[Purpose] = &[Purpose::Setup, Purpose::Recovery];

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Setup => "setup",
            Self::Recovery => "recovery",
        }
    }

    fn lifetime(self) -> Duration {
        match self {
            Self::Setup => Duration::hours(72),
            Self::Recovery => Duration::hours(1),
        }
    }
}

/// Issues a token for `user` and answers the link that uses it (the "choose a password" page on
/// the tenant's host).
pub async fn issue_link(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Slug,
    user: UserId,
    purpose: Purpose,
) -> Result<String, sqlx::Error> {
    let token = issue(tx, user, purpose, app.clock.now()).await?;
    Ok(format!(
        "{}/set-password?token={token}",
        app.config.tenant_origin(tenant.as_str())
    ))
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

/// The user a still-valid token for one of `purposes` belongs to, without using it up (to show
/// the form).
pub async fn peek(
    tx: &mut TenantTx,
    token: &str,
    purposes: &[Purpose],
    now: Timestamp,
) -> Result<Option<UserId>, sqlx::Error> {
    let mut sql = Sql::new("SELECT user_id FROM one_time_tokens WHERE tenant_id = ");
    sql.bind(tx.tenant_param())
        .push(" AND token_hash = ")
        .bind(secret::digest(token))
        .push(" AND used_at IS NULL AND expires_at > ")
        .bind(now);
    push_purposes(&mut sql, purposes);
    sql.fetch_optional(tx.conn())
        .await?
        .map(|row| sqlx::Row::try_get(&row, "user_id"))
        .transpose()
}

/// Uses the token up and returns its user; `None` if it is unknown, expired, already used or for
/// another purpose.
pub async fn consume(
    tx: &mut TenantTx,
    token: &str,
    purposes: &[Purpose],
    now: Timestamp,
) -> Result<Option<UserId>, sqlx::Error> {
    let mut sql = Sql::new("UPDATE one_time_tokens SET used_at = ");
    sql.bind(now)
        .push(" WHERE tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND token_hash = ")
        .bind(secret::digest(token))
        .push(" AND used_at IS NULL AND expires_at > ")
        .bind(now);
    push_purposes(&mut sql, purposes);
    sql.push(" RETURNING user_id");
    sql.fetch_optional(tx.conn())
        .await?
        .map(|row| sqlx::Row::try_get(&row, "user_id"))
        .transpose()
}
