//! The language switch in every page's header, and the language and time zone a user chooses on
//! their profile.

use std::sync::Arc;

use axum::{
    Extension, Router,
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use axum_extra::extract::{
    CookieJar,
    cookie::{Cookie, SameSite},
};
use serde::Deserialize;

use super::{
    LANGUAGE_COOKIE,
    extract::{CsrfForm, PortalUser},
    flash,
    middleware::Identity,
};
use crate::{app::App, error::Error, i18n::Language, regional};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/language", post(switch_language))
        .route("/profile/regional", post(save_own))
}

#[derive(Debug, Deserialize)]
struct LanguageForm {
    #[serde(default)]
    language: String,
}

/// A signed-in user's choice is kept on their account; a visitor's in a cookie. Either way the
/// answer goes back to the page the switch was on.
async fn switch_language(
    State(app): State<Arc<App>>,
    identity: Option<Extension<Identity>>,
    headers: HeaderMap,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Response {
    let back = same_site_path(&headers).unwrap_or_else(|| "/".to_owned());
    let Some(language) = Language::parse(&form.language) else {
        let known: Vec<_> = Language::all().map(Language::code).collect();
        let error = Error::invalid_field(
            "language",
            crate::tr!("regional-unknown-language", known = known.join(", ")),
        );
        return flash::refused(&back, error);
    };
    match identity.and_then(|Extension(Identity(who))| who) {
        Some(who) => match regional::set_own_language(&app, &who.actor, language.code()).await {
            Ok(()) => Redirect::to(&back).into_response(),
            Err(error) => flash::refused(&back, error),
        },
        None => {
            let cookie = Cookie::build((LANGUAGE_COOKIE, language.code()))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(!app.config.is_local())
                .max_age(time::Duration::days(365))
                .build();
            (jar.add(cookie), Redirect::to(&back)).into_response()
        }
    }
}

/// The path of the page a form was sent from, if it was this site's (never another host's: no
/// open redirect).
fn same_site_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = rest.strip_prefix(host)?;
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}

async fn save_own(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(form): CsrfForm<regional::Regional>,
) -> Response {
    let outcome = regional::set_own(&app, &who.actor, form).await;
    flash::after(outcome, "/profile", &crate::tr!("regional-saved"))
}
