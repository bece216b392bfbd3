//! `/api/v1/roles`, `/api/v1/access/...` and `/api/v1/organizations`: the permission engine's
//! configuration, "explain", the audit log, and portal organizations.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::{
    access::{
        self, ColumnAccess, Level, Operation, RoleId, RoleKind, SystemOperation,
        config::{self, NewRoleInput},
        explain,
    },
    app::App,
    error::Error,
    http::{
        error::ApiError,
        extract::{ApiJson, ApiQuery, ApiUser},
    },
    organizations,
    users::UserId,
};

type Answer = Result<Json<Value>, ApiError>;

fn role_id(text: &str) -> Result<RoleId, Error> {
    text.parse().map_err(|_| Error::NotFound("role"))
}

fn user_id(text: &str) -> Result<UserId, Error> {
    text.parse().map_err(|_| Error::NotFound("user"))
}

fn parse<T>(
    value: &str,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<T, Error> {
    parse(value).ok_or_else(|| Error::invalid_field(field, format!("must be one of: {expected}")))
}

#[utoipa::path(
    get,
    path = "/roles",
    tag = "access",
    operation_id = "list_roles",
    summary = "Lists roles",
    responses((status = 200, description = "The role trees", body = Value))
)]
pub async fn roles(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer {
    let tree = config::role_tree(&app, &who.actor).await?;
    Ok(Json(json!({ "data": tree })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRole {
    name: String,
    kind: String,
    parent: String,
}

#[utoipa::path(
    post,
    path = "/roles",
    tag = "access",
    operation_id = "create_role",
    summary = "Creates a role",
    request_body = NewRole,
    responses((status = 201, description = "The new role's id", body = Value))
)]
pub async fn create_role(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewRole>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let kind = parse(
        &body.kind,
        "kind",
        RoleKind::parse,
        "organizational, functional",
    )?;
    let parent = body
        .parent
        .parse()
        .map_err(|_| Error::invalid_field("parent", "is not a role"))?;
    let id = config::create_role(
        &app,
        &who.actor,
        NewRoleInput {
            name: body.name,
            kind,
            parent,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    name: String,
}

#[utoipa::path(
    patch,
    path = "/roles/{id}",
    tag = "access",
    operation_id = "rename_role",
    summary = "Renames a role",
    request_body = RoleChange,
    responses((status = 204, description = "Renamed"))
)]
pub async fn rename_role(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleChange>,
) -> Result<StatusCode, ApiError> {
    config::rename_role(&app, &who.actor, role_id(&id)?, &body.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/roles/{id}",
    tag = "access",
    operation_id = "delete_role",
    summary = "Deletes a role",
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete_role(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    config::delete_role(&app, &who.actor, role_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    put,
    path = "/roles/{id}/members/{user}",
    tag = "access",
    operation_id = "add_role_member",
    summary = "Adds a user to a role",
    responses((status = 204, description = "A member now"))
)]
pub async fn add_member(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((role, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    config::set_membership(&app, &who.actor, role_id(&role)?, user_id(&user)?, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/roles/{id}/members/{user}",
    tag = "access",
    operation_id = "remove_role_member",
    summary = "Removes a user from a role",
    responses((status = 204, description = "No longer a member"))
)]
pub async fn remove_member(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((role, user)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    config::set_membership(&app, &who.actor, role_id(&role)?, user_id(&user)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/access/portal-objects",
    tag = "access",
    operation_id = "list_portal_objects",
    summary = "Objects available on the portal",
    responses((status = 200, description = "Every object and whether it is on the portal", body = Value))
)]
pub async fn portal_objects(ApiUser(who): ApiUser) -> Answer {
    access::check(&who.actor, access::Capability::ConfigureAccess)?;
    let catalog = who.actor.catalog.clone();
    let objects: Vec<Value> = catalog
        .objects()
        .map(|o| json!({ "object": o.code, "title": o.plural, "on_portal": who.actor.policy.on_portal(o.code.as_str()) }))
        .collect();
    Ok(Json(json!({ "data": objects })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Availability {
    on_portal: bool,
}

#[utoipa::path(
    put,
    path = "/access/portal-objects/{object}",
    tag = "access",
    operation_id = "set_portal_object",
    summary = "Puts an object on the portal or takes it off",
    request_body = Availability,
    responses((status = 204, description = "Changed"))
)]
pub async fn set_portal_object(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<Availability>,
) -> Result<StatusCode, ApiError> {
    config::set_portal_object(&app, &who.actor, &object, body.on_portal).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/access/objects/{object}",
    tag = "access",
    operation_id = "get_object_permissions",
    summary = "An object's permissions",
    responses((status = 200, description = "Operations, rules and columns of the object", body = Value))
)]
pub async fn object_permissions(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
) -> Answer {
    Ok(Json(json!(
        config::object_permissions(&app, &who.actor, &object).await?
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantChange {
    operation: String,
    grantee: String,
    granted: bool,
}

#[utoipa::path(
    put,
    path = "/access/objects/{object}/grants",
    tag = "access",
    operation_id = "set_object_grant",
    summary = "Grants or withdraws an operation on an object",
    request_body = GrantChange,
    responses((status = 204, description = "Changed"))
)]
pub async fn set_grant(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<GrantChange>,
) -> Result<StatusCode, ApiError> {
    let operation = parse(
        &body.operation,
        "operation",
        Operation::parse,
        "create, read, update, delete",
    )?;
    config::set_object_grant(
        &app,
        &who.actor,
        &object,
        operation,
        &body.grantee,
        body.granted,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRule {
    author_role: String,
    grantee: String,
    level: String,
}

#[utoipa::path(
    post,
    path = "/access/objects/{object}/rules",
    tag = "access",
    operation_id = "add_rule",
    summary = "Adds a default-rights rule",
    request_body = NewRule,
    responses((status = 201, description = "The rule's id", body = Value))
)]
pub async fn add_rule(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<NewRule>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let level = parse(&body.level, "level", Level::parse, "read, edit, delete")?;
    let author = body
        .author_role
        .parse()
        .map_err(|_| Error::invalid_field("author_role", "is not a role"))?;
    let id = config::add_rule(&app, &who.actor, &object, author, &body.grantee, level).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[utoipa::path(
    delete,
    path = "/access/rules/{id}",
    tag = "access",
    operation_id = "delete_rule",
    summary = "Deletes a default-rights rule",
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete_rule(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    config::delete_rule(&app, &who.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnChange {
    field: String,
    grantee: String,
    /// `hidden`, `read_only`, `editable`, or null to remove the entry.
    access: Option<String>,
}

#[utoipa::path(
    put,
    path = "/access/objects/{object}/columns",
    tag = "access",
    operation_id = "set_column",
    summary = "Sets a column permission",
    request_body = ColumnChange,
    responses((status = 204, description = "Changed"))
)]
pub async fn set_column(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(object): Path<String>,
    ApiJson(body): ApiJson<ColumnChange>,
) -> Result<StatusCode, ApiError> {
    let access = body
        .access
        .as_deref()
        .map(|a| {
            parse(
                a,
                "access",
                ColumnAccess::parse,
                "hidden, read_only, editable",
            )
        })
        .transpose()?;
    config::set_column(
        &app,
        &who.actor,
        &object,
        &body.field,
        &body.grantee,
        access,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/access/operations",
    tag = "access",
    operation_id = "list_operations",
    summary = "System operations",
    responses((status = 200, description = "System operations and who holds them", body = Value))
)]
pub async fn operations(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer {
    Ok(Json(
        json!({ "data": config::system_operations(&app, &who.actor).await? }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationChange {
    grantee: String,
    granted: bool,
}

#[utoipa::path(
    put,
    path = "/access/operations/{code}",
    tag = "access",
    operation_id = "set_operation",
    summary = "Grants or withdraws a system operation",
    request_body = OperationChange,
    responses((status = 204, description = "Changed"))
)]
pub async fn set_operation(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<OperationChange>,
) -> Result<StatusCode, ApiError> {
    let operation = SystemOperation::parse(&code).ok_or(Error::NotFound("operation"))?;
    config::set_system_operation(&app, &who.actor, operation, &body.grantee, body.granted).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExplainQuery {
    user: String,
    object: String,
    operation: String,
    record: Option<String>,
}

#[utoipa::path(
    get,
    path = "/access/explain",
    tag = "access",
    operation_id = "explain",
    summary = "Explains what a user may do",
    params(ExplainQuery),
    responses((status = 200, description = "The decision of each gate", body = Value))
)]
pub async fn explain(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiQuery(query): ApiQuery<ExplainQuery>,
) -> Answer {
    let operation = parse(
        &query.operation,
        "operation",
        Operation::parse,
        "create, read, update, delete",
    )?;
    let user = query
        .user
        .parse()
        .map_err(|_| Error::invalid_field("user", "is not a user id"))?;
    let explanation = explain::explain(
        &app,
        &who.actor,
        user,
        &query.object,
        operation,
        query.record.as_deref(),
    )
    .await?;
    Ok(Json(json!(explanation)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    before: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/access/audit",
    tag = "access",
    operation_id = "audit",
    summary = "The audit log",
    params(AuditQuery),
    responses((status = 200, description = "Audit entries, newest first", body = Value))
)]
pub async fn audit(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Answer {
    let entries = config::audit_log(
        &app,
        &who.actor,
        query.before.as_deref(),
        query.limit.unwrap_or(50),
    )
    .await?;
    Ok(Json(json!({ "data": entries })))
}

// ---- organizations ----

#[utoipa::path(
    get,
    path = "/organizations",
    tag = "organizations",
    operation_id = "list_organizations",
    summary = "Lists portal organizations",
    responses((status = 200, description = "Portal organizations", body = Value))
)]
pub async fn organizations(State(app): State<Arc<App>>, ApiUser(who): ApiUser) -> Answer {
    Ok(Json(
        json!({ "data": organizations::list(&app, &who.actor).await? }),
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrganization {
    account: String,
    name: Option<String>,
}

#[utoipa::path(
    post,
    path = "/organizations",
    tag = "organizations",
    operation_id = "create_organization",
    summary = "Creates the portal organization of an account",
    request_body = NewOrganization,
    responses((status = 201, description = "The organization's id", body = Value))
)]
pub async fn create_organization(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    ApiJson(body): ApiJson<NewOrganization>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let id = organizations::create(&app, &who.actor, &body.account, body.name.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// Members whose login or name holds this, any case.
    q: Option<String>,
    /// The `members_next_cursor` of the previous page.
    after: Option<String>,
    /// Members on the page (at most 200; 50 unless given).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/organizations/{id}",
    tag = "organizations",
    operation_id = "get_organization",
    summary = "An organization's profile",
    params(MembersQuery),
    responses((status = 200, description = "The organization's profile and a page of its members (by login)", body = Value))
)]
pub async fn organization(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<MembersQuery>,
) -> Answer {
    let id = id.parse().map_err(|_| Error::NotFound("organization"))?;
    let members = crate::users::UserQuery {
        search: query.q,
        after: query.after,
        limit: query.limit,
    };
    Ok(Json(json!(
        organizations::profile(&app, &who.actor, id, &members).await?
    )))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMembers {
    /// E-mail addresses separated by commas or spaces.
    emails: Option<String>,
    /// Ids of existing Contacts (staff only).
    contacts: Option<Vec<String>>,
    #[serde(default)]
    roles: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/organizations/{id}/members",
    tag = "organizations",
    operation_id = "add_organization_members",
    summary = "Invites people to the organization",
    request_body = NewMembers,
    responses((status = 200, description = "What became of each address", body = Value))
)]
pub async fn add_members(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewMembers>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let org = id.parse().map_err(|_| Error::NotFound("organization"))?;
    let roles = body
        .roles
        .iter()
        .map(|r| {
            r.parse()
                .map_err(|_| Error::invalid_field("roles", "is not a role"))
        })
        .collect::<Result<Vec<RoleId>, Error>>()?;
    let added = match (body.emails, body.contacts) {
        (Some(emails), None) => {
            organizations::add_members_by_email(&app, &who.actor, org, &emails, &roles).await?
        }
        (None, Some(contacts)) if roles.is_empty() => {
            organizations::add_members_from_contacts(&app, &who.actor, org, &contacts).await?
        }
        _ => {
            return Err(Error::Invalid {
                message: "send either \"emails\" (with optional \"roles\") or \"contacts\"".into(),
                fields: Default::default(),
            }
            .into());
        }
    };
    Ok((StatusCode::OK, Json(json!({ "data": added }))))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    admin: Option<bool>,
    active: Option<bool>,
    /// Roles below the organization to give (`true`) or take (`false`), by id.
    #[serde(default)]
    roles: Map<String, Value>,
}

#[utoipa::path(
    patch,
    path = "/organizations/{id}/members/{user}",
    tag = "organizations",
    operation_id = "change_organization_member",
    summary = "Changes a member (administrator, active, roles)",
    request_body = MemberChange,
    responses((status = 204, description = "Changed"))
)]
pub async fn change_member(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((id, user)): Path<(String, String)>,
    ApiJson(body): ApiJson<MemberChange>,
) -> Result<StatusCode, ApiError> {
    let org = id.parse().map_err(|_| Error::NotFound("organization"))?;
    let user = user_id(&user)?;
    if let Some(admin) = body.admin {
        organizations::set_admin(&app, &who.actor, org, user, admin).await?;
    }
    if let Some(active) = body.active {
        organizations::set_member_active(&app, &who.actor, org, user, active).await?;
    }
    for (role, member) in &body.roles {
        let role = role
            .parse()
            .map_err(|_| Error::invalid_field("roles", "is not a role"))?;
        let member = member
            .as_bool()
            .ok_or_else(|| Error::invalid_field("roles", "values must be true or false"))?;
        organizations::set_member_role(&app, &who.actor, org, user, role, member).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChange {
    name: String,
    #[serde(default)]
    phone: String,
}

#[utoipa::path(
    patch,
    path = "/organizations/{id}",
    tag = "organizations",
    operation_id = "update_organization",
    summary = "Changes the organization's name and phone",
    request_body = ProfileChange,
    responses((status = 204, description = "Saved"))
)]
pub async fn update_profile(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ProfileChange>,
) -> Result<StatusCode, ApiError> {
    let org = id.parse().map_err(|_| Error::NotFound("organization"))?;
    organizations::update_profile(&app, &who.actor, org, &body.name, &body.phone).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationDomain {
    /// People who register with an address at this domain join the organization; empty for none.
    domain: String,
}

#[utoipa::path(
    put,
    path = "/organizations/{id}/registration-domain",
    tag = "organizations",
    operation_id = "set_organization_registration_domain",
    summary = "Sets the e-mail domain whose registrants join the organization",
    request_body = RegistrationDomain,
    responses((status = 200, description = "The domain, or null", body = Value))
)]
pub async fn set_registration_domain(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RegistrationDomain>,
) -> Answer {
    let org = id.parse().map_err(|_| Error::NotFound("organization"))?;
    let domain =
        organizations::set_registration_domain(&app, &who.actor, org, &body.domain).await?;
    Ok(Json(json!({ "domain": domain })))
}

#[utoipa::path(
    post,
    path = "/organizations/{id}/addresses",
    tag = "organizations",
    operation_id = "add_organization_address",
    summary = "Adds an address",
    request_body = std::collections::BTreeMap<String, String>,
    responses((status = 201, description = "Added"))
)]
pub async fn add_address(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<StatusCode, ApiError> {
    let org = id.parse().map_err(|_| Error::NotFound("organization"))?;
    organizations::add_address(&app, &who.actor, org, &body).await?;
    Ok(StatusCode::CREATED)
}

#[utoipa::path(
    patch,
    path = "/organizations/{id}/addresses/{address}",
    tag = "organizations",
    operation_id = "update_organization_address",
    summary = "Changes an address",
    request_body = std::collections::BTreeMap<String, String>,
    responses((status = 204, description = "Changed"))
)]
pub async fn update_address(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((id, address)): Path<(String, String)>,
    ApiJson(body): ApiJson<Map<String, Value>>,
) -> Result<StatusCode, ApiError> {
    let org = id.parse().map_err(|_| Error::NotFound("organization"))?;
    organizations::update_address(&app, &who.actor, org, &address, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    delete,
    path = "/organizations/{id}/addresses/{address}",
    tag = "organizations",
    operation_id = "delete_organization_address",
    summary = "Deletes an address",
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete_address(
    State(app): State<Arc<App>>,
    ApiUser(who): ApiUser,
    Path((id, address)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let org = id.parse().map_err(|_| Error::NotFound("organization"))?;
    organizations::delete_address(&app, &who.actor, org, &address).await?;
    Ok(StatusCode::NO_CONTENT)
}
