//! The channel's time limits, set by those who manage partnerships: how soon a deal registration
//! is decided, how long an approved one protects the deal, and how long a partner has to answer a
//! lead offered to it. Each is one key in the tenant's settings.

use chrono::Duration;

use super::PARTNERSHIP;
use crate::{
    access::{self, Actor, Capability, Operation},
    app::App,
    error::{Error, FieldErrors, Result},
    records,
    store::{Access, TenantTx, settings},
};

const REVIEW_HOURS: &str = "partners:deal_review_hours";
const PROTECTION_DAYS: &str = "partners:deal_protection_days";
const OFFER_HOURS: &str = "partners:lead_offer_hours";

/// Each limit's key, default and the range a tenant may choose.
const LIMITS: [(&str, u32, std::ops::RangeInclusive<u32>); 3] = [
    (REVIEW_HOURS, 48, 1..=720),
    (PROTECTION_DAYS, 90, 1..=730),
    (OFFER_HOURS, 72, 1..=720),
];

#[derive(
    Debug, Clone, Copy, serde::Serialize, serde::Deserialize, PartialEq, Eq, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct PartnerSettings {
    /// Hours within which an employee decides a deal registration (1 to 720).
    #[serde(deserialize_with = "crate::auth::security::whole_number")]
    pub deal_review_hours: u32,
    /// Days an approved registration protects the deal for its partner (1 to 730).
    #[serde(deserialize_with = "crate::auth::security::whole_number")]
    pub deal_protection_days: u32,
    /// Hours a partner has to accept or decline a lead offered to it (1 to 720).
    #[serde(deserialize_with = "crate::auth::security::whole_number")]
    pub lead_offer_hours: u32,
}

impl PartnerSettings {
    fn values(&self) -> [u32; 3] {
        [
            self.deal_review_hours,
            self.deal_protection_days,
            self.lead_offer_hours,
        ]
    }

    fn check(&self) -> Result<()> {
        let mut errors = FieldErrors::new();
        let fields = [
            "deal_review_hours",
            "deal_protection_days",
            "lead_offer_hours",
        ];
        for ((field, value), (_, _, range)) in fields.into_iter().zip(self.values()).zip(LIMITS) {
            if !range.contains(&value) {
                let message = crate::tr!(
                    "partners-setting-range",
                    min = *range.start(),
                    max = *range.end()
                );
                errors.insert(field.into(), vec![message]);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::invalid_fields(errors))
        }
    }

    pub fn review_time(&self) -> Duration {
        Duration::hours(self.deal_review_hours.into())
    }

    pub fn protection(&self) -> Duration {
        Duration::days(self.deal_protection_days.into())
    }

    pub fn offer_time(&self) -> Duration {
        Duration::hours(self.lead_offer_hours.into())
    }
}

/// The tenant's limits, for the rules that apply them.
pub async fn read(tx: &mut TenantTx) -> Result<PartnerSettings> {
    let mut values = [0; 3];
    for (value, (key, default, _)) in values.iter_mut().zip(LIMITS) {
        *value = settings::get(tx, key)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(default);
    }
    let [deal_review_hours, deal_protection_days, lead_offer_hours] = values;
    Ok(PartnerSettings {
        deal_review_hours,
        deal_protection_days,
        lead_offer_hours,
    })
}

/// Those who may change partnerships manage the channel's limits.
fn check_manager(actor: &Actor) -> Result<()> {
    let partnerships = records::object_type(actor, PARTNERSHIP)?;
    access::check(actor, Capability::UseConsole)?;
    access::check(actor, Capability::Records(&partnerships, Operation::Update))
}

pub async fn get(app: &App, actor: &Actor) -> Result<PartnerSettings> {
    check_manager(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    read(&mut tx).await
}

pub async fn set(app: &App, actor: &Actor, new: PartnerSettings) -> Result<()> {
    check_manager(actor)?;
    new.check()?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let old = read(&mut tx).await?;
    for (value, (key, _, _)) in new.values().into_iter().zip(LIMITS) {
        settings::put(&mut tx, key, &value.to_string()).await?;
    }
    access::audit(
        app,
        &mut tx,
        actor,
        "partners.settings",
        "tenant".to_owned(),
        Some(serde_json::json!(old)),
        Some(serde_json::json!(new)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
