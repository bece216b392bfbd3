//! The sign-in and sign-out pages, shared by the portal and the console (which differ only in
//! whom they admit and where they lead).

use std::sync::Arc;

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use axum_extra::extract::CookieJar;
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
    auth::{self, Authenticated, Entrance, registration::Application},
    error::{Error, FieldErrors},
};

fn home(entrance: Entrance) -> &'static str {
    match entrance {
        Entrance::Console => "/console",
        _ => "/",
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

/// The login page. The portal's offers "Register" when the tenant lets people register.
async fn render_form(
    app: &App,
    tenant: &Tenant,
    entrance: Entrance,
    csrf_token: &str,
    status: StatusCode,
    shown: Shown<'_>,
) -> Response {
    let register = entrance == Entrance::Portal
        && auth::registration::is_open(app, tenant)
            .await
            .unwrap_or(false);
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
    match auth::sign_in(app, tenant, &form.login, &form.password, client.0, entrance).await {
        Ok((_, session)) => {
            let cookie = session_cookie(app, session.token, session.expires_at);
            (jar.add(cookie), Redirect::to(home(entrance))).into_response()
        }
        Err(error) if error.is_server_side() => PageError::Failed(error).into_response(),
        Err(error) => {
            let (jar, csrf) = anon_csrf(app, jar);
            let status = super::error::status_of(&error);
            let refused = Shown::Refused {
                login: &form.login,
                error: error.to_string(),
            };
            let page = render_form(app, tenant, entrance, &csrf, status, refused).await;
            (jar, super::error::with_retry_after(page, &error)).into_response()
        }
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
        show(&app, &tenant, jar, identity, Entrance::Portal, flash).await
    }

    pub async fn console_show(
        State(app): State<Arc<App>>,
        TenantOf(tenant): TenantOf,
        jar: CookieJar,
        identity: Option<axum::Extension<Identity>>,
        flash: flash::Flash,
    ) -> Response {
        let identity = identity.map(|e| e.0);
        show(&app, &tenant, jar, identity, Entrance::Console, flash).await
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
