//! Getting people in and back in: invitations by e-mail (sent again, each new one ending the old,
//! spent when opened), and "Forgot your password?" with its single-use, short-lived link. The
//! e-mails go to the real SMTP server the test runs, and their links are followed.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{
        Backend, Browser, Login, Options, TestApp, error_code, location, on_both_databases,
        password_link_in,
    },
    mail::text,
    smtp::{Received, SmtpServer},
};

async fn with_smtp(backend: Backend) -> (SmtpServer, TestApp) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(
        backend,
        Options {
            smtp_url: Some(smtp.url.clone()),
            ..Options::default()
        },
    )
    .await;
    (smtp, app)
}

/// The "choose a password" link in a mail, as a path on the tenant's host.
fn link_in(mail: &Received) -> String {
    password_link_in(&text(mail)).unwrap_or_else(|| panic!("no link in {}", mail.data))
}

/// Waits for the `n`-th message (counting from 1) and answers it.
async fn nth_mail(smtp: &SmtpServer, n: usize) -> Received {
    smtp.wait_for(n).await.swap_remove(n - 1)
}

/// Lets the mail worker run, then checks nothing more than `n` messages arrived.
async fn no_more_mail_than(smtp: &SmtpServer, n: usize) {
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let subjects: Vec<String> = smtp
        .received()
        .iter()
        .map(|m| m.subject().to_owned())
        .collect();
    assert_eq!(subjects.len(), n, "{subjects:?}");
}

async fn ask_for_a_link(browser: &Browser, login: &str) -> (StatusCode, String) {
    let response = browser
        .submit_form("/forgot-password", "/forgot-password", &[("login", login)])
        .await;
    (response.status(), response.text().await.unwrap())
}

async fn user_id(admin: &Browser, login: &str) -> String {
    let users: Value = admin.get("/api/v1/users").await.json().await.unwrap();
    users["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == login)
        .unwrap_or_else(|| panic!("no user {login}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn a_forgotten_password_is_recovered_by_mail(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    let (_, ann) = tenant
        .create_user(&admin, "ann@acme.test", "external", "ann's first password")
        .await;
    let phone = tenant.browser();
    assert_eq!(
        phone.sign_in_portal(&ann).await.status(),
        StatusCode::SEE_OTHER
    );

    // Both login pages offer the way back.
    let (_, portal_login) = tenant.browser().get_text("/login").await;
    assert!(
        portal_login.contains("href=\"/forgot-password\""),
        "{portal_login}"
    );
    let (_, console_login) = tenant.browser().get_text("/console/login").await;
    assert!(console_login.contains("/forgot-password?console=true"));

    // A known and an unknown address get the same page and status; only the known one gets mail.
    let browser = tenant.browser();
    let (known_status, known) = ask_for_a_link(&browser, "ann@acme.test").await;
    let (unknown_status, unknown) = ask_for_a_link(&browser, "nobody@acme.test").await;
    assert_eq!(
        (known_status, unknown_status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(
        known.replace("ann@acme.test", "X"),
        unknown.replace("nobody@acme.test", "X")
    );
    assert!(known.contains("we have sent it an e-mail"), "{known}");
    let first = nth_mail(&smtp, 1).await;
    assert_eq!(first.to, ["ann@acme.test"]);
    assert!(
        first.subject().contains("Reset your"),
        "{}",
        first.subject()
    );
    assert!(text(&first).contains("within 1 hour"), "{}", text(&first));
    no_more_mail_than(&smtp, 1).await;

    // Asking again sends another link; both work until one is used.
    ask_for_a_link(&browser, "ann@acme.test").await;
    let second = link_in(&nth_mail(&smtp, 2).await);
    let first = link_in(&first);
    assert_ne!(first, second);
    assert_eq!(browser.get(&first).await.status(), StatusCode::OK);

    // A tampered link, and this tenant's link on another tenant's host, open nothing.
    assert_eq!(
        browser.get(&format!("{second}x")).await.status(),
        StatusCode::GONE
    );
    let globex = app.tenant("globex").await;
    assert_eq!(
        globex.browser().get(&second).await.status(),
        StatusCode::GONE
    );

    // Opening the link shows the form; the password policy applies; it can be tried again.
    let (status, page) = browser.get_text(&second).await;
    assert_eq!(status, StatusCode::OK);
    let short = browser.send_password_form(&page, "short", "short").await;
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short
            .text()
            .await
            .unwrap()
            .contains("at least 10 characters")
    );
    let chosen = browser
        .send_password_form(&page, "ann's second password", "ann's second password")
        .await;
    assert_eq!(
        (chosen.status(), location(&chosen).as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );

    // Every session of Ann ended; the link works once, and the other link ended with it; the old
    // password is gone.
    let home = phone.get("/").await;
    assert_eq!(location(&home), "/login", "the other device is signed out");
    assert_eq!(browser.get(&second).await.status(), StatusCode::GONE);
    assert_eq!(browser.get(&first).await.status(), StatusCode::GONE);
    let old = tenant.browser().sign_in_portal(&ann).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let ann = Login::new("ann@acme.test", "ann's second password");
    assert_eq!(
        tenant.browser().sign_in_portal(&ann).await.status(),
        StatusCode::SEE_OTHER
    );

    // Asking is throttled per login, known or not, with the same answer: a few requests in a row
    // pass, then each must wait.
    for _ in 0..2 {
        assert_eq!(
            ask_for_a_link(&browser, "ann@acme.test").await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        ask_for_a_link(&browser, "ann@acme.test").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    for _ in 0..3 {
        assert_eq!(
            ask_for_a_link(&browser, "nobody@acme.test").await.0,
            StatusCode::OK
        );
    }
    let response = browser
        .submit_form(
            "/forgot-password",
            "/forgot-password",
            &[("login", "nobody@acme.test")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
    assert!(response.text().await.unwrap().contains("Too many requests"));
    nth_mail(&smtp, 4).await;
    no_more_mail_than(&smtp, 4).await;

    // A link not used in time has expired (an hour, the default).
    app.clock.advance(Duration::minutes(61));
    let late = link_in(&smtp.received()[3]);
    assert_eq!(browser.get(&late).await.status(), StatusCode::GONE);

    // Malformed input is named, and sends nothing.
    let (status, page) = ask_for_a_link(&browser, "not an address").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("field-error"), "{page}");
    no_more_mail_than(&smtp, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_recovered_by_mail_sqlite() {
    a_forgotten_password_is_recovered_by_mail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forgotten_password_is_recovered_by_mail_postgres() {
    a_forgotten_password_is_recovered_by_mail(Backend::Postgres).await;
}

async fn create_in_console(admin: &Browser, login: &str, invite: bool) -> (StatusCode, String) {
    let mut fields = vec![("login", login), ("full_name", login), ("kind", "external")];
    if invite {
        fields.push(("invite", "true"));
    }
    let response = admin
        .submit_form("/console/users", "/console/users", &fields)
        .await;
    (response.status(), response.text().await.unwrap())
}

async fn invitations_go_by_mail_and_each_new_one_ends_the_last(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;

    // Created with "send the invitation now": the link goes by mail, not onto the admin's page.
    let (status, page) = create_in_console(&admin, "bob@acme.test", true).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(page.contains("invited by e-mail"), "{page}");
    assert!(!page.contains("set-password?token="));
    let first = nth_mail(&smtp, 1).await;
    assert_eq!(first.to, ["bob@acme.test"]);
    assert!(text(&first).contains("within 7 days"), "{}", text(&first));
    let bob = user_id(&admin, "bob@acme.test").await;
    let (_, person) = admin.get_text(&format!("/console/users/{bob}")).await;
    assert!(person.contains("not accepted yet"), "{person}");

    // Sent again from the user's page: the earlier link stops working.
    let response = admin
        .submit_form(
            &format!("/console/users/{bob}"),
            &format!("/console/users/{bob}/invitation"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let second = link_in(&nth_mail(&smtp, 2).await);
    assert_eq!(
        tenant.browser().get(&link_in(&first)).await.status(),
        StatusCode::GONE
    );

    // Opening an invitation spends it; leaving the form unused for an hour means a new one is needed.
    let browser = tenant.browser();
    let (status, form) = browser.get_text(&second).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        tenant.browser().get(&second).await.status(),
        StatusCode::GONE
    );
    app.clock.advance(Duration::minutes(61));
    let late = browser
        .send_password_form(&form, "bob's password 1", "bob's password 1")
        .await;
    assert_eq!(late.status(), StatusCode::GONE);

    // Invitations for a selection of the list; Carl was created without one.
    let (status, page) = create_in_console(&admin, "carl@acme.test", false).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(page.contains("set-password?token=") && page.contains("Send invitation"));
    no_more_mail_than(&smtp, 2).await;
    let carl = user_id(&admin, "carl@acme.test").await;
    let response = admin
        .submit_form(
            "/console/users",
            "/console/users/invitations",
            &[("users", &bob), ("users", &carl)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mails = smtp.wait_for(4).await;
    let mut to: Vec<&str> = mails[2..].iter().map(|m| m.to[0].as_str()).collect();
    to.sort();
    assert_eq!(to, ["bob@acme.test", "carl@acme.test"]);
    let bobs = mails[2..]
        .iter()
        .find(|m| m.to[0] == "bob@acme.test")
        .unwrap();
    tenant
        .browser()
        .set_password(&link_in(bobs), "bob's password 1")
        .await;
    let bob_login = Login::new("bob@acme.test", "bob's password 1");
    assert_eq!(
        tenant.browser().sign_in_portal(&bob_login).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, person) = admin.get_text(&format!("/console/users/{bob}")).await;
    assert!(person.contains("Accepted"), "{person}");

    // Someone who has a password gets no invitation; a reset link instead, which the admin never sees.
    let response = admin
        .submit_form(
            &format!("/console/users/{bob}"),
            &format!("/console/users/{bob}/invitation"),
            &[],
        )
        .await;
    let (_, page) = admin.get_text(&location(&response)).await;
    assert!(page.contains("has chosen a password already"), "{page}");
    no_more_mail_than(&smtp, 4).await;
    let response = admin
        .submit_form(
            &format!("/console/users/{bob}"),
            &format!("/console/users/{bob}/recovery"),
            &[],
        )
        .await;
    let (_, page) = admin.get_text(&location(&response)).await;
    assert!(
        page.contains("password reset link was sent") && !page.contains("set-password?token="),
        "{page}"
    );
    let reset = nth_mail(&smtp, 5).await;
    assert_eq!(reset.to, ["bob@acme.test"]);
    tenant
        .browser()
        .set_password(&link_in(&reset), "bob's password 2")
        .await;

    // Every invitation and reset is in the audit log.
    let (_, audit) = admin.get_text("/console/access/audit").await;
    assert!(
        audit.contains("user.invite") && audit.contains("user.recovery_link"),
        "{audit}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_go_by_mail_and_each_new_one_ends_the_last_sqlite() {
    invitations_go_by_mail_and_each_new_one_ends_the_last(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_go_by_mail_and_each_new_one_ends_the_last_postgres() {
    invitations_go_by_mail_and_each_new_one_ends_the_last(Backend::Postgres).await;
}

async fn api_user(admin: &Browser, login: &str) -> String {
    let response = admin
        .post_json(
            "/api/v1/users",
            &json!({ "login": login, "full_name": login, "kind": "external" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["user"]["id"].as_str().unwrap().to_owned()
}

on_both_databases! {
    async fn the_api_invites_resets_and_sets_link_lifetimes(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let dan = api_user(&admin, "dan@acme.test").await;

        // Link lifetimes: read, changed, refused out of range (and nothing changes).
        let settings: Value = admin.get("/api/v1/settings/security").await.json().await.unwrap();
        assert_eq!((settings["invitation_valid_days"].as_u64(), settings["recovery_valid_minutes"].as_u64()), (Some(7), Some(60)));
        let bad = json!({ "revoke_api_tokens_on_password_change": true, "invitation_valid_days": 0, "recovery_valid_minutes": 5 });
        let response = admin.put_json("/api/v1/settings/security", &bad).await;
        assert_eq!(error_code(response).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let unchanged: Value = admin.get("/api/v1/settings/security").await.json().await.unwrap();
        assert_eq!(unchanged, settings);
        let good = json!({ "revoke_api_tokens_on_password_change": true, "invitation_valid_days": 2, "recovery_valid_minutes": 30 });
        assert_eq!(admin.put_json("/api/v1/settings/security", &good).await.status(), StatusCode::OK);
        let settings: Value = admin.get("/api/v1/settings/security").await.json().await.unwrap();
        assert_eq!(settings, good);

        // Invitations: refused ids are refused as unknown and send nothing; an empty list is named.
        let response = admin.post_json("/api/v1/users/invitations", &json!({ "users": [] })).await;
        assert_eq!(error_code(response).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let response = admin.post_json("/api/v1/users/invitations", &json!({ "users": [dan, "not-an-id"] })).await;
        assert_eq!(error_code(response).await.0, StatusCode::NOT_FOUND);
        let response = admin.post_json("/api/v1/users/invitations", &json!({ "users": [dan] })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["sent"], json!([dan]));
        let user: Value = admin.get(&format!("/api/v1/users/{dan}")).await.json().await.unwrap();
        assert!(user["invited_at"].is_string() && user["invitation_accepted_at"].is_null(), "{user}");

        // A reset link is for someone who has a password.
        let response = admin.post_json(&format!("/api/v1/users/{dan}/recovery"), &json!({})).await;
        assert_eq!(error_code(response).await.0, StatusCode::CONFLICT);

        // Portal users may do none of this; the public request answers the same for anyone.
        let (_, eve) = tenant.create_user(&admin, "eve@acme.test", "external", "eve's password 1").await;
        let eve_browser = tenant.browser();
        eve_browser.sign_in_api(&eve).await;
        for response in [
            eve_browser.post_json("/api/v1/users/invitations", &json!({ "users": [dan] })).await,
            eve_browser.get("/api/v1/settings/security").await,
        ] {
            assert!(matches!(response.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", response.status());
        }
        let anonymous = tenant.browser();
        let known = anonymous.post_json("/api/v1/auth/recovery", &json!({ "login": "eve@acme.test" })).await;
        let unknown = anonymous.post_json("/api/v1/auth/recovery", &json!({ "login": "zed@acme.test" })).await;
        assert_eq!((known.status(), unknown.status()), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
        assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
        let response = anonymous.post_json("/api/v1/auth/recovery", &json!({ "login": 7 })).await;
        assert_eq!(error_code(response).await.0, StatusCode::BAD_REQUEST);
        let response = anonymous.post_json("/api/v1/auth/recovery", &json!({ "login": "not an address" })).await;
        assert_eq!(error_code(response).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
