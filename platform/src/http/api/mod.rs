//! The JSON API, `/api/v1`. Errors are `{"error": {"code", "message", "fields"?}}`. Every route
//! is registered with `routes!`, which takes its method and path from the handler's
//! `#[utoipa::path]`: the OpenAPI document (`document`) is made from the same registrations.

mod access;
mod auth;
pub(super) mod document;
mod domain;
mod folders;
mod imports;
mod main_page;
mod notifications;
mod profile;
mod records;
mod regional;
mod sso;
mod users;

pub(super) use users::UsersQuery;

use std::sync::Arc;

use axum::{Json, response::IntoResponse};
use serde_json::Value;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{app::App, http::middleware::Identity};

pub fn routes() -> axum::Router<Arc<App>> {
    let (router, api) = OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::recovery))
        .routes(routes!(auth::register))
        .routes(routes!(auth::confirm_registration))
        .routes(routes!(auth::list_tokens, auth::create_token))
        .routes(routes!(auth::revoke_token))
        .routes(routes!(auth::me))
        .routes(routes!(regional::own, regional::set_own))
        .routes(routes!(profile::own, profile::update_own))
        .routes(routes!(profile::services))
        .routes(routes!(
            profile::photo,
            profile::set_photo,
            profile::remove_photo
        ))
        .routes(routes!(profile::settings, profile::set_settings))
        .routes(routes!(regional::defaults, regional::set_defaults))
        .routes(routes!(domain::get, domain::claim, domain::remove))
        .routes(routes!(domain::check))
        .routes(routes!(main_page::view))
        .routes(routes!(main_page::design, main_page::save))
        .routes(routes!(main_page::publish))
        .routes(routes!(main_page::discard))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update))
        .routes(routes!(users::invite))
        .routes(routes!(imports::upload))
        .routes(routes!(imports::preview, imports::run))
        .routes(routes!(imports::report))
        .routes(routes!(users::send_recovery_link))
        .routes(routes!(users::security, users::set_security))
        .routes(routes!(users::mail, users::set_mail))
        .routes(routes!(sso::list, sso::create))
        .routes(routes!(sso::get, sso::update, sso::delete))
        .routes(routes!(sso::settings, sso::set_settings))
        .routes(routes!(
            sso::of_organization,
            sso::set_organization,
            sso::remove_organization
        ))
        .routes(routes!(access::roles, access::create_role))
        .routes(routes!(access::rename_role, access::delete_role))
        .routes(routes!(access::add_member, access::remove_member))
        .routes(routes!(access::portal_objects))
        .routes(routes!(access::set_portal_object))
        .routes(routes!(access::object_permissions))
        .routes(routes!(access::set_grant))
        .routes(routes!(access::add_rule))
        .routes(routes!(access::set_column))
        .routes(routes!(access::delete_rule))
        .routes(routes!(access::operations))
        .routes(routes!(access::set_operation))
        .routes(routes!(access::explain))
        .routes(routes!(access::audit))
        .routes(routes!(access::organizations, access::create_organization))
        .routes(routes!(access::organization, access::update_profile))
        .routes(routes!(access::add_members))
        .routes(routes!(access::set_registration_domain))
        .routes(routes!(access::change_member))
        .routes(routes!(access::add_address))
        .routes(routes!(access::update_address, access::delete_address))
        .routes(routes!(records::objects))
        .routes(routes!(records::object))
        .routes(routes!(records::list, records::create))
        .routes(routes!(records::export))
        .routes(routes!(records::columns, records::choose_columns))
        .routes(routes!(records::tags))
        .routes(routes!(records::files, records::attach_file))
        .routes(routes!(records::add_tag, records::remove_tag))
        .routes(routes!(folders::list, folders::create))
        .routes(routes!(folders::delete))
        .routes(routes!(folders::put_record, folders::remove_record))
        .routes(routes!(records::get, records::update, records::delete))
        .routes(routes!(records::rights, records::share))
        .routes(routes!(records::unshare))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::unread))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(
            notifications::settings,
            notifications::set_settings
        ))
        .routes(routes!(notifications::feed))
        .routes(routes!(notifications::comment))
        .routes(routes!(
            notifications::change_comment,
            notifications::delete_comment
        ))
        .routes(routes!(notifications::like, notifications::unlike))
        .routes(routes!(
            notifications::like_comment,
            notifications::unlike_comment
        ))
        .routes(routes!(notifications::follow, notifications::unfollow))
        .routes(routes!(notifications::mentionable))
        .routes(routes!(openapi))
        .merge(crate::http::support::api_routes())
        .merge(crate::http::knowledge::api_routes())
        .merge(crate::http::sections::api_routes())
        .merge(crate::http::partners::api_routes())
        .merge(crate::http::licenses::api_routes())
        .split_for_parts();
    let document = Arc::new(document::finish(
        serde_json::to_value(&api).expect("the OpenAPI document serializes"),
    ));
    router.layer(axum::Extension(Document(document)))
}

/// The document the annotations and `document::finish` made, built once with the router.
#[derive(Debug, Clone)]
struct Document(Arc<Value>);

/// This document, with the records of the objects the caller may read.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "api",
    operation_id = "openapi",
    summary = "This API's OpenAPI document",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Value))
)]
async fn openapi(
    axum::Extension(Document(document)): axum::Extension<Document>,
    identity: Option<axum::Extension<Identity>>,
) -> axum::response::Response {
    let who = identity.and_then(|axum::Extension(Identity(who))| who);
    let Some(who) = who else {
        return Json(document.as_ref()).into_response();
    };
    Json(document::for_actor(
        document.as_ref().clone(),
        &who.actor,
        &who.actor.catalog,
    ))
    .into_response()
}
