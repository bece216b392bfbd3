//! The console's single sign-on page (the tenant's identity providers and its password
//! choices) and the organization profile's own provider (for organization administrators).

use std::sync::Arc;

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use minijinja::{Value as View, context, value::Serde};
use serde::Deserialize;

use super::{
    error::PageError,
    extract::{ConsoleUser, CsrfForm},
    flash::{self, Flash},
    page_context,
    pickers::{self, Picker},
    views,
};
use crate::{
    app::App,
    auth::{
        Authenticated,
        sso::{self, Audience, ProviderInput, SsoSettings},
    },
    error::{Error, FieldErrors, Result},
};

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/sso", get(page))
        .route("/sso/settings", post(save_settings))
        .route("/sso/providers", post(create))
        .route("/sso/providers/{id}", get(edit).post(update))
        .route("/sso/providers/{id}/delete", post(delete))
}

/// The provider form as typed (checkboxes are present when ticked).
#[derive(Debug, Default, Deserialize)]
pub struct ProviderForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
    enabled: Option<String>,
    create_users: Option<String>,
    /// The organization picker's chosen id and typed name.
    #[serde(default)]
    create_users_in: String,
    #[serde(default, rename = "create_users_in__title")]
    create_users_in_title: String,
}

impl ProviderForm {
    /// What the form says, with the organization typed resolved to one.
    pub async fn input(&self, app: &App, who: &Authenticated) -> Result<ProviderInput> {
        let create_users = self.create_users.is_some();
        let organization = match (create_users, self.create_users_in_title.trim()) {
            (true, typed) if !typed.is_empty() => Some(
                pickers::chosen(
                    app,
                    &who.actor,
                    Picker::Organization,
                    "create_users_in",
                    &self.create_users_in,
                    typed,
                )
                .await?,
            ),
            _ => None,
        };
        Ok(ProviderInput {
            name: self.name.clone(),
            audience: match self.audience.as_str() {
                "console" => Audience::Console,
                _ => Audience::Portal,
            },
            issuer: self.issuer.clone(),
            client_id: self.client_id.clone(),
            client_secret: Some(self.client_secret.clone()).filter(|s| !s.is_empty()),
            enabled: self.enabled.is_some(),
            create_users,
            create_users_in: organization,
        })
    }

    /// The form as shown again after a refusal (never the secret).
    pub fn shown(&self) -> View {
        context! {
            name => &self.name, audience => &self.audience, issuer => &self.issuer,
            client_id => &self.client_id, enabled => self.enabled.is_some(),
            create_users => self.create_users.is_some(),
            create_users_in => &self.create_users_in, create_users_in_name => &self.create_users_in_title,
        }
    }
}

/// A refusal of a form on the page: its messages by field, with the status to answer.
pub fn form_refusal(error: Error) -> Result<(StatusCode, FieldErrors)> {
    match error {
        Error::Invalid { fields, .. } => Ok((StatusCode::UNPROCESSABLE_ENTITY, fields)),
        Error::Conflict(message) => Ok((
            StatusCode::CONFLICT,
            [("name".to_owned(), vec![message])].into(),
        )),
        other => Err(other),
    }
}

/// The page: settings, the providers, and the form (to add one, or `editing` one).
async fn render(
    app: &App,
    who: &Authenticated,
    flash: Option<Flash>,
    status: StatusCode,
    editing: Option<sso::Provider>,
    form: Option<(View, FieldErrors)>,
) -> Result<Response> {
    let providers = sso::list(app, &who.actor).await?;
    let settings = sso::settings(app, &who.actor).await?;
    let organization_names: Vec<(String, String)> = providers
        .iter()
        .filter_map(|p| p.organization.or(p.create_users_in))
        .filter_map(|id| crate::organizations::organization(&who.actor, id).ok())
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    let (form, errors) = form.unzip();
    let message = flash.as_ref().and_then(|f| f.message.clone());
    let page = views::render_with_status(
        status,
        "console/sso.html",
        context! {
            here => "users", providers => Serde(&providers), settings => Serde(settings),
            editing => editing.as_ref().map(Serde), form, errors => Serde(&errors),
            organizations => organization_names.into_iter().collect::<std::collections::BTreeMap<_, _>>(),
            secrets_key => app.config.secrets_key.is_some(),
            redirect_uri => format!("{}/sso/callback", app.config.tenant_origin(who.actor.tenant.slug.as_str())),
            flash => message.as_ref().map(Serde),
            ..page_context(who)
        },
    );
    Ok(match flash {
        Some(flash) => flash.show(page),
        None => page,
    })
}

async fn page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    Ok(render(&app, &who, Some(flash), StatusCode::OK, None, None).await?)
}

async fn edit(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    flash: Flash,
) -> Result<Response, PageError> {
    let provider = sso::get(&app, &who.actor, &id).await?;
    Ok(render(
        &app,
        &who,
        Some(flash),
        StatusCode::OK,
        Some(provider),
        None,
    )
    .await?)
}

#[derive(Debug, Deserialize)]
struct SettingsForm {
    portal_passwords: Option<String>,
    console_passwords: Option<String>,
    organization_providers: Option<String>,
}

async fn save_settings(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Response {
    let settings = SsoSettings {
        portal_passwords: form.portal_passwords.is_some(),
        console_passwords: form.console_passwords.is_some(),
        organization_providers: form.organization_providers.is_some(),
    };
    let outcome = sso::set_settings(&app, &who.actor, settings).await;
    flash::after(outcome, "/console/sso", &crate::tr!("sso-settings-saved"))
}

/// Saves the provider form (a new provider, or `id`); a refusal shows the form again, as typed,
/// with each message beside its field.
async fn save(app: &App, who: &Authenticated, id: Option<&str>, form: ProviderForm) -> Response {
    let outcome = async {
        let input = form.input(app, who).await?;
        match id {
            Some(id) => sso::update(app, &who.actor, id, input).await,
            None => sso::create(app, &who.actor, input).await,
        }
    }
    .await;
    let error = match outcome {
        Ok(provider) => {
            let message = crate::tr!("sso-provider-saved", name = provider.name.as_str());
            return flash::notice("/console/sso", &message);
        }
        Err(error) => error,
    };
    let shown = async {
        let (status, errors) = form_refusal(error)?;
        let editing = match id {
            Some(id) => Some(sso::get(app, &who.actor, id).await?),
            None => None,
        };
        render(
            app,
            who,
            None,
            status,
            editing,
            Some((form.shown(), errors)),
        )
        .await
    };
    shown
        .await
        .unwrap_or_else(|error| PageError::from(error).into_response())
}

async fn create(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<ProviderForm>,
) -> Response {
    save(&app, &who, None, form).await
}

async fn update(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProviderForm>,
) -> Response {
    save(&app, &who, Some(&id), form).await
}

async fn delete(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let outcome = sso::delete(&app, &who.actor, &id).await;
    flash::after(outcome, "/console/sso", &crate::tr!("sso-provider-deleted"))
}
