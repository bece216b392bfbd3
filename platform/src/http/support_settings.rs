//! Console pages of the support team's settings: the development mailbox (the outbox, where mail
//! waits or was sent), the tenant's e-mail templates, and working-time calendars.

use std::sync::Arc;

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::get,
};
use chrono::{NaiveDate, NaiveTime};
use minijinja::{Value as View, context, value::Serde};
use serde::Deserialize;

use super::render_page as render;
use super::{
    error::PageError,
    extract::{ConsoleUser, CsrfForm},
    flash::{self, Flash},
};
use crate::{
    error::{Error, Result},
    mail::{self, Template, Wording},
    sla::{self, Calendar, Hours},
};

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/mail", get(mailbox))
        .route("/mail/templates/{code}", get(template).post(save_template))
        .route("/calendars", get(calendars).post(save_calendar))
}

use crate::app::App;

async fn mailbox(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let messages = mail::mailbox(&app, &who.actor, 100).await?;
    let templates: Vec<View> = mail::templates(&app, &who.actor)
        .await?
        .into_iter()
        .map(|(t, _, custom)| context! { code => t.code(), title => t.title(), custom })
        .collect();
    Ok(render(
        flash,
        "console/mail.html",
        &who,
        context! { here => "settings", messages => Serde(&messages), templates, smtp => app.mail.is_some() },
    ))
}

fn template_of(code: &str) -> Result<Template> {
    Template::parse(code).ok_or(Error::NotFound("template"))
}

async fn template(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(code): Path<String>,
    flash: Flash,
) -> Result<Response, PageError> {
    let template = template_of(&code)?;
    let (_, wording, custom) = mail::templates(&app, &who.actor)
        .await?
        .into_iter()
        .find(|(t, _, _)| *t == template)
        .ok_or(Error::NotFound("template"))?;
    let variables: Vec<String> = template
        .sample_context()
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    Ok(render(
        flash,
        "console/mail_template.html",
        &who,
        context! { here => "settings", code, title => template.title(), wording => Serde(&wording), custom, variables },
    ))
}

#[derive(Debug, Deserialize)]
struct TemplateForm {
    subject: String,
    text_body: String,
    html_body: String,
}

async fn save_template(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(code): Path<String>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> Response {
    let back = format!("/console/mail/templates/{code}");
    let outcome = async {
        let template = template_of(&code)?;
        for (field, value, max) in [
            ("subject", &form.subject, 300),
            ("text_body", &form.text_body, 20_000),
            ("html_body", &form.html_body, 50_000),
        ] {
            if value.trim().is_empty() || value.chars().count() > max {
                return Err(Error::invalid_field(
                    field,
                    format!("must be 1 to {max} characters long"),
                ));
            }
        }
        let wording = Wording {
            subject: form.subject,
            text_body: form.text_body,
            html_body: form.html_body,
        };
        mail::save_template(&app, &who.actor, template, wording).await
    }
    .await;
    flash::after(outcome, &back, "Template saved.")
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

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
        context! { here => "settings", calendars => Serde(&calendars), weekdays => WEEKDAYS.to_vec() },
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
        Error::invalid_field("time_zone", "is not a known time zone, e.g. Europe/Berlin")
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
                .map_err(|_| Error::invalid_field(&key, "must be a time like 09:00")),
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
                    format!("{} needs both a start and an end, or neither", WEEKDAYS[i]),
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
                Error::invalid_field("holidays", format!("{d} is not a date like 2026-12-25"))
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
    flash::after(outcome, "/console/calendars", "Calendar saved.")
}
