//! Custom sections on the web: the console's Sections page (upload, upgrade, roll back, disable,
//! uninstall, purge) and the same under `/api/v1/sections`.

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine as _;
use minijinja::{context, value::Serde};
use serde::Deserialize;
use serde_json::{Value, json};

use super::render_page as render;
use super::{
    error::{ApiError, PageError},
    extract::{ApiJson, ApiQuery, ApiUser, ConsoleUser, CsrfForm, CsrfMultipart, PortalUser},
    flash::{self, Flash},
};
use crate::{
    access::Actor, app::App, error::Error, plugin_host::PluginPackage, sections::installed,
};

/// Largest upload of a package through the API: a 10 MiB component as base64, and the manifest.
const MAX_PACKAGE_JSON: usize = 16 << 20;

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/sections",
            get(console_list)
                .post(console_upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/sections/{code}/settings", post(console_settings))
        .route("/sections/{code}/{action}", post(console_action))
}

#[derive(Debug, Deserialize)]
struct SettingsForm {
    settings: String,
}

async fn console_settings(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Response {
    flash::after(
        installed::set_settings(&app, &who.actor, &code, &form.settings).await,
        "/console/sections",
        &crate::tr!("console-settings-saved"),
    )
}

/// The portal's and the console's: a section's icon.
pub fn icon_routes() -> Router<Arc<App>> {
    Router::new().route("/sections/{code}/icon", get(icon))
}

/// An uploaded icon, served so that it can only ever be a picture: a sandboxing policy (an SVG
/// opened on its own runs no script), no sniffing.
async fn icon(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let bytes = installed::icon(&app, &who.actor, &code).await?;
    let content_type = if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "image/svg+xml"
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        bytes,
    )
        .into_response())
}

pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<Arc<App>> {
    use utoipa_axum::routes;
    let (schemas, paths, install) = routes!(api_list, api_install);
    utoipa_axum::router::OpenApiRouter::new()
        .routes((
            schemas,
            paths,
            install.layer(DefaultBodyLimit::max(MAX_PACKAGE_JSON)),
        ))
        .routes(routes!(api_uninstall))
        .routes(routes!(api_settings, api_set_settings))
        .routes(routes!(api_action))
        .routes(routes!(api_record_actions))
        .routes(routes!(api_record_action))
        .routes(routes!(api_record_history))
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}/actions",
    tag = "records",
    operation_id = "list_record_actions",
    summary = "Actions on a record",
    responses((status = 200, description = "The actions the caller may take", body = Value))
)]
async fn api_record_actions(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let found = crate::sections::actions::available(&app, &who.actor, &object, &id).await?;
    Ok(Json(json!({ "data": found })))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    #[serde(default)]
    comment: Option<String>,
}

#[utoipa::path(
    post,
    path = "/objects/{object}/records/{id}/actions/{action}",
    tag = "records",
    operation_id = "record_action",
    summary = "Takes an action on a record",
    request_body = ActionBody,
    responses((status = 200, description = "The record after the action", body = Value))
)]
async fn api_record_action(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, action)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<ActionBody>,
) -> Result<Json<Value>, ApiError> {
    let record = crate::sections::actions::perform(
        &app,
        &who.actor,
        &object,
        &id,
        &action,
        body.comment.as_deref(),
    )
    .await?;
    Ok(Json(record))
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}/history",
    tag = "records",
    operation_id = "record_history",
    summary = "A record's history",
    responses((status = 200, description = "The record's history", body = Value))
)]
async fn api_record_history(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let events = crate::sections::actions::history(&app, &who.actor, &object, &id).await?;
    Ok(Json(json!({ "data": events })))
}

/// enable, disable, rollback: the changes an installed section takes.
async fn act(app: &App, actor: &Actor, code: &str, action: &str) -> crate::error::Result<()> {
    match action {
        "enable" => installed::set_enabled(app, actor, code, true)
            .await
            .map(drop),
        "disable" => installed::set_enabled(app, actor, code, false)
            .await
            .map(drop),
        "rollback" => installed::rollback(app, actor, code).await.map(drop),
        "uninstall" => installed::uninstall(app, actor, code, false).await,
        "purge" => installed::uninstall(app, actor, code, true).await,
        _ => Err(Error::NotFound("action")),
    }
}

// ---- console ----

async fn console_list(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let sections = installed::list(&app, &who.actor).await?;
    Ok(render(
        flash,
        "console/sections.html",
        &who,
        context! { here => "sections", sections => Serde(&sections), capabilities => ["records", "email", "settings", "log"] },
    ))
}

/// The package from the upload form's files, told apart by their names: the manifest (`.json`),
/// the component (`.wasm`) and the icon (`.svg` or `.png`).
fn package_of(form: &CsrfMultipart) -> crate::error::Result<PluginPackage> {
    let named = |ext: &str| {
        form.files
            .iter()
            .find(|f| f.file_name.to_ascii_lowercase().ends_with(ext))
    };
    let manifest = named(".json")
        .ok_or_else(|| Error::invalid_field("manifest", crate::tr!("console-choose-manifest")))?;
    let component = named(".wasm")
        .ok_or_else(|| Error::invalid_field("component", crate::tr!("console-choose-component")))?;
    Ok(PluginPackage {
        manifest: serde_json::from_slice(&manifest.bytes).map_err(|e| {
            Error::invalid_field(
                "manifest",
                crate::tr!("console-not-json", error = e.to_string()),
            )
        })?,
        component: component.bytes.to_vec(),
        icon: named(".svg")
            .or_else(|| named(".png"))
            .map(|f| f.bytes.to_vec()),
    })
}

async fn console_upload(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    form: CsrfMultipart,
) -> Response {
    let outcome = async {
        let package = package_of(&form)?;
        // The form offers every capability; the section gets those it asks for and was granted.
        let requested: Vec<String> = package.manifest["capabilities"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        let grant = requested
            .into_iter()
            .filter(|c| form.fields.contains_key(&format!("grant_{c}")))
            .collect();
        installed::install(&app, &who.actor, package, Some(grant)).await
    }
    .await;
    match outcome {
        Ok(section) => flash::notice(
            "/console/sections",
            &crate::tr!(
                "console-section-installed",
                title = &section.title,
                version = &section.version
            ),
        ),
        Err(error) => flash::refused("/console/sections", error),
    }
}

async fn console_action(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((code, action)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    flash::after(
        act(&app, &who.actor, &code, &action).await,
        "/console/sections",
        &crate::tr!("console-done"),
    )
}

// ---- API ----

#[utoipa::path(
    get,
    path = "/sections",
    tag = "sections",
    operation_id = "list_sections",
    summary = "Lists installed custom sections",
    responses((status = 200, description = "Installed sections", body = Value))
)]
async fn api_list(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "data": installed::list(&app, &who.actor).await? }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Package {
    manifest: Value,
    /// The component, base64.
    component: String,
    /// The icon file's bytes, base64.
    #[serde(default)]
    icon: Option<String>,
    /// Capabilities granted; all those requested when absent.
    #[serde(default)]
    grant: Option<Vec<String>>,
}

fn base64_field(field: &str, text: &str) -> Result<Vec<u8>, Error> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| Error::invalid_field(field, crate::tr!("console-not-base64")))
}

#[utoipa::path(
    post,
    path = "/sections",
    tag = "sections",
    operation_id = "install_section",
    summary = "Installs or upgrades a custom section",
    request_body = Package,
    responses((status = 201, description = "The installed section", body = Value))
)]
async fn api_install(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<Package>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let package = PluginPackage {
        manifest: body.manifest,
        component: base64_field("component", &body.component)?,
        icon: body
            .icon
            .as_deref()
            .map(|icon| base64_field("icon", icon))
            .transpose()?,
    };
    let section = installed::install(&app, &who.actor, package, body.grant).await?;
    Ok((StatusCode::CREATED, Json(json!(section))))
}

#[utoipa::path(
    post,
    path = "/sections/{code}/{action}",
    tag = "sections",
    operation_id = "section_action",
    summary = "Enables, disables or rolls back a section",
    responses((status = 204, description = "Done"))
)]
async fn api_action(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((code, action)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if matches!(action.as_str(), "uninstall" | "purge") {
        return Err(Error::NotFound("action").into());
    }
    act(&app, &who.actor, &code, &action).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UninstallQuery {
    #[serde(default)]
    purge: bool,
}

#[utoipa::path(
    delete,
    path = "/sections/{code}",
    tag = "sections",
    operation_id = "uninstall_section",
    summary = "Uninstalls a section (records kept unless purged)",
    params(UninstallQuery),
    responses((status = 204, description = "Uninstalled"))
)]
async fn api_uninstall(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    ApiQuery(query): ApiQuery<UninstallQuery>,
) -> Result<StatusCode, ApiError> {
    installed::uninstall(&app, &who.actor, &code, query.purge).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/sections/{code}/settings",
    tag = "sections",
    operation_id = "get_section_settings",
    summary = "A section's settings",
    responses((status = 200, description = "The section's settings in this tenant", body = Value))
)]
async fn api_settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let section = installed::list(&app, &who.actor)
        .await?
        .into_iter()
        .find(|s| s.code == code)
        .ok_or(Error::NotFound("section"))?;
    let settings: Value = serde_json::from_str(&section.settings).unwrap_or_else(|_| json!({}));
    Ok(Json(settings))
}

#[utoipa::path(
    put,
    path = "/sections/{code}/settings",
    tag = "sections",
    operation_id = "set_section_settings",
    summary = "Sets a section's settings",
    request_body = std::collections::BTreeMap<String, Value>,
    responses((status = 204, description = "Saved"))
)]
async fn api_set_settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<StatusCode, ApiError> {
    installed::set_settings(&app, &who.actor, &code, &body.to_string()).await?;
    Ok(StatusCode::NO_CONTENT)
}
