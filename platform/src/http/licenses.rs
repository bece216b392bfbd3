//! Portal licenses: the console's Licenses page (per configuration: used and available, who holds
//! them, moving a user to another license) and the same through the API.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    PeopleQuery,
    api::UsersQuery,
    error::{ApiError, PageError},
    extract::{ApiJson, ApiQuery, ApiUser, ConsoleUser, CsrfForm},
    flash::{self, Flash},
    render_page,
};
use crate::{
    app::App,
    licenses::{self, parse_license},
    users::UserId,
};

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/licenses", get(console_page))
        .route("/licenses/move", post(move_user))
        .route("/licenses/api-limit", post(save_api_limit))
        .route("/licenses/buy", post(buy))
        .route("/licenses/payment", post(payment))
}

pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<Arc<App>> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_licenses))
        .routes(routes!(api_holders))
        .routes(routes!(api_move))
        .routes(routes!(api_set_api_limit))
}

#[derive(Debug, Default, Deserialize)]
struct HoldersQuery {
    /// Whose holders to list (the first configuration the tenant runs unless given).
    license: Option<String>,
    q: Option<String>,
    after: Option<String>,
    from: Option<u64>,
    /// What was typed in the Buy form, shown again after a refusal (as text: a refused value is
    /// shown as it was).
    customer: Option<String>,
    partner: Option<String>,
    self_service_packs: Option<String>,
}

/// The Licenses page: every license the tenant runs with its use, and the holders of one.
async fn console_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    ApiQuery(query): ApiQuery<HoldersQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let overview = licenses::overview(&app, &who.actor).await?;
    let people = PeopleQuery {
        q: query.q,
        after: query.after,
        from: query.from,
    };
    let shown = match query.license.as_deref() {
        Some(text) => parse_license(text)?,
        None => overview
            .licenses
            .first()
            .map(|l| l.configuration)
            .unwrap_or(portico_tenants::Configuration::SelfService),
    };
    let holders = licenses::holders(&app, &who.actor, shown, &people.users()).await?;
    Ok(render_page(
        flash,
        "console/licenses.html",
        &who,
        context! {
            here => "licenses",
            overview => Serde(&overview),
            shown => shown.as_str(),
            shown_title => licenses::title(shown),
            holders => Serde(&holders.data),
            typed => context! {
                customer => query.customer,
                partner => query.partner,
                self_service_packs => query.self_service_packs,
            },
            ..people.place(holders.data.len(), holders.next_cursor.as_deref(), holders.count)
        },
    ))
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    license: String,
    /// The list the form was sent from, to return to.
    #[serde(default)]
    from_license: String,
}

async fn move_user(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Response {
    let outcome = async {
        let user: UserId = form
            .user
            .parse()
            .map_err(|_| crate::error::Error::NotFound("user"))?;
        let to = parse_license(&form.license)?;
        licenses::move_user(&app, &who.actor, user, to).await
    }
    .await;
    let to = parse_license(&form.license).map_or(String::new(), licenses::title);
    let back = match parse_license(&form.from_license) {
        Ok(license) => format!("/console/licenses?license={}", license.as_str()),
        Err(_) => "/console/licenses".to_owned(),
    };
    let done = outcome.as_ref().map_or(String::new(), |user| {
        crate::tr!(
            "licenses-moved",
            name = user.full_name.as_str(),
            license = to.as_str()
        )
    });
    flash::after(outcome, &back, &done)
}

#[derive(Debug, Deserialize)]
struct ApiLimitForm {
    #[serde(default)]
    api_calls_a_day: String,
}

async fn save_api_limit(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<ApiLimitForm>,
) -> Response {
    let outcome = async {
        let calls = super::whole_number("api_calls_a_day", &form.api_calls_a_day)?;
        licenses::set_api_calls_a_day(&app, &who.actor, u64::from(calls)).await
    }
    .await;
    flash::after(
        outcome,
        "/console/licenses",
        &crate::tr!("licenses-api-calls-saved"),
    )
}

#[derive(Debug, Deserialize, serde::Serialize)]
struct BuyForm {
    #[serde(default)]
    customer: String,
    #[serde(default)]
    partner: String,
    #[serde(default)]
    self_service_packs: String,
}

/// Buys licenses through the tenant's subscription (billing on).
async fn buy(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<BuyForm>,
) -> Response {
    let outcome = async {
        // A configuration the tenant does not run is not offered: none of it.
        let count = |field: &str, text: &str| match text.trim() {
            "" => Ok(0),
            text => super::whole_number(field, text).map(u64::from),
        };
        let order = crate::billing::Order {
            customer: count("customer", &form.customer)?,
            partner: count("partner", &form.partner)?,
            self_service_packs: count("self_service_packs", &form.self_service_packs)?,
        };
        crate::billing::buy(&app, &who.actor, order).await
    }
    .await;
    // Refused: back to the form with what was typed.
    let back = match &outcome {
        Ok(_) => "/console/licenses#billing".to_owned(),
        Err(_) => format!(
            "/console/licenses?{}#billing",
            serde_html_form::to_string(&form).unwrap_or_default()
        ),
    };
    flash::after(outcome, &back, &crate::tr!("billing-bought"))
}

/// A form that carries nothing but its CSRF token.
#[derive(Debug, Deserialize)]
struct NoFields {}

/// Opens Stripe's page for the tenant's card (which comes back to the Licenses page).
async fn payment(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
    CsrfForm(_): CsrfForm<NoFields>,
) -> Response {
    let back = format!(
        "{}/console/licenses",
        crate::domains::origin(&app.config, &who.actor.tenant)
    );
    // A page with the link, not a redirect: the console's CSP lets forms go to itself only.
    match crate::billing::payment_page(&app, &who.actor, &back).await {
        Ok(url) => render_page(
            flash,
            "console/billing_portal.html",
            &who,
            context! { here => "licenses", portal_url => url },
        ),
        Err(error) => flash::after(Err::<(), _>(error), "/console/licenses", ""),
    }
}

#[utoipa::path(
    get,
    path = "/licenses",
    tag = "licenses",
    operation_id = "licenses",
    summary = "The tenant's portal licenses",
    description = "Per configuration the tenant runs: licenses held by active portal users \
                   (`used`), how many may be held (`available`, null when not metered) and the \
                   list price per user and year; the active employees and the free self-service \
                   licenses they bring (min(10,000, 100 × employees)); what was bought. For those \
                   who manage portal users.",
    responses((status = 200, description = "The licenses", body = Value))
)]
async fn api_licenses(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(licenses::overview(&app, &who.actor).await?)))
}

#[utoipa::path(
    get,
    path = "/licenses/{license}/users",
    tag = "licenses",
    operation_id = "license_holders",
    summary = "The active portal users holding a license",
    params(("license" = String, Path, description = "`self-service`, `customer` or `partner`"), UsersQuery),
    responses((status = 200, description = "A page of users, with `next_cursor` and `count`", body = Value))
)]
async fn api_holders(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(license): Path<String>,
    ApiQuery(query): ApiQuery<UsersQuery>,
) -> Result<Json<Value>, ApiError> {
    let license = parse_license(&license)?;
    let page = licenses::holders(&app, &who.actor, license, &query.into()).await?;
    Ok(Json(json!(page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct MoveBody {
    /// `self-service`, `customer` or `partner`.
    license: String,
}

#[utoipa::path(
    put,
    path = "/users/{id}/license",
    tag = "licenses",
    operation_id = "move_user_license",
    summary = "Moves a portal user to another license",
    description = "Refused (409, saying which license is exhausted and how many are in use) when \
                   no license of that configuration is free.",
    params(("id" = String, Path, description = "The user's id")),
    request_body = MoveBody,
    responses((status = 200, description = "The user, holding the new license", body = Value))
)]
async fn api_move(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveBody>,
) -> Result<Json<Value>, ApiError> {
    let id: UserId = id
        .parse()
        .map_err(|_| crate::error::Error::NotFound("user"))?;
    let license = parse_license(&body.license)?;
    let user = licenses::move_user(&app, &who.actor, id, license).await?;
    Ok(Json(json!(user)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ApiLimitBody {
    /// API calls a day each portal user may make (1 to the operator's ceiling).
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "crate::auth::security::whole_number")]
    api_calls_a_day: u32,
}

#[utoipa::path(
    put,
    path = "/licenses/api-limit",
    tag = "licenses",
    operation_id = "set_api_limit",
    summary = "Sets the daily API limit of portal users",
    description = "How many calls of this API each portal user may make a day (counted in the \
                   tenant's time zone); at most the operator's ceiling (`api_calls_ceiling` of \
                   `GET /licenses`).",
    request_body = ApiLimitBody,
    responses((status = 200, description = "Saved", body = Value))
)]
async fn api_set_api_limit(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<ApiLimitBody>,
) -> Result<Json<Value>, ApiError> {
    let calls =
        licenses::set_api_calls_a_day(&app, &who.actor, u64::from(body.api_calls_a_day)).await?;
    Ok(Json(json!({ "api_calls_a_day": calls })))
}
