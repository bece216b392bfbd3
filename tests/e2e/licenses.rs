//! Portal licenses and the daily API limit: every active portal user holds a license of a
//! configuration the tenant runs, within what the tenant has (the free self-service quota,
//! bought seats); a license opens its configuration's sections; portal users' API calls are
//! counted per day across nodes.

use portico_tenants::{Configuration, Slug, licenses::Purchased};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{Browser, TestApp, on_both_databases},
    support::Desk,
};

pub(crate) async fn tenant_of(app: &TestApp, slug: &str) -> portico_tenants::Tenant {
    portico::tenancy::find(&app.app, &Slug::parse(slug).unwrap())
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn run(app: &TestApp, slug: &str, configurations: &[Configuration]) {
    let tenant = tenant_of(app, slug).await;
    portico::sections::installed::set_configurations(&app.app, tenant.id, configurations)
        .await
        .unwrap();
}

/// What the operator's command sets while billing is off.
pub(crate) async fn buy(app: &TestApp, slug: &str, purchased: Purchased) {
    let tenant = tenant_of(app, slug).await;
    portico::licenses::set_purchased(&app.app, &tenant, purchased)
        .await
        .unwrap();
}

pub(crate) async fn licenses(admin: &Browser) -> Value {
    let response = admin.get("/api/v1/licenses").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The use of one configuration's licenses: (used, available).
pub(crate) fn use_of(licenses: &Value, configuration: &str) -> (u64, Option<u64>) {
    let entry = licenses["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["configuration"] == configuration)
        .unwrap_or_else(|| panic!("no {configuration} in {licenses}"));
    (entry["used"].as_u64().unwrap(), entry["available"].as_u64())
}

async fn add_user(
    admin: &Browser,
    login: &str,
    kind: &str,
    license: Option<&str>,
) -> (StatusCode, Value) {
    let mut body = json!({ "login": login, "full_name": login, "kind": kind });
    if let Some(license) = license {
        body["license"] = json!(license);
    }
    let response = admin.post_json("/api/v1/users", &body).await;
    (response.status(), response.json().await.unwrap())
}

async fn set_active(admin: &Browser, id: &str, active: bool) -> (StatusCode, Value) {
    let response = admin
        .patch_json(&format!("/api/v1/users/{id}"), &json!({ "active": active }))
        .await;
    (response.status(), response.json().await.unwrap())
}

async fn users_found(admin: &Browser, search: &str) -> u64 {
    let page: Value = admin
        .get(&format!("/api/v1/users?q={search}"))
        .await
        .json()
        .await
        .unwrap();
    page["count"]["records"].as_u64().unwrap()
}

on_both_databases! {
    async fn licenses_are_taken_refused_when_none_is_free_and_freed_by_deactivation(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        run(&app, "acme", &[Configuration::SelfService, Configuration::Customer]).await;
        buy(&app, "acme", Purchased { customer: Some(2), ..Purchased::default() }).await;
        let before = licenses(&desk.admin).await;
        assert_eq!(use_of(&before, "self-service"), (0, Some(100)), "one employee brings 100: {before}");
        assert_eq!(use_of(&before, "customer"), (0, Some(2)));

        let (status, first) = add_user(&desk.admin, "c1@client.test", "external", Some("customer")).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        assert_eq!(first["user"]["license"], "customer");
        let (status, _) = add_user(&desk.admin, "c2@client.test", "external", Some("customer")).await;
        assert_eq!(status, StatusCode::CREATED);
        // The third is refused, saying which license and how many are held; nobody is created.
        let (status, refused) = add_user(&desk.admin, "c3@client.test", "external", Some("customer")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let message = refused["error"]["fields"]["license"][0].as_str().unwrap();
        assert!(message.contains("All 2 licenses of the Customer portal are in use (2 held)"), "{message}");
        assert_eq!(users_found(&desk.admin, "c3%40client.test").await, 0);
        // Without a choice, the free self-service license.
        let (status, free) = add_user(&desk.admin, "s1@client.test", "external", None).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(free["user"]["license"], "self-service");
        // Employees hold none, and bring more free ones.
        let (status, agent) = add_user(&desk.admin, "agent@acme.test", "employee", Some("customer")).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(agent["user"]["license"], Value::Null);
        assert_eq!(use_of(&licenses(&desk.admin).await, "self-service"), (1, Some(200)));
        // A license the tenant does not run is refused.
        let (status, refused) = add_user(&desk.admin, "p1@client.test", "external", Some("partner")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused["error"]["fields"]["license"][0].as_str().unwrap().contains("does not run the Partner portal"), "{refused}");
        let (status, refused) = add_user(&desk.admin, "g1@client.test", "external", Some("gold")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

        // Deactivating frees a license; reactivating needs one.
        let c1 = first["user"]["id"].as_str().unwrap();
        assert_eq!(set_active(&desk.admin, c1, false).await.0, StatusCode::OK);
        assert_eq!(use_of(&licenses(&desk.admin).await, "customer"), (1, Some(2)));
        let (status, _) = add_user(&desk.admin, "c3@client.test", "external", Some("customer")).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, refused) = set_active(&desk.admin, c1, true).await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("Customer portal"), "{refused}");
        let still: Value = desk.admin.get(&format!("/api/v1/users/{c1}")).await.json().await.unwrap();
        assert!(still["deactivated_at"].is_string(), "the refused reactivation changed nothing: {still}");

        // Moving between licenses: refused into a full one, allowed out of it.
        let s1 = free["user"]["id"].as_str().unwrap();
        let moved = desk.admin.put_json(&format!("/api/v1/users/{s1}/license"), &json!({ "license": "customer" })).await;
        assert_eq!(moved.status(), StatusCode::CONFLICT);
        let c3: Value = desk.admin.get("/api/v1/licenses/customer/users").await.json().await.unwrap();
        assert_eq!(c3["count"]["records"], 2, "{c3}");
        let holder = c3["data"][0]["id"].as_str().unwrap().to_owned();
        let moved = desk.admin.put_json(&format!("/api/v1/users/{holder}/license"), &json!({ "license": "self-service" })).await;
        assert_eq!(moved.status(), StatusCode::OK);
        let moved = desk.admin.put_json(&format!("/api/v1/users/{s1}/license"), &json!({ "license": "customer" })).await;
        assert_eq!(moved.status(), StatusCode::OK);
        let after = licenses(&desk.admin).await;
        assert_eq!((use_of(&after, "customer"), use_of(&after, "self-service").0), ((2, Some(2)), 1));
        let audit: Value = desk.admin.get("/api/v1/access/audit").await.json().await.unwrap();
        assert!(audit.to_string().contains("license.move"), "{audit}");

        // Bad, unauthorized and cross-tenant requests change nothing.
        let bad = desk.admin.put_json(&format!("/api/v1/users/{s1}/license"), &json!({ "license": "gold" })).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bad = desk.admin.put_json("/api/v1/users/not-an-id/license", &json!({ "license": "customer" })).await;
        assert_eq!(bad.status(), StatusCode::NOT_FOUND);
        let bad = desk.admin.put_json(&format!("/api/v1/users/{s1}/license"), &json!({ "licence": "customer" })).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let other = Desk::open(&app, "globex").await;
        let forged = other.admin.put_json(&format!("/api/v1/users/{s1}/license"), &json!({ "license": "self-service" })).await;
        assert_eq!(forged.status(), StatusCode::NOT_FOUND);
        let anonymous = Browser::stateless(&desk.tenant.origin).get("/api/v1/licenses").await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
        let customer = desk.tenant.browser();
        let (_, login) = desk.tenant.create_user(&desk.admin, "s2@client.test", "external", "customer password 1").await;
        customer.sign_in_api(&login).await;
        assert_eq!(customer.get("/api/v1/licenses").await.status(), StatusCode::FORBIDDEN);
        let forged = customer.put_json(&format!("/api/v1/users/{s1}/license"), &json!({ "license": "self-service" })).await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert_eq!(use_of(&licenses(&desk.admin).await, "customer"), (2, Some(2)));
    }
}

/// Sets the number of active employees of a tenant whose only employee is its administrator,
/// by adding employees through the API (0: the administrator deactivated, as only the
/// operator could).
async fn employees(app: &TestApp, admin: &Browser, slug: &str, wanted: usize) {
    if wanted == 0 {
        let tenant = tenant_of(app, slug).await;
        let mut tx = app
            .app
            .db
            .begin(tenant.id, portico::store::Access::Write)
            .await
            .unwrap();
        sqlx::query("UPDATE users SET deactivated_at = created_at WHERE tenant_id = $1 AND kind = 'employee'")
            .bind(tx.tenant_param())
            .execute(tx.conn())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        return;
    }
    for n in 1..wanted {
        let (status, _) = add_user(admin, &format!("e{n}@{slug}.test"), "employee", None).await;
        assert_eq!(status, StatusCode::CREATED);
    }
}

on_both_databases! {
    async fn the_free_quota_is_a_hundred_per_employee_up_to_ten_thousand(app: TestApp) {
        for (slug, staff, free) in [("zero", 0, 0), ("one", 1, 100), ("cap", 100, 10_000), ("beyond", 150, 10_000)] {
            let desk = Desk::open(&app, slug).await;
            employees(&app, &desk.admin, slug, staff).await;
            let tenant = tenant_of(&app, slug).await;
            let licenses = portico::licenses::of_tenant(&app.app, &tenant).await.unwrap();
            assert_eq!((licenses.employees, licenses.free_self_service), (staff as u64, free), "{slug}");
            if staff == 0 {
                continue;
            }
            let shown = crate::licenses::licenses(&desk.admin).await;
            assert_eq!(use_of(&shown, "self-service"), (0, Some(free)), "{slug}");
        }
    }
}

on_both_databases! {
    async fn fewer_employees_block_new_activations_but_deactivate_nobody(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (_, agent) = add_user(&desk.admin, "agent@acme.test", "employee", None).await;
        for n in 0..101 {
            let (status, _) = add_user(&desk.admin, &format!("u{n:03}@client.test"), "external", None).await;
            assert_eq!(status, StatusCode::CREATED, "user {n} of 200 free");
        }
        // One employee fewer: 100 free, 101 held. Nobody loses theirs; nobody new gets one.
        assert_eq!(set_active(&desk.admin, agent["user"]["id"].as_str().unwrap(), false).await.0, StatusCode::OK);
        assert_eq!(use_of(&licenses(&desk.admin).await, "self-service"), (101, Some(100)));
        let (status, refused) = add_user(&desk.admin, "late@client.test", "external", None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let message = refused["error"]["fields"]["license"][0].as_str().unwrap();
        assert!(message.contains("All 100 self-service licenses are in use (101 held)") && message.contains("each of the 1 active employees"), "{message}");
        // A bought pack of self-service licenses makes room.
        buy(&app, "acme", Purchased { self_service_packs: 1, ..Purchased::default() }).await;
        let (status, _) = add_user(&desk.admin, "late@client.test", "external", None).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(use_of(&licenses(&desk.admin).await, "self-service"), (102, Some(1_100)));
    }
}

on_both_databases! {
    async fn concurrent_activations_never_exceed_the_licenses(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        run(&app, "acme", &[Configuration::Customer]).await;
        buy(&app, "acme", Purchased { customer: Some(5), ..Purchased::default() }).await;
        let mut attempts = tokio::task::JoinSet::new();
        for n in 0..16 {
            let admin = desk.admin.clone();
            attempts.spawn(async move { add_user(&admin, &format!("rush{n}@client.test"), "external", None).await.0 });
        }
        let outcomes: Vec<StatusCode> = attempts.join_all().await;
        let created = outcomes.iter().filter(|s| **s == StatusCode::CREATED).count();
        let refused = outcomes.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
        assert_eq!((created, refused), (5, 11), "{outcomes:?}");
        assert_eq!(use_of(&licenses(&desk.admin).await, "customer"), (5, Some(5)));
        assert_eq!(users_found(&desk.admin, "rush").await, 5);
    }
}

on_both_databases! {
    async fn an_organization_becoming_a_partner_moves_all_its_members_or_none(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        crate::partners::run_partner_configuration(&app, "acme").await;
        buy(&app, "acme", Purchased { partner: Some(1), ..Purchased::default() }).await;
        let account = desk.create("account", json!({ "name": "Initech", "type": "Customer" })).await;
        let response = desk.admin.post_json("/api/v1/organizations", &json!({ "account": account["id"] })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let organization = crate::partners::id(&response.json::<Value>().await.unwrap());
        let response = desk.admin.post_json(&format!("/api/v1/organizations/{organization}/members"), &json!({ "emails": "ann@initech.test, bob@initech.test" })).await;
        assert!(response.status().is_success(), "{:?}", response.text().await);
        assert_eq!(use_of(&licenses(&desk.admin).await, "self-service").0, 2);
        let become_partner = || async {
            let record: Value = desk.admin.get(&format!("/api/v1/objects/account/records/{}", account["id"].as_str().unwrap())).await.json().await.unwrap();
            let response = desk.admin.patch_json(&format!("/api/v1/objects/account/records/{}", account["id"].as_str().unwrap()), &json!({ "version": record["version"], "data": { "type": "Partner" } })).await;
            (response.status(), response.json::<Value>().await.unwrap())
        };
        // Two members, one partner license: refused, saying why, and nobody moves.
        let (status, refused) = become_partner().await;
        assert!(status.is_client_error(), "{status} {refused}");
        assert!(refused.to_string().contains("All 1 licenses of the Partner portal are in use"), "{refused}");
        let after = licenses(&desk.admin).await;
        assert_eq!((use_of(&after, "self-service").0, use_of(&after, "partner")), (2, (0, Some(1))), "{after}");
        // With room for both, both move at once.
        buy(&app, "acme", Purchased { partner: Some(2), ..Purchased::default() }).await;
        let (status, moved) = become_partner().await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        let after = licenses(&desk.admin).await;
        assert_eq!((use_of(&after, "self-service").0, use_of(&after, "partner")), (0, (2, Some(2))), "{after}");
    }
}

on_both_databases! {
    async fn a_license_opens_only_its_configurations_sections(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        crate::partners::run_partner_configuration(&app, "acme").await;
        let (_, partner) = crate::partners::partner(&desk, "Northwind Resellers", "pat@northwind.test").await;
        let holders: Value = desk.admin.get("/api/v1/licenses/partner/users").await.json().await.unwrap();
        assert_eq!(holders["data"][0]["login"], "pat@northwind.test", "a partner organization's member holds a partner license: {holders}");
        let pat = holders["data"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(partner.get("/api/v1/objects/lead/records").await.status(), StatusCode::OK);
        // Moved to a self-service license, the partner's sections are closed to them.
        let moved = desk.admin.put_json(&format!("/api/v1/users/{pat}/license"), &json!({ "license": "self-service" })).await;
        assert_eq!(moved.status(), StatusCode::OK);
        assert_eq!(partner.get("/api/v1/objects/lead/records").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(partner.get("/records/lead").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(partner.get("/api/v1/objects/case/records").await.status(), StatusCode::OK, "self-service still opens support");
        let moved = desk.admin.put_json(&format!("/api/v1/users/{pat}/license"), &json!({ "license": "partner" })).await;
        assert_eq!(moved.status(), StatusCode::OK);
        assert_eq!(partner.get("/api/v1/objects/lead/records").await.status(), StatusCode::OK);
    }
}

/// The rate-limit fields of an answer: (limit, remaining, seconds to reset).
fn rate_limit(response: &reqwest::Response) -> (u64, u64, u64) {
    let field = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let policy = field("ratelimit-policy").expect("RateLimit-Policy");
    let limit = field("ratelimit").expect("RateLimit");
    let number = |text: &str, key: &str| -> u64 {
        text.split(';')
            .find_map(|part| part.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key} in {text}"))
            .parse()
            .unwrap()
    };
    assert!(
        policy.starts_with("\"daily\";") && policy.ends_with(";w=86400"),
        "{policy}"
    );
    (
        number(&policy, "q="),
        number(&limit, "r="),
        number(&limit, "t="),
    )
}

on_both_databases! {
    async fn portal_users_past_the_daily_api_limit_get_429_with_the_headers(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        let first = customer.get("/api/v1/notifications/unread").await;
        assert_eq!(first.status(), StatusCode::OK);
        let (limit, remaining, reset) = rate_limit(&first);
        assert_eq!((limit, remaining), (1_000, 999));
        assert!((1..=86_400).contains(&reset), "{reset}");
        for n in 2..=1_000 {
            let response = customer.get("/api/v1/notifications/unread").await;
            let (status, left) = (response.status(), rate_limit(&response).1);
            assert_eq!(status, StatusCode::OK, "call {n}: {}", response.text().await.unwrap());
            assert_eq!(left, 1_000 - n as u64, "call {n}");
        }
        let refused = customer.get("/api/v1/notifications/unread").await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert_eq!(rate_limit(&refused).1, 0);
        assert!(retry >= 1 && retry <= rate_limit(&refused).2 + 1, "{retry}");
        let body: Value = refused.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("1000 API calls allowed today"), "{body}");
        // Pages of the portal do not count and still work; employees are not limited here.
        assert_eq!(customer.get("/cases").await.status(), StatusCode::OK);
        let staff = desk.admin.get("/api/v1/licenses").await;
        assert_eq!(staff.status(), StatusCode::OK);
        assert!(staff.headers().get("ratelimit").is_none());
        // The counts reach the database in batches, and a new day starts afresh.
        portico::api_limit::flush(&app.app).await.unwrap();
        app.clock.advance(chrono::Duration::days(1));
        let next_day = customer.get("/api/v1/notifications/unread").await;
        assert_eq!(next_day.status(), StatusCode::OK);
        assert_eq!(rate_limit(&next_day).1, 999);

        // The tenant chooses its limit, within the operator's ceiling.
        let bad = desk.admin.put_json("/api/v1/licenses/api-limit", &json!({ "api_calls_a_day": 100_001 })).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bad = desk.admin.put_json("/api/v1/licenses/api-limit", &json!({ "api_calls_a_day": "many" })).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let forged = customer.put_json("/api/v1/licenses/api-limit", &json!({ "api_calls_a_day": 100_000 })).await;
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let set = desk.admin.put_json("/api/v1/licenses/api-limit", &json!({ "api_calls_a_day": 5_000 })).await;
        assert_eq!(set.status(), StatusCode::OK);
        assert_eq!(licenses(&desk.admin).await["api_calls_a_day"], 5_000);
    }
}

/// Calls the API as `who` `times` times; answers the status of the last call.
async fn calls(who: &Browser, times: usize) -> StatusCode {
    let mut last = StatusCode::OK;
    for _ in 0..times {
        last = who.get("/api/v1/notifications/unread").await.status();
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_count_one_users_api_calls_together() {
    let app = TestApp::spawn(crate::harness::Backend::Postgres).await;
    let desk = Desk::open(&app, "acme").await;
    let set = desk
        .admin
        .put_json(
            "/api/v1/licenses/api-limit",
            &json!({ "api_calls_a_day": 10 }),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let customer = desk.customer("ann@client.test", json!({})).await;
    let node = app.second_node().await;
    let on_b = customer.at(&node.origin("acme"));
    // The first node still knows the tenant as it was for a moment.
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    assert_eq!(calls(&customer, 6).await, StatusCode::OK);
    portico::api_limit::flush(&app.app).await.unwrap();
    // The second node reads the six, then counts four more.
    let fourth = on_b.get("/api/v1/notifications/unread").await;
    assert_eq!(
        rate_limit(&fourth).1,
        3,
        "the second node counts on from the first's six"
    );
    assert_eq!(calls(&on_b, 3).await, StatusCode::OK);
    assert_eq!(calls(&on_b, 1).await, StatusCode::TOO_MANY_REQUESTS);
    portico::api_limit::flush(&node.app).await.unwrap();
    // Once its own count is older than a second, the first node learns the others'.
    tokio::time::sleep(portico::api_limit::FRESH + std::time::Duration::from_millis(100)).await;
    assert_eq!(calls(&customer, 1).await, StatusCode::TOO_MANY_REQUESTS);
    // A node started afresh (a restart) knows the day's count from the database.
    drop(node);
    let third = app.second_node().await;
    assert_eq!(
        calls(&customer.at(&third.origin("acme")), 1).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_api_reports_each_tenants_usage_to_the_token_holder() {
    let options = crate::harness::Options {
        settings: vec![("PORTICO_OPERATOR_TOKEN", "operator secret 1".to_owned())],
        ..Default::default()
    };
    let app = TestApp::spawn_with(crate::harness::Backend::Postgres, options).await;
    let desk = Desk::open(&app, "acme").await;
    let customer = desk.customer("ann@client.test", json!({})).await;
    assert_eq!(calls(&customer, 3).await, StatusCode::OK);
    portico::api_limit::flush(&app.app).await.unwrap();
    let platform = format!("http://localhost:{}", app.addr.port());
    let client = reqwest::Client::new();
    let usage = client
        .get(format!("{platform}/operator/v1/tenants/acme/usage"))
        .bearer_auth("operator secret 1")
        .send()
        .await
        .unwrap();
    assert_eq!(usage.status(), StatusCode::OK);
    let usage: Value = usage.json().await.unwrap();
    assert_eq!(usage["api_calls"][6]["calls"], 3, "{usage}");
    assert_eq!(use_of(&usage["licenses"], "self-service"), (1, Some(100)));
    let all: Value = client
        .get(format!("{platform}/operator/v1/usage"))
        .bearer_auth("operator secret 1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["data"][0]["slug"], "acme");
    // Prometheus has the installation's totals, never a tenant's name.
    let metrics = client
        .get(format!("{platform}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for name in [
        "portico_api_calls_total",
        "portico_tenants",
        "portico_storage_bytes",
    ] {
        assert!(metrics.contains(name), "{name} in {metrics}");
    }
    assert!(!metrics.contains("acme"));
    // A wrong or missing token, an unknown tenant, and a tenant's host get nothing.
    for (url, token, expected) in [
        (
            format!("{platform}/operator/v1/usage"),
            Some("guess"),
            StatusCode::UNAUTHORIZED,
        ),
        (
            format!("{platform}/operator/v1/usage"),
            None,
            StatusCode::UNAUTHORIZED,
        ),
        (
            format!("{platform}/operator/v1/tenants/ghost/usage"),
            Some("operator secret 1"),
            StatusCode::NOT_FOUND,
        ),
        (
            format!("{}/operator/v1/usage", desk.tenant.origin),
            Some("operator secret 1"),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let mut request = Browser::stateless(&platform).client.get(&url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        assert_eq!(request.send().await.unwrap().status(), expected, "{url}");
    }
}
