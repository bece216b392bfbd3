//! Who is asking: sign-in (with throttling), sessions, API tokens, one-time links and passwords.
//! This module establishes identity only; what an identified user may do is decided in `access/`.

pub mod api_tokens;
pub mod oidc;
pub mod one_time;
pub mod password_links;
pub mod passwords;
pub mod registration;
pub(crate) mod secret;
pub mod security;
pub mod sessions;
pub mod sso;
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
    /// What the tenant's subscription lets its people do (see `billing`).
    pub standing: portico_tenants::billing::Standing,
}

/// A fresh token for a form shown before sign-in (double-submit CSRF protection).
pub fn new_form_token() -> String {
    secret::generate("")
}

/// The throttle's subjects for a sign-in, in the order their rows are locked (always the same
/// order, so concurrent attempts never wait on each other in a cycle).
struct Subjects {
    pair: String,
    login: String,
    address: String,
}

impl Subjects {
    fn new(login: &str, client: IpAddr) -> Self {
        Self {
            pair: format!("login:{login}|address:{client}"),
            login: login_subject(login),
            address: format!("address:{client}"),
        }
    }
}

fn login_subject(login: &str) -> String {
    format!("login:{login}")
}

/// Signs a user in with login and password, throttled per login and address, per address, and
/// per login (see `throttle`). Unknown logins, wrong passwords, deactivated users and throttled
/// attempts each get the same answer whether the login exists or not.
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
    let subjects = Subjects::new(&login, client);

    // The attempt is counted before the slow hash, in one short transaction: concurrent
    // attempts are decided one after the other and cannot all pass the same check.
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    for (policy, subject) in [
        (&throttle::PER_LOGIN_AND_ADDRESS, &subjects.pair),
        (&throttle::PER_ADDRESS, &subjects.address),
    ] {
        throttle::reserve(&mut tx, policy, subject, now)
            .await?
            .map_err(throttled)?;
    }
    let login_failures = throttle::reserve(&mut tx, &throttle::PER_LOGIN, &subjects.login, now)
        .await?
        .map_err(slowed)?;
    let found = users::storage::find_active_by_login(&mut tx, &login).await?;
    let (user, hash) = match found {
        Some((user, hash)) if user.kind != UserKind::System => (Some(user), hash),
        _ => (None, None),
    };
    tx.commit().await?;

    let password_ok = app.passwords.verify(password, hash).await?;
    let user = match user {
        Some(user) if password_ok => user,
        user => {
            // The failure that starts the slow-down of a real login is the moment to tell its
            // owner.
            if let Some(user) = user
                && throttle::PER_LOGIN.first_slowed(login_failures)
            {
                let mut tx = app.db.begin(tenant.id, Access::Write).await?;
                tell_owner_of_failures(app, &mut tx, tenant, &user).await?;
                tx.commit().await?;
            }
            tracing::info!(tenant = %tenant.slug, "sign-in failed");
            return Err(Error::Unauthenticated(crate::tr!("auth-wrong-credentials")));
        }
    };
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    throttle::clear(&mut tx, &subjects.pair).await?;
    throttle::clear(&mut tx, &subjects.login).await?;
    throttle::give_back(&mut tx, &subjects.address).await?;
    if entrance == Entrance::Console && user.kind != UserKind::Employee {
        tx.commit().await?;
        return Err(Error::Forbidden(crate::tr!(
            "auth-console-for-employees-only"
        )));
    }
    // Told only to whoever knows the password: it says nothing of which logins exist.
    if let Err(refusal) = sso::check_password_allowed(app, &mut tx, tenant, &user).await {
        tx.commit().await?;
        return Err(refusal);
    }
    let session = sessions::create(&mut tx, user.id, now).await?;
    tx.commit().await?;
    tracing::info!(tenant = %tenant.slug, user = %user.id, "signed in");
    Ok((user, session))
}

fn throttled(refusal: throttle::Refusal) -> Error {
    let seconds = refusal.retry_after().as_secs().max(1);
    let message = match refusal {
        throttle::Refusal::Wait(_) => {
            crate::tr!("auth-too-many-failed-attempts", seconds = seconds)
        }
        throttle::Refusal::Locked(_) => {
            crate::tr!("auth-sign-in-locked", minutes = seconds.div_ceil(60))
        }
    };
    Error::TooManyRequests {
        message,
        retry_after: refusal.retry_after(),
    }
}

/// The answer while a login is slowed down for everyone: the same whether it exists or not.
fn slowed(refusal: throttle::Refusal) -> Error {
    let seconds = refusal.retry_after().as_secs().max(1);
    Error::TooManyRequests {
        message: crate::tr!("auth-sign-in-slowed", seconds = seconds),
        retry_after: refusal.retry_after(),
    }
}

/// Tells a user that their sign-in is slowed down by failed attempts, with a recovery link that
/// lets them choose a new password and sign in at once.
async fn tell_owner_of_failures(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    user: &User,
) -> Result<()> {
    password_links::send(
        app,
        tx,
        tenant,
        user,
        one_time::Purpose::Recovery,
        crate::mail::Template::FailedSignIns,
    )
    .await?;
    tracing::info!(tenant = %tenant.slug, user = %user.id, "sign-in slowed down; owner told");
    Ok(())
}

/// Resolves a session cookie to its actor; `None` if it is unknown, expired or of an inactive user.
pub async fn from_session(
    app: &App,
    tenant: &Arc<Tenant>,
    token: &str,
) -> Result<Option<Authenticated>> {
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let Some((session, user, versions)) = sessions::find(&mut tx, token, now).await? else {
        return Ok(None);
    };
    crate::tenancy::check_available(versions.status)?;
    let actor = access::actor_at(app, &mut tx, tenant.clone(), user, versions).await?;
    tx.finish_reading().await?;
    if session.needs_touch(now) {
        let mut tx = app.db.begin(tenant.id, Access::Write).await?;
        sessions::touch(&mut tx, &session, now).await?;
        tx.commit().await?;
    }
    Ok(Some(Authenticated {
        actor,
        standing: crate::billing::standing(app, tenant),
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
    tenant: &Arc<Tenant>,
    secret: &str,
) -> Result<Option<Authenticated>> {
    if !secret.starts_with(api_tokens::PREFIX) {
        return Ok(None);
    }
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let Some(found) = api_tokens::authenticate(&mut tx, secret, now).await? else {
        return Ok(None);
    };
    crate::tenancy::check_available(found.versions.status)?;
    let actor = access::actor_at(app, &mut tx, tenant.clone(), found.user, found.versions).await?;
    tx.finish_reading().await?;
    if found.stale {
        let mut tx = app.db.begin(tenant.id, Access::Write).await?;
        api_tokens::touch(&mut tx, found.token, now).await?;
        tx.commit().await?;
    }
    Ok(Some(Authenticated {
        actor,
        standing: crate::billing::standing(app, tenant),
        credential: Credential::ApiToken(found.token),
    }))
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
/// policy; every other session of the user ends, and their API tokens too unless the tenant
/// keeps them.
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
    if !app.passwords.verify(current, stored).await? {
        return Err(Error::invalid_field(
            "current_password",
            crate::tr!("auth-not-current-password"),
        ));
    }
    let hash = app.passwords.hash(new).await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let keep = match &auth.credential {
        Credential::Session { token_hash, .. } => Some(token_hash.as_str()),
        Credential::ApiToken(_) => None,
    };
    set_password(app, &mut tx, actor.user, &hash, keep).await?;
    tx.commit().await?;
    tracing::info!(user = %actor.user, "password changed");
    Ok(())
}

/// Stores a user's new password: every session but `keep` ends, and so do the user's API tokens
/// unless the tenant turned that off. One place, for every way a password changes.
async fn set_password(
    app: &App,
    tx: &mut TenantTx,
    user: UserId,
    hash: &str,
    keep: Option<&str>,
) -> Result<()> {
    users::storage::set_password_hash(tx, user, hash).await?;
    sessions::revoke_others(tx, user, keep).await?;
    if security::revokes_api_tokens_on_password_change(tx).await? {
        api_tokens::revoke_all(tx, user, app.clock.now()).await?;
    }
    Ok(())
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
            crate::tr!("auth-token-name-length"),
        ));
    }
    let now = app.clock.now();
    if expires_at.is_some_and(|at| at <= now) {
        return Err(Error::invalid_field(
            "expires_at",
            crate::tr!("auth-expiry-in-future"),
        ));
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
