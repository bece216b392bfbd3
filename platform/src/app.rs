//! The application state, built once at start-up and shared by every request, and the server loop.

use std::{future::Future, sync::Arc};

use anyhow::Context;
use tokio::net::TcpListener;

use crate::{
    access::AccessCache,
    clock::{Clock, SystemClock},
    config::Config,
    http, mail,
    records::Catalog,
    sections,
    store::Db,
};

#[derive(Debug)]
pub struct App {
    pub config: Config,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// Every object type the installation knows.
    pub catalog: Arc<Catalog>,
    /// Tenants' permission policies and users' effective roles, between requests.
    pub access: AccessCache,
    /// Where e-mail is delivered, if anywhere.
    pub mail: Option<Arc<dyn mail::worker::Transport>>,
    /// Stripe, when billing is on.
    pub stripe: Option<crate::billing::stripe::Stripe>,
    /// Where attachments' bytes are kept.
    pub files: Arc<dyn object_store::ObjectStore>,
    /// Tenants' catalogs with their installed sections.
    pub tenant_catalogs: sections::installed::CatalogCache,
    /// This node's count of portal users' API calls (see `api_limit`).
    pub api_limit: crate::api_limit::ApiLimit,
    /// The catalogs holders of each portal license work with.
    pub licensed_catalogs: sections::installed::CatalogCache<(
        portico_tenants::TenantId,
        portico_tenants::Configuration,
    )>,
    /// Tenants by slug, between requests.
    pub tenants: crate::tenancy::Directory,
    /// Tenants' proven domains as requests found them.
    pub domains: crate::tenancy::Domains,
    /// Tenants' most popular knowledge-base articles, recounted every minute.
    pub popular: sections::knowledge::PopularCache,
    /// The WebAssembly runtime of custom sections, started when first needed.
    pub plugins: std::sync::OnceLock<crate::plugin_host::PluginRuntime>,
    /// Installed sections ready to call.
    pub loaded_plugins: sections::plugins::LoadedPlugins,
    /// Identity providers' endpoints and keys, for single sign-on.
    pub oidc: crate::auth::oidc::Client,
    /// The threads that hash passwords, a bounded number at a time.
    pub passwords: crate::auth::passwords::Hasher,
    /// List exports running, a few per tenant at a time.
    pub exports: crate::records::export::Turns,
    /// This value, for what must own a handle to it (a section's imports).
    me: std::sync::Weak<App>,
}

impl App {
    /// Connects to the database and loads the built-in sections. Does not migrate.
    pub async fn build(config: Config) -> anyhow::Result<Arc<Self>> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    pub async fn build_with_clock(
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Arc<Self>> {
        http::install_metrics_recorder();
        let db = Db::connect(
            config.database_url.expose(),
            config.database_max_connections,
            config.database_acquire_timeout,
            config.list_timeout,
        )
        .await?;
        let mail: Option<Arc<dyn mail::worker::Transport>> = match &config.smtp_url {
            Some(url) => Some(Arc::new(mail::worker::Smtp::new(
                url.expose(),
                &config.mail_from,
            )?)),
            None => None,
        };
        let files = crate::files::local_store(&config.data_dir)?;
        let stripe = config
            .stripe
            .clone()
            .map(crate::billing::stripe::Stripe::new)
            .transpose()
            .context("cannot set up the Stripe client")?;
        let passwords = crate::auth::passwords::Hasher::start()
            .context("cannot start the password hashing threads")?;
        let catalog = Arc::new(sections::built_in_catalog());
        let oidc = crate::auth::oidc::Client::new(
            outbound_http_builder(std::time::Duration::from_secs(10))?,
            config.is_local(),
        )?;
        Ok(Arc::new_cyclic(|me| Self {
            me: me.clone(),
            config,
            db,
            clock,
            mail,
            stripe,
            files,
            catalog,
            access: AccessCache::default(),
            tenant_catalogs: Default::default(),
            licensed_catalogs: Default::default(),
            api_limit: Default::default(),
            tenants: Default::default(),
            domains: Default::default(),
            popular: Default::default(),
            plugins: Default::default(),
            loaded_plugins: Default::default(),
            passwords,
            oidc,
            exports: Default::default(),
        }))
    }

    /// An owned handle to the application.
    pub fn handle(&self) -> crate::error::Result<Arc<App>> {
        self.me.upgrade().ok_or_else(|| {
            crate::error::Error::Internal(anyhow::anyhow!("the application is shutting down"))
        })
    }
}

/// A client for the services Portico calls (Stripe, identity providers): TLS with the web's
/// roots, a deadline, and no redirects followed (an answer elsewhere than asked is an error).
pub(crate) fn outbound_http(timeout: std::time::Duration) -> anyhow::Result<reqwest::Client> {
    Ok(outbound_http_builder(timeout)?.build()?)
}

/// [`outbound_http`], still to be finished (a resolver of its own).
pub(crate) fn outbound_http_builder(
    timeout: std::time::Duration,
) -> anyhow::Result<reqwest::ClientBuilder> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none()))
}

/// Serves HTTP on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    app: Arc<App>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if app.db.bypasses_row_security().await? {
        tracing::warn!(
            "the database role is a superuser or has BYPASSRLS: row-level security is not enforced; \
             connect as an ordinary role (see README, \"Running on PostgreSQL\")"
        );
    }
    // The mail worker lives as long as the server.
    let worker = app.mail.clone().map(|transport| {
        tokio::spawn(mail::worker::run(
            app.clone(),
            transport,
            app.config.mail_poll_interval,
        ))
    });
    // So do the jobs, on every node.
    let jobs = tokio::spawn(crate::jobs::run(app.clone(), crate::jobs::INTERVAL));
    let counts = tokio::spawn(crate::api_limit::keep_flushing(app.clone()));
    let gauges = tokio::spawn(crate::usage::keep_publishing(app.clone()));
    let limits = app.config.connections;
    let router = http::router(app.clone());
    http::server::serve(listener, router, limits, shutdown).await;
    if let Some(worker) = worker {
        worker.abort();
    }
    jobs.abort();
    counts.abort();
    gauges.abort();
    // What this node counted since its last batch.
    if let Err(error) = crate::api_limit::flush(&app).await {
        tracing::warn!(%error, "API call counts of the last second not written");
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM. The handlers are installed when this is called (not when the
/// future is first polled), so a signal that arrives while the server is still starting up is
/// not lost to the default action.
#[cfg(unix)]
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let interrupt = signal(SignalKind::interrupt());
    let terminate = signal(SignalKind::terminate());
    async move {
        match (interrupt, terminate) {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            _ => std::future::pending::<()>().await,
        }
        tracing::info!("shutting down: finishing requests in flight");
    }
}

#[cfg(not(unix))]
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    async {
        tokio::signal::ctrl_c().await.ok();
        tracing::info!("shutting down: finishing requests in flight");
    }
}
