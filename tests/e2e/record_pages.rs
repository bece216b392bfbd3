//! The generic record pages, on the console and the portal: lists with filters and sorting,
//! forms generated from the fields, saving with the version, deleting; all through the gates.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{TestApp, location, on_both_databases};

on_both_databases! {
    async fn employees_work_with_any_object_from_the_console(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        let (status, index) = admin.get_text("/console/records").await;
        assert_eq!(status, StatusCode::OK);
        assert!(index.contains("/console/records/account") && index.contains("/console/records/case"));

        // The form is generated from the fields: a select for an enum, a number for employees.
        let (_, form) = admin.get_text("/console/records/account/new").await;
        assert!(form.contains("<select id=\"field-type\" name=\"type\""), "{form}");
        assert!(form.contains("type=\"number\"") && form.contains("name=\"employees\""));
        let response = admin.submit_form("/console/records/account/new", "/console/records/account", &[
            ("name", "Umbrella <Corp>"), ("type", "Partner"), ("employees", "250"), ("city", ""),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = location(&response);
        let (_, record) = admin.get_text(&page).await;
        assert!(record.contains("Saved.") && record.contains("Umbrella &lt;Corp&gt;"));
        let stored: Value = admin.get(&page.replace("/console/records", "/api/v1/objects").replacen("/account/", "/account/records/", 1)).await.json().await.unwrap();
        assert_eq!(stored["data"], json!({ "name": "Umbrella <Corp>", "type": "Partner", "employees": 250 }), "empty inputs are not stored");

        // Invalid input comes back on the same page with the reason by its field, as typed; the
        // record is unchanged.
        let response = admin.submit_form(&page, &page, &[("version", "1"), ("name", "Umbrella"), ("employees", "many")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let again = response.text().await.unwrap();
        assert!(again.contains("<a href=\"#field-employees\">Employees: must be a whole number</a>"), "{again}");
        assert!(again.contains("value=\"many\"") && again.contains("value=\"Umbrella\""), "{again}");
        // Saving with the version it was loaded at; clearing a field.
        let response = admin.submit_form(&page, &page, &[("version", "1"), ("name", "Umbrella Corp"), ("type", ""), ("employees", "300")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let stored: Value = admin.get(&page.replace("/console/records", "/api/v1/objects").replacen("/account/", "/account/records/", 1)).await.json().await.unwrap();
        assert_eq!(stored["data"], json!({ "name": "Umbrella Corp", "employees": 300 }));
        assert_eq!(stored["version"], 2);
        // A stale form is a conflict, not an overwrite.
        let response = admin.submit_form(&page, &page, &[("version", "1"), ("name", "Stale")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let again = response.text().await.unwrap();
        assert!(again.contains("changed in the meantime") && again.contains("value=\"Stale\""), "{again}");

        // Lists: filter and sort from the page's own links and forms.
        admin.post_json("/api/v1/objects/account/records", &json!({ "data": { "name": "Acme", "employees": 10 } })).await;
        let (_, list) = admin.get_text("/console/records/account?field=name&op=contains&value=umb").await;
        assert!(list.contains("Umbrella Corp") && !list.contains(">Acme<"), "{list}");
        let (_, list) = admin.get_text("/console/records/account?sort=name").await;
        assert!(list.find("Acme").unwrap() < list.find("Umbrella Corp").unwrap());
        let (_, list) = admin.get_text("/console/records/account?field=nope&op=eq&value=x").await;
        assert!(list.contains("is not a column you can filter or sort by"));

        // Deleting.
        let response = admin.submit_form(&page, &format!("{page}/delete"), &[]).await;
        assert_eq!(location(&response), "/console/records/account");
        assert_eq!(admin.get(&page).await.status(), StatusCode::NOT_FOUND);
    }
}

on_both_databases! {
    async fn portal_users_see_only_what_the_gates_let_through(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        admin.post_json("/api/v1/objects/knowledge_article/records", &json!({ "data": { "title": "How to reset", "state": "Published" } })).await;
        let (_, carla) = tenant.create_user(&admin, "carla@cust.test", "external", "carla's password").await;
        let portal = tenant.browser();
        portal.sign_in_portal(&carla).await;
        let (_, index) = portal.get_text("/records").await;
        assert!(index.contains("/records/knowledge_article") && !index.contains("/records/account"), "{index}");
        assert_eq!(portal.get("/records/account").await.status(), StatusCode::FORBIDDEN);
        let (_, list) = portal.get_text("/records/knowledge_article").await;
        assert!(list.contains("How to reset"));
        assert!(!list.contains("New knowledge base article"), "external users may not create articles");
        let id = list
            .split("/records/knowledge_article/")
            .filter_map(|rest| rest.split('"').next())
            .find(|id| uuid::Uuid::parse_str(id).is_ok())
            .unwrap()
            .to_owned();
        let (status, page) = portal.get_text(&format!("/records/knowledge_article/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("class=\"field read-only\"") && !page.contains(">Save<") && !page.contains(">Delete<"));
        assert_eq!(portal.get("/records/knowledge_article/new").await.status(), StatusCode::FORBIDDEN);
    }
}
