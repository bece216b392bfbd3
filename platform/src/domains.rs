//! A tenant's own domain for its portal (`support.acme.com`): claimed in the console, proven by a
//! DNS TXT record holding the claim's token (checked by the tenant's administrators or by the
//! operator's `portico tenant domains`), then served as the tenant's subdomain is. Links in mail
//! lead to it once it is proven.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use hickory_resolver::{
    Resolver, TokioResolver,
    config::{ConnectionConfig, NameServerConfig, ResolverConfig},
    net::runtime::TokioRuntimeProvider,
    proto::rr::RData,
};
use portico_tenants::{Tenant, domain::Domain};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::{
    access::{self, Actor, Capability, SystemOperation},
    app::App,
    config::Config,
    error::{Error, Result},
    store::Access,
};

/// A tenant's domain as its administrators see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnDomain {
    /// Where people reach the portal now.
    pub portal: String,
    /// The domain claimed, if any.
    pub domain: Option<String>,
    /// When the TXT record was found (the portal answers at the domain since).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verified_at: Option<DateTime<Utc>>,
    /// The TXT record to create: its name and its value.
    pub record_name: Option<String>,
    pub record_value: Option<String>,
}

/// What a check found, said in words, and the domain after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DomainCheck {
    pub checked: Checked,
    pub message: String,
    pub domain: OwnDomain,
}

/// How long a check waits for the DNS server.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// The most TXT values a check reports back (a name may hold many).
const MAX_FOUND: usize = 10;

/// What a check of a tenant's TXT record found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Checked {
    /// The record holds the tenant's token: the portal answers at the domain.
    Verified,
    /// The record does not hold the token; `found` is what the name holds (perhaps nothing).
    NotFound { found: Vec<String> },
    /// The DNS server gave no usable answer.
    Unanswered { error: String },
}

impl Checked {
    /// Why a domain is not proven yet, in the reader's language.
    pub fn explained(&self) -> String {
        match self {
            Self::Verified => crate::tr!("domain-verified"),
            Self::NotFound { found } if found.is_empty() => crate::tr!("domain-no-record"),
            Self::NotFound { found } => {
                crate::tr!("domain-other-record", found = found.join(", "))
            }
            Self::Unanswered { error } => crate::tr!("domain-unanswered", error = error.as_str()),
        }
    }
}

/// Why a name cannot be a tenant's domain.
enum Refusal {
    /// A URL, a path, a port or an address rather than a host name.
    OnlyHost,
    NotAHost,
    /// A name under the installation's own domain.
    Ours,
}

/// The host name a tenant may claim, as typed: lower case, without a trailing dot; not an
/// address, not a name of this installation's own domain.
pub fn parse(config: &Config, typed: &str) -> Result<String> {
    normalized(&config.base_domain, typed).map_err(|refusal| {
        let message = match refusal {
            Refusal::OnlyHost => crate::tr!("domain-only-host"),
            Refusal::NotAHost => crate::tr!("domain-not-a-host"),
            Refusal::Ours => crate::tr!("domain-ours", base = config.base_domain.as_str()),
        };
        Error::invalid_field("domain", message)
    })
}

/// [`parse`]'s rules without their messages (a request's host is checked by them too).
fn normalized(ours: &str, typed: &str) -> Result<String, Refusal> {
    let name = typed.trim().trim_end_matches('.').to_ascii_lowercase();
    if name.contains(['/', ':', ' ', '@']) {
        return Err(Refusal::OnlyHost);
    }
    let labels: Vec<&str> = name.split('.').collect();
    if !crate::config::is_hostname(&name)
        || labels.len() < 2
        || labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Refusal::NotAHost);
    }
    if name == ours || name.ends_with(&format!(".{ours}")) {
        return Err(Refusal::Ours);
    }
    Ok(name)
}

/// Claims `typed` as the tenant's domain (holders of "portal main page setup"). It answers for
/// the tenant once its TXT record is found; until then the portal stays at its subdomain only.
/// Claiming the domain already claimed keeps its token (the record need not change).
pub async fn claim(app: &App, actor: &Actor, typed: &str) -> Result<Domain> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    let name = parse(&app.config, typed)?;
    let before = saved(app, actor).await?.domain;
    if let Some(domain) = before.as_ref().filter(|d| d.name == name) {
        return Ok(domain.clone());
    }
    let token = crate::auth::secret::generate("");
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    portico_tenants::set_domain(tx.conn(), actor.tenant.id, Some((&name, &token))).await?;
    audit(app, &mut tx, Some(actor), before.as_ref(), Some(&name)).await?;
    tx.commit().await?;
    crate::tenancy::forget(app, &actor.tenant.slug);
    Ok(Domain {
        name,
        token,
        verified_at: None,
    })
}

/// Gives up the tenant's domain: the portal answers at its subdomain only.
pub async fn remove(app: &App, actor: &Actor) -> Result<()> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    give_up(app, &saved(app, actor).await?, Some(actor)).await
}

/// Takes a tenant's domain away (the operator's `portico tenant domains SLUG --remove`).
pub async fn remove_by_operator(app: &App, tenant: &Tenant) -> Result<()> {
    give_up(app, tenant, None).await
}

async fn give_up(app: &App, tenant: &Tenant, actor: Option<&Actor>) -> Result<()> {
    let Some(before) = &tenant.domain else {
        return Ok(());
    };
    let mut tx = app.db.begin(tenant.id, Access::Write).await?;
    portico_tenants::set_domain(tx.conn(), tenant.id, None).await?;
    audit(app, &mut tx, actor, Some(before), None).await?;
    tx.commit().await?;
    crate::tenancy::forget(app, &tenant.slug);
    Ok(())
}

/// Audits a change of the tenant's domain, by `actor` or by the operator.
async fn audit(
    app: &App,
    tx: &mut crate::store::TenantTx,
    actor: Option<&Actor>,
    before: Option<&Domain>,
    after: Option<&str>,
) -> Result<()> {
    let state = |name: Option<&str>| name.map(|name| json!({ "domain": name }));
    let (before, after) = (state(before.map(|d| d.name.as_str())), state(after));
    let subject = "tenant".to_owned();
    match actor {
        Some(actor) => access::audit(app, tx, actor, "tenant.domain", subject, before, after).await,
        None => access::audit_platform(app, tx, "tenant.domain", subject, before, after).await,
    }
}

/// Checks the tenant's own record, for its administrators.
pub async fn check_own(app: &App, actor: &Actor) -> Result<Checked> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    check(app, &saved(app, actor).await?).await
}

/// The tenant's domain as saved now, for its administrators.
pub async fn own(app: &App, actor: &Actor) -> Result<OwnDomain> {
    access::check(actor, Capability::System(SystemOperation::MainPageSetup))?;
    Ok(view(&app.config, &saved(app, actor).await?))
}

/// The actor's tenant as saved (a request's copy may be a moment old on another node).
async fn saved(app: &App, actor: &Actor) -> Result<Tenant> {
    crate::tenancy::find(app, &actor.tenant.slug)
        .await?
        .ok_or(Error::NotFound("tenant"))
}

pub fn view(config: &Config, tenant: &Tenant) -> OwnDomain {
    let domain = tenant.domain.as_ref();
    let pending = domain.filter(|d| !d.is_verified());
    OwnDomain {
        portal: origin(config, tenant),
        domain: domain.map(|d| d.name.clone()),
        verified_at: domain.and_then(|d| d.verified_at),
        record_name: pending.map(Domain::record_name),
        record_value: pending.map(Domain::record_value),
    }
}

/// Looks for the tenant's TXT record and, when it holds the token, makes the domain the
/// tenant's. A domain verified before stays so whatever the check finds now (a DNS failure must
/// not take a portal offline); the operator removes it if need be.
pub async fn check(app: &App, tenant: &Tenant) -> Result<Checked> {
    let Some(domain) = &tenant.domain else {
        return Err(Error::NotFound("domain"));
    };
    let found = match lookup_txt(app, &domain.record_name()).await {
        Ok(found) => found,
        Err(error) => return Ok(Checked::Unanswered { error }),
    };
    let expected = domain.record_value();
    if !found.iter().any(|value| value.trim() == expected) {
        let found = found.into_iter().take(MAX_FOUND).collect();
        return Ok(Checked::NotFound { found });
    }
    if !domain.is_verified() {
        let mut tx = app.db.begin(tenant.id, Access::Write).await?;
        let verified =
            portico_tenants::verify_domain(tx.conn(), tenant.id, &domain.name, app.clock.now().0)
                .await?;
        if !verified {
            // The claim changed while the record was looked up.
            return Err(Error::NotFound("domain"));
        }
        access::audit_platform(
            app,
            &mut tx,
            "tenant.domain_verified",
            "tenant".to_owned(),
            None,
            Some(json!({ "domain": domain.name })),
        )
        .await?;
        tx.commit().await?;
        crate::tenancy::forget(app, &tenant.slug);
    }
    Ok(Checked::Verified)
}

/// The TXT values at `name`, each value's strings joined as DNS says they are; an empty list
/// when the name has none. Asks the configured server, or the system's.
async fn lookup_txt(app: &App, name: &str) -> Result<Vec<String>, String> {
    let resolver = resolver(app.config.dns_server)?;
    let fully_qualified = format!("{name}.");
    let lookup = tokio::time::timeout(CHECK_TIMEOUT, resolver.txt_lookup(fully_qualified)).await;
    let lookup = match lookup {
        Err(_) => return Err(crate::tr!("domain-dns-timeout")),
        Ok(Err(e)) if e.is_no_records_found() => return Ok(Vec::new()),
        Ok(Err(e)) => return Err(e.to_string()),
        Ok(Ok(lookup)) => lookup,
    };
    Ok(lookup
        .answers()
        .iter()
        .filter_map(|record| match &record.data {
            RData::TXT(txt) => Some(
                txt.txt_data
                    .iter()
                    .map(|part| String::from_utf8_lossy(part))
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect())
}

/// A resolver without a cache (each check sees the record as it is now): the configured
/// server's, or the system's.
fn resolver(server: Option<std::net::SocketAddr>) -> Result<TokioResolver, String> {
    let mut builder = match server {
        Some(address) => {
            let connection = |mut c: ConnectionConfig| {
                c.port = address.port();
                c
            };
            let server = NameServerConfig::new(
                address.ip(),
                true,
                vec![
                    connection(ConnectionConfig::udp()),
                    connection(ConnectionConfig::tcp()),
                ],
            );
            Resolver::builder_with_config(
                ResolverConfig::from_parts(None, Vec::new(), vec![server]),
                TokioRuntimeProvider::default(),
            )
        }
        None => TokioResolver::builder_tokio().map_err(|e| e.to_string())?,
    };
    builder.options_mut().cache_size = 0;
    builder.options_mut().timeout = CHECK_TIMEOUT;
    builder.build().map_err(|e| e.to_string())
}

/// The tenant whose verified domain a request's host names (any port ignored); `None` for a
/// host of this installation's own domain or one no tenant proved.
pub async fn tenant_for_host(app: &App, host: &str) -> Result<Option<Arc<Tenant>>> {
    let name = crate::tenancy::without_port(host);
    let Ok(name) = normalized(&app.config.base_domain, name) else {
        return Ok(None);
    };
    crate::tenancy::for_domain(app, &name).await
}

/// Where a tenant's people reach its portal: its own domain once proven, else its subdomain.
pub fn origin(config: &Config, tenant: &Tenant) -> String {
    match tenant.domain.as_ref().filter(|d| d.is_verified()) {
        Some(domain) if config.is_local() => {
            format!("http://{}:{}", domain.name, config.listen.port())
        }
        Some(domain) => format!("https://{}", domain.name),
        None => config.tenant_origin(tenant.slug.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::from_sources(None, |name| {
            (name == "PORTICO_BASE_DOMAIN").then(|| "portico.example".to_owned())
        })
        .unwrap()
    }

    #[test]
    fn a_claimed_domain_is_a_host_name_outside_the_installations_own() {
        let config = config();
        assert_eq!(
            parse(&config, " Support.Acme.COM. ").unwrap(),
            "support.acme.com"
        );
        for refused in [
            "https://support.acme.com",
            "support.acme.com/portal",
            "support.acme.com:8443",
            "support acme.com",
            "localhost",
            "192.0.2.1",
            "-acme.com",
            "",
            "portico.example",
            "acme.portico.example",
            &format!("{}.com", "a".repeat(250)),
        ] {
            assert!(parse(&config, refused).is_err(), "{refused:?} was taken");
        }
    }
}
