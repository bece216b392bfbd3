//! Single-use links: account setup (a new user chooses a password, from an invitation) and
//! recovery (a user who is locked out or forgot their password chooses a new one). Only a digest
//! of the token is stored; consuming it is one atomic update, so a link works once. A user has
//! at most one live link of each purpose: issuing another ends the earlier one.

use chrono::Duration;

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

    fn parse(s: &str) -> Result<Self, sqlx::Error> {
        match s {
            "setup" => Ok(Self::Setup),
            "recovery" => Ok(Self::Recovery),
            _ => Err(sqlx::Error::Decode("bad one-time token purpose".into())),
        }
    }
}

/// A live token: whose it is and what for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub user: UserId,
    pub purpose: Purpose,
}

fn holder(row: Option<sqlx::any::AnyRow>) -> Result<Option<Holder>, sqlx::Error> {
    use sqlx::Row;
    row.map(|row| {
        Ok(Holder {
            user: row.try_get("user_id")?,
            purpose: Purpose::parse(&row.try_get::<String, _>("purpose")?)?,
        })
    })
    .transpose()
}

/// Issues a token for `user` and answers the link that uses it: the "choose a password" page on
/// the tenant's host.
pub async fn issue_link(
    app: &App,
    tx: &mut TenantTx,
    tenant: &portico_tenants::Tenant,
    user: UserId,
    purpose: Purpose,
    lifetime: Duration,
) -> Result<String, sqlx::Error> {
    let token = issue(tx, user, purpose, lifetime, app.clock.now()).await?;
    Ok(format!(
        "{}/set-password?token={token}",
        crate::domains::origin(&app.config, tenant)
    ))
}

/// Issues a token for `user`, valid for `lifetime` (a setup token ends the user's earlier one);
/// the caller hands it out once (in a link or a form) and forgets it.
pub async fn issue(
    tx: &mut TenantTx,
    user: UserId,
    purpose: Purpose,
    lifetime: Duration,
    now: Timestamp,
) -> Result<String, sqlx::Error> {
    if purpose == Purpose::Setup {
        revoke(tx, user, &[purpose], now).await?;
    }
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
    .bind(now + lifetime)
    .execute(tx.conn())
    .await?;
    Ok(token)
}

/// Ends every live token of `user` for one of `purposes`.
pub async fn revoke(
    tx: &mut TenantTx,
    user: UserId,
    purposes: &[Purpose],
    now: Timestamp,
) -> Result<(), sqlx::Error> {
    let mut sql = Sql::new("UPDATE one_time_tokens SET used_at = ");
    sql.bind(now)
        .push(" WHERE tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND user_id = ")
        .bind(user)
        .push(" AND used_at IS NULL");
    push_purposes(&mut sql, purposes);
    sql.execute(tx.conn()).await?;
    Ok(())
}

/// Who holds a still-valid token for one of `purposes`, without using it up (to show the form).
pub async fn peek(
    tx: &mut TenantTx,
    token: &str,
    purposes: &[Purpose],
    now: Timestamp,
) -> Result<Option<Holder>, sqlx::Error> {
    let mut sql = Sql::new("SELECT user_id, purpose FROM one_time_tokens WHERE tenant_id = ");
    sql.bind(tx.tenant_param())
        .push(" AND token_hash = ")
        .bind(secret::digest(token))
        .push(" AND used_at IS NULL AND expires_at > ")
        .bind(now);
    push_purposes(&mut sql, purposes);
    holder(sql.fetch_optional(tx.conn()).await?)
}

/// Uses the token up and answers who held it; `None` if it is unknown, expired, already used or
/// for another purpose.
pub async fn consume(
    tx: &mut TenantTx,
    token: &str,
    purposes: &[Purpose],
    now: Timestamp,
) -> Result<Option<Holder>, sqlx::Error> {
    let mut sql = Sql::new("UPDATE one_time_tokens SET used_at = ");
    sql.bind(now)
        .push(" WHERE tenant_id = ")
        .bind(tx.tenant_param())
        .push(" AND token_hash = ")
        .bind(secret::digest(token))
        .push(" AND used_at IS NULL AND expires_at > ")
        .bind(now);
    push_purposes(&mut sql, purposes);
    sql.push(" RETURNING user_id, purpose");
    holder(sql.fetch_optional(tx.conn()).await?)
}
