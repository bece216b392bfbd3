//! The portal (tenant host, `/`): home, profile with password change, and account setup links.

use std::sync::Arc;

use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use axum_extra::extract::CookieJar;
use minijinja::{context, value::Serde};
use serde::Deserialize;

use super::{
    PeopleQuery,
    console_access::{
        MemberChangeForm, MemberRoleForm, NewMembersForm, ProfileForm, address_fields,
        apply_member_change, members_added, picked_roles, role_id, send_invitations, user_id,
    },
    error::PageError,
    extract::{ApiQuery, CsrfForm, PortalUser, TenantOf},
    flash::{self, Flash},
    page_context,
    sign_in::{self, handlers},
    views,
};
use crate::{
    access::RoleId,
    app::App,
    auth::{self, Authenticated, password_links},
    error::Error,
    organizations,
    users::UserKind,
};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .merge(super::main_page::portal_routes())
        .route(
            "/login",
            get(handlers::portal_show).post(handlers::portal_submit),
        )
        .route("/logout", post(handlers::portal_sign_out))
        .route("/sso/callback", get(handlers::sso_callback))
        .route("/sso/{provider}", get(handlers::sso_start))
        .route("/profile", get(profile))
        .route("/partner-program", get(partner_program))
        .route("/profile/password", post(change_password))
        .route("/profile/details", post(save_details))
        .route(
            "/profile/photo",
            get(own_photo)
                .post(upload_photo)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/profile/photo/remove", post(remove_photo))
        .route("/set-password", get(setup_form).post(setup_submit))
        .route(
            "/forgot-password",
            get(handlers::forgot_show).post(handlers::forgot_submit),
        )
        .route(
            "/register",
            get(handlers::register_show).post(handlers::register_submit),
        )
        .route(
            "/register/confirm",
            get(handlers::confirm_show).post(handlers::confirm_submit),
        )
        .nest("/records", super::record_pages::portal_routes())
        .merge(super::notification_pages::portal_routes())
        .merge(super::support::portal_routes())
        .merge(super::knowledge::portal_routes())
        .merge(super::sections::icon_routes())
        .route("/organization", get(organization))
        .route("/organization/profile", post(organization_profile))
        .route("/organization/sso", post(organization_sso))
        .route("/organization/sso/delete", post(organization_sso_remove))
        .route("/organization/members", post(organization_add_members))
        .route(
            "/organization/members/{user}",
            post(organization_change_member),
        )
        .route(
            "/organization/members/{user}/roles",
            post(organization_member_role),
        )
        .route(
            "/organization/members/{user}/invitation",
            post(organization_invite_member),
        )
        .route("/organization/addresses", post(organization_add_address))
        .route(
            "/organization/addresses/{address}/delete",
            post(organization_delete_address),
        )
}

/// The organization a portal user administers; anyone else has none.
fn own_organization(who: &Authenticated) -> Result<RoleId, PageError> {
    match who.actor.organization {
        Some(org) if who.actor.organization_admin => Ok(org),
        _ => Err(PageError::not_found()),
    }
}

const ORGANIZATION: &str = "/organization";

async fn organization(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    ApiQuery(people): ApiQuery<PeopleQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let page = organization_page(&app, &who, &people, Some(&flash), StatusCode::OK, None).await?;
    Ok(flash.show(page))
}

/// The organization's page, with its own identity provider's form as typed and refused, if so.
async fn organization_page(
    app: &App,
    who: &Authenticated,
    people: &PeopleQuery,
    flash: Option<&Flash>,
    status: StatusCode,
    sso_form: Option<(minijinja::Value, crate::error::FieldErrors)>,
) -> Result<Response, PageError> {
    let organization = own_organization(who)?;
    let profile = organizations::profile(app, &who.actor, organization, &people.users()).await?;
    let sso = auth::sso::of_organization(app, &who.actor, organization).await?;
    let (sso_form, sso_errors) = sso_form.unzip();
    Ok(views::render_with_status(
        status,
        "portal/organization.html",
        context! { flash => flash.and_then(|f| f.message.as_ref()).map(Serde), sso => Serde(&sso), sso_form, sso_errors => Serde(&sso_errors), ..context! { profile => Serde(&profile), base => ORGANIZATION, ..context! { ..people.place(profile.members.len(), profile.members_next_cursor.as_deref(), profile.members_count), ..page_context(who) } } },
    ))
}

/// Connects or changes the organization's own identity provider; a refusal shows the form again.
async fn organization_sso(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(form): CsrfForm<super::sso_pages::ProviderForm>,
) -> Result<Response, PageError> {
    let org = own_organization(&who)?;
    let outcome = async {
        let input = form.input(&app, &who).await?;
        auth::sso::set_organization_provider(&app, &who.actor, org, input).await
    }
    .await;
    match outcome {
        Ok(_) => Ok(flash::notice(
            ORGANIZATION,
            &crate::tr!("sso-organization-saved"),
        )),
        Err(Error::Forbidden(message)) => {
            Ok(flash::refused(ORGANIZATION, Error::Forbidden(message)))
        }
        Err(error) => {
            let (status, errors) = super::sso_pages::form_refusal(error)?;
            let people = PeopleQuery::default();
            organization_page(
                &app,
                &who,
                &people,
                None,
                status,
                Some((form.shown(), errors)),
            )
            .await
        }
    }
}

async fn organization_sso_remove(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let org = own_organization(&who)?;
    let outcome = auth::sso::remove_organization_provider(&app, &who.actor, org).await;
    Ok(flash::after(
        outcome,
        ORGANIZATION,
        &crate::tr!("sso-organization-removed"),
    ))
}

async fn organization_profile(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<Response, PageError> {
    let outcome = organizations::update_profile(
        &app,
        &who.actor,
        own_organization(&who)?,
        &form.name,
        &form.phone,
    )
    .await;
    Ok(flash::after(
        outcome,
        ORGANIZATION,
        &crate::tr!("portal-org-profile-saved"),
    ))
}

async fn organization_add_members(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(form): CsrfForm<NewMembersForm>,
) -> Result<Response, PageError> {
    let org = own_organization(&who)?;
    let outcome = async {
        organizations::add_members_by_email(
            &app,
            &who.actor,
            org,
            &form.emails,
            &picked_roles(&form.role)?,
        )
        .await
    }
    .await;
    Ok(members_added(ORGANIZATION, outcome))
}

async fn organization_change_member(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(user): Path<String>,
    CsrfForm(form): CsrfForm<MemberChangeForm>,
) -> Result<Response, PageError> {
    let org = own_organization(&who)?;
    let outcome =
        async { apply_member_change(&app, &who.actor, org, user_id(&user)?, form).await }.await;
    Ok(flash::after(
        outcome,
        ORGANIZATION,
        &crate::tr!("portal-org-member-updated"),
    ))
}

async fn organization_invite_member(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(user): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    own_organization(&who)?;
    Ok(send_invitations(&app, &who.actor, &user, ORGANIZATION).await)
}

async fn organization_member_role(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(user): Path<String>,
    CsrfForm(form): CsrfForm<MemberRoleForm>,
) -> Result<Response, PageError> {
    let org = own_organization(&who)?;
    let outcome = async {
        organizations::set_member_role(
            &app,
            &who.actor,
            org,
            user_id(&user)?,
            role_id(&form.role)?,
            form.member == "true",
        )
        .await
    }
    .await;
    Ok(flash::after(
        outcome,
        ORGANIZATION,
        &crate::tr!("portal-org-roles-saved"),
    ))
}

async fn organization_add_address(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(form): CsrfForm<std::collections::BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let outcome = organizations::add_address(
        &app,
        &who.actor,
        own_organization(&who)?,
        &address_fields(form),
    )
    .await;
    Ok(flash::after(
        outcome,
        ORGANIZATION,
        &crate::tr!("portal-org-address-added"),
    ))
}

async fn organization_delete_address(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Path(address): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    let outcome =
        organizations::delete_address(&app, &who.actor, own_organization(&who)?, &address).await;
    Ok(flash::after(
        outcome,
        ORGANIZATION,
        &crate::tr!("portal-org-address-deleted"),
    ))
}

/// The partner's program: tier, progress toward the next, benefits, figures, trainings.
async fn partner_program(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
) -> Result<Response, PageError> {
    let program = crate::sections::partners::program_page(&app, &who.actor).await?;
    Ok(views::render(
        "portal/partner_program.html",
        context! { program => program.as_ref().map(Serde), ..page_context(&who) },
    ))
}

async fn profile(
    State(app): State<Arc<App>>,
    flash: Flash,
    PortalUser(who): PortalUser,
) -> Response {
    match profile_context(&app, &who).await {
        Ok(context) => super::render_page(flash, "portal/profile.html", &who, context),
        Err(error) => PageError::from(error).into_response(),
    }
}

/// What the profile page shows besides its forms' outcomes: the person's details and photo,
/// and the regional choices.
async fn profile_context(app: &App, who: &Authenticated) -> crate::error::Result<minijinja::Value> {
    let (profile, services) = crate::profile::page(app, &who.actor).await?;
    let tenant_zone = who.actor.tenant.time_zone.as_deref().unwrap_or("UTC");
    Ok(context! {
        profile => Serde(&profile),
        services => Serde(&services),
        max_photo_kb => crate::profile::MAX_PHOTO_BYTES / 1024,
        regional => Serde(crate::regional::own(&who.actor)),
        tenant_zone,
        time_zones => crate::i18n::time_zone_names(),
        ..page_context(who)
    })
}

/// The profile page again, with what a form answered (`extra`) and its status.
async fn profile_with(
    app: &App,
    who: &Authenticated,
    status: StatusCode,
    extra: minijinja::Value,
) -> Response {
    match profile_context(app, who).await {
        Ok(context) => views::render_with_status(
            status,
            "portal/profile.html",
            context! { ..extra, ..context },
        ),
        Err(error) => PageError::from(error).into_response(),
    }
}

/// A profile form's answer: back to the page saying `saved`, or, refused field by field, the
/// page again (422) with what `refused` makes of the errors.
async fn profile_answer<T>(
    app: &App,
    who: &Authenticated,
    outcome: crate::error::Result<T>,
    saved: &str,
    refused: impl FnOnce(&crate::error::FieldErrors) -> minijinja::Value,
) -> Response {
    match outcome {
        Ok(_) => flash::notice("/profile", saved),
        Err(Error::Invalid { fields, .. }) => {
            profile_with(app, who, StatusCode::UNPROCESSABLE_ENTITY, refused(&fields)).await
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

async fn save_details(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(form): CsrfForm<std::collections::BTreeMap<String, String>>,
) -> Response {
    let changes = form
        .iter()
        .filter(|(field, _)| *field != "csrf_token")
        .map(|(field, value)| (field.clone(), serde_json::Value::String(value.clone())))
        .collect();
    let outcome = crate::profile::update_own(&app, &who.actor, changes).await;
    profile_answer(
        &app,
        &who,
        outcome,
        &crate::tr!("profile-saved"),
        |errors| {
            context! { detail_errors => Serde(errors), typed => Serde(&form) }
        },
    )
    .await
}

async fn upload_photo(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    form: super::extract::CsrfMultipart,
) -> Response {
    let outcome = match form.files.into_iter().next() {
        Some(file) => crate::profile::set_photo(&app, &who.actor, Some(file.bytes)).await,
        None => Err(Error::invalid_field(
            "photo",
            crate::tr!("profile-photo-choose"),
        )),
    };
    profile_answer(
        &app,
        &who,
        outcome,
        &crate::tr!("profile-photo-saved"),
        |errors| {
            context! { photo_errors => Serde(errors) }
        },
    )
    .await
}

async fn remove_photo(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(_): CsrfForm<std::collections::BTreeMap<String, String>>,
) -> Response {
    let outcome = crate::profile::set_photo(&app, &who.actor, None).await;
    flash::after(outcome, "/profile", &crate::tr!("profile-photo-removed"))
}

/// The signed-in person's photo; the page names it with `?v=` and its stored name, so it may be
/// kept as long as the browser likes.
async fn own_photo(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
) -> Result<Response, PageError> {
    let (content_type, bytes) = crate::profile::photo(&app, &who.actor).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=31536000",
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn change_password(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Response {
    let outcome = if form.new_password != form.confirm_password {
        Err(Error::invalid_field(
            "confirm_password",
            crate::tr!("auth-new-password-mismatch"),
        ))
    } else {
        auth::change_password(&app, &who, &form.current_password, &form.new_password).await
    };
    match outcome {
        Ok(()) => {
            let extra = context! { notice => crate::tr!("auth-password-changed") };
            profile_with(&app, &who, StatusCode::OK, extra).await
        }
        Err(Error::Invalid { fields, .. }) => {
            let extra = context! { errors => Serde(&fields) };
            profile_with(&app, &who, StatusCode::UNPROCESSABLE_ENTITY, extra).await
        }
        Err(other) => PageError::from(other).into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct SetupQuery {
    #[serde(default)]
    token: String,
}

#[derive(Debug, Deserialize)]
struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

fn link_used() -> String {
    crate::tr!("auth-setup-link-used")
}

/// Where a user of `kind` signs in.
fn login_page(kind: UserKind) -> &'static str {
    match kind {
        UserKind::Employee => "/console/login",
        _ => "/login",
    }
}

async fn setup_form(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    jar: CookieJar,
    Query(query): Query<SetupQuery>,
) -> Result<Response, PageError> {
    let form = password_links::open(&app, &tenant, &query.token)
        .await?
        .ok_or_else(|| PageError::Status(StatusCode::GONE, link_used()))?;
    // Someone who signs in through a provider only is sent there, not asked for a password
    // they could not use.
    let through_provider = auth::sso::password_refused(&app, &tenant, &form.user).await?;
    let login_page = login_page(form.user.kind);
    let (jar, csrf_token) = sign_in::anon_csrf(&app, jar);
    let page = views::render(
        "set_password.html",
        context! { tenant => Serde(&*tenant), login => form.user.login.as_str(), token => form.token, csrf_token, through_provider, login_page },
    );
    Ok((jar, page).into_response())
}

async fn setup_submit(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> Result<Response, PageError> {
    let outcome = if form.new_password != form.confirm_password {
        Err(Error::invalid_field(
            "confirm_password",
            crate::tr!("auth-new-password-mismatch"),
        ))
    } else {
        password_links::set_password_by_link(&app, &tenant, &form.token, &form.new_password).await
    };
    match outcome {
        Ok(user) => Ok(Redirect::to(login_page(user.kind)).into_response()),
        Err(Error::Invalid { fields, .. }) => {
            let user = password_links::holder_of(&app, &tenant, &form.token)
                .await?
                .ok_or_else(|| PageError::Status(StatusCode::GONE, link_used()))?;
            let (jar, csrf_token) = sign_in::anon_csrf(&app, jar);
            let page = views::render_with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                "set_password.html",
                context! { tenant => Serde(&*tenant), login => user.login.as_str(), token => form.token, csrf_token, errors => Serde(&fields) },
            );
            Ok((jar, page).into_response())
        }
        Err(Error::BadRequest(_)) => Err(PageError::Status(StatusCode::GONE, link_used())),
        Err(other) => Err(other.into()),
    }
}
