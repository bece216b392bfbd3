//! The PostgreSQL schema stays distributable by tenant (Citus, with `tenant_id` as the
//! distribution column; DESIGN.md section 3), read from the catalog of a freshly migrated
//! database: each rule names every table or constraint that breaks it.

use std::process::Command;

use sqlx::{AnyConnection, Connection};

use crate::harness::{Backend, TestDatabase};

/// The tables that are not a tenant's: small, global, reference tables under Citus. A new one
/// belongs here only on purpose.
const GLOBAL: [&str; 3] = ["_sqlx_migrations", "stripe_events", "tenants"];

/// Names of what `sql` finds (one text column), sorted.
async fn found(conn: &mut AnyConnection, sql: &str) -> Vec<String> {
    let mut names: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_all(conn)
        .await
        .unwrap();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tenant_table_can_be_distributed_by_tenant() {
    let (database, url) = TestDatabase::create(Backend::Postgres).await;
    let migrated = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("migrate")
        .env("PORTICO_DATABASE_URL", &url)
        .env("PORTICO_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let mut conn = AnyConnection::connect(&database.inspection_url(&url))
        .await
        .unwrap();
    let global = GLOBAL.map(|t| format!("'{t}'")).join(", ");
    // The tenant tables: every table of the schema but the global ones.
    let tenant_tables = format!(
        "SELECT c.oid FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
           AND c.relkind IN ('r', 'p') AND c.relname NOT IN ({global})"
    );
    let tenant_id = |rel: &str| {
        format!(
            "(SELECT attnum FROM pg_attribute WHERE attrelid = {rel} AND attname = 'tenant_id')"
        )
    };

    let tables = found(
        &mut conn,
        &format!("SELECT c.relname::text FROM pg_class c WHERE c.oid IN ({tenant_tables})"),
    )
    .await;
    assert!(
        tables.len() > 40,
        "the tenant tables were not found: {tables:?}"
    );

    // The distribution column: on every tenant table, never NULL.
    let without = found(&mut conn, &format!(
        "SELECT c.relname::text FROM pg_class c WHERE c.oid IN ({tenant_tables})
           AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnotnull)"
    )).await;
    assert!(
        without.is_empty(),
        "tables without a NOT NULL tenant_id: {without:?}"
    );

    // Citus enforces a primary key or unique constraint only when it holds the distribution
    // column; the same for unique indexes.
    let unique = found(
        &mut conn,
        &format!(
        "SELECT x.indrelid::regclass::text || '.' || x.indexrelid::regclass::text FROM pg_index x
          WHERE x.indrelid IN ({tenant_tables}) AND x.indisunique
            AND NOT {} = ANY(x.indkey)",
        tenant_id("x.indrelid")
    ),
    )
    .await;
    assert!(
        unique.is_empty(),
        "keys and unique indexes without tenant_id: {unique:?}"
    );

    // A foreign key between tenant tables must join on tenant_id too (co-located shards); one
    // to a global table is allowed (a reference table).
    let foreign = found(&mut conn, &format!(
        "SELECT f.conrelid::regclass::text || '.' || f.conname FROM pg_constraint f
          WHERE f.contype = 'f' AND f.conrelid IN ({tenant_tables}) AND f.confrelid IN ({tenant_tables})
            AND NOT ({} = ANY(f.conkey) AND {} = ANY(f.confkey)
                     AND array_position(f.conkey, {}) = array_position(f.confkey, {}))",
        tenant_id("f.conrelid"),
        tenant_id("f.confrelid"),
        tenant_id("f.conrelid"),
        tenant_id("f.confrelid")
    )).await;
    assert!(
        foreign.is_empty(),
        "foreign keys that do not join on tenant_id: {foreign:?}"
    );
    let to_tenants = found(&mut conn, &format!(
        "SELECT f.conrelid::regclass::text || '.' || f.conname FROM pg_constraint f
          WHERE f.contype = 'f' AND f.conrelid IN (SELECT oid FROM pg_class WHERE relname IN ({global}))
            AND f.confrelid IN ({tenant_tables})"
    )).await;
    assert!(
        to_tenants.is_empty(),
        "global tables that point into tenants' data: {to_tenants:?}"
    );

    // Row-level security on every tenant table, forced on its owner too.
    let unguarded = found(
        &mut conn,
        &format!(
            "SELECT c.relname::text FROM pg_class c WHERE c.oid IN ({tenant_tables})
           AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
        ),
    )
    .await;
    assert!(
        unguarded.is_empty(),
        "tenant tables without forced row-level security: {unguarded:?}"
    );
}
