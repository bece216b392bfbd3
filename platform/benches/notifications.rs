//! Benchmark: what notifications cost, on the embedded database, through the real services.
//! - A comment on a record nobody else follows, then on one that 100 employees follow (the most a
//!   record takes): the write queues the news, and the jobs then tell each follower with their
//!   own rights checked (timed apart: what the writer waits for, and the work done after).
//! - The bell's count for a user with nothing unread, then for one with hundreds unread (it looks
//!   at no more than 18, each with the reader's rights).
//!
//! Each beside a yardstick measured in the same run: a 50-row page of the same object's list.
//!
//! Run: `cargo bench -p portico --bench notifications`

mod common;

use std::time::{Duration, Instant};

use portico::{
    jobs, notifications,
    records::{self, ListRequest},
    users,
};
use serde_json::json;

use common::actor_of;

const FOLLOWERS: usize = 100;
const RUNS: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let embedded = common::embedded("notifications").await?;
    let (app, admin) = (&embedded.app, &embedded.admin);

    let mut employees = Vec::with_capacity(FOLLOWERS + 1);
    for n in 0..=FOLLOWERS {
        let new = users::NewUser::parse(&format!("e{n}@bench.test"), &format!("E {n}"), "employee")
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let created = users::create(app, admin, new, false, None).await?;
        employees.push(actor_of(app, admin, created.user.id).await?);
    }
    let quiet = employees.pop().expect("one employee follows nothing");
    let account = |name: &str| {
        let (app, admin) = (app.clone(), admin.clone());
        let name = name.to_owned();
        async move {
            let created = records::create(&app, &admin, "account", json!({ "name": name })).await?;
            anyhow::Ok(created["id"].as_str().unwrap_or_default().to_owned())
        }
    };
    for n in 0..50 {
        account(&format!("Filler {n}")).await?;
    }
    let alone = account("Nobody follows").await?;
    let followed = account("Everybody follows").await?;
    for employee in &employees {
        notifications::follow(app, employee, "account", &followed, true).await?;
    }

    let page = ListRequest {
        limit: Some(50),
        ..ListRequest::default()
    };
    let yardstick = timed(async || {
        records::list(app, admin, "account", &page).await?;
        Ok(())
    })
    .await?;
    let mut n = 0;
    let mut comment = async |record: &str| {
        n += 1;
        records::feed::comment(app, admin, "account", record, &format!("Note {n}")).await?;
        anyhow::Ok(())
    };
    let mut lone = Vec::with_capacity(RUNS);
    let mut queued = Vec::with_capacity(RUNS);
    let mut told = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        comment(&alone).await?;
        lone.push(started.elapsed());
        let started = Instant::now();
        comment(&followed).await?;
        queued.push(started.elapsed());
        let started = Instant::now();
        let done = jobs::run_due(app).await?;
        told.push(started.elapsed());
        anyhow::ensure!(done == 1, "one piece of news to tell, {done} done");
    }
    let (lone, queued, told) = (Stats::of(lone), Stats::of(queued), Stats::of(told));
    let bell_empty = timed(async || {
        notifications::unread(app, &quiet).await?;
        Ok(())
    })
    .await?;
    let (unread, _) = notifications::unread(app, &employees[0]).await?;
    let bell_full = timed(async || {
        notifications::unread(app, &employees[0]).await?;
        Ok(())
    })
    .await?;

    println!("| what | p50 | p99 | p50 ÷ yardstick |\n| --- | --- | --- | --- |");
    for (what, s) in [
        ("yardstick: a 50-row page of accounts", &yardstick),
        ("a comment, nobody else following", &lone),
        ("a comment, 100 followers (the write)", &queued),
        ("telling the 100 followers (the jobs, after it)", &told),
        ("the bell, nothing unread", &bell_empty),
        (
            &*format!("the bell, {RUNS} unread (counted: {unread}+)"),
            &bell_full,
        ),
    ] {
        println!(
            "| {what} | {:.2} ms | {:.2} ms | {:.1} |",
            ms(s.p50),
            ms(s.p99),
            ms(s.p50) / ms(yardstick.p50)
        );
    }
    Ok(())
}

struct Stats {
    p50: Duration,
    p99: Duration,
}

impl Stats {
    fn of(mut times: Vec<Duration>) -> Self {
        times.sort();
        let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
        Self {
            p50: at(0.5),
            p99: at(0.99),
        }
    }
}

/// `work` run [`RUNS`] times after 20 to warm up.
async fn timed(mut work: impl AsyncFnMut() -> anyhow::Result<()>) -> anyhow::Result<Stats> {
    for _ in 0..20 {
        work().await?;
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        work().await?;
        times.push(started.elapsed());
    }
    Ok(Stats::of(times))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
