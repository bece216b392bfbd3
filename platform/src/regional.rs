//! Regional settings: which language and time zone people see. Each user may choose their own;
//! the tenant sets the defaults for everyone who has not (and for mail to people without an
//! account). How a request's locale follows from them is `i18n::negotiate`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, FieldErrors, Result},
    i18n::{self, Language},
    store::{Access, TenantTx},
};

/// A language and a time zone, each `None` for "automatic" (the tenant's default, then the
/// browser's language; UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Regional {
    /// A language code Portico speaks (`en`, `de`); empty or absent: automatic.
    #[serde(default)]
    pub language: Option<String>,
    /// An IANA time zone (`Europe/Berlin`); empty or absent: automatic.
    #[serde(default)]
    pub time_zone: Option<String>,
}

impl Regional {
    /// Both values checked and in their canonical spelling; blanks become `None`.
    fn parse(self) -> Result<Self> {
        let mut errors = FieldErrors::new();
        let language = match self.language.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => match Language::parse(code) {
                Some(language) => Some(language.code().to_owned()),
                None => {
                    let known: Vec<_> = Language::all().map(Language::code).collect();
                    errors.insert(
                        "language".into(),
                        vec![crate::tr!(
                            "regional-unknown-language",
                            known = known.join(", ")
                        )],
                    );
                    None
                }
            },
        };
        let time_zone = match self.time_zone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => match i18n::parse_time_zone(name) {
                Some(zone) => Some(zone.name().to_owned()),
                None => {
                    errors.insert(
                        "time_zone".into(),
                        vec![crate::tr!("regional-unknown-time-zone")],
                    );
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(Self {
                language,
                time_zone,
            })
        } else {
            Err(Error::invalid_fields(errors))
        }
    }
}

/// The actor's own choice.
pub fn own(actor: &Actor) -> Regional {
    Regional {
        language: actor.language.clone(),
        time_zone: actor.time_zone.clone(),
    }
}

/// Sets the actor's own language and time zone; the next request is served in them.
pub async fn set_own(app: &App, actor: &Actor, chosen: Regional) -> Result<Regional> {
    let chosen = chosen.parse()?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    store_own(&mut tx, actor, &chosen).await?;
    tx.commit().await?;
    Ok(chosen)
}

/// Sets only the actor's language (the language switch), keeping their time zone.
pub async fn set_own_language(app: &App, actor: &Actor, language: &str) -> Result<()> {
    let chosen = Regional {
        language: Some(language.to_owned()),
        time_zone: actor.time_zone.clone(),
    };
    set_own(app, actor, chosen).await.map(drop)
}

async fn store_own(tx: &mut TenantTx, actor: &Actor, chosen: &Regional) -> Result<()> {
    sqlx::query("UPDATE users SET language = $1, time_zone = $2 WHERE tenant_id = $3 AND id = $4")
        .bind(chosen.language.as_deref())
        .bind(chosen.time_zone.as_deref())
        .bind(tx.tenant_param())
        .bind(actor.user.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The tenant's defaults (administrators).
pub fn tenant_defaults(actor: &Actor) -> Result<Regional> {
    access::check(actor, Capability::ManageEmployees)?;
    Ok(Regional {
        language: actor.tenant.language.clone(),
        time_zone: actor.tenant.time_zone.clone(),
    })
}

/// Sets the tenant's defaults (administrators). Requests on this node see them at once, other
/// nodes within the tenant directory's recheck interval.
pub async fn set_tenant_defaults(app: &App, actor: &Actor, chosen: Regional) -> Result<Regional> {
    access::check(actor, Capability::ManageEmployees)?;
    let chosen = chosen.parse()?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    portico_tenants::set_regional(
        tx.conn(),
        actor.tenant.id,
        chosen.language.as_deref(),
        chosen.time_zone.as_deref(),
    )
    .await
    .map_err(|e| Error::Internal(e.into()))?;
    access::audit(
        app,
        &mut tx,
        actor,
        "tenant.regional",
        "tenant".to_owned(),
        Some(serde_json::json!(tenant_defaults(actor)?)),
        Some(serde_json::json!(chosen)),
    )
    .await?;
    tx.commit().await?;
    crate::tenancy::forget(app, &actor.tenant.slug);
    Ok(chosen)
}
