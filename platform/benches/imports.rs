//! Benchmark: importing 10,000 portal users from one CSV file through the real service
//! (`users::import`: upload, the preview that checks every row, the import with invitations
//! queued as mail), on the embedded database, in one run beside its yardstick: the same kind of
//! user created one at a time as the console's "New user" form does (`users::create`, 200 of
//! them), per user. Also how far the process's resident memory rose while each step ran.
//!
//! Run: `cargo bench -p portico --bench imports`

mod common;

use std::time::Instant;

use common::{mib, watched};
use portico::{
    licenses, organizations, records,
    users::{self, NewUser, import},
};
use serde_json::json;

const ROWS: usize = 10_000;
const ORGANIZATIONS: usize = 50;
const ONE_BY_ONE: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let embedded = common::embedded("import").await?;
    let (app, admin) = (&embedded.app, &embedded.admin);
    for i in 0..ORGANIZATIONS {
        let account = records::create(
            app,
            admin,
            "account",
            json!({ "name": format!("Customer {i}") }),
        )
        .await?;
        let account = account["id"].as_str().unwrap_or_default().to_owned();
        organizations::create(app, admin, &account, None).await?;
    }
    let admin = &common::actor_of(app, admin, admin.user).await?;
    // Licenses for everyone this bench adds (the free quota is 100 per employee).
    let packs = ((ROWS + ONE_BY_ONE) as u64).div_ceil(portico_tenants::licenses::SELF_SERVICE_PACK);
    let purchased = portico_tenants::licenses::Purchased {
        self_service_packs: packs,
        ..Default::default()
    };
    licenses::set_purchased(app, &admin.tenant, purchased).await?;

    // The yardstick: users created one at a time, each with its invitation.
    let started = Instant::now();
    for i in 0..ONE_BY_ONE {
        let new = NewUser::parse(
            &format!("single{i}@bench.test"),
            &format!("Single {i}"),
            "external",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        users::create(app, admin, new, true, None).await?;
    }
    let one_by_one = started.elapsed() / ONE_BY_ONE as u32;

    let mut csv = String::from("E-mail,Name,Organization,Language\n");
    for i in 0..ROWS {
        let language = if i % 2 == 0 { "en" } else { "de" };
        csv.push_str(&format!(
            "person{i}@bench.test,Person {i},Customer {},{language}\n",
            i % ORGANIZATIONS
        ));
    }
    let (read, read_rise, id) = watched(|| async {
        let id = import::upload(app, admin, "people.csv", csv.as_bytes()).await?;
        Ok(id)
    })
    .await?;
    let (checked, check_rise, preview) =
        watched(|| async { Ok(import::preview(app, admin, &id, None).await?) }).await?;
    anyhow::ensure!(
        preview.valid == ROWS,
        "{} rows valid of {ROWS}",
        preview.valid
    );
    let (imported, import_rise, report) = watched(|| async {
        Ok(import::run(app, admin, &id, Some(preview.mapping.clone()), true).await?)
    })
    .await?;
    anyhow::ensure!(
        report.created == ROWS,
        "{} created of {ROWS}",
        report.created
    );

    let per_row = |d: std::time::Duration| d.as_secs_f64() * 1000.0 / ROWS as f64;
    let single = one_by_one.as_secs_f64() * 1000.0;
    println!("| step | time | per row | per row ÷ one user created alone | memory rise |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| yardstick: one user created alone ({ONE_BY_ONE} in turn) | — | {single:.2} ms | 1 | — |"
    );
    for (step, time, rise) in [
        ("upload: read and keep the file", read, read_rise),
        ("preview: every row checked", checked, check_rise),
        ("import, with invitations", imported, import_rise),
    ] {
        println!(
            "| {step} ({ROWS} rows) | {:.2} s | {:.3} ms | {:.2} | {:.1} MiB |",
            time.as_secs_f64(),
            per_row(time),
            per_row(time) / single,
            mib(rise)
        );
    }
    Ok(())
}
