//! The tenant's branding: its console page, and what every portal page (and the login page,
//! before anyone signs in) loads from the tenant's host: logo, favicon, colours, and the web app
//! manifest, service worker and offline page that make the portal installable.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::Deserialize;

use super::{
    error::PageError,
    extract::{ConsoleUser, CsrfForm, CsrfMultipart, TenantOf},
    flash::{self, Flash},
    render_page,
};
use crate::{
    access::{self, Capability, SystemOperation},
    app::App,
    branding::{self, Asset, Look},
    domains::{self, Checked},
};

const OWN_DOMAIN: &str = "/console/branding#own-domain";

const PAGE: &str = "/console/branding";

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/branding", get(page).post(save_look))
        .route(
            "/branding/logo",
            post(upload_logo).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/branding/favicon",
            post(upload_favicon).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/branding/login-page", post(save_login_page))
        .route("/branding/menu", post(save_menu))
        .route("/branding/logo/remove", post(remove_logo))
        .route("/branding/favicon/remove", post(remove_favicon))
        .route("/branding/domain", post(claim_domain))
        .route("/branding/domain/check", post(check_domain))
        .route("/branding/domain/remove", post(remove_domain))
}

pub fn public_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/branding/logo", get(logo))
        .route("/branding/favicon", get(favicon))
        .route("/branding/theme.css", get(theme))
        .route("/manifest.webmanifest", get(manifest))
        .route("/service-worker.js", get(service_worker))
        .route("/offline", get(offline))
}

async fn page(
    State(app): State<Arc<App>>,
    flash: Flash,
    ConsoleUser(who): ConsoleUser,
) -> Result<Response, PageError> {
    access::check(
        &who.actor,
        Capability::System(SystemOperation::MainPageSetup),
    )?;
    let current = &who.actor.tenant.branding;
    Ok(render_page(
        flash,
        "console/branding.html",
        &who,
        context! {
            here => "branding",
            branding => Serde(current),
            logo_box => branding::LOGO_BOX,
            min_contrast => branding::MIN_CONTRAST,
            max_logo_kb => branding::MAX_LOGO_BYTES / 1024,
            max_favicon_kb => branding::MAX_FAVICON_BYTES / 1024,
            contact_rows => (0..branding::MAX_CONTACTS).collect::<Vec<_>>(),
            link_rows => (0..branding::MAX_LINKS).collect::<Vec<_>>(),
            menu_choices => Serde(&branding::menu_choices(&who.actor)),
            domain => who.actor.tenant.domain.as_ref().map(|d| context! {
                name => d.name.clone(),
                verified_at => Serde(d.verified_at),
                record_name => d.record_name(),
                record_value => d.record_value(),
            }),
            portal_origin => domains::origin(&app.config, &who.actor.tenant),
        },
    ))
}

async fn save_look(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(look): CsrfForm<Look>,
) -> Response {
    let outcome = branding::set_look(&app, &who.actor, look).await;
    flash::after(outcome, PAGE, &crate::tr!("branding-saved"))
}

/// The login page's rows as submitted: `contact_name_0`, `contact_value_0`, ... `link_value_4`.
/// One row more than the form has is read, so that a forged extra row is refused, not dropped.
async fn save_login_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Response {
    let rows = |kind: &str, max: usize| -> Vec<(String, String)> {
        let field = |name: &str, row: usize| {
            form.get(&format!("{kind}_{name}_{row}"))
                .cloned()
                .unwrap_or_default()
        };
        (0..=max)
            .map(|row| (field("name", row), field("value", row)))
            .collect()
    };
    let contacts = rows("contact", branding::MAX_CONTACTS);
    let links = rows("link", branding::MAX_LINKS);
    let outcome = branding::set_login_page(&app, &who.actor, contacts, links).await;
    flash::after(outcome, PAGE, &crate::tr!("branding-saved"))
}

/// The menu form: `show` once per section ticked, `position_<code>` for each; `action=reset`
/// goes back to every section. Ticked sections keep the order of their positions.
async fn save_menu(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let menu = (value("action") != Some("reset")).then(|| {
        let mut shown: Vec<(u32, usize, String)> = fields
            .iter()
            .filter(|(k, _)| k == "show")
            .enumerate()
            .map(|(i, (_, code))| {
                let position = value(&format!("position_{code}"))
                    .and_then(|p| p.trim().parse().ok())
                    .unwrap_or(u32::MAX);
                (position, i, code.clone())
            })
            .collect();
        shown.sort();
        shown.into_iter().map(|(_, _, code)| code).collect()
    });
    let outcome = branding::set_menu(&app, &who.actor, menu).await;
    flash::after(
        outcome,
        &format!("{PAGE}#portal-menu"),
        &crate::tr!("branding-saved"),
    )
}

async fn upload(
    app: &App,
    who: &crate::auth::Authenticated,
    asset: Asset,
    form: CsrfMultipart,
) -> Response {
    let outcome = match form.files.into_iter().next() {
        Some(file) => branding::set_image(app, &who.actor, asset, Some(file)).await,
        None => Err(crate::error::Error::invalid_field(
            asset.name(),
            crate::tr!("branding-choose-file"),
        )),
    };
    flash::after(outcome, PAGE, &crate::tr!("branding-saved"))
}

async fn upload_logo(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    form: CsrfMultipart,
) -> Response {
    upload(&app, &who, Asset::Logo, form).await
}

async fn upload_favicon(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    form: CsrfMultipart,
) -> Response {
    upload(&app, &who, Asset::Favicon, form).await
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
struct Confirm {}

async fn remove_logo(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    let outcome = branding::set_image(&app, &who.actor, Asset::Logo, None).await;
    flash::after(outcome, PAGE, &crate::tr!("branding-saved"))
}

async fn remove_favicon(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    let outcome = branding::set_image(&app, &who.actor, Asset::Favicon, None).await;
    flash::after(outcome, PAGE, &crate::tr!("branding-saved"))
}

/// The version a page asked for (`?v=`): the current one may be cached for good.
#[derive(Debug, Deserialize)]
struct Version {
    v: Option<i64>,
}

/// Cached for a year when the page named the current version (a new one changes the URL), else
/// briefly.
fn cache_control(asked: &Version, version: i64) -> HeaderValue {
    if asked.v == Some(version) {
        HeaderValue::from_static("public, max-age=31536000, immutable")
    } else {
        HeaderValue::from_static("public, max-age=60")
    }
}

async fn image(
    app: &App,
    tenant: &portico_tenants::Tenant,
    asset: Asset,
    asked: Version,
) -> Result<Response, PageError> {
    let (content_type, bytes) = branding::image(app, tenant, asset).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .map_err(|e| crate::error::Error::Internal(e.into()))?,
    );
    headers.insert(
        header::CACHE_CONTROL,
        cache_control(&asked, tenant.branding.version),
    );
    // Opened on its own, an SVG is a document: it gets no script, no fetches, its own origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    Ok(response)
}

async fn logo(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    Query(asked): Query<Version>,
) -> Result<Response, PageError> {
    image(&app, &tenant, Asset::Logo, asked).await
}

async fn favicon(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    Query(asked): Query<Version>,
) -> Result<Response, PageError> {
    image(&app, &tenant, Asset::Favicon, asked).await
}

async fn theme(TenantOf(tenant): TenantOf, Query(asked): Query<Version>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                cache_control(&asked, tenant.branding.version),
            ),
        ],
        branding::theme_css(&tenant.branding),
    )
        .into_response()
}

/// The web app manifest: the portal installs on a phone under the tenant's name and colours.
async fn manifest(TenantOf(tenant): TenantOf, Query(asked): Query<Version>) -> Response {
    let brand = &tenant.branding;
    let name = brand.title.clone().unwrap_or_else(|| tenant.name.clone());
    let icon = match &brand.favicon {
        Some(image) => serde_json::json!({
            "src": format!("/branding/favicon?v={}", brand.version),
            "type": image.content_type,
            "sizes": if image.content_type == "image/svg+xml" { "any".to_owned() } else { format!("{}x{}", image.width, image.height) },
        }),
        None => {
            serde_json::json!({ "src": "/static/icon.svg", "type": "image/svg+xml", "sizes": "any" })
        }
    };
    let manifest = serde_json::json!({
        "name": name,
        "short_name": name.chars().take(12).collect::<String>(),
        "start_url": "/",
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": brand.primary.as_deref().unwrap_or("#1f4e8c"),
        "icons": [icon],
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (header::CACHE_CONTROL, cache_control(&asked, brand.version)),
        ],
        manifest.to_string(),
    )
        .into_response()
}

/// The installed portal's service worker (at the root, so that it serves the whole portal).
async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/service-worker-1.js"),
    )
        .into_response()
}

/// What the service worker shows when there is no network.
async fn offline() -> Response {
    super::views::render("offline.html", context! {})
}

#[derive(Debug, Deserialize)]
struct DomainForm {
    domain: String,
}

async fn claim_domain(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<DomainForm>,
) -> Response {
    let outcome = domains::claim(&app, &who.actor, &form.domain).await;
    flash::after(outcome, OWN_DOMAIN, &crate::tr!("domain-claimed"))
}

async fn check_domain(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    match domains::check_own(&app, &who.actor).await {
        Ok(Checked::Verified) => flash::notice(OWN_DOMAIN, &crate::tr!("domain-verified")),
        Ok(other) => flash::refused(OWN_DOMAIN, crate::error::Error::Conflict(other.explained())),
        Err(error) => flash::refused(OWN_DOMAIN, error),
    }
}

async fn remove_domain(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    let outcome = domains::remove(&app, &who.actor).await;
    flash::after(outcome, OWN_DOMAIN, &crate::tr!("domain-removed"))
}
