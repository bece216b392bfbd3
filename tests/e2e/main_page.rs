//! The portal main page designer: an administrator designs pages of tabs of widgets (charts,
//! metrics, lists, links, banners, the sections' own), previews the draft and publishes it;
//! each portal user sees the page for their roles with only the data they may read, and a chart
//! over an object they may not read is left out. New users start on the tenant's start page;
//! each user's own can be changed. Bad designs change nothing and say why.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{create_role, put, role_named},
    harness::{TestApp, location, on_both_databases},
    support::{Desk, open_case, standard_terms},
};

const DESIGN: &str = "/api/v1/settings/main-page";

/// The caller's main page through the API: (tab title, widget kind, widget title) of each widget.
async fn widgets(who: &crate::harness::Browser) -> Vec<(String, String, String)> {
    let response = who.get("/api/v1/main-page").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    let mut found = Vec::new();
    for tab in page["tabs"].as_array().unwrap() {
        for widget in tab["widgets"].as_array().unwrap() {
            found.push((
                tab["title"].as_str().unwrap().to_owned(),
                widget["kind"].as_str().unwrap().to_owned(),
                widget["data"]["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ));
        }
    }
    found
}

fn design(everyone_widgets: Value, partner_role: Option<&str>) -> Value {
    let mut pages = vec![];
    if let Some(role) = partner_role {
        pages.push(json!({ "name": "Analysts", "roles": [role], "tabs": [
            { "title": "Figures", "widgets": [
                { "kind": "chart", "title": "Contacts by language", "object": "contact",
                  "group": "language", "style": "bar" },
                { "kind": "chart", "title": "Cases by status", "object": "case",
                  "group": "status", "style": "doughnut" }
            ]}
        ]}));
    }
    pages.push(json!({ "name": "Everyone", "tabs": [
        { "title": "Home", "widgets": everyone_widgets },
        { "title": "Over time", "widgets": [
            { "kind": "chart", "title": "Cases a month", "object": "case",
              "group": "created_at", "style": "line" }
        ]}
    ]}));
    json!({ "pages": pages })
}

on_both_databases! {
    async fn a_published_main_page_shows_each_user_what_they_may_read(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let ann = desk.customer("ann@acme.test", json!({ "language": "English" })).await;
        let bob = desk.customer("bob@acme.test", json!({ "language": "Deutsch" })).await;
        for (who, n) in [(&ann, 3), (&bob, 2)] {
            for i in 0..n {
                let (status, _) = open_case(who, json!({ "service": service, "subject": format!("Printer {i}"), "description": "Jams" })).await;
                assert_eq!(status, StatusCode::CREATED);
            }
        }

        // Until something is published, everyone has the default page.
        let (_, home) = ann.get_text("/").await;
        assert!(home.contains("id=\"my-cases\"") && home.contains("role=\"search\""), "{home}");

        let everyone = json!([
            { "kind": "banner", "title": "Hello from Acme", "text": "We answer within a day." },
            { "kind": "chart", "title": "Cases by status", "object": "case", "group": "status", "style": "doughnut" },
            { "kind": "metric", "title": "Open cases", "object": "case", "filters": ["status:ne:Closed"] },
            { "kind": "list", "title": "Latest cases", "object": "case", "rows": 2, "columns": ["subject", "status"] },
            { "kind": "chart", "title": "Contacts by language", "object": "contact", "group": "language", "style": "bar" },
            { "kind": "link", "title": "Status page", "url": "https://status.acme.test" },
            { "kind": "my_cases" }
        ]);
        let response = desk.admin.put_json(DESIGN, &design(everyone.clone(), None)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let drafts: Value = response.json().await.unwrap();
        assert_eq!(drafts["unpublished_changes"], true);
        assert_eq!(drafts["published"], Value::Null);

        // The draft is not what users see; only the designer previews it.
        assert!(!ann.get_text("/").await.1.contains("Hello from Acme"));
        assert_eq!(ann.get("/main-page/preview").await.status(), StatusCode::FORBIDDEN);
        let (status, preview) = desk.admin.get_text("/main-page/preview?page=0").await;
        assert_eq!(status, StatusCode::OK);
        assert!(preview.contains("Preview of the draft") && preview.contains("Hello from Acme"), "{preview}");
        // The administrator reads every case and contact: five cases, two contacts.
        assert!(preview.contains("aria-label=\"Cases by status: New: 5\""), "{preview}");
        assert!(preview.contains("Contacts by language: Deutsch: 1, English: 1"), "{preview}");

        let response = desk.admin.post_json(&format!("{DESIGN}/publish"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK);

        // Each customer's figures are of their own cases; the contacts chart is left out (they
        // may not read contacts), the rest is there.
        let (_, home) = ann.get_text("/").await;
        assert!(home.contains("Hello from Acme") && home.contains("We answer within a day."), "{home}");
        assert!(home.contains("aria-label=\"Cases by status: New: 3\""), "{home}");
        assert!(!home.contains("Contacts by language"), "{home}");
        assert!(home.contains("href=\"https://status.acme.test\""), "{home}");
        assert!(home.contains("<p class=\"metric\"><a href=\"/cases\">3</a>"), "{home}");
        assert_eq!(home.matches("Printer ").count(), 2 + 3, "two rows in the list, three in My cases: {home}");
        let (_, bobs) = bob.get_text("/").await;
        assert!(bobs.contains("aria-label=\"Cases by status: New: 2\""), "{bobs}");
        // The second tab, by its link.
        assert!(home.contains("href=\"/?tab=1\""), "{home}");
        let (_, later) = ann.get_text("/?tab=1").await;
        assert!(later.contains("Cases a month") && later.contains("class=\"chart-line\""), "{later}");
        let shown = widgets(&ann).await;
        assert!(shown.contains(&("Home".into(), "chart".into(), "Cases by status".into())), "{shown:?}");
        assert!(!shown.iter().any(|(_, _, title)| title == "Contacts by language"), "{shown:?}");

        // A page for a role: its members see it (contacts on the portal, readable by the role),
        // others do not, nor the contacts chart of the page for everyone.
        let root = role_named(&desk.admin, "All external users").await;
        let analysts = create_role(&desk.admin, "Analysts", &root).await;
        let bob_user = crate::imports::user(&desk.admin, "bob@acme.test").await.unwrap();
        let bob_id = bob_user["id"].as_str().unwrap();
        put(&desk.admin, &format!("/api/v1/roles/{analysts}/members/{bob_id}"), json!(null)).await;
        put(&desk.admin, "/api/v1/access/portal-objects/contact", json!({ "on_portal": true })).await;
        put(&desk.admin, "/api/v1/access/objects/contact/grants",
            json!({ "operation": "read", "grantee": analysts, "granted": true })).await;
        let response = desk.admin.put_json(DESIGN, &design(everyone, Some(&analysts))).await;
        assert_eq!(response.status(), StatusCode::OK);
        desk.admin.post_json(&format!("{DESIGN}/publish"), &json!({})).await;
        let shown = widgets(&bob).await;
        assert_eq!(shown[0].0, "Figures", "{shown:?}");
        assert!(shown.contains(&("Figures".into(), "chart".into(), "Contacts by language".into())), "{shown:?}");
        let (_, bobs) = bob.get_text("/").await;
        assert!(bobs.contains("aria-label=\"Cases by status: New: 2\""), "{bobs}");
        let anns = widgets(&ann).await;
        assert_eq!(anns[0].0, "Home");
        assert!(!anns.iter().any(|(_, _, title)| title == "Contacts by language"), "no grant, no chart: {anns:?}");

        // Another tenant's portal is untouched.
        let other = Desk::open(&app, "globex").await;
        let carl = other.customer("carl@globex.test", json!({})).await;
        let (_, theirs) = carl.get_text("/").await;
        assert!(!theirs.contains("Hello from Acme") && theirs.contains("id=\"my-cases\""), "{theirs}");
    }
}

on_both_databases! {
    async fn a_bad_design_changes_nothing_and_says_where(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let ann = desk.customer("ann@acme.test", json!({})).await;
        let good = design(json!([{ "kind": "link", "title": "Site", "url": "https://acme.test" }]), None);
        let response = desk.admin.put_json(DESIGN, &good).await;
        assert_eq!(response.status(), StatusCode::OK);
        let saved = response.json::<Value>().await.unwrap()["draft"].clone();

        let refused = |body: Value| {
            let admin = &desk.admin;
            async move {
                let response = admin.put_json(DESIGN, &body).await;
                let status = response.status();
                (status, response.json::<Value>().await.unwrap())
            }
        };
        let (status, answer) = refused(design(json!([{ "kind": "chart", "title": "x", "object": "nothing", "group": "a", "style": "bar" }]), None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer["error"]["fields"]["pages.0.tabs.0.widgets.0.object"].is_array(), "{answer}");
        let (status, answer) = refused(design(json!([{ "kind": "chart", "title": "x", "object": "case", "group": "satisfaction", "style": "bar" }]), None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer.to_string().contains("cannot group a chart"), "{answer}");
        let (status, answer) = refused(design(json!([{ "kind": "metric", "title": "x", "object": "case", "sum": "subject" }]), None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(answer.to_string().contains("not a number field"), "{answer}");
        let (status, answer) = refused(design(json!([{ "kind": "list", "title": "x", "object": "case", "filters": ["status:between:1"] }]), None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        let (status, answer) = refused(design(json!([{ "kind": "link", "title": "x", "url": "javascript:alert(1)" }]), None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        let (status, _) = refused(json!({ "pages": [] })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let many: Vec<Value> = (0..13).map(|_| json!({ "kind": "my_cases" })).collect();
        let (status, _) = refused(design(json!(many), None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = refused(json!({ "pages": [{ "name": "x", "roles": ["not-a-role"], "tabs": [{ "title": "t", "widgets": [] }] }] })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        // Not a design at all.
        let (status, _) = refused(json!({ "pages": [{ "name": "x", "tabs": [{ "title": "t", "widgets": [{ "kind": "script" }] }] }] })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let drafts: Value = desk.admin.get(DESIGN).await.json().await.unwrap();
        assert_eq!(drafts["draft"], saved, "nothing refused was saved");

        // Customers neither read nor change the design.
        assert_eq!(ann.get(DESIGN).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(ann.put_json(DESIGN, &good).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(ann.post_json(&format!("{DESIGN}/publish"), &json!({})).await.status(), StatusCode::FORBIDDEN);
        assert_ne!(ann.get("/console/main-page").await.status(), StatusCode::OK);
    }
}

on_both_databases! {
    async fn the_designer_builds_a_page_in_the_console(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let admin = &desk.admin;
        let (status, page) = admin.get_text("/console/main-page").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Nothing is published yet"), "{page}");

        // A tab, then a chart on it: a group the object cannot be grouped by is refused on the
        // form, every typed value kept, the message beside its field.
        let response = admin.submit_form("/console/main-page", "/console/main-page/pages/0/tabs", &[("title", "Figures")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let form = "/console/main-page/pages/0/tabs/1/widgets?kind=chart&object=case";
        let (status, shown) = admin.get_text(form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(shown.contains("name=\"group\"") && shown.contains(">Status</option>"), "{shown}");
        let response = admin.submit_multipart(form, "/console/main-page/pages/0/tabs/1/widgets",
            &[("kind", "chart"), ("object", "case"), ("title", "Case mix"), ("group", "satisfaction"), ("style", "line")], vec![]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let shown = response.text().await.unwrap();
        assert!(shown.contains("cannot group a chart") && shown.contains("value=\"Case mix\""), "{shown}");
        let response = admin.submit_multipart(form, "/console/main-page/pages/0/tabs/1/widgets",
            &[("kind", "chart"), ("object", "case"), ("title", "Case mix"), ("group", "status"), ("style", "doughnut")], vec![]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, page) = admin.get_text("/console/main-page").await;
        let second_tab = page.split("id=\"page-0-tab-1\"").nth(1).unwrap();
        assert!(second_tab.contains("<span>Case mix</span>"), "{page}");

        // A banner with an image: PNG or JPEG only.
        let banner = "/console/main-page/pages/0/tabs/0/widgets/0";
        let response = admin.submit_files(banner, banner, &[("kind", "banner"), ("title", "Welcome to Acme")],
            vec![("banner_image", "x.svg", "image/svg+xml", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec())]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let png = crate::branding::png(600, 200);
        let response = admin.submit_files(banner, banner, &[("kind", "banner"), ("title", "Welcome to Acme")],
            vec![("banner_image", "banner.png", "image/png", png.clone())]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);

        let response = admin.submit_form("/console/main-page", "/console/main-page/publish", &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let ann = desk.customer("ann@acme.test", json!({})).await;
        let (_, home) = ann.get_text("/").await;
        assert!(home.contains("Welcome to Acme") && home.contains("href=\"/?tab=1\">Figures</a>"), "{home}");
        let image = home.split("src=\"/main-page/images/").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let response = ann.get(&format!("/main-page/images/{image}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.unwrap().to_vec(), png);
        assert_eq!(ann.get("/main-page/images/..%2F..%2Fportico.db").await.status(), StatusCode::NOT_FOUND);
        let (_, figures) = ann.get_text("/?tab=1").await;
        assert!(figures.contains("Case mix: Nothing to show yet"), "{figures}");

        // A forged move or a part that does not exist changes nothing.
        let response = admin.submit_form("/console/main-page", "/console/main-page/pages/0/tabs/9/remove", &[]).await;
        assert_eq!(location(&response), "/console/main-page#page-0");
        let (_, page) = admin.get_text("/console/main-page").await;
        assert!(page.contains("alert error") && page.contains("Portal users see this design"), "{page}");
    }
}

on_both_databases! {
    async fn new_users_start_where_the_tenant_says_and_each_user_can_be_moved(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (_, early) = desk.tenant.create_user(&desk.admin, "early@acme.test", "external", "early password 1").await;
        let response = desk.admin.submit_form("/console/main-page", "/console/main-page/start-page", &[("start_page", "nowhere")]).await;
        let (_, page) = desk.admin.get_text(&location(&response)).await;
        assert!(page.contains("nowhere"), "the refusal names it: {page}");
        let response = desk.admin.submit_form("/console/main-page", "/console/main-page/start-page", &[("start_page", "knowledge")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (late_id, late) = desk.tenant.create_user(&desk.admin, "late@acme.test", "external", "late password 1").await;

        let browser = desk.tenant.browser();
        assert_eq!(location(&browser.sign_in_portal(&late).await), "/knowledge");
        assert_eq!(location(&desk.tenant.browser().sign_in_portal(&early).await), "/", "existing users keep theirs");

        let user_page = format!("/console/users/{late_id}");
        let response = desk.admin.submit_form(&user_page, &format!("{user_page}/start-page"), &[("start_page", "cases")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&desk.tenant.browser().sign_in_portal(&late).await), "/cases");
        let response = desk.admin.patch_json(&format!("/api/v1/users/{late_id}"), &json!({ "start_page": "" })).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.json::<Value>().await.unwrap()["start_page"], Value::Null);
        assert_eq!(location(&desk.tenant.browser().sign_in_portal(&late).await), "/");
        let response = desk.admin.patch_json(&format!("/api/v1/users/{late_id}"), &json!({ "start_page": "../evil" })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
