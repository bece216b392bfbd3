//! The reference's Boston/Toronto example built entirely from the console's forms, as a tenant
//! administrator would, then checked as the portal users of each role see it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{ARTICLES, role_named},
    harness::{Browser, Login, TestApp, location, on_both_databases},
};

/// Submits a console form from `page` and follows the redirect back, returning that page.
async fn submit(browser: &Browser, page: &str, action: &str, fields: &[(&str, &str)]) -> String {
    let response = browser.submit_form(page, action, fields).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{action}: {}",
        response.text().await.unwrap()
    );
    let (status, html) = browser.get_text(&location(&response)).await;
    assert_eq!(status, StatusCode::OK);
    html
}

fn setup_link(page: &str) -> String {
    page.split("<code class=\"copy\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap()
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&#x3d;", "=")
}

on_both_databases! {
    async fn the_boston_toronto_example_from_the_console(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        for page in ["/console/access", "/console/access/roles", "/console/access/objects", "/console/access/operations",
                     "/console/access/organizations", "/console/access/explain", "/console/access/audit",
                     "/console/access/objects/knowledge_article"] {
            assert_eq!(admin.get(page).await.status(), StatusCode::OK, "{page}");
        }
        let root = role_named(&admin, "All external users").await;
        let page = submit(&admin, "/console/access/roles", "/console/access/roles", &[("name", "Boston"), ("kind", "organizational"), ("parent", &root)]).await;
        assert!(page.contains("Role created.") && page.contains("Boston"));
        submit(&admin, "/console/access/roles", "/console/access/roles", &[("name", "Toronto"), ("kind", "organizational"), ("parent", &root)]).await;
        // A mistake comes back with its reason, and nothing changes.
        let page = submit(&admin, "/console/access/roles", "/console/access/roles", &[("name", " "), ("kind", "organizational"), ("parent", &root)]).await;
        assert!(page.contains("name: must be 1 to 120 characters long"), "{page}");
        let boston = role_named(&admin, "Boston").await;
        let toronto = role_named(&admin, "Toronto").await;

        // Users, created from the users page, placed in the roles from the roles page.
        let mut people = Vec::new();
        for (login, role) in [("bea@boston.test", &boston), ("tom@toronto.test", &toronto)] {
            let response = admin.submit_form("/console/users", "/console/users", &[("login", login), ("full_name", login), ("kind", "external")]).await;
            assert_eq!(response.status(), StatusCode::CREATED);
            let password = format!("{login} password");
            tenant.browser().set_password(&setup_link(&response.text().await.unwrap()), &password).await;
            let users: Value = admin.get("/api/v1/users").await.json().await.unwrap();
            let id = users["data"].as_array().unwrap().iter().find(|u| u["login"] == login).unwrap()["id"].as_str().unwrap().to_owned();
            let page = submit(&admin, "/console/access/roles", &format!("/console/access/roles/{role}/members"), &[("user", &id)]).await;
            assert!(page.contains("Member added."));
            people.push((id, Login::new(login, &password)));
        }
        let user_page = admin.get_text(&format!("/console/users/{}", people[0].0)).await.1;
        assert!(user_page.contains("Boston"), "the user page lists the role");

        // Object permissions, a rule, a hidden column.
        let object = "/console/access/objects/knowledge_article";
        submit(&admin, object, &format!("{object}/grants"), &[("grantee", &boston), ("create", "on"), ("read", "on"), ("update", "on")]).await;
        let page = submit(&admin, object, &format!("{object}/grants"), &[("grantee", &toronto), ("read", "on")]).await;
        assert!(page.contains("Operation permissions saved."));
        let page = submit(&admin, object, &format!("{object}/rules"), &[("author_role", &boston), ("grantee", &toronto), ("level", "read")]).await;
        assert!(page.contains("Records created by <strong>Boston</strong> → <strong>Toronto</strong> may read"), "{page}");
        let page = submit(&admin, object, &format!("{object}/columns"), &[("field", "modified_at"), ("grantee", &toronto), ("access", "hidden")]).await;
        assert!(page.contains("Column permission saved."));

        // On the portal side, each sees what the reference describes.
        let bea = tenant.browser();
        bea.sign_in_api(&people[0].1).await;
        let tom = tenant.browser();
        tom.sign_in_api(&people[1].1).await;
        let created = bea.post_json(ARTICLES, &json!({ "data": { "title": "Boston's guide" } })).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        assert_eq!(bea.delete(&format!("{ARTICLES}/{id}")).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(tom.post_json(ARTICLES, &json!({ "data": { "title": "x" } })).await.status(), StatusCode::FORBIDDEN);
        let seen: Value = tom.get(&format!("{ARTICLES}/{id}")).await.json().await.unwrap();
        assert_eq!(seen["data"]["title"], "Boston's guide");
        assert!(seen.get("modified_at").is_none());

        // Explain, in the console.
        let (_, page) = admin.get_text(&format!("/console/access/explain?user={}&object=knowledge_article&operation=delete&record={id}", people[1].0)).await;
        assert!(page.contains("may <strong>not</strong> delete"), "{page}");
        assert!(page.contains("Object operation</strong>:\n      deny") || page.contains("Object operation</strong>:  deny") || page.contains("deny —"), "{page}");
        let (_, page) = admin.get_text(&format!("/console/access/explain?user={}&object=knowledge_article&operation=read&record={id}", people[1].0)).await;
        assert!(page.contains("<em>Toronto</em>"), "{page}");
        assert!(page.contains("<code>modified_at</code>: hidden"), "{page}");

        // And every change is in the audit log.
        let (_, audit) = admin.get_text("/console/access/audit").await;
        for action in ["role.create", "role.member.add", "object_grant.set", "rule.add", "column.set"] {
            assert!(audit.contains(action), "{action} missing from the audit log");
        }
    }
}

on_both_databases! {
    async fn an_organization_administrator_uses_the_organization_profile_page(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let account: Value = admin.post_json("/api/v1/objects/account/records", &json!({ "data": { "name": "Initech" } })).await.json().await.unwrap();
        let page = submit(&admin, "/console/access/organizations", "/console/access/organizations", &[("account", account["id"].as_str().unwrap()), ("name", "")]).await;
        assert!(page.contains("Organization created.") && page.contains("<h1>Initech</h1>"), "{page}");
        let orgs: Value = admin.get("/api/v1/organizations").await.json().await.unwrap();
        let org = orgs["data"][0]["id"].as_str().unwrap().to_owned();
        let base = format!("/console/access/organizations/{org}");
        let page = submit(&admin, &base, &format!("{base}/members"), &[("emails", "peter@initech.test")]).await;
        let link = page.split("An invitation was sent. — ").nth(1).unwrap().split(['<', ' ']).next().unwrap()
            .replace("&#x2f;", "/").replace("&amp;", "&").replace("&#x3d;", "=");
        tenant.browser().set_password(&link, "peter's password").await;
        let profile: Value = admin.get(&format!("/api/v1/organizations/{org}")).await.json().await.unwrap();
        let peter_id = profile["members"][0]["id"].as_str().unwrap().to_owned();

        // Not an administrator yet: no organization page for Peter.
        let peter = tenant.browser();
        peter.sign_in_portal(&Login::new("peter@initech.test", "peter's password")).await;
        assert_eq!(peter.get("/organization").await.status(), StatusCode::NOT_FOUND);
        assert!(!peter.get_text("/").await.1.contains("href=\"/organization\""));
        submit(&admin, &base, &format!("{base}/members/{peter_id}"), &[("admin", "true")]).await;

        let (status, page) = peter.get_text("/organization").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<h1>Initech</h1>") && page.contains("peter@initech.test"));
        let page = submit(&peter, "/organization", "/organization/profile", &[("name", "Initech LLC"), ("phone", "+1 555 0123")]).await;
        assert!(page.contains("Profile saved.") && page.contains("Initech LLC"));
        let page = submit(&peter, "/organization", "/organization/addresses", &[("type", "Legal"), ("address", "4120 Freidrich Lane"), ("city", "Austin")]).await;
        assert!(page.contains("4120 Freidrich Lane"));
        let page = submit(&peter, "/organization", "/organization/members", &[("emails", "milton@initech.test, not-an-address")]).await;
        assert!(page.contains("is not a valid e-mail address"), "{page}");
        assert!(page.contains("milton@initech.test: An invitation was sent."), "{page}");
        assert!(!page.contains("set-password"), "the link goes to Milton alone: {page}");
        let (_, mailbox) = admin.get_text("/console/mail").await;
        assert!(mailbox.contains("milton@initech.test") && mailbox.contains("Your access to the"), "{mailbox}");
    }
}

/// The labels of the choices a picker offers for `typed`.
async fn picked(who: &Browser, picker: &str, name: &str, typed: &str) -> (StatusCode, Vec<String>) {
    let (status, html) = who
        .get_text(&format!(
            "/console/pick/{picker}/{name}?{name}__title={typed}"
        ))
        .await;
    let labels = html
        .split("data-title=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|label| {
            label
                .replace("&#x28;", "(")
                .replace("&#x29;", ")")
                .replace("&#x40;", "@")
        })
        .collect();
    (status, labels)
}

on_both_databases! {
    async fn people_and_roles_are_picked_by_typing_never_from_a_list_of_everyone(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let root = role_named(&admin, "All external users").await;
        crate::access::create_role(&admin, "Boston office", &root).await;
        for n in 0..12 {
            tenant.create_user(&admin, &format!("bo{n:02}@client.test"), "external", "a fine password").await;
        }
        let (agent_id, agent) = tenant.create_user(&admin, "agent@acme.test", "employee", "agent's password").await;
        tenant.create_user(&admin, "boris@acme.test", "employee", "boris's password").await;

        // Pages that offer to pick someone no longer carry every user.
        for page in ["/console/access/roles", "/console/access/operations", "/console/access/objects/knowledge_article", "/console/access/explain"] {
            let (status, html) = admin.get_text(page).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(!html.contains("bo07@client.test"), "{page} lists users");
            assert!(html.contains("class=\"picker-box\""), "{page}");
        }
        // Roles first, then people, at most ten, for what was typed.
        let (status, labels) = picked(&admin, "grantee", "grantee", "bo").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(labels.len(), 10, "{labels:?}");
        assert_eq!(labels[0], "Role: Boston office");
        assert!(labels[1..].iter().all(|l| l.contains("@")), "{labels:?}");
        // Nothing typed yet (the box just took the focus): nothing said.
        assert_eq!(admin.get_text("/console/pick/grantee/grantee?grantee__title=").await, (StatusCode::OK, String::new()));
        let (_, labels) = picked(&admin, "user", "user", "bo07").await;
        assert_eq!(labels, ["bo07@client.test (bo07@client.test)"]);
        // Members of a portal role are portal users; the assignee of a case an active employee.
        let (_, labels) = picked(&admin, "user", "user", "bo&kind=employee").await;
        assert_eq!(labels, ["boris@acme.test (boris@acme.test)"]);
        let (_, labels) = picked(&admin, "assignee", "assignee", "b").await;
        assert_eq!(labels, ["boris@acme.test (boris@acme.test)"]);
        // An agent may pick whom to assign to, but not browse people or roles.
        let agent_browser = tenant.browser();
        agent_browser.sign_in_console(&agent).await;
        let (status, labels) = picked(&agent_browser, "assignee", "assignee", "boris").await;
        assert_eq!((status, labels.len()), (StatusCode::OK, 1));
        assert_eq!(picked(&agent_browser, "user", "user", "bo").await.0, StatusCode::FORBIDDEN);
        assert_eq!(picked(&agent_browser, "grantee", "grantee", "bo").await.0, StatusCode::FORBIDDEN);
        assert_eq!(picked(&admin, "everyone", "x", "bo").await.0, StatusCode::NOT_FOUND);
        // A portal user reaches none of it.
        let (_, customer) = tenant.create_user(&admin, "carl@client.test", "external", "carl's password").await;
        let carl = tenant.browser();
        carl.sign_in_api(&customer).await;
        assert_ne!(picked(&carl, "assignee", "assignee", "boris").await.0, StatusCode::OK);

        // Without script, the typed name is the choice: exactly one, or the form says why.
        let operations = "/console/access/operations";
        let page = submit(&admin, operations, operations, &[("operation", "export_to_file"), ("granted", "true"), ("grantee", ""), ("grantee__title", "boston office")]).await;
        assert!(page.contains("Saved."), "{page}");
        let section = page.split("<code class=\"muted small\">export_to_file</code>").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(section.contains("Boston office"), "{section}");
        for (typed, message) in [("nobody here", "Nothing you may choose is called “nobody here”."), ("", "Type to search, then choose from the list.")] {
            let page = submit(&admin, operations, operations, &[("operation", "export_to_file"), ("granted", "true"), ("grantee", ""), ("grantee__title", typed)]).await;
            assert!(page.contains(message), "{typed}: {page}");
        }
        let before = admin.get_text("/console/access/audit").await.1.matches("system_operation").count();
        submit(&admin, operations, operations, &[("operation", "export_to_file"), ("granted", "true"), ("grantee", ""), ("grantee__title", "bo0")]).await;
        assert_eq!(admin.get_text("/console/access/audit").await.1.matches("system_operation").count(), before, "an unclear name changes nothing");
        let _ = agent_id;
    }
}
