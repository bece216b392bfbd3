//! Who is asking: sign-in (with throttling), sessions, API tokens, one-time links and passwords.
//! This module establishes identity only; what an identified user may do is decided in `access/`.

pub mod api_tokens;
pub mod one_time;
pub mod passwords;
mod secret;
pub mod sessions;
pub mod throttle;

use std::{net::IpAddr, sync::Arc};

use portico_tenants::Tenant;

use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, Result},
    store::{Access, TenantTx, Timestamp},
    users::{self, User, UserId, UserKind},
};
use passwords::NewPassword;
use sessions::NewSession;

pub use api_tokens::{ApiToken, ApiTokenId};
pub use secret::same as same_secret;

/// Where a sign-in comes from; the console admits employees only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entrance {
    Portal,
    Console,
    Api,
}

/// How the current request proved who it is.
#[derive(Debug, Clone)]
pub enum Credential {
    Session {
        token_hash: String,
        csrf_token: String,
    },
    ApiToken(ApiTokenId),
}

/// An identified request: the actor, and the credential it came with.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub actor: Actor,
    pub credential: Credential,
}

/// A fresh token for a form shown before sign-in (double-submit CSRF protection).
pub fn new_form_token() -> String {
    secret::generate("")
}

const WRONG_CREDENTIALS: &str = "The login or password is incorrect.";

/// Signs a user in with login and password, throttled per login and per client address. Unknown
/// logins, wrong passwords, deactivated users and throttled attempts each get the same answer
/// whether the login exists or not.
pub async fn sign_in(
    app: &App,
    tenant: &Tenant,
    login: &str,
    password: &str,
    client: IpAddr,
    entrance: Entrance,
) -> Result<(User, NewSession)> {
    let now = app.clock.now();
    let login = login.trim().to_lowercase();
    let subjects = [
        (throttle::PER_LOGIN, format!("login:{login}")),
        (throttle::PER_ADDRESS, format!("address:{client}")),
    ];

    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    for (policy, subject) in &subjects {
        let history = throttle::history(&mut tx, subject).await?;
        if let Err(refusal) = policy.check(history.as_ref(), now) {
            return Err(throttled(refusal));
        }
    }
    let found = users::storage::find_active_by_login(&mut tx, &login).await?;
    tx.commit().await?;

    let (user, hash) = match found {
        Some((user, hash)) if user.kind != UserKind::System => (Some(user), hash),
        _ => (None, None),
    };
    let password_ok = passwords::verify(password, hash).await;

    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let Some(user) = user.filter(|_| password_ok) else {
        for (policy, subject) in &subjects {
            throttle::record_failure(&mut tx, policy, subject, now).await?;
        }
        tx.commit().await?;
        tracing::info!(tenant = %tenant.slug, "sign-in failed");
        return Err(Error::Unauthenticated(WRONG_CREDENTIALS.into()));
    };
    throttle::clear(&mut tx, &subjects[0].1).await?;
    if entrance == Entrance::Console && user.kind != UserKind::Employee {
        tx.commit().await?;
        return Err(Error::Forbidden(
            "This account is for the portal; the console is for employees.".into(),
        ));
    }
    let session = sessions::create(&mut tx, user.id, now).await?;
    tx.commit().await?;
    tracing::info!(tenant = %tenant.slug, user = %user.id, "signed in");
    Ok((user, session))
}

fn throttled(refusal: throttle::Refusal) -> Error {
    let seconds = refusal.retry_after().as_secs().max(1);
    let message = match refusal {
        throttle::Refusal::Wait(_) => format!(
            "Too many failed sign-in attempts. Try again in {seconds} second{}.",
            if seconds == 1 { "" } else { "s" }
        ),
        throttle::Refusal::Locked(_) => format!(
            "Sign-in is locked after too many failed attempts. Try again in {} minutes.",
            seconds.div_ceil(60)
        ),
    };
    Error::TooManyRequests {
        message,
        retry_after: refusal.retry_after(),
    }
}

/// Resolves a session cookie to its actor; `None` if it is unknown, expired or of an inactive user.
pub async fn from_session(
    app: &App,
    tenant: &Tenant,
    token: &str,
) -> Result<Option<Authenticated>> {
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let Some(session) = sessions::find(&mut tx, token, now).await? else {
        return Ok(None);
    };
    let Some(actor) = load_actor(app, &mut tx, tenant, session.user).await? else {
        return Ok(None);
    };
    tx.commit().await?;
    if session.needs_touch(now) {
        let mut tx = app.db.begin(tenant.id, Access::Write).await?;
        sessions::touch(&mut tx, &session, now).await?;
        tx.commit().await?;
    }
    Ok(Some(Authenticated {
        actor,
        credential: Credential::Session {
            token_hash: session.token_hash,
            csrf_token: session.csrf_token,
        },
    }))
}

/// Resolves a bearer token to its actor; `None` if it is unknown, revoked, expired or of an
/// inactive user.
pub async fn from_api_token(
    app: &App,
    tenant: &Tenant,
    secret: &str,
) -> Result<Option<Authenticated>> {
    if !secret.starts_with(api_tokens::PREFIX) {
        return Ok(None);
    }
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let Some((token, user)) = api_tokens::authenticate(&mut tx, secret, app.clock.now()).await?
    else {
        return Ok(None);
    };
    let actor = load_actor(app, &mut tx, tenant, user).await?;
    tx.commit().await?;
    Ok(actor.map(|actor| Authenticated {
        actor,
        credential: Credential::ApiToken(token),
    }))
}

async fn load_actor(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    user: UserId,
) -> Result<Option<Actor>> {
    match users::storage::find(tx, user).await? {
        Some(user) if user.deactivated_at.is_none() => Ok(Some(
            access::actor(app, tx, Arc::new(tenant.clone()), user).await?,
        )),
        _ => Ok(None),
    }
}

/// Ends the session of the current request. Token-authenticated requests have no session.
pub async fn sign_out(app: &App, auth: &Authenticated) -> Result<()> {
    if let Credential::Session { token_hash, .. } = &auth.credential {
        let mut tx = app.db.begin(auth.actor.tenant.id, Access::Write).await?;
        sessions::revoke(&mut tx, token_hash).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Changes the actor's own password: the current one is required, the new one must satisfy the
/// policy, and every other session of the user ends.
pub async fn change_password(
    app: &App,
    auth: &Authenticated,
    current: &str,
    new: &str,
) -> Result<()> {
    let actor = &auth.actor;
    access::check(actor, Capability::ChangeOwnPassword)?;
    let new = NewPassword::parse(new, actor.login.as_str())?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let stored = users::storage::password_hash(&mut tx, actor.user).await?;
    tx.commit().await?;
    if !passwords::verify(current, stored).await {
        return Err(Error::invalid_field(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = new.hash().await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    users::storage::set_password_hash(&mut tx, actor.user, &hash).await?;
    let keep = match &auth.credential {
        Credential::Session { token_hash, .. } => Some(token_hash.as_str()),
        Credential::ApiToken(_) => None,
    };
    sessions::revoke_others(&mut tx, actor.user, keep).await?;
    tx.commit().await?;
    tracing::info!(user = %actor.user, "password changed");
    Ok(())
}

/// The user a setup link is for, if it is still valid (to greet them on the form).
pub async fn setup_link_user(app: &App, tenant: &Tenant, token: &str) -> Result<Option<User>> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let Some(user) =
        one_time::peek(&mut tx, token, one_time::Purpose::Setup, app.clock.now()).await?
    else {
        return Ok(None);
    };
    Ok(users::storage::find(&mut tx, user).await?)
}

/// Sets a new user's password from their setup link, which then stops working.
pub async fn complete_setup(
    app: &App,
    tenant: &Tenant,
    token: &str,
    password: &str,
) -> Result<User> {
    let invalid_link =
        || Error::BadRequest("This link has expired or has already been used.".into());
    let user = setup_link_user(app, tenant, token)
        .await?
        .ok_or_else(invalid_link)?;
    let hash = NewPassword::parse(password, user.login.as_str())?
        .hash()
        .await?;
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let consumed =
        one_time::consume(&mut tx, token, one_time::Purpose::Setup, app.clock.now()).await?;
    if consumed != Some(user.id) {
        return Err(invalid_link());
    }
    users::storage::set_password_hash(&mut tx, user.id, &hash).await?;
    tx.commit().await?;
    Ok(user)
}

/// Creates an API token for the actor; the secret is in the answer and nowhere else.
pub async fn create_api_token(
    app: &App,
    actor: &Actor,
    name: &str,
    expires_at: Option<Timestamp>,
) -> Result<(ApiToken, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid_field(
            "name",
            "must be 1 to 100 characters long",
        ));
    }
    let now = app.clock.now();
    if expires_at.is_some_and(|at| at <= now) {
        return Err(Error::invalid_field("expires_at", "must be in the future"));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let created = api_tokens::create(&mut tx, actor.user, name, expires_at, now).await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn list_api_tokens(app: &App, actor: &Actor) -> Result<Vec<ApiToken>> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    Ok(api_tokens::list(&mut tx, actor.user).await?)
}

pub async fn revoke_api_token(app: &App, actor: &Actor, id: ApiTokenId) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    if !api_tokens::revoke(&mut tx, actor.user, id, app.clock.now()).await? {
        return Err(Error::NotFound("token"));
    }
    tx.commit().await?;
    Ok(())
}
