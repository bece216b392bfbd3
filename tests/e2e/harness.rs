//! Test harness: each test gets its own database (a fresh SQLite file, or a fresh PostgreSQL
//! database owned by an ordinary role, so row-level security applies) and a real server on an
//! ephemeral port. Browsers are reqwest clients with their own cookie jar that resolve
//! `*.localhost` to the server, so tenant subdomains and host-only cookies behave as in a browser.

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, LazyLock},
};

use portico::{
    app::{self, App},
    clock::ManualClock,
    config::Config,
    tenancy,
};
use portico_tenants::Slug;
use reqwest::{Client, Response, StatusCode, cookie::Jar, dns::Resolve, header};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use tokio::{net::TcpListener, sync::oneshot};

/// Runs a scenario once on SQLite and once on PostgreSQL.
macro_rules! on_both_databases {
    ($(#[$meta:meta])* async fn $name:ident($app:ident: $ty:ty) $body:block) => {
        $(#[$meta])*
        mod $name {
            use super::*;

            async fn scenario($app: $ty) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                scenario($crate::harness::TestApp::spawn($crate::harness::Backend::Sqlite).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                scenario($crate::harness::TestApp::spawn($crate::harness::Backend::Postgres).await).await
            }
        }
    };
}
pub(crate) use on_both_databases;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests use, as a superuser who may create roles and databases.
fn postgres_admin_url() -> String {
    std::env::var("PORTICO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// When the suite runs against a Citus coordinator (PORTICO_TEST_POSTGRES), its workers as
/// `host:port,...` (PORTICO_TEST_CITUS_WORKERS), reached as the same superuser: each test's
/// database is made on every node, with Citus and the workers, and distributed after migrating.
fn citus_workers() -> Vec<String> {
    std::env::var("PORTICO_TEST_CITUS_WORKERS")
        .map(|workers| {
            workers
                .split(',')
                .filter(|w| !w.trim().is_empty())
                .map(|w| w.trim().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub fn on_citus() -> bool {
    !citus_workers().is_empty()
}

/// Gives a new database Citus on the coordinator and every worker, and tells the coordinator
/// of the workers (a database's node list starts empty).
async fn add_citus(name: &str) {
    let admin = postgres_admin_url();
    let (coordinator, _) = admin.rsplit_once('/').expect("database in the admin URL");
    let (user, host) = coordinator.rsplit_once('@').expect("user in the admin URL");
    let mut nodes = vec![host.to_owned()];
    nodes.extend(citus_workers());
    for node in &nodes {
        let mut conn = PgConnection::connect(&format!("{user}@{node}/{name}"))
            .await
            .unwrap_or_else(|e| panic!("Citus node {node}: {e}"));
        conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
            .await
            .unwrap_or_else(|e| panic!("Citus on {node}: {e}"));
    }
    let mut conn = PgConnection::connect(&format!("{coordinator}/{name}"))
        .await
        .unwrap();
    for (i, node) in nodes.iter().enumerate() {
        let (host, port) = node.rsplit_once(':').expect("host:port");
        let add = if i == 0 {
            "SELECT citus_set_coordinator_host($1, $2)"
        } else {
            "SELECT citus_add_node($1, $2)"
        };
        sqlx::query(add)
            .bind(host)
            .bind(port.parse::<i32>().unwrap())
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("adding {node}: {e}"));
    }
}

/// The ordinary role the server connects as in tests: not a superuser, no BYPASSRLS.
pub const APP_ROLE: &str = "portico_test_app";

static ROLE_READY: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

async fn admin_connection() -> PgConnection {
    PgConnection::connect(&postgres_admin_url())
        .await
        .expect("PostgreSQL must be reachable (set PORTICO_TEST_POSTGRES)")
}

async fn ensure_app_role() {
    ROLE_READY
        .get_or_init(|| async {
            let mut admin = admin_connection().await;
            admin
                .execute(
                    "DO $$ BEGIN
                       CREATE ROLE portico_test_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
                     EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                     END $$",
                )
                .await
                .expect("create the application role");
        })
        .await;
}

/// Where a test's database lives, removed when the test ends.
pub enum TestDatabase {
    Sqlite { dir: PathBuf },
    Postgres { name: String },
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> (Self, String) {
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("portico-test-{id}"));
                let url = format!("sqlite://{}/portico.db", dir.display());
                (Self::Sqlite { dir }, url)
            }
            Backend::Postgres => {
                ensure_app_role().await;
                let name = format!("portico_test_{id}");
                let mut admin = admin_connection().await;
                if on_citus() {
                    admin
                        .execute("SET citus.enable_create_database_propagation = on")
                        .await
                        .unwrap();
                }
                admin
                    .execute(sqlx::AssertSqlSafe(format!(
                        "CREATE DATABASE {name} OWNER {APP_ROLE}"
                    )))
                    .await
                    .expect("create test database");
                if on_citus() {
                    add_citus(&name).await;
                }
                let base = postgres_admin_url();
                let server = base
                    .split_once("://")
                    .and_then(|(_, rest)| rest.split_once('@'))
                    .map(|(_, host)| host.split('/').next().unwrap_or("127.0.0.1:5432"))
                    .unwrap_or("127.0.0.1:5432")
                    .to_owned();
                let url = format!("postgres://{APP_ROLE}@{server}/{name}");
                (Self::Postgres { name }, url)
            }
        }
    }
}

impl TestDatabase {
    /// A URL that sees every tenant's rows (PostgreSQL: the superuser), for checking state.
    pub fn inspection_url(&self, url: &str) -> String {
        match self {
            Self::Sqlite { .. } => url.to_owned(),
            Self::Postgres { name } => {
                let admin = postgres_admin_url();
                let (server, _) = admin.rsplit_once('/').expect("database in the admin URL");
                format!("{server}/{name}")
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self {
            Self::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Self::Postgres { name } => {
                let name = name.clone();
                // Drop runs outside async context; a short-lived runtime on its own thread.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime.block_on(async {
                        let mut admin = admin_connection().await;
                        if on_citus() {
                            admin
                                .execute("SET citus.enable_create_database_propagation = on")
                                .await?;
                        }
                        admin
                            .execute(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            )))
                            .await
                            .map(drop)
                    })?;
                    Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
                })
                .join();
            }
        }
    }
}

/// How a test's server differs from the defaults.
#[derive(Debug, Default)]
pub struct Options {
    /// Deliver mail to this SMTP server (a test's own).
    pub smtp_url: Option<String>,
    /// Take the client's address from `X-Forwarded-For` (as behind a proxy).
    pub trust_proxy_headers: bool,
    /// Tenants live under this domain instead of `localhost` (as in production: HTTPS links).
    pub base_domain: Option<String>,
    /// Reach PostgreSQL through a link the test can cut ([`TestApp::database_link`]).
    pub cuttable_database: bool,
    /// Other settings, as `PORTICO_*` variables would set them.
    pub settings: Vec<(&'static str, String)>,
}

/// A TCP link between the server and its database that a test can cut and restore, as if the
/// database stopped (its port refuses connections, open ones break) and came back.
pub struct DatabaseLink {
    port: u16,
    upstream: String,
    pipes: Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
    accepting: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl DatabaseLink {
    /// Forwards a local port to `upstream`.
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let link = Self {
            port: listener.local_addr().unwrap().port(),
            upstream,
            pipes: Arc::default(),
            accepting: std::sync::Mutex::new(None),
        };
        link.accept_on(listener);
        link
    }

    fn accept_on(&self, listener: TcpListener) {
        let (upstream, pipes) = (self.upstream.clone(), self.pipes.clone());
        let accepting = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                pipes.lock().unwrap().push(pipe.abort_handle());
            }
        });
        *self.accepting.lock().unwrap() = Some(accepting);
    }

    /// The database is gone: its port refuses connections, and open ones break.
    pub fn cut(&self) {
        if let Some(accepting) = self.accepting.lock().unwrap().take() {
            accepting.abort();
        }
        for pipe in self.pipes.lock().unwrap().drain(..) {
            pipe.abort();
        }
    }

    /// The database is back, on the same port.
    pub async fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.accept_on(listener);
    }
}

impl Drop for DatabaseLink {
    fn drop(&mut self) {
        self.cut();
    }
}

/// A test's data directory (attachments), removed afterwards.
pub struct DataDir(pub PathBuf);

impl DataDir {
    pub fn new() -> Self {
        let dir =
            std::env::temp_dir().join(format!("portico-data-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running Portico with its own database.
pub struct TestApp {
    pub app: Arc<App>,
    pub addr: SocketAddr,
    pub clock: ManualClock,
    base_domain: String,
    /// The link to the database, when the test asked to be able to cut it.
    pub database_link: Option<DatabaseLink>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _data_dir: DataDir,
    // Last: the database goes after the server has stopped.
    _database: TestDatabase,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> Self {
        // Server logs go to the test's output (shown for failing tests); PORTICO_LOG filters.
        // With PORTICO_STATEMENT_LOG, every statement is also written down for the check of
        // tests/statements.rs.
        {
            use tracing_subscriber::{
                Layer, filter, layer::SubscriberExt, util::SubscriberInitExt,
            };
            let logs = tracing_subscriber::fmt::layer()
                .with_test_writer()
                .with_filter(filter::EnvFilter::new(
                    std::env::var("PORTICO_LOG").unwrap_or_else(|_| "warn".into()),
                ));
            let statements = crate::statement_log::StatementLog::from_env().map(|log| {
                log.with_filter(
                    filter::Targets::new().with_target("sqlx::query", tracing::Level::TRACE),
                )
            });
            let _ = tracing_subscriber::registry()
                .with(logs)
                .with(statements)
                .try_init();
        }
        let (database, mut database_url) = TestDatabase::create(backend).await;
        let database_link = if options.cuttable_database {
            assert_eq!(
                backend,
                Backend::Postgres,
                "only a database server can be cut off"
            );
            let (scheme_user, rest) = database_url.split_once('@').unwrap();
            let (server, name) = rest.split_once('/').unwrap();
            let link = DatabaseLink::start(server.to_owned()).await;
            database_url = format!("{scheme_user}@127.0.0.1:{}/{name}", link.port);
            Some(link)
        } else {
            None
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let data_dir = DataDir::new();
        let mut settings = std::collections::HashMap::from([
            ("PORTICO_DATABASE_URL", database_url),
            ("PORTICO_LISTEN", addr.to_string()),
            ("PORTICO_DATA_DIR", data_dir.0.display().to_string()),
            ("PORTICO_DATABASE_MAX_CONNECTIONS", "8".to_owned()),
            (
                "PORTICO_MAIL_FROM",
                "Acme Support <support@portico.test>".to_owned(),
            ),
        ]);
        if let Some(smtp) = options.smtp_url {
            settings.insert("PORTICO_SMTP_URL", smtp);
        }
        if options.trust_proxy_headers {
            settings.insert("PORTICO_TRUST_PROXY_HEADERS", "true".to_owned());
        }
        let base_domain = options
            .base_domain
            .unwrap_or_else(|| "localhost".to_owned());
        settings.insert("PORTICO_BASE_DOMAIN", base_domain.clone());
        settings.extend(options.settings);
        let mut config =
            Config::from_sources(None, |k| settings.get(k).cloned()).expect("test configuration");
        // Tests wait for mail; the worker should not make them wait long.
        config.mail_poll_interval = std::time::Duration::from_millis(100);
        let clock = ManualClock::starting_now();
        let app = App::build_with_clock(config, Arc::new(clock.clone()))
            .await
            .unwrap();
        app.db.migrate().await.unwrap();
        if on_citus() && backend == Backend::Postgres {
            app.db.distribute().await.unwrap();
        }
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = tokio::spawn(app::serve(app.clone(), listener, async {
            let _ = stop.await;
        }));
        Self {
            app,
            addr,
            clock,
            base_domain,
            database_link,
            shutdown: Some(shutdown),
            server: Some(tokio::spawn(async move {
                server.await.unwrap().unwrap();
            })),
            _data_dir: data_dir,
            _database: database,
        }
    }

    /// The origin of a tenant's host, e.g. `http://acme.localhost:41234`.
    pub fn origin(&self, slug: &str) -> String {
        format!("http://{slug}.{}:{}", self.base_domain, self.addr.port())
    }

    /// Creates a tenant and sets its administrator's password through the setup link.
    pub async fn tenant(&self, slug: &str) -> TestTenant {
        let admin_login = format!("admin@{slug}.test");
        let created = tenancy::provision(
            &self.app,
            &Slug::parse(slug).unwrap(),
            &format!("{slug} Inc."),
            &admin_login,
        )
        .await
        .unwrap();
        let tenant = TestTenant {
            origin: self.origin(slug),
            admin: Login::new(&admin_login, "admin password 1"),
        };
        tenant
            .browser()
            .set_password(&created.admin.setup_link, &tenant.admin.password)
            .await;
        tenant
    }
}

/// Another node of a test's installation: its own process state, the same database and clock.
pub struct Node {
    pub app: Arc<App>,
    addr: SocketAddr,
    base_domain: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestApp {
    /// Starts another node on this one's database.
    pub async fn second_node(&self) -> Node {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = self.app.config.clone();
        config.listen = addr;
        let app = App::build_with_clock(config, Arc::new(self.clock.clone()))
            .await
            .unwrap();
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(app::serve(app.clone(), listener, async {
            let _ = stop.await;
        }));
        Node {
            app,
            addr,
            base_domain: self.base_domain.clone(),
            shutdown: Some(shutdown),
        }
    }
}

impl Node {
    pub fn origin(&self, slug: &str) -> String {
        format!("http://{slug}.{}:{}", self.base_domain, self.addr.port())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

#[derive(Debug, Clone)]
pub struct Login {
    pub login: String,
    pub password: String,
}

impl Login {
    pub fn new(login: &str, password: &str) -> Self {
        Self {
            login: login.into(),
            password: password.into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TestTenant {
    pub origin: String,
    pub admin: Login,
}

impl TestTenant {
    /// A fresh browser (own cookie jar) pointed at this tenant's host.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.origin)
    }

    /// A browser signed in to the console as the tenant's administrator.
    pub async fn admin_browser(&self) -> Browser {
        let browser = self.browser();
        browser.sign_in_console(&self.admin).await;
        browser
    }

    /// Creates a user through the console API and lets them choose `password`.
    pub async fn create_user(
        &self,
        admin: &Browser,
        login: &str,
        kind: &str,
        password: &str,
    ) -> (String, Login) {
        let response = admin
            .post_json(
                "/api/v1/users",
                &serde_json::json!({ "login": login, "full_name": login, "kind": kind }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        let link = body["setup_link"].as_str().unwrap().to_owned();
        self.browser().set_password(&link, password).await;
        (
            body["user"]["id"].as_str().unwrap().to_owned(),
            Login::new(login, password),
        )
    }
}

/// Resolves every name to the test server's loopback address, like Chromium does for
/// `*.localhost`.
#[derive(Debug)]
struct Loopback;

impl Resolve for Loopback {
    fn resolve(&self, _: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            let addrs: reqwest::dns::Addrs =
                Box::new(std::iter::once(SocketAddr::from(([127, 0, 0, 1], 0))));
            Ok(addrs)
        })
    }
}

static NO_COOKIES: LazyLock<Client> = LazyLock::new(|| client(None));

/// Gives rustls its cryptography (ring, as the server uses) before any client is built: the
/// platform's Stripe client brings reqwest's TLS without a default provider.
pub fn ensure_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn client(jar: Option<Arc<Jar>>) -> Client {
    ensure_crypto();
    let builder = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(Loopback));
    match jar {
        Some(jar) => builder.cookie_provider(jar),
        None => builder,
    }
    .build()
    .unwrap()
}

/// A user agent with its own cookie jar, pointed at one origin.
#[derive(Debug, Clone)]
pub struct Browser {
    pub origin: String,
    pub client: Client,
    jar: Option<Arc<Jar>>,
}

impl Browser {
    pub fn new(origin: &str) -> Self {
        let jar = Arc::new(Jar::default());
        Self {
            origin: origin.to_owned(),
            client: client(Some(jar.clone())),
            jar: Some(jar),
        }
    }

    /// The same session over new connections (for requests after which the server may drop
    /// the connection, such as an oversized body it refuses without reading).
    pub fn on_new_connections(&self) -> Self {
        Self {
            origin: self.origin.clone(),
            client: client(self.jar.clone()),
            jar: self.jar.clone(),
        }
    }

    /// The same session at another origin (another node of the installation).
    pub fn at(&self, origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            client: self.client.clone(),
            jar: self.jar.clone(),
        }
    }

    /// A client that keeps no cookies (scripts, forged requests).
    pub fn stateless(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            client: NO_COOKIES.clone(),
            jar: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.origin)
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// A page's status and text, with the `&#x2f;` the template engine writes for every `/`
    /// turned back (it is the same character to a browser) so tests can look for paths.
    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        (
            response.status(),
            response.text().await.unwrap().replace("&#x2f;", "/"),
        )
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .put(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn patch_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .patch(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client.delete(self.url(path)).send().await.unwrap()
    }

    /// Submits a form as a browser would: the page's CSRF token is fetched from `form_page` first.
    pub async fn submit_form(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Response {
        let (_, page) = self.get_text(form_page).await;
        let token = csrf_token_in(&page).unwrap_or_else(|| panic!("no CSRF token on {form_page}"));
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(action))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Submits a `multipart/form-data` form (fields and files as name, type, bytes), with the
    /// CSRF token of `form_page`.
    pub async fn submit_multipart(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: Vec<(&str, &str, Vec<u8>)>,
    ) -> Response {
        let files = files
            .into_iter()
            .map(|(name, kind, bytes)| ("files", name, kind, bytes))
            .collect();
        self.submit_files(form_page, action, fields, files).await
    }

    /// [`Browser::submit_multipart`] with each file in its own input: (input, name, type, bytes).
    pub async fn submit_files(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
        files: Vec<(&str, &str, &str, Vec<u8>)>,
    ) -> Response {
        let (_, page) = self.get_text(form_page).await;
        let token = csrf_token_in(&page).unwrap_or_else(|| panic!("no CSRF token on {form_page}"));
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        for (input, name, content_type, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str(content_type)
                .unwrap();
            form = form.part(input.to_owned(), part);
        }
        self.client
            .post(self.url(action))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn sign_in_portal(&self, who: &Login) -> Response {
        self.submit_form(
            "/login",
            "/login",
            &[("login", &who.login), ("password", &who.password)],
        )
        .await
    }

    pub async fn sign_in_console(&self, who: &Login) {
        let response = self
            .submit_form(
                "/console/login",
                "/console/login",
                &[("login", &who.login), ("password", &who.password)],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "console sign-in of {} failed",
            who.login
        );
        assert_eq!(location(&response), "/console");
    }

    /// Signs in through the JSON API (session cookie).
    pub async fn sign_in_api(&self, who: &Login) -> Response {
        self.post_json(
            "/api/v1/auth/login",
            &serde_json::json!({ "login": who.login, "password": who.password }),
        )
        .await
    }

    /// Follows a setup or recovery link and chooses a password, as a person would: the form
    /// the link opens carries the token to send back (opening an invitation spends its link).
    pub async fn set_password(&self, link: &str, password: &str) {
        let response = self.choose_password(link, password, password).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "setting the password failed"
        );
    }

    /// Opens a setup or recovery link and sends its form with these passwords.
    pub async fn choose_password(&self, link: &str, password: &str, confirm: &str) -> Response {
        let path = link.strip_prefix(&self.origin).unwrap_or(link);
        let (status, page) = self.get_text(path).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the link does not open a form: {page}"
        );
        self.send_password_form(&page, password, confirm).await
    }

    /// Sends the "choose a password" form of `page` with these passwords.
    pub async fn send_password_form(&self, page: &str, password: &str, confirm: &str) -> Response {
        let csrf = csrf_token_in(page).expect("a CSRF token on the form");
        let token = input_value_in(page, "token").expect("a token on the form");
        self.client
            .post(self.url("/set-password"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("token", token.as_str()),
                ("new_password", password),
                ("confirm_password", confirm),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Declares a body of `length` bytes for `POST path` with this browser's session and sends
    /// none of it: the status and whole answer of a server that refuses the body on its declared
    /// length alone. (Sending a body the server will not read races its answer against a
    /// broken pipe.)
    pub async fn declare_body(&self, path: &str, length: usize) -> (StatusCode, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let url: reqwest::Url = self.url(path).parse().unwrap();
        let port = url.port().unwrap();
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let cookie = self.cookie("portico_session").unwrap_or_default();
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let head = format!(
            "POST {target} HTTP/1.1\r\nHost: {}:{port}\r\nCookie: portico_session={cookie}\r\n\
             Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\
             Connection: close\r\n\r\n",
            url.host_str().unwrap()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut answer),
        )
        .await
        .expect("the server answers before the body is sent")
        .unwrap();
        let answer = String::from_utf8_lossy(&answer).into_owned();
        (StatusCode::from_u16(status_in(&answer)).unwrap(), answer)
    }

    /// The value of a cookie this browser would send to its origin.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let jar = self.jar.as_ref()?;
        let header = jar.cookies(&self.origin.parse().unwrap())?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_owned))
    }
}

/// The status code of an HTTP answer as written on the wire (0 when there is none).
pub fn status_in(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The `value` of the first hidden `csrf_token` input in a page.
pub fn csrf_token_in(page: &str) -> Option<String> {
    input_value_in(page, "csrf_token")
}

/// The `value` of the first input named `name` whose value follows its name.
pub fn input_value_in(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker)? + marker.len();
    page[at..].split('"').next().map(str::to_owned)
}

/// The first link to the "choose a password" page in a text (a mail, the mailbox page), as a
/// path on the tenant's host.
pub fn password_link_in(text: &str) -> Option<String> {
    let at = text.find("/set-password?token=")?;
    let token: String = text[at + "/set-password?token=".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Some(format!("/set-password?token={token}"))
}

/// The tenant's audit log as `admin` reads it through the API (`data`: entries, newest first).
pub async fn audit_log(admin: &Browser) -> Value {
    let response = admin.get("/api/v1/access/audit").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The JSON error code of an API answer.
pub async fn error_code(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}
