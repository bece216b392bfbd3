//! Changing who may do what: roles and memberships, the portal's object list, object operation
//! grants, default-rights rules, column permissions and system operations. Every change is
//! checked, audited (who, when, what, before, after) and bumps the tenant's access version.

use serde::Serialize;
use serde_json::{Value, json};

use super::{
    Actor, Capability, check,
    model::{
        AUTHOR_ORGANIZATION, Audience, ColumnAccess, Level, Operation, RoleId, RoleKind,
        SystemOperation,
    },
    policy::{Policy, Role},
    storage::{self, AuditEntry, NewRole},
};
use crate::{
    app::App,
    error::{Error, Result},
    records::SYSTEM_FIELDS,
    store::{Access, TenantTx},
    users::{self, UserId, UserKind},
};

/// A transaction for a configuration change by `actor`, who must hold `capability`.
async fn begin(app: &App, actor: &Actor, capability: Capability<'_>) -> Result<TenantTx> {
    check(actor, capability)?;
    Ok(app.db.begin(actor.tenant.id, Access::Write).await?)
}

/// Audits the change, bumps the access version and commits.
async fn finish(
    app: &App,
    mut tx: TenantTx,
    actor: &Actor,
    action: &str,
    subject: String,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<()> {
    tracing::info!(action, %subject, "access changed");
    super::audit(app, &mut tx, actor, action, subject, before, after).await?;
    tx.commit().await?;
    Ok(())
}

fn role(policy: &Policy, id: RoleId) -> Result<&Role> {
    policy.role(id).ok_or(Error::NotFound("role"))
}

/// Checks that `grantee` names a role or a user of this tenant, and returns its key.
pub(crate) async fn grantee_key(
    tx: &mut TenantTx,
    policy: &Policy,
    grantee: &str,
) -> Result<String> {
    if let Ok(id) = grantee.parse::<RoleId>()
        && policy.role(id).is_some()
    {
        return Ok(id.to_string());
    }
    if let Ok(id) = grantee.parse::<UserId>()
        && users::storage::find(tx, id).await?.is_some()
    {
        return Ok(id.to_string());
    }
    Err(Error::invalid_field(
        "grantee",
        crate::tr!("access-not-grantee"),
    ))
}

#[derive(Debug, Clone)]
pub struct NewRoleInput {
    pub name: String,
    pub kind: RoleKind,
    pub parent: RoleId,
}

pub async fn create_role(app: &App, actor: &Actor, input: NewRoleInput) -> Result<RoleId> {
    let name = valid_name(&input.name)?;
    if !matches!(input.kind, RoleKind::Organizational | RoleKind::Functional) {
        return Err(Error::invalid_field(
            "kind",
            crate::tr!("access-kind-invalid"),
        ));
    }
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    let parent = role(&actor.policy, input.parent)?;
    let id = storage::insert_role(
        &mut tx,
        NewRole {
            name: &name,
            kind: input.kind,
            audience: parent.audience,
            parent: Some(parent.id),
            account: None,
            system_code: None,
        },
        app.clock.now(),
    )
    .await?;
    let after = json!({ "id": id, "name": name, "kind": input.kind, "parent": parent.id });
    finish(
        app,
        tx,
        actor,
        "role.create",
        format!("role:{id}"),
        None,
        Some(after),
    )
    .await?;
    Ok(id)
}

fn valid_name(name: &str) -> Result<String> {
    crate::text::name("name", name, 120)
}

pub async fn rename_role(app: &App, actor: &Actor, id: RoleId, name: &str) -> Result<()> {
    let name = valid_name(name)?;
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    let before = role(&actor.policy, id)?.name.clone();
    storage::rename_role(&mut tx, id, &name).await?;
    finish(
        app,
        tx,
        actor,
        "role.rename",
        format!("role:{id}"),
        Some(json!({ "name": before })),
        Some(json!({ "name": name })),
    )
    .await
}

pub async fn delete_role(app: &App, actor: &Actor, id: RoleId) -> Result<()> {
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    let existing = role(&actor.policy, id)?.clone();
    if existing.kind == RoleKind::Root || existing.system_code.is_some() {
        return Err(Error::Conflict(crate::tr!(
            "access-role-built-in",
            role = &existing.name
        )));
    }
    if storage::role_in_use(&mut tx, id).await? {
        return Err(Error::Conflict(crate::tr!(
            "access-role-in-use",
            role = &existing.name
        )));
    }
    storage::delete_role(&mut tx, id).await?;
    finish(
        app,
        tx,
        actor,
        "role.delete",
        format!("role:{id}"),
        Some(json!(existing)),
        None,
    )
    .await
}

/// Whether `actor` may put users into (or take them out of) `role`: access administrators
/// anywhere; "Manage portal users" in the external tree; an organization's administrator in the
/// roles below their organization.
pub(crate) fn may_assign(actor: &Actor, role: &Role) -> bool {
    if check(actor, Capability::ConfigureAccess).is_ok() {
        return true;
    }
    if role.audience == Audience::External && check(actor, Capability::ManagePortalUsers).is_ok() {
        return true;
    }
    matches!(actor.organization, Some(org) if actor.organization_admin
        && role.id != org && actor.policy.is_within(role.id, org))
}

pub async fn set_membership(
    app: &App,
    actor: &Actor,
    role_id: RoleId,
    user_id: UserId,
    member: bool,
) -> Result<()> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let role = role(&actor.policy, role_id)?.clone();
    if !may_assign(actor, &role) {
        return Err(Error::Forbidden(crate::tr!(
            "access-may-not-assign",
            role = &role.name
        )));
    }
    let user = users::storage::find(&mut tx, user_id)
        .await?
        .ok_or(Error::NotFound("user"))?;
    // Organization administrators reach only their own organization's people; others do not
    // exist for them.
    if actor.kind == UserKind::External && user.organization != actor.organization {
        return Err(Error::NotFound("user"));
    }
    if role.kind == RoleKind::Root || role.kind == RoleKind::Organization {
        return Err(Error::Conflict(crate::tr!("access-membership-automatic")));
    }
    let fits = match user.kind {
        UserKind::External => role.audience == Audience::External,
        UserKind::Employee => role.audience == Audience::Employee,
        UserKind::System => false,
    };
    if !fits {
        return Err(Error::invalid_field(
            "role",
            crate::tr!("access-role-audience-mismatch"),
        ));
    }
    let changed = if member {
        storage::add_member(&mut tx, role_id, user_id).await?
    } else {
        storage::remove_member(&mut tx, role_id, user_id).await?
    };
    if !changed {
        return Ok(());
    }
    let action = if member {
        "role.member.add"
    } else {
        "role.member.remove"
    };
    let state =
        json!({ "role": role_id, "role_name": role.name, "user": user_id, "login": user.login });
    let (before, after) = if member {
        (None, Some(state))
    } else {
        (Some(state), None)
    };
    finish(
        app,
        tx,
        actor,
        action,
        format!("role:{role_id}"),
        before,
        after,
    )
    .await
}

pub async fn set_portal_object(
    app: &App,
    actor: &Actor,
    code: &str,
    available: bool,
) -> Result<()> {
    let object = crate::records::object_type(actor, code)?;
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    if !storage::set_portal_object(&mut tx, object.code.as_str(), available).await? {
        return Ok(());
    }
    finish(
        app,
        tx,
        actor,
        "portal_object.set",
        format!("object:{code}"),
        Some(json!({ "available": !available })),
        Some(json!({ "available": available })),
    )
    .await
}

pub async fn set_object_grant(
    app: &App,
    actor: &Actor,
    code: &str,
    operation: Operation,
    grantee_text: &str,
    granted: bool,
) -> Result<()> {
    let object = crate::records::object_type(actor, code)?;
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    let grantee = grantee_key(&mut tx, &actor.policy, grantee_text).await?;
    if !storage::set_object_grant(&mut tx, object.code.as_str(), operation, &grantee, granted)
        .await?
    {
        return Ok(());
    }
    let state = |on: bool| json!({ "operation": operation, "grantee": grantee, "granted": on });
    finish(
        app,
        tx,
        actor,
        "object_grant.set",
        format!("object:{code}"),
        Some(state(!granted)),
        Some(state(granted)),
    )
    .await
}

pub async fn add_rule(
    app: &App,
    actor: &Actor,
    code: &str,
    author_role: RoleId,
    grantee_text: &str,
    level: Level,
) -> Result<String> {
    let object = crate::records::object_type(actor, code)?;
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    role(&actor.policy, author_role)?;
    let grantee = if grantee_text == AUTHOR_ORGANIZATION {
        AUTHOR_ORGANIZATION.to_owned()
    } else {
        grantee_key(&mut tx, &actor.policy, grantee_text).await?
    };
    let id = storage::insert_rule(
        &mut tx,
        object.code.as_str(),
        author_role,
        &grantee,
        level,
        app.clock.now(),
    )
    .await?
    .ok_or_else(|| Error::Conflict(crate::tr!("access-rule-exists")))?;
    let after = json!({ "id": id, "author_role": author_role, "grantee": grantee, "level": level });
    finish(
        app,
        tx,
        actor,
        "rule.add",
        format!("object:{code}"),
        None,
        Some(after),
    )
    .await?;
    Ok(id)
}

pub async fn delete_rule(app: &App, actor: &Actor, id: &str) -> Result<()> {
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    let existing = actor
        .policy
        .all_rules()
        .find(|r| r.id == id)
        .cloned()
        .ok_or(Error::NotFound("rule"))?;
    storage::delete_rule(&mut tx, id).await?;
    finish(
        app,
        tx,
        actor,
        "rule.delete",
        format!("object:{}", existing.object),
        Some(json!(existing)),
        None,
    )
    .await
}

pub async fn set_column(
    app: &App,
    actor: &Actor,
    code: &str,
    field: &str,
    grantee_text: &str,
    access: Option<ColumnAccess>,
) -> Result<()> {
    let object = crate::records::object_type(actor, code)?;
    if object.field(field).is_none() && !SYSTEM_FIELDS.contains(&field) {
        return Err(Error::invalid_field(
            "field",
            crate::tr!(
                "access-not-a-column",
                field = format!("{field:?}"),
                object = &object.title
            ),
        ));
    }
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    let grantee = grantee_key(&mut tx, &actor.policy, grantee_text).await?;
    let before = actor
        .policy
        .column_entries(code)
        .get(field)
        .and_then(|entries| entries.iter().find(|(g, _)| *g == grantee).map(|(_, a)| *a));
    if before == access {
        return Ok(());
    }
    storage::set_column(&mut tx, object.code.as_str(), field, &grantee, access).await?;
    let state =
        |a: Option<ColumnAccess>| json!({ "field": field, "grantee": grantee, "access": a });
    finish(
        app,
        tx,
        actor,
        "column.set",
        format!("object:{code}"),
        Some(state(before)),
        Some(state(access)),
    )
    .await
}

pub async fn set_system_operation(
    app: &App,
    actor: &Actor,
    operation: SystemOperation,
    grantee_text: &str,
    granted: bool,
) -> Result<()> {
    let mut tx = begin(app, actor, Capability::ConfigureAccess).await?;
    let grantee = grantee_key(&mut tx, &actor.policy, grantee_text).await?;
    if !storage::set_operation_grant(&mut tx, operation, &grantee, granted).await? {
        return Ok(());
    }
    let state = |on: bool| json!({ "grantee": grantee, "granted": on });
    finish(
        app,
        tx,
        actor,
        "system_operation.set",
        format!("operation:{}", operation.code()),
        Some(state(!granted)),
        Some(state(granted)),
    )
    .await
}

pub async fn audit_log(
    app: &App,
    actor: &Actor,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEntry>> {
    check(actor, Capability::ConfigureAccess)?;
    if !(1..=200).contains(&limit) {
        return Err(Error::invalid_field(
            "limit",
            crate::tr!("access-limit-range"),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    Ok(storage::audit_page(&mut tx, before, i64::from(limit)).await?)
}

/// A role with its place in the tree and its direct members, for the console and the API.
#[derive(Debug, Clone, Serialize)]
pub struct RoleView {
    #[serde(flatten)]
    pub role: Role,
    pub depth: usize,
    pub members: Vec<users::User>,
}

/// Roles whose name contains `typed` (with `exact`: is `typed`), any case, by name: at most
/// `limit`. For pickers of whom to grant or share with; the same people as [`role_tree`] see them.
pub fn roles_named(actor: &Actor, typed: &str, exact: bool, limit: usize) -> Result<Vec<Role>> {
    check(actor, Capability::ConfigureAccess)
        .or_else(|_| check(actor, Capability::ManagePortalUsers))?;
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let mut found: Vec<Role> = actor
        .policy
        .roles()
        .filter(|r| {
            let name = r.name.to_lowercase();
            if exact {
                name == typed
            } else {
                name.contains(&typed)
            }
        })
        .cloned()
        .collect();
    found.sort_by_key(|r| r.name.to_lowercase());
    found.truncate(limit);
    Ok(found)
}

/// Every role, depth-first from the roots, with members.
pub async fn role_tree(app: &App, actor: &Actor) -> Result<Vec<RoleView>> {
    check(actor, Capability::ConfigureAccess)
        .or_else(|_| check(actor, Capability::ManagePortalUsers))?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let policy = &actor.policy;
    let mut ordered = Vec::new();
    let mut stack: Vec<(RoleId, usize)> = policy
        .roles()
        .filter(|r| r.parent.is_none())
        .map(|r| (r.id, 0))
        .collect();
    stack.reverse();
    while let Some((id, depth)) = stack.pop() {
        let role = role(policy, id)?.clone();
        let mut children: Vec<&Role> = policy.roles().filter(|r| r.parent == Some(id)).collect();
        children.sort_by(|a, b| b.name.cmp(&a.name));
        stack.extend(children.iter().map(|c| (c.id, depth + 1)));
        ordered.push((role, depth));
    }
    let people: std::collections::HashMap<UserId, users::User> = users::storage::list(&mut tx)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let mut by_role: std::collections::HashMap<RoleId, Vec<users::User>> = Default::default();
    for (role, user) in storage::all_members(&mut tx).await? {
        if let Some(user) = people.get(&user) {
            by_role.entry(role).or_default().push(user.clone());
        }
    }
    Ok(ordered
        .into_iter()
        .map(|(role, depth)| {
            let mut members = by_role.remove(&role.id).unwrap_or_default();
            members.sort_by(|a, b| a.login.cmp(&b.login));
            RoleView {
                role,
                depth,
                members,
            }
        })
        .collect())
}

/// Creates the role of a portal organization under "All external users" (the caller checked
/// "Manage portal users" and that the account has no organization yet).
pub(crate) async fn create_organization_role(
    tx: &mut TenantTx,
    actor: &Actor,
    name: &str,
    account: &str,
    partner: bool,
    now: crate::store::Timestamp,
) -> Result<RoleId> {
    let name = valid_name(name)?;
    // A partner's organization goes below "Partner portal users", whose members run the partner
    // configuration; every other below all external users.
    let parent = if partner {
        actor
            .policy
            .system_role(super::model::system_roles::PARTNERS)
    } else {
        None
    };
    let root = parent
        .or_else(|| actor.policy.root_of(Audience::External))
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("tenant has no external root role")))?;
    let role = NewRole {
        name: &name,
        kind: RoleKind::Organization,
        audience: Audience::External,
        parent: Some(root.id),
        account: Some(account),
        system_code: None,
    };
    Ok(storage::insert_role(tx, role, now).await?)
}

/// Places an account's portal organization (if it has one) below "Partner portal users" when the
/// account is a partner's, and back below all external users when it no longer is, in the
/// caller's transaction; answers whether it moved. Moving it changes what its members may do, so
/// the actor must manage portal users.
pub(crate) async fn place_organization(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    account: &str,
    partner: bool,
) -> Result<bool> {
    let Some(organization) = actor
        .policy
        .roles()
        .find(|r| r.kind == RoleKind::Organization && r.account.as_deref() == Some(account))
    else {
        return Ok(false);
    };
    let partners = actor
        .policy
        .system_role(super::model::system_roles::PARTNERS);
    let wanted = if partner {
        partners
    } else {
        actor.policy.root_of(Audience::External)
    };
    let Some(wanted) = wanted.filter(|w| organization.parent != Some(w.id)) else {
        return Ok(false);
    };
    check(actor, Capability::ManagePortalUsers).map_err(|_| {
        Error::invalid_field("type", crate::tr!("access-partner-type-needs-portal-users"))
    })?;
    storage::set_role_parent(tx, organization.id, wanted.id).await?;
    // Members of partner organizations hold partner licenses.
    crate::licenses::follow_organization(app, tx, organization.id).await?;
    super::audit(
        app,
        tx,
        actor,
        "organization.place",
        format!("role:{}", organization.id),
        Some(json!({ "parent": organization.parent })),
        Some(json!({ "parent": wanted.id })),
    )
    .await?;
    Ok(true)
}

/// Adds a membership the caller has authorised (new members of an organization getting roles
/// below it); the caller audits.
pub(crate) async fn add_member_unchecked(
    tx: &mut TenantTx,
    role: RoleId,
    user: UserId,
) -> Result<()> {
    storage::add_member(tx, role, user).await?;
    Ok(())
}

/// A grantee with a name to show.
#[derive(Debug, Clone, Serialize)]
pub struct NamedGrantee {
    pub grantee: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    pub id: String,
    pub author_role: RoleId,
    pub author_name: String,
    pub grantee: NamedGrantee,
    pub level: Level,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnEntry {
    pub grantee: NamedGrantee,
    pub access: ColumnAccess,
}

/// Everything configured for one object: portal availability, operation grants, rules, columns.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectPermissions {
    pub object: String,
    pub title: String,
    pub on_portal: bool,
    pub grants: std::collections::BTreeMap<Operation, Vec<NamedGrantee>>,
    pub rules: Vec<RuleView>,
    pub columns: std::collections::BTreeMap<String, Vec<ColumnEntry>>,
    /// Data fields and system columns that column permissions may name.
    pub fields: Vec<String>,
}

/// Names every grantee key (roles from the policy, users from the database).
async fn namer(
    tx: &mut TenantTx,
    policy: &Policy,
    keys: impl IntoIterator<Item = String>,
) -> Result<impl Fn(&str) -> NamedGrantee> {
    let keys: std::collections::BTreeSet<String> = keys.into_iter().collect();
    let users: std::collections::HashMap<String, String> =
        storage::user_names(tx, &keys).await?.into_iter().collect();
    let roles: std::collections::HashMap<String, String> = policy
        .roles()
        .map(|r| (r.id.to_string(), r.name.clone()))
        .collect();
    Ok(move |key: &str| NamedGrantee {
        grantee: key.to_owned(),
        name: if key == AUTHOR_ORGANIZATION {
            crate::tr!("access-author-organization")
        } else {
            roles
                .get(key)
                .or_else(|| users.get(key))
                .cloned()
                .unwrap_or_else(|| key.to_owned())
        },
    })
}

pub async fn object_permissions(app: &App, actor: &Actor, code: &str) -> Result<ObjectPermissions> {
    check(actor, Capability::ConfigureAccess)?;
    let object = crate::records::object_type(actor, code)?;
    let policy = &actor.policy;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let columns = policy.column_entries(code);
    let keys = Operation::ALL
        .iter()
        .flat_map(|op| policy.operation_holders(code, *op))
        .chain(policy.rules(code).iter().map(|r| r.grantee.clone()))
        .chain(columns.values().flatten().map(|(g, _)| g.clone()));
    let name = namer(&mut tx, policy, keys.collect::<Vec<_>>()).await?;
    Ok(ObjectPermissions {
        object: code.to_owned(),
        title: object.plural.clone(),
        on_portal: policy.on_portal(code),
        grants: Operation::ALL
            .iter()
            .map(|op| {
                (
                    *op,
                    policy
                        .operation_holders(code, *op)
                        .iter()
                        .map(|g| name(g))
                        .collect(),
                )
            })
            .collect(),
        rules: policy
            .rules(code)
            .iter()
            .map(|r| RuleView {
                id: r.id.clone(),
                author_role: r.author_role,
                author_name: policy
                    .role(r.author_role)
                    .map_or_else(String::new, |a| a.name.clone()),
                grantee: name(&r.grantee),
                level: r.level,
            })
            .collect(),
        columns: columns
            .into_iter()
            .map(|(field, entries)| {
                let entries = entries
                    .iter()
                    .map(|(g, access)| ColumnEntry {
                        grantee: name(g),
                        access: *access,
                    })
                    .collect();
                (field, entries)
            })
            .collect(),
        fields: object
            .fields
            .iter()
            .map(|f| f.name.clone())
            .chain(SYSTEM_FIELDS.iter().map(|s| (*s).to_owned()))
            .collect(),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct OperationView {
    pub code: &'static str,
    pub title: String,
    pub grantees: Vec<NamedGrantee>,
}

/// Every system operation and who holds it.
pub async fn system_operations(app: &App, actor: &Actor) -> Result<Vec<OperationView>> {
    check(actor, Capability::ConfigureAccess)?;
    let policy = &actor.policy;
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let keys: Vec<String> = SystemOperation::ALL
        .iter()
        .flat_map(|op| policy.operation_grantees(*op))
        .collect();
    let name = namer(&mut tx, policy, keys).await?;
    Ok(SystemOperation::ALL
        .iter()
        .map(|op| OperationView {
            code: op.code(),
            title: op.title(),
            grantees: policy
                .operation_grantees(*op)
                .iter()
                .map(|g| name(g))
                .collect(),
        })
        .collect())
}
