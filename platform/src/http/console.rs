//! The console (tenant host, `/console`), for the tenant's employees: home and users.

use std::sync::Arc;

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use minijinja::{Value as View, context, value::Serde};
use serde::Deserialize;

use super::{
    PeopleQuery,
    error::PageError,
    extract::{ApiQuery, ConsoleUser, CsrfForm},
    flash, page_context,
    sign_in::handlers,
    views,
};
use crate::{
    app::App,
    auth::{self, Authenticated},
    error::{Error, Result},
    users::{self, NewUser},
};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route(
            "/login",
            get(handlers::console_show).post(handlers::console_submit),
        )
        .route("/logout", post(handlers::console_sign_out))
        .route("/users", get(list_users).post(create_user))
        .route("/users/security", post(save_security))
        .route("/users/invitations", post(invite_users))
        .merge(super::console_access::routes())
        .merge(super::pickers::routes())
        .nest("/records", super::record_pages::console_routes())
        .merge(super::notification_pages::console_routes())
        .merge(super::support::console_routes())
        .merge(super::support_settings::console_routes())
        .merge(super::sections::console_routes())
        .merge(super::branding::console_routes())
        .merge(super::main_page::console_routes())
        .merge(super::partners::console_routes())
        .merge(super::licenses::console_routes())
        .merge(super::user_import::console_routes())
        .merge(super::sso_pages::console_routes())
        .merge(super::profile_setup::console_routes())
}

async fn home(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
) -> Result<Response, PageError> {
    let catalog = who.actor.catalog.clone();
    let objects: Vec<_> = catalog
        .objects()
        .map(|o| context! { code => o.code.as_str(), title => o.plural_shown() })
        .collect();
    // For those who may write articles.
    let insights = crate::sections::knowledge::insights(&app, &who.actor)
        .await
        .ok();
    Ok(views::render(
        "console/home.html",
        context! { objects, insights => insights.as_ref().map(Serde), here => "home", ..page_context(&who) },
    ))
}

async fn list_users(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    ApiQuery(query): ApiQuery<PeopleQuery>,
    flash: flash::Flash,
) -> Result<Response, PageError> {
    let page = users_page(&app, &who, &query).await?;
    Ok(super::render_page(flash, "console/users.html", &who, page))
}

/// The users page's list (a page of it, searched) and security settings.
async fn users_page(app: &App, who: &Authenticated, query: &PeopleQuery) -> Result<View> {
    let page = users::page(app, &who.actor, &query.users()).await?;
    let security = auth::security::get(app, &who.actor).await?;
    // The licenses a new portal user may take (none for those who may not add portal users).
    let may_license =
        crate::access::check(&who.actor, crate::access::Capability::ManagePortalUsers).is_ok();
    let licenses = match may_license {
        true => crate::licenses::overview(app, &who.actor).await?.licenses,
        false => Vec::new(),
    };
    Ok(context! {
        users => Serde(&page.data), security => Serde(security), here => "users",
        licenses => Serde(licenses),
        ..query.place(page.data.len(), page.next_cursor.as_deref(), page.count)
    })
}

#[derive(Debug, Deserialize)]
struct SecurityForm {
    /// A checkbox: present when ticked.
    revoke_api_tokens_on_password_change: Option<String>,
    #[serde(default)]
    invitation_valid_days: String,
    #[serde(default)]
    recovery_valid_minutes: String,
    /// A checkbox: present when ticked.
    self_registration: Option<String>,
}

async fn save_security(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<SecurityForm>,
) -> Response {
    let whole = super::whole_number;
    let outcome = async {
        let settings = auth::security::SecuritySettings {
            revoke_api_tokens_on_password_change: form
                .revoke_api_tokens_on_password_change
                .is_some(),
            invitation_valid_days: whole("invitation_valid_days", &form.invitation_valid_days)?,
            recovery_valid_minutes: whole("recovery_valid_minutes", &form.recovery_valid_minutes)?,
            self_registration: form.self_registration.is_some(),
        };
        auth::security::set(&app, &who.actor, settings).await
    }
    .await;
    flash::after(
        outcome,
        "/console/users",
        &crate::tr!("console-security-saved"),
    )
}

#[derive(Debug, Deserialize)]
struct InviteForm {
    /// The ticked users' ids.
    #[serde(default)]
    users: Vec<String>,
}

async fn invite_users(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Response {
    super::console_access::send_invitations(
        &app,
        &who.actor,
        &form.users.join(","),
        "/console/users",
    )
    .await
}

#[derive(Debug, Deserialize)]
struct NewUserForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    kind: String,
    /// A checkbox: send the invitation by e-mail at once.
    invite: Option<String>,
    /// The portal license of an external user (empty: the default).
    #[serde(default)]
    license: String,
}

async fn create_user(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Result<Response, PageError> {
    let outcome = async {
        let new = NewUser::parse(&form.login, &form.full_name, &form.kind)?;
        let license = Some(form.license.as_str())
            .filter(|l| !l.is_empty())
            .map(crate::licenses::parse_license)
            .transpose()?;
        users::create(&app, &who.actor, new, form.invite.is_some(), license).await
    }
    .await;
    let (status, created, errors) = match outcome {
        Ok(created) => (StatusCode::CREATED, Some(created), None),
        Err(Error::Invalid { fields, .. }) => {
            (StatusCode::UNPROCESSABLE_ENTITY, None, Some(fields))
        }
        Err(Error::Conflict(message)) => (
            StatusCode::CONFLICT,
            None,
            Some([("login".to_owned(), vec![message])].into()),
        ),
        Err(other) => return Err(other.into()),
    };
    let list = users_page(&app, &who, &PeopleQuery::default()).await?;
    // On failure the form keeps what was typed.
    let form = errors.is_some().then_some(context! {
        login => form.login, full_name => form.full_name, kind => form.kind, invite => form.invite.is_some(),
        license => form.license,
    });
    Ok(views::render_with_status(
        status,
        "console/users.html",
        context! { created => Serde(&created), errors => Serde(&errors), form, ..context! { ..list, ..page_context(&who) } },
    )
    .into_response())
}
