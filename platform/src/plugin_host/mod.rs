//! Custom sections as sandboxed WebAssembly components: load (check, compile once, pre-link) and
//! call their hooks under per-call limits. Nothing a guest does can reach beyond its own call: it
//! gets no WASI, only the capability-checked imports of `portico:section`, and a fresh store.
//!
//! ```text
//! let runtime = PluginRuntime::new(RuntimeConfig { cache_dir: Some(dir), ..Default::default() })?;
//! let plugin = runtime.load(&PluginPackage::read(path, None)?)?;        // at upload / start-up
//! let issues = plugin.validate(&invocation, &record).await?;             // on a request
//! ```

mod cache;
mod calls;
mod capability;
mod engine;
mod imports;
mod limits;
pub mod manifest;
mod package;
mod plugin;
mod services;
pub mod tooling;
mod wit_v1;

use std::{collections::BTreeSet, path::PathBuf, sync::Arc, time::Duration};

use wasmtime::{Engine, component::Linker};

pub use cache::CacheError;
pub use calls::CallPool;
pub use capability::{Capabilities, Capability};
pub use limits::CallLimits;
pub use package::{LoadError, PackageProblem, PluginPackage, ReadError};
pub use plugin::{ActionResult, CallError, Invocation, LoadedPlugin, PluginLabel};
pub use services::{HostFuture, HostServices};
pub use wit_v1::INTERFACE;
pub use wit_v1::portico::section::{
    log::Level as LogLevel,
    records::RecordQuery,
    types::{ActionOutcome, CallContext, FieldIssue, HookError, HostError, RecordData},
};

use self::{cache::CompileCache, engine::EpochTicker, imports::CallState};

/// How the runtime is built. A call's limits come with its [`Invocation`] (the platform's
/// defaults, [`CallLimits::default`], tuned per tenant) and are clamped to `limit_caps`.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Where compiled components are kept (under the data dir); `None` compiles in memory.
    pub cache_dir: Option<PathBuf>,
    /// Largest component accepted, in bytes.
    pub max_component_bytes: usize,
    /// Instances that may exist at once (the pool's size); one more call gets `CallError::Busy`.
    pub max_instances: u32,
    /// The platform's caps on every per-call limit, whatever a tenant's settings say. Its memory
    /// is also the size of each slot in the instance pool.
    pub limit_caps: CallLimits,
    /// How often the epoch advances: the resolution of CPU deadlines.
    pub epoch_tick: Duration,
    /// Bytes of a reused memory (and stack) slot reset in place rather than unmapped.
    pub keep_resident_bytes: usize,
    /// Threads that run hook calls (see [`CallPool`]): never the threads serving requests.
    pub call_threads: usize,
    /// Hook calls one tenant may have in flight at once.
    pub calls_per_tenant: usize,
    /// How long a call over its tenant's bound waits for a turn before it is refused.
    pub call_wait: Duration,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            cache_dir: None,
            max_component_bytes: 10 << 20,
            max_instances: 1000,
            limit_caps: CallLimits {
                memory_bytes: 64 << 20,
                cpu_time: Duration::from_millis(200),
                wall_time: Duration::from_secs(30),
                max_input_bytes: 4 << 20,
                max_output_bytes: 4 << 20,
                host_call_timeout: Duration::from_secs(10),
                max_host_calls: 1000,
            },
            epoch_tick: Duration::from_millis(1),
            keep_resident_bytes: 64 << 10,
            // Half the cores: a tenant's looping section leaves the others to serve requests.
            call_threads: std::thread::available_parallelism().map_or(1, |n| n.get().div_ceil(2)),
            calls_per_tenant: 2,
            call_wait: Duration::from_secs(1),
        }
    }
}

/// Why the runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("cannot set up the WebAssembly engine: {0}")]
    Engine(String),
    #[error("cannot start the epoch ticker thread: {0}")]
    Ticker(#[from] std::io::Error),
    #[error(transparent)]
    Cache(#[from] CacheError),
    #[error("cannot start the section call threads: {0}")]
    Calls(std::io::Error),
}

/// The process's plugin runtime: one engine, one linker of the host imports, one compile cache.
pub struct PluginRuntime {
    engine: Engine,
    linker: Linker<CallState>,
    cache: CompileCache,
    ticker: Arc<EpochTicker>,
    calls: CallPool,
    config: RuntimeConfig,
}

impl std::fmt::Debug for PluginRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginRuntime")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl PluginRuntime {
    pub fn new(config: RuntimeConfig) -> Result<Self, RuntimeError> {
        let engine = engine::build(&config).map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let mut linker = Linker::new(&engine);
        wit_v1::Section::add_to_linker::<_, wasmtime::component::HasSelf<CallState>>(
            &mut linker,
            |state| state,
        )
        .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let cache = CompileCache::new(&engine, config.cache_dir.clone())?;
        let ticker = Arc::new(EpochTicker::start(&engine, config.epoch_tick)?);
        let calls = CallPool::new(
            config.call_threads,
            config.calls_per_tenant,
            config.call_wait,
        )
        .map_err(RuntimeError::Calls)?;
        Ok(Self {
            engine,
            linker,
            cache,
            ticker,
            calls,
            config,
        })
    }

    pub fn config(&self) -> &RuntimeConfig {
        &self.config
    }

    /// Where hook calls run, a bounded number per tenant.
    pub fn calls(&self) -> &CallPool {
        &self.calls
    }

    /// Checks a package (manifest and component) and makes it ready to call: compiled (or taken
    /// from the cache) and pre-linked. Every problem is reported at once. References in the
    /// manifest may name the built-in sections' objects besides its own.
    pub fn load(&self, package: &PluginPackage) -> Result<LoadedPlugin, LoadError> {
        package::load(self, package, &built_in_objects())
    }
}

/// Object codes of the built-in sections.
fn built_in_objects() -> BTreeSet<String> {
    crate::sections::BUILT_IN
        .iter()
        .filter_map(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .flat_map(|manifest| {
            manifest["objects"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|object| object["code"].as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect()
}
