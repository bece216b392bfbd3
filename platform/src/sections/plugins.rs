//! The hooks of installed custom sections around a save: `validate` and `before-save` before the
//! record is written, `after-save` once it is. The section's imports run as the user on whose
//! behalf the hook runs, through the same services (and the same four gates) as any request.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use object_store::{GetOptions, ObjectStore, path::Path as StorePath};
use serde_json::{Map, Value, json};
use sqlx::Row;

use crate::{
    access::{self, Actor},
    app::App,
    error::{Error, FieldErrors, Result},
    plugin_host::{
        CallContext, CallError, CallLimits, Capabilities, Capability, HookError, HostError,
        HostFuture, HostServices, Invocation, LoadedPlugin, PluginPackage, RecordData, RecordQuery,
    },
    records::{self, Decision, ListRequest, ObjectType, Record, Save, SectionHooks, Widget},
    store::Access,
};

/// Loaded (compiled, pre-linked) sections by component hash and version.
#[derive(Default)]
pub struct LoadedPlugins(Mutex<HashMap<String, Arc<LoadedPlugin>>>);

impl std::fmt::Debug for LoadedPlugins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoadedPlugins")
    }
}

/// An installed section's rules, as the catalog knows them: its component's hooks, and its tile
/// on the portal's main page.
#[derive(Debug)]
pub(crate) struct Installed {
    code: String,
    title: String,
    /// The object the section's tile opens (its first).
    entry: Option<String>,
}

impl Installed {
    pub(crate) fn of(manifest: &records::SectionManifest) -> Arc<dyn SectionHooks> {
        Arc::new(Self {
            code: manifest.code.clone(),
            title: manifest.title.clone(),
            entry: manifest.objects.first().map(|o| o.code.clone()),
        })
    }
}

/// A section on the portal's main page: its title, its icon and where its records are.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PortalEntry {
    pub code: String,
    pub title: String,
    pub object: String,
}

impl Installed {
    /// The section's component and a call on the actor's behalf, `None` once it is disabled.
    async fn ready(
        &self,
        app: &App,
        actor: &Actor,
    ) -> Result<Option<(Arc<LoadedPlugin>, Invocation)>> {
        let Some((plugin, granted)) = plugin_of(app, actor, &self.code).await? else {
            return Ok(None);
        };
        let invocation = invocation(app, actor, &plugin, granted)?;
        Ok(Some((plugin, invocation)))
    }
}

#[async_trait::async_trait]
impl SectionHooks for Installed {
    fn prepares(&self) -> bool {
        true
    }

    /// Runs the section's `validate` and `before-save` on a record about to be saved; applies
    /// the changes `before-save` returns.
    async fn prepare(&self, save: Save<'_>, data: &mut Map<String, Value>) -> Result<()> {
        let Save {
            app,
            actor,
            object,
            previous,
        } = save;
        let Some((plugin, invocation)) = self.ready(app, actor).await? else {
            return Ok(());
        };
        let record = record_data(object, previous, data);
        let before = previous.map(|p| record_data(object, Some(p), &p.data));
        let (issues, saved) = call(app, actor, async move {
            let issues = plugin.validate(&invocation, &record).await?;
            if !issues.is_empty() {
                return Ok((issues, None));
            }
            let saved = plugin
                .before_save(&invocation, &record, before.as_ref())
                .await?;
            Ok((issues, Some(saved)))
        })
        .await?;
        if !issues.is_empty() {
            return Err(refused(HookError::Invalid(issues)));
        }
        match saved.unwrap_or(Ok(None)) {
            Ok(Some(changes)) => {
                for (field, value) in changes {
                    match value {
                        Value::Null => data.remove(&field),
                        value => data.insert(field, value),
                    };
                }
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(error) => Err(refused(error)),
        }
    }

    /// Runs the section's `after-save`. Its failure cannot undo the save: it is logged (with
    /// the section's message) and the user's request succeeds.
    async fn after_commit(&self, save: Save<'_>, record: &Record) -> Result<()> {
        let Save {
            app,
            actor,
            object,
            previous,
        } = save;
        let Some((plugin, invocation)) = self.ready(app, actor).await? else {
            return Ok(());
        };
        let now = record_data(object, Some(record), &record.data);
        let before = previous.map(|p| record_data(object, Some(p), &p.data));
        let outcome = call(app, actor, async move {
            plugin.after_save(&invocation, &now, before.as_ref()).await
        })
        .await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(message)) => {
                tracing::warn!(section = %self.code, %message, "after-save failed")
            }
            Err(error) => tracing::warn!(section = %self.code, %error, "after-save call failed"),
        }
        Ok(())
    }

    /// Runs the section's `on-action` for an action the actor may take.
    async fn on_action(
        &self,
        app: &App,
        actor: &Actor,
        (object, record): (&ObjectType, &Record),
        action: &str,
        comment: Option<&str>,
    ) -> Result<Decision> {
        let Some((plugin, invocation)) = self.ready(app, actor).await? else {
            return Ok(Decision::default());
        };
        let data = record_data(object, Some(record), &record.data);
        let (action, comment) = (action.to_owned(), comment.map(str::to_owned));
        match call(app, actor, async move {
            plugin
                .on_action(&invocation, &action, &data, comment.as_deref())
                .await
        })
        .await?
        {
            Ok(result) => Ok(Decision {
                status: result.status,
                changes: result.changes,
            }),
            Err(error) => Err(refused(error)),
        }
    }

    /// The section's tile, when the actor may read the object it opens.
    async fn main_page(&self, _app: &App, actor: &Actor) -> Vec<Widget> {
        let readable = self
            .entry
            .as_deref()
            .and_then(|code| actor.catalog.get(code))
            .is_some_and(|object| {
                let reads = access::Capability::Records(object, access::Operation::Read);
                access::check(actor, reads).is_ok()
            });
        if !readable {
            return Vec::new();
        }
        vec![Widget::new(
            "section",
            PortalEntry {
                code: self.code.clone(),
                title: self.title.clone(),
                object: self.entry.clone().unwrap_or_default(),
            },
        )]
    }
}

/// An installed section, ready to call with the capabilities granted to it; `None` when it is
/// no longer enabled.
async fn plugin_of(
    app: &App,
    actor: &Actor,
    section: &str,
) -> Result<Option<(Arc<LoadedPlugin>, Capabilities)>> {
    let mut tx = app.db.begin(actor.tenant.id, Access::Read).await?;
    let Some(row) = sqlx::query(
        "SELECT v.version, v.manifest, v.component_hash, v.icon, i.granted FROM installed_sections i
         JOIN section_versions v ON v.tenant_id = i.tenant_id AND v.code = i.code AND v.version = i.version
         WHERE i.tenant_id = $1 AND i.code = $2 AND i.enabled = 1",
    )
    .bind(tx.tenant_param())
    .bind(section)
    .fetch_optional(tx.conn())
    .await?
    else {
        return Ok(None);
    };
    drop(tx);
    let hash: String = row.try_get("component_hash")?;
    let version: String = row.try_get("version")?;
    let granted: Vec<String> =
        serde_json::from_str(&row.try_get::<String, _>("granted")?).unwrap_or_default();
    let granted = granted
        .iter()
        .filter_map(|name| Capability::parse(name))
        .fold(Capabilities::default(), Capabilities::with);
    let key = format!("{hash}:{version}");
    if let Some(loaded) = app.loaded_plugins.0.lock().expect("plugins lock").get(&key) {
        return Ok(Some((loaded.clone(), granted)));
    }
    let component = app
        .files
        .get_opts(
            &StorePath::from(format!("plugins/{hash}.wasm")),
            GetOptions::default(),
        )
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?
        .bytes()
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("file store: {e}")))?;
    let package = PluginPackage {
        manifest: serde_json::from_str(&row.try_get::<String, _>("manifest")?)
            .map_err(|e| Error::Internal(e.into()))?,
        component: component.to_vec(),
        icon: row
            .try_get::<Option<String>, _>("icon")?
            .map(String::into_bytes),
    };
    let loaded = Arc::new(
        super::installed::runtime(app)?
            .load(&package)
            .map_err(|e| Error::Internal(anyhow::anyhow!("installed section {key}: {e}")))?,
    );
    app.loaded_plugins
        .0
        .lock()
        .expect("plugins lock")
        .insert(key, loaded.clone());
    Ok(Some((loaded, granted)))
}

fn invocation(
    app: &App,
    actor: &Actor,
    plugin: &LoadedPlugin,
    granted: Capabilities,
) -> Result<Invocation> {
    Ok(Invocation {
        context: CallContext {
            tenant: actor.tenant.slug.to_string(),
            user: actor.user.to_string(),
            user_name: actor.full_name.clone(),
            // Sections answer in the language of the person they serve.
            language: crate::i18n::current().language.code().into(),
            now: app.clock.now().to_db(),
        },
        granted,
        limits: CallLimits::default(),
        services: Arc::new(Host {
            app: app.handle()?,
            actor: actor.clone(),
            section: plugin.manifest().title.clone(),
            code: plugin.manifest().code.clone(),
        }),
    })
}

fn record_data(
    object: &ObjectType,
    record: Option<&Record>,
    data: &Map<String, Value>,
) -> RecordData {
    RecordData {
        id: record.map(|r| r.id.to_string()).unwrap_or_default(),
        object: object.code.as_str().to_owned(),
        number: record.map(|r| r.number.clone()),
        version: record.map_or(0, |r| r.version),
        status: data
            .get("status")
            .and_then(Value::as_str)
            .map(str::to_owned),
        data: Value::Object(data.clone()).to_string(),
    }
}

/// A failed call: the user learns the section failed (the host logged why, naming the plugin),
/// or that the tenant's sections are busy and the request may be tried again.
fn call_failed(error: CallError) -> Error {
    match error {
        CallError::Busy => Error::Unavailable {
            message: crate::tr!("console-sections-busy"),
            retry_after: std::time::Duration::from_secs(1),
        },
        error => Error::SectionFailed(crate::tr!(
            "console-section-failed",
            error = error.to_string()
        )),
    }
}

/// Runs one hook call on the plugin runtime's call threads, within the actor's tenant's bound.
async fn call<T: Send + 'static>(
    app: &App,
    actor: &Actor,
    hook: impl Future<Output = Result<T, CallError>> + Send + 'static,
) -> Result<T> {
    super::installed::runtime(app)?
        .calls()
        .run(actor.tenant.slug.as_str(), hook)
        .await
        .map_err(call_failed)
}

fn refused(error: HookError) -> Error {
    match error {
        HookError::Invalid(issues) => {
            let mut fields = FieldErrors::new();
            for issue in issues {
                let key = if issue.field.is_empty() {
                    "record".to_owned()
                } else {
                    issue.field
                };
                fields.entry(key).or_default().push(issue.message);
            }
            Error::invalid_fields(fields)
        }
        HookError::Failed(message) => Error::invalid_field("record", message),
    }
}

/// The platform side of a section's imports, bound to the calling user.
struct Host {
    app: Arc<App>,
    actor: Actor,
    /// The section's title, for the messages it sends.
    section: String,
    /// The section's code, for its settings.
    code: String,
}

fn host_error(error: Error) -> HostError {
    match error {
        Error::NotFound(_) => HostError::NotFound,
        Error::Forbidden(message) | Error::Unauthenticated(message) => HostError::Denied(message),
        Error::Conflict(_) => HostError::Conflict,
        Error::Invalid { message, fields } => {
            HostError::Invalid(format!("{message}: {}", json!(fields)))
        }
        Error::BadRequest(message) => HostError::Invalid(message),
        other => HostError::Unavailable(other.to_string()),
    }
}

impl Host {
    async fn data_of(&self, object: &str, rendered: Value) -> Result<RecordData, HostError> {
        let object = records::object_type(&self.actor, object).map_err(host_error)?;
        Ok(RecordData {
            id: rendered["id"].as_str().unwrap_or_default().to_owned(),
            object: object.code.as_str().to_owned(),
            number: rendered["number"].as_str().map(str::to_owned),
            version: rendered["version"].as_i64().unwrap_or_default(),
            status: rendered["data"]["status"].as_str().map(str::to_owned),
            data: rendered["data"].to_string(),
        })
    }
}

fn object_of(text: &str, what: &str) -> Result<Value, HostError> {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(HostError::Invalid(format!("{what} must be a JSON object"))),
    }
}

impl HostServices for Host {
    fn get_record(&self, object: String, id: String) -> HostFuture<'_, RecordData> {
        Box::pin(async move {
            let rendered = records::get(&self.app, &self.actor, &object, &id)
                .await
                .map_err(host_error)?;
            self.data_of(&object, rendered).await
        })
    }

    fn query_records(&self, query: RecordQuery) -> HostFuture<'_, Vec<RecordData>> {
        Box::pin(async move {
            let filter = object_of(&query.filter, "the filter")?;
            let filters = filter
                .as_object()
                .into_iter()
                .flatten()
                .map(|(field, value)| match value {
                    Value::String(text) => format!("{field}:eq:{text}"),
                    other => format!("{field}:eq:{other}"),
                })
                .collect();
            // One page of the list engine at most: offset and limit within it.
            let wanted = query.limit.min(records::MAX_PAGE);
            let request = ListRequest {
                limit: Some(wanted.saturating_add(query.offset).min(records::MAX_PAGE)),
                filters,
                ..ListRequest::default()
            };
            let page = records::list(&self.app, &self.actor, &query.object, &request)
                .await
                .map_err(host_error)?;
            let mut found = Vec::new();
            for rendered in page
                .data
                .into_iter()
                .skip(query.offset as usize)
                .take(wanted as usize)
            {
                found.push(self.data_of(&query.object, rendered).await?);
            }
            Ok(found)
        })
    }

    fn create_record(&self, object: String, data: String) -> HostFuture<'_, RecordData> {
        Box::pin(async move {
            let data = object_of(&data, "the record's data")?;
            let rendered = Box::pin(records::create(&self.app, &self.actor, &object, data))
                .await
                .map_err(host_error)?;
            self.data_of(&object, rendered).await
        })
    }

    fn update_record(
        &self,
        object: String,
        id: String,
        version: i64,
        changes: String,
    ) -> HostFuture<'_, RecordData> {
        Box::pin(async move {
            let changes = object_of(&changes, "the changes")?;
            let rendered = Box::pin(records::update(
                &self.app,
                &self.actor,
                &object,
                &id,
                version,
                changes,
            ))
            .await
            .map_err(host_error)?;
            self.data_of(&object, rendered).await
        })
    }

    /// Queues the tenant's "Message from a custom section" with the section's template code and
    /// values; the tenant's administrators reword it under Mail.
    fn send_email(&self, template: String, recipient: String, data: String) -> HostFuture<'_, ()> {
        Box::pin(async move {
            let to = crate::users::Email::parse(&recipient).map_err(|_| {
                HostError::Invalid(format!("{recipient:?} is not an e-mail address"))
            })?;
            let data = object_of(&data, "the e-mail's values")?;
            let values: Vec<Value> = data
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, v)| !v.is_null())
                .map(|(name, value)| {
                    let value = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    json!({ "name": name.replace('_', " "), "value": value })
                })
                .collect();
            let context = json!({
                "section": self.section, "template": template.replace('_', " "), "values": values,
            });
            let mut tx = self
                .app
                .db
                .begin(self.actor.tenant.id, Access::Write)
                .await
                .map_err(|e| host_error(e.into()))?;
            crate::mail::enqueue(
                &self.app,
                &mut tx,
                &self.actor.tenant.name,
                crate::mail::Outgoing {
                    template: crate::mail::Template::SectionMessage,
                    to,
                    to_name: String::new(),
                    language: None,
                    context,
                },
            )
            .await
            .map_err(host_error)?;
            tx.commit().await.map_err(|e| host_error(e.into()))?;
            Ok(())
        })
    }

    fn read_settings(&self) -> HostFuture<'_, String> {
        Box::pin(async move {
            super::installed::settings(&self.app, self.actor.tenant.id, &self.code)
                .await
                .map(|value| value.to_string())
                .map_err(host_error)
        })
    }
}
