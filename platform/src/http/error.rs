//! Service errors become HTTP answers here, once: JSON `{"error": {...}}` for the API, an HTML page
//! for browsers. 5xx details go to the log (inside the request's span, so with its request id),
//! never to the client.

use axum::{
    Json,
    extract::rejection::{JsonRejection, PathRejection, QueryRejection},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde_json::json;

use super::views;
use crate::error::{Error, FieldErrors};

fn status_and_code(error: &Error) -> (StatusCode, &'static str) {
    match error {
        Error::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
        Error::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
        Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
        Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        Error::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        Error::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
        Error::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        Error::SectionFailed(_) => (StatusCode::BAD_GATEWAY, "section_failed"),
        Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

/// The message a user may see.
fn public_message(error: &Error) -> String {
    match error {
        Error::NotFound(what) => crate::tr!("error-not-found", what = *what),
        Error::Internal(source) => {
            tracing::error!(error = %format!("{source:#}"), "request failed");
            crate::tr!("error-internal")
        }
        other => other.to_string(),
    }
}

pub(super) fn status_of(error: &Error) -> StatusCode {
    status_and_code(error).0
}

/// Adds `Retry-After` to the answer to a throttled request, or one the server cannot serve now.
pub(super) fn with_retry_after(mut response: Response, error: &Error) -> Response {
    if let Error::TooManyRequests { retry_after, .. } | Error::Unavailable { retry_after, .. } =
        error
    {
        let seconds = retry_after.as_secs().max(1).to_string();
        if let Ok(value) = HeaderValue::from_str(&seconds) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Option<FieldErrors>,
    source: Option<Error>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: None,
            source: None,
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        let (status, code) = status_and_code(&error);
        let fields = match &error {
            Error::Invalid { fields, .. } => Some(fields.clone()),
            _ => None,
        };
        Self {
            status,
            code,
            message: public_message(&error),
            fields,
            source: Some(error),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                crate::tr!("error-body-too-large"),
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                crate::tr!("error-json-content-type"),
            ),
            // Broken syntax, and JSON of the wrong shape, are both a malformed request.
            _ => Self::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                crate::tr!("error-body-invalid", detail = rejection.body_text()),
            ),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            rejection.body_text(),
        )
    }
}

impl From<axum_extra::extract::QueryRejection> for ApiError {
    fn from(rejection: axum_extra::extract::QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            rejection.to_string(),
        )
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(fields) = &self.fields {
            error["fields"] = json!(fields);
        }
        let response = (self.status, Json(json!({ "error": error }))).into_response();
        match &self.source {
            Some(source) => with_retry_after(response, source),
            None => response,
        }
    }
}

/// An error answered as a page (or a redirect to the sign-in page).
#[derive(Debug)]
pub enum PageError {
    SignIn(String),
    Failed(Error),
    Status(StatusCode, String),
}

impl From<Error> for PageError {
    fn from(error: Error) -> Self {
        Self::Failed(error)
    }
}

impl PageError {
    pub fn not_found() -> Self {
        Self::Status(StatusCode::NOT_FOUND, crate::tr!("error-nothing-here"))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn(to) => Redirect::to(&to).into_response(),
            Self::Status(status, message) => views::error_page(status, &message),
            Self::Failed(error) => {
                let (status, _) = status_and_code(&error);
                let page = views::error_page(status, &public_message(&error));
                with_retry_after(page, &error)
            }
        }
    }
}
