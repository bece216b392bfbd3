//! What the benchmarks set up alike: a tenant on the embedded database in a temporary folder,
//! and actors as its administrator looks them up.

// Each benchmark is its own crate and uses part of this.
#![allow(dead_code)]

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use portico::{
    access::{self, Actor},
    app::App,
    config::Config,
    store::Access,
    tenancy, users,
};

/// A migrated embedded database in a temporary folder (removed when this is dropped), with one
/// tenant and its administrator.
pub struct Embedded {
    pub app: Arc<App>,
    pub admin: Actor,
    dir: PathBuf,
}

impl Drop for Embedded {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn embedded(name: &str) -> anyhow::Result<Embedded> {
    embedded_with(name, &[]).await
}

/// [`embedded`] with more settings (`PORTICO_…` names and values).
pub async fn embedded_with(name: &str, more: &[(&str, &str)]) -> anyhow::Result<Embedded> {
    let dir = std::env::temp_dir().join(format!("portico-{name}-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut settings = std::collections::HashMap::from([
        (
            "PORTICO_DATABASE_URL",
            format!("sqlite://{}", dir.join("bench.db").display()),
        ),
        ("PORTICO_DATA_DIR", dir.display().to_string()),
    ]);
    settings.extend(more.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let config = Config::from_sources(None, |k| settings.get(k).cloned())?;
    let app = App::build(config).await?;
    app.db.migrate().await?;
    let slug = portico_tenants::Slug::parse("bench")?;
    let provisioned = tenancy::provision(&app, &slug, "Bench", "admin@bench.test").await?;
    let tenant = Arc::new(provisioned.tenant);
    let admin = {
        let mut tx = app.db.begin(tenant.id, Access::Read).await?;
        access::actor(&app, &mut tx, tenant.clone(), provisioned.admin.user).await?
    };
    Ok(Embedded { app, admin, dir })
}

/// The actor of `user`, as the administrator looks them up (with the current policy).
pub async fn actor_of(app: &Arc<App>, admin: &Actor, user: users::UserId) -> anyhow::Result<Actor> {
    let found = users::get(app, admin, user).await?.user;
    let mut tx = app.db.begin(admin.tenant.id, Access::Read).await?;
    Ok(access::actor(app, &mut tx, admin.tenant.clone(), found).await?)
}

/// Runs `work`, answering its time and how far resident memory rose above its level at the
/// start while it ran.
pub async fn watched<F, Fut, T>(work: F) -> anyhow::Result<(Duration, u64, T)>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    portico::allocator::give_back();
    let before = resident();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(resident(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let started = Instant::now();
    let outcome = work().await;
    let time = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    Ok((
        time,
        peak.load(Ordering::Relaxed).saturating_sub(before),
        outcome?,
    ))
}

/// The process's resident memory, in bytes (Linux).
pub fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// A database of its own on the local PostgreSQL (PORTICO_TEST_POSTGRES, default
/// postgres://postgres@127.0.0.1:5432/postgres), owned by the plain application role so that
/// row-level security applies; [`PgDatabase::remove`] drops it.
pub struct PgDatabase {
    pub name: String,
    /// The application role's URL of the database.
    pub url: String,
    admin: sqlx::PgConnection,
}

fn postgres_admin_url() -> String {
    std::env::var("PORTICO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Runs `run` on a database of its own, removed afterwards whatever the outcome.
pub async fn on_postgres(
    run: impl AsyncFnOnce(&PgDatabase) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let database = postgres_database().await?;
    let outcome = run(&database).await;
    database.remove().await?;
    outcome
}

async fn postgres_database() -> anyhow::Result<PgDatabase> {
    use sqlx::{Connection, Executor};
    let name = format!("portico_bench_{}", uuid::Uuid::new_v4().simple());
    let admin_url = postgres_admin_url();
    let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
    admin
        .execute(
            "DO $$ BEGIN CREATE ROLE portico_test_app LOGIN NOSUPERUSER NOBYPASSRLS;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        )
        .await?;
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {name} OWNER portico_test_app"
        )))
        .await?;
    let server = admin_url
        .split_once('@')
        .and_then(|(_, rest)| rest.split('/').next())
        .unwrap_or("127.0.0.1:5432")
        .to_owned();
    let url = format!("postgres://portico_test_app@{server}/{name}");
    Ok(PgDatabase { name, url, admin })
}

impl PgDatabase {
    /// Settings for an app on this database (its file store in a temporary folder), with more.
    pub fn config(&self, more: &[(&str, &str)]) -> anyhow::Result<Config> {
        let data_dir = std::env::temp_dir().join(&self.name);
        let mut settings = std::collections::HashMap::from([
            ("PORTICO_DATABASE_URL", self.url.clone()),
            ("PORTICO_DATA_DIR", data_dir.display().to_string()),
        ]);
        settings.extend(more.iter().map(|(k, v)| (*k, (*v).to_owned())));
        Ok(Config::from_sources(None, |k| settings.get(k).cloned())?)
    }

    pub async fn remove(mut self) -> anyhow::Result<()> {
        use sqlx::Executor;
        self.admin
            .execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE {} WITH (FORCE)",
                self.name
            )))
            .await?;
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(&self.name));
        Ok(())
    }
}
