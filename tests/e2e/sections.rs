//! Installing custom sections: the configuration's limits (none on self-service, at most three,
//! a page over its limit read-only), upgrade and rollback keeping
//! records, disable and uninstall, every manifest problem with its pointer, and who may do it.

use base64::Engine as _;
use portico_tenants::{Configuration, Slug};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{Browser, TestApp, location, on_both_databases},
    plugins::guests,
    support::Desk,
};

/// The API's upload: the manifest, and the component and icon (the equipment order's) as base64.
pub(crate) fn body(manifest: &Value, component: &[u8]) -> Value {
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let icon = guests::package("plugins/equipment-order").icon.unwrap();
    json!({ "manifest": manifest, "component": encode(component), "icon": encode(&icon) })
}

async fn configure(app: &TestApp, slug: &str, configurations: &[Configuration]) {
    let tenant = portico::tenancy::find(&app.app, &Slug::parse(slug).unwrap())
        .await
        .unwrap()
        .unwrap();
    portico::sections::installed::set_configurations(&app.app, tenant.id, configurations)
        .await
        .unwrap();
}

/// A copy of a manifest under other codes (so that it installs as another section).
fn renamed(manifest: &Value, suffix: &str) -> Value {
    let text = manifest.to_string();
    let mut copy: Value = serde_json::from_str(&text).unwrap();
    copy["code"] = json!(format!("{}_{suffix}", manifest["code"].as_str().unwrap()));
    let codes: Vec<String> = manifest["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap().to_owned())
        .collect();
    let mut text = copy.to_string();
    for code in &codes {
        text = text.replace(&format!("\"{code}\""), &format!("\"{code}_{suffix}\""));
    }
    serde_json::from_str(&text).unwrap()
}

on_both_databases! {
    async fn sections_install_within_limits_and_keep_records_across_versions(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let package = guests::package("plugins/equipment-order");
        let install = |manifest: Value| {
            let admin = desk.admin.clone();
            let component = package.component.clone();
            async move {
                let response = admin.post_json("/api/v1/sections", &body(&manifest, &component)).await;
                let status = response.status();
                (status, response.json::<Value>().await.unwrap())
            }
        };

        // Self-service tenants get no custom sections.
        let (status, refused) = install(package.manifest.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{refused}");
        assert!(refused["error"]["message"].as_str().unwrap().contains("self-service"));
        configure(&app, "acme", &[Configuration::Customer]).await;

        // Installed: its objects work like built-in ones, on the API and in the console.
        let (status, installed) = install(package.manifest.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{installed}");
        assert_eq!(installed["version"], "1.0.0");
        assert_eq!(installed["granted"], json!(["records", "settings"]));
        let order = desk.create("equipment_order", json!({ "title": "Laptops", "budget": 5000 })).await;
        let order_id = order["id"].as_str().unwrap().to_owned();
        let (_, page) = desk.admin.get_text("/console/records/equipment_order").await;
        assert!(page.contains("Laptops"), "{page}");
        let (_, page) = desk.admin.get_text("/console/sections").await;
        assert!(page.contains("Equipment orders") || page.contains("equipment_orders"), "{page}");
        // Another tenant does not have it.
        let other = Desk::open(&app, "globex").await;
        let response = other.admin.get("/api/v1/objects/equipment_order/records").await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        // Upgrade, roll back: the records stay.
        let mut newer = package.manifest.clone();
        newer["version"] = json!("1.1.0");
        let (status, upgraded) = install(newer.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{upgraded}");
        assert_eq!((upgraded["version"].as_str(), upgraded["previous_version"].as_str()), (Some("1.1.0"), Some("1.0.0")));
        // The same version with another component is refused.
        let mut other_component = package.component.clone();
        other_component.extend_from_slice(&[0, 0, 0, 0]);
        let response = desk.admin.post_json("/api/v1/sections", &body(&newer, &other_component)).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        let response = desk.admin.post_json("/api/v1/sections/equipment_orders/rollback", &json!({})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let sections: Value = desk.admin.get("/api/v1/sections").await.json().await.unwrap();
        assert_eq!(sections["data"][0]["version"], "1.0.0");
        let response = desk.admin.get(&format!("/api/v1/objects/equipment_order/records/{order_id}")).await;
        assert_eq!(response.status(), StatusCode::OK);

        // Disabled: gone from the API; enabled again: back with its records.
        desk.admin.post_json("/api/v1/sections/equipment_orders/disable", &json!({})).await;
        assert_eq!(desk.admin.get("/api/v1/objects/equipment_order/records").await.status(), StatusCode::NOT_FOUND);
        desk.admin.post_json("/api/v1/sections/equipment_orders/enable", &json!({})).await;
        assert_eq!(desk.admin.get(&format!("/api/v1/objects/equipment_order/records/{order_id}")).await.status(), StatusCode::OK);

        // At most three custom sections.
        for suffix in ["b", "c"] {
            let (status, body) = install(renamed(&package.manifest, suffix)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (status, refused) = install(renamed(&package.manifest, "d")).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(refused["error"]["message"].as_str().unwrap().contains("most its configuration allows (3)"), "{refused}");
        // Uninstalling one makes room; its records come back when it is installed again.
        let response = desk.admin.delete("/api/v1/sections/equipment_orders").await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(desk.admin.get("/api/v1/objects/equipment_order/records").await.status(), StatusCode::NOT_FOUND);
        let (status, _) = install(package.manifest.clone()).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(desk.admin.get(&format!("/api/v1/objects/equipment_order/records/{order_id}")).await.status(), StatusCode::OK);
        // Purging deletes the records for good.
        let response = desk.admin.delete("/api/v1/sections/equipment_orders?purge=true").await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let (status, _) = install(package.manifest.clone()).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(desk.admin.get(&format!("/api/v1/objects/equipment_order/records/{order_id}")).await.status(), StatusCode::NOT_FOUND);
    }
}

on_both_databases! {
    async fn oversized_sections_bad_packages_and_outsiders_are_refused(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        configure(&app, "acme", &[Configuration::Customer]).await;
        let package = guests::package("plugins/equipment-order");

        // Every schema problem at once, each with its pointer; nothing installed.
        let mut broken = package.manifest.clone();
        broken["code"] = json!("Not A Code");
        broken["objects"][0]["fields"]["budget"]["type"] = json!("money");
        let response = desk.admin.post_json("/api/v1/sections", &body(&broken, &package.component)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error: Value = response.json().await.unwrap();
        let pointers: Vec<&String> = error["error"]["fields"].as_object().unwrap().keys().collect();
        assert!(pointers.iter().any(|p| p.as_str() == "/code"), "{error}");
        assert!(pointers.iter().any(|p| p.starts_with("/objects/0/fields/budget")), "{error}");
        // A component that is not one.
        let response = desk.admin.post_json("/api/v1/sections", &body(&package.manifest, b"\0asm garbage")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error: Value = response.json().await.unwrap();
        assert!(error["error"]["fields"]["component"].is_array(), "{error}");
        // Not base64, unknown grant.
        let response = desk.admin.post_json("/api/v1/sections", &json!({ "manifest": package.manifest, "component": "***" })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let mut with_grant = body(&package.manifest, &package.component);
        with_grant["grant"] = json!(["email"]);
        let response = desk.admin.post_json("/api/v1/sections", &with_grant).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(desk.admin.get("/api/v1/sections").await.json::<Value>().await.unwrap()["data"], json!([]));

        // Too many objects on the portal in all (the customer configuration allows 1,500): a
        // section of 900 objects fits, another of 700 beside it does not, and nothing changes.
        let many = |code: &str, count: usize| {
            let objects: Vec<Value> = (0..count)
                .map(|i| json!({
                    "code": format!("{code}_{i}"), "title": format!("Thing {i}"), "plural": format!("Things {i}"),
                    "fields": { "name": { "title": "Name", "type": "string" } },
                }))
                .collect();
            json!({ "code": code, "title": "Many things", "version": "1.0.0", "interface": "portico:section@1.0.0", "objects": objects })
        };
        let response = desk.admin.post_json("/api/v1/sections", &body(&many("things", 900), &package.component)).await;
        let status = response.status();
        assert_eq!(status, StatusCode::CREATED, "{}", response.text().await.unwrap());
        let response = desk.admin.post_json("/api/v1/sections", &body(&many("more_things", 700), &package.component)).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let refused: Value = response.json().await.unwrap();
        let message = refused["error"]["message"].as_str().unwrap();
        assert!(message.contains("the configuration allows 1500"), "{refused}");
        let installed: Value = desk.admin.get("/api/v1/sections").await.json().await.unwrap();
        let codes: Vec<&str> = installed["data"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["things"]);
        assert_eq!(desk.admin.get("/api/v1/objects/more_things_0/records").await.status(), StatusCode::NOT_FOUND);
        let response = desk.admin.delete("/api/v1/sections/things?purge=true").await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);

        // A portal page over the per-page limit: installed, but read-only, and the console says why.
        let mut crowded = renamed(&package.manifest, "crowded");
        let fields = crowded["objects"][0]["fields"].as_object_mut().unwrap();
        let mut names = Vec::new();
        for i in 0..130 {
            fields.insert(format!("extra_{i}"), json!({ "title": format!("Extra {i}"), "type": "string" }));
            names.push(json!(format!("extra_{i}")));
        }
        crowded["objects"][0]["layouts"]["portal"]["sections"][0]["fields"] = json!(names);
        let response = desk.admin.post_json("/api/v1/sections", &body(&crowded, &package.component)).await;
        let status = response.status();
        let installed: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{installed}");
        assert!(installed["read_only_reason"].as_str().unwrap().contains("allows 125"), "{installed}");
        let response = desk.admin.post_json("/api/v1/objects/equipment_order_crowded/records", &json!({ "data": { "title": "x", "budget": 1 } })).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let (_, page) = desk.admin.get_text("/console/sections").await;
        assert!(page.contains("Read-only"), "{page}");

        // Only administrators install; portal users cannot even look.
        let (_, agent) = desk.tenant.create_user(&desk.admin, "agent@acme.test", "employee", "agent password 1").await;
        let agent_browser = desk.tenant.browser();
        agent_browser.sign_in_api(&agent).await;
        let response = agent_browser.post_json("/api/v1/sections", &body(&package.manifest, &package.component)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let customer = desk.customer("ann@client.test", json!({})).await;
        assert_eq!(customer.get("/api/v1/sections").await.status(), StatusCode::FORBIDDEN);

        // The console's upload form installs a package from its files.
        let manifest_text = package.manifest.to_string().into_bytes();
        let response = desk.admin.submit_multipart(
            "/console/sections",
            "/console/sections",
            &[("grant_records", "1")],
            vec![
                ("section.json", "application/json", manifest_text),
                ("equipment_order.wasm", "application/wasm", package.component.clone()),
                ("icon.svg", "image/svg+xml", package.icon.clone().unwrap()),
            ],
        ).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, page) = desk.admin.get_text(&location(&response)).await;
        assert!(page.contains("is installed"), "{page}");
        let sections: Value = desk.admin.get("/api/v1/sections").await.json().await.unwrap();
        let equipment = sections["data"].as_array().unwrap().iter().find(|s| s["code"] == "equipment_orders").unwrap();
        assert_eq!(equipment["granted"], json!(["records"]));
    }
}

on_both_databases! {
    async fn installed_sections_check_records_through_their_hooks(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        configure(&app, "acme", &[Configuration::Customer]).await;
        let equipment = guests::package("plugins/equipment-order");
        let response = desk.admin.post_json("/api/v1/sections", &body(&equipment.manifest, &equipment.component)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let create = |object: &'static str, data: Value| {
            let admin = desk.admin.clone();
            async move {
                let response = admin.post_json(&format!("/api/v1/objects/{object}/records"), &json!({ "data": data })).await;
                let status = response.status();
                (status, response.json::<Value>().await.unwrap())
            }
        };

        // The section's own rules (budget ceiling, line quantities) refuse with field errors.
        let (status, refused) = create("equipment_order", json!({ "title": "Servers", "budget": 60000 })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused["error"]["fields"]["budget"][0].as_str().unwrap().contains("at most"), "{refused}");
        // The tenant's settings for the section raise its ceiling (the section reads them).
        let response = desk.admin.client.put(desk.admin.url("/api/v1/sections/equipment_orders/settings"))
            .json(&json!({ "max_order_budget": 100000 })).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let (status, big) = create("equipment_order", json!({ "title": "Servers", "budget": 60000 })).await;
        assert_eq!(status, StatusCode::CREATED, "{big}");
        for bad in ["not json", "[1, 2]"] {
            let response = desk.admin.submit_form("/console/sections", "/console/sections/equipment_orders/settings", &[("settings", bad)]).await;
            let (_, page) = desk.admin.get_text(&location(&response)).await;
            assert!(page.contains("alert error"), "{bad}: {page}");
        }
        let settings: Value = desk.admin.get("/api/v1/sections/equipment_orders/settings").await.json().await.unwrap();
        assert_eq!(settings, json!({ "max_order_budget": 100000 }));
        let response = desk.admin.client.put(desk.admin.url("/api/v1/sections/equipment_orders/settings"))
            .json(&json!({})).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let (status, order) = create("equipment_order", json!({ "title": "Laptops", "budget": 4000 })).await;
        assert_eq!(status, StatusCode::CREATED, "{order}");
        let (status, refused) = create("order_line", json!({ "order": order["id"], "item": "Laptop", "quantity": 0, "unit_price": 900 })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert!(refused["error"]["fields"]["quantity"].is_array(), "{refused}");
        let (status, line) = create("order_line", json!({ "order": order["id"], "item": "Laptop", "quantity": 2, "unit_price": 900 })).await;
        assert_eq!(status, StatusCode::CREATED, "{line}");
        // Updates go through the hooks too, and nothing is written when they refuse.
        let response = desk.admin.patch_json(
            &format!("/api/v1/objects/equipment_order/records/{}", order["id"].as_str().unwrap()),
            &json!({ "version": order["version"], "data": { "budget": 999999 } }),
        ).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let current: Value = desk.admin.get(&format!("/api/v1/objects/equipment_order/records/{}", order["id"].as_str().unwrap())).await.json().await.unwrap();
        assert_eq!(current["data"]["budget"], 4000);

        // A section that panics or loops fails only its own saves, with a clear error.
        for folder in ["tests/guests/panics", "tests/guests/infinite-loop"] {
            let package = guests::package(folder);
            let response = desk.admin.post_json("/api/v1/sections", &json!({
                "manifest": package.manifest,
                "component": base64::engine::general_purpose::STANDARD.encode(&package.component),
            })).await;
            assert_eq!(response.status(), StatusCode::CREATED, "{folder}");
        }
        for object in ["panics_item", "infinite_loop_item"] {
            let (status, refused) = create(object, json!({ "name": "x" })).await;
            assert_eq!(status, StatusCode::BAD_GATEWAY, "{object}: {refused}");
            assert_eq!(refused["error"]["code"], "section_failed", "{refused}");
            assert!(refused["error"]["message"].as_str().unwrap().contains("could not check"), "{refused}");
            let listed: Value = desk.admin.get(&format!("/api/v1/objects/{object}/records")).await.json().await.unwrap();
            assert_eq!(listed["data"], json!([]), "{object}");
        }
        let (status, _) = create("equipment_order", json!({ "title": "Chairs", "budget": 300 })).await;
        assert_eq!(status, StatusCode::CREATED);
    }
}

/// Gives tenant `slug` the customer configuration, installs the section in `folder` and opens
/// `objects` to all portal users (on the portal; create, read, update). Returns the id of "All
/// external users".
pub(crate) async fn install_on_portal(
    app: &TestApp,
    slug: &str,
    desk: &Desk,
    folder: &str,
    objects: &[&str],
) -> String {
    configure(app, slug, &[Configuration::Customer]).await;
    let package = guests::package(folder);
    let response = desk
        .admin
        .post_json(
            "/api/v1/sections",
            &body(&package.manifest, &package.component),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let roles: Value = desk.admin.get("/api/v1/roles").await.json().await.unwrap();
    let external = role_id(&roles, "All external users").expect("the external root");
    for object in objects {
        let response = desk
            .admin
            .client
            .put(
                desk.admin
                    .url(&format!("/api/v1/access/portal-objects/{object}")),
            )
            .json(&json!({ "on_portal": true }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        for operation in ["create", "read", "update"] {
            let response = desk
                .admin
                .client
                .put(
                    desk.admin
                        .url(&format!("/api/v1/access/objects/{object}/grants")),
                )
                .json(&json!({ "operation": operation, "grantee": external, "granted": true }))
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_success(),
                "{object} {operation}: {}",
                response.status()
            );
        }
    }
    external
}

/// Creates the functional role `name` under `parent` with the signed-in portal user `member` in it.
pub(crate) async fn role_with_member(desk: &Desk, name: &str, parent: &str, member: &Browser) {
    let response = desk
        .admin
        .post_json(
            "/api/v1/roles",
            &json!({ "name": name, "kind": "functional", "parent": parent }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let roles: Value = desk.admin.get("/api/v1/roles").await.json().await.unwrap();
    let role = role_id(&roles, name).unwrap();
    let member_id = member
        .get("/api/v1/me")
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = desk
        .admin
        .client
        .put(
            desk.admin
                .url(&format!("/api/v1/roles/{role}/members/{member_id}")),
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

/// The id of the role named `name` anywhere in the roles tree.
fn role_id(tree: &Value, name: &str) -> Option<String> {
    match tree {
        Value::Object(map) => {
            if map.get("name").and_then(Value::as_str) == Some(name) {
                return map.get("id").and_then(Value::as_str).map(str::to_owned);
            }
            map.values().find_map(|v| role_id(v, name))
        }
        Value::Array(items) => items.iter().find_map(|v| role_id(v, name)),
        _ => None,
    }
}

on_both_databases! {
    async fn portal_users_submit_and_approve_equipment_orders(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        // The administrator installs the section, opens orders to portal users and makes a
        // "Purchasing" role.
        let external = install_on_portal(&app, "acme", &desk, "plugins/equipment-order", &["equipment_order", "order_line"]).await;
        let requester = desk.customer("ann@client.test", json!({})).await;
        let buyer = desk.customer("bob@client.test", json!({})).await;
        let bystander = desk.customer("cid@client.test", json!({})).await;
        role_with_member(&desk, "Purchasing", &external, &buyer).await;

        // The section is on the portal's main page, with its title and icon.
        let (_, home) = requester.get_text("/").await;
        assert!(home.contains("Equipment orders") && home.contains("/sections/equipment_orders/icon"), "{home}");
        let icon = requester.get("/sections/equipment_orders/icon").await;
        assert_eq!(icon.status(), StatusCode::OK);
        assert_eq!(icon.headers()["content-type"], "image/svg+xml");
        assert!(icon.headers()["content-security-policy"].to_str().unwrap().starts_with("sandbox"));
        assert!(icon.text().await.unwrap().contains("<svg"));
        assert_eq!(requester.get("/sections/nothing/icon").await.status(), StatusCode::NOT_FOUND);

        // The requester creates an order (it starts as a draft) with a line, and submits it.
        let created = requester.post_json("/api/v1/objects/equipment_order/records", &json!({ "data": { "title": "Monitors", "budget": 1000 } })).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let order: Value = created.json().await.unwrap();
        let id = order["id"].as_str().unwrap().to_owned();
        assert_eq!(order["data"]["status"], "draft");
        let page = format!("/records/equipment_order/{id}");
        // The status moves only through actions.
        let response = requester.patch_json(&format!("/api/v1/objects/equipment_order/records/{id}"), &json!({ "version": order["version"], "data": { "status": "approved" } })).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        // Submitting an order without lines is refused by the section.
        let response = requester.submit_form(&page, &format!("{page}/actions/submit"), &[]).await;
        let (_, html) = requester.get_text(&location(&response)).await;
        assert!(html.contains("alert error"), "{html}");
        let response = requester.post_json("/api/v1/objects/order_line/records", &json!({ "data": { "order": id, "item": "Monitor", "quantity": 2, "unit_price": 300 } })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let (_, html) = requester.get_text(&page).await;
        assert!(html.contains(">Submit<") && !html.contains(">Approve<"), "{html}");
        let response = requester.submit_form(&page, &format!("{page}/actions/submit"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let order: Value = requester.get(&format!("/api/v1/objects/equipment_order/records/{id}")).await.json().await.unwrap();
        assert_eq!(order["data"]["status"], "submitted");
        // The requester cannot approve their own order; a bystander cannot even see it.
        let response = requester.post_json(&format!("/api/v1/objects/equipment_order/records/{id}/actions/approve"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(bystander.get(&format!("/api/v1/objects/equipment_order/records/{id}")).await.status(), StatusCode::NOT_FOUND);
        let response = bystander.post_json(&format!("/api/v1/objects/equipment_order/records/{id}/actions/approve"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        // The buyer was asked by e-mail, sees the order and its Approve / Reject buttons.
        let (_, mailbox) = desk.admin.get_text("/console/mail").await;
        assert!(mailbox.contains("awaits your approval") && mailbox.contains("bob@client.test"), "{mailbox}");
        let (status, html) = buyer.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(">Approve<") && html.contains(">Reject<"), "{html}");
        // Rejecting needs a comment.
        let response = buyer.post_json(&format!("/api/v1/objects/equipment_order/records/{id}/actions/reject"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = buyer.submit_form(&page, &format!("{page}/actions/approve"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let order: Value = requester.get(&format!("/api/v1/objects/equipment_order/records/{id}")).await.json().await.unwrap();
        assert_eq!(order["data"]["status"], "approved");
        // No more decisions on an approved order; the history tells the story; the requester was told.
        let response = buyer.post_json(&format!("/api/v1/objects/equipment_order/records/{id}/actions/reject"), &json!({ "comment": "too late" })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let history: Value = requester.get(&format!("/api/v1/objects/equipment_order/records/{id}/history")).await.json().await.unwrap();
        let steps: Vec<(&str, &str)> = history["data"].as_array().unwrap().iter()
            .map(|e| (e["action"].as_str().unwrap(), e["to_status"].as_str().unwrap_or_default())).collect();
        assert_eq!(steps, [("submit", "submitted"), ("approve", "approved")]);
        let (_, mailbox) = desk.admin.get_text("/console/mail").await;
        assert!(mailbox.contains("was approved") && mailbox.contains("ann@client.test"), "{mailbox}");
    }
}

on_both_databases! {
    async fn a_leave_request_mails_its_manager_who_approves_it_on_the_portal(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        configure(&app, "acme", &[Configuration::Customer]).await;
        let package = guests::package("plugins/leave-request");
        let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        let response = desk.admin.post_json("/api/v1/sections", &json!({
            "manifest": package.manifest, "component": encode(&package.component),
            "icon": encode(package.icon.as_deref().unwrap()),
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        // Portal users may read leave requests (which ones: their record rights say).
        let roles: Value = desk.admin.get("/api/v1/roles").await.json().await.unwrap();
        let external = role_id(&roles, "All external users").unwrap();
        let response = desk.admin.client.put(desk.admin.url("/api/v1/access/portal-objects/leave_request"))
            .json(&json!({ "on_portal": true })).send().await.unwrap();
        assert!(response.status().is_success());
        let response = desk.admin.client.put(desk.admin.url("/api/v1/access/objects/leave_request/grants"))
            .json(&json!({ "operation": "read", "grantee": external, "granted": true })).send().await.unwrap();
        assert!(response.status().is_success());
        // The manager is a portal user; their contact is the request's approver.
        let manager = desk.customer("maya@client.test", json!({ "full_name": "Maya Manager" })).await;
        let contacts: Value = desk.admin.get("/api/v1/objects/contact/records?filter=email:eq:maya@client.test").await.json().await.unwrap();
        let contact = contacts["data"][0]["id"].as_str().unwrap().to_owned();

        let created = desk.create("leave_request", json!({
            "kind": "vacation", "start_date": "2026-12-07", "end_date": "2026-12-11", "manager": contact,
            "requester_email": "admin@acme.test",
        })).await;
        // The section's before-save counted the working days.
        assert_eq!(created["data"]["days"], 5);
        let id = created["id"].as_str().unwrap().to_owned();
        let response = desk.admin.post_json(&format!("/api/v1/objects/leave_request/records/{id}/actions/submit"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());

        // The section's own e-mail to the manager, and the platform's approval request.
        let (_, mailbox) = desk.admin.get_text("/console/mail").await;
        assert!(mailbox.contains("Leave requests: leave request submitted"), "{mailbox}");
        assert!(mailbox.contains("awaits your approval"), "{mailbox}");
        // The manager approves on the portal; the requester hears of it.
        let page = format!("/records/leave_request/{id}");
        let (status, html) = manager.get_text(&page).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(">Approve<"), "{html}");
        let response = manager.submit_form(&page, &format!("{page}/actions/approve"), &[("comment", "Enjoy")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let request: Value = desk.admin.get(&format!("/api/v1/objects/leave_request/records/{id}")).await.json().await.unwrap();
        assert_eq!(request["data"]["status"], "approved");
        assert_eq!(request["data"]["decision_comment"], "Enjoy");
        let (_, mailbox) = desk.admin.get_text("/console/mail").await;
        assert!(mailbox.contains("leave request decided") && mailbox.contains("was approved"), "{mailbox}");
    }
}

on_both_databases! {
    async fn a_tenant_moved_to_a_smaller_configuration_keeps_its_sections_read_only(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        configure(&app, "acme", &[Configuration::Customer]).await;
        let package = guests::package("plugins/equipment-order");
        let response = desk.admin.post_json("/api/v1/sections", &body(&package.manifest, &package.component)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let order = desk.create("equipment_order", json!({ "title": "Laptops", "budget": 5000 })).await;
        let path = format!("/api/v1/objects/equipment_order/records/{}", order["id"].as_str().unwrap());

        // The operator moves the tenant to self-service, which has no custom sections.
        configure(&app, "acme", &[Configuration::SelfService]).await;
        let read: Value = desk.admin.get(&path).await.json().await.unwrap();
        assert_eq!(read["data"]["title"], "Laptops", "nothing is deleted");
        let response = desk.admin.patch_json(&path, &json!({ "version": 1, "data": { "title": "Phones" } })).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("allows 0 custom sections"), "{body}");
        let response = desk.admin.post_json("/api/v1/objects/equipment_order/records", &json!({ "data": { "title": "x", "budget": 1 } })).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(desk.admin.delete(&path).await.status(), StatusCode::CONFLICT);
        // The console says why, on the record, its list and the Sections page.
        let page = format!("/console/records/equipment_order/{}", order["id"].as_str().unwrap());
        let (_, html) = desk.admin.get_text(&page).await;
        assert!(html.contains("These records are read-only") && !html.contains(">Save<"), "{html}");
        let (_, html) = desk.admin.get_text("/console/records/equipment_order").await;
        assert!(html.contains("These records are read-only") && !html.contains("New equipment order"), "{html}");
        let (_, html) = desk.admin.get_text("/console/sections").await;
        assert!(html.contains("allows 0 custom sections"), "{html}");
        let unchanged: Value = desk.admin.get(&path).await.json().await.unwrap();
        assert_eq!(unchanged["version"], 1);

        // Back within its limits, it is writable again.
        configure(&app, "acme", &[Configuration::Customer]).await;
        let response = desk.admin.patch_json(&path, &json!({ "version": 1, "data": { "title": "Phones" } })).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

on_both_databases! {
    async fn a_looping_section_fails_its_own_tenants_saves_while_other_tenants_are_served(app: TestApp) {
        let noisy = Desk::open(&app, "acme").await;
        configure(&app, "acme", &[Configuration::Customer]).await;
        let package = guests::package("tests/guests/infinite-loop");
        let response = noisy.admin.post_json("/api/v1/sections", &json!({
            "manifest": package.manifest,
            "component": base64::engine::general_purpose::STANDARD.encode(&package.component),
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let quiet = Desk::open(&app, "globex").await;
        let contact = quiet.create("contact", json!({ "full_name": "Gil" })).await;
        let path = format!("/api/v1/objects/contact/records/{}", contact["id"].as_str().unwrap());

        let mut attack = tokio::task::JoinSet::new();
        for _ in 0..24 {
            let admin = noisy.admin.clone();
            attack.spawn(async move {
                let response = admin.post_json("/api/v1/objects/infinite_loop_item/records", &json!({ "data": { "name": "x" } })).await;
                let retry_after = response.headers().get("retry-after").is_some();
                let status = response.status();
                let body: Value = response.json().await.unwrap();
                (status, retry_after, body)
            });
        }
        // The other tenant's reads are served all along.
        for _ in 0..20 {
            assert_eq!(quiet.admin.get(&path).await.status(), StatusCode::OK);
        }
        for (status, retry_after, body) in attack.join_all().await {
            match status {
                StatusCode::BAD_GATEWAY => assert_eq!(body["error"]["code"], "section_failed", "{body}"),
                // Over its tenant's bound of calls in flight: told to come back.
                StatusCode::SERVICE_UNAVAILABLE => assert!(retry_after, "{body}"),
                other => panic!("{other}: {body}"),
            }
        }
        let listed: Value = noisy.admin.get("/api/v1/objects/infinite_loop_item/records").await.json().await.unwrap();
        assert_eq!(listed["data"], json!([]), "nothing was saved");
    }
}

on_both_databases! {
    async fn the_main_page_shows_each_sections_widgets_from_the_catalog(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        install_on_portal(&app, "acme", &desk, "plugins/leave-request", &["leave_request"]).await;
        let ann = desk.customer("ann@client.test", json!({})).await;

        // Knowledge answers the search box and the popular articles, support the customer's
        // cases, the installed section its tile.
        let (status, home) = ann.get_text("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(home.contains("role=\"search\""), "{home}");
        assert!(home.contains("id=\"popular-articles\""), "{home}");
        assert!(home.contains("id=\"my-cases\""), "{home}");
        assert!(home.contains("href=\"/records/leave_request\""), "{home}");

        // The installed section's rules run through the same interface as the built-in ones.
        let manager = desk.create("contact", json!({ "full_name": "Maya Manager" })).await;
        let response = desk.admin.post_json("/api/v1/objects/leave_request/records", &json!({ "data": {
            "kind": "vacation", "start_date": "2026-12-10", "end_date": "2026-12-01", "manager": manager["id"],
        }})).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused: Value = response.json().await.unwrap();
        assert!(refused.to_string().contains("ends before it starts"), "{refused}");

        // A disabled section leaves the catalog, and its tile the page.
        let response = desk.admin.post_json("/api/v1/sections/leave_requests/disable", &json!({})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let (_, home) = ann.get_text("/").await;
        assert!(!home.contains("href=\"/records/leave_request\""), "{home}");
        assert!(home.contains("id=\"my-cases\""), "{home}");
    }
}
