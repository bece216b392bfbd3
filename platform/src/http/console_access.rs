//! Console screens for who may do what: the role trees with members, portal organizations, the
//! objects available on the portal and each object's permissions (operations, default-rights
//! rules, columns), system operations, a user's page, "explain", and the audit log. Every form
//! posts, then redirects back with a notice or the reason it was refused.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use minijinja::{context, value::Serde};
use serde::Deserialize;

use super::render_page as render;
use super::{
    PeopleQuery,
    error::PageError,
    extract::{ApiQuery, ConsoleUser, CsrfForm},
    flash::{self, Flash},
    pickers::{self, Picker},
};
use crate::{
    access::{
        self, Actor, Capability, ColumnAccess, Level, Operation, RoleId, RoleKind, SystemOperation,
        config::{self, NewRoleInput},
        explain,
    },
    app::App,
    auth::Authenticated,
    error::{Error, Result},
    organizations,
    records::{self, ListRequest},
    users::{self, UserId},
};

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/access", get(overview))
        .route("/access/roles", get(roles_page).post(create_role))
        .route("/access/roles/{id}/rename", post(rename_role))
        .route("/access/roles/{id}/delete", post(delete_role))
        .route("/access/roles/{id}/members", post(add_member))
        .route(
            "/access/roles/{id}/members/{user}/remove",
            post(remove_member),
        )
        .route(
            "/access/organizations",
            get(organizations_page).post(create_organization),
        )
        .route("/access/organizations/{id}", get(organization_page))
        .route(
            "/access/organizations/{id}/profile",
            post(organization_profile),
        )
        .route(
            "/access/organizations/{id}/members",
            post(add_organization_members),
        )
        .route(
            "/access/organizations/{id}/members/{user}",
            post(change_organization_member),
        )
        .route(
            "/access/organizations/{id}/registration-domain",
            post(set_registration_domain),
        )
        .route(
            "/access/organizations/{id}/members/{user}/invitation",
            post(invite_organization_member),
        )
        .route(
            "/access/organizations/{id}/members/{user}/roles",
            post(change_member_role),
        )
        .route("/access/organizations/{id}/addresses", post(add_address))
        .route(
            "/access/organizations/{id}/addresses/{address}/delete",
            post(delete_address),
        )
        .route("/access/objects", get(objects_page))
        .route("/access/objects/{object}", get(object_page))
        .route("/access/objects/{object}/portal", post(set_portal))
        .route("/access/objects/{object}/grants", post(set_grants))
        .route("/access/objects/{object}/rules", post(add_rule))
        .route(
            "/access/objects/{object}/rules/{id}/delete",
            post(delete_rule),
        )
        .route("/access/objects/{object}/columns", post(set_column))
        .route(
            "/access/operations",
            get(operations_page).post(set_operation),
        )
        .route("/access/explain", get(explain_page))
        .route("/access/audit", get(audit_page))
        .route("/users/{id}", get(user_page))
        .route("/users/{id}/active", post(set_user_active))
        .route("/users/{id}/start-page", post(set_user_start_page))
        .route("/users/{id}/invitation", post(invite_user))
        .route("/users/{id}/recovery", post(send_recovery_link))
        .route("/users/{id}/roles", post(set_user_role))
}

pub(super) fn role_id(text: &str) -> Result<RoleId> {
    text.parse().map_err(|_| Error::NotFound("role"))
}

pub(super) fn user_id(text: &str) -> Result<UserId> {
    text.parse().map_err(|_| Error::NotFound("user"))
}

/// The role or user a grantee picker's form names (see [`pickers::chosen`]).
pub(super) async fn chosen_grantee(
    app: &App,
    who: &Authenticated,
    id: &str,
    typed: &str,
) -> Result<String> {
    pickers::chosen(app, &who.actor, Picker::Grantee, "grantee", id, typed).await
}

async fn overview(ConsoleUser(who): ConsoleUser, flash: Flash) -> Result<Response, PageError> {
    access::check(&who.actor, Capability::ConfigureAccess)
        .or_else(|_| access::check(&who.actor, Capability::ManagePortalUsers))?;
    Ok(render(
        flash,
        "console/access/overview.html",
        &who,
        context! { here => "access" },
    ))
}

// ---- roles ----

async fn roles_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let tree = config::role_tree(&app, &who.actor).await?;
    let can_configure = access::check(&who.actor, Capability::ConfigureAccess).is_ok();
    Ok(render(
        flash,
        "console/access/roles.html",
        &who,
        context! {
            here => "access", roles => Serde(&tree), can_configure,
        },
    ))
}

#[derive(Debug, Deserialize)]
struct NewRoleForm {
    name: String,
    kind: String,
    parent: String,
}

async fn create_role(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<NewRoleForm>,
) -> Response {
    let outcome = async {
        let kind = RoleKind::parse(&form.kind)
            .ok_or_else(|| Error::invalid_field("kind", crate::tr!("access-choose-role-kind")))?;
        let input = NewRoleInput {
            name: form.name,
            kind,
            parent: role_id(&form.parent)?,
        };
        config::create_role(&app, &who.actor, input).await
    }
    .await;
    flash::after(
        outcome,
        "/console/access/roles",
        &crate::tr!("access-role-created"),
    )
}

#[derive(Debug, Deserialize)]
struct NameForm {
    name: String,
}

async fn rename_role(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Response {
    let outcome =
        async { config::rename_role(&app, &who.actor, role_id(&id)?, &form.name).await }.await;
    flash::after(
        outcome,
        "/console/access/roles",
        &crate::tr!("access-role-renamed"),
    )
}

async fn delete_role(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let outcome = async { config::delete_role(&app, &who.actor, role_id(&id)?).await }.await;
    flash::after(
        outcome,
        "/console/access/roles",
        &crate::tr!("access-role-deleted"),
    )
}

#[derive(Debug, Deserialize)]
struct MemberForm {
    #[serde(default)]
    user: String,
    #[serde(default, rename = "user__title")]
    user_title: String,
}

async fn add_member(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> Response {
    let outcome = async {
        let picker = Picker::User(None);
        let user = pickers::chosen(
            &app,
            &who.actor,
            picker,
            "user",
            &form.user,
            &form.user_title,
        )
        .await?;
        config::set_membership(&app, &who.actor, role_id(&id)?, user_id(&user)?, true).await
    }
    .await;
    flash::after(
        outcome,
        "/console/access/roles",
        &crate::tr!("access-member-added"),
    )
}

async fn remove_member(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((id, user)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let outcome = async {
        config::set_membership(&app, &who.actor, role_id(&id)?, user_id(&user)?, false).await
    }
    .await;
    flash::after(
        outcome,
        "/console/access/roles",
        &crate::tr!("access-member-removed"),
    )
}

// ---- organizations ----

async fn organizations_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    ApiQuery(query): ApiQuery<PeopleQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    const PAGE: usize = 50;
    let from = query.from.unwrap_or(1).max(1);
    let start = usize::try_from(from - 1).unwrap_or(usize::MAX);
    let search = query.q.clone().unwrap_or_default();
    let (list, total) = organizations::page(&app, &who.actor, &search, start, PAGE).await?;
    let more = start + list.len() < total;
    let count = records::Count {
        records: total as u64,
        more: false,
    };
    let accounts = records::list(
        &app,
        &who.actor,
        "account",
        &ListRequest {
            limit: Some(200),
            sort: Some("name".into()),
            ..ListRequest::default()
        },
    )
    .await?;
    Ok(render(
        flash,
        "console/access/organizations.html",
        &who,
        context! {
            here => "access", organizations => Serde(&list), accounts => Serde(&accounts.data),
            more,
            ..query.place(list.len(), None, count)
        },
    ))
}

#[derive(Debug, Deserialize)]
struct NewOrganizationForm {
    account: String,
    #[serde(default)]
    name: String,
}

async fn create_organization(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<NewOrganizationForm>,
) -> Response {
    match organizations::create(&app, &who.actor, &form.account, Some(&form.name)).await {
        Ok(id) => flash::notice(
            &format!("/console/access/organizations/{id}"),
            &crate::tr!("access-organization-created"),
        ),
        Err(error) => flash::refused("/console/access/organizations", error),
    }
}

async fn organization_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    ApiQuery(people): ApiQuery<PeopleQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let id = role_id(&id)?;
    let profile = organizations::profile(&app, &who.actor, id, &people.users()).await?;
    let contacts = records::list(
        &app,
        &who.actor,
        "contact",
        &ListRequest {
            limit: Some(200),
            sort: Some("full_name".into()),
            ..ListRequest::default()
        },
    )
    .await
    .map(|page| page.data)
    .unwrap_or_default();
    Ok(render(
        flash,
        "console/access/organization.html",
        &who,
        context! {
            here => "access", profile => Serde(&profile), contacts => Serde(&contacts), base => format!("/console/access/organizations/{id}"),
            ..people.place(profile.members.len(), profile.members_next_cursor.as_deref(), profile.members_count)
        },
    ))
}

#[derive(Debug, Deserialize)]
pub(super) struct ProfileForm {
    pub name: String,
    #[serde(default)]
    pub phone: String,
}

async fn organization_profile(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    let outcome = async {
        organizations::update_profile(&app, &who.actor, role_id(&id)?, &form.name, &form.phone)
            .await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("access-profile-saved"))
}

/// New members, either typed addresses or picked contacts (repeated `contact` fields).
#[derive(Debug, Deserialize)]
pub(super) struct NewMembersForm {
    #[serde(default)]
    pub emails: String,
    #[serde(default)]
    pub contact: Vec<String>,
    #[serde(default)]
    pub role: Vec<String>,
}

/// The roles picked on a form, checked to be role ids.
pub(super) fn picked_roles(ids: &[String]) -> Result<Vec<RoleId>> {
    ids.iter()
        .map(|id| {
            id.parse()
                .map_err(|_| Error::invalid_field("roles", crate::tr!("access-not-a-role")))
        })
        .collect()
}

/// Reports what became of each address; staff also get each new user's one-time link (the
/// invitation has gone to them by e-mail too).
pub(super) fn members_added(back: &str, outcome: Result<Vec<organizations::Addition>>) -> Response {
    match outcome {
        Ok(additions) => {
            let lines: Vec<String> = additions
                .iter()
                .map(|a| match &a.created {
                    Some(created) => {
                        format!("{}: {} — {}", a.address, a.message, created.setup_link)
                    }
                    None => format!("{}: {}", a.address, a.message),
                })
                .collect();
            flash::notice(back, &lines.join("  "))
        }
        Err(error) => flash::refused(back, error),
    }
}

/// Sends invitations to the users named by id (one, or several separated by commas) and answers
/// the page `back` with what became of them.
pub(super) async fn send_invitations(app: &App, actor: &Actor, ids: &str, back: &str) -> Response {
    let outcome = async {
        let ids = ids
            .split(',')
            .filter(|id| !id.trim().is_empty())
            .map(|id| user_id(id.trim()))
            .collect::<Result<Vec<_>>>()?;
        users::send_invitations(app, actor, &ids).await
    }
    .await;
    match outcome {
        Ok(sent) => flash::notice(back, &sent.summary()),
        Err(error) => flash::refused(back, error),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct MemberRoleForm {
    pub role: String,
    pub member: String,
}

#[derive(Debug, Deserialize)]
struct DomainForm {
    #[serde(default)]
    domain: String,
}

async fn set_registration_domain(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DomainForm>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    let outcome = async {
        organizations::set_registration_domain(&app, &who.actor, role_id(&id)?, &form.domain).await
    }
    .await;
    flash::after(
        outcome,
        &back,
        &crate::tr!("access-registration-domain-saved"),
    )
}

async fn add_organization_members(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<NewMembersForm>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    let outcome = async {
        let org = role_id(&id)?;
        if form.contact.is_empty() {
            organizations::add_members_by_email(
                &app,
                &who.actor,
                org,
                &form.emails,
                &picked_roles(&form.role)?,
            )
            .await
        } else {
            organizations::add_members_from_contacts(&app, &who.actor, org, &form.contact).await
        }
    }
    .await;
    members_added(&back, outcome)
}

async fn change_member_role(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((id, user)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<MemberRoleForm>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    let outcome = async {
        organizations::set_member_role(
            &app,
            &who.actor,
            role_id(&id)?,
            user_id(&user)?,
            role_id(&form.role)?,
            form.member == "true",
        )
        .await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("access-roles-saved"))
}

#[derive(Debug, Deserialize)]
pub(super) struct MemberChangeForm {
    #[serde(default)]
    pub admin: Option<String>,
    #[serde(default)]
    pub active: Option<String>,
}

async fn change_organization_member(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((id, user)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<MemberChangeForm>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    let outcome =
        async { apply_member_change(&app, &who.actor, role_id(&id)?, user_id(&user)?, form).await }
            .await;
    flash::after(outcome, &back, &crate::tr!("access-member-updated"))
}

async fn invite_organization_member(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((id, user)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    send_invitations(&app, &who.actor, &user, &back).await
}

/// Promotes, demotes, deactivates or reactivates a member, as the form says.
pub(super) async fn apply_member_change(
    app: &App,
    actor: &Actor,
    org: RoleId,
    user: UserId,
    form: MemberChangeForm,
) -> Result<()> {
    if let Some(admin) = form.admin {
        organizations::set_admin(app, actor, org, user, admin == "true").await?;
    }
    if let Some(active) = form.active {
        organizations::set_member_active(app, actor, org, user, active == "true").await?;
    }
    Ok(())
}

async fn add_address(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    let fields = address_fields(form);
    let outcome =
        async { organizations::add_address(&app, &who.actor, role_id(&id)?, &fields).await }.await;
    flash::after(outcome, &back, &crate::tr!("access-address-added"))
}

/// The address fields of a submitted form (the CSRF token and anything else left out).
pub(super) fn address_fields(
    form: BTreeMap<String, String>,
) -> serde_json::Map<String, serde_json::Value> {
    form.into_iter()
        .filter(|(k, _)| ["type", "address", "city", "zip", "country"].contains(&k.as_str()))
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect()
}

async fn delete_address(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((id, address)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let back = format!("/console/access/organizations/{id}");
    let outcome =
        async { organizations::delete_address(&app, &who.actor, role_id(&id)?, &address).await }
            .await;
    flash::after(outcome, &back, &crate::tr!("access-address-deleted"))
}

// ---- objects ----

async fn objects_page(ConsoleUser(who): ConsoleUser, flash: Flash) -> Result<Response, PageError> {
    access::check(&who.actor, Capability::ConfigureAccess)?;
    let catalog = who.actor.catalog.clone();
    let objects: Vec<minijinja::Value> = catalog
        .objects()
        .map(|o| context! { code => o.code.as_str(), title => o.plural_shown(), section => &o.section, on_portal => who.actor.policy.on_portal(o.code.as_str()) })
        .collect();
    Ok(render(
        flash,
        "console/access/objects.html",
        &who,
        context! { here => "access", objects },
    ))
}

async fn object_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(object): Path<String>,
    flash: Flash,
) -> Result<Response, PageError> {
    let permissions = config::object_permissions(&app, &who.actor, &object).await?;
    // One row per grantee holding any operation: the matrix the reference shows.
    let mut matrix: BTreeMap<String, (String, Vec<&'static str>)> = BTreeMap::new();
    for (operation, holders) in &permissions.grants {
        for holder in holders {
            matrix
                .entry(holder.grantee.clone())
                .or_insert_with(|| (holder.name.clone(), Vec::new()))
                .1
                .push(operation.as_str());
        }
    }
    let matrix: Vec<minijinja::Value> = matrix
        .into_iter()
        .map(|(grantee, (name, ops))| context! { grantee, name, ops })
        .collect();
    let roles: Vec<minijinja::Value> = who
        .actor
        .policy
        .roles()
        .map(|r| context! { id => r.id.to_string(), name => &r.name })
        .collect();
    Ok(render(
        flash,
        "console/access/object.html",
        &who,
        context! {
            here => "access", permissions => Serde(&permissions), matrix, roles,
        },
    ))
}

#[derive(Debug, Deserialize)]
struct PortalForm {
    on_portal: String,
}

async fn set_portal(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(object): Path<String>,
    CsrfForm(form): CsrfForm<PortalForm>,
) -> Response {
    let outcome =
        config::set_portal_object(&app, &who.actor, &object, form.on_portal == "true").await;
    flash::after(
        outcome,
        "/console/access/objects",
        &crate::tr!("access-saved"),
    )
}

/// A grantee and the operations they should hold; unchecked boxes are absent from the form.
#[derive(Debug, Deserialize)]
struct GrantsForm {
    #[serde(default)]
    grantee: String,
    #[serde(default, rename = "grantee__title")]
    grantee_title: String,
    #[serde(default)]
    create: Option<String>,
    #[serde(default)]
    read: Option<String>,
    #[serde(default)]
    update: Option<String>,
    #[serde(default)]
    delete: Option<String>,
}

async fn set_grants(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(object): Path<String>,
    CsrfForm(form): CsrfForm<GrantsForm>,
) -> Response {
    let back = format!("/console/access/objects/{object}");
    let outcome = async {
        let grantee = chosen_grantee(&app, &who, &form.grantee, &form.grantee_title).await?;
        for (operation, checked) in [
            (Operation::Create, form.create.is_some()),
            (Operation::Read, form.read.is_some()),
            (Operation::Update, form.update.is_some()),
            (Operation::Delete, form.delete.is_some()),
        ] {
            config::set_object_grant(&app, &who.actor, &object, operation, &grantee, checked)
                .await?;
        }
        Ok(())
    }
    .await;
    flash::after(
        outcome,
        &back,
        &crate::tr!("access-operation-permissions-saved"),
    )
}

#[derive(Debug, Deserialize)]
struct RuleForm {
    author_role: String,
    grantee: String,
    level: String,
}

async fn add_rule(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(object): Path<String>,
    CsrfForm(form): CsrfForm<RuleForm>,
) -> Response {
    let back = format!("/console/access/objects/{object}");
    let outcome = async {
        let level = Level::parse(&form.level)
            .ok_or_else(|| Error::invalid_field("level", crate::tr!("access-choose-level")))?;
        config::add_rule(
            &app,
            &who.actor,
            &object,
            role_id(&form.author_role)?,
            &form.grantee,
            level,
        )
        .await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("access-rule-added"))
}

async fn delete_rule(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path((object, id)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let outcome = config::delete_rule(&app, &who.actor, &id).await;
    flash::after(
        outcome,
        &format!("/console/access/objects/{object}"),
        &crate::tr!("access-rule-deleted"),
    )
}

#[derive(Debug, Deserialize)]
struct ColumnForm {
    field: String,
    #[serde(default)]
    grantee: String,
    #[serde(default, rename = "grantee__title")]
    grantee_title: String,
    /// `hidden`, `read_only`, `editable`, or `default` to remove the entry.
    access: String,
}

async fn set_column(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(object): Path<String>,
    CsrfForm(form): CsrfForm<ColumnForm>,
) -> Response {
    let back = format!("/console/access/objects/{object}");
    let outcome = async {
        let access = match form.access.as_str() {
            "default" => None,
            other => Some(ColumnAccess::parse(other).ok_or_else(|| {
                Error::invalid_field("access", crate::tr!("access-choose-column-access"))
            })?),
        };
        let grantee = chosen_grantee(&app, &who, &form.grantee, &form.grantee_title).await?;
        config::set_column(&app, &who.actor, &object, &form.field, &grantee, access).await
    }
    .await;
    flash::after(
        outcome,
        &back,
        &crate::tr!("access-column-permission-saved"),
    )
}

// ---- system operations ----

async fn operations_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    flash: Flash,
) -> Result<Response, PageError> {
    let operations = config::system_operations(&app, &who.actor).await?;
    Ok(render(
        flash,
        "console/access/operations.html",
        &who,
        context! { here => "access", operations => Serde(&operations) },
    ))
}

#[derive(Debug, Deserialize)]
struct OperationForm {
    operation: String,
    #[serde(default)]
    grantee: String,
    #[serde(default, rename = "grantee__title")]
    grantee_title: String,
    granted: String,
}

async fn set_operation(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    CsrfForm(form): CsrfForm<OperationForm>,
) -> Response {
    let outcome = async {
        let operation =
            SystemOperation::parse(&form.operation).ok_or(Error::NotFound("operation"))?;
        let grantee = chosen_grantee(&app, &who, &form.grantee, &form.grantee_title).await?;
        config::set_system_operation(
            &app,
            &who.actor,
            operation,
            &grantee,
            form.granted == "true",
        )
        .await
    }
    .await;
    flash::after(
        outcome,
        "/console/access/operations",
        &crate::tr!("access-saved"),
    )
}

// ---- explain and audit ----

#[derive(Debug, Deserialize)]
struct ExplainQuery {
    #[serde(default)]
    user: String,
    #[serde(default, rename = "user__title")]
    user_title: String,
    #[serde(default)]
    object: String,
    #[serde(default)]
    operation: String,
    #[serde(default)]
    record: String,
}

async fn explain_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Query(query): Query<ExplainQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    access::check(&who.actor, Capability::ConfigureAccess)?;
    let catalog = who.actor.catalog.clone();
    let objects: Vec<minijinja::Value> = catalog
        .objects()
        .map(|o| context! { code => o.code.as_str(), title => o.plural_shown() })
        .collect();
    // The person asked about, as the picker shows them.
    let mut user = (query.user.clone(), query.user_title.clone());
    let (explanation, problem) = if query.user.is_empty() && query.user_title.trim().is_empty() {
        (None, None)
    } else {
        let outcome = async {
            let picker = Picker::User(None);
            let (id, typed) = (&query.user, &query.user_title);
            let id = user_id(&pickers::chosen(&app, &who.actor, picker, "user", id, typed).await?)?;
            let person = users::get(&app, &who.actor, id).await?.user;
            user = (
                id.to_string(),
                format!("{} ({})", person.full_name, person.login),
            );
            let operation = Operation::parse(&query.operation).ok_or_else(|| {
                Error::invalid_field("operation", crate::tr!("access-choose-operation"))
            })?;
            let record = Some(query.record.trim()).filter(|r| !r.is_empty());
            explain::explain(&app, &who.actor, id, &query.object, operation, record).await
        }
        .await;
        match outcome {
            Ok(e) => (Some(e), None),
            Err(error) if error.is_server_side() => return Err(error.into()),
            Err(other) => (None, Some(other.to_string())),
        }
    };
    Ok(render(
        flash,
        "console/access/explain.html",
        &who,
        context! {
            here => "access", objects, explanation => explanation.as_ref().map(Serde), problem,
            user_shown => user.1,
            query => context! { user => user.0, object => query.object, operation => query.operation, record => query.record },
        },
    ))
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    before: Option<String>,
}

async fn audit_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Query(query): Query<AuditQuery>,
    flash: Flash,
) -> Result<Response, PageError> {
    let entries = config::audit_log(&app, &who.actor, query.before.as_deref(), 50).await?;
    let next = (entries.len() == 50)
        .then(|| entries.last().map(|e| e.id.clone()))
        .flatten();
    Ok(render(
        flash,
        "console/access/audit.html",
        &who,
        context! { here => "access", entries => Serde(&entries), next },
    ))
}

// ---- one user ----

async fn user_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    flash: Flash,
) -> Result<Response, PageError> {
    let user = users::get(&app, &who.actor, user_id(&id)?).await?;
    let audience = match user.user.kind {
        users::UserKind::External => access::Audience::External,
        _ => access::Audience::Employee,
    };
    let assignable: Vec<minijinja::Value> = who
        .actor
        .policy
        .roles()
        .filter(|r| {
            r.audience == audience
                && matches!(r.kind, RoleKind::Organizational | RoleKind::Functional)
        })
        .map(|r| context! { id => r.id.to_string(), name => &r.name })
        .collect();
    let organization = user
        .user
        .organization
        .and_then(|o| who.actor.policy.role(o))
        .map(|r| context! { id => r.id.to_string(), name => &r.name });
    Ok(render(
        flash,
        "console/user.html",
        &who,
        context! {
            here => "users", person => Serde(&user), assignable, organization,
            start_choices => Serde(&crate::branding::menu_choices(&who.actor)
                .into_iter().map(|(e, _)| e).collect::<Vec<_>>()),
        },
    ))
}

#[derive(Debug, Deserialize)]
struct ActiveForm {
    active: String,
}

async fn invite_user(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    send_invitations(&app, &who.actor, &id, &format!("/console/users/{id}")).await
}

async fn send_recovery_link(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Response {
    let outcome = async { users::send_recovery_link(&app, &who.actor, user_id(&id)?).await }.await;
    flash::after(
        outcome,
        &format!("/console/users/{id}"),
        &crate::tr!("access-recovery-link-sent"),
    )
}

#[derive(Debug, Deserialize)]
struct StartPageForm {
    #[serde(default)]
    start_page: String,
}

async fn set_user_start_page(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StartPageForm>,
) -> Response {
    let outcome =
        async { users::set_start_page(&app, &who.actor, user_id(&id)?, &form.start_page).await }
            .await;
    flash::after(
        outcome,
        &format!("/console/users/{id}#start-page"),
        &crate::tr!("main-page-user-start-page-saved"),
    )
}

async fn set_user_active(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> Response {
    let back = format!("/console/users/{id}");
    let outcome =
        async { users::set_active(&app, &who.actor, user_id(&id)?, form.active == "true").await }
            .await;
    flash::after(
        outcome,
        &back,
        &if form.active == "true" {
            crate::tr!("access-user-reactivated")
        } else {
            crate::tr!("access-user-deactivated")
        },
    )
}

#[derive(Debug, Deserialize)]
struct UserRoleForm {
    role: String,
    member: String,
}

async fn set_user_role(
    State(app): State<Arc<App>>,
    ConsoleUser(who): ConsoleUser,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<UserRoleForm>,
) -> Response {
    let back = format!("/console/users/{id}");
    let outcome = async {
        config::set_membership(
            &app,
            &who.actor,
            role_id(&form.role)?,
            user_id(&id)?,
            form.member == "true",
        )
        .await
    }
    .await;
    flash::after(outcome, &back, &crate::tr!("access-roles-saved"))
}
