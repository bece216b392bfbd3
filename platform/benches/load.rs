//! Load: what a signed-in customer does (my cases, knowledge search, the new-case form, submitting
//! a case), the JSON API's case list and a section save with a plugin hook, at 16 and 64
//! connections, on SQLite and on PostgreSQL. Each figure stands beside two references measured in
//! the same run: `/healthz`, the host's own yardstick (hosts of this kind differ), and on
//! PostgreSQL the pgbench bound of the case list's own SQL. Then the server's memory idle, at the
//! peak of a mixed load and after it.
//!
//! Run: `cargo bench -p portico --bench load` (after `--`: `sqlite` or `postgres` for one
//! database, `--seconds N` per measurement, default 10; `--size large` for the large data set;
//! `--only TEXT` for the requests whose name contains it, beside the yardstick).
//! It seeds a fresh database with `portico seed` (PostgreSQL: a database of its own at
//! PORTICO_TEST_POSTGRES, dropped afterwards), serves it with the release binary, and drives it
//! over loopback with one HTTP/1.1 connection per client. The load generator shares the machine.

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use hyper::body::Bytes;
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
    /// Measure only the requests whose name contains this (the yardstick always).
    only: Option<String>,
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
        only: value("--only"),
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
        .env("PORTICO_LOG", "warn")
        // The demo tenant's license allows 1,000 API calls a day, a second's worth here; what
        // the limit costs a call is measured apart (benches/api_limit.rs).
        .env("PORTICO_API_LIMIT", "off");
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
                                  "end_date": "2027-03-05", "manager": manager,
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

/// Runs `connections` clients, each on its own HTTP/1.1 connection, repeating their scenario
/// (chosen in turn from `mix`) for `seconds` after one second of warming up.
async fn drive(server: &Server, mix: &[Scenario], connections: usize, seconds: u64) -> Outcome {
    let warm_until = Instant::now() + Duration::from_secs(1);
    let stop_at = warm_until + Duration::from_secs(seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..connections {
        let scenario = mix[n % mix.len()].clone();
        let addr = server.addr;
        tasks.spawn(async move {
            let (mut latencies, mut errors, mut first_error) = (Vec::new(), 0, None);
            let mut sender = None;
            loop {
                let started = Instant::now();
                if started >= stop_at {
                    break;
                }
                let outcome = match &mut sender {
                    Some(sender) => send(sender, &scenario).await,
                    None => match connect(addr).await {
                        Ok(connected) => {
                            let sender = sender.insert(connected);
                            send(sender, &scenario).await
                        }
                        Err(e) => Err(e),
                    },
                };
                if outcome.is_err() {
                    // A refused or broken connection: the next request opens a new one.
                    sender = None;
                }
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

type Sender = hyper::client::conn::http1::SendRequest<http_body_util::Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(sender)
}

/// One request of the scenario, its answer read whole; an answer with another status is an
/// error, shown with the start of its body.
async fn send(sender: &mut Sender, scenario: &Scenario) -> Result<(), String> {
    sender.ready().await.map_err(|e| e.to_string())?;
    let mut request = hyper::Request::builder()
        .method(scenario.method.as_str())
        .uri(&scenario.path)
        .header(header::HOST.as_str(), &scenario.host);
    for (name, value) in &scenario.headers {
        request = request.header(name.as_str(), value);
    }
    let body = match &scenario.body {
        Some((content_type, body)) => {
            request = request.header(header::CONTENT_TYPE.as_str(), content_type);
            Bytes::from(body.clone())
        }
        None => Bytes::new(),
    };
    let request = request
        .body(http_body_util::Full::new(body))
        .map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if status == scenario.expect.as_u16() {
        Ok(())
    } else {
        Err(format!(
            "{} answered {status}: {}",
            scenario.name,
            readable(&String::from_utf8_lossy(&body))
        ))
    }
}

/// The text of an answer without its markup (the part of an error page a person reads).
fn readable(body: &str) -> String {
    let main = body.find("<main").map_or(body, |at| &body[at..]);
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    words.join(" ").chars().take(200).collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The machine's load when a figure was taken (1-minute average), for the README.
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
    let list_statement = match &database.postgres {
        Some(name) => case_list_statement(&database, name).await,
        None => None,
    };
    let server = Server::start(&database).await;
    let scenarios = scenarios(&server).await;
    let mut rows = Vec::new();
    for connections in CONCURRENCY {
        let mut yardstick = 0.0;
        let chosen = scenarios.iter().filter(|s| {
            s.path == "/healthz" || options.only.as_ref().is_none_or(|o| s.name.contains(o))
        });
        for scenario in chosen {
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
                "| {kind} | {connections} | {} | {:.0} | {:.1} % | {:.2} ms | {:.2} ms | {} | {} |",
                scenario.name,
                outcome.rate(),
                100.0 * outcome.rate() / yardstick,
                ms(outcome.percentile(0.5)),
                ms(outcome.percentile(0.99)),
                outcome.errors,
                load_average(),
            );
            eprintln!("{row}");
            if let Some(error) = &outcome.first_error {
                eprintln!("    first error: {error}");
            }
            rows.push(row);
            if scenario.path == "/cases"
                && let (Some(statement), Some(name)) = (&list_statement, &database.postgres)
                && let Some(bound) = pgbench(name, statement, connections, options.seconds)
            {
                let row = format!(
                    "| {kind} | {connections} | my cases' own SQL through pgbench (the bound) | {bound:.0} | page at {:.1} % of it | | | | {} |",
                    100.0 * outcome.rate() / bound,
                    load_average(),
                );
                eprintln!("{row}");
                rows.push(row);
            }
        }
    }
    if options.only.is_none() {
        rows.push(memory(kind, &server, &scenarios[1..], options.seconds).await);
    }
    drop(server);
    database.drop_all().await;
    rows
}

/// The server's memory idle, at the peak of every page at once from 64 clients, and ten seconds
/// after.
async fn memory(kind: &str, server: &Server, pages: &[Scenario], seconds: u64) -> String {
    let idle = server.rss_mib();
    let peak = std::cell::Cell::new(idle);
    let sampling = async {
        let until = Instant::now() + Duration::from_secs(seconds + 1);
        while Instant::now() < until {
            peak.set(peak.get().max(server.rss_mib()));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let (mixed, ()) = tokio::join!(drive(server, pages, 64, seconds), sampling);
    tokio::time::sleep(Duration::from_secs(10)).await;
    let after = server.rss_mib();
    let row = format!(
        "| {kind} | memory | idle {idle:.1} MiB, peak under the mixed load {:.1} MiB ({:.0} req/s, {} errors), 10 s after {after:.1} MiB ({:+.0} %) |",
        peak.get(),
        mixed.rate(),
        mixed.errors,
        100.0 * (after - idle) / idle
    );
    eprintln!("{row}");
    if let Some(error) = &mixed.first_error {
        eprintln!("    first error: {error}");
    }
    row
}

/// Where PostgreSQL writes its log on this machine kind (Debian's cluster layout).
const POSTGRES_LOG: &str = "/var/log/postgresql/postgresql-15-main.log";

/// The statement "my cases" runs, with its parameters written in, as PostgreSQL logged it while
/// a server answered the page once (the database logs every statement meanwhile). `None` where
/// the log cannot be read.
async fn case_list_statement(database: &Database, name: &str) -> Option<String> {
    let log = std::env::var("PORTICO_BENCH_POSTGRES_LOG").unwrap_or_else(|_| POSTGRES_LOG.into());
    let logged_before = std::fs::metadata(&log).ok()?.len();
    let mut admin = PgConnection::connect(&admin_url()).await.unwrap();
    let set = format!("ALTER DATABASE {name} SET log_min_duration_statement = 0");
    admin.execute(sqlx::AssertSqlSafe(set)).await.unwrap();
    {
        let server = Server::start(database).await;
        let scenarios = scenarios(&server).await;
        let cases = scenarios.iter().find(|s| s.path == "/cases")?;
        let mut sender = connect(server.addr).await.ok()?;
        send(&mut sender, cases).await.ok()?;
    }
    let reset = format!("ALTER DATABASE {name} RESET log_min_duration_statement");
    admin.execute(sqlx::AssertSqlSafe(reset)).await.unwrap();
    let logged = std::fs::read(&log).ok()?;
    let logged = String::from_utf8_lossy(&logged[logged_before as usize..]).into_owned();
    let lines: Vec<&str> = logged.lines().collect();
    let at = lines.iter().rposition(|l| {
        l.contains(" execute ")
            && l.contains("FROM records r WHERE r.tenant_id = $1 AND r.object = 'case'")
    })?;
    let statement = lines[at].split_once(" execute ")?.1.split_once(": ")?.1;
    let parameters = lines.get(at + 1)?.split_once("parameters: ")?.1;
    Some(with_parameters(statement, parameters))
}

/// `statement` with each `$n` replaced by its value from PostgreSQL's `$1 = '...', $2 = ...`.
fn with_parameters(statement: &str, parameters: &str) -> String {
    let mut values = Vec::new();
    let mut rest = parameters;
    while let Some(at) = rest.find(" = ") {
        let value = &rest[at + 3..];
        let (value, next) = if let Some(quoted) = value.strip_prefix('\'') {
            // A quote inside a value is doubled.
            let mut end = 0;
            let bytes = quoted.as_bytes();
            while end < bytes.len() {
                if bytes[end] == b'\'' {
                    if bytes.get(end + 1) == Some(&b'\'') {
                        end += 2;
                        continue;
                    }
                    break;
                }
                end += 1;
            }
            (
                format!("'{}'", &quoted[..end]),
                &quoted[(end + 1).min(quoted.len())..],
            )
        } else {
            let end = value.find(',').unwrap_or(value.len());
            (value[..end].to_owned(), &value[end..])
        };
        values.push(value);
        rest = next;
    }
    let mut statement = statement.to_owned();
    for (n, value) in values.iter().enumerate().rev() {
        statement = statement.replace(&format!("${}", n + 1), value);
    }
    statement
}

/// Transactions per second of `statement` (in the tenant's transaction, as the server runs it)
/// through pgbench at `clients` connections, as the application's role.
fn pgbench(name: &str, statement: &str, clients: usize, seconds: u64) -> Option<f64> {
    let tenant = statement
        .split("r.tenant_id = ")
        .nth(1)?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .to_owned();
    let script = std::env::temp_dir().join(format!("{name}.sql"));
    std::fs::write(
        &script,
        format!(
            "BEGIN;\nSELECT set_config('portico.tenant_id', '{tenant}', true);\n{statement};\nCOMMIT;\n"
        ),
    )
    .ok()?;
    let server = admin_url()
        .split_once('@')
        .and_then(|(_, rest)| rest.split('/').next().map(str::to_owned))
        .unwrap_or_else(|| "127.0.0.1:5432".into());
    let (host, port) = server.split_once(':').unwrap_or((&server, "5432"));
    let output = Command::new("pgbench")
        .args([
            "-h",
            host,
            "-p",
            port,
            "-U",
            "portico_test_app",
            "-n",
            "-M",
            "prepared",
        ])
        .args([
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &seconds.to_string(),
        ])
        .arg("-f")
        .arg(&script)
        .arg(name)
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&script);
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // reqwest's TLS comes without a default provider (the Stripe client brings its own).
    let _ = rustls::crypto::ring::default_provider().install_default();
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
