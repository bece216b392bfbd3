//! Portal organizations: staff create them for accounts and fill them by e-mail; an organization's
//! administrators manage their own people on the portal and can never reach another
//! organization's users, roles or records, however they forge the ids.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{create_role, put, role_named},
    harness::{Browser, Login, TestApp, TestTenant, error_code, location, on_both_databases},
};

pub(crate) async fn account(admin: &Browser, name: &str) -> String {
    let response = admin
        .post_json(
            "/api/v1/objects/account/records",
            &json!({ "data": { "name": name, "phone": "+1 555 0100" } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn organization(admin: &Browser, account: &str) -> String {
    let response = admin
        .post_json("/api/v1/organizations", &json!({ "account": account }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Adds users by e-mail as staff and lets each new one choose a password; returns (id, login)
/// per new user.
pub(crate) async fn add_members(
    tenant: &TestTenant,
    by: &Browser,
    org: &str,
    emails: &str,
    roles: &[&str],
) -> Vec<(String, Login)> {
    let response = by
        .post_json(
            &format!("/api/v1/organizations/{org}/members"),
            &json!({ "emails": emails, "roles": roles }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    let mut members = Vec::new();
    for created in body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a.get("setup_link").is_some())
    {
        let login = created["user"]["login"].as_str().unwrap();
        let password = format!("{login} password");
        tenant
            .browser()
            .set_password(created["setup_link"].as_str().unwrap(), &password)
            .await;
        members.push((
            created["user"]["id"].as_str().unwrap().to_owned(),
            Login::new(login, &password),
        ));
    }
    members
}

pub(crate) async fn signed_in(tenant: &TestTenant, who: &Login) -> Browser {
    let browser = tenant.browser();
    assert_eq!(browser.sign_in_api(who).await.status(), StatusCode::OK);
    browser
}

async fn patch(browser: &Browser, path: &str, body: Value) -> StatusCode {
    browser.patch_json(path, &body).await.status()
}

on_both_databases! {
    async fn organization_administrators_stay_inside_their_organization(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let acme = organization(&admin, &account(&admin, "Acme Corp").await).await;
        let globex_account = account(&admin, "Globex").await;
        let globex = organization(&admin, &globex_account).await;
        let acme_managers = create_role(&admin, "Acme managers", &acme).await;
        let globex_managers = create_role(&admin, "Globex managers", &globex).await;

        // Each address is reported; a bad one does not stop the others.
        let response = admin.post_json(&format!("/api/v1/organizations/{acme}/members"), &json!({ "emails": "nope, also@bad" })).await;
        let body: Value = response.json().await.unwrap();
        let outcomes: Vec<&str> = body["data"].as_array().unwrap().iter().map(|a| a["outcome"].as_str().unwrap()).collect();
        assert_eq!(outcomes, ["invalid", "invalid"], "{body}");
        let members = add_members(&tenant, &admin, &acme, "ann@acme.test bad-address bob@acme.test", &[]).await;
        let [(ann_id, ann), (bob_id, bob)] = [members[0].clone(), members[1].clone()];
        let (gil_id, gil) = add_members(&tenant, &admin, &globex, "gil@globex.test", &[]).await.remove(0);
        assert_eq!(patch(&admin, &format!("/api/v1/organizations/{acme}/members/{ann_id}"), json!({ "admin": true })).await, StatusCode::NO_CONTENT);

        // New members are Contacts of the account; full names from the address.
        let profile: Value = admin.get(&format!("/api/v1/organizations/{acme}")).await.json().await.unwrap();
        let logins: Vec<&str> = profile["members"].as_array().unwrap().iter().map(|m| m["login"].as_str().unwrap()).collect();
        assert_eq!(logins, ["ann@acme.test", "bob@acme.test"]);
        assert_eq!(profile["members"][1]["full_name"], "bob");

        let ann_browser = signed_in(&tenant, &ann).await;
        // Her own organization: profile, members, the roles below it.
        let mine: Value = ann_browser.get(&format!("/api/v1/organizations/{acme}")).await.json().await.unwrap();
        assert_eq!(mine["organization"]["name"], "Acme Corp");
        assert_eq!(mine["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect::<Vec<_>>(), ["Acme managers"]);
        let response = ann_browser
            .post_json(&format!("/api/v1/organizations/{acme}/members"), &json!({ "emails": "carol@acme.test", "roles": [&acme_managers] }))
            .await;
        let added: Value = response.json().await.unwrap();
        assert_eq!(added["data"][0]["outcome"], "invited", "{added}");
        assert!(added["data"][0].get("setup_link").is_none(), "the invitation goes to Carol alone: {added}");
        let profile: Value = admin.get(&format!("/api/v1/organizations/{acme}")).await.json().await.unwrap();
        let carol_id = profile["members"].as_array().unwrap().iter().find(|m| m["login"] == "carol@acme.test").unwrap()["id"].as_str().unwrap().to_owned();
        let carol: Value = admin.get(&format!("/api/v1/users/{carol_id}")).await.json().await.unwrap();
        assert_eq!(carol["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect::<Vec<_>>(), ["Acme managers", "Acme Corp"]);
        assert_eq!(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{bob_id}"), json!({ "roles": { acme_managers.clone(): true } })).await, StatusCode::NO_CONTENT);

        // Another organization does not exist for her, whatever id she forges.
        let not_found = |status: StatusCode, what: &str| assert_eq!(status, StatusCode::NOT_FOUND, "{what}");
        not_found(ann_browser.get(&format!("/api/v1/organizations/{globex}")).await.status(), "globex profile");
        let response = ann_browser.post_json(&format!("/api/v1/organizations/{globex}/members"), &json!({ "emails": "mole@globex.test" })).await;
        not_found(response.status(), "adding to globex");
        not_found(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{gil_id}"), json!({ "active": false })).await, "gil via acme");
        not_found(patch(&ann_browser, &format!("/api/v1/organizations/{globex}/members/{gil_id}"), json!({ "active": false })).await, "gil via globex");
        not_found(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{}", tenant_admin_id(&admin).await), json!({ "admin": true })).await, "employee via acme");
        // A role outside her organization, or the organization itself, cannot be given.
        let status = patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{bob_id}"), json!({ "roles": { globex_managers.clone(): true } })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let status = patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{bob_id}"), json!({ "roles": { acme.clone(): true } })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let forged = ann_browser.client.put(ann_browser.url(&format!("/api/v1/roles/{globex_managers}/members/{bob_id}"))).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let forged = ann_browser.client.put(ann_browser.url(&format!("/api/v1/roles/{acme_managers}/members/{gil_id}"))).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::NOT_FOUND);
        // Globex's account and addresses are out of reach too.
        let response = ann_browser.patch_json(&format!("/api/v1/organizations/{globex}"), &json!({ "name": "pwned" })).await;
        not_found(response.status(), "globex profile edit");
        assert_eq!(admin.post_json(&format!("/api/v1/organizations/{globex}/addresses"), &json!({ "address": "1 Globex Way" })).await.status(), StatusCode::CREATED);
        let globex_profile: Value = admin.get(&format!("/api/v1/organizations/{globex}")).await.json().await.unwrap();
        let globex_address = globex_profile["addresses"][0]["id"].as_str().unwrap().to_owned();
        not_found(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/addresses/{globex_address}"), json!({ "city": "x" })).await, "globex address via acme");
        not_found(ann_browser.delete(&format!("/api/v1/organizations/{acme}/addresses/{globex_address}")).await.status(), "delete globex address");
        let (status, _) = error_code(ann_browser.get(&format!("/api/v1/objects/account/records/{globex_account}")).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "accounts are not on the portal");
        // Nor is she staff.
        for path in ["/api/v1/users", "/api/v1/organizations", "/api/v1/access/audit", "/api/v1/roles"] {
            assert_eq!(ann_browser.get(path).await.status(), StatusCode::FORBIDDEN, "{path}");
        }
        // Globex and its members are untouched.
        let gil_now: Value = admin.get(&format!("/api/v1/users/{gil_id}")).await.json().await.unwrap();
        assert!(gil_now["deactivated_at"].is_null());
        assert_eq!(signed_in(&tenant, &gil).await.get("/api/v1/me").await.status(), StatusCode::OK);

        // Her own organization's profile and addresses she runs.
        assert_eq!(patch(&ann_browser, &format!("/api/v1/organizations/{acme}"), json!({ "name": "Acme Corporation", "phone": "+1 555 0199" })).await, StatusCode::NO_CONTENT);
        assert_eq!(ann_browser.post_json(&format!("/api/v1/organizations/{acme}/addresses"), &json!({ "type": "Delivery", "address": "2 Main St", "city": "Boston" })).await.status(), StatusCode::CREATED);
        let response = ann_browser.post_json(&format!("/api/v1/organizations/{acme}/addresses"), &json!({ "address": "" })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let mine: Value = ann_browser.get(&format!("/api/v1/organizations/{acme}")).await.json().await.unwrap();
        assert_eq!((mine["organization"]["name"].as_str(), mine["phone"].as_str()), (Some("Acme Corporation"), Some("+1 555 0199")));
        let address = mine["addresses"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/addresses/{address}"), json!({ "city": "Cambridge" })).await, StatusCode::NO_CONTENT);
        assert_eq!(ann_browser.delete(&format!("/api/v1/organizations/{acme}/addresses/{address}")).await.status(), StatusCode::NO_CONTENT);

        // Promoting and deactivating: Bob becomes an administrator, then is deactivated, and his
        // session stops working at once.
        let bob_browser = signed_in(&tenant, &bob).await;
        assert_eq!(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{bob_id}"), json!({ "admin": true })).await, StatusCode::NO_CONTENT);
        assert_eq!(bob_browser.get(&format!("/api/v1/organizations/{acme}")).await.status(), StatusCode::OK);
        assert_eq!(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{bob_id}"), json!({ "active": false })).await, StatusCode::NO_CONTENT);
        assert_eq!(bob_browser.get("/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(tenant.browser().sign_in_api(&bob).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(patch(&ann_browser, &format!("/api/v1/organizations/{acme}/members/{bob_id}"), json!({ "active": true })).await, StatusCode::NO_CONTENT);
        assert_eq!(tenant.browser().sign_in_api(&bob).await.status(), StatusCode::OK);
        let _ = ann_id;
    }
}

async fn tenant_admin_id(admin: &Browser) -> String {
    let me: Value = admin.get("/api/v1/me").await.json().await.unwrap();
    me["id"].as_str().unwrap().to_owned()
}

on_both_databases! {
    async fn manage_portal_users_alone_reaches_portal_users_only(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let (clerk_id, clerk) = tenant.create_user(&admin, "clerk@acme.test", "employee", "clerk's password").await;
        put(&admin, "/api/v1/access/operations/manage_portal_users", json!({ "grantee": clerk_id, "granted": true })).await;
        let clerk = signed_in(&tenant, &clerk).await;

        // Organizations and portal users: yes.
        let org = organization(&clerk, &account(&admin, "Initech").await).await;
        add_members(&tenant, &clerk, &org, "peter@initech.test", &[]).await;
        let response = clerk.post_json("/api/v1/users", &json!({ "login": "solo@cust.test", "full_name": "Solo", "kind": "external" })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let users: Value = clerk.get("/api/v1/users").await.json().await.unwrap();
        let kinds: Vec<&str> = users["data"].as_array().unwrap().iter().map(|u| u["kind"].as_str().unwrap()).collect();
        assert!(!kinds.is_empty() && kinds.iter().all(|k| *k == "external"), "{kinds:?}");
        // Employees' accounts: invisible. Permissions: not changeable.
        let response = clerk.post_json("/api/v1/users", &json!({ "login": "spy@acme.test", "full_name": "Spy", "kind": "employee" })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(clerk.get(&format!("/api/v1/users/{}", tenant_admin_id(&admin).await)).await.status(), StatusCode::NOT_FOUND);
        let grant = clerk.client.put(clerk.url("/api/v1/access/objects/account/grants"))
            .json(&json!({ "operation": "read", "grantee": role_named(&admin, "All external users").await, "granted": true }))
            .send().await.unwrap();
        assert_eq!(grant.status(), StatusCode::FORBIDDEN);
        let op = clerk.client.put(clerk.url("/api/v1/access/operations/access_rights_workspace"))
            .json(&json!({ "grantee": clerk_id, "granted": true })).send().await.unwrap();
        assert_eq!(op.status(), StatusCode::FORBIDDEN);
        assert_eq!(clerk.get("/api/v1/access/audit").await.status(), StatusCode::FORBIDDEN);

        // Every change of permissions is in the audit log, with who, what, before and after.
        let audit: Value = admin.get("/api/v1/access/audit").await.json().await.unwrap();
        let entry = audit["data"].as_array().unwrap().iter().find(|e| e["action"] == "system_operation.set").unwrap();
        assert_eq!(entry["subject"], "operation:manage_portal_users");
        assert_eq!(entry["before"]["granted"], false);
        assert_eq!(entry["after"]["granted"], true);
        assert_eq!(entry["actor"], tenant_admin_id(&admin).await.as_str());
    }
}

on_both_databases! {
    async fn deactivating_a_user_ends_their_sessions_and_tokens_for_good(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let (id, carla) = tenant.create_user(&admin, "carla@cust.test", "external", "carla's password").await;
        let browser = signed_in(&tenant, &carla).await;
        let token: Value = browser.post_json("/api/v1/auth/tokens", &json!({ "name": "script" })).await.json().await.unwrap();
        let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
        let script = Browser::stateless(&tenant.origin);
        let me = || script.client.get(script.url("/api/v1/me")).header("authorization", &bearer).send();
        assert_eq!(me().await.unwrap().status(), StatusCode::OK);

        assert_eq!(patch(&admin, &format!("/api/v1/users/{id}"), json!({ "active": false })).await, StatusCode::OK);
        assert_eq!(browser.get("/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(me().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        assert_eq!(tenant.browser().sign_in_api(&carla).await.status(), StatusCode::UNAUTHORIZED);
        // Administrators cannot lock themselves out.
        assert_eq!(patch(&admin, &format!("/api/v1/users/{}", tenant_admin_id(&admin).await), json!({ "active": false })).await, StatusCode::CONFLICT);

        // Reactivated, the user signs in afresh: the old session and token stay dead.
        assert_eq!(patch(&admin, &format!("/api/v1/users/{id}"), json!({ "active": true })).await, StatusCode::OK);
        assert_eq!(me().await.unwrap().status(), StatusCode::UNAUTHORIZED, "the old token is revoked");
        assert_eq!(browser.get("/api/v1/me").await.status(), StatusCode::UNAUTHORIZED, "the old session is gone");
        assert_eq!(tenant.browser().sign_in_api(&carla).await.status(), StatusCode::OK);
    }
}

on_both_databases! {
    async fn an_organization_administrator_can_add_only_new_people_and_learns_nobody_exists(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let acme = organization(&admin, &account(&admin, "Acme Corp").await).await;
        let globex_account = account(&admin, "Globex").await;
        let globex = organization(&admin, &globex_account).await;
        let (ann_id, ann) = add_members(&tenant, &admin, &acme, "ann@acme.test", &[]).await.remove(0);
        add_members(&tenant, &admin, &acme, "bob@acme.test", &[]).await;
        add_members(&tenant, &admin, &globex, "gil@globex.test", &[]).await;
        // Dora is a contact of Globex without an account; Ed of nobody.
        for (email, account) in [("dora@globex.test", Some(globex_account.as_str())), ("ed@nowhere.test", None)] {
            let mut data = json!({ "full_name": email, "email": email });
            if let Some(account) = account {
                data["account"] = json!(account);
            }
            assert_eq!(admin.post_json("/api/v1/objects/contact/records", &json!({ "data": data })).await.status(), StatusCode::CREATED);
        }
        assert_eq!(patch(&admin, &format!("/api/v1/organizations/{acme}/members/{ann_id}"), json!({ "admin": true })).await, StatusCode::NO_CONTENT);
        let ann = signed_in(&tenant, &ann).await;

        let list = "GIL@globex.test, admin@acme.test, dora@globex.test ed@nowhere.test new@acme.test bob@acme.test not-an-address new@acme.test";
        let response = ann.post_json(&format!("/api/v1/organizations/{acme}/members"), &json!({ "emails": list })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        let report: Vec<(String, String)> = body["data"].as_array().unwrap().iter()
            .map(|a| (a["address"].as_str().unwrap().to_owned(), a["outcome"].as_str().unwrap().to_owned()))
            .collect();
        let expected = [
            ("GIL@globex.test", "invited"), ("admin@acme.test", "invited"), ("dora@globex.test", "invited"),
            ("ed@nowhere.test", "invited"), ("new@acme.test", "invited"), ("bob@acme.test", "already_member"),
            ("not-an-address", "invalid"), ("new@acme.test", "duplicate"),
        ];
        assert_eq!(report, expected.map(|(a, o)| (a.to_owned(), o.to_owned())), "{body}");
        // Someone else's address reads exactly like a real invitation: same keys, same words.
        let entry = |n: usize| {
            let mut entry = body["data"][n].clone();
            entry.as_object_mut().unwrap().remove("address");
            entry
        };
        assert_eq!(entry(0), entry(4));
        assert!(!body.to_string().contains("set-password"), "no links for the organization's administrator");

        // Only the new person was added, and only they got an invitation.
        let profile: Value = admin.get(&format!("/api/v1/organizations/{acme}")).await.json().await.unwrap();
        let mut logins: Vec<&str> = profile["members"].as_array().unwrap().iter().map(|m| m["login"].as_str().unwrap()).collect();
        logins.sort();
        assert_eq!(logins, ["ann@acme.test", "bob@acme.test", "new@acme.test"]);
        let users: Value = admin.get("/api/v1/users").await.json().await.unwrap();
        for email in ["dora@globex.test", "ed@nowhere.test"] {
            assert!(!users.to_string().contains(email), "{email} got an account");
        }
        let gil: Value = admin.get(&format!("/api/v1/organizations/{globex}")).await.json().await.unwrap();
        assert_eq!(gil["members"][0]["login"], "gil@globex.test", "Gil stays in Globex");
        let (_, mailbox) = admin.get_text("/console/mail").await;
        assert_eq!(mailbox.matches("Your access to the").count(), 4, "ann, bob, gil by staff; new by Ann: {mailbox}");
        assert!(mailbox.contains("new@acme.test"));
        for email in ["dora@globex.test", "ed@nowhere.test"] {
            assert!(!mailbox.contains(email), "{email} was mailed");
        }

        // Staff, who see every account anyway, are told why an address was refused.
        let response = admin.post_json(&format!("/api/v1/organizations/{acme}/members"), &json!({ "emails": "gil@globex.test dora@globex.test" })).await;
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"][0]["outcome"], "refused");
        assert!(body["data"][0]["message"].as_str().unwrap().contains("already has an account"));
        assert!(body["data"][1]["message"].as_str().unwrap().contains("another account"), "{body}");
    }
}

/// How many messages the outbox holds for `address`.
async fn mails_to(admin: &Browser, address: &str) -> usize {
    let (_, mailbox) = admin.get_text("/console/mail").await;
    mailbox.matches(&format!("&lt;{address}&gt;")).count()
}

on_both_databases! {
    async fn an_organization_administrator_invites_again_only_their_own_members(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let acme = organization(&admin, &account(&admin, "Acme Corp").await).await;
        let globex = organization(&admin, &account(&admin, "Globex").await).await;
        let members = add_members(&tenant, &admin, &acme, "ann@acme.test bob@acme.test", &[]).await;
        let [(ann_id, ann), (_, bob)] = [members[0].clone(), members[1].clone()];
        assert_eq!(patch(&admin, &format!("/api/v1/organizations/{acme}/members/{ann_id}"), json!({ "admin": true })).await, StatusCode::NO_CONTENT);
        // Carl (Acme) and Gil (Globex) were invited but never chose a password.
        for (org, email) in [(&acme, "carl@acme.test"), (&globex, "gil@globex.test")] {
            let response = admin.post_json(&format!("/api/v1/organizations/{org}/members"), &json!({ "emails": email })).await;
            assert_eq!(response.status(), StatusCode::OK);
        }
        let id_of = |profile: &Value, login: &str| {
            profile["members"].as_array().unwrap().iter().find(|m| m["login"] == login).unwrap()["id"].as_str().unwrap().to_owned()
        };
        let acme_profile: Value = admin.get(&format!("/api/v1/organizations/{acme}")).await.json().await.unwrap();
        let globex_profile: Value = admin.get(&format!("/api/v1/organizations/{globex}")).await.json().await.unwrap();
        let carl = id_of(&acme_profile, "carl@acme.test");
        let gil = id_of(&globex_profile, "gil@globex.test");
        assert_eq!((mails_to(&admin, "carl@acme.test").await, mails_to(&admin, "gil@globex.test").await), (1, 1));

        // Ann sees who accepted, and sends Carl his invitation again.
        let ann = signed_in(&tenant, &ann).await;
        let (_, page) = ann.get_text("/organization").await;
        assert!(page.contains(&format!("/organization/members/{carl}/invitation")), "{page}");
        assert!(page.contains("Accepted"), "{page}");
        let response = ann.submit_form("/organization", &format!("/organization/members/{carl}/invitation"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, page) = ann.get_text(&location(&response)).await;
        assert!(page.contains("An invitation was sent."), "{page}");
        assert_eq!(mails_to(&admin, "carl@acme.test").await, 2);

        // Another organization's member, forged into the path, is unknown; nothing is sent.
        let response = ann.submit_form("/organization", &format!("/organization/members/{gil}/invitation"), &[]).await;
        let (_, page) = ann.get_text(&location(&response)).await;
        assert!(page.contains("not found") && !page.contains("invitation was sent"), "{page}");
        let response = ann.post_json("/api/v1/users/invitations", &json!({ "users": [gil] })).await;
        assert_eq!(error_code(response).await.0, StatusCode::NOT_FOUND);
        assert_eq!(mails_to(&admin, "gil@globex.test").await, 1);

        // A member who is not an administrator may not invite anyone.
        let bob = signed_in(&tenant, &bob).await;
        let response = bob.post_json("/api/v1/users/invitations", &json!({ "users": [carl] })).await;
        assert_eq!(error_code(response).await.0, StatusCode::NOT_FOUND);
        assert_eq!(mails_to(&admin, "carl@acme.test").await, 2);
    }
}

on_both_databases! {
    async fn members_and_organizations_are_paged_and_searched(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let account: Value = admin.post_json("/api/v1/objects/account/records", &json!({ "data": { "name": "Initech" } })).await.json().await.unwrap();
        let org: Value = admin.post_json("/api/v1/organizations", &json!({ "account": account["id"] })).await.json().await.unwrap();
        let org = org["id"].as_str().unwrap().to_owned();
        let emails: Vec<String> = (0..55).map(|i| format!("m{i:02}@initech.test")).collect();
        let added = admin.post_json(&format!("/api/v1/organizations/{org}/members"), &json!({ "emails": emails.join(" ") })).await;
        assert!(added.status().is_success(), "{}", added.text().await.unwrap());

        // The API: a page of members with a count and the next page's cursor.
        let profile: Value = admin.get(&format!("/api/v1/organizations/{org}?limit=40")).await.json().await.unwrap();
        assert_eq!(profile["members"].as_array().unwrap().len(), 40);
        assert_eq!(profile["members_count"], json!({ "records": 55, "more": false }));
        let after = profile["members_next_cursor"].as_str().unwrap();
        let rest: Value = admin.get(&format!("/api/v1/organizations/{org}?limit=40&after={after}")).await.json().await.unwrap();
        assert_eq!(rest["members"].as_array().unwrap().len(), 15);
        assert!(rest["members_next_cursor"].is_null());
        let found: Value = admin.get(&format!("/api/v1/organizations/{org}?q=M07")).await.json().await.unwrap();
        assert_eq!(found["members"][0]["login"], "m07@initech.test");
        assert_eq!(found["members_count"]["records"], 1);
        assert_eq!(admin.get(&format!("/api/v1/organizations/{org}?limit=500")).await.status(), StatusCode::BAD_REQUEST);

        // The console's organization page: 50 members, the count, the next page, a search.
        let members_table = |page: &str| page.split("id=\"members-count\"").nth(1).unwrap().split("</table>").next().unwrap().to_owned();
        let (_, page) = admin.get_text(&format!("/console/access/organizations/{org}")).await;
        let table = members_table(&page);
        assert!(table.contains("1–50 of 55") && table.contains("m49@initech.test") && !table.contains("m50@initech.test"), "{table}");
        let (_, page) = admin.get_text(&format!("/console/access/organizations/{org}?q=m5")).await;
        let table = members_table(&page);
        assert!(table.contains("1–5 of 5") && table.contains("m54@initech.test") && !table.contains("m49@"), "{table}");

        // The organizations list: searched by name.
        let (_, page) = admin.get_text("/console/access/organizations?q=initech").await;
        let link = format!("href=\"/console/access/organizations/{org}\"");
        assert!(page.contains("1–1 of 1") && page.contains(&link), "{page}");
        let (_, page) = admin.get_text("/console/access/organizations?q=nothing-like-it").await;
        assert!(!page.contains(&link), "{page}");
    }
}
