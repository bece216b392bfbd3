//! The tenant's own domain: claiming it, checking its DNS record, giving it up (for holders of
//! "portal main page setup").

use std::sync::Arc;

use axum::{Json, extract::State};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    app::App,
    domains::{self, DomainCheck, OwnDomain},
    http::{
        error::ApiError,
        extract::{ApiJson, ApiUser},
    },
};

type Answer<T> = Result<Json<T>, ApiError>;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainClaim {
    /// A host name such as `support.example.com`.
    #[schema(max_length = 253)]
    domain: String,
}

#[utoipa::path(
    get,
    path = "/settings/domain",
    tag = "tenant",
    operation_id = "own_domain",
    summary = "The portal's own domain, and the DNS record that proves it while it is not proven",
    responses((status = 200, description = "The domain", body = OwnDomain))
)]
pub async fn get(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<OwnDomain> {
    Ok(Json(domains::own(&app, &who.actor).await?))
}

#[utoipa::path(
    put,
    path = "/settings/domain",
    tag = "tenant",
    operation_id = "claim_domain",
    summary = "Claims a domain for the portal; it answers there once its TXT record is found",
    request_body = DomainClaim,
    responses((status = 200, description = "The domain, with the record to create", body = OwnDomain))
)]
pub async fn claim(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(claim): ApiJson<DomainClaim>,
) -> Answer<OwnDomain> {
    domains::claim(&app, &who.actor, &claim.domain).await?;
    Ok(Json(domains::own(&app, &who.actor).await?))
}

#[utoipa::path(
    delete,
    path = "/settings/domain",
    tag = "tenant",
    operation_id = "remove_domain",
    summary = "Gives up the portal's own domain: it answers at its subdomain only",
    responses((status = 200, description = "The domain (none now)", body = OwnDomain))
)]
pub async fn remove(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<OwnDomain> {
    domains::remove(&app, &who.actor).await?;
    Ok(Json(domains::own(&app, &who.actor).await?))
}

#[utoipa::path(
    post,
    path = "/settings/domain/check",
    tag = "tenant",
    operation_id = "check_domain",
    summary = "Looks up the domain's TXT record now; when it holds the token, the portal answers there",
    responses((status = 200, description = "What the check found", body = DomainCheck))
)]
pub async fn check(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<DomainCheck> {
    let checked = domains::check_own(&app, &who.actor).await?;
    Ok(Json(DomainCheck {
        message: checked.explained(),
        checked,
        domain: domains::own(&app, &who.actor).await?,
    }))
}
