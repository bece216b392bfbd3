//! Tenants as the platform sees them: which tenant a host name belongs to, and provisioning a new
//! tenant with its first administrator. The registry itself lives in the `portico-tenants` crate.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use portico_tenants::{Slug, Tenant, TenantStatus};

use crate::{
    access,
    app::App,
    error::{Error, Result},
    users::{self, CreatedUser, NewUser, UserKind},
};

/// The tenant slug of a host name `{slug}.{base_domain}` (any port ignored); `None` for the bare
/// base domain, other domains, or a label that is not a valid slug.
pub fn slug_from_host(host: &str, base_domain: &str) -> Option<Slug> {
    let host = without_port(host)
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let label = host.strip_suffix(base_domain)?.strip_suffix('.')?;
    if label.contains('.') {
        return None;
    }
    Slug::parse(label).ok()
}

/// A request's host name without its port, if it has one.
pub fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// Looks a tenant up by slug (any status).
pub async fn find(app: &App, slug: &Slug) -> Result<Option<Tenant>> {
    let mut conn = app.db.global().await?;
    Ok(portico_tenants::find_by_slug(&mut conn, slug).await?)
}

/// Tenants by slug as requests find them, each kept for [`RECHECK`] so a request does not cost a
/// query to find its tenant. A signed-in request learns afresh whether its tenant was suspended
/// (with its session, see `store::Versions`); for anyone else a suspension or a resumption takes
/// effect within [`RECHECK`].
#[derive(Debug, Default)]
pub struct Directory(Mutex<HashMap<Slug, (Instant, Arc<Tenant>)>>);

const RECHECK: Duration = Duration::from_secs(2);
/// Beyond this many tenants the directory starts afresh (a crude but bounded policy).
const MAX_TENANTS: usize = 100_000;

impl Directory {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Slug, (Instant, Arc<Tenant>)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The tenant a request's host names, if there is one (of any status).
pub async fn for_request(app: &App, slug: &Slug) -> Result<Option<Arc<Tenant>>> {
    if let Some((at, tenant)) = app.tenants.lock().get(slug)
        && at.elapsed() < RECHECK
    {
        return Ok(Some(tenant.clone()));
    }
    // Unknown slugs are not kept: anyone can make up any number of them.
    let Some(tenant) = find(app, slug).await?.map(Arc::new) else {
        app.tenants.lock().remove(slug);
        return Ok(None);
    };
    let mut known = app.tenants.lock();
    if known.len() >= MAX_TENANTS {
        known.clear();
    }
    known.insert(slug.clone(), (Instant::now(), tenant.clone()));
    Ok(Some(tenant))
}

/// Tenants' proven domains as requests find them: the tenant each names, kept for [`RECHECK`]
/// (a removed domain stops answering within it on other nodes).
#[derive(Debug, Default)]
pub struct Domains(Mutex<HashMap<String, (Instant, Slug)>>);

impl Domains {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Slug)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The tenant whose proven domain `name` is (lower case, no trailing dot), if there is one.
pub async fn for_domain(app: &App, name: &str) -> Result<Option<Arc<Tenant>>> {
    let known = app
        .domains
        .lock()
        .get(name)
        .filter(|(at, _)| at.elapsed() < RECHECK)
        .map(|(_, slug)| slug.clone());
    if let Some(slug) = known
        && let Some(tenant) = for_request(app, &slug).await?
        && tenant
            .domain
            .as_ref()
            .is_some_and(|d| d.name == name && d.is_verified())
    {
        return Ok(Some(tenant));
    }
    // Unknown domains are not kept, as unknown slugs are not.
    let mut conn = app.db.global().await?;
    let Some(tenant) = portico_tenants::find_by_domain(&mut conn, name).await? else {
        app.domains.lock().remove(name);
        return Ok(None);
    };
    let mut known = app.domains.lock();
    if known.len() >= MAX_TENANTS {
        known.clear();
    }
    known.insert(name.to_owned(), (Instant::now(), tenant.slug.clone()));
    Ok(Some(Arc::new(tenant)))
}

/// Drops what this node knows of a tenant, so its next request reads the registry afresh (after
/// the tenant changed its own entry).
pub fn forget(app: &App, slug: &Slug) {
    app.tenants.lock().remove(slug);
}

/// Whether a tenant's portal, console and API answer: only an active tenant's do.
pub fn check_available(status: TenantStatus) -> Result<()> {
    match status {
        TenantStatus::Active => Ok(()),
        TenantStatus::Suspended => Err(Error::Unavailable {
            message: crate::tr!("error-portal-unavailable"),
            retry_after: Duration::from_secs(60),
        }),
    }
}

/// A new tenant and its first administrator, who sets a password through the setup link.
#[derive(Debug)]
pub struct Provisioned {
    pub tenant: Tenant,
    pub admin: CreatedUser,
}

/// Creates a tenant and its first employee administrator in one transaction.
pub async fn provision(
    app: &App,
    slug: &Slug,
    name: &str,
    admin_email: &str,
) -> Result<Provisioned> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::invalid_field(
            "name",
            "must be 1 to 200 characters long",
        ));
    }
    let admin = NewUser::parse(admin_email, "Administrator", UserKind::Employee.as_str())?;
    let mut global = app.db.begin_global().await?;
    let tenant = portico_tenants::create(global.conn(), slug, name, app.clock.now().0).await?;
    let mut tx = global.enter(tenant.id).await?;
    let roles = access::defaults::apply(app, &mut tx).await?;
    let admin = users::insert_with_setup_link(app, &mut tx, &tenant, admin).await?;
    access::defaults::make_administrator(&mut tx, roles, admin.user.id).await?;
    let actor = access::actor(app, &mut tx, Arc::new(tenant.clone()), admin.user.clone()).await?;
    tx.commit().await?;
    // Without the record the next start-up checks the tenant's defaults again: no reason to fail.
    if let Err(error) = access::defaults::record_edition(app, tenant.id).await {
        tracing::warn!(tenant = %tenant.slug, error = %error, "the defaults' edition was not recorded");
    }
    crate::sections::seed_lookups(app, &actor).await?;
    tracing::info!(tenant = %tenant.slug, "tenant provisioned");
    Ok(Provisioned { tenant, admin })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_one_label_under_the_base_domain() {
        let slug = |host| slug_from_host(host, "localhost").map(|s| s.to_string());
        assert_eq!(slug("demo.localhost"), Some("demo".into()));
        assert_eq!(slug("demo.localhost:8080"), Some("demo".into()));
        assert_eq!(slug("DEMO.Localhost."), Some("demo".into()));
        assert_eq!(slug("localhost:8080"), None);
        assert_eq!(slug("a.demo.localhost"), None);
        assert_eq!(slug("demo.example.com"), None);
        assert_eq!(slug("www.localhost"), None);
        assert_eq!(slug("evillocalhost"), None);
        assert_eq!(slug("127.0.0.1:8080"), None);
        assert_eq!(
            slug_from_host("acme.portico.example", "portico.example").map(|s| s.to_string()),
            Some("acme".into())
        );
    }
}
