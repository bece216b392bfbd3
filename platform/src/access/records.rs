//! Gate 3, record rights. A right is a row (record, grantee, level, source): the author's own
//! right, rights from default-rights rules written when the record is created, shares, and
//! rights granted by processes. Single records are checked with one indexed lookup; lists are
//! filtered in SQL through the grantee index, never loaded and discarded.

use serde::Serialize;

use super::{Actor, Level, model::AUTHOR_ORGANIZATION, storage};
use crate::{
    error::{Error, Result},
    records::{ObjectCode, RecordId},
    store::{Sql, TenantTx},
};

/// Where a record right comes from.
pub mod source {
    pub const AUTHOR: &str = "author";
    pub const SHARE: &str = "share";
    pub fn rule(id: &str) -> String {
        format!("rule:{id}")
    }
    pub fn process(name: &str) -> String {
        format!("process:{name}")
    }
}

/// Writes the rights a new record starts with: its author's, and those of every default-rights
/// rule whose author role the creator belongs to (at the time of creation).
pub async fn grant_on_create(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectCode,
    record: RecordId,
) -> Result<()> {
    let object = object.as_str();
    let record = record.to_string();
    storage::grant_record(
        tx,
        object,
        &record,
        &actor.user.to_string(),
        Level::Delete,
        source::AUTHOR,
    )
    .await?;
    for rule in actor.policy.rules(object) {
        if !actor.membership.roles.contains(&rule.author_role) {
            continue;
        }
        let grantee = if rule.grantee == AUTHOR_ORGANIZATION {
            match actor.organization {
                Some(org) => org.to_string(),
                None => continue,
            }
        } else {
            rule.grantee.clone()
        };
        storage::grant_record(
            tx,
            object,
            &record,
            &grantee,
            rule.level,
            &source::rule(&rule.id),
        )
        .await?;
    }
    Ok(())
}

/// The actor's highest level on a record, and the grantee and source it comes from.
pub async fn level(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectCode,
    record: RecordId,
) -> Result<Option<(Level, Option<(String, String)>)>> {
    if actor.is_admin() {
        return Ok(Some((Level::Delete, None)));
    }
    let rights = RecordRights::of(tx, object, record).await?;
    Ok(rights
        .0
        .into_iter()
        .filter(|(grantee, ..)| actor.membership.grantees.contains(grantee))
        .max_by_key(|(_, level, _)| *level)
        .map(|(grantee, level, source)| (level, Some((grantee, source)))))
}

/// Every right held on one record, read once to decide for many people (the followers told of
/// its news).
#[derive(Debug)]
pub struct RecordRights(Vec<(String, Level, String)>);

impl RecordRights {
    pub async fn of(tx: &mut TenantTx, object: &ObjectCode, record: RecordId) -> Result<Self> {
        let rights = storage::record_rights(tx, object.as_str(), &record.to_string()).await?;
        Ok(Self(rights))
    }

    /// Whether the actor holds `needed` on the record (gate 3).
    pub fn allow(&self, actor: &Actor, needed: Level) -> bool {
        actor.is_admin()
            || self.0.iter().any(|(grantee, level, _)| {
                *level >= needed && actor.membership.grantees.contains(grantee)
            })
    }
}

/// Requires `needed` on the record. A record the actor cannot even read does not exist for them.
pub async fn require(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectCode,
    record: RecordId,
    needed: Level,
) -> Result<()> {
    match level(tx, actor, object, record).await? {
        Some((held, _)) if held >= needed => Ok(()),
        Some(_) => Err(Error::Forbidden(crate::tr!(
            "access-may-not-record",
            level = needed.as_str()
        ))),
        None => Err(Error::NotFound("record")),
    }
}

/// Drops every right on a deleted record.
pub async fn forget(tx: &mut TenantTx, object: &ObjectCode, record: RecordId) -> Result<()> {
    Ok(storage::forget_record(tx, object.as_str(), &record.to_string()).await?)
}

/// Grants a right from a process (e.g. an approver may read and edit a request).
pub async fn grant_by_process(
    tx: &mut TenantTx,
    object: &ObjectCode,
    record: RecordId,
    grantee: &str,
    level: Level,
    process: &str,
) -> Result<()> {
    storage::grant_record(
        tx,
        object.as_str(),
        &record.to_string(),
        grantee,
        level,
        &source::process(process),
    )
    .await?;
    Ok(())
}

/// Shares a record with a role or user. The sharer needs edit rights and may not hand out more
/// than they hold.
pub async fn share(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectCode,
    record: RecordId,
    grantee: &str,
    level: Level,
) -> Result<()> {
    let held = self::level(tx, actor, object, record)
        .await?
        .map(|(l, _)| l);
    match held {
        None => return Err(Error::NotFound("record")),
        Some(held) if held < Level::Edit || held < level => {
            return Err(Error::Forbidden(crate::tr!("access-share-limit")));
        }
        Some(_) => {}
    }
    storage::grant_record(
        tx,
        object.as_str(),
        &record.to_string(),
        grantee,
        level,
        source::SHARE,
    )
    .await?;
    Ok(())
}

pub async fn unshare(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectCode,
    record: RecordId,
    grantee: &str,
) -> Result<()> {
    require(tx, actor, object, record, Level::Edit).await?;
    if !storage::revoke_record(
        tx,
        object.as_str(),
        &record.to_string(),
        grantee,
        source::SHARE,
    )
    .await?
    {
        return Err(Error::NotFound("share"));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordRight {
    pub grantee: String,
    pub name: String,
    pub level: Level,
    pub source: String,
}

/// Every right on a record, for people who may edit it.
pub async fn rights(
    tx: &mut TenantTx,
    actor: &Actor,
    object: &ObjectCode,
    record: RecordId,
) -> Result<Vec<RecordRight>> {
    require(tx, actor, object, record, Level::Edit).await?;
    let rights = storage::record_rights(tx, object.as_str(), &record.to_string()).await?;
    let users: std::collections::BTreeSet<String> =
        rights.iter().map(|(g, ..)| g.clone()).collect();
    let names: std::collections::HashMap<String, String> =
        storage::user_names(tx, &users).await?.into_iter().collect();
    Ok(rights
        .into_iter()
        .map(|(grantee, level, source)| RecordRight {
            name: actor
                .policy
                .grantee_name(&grantee, |k| names.get(k).cloned()),
            grantee,
            level,
            source,
        })
        .collect())
}

/// How a list query is restricted to the records the actor may read.
#[derive(Debug, Clone)]
pub enum Visibility {
    /// Administrators: every record.
    Everything,
    /// Records on which one of these grantees holds a right.
    Grantees(Vec<String>),
}

impl Visibility {
    pub fn of(actor: &Actor) -> Self {
        if actor.is_admin() {
            Self::Everything
        } else {
            Self::Grantees(actor.membership.grantees.iter().cloned().collect())
        }
    }

    /// Appends ` AND EXISTS (...)` restricting `r` (a `records` row) to visible records, one
    /// index probe per row: for statements that look at few rows (a page of search hits, the
    /// records a page refers to), where gathering everything the reader may see would cost more.
    pub fn push_probe(&self, sql: &mut Sql) {
        if let Self::Grantees(grantees) = self {
            sql.push(
                " AND EXISTS (SELECT 1 FROM record_access ra WHERE ra.tenant_id = r.tenant_id \
                 AND ra.object = r.object AND ra.record_id = r.id AND ra.grantee_id IN (",
            )
            .bind_list(grantees.iter().cloned())
            .push("))");
        }
    }

    /// Appends ` AND r.id IN (...)` restricting `r` (a `records` row) to visible records.
    pub fn push_condition(&self, sql: &mut Sql, tenant: i64, object: &str) {
        if let Self::Grantees(grantees) = self {
            sql.push(
                " AND r.id IN (SELECT ra.record_id FROM record_access ra WHERE ra.tenant_id = ",
            )
            .bind(tenant)
            .push(" AND ra.object = ")
            .push_name(object)
            .push(" AND ra.grantee_id IN (")
            .bind_list(grantees.iter().cloned())
            .push("))");
        }
    }
}

/// Takes back a right a process granted.
pub async fn revoke_by_process(
    tx: &mut TenantTx,
    object: &ObjectCode,
    record: RecordId,
    grantee: &str,
    process: &str,
) -> Result<()> {
    storage::revoke_record(
        tx,
        object.as_str(),
        &record.to_string(),
        grantee,
        &source::process(process),
    )
    .await?;
    Ok(())
}
