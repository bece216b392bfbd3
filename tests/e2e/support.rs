//! Support cases end to end: agreements and deadlines on a new case, the portal actions with their
//! exact field changes, the conversation (complaints, closed cases, files), concurrent numbering,
//! the console's queue, and what other customers and tenants cannot reach.

use std::collections::BTreeSet;

use portico::clock::Clock;
use reqwest::{StatusCode, multipart::Form};
use serde_json::{Value, json};

use crate::harness::{Browser, TestApp, TestTenant, location, on_both_databases};

/// A tenant with its administrator signed in to the console.
pub struct Desk {
    pub tenant: TestTenant,
    pub admin: Browser,
}

impl Desk {
    pub async fn open(app: &TestApp, slug: &str) -> Self {
        let tenant = app.tenant(slug).await;
        let admin = tenant.admin_browser().await;
        Self { tenant, admin }
    }

    /// Creates a record through the API as the administrator; returns it.
    pub async fn create(&self, object: &str, data: Value) -> Value {
        create_as(&self.admin, object, data).await
    }

    /// A portal customer (with a Contact of `contact` fields), signed in to the portal.
    pub async fn customer(&self, email: &str, contact: Value) -> Browser {
        let mut fields = json!({ "full_name": email, "email": email });
        fields
            .as_object_mut()
            .unwrap()
            .extend(contact.as_object().cloned().unwrap_or_default());
        self.create("contact", fields).await;
        let (_, login) = self
            .tenant
            .create_user(&self.admin, email, "external", "customer password 1")
            .await;
        let browser = self.tenant.browser();
        assert_eq!(
            browser.sign_in_portal(&login).await.status(),
            StatusCode::SEE_OTHER
        );
        browser
    }

    /// Moves a case to `status` as support (through the records API, with its version).
    pub async fn move_case(&self, id: &str, status: &str) -> Value {
        let case: Value = self
            .admin
            .get(&format!("/api/v1/objects/case/records/{id}"))
            .await
            .json()
            .await
            .unwrap();
        let response = self
            .admin
            .patch_json(
                &format!("/api/v1/objects/case/records/{id}"),
                &json!({ "version": case["version"], "data": { "status": status } }),
            )
            .await;
        let code = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(code, StatusCode::OK, "moving {id} to {status}: {body}");
        body
    }
}

/// Opens a case through the API; answers the status and body.
pub async fn open_case(who: &Browser, data: Value) -> (StatusCode, Value) {
    let response = who
        .post_json("/api/v1/objects/case/records", &json!({ "data": data }))
        .await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn case(who: &Browser, id: &str) -> Value {
    let response = who.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A service with response and resolution times, and a default agreement.
pub async fn standard_terms(desk: &Desk) -> (String, String) {
    let service = desk
        .create(
            "service",
            json!({ "name": "Printer repair", "category": "Incident", "response_minutes": 60, "resolution_minutes": 480 }),
        )
        .await;
    let agreement = desk
        .create(
            "service_agreement",
            json!({ "name": "Standard", "is_default": true, "state": "Active" }),
        )
        .await;
    (
        service["id"].as_str().unwrap().to_owned(),
        agreement["id"].as_str().unwrap().to_owned(),
    )
}

fn id(record: &Value) -> String {
    record["id"].as_str().unwrap().to_owned()
}

/// The case's fields except those an action may change.
fn untouched(data: &Value, changed: &[&str]) -> Value {
    let mut data = data.as_object().unwrap().clone();
    for field in changed {
        data.remove(*field);
    }
    Value::Object(data)
}

on_both_databases! {
    async fn a_new_case_gets_its_terms_and_the_portal_actions_change_exactly_their_fields(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, agreement) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;

        // Subject from service and category; deadlines in calendar time (no calendar).
        let (status, created) = open_case(&customer, json!({ "service": service, "description": "It jams" })).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let data = &created["data"];
        assert_eq!(data["status"], "New");
        assert_eq!(data["category"], "Incident");
        assert_eq!(data["subject"], "Incident: Printer repair");
        assert_eq!(data["service_agreement"], agreement.as_str());
        let now = app.clock.now();
        assert_eq!(data["response_deadline"], portico::store::Timestamp(now.0 + chrono::Duration::minutes(60)).to_db());
        assert_eq!(data["resolution_deadline"], portico::store::Timestamp(now.0 + chrono::Duration::minutes(480)).to_db());
        assert!(created["number"].as_str().unwrap().starts_with("SR-"));

        // Cancel: Canceled, reason, first and actual resolution and closed-on set; nothing else.
        let cancel_id = id(&created);
        app.clock.advance(chrono::Duration::minutes(5));
        let at = app.clock.now().to_db();
        let response = customer.post_json(&format!("/api/v1/cases/{cancel_id}/actions/cancel"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let canceled: Value = response.json().await.unwrap();
        let changed = ["status", "closure_reason", "first_resolution_on", "actual_resolution_on", "closed_on"];
        assert_eq!(canceled["data"]["status"], "Canceled");
        assert_eq!(canceled["data"]["closure_reason"], "Canceled by user");
        for field in &changed[2..] {
            assert_eq!(canceled["data"][field], at.as_str(), "{field}");
        }
        assert_eq!(untouched(&canceled["data"], &changed), untouched(data, &changed));
        // Cancelling again, closing or re-opening a canceled case is refused and changes nothing.
        for action in ["cancel", "close", "reopen"] {
            let response = customer.post_json(&format!("/api/v1/cases/{cancel_id}/actions/{action}"), &json!({})).await;
            assert_eq!(response.status(), StatusCode::CONFLICT, "{action}");
        }
        assert_eq!(case(&customer, &cancel_id).await["record"]["version"], canceled["version"]);

        // Close: only from Resolved or Waiting for response.
        let (_, second) = open_case(&customer, json!({ "service": service, "subject": "Toner", "description": "Empty" })).await;
        let second_id = id(&second);
        assert_eq!(second["data"]["subject"], "Toner");
        let response = customer.post_json(&format!("/api/v1/cases/{second_id}/actions/close"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("cannot be closed"), "{body}");
        let resolved = desk.move_case(&second_id, "Resolved").await;
        assert_eq!(resolved["data"]["first_resolution_on"], app.clock.now().to_db());
        app.clock.advance(chrono::Duration::minutes(3));
        let at = app.clock.now().to_db();
        let closed: Value = customer.post_json(&format!("/api/v1/cases/{second_id}/actions/close"), &json!({})).await.json().await.unwrap();
        let changed = ["status", "closure_reason", "closed_on"];
        assert_eq!(closed["data"]["status"], "Closed");
        assert_eq!(closed["data"]["closure_reason"], "Closed by user");
        assert_eq!(closed["data"]["closed_on"], at.as_str());
        assert_eq!(untouched(&closed["data"], &changed), untouched(&resolved["data"], &changed));

        // Reopen: from Waiting for response (or Resolved) to Re-opened; closed-on cleared.
        let (_, third) = open_case(&customer, json!({ "service": service, "description": "Again" })).await;
        let third_id = id(&third);
        desk.move_case(&third_id, "In progress").await;
        let waiting = desk.move_case(&third_id, "Waiting for response").await;
        let reopened: Value = customer.post_json(&format!("/api/v1/cases/{third_id}/actions/reopen"), &json!({})).await.json().await.unwrap();
        assert_eq!(reopened["data"]["status"], "Re-opened");
        assert!(reopened["data"].get("closed_on").is_none_or(Value::is_null));
        assert_eq!(untouched(&reopened["data"], &["status", "closed_on"]), untouched(&waiting["data"], &["status", "closed_on"]));

        // Support cannot make an illegal move either (New → Closed), and nothing changes.
        let (_, fourth) = open_case(&customer, json!({ "service": service, "description": "x" })).await;
        let response = desk.admin.patch_json(
            &format!("/api/v1/objects/case/records/{}", id(&fourth)),
            &json!({ "version": fourth["version"], "data": { "status": "Closed" } }),
        ).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(case(&customer, &id(&fourth)).await["status"], "New");

        // An unknown action is not found; another customer cannot see or act on the case.
        let response = customer.post_json(&format!("/api/v1/cases/{third_id}/actions/escalate"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let stranger = desk.customer("bob@other.test", json!({})).await;
        for path in [format!("/api/v1/cases/{third_id}"), format!("/cases/{third_id}")] {
            assert_eq!(stranger.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let response = stranger.post_json(&format!("/api/v1/cases/{third_id}/actions/cancel"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(case(&customer, &third_id).await["status"], "Re-opened");
        // Another tenant's customer neither.
        let elsewhere = Desk::open(&app, "globex").await;
        let outsider = elsewhere.customer("eve@globex.test", json!({})).await;
        assert_eq!(outsider.get(&format!("/api/v1/cases/{third_id}")).await.status(), StatusCode::NOT_FOUND);

        // Feedback: only once finished, 1 to 5.
        let response = customer.post_json(&format!("/api/v1/cases/{third_id}/feedback"), &json!({ "satisfaction": 5 })).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        for bad in [json!({ "satisfaction": 0 }), json!({ "satisfaction": 6 }), json!({ "satisfaction": "five" })] {
            let response = customer.post_json(&format!("/api/v1/cases/{second_id}/feedback"), &bad).await;
            assert!(response.status().is_client_error(), "{bad}");
        }
        let response = customer.post_json(&format!("/api/v1/cases/{second_id}/feedback"), &json!({ "satisfaction": 4, "notes": "Quick" })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let rated = case(&customer, &second_id).await;
        assert_eq!(rated["record"]["data"]["satisfaction"], 4);
        assert_eq!(rated["record"]["data"]["feedback_notes"], "Quick");
    }
}

on_both_databases! {
    async fn the_agreement_is_chosen_by_contact_then_department_then_account_then_default(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, default) = standard_terms(&desk).await;
        let agreement = |name: &'static str| {
            let desk = &desk;
            async move { id(&desk.create("service_agreement", json!({ "name": name, "state": "Active" })).await) }
        };
        let account = id(&desk.create("account", json!({ "name": "Client Ltd" })).await);
        let department = id(&desk.create("department", json!({ "name": "Finance", "account": account })).await);
        let gold = agreement("Gold").await;
        let silver = agreement("Silver").await;
        let bronze = agreement("Bronze").await;
        let account_wide = agreement("Account wide").await;
        desk.create("service_object", json!({ "agreement": account_wide, "account": account })).await;
        desk.create("service_object", json!({ "agreement": bronze, "department": department })).await;

        // None: a customer of no account gets the default agreement.
        let loner = desk.customer("loner@client.test", json!({})).await;
        let (_, created) = open_case(&loner, json!({ "service": service, "description": "d" })).await;
        assert_eq!(created["data"]["service_agreement"], default.as_str());

        // Account: a contact of the account (no department) gets the account's agreement.
        let member = desk.customer("member@client.test", json!({ "account": account })).await;
        let (_, created) = open_case(&member, json!({ "service": service, "description": "d" })).await;
        assert_eq!(created["data"]["service_agreement"], account_wide.as_str());

        // Department beats account.
        let clerk = desk.customer("clerk@client.test", json!({ "account": account, "department": department })).await;
        let (_, created) = open_case(&clerk, json!({ "service": service, "description": "d" })).await;
        assert_eq!(created["data"]["service_agreement"], bronze.as_str());

        // Contact beats department; one match fills the field.
        let vip = desk.customer("vip@client.test", json!({ "account": account, "department": department })).await;
        let vip_contact = desk.admin.get("/api/v1/objects/contact/records?filter=email:eq:vip@client.test").await.json::<Value>().await.unwrap()["data"][0]["id"].as_str().unwrap().to_owned();
        desk.create("service_object", json!({ "agreement": gold, "contact": vip_contact })).await;
        let (_, created) = open_case(&vip, json!({ "service": service, "description": "d" })).await;
        assert_eq!(created["data"]["service_agreement"], gold.as_str());

        // Several of the same priority: the user chooses among them; nothing else is accepted.
        desk.create("service_object", json!({ "agreement": silver, "contact": vip_contact })).await;
        let (_, page) = vip.get_text("/cases/new").await;
        assert!(page.contains("Gold") && page.contains("Silver") && !page.contains("Bronze"), "{page}");
        let (status, refused) = open_case(&vip, json!({ "service": service, "description": "d" })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused["error"]["fields"]["service_agreement"][0].as_str().unwrap().contains("Gold"));
        let (status, _) = open_case(&vip, json!({ "service": service, "description": "d", "service_agreement": bronze })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, created) = open_case(&vip, json!({ "service": service, "description": "d", "service_agreement": silver })).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(created["data"]["service_agreement"], silver.as_str());
        // A customer cannot pick someone else's agreement either.
        let (status, created) = open_case(&loner, json!({ "service": service, "description": "d", "service_agreement": gold })).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(created["data"]["service_agreement"], default.as_str());
    }
}

on_both_databases! {
    async fn many_cases_opened_at_once_get_distinct_numbers(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let customers = [
            desk.customer("a@client.test", json!({})).await,
            desk.customer("b@client.test", json!({})).await,
            desk.customer("c@client.test", json!({})).await,
            desk.customer("d@client.test", json!({})).await,
        ];
        let mut tasks = tokio::task::JoinSet::new();
        for round in 0..10 {
            for customer in &customers {
                let customer = customer.clone();
                let service = service.clone();
                tasks.spawn(async move {
                    let (status, body) = open_case(&customer, json!({ "service": service, "description": format!("round {round}") })).await;
                    assert_eq!(status, StatusCode::CREATED, "{body}");
                    body["number"].as_str().unwrap().to_owned()
                });
            }
        }
        let numbers: Vec<String> = tasks.join_all().await;
        let distinct: BTreeSet<&String> = numbers.iter().collect();
        assert_eq!(numbers.len(), 40);
        assert_eq!(distinct.len(), 40, "duplicates among {numbers:?}");
        let expected: BTreeSet<String> = (1..=40).map(|n| format!("SR-{n:05}")).collect();
        assert_eq!(distinct.into_iter().cloned().collect::<BTreeSet<_>>(), expected);
    }
}

/// Posts a message form (multipart) from a case page, as the browser does.
pub async fn post_message(
    who: &Browser,
    page: &str,
    action: &str,
    kind: &str,
    body: &str,
    files: Vec<(&str, &str, Vec<u8>)>,
) -> reqwest::Response {
    who.submit_multipart(page, action, &[("kind", kind), ("body", body)], files)
        .await
}

const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
];

on_both_databases! {
    async fn the_conversation_takes_files_and_complaints_but_no_messages_once_closed(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        let (_, created) = open_case(&customer, json!({ "service": service, "description": "Broken" })).await;
        let case_id = id(&created);
        let page = format!("/cases/{case_id}");
        let action = format!("/cases/{case_id}/messages");

        // A message with two files.
        let response = post_message(&customer, &page, &action, "message", "Here are photos", vec![
            ("photo.png", "image/png", PNG.to_vec()),
            ("notes.txt", "text/plain", b"serial 123".to_vec()),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = customer.get_text(&page).await;
        assert!(html.contains("Here are photos") && html.contains("photo.png") && html.contains("notes.txt"), "{html}");
        let messages: Value = customer.get(&format!("/api/v1/cases/{case_id}/messages")).await.json().await.unwrap();
        let file = messages["data"][0]["attachments"].as_array().unwrap().iter().find(|f| f["file_name"] == "notes.txt").unwrap()["id"].as_str().unwrap().to_owned();
        let download = customer.get(&format!("/files/{file}")).await;
        assert_eq!(download.status(), StatusCode::OK);
        assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(download.headers()["x-content-type-options"], "nosniff");
        assert_eq!(download.bytes().await.unwrap().as_ref(), b"serial 123");
        // Support sees the file; another customer does not.
        assert_eq!(desk.admin.get(&format!("/console/files/{file}")).await.status(), StatusCode::OK);
        let stranger = desk.customer("bob@client.test", json!({})).await;
        assert_eq!(stranger.get(&format!("/files/{file}")).await.status(), StatusCode::NOT_FOUND);
        let response = post_message(&stranger, "/cases", &action, "message", "hijack", vec![]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(customer.get(&format!("/api/v1/cases/{case_id}/messages")).await.json::<Value>().await.unwrap()["data"].as_array().unwrap().len(), 1);

        // Bad files: a disguised executable, an empty file, too many files, too big a file.
        let elf = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let too_many: Vec<(&str, &str, Vec<u8>)> = (0..11).map(|_| ("a.txt", "text/plain", b"x".to_vec())).collect();
        let big = vec![b'a'; app.app.config.max_attachment_bytes as usize + 1];
        // Checked files come back to the page with the reason; limits stop the upload at once.
        for (what, files) in [
            ("executable", vec![("cat.png", "image/png", elf)]),
            ("empty", vec![("empty.txt", "text/plain", Vec::new())]),
        ] {
            let response = post_message(&customer, &page, &action, "message", "bad", files).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{what}");
            let (_, html) = customer.get_text(&location(&response)).await;
            assert!(html.contains("alert error"), "{what}: {html}");
        }
        for (what, files, status, reason) in [
            ("too many", too_many, StatusCode::UNPROCESSABLE_ENTITY, "at most 10 files"),
            ("too big", vec![("big.txt", "text/plain", big)], StatusCode::PAYLOAD_TOO_LARGE, "too large"),
        ] {
            let response = post_message(&customer, &page, &action, "message", "bad", files).await;
            assert_eq!(response.status(), status, "{what}");
            assert!(response.text().await.unwrap().contains(reason), "{what}");
        }
        // A message without a CSRF token is refused.
        let response = customer.client.post(customer.url(&action)).multipart(Form::new().text("body", "no token")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let messages: Value = customer.get(&format!("/api/v1/cases/{case_id}/messages")).await.json().await.unwrap();
        assert_eq!(messages["data"].as_array().unwrap().len(), 1, "a refused message was stored");

        // Closed: a message is refused, a complaint is taken and flags the case.
        desk.move_case(&case_id, "Resolved").await;
        customer.post_json(&format!("/api/v1/cases/{case_id}/actions/close"), &json!({})).await;
        let response = customer.post_json(&format!("/api/v1/cases/{case_id}/messages"), &json!({ "body": "One more thing" })).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let response = post_message(&customer, &page, &action, "message", "One more thing", vec![]).await;
        let (_, html) = customer.get_text(&location(&response)).await;
        assert!(html.contains("Complain"), "{html}");
        assert!(!html.contains("One more thing</p>"));
        let response = post_message(&customer, &page, &action, "complaint", "Nobody called me back", vec![]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let flagged = case(&customer, &case_id).await;
        assert_eq!(flagged["record"]["data"]["has_complaint"], true);
        // The history: the message, the e-mails the status changes sent, then the complaint.
        let kinds: Vec<String> = flagged["messages"].as_array().unwrap().iter().map(|m| m["kind"].as_str().unwrap().to_owned()).collect();
        assert_eq!(kinds.first().map(String::as_str), Some("message"), "{kinds:?}");
        assert_eq!(kinds.last().map(String::as_str), Some("complaint"), "{kinds:?}");
        assert!(kinds[1..kinds.len() - 1].iter().all(|k| k == "email") && kinds.len() > 2, "{kinds:?}");
        // The support team's queue filters complaints.
        let (_, queue) = desk.admin.get_text("/console/cases?complaint=1").await;
        assert!(queue.contains(created["number"].as_str().unwrap()), "{queue}");
        // Both case tables flag it.
        let (_, mine) = customer.get_text("/cases").await;
        for html in [&queue, &mine] {
            assert!(html.contains("<tr class=\"flagged\">"), "{html}");
        }
        let (_, html) = desk.admin.get_text(&format!("/console/cases/{case_id}")).await;
        assert!(html.contains("Nobody called me back") && html.contains("complaint"));
    }
}

on_both_databases! {
    async fn support_works_the_queue_replies_assigns_and_moves_cases(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        open_case(&customer, json!({ "service": service, "subject": "Late one", "description": "d" })).await;
        app.clock.advance(chrono::Duration::hours(9));
        let (_, fresh) = open_case(&customer, json!({ "service": service, "subject": "Fresh one", "description": "d" })).await;

        // Overdue filter and indicators.
        let (_, queue) = desk.admin.get_text("/console/cases?overdue=1").await;
        assert!(queue.contains("Late one") && !queue.contains("Fresh one"), "{queue}");
        assert!(queue.contains("overdue 1 h 0 min"), "{queue}");
        let (_, queue) = desk.admin.get_text("/console/cases?status=New").await;
        assert!(queue.contains("Late one") && queue.contains("Fresh one"));
        let (_, mine) = customer.get_text("/cases").await;
        assert!(mine.contains("1 h 0 min left") && mine.contains("overdue 8 h 0 min"), "{mine}");

        // Reply: the first reply is the response.
        let fresh_id = id(&fresh);
        let page = format!("/console/cases/{fresh_id}");
        let response = post_message(&desk.admin, &page, &format!("{page}/messages"), "message", "We are on it", vec![]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let seen = case(&customer, &fresh_id).await;
        assert_eq!(seen["record"]["data"]["responded_on"], app.clock.now().to_db());
        assert_eq!(seen["messages"][0]["from_support"], true);
        let (_, html) = customer.get_text(&format!("/cases/{fresh_id}")).await;
        assert!(html.contains("We are on it") && html.contains("met"), "{html}");

        // Status through the console form, with the version; a stale version is refused.
        let version = seen["record"]["version"].as_i64().unwrap();
        let response = desk.admin.submit_form(&page, &format!("{page}/status"), &[("status", "In progress"), ("version", &version.to_string())]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(case(&customer, &fresh_id).await["status"], "In progress");
        let response = desk.admin.submit_form(&page, &format!("{page}/status"), &[("status", "Resolved"), ("version", &version.to_string())]).await;
        let (_, html) = desk.admin.get_text(&location(&response)).await;
        assert!(html.contains("alert error"), "{html}");
        assert_eq!(case(&customer, &fresh_id).await["status"], "In progress");

        // Assign to an employee; a portal user cannot be assigned; the customer cannot assign.
        let (agent_id, _) = desk.tenant.create_user(&desk.admin, "agent@acme.test", "employee", "agent password 1").await;
        let response = desk.admin.post_json(&format!("/api/v1/cases/{fresh_id}/assignee"), &json!({ "assignee": agent_id })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let record: Value = desk.admin.get(&format!("/api/v1/objects/case/records/{fresh_id}")).await.json().await.unwrap();
        assert_eq!(record["owner"], agent_id.as_str());
        let me: Value = customer.get("/api/v1/me").await.json().await.unwrap();
        let response = desk.admin.post_json(&format!("/api/v1/cases/{fresh_id}/assignee"), &json!({ "assignee": me["id"] })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = customer.post_json(&format!("/api/v1/cases/{fresh_id}/assignee"), &json!({ "assignee": agent_id })).await;
        assert!(response.status() == StatusCode::FORBIDDEN || response.status() == StatusCode::NOT_FOUND);
        // The customer still sees their case after it changed hands.
        assert_eq!(case(&customer, &fresh_id).await["status"], "In progress");
        // Portal users do not get into the console queue.
        let response = customer.get("/console/cases").await;
        assert_ne!(response.status(), StatusCode::OK);
    }
}

on_both_databases! {
    async fn each_tenant_numbers_its_cases_its_own_way(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        let (_, first) = open_case(&customer, json!({ "service": service, "description": "d" })).await;
        assert_eq!(first["number"], "SR-00001");
        let (_, page) = desk.admin.get_text("/console/cases").await;
        assert!(page.contains("value=\"SR-{00000}\""), "{page}");
        for bad in ["SR-", "SR-{0a0}", "{}", &"x".repeat(50)] {
            let response = desk.admin.submit_form("/console/cases", "/console/cases/numbering", &[("template", bad)]).await;
            let (_, page) = desk.admin.get_text(&location(&response)).await;
            assert!(page.contains("alert error"), "{bad}");
        }
        let response = desk.admin.submit_form("/console/cases", "/console/cases/numbering", &[("template", "ACME-{000}/26")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, second) = open_case(&customer, json!({ "service": service, "description": "d" })).await;
        assert_eq!(second["number"], "ACME-002/26");
        // Another tenant keeps the default; a portal user cannot change it.
        let other = Desk::open(&app, "globex").await;
        let (service, _) = standard_terms(&other).await;
        let outsider = other.customer("eve@globex.test", json!({})).await;
        let (_, theirs) = open_case(&outsider, json!({ "service": service, "description": "d" })).await;
        assert_eq!(theirs["number"], "SR-00001");
        let response = customer.submit_form("/cases", "/console/cases/numbering", &[("template", "X-{0}")]).await;
        assert!(location(&response).starts_with("/console/login") || response.status().is_client_error(), "{}", response.status());
        let (_, third) = open_case(&customer, json!({ "service": first["data"]["service"], "description": "d" })).await;
        assert_eq!(third["number"], "ACME-003/26");
    }
}

/// Every file under a directory, however deep.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            if e.path().is_dir() {
                files_under(&e.path())
            } else {
                vec![e.path()]
            }
        })
        .collect()
}

on_both_databases! {
    async fn a_case_refused_for_one_of_its_files_is_not_created_and_leaves_no_files(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        let elf = vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let response = customer
            .submit_multipart(
                "/cases/new",
                "/cases/new",
                &[("service", &service), ("subject", "Printer jams"), ("description", "Every page")],
                vec![("log.txt", "text/plain", b"a good file".to_vec()), ("photo.png", "image/png", elf)],
            )
            .await;
        assert_eq!((response.status(), location(&response).as_str()), (StatusCode::SEE_OTHER, "/cases/new"));
        let (_, form) = customer.get_text("/cases/new").await;
        assert!(form.contains("photo.png"), "the form says which file: {form}");
        let cases: Value = customer.get("/api/v1/objects/case/records").await.json().await.unwrap();
        assert_eq!(cases["data"], json!([]), "no case without its files");
        let cases: Value = desk.admin.get("/api/v1/objects/case/records").await.json().await.unwrap();
        assert_eq!(cases["data"], json!([]));
        let stored = files_under(&app.app.config.data_dir.join("files"));
        assert!(stored.is_empty(), "files of a refused case were kept: {stored:?}");

        // The same case with good files is created, with them.
        let response = customer
            .submit_multipart("/cases/new", "/cases/new", &[("service", &service), ("subject", "Printer jams"), ("description", "Every page")],
                vec![("log.txt", "text/plain", b"a good file".to_vec())])
            .await;
        let created = location(&response);
        assert!(created.starts_with("/cases/") && created != "/cases/new", "{created}");
        assert_eq!(files_under(&app.app.config.data_dir.join("files")).len(), 1);
    }
}

/// Creates a record through the API as `who`; returns it.
pub async fn create_as(who: &Browser, object: &str, data: Value) -> Value {
    let response = who
        .post_json(
            &format!("/api/v1/objects/{object}/records"),
            &json!({ "data": data }),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "creating a {object}: {body}");
    body
}

on_both_databases! {
    async fn case_tables_page_through_a_long_list(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        for i in 1..=26 {
            let (status, body) = open_case(&customer, json!({ "service": service, "subject": format!("Long list {i:02}."), "description": "d" })).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let subjects = |html: &str| -> BTreeSet<String> {
            html.split("Long list ").skip(1).map(|s| s[..3].to_owned()).collect()
        };
        // 25 cases a page, then a link to the rest with the page's filters.
        for (who, path) in [(&customer, "/cases?status=New"), (&desk.admin, "/console/cases?status=New")] {
            let (_, first) = who.get_text(path).await;
            let next = first
                .split("href=\"")
                .filter_map(|s| s.split('"').next())
                .find(|href| href.contains("cursor="))
                .unwrap_or_else(|| panic!("no next page on {path}: {first}"))
                .replace("&amp;", "&");
            assert!(next.contains("&status=New"), "{next}");
            let (_, second) = who.get_text(&next).await;
            assert!(!second.contains("cursor="), "{second}");
            let (first, second) = (subjects(&first), subjects(&second));
            assert_eq!((first.len(), second.len()), (25, 1), "{path}");
            assert_eq!(first.union(&second).count(), 26, "{path}");
            // A forged cursor is refused on the page, saying so.
            let (status, refused) = who.get_text(&format!("{path}&cursor=forged")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
            assert!(refused.contains("cursor is not one this API returned"), "{refused}");
        }
    }
}
