//! A loaded plugin version and its hooks. Each hook call gets a fresh store from the plugin's
//! `InstancePre`, with its own limits; whatever goes wrong inside fails that call alone, with a
//! [`CallError`] and a log line naming tenant, plugin, version and reason.

use std::{sync::Arc, time::Duration};

use serde_json::{Map, Value};
use wasmtime::{
    PoolConcurrencyLimitError, Store, Trap,
    component::{ComponentExportIndex, ComponentNamedList, Instance, InstancePre, Lift, Lower},
};

use super::{
    Capabilities, HostServices,
    engine::EpochTicker,
    imports::{CallState, record_bytes},
    limits::{Abort, CallClock, CallLimits, MemoryCap},
    manifest::PluginManifest,
    wit_v1::{
        HookIndices,
        portico::section::types::{ActionOutcome, CallContext, FieldIssue, HookError, RecordData},
    },
};

/// Code and version of a plugin, as they appear in logs and errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginLabel {
    pub code: String,
    pub version: String,
}

/// One hook call's circumstances: on whose behalf, what the tenant granted, which limits, and the
/// platform services (bound to the calling user) that back the imports.
#[derive(Clone)]
pub struct Invocation {
    pub context: CallContext,
    pub granted: Capabilities,
    pub limits: CallLimits,
    pub services: Arc<dyn HostServices>,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invocation")
            .field("context", &self.context)
            .field("granted", &self.granted)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// What an action did, with its field changes parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResult {
    pub status: Option<String>,
    pub changes: Option<Map<String, Value>>,
    pub message: Option<String>,
}

/// Why a hook call failed. The call changed nothing on the host's side; other calls and tenants
/// are unaffected. `Display` is fit to show a tenant administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("the input to the section is {bytes} bytes, over the {limit}-byte limit")]
    InputTooLarge { bytes: usize, limit: usize },
    #[error("the section returned more than the {limit}-byte limit")]
    OutputTooLarge { limit: usize },
    #[error("the section ran past its {limit:?} CPU deadline and was stopped")]
    DeadlineExceeded { limit: Duration },
    #[error("the section ran past the {limit:?} wall-clock limit and was stopped")]
    WallTimeExceeded { limit: Duration },
    #[error("the section tried to use more than {limit} bytes of memory and was stopped")]
    MemoryExceeded { limit: usize },
    #[error("the section called the host more than {limit} times and was stopped")]
    TooManyHostCalls { limit: u32 },
    #[error("the section panicked: {message}")]
    Panicked { message: String },
    #[error("the section trapped: {reason}")]
    Trapped { reason: String },
    #[error("the section returned something malformed: {reason}")]
    Malformed { reason: String },
    #[error("the section failed: {reason}")]
    Failed { reason: String },
    #[error("too many section calls are running; try again")]
    Busy,
}

impl CallError {
    /// A short, stable name of the failure kind, for logs and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InputTooLarge { .. } => "input_too_large",
            Self::OutputTooLarge { .. } => "output_too_large",
            Self::DeadlineExceeded { .. } => "deadline",
            Self::WallTimeExceeded { .. } => "wall_time",
            Self::MemoryExceeded { .. } => "memory",
            Self::TooManyHostCalls { .. } => "host_calls",
            Self::Panicked { .. } => "panic",
            Self::Trapped { .. } => "trap",
            Self::Malformed { .. } => "malformed",
            Self::Failed { .. } => "failed",
            Self::Busy => "busy",
        }
    }
}

/// A plugin version ready to run: its manifest and its pre-linked component. Cheap to clone and
/// share between tenants; calls never compile anything.
#[derive(Clone)]
pub struct LoadedPlugin {
    pub(crate) label: Arc<PluginLabel>,
    pub(crate) manifest: Arc<PluginManifest>,
    pub(crate) requested: Capabilities,
    pub(crate) warnings: Arc<[String]>,
    pub(crate) pre: InstancePre<CallState>,
    pub(crate) hooks: HookIndices,
    pub(crate) limit_caps: CallLimits,
    /// Keeps the epoch advancing while this plugin can run.
    pub(crate) _ticker: Arc<EpochTicker>,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("label", &self.label)
            .field("requested", &self.requested)
            .finish_non_exhaustive()
    }
}

/// One hook call in progress: its store and its instance.
struct Call<'a> {
    invocation: &'a Invocation,
    hook: &'static str,
    store: Store<CallState>,
    instance: Instance,
}

impl Call<'_> {
    /// Calls the hook at `index` with `params`; `R` is its WIT result type.
    async fn run<P, R>(&mut self, index: &ComponentExportIndex, params: P) -> wasmtime::Result<R>
    where
        P: ComponentNamedList + Lower + Send + Sync,
        (R,): ComponentNamedList + Lift + Send + Sync + 'static,
    {
        let hook = self
            .instance
            .get_typed_func::<P, (R,)>(&mut self.store, index)?;
        let (returned,) = hook.call_async(&mut self.store, params).await?;
        Ok(returned)
    }
}

impl LoadedPlugin {
    pub fn label(&self) -> &PluginLabel {
        &self.label
    }

    pub fn manifest(&self) -> &PluginManifest {
        &self.manifest
    }

    /// Capabilities the manifest requests (a call gets these intersected with the tenant's grant).
    pub fn requested_capabilities(&self) -> Capabilities {
        self.requested
    }

    /// Things worth telling the developer that do not stop the upload.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// `validate`: the problems with a record; empty when it is valid.
    pub async fn validate(
        &self,
        invocation: &Invocation,
        record: &RecordData,
    ) -> Result<Vec<FieldIssue>, CallError> {
        let input = context_bytes(&invocation.context) + record_bytes(record);
        let mut call = self.start(invocation, "validate", input).await?;
        let result = call
            .run::<_, Vec<FieldIssue>>(&self.hooks.validate, (&invocation.context, record))
            .await;
        self.finish(call, result, |issues| issues.iter().map(issue_bytes).sum())
    }

    /// `before-save`: field changes to apply before saving, or why the save must not happen.
    pub async fn before_save(
        &self,
        invocation: &Invocation,
        record: &RecordData,
        previous: Option<&RecordData>,
    ) -> Result<Result<Option<Map<String, Value>>, HookError>, CallError> {
        let input = context_bytes(&invocation.context)
            + record_bytes(record)
            + previous.map_or(0, record_bytes);
        let mut call = self.start(invocation, "before-save", input).await?;
        let result = call
            .run::<_, Result<Option<String>, HookError>>(
                &self.hooks.before_save,
                (&invocation.context, record, previous),
            )
            .await;
        let returned = self.finish(call, result, |r| match r {
            Ok(changes) => changes.as_ref().map_or(0, String::len),
            Err(error) => hook_error_bytes(error),
        })?;
        Ok(match returned {
            Ok(Some(changes)) => Ok(Some(self.json_object(
                invocation,
                "before-save",
                &changes,
            )?)),
            Ok(None) => Ok(None),
            Err(error) => Err(error),
        })
    }

    /// `after-save`: runs after the save committed; an `Err` is the section's own failure message.
    pub async fn after_save(
        &self,
        invocation: &Invocation,
        record: &RecordData,
        previous: Option<&RecordData>,
    ) -> Result<Result<(), String>, CallError> {
        let input = context_bytes(&invocation.context)
            + record_bytes(record)
            + previous.map_or(0, record_bytes);
        let mut call = self.start(invocation, "after-save", input).await?;
        let result = call
            .run::<_, Result<(), String>>(
                &self.hooks.after_save,
                (&invocation.context, record, previous),
            )
            .await;
        self.finish(call, result, |r| r.as_ref().err().map_or(0, String::len))
    }

    /// `on-action`: performs a manifest action on a record.
    pub async fn on_action(
        &self,
        invocation: &Invocation,
        action: &str,
        record: &RecordData,
        comment: Option<&str>,
    ) -> Result<Result<ActionResult, HookError>, CallError> {
        let input = context_bytes(&invocation.context)
            + action.len()
            + record_bytes(record)
            + comment.map_or(0, str::len);
        let mut call = self.start(invocation, "on-action", input).await?;
        let result = call
            .run::<_, Result<ActionOutcome, HookError>>(
                &self.hooks.on_action,
                (&invocation.context, action, record, comment),
            )
            .await;
        let returned = self.finish(call, result, |r| match r {
            Ok(outcome) => outcome_bytes(outcome),
            Err(error) => hook_error_bytes(error),
        })?;
        Ok(match returned {
            Ok(outcome) => Ok(ActionResult {
                changes: match &outcome.changes {
                    Some(changes) => Some(self.json_object(invocation, "on-action", changes)?),
                    None => None,
                },
                status: outcome.status,
                message: outcome.message,
            }),
            Err(error) => Err(error),
        })
    }

    /// `widget-data`: a widget's data as JSON, or the section's own failure message.
    pub async fn widget_data(
        &self,
        invocation: &Invocation,
        widget: &str,
    ) -> Result<Result<Value, String>, CallError> {
        let input = context_bytes(&invocation.context) + widget.len();
        let mut call = self.start(invocation, "widget-data", input).await?;
        let result = call
            .run::<_, Result<String, String>>(
                &self.hooks.widget_data,
                (&invocation.context, widget),
            )
            .await;
        let returned = self.finish(call, result, |r| match r {
            Ok(text) | Err(text) => text.len(),
        })?;
        match returned {
            Ok(text) => serde_json::from_str(&text).map(Ok).map_err(|e| {
                self.log_failure(
                    invocation,
                    "widget-data",
                    CallError::Malformed {
                        reason: format!("widget data is not JSON: {e}"),
                    },
                )
            }),
            Err(message) => Ok(Err(message)),
        }
    }

    /// Checks the input size, then builds a fresh store with this call's limits and instantiates.
    async fn start<'a>(
        &self,
        invocation: &'a Invocation,
        hook: &'static str,
        input_bytes: usize,
    ) -> Result<Call<'a>, CallError> {
        let limits = invocation.limits.capped_by(&self.limit_caps);
        if input_bytes > limits.max_input_bytes {
            return Err(self.log_failure(
                invocation,
                hook,
                CallError::InputTooLarge {
                    bytes: input_bytes,
                    limit: limits.max_input_bytes,
                },
            ));
        }
        let clock = CallClock::start(&limits);
        let deadline = clock.initial_ticks();
        let state = CallState {
            plugin: self.label.clone(),
            tenant: invocation.context.tenant.clone(),
            requested: self.requested,
            granted: invocation.granted,
            limits,
            services: invocation.services.clone(),
            clock,
            memory: MemoryCap {
                memory_bytes: limits.memory_bytes,
            },
            host_calls: 0,
            panic_message: None,
        };
        let mut store = Store::new(self.pre.engine(), state);
        store.limiter(|state| &mut state.memory);
        // What the guest hands the host (a hook's result, an import's arguments) is counted as
        // it is lifted: an oversized answer fails before it is copied.
        store.set_hostcall_fuel(limits.max_output_bytes);
        store.set_epoch_deadline(deadline);
        store.epoch_deadline_callback(|store| store.data().clock.on_deadline());
        match self.pre.instantiate_async(&mut store).await {
            Ok(instance) => Ok(Call {
                invocation,
                hook,
                store,
                instance,
            }),
            Err(error) => {
                let failure = classify(&store, error);
                Err(self.log_failure(invocation, hook, failure))
            }
        }
    }

    /// Turns a finished call into its answer: the trap classified, or the output size checked.
    fn finish<R>(
        &self,
        call: Call<'_>,
        result: wasmtime::Result<R>,
        output_bytes: impl FnOnce(&R) -> usize,
    ) -> Result<R, CallError> {
        let failure = match result {
            Ok(value) => {
                let (bytes, limit) = (
                    output_bytes(&value),
                    call.store.data().limits.max_output_bytes,
                );
                if bytes <= limit {
                    return Ok(value);
                }
                CallError::OutputTooLarge { limit }
            }
            Err(error) => classify(&call.store, error),
        };
        Err(self.log_failure(call.invocation, call.hook, failure))
    }

    fn json_object(
        &self,
        invocation: &Invocation,
        hook: &'static str,
        text: &str,
    ) -> Result<Map<String, Value>, CallError> {
        match serde_json::from_str(text) {
            Ok(Value::Object(fields)) => Ok(fields),
            _ => Err(self.log_failure(
                invocation,
                hook,
                CallError::Malformed {
                    reason: "field changes must be a JSON object".into(),
                },
            )),
        }
    }

    fn log_failure(&self, invocation: &Invocation, hook: &str, failure: CallError) -> CallError {
        tracing::warn!(
            tenant = %invocation.context.tenant,
            plugin = %self.label.code,
            version = %self.label.version,
            hook,
            kind = failure.kind(),
            "plugin call failed: {failure}"
        );
        failure
    }
}

/// Names what stopped a call: one of our own aborts, a panic the SDK reported, a wasm trap, a
/// full instance pool, or anything else wasmtime refused (such as a malformed return value).
fn classify(store: &Store<CallState>, error: wasmtime::Error) -> CallError {
    let state = store.data();
    if let Some(abort) = error.downcast_ref::<Abort>() {
        return match abort {
            Abort::Deadline => CallError::DeadlineExceeded {
                limit: state.limits.cpu_time,
            },
            Abort::WallTime => CallError::WallTimeExceeded {
                limit: state.limits.wall_time,
            },
            Abort::Memory => CallError::MemoryExceeded {
                limit: state.limits.memory_bytes,
            },
            Abort::HostCalls => CallError::TooManyHostCalls {
                limit: state.limits.max_host_calls,
            },
        };
    }
    if let Some(message) = &state.panic_message {
        return CallError::Panicked {
            message: message.clone(),
        };
    }
    if let Some(trap) = error.downcast_ref::<Trap>() {
        return CallError::Trapped {
            reason: trap.to_string(),
        };
    }
    if error.downcast_ref::<PoolConcurrencyLimitError>().is_some() {
        return CallError::Busy;
    }
    // wasmtime's "hostcall fuel" (set to the output limit) ran out while lifting; its error type
    // is private, its message is not.
    if format!("{error:#}").contains("fuel allocated for hostcalls has been exhausted") {
        return CallError::OutputTooLarge {
            limit: state.limits.max_output_bytes,
        };
    }
    CallError::Failed {
        reason: format!("{error:#}"),
    }
}

fn context_bytes(context: &CallContext) -> usize {
    context.tenant.len()
        + context.user.len()
        + context.user_name.len()
        + context.language.len()
        + context.now.len()
}

fn issue_bytes(issue: &FieldIssue) -> usize {
    issue.field.len() + issue.message.len()
}

fn hook_error_bytes(error: &HookError) -> usize {
    match error {
        HookError::Invalid(issues) => issues.iter().map(issue_bytes).sum(),
        HookError::Failed(message) => message.len(),
    }
}

fn outcome_bytes(outcome: &ActionOutcome) -> usize {
    [&outcome.status, &outcome.changes, &outcome.message]
        .into_iter()
        .map(|text| text.as_ref().map_or(0, String::len))
        .sum()
}
