//! A tenant's branding: its administrator sets a title, colours (refused below WCAG AA), a logo
//! and an icon in the console; the login page, every page, error pages and the web app manifest
//! wear them; a hostile SVG is refused; other tenants and other employees are not affected.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    harness::{Browser, TestApp, location, on_both_databases},
    support::Desk,
};

/// A PNG's signature and header: 548×74 pixels (scaled to 274×37 on the page).
pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    png
}

/// The page a form sent back to, as the user sees it.
async fn after(browser: &Browser, response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser.get_text(&location(&response)).await.1
}

async fn look(admin: &Browser, title: &str, primary: &str, accent: &str) -> String {
    let response = admin
        .submit_form(
            "/console/branding",
            "/console/branding",
            &[("title", title), ("primary", primary), ("accent", accent)],
        )
        .await;
    after(admin, response).await
}

async fn upload(admin: &Browser, what: &str, name: &str, kind: &str, bytes: Vec<u8>) -> String {
    let response = admin
        .submit_multipart(
            "/console/branding",
            &format!("/console/branding/{what}"),
            &[],
            vec![(name, kind, bytes)],
        )
        .await;
    after(admin, response).await
}

async fn login_page(tenant_origin: &str) -> String {
    let (status, page) = Browser::new(tenant_origin).get_text("/login").await;
    assert_eq!(status, StatusCode::OK);
    page
}

on_both_databases! {
    async fn a_tenant_brands_its_portal_and_only_its_own(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let other = app.tenant("globex").await;

        // Only administrators (or holders of "portal main page setup") reach the page.
        let (_, agent) = desk.tenant.create_user(&desk.admin, "agent@acme.test", "employee", "agent password 1").await;
        let employee = desk.tenant.browser();
        employee.sign_in_console(&agent).await;
        assert_eq!(employee.get("/console/branding").await.status(), StatusCode::FORBIDDEN);
        let (status, page) = desk.admin.get_text("/console/branding").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("274×37"), "the logo's box is stated before upload");

        // Colours too light for white text are refused, naming the measured contrast; nothing
        // changes.
        let shown = look(&desk.admin, "Acme Support", "#ffcc00", "#777777").await;
        assert!(shown.contains("has a contrast of 1.51:1 with white"), "{shown}");
        assert!(shown.contains("has a contrast of 4.48:1 with white"), "{shown}");
        assert!(!login_page(&desk.tenant.origin).await.contains("Acme Support"));
        let shown = look(&desk.admin, "Acme Support", "red", "").await;
        assert!(shown.contains("must be a colour as #rrggbb"), "{shown}");

        // Sound ones are saved and worn by the login page, through its stylesheet.
        let shown = look(&desk.admin, "Acme Support", "#0B5D1E", "#7a1f5c").await;
        assert!(shown.contains("Branding saved."), "{shown}");
        let page = login_page(&desk.tenant.origin).await;
        assert!(page.contains("<h1>Acme Support</h1>"), "{page}");
        assert!(page.contains("<title>Sign in · Acme Support</title>"));
        let theme = page
            .split("href=\"/branding/theme.css?v=")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(|v| format!("/branding/theme.css?v={v}"))
            .expect("a theme stylesheet on the login page");
        let css = Browser::new(&desk.tenant.origin).get(&theme).await;
        assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
        assert!(css.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        let css = css.text().await.unwrap();
        assert!(css.contains("--brand: #0b5d1e") && css.contains("--accent: #7a1f5c"), "{css}");
        let manifest: Value = Browser::new(&desk.tenant.origin).get("/manifest.webmanifest").await.json().await.unwrap();
        assert_eq!((manifest["name"].as_str(), manifest["theme_color"].as_str()), (Some("Acme Support"), Some("#0b5d1e")));

        // Installable: the manifest, a service worker at the root, and its offline page, branded.
        let visitor = Browser::new(&desk.tenant.origin);
        let worker = visitor.get("/service-worker.js").await;
        assert_eq!(worker.headers()["content-type"], "text/javascript; charset=utf-8");
        let worker = worker.text().await.unwrap();
        assert!(worker.contains("caches.match(\"/offline\")"));
        // Every file it keeps exists (one missing file fails the worker's whole install).
        let kept = worker.split("var FILES = [").nth(1).and_then(|rest| rest.split(']').next()).unwrap();
        for file in kept.split(',').map(|f| f.trim().trim_matches('"')) {
            assert_eq!(visitor.get(file).await.status(), StatusCode::OK, "{file}");
        }
        let (status, offline) = visitor.get_text("/offline").await;
        assert_eq!(status, StatusCode::OK);
        assert!(offline.contains("You are offline") && offline.contains("Acme Support"), "{offline}");

        // A logo: a hostile SVG is refused and changes nothing; a PNG is shown fitted to 274×37.
        let hostile = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"/>"#;
        let shown = upload(&desk.admin, "logo", "logo.svg", "image/svg+xml", hostile.to_vec()).await;
        assert!(shown.contains("an SVG may not contain onload="), "{shown}");
        assert!(!login_page(&desk.tenant.origin).await.contains("/branding/logo"));
        assert_eq!(Browser::new(&desk.tenant.origin).get("/branding/logo").await.status(), StatusCode::NOT_FOUND);
        let shown = upload(&desk.admin, "logo", "logo.txt", "text/plain", b"hello".to_vec()).await;
        assert!(shown.contains("must be a PNG, JPEG or SVG image"), "{shown}");
        let shown = upload(&desk.admin, "logo", "logo.png", "image/png", png(548, 74)).await;
        assert!(shown.contains("Branding saved."), "{shown}");
        let page = login_page(&desk.tenant.origin).await;
        assert!(page.contains(r#"width="274" height="37""#), "{page}");
        let logo = Browser::new(&desk.tenant.origin).get("/branding/logo").await;
        assert_eq!(logo.status(), StatusCode::OK);
        assert_eq!(logo.headers()["content-type"], "image/png");
        assert!(logo.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
        assert_eq!(logo.bytes().await.unwrap().to_vec(), png(548, 74));
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#0b5d1e"/></svg>"##;
        let shown = upload(&desk.admin, "favicon", "icon.svg", "image/svg+xml", svg.to_vec()).await;
        assert!(shown.contains("Branding saved."), "{shown}");
        assert!(login_page(&desk.tenant.origin).await.contains("<link rel=\"icon\" href=\"/branding/favicon?v="));
        let icon = Browser::new(&desk.tenant.origin).get("/branding/favicon").await;
        assert_eq!(icon.headers()["content-type"], "image/svg+xml");
        // The logo survives a later change of the icon.
        assert_eq!(Browser::new(&desk.tenant.origin).get("/branding/logo").await.status(), StatusCode::OK);

        // Every page wears it, error pages too; the other tenant does not.
        let (status, missing) = desk.admin.get_text("/no/such/page").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(missing.contains("/branding/logo?v=") && missing.contains("Acme Support"), "{missing}");
        let page = login_page(&other.origin).await;
        assert!(!page.contains("Acme Support") && !page.contains("/branding/"), "{page}");
        assert_eq!(Browser::new(&other.origin).get("/branding/logo").await.status(), StatusCode::NOT_FOUND);

        // Contact options and useful links on the login page; a bad row is named and changes
        // nothing, nor does a row beyond the form's.
        let response = desk.admin.submit_form("/console/branding", "/console/branding/login-page", &[
            ("contact_name_0", "Support"), ("contact_value_0", "+49 30 1234567"),
            ("contact_name_1", "Sales"), ("contact_value_1", "call us"),
            ("link_name_0", "Status"), ("link_value_0", "javascript:alert(1)"),
        ]).await;
        let shown = after(&desk.admin, response).await;
        assert!(shown.contains("must be a phone number or an e-mail address"), "{shown}");
        assert!(shown.contains("must be a web address starting with https://"), "{shown}");
        assert!(!login_page(&desk.tenant.origin).await.contains("+49 30 1234567"));
        let response = desk.admin.submit_form("/console/branding", "/console/branding/login-page", &[
            ("contact_name_3", "Fourth"), ("contact_value_3", "help@acme.example"),
        ]).await;
        assert!(after(&desk.admin, response).await.contains("at most 3 entries"));
        let response = desk.admin.submit_form("/console/branding", "/console/branding/login-page", &[
            ("contact_name_0", "Support"), ("contact_value_0", "+49 30 1234567"),
            ("contact_name_1", "Sales"), ("contact_value_1", "Sales@Acme.example"),
            ("link_name_0", "Official website"), ("link_value_0", "https://acme.example/"),
        ]).await;
        assert!(after(&desk.admin, response).await.contains("Branding saved."));
        let page = login_page(&desk.tenant.origin).await;
        assert!(page.contains(r#"Support: <a href="tel:+49301234567">+49 30 1234567</a>"#), "{page}");
        assert!(page.contains(r#"<a href="mailto:sales@acme.example">"#), "{page}");
        assert!(page.contains(r#"<a href="https://acme.example/" rel="noopener noreferrer">Official website</a>"#), "{page}");
        assert!(!login_page(&other.origin).await.contains("Official website"));

        // Without the page's token nothing changes; removing the logo brings the initial back.
        let forged = desk.admin.client.post(desk.admin.url("/console/branding/logo/remove")).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let response = desk.admin.submit_form("/console/branding", "/console/branding/logo/remove", &[]).await;
        assert!(after(&desk.admin, response).await.contains("Branding saved."));
        let page = login_page(&desk.tenant.origin).await;
        assert!(!page.contains("/branding/logo") && page.contains(r#"<span class="logo large" aria-hidden="true">A</span>"#), "{page}");
    }
}

/// The portal menu's section links, in order (Home, More and Profile left out).
async fn menu_of(customer: &Browser) -> Vec<String> {
    let (_, home) = customer.get_text("/").await;
    let nav = home
        .split("id=\"main-nav\"")
        .nth(1)
        .unwrap()
        .split("</nav>")
        .next()
        .unwrap();
    nav.split("href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .filter(|href| {
            ![
                "/",
                "/records",
                "/profile",
                "/organization",
                "/notifications",
            ]
            .contains(&href.as_str())
        })
        .collect()
}

on_both_databases! {
    async fn a_tenant_chooses_and_orders_its_portal_menu(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let customer = desk.customer("ann@client.test", serde_json::json!({})).await;
        assert_eq!(menu_of(&customer).await, ["/knowledge", "/cases"]);
        let page = "/console/branding";
        let save = |fields: Vec<(&'static str, &'static str)>| {
            let admin = desk.admin.clone();
            async move { admin.submit_form(page, "/console/branding/menu", &fields).await }
        };

        // Cases first, then the knowledge base.
        let response = save(vec![("show", "knowledge"), ("position_knowledge", "2"), ("show", "cases"), ("position_cases", "1")]).await;
        assert!(after(&desk.admin, response).await.contains("alert success"));
        assert_eq!(menu_of(&customer).await, ["/cases", "/knowledge"]);
        let (_, html) = desk.admin.get_text(page).await;
        let form = html.split("id=\"portal-menu\"").nth(1).unwrap();
        assert!(form.find("name=\"position_cases\"").unwrap() < form.find("name=\"position_knowledge\"").unwrap());
        // Only cases.
        let response = save(vec![("show", "cases"), ("position_cases", "1")]).await;
        after(&desk.admin, response).await;
        assert_eq!(menu_of(&customer).await, ["/cases"]);

        // Refused, changing nothing: a detail or unknown object, a section twice.
        for fields in [vec![("show", "order_line")], vec![("show", "nothing")], vec![("show", "cases"), ("show", "cases")]] {
            let response = save(fields).await;
            let html = after(&desk.admin, response).await;
            assert!(html.contains("alert error") && html.contains("is not a section the menu can show"), "{html}");
        }
        assert_eq!(menu_of(&customer).await, ["/cases"]);
        // Nobody but those who set up the portal: a customer never reaches the console.
        let forged = customer.submit_form("/", "/console/branding/menu", &[("action", "reset")]).await;
        assert_ne!(forged.status(), StatusCode::SEE_OTHER);
        assert_eq!(menu_of(&customer).await, ["/cases"]);

        // Back to every section.
        let response = save(vec![("action", "reset")]).await;
        after(&desk.admin, response).await;
        assert_eq!(menu_of(&customer).await, ["/knowledge", "/cases"]);
    }
}
