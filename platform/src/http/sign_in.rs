//! The sign-in and sign-out pages, shared by the portal and the console (which differ only in
//! whom they admit and where they lead).

use std::sync::Arc;

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use minijinja::{context, value::Serde};
use portico_tenants::Tenant;
use serde::Deserialize;

use super::{
    ANON_CSRF_COOKIE, anon_csrf_cookie,
    error::PageError,
    expired_session_cookie,
    extract::{ClientAddr, CsrfForm, TenantOf},
    flash,
    middleware::Identity,
    session_cookie, views,
};
use crate::{
    app::App,
    auth::{self, Authenticated, Entrance, registration::Application, sso},
    error::{Error, FieldErrors},
};

fn home(entrance: Entrance) -> &'static str {
    match entrance {
        Entrance::Console => "/console",
        _ => "/",
    }
}

/// Where a user goes once signed in: the console's home, or their portal start page.
fn landing(entrance: Entrance, user: &crate::users::User) -> String {
    match entrance {
        Entrance::Console => home(entrance).to_owned(),
        _ => crate::branding::start_path(user.start_page.as_deref()),
    }
}

fn login_path(entrance: Entrance) -> &'static str {
    match entrance {
        Entrance::Console => "/console/login",
        _ => "/login",
    }
}

/// The CSRF token for a form shown before sign-in, with the cookie that backs it.
pub fn anon_csrf(app: &App, jar: CookieJar) -> (CookieJar, String) {
    match jar.get(ANON_CSRF_COOKIE).map(|c| c.value().to_owned()) {
        Some(token) => (jar, token),
        None => {
            let token = auth::new_form_token();
            (jar.add(anon_csrf_cookie(app, token.clone())), token)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

/// What the login page shows around its form: the message the previous page left, or the login
/// just tried and why it was refused.
enum Shown<'a> {
    Fresh(flash::Flash),
    Refused { login: &'a str, error: String },
}

/// The login page. The portal's offers "Register" when the tenant lets people register; both
/// offer the tenant's identity providers, and the password form unless passwords are off (the
/// console's then shows it only when asked: the administrators' way back in).
async fn render_form(
    app: &App,
    tenant: &Tenant,
    entrance: Entrance,
    csrf_token: &str,
    status: StatusCode,
    shown: Shown<'_>,
    password_asked: bool,
) -> Response {
    let register = entrance == Entrance::Portal
        && auth::registration::is_open(app, tenant)
            .await
            .unwrap_or(false);
    let choices = match sso::login_choices(app, tenant, entrance).await {
        Ok(choices) => choices,
        Err(error) => return PageError::Failed(error).into_response(),
    };
    let (flash, login, error) = match shown {
        Shown::Fresh(flash) => (Some(flash), "", None),
        Shown::Refused { login, error } => (None, login, Some(error)),
    };
    let message = flash.as_ref().and_then(|f| f.message.clone());
    let page = views::render_with_status(
        status,
        "login.html",
        context! {
            tenant => Serde(tenant),
            console => entrance == Entrance::Console,
            action => login_path(entrance),
            flash => message.as_ref().map(Serde),
            register,
            csrf_token,
            login,
            error,
            providers => Serde(&choices.providers),
            passwords => choices.passwords || password_asked,
            break_glass => !choices.passwords && entrance == Entrance::Console,
        },
    );
    match flash {
        Some(flash) => flash.show(page),
        None => page,
    }
}

pub async fn show(
    app: &App,
    tenant: &Tenant,
    jar: CookieJar,
    identity: Option<Identity>,
    entrance: Entrance,
    flash: flash::Flash,
    password_asked: bool,
) -> Response {
    if let Some(Identity(Some(_))) = identity {
        return Redirect::to(home(entrance)).into_response();
    }
    let (jar, csrf) = anon_csrf(app, jar);
    let page = render_form(
        app,
        tenant,
        entrance,
        &csrf,
        StatusCode::OK,
        Shown::Fresh(flash),
        password_asked,
    )
    .await;
    (jar, page).into_response()
}

pub async fn submit(
    app: &App,
    tenant: &Tenant,
    jar: CookieJar,
    client: ClientAddr,
    form: LoginForm,
    entrance: Entrance,
) -> Response {
    // People of a domain whose organization signs them in go to its provider, by a link: the
    // page's CSP lets forms lead only to the portal itself.
    if entrance == Entrance::Portal {
        match sso::provider_for_login(app, tenant, &form.login).await {
            Ok(Some(offer)) => {
                let page = views::render(
                    "sso_continue.html",
                    context! {
                        tenant => Serde(tenant),
                        provider => Serde(&offer),
                        login => form.login.trim(),
                    },
                );
                return (jar, page).into_response();
            }
            Ok(None) => {}
            Err(error) => return PageError::Failed(error).into_response(),
        }
    }
    match auth::sign_in(app, tenant, &form.login, &form.password, client.0, entrance).await {
        Ok((user, session)) => {
            let cookie = session_cookie(app, session.token, session.expires_at);
            (jar.add(cookie), Redirect::to(&landing(entrance, &user))).into_response()
        }
        Err(error) => refused_sign_in(app, tenant, jar, entrance, error, Some(&form.login)).await,
    }
}

/// The cookie that ties a sign-in at a provider to the browser that started it: the state (and
/// which login page to show if it fails). Lax, since the provider sends the browser back.
const SSO_COOKIE: &str = "portico_sso";

fn sso_cookie(app: &App, value: String) -> Cookie<'static> {
    Cookie::build((SSO_COOKIE, value))
        .path("/sso")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(!app.config.is_local())
        .max_age(time::Duration::minutes(10))
        .build()
}

fn entrance_mark(entrance: Entrance) -> &'static str {
    match entrance {
        Entrance::Console => "c",
        _ => "p",
    }
}

/// Starts a sign-in at a provider and sends the browser there; a refusal shows on the login page
/// the person came from.
async fn send_to_provider(
    app: &App,
    tenant: &Tenant,
    jar: CookieJar,
    client: ClientAddr,
    provider: &str,
    login_hint: Option<&str>,
    entrance: Entrance,
) -> Response {
    match sso::start(app, tenant, provider, login_hint, client.0).await {
        Ok(started) => {
            let value = format!("{}:{}", entrance_mark(entrance), started.state);
            (jar.add(sso_cookie(app, value)), Redirect::to(&started.url)).into_response()
        }
        Err(Error::NotFound(_)) => PageError::not_found().into_response(),
        Err(error) => refused_sign_in(app, tenant, jar, entrance, error, None).await,
    }
}

/// The login page of `entrance` with a sign-in's refusal on it; `password_login` is the login
/// typed when the refused sign-in was by password (its form is then shown again with it).
async fn refused_sign_in(
    app: &App,
    tenant: &Tenant,
    jar: CookieJar,
    entrance: Entrance,
    error: Error,
    password_login: Option<&str>,
) -> Response {
    if error.is_server_side() {
        return PageError::Failed(error).into_response();
    }
    let (jar, csrf) = anon_csrf(app, jar);
    let status = super::error::status_of(&error);
    let refused = Shown::Refused {
        login: password_login.unwrap_or_default(),
        error: error.to_string(),
    };
    let asked = password_login.is_some();
    let page = render_form(app, tenant, entrance, &csrf, status, refused, asked).await;
    (jar, super::error::with_retry_after(page, &error)).into_response()
}

/// Where a provider sends the browser back: the sign-in is finished and a session begins, or the
/// login page says why not.
pub async fn sso_callback(
    app: &App,
    tenant: &Arc<Tenant>,
    jar: CookieJar,
    client: ClientAddr,
    callback: sso::Callback,
) -> Response {
    let kept = jar.get(SSO_COOKIE).map(|c| c.value().to_owned());
    let (entrance, state) = match kept.as_deref().and_then(|v| v.split_once(':')) {
        Some(("c", state)) => (Entrance::Console, Some(state)),
        Some((_, state)) => (Entrance::Portal, Some(state)),
        None => (Entrance::Portal, None),
    };
    let mut spent = Cookie::from(SSO_COOKIE);
    spent.set_path("/sso");
    let jar = jar.remove(spent);
    match sso::finish(app, tenant, &callback, state, client.0).await {
        Ok((user, session, entrance)) => {
            let cookie = session_cookie(app, session.token, session.expires_at);
            (jar.add(cookie), Redirect::to(&landing(entrance, &user))).into_response()
        }
        Err(Error::NotFound(_)) => PageError::not_found().into_response(),
        Err(error) => refused_sign_in(app, tenant, jar, entrance, error, None).await,
    }
}

pub async fn sign_out(
    app: &App,
    who: &Authenticated,
    jar: CookieJar,
    entrance: Entrance,
) -> Response {
    if let Err(error) = auth::sign_out(app, who).await {
        return PageError::from(error).into_response();
    }
    (
        jar.remove(expired_session_cookie()),
        Redirect::to(login_path(entrance)),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    login: String,
    /// Asked from the console's login page (where "Back to sign-in" leads).
    #[serde(default)]
    console: String,
}

impl ForgotForm {
    fn entrance(&self) -> Entrance {
        if self.console == "true" {
            Entrance::Console
        } else {
            Entrance::Portal
        }
    }
}

/// How a form shown before sign-in answers its outcome: the status, the messages by field, and
/// any other refusal in words.
fn refusal(
    outcome: Result<(), &Error>,
) -> (StatusCode, Option<Serde<&FieldErrors>>, Option<String>) {
    match outcome {
        Ok(()) => (StatusCode::OK, None, None),
        Err(error @ Error::Invalid { fields, .. }) => {
            (super::error::status_of(error), Some(Serde(fields)), None)
        }
        Err(other) => (
            super::error::status_of(other),
            None,
            Some(other.to_string()),
        ),
    }
}

fn render_forgot(
    tenant: &Tenant,
    form: &ForgotForm,
    csrf_token: &str,
    outcome: Result<(), &Error>,
) -> Response {
    let (status, errors, error) = refusal(outcome);
    views::render_with_status(
        status,
        "forgot_password.html",
        context! {
            tenant => Serde(tenant),
            console => form.entrance() == Entrance::Console,
            login_path => login_path(form.entrance()),
            login => &form.login,
            sent => outcome.is_ok() && !form.login.is_empty(),
            csrf_token,
            errors,
            error,
        },
    )
}

/// Asks for a recovery link: the same page and status whether or not the address has an account.
pub async fn forgot(
    app: &Arc<App>,
    tenant: &Arc<Tenant>,
    jar: CookieJar,
    client: ClientAddr,
    form: ForgotForm,
) -> Response {
    let outcome = auth::password_links::request_recovery(app, tenant, &form.login, client.0).await;
    let (jar, csrf) = anon_csrf(app, jar);
    match outcome {
        Ok(()) => (jar, render_forgot(tenant, &form, &csrf, Ok(()))).into_response(),
        Err(error) if error.is_server_side() => PageError::Failed(error).into_response(),
        Err(error) => {
            let page = render_forgot(tenant, &form, &csrf, Err(&error));
            (jar, super::error::with_retry_after(page, &error)).into_response()
        }
    }
}

fn render_registration(
    tenant: &Tenant,
    form: &Application,
    csrf_token: &str,
    outcome: Result<(), &Error>,
    sent: bool,
) -> Response {
    let (status, errors, error) = refusal(outcome);
    views::render_with_status(
        status,
        "register.html",
        context! {
            tenant => Serde(tenant),
            form => context! { full_name => &form.full_name, login => &form.login },
            sent,
            csrf_token,
            errors,
            error,
        },
    )
}

fn registration_link_used() -> PageError {
    PageError::Status(StatusCode::GONE, crate::tr!("auth-registration-link-used"))
}

/// Route handlers for one entrance.
pub mod handlers {
    use super::*;
    use crate::http::extract::{ConsoleUser, PortalUser};

    pub async fn portal_show(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        jar: CookieJar,
        identity: Option<axum::Extension<Identity>>,
        flash: flash::Flash,
    ) -> Response {
        let identity = identity.map(|e| e.0);
        show(&app, &tenant, jar, identity, Entrance::Portal, flash, false).await
    }

    #[derive(Debug, Deserialize)]
    pub struct ConsoleLoginQuery {
        /// Show the password form even where passwords are off (administrators' way back in).
        #[serde(default)]
        password: Option<String>,
    }

    pub async fn console_show(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        jar: CookieJar,
        identity: Option<axum::Extension<Identity>>,
        flash: flash::Flash,
        axum::extract::Query(query): axum::extract::Query<ConsoleLoginQuery>,
    ) -> Response {
        let identity = identity.map(|e| e.0);
        let asked = query.password.is_some();
        show(
            &app,
            &tenant,
            jar,
            identity,
            Entrance::Console,
            flash,
            asked,
        )
        .await
    }

    #[derive(Debug, Deserialize)]
    pub struct SsoStart {
        /// Asked from the console's login page.
        #[serde(default)]
        console: String,
        /// The address the person typed, for the provider's login form.
        #[serde(default)]
        login_hint: Option<String>,
    }

    /// A link, not a form: the page's CSP lets forms lead only to the portal, and starting a
    /// sign-in changes nothing a forged request could use (the answer must come back to this
    /// browser, with its state).
    pub async fn sso_start(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        client: ClientAddr,
        jar: CookieJar,
        axum::extract::Path(provider): axum::extract::Path<String>,
        axum::extract::Query(start): axum::extract::Query<SsoStart>,
    ) -> Response {
        let entrance = if start.console == "true" {
            Entrance::Console
        } else {
            Entrance::Portal
        };
        let hint = start
            .login_hint
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty() && h.len() <= 254);
        send_to_provider(&app, &tenant, jar, client, &provider, hint, entrance).await
    }

    pub async fn sso_callback(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        client: ClientAddr,
        jar: CookieJar,
        axum::extract::Query(callback): axum::extract::Query<sso::Callback>,
    ) -> Response {
        super::sso_callback(&app, &tenant, jar, client, callback).await
    }

    pub async fn register_show(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        jar: CookieJar,
    ) -> Result<Response, PageError> {
        if !auth::registration::is_open(&app, &tenant).await? {
            return Err(PageError::not_found());
        }
        let (jar, csrf) = anon_csrf(&app, jar);
        let page = render_registration(&tenant, &Application::default(), &csrf, Ok(()), false);
        Ok((jar, page).into_response())
    }

    pub async fn register_submit(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        client: ClientAddr,
        jar: CookieJar,
        CsrfForm(form): CsrfForm<Application>,
    ) -> Result<Response, PageError> {
        let outcome = auth::registration::register(&app, &tenant, &form, client.0).await;
        let (jar, csrf) = anon_csrf(&app, jar);
        let page = match outcome {
            Ok(()) => render_registration(&tenant, &form, &csrf, Ok(()), true),
            Err(Error::NotFound(_)) => return Err(PageError::not_found()),
            Err(error) if error.is_server_side() => return Err(PageError::Failed(error)),
            Err(error) => {
                let page = render_registration(&tenant, &form, &csrf, Err(&error), false);
                super::super::error::with_retry_after(page, &error)
            }
        };
        Ok((jar, page).into_response())
    }

    #[derive(Debug, Deserialize)]
    pub struct ConfirmQuery {
        #[serde(default)]
        token: String,
    }

    pub async fn confirm_show(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        jar: CookieJar,
        axum::extract::Query(query): axum::extract::Query<ConfirmQuery>,
    ) -> Result<Response, PageError> {
        let pending = auth::registration::pending(&app, &tenant, &query.token)
            .await?
            .ok_or_else(registration_link_used)?;
        let (jar, csrf_token) = anon_csrf(&app, jar);
        let page = views::render(
            "register_confirm.html",
            context! {
                tenant => Serde(&*tenant),
                pending => context! { login => pending.login, full_name => pending.full_name },
                token => query.token,
                csrf_token,
            },
        );
        Ok((jar, page).into_response())
    }

    pub async fn confirm_submit(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        CsrfForm(form): CsrfForm<ConfirmQuery>,
    ) -> Result<Response, PageError> {
        match auth::registration::confirm(&app, &tenant, &form.token).await {
            Ok(_) => Ok(flash::notice("/login", &crate::tr!("auth-account-open"))),
            Err(Error::Invalid { .. }) => Err(registration_link_used()),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn portal_submit(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        client: ClientAddr,
        jar: CookieJar,
        CsrfForm(form): CsrfForm<LoginForm>,
    ) -> Response {
        submit(&app, &tenant, jar, client, form, Entrance::Portal).await
    }

    pub async fn console_submit(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        client: ClientAddr,
        jar: CookieJar,
        CsrfForm(form): CsrfForm<LoginForm>,
    ) -> Response {
        submit(&app, &tenant, jar, client, form, Entrance::Console).await
    }

    pub async fn forgot_show(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        jar: CookieJar,
        axum::extract::Query(form): axum::extract::Query<ForgotForm>,
    ) -> Response {
        let (jar, csrf) = anon_csrf(&app, jar);
        let form = ForgotForm {
            login: String::new(),
            ..form
        };
        (jar, render_forgot(&tenant, &form, &csrf, Ok(()))).into_response()
    }

    pub async fn forgot_submit(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        client: ClientAddr,
        jar: CookieJar,
        CsrfForm(form): CsrfForm<ForgotForm>,
    ) -> Response {
        forgot(&app, &tenant, jar, client, form).await
    }

    pub async fn portal_sign_out(
        State(app): State<Arc<App>>,
        PortalUser(who): PortalUser,
        jar: CookieJar,
        CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
    ) -> Response {
        sign_out(&app, &who, jar, Entrance::Portal).await
    }

    pub async fn console_sign_out(
        State(app): State<Arc<App>>,
        ConsoleUser(who): ConsoleUser,
        jar: CookieJar,
        CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
    ) -> Response {
        sign_out(&app, &who, jar, Entrance::Console).await
    }
}
