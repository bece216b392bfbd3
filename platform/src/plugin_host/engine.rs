//! The one wasmtime engine of the process and the thread that advances its epoch. Every setting
//! that bounds a guest (interruption, instance pool, stack) is made here and nowhere else.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
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
/// looping guest would never be interrupted. The epoch counts ticks of wall time since the start:
/// a wake-up that comes late (a VM's timer can oversleep by milliseconds) adds every tick that
/// passed, so a deadline some ticks away is not pushed back by a late tick on the way.
#[derive(Debug)]
pub(crate) struct EpochTicker {
    stop: Arc<AtomicBool>,
}

impl EpochTicker {
    pub(crate) fn start(engine: &Engine, tick: Duration) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let (engine, stopped) = (engine.clone(), stop.clone());
        thread::Builder::new()
            .name("plugin-epoch".into())
            .spawn(move || {
                let (started, mut clock) = (Instant::now(), TickClock::new(tick));
                while !stopped.load(Ordering::Relaxed) {
                    thread::sleep(clock.until_next(started.elapsed()));
                    for _ in 0..clock.advance_to(started.elapsed()) {
                        engine.increment_epoch();
                    }
                }
            })?;
        Ok(Self { stop })
    }
}

/// The ticker's count of whole ticks since it started; times are measured from the start.
#[derive(Debug)]
struct TickClock {
    tick_nanos: u128,
    ticks: u128,
}

impl TickClock {
    fn new(tick: Duration) -> Self {
        Self {
            tick_nanos: tick.as_nanos().max(1),
            ticks: 0,
        }
    }

    /// How long to sleep from `now` until the next tick is due.
    fn until_next(&self, now: Duration) -> Duration {
        let wait = ((self.ticks + 1) * self.tick_nanos).saturating_sub(now.as_nanos());
        Duration::from_nanos(u64::try_from(wait).unwrap_or(u64::MAX))
    }

    /// Counts every tick that has passed by `now` and returns how many that is since last time.
    fn advance_to(&mut self, now: Duration) -> u128 {
        let passed = now.as_nanos() / self.tick_nanos;
        let due = passed.saturating_sub(self.ticks);
        self.ticks = self.ticks.max(passed);
        due
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_wake_up_counts_every_tick_that_passed() {
        let ms = Duration::from_millis;
        let mut clock = TickClock::new(ms(1));
        assert_eq!(clock.until_next(Duration::ZERO), ms(1));
        assert_eq!(clock.advance_to(Duration::from_micros(1_050)), 1);
        // Due at 2 ms, from 1.05 ms: sleeps 0.95 ms, so ticks do not drift by each oversleep.
        assert_eq!(
            clock.until_next(Duration::from_micros(1_050)),
            Duration::from_micros(950)
        );
        // The timer oversleeps by 3.5 ms: three ticks at once, and the next is due at 5 ms.
        assert_eq!(clock.advance_to(Duration::from_micros(4_500)), 3);
        assert_eq!(
            clock.until_next(Duration::from_micros(4_500)),
            Duration::from_micros(500)
        );
        // An early wake-up adds nothing.
        assert_eq!(clock.advance_to(Duration::from_micros(4_900)), 0);
        assert_eq!(clock.until_next(ms(6)), Duration::ZERO);
    }
}
