//! Server-rendered pages: minijinja templates embedded in the binary, autoescaped as HTML.

use std::sync::{Arc, LazyLock};

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use minijinja::{AutoEscape, Environment, Value, value::Kwargs};
use portico_tenants::Tenant;

use crate::{branding, i18n};

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates![
    "base.html",
    "error.html",
    "login.html",
    "set_password.html",
    "forgot_password.html",
    "register.html",
    "register_confirm.html",
    "sso_continue.html",
    "portal/home.html",
    "portal/profile.html",
    "console/base.html",
    "console/home.html",
    "console/users.html",
    "console/user_import.html",
    "console/sso.html",
    "console/profile_page.html",
    "partials/agreements.html",
    "console/user.html",
    "console/access/overview.html",
    "console/access/roles.html",
    "console/access/organizations.html",
    "console/access/organization.html",
    "console/access/objects.html",
    "console/access/object.html",
    "partials/picker.html",
    "partials/provider_fields.html",
    "console/access/operations.html",
    "console/access/explain.html",
    "console/access/audit.html",
    "organization_profile.html",
    "portal/organization.html",
    "records/index.html",
    "records/field.html",
    "records/form_body.html",
    "records/pick.html",
    "records/list.html",
    "records/new.html",
    "records/folder_new.html",
    "records/record.html",
    "partials/portal_nav.html",
    "partials/indicator.html",
    "partials/case_table.html",
    "partials/case_body.html",
    "partials/file_input.html",
    "partials/feed.html",
    "partials/mentionable.html",
    "partials/bell.html",
    "partials/suggestions.html",
    "partials/widgets/popular_articles.html",
    "partials/widgets/my_cases.html",
    "partials/widgets/partner_program.html",
    "partials/widgets/partner_analytics.html",
    "partials/widgets/banner.html",
    "partials/widgets/knowledge_search.html",
    "partials/widgets/sections.html",
    "partials/widgets/approvals.html",
    "partials/widgets/list.html",
    "partials/widgets/chart.html",
    "partials/widgets/metric.html",
    "partials/widgets/link.html",
    "console/main_page.html",
    "console/main_page_widget.html",
    "portal/partner_program.html",
    "partials/markdown_preview.html",
    "notifications.html",
    "portal/cases.html",
    "portal/case_new.html",
    "portal/case.html",
    "portal/knowledge.html",
    "portal/article.html",
    "console/cases.html",
    "console/case.html",
    "console/mail.html",
    "console/mail_template.html",
    "console/mail_preview.html",
    "console/calendars.html",
    "console/calendar_form.html",
    "console/sections.html",
    "console/branding.html",
    "console/partners.html",
    "console/licenses.html",
    "console/billing_portal.html",
    "offline.html",
    "portal/layout.html",
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("human_minutes", crate::sections::cases::human_minutes);
    env.add_function("t", translate);
    env.add_filter("when", when);
    env.add_filter("day", day);
    env.add_filter("number", number);
    env.add_filter("money", money);
    env.add_filter("size", size);
    env.add_filter("label", i18n::label_filter);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not parse: {e}"));
    }
    env
});

/// The tenant whose host a request came to, whether it is for the console, and the largest
/// attachment the server takes (forms say so before anything is sent).
struct Host {
    tenant: Arc<Tenant>,
    console: bool,
    max_attachment_bytes: u64,
}

tokio::task_local! {
    /// Every page, error pages too, wears the tenant's brand and offers its navigation.
    static HOST: Host;
}

/// Runs `work` (a request for `path` to `tenant`'s host) with pages in its branding.
pub async fn for_tenant<F: Future>(
    tenant: Arc<Tenant>,
    path: &str,
    max_attachment_bytes: u64,
    work: F,
) -> F::Output {
    let console = path == "/console" || path.starts_with("/console/");
    let host = Host {
        tenant,
        console,
        max_attachment_bytes,
    };
    HOST.scope(host, work).await
}

/// What file inputs say and check of attachments: how many files at once, and how large each.
fn uploads() -> Option<Value> {
    HOST.try_with(|host| {
        let bytes = host.max_attachment_bytes;
        minijinja::context! {
            bytes,
            files => crate::files::MAX_FILES,
            size => size(i64::try_from(bytes).unwrap_or(i64::MAX)),
        }
    })
    .ok()
}

/// Which navigation an error page offers: the console's, the portal's, or none (no tenant).
fn surface() -> Option<&'static str> {
    HOST.try_with(|host| if host.console { "console" } else { "portal" })
        .ok()
}

/// What the layout shows of the tenant's branding.
fn brand() -> Option<Value> {
    HOST.try_with(|host| {
        let tenant = &host.tenant;
        let brand = &tenant.branding;
        let name = brand.title.clone().unwrap_or_else(|| tenant.name.clone());
        let logo = brand.logo.as_ref().map(|image| {
            let vector = image.content_type == "image/svg+xml";
            let (width, height) =
                branding::fit((image.width, image.height), branding::LOGO_BOX, vector);
            minijinja::context! { width, height }
        });
        minijinja::context! {
            initial => name.chars().next().map(|c| c.to_uppercase().to_string()),
            name,
            logo,
            favicon => brand.favicon.is_some(),
            themed => brand.primary.is_some() || brand.accent.is_some(),
            theme_color => brand.primary.as_deref().unwrap_or("#1f4e8c"),
            version => brand.version,
        }
    })
    .ok()
}

/// The languages a reader may switch to, each by its own name.
static LANGUAGES: LazyLock<Vec<Value>> = LazyLock::new(|| {
    i18n::Language::all()
        .map(|l| minijinja::context! { code => l.code(), name => l.name() })
        .collect()
});

/// The template function `t`: a message by its id, with named values, in the reader's language.
fn translate(id: &str, values: Kwargs) -> Result<String, minijinja::Error> {
    let args = values
        .args()
        .map(|name| {
            let value: Value = values.get(name)?;
            let arg = match value.as_i64() {
                Some(n) if value.is_number() => i18n::Arg::from(n),
                _ => match f64::try_from(value.clone()) {
                    Ok(n) if value.is_number() => i18n::Arg::from(n),
                    _ => i18n::Arg::from(value.to_string()),
                },
            };
            Ok((name, arg))
        })
        .collect::<Result<Vec<_>, minijinja::Error>>()?;
    Ok(i18n::message(id, args))
}

/// A stored timestamp (`2026-11-22T14:05:00.000000Z`) as the reader writes it, in their time
/// zone (`2026-11-22 15:05 CET`, `22.11.2026, 15:05 CET`).
pub(crate) fn when(stored: &str) -> String {
    match crate::store::Timestamp::parse(stored) {
        Ok(t) => i18n::current().date_time(t.0),
        Err(_) => stored.to_owned(),
    }
}

/// A day (`2026-11-22`) or the day of a stored timestamp, as the reader writes it.
pub(crate) fn day(stored: &str) -> String {
    let locale = i18n::current();
    if let Ok(day) = chrono::NaiveDate::parse_from_str(stored, "%Y-%m-%d") {
        return locale.date(day);
    }
    match crate::store::Timestamp::parse(stored) {
        Ok(t) => locale.day_of(t.0),
        Err(_) => stored.to_owned(),
    }
}

/// A number as the reader writes it (`decimals` after the mark, none by default).
fn number(value: f64, decimals: Option<usize>) -> String {
    i18n::current().number(value, decimals.unwrap_or(0).min(6))
}

/// An amount of money in a currency (`800 | money("EUR")`), as the reader writes it.
fn money(value: f64, currency: &str) -> String {
    i18n::current().money(value, currency)
}

/// A byte count as people read it.
fn size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// Renders a template; a rendering failure is a bug, logged and answered with a plain 500.
pub fn render(name: &str, context: impl Into<Value>) -> Response {
    render_with_status(StatusCode::OK, name, context)
}

pub fn render_with_status(status: StatusCode, name: &str, context: impl Into<Value>) -> Response {
    crate::store::reads_done();
    let context = minijinja::context! {
        ui_language => i18n::current().language.code(),
        ui_languages => &*LANGUAGES,
        brand => brand(),
        uploads => uploads(),
        ..context.into()
    };
    let rendered = ENV
        .get_template(name)
        .and_then(|template| template.render(context));
    match rendered {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            // The cause of an error in an included template is in the source chain.
            let mut detail = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                detail.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            tracing::error!(template = name, error = %detail, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
        }
    }
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    render_with_status(
        status,
        "error.html",
        minijinja::context! {
            status => status.as_u16(),
            title => crate::tr!("error-status", status = status.as_u16()),
            message,
            error_nav => surface(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(ENV.get_template(name).is_ok(), "{name}");
        }
    }
}
