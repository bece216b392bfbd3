//! The records API on the built-in Contact and Account objects: validation, concurrency,
//! pagination, and every class of bad input, each answered clearly and changing nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, TestApp, error_code, on_both_databases};

const ACCOUNTS: &str = "/api/v1/objects/account/records";
const CONTACTS: &str = "/api/v1/objects/contact/records";

async fn count(browser: &Browser, path: &str) -> usize {
    let list: Value = browser
        .get(&format!("{path}?limit=200"))
        .await
        .json()
        .await
        .unwrap();
    list["data"].as_array().unwrap().len()
}

on_both_databases! {
    async fn employees_create_read_update_and_delete_records(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let response = admin.post_json(ACCOUNTS, &json!({ "data": { "name": "Globex", "type": "Partner", "employees": 120 } })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let account: Value = response.json().await.unwrap();
        assert_eq!(account["number"], "AC-00001");
        assert_eq!(account["version"], 1);
        assert_eq!(account["object"], "account");
        let me: Value = admin.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(account["created_by"], me["id"]);
        assert_eq!(account["owner"], me["id"]);

        let contact: Value = admin
            .post_json(CONTACTS, &json!({ "data": { "full_name": "Hank Scorpio", "email": "hank@globex.test", "account": account["id"] } }))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(contact["number"], "CT-00001");

        let path = format!("{CONTACTS}/{}", contact["id"].as_str().unwrap());
        let fetched: Value = admin.get(&path).await.json().await.unwrap();
        assert_eq!(fetched, contact);

        // A merge patch: change one field, clear another, keep the rest.
        let response = admin.patch_json(&path, &json!({ "version": 1, "data": { "job_title": "CEO", "email": null } })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let updated: Value = response.json().await.unwrap();
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["data"], json!({ "full_name": "Hank Scorpio", "account": account["id"], "job_title": "CEO" }));

        assert_eq!(admin.delete(&path).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(admin.get(&path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(admin.delete(&path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(count(&admin, CONTACTS).await, 0);

        // The object catalogue describes the fields.
        let objects: Value = admin.get("/api/v1/objects").await.json().await.unwrap();
        let codes: Vec<&str> = objects["data"].as_array().unwrap().iter().map(|o| o["code"].as_str().unwrap()).collect();
        assert!(codes.contains(&"account") && codes.contains(&"contact"), "{codes:?}");
        let contact_type: Value = admin.get("/api/v1/objects/contact").await.json().await.unwrap();
        assert_eq!(contact_type["required"], json!(["full_name"]));
    }
}

on_both_databases! {
    async fn invalid_records_are_refused_with_every_field_error_and_nothing_written(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let response = admin
            .post_json(CONTACTS, &json!({ "data": {
                "email": "not-an-email", "birth_date": "31.12.1990", "shoe_size": 44, "job_title": 7,
                "account": uuid::Uuid::now_v7().to_string()
            } }))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "validation_failed");
        let fields = &body["error"]["fields"];
        for field in ["full_name", "email", "birth_date", "shoe_size", "job_title"] {
            assert!(fields[field].is_array(), "no error for {field}: {body}");
        }
        assert_eq!(fields["full_name"], json!(["is required"]));

        // A well-formed reference to a record that does not exist (here, or at all).
        let response = admin
            .post_json(CONTACTS, &json!({ "data": { "full_name": "Ann", "account": uuid::Uuid::now_v7().to_string() } }))
            .await;
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["fields"]["account"], json!(["no account with this id"]));
        // Data must be an object.
        let response = admin.post_json(CONTACTS, &json!({ "data": ["full_name"] })).await;
        assert_eq!(error_code(response).await, (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed".into()));
        assert_eq!(count(&admin, CONTACTS).await, 0);

        // An invalid change to an existing record leaves it as it was.
        let created: Value = admin.post_json(CONTACTS, &json!({ "data": { "full_name": "Ann" } })).await.json().await.unwrap();
        let path = format!("{CONTACTS}/{}", created["id"].as_str().unwrap());
        let response = admin.patch_json(&path, &json!({ "version": 1, "data": { "full_name": "", "email": "x" } })).await;
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["fields"]["full_name"], json!(["must not be empty"]));
        assert_eq!(body["error"]["fields"]["email"], json!(["is not a valid e-mail address"]));
        let unchanged: Value = admin.get(&path).await.json().await.unwrap();
        assert_eq!(unchanged, created);
    }
}

on_both_databases! {
    async fn a_stale_version_is_a_conflict_and_changes_nothing(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let created: Value = admin.post_json(ACCOUNTS, &json!({ "data": { "name": "Initech" } })).await.json().await.unwrap();
        let path = format!("{ACCOUNTS}/{}", created["id"].as_str().unwrap());
        let first = admin.patch_json(&path, &json!({ "version": 1, "data": { "city": "Austin" } })).await;
        assert_eq!(first.status(), StatusCode::OK);
        let second = admin.patch_json(&path, &json!({ "version": 1, "data": { "city": "Dallas" } })).await;
        let (status, code) = error_code(second).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "conflict"));
        let current: Value = admin.get(&path).await.json().await.unwrap();
        assert_eq!((current["data"]["city"].as_str(), current["version"].as_i64()), (Some("Austin"), Some(2)));

        // Concurrent writers with the same version: exactly one wins.
        let attempts = (0..6).map(|i| {
            let admin = admin.clone();
            let path = path.clone();
            async move { admin.patch_json(&path, &json!({ "version": 2, "data": { "city": format!("City {i}") } })).await.status() }
        });
        let statuses = futures_join(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 5, "{statuses:?}");
    }
}

async fn futures_join<F: Future<Output = StatusCode> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<StatusCode> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

on_both_databases! {
    async fn lists_page_through_every_record_once_newest_first(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        for i in 1..=7 {
            let response = admin.post_json(ACCOUNTS, &json!({ "data": { "name": format!("Account {i}") } })).await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("{ACCOUNTS}?limit=3&cursor={c}"),
                None => format!("{ACCOUNTS}?limit=3"),
            };
            let page: Value = admin.get(&path).await.json().await.unwrap();
            seen.extend(page["data"].as_array().unwrap().iter().map(|r| r["data"]["name"].as_str().unwrap().to_owned()));
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let expected: Vec<String> = (1..=7).rev().map(|i| format!("Account {i}")).collect();
        assert_eq!(seen, expected);

        // What the API's schema refuses is malformed (400); what it allows but names nothing
        // (a cursor, a column, an operator) cannot be listed (422).
        for bad in ["?limit=0", "?limit=201", "?limit=x"] {
            let (status, _) = error_code(admin.get(&format!("{ACCOUNTS}{bad}")).await).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        }
        for bad in ["?cursor=garbage", "?sort=shoe_size", "?filter=name:like:x", "?filter=name"] {
            let (status, _) = error_code(admin.get(&format!("{ACCOUNTS}{bad}")).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
    }
}

on_both_databases! {
    async fn every_class_of_bad_input_gets_a_clear_error(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let post_raw = |body: Vec<u8>, content_type: &'static str| {
            // Each on fresh connections: the server drops one after refusing an oversized body.
            let admin = admin.on_new_connections();
            async move {
                admin.client.post(admin.url(ACCOUNTS)).header("content-type", content_type).body(body).send().await.unwrap()
            }
        };
        // Malformed JSON, JSON of the wrong shape, the wrong media type, an oversized body.
        let (status, code) = error_code(post_raw(b"{\"data\": {".to_vec(), "application/json").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "malformed_json"));
        let (status, code) = error_code(post_raw(b"{\"data\": {}, \"extra\": 1}".to_vec(), "application/json").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::BAD_REQUEST, "malformed_json"));
        let (status, code) = error_code(post_raw(b"{\"data\":{\"name\":\"x\"}}".to_vec(), "text/plain").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
        let huge = format!("{{\"data\":{{\"name\":\"{}\"}}}}", "x".repeat(2 * 1024 * 1024));
        let (status, code) = error_code(post_raw(huge.into_bytes(), "application/json").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
        // Unknown objects and endpoints.
        let (status, code) = error_code(admin.get("/api/v1/objects/spaceship/records").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
        let (status, _) = error_code(admin.get("/api/v1/nothing-here").await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // PATCH without a version is malformed, not a blind overwrite.
        let created: Value = admin.post_json(ACCOUNTS, &json!({ "data": { "name": "Kept" } })).await.json().await.unwrap();
        let path = format!("{ACCOUNTS}/{}", created["id"].as_str().unwrap());
        let (status, _) = error_code(admin.patch_json(&path, &json!({ "data": { "name": "Lost" } })).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        // Anonymous callers learn nothing.
        let anonymous = Browser::stateless(&tenant.origin);
        for path in [ACCOUNTS, path.as_str(), "/api/v1/objects/spaceship/records"] {
            let (status, code) = error_code(anonymous.get(path).await).await;
            assert_eq!((status, code.as_str()), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{path}");
        }
        assert_eq!(count(&admin, ACCOUNTS).await, 1, "only the one valid record exists");
        let kept: Value = admin.get(&path).await.json().await.unwrap();
        assert_eq!(kept["data"]["name"], "Kept");
    }
}

on_both_databases! {
    async fn record_numbers_stay_unique_under_concurrent_creation(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let creations = (0..20).map(|i| {
            let admin = admin.clone();
            async move {
                let response = admin.post_json(ACCOUNTS, &json!({ "data": { "name": format!("Parallel {i}") } })).await;
                assert_eq!(response.status(), StatusCode::CREATED);
                response.json::<Value>().await.unwrap()["number"].as_str().unwrap().to_owned()
            }
        });
        // Refused ones among them (no name) use no number up: they are refused before it is drawn.
        let refusals = (0..5).map(|_| {
            let admin = admin.clone();
            async move {
                let response = admin.post_json(ACCOUNTS, &json!({ "data": { "employees": 3 } })).await;
                assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            }
        });
        let refused: Vec<_> = refusals.map(tokio::spawn).collect();
        let handles: Vec<_> = creations.map(tokio::spawn).collect();
        let mut numbers = Vec::new();
        for handle in handles {
            numbers.push(handle.await.unwrap());
        }
        for handle in refused {
            handle.await.unwrap();
        }
        numbers.sort();
        let expected: Vec<String> = (1..=20).map(|n| format!("AC-{n:05}")).collect();
        assert_eq!(numbers, expected);
    }
}

/// Sends `bytes` as a file named `name` to a record's files.
async fn upload(
    who: &Browser,
    path: &str,
    name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    who.client
        .post(who.url(&format!("{path}/files?name={name}")))
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

on_both_databases! {
    async fn files_are_attached_to_records_through_the_api_within_the_limits(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let created: Value = admin.post_json(ACCOUNTS, &json!({ "data": { "name": "Filed Co" } })).await.json().await.unwrap();
        let path = format!("{ACCOUNTS}/{}", created["id"].as_str().unwrap());

        let response = upload(&admin, &path, "notes.txt", "text/plain", b"hello, files".to_vec()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let file: Value = response.json().await.unwrap();
        assert_eq!((file["file_name"].as_str(), file["size"].as_i64()), (Some("notes.txt"), Some(12)), "{file}");
        let listed: Value = admin.get(&format!("{path}/files")).await.json().await.unwrap();
        assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
        let download = admin.get(&format!("/api/v1/files/{}", file["id"].as_str().unwrap())).await;
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(download.bytes().await.unwrap().as_ref(), b"hello, files");

        // Too large (refused before it is read), empty, nameless: refused, nothing attached.
        let limit = app.app.config.max_attachment_bytes as usize;
        let (status, answer) = admin.declare_body(&format!("{path}/files?name=big.bin"), limit + 1).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(answer.contains("\"too_large\""), "{answer}");
        let response = upload(&admin, &path, "empty.txt", "text/plain", Vec::new()).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = admin.client.post(admin.url(&format!("{path}/files"))).body("x").send().await.unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
        // Nobody else's to attach to: signed out, another tenant, a customer without the record.
        let stranger = tenant.browser();
        assert_eq!(upload(&stranger, &path, "a.txt", "text/plain", b"a".to_vec()).await.status(), StatusCode::UNAUTHORIZED);
        let other = app.tenant("globex").await.admin_browser().await;
        assert_eq!(upload(&other, &path, "a.txt", "text/plain", b"a".to_vec()).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(other.get(&format!("{path}/files")).await.status(), StatusCode::NOT_FOUND);
        let listed: Value = admin.get(&format!("{path}/files")).await.json().await.unwrap();
        assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
    }
}
