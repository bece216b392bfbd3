//! The partner program through the API (the portal's page is in `portal`), and the channel
//! manager's console page: deals waiting for a decision, every partner's figures, time limits.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::State,
    response::Response,
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    error::{ApiError, PageError},
    extract::{ApiJson, ApiUser, ConsoleUser, CsrfForm},
    flash::{self, Flash},
    render_page,
};
use crate::{
    app::App,
    sections::partners::{self, settings::PartnerSettings},
};

pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<Arc<App>> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_program))
        .routes(routes!(api_settings, api_set_settings))
        .routes(routes!(api_channel))
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
    let program = partners::program_page(&app, &who.actor).await?;
    Ok(Json(json!({ "data": program })))
}

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/partners", get(console_page))
        .route("/partners/settings", post(save_settings))
}

/// The channel manager's page: the deals waiting for a decision (the most urgent first), every
/// partner's figures, and the channel's time limits.
async fn console_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let settings = partners::settings::get(&app, &who.actor).await?;
    let overview = partners::channel(&app, &who.actor).await?;
    Ok(render_page(
        flash,
        "console/partners.html",
        &who,
        context! { here => "partners", settings => Serde(settings), overview => Serde(overview) },
    ))
}

#[derive(Debug, Deserialize)]
struct SettingsForm {
    #[serde(default)]
    deal_review_hours: String,
    #[serde(default)]
    deal_protection_days: String,
    #[serde(default)]
    lead_offer_hours: String,
}

async fn save_settings(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Response {
    let whole = super::whole_number;
    let outcome = async {
        let settings = PartnerSettings {
            deal_review_hours: whole("deal_review_hours", &form.deal_review_hours)?,
            deal_protection_days: whole("deal_protection_days", &form.deal_protection_days)?,
            lead_offer_hours: whole("lead_offer_hours", &form.lead_offer_hours)?,
        };
        partners::settings::set(&app, &who.actor, settings).await
    }
    .await;
    flash::after(
        outcome,
        "/console/partners",
        &crate::tr!("partners-settings-saved"),
    )
}

#[utoipa::path(
    get,
    path = "/partner-settings",
    tag = "partners",
    operation_id = "partner_settings",
    summary = "The channel's time limits",
    description = "How many hours employees have to decide a deal registration, how many days an \
                   approved one protects the deal, and how many hours a partner has to answer a \
                   lead offered to it. For employees who may change partnerships.",
    responses((status = 200, description = "The settings", body = PartnerSettings))
)]
async fn api_settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<PartnerSettings>, ApiError> {
    Ok(Json(partners::settings::get(&app, &who.actor).await?))
}

#[utoipa::path(
    put,
    path = "/partner-settings",
    tag = "partners",
    operation_id = "set_partner_settings",
    summary = "Change the channel's time limits",
    request_body = PartnerSettings,
    responses((status = 200, description = "Saved", body = PartnerSettings))
)]
async fn api_set_settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(settings): ApiJson<PartnerSettings>,
) -> Result<Json<PartnerSettings>, ApiError> {
    partners::settings::set(&app, &who.actor, settings).await?;
    Ok(Json(settings))
}

#[utoipa::path(
    get,
    path = "/partner-channel",
    tag = "partners",
    operation_id = "partner_channel",
    summary = "Every partner's figures and the deals waiting for a decision",
    description = "For employees: the deal registrations under review, the most urgent first \
                   (with their deadline and whether they conflict with another partner's claim), \
                   and every partnership with its level, points and figures of the period.",
    responses((status = 200, description = "The channel", body = Value))
)]
async fn api_channel(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let channel = partners::channel(&app, &who.actor).await?;
    Ok(Json(json!({ "data": channel })))
}
