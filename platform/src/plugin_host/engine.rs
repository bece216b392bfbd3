//! The one wasmtime engine of the process and the thread that advances its epoch. Every setting
//! that bounds a guest (interruption, instance pool, stack) is made here and nowhere else.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::Duration,
};

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::RuntimeConfig;

pub(crate) fn build(config: &RuntimeConfig) -> wasmtime::Result<Engine> {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(config.max_instances)
        // Rust components have one main module plus small adapter modules.
        .total_core_instances(config.max_instances * 4)
        .total_memories(config.max_instances)
        .total_tables(config.max_instances * 4)
        .total_stacks(config.max_instances)
        .max_memory_size(config.limit_caps.memory_bytes)
        // A reused slot's dirty pages (found by PAGEMAP_SCAN where the kernel has it) are copied
        // back from the image in place, rather than unmapped and faulted in again on the next call:
        // a hook dirties a few pages, and madvise would also cost every core a TLB shootdown.
        // (Measured on the benchmark: about 30 µs a call without it, 15 µs with; tables alone
        // reset by madvise cost 6 µs.)
        .pagemap_scan(Enabled::Auto)
        .linear_memory_keep_resident(config.keep_resident_bytes)
        .table_keep_resident(config.keep_resident_bytes)
        .async_stack_keep_resident(config.keep_resident_bytes);

    let mut wasmtime = Config::new();
    wasmtime
        .wasm_component_model(true)
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        .max_wasm_stack(512 << 10)
        .async_stack_size(1 << 20);
    Engine::new(&wasmtime)
}

/// Advances the engine's epoch every `tick` until dropped. Plugins hold it alive: without it a
/// looping guest would never be interrupted.
#[derive(Debug)]
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
    pub(crate) tick: Duration,
}

impl EpochTicker {
    pub(crate) fn start(engine: &Engine, tick: Duration) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let (engine, stopped) = (engine.clone(), stop.clone());
        thread::Builder::new()
            .name("plugin-epoch".into())
            .spawn(move || {
                while !stopped.load(Ordering::Relaxed) {
                    thread::sleep(tick);
                    engine.increment_epoch();
                }
            })?;
        Ok(Self { stop, tick })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
