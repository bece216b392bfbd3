//! Server-rendered pages: minijinja templates embedded in the binary, autoescaped as HTML.

use std::sync::LazyLock;

use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use minijinja::{AutoEscape, Environment};

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
    "portal/home.html",
    "portal/profile.html",
    "console/base.html",
    "console/home.html",
    "console/users.html",
    "console/user.html",
    "console/access/overview.html",
    "console/access/roles.html",
    "console/access/organizations.html",
    "console/access/organization.html",
    "console/access/objects.html",
    "console/access/object.html",
    "console/access/grantee_select.html",
    "console/access/operations.html",
    "console/access/explain.html",
    "console/access/audit.html",
    "organization_profile.html",
    "portal/organization.html",
    "records/index.html",
    "records/field.html",
    "records/list.html",
    "records/new.html",
    "records/record.html",
    "partials/portal_nav.html",
    "partials/indicator.html",
    "partials/case_table.html",
    "partials/case_body.html",
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
    "portal/layout.html",
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.add_filter("human_minutes", crate::sections::cases::human_minutes);
    env.add_filter("when", when);
    env.add_filter("size", size);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not parse: {e}"));
    }
    env
});

/// A stored timestamp (`2026-11-22T14:05:00.000000Z`) as `2026-11-22 14:05 UTC`.
fn when(stored: &str) -> String {
    match crate::store::Timestamp::parse(stored) {
        Ok(t) => t.0.format("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => stored.to_owned(),
    }
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
pub fn render(name: &str, context: impl Into<minijinja::Value>) -> Response {
    render_with_status(StatusCode::OK, name, context)
}

pub fn render_with_status(
    status: StatusCode,
    name: &str,
    context: impl Into<minijinja::Value>,
) -> Response {
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
            title => status.canonical_reason().unwrap_or("Error"),
            message,
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
