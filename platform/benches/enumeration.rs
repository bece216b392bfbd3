//! Benchmark: whether answering "Forgot your password?" or "Register" tells who has an account.
//! The same requests for addresses that have an account and addresses that do not, alternating
//! (each kind first in turn), through the real router (`POST /api/v1/auth/recovery`,
//! `POST /api/v1/auth/register`), each from its own client address so that no throttle answers
//! instead: the time to the answer of each kind (p10, p50, p90) and the ratio of the two, which
//! should be 1 within the noise that the same comparison of one kind with itself (even against
//! odd requests) shows. The statuses and bodies must be the same.
//!
//! Run: `cargo bench -p portico --bench enumeration`

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use http_body_util::BodyExt;
use portico::users::import;
use tower::ServiceExt;

/// Recovery requests of each kind; registrations are fewer (a tenant takes a hundred at once).
const RECOVERIES: usize = 400;
const REGISTRATIONS: usize = 45;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let embedded =
        common::embedded_with("enumeration", &[("PORTICO_TRUST_PROXY_HEADERS", "true")]).await?;
    let (app, admin) = (&embedded.app, &embedded.admin);
    // People with accounts, added the quick way.
    let mut csv = String::from("email\n");
    for i in 0..RECOVERIES.max(REGISTRATIONS) {
        csv.push_str(&format!("known{i}@bench.test\n"));
    }
    let id = import::upload(app, admin, "known.csv", csv.as_bytes()).await?;
    import::run(app, admin, &id, None, false).await?;
    let mut settings = portico::auth::security::get(app, admin).await?;
    settings.self_registration = true;
    portico::auth::security::set(app, admin, settings).await?;

    let host = app
        .config
        .tenant_origin("bench")
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .to_owned();
    let router = portico::http::router(app.clone());
    let mut client = 0u32;
    let mut send = async |path: &str, body: String| -> anyhow::Result<(Duration, u16, String)> {
        client += 1;
        let request = axum::http::Request::post(path)
            .header("host", &host)
            .header("content-type", "application/json")
            .header(
                "x-forwarded-for",
                format!(
                    "10.{}.{}.{}",
                    client >> 16,
                    (client >> 8) & 255,
                    client & 255
                ),
            )
            .body(Body::from(body))?;
        let started = Instant::now();
        let response = router.clone().oneshot(request).await?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await?.to_bytes();
        let took = started.elapsed();
        Ok((took, status, String::from_utf8_lossy(&body).into_owned()))
    };

    println!("| request | kind | p10 | p50 | p90 | p50 ÷ the other kind's |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (what, count) in [("recovery", RECOVERIES), ("registration", REGISTRATIONS)] {
        let (mut known, mut unknown) = (Vec::new(), Vec::new());
        let mut answers = std::collections::BTreeSet::new();
        for i in 0..count {
            // Each kind goes first in turn: a request's work after its answer (a lookup, a mail)
            // overlaps the next request, whichever kind that is.
            let mut pair = [("known", &mut known), ("unknown", &mut unknown)];
            if i % 2 == 1 {
                pair.reverse();
            }
            for (kind, times) in pair {
                let login = format!("{kind}{i}@bench.test");
                let (path, body) = match what {
                    "recovery" => (
                        "/api/v1/auth/recovery",
                        serde_json::json!({ "login": login }),
                    ),
                    _ => (
                        "/api/v1/auth/register",
                        serde_json::json!({ "login": login, "full_name": "Someone", "password": "a long enough password 1" }),
                    ),
                };
                let (took, status, body) = send(path, body.to_string()).await?;
                answers.insert((status, body));
                times.push(took);
            }
        }
        anyhow::ensure!(
            answers.len() == 1,
            "{what}: the answers differ: {answers:?}"
        );
        // The same kind against itself: how far two halves of one kind differ by chance.
        let (even, odd): (Vec<_>, Vec<_>) =
            unknown.iter().enumerate().partition(|(i, _)| i % 2 == 0);
        let strip = |v: Vec<(usize, &Duration)>| v.into_iter().map(|(_, d)| *d).collect::<Vec<_>>();
        let (even, odd) = (strip(even), strip(odd));
        let known_stats = stats(&mut known);
        let unknown_stats = stats(&mut unknown);
        let (even_stats, odd_stats) = (stats(&mut even.clone()), stats(&mut odd.clone()));
        for (kind, s, other) in [
            ("has an account", known_stats, unknown_stats),
            ("has none", unknown_stats, known_stats),
            ("has none, even requests (noise)", even_stats, odd_stats),
        ] {
            println!(
                "| {what} | {kind} | {:.3} ms | {:.3} ms | {:.3} ms | {:.2} |",
                ms(s[0]),
                ms(s[1]),
                ms(s[2]),
                ms(s[1]) / ms(other[1])
            );
        }
    }
    Ok(())
}

/// p10, p50 and p90.
fn stats(times: &mut [Duration]) -> [Duration; 3] {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    [at(0.1), at(0.5), at(0.9)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
