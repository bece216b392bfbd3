//! The server under attack, each figure beside a reference measured in the same run:
//! 1. another tenant's read latency (p50, p99) alone, then while four clients keep one tenant's
//!    looping section busy (goal: p99 within 1.2× of alone);
//! 2. the server's memory (RSS) idle, at the peak of 64 concurrent sign-ins kept up for ten
//!    seconds, and 30 s after (goals: peak under 300 MiB, back within 20 % of idle);
//! 3. requests served per second without, then with, 1,000 slow connections open that send a
//!    header line every five seconds (goal: at least 80 % of the rate without them).
//!
//! Run with `cargo bench -p portico --bench hardening`. It starts the release `portico` binary
//! (`portico demo`, on a fresh SQLite database in a temporary directory) and drives it over
//! loopback like clients would.

#[path = "../../tests/support/guests.rs"]
mod guests;

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use base64::Engine as _;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

struct Server {
    child: Child,
    addr: SocketAddr,
    dir: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Server {
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
        command
            .env("PORTICO_DATA_DIR", &self.dir)
            .env("PORTICO_LISTEN", self.addr.to_string())
            .env("PORTICO_LOG", "warn");
        command
    }

    /// The server's resident memory now, in MiB.
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

async fn start() -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("portico-bench-{}", uuid::Uuid::new_v4()));
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut server = Server {
        child: Command::new("true").spawn().unwrap(),
        addr,
        dir,
    };
    server.child = server
        .command()
        // Sign-ins below come from many addresses, as behind a proxy.
        .env("PORTICO_TRUST_PROXY_HEADERS", "true")
        .arg("demo")
        .stdout(Stdio::null())
        .spawn()
        .expect("the portico binary starts");
    let client = Client::new();
    for _ in 0..600 {
        if client
            .get(format!("http://{addr}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
            && client
                .get(format!("http://{addr}/login"))
                .header("host", format!("demo.localhost:{port}"))
                .send()
                .await
                .is_ok_and(|r| r.status() == StatusCode::OK)
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the demo did not start");
}

/// A client for a tenant's host on the bench server.
fn tenant_client(server: &Server, slug: &str) -> (Client, String) {
    let host = format!("{slug}.localhost");
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .resolve(&host, server.addr)
        .build()
        .unwrap();
    (client, format!("http://{host}:{}", server.addr.port()))
}

/// An API token of `login` on tenant `slug`.
async fn token(server: &Server, slug: &str, login: &str, password: &str) -> String {
    let (client, origin) = tenant_client(server, slug);
    let response = client
        .post(format!("{origin}/api/v1/auth/login"))
        .header("x-forwarded-for", "192.0.2.1")
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "sign-in of {login}");
    let created: Value = client
        .post(format!("{origin}/api/v1/auth/tokens"))
        .json(&json!({ "name": "bench" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created["token"].as_str().unwrap().to_owned()
}

/// A second tenant on the customer configuration, with the looping test section installed;
/// answers its administrator's token.
async fn noisy_tenant(server: &Server) -> String {
    let output = server
        .command()
        .args(["tenant", "create", "--slug", "noisy", "--name", "Noisy"])
        .args(["--admin-email", "admin@noisy.test"])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    let link = printed
        .split_whitespace()
        .find(|w| w.contains("/set-password?token="))
        .unwrap_or_else(|| panic!("no setup link in {printed}"))
        .to_owned();
    let configured = server
        .command()
        .args([
            "tenant",
            "configure",
            "noisy",
            "--configurations",
            "customer",
        ])
        .status()
        .unwrap();
    assert!(configured.success());
    let (client, origin) = tenant_client(server, "noisy");
    let path = &link[link.find("/set-password").unwrap()..];
    let page = client
        .get(format!("{origin}{path}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The page's form carries a token of its own (the link's is spent when it is opened).
    let hidden = |name: &str| {
        page.split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned()
    };
    let (csrf, setup_token) = (hidden("csrf_token"), hidden("token"));
    let password = "noisy admin password";
    let set = client
        .post(format!("{origin}/set-password"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("token", setup_token.as_str()),
            ("new_password", password),
            ("confirm_password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::SEE_OTHER);
    let admin = token(server, "noisy", "admin@noisy.test", password).await;
    let package = guests::package("tests/guests/infinite-loop");
    let installed = Client::new()
        .post(format!("http://{}/api/v1/sections", server.addr))
        .header("host", format!("noisy.localhost:{}", server.addr.port()))
        .bearer_auth(&admin)
        .json(&json!({
            "manifest": package.manifest,
            "component": base64::engine::general_purpose::STANDARD.encode(&package.component),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(installed.status(), StatusCode::CREATED);
    admin
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn percentile_of(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    percentile(samples, p)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One client reading a page of accounts on the demo tenant, one request after the other.
async fn read_latencies(server: &Server, token: &str, count: usize) -> Vec<Duration> {
    let client = Client::new();
    let url = format!(
        "http://{}/api/v1/objects/account/records?limit=10",
        server.addr
    );
    let host = format!("demo.localhost:{}", server.addr.port());
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        let response = client
            .get(&url)
            .header("host", &host)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.bytes().await.unwrap();
        samples.push(started.elapsed());
    }
    samples.sort();
    samples
}

/// Four clients of the noisy tenant until `attacking` ends: saving records of its looping
/// section (counting the answers: 502, 503, other), or, when `plain`, reading their profile at
/// about the same rate (the reference: as much traffic, no section).
fn attack(
    server: &Server,
    noisy: &str,
    plain: bool,
    attacking: &Arc<AtomicBool>,
    answers: &Arc<[AtomicU64; 3]>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..4)
        .map(|_| {
            let (attacking, answers, noisy) =
                (attacking.clone(), answers.clone(), noisy.to_owned());
            let url = format!(
                "http://{}/api/v1/objects/infinite_loop_item/records",
                server.addr
            );
            let me = format!("http://{}/api/v1/me", server.addr);
            let host = format!("noisy.localhost:{}", server.addr.port());
            tokio::spawn(async move {
                let client = Client::new();
                while attacking.load(Ordering::Relaxed) {
                    if plain {
                        client
                            .get(&me)
                            .header("host", &host)
                            .bearer_auth(&noisy)
                            .send()
                            .await
                            .unwrap();
                        // About the rate at which the looping saves come back.
                        tokio::time::sleep(Duration::from_millis(12)).await;
                        continue;
                    }
                    let response = client
                        .post(&url)
                        .header("host", &host)
                        .bearer_auth(&noisy)
                        .json(&json!({ "data": { "name": "x" } }))
                        .send()
                        .await
                        .unwrap();
                    let slot = match response.status() {
                        StatusCode::BAD_GATEWAY => 0,
                        StatusCode::SERVICE_UNAVAILABLE => 1,
                        _ => 2,
                    };
                    answers[slot].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect()
}

async fn noisy_neighbour(server: &Server) {
    let quiet = token(server, "demo", "admin@demo.test", "demo-admin").await;
    let noisy = noisy_tenant(server).await;
    read_latencies(server, &quiet, 200).await;
    let answers = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    // Alone and under attack in turns, so that a drift of the machine touches both alike.
    let (mut alone, mut busy, mut attacked) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..4 {
        alone.extend(read_latencies(server, &quiet, 500).await);
        for (plain, samples) in [(true, &mut busy), (false, &mut attacked)] {
            let attacking = Arc::new(AtomicBool::new(true));
            let attackers = attack(server, &noisy, plain, &attacking, &answers);
            tokio::time::sleep(Duration::from_millis(300)).await;
            samples.extend(read_latencies(server, &quiet, 500).await);
            attacking.store(false, Ordering::Relaxed);
            for attacker in attackers {
                attacker.await.unwrap();
            }
        }
    }
    println!("1. Another tenant's reads (2,000 sequential GETs of 10 accounts each, in turns):");
    let p99_alone = percentile_of(&mut alone, 0.99);
    for (name, samples) in [
        ("alone", &mut alone),
        ("4 clients of another tenant", &mut busy),
        ("while its section loops", &mut attacked),
    ] {
        let (p50, p99) = (percentile_of(samples, 0.5), percentile_of(samples, 0.99));
        println!(
            "   {name:<28} p50 {:6.2} ms   p99 {:6.2} ms   (p99 {:.2}× alone)",
            ms(p50),
            ms(p99),
            p99.as_secs_f64() / p99_alone.as_secs_f64()
        );
    }
    println!("   goal: p99 while the section loops ≤ 1.20× alone");
    println!(
        "   the looping tenant's saves: {} × 502 section_failed, {} × 503 busy, {} other",
        answers[0].load(Ordering::Relaxed),
        answers[1].load(Ordering::Relaxed),
        answers[2].load(Ordering::Relaxed),
    );
}

async fn sign_in_flood(server: &Server) {
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = server.rss_mib();
    let flooding = Arc::new(AtomicBool::new(true));
    let answers = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let mut clients = Vec::new();
    let url = format!("http://{}/api/v1/auth/login", server.addr);
    let host = format!("demo.localhost:{}", server.addr.port());
    let clients_at_once: u32 = std::env::var("PORTICO_BENCH_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64);
    for n in 0..clients_at_once {
        let (flooding, answers, url, host) =
            (flooding.clone(), answers.clone(), url.clone(), host.clone());
        clients.push(tokio::spawn(async move {
            let client = Client::new();
            let mut attempt = 0u32;
            while flooding.load(Ordering::Relaxed) {
                attempt += 1;
                // Every attempt from its own address for its own login: only the hashing bound
                // stands in the way, not the throttle.
                let response = client
                    .post(&url)
                    .header("host", &host)
                    .header("x-forwarded-for", format!("10.{}.{}.{}", n, attempt >> 8, attempt & 255))
                    .json(&json!({ "login": format!("user{n}-{attempt}@demo.test"), "password": "a wrong password" }))
                    .send()
                    .await
                    .unwrap();
                let slot = match response.status() {
                    StatusCode::UNAUTHORIZED => 0,
                    StatusCode::SERVICE_UNAVAILABLE => 1,
                    _ => 2,
                };
                answers[slot].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let started = Instant::now();
    let mut peak = idle;
    while started.elapsed() < Duration::from_secs(10) {
        peak = peak.max(server.rss_mib());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    flooding.store(false, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(30)).await;
    let after = server.rss_mib();
    println!("2. Server memory (RSS), {clients_at_once} clients signing in at once for 10 s:");
    println!(
        "   idle {idle:6.1} MiB   peak {peak:6.1} MiB (goal < 300)   30 s after {after:6.1} MiB ({:+.0} % of idle; goal ≤ +20 %)",
        (after / idle - 1.0) * 100.0
    );
    println!(
        "   answers: {} × 401 checked, {} × 503 hashing busy, {} other",
        answers[0].load(Ordering::Relaxed),
        answers[1].load(Ordering::Relaxed),
        answers[2].load(Ordering::Relaxed),
    );
}

/// Requests per second of 8 clients reading their own profile for five seconds.
async fn rate(server: &Server, token: &str) -> f64 {
    let served = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(5);
    let url = format!("http://{}/api/v1/me", server.addr);
    let host = format!("demo.localhost:{}", server.addr.port());
    let mut clients = Vec::new();
    for _ in 0..8 {
        let (served, url, host, token) =
            (served.clone(), url.clone(), host.clone(), token.to_owned());
        clients.push(tokio::spawn(async move {
            let client = Client::new();
            while Instant::now() < deadline {
                let response = client
                    .get(&url)
                    .header("host", &host)
                    .bearer_auth(&token)
                    .send()
                    .await;
                if response.is_ok_and(|r| r.status() == StatusCode::OK) {
                    served.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for client in clients {
        client.await.unwrap();
    }
    served.load(Ordering::Relaxed) as f64 / 5.0
}

async fn slow_connections(server: &Server) {
    let token = token(server, "demo", "customer@demo.test", "demo-customer").await;
    rate(server, &token).await;
    let without = rate(server, &token).await;
    // A thousand connections from four other loopback addresses, each sending one header line
    // every five seconds, reconnecting whenever the server closes one.
    let slow = Arc::new(AtomicBool::new(true));
    let mut tricklers = Vec::new();
    for n in 0..1_000u32 {
        let (slow, addr) = (slow.clone(), server.addr);
        tricklers.push(tokio::spawn(async move {
            while slow.load(Ordering::Relaxed) {
                let socket = tokio::net::TcpSocket::new_v4().unwrap();
                socket
                    .bind(SocketAddr::from(([127, 0, 0, 2 + (n % 4) as u8], 0)))
                    .unwrap();
                let Ok(mut stream) = socket.connect(addr).await else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\n").await;
                while slow.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    if stream.write_all(b"X-Trickle: 1\r\n").await.is_err() {
                        break;
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let with = rate(server, &token).await;
    slow.store(false, Ordering::Relaxed);
    for trickler in tricklers {
        trickler.abort();
    }
    println!("3. Requests served per second (8 clients reading /api/v1/me for 5 s):");
    println!(
        "   without slow connections {without:7.0}/s   with 1,000 open {with:7.0}/s   ({:.0} %; goal ≥ 80 %)",
        with / without * 100.0
    );
}

fn main() {
    // reqwest's TLS comes without a default provider (the Stripe client brings its own).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // `PORTICO_BENCH_ONLY=2` runs the second measure alone, and so on.
    let only = std::env::var("PORTICO_BENCH_ONLY").ok();
    let runs = |n: &str| only.as_deref().is_none_or(|only| only == n);
    runtime.block_on(async {
        let server = start().await;
        if runs("1") {
            noisy_neighbour(&server).await;
        }
        if runs("2") {
            sign_in_flood(&server).await;
        }
        if runs("3") {
            slow_connections(&server).await;
        }
    });
}
