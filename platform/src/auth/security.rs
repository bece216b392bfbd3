//! A tenant's sign-in security settings. Each is one key in the tenant's settings, read where the
//! rule it tunes is applied, and changed by administrators (audited).

use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::Result,
    store::{Access, TenantTx, settings},
};

const REVOKE_API_TOKENS: &str = "security:revoke_api_tokens_on_password_change";

/// Whether a change or reset of a user's password also revokes their API tokens. On unless the
/// tenant turned it off: a new password often means the old one was known to someone else.
pub async fn revokes_api_tokens_on_password_change(tx: &mut TenantTx) -> Result<bool> {
    Ok(settings::get(tx, REVOKE_API_TOKENS).await?.as_deref() != Some("false"))
}

/// The settings as the console shows them.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct SecuritySettings {
    pub revoke_api_tokens_on_password_change: bool,
}

pub async fn get(app: &App, actor: &Actor) -> Result<SecuritySettings> {
    access::check(actor, Capability::ManageEmployees)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    Ok(SecuritySettings {
        revoke_api_tokens_on_password_change: revokes_api_tokens_on_password_change(&mut tx)
            .await?,
    })
}

pub async fn set(app: &App, actor: &Actor, new: SecuritySettings) -> Result<()> {
    access::check(actor, Capability::ManageEmployees)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let old = SecuritySettings {
        revoke_api_tokens_on_password_change: revokes_api_tokens_on_password_change(&mut tx)
            .await?,
    };
    let value = if new.revoke_api_tokens_on_password_change {
        "true"
    } else {
        "false"
    };
    settings::put(&mut tx, REVOKE_API_TOKENS, value).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "security.settings",
        "tenant".to_owned(),
        Some(serde_json::json!(old)),
        Some(serde_json::json!(new)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
