//! Request pipeline: which tenant a request is for (from its host), who is asking (session cookie
//! or API token), cross-origin refusal for state-changing requests, and request metrics.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use axum_extra::extract::CookieJar;
use portico_tenants::Tenant;

use super::{SESSION_COOKIE, error::ApiError, views};
use crate::{app::App, auth, error::Error, i18n, store, tenancy};

/// Paths answered on the platform's own host (not a tenant's): health and metrics for operators.
pub const OPS_PATHS: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// Where Stripe delivers its webhooks (on the platform's host only, like [`OPS_PATHS`]).
pub const BILLING_WEBHOOK: &str = "/billing/stripe/webhook";

/// The operator API's paths start so (on the platform's host only, like [`OPS_PATHS`]).
pub const OPERATOR_API: &str = "/operator/v1/";

/// The tenant whose host the request came to.
#[derive(Debug, Clone)]
pub struct CurrentTenant(pub Arc<Tenant>);

/// Who the request is from, if anyone.
#[derive(Debug, Clone)]
pub struct Identity(pub Option<auth::Authenticated>);

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn request_host(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
}

/// Whether the request says unambiguously which host it is for: one `Host` header, and an
/// absolute-form target (`GET http://host/path`) naming the same host. A proxy and the server
/// could otherwise disagree about which tenant a request is for.
fn ambiguous_host(req: &Request) -> bool {
    let mut hosts = req.headers().get_all(header::HOST).iter();
    let (first, second) = (hosts.next(), hosts.next());
    if second.is_some() {
        return true;
    }
    match (first, req.uri().authority()) {
        (Some(host), Some(target)) => !host
            .as_bytes()
            .eq_ignore_ascii_case(target.as_str().as_bytes()),
        _ => false,
    }
}

/// Sends tenant hosts to the tenant's portal, console and API, and the platform's own host to the
/// operator endpoints. Unknown tenants get a plain 404 that reveals nothing about which exist.
pub async fn route_by_host(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    if ambiguous_host(&req) {
        return bad_request(&req, &crate::tr!("error-several-hosts"));
    }
    // Ids in paths end up in queries and headers: no control characters, even percent-encoded.
    if crate::text::url_part_has_control(req.uri().path())
        || req
            .uri()
            .query()
            .is_some_and(crate::text::url_part_has_control)
    {
        return bad_request(&req, &crate::tr!("error-control-characters"));
    }
    let path = req.uri().path();
    let ops =
        OPS_PATHS.contains(&path) || path == BILLING_WEBHOOK || path.starts_with(OPERATOR_API);
    let asset = path.starts_with("/static/");
    let host = request_host(&req).map(str::to_owned);
    let slug = host
        .as_deref()
        .and_then(|h| tenancy::slug_from_host(h, &app.config.base_domain));
    let by_subdomain = slug.is_some();
    let tenant = match (slug, host) {
        (Some(_), _) if ops => return not_found(&req),
        (Some(slug), _) => tenancy::for_request(&app, &slug).await,
        // The platform's own host, or a tenant's own domain.
        (None, _) if ops || asset => return next.run(req).await,
        (None, Some(host)) => crate::domains::tenant_for_host(&app, &host).await,
        (None, None) => Ok(None),
    };
    let tenant = tenant.and_then(|tenant| {
        let tenant = tenant.ok_or(Error::NotFound("tenant"))?;
        tenancy::check_available(tenant.status)?;
        Ok(tenant)
    });
    match tenant {
        Ok(tenant) => {
            if by_subdomain && let Some(moved) = to_own_domain(&app, &tenant, &req) {
                return moved;
            }
            tracing::Span::current().record("tenant", tenant.slug.as_str());
            req.extensions_mut().insert(CurrentTenant(tenant.clone()));
            let path = req.uri().path().to_owned();
            let limit = app.config.max_attachment_bytes;
            views::for_tenant(tenant, &path, limit, next.run(req)).await
        }
        Err(Error::NotFound(_)) => not_found(&req),
        Err(error) => failure(&req, error),
    }
}

/// A portal page asked for at the subdomain of a tenant whose own domain is proven is sent
/// there, so that portal users, their sessions and single sign-on (started from a portal page)
/// live on one host. Forms sent from a page opened before still work; the console (employees
/// signed in at the subdomain stay signed in) and the API (clients need not follow) answer at
/// both hosts.
fn to_own_domain(app: &App, tenant: &Tenant, req: &Request) -> Option<Response> {
    tenant.domain.as_ref().filter(|d| d.is_verified())?;
    let path = req.uri().path();
    let console = path == "/console" || path.starts_with("/console/");
    if console || is_api(path) || !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let to = format!("{}{path}", crate::domains::origin(&app.config, tenant));
    let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
    response
        .headers_mut()
        .insert(header::LOCATION, header::HeaderValue::from_str(&to).ok()?);
    Some(response)
}

fn bad_request(req: &Request, message: &str) -> Response {
    if is_api(req.uri().path()) {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message).into_response()
    } else {
        views::error_page(StatusCode::BAD_REQUEST, message)
    }
}

fn not_found(req: &Request) -> Response {
    if is_api(req.uri().path()) {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            crate::tr!("error-api-not-found"),
        )
        .into_response()
    } else {
        views::error_page(StatusCode::NOT_FOUND, &crate::tr!("error-nothing-here"))
    }
}

fn failure(req: &Request, error: Error) -> Response {
    if is_api(req.uri().path()) {
        ApiError::from(error).into_response()
    } else {
        super::error::PageError::from(error).into_response()
    }
}

/// Establishes who is asking: an API token (`Authorization: Bearer`, API only) or a session cookie.
/// An invalid credential simply leaves the request anonymous; handlers that need a user refuse it.
pub async fn authenticate(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let Some(CurrentTenant(tenant)) = req.extensions().get::<CurrentTenant>().cloned() else {
        return next.run(req).await;
    };
    let api = is_api(req.uri().path());
    let bearer = bearer_token(req.headers()).map(str::to_owned);
    let cookie = CookieJar::from_headers(req.headers())
        .get(SESSION_COOKIE)
        .map(|c| c.value().to_owned());
    // A request without a body makes all its reads in one transaction: the one its credential
    // was found in (see `store::carrying`).
    let reading = matches!(*req.method(), Method::GET | Method::HEAD);
    let request = async move {
        let identity = match (bearer, cookie) {
            (Some(token), _) if api => auth::from_api_token(&app, &tenant, &token).await,
            (_, Some(cookie)) => auth::from_session(&app, &tenant, &cookie).await,
            _ => Ok(None),
        };
        match identity {
            Ok(identity) => {
                if let Some(who) = &identity {
                    tracing::Span::current().record("user", who.actor.user.to_string());
                }
                req.extensions_mut().insert(Identity(identity));
                next.run(req).await
            }
            Err(error) => failure(&req, error),
        }
    };
    if reading {
        store::carrying(request).await
    } else {
        request.await
    }
}

/// While a tenant's subscription is canceled its portal is read-only for external users: they
/// read all they could, and change nothing but their own sign-in (signing out, a password) and
/// the language they read in.
pub async fn read_only_when_canceled(req: Request, next: Next) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path();
    let personal = ["/logout", "/profile/password", "/language"].contains(&path)
        || path.starts_with("/api/v1/auth/");
    let refused = writes
        && !personal
        && req
            .extensions()
            .get::<Identity>()
            .and_then(|i| i.0.as_ref())
            .is_some_and(|who| {
                who.actor.kind == crate::users::UserKind::External
                    && !who.standing.portal_writable()
            });
    if refused {
        return failure(
            &req,
            Error::Forbidden(crate::tr!("billing-portal-read-only")),
        );
    }
    next.run(req).await
}

/// Serves the request in its reader's language and time zone (see `i18n::negotiate`): a
/// signed-in user's own choice, else a visitor's language cookie; the tenant's defaults; the
/// browser's `Accept-Language`.
pub async fn localize(req: Request, next: Next) -> Response {
    let tenant = req.extensions().get::<CurrentTenant>().map(|t| t.0.clone());
    let actor = req
        .extensions()
        .get::<Identity>()
        .and_then(|identity| identity.0.as_ref())
        .map(|who| &who.actor);
    let cookie = CookieJar::from_headers(req.headers())
        .get(super::LANGUAGE_COOKIE)
        .map(|c| c.value().to_owned());
    let chosen = actor
        .and_then(|a| a.language.as_deref())
        .or(cookie.as_deref());
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let tenant_language = tenant.as_ref().and_then(|t| t.language.as_deref());
    let time_zone = actor
        .and_then(|a| a.time_zone.as_deref())
        .or(tenant.as_ref().and_then(|t| t.time_zone.as_deref()))
        .and_then(i18n::parse_time_zone)
        .unwrap_or(chrono_tz::Tz::UTC);
    let locale = i18n::Locale {
        language: i18n::negotiate(chosen, tenant_language, accept),
        time_zone,
    };
    i18n::scope(locale, next.run(req)).await
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Refuses state-changing requests that a browser says come from another site. Browsers send
/// `Origin` on cross-origin posts; scripts (curl, API clients) send neither header.
pub async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(&req) {
        let message = crate::tr!("error-cross-site");
        return if is_api(req.uri().path()) {
            ApiError::new(StatusCode::FORBIDDEN, "cross_site", message).into_response()
        } else {
            views::error_page(StatusCode::FORBIDDEN, &message)
        };
    }
    next.run(req).await
}

fn is_cross_site(req: &Request) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    request_host(req).is_none_or(|host| !origin_host.eq_ignore_ascii_case(host))
}

/// What every page may load: its own scripts (htmx) and styles, no inline script, no plugins,
/// never framed; forms post only to the portal itself.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Headers that tell browsers how to treat every answer: no sniffing of types, no framing, no
/// referrer beyond the portal (links carry one-time tokens), nothing cached but the versioned
/// static assets, and HTTPS only outside a development domain.
pub async fn security_headers(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let asset = req.uri().path().starts_with("/static/");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(header::HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        CONTENT_SECURITY_POLICY,
    );
    if !asset {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if !app.config.is_local() {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    response
}

/// Counts requests and their durations by method and status (no tenant labels: metrics are the
/// operator's, and must not enumerate tenants).
pub async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let response = next.run(req).await;
    let labels = [
        ("method", method),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Counts portal users' calls of the JSON API against their tenant's daily limit: past it,
/// 429 with `Retry-After`. Every answer to them carries the limit, what remains and when the
/// count starts again, as the IETF `RateLimit-Policy` and `RateLimit` fields. Signing in and
/// out, `/me` and the API document do not count; employees are not limited here.
pub async fn api_limit(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let counted = crate::api_limit::counts(req.uri().path());
    let caller = req
        .extensions()
        .get::<Identity>()
        .and_then(|i| i.0.as_ref())
        .filter(|who| who.actor.kind == crate::users::UserKind::External)
        .map(|who| (who.actor.tenant.clone(), who.actor.user));
    let Some((tenant, user)) = caller.filter(|_| counted && app.config.api_limit) else {
        return next.run(req).await;
    };
    let verdict = match crate::api_limit::count(&app, &tenant, user).await {
        Ok(verdict) => verdict,
        Err(error) => return ApiError::from(error).into_response(),
    };
    let mut response = if verdict.allowed {
        metrics::counter!("portico_api_calls_total").increment(1);
        next.run(req).await
    } else {
        ApiError::from(Error::TooManyRequests {
            message: crate::tr!("api-limit-reached", limit = verdict.limit),
            retry_after: std::time::Duration::from_secs(verdict.reset_after),
        })
        .into_response()
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (
            "ratelimit-policy",
            format!("\"daily\";q={};w=86400", verdict.limit),
        ),
        (
            "ratelimit",
            format!(
                "\"daily\";r={};t={}",
                verdict.remaining, verdict.reset_after
            ),
        ),
    ] {
        if let Ok(value) = header::HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}
