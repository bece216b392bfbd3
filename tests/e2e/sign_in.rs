//! Signing in: identical answers for every failure, throttling and locking, the console's door.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{
    Backend, Browser, Login, Options, TestApp, location, on_both_databases, password_link_in,
};

async fn api_sign_in(
    browser: &Browser,
    login: &str,
    password: &str,
) -> (StatusCode, Option<String>, Value) {
    let response = browser.sign_in_api(&Login::new(login, password)).await;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry_after, response.json().await.unwrap())
}

on_both_databases! {
    async fn unknown_logins_and_wrong_passwords_get_the_same_answer(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let browser = Browser::stateless(&tenant.origin);
        let wrong_password = api_sign_in(&browser, &tenant.admin.login, "not the password").await;
        let unknown_login = api_sign_in(&browser, "nobody@acme.test", "not the password").await;
        let malformed_login = api_sign_in(&browser, "not an e-mail", "x").await;
        assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong_password, unknown_login);
        assert_eq!(wrong_password, malformed_login);

        // The portal's form answers alike too (same status, same message).
        let form = |login: &'static str| {
            let browser = tenant.browser();
            async move {
                let response = browser.sign_in_portal(&Login::new(login, "not the password")).await;
                (response.status(), response.text().await.unwrap().contains("The login or password is incorrect."))
            }
        };
        assert_eq!(form("admin@acme.test").await, (StatusCode::UNAUTHORIZED, true));
        assert_eq!(form("ghost@acme.test").await, (StatusCode::UNAUTHORIZED, true));
    }
}

on_both_databases! {
    async fn failed_sign_ins_are_slowed_down_then_locked_for_known_and_unknown_logins(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let browser = Browser::stateless(&tenant.origin);
        // An unknown login is throttled exactly like a real one (the real one goes last, so its
        // lock is fresh below).
        for login in ["ghost@acme.test", tenant.admin.login.as_str()] {
            for _ in 0..3 {
                assert_eq!(api_sign_in(&browser, login, "wrong").await.0, StatusCode::UNAUTHORIZED);
            }
            // Free attempts used up: the fourth failure makes the next attempt wait.
            assert_eq!(api_sign_in(&browser, login, "wrong").await.0, StatusCode::UNAUTHORIZED);
            let (status, retry_after, body) = api_sign_in(&browser, login, "wrong").await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{login}");
            assert_eq!(retry_after.as_deref(), Some("1"));
            assert_eq!(body["error"]["code"], "too_many_requests");
            // Failing again after each delay doubles it, up to the lock at ten failures.
            for _ in 4..9 {
                app.clock.advance(Duration::minutes(1));
                assert_eq!(api_sign_in(&browser, login, "wrong").await.0, StatusCode::UNAUTHORIZED);
            }
            app.clock.advance(Duration::minutes(1));
            assert_eq!(api_sign_in(&browser, login, "wrong").await.0, StatusCode::UNAUTHORIZED);
            app.clock.advance(Duration::minutes(5));
            let (status, retry_after, body) = api_sign_in(&browser, login, "wrong").await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(retry_after.as_deref(), Some("600"));
            assert!(body["error"]["message"].as_str().unwrap().contains("locked"), "{body}");
        }
        // Locked means locked: even the right password is refused, with the same answer.
        let (status, ..) = api_sign_in(&browser, &tenant.admin.login, &tenant.admin.password).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        // The lock ends after fifteen minutes.
        app.clock.advance(Duration::minutes(11));
        let (status, ..) = api_sign_in(&browser, &tenant.admin.login, &tenant.admin.password).await;
        assert_eq!(status, StatusCode::OK);
    }
}

on_both_databases! {
    async fn external_users_cannot_use_the_console(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let (_, customer) = tenant.create_user(&admin, "carla@customer.test", "external", "carla's password").await;

        let browser = tenant.browser();
        let response = browser
            .submit_form("/console/login", "/console/login", &[("login", &customer.login), ("password", &customer.password)])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("the console is for employees"));
        assert!(browser.cookie("portico_session").is_none(), "no session for a refused console sign-in");

        // Signed in on the portal, the console still refuses them.
        let response = browser.sign_in_portal(&customer).await;
        assert_eq!((response.status(), location(&response).as_str()), (StatusCode::SEE_OTHER, "/"));
        assert_eq!(browser.get("/console").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(browser.get("/console/users").await.status(), StatusCode::FORBIDDEN);
        let (status, page) = browser.get_text("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Welcome, carla@customer.test"));
        // Nor may they reach employee-only API operations.
        assert_eq!(browser.get("/api/v1/users").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(browser.get("/api/v1/objects/contact/records").await.status(), StatusCode::FORBIDDEN);
    }
}

on_both_databases! {
    async fn a_setup_link_works_once_and_expires(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let created: Value = admin
            .post_json("/api/v1/users", &json!({ "login": "ann@acme.test", "full_name": "Ann", "kind": "employee" }))
            .await
            .json()
            .await
            .unwrap();
        let link = created["setup_link"].as_str().unwrap().to_owned();
        let path = link.strip_prefix(&tenant.origin).unwrap().to_owned();
        let browser = tenant.browser();
        let (status, page) = browser.get_text(&path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("ann@acme.test"));
        // Opening the invitation spent its link: the form carries a token of its own.
        let (status, again) = tenant.browser().get_text(&path).await;
        assert_eq!(status, StatusCode::GONE, "an opened invitation must not open again");
        assert!(again.contains("expired or has already been used"));

        // The policy applies: too short, or the login itself; the form can be sent again.
        for (password, message) in [("short", "at least 10 characters"), ("ann@acme.test", "same as the login")] {
            let response = browser.send_password_form(&page, password, password).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert!(response.text().await.unwrap().contains(message), "{password}");
        }
        let response = browser.send_password_form(&page, "ann's good password", "ann's good password").await;
        assert_eq!((response.status(), location(&response).as_str()), (StatusCode::SEE_OTHER, "/console/login"));
        let reused = browser.send_password_form(&page, "another password 1", "another password 1").await;
        assert_eq!(reused.status(), StatusCode::GONE, "the form works once");
        tenant.browser().sign_in_console(&Login::new("ann@acme.test", "ann's good password")).await;

        // Another user's link, unused for a week (the default lifetime), has expired.
        let created: Value = admin
            .post_json("/api/v1/users", &json!({ "login": "bob@acme.test", "full_name": "Bob", "kind": "external" }))
            .await
            .json()
            .await
            .unwrap();
        app.clock.advance(Duration::days(7) + Duration::minutes(1));
        let path = created["setup_link"].as_str().unwrap().strip_prefix(&tenant.origin).unwrap().to_owned();
        assert_eq!(tenant.browser().get(&path).await.status(), StatusCode::GONE);
    }
}

on_both_databases! {
    async fn changing_the_password_needs_the_current_one_and_signs_out_other_devices(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let (_, customer) = tenant.create_user(&admin, "carla@customer.test", "external", "carla's password").await;
        let phone = tenant.browser();
        phone.sign_in_portal(&customer).await;
        let laptop = tenant.browser();
        laptop.sign_in_portal(&customer).await;

        let change = |current: &'static str, new: &'static str, confirm: &'static str| {
            let laptop = laptop.clone();
            async move {
                laptop
                    .submit_form("/profile", "/profile/password", &[
                        ("current_password", current), ("new_password", new), ("confirm_password", confirm),
                    ])
                    .await
            }
        };
        let response = change("wrong password", "a new long password", "a new long password").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("is not your current password"));
        let response = change("carla's password", "tooshort", "tooshort").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = change("carla's password", "carla@customer.test", "carla@customer.test").await;
        assert!(response.text().await.unwrap().contains("must not be the same as the login"));
        let response = change("carla's password", "a new long password", "something else").await;
        assert!(response.text().await.unwrap().contains("does not match"));
        assert_eq!(phone.get("/").await.status(), StatusCode::OK, "nothing changed yet");

        let response = change("carla's password", "a new long password", "a new long password").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.unwrap().contains("Your password has been changed."));
        assert_eq!(laptop.get("/").await.status(), StatusCode::OK, "this device stays signed in");
        assert_eq!(phone.get("/").await.status(), StatusCode::SEE_OTHER, "other devices are signed out");
        assert_eq!(tenant.browser().sign_in_portal(&customer).await.status(), StatusCode::UNAUTHORIZED);
        let renewed = Login::new(&customer.login, "a new long password");
        assert_eq!(tenant.browser().sign_in_portal(&renewed).await.status(), StatusCode::SEE_OTHER);
    }
}

/// A sign-in through the API from the client address `ip` (the test server trusts
/// `X-Forwarded-For`, as behind a proxy).
async fn sign_in_from(browser: &Browser, ip: &str, login: &str, password: &str) -> StatusCode {
    browser
        .client
        .post(browser.url("/api/v1/auth/login"))
        .header("x-forwarded-for", ip)
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
}

on_both_databases! {
    async fn concurrent_wrong_passwords_cannot_outrun_the_throttle(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let mut attempts = tokio::task::JoinSet::new();
        for _ in 0..96 {
            let browser = Browser::stateless(&tenant.origin);
            let login = tenant.admin.login.clone();
            attempts.spawn(async move { api_sign_in(&browser, &login, "wrong password").await });
        }
        let mut checked = 0;
        for (status, retry_after, body) in attempts.join_all().await {
            match status {
                // Each attempt is counted before its password is checked: only the free
                // attempts and the first delayed one get that far.
                StatusCode::UNAUTHORIZED => checked += 1,
                // Throttled, or refused at once because every hashing thread was busy.
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
                    assert!(retry_after.is_some(), "{body}");
                }
                other => panic!("unexpected answer {other}: {body}"),
            }
        }
        assert!((1..=4).contains(&checked), "{checked} passwords were checked");
    }
}

/// Guesses from one address lock that address out of the login, not its owner; guesses from
/// many addresses only slow the login down, and its owner is told once, with a link that lets
/// them back in at once.
async fn many_guessers_cannot_lock_the_owner_out(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        Options {
            trust_proxy_headers: true,
            ..Options::default()
        },
    )
    .await;
    let tenant = app.tenant("acme").await;
    let browser = Browser::stateless(&tenant.origin);
    let (login, password) = (tenant.admin.login.as_str(), tenant.admin.password.as_str());
    for _ in 0..10 {
        assert_eq!(
            sign_in_from(&browser, "198.51.100.1", login, "a guess").await,
            StatusCode::UNAUTHORIZED
        );
        app.clock.advance(Duration::minutes(1));
    }
    assert_eq!(
        sign_in_from(&browser, "198.51.100.1", login, password).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in_from(&browser, "203.0.113.9", login, password).await,
        StatusCode::OK,
        "the owner, elsewhere"
    );

    // Eleven guesses from eleven addresses: the login is slowed down for everyone, owner too,
    // with the same answer for a login that does not exist.
    for ghost in [false, true] {
        let who = if ghost { "ghost@acme.test" } else { login };
        for n in 0..11 {
            assert_eq!(
                sign_in_from(&browser, &format!("192.0.2.{n}"), who, "a guess").await,
                StatusCode::UNAUTHORIZED
            );
        }
        let response = browser
            .client
            .post(browser.url("/api/v1/auth/login"))
            .header("x-forwarded-for", "192.0.2.200")
            .json(&json!({ "login": who, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{who}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("slowed down"),
            "{body}"
        );
    }

    // The slow-down passes; the owner finds one e-mail about it, with a recovery link.
    app.clock.advance(Duration::seconds(31));
    let admin = tenant.admin_browser().await;
    let (_, mailbox) = admin.get_text("/console/mail").await;
    assert_eq!(
        mailbox.matches("Failed sign-in attempts on your").count(),
        1,
        "{mailbox}"
    );
    let link = password_link_in(&mailbox).expect("a recovery link in the mail");

    // Signing in started afresh; the guessing starts again, and the link still lets the owner in
    // at once, with a new password.
    for n in 0..12 {
        sign_in_from(&browser, &format!("192.0.2.{}", 50 + n), login, "a guess").await;
    }
    assert_eq!(
        sign_in_from(&browser, "203.0.113.9", login, password).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let owner = tenant.browser();
    owner
        .set_password(&format!("{}{link}", tenant.origin), "a brand new password")
        .await;
    assert_eq!(
        sign_in_from(&browser, "203.0.113.9", login, "a brand new password").await,
        StatusCode::OK
    );
    assert_eq!(
        tenant.browser().get(&link).await.status(),
        StatusCode::GONE,
        "the link works once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_guessers_cannot_lock_the_owner_out_sqlite() {
    many_guessers_cannot_lock_the_owner_out(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_guessers_cannot_lock_the_owner_out_postgres() {
    many_guessers_cannot_lock_the_owner_out(Backend::Postgres).await;
}
