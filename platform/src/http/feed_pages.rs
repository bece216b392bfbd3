//! The feed under a record's page, on the console and the portal: comment, change or delete
//! one's comment, like, follow, and find people to mention. Each answers by going back to the
//! record's page (`sections::page_path`) with what happened.

use std::sync::Arc;

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::Deserialize;

use super::{
    error::PageError,
    extract::{ApiQuery, ConsoleUser, CsrfForm, PortalUser},
    flash, views,
};
use crate::{app::App, auth::Authenticated, notifications, records::feed};

macro_rules! surface_routes {
    ($user:ident) => {{
        async fn comment(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(form): CsrfForm<CommentForm>,
        ) -> Response {
            self::comment(&app, &who, &object, &id, form).await
        }
        async fn change_comment(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id, comment)): Path<(String, String, String)>,
            CsrfForm(form): CsrfForm<CommentForm>,
        ) -> Response {
            self::change_comment(&app, &who, &object, &id, &comment, form).await
        }
        async fn like(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(form): CsrfForm<LikeForm>,
        ) -> Response {
            self::like(&app, &who, &object, &id, form).await
        }
        async fn follow(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(form): CsrfForm<FollowForm>,
        ) -> Response {
            self::follow(&app, &who, &object, &id, form).await
        }
        async fn mentionable(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            ApiQuery(query): ApiQuery<MentionQuery>,
        ) -> Result<Response, PageError> {
            self::mentionable(&app, &who, &object, &id, query).await
        }
        Router::new()
            .route("/{object}/{id}/comments", post(comment))
            .route("/{object}/{id}/comments/{comment}", post(change_comment))
            .route("/{object}/{id}/like", post(like))
            .route("/{object}/{id}/follow", post(follow))
            .route("/{object}/{id}/mentionable", get(mentionable))
    }};
}

/// Merged into `/console/records`.
pub fn console_routes() -> Router<Arc<App>> {
    surface_routes!(ConsoleUser)
}

/// Merged into `/records`.
pub fn portal_routes() -> Router<Arc<App>> {
    surface_routes!(PortalUser)
}

/// Where the record's feed is shown to `who`.
fn back(who: &Authenticated, object: &str, id: &str) -> String {
    format!(
        "{}#feed",
        crate::sections::page_path(who.actor.kind, object, id)
    )
}

#[derive(Debug, Deserialize)]
pub(super) struct CommentForm {
    #[serde(default)]
    body: String,
    /// `delete` deletes the comment instead of changing it.
    #[serde(default)]
    action: String,
}

pub(super) async fn comment(
    app: &App,
    who: &Authenticated,
    object: &str,
    id: &str,
    form: CommentForm,
) -> Response {
    flash::after(
        feed::comment(app, &who.actor, object, id, &form.body).await,
        &back(who, object, id),
        &crate::tr!("knowledge-comment-published"),
    )
}

pub(super) async fn change_comment(
    app: &App,
    who: &Authenticated,
    object: &str,
    id: &str,
    comment: &str,
    form: CommentForm,
) -> Response {
    let body = (form.action != "delete").then_some(form.body.as_str());
    let notice = if body.is_some() {
        crate::tr!("knowledge-comment-changed")
    } else {
        crate::tr!("knowledge-comment-deleted")
    };
    flash::after(
        feed::change_comment(app, &who.actor, object, id, comment, body).await,
        &back(who, object, id),
        &notice,
    )
}

#[derive(Debug, Deserialize)]
struct LikeForm {
    #[serde(default)]
    comment: String,
    on: String,
}

async fn like(app: &App, who: &Authenticated, object: &str, id: &str, form: LikeForm) -> Response {
    let comment = Some(form.comment.as_str()).filter(|c| !c.is_empty());
    let on = form.on == "true";
    flash::after(
        feed::like(app, &who.actor, object, id, comment, on).await,
        &back(who, object, id),
        &if on {
            crate::tr!("knowledge-liked")
        } else {
            crate::tr!("knowledge-like-removed")
        },
    )
}

#[derive(Debug, Deserialize)]
struct FollowForm {
    on: String,
}

async fn follow(
    app: &App,
    who: &Authenticated,
    object: &str,
    id: &str,
    form: FollowForm,
) -> Response {
    let on = form.on == "true";
    flash::after(
        notifications::follow(app, &who.actor, object, id, on).await,
        &back(who, object, id),
        &if on {
            crate::tr!("feed-followed")
        } else {
            crate::tr!("feed-unfollowed")
        },
    )
}

#[derive(Debug, Deserialize)]
struct MentionQuery {
    #[serde(default)]
    q: String,
}

/// People to mention, as a fragment for the comment form's finder.
async fn mentionable(
    app: &App,
    who: &Authenticated,
    object: &str,
    id: &str,
    query: MentionQuery,
) -> Result<Response, PageError> {
    let people = notifications::mentionable(app, &who.actor, object, id, &query.q).await?;
    Ok(views::render(
        "partials/mentionable.html",
        context! { people => Serde(&people), searched => !query.q.trim().is_empty() },
    ))
}
