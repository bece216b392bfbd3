//! Tenants live on their own subdomains and see nothing of each other.

use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{Browser, TestApp, error_code, on_both_databases};

on_both_databases! {
    async fn unknown_hosts_get_a_plain_404_that_names_no_tenant(app: TestApp) {
        app.tenant("acme").await;
        for host in ["nope", "www", "a.acme"] {
            let browser = Browser::new(&app.origin(host));
            let (status, page) = browser.get_text("/").await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{host}");
            assert!(!page.contains("acme"), "404 page mentions another tenant");
            let (status, code) = error_code(browser.get("/api/v1/me").await).await;
            assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
        }
        // The platform's own host answers only the operator endpoints.
        let platform = Browser::new(&format!("http://localhost:{}", app.addr.port()));
        assert_eq!(platform.get("/").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(platform.get("/login").await.status(), StatusCode::NOT_FOUND);
    }
}

on_both_databases! {
    async fn operator_endpoints_answer_only_on_the_platform_host(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let platform = Browser::new(&format!("http://127.0.0.1:{}", app.addr.port()));
        let (status, body) = platform.get_text("/healthz").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
        let (status, body) = platform.get_text("/readyz").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
        let (status, body) = platform.get_text("/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("http_requests_total"), "metrics: {body:?}");
        assert!(!body.contains("acme"), "metrics must not enumerate tenants");
        for path in ["/healthz", "/readyz", "/metrics"] {
            assert_eq!(tenant.browser().get(path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
}

on_both_databases! {
    async fn a_suspended_tenant_is_temporarily_unavailable_and_comes_back(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.browser();
        assert_eq!(admin.sign_in_api(&tenant.admin).await.status(), StatusCode::OK);

        let slug = portico_tenants::Slug::parse("acme").unwrap();
        let mut conn = app.app.db.global().await.unwrap();
        portico_tenants::set_status(&mut conn, &slug, portico_tenants::TenantStatus::Suspended).await.unwrap();
        let (status, page) = admin.get_text("/").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(page.contains("temporarily unavailable"));
        assert_eq!(admin.get("/api/v1/me").await.status(), StatusCode::SERVICE_UNAVAILABLE);

        portico_tenants::set_status(&mut conn, &slug, portico_tenants::TenantStatus::Active).await.unwrap();
        assert_eq!(admin.get("/api/v1/me").await.status(), StatusCode::OK);
    }
}

on_both_databases! {
    async fn a_session_of_one_tenant_is_worthless_on_another(app: TestApp) {
        let acme = app.tenant("acme").await;
        let globex = app.tenant("globex").await;
        let browser = acme.browser();
        assert_eq!(browser.sign_in_api(&acme.admin).await.status(), StatusCode::OK);
        let session = browser.cookie("portico_session").expect("session cookie");
        // The browser itself never sends acme's host-only cookie to globex...
        assert!(Browser::new(&globex.origin).cookie("portico_session").is_none());
        // ...and a stolen one, replayed on globex's host, identifies nobody there.
        let forged = Browser::stateless(&globex.origin);
        let response = forged
            .client
            .get(forged.url("/api/v1/me"))
            .header("cookie", format!("portico_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let response = forged
            .client
            .get(forged.url("/console"))
            .header("cookie", format!("portico_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "globex's console must ask for sign-in");
    }
}

on_both_databases! {
    async fn record_ids_of_one_tenant_are_not_found_from_another(app: TestApp) {
        let acme = app.tenant("acme").await;
        let globex = app.tenant("globex").await;
        let acme_admin = acme.admin_browser().await;
        let globex_admin = globex.admin_browser().await;
        let created = acme_admin
            .post_json("/api/v1/objects/account/records", &json!({ "data": { "name": "Acme secret" } }))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let id = created.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();

        let path = format!("/api/v1/objects/account/records/{id}");
        assert_eq!(error_code(globex_admin.get(&path).await).await.0, StatusCode::NOT_FOUND);
        let patch = globex_admin.patch_json(&path, &json!({ "version": 1, "data": { "name": "pwned" } })).await;
        assert_eq!(error_code(patch).await.0, StatusCode::NOT_FOUND);
        assert_eq!(error_code(globex_admin.delete(&path).await).await.0, StatusCode::NOT_FOUND);
        // Guessing: random and malformed ids are just as absent.
        for guess in [uuid::Uuid::now_v7().to_string(), "1".into(), "../../users".into()] {
            let path = format!("/api/v1/objects/account/records/{guess}");
            assert_eq!(globex_admin.get(&path).await.status(), StatusCode::NOT_FOUND, "{guess}");
        }
        // Globex's list shows nothing of acme's, and acme's record is untouched.
        let list: serde_json::Value = globex_admin.get("/api/v1/objects/account/records").await.json().await.unwrap();
        assert_eq!(list["data"], json!([]));
        let record: serde_json::Value = acme_admin.get(&path).await.json().await.unwrap();
        assert_eq!((record["data"]["name"].as_str(), record["version"].as_i64()), (Some("Acme secret"), Some(1)));
    }
}

on_both_databases! {
    /// Start-up gives the built-in defaults only to tenants an upgrade left behind: each tenant
    /// records the edition of the defaults it last received, and one already on this build's is
    /// passed by (with ten thousand tenants, checking every one made start-up take seconds).
    async fn start_up_gives_defaults_only_to_tenants_an_upgrade_left_behind(app: TestApp) {
        app.tenant("acme").await;
        app.tenant("globex").await;
        let mark = "operations:employee-feed";
        let marked = |slug: &'static str| {
            let app = &app;
            async move {
                let tenant = crate::licenses::tenant_of(app, slug).await;
                let mut tx = app.app.db.begin(tenant.id, portico::store::Access::Read).await.unwrap();
                let (marks, edition): (i64, Option<String>) = sqlx::query_as(
                    "SELECT (SELECT count(*) FROM seeded_defaults WHERE tenant_id = $1 AND key = $2),
                            (SELECT defaults_edition FROM tenants WHERE id = $1)",
                )
                .bind(tx.tenant_param())
                .bind(mark)
                .fetch_one(tx.conn())
                .await
                .unwrap();
                (marks, edition)
            }
        };
        let (marks, current) = marked("acme").await;
        assert_eq!(marks, 1);
        assert!(current.as_deref().is_some_and(|e| e.len() == 24), "{current:?}");
        assert_eq!(marked("globex").await, (1, current.clone()));

        // Both lose a default's mark; globex is on an older build's edition, acme on this one's.
        for slug in ["acme", "globex"] {
            let tenant = crate::licenses::tenant_of(&app, slug).await;
            let mut tx = app.app.db.begin(tenant.id, portico::store::Access::Write).await.unwrap();
            sqlx::query("DELETE FROM seeded_defaults WHERE tenant_id = $1 AND key = $2")
                .bind(tx.tenant_param())
                .bind(mark)
                .execute(tx.conn())
                .await
                .unwrap();
            if slug == "globex" {
                sqlx::query("UPDATE tenants SET defaults_edition = 'an older build' WHERE id = $1")
                    .bind(tx.tenant_param())
                    .execute(tx.conn())
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        portico::access::defaults::apply_to_all_tenants(&app.app).await.unwrap();
        assert_eq!(marked("acme").await, (0, current.clone()), "acme was passed by");
        assert_eq!(marked("globex").await, (1, current), "globex received the defaults");
    }
}
