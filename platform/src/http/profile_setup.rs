//! The console's "Profile page": which contact details portal users see on their profile and
//! which they change there (for those who configure access, as the reference has it).

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::get,
};
use minijinja::{context, value::Serde};

use super::{
    error::PageError,
    extract::{ConsoleUser, CsrfForm},
    flash::{self, Flash},
    render_page, views,
};
use crate::{
    app::App,
    error::{Error, FieldErrors},
    profile::{self, FieldChoice, OnProfile},
};

const PAGE: &str = "/console/profile-page";

pub fn console_routes() -> Router<Arc<App>> {
    Router::new().route("/profile-page", get(page).post(save))
}

async fn page(
    State(app): State<Arc<App>>,
    flash: Flash,
    ConsoleUser(who): ConsoleUser,
) -> Result<Response, PageError> {
    let settings = profile::settings(&app, &who.actor).await?;
    Ok(render_page(
        flash,
        "console/profile_page.html",
        &who,
        context! { here => "branding", settings => Serde(&settings) },
    ))
}

/// One select per field, named by the field: `hidden`, `shown` or `editable`.
async fn save(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Response {
    let mut wanted = Vec::new();
    let mut errors = FieldErrors::new();
    for (field, choice) in form.iter().filter(|(field, _)| *field != "csrf_token") {
        match serde_json::from_value::<OnProfile>(serde_json::Value::String(choice.clone())) {
            Ok(shown) => wanted.push(FieldChoice {
                field: field.clone(),
                shown,
            }),
            Err(_) => errors
                .entry(field.clone())
                .or_default()
                .push(crate::tr!("profile-setup-unknown-choice")),
        }
    }
    let outcome = if errors.is_empty() {
        profile::set_settings(&app, &who.actor, &wanted).await
    } else {
        Err(Error::invalid_fields(errors))
    };
    match outcome {
        Ok(_) => flash::notice(PAGE, &crate::tr!("profile-setup-saved")),
        Err(Error::Invalid { fields, .. }) => match profile::settings(&app, &who.actor).await {
            Ok(settings) => views::render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "console/profile_page.html",
                context! {
                    here => "branding", settings => Serde(&settings), errors => Serde(&fields),
                    typed => Serde(&form), ..super::page_context(&who)
                },
            ),
            Err(error) => PageError::from(error).into_response(),
        },
        Err(other) => PageError::from(other).into_response(),
    }
}
