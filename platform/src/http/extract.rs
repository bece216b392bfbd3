//! Extractors: the tenant, the signed-in user for each surface, the client's address, JSON and
//! query input with API-shaped errors, and CSRF-checked forms.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    body::Bytes,
    extract::{ConnectInfo, FromRequest, FromRequestParts, Request},
    http::{StatusCode, request::Parts},
};
use axum_extra::extract::CookieJar;
use portico_tenants::Tenant;
use serde::de::DeserializeOwned;

use super::{
    ANON_CSRF_COOKIE,
    error::{ApiError, PageError},
    middleware::{CurrentTenant, Identity},
};
use crate::{
    access::{self, Capability},
    app::App,
    auth::{self, Authenticated, Credential},
    files,
};

/// The tenant of the request's host.
#[derive(Debug, Clone)]
pub struct TenantOf(pub Arc<Tenant>);

impl<S: Send + Sync> FromRequestParts<S> for TenantOf {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentTenant>()
            .map(|t| Self(t.0.clone()))
            .ok_or_else(PageError::not_found)
    }
}

fn identity(parts: &Parts) -> Option<Authenticated> {
    parts.extensions.get::<Identity>().and_then(|i| i.0.clone())
}

/// A signed-in user of the JSON API (session cookie or API token).
#[derive(Debug, Clone)]
pub struct ApiUser(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        identity(parts).map(Self).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Sign in, or send an API token as Authorization: Bearer.",
            )
        })
    }
}

/// A signed-in user on the portal; anyone else is sent to the portal's sign-in page.
#[derive(Debug, Clone)]
pub struct PortalUser(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for PortalUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        identity(parts)
            .map(Self)
            .ok_or_else(|| PageError::SignIn("/login".into()))
    }
}

/// A signed-in employee in the console; anyone else is sent to the console's sign-in page.
#[derive(Debug, Clone)]
pub struct ConsoleUser(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for ConsoleUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let who = identity(parts).ok_or_else(|| PageError::SignIn("/console/login".into()))?;
        access::check(&who.actor, Capability::UseConsole)?;
        Ok(Self(who))
    }
}

/// The client's address: the peer, or the last hop of `X-Forwarded-For` when the installation
/// says it runs behind a proxy it trusts.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<Arc<App>> for ClientAddr {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> Result<Self, Self::Rejection> {
        if app.config.trust_proxy_headers {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            if let Some(ip) = forwarded {
                return Ok(Self(ip));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Self(peer.unwrap_or(IpAddr::from([127, 0, 0, 1]))))
    }
}

/// JSON input whose problems are answered in the API's error format.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// Query-string input (repeated keys become lists) whose problems are answered in the API's
/// error format.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum_extra::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// A submitted HTML form whose `csrf_token` field matches the session's token (or, before
/// sign-in, the anonymous CSRF cookie). A mismatch is refused before any handler runs.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

const MAX_FORM_BYTES: usize = 64 * 1024;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let expected = expected_csrf(&parts);
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| {
                PageError::Status(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The form is too large.".into(),
                )
            })?;
        if bytes.len() > MAX_FORM_BYTES {
            return Err(PageError::Status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is too large.".into(),
            ));
        }
        let fields: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).map_err(|_| {
            PageError::Status(
                StatusCode::BAD_REQUEST,
                "The form could not be read.".into(),
            )
        })?;
        let submitted = fields
            .iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.as_str());
        check_csrf(expected.as_deref(), submitted)?;
        serde_html_form::from_bytes(&bytes).map(Self).map_err(|e| {
            PageError::Status(
                StatusCode::BAD_REQUEST,
                format!("The form could not be read: {e}"),
            )
        })
    }
}

/// The token a form must carry: the session's, or before sign-in the anonymous cookie's.
fn expected_csrf(parts: &Parts) -> Option<String> {
    match identity(parts) {
        Some(Authenticated {
            credential: Credential::Session { csrf_token, .. },
            ..
        }) => Some(csrf_token),
        _ => CookieJar::from_headers(&parts.headers)
            .get(ANON_CSRF_COOKIE)
            .map(|c| c.value().to_owned()),
    }
}

fn check_csrf(expected: Option<&str>, submitted: Option<&str>) -> Result<(), PageError> {
    match (expected, submitted) {
        (Some(e), Some(s)) if auth::same_secret(e, s) => Ok(()),
        _ => Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "This form has expired. Go back, reload the page and try again.".into(),
        )),
    }
}

/// A submitted `multipart/form-data` form (text fields and files) whose `csrf_token` matches. Sizes
/// are enforced while reading: each file at most `PORTICO_MAX_ATTACHMENT_BYTES`, at most
/// [`files::MAX_FILES`] files, text fields small; the route must lift the default body limit.
#[derive(Debug)]
pub struct CsrfMultipart {
    pub fields: std::collections::BTreeMap<String, String>,
    pub files: Vec<files::Upload>,
}

impl FromRequest<Arc<App>> for CsrfMultipart {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let too_large = || {
            PageError::Status(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form or one of its files is too large.".into(),
            )
        };
        let unreadable = || {
            PageError::Status(
                StatusCode::BAD_REQUEST,
                "The form could not be read.".into(),
            )
        };
        let (parts, body) = req.into_parts();
        let expected = expected_csrf(&parts);
        let mut multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), app)
                .await
                .map_err(|_| unreadable())?;
        let max_file = app.config.max_attachment_bytes as usize;
        let mut fields = std::collections::BTreeMap::new();
        let mut uploads = Vec::new();
        while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().unwrap_or_default().to_owned();
            let limit = if file_name.is_some() {
                max_file
            } else {
                MAX_FORM_BYTES
            };
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                if data.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                data.extend_from_slice(&chunk);
            }
            match file_name {
                // An empty file input submits a nameless, empty part.
                Some(file_name) if file_name.is_empty() && data.is_empty() => {}
                Some(file_name) => {
                    if uploads.len() == files::MAX_FILES {
                        return Err(PageError::Status(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            format!("Attach at most {} files at a time.", files::MAX_FILES),
                        ));
                    }
                    uploads.push(files::Upload {
                        file_name,
                        content_type,
                        bytes: Bytes::from(data),
                    });
                }
                None => {
                    let text = String::from_utf8(data).map_err(|_| unreadable())?;
                    fields.insert(name, text);
                }
            }
        }
        check_csrf(
            expected.as_deref(),
            fields.get("csrf_token").map(String::as_str),
        )?;
        Ok(Self {
            fields,
            files: uploads,
        })
    }
}
