//! What the server does with requests meant to confuse or exhaust it: ambiguous hosts, control
//! characters in text and addresses, the headers every answer carries, and a database that
//! goes away and comes back.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use portico::store::Access;

use crate::harness::{
    Backend, Browser, Options, TestApp, TestTenant, error_code, on_both_databases,
};

/// Sends `request` as written on a new connection; answers the status code and the whole answer.
async fn raw(app: &TestApp, request: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server answers and closes")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    (crate::harness::status_in(&answer), answer)
}

on_both_databases! {
    async fn a_request_naming_two_hosts_is_refused(app: TestApp) {
        app.tenant("acme").await;
        app.tenant("globex").await;
        let port = app.addr.port();
        let (status, _) = raw(&app, &format!(
            "GET /login HTTP/1.1\r\nHost: acme.localhost:{port}\r\nHost: globex.localhost:{port}\r\nConnection: close\r\n\r\n"
        )).await;
        assert_eq!(status, 400);
        let (status, _) = raw(&app, &format!(
            "GET http://globex.localhost:{port}/login HTTP/1.1\r\nHost: acme.localhost:{port}\r\nConnection: close\r\n\r\n"
        )).await;
        assert_eq!(status, 400, "an absolute target disagreeing with Host");
        let (status, answer) = raw(&app, &format!(
            "GET http://acme.localhost:{port}/login HTTP/1.1\r\nHost: acme.localhost:{port}\r\nConnection: close\r\n\r\n"
        )).await;
        assert_eq!(status, 200, "{answer}");
        assert!(answer.contains("acme Inc."));
    }
}

on_both_databases! {
    async fn every_answer_tells_browsers_how_to_treat_it(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let anonymous = tenant.browser().get("/login").await;
        let header = |response: &reqwest::Response, name: &str| {
            response.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
        };
        let policy = header(&anonymous, "content-security-policy");
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert_eq!(header(&anonymous, "x-content-type-options"), "nosniff");
        assert_eq!(header(&anonymous, "x-frame-options"), "DENY");
        assert_eq!(header(&anonymous, "referrer-policy"), "same-origin");
        assert_eq!(header(&anonymous, "strict-transport-security"), "", "no HSTS on a development domain");
        // No page may need inline script or style.
        let page = anonymous.text().await.unwrap();
        assert!(!page.contains("<script>") && !page.contains("style="), "{page}");

        let admin = tenant.admin_browser().await;
        for path in ["/console", "/console/users", "/api/v1/me", "/api/v1/objects/contact/records"] {
            let response = admin.get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        }
        let asset = admin.get("/static/portico-11.css").await;
        assert!(header(&asset, "cache-control").contains("immutable"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_a_development_domain_browsers_are_told_to_use_https_only() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            base_domain: Some("portico.test".into()),
            ..Options::default()
        },
    )
    .await;
    let response = Browser::stateless(&app.origin("nobody")).get("/").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(hsts.starts_with("max-age=31536000"), "{hsts}");
}

on_both_databases! {
    async fn control_characters_are_refused_at_the_edge_naming_the_field(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        // JSON: a 422 naming the field by pointer, and nothing created.
        let response = admin
            .post_json("/api/v1/objects/contact/records", &json!({ "data": { "full_name": "Ann\u{0}Lee" } }))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["fields"]["/data/full_name"].is_array(), "{body}");
        let list: Value = admin.get("/api/v1/objects/contact/records").await.json().await.unwrap();
        assert_eq!(list["data"], json!([]));
        let login = Browser::stateless(&tenant.origin)
            .post_json("/api/v1/auth/login", &json!({ "login": "admin@acme.test\u{0}", "password": "x" }))
            .await;
        assert_eq!(error_code(login).await, (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into()));

        // A form: the page names the field.
        let response = tenant.browser().submit_form("/login", "/login", &[("login", "ann\u{1b}@acme.test"), ("password", "x")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("login: must not contain control characters"));

        // Addresses: an id with a control character never reaches a query or a header.
        for path in ["/api/v1/objects/contact/records/%00", "/api/v1/files/a%0d%0aSet-Cookie:%20x", "/files/%00", "/cases/%1b"] {
            let response = admin.get(path).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
            assert!(response.headers().get("set-cookie").is_none(), "{path}");
        }
        let response = admin.get("/api/v1/objects/contact/records?filter=full_name:eq:%00").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);

        // Names: no characters that reverse the text.
        let response = admin
            .post_json("/api/v1/users", &json!({ "login": "eve@acme.test", "full_name": "Eve \u{202E}nimda", "kind": "employee" }))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["fields"]["full_name"][0].as_str().unwrap().contains("direction"), "{body}");
    }
}

/// With PostgreSQL gone, requests answer 503 with `Retry-After` at once instead of hanging, the
/// readiness check says so at once, and the server recovers by itself when it comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_at_once_and_recovers_without_a_restart() {
    let app = TestApp::spawn_with(
        Backend::Postgres,
        Options {
            cuttable_database: true,
            ..Options::default()
        },
    )
    .await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    assert_eq!(admin.get("/api/v1/me").await.status(), StatusCode::OK);
    let platform = Browser::stateless(&format!("http://{}", app.addr));
    assert_eq!(platform.get("/readyz").await.status(), StatusCode::OK);

    let link = app.database_link.as_ref().unwrap();
    link.cut();
    for (who, path) in [
        (&admin, "/api/v1/me"),
        (&admin, "/console"),
        (&platform, "/readyz"),
    ] {
        let started = Instant::now();
        let response = who.get(path).await;
        let waited = started.elapsed();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        if path != "/readyz" {
            assert_eq!(response.headers()["retry-after"], "1", "{path}");
        }
        // Well under the ten seconds a request used to hang.
        assert!(waited < Duration::from_secs(3), "{path} took {waited:?}");
    }
    let body: Value = admin.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable");

    link.restore().await;
    let mut answered = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..20 {
        answered = admin.get("/api/v1/me").await.status();
        if answered == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(answered, StatusCode::OK, "the server recovers by itself");
    assert_eq!(platform.get("/readyz").await.status(), StatusCode::OK);
}

/// A server with short timeouts and small connection bounds, to see them hold.
async fn bounded_server(settings: &[(&'static str, &str)]) -> TestApp {
    TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            settings: settings.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            ..Options::default()
        },
    )
    .await
}

/// A connection to the test server from the loopback address `from` (all of 127/8 is loopback).
async fn connect_from(app: &TestApp, from: [u8; 4]) -> tokio::net::TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(std::net::SocketAddr::from((from, 0))).unwrap();
    socket.connect(app.addr).await.unwrap()
}

/// What the server says on a connection within `wait`, until it closes it or the wait ends:
/// the text, and whether it closed.
async fn listen(stream: &mut tokio::net::TcpStream, wait: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buffer[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_trickle_headers_or_idle_are_cut_off_while_others_are_served() {
    let app = bounded_server(&[("PORTICO_HEADER_TIMEOUT_SECS", "1")]).await;
    let mut tricklers = Vec::new();
    for _ in 0..50 {
        let mut stream = connect_from(&app, [127, 0, 0, 2]).await;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\n")
            .await
            .unwrap();
        tricklers.push(stream);
    }
    // They send a header line now and then; meanwhile everyone else is served.
    let platform = Browser::stateless(&format!("http://{}", app.addr));
    for _ in 0..3 {
        for stream in &mut tricklers {
            let _ = stream.write_all(b"X-Slow: yes\r\n").await;
        }
        assert_eq!(platform.get("/healthz").await.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    for stream in &mut tricklers {
        let (said, closed) = listen(stream, Duration::from_secs(3)).await;
        assert!(closed, "a trickling connection stayed open: {said}");
    }
    // A keep-alive connection left idle is closed too.
    let mut idle = connect_from(&app, [127, 0, 0, 1]).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let (said, closed) = listen(&mut idle, Duration::from_secs(3)).await;
    assert!(said.starts_with("HTTP/1.1 200") && closed, "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_the_connection_bounds_a_client_is_told_to_come_back_later() {
    let app = bounded_server(&[
        ("PORTICO_MAX_CONNECTIONS", "10"),
        ("PORTICO_MAX_CONNECTIONS_PER_CLIENT", "4"),
    ])
    .await;
    // One client holds its four connections; a fifth from it is refused at once...
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect_from(&app, [127, 0, 0, 2]).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fifth = connect_from(&app, [127, 0, 0, 2]).await;
    let (said, closed) = listen(&mut fifth, Duration::from_secs(2)).await;
    assert!(
        said.starts_with("HTTP/1.1 503") && said.contains("Retry-After: 1") && closed,
        "{said}"
    );
    // ...while another client is served.
    let platform = Browser::stateless(&format!("http://{}", app.addr));
    assert_eq!(platform.get("/healthz").await.status(), StatusCode::OK);

    // Ten open in all: an eleventh is refused whoever asks.
    for _ in 0..6 {
        held.push(connect_from(&app, [127, 0, 0, 3 + held.len() as u8]).await);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut eleventh = connect_from(&app, [127, 0, 0, 100]).await;
    let (said, _) = listen(&mut eleventh, Duration::from_secs(2)).await;
    assert!(said.starts_with("HTTP/1.1 503"), "{said}");
    // Room again once some go.
    held.truncate(5);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let fresh = Browser::stateless(&format!("http://{}", app.addr));
    assert_eq!(fresh.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_is_refused() {
    let app = bounded_server(&[("PORTICO_BODY_TIMEOUT_SECS", "1")]).await;
    app.tenant("acme").await;
    let mut stream = connect_from(&app, [127, 0, 0, 1]).await;
    let port = app.addr.port();
    stream
        .write_all(format!("POST /api/v1/auth/login HTTP/1.1\r\nHost: acme.localhost:{port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"login\"").as_bytes())
        .await
        .unwrap();
    let (said, _) = listen(&mut stream, Duration::from_secs(5)).await;
    assert!(
        said.starts_with("HTTP/1.1 4"),
        "the request hung or failed: {said}"
    );
}

on_both_databases! {
    async fn a_form_that_will_be_refused_is_refused_before_its_files_are_read(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let (_, customer) = tenant.create_user(&admin, "carla@client.test", "external", "carla's password").await;
        let browser = tenant.browser();
        browser.sign_in_portal(&customer).await;
        let session = browser.cookie("portico_session").unwrap();
        let port = app.addr.port();
        let head = |length: u64| format!(
            "POST /cases/new HTTP/1.1\r\nHost: acme.localhost:{port}\r\nCookie: portico_session={session}\r\n\
             Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: {length}\r\n\r\n"
        );
        // Files before any token: refused on the first part, not after fifty megabytes.
        let mut stream = connect_from(&app, [127, 0, 0, 1]).await;
        stream.write_all(head(50 << 20).as_bytes()).await.unwrap();
        stream
            .write_all(b"--XX\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n")
            .await
            .unwrap();
        stream.write_all(&vec![b'a'; 256 << 10]).await.unwrap();
        let (said, _) = listen(&mut stream, Duration::from_secs(5)).await;
        assert!(said.starts_with("HTTP/1.1 403"), "{said}");
        // Declared larger than ten files may be: refused before a byte of it is read.
        let mut stream = connect_from(&app, [127, 0, 0, 1]).await;
        stream.write_all(head(200 << 20).as_bytes()).await.unwrap();
        let (said, _) = listen(&mut stream, Duration::from_secs(5)).await;
        assert!(said.starts_with("HTTP/1.1 413"), "{said}");
        let cases: Value = browser.get("/api/v1/objects/case/records").await.json().await.unwrap();
        assert_eq!(cases["data"], json!([]));
    }
}

/// A PostgreSQL server whose list statements may run for 1 ms, and its tenant `acme` with 50,000
/// accounts written straight into the database (reading them is what the bound is about).
pub(crate) async fn server_with_slow_lists() -> (TestApp, TestTenant) {
    let app = TestApp::spawn_with(
        Backend::Postgres,
        Options {
            settings: vec![("PORTICO_LIST_TIMEOUT_MS", "1".to_owned())],
            ..Options::default()
        },
    )
    .await;
    let tenant = app.tenant("acme").await;
    let id = crate::licenses::tenant_of(&app, "acme").await.id;
    let mut tx = app.app.db.begin(id, Access::Write).await.unwrap();
    sqlx::query(
        "INSERT INTO records (tenant_id, object, id, number, data, created_by, created_at, modified_by, modified_at, version)
         SELECT $1, 'account', 'fffff000-0000-7000-8000-' || lpad(g::text, 12, '0'), 'ACC-' || g,
                jsonb_build_object('name', 'Company ' || g), u.id, '2026-01-01T00:00:00.000000Z',
                u.id, '2026-01-01T00:00:00.000000Z', 1
         FROM generate_series(1, 50000) g, (SELECT min(id) AS id FROM users WHERE tenant_id = $1) u",
    )
    .bind(id.get())
    .execute(tx.conn())
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (app, tenant)
}

/// A list whose statements may read every record the reader can see (a search, a filter, an
/// order) runs them within `PORTICO_LIST_TIMEOUT_MS`; here 1 ms against 50,000 accounts.
/// PostgreSQL cancels the statement, the reader is asked to narrow the list (422 from the API,
/// the message in the list page, which keeps its navigation), and the server goes on serving.
/// SQLite has no such bound.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_reads_too_long_is_cut_off_and_says_so() {
    let (_app, tenant) = server_with_slow_lists().await;
    let admin = tenant.admin_browser().await;
    let before = admin.get("/api/v1/objects/account/records?limit=5").await;
    assert_eq!(before.status(), StatusCode::OK);
    // A search, a filter, an order, and an export of such a list, which says so before its
    // download begins instead of breaking it off.
    for path in [
        "records?q=no+such+company",
        "records?filter=name:contains:zzz",
        "records?sort=name",
        "export?format=csv&q=zzz",
    ] {
        let response = admin.get(&format!("/api/v1/objects/account/{path}")).await;
        let (status, code) = error_code(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{path}"
        );
    }
    let body: Value = admin
        .get("/api/v1/objects/account/records?q=zzz")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("took too long"),
        "{body}"
    );
    let (status, page) = admin
        .get_text("/console/records/account?q=no+such+company")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Reading this list took too long"), "{page}");
    assert!(
        page.contains("href=\"/console/users\""),
        "the console's navigation stays"
    );
    assert!(
        page.contains("value=\"no such company\""),
        "the search stays in its box"
    );
    let (status, page) = admin
        .get_text("/console/records/account/export?format=csv&q=zzz")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Reading this list took too long"), "{page}");
    assert!(
        page.contains("href=\"/console\""),
        "the error page leads back: {page}"
    );
    // The newest first are read by a page's worth of index entries, without the bound, and
    // the server goes on serving.
    let after: Value = admin
        .get("/api/v1/objects/account/records?limit=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["data"].as_array().unwrap().len(), 5, "{after}");
    assert_eq!(after["data"][0]["data"]["name"], "Company 50000");
}
