//! The `portico` binary as an operator runs it.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use sqlx::{AnyConnection, Connection, Row};

use crate::harness::{Backend, TestDatabase};

fn portico(database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .env("PORTICO_DATABASE_URL", database_url)
        .env("PORTICO_LOG", "warn")
        .output()
        .expect("run portico")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_command_explains_itself() {
    let help = portico("sqlite::memory:", &["--help"]);
    assert!(help.status.success());
    for command in ["serve", "migrate", "demo", "tenant"] {
        assert!(
            stdout(&help).contains(command),
            "{command} missing from --help"
        );
    }
    for args in [
        &["serve", "--help"][..],
        &["migrate", "--help"],
        &["demo", "--help"],
        &["tenant", "--help"],
        &["tenant", "create", "--help"],
        &["tenant", "list", "--help"],
        &["tenant", "suspend", "--help"],
        &["tenant", "resume", "--help"],
        &["tenant", "configure", "--help"],
        &["tenant", "licenses", "--help"],
        &["tenant", "usage", "--help"],
    ] {
        let output = portico("sqlite::memory:", args);
        assert!(output.status.success(), "{args:?}");
        assert!(stdout(&output).contains("Usage: portico"), "{args:?}");
    }
}

#[test]
fn bad_configuration_stops_start_up_with_one_line_naming_the_setting() {
    let output = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("migrate")
        .env("PORTICO_LISTEN", "eighty")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        message.starts_with("portico: invalid configuration: PORTICO_LISTEN:"),
        "{message}"
    );

    let output = portico("mysql://nope", &["migrate"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("PORTICO_DATABASE_URL"));

    let output = portico("postgres://nobody@127.0.0.1:1/none", &["migrate"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("cannot connect to the PostgreSQL database"),
        "{}",
        stderr(&output)
    );
}

async fn migrations_apply_from_empty_and_again(backend: Backend) {
    let (_db, url) = TestDatabase::create(backend).await;
    for _ in 0..2 {
        let output = portico(&url, &["migrate"]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(stdout(&output).starts_with("Migrations applied"));
    }
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&url).await.unwrap();
    for table in [
        "tenants",
        "users",
        "sessions",
        "api_tokens",
        "one_time_tokens",
        "login_failures",
        "counters",
        "records",
    ] {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) AS n FROM {table}"
        )))
        .fetch_one(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(rows.get::<i64, _>("n"), 0, "{table}");
    }
}

#[tokio::test]
async fn migrations_apply_from_empty_on_sqlite() {
    migrations_apply_from_empty_and_again(Backend::Sqlite).await;
}

#[tokio::test]
async fn migrations_apply_from_empty_on_postgres() {
    migrations_apply_from_empty_and_again(Backend::Postgres).await;
}

#[tokio::test]
async fn distributing_needs_postgresql_with_citus() {
    let (_db, url) = TestDatabase::create(Backend::Sqlite).await;
    let output = portico(&url, &["migrate", "--distribute"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--distribute needs PostgreSQL with the Citus extension"),
        "{}",
        stderr(&output)
    );
}

/// On a PostgreSQL database without Citus, `--distribute` refuses and says what to do; on one
/// with it (the suite run against a Citus coordinator), every tenant table ends up distributed by
/// tenant_id in one co-location group, the global ones as reference tables, a tenant made before
/// reads as before, and a second run changes nothing.
#[tokio::test]
async fn distributing_spreads_tenant_tables_by_tenant_or_refuses_without_citus() {
    let (db, url) = TestDatabase::create(Backend::Postgres).await;
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(&db.inspection_url(&url))
        .await
        .unwrap();
    let citus: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    // A database in use: a tenant is there before distributing.
    assert!(portico(&url, &["migrate"]).status.success());
    let created = portico(
        &url,
        &[
            "tenant",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme Corp",
            "--admin-email",
            "boss@acme.test",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let output = portico(&url, &["migrate", "--distribute"]);
    if !citus {
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output)
                .contains("this database has no citus extension, so nothing was distributed"),
            "{}",
            stderr(&output)
        );
        return;
    }
    assert!(output.status.success(), "{}", stderr(&output));
    let layout: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT c.relname::text, coalesce(p.partmethod::text, 'local'), coalesce(p.colocationid, 0)::bigint
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
         LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.oid
         WHERE c.relkind = 'r' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let groups: std::collections::BTreeSet<i64> = layout
        .iter()
        .filter(|(_, method, _)| method == "h")
        .map(|(_, _, group)| *group)
        .collect();
    assert_eq!(groups.len(), 1, "{layout:?}");
    for (table, method, _) in &layout {
        let expected = match table.as_str() {
            "tenants" | "stripe_events" => "n",
            "_sqlx_migrations" => "local",
            _ => "h",
        };
        assert_eq!(method, expected, "{table}");
    }
    // The tenant's data moved to the shards and reads as before.
    let usage = portico(&url, &["tenant", "usage", "acme"]);
    assert!(usage.status.success(), "{}", stderr(&usage));
    assert!(
        stdout(&usage).contains("Acme Corp (acme, active)")
            && stdout(&usage).contains("licenses: 0 used of 100"),
        "{}",
        stdout(&usage)
    );
    let again = portico(&url, &["migrate", "--distribute"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains(" 0 table(s) distributed by tenant_id, 0 made reference tables"),
        "{}",
        stdout(&again)
    );
}

async fn tenants_are_managed_from_the_command_line(backend: Backend) {
    let (db, url) = TestDatabase::create(backend).await;
    let created = portico(
        &url,
        &[
            "tenant",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme Corp",
            "--admin-email",
            "Boss@Acme.test",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let text = stdout(&created);
    assert!(text.contains("Administrator: boss@acme.test"), "{text}");
    assert!(
        text.contains("http://acme.localhost:8080/set-password?token="),
        "{text}"
    );

    for (args, expected) in [
        (vec!["--slug", "WWW"], "only lowercase letters"),
        (vec!["--slug", "www"], "reserved"),
        (vec!["--slug", "acme"], "already exists"),
    ] {
        let mut all = vec![
            "tenant",
            "create",
            "--name",
            "X",
            "--admin-email",
            "x@x.test",
        ];
        all.extend(args);
        let output = portico(&url, &all);
        assert!(!output.status.success());
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    }
    let bad_email = portico(
        &url,
        &[
            "tenant",
            "create",
            "--slug",
            "initech",
            "--name",
            "I",
            "--admin-email",
            "nope",
        ],
    );
    assert!(!bad_email.status.success());
    let list = portico(&url, &["tenant", "list"]);
    assert_eq!(
        stdout(&list),
        "acme\tactive\tAcme Corp\n",
        "the failed creations left nothing behind"
    );

    assert!(
        portico(&url, &["tenant", "suspend", "acme"])
            .status
            .success()
    );
    assert_eq!(
        stdout(&portico(&url, &["tenant", "list"])),
        "acme\tsuspended\tAcme Corp\n"
    );
    assert!(
        portico(&url, &["tenant", "resume", "acme"])
            .status
            .success()
    );
    assert_eq!(
        stdout(&portico(&url, &["tenant", "list"])),
        "acme\tactive\tAcme Corp\n"
    );
    assert!(
        !portico(&url, &["tenant", "suspend", "ghost"])
            .status
            .success()
    );

    // Configurations set the tenant's limits; unknown ones and tenants are refused.
    let configured = portico(
        &url,
        &[
            "tenant",
            "configure",
            "acme",
            "--configurations",
            "customer,self-service",
        ],
    );
    assert!(configured.status.success(), "{}", stderr(&configured));
    assert!(
        stdout(&configured).contains("up to 3 custom sections, 1500 objects on the portal"),
        "{}",
        stdout(&configured)
    );
    // The partner configuration's lookups start filled.
    let partner = portico(
        &url,
        &[
            "tenant",
            "configure",
            "acme",
            "--configurations",
            "self-service,partner",
        ],
    );
    assert!(partner.status.success(), "{}", stderr(&partner));
    let lookups = snapshot(&db.inspection_url(&url)).await;
    for number in ["partner_type ", "partner_category "] {
        assert!(
            lookups.iter().filter(|l| l.starts_with(number)).count() >= 4,
            "{lookups:?}"
        );
    }
    let bad = portico(
        &url,
        &["tenant", "configure", "acme", "--configurations", "gold"],
    );
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("unknown configuration"),
        "{}",
        stderr(&bad)
    );
    let ghost = portico(
        &url,
        &[
            "tenant",
            "configure",
            "ghost",
            "--configurations",
            "customer",
        ],
    );
    assert!(!ghost.status.success());

    // Licenses while billing is off: set by the operator, shown with their use.
    let licensed = portico(
        &url,
        &[
            "tenant",
            "licenses",
            "acme",
            "--partner",
            "12",
            "--self-service-packs",
            "2",
        ],
    );
    assert!(licensed.status.success(), "{}", stderr(&licensed));
    let text = stdout(&licensed);
    assert!(text.contains("partner\t0 used\t12 available"), "{text}");
    assert!(
        text.contains("self-service\t0 used\t2100 available"),
        "one employee and two packs: {text}"
    );
    let bad = portico(&url, &["tenant", "licenses", "acme", "--customer", "lots"]);
    assert!(!bad.status.success());
    assert!(
        stderr(&bad).contains("--customer takes a number"),
        "{}",
        stderr(&bad)
    );
    let usage = portico(&url, &["tenant", "usage", "acme", "--json"]);
    assert!(usage.status.success(), "{}", stderr(&usage));
    let usage: serde_json::Value = serde_json::from_str(&stdout(&usage)).unwrap();
    assert_eq!(usage["licenses"]["purchased"]["partner"], 12);
    assert_eq!(usage["api_calls"].as_array().unwrap().len(), 7);
    assert_eq!(usage["storage_bytes"], 0);
    assert!(
        !portico(&url, &["tenant", "usage", "ghost"])
            .status
            .success()
    );
}

#[tokio::test]
async fn tenants_are_managed_from_the_command_line_on_sqlite() {
    tenants_are_managed_from_the_command_line(Backend::Sqlite).await;
}

#[tokio::test]
async fn tenants_are_managed_from_the_command_line_on_postgres() {
    tenants_are_managed_from_the_command_line(Backend::Postgres).await;
}

/// Runs `portico demo` until it has printed its instructions, checks it serves, then stops it
/// with SIGTERM and expects a clean exit.
fn run_demo_once(url: &str) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data_dir = std::env::temp_dir().join(format!("portico-demo-{}", uuid::Uuid::new_v4()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("demo")
        .env("PORTICO_DATABASE_URL", url)
        .env("PORTICO_LISTEN", format!("127.0.0.1:{port}"))
        .env("PORTICO_DATA_DIR", &data_dir)
        .env("PORTICO_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut printed = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        printed.push_str(&line);
        printed.push('\n');
        if line.contains("Press Ctrl-C") {
            break;
        }
    }
    let health = std::net::TcpStream::connect(("127.0.0.1", port));
    assert!(health.is_ok(), "demo is not listening:\n{printed}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "demo did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "demo exited with {status}");
    let _ = std::fs::remove_dir_all(data_dir);
    printed.replace(&port.to_string(), "PORT")
}

async fn snapshot(url: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(url).await.unwrap();
    let mut rows = Vec::new();
    for sql in [
        "SELECT slug || ' ' || status || ' ' || name AS line FROM tenants ORDER BY slug",
        "SELECT id || ' ' || login || ' ' || kind || ' ' || coalesce(password_hash, '-') AS line FROM users ORDER BY login",
        "SELECT object || ' ' || number || ' ' || id AS line FROM records ORDER BY object, number",
        "SELECT name || ' ' || value AS line FROM counters ORDER BY name",
        "SELECT code || ' ' || version AS line FROM installed_sections ORDER BY code",
        "SELECT 'portal ' || object AS line FROM portal_objects ORDER BY object",
        "SELECT r.name || ' ' || u.login AS line FROM role_members m \
         JOIN roles r ON r.id = m.role_id JOIN users u ON u.id = m.user_id \
         WHERE r.kind = 'functional' ORDER BY r.name",
    ] {
        for row in sqlx::query(sql).fetch_all(&mut conn).await.unwrap() {
            rows.push(row.get::<String, _>("line"));
        }
    }
    rows
}

async fn the_demo_is_idempotent(backend: Backend) {
    let (db, url) = TestDatabase::create(backend).await;
    let inspect = db.inspection_url(&url);
    let printed = run_demo_once(&url);
    assert!(printed.contains("http://demo.localhost:PORT/"), "{printed}");
    assert!(
        printed.contains("http://demo.localhost:PORT/console"),
        "{printed}"
    );
    assert!(
        printed.contains("customer@demo.test / demo-customer"),
        "{printed}"
    );
    assert!(
        printed.contains("admin@demo.test / demo-admin"),
        "{printed}"
    );
    assert!(
        printed.contains("approver@demo.test / demo-approver"),
        "{printed}"
    );
    assert!(
        printed.contains("partner@demo.test / demo-partner"),
        "{printed}"
    );
    // The first-party sections from plugins/, built and installed like an upload.
    assert!(
        printed.contains("Sections Leave requests, Document approval, Equipment orders"),
        "{printed}"
    );
    let first = snapshot(&inspect).await;
    for section in [
        "document_approvals 1.0.0",
        "equipment_orders 1.0.0",
        "leave_requests 1.0.0",
    ] {
        assert!(first.iter().any(|l| l == section), "{first:?}");
    }
    // ... with an approver for those approved by a role ...
    for member in [
        "Purchasing approver@demo.test",
        "document_approvers approver@demo.test",
    ] {
        assert!(first.iter().any(|l| l == member), "{first:?}");
    }
    // ... and open to portal users.
    for object in [
        "portal document",
        "portal equipment_order",
        "portal leave_request",
        "portal lead",
        "portal opportunity",
    ] {
        assert!(first.iter().any(|l| l == object), "{first:?}");
    }
    assert!(
        first.iter().any(|l| l.starts_with("demo active")),
        "{first:?}"
    );
    // The partner portal: a partnership, and the partner's leads.
    assert!(
        first.iter().any(|l| l.starts_with("partnership PS-0001 ")),
        "{first:?}"
    );
    assert!(
        first.iter().any(|l| l.starts_with("lead LD-00006 ")),
        "{first:?}"
    );
    assert_eq!(
        first
            .iter()
            .filter(|l| l.contains("@demo.test") && l.contains("argon2"))
            .count(),
        4,
        "{first:?}"
    );

    run_demo_once(&url);
    assert_eq!(
        snapshot(&inspect).await,
        first,
        "a second run must leave the same state"
    );
}

#[tokio::test]
async fn the_demo_is_idempotent_on_sqlite() {
    the_demo_is_idempotent(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_demo_is_idempotent_on_postgres() {
    the_demo_is_idempotent(Backend::Postgres).await;
}

/// `portico serve` with JSON logs: each request's line carries its request id, tenant and user.
#[tokio::test]
async fn json_logs_name_the_request_tenant_and_user() {
    let (_db, url) = TestDatabase::create(Backend::Sqlite).await;
    assert!(portico(&url, &["migrate"]).status.success());
    let created = portico(
        &url,
        &[
            "tenant",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme",
            "--admin-email",
            "boss@acme.test",
        ],
    );
    let link = stdout(&created)
        .lines()
        .find_map(|l| l.strip_prefix("One-time setup link (valid 7 days): "))
        .unwrap()
        .to_owned();

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_portico"))
        .arg("serve")
        .env("PORTICO_DATABASE_URL", &url)
        .env("PORTICO_LISTEN", format!("127.0.0.1:{port}"))
        .env("PORTICO_LOG_FORMAT", "json")
        .env("PORTICO_LOG", "info")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let origin = format!("http://acme.localhost:{port}");
    let browser = crate::harness::Browser::new(&origin);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "serve did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let link = link.replace("http://acme.localhost:8080", &origin);
    browser.set_password(&link, "boss password 1").await;
    let me = browser
        .sign_in_api(&crate::harness::Login::new(
            "boss@acme.test",
            "boss password 1",
        ))
        .await;
    let user_id = me.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = browser.get("/api/v1/me").await;
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let logs = String::from_utf8_lossy(&output.stdout);
    let line = logs
        .lines()
        .find(|l| l.contains(&request_id))
        .unwrap_or_else(|| panic!("no log line for request {request_id}:\n{logs}"));
    let line: serde_json::Value = serde_json::from_str(line).expect("JSON log line");
    let span = &line["span"];
    assert_eq!(span["request_id"], request_id.as_str());
    assert_eq!(span["tenant"], "acme");
    assert_eq!(span["user"], user_id.as_str());
    assert_eq!(span["path"], "/api/v1/me");
}
