//! SQL for access: loading a tenant's policy, memberships, record rights, configuration changes
//! and the audit log.

use std::collections::BTreeSet;

use sqlx::Row;

use super::{
    model::{Audience, ColumnAccess, Level, Operation, RoleId, RoleKind, SystemOperation},
    policy::{Policy, Role, Rule},
};
use crate::{
    store::{Sql, TenantTx, Timestamp},
    users::UserId,
};

fn corrupt(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("bad {what} in access tables").into())
}

pub(super) async fn load_policy(tx: &mut TenantTx, version: i64) -> Result<Policy, sqlx::Error> {
    let tenant = tx.tenant_param();
    let mut policy = Policy {
        version,
        ..Policy::default()
    };
    let rows = sqlx::query(
        "SELECT id, name, kind, audience, parent_id, account_id, system_code FROM roles
         WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    for row in rows {
        let kind: String = row.try_get("kind")?;
        let audience: String = row.try_get("audience")?;
        let role = Role {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            kind: RoleKind::parse(&kind).ok_or_else(|| corrupt("role kind"))?,
            audience: Audience::parse(&audience).ok_or_else(|| corrupt("audience"))?,
            parent: row.try_get("parent_id")?,
            account: row.try_get("account_id")?,
            system_code: row.try_get("system_code")?,
        };
        policy.roles.insert(role.id, role);
    }

    let objects: Vec<String> =
        sqlx::query_scalar("SELECT object FROM portal_objects WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_all(tx.conn())
            .await?;
    policy.portal_objects = objects.into_iter().collect();

    let rows =
        sqlx::query("SELECT object, operation, grantee_id FROM object_grants WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_all(tx.conn())
            .await?;
    for row in rows {
        let operation: String = row.try_get("operation")?;
        let operation = Operation::parse(&operation).ok_or_else(|| corrupt("operation"))?;
        policy
            .object_grants
            .entry((row.try_get("object")?, operation))
            .or_default()
            .insert(row.try_get("grantee_id")?);
    }

    let rows = sqlx::query(
        "SELECT object, field, grantee_id, access FROM column_permissions WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    for row in rows {
        let access: String = row.try_get("access")?;
        let access = ColumnAccess::parse(&access).ok_or_else(|| corrupt("column access"))?;
        policy
            .columns
            .entry(row.try_get("object")?)
            .or_default()
            .entry(row.try_get("field")?)
            .or_default()
            .push((row.try_get("grantee_id")?, access));
    }

    let rows =
        sqlx::query("SELECT operation, grantee_id FROM operation_grants WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_all(tx.conn())
            .await?;
    for row in rows {
        let code: String = row.try_get("operation")?;
        // Operations this build does not know (from a newer version) are ignored, not fatal.
        if let Some(operation) = SystemOperation::parse(&code) {
            policy
                .operations
                .entry(operation)
                .or_default()
                .insert(row.try_get("grantee_id")?);
        }
    }

    let rows = sqlx::query(
        "SELECT id, object, author_role_id, grantee_id, level FROM access_rules
         WHERE tenant_id = $1 ORDER BY created_at, id",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    for row in rows {
        let level: i64 = row.try_get("level")?;
        let rule = Rule {
            id: row.try_get("id")?,
            object: row.try_get("object")?,
            author_role: row.try_get("author_role_id")?,
            grantee: row.try_get("grantee_id")?,
            level: Level::from_i64(level).ok_or_else(|| corrupt("level"))?,
        };
        policy
            .rules
            .entry(rule.object.clone())
            .or_default()
            .push(rule);
    }
    Ok(policy)
}

/// A user's direct role memberships and organization.
pub(super) async fn memberships(
    tx: &mut TenantTx,
    user: UserId,
) -> Result<(Vec<RoleId>, Option<RoleId>), sqlx::Error> {
    let tenant = tx.tenant_param();
    let roles: Vec<RoleId> = sqlx::query_scalar(
        "SELECT role_id FROM role_members WHERE tenant_id = $1 AND user_id = $2",
    )
    .bind(tenant)
    .bind(user)
    .fetch_all(tx.conn())
    .await?;
    let organization: Option<Option<RoleId>> =
        sqlx::query_scalar("SELECT organization_id FROM users WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(user)
            .fetch_optional(tx.conn())
            .await?;
    Ok((roles, organization.flatten()))
}

// ---- record rights (gate 3) ----

pub(super) async fn grant_record(
    tx: &mut TenantTx,
    object: &str,
    record: &str,
    grantee: &str,
    level: Level,
    source: &str,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(
        "INSERT INTO record_access (tenant_id, object, record_id, grantee_id, level, source)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, object, record_id, grantee_id, source)
         DO UPDATE SET level = excluded.level",
    )
    .bind(tenant)
    .bind(object)
    .bind(record)
    .bind(grantee)
    .bind(level.as_i64())
    .bind(source)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub(super) async fn revoke_record(
    tx: &mut TenantTx,
    object: &str,
    record: &str,
    grantee: &str,
    source: &str,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query(
        "DELETE FROM record_access
         WHERE tenant_id = $1 AND object = $2 AND record_id = $3 AND grantee_id = $4 AND source = $5",
    )
    .bind(tenant)
    .bind(object)
    .bind(record)
    .bind(grantee)
    .bind(source)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes every right on a record (it was deleted; lists must not find it through the index).
pub(super) async fn forget_record(
    tx: &mut TenantTx,
    object: &str,
    record: &str,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(
        "DELETE FROM record_access WHERE tenant_id = $1 AND object = $2 AND record_id = $3",
    )
    .bind(tenant)
    .bind(object)
    .bind(record)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Every right on a record: (grantee, level, source).
pub(super) async fn record_rights(
    tx: &mut TenantTx,
    object: &str,
    record: &str,
) -> Result<Vec<(String, Level, String)>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let rows = sqlx::query(
        "SELECT grantee_id, level, source FROM record_access
         WHERE tenant_id = $1 AND object = $2 AND record_id = $3
         ORDER BY level DESC, grantee_id, source",
    )
    .bind(tenant)
    .bind(object)
    .bind(record)
    .fetch_all(tx.conn())
    .await?;
    rows.iter()
        .map(|row| {
            let level: i64 = row.try_get("level")?;
            Ok((
                row.try_get("grantee_id")?,
                Level::from_i64(level).ok_or_else(|| corrupt("level"))?,
                row.try_get("source")?,
            ))
        })
        .collect()
}

// ---- configuration changes ----

pub(super) struct NewRole<'a> {
    pub name: &'a str,
    pub kind: RoleKind,
    pub audience: Audience,
    pub parent: Option<RoleId>,
    pub account: Option<&'a str>,
    pub system_code: Option<&'a str>,
}

pub(super) async fn insert_role(
    tx: &mut TenantTx,
    role: NewRole<'_>,
    now: Timestamp,
) -> Result<RoleId, sqlx::Error> {
    let tenant = tx.tenant_param();
    let id = RoleId::new();
    sqlx::query(
        "INSERT INTO roles (tenant_id, id, name, kind, audience, parent_id, account_id, system_code, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant)
    .bind(id)
    .bind(role.name)
    .bind(role.kind.as_str())
    .bind(role.audience.as_str())
    .bind(role.parent)
    .bind(role.account)
    .bind(role.system_code)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(id)
}

pub(super) async fn rename_role(
    tx: &mut TenantTx,
    id: RoleId,
    name: &str,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE roles SET name = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(name)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub(super) async fn set_role_parent(
    tx: &mut TenantTx,
    id: RoleId,
    parent: RoleId,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query("UPDATE roles SET parent_id = $3 WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .bind(parent)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Deletes a role that has no child roles and no users in its organization, with its grants.
pub(super) async fn delete_role(tx: &mut TenantTx, id: RoleId) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    let key = id.to_string();
    for sql in [
        "DELETE FROM object_grants WHERE tenant_id = $1 AND grantee_id = $2",
        "DELETE FROM column_permissions WHERE tenant_id = $1 AND grantee_id = $2",
        "DELETE FROM operation_grants WHERE tenant_id = $1 AND grantee_id = $2",
        "DELETE FROM access_rules WHERE tenant_id = $1 AND grantee_id = $2",
        "DELETE FROM record_access WHERE tenant_id = $1 AND grantee_id = $2",
        "DELETE FROM roles WHERE tenant_id = $1 AND id = $2",
    ] {
        sqlx::query(sql)
            .bind(tenant)
            .bind(&key)
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}

pub(super) async fn role_in_use(tx: &mut TenantTx, id: RoleId) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let used: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE tenant_id = $1 AND organization_id = $2
         UNION ALL SELECT 1 FROM roles WHERE tenant_id = $1 AND parent_id = $2",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    Ok(used.is_some())
}

pub(super) async fn add_member(
    tx: &mut TenantTx,
    role: RoleId,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query(
        "INSERT INTO role_members (tenant_id, role_id, user_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(role)
    .bind(user)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn remove_member(
    tx: &mut TenantTx,
    role: RoleId,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query(
        "DELETE FROM role_members WHERE tenant_id = $1 AND role_id = $2 AND user_id = $3",
    )
    .bind(tenant)
    .bind(role)
    .bind(user)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every direct membership (role, user), organizations' members included.
pub(super) async fn all_members(tx: &mut TenantTx) -> Result<Vec<(RoleId, UserId)>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let rows = sqlx::query(
        "SELECT role_id, user_id FROM role_members WHERE tenant_id = $1
         UNION SELECT organization_id, id FROM users WHERE tenant_id = $1 AND organization_id IS NOT NULL",
    )
    .bind(tenant)
    .fetch_all(tx.conn())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(super) async fn set_portal_object(
    tx: &mut TenantTx,
    object: &str,
    available: bool,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let sql = if available {
        "INSERT INTO portal_objects (tenant_id, object) VALUES ($1, $2) ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM portal_objects WHERE tenant_id = $1 AND object = $2"
    };
    let done = sqlx::query(sql)
        .bind(tenant)
        .bind(object)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn set_object_grant(
    tx: &mut TenantTx,
    object: &str,
    operation: Operation,
    grantee: &str,
    granted: bool,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let sql = if granted {
        "INSERT INTO object_grants (tenant_id, object, operation, grantee_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM object_grants
         WHERE tenant_id = $1 AND object = $2 AND operation = $3 AND grantee_id = $4"
    };
    let done = sqlx::query(sql)
        .bind(tenant)
        .bind(object)
        .bind(operation.as_str())
        .bind(grantee)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn set_column(
    tx: &mut TenantTx,
    object: &str,
    field: &str,
    grantee: &str,
    access: Option<ColumnAccess>,
) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    let query = match access {
        Some(access) => sqlx::query(
            "INSERT INTO column_permissions (tenant_id, object, field, grantee_id, access)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, object, field, grantee_id) DO UPDATE SET access = excluded.access",
        )
        .bind(tenant)
        .bind(object)
        .bind(field)
        .bind(grantee)
        .bind(access.as_str()),
        None => sqlx::query(
            "DELETE FROM column_permissions
             WHERE tenant_id = $1 AND object = $2 AND field = $3 AND grantee_id = $4",
        )
        .bind(tenant)
        .bind(object)
        .bind(field)
        .bind(grantee),
    };
    query.execute(tx.conn()).await?;
    Ok(())
}

pub(super) async fn set_operation_grant(
    tx: &mut TenantTx,
    operation: SystemOperation,
    grantee: &str,
    granted: bool,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let sql = if granted {
        "INSERT INTO operation_grants (tenant_id, operation, grantee_id) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM operation_grants WHERE tenant_id = $1 AND operation = $2 AND grantee_id = $3"
    };
    let done = sqlx::query(sql)
        .bind(tenant)
        .bind(operation.code())
        .bind(grantee)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub(super) async fn insert_rule(
    tx: &mut TenantTx,
    object: &str,
    author_role: RoleId,
    grantee: &str,
    level: Level,
    now: Timestamp,
) -> Result<Option<String>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let id = uuid::Uuid::now_v7().to_string();
    let done = sqlx::query(
        "INSERT INTO access_rules (tenant_id, id, object, author_role_id, grantee_id, level, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(&id)
    .bind(object)
    .bind(author_role)
    .bind(grantee)
    .bind(level.as_i64())
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok((done.rows_affected() == 1).then_some(id))
}

pub(super) async fn delete_rule(tx: &mut TenantTx, id: &str) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query("DELETE FROM access_rules WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that a named default was applied; `false` if it had been already.
pub(super) async fn mark_seeded(tx: &mut TenantTx, key: &str) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query(
        "INSERT INTO seeded_defaults (tenant_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(tenant)
    .bind(key)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- audit log ----

#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: String,
    pub at: Timestamp,
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub(super) async fn insert_audit(tx: &mut TenantTx, entry: &AuditEntry) -> Result<(), sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query(
        "INSERT INTO audit_log (tenant_id, id, at, actor_id, action, subject, before_state, after_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant)
    .bind(&entry.id)
    .bind(entry.at)
    .bind(entry.actor.as_deref())
    .bind(&entry.action)
    .bind(&entry.subject)
    .bind(entry.before.as_ref().map(ToString::to_string))
    .bind(entry.after.as_ref().map(ToString::to_string))
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub(super) async fn audit_page(
    tx: &mut TenantTx,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let rows = sqlx::query(
        "SELECT id, at, actor_id, action, subject, before_state, after_state FROM audit_log
         WHERE tenant_id = $1 AND ($2 IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3",
    )
    .bind(tenant)
    .bind(before)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?;
    let json = |text: Option<String>| text.and_then(|t| serde_json::from_str(&t).ok());
    rows.iter()
        .map(|row| {
            Ok(AuditEntry {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor_id")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                before: json(row.try_get("before_state")?),
                after: json(row.try_get("after_state")?),
            })
        })
        .collect()
}

/// Names of users by id (for explaining and listing grantees).
pub(super) async fn user_names(
    tx: &mut TenantTx,
    ids: &BTreeSet<String>,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = Sql::new("SELECT id, login FROM users WHERE tenant_id = ");
    query
        .bind(tx.tenant_param())
        .push(" AND id IN (")
        .bind_list(ids.iter().cloned())
        .push(")");
    let rows = query.fetch_all(tx.conn()).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("login")?)))
        .collect()
}

/// Every (role, user) direct membership.
/// The direct memberships of `users`.
pub(super) async fn direct_members_of(
    tx: &mut TenantTx,
    users: &[&str],
) -> Result<Vec<(RoleId, UserId)>, sqlx::Error> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let dialect = tx.dialect();
    let mut sql = Sql::new("SELECT role_id, user_id FROM role_members WHERE tenant_id = ");
    sql.bind(tx.tenant_param()).push(" AND user_id");
    sql.one_of(dialect, users);
    let rows = sql.fetch_all(tx.conn()).await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub(super) async fn direct_members(
    tx: &mut TenantTx,
) -> Result<Vec<(RoleId, UserId)>, sqlx::Error> {
    let tenant = tx.tenant_param();
    let rows = sqlx::query("SELECT role_id, user_id FROM role_members WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_all(tx.conn())
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
