//! The partner program through the API (the portal's page is in `portal`).

use std::sync::Arc;

use axum::{Json, extract::State};
use serde_json::{Value, json};

use super::{error::ApiError, extract::ApiUser};
use crate::app::App;

pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<Arc<App>> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new().routes(routes!(api_program))
}

#[utoipa::path(
    get,
    path = "/partner-program",
    tag = "partners",
    operation_id = "partner_program",
    summary = "The caller's partner program",
    description = "The active partnership of the caller's partner organization: its level, points, \
                   the next level's conditions with the partner's progress, benefits, figures of \
                   the period, trainings and history. `data` is null when the organization has \
                   no active partnership.",
    responses((status = 200, description = "The program, or null", body = Value))
)]
async fn api_program(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let program = crate::sections::partners::program_page(&app, &who.actor).await?;
    Ok(Json(json!({ "data": program })))
}
