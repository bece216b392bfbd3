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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Login {
    login: String,
    password: String,
}

#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    operation_id = "login",
    summary = "Signs in with login and password",
    request_body = Login,
    responses((status = 200, description = "Signed in; the session cookie is set", body = Value))
)]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecoveryRequest {
    /// The e-mail address the user signs in with.
    login: String,
}

#[utoipa::path(
    post,
    path = "/auth/recovery",
    tag = "auth",
    operation_id = "request_recovery",
    summary = "Asks for a password recovery link by e-mail",
    description = "The same answer whether or not the address has an account; throttled per address and per login.",
    request_body = RecoveryRequest,
    responses((status = 202, description = "If the address has an account, a link is on its way", body = Value))
)]
pub async fn recovery(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    client: ClientAddr,
    ApiJson(body): ApiJson<RecoveryRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    auth::password_links::request_recovery(&app, &tenant, &body.login, client.0).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(
            json!({ "message": "If an account uses this address, a link to choose a new password is on its way." }),
        ),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationRequest {
    full_name: String,
    /// The e-mail address to sign in with; it is confirmed by e-mail.
    login: String,
    /// At least 10 characters, not the address.
    password: String,
}

#[utoipa::path(
    post,
    path = "/auth/register",
    tag = "auth",
    operation_id = "register",
    summary = "Registers on the portal, where the tenant allows it",
    description = "The account opens when the address is confirmed with the e-mailed link. The same answer whether or not the address has an account (its owner is e-mailed instead). 404 when the tenant does not allow registration.",
    request_body = RegistrationRequest,
    responses((status = 202, description = "A confirmation e-mail is on its way", body = Value))
)]
pub async fn register(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    client: ClientAddr,
    ApiJson(body): ApiJson<RegistrationRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let application = auth::registration::Application {
        full_name: body.full_name,
        login: body.login,
        confirm_password: body.password.clone(),
        password: body.password,
        website: String::new(),
    };
    auth::registration::register(&app, &tenant, &application, client.0).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "message": "A link to confirm the address is on its way to it." })),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// The token of the link in the confirmation e-mail.
    token: String,
}

#[utoipa::path(
    post,
    path = "/auth/register/confirm",
    tag = "auth",
    operation_id = "confirm_registration",
    summary = "Confirms a registration: the account opens",
    request_body = Confirmation,
    responses((status = 201, description = "The new user; sign in next", body = Value))
)]
pub async fn confirm_registration(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    ApiJson(body): ApiJson<Confirmation>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let user = auth::registration::confirm(&app, &tenant, &body.token).await?;
    Ok((StatusCode::CREATED, Json(json!(user))))
}

#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    operation_id = "logout",
    summary = "Ends the current session",
    responses((status = 204, description = "Signed out"))
)]
pub async fn logout(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    auth::sign_out(&app, &who).await?;
    Ok((jar.remove(expired_session_cookie()), StatusCode::NO_CONTENT).into_response())
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "auth",
    operation_id = "me",
    summary = "Who is asking",
    responses((status = 200, description = "The caller", body = Value))
)]
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
    #[serde(default)]
    expires_at: Option<String>,
}

#[utoipa::path(
    post,
    path = "/auth/tokens",
    tag = "auth",
    operation_id = "create_token",
    summary = "Creates an API token",
    request_body = NewToken,
    responses((status = 201, description = "The token; its secret is shown this once", body = Value))
)]
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

#[utoipa::path(
    get,
    path = "/auth/tokens",
    tag = "auth",
    operation_id = "list_tokens",
    summary = "Lists the caller's API tokens",
    responses((status = 200, description = "The caller's tokens, without secrets", body = Value))
)]
pub async fn list_tokens(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let tokens = auth::list_api_tokens(&app, &who.actor).await?;
    Ok(Json(json!({ "data": tokens })))
}

#[utoipa::path(
    delete,
    path = "/auth/tokens/{id}",
    tag = "auth",
    operation_id = "revoke_token",
    summary = "Revokes one of the caller's API tokens",
    responses((status = 204, description = "Revoked"))
)]
pub async fn revoke_token(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: ApiTokenId = id.parse().map_err(|_| Error::NotFound("token"))?;
    auth::revoke_api_token(&app, &who.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
