//! Single sign-on with OpenID Connect against a real provider (`oidc-provider` from npm, started
//! by the test on 127.0.0.1): employees and portal users sign in through the tenant's providers,
//! new portal users are created when the provider may, forged and replayed answers are refused,
//! passwords can be switched off (administrators keep theirs), and an organization connects its
//! own provider for its verified domain, which signs in that organization's people only.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Backend, Browser, Options, TestApp, TestTenant, error_code, location};

const OIDC_PROVIDER_VERSION: &str = "9.13.3";
const CLIENT_ID: &str = "portico-test";
const CLIENT_SECRET: &str = "a client secret of the test provider";

/// The node_modules that hold `oidc-provider`: `PORTICO_OIDC_PROVIDER`, or the test tools'
/// cache (installed there with npm if missing).
fn provider_modules() -> PathBuf {
    if let Ok(dir) = std::env::var("PORTICO_OIDC_PROVIDER") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var("PORTICO_TEST_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/portico-test-tools")
        });
    let modules = cache.join("oidc/node_modules");
    if !modules.join("oidc-provider/package.json").exists() {
        let installed = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "-s", "--prefix"])
            .arg(cache.join("oidc"))
            .arg(format!("oidc-provider@{OIDC_PROVIDER_VERSION}"))
            .status()
            .expect("npm runs (install Node.js)");
        assert!(installed.success(), "npm could not install oidc-provider");
    }
    modules
}

/// A running OpenID provider (tests/support/oidc_provider.mjs) with one client and its accounts.
pub struct Provider {
    pub issuer: String,
    child: Child,
    /// Kept open: the provider may write more, and a closed pipe would stop it.
    _output: BufReader<std::process::ChildStdout>,
    control: Browser,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    /// Starts the provider for a client whose redirect URIs are the callbacks of `origins`. A
    /// strict provider puts the e-mail in the userinfo answer only; otherwise in the ID token.
    pub fn start(origins: &[&str], accounts: Value, strict: bool) -> Self {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/support/oidc_provider.mjs");
        let redirect_uris: Vec<String> = origins
            .iter()
            .map(|o| format!("{o}/sso/callback"))
            .collect();
        let client = json!({ "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris });
        let mut child = Command::new("node")
            .arg(script)
            .env("OIDC_PROVIDER_MODULES", provider_modules())
            .env("OIDC_CLIENT", client.to_string())
            .env("OIDC_ACCOUNTS", accounts.to_string())
            .env("OIDC_EMAIL_IN_ID_TOKEN", if strict { "" } else { "1" })
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs (install Node.js)");
        let mut line = String::new();
        let mut output = BufReader::new(child.stdout.take().unwrap());
        output.read_line(&mut line).unwrap();
        let started: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("the provider did not start: {line:?}"));
        let issuer = started["issuer"].as_str().unwrap().to_owned();
        Self {
            control: Browser::stateless(&issuer),
            issuer,
            child,
            _output: output,
        }
    }

    /// Chooses who signs in at the provider's next login.
    pub async fn next_login(&self, sub: &str) {
        let response = self
            .control
            .post_json("/test/login", &json!({ "sub": sub }))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }

    /// Makes the next token answer carry a forged ID token (see the script for the modes).
    async fn tamper(&self, mode: &str) {
        let response = self
            .control
            .post_json("/test/tamper", &json!({ "mode": mode }))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }

    /// The provider's fields for Portico's API.
    pub fn registration(&self, name: &str, audience: &str) -> Value {
        json!({ "name": name, "audience": audience, "issuer": self.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET })
    }
}

/// Follows the provider's redirects (its login and consent, played by the script) until it
/// sends the browser back to `browser`'s origin; that address.
async fn through_provider(browser: &Browser, start: reqwest::Response) -> String {
    assert_eq!(
        start.status(),
        StatusCode::SEE_OTHER,
        "{}",
        start.text().await.unwrap()
    );
    let mut next = location(&start);
    for _ in 0..12 {
        if next.starts_with(&browser.origin) {
            return next;
        }
        let response = browser.get(&next).await;
        assert!(
            response.status().is_redirection(),
            "{next}: {}",
            response.status()
        );
        let to = location(&response);
        next = if to.starts_with('/') {
            let url = reqwest::Url::parse(&next).unwrap();
            format!(
                "{}://{}{to}",
                url.scheme(),
                url.host_str().unwrap().to_owned()
                    + &url.port().map(|p| format!(":{p}")).unwrap_or_default()
            )
        } else {
            to
        };
    }
    panic!("the provider never sent the browser back");
}

/// Starts a sign-in with `provider_id` from the login page (`console`: the console's), goes
/// through the provider; the callback's address.
async fn to_callback(browser: &Browser, provider_id: &str, console: bool) -> String {
    let link = format!(
        "/sso/{provider_id}{}",
        if console { "?console=true" } else { "" }
    );
    let start = browser.get(&link).await;
    through_provider(browser, start).await
}

/// Signs in as `sub` through the provider; the callback's answer.
async fn sso_sign_in(
    browser: &Browser,
    provider: &Provider,
    provider_id: &str,
    sub: &str,
) -> reqwest::Response {
    provider.next_login(sub).await;
    let callback = to_callback(browser, provider_id, false).await;
    browser.get(&callback).await
}

/// The actions in the tenant's audit log, newest first.
async fn audit_actions(admin: &Browser) -> Vec<String> {
    crate::harness::audit_log(admin).await["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect()
}

/// Who the browser is signed in as, if anyone.
async fn me(browser: &Browser) -> Option<String> {
    let response = browser.get("/api/v1/me").await;
    if response.status() != StatusCode::OK {
        return None;
    }
    let body: Value = response.json().await.unwrap();
    body["login"].as_str().map(str::to_owned)
}

async fn refused_with(response: reqwest::Response, status: StatusCode, words: &str) {
    let got = response.status();
    let page = response
        .text()
        .await
        .unwrap()
        .replace("&#x2f;", "/")
        .replace("&#39;", "'");
    assert_eq!(got, status, "{page}");
    assert!(
        page.contains(words),
        "expected {words:?} in the page: {page}"
    );
}

pub(crate) async fn spawn(backend: Backend) -> TestApp {
    let key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    TestApp::spawn_with(
        backend,
        Options {
            settings: vec![("PORTICO_SECRETS_KEY", key.to_owned())],
            ..Options::default()
        },
    )
    .await
}

const ACCOUNTS: fn() -> Value = || {
    json!({
        "ann": { "email": "ann@client.test", "email_verified": true, "name": "Ann Client" },
        "eve": { "email": "eve@acme.test", "email_verified": true, "name": "Eve Employee" },
        "newbie": { "email": "Newbie@Client.test", "email_verified": true, "name": "Nina Newbie" },
        "unverified": { "email": "uv@client.test", "email_verified": false, "name": "Una" },
        "bob": { "email": "bob@partner.test", "email_verified": true, "name": "Bob Partner" },
        "mallory": { "email": "admin@acme.test", "email_verified": true, "name": "Not the admin" },
    })
};

async fn created(admin: &Browser, body: &Value) -> Value {
    let response = admin.post_json("/api/v1/sso/providers", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn people_sign_in_through_the_tenants_providers(backend: Backend) {
    let app = spawn(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    let (_, ann) = tenant
        .create_user(&admin, "ann@client.test", "external", "ann's password 1")
        .await;
    let (_, eve) = tenant
        .create_user(&admin, "eve@acme.test", "employee", "eve's password 1")
        .await;
    let provider = Provider::start(&[&tenant.origin], ACCOUNTS(), true);

    // Registering: the secret is needed, the issuer must answer as a provider; bad input is
    // refused naming the field, and nothing is kept.
    let mut no_secret = provider.registration("Client ID", "portal");
    no_secret["client_secret"] = json!("");
    let (status, _) = error_code(admin.post_json("/api/v1/sso/providers", &no_secret).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut nowhere = provider.registration("Client ID", "portal");
    nowhere["issuer"] = json!("http://127.0.0.1:1");
    let response = admin.post_json("/api/v1/sso/providers", &nowhere).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["fields"]["issuer"][0]
            .as_str()
            .unwrap()
            .contains("did not answer"),
        "{body}"
    );
    let mut employees_made = provider.registration("Client ID", "console");
    employees_made["create_users"] = json!(true);
    let body: Value = admin
        .post_json("/api/v1/sso/providers", &employees_made)
        .await
        .json()
        .await
        .unwrap();
    assert!(body["error"]["fields"]["create_users"].is_array(), "{body}");
    let mut unknown = provider.registration("Client ID", "portal");
    unknown["secret"] = json!("x");
    assert_eq!(
        admin
            .post_json("/api/v1/sso/providers", &unknown)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    let listed: Value = admin
        .get("/api/v1/sso/providers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));

    let portal = created(&admin, &provider.registration("Client ID", "portal")).await;
    let portal_id = portal["id"].as_str().unwrap().to_owned();
    assert_eq!(
        portal["redirect_uri"],
        json!(format!("{}/sso/callback", tenant.origin))
    );
    assert!(portal.get("client_secret").is_none() && !portal.to_string().contains(CLIENT_SECRET));
    let acme = portico::tenancy::find(&app.app, &portico_tenants::Slug::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut tx = app
        .app
        .db
        .begin(acme.id, portico::store::Access::Read)
        .await
        .unwrap();
    let stored: String =
        sqlx::query_scalar("/* probe */ SELECT client_secret_sealed FROM identity_providers")
            .fetch_one(tx.conn())
            .await
            .unwrap();
    drop(tx);
    assert!(
        !stored.contains("client secret") && stored.len() > 40,
        "sealed at rest: {stored}"
    );

    // The portal's login page offers it; a customer signs in through it.
    let (_, page) = tenant.browser().get_text("/login").await;
    assert!(
        page.contains("Sign in with Client ID")
            && page.contains(&format!("href=\"/sso/{portal_id}\""))
            && page.contains("name=\"password\""),
        "{page}"
    );
    let browser = tenant.browser();
    let response = sso_sign_in(&browser, &provider, &portal_id, "ann").await;
    assert_eq!(
        (response.status(), location(&response)),
        (StatusCode::SEE_OTHER, "/".to_owned())
    );
    assert_eq!(me(&browser).await.as_deref(), Some("ann@client.test"));

    // A verified address without a user is refused until the provider may create users, then
    // becomes a portal user in the chosen organization (audited).
    let browser = tenant.browser();
    let response = sso_sign_in(&browser, &provider, &portal_id, "newbie").await;
    refused_with(
        response,
        StatusCode::FORBIDDEN,
        "There is no account for newbie@client.test",
    )
    .await;
    assert_eq!(me(&browser).await, None);
    let account = crate::organizations::account(&admin, "Client Co").await;
    let org = crate::organizations::organization(&admin, &account).await;
    let mut creating = provider.registration("Client ID", "portal");
    creating["create_users"] = json!(true);
    creating["create_users_in"] = json!(org);
    creating["client_secret"] = Value::Null;
    let response = admin
        .put_json(&format!("/api/v1/sso/providers/{portal_id}"), &creating)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = sso_sign_in(&browser, &provider, &portal_id, "newbie").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&browser).await.as_deref(), Some("newbie@client.test"));
    let users: Value = admin
        .get("/api/v1/users?q=newbie")
        .await
        .json()
        .await
        .unwrap();
    let newbie = &users["data"][0];
    assert_eq!(
        (newbie["full_name"].clone(), newbie["organization"].clone()),
        (json!("Nina Newbie"), json!(org)),
        "{users}"
    );
    let actions = audit_actions(&admin).await;
    for action in [
        "user.sso_create",
        "sso.provider_create",
        "sso.provider_update",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }

    // A portal provider never signs in an employee, even one it vouches for.
    let browser = tenant.browser();
    refused_with(
        sso_sign_in(&browser, &provider, &portal_id, "eve").await,
        StatusCode::FORBIDDEN,
        "cannot sign in here",
    )
    .await;
    refused_with(
        sso_sign_in(&browser, &provider, &portal_id, "mallory").await,
        StatusCode::FORBIDDEN,
        "cannot sign in here",
    )
    .await;
    assert_eq!(me(&browser).await, None);

    // Forged answers: each refused, nobody signed in.
    for (mode, words) in [
        ("iss", "comes from another provider"),
        ("aud", "meant for another application"),
        ("exp", "has expired"),
        ("nonce", "answers another sign-in"),
        ("key", "not signed as it should be"),
        ("none", "not signed as it should be"),
    ] {
        provider.tamper(mode).await;
        let browser = tenant.browser();
        let response = sso_sign_in(&browser, &provider, &portal_id, "ann").await;
        refused_with(response, StatusCode::UNAUTHORIZED, words).await;
        assert_eq!(me(&browser).await, None, "{mode}");
    }

    // An address the provider has not verified signs nobody in.
    let browser = tenant.browser();
    let response = sso_sign_in(&browser, &provider, &portal_id, "unverified").await;
    refused_with(
        response,
        StatusCode::UNAUTHORIZED,
        "did not confirm an e-mail address",
    )
    .await;
    assert_eq!(me(&browser).await, None);

    // A wrong state, a callback without the browser's cookie, a replayed callback, and a code
    // replayed under a fresh state are refused.
    let browser = tenant.browser();
    provider.next_login("ann").await;
    let callback = to_callback(&browser, &portal_id, false).await;
    let forged_state = callback.replace("state=", "state=x");
    refused_with(
        browser.get(&forged_state).await,
        StatusCode::UNAUTHORIZED,
        "expired or was already used",
    )
    .await;
    provider.next_login("ann").await;
    let callback = to_callback(&browser, &portal_id, false).await;
    refused_with(
        tenant.browser().get(&callback).await,
        StatusCode::UNAUTHORIZED,
        "expired or was already used",
    )
    .await;
    let used = browser.get(&callback).await;
    assert_eq!(used.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&browser).await.as_deref(), Some("ann@client.test"));
    let again = tenant.browser();
    refused_with(
        again.get(&callback).await,
        StatusCode::UNAUTHORIZED,
        "expired or was already used",
    )
    .await;
    let code = reqwest::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    provider.next_login("ann").await;
    let fresh = to_callback(&again, &portal_id, false).await;
    let fresh_code = reqwest::Url::parse(&fresh)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    refused_with(
        again.get(&fresh.replace(&fresh_code, &code)).await,
        StatusCode::UNAUTHORIZED,
        "refused the sign-in",
    )
    .await;
    assert_eq!(me(&again).await, None);

    // Employees sign in to the console through a provider of their own.
    let console = created(&admin, &provider.registration("Staff ID", "console")).await;
    let console_id = console["id"].as_str().unwrap().to_owned();
    let (_, page) = tenant.browser().get_text("/console/login").await;
    assert!(
        page.contains("Sign in with Staff ID")
            && page.contains(&format!("href=\"/sso/{console_id}?console=true\""))
            && !page.contains("Sign in with Client ID"),
        "{page}"
    );
    let browser = tenant.browser();
    provider.next_login("eve").await;
    let callback = to_callback(&browser, &console_id, true).await;
    let response = browser.get(&callback).await;
    assert_eq!(
        (response.status(), location(&response)),
        (StatusCode::SEE_OTHER, "/console".to_owned())
    );
    assert_eq!(browser.get("/console").await.status(), StatusCode::OK);
    // Not a customer, through the employees' provider.
    refused_with(
        sso_sign_in(&tenant.browser(), &provider, &console_id, "ann").await,
        StatusCode::FORBIDDEN,
        "cannot sign in here",
    )
    .await;

    // Passwords off: customers and employees sign in only through the providers; the
    // administrator (who manages employees) keeps the password as the way back in.
    let settings = json!({ "portal_passwords": false, "console_passwords": false, "organization_providers": false });
    assert_eq!(
        admin
            .put_json("/api/v1/settings/sso", &settings)
            .await
            .status(),
        StatusCode::OK
    );
    refused_with(
        tenant.browser().sign_in_portal(&ann).await,
        StatusCode::FORBIDDEN,
        "switched off",
    )
    .await;
    let response = tenant
        .browser()
        .submit_form(
            "/console/login",
            "/console/login",
            &[("login", &eve.login), ("password", &eve.password)],
        )
        .await;
    refused_with(response, StatusCode::FORBIDDEN, "switched off").await;
    let (_, page) = tenant.browser().get_text("/console/login").await;
    assert!(
        !page.contains("name=\"password\"") && page.contains("/console/login?password=1"),
        "{page}"
    );
    let (_, page) = tenant.browser().get_text("/console/login?password=1").await;
    assert!(page.contains("name=\"password\""));
    tenant.browser().sign_in_console(&tenant.admin).await;
    // Someone invited now is sent to sign in, not asked for a password they could not use.
    let invited = admin
        .post_json(
            "/api/v1/users",
            &json!({ "login": "ida@client.test", "full_name": "Ida", "kind": "external" }),
        )
        .await;
    assert_eq!(invited.status(), StatusCode::CREATED);
    let link = invited.json::<Value>().await.unwrap()["setup_link"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, page) = tenant.browser().get_text(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("no password to choose") && !page.contains("name=\"new_password\""),
        "{page}"
    );
    // The last provider of an audience whose passwords are off stays.
    let (status, _) = error_code(
        admin
            .delete(&format!("/api/v1/sso/providers/{console_id}"))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut off = provider.registration("Client ID", "portal");
    off["enabled"] = json!(false);
    off["client_secret"] = Value::Null;
    let (status, _) = error_code(
        admin
            .put_json(&format!("/api/v1/sso/providers/{portal_id}"), &off)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Nobody else reaches the providers: a customer, an employee, another tenant.
    let browser = tenant.browser();
    sso_sign_in(&browser, &provider, &portal_id, "ann").await;
    assert_eq!(
        error_code(browser.get("/api/v1/sso/providers").await)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        browser.get("/console/sso").await.status(),
        StatusCode::FORBIDDEN
    );
    let other = app.tenant("globex").await.admin_browser().await;
    assert_eq!(
        error_code(
            other
                .get(&format!("/api/v1/sso/providers/{portal_id}"))
                .await
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        error_code(
            other
                .delete(&format!("/api/v1/sso/providers/{portal_id}"))
                .await
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    for path in [
        "/sso/0193a1b2-0000-7000-8000-000000000000",
        "/sso/not-an-id",
    ] {
        assert_eq!(
            tenant.browser().get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let hint = tenant
        .browser()
        .get(&format!("/sso/{portal_id}?login_hint=%00"))
        .await;
    assert_eq!(
        hint.status(),
        StatusCode::BAD_REQUEST,
        "a control character in the hint"
    );
    assert_eq!(
        admin
            .get("/api/v1/sso/providers")
            .await
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_sign_in_through_the_tenants_providers_on_sqlite() {
    people_sign_in_through_the_tenants_providers(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_sign_in_through_the_tenants_providers_on_postgres() {
    people_sign_in_through_the_tenants_providers(Backend::Postgres).await;
}

/// Makes `login` (a new member of `org`) its administrator; their browser, signed in.
async fn organization_admin(
    tenant: &TestTenant,
    admin: &Browser,
    org: &str,
    login: &str,
) -> Browser {
    let (id, who) = crate::organizations::add_members(tenant, admin, org, login, &[])
        .await
        .remove(0);
    let response = admin
        .patch_json(
            &format!("/api/v1/organizations/{org}/members/{id}"),
            &json!({ "admin": true }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    crate::organizations::signed_in(tenant, &who).await
}

async fn an_organization_connects_its_own_provider(backend: Backend) {
    let app = spawn(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    let partner = crate::organizations::organization(
        &admin,
        &crate::organizations::account(&admin, "Partner Inc").await,
    )
    .await;
    let client = crate::organizations::organization(
        &admin,
        &crate::organizations::account(&admin, "Client Co").await,
    )
    .await;
    let domain = admin
        .put_json(
            &format!("/api/v1/organizations/{partner}/registration-domain"),
            &json!({ "domain": "partner.test" }),
        )
        .await;
    assert_eq!(domain.status(), StatusCode::OK);
    let pat = organization_admin(&tenant, &admin, &partner, "pat@partner.test").await;
    let carl = organization_admin(&tenant, &admin, &client, "carl@client.test").await;
    // Someone at partner.test in another organization: the partner's provider must not take them.
    crate::organizations::add_members(&tenant, &admin, &client, "outsider@partner.test", &[]).await;
    let provider = Provider::start(
        &[&tenant.origin],
        json!({
            "bob": { "email": "bob@partner.test", "email_verified": true, "name": "Bob Partner" },
            "pat": { "email": "pat@partner.test", "email_verified": true, "name": "Pat" },
            "outsider": { "email": "outsider@partner.test", "email_verified": true, "name": "Out" },
            "eve": { "email": "eve@acme.test", "email_verified": true, "name": "Eve" },
        }),
        false,
    );
    let mut connection = provider.registration("Partner login", "portal");
    connection.as_object_mut().unwrap().remove("audience");
    connection["create_users"] = json!(true);
    let path = format!("/api/v1/organizations/{partner}/sso");

    // Not while the tenant does not allow it; never for another organization.
    let (status, _) = error_code(pat.put_json(&path, &connection).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let settings = json!({ "portal_passwords": true, "console_passwords": true, "organization_providers": true });
    assert_eq!(
        admin
            .put_json("/api/v1/settings/sso", &settings)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        error_code(carl.put_json(&path, &connection).await).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = error_code(
        carl.put_json(&format!("/api/v1/organizations/{client}/sso"), &connection)
            .await,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "Client Co has no verified domain"
    );
    let shown: Value = pat.get(&path).await.json().await.unwrap();
    assert_eq!(
        (
            shown["allowed"].clone(),
            shown["email_domain"].clone(),
            shown["provider"].clone()
        ),
        (json!(true), json!("partner.test"), Value::Null)
    );

    let response = pat.put_json(&path, &connection).await;
    assert_eq!(response.status(), StatusCode::OK);
    let connected: Value = response.json().await.unwrap();
    assert_eq!(
        (
            connected["organization"].clone(),
            connected["email_domain"].clone()
        ),
        (json!(partner), json!("partner.test"))
    );
    let provider_id = connected["id"].as_str().unwrap().to_owned();
    // The organization's page shows it to its administrator.
    let (_, page) = pat.get_text("/organization").await;
    assert!(
        page.contains("Partner login") && page.contains("/sso/callback"),
        "{page}"
    );

    // Someone at the domain types their address on the login page and is sent to the provider
    // (with the address as a hint); new people it vouches for join the organization.
    let browser = tenant.browser();
    let sent = browser
        .submit_form(
            "/login",
            "/login",
            &[("login", "bob@partner.test"), ("password", "")],
        )
        .await;
    assert_eq!(sent.status(), StatusCode::OK);
    let page = sent.text().await.unwrap().replace("&#x2f;", "/");
    let link = format!("/sso/{provider_id}?login_hint=bob%40partner.test");
    assert!(
        page.contains("Continue to Partner login")
            && page.contains(&format!("data-follow href=\"{link}\"")),
        "{page}"
    );
    let callback = through_provider(&browser, browser.get(&link).await).await;
    let response = browser.get(&callback).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(me(&browser).await.as_deref(), Some("bob@partner.test"));
    let users: Value = admin
        .get("/api/v1/users?q=bob@partner.test")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users["data"][0]["organization"], json!(partner), "{users}");

    // Its people sign in only through it, not with a password.
    let pat_login = crate::harness::Login::new("pat@partner.test", "pat@partner.test password");
    refused_with(
        tenant
            .browser()
            .submit_form(
                "/console/login",
                "/console/login",
                &[
                    ("login", &pat_login.login),
                    ("password", &pat_login.password),
                ],
            )
            .await,
        StatusCode::FORBIDDEN,
        "",
    )
    .await;
    let (status, _) = error_code(tenant.browser().sign_in_api(&pat_login).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // It never signs in anyone outside the organization or the domain.
    for sub in ["outsider", "eve"] {
        provider.next_login(sub).await;
        let browser = tenant.browser();
        let callback = to_callback(&browser, &provider_id, false).await;
        refused_with(
            browser.get(&callback).await,
            StatusCode::FORBIDDEN,
            "cannot sign in here",
        )
        .await;
        assert_eq!(me(&browser).await, None, "{sub}");
    }

    // Staff give the domain to nobody: the provider serves nobody until it is the
    // organization's again.
    let domain_path = format!("/api/v1/organizations/{partner}/registration-domain");
    assert_eq!(
        admin
            .put_json(&domain_path, &json!({ "domain": "" }))
            .await
            .status(),
        StatusCode::OK
    );
    let browser = tenant.browser();
    assert_eq!(
        browser.get(&format!("/sso/{provider_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let response = browser
        .submit_form(
            "/login",
            "/login",
            &[("login", "bob@partner.test"), ("password", "")],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::UNAUTHORIZED,
        "no longer sent to the provider"
    );
    assert_eq!(
        admin
            .put_json(&domain_path, &json!({ "domain": "partner.test" }))
            .await
            .status(),
        StatusCode::OK
    );

    // The tenant switches it off: the login page asks for passwords again, and the
    // organization's administrator cannot switch it back on.
    let mut off = connection.clone();
    off["enabled"] = json!(false);
    off["client_secret"] = Value::Null;
    let response = admin
        .put_json(&format!("/api/v1/sso/providers/{provider_id}"), &off)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = tenant
        .browser()
        .submit_form(
            "/login",
            "/login",
            &[("login", "bob@partner.test"), ("password", "wrong")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    connection["client_secret"] = Value::Null;
    let again: Value = pat.put_json(&path, &connection).await.json().await.unwrap();
    assert_eq!(again["enabled"], json!(false));
    assert_eq!(
        tenant
            .browser()
            .get(&format!("/sso/{provider_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // The organization removes it; the tenant's audit shows every change.
    assert_eq!(pat.delete(&path).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        pat.get(&path).await.json::<Value>().await.unwrap()["provider"],
        Value::Null
    );
    let actions = audit_actions(&admin).await;
    for action in [
        "sso.settings",
        "sso.provider_create",
        "sso.provider_update",
        "sso.provider_delete",
        "user.sso_create",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_connects_its_own_provider_on_sqlite() {
    an_organization_connects_its_own_provider(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organization_connects_its_own_provider_on_postgres() {
    an_organization_connects_its_own_provider(Backend::Postgres).await;
}
