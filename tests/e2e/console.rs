//! The console's pages, as an administrator uses them without JavaScript.

use reqwest::StatusCode;

use crate::harness::{Login, TestApp, location, on_both_databases};

on_both_databases! {
    async fn an_administrator_creates_users_who_then_sign_in(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let browser = tenant.browser();
        assert_eq!(location(&browser.get("/console").await), "/console/login");
        browser.sign_in_console(&tenant.admin).await;
        let (status, home) = browser.get_text("/console").await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("acme Inc."));

        let response = browser
            .submit_form("/console/users", "/console/users", &[
                ("login", "Carla@Customer.test"), ("full_name", "Carla <script>alert(1)</script>"), ("kind", "external"),
            ])
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let page = response.text().await.unwrap();
        assert!(page.contains("carla@customer.test"), "logins are stored lowercased");
        assert!(!page.contains("<script>alert(1)</script>"), "names are escaped");
        assert!(page.contains("Carla &lt;script&gt;"));
        let link = page
            .split("<code class=\"copy\">")
            .nth(1)
            .and_then(|rest| rest.split("</code>").next())
            .expect("setup link shown once")
            .replace("&#x2f;", "/")
            .replace("&amp;", "&")
            .replace("&#x3d;", "=");
        tenant.browser().set_password(&link, "carla's password").await;
        let carla = tenant.browser();
        let response = carla.sign_in_portal(&Login::new("carla@customer.test", "carla's password")).await;
        assert_eq!(location(&response), "/");

        // The list now shows both users; the setup link is not shown again.
        let (_, users) = browser.get_text("/console/users").await;
        assert!(users.contains("admin@acme.test") && users.contains("carla@customer.test"));
        assert!(!users.contains("set-password?token="));

        // Mistakes come back with every field marked and the typed values kept.
        let response = browser
            .submit_form("/console/users", "/console/users", &[("login", "not-an-email"), ("full_name", ""), ("kind", "robot")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("is not a valid e-mail address"));
        assert!(page.contains("must be 1 to 250 characters long"));
        assert!(page.contains("value=\"not-an-email\""));
        let response = browser
            .submit_form("/console/users", "/console/users", &[("login", "carla@customer.test"), ("full_name", "Again"), ("kind", "external")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("already exists"));
    }
}

on_both_databases! {
    async fn portal_pages_need_a_session_and_show_the_tenant(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let browser = tenant.browser();
        for path in ["/", "/profile"] {
            let response = browser.get(path).await;
            assert_eq!((response.status(), location(&response).as_str()), (StatusCode::SEE_OTHER, "/login"), "{path}");
        }
        let (status, login) = browser.get_text("/login").await;
        assert_eq!(status, StatusCode::OK);
        assert!(login.contains("acme Inc.") && login.contains("name=\"viewport\""));
        let response = browser.sign_in_portal(&tenant.admin).await;
        assert_eq!(location(&response), "/");
        let (status, profile) = browser.get_text("/profile").await;
        assert_eq!(status, StatusCode::OK);
        assert!(profile.contains("admin@acme.test"));
        // Signed in, the sign-in page sends you home.
        assert_eq!(location(&browser.get("/login").await), "/");
        // Static assets are served with long caching.
        let css = browser.get("/static/portico-11.css").await;
        assert_eq!(css.status(), StatusCode::OK);
        assert!(css.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        assert_eq!(browser.get("/static/nope.js").await.status(), StatusCode::NOT_FOUND);
        // Sign-out from the portal.
        let response = browser.submit_form("/", "/logout", &[]).await;
        assert_eq!(location(&response), "/login");
        assert_eq!(location(&browser.get("/").await), "/login");
    }
}

on_both_databases! {
    async fn the_users_list_is_paged_searched_and_counted(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        for i in 0..55 {
            let response = admin
                .post_json("/api/v1/users", &serde_json::json!({ "login": format!("user{i:02}@people.test"), "full_name": format!("Person {i:02}"), "kind": "external" }))
                .await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        // The API: pages by login, with a count; each user once.
        let first: serde_json::Value = admin.get("/api/v1/users?limit=30").await.json().await.unwrap();
        assert_eq!(first["data"].as_array().unwrap().len(), 30);
        assert_eq!(first["count"], serde_json::json!({ "records": 56, "more": false }));
        let after = first["next_cursor"].as_str().unwrap();
        let second: serde_json::Value = admin.get(&format!("/api/v1/users?limit=30&after={after}")).await.json().await.unwrap();
        assert_eq!(second["data"].as_array().unwrap().len(), 26);
        assert!(second["next_cursor"].is_null());
        let found: serde_json::Value = admin.get("/api/v1/users?q=PERSON%2007").await.json().await.unwrap();
        assert_eq!(found["data"].as_array().unwrap().len(), 1);
        assert_eq!(found["data"][0]["login"], "user07@people.test");
        // A wildcard is a character like any other.
        let none: serde_json::Value = admin.get("/api/v1/users?q=%25").await.json().await.unwrap();
        assert_eq!(none["count"]["records"], 0);
        for bad in ["limit=0", "limit=201", "colour=red"] {
            assert_eq!(admin.get(&format!("/api/v1/users?{bad}")).await.status(), StatusCode::BAD_REQUEST, "{bad}");
        }

        // The console's users page: 50 at a time, the count, the next page, a search.
        let (_, page) = admin.get_text("/console/users").await;
        assert!(page.contains("1–50 of 56"), "{page}");
        let next = page.split("href=\"/console/users?after=").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
        let (_, page) = admin.get_text(&format!("/console/users?after={next}")).await;
        assert!(page.contains("51–56 of 56") && page.contains("user54@people.test") && !page.contains("user00@people.test"), "{page}");
        let (_, page) = admin.get_text("/console/users?q=person+12").await;
        assert!(page.contains("1–1 of 1") && page.contains("user12@people.test"), "{page}");

        // Another tenant's list holds none of them.
        let other = app.tenant("globex").await.admin_browser().await;
        let theirs: serde_json::Value = other.get("/api/v1/users?q=people.test").await.json().await.unwrap();
        assert_eq!(theirs["count"]["records"], 0);
    }
}
