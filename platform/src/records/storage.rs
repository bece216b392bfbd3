//! SQL for the universal `records` table. Dialect differences (JSON in and out) come from the
//! store's [`Dialect`](crate::store::Dialect); identifiers in the SQL are constants, values bound.

use serde_json::{Map, Value};
use sqlx::{AssertSqlSafe, Row, any::AnyRow};

use super::{ObjectCode, Record, RecordId};
use crate::{
    store::{Dialect, Sql, TenantTx, Timestamp},
    users::UserId,
};

/// The columns [`from_row`] reads, with `r` as the `records` alias.
pub(super) fn select_columns(dialect: Dialect) -> String {
    columns_with_prefix(dialect, "r.")
}

/// The same columns unqualified, for `RETURNING` (SQLite allows no alias there).
fn returning_columns(dialect: Dialect) -> String {
    columns_with_prefix(dialect, "")
}

fn columns_with_prefix(dialect: Dialect, p: &str) -> String {
    format!(
        "{p}id, {p}object, {p}number, {p}owner_id, {p}organization_id, {p}created_by, {p}created_at, \
         {p}modified_by, {p}modified_at, {p}version, {} AS data",
        dialect.json_out(&format!("{p}data"))
    )
}

/// Runs a list query built by the list engine.
pub(super) async fn fetch(tx: &mut TenantTx, sql: Sql) -> Result<Vec<Record>, sqlx::Error> {
    sql.fetch_all(tx.conn())
        .await?
        .iter()
        .map(from_row)
        .collect()
}

fn from_row(row: &AnyRow) -> Result<Record, sqlx::Error> {
    let data: String = row.try_get("data")?;
    let data: Map<String, Value> =
        serde_json::from_str(&data).map_err(|e| sqlx::Error::Decode(e.into()))?;
    let object: String = row.try_get("object")?;
    Ok(Record {
        id: row.try_get("id")?,
        object: ObjectCode::from_db(object),
        number: row.try_get("number")?,
        version: row.try_get("version")?,
        data,
        owner: row.try_get("owner_id")?,
        organization: row.try_get("organization_id")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        modified_by: row.try_get("modified_by")?,
        modified_at: row.try_get("modified_at")?,
    })
}

/// The next value of a per-tenant counter; concurrent callers each get their own value (the
/// upsert takes a row lock on PostgreSQL; SQLite writers are serialised).
pub(super) async fn next_counter(tx: &mut TenantTx, name: &str) -> Result<i64, sqlx::Error> {
    let tenant = tx.tenant_param();
    sqlx::query_scalar(concat!(crate::count_up!(), " RETURNING value"))
        .bind(tenant)
        .bind(name)
        .fetch_one(tx.conn())
        .await
}

/// [`next_counter`] on PostgreSQL, counted in a transaction of its own sent as one message
/// (`Db::in_one_message`), so the counter's row is locked only while PostgreSQL counts. Its
/// commit does not wait for the disk: a value is used by a write that commits after it and
/// waits, which makes this one durable too (the log is written in order); a value whose write
/// never commits is a gap, as a database sequence leaves.
pub(super) async fn next_counter_alone(
    db: &crate::store::Db,
    tenant: portico_tenants::TenantId,
    name: &str,
) -> Result<i64, sqlx::Error> {
    // `count_up!`'s upsert with its values in the text: one message takes no parameters.
    let upsert = format!(
        "SET LOCAL synchronous_commit = off;
         INSERT INTO counters (tenant_id, name, value) VALUES ({}, '{}', 1)
         ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + 1
         RETURNING value",
        tenant.get(),
        name.replace('\'', "''")
    );
    db.in_one_message(tenant, &upsert).await
}

pub(super) struct NewRecord<'a> {
    pub object: &'a ObjectCode,
    pub number: String,
    pub data: &'a Map<String, Value>,
    pub author: UserId,
    pub organization: Option<String>,
    pub now: Timestamp,
}

pub(super) async fn insert(tx: &mut TenantTx, new: NewRecord<'_>) -> Result<Record, sqlx::Error> {
    let sql = format!(
        "INSERT INTO records (tenant_id, object, id, number, data, owner_id, organization_id,
                              created_by, created_at, modified_by, modified_at, version)
         VALUES ($1, $2, $3, $4, {}, $6, $8, $6, $7, $6, $7, 1)
         RETURNING {}",
        tx.dialect().json_in("$5"),
        returning_columns(tx.dialect())
    );
    let tenant = tx.tenant_param();
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(tenant)
        .bind(new.object.as_str())
        .bind(RecordId::new())
        .bind(new.number)
        .bind(Value::Object(new.data.clone()).to_string())
        .bind(new.author)
        .bind(new.now)
        .bind(new.organization)
        .fetch_one(tx.conn())
        .await?;
    from_row(&row)
}

pub(super) async fn find(
    tx: &mut TenantTx,
    object: &ObjectCode,
    id: RecordId,
) -> Result<Option<Record>, sqlx::Error> {
    let sql = format!(
        "SELECT {} FROM records r
         WHERE r.tenant_id = $1 AND r.object = $2 AND r.id = $3 AND r.deleted_at IS NULL",
        select_columns(tx.dialect())
    );
    let tenant = tx.tenant_param();
    sqlx::query(AssertSqlSafe(sql))
        .bind(tenant)
        .bind(object.as_str())
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(super) async fn exists(
    tx: &mut TenantTx,
    object: &ObjectCode,
    id: RecordId,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM records
         WHERE tenant_id = $1 AND object = $2 AND id = $3 AND deleted_at IS NULL",
    )
    .bind(tenant)
    .bind(object.as_str())
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    Ok(found.is_some())
}

/// Replaces a record's data if it is still at `version`; `None` if it is not (or is gone).
pub(super) async fn update(
    tx: &mut TenantTx,
    object: &ObjectCode,
    id: RecordId,
    version: i64,
    data: &Map<String, Value>,
    author: UserId,
    now: Timestamp,
) -> Result<Option<Record>, sqlx::Error> {
    let sql = format!(
        "UPDATE records SET data = {}, modified_by = $6, modified_at = $7, version = version + 1
         WHERE tenant_id = $1 AND object = $2 AND id = $3 AND version = $4 AND deleted_at IS NULL
         RETURNING {}",
        tx.dialect().json_in("$5"),
        returning_columns(tx.dialect())
    );
    let tenant = tx.tenant_param();
    sqlx::query(AssertSqlSafe(sql))
        .bind(tenant)
        .bind(object.as_str())
        .bind(id)
        .bind(version)
        .bind(Value::Object(data.clone()).to_string())
        .bind(author)
        .bind(now)
        .fetch_optional(tx.conn())
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Marks a record deleted; `false` if there was no live record.
pub(super) async fn soft_delete(
    tx: &mut TenantTx,
    object: &ObjectCode,
    id: RecordId,
    author: UserId,
    now: Timestamp,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query(
        "UPDATE records SET deleted_at = $5, modified_by = $4, modified_at = $5,
                            version = version + 1
         WHERE tenant_id = $1 AND object = $2 AND id = $3 AND deleted_at IS NULL",
    )
    .bind(tenant)
    .bind(object.as_str())
    .bind(id)
    .bind(author)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a record a new owner (the assignee of a case), as a change by `author`.
pub(super) async fn set_owner(
    tx: &mut TenantTx,
    object: &ObjectCode,
    id: RecordId,
    owner: UserId,
    author: UserId,
    now: Timestamp,
) -> Result<bool, sqlx::Error> {
    let tenant = tx.tenant_param();
    let done = sqlx::query(
        "UPDATE records SET owner_id = $4, modified_by = $5, modified_at = $6, version = version + 1
         WHERE tenant_id = $1 AND object = $2 AND id = $3 AND deleted_at IS NULL",
    )
    .bind(tenant)
    .bind(object.as_str())
    .bind(id)
    .bind(owner)
    .bind(author)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}
