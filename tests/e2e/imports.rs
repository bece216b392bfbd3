//! Bulk import of portal users from CSV and XLSX files: every row is checked and shown before
//! anything is written, the valid rows are imported (and invited by e-mail, in their language),
//! the report says what became of each row; hostile, malformed and oversized files import
//! nothing; other tenants and people who may not manage portal users never reach an import.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{create_role, role_named},
    harness::{Backend, Browser, Login, TestApp, error_code, location, on_both_databases},
    mail::text,
};

/// A portal organization for a new account called `name`.
async fn organization(admin: &Browser, name: &str) -> String {
    let account = crate::organizations::account(admin, name).await;
    crate::organizations::organization(admin, &account).await
}

pub(crate) async fn user(admin: &Browser, login: &str) -> Option<Value> {
    let users: Value = admin
        .get(&format!("/api/v1/users?q={login}"))
        .await
        .json()
        .await
        .unwrap();
    users["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == login)
        .cloned()
}

async fn users_count(admin: &Browser) -> u64 {
    let users: Value = admin.get("/api/v1/users").await.json().await.unwrap();
    users["count"]["records"].as_u64().unwrap()
}

/// Uploads a file through the API; the answer's status and body.
async fn upload(admin: &Browser, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let response = admin
        .client
        .post(admin.url(&format!("/api/v1/users/imports?name={name}")))
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

const PEOPLE: &str = "E-Mail;Name;Company;Roles;Language\r\n\
bob@globex.test;Bob Baker;Globex;Buyers;de\r\n\
carol@example.test;Carol Chen;;;\r\n\
not-an-address;Nobody;;;\r\n\
BOB@globex.test;Bob Again;;;\r\n\
ann@acme.test;Ann;;;\r\n\
dave@x.test;Dave;Nowhere Inc;;\r\n\
erin@x.test;=HYPERLINK(\"http://evil.test\");;;\r\n\
frank@x.test;Frank;;Wizards;\r\n\
gina@x.test;Gina;;;Klingon\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_users_are_imported_from_a_spreadsheet_sqlite() {
    portal_users_are_imported_from_a_spreadsheet(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_users_are_imported_from_a_spreadsheet_postgres() {
    portal_users_are_imported_from_a_spreadsheet(Backend::Postgres).await;
}

/// Every row is shown checked before anything is written; then the valid ones are imported and
/// invited, each in their language.
async fn portal_users_are_imported_from_a_spreadsheet(backend: Backend) {
    let (smtp, app) = crate::onboarding::with_smtp(backend).await;
    let tenant = app.tenant("acme").await;
    let admin = tenant.admin_browser().await;
    let globex = organization(&admin, "Globex").await;
    let external = role_named(&admin, "All external users").await;
    let buyers = create_role(&admin, "Buyers", &external).await;
    tenant
        .create_user(&admin, "ann@acme.test", "external", "ann's password 1")
        .await;
    let before = users_count(&admin).await;

    // The users page leads to the import; a file is chosen and every row shown checked.
    let (_, users_page) = admin.get_text("/console/users").await;
    assert!(users_page.contains("href=\"/console/users/import\""));
    let (status, page) = admin.get_text("/console/users/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    let response = admin
        .submit_files(
            "/console/users/import",
            "/console/users/import",
            &[],
            vec![("file", "people.csv", "text/csv", PEOPLE.as_bytes().to_vec())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let preview = location(&response);
    let id = preview.rsplit('/').next().unwrap().to_owned();
    let (status, page) = admin.get_text(&preview).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2 rows can be imported; 7 cannot"), "{page}");
    for problem in [
        "not-an-address",
        "This address came earlier in the file.",
        "Someone with this address already has an account.",
        "There is no portal organization called &quot;Nowhere Inc&quot;.",
        "would run as a spreadsheet formula",
        "There is no role called &quot;Wizards&quot;",
        "&quot;Klingon&quot; is not a language",
    ] {
        assert!(page.contains(problem), "{problem} missing: {page}");
    }
    // The columns were guessed from the header (Company for the organization).
    assert!(
        page.contains("<option value=\"2\" selected>Company</option>"),
        "{page}"
    );
    // Nothing was written by looking.
    assert_eq!(users_count(&admin).await, before);
    assert!(user(&admin, "bob@globex.test").await.is_none());

    // Without the e-mail column nothing can be checked, and the page says what to do.
    let (status, page) = admin
        .get_text(&format!("{preview}?column_email=&column_name=1"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Choose the column that holds the e-mail addresses."),
        "{page}"
    );
    let (_, page) = admin
        .get_text(&format!("{preview}?column_email=0&column_name=0"))
        .await;
    assert!(
        page.contains("Each column can hold only one field"),
        "{page}"
    );
    // A mapping that names one column twice is refused when imported, nothing written.
    let response = admin
        .submit_form(
            &preview,
            &preview,
            &[("column_email", "0"), ("column_name", "0")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Each column can hold only one field")
    );
    assert_eq!(users_count(&admin).await, before);

    // Imported with invitations: the two valid rows, and nobody else.
    let mapping = [
        ("column_email", "0"),
        ("column_name", "1"),
        ("column_organization", "2"),
        ("column_roles", "3"),
        ("column_language", "4"),
        ("invite", "1"),
    ];
    let response = admin.submit_form(&preview, &preview, &mapping).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_text(&preview).await;
    assert!(page.contains("2 created, 7 not imported."), "{page}");
    assert!(page.contains("Invitations were sent by e-mail."));
    assert_eq!(users_count(&admin).await, before + 2);
    let bob = user(&admin, "bob@globex.test")
        .await
        .expect("bob was imported");
    assert_eq!(
        (
            bob["full_name"].clone(),
            bob["kind"].clone(),
            bob["language"].clone()
        ),
        (json!("Bob Baker"), json!("external"), json!("de"))
    );
    assert_eq!(bob["organization"], json!(globex));
    assert!(
        bob["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == json!(buyers)),
        "{bob}"
    );
    let carol = user(&admin, "carol@example.test")
        .await
        .expect("carol was imported");
    assert_eq!(carol["organization"], Value::Null);
    for refused in ["dave@x.test", "erin@x.test", "frank@x.test", "gina@x.test"] {
        assert!(
            user(&admin, refused).await.is_none(),
            "{refused} was imported"
        );
    }

    // Each got an invitation, Bob in German; his link lets him choose a password and sign in.
    let mails = smtp.wait_for(2).await;
    let to_bob = mails
        .iter()
        .find(|m| m.to.iter().any(|t| t == "bob@globex.test"))
        .expect("bob's invitation");
    assert!(
        to_bob.subject().starts_with("Ihr Zugang zum Portal"),
        "{}",
        to_bob.subject()
    );
    assert!(
        mails
            .iter()
            .any(|m| m.to.iter().any(|t| t == "carol@example.test"))
    );
    let link = crate::harness::password_link_in(&text(to_bob)).expect("a link");
    let bob_login = Login::new("bob@globex.test", "bob's own password 1");
    tenant
        .browser()
        .set_password(&link, &bob_login.password)
        .await;
    let phone = tenant.browser();
    assert_eq!(
        phone.sign_in_portal(&bob_login).await.status(),
        StatusCode::SEE_OTHER
    );

    // The report: each row, what became of it, formulas kept text.
    let response = admin
        .get(&format!("/console/users/import/{id}/report.csv"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("people-report.csv")
    );
    let report = response.text().await.unwrap();
    assert_eq!(report.lines().count(), 10, "{report}");
    assert!(
        report.contains("bob@globex.test,Bob Baker,created,Created."),
        "{report}"
    );
    assert!(report.contains("\"'=HYPERLINK"), "{report}");
    assert!(
        !report
            .lines()
            .any(|line| line.split(',').any(|cell| cell.starts_with('='))),
        "{report}"
    );

    // An upload is imported once.
    let response = admin.submit_form(&preview, &preview, &mapping).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This file was already imported.")
    );
    assert_eq!(users_count(&admin).await, before + 2);

    // The audit log has the import.
    let audit = crate::harness::audit_log(&admin).await;
    assert_eq!(
        audit.to_string().matches("\"users.import\"").count(),
        1,
        "{audit}"
    );
}

/// A small workbook: a header and rows, all text.
fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// A zip that unpacks to far more than a spreadsheet of people: one part of 100 MiB of zeros.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..100 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

on_both_databases! {
    async fn imports_through_the_api_refuse_hostile_files_and_stay_in_their_tenant(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        organization(&admin, "Initech").await;
        let before = users_count(&admin).await;

        // An XLSX file, columns given by number: the preview, then the import, then the report.
        let book = workbook(&[&["Login", "Full name", "Organisation"], &["dana@initech.test", "Dana", "initech"], &["eve@initech.test", "", ""], &["", "", ""], &["dana@initech.test", "Dana", ""]]);
        let (status, preview) = upload(&admin, "people.xlsx", book).await;
        assert_eq!(status, StatusCode::CREATED, "{preview}");
        assert_eq!((preview["valid"].clone(), preview["refused"].clone()), (json!(2), json!(1)), "{preview}");
        assert_eq!(preview["mapping"], json!({ "email": 0, "name": 1, "organization": 2 }));
        // The empty row is left out; the fourth row of the sheet is the duplicate.
        assert_eq!(preview["rows"][2]["line"], json!(5));
        let id = preview["id"].as_str().unwrap().to_owned();
        let only_logins: Value = admin.get(&format!("/api/v1/users/imports/{id}?email=0")).await.json().await.unwrap();
        assert_eq!(only_logins["mapping"], json!({ "email": 0 }));
        assert_eq!(only_logins["rows"][0]["organization"], json!(""));
        assert_eq!(admin.get(&format!("/api/v1/users/imports/{id}?email=50")).await.status(), StatusCode::BAD_REQUEST);
        let (status, code) = error_code(admin.get(&format!("/api/v1/users/imports/{id}?email=9")).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"), "a column the file does not have");
        assert_eq!(error_code(admin.get(&format!("/api/v1/users/imports/{id}?email=x")).await).await.0, StatusCode::BAD_REQUEST);
        let response = admin.post_json(&format!("/api/v1/users/imports/{id}"), &json!({ "columns": { "email": 0, "name": 1 }, "invite": false })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let report: Value = response.json().await.unwrap();
        assert_eq!((report["created"].clone(), report["refused"].clone()), (json!(2), json!(1)), "{report}");
        // Eve has no name in the file: her address's local part stands in.
        assert_eq!(user(&admin, "eve@initech.test").await.unwrap()["full_name"], json!("eve"));
        assert_eq!(users_count(&admin).await, before + 2);
        let response = admin.get(&format!("/api/v1/users/imports/{id}/report")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.unwrap().contains("dana@initech.test"));
        let (status, code) = error_code(admin.post_json(&format!("/api/v1/users/imports/{id}"), &json!({})).await).await;
        assert_eq!((status, code.as_str()), (StatusCode::CONFLICT, "conflict"));

        // Hostile, malformed and oversized files: refused, each saying why, nothing kept.
        let many = format!("email\n{}", (0..10_001).map(|i| format!("p{i}@x.test\n")).collect::<String>());
        let refusals: Vec<(&str, Vec<u8>, &str)> = vec![
            ("bomb.xlsx", zip_bomb(), "unpacks to more than 64 MiB"),
            ("broken.xlsx", b"PK\x03\x04 this is no workbook".to_vec(), "cannot be read"),
            ("latin1.csv", b"email;name\nj\xfcrgen@x.test;J\xfcrgen\n".to_vec(), "not UTF-8"),
            ("many.csv", many.into_bytes(), "more than 10000 rows"),
            ("empty.csv", b"email\n\n".to_vec(), "no rows below its header"),
        ];
        for (name, bytes, message) in refusals {
            let (status, body) = upload(&admin, name, bytes).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
            assert!(body["error"]["fields"]["file"][0].as_str().unwrap().contains(message), "{name}: {body}");
        }
        let limit = app.app.config.max_attachment_bytes as usize;
        let (status, _) = admin.declare_body("/api/v1/users/imports?name=huge.csv", limit + 1).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // Every row a formula: nothing to import.
        let (_, formulas) = upload(&admin, "formulas.csv", b"email,name\n@SUM(1+1)@x.test,x\nzed@x.test,=1+2\n".to_vec()).await;
        assert_eq!((formulas["valid"].clone(), formulas["refused"].clone()), (json!(0), json!(2)), "{formulas}");
        let report: Value = admin.post_json(&format!("/api/v1/users/imports/{}", formulas["id"].as_str().unwrap()), &json!({})).await.json().await.unwrap();
        assert_eq!(report["created"], json!(0));
        assert_eq!(users_count(&admin).await, before + 2);

        // Another tenant's administrator, an agent, a customer and a forged id reach nothing.
        let (_, pending) = upload(&admin, "more.csv", b"email\nfred@x.test\n".to_vec()).await;
        let pending = pending["id"].as_str().unwrap().to_owned();
        let other = app.tenant("globex").await.admin_browser().await;
        for path in [format!("/api/v1/users/imports/{pending}"), format!("/api/v1/users/imports/{id}/report"), "/api/v1/users/imports/not-an-id".into()] {
            assert_eq!(error_code(other.get(&path).await).await.0, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(error_code(other.get("/api/v1/users/imports/%00").await).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(error_code(other.post_json(&format!("/api/v1/users/imports/{pending}"), &json!({})).await).await.0, StatusCode::NOT_FOUND);
        let (_, agent) = tenant.create_user(&admin, "agent@acme.test", "employee", "agent password 1").await;
        let agent_browser = tenant.browser();
        agent_browser.sign_in_console(&agent).await;
        assert_eq!(upload(&agent_browser, "x.csv", b"email\nx@x.test\n".to_vec()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(error_code(agent_browser.post_json(&format!("/api/v1/users/imports/{pending}"), &json!({})).await).await.0, StatusCode::FORBIDDEN);
        assert_eq!(agent_browser.get("/console/users/import").await.status(), StatusCode::FORBIDDEN);
        let (_, customer) = tenant.create_user(&admin, "cust@acme.test", "external", "customer password 1").await;
        let portal = tenant.browser();
        portal.sign_in_portal(&customer).await;
        assert_eq!(upload(&portal, "x.csv", b"email\nx@x.test\n".to_vec()).await.0, StatusCode::FORBIDDEN);
        assert!(user(&admin, "fred@x.test").await.is_none());
        assert_eq!(users_count(&admin).await, before + 4);
    }
}

on_both_databases! {
    async fn an_import_stops_creating_users_when_the_licenses_run_out(app: TestApp) {
        use portico_tenants::{Configuration, licenses::Purchased};
        let tenant = app.tenant("acme").await;
        let admin = tenant.admin_browser().await;
        crate::licenses::run(&app, "acme", &[Configuration::Customer]).await;
        let purchased = Purchased { customer: Some(2), ..Purchased::default() };
        crate::licenses::buy(&app, "acme", purchased).await;

        let file = b"email\nanna@x.test\nbert@x.test\ncora@x.test\ndirk@x.test\n".to_vec();
        let (_, preview) = upload(&admin, "four.csv", file).await;
        assert_eq!(preview["valid"], json!(4), "licenses are counted as rows are written, not before");
        let id = preview["id"].as_str().unwrap();
        let report: Value = admin.post_json(&format!("/api/v1/users/imports/{id}"), &json!({})).await.json().await.unwrap();
        assert_eq!((report["created"].clone(), report["refused"].clone()), (json!(2), json!(2)), "{report}");
        let outcomes: Vec<(&str, &str)> = report["rows"].as_array().unwrap().iter()
            .map(|r| (r["email"].as_str().unwrap(), r["outcome"].as_str().unwrap())).collect();
        assert_eq!(outcomes, [("anna@x.test", "created"), ("bert@x.test", "created"), ("cora@x.test", "refused"), ("dirk@x.test", "refused")]);
        assert!(report["rows"][2]["message"].as_str().unwrap().contains("licenses"), "{report}");
        // A refused row left nothing behind: no user, and the licenses count the two created.
        assert!(user(&admin, "cora@x.test").await.is_none());
        let licenses = crate::licenses::licenses(&admin).await;
        assert_eq!(crate::licenses::use_of(&licenses, "customer"), (2, Some(2)));
    }
}
