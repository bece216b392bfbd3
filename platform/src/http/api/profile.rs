//! The caller's own profile (details, name, photo), and how the tenant's profile pages show
//! contact fields (for those who configure access).

use std::sync::Arc;

use axum::{
    Json,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value};

use crate::{
    app::App,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiUser},
    },
    profile::{self, FieldChoice, FieldSetting, Profile},
    sections::cases::agreements::Serving,
};

type Answer<T> = Result<Json<T>, ApiError>;

#[utoipa::path(
    get,
    path = "/me/profile",
    tag = "auth",
    operation_id = "own_profile",
    summary = "The caller's profile: name, sign-in address, the contact details the tenant shows, whether there is a photo",
    responses((status = 200, description = "The profile", body = Profile))
)]
pub async fn own(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<Profile> {
    Ok(Json(profile::own(&app, &who.actor).await?))
}

#[utoipa::path(
    patch,
    path = "/me/profile",
    tag = "auth",
    operation_id = "update_own_profile",
    summary = "Changes the caller's name and details: only those the profile shows as editable (422 names any other)",
    request_body(content = Object, description = "Field names (`full_name` and the details' `field`) and their new values; an empty text clears a detail"),
    responses((status = 200, description = "The profile now", body = Profile))
)]
pub async fn update_own(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(changes): ApiJson<Map<String, Value>>,
) -> Answer<Profile> {
    Ok(Json(profile::update_own(&app, &who.actor, changes).await?))
}

#[utoipa::path(
    get,
    path = "/me/services",
    tag = "auth",
    operation_id = "own_services",
    summary = "The service agreements that serve the caller (those a new case of theirs would get), with their services",
    responses((status = 200, description = "The agreements", body = Vec<Serving>))
)]
pub async fn services(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<Vec<Serving>> {
    Ok(Json(profile::services(&app, &who.actor).await?))
}

#[utoipa::path(
    get,
    path = "/me/photo",
    tag = "auth",
    operation_id = "own_photo",
    summary = "The caller's photo (404 without one)",
    responses((status = 200, description = "The image", content_type = "image/png", body = Vec<u8>))
)]
pub async fn photo(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = profile::photo(&app, &who.actor).await?;
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

#[utoipa::path(
    put,
    path = "/me/photo",
    tag = "auth",
    operation_id = "set_own_photo",
    summary = "Replaces the caller's photo: the body is a PNG or JPEG of at most 1 MiB (413 beyond, 422 for anything else)",
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The image"),
    responses((status = 200, description = "The profile now", body = Profile))
)]
pub async fn set_photo(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Answer<Profile> {
    let limit = profile::MAX_PHOTO_BYTES as u64;
    let bytes = super::records::body_within(&headers, body, limit).await?;
    Ok(Json(
        profile::set_photo(&app, &who.actor, Some(bytes)).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/me/photo",
    tag = "auth",
    operation_id = "remove_own_photo",
    summary = "Removes the caller's photo",
    responses((status = 200, description = "The profile now", body = Profile))
)]
pub async fn remove_photo(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<Profile> {
    Ok(Json(profile::set_photo(&app, &who.actor, None).await?))
}

#[utoipa::path(
    get,
    path = "/settings/profile",
    tag = "users",
    operation_id = "profile_settings",
    summary = "How portal users' profile pages show each contact field",
    responses((status = 200, description = "Every field a profile can show", body = Vec<FieldSetting>))
)]
pub async fn settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Answer<Vec<FieldSetting>> {
    Ok(Json(profile::settings(&app, &who.actor).await?))
}

#[utoipa::path(
    put,
    path = "/settings/profile",
    tag = "users",
    operation_id = "set_profile_settings",
    summary = "Sets how profile pages show contact fields (fields not named are hidden)",
    request_body = Vec<FieldChoice>,
    responses((status = 200, description = "Every field a profile can show", body = Vec<FieldSetting>))
)]
pub async fn set_settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(wanted): ApiJson<Vec<FieldChoice>>,
) -> Answer<Vec<FieldSetting>> {
    Ok(Json(
        profile::set_settings(&app, &who.actor, &wanted).await?,
    ))
}
