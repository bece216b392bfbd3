//! A tenant's sign-in security settings. Each is one key in the tenant's settings, read where the
//! rule it tunes is applied, and changed by administrators (audited).

use chrono::Duration;

use super::one_time::Purpose;
use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, FieldErrors, Result},
    store::{Access, TenantTx, settings},
};

const REVOKE_API_TOKENS: &str = "security:revoke_api_tokens_on_password_change";
const INVITATION_DAYS: &str = "security:invitation_valid_days";
const RECOVERY_MINUTES: &str = "security:recovery_valid_minutes";
const SELF_REGISTRATION: &str = "security:self_registration";

/// How long an invitation's link works, in days: the default and the range a tenant may choose.
pub const INVITATION_DAYS_DEFAULT: u32 = 7;
const INVITATION_DAYS_RANGE: std::ops::RangeInclusive<u32> = 1..=30;
/// How long a password recovery link works, in minutes: short, since it opens the account.
const RECOVERY_MINUTES_DEFAULT: u32 = 60;
const RECOVERY_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 10..=1440;

/// Whether a change or reset of a user's password also revokes their API tokens. On unless the
/// tenant turned it off: a new password often means the old one was known to someone else.
pub async fn revokes_api_tokens_on_password_change(tx: &mut TenantTx) -> Result<bool> {
    Ok(settings::get(tx, REVOKE_API_TOKENS).await?.as_deref() != Some("false"))
}

/// Whether people may register on the portal themselves. Off unless the tenant turned it on.
pub async fn self_registration(tx: &mut TenantTx) -> Result<bool> {
    Ok(settings::get(tx, SELF_REGISTRATION).await?.as_deref() == Some("true"))
}

async fn number(tx: &mut TenantTx, key: &str, default: u32) -> Result<u32> {
    Ok(settings::get(tx, key)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(default))
}

/// How long a link of this purpose works in the tenant.
pub async fn link_lifetime(tx: &mut TenantTx, purpose: Purpose) -> Result<Duration> {
    Ok(match purpose {
        Purpose::Setup => Duration::days(
            number(tx, INVITATION_DAYS, INVITATION_DAYS_DEFAULT)
                .await?
                .into(),
        ),
        Purpose::Recovery => Duration::minutes(
            number(tx, RECOVERY_MINUTES, RECOVERY_MINUTES_DEFAULT)
                .await?
                .into(),
        ),
    })
}

/// The settings as the console and the API show them.
#[derive(
    Debug, Clone, Copy, serde::Serialize, serde::Deserialize, PartialEq, Eq, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    pub revoke_api_tokens_on_password_change: bool,
    /// How many days an invitation's link works (1 to 30).
    #[serde(deserialize_with = "whole_number")]
    pub invitation_valid_days: u32,
    /// How many minutes a password recovery link works (10 to 1440).
    #[serde(deserialize_with = "whole_number")]
    pub recovery_valid_minutes: u32,
    /// People may register on the portal themselves (they confirm their address by e-mail).
    pub self_registration: bool,
}

/// A JSON number that is whole (`7` or `7.0`); out of range saturates, for the range check to name.
pub(crate) fn whole_number<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<u32, D::Error> {
    let number = <f64 as serde::Deserialize>::deserialize(deserializer)?;
    if number.fract() != 0.0 || !number.is_finite() {
        return Err(serde::de::Error::custom("expected a whole number"));
    }
    Ok(number.clamp(0.0, f64::from(u32::MAX)) as u32)
}

impl SecuritySettings {
    fn check(&self) -> Result<()> {
        let mut errors = FieldErrors::new();
        if !INVITATION_DAYS_RANGE.contains(&self.invitation_valid_days) {
            errors.insert(
                "invitation_valid_days".into(),
                vec![crate::tr!("auth-invitation-days-range")],
            );
        }
        if !RECOVERY_MINUTES_RANGE.contains(&self.recovery_valid_minutes) {
            errors.insert(
                "recovery_valid_minutes".into(),
                vec![crate::tr!("auth-recovery-minutes-range")],
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid_fields(errors))
        }
    }
}

async fn read(tx: &mut TenantTx) -> Result<SecuritySettings> {
    Ok(SecuritySettings {
        revoke_api_tokens_on_password_change: revokes_api_tokens_on_password_change(tx).await?,
        invitation_valid_days: number(tx, INVITATION_DAYS, INVITATION_DAYS_DEFAULT).await?,
        recovery_valid_minutes: number(tx, RECOVERY_MINUTES, RECOVERY_MINUTES_DEFAULT).await?,
        self_registration: self_registration(tx).await?,
    })
}

pub async fn get(app: &App, actor: &Actor) -> Result<SecuritySettings> {
    access::check(actor, Capability::ManageEmployees)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    read(&mut tx).await
}

pub async fn set(app: &App, actor: &Actor, new: SecuritySettings) -> Result<()> {
    access::check(actor, Capability::ManageEmployees)?;
    new.check()?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let old = read(&mut tx).await?;
    let flag = |on: bool| if on { "true" } else { "false" };
    settings::put(
        &mut tx,
        REVOKE_API_TOKENS,
        flag(new.revoke_api_tokens_on_password_change),
    )
    .await?;
    settings::put(&mut tx, SELF_REGISTRATION, flag(new.self_registration)).await?;
    settings::put(
        &mut tx,
        INVITATION_DAYS,
        &new.invitation_valid_days.to_string(),
    )
    .await?;
    settings::put(
        &mut tx,
        RECOVERY_MINUTES,
        &new.recovery_valid_minutes.to_string(),
    )
    .await?;
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
