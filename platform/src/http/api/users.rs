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
    auth::security::{self, SecuritySettings},
    error::Error,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiQuery, ApiUser},
    },
    mail,
    users::{self, NewUser},
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Part of a login or name, any case.
    q: Option<String>,
    /// The `next_cursor` of the previous page.
    after: Option<String>,
    /// Users on the page (at most 200; 50 unless given).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

impl From<UsersQuery> for users::UserQuery {
    fn from(query: UsersQuery) -> Self {
        Self {
            search: query.q,
            after: query.after,
            limit: query.limit,
        }
    }
}

#[utoipa::path(
    get,
    path = "/users",
    tag = "users",
    operation_id = "list_users",
    summary = "Lists users (by login, searched, paged)",
    params(UsersQuery),
    responses((status = 200, description = "A page of the users the caller may manage, with direct roles, `next_cursor` and `count`", body = Value))
)]
pub async fn list(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiQuery(query): ApiQuery<UsersQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = users::page(&app, &who.actor, &query.into()).await?;
    Ok(Json(json!(page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    login: String,
    full_name: String,
    kind: String,
    /// Send the invitation (with the setup link) by e-mail at once.
    #[serde(default)]
    invite: bool,
    /// The portal license an external user takes (`self-service`, `customer`, `partner`);
    /// unless given, the one they take by default.
    license: Option<String>,
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
    let license = body
        .license
        .as_deref()
        .map(crate::licenses::parse_license)
        .transpose()?;
    let created = users::create(&app, &who.actor, new, body.invite, license).await?;
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
    /// Deactivates (false) or reactivates (true) the user.
    #[serde(default)]
    active: Option<bool>,
    /// The portal section the user lands on after signing in, by its menu code (`cases`,
    /// `knowledge`, a custom section's object); empty: the main page.
    #[serde(default)]
    #[schema(max_length = 100)]
    start_page: Option<String>,
}

#[utoipa::path(
    patch,
    path = "/users/{id}",
    tag = "users",
    operation_id = "update_user",
    summary = "Deactivates or reactivates a user, or sets their portal start page",
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
    if let Some(start_page) = &body.start_page {
        users::set_start_page(&app, &who.actor, id, start_page).await?;
    }
    if let Some(active) = body.active {
        users::set_active(&app, &who.actor, id, active).await?;
    }
    Ok(Json(json!(users::get(&app, &who.actor, id).await?.user)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationRequest {
    /// Ids of the users to invite (at most 500).
    users: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/users/invitations",
    tag = "users",
    operation_id = "invite_users",
    summary = "Sends invitations by e-mail; each user's earlier link stops working",
    request_body = InvitationRequest,
    responses((status = 200, description = "Who was invited, and who was not and why", body = Value))
)]
pub async fn invite(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<InvitationRequest>,
) -> Result<Json<Value>, ApiError> {
    let ids = body
        .users
        .iter()
        .map(|id| id.parse().map_err(|_| Error::NotFound("user")))
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = users::send_invitations(&app, &who.actor, &ids).await?;
    let refused: Vec<Value> = outcome
        .refused
        .iter()
        .map(|(id, reason)| json!({ "id": id, "reason": reason }))
        .collect();
    Ok(Json(json!({ "sent": outcome.sent, "refused": refused })))
}

#[utoipa::path(
    post,
    path = "/users/{id}/recovery",
    tag = "users",
    operation_id = "send_recovery_link",
    summary = "Sends the user a password recovery link by e-mail",
    responses((status = 204, description = "Sent; the user's earlier recovery link stops working"))
)]
pub async fn send_recovery_link(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id.parse().map_err(|_| Error::NotFound("user"))?;
    users::send_recovery_link(&app, &who.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/settings/security",
    tag = "users",
    operation_id = "security_settings",
    summary = "The tenant's sign-in security settings",
    responses((status = 200, description = "The settings", body = SecuritySettings))
)]
pub async fn security(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<SecuritySettings>, ApiError> {
    Ok(Json(security::get(&app, &who.actor).await?))
}

#[utoipa::path(
    put,
    path = "/settings/security",
    tag = "users",
    operation_id = "set_security_settings",
    summary = "Changes the tenant's sign-in security settings",
    request_body = SecuritySettings,
    responses((status = 200, description = "The settings", body = SecuritySettings))
)]
pub async fn set_security(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<SecuritySettings>,
) -> Result<Json<SecuritySettings>, ApiError> {
    security::set(&app, &who.actor, body).await?;
    Ok(Json(body))
}

/// The tenant's mail settings.
#[derive(Debug, serde::Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// Language of mail to people whose contact names none (`en` or `de`).
    language: String,
    /// The sender's name; empty for the platform's.
    sender_name: String,
    /// The sender's address, in a domain the operator allows; empty for the platform's.
    sender_address: String,
}

async fn mail_settings(app: &App, actor: &crate::access::Actor) -> Result<MailSettings, Error> {
    let sender = mail::sender(app, actor).await?;
    Ok(MailSettings {
        language: mail::tenant_default_language(actor)?,
        sender_name: sender.name,
        sender_address: sender.address,
    })
}

#[utoipa::path(
    get,
    path = "/settings/mail",
    tag = "users",
    operation_id = "mail_settings",
    summary = "The tenant's mail settings: default language and sender",
    responses((status = 200, description = "The settings", body = MailSettings))
)]
pub async fn mail(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<MailSettings>, ApiError> {
    Ok(Json(mail_settings(&app, &who.actor).await?))
}

#[utoipa::path(
    put,
    path = "/settings/mail",
    tag = "users",
    operation_id = "set_mail_settings",
    summary = "Changes the tenant's mail settings",
    request_body = MailSettings,
    responses((status = 200, description = "The settings", body = MailSettings))
)]
pub async fn set_mail(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<MailSettings>,
) -> Result<Json<MailSettings>, ApiError> {
    mail::parse_language(&body.language)?;
    mail::set_sender(
        &app,
        &who.actor,
        mail::Sender {
            name: body.sender_name,
            address: body.sender_address,
        },
    )
    .await?;
    mail::set_default_language(&app, &who.actor, &body.language).await?;
    Ok(Json(mail_settings(&app, &who.actor).await?))
}
