//! Self-registration on the portal (a tenant setting, off by default): a person gives their name,
//! address and password, and confirms the address from an e-mail; the account exists only from
//! then on. Registering an address that has an account e-mails its owner instead and answers the
//! same page, in words and in time, so that registering never tells who has an account. Bots meet
//! a honeypot field and throttling per client address and per tenant.

use std::{net::IpAddr, sync::Arc};

use chrono::Duration;
use portico_tenants::Tenant;
use sqlx::Row;

use super::{passwords::NewPassword, secret, security, throttle};
use crate::{
    access,
    app::App,
    error::{Error, FieldErrors, Result},
    mail::{self, Outgoing, Template},
    organizations,
    records::RecordId,
    store::{Access, TenantTx},
    users::{self, Email, NewUser, User, UserKind},
};

/// How long a registration waits for its confirmation before it is forgotten.
const CONFIRM_WITHIN: Duration = Duration::hours(48);

/// Whether the tenant lets people register; when it does not, registration does not exist.
pub async fn is_open(app: &App, tenant: &Tenant) -> Result<bool> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    security::self_registration(&mut tx).await
}

async fn require_open(app: &App, tenant: &Tenant) -> Result<()> {
    if is_open(app, tenant).await? {
        Ok(())
    } else {
        Err(Error::NotFound("page"))
    }
}

/// What a person typed into the registration form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct Application {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub login: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub confirm_password: String,
    /// Hidden from people (a honeypot): only bots fill it in.
    #[serde(default)]
    pub website: String,
}

/// A checked application: every problem is reported at once.
struct Checked {
    full_name: String,
    login: Email,
    password: NewPassword,
}

impl Application {
    fn check(&self) -> Result<Checked> {
        let mut errors = FieldErrors::new();
        let mut note = |field: &str, error: Error| {
            if let Error::Invalid { fields, .. } = error {
                for (_, messages) in fields {
                    errors.entry(field.to_owned()).or_default().extend(messages);
                }
            }
        };
        let full_name = crate::text::name("full_name", &self.full_name, 250)
            .map_err(|e| note("full_name", e))
            .ok();
        let login = Email::parse(&self.login)
            .map_err(|m| note("login", Error::invalid_field("login", m)))
            .ok();
        let password = NewPassword::parse(&self.password, self.login.trim())
            .map_err(|e| note("password", e))
            .ok();
        if self.password != self.confirm_password {
            note(
                "confirm_password",
                Error::invalid_field("confirm_password", crate::tr!("auth-password-mismatch")),
            );
        }
        match (full_name, login, password) {
            (Some(full_name), Some(login), Some(password)) if errors.is_empty() => Ok(Checked {
                full_name,
                login,
                password,
            }),
            _ => Err(Error::invalid_fields(errors)),
        }
    }
}

fn throttled(refusal: throttle::Refusal) -> Error {
    let seconds = refusal.retry_after().as_secs().max(1);
    Error::TooManyRequests {
        message: crate::tr!("auth-too-many-registrations", seconds = seconds),
        retry_after: refusal.retry_after(),
    }
}

/// Registers a person: checks the form, counts the attempt, hashes the password, and answers;
/// the confirmation mail (or the note to an existing account's owner) is written after the
/// answer.
pub async fn register(
    app: &Arc<App>,
    tenant: &Arc<Tenant>,
    application: &Application,
    client: IpAddr,
) -> Result<()> {
    require_open(app, tenant).await?;
    if !application.website.is_empty() {
        tracing::info!(tenant = %tenant.slug, "registration refused by the bot trap");
        return Ok(());
    }
    let checked = application.check()?;
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    for (policy, subject) in [
        (
            &throttle::REGISTRATION_PER_ADDRESS,
            format!("registration|address:{client}"),
        ),
        (
            &throttle::REGISTRATION_PER_TENANT,
            "registration|tenant".to_owned(),
        ),
    ] {
        throttle::reserve(&mut tx, policy, &subject, now)
            .await?
            .map_err(throttled)?;
    }
    tx.commit().await?;
    let hash = app.passwords.hash(checked.password).await?;
    let (app, tenant) = (app.clone(), tenant.clone());
    tokio::spawn(async move {
        let outcome = record(&app, &tenant, &checked.login, &checked.full_name, &hash).await;
        if let Err(error) = outcome {
            tracing::error!(tenant = %tenant.slug, %error, "registration not recorded");
        }
    });
    Ok(())
}

async fn record(
    app: &App,
    tenant: &Tenant,
    login: &Email,
    full_name: &str,
    password_hash: &str,
) -> Result<()> {
    let now = app.clock.now();
    let origin = crate::domains::origin(&app.config, tenant);
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let tenant_id = tx.tenant_param();
    sqlx::query(
        "DELETE FROM registrations WHERE tenant_id = $1 AND (expires_at <= $2 OR login = $3)",
    )
    .bind(tenant_id)
    .bind(now)
    .bind(login.as_str())
    .execute(tx.conn())
    .await?;
    let (template, to_name, link) = match users::storage::find_by_login(&mut tx, login.as_str())
        .await?
    {
        Some(user) if user.deactivated_at.is_some() => {
            tracing::info!(tenant = %tenant.slug, "registration of a deactivated user's address");
            return Ok(());
        }
        Some(user) => (
            Template::AlreadyRegistered,
            user.full_name,
            format!("{origin}/forgot-password"),
        ),
        None => {
            let token = secret::generate("");
            sqlx::query(
                    "INSERT INTO registrations
                       (tenant_id, token_hash, login, full_name, password_hash, created_at, expires_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(tenant_id)
                .bind(secret::digest(&token))
                .bind(login.as_str())
                .bind(full_name)
                .bind(password_hash)
                .bind(now)
                .bind(now + CONFIRM_WITHIN)
                .execute(tx.conn())
                .await?;
            (
                Template::RegistrationConfirmation,
                full_name.to_owned(),
                format!("{origin}/register/confirm?token={token}"),
            )
        }
    };
    mail::enqueue(
        app,
        &mut tx,
        &tenant.name,
        Outgoing {
            template,
            to: login.clone(),
            to_name,
            language: None,
            context: serde_json::json!({
                "link": link,
                "link_valid_minutes": CONFIRM_WITHIN.num_minutes(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A registration waiting for confirmation, as its confirmation page shows it.
#[derive(Debug, Clone)]
pub struct Pending {
    pub login: String,
    pub full_name: String,
}

async fn pending_in(
    tx: &mut TenantTx,
    token: &str,
    now: crate::store::Timestamp,
) -> Result<Option<Pending>> {
    let row = sqlx::query(
        "SELECT login, full_name FROM registrations
         WHERE tenant_id = $1 AND token_hash = $2 AND expires_at > $3",
    )
    .bind(tx.tenant_param())
    .bind(secret::digest(token))
    .bind(now)
    .fetch_optional(tx.conn())
    .await?;
    row.map(|row| -> Result<Pending> {
        Ok(Pending {
            login: row.try_get("login")?,
            full_name: row.try_get("full_name")?,
        })
    })
    .transpose()
}

/// The registration a confirmation link is for, if it is still waiting (the page asks the person
/// to confirm with a button, so that a mail scanner opening the link confirms nothing).
pub async fn pending(app: &App, tenant: &Tenant, token: &str) -> Result<Option<Pending>> {
    require_open(app, tenant).await?;
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    pending_in(&mut tx, token, app.clock.now()).await
}

/// Lets in an external user who came by themselves (`actor` is that user): a Contact for their
/// address (on the organization's account, if they join one), the organization, and the license
/// registrants take (a conflict if none is free); audited as `action`.
pub(crate) async fn admit(
    app: &App,
    tx: &mut TenantTx,
    actor: &access::Actor,
    organization: Option<organizations::Organization>,
    action: &str,
) -> Result<()> {
    let user = actor.user;
    let (login, full_name) = (&actor.login, &actor.full_name);
    let account = organization
        .as_ref()
        .map(|org| RecordId::parse(&org.account))
        .transpose()?;
    let contact =
        users::contacts::find_or_create(app, tx, actor, login, full_name, account).await?;
    users::storage::set_contact(tx, user, &contact).await?;
    if let Some(org) = &organization {
        users::storage::set_organization(tx, user, Some(org.id), false).await?;
    }
    let runs = crate::sections::installed::configurations(tx).await?;
    let license = Some(portico_tenants::licenses::registrant_license(&runs));
    crate::licenses::grant_to(app, tx, user, license).await?;
    access::audit(
        app,
        tx,
        actor,
        action,
        format!("user:{user}"),
        None,
        Some(serde_json::json!({
            "login": login,
            "organization": organization.as_ref().map(|org| org.id),
        })),
    )
    .await
}

/// An unknown, expired or used confirmation token: the token the request named is not valid.
fn link_used() -> Error {
    Error::invalid_field("token", crate::tr!("auth-registration-link-used"))
}

/// Confirms a registration: the account is created (an external user, with the Contact for the
/// address, in the organization whose domain the address is at, if any) and the link stops
/// working.
pub async fn confirm(app: &App, tenant: &Arc<Tenant>, token: &str) -> Result<User> {
    require_open(app, tenant).await?;
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let row = sqlx::query(
        "DELETE FROM registrations WHERE tenant_id = $1 AND token_hash = $2 AND expires_at > $3
         RETURNING login, full_name, password_hash",
    )
    .bind(tx.tenant_param())
    .bind(secret::digest(token))
    .bind(now)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(link_used)?;
    let login: String = row.try_get("login")?;
    let new = NewUser {
        login: Email::parse(&login).map_err(|_| link_used())?,
        full_name: row.try_get("full_name")?,
        kind: UserKind::External,
    };
    let hash: String = row.try_get("password_hash")?;
    let user = users::storage::insert(&mut tx, &new, Some(hash), now)
        .await?
        .ok_or_else(|| Error::Conflict(crate::tr!("auth-address-has-account")))?;
    let actor = access::actor(app, &mut tx, tenant.clone(), user.clone()).await?;
    // A registrant of an organization's domain joins it.
    let joined = organizations::for_registrant(&actor, &mut tx, &new.login).await?;
    // None free: the registrant is told to come back (the link keeps working until it expires).
    admit(app, &mut tx, &actor, joined, "user.register")
        .await
        .map_err(|e| match e {
            Error::Conflict(_) => Error::Conflict(crate::tr!("auth-registration-no-license")),
            other => other,
        })?;
    tx.commit().await?;
    tracing::info!(tenant = %tenant.slug, user = %user.id, "registration confirmed");
    Ok(user)
}
