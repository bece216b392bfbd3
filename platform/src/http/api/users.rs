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

pub async fn list(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let users = users::list(&app, &who.actor).await?;
    Ok(Json(json!({ "data": users })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    login: String,
    full_name: String,
    kind: String,
}

pub async fn create(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let new = NewUser::parse(&body.login, &body.full_name, &body.kind)?;
    let created = users::create(&app, &who.actor, new).await?;
    Ok((StatusCode::CREATED, Json(json!(created))))
}

pub async fn get(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id = id.parse().map_err(|_| Error::NotFound("user"))?;
    Ok(Json(json!(users::get(&app, &who.actor, id).await?)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    active: bool,
}

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
