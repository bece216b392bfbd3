//! `portico migrate --distribute`: on PostgreSQL with the Citus extension, spreads the tenants'
//! data over the workers by `tenant_id`. Every tenant table becomes a distributed table, all of
//! them co-located (one tenant's rows of every table on one shard group, so its joins and
//! foreign keys stay on one worker); the global tables become reference tables (a copy on every
//! node). All in one transaction; running it again distributes only what is new.

use std::collections::BTreeSet;

use anyhow::{Context, bail};
use sqlx::{AnyConnection, AssertSqlSafe, Connection};

use super::{Db, Dialect};

/// Global tables that tenant tables point to (or that workers need beside them): a copy on every
/// node. The migrations' own table stays on the coordinator, where migrations run.
const REFERENCE_TABLES: [&str; 2] = ["tenants", "stripe_events"];

/// The column every tenant table is distributed by.
const DISTRIBUTION_COLUMN: &str = "tenant_id";

/// What one run did.
#[derive(Debug, Default)]
pub struct Distribution {
    pub citus_version: String,
    pub workers: i64,
    pub reference: Vec<String>,
    pub distributed: Vec<String>,
    /// Tables that were distributed or reference tables already.
    pub unchanged: usize,
}

impl Db {
    /// Makes the tenant tables distributed and the global ones reference tables; refuses, changing
    /// nothing, on SQLite or on a PostgreSQL database without the `citus` extension.
    pub async fn distribute(&self) -> anyhow::Result<Distribution> {
        if self.dialect != Dialect::Postgres {
            bail!(
                "--distribute needs PostgreSQL with the Citus extension; this database is {}",
                self.dialect.name()
            );
        }
        let mut conn = self.pool.acquire().await?;
        let conn: &mut AnyConnection = &mut conn;
        let Some(citus_version) = sqlx::query_scalar::<_, String>(
            "SELECT extversion FROM pg_extension WHERE extname = 'citus'",
        )
        .fetch_optional(&mut *conn)
        .await?
        else {
            bail!(
                "this database has no citus extension, so nothing was distributed. Install Citus on \
                 the coordinator and every worker (shared_preload_libraries = 'citus'), run CREATE \
                 EXTENSION citus in this database, add the workers with citus_add_node, then run \
                 this again"
            );
        };
        let workers: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_dist_node WHERE groupid <> 0 AND isactive AND noderole = 'primary'",
        )
        .fetch_one(&mut *conn)
        .await?;
        // Distributed and reference tables; Citus also lists the local tables it manages by
        // itself (those with a foreign key to a reference table), which are still to distribute.
        let done: BTreeSet<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid
             WHERE p.partmethod = 'h' OR p.repmodel = 't'",
        )
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .collect();
        let mut distribution = Distribution {
            citus_version,
            workers,
            ..Distribution::default()
        };

        let mut tx = conn.begin().await?;
        // Tables with rows are copied to their shards; with foreign keys to reference tables in
        // the same transaction, Citus needs that done over one connection per worker.
        sqlx::query("SET LOCAL citus.multi_shard_modify_mode = 'sequential'")
            .execute(&mut *tx)
            .await?;
        for table in REFERENCE_TABLES {
            if done.contains(table) {
                distribution.unchanged += 1;
                continue;
            }
            sqlx::query("SELECT create_reference_table($1::regclass)")
                .bind(table)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("making {table} a reference table"))?;
            distribution.reference.push(table.to_owned());
        }

        // Citus takes no foreign key between a local table and a distributed one, so no order of
        // distributing tables that point to each other works: their keys are dropped, every
        // table distributed, and the keys made again (now between co-located shards), all in
        // one transaction.
        let (already, tables): (Vec<String>, Vec<String>) = tenant_tables(&mut tx)
            .await?
            .into_iter()
            .partition(|table| done.contains(table));
        distribution.unchanged += already.len();
        // Keys to the reference tables are allowed as they are.
        let keys: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT t.relname::text, c.conname::text, pg_get_constraintdef(c.oid), r.relname::text
             FROM pg_constraint c
             JOIN pg_class t ON t.oid = c.conrelid
             JOIN pg_class r ON r.oid = c.confrelid
             WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .filter(|(table, _, _, to): &(String, String, String, String)| {
            tables.contains(table) && !REFERENCE_TABLES.contains(&to.as_str())
        })
        .map(|(table, name, definition, _)| (table, name, definition))
        .collect();
        for (table, name, _) in &keys {
            alter(&mut tx, table, &format!("DROP CONSTRAINT {}", quoted(name))).await?;
        }
        // Citus copies a table's rows to its shards with COPY, which forced row-level security
        // refuses even to the table's owner: forced again once the table is distributed.
        let forced: BTreeSet<String> = sqlx::query_scalar(
            "SELECT relname::text FROM pg_class
             WHERE relforcerowsecurity AND relnamespace = current_schema()::regnamespace",
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .filter(|table| tables.contains(table))
        .collect();
        for table in &forced {
            alter(&mut tx, table, "NO FORCE ROW LEVEL SECURITY").await?;
        }
        let mut colocate_with = done
            .iter()
            .find(|table| !REFERENCE_TABLES.contains(&table.as_str()))
            .cloned();
        for table in tables {
            sqlx::query("SELECT create_distributed_table($1::regclass, $2, colocate_with => $3)")
                .bind(&table)
                .bind(DISTRIBUTION_COLUMN)
                .bind(colocate_with.as_deref().unwrap_or("default"))
                .execute(&mut *tx)
                .await
                .with_context(|| format!("distributing {table} by {DISTRIBUTION_COLUMN}"))?;
            colocate_with.get_or_insert_with(|| table.clone());
            distribution.distributed.push(table);
        }
        for table in &forced {
            alter(&mut tx, table, "FORCE ROW LEVEL SECURITY").await?;
        }
        for (table, name, definition) in &keys {
            alter(
                &mut tx,
                table,
                &format!("ADD CONSTRAINT {} {definition}", quoted(name)),
            )
            .await?;
        }
        // The rows copied to the shards stay behind in the coordinator's tables, unseen: gone.
        for table in distribution
            .reference
            .iter()
            .chain(&distribution.distributed)
        {
            sqlx::query("SELECT truncate_local_data_after_distributing_table($1::regclass)")
                .bind(table)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("removing the coordinator's copy of {table}"))?;
        }
        tx.commit().await?;
        Ok(distribution)
    }
}

/// The tenant tables: those with a `tenant_id` column, the global ones aside.
async fn tenant_tables(conn: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar::<_, String>(
        "SELECT c.relname::text FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $1 AND NOT a.attisdropped
         WHERE c.relkind IN ('r', 'p') ORDER BY c.relname",
    )
    .bind(DISTRIBUTION_COLUMN)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .filter(|table| !REFERENCE_TABLES.contains(&table.as_str()))
    .collect())
}

/// `ALTER TABLE table change` (`change` made of catalog names and definitions only).
async fn alter(conn: &mut AnyConnection, table: &str, change: &str) -> anyhow::Result<()> {
    let statement = format!("ALTER TABLE {} {change}", quoted(table));
    sqlx::query(AssertSqlSafe(statement.clone()))
        .execute(&mut *conn)
        .await
        .with_context(|| statement)?;
    Ok(())
}

/// `name` as a PostgreSQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
