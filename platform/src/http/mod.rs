//! The web: the portal (`/`), the console (`/console`), the JSON API (`/api/v1`), static assets, and
//! the operator endpoints on the platform's own host. Handlers are thin: they parse, call one
//! service function with the actor, and render.

mod api;
mod assets;
mod branding;
mod console;
mod console_access;
pub mod error;
mod extract;
mod feed_pages;
mod flash;
mod folder_pages;
mod knowledge;
mod licenses;
mod main_page;
mod middleware;
mod notification_pages;
mod ops;
mod partners;
mod pickers;
mod portal;
mod profile_setup;
mod record_forms;
mod record_pages;
mod regional;
mod sections;
pub mod server;
mod sign_in;
mod sso_pages;
mod support;
mod support_settings;
mod user_import;
mod views;

use std::sync::Arc;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::HeaderName,
    middleware::{from_fn, from_fn_with_state},
};
use axum_extra::extract::cookie::{Cookie, SameSite};
use tower::ServiceBuilder;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};

use crate::{
    app::App,
    auth::{Authenticated, Credential},
    store::Timestamp,
};

pub const SESSION_COOKIE: &str = "portico_session";
pub const ANON_CSRF_COOKIE: &str = "portico_csrf";
/// The language a visitor chose before signing in (a signed-in user's choice is on their account).
pub const LANGUAGE_COOKIE: &str = "portico_language";
const ANON_CSRF_LIFETIME_SECONDS: i64 = 12 * 3600;
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Largest request body accepted anywhere (larger uploads will get their own, explicit limits).
const MAX_BODY_BYTES: usize = 1024 * 1024;

pub use ops::install_metrics_recorder;

pub fn router(app: Arc<App>) -> Router {
    let tenant_routes = Router::new()
        .merge(portal::routes())
        .merge(regional::routes())
        .merge(branding::public_routes())
        .nest("/console", console::routes())
        .nest(
            "/api/v1",
            api::routes().layer(from_fn_with_state(app.clone(), middleware::api_limit)),
        )
        .fallback(fallback)
        .layer(from_fn(middleware::refuse_cross_site))
        .layer(from_fn(middleware::read_only_when_canceled))
        .layer(from_fn(middleware::localize))
        .layer(from_fn_with_state(app.clone(), middleware::authenticate));

    Router::new()
        .merge(ops::routes())
        .merge(assets::routes())
        .merge(tenant_routes)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(from_fn_with_state(app.clone(), middleware::route_by_host))
        .layer(from_fn_with_state(
            app.clone(),
            middleware::security_headers,
        ))
        .layer(from_fn(middleware::record_metrics))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        )
        .with_state(app)
}

fn request_span(req: &Request) -> tracing::Span {
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id,
        method = %req.method(),
        path = req.uri().path(),
        tenant = tracing::field::Empty,
        user = tracing::field::Empty,
    )
}

async fn fallback(req: Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        error::ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            crate::tr!("error-no-endpoint"),
        )
        .into_response()
    } else {
        error::PageError::not_found().into_response()
    }
}

/// What every signed-in page shows: the tenant, the user, and the CSRF token for its forms.
/// A page of a list of people (users, an organization's members): a search, where the previous
/// page ended, and where this one starts (for "51–100 of 240"). Organizations, counted off in
/// memory, page by `from` alone.
#[derive(Debug, Default, serde::Deserialize)]
struct PeopleQuery {
    q: Option<String>,
    after: Option<String>,
    from: Option<u64>,
}

impl PeopleQuery {
    fn users(&self) -> crate::users::UserQuery {
        crate::users::UserQuery {
            search: self.q.clone(),
            after: self.after.clone(),
            limit: None,
        }
    }

    /// What a page's template shows of its place in the list: `shown` people, and the next
    /// page's cursor.
    fn place(
        &self,
        shown: usize,
        next_cursor: Option<&str>,
        count: crate::records::Count,
    ) -> minijinja::Value {
        minijinja::context! {
            next_cursor, q => self.q.clone().unwrap_or_default(),
            ..place(self.from, shown, Some(count))
        }
    }
}

/// Where a page of a list stands, for "26–50 of 1,234": the count, the first and last row shown
/// (the page starting at `from`, 1 unless given) and where the next page starts.
fn place(
    from: Option<u64>,
    shown: usize,
    count: Option<crate::records::Count>,
) -> minijinja::Value {
    let from = from.unwrap_or(1).max(1);
    let shown = shown as u64;
    minijinja::context! {
        count => count.map(minijinja::value::Serde),
        from, to => from + shown.saturating_sub(1), next_from => from + shown,
    }
}

/// A form's whole-number field, or the field's error saying what it wants.
fn whole_number(field: &str, text: &str) -> crate::error::Result<u32> {
    text.trim()
        .parse::<u32>()
        .map_err(|_| crate::error::Error::invalid_field(field, crate::tr!("console-whole-number")))
}

fn page_context(who: &Authenticated) -> minijinja::Value {
    use minijinja::value::Serde;
    let csrf_token = match &who.credential {
        Credential::Session { csrf_token, .. } => csrf_token.as_str(),
        Credential::ApiToken(_) => "",
    };
    let actor = &who.actor;
    // The portal's menu: the sections the tenant chose, in its order, that the user may read.
    let menu = if actor.kind == crate::users::UserKind::External {
        crate::branding::menu(actor)
    } else {
        Vec::new()
    };
    minijinja::context! {
        tenant => Serde(&*actor.tenant),
        menu => Serde(&menu),
        user => minijinja::context! {
            full_name => &actor.full_name,
            login => actor.login.as_str(),
            photo => actor.photo.as_deref(),
            kind => actor.kind.as_str(),
            employee => actor.kind == crate::users::UserKind::Employee,
            organization_admin => actor.organization_admin,
            admin => actor.kind == crate::users::UserKind::Employee && actor.is_admin(),
            manages_portal_users => crate::access::check(actor, crate::access::Capability::ManagePortalUsers).is_ok(),
        },
        // The console's Partners page, for tenants that run the partner configuration.
        partners => actor.kind == crate::users::UserKind::Employee
            && actor.catalog.get(crate::sections::partners::PARTNERSHIP).is_some(),
        billing_notice => billing_notice(who),
        // Employees' notifications open in the console, wherever they are.
        bell_prefix => if actor.kind == crate::users::UserKind::Employee { "/console" } else { "" },
        csrf_token,
    }
}

/// What the tenant's subscription means for this reader, if anything: administrators learn of
/// failed payments and the end of the subscription, portal users that the portal is read-only.
fn billing_notice(who: &Authenticated) -> Option<String> {
    use portico_tenants::billing::Standing;
    let employee = who.actor.kind == crate::users::UserKind::Employee;
    match who.standing {
        Standing::Good => None,
        Standing::Canceled if !employee => Some(crate::tr!("billing-portal-read-only")),
        _ if !(employee && who.actor.is_admin()) => None,
        Standing::PastDue { grace_ends } => Some(crate::tr!(
            "billing-notice-past-due",
            date = crate::i18n::current().day_of(grace_ends)
        )),
        Standing::Blocked => Some(crate::tr!("billing-activations-blocked")),
        Standing::Canceled => Some(crate::tr!("billing-notice-canceled")),
    }
}

/// A signed-in user's page: the layout's values (tenant, user, CSRF token), the flash message
/// (shown once), and the page's own values.
fn render_page(
    flash: flash::Flash,
    template: &str,
    who: &Authenticated,
    extra: minijinja::Value,
) -> axum::response::Response {
    let message = flash.message.as_ref().map(minijinja::value::Serde);
    let page = views::render(
        template,
        minijinja::context! { flash => message, ..minijinja::context! { ..extra, ..page_context(who) } },
    );
    flash.show(page)
}

/// The session cookie: HttpOnly, SameSite=Lax, host-only (never shared with other tenants'
/// subdomains), Secure except on a local development domain.
fn session_cookie(app: &App, token: String, expires_at: Timestamp) -> Cookie<'static> {
    let max_age = (expires_at.0 - app.clock.now().0).num_seconds().max(0);
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(!app.config.is_local())
        .max_age(time_duration(max_age))
        .build()
}

fn time_duration(seconds: i64) -> time::Duration {
    time::Duration::seconds(seconds)
}

/// Removes the session cookie from the browser.
fn expired_session_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::from(SESSION_COOKIE);
    cookie.set_path("/");
    cookie
}

/// The double-submit CSRF cookie for forms shown before sign-in.
fn anon_csrf_cookie(app: &App, token: String) -> Cookie<'static> {
    Cookie::build((ANON_CSRF_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(!app.config.is_local())
        .max_age(time_duration(ANON_CSRF_LIFETIME_SECONDS))
        .build()
}
