//! Language and time zone: the caller's own, and the tenant's defaults.

use std::sync::Arc;

use axum::{Json, extract::State};
use serde_json::{Map, Value};

use crate::{
    app::App,
    error::Error,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiUser},
    },
    regional::{self, Regional},
};

/// The body as a [`Regional`]: only a JSON object is one (serde would read `[null, null]` as
/// one too).
fn regional_of(body: Map<String, Value>) -> Result<Regional, Error> {
    serde_json::from_value(Value::Object(body))
        .map_err(|e| Error::BadRequest(crate::tr!("error-body-invalid", detail = e.to_string())))
}

#[utoipa::path(
    get,
    path = "/me/regional",
    tag = "auth",
    operation_id = "own_regional",
    summary = "The caller's own language and time zone (null: automatic)",
    responses((status = 200, description = "The caller's choice", body = Regional))
)]
pub async fn own(ApiUser(who): ApiUser) -> Json<Regional> {
    Json(regional::own(&who.actor))
}

#[utoipa::path(
    put,
    path = "/me/regional",
    tag = "auth",
    operation_id = "set_own_regional",
    summary = "Sets the caller's own language and time zone",
    request_body = Regional,
    responses((status = 200, description = "The caller's choice", body = Regional))
)]
pub async fn set_own(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Regional>, ApiError> {
    Ok(Json(
        regional::set_own(&app, &who.actor, regional_of(body)?).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/settings/regional",
    tag = "users",
    operation_id = "regional_settings",
    summary = "The tenant's default language and time zone (null: the browser's language, UTC)",
    responses((status = 200, description = "The defaults", body = Regional))
)]
pub async fn defaults(ApiUser(who): ApiUser) -> Result<Json<Regional>, ApiError> {
    Ok(Json(regional::tenant_defaults(&who.actor)?))
}

#[utoipa::path(
    put,
    path = "/settings/regional",
    tag = "users",
    operation_id = "set_regional_settings",
    summary = "Sets the tenant's default language and time zone",
    request_body = Regional,
    responses((status = 200, description = "The defaults", body = Regional))
)]
pub async fn set_defaults(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<Json<Regional>, ApiError> {
    Ok(Json(
        regional::set_tenant_defaults(&app, &who.actor, regional_of(body)?).await?,
    ))
}
