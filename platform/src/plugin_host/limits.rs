//! Per-call limits and how they are enforced: memory through a store limiter, CPU through epoch
//! deadlines that leave out time spent in host imports, and the reasons a call is aborted.

use std::{
    sync::{Arc, Mutex},
    thread::ThreadId,
    time::{Duration, Instant},
};

use wasmtime::{ResourceLimiter, UpdateDeadline};

/// Limits of one hook call. Defaults are the platform's; tenants may tune them within the caps the
/// runtime was configured with (`RuntimeConfig::limit_caps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLimits {
    /// Linear memory of the instance; growing past it traps.
    pub memory_bytes: usize,
    /// CPU time the section itself may use (time in host imports does not count).
    pub cpu_time: Duration,
    /// Wall-clock time of the whole call, host imports included.
    pub wall_time: Duration,
    /// Bytes going into the section at once: a hook's arguments, or one import's result.
    pub max_input_bytes: usize,
    /// Bytes coming out of the section at once: a hook's result, or one import's arguments.
    pub max_output_bytes: usize,
    /// Time one host import may take before the section gets `unavailable`.
    pub host_call_timeout: Duration,
    /// Host import calls allowed in one hook call; one more traps.
    pub max_host_calls: u32,
}

impl Default for CallLimits {
    fn default() -> Self {
        Self {
            memory_bytes: 16 << 20,
            cpu_time: Duration::from_millis(10),
            wall_time: Duration::from_secs(5),
            max_input_bytes: 256 << 10,
            max_output_bytes: 256 << 10,
            host_call_timeout: Duration::from_secs(2),
            max_host_calls: 100,
        }
    }
}

impl CallLimits {
    /// Each limit no higher than the same one in `caps`.
    #[must_use]
    pub fn capped_by(&self, caps: &CallLimits) -> CallLimits {
        CallLimits {
            memory_bytes: self.memory_bytes.min(caps.memory_bytes),
            cpu_time: self.cpu_time.min(caps.cpu_time),
            wall_time: self.wall_time.min(caps.wall_time),
            max_input_bytes: self.max_input_bytes.min(caps.max_input_bytes),
            max_output_bytes: self.max_output_bytes.min(caps.max_output_bytes),
            host_call_timeout: self.host_call_timeout.min(caps.host_call_timeout),
            max_host_calls: self.max_host_calls.min(caps.max_host_calls),
        }
    }
}

/// Why the host stopped a call from inside: raised as the trap's error, recognised afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Abort {
    #[error("CPU deadline exceeded")]
    Deadline,
    #[error("wall-clock limit exceeded")]
    WallTime,
    #[error("memory limit exceeded")]
    Memory,
    #[error("too many host calls")]
    HostCalls,
}

/// The clock of one call. CPU time is what the section's thread actually ran: the guest runs on
/// one thread between two checkpoints (the start, an epoch tick, a host import's start and end, the
/// return from a yield), and each stretch is measured with that thread's CPU clock, so time spent
/// awaiting host imports, yielded to other tasks, or preempted by the operating system does not
/// count. The guest yields at every tick, so calls on the same threads take turns.
#[derive(Debug)]
pub(crate) struct CallClock {
    started: Instant,
    /// CPU time of the stretches already closed, and where the running one began (shared with the
    /// yield, which runs outside the store).
    cpu_used: Arc<Mutex<Stretch>>,
    cpu: Duration,
    wall: Duration,
}

#[derive(Debug)]
struct Stretch {
    used: Duration,
    /// The thread the running stretch began on, its CPU clock then, and the wall clock then.
    began: Option<(ThreadId, Duration, Instant)>,
}

fn thread_cpu() -> Duration {
    cpu_time::ThreadTime::now().as_duration()
}

impl Stretch {
    fn open(&mut self) {
        self.began = Some((std::thread::current().id(), thread_cpu(), Instant::now()));
    }

    /// Adds the running stretch to the time used. A stretch that ended on another thread than it
    /// began on (an await of the host's between the start and the guest's first instruction) is
    /// counted in wall time, which is never less.
    fn close(&mut self) {
        if let Some((thread, cpu, wall)) = self.began.take() {
            self.used += if thread == std::thread::current().id() {
                thread_cpu().saturating_sub(cpu)
            } else {
                wall.elapsed()
            };
        }
    }
}

impl CallClock {
    pub(crate) fn start(limits: &CallLimits) -> Self {
        let mut stretch = Stretch {
            used: Duration::ZERO,
            began: None,
        };
        stretch.open();
        Self {
            started: Instant::now(),
            cpu_used: Arc::new(Mutex::new(stretch)),
            cpu: limits.cpu_time,
            wall: limits.wall_time,
        }
    }

    fn stretch(&self) -> std::sync::MutexGuard<'_, Stretch> {
        self.cpu_used.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A host import begins: the section's stretch ends.
    pub(crate) fn enter_host(&self) {
        self.stretch().close();
    }

    /// A host import returned: the section runs again.
    pub(crate) fn leave_host(&self) {
        self.stretch().open();
    }

    /// Epoch ticks until the first check: the next tick, where the guest yields.
    pub(crate) fn initial_ticks(&self) -> u64 {
        1
    }

    /// Whether the call is out of time: the section used its CPU time, or the call its wall time.
    fn check(&self, cpu_used: Duration) -> Result<(), Abort> {
        if self.started.elapsed() >= self.wall {
            return Err(Abort::WallTime);
        }
        if cpu_used >= self.cpu {
            return Err(Abort::Deadline);
        }
        Ok(())
    }

    /// Called at every epoch tick the guest runs through: it stops a call out of time, and
    /// otherwise lets other tasks on the thread run before the guest goes on.
    pub(crate) fn on_deadline(&self) -> wasmtime::Result<UpdateDeadline> {
        let used = {
            let mut stretch = self.stretch();
            stretch.close();
            stretch.used
        };
        self.check(used)?;
        let stretch = self.cpu_used.clone();
        Ok(UpdateDeadline::YieldCustom(
            1,
            Box::pin(async move {
                tokio::task::yield_now().await;
                stretch.lock().unwrap_or_else(|e| e.into_inner()).open();
            }),
        ))
    }
}

/// Caps a store's memories and tables. Refusing growth with an error (rather than `false`) traps
/// at once with [`Abort::Memory`], instead of letting the guest's allocator abort with a vaguer trap.
#[derive(Debug)]
pub(crate) struct MemoryCap {
    pub(crate) memory_bytes: usize,
}

/// Table elements a section may have; Rust components use a few hundred.
const MAX_TABLE_ELEMENTS: usize = 100_000;

impl ResourceLimiter for MemoryCap {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            return Err(Abort::Memory.into());
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(cpu_ms: u64, wall_ms: u64) -> CallLimits {
        CallLimits {
            cpu_time: Duration::from_millis(cpu_ms),
            wall_time: Duration::from_millis(wall_ms),
            ..CallLimits::default()
        }
    }

    #[test]
    fn tenant_limits_stay_under_the_platform_caps() {
        let generous = CallLimits {
            cpu_time: Duration::from_secs(60),
            max_host_calls: 5,
            ..CallLimits::default()
        };
        let caps = CallLimits {
            cpu_time: Duration::from_millis(200),
            ..CallLimits::default()
        };
        let capped = generous.capped_by(&caps);
        assert_eq!(capped.cpu_time, Duration::from_millis(200));
        assert_eq!(capped.max_host_calls, 5);
    }

    #[test]
    fn only_the_sections_own_cpu_time_counts_but_all_time_is_wall_time() {
        // Sleeping (as when preempted, awaiting a host import, or yielded) uses no CPU time.
        let clock = CallClock::start(&limits(2, 5000));
        std::thread::sleep(Duration::from_millis(5));
        assert!(
            matches!(clock.on_deadline(), Ok(UpdateDeadline::YieldCustom(1, _))),
            "5 ms asleep are not 2 ms of CPU"
        );
        // Running does.
        clock.leave_host();
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(5) {
            std::hint::black_box(0u64);
        }
        let Err(error) = clock.on_deadline() else {
            panic!("5 ms of spinning passed a 2 ms deadline");
        };
        assert_eq!(error.downcast_ref::<Abort>(), Some(&Abort::Deadline));
        // A host import is not the section's CPU time.
        let clock = CallClock::start(&limits(2, 5000));
        clock.enter_host();
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(5) {
            std::hint::black_box(0u64);
        }
        clock.leave_host();
        assert!(
            clock.on_deadline().is_ok(),
            "the host's work is not the section's"
        );
        // Wall time counts everything.
        let clock = CallClock::start(&limits(1000, 1));
        std::thread::sleep(Duration::from_millis(2));
        let Err(error) = clock.on_deadline() else {
            panic!("the deadline was moved on");
        };
        assert_eq!(error.downcast_ref::<Abort>(), Some(&Abort::WallTime));
    }

    #[test]
    fn spent_cpu_time_aborts() {
        let clock = CallClock::start(&limits(0, 5000));
        let Err(error) = clock.on_deadline() else {
            panic!("the deadline was moved on");
        };
        assert_eq!(error.downcast_ref::<Abort>(), Some(&Abort::Deadline));
    }
}
