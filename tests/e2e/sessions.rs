//! Sessions, CSRF, sign-out and API tokens.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, TestApp, error_code, location, on_both_databases};

on_both_databases! {
    async fn signing_out_ends_the_session_on_the_server(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let browser = tenant.admin_browser().await;
        let session = browser.cookie("portico_session").unwrap();
        let response = browser.submit_form("/console", "/console/logout", &[]).await;
        assert_eq!((response.status(), location(&response).as_str()), (StatusCode::SEE_OTHER, "/console/login"));
        assert!(browser.cookie("portico_session").is_none(), "the browser forgets the cookie");

        // Replaying the old cookie does not bring the session back.
        let replay = Browser::stateless(&tenant.origin);
        let response = replay
            .client
            .get(replay.url("/api/v1/me"))
            .header("cookie", format!("portico_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        // The API's sign-out does the same for API sessions.
        let api = tenant.browser();
        assert_eq!(api.sign_in_api(&tenant.admin).await.status(), StatusCode::OK);
        assert_eq!(api.get("/api/v1/me").await.status(), StatusCode::OK);
        let session = api.cookie("portico_session").unwrap();
        assert_eq!(api.post_json("/api/v1/auth/logout", &json!({})).await.status(), StatusCode::NO_CONTENT);
        let response = replay
            .client
            .get(replay.url("/api/v1/me"))
            .header("cookie", format!("portico_session={session}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

on_both_databases! {
    async fn forms_without_the_csrf_token_are_refused_and_change_nothing(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let browser = tenant.admin_browser().await;
        let create = [("login", "eve@acme.test"), ("full_name", "Eve"), ("kind", "employee")];

        // No token, a wrong token, and another session's token.
        let other = tenant.admin_browser().await;
        let (_, other_page) = other.get_text("/console/users").await;
        let others_token = crate::harness::csrf_token_in(&other_page).unwrap();
        for token in [None, Some("forged"), Some(others_token.as_str())] {
            let mut form = create.to_vec();
            if let Some(token) = token {
                form.push(("csrf_token", token));
            }
            let response = browser.client.post(browser.url("/console/users")).form(&form).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{token:?}");
        }
        // Sign-out too is a state change that needs the token.
        let response = browser.client.post(browser.url("/console/logout")).form(&[("x", "y")]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        // A request a browser marks as coming from another site is refused even with the token.
        let (_, page) = browser.get_text("/console/users").await;
        let token = crate::harness::csrf_token_in(&page).unwrap();
        let mut form = create.to_vec();
        form.push(("csrf_token", &token));
        let response = browser
            .client
            .post(browser.url("/console/users"))
            .header("origin", "http://evil.localhost")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);

        let users: Value = browser.get("/api/v1/users").await.json().await.unwrap();
        let logins: Vec<&str> = users["data"].as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap()).collect();
        assert!(!logins.contains(&"eve@acme.test"), "nothing was created: {logins:?}");
        assert_eq!(browser.get("/console").await.status(), StatusCode::OK, "still signed in");

        // With its own token, from its own page, the same form works.
        let response = browser.submit_form("/console/users", "/console/users", &create).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        // The sign-in form is protected before sign-in, by its own cookie-bound token.
        let stranger = tenant.browser();
        let response = stranger
            .client
            .post(stranger.url("/login"))
            .form(&[("login", tenant.admin.login.as_str()), ("password", tenant.admin.password.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}

on_both_databases! {
    async fn api_tokens_are_shown_once_work_as_bearer_and_stop_when_revoked(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let response = admin.post_json("/api/v1/auth/tokens", &json!({ "name": "nightly import" })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await.unwrap();
        let secret = created["token"].as_str().unwrap().to_owned();
        let id = created["id"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("pt_"));

        // Listed without the secret.
        let list: Value = admin.get("/api/v1/auth/tokens").await.json().await.unwrap();
        assert_eq!(list["data"][0]["name"], "nightly import");
        assert!(list["data"][0].get("token").is_none());
        assert!(!list.to_string().contains(&secret));

        let script = Browser::stateless(&tenant.origin);
        let me = |auth: String| {
            let script = script.clone();
            async move {
                script.client.get(script.url("/api/v1/me")).header("authorization", auth).send().await.unwrap()
            }
        };
        let response = me(format!("Bearer {secret}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.json::<Value>().await.unwrap()["login"], tenant.admin.login.as_str());
        // A bearer token is for the API only; pages ignore it.
        let page = script.client.get(script.url("/console")).header("authorization", format!("Bearer {secret}")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::SEE_OTHER);
        for bad in ["Bearer pt_nope", "Bearer ", "Basic abc", &format!("Bearer {}x", secret)] {
            assert_eq!(me(bad.to_owned()).await.status(), StatusCode::UNAUTHORIZED, "{bad}");
        }

        // Someone else cannot revoke it; its owner can, and then it is dead.
        let (_, colleague) = tenant.create_user(&admin, "col@acme.test", "employee", "colleague password").await;
        let other = tenant.browser();
        other.sign_in_api(&colleague).await;
        assert_eq!(error_code(other.delete(&format!("/api/v1/auth/tokens/{id}")).await).await.0, StatusCode::NOT_FOUND);
        assert_eq!(me(format!("Bearer {secret}")).await.status(), StatusCode::OK);
        assert_eq!(admin.delete(&format!("/api/v1/auth/tokens/{id}")).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(me(format!("Bearer {secret}")).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(admin.delete(&format!("/api/v1/auth/tokens/{id}")).await.status(), StatusCode::NOT_FOUND);

        // Tokens may expire; bad input is refused.
        let past = admin.post_json("/api/v1/auth/tokens", &json!({ "name": "x", "expires_at": "2001-01-01T00:00:00Z" })).await;
        assert_eq!(error_code(past).await, (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into()));
        let empty = admin.post_json("/api/v1/auth/tokens", &json!({ "name": "  " })).await;
        assert_eq!(error_code(empty).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let soon: Value = admin
            .post_json("/api/v1/auth/tokens", &json!({ "name": "short", "expires_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339() }))
            .await
            .json()
            .await
            .unwrap();
        let secret = soon["token"].as_str().unwrap().to_owned();
        assert_eq!(me(format!("Bearer {secret}")).await.status(), StatusCode::OK);
        app.clock.advance(chrono::Duration::hours(2));
        assert_eq!(me(format!("Bearer {secret}")).await.status(), StatusCode::UNAUTHORIZED);
        // Token on another tenant's host: unknown there.
        let globex = app.tenant("globex").await;
        let response = Browser::stateless(&globex.origin).client.get(format!("{}/api/v1/me", globex.origin))
            .header("authorization", format!("Bearer {}", created["token"].as_str().unwrap())).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
}

on_both_databases! {
    async fn a_new_password_revokes_api_tokens_unless_the_tenant_keeps_them(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let (_, carla) = tenant.create_user(&admin, "carla@client.test", "external", "carla's password").await;
        let browser = tenant.browser();
        browser.sign_in_portal(&carla).await;
        let new_token = || async {
            let token: Value = browser.post_json("/api/v1/auth/tokens", &json!({ "name": "script" })).await.json().await.unwrap();
            format!("Bearer {}", token["token"].as_str().unwrap())
        };
        let script = Browser::stateless(&tenant.origin);
        let works = |bearer: String| {
            let script = script.clone();
            async move { script.client.get(script.url("/api/v1/me")).header("authorization", bearer).send().await.unwrap().status() == StatusCode::OK }
        };
        let change = |from: &'static str, to: &'static str| {
            let browser = browser.clone();
            async move {
                browser.submit_form("/profile", "/profile/password", &[("current_password", from), ("new_password", to), ("confirm_password", to)]).await
            }
        };

        // By default a new password revokes the user's tokens.
        let bearer = new_token().await;
        assert!(works(bearer.clone()).await);
        assert_eq!(change("carla's password", "a second password").await.status(), StatusCode::OK);
        assert!(!works(bearer).await, "the token outlived the password");
        assert_eq!(browser.get("/").await.status(), StatusCode::OK, "this session stays");

        // An administrator may keep tokens across password changes (the console's Users page).
        let (_, users) = admin.get_text("/console/users").await;
        assert!(users.contains("revoke their API tokens"), "{users}");
        let saved = admin
            .submit_form("/console/users", "/console/users/security", &[("invitation_valid_days", "7"), ("recovery_valid_minutes", "60")])
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
        let bearer = new_token().await;
        assert_eq!(change("a second password", "a third password!").await.status(), StatusCode::OK);
        assert!(works(bearer).await, "the tenant keeps tokens now");
        let audit: Value = admin.get("/api/v1/access/audit").await.json().await.unwrap();
        assert!(audit.to_string().contains("security.settings"), "{audit}");
        // Without the form's token nothing changes.
        let forged = admin.client.post(admin.url("/console/users/security")).form(&[("revoke_api_tokens_on_password_change", "true")]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let (_, users) = admin.get_text("/console/users").await;
        assert!(!users.contains("revoke_api_tokens_on_password_change\" value=\"true\" checked"), "{users}");
    }
}
