//! Static assets embedded in the binary. File names carry their version, so they can be cached
//! for a long time.

use std::sync::Arc;

use axum::{
    Router,
    extract::Path,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::app::App;

const ASSETS: &[(&str, &str, &str)] = &[
    (
        "portico-11.css",
        "text/css; charset=utf-8",
        include_str!("../../static/portico-11.css"),
    ),
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/htmx-2.0.11.min.js"),
    ),
    (
        "portico-app-5.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/portico-app-5.js"),
    ),
    (
        "manifest.webmanifest",
        "application/manifest+json",
        include_str!("../../static/manifest.webmanifest"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../static/icon.svg"),
    ),
];

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/static/{file}", get(asset))
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=604800, immutable"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
