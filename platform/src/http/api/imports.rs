//! Bulk import of portal users through the API: upload a CSV or XLSX file, look at every row
//! checked under a mapping of its columns, import the valid rows, download the report.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    app::App,
    error::Error,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiQuery, ApiUser},
    },
    users::import::{self, Field, Mapping},
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadName {
    /// The file's name, as the report is named after it.
    name: Option<String>,
}

/// Which column (from 0) holds each field; absent fields are not imported. Without any, the
/// columns are guessed from the header.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    /// The column of the e-mail address (the login); needed.
    #[param(maximum = 49)]
    #[schema(maximum = 49)]
    #[serde(default, deserialize_with = "whole_column")]
    email: Option<u8>,
    #[param(maximum = 49)]
    #[schema(maximum = 49)]
    #[serde(default, deserialize_with = "whole_column")]
    name: Option<u8>,
    /// The portal organization, by name.
    #[param(maximum = 49)]
    #[schema(maximum = 49)]
    #[serde(default, deserialize_with = "whole_column")]
    organization: Option<u8>,
    /// Role names, separated by `;` or `,`.
    #[param(maximum = 49)]
    #[schema(maximum = 49)]
    #[serde(default, deserialize_with = "whole_column")]
    roles: Option<u8>,
    /// A language code (`en`, `de`) or name.
    #[param(maximum = 49)]
    #[schema(maximum = 49)]
    #[serde(default, deserialize_with = "whole_column")]
    language: Option<u8>,
}

/// A column number as JSON may write it: `15` or `15.0` (the same integer to JSON Schema).
fn whole_column<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u8>, D::Error> {
    match <Option<f64> as Deserialize>::deserialize(deserializer)? {
        None => Ok(None),
        Some(n) if n.fract() == 0.0 && (0.0..=255.0).contains(&n) => Ok(Some(n as u8)),
        Some(n) => Err(serde::de::Error::custom(format!(
            "{n} is not a column number"
        ))),
    }
}

impl Columns {
    /// The mapping asked for, if any; a column beyond what a file may have is a malformed request.
    fn mapping(&self) -> crate::error::Result<Option<Mapping>> {
        let given = [
            (Field::Email, self.email),
            (Field::Name, self.name),
            (Field::Organization, self.organization),
            (Field::Roles, self.roles),
            (Field::Language, self.language),
        ];
        let mapping: std::collections::BTreeMap<Field, usize> = given
            .into_iter()
            .filter_map(|(field, column)| column.map(|c| (field, usize::from(c))))
            .collect();
        if mapping.values().any(|c| *c >= import::MAX_COLUMNS) {
            return Err(Error::BadRequest(crate::tr!(
                "import-too-many-columns",
                max = import::MAX_COLUMNS
            )));
        }
        Ok((!mapping.is_empty()).then_some(Mapping(mapping)))
    }
}

#[utoipa::path(
    post,
    path = "/users/imports",
    tag = "users",
    operation_id = "upload_user_import",
    summary = "Uploads a CSV or XLSX file of portal users to import",
    description = "The request body is the file (CSV in UTF-8 separated by commas, semicolons \
                   or tabs, or XLSX: its first sheet). The first non-empty row is the header; at \
                   most 10,000 rows, 50 columns, 1,000 characters a cell. Nothing is imported \
                   yet: the answer is the preview, every row checked under the columns guessed \
                   from the header.",
    params(UploadName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses((status = 201, description = "The preview: `id`, `columns`, `mapping`, `rows` (each with its `problems`), `valid`, `refused`", body = Value))
)]
pub async fn upload(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiQuery(query): ApiQuery<UploadName>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    // Refused before the file is read.
    import::may_import(&who.actor)?;
    let bytes = super::records::uploaded_file(&app, &headers, body).await?;
    let name = query.name.unwrap_or_default();
    let id = import::upload(&app, &who.actor, &name, &bytes).await?;
    let preview = import::preview(&app, &who.actor, &id, None).await?;
    Ok((StatusCode::CREATED, Json(json!(preview))))
}

#[utoipa::path(
    get,
    path = "/users/imports/{id}",
    tag = "users",
    operation_id = "preview_user_import",
    summary = "An uploaded import: every row checked under the columns given (or guessed), and the report once imported",
    params(Columns),
    responses((status = 200, description = "The preview", body = Value))
)]
pub async fn preview(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiQuery(columns): ApiQuery<Columns>,
) -> Result<Json<Value>, ApiError> {
    let given = columns.mapping()?;
    let preview = import::preview(&app, &who.actor, &id, given.clone()).await?;
    if let Some(mapping) = given {
        mapping.check(preview.columns.len())?;
    }
    Ok(Json(json!(preview)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The columns of the fields; guessed from the header when absent.
    #[serde(default)]
    columns: Option<Columns>,
    /// Send each new user their invitation by e-mail.
    #[serde(default)]
    invite: bool,
}

#[utoipa::path(
    post,
    path = "/users/imports/{id}",
    tag = "users",
    operation_id = "run_user_import",
    summary = "Imports the valid rows of an upload (once); each is checked again as it is written",
    request_body = ImportRequest,
    responses((status = 200, description = "The report: `created`, `refused`, and each row's `outcome` and `message`", body = Value))
)]
pub async fn run(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<Json<Value>, ApiError> {
    let mapping = body.columns.unwrap_or_default().mapping()?;
    let report = import::run(&app, &who.actor, &id, mapping, body.invite).await?;
    Ok(Json(json!(report)))
}

#[utoipa::path(
    get,
    path = "/users/imports/{id}/report",
    tag = "users",
    operation_id = "user_import_report",
    summary = "The report of an import as CSV: each row, its outcome and why",
    responses((status = 200, description = "The report", content_type = "text/csv", body = String))
)]
pub async fn report(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (name, bytes) = import::report_csv(&app, &who.actor, &id).await?;
    Ok(crate::http::support::file_download(
        &name,
        "text/csv; charset=utf-8",
        bytes.into(),
    ))
}
