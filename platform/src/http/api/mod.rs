//! The JSON API, `/api/v1`. Errors are `{"error": {"code", "message", "fields"?}}`.

mod access;
mod auth;
mod records;
mod users;

use std::sync::Arc;

use axum::{
    Router,
    routing::{delete, get, patch, post, put},
};

use crate::app::App;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route(
            "/auth/tokens",
            get(auth::list_tokens).post(auth::create_token),
        )
        .route("/auth/tokens/{id}", delete(auth::revoke_token))
        .route("/me", get(auth::me))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).patch(users::update))
        .route("/roles", get(access::roles).post(access::create_role))
        .route(
            "/roles/{id}",
            patch(access::rename_role).delete(access::delete_role),
        )
        .route(
            "/roles/{id}/members/{user}",
            put(access::add_member).delete(access::remove_member),
        )
        .route("/access/portal-objects", get(access::portal_objects))
        .route(
            "/access/portal-objects/{object}",
            put(access::set_portal_object),
        )
        .route("/access/objects/{object}", get(access::object_permissions))
        .route("/access/objects/{object}/grants", put(access::set_grant))
        .route("/access/objects/{object}/rules", post(access::add_rule))
        .route("/access/objects/{object}/columns", put(access::set_column))
        .route("/access/rules/{id}", delete(access::delete_rule))
        .route("/access/operations", get(access::operations))
        .route("/access/operations/{code}", put(access::set_operation))
        .route("/access/explain", get(access::explain))
        .route("/access/audit", get(access::audit))
        .route(
            "/organizations",
            get(access::organizations).post(access::create_organization),
        )
        .route(
            "/organizations/{id}",
            get(access::organization).patch(access::update_profile),
        )
        .route("/organizations/{id}/members", post(access::add_members))
        .route(
            "/organizations/{id}/members/{user}",
            patch(access::change_member),
        )
        .route("/organizations/{id}/addresses", post(access::add_address))
        .route(
            "/organizations/{id}/addresses/{address}",
            patch(access::update_address).delete(access::delete_address),
        )
        .route("/objects", get(records::objects))
        .route("/objects/{object}", get(records::object))
        .route(
            "/objects/{object}/records",
            get(records::list).post(records::create),
        )
        .route(
            "/objects/{object}/records/{id}",
            get(records::get)
                .patch(records::update)
                .delete(records::delete),
        )
        .route(
            "/objects/{object}/records/{id}/rights",
            get(records::rights).post(records::share),
        )
        .route(
            "/objects/{object}/records/{id}/rights/{grantee}",
            delete(records::unshare),
        )
        .route("/openapi.json", get(openapi))
        .merge(crate::http::support::api_routes())
        .merge(crate::http::knowledge::api_routes())
        .merge(crate::http::sections::api_routes())
}

const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}
