//! A portal user's own profile: the contact details the tenant shows there, changed by their
//! owner within what the tenant and column permissions allow; the photo; the console's choice
//! of what profiles show. Refused input changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{put, role_named},
    harness::{Browser, TestApp, error_code, location, on_both_databases},
    support::{Desk, standard_terms},
};

/// A 1×1 PNG.
pub const PNG: [u8; 70] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0,
    0, 0, 31, 21, 196, 137, 0, 0, 0, 13, 73, 68, 65, 84, 120, 218, 99, 100, 248, 207, 80, 15, 0, 3,
    134, 1, 128, 90, 52, 125, 107, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

async fn profile_of(who: &Browser) -> Value {
    let response = who.get("/api/v1/me/profile").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn change(who: &Browser, changes: Value) -> (StatusCode, Value) {
    let response = who.patch_json("/api/v1/me/profile", &changes).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn detail<'a>(profile: &'a Value, field: &str) -> Option<&'a Value> {
    profile["details"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == field)
}

async fn put_photo(who: &Browser, bytes: Vec<u8>) -> StatusCode {
    who.client
        .put(who.url("/api/v1/me/photo"))
        .body(bytes)
        .send()
        .await
        .unwrap()
        .status()
}

/// The customer's contact record, as support reads it.
async fn contact_of(desk: &Desk, email: &str) -> Value {
    let found: Value = desk
        .admin
        .get(&format!(
            "/api/v1/objects/contact/records?filter=email:eq:{email}"
        ))
        .await
        .json()
        .await
        .unwrap();
    found["data"][0]["data"].clone()
}

on_both_databases! {
    async fn people_change_their_own_details_as_far_as_the_tenant_lets_them(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let ann = desk.customer("ann@client.test", json!({ "phone": "+1 555 0100" })).await;

        // By default: the name, phone and job title are hers to change; the address is shown.
        let profile = profile_of(&ann).await;
        assert_eq!((profile["login"].as_str(), profile["name_editable"].as_bool(), profile["photo"].as_bool()),
            (Some("ann@client.test"), Some(true), Some(false)), "{profile}");
        assert_eq!(detail(&profile, "email").unwrap()["editable"], false);
        assert_eq!(detail(&profile, "phone").unwrap()["value"], "+1 555 0100");
        assert_eq!(detail(&profile, "phone").unwrap()["editable"], true);
        assert!(detail(&profile, "birth_date").is_none(), "hidden by default");

        // She changes them: the contact record and her name everywhere follow.
        let (status, profile) = change(&ann, json!({ "full_name": "Ann Archer", "phone": "+49 30 1234", "job_title": "Buyer" })).await;
        assert_eq!(status, StatusCode::OK, "{profile}");
        assert_eq!(profile["full_name"], "Ann Archer");
        let me: Value = ann.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["full_name"], "Ann Archer");
        let contact = contact_of(&desk, "ann@client.test").await;
        assert_eq!((contact["full_name"].as_str(), contact["phone"].as_str(), contact["job_title"].as_str()),
            (Some("Ann Archer"), Some("+49 30 1234"), Some("Buyer")), "{contact}");
        // Audited.
        let audit = crate::harness::audit_log(&desk.admin).await;
        assert!(audit["data"].as_array().unwrap().iter().any(|e| e["action"] == "profile.update"), "{audit}");

        // Refused, each naming its field, and nothing changes: the sign-in address, a hidden
        // field, a phone too long, an empty name, a field that does not exist.
        for (changes, field) in [
            (json!({ "email": "mallory@evil.test" }), "email"),
            (json!({ "birth_date": "1990-01-01" }), "birth_date"),
            (json!({ "phone": "9".repeat(51) }), "phone"),
            (json!({ "full_name": "  " }), "full_name"),
            (json!({ "notes": "hi", "phone": "+1" }), "notes"),
            (json!({ "account": uuid::Uuid::now_v7().to_string() }), "account"),
        ] {
            let (status, body) = change(&ann, changes.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{changes}: {body}");
            assert!(body["error"]["fields"][field].is_array(), "{changes}: {body}");
        }
        assert_eq!(ann.client.patch(ann.url("/api/v1/me/profile")).json(&json!(["phone"])).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
        assert_eq!(contact_of(&desk, "ann@client.test").await, contact);
        assert_eq!(profile_of(&ann).await["full_name"], "Ann Archer");

        // The page: her details in a form; a refusal keeps what she typed beside the message.
        let (_, page) = ann.get_text("/profile").await;
        assert!(page.contains("name=\"phone\"") && page.contains("value=\"+49 30 1234\""), "{page}");
        assert!(!page.contains("name=\"email\""), "the address is shown, not asked for");
        assert!(!page.contains("href=\"/console\""), "no way into the console for a customer");
        let long = "B".repeat(251);
        let response = ann.submit_form("/profile", "/profile/details", &[("full_name", "Ann Archer"), ("phone", "+49 30 9999"), ("job_title", &long)]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("value=\"+49 30 9999\"") && page.contains("class=\"field-error\""), "{page}");
        assert_eq!(contact_of(&desk, "ann@client.test").await["phone"], "+49 30 1234");
        let response = ann.submit_form("/profile", "/profile/details", &[("full_name", "Ann Archer"), ("phone", "+49 30 9999"), ("job_title", "Head buyer")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), "/profile");
        assert_eq!(contact_of(&desk, "ann@client.test").await["job_title"], "Head buyer");
        let forged = ann.client.post(ann.url("/profile/details")).form(&[("phone", "forged")]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);

        // The tenant shows the phone read-only and asks for the birth date.
        let settings = json!([{ "field": "phone", "shown": "shown" }, { "field": "birth_date", "shown": "editable" }, { "field": "full_name", "shown": "editable" }]);
        let response = desk.admin.put_json("/api/v1/settings/profile", &settings).await;
        assert_eq!(response.status(), StatusCode::OK);
        let (status, _) = change(&ann, json!({ "phone": "+1 555 0199" })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, body) = change(&ann, json!({ "birth_date": "not a date" })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, profile) = change(&ann, json!({ "birth_date": "1990-05-01" })).await;
        assert_eq!(status, StatusCode::OK, "{profile}");
        assert!(detail(&profile, "job_title").is_none() && detail(&profile, "email").is_none(), "{profile}");

        // Column permissions still apply: read-only for external users, then hidden.
        let external = role_named(&desk.admin, "All external users").await;
        put(&desk.admin, "/api/v1/access/objects/contact/columns", json!({ "field": "birth_date", "grantee": external, "access": "read_only" })).await;
        let profile = profile_of(&ann).await;
        assert_eq!(detail(&profile, "birth_date").unwrap()["editable"], false, "{profile}");
        let (status, _) = change(&ann, json!({ "birth_date": "1991-05-01" })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        put(&desk.admin, "/api/v1/access/objects/contact/columns", json!({ "field": "birth_date", "grantee": external, "access": "hidden" })).await;
        assert!(detail(&profile_of(&ann).await, "birth_date").is_none());

        // Who may choose, and what: only those who configure access; the address is never
        // editable; unknown fields and choices are refused, and nothing changes.
        assert_eq!(ann.put_json("/api/v1/settings/profile", &settings).await.status(), StatusCode::FORBIDDEN);
        for wanted in [json!([{ "field": "email", "shown": "editable" }]), json!([{ "field": "salary", "shown": "shown" }]), json!([{ "field": "phone", "shown": "shown" }, { "field": "phone", "shown": "editable" }])] {
            let (status, _) = error_code(desk.admin.put_json("/api/v1/settings/profile", &wanted).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wanted}");
        }
        let (status, _) = error_code(desk.admin.put_json("/api/v1/settings/profile", &json!([{ "field": "phone", "shown": "sometimes" }])).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let now: Value = desk.admin.get("/api/v1/settings/profile").await.json().await.unwrap();
        let shown = |field: &str| now.as_array().unwrap().iter().find(|s| s["field"] == field).unwrap()["shown"].clone();
        assert_eq!((shown("phone"), shown("birth_date"), shown("email")), (json!("shown"), json!("editable"), json!("hidden")));
        // The console page: the same choice, and a refusal beside its field.
        let (status, page) = desk.admin.get_text("/console/profile-page").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("name=\"birth_date\""), "{page}");
        let response = desk.admin.submit_form("/console/profile-page", "/console/profile-page", &[("phone", "sometimes")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("class=\"field-error\""));
        let response = desk.admin.submit_form("/console/profile-page", "/console/profile-page", &[("phone", "editable"), ("full_name", "editable")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(detail(&profile_of(&ann).await, "phone").unwrap()["editable"], true);

        // Another tenant's settings are its own.
        let globex = Desk::open(&app, "globex").await;
        let theirs: Value = globex.admin.get("/api/v1/settings/profile").await.json().await.unwrap();
        assert!(theirs.as_array().unwrap().iter().any(|s| s["field"] == "job_title" && s["shown"] == "editable"), "{theirs}");
    }
}

on_both_databases! {
    async fn a_photo_is_a_small_png_or_jpeg_and_only_its_owner_gets_it(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let bob = desk.customer("bob@client.test", json!({})).await;

        assert_eq!(put_photo(&ann, PNG.to_vec()).await, StatusCode::OK);
        let photo = ann.get("/api/v1/me/photo").await;
        assert_eq!(photo.status(), StatusCode::OK);
        assert_eq!(photo.headers()["content-type"], "image/png");
        assert_eq!(photo.bytes().await.unwrap().as_ref(), PNG.as_slice());
        assert_eq!(profile_of(&ann).await["photo"], true);
        // On every portal page, beside "Profile".
        let (_, home) = ann.get_text("/").await;
        assert!(home.contains("class=\"avatar\" src=\"/profile/photo?v="), "{home}");
        assert_eq!(ann.get("/profile/photo").await.status(), StatusCode::OK);
        // Bob gets his own (none), never hers.
        assert_eq!(bob.get("/profile/photo").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(bob.get("/api/v1/me/photo").await.status(), StatusCode::NOT_FOUND);

        // Refused: not an image, an SVG (it can carry script), an image too wide, too large
        // a body; the photo stays.
        let mut wide = PNG.to_vec();
        wide[16..20].copy_from_slice(&5000u32.to_be_bytes());
        for bytes in [b"hello".to_vec(), b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(), wide] {
            assert_eq!(put_photo(&ann, bytes).await, StatusCode::UNPROCESSABLE_ENTITY);
        }
        // Refused before it is read: the server may drop that connection, so it gets its own.
        assert_eq!(put_photo(&ann.on_new_connections(), vec![0; 2 * 1024 * 1024]).await, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(ann.get("/api/v1/me/photo").await.bytes().await.unwrap().as_ref(), PNG.as_slice());
        // The page's form says why, on the page.
        let response = ann.submit_files("/profile", "/profile/photo", &[], vec![("photo", "cat.gif", "image/gif", b"GIF89a....".to_vec())]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("PNG or JPEG"));
        let response = ann.submit_files("/profile", "/profile/photo", &[], vec![]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Removed through the page; signed out or from another tenant, there is none to get.
        let response = ann.submit_form("/profile", "/profile/photo/remove", &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(ann.get("/api/v1/me/photo").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(profile_of(&ann).await["photo"], false);
        let stranger = desk.tenant.browser();
        assert_eq!(stranger.get("/api/v1/me/photo").await.status(), StatusCode::UNAUTHORIZED);
        let globex = Desk::open(&app, "globex").await;
        let at_globex = ann.at(&globex.tenant.origin);
        assert_eq!(at_globex.get("/api/v1/me/photo").await.status(), StatusCode::UNAUTHORIZED);
    }
}

on_both_databases! {
    async fn people_see_the_agreements_that_serve_them_and_their_organization(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (printers, _) = standard_terms(&desk).await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let bob = desk.customer("bob@client.test", json!({})).await;

        // Nobody named: the default agreement, which lists no services, covers everyone.
        let services: Value = ann.get("/api/v1/me/services").await.json().await.unwrap();
        assert_eq!(services, json!([{ "name": "Standard", "every_service": true, "services": [] }]));

        // A gold agreement names Ann's contact and lists its one service: hers, not Bob's.
        let gold = desk.create("service_agreement", json!({ "name": "Gold", "state": "Active" })).await;
        let gold = gold["id"].as_str().unwrap();
        desk.create("agreement_service", json!({ "agreement": gold, "service": printers })).await;
        let contacts: Value = desk.admin.get("/api/v1/objects/contact/records?filter=email:eq:ann@client.test").await.json().await.unwrap();
        desk.create("service_object", json!({ "agreement": gold, "contact": contacts["data"][0]["id"] })).await;
        let services: Value = ann.get("/api/v1/me/services").await.json().await.unwrap();
        assert_eq!(services, json!([{ "name": "Gold", "every_service": false, "services": [
            { "name": "Printer repair", "category": "Incident", "response": "1 hour", "resolution": "8 hours" }] }]));
        let (_, page) = ann.get_text("/profile").await;
        assert!(page.contains("id=\"service\"") && page.contains("Printer repair") && page.contains("within 1 hour"), "{page}");
        let theirs: Value = bob.get("/api/v1/me/services").await.json().await.unwrap();
        assert_eq!(theirs[0]["name"], "Standard");

        // An organization's administrator sees the agreements naming its account.
        let account = crate::organizations::account(&desk.admin, "Initech").await;
        let initech = crate::organizations::organization(&desk.admin, &account).await;
        desk.create("service_object", json!({ "agreement": gold, "account": account })).await;
        let (olga_id, olga) = crate::organizations::add_members(&desk.tenant, &desk.admin, &initech, "olga@initech.test", &[]).await.remove(0);
        let response = desk.admin.patch_json(&format!("/api/v1/organizations/{initech}/members/{olga_id}"), &json!({ "admin": true })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let olga = crate::organizations::signed_in(&desk.tenant, &olga).await;
        let profile: Value = olga.get(&format!("/api/v1/organizations/{initech}")).await.json().await.unwrap();
        assert_eq!(profile["agreements"][0]["name"], "Gold", "{profile}");
        let (_, page) = olga.get_text("/organization").await;
        assert!(page.contains("Gold") && page.contains("Printer repair"), "{page}");
        // In German, in German words.
        let response = olga.put_json("/api/v1/me/regional", &json!({ "language": "de", "time_zone": null })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let (_, page) = olga.get_text("/profile").await;
        assert!(page.contains("innerhalb von 1 Stunde"), "{page}");
    }
}

on_both_databases! {
    async fn employees_reach_their_own_profile_from_the_console(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        // The console's header (their name) leads to the profile page.
        let (_, console) = desk.admin.get_text("/console").await;
        assert!(console.contains("<a class=\"who\" href=\"/profile\""), "{console}");
        let (status, page) = desk.admin.get_text("/profile").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("name=\"full_name\"") && page.contains("Change password") && page.contains("name=\"time_zone\""), "{page}");
        assert!(page.contains("<a href=\"/console\">Console</a>"), "the way back: {page}");
        // They change their name there; the console says it at once.
        let response = desk.admin.submit_form("/profile", "/profile/details", &[("full_name", "Ada Admin")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, console) = desk.admin.get_text("/console").await;
        assert!(console.contains(">Ada Admin</a>"), "{console}");
        // An empty name is refused beside its field, and nothing changes.
        let response = desk.admin.submit_form("/profile", "/profile/details", &[("full_name", " ")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("class=\"field-error\""));
        let me: Value = desk.admin.get("/api/v1/me").await.json().await.unwrap();
        assert_eq!(me["full_name"], "Ada Admin");
    }
}
