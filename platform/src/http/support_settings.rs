//! Console pages of the support team's settings: the development mailbox (the outbox, where mail
//! waits or was sent), the tenant's e-mail templates, and working-time calendars.

use std::sync::Arc;

use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use chrono::{NaiveDate, NaiveTime};
use minijinja::{Value as View, context, value::Serde};
use serde::Deserialize;

use super::render_page as render;
use super::{
    error::PageError,
    extract::{ConsoleUser, CsrfForm},
    flash::{self, Flash},
    views,
};
use crate::{
    error::{Error, Result},
    mail::{self, Template, Wording},
    sla::{self, Calendar, Hours},
};

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/mail", get(mailbox))
        .route("/mail/language", post(save_language))
        .route("/mail/sender", post(save_sender))
        .route("/mail/templates/{code}", get(template).post(save_template))
        .route("/mail/templates/{code}/preview", post(preview_template))
        .route("/calendars", get(calendars).post(save_calendar))
}

use crate::app::App;

async fn mailbox(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let messages = mail::mailbox(&app, &who.actor, 100).await?;
    let templates: Vec<View> = mail::templates(&app, &who.actor, "en")
        .await?
        .into_iter()
        .map(|(t, _, custom)| context! { code => t.code(), title => t.title(), custom })
        .collect();
    let language = mail::tenant_default_language(&who.actor)?;
    let sender = mail::sender(&app, &who.actor).await?;
    Ok(render(
        flash,
        "console/mail.html",
        &who,
        context! {
            here => "settings", messages => Serde(&messages), templates, smtp => app.mail.is_some(),
            language, languages => mail::languages(), sender => Serde(&sender),
            time_zone => &who.actor.tenant.time_zone, time_zones => crate::i18n::time_zone_names(),
            platform_sender => &app.config.mail_from, sender_domains => &app.config.mail_sender_domains,
        },
    ))
}

#[derive(Debug, Deserialize)]
struct LanguageForm {
    #[serde(default)]
    language: String,
    #[serde(default)]
    time_zone: String,
}

async fn save_language(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Response {
    let outcome =
        mail::set_regional_defaults(&app, &who.actor, &form.language, &form.time_zone).await;
    flash::after(
        outcome,
        "/console/mail",
        &crate::tr!("mail-page-language-saved"),
    )
}

async fn save_sender(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<mail::Sender>,
) -> Response {
    let outcome = mail::set_sender(&app, &who.actor, form).await;
    flash::after(
        outcome,
        "/console/mail",
        &crate::tr!("mail-page-sender-saved"),
    )
}

fn template_of(code: &str) -> Result<Template> {
    Template::parse(code).ok_or(Error::NotFound("template"))
}

#[derive(Debug, Deserialize)]
struct LanguageQuery {
    #[serde(default)]
    language: Option<String>,
}

async fn template(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(code): Path<String>,
    Query(query): Query<LanguageQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let template = template_of(&code)?;
    let language = mail::parse_language(query.language.as_deref().unwrap_or("en"))?;
    let (_, wording, custom) = mail::templates(&app, &who.actor, language)
        .await?
        .into_iter()
        .find(|(t, _, _)| *t == template)
        .ok_or(Error::NotFound("template"))?;
    let variables: Vec<&str> = ["tenant", "name"]
        .into_iter()
        .chain(template.variables().iter().copied())
        .collect();
    let preview = mail::preview(&who.actor, template, &wording).ok();
    Ok(render(
        flash,
        "console/mail_template.html",
        &who,
        context! {
            here => "settings", code, title => template.title(), wording => Serde(&wording), custom,
            variables, required => template.required(), language, languages => mail::languages(),
            preview => preview.as_ref().map(Serde),
        },
    ))
}

#[derive(Debug, Deserialize)]
struct TemplateForm {
    #[serde(default)]
    language: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    text_body: String,
    #[serde(default)]
    html_body: String,
    /// Present when "Back to the built-in wording" was pressed.
    reset: Option<String>,
}

impl TemplateForm {
    /// The language edited (English when the form names none).
    fn language(&self) -> &str {
        if self.language.is_empty() {
            "en"
        } else {
            &self.language
        }
    }

    /// The wording typed, each part within its length.
    fn wording(self) -> Result<Wording> {
        let mut errors = crate::error::FieldErrors::new();
        for (field, value, max) in [
            ("subject", &self.subject, 300),
            ("text_body", &self.text_body, 20_000),
            ("html_body", &self.html_body, 50_000),
        ] {
            if value.trim().is_empty() || value.chars().count() > max {
                errors.insert(
                    field.to_owned(),
                    vec![crate::tr!("mail-page-length", max = max)],
                );
            }
        }
        if !errors.is_empty() {
            return Err(Error::invalid_fields(errors));
        }
        Ok(Wording {
            subject: self.subject,
            text_body: self.text_body,
            html_body: self.html_body,
        })
    }
}

async fn save_template(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> Response {
    let back = format!(
        "/console/mail/templates/{code}?language={}",
        form.language()
    );
    let reset = form.reset.is_some();
    let outcome = async {
        let template = template_of(&code)?;
        let language = form.language().to_owned();
        let wording = if reset { None } else { Some(form.wording()?) };
        mail::save_template(&app, &who.actor, template, &language, wording).await
    }
    .await;
    let notice = if reset {
        crate::tr!("mail-page-wording-reset")
    } else {
        crate::tr!("mail-page-template-saved")
    };
    flash::after(outcome, &back, &notice)
}

/// The message as the sample recipient would get it, or what is wrong with the wording (htmx
/// swaps it in beside the form as it is typed).
async fn preview_template(
    ConsoleUser(who): ConsoleUser,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> Result<Response, PageError> {
    let template = template_of(&code)?;
    let outcome = form
        .wording()
        .and_then(|wording| mail::preview(&who.actor, template, &wording));
    let (preview, errors) = match outcome {
        Ok(preview) => (Some(preview), None),
        Err(Error::Invalid { fields, .. }) => (None, Some(fields)),
        Err(other) => return Err(other.into()),
    };
    Ok(views::render(
        "console/mail_preview.html",
        context! { preview => preview.as_ref().map(Serde), errors => errors.as_ref().map(Serde) },
    ))
}

/// The weekdays, Monday first, in the reader's language.
fn weekdays() -> [String; 7] {
    [
        crate::tr!("mail-page-monday"),
        crate::tr!("mail-page-tuesday"),
        crate::tr!("mail-page-wednesday"),
        crate::tr!("mail-page-thursday"),
        crate::tr!("mail-page-friday"),
        crate::tr!("mail-page-saturday"),
        crate::tr!("mail-page-sunday"),
    ]
}

async fn calendars(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let calendars = sla::calendars::list(&app, &who.actor).await?;
    Ok(render(
        flash,
        "console/calendars.html",
        &who,
        context! { here => "settings", calendars => Serde(&calendars), weekdays => weekdays().to_vec() },
    ))
}

/// The calendar form: a name, a time zone, each weekday's start and end (both empty for a day
/// off), and holidays as dates separated by commas or spaces.
#[derive(Debug, Deserialize)]
struct CalendarForm {
    #[serde(default)]
    id: String,
    name: String,
    time_zone: String,
    #[serde(default)]
    holidays: String,
    #[serde(flatten)]
    days: std::collections::BTreeMap<String, String>,
}

fn parse_calendar(form: &CalendarForm) -> Result<Calendar> {
    let time_zone = form.time_zone.trim().parse().map_err(|_| {
        Error::invalid_field("time_zone", crate::tr!("mail-page-unknown-time-zone"))
    })?;
    let time = |key: String| -> Result<Option<NaiveTime>> {
        match form
            .days
            .get(&key)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            None => Ok(None),
            Some(v) => NaiveTime::parse_from_str(v, "%H:%M")
                .map(Some)
                .map_err(|_| Error::invalid_field(&key, crate::tr!("mail-page-time-format"))),
        }
    };
    let mut week = [None; 7];
    for (i, day) in week.iter_mut().enumerate() {
        *day = match (time(format!("start_{i}"))?, time(format!("end_{i}"))?) {
            (Some(start), Some(end)) => Some(Hours { start, end }),
            (None, None) => None,
            _ => {
                return Err(Error::invalid_field(
                    &format!("end_{i}"),
                    crate::tr!("mail-page-day-needs-both", day = &weekdays()[i]),
                ));
            }
        };
    }
    let holidays = form
        .holidays
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                Error::invalid_field("holidays", crate::tr!("mail-page-not-a-date", date = d))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Calendar {
        time_zone,
        week,
        holidays,
    })
}

async fn save_calendar(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<CalendarForm>,
) -> Response {
    let outcome = async {
        let calendar = parse_calendar(&form)?;
        let id = Some(form.id.as_str()).filter(|i| !i.is_empty());
        sla::calendars::save(&app, &who.actor, id, &form.name, &calendar).await
    }
    .await;
    flash::after(
        outcome,
        "/console/calendars",
        &crate::tr!("mail-page-calendar-saved"),
    )
}
