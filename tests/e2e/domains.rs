//! A tenant's own domain: claimed in the console, proven by a DNS TXT record served by a real DNS
//! server (Debian's dnsmasq, started by the test on a free port), then answering as the tenant's
//! subdomain does; checked by the operator's command too.

use std::{
    net::{TcpListener, TcpStream, UdpSocket},
    process::{Child, Command, Stdio},
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{
    Backend, Browser, Options, TestApp, TestTenant, audit_log, error_code, location,
};

const DOMAIN: &str = "support.acme.test";
const RECORD: &str = "_portico-verification.support.acme.test";

/// dnsmasq answering on 127.0.0.1 with the TXT records a test gives it (restarted to change
/// them), stopped when dropped.
struct Dns {
    port: u16,
    child: Option<Child>,
}

impl Dns {
    /// On a port free for TCP and UDP both (dnsmasq answers on each): a port free for UDP alone
    /// may be the local end of one of the tests' TCP connections, and dnsmasq then fails to bind.
    fn new() -> Self {
        loop {
            let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = tcp.local_addr().unwrap().port();
            if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
                return Self { port, child: None };
            }
        }
    }

    /// Serves exactly these TXT records (name, value), and nothing else.
    async fn serve(&mut self, records: &[(&str, &str)]) {
        self.stop();
        let binary = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"]
            .into_iter()
            .find(|path| std::path::Path::new(path).exists())
            .expect("dnsmasq is installed (Debian's dnsmasq-base; tests/run installs it)");
        let mut command = Command::new(binary);
        command.args([
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            // Authoritative for .test: a name it has no record of does not exist (NXDOMAIN).
            "--local=/test/",
            "--bind-interfaces",
            "--listen-address=127.0.0.1",
            "--pid-file=",
            &format!("--port={}", self.port),
        ]);
        for (name, value) in records {
            command.arg(format!("--txt-record={name},{value}"));
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dnsmasq starts");
        self.child = Some(child);
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("dnsmasq did not start on port {}", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Dns {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn start(backend: Backend, dns: &Dns) -> TestApp {
    TestApp::spawn_with(
        backend,
        Options {
            settings: vec![("PORTICO_DNS_SERVER", format!("127.0.0.1:{}", dns.port))],
            ..Options::default()
        },
    )
    .await
}

/// A scenario on each database, with a DNS server of its own (serving nothing at first) that
/// the installation asks.
macro_rules! with_dns {
    (async fn $name:ident($app:ident: TestApp, $dns:ident: Dns) $body:block) => {
        mod $name {
            use super::*;

            async fn scenario($app: TestApp, mut $dns: Dns) $body

            async fn on(backend: Backend) {
                let mut dns = Dns::new();
                dns.serve(&[]).await;
                scenario(start(backend, &dns).await, dns).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                on(Backend::Sqlite).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                on(Backend::Postgres).await
            }
        }
    };
}

fn own_origin(app: &TestApp) -> String {
    format!("http://{DOMAIN}:{}", app.addr.port())
}

/// Submits one of the console's domain forms; answers the branding page shown after it.
async fn submit(admin: &Browser, action: &str, fields: &[(&str, &str)]) -> String {
    let response = admin.submit_form("/console/branding", action, fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    admin.get_text(&location(&response)).await.1
}

async fn own_domain(admin: &Browser) -> Value {
    let response = admin.get("/api/v1/settings/domain").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn check(admin: &Browser) -> (StatusCode, Value) {
    let response = admin
        .post_json("/api/v1/settings/domain/check", &json!({}))
        .await;
    (response.status(), response.json().await.unwrap())
}

with_dns! {
    async fn a_tenant_proves_its_domain_and_its_portal_answers_there(app: TestApp, dns: Dns) {
        let acme = app.tenant("acme").await;
        let admin = acme.admin_browser().await;
        let visitor = Browser::new(&own_origin(&app));
        assert_eq!(visitor.get("/login").await.status(), StatusCode::NOT_FOUND);

        // The console offers it; what is not a host name, or is one of the installation's own,
        // is refused with the reason, and nothing is claimed.
        let (_, page) = admin.get_text("/console/branding").await;
        assert!(page.contains("Your own domain") && page.contains(&acme.origin), "{page}");
        let page = submit(&admin, "/console/branding/domain", &[("domain", "https://support.acme.test/")]).await;
        assert!(page.contains("host name only"), "{page}");
        let page = submit(&admin, "/console/branding/domain", &[("domain", "acme.localhost")]).await;
        assert!(page.contains("belong to this installation"), "{page}");
        assert_eq!(own_domain(&admin).await["domain"], Value::Null);
        let (_, person) = acme.create_user(&admin, "customer@client.test", "external", "customer password 1").await;

        // Claimed: the page shows the record to create; the domain does not answer yet.
        let page = submit(&admin, "/console/branding/domain", &[("domain", " Support.Acme.TEST. ")]).await;
        assert!(page.contains("Create the DNS record shown"), "{page}");
        assert!(page.contains(RECORD), "{page}");
        let claimed = own_domain(&admin).await;
        assert_eq!(claimed["domain"], DOMAIN);
        assert_eq!(claimed["record_name"], RECORD);
        let value = claimed["record_value"].as_str().unwrap().to_owned();
        assert!(value.starts_with("portico-verification=") && value.len() > 40, "{value}");
        assert!(page.contains(&value), "{page}");
        assert_eq!(visitor.get("/login").await.status(), StatusCode::NOT_FOUND);

        // Checked before the record exists, then with another value: still waiting, and why.
        let page = submit(&admin, "/console/branding/domain/check", &[]).await;
        assert!(page.contains("No TXT record with that name was found yet"), "{page}");
        dns.serve(&[(RECORD, "portico-verification=someone-else")]).await;
        let page = submit(&admin, "/console/branding/domain/check", &[]).await;
        assert!(page.contains("it holds: portico-verification=someone-else"), "{page}");
        assert_eq!(visitor.get("/login").await.status(), StatusCode::NOT_FOUND);

        // The record holds the token: the portal answers at the domain, for the tenant.
        dns.serve(&[(RECORD, &value)]).await;
        let page = submit(&admin, "/console/branding/domain/check", &[]).await;
        assert!(page.contains("the portal now answers at its own domain"), "{page}");
        assert!(page.contains("The portal answers at support.acme.test"), "{page}");
        let (status, login) = visitor.get_text("/login").await;
        assert_eq!(status, StatusCode::OK);
        assert!(login.contains("acme Inc."), "{login}");
        let response = visitor.sign_in_portal(&person).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed in at the domain");
        let (status, home) = visitor.get_text("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("acme Inc."), "{home}");

        // Portal pages at the subdomain move there; the console and the API answer at both.
        let moved = Browser::stateless(&acme.origin).get("/knowledge?q=x").await;
        assert_eq!(moved.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(location(&moved), format!("{}/knowledge?q=x", own_origin(&app)));
        assert_eq!(admin.get("/api/v1/settings/domain").await.status(), StatusCode::OK);
        assert_eq!(admin.get("/console/branding").await.status(), StatusCode::OK);
        // Links in mail lead to the domain.
        let response = admin.post_json("/api/v1/users", &json!({ "login": "new@client.test", "full_name": "New", "kind": "external" })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await.unwrap();
        let link = created["setup_link"].as_str().unwrap();
        assert!(link.starts_with(&format!("{}/set-password?token=", own_origin(&app))), "{link}");

        // Another tenant cannot take it, even with its own record beside the first.
        let globex = app.tenant("globex").await;
        let other = globex.admin_browser().await;
        let claimed = other.put_json("/api/v1/settings/domain", &json!({ "domain": DOMAIN })).await;
        assert_eq!(claimed.status(), StatusCode::OK);
        let theirs: Value = claimed.json().await.unwrap();
        let (status, body) = check(&other).await;
        assert_eq!((status, body["checked"]["outcome"].clone()), (StatusCode::OK, json!("not_found")), "{body}");
        dns.serve(&[(RECORD, &value), (RECORD, theirs["record_value"].as_str().unwrap())]).await;
        let (status, body) = check(&other).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.to_string().contains("Another portal already answers"), "{body}");
        let (_, login) = Browser::new(&own_origin(&app)).get_text("/login").await;
        assert!(login.contains("acme Inc.") && !login.contains("globex"), "{login}");

        // Audited; and given up, the domain answers no more.
        let audit = audit_log(&admin).await.to_string();
        assert!(audit.contains("tenant.domain") && audit.contains("tenant.domain_verified"), "{audit}");
        let page = submit(&admin, "/console/branding/domain/remove", &[]).await;
        assert!(page.contains("answers at its subdomain only"), "{page}");
        assert_eq!(Browser::new(&own_origin(&app)).get("/login").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(Browser::stateless(&acme.origin).get("/login").await.status(), StatusCode::OK);
    }
}

with_dns! {
    async fn the_domain_api_refuses_what_it_cannot_take(app: TestApp, dns: Dns) {
        let acme: TestTenant = app.tenant("acme").await;
        let admin = acme.admin_browser().await;

        // Nothing claimed: nothing to check.
        let (status, _) = check(&admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Malformed, unknown fields, too long, not a host name: refused, nothing claimed.
        let malformed = admin.client.put(admin.url("/api/v1/settings/domain")).header("content-type", "application/json").body("{\"domain\":").send().await.unwrap();
        assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
        let unknown = admin.put_json("/api/v1/settings/domain", &json!({ "domain": DOMAIN, "verified": true })).await;
        assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
        let long = format!("{}.test", "a.".repeat(200));
        let (status, code) = error_code(admin.put_json("/api/v1/settings/domain", &json!({ "domain": long })).await).await;
        assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY, "{status} {code}");
        for refused in ["support acme.test", "192.0.2.7", "acme.localhost", "localhost", "support.acme.test:8443"] {
            let response = admin.put_json("/api/v1/settings/domain", &json!({ "domain": refused })).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
            let body: Value = response.json().await.unwrap();
            assert!(body["error"]["fields"]["domain"].is_array(), "{body}");
        }
        assert_eq!(own_domain(&admin).await["domain"], Value::Null);

        // Only those who set up the portal: a portal user, or nobody signed in, is refused.
        let (_, person) = acme.create_user(&admin, "cara@client.test", "external", "customer password 1").await;
        let customer = acme.browser();
        customer.sign_in_api(&person).await;
        assert_eq!(customer.get("/api/v1/settings/domain").await.status(), StatusCode::FORBIDDEN);
        let taken = customer.put_json("/api/v1/settings/domain", &json!({ "domain": DOMAIN })).await;
        assert_eq!(taken.status(), StatusCode::FORBIDDEN);
        let anonymous = Browser::stateless(&acme.origin);
        assert_eq!(anonymous.get("/api/v1/settings/domain").await.status(), StatusCode::UNAUTHORIZED);
        // A console form without its CSRF token changes nothing.
        let forged = admin.client.post(admin.url("/console/branding/domain")).form(&[("domain", DOMAIN)]).send().await.unwrap();
        assert!(forged.status().is_client_error(), "{}", forged.status());
        assert_eq!(own_domain(&admin).await["domain"], Value::Null);

        // The operator's command checks every tenant's domain and says what it found.
        let claimed: Value = admin.put_json("/api/v1/settings/domain", &json!({ "domain": DOMAIN })).await.json().await.unwrap();
        let value = claimed["record_value"].as_str().unwrap().to_owned();
        let dns_server = format!("127.0.0.1:{}", dns.port);
        let operator = |args: &[&str]| {
            let output = Command::new(env!("CARGO_BIN_EXE_portico"))
                .args(args)
                .env("PORTICO_DATABASE_URL", app.app.config.database_url.expose())
                .env("PORTICO_DNS_SERVER", &dns_server)
                .env("PORTICO_LOG", "warn")
                .output()
                .expect("run portico");
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            String::from_utf8_lossy(&output.stdout).into_owned()
        };
        let listed = operator(&["tenant", "domains"]);
        assert!(listed.contains("acme\tsupport.acme.test\twaiting: no TXT record"), "{listed}");
        assert!(listed.contains(&format!("{RECORD} TXT \"{value}\"")), "{listed}");
        dns.serve(&[(RECORD, &value)]).await;
        let listed = operator(&["tenant", "domains", "acme"]);
        assert!(listed.contains("acme\tsupport.acme.test\tverified"), "{listed}");
        let (status, page) = Browser::new(&own_origin(&app)).get_text("/login").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let removed = operator(&["tenant", "domains", "acme", "--remove"]);
        assert!(removed.contains("no domain of its own"), "{removed}");
        assert_eq!(own_domain(&admin).await["domain"], Value::Null);
    }
}
