//! Folders on list pages (console and portal): the folder builder (static, or dynamic with
//! conditions in AND/OR groups), deleting a folder, and putting a record into a static folder.

use std::collections::BTreeMap;

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use minijinja::{Value as View, context, value::Serde};

use super::{
    error::PageError,
    flash,
    record_pages::{self, Surface},
    views,
};
use crate::{
    app::App,
    auth::Authenticated,
    error::{Error, Result},
    records::{
        self, Columns, Condition,
        folders::{self, NewFolder},
    },
};

/// Groups of conditions the builder offers, and conditions in each.
const GROUPS: usize = 3;
const ROWS: usize = 3;

/// The folder builder, started from the list's current filters (as the first group).
pub async fn new_form(
    app: &App,
    who: &Authenticated,
    code: &str,
    filters: &[String],
    surface: Surface,
) -> Result<Response, PageError> {
    let mut form = BTreeMap::new();
    for (row, filter) in filters.iter().take(ROWS).enumerate() {
        let mut parts = filter.splitn(3, ':');
        for key in ["field", "op", "value"] {
            form.insert(
                format!("g1_{key}{}", row + 1),
                parts.next().unwrap_or_default().to_owned(),
            );
        }
    }
    if !filters.is_empty() {
        form.insert("kind".to_owned(), "dynamic".to_owned());
    }
    builder(app, who, code, &form, None, surface).await
}

pub async fn create(
    app: &App,
    who: &Authenticated,
    code: &str,
    form: BTreeMap<String, String>,
    surface: Surface,
) -> Response {
    let list = format!("{}/{code}", surface.prefix);
    let created = match new_folder(&form) {
        Ok(new) => folders::create(app, &who.actor, code, new).await,
        Err(e) => Err(e),
    };
    match created {
        Ok(folder) => flash::notice(
            &format!("{list}?folder={}", folder.id),
            &crate::tr!("folders-created", name = &folder.name),
        ),
        Err(error) if !error.is_server_side() => {
            builder(app, who, code, &form, Some(&error), surface)
                .await
                .into_response()
        }
        Err(error) => flash::refused(&list, error),
    }
}

pub async fn delete(
    app: &App,
    who: &Authenticated,
    code: &str,
    id: &str,
    surface: Surface,
) -> Response {
    let list = format!("{}/{code}", surface.prefix);
    match folders::delete(app, &who.actor, code, id).await {
        Ok(()) => flash::notice(&list, &crate::tr!("folders-deleted")),
        Err(error) => flash::refused(&format!("{list}?folder={id}"), error),
    }
}

/// Puts the record into the folder the form names (`put` = 1), or takes it out.
pub async fn file(
    app: &App,
    who: &Authenticated,
    code: &str,
    record: &str,
    form: BTreeMap<String, String>,
    surface: Surface,
) -> Response {
    let page = format!("{}/{code}/{record}", surface.prefix);
    let folder = form.get("folder").map(String::as_str).unwrap_or_default();
    let put = form.get("put").map(String::as_str) != Some("0");
    match folders::file(app, &who.actor, code, folder, record, put).await {
        Ok(()) => flash::notice(
            &page,
            &if put {
                crate::tr!("folders-filed")
            } else {
                crate::tr!("folders-unfiled")
            },
        ),
        Err(error) => flash::refused(&page, error),
    }
}

/// The folders of a list, for its page: each with whether it is the one shown and whether the
/// viewer may delete it.
pub fn views(who: &Authenticated, list: &[folders::Folder]) -> Vec<View> {
    let me = who.actor.user.to_string();
    list.iter()
        .map(|f| {
            context! {
                id => &f.id, name => &f.name, depth => f.depth, dynamic => !f.is_static(),
                mine => f.owner == me || who.actor.is_admin(),
            }
        })
        .collect()
}

/// The static folders the viewer sees, for a record's page: each with whether it holds the
/// record.
pub async fn of_record(app: &App, who: &Authenticated, code: &str, record: &str) -> Vec<View> {
    let (Ok(list), Ok(holding)) = (
        folders::list(app, &who.actor, code).await,
        folders::holding(app, &who.actor, code, record).await,
    ) else {
        return Vec::new();
    };
    list.iter()
        .filter(|f| f.is_static())
        .map(|f| context! { id => &f.id, name => &f.name, holds => holding.contains(&f.id) })
        .collect()
}

/// The folder a form describes: its conditions are the builder's groups.
fn new_folder(form: &BTreeMap<String, String>) -> Result<NewFolder> {
    let get = |key: &str| form.get(key).map(String::as_str).unwrap_or_default();
    let condition = if get("kind") == "dynamic" {
        Some(condition_of(form).ok_or_else(|| {
            Error::invalid_field("condition", crate::tr!("folders-needs-condition"))
        })?)
    } else {
        None
    };
    let optional = |key: &str| Some(get(key).to_owned()).filter(|v| !v.is_empty());
    Ok(NewFolder {
        name: get("name").to_owned(),
        parent: optional("parent"),
        shared_with: optional("shared_with"),
        condition: condition.map(|c| serde_json::to_value(c).expect("conditions serialise")),
    })
}

/// The builder's rows as a condition: the groups joined by `join` (all or any), the rows of each
/// by its `gN_match`. Rows without a field are left out.
fn condition_of(form: &BTreeMap<String, String>) -> Option<Condition> {
    let get = |key: String| form.get(&key).map(String::as_str).unwrap_or_default();
    let join = |any: bool, list: Vec<Condition>| {
        if any {
            Condition::Any { any: list }
        } else {
            Condition::All { all: list }
        }
    };
    let mut groups = Vec::new();
    for g in 1..=GROUPS {
        let filters: Vec<Condition> = (1..=ROWS)
            .filter(|r| !get(format!("g{g}_field{r}")).is_empty())
            .map(|r| {
                Condition::Filter(format!(
                    "{}:{}:{}",
                    get(format!("g{g}_field{r}")),
                    get(format!("g{g}_op{r}")),
                    get(format!("g{g}_value{r}"))
                ))
            })
            .collect();
        if !filters.is_empty() {
            groups.push(join(get(format!("g{g}_match")) == "any", filters));
        }
    }
    (!groups.is_empty()).then(|| join(get("join".to_owned()) == "any", groups))
}

/// The builder page, filled with `form` (as typed, after a refusal, with its message).
async fn builder(
    app: &App,
    who: &Authenticated,
    code: &str,
    form: &BTreeMap<String, String>,
    error: Option<&Error>,
    surface: Surface,
) -> Result<Response, PageError> {
    let object = records::object_type(&who.actor, code)?;
    let columns = Columns::of(&who.actor, &object);
    let fields: Vec<View> = record_pages::filterable(&object, &columns);
    let parents = views(
        who,
        &folders::list(app, &who.actor, code)
            .await
            .unwrap_or_default(),
    );
    // A folder may be shared with a role its creator is in (an administrator: any role).
    let mut roles: Vec<(String, String)> = who
        .actor
        .policy
        .roles()
        .map(|r| (r.name.clone(), r.id.to_string()))
        .filter(|(_, id)| folders::may_share_with(&who.actor, id))
        .collect();
    roles.sort();
    let roles: Vec<View> = roles
        .into_iter()
        .map(|(name, id)| context! { id, name })
        .collect();
    let (status, problem, field_errors) = match error {
        Some(Error::Invalid { message, fields }) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(message.clone()),
            fields.clone(),
        ),
        Some(other) => (
            super::error::status_of(other),
            Some(other.to_string()),
            BTreeMap::new(),
        ),
        None => (StatusCode::OK, None, BTreeMap::new()),
    };
    let groups: Vec<View> = (1..=GROUPS)
        .map(|g| {
            let rows: Vec<View> = (1..=ROWS)
                .map(|r| {
                    context! {
                        n => r,
                        field => form.get(&format!("g{g}_field{r}")),
                        op => form.get(&format!("g{g}_op{r}")),
                        value => form.get(&format!("g{g}_value{r}")),
                    }
                })
                .collect();
            context! { n => g, rows, any => form.get(&format!("g{g}_match")).is_some_and(|m| m == "any") }
        })
        .collect();
    Ok(views::render_with_status(
        status,
        "records/folder_new.html",
        context! {
            layout => surface.layout, prefix => surface.prefix, here => surface.here,
            current_object => code,
            object => context! { code => code, title => object.plural_shown() },
            form => Serde(form),
            fields,
            groups,
            parents,
            roles,
            problem,
            field_errors => Serde(field_errors),
            ..super::page_context(who)
        },
    ))
}
