use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    app::App,
    auth::{self, ApiTokenId, Entrance},
    error::Error,
    http::{
        error::ApiError,
        expired_session_cookie,
        extract::{ApiJson, ApiUser, ClientAddr, TenantOf},
        session_cookie,
    },
    store::Timestamp,
};

#[derive(Debug, Deserialize)]
pub struct Login {
    login: String,
    password: String,
}

pub async fn login(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    client: ClientAddr,
    jar: CookieJar,
    ApiJson(body): ApiJson<Login>,
) -> Result<Response, ApiError> {
    let (user, session) = auth::sign_in(
        &app,
        &tenant,
        &body.login,
        &body.password,
        client.0,
        Entrance::Api,
    )
    .await?;
    let cookie = session_cookie(&app, session.token, session.expires_at);
    let body = json!({
        "id": user.id, "login": user.login, "kind": user.kind,
        "tenant": { "slug": tenant.slug, "name": tenant.name },
        "expires_at": session.expires_at,
    });
    Ok((jar.add(cookie), Json(body)).into_response())
}

pub async fn logout(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    auth::sign_out(&app, &who).await?;
    Ok((jar.remove(expired_session_cookie()), StatusCode::NO_CONTENT).into_response())
}

pub async fn me(ApiUser(who): ApiUser) -> Json<Value> {
    let actor = &who.actor;
    Json(json!({
        "id": actor.user,
        "login": actor.login,
        "full_name": actor.full_name,
        "kind": actor.kind,
        "tenant": { "slug": actor.tenant.slug, "name": actor.tenant.name },
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    #[serde(default)]
    expires_at: Option<String>,
}

pub async fn create_token(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let expires_at = body
        .expires_at
        .as_deref()
        .map(Timestamp::parse)
        .transpose()
        .map_err(|_| Error::invalid_field("expires_at", "must be a date and time (RFC 3339)"))?;
    let (token, secret) = auth::create_api_token(&app, &who.actor, &body.name, expires_at).await?;
    let mut body = json!(token);
    body["token"] = json!(secret);
    Ok((StatusCode::CREATED, Json(body)))
}

pub async fn list_tokens(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let tokens = auth::list_api_tokens(&app, &who.actor).await?;
    Ok(Json(json!({ "data": tokens })))
}

pub async fn revoke_token(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: ApiTokenId = id.parse().map_err(|_| Error::NotFound("token"))?;
    auth::revoke_api_token(&app, &who.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
