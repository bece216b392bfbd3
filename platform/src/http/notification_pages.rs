//! The bell and the notifications page, for portal users (`/notifications`) and employees
//! (`/console/notifications`): what happened, newest first, marked read when opened or all at
//! once, and which kinds also come by e-mail.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::{Path, State},
    response::{Redirect, Response},
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::Deserialize;

use super::{
    error::PageError,
    extract::{ApiQuery, ConsoleUser, CsrfForm, PortalUser},
    flash::{self, Flash},
    page_context, views,
};
use crate::{
    app::App,
    auth::Authenticated,
    notifications::{self, Kind, Setting},
};

/// Where the pages live and which layout wraps them.
#[derive(Debug, Clone, Copy)]
struct Surface {
    prefix: &'static str,
    layout: &'static str,
}

const CONSOLE: Surface = Surface {
    prefix: "/console/notifications",
    layout: "console/base.html",
};
const PORTAL: Surface = Surface {
    prefix: "/notifications",
    layout: "portal/layout.html",
};

macro_rules! surface_routes {
    ($surface:expr, $user:ident) => {{
        async fn list(
            State(app): State<Arc<App>>,
            $user(who): $user,
            ApiQuery(query): ApiQuery<ListQuery>,
            flash: Flash,
        ) -> Result<Response, PageError> {
            self::list(&app, &who, query, flash, $surface).await
        }
        async fn bell(
            State(app): State<Arc<App>>,
            $user(who): $user,
        ) -> Result<Response, PageError> {
            self::bell(&app, &who).await
        }
        async fn open(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(id): Path<String>,
        ) -> Result<Redirect, PageError> {
            Ok(Redirect::to(
                &notifications::open(&app, &who.actor, &id).await?,
            ))
        }
        async fn read_all(
            State(app): State<Arc<App>>,
            $user(who): $user,
            CsrfForm(_): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            let done = notifications::mark_read(&app, &who.actor, None).await;
            flash::after(done, $surface.prefix, &crate::tr!("notifications-all-read"))
        }
        async fn settings(
            State(app): State<Arc<App>>,
            $user(who): $user,
            CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            self::settings(&app, &who, form, $surface).await
        }
        Router::new()
            .route("/notifications", get(list))
            .route("/notifications/bell", get(bell))
            .route("/notifications/read", post(read_all))
            .route("/notifications/settings", post(settings))
            .route("/notifications/{id}", get(open))
    }};
}

/// Merged into the console (under `/console`).
pub fn console_routes() -> Router<Arc<App>> {
    surface_routes!(CONSOLE, ConsoleUser)
}

pub fn portal_routes() -> Router<Arc<App>> {
    surface_routes!(PORTAL, PortalUser)
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    after: Option<String>,
    /// `1`: only the unread ones.
    unread: Option<String>,
}

async fn list(
    app: &App,
    who: &Authenticated,
    query: ListQuery,
    flash: Flash,
    surface: Surface,
) -> Result<Response, PageError> {
    let unread_only = query.unread.as_deref() == Some("1");
    let page = notifications::page(app, &who.actor, query.after.as_deref(), unread_only).await?;
    let settings = notifications::settings(app, &who.actor).await?;
    let page = views::render(
        "notifications.html",
        context! {
            flash => flash.message.as_ref().map(Serde),
            layout => surface.layout, prefix => surface.prefix, here => "notifications",
            notifications => Serde(&page.data),
            next_cursor => page.next_cursor,
            unread_only,
            settings => Serde(&settings),
            ..page_context(who)
        },
    );
    Ok(flash.show(page))
}

/// The bell's count, as a fragment: empty when nothing is unread.
async fn bell(app: &App, who: &Authenticated) -> Result<Response, PageError> {
    let (count, more) = notifications::unread(app, &who.actor).await?;
    Ok(views::render(
        "partials/bell.html",
        context! { count, more, cap => notifications::BELL_CAP },
    ))
}

/// The form has a checkbox per kind, `email_<kind>`, checked when it should come by e-mail.
async fn settings(
    app: &App,
    who: &Authenticated,
    form: BTreeMap<String, String>,
    surface: Surface,
) -> Response {
    let chosen: Vec<Setting> = Kind::ALL
        .into_iter()
        .map(|kind| Setting {
            kind,
            email: form.contains_key(&format!("email_{}", kind.code())),
        })
        .collect();
    flash::after(
        notifications::set_settings(app, &who.actor, &chosen).await,
        surface.prefix,
        &crate::tr!("notifications-settings-saved"),
    )
}
