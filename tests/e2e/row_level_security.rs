//! On PostgreSQL, row-level security is the second lock on the door: even a query that forgot its
//! tenant filter, run as the application role, sees only the current tenant's rows.

use portico::store::Access;
use sqlx::Row;

use crate::harness::{APP_ROLE, Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_without_tenant_filter_sees_only_the_current_tenant() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let acme = app.tenant("acme").await;
    let globex = app.tenant("globex").await;
    let globex_admin = globex.admin_browser().await;
    let created = globex_admin
        .post_json(
            "/api/v1/objects/account/records",
            &serde_json::json!({ "data": { "name": "Globex only" } }),
        )
        .await;
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    let _ = acme;

    // The server's role is an ordinary one, so the policies apply to it.
    let role: (String, bool) = sqlx::query_as::<_, (String, bool)>(
        "SELECT current_user::text, (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)",
    )
    .fetch_one(app.app.db.pool())
    .await
    .unwrap();
    assert_eq!(role, (APP_ROLE.to_owned(), false));

    let find = |slug: &'static str| {
        let app = &app;
        async move {
            portico::tenancy::find(&app.app, &portico_tenants::Slug::parse(slug).unwrap())
                .await
                .unwrap()
                .unwrap()
        }
    };
    let acme_tenant = find("acme").await;
    let globex_tenant = find("globex").await;

    let mut tx = app
        .app
        .db
        .begin(acme_tenant.id, Access::Read)
        .await
        .unwrap();
    let users = sqlx::query("/* probe */ SELECT tenant_id, login FROM users")
        .fetch_all(tx.conn())
        .await
        .unwrap();
    let logins: Vec<String> = users.iter().map(|r| r.get::<String, _>("login")).collect();
    assert_eq!(logins, ["admin@acme.test"]);
    assert!(
        users
            .iter()
            .all(|r| r.get::<i64, _>("tenant_id") == acme_tenant.id.get())
    );
    // Acme has its own records (the seeded article types); none of globex's show.
    let others: i64 =
        sqlx::query_scalar("/* probe */ SELECT count(*) FROM records WHERE tenant_id <> $1")
            .bind(acme_tenant.id.get())
            .fetch_one(tx.conn())
            .await
            .unwrap();
    assert_eq!(
        others, 0,
        "globex's records are invisible inside acme's transaction"
    );
    let accounts: i64 =
        sqlx::query_scalar("/* probe */ SELECT count(*) FROM records WHERE object = 'account'")
            .fetch_one(tx.conn())
            .await
            .unwrap();
    assert_eq!(accounts, 0, "globex's account is invisible");
    // Asking for globex's rows by name changes nothing.
    let by_name: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE tenant_id = $1")
        .bind(globex_tenant.id.get())
        .fetch_one(tx.conn())
        .await
        .unwrap();
    assert_eq!(by_name, 0);
    // Nor can acme's transaction write into globex.
    let insert = sqlx::query("INSERT INTO counters (tenant_id, name, value) VALUES ($1, 'x', 1)")
        .bind(globex_tenant.id.get())
        .execute(tx.conn())
        .await;
    assert!(
        insert.is_err(),
        "the policy's WITH CHECK refuses another tenant's rows"
    );
    drop(tx);

    // Without a tenant at all, nothing is visible.
    let mut conn = app.app.db.pool().acquire().await.unwrap();
    let all: i64 = sqlx::query_scalar("/* probe */ SELECT count(*) FROM users")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(all, 0);

    // Inside globex's transaction, globex's rows are there.
    let mut tx = app
        .app
        .db
        .begin(globex_tenant.id, Access::Read)
        .await
        .unwrap();
    let accounts: i64 =
        sqlx::query_scalar("/* probe */ SELECT count(*) FROM records WHERE object = 'account'")
            .fetch_one(tx.conn())
            .await
            .unwrap();
    assert_eq!(accounts, 1);
}
