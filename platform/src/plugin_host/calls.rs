//! Where hook calls run: on threads of their own, never on the threads that serve requests, so a
//! section that computes until its deadline cannot slow down another tenant's pages; and at most
//! a few calls per tenant at once, so one tenant's sections cannot fill those threads either. A
//! call over its tenant's bound waits briefly for a turn, then is refused with
//! [`CallError::Busy`] (its own request alone fails). Guests also yield at every epoch tick, so
//! calls of different tenants take turns on the threads, and the threads give way to those
//! serving requests (they run at a lower priority).

use std::{
    collections::HashMap,
    future::Future,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{runtime::Runtime, sync::Semaphore};

use super::CallError;

/// The threads and the per-tenant bounds of hook calls.
pub struct CallPool {
    /// `None` only while being dropped.
    runtime: Option<Runtime>,
    per_tenant: Mutex<HashMap<String, Arc<Semaphore>>>,
    limit: usize,
    wait: Duration,
}

impl std::fmt::Debug for CallPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallPool")
            .field("per_tenant", &self.limit)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}

impl CallPool {
    /// `threads` run calls; each tenant has at most `per_tenant` calls in flight and waits at
    /// most `wait` for a turn.
    pub fn new(threads: usize, per_tenant: usize, wait: Duration) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("section-calls")
            .on_thread_start(give_way)
            .enable_all()
            .build()?;
        Ok(Self {
            runtime: Some(runtime),
            per_tenant: Mutex::default(),
            limit: per_tenant.max(1),
            wait,
        })
    }

    /// Runs `call` for `tenant` on the pool's threads, once the tenant has a turn.
    pub async fn run<T: Send + 'static>(
        &self,
        tenant: &str,
        call: impl Future<Output = Result<T, CallError>> + Send + 'static,
    ) -> Result<T, CallError> {
        let turns = self
            .per_tenant
            .lock()
            .expect("call pool lock")
            .entry(tenant.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.limit)))
            .clone();
        let Ok(Ok(turn)) = tokio::time::timeout(self.wait, turns.acquire_owned()).await else {
            metrics::counter!("section_calls_refused_total").increment(1);
            return Err(CallError::Busy);
        };
        let runtime = self.runtime.as_ref().expect("the call pool is running");
        runtime
            .spawn(async move {
                let answer = call.await;
                drop(turn);
                answer
            })
            .await
            .map_err(|e| CallError::Failed {
                reason: format!("the call was lost: {e}"),
            })?
    }
}

/// How much the threads of section calls give way to those serving requests, added to their
/// nice value: when both want a core, a call gets about a tenth of it, so a section computing
/// until its deadline barely delays another tenant's page. Its deadline counts its own CPU
/// time, so a call held back is slower, never stopped for time it did not have.
const CALL_NICENESS: i32 = 10;

/// Lowers the calling thread's priority by [`CALL_NICENESS`] (on Linux, `nice` changes the
/// calling thread alone).
fn give_way() {
    #[cfg(target_os = "linux")]
    #[expect(
        unsafe_code,
        reason = "a thread's priority is set through libc; the standard library has no call for it"
    )]
    // SAFETY: `nice` takes and returns an integer and touches nothing but this thread's
    // scheduling. Lowering one's own priority needs no privilege and cannot fail.
    unsafe {
        libc::nice(CALL_NICENESS);
    }
}

impl Drop for CallPool {
    fn drop(&mut self) {
        // Dropping a runtime may not block inside another runtime (tests end inside one).
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_tenant_over_its_bound_is_refused_while_others_are_served() {
        let pool = Arc::new(CallPool::new(1, 2, Duration::from_millis(100)).unwrap());
        let (release, held) = tokio::sync::watch::channel(false);
        let mut busy = Vec::new();
        for _ in 0..2 {
            let (pool, mut held) = (pool.clone(), held.clone());
            busy.push(tokio::spawn(async move {
                pool.run("noisy", async move {
                    let _ = held.wait_for(|released| *released).await;
                    Ok(())
                })
                .await
            }));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(
            pool.run("noisy", async { Ok(()) }).await,
            Err(CallError::Busy)
        );
        assert_eq!(pool.run("quiet", async { Ok(7) }).await, Ok(7));
        release.send(true).unwrap();
        for call in busy {
            assert_eq!(call.await.unwrap(), Ok(()));
        }
        assert_eq!(pool.run("noisy", async { Ok(1) }).await, Ok(1));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn calls_run_at_a_lower_priority_than_requests() {
        // The nice value is the 19th field of /proc's stat line, counted after the name.
        let nice = || {
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            let after_name = &stat[stat.rfind(')').unwrap() + 2..];
            after_name
                .split(' ')
                .nth(16)
                .unwrap()
                .parse::<i32>()
                .unwrap()
        };
        let requests = nice();
        let pool = CallPool::new(1, 1, Duration::from_millis(100)).unwrap();
        let calls = pool.run("tenant", async move { Ok(nice()) }).await.unwrap();
        assert_eq!(calls, (requests + CALL_NICENESS).min(19));
    }
}
