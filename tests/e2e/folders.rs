//! Lists people can work with: search and counts, and folders (static and dynamic, with AND/OR
//! groups), private or shared with a role, never showing a record or a column the viewer may not
//! read, never crossing tenants; refused input changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{create_role, put, role_named},
    harness::{Browser, TestApp, error_code, on_both_databases},
};

const CONTACTS: &str = "/api/v1/objects/contact/records";
const FOLDERS: &str = "/api/v1/objects/contact/folders";

async fn add_contact(admin: &Browser, name: &str, job_title: &str, language: &str) -> String {
    let response = admin
        .post_json(
            CONTACTS,
            &json!({ "data": { "full_name": name, "job_title": job_title, "notes": language } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The rows of a list page's table (the rest of the page holds random tokens).
fn rows_of(page: &str) -> String {
    page.split("<tbody")
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .unwrap()
        .1
        .split("</tbody>")
        .next()
        .unwrap()
        .to_owned()
}

/// The names a list request answers, in its order.
async fn names(browser: &Browser, query: &str) -> Vec<String> {
    let response = browser.get(&format!("{CONTACTS}?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let page: Value = response.json().await.unwrap();
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["data"]["full_name"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn folders_narrow_a_list_to_what_their_viewer_may_read(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let ada = add_contact(&admin, "Ada", "Analyst", "uk").await;
        add_contact(&admin, "Bob", "Clerk", "us").await;
        add_contact(&admin, "Cyd", "Manager", "uk").await;
        let dee = add_contact(&admin, "Dee", "Analyst", "de").await;

        // Search: the words in any visible text column, with a count.
        let page: Value = admin.get(&format!("{CONTACTS}?q=analyst&sort=full_name&count=true")).await.json().await.unwrap();
        let found: Vec<&str> = page["data"].as_array().unwrap().iter().map(|r| r["data"]["full_name"].as_str().unwrap()).collect();
        assert_eq!(found, ["Ada", "Dee"]);
        assert_eq!(page["count"], json!({ "records": 2, "more": false }));
        // A list takes a bounded number of filters.
        let many = vec!["filter=full_name:ne:x"; 51].join("&");
        assert_eq!(admin.get(&format!("{CONTACTS}?{many}")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // A dynamic folder: (Analyst AND uk) OR Manager.
        let condition = json!({ "any": [
            { "all": ["job_title:eq:Analyst", "notes:eq:uk"] },
            "job_title:eq:Manager",
        ] });
        let response = admin.post_json(FOLDERS, &json!({ "name": "UK analysts or managers", "condition": condition })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let dynamic: Value = response.json().await.unwrap();
        let dynamic_id = dynamic["id"].as_str().unwrap();
        assert_eq!(names(&admin, &format!("folder={dynamic_id}&sort=full_name")).await, ["Ada", "Cyd"]);
        // The folder combines with the list's own filters.
        assert_eq!(names(&admin, &format!("folder={dynamic_id}&filter=full_name:ne:Ada")).await, ["Cyd"]);

        // A static folder: the records put in it.
        let response = admin.post_json(FOLDERS, &json!({ "name": "Follow up" })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let chosen: Value = response.json().await.unwrap();
        let chosen_id = chosen["id"].as_str().unwrap().to_owned();
        for id in [&ada, &dee] {
            let filed = admin.client.put(admin.url(&format!("{FOLDERS}/{chosen_id}/records/{id}"))).send().await.unwrap();
            assert_eq!(filed.status(), StatusCode::NO_CONTENT);
        }
        assert_eq!(names(&admin, &format!("folder={chosen_id}&sort=full_name")).await, ["Ada", "Dee"]);
        assert_eq!(admin.delete(&format!("{FOLDERS}/{chosen_id}/records/{dee}")).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(names(&admin, &format!("folder={chosen_id}")).await, ["Ada"]);
        // A dynamic folder holds what matches; nothing can be put in it.
        let refused = admin.client.put(admin.url(&format!("{FOLDERS}/{dynamic_id}/records/{dee}"))).send().await.unwrap();
        assert_eq!(error_code(refused).await.0, StatusCode::CONFLICT);

        // Bad folders are refused and make nothing.
        for (body, field) in [
            (json!({ "name": "  " }), "name"),
            (json!({ "name": "x".repeat(101) }), "name"),
            (json!({ "name": "Bad", "condition": "email:like:x" }), "condition"),
            (json!({ "name": "Bad", "condition": {} }), "condition"),
            (json!({ "name": "Bad", "condition": 42 }), "condition"),
            (json!({ "name": "Bad", "condition": { "any": ["nothing:eq:1"] } }), "condition"),
            (json!({ "name": "Bad", "parent": "not-a-folder" }), "parent"),
        ] {
            let response = admin.post_json(FOLDERS, &body).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            let error: Value = response.json().await.unwrap();
            assert!(error["error"]["fields"][field].is_array(), "{body}: {error}");
        }
        let deep = (0..6).fold(json!("job_title:eq:x"), |inner, _| json!({ "all": [inner] }));
        assert_eq!(admin.post_json(FOLDERS, &json!({ "name": "Deep", "condition": deep })).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = error_code(admin.post_json(FOLDERS, &json!({ "name": "Odd", "colour": "red" })).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let listed: Value = admin.get(FOLDERS).await.json().await.unwrap();
        assert_eq!(listed["data"].as_array().unwrap().len(), 2, "{listed}");

        // A clerk who may read only some contacts, without the notes column: the admin's private
        // folders are not theirs; a folder shared with their role is, showing only what they may
        // read; a folder on a column they cannot see is refused.
        let (clerk_id, clerk_login) = tenant.create_user(&admin, "clerk@acme.test", "employee", "clerk's password").await;
        let desk = create_role(&admin, "Front desk", &role_named(&admin, "All employees").await).await;
        put(&admin, &format!("/api/v1/roles/{desk}/members/{clerk_id}"), json!(null)).await;
        put(&admin, "/api/v1/access/objects/contact/columns", json!({ "field": "notes", "grantee": clerk_id, "access": "hidden" })).await;
        let clerk = tenant.browser();
        assert_eq!(clerk.sign_in_api(&clerk_login).await.status(), StatusCode::OK);
        let theirs: Value = clerk.get(FOLDERS).await.json().await.unwrap();
        assert_eq!(theirs["data"], json!([]));
        let (status, _) = error_code(clerk.get(&format!("{CONTACTS}?folder={chosen_id}")).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a private folder is not there for others");
        let shared: Value = admin.post_json(FOLDERS, &json!({ "name": "Desk analysts", "shared_with": desk, "condition": "job_title:eq:Analyst" })).await.json().await.unwrap();
        let theirs: Value = clerk.get(FOLDERS).await.json().await.unwrap();
        assert_eq!(theirs["data"].as_array().unwrap().len(), 1, "{theirs}");
        let visible_to_clerk = names(&clerk, &format!("folder={}&sort=full_name", shared["id"].as_str().unwrap())).await;
        let all_clerk_reads = names(&clerk, "sort=full_name&filter=job_title:eq:Analyst").await;
        assert_eq!(all_clerk_reads, ["Ada", "Dee"], "employees read every contact");
        assert_eq!(visible_to_clerk, all_clerk_reads, "a folder shows exactly what its viewer may read");
        let page: Value = clerk.get(&format!("{CONTACTS}?folder={}", shared["id"].as_str().unwrap())).await.json().await.unwrap();
        assert!(page["data"].as_array().unwrap().iter().all(|r| r["data"].get("notes").is_none()), "{page}");
        let response = clerk.post_json(FOLDERS, &json!({ "name": "By notes", "condition": "notes:eq:uk" })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "a hidden column cannot be a condition");
        let response = clerk.post_json(FOLDERS, &json!({ "name": "For admins", "shared_with": role_named(&admin, "Administrators").await })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "only with a role one is in");
        // Nor may they delete the folder shared with them.
        let (status, _) = error_code(clerk.delete(&format!("{FOLDERS}/{}", shared["id"].as_str().unwrap())).await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Another tenant never sees these folders, nor lists through them.
        let other = app.tenant("globex").await;
        let their_admin = other.admin_browser().await;
        let listed: Value = their_admin.get(FOLDERS).await.json().await.unwrap();
        assert_eq!(listed["data"], json!([]));
        let (status, _) = error_code(their_admin.get(&format!("{CONTACTS}?folder={dynamic_id}")).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Deleting a folder keeps its records.
        assert_eq!(admin.delete(&format!("{FOLDERS}/{chosen_id}")).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(names(&admin, "sort=full_name").await, ["Ada", "Bob", "Cyd", "Dee"]);
        assert_eq!(error_code(admin.get(&format!("{CONTACTS}?folder={chosen_id}")).await).await.0, StatusCode::NOT_FOUND);
    }
}

on_both_databases! {
    async fn a_folder_is_built_on_the_list_page_and_holds_records_from_their_pages(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let ada = add_contact(&admin, "Ada", "Analyst", "uk").await;
        add_contact(&admin, "Bob", "Clerk", "us").await;
        add_contact(&admin, "Cyd", "Manager", "uk").await;

        // The list page: a search box, a count, the folders.
        let (status, page) = admin.get_text("/console/records/contact?q=a").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("id=\"list-search\"") && page.contains("id=\"folders\""), "{page}");
        assert!(page.contains("1–2 of 2"), "Ada and Cyd have an a (Bob's job none): {page}");

        // Quick filters: everything, or what the viewer created (kept with the search).
        let quick = page.split("id=\"quick-filters\"").nth(1).unwrap().split("</nav>").next().unwrap().to_owned();
        assert!(quick.contains(">All<") && quick.contains(">Created by me<"), "{quick}");
        let mine = quick.split("href=\"").filter_map(|h| h.split('"').next()).find(|h| h.contains("created_by")).unwrap().replace("&amp;", "&");
        assert!(mine.contains("q=a"), "{mine}");
        let (status, page) = admin.get_text(&mine).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("1–2 of 2") && page.contains("aria-current=\"page\">Created by me<"), "{page}");

        // An object with statuses has one quick filter each.
        let (_, cases) = admin.get_text("/console/records/case").await;
        let quick = cases.split("id=\"quick-filters\"").nth(1).unwrap().split("</nav>").next().unwrap().to_owned();
        assert!(quick.contains(">In progress<") && quick.contains("filter=status%3Aeq%3AIn+progress"), "{quick}");

        // The builder starts from the list's filters; a group of OR conditions.
        let (status, builder) = admin.get_text("/console/records/contact/folders/new?filter=job_title:eq:Analyst").await;
        assert_eq!(status, StatusCode::OK);
        assert!(builder.contains("value=\"Analyst\""), "{builder}");
        let response = admin.submit_form("/console/records/contact/folders/new", "/console/records/contact/folders", &[
            ("name", "Analysts or managers"), ("kind", "dynamic"), ("join", "all"),
            ("g1_match", "any"),
            ("g1_field1", "job_title"), ("g1_op1", "eq"), ("g1_value1", "Analyst"),
            ("g1_field2", "job_title"), ("g1_op2", "eq"), ("g1_value2", "Manager"),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let list = crate::harness::location(&response);
        let (_, page) = admin.get_text(&list).await;
        let rows = rows_of(&page);
        assert!(rows.contains("Ada") && rows.contains("Cyd") && !rows.contains("Bob"), "{rows}");

        // A refused builder keeps what was typed and says why.
        let response = admin.submit_form("/console/records/contact/folders/new", "/console/records/contact/folders", &[
            ("name", "Nothing chosen"), ("kind", "dynamic"), ("g1_field1", ""),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("needs at least one condition") && page.contains("value=\"Nothing chosen\""), "{page}");

        // A static folder, filled from a record's page.
        let response = admin.submit_form("/console/records/contact/folders/new", "/console/records/contact/folders", &[
            ("name", "Call back"), ("kind", "static"),
        ]).await;
        let list = crate::harness::location(&response);
        let folder = list.rsplit("folder=").next().unwrap().to_owned();
        let record = format!("/console/records/contact/{ada}");
        let response = admin.submit_form(&record, &format!("{record}/folders"), &[("folder", folder.as_str()), ("put", "1")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, page) = admin.get_text(&record).await;
        assert!(page.contains("Take out of “Call back”"), "{page}");
        let (_, page) = admin.get_text(&list).await;
        let rows = rows_of(&page);
        assert!(rows.contains("Ada") && !rows.contains("Cyd"), "{rows}");
    }
}

on_both_databases! {
    async fn tags_are_put_on_records_people_may_edit_and_filter_lists_and_folders(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let ada = add_contact(&admin, "Ada", "Analyst", "uk").await;
        let bob = add_contact(&admin, "Bob", "Clerk", "us").await;
        add_contact(&admin, "Cyd", "Manager", "uk").await;
        let tags = |id: &str| format!("{CONTACTS}/{id}/tags");

        let response = admin.client.put(admin.url(&format!("{}/call%20back", tags(&ada)))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let now: Value = response.json().await.unwrap();
        assert_eq!(now["data"], json!(["call back"]));
        // Tagging twice changes nothing; a list and a folder filter on the tag.
        admin.client.put(admin.url(&format!("{}/call%20back", tags(&ada)))).send().await.unwrap();
        assert_eq!(names(&admin, "filter=tag:eq:call%20back").await, ["Ada"]);
        let folder: Value = admin.post_json(FOLDERS, &json!({ "name": "Tagged or Bob", "condition": { "any": ["tag:eq:call back", "full_name:eq:Bob"] } })).await.json().await.unwrap();
        assert_eq!(names(&admin, &format!("folder={}&sort=full_name", folder["id"].as_str().unwrap())).await, ["Ada", "Bob"]);

        // Bad tags and tag filters are refused and change nothing.
        for bad in ["a%3Ab", &"x".repeat(51)] {
            let response = admin.client.put(admin.url(&format!("{}/{bad}", tags(&bob)))).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let bob_tags: Value = admin.get(&tags(&bob)).await.json().await.unwrap();
        assert_eq!(bob_tags["data"], json!([]));
        let (status, _) = error_code(admin.get(&format!("{CONTACTS}?filter=tag:contains:call")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        // A portal user who may read Ada's contact sees its tags but may not tag it; Bob's
        // contact and its tags do not exist for them.
        let (customer_id, customer_login) = tenant.create_user(&admin, "cus@customer.test", "external", "customer's password").await;
        put(&admin, "/api/v1/access/portal-objects/contact", json!({ "on_portal": true })).await;
        put(&admin, "/api/v1/access/objects/contact/grants", json!({ "operation": "read", "grantee": customer_id, "granted": true })).await;
        let shared = admin.post_json(&format!("{CONTACTS}/{ada}/rights"), &json!({ "grantee": customer_id, "level": "read" })).await;
        assert!(shared.status().is_success(), "{}", shared.text().await.unwrap());
        let customer = tenant.browser();
        assert_eq!(customer.sign_in_api(&customer_login).await.status(), StatusCode::OK);
        let theirs: Value = customer.get(&tags(&ada)).await.json().await.unwrap();
        assert_eq!(theirs["data"], json!(["call back"]));
        let refused = customer.client.put(customer.url(&format!("{}/mine", tags(&ada)))).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(customer.get(&tags(&bob)).await.status(), StatusCode::NOT_FOUND);
        let (_, still) = admin.get_text(&tags(&ada)).await;
        assert!(!still.contains("mine"), "{still}");
        // Nor does another tenant see them.
        let other = app.tenant("globex").await.admin_browser().await;
        assert_eq!(other.get(&tags(&ada)).await.status(), StatusCode::NOT_FOUND);

        // On the record page: the tags link to the list filtered on them; one is added and one
        // taken off.
        let page = format!("/console/records/contact/{bob}");
        let response = admin.submit_form(&page, &format!("{page}/tags"), &[("tag", "  vip  ")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = admin.get_text(&page).await;
        assert!(html.contains("Tagged “vip”.") && html.contains("?filter=tag%3Aeq%3Avip"), "{html}");
        let response = admin.submit_form(&page, &format!("{page}/tags"), &[("tag", "vip"), ("remove", "1")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let bob_tags: Value = admin.get(&tags(&bob)).await.json().await.unwrap();
        assert_eq!(bob_tags["data"], json!([]));
    }
}
