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
use serde::{Deserialize, de::DeserializeOwned};

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
                crate::tr!("error-api-sign-in"),
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

/// A whole number in JSON, also when written with a fraction of zero (`5.0`): JSON Schema's
/// `integer` allows that spelling, so clients may send it.
pub fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    number
        .as_i64()
        .or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
        .ok_or_else(|| serde::de::Error::custom(format!("{number} is not a whole number")))
}

/// JSON input whose problems are answered in the API's error format. Text with control
/// characters is refused (422, by JSON pointer) before the handler sees it.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        crate::text::check_json(&value)?;
        serde_json::from_value(value).map(Self).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                crate::tr!("error-body-invalid", detail = e.to_string()),
            )
        })
    }
}

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
                    crate::tr!("error-form-too-large"),
                )
            })?;
        if bytes.len() > MAX_FORM_BYTES {
            return Err(PageError::Status(
                StatusCode::PAYLOAD_TOO_LARGE,
                crate::tr!("error-form-too-large"),
            ));
        }
        let fields: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).map_err(|_| {
            PageError::Status(StatusCode::BAD_REQUEST, crate::tr!("error-form-unreadable"))
        })?;
        let submitted = fields
            .iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.as_str());
        check_csrf(expected.as_deref(), submitted)?;
        crate::text::check_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(refused_text)?;
        serde_html_form::from_bytes(&bytes).map(Self).map_err(|e| {
            PageError::Status(
                StatusCode::BAD_REQUEST,
                crate::tr!("error-form-unreadable-detail", detail = e.to_string()),
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

/// A form refused for its text: the page names each field.
fn refused_text(error: crate::error::Error) -> PageError {
    let message = match &error {
        crate::error::Error::Invalid { fields, .. } => fields
            .iter()
            .map(|(field, messages)| format!("{field}: {}", messages.join("; ")))
            .collect::<Vec<_>>()
            .join(". "),
        other => other.to_string(),
    };
    PageError::Status(StatusCode::UNPROCESSABLE_ENTITY, message)
}

fn check_csrf(expected: Option<&str>, submitted: Option<&str>) -> Result<(), PageError> {
    match (expected, submitted) {
        (Some(e), Some(s)) if auth::same_secret(e, s) => Ok(()),
        _ => Err(PageError::Status(
            StatusCode::FORBIDDEN,
            crate::tr!("error-form-expired"),
        )),
    }
}

/// A submitted `multipart/form-data` form (text fields and files) whose `csrf_token` matches. A
/// form that will be refused is refused before its body is read in full: one declared larger
/// than the files allowed at once, or one whose first part is not the CSRF token (the portal's
/// forms put it first). Sizes are enforced while reading: each file at most
/// `PORTICO_MAX_ATTACHMENT_BYTES`, at most [`files::MAX_FILES`] files, text fields small; the route
/// must lift the default body limit.
#[derive(Debug)]
pub struct CsrfMultipart {
    pub fields: std::collections::BTreeMap<String, String>,
    pub files: Vec<files::Upload>,
    /// The input each of `files` was chosen in, in the same order.
    pub inputs: Vec<String>,
}

/// Room for the text fields and the multipart framing beside the files.
const MULTIPART_OVERHEAD: u64 = 1024 * 1024;

impl FromRequest<Arc<App>> for CsrfMultipart {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let too_large = || {
            PageError::Status(
                StatusCode::PAYLOAD_TOO_LARGE,
                crate::tr!("error-upload-too-large"),
            )
        };
        let unreadable =
            || PageError::Status(StatusCode::BAD_REQUEST, crate::tr!("error-form-unreadable"));
        let max_file = app.config.max_attachment_bytes;
        let max_total = max_file * files::MAX_FILES as u64 + MULTIPART_OVERHEAD;
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max_total) {
            return Err(too_large());
        }
        let (parts, body) = req.into_parts();
        let expected = expected_csrf(&parts);
        let mut multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), app)
                .await
                .map_err(|_| unreadable())?;
        let mut fields = std::collections::BTreeMap::new();
        let mut uploads = Vec::new();
        let mut inputs = Vec::new();
        let mut total = 0u64;
        while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable())? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().unwrap_or_default().to_owned();
            // Nothing is read past the first part before the form's token is known to be right.
            if fields.is_empty() && (name != "csrf_token" || file_name.is_some()) {
                return Err(check_csrf(expected.as_deref(), None).unwrap_err());
            }
            let limit = if file_name.is_some() {
                max_file
            } else {
                MAX_FORM_BYTES as u64
            };
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
                total += chunk.len() as u64;
                if data.len() as u64 + chunk.len() as u64 > limit || total > max_total {
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
                            crate::tr!("error-too-many-files", count = files::MAX_FILES),
                        ));
                    }
                    uploads.push(files::Upload {
                        file_name,
                        content_type,
                        bytes: Bytes::from(data),
                    });
                    inputs.push(name);
                }
                None => {
                    let text = String::from_utf8(data).map_err(|_| unreadable())?;
                    if fields.is_empty() {
                        check_csrf(expected.as_deref(), Some(&text))?;
                    }
                    fields.insert(name, text);
                }
            }
        }
        check_csrf(
            expected.as_deref(),
            fields.get("csrf_token").map(String::as_str),
        )?;
        crate::text::check_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(refused_text)?;
        Ok(Self {
            fields,
            files: uploads,
            inputs,
        })
    }
}

/// A record's form: URL-encoded, or multipart when its object has file fields (each file then
/// named by the input it was chosen in). Either way the CSRF token is checked first and the
/// limits of [`CsrfForm`] and [`CsrfMultipart`] hold; the route must lift the default body limit.
#[derive(Debug)]
pub struct RecordForm {
    pub fields: std::collections::BTreeMap<String, String>,
    pub files: Vec<(String, files::Upload)>,
}

impl FromRequest<Arc<App>> for RecordForm {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if multipart {
            let form = CsrfMultipart::from_request(req, app).await?;
            Ok(Self {
                fields: form.fields,
                files: form.inputs.into_iter().zip(form.files).collect(),
            })
        } else {
            let CsrfForm(fields) = CsrfForm::from_request(req, app).await?;
            Ok(Self {
                fields,
                files: Vec::new(),
            })
        }
    }
}
