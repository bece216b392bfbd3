//! Load: what a signed-in customer does (my cases, knowledge search, the new-case form, submitting
//! a case), the JSON API's case list and a section save with a plugin hook, at 16 and 64
//! connections, on SQLite and on PostgreSQL. Each figure stands beside two references measured in
//! the same run: `/healthz`, the host's own yardstick (hosts of this kind differ), and on
//! PostgreSQL the pgbench bound of the case list's own SQL. Then the server's memory idle, at the
//! peak of a mixed load and after it.
//!
//! Run: `cargo bench -p portico --bench load` (after `--`: `sqlite` or `postgres` for one
//! database, `--seconds N` per measurement, default 10; `--size large` for the large data set).
//! It seeds a fresh database with `portico seed` (PostgreSQL: a database of its own at
//! PORTICO_TEST_POSTGRES, dropped afterwards), serves it with the release binary, and drives it
//! over loopback with one HTTP/1.1 connection per client. The load generator shares the machine.

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode, header};
use serde_json::{Value, json};
use sqlx::{Connection, Executor, PgConnection};

const CUSTOMER: (&str, &str) = ("customer@demo.test", "demo-customer");
const ADMIN: (&str, &str) = ("admin@demo.test", "demo-admin");
const CONCURRENCY: [usize; 2] = [16, 64];

struct Options {
    databases: Vec<&'static str>,
    seconds: u64,
    size: String,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let mut databases: Vec<&'static str> = ["sqlite", "postgres"]
        .into_iter()
        .filter(|d| args.iter().any(|a| a == d))
        .collect();
    if databases.is_empty() {
        databases = vec!["sqlite", "postgres"];
    }
    Options {
        databases,
        seconds: value("--seconds")
            .and_then(|s| s.parse().ok())
            .unwrap_or(10),
        size: value("--size").unwrap_or_else(|| "small".into()),
    }
}

fn admin_url() -> String {
    std::env::var("PORTICO_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Where the bench's data lives, removed at the end.
struct Database {
    url: String,
    dir: std::path::PathBuf,
    postgres: Option<String>,
}

impl Database {
    async fn create(kind: &str) -> Self {
        let name = format!("portico_load_{}", uuid::Uuid::new_v4().simple());
        let dir = std::env::temp_dir().join(&name);
        if kind == "sqlite" {
            return Self {
                url: format!("sqlite://{}/portico.db", dir.display()),
                dir,
                postgres: None,
            };
        }
        let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
        admin
            .execute(
                "DO $$ BEGIN CREATE ROLE portico_test_app LOGIN NOSUPERUSER NOBYPASSRLS;
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
            )
            .await
            .unwrap();
        admin
            .execute(sqlx::AssertSqlSafe(format!(
                "CREATE DATABASE {name} OWNER portico_test_app"
            )))
            .await
            .unwrap();
        let server = admin_url()
            .split_once('@')
            .and_then(|(_, rest)| rest.split('/').next().map(str::to_owned))
            .unwrap_or_else(|| "127.0.0.1:5432".into());
        Self {
            url: format!("postgres://portico_test_app@{server}/{name}"),
            dir,
            postgres: Some(name),
        }
    }

    async fn drop_all(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.postgres {
            let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
            admin
                .execute(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE {name} WITH (FORCE)"
                )))
                .await
                .unwrap();
        }
    }
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn portico(database: &Database) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .env("PORTICO_DATABASE_URL", &database.url)
        .env("PORTICO_DATA_DIR", &database.dir)
        .env("PORTICO_LOG", "warn");
    command
}

impl Server {
    async fn start(database: &Database) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let child = portico(database)
            .env("PORTICO_LISTEN", addr.to_string())
            .arg("serve")
            .stdout(Stdio::null())
            .spawn()
            .expect("the portico binary starts");
        let server = Self { child, addr };
        let client = Client::new();
        for _ in 0..300 {
            if client
                .get(format!("http://{addr}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK)
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the server did not start");
    }

    fn rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server runs");
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("VmRSS");
        kib / 1024.0
    }
}

/// One request a client repeats, and the status that counts as served.
#[derive(Clone)]
struct Scenario {
    name: &'static str,
    method: reqwest::Method,
    path: String,
    host: String,
    headers: Vec<(header::HeaderName, String)>,
    body: Option<(String, Vec<u8>)>,
    expect: StatusCode,
}

/// The signed-in customer's requests, in the order of the table.
async fn scenarios(server: &Server) -> Vec<Scenario> {
    let port = server.addr.port();
    let host = format!("demo.localhost:{port}");
    let origin = format!("http://{}", server.addr);
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = async |(login, password): (&str, &str)| {
        let response = client
            .post(format!("{origin}/api/v1/auth/login"))
            .header(header::HOST, &host)
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{login} signs in");
        response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("portico_session="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned()
    };
    let cookie = sign_in(CUSTOMER).await;
    // Sections' records reference contacts, which the administrator picks from.
    let admin_cookie = sign_in(ADMIN).await;
    let get = |path: &str| {
        client
            .get(format!("{origin}{path}"))
            .header(header::HOST, &host)
            .header(header::COOKIE, &cookie)
    };
    let form = get("/cases/new")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = form
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form's CSRF token")
        .to_owned();
    let service = form
        .split("name=\"service\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .into_iter()
        .flat_map(|options| options.split("value=\"").skip(1))
        .filter_map(|rest| rest.split('"').next())
        .find(|v| !v.is_empty())
        .expect("a service to choose")
        .to_owned();
    let contacts: Value = client
        .get(format!("{origin}/api/v1/objects/contact/records?limit=1"))
        .header(header::HOST, &host)
        .header(header::COOKIE, &admin_cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let manager = contacts["data"][0]["id"]
        .as_str()
        .expect("the administrator reads a contact")
        .to_owned();

    let boundary = "portico-load-boundary";
    let multipart = [
        ("csrf_token", csrf.as_str()),
        ("service", service.as_str()),
        ("subject", "The printer on the second floor jams"),
        ("description", "It reports a paper jam every few pages."),
    ]
    .iter()
    .map(|(name, value)| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    })
    .collect::<String>()
        + &format!("--{boundary}--\r\n");
    let leave = json!({ "data": { "kind": "vacation", "start_date": "2027-03-01",
                                  "end_date": "2027-03-05", "days": 5, "manager": manager,
                                  "reason": "Family visit" } });

    let page = |name, path: &str| Scenario {
        name,
        method: reqwest::Method::GET,
        path: path.to_owned(),
        host: host.clone(),
        headers: vec![(header::COOKIE, cookie.clone())],
        body: None,
        expect: StatusCode::OK,
    };
    vec![
        Scenario {
            host: server.addr.to_string(),
            headers: Vec::new(),
            ..page("/healthz (yardstick)", "/healthz")
        },
        page("my cases", "/cases"),
        page("knowledge search \"password\"", "/knowledge?q=password"),
        page("new-case form", "/cases/new"),
        Scenario {
            method: reqwest::Method::POST,
            body: Some((
                format!("multipart/form-data; boundary={boundary}"),
                multipart.into_bytes(),
            )),
            expect: StatusCode::SEE_OTHER,
            ..page("submit a case", "/cases/new")
        },
        page("JSON case list", "/api/v1/objects/case/records"),
        Scenario {
            method: reqwest::Method::POST,
            headers: vec![(header::COOKIE, admin_cookie.clone())],
            body: Some(("application/json".into(), leave.to_string().into_bytes())),
            expect: StatusCode::CREATED,
            ..page(
                "section save (plugin hook)",
                "/api/v1/objects/leave_request/records",
            )
        },
    ]
}

struct Outcome {
    served: usize,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.served as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i]
    }
}

/// Runs `connections` clients, each on its own connection, repeating their scenario (chosen in
/// turn from `mix`) for `seconds` after one second of warming up.
async fn drive(server: &Server, mix: &[Scenario], connections: usize, seconds: u64) -> Outcome {
    let warm_until = Instant::now() + Duration::from_secs(1);
    let stop_at = warm_until + Duration::from_secs(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..connections {
        let scenario = mix[n % mix.len()].clone();
        let addr = server.addr;
        tasks.spawn(async move {
            let client = Client::builder()
                .http1_only()
                .pool_max_idle_per_host(1)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let url = format!("http://{addr}{}", scenario.path);
            let (mut latencies, mut errors, mut first_error) = (Vec::new(), 0, None);
            loop {
                let started = Instant::now();
                if started >= stop_at {
                    break;
                }
                let mut request = client
                    .request(scenario.method.clone(), &url)
                    .header(header::HOST, &scenario.host);
                for (name, value) in &scenario.headers {
                    request = request.header(name, value);
                }
                if let Some((content_type, body)) = &scenario.body {
                    request = request
                        .header(header::CONTENT_TYPE, content_type)
                        .body(body.clone());
                }
                let outcome = match request.send().await {
                    Ok(response) => {
                        let status = response.status();
                        let body = response.bytes().await;
                        match body {
                            Ok(_) if status == scenario.expect => Ok(()),
                            Ok(body) => Err(format!(
                                "{status}: {}",
                                String::from_utf8_lossy(&body[..body.len().min(200)])
                            )),
                            Err(e) => Err(e.to_string()),
                        }
                    }
                    Err(e) => Err(e.to_string()),
                };
                if started < warm_until {
                    continue;
                }
                match outcome {
                    Ok(()) => latencies.push(started.elapsed()),
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                    }
                }
            }
            (latencies, errors, first_error)
        });
    }
    let mut outcome = Outcome {
        served: 0,
        errors: 0,
        first_error: None,
        elapsed: Duration::from_secs(seconds),
        latencies: Vec::new(),
    };
    while let Some(done) = tasks.join_next().await {
        let (latencies, errors, first_error) = done.unwrap();
        outcome.latencies.extend(latencies);
        outcome.errors += errors;
        if outcome.first_error.is_none() {
            outcome.first_error = first_error;
        }
    }
    outcome.served = outcome.latencies.len();
    outcome.latencies.sort();
    outcome
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The machine's load while the bench runs (1-minute average), for the README.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default()
}

async fn measure(kind: &'static str, options: &Options) -> Vec<String> {
    let database = Database::create(kind).await;
    let started = Instant::now();
    let seeded = portico(&database)
        .args(["seed", "--size", &options.size])
        .status()
        .unwrap();
    assert!(seeded.success(), "portico seed");
    eprintln!("{kind}: seeded in {:.0?}", started.elapsed());
    let server = Server::start(&database).await;
    let scenarios = scenarios(&server).await;
    let mut rows = Vec::new();
    let mut yardstick = 0.0;
    for connections in CONCURRENCY {
        for scenario in &scenarios {
            let outcome = drive(
                &server,
                std::slice::from_ref(scenario),
                connections,
                options.seconds,
            )
            .await;
            if scenario.path == "/healthz" {
                yardstick = outcome.rate();
            }
            let row = format!(
                "| {kind} | {connections} | {} | {:.0} | {:.1} % | {:.2} ms | {:.2} ms | {} | {:.1} |",
                scenario.name,
                outcome.rate(),
                100.0 * outcome.rate() / yardstick,
                ms(outcome.percentile(0.5)),
                ms(outcome.percentile(0.99)),
                outcome.errors,
                load_average().parse::<f64>().unwrap_or_default(),
            );
            eprintln!("{row}");
            if let Some(error) = &outcome.first_error {
                eprintln!("    first error: {error}");
            }
            rows.push(row);
        }
    }
    // Memory: idle, at the peak of every page at once, and after.
    let idle = server.rss_mib();
    let server = Arc::new(server);
    let sampler = {
        let server = server.clone();
        tokio::spawn(async move {
            let mut peak: f64 = 0.0;
            for _ in 0..(options_seconds_for_mix() * 10) {
                peak = peak.max(server.rss_mib());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            peak
        })
    };
    let mixed = drive(&server, &scenarios[1..], 64, options_seconds_for_mix()).await;
    let peak = sampler.await.unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let after = server.rss_mib();
    let row = format!(
        "| {kind} | memory: idle {idle:.1} MiB, peak under the mixed load {peak:.1} MiB ({:.0} req/s, {} errors), 10 s after {after:.1} MiB ({:+.0} %) |",
        mixed.rate(),
        mixed.errors,
        100.0 * (after - idle) / idle
    );
    eprintln!("{row}");
    rows.push(row);
    drop(server);
    database.drop_all().await;
    rows
}

fn options_seconds_for_mix() -> u64 {
    10
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let options = options();
    let mut rows = Vec::new();
    for kind in options.databases.clone() {
        rows.extend(measure(kind, &options).await);
    }
    println!(
        "\n| database | connections | request | req/s | of /healthz | p50 | p99 | errors | load |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        println!("{row}");
    }
}
