//! The permissions every tenant starts with, applied once each (an administrator's later change
//! sticks): the two role trees with "Administrators"; the portal basics for every external user;
//! employees' rights on every object; and what each object's manifest declares for the portal
//! (e.g. external users read knowledge-base articles, create cases and see only their own).

use super::{
    Level, Operation, SystemOperation,
    model::{AUTHOR_ORGANIZATION, Audience, RoleId, RoleKind, system_roles},
    storage::{self, NewRole},
};
use crate::{
    app::App,
    error::Result,
    records::{AccessDefaults, ObjectType},
    store::{Access, TenantTx},
    users::UserId,
};

const EXTERNAL_BASICS: [SystemOperation; 5] = [
    SystemOperation::ViewMainPage,
    SystemOperation::ChangeOwnPassword,
    SystemOperation::UseFolders,
    SystemOperation::FeedComments,
    SystemOperation::FeedLikes,
];
const EMPLOYEE_BASICS: [SystemOperation; 2] = [
    SystemOperation::ViewMainPage,
    SystemOperation::ChangeOwnPassword,
];
/// Employees keep records in folders too, and comment and like in every record's feed (defaults
/// added after the first ones above, each applied once under its mark).
const LATER_EMPLOYEE_BASICS: [(&str, &[SystemOperation]); 2] = [
    (
        "operations:employee-folders",
        &[SystemOperation::UseFolders],
    ),
    (
        "operations:employee-feed",
        &[SystemOperation::FeedComments, SystemOperation::FeedLikes],
    ),
];

/// This build's defaults, as a fingerprint of what [`apply`] gives a tenant it has not given
/// before: the system roles, the marks of later defaults and the built-in sections' manifests.
/// Each tenant records the edition it last received ([`record_edition`]), so start-up applies
/// defaults only to the tenants an upgrade left behind (checking each of 10,000 tenants made
/// start-up take 19 s). A tenant's own sections receive theirs as they are installed (the
/// tenant counts as behind until they have).
fn edition() -> &'static str {
    static EDITION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    EDITION.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let mut hash = Sha256::new();
        let roles = [
            system_roles::ALL_EXTERNAL,
            system_roles::ALL_EMPLOYEES,
            system_roles::ADMINISTRATORS,
            system_roles::PARTNERS,
        ];
        let later = LATER_EMPLOYEE_BASICS.map(|(key, operations)| format!("{key}={operations:?}"));
        let parts = roles
            .into_iter()
            .chain(later.iter().map(String::as_str))
            .chain(crate::sections::BUILT_IN.iter().copied());
        for part in parts {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        crate::sections::installed::hex(&hash.finalize()[..12])
    })
}

/// The built-in roles of a tenant.
#[derive(Debug, Clone, Copy)]
pub struct SystemRoles {
    pub all_external: RoleId,
    pub all_employees: RoleId,
    pub administrators: RoleId,
    /// "Partner portal users": the partner organizations are placed below it.
    pub partners: RoleId,
}

/// Applies every default the tenant has not received yet.
pub async fn apply(app: &App, tx: &mut TenantTx) -> Result<SystemRoles> {
    let now = app.clock.now();
    let policy = storage::load_policy(tx, 0).await?;
    let existing = |code: &str| policy.system_role(code).map(|r| r.id);
    let mut changed = false;
    let all_external = match existing(system_roles::ALL_EXTERNAL) {
        Some(id) => id,
        None => {
            changed = true;
            storage::insert_role(
                tx,
                root(
                    "All external users",
                    Audience::External,
                    system_roles::ALL_EXTERNAL,
                ),
                now,
            )
            .await?
        }
    };
    let all_employees = match existing(system_roles::ALL_EMPLOYEES) {
        Some(id) => id,
        None => {
            changed = true;
            storage::insert_role(
                tx,
                root(
                    "All employees",
                    Audience::Employee,
                    system_roles::ALL_EMPLOYEES,
                ),
                now,
            )
            .await?
        }
    };
    let administrators = match existing(system_roles::ADMINISTRATORS) {
        Some(id) => id,
        None => {
            changed = true;
            let role = NewRole {
                name: "Administrators",
                kind: RoleKind::Organizational,
                audience: Audience::Employee,
                parent: Some(all_employees),
                account: None,
                system_code: Some(system_roles::ADMINISTRATORS),
            };
            storage::insert_role(tx, role, now).await?
        }
    };
    let partners = match existing(system_roles::PARTNERS) {
        Some(id) => id,
        None => {
            changed = true;
            let role = NewRole {
                name: "Partner portal users",
                kind: RoleKind::Functional,
                audience: Audience::External,
                parent: Some(all_external),
                account: None,
                system_code: Some(system_roles::PARTNERS),
            };
            storage::insert_role(tx, role, now).await?
        }
    };
    let roles = SystemRoles {
        all_external,
        all_employees,
        administrators,
        partners,
    };

    if storage::mark_seeded(tx, "operations").await? {
        changed = true;
        for operation in EXTERNAL_BASICS {
            storage::set_operation_grant(tx, operation, &all_external.to_string(), true).await?;
        }
        for operation in EMPLOYEE_BASICS {
            storage::set_operation_grant(tx, operation, &all_employees.to_string(), true).await?;
        }
    }
    for (key, operations) in LATER_EMPLOYEE_BASICS {
        if storage::mark_seeded(tx, key).await? {
            changed = true;
            for operation in operations {
                storage::set_operation_grant(tx, *operation, &all_employees.to_string(), true)
                    .await?;
            }
        }
    }
    for object in crate::sections::installed::current_catalog(app, tx)
        .await?
        .objects()
    {
        if storage::mark_seeded(tx, &format!("object:{}", object.code)).await? {
            changed = true;
            seed_object(app, tx, object, roles).await?;
        }
    }
    if changed {
        crate::store::Versions::bump(tx, crate::store::Versioned::Access).await?;
    }
    Ok(roles)
}

/// Records that the tenant has this build's defaults, once the transaction that gave them has
/// committed (apart from it: Citus takes no change to a reference table after a transaction
/// read distributed ones in parallel).
pub async fn record_edition(app: &App, tenant: portico_tenants::TenantId) -> Result<()> {
    set_edition(app, tenant, Some(edition())).await
}

/// Counts the tenant as behind (its defaults to be checked at the next start-up), before a
/// change whose defaults are applied in a transaction of their own.
pub async fn forget_edition(app: &App, tenant: portico_tenants::TenantId) -> Result<()> {
    set_edition(app, tenant, None).await
}

async fn set_edition(
    app: &App,
    tenant: portico_tenants::TenantId,
    edition: Option<&str>,
) -> Result<()> {
    let mut tx = app.db.begin_global().await?;
    sqlx::query("UPDATE tenants SET defaults_edition = $1 WHERE id = $2")
        .bind(edition)
        .bind(tenant.get())
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(())
}

fn root<'a>(name: &'a str, audience: Audience, code: &'a str) -> NewRole<'a> {
    NewRole {
        name,
        kind: RoleKind::Root,
        audience,
        parent: None,
        account: None,
        system_code: Some(code),
    }
}

async fn seed_object(
    app: &App,
    tx: &mut TenantTx,
    object: &ObjectType,
    roles: SystemRoles,
) -> Result<()> {
    let code = object.code.as_str();
    let employees = roles.all_employees.to_string();
    let external = roles.all_external.to_string();
    for operation in Operation::ALL {
        storage::set_object_grant(tx, code, operation, &employees, true).await?;
    }
    let now = app.clock.now();
    // Employees see and work on everything their colleagues and customers create.
    storage::insert_rule(
        tx,
        code,
        roles.all_employees,
        &employees,
        Level::Delete,
        now,
    )
    .await?;
    storage::insert_rule(tx, code, roles.all_external, &employees, Level::Edit, now).await?;

    let AccessDefaults {
        portal,
        external: operations,
        partners,
        rules,
        external_columns,
    } = &object.access_defaults;
    if *portal {
        storage::set_portal_object(tx, code, true).await?;
    }
    for operation in operations {
        storage::set_object_grant(tx, code, *operation, &external, true).await?;
    }
    for operation in partners {
        let grantee = roles.partners.to_string();
        storage::set_object_grant(tx, code, *operation, &grantee, true).await?;
    }
    for rule in rules {
        let side = |audience: Audience| match audience {
            Audience::External => roles.all_external,
            Audience::Employee => roles.all_employees,
        };
        let grantee = match rule.grantee {
            Some(audience) => side(audience).to_string(),
            None => AUTHOR_ORGANIZATION.to_owned(),
        };
        storage::insert_rule(tx, code, side(rule.author), &grantee, rule.level, now).await?;
    }
    for (field, access) in external_columns {
        storage::set_column(tx, code, field, &external, Some(*access)).await?;
    }
    Ok(())
}

/// Puts a user into "Administrators".
pub async fn make_administrator(tx: &mut TenantTx, roles: SystemRoles, user: UserId) -> Result<()> {
    if storage::add_member(tx, roles.administrators, user).await? {
        crate::store::Versions::bump(tx, crate::store::Versioned::Access).await?;
    }
    Ok(())
}

/// The tenant's longest-standing administrator, as an actor (for work done on the tenant's
/// behalf from the command line, such as seeding lookups).
pub async fn first_administrator(
    app: &App,
    tx: &mut TenantTx,
    tenant: std::sync::Arc<portico_tenants::Tenant>,
) -> Result<Option<super::Actor>> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT m.user_id FROM role_members m
         JOIN roles r ON r.tenant_id = m.tenant_id AND r.id = m.role_id
         WHERE m.tenant_id = $1 AND r.system_code = $2 ORDER BY m.user_id LIMIT 1",
    )
    .bind(tx.tenant_param())
    .bind(system_roles::ADMINISTRATORS)
    .fetch_optional(tx.conn())
    .await?;
    let Some(id) = id.and_then(|id| id.parse::<UserId>().ok()) else {
        return Ok(None);
    };
    let Some(user) = crate::users::storage::find(tx, id).await? else {
        return Ok(None);
    };
    Ok(Some(super::actor(app, tx, tenant, user).await?))
}

/// Applies the defaults to every tenant this build's have not reached yet (at start-up, after
/// an upgrade added some).
pub async fn apply_to_all_tenants(app: &App) -> Result<()> {
    let behind: Vec<i64> = {
        let mut conn = app.db.global().await?;
        sqlx::query_scalar(
            "SELECT id FROM tenants WHERE defaults_edition IS NULL OR defaults_edition <> $1",
        )
        .bind(edition())
        .fetch_all(&mut *conn)
        .await?
    };
    for id in behind {
        let tenant = portico_tenants::TenantId::from_db(id);
        let mut tx = app.db.begin(tenant, Access::Write).await?;
        apply(app, &mut tx).await?;
        tx.commit().await?;
        record_edition(app, tenant).await?;
    }
    Ok(())
}
