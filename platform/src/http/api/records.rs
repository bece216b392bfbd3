use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
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
    },
    records::{self, Columns, ListRequest, ObjectType},
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
pub async fn objects(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let catalog = records::catalog(&app, who.actor.tenant.id).await?;
    let objects: Vec<Value> = catalog
        .objects()
        .filter(|o| access::check(&who.actor, Capability::Records(o, Operation::Read)).is_ok())
        .map(|o| describe(&who.actor, o))
        .collect();
    Ok(Json(json!({ "data": objects })))
}

pub async fn object(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let object = records::object_type(&app, who.actor.tenant.id, &object).await?;
    access::check(&who.actor, Capability::Records(&object, Operation::Read))?;
    Ok(Json(describe(&who.actor, &object)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    limit: Option<u32>,
    cursor: Option<String>,
    sort: Option<String>,
    #[serde(default)]
    filter: Vec<String>,
}

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
    };
    Ok(Json(
        records::list(&app, &who.actor, &object, &request).await?,
    ))
}

pub async fn get(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(records::get(&app, &who.actor, &object, &id).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRecord {
    data: Value,
}

pub async fn create(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<NewRecord>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let record = records::create(&app, &who.actor, &object, body.data).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// The version the client last saw; the update is refused if the record has moved on.
    version: i64,
    data: Value,
}

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

pub async fn delete(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    records::delete(&app, &who.actor, &object, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn rights(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let rights = records::rights(&app, &who.actor, &object, &id).await?;
    Ok(Json(json!({ "data": rights })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    grantee: String,
    level: String,
}

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

pub async fn unshare(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, grantee)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    records::unshare(&app, &who.actor, &object, &id, &grantee).await?;
    Ok(StatusCode::NO_CONTENT)
}
