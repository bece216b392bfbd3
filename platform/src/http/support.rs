//! Support cases on the web: the portal's "My cases", new case, case page (workflow bar,
//! deadlines, conversation with files, actions, complaint, feedback); the console's case queue and
//! case page (reply, status, assignment); and the same under `/api/v1/cases`. File downloads too.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::render_page as render;
use super::{
    error::{ApiError, PageError},
    extract::{ApiJson, ApiQuery, ApiUser, ConsoleUser, CsrfForm, CsrfMultipart, PortalUser},
    flash::{self, Flash},
    pickers::{self, Picker},
};
use crate::{
    access::Actor,
    app::App,
    error::Error,
    files,
    records::{self, ListRequest},
    sections::cases::{
        self, PortalAction,
        conversation::{self, MessageKind},
    },
    store::Timestamp,
};

pub fn portal_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/cases", get(portal_list))
        .route(
            "/cases/new",
            get(portal_new)
                .post(portal_create)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/cases/{id}", get(portal_case))
        .route(
            "/cases/{id}/messages",
            post(post_message).layer(DefaultBodyLimit::disable()),
        )
        .route("/cases/{id}/actions/{action}", post(portal_action))
        .route("/cases/{id}/feedback", post(portal_feedback))
        .route("/files/{id}", get(portal_file))
}

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/cases", get(console_queue))
        .route("/cases/numbering", post(console_numbering))
        .route("/cases/{id}", get(console_case))
        .route(
            "/cases/{id}/messages",
            post(console_message).layer(DefaultBodyLimit::disable()),
        )
        .route("/cases/{id}/status", post(console_status))
        .route("/cases/{id}/assignee", post(console_assign))
        .route("/files/{id}", get(console_file))
}

pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<Arc<App>> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_case))
        .routes(routes!(api_messages, api_post_message))
        .routes(routes!(api_action))
        .routes(routes!(api_feedback))
        .routes(routes!(api_assign))
        .routes(routes!(api_file))
}

/// A case as a case table shows it: the few fields the table uses, so that a page of cases does
/// not turn every field of every case into template values.
#[derive(Debug, Serialize)]
struct CaseRow<'a> {
    id: &'a str,
    number: &'a str,
    subject: Option<&'a str>,
    status: Option<&'a str>,
    has_complaint: bool,
    created_at: &'a str,
    indicators: cases::Indicators,
}

/// A page of cases as the case table shows it, with their deadline indicators.
fn case_rows<'a>(app: &App, page: &'a records::Page) -> Vec<CaseRow<'a>> {
    let now = app.clock.now();
    page.data
        .iter()
        .filter_map(|r| {
            let data = r["data"].as_object()?;
            Some(CaseRow {
                id: r["id"].as_str()?,
                number: r["number"].as_str().unwrap_or_default(),
                subject: data.get("subject").and_then(Value::as_str),
                status: data.get("status").and_then(Value::as_str),
                has_complaint: data.get("has_complaint").and_then(Value::as_bool) == Some(true),
                created_at: r["created_at"].as_str().unwrap_or_default(),
                indicators: cases::indicators(data, now),
            })
        })
        .collect()
}

// ---- portal ----

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    cursor: Option<String>,
    status: Option<String>,
    /// `1`: only cases past their resolution deadline and not resolved.
    overdue: Option<String>,
    complaint: Option<String>,
    sort: Option<String>,
}

fn list_request(query: &ListQuery, now: Timestamp) -> ListRequest {
    let mut filters = Vec::new();
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        filters.push(format!("status:eq:{status}"));
    }
    if query.overdue.as_deref() == Some("1") {
        filters.push(format!("resolution_deadline:lt:{}", now.to_db()));
        filters.push("first_resolution_on:empty".into());
    }
    if query.complaint.as_deref() == Some("1") {
        filters.push("has_complaint:eq:true".into());
    }
    ListRequest {
        limit: Some(25),
        cursor: query.cursor.clone(),
        sort: query.sort.clone().filter(|s| !s.is_empty()),
        filters,
        ..Default::default()
    }
}

async fn portal_list(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    ApiQuery(query): ApiQuery<ListQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let page = records::list(
        &app,
        &who.actor,
        cases::OBJECT,
        &list_request(&query, app.clock.now()),
    )
    .await?;
    Ok(render(
        flash,
        "portal/cases.html",
        &who,
        context! {
            rows => Serde(case_rows(&app, &page)), next_cursor => page.next_cursor.as_deref(), statuses => cases::status::ALL.to_vec(),
            query => context! { status => query.status }, prefix => "",
        },
    ))
}

async fn portal_new(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let object = records::object_type(&who.actor, cases::OBJECT)?;
    crate::access::check(
        &who.actor,
        crate::access::Capability::Records(&object, crate::access::Operation::Create),
    )?;
    let (services, agreements) = cases::form_options(&app, &who.actor).await?;
    // Articles are suggested as the subject is typed to those who may read them.
    let knowledge =
        records::object_type(&who.actor, crate::sections::knowledge::OBJECT).is_ok_and(|o| {
            crate::access::check(
                &who.actor,
                crate::access::Capability::Records(&o, crate::access::Operation::Read),
            )
            .is_ok()
        });
    Ok(render(
        flash,
        "portal/case_new.html",
        &who,
        context! { services, agreements => Serde(&agreements), knowledge },
    ))
}

/// The case fields a new-case form may set.
fn new_case_data(fields: &BTreeMap<String, String>) -> Value {
    let mut data = serde_json::Map::new();
    for key in [
        "subject",
        "description",
        "service",
        "service_agreement",
        "contact",
    ] {
        if let Some(value) = fields.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            data.insert(key.into(), json!(value));
        }
    }
    Value::Object(data)
}

async fn portal_create(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    form: CsrfMultipart,
) -> Response {
    match cases::open_case(&app, &who.actor, new_case_data(&form.fields), form.files).await {
        Ok(record) => flash::notice(
            &format!("/cases/{}", record["id"].as_str().unwrap_or_default()),
            &crate::tr!("cases-submitted"),
        ),
        Err(error) => flash::refused("/cases/new", error),
    }
}

async fn portal_case(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
    flash: Flash,
) -> Result<Response, PageError> {
    let case = cases::view(&app, &who.actor, &id).await?;
    Ok(render(
        flash,
        "portal/case.html",
        &who,
        context! { case => Serde(&case), prefix => "" },
    ))
}

/// Posts a message or a complaint (the form's `kind`), from either side.
async fn post_to_case(
    app: &App,
    actor: &Actor,
    id: &str,
    form: CsrfMultipart,
    back: &str,
) -> Response {
    let kind = match form.fields.get("kind").map(String::as_str) {
        Some("complaint") => MessageKind::Complaint,
        _ => MessageKind::Message,
    };
    let body = form.fields.get("body").cloned().unwrap_or_default();
    let notice = if kind == MessageKind::Complaint {
        crate::tr!("cases-complaint-sent")
    } else {
        crate::tr!("cases-sent")
    };
    flash::after(
        conversation::post(app, actor, id, kind, &body, form.files).await,
        back,
        &notice,
    )
}

async fn post_message(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
    form: CsrfMultipart,
) -> Response {
    post_to_case(&app, &who.actor, &id, form, &format!("/cases/{id}")).await
}

async fn portal_action(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let back = format!("/cases/{id}");
    let outcome = async {
        let action = PortalAction::parse(&action).ok_or(Error::NotFound("action"))?;
        cases::act(&app, &who.actor, &id, action).await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("cases-done"))
}

#[derive(Debug, Deserialize)]
struct FeedbackForm {
    /// Absent when no score was chosen, which the page then asks for.
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    notes: String,
}

async fn portal_feedback(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<FeedbackForm>,
) -> Response {
    let back = format!("/cases/{id}");
    let outcome = async {
        let satisfaction = form
            .satisfaction
            .parse()
            .map_err(|_| Error::BadRequest(crate::tr!("cases-choose-satisfaction")))?;
        cases::give_feedback(&app, &who.actor, &id, satisfaction, &form.notes).await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("cases-feedback-thanks"))
}

fn file_response(attachment: files::Attachment, bytes: axum::body::Bytes) -> Response {
    file_download(&attachment.file_name, &attachment.content_type, bytes)
}

/// A file as a download: never rendered by the browser as a page.
pub(crate) fn file_download(
    file_name: &str,
    content_type: &str,
    bytes: axum::body::Bytes,
) -> Response {
    let name: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"._-".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{name}\"; filename*=UTF-8''{encoded}");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

async fn portal_file(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (attachment, bytes) = files::download(&app, &who.actor, &id).await?;
    Ok(file_response(attachment, bytes))
}

// ---- console ----

async fn console_queue(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    ApiQuery(query): ApiQuery<ListQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let request = list_request(&query, app.clock.now());
    let page = records::list(&app, &who.actor, cases::OBJECT, &request).await?;
    let numbering = records::numbering(&app, &who.actor, cases::OBJECT).await?;
    Ok(render(
        flash,
        "console/cases.html",
        &who,
        context! {
            here => "cases", prefix => "/console", numbering, rows => Serde(case_rows(&app, &page)), next_cursor => page.next_cursor.as_deref(), statuses => cases::status::ALL.to_vec(),
            query => context! { status => query.status, overdue => query.overdue, complaint => query.complaint, sort => query.sort },
        },
    ))
}

async fn console_case(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    flash: Flash,
) -> Result<Response, PageError> {
    let case = cases::view(&app, &who.actor, &id).await?;
    Ok(render(
        flash,
        "console/case.html",
        &who,
        context! { here => "cases", assignee_shown => &case.assignee, case => Serde(&case), prefix => "/console" },
    ))
}

async fn console_message(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    form: CsrfMultipart,
) -> Response {
    post_to_case(&app, &who.actor, &id, form, &format!("/console/cases/{id}")).await
}

#[derive(Debug, Deserialize)]
struct NumberingForm {
    template: String,
}

async fn console_numbering(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<NumberingForm>,
) -> Response {
    flash::after(
        records::set_numbering(&app, &who.actor, cases::OBJECT, &form.template).await,
        "/console/cases",
        &crate::tr!("cases-numbering-saved"),
    )
}

#[derive(Debug, Deserialize)]
struct StatusForm {
    status: String,
    version: i64,
    #[serde(default)]
    closure_reason: String,
}

async fn console_status(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Response {
    let mut changes = json!({ "status": form.status });
    if !form.closure_reason.is_empty() {
        changes["closure_reason"] = json!(form.closure_reason);
    }
    let outcome =
        records::update(&app, &who.actor, cases::OBJECT, &id, form.version, changes).await;
    flash::after(
        outcome,
        &format!("/console/cases/{id}"),
        &crate::tr!("cases-status-changed"),
    )
}

#[derive(Debug, Deserialize)]
struct AssignForm {
    #[serde(default)]
    assignee: String,
    #[serde(default, rename = "assignee__title")]
    assignee_title: String,
}

async fn console_assign(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Response {
    let outcome = async {
        let (chosen, typed) = (&form.assignee, &form.assignee_title);
        let user = pickers::chosen(
            &app,
            &who.actor,
            Picker::Assignee,
            "assignee",
            chosen,
            typed,
        )
        .await?
        .parse()
        .map_err(|_| Error::invalid_field("assignee", crate::tr!("cases-choose-employee")))?;
        cases::assign(&app, &who.actor, &id, user).await
    }
    .await;
    flash::after(
        outcome,
        &format!("/console/cases/{id}"),
        &crate::tr!("cases-assigned"),
    )
}

async fn console_file(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (attachment, bytes) = files::download(&app, &who.actor, &id).await?;
    Ok(file_response(attachment, bytes))
}

// ---- API ----

#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "cases",
    operation_id = "get_case",
    summary = "One case",
    responses((status = 200, description = "The case with its indicators and conversation", body = Value))
)]
async fn api_case(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(cases::view(&app, &who.actor, &id).await?)))
}

#[utoipa::path(
    get,
    path = "/cases/{id}/messages",
    tag = "cases",
    operation_id = "list_case_messages",
    summary = "A case's conversation",
    responses((status = 200, description = "The conversation, oldest first", body = Value))
)]
async fn api_messages(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "data": conversation::list(&app, &who.actor, &id).await? }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewMessage {
    body: String,
    #[serde(default)]
    kind: Option<String>,
}

#[utoipa::path(
    post,
    path = "/cases/{id}/messages",
    tag = "cases",
    operation_id = "post_case_message",
    summary = "Posts a message or a complaint",
    request_body = NewMessage,
    responses((status = 201, description = "The message", body = Value))
)]
async fn api_post_message(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewMessage>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let kind = match body.kind.as_deref() {
        None | Some("message") => MessageKind::Message,
        Some("complaint") => MessageKind::Complaint,
        Some(_) => {
            return Err(Error::invalid_field("kind", crate::tr!("cases-kind-invalid")).into());
        }
    };
    let message = conversation::post(&app, &who.actor, &id, kind, &body.body, Vec::new()).await?;
    Ok((StatusCode::CREATED, Json(json!(message))))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/actions/{action}",
    tag = "cases",
    operation_id = "case_action",
    summary = "Cancels, closes or reopens a case",
    responses((status = 200, description = "The case", body = Value))
)]
async fn api_action(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((id, action)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let action = PortalAction::parse(&action).ok_or(Error::NotFound("action"))?;
    let record = cases::act(&app, &who.actor, &id, action).await?;
    Ok(Json(
        json!({ "id": record.id, "version": record.version, "data": record.data }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Feedback {
    #[serde(deserialize_with = "super::extract::whole_number")]
    #[schema(minimum = 1, maximum = 5)]
    satisfaction: i64,
    #[serde(default)]
    notes: String,
}

#[utoipa::path(
    post,
    path = "/cases/{id}/feedback",
    tag = "cases",
    operation_id = "case_feedback",
    summary = "Rates a finished case",
    request_body = Feedback,
    responses((status = 204, description = "Saved"))
)]
async fn api_feedback(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Feedback>,
) -> Result<StatusCode, ApiError> {
    cases::give_feedback(&app, &who.actor, &id, body.satisfaction, &body.notes).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Assign {
    assignee: String,
}

#[utoipa::path(
    post,
    path = "/cases/{id}/assignee",
    tag = "cases",
    operation_id = "assign_case",
    summary = "Assigns a case",
    request_body = Assign,
    responses((status = 204, description = "Assigned"))
)]
async fn api_assign(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Assign>,
) -> Result<StatusCode, ApiError> {
    let user = body
        .assignee
        .parse()
        .map_err(|_| Error::invalid_field("assignee", crate::tr!("cases-not-a-user-id")))?;
    cases::assign(&app, &who.actor, &id, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/files/{id}",
    tag = "cases",
    operation_id = "get_file",
    summary = "Downloads an attachment",
    responses((status = 200, description = "The file", content_type = "application/octet-stream"))
)]
async fn api_file(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (attachment, bytes) = files::download(&app, &who.actor, &id).await?;
    Ok(file_response(attachment, bytes))
}
