//! Database access: one pool on SQLite or PostgreSQL (chosen once, from the URL), the migrations, and
//! tenant-scoped transactions. Services reach tenant data only through a [`TenantTx`], which sets
//! the row-level-security tenant on PostgreSQL; nothing here decides who may see what.

mod citus;
mod codec;
mod dialect;
pub mod settings;
mod sql;
mod versions;

pub use citus::Distribution;
pub use codec::Timestamp;
pub(crate) use codec::uuid_text_column;
pub use dialect::Dialect;
pub use sql::{Sql, like_pattern};
pub use versions::{Versioned, Versions};

use std::{
    cell::RefCell,
    future::Future,
    str::FromStr,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use portico_tenants::TenantId;
use sqlx::{
    AnyConnection, AnyPool, AssertSqlSafe, ConnectOptions, Connection, Executor, Transaction,
    any::{Any, AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};

static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");

/// The connection pool and the dialect it speaks. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite has one writer at a time. Writers of this process queue here, first come first
    /// served, before they take a connection: left to SQLite's busy handler, a waiting writer
    /// sleeps in growing steps while others keep taking the lock, and some wait for seconds.
    writers: Option<Arc<tokio::sync::Mutex<()>>>,
    /// How long a request waits for a pooled connection before it is told to come back later:
    /// short, so an outage or an overload answers 503 at once instead of piling requests up.
    acquire_timeout: Duration,
    /// How long one statement of a list may run (see [`TenantTx::bound_list_reads`]).
    list_timeout: Duration,
    /// Wakes this node's jobs worker when a transaction that queued work commits.
    jobs_queued: Arc<QueuedJobs>,
}

/// The tenants whose committed transactions queued jobs since the worker last looked, and the
/// bell that wakes it.
#[derive(Debug, Default)]
struct QueuedJobs {
    tenants: std::sync::Mutex<std::collections::BTreeSet<TenantId>>,
    bell: tokio::sync::Notify,
}

impl QueuedJobs {
    fn ring(&self, tenant: TenantId) {
        self.tenants
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(tenant);
        self.bell.notify_one();
    }
}

/// How long start-up (connecting, migrating) waits for the database.
const STARTUP_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);
/// A pooled connection idle longer than this is pinged before a request gets it.
const IDLE_CHECK: Duration = Duration::from_secs(10);
/// How long a readiness check waits for the database's answer.
const PING_TIMEOUT: Duration = Duration::from_millis(500);

/// Whether a transaction will write. SQLite needs to know up front: a reader that later writes can
/// fail with "database is locked" under concurrency, so writers take the write lock at `BEGIN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Db {
    /// The tenants whose transactions queued jobs, once one did (since the last call).
    pub async fn jobs_queued(&self) -> Vec<TenantId> {
        self.jobs_queued.bell.notified().await;
        let mut tenants = self
            .jobs_queued
            .tenants
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *tenants).into_iter().collect()
    }

    /// Connects to `url` (`sqlite://path` or `postgres://...`). A SQLite file and its directory are
    /// created when missing. Requests wait at most `acquire_timeout` for a connection.
    pub async fn connect(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
        list_timeout: Duration,
    ) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url)?;
        let url = match dialect {
            Dialect::Sqlite => prepare_sqlite_file(url)?,
            Dialect::Postgres => url.to_owned(),
        };
        // The server's statements are reported at TRACE, below sqlx's DEBUG: a debug log stays
        // readable, and the test suite tells them from its own probes (tests/e2e/statement_log.rs).
        let options = AnyConnectOptions::from_str(&url)
            .context("invalid database URL")?
            .log_statements(log::LevelFilter::Trace);
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(STARTUP_ACQUIRE_TIMEOUT)
            // A ping on every checkout is a round trip per transaction: only a connection that
            // sat idle for a while (the server may have closed it) is checked first.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_CHECK {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    match dialect {
                        Dialect::Sqlite => {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                        }
                        // Statements are prepared once per connection and planned once: planning
                        // costs more than running them (a millisecond with row-level security,
                        // against tens of microseconds), and left to choose, PostgreSQL kept
                        // planning each run. Those whose best plan depends on the tenant's data
                        // are planned for their parameters (`Sql::planned_each_time`). The mode
                        // is kept in `portico.plan_cache_mode` too, to return to.
                        //
                        // On Citus: PostgreSQL is left to choose (Citus cannot plan some
                        // distributed statements without their parameters and has them planned
                        // for each run itself), and a transaction's `SET LOCAL`s are passed on to
                        // the workers, where the shards' policies read the tenant.
                        Dialect::Postgres => {
                            let citus: bool = sqlx::query_scalar(
                                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')",
                            )
                            .fetch_one(&mut *conn)
                            .await?;
                            conn.execute(if citus {
                                "SET plan_cache_mode = auto; SET portico.plan_cache_mode = auto;
                                 SET citus.propagate_set_commands = local"
                            } else {
                                "SET plan_cache_mode = force_generic_plan;
                                 SET portico.plan_cache_mode = force_generic_plan"
                            })
                            .await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot connect to the {} database", dialect.name()))?;
        Ok(Self {
            pool,
            dialect,
            writers: (dialect == Dialect::Sqlite).then(Arc::default),
            acquire_timeout,
            list_timeout,
            jobs_queued: Arc::default(),
        })
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.dialect {
            Dialect::Sqlite => &SQLITE_MIGRATIONS,
            Dialect::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .context("database migration failed")
    }

    /// Checks that the database answers (readiness), at once: a database that does not answer
    /// within half a second is as good as down.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        tokio::time::timeout(PING_TIMEOUT, self.pool.execute("SELECT 1"))
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map(drop)
    }

    /// Waits for `acquiring` no longer than a request may wait for a connection.
    async fn within_acquire_timeout<T>(
        &self,
        acquiring: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        tokio::time::timeout(self.acquire_timeout, acquiring)
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
    }

    /// On PostgreSQL, whether the connected role skips row-level security (superuser or
    /// BYPASSRLS). The server warns about it at start-up.
    pub async fn bypasses_row_security(&self) -> Result<bool, sqlx::Error> {
        if self.dialect != Dialect::Postgres {
            return Ok(false);
        }
        let bypass: bool = sqlx::query_scalar(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(bypass)
    }

    /// A connection for the few global tables (the tenant registry).
    pub async fn global(&self) -> Result<sqlx::pool::PoolConnection<Any>, sqlx::Error> {
        end_carried().await;
        self.within_acquire_timeout(self.pool.acquire()).await
    }

    /// Opens a transaction confined to `tenant`: on PostgreSQL, row-level security then hides every
    /// other tenant's rows even from a query that forgot its `tenant_id` filter. A read is served
    /// by the request's reading transaction, if it has one for this tenant (see
    /// [`TenantTx::finish_reading`]); anything else ends that one first.
    pub async fn begin(&self, tenant: TenantId, access: Access) -> Result<TenantTx, sqlx::Error> {
        if let Some(carried) = take_carried() {
            if access == Access::Read && carried.tenant == tenant {
                return Ok(carried);
            }
            carried.end().await;
        }
        let (tx, turn) = self.begin_raw(access, Some(tenant)).await?;
        Ok(TenantTx {
            tx,
            _turn: turn,
            tenant,
            access,
            dialect: self.dialect,
            list_timeout: Some(self.list_timeout),
            queued: false,
            wake: self.jobs_queued.clone(),
        })
    }

    /// Opens a writing transaction on the global tables, which may then [`GlobalTx::enter`] a
    /// tenant (provisioning creates the tenant and its first user atomically).
    pub async fn begin_global(&self) -> Result<GlobalTx, sqlx::Error> {
        end_carried().await;
        let (tx, turn) = self.begin_raw(Access::Write, None).await?;
        Ok(GlobalTx {
            tx,
            turn,
            dialect: self.dialect,
            wake: self.jobs_queued.clone(),
        })
    }

    /// A transaction, and for a SQLite writer its turn, both within the acquire timeout. On
    /// PostgreSQL the transaction is confined to `tenant` in the same round trip as its `BEGIN`.
    async fn begin_raw(
        &self,
        access: Access,
        tenant: Option<TenantId>,
    ) -> Result<(Transaction<'static, Any>, Option<WriterTurn>), sqlx::Error> {
        self.within_acquire_timeout(async {
            match (self.dialect, &self.writers, access, tenant) {
                (Dialect::Sqlite, Some(writers), Access::Write, _) => {
                    let turn = writers.clone().lock_owned().await;
                    let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                    Ok((tx, Some(turn)))
                }
                (Dialect::Postgres, _, _, Some(tenant)) => {
                    let begin = format!("BEGIN; {}", TenantTx::confine(tenant));
                    Ok((self.pool.begin_with(AssertSqlSafe(begin)).await?, None))
                }
                _ => Ok((self.pool.begin().await?, None)),
            }
        })
        .await
    }

    /// On PostgreSQL, runs `statement` (its values written into its text) for `tenant` in a
    /// transaction of its own, sent with its `BEGIN` and `COMMIT` as one message, and returns the
    /// first column of the row it answers: a row it locks is locked only while PostgreSQL runs
    /// the message, never across a round trip to this server.
    pub async fn in_one_message(
        &self,
        tenant: TenantId,
        statement: &str,
    ) -> Result<i64, sqlx::Error> {
        end_carried().await;
        let mut conn = self.within_acquire_timeout(self.pool.acquire()).await?;
        let message = format!("BEGIN; {}; {statement}; COMMIT", TenantTx::confine(tenant));
        // Run to the end even if the request is dropped meanwhile: a failed message leaves its
        // transaction open and aborted, and the connection must not go back to the pool so.
        let run = tokio::spawn(async move {
            match sqlx::raw_sql(AssertSqlSafe(message))
                .fetch_all(&mut *conn)
                .await
            {
                Ok(rows) => rows
                    .first()
                    .ok_or(sqlx::Error::RowNotFound)
                    .and_then(|row| sqlx::Row::try_get(row, 0)),
                Err(error) => {
                    if conn.execute("ROLLBACK").await.is_err() {
                        conn.close_on_drop();
                    }
                    Err(error)
                }
            }
        });
        run.await
            .map_err(|e| sqlx::Error::Protocol(format!("the statement's task stopped: {e}")))?
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A SQLite writer's place at the front of the queue, held until its transaction ends.
type WriterTurn = tokio::sync::OwnedMutexGuard<()>;

/// A transaction bound to one tenant. Queries still filter by `tenant_id` (SQLite has no RLS, and
/// the filter lets indexes work); on PostgreSQL the policy is the second lock on the door.
#[derive(Debug)]
pub struct TenantTx {
    tx: Transaction<'static, Any>,
    /// Declared after `tx`, so a dropped transaction rolls back before the next writer starts.
    _turn: Option<WriterTurn>,
    tenant: TenantId,
    access: Access,
    dialect: Dialect,
    /// The bound [`TenantTx::bound_list_reads`] sets, until it has set it (none: unbounded).
    list_timeout: Option<Duration>,
    /// Whether the transaction queued jobs: its commit then wakes the worker.
    queued: bool,
    wake: Arc<QueuedJobs>,
}

impl TenantTx {
    /// Marks that this transaction queued jobs, for its commit to wake the worker.
    pub fn queued_jobs(&mut self) {
        self.queued = true;
    }

    /// The statement that confines a PostgreSQL transaction to `tenant` (its id is a number, so
    /// it is written into the text; row-level security policies read the setting). `SET LOCAL`
    /// rather than `set_config`: on a distributed database the shards' policies are checked on
    /// the workers, and Citus passes them a `SET LOCAL` (as each connection asks), never a
    /// function call.
    fn confine(tenant: TenantId) -> String {
        format!("SET LOCAL portico.tenant_id = '{}'", tenant.get())
    }

    pub fn tenant(&self) -> TenantId {
        self.tenant
    }

    /// The tenant id as bound in queries.
    pub fn tenant_param(&self) -> i64 {
        self.tenant.get()
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Bounds each further statement of this transaction to the list timeout, so that one
    /// list (a search through a million records, a folder of many conditions) cannot hold a
    /// connection and a core of the database for long: PostgreSQL cancels the statement, and
    /// the reader is asked to narrow the list ([`crate::Error`] from a cancelled statement).
    /// Set once per transaction, with `SET LOCAL`, so it ends with it. SQLite has no such bound
    /// (sqlx offers none there); it serves the demo and small installations.
    pub async fn bound_list_reads(&mut self) -> Result<(), sqlx::Error> {
        if self.dialect == Dialect::Postgres
            && let Some(limit) = self.list_timeout.take()
        {
            let statement = format!("SET LOCAL statement_timeout = {}", limit.as_millis());
            self.tx.execute(AssertSqlSafe(statement)).await?;
        }
        Ok(())
    }

    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let (queued, wake, tenant) = (self.queued, self.wake, self.tenant);
        self.tx.commit().await?;
        if queued {
            wake.ring(tenant);
        }
        Ok(())
    }

    /// Ends a reading transaction. While a request is [`carrying`] one, it is kept open instead
    /// for the request's next read of the same tenant: the page reads in the transaction its
    /// session was found in, and all of its reads share one, two round trips fewer on
    /// PostgreSQL for each (a `COMMIT` and the next `BEGIN`). Only on success: a transaction an
    /// error left behind is dropped, never reused.
    pub async fn finish_reading(self) -> Result<(), sqlx::Error> {
        if self.access == Access::Read && CARRIED.try_with(|_| ()).is_ok() {
            let parked = Parked {
                tx: self,
                since: Instant::now(),
            };
            if let Some(earlier) = CARRIED.with(|slot| slot.replace(Some(parked))) {
                earlier.tx.end().await;
            }
            return Ok(());
        }
        self.commit().await
    }

    /// Ends a transaction that wrote nothing. The rollback is awaited, so the connection goes
    /// back to the pool at once rather than with a rollback still to send.
    async fn end(self) {
        if let Err(error) = self.tx.rollback().await {
            tracing::debug!(%error, "ending a carried transaction");
        }
    }
}

/// A request's reading transaction between two reads, and since when.
#[derive(Debug)]
struct Parked {
    tx: TenantTx,
    since: Instant,
}

tokio::task_local! {
    /// The reading transaction of a [`carrying`] request, between its reads.
    static CARRIED: RefCell<Option<Parked>>;
}

/// How long a request's reading transaction may wait for its next read. A handler busy with
/// something else (another server's answer, a section's hook) must not hold a pooled connection
/// meanwhile.
const CARRY_LIMIT: Duration = Duration::from_millis(20);

/// Runs `request` (its authentication, then its handler) so that its reads share one
/// transaction (see [`TenantTx::finish_reading`]). The transaction is ended when it has waited
/// [`CARRY_LIMIT`] for a read (checked as often), and when the request is done. Only for
/// requests without a body: reading a body may take a slow client's time.
pub async fn carrying<F: Future>(request: F) -> F::Output {
    CARRIED
        .scope(RefCell::new(None), async {
            let mut request = std::pin::pin!(request);
            let output = loop {
                tokio::select! {
                    biased;
                    output = &mut request => break output,
                    () = tokio::time::sleep(CARRY_LIMIT) => {
                        let idle = CARRIED.with(|slot| {
                            slot.borrow().as_ref().is_some_and(|p| p.since.elapsed() >= CARRY_LIMIT)
                        });
                        if idle {
                            end_carried().await;
                        }
                    }
                }
            };
            // Dropped, not awaited: the answer need not wait for the rollback, which sqlx sends
            // as it takes the connection back.
            drop(take_carried());
            output
        })
        .await
}

/// Gives the request's reading transaction back now: its reads are done (its page is being
/// rendered), and its connection should not wait for the rendering.
pub fn reads_done() {
    drop(take_carried());
}

fn take_carried() -> Option<TenantTx> {
    CARRIED
        .try_with(|slot| slot.borrow_mut().take())
        .ok()
        .flatten()
        .map(|parked| parked.tx)
}

/// Ends the carried transaction, if any, before the request takes another connection: a request
/// never holds one pooled connection while it waits for a second.
async fn end_carried() {
    if let Some(carried) = take_carried() {
        carried.end().await;
    }
}

/// A transaction on the global tables (the tenant registry).
#[derive(Debug)]
pub struct GlobalTx {
    tx: Transaction<'static, Any>,
    turn: Option<WriterTurn>,
    dialect: Dialect,
    wake: Arc<QueuedJobs>,
}

impl GlobalTx {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Continues the same transaction confined to `tenant`.
    pub async fn enter(mut self, tenant: TenantId) -> Result<TenantTx, sqlx::Error> {
        if self.dialect == Dialect::Postgres {
            self.tx
                .execute(AssertSqlSafe(TenantTx::confine(tenant)))
                .await?;
        }
        Ok(TenantTx {
            tx: self.tx,
            _turn: self.turn,
            tenant,
            access: Access::Write,
            dialect: self.dialect,
            // Provisioning reads no lists.
            list_timeout: None,
            queued: false,
            wake: self.wake,
        })
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

/// Makes sure a SQLite URL creates its file, and that the file's directory exists.
fn prepare_sqlite_file(url: &str) -> anyhow::Result<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .context("not a sqlite URL")?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create database directory {}", dir.display()))?;
    }
    let query = if query.split('&').any(|p| p.starts_with("mode=")) {
        query.to_owned()
    } else if query.is_empty() {
        "mode=rwc".to_owned()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_their_file_and_directory() {
        let dir = std::env::temp_dir().join(format!("portico-{}", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}/x.db", dir.display());
        assert_eq!(
            prepare_sqlite_file(&url).unwrap(),
            format!("{url}?mode=rwc")
        );
        assert!(dir.is_dir());
        std::fs::remove_dir(dir).unwrap();
        assert_eq!(
            prepare_sqlite_file("sqlite:x.db?mode=ro").unwrap(),
            "sqlite://x.db?mode=ro"
        );
    }
}
