//! The portal main page: as the caller sees it, and its design (for holders of "portal main
//! page setup"): the draft, saving it whole, publishing it, discarding it.

use std::sync::Arc;

use axum::{Json, extract::State};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    app::App,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiUser},
    },
    main_page::{self, Design, Drafts},
};

type Answer<T> = Result<Json<T>, ApiError>;

/// The caller's main page: its tabs, each with the widgets they may read and their data.
#[derive(Debug, Serialize, ToSchema)]
pub struct MainPageView {
    tabs: Vec<TabView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TabView {
    title: String,
    widgets: Vec<WidgetView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetView {
    /// `banner`, `list`, `chart` (its `svg` drawn on the server), `metric`, `link`, or a
    /// section's (`my_cases`, `popular_articles`, ...).
    kind: String,
    data: serde_json::Value,
}

#[utoipa::path(
    get,
    path = "/main-page",
    tag = "portal",
    operation_id = "main_page",
    summary = "The caller's main page: tabs of widgets with their data, those they may not read left out",
    responses((status = 200, description = "The main page", body = MainPageView))
)]
pub async fn view(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<MainPageView> {
    let page = main_page::for_viewer(&app, &who.actor).await?;
    let tabs = main_page::view(&app, &who.actor, &page).await;
    Ok(Json(MainPageView {
        tabs: tabs
            .into_iter()
            .map(|t| TabView {
                title: t.title,
                widgets: t
                    .widgets
                    .into_iter()
                    .map(|w| WidgetView {
                        kind: w.kind.to_owned(),
                        data: w.data,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[utoipa::path(
    get,
    path = "/settings/main-page",
    tag = "tenant",
    operation_id = "main_page_design",
    summary = "The main page's draft and what is published",
    responses((status = 200, description = "The design", body = Drafts))
)]
pub async fn design(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<Drafts> {
    Ok(Json(main_page::drafts(&app, &who.actor).await?))
}

#[utoipa::path(
    put,
    path = "/settings/main-page",
    tag = "tenant",
    operation_id = "save_main_page_draft",
    summary = "Replaces the draft; nothing changes unless every page, tab and widget is sound",
    request_body = Design,
    responses((status = 200, description = "The design", body = Drafts))
)]
pub async fn save(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(design): ApiJson<Design>,
) -> Answer<Drafts> {
    Ok(Json(main_page::save_draft(&app, &who.actor, design).await?))
}

#[utoipa::path(
    post,
    path = "/settings/main-page/publish",
    tag = "tenant",
    operation_id = "publish_main_page",
    summary = "Publishes the draft: portal users see it from their next page on",
    responses((status = 200, description = "The design", body = Drafts))
)]
pub async fn publish(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<Drafts> {
    Ok(Json(main_page::publish(&app, &who.actor).await?))
}

#[utoipa::path(
    delete,
    path = "/settings/main-page/draft",
    tag = "tenant",
    operation_id = "discard_main_page_draft",
    summary = "Throws the draft away: it is what is published again",
    responses((status = 200, description = "The design", body = Drafts))
)]
pub async fn discard(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer<Drafts> {
    Ok(Json(main_page::discard_draft(&app, &who.actor).await?))
}
