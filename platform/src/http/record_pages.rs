//! Lists, record pages and forms for any object — built-in or a plugin's — on the console
//! (`/console/records/...`) and the portal (`/records/...`). Same services, same gates: a page
//! shows only what the actor may see and offers only what they may do.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    body::Body,
    extract::{Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use minijinja::{Value as View, context, value::Serde};
use serde::Deserialize;
use serde_json::Value;

use super::{
    error::PageError,
    extract::{ApiQuery, ConsoleUser, CsrfForm, CsrfMultipart, PortalUser, RecordForm},
    flash::{self, Flash},
    folder_pages, page_context,
    record_forms::{self, FormField},
    views,
};
use crate::{
    access::{self, Capability, Level, Operation, SystemOperation},
    app::App,
    auth::Authenticated,
    error::{Error, Result},
    records::{self, Columns, LayoutManifest, ListRequest, ObjectType, export},
};

/// Where record pages live and what they look like.
#[derive(Debug, Clone, Copy)]
pub struct Surface {
    pub prefix: &'static str,
    pub layout: &'static str,
    pub here: &'static str,
}

pub const CONSOLE: Surface = Surface {
    prefix: "/console/records",
    layout: "console/base.html",
    here: "records",
};
pub const PORTAL: Surface = Surface {
    prefix: "/records",
    layout: "portal/layout.html",
    here: "records",
};

macro_rules! surface_routes {
    ($surface:expr, $user:ident) => {{
        async fn index($user(who): $user, flash: Flash) -> Result<Response, PageError> {
            self::index(&who, flash, $surface).await
        }
        async fn list(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(object): Path<String>,
            ApiQuery(q): ApiQuery<ListQuery>,
            flash: Flash,
        ) -> Result<Response, PageError> {
            self::list(&app, &who, &object, q, flash, $surface).await
        }
        async fn export(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(object): Path<String>,
            ApiQuery(q): ApiQuery<ListQuery>,
        ) -> Result<Response, PageError> {
            self::export(app, &who, &object, q).await
        }
        async fn choose_columns(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(object): Path<String>,
            CsrfForm(form): CsrfForm<ColumnsForm>,
        ) -> Response {
            self::choose_columns(&app, &who, &object, form, $surface).await
        }
        async fn tag(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(form): CsrfForm<TagForm>,
        ) -> Response {
            self::tag(&app, &who, &object, &id, form, $surface).await
        }
        async fn new_folder(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(object): Path<String>,
            ApiQuery(q): ApiQuery<ListQuery>,
        ) -> Result<Response, PageError> {
            folder_pages::new_form(&app, &who, &object, &q.filters(), $surface).await
        }
        async fn create_folder(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(object): Path<String>,
            CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            folder_pages::create(&app, &who, &object, form, $surface).await
        }
        async fn delete_folder(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, folder)): Path<(String, String)>,
            CsrfForm(_): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            folder_pages::delete(&app, &who, &object, &folder, $surface).await
        }
        async fn file(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            folder_pages::file(&app, &who, &object, &id, form, $surface).await
        }
        async fn new(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(object): Path<String>,
            flash: Flash,
        ) -> Result<Response, PageError> {
            self::new(&app, &who, &object, flash, $surface).await
        }
        async fn create(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path(object): Path<String>,
            form: RecordForm,
        ) -> Response {
            self::create(&app, &who, &object, form, $surface).await
        }
        async fn show(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            flash: Flash,
        ) -> Result<Response, PageError> {
            self::show(&app, &who, &object, &id, flash, $surface).await
        }
        async fn update(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            form: RecordForm,
        ) -> Response {
            self::update(&app, &who, &object, &id, form, $surface).await
        }
        async fn delete(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            self::delete(&app, &who, &object, &id, form, $surface).await
        }
        async fn pick(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, field)): Path<(String, String)>,
            ApiQuery(query): ApiQuery<BTreeMap<String, String>>,
        ) -> Result<Response, PageError> {
            self::pick(&app, &who, &object, &field, query).await
        }
        async fn share(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(form): CsrfForm<ShareForm>,
        ) -> Response {
            self::share(&app, &who, &object, &id, form, $surface).await
        }
        async fn attach(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            form: CsrfMultipart,
        ) -> Response {
            self::attach(&app, &who, &object, &id, form, $surface).await
        }
        async fn act(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id, action)): Path<(String, String, String)>,
            CsrfForm(form): CsrfForm<ActionForm>,
        ) -> Response {
            self::act(&app, &who, &object, &id, &action, form, $surface).await
        }
        async fn markdown_preview(
            $user(_): $user,
            ApiQuery(query): ApiQuery<PreviewQuery>,
            CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            self::markdown_preview(&query.field, &form)
        }
        Router::new()
            .route("/", get(index))
            .route("/markdown-preview", post(markdown_preview))
            // Record forms with file fields are multipart: their extractor bounds what it reads.
            .route(
                "/{object}",
                get(list)
                    .post(create)
                    .layer(axum::extract::DefaultBodyLimit::disable()),
            )
            .route("/{object}/new", get(new))
            .route("/{object}/export", get(export))
            .route("/{object}/columns", post(choose_columns))
            .route("/{object}/folders", post(create_folder))
            .route("/{object}/folders/new", get(new_folder))
            .route("/{object}/folders/{folder}/delete", post(delete_folder))
            .route("/{object}/{id}/folders", post(file))
            .route("/{object}/{id}/tags", post(tag))
            .route("/{object}/pick/{field}", get(pick))
            .route(
                "/{object}/{id}",
                get(show)
                    .post(update)
                    .layer(axum::extract::DefaultBodyLimit::disable()),
            )
            .route("/{object}/{id}/delete", post(delete))
            .route("/{object}/{id}/share", post(share))
            .route("/{object}/{id}/actions/{action}", post(act))
            .route(
                "/{object}/{id}/files",
                post(attach).layer(axum::extract::DefaultBodyLimit::disable()),
            )
    }};
}

pub fn console_routes() -> Router<Arc<App>> {
    surface_routes!(CONSOLE, ConsoleUser).merge(super::feed_pages::console_routes())
}

pub fn portal_routes() -> Router<Arc<App>> {
    surface_routes!(PORTAL, PortalUser).merge(super::feed_pages::portal_routes())
}

/// Records on a list page.
const PAGE: u32 = 25;

#[derive(Debug, Deserialize)]
struct PreviewQuery {
    field: String,
}

/// A Markdown field of the form as readers will see it: rendered and sanitized, as a fragment.
fn markdown_preview(field: &str, form: &BTreeMap<String, String>) -> Response {
    let source = form.get(field).map(String::as_str).unwrap_or_default();
    views::render(
        "partials/markdown_preview.html",
        context! { html => crate::text::render_markdown(source), empty => source.trim().is_empty() },
    )
}

fn render(
    flash: Flash,
    template: &str,
    who: &Authenticated,
    surface: Surface,
    extra: View,
) -> Response {
    let page = views::render(
        template,
        context! {
            flash => flash.message.as_ref().map(Serde),
            ..context! { layout => surface.layout, prefix => surface.prefix, here => surface.here, ..context! { ..extra, ..page_context(who) } }
        },
    );
    flash.show(page)
}

async fn index(who: &Authenticated, flash: Flash, surface: Surface) -> Result<Response, PageError> {
    let catalog = who.actor.catalog.clone();
    let objects: Vec<View> = catalog
        .browsable()
        .filter(|o| access::check(&who.actor, Capability::Records(o, Operation::Read)).is_ok())
        .map(|o| context! { code => o.code.as_str(), title => o.plural_shown(), section => &o.section, icon => !crate::sections::is_built_in(&o.section) })
        .collect();
    Ok(render(
        flash,
        "records/index.html",
        who,
        surface,
        context! { objects },
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    sort: Option<String>,
    #[serde(default)]
    filter: Vec<String>,
    /// The filter form's three inputs, folded into `filter`.
    field: Option<String>,
    op: Option<String>,
    value: Option<String>,
    /// Words searched for in the list.
    q: Option<String>,
    /// Where the page starts in the list (for showing "26–50 of 120").
    from: Option<u64>,
    /// Where the table starts when "Load more" added this page below earlier ones ("1–50").
    start: Option<u64>,
    /// For an export: `csv` or `xlsx`.
    format: Option<String>,
    /// The folder the list is in.
    folder: Option<String>,
}

impl ListQuery {
    /// The list's filters, the filter form's new one last.
    fn filters(&self) -> Vec<String> {
        let mut filters = self.filter.clone();
        if let (Some(field), Some(op)) = (
            self.field.as_deref().filter(|f| !f.is_empty()),
            self.op.as_deref(),
        ) {
            filters.push(format!(
                "{field}:{op}:{}",
                self.value.as_deref().unwrap_or_default()
            ));
        }
        filters
    }

    /// The list request of this query (its page, or the whole list for `limit` None).
    fn request(&self, limit: Option<u32>) -> ListRequest {
        ListRequest {
            limit,
            cursor: limit.and(self.cursor.clone()),
            sort: self.sort.clone(),
            filters: self.filters(),
            search: self.q.clone().filter(|q| !q.trim().is_empty()),
            folder: None,
        }
    }

    /// What links within the list keep (its filters and search) as a query string's tail.
    fn kept(&self) -> String {
        let mut pairs: Vec<(&str, String)> =
            self.filters().into_iter().map(|f| ("filter", f)).collect();
        if let Some(q) = self.q.as_ref().filter(|q| !q.trim().is_empty()) {
            pairs.push(("q", q.clone()));
        }
        if let Some(folder) = self.folder.as_ref().filter(|f| !f.is_empty()) {
            pairs.push(("folder", folder.clone()));
        }
        let query = serde_html_form::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            query
        } else {
            format!("&{query}")
        }
    }
}

async fn list(
    app: &App,
    who: &Authenticated,
    code: &str,
    query: ListQuery,
    flash: Flash,
    surface: Surface,
) -> Result<Response, PageError> {
    let object = records::object_type(&who.actor, code)?;
    let columns = Columns::of(&who.actor, &object);
    let folder = query.folder.as_deref().filter(|f| !f.is_empty());
    let list_page =
        records::list_page(app, &who.actor, code, query.request(Some(PAGE)), folder).await?;
    let (page, count, problem) = match list_page.listed {
        Ok((page, count)) => (Some(page), Some(count), None),
        Err(Error::BadRequest(message) | Error::Invalid { message, .. }) => {
            (None, None, Some(message))
        }
        Err(other) => return Err(other.into()),
    };
    let shown_columns = list_page.columns;
    let mut page = page;
    // Each row's cells as people read them, beside the stored values.
    for row in page.iter_mut().flat_map(|p| p.data.iter_mut()) {
        let cells: serde_json::Map<String, Value> = shown_columns
            .iter()
            .filter_map(|c| {
                let value = row["data"].get(&c.name)?;
                record_forms::cell(&object, &c.name, value)
                    .map(|v| (c.name.clone(), Value::String(v)))
            })
            .collect();
        row["shown"] = Value::Object(cells);
    }
    let shown = page.as_ref().map_or(0, |p| p.data.len());
    let read_only_reason = records::read_only_reason(&who.actor, code);
    let can_create = read_only_reason.is_none()
        && access::check(&who.actor, Capability::Records(&object, Operation::Create)).is_ok();
    let filterable = filterable(&object, &columns);
    let folders = folder_pages::views(who, &list_page.folders);
    let quick = quick_filters(who, &object, &columns, &query, surface);
    Ok(render(
        flash,
        "records/list.html",
        who,
        surface,
        context! {
            current_object => code,
            object => context! { code => code, title => object.plural_shown(), singular => object.title_shown() },
            columns => Serde(&shown_columns),
            choosable => Serde(columns.choosable(&object)),
            can_export => access::check(&who.actor, Capability::System(SystemOperation::ExportToFile)).is_ok(),
            q => query.q.clone().unwrap_or_default(),
            folder => query.folder.clone(),
            folders,
            can_use_folders => access::check(&who.actor, Capability::System(SystemOperation::UseFolders)).is_ok(),
            kept => query.kept(),
            quick,
            page => page.as_ref().map(Serde),
            problem,
            can_create,
            read_only_reason,
            filterable,
            filters => query.filters(),
            sort => query.sort,
            start => query.start.unwrap_or(query.from.unwrap_or(1)).max(1),
            ..super::place(query.from, shown, count)
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct ColumnsForm {
    #[serde(default)]
    column: Vec<String>,
    /// Present: back to the usual columns.
    reset: Option<String>,
}

/// Keeps the columns the user ticked for the list (or forgets their choice).
async fn choose_columns(
    app: &App,
    who: &Authenticated,
    code: &str,
    form: ColumnsForm,
    surface: Surface,
) -> Response {
    let list = format!("{}/{code}", surface.prefix);
    let names = form.reset.is_none().then_some(form.column);
    match records::list_view::choose(app, &who.actor, code, names).await {
        Ok(()) => flash::notice(&list, &crate::tr!("records-columns-saved")),
        Err(error) => flash::refused(&list, error),
    }
}

/// One-click filters above a list: everything, what the viewer created, and each status; each
/// replaces the list's filters and keeps its folder and search.
fn quick_filters(
    who: &Authenticated,
    object: &ObjectType,
    columns: &Columns,
    query: &ListQuery,
    surface: Surface,
) -> Vec<View> {
    let code = object.code.as_str();
    let mut choices: Vec<(String, Option<String>)> = vec![(crate::tr!("records-quick-all"), None)];
    if columns.visible("created_by") {
        choices.push((
            crate::tr!("records-quick-mine"),
            Some(format!("created_by:eq:{}", who.actor.user)),
        ));
    }
    // The statuses of the manifest, else the values a `status` field may take.
    let statuses: Vec<(String, String)> = if object.statuses.is_empty() {
        object
            .field("status")
            .and_then(|f| f.schema.get("enum"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|v| (v.to_owned(), v.to_owned()))
            .collect()
    } else {
        object
            .statuses
            .iter()
            .map(|s| {
                (
                    s.code.clone(),
                    s.title.clone().unwrap_or_else(|| s.code.clone()),
                )
            })
            .collect()
    };
    if columns.visible("status") {
        choices.extend(statuses.into_iter().map(|(value, title)| {
            (
                crate::i18n::value_label(code, "status", &title),
                Some(format!("status:eq:{value}")),
            )
        }));
    }
    let current = query.filters();
    choices
        .into_iter()
        .map(|(title, filter)| {
            let keep = ListQuery {
                filter: filter.iter().cloned().collect(),
                q: query.q.clone(),
                folder: query.folder.clone(),
                ..ListQuery::default()
            };
            let tail = keep.kept();
            let href = format!("{}/{code}?{}", surface.prefix, tail.trim_start_matches('&'));
            let selected = current == filter.iter().cloned().collect::<Vec<_>>();
            context! { title, href => href.trim_end_matches('?'), current => selected }
        })
        .collect()
}

/// The fields a list may be filtered on, as the actor sees them, and the records' tags.
pub(super) fn filterable(object: &ObjectType, columns: &Columns) -> Vec<View> {
    object
        .fields
        .iter()
        .filter(|f| columns.visible(&f.name))
        .map(|f| context! { name => &f.name, title => object.field_title_shown(f) })
        .chain(std::iter::once(
            context! { name => "tag", title => crate::tr!("records-tag") },
        ))
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct TagForm {
    #[serde(default)]
    tag: String,
    /// Present: take the tag off.
    remove: Option<String>,
}

/// Puts a tag on the record, or takes one off.
async fn tag(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    form: TagForm,
    surface: Surface,
) -> Response {
    let page = format!("{}/{code}/{id}", surface.prefix);
    let on = form.remove.is_none();
    match records::tags::set(app, &who.actor, code, id, &form.tag, on).await {
        Ok(_) if on => flash::notice(&page, &crate::tr!("records-tagged", tag = form.tag.trim())),
        Ok(_) => flash::notice(
            &page,
            &crate::tr!("records-untagged", tag = form.tag.trim()),
        ),
        Err(error) => flash::refused(&page, error),
    }
}

/// The list request of a list page's query, with the folder it names (one the actor sees).
async fn list_request(
    app: &App,
    who: &Authenticated,
    code: &str,
    query: &ListQuery,
    limit: Option<u32>,
) -> Result<ListRequest> {
    let mut request = query.request(limit);
    if let Some(id) = query.folder.as_deref().filter(|f| !f.is_empty()) {
        request.folder = Some(records::folders::scope(app, &who.actor, code, id).await?);
    }
    Ok(request)
}

/// "Export to file": what the list shows, with its filters and order, as a file.
async fn export(
    app: Arc<App>,
    who: &Authenticated,
    code: &str,
    query: ListQuery,
) -> Result<Response, PageError> {
    let format = export::Format::parse(query.format.as_deref().unwrap_or("csv"))?;
    let request = list_request(&app, who, code, &query, None).await?;
    let export = export::start(app, who.actor.clone(), code, request, format).await?;
    Ok(download(export))
}

/// The response that sends an export's file as it is made.
pub(super) fn download(export: export::Export) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", export.file_name);
    (
        [
            (
                header::CONTENT_TYPE,
                export.format.content_type().to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(export.bytes)),
    )
        .into_response()
}

/// Offers the records a reference to a lookup (article types) may point to as a list to choose
/// from, when the actor may read them and they are few; other references get a searchable picker.
async fn fill_choices(app: &App, who: &Authenticated, fields: &mut [FormField]) {
    const MAX_CHOICES: u32 = 200;
    for field in fields.iter_mut().filter(|f| !f.read_only) {
        let Some(target) = field.reference.clone() else {
            continue;
        };
        if !records::object_type(&who.actor, &target).is_ok_and(|t| t.lookup) {
            continue;
        }
        let Ok(mut request) = records::picker_request(&who.actor, &target, "", false) else {
            continue;
        };
        request.limit = Some(MAX_CHOICES);
        if let Ok(found) = records::pickable(app, &who.actor, &target, &request).await
            && !found.more
        {
            field.choices = found.choices;
        }
    }
}

/// The records a picker offers for what was typed into it: at most ten, by title.
async fn pick(
    app: &App,
    who: &Authenticated,
    code: &str,
    field: &str,
    query: BTreeMap<String, String>,
) -> Result<Response, PageError> {
    let object = records::object_type(&who.actor, code)?;
    let columns = Columns::of(&who.actor, &object);
    let target = object
        .field(field)
        .filter(|f| columns.writable(&f.name))
        .and_then(|f| f.reference.clone())
        .ok_or(Error::NotFound("field"))?;
    let typed = query
        .get(&record_forms::title_input(field))
        .map(|t| t.trim())
        .unwrap_or_default();
    let request = records::picker_request(&who.actor, target.as_str(), typed, false)?;
    let found = records::pickable(app, &who.actor, target.as_str(), &request).await?;
    Ok(views::render(
        "records/pick.html",
        context! { choices => found.choices },
    ))
}

/// Reads a submitted record form into field data. A reference's typed title names a record for
/// forms sent without choosing from the picker's list (no JavaScript, or text typed over a
/// choice): exactly one readable record with that title, or the field says why not. Every
/// field's problems are reported together.
async fn read_form(
    app: &App,
    who: &Authenticated,
    object: &ObjectType,
    columns: &Columns,
    form: &mut BTreeMap<String, String>,
) -> Result<serde_json::Map<String, Value>> {
    let mut errors = crate::error::FieldErrors::new();
    for field in object.fields.iter().filter(|f| columns.writable(&f.name)) {
        let Some(target) = &field.reference else {
            continue;
        };
        let typed = form
            .get(&record_forms::title_input(&field.name))
            .map(|t| t.trim().to_owned())
            .unwrap_or_default();
        if typed.is_empty() || form.get(&field.name).is_some_and(|id| !id.is_empty()) {
            continue;
        }
        let request = records::picker_request(&who.actor, target.as_str(), &typed, true)?;
        let found = records::pickable(app, &who.actor, target.as_str(), &request).await?;
        match found.choices.as_slice() {
            [(id, _)] => {
                form.insert(field.name.clone(), id.clone());
            }
            [] => errors
                .entry(field.name.clone())
                .or_default()
                .push(crate::tr!(
                    "records-picker-no-match",
                    title = typed.as_str()
                )),
            _ => errors
                .entry(field.name.clone())
                .or_default()
                .push(crate::tr!("records-picker-several", title = typed.as_str())),
        }
    }
    match record_forms::parse(object, columns, form) {
        Ok(data) if errors.is_empty() => Ok(data),
        Ok(_) => Err(Error::invalid_fields(errors)),
        Err(Error::Invalid { fields, .. }) => {
            for (field, messages) in fields {
                errors.entry(field).or_default().extend(messages);
            }
            Err(Error::invalid_fields(errors))
        }
        Err(other) => Err(other),
    }
}

/// Where a form posted from another record's page (a detail line) goes back to: a record page
/// of the same surface, never anywhere else.
fn return_to(form: &BTreeMap<String, String>, surface: Surface) -> Option<String> {
    let to = form.get("return_to")?;
    let rest = to.strip_prefix(surface.prefix)?.strip_prefix('/')?;
    let safe = rest
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'/');
    (safe && rest.split('/').count() == 2).then(|| to.clone())
}

/// The new-record form, empty or as a refused submission left it.
async fn new_form(
    app: &App,
    who: &Authenticated,
    object: &ObjectType,
    surface: Surface,
    refused: Option<(&BTreeMap<String, String>, &Error)>,
) -> Response {
    let columns = Columns::of(&who.actor, object);
    let mut fields = record_forms::fields(object, &columns, &record_forms::defaults(object));
    fill_choices(app, who, &mut fields).await;
    let problems = refused.map(|(form, error)| record_forms::refill(&mut fields, form, error));
    // A reference set by the page the form came from (a detail's parent) shows its title.
    for field in fields
        .iter_mut()
        .filter(|f| f.shown.is_empty() && !f.value.is_empty())
    {
        if let Some(target) = &field.reference
            && let Ok(found) = records::get(app, &who.actor, target, &field.value).await
        {
            field.shown = records::title_of(&who.actor, target, &found);
        }
    }
    let status = refused.map_or(StatusCode::OK, |(_, e)| super::error::status_of(e));
    let groups = record_forms::arrange(layout_of(object, surface), fields, true);
    views::render_with_status(
        status,
        "records/new.html",
        context! {
            layout => surface.layout, prefix => surface.prefix, here => surface.here,
            current_object => object.code.as_str(),
            object => context! { code => object.code.as_str(), title => object.plural_shown(), singular => object.title_shown() },
            groups => Serde(&groups),
            problems => problems.as_ref().map(Serde),
            return_to => refused.and_then(|(form, _)| return_to(form, surface)),
            multipart => object.fields.iter().any(records::Field::is_file),
            ..page_context(who)
        },
    )
}

async fn new(
    app: &App,
    who: &Authenticated,
    code: &str,
    flash: Flash,
    surface: Surface,
) -> Result<Response, PageError> {
    let object = records::object_type(&who.actor, code)?;
    access::check(&who.actor, Capability::Records(&object, Operation::Create))?;
    Ok(flash.show(new_form(app, who, &object, surface, None).await))
}

async fn create(
    app: &App,
    who: &Authenticated,
    code: &str,
    form: RecordForm,
    surface: Surface,
) -> Response {
    let RecordForm {
        fields: mut form,
        files,
    } = form;
    // Who may not create these records gets the error page, not the form back.
    let object = match records::object_type(&who.actor, code).and_then(|object| {
        access::check(&who.actor, Capability::Records(&object, Operation::Create))?;
        Ok(object)
    }) {
        Ok(object) => object,
        Err(error) => return PageError::from(error).into_response(),
    };
    let outcome = async {
        let columns = Columns::of(&who.actor, &object);
        let data =
            record_forms::without_nulls(read_form(app, who, &object, &columns, &mut form).await?);
        records::create_with_files(
            app,
            &who.actor,
            code,
            Value::Object(data),
            Vec::new(),
            files,
        )
        .await
    }
    .await;
    match outcome {
        Ok(record) => {
            let id = record["id"].as_str().unwrap_or_default();
            let to = return_to(&form, surface)
                .unwrap_or_else(|| format!("{}/{code}/{id}", surface.prefix));
            flash::notice(&to, &crate::tr!("records-saved"))
        }
        Err(error) if error.is_server_side() => PageError::from(error).into_response(),
        Err(error) => new_form(app, who, &object, surface, Some((&form, &error))).await,
    }
}

async fn show(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    flash: Flash,
    surface: Surface,
) -> Result<Response, PageError> {
    let message = flash.message.clone();
    let page = record_page(app, who, code, id, surface, message, None).await?;
    Ok(flash.show(page))
}

/// A record's page: its form (as stored, or as a refused submission left it), details, actions,
/// history, files and sharing.
async fn record_page(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    surface: Surface,
    message: Option<flash::Message>,
    refused: Option<(&BTreeMap<String, String>, &Error)>,
) -> Result<Response, PageError> {
    let object = records::object_type(&who.actor, code)?;
    let opened = records::open_record(app, &who.actor, code, id).await?;
    let (data, columns) = status_columns(who, &object, &opened.record);
    let files = crate::files::of_record(app, &who.actor, code, id)
        .await
        .unwrap_or_default();
    let mut fields: Vec<FormField> = record_forms::fields(&object, &columns, &data);
    // A file field shows its file's name.
    for field in fields.iter_mut().filter(|f| f.widget == "file") {
        if let Some(file) = files.iter().find(|f| f.id == field.value) {
            field.shown = file.file_name.clone();
        }
    }
    for field in fields.iter_mut().filter(|f| f.reference.is_some()) {
        if let Some(title) = opened.titles.get(&field.value) {
            field.shown = title.clone();
        } else if !field.value.is_empty() {
            field.shown = crate::tr!("records-reference-unreadable");
        }
    }
    if opened.can_update {
        fill_choices(app, who, &mut fields).await;
    } else {
        fields.iter_mut().for_each(|f| f.read_only = true);
    }
    let problems = refused.map(|(form, error)| record_forms::refill(&mut fields, form, error));
    let status = refused.map_or(StatusCode::OK, |(_, e)| super::error::status_of(e));
    let can_save = fields.iter().any(|f| !f.read_only);
    let groups = record_forms::arrange(layout_of(&object, surface), fields, false);
    let parent_open = object.status_of(&data).is_none_or(|s| !s.locks_all());
    let details = details(
        app,
        who,
        &object,
        id,
        opened.can_update && parent_open,
        surface,
    )
    .await;
    let rights = if opened.can_share {
        records::rights(app, &who.actor, code, id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // Picking roles and users to share with is for the console (for those who may see the
    // roles); portal users see who has access.
    let can_pick_grantees = opened.can_share
        && surface.prefix == CONSOLE.prefix
        && (access::check(&who.actor, Capability::ConfigureAccess).is_ok()
            || access::check(&who.actor, Capability::ManagePortalUsers).is_ok());
    let actions = crate::sections::actions::available(app, &who.actor, code, id)
        .await
        .unwrap_or_default();
    let history = crate::sections::actions::history(app, &who.actor, code, id)
        .await
        .unwrap_or_default();
    let record_folders = folder_pages::of_record(app, who, code, id).await;
    let tags = records::tags::of_record(app, &who.actor, code, id)
        .await
        .unwrap_or_default();
    let feed = records::feed::of_record(app, &who.actor, code, id).await?;
    Ok(views::render_with_status(
        status,
        "records/record.html",
        context! {
            flash => message.as_ref().map(Serde),
            layout => surface.layout, prefix => surface.prefix, here => surface.here,
            current_object => code,
            here_path => format!("{}/{code}/{id}", surface.prefix),
            files => Serde(&files),
            record_folders,
            tags,
            feed => Serde(&feed),
            feed_base => format!("{}/{code}/{id}", surface.prefix),
            actions => Serde(&actions),
            history => Serde(&history),
            files_prefix => surface.prefix.trim_end_matches("/records"),
            object => context! { code => code, title => object.plural_shown(), singular => object.title_shown() },
            record => Serde(&opened.record),
            groups => Serde(&groups),
            problems => problems.as_ref().map(Serde),
            details,
            can_update => opened.can_update,
            can_save,
            locked_status => columns.locked_by(),
            can_delete => opened.can_delete,
            can_share => opened.can_share,
            read_only_reason => &opened.read_only_reason,
            rights => Serde(&rights),
            can_pick_grantees,
            multipart => object.fields.iter().any(records::Field::is_file),
            title => object.title_field.as_ref().and_then(|t| data.get(t)).and_then(Value::as_str).unwrap_or_default(),
            ..page_context(who)
        },
    ))
}

/// The data of a record (as the actor may see it) and the columns its form offers: those the
/// actor may change in the record's status.
fn status_columns(
    who: &Authenticated,
    object: &ObjectType,
    record: &Value,
) -> (serde_json::Map<String, Value>, Columns) {
    let data = record["data"].as_object().cloned().unwrap_or_default();
    let columns = Columns::of(&who.actor, object).in_status(object, &data);
    (data, columns)
}

/// The layout of `object`'s pages on `surface` (the console falls back to the portal's, and the
/// other way round).
fn layout_of(object: &ObjectType, surface: Surface) -> Option<&LayoutManifest> {
    let layouts = &object.layouts;
    if surface.prefix == CONSOLE.prefix {
        layouts.console.as_ref().or(layouts.portal.as_ref())
    } else {
        layouts.portal.as_ref().or(layouts.console.as_ref())
    }
}

/// The record's details (order lines of an order) as its page shows them: the lines the actor
/// may read, and a form for a new line when they may change the parent and create lines.
async fn details(
    app: &App,
    who: &Authenticated,
    object: &ObjectType,
    id: &str,
    can_update: bool,
    surface: Surface,
) -> Vec<View> {
    let chosen = layout_of(object, surface).and_then(|l| l.details.clone());
    let mut shown = Vec::new();
    for detail in &object.details {
        if chosen.as_ref().is_some_and(|c| !c.contains(&detail.object)) {
            continue;
        }
        let Ok(child) = records::object_type(&who.actor, &detail.object) else {
            continue;
        };
        let request = ListRequest {
            limit: Some(100),
            filters: vec![format!("{}:eq:{id}", detail.field)],
            ..ListRequest::default()
        };
        let Ok(page) = records::list(app, &who.actor, &detail.object, &request).await else {
            continue;
        };
        let columns = Columns::of(&who.actor, &child);
        let listed: Vec<&records::Field> = child
            .fields
            .iter()
            .filter(|f| f.name != detail.field && columns.visible(&f.name))
            .take(6)
            .collect();
        let rows: Vec<View> = page
            .data
            .iter()
            .map(|r| {
                let data = r["data"].as_object().cloned().unwrap_or_default();
                let values: Vec<String> = record_forms::fields(&child, &columns, &data)
                    .into_iter()
                    .filter(|f| listed.iter().any(|l| l.name == f.name))
                    .map(|f| f.shown)
                    .collect();
                context! { id => r["id"].as_str(), values }
            })
            .collect();
        let may = |op| access::check(&who.actor, Capability::Records(&child, op)).is_ok();
        let new_fields: Vec<FormField> = if can_update && may(Operation::Create) {
            record_forms::fields(&child, &columns, &record_forms::defaults(&child))
                .into_iter()
                .filter(|f| f.name != detail.field && !f.read_only)
                .collect()
        } else {
            Vec::new()
        };
        shown.push(context! {
            object => detail.object.as_str(),
            field => detail.field.as_str(),
            title => detail.title.clone().unwrap_or_else(|| child.plural_shown()),
            singular => child.title_shown().to_lowercase(),
            columns => listed.iter().map(|f| context! { title => child.field_title_shown(f) }).collect::<Vec<_>>(),
            rows,
            can_delete => can_update && may(Operation::Delete),
            new_fields => Serde(&new_fields),
        });
    }
    shown
}

async fn update(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    form: RecordForm,
    surface: Surface,
) -> Response {
    let RecordForm {
        fields: mut form,
        files,
    } = form;
    let back = format!("{}/{code}/{id}", surface.prefix);
    let outcome = async {
        let object = records::object_type(&who.actor, code)?;
        // The form is read as it was offered: what the record's status lets people change.
        let current = records::get(app, &who.actor, code, id).await?;
        let (_, columns) = status_columns(who, &object, &current);
        let version = form
            .get("version")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::BadRequest(crate::tr!("records-form-no-version")))?;
        let changes = Value::Object(read_form(app, who, &object, &columns, &mut form).await?);
        records::update_with_files(app, &who.actor, code, id, version, changes, files).await
    }
    .await;
    match outcome {
        Ok(_) => flash::notice(&back, &crate::tr!("records-saved")),
        Err(error) if error.is_server_side() => PageError::from(error).into_response(),
        Err(error) => record_page(app, who, code, id, surface, None, Some((&form, &error)))
            .await
            .unwrap_or_else(IntoResponse::into_response),
    }
}

async fn delete(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    form: BTreeMap<String, String>,
    surface: Surface,
) -> Response {
    match records::delete(app, &who.actor, code, id).await {
        Ok(()) => flash::notice(
            &return_to(&form, surface).unwrap_or_else(|| format!("{}/{code}", surface.prefix)),
            &crate::tr!("records-deleted"),
        ),
        Err(error) => flash::refused(&format!("{}/{code}/{id}", surface.prefix), error),
    }
}

#[derive(Debug, Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    grantee: String,
    #[serde(default, rename = "grantee__title")]
    grantee_title: String,
    level: String,
}

async fn share(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    form: ShareForm,
    surface: Surface,
) -> Response {
    let back = format!("{}/{code}/{id}", surface.prefix);
    let outcome = async {
        let level = Level::parse(&form.level)
            .ok_or_else(|| Error::invalid_field("level", crate::tr!("records-choose-level")))?;
        let grantee =
            super::console_access::chosen_grantee(app, who, &form.grantee, &form.grantee_title)
                .await?;
        records::share(app, &who.actor, code, id, &grantee, level).await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("records-shared"))
}

/// Attaches the form's files to a record the user may edit.
async fn attach(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    form: CsrfMultipart,
    surface: Surface,
) -> Response {
    let back = format!("{}/{code}/{id}", surface.prefix);
    let outcome = if form.files.is_empty() {
        Err(Error::invalid_field(
            "files",
            crate::tr!("records-choose-file"),
        ))
    } else {
        crate::files::attach_to_record(app, &who.actor, code, id, form.files).await
    };
    flash::after(outcome, &back, &crate::tr!("records-files-attached"))
}

#[derive(Debug, Deserialize)]
struct ActionForm {
    #[serde(default)]
    comment: String,
}

/// Takes one of the record's actions from its page.
async fn act(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    action: &str,
    form: ActionForm,
    surface: Surface,
) -> Response {
    let back = format!("{}/{code}/{id}", surface.prefix);
    let outcome = crate::sections::actions::perform(
        app,
        &who.actor,
        code,
        id,
        action,
        Some(form.comment.as_str()),
    )
    .await;
    flash::after(outcome, &back, &crate::tr!("records-done"))
}
