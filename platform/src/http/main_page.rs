//! The portal main page: as portal users see it (tabs of widgets), its preview, its banner
//! images, and its designer in the console (Console → Main page). Every change of the designer
//! is one form that edits the draft and comes back to the designer; the rules are in
//! [`crate::main_page`].

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::{Path, Query, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::Deserialize;

use super::{
    error::PageError,
    extract::{ConsoleUser, CsrfForm, CsrfMultipart, PortalUser, TenantOf},
    flash::{self, Flash},
    render_page, views,
};
use crate::{
    access::Actor,
    app::App,
    auth::Authenticated,
    charts::Style,
    error::{Error, Result},
    main_page::{self, Design, PageDesign, TabDesign, WidgetDesign},
    records::{self, Columns},
};

const DESIGNER: &str = "/console/main-page";

pub fn portal_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/main-page/preview", get(preview))
        .route("/main-page/images/{name}", get(image))
}

pub fn console_routes() -> Router<Arc<App>> {
    Router::new()
        .route("/main-page", get(designer))
        .route("/main-page/publish", post(publish))
        .route("/main-page/discard", post(discard))
        .route("/main-page/start-page", post(start_page))
        .route("/main-page/pages", post(add_page))
        .route("/main-page/pages/{page}", post(save_page))
        .route("/main-page/pages/{page}/remove", post(remove_page))
        .route("/main-page/pages/{page}/tabs", post(add_tab))
        .route("/main-page/pages/{page}/tabs/{tab}", post(save_tab))
        .route("/main-page/pages/{page}/tabs/{tab}/move", post(move_tab))
        .route(
            "/main-page/pages/{page}/tabs/{tab}/remove",
            post(remove_tab),
        )
        .route(
            "/main-page/pages/{page}/tabs/{tab}/widgets",
            get(new_widget)
                .post(add_widget)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/main-page/pages/{page}/tabs/{tab}/widgets/{widget}",
            get(edit_widget)
                .post(save_widget)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/main-page/pages/{page}/tabs/{tab}/widgets/{widget}/move",
            post(move_widget),
        )
        .route(
            "/main-page/pages/{page}/tabs/{tab}/widgets/{widget}/remove",
            post(remove_widget),
        )
}

#[derive(Debug, Default, Deserialize)]
struct TabQuery {
    tab: Option<usize>,
    page: Option<usize>,
}

/// The main page: the tenant's published design (or the default page) for the viewer's roles.
async fn home(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Query(asked): Query<TabQuery>,
) -> Result<Response, PageError> {
    let page = main_page::for_viewer(&app, &who.actor).await?;
    Ok(show(&app, &who, &page, asked.tab.unwrap_or(0), None).await)
}

/// The draft's page `page`, as the designer would see it if it were published.
async fn preview(
    State(app): State<Arc<App>>,
    PortalUser(who): PortalUser,
    Query(asked): Query<TabQuery>,
) -> Result<Response, PageError> {
    let drafts = main_page::drafts(&app, &who.actor).await?;
    let number = asked.page.unwrap_or(0);
    let page = drafts
        .draft
        .pages
        .get(number)
        .ok_or_else(PageError::not_found)?;
    Ok(show(&app, &who, page, asked.tab.unwrap_or(0), Some(number)).await)
}

async fn show(
    app: &App,
    who: &Authenticated,
    page: &PageDesign,
    tab: usize,
    preview: Option<usize>,
) -> Response {
    let tabs = main_page::view(app, &who.actor, page).await;
    let current = tab.min(tabs.len().saturating_sub(1));
    views::render(
        "portal/home.html",
        context! {
            tabs => Serde(&tabs),
            current,
            preview,
            ..super::page_context(who)
        },
    )
}

/// A banner image: anyone on the tenant's host may load it (like the logo); its name is its
/// content's hash, so it never changes and is cached for good.
async fn image(
    State(app): State<Arc<App>>,
    TenantOf(tenant): TenantOf,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let (bytes, content_type) = main_page::image(&app, tenant.id, &name).await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn designer(
    State(app): State<Arc<App>>,
    flash: Flash,
    ConsoleUser(who): ConsoleUser,
) -> Result<Response, PageError> {
    let drafts = main_page::drafts(&app, &who.actor).await?;
    let start_page = main_page::tenant_start_page(&app, &who.actor).await?;
    // Main pages are for portal users: their roles.
    let roles: Vec<_> = who
        .actor
        .policy
        .roles()
        .filter(|r| r.audience == crate::access::Audience::External)
        .map(|r| context! { id => r.id.to_string(), name => r.name.clone() })
        .collect();
    Ok(render_page(
        flash,
        "console/main_page.html",
        &who,
        context! {
            here => "main_page",
            drafts => Serde(&drafts),
            roles,
            objects => objects(&who.actor),
            kinds => WidgetDesign::KINDS
                .map(|k| (k, WidgetDesign::kind_title(k)))
                .into_iter()
                .collect::<BTreeMap<_, _>>(),
            kind_order => WidgetDesign::KINDS,
            start_page,
            start_choices => Serde(&crate::branding::menu_choices(&who.actor)
                .into_iter().map(|(e, _)| e).collect::<Vec<_>>()),
            max => context! {
                pages => main_page::MAX_PAGES,
                tabs => main_page::MAX_TABS,
                widgets => main_page::MAX_WIDGETS,
            },
        },
    ))
}

/// The objects a widget may show, by their plural titles.
fn objects(actor: &Actor) -> Vec<minijinja::Value> {
    actor
        .catalog
        .objects()
        .map(|o| context! { code => o.code.as_str(), title => o.plural_shown() })
        .collect()
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
struct Confirm {}

async fn publish(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    let outcome = main_page::publish(&app, &who.actor).await;
    flash::after(outcome, DESIGNER, &crate::tr!("main-page-published"))
}

async fn discard(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    let outcome = main_page::discard_draft(&app, &who.actor).await;
    flash::after(outcome, DESIGNER, &crate::tr!("main-page-discarded"))
}

#[derive(Debug, Deserialize)]
struct StartPageForm {
    #[serde(default)]
    start_page: String,
}

async fn start_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<StartPageForm>,
) -> Response {
    let outcome = main_page::set_tenant_start_page(&app, &who.actor, &form.start_page).await;
    flash::after(outcome, DESIGNER, &crate::tr!("main-page-start-page-saved"))
}

/// Applies `change` to the draft and saves it, then comes back to the designer (at `anchor`).
async fn edit_draft(
    app: &App,
    actor: &Actor,
    anchor: &str,
    change: impl FnOnce(&mut Design) -> Result<()>,
) -> Response {
    let outcome = async {
        let mut design = main_page::drafts(app, actor).await?.draft;
        change(&mut design)?;
        main_page::save_draft(app, actor, design).await
    }
    .await;
    flash::after(
        outcome,
        &format!("{DESIGNER}{anchor}"),
        &crate::tr!("main-page-draft-saved"),
    )
}

fn missing() -> Error {
    Error::NotFound("main page part")
}

fn page_at(design: &mut Design, page: usize) -> Result<&mut PageDesign> {
    design.pages.get_mut(page).ok_or_else(missing)
}

fn tab_at(design: &mut Design, page: usize, tab: usize) -> Result<&mut TabDesign> {
    page_at(design, page)?.tabs.get_mut(tab).ok_or_else(missing)
}

/// Moves item `at` one place up or down (`direction` as the form says), if it can.
fn shift<T>(items: &mut [T], at: usize, direction: &str) -> Result<()> {
    if at >= items.len() {
        return Err(missing());
    }
    let to = match direction {
        "up" => at.checked_sub(1),
        "down" => Some(at + 1).filter(|to| *to < items.len()),
        _ => return Err(Error::BadRequest(crate::tr!("error-form-unreadable"))),
    };
    if let Some(to) = to {
        items.swap(at, to);
    }
    Ok(())
}

/// A page's name and the roles it is for (`role_<id>` checkboxes).
fn page_fields(form: &BTreeMap<String, String>) -> (String, Vec<String>) {
    let name = form.get("name").cloned().unwrap_or_default();
    let roles = form
        .keys()
        .filter_map(|k| k.strip_prefix("role_"))
        .map(str::to_owned)
        .collect();
    (name, roles)
}

async fn add_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Response {
    let (name, roles) = page_fields(&form);
    edit_draft(&app, &who.actor, "", |design| {
        design.pages.push(PageDesign {
            name,
            roles,
            tabs: vec![TabDesign {
                title: crate::tr!("main-page-default-tab"),
                widgets: Vec::new(),
            }],
        });
        Ok(())
    })
    .await
}

async fn save_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(page): Path<usize>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Response {
    let (name, roles) = page_fields(&form);
    edit_draft(&app, &who.actor, &format!("#page-{page}"), |design| {
        let found = page_at(design, page)?;
        found.name = name;
        found.roles = roles;
        Ok(())
    })
    .await
}

async fn remove_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(page): Path<usize>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    edit_draft(&app, &who.actor, "", |design| {
        page_at(design, page)?;
        design.pages.remove(page);
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
struct TabForm {
    #[serde(default)]
    title: String,
}

async fn add_tab(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(page): Path<usize>,
    CsrfForm(form): CsrfForm<TabForm>,
) -> Response {
    edit_draft(&app, &who.actor, &format!("#page-{page}"), |design| {
        page_at(design, page)?.tabs.push(TabDesign {
            title: form.title,
            widgets: Vec::new(),
        });
        Ok(())
    })
    .await
}

async fn save_tab(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab)): Path<(usize, usize)>,
    CsrfForm(form): CsrfForm<TabForm>,
) -> Response {
    let anchor = format!("#page-{page}-tab-{tab}");
    edit_draft(&app, &who.actor, &anchor, |design| {
        tab_at(design, page, tab)?.title = form.title;
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
struct MoveForm {
    direction: String,
}

async fn move_tab(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab)): Path<(usize, usize)>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Response {
    edit_draft(&app, &who.actor, &format!("#page-{page}"), |design| {
        shift(&mut page_at(design, page)?.tabs, tab, &form.direction)
    })
    .await
}

async fn remove_tab(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab)): Path<(usize, usize)>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    edit_draft(&app, &who.actor, &format!("#page-{page}"), |design| {
        tab_at(design, page, tab)?;
        page_at(design, page)?.tabs.remove(tab);
        Ok(())
    })
    .await
}

async fn move_widget(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab, widget)): Path<(usize, usize, usize)>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Response {
    let anchor = format!("#page-{page}-tab-{tab}");
    edit_draft(&app, &who.actor, &anchor, |design| {
        shift(
            &mut tab_at(design, page, tab)?.widgets,
            widget,
            &form.direction,
        )
    })
    .await
}

async fn remove_widget(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab, widget)): Path<(usize, usize, usize)>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> Response {
    let anchor = format!("#page-{page}-tab-{tab}");
    edit_draft(&app, &who.actor, &anchor, |design| {
        let widgets = &mut tab_at(design, page, tab)?.widgets;
        if widget >= widgets.len() {
            return Err(missing());
        }
        widgets.remove(widget);
        Ok(())
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
struct NewWidget {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    object: String,
}

/// The form of a new widget of the kind (and object) chosen in the designer.
async fn new_widget(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab)): Path<(usize, usize)>,
    Query(asked): Query<NewWidget>,
) -> Result<Response, PageError> {
    let mut design = main_page::drafts(&app, &who.actor).await?.draft;
    tab_at(&mut design, page, tab)?;
    let widget = from_fields(
        &asked.kind,
        &BTreeMap::from([("object".into(), asked.object)]),
    )?;
    Ok(widget_form(&who, (page, tab, None), &widget, None))
}

async fn edit_widget(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab, widget)): Path<(usize, usize, usize)>,
) -> Result<Response, PageError> {
    let mut design = main_page::drafts(&app, &who.actor).await?.draft;
    let found = tab_at(&mut design, page, tab)?
        .widgets
        .get(widget)
        .ok_or_else(missing)?
        .clone();
    Ok(widget_form(&who, (page, tab, Some(widget)), &found, None))
}

async fn add_widget(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab)): Path<(usize, usize)>,
    form: CsrfMultipart,
) -> Response {
    submit_widget(&app, &who, (page, tab, None), form).await
}

async fn save_widget(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((page, tab, widget)): Path<(usize, usize, usize)>,
    form: CsrfMultipart,
) -> Response {
    submit_widget(&app, &who, (page, tab, Some(widget)), form).await
}

/// Saves a widget's form into the draft, or shows the form again with every value kept and
/// each problem beside its field.
async fn submit_widget(
    app: &App,
    who: &Authenticated,
    at: (usize, usize, Option<usize>),
    form: CsrfMultipart,
) -> Response {
    let (page, tab, index) = at;
    let kind = form.fields.get("kind").cloned().unwrap_or_default();
    let mut widget = match from_fields(&kind, &form.fields) {
        Ok(widget) => widget,
        Err(error) => return PageError::from(error).into_response(),
    };
    let outcome = async {
        let mut design = main_page::drafts(app, &who.actor).await?.draft;
        if let (WidgetDesign::Banner { image, .. }, Some(upload)) =
            (&mut widget, form.files.first())
        {
            *image = Some(main_page::store_image(app, &who.actor, &upload.bytes).await?);
        }
        main_page::checked_widget(&who.actor, &mut widget)?;
        let widgets = &mut tab_at(&mut design, page, tab)?.widgets;
        match index {
            Some(i) => *widgets.get_mut(i).ok_or_else(missing)? = widget.clone(),
            None => widgets.push(widget.clone()),
        }
        main_page::save_draft(app, &who.actor, design).await
    }
    .await;
    match outcome {
        Ok(_) => flash::notice(
            &format!("{DESIGNER}#page-{page}-tab-{tab}"),
            &crate::tr!("main-page-draft-saved"),
        ),
        Err(Error::Invalid { fields, .. }) => {
            // A problem of the draft as a whole is the widget's, named by its last part.
            let fields: BTreeMap<String, Vec<String>> = fields
                .into_iter()
                .map(|(k, v)| (k.rsplit('.').next().unwrap_or(&k).to_owned(), v))
                .collect();
            let mut page = widget_form(who, at, &widget, Some(&fields));
            *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            page
        }
        Err(error) => PageError::from(error).into_response(),
    }
}

/// A widget as its form's fields describe it (`filters` one per line, `column_0..3`).
fn from_fields(kind: &str, fields: &BTreeMap<String, String>) -> Result<WidgetDesign> {
    let text = |name: &str| {
        fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let optional = |name: &str| Some(text(name)).filter(|v| !v.is_empty());
    let filters = || -> Vec<String> {
        text("filters")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let unreadable = || Error::BadRequest(crate::tr!("main-page-unknown-kind", kind = kind));
    Ok(match kind {
        "banner" => WidgetDesign::Banner {
            title: text("title"),
            text: text("text"),
            // The stored image stays unless another is uploaded or it is removed.
            image: optional("image").filter(|_| text("remove_image").is_empty()),
        },
        "knowledge_search" => WidgetDesign::KnowledgeSearch,
        "popular_articles" => WidgetDesign::PopularArticles,
        "my_cases" => WidgetDesign::MyCases,
        "approvals" => WidgetDesign::Approvals,
        "sections" => WidgetDesign::Sections,
        "partner_program" => WidgetDesign::PartnerProgram,
        "partner_analytics" => WidgetDesign::PartnerAnalytics,
        "list" => WidgetDesign::List {
            title: text("title"),
            object: text("object"),
            filters: filters(),
            sort: optional("sort"),
            columns: (0..main_page::MAX_LIST_COLUMNS)
                .filter_map(|i| optional(&format!("column_{i}")))
                .collect(),
            rows: optional("rows").map_or(Ok(5), |r| r.parse().map_err(|_| unreadable()))?,
        },
        "chart" => WidgetDesign::Chart {
            title: text("title"),
            object: text("object"),
            filters: filters(),
            group: text("group"),
            sum: optional("sum"),
            style: match text("style").as_str() {
                "line" => Style::Line,
                "doughnut" => Style::Doughnut,
                _ => Style::Bar,
            },
        },
        "metric" => WidgetDesign::Metric {
            title: text("title"),
            object: text("object"),
            filters: filters(),
            sum: optional("sum"),
        },
        "link" => WidgetDesign::Link {
            title: text("title"),
            url: text("url"),
            text: text("text"),
        },
        _ => return Err(unreadable()),
    })
}

/// The form of one widget: its kind's fields, the choices of its object's fields, and the
/// problems of the last try beside their fields.
fn widget_form(
    who: &Authenticated,
    (page, tab, index): (usize, usize, Option<usize>),
    widget: &WidgetDesign,
    errors: Option<&BTreeMap<String, Vec<String>>>,
) -> Response {
    let object = widget
        .object()
        .and_then(|code| who.actor.catalog.get(code))
        .cloned();
    let fields = object.as_ref().map(|o| {
        let columns = Columns::of(&who.actor, o);
        let choosable = columns.choosable(o);
        let of_kind = |wanted: &dyn Fn(&records::Field) -> bool| -> Vec<_> {
            o.fields
                .iter()
                .filter(|f| columns.visible(&f.name) && wanted(f))
                .map(|f| context! { name => f.name.clone(), title => o.field_title_shown(f) })
                .collect()
        };
        // Fields with few values: choices, references and dates (free text groups badly).
        let mut groups = of_kind(&|f| {
            f.schema.get("enum").is_some()
                || f.reference.is_some()
                || matches!(
                    f.schema.get("format").and_then(serde_json::Value::as_str),
                    Some("date" | "date-time")
                )
        });
        groups.push(context! { name => "created_at", title => crate::tr!("records-created-on") });
        context! {
            object_title => o.plural_shown(),
            columns => Serde(&choosable),
            groups,
            sums => of_kind(&|f| f.kind() == records::FieldKind::Number),
        }
    });
    let action = match index {
        Some(i) => format!("{DESIGNER}/pages/{page}/tabs/{tab}/widgets/{i}"),
        None => format!("{DESIGNER}/pages/{page}/tabs/{tab}/widgets"),
    };
    views::render(
        "console/main_page_widget.html",
        context! {
            here => "main_page",
            widget => Serde(widget),
            kind => widget.kind(),
            kind_title => WidgetDesign::kind_title(widget.kind()),
            styles => [
                ("bar", crate::tr!("main-page-style-bar")),
                ("line", crate::tr!("main-page-style-line")),
                ("doughnut", crate::tr!("main-page-style-doughnut")),
            ],
            action,
            fields,
            objects => objects(&who.actor),
            errors => errors.map(Serde),
            back => format!("{DESIGNER}#page-{page}-tab-{tab}"),
            max_rows => main_page::MAX_LIST_ROWS,
            max_columns => (0..main_page::MAX_LIST_COLUMNS).collect::<Vec<_>>(),
            max_banner_kb => main_page::MAX_BANNER_BYTES / 1024,
            ..super::page_context(who)
        },
    )
}
