//! The host side of the section imports. Each call passes the same gate, in order: call budget,
//! capability (requested by the manifest AND granted by the tenant admin), argument size, the
//! service under a timeout, result size. Refusals are errors returned to the section plus a log
//! line; only a broken limit (too many calls) traps.

use std::{
    hash::{BuildHasher, RandomState},
    sync::{Arc, LazyLock},
};

use super::{
    Capabilities, Capability, HostServices, PluginLabel,
    limits::{Abort, CallClock, CallLimits, MemoryCap},
    services::HostFuture,
    wit_v1::portico::section::{
        diagnostics, email, log, records, settings,
        types::{self, HostError, RecordData},
    },
};

/// Longest panic message kept from a section.
const MAX_PANIC_MESSAGE: usize = 2048;

/// Everything one call's store carries. Kept small: a store is built for every call.
pub(crate) struct CallState {
    pub(crate) plugin: Arc<PluginLabel>,
    pub(crate) tenant: String,
    pub(crate) requested: Capabilities,
    pub(crate) granted: Capabilities,
    pub(crate) limits: CallLimits,
    pub(crate) services: Arc<dyn HostServices>,
    pub(crate) clock: CallClock,
    pub(crate) memory: MemoryCap,
    pub(crate) host_calls: u32,
    pub(crate) panic_message: Option<String>,
}

impl CallState {
    /// Runs one import through the gate described at the top of this module.
    async fn serve<T>(
        &mut self,
        capability: Capability,
        import: &'static str,
        argument_bytes: usize,
        result_bytes: fn(&T) -> usize,
        call: impl FnOnce(&dyn HostServices) -> HostFuture<'_, T>,
    ) -> wasmtime::Result<Result<T, HostError>> {
        if let Err(refusal) = self.admit(capability, import, argument_bytes)? {
            return Ok(Err(refusal));
        }
        let services = self.services.clone();
        self.clock.enter_host();
        let answer = tokio::time::timeout(self.limits.host_call_timeout, call(&*services)).await;
        self.clock.leave_host();
        let answer = answer.unwrap_or_else(|_| {
            Err(HostError::Unavailable(format!(
                "{import} did not answer within {:?}",
                self.limits.host_call_timeout
            )))
        });
        Ok(answer.and_then(|value| {
            if result_bytes(&value) > self.limits.max_input_bytes {
                Err(HostError::TooLarge(format!(
                    "the result of {import} is over {} bytes; ask for less",
                    self.limits.max_input_bytes
                )))
            } else {
                Ok(value)
            }
        }))
    }

    /// The gate before any work: the call budget (a trap when spent), then the capability and the
    /// argument size (errors returned to the section).
    fn admit(
        &mut self,
        capability: Capability,
        import: &'static str,
        argument_bytes: usize,
    ) -> wasmtime::Result<Result<(), HostError>> {
        self.host_calls += 1;
        if self.host_calls > self.limits.max_host_calls {
            return Err(Abort::HostCalls.into());
        }
        if let Some(refusal) = self.refusal(capability, import) {
            return Ok(Err(HostError::Denied(refusal)));
        }
        if argument_bytes > self.limits.max_output_bytes {
            return Ok(Err(HostError::TooLarge(format!(
                "{import} takes at most {} bytes of arguments",
                self.limits.max_output_bytes
            ))));
        }
        Ok(Ok(()))
    }

    /// Why `capability` may not be used in this call, if it may not; logged once per refusal.
    fn refusal(&self, capability: Capability, import: &str) -> Option<String> {
        let reason = if !self.requested.contains(capability) {
            "the section's manifest does not request it"
        } else if !self.granted.contains(capability) {
            "the tenant administrator has not granted it"
        } else {
            return None;
        };
        tracing::warn!(
            tenant = %self.tenant,
            plugin = %self.plugin.code,
            version = %self.plugin.version,
            import,
            capability = capability.name(),
            "plugin import refused: {reason}"
        );
        Some(format!("capability \"{capability}\" refused: {reason}"))
    }
}

pub(crate) fn record_bytes(record: &RecordData) -> usize {
    record.id.len()
        + record.object.len()
        + record.number.as_ref().map_or(0, String::len)
        + record.status.as_ref().map_or(0, String::len)
        + record.data.len()
}

fn no_bytes<T>(_: &T) -> usize {
    0
}

impl types::Host for CallState {}

impl records::Host for CallState {
    async fn get(
        &mut self,
        object: String,
        id: String,
    ) -> wasmtime::Result<Result<RecordData, HostError>> {
        let size = object.len() + id.len();
        self.serve(
            Capability::Records,
            "records.get",
            size,
            record_bytes,
            |s| s.get_record(object, id),
        )
        .await
    }

    async fn query(
        &mut self,
        q: records::RecordQuery,
    ) -> wasmtime::Result<Result<Vec<RecordData>, HostError>> {
        let size = q.object.len() + q.filter.len();
        self.serve(
            Capability::Records,
            "records.query",
            size,
            |found: &Vec<RecordData>| found.iter().map(record_bytes).sum(),
            |s| s.query_records(q),
        )
        .await
    }

    async fn create(
        &mut self,
        object: String,
        data: String,
    ) -> wasmtime::Result<Result<RecordData, HostError>> {
        let size = object.len() + data.len();
        self.serve(
            Capability::Records,
            "records.create",
            size,
            record_bytes,
            |s| s.create_record(object, data),
        )
        .await
    }

    async fn update(
        &mut self,
        object: String,
        id: String,
        version: i64,
        changes: String,
    ) -> wasmtime::Result<Result<RecordData, HostError>> {
        let size = object.len() + id.len() + changes.len();
        self.serve(
            Capability::Records,
            "records.update",
            size,
            record_bytes,
            |s| s.update_record(object, id, version, changes),
        )
        .await
    }
}

impl email::Host for CallState {
    async fn send_email(
        &mut self,
        template: String,
        recipient: String,
        data: String,
    ) -> wasmtime::Result<Result<(), HostError>> {
        let size = template.len() + recipient.len() + data.len();
        self.serve(Capability::Email, "email.send-email", size, no_bytes, |s| {
            s.send_email(template, recipient, data)
        })
        .await
    }
}

impl settings::Host for CallState {
    async fn read(&mut self) -> wasmtime::Result<Result<String, HostError>> {
        self.serve(Capability::Settings, "settings.read", 0, String::len, |s| {
            s.read_settings()
        })
        .await
    }
}

impl log::Host for CallState {
    async fn write(
        &mut self,
        level: log::Level,
        message: String,
    ) -> wasmtime::Result<Result<(), HostError>> {
        if let Err(refusal) = self.admit(Capability::Log, "log.write", message.len())? {
            return Ok(Err(refusal));
        }
        let (tenant, plugin, version) = (&self.tenant, &self.plugin.code, &self.plugin.version);
        match level {
            log::Level::Debug => {
                tracing::debug!(target: "plugin", %tenant, %plugin, %version, "{message}")
            }
            log::Level::Info => {
                tracing::info!(target: "plugin", %tenant, %plugin, %version, "{message}")
            }
            log::Level::Warn => {
                tracing::warn!(target: "plugin", %tenant, %plugin, %version, "{message}")
            }
            log::Level::Error => {
                tracing::error!(target: "plugin", %tenant, %plugin, %version, "{message}")
            }
        }
        Ok(Ok(()))
    }
}

impl diagnostics::Host for CallState {
    fn panicked(&mut self, message: String) -> wasmtime::Result<()> {
        let mut message = message;
        if message.len() > MAX_PANIC_MESSAGE {
            let mut end = MAX_PANIC_MESSAGE;
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            message.truncate(end);
        }
        self.panic_message.get_or_insert(message);
        Ok(())
    }
}

/// The one WASI function sections get: `wasi:random/insecure-seed`, which Rust's standard library
/// calls to key its `HashMap`s (and so serde_json's maps). It returns a per-process seed. `import`
/// is the component's own name for it (any `wasi:random/insecure-seed@0.2.x`); every other WASI
/// import is linked to a trap.
pub(crate) fn add_hash_seed(
    linker: &mut wasmtime::component::Linker<CallState>,
    import: &str,
) -> wasmtime::Result<()> {
    static SEED: LazyLock<(u64, u64)> = LazyLock::new(|| {
        let keys = RandomState::new();
        (keys.hash_one(1u8), keys.hash_one(2u8))
    });
    linker
        .instance(import)?
        .func_wrap("insecure-seed", |_, ()| Ok((*SEED,)))
}
