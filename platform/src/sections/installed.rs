//! Custom sections a tenant installs: upload (checked by the plugin host, then against the tenant's
//! configuration limits), upgrade, roll back, disable, uninstall and purge; and the tenant's
//! catalog (the built-in objects plus those of its enabled sections).

use std::{collections::HashMap, sync::Arc};

use object_store::{ObjectStore, PutOptions, PutPayload, path::Path as StorePath};
use portico_tenants::{Configuration, TenantId, limits_of};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{
    access::{self, Actor, Capability},
    app::App,
    error::{Error, FieldErrors, Result},
    plugin_host::{PackageProblem, PluginPackage, PluginRuntime, RuntimeConfig},
    records::Catalog,
    store::{Access, TenantTx, Versioned, Versions, settings},
};

const CONFIGURATIONS: &str = "configurations";

/// What the console and the API show of an installed section.
#[derive(Debug, Clone, Serialize)]
pub struct Installed {
    pub code: String,
    pub title: String,
    pub version: String,
    pub previous_version: Option<String>,
    pub enabled: bool,
    pub granted: Vec<String>,
    pub read_only_reason: Option<String>,
    pub objects: Vec<String>,
    /// Every uploaded version, newest first.
    pub versions: Vec<String>,
    /// Its settings in this tenant, as JSON text.
    pub settings: String,
}

/// The tenants' catalogs with their installed sections, each at the tenant's catalog version
/// (see `store::Versions`): every change of a tenant's sections or configurations bumps it.
/// Keyed by tenant, or (see [`licensed`]) by tenant and license.
#[derive(Debug)]
pub struct CatalogCache<K = TenantId>(std::sync::Mutex<HashMap<K, (i64, Arc<Catalog>)>>);

impl<K> Default for CatalogCache<K> {
    fn default() -> Self {
        Self(Default::default())
    }
}

impl<K: std::hash::Hash + Eq> CatalogCache<K> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (i64, Arc<Catalog>)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, key: &K, version: i64) -> Option<Arc<Catalog>> {
        self.lock()
            .get(key)
            .filter(|(cached, _)| *cached == version)
            .map(|(_, catalog)| catalog.clone())
    }

    /// Keeps `catalog` unless a newer version is cached already (a request that read an older
    /// version may finish loading last).
    fn keep(&self, key: K, version: i64, catalog: &Arc<Catalog>) {
        let mut cached = self.lock();
        if cached
            .get(&key)
            .is_none_or(|(newest, _)| *newest <= version)
        {
            cached.insert(key, (version, catalog.clone()));
        }
    }
}

/// What holders of a `license` portal license work with, of the tenant's catalog `all` at
/// `version` (see [`Catalog::for_license`]).
pub fn licensed(
    app: &App,
    tenant: TenantId,
    version: i64,
    all: &Catalog,
    license: Configuration,
) -> Arc<Catalog> {
    let key = (tenant, license);
    if let Some(catalog) = app.licensed_catalogs.get(&key, version) {
        return catalog;
    }
    let catalog = Arc::new(all.for_license(license));
    app.licensed_catalogs.keep(key, version, &catalog);
    catalog
}

/// The process's plugin runtime, started on first use (it reserves its instance pool).
pub fn runtime(app: &App) -> Result<&PluginRuntime> {
    if let Some(runtime) = app.plugins.get() {
        return Ok(runtime);
    }
    let runtime = PluginRuntime::new(RuntimeConfig {
        cache_dir: Some(app.config.data_dir.join("plugin-cache")),
        // Calls at once across all tenants; a 2-core node does not run more usefully.
        max_instances: 256,
        ..RuntimeConfig::default()
    })
    .map_err(|e| Error::Internal(e.into()))?;
    Ok(app.plugins.get_or_init(|| runtime))
}

/// The configurations a tenant runs (self-service unless the operator set others).
pub async fn configurations(tx: &mut TenantTx) -> Result<Vec<Configuration>> {
    let value = settings::get(tx, CONFIGURATIONS).await?;
    let names: Vec<String> = value
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default();
    let mut found: Vec<Configuration> = names
        .iter()
        .filter_map(|n| Configuration::parse(n))
        .collect();
    if found.is_empty() {
        found.push(Configuration::SelfService);
    }
    Ok(found)
}

/// Sets the configurations a tenant runs (an operator's decision: the command line).
pub async fn set_configurations(
    app: &App,
    tenant: TenantId,
    configurations: &[Configuration],
) -> Result<()> {
    let names: Vec<&str> = configurations.iter().map(|c| c.as_str()).collect();
    let mut tx = app.db.begin(tenant, Access::Write).await?;
    let value = serde_json::to_string(&names).map_err(|e| Error::Internal(e.into()))?;
    if settings::get(&mut tx, CONFIGURATIONS).await?.as_deref() != Some(value.as_str()) {
        settings::put(&mut tx, CONFIGURATIONS, &value).await?;
        Versions::bump(&mut tx, Versioned::Catalog).await?;
        // The objects a configuration opens start with their default permissions.
        access::defaults::apply(app, &mut tx).await?;
        crate::licenses::rehome(app, &mut tx).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The tenant's objects at catalog `version`: built-in ones and those of its enabled sections,
/// from the cache, or loaded in `tx`.
pub async fn catalog(app: &App, tx: &mut TenantTx, version: i64) -> Result<Arc<Catalog>> {
    let tenant = tx.tenant();
    if let Some(catalog) = app.tenant_catalogs.get(&tenant, version) {
        return Ok(catalog);
    }
    // In the order the sections were first installed: the first ones keep within the limits.
    let rows = sqlx::query(
        "SELECT i.code, i.read_only_reason, v.manifest FROM installed_sections i
         JOIN section_versions v ON v.tenant_id = i.tenant_id AND v.code = i.code AND v.version = i.version
         WHERE i.tenant_id = $1 AND i.enabled = 1
         ORDER BY (SELECT min(f.uploaded_at) FROM section_versions f
                   WHERE f.tenant_id = i.tenant_id AND f.code = i.code), i.code",
    )
    .bind(tx.tenant_param())
    .fetch_all(tx.conn())
    .await?;
    let running = configurations(tx).await?;
    let limits = limits_of(&running);
    let names: Vec<&str> = running.iter().map(|c| c.as_str()).collect();
    let built_in = app.catalog.for_configurations(&names);
    let catalog = if rows.is_empty() {
        Arc::new(built_in)
    } else {
        let mut manifests = Vec::new();
        let mut read_only = Vec::new();
        let mut sizes = Vec::new();
        for row in &rows {
            let text: String = row.try_get("manifest")?;
            let manifest: Value =
                serde_json::from_str(&text).map_err(|e| Error::Internal(e.into()))?;
            sizes.push(manifest["objects"].as_array().map_or(0, Vec::len));
            manifests.push(manifest);
            if let Some(reason) = row.try_get::<Option<String>, _>("read_only_reason")? {
                read_only.push((row.try_get::<String, _>("code")?, reason));
            }
        }
        let over = limits.sections_over(built_in.objects().count(), &sizes);
        for (row, reason) in rows.iter().zip(over) {
            if let Some(reason) = reason {
                read_only.push((row.try_get::<String, _>("code")?, reason));
            }
        }
        let mut catalog = built_in
            .with_sections(&manifests, &super::plugins::Installed::of)
            .map_err(|problems| {
                Error::Internal(anyhow::anyhow!(
                    "installed sections do not load: {problems:?}"
                ))
            })?;
        for (code, reason) in read_only {
            catalog.set_read_only(&code, &reason);
        }
        Arc::new(catalog)
    };
    app.tenant_catalogs.keep(tenant, version, &catalog);
    Ok(catalog)
}

/// The tenant's objects as they are now, for work outside a request (start-up, jobs).
pub async fn current_catalog(app: &App, tx: &mut TenantTx) -> Result<Arc<Catalog>> {
    let versions = Versions::read(tx).await?;
    catalog(app, tx, versions.catalog).await
}

fn invalid(problems: impl IntoIterator<Item = PackageProblem>) -> Error {
    let mut fields = FieldErrors::new();
    for problem in problems {
        let key = problem.pointer.unwrap_or_else(|| "component".into());
        let key = if key.is_empty() { "/".into() } else { key };
        fields.entry(key).or_default().push(problem.message);
    }
    Error::invalid_fields(fields)
}

fn refused(message: String) -> Error {
    Error::Conflict(message)
}

/// Installs a section, or upgrades it to the package's version. `grant` lists the capabilities
/// the administrator grants (each must be requested by the manifest); `None` grants all requested.
pub async fn install(
    app: &App,
    actor: &Actor,
    package: PluginPackage,
    grant: Option<Vec<String>>,
) -> Result<Installed> {
    access::check(actor, Capability::ConfigureAccess)?;
    let loaded = runtime(app)?.load(&package).map_err(|e| match e {
        crate::plugin_host::LoadError::Invalid(problems) => invalid(problems),
        other => Error::Internal(other.into()),
    })?;
    let manifest = loaded.manifest().clone();
    let code = manifest.code.clone();
    let version = manifest.version.clone().unwrap_or_else(|| "1.0.0".into());
    let requested: Vec<String> = manifest.capabilities.clone();
    let granted = match grant {
        None => requested.clone(),
        Some(grant) => {
            if let Some(extra) = grant.iter().find(|g| !requested.contains(g)) {
                return Err(Error::invalid_field(
                    "grant",
                    crate::tr!("console-grant-not-requested", capability = extra),
                ));
            }
            grant
        }
    };
    if app.catalog.objects().any(|o| o.section == code) {
        return Err(refused(crate::tr!(
            "console-built-in-section",
            code = &code
        )));
    }

    // Read before the transaction: a request never holds one connection while waiting for another.
    let current = actor.catalog.clone();
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let limits = limits_of(&configurations(&mut tx).await?);
    let others: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM installed_sections WHERE tenant_id = $1 AND code <> $2",
    )
    .bind(tx.tenant_param())
    .bind(&code)
    .fetch_one(tx.conn())
    .await?;
    // The objects on the portal with this section, in place of its current version.
    let portal_objects =
        current.objects().filter(|o| o.section != code).count() + manifest.objects.len();
    limits
        .admit(
            usize::try_from(others).unwrap_or(usize::MAX),
            portal_objects,
        )
        .map_err(|refusal| refused(refusal.to_string()))?;
    let read_only_reason = manifest.objects.iter().find_map(|object| {
        let layout = object.layouts.portal.as_ref()?;
        let on_page = layout
            .sections
            .iter()
            .map(|s| s.fields.len())
            .sum::<usize>()
            + layout.details.len();
        limits.page_refusal(&object.code, on_page)
    });
    // The objects must fit with the other sections' (codes unique, references resolvable).
    let manifest_value = package.manifest.clone();
    let mut manifests: Vec<Value> = Vec::new();
    for row in sqlx::query(
        "SELECT v.manifest FROM installed_sections i
         JOIN section_versions v ON v.tenant_id = i.tenant_id AND v.code = i.code AND v.version = i.version
         WHERE i.tenant_id = $1 AND i.code <> $2",
    )
    .bind(tx.tenant_param())
    .bind(&code)
    .fetch_all(tx.conn())
    .await?
    {
        let text: String = row.try_get("manifest")?;
        manifests.push(serde_json::from_str(&text).map_err(|e| Error::Internal(e.into()))?);
    }
    manifests.push(manifest_value.clone());
    app.catalog
        .with_sections(&manifests, &super::plugins::Installed::of)
        .map_err(|problems| {
            invalid(problems.into_iter().map(|p| PackageProblem {
                pointer: Some(p.pointer),
                message: p.message,
            }))
        })?;

    let hash = hex(&Sha256::digest(&package.component));
    app.files
        .put_opts(
            &StorePath::from(format!("plugins/{hash}.wasm")),
            PutPayload::from(package.component.clone()),
            PutOptions::default(),
        )
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?;
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT component_hash FROM section_versions WHERE tenant_id = $1 AND code = $2 AND version = $3",
    )
    .bind(tx.tenant_param())
    .bind(&code)
    .bind(&version)
    .fetch_optional(tx.conn())
    .await?;
    match stored {
        Some(existing) if existing != hash => {
            return Err(refused(crate::tr!(
                "console-version-conflict",
                version = &version,
                code = &code
            )));
        }
        Some(_) => {}
        None => {
            let icon = package
                .icon
                .as_ref()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned());
            sqlx::query(
                "INSERT INTO section_versions (tenant_id, code, version, manifest, component_hash, icon, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(tx.tenant_param())
            .bind(&code)
            .bind(&version)
            .bind(manifest_value.to_string())
            .bind(&hash)
            .bind(icon)
            .bind(actor.user)
            .bind(app.clock.now())
            .execute(tx.conn())
            .await?;
        }
    }
    let previous: Option<String> = sqlx::query_scalar(
        "SELECT version FROM installed_sections WHERE tenant_id = $1 AND code = $2",
    )
    .bind(tx.tenant_param())
    .bind(&code)
    .fetch_optional(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO installed_sections (tenant_id, code, version, previous_version, enabled, granted, read_only_reason, changed_at)
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7)
         ON CONFLICT (tenant_id, code) DO UPDATE SET version = excluded.version,
             previous_version = excluded.previous_version, enabled = 1, granted = excluded.granted,
             read_only_reason = excluded.read_only_reason, changed_at = excluded.changed_at",
    )
    .bind(tx.tenant_param())
    .bind(&code)
    .bind(&version)
    .bind(previous.filter(|p| *p != version))
    .bind(serde_json::to_string(&granted).map_err(|e| Error::Internal(e.into()))?)
    .bind(read_only_reason)
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    let after = Some(serde_json::json!({ "version": version, "granted": granted }));
    finish(app, tx, actor, "section.install", &code, None, after).await?;
    find(app, actor, &code).await
}

/// Ends a change to a section: audited, committed, and the tenant's catalog rebuilt.
async fn finish(
    app: &App,
    mut tx: TenantTx,
    actor: &Actor,
    action: &str,
    code: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<()> {
    let target = format!("section:{code}");
    access::audit(app, &mut tx, actor, action, target, before, after).await?;
    Versions::bump(&mut tx, Versioned::Catalog).await?;
    tx.commit().await?;
    changed(app, actor.tenant.id).await
}

/// After a change has committed: the new objects get their default permissions. Until they have
/// them the tenant counts as behind, so a node that stops in between leaves them to the next
/// start-up.
async fn changed(app: &App, tenant: TenantId) -> Result<()> {
    access::defaults::forget_edition(app, tenant).await?;
    let mut tx = app.db.begin(tenant, Access::Write).await?;
    access::defaults::apply(app, &mut tx).await?;
    tx.commit().await?;
    access::defaults::record_edition(app, tenant).await
}

/// Bytes as lower-case hexadecimal digits.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The tenant's installed sections.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Installed>> {
    access::check(actor, Capability::ConfigureAccess)?;
    // What is read-only now (a smaller configuration, too many objects on a page).
    let current = actor.catalog.clone();
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let rows = sqlx::query(
        "SELECT i.code, i.version, i.previous_version, i.enabled, i.granted, i.read_only_reason, v.manifest
         FROM installed_sections i
         JOIN section_versions v ON v.tenant_id = i.tenant_id AND v.code = i.code AND v.version = i.version
         WHERE i.tenant_id = $1 ORDER BY i.code",
    )
    .bind(tx.tenant_param())
    .fetch_all(tx.conn())
    .await?;
    let mut all = Vec::new();
    for row in rows {
        let code: String = row.try_get("code")?;
        let manifest: Value = serde_json::from_str(&row.try_get::<String, _>("manifest")?)
            .map_err(|e| Error::Internal(e.into()))?;
        let versions: Vec<String> = sqlx::query_scalar(
            "SELECT version FROM section_versions WHERE tenant_id = $1 AND code = $2 ORDER BY uploaded_at DESC",
        )
        .bind(tx.tenant_param())
        .bind(&code)
        .fetch_all(tx.conn())
        .await?;
        let own = settings::get(&mut tx, &settings_key(&code)).await?;
        let objects: Vec<String> = manifest["objects"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["code"].as_str().map(str::to_owned))
            .collect();
        let read_only_reason = objects
            .iter()
            .find_map(|o| current.read_only_reason(o))
            .map(str::to_owned)
            .or(row.try_get("read_only_reason")?);
        all.push(Installed {
            settings: own.unwrap_or_else(|| "{}".into()),
            title: manifest["title"].as_str().unwrap_or(&code).to_owned(),
            objects,
            read_only_reason,
            version: row.try_get("version")?,
            previous_version: row.try_get("previous_version")?,
            enabled: row.try_get::<i64, _>("enabled")? == 1,
            granted: serde_json::from_str(&row.try_get::<String, _>("granted")?)
                .unwrap_or_default(),
            versions,
            code,
        });
    }
    Ok(all)
}

async fn find(app: &App, actor: &Actor, code: &str) -> Result<Installed> {
    list(app, actor)
        .await?
        .into_iter()
        .find(|s| s.code == code)
        .ok_or(Error::NotFound("section"))
}

/// Enables or disables a section: a disabled section's objects leave the portal and the console
/// (their records stay).
pub async fn set_enabled(app: &App, actor: &Actor, code: &str, enabled: bool) -> Result<Installed> {
    access::check(actor, Capability::ConfigureAccess)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let done = sqlx::query(
        "UPDATE installed_sections SET enabled = $3, changed_at = $4 WHERE tenant_id = $1 AND code = $2",
    )
    .bind(tx.tenant_param())
    .bind(code)
    .bind(i64::from(enabled))
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound("section"));
    }
    let action = if enabled {
        "section.enable"
    } else {
        "section.disable"
    };
    finish(app, tx, actor, action, code, None, None).await?;
    find(app, actor, code).await
}

/// Goes back to the version installed before the current one.
pub async fn rollback(app: &App, actor: &Actor, code: &str) -> Result<Installed> {
    access::check(actor, Capability::ConfigureAccess)?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    let row = sqlx::query(
        "SELECT version, previous_version FROM installed_sections WHERE tenant_id = $1 AND code = $2",
    )
    .bind(tx.tenant_param())
    .bind(code)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(Error::NotFound("section"))?;
    let current: String = row.try_get("version")?;
    let Some(previous) = row.try_get::<Option<String>, _>("previous_version")? else {
        return Err(refused(crate::tr!(
            "console-no-previous-version",
            code = code
        )));
    };
    sqlx::query(
        "UPDATE installed_sections SET version = $3, previous_version = $4, changed_at = $5
         WHERE tenant_id = $1 AND code = $2",
    )
    .bind(tx.tenant_param())
    .bind(code)
    .bind(&previous)
    .bind(&current)
    .bind(app.clock.now())
    .execute(tx.conn())
    .await?;
    let before = Some(serde_json::json!({ "version": current }));
    let after = Some(serde_json::json!({ "version": previous }));
    finish(app, tx, actor, "section.rollback", code, before, after).await?;
    find(app, actor, code).await
}

/// Uninstalls a section. Its records and uploaded versions stay (installing it again brings them
/// back) unless `purge`, which deletes them for good.
pub async fn uninstall(app: &App, actor: &Actor, code: &str, purge: bool) -> Result<()> {
    access::check(actor, Capability::ConfigureAccess)?;
    let installed = find(app, actor, code).await?;
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    sqlx::query("DELETE FROM installed_sections WHERE tenant_id = $1 AND code = $2")
        .bind(tx.tenant_param())
        .bind(code)
        .execute(tx.conn())
        .await?;
    if purge {
        sqlx::query("DELETE FROM section_versions WHERE tenant_id = $1 AND code = $2")
            .bind(tx.tenant_param())
            .bind(code)
            .execute(tx.conn())
            .await?;
        // The records and what hangs on them by object: rights, search entries, history.
        for object in &installed.objects {
            for table in [
                "records",
                "record_access",
                "search_documents",
                "record_events",
            ] {
                let sql = format!("DELETE FROM {table} WHERE tenant_id = $1 AND object = $2");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(tx.tenant_param())
                    .bind(object)
                    .execute(tx.conn())
                    .await?;
            }
        }
    }
    let action = if purge {
        "section.purge"
    } else {
        "section.uninstall"
    };
    finish(app, tx, actor, action, code, None, None).await
}

fn settings_key(code: &str) -> String {
    format!("section:{code}")
}

/// A section's settings in the tenant (a JSON object; empty until an administrator sets them).
pub async fn settings(app: &App, tenant: TenantId, code: &str) -> Result<Value> {
    let mut tx = app.db.begin(tenant, Access::Read).await?;
    let text = settings::get(&mut tx, &settings_key(code)).await?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| serde_json::json!({})))
}

/// Sets a section's settings (administrators): a JSON object of at most 16 KiB.
pub async fn set_settings(app: &App, actor: &Actor, code: &str, text: &str) -> Result<()> {
    access::check(actor, Capability::ConfigureAccess)?;
    find(app, actor, code).await?;
    if text.len() > 16 * 1024 {
        return Err(Error::invalid_field(
            "settings",
            crate::tr!("console-settings-too-large"),
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::invalid_field(
            "settings",
            crate::tr!("console-not-json", error = e.to_string()),
        )
    })?;
    if !value.is_object() {
        return Err(Error::invalid_field(
            "settings",
            crate::tr!("console-settings-not-object"),
        ));
    }
    let mut tx = app.db.begin(actor.tenant.id, Access::Write).await?;
    settings::put(&mut tx, &settings_key(code), &value.to_string()).await?;
    access::audit(
        app,
        &mut tx,
        actor,
        "section.settings",
        format!("section:{code}"),
        None,
        Some(value),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The icon of an installed section (SVG or PNG bytes), if it has one.
pub async fn icon(app: &App, actor: &Actor, code: &str) -> Result<Vec<u8>> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let icon: Option<Option<String>> = sqlx::query_scalar(
        "SELECT v.icon FROM installed_sections i
         JOIN section_versions v ON v.tenant_id = i.tenant_id AND v.code = i.code AND v.version = i.version
         WHERE i.tenant_id = $1 AND i.code = $2 AND i.enabled = 1",
    )
    .bind(tx.tenant_param())
    .bind(code)
    .fetch_optional(tx.conn())
    .await?;
    icon.flatten()
        .map(String::into_bytes)
        .ok_or(Error::NotFound("icon"))
}
