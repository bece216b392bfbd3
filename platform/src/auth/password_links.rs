//! The ways back to a password: invitations (a new user's setup link), recovery links (asked for on
//! the login page, sent by an administrator, or sent when a login is slowed down), and the
//! "choose a password" page both lead to. Asking for a recovery link answers the same, in words
//! and in time, whether or not the address has an account.

use std::{net::IpAddr, sync::Arc};

use chrono::Duration;
use portico_tenants::Tenant;

use super::{
    login_subject,
    one_time::{self, Holder, PASSWORD_LINKS, Purpose},
    passwords::NewPassword,
    security, set_password, throttle,
};
use crate::{
    app::App,
    error::{Error, Result},
    mail::{self, Outgoing, Template},
    store::{Access, TenantTx},
    users::{self, Email, User, UserKind},
};

/// How long the "choose a password" form opened from an invitation stays usable: opening the
/// invitation spends its link (as the reference describes), so the form carries a token of its own.
const INVITATION_FORM_LIFETIME: Duration = Duration::hours(1);

/// Issues a link of `purpose` for `user` and mails it with `template`, in the caller's
/// transaction; answers the link.
pub(crate) async fn send(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    user: &User,
    purpose: Purpose,
    template: Template,
) -> Result<String> {
    let lifetime = security::link_lifetime(tx, purpose).await?;
    let link = one_time::issue_link(app, tx, tenant, user.id, purpose, lifetime).await?;
    mail_link(app, tx, tenant, user, template, &link, lifetime).await?;
    Ok(link)
}

/// Mails a link already issued, saying how long it works.
pub(crate) async fn mail_link(
    app: &App,
    tx: &mut TenantTx,
    tenant: &Tenant,
    user: &User,
    template: Template,
    link: &str,
    lifetime: Duration,
) -> Result<()> {
    mail::enqueue(
        app,
        tx,
        &tenant.name,
        Outgoing {
            template,
            to: user.login.clone(),
            to_name: user.full_name.clone(),
            language: None,
            context: serde_json::json!({
                "link": link,
                "link_valid_minutes": lifetime.num_minutes(),
            }),
        },
    )
    .await
    .map(drop)
}

fn recovery_throttled(refusal: throttle::Refusal) -> Error {
    let seconds = refusal.retry_after().as_secs().max(1);
    Error::TooManyRequests {
        message: crate::tr!("auth-too-many-recovery-requests", seconds = seconds),
        retry_after: refusal.retry_after(),
    }
}

/// "Forgot your password?": if `login` is an active user's, they get a recovery link by e-mail.
/// Throttled per address and per login whether or not the login exists; the lookup and the mail
/// happen after the answer, so its time does not tell either.
pub async fn request_recovery(
    app: &Arc<App>,
    tenant: &Arc<Tenant>,
    login: &str,
    client: IpAddr,
) -> Result<()> {
    let login = Email::parse(login).map_err(|message| Error::invalid_field("login", message))?;
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    for (policy, subject) in [
        (
            &throttle::RECOVERY_PER_ADDRESS,
            format!("recovery|address:{client}"),
        ),
        (
            &throttle::RECOVERY_PER_LOGIN,
            format!("recovery|login:{login}"),
        ),
    ] {
        throttle::reserve(&mut tx, policy, &subject, now)
            .await?
            .map_err(recovery_throttled)?;
    }
    tx.commit().await?;
    let (app, tenant) = (app.clone(), tenant.clone());
    tokio::spawn(async move {
        if let Err(error) = mail_recovery(&app, &tenant, &login).await {
            tracing::error!(tenant = %tenant.slug, %error, "recovery link not sent");
        }
    });
    Ok(())
}

async fn mail_recovery(app: &App, tenant: &Tenant, login: &Email) -> Result<()> {
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    match users::storage::find_active_by_login(&mut tx, login.as_str()).await? {
        Some((user, _)) if user.kind != UserKind::System => {
            send(
                app,
                &mut tx,
                tenant,
                &user,
                Purpose::Recovery,
                Template::PasswordRecovery,
            )
            .await?;
            tx.commit().await?;
            tracing::info!(tenant = %tenant.slug, user = %user.id, "recovery link sent");
        }
        _ => tracing::info!(tenant = %tenant.slug, "recovery asked for an unknown login"),
    }
    Ok(())
}

/// The "choose a password" form a link opens: whose it is, and the token the form sends back.
#[derive(Debug, Clone)]
pub struct PasswordForm {
    pub user: User,
    pub token: String,
}

/// Opens a setup or recovery link; `None` if it is unknown, expired or used. Opening an
/// invitation spends it: if the person leaves without choosing a password, the account keeps
/// none that anyone knows, and an administrator must invite them again.
pub async fn open(app: &App, tenant: &Tenant, token: &str) -> Result<Option<PasswordForm>> {
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let Some(holder) = one_time::peek(&mut tx, token, PASSWORD_LINKS, now).await? else {
        return Ok(None);
    };
    let token = match holder.purpose {
        Purpose::Recovery => token.to_owned(),
        Purpose::Setup => {
            if one_time::consume(&mut tx, token, &[Purpose::Setup], now).await? != Some(holder) {
                return Ok(None);
            }
            one_time::issue(
                &mut tx,
                holder.user,
                Purpose::Setup,
                INVITATION_FORM_LIFETIME,
                now,
            )
            .await?
        }
    };
    let user = users::storage::find(&mut tx, holder.user).await?;
    tx.commit().await?;
    Ok(user.map(|user| PasswordForm { user, token }))
}

/// The user a form's token belongs to, if it is still valid (to show the form again after a
/// mistake, without spending anything).
pub async fn holder_of(app: &App, tenant: &Tenant, token: &str) -> Result<Option<User>> {
    let mut tx = app.db.begin(tenant.id, Access::Read).await?;
    let Some(Holder { user, .. }) =
        one_time::peek(&mut tx, token, PASSWORD_LINKS, app.clock.now()).await?
    else {
        return Ok(None);
    };
    Ok(users::storage::find(&mut tx, user).await?)
}

/// Sets a user's password from their setup or recovery link. Every link and every session of
/// the user ends; a recovery also lifts the slow-down that failed attempts put on the login, and
/// a setup records that the invitation was accepted.
pub async fn set_password_by_link(
    app: &App,
    tenant: &Tenant,
    token: &str,
    password: &str,
) -> Result<User> {
    let invalid_link = || Error::BadRequest(crate::tr!("auth-link-used"));
    let user = holder_of(app, tenant, token)
        .await?
        .ok_or_else(invalid_link)?;
    let hash = app
        .passwords
        .hash(NewPassword::parse(password, user.login.as_str())?)
        .await?;
    let now = app.clock.now();
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    let holder = one_time::consume(&mut tx, token, PASSWORD_LINKS, now)
        .await?
        .filter(|holder| holder.user == user.id)
        .ok_or_else(invalid_link)?;
    set_password(app, &mut tx, user.id, &hash, None).await?;
    one_time::revoke(&mut tx, user.id, PASSWORD_LINKS, now).await?;
    throttle::clear(&mut tx, &login_subject(user.login.as_str())).await?;
    if holder.purpose == Purpose::Setup {
        users::storage::set_invitation_accepted(&mut tx, user.id, now).await?;
    }
    tx.commit().await?;
    tracing::info!(tenant = %tenant.slug, user = %user.id, "password set by link");
    Ok(user)
}
