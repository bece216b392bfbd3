//! The bell and the feed through the API: notifications, what comes by e-mail, and a record's
//! comments, likes, followers and the people one may mention on it.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    app::App,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiQuery, ApiUser},
    },
    notifications::{self, NotificationPage, Setting},
    records::feed::{self, Feed},
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationsQuery {
    /// The `next_cursor` of the previous page.
    after: Option<String>,
    /// Only the unread ones.
    #[serde(default)]
    unread: bool,
}

#[utoipa::path(
    get,
    path = "/notifications",
    tag = "notifications",
    operation_id = "list_notifications",
    summary = "The caller's notifications, newest first (only about records they may read now)",
    params(NotificationsQuery),
    responses((status = 200, description = "A page of notifications", body = NotificationPage))
)]
pub async fn list(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiQuery(query): ApiQuery<NotificationsQuery>,
) -> Result<Json<NotificationPage>, ApiError> {
    let page = notifications::page(&app, &who.actor, query.after.as_deref(), query.unread).await?;
    Ok(Json(page))
}

#[utoipa::path(
    get,
    path = "/notifications/unread",
    tag = "notifications",
    operation_id = "count_unread_notifications",
    summary = "How many unread notifications the bell shows",
    responses((status = 200, description = "`count` (at most 9) and `more` (there are more)", body = Value))
)]
pub async fn unread(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let (count, more) = notifications::unread(&app, &who.actor).await?;
    Ok(Json(json!({ "count": count, "more": more })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The notifications to mark read; all of the caller's when absent.
    #[schema(max_items = 200)]
    ids: Option<Vec<String>>,
}

#[utoipa::path(
    post,
    path = "/notifications/read",
    tag = "notifications",
    operation_id = "mark_notifications_read",
    summary = "Marks the caller's notifications read (those named, or all)",
    request_body = MarkRead,
    responses((status = 204, description = "Marked"))
)]
pub async fn mark_read(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<StatusCode, ApiError> {
    if body.ids.as_ref().is_some_and(|ids| ids.len() > 200) {
        return Err(crate::error::Error::invalid_field(
            "ids",
            crate::tr!("notifications-too-many-ids", max = 200),
        )
        .into());
    }
    notifications::mark_read(&app, &who.actor, body.ids.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Kinds not named keep their choice.
    data: Vec<Setting>,
}

#[utoipa::path(
    get,
    path = "/notifications/settings",
    tag = "notifications",
    operation_id = "notification_settings",
    summary = "Which kinds of notification also come to the caller by e-mail",
    responses((status = 200, description = "`data`: every kind and whether it comes by e-mail", body = Value))
)]
pub async fn settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    let settings = notifications::settings(&app, &who.actor).await?;
    Ok(Json(json!({ "data": settings })))
}

#[utoipa::path(
    put,
    path = "/notifications/settings",
    tag = "notifications",
    operation_id = "set_notification_settings",
    summary = "Chooses which kinds of notification also come by e-mail",
    request_body = Settings,
    responses((status = 204, description = "Kept"))
)]
pub async fn set_settings(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<Settings>,
) -> Result<StatusCode, ApiError> {
    notifications::set_settings(&app, &who.actor, &body.data).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}/feed",
    tag = "records",
    operation_id = "record_feed",
    summary = "A record's feed: comments, likes, and whether the caller follows it",
    responses((status = 200, description = "The feed", body = Feed))
)]
pub async fn feed(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<Json<Feed>, ApiError> {
    Ok(Json(feed::of_record(&app, &who.actor, &object, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    /// 1 to 5000 characters; `@` and a sign-in address mentions someone who may read the record.
    body: String,
}

#[utoipa::path(
    post,
    path = "/objects/{object}/records/{id}/comments",
    tag = "records",
    operation_id = "comment_record",
    summary = "Comments on a record (the author follows it from then on; mentioned readers are told)",
    request_body = CommentBody,
    responses((status = 201, description = "Published"))
)]
pub async fn comment(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<StatusCode, ApiError> {
    feed::comment(&app, &who.actor, &object, &id, &body.body).await?;
    Ok(StatusCode::CREATED)
}

#[utoipa::path(
    patch,
    path = "/objects/{object}/records/{id}/comments/{comment}",
    tag = "records",
    operation_id = "change_record_comment",
    summary = "Changes one's own comment",
    request_body = CommentBody,
    responses((status = 204, description = "Changed"))
)]
pub async fn change_comment(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, comment)): Path<(String, String, String)>,
    ApiJson(body): ApiJson<CommentBody>,
) -> Result<StatusCode, ApiError> {
    feed::change_comment(&app, &who.actor, &object, &id, &comment, Some(&body.body)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/records/{id}/comments/{comment}",
    tag = "records",
    operation_id = "delete_record_comment",
    summary = "Deletes one's own comment",
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete_comment(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, comment)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    feed::change_comment(&app, &who.actor, &object, &id, &comment, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Likes a record, or takes the like back.
async fn like_record(
    app: &App,
    who: &crate::auth::Authenticated,
    path: (String, String),
    comment: Option<&str>,
    on: bool,
) -> Result<StatusCode, ApiError> {
    let (object, id) = path;
    feed::like(app, &who.actor, &object, &id, comment, on).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put,
    path = "/objects/{object}/records/{id}/likes",
    tag = "records",
    operation_id = "like_record",
    summary = "Likes a record",
    responses((status = 204, description = "Liked"))
)]
pub async fn like(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    like_record(&app, &who, path, None, true).await
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/records/{id}/likes",
    tag = "records",
    operation_id = "unlike_record",
    summary = "Takes back one's like of a record",
    responses((status = 204, description = "No longer liked"))
)]
pub async fn unlike(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    like_record(&app, &who, path, None, false).await
}

#[utoipa::path(
    put,
    path = "/objects/{object}/records/{id}/comments/{comment}/likes",
    tag = "records",
    operation_id = "like_record_comment",
    summary = "Likes a comment on a record",
    responses((status = 204, description = "Liked"))
)]
pub async fn like_comment(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, comment)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    like_record(&app, &who, (object, id), Some(&comment), true).await
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/records/{id}/comments/{comment}/likes",
    tag = "records",
    operation_id = "unlike_record_comment",
    summary = "Takes back one's like of a comment",
    responses((status = 204, description = "No longer liked"))
)]
pub async fn unlike_comment(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id, comment)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    like_record(&app, &who, (object, id), Some(&comment), false).await
}

#[utoipa::path(
    put,
    path = "/objects/{object}/records/{id}/follow",
    tag = "records",
    operation_id = "follow_record",
    summary = "Follows a record: its replies and comments come to the caller's notifications",
    responses((status = 204, description = "Following"))
)]
pub async fn follow(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    notifications::follow(&app, &who.actor, &object, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/objects/{object}/records/{id}/follow",
    tag = "records",
    operation_id = "unfollow_record",
    summary = "Stops following a record",
    responses((status = 204, description = "Not following"))
)]
pub async fn unfollow(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    notifications::follow(&app, &who.actor, &object, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MentionQuery {
    /// Part of a name or sign-in address.
    q: String,
}

#[utoipa::path(
    get,
    path = "/objects/{object}/records/{id}/mentionable",
    tag = "records",
    operation_id = "mentionable_people",
    summary = "People the caller may mention on a record (who may read it), by name or address",
    params(MentionQuery),
    responses((status = 200, description = "`data`: up to 8 people, with the address to write after `@`", body = Value))
)]
pub async fn mentionable(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((object, id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<MentionQuery>,
) -> Result<Json<Value>, ApiError> {
    let people = notifications::mentionable(&app, &who.actor, &object, &id, &query.q).await?;
    Ok(Json(json!({ "data": people })))
}
