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

pub(crate) async fn with_smtp(backend: Backend) -> (SmtpServer, TestApp) {
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
        let bad = json!({ "revoke_api_tokens_on_password_change": true, "invitation_valid_days": 0, "recovery_valid_minutes": 5, "self_registration": false });
        let response = admin.put_json("/api/v1/settings/security", &bad).await;
        assert_eq!(error_code(response).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let unchanged: Value = admin.get("/api/v1/settings/security").await.json().await.unwrap();
        assert_eq!(unchanged, settings);
        let good = json!({ "revoke_api_tokens_on_password_change": true, "invitation_valid_days": 2, "recovery_valid_minutes": 30, "self_registration": true });
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

async fn allow_registration(admin: &Browser, on: bool) {
    let mut settings: Value = admin
        .get("/api/v1/settings/security")
        .await
        .json()
        .await
        .unwrap();
    settings["self_registration"] = json!(on);
    let response = admin.put_json("/api/v1/settings/security", &settings).await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn register(browser: &Browser, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = browser.submit_form("/register", "/register", fields).await;
    (response.status(), response.text().await.unwrap())
}

fn application<'a>(name: &'a str, login: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("full_name", name),
        ("login", login),
        ("password", password),
        ("confirm_password", password),
        ("website", ""),
    ]
}

/// The confirmation link in a mail, as a path on the tenant's host.
fn confirmation_in(mail: &Received) -> String {
    let text = text(mail);
    let at = text
        .find("/register/confirm?token=")
        .expect("a confirmation link");
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/?=-_".contains(*c))
        .collect()
}

async fn people_register_and_confirm_by_mail(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    let (_, ann) = tenant
        .create_user(&admin, "ann@acme.test", "external", "ann's password 1")
        .await;

    // Off by default: no link, and the pages do not exist.
    let browser = tenant.browser();
    let (_, login) = browser.get_text("/login").await;
    assert!(!login.contains("href=\"/register\""));
    assert_eq!(
        browser.get("/register").await.status(),
        StatusCode::NOT_FOUND
    );
    let response = browser
        .post_json(
            "/api/v1/auth/register",
            &json!({ "full_name": "Zoe", "login": "zoe@x.test", "password": "zoe's password" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    allow_registration(&admin, true).await;
    let (_, login) = browser.get_text("/login").await;
    assert!(login.contains("href=\"/register\""), "{login}");

    // Every bad field is named at once, and what was typed stays.
    let (status, page) = register(
        &browser,
        &[
            ("full_name", " "),
            ("login", "zoe@nowhere"),
            ("password", "short"),
            ("confirm_password", "other"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["#full_name", "#login", "#password", "#confirm_password"] {
        assert!(
            page.contains(&format!("href=\"{field}\"")),
            "{field} missing from the summary: {page}"
        );
    }
    assert!(page.contains("value=\"zoe@nowhere\""));

    // A new address gets a confirmation link; the account does not exist before it is used.
    let (status, page) = register(
        &browser,
        &application("Zoe Quinn", "zoe@client.test", "zoe's password 1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("We have sent an e-mail"), "{page}");
    let mail = nth_mail(&smtp, 1).await;
    assert_eq!(mail.to, ["zoe@client.test"]);
    assert!(
        mail.subject().contains("Confirm your registration"),
        "{}",
        mail.subject()
    );
    let link = confirmation_in(&mail);
    let zoe = Login::new("zoe@client.test", "zoe's password 1");
    assert_eq!(
        tenant.browser().sign_in_portal(&zoe).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // An address with an account answers the same page; its owner is told, nothing else happens.
    let (status, taken) = register(
        &browser,
        &application("Mallory", "ann@acme.test", "mallory's password"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        taken.replace("ann@acme.test", "X"),
        page.replace("zoe@client.test", "X")
    );
    let told = nth_mail(&smtp, 2).await;
    assert_eq!(told.to, ["ann@acme.test"]);
    assert!(
        told.subject().contains("already have an account"),
        "{}",
        told.subject()
    );
    assert!(!text(&told).contains("/register/confirm"));
    assert_eq!(
        tenant.browser().sign_in_portal(&ann).await.status(),
        StatusCode::SEE_OTHER,
        "Ann's password is unchanged"
    );

    // The bot trap: the same page, and nothing is sent.
    let mut bot = application("Bot", "bot@spam.test", "bot's password 1");
    bot[4] = ("website", "http://spam.test");
    let (status, _) = register(&browser, &bot).await;
    assert_eq!(status, StatusCode::OK);
    no_more_mail_than(&smtp, 2).await;

    // The link opens a page that asks to confirm; a tampered or foreign link opens nothing.
    assert_eq!(
        browser.get(&format!("{link}x")).await.status(),
        StatusCode::GONE
    );
    let globex = app.tenant("globex").await;
    let globex_admin = globex.admin_browser().await;
    allow_registration(&globex_admin, true).await;
    assert_eq!(globex.browser().get(&link).await.status(), StatusCode::GONE);
    let (status, confirm) = browser.get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirm.contains("Zoe Quinn"), "{confirm}");
    assert_eq!(
        tenant.browser().sign_in_portal(&zoe).await.status(),
        StatusCode::UNAUTHORIZED,
        "opening confirms nothing"
    );
    let response = browser
        .submit_form(
            &link,
            "/register/confirm",
            &[("token", link.split("token=").nth(1).unwrap())],
        )
        .await;
    assert_eq!(
        (response.status(), location(&response).as_str()),
        (StatusCode::SEE_OTHER, "/login")
    );
    let (_, login) = browser.get_text("/login").await;
    assert!(login.contains("Your account is open"), "{login}");
    let zoe_browser = tenant.browser();
    assert_eq!(
        zoe_browser.sign_in_portal(&zoe).await.status(),
        StatusCode::SEE_OTHER
    );
    let me: Value = zoe_browser.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["kind"], "external", "{me}");
    assert_eq!(
        browser.get(&link).await.status(),
        StatusCode::GONE,
        "the link works once"
    );

    // She is in "All external users", with a Contact for her address; the registration is audited.
    let user = user_id(&admin, "zoe@client.test").await;
    let (_, person) = admin.get_text(&format!("/console/users/{user}")).await;
    assert!(person.contains("All external users"), "{person}");
    let contacts: Value = admin
        .get("/api/v1/objects/contact/records")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        contacts.to_string().contains("zoe@client.test"),
        "{contacts}"
    );
    let (_, audit) = admin.get_text("/console/access/audit").await;
    assert!(audit.contains("user.register"), "{audit}");

    // An unconfirmed registration expires (two days).
    register(
        &browser,
        &application("Yan", "yan@client.test", "yan's password 1"),
    )
    .await;
    let yan = confirmation_in(&nth_mail(&smtp, 3).await);
    app.clock.advance(Duration::hours(49));
    assert_eq!(browser.get(&yan).await.status(), StatusCode::GONE);

    // Registrations are throttled per address: a few in a row, then each must wait.
    let mut answers = Vec::new();
    for n in 0..7 {
        let login = format!("many{n}@client.test");
        answers.push(
            register(&browser, &application("Many", &login, "a password 123"))
                .await
                .0,
        );
    }
    assert_eq!(answers[..6], [StatusCode::OK; 6]);
    assert_eq!(answers[6], StatusCode::TOO_MANY_REQUESTS);

    // Switched off again, confirmation stops too.
    allow_registration(&admin, false).await;
    assert_eq!(
        browser.get("/register").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_register_and_confirm_by_mail_sqlite() {
    people_register_and_confirm_by_mail(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_register_and_confirm_by_mail_postgres() {
    people_register_and_confirm_by_mail(Backend::Postgres).await;
}

async fn registrants_of_an_organizations_domain_join_it(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    allow_registration(&admin, true).await;
    let mut orgs = Vec::new();
    for name in ["Client Corp", "Other Corp"] {
        let account: Value = admin
            .post_json(
                "/api/v1/objects/account/records",
                &json!({ "data": { "name": name } }),
            )
            .await
            .json()
            .await
            .unwrap();
        let org: Value = admin
            .post_json(
                "/api/v1/organizations",
                &json!({ "account": account["id"] }),
            )
            .await
            .json()
            .await
            .unwrap();
        orgs.push(org["id"].as_str().unwrap().to_owned());
    }
    let (client, other) = (&orgs[0], &orgs[1]);

    // Staff give Client Corp its domain (from the console); a malformed one, or one another
    // organization has, is refused.
    let page = format!("/console/access/organizations/{client}");
    let action = format!("{page}/registration-domain");
    let response = admin
        .submit_form(&page, &action, &[("domain", "not a domain")])
        .await;
    let (_, shown) = admin.get_text(&location(&response)).await;
    assert!(shown.contains("must be a domain name"), "{shown}");
    let response = admin
        .submit_form(&page, &action, &[("domain", "@Client.test")])
        .await;
    let (_, shown) = admin.get_text(&location(&response)).await;
    assert!(
        shown.contains("Registration domain saved") && shown.contains("value=\"client.test\""),
        "{shown}"
    );
    let response = admin
        .put_json(
            &format!("/api/v1/organizations/{other}/registration-domain"),
            &json!({ "domain": "client.test" }),
        )
        .await;
    assert_eq!(error_code(response).await.0, StatusCode::CONFLICT);

    // A portal user may not set it, not even for their own organization.
    let (_, eve) = tenant
        .create_user(&admin, "eve@acme.test", "external", "eve's password 1")
        .await;
    let eve_browser = tenant.browser();
    eve_browser.sign_in_api(&eve).await;
    let response = eve_browser
        .put_json(
            &format!("/api/v1/organizations/{client}/registration-domain"),
            &json!({ "domain": "evil.test" }),
        )
        .await;
    assert!(
        matches!(
            response.status(),
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        ),
        "{}",
        response.status()
    );

    // Zoe registers with a client.test address and lands in Client Corp; Yan, elsewhere, in none.
    let browser = tenant.browser();
    register(
        &browser,
        &application("Zoe Quinn", "zoe@client.test", "zoe's password 1"),
    )
    .await;
    register(
        &browser,
        &application("Yan Li", "yan@elsewhere.test", "yan's password 1"),
    )
    .await;
    for n in [1, 2] {
        let link = confirmation_in(&nth_mail(&smtp, n).await);
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let response = browser
            .submit_form(&link, "/register/confirm", &[("token", &token)])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let profile: Value = admin
        .get(&format!("/api/v1/organizations/{client}"))
        .await
        .json()
        .await
        .unwrap();
    let members: Vec<&str> = profile["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["login"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["zoe@client.test"], "{profile}");
    assert_eq!(profile["registration_domain"], "client.test");
    let other_profile: Value = admin
        .get(&format!("/api/v1/organizations/{other}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other_profile["members"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrants_of_an_organizations_domain_join_it_sqlite() {
    registrants_of_an_organizations_domain_join_it(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrants_of_an_organizations_domain_join_it_postgres() {
    registrants_of_an_organizations_domain_join_it(Backend::Postgres).await;
}

/// A registrant waits while the tenant has no license for them, and gets in with the same link
/// once it has.
async fn registration_takes_a_license(backend: Backend) {
    let (smtp, app) = with_smtp(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    allow_registration(&admin, true).await;
    let found = portico::tenancy::find(&app.app, &portico_tenants::Slug::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    let customer_only = [portico_tenants::Configuration::Customer];
    portico::sections::installed::set_configurations(&app.app, found.id, &customer_only)
        .await
        .unwrap();
    let none = portico_tenants::licenses::Purchased {
        customer: Some(0),
        ..Default::default()
    };
    portico::licenses::set_purchased(&app.app, &found, none)
        .await
        .unwrap();
    let browser = tenant.browser();
    let (status, _) = register(
        &browser,
        &application("Zoe Quinn", "zoe@client.test", "zoe's password 1"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let link = confirmation_in(&nth_mail(&smtp, 1).await);
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let refused = browser
        .submit_form(&link, "/register/confirm", &[("token", &token)])
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("cannot open new accounts at the moment"),
        "{page}"
    );
    let zoe = Login::new("zoe@client.test", "zoe's password 1");
    assert_ne!(
        tenant.browser().sign_in_portal(&zoe).await.status(),
        StatusCode::SEE_OTHER
    );
    let one = portico_tenants::licenses::Purchased {
        customer: Some(1),
        ..Default::default()
    };
    portico::licenses::set_purchased(&app.app, &found, one)
        .await
        .unwrap();
    let confirmed = browser
        .submit_form(&link, "/register/confirm", &[("token", &token)])
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        tenant.browser().sign_in_portal(&zoe).await.status(),
        StatusCode::SEE_OTHER
    );
    let holders: Value = admin
        .get("/api/v1/licenses/customer/users")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(holders["data"][0]["login"], "zoe@client.test", "{holders}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_takes_a_license_sqlite() {
    registration_takes_a_license(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_takes_a_license_postgres() {
    registration_takes_a_license(Backend::Postgres).await;
}
