//! Operator endpoints, answered only on the platform's own host (never on a tenant's):
//! liveness, readiness (the database answers), Prometheus metrics, and the operator API (each
//! tenant's usage) for holders of the operator token, and Stripe's webhooks.

use std::{sync::Arc, sync::OnceLock};

use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde_json::json;

use super::error::ApiError;
use crate::{app::App, auth::secret, error::Error};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route(
            "/metrics",
            get(|| async { install_metrics_recorder().render() }),
        )
        .route(super::middleware::BILLING_WEBHOOK, post(stripe_webhook))
        .route("/operator/v1/usage", get(all_usage))
        .route("/operator/v1/tenants/{slug}/usage", get(tenant_usage))
}

/// The refusal of a request without the operator token (`Authorization: Bearer ...`); without
/// a configured token the operator API does not exist.
fn refuse_non_operator(app: &App, headers: &HeaderMap) -> Option<Response> {
    let Some(token) = &app.config.operator_token else {
        return Some(StatusCode::NOT_FOUND.into_response());
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let holder = secret::same(&secret::digest(presented), &secret::digest(token.expose()));
    (!holder).then(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "The operator API needs the operator token (Authorization: Bearer ...).",
        )
        .into_response()
    })
}

/// Every tenant's configurations, licenses, API calls of the last days and storage.
async fn all_usage(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(refused) = refuse_non_operator(&app, &headers) {
        return refused;
    }
    match crate::usage::all(&app).await {
        Ok(usage) => Json(json!({ "data": usage })).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// One tenant's usage.
async fn tenant_usage(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    if let Some(refused) = refuse_non_operator(&app, &headers) {
        return refused;
    }
    let outcome = async {
        let slug = portico_tenants::Slug::parse(&slug).map_err(|_| Error::NotFound("tenant"))?;
        let tenant = crate::tenancy::find(&app, &slug)
            .await?
            .ok_or(Error::NotFound("tenant"))?;
        crate::usage::of_tenant(&app, &tenant).await
    }
    .await;
    match outcome {
        Ok(usage) => Json(usage).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// Stripe's webhook deliveries: verified, handled once each (a repeated delivery is acknowledged
/// and changes nothing, so Stripe stops sending it). Without billing this endpoint does not exist.
async fn stripe_webhook(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    match crate::billing::receive(&app, signature, &body).await {
        Ok(delivery) => Json(json!({ "received": true, "delivery": delivery })).into_response(),
        Err(error) => ApiError::from(error).into_response(),
    }
}

async fn readyz(State(app): State<Arc<App>>) -> (StatusCode, &'static str) {
    match app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(error) => {
            tracing::warn!(%error, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// The process-wide metrics recorder; installed once, before the first request is counted.
pub fn install_metrics_recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .install_recorder()
            .expect("no other metrics recorder is installed")
    })
}
