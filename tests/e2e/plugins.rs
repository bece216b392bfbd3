//! The plugin host against real components: the first-party sections from `plugins/` and the
//! hostile guests from `tests/guests/`, built to wasm32-wasip2 by the support module. The platform
//! side of the imports is a small in-memory stand-in for records, outbox and settings.

#[path = "../support/guests.rs"]
pub(crate) mod guests;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, LazyLock, Mutex},
    time::{Duration, Instant},
};

use portico::plugin_host::{
    CallContext, CallError, CallLimits, Capabilities, Capability, HookError, HostError, HostFuture,
    HostServices, Invocation, LoadError, LoadedPlugin, PluginRuntime, RecordData, RecordQuery,
    RuntimeConfig,
};
use serde_json::{Value, json};

static RUNTIME: LazyLock<PluginRuntime> = LazyLock::new(|| {
    let defaults = RuntimeConfig::default();
    PluginRuntime::new(RuntimeConfig {
        max_instances: 64,
        // Calls through the pool wait their turn rather than fail on a busy test machine.
        call_wait: Duration::from_secs(10),
        // Room for the tests that raise a call's CPU time to be sure of what they test.
        limit_caps: CallLimits {
            cpu_time: Duration::from_secs(10),
            ..defaults.limit_caps
        },
        ..defaults
    })
    .expect("the plugin runtime starts")
});

/// Loads (and compiles) each package once per test process.
fn plugin(folder: &str) -> LoadedPlugin {
    static LOADED: LazyLock<Mutex<HashMap<String, LoadedPlugin>>> = LazyLock::new(Default::default);
    let mut loaded = LOADED.lock().unwrap();
    loaded
        .entry(folder.to_owned())
        .or_insert_with(|| {
            RUNTIME
                .load(&guests::package(folder))
                .unwrap_or_else(|e| panic!("{folder} does not load: {e}"))
        })
        .clone()
}

/// What the platform would do behind the imports, in memory, recording what was asked.
#[derive(Default)]
struct Platform {
    records: Mutex<BTreeMap<String, RecordData>>,
    outbox: Mutex<Vec<(String, String, String)>>,
    settings: String,
    slow: Option<Duration>,
}

impl Platform {
    fn with_contact(id: &str, data: Value) -> Self {
        let platform = Self {
            settings: json!({ "default_required_approvals": 3 }).to_string(),
            ..Self::default()
        };
        platform
            .records
            .lock()
            .unwrap()
            .insert(id.to_owned(), record("contact", id, 1, &data));
        platform
    }
}

fn ready<T: Send + 'static>(value: Result<T, HostError>) -> HostFuture<'static, T> {
    Box::pin(std::future::ready(value))
}

impl HostServices for Platform {
    fn get_record(&self, _object: String, id: String) -> HostFuture<'_, RecordData> {
        ready(
            self.records
                .lock()
                .unwrap()
                .get(&id)
                .cloned()
                .ok_or(HostError::NotFound),
        )
    }

    fn query_records(&self, query: RecordQuery) -> HostFuture<'_, Vec<RecordData>> {
        let filter: Value = serde_json::from_str(&query.filter).unwrap();
        let found = self
            .records
            .lock()
            .unwrap()
            .values()
            .filter(|r| r.object == query.object)
            .filter(|r| {
                let data: Value = serde_json::from_str(&r.data).unwrap();
                filter
                    .as_object()
                    .unwrap()
                    .iter()
                    .all(|(k, v)| &data[k] == v)
            })
            .take(query.limit as usize)
            .cloned()
            .collect();
        ready(Ok(found))
    }

    fn create_record(&self, object: String, data: String) -> HostFuture<'_, RecordData> {
        let mut records = self.records.lock().unwrap();
        let id = format!("new-{}", records.len());
        let created = RecordData {
            data,
            ..record(&object, &id, 1, &json!({}))
        };
        records.insert(id, created.clone());
        ready(Ok(created))
    }

    fn update_record(
        &self,
        _object: String,
        id: String,
        version: i64,
        changes: String,
    ) -> HostFuture<'_, RecordData> {
        let mut records = self.records.lock().unwrap();
        let Some(stored) = records.get_mut(&id) else {
            return ready(Err(HostError::NotFound));
        };
        if stored.version != version {
            return ready(Err(HostError::Conflict));
        }
        stored.version += 1;
        stored.data = changes;
        ready(Ok(stored.clone()))
    }

    fn send_email(&self, template: String, recipient: String, data: String) -> HostFuture<'_, ()> {
        self.outbox
            .lock()
            .unwrap()
            .push((template, recipient, data));
        ready(Ok(()))
    }

    fn read_settings(&self) -> HostFuture<'_, String> {
        let settings = self.settings.clone();
        let slow = self.slow;
        Box::pin(async move {
            if let Some(delay) = slow {
                tokio::time::sleep(delay).await;
            }
            Ok(settings)
        })
    }
}

fn record(object: &str, id: &str, version: i64, data: &Value) -> RecordData {
    RecordData {
        id: id.to_owned(),
        object: object.to_owned(),
        number: None,
        version,
        status: None,
        data: data.to_string(),
    }
}

fn invocation(tenant: &str, granted: Capabilities, platform: Platform) -> Invocation {
    Invocation {
        context: CallContext {
            tenant: tenant.to_owned(),
            user: "u-1".into(),
            user_name: "Ann Smith".into(),
            language: "en".into(),
            now: "2026-03-02T09:00:00Z".into(),
        },
        granted,
        limits: CallLimits::default(),
        services: Arc::new(platform),
    }
}

fn all_granted() -> Invocation {
    invocation(
        "acme",
        Capabilities::all(),
        Platform::with_contact("c-1", json!({ "name": "Bob", "email": "bob@acme.test" })),
    )
}

fn item(name: &str) -> RecordData {
    record("probe_item", "r-1", 4, &json!({ "name": name }))
}

/// Runs the probe's action `import` with `argument` and returns the message it reports.
async fn probe_import(call: &Invocation, import: &str, argument: &str) -> String {
    let outcome = plugin("tests/guests/probe")
        .on_action(call, import, &item("x"), Some(argument))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(outcome.status.as_deref(), Some("done"));
    outcome.message.unwrap()
}

#[tokio::test]
async fn first_party_sections_load_and_declare_what_they_import() {
    for folder in [
        "plugins/leave-request",
        "plugins/document-approval",
        "plugins/equipment-order",
    ] {
        let loaded = plugin(folder);
        assert_eq!(loaded.label().version, "1.0.0");
        assert!(
            loaded.warnings().is_empty(),
            "{folder}: {:?}",
            loaded.warnings()
        );
    }
}

#[tokio::test]
async fn validate_reports_issues_and_sees_the_callers_context() {
    let probe = plugin("tests/guests/probe");
    let call = all_granted();
    assert!(
        probe
            .validate(&call, &item("fine"))
            .await
            .unwrap()
            .is_empty()
    );
    let issues = probe.validate(&call, &item("bad")).await.unwrap();
    assert_eq!(
        (issues[0].field.as_str(), issues[0].message.as_str()),
        ("name", "bad name")
    );
    let issues = probe.validate(&call, &item("whoami")).await.unwrap();
    assert_eq!(
        issues[0].message,
        "acme|u-1|Ann Smith|en|2026-03-02T09:00:00Z"
    );
}

#[tokio::test]
async fn before_save_returns_changes_or_refuses() {
    let probe = plugin("tests/guests/probe");
    let call = all_granted();
    let previous = item("old");
    let changes = probe
        .before_save(&call, &item("new"), Some(&previous))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        Value::Object(changes),
        json!({ "name_upper": "NEW", "previous_version": 4 })
    );
    let refused = probe
        .before_save(&call, &item("reject"), None)
        .await
        .unwrap();
    let Err(HookError::Invalid(issues)) = refused else {
        panic!("expected issues, got {refused:?}");
    };
    assert_eq!(issues[0].message, "rejected by before-save");
}

#[tokio::test]
async fn after_save_and_widget_data_return_the_sections_answer() {
    let probe = plugin("tests/guests/probe");
    let call = all_granted();
    assert_eq!(
        probe.after_save(&call, &item("ok"), None).await.unwrap(),
        Ok(())
    );
    let failed = probe.after_save(&call, &item("fail"), None).await.unwrap();
    assert_eq!(failed, Err("after-save failed for r-1".to_owned()));
    let widget = probe.widget_data(&call, "summary").await.unwrap();
    assert_eq!(widget, Ok(json!({ "widget": "summary", "tenant": "acme" })));
    let missing = probe.widget_data(&call, "nope").await.unwrap();
    assert_eq!(missing, Err("no widget nope".to_owned()));
}

#[tokio::test]
async fn every_import_reaches_the_platform_when_declared_and_granted() {
    let call = all_granted();
    assert_eq!(
        probe_import(&call, "records.get", "c-1").await,
        r#"Ok("{\"name\":\"Bob\",\"email\":\"bob@acme.test\"}")"#
    );
    assert_eq!(
        probe_import(&call, "records.get", "c-9").await,
        "Err(NotFound)"
    );
    assert_eq!(
        probe_import(&call, "records.query", "Bob").await,
        r#"Ok(["c-1"])"#
    );
    assert_eq!(
        probe_import(&call, "records.create", "Cy").await,
        r#"Ok("new-1")"#
    );
    // The probe updates record r-1 at version 4, which the platform does not hold.
    assert_eq!(
        probe_import(&call, "records.update", "Di").await,
        "Err(NotFound)"
    );
    assert_eq!(
        probe_import(&call, "email", "bob@acme.test").await,
        "Ok(())"
    );
    assert_eq!(
        probe_import(&call, "settings", "").await,
        r#"Ok(Object {"default_required_approvals": Number(3)})"#
    );
    assert_eq!(
        probe_import(&call, "log", "hello from a section").await,
        "Ok(())"
    );
}

#[tokio::test]
async fn sent_email_lands_in_the_platforms_outbox() {
    let platform = Arc::new(Platform::default());
    let mut call = invocation("acme", Capabilities::all(), Platform::default());
    call.services = platform.clone();
    probe_import(&call, "email", "carol@acme.test").await;
    let outbox = platform.outbox.lock().unwrap();
    assert_eq!(
        outbox.as_slice(),
        [(
            "welcome".into(),
            "carol@acme.test".into(),
            r#"{"n":1}"#.into()
        )]
    );
}

#[tokio::test]
async fn an_ungranted_capability_is_refused_to_the_section() {
    let granted = Capabilities::from_iter([Capability::Log]);
    let call = invocation("acme", granted, Platform::with_contact("c-1", json!({})));
    let answer = probe_import(&call, "records.get", "c-1").await;
    assert!(answer.starts_with("Err(Denied("), "{answer}");
    assert!(answer.contains("has not granted it"), "{answer}");
    assert_eq!(probe_import(&call, "log", "still allowed").await, "Ok(())");
}

#[tokio::test]
async fn an_undeclared_capability_is_refused_even_when_granted() {
    let sneaky = plugin("tests/guests/undeclared-import");
    assert_eq!(sneaky.warnings().len(), 2, "{:?}", sneaky.warnings());
    let platform = Arc::new(Platform::with_contact(
        "00000000-0000-0000-0000-000000000001",
        json!({}),
    ));
    let mut call = all_granted();
    call.services = platform.clone();
    let issues = sneaky.validate(&call, &item("x")).await.unwrap();
    for issue in &issues {
        assert!(issue.message.contains("does not request it"), "{issue:?}");
    }
    assert_eq!(issues.len(), 2);
    assert!(platform.outbox.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_infinite_loop_is_stopped_near_its_deadline() {
    let looping = plugin("tests/guests/infinite-loop");
    let mut call = all_granted();
    call.limits.cpu_time = Duration::from_millis(20);
    let started = Instant::now();
    let failure = looping.validate(&call, &item("x")).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(
        failure,
        CallError::DeadlineExceeded {
            limit: Duration::from_millis(20)
        }
    );
    // Generous: the exact figure is the benchmark's business; this only proves the loop is cut.
    assert!(took < Duration::from_secs(2), "stopped after {took:?}");
}

#[tokio::test]
async fn memory_growth_past_the_limit_stops_the_call() {
    let hog = plugin("tests/guests/memory-bomb");
    let mut call = all_granted();
    // Time enough to fill 16 MiB even on a busy machine: this test is about memory.
    call.limits.cpu_time = Duration::from_secs(5);
    let failure = hog.validate(&call, &item("x")).await.unwrap_err();
    assert_eq!(failure, CallError::MemoryExceeded { limit: 16 << 20 });
}

#[tokio::test]
async fn oversized_output_is_refused() {
    let chatty = plugin("tests/guests/oversized-output");
    let failure = chatty
        .validate(&all_granted(), &item("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(failure, CallError::OutputTooLarge { limit: 262_144 }),
        "{failure:?}"
    );
}

#[tokio::test]
async fn oversized_input_is_refused_before_the_call() {
    let probe = plugin("tests/guests/probe");
    let huge = item(&"y".repeat(300 << 10));
    let failure = probe.validate(&all_granted(), &huge).await.unwrap_err();
    assert!(
        matches!(failure, CallError::InputTooLarge { .. }),
        "{failure:?}"
    );
}

#[tokio::test]
async fn a_panic_fails_the_call_with_its_message() {
    let fragile = plugin("tests/guests/panics");
    let failure = fragile
        .validate(&all_granted(), &item("x"))
        .await
        .unwrap_err();
    let CallError::Panicked { message } = failure else {
        panic!("expected a panic, got {failure:?}");
    };
    assert!(
        message.contains("cannot handle probe_item records"),
        "{message}"
    );
}

#[tokio::test]
async fn malformed_returns_are_refused() {
    let raw = plugin("tests/guests/malformed-return");
    let call = all_granted();
    for failure in [
        raw.before_save(&call, &item("x"), None).await.unwrap_err(),
        raw.on_action(&call, "go", &item("x"), None)
            .await
            .unwrap_err(),
        raw.widget_data(&call, "w").await.unwrap_err(),
    ] {
        assert!(
            matches!(failure, CallError::Malformed { .. }),
            "{failure:?}"
        );
    }
}

#[tokio::test]
async fn too_many_host_calls_stop_the_call() {
    let call = all_granted();
    let probe = plugin("tests/guests/probe");
    let failure = probe
        .on_action(&call, "many-logs", &item("x"), Some("150"))
        .await
        .unwrap_err();
    assert_eq!(failure, CallError::TooManyHostCalls { limit: 100 });
    assert_eq!(probe_import(&call, "many-logs", "99").await, "Some(Ok(()))");
}

#[tokio::test]
async fn slow_host_services_time_out_without_spending_the_sections_cpu_time() {
    let slow = Platform {
        settings: "{}".into(),
        slow: Some(Duration::from_millis(40)),
        ..Platform::default()
    };
    let mut call = invocation("acme", Capabilities::all(), slow);
    // The 40 ms in the host exceed the 10 ms CPU deadline, which counts only the section's time.
    assert_eq!(probe_import(&call, "settings", "").await, "Ok(Object {})");
    call.limits.host_call_timeout = Duration::from_millis(5);
    let answer = probe_import(&call, "settings", "").await;
    assert!(answer.starts_with("Err(Unavailable("), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_plugin_does_not_disturb_other_tenants() {
    let good = plugin("plugins/leave-request");
    let bad = plugin("tests/guests/infinite-loop");
    let request = record(
        "leave_request",
        "",
        0,
        &json!({ "kind": "vacation", "start_date": "2026-03-02", "end_date": "2026-03-06",
                 "manager": "c-1" }),
    );
    let mut tasks = Vec::new();
    for tenant in 0..8 {
        for _ in 0..20 {
            let (good, request) = (good.clone(), request.clone());
            let mut call = invocation(
                &format!("tenant-{tenant}"),
                Capabilities::all(),
                Platform::default(),
            );
            // Deadlines are wall-clock time less host time: on two shared cores a well-behaved call
            // may wait its turn, so the good tenants get room and only the loop meets its deadline.
            call.limits.cpu_time = Duration::from_secs(2);
            let tenant = format!("tenant-{tenant}");
            // As the platform calls them: on the call threads, a few per tenant at a time.
            tasks.push(tokio::spawn(async move {
                RUNTIME
                    .calls()
                    .run(&tenant, async move {
                        good.validate(&call, &request)
                            .await
                            .map(|issues| issues.is_empty())
                    })
                    .await
            }));
        }
        let bad = bad.clone();
        let call = invocation("tenant-bad", Capabilities::all(), Platform::default());
        tasks.push(tokio::spawn(async move {
            RUNTIME
                .calls()
                .run("tenant-bad", async move {
                    bad.validate(&call, &item("x")).await.map(|_| false)
                })
                .await
        }));
    }
    let (mut passed, mut stopped) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(true) => passed += 1,
            Err(CallError::DeadlineExceeded { .. }) => stopped += 1,
            other => panic!("unexpected result: {other:?}"),
        }
    }
    assert_eq!((passed, stopped), (160, 8));
}

#[tokio::test]
async fn leave_requests_count_working_days_and_mail_the_manager() {
    let leave = plugin("plugins/leave-request");
    let platform = Arc::new(Platform::with_contact(
        "c-1",
        json!({ "email": "boss@acme.test" }),
    ));
    let mut call = all_granted();
    call.services = platform.clone();
    let request = RecordData {
        number: Some("LR-00007".into()),
        ..record(
            "leave_request",
            "r-7",
            1,
            &json!({ "kind": "vacation", "start_date": "2026-03-02", "end_date": "2026-03-09",
                     "manager": "c-1" }),
        )
    };
    assert!(leave.validate(&call, &request).await.unwrap().is_empty());
    let changes = leave
        .before_save(&call, &request, None)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(changes["days"], 6);
    let submitted = leave
        .on_action(&call, "submit", &request, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(submitted.status.as_deref(), Some("submitted"));
    let (template, recipient, _) = platform.outbox.lock().unwrap()[0].clone();
    assert_eq!(
        (template.as_str(), recipient.as_str()),
        ("leave_request_submitted", "boss@acme.test")
    );
    let rejected = leave
        .on_action(&call, "reject", &request, Some(""))
        .await
        .unwrap();
    assert!(
        matches!(rejected, Err(HookError::Invalid(_))),
        "{rejected:?}"
    );
}

#[tokio::test]
async fn equipment_orders_check_lines_against_the_budget() {
    let orders = plugin("plugins/equipment-order");
    let platform = Platform::default();
    for (id, quantity, price) in [("l-1", 3, 900.0), ("l-2", 2, 450.0)] {
        let line =
            json!({ "order": "o-1", "item": "laptop", "quantity": quantity, "unit_price": price });
        platform
            .records
            .lock()
            .unwrap()
            .insert(id.into(), record("order_line", id, 1, &line));
    }
    let call = invocation("acme", Capabilities::all(), platform);
    let bad_line = record(
        "order_line",
        "",
        0,
        &json!({ "quantity": 0, "unit_price": -1 }),
    );
    let fields: Vec<String> = orders
        .validate(&call, &bad_line)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.field)
        .collect();
    assert_eq!(fields, ["quantity", "unit_price"]);
    let order = |budget: f64| {
        record(
            "equipment_order",
            "o-1",
            1,
            &json!({ "title": "IT", "budget": budget }),
        )
    };
    let over = orders
        .on_action(&call, "submit", &order(3000.0), None)
        .await
        .unwrap();
    let Err(HookError::Invalid(issues)) = over else {
        panic!("expected the budget to be refused, got {over:?}");
    };
    assert_eq!(
        issues[0].message,
        "The lines total 3600.00, over the budget of 3000.00."
    );
    let fits = orders
        .on_action(&call, "submit", &order(4000.0), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fits.changes.unwrap()["total"], 3600.0);
}

#[tokio::test]
async fn document_approval_needs_every_required_approver() {
    let documents = plugin("plugins/document-approval");
    let call = all_granted();
    let document = |approved_by: &str| {
        record(
            "document",
            "d-1",
            2,
            &json!({ "title": "Policy", "link": "https://x.test/p",
                                               "approved_by": approved_by }),
        )
    };
    let defaults = documents
        .before_save(&call, &document(""), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(defaults.unwrap()["required_approvals"], 3);
    let first = documents
        .on_action(&call, "approve", &document(""), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.status, None);
    assert_eq!(first.message.as_deref(), Some("1 of 2 approvals."));
    let again = documents
        .on_action(&call, "approve", &document("u-1"), None)
        .await
        .unwrap();
    assert!(matches!(again, Err(HookError::Invalid(_))), "{again:?}");
    let last = documents
        .on_action(&call, "approve", &document("u-0"), None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.status.as_deref(), Some("approved"));
}

#[tokio::test]
async fn a_package_reports_every_problem_at_once() {
    let mut package = guests::package("tests/guests/probe");
    package.manifest["interface"] = json!("portico:section@2.0.0");
    package.manifest["objects"][0]["statuses"] =
        json!([{ "code": "aa", "title": "A", "transitions": ["bb"] }]);
    package.component = b"not wasm".to_vec();
    let Err(LoadError::Invalid(problems)) = RUNTIME.load(&package) else {
        panic!("the package loaded");
    };
    let places: Vec<Option<&str>> = problems.iter().map(|p| p.pointer.as_deref()).collect();
    assert_eq!(
        places,
        [Some("/objects/0/statuses/0/transitions/0"), None],
        "{problems:?}"
    );
    let mut package = guests::package("tests/guests/probe");
    package.manifest["interface"] = json!("portico:section@2.0.0");
    let Err(LoadError::Invalid(problems)) = RUNTIME.load(&package) else {
        panic!("the package loaded");
    };
    assert_eq!(problems[0].pointer.as_deref(), Some("/interface"));
    assert!(
        problems[0]
            .to_string()
            .contains("this platform runs portico:section@1.0.0")
    );
}

#[tokio::test]
async fn components_over_the_size_cap_are_refused() {
    let small = PluginRuntime::new(RuntimeConfig {
        max_component_bytes: 1000,
        max_instances: 4,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let Err(LoadError::Invalid(problems)) = small.load(&guests::package("tests/guests/probe"))
    else {
        panic!("the package loaded");
    };
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].message.contains("over the 1000-byte limit"),
        "{problems:?}"
    );
}

#[tokio::test]
async fn compiled_components_are_cached_and_a_corrupt_artifact_is_rebuilt() {
    let dir = std::env::temp_dir().join(format!("portico-plugin-cache-{}", std::process::id()));
    let cached = |dir: &std::path::Path| {
        PluginRuntime::new(RuntimeConfig {
            cache_dir: Some(dir.to_owned()),
            max_instances: 4,
            ..RuntimeConfig::default()
        })
        .unwrap()
    };
    let package = guests::package("tests/guests/probe");
    cached(&dir).load(&package).unwrap();
    let artifacts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(artifacts.len(), 1, "{artifacts:?}");
    std::fs::write(&artifacts[0], b"garbage").unwrap();
    let reloaded = cached(&dir).load(&package).unwrap();
    assert!(
        reloaded
            .validate(&all_granted(), &item("ok"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(std::fs::read(&artifacts[0]).unwrap().len() > 1000);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_scaffolded_section_builds_and_passes_the_check() {
    let parent = guests::root().join(format!("target/scaffold-{}", std::process::id()));
    std::fs::create_dir_all(&parent).unwrap();
    let dir = portico::plugin_host::tooling::scaffold(
        "travel-claims",
        &parent,
        &guests::root().join("sdk"),
    )
    .unwrap();
    let built = portico::plugin_host::tooling::build(
        env!("CARGO").as_ref(),
        &dir,
        &guests::root().join("target/wasm"),
    )
    .unwrap();
    let component = built.join("travel_claims.wasm");
    let report = portico::plugin_host::tooling::check(&dir, Some(&component)).unwrap();
    assert!(report.passed(), "{report}");
    assert!(report.warnings.is_empty(), "{report}");
    std::fs::remove_dir_all(parent).unwrap();
}

#[tokio::test]
async fn a_full_instance_pool_answers_busy_instead_of_waiting() {
    let one_at_a_time = PluginRuntime::new(RuntimeConfig {
        max_instances: 1,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let probe = one_at_a_time
        .load(&guests::package("tests/guests/probe"))
        .unwrap();
    let slow = Platform {
        settings: "{}".into(),
        slow: Some(Duration::from_millis(300)),
        ..Platform::default()
    };
    let holding = invocation("acme", Capabilities::all(), slow);
    let (waiting, record) = (all_granted(), item("x"));
    let (held, refused) = tokio::join!(
        probe.on_action(&holding, "settings", &record, None),
        async {
            // Let the first call take the only instance and wait in the host.
            tokio::time::sleep(Duration::from_millis(50)).await;
            probe.validate(&waiting, &record).await
        }
    );
    assert_eq!(
        held.unwrap().unwrap().message.as_deref(),
        Some("Ok(Object {})")
    );
    assert_eq!(refused.unwrap_err(), CallError::Busy);
    assert!(
        probe.validate(&waiting, &item("x")).await.is_ok(),
        "free again"
    );
}
