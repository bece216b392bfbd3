//! Single sign-on with OpenID Connect. A tenant's administrators register providers for its
//! employees (the console) and for its portal users; an organization's administrators may, if
//! the tenant lets them, register their own provider for the organization's verified e-mail
//! domain, which then signs in that organization's people only. A sign-in is the authorization
//! code flow with PKCE: `start` remembers state, nonce and verifier (server-side, once) and sends
//! the browser to the provider; `finish` checks what comes back (see `oidc`) and matches the
//! verified address to a user, or creates one when the provider may.

use std::{net::IpAddr, sync::Arc};

use chrono::Duration;
use portico_tenants::Tenant;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AssertSqlSafe, Row};
use uuid::Uuid;

use super::{Entrance, oidc, secret, sessions, throttle};
use crate::{
    access::{self, Actor, Capability, RoleId},
    app::App,
    error::{Error, FieldErrors, Result},
    organizations::{self, Organization},
    store::{Access, TenantTx, Timestamp, settings},
    users::{self, Email, NewUser, User, UserKind},
};

/// How long a sign-in may stay at the provider.
const SIGN_IN_WITHIN: Duration = Duration::minutes(10);
const PORTAL_PASSWORDS: &str = "sso:portal_passwords";
const CONSOLE_PASSWORDS: &str = "sso:console_passwords";
const ORGANIZATION_PROVIDERS: &str = "sso:organization_providers";
/// `create_users_in` of a provider that creates users outside any organization.
const NO_ORGANIZATION: &str = "*";

/// Who signs in with a provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Portal users (external).
    #[default]
    Portal,
    /// Employees, in the console.
    Console,
}

impl Audience {
    fn as_str(self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Console => "console",
        }
    }

    fn parse(text: &str) -> Self {
        if text == "console" {
            Self::Console
        } else {
            Self::Portal
        }
    }

    /// Whether `kind` of user signs in here.
    fn admits(self, kind: UserKind) -> bool {
        match self {
            Self::Portal => kind == UserKind::External,
            Self::Console => kind == UserKind::Employee,
        }
    }

    pub fn entrance(self) -> Entrance {
        match self {
            Self::Portal => Entrance::Portal,
            Self::Console => Entrance::Console,
        }
    }
}

/// An identity provider as administrators see it (never its client secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Provider {
    pub id: String,
    /// The button's words: "Sign in with {name}".
    pub name: String,
    pub audience: Audience,
    /// The organization whose own provider this is (its people only).
    #[schema(value_type = Option<String>)]
    pub organization: Option<RoleId>,
    /// The e-mail domain an organization's provider signs in.
    pub email_domain: Option<String>,
    pub issuer: String,
    pub client_id: String,
    pub enabled: bool,
    /// Whether a verified address without a user becomes a new portal user.
    pub create_users: bool,
    /// The organization new users join (none: "All external users").
    #[schema(value_type = Option<String>)]
    pub create_users_in: Option<RoleId>,
    /// The address to register at the provider as the redirect URI.
    pub redirect_uri: String,
    #[schema(value_type = String)]
    pub updated_at: Timestamp,
}

/// A provider as an administrator enters it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    pub name: String,
    #[serde(default)]
    pub audience: Audience,
    /// The issuer URL; its discovery document must answer.
    pub issuer: String,
    pub client_id: String,
    /// Needed when the provider is added; left out, a change keeps the one stored.
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub create_users: bool,
    /// For a tenant's portal provider: the organization new users join.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub create_users_in: Option<String>,
}

fn yes() -> bool {
    true
}

/// The tenant's sign-in choices around single sign-on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoSettings {
    /// Portal users may sign in with a password (off: only through a provider).
    pub portal_passwords: bool,
    /// Employees may sign in with a password (off: only through a provider; those who manage
    /// employees keep their password as the way back in).
    pub console_passwords: bool,
    /// Organizations' administrators may connect their own provider.
    pub organization_providers: bool,
}

/// A provider offered on a login page.
#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub id: String,
    pub name: String,
}

fn redirect_uri(app: &App, tenant: &Tenant) -> String {
    format!(
        "{}/sso/callback",
        crate::domains::origin(&app.config, tenant)
    )
}

fn not_found() -> Error {
    Error::NotFound("identity provider")
}

/// A stored provider with what only the server sees.
struct Stored {
    provider: Provider,
    secret_sealed: String,
}

const COLUMNS: &str = "id, entrance, organization_id, name, issuer, client_id, \
     client_secret_sealed, email_domain, create_users_in, status, updated_at";

fn from_row(app: &App, tenant: &Tenant, row: &sqlx::any::AnyRow) -> Result<Stored> {
    let role = |column: &str| -> Result<Option<RoleId>> {
        Ok(row
            .try_get::<Option<String>, _>(column)?
            .and_then(|id| id.parse().ok()))
    };
    let create_users_in: Option<String> = row.try_get("create_users_in")?;
    Ok(Stored {
        provider: Provider {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            audience: Audience::parse(&row.try_get::<String, _>("entrance")?),
            organization: role("organization_id")?,
            email_domain: row.try_get("email_domain")?,
            issuer: row.try_get("issuer")?,
            client_id: row.try_get("client_id")?,
            enabled: row.try_get::<String, _>("status")? == "enabled",
            create_users: create_users_in.is_some(),
            create_users_in: create_users_in.and_then(|id| id.parse().ok()),
            redirect_uri: redirect_uri(app, tenant),
            updated_at: row.try_get("updated_at")?,
        },
        secret_sealed: row.try_get("client_secret_sealed")?,
    })
}

async fn load_all(app: &App, tx: &mut TenantTx, tenant: &Tenant) -> Result<Vec<Stored>> {
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE tenant_id = $1 ORDER BY name, id"
    )))
    .bind(tx.tenant_param())
    .fetch_all(tx.conn())
    .await?;
    rows.iter().map(|row| from_row(app, tenant, row)).collect()
}

async fn load(app: &App, tx: &mut TenantTx, tenant: &Tenant, id: &str) -> Result<Stored> {
    Uuid::parse_str(id).map_err(|_| not_found())?;
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tx.tenant_param())
    .bind(id)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(not_found)?;
    from_row(app, tenant, &row)
}

async fn flag(tx: &mut TenantTx, key: &str, default: bool) -> Result<bool> {
    Ok(match settings::get(tx, key).await?.as_deref() {
        Some("true") => true,
        Some("false") => false,
        _ => default,
    })
}

async fn read_settings(tx: &mut TenantTx) -> Result<SsoSettings> {
    Ok(SsoSettings {
        portal_passwords: flag(tx, PORTAL_PASSWORDS, true).await?,
        console_passwords: flag(tx, CONSOLE_PASSWORDS, true).await?,
        organization_providers: flag(tx, ORGANIZATION_PROVIDERS, false).await?,
    })
}

/// Whether a provider may be used now: enabled, and an organization's only while the tenant
/// lets organizations connect theirs.
fn usable(provider: &Provider, settings: &SsoSettings) -> bool {
    provider.enabled && (provider.organization.is_none() || settings.organization_providers)
}

/// Whether a provider signs people in now: usable, and an organization's only while the domain
/// it was connected for is still the organization's (staff may have given it to another).
async fn serves(tx: &mut TenantTx, provider: &Provider, settings: &SsoSettings) -> Result<bool> {
    if !usable(provider, settings) {
        return Ok(false);
    }
    Ok(match (provider.organization, &provider.email_domain) {
        (Some(org), Some(domain)) => {
            organizations::verified_domain(tx, org).await?.as_ref() == Some(domain)
        }
        _ => true,
    })
}

// ---- Administration -------------------------------------------------------------------------

fn may_administer(actor: &Actor) -> Result<()> {
    access::check(actor, Capability::ManageEmployees)
}

/// Every provider of the tenant, organizations' included.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Provider>> {
    may_administer(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let all = load_all(app, &mut tx, &actor.tenant).await?;
    Ok(all.into_iter().map(|s| s.provider).collect())
}

pub async fn get(app: &App, actor: &Actor, id: &str) -> Result<Provider> {
    may_administer(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    Ok(load(app, &mut tx, &actor.tenant, id).await?.provider)
}

/// A provider's fields, checked: every problem at once, then whether the provider answers.
struct Checked {
    name: String,
    issuer: String,
    client_id: String,
    secret: Option<String>,
    create_users_in: Option<String>,
}

async fn check_input(
    app: &App,
    actor: &Actor,
    input: &ProviderInput,
    secret_needed: bool,
) -> Result<Checked> {
    let mut errors = FieldErrors::new();
    let mut refuse = |field: &str, message: String| {
        errors.entry(field.into()).or_default().push(message);
    };
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        refuse("name", crate::tr!("sso-name-length"));
    }
    let issuer = input.issuer.trim().to_owned();
    if oidc::check_url(&issuer, app.config.is_local()).is_err() || issuer.len() > 500 {
        refuse("issuer", crate::tr!("sso-issuer-invalid"));
    }
    let client_id = input.client_id.trim();
    if client_id.is_empty() || client_id.len() > 255 {
        refuse("client_id", crate::tr!("sso-client-id-length"));
    }
    let secret = input.client_secret.as_deref().filter(|s| !s.is_empty());
    if secret.is_none_or(|s| s.len() > 1000) && (secret_needed || secret.is_some()) {
        refuse("client_secret", crate::tr!("sso-client-secret-needed"));
    }
    if app.config.secrets_key.is_none() {
        refuse("client_secret", crate::tr!("sso-no-secrets-key"));
    }
    let create_users_in = match (input.create_users, input.create_users_in.as_deref()) {
        (false, _) => None,
        (true, None | Some("")) => Some(NO_ORGANIZATION.to_owned()),
        (true, Some(id)) => match id
            .parse()
            .ok()
            .map(|id| organizations::organization(actor, id))
        {
            Some(Ok(org)) => Some(org.id.to_string()),
            _ => {
                refuse("create_users_in", crate::tr!("sso-organization-unknown"));
                None
            }
        },
    };
    if input.create_users && input.audience == Audience::Console {
        refuse("create_users", crate::tr!("sso-create-employees"));
    }
    if !errors.is_empty() {
        return Err(Error::invalid_fields(errors));
    }
    // A provider that does not answer as one would only fail at the next sign-in: say so now.
    app.oidc.metadata(&issuer).await.map_err(|problem| {
        tracing::info!(%issuer, %problem, "identity provider refused on saving");
        Error::invalid_field(
            "issuer",
            crate::tr!("sso-issuer-unreachable", problem = problem.to_string()),
        )
    })?;
    Ok(Checked {
        name: name.to_owned(),
        issuer,
        client_id: client_id.to_owned(),
        secret: secret.map(str::to_owned),
        create_users_in,
    })
}

/// Where a new provider belongs: the tenant (audience chosen) or an organization (its domain).
struct Owner {
    audience: Audience,
    organization: Option<(RoleId, String)>,
}

async fn insert(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    owner: Owner,
    checked: Checked,
    enabled: bool,
) -> Result<Provider> {
    let key =
        app.config.secrets_key.as_ref().ok_or_else(|| {
            Error::invalid_field("client_secret", crate::tr!("sso-no-secrets-key"))
        })?;
    let sealed = secret::seal(key, checked.secret.as_deref().unwrap_or_default());
    let id = Uuid::now_v7().to_string();
    let now = app.clock.now();
    let (organization, domain) = owner.organization.unzip();
    sqlx::query(
        "INSERT INTO identity_providers (tenant_id, id, entrance, organization_id, name, issuer,
             client_id, client_secret_sealed, email_domain, create_users_in, status, created_at,
             updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(tx.tenant_param())
    .bind(&id)
    .bind(owner.audience.as_str())
    .bind(organization.map(|o| o.to_string()))
    .bind(&checked.name)
    .bind(&checked.issuer)
    .bind(&checked.client_id)
    .bind(sealed)
    .bind(domain)
    .bind(checked.create_users_in)
    .bind(if enabled { "enabled" } else { "disabled" })
    .bind(now)
    .execute(tx.conn())
    .await?;
    let provider = load(app, tx, &actor.tenant, &id).await?.provider;
    audit(app, tx, actor, "sso.provider_create", None, Some(&provider)).await?;
    Ok(provider)
}

async fn audit(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    action: &str,
    before: Option<&Provider>,
    after: Option<&Provider>,
) -> Result<()> {
    let id = after.or(before).map(|p| p.id.as_str()).unwrap_or_default();
    access::audit(
        app,
        tx,
        actor,
        action,
        format!("identity_provider:{id}"),
        before.map(|p| json!(p)),
        after.map(|p| json!(p)),
    )
    .await
}

pub async fn create(app: &App, actor: &Actor, input: ProviderInput) -> Result<Provider> {
    may_administer(actor)?;
    let checked = check_input(app, actor, &input, true).await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let owner = Owner {
        audience: input.audience,
        organization: None,
    };
    let provider = insert(app, &mut tx, actor, owner, checked, input.enabled).await?;
    tx.commit().await?;
    Ok(provider)
}

async fn update_stored(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    before: Provider,
    checked: Checked,
    enabled: bool,
) -> Result<Provider> {
    let sealed = match (&checked.secret, &app.config.secrets_key) {
        (Some(secret), Some(key)) => Some(secret::seal(key, secret)),
        _ => None,
    };
    sqlx::query(
        "UPDATE identity_providers SET name = $3, issuer = $4, client_id = $5,
             client_secret_sealed = COALESCE($6, client_secret_sealed), create_users_in = $7,
             status = $8, updated_at = $9
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tx.tenant_param())
    .bind(&before.id)
    .bind(&checked.name)
    .bind(&checked.issuer)
    .bind(&checked.client_id)
    .bind(sealed)
    .bind(checked.create_users_in)
    .bind(if enabled { "enabled" } else { "disabled" })
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    let after = load(app, tx, &actor.tenant, &before.id).await?.provider;
    audit(
        app,
        tx,
        actor,
        "sso.provider_update",
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Changes a provider (an organization's too: the tenant may switch it off). Its audience and
/// owner stay.
pub async fn update(app: &App, actor: &Actor, id: &str, input: ProviderInput) -> Result<Provider> {
    may_administer(actor)?;
    let before = get(app, actor, id).await?;
    let input = ProviderInput {
        audience: before.audience,
        create_users_in: match before.organization {
            Some(org) => Some(org.to_string()),
            None => input.create_users_in,
        },
        ..input
    };
    let checked = check_input(app, actor, &input, false).await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let provider = update_stored(app, &mut tx, actor, before, checked, input.enabled).await?;
    check_passwords_still_possible(&mut tx, app, &actor.tenant).await?;
    tx.commit().await?;
    Ok(provider)
}

async fn delete_stored(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    before: &Provider,
) -> Result<()> {
    sqlx::query("DELETE FROM identity_providers WHERE tenant_id = $1 AND id = $2")
        .bind(tx.tenant_param())
        .bind(&before.id)
        .execute(tx.conn())
        .await?;
    audit(app, tx, actor, "sso.provider_delete", Some(before), None).await
}

/// Removes a provider (an organization's too): nobody signs in with it any more.
pub async fn delete(app: &App, actor: &Actor, id: &str) -> Result<()> {
    may_administer(actor)?;
    let before = get(app, actor, id).await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    delete_stored(app, &mut tx, actor, &before).await?;
    check_passwords_still_possible(&mut tx, app, &actor.tenant).await?;
    tx.commit().await?;
    Ok(())
}

/// Password sign-in may be off for an audience only while a provider signs it in.
async fn check_passwords_still_possible(
    tx: &mut TenantTx,
    app: &App,
    tenant: &Tenant,
) -> Result<()> {
    let settings = read_settings(tx).await?;
    let providers = load_all(app, tx, tenant).await?;
    let served = |audience: Audience| {
        providers.iter().any(|s| {
            let p = &s.provider;
            p.audience == audience && p.organization.is_none() && p.enabled
        })
    };
    let mut errors = FieldErrors::new();
    for (audience, passwords, field) in [
        (
            Audience::Portal,
            settings.portal_passwords,
            "portal_passwords",
        ),
        (
            Audience::Console,
            settings.console_passwords,
            "console_passwords",
        ),
    ] {
        if !passwords && !served(audience) {
            errors.insert(
                field.into(),
                vec![crate::tr!("sso-passwords-need-provider")],
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errors))
    }
}

pub async fn settings(app: &App, actor: &Actor) -> Result<SsoSettings> {
    may_administer(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    read_settings(&mut tx).await
}

pub async fn set_settings(app: &App, actor: &Actor, new: SsoSettings) -> Result<()> {
    may_administer(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let old = read_settings(&mut tx).await?;
    for (key, on) in [
        (PORTAL_PASSWORDS, new.portal_passwords),
        (CONSOLE_PASSWORDS, new.console_passwords),
        (ORGANIZATION_PROVIDERS, new.organization_providers),
    ] {
        settings::put(&mut tx, key, if on { "true" } else { "false" }).await?;
    }
    check_passwords_still_possible(&mut tx, app, &actor.tenant).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "sso.settings",
        "tenant".to_owned(),
        Some(json!(old)),
        Some(json!(new)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- An organization's own provider ---------------------------------------------------------

/// What an organization's administrator sees of their provider: whether they may connect one,
/// the domain it would serve, and the provider.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganizationSso {
    /// The tenant lets organizations connect their own provider.
    pub allowed: bool,
    /// The organization's verified e-mail domain (set by the tenant's staff); needed.
    pub email_domain: Option<String>,
    pub provider: Option<Provider>,
    /// The address to register at the provider as the redirect URI.
    pub redirect_uri: String,
}

fn may_administer_organization(actor: &Actor, org: RoleId) -> Result<Organization> {
    let organization = organizations::organization(actor, org)?;
    access::check(actor, Capability::AdministerOrganization(org))
        .map_err(|_| Error::NotFound("organization"))?;
    Ok(organization)
}

async fn organization_provider(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    org: RoleId,
) -> Result<Option<Provider>> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM identity_providers WHERE tenant_id = $1 AND organization_id = $2"
    )))
    .bind(tx.tenant_param())
    .bind(org.to_string())
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| from_row(app, tenant, &row).map(|s| s.provider))
        .transpose()
}

pub async fn of_organization(app: &App, actor: &Actor, org: RoleId) -> Result<OrganizationSso> {
    may_administer_organization(actor, org)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    Ok(OrganizationSso {
        allowed: read_settings(&mut tx).await?.organization_providers,
        email_domain: organizations::verified_domain(&mut tx, org).await?,
        provider: organization_provider(app, &mut tx, &actor.tenant, org).await?,
        redirect_uri: redirect_uri(app, &actor.tenant),
    })
}

/// Connects (or changes) the organization's own provider, for its verified domain. New users it
/// signs in join the organization.
pub async fn set_organization_provider(
    app: &App,
    actor: &Actor,
    org: RoleId,
    input: ProviderInput,
) -> Result<Provider> {
    may_administer_organization(actor, org)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    if !read_settings(&mut tx).await?.organization_providers {
        return Err(Error::Forbidden(crate::tr!(
            "sso-organizations-not-allowed"
        )));
    }
    let domain = organizations::verified_domain(&mut tx, org)
        .await?
        .ok_or_else(|| Error::Conflict(crate::tr!("sso-organization-needs-domain")))?;
    let before = organization_provider(app, &mut tx, &actor.tenant, org).await?;
    tx.commit().await?;
    let input = ProviderInput {
        audience: Audience::Portal,
        create_users_in: Some(org.to_string()),
        ..input
    };
    let checked = check_input(app, actor, &input, before.is_none()).await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let provider = match before {
        Some(before) => {
            let enabled = input.enabled && before.enabled;
            update_stored(app, &mut tx, actor, before, checked, enabled).await?
        }
        None => {
            let owner = Owner {
                audience: Audience::Portal,
                organization: Some((org, domain)),
            };
            insert(app, &mut tx, actor, owner, checked, input.enabled).await?
        }
    };
    tx.commit().await?;
    Ok(provider)
}

pub async fn remove_organization_provider(app: &App, actor: &Actor, org: RoleId) -> Result<()> {
    may_administer_organization(actor, org)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let before = organization_provider(app, &mut tx, &actor.tenant, org)
        .await?
        .ok_or_else(not_found)?;
    delete_stored(app, &mut tx, actor, &before).await?;
    tx.commit().await?;
    Ok(())
}

// ---- Signing in -----------------------------------------------------------------------------

/// What a login page offers: the tenant's providers for its audience, and whether passwords work.
#[derive(Debug)]
pub struct LoginChoices {
    pub providers: Vec<Offer>,
    pub passwords: bool,
}

pub async fn login_choices(app: &App, tenant: &Tenant, entrance: Entrance) -> Result<LoginChoices> {
    let audience = match entrance {
        Entrance::Console => Audience::Console,
        _ => Audience::Portal,
    };
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let settings = read_settings(&mut tx).await?;
    let providers = load_all(app, &mut tx, tenant)
        .await?
        .into_iter()
        .map(|s| s.provider)
        .filter(|p| p.audience == audience && p.organization.is_none() && usable(p, &settings))
        .map(|p| Offer {
            id: p.id,
            name: p.name,
        })
        .collect();
    Ok(LoginChoices {
        providers,
        passwords: match audience {
            Audience::Portal => settings.portal_passwords,
            Audience::Console => settings.console_passwords,
        },
    })
}

fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
}

/// The organization's provider that people at `login`'s domain sign in with, if any: the login
/// page sends them there instead of asking for a password.
pub async fn provider_for_login(app: &App, tenant: &Tenant, login: &str) -> Result<Option<Offer>> {
    let domain = domain_of(login.trim()).to_lowercase();
    if domain.is_empty() {
        return Ok(None);
    }
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let settings = read_settings(&mut tx).await?;
    if !settings.organization_providers {
        return Ok(None);
    }
    domain_provider(&mut tx, &domain).await
}

/// The enabled provider of the organization whose verified domain `domain` is. A provider
/// connected for a domain that staff have since given to another organization (or taken away)
/// serves nobody.
async fn domain_provider(tx: &mut TenantTx, domain: &str) -> Result<Option<Offer>> {
    let found: Option<(String, String, String)> = sqlx::query_as(
        "SELECT id, name, organization_id FROM identity_providers
         WHERE tenant_id = $1 AND email_domain = $2 AND status = 'enabled'
           AND organization_id IS NOT NULL",
    )
    .bind(tx.tenant_param())
    .bind(domain)
    .fetch_optional(tx.conn())
    .await?;
    let Some((id, name, organization)) = found else {
        return Ok(None);
    };
    let holds = match organization.parse() {
        Ok(org) => organizations::verified_domain(tx, org).await?.as_deref() == Some(domain),
        Err(_) => false,
    };
    Ok(holds.then_some(Offer { id, name }))
}

/// Whether `user` may sign in with a password: not while the tenant signs their audience in
/// through a provider (except those who manage employees: their password is the way back in
/// when a provider fails), nor when their organization signs them in.
pub(crate) async fn check_password_allowed(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    user: &User,
) -> Result<()> {
    let settings = read_settings(tx).await?;
    let allowed = match user.kind {
        UserKind::Employee if !settings.console_passwords => {
            let actor = access::actor(app, tx, Arc::new(tenant.clone()), user.clone()).await?;
            access::check(&actor, Capability::ManageEmployees).is_ok()
        }
        UserKind::External if !settings.portal_passwords => false,
        UserKind::External if settings.organization_providers => {
            domain_provider(tx, domain_of(user.login.as_str()))
                .await?
                .is_none()
        }
        _ => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden(crate::tr!("sso-passwords-off")))
    }
}

/// Whether `user` signs in through a provider only (their password would not be taken).
pub async fn password_refused(app: &App, tenant: &Tenant, user: &User) -> Result<bool> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    match check_password_allowed(app, &mut tx, tenant, user).await {
        Ok(()) => Ok(false),
        Err(Error::Forbidden(_)) => Ok(true),
        Err(other) => Err(other),
    }
}

/// A sign-in sent to the provider: where the browser goes, and the state its cookie keeps (the
/// answer must come back to the browser that asked).
#[derive(Debug)]
pub struct Started {
    pub url: String,
    pub state: String,
}

/// Starts a sign-in with the provider `id`. Throttled per client address, since each start
/// keeps a little state.
pub async fn start(
    app: &App,
    tenant: &Tenant,
    id: &str,
    login_hint: Option<&str>,
    client: IpAddr,
) -> Result<Started> {
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let settings = read_settings(&mut tx).await?;
    let provider = load(app, &mut tx, tenant, id).await?.provider;
    if !serves(&mut tx, &provider, &settings).await? {
        return Err(not_found());
    }
    throttle::reserve(
        &mut tx,
        &throttle::SSO_STARTS_PER_ADDRESS,
        &sso_subject(client),
        now,
    )
    .await?
    .map_err(super::throttled)?;
    sqlx::query("DELETE FROM sso_sign_ins WHERE tenant_id = $1 AND expires_at <= $2")
        .bind(tx.tenant_param())
        .bind(now)
        .execute(tx.conn())
        .await?;
    let (state, nonce, code_verifier) = (
        secret::generate(""),
        secret::generate(""),
        secret::generate(""),
    );
    sqlx::query(
        "INSERT INTO sso_sign_ins (tenant_id, state_hash, provider_id, nonce, code_verifier,
             created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tx.tenant_param())
    .bind(secret::digest(&state))
    .bind(&provider.id)
    .bind(&nonce)
    .bind(&code_verifier)
    .bind(now)
    .bind(now + SIGN_IN_WITHIN)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    let metadata = app
        .oidc
        .metadata(&provider.issuer)
        .await
        .map_err(|p| refused(&provider, &p))?;
    let url = oidc::authorization_url(
        &metadata.discovery,
        oidc::AuthorizationRequest {
            client_id: &provider.client_id,
            redirect_uri: &provider.redirect_uri,
            state: &state,
            nonce: &nonce,
            code_verifier: &code_verifier,
            login_hint,
        },
    )
    .map_err(|p| refused(&provider, &p))?;
    Ok(Started { url, state })
}

fn sso_subject(client: IpAddr) -> String {
    format!("sso:{client}")
}

/// The person's words for a sign-in the provider's answer did not allow.
fn refused(provider: &Provider, problem: &oidc::Problem) -> Error {
    tracing::info!(provider = %provider.id, issuer = %provider.issuer, %problem, "single sign-on refused");
    let reason = crate::i18n::message(problem.message_key(), Vec::new());
    Error::Unauthenticated(crate::tr!(
        "sso-refused",
        provider = provider.name.as_str(),
        reason = reason
    ))
}

/// What the provider sent the browser back with.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_description: Option<String>,
    /// The issuer, from providers that name it (RFC 9207): an answer of another provider is
    /// refused before its code goes anywhere.
    #[serde(default)]
    pub iss: Option<String>,
}

fn start_again() -> Error {
    Error::Unauthenticated(crate::tr!("sso-start-again"))
}

/// Finishes a sign-in: the state must be this browser's and unused, the code is exchanged (with
/// the PKCE verifier), the ID token verified; then the verified address is matched to a user of
/// the provider's audience (and organization), or becomes one when the provider creates users.
pub async fn finish(
    app: &App,
    tenant: &Arc<Tenant>,
    callback: &Callback,
    browser_state: Option<&str>,
    client: IpAddr,
) -> Result<(User, sessions::NewSession, Entrance)> {
    if callback.state.is_empty() || !browser_state.is_some_and(|s| secret::same(s, &callback.state))
    {
        return Err(start_again());
    }
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let pending = sqlx::query(
        "DELETE FROM sso_sign_ins WHERE tenant_id = $1 AND state_hash = $2 AND expires_at > $3
         RETURNING provider_id, nonce, code_verifier",
    )
    .bind(tx.tenant_param())
    .bind(secret::digest(&callback.state))
    .bind(now)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(start_again)?;
    let provider_id: String = pending.try_get("provider_id")?;
    let nonce: String = pending.try_get("nonce")?;
    let code_verifier: String = pending.try_get("code_verifier")?;
    let settings = read_settings(&mut tx).await?;
    let stored = load(app, &mut tx, tenant, &provider_id).await?;
    let provider = &stored.provider;
    let serving = serves(&mut tx, provider, &settings).await?;
    // The state is spent whatever happens next.
    tx.commit().await?;
    if !serving {
        return Err(not_found());
    }
    if callback
        .iss
        .as_ref()
        .is_some_and(|iss| *iss != provider.issuer)
    {
        return Err(refused(provider, &oidc::Problem::Issuer));
    }
    if let Some(error) = &callback.error {
        let said = callback.error_description.as_deref().unwrap_or(error);
        return Err(refused(
            provider,
            &oidc::Problem::Refused(said.chars().take(200).collect()),
        ));
    }
    let key = app.config.secrets_key.as_ref().ok_or_else(|| {
        Error::Internal(anyhow::anyhow!("single sign-on needs PORTICO_SECRETS_KEY"))
    })?;
    let client_secret = secret::open(key, &stored.secret_sealed).ok_or_else(|| {
        Error::Internal(anyhow::anyhow!(
            "an identity provider's secret does not open with PORTICO_SECRETS_KEY"
        ))
    })?;
    let metadata = app
        .oidc
        .metadata(&provider.issuer)
        .await
        .map_err(|p| refused(provider, &p))?;
    let tokens = app
        .oidc
        .exchange(
            &metadata.discovery,
            &provider.client_id,
            &client_secret,
            &callback.code,
            &code_verifier,
            &provider.redirect_uri,
        )
        .await
        .map_err(|p| refused(provider, &p))?;
    let expected = oidc::Expected {
        issuer: &provider.issuer,
        client_id: &provider.client_id,
        nonce: &nonce,
        now: now.0.timestamp(),
    };
    let identity = app
        .oidc
        .verify(&provider.issuer, &tokens.id_token, expected)
        .await
        .map_err(|p| refused(provider, &p))?;
    let identity = app
        .oidc
        .complete(&metadata.discovery, &tokens, identity)
        .await
        .map_err(|p| refused(provider, &p))?;
    let email = identity.email.as_deref().unwrap_or_default();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let user = user_for(
        app,
        &mut tx,
        tenant,
        provider,
        email,
        identity.name.as_deref(),
    )
    .await?;
    let session = sessions::create(&mut tx, user.id, now).await?;
    throttle::give_back(&mut tx, &sso_subject(client)).await?;
    tx.commit().await?;
    tracing::info!(tenant = %tenant.slug, user = %user.id, provider = %provider.id, "signed in through a provider");
    Ok((user, session, provider.audience.entrance()))
}

/// The user the provider vouched for: the active user with the verified address, if they are
/// of the provider's audience and (for an organization's provider) of its organization and
/// domain; otherwise a new portal user when the provider creates them.
async fn user_for(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Arc<Tenant>,
    provider: &Provider,
    email: &str,
    name: Option<&str>,
) -> Result<User> {
    let not_yours = || Error::Forbidden(crate::tr!("sso-not-for-you", login = email));
    if provider
        .email_domain
        .as_deref()
        .is_some_and(|domain| domain_of(email) != domain)
    {
        return Err(not_yours());
    }
    if let Some((user, _)) = users::storage::find_active_by_login(tx, email).await? {
        let in_place = provider.audience.admits(user.kind)
            && provider
                .organization
                .is_none_or(|org| user.organization == Some(org));
        return if in_place { Ok(user) } else { Err(not_yours()) };
    }
    if !provider.create_users {
        return Err(Error::Forbidden(crate::tr!(
            "sso-no-account",
            login = email
        )));
    }
    let login = Email::parse(email).map_err(|_| not_yours())?;
    let full_name = name.map(str::to_owned).unwrap_or_else(|| {
        login
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    let new = NewUser {
        login,
        full_name: full_name.chars().take(250).collect(),
        kind: UserKind::External,
    };
    // A deactivated user keeps their address: they are not made again.
    let user = users::storage::insert(tx, &new, None, app.clock.now())
        .await?
        .ok_or_else(not_yours)?;
    let actor = access::actor(app, tx, tenant.clone(), user.clone()).await?;
    let organization = provider
        .create_users_in
        .map(|org| organizations::organization(&actor, org))
        .transpose()?;
    super::registration::admit(app, tx, &actor, organization, "user.sso_create")
        .await
        .map_err(|e| match e {
            Error::Conflict(_) => Error::Conflict(crate::tr!("sso-no-license")),
            other => other,
        })?;
    Ok(user)
}
