//! The four permission gates, as the reference's worked example configures them: portal users
//! in "Boston" may create, read and edit knowledge-base articles but not delete them, "Toronto"
//! may only read; Toronto sees what Boston writes once a rule says so; Toronto does not see the
//! "Modified on" column at all. `explain` says why at every step.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, TestApp, TestTenant, error_code, on_both_databases};

pub const ARTICLES: &str = "/api/v1/objects/knowledge_article/records";

/// The tenant's role tree, by name.
pub async fn role_named(admin: &Browser, name: &str) -> String {
    let roles: Value = admin.get("/api/v1/roles").await.json().await.unwrap();
    roles["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no role {name}: {roles}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn create_role(admin: &Browser, name: &str, parent: &str) -> String {
    let response = admin
        .post_json(
            "/api/v1/roles",
            &json!({ "name": name, "kind": "organizational", "parent": parent }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub async fn put(admin: &Browser, path: &str, body: Value) {
    let response = admin
        .client
        .put(admin.url(path))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::NO_CONTENT,
        "PUT {path} {body}: {}",
        response.text().await.unwrap()
    );
}

async fn explain(admin: &Browser, user: &str, operation: &str, record: Option<&str>) -> Value {
    let mut path = format!(
        "/api/v1/access/explain?user={user}&object=knowledge_article&operation={operation}"
    );
    if let Some(record) = record {
        path.push_str(&format!("&record={record}"));
    }
    let response = admin.get(&path).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn gate<'a>(explanation: &'a Value, name: &str) -> &'a Value {
    explanation["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gate"] == name)
        .unwrap()
}

struct Offices {
    boston: Browser,
    toronto: Browser,
    boston_id: String,
    toronto_id: String,
    boston_role: String,
    toronto_role: String,
}

/// Roles Boston and Toronto under "All external users", one portal user in each, and the
/// object permissions of the example.
async fn offices(tenant: &TestTenant, admin: &Browser) -> Offices {
    let root = role_named(admin, "All external users").await;
    let boston_role = create_role(admin, "Boston", &root).await;
    let toronto_role = create_role(admin, "Toronto", &root).await;
    let (boston_id, boston_login) = tenant
        .create_user(admin, "bea@boston.test", "external", "bea's password")
        .await;
    let (toronto_id, toronto_login) = tenant
        .create_user(admin, "tom@toronto.test", "external", "tom's password")
        .await;
    put(
        admin,
        &format!("/api/v1/roles/{boston_role}/members/{boston_id}"),
        json!(null),
    )
    .await;
    put(
        admin,
        &format!("/api/v1/roles/{toronto_role}/members/{toronto_id}"),
        json!(null),
    )
    .await;
    for operation in ["create", "read", "update"] {
        put(
            admin,
            "/api/v1/access/objects/knowledge_article/grants",
            json!({ "operation": operation, "grantee": boston_role, "granted": true }),
        )
        .await;
    }
    put(
        admin,
        "/api/v1/access/objects/knowledge_article/grants",
        json!({ "operation": "read", "grantee": toronto_role, "granted": true }),
    )
    .await;
    let boston = tenant.browser();
    assert_eq!(
        boston.sign_in_api(&boston_login).await.status(),
        StatusCode::OK
    );
    let toronto = tenant.browser();
    assert_eq!(
        toronto.sign_in_api(&toronto_login).await.status(),
        StatusCode::OK
    );
    Offices {
        boston,
        toronto,
        boston_id,
        toronto_id,
        boston_role,
        toronto_role,
    }
}

async fn write_article(browser: &Browser, title: &str) -> Value {
    let response = browser
        .post_json(
            ARTICLES,
            &json!({ "data": { "title": title, "body": "..." } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "{title}");
    response.json().await.unwrap()
}

pub async fn publish_article(browser: &Browser, title: &str) -> Value {
    let response = browser
        .post_json(
            ARTICLES,
            &json!({ "data": { "title": title, "state": "Published" } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED, "{title}");
    response.json().await.unwrap()
}

async fn titles(browser: &Browser, query: &str) -> Vec<String> {
    let list: Value = browser
        .get(&format!("{ARTICLES}{query}"))
        .await
        .json()
        .await
        .unwrap();
    list["data"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|r| r["data"]["title"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn boston_writes_articles_toronto_only_reads(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let o = offices(&tenant, &admin).await;

        // Boston: create, read, edit its own; not delete.
        let article = write_article(&o.boston, "Resetting the router").await;
        let path = format!("{ARTICLES}/{}", article["id"].as_str().unwrap());
        let edit = o.boston.patch_json(&path, &json!({ "version": 1, "data": { "body": "Hold the button." } })).await;
        assert_eq!(edit.status(), StatusCode::OK);
        let (status, code) = error_code(o.boston.delete(&path).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));

        // Toronto: read only, and only what it may see: Boston's article is not theirs.
        let (status, _) = error_code(o.toronto.post_json(ARTICLES, &json!({ "data": { "title": "Mine" } })).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(o.toronto.get(&path).await.status(), StatusCode::NOT_FOUND);
        assert!(titles(&o.toronto, "").await.is_empty());
        let why = explain(&admin, &o.toronto_id, "read", Some(article["id"].as_str().unwrap())).await;
        assert_eq!(why["allowed"], false);
        assert_eq!(gate(&why, "portal_object")["outcome"], "allow");
        assert_eq!(gate(&why, "object_operation")["outcome"], "allow");
        assert_eq!(gate(&why, "record")["outcome"], "deny");
        let why = explain(&admin, &o.toronto_id, "create", None).await;
        assert_eq!(gate(&why, "object_operation")["outcome"], "deny");
        let why = explain(&admin, &o.boston_id, "delete", Some(article["id"].as_str().unwrap())).await;
        assert_eq!(gate(&why, "object_operation")["outcome"], "deny");
        assert_eq!(gate(&why, "record")["outcome"], "skipped");
        let why = explain(&admin, &o.boston_id, "update", Some(article["id"].as_str().unwrap())).await;
        assert_eq!(why["allowed"], true);
        assert_eq!(gate(&why, "object_operation")["decided_by"]["name"], "Boston");
        assert_eq!(gate(&why, "record")["decided_by"]["source"], "author");

        // A rule: articles created by Boston users are readable by Toronto (from now on).
        let response = admin
            .post_json("/api/v1/access/objects/knowledge_article/rules",
                &json!({ "author_role": o.boston_role, "grantee": o.toronto_role, "level": "read" }))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let rule = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let second = write_article(&o.boston, "Replacing the filter").await;
        assert_eq!(titles(&o.toronto, "").await, ["Replacing the filter"]);
        let second_path = format!("{ARTICLES}/{}", second["id"].as_str().unwrap());
        let read: Value = o.toronto.get(&second_path).await.json().await.unwrap();
        assert_eq!(read["data"]["title"], "Replacing the filter");
        // Reading is all: Toronto cannot edit it.
        let (status, _) = error_code(o.toronto.patch_json(&second_path, &json!({ "version": 1, "data": { "title": "x" } })).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let why = explain(&admin, &o.toronto_id, "read", Some(second["id"].as_str().unwrap())).await;
        assert_eq!(why["allowed"], true);
        assert_eq!(gate(&why, "record")["decided_by"]["name"], "Toronto");
        assert_eq!(gate(&why, "record")["decided_by"]["source"], format!("rule:{rule}"));

        // Employees' published articles reach every external user without another step; drafts
        // stay with their authors and employees.
        publish_article(&admin, "Opening hours").await;
        write_article(&admin, "Draft notes").await;
        assert_eq!(titles(&o.toronto, "").await, ["Opening hours", "Replacing the filter"]);
        assert_eq!(titles(&o.boston, "").await, ["Opening hours", "Replacing the filter", "Resetting the router"]);
    }
}

on_both_databases! {
    async fn a_hidden_column_vanishes_for_toronto_everywhere(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let o = offices(&tenant, &admin).await;
        let article = publish_article(&admin, "Opening hours").await;
        publish_article(&admin, "Holidays").await;
        let path = format!("{ARTICLES}/{}", article["id"].as_str().unwrap());
        put(&admin, "/api/v1/access/objects/knowledge_article/columns",
            json!({ "field": "modified_at", "grantee": o.toronto_role, "access": "hidden" })).await;

        // Pages and API output: gone for Toronto, there for Boston.
        let seen: Value = o.toronto.get(&path).await.json().await.unwrap();
        assert!(seen.get("modified_at").is_none(), "{seen}");
        assert!(seen.get("created_at").is_some());
        let seen: Value = o.boston.get(&path).await.json().await.unwrap();
        assert!(seen.get("modified_at").is_some());
        // Lists.
        let list: Value = o.toronto.get(ARTICLES).await.json().await.unwrap();
        assert!(list["data"].as_array().unwrap().iter().all(|r| r.get("modified_at").is_none()));
        // Sorting and filtering by it are refused as if it did not exist.
        for query in ["?sort=-modified_at", "?filter=modified_at:gte:2000-01-01"] {
            let (status, code) = error_code(o.toronto.get(&format!("{ARTICLES}{query}")).await).await;
            assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"), "{query}");
            assert_eq!(o.boston.get(&format!("{ARTICLES}{query}")).await.status(), StatusCode::OK, "{query}");
        }
        // The object's description leaves it out too, and explain says so.
        let why = explain(&admin, &o.toronto_id, "read", Some(article["id"].as_str().unwrap())).await;
        let column = why["columns"].as_array().unwrap().iter().find(|c| c["field"] == "modified_at").unwrap();
        assert_eq!(column["access"], "hidden");
        assert_eq!(column["decided_by"]["name"], "Toronto");
        assert!(gate(&why, "column")["reason"].as_str().unwrap().contains("hidden: modified_at"));

        // A read-only data column refuses writes, naming the column.
        put(&admin, "/api/v1/access/objects/knowledge_article/columns",
            json!({ "field": "type", "grantee": o.boston_role, "access": "read_only" })).await;
        let mine = write_article(&o.boston, "Boston tips").await;
        let mine_path = format!("{ARTICLES}/{}", mine["id"].as_str().unwrap());
        let response = o.boston.patch_json(&mine_path, &json!({ "version": 1, "data": { "type": uuid::Uuid::now_v7().to_string() } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: Value = response.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("\"Type\" (type)"), "{body}");
        let unchanged: Value = o.boston.get(&mine_path).await.json().await.unwrap();
        assert_eq!(unchanged["version"], 1);
        let response = o.boston.post_json(ARTICLES, &json!({ "data": { "title": "x", "type": uuid::Uuid::now_v7().to_string() } })).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}

on_both_databases! {
    async fn sorting_and_filtering_lists_on_both_databases(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        for (name, employees, city) in [("Beta", 30, "Boston"), ("Alpha", 120, "Toronto"), ("Gamma", 5, "boston"), ("Delta", 120, "")] {
            let mut data = json!({ "name": name, "employees": employees });
            if !city.is_empty() {
                data["city"] = json!(city);
            }
            let response = admin.post_json("/api/v1/objects/account/records", &json!({ "data": data })).await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        let names = |query: &'static str| {
            let admin = admin.clone();
            async move {
                let list: Value = admin.get(&format!("/api/v1/objects/account/records{query}")).await.json().await.unwrap();
                list["data"].as_array().unwrap_or_else(|| panic!("{query}: {list}")).iter()
                    .map(|r| r["data"]["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
            }
        };
        assert_eq!(names("?sort=name").await, ["Alpha", "Beta", "Delta", "Gamma"]);
        assert_eq!(names("?sort=-name").await, ["Gamma", "Delta", "Beta", "Alpha"]);
        // Numbers sort as numbers, ties by creation order; missing values last.
        assert_eq!(names("?sort=employees").await, ["Gamma", "Beta", "Alpha", "Delta"]);
        // Text sorts case-insensitively, the same on both databases.
        assert_eq!(names("?sort=city").await, ["Beta", "Gamma", "Alpha", "Delta"]);
        assert_eq!(names("?filter=employees:gte:100&sort=name").await, ["Alpha", "Delta"]);
        assert_eq!(names("?filter=city:contains:BOST&sort=name").await, ["Beta", "Gamma"]);
        assert_eq!(names("?filter=city:empty").await, ["Delta"]);
        assert_eq!(names("?filter=name:eq:Alpha").await, ["Alpha"]);
        assert_eq!(names("?filter=name:contains:%").await, Vec::<String>::new());
        // Pages of a sorted list continue where the last one ended.
        let first: Value = admin.get("/api/v1/objects/account/records?sort=-employees&limit=2").await.json().await.unwrap();
        let got: Vec<&str> = first["data"].as_array().unwrap().iter().map(|r| r["data"]["name"].as_str().unwrap()).collect();
        assert_eq!(got, ["Delta", "Alpha"]);
        let cursor = first["next_cursor"].as_str().unwrap();
        let rest: Value = admin.get(&format!("/api/v1/objects/account/records?sort=-employees&limit=2&cursor={cursor}")).await.json().await.unwrap();
        let got: Vec<&str> = rest["data"].as_array().unwrap().iter().map(|r| r["data"]["name"].as_str().unwrap()).collect();
        assert_eq!(got, ["Beta", "Gamma"]);
        // A cursor from another order is refused.
        let (status, _) = error_code(admin.get(&format!("/api/v1/objects/account/records?cursor={cursor}")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

on_both_databases! {
    async fn a_filtered_list_pages_alike_whether_the_newest_records_fill_it_or_not(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let o = offices(&tenant, &admin).await;
        // Forty of Boston's articles, oldest first: every third says "router", the three oldest
        // "modem". A portal user's filtered page is first looked for among the newest records
        // they may see, then among all of them: both must give the same pages.
        let mut written = Vec::new();
        for n in 0..40 {
            let word = match n {
                0..3 => "modem",
                _ if n % 3 == 0 => "router",
                _ => "cable",
            };
            let title = format!("{word} {n:02}");
            write_article(&o.boston, &title).await;
            written.push(title);
        }
        let pages = |browser: Browser, word: &'static str, limit: u32| async move {
            let mut seen = Vec::new();
            let mut query = format!("?filter=title:contains:{word}&limit={limit}");
            loop {
                let list: Value = browser.get(&format!("{ARTICLES}{query}")).await.json().await.unwrap();
                let page = list["data"].as_array().unwrap_or_else(|| panic!("{list}"));
                assert!(page.len() <= limit as usize);
                seen.extend(page.iter().map(|r| r["data"]["title"].as_str().unwrap().to_owned()));
                let Some(cursor) = list["next_cursor"].as_str() else { break };
                query = format!("?filter=title:contains:{word}&limit={limit}&cursor={cursor}");
            }
            seen
        };
        for (word, limit) in [("router", 2), ("router", 5), ("modem", 1), ("cable", 30)] {
            let expected: Vec<String> = written.iter().rev().filter(|t| t.starts_with(word)).cloned().collect();
            assert_eq!(pages(o.boston.clone(), word, limit).await, expected, "{word}, {limit} a page");
        }
        // Toronto may read none of them and finds none.
        assert!(pages(o.toronto.clone(), "router", 2).await.is_empty());

        // The count of the whole list, read from the rights alone when nothing filters it: what
        // each may see, without the records deleted since.
        let count = |browser: Browser, query: &'static str| async move {
            let list: Value = browser.get(&format!("{ARTICLES}?count=true&limit=1{query}")).await.json().await.unwrap();
            (list["count"]["records"].as_u64().unwrap(), list["count"]["more"].as_bool().unwrap())
        };
        assert_eq!(count(o.boston.clone(), "").await, (40, false));
        let routers = written.iter().filter(|t| t.starts_with("router")).count() as u64;
        assert_eq!(count(o.boston.clone(), "&filter=title:contains:router").await, (routers, false));
        assert_eq!(count(o.toronto.clone(), "").await, (0, false));
        let first: Value = o.boston.get(&format!("{ARTICLES}?limit=1")).await.json().await.unwrap();
        let gone = first["data"][0]["id"].as_str().unwrap();
        assert_eq!(admin.delete(&format!("{ARTICLES}/{gone}")).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(count(o.boston.clone(), "").await, (39, false));
    }
}
