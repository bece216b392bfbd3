//! Folders of a list: static (records put in them) or dynamic (conditions in AND/OR groups).
//! A list or export narrowed to a folder takes `folder=<id>`.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde_json::{Value, json};

use crate::{
    app::App,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiUser},
    },
    records::folders::{self, Folder, NewFolder},
};

#[utoipa::path(
    get,
    path = "/objects/{object}/folders",
    tag = "folders",
    operation_id = "list_folders",
    summary = "The folders of an object's list the caller sees (theirs and those shared with their roles)",
    responses((status = 200, description = "The folders, parents before their subfolders", body = Value))
)]
pub async fn list(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let folders = folders::list(&app, &who.actor, &object).await?;
    Ok(Json(json!({ "data": folders })))
}

#[utoipa::path(
    post,
    path = "/objects/{object}/folders",
    tag = "folders",
    operation_id = "create_folder",
    summary = "Creates a folder: static without a condition, dynamic with one",
    request_body = NewFolder,
    responses((status = 201, description = "The folder", body = Folder))
)]
pub async fn create(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<NewFolder>,
) -> Result<(StatusCode, Json<Folder>), ApiError> {
    let folder = folders::create(&app, &who.actor, &object, body).await?;
    Ok((StatusCode::CREATED, Json(folder)))
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/folders/{folder}",
    tag = "folders",
    operation_id = "delete_folder",
    summary = "Deletes a folder (never its records); its subfolders move up",
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, folder)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    folders::delete(&app, &who.actor, &object, &folder).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put,
    path = "/objects/{object}/folders/{folder}/records/{id}",
    tag = "folders",
    operation_id = "put_into_folder",
    summary = "Puts a record the caller may read into a static folder",
    responses((status = 204, description = "In the folder"))
)]
pub async fn put_record(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, folder, id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    folders::file(&app, &who.actor, &object, &folder, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/folders/{folder}/records/{id}",
    tag = "folders",
    operation_id = "take_out_of_folder",
    summary = "Takes a record out of a static folder",
    responses((status = 204, description = "No longer in the folder"))
)]
pub async fn remove_record(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, folder, id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    folders::file(&app, &who.actor, &object, &folder, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
