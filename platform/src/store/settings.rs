//! A tenant's settings: small values by key (`configurations`, `number:case`, `section:CODE`),
//! each owned by the module that names it.

use super::TenantTx;

pub async fn get(tx: &mut TenantTx, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE tenant_id = $1 AND key = $2")
        .bind(tx.tenant_param())
        .bind(key)
        .fetch_optional(tx.conn())
        .await
}

pub async fn put(tx: &mut TenantTx, key: &str, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (tenant_id, key, value) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value",
    )
    .bind(tx.tenant_param())
    .bind(key)
    .bind(value)
    .execute(tx.conn())
    .await
    .map(drop)
}

pub async fn delete(tx: &mut TenantTx, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM settings WHERE tenant_id = $1 AND key = $2")
        .bind(tx.tenant_param())
        .bind(key)
        .execute(tx.conn())
        .await
        .map(drop)
}
