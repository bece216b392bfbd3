//! The portal's main page as the tenant designs it ("Set up the portal main page"): one or more
//! pages, each for everyone or for some roles, each of tabs of widgets. The designer edits a
//! draft, previews it and publishes it; portal users see the published design (until there is
//! one, the default page every portal started with). A widget shows only data its viewer may
//! read, through the same gates as lists: one whose object, group or sum the viewer may not read
//! is left out.

use std::collections::BTreeSet;

use object_store::{ObjectStoreExt, PutPayload, path::Path};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    access::{self, Actor, Capability, Operation, RoleId, SystemOperation},
    app::App,
    charts::{self, Style},
    error::{Error, FieldErrors, Result},
    records::{self, Columns, ListRequest, TotalsRequest, Widget},
    store::{Access, settings},
};

pub const MAX_PAGES: usize = 5;
pub const MAX_TABS: usize = 6;
pub const MAX_WIDGETS: usize = 12;
pub const MAX_LIST_ROWS: u32 = 10;
pub const MAX_LIST_COLUMNS: usize = 4;
/// The groups a chart draws; the rest are added up as one.
pub const MAX_CHART_GROUPS: usize = 12;
pub const MAX_BANNER_BYTES: usize = 1024 * 1024;
const MAX_TEXT: usize = 1000;

const DRAFT: &str = "main_page:draft";
const PUBLISHED: &str = "main_page:published";

/// A tenant's main pages, the first whose roles the viewer holds shown to them (a page without
/// roles is everyone's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Design {
    pub pages: Vec<PageDesign>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PageDesign {
    /// What the designer calls it ("Partners"); portal users do not see it.
    pub name: String,
    /// The roles (ids) whose members see this page; none: everyone.
    #[serde(default)]
    pub roles: Vec<String>,
    pub tabs: Vec<TabDesign>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TabDesign {
    pub title: String,
    pub widgets: Vec<WidgetDesign>,
}

/// One widget of a tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum WidgetDesign {
    /// A welcome: a heading (blank: "Welcome, name"), text and an image uploaded for it.
    Banner {
        #[serde(default)]
        title: String,
        #[serde(default)]
        text: String,
        /// The stored image's name (`<sha-256>.png`), from an upload.
        #[serde(default)]
        image: Option<String>,
    },
    KnowledgeSearch,
    PopularArticles,
    MyCases,
    /// What waits for the viewer's approval, and their own open requests.
    Approvals,
    /// A tile for each custom section.
    Sections,
    PartnerProgram,
    PartnerAnalytics,
    /// Records of any object, filtered and sorted, with chosen columns.
    List {
        title: String,
        object: String,
        #[serde(default)]
        filters: Vec<String>,
        #[serde(default)]
        sort: Option<String>,
        #[serde(default)]
        columns: Vec<String>,
        #[serde(default = "default_rows")]
        rows: u32,
    },
    /// Records counted (or a number field summed) by a field, drawn on the server.
    Chart {
        title: String,
        object: String,
        #[serde(default)]
        filters: Vec<String>,
        group: String,
        #[serde(default)]
        sum: Option<String>,
        style: Style,
    },
    /// One number: records counted, or a number field summed.
    Metric {
        title: String,
        object: String,
        #[serde(default)]
        filters: Vec<String>,
        #[serde(default)]
        sum: Option<String>,
    },
    Link {
        title: String,
        url: String,
        #[serde(default)]
        text: String,
    },
}

fn default_rows() -> u32 {
    5
}

impl WidgetDesign {
    /// The kinds a designer adds, in the order the designer offers them.
    pub const KINDS: [&'static str; 12] = [
        "banner",
        "knowledge_search",
        "popular_articles",
        "my_cases",
        "approvals",
        "sections",
        "partner_program",
        "partner_analytics",
        "list",
        "chart",
        "metric",
        "link",
    ];

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Banner { .. } => "banner",
            Self::KnowledgeSearch => "knowledge_search",
            Self::PopularArticles => "popular_articles",
            Self::MyCases => "my_cases",
            Self::Approvals => "approvals",
            Self::Sections => "sections",
            Self::PartnerProgram => "partner_program",
            Self::PartnerAnalytics => "partner_analytics",
            Self::List { .. } => "list",
            Self::Chart { .. } => "chart",
            Self::Metric { .. } => "metric",
            Self::Link { .. } => "link",
        }
    }

    /// A kind's name as the designer reads it.
    pub fn kind_title(kind: &str) -> String {
        match kind {
            "banner" => crate::tr!("main-page-kind-banner"),
            "knowledge_search" => crate::tr!("main-page-kind-knowledge-search"),
            "popular_articles" => crate::tr!("main-page-kind-popular-articles"),
            "my_cases" => crate::tr!("main-page-kind-my-cases"),
            "approvals" => crate::tr!("main-page-kind-approvals"),
            "sections" => crate::tr!("main-page-kind-sections"),
            "partner_program" => crate::tr!("main-page-kind-partner-program"),
            "partner_analytics" => crate::tr!("main-page-kind-partner-analytics"),
            "list" => crate::tr!("main-page-kind-list"),
            "chart" => crate::tr!("main-page-kind-chart"),
            "metric" => crate::tr!("main-page-kind-metric"),
            _ => crate::tr!("main-page-kind-link"),
        }
    }

    /// The object whose records it shows, for those that show any object's.
    pub fn object(&self) -> Option<&str> {
        match self {
            Self::List { object, .. }
            | Self::Chart { object, .. }
            | Self::Metric { object, .. } => Some(object),
            _ => None,
        }
    }

    /// A widget the sections provide, as they show it to each viewer.
    fn of_sections(&self) -> bool {
        matches!(
            self,
            Self::KnowledgeSearch
                | Self::PopularArticles
                | Self::MyCases
                | Self::Sections
                | Self::PartnerProgram
                | Self::PartnerAnalytics
        )
    }
}

/// The page every portal has until its tenant publishes one: what the sections offer.
pub fn default_design() -> Design {
    Design {
        pages: vec![PageDesign {
            name: crate::tr!("main-page-everyone"),
            roles: Vec::new(),
            tabs: vec![TabDesign {
                title: crate::tr!("main-page-default-tab"),
                widgets: vec![
                    WidgetDesign::Banner {
                        title: String::new(),
                        text: String::new(),
                        image: None,
                    },
                    WidgetDesign::KnowledgeSearch,
                    WidgetDesign::Sections,
                    WidgetDesign::Approvals,
                    WidgetDesign::PopularArticles,
                    WidgetDesign::MyCases,
                    WidgetDesign::PartnerProgram,
                    WidgetDesign::PartnerAnalytics,
                ],
            }],
        }],
    }
}

/// What the designer works on: the draft, and whether it differs from what portal users see.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Drafts {
    pub draft: Design,
    /// None: nothing published yet (portal users see the default page).
    pub published: Option<Design>,
    pub unpublished_changes: bool,
}

fn may_design(actor: &Actor) -> Result<()> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))
}

async fn read(tx: &mut crate::store::TenantTx, key: &str) -> Result<Option<Design>> {
    let text = settings::get(tx, key).await?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| Error::Internal(e.into())))
        .transpose()
}

/// The draft (else the published design, else the default page) and the published design.
pub async fn drafts(app: &App, actor: &Actor) -> Result<Drafts> {
    may_design(actor)?;
    // Both in one transaction: a publish between two reads would show a stale comparison.
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let published = read(&mut tx, PUBLISHED).await?;
    let draft = read(&mut tx, DRAFT).await?;
    drop(tx);
    let draft = match draft {
        Some(draft) => draft,
        None => published.clone().unwrap_or_else(default_design),
    };
    let unpublished_changes = published.as_ref() != Some(&draft);
    Ok(Drafts {
        draft,
        published,
        unpublished_changes,
    })
}

/// Checks `design` whole and saves it as the draft; each problem is named by where it is
/// (`pages.0.tabs.1.widgets.2.object`).
pub async fn save_draft(app: &App, actor: &Actor, design: Design) -> Result<Drafts> {
    may_design(actor)?;
    let design = checked(actor, design)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let text = serde_json::to_string(&design).map_err(|e| Error::Internal(e.into()))?;
    settings::put(&mut tx, DRAFT, &text).await?;
    tx.commit().await?;
    drafts(app, actor).await
}

/// Publishes the draft: portal users see it from their next page on.
pub async fn publish(app: &App, actor: &Actor) -> Result<Drafts> {
    let Drafts {
        draft, published, ..
    } = drafts(app, actor).await?;
    // Checked again: a role or section it names may have gone since it was saved.
    let draft = checked(actor, draft)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let text = serde_json::to_string(&draft).map_err(|e| Error::Internal(e.into()))?;
    settings::put(&mut tx, PUBLISHED, &text).await?;
    settings::put(&mut tx, DRAFT, &text).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "tenant.main_page",
        "main_page".to_owned(),
        published.map(|p| json!(p)),
        Some(json!(draft)),
    )
    .await?;
    tx.commit().await?;
    drafts(app, actor).await
}

/// Throws the draft away: the designer starts again from what is published.
pub async fn discard_draft(app: &App, actor: &Actor) -> Result<Drafts> {
    may_design(actor)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    settings::delete(&mut tx, DRAFT).await?;
    tx.commit().await?;
    drafts(app, actor).await
}

/// `design` with its texts trimmed, if every part of it is sound.
fn checked(actor: &Actor, mut design: Design) -> Result<Design> {
    let mut errors = FieldErrors::new();
    let mut fail = |at: String, message: String| errors.entry(at).or_default().push(message);
    if design.pages.is_empty() || design.pages.len() > MAX_PAGES {
        fail(
            "pages".into(),
            crate::tr!("main-page-pages-range", max = MAX_PAGES),
        );
    }
    for (p, page) in design.pages.iter_mut().enumerate() {
        let at = format!("pages.{p}");
        trimmed_name(&mut page.name, &format!("{at}.name"), 80, &mut fail);
        let mut seen = BTreeSet::new();
        for role in &page.roles {
            let known = role
                .parse::<RoleId>()
                .ok()
                .and_then(|id| actor.policy.role(id));
            if known.is_none() || !seen.insert(role.clone()) {
                fail(
                    format!("{at}.roles"),
                    crate::tr!("main-page-unknown-role", role = role.as_str()),
                );
            }
        }
        if page.tabs.is_empty() || page.tabs.len() > MAX_TABS {
            fail(
                format!("{at}.tabs"),
                crate::tr!("main-page-tabs-range", max = MAX_TABS),
            );
        }
        for (t, tab) in page.tabs.iter_mut().enumerate() {
            let at = format!("{at}.tabs.{t}");
            trimmed_name(&mut tab.title, &format!("{at}.title"), 60, &mut fail);
            if tab.widgets.len() > MAX_WIDGETS {
                fail(
                    format!("{at}.widgets"),
                    crate::tr!("main-page-widgets-range", max = MAX_WIDGETS),
                );
            }
            for (w, widget) in tab.widgets.iter_mut().enumerate() {
                let at = format!("{at}.widgets.{w}");
                if let Err(Error::Invalid { fields, .. }) = checked_widget(actor, widget) {
                    for (field, messages) in fields {
                        for message in messages {
                            fail(format!("{at}.{field}"), message);
                        }
                    }
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(design)
    } else {
        Err(Error::invalid_fields(errors))
    }
}

fn trimmed_name(text: &mut String, at: &str, max: usize, fail: &mut impl FnMut(String, String)) {
    match crate::text::name(at, text, max) {
        Ok(name) => *text = name,
        Err(error) => fail(at.to_owned(), error.in_words()),
    }
}

/// Checks one widget (its texts trimmed), each problem by its field (`object`, `group`).
pub fn checked_widget(actor: &Actor, widget: &mut WidgetDesign) -> Result<()> {
    let mut errors = FieldErrors::new();
    let mut fail =
        |field: &str, message: String| errors.entry(field.to_owned()).or_default().push(message);
    let mut optional_text = |text: &mut String, field: &str, max: usize| {
        *text = text.trim().to_owned();
        if text.chars().count() > max {
            fail(field, crate::tr!("error-length", max = max));
        }
    };
    match widget {
        WidgetDesign::Banner { title, text, image } => {
            optional_text(title, "title", 80);
            optional_text(text, "text", MAX_TEXT);
            if image.as_deref().is_some_and(|name| !image_name(name)) {
                fail("image", crate::tr!("main-page-image-unknown"));
            }
        }
        WidgetDesign::Link { title, url, text } => {
            optional_text(text, "text", 200);
            match crate::text::name("title", title, 80) {
                Ok(name) => *title = name,
                Err(error) => fail("title", error.in_words()),
            }
            match crate::branding::link_url(url.trim()) {
                Some(sound) => *url = sound,
                None => fail("url", crate::tr!("branding-link-url")),
            }
        }
        WidgetDesign::List {
            title,
            object,
            filters,
            sort,
            columns,
            rows,
        } => {
            check_title(title, &mut fail);
            if !(1..=MAX_LIST_ROWS).contains(rows) {
                fail(
                    "rows",
                    crate::tr!("main-page-rows-range", max = MAX_LIST_ROWS),
                );
            }
            if columns.len() > MAX_LIST_COLUMNS {
                fail(
                    "columns",
                    crate::tr!("main-page-columns-range", max = MAX_LIST_COLUMNS),
                );
            }
            if let Some((object_type, shown)) = designed_object(actor, object, &mut fail) {
                let filtered = ListRequest {
                    filters: filters.clone(),
                    ..Default::default()
                };
                let sorted = ListRequest {
                    sort: sort.clone().filter(|s| !s.is_empty()),
                    ..Default::default()
                };
                for (field, request) in [("filters", filtered), ("sort", sorted)] {
                    if let Err(error) = records::check_list(actor, object, &request) {
                        fail(field, error.in_words());
                    }
                }
                for column in columns.iter() {
                    if !shown
                        .choosable(&object_type)
                        .iter()
                        .any(|c| &c.name == column)
                    {
                        fail(
                            "columns",
                            crate::tr!("records-not-filterable", name = format!("{column:?}")),
                        );
                    }
                }
            }
        }
        WidgetDesign::Chart {
            title,
            object,
            filters,
            group,
            sum,
            ..
        } => {
            check_title(title, &mut fail);
            check_totals(actor, object, filters, Some(&*group), sum, &mut fail);
        }
        WidgetDesign::Metric {
            title,
            object,
            filters,
            sum,
        } => {
            check_title(title, &mut fail);
            check_totals(actor, object, filters, None, sum, &mut fail);
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_fields(errors))
    }
}

fn check_title(title: &mut String, fail: &mut impl FnMut(&str, String)) {
    match crate::text::name("title", title, 80) {
        Ok(name) => *title = name,
        Err(error) => fail("title", error.in_words()),
    }
}

/// The object a widget names and every column of it (the designer's view), if it exists.
fn designed_object(
    actor: &Actor,
    object: &str,
    fail: &mut impl FnMut(&str, String),
) -> Option<(std::sync::Arc<records::ObjectType>, Columns)> {
    match actor.catalog.get(object) {
        Some(found) => Some((found.clone(), Columns::of(actor, found))),
        None => {
            fail(
                "object",
                crate::tr!("main-page-unknown-object", object = object),
            );
            None
        }
    }
}

fn check_totals(
    actor: &Actor,
    object: &str,
    filters: &[String],
    group: Option<&String>,
    sum: &mut Option<String>,
    fail: &mut impl FnMut(&str, String),
) {
    if sum.as_deref().is_some_and(str::is_empty) {
        *sum = None;
    }
    if designed_object(actor, object, fail).is_none() {
        return;
    }
    // Each part on its own, so that each problem is named by its field.
    let filtered = TotalsRequest {
        filters: filters.to_vec(),
        ..Default::default()
    };
    let parts = [
        ("filters", filtered.clone()),
        (
            "group",
            TotalsRequest {
                group: group.cloned(),
                ..filtered.clone()
            },
        ),
        (
            "sum",
            TotalsRequest {
                sum: sum.clone(),
                ..filtered.clone()
            },
        ),
    ];
    for (field, request) in parts {
        if let Err(error) = records::check_totals(actor, object, &request) {
            fail(field, error.in_words());
            return;
        }
    }
}

/// The tenant setting of new users' start page (copied to each as they are created).
pub(crate) const START_PAGE: &str = "portal:start_page";

/// The start page new portal users get (`None`: the main page).
pub async fn tenant_start_page(app: &App, actor: &Actor) -> Result<Option<String>> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    Ok(settings::get(&mut tx, START_PAGE).await?)
}

/// Sets the start page of users created from now on (existing users keep theirs, as in the
/// reference product: each user's is a field of their own).
pub async fn set_tenant_start_page(app: &App, actor: &Actor, typed: &str) -> Result<()> {
    may_design(actor)?;
    let chosen = crate::branding::start_page(actor, typed)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    match &chosen {
        Some(code) => settings::put(&mut tx, START_PAGE, code).await?,
        None => settings::delete(&mut tx, START_PAGE).await?,
    }
    tx.commit().await?;
    Ok(())
}

/// The design a viewer sees: the published one (else the default page) and, of its pages, the
/// first for a role the viewer holds (or everyone).
pub async fn for_viewer(app: &App, actor: &Actor) -> Result<PageDesign> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let design = read(&mut tx, PUBLISHED)
        .await?
        .unwrap_or_else(default_design);
    drop(tx);
    Ok(page_for(actor, design))
}

fn page_for(actor: &Actor, design: Design) -> PageDesign {
    let holds = |role: &String| {
        role.parse::<RoleId>().is_ok_and(|wanted| {
            actor
                .membership
                .roles
                .iter()
                .any(|held| actor.policy.is_within(*held, wanted))
        })
    };
    let mut pages = design.pages.into_iter();
    let mut everyone = None;
    for page in pages.by_ref() {
        if page.roles.iter().any(holds) {
            return page;
        }
        if page.roles.is_empty() && everyone.is_none() {
            everyone = Some(page);
        }
    }
    everyone.unwrap_or_else(|| {
        default_design()
            .pages
            .pop()
            .expect("the default design has a page")
    })
}

/// A tab as its viewer sees it: its widgets with their data, those the viewer may not read
/// left out.
#[derive(Debug, Serialize)]
pub struct TabView {
    pub title: String,
    pub widgets: Vec<Widget>,
}

/// The tabs of `page` with every widget's data, read as `actor`.
pub async fn view(app: &App, actor: &Actor, page: &PageDesign) -> Vec<TabView> {
    let needs_sections = page
        .tabs
        .iter()
        .flat_map(|t| &t.widgets)
        .any(|w| w.of_sections() || matches!(w, WidgetDesign::Approvals));
    let offered = if needs_sections {
        crate::sections::main_page(app, actor).await
    } else {
        Default::default()
    };
    let mut tabs = Vec::with_capacity(page.tabs.len());
    for tab in &page.tabs {
        let mut widgets = Vec::new();
        for design in &tab.widgets {
            widgets.extend(widget(app, actor, design, &offered).await);
        }
        tabs.push(TabView {
            title: tab.title.clone(),
            widgets,
        });
    }
    tabs
}

/// One widget with its data, or nothing if the viewer may not read it (or it has nothing to
/// offer them, like a partner's program to a customer).
async fn widget(
    app: &App,
    actor: &Actor,
    design: &WidgetDesign,
    offered: &crate::sections::MainPage,
) -> Option<Widget> {
    let kind = design.kind();
    match design {
        WidgetDesign::Banner { title, text, image } => Some(Widget::new(
            kind,
            json!({ "title": title, "text": text, "image": image }),
        )),
        WidgetDesign::Link { title, url, text } => Some(Widget::new(
            kind,
            json!({ "title": title, "url": url, "text": text }),
        )),
        WidgetDesign::Approvals => (!offered.awaiting_approval.is_empty()
            || !offered.open_requests.is_empty())
        .then(|| {
            Widget::new(
                kind,
                json!({
                    "awaiting": offered.awaiting_approval,
                    "open": offered.open_requests,
                }),
            )
        }),
        WidgetDesign::Sections => {
            let tiles: Vec<&Value> = offered
                .widgets
                .iter()
                .filter(|w| w.kind == "section")
                .map(|w| &w.data)
                .collect();
            (!tiles.is_empty()).then(|| Widget::new(kind, json!(tiles)))
        }
        _ if design.of_sections() => offered.widgets.iter().find(|w| w.kind == kind).cloned(),
        WidgetDesign::List {
            title,
            object,
            filters,
            sort,
            columns,
            rows,
        } => {
            let object_type = readable(actor, object)?;
            let request = ListRequest {
                limit: Some(*rows),
                sort: sort.clone().filter(|s| !s.is_empty()),
                filters: filters.clone(),
                ..Default::default()
            };
            let page = records::list(app, actor, object, &request).await.ok()?;
            let viewer = Columns::of(actor, &object_type);
            let mut shown = viewer.chosen(&object_type, columns);
            if columns.is_empty() {
                shown = viewer.listed(&object_type);
                shown.truncate(3);
            }
            let paths: Vec<String> = page
                .data
                .iter()
                .map(|r| {
                    let id = r["id"].as_str().unwrap_or_default();
                    crate::sections::page_path(actor.kind, object, id)
                })
                .collect();
            Some(Widget::new(
                kind,
                json!({
                    "title": title,
                    "object": object,
                    "columns": shown,
                    "page": page,
                    "paths": paths,
                    "all": crate::sections::list_path(actor.kind, object),
                }),
            ))
        }
        WidgetDesign::Chart {
            title,
            object,
            filters,
            group,
            sum,
            style,
        } => {
            let object_type = readable(actor, object)?;
            let request = TotalsRequest {
                filters: filters.clone(),
                group: Some(group.clone()),
                sum: sum.clone(),
            };
            let totals = records::totals(app, actor, object, &request).await.ok()?;
            let figures = figures(&object_type, sum.as_deref(), &totals);
            let svg = charts::draw(*style, title, &figures, &crate::tr!("main-page-no-data"));
            Some(Widget::new(
                kind,
                json!({ "title": title, "svg": svg, "capped": totals.capped,
                        "cap": records::TOTALS_CAP }),
            ))
        }
        WidgetDesign::Metric {
            title,
            object,
            filters,
            sum,
        } => {
            let object_type = readable(actor, object)?;
            let request = TotalsRequest {
                filters: filters.clone(),
                group: None,
                sum: sum.clone(),
            };
            let totals = records::totals(app, actor, object, &request).await.ok()?;
            let total = totals.groups.first();
            let value = match sum {
                Some(_) => total.and_then(|t| t.sum).unwrap_or_default(),
                None => total.map_or(0.0, |t| t.count as f64),
            };
            Some(Widget::new(
                kind,
                json!({
                    "title": title,
                    "shown": shown_figure(&object_type, sum.as_deref(), value),
                    "capped": totals.capped,
                    "all": crate::sections::list_path(actor.kind, object),
                }),
            ))
        }
        _ => None,
    }
}

/// The object, if the viewer may read its records (gate 1 and 2; the list or totals apply the
/// record and column gates).
fn readable(actor: &Actor, object: &str) -> Option<std::sync::Arc<records::ObjectType>> {
    let object_type = actor.catalog.get(object)?;
    access::check(actor, Capability::Records(object_type, Operation::Read))
        .ok()
        .map(|()| object_type.clone())
}

/// A figure as the reader writes it: an amount in its field's currency, else a number.
fn shown_figure(object: &records::ObjectType, sum: Option<&str>, value: f64) -> String {
    let locale = crate::i18n::current();
    match sum.and_then(|s| object.field(s)).and_then(|f| f.currency()) {
        Some(currency) => locale.money(value, currency),
        None if value.fract() == 0.0 => locale.number(value, 0),
        None => locale.number(value, 2),
    }
}

/// The chart's bars: the largest groups (months in order), the rest added up as "Other".
fn figures(
    object: &records::ObjectType,
    sum: Option<&str>,
    totals: &records::Totals,
) -> Vec<charts::Bar> {
    let value = |t: &records::Total| t.sum.unwrap_or(t.count as f64);
    let label = |t: &records::Total| {
        t.shown
            .clone()
            .or_else(|| t.key.clone())
            .unwrap_or_else(|| crate::tr!("main-page-none"))
    };
    let bar = |label: String, value: f64| charts::Bar {
        label,
        value,
        shown: shown_figure(object, sum, value),
    };
    let groups = &totals.groups;
    if totals.by_month || groups.len() <= MAX_CHART_GROUPS {
        return groups.iter().map(|t| bar(label(t), value(t))).collect();
    }
    let mut bars: Vec<charts::Bar> = groups[..MAX_CHART_GROUPS - 1]
        .iter()
        .map(|t| bar(label(t), value(t)))
        .collect();
    let rest: f64 = groups[MAX_CHART_GROUPS - 1..].iter().map(value).sum();
    bars.push(bar(crate::tr!("main-page-other"), rest));
    bars
}

/// Whether `name` is the name of an uploaded banner image (`<64 hex digits>.png|jpg`).
fn image_name(name: &str) -> bool {
    name.split_once('.').is_some_and(|(hash, extension)| {
        hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            && matches!(extension, "png" | "jpg")
    })
}

fn image_location(tenant: i64, name: &str) -> Path {
    Path::from(format!("main-page/{tenant}/{name}"))
}

/// Stores an uploaded banner image (PNG or JPEG, at most [`MAX_BANNER_BYTES`]) under its
/// content's hash, and answers its name.
pub async fn store_image(app: &App, actor: &Actor, bytes: &[u8]) -> Result<String> {
    may_design(actor)?;
    if bytes.len() > MAX_BANNER_BYTES {
        return Err(Error::invalid_field(
            "image",
            crate::tr!("branding-image-too-large", kb = MAX_BANNER_BYTES / 1024),
        ));
    }
    let extension = match infer::get(bytes).map(|kind| kind.mime_type()) {
        Some("image/png") if crate::branding::png_size(bytes).is_some() => "png",
        Some("image/jpeg") if crate::branding::jpeg_size(bytes).is_some() => "jpg",
        _ => {
            return Err(Error::invalid_field(
                "image",
                crate::tr!("main-page-image-type"),
            ));
        }
    };
    let hash = crate::sections::installed::hex(&Sha256::digest(bytes));
    let name = format!("{hash}.{extension}");
    app.files
        .put(
            &image_location(actor.tenant.id.get(), &name),
            PutPayload::from(bytes.to_vec()),
        )
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?;
    Ok(name)
}

/// A banner image of the tenant, by name, with its content type.
pub async fn image(
    app: &App,
    tenant: portico_tenants::TenantId,
    name: &str,
) -> Result<(axum::body::Bytes, &'static str)> {
    if !image_name(name) {
        return Err(Error::NotFound("image"));
    }
    let content_type = if name.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    match app.files.get(&image_location(tenant.get(), name)).await {
        Ok(found) => found
            .bytes()
            .await
            .map(|b| (b, content_type))
            .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}"))),
        Err(object_store::Error::NotFound { .. }) => Err(Error::NotFound("image")),
        Err(e) => Err(Error::Internal(anyhow::anyhow!("file store: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_design_reads_and_writes_its_widgets_by_kind() {
        let text = r#"{"pages":[{"name":"All","tabs":[{"title":"Home","widgets":[
            {"kind":"chart","title":"Cases","object":"case","group":"status","style":"doughnut"},
            {"kind":"knowledge_search"},
            {"kind":"link","title":"Site","url":"https://example.com"}]}]}]}"#;
        let design: Design = serde_json::from_str(text).unwrap();
        let widgets = &design.pages[0].tabs[0].widgets;
        assert_eq!(widgets[0].kind(), "chart");
        assert_eq!(widgets[0].object(), Some("case"));
        assert_eq!(widgets[1], WidgetDesign::KnowledgeSearch);
        let again: Design = serde_json::from_value(serde_json::to_value(&design).unwrap()).unwrap();
        assert_eq!(again, design);
        let unknown =
            r#"{"kind":"chart","title":"x","object":"case","group":"status","style":"pie"}"#;
        assert!(serde_json::from_str::<WidgetDesign>(unknown).is_err());
    }

    #[test]
    fn only_hashed_names_are_images() {
        let hash = "a".repeat(64);
        assert!(image_name(&format!("{hash}.png")));
        assert!(!image_name(&format!("{hash}.svg")));
        assert!(!image_name("../../etc/passwd.png"));
        assert!(!image_name(&format!("{}.png", "A".repeat(64))));
    }
}
