use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    app::App,
    error::Error,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiUser},
    },
    users::{self, NewUser},
};

#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    operation_id = "list_users",
    summary = "Lists users",
    responses((status = 200, description = "Every user, with direct roles", body = Value))
)]
pub async fn list(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let users = users::list(&app, &who.actor).await?;
    Ok(Json(json!({ "data": users })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    login: String,
    full_name: String,
    kind: String,
}

#[utoipa::path(
    post,
    path = "/users",
    tag = "users",
    operation_id = "create_user",
    summary = "Creates a user",
    request_body = NewUserBody,
    responses((status = 201, description = "The user and their one-time setup link", body = Value))
)]
pub async fn create(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new = NewUser::parse(&body.login, &body.full_name, &body.kind)?;
    let created = users::create(&app, &who.actor, new).await?;
    Ok((StatusCode::CREATED, Json(json!(created))))
}

#[utoipa::path(
    get,
    path = "/users/{id}",
    tag = "users",
    operation_id = "get_user",
    summary = "One user",
    responses((status = 200, description = "The user, with direct roles", body = Value))
)]
pub async fn get(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id.parse().map_err(|_| Error::NotFound("user"))?;
    Ok(Json(json!(users::get(&app, &who.actor, id).await?)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    active: bool,
}

#[utoipa::path(
    patch,
    path = "/users/{id}",
    tag = "users",
    operation_id = "update_user",
    summary = "Deactivates or reactivates a user",
    request_body = UserChange,
    responses((status = 200, description = "The user", body = Value))
)]
pub async fn update(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserChange>,
) -> Result<Json<Value>, ApiError> {
    let id = id.parse().map_err(|_| Error::NotFound("user"))?;
    Ok(Json(json!(
        users::set_active(&app, &who.actor, id, body.active).await?
    )))
}
