//! Who may do what. Every permission decision of the platform is made here, from an [`Actor`]:
//! services ask before they act and never decide themselves.
//!
//! A request by an external user passes four gates in order, each final: (1) the object is on the
//! tenant's list of objects available on the portal; (2) one of the user's grantees (the user and
//! their effective roles) holds the operation on the object; (3) they hold a right on the record
//! (by default only on records they created; widened by default-rights rules, sharing, processes);
//! (4) column permissions hide columns or make them read-only. Employees pass gates 2-4 with their
//! own roles; members of "Administrators" hold everything.

mod cache;
pub mod config;
pub mod defaults;
pub mod explain;
pub mod model;
pub mod policy;
pub mod records;
mod storage;

pub use cache::AccessCache;
pub use model::{
    Audience, ColumnAccess, Grantee, Level, Operation, RoleId, RoleKind, SystemOperation,
};
pub use policy::{Membership, Policy, Role, Rule};
pub use storage::AuditEntry;

use std::sync::Arc;

use portico_tenants::Tenant;

use crate::{
    app::App,
    error::{Error, Result},
    records::{Catalog, ObjectType},
    store::{TenantTx, Versioned, Versions},
    users::{Email, User, UserId, UserKind},
};

/// The identified user on whose behalf a service runs, with their place in the tenant's roles.
#[derive(Debug, Clone)]
pub struct Actor {
    pub tenant: Arc<Tenant>,
    pub user: UserId,
    pub login: Email,
    pub full_name: String,
    pub kind: UserKind,
    /// The portal organization of an external user.
    pub organization: Option<RoleId>,
    pub organization_admin: bool,
    /// The user's contact record: a portal user's cases are filed for it, and approver fields
    /// name it.
    pub contact: Option<String>,
    /// The user's own language and time zone, if they chose them.
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// The name their profile photo is stored under, if they have one.
    pub photo: Option<String>,
    pub membership: Arc<Membership>,
    pub policy: Arc<Policy>,
    /// The tenant's objects (built-in and its sections') as this request found them.
    pub catalog: Arc<Catalog>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.membership.admin
    }

    /// Whether the actor is this grantee: themselves, or one of their roles (inherited ones too)
    /// or their organization.
    pub fn is(&self, grantee: &str) -> bool {
        self.membership.grantees.contains(grantee)
    }

    fn holds(&self, operation: SystemOperation) -> bool {
        self.is_admin()
            || self
                .policy
                .system_operation(&self.membership, operation)
                .is_some()
    }
}

/// Builds the actor for `user` inside `tx`: the tenant's policy, the user's effective roles and
/// the tenant's catalog come from the caches unless the tenant changed them since they were
/// loaded. Reads the tenant's versions; [`actor_at`] takes those a request has read already.
pub async fn actor(app: &App, tx: &mut TenantTx, tenant: Arc<Tenant>, user: User) -> Result<Actor> {
    let versions = Versions::read(tx).await?;
    actor_at(app, tx, tenant, user, versions).await
}

/// [`actor`] at the tenant's `versions`, as read with the request's credential.
pub async fn actor_at(
    app: &App,
    tx: &mut TenantTx,
    tenant: Arc<Tenant>,
    user: User,
    versions: Versions,
) -> Result<Actor> {
    let policy = app.access.policy(tx, versions.access).await?;
    let membership = app.access.membership(tx, &policy, &user).await?;
    let mut catalog = crate::sections::installed::catalog(app, tx, versions.catalog).await?;
    if user.kind == UserKind::External {
        // A portal user works with what their license opens (none held: the least).
        let license = user
            .license
            .unwrap_or(portico_tenants::Configuration::SelfService);
        catalog = crate::sections::installed::licensed(
            app,
            tenant.id,
            versions.catalog,
            &catalog,
            license,
        );
    }
    Ok(Actor {
        tenant,
        user: user.id,
        login: user.login,
        full_name: user.full_name,
        kind: user.kind,
        organization: user.organization,
        organization_admin: user.organization_admin,
        contact: user.contact,
        language: user.language,
        time_zone: user.time_zone,
        photo: user.photo,
        membership,
        policy,
        catalog,
    })
}

/// Whom an actor may mention in a comment (and find to mention), before the record's own gates
/// say who of them may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum People {
    /// Employees mention anyone.
    Everyone,
    /// A portal user mentions the members of their own organization.
    OfOrganization(RoleId),
    /// A portal user of no organization mentions nobody.
    Nobody,
}

pub fn mentionable_people(actor: &Actor) -> People {
    match (actor.kind, actor.organization) {
        (UserKind::Employee, _) => People::Everyone,
        (_, Some(organization)) => People::OfOrganization(organization),
        (_, None) => People::Nobody,
    }
}

/// Whether `actor` may mention `user` (see [`People`]).
pub fn may_mention(actor: &Actor, user: &User) -> bool {
    match mentionable_people(actor) {
        People::Everyone => true,
        People::OfOrganization(organization) => user.organization == Some(organization),
        People::Nobody => false,
    }
}

/// Something an actor may or may not be allowed to do, outside of a particular record.
#[derive(Debug, Clone, Copy)]
pub enum Capability<'a> {
    UseConsole,
    /// See and create employees (tenant administrators).
    ManageEmployees,
    /// Create organizations and external users, manage their membership ("Manage portal users").
    ManagePortalUsers,
    /// Configure roles and permissions, read the audit log, use explain.
    ConfigureAccess,
    ChangeOwnPassword,
    /// Administer one portal organization: its profile and its members.
    AdministerOrganization(RoleId),
    /// Gates 1 and 2 for an operation on an object's records.
    Records(&'a ObjectType, Operation),
    System(SystemOperation),
}

pub fn check(actor: &Actor, capability: Capability<'_>) -> Result<()> {
    let employee = actor.kind == UserKind::Employee;
    let allowed = match capability {
        Capability::UseConsole => employee,
        Capability::ManageEmployees => employee && actor.is_admin(),
        Capability::ManagePortalUsers => {
            employee && actor.holds(SystemOperation::ManagePortalUsers)
        }
        Capability::ConfigureAccess => {
            employee && actor.holds(SystemOperation::AccessRightsWorkspace)
        }
        Capability::ChangeOwnPassword => actor.holds(SystemOperation::ChangeOwnPassword),
        Capability::AdministerOrganization(org) => {
            (actor.kind == UserKind::External
                && actor.organization_admin
                && actor.organization == Some(org))
                || (employee && actor.holds(SystemOperation::ManagePortalUsers))
        }
        Capability::Records(object, operation) => {
            return object_gates(actor, object, operation).map(drop);
        }
        Capability::System(operation) => actor.holds(operation),
    };
    if allowed {
        return Ok(());
    }
    Err(Error::Forbidden(match capability {
        Capability::UseConsole => crate::tr!("access-console-for-employees"),
        Capability::ManageEmployees => crate::tr!("access-only-admins-manage-employees"),
        Capability::ManagePortalUsers => crate::tr!("access-may-not-manage-portal-users"),
        Capability::ConfigureAccess => crate::tr!("access-may-not-change-access"),
        Capability::ChangeOwnPassword => crate::tr!("access-may-not-change-password"),
        Capability::AdministerOrganization(_) => {
            crate::tr!("access-may-not-administer-organization")
        }
        Capability::System(op) => crate::tr!("access-may-not-use", operation = op.title()),
        Capability::Records(..) => unreachable!("returned above"),
    }))
}

/// Gates 1 and 2. Returns the grantee whose grant opened gate 2 (`None` for administrators).
pub fn object_gates(
    actor: &Actor,
    object: &ObjectType,
    operation: Operation,
) -> Result<Option<String>> {
    if actor.is_admin() {
        return Ok(None);
    }
    let code = object.code.as_str();
    if actor.kind == UserKind::External && !actor.policy.on_portal(code) {
        return Err(Error::Forbidden(crate::tr!(
            "access-not-on-portal",
            object = &object.plural
        )));
    }
    match actor
        .policy
        .operation_granted(&actor.membership, code, operation)
    {
        Some(grantee) => Ok(Some(grantee)),
        None => Err(Error::Forbidden(crate::tr!(
            "access-may-not-operate",
            operation = operation.as_str(),
            object = object.plural.to_lowercase(),
            title = &object.plural
        ))),
    }
}

/// Gate 4 for one column.
pub fn column(actor: &Actor, object: &ObjectType, field: &str) -> ColumnAccess {
    if actor.is_admin() {
        return ColumnAccess::Editable;
    }
    actor
        .policy
        .column_access(&actor.membership, object.code.as_str(), field)
        .0
}

/// Every user's direct role memberships (organizations excluded), for listing users.
pub async fn direct_roles(
    tx: &mut TenantTx,
) -> Result<std::collections::HashMap<UserId, Vec<RoleId>>> {
    let mut by_user: std::collections::HashMap<UserId, Vec<RoleId>> = Default::default();
    for (role, user) in storage::direct_members(tx).await? {
        by_user.entry(user).or_default().push(role);
    }
    Ok(by_user)
}

/// [`direct_roles`] of some users only.
pub async fn direct_roles_of(
    tx: &mut TenantTx,
    users: &[UserId],
) -> Result<std::collections::HashMap<UserId, Vec<RoleId>>> {
    let ids: Vec<String> = users.iter().map(ToString::to_string).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut by_user: std::collections::HashMap<UserId, Vec<RoleId>> = Default::default();
    for (role, user) in storage::direct_members_of(tx, &ids).await? {
        by_user.entry(user).or_default().push(role);
    }
    Ok(by_user)
}

/// Whether the portal organization is a partner organization (below the Partner portal users
/// role), as `tx` sees the role tree now (also within a change that just moved it).
pub async fn is_partner_organization(
    tx: &mut TenantTx,
    organization: Option<RoleId>,
) -> Result<bool> {
    let Some(organization) = organization else {
        return Ok(false);
    };
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM roles o JOIN roles p ON p.tenant_id = o.tenant_id AND p.id = o.parent_id
         WHERE o.tenant_id = $1 AND o.id = $2 AND p.system_code = $3",
    )
    .bind(tx.tenant_param())
    .bind(organization)
    .bind(model::system_roles::PARTNERS)
    .fetch_optional(tx.conn())
    .await?;
    Ok(found.is_some())
}

/// Records a change that affects access (users, memberships, organizations) in the audit log,
/// inside the caller's transaction, and marks cached decisions stale.
pub async fn audit(
    app: &App,
    tx: &mut TenantTx,
    actor: &Actor,
    action: &str,
    subject: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    let actor = Some(actor.user.to_string());
    record_audit(app, tx, actor, action, subject, before, after).await
}

/// [`audit`] of a change nobody of the tenant made: an operator's command, a billing event.
pub async fn audit_platform(
    app: &App,
    tx: &mut TenantTx,
    action: &str,
    subject: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    record_audit(app, tx, None, action, subject, before, after).await
}

async fn record_audit(
    app: &App,
    tx: &mut TenantTx,
    actor: Option<String>,
    action: &str,
    subject: String,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    let entry = AuditEntry {
        id: uuid::Uuid::now_v7().to_string(),
        at: app.clock.now(),
        actor,
        action: action.to_owned(),
        subject,
        before,
        after,
    };
    storage::insert_audit(tx, &entry).await?;
    Versions::bump(tx, Versioned::Access).await?;
    Ok(())
}
