//! "Export to file": the list's records, filters and order as CSV or XLSX, only for holders of the
//! system operation, never with a column the user may not see, never another tenant's records.

use std::io::Read;

use reqwest::{StatusCode, header};
use serde_json::json;

use crate::{
    access::put,
    harness::{Browser, TestApp, error_code, location, on_both_databases},
};

const CONTACTS: &str = "/api/v1/objects/contact/records";

async fn add_contact(admin: &Browser, name: &str, job_title: &str) {
    let response = admin
        .post_json(CONTACTS, &json!({ "data": { "full_name": name, "email": format!("{}@people.test", name.len()), "job_title": job_title } }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// The export's body as text, after checking it is a download of that type.
async fn download(browser: &Browser, path: &str, content_type: &str) -> Vec<u8> {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers().clone();
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(content_type)
    );
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"contact-"),
        "{disposition}"
    );
    response.bytes().await.unwrap().to_vec()
}

/// The first worksheet of a workbook, as its XML.
fn sheet_xml(workbook: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(workbook)).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

on_both_databases! {
    async fn an_export_holds_what_the_list_shows_and_no_hidden_column(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        add_contact(&admin, "Ada Lovelace", "Analyst").await;
        add_contact(&admin, "Brown, Charlie", "=HYPERLINK(\"http://evil.test\")").await;
        add_contact(&admin, "Zed Zero", "Clerk").await;
        // More than one page of the list engine (200 a page) behind them.
        for i in 0..205 {
            add_contact(&admin, &format!("Filler {i:03}"), "Filler").await;
        }
        let (clerk_id, clerk_login) = tenant.create_user(&admin, "clerk@acme.test", "employee", "clerk's password").await;
        put(&admin, "/api/v1/access/objects/contact/grants", json!({ "operation": "read", "grantee": clerk_id, "granted": true })).await;
        put(&admin, "/api/v1/access/objects/contact/columns", json!({ "field": "email", "grantee": clerk_id, "access": "hidden" })).await;
        let clerk = tenant.browser();
        assert_eq!(clerk.sign_in_api(&clerk_login).await.status(), StatusCode::OK);

        // Without "Export to file": refused, and the list offers no export.
        let (status, code) = error_code(clerk.get("/api/v1/objects/contact/export?format=csv").await).await;
        assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
        let (_, list) = clerk.get_text("/console/records/contact").await;
        assert!(!list.contains("id=\"export\""), "{list}");

        put(&admin, "/api/v1/access/operations/export_to_file", json!({ "grantee": clerk_id, "granted": true })).await;
        let (_, list) = clerk.get_text("/console/records/contact").await;
        assert!(list.contains("id=\"export\""), "{list}");

        // CSV: the list's filter and order, the list's columns less the hidden e-mail, text a
        // spreadsheet would run kept as text.
        let csv = download(&clerk, "/api/v1/objects/contact/export?format=csv&sort=full_name&filter=job_title:ne:Filler", "text/csv").await;
        let csv = String::from_utf8(csv).unwrap();
        let csv = csv.strip_prefix('\u{feff}').expect("a UTF-8 byte-order mark");
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 5, "header, three rows and the end: {csv}");
        assert!(lines[0].starts_with("Number,Full name,"), "{}", lines[0]);
        assert!(lines[0].contains("Job title") && !lines[0].contains("E-mail"), "{}", lines[0]);
        assert!(lines[1].contains(",Ada Lovelace,") && lines[1].contains(",Analyst,"), "{}", lines[1]);
        assert!(lines[2].contains(",\"Brown, Charlie\",") && lines[2].contains(",\"'=HYPERLINK(\"\"http://evil.test\"\")\","), "{}", lines[2]);
        assert!(lines[3].contains(",Zed Zero,"), "{}", lines[3]);
        assert_eq!(lines[4], "");
        assert!(!csv.contains("@people.test"), "{csv}");

        // Every record, past the first page, once each.
        let all = download(&clerk, "/api/v1/objects/contact/export?format=csv", "text/csv").await;
        let all = String::from_utf8(all).unwrap();
        assert_eq!(all.matches("Filler ").count(), 205);
        assert_eq!(all.split("\r\n").filter(|l| !l.is_empty()).count(), 1 + 208);

        // XLSX from the console's list page: the same rows, strings never formulas.
        let clerk_console = tenant.browser();
        clerk_console.sign_in_console(&clerk_login).await;
        let workbook = download(&clerk_console, "/console/records/contact/export?format=xlsx&sort=-full_name&filter=job_title:ne:Filler", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").await;
        assert!(workbook.starts_with(b"PK"), "a zip archive");
        let xml = sheet_xml(&workbook);
        for text in ["Full name", "Job title", "Ada Lovelace", "Brown, Charlie", "Zed Zero", "<t>=HYPERLINK(\"http://evil.test\")</t>"] {
            assert!(xml.contains(text), "{text} in {xml}");
        }
        assert!(xml.find("Zed Zero").unwrap() < xml.find("Ada Lovelace").unwrap(), "descending: {xml}");
        assert!(!xml.contains("<f>") && !xml.contains("@people.test") && !xml.contains("E-mail") && !xml.contains("Filler"), "{xml}");

        // Bad requests are answered before anything is sent.
        let (status, _) = error_code(clerk.get("/api/v1/objects/contact/export?format=pdf").await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = error_code(clerk.get("/api/v1/objects/contact/export?format=csv&filter=email:eq:x").await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a hidden column cannot be filtered on");
        let (status, _) = error_code(clerk.get("/api/v1/objects/nothing/export?format=csv").await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, page) = clerk_console.get_text("/console/records/contact/export?format=pdf").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("is not a file format Portico exports"), "{page}");
        let (status, _) = tenant.browser().get_text("/api/v1/objects/contact/export?format=csv").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // Another tenant's administrator exports their own (empty) contacts, never these.
        let other = app.tenant("globex").await;
        let their_admin = other.admin_browser().await;
        let theirs = String::from_utf8(download(&their_admin, "/api/v1/objects/contact/export?format=csv", "text/csv").await).unwrap();
        assert_eq!(theirs.split("\r\n").filter(|l| !l.is_empty()).count(), 1, "{theirs}");
    }
}

on_both_databases! {
    async fn portal_users_export_only_with_the_operation_and_only_what_they_may_read(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        add_contact(&admin, "Hidden Person", "Secret").await;
        let (customer_id, customer_login) = tenant.create_user(&admin, "cus@customer.test", "external", "customer's password").await;
        let customer = tenant.browser();
        assert_eq!(location(&customer.sign_in_portal(&customer_login).await), "/");
        let (status, _) = customer.get_text("/records/contact/export?format=csv").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // With the operation but no right to read contacts: still refused.
        put(&admin, "/api/v1/access/operations/export_to_file", json!({ "grantee": customer_id, "granted": true })).await;
        let (status, _) = customer.get_text("/records/contact/export?format=csv").await;
        assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    }
}

on_both_databases! {
    async fn each_user_chooses_the_columns_of_a_list_and_its_export(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        add_contact(&admin, "Ada Lovelace", "Analyst").await;
        let (clerk_id, clerk_login) = tenant.create_user(&admin, "clerk@acme.test", "employee", "clerk's password").await;
        put(&admin, "/api/v1/access/operations/export_to_file", json!({ "grantee": clerk_id, "granted": true })).await;
        put(&admin, "/api/v1/access/objects/contact/columns", json!({ "field": "email", "grantee": clerk_id, "access": "hidden" })).await;
        let clerk = tenant.browser();
        clerk.sign_in_console(&clerk_login).await;

        // What may be chosen never includes a hidden column; bad choices change nothing.
        let columns: serde_json::Value = clerk.get("/api/v1/objects/contact/columns").await.json().await.unwrap();
        let choosable: Vec<&str> = columns["choosable"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert!(choosable.contains(&"job_title") && choosable.contains(&"created_at") && !choosable.contains(&"email"), "{choosable:?}");
        for bad in [json!(["email"]), json!(["nothing"]), json!([]), json!(vec!["full_name"; 13])] {
            let response = clerk.put_json("/api/v1/objects/contact/columns", &json!({ "columns": bad })).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        }
        let unchanged: serde_json::Value = clerk.get("/api/v1/objects/contact/columns").await.json().await.unwrap();
        assert_eq!(unchanged["shown"], columns["shown"]);

        // Chosen on the list page: the list and the export show those, in that order.
        let response = clerk.submit_form("/console/records/contact", "/console/records/contact/columns", &[
            ("column", "full_name"), ("column", "job_title"), ("column", "created_at"),
        ]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, list) = clerk.get_text("/console/records/contact").await;
        let headers: Vec<&str> = list.split("<th>").skip(1).map(|h| h.split("</th>").next().unwrap()).collect();
        assert_eq!(headers.len(), 4, "{headers:?}");
        assert!(headers[1].contains(">Full name<") && headers[2].contains(">Job title<") && headers[3].contains(">Created on<"), "{headers:?}");
        let csv = String::from_utf8(download(&clerk, "/console/records/contact/export?format=csv", "text/csv").await).unwrap();
        assert_eq!(csv.trim_start_matches('\u{feff}').lines().next(), Some("Number,Full name,Job title,Created on"));
        // The admin's list is theirs alone.
        let (_, theirs) = admin.get_text("/console/records/contact").await;
        assert!(theirs.contains(">Modified on<"), "{theirs}");

        // Back to the usual columns.
        let response = clerk.submit_form("/console/records/contact", "/console/records/contact/columns", &[("reset", "1")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, list) = clerk.get_text("/console/records/contact").await;
        assert!(list.contains(">Modified on<"), "{list}");
    }
}
