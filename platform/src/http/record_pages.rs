//! Lists, record pages and forms for any object — built-in or a plugin's — on the console
//! (`/console/records/...`) and the portal (`/records/...`). Same services, same gates: a page
//! shows only what the actor may see and offers only what they may do.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::{get, post},
};
use minijinja::{Value as View, context, value::Serde};
use serde::Deserialize;
use serde_json::Value;

use super::{
    error::PageError,
    extract::{ApiQuery, ConsoleUser, CsrfForm, CsrfMultipart, PortalUser},
    flash::{self, Flash},
    page_context,
    record_forms::{self, FormField},
    views,
};
use crate::{
    access::{self, Capability, Level, Operation},
    app::App,
    auth::Authenticated,
    error::{Error, Result},
    records::{self, Columns, ListRequest, ObjectType},
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
            CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
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
            CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
        ) -> Response {
            self::update(&app, &who, &object, &id, form, $surface).await
        }
        async fn delete(
            State(app): State<Arc<App>>,
            $user(who): $user,
            Path((object, id)): Path<(String, String)>,
            CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
        ) -> Response {
            self::delete(&app, &who, &object, &id, $surface).await
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
        Router::new()
            .route("/", get(index))
            .route("/{object}", get(list).post(create))
            .route("/{object}/new", get(new))
            .route("/{object}/{id}", get(show).post(update))
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
    surface_routes!(CONSOLE, ConsoleUser)
}

pub fn portal_routes() -> Router<Arc<App>> {
    surface_routes!(PORTAL, PortalUser)
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
        .objects()
        .filter(|o| access::check(&who.actor, Capability::Records(o, Operation::Read)).is_ok())
        .map(|o| context! { code => o.code.as_str(), title => o.plural_shown(), section => &o.section })
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
}

/// The columns a list shows: the object's title field and a few more, as the actor may see them.
fn list_columns(object: &ObjectType, columns: &Columns) -> Vec<View> {
    let mut shown: Vec<View> =
        vec![context! { name => "number", title => crate::tr!("records-number"), system => true }];
    let title = object.title_field.clone();
    let fields = title
        .iter()
        .filter_map(|t| object.field(t))
        .chain(
            object
                .fields
                .iter()
                .filter(|f| Some(&f.name) != title.as_ref()),
        )
        .filter(|f| columns.visible(&f.name))
        .take(5);
    shown.extend(fields.map(
        |f| context! { name => &f.name, title => object.field_title_shown(f), system => false },
    ));
    if columns.visible("modified_at") {
        shown.push(context! { name => "modified_at", title => crate::tr!("records-modified-on"), system => true });
    }
    shown
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
    let mut filters = query.filter.clone();
    if let (Some(field), Some(op)) = (
        query.field.as_deref().filter(|f| !f.is_empty()),
        query.op.as_deref(),
    ) {
        filters.push(format!(
            "{field}:{op}:{}",
            query.value.clone().unwrap_or_default()
        ));
    }
    let request = ListRequest {
        limit: Some(25),
        cursor: query.cursor.clone(),
        sort: query.sort.clone(),
        filters: filters.clone(),
    };
    let (page, problem) = match records::list(app, &who.actor, code, &request).await {
        Ok(page) => (Some(page), None),
        Err(Error::BadRequest(message)) => (None, Some(message)),
        Err(other) => return Err(other.into()),
    };
    let read_only_reason = records::read_only_reason(&who.actor, code);
    let can_create = read_only_reason.is_none()
        && access::check(&who.actor, Capability::Records(&object, Operation::Create)).is_ok();
    let filterable: Vec<View> = object
        .fields
        .iter()
        .filter(|f| columns.visible(&f.name))
        .map(|f| context! { name => &f.name, title => object.field_title_shown(f) })
        .collect();
    Ok(render(
        flash,
        "records/list.html",
        who,
        surface,
        context! {
            object => context! { code => code, title => object.plural_shown(), singular => object.title_shown() },
            columns => list_columns(&object, &columns),
            page => page.as_ref().map(Serde),
            problem,
            can_create,
            read_only_reason,
            filterable,
            filters,
            sort => query.sort,
        },
    ))
}

/// Offers the records a reference field may point to, when the actor may read them and they are
/// few (lookups such as services or article types); otherwise the field takes an id.
async fn fill_choices(app: &App, who: &Authenticated, fields: &mut [FormField]) {
    const MAX_CHOICES: u32 = 200;
    for field in fields.iter_mut() {
        let Some(target) = field.reference.clone() else {
            continue;
        };
        let Ok(target_type) = records::object_type(&who.actor, &target) else {
            continue;
        };
        let request = ListRequest {
            limit: Some(MAX_CHOICES),
            sort: target_type.title_field.clone(),
            ..ListRequest::default()
        };
        if let Ok(page) = records::list(app, &who.actor, &target, &request).await
            && page.next_cursor.is_none()
        {
            field.choices = page
                .data
                .iter()
                .map(|r| {
                    let id = r["id"].as_str().unwrap_or_default().to_owned();
                    let title = target_type
                        .title_field
                        .as_ref()
                        .and_then(|t| r["data"][t].as_str())
                        .or(r["number"].as_str())
                        .unwrap_or(&id)
                        .to_owned();
                    (id, title)
                })
                .collect();
        }
    }
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
    let columns = Columns::of(&who.actor, &object);
    let mut fields = record_forms::fields(&object, &columns, &serde_json::Map::new());
    fill_choices(app, who, &mut fields).await;
    Ok(render(
        flash,
        "records/new.html",
        who,
        surface,
        context! {
            object => context! { code => code, title => object.plural_shown(), singular => object.title_shown() },
            fields => Serde(&fields),
        },
    ))
}

async fn create(
    app: &App,
    who: &Authenticated,
    code: &str,
    form: BTreeMap<String, String>,
    surface: Surface,
) -> Response {
    let back = format!("{}/{code}/new", surface.prefix);
    let outcome = async {
        let object = records::object_type(&who.actor, code)?;
        let columns = Columns::of(&who.actor, &object);
        let data = record_forms::without_nulls(record_forms::parse(&object, &columns, &form)?);
        records::create(app, &who.actor, code, Value::Object(data)).await
    }
    .await;
    match outcome {
        Ok(record) => {
            let id = record["id"].as_str().unwrap_or_default();
            flash::notice(
                &format!("{}/{code}/{id}", surface.prefix),
                &crate::tr!("records-saved"),
            )
        }
        Err(error) => flash::refused(&back, error),
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
    let object = records::object_type(&who.actor, code)?;
    let opened = records::open_record(app, &who.actor, code, id).await?;
    let columns = Columns::of(&who.actor, &object);
    let data = opened.record["data"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut fields: Vec<FormField> = record_forms::fields(&object, &columns, &data);
    if opened.can_update {
        fill_choices(app, who, &mut fields).await;
    } else {
        fields.iter_mut().for_each(|f| f.read_only = true);
    }
    let rights = if opened.can_share {
        records::rights(app, &who.actor, code, id)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    // Picking roles and users to share with is for the console; portal users see who has access.
    let grantees = if opened.can_share && surface.prefix == CONSOLE.prefix {
        super::console_access::grantee_options(app, &who.actor)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let files = crate::files::of_record(app, &who.actor, code, id)
        .await
        .unwrap_or_default();
    let actions = crate::sections::actions::available(app, &who.actor, code, id)
        .await
        .unwrap_or_default();
    let history = crate::sections::actions::history(app, &who.actor, code, id)
        .await
        .unwrap_or_default();
    Ok(render(
        flash,
        "records/record.html",
        who,
        surface,
        context! {
            files => Serde(&files),
            actions => Serde(&actions),
            history => Serde(&history),
            files_prefix => surface.prefix.trim_end_matches("/records"),
            object => context! { code => code, title => object.plural_shown(), singular => object.title_shown() },
            record => Serde(&opened.record),
            fields => Serde(&fields),
            can_update => opened.can_update,
            can_delete => opened.can_delete,
            can_share => opened.can_share,
            read_only_reason => &opened.read_only_reason,
            rights => Serde(&rights),
            grantees,
            titles => Serde(&opened.titles),
        title => object.title_field.as_ref().and_then(|t| data.get(t)).and_then(Value::as_str).unwrap_or_default(),
        },
    ))
}

async fn update(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    form: BTreeMap<String, String>,
    surface: Surface,
) -> Response {
    let back = format!("{}/{code}/{id}", surface.prefix);
    let outcome = async {
        let object = records::object_type(&who.actor, code)?;
        let columns = Columns::of(&who.actor, &object);
        let version = form
            .get("version")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::BadRequest(crate::tr!("records-form-no-version")))?;
        let changes = record_forms::parse(&object, &columns, &form)?;
        records::update(app, &who.actor, code, id, version, Value::Object(changes)).await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("records-saved"))
}

async fn delete(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    surface: Surface,
) -> Response {
    match records::delete(app, &who.actor, code, id).await {
        Ok(()) => flash::notice(
            &format!("{}/{code}", surface.prefix),
            &crate::tr!("records-deleted"),
        ),
        Err(error) => flash::refused(&format!("{}/{code}/{id}", surface.prefix), error),
    }
}

#[derive(Debug, Deserialize)]
pub struct ShareForm {
    grantee: String,
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
        records::share(app, &who.actor, code, id, &form.grantee, level).await
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
