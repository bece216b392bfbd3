//! What the daily API limit adds to a portal user's JSON API read: p50 and p99 of the same read
//! (a page of their cases) through the whole router, with the limit on and off, in one run. Two
//! apps share one embedded database; rounds alternate between them so drift of the machine hits
//! both alike. The rounds' spread is printed as the run's noise; the limit's own work (counting a
//! call) is then timed alone beside the read. Goal: under 5 % added at p50.
//!
//! Run: `cargo bench -p portico --bench api_limit` (`-- --rounds N`, default 10, of 2,000 reads
//! on each).

mod common;

use std::{sync::Arc, time::Instant};

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use portico::{app::App, auth::api_tokens, config::Config, store::Access, users};
use tower::ServiceExt;

const READS: usize = 2_000;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn app_with(dir: &std::path::Path, limit: bool) -> anyhow::Result<Arc<App>> {
    let settings = std::collections::HashMap::from([
        (
            "PORTICO_DATABASE_URL",
            format!("sqlite://{}", dir.join("bench.db").display()),
        ),
        ("PORTICO_DATA_DIR", dir.display().to_string()),
        (
            "PORTICO_API_LIMIT",
            if limit { "on" } else { "off" }.to_owned(),
        ),
    ]);
    App::build(Config::from_sources(None, |k| settings.get(k).cloned())?).await
}

/// `READS` reads through `router`; their latencies in microseconds.
async fn round(router: &axum::Router, token: &str) -> Vec<f64> {
    let mut took = Vec::with_capacity(READS);
    for _ in 0..READS {
        let request = Request::get("/api/v1/objects/case/records?limit=10")
            .header(header::HOST, "bench.localhost")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .extension(ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 9))))
            .body(Body::empty())
            .unwrap();
        let started = Instant::now();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        response.into_body().collect().await.unwrap();
        took.push(started.elapsed().as_secs_f64() * 1e6);
        assert_eq!(status, StatusCode::OK);
    }
    took
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let rounds: usize = std::env::args()
        .skip_while(|a| a != "--rounds")
        .nth(1)
        .map_or(Ok(10), |n| n.parse())?;
    let embedded = common::embedded("api-limit").await?;
    let (app, admin) = (&embedded.app, &embedded.admin);
    let new = users::NewUser::parse("ann@client.test", "Ann", "external")
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let ann = users::create(app, admin, new, false, None).await?.user;
    // More reads than a day allows by default: the limit must count, not refuse.
    portico::licenses::set_api_calls_a_day(app, admin, app.config.api_calls_ceiling).await?;
    let token = {
        let mut tx = app.db.begin(admin.tenant.id, Access::Write).await?;
        let (_, secret) =
            api_tokens::create(&mut tx, ann.id, "bench", None, app.clock.now()).await?;
        tx.commit().await?;
        secret
    };
    let dir = app.config.data_dir.clone();
    let on = app_with(&dir, true).await?;
    let off = app_with(&dir, false).await?;
    // The batches are written as a serving node writes them.
    tokio::spawn(portico::api_limit::keep_flushing(on.clone()));
    let (router_on, router_off) = (
        portico::http::router(on.clone()),
        portico::http::router(off),
    );
    // Warm both (caches of the tenant, the policy, prepared statements).
    round(&router_on, &token).await;
    round(&router_off, &token).await;
    let (mut all_on, mut all_off) = (Vec::new(), Vec::new());
    let mut p50_ratios = Vec::new();
    for n in 0..rounds {
        // Each goes first every other round: neither gains from the order.
        let (mut off_round, mut on_round) = if n % 2 == 0 {
            let off = round(&router_off, &token).await;
            (off, round(&router_on, &token).await)
        } else {
            let on = round(&router_on, &token).await;
            (round(&router_off, &token).await, on)
        };
        off_round.sort_by(f64::total_cmp);
        on_round.sort_by(f64::total_cmp);
        p50_ratios.push(percentile(&on_round, 0.5) / percentile(&off_round, 0.5));
        all_on.extend(on_round);
        all_off.extend(off_round);
    }
    all_on.sort_by(f64::total_cmp);
    all_off.sort_by(f64::total_cmp);
    p50_ratios.sort_by(f64::total_cmp);
    let (on50, on99) = (percentile(&all_on, 0.5), percentile(&all_on, 0.99));
    let (off50, off99) = (percentile(&all_off, 0.5), percentile(&all_off, 0.99));
    println!("A portal user's API read (a page of 10 cases), {rounds} rounds of {READS} on each:");
    println!("  limit off: p50 {off50:7.1} µs   p99 {off99:7.1} µs");
    println!("  limit on:  p50 {on50:7.1} µs   p99 {on99:7.1} µs");
    println!(
        "  added: p50 {:+.1} % (goal < 5 %), p99 {:+.1} %",
        (on50 / off50 - 1.0) * 100.0,
        (on99 / off99 - 1.0) * 100.0
    );
    println!(
        "  noise: the rounds' p50 on/off ratios run from {:.3} to {:.3}",
        p50_ratios[0],
        p50_ratios[p50_ratios.len() - 1]
    );
    // The limit's own work, alone: what the middleware adds to every counted call.
    let tenant = portico::tenancy::find(&on, &admin.tenant.slug)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the tenant is gone"))?;
    const COUNTS: u32 = 20_000;
    let started = Instant::now();
    for _ in 0..COUNTS {
        portico::api_limit::count(&on, &tenant, ann.id).await?;
    }
    let each = started.elapsed().as_secs_f64() * 1e6 / f64::from(COUNTS);
    println!(
        "  the count alone: {each:.2} µs a call, {:.2} % of the read's p50 with the limit off",
        each / off50 * 100.0
    );
    let counted = portico::api_limit::count(&on, &tenant, ann.id).await?;
    println!(
        "  (the day's count: {} of {} calls)",
        counted.limit - counted.remaining,
        counted.limit
    );
    Ok(())
}
