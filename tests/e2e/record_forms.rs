//! Record forms as people use them: the manifest's layout, a picker for references that offers
//! only records the user may read (and names them by title), fields only the section sets left
//! out of forms and refused from users, a refused form that keeps everything typed with each
//! message by its field, and details (order lines) edited on their parent's page.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{Browser, TestApp, location, on_both_databases},
    sections::install_on_portal,
    support::Desk,
};

async fn id_of(who: &Browser, path: &str) -> String {
    let found: Value = who.get(path).await.json().await.unwrap();
    found["data"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("nothing at {path}: {found}"))
        .to_owned()
}

async fn me(who: &Browser) -> String {
    let me: Value = who.get("/api/v1/me").await.json().await.unwrap();
    me["id"].as_str().unwrap().to_owned()
}

async fn count(who: &Browser, object: &str) -> usize {
    let list: Value = who
        .get(&format!("/api/v1/objects/{object}/records"))
        .await
        .json()
        .await
        .unwrap();
    list["data"].as_array().unwrap().len()
}

/// Lets portal users (`external`) read contacts: only those shared with them, as gate 3 says.
pub(crate) async fn open_contacts(desk: &Desk, external: &str) {
    let response = desk
        .admin
        .client
        .put(desk.admin.url("/api/v1/access/portal-objects/contact"))
        .json(&json!({ "on_portal": true }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let response = desk
        .admin
        .client
        .put(desk.admin.url("/api/v1/access/objects/contact/grants"))
        .json(&json!({ "operation": "read", "grantee": external, "granted": true }))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// Shares the contact `contact` with the portal user `with` for reading.
pub(crate) async fn share_contact(desk: &Desk, contact: &str, with: &Browser) {
    let response = desk
        .admin
        .post_json(
            &format!("/api/v1/objects/contact/records/{contact}/rights"),
            &json!({ "grantee": me(with).await, "level": "read" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

on_both_databases! {
    async fn a_leave_request_is_filed_from_its_form_choosing_the_manager_by_title(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let external = install_on_portal(&app, "acme", &desk, "plugins/leave-request", &["leave_request"]).await;
        open_contacts(&desk, &external).await;
        let ann = desk.customer("ann@client.test", json!({ "full_name": "Ann Asker" })).await;
        let _maya = desk.customer("maya@client.test", json!({ "full_name": "Maya Manager" })).await;
        desk.create("contact", json!({ "full_name": "Mallory Hidden" })).await;
        let maya_contact = id_of(&desk.admin, "/api/v1/objects/contact/records?filter=email:eq:maya@client.test").await;
        share_contact(&desk, &maya_contact, &ann).await;

        // The form follows the manifest's layout; the manager is a picker; what only the
        // section or an approver sets is not offered.
        let new = "/records/leave_request/new";
        let (status, form) = ann.get_text(new).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("<legend>Request</legend>") && form.contains("form-grid columns-2"), "{form}");
        assert!(form.contains("name=\"manager__title\"") && form.contains("/records/leave_request/pick/manager"), "{form}");
        for hidden in ["name=\"decided_by\"", "name=\"decided_at\"", "name=\"decision_comment\"", "name=\"status\"", "name=\"days\"", "The id of"] {
            assert!(!form.contains(hidden), "{hidden} in {form}");
        }
        // The picker offers what Ann may read, by title, and nothing else.
        let (_, options) = ann.get_text("/records/leave_request/pick/manager?manager__title=ma").await;
        assert!(options.contains(">Maya Manager<") && options.contains(&format!("data-pick=\"{maya_contact}\"")), "{options}");
        assert!(!options.contains("Mallory"), "{options}");
        let (_, options) = ann.get_text("/records/leave_request/pick/manager?manager__title=Mallory").await;
        assert!(options.contains("Nothing matches."), "{options}");
        // Only reference fields she may write have a picker.
        for field in ["reason", "decided_by", "nothing"] {
            let status = ann.get(&format!("/records/leave_request/pick/{field}?{field}__title=a")).await.status();
            assert_eq!(status, StatusCode::NOT_FOUND, "{field}");
        }

        // A refused form comes back as typed, each message by its field, named by its title.
        let response = ann.submit_form(new, "/records/leave_request", &[
            ("kind", "vacation"), ("start_date", "2026-12-10"), ("end_date", "2026-12-11"),
            ("manager", ""), ("manager__title", "Mallory Hidden"), ("reason", "Family <trip>"),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("<a href=\"#field-manager\">Manager: Nothing you may choose is called “Mallory Hidden”.</a>"), "{html}");
        assert!(html.contains("id=\"field-manager-error\"") && html.contains("aria-invalid=\"true\""), "{html}");
        assert!(html.contains("value=\"2026-12-10\"") && html.contains("Family &lt;trip&gt;</textarea>"), "{html}");
        assert!(html.contains("value=\"Mallory Hidden\""), "{html}");
        // The section's own check names its field too.
        let response = ann.submit_form(new, "/records/leave_request", &[
            ("kind", "vacation"), ("start_date", "2026-12-10"), ("end_date", "2026-12-01"),
            ("manager", ""), ("manager__title", "Maya Manager"),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("<a href=\"#field-end_date\">Last day: The leave ends before it starts.</a>"), "{html}");
        assert_eq!(count(&ann, "leave_request").await, 0, "nothing was saved");

        // Sent as without JavaScript (the typed title names one record): saved; a forged
        // approver's field is ignored.
        let response = ann.submit_form(new, "/records/leave_request", &[
            ("kind", "vacation"), ("start_date", "2026-12-07"), ("end_date", "2026-12-11"),
            ("manager", ""), ("manager__title", "Maya Manager"), ("decided_by", "Ann herself"),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = location(&response);
        let id = page.rsplit('/').next().unwrap().to_owned();
        let api = format!("/api/v1/objects/leave_request/records/{id}");
        let stored: Value = ann.get(&api).await.json().await.unwrap();
        assert_eq!(stored["data"]["manager"], maya_contact.as_str());
        assert_eq!(stored["data"]["days"], 5);
        assert!(stored["data"].get("decided_by").is_none(), "{stored}");
        let (_, html) = ann.get_text(&page).await;
        assert!(html.contains("value=\"Maya Manager\"") && !html.contains(&format!("value=\"{maya_contact}\" readonly")), "{html}");
        assert!(html.contains("<span class=\"field-title\" id=\"field-days\">Working days</span> <span class=\"field-value\">5</span>"), "{html}");

        // Through the API, a field the section sets is refused by name, and nothing changes.
        let response = ann.patch_json(&api, &json!({ "version": stored["version"], "data": { "decided_by": "Ann" } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("Decided by"));
        // Another tenant's contact cannot be chosen, even by id.
        let other = Desk::open(&app, "globex").await;
        let foreign = other.create("contact", json!({ "full_name": "Gus Globex" })).await;
        let response = ann.submit_form(&page, &page, &[
            ("version", "1"), ("kind", "vacation"), ("start_date", "2026-12-07"), ("end_date", "2026-12-11"),
            ("manager", foreign["id"].as_str().unwrap()), ("manager__title", "Gus Globex"),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("Manager: no contact with this id"));
        let unchanged: Value = ann.get(&api).await.json().await.unwrap();
        assert_eq!(unchanged["version"], 1);
    }
}

on_both_databases! {
    async fn order_lines_are_added_on_their_orders_page(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        install_on_portal(&app, "acme", &desk, "plugins/equipment-order", &["equipment_order", "order_line"]).await;
        let ann = desk.customer("ann@client.test", json!({})).await;

        // The order's form: money in its currency; the total only the section computes.
        let new = "/records/equipment_order/new";
        let (_, form) = ann.get_text(new).await;
        assert!(form.contains("name=\"budget\"") && form.contains("<span class=\"currency\">USD</span>"), "{form}");
        assert!(!form.contains("name=\"total\"") && !form.contains("name=\"rejection_comment\""), "{form}");
        let response = ann.submit_form(new, "/records/equipment_order", &[("title", "Laptops"), ("budget", "5000")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = location(&response);
        let order = page.rsplit('/').next().unwrap().to_owned();
        // The menu names the section by its title, never by its code; lines are reached
        // through their order.
        let (_, html) = ann.get_text(&page).await;
        assert!(html.contains("<h2>Lines</h2>") && html.contains("Add order line"), "{html}");
        assert!(html.contains("href=\"/records/equipment_order\"") && html.contains("Equipment orders</a>"), "{html}");
        let (_, index) = ann.get_text("/records").await;
        assert!(index.contains("/records/equipment_order") && !index.contains("/records/order_line"), "{index}");

        // A line added on the order's page goes back to it, listed with its price.
        let response = ann.submit_form(&page, "/records/order_line", &[
            ("order", &order), ("item", "ThinkPad"), ("quantity", "2"), ("unit_price", "1200.5"), ("return_to", &page),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), page);
        let (_, html) = ann.get_text(&page).await;
        assert!(html.contains(">ThinkPad</a>") && html.contains("USD 1,200.50"), "{html}");
        // A refused line keeps what was typed, names its order, and still goes back after.
        let response = ann.submit_form(&page, "/records/order_line", &[
            ("order", &order), ("item", "Dock"), ("quantity", "two"), ("unit_price", "99"), ("return_to", &page),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("Quantity: must be a whole number") && html.contains("value=\"two\""), "{html}");
        assert!(html.contains("value=\"Laptops\"") && html.contains(&format!("name=\"return_to\" value=\"{}\"", page.replace('/', "&#x2f;"))), "{html}");
        // Going back anywhere else than a record page of the portal is not offered.
        for elsewhere in ["https://evil.test/records/x/y", "/records/../../console", "/console/records/order_line/x"] {
            let response = ann.submit_form(&page, "/records/order_line", &[
                ("order", &order), ("item", "Mouse"), ("quantity", "1"), ("unit_price", "20"), ("return_to", elsewhere),
            ]).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            assert!(location(&response).starts_with("/records/order_line/"), "{elsewhere}: {}", location(&response));
        }
        assert_eq!(count(&ann, "order_line").await, 4);
        // The total is the section's to set.
        let stored: Value = ann.get(&format!("/api/v1/objects/equipment_order/records/{order}")).await.json().await.unwrap();
        let response = ann.patch_json(&format!("/api/v1/objects/equipment_order/records/{order}"),
            &json!({ "version": stored["version"], "data": { "total": 1 } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}

on_both_databases! {
    async fn error_pages_keep_the_tenants_name_and_a_way_back(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let visitor = tenant.browser();
        let (status, html) = visitor.get_text("/no-such-page").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("aria-label=\"Main\"") && html.contains("href=\"/knowledge\"") && html.contains("href=\"/cases\""), "{html}");
        assert!(!html.contains(">Portico<"), "{html}");
        let (status, html) = visitor.get_text("/console/no-such-page").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("href=\"/console\">Home</a>") && !html.contains("href=\"/knowledge\""), "{html}");
        // A signed-in user's record that does not exist: the same way back.
        let admin = tenant.admin_browser().await;
        let (status, html) = admin.get_text("/console/records/account/01a24295-1d6a-74ea-9048-8eefe7869014").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("href=\"/console\">Home</a>"), "{html}");
    }
}

/// The main page's list `id` (its section), or nothing when the page has none.
async fn main_page_list(who: &Browser, id: &str) -> String {
    let (_, home) = who.get_text("/").await;
    home.split(&format!("id=\"{id}\""))
        .nth(1)
        .map(|rest| rest.split("</section>").next().unwrap().to_owned())
        .unwrap_or_default()
}

on_both_databases! {
    async fn the_main_page_says_what_waits_for_whom(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let external = install_on_portal(&app, "acme", &desk, "plugins/leave-request", &["leave_request"]).await;
        install_on_portal(&app, "acme", &desk, "plugins/equipment-order", &["equipment_order", "order_line"]).await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let maya = desk.customer("maya@client.test", json!({ "full_name": "Maya Manager" })).await;
        let buyer = desk.customer("bob@client.test", json!({})).await;
        let bystander = desk.customer("cid@client.test", json!({})).await;
        crate::sections::role_with_member(&desk, "Purchasing", &external, &buyer).await;
        let maya_contact = id_of(&desk.admin, "/api/v1/objects/contact/records?filter=email:eq:maya@client.test").await;
        open_contacts(&desk, &external).await;
        share_contact(&desk, &maya_contact, &ann).await;

        // Ann asks for leave (Maya decides) and orders equipment (purchasing decides).
        let created: Value = ann.post_json("/api/v1/objects/leave_request/records", &json!({ "data": {
            "kind": "vacation", "start_date": "2026-12-07", "end_date": "2026-12-11", "manager": maya_contact } })).await.json().await.unwrap();
        let leave = created["id"].as_str().unwrap().to_owned();
        let order: Value = ann.post_json("/api/v1/objects/equipment_order/records", &json!({ "data": { "title": "Monitors", "budget": 1000 } })).await.json().await.unwrap();
        let order = order["id"].as_str().unwrap().to_owned();
        ann.post_json("/api/v1/objects/order_line/records", &json!({ "data": { "order": order, "item": "Monitor", "quantity": 1, "unit_price": 300 } })).await;
        // A draft waits for nobody, and is Ann's open request.
        assert!(main_page_list(&maya, "awaiting-approval").await.is_empty());
        let open = main_page_list(&ann, "open-requests").await;
        assert!(open.contains(&leave) && open.contains(&order) && open.contains("Draft"), "{open}");
        for (object, id) in [("leave_request", &leave), ("equipment_order", &order)] {
            let response = ann.post_json(&format!("/api/v1/objects/{object}/records/{id}/actions/submit"), &json!({})).await;
            let status = response.status();
            assert_eq!(status, StatusCode::OK, "{object}: {}", response.text().await.unwrap());
        }

        // Each approver sees what waits for them, and only that; Ann sees her requests waiting.
        let waiting = main_page_list(&maya, "awaiting-approval").await;
        assert!(waiting.contains(&leave) && !waiting.contains(&order), "{waiting}");
        let waiting = main_page_list(&buyer, "awaiting-approval").await;
        assert!(waiting.contains(&order) && !waiting.contains(&leave), "{waiting}");
        assert!(main_page_list(&bystander, "awaiting-approval").await.is_empty());
        assert!(main_page_list(&ann, "awaiting-approval").await.is_empty(), "nobody approves their own");
        // Each approver's bell counts it too.
        let told = |who: &Browser| {
            let who = who.clone();
            async move {
                crate::notifications::notifications_of(&who).await.iter()
                    .map(|n| (n["kind"].as_str().unwrap().to_owned(), n["record_id"].as_str().unwrap().to_owned()))
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(told(&maya).await, [("approval".to_owned(), leave.clone())]);
        assert_eq!(told(&buyer).await, [("approval".to_owned(), order.clone())]);
        assert!(told(&bystander).await.is_empty() && told(&ann).await.is_empty());
        let open = main_page_list(&ann, "open-requests").await;
        assert!(open.contains("Awaiting approval") && open.contains("Submitted"), "{open}");
        // The main page's menu links each section's object, as every other page's does.
        let (_, home) = ann.get_text("/").await;
        let menu = home.split("id=\"main-nav\"").nth(1).unwrap().split("</nav>").next().unwrap();
        assert!(menu.contains("href=\"/records/leave_request\"") && menu.contains("src=\"/sections/leave_requests/icon\""), "{menu}");
        assert!(menu.contains("href=\"/records/equipment_order\"") && !menu.contains("/records/order_line"), "{menu}");
        assert!(main_page_list(&bystander, "open-requests").await.is_empty());

        // Decided, a request waits no more and is no longer open.
        let response = maya.post_json(&format!("/api/v1/objects/leave_request/records/{leave}/actions/approve"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(main_page_list(&maya, "awaiting-approval").await.is_empty());
        let open = main_page_list(&ann, "open-requests").await;
        assert!(!open.contains(&leave) && open.contains(&order), "{open}");
        assert_eq!(told(&ann).await, [("decision".to_owned(), leave.clone())]);
    }
}

on_both_databases! {
    async fn what_a_status_locks_people_cannot_change_but_actions_still_move_it(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let external = install_on_portal(&app, "acme", &desk, "plugins/equipment-order", &["equipment_order", "order_line"]).await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let buyer = desk.customer("bob@client.test", json!({})).await;
        crate::sections::role_with_member(&desk, "Purchasing", &external, &buyer).await;
        let created: Value = ann.post_json("/api/v1/objects/equipment_order/records", &json!({ "data": { "title": "Monitors", "budget": 1000 } })).await.json().await.unwrap();
        let order = created["id"].as_str().unwrap().to_owned();
        let api = format!("/api/v1/objects/equipment_order/records/{order}");
        let line: Value = ann.post_json("/api/v1/objects/order_line/records", &json!({ "data": { "order": order, "item": "Monitor", "quantity": 1, "unit_price": 300 } })).await.json().await.unwrap();
        let line_api = format!("/api/v1/objects/order_line/records/{}", line["id"].as_str().unwrap());
        // A draft: everything Ann may write is hers to change.
        let response = ann.patch_json(&api, &json!({ "version": 1, "data": { "title": "Two monitors" } })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let response = ann.post_json(&format!("{api}/actions/submit"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());

        // Submitted ("editable": []): the page shows the order read-only, without a way to add
        // or remove lines, and says why.
        let page = format!("/records/equipment_order/{order}");
        let (_, html) = ann.get_text(&page).await;
        assert!(html.contains("value=\"Two monitors\"") || html.contains(">Two monitors<"), "{html}");
        assert!(!html.contains("name=\"title\"") && !html.contains("name=\"budget\""), "{html}");
        assert!(html.contains("cannot be changed while the record is &quot;Submitted&quot;"), "{html}");
        assert!(!html.contains(">Save<") && !html.contains("Add order line") && !html.contains("/delete\" class=\"inline\""), "{html}");
        // The API and the form refuse a change, naming the field and the status; nothing changes.
        let stored: Value = ann.get(&api).await.json().await.unwrap();
        let version = stored["version"].as_i64().unwrap();
        let response = ann.patch_json(&api, &json!({ "version": version, "data": { "budget": 5 } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["message"], "\"Budget\" cannot be changed while the record is \"Submitted\".", "{body}");
        // Sent with the version before the submission, it is told the same: no reload would
        // let that change through.
        let response = ann.patch_json(&api, &json!({ "version": version - 1, "data": { "budget": 5 } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        // A form sent anyway (the page offers none) is read for what the status lets change:
        // nothing.
        ann.submit_form(&page, &page, &[("version", &version.to_string()), ("title", "Ten monitors"), ("budget", "9000")]).await;
        // Its lines neither: added, changed or removed.
        let response = ann.post_json("/api/v1/objects/order_line/records", &json!({ "data": { "order": order, "item": "Cable", "quantity": 1, "unit_price": 5 } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("is \"Submitted\": its lines can no longer be changed"), "{body}");
        let response = ann.patch_json(&line_api, &json!({ "version": 1, "data": { "quantity": 7 } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(ann.delete(&line_api).await.status(), StatusCode::FORBIDDEN);
        let after: Value = ann.get(&api).await.json().await.unwrap();
        assert_eq!(after["version"], version);
        assert_eq!((after["data"]["title"].as_str(), after["data"]["budget"].as_i64()), (Some("Two monitors"), Some(1000)));
        let line_now: Value = ann.get(&line_api).await.json().await.unwrap();
        assert_eq!((line_now["version"].as_i64(), line_now["data"]["quantity"].as_i64()), (Some(1), Some(1)));
        assert_eq!(count(&ann, "order_line").await, 1);

        // The approver's action still moves it; approved is final and stays locked.
        let response = buyer.post_json(&format!("{api}/actions/approve"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
        let approved: Value = ann.get(&api).await.json().await.unwrap();
        assert_eq!(approved["data"]["status"], "approved");
        let response = ann.patch_json(&api, &json!({ "version": approved["version"], "data": { "title": "More" } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["message"], "\"Title\" cannot be changed while the record is \"Approved\".", "{body}");
    }
}

on_both_databases! {
    async fn a_documents_file_is_chosen_in_its_form_and_shown_by_name(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        install_on_portal(&app, "acme", &desk, "plugins/document-approval", &["document"]).await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let new = "/records/document/new";
        let (_, form) = ann.get_text(new).await;
        assert!(form.contains("enctype=\"multipart/form-data\""), "{form}");
        assert!(form.contains("type=\"file\" id=\"field-file\" name=\"file\"") && form.contains("One file, at most"), "{form}");
        let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();

        // Neither a file nor a link: the section says so by the field, and nothing is saved.
        let response = ann.submit_files(new, "/records/document", &[("title", "Policy")], vec![]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("Attach the document or give its link.") && html.contains("value=\"Policy\""), "{html}");
        // A file of a kind not taken is refused by its field.
        let response = ann.submit_files(new, "/records/document", &[("title", "Policy")],
            vec![("file", "tool.exe", "application/octet-stream", b"MZ\x90\x00\x03\x00\x00\x00".to_vec())]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"field-file-error\"") && html.contains("tool.exe"), "{html}");
        assert_eq!(count(&ann, "document").await, 0);

        // The file goes with the form: stored with the record, named on its page, downloadable.
        let response = ann.submit_files(new, "/records/document", &[("title", "Policy")],
            vec![("file", "policy.pdf", "application/pdf", pdf.clone())]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = location(&response);
        let id = page.rsplit('/').next().unwrap().to_owned();
        let api = format!("/api/v1/objects/document/records/{id}");
        let stored: Value = ann.get(&api).await.json().await.unwrap();
        let file = stored["data"]["file"].as_str().unwrap().to_owned();
        let (_, html) = ann.get_text(&page).await;
        assert!(html.contains(&format!("href=\"/files/{file}\"")) && html.contains(">policy.pdf</a>"), "{html}");
        let download = ann.get(&format!("/files/{file}")).await;
        assert_eq!(download.status(), StatusCode::OK);
        assert_eq!(download.bytes().await.unwrap().to_vec(), pdf);

        // Another file replaces it; the box removes it (the link then has to say where it is).
        let response = ann.submit_files(&page, &page, &[("version", "1"), ("title", "Policy")],
            vec![("file", "policy-v2.pdf", "application/pdf", pdf.clone())]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let stored: Value = ann.get(&api).await.json().await.unwrap();
        let second = stored["data"]["file"].as_str().unwrap().to_owned();
        assert_ne!(second, file);
        assert!(ann.get_text(&page).await.1.contains(">policy-v2.pdf</a>"));
        let response = ann.submit_form(&page, &page, &[("version", "2"), ("title", "Policy"), ("link", "https://x.test/p"), ("file__remove", "on")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let stored: Value = ann.get(&api).await.json().await.unwrap();
        assert!(stored["data"].get("file").is_none(), "{stored}");

        // Through the API: back to a file of this record; another record's file is refused.
        let response = ann.patch_json(&api, &json!({ "version": 3, "data": { "file": file } })).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
        let other = ann.submit_files(new, "/records/document", &[("title", "Other")],
            vec![("file", "other.pdf", "application/pdf", pdf.clone())]).await;
        let other_id = location(&other).rsplit('/').next().unwrap().to_owned();
        let other: Value = ann.get(&format!("/api/v1/objects/document/records/{other_id}")).await.json().await.unwrap();
        let foreign = other["data"]["file"].as_str().unwrap();
        for bad in [json!(foreign), json!("01a24295-1d6a-74ea-9048-8eefe7869014")] {
            let response = ann.patch_json(&api, &json!({ "version": 4, "data": { "file": bad } })).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let body: Value = response.json().await.unwrap();
            assert!(body["error"]["fields"]["file"][0].as_str().unwrap().contains("attached to this record"), "{body}");
        }
        let response = ann.post_json("/api/v1/objects/document/records", &json!({ "data": { "title": "x", "file": file } })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(ann.get(&api).await.json::<Value>().await.unwrap()["version"], 4);

        // In review ("editable": []), no new file replaces it, and no file is left behind.
        let response = ann.post_json(&format!("{api}/actions/send_for_review"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
        let reviewed: Value = ann.get(&api).await.json().await.unwrap();
        let version = reviewed["version"].to_string();
        let response = ann.submit_files(&page, &page, &[("version", &version), ("title", "Policy")],
            vec![("file", "policy-v3.pdf", "application/pdf", pdf.clone())]).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("cannot be changed while the record is &quot;In review&quot;"));
        let after: Value = ann.get(&api).await.json().await.unwrap();
        assert_eq!((&after["version"], &after["data"]["file"]), (&reviewed["version"], &json!(file)));
        assert!(!ann.get_text(&page).await.1.contains("policy-v3.pdf"));
    }
}
