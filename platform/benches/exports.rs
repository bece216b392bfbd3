//! Benchmark: "Export to file" of 10,000 and 100,000 contacts, CSV and XLSX, through the real
//! service (`records::export::start`, the list engine's pages, the file made as it is sent), on
//! the embedded database. For each: the time, and how far the process's resident memory rose
//! above where it stood before (sampled every 5 ms while the file is made). The yardstick in the
//! same run: the same rows read page by page and kept in memory, as an export that builds the
//! whole file first would hold them. The goal is flat memory: the export's rise should not grow
//! with the number of rows, while the yardstick's does.
//!
//! Run: `cargo bench -p portico --bench exports`

mod common;

use common::{mib, watched};

use portico::{
    access,
    app::App,
    records::{self, ListRequest, MAX_PAGE, export},
    store::Access,
};

const SIZES: [i64; 2] = [10_000, 100_000];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let embedded = common::embedded("export").await?;
    let (app, admin) = (&embedded.app, &embedded.admin);

    println!("| rows | what | time | memory rise | bytes sent |\n| --- | --- | --- | --- | --- |");
    let mut seeded = 0;
    for rows in SIZES {
        seed(app, admin, seeded, rows).await?;
        seeded = rows;
        for format in [export::Format::Csv, export::Format::Xlsx] {
            let (time, rise, bytes) = watched(|| async {
                let mut export = export::start(
                    app.clone(),
                    admin.clone(),
                    "contact",
                    ListRequest::default(),
                    format,
                )
                .await?;
                let mut bytes = 0;
                while let Some(chunk) = export.bytes.recv().await {
                    bytes += chunk?.len();
                }
                Ok(bytes)
            })
            .await?;
            println!(
                "| {rows} | export {} | {:.2} s | {:.1} MiB | {:.1} MiB |",
                format.extension(),
                time.as_secs_f64(),
                mib(rise),
                mib(bytes as u64)
            );
        }
        let (time, rise, kept) = watched(|| async {
            let mut request = ListRequest {
                limit: Some(MAX_PAGE),
                ..ListRequest::default()
            };
            let mut all = Vec::new();
            loop {
                let page = records::list(app, admin, "contact", &request).await?;
                all.extend(page.data);
                match page.next_cursor {
                    Some(cursor) => request.cursor = Some(cursor),
                    None => return Ok(all.len()),
                }
            }
        })
        .await?;
        println!(
            "| {rows} | yardstick: all rows read into memory ({kept}) | {:.2} s | {:.1} MiB | — |",
            time.as_secs_f64(),
            mib(rise)
        );
    }
    Ok(())
}

/// Adds contacts numbered `from..to` straight into the table (their creation is not measured).
async fn seed(app: &App, admin: &access::Actor, from: i64, to: i64) -> anyhow::Result<()> {
    let mut tx = app.db.begin(admin.tenant.id, Access::Write).await?;
    sqlx::query(
        "WITH RECURSIVE g(n) AS (SELECT $2 UNION ALL SELECT n + 1 FROM g WHERE n + 1 < $3)
         INSERT INTO records (tenant_id, object, id, number, data, owner_id, created_by, created_at, modified_by, modified_at, version)
         SELECT $1, 'contact', printf('01900000-0000-7000-8000-%012x', n), printf('CT-%07d', n),
                json_object('full_name', 'Person ' || n, 'email', 'person' || n || '@bench.test',
                            'job_title', CASE n % 3 WHEN 0 THEN 'Analyst' WHEN 1 THEN 'Clerk' ELSE 'Manager' END,
                            'notes', 'A note, with a comma and \"quotes\", about person ' || n),
                $4, $4, '2026-01-01T00:00:00.000000Z', $4, '2026-01-01T00:00:00.000000Z', 1
         FROM g",
    )
    .bind(admin.tenant.id.get())
    .bind(from)
    .bind(to)
    .bind(admin.user.to_string())
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(())
}
