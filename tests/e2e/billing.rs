//! Billing through Stripe, against localstripe (a stateful Stripe-compatible server from PyPI)
//! started by each test, with `tests/support/localstripe_portal.py` adding the billing portal's
//! card entry and renewals on demand. Its webhooks reach the test's server, signed as Stripe
//! signs them; the tests sign their own forged, old and replayed deliveries the same way.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::extract::State;
use tokio::sync::oneshot;

use portico::clock::Clock;
use portico_tenants::Configuration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{Backend, Browser, Options, TestApp, location},
    licenses::{licenses, run, tenant_of, use_of},
    support::Desk,
};

const KEY: &str = "sk_test_portico";
const WEBHOOK_SECRET: &str = "whsec_portico_test";
const LOCALSTRIPE_VERSION: &str = "1.15.10";

/// A localstripe process on a free port, stopped when dropped.
struct LocalStripe {
    child: Child,
    url: String,
    http: reqwest::Client,
}

/// The Python that has localstripe: `PORTICO_LOCALSTRIPE_PYTHON`, or the test tools' cache
/// (installed there from PyPI on first use, as tests/run does).
fn localstripe_python() -> PathBuf {
    if let Ok(python) = std::env::var("PORTICO_LOCALSTRIPE_PYTHON") {
        return python.into();
    }
    let tools = std::env::var("PORTICO_TEST_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/portico-test-tools")
        });
    let venv = tools.join("localstripe");
    let python = venv.join("bin/python");
    let installed = Command::new(&python)
        .args(["-c", &format!("import importlib.metadata as m; assert m.version('localstripe') == '{LOCALSTRIPE_VERSION}'")])
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        let made = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .expect("python3 runs");
        assert!(made.success(), "python3 -m venv failed");
        let pip = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "-q",
                &format!("localstripe=={LOCALSTRIPE_VERSION}"),
            ])
            .status()
            .expect("pip runs");
        assert!(pip.success(), "pip could not install localstripe");
    }
    python
}

impl LocalStripe {
    async fn start() -> Self {
        crate::harness::ensure_crypto();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/support/localstripe_portal.py");
        let child = Command::new(localstripe_python())
            .arg(script)
            .args(["--port", &port.to_string(), "--from-scratch"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("localstripe starts");
        let stripe = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        for _ in 0..100 {
            if stripe
                .http
                .get(format!("{}/v1/customers", stripe.url))
                .bearer_auth(KEY)
                .send()
                .await
                .is_ok()
            {
                return stripe;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("localstripe did not start on port {port}");
    }

    async fn call(&self, method: reqwest::Method, path: &str, form: &[(&str, &str)]) -> Value {
        let response = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(KEY)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(status.is_success(), "localstripe {path}: {status} {body}");
        body
    }

    /// The three per-seat prices Portico sells (localstripe knows them as plans).
    async fn prices(&self) -> Vec<(&'static str, String)> {
        let product = self
            .call(
                reqwest::Method::POST,
                "/v1/products",
                &[("name", "Portico licenses"), ("type", "service")],
            )
            .await;
        let product = product["id"].as_str().unwrap();
        let mut settings = Vec::new();
        for (setting, id, cents) in [
            ("PORTICO_STRIPE_PRICE_CUSTOMER", "portico_customer", "7000"),
            ("PORTICO_STRIPE_PRICE_PARTNER", "portico_partner", "15000"),
            (
                "PORTICO_STRIPE_PRICE_SELF_SERVICE_PACK",
                "portico_self_service_pack",
                "100000",
            ),
        ] {
            self.call(
                reqwest::Method::POST,
                "/v1/plans",
                &[
                    ("id", id),
                    ("amount", cents),
                    ("currency", "usd"),
                    ("interval", "year"),
                    ("product", product),
                ],
            )
            .await;
            settings.push((setting, id.to_owned()));
        }
        settings
    }

    /// The subscriptions of the tenant's customer, as Stripe has them.
    async fn subscriptions(&self) -> Vec<Value> {
        let list = self
            .call(reqwest::Method::GET, "/v1/subscriptions", &[])
            .await;
        list["data"].as_array().unwrap().clone()
    }

    /// Enters a card on the billing-portal page `url` (as the administrator would on Stripe's
    /// page); answers where it sends the browser back to.
    async fn enter_card(&self, url: &str, card: &str) -> String {
        let response = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(url)
            .form(&[("card", card)])
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "the portal keeps the card"
        );
        location(&response)
    }
}

impl Drop for LocalStripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Stands between Portico and localstripe: passes every call on, but can hold back Stripe's
/// answer to a read of a subscription until told to let it go (so that a webhook reads Stripe
/// before a purchase and records what it read after it).
#[derive(Clone)]
struct Gate {
    url: String,
    stripe: String,
    http: reqwest::Client,
    /// Reads to let pass first, and the read to hold.
    armed: Arc<Mutex<Option<(usize, Held)>>>,
}

/// A read of a subscription held at the gate: the test hears when Stripe has answered it, and
/// it passes on to Portico when the test lets it go (or drops its end).
struct Held<Reached = oneshot::Sender<()>, Release = oneshot::Receiver<()>> {
    reached: Reached,
    release: Release,
}

impl Gate {
    async fn start(stripe: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let gate = Self {
            url: format!("http://{}", listener.local_addr().unwrap()),
            stripe: stripe.to_owned(),
            http: reqwest::Client::new(),
            armed: Arc::default(),
        };
        let router = axum::Router::new()
            .fallback(pass_on)
            .with_state(gate.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        gate
    }

    /// Holds the read of a subscription after the next `pass` ones.
    fn hold_read(&self, pass: usize) -> Held<oneshot::Receiver<()>, oneshot::Sender<()>> {
        let (reached, heard) = oneshot::channel();
        let (let_go, release) = oneshot::channel();
        *self.armed.lock().unwrap() = Some((pass, Held { reached, release }));
        Held {
            reached: heard,
            release: let_go,
        }
    }
}

async fn pass_on(
    State(gate): State<Gate>,
    method: reqwest::Method,
    uri: axum::http::Uri,
    headers: reqwest::header::HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    let mut call = gate
        .http
        .request(method.clone(), format!("{}{uri}", gate.stripe))
        .body(body);
    for (name, value) in &headers {
        if name != reqwest::header::HOST && name != reqwest::header::CONTENT_LENGTH {
            call = call.header(name, value);
        }
    }
    let answer = call.send().await.unwrap();
    let (status, kind) = (
        answer.status(),
        answer.headers().get(reqwest::header::CONTENT_TYPE).cloned(),
    );
    let body = answer.bytes().await.unwrap();
    if method == reqwest::Method::GET && uri.path().starts_with("/v1/subscriptions/") {
        let held = {
            let mut armed = gate.armed.lock().unwrap();
            match armed.as_mut() {
                Some((pass, _)) if *pass > 0 => {
                    *pass -= 1;
                    None
                }
                _ => armed.take().map(|(_, held)| held),
            }
        };
        if let Some(held) = held {
            let _ = held.reached.send(());
            let _ = held.release.await;
        }
    }
    let mut response = axum::response::Response::new(axum::body::Body::from(body));
    *response.status_mut() = status;
    if let Some(kind) = kind {
        response
            .headers_mut()
            .insert(reqwest::header::CONTENT_TYPE, kind);
    }
    response
}

/// A Portico with billing on, talking to its own localstripe, whose webhooks it receives.
pub struct Billed {
    stripe: LocalStripe,
    /// Between Portico and localstripe, when started [`Billed::gated`].
    gate: Option<Gate>,
    pub app: TestApp,
}

impl Billed {
    pub async fn start(backend: Backend) -> Self {
        Self::launch(backend, false).await
    }

    /// Talking to localstripe through a [`Gate`], and hearing only the webhooks the test
    /// delivers itself.
    async fn gated(backend: Backend) -> Self {
        Self::launch(backend, true).await
    }

    async fn launch(backend: Backend, gated: bool) -> Self {
        let stripe = LocalStripe::start().await;
        let gate = match gated {
            true => Some(Gate::start(&stripe.url).await),
            false => None,
        };
        let api_base = gate.as_ref().map_or(&stripe.url, |gate| &gate.url).clone();
        let mut settings: Vec<(&'static str, String)> = vec![
            ("PORTICO_STRIPE_SECRET_KEY", KEY.to_owned()),
            ("PORTICO_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET.to_owned()),
            ("PORTICO_STRIPE_API_BASE", api_base),
            ("PORTICO_BILLING_GRACE_DAYS", "3".to_owned()),
        ];
        settings.extend(stripe.prices().await);
        let app = TestApp::spawn_with(
            backend,
            Options {
                settings,
                ..Options::default()
            },
        )
        .await;
        if gated {
            return Self { stripe, gate, app };
        }
        let webhook = format!(
            "http://127.0.0.1:{}/billing/stripe/webhook",
            app.addr.port()
        );
        let response = stripe
            .http
            .post(format!("{}/_config/webhooks/portico", stripe.url))
            .form(&[("url", webhook.as_str()), ("secret", WEBHOOK_SECRET)])
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        Self { stripe, gate, app }
    }

    /// Sends a webhook delivery as Stripe would, signed at `at` with `secret`.
    async fn deliver(
        &self,
        event: &Value,
        secret: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> (StatusCode, Value) {
        let body = serde_json::to_vec(event).unwrap();
        let signature = portico::billing::webhook::signature_header(secret, &body, at);
        let response = reqwest::Client::new()
            .post(format!(
                "http://127.0.0.1:{}/billing/stripe/webhook",
                self.app.addr.port()
            ))
            .header("Stripe-Signature", signature)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }
}

macro_rules! with_stripe {
    ($(#[$meta:meta])* async fn $name:ident($billed:ident: Billed) $body:block) => {
        $(#[$meta])*
        mod $name {
            use super::*;

            async fn scenario($billed: Billed) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                scenario(Billed::start(Backend::Sqlite).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                scenario(Billed::start(Backend::Postgres).await).await
            }
        }
    };
}

async fn add_customer(admin: &Browser, login: &str) -> (StatusCode, Value) {
    let response = admin.post_json("/api/v1/users", &json!({ "login": login, "full_name": login, "kind": "external", "license": "customer" })).await;
    (response.status(), response.json().await.unwrap())
}

/// Submits the Buy form; answers the Licenses page shown afterwards.
async fn buy(admin: &Browser, customer: &str) -> String {
    let response = admin
        .submit_form(
            "/console/licenses",
            "/console/licenses/buy",
            &[("customer", customer), ("self_service_packs", "0")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    admin.get_text(&location(&response)).await.1
}

/// Opens the billing portal from the Licenses page and enters `card` there.
async fn enter_card(billed: &Billed, admin: &Browser, card: &str) {
    let response = admin
        .submit_form("/console/licenses", "/console/licenses/payment", &[])
        .await;
    // A page with a link to Stripe's (the console's forms may only go to the console).
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap().replace("&#x2f;", "/");
    let portal = page
        .split("id=\"billing-portal\"")
        .next()
        .and_then(|before| before.rsplit("href=\"").next())
        .and_then(|link| link.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(
        portal.starts_with(&billed.stripe.url),
        "to Stripe's page: {portal}"
    );
    let back = billed.stripe.enter_card(&portal, card).await;
    assert_eq!(back, format!("{}/console/licenses", admin.origin));
}

/// Waits until the audit log holds `action` (a webhook localstripe sends a second after the fact).
async fn audited(admin: &Browser, action: &str) -> Value {
    for _ in 0..100 {
        let audit = crate::harness::audit_log(admin).await;
        if audit.to_string().contains(action) {
            return audit;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {action} in the audit log");
}

/// Waits until the tenant's billing standing is `standing`.
async fn standing_becomes(admin: &Browser, standing: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        last = licenses(admin).await;
        if last["billing"]["standing"] == standing {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the standing never became {standing}: {last}");
}

/// A tenant running the customer configuration that bought `seats` customer licenses.
async fn subscribed(billed: &Billed, seats: &str) -> Desk {
    let desk = Desk::open(&billed.app, "acme").await;
    run(
        &billed.app,
        "acme",
        &[Configuration::SelfService, Configuration::Customer],
    )
    .await;
    enter_card(billed, &desk.admin, "pm_card_visa").await;
    let page = buy(&desk.admin, seats).await;
    assert!(
        page.contains("The subscription now has the licenses you chose."),
        "{page}"
    );
    desk
}

with_stripe! {
    async fn a_tenant_buys_seats_and_changes_them_through_its_subscription(billed: Billed) {
        let desk = Desk::open(&billed.app, "acme").await;
        run(&billed.app, "acme", &[Configuration::SelfService, Configuration::Customer]).await;
        let tenant = tenant_of(&billed.app, "acme").await;

        // With billing on, what was not bought is none (not unmetered).
        let before = licenses(&desk.admin).await;
        assert_eq!(use_of(&before, "customer"), (0, Some(0)), "{before}");
        assert_eq!(before["billing"]["standing"], "good");
        let (status, refused) = add_customer(&desk.admin, "c1@client.test").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

        // The Licenses page offers to buy; without a card on file Stripe is not asked to charge.
        let (_, page) = desk.admin.get_text("/console/licenses").await;
        assert!(page.contains("Buy licenses") && page.contains("Customer portal licenses (70 USD per user per year)"), "{page}");
        let page = buy(&desk.admin, "5").await;
        assert!(page.contains("Enter a card first"), "{page}");
        assert!(billed.stripe.subscriptions().await.is_empty());
        // Nonsense is refused, naming the field; nothing is bought.
        let page = buy(&desk.admin, "-3").await;
        assert!(page.contains("must be a whole number"), "{page}");
        assert!(page.contains("name=\"customer\" min=\"0\" value=\"-3\""), "what was typed stays: {page}");

        // The card is entered on Stripe's page, then five seats bought: one subscription, five seats.
        enter_card(&billed, &desk.admin, "pm_card_visa").await;
        let page = buy(&desk.admin, "5").await;
        assert!(page.contains("The subscription now has the licenses you chose."), "{page}");
        let subscriptions = billed.stripe.subscriptions().await;
        assert_eq!(subscriptions.len(), 1, "{subscriptions:?}");
        let subscription = &subscriptions[0];
        assert_eq!(subscription["status"], "active");
        assert_eq!(subscription["metadata"]["portico_tenant"], tenant.id.to_string());
        assert_eq!(subscription["items"]["data"][0]["plan"]["id"], "portico_customer");
        assert_eq!(subscription["items"]["data"][0]["quantity"], 5);
        let after = licenses(&desk.admin).await;
        assert_eq!(use_of(&after, "customer"), (0, Some(5)), "{after}");
        assert_eq!(after["billing"]["status"], "active");
        let (status, _) = add_customer(&desk.admin, "c1@client.test").await;
        assert_eq!(status, StatusCode::CREATED);
        // Stripe's own event arrives, verified, and is audited; so is the purchase.
        let audit = audited(&desk.admin, "billing.customer.subscription.created").await;
        assert!(audit.to_string().contains("billing.purchase"), "{audit}");

        // More seats: the same subscription, its quantity changed (Stripe prorates).
        buy(&desk.admin, "8").await;
        let subscriptions = billed.stripe.subscriptions().await;
        assert_eq!(subscriptions.len(), 1);
        assert_eq!(subscriptions[0]["items"]["data"][0]["quantity"], 8);
        assert_eq!(use_of(&licenses(&desk.admin).await, "customer"), (1, Some(8)));
        // Fewer than are in use is refused, saying how many are; Stripe is not asked.
        let page = buy(&desk.admin, "0").await;
        assert!(page.contains("1 Customer portal licenses are in use"), "{page}");
        assert_eq!(billed.stripe.subscriptions().await[0]["items"]["data"][0]["quantity"], 8);

        // Seats of a configuration the tenant does not run are not sold (a forged form).
        let response = desk.admin.submit_form("/console/licenses", "/console/licenses/buy", &[("customer", "8"), ("partner", "3")]).await;
        let (_, page) = desk.admin.get_text(&location(&response)).await;
        assert!(page.contains("does not run the Partner portal"), "{page}");
        assert_eq!(billed.stripe.subscriptions().await[0]["items"]["data"].as_array().unwrap().len(), 1);

        // The operator's command does not override billing.
        let refused = portico::licenses::set_purchased(&billed.app.app, &tenant, portico_tenants::licenses::Purchased::default()).await;
        assert!(refused.is_err());

        // Only administrators buy: a portal user cannot reach the console's form.
        let customer = desk.customer("cara@client.test", json!({})).await;
        let (status, _) = customer.get_text("/console/licenses").await;
        assert_ne!(status, StatusCode::OK);
    }
}

/// A webhook that read Stripe before a purchase and records after it (localstripe sends its
/// events a second late) must not undo the purchase: it reads Stripe again.
mod a_late_webhook_does_not_undo_a_purchase {
    use super::*;

    async fn scenario(billed: Billed) {
        let desk = subscribed(&billed, "5").await;
        let subscription = billed.stripe.subscriptions().await[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let event = json!({ "id": "evt_late", "type": "customer.subscription.updated", "data": { "object": { "id": subscription, "object": "subscription" } } });
        // The webhook's first read finds whose subscription it is; its second, held, is what
        // it would record.
        let Held { reached, release } = billed.gate.as_ref().unwrap().hold_read(1);

        let late = billed.deliver(&event, WEBHOOK_SECRET, billed.app.clock.now().0);
        let purchase = async {
            reached.await.unwrap();
            let page = buy(&desk.admin, "8").await;
            release.send(()).unwrap();
            page
        };
        let ((status, body), page) = tokio::join!(late, purchase);
        assert!(
            page.contains("The subscription now has the licenses you chose."),
            "{page}"
        );
        assert_eq!(
            (status, body["delivery"].clone()),
            (StatusCode::OK, json!("applied")),
            "{body}"
        );
        assert_eq!(
            billed.stripe.subscriptions().await[0]["items"]["data"][0]["quantity"],
            8
        );
        assert_eq!(
            use_of(&licenses(&desk.admin).await, "customer"),
            (0, Some(8))
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        scenario(Billed::gated(Backend::Sqlite).await).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        scenario(Billed::gated(Backend::Postgres).await).await
    }
}

with_stripe! {
    async fn webhooks_are_verified_and_handled_once(billed: Billed) {
        let desk = subscribed(&billed, "2").await;
        let subscription = billed.stripe.subscriptions().await[0]["id"].as_str().unwrap().to_owned();
        audited(&desk.admin, "billing.customer.subscription.created").await;
        let now = billed.app.clock.now().0;
        let event = json!({ "id": "evt_portico_1", "object": "event", "type": "customer.subscription.updated", "data": { "object": { "id": subscription, "object": "subscription" } } });

        // A bad signature, an old timestamp, a body that is no event: refused, nothing recorded.
        let (status, body) = billed.deliver(&event, "whsec_forged", now).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("does not match"), "{body}");
        let (status, body) = billed.deliver(&event, WEBHOOK_SECRET, now - chrono::Duration::seconds(301)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("tolerance"), "{body}");
        let (status, _) = billed.deliver(&json!(["not", "an", "event"]), WEBHOOK_SECRET, now).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let unsigned = reqwest::Client::new().post(format!("http://127.0.0.1:{}/billing/stripe/webhook", billed.app.addr.port())).body(event.to_string()).send().await.unwrap();
        assert_eq!(unsigned.status(), StatusCode::BAD_REQUEST);
        // Not on a tenant's host.
        let on_tenant = desk.admin.client.post(format!("{}/billing/stripe/webhook", desk.admin.origin)).body(event.to_string()).send().await.unwrap();
        assert_eq!(on_tenant.status(), StatusCode::NOT_FOUND);

        let entries = |audit: &Value| audit.to_string().matches("billing.customer.subscription.updated").count();
        let audit: Value = desk.admin.get("/api/v1/access/audit").await.json().await.unwrap();
        assert_eq!(entries(&audit), 0);

        // Signed within the tolerance: applied once; the same event again changes nothing.
        let (status, body) = billed.deliver(&event, WEBHOOK_SECRET, now - chrono::Duration::seconds(299)).await;
        assert_eq!((status, body["delivery"].clone()), (StatusCode::OK, json!("applied")), "{body}");
        let (status, body) = billed.deliver(&event, WEBHOOK_SECRET, now).await;
        assert_eq!((status, body["delivery"].clone()), (StatusCode::OK, json!("duplicate")), "{body}");
        let audit: Value = desk.admin.get("/api/v1/access/audit").await.json().await.unwrap();
        assert_eq!(entries(&audit), 1, "{audit}");

        // An event about a subscription no tenant here has: acknowledged, nothing changed.
        let stranger = json!({ "id": "evt_portico_2", "type": "invoice.paid", "data": { "object": { "id": "in_x", "subscription": null } } });
        let (status, body) = billed.deliver(&stranger, WEBHOOK_SECRET, now).await;
        assert_eq!((status, body["delivery"].clone()), (StatusCode::OK, json!("ignored")), "{body}");
        assert_eq!(use_of(&licenses(&desk.admin).await, "customer"), (0, Some(2)));
    }
}

with_stripe! {
    async fn a_failed_payment_warns_then_blocks_activations_after_the_grace_period(billed: Billed) {
        let desk = subscribed(&billed, "3").await;
        let subscription = billed.stripe.subscriptions().await[0]["id"].as_str().unwrap().to_owned();
        let customer = desk.customer("cara@client.test", json!({})).await;

        // The renewal is charged to a card that fails: Stripe reports it, the subscription is past due.
        enter_card(&billed, &desk.admin, "pm_card_chargeCustomerFail").await;
        let renewal = billed.stripe.http.post(format!("{}/_config/subscriptions/{subscription}/renew", billed.stripe.url)).send().await.unwrap();
        assert!(renewal.status().is_success());
        let past_due = standing_becomes(&desk.admin, "past_due").await;
        assert_eq!(past_due["billing"]["status"], "past_due");
        audited(&desk.admin, "billing.invoice.payment_failed").await;
        // Administrators are warned on every console page; portal users see nothing of it.
        let mut warned = String::new();
        for _ in 0..50 {
            warned = desk.admin.get_text("/console").await.1;
            if warned.contains("The last payment failed") { break; }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(warned.contains("The last payment failed. Update the card by"), "{warned}");
        let (_, portal) = customer.get_text("/").await;
        assert!(!portal.contains("payment"), "{portal}");
        // Within the grace period everything works.
        let (status, _) = add_customer(&desk.admin, "c1@client.test").await;
        assert_eq!(status, StatusCode::CREATED);

        // After it, nobody new is activated, and the refusal says why; nothing else stops.
        billed.app.clock.advance(chrono::Duration::days(4));
        let (status, refused) = add_customer(&desk.admin, "c2@client.test").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused["error"]["fields"]["license"][0].as_str().unwrap().contains("grace period is over"), "{refused}");
        assert_eq!(licenses(&desk.admin).await["billing"]["standing"], "blocked");
        let (status, _) = crate::support::open_case(&customer, json!({ "subject": "Still working", "description": "Yes" })).await;
        assert_eq!(status, StatusCode::CREATED);

        // Paid with a good card: Stripe's event (signed now, as Stripe would sign it) restores it.
        enter_card(&billed, &desk.admin, "pm_card_visa").await;
        let paid: Value = billed.stripe.http.post(format!("{}/_config/subscriptions/{subscription}/renew", billed.stripe.url)).send().await.unwrap().json().await.unwrap();
        assert_eq!(paid["status"], "paid");
        let event = json!({ "id": "evt_paid_after_failure", "type": "invoice.payment_succeeded", "data": { "object": { "id": paid["id"], "subscription": subscription } } });
        let (status, body) = billed.deliver(&event, WEBHOOK_SECRET, billed.app.clock.now().0).await;
        assert_eq!((status, body["delivery"].clone()), (StatusCode::OK, json!("applied")), "{body}");
        assert_eq!(licenses(&desk.admin).await["billing"]["standing"], "good");
        let (status, _) = add_customer(&desk.admin, "c2@client.test").await;
        assert_eq!(status, StatusCode::CREATED);
    }
}

with_stripe! {
    async fn a_canceled_subscription_leaves_the_portal_read_only_and_deletes_nothing(billed: Billed) {
        let desk = subscribed(&billed, "2").await;
        let subscription = billed.stripe.subscriptions().await[0]["id"].as_str().unwrap().to_owned();
        let customer = desk.customer("cara@client.test", json!({})).await;
        let (status, case) = crate::support::open_case(&customer, json!({ "subject": "Before the end", "description": "Yes" })).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");

        // Canceled in Stripe (by the billing portal, or Stripe giving up): its event says so.
        billed.stripe.call(reqwest::Method::DELETE, &format!("/v1/subscriptions/{subscription}"), &[]).await;
        standing_becomes(&desk.admin, "canceled").await;
        audited(&desk.admin, "billing.customer.subscription.deleted").await;
        tokio::time::sleep(Duration::from_millis(2100)).await; // nodes see the tenant afresh within 2 s

        // Portal users read everything and change nothing, and are told why.
        let (status, page) = customer.get_text("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("This portal is read-only for now"), "{page}");
        let read = customer.get(&format!("/api/v1/objects/case/records/{}", case["id"].as_str().unwrap())).await;
        assert_eq!(read.status(), StatusCode::OK);
        let (status, refused) = crate::support::open_case(&customer, json!({ "subject": "After the end", "description": "No" })).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("read-only"), "{refused}");
        // Their own choices still work: the language they read in, signing out.
        assert_eq!(customer.submit_form("/", "/language", &[("language", "de")]).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(customer.submit_form("/", "/logout", &[]).await.status(), StatusCode::SEE_OTHER);

        // The console stays open to administrators, who are told; nobody new is activated; nothing was deleted.
        let (status, console) = desk.admin.get_text("/console/licenses").await;
        assert_eq!(status, StatusCode::OK);
        assert!(console.contains("The subscription has ended"), "{console}");
        let (status, refused) = add_customer(&desk.admin, "c2@client.test").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let users: Value = desk.admin.get("/api/v1/users?q=cara").await.json().await.unwrap();
        assert_eq!(users["data"][0]["deactivated_at"], Value::Null, "{users}");
        assert_eq!(use_of(&licenses(&desk.admin).await, "customer"), (0, Some(2)));

        // Buying again starts a new subscription and reopens the portal.
        let page = buy(&desk.admin, "2").await;
        assert!(page.contains("The subscription now has the licenses you chose."), "{page}");
        assert_eq!(licenses(&desk.admin).await["billing"]["standing"], "good");
        let active: Vec<Value> = billed.stripe.subscriptions().await.into_iter().filter(|s| s["status"] == "active").collect();
        assert_eq!(active.len(), 1);
        assert_ne!(active[0]["id"], subscription.as_str());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billing_off_has_no_billing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let (_, page) = desk.admin.get_text("/console/licenses").await;
    assert!(!page.contains("Buy licenses"), "{page}");
    assert!(page.contains("Billing is off"));
    let response = desk
        .admin
        .submit_form(
            "/console/licenses",
            "/console/licenses/buy",
            &[("customer", "5")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, after) = desk.admin.get_text(&location(&response)).await;
    assert!(!after.contains("The subscription now has"), "{after}");
    let webhook = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/billing/stripe/webhook",
            app.addr.port()
        ))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(webhook.status(), StatusCode::NOT_FOUND);
    assert_eq!(licenses(&desk.admin).await["billing"], Value::Null);
}
