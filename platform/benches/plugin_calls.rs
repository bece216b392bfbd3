//! Plugin call overhead: a fresh instance from the `InstancePre`, one `validate`, drop — measured
//! per call (p50, p99), as throughput on every core, and the time from a looping plugin's CPU
//! deadline to its trap. Run with `cargo bench -p portico --bench plugin_calls`.

#[path = "../../tests/support/guests.rs"]
mod guests;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use portico::plugin_host::{
    CallContext, CallLimits, Capabilities, HostError, HostFuture, HostServices, Invocation,
    LoadedPlugin, PluginRuntime, RecordData, RecordQuery, RuntimeConfig,
};

/// Validation never reaches the platform; every import answers `unavailable`.
struct Offline;

impl HostServices for Offline {
    fn get_record(&self, _: String, _: String) -> HostFuture<'_, RecordData> {
        offline()
    }
    fn query_records(&self, _: RecordQuery) -> HostFuture<'_, Vec<RecordData>> {
        offline()
    }
    fn create_record(&self, _: String, _: String) -> HostFuture<'_, RecordData> {
        offline()
    }
    fn update_record(&self, _: String, _: String, _: i64, _: String) -> HostFuture<'_, RecordData> {
        offline()
    }
    fn send_email(&self, _: String, _: String, _: String) -> HostFuture<'_, ()> {
        offline()
    }
    fn read_settings(&self) -> HostFuture<'_, String> {
        offline()
    }
}

fn offline<T: Send + 'static>() -> HostFuture<'static, T> {
    Box::pin(std::future::ready(Err(HostError::Unavailable(
        "offline".into(),
    ))))
}

fn invocation(tenant: usize, cpu_time: Duration) -> Invocation {
    Invocation {
        context: CallContext {
            tenant: format!("tenant-{tenant}"),
            user: "u-1".into(),
            user_name: "Ann Smith".into(),
            language: "en".into(),
            now: "2026-03-02T09:00:00Z".into(),
        },
        granted: Capabilities::all(),
        limits: CallLimits {
            cpu_time,
            ..CallLimits::default()
        },
        services: Arc::new(Offline),
    }
}

fn leave_request() -> RecordData {
    RecordData {
        id: "0190f7a2-5c4e-7b1a-9d3e-2f6a8b9c0d1e".into(),
        object: "leave_request".into(),
        number: Some("LR-00042".into()),
        version: 3,
        status: Some("draft".into()),
        data: r#"{"kind":"vacation","start_date":"2026-03-02","end_date":"2026-03-13","manager":"c-1","reason":"Family trip"}"#.into(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Latency of one call at a time, on one thread.
fn latency(runtime: &tokio::runtime::Runtime, plugin: &LoadedPlugin, name: &str) {
    let (call, record) = (invocation(0, Duration::from_millis(10)), leave_request());
    let mut samples = Vec::with_capacity(20_000);
    runtime.block_on(async {
        for _ in 0..2_000 {
            plugin.validate(&call, &record).await.expect("validate");
        }
        for _ in 0..20_000 {
            let started = Instant::now();
            let issues = plugin.validate(&call, &record).await.expect("validate");
            samples.push(started.elapsed());
            assert!(issues.is_empty(), "{issues:?}");
        }
    });
    samples.sort();
    println!(
        "{name:<16} per call (instantiate + validate + drop): p50 {:>6.1} µs   p99 {:>6.1} µs   max {:>7.1} µs",
        percentile(&samples, 0.50).as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6,
        samples.last().unwrap().as_secs_f64() * 1e6,
    );
}

/// Calls per second with one task per core, each calling in a loop, on a runtime using all cores.
fn throughput(plugin: &LoadedPlugin, name: &str) {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()
        .unwrap();
    let per_task = 40_000;
    let started = Instant::now();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..cores)
            .map(|tenant| {
                let plugin = plugin.clone();
                tokio::spawn(async move {
                    // A generous deadline: on a shared machine another process may preempt a
                    // worker for longer than 10 ms, and the epoch deadline is wall-clock time.
                    let call = invocation(tenant, Duration::from_secs(1));
                    let record = leave_request();
                    for _ in 0..per_task {
                        plugin.validate(&call, &record).await.expect("validate");
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    let calls = (cores * per_task) as f64;
    println!(
        "{name:<16} throughput on {cores} cores: {:>8.0} calls/s",
        calls / started.elapsed().as_secs_f64()
    );
}

/// How long after its deadline a looping plugin is stopped. Calls reach the host at any moment
/// of the epoch ticker's period, so each sample starts at a different point of it (busy-waiting
/// up to one tick, spread evenly): back to back, every call would start just after a tick, the
/// worst moment, and the figure would be that one moment's.
fn deadline_to_trap(runtime: &tokio::runtime::Runtime, looping: &LoadedPlugin, tick: Duration) {
    let (deadline, goal, samples) = (Duration::from_millis(10), Duration::from_millis(2), 500);
    let call = invocation(0, deadline);
    let mut overshoot: Vec<Duration> = runtime.block_on(async {
        let mut overshoot = Vec::with_capacity(samples);
        for i in 0..samples {
            let phase = tick * u32::try_from(i * 379 % 1000).unwrap() / 1000;
            let waiting = Instant::now();
            while waiting.elapsed() < phase {
                std::hint::spin_loop();
            }
            let started = Instant::now();
            looping
                .validate(&call, &leave_request())
                .await
                .expect_err("the loop is stopped");
            overshoot.push(started.elapsed().saturating_sub(deadline));
        }
        overshoot
    });
    overshoot.sort();
    let late = overshoot.iter().filter(|d| **d > goal).count();
    println!(
        "looping plugin   trap after deadline ({deadline:?}): p50 +{:.2} ms   p99 +{:.2} ms   max +{:.2} ms   over +{goal:?}: {late} of {samples}",
        percentile(&overshoot, 0.5).as_secs_f64() * 1e3,
        percentile(&overshoot, 0.99).as_secs_f64() * 1e3,
        overshoot.last().unwrap().as_secs_f64() * 1e3,
    );
}

fn main() {
    // `cargo test --benches` runs this once as a smoke test; measure only under `cargo bench`.
    let quick = !std::env::args().any(|a| a == "--bench");
    // `cargo bench --bench plugin_calls -- latency` runs only the parts whose name contains it.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let runs = |part: &str| filter.as_deref().is_none_or(|f| part.contains(f));
    let runtime = PluginRuntime::new(RuntimeConfig::default()).expect("runtime");
    let load = |folder: &str| runtime.load(&guests::package(folder)).expect("load");
    let probe = load("tests/guests/probe");
    let leave = load("plugins/leave-request");
    // A validate that returns at once: what any call costs before the section does anything.
    let empty = load("tests/guests/malformed-return");
    let looping = load("tests/guests/infinite-loop");
    let single = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if quick {
        single.block_on(async {
            let call = invocation(0, Duration::from_millis(10));
            assert!(
                leave
                    .validate(&call, &leave_request())
                    .await
                    .unwrap()
                    .is_empty()
            );
        });
        return;
    }
    if runs("latency") {
        latency(&single, &probe, "probe");
        latency(&single, &leave, "leave-request");
        latency(&single, &empty, "empty validate");
    }
    if runs("throughput") {
        throughput(&probe, "probe");
        throughput(&leave, "leave-request");
    }
    if runs("deadline") {
        deadline_to_trap(&single, &looping, runtime.config().epoch_tick);
    }
}
