//! One pooled connection per request: a request without a body makes all its reads in the
//! transaction its credential was found in, and never holds that connection while it waits for
//! another (a write, a handler busy elsewhere). The server here has a single connection, so a
//! request that waited for a second one would wait for itself and be refused with a 503.

use std::time::Duration;

use portico::store::{self, Access};
use portico_tenants::TenantId;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, Browser, Options, TestApp};

/// One database connection; a request waiting for a second one is refused only after 5 s, so
/// the background workers' brief turns do not make a test flaky.
async fn with_one_connection(backend: Backend) -> TestApp {
    TestApp::spawn_with(
        backend,
        Options {
            settings: vec![
                ("PORTICO_DATABASE_MAX_CONNECTIONS", "1".to_owned()),
                ("PORTICO_DATABASE_ACQUIRE_TIMEOUT_MS", "5000".to_owned()),
            ],
            ..Options::default()
        },
    )
    .await
}

async fn pages_reads_and_writes_with_one_connection(backend: Backend) {
    let app = with_one_connection(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;

    // Pages and API reads by session: the page's reads take the carried transaction.
    for path in ["/console", "/console/cases", "/console/users", "/api/v1/me"] {
        assert_eq!(admin.get(path).await.status(), StatusCode::OK, "{path}");
    }
    // A customer's pages, several reads each (the search page: the search, the popular
    // articles and the categories), in one transaction.
    let (_, customer) = tenant
        .create_user(&admin, "carl@client.test", "external", "carl's password")
        .await;
    let carl = tenant.browser();
    carl.sign_in_portal(&customer).await;
    for path in [
        "/knowledge?q=password",
        "/knowledge",
        "/cases",
        "/cases/new",
    ] {
        assert_eq!(carl.get(path).await.status(), StatusCode::OK, "{path}");
    }
    // A page whose first step is a write ends the carried transaction before it begins.
    let response = admin
        .get("/console/notifications/no-such-notification")
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // A session last seen long ago is touched (a write) after it was found.
    app.clock.advance(chrono::Duration::minutes(30));
    assert_eq!(admin.get("/console/cases").await.status(), StatusCode::OK);

    // By API token: found, then the page, then (a token last used long ago) touched.
    let created: Value = admin
        .post_json("/api/v1/auth/tokens", &json!({ "name": "script" }))
        .await
        .json()
        .await
        .unwrap();
    let secret = created["token"].as_str().unwrap();
    let script = Browser::stateless(&tenant.origin);
    for _ in 0..2 {
        let response = script
            .client
            .get(script.url("/api/v1/objects/case/records"))
            .bearer_auth(secret)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        app.clock.advance(chrono::Duration::hours(2));
    }
    // A form (with a body) is not carried: it works as before.
    let response = admin
        .submit_form(
            "/console/users",
            "/console/users",
            &[
                ("login", "eve@acme.test"),
                ("full_name", "Eve"),
                ("kind", "employee"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_connection_pages_reads_and_writes_are_served_on_sqlite() {
    pages_reads_and_writes_with_one_connection(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_connection_pages_reads_and_writes_are_served_on_postgres() {
    pages_reads_and_writes_with_one_connection(Backend::Postgres).await;
}

/// A marker of the transaction a statement runs in, where the database has one (PostgreSQL).
async fn transaction_of(tx: &mut store::TenantTx) -> Option<String> {
    if tx.dialect() != store::Dialect::Postgres {
        return None;
    }
    let id: String = sqlx::query_scalar("SELECT txid_current()::text")
        .fetch_one(tx.conn())
        .await
        .unwrap();
    Some(id)
}

async fn shared_reading_transaction(backend: Backend) {
    let app = with_one_connection(backend).await;
    let db = &app.app.db;
    let tenant = TenantId::from_db(1);

    // Taken by the handler's first read of the same tenant: the same transaction; a read that
    // finishes leaves it to the next; one dropped (as after an error) is not reused.
    store::carrying(async {
        let mut found = db.begin(tenant, Access::Read).await.unwrap();
        let first = transaction_of(&mut found).await;
        found.finish_reading().await.unwrap();
        async {
            let mut page = db.begin(tenant, Access::Read).await.unwrap();
            assert_eq!(transaction_of(&mut page).await, first);
            page.finish_reading().await.unwrap();
            let mut sidebar = db.begin(tenant, Access::Read).await.unwrap();
            assert_eq!(transaction_of(&mut sidebar).await, first);
            drop(sidebar);
            let mut next = db.begin(tenant, Access::Read).await.unwrap();
            if first.is_some() {
                assert_ne!(transaction_of(&mut next).await, first);
            }
            // Another tenant's read ends it too: a transaction is confined to one tenant.
            next.finish_reading().await.unwrap();
            let mut other = db.begin(TenantId::from_db(2), Access::Read).await.unwrap();
            if first.is_some() {
                assert_ne!(transaction_of(&mut other).await, first);
            }
        }
        .await;
    })
    .await;

    // A handler busy elsewhere, before its first read or between two: the transaction is ended
    // meanwhile, its connection back in the pool for others.
    store::carrying(async {
        let found = db.begin(tenant, Access::Read).await.unwrap();
        found.finish_reading().await.unwrap();
        async {
            for _ in 0..2 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let other = tokio::time::timeout(Duration::from_secs(2), db.pool().acquire()).await;
                assert!(matches!(other, Ok(Ok(_))), "the connection was given back");
                drop(other);
                let read = db.begin(tenant, Access::Read).await.unwrap();
                read.finish_reading().await.unwrap();
            }
        }
        .await;
    })
    .await;

    // Outside a carrying request, a read simply ends.
    let found = db.begin(tenant, Access::Read).await.unwrap();
    found.finish_reading().await.unwrap();
    let other = tokio::time::timeout(Duration::from_secs(2), db.pool().acquire()).await;
    assert!(matches!(other, Ok(Ok(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requests_reads_share_one_transaction_given_back_when_idle_on_sqlite() {
    shared_reading_transaction(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requests_reads_share_one_transaction_given_back_when_idle_on_postgres() {
    shared_reading_transaction(Backend::Postgres).await;
}

/// A statement sent with its transaction as one message (PostgreSQL: a new record's number is
/// counted so, its counter's row locked only inside the database): it sees only its tenant's
/// rows, its change is committed, and one that fails is rolled back and leaves the (only)
/// connection usable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_in_one_message_is_confined_committed_or_rolled_back_on_postgres() {
    let app = with_one_connection(Backend::Postgres).await;
    let db = &app.app.db;
    let (ours, theirs) = (TenantId::from_db(1), TenantId::from_db(2));
    let count = |tenant: TenantId| {
        format!(
            "INSERT INTO counters (tenant_id, name, value) VALUES ({}, 'probe', 1)
             ON CONFLICT (tenant_id, name) DO UPDATE SET value = counters.value + 1 RETURNING value",
            tenant.get()
        )
    };
    assert_eq!(db.in_one_message(theirs, &count(theirs)).await.unwrap(), 1);
    assert_eq!(db.in_one_message(ours, &count(ours)).await.unwrap(), 1);
    assert_eq!(db.in_one_message(ours, &count(ours)).await.unwrap(), 2);
    // Row-level security: the other tenant's counter is not there to see, even asked for.
    let seen = |tenant: TenantId| {
        format!(
            "SELECT count(*) FROM counters WHERE tenant_id = {} AND name = 'probe'",
            tenant.get()
        )
    };
    assert_eq!(db.in_one_message(ours, &seen(ours)).await.unwrap(), 1);
    assert_eq!(db.in_one_message(ours, &seen(theirs)).await.unwrap(), 0);
    // Nor to change.
    assert!(db.in_one_message(ours, &count(theirs)).await.is_err());
    // A failure after the change: nothing of it stays, and the connection serves the next.
    let failing = format!("{} / 0", count(ours));
    assert!(db.in_one_message(ours, &failing).await.is_err());
    let mut tx = db.begin(ours, Access::Read).await.unwrap();
    let value: i64 =
        sqlx::query_scalar("SELECT value FROM counters WHERE tenant_id = 1 AND name = 'probe'")
            .fetch_one(tx.conn())
            .await
            .unwrap();
    assert_eq!(value, 2);
    drop(tx);
    assert_eq!(db.in_one_message(ours, &count(ours)).await.unwrap(), 3);
}
