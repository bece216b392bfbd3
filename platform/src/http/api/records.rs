use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    access::{self, Actor, Capability, Level, Operation},
    app::App,
    error::Error,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiQuery, ApiUser},
        record_pages,
    },
    records::{self, Columns, ListRequest, ObjectType, export},
};

/// An object's description, with only the columns the actor may see.
fn describe(actor: &Actor, object: &ObjectType) -> Value {
    let columns = Columns::of(actor, object);
    let fields: Vec<_> = object
        .fields
        .iter()
        .filter(|f| columns.visible(&f.name))
        .collect();
    json!({
        "code": object.code,
        "section": object.section,
        "title": object.title,
        "plural": object.plural,
        "title_field": object.title_field,
        "required": object.required,
        "fields": fields,
    })
}

/// The objects the caller may read, with their fields.
#[utoipa::path(
    get,
    path = "/objects",
    tag = "records",
    operation_id = "list_objects",
    summary = "Lists objects",
    responses((status = 200, description = "The objects the caller may read, with the fields they see", body = Value))
)]
pub async fn objects(ApiUser(who): ApiUser) -> Result<Json<Value>, ApiError> {
    let catalog = who.actor.catalog.clone();
    let objects: Vec<Value> = catalog
        .objects()
        .filter(|o| access::check(&who.actor, Capability::Records(o, Operation::Read)).is_ok())
        .map(|o| describe(&who.actor, o))
        .collect();
    Ok(Json(json!({ "data": objects })))
}

#[utoipa::path(
    get,
    path = "/objects/{object}",
    tag = "records",
    operation_id = "get_object",
    summary = "Describes an object",
    responses((status = 200, description = "The object, with the fields the caller sees", body = Value))
)]
pub async fn object(
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let object = records::object_type(&who.actor, &object)?;
    access::check(&who.actor, Capability::Records(&object, Operation::Read))?;
    Ok(Json(describe(&who.actor, &object)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Records on the page (at most 200; 50 unless given).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
    cursor: Option<String>,
    sort: Option<String>,
    #[serde(default)]
    filter: Vec<String>,
    /// Words to find in the list's text columns.
    q: Option<String>,
    /// Only the records of this folder.
    folder: Option<String>,
    /// Also count the records (exactly up to 1,000).
    #[serde(default)]
    count: bool,
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records",
    tag = "records",
    operation_id = "list_records",
    summary = "Lists records (filtered, sorted, paged)",
    params(ListQuery),
    responses((status = 200, description = "A page of records as the caller may see them", body = records::Page))
)]
pub async fn list(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<records::Page>, ApiError> {
    let request = ListRequest {
        limit: query.limit,
        cursor: query.cursor,
        sort: query.sort,
        filters: query.filter,
        search: query.q,
        ..Default::default()
    };
    let request = list_request(&app, &who.actor, &object, request, query.folder.as_deref()).await?;
    if !query.count {
        return Ok(Json(
            records::list(&app, &who.actor, &object, &request).await?,
        ));
    }
    let (mut page, count) = records::list_counted(&app, &who.actor, &object, &request).await?;
    page.count = Some(count);
    Ok(Json(page))
}

/// The caller's columns of a list: those it shows, and all they may choose from.
#[utoipa::path(
    get,
    path = "/objects/{object}/columns",
    tag = "records",
    operation_id = "list_columns",
    summary = "The columns the caller's list of an object shows (and exports)",
    responses((status = 200, description = "`shown` (the number first) and `choosable`", body = Value))
)]
pub async fn columns(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let shown = records::list_view::columns(&app, &who.actor, &object).await?;
    let object = records::object_type(&who.actor, &object)?;
    let choosable = Columns::of(&who.actor, &object).choosable(&object);
    Ok(Json(json!({ "shown": shown, "choosable": choosable })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnChoice {
    /// Column names, in the order to show them (the number always comes first); `null` for the
    /// usual columns.
    columns: Option<Vec<String>>,
}

#[utoipa::path(
    put,
    path = "/objects/{object}/columns",
    tag = "records",
    operation_id = "choose_list_columns",
    summary = "Chooses the columns of the caller's list of an object",
    request_body = ColumnChoice,
    responses((status = 204, description = "Kept"))
)]
pub async fn choose_columns(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<ColumnChoice>,
) -> Result<StatusCode, ApiError> {
    records::list_view::choose(&app, &who.actor, &object, body.columns).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where an uploaded file goes: its name (the body is the file itself, typed by `Content-Type`).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileName {
    /// The file's name, as it will be shown and downloaded.
    name: String,
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}/files",
    tag = "records",
    operation_id = "record_files",
    summary = "The files attached to a record (download each from `/files/{id}`)",
    responses((status = 200, description = "`data`: the files, oldest first", body = Value))
)]
pub async fn files(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let files = crate::files::of_record(&app, &who.actor, &object, &id).await?;
    Ok(Json(json!({ "data": files })))
}

#[utoipa::path(
    post,
    path = "/objects/{object}/records/{id}/files",
    tag = "records",
    operation_id = "attach_file",
    summary = "Attaches a file to a record the caller may edit",
    description = "The request body is the file itself, its type in `Content-Type`, its name in \
                   `name`. A file larger than the tenant's attachment limit is refused (413) \
                   before it is read in full; so is a type the platform does not store.",
    params(FileName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses((status = 201, description = "The attached file", body = Value))
)]
pub async fn attach_file(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<FileName>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let bytes = uploaded_file(&app, &headers, body).await?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_owned();
    let upload = crate::files::Upload {
        file_name: query.name,
        content_type,
        bytes,
    };
    let mut stored =
        crate::files::attach_to_record(&app, &who.actor, &object, &id, vec![upload]).await?;
    Ok((StatusCode::CREATED, Json(json!(stored.remove(0)))))
}

/// A file sent as the request body: refused (413) beyond the attachment limit, before it is read
/// in full when its length says so, and never read past the limit whatever it says.
pub(super) async fn uploaded_file(
    app: &App,
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<axum::body::Bytes, ApiError> {
    body_within(headers, body, app.config.max_attachment_bytes).await
}

/// The request body, refused (413) beyond `limit` bytes as [`uploaded_file`] refuses it.
pub(super) async fn body_within(
    headers: &axum::http::HeaderMap,
    body: axum::body::Body,
    limit: u64,
) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            crate::tr!("error-upload-too-large"),
        )
    };
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, usize::try_from(limit).unwrap_or(usize::MAX))
        .await
        .map_err(|_| too_large())
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}/tags",
    tag = "records",
    operation_id = "record_tags",
    summary = "A record's tags (filter a list on one with `filter=tag:eq:NAME`)",
    responses((status = 200, description = "`data`: the tags, alphabetically", body = Value))
)]
pub async fn tags(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let tags = records::tags::of_record(&app, &who.actor, &object, &id).await?;
    Ok(Json(json!({ "data": tags })))
}

#[utoipa::path(
    put,
    path = "/objects/{object}/records/{id}/tags/{tag}",
    tag = "records",
    operation_id = "add_record_tag",
    summary = "Tags a record the caller may edit",
    responses((status = 200, description = "`data`: the record's tags now", body = Value))
)]
pub async fn add_tag(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, tag)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let tags = records::tags::set(&app, &who.actor, &object, &id, &tag, true).await?;
    Ok(Json(json!({ "data": tags })))
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/records/{id}/tags/{tag}",
    tag = "records",
    operation_id = "remove_record_tag",
    summary = "Takes a tag off a record the caller may edit",
    responses((status = 200, description = "`data`: the record's tags now", body = Value))
)]
pub async fn remove_tag(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, tag)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let tags = records::tags::set(&app, &who.actor, &object, &id, &tag, false).await?;
    Ok(Json(json!({ "data": tags })))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    #[param(inline)]
    format: export::Format,
    sort: Option<String>,
    #[serde(default)]
    filter: Vec<String>,
    q: Option<String>,
    folder: Option<String>,
}

/// The list request the query names, with the folder (one the caller sees) resolved.
async fn list_request(
    app: &App,
    actor: &Actor,
    object: &str,
    mut request: ListRequest,
    folder: Option<&str>,
) -> Result<ListRequest, ApiError> {
    if let Some(folder) = folder {
        request.folder = Some(records::folders::scope(app, actor, object, folder).await?);
    }
    Ok(request)
}

/// "Export to file" (a system operation): the records the list with these filters and this
/// order shows, in the columns a list shows, as the caller may see them; sent as it is made.
#[utoipa::path(
    get,
    path = "/objects/{object}/export",
    tag = "records",
    operation_id = "export_records",
    summary = "Exports records to a file (CSV or XLSX)",
    params(ExportQuery),
    responses((status = 200, description = "The file", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )))
)]
pub async fn export(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let request = ListRequest {
        sort: query.sort,
        filters: query.filter,
        search: query.q,
        ..ListRequest::default()
    };
    let request = list_request(&app, &who.actor, &object, request, query.folder.as_deref()).await?;
    let export = export::start(app, who.actor, &object, request, query.format).await?;
    Ok(record_pages::download(export))
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}",
    tag = "records",
    operation_id = "get_record",
    summary = "One record",
    responses((status = 200, description = "The record", body = Value))
)]
pub async fn get(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(records::get(&app, &who.actor, &object, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecord {
    data: Value,
}

#[utoipa::path(
    post,
    path = "/objects/{object}/records",
    tag = "records",
    operation_id = "create_record",
    summary = "Creates a record",
    request_body = NewRecord,
    responses((status = 201, description = "The record", body = Value))
)]
pub async fn create(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<NewRecord>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let record = records::create(&app, &who.actor, &object, body.data).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// The version the client last saw; the update is refused if the record has moved on.
    #[serde(deserialize_with = "crate::http::extract::whole_number")]
    version: i64,
    data: Value,
}

#[utoipa::path(
    patch,
    path = "/objects/{object}/records/{id}",
    tag = "records",
    operation_id = "update_record",
    summary = "Changes a record at the version the caller saw",
    request_body = Changes,
    responses((status = 200, description = "The record", body = Value))
)]
pub async fn update(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<Changes>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        records::update(&app, &who.actor, &object, &id, body.version, body.data).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/records/{id}",
    tag = "records",
    operation_id = "delete_record",
    summary = "Deletes a record",
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    records::delete(&app, &who.actor, &object, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}/rights",
    tag = "records",
    operation_id = "list_record_rights",
    summary = "Rights on a record",
    responses((status = 200, description = "Who holds which right on the record", body = Value))
)]
pub async fn rights(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let rights = records::rights(&app, &who.actor, &object, &id).await?;
    Ok(Json(json!({ "data": rights })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    grantee: String,
    level: String,
}

#[utoipa::path(
    post,
    path = "/objects/{object}/records/{id}/rights",
    tag = "records",
    operation_id = "share_record",
    summary = "Shares a record with a role or user",
    request_body = Share,
    responses((status = 204, description = "Shared"))
)]
pub async fn share(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<Share>,
) -> Result<StatusCode, ApiError> {
    let level = Level::parse(&body.level)
        .ok_or_else(|| Error::invalid_field("level", "must be read, edit or delete"))?;
    records::share(&app, &who.actor, &object, &id, &body.grantee, level).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/records/{id}/rights/{grantee}",
    tag = "records",
    operation_id = "unshare_record",
    summary = "Stops sharing a record",
    responses((status = 204, description = "No longer shared"))
)]
pub async fn unshare(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, grantee)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    records::unshare(&app, &who.actor, &object, &id, &grantee).await?;
    Ok(StatusCode::NO_CONTENT)
}
