//! Single sign-on in the API: the tenant's identity providers and password choices (for those
//! who manage employees), and an organization's own provider (for its administrators).

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};

use crate::{
    access::RoleId,
    app::App,
    auth::sso::{self, OrganizationSso, Provider, ProviderInput, SsoSettings},
    error::Error,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiUser},
    },
};

type Answer<T> = Result<Json<T>, ApiError>;

#[utoipa::path(
    get,
    path = "/sso/providers",
    tag = "sso",
    operation_id = "list_identity_providers",
    summary = "Lists the tenant's identity providers (organizations' included)",
    responses((status = 200, description = "The providers (never their client secrets)", body = Vec<Provider>))
)]
pub async fn list(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<Vec<Provider>> {
    Ok(Json(sso::list(&app, &who.actor).await?))
}

#[utoipa::path(
    post,
    path = "/sso/providers",
    tag = "sso",
    operation_id = "create_identity_provider",
    summary = "Adds an OpenID Connect provider (its discovery document must answer)",
    request_body = ProviderInput,
    responses((status = 201, description = "The provider", body = Provider))
)]
pub async fn create(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<ProviderInput>,
) -> Result<(StatusCode, Json<Provider>), ApiError> {
    let provider = sso::create(&app, &who.actor, body).await?;
    Ok((StatusCode::CREATED, Json(provider)))
}

#[utoipa::path(
    get,
    path = "/sso/providers/{id}",
    tag = "sso",
    operation_id = "get_identity_provider",
    summary = "One identity provider",
    responses((status = 200, description = "The provider", body = Provider))
)]
pub async fn get(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Answer<Provider> {
    Ok(Json(sso::get(&app, &who.actor, &id).await?))
}

#[utoipa::path(
    put,
    path = "/sso/providers/{id}",
    tag = "sso",
    operation_id = "update_identity_provider",
    summary = "Changes an identity provider (its audience and owner stay; no secret keeps the stored one)",
    request_body = ProviderInput,
    responses((status = 200, description = "The provider", body = Provider))
)]
pub async fn update(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProviderInput>,
) -> Answer<Provider> {
    Ok(Json(sso::update(&app, &who.actor, &id, body).await?))
}

#[utoipa::path(
    delete,
    path = "/sso/providers/{id}",
    tag = "sso",
    operation_id = "delete_identity_provider",
    summary = "Removes an identity provider (an organization's too)",
    responses((status = 204, description = "Removed"))
)]
pub async fn delete(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    sso::delete(&app, &who.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/settings/sso",
    tag = "sso",
    operation_id = "sso_settings",
    summary = "Whether passwords work beside the providers, and whether organizations may connect theirs",
    responses((status = 200, description = "The settings", body = SsoSettings))
)]
pub async fn settings(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<SsoSettings> {
    Ok(Json(sso::settings(&app, &who.actor).await?))
}

#[utoipa::path(
    put,
    path = "/settings/sso",
    tag = "sso",
    operation_id = "set_sso_settings",
    summary = "Changes the single sign-on settings (passwords go off only while a provider signs those people in)",
    request_body = SsoSettings,
    responses((status = 200, description = "The settings", body = SsoSettings))
)]
pub async fn set_settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<SsoSettings>,
) -> Answer<SsoSettings> {
    sso::set_settings(&app, &who.actor, body).await?;
    Ok(Json(body))
}

fn organization_id(id: &str) -> Result<RoleId, Error> {
    id.parse().map_err(|_| Error::NotFound("organization"))
}

#[utoipa::path(
    get,
    path = "/organizations/{id}/sso",
    tag = "sso",
    operation_id = "organization_sso",
    summary = "The organization's own identity provider, for its administrators",
    responses((status = 200, description = "Whether it may have one, its domain, and the provider", body = OrganizationSso))
)]
pub async fn of_organization(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Answer<OrganizationSso> {
    let org = organization_id(&id)?;
    Ok(Json(sso::of_organization(&app, &who.actor, org).await?))
}

#[utoipa::path(
    put,
    path = "/organizations/{id}/sso",
    tag = "sso",
    operation_id = "set_organization_sso",
    summary = "Connects or changes the organization's own provider, for its verified e-mail domain",
    request_body = ProviderInput,
    responses((status = 200, description = "The provider", body = Provider))
)]
pub async fn set_organization(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProviderInput>,
) -> Answer<Provider> {
    let org = organization_id(&id)?;
    Ok(Json(
        sso::set_organization_provider(&app, &who.actor, org, body).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/organizations/{id}/sso",
    tag = "sso",
    operation_id = "remove_organization_sso",
    summary = "Removes the organization's own provider",
    responses((status = 204, description = "Removed"))
)]
pub async fn remove_organization(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let org = organization_id(&id)?;
    sso::remove_organization_provider(&app, &who.actor, org).await?;
    Ok(StatusCode::NO_CONTENT)
}
