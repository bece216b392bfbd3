//! The `portico` command: serve, migrate, demo, and tenant administration for operators.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::Context;
use clap::{Parser, Subcommand};
use portico_tenants::{Slug, TenantStatus};
use tokio::net::TcpListener;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::{
    access,
    app::{self, App},
    config::{Config, LogFormat},
    demo, plugin_host, tenancy,
};

#[derive(Debug, Parser)]
#[command(
    name = "portico",
    version,
    about = "Portico: portals for your customers and partners"
)]
struct Cli {
    /// A TOML file with settings (environment variables PORTICO_* override it).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (migrate first with `portico migrate`).
    Serve,
    /// Apply database migrations and exit.
    Migrate {
        /// Then, on PostgreSQL with the Citus extension, distribute the tenant tables by
        /// tenant_id (co-located) and make the global ones reference tables. Idempotent: run it
        /// after every upgrade's migrations. Refuses, changing nothing, without Citus.
        #[arg(long)]
        distribute: bool,
    },
    /// Migrate, create the demo tenant and its users, print how to sign in, and serve.
    Demo,
    /// Migrate, create the demo tenant, and add the load benchmark's data set to it (thousands
    /// of cases and articles: for measuring, never on a tenant that matters). Does not serve.
    Seed {
        #[arg(long, value_enum, default_value = "small")]
        size: crate::seed::Size,
    },
    /// Manage tenants.
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Write custom sections: scaffold one, check one before upload (offline, no database).
    #[command(subcommand)]
    Plugin(PluginCommand),
}

#[derive(Debug, Subcommand)]
enum PluginCommand {
    /// Validate a section's manifest and component exactly as an upload would; prints every problem.
    Check {
        /// The section's folder (with section.json) or its manifest file.
        path: PathBuf,
        /// The component; by default section.wasm beside the manifest, or the one .wasm file in
        /// target/wasm32-wasip2/release/ there.
        #[arg(long, value_name = "WASM")]
        component: Option<PathBuf>,
    },
    /// Create a new section crate NAME in the current folder, built on the Portico SDK.
    New {
        name: String,
        /// The SDK crate's folder; by default the one this binary was built from.
        #[arg(long, value_name = "DIR", default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk"))]
        sdk: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Create a tenant and its first administrator; prints a one-time setup link.
    Create {
        /// Subdomain label: lowercase letters, digits and hyphens.
        #[arg(long)]
        slug: String,
        /// The company's name as shown on its portal.
        #[arg(long)]
        name: String,
        /// E-mail address (login) of the first administrator.
        #[arg(long)]
        admin_email: String,
    },
    /// List tenants.
    List,
    /// Suspend a tenant: its portal, console and API answer "temporarily unavailable".
    Suspend { slug: String },
    /// Resume a suspended tenant.
    Resume { slug: String },
    /// Set the portal configurations a tenant runs (its limits are the largest among them):
    /// self-service (no custom sections), customer, partner.
    Configure {
        slug: String,
        /// One or more of self-service, customer, partner (comma-separated).
        #[arg(long, value_delimiter = ',', required = true)]
        configurations: Vec<String>,
    },
    /// Show a tenant's portal licenses, or set how many it has (while billing is off). Fewer
    /// than are held blocks new activations; nobody loses the license they hold.
    Licenses {
        slug: String,
        /// Customer portal licenses: a number, or "unmetered".
        #[arg(long)]
        customer: Option<String>,
        /// Partner portal licenses: a number, or "unmetered".
        #[arg(long)]
        partner: Option<String>,
        /// Packs of 1,000 self-service licenses beyond the free ones.
        #[arg(long)]
        self_service_packs: Option<u64>,
    },
    /// Check tenants' own domains: looks up each unproven domain's DNS TXT record and, when it
    /// holds the tenant's token, serves the portal there. With --remove, take SLUG's domain away.
    Domains {
        /// One tenant (default: every tenant with a domain).
        slug: Option<String>,
        /// Take the tenant's domain away (its portal stays at its subdomain).
        #[arg(long, requires = "slug")]
        remove: bool,
    },
    /// What a tenant uses: configurations, licenses used and bought, portal users' API calls of
    /// the last seven days, storage.
    Usage {
        slug: String,
        /// Print JSON (as the operator API answers) instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Command::Plugin(command) => return plugin(command),
        command => command,
    };
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("portico: {error}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    match execute(command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("portico: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("PORTICO_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Json => registry
            .with(fmt::layer().json().with_current_span(true))
            .init(),
        LogFormat::Text => registry.with(fmt::layer()).init(),
    }
}

async fn execute(command: Command, config: Config) -> anyhow::Result<()> {
    let app = App::build(config).await?;
    match command {
        Command::Serve => {
            access::defaults::apply_to_all_tenants(&app)
                .await
                .context("cannot prepare tenants' permissions (has `portico migrate` run?)")?;
            serve(app).await
        }
        Command::Migrate { distribute } => {
            migrate(&app).await?;
            println!("Migrations applied ({}).", app.db.dialect().name());
            if distribute {
                let done = app.db.distribute().await?;
                println!(
                    "Citus {} with {} worker(s): {} table(s) distributed by tenant_id, {} made reference tables, {} already in place.",
                    done.citus_version,
                    done.workers,
                    done.distributed.len(),
                    done.reference.len(),
                    done.unchanged
                );
            }
            Ok(())
        }
        Command::Demo => {
            migrate(&app).await?;
            let listener = bind(&app).await?;
            // Signals are caught from here on: stopping right after the instructions is clean.
            let shutdown = app::shutdown_signal();
            let demo = demo::ensure(&app).await?;
            println!("{}", demo.instructions(&app.config));
            app::serve(app, listener, shutdown).await
        }
        Command::Seed { size } => {
            migrate(&app).await?;
            crate::seed::run(&app, size).await
        }
        Command::Tenant(command) => {
            migrate(&app).await?;
            tenant(&app, command).await
        }
        Command::Plugin(_) => unreachable!("plugin commands run before any set-up"),
    }
}

/// Developer commands: offline, so they need neither configuration nor a database.
fn plugin(command: PluginCommand) -> ExitCode {
    let outcome = match command {
        PluginCommand::Check { path, component } => {
            plugin_host::tooling::check(&path, component.as_deref()).map(|report| {
                println!("{report}");
                report.passed()
            })
        }
        PluginCommand::New { name, sdk } => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            plugin_host::tooling::scaffold(&name, &here, &sdk)
                .map(|dir| {
                    println!("Created {}. Next:", dir.display());
                    println!("  cd {name} && cargo build --release --target wasm32-wasip2");
                    println!("  portico plugin check .");
                    true
                })
                .map_err(anyhow::Error::from)
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("portico: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Applies migrations, then gives every tenant the defaults a new version may have added.
async fn migrate(app: &App) -> anyhow::Result<()> {
    app.db.migrate().await?;
    access::defaults::apply_to_all_tenants(app).await?;
    Ok(())
}

async fn bind(app: &App) -> anyhow::Result<TcpListener> {
    TcpListener::bind(app.config.listen)
        .await
        .with_context(|| format!("cannot listen on {} (PORTICO_LISTEN)", app.config.listen))
}

async fn serve(app: Arc<App>) -> anyhow::Result<()> {
    let shutdown = app::shutdown_signal();
    let listener = bind(&app).await?;
    tracing::info!(address = %app.config.listen, base_domain = %app.config.base_domain, "listening");
    app::serve(app, listener, shutdown).await
}

async fn tenant(app: &App, command: TenantCommand) -> anyhow::Result<()> {
    let parse = |slug: &str| Slug::parse(slug).map_err(|e| anyhow::anyhow!("--slug: {e}"));
    match command {
        TenantCommand::Create {
            slug,
            name,
            admin_email,
        } => {
            let created = tenancy::provision(app, &parse(&slug)?, &name, &admin_email).await?;
            println!(
                "Tenant {} created: {}",
                created.tenant.slug,
                app.config.tenant_origin(slug.as_str())
            );
            println!("Administrator: {}", created.admin.user.login);
            println!(
                "One-time setup link (valid {} days): {}",
                crate::auth::security::INVITATION_DAYS_DEFAULT,
                created.admin.setup_link
            );
        }
        TenantCommand::Domains { slug, remove } => domains(app, slug.as_deref(), remove).await?,
        TenantCommand::List => {
            let mut conn = app.db.global().await?;
            for tenant in portico_tenants::list(&mut conn).await? {
                println!(
                    "{}\t{}\t{}",
                    tenant.slug,
                    tenant.status.as_str(),
                    tenant.name
                );
            }
        }
        TenantCommand::Suspend { slug } => {
            set_status(app, &parse(&slug)?, TenantStatus::Suspended).await?
        }
        TenantCommand::Resume { slug } => {
            set_status(app, &parse(&slug)?, TenantStatus::Active).await?
        }
        TenantCommand::Configure {
            slug,
            configurations,
        } => {
            let chosen = configurations
                .iter()
                .map(|name| {
                    portico_tenants::Configuration::parse(name.trim()).ok_or_else(|| {
                        anyhow::anyhow!(
                            "unknown configuration {name:?}: use self-service, customer or partner"
                        )
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let tenant = tenancy::find(app, &parse(&slug)?)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no tenant {slug}"))?;
            crate::sections::installed::set_configurations(app, tenant.id, &chosen).await?;
            // The lookups the configurations need start filled (partner types and categories).
            let tenant = tenancy::find(app, &parse(&slug)?)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no tenant {slug}"))?;
            let mut tx = app.db.begin(tenant.id, crate::store::Access::Read).await?;
            let admin =
                access::defaults::first_administrator(app, &mut tx, Arc::new(tenant)).await?;
            drop(tx);
            if let Some(admin) = admin {
                crate::sections::seed_lookups(app, &admin).await?;
            }
            let limits = portico_tenants::limits_of(&chosen);
            println!(
                "Tenant {slug} runs {}: up to {} custom sections, {} objects on the portal, {} on one page.",
                configurations.join(", "),
                limits.custom_sections,
                limits.portal_objects,
                limits.objects_per_page
            );
        }
        TenantCommand::Licenses {
            slug,
            customer,
            partner,
            self_service_packs,
        } => {
            let tenant = tenancy::find(app, &parse(&slug)?)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no tenant {slug}"))?;
            let mut licenses = crate::licenses::of_tenant(app, &tenant).await?;
            if customer.is_some() || partner.is_some() || self_service_packs.is_some() {
                let mut bought = licenses.purchased;
                if let Some(seats) = customer {
                    bought.customer = seats_of("--customer", &seats)?;
                }
                if let Some(seats) = partner {
                    bought.partner = seats_of("--partner", &seats)?;
                }
                if let Some(packs) = self_service_packs {
                    bought.self_service_packs = packs;
                }
                licenses = crate::licenses::set_purchased(app, &tenant, bought).await?;
            }
            for l in &licenses.licenses {
                let available = l
                    .available
                    .map_or("unmetered".to_owned(), |n| n.to_string());
                println!(
                    "{}	{} used	{available} available",
                    l.configuration.as_str(),
                    l.used
                );
            }
            println!(
                "{} active employees: {} free self-service licenses; {} bought packs of 1,000.",
                licenses.employees,
                licenses.free_self_service,
                licenses.purchased.self_service_packs
            );
        }
        TenantCommand::Usage { slug, json } => {
            let tenant = tenancy::find(app, &parse(&slug)?)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no tenant {slug}"))?;
            let usage = crate::usage::of_tenant(app, &tenant).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&usage)?);
                return Ok(());
            }
            let runs: Vec<&str> = usage.configurations.iter().map(|c| c.as_str()).collect();
            println!(
                "{} ({}, {}): runs {}",
                usage.name,
                usage.slug,
                usage.status,
                runs.join(", ")
            );
            for l in &usage.licenses.licenses {
                let available = l
                    .available
                    .map_or("unmetered".to_owned(), |n| n.to_string());
                println!(
                    "  {} licenses: {} used of {available}",
                    l.configuration.as_str(),
                    l.used
                );
            }
            println!(
                "  bought: customer {}, partner {}, self-service packs {}",
                usage
                    .licenses
                    .purchased
                    .customer
                    .map_or("unmetered".to_owned(), |n| n.to_string()),
                usage
                    .licenses
                    .purchased
                    .partner
                    .map_or("unmetered".to_owned(), |n| n.to_string()),
                usage.licenses.purchased.self_service_packs
            );
            for day in &usage.api_calls {
                println!("  API calls on {}: {}", day.day, day.calls);
            }
            println!("  storage: {} bytes", usage.storage_bytes);
        }
    }
    Ok(())
}

/// A number of seats, or `unmetered`.
fn seats_of(option: &str, text: &str) -> anyhow::Result<Option<u64>> {
    if text == "unmetered" {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| anyhow::anyhow!("{option} takes a number of licenses or \"unmetered\""))
}

async fn set_status(app: &App, slug: &Slug, status: TenantStatus) -> anyhow::Result<()> {
    let mut conn = app.db.global().await?;
    let tenant = portico_tenants::set_status(&mut conn, slug, status).await?;
    println!("Tenant {} is now {}.", tenant.slug, tenant.status.as_str());
    Ok(())
}

/// `portico tenant domains [SLUG] [--remove]`: checks the tenants' domains not yet proven (each
/// line: slug, domain, state, the record to create), or takes one tenant's domain away.
async fn domains(app: &App, slug: Option<&str>, remove: bool) -> anyhow::Result<()> {
    let tenants = match slug {
        Some(slug) => vec![
            tenancy::find(app, &Slug::parse(slug)?)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no tenant {slug}"))?,
        ],
        None => portico_tenants::list(&mut *app.db.global().await?).await?,
    };
    if remove {
        for tenant in &tenants {
            crate::domains::remove_by_operator(app, tenant).await?;
            println!("Tenant {} has no domain of its own now.", tenant.slug);
        }
        return Ok(());
    }
    for tenant in &tenants {
        let Some(domain) = &tenant.domain else {
            continue;
        };
        let found = match crate::domains::check(app, tenant).await {
            Ok(crate::domains::Checked::Verified) => None,
            Ok(crate::domains::Checked::NotFound { found }) if found.is_empty() => {
                Some("no TXT record".to_owned())
            }
            Ok(crate::domains::Checked::NotFound { found }) => {
                Some(format!("the record holds {}", found.join(", ")))
            }
            Ok(crate::domains::Checked::Unanswered { error }) => {
                Some(format!("unchecked: {error}"))
            }
            Err(error) => Some(format!("refused: {error}")),
        };
        // A domain proven before stays the tenant's whatever DNS says now.
        let state = match (found, domain.is_verified()) {
            (None, _) => "verified".to_owned(),
            (Some(now), true) => format!("verified before; now {now}"),
            (Some(now), false) => format!("waiting: {now}"),
        };
        println!(
            "{}\t{}\t{state}\t{} TXT \"{}\"",
            tenant.slug,
            domain.name,
            domain.record_name(),
            domain.record_value()
        );
    }
    Ok(())
}
