//! The knowledge base on the portal (search with highlighted snippets, filters by type, popular
//! articles, the article page with files, comments and likes) and under `/api/v1/knowledge`.

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

use super::render_page as render;
use super::{
    error::{ApiError, PageError},
    extract::{ApiJson, ApiQuery, ApiUser, CsrfForm, PortalUser},
    feed_pages,
    flash::{self, Flash},
};
use crate::{
    app::App,
    files,
    records::{self, ListRequest},
    sections::knowledge,
};

pub fn portal_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/knowledge", get(portal_search))
        .route("/knowledge/{id}", get(portal_article))
        .route("/knowledge/{id}/comments", post(portal_comment))
        .route(
            "/knowledge/{id}/comments/{comment}",
            post(portal_change_comment),
        )
        .route("/knowledge/{id}/like", post(portal_like))
        .route("/knowledge/{id}/helpful", post(portal_vote))
        .route("/knowledge/suggest", get(portal_suggest))
}

pub fn api_routes() -> utoipa_axum::router::OpenApiRouter<Arc<App>> {
    use utoipa_axum::routes;
    utoipa_axum::router::OpenApiRouter::new()
        .routes(routes!(api_search))
        .routes(routes!(api_popular))
        .routes(routes!(api_article))
        .routes(routes!(api_comment))
        .routes(routes!(api_like, api_unlike))
        .routes(routes!(api_vote))
        .routes(routes!(api_suggest))
}

#[derive(Debug, Default, Deserialize)]
struct SearchQuery {
    q: Option<String>,
    #[serde(rename = "type")]
    type_id: Option<String>,
    page: Option<i64>,
    cursor: Option<String>,
}

async fn portal_search(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    ApiQuery(query): ApiQuery<SearchQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let q = query.q.clone().unwrap_or_default();
    let type_id = query.type_id.clone().filter(|t| !t.is_empty());
    let page_number = query.page.unwrap_or(0).max(0);
    let (results, recent) = if q.trim().is_empty() {
        let filters = vec!["state:eq:Published".to_owned()];
        // A type finds its subtypes' articles too.
        let folder = match &type_id {
            Some(t) => Some(records::FolderScope::Matching(records::Condition::Any {
                any: knowledge::within(&app, &who.actor, t)
                    .await
                    .into_iter()
                    .map(|id| records::Condition::Filter(format!("type:eq:{id}")))
                    .collect(),
            })),
            None => None,
        };
        let request = ListRequest {
            folder,
            limit: Some(20),
            cursor: query.cursor.clone(),
            sort: Some("-published_on".into()),
            filters,
            ..Default::default()
        };
        (
            None,
            Some(records::list(&app, &who.actor, knowledge::OBJECT, &request).await?),
        )
    } else {
        (
            Some(knowledge::search(&app, &who.actor, &q, type_id.as_deref(), page_number).await?),
            None,
        )
    };
    let popular = knowledge::popular(&app, &who.actor, 5)
        .await
        .unwrap_or_default();
    Ok(render(
        flash,
        "portal/knowledge.html",
        &who,
        context! {
            q, type_id, page_number,
            types => Serde(&knowledge::categories(&app, &who.actor).await),
            results => results.as_ref().map(Serde),
            recent => recent.as_ref().map(Serde),
            popular => Serde(&popular),
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
struct ArticleQuery {
    /// `case`: opened from the suggestions of the new-case form.
    from: Option<String>,
}

async fn portal_article(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ArticleQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let from_suggestion = query.from.as_deref() == Some("case");
    let article = knowledge::read(&app, &who.actor, &id, from_suggestion).await?;
    let files = files::of_record(&app, &who.actor, knowledge::OBJECT, &id)
        .await
        .unwrap_or_default();
    Ok(render(
        flash,
        "portal/article.html",
        &who,
        context! { article => Serde(&article), files => Serde(&files) },
    ))
}

/// The article page's comment forms: the feed's, coming back to the article.
async fn portal_comment(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<feed_pages::CommentForm>,
) -> Response {
    feed_pages::comment(&app, &who, knowledge::OBJECT, &id, form).await
}

async fn portal_change_comment(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path((id, comment)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<feed_pages::CommentForm>,
) -> Response {
    feed_pages::change_comment(&app, &who, knowledge::OBJECT, &id, &comment, form).await
}

#[derive(Debug, Deserialize)]
struct LikeForm {
    on: String,
}

/// Likes the article itself (a like of one of its comments goes through the feed's form).
async fn portal_like(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LikeForm>,
) -> Response {
    let outcome = knowledge::like(&app, &who.actor, &id, form.on == "true").await;
    flash::after(
        outcome,
        &format!("/knowledge/{id}"),
        &if form.on == "true" {
            crate::tr!("knowledge-liked")
        } else {
            crate::tr!("knowledge-like-removed")
        },
    )
}

#[derive(Debug, Deserialize)]
struct VoteForm {
    helpful: String,
}

async fn portal_vote(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> Response {
    let outcome = match form.helpful.as_str() {
        "yes" => knowledge::vote(&app, &who.actor, &id, true).await,
        "no" => knowledge::vote(&app, &who.actor, &id, false).await,
        _ => Err(crate::error::Error::invalid_field(
            "helpful",
            crate::tr!("knowledge-vote-invalid"),
        )),
    };
    flash::after(
        outcome,
        &format!("/knowledge/{id}#helpful"),
        &crate::tr!("knowledge-vote-thanks"),
    )
}

#[derive(Debug, Default, Deserialize)]
struct SuggestQuery {
    #[serde(default)]
    subject: String,
}

/// Articles for the new-case form's subject so far, as a fragment.
async fn portal_suggest(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    ApiQuery(query): ApiQuery<SuggestQuery>,
) -> Result<Response, PageError> {
    let hits = knowledge::suggest(&app, &who.actor, &query.subject).await?;
    Ok(super::views::render(
        "partials/suggestions.html",
        context! { hits => Serde(&hits) },
    ))
}

// ---- API ----

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ApiSearch {
    q: String,
    #[serde(rename = "type")]
    type_id: Option<String>,
    /// Pages of ten hits, from 0.
    #[param(minimum = 0, maximum = 1000)]
    page: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/knowledge/search",
    tag = "knowledge",
    operation_id = "search_knowledge",
    summary = "Searches the knowledge base",
    params(ApiSearch),
    responses((status = 200, description = "Hits with highlighted snippets, and the total", body = Value))
)]
async fn api_search(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiQuery(query): ApiQuery<ApiSearch>,
) -> Result<Json<Value>, ApiError> {
    let results = knowledge::search(
        &app,
        &who.actor,
        &query.q,
        query.type_id.as_deref(),
        query.page.unwrap_or(0),
    )
    .await?;
    Ok(Json(json!(results)))
}

#[utoipa::path(
    get,
    path = "/knowledge/popular",
    tag = "knowledge",
    operation_id = "popular_articles",
    summary = "Popular articles",
    responses((status = 200, description = "Most viewed and liked articles of the last 30 days", body = Value))
)]
async fn api_popular(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({ "data": knowledge::popular(&app, &who.actor, 10).await? }),
    ))
}

#[utoipa::path(
    get,
    path = "/knowledge/{id}",
    tag = "knowledge",
    operation_id = "get_article",
    summary = "One article",
    responses((status = 200, description = "The article with its comments", body = Value))
)]
async fn api_article(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(json!(
        knowledge::read(&app, &who.actor, &id, false).await?
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ApiComment {
    body: String,
}

#[utoipa::path(
    post,
    path = "/knowledge/{id}/comments",
    tag = "knowledge",
    operation_id = "comment_article",
    summary = "Comments on an article",
    request_body = ApiComment,
    responses((status = 201, description = "Published"))
)]
async fn api_comment(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApiComment>,
) -> Result<axum::http::StatusCode, ApiError> {
    records::feed::comment(&app, &who.actor, knowledge::OBJECT, &id, &body.body).await?;
    Ok(axum::http::StatusCode::CREATED)
}

#[utoipa::path(
    post,
    path = "/knowledge/{id}/likes",
    tag = "knowledge",
    operation_id = "like_article",
    summary = "Likes an article",
    responses((status = 204, description = "Liked"))
)]
async fn api_like(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    knowledge::like(&app, &who.actor, &id, true).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/knowledge/{id}/likes",
    tag = "knowledge",
    operation_id = "unlike_article",
    summary = "Takes a like back",
    responses((status = 204, description = "No longer liked"))
)]
async fn api_unlike(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    knowledge::like(&app, &who.actor, &id, false).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ApiVote {
    helpful: bool,
}

#[utoipa::path(
    put,
    path = "/knowledge/{id}/vote",
    tag = "knowledge",
    operation_id = "vote_article",
    summary = "Answers \"Was this helpful?\" for an article (again: the answer changes)",
    request_body = ApiVote,
    responses((status = 204, description = "Counted"))
)]
async fn api_vote(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApiVote>,
) -> Result<axum::http::StatusCode, ApiError> {
    knowledge::vote(&app, &who.actor, &id, body.helpful).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ApiSuggest {
    /// A case's subject as written so far.
    #[param(max_length = 250)]
    subject: String,
}

#[utoipa::path(
    get,
    path = "/knowledge/suggestions",
    tag = "knowledge",
    operation_id = "suggest_articles",
    summary = "Articles that may answer a case being written, from its subject",
    params(ApiSuggest),
    responses((status = 200, description = "`data`: up to five hits, best first", body = Value))
)]
async fn api_suggest(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiQuery(query): ApiQuery<ApiSuggest>,
) -> Result<Json<Value>, ApiError> {
    let hits = knowledge::suggest(&app, &who.actor, &query.subject).await?;
    Ok(Json(json!({ "data": hits })))
}
