//! Pickers of people and roles in console forms (whom to grant, share with, add to a role,
//! explain, assign a case to): a box one types into, htmx asking for at most ten matches, never
//! a list of every user. A form sent without a choice (no JavaScript, or text typed over one)
//! names its person or role by what was typed, resolved the same way.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::{Path, Query, State},
    response::{IntoResponse, Response},
    routing::get,
};
use minijinja::context;

use super::{error::PageError, extract::ConsoleUser, views};
use crate::{
    access::{Actor, config},
    app::App,
    error::{Error, Result},
    users::{self, Choosing, UserKind},
};

pub fn routes() -> Router<Arc<App>> {
    Router::new().route("/pick/{picker}/{name}", get(pick))
}

/// What a picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picker {
    /// Roles and the users the actor manages: whom to grant or share with.
    Grantee,
    /// Users the actor manages, of one kind if given.
    User(Option<UserKind>),
    /// Active employees: whom to give a case to.
    Assignee,
    /// Portal organizations: where new portal users go.
    Organization,
}

impl Picker {
    fn parse(code: &str, kind: Option<&str>) -> Option<Self> {
        match code {
            "grantee" => Some(Self::Grantee),
            "user" => Some(Self::User(kind.and_then(UserKind::parse))),
            "assignee" => Some(Self::Assignee),
            "organization" => Some(Self::Organization),
            _ => None,
        }
    }
}

/// The matches for what was typed into the picker whose inputs are named `name`.
async fn pick(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((picker, name)): Path<(String, String)>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Result<Response, PageError> {
    let picker = Picker::parse(&picker, query.get("kind").map(String::as_str))
        .ok_or(Error::NotFound("picker"))?;
    let typed = query
        .get(&format!("{name}__title"))
        .map(String::as_str)
        .unwrap_or_default();
    // Nothing typed yet (the box just took the focus): nothing to say.
    if typed.trim().is_empty() {
        return Ok(axum::response::Html("").into_response());
    }
    let choices = choices(&app, &who.actor, picker, typed, false).await?;
    Ok(views::render("records/pick.html", context! { choices }))
}

/// (id, label) of what `picker` offers for `typed`, roles first: at most [`users::CHOICES`].
async fn choices(
    app: &App,
    actor: &Actor,
    picker: Picker,
    typed: &str,
    exact: bool,
) -> Result<Vec<(String, String)>> {
    let mut found: Vec<(String, String)> = match picker {
        Picker::Grantee => config::roles_named(actor, typed, exact, users::CHOICES)?
            .into_iter()
            .map(|r| {
                let label = crate::tr!("access-role-choice", name = &r.name);
                (r.id.to_string(), label)
            })
            .collect(),
        Picker::Organization => {
            let mut organizations: Vec<(String, String)> =
                config::roles_named(actor, typed, exact, usize::MAX)?
                    .into_iter()
                    .filter(|r| r.kind == crate::access::RoleKind::Organization)
                    .map(|r| (r.id.to_string(), r.name))
                    .collect();
            organizations.truncate(users::CHOICES);
            return Ok(organizations);
        }
        _ => Vec::new(),
    };
    let choosing = match picker {
        Picker::Grantee | Picker::Organization => Choosing::Managed(None),
        Picker::User(kind) => Choosing::Managed(kind),
        Picker::Assignee => Choosing::Assignee,
    };
    let people = users::choosable(app, actor, choosing, typed, exact).await;
    // Whom to grant to: roles alone for those who may not manage users.
    let people = match (picker, people) {
        (Picker::Grantee, Err(Error::Forbidden(_))) => Vec::new(),
        (_, people) => people?,
    };
    found.extend(
        people
            .into_iter()
            .map(|u| (u.id.to_string(), format!("{} ({})", u.full_name, u.login))),
    );
    found.truncate(users::CHOICES);
    Ok(found)
}

/// The id a picker's form sent in `field`: the one chosen from the list, else the one person or
/// role that what was typed names exactly; otherwise the field says why.
pub async fn chosen(
    app: &App,
    actor: &Actor,
    picker: Picker,
    field: &str,
    id: &str,
    typed: &str,
) -> Result<String> {
    if !id.trim().is_empty() {
        return Ok(id.trim().to_owned());
    }
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(Error::invalid_field(
            field,
            crate::tr!("records-picker-hint"),
        ));
    }
    match choices(app, actor, picker, typed, true).await?.as_slice() {
        [(id, _)] => Ok(id.clone()),
        [] => Err(Error::invalid_field(
            field,
            crate::tr!("records-picker-no-match", title = typed),
        )),
        _ => Err(Error::invalid_field(
            field,
            crate::tr!("records-picker-several-people", title = typed),
        )),
    }
}
