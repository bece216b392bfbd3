//! The console's import of portal users: upload a spreadsheet, choose which column holds what
//! and see every row checked, import the valid rows, download the report.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use minijinja::{context, value::Serde};
use serde::Deserialize;

use super::{
    error::PageError,
    extract::{ConsoleUser, CsrfForm, CsrfMultipart},
    flash::Flash,
    page_context, render_page, views,
};
use crate::{
    app::App,
    auth::Authenticated,
    error::Error,
    users::import::{self, Field, Mapping, Outcome, Preview},
};

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route(
            "/users/import",
            get(start).post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/users/import/{id}", get(preview).post(run))
        .route("/users/import/{id}/report.csv", get(report))
}

/// Rows with problems a preview page shows, and rows without.
const SHOWN_REFUSED: usize = 200;
const SHOWN_VALID: usize = 20;

async fn start(flash: Flash, ConsoleUser(who): ConsoleUser) -> Result<Response, PageError> {
    import::may_import(&who.actor)?;
    Ok(render_page(
        flash,
        "console/user_import.html",
        &who,
        upload_context(),
    ))
}

fn upload_context() -> minijinja::Value {
    context! { here => "users", max_rows => import::MAX_ROWS }
}

async fn upload(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    form: CsrfMultipart,
) -> Result<Response, PageError> {
    let outcome = match form.files.first() {
        Some(file) => import::upload(&app, &who.actor, &file.file_name, &file.bytes).await,
        None => Err(Error::invalid_field(
            "file",
            crate::tr!("import-choose-file"),
        )),
    };
    match outcome {
        Ok(id) => Ok(Redirect::to(&format!("/console/users/import/{id}")).into_response()),
        Err(Error::Invalid { fields, .. }) => Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &who,
            context! { errors => Serde(&fields), ..upload_context() },
        )),
        Err(other) => Err(other.into()),
    }
}

/// A mapping as the page's selects send it: each field's column number, empty for none.
fn mapping_of(fields: &BTreeMap<String, String>) -> Option<Mapping> {
    let mapping: BTreeMap<Field, usize> = Field::ALL
        .into_iter()
        .filter_map(|field| {
            let column = fields.get(&format!("column_{}", field.code()))?;
            Some((field, column.parse().ok()?))
        })
        .collect();
    let chosen = Field::ALL
        .iter()
        .any(|f| fields.contains_key(&format!("column_{}", f.code())));
    chosen.then_some(Mapping(mapping))
}

async fn preview(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
    flash: Flash,
) -> Result<Response, PageError> {
    let preview = import::preview(&app, &who.actor, &id, mapping_of(&query)).await?;
    Ok(render_page(
        flash,
        "console/user_import.html",
        &who,
        preview_context(&preview, None),
    ))
}

/// The preview page: the mapping's selects, the counts, the rows with problems first.
fn preview_context(preview: &Preview, error: Option<String>) -> minijinja::Value {
    let fields: Vec<_> = Field::ALL
        .into_iter()
        .map(|f| {
            context! {
                code => f.code(), title => f.title(), column => preview.mapping.0.get(&f),
            }
        })
        .collect();
    let refused: Vec<_> = preview
        .rows
        .iter()
        .filter(|r| !r.problems.is_empty())
        .take(SHOWN_REFUSED)
        .collect();
    let valid: Vec<_> = preview
        .rows
        .iter()
        .filter(|r| r.problems.is_empty())
        .take(SHOWN_VALID)
        .collect();
    let report = preview.report.as_ref().map(|report| {
        let refused: Vec<_> = report
            .rows
            .iter()
            .filter(|r| r.outcome == Outcome::Refused)
            .take(SHOWN_REFUSED)
            .collect();
        context! { created => report.created, refused_count => report.refused, refused => Serde(&refused), invited => report.invited }
    });
    context! {
        here => "users",
        import => context! {
            id => &preview.id, file_name => &preview.file_name, columns => &preview.columns,
            fields, valid_count => preview.valid, refused_count => preview.refused,
            refused => Serde(&refused), valid => Serde(&valid),
            mapping_problem => preview.mapping.check(preview.columns.len()).err().map(|e| e.in_words()),
        },
        report, error,
    }
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    #[serde(flatten)]
    fields: BTreeMap<String, String>,
}

async fn run(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Result<Response, PageError> {
    // The page always sends its columns (an empty choice is none), never "guess them".
    let mapping = mapping_of(&form.fields).unwrap_or_default();
    let invite = form.fields.contains_key("invite");
    match import::run(&app, &who.actor, &id, Some(mapping.clone()), invite).await {
        Ok(_) => Ok(Redirect::to(&format!("/console/users/import/{id}")).into_response()),
        Err(error @ (Error::Invalid { .. } | Error::Conflict(_))) => {
            let status = super::error::status_of(&error);
            let preview = import::preview(&app, &who.actor, &id, Some(mapping)).await?;
            Ok(page(
                status,
                &who,
                preview_context(&preview, Some(error.in_words())),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

fn page(status: StatusCode, who: &Authenticated, extra: minijinja::Value) -> Response {
    views::render_with_status(
        status,
        "console/user_import.html",
        context! { ..extra, ..page_context(who) },
    )
}

async fn report(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let (name, bytes) = import::report_csv(&app, &who.actor, &id).await?;
    Ok(super::support::file_download(
        &name,
        "text/csv; charset=utf-8",
        bytes.into(),
    ))
}
