//! A real browser (headless Chromium through ChromeDriver): a customer signs in, searches the
//! knowledge base from the main page (with a typo), reads an article, opens a case with a file,
//! and sees the support team's reply on the case page; a document goes from its author through
//! review to approval in a custom section; a person registers, confirms, signs in, forgets the
//! password and gets back in; a German customer goes from sign-in to a closed case in German; on a
//! phone, no portal page is wider than the screen and the navigation folds behind a menu button;
//! axe-core finds nothing serious on the portal's pages in light or dark colours; an administrator
//! enters a card on Stripe's page and buys seats; an administrator imports people from a
//! spreadsheet after seeing every row checked; an administrator designs a main page with charts
//! and publishes it, and a customer sees the one over their own cases, not the one over contacts.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use reqwest::StatusCode;
use serde_json::json;

use crate::{
    harness::{Backend, Options, TestApp, password_link_in},
    sections::{install_on_portal, role_with_member},
    smtp::SmtpServer,
    support::{Desk, post_message, standard_terms},
};

/// ChromeDriver on a free port, stopped when dropped.
struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "chromedriver runs (install Chromium and its driver: \
                 apt-get install -y chromium chromium-driver)",
            );
        // Owned at once, so that the driver is stopped (and waited for) whatever happens next.
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("chromedriver did not start listening on port {port}");
    }

    async fn browser(&self) -> Client {
        self.browser_in("en-US,en").await
    }

    /// A browser whose user reads `languages` (its `Accept-Language`).
    async fn browser_in(&self, languages: &str) -> Client {
        self.session(
            json!({ "args": ["--headless", "--no-sandbox", "--disable-gpu",
                                      "--disable-background-networking", "--window-size=1280,900"],
                             "prefs": { "intl.accept_languages": languages } }),
        )
        .await
    }

    /// A phone: 390 CSS pixels wide, touch, three device pixels to one.
    async fn phone(&self) -> Client {
        self.session(json!({ "args": ["--headless", "--no-sandbox", "--disable-gpu",
                                      "--disable-background-networking"],
                             "mobileEmulation": { "deviceMetrics":
                                 { "width": 390, "height": 844, "pixelRatio": 3.0, "touch": true } } }))
            .await
    }

    /// A browser whose system asks for dark colours.
    async fn dark(&self) -> Client {
        self.session(json!({ "args": ["--headless", "--no-sandbox", "--disable-gpu",
                                      "--disable-background-networking", "--window-size=1280,900",
                                      "--force-dark-mode", "--blink-settings=preferredColorScheme=0"] }))
            .await
    }

    async fn session(&self, chrome_options: serde_json::Value) -> Client {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), chrome_options);
        // Both of rustls' crypto providers are linked in (through different crates): pick one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        ClientBuilder::rustls()
            .unwrap()
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session")
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for an element (htmx swaps pages in place, so navigation is not instant).
/// How long a page may take to show something: generous, since CI runs many tests at once on
/// two cores and a section's first hook call compiles its component.
const PATIENCE: Duration = Duration::from_secs(30);

async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
}

/// The text of the element `css` once it says `words`, found again on each look: a form's field
/// errors exist (hidden, empty) before the answer, and htmx replaces them under a found reference.
async fn wait_for_text_in(browser: &Client, css: &str, words: &str) -> String {
    let started = std::time::Instant::now();
    let mut last = String::new();
    while started.elapsed() < PATIENCE {
        if let Ok(element) = browser.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
        {
            if text.contains(words) {
                return text;
            }
            last = text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never said {words:?}; it says {last:?}");
}

async fn page_text(browser: &Client) -> String {
    browser
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits until the page's main part contains `text`.
async fn wait_for_text(browser: &Client, text: &str) -> String {
    let started = std::time::Instant::now();
    while started.elapsed() < PATIENCE {
        if let Ok(main) = browser.find(Locator::Css("main")).await
            && let Ok(shown) = main.text().await
            && shown.contains(text)
        {
            return shown;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("\"{text}\" never appeared in: {}", page_text(browser).await);
}

/// Waits until the case on the page shows `status` (its badge; the workflow names every status).
async fn wait_for_status(browser: &Client, status: &str) {
    let started = std::time::Instant::now();
    while started.elapsed() < PATIENCE {
        if let Ok(badge) = browser.find(Locator::Css("main .heading-row .badge")).await
            && badge.text().await.is_ok_and(|shown| shown == status)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the case never showed \"{status}\": {}",
        page_text(browser).await
    );
}

/// Signs a portal user in (the tests' customers share one password) and waits until the portal
/// has let them in.
async fn sign_in(browser: &Client, origin: &str, login: &str) {
    browser.goto(&format!("{origin}/login")).await.unwrap();
    wait_for(browser, "input[name=login]")
        .await
        .send_keys(login)
        .await
        .unwrap();
    browser
        .find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("customer password 1")
        .await
        .unwrap();
    browser
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(browser, "form[action='/logout']").await;
}

/// Signs an employee in to the console and waits until it has let them in.
async fn sign_in_console(browser: &Client, origin: &str, login: &str, password: &str) {
    browser
        .goto(&format!("{origin}/console/login"))
        .await
        .unwrap();
    type_into(browser, "input[name=login]", login).await;
    type_into(browser, "input[name=password]", password).await;
    click(browser, "main button[type=submit]").await;
    wait_for(browser, "form[action='/console/logout']").await;
}

async fn click(browser: &Client, css: &str) {
    wait_for(browser, css).await.click().await.unwrap();
}

async fn type_into(browser: &Client, css: &str, text: &str) {
    wait_for(browser, css).await.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_searches_opens_a_case_with_a_file_and_reads_the_reply() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    standard_terms(&desk).await;
    desk.create(
        "knowledge_article",
        json!({ "title": "Clearing a printer jam", "state": "Published",
                "body": "Open the rear tray and **remove the scraps**." }),
    )
    .await;
    drop(desk.customer("ann@client.test", json!({})).await);
    let attachment = std::env::temp_dir().join(format!("jam-{}.txt", std::process::id()));
    std::fs::write(&attachment, "error 0x42 at page 2").unwrap();

    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        // Sign in on the portal.
        sign_in(&browser, &origin, "ann@client.test").await;
        wait_for_text(&browser, "Popular articles").await;

        // Search from the main page, with a typo, and open the article.
        let search = wait_for(&browser, "form[action='/knowledge'] input[name=q]").await;
        search.send_keys("prnter").await.unwrap();
        browser
            .find(Locator::Css("form[action='/knowledge'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&browser, ".results a")
            .await
            .click()
            .await
            .unwrap();
        let article = wait_for_text(&browser, "remove the scraps").await;
        assert!(article.contains("Clearing a printer jam"));
        let bold = wait_for(&browser, ".prose strong").await;
        assert_eq!(bold.text().await.unwrap(), "remove the scraps");

        // Open a case with a file.
        browser.goto(&format!("{origin}/cases/new")).await.unwrap();
        wait_for(&browser, "select[name=service]")
            .await
            .select_by_label("Printer repair")
            .await
            .unwrap();
        browser
            .find(Locator::Css("input[name=subject]"))
            .await
            .unwrap()
            .send_keys("Jam on every page")
            .await
            .unwrap();
        browser
            .find(Locator::Css("textarea[name=description]"))
            .await
            .unwrap()
            .send_keys("The rear tray is empty but it still jams.")
            .await
            .unwrap();
        browser
            .find(Locator::Css("input[type=file]"))
            .await
            .unwrap()
            .send_keys(attachment.to_str().unwrap())
            .await
            .unwrap();
        browser
            .find(Locator::Css("form[action='/cases/new'] button.primary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let case = wait_for_text(&browser, "Your case was submitted.").await;
        assert!(case.contains("SR-00001") && case.contains("Jam on every page"));
        assert!(
            case.contains(&format!("jam-{}.txt", std::process::id())),
            "{case}"
        );
        assert!(case.contains("left"), "no deadline indicator: {case}");
        let url = browser.current_url().await.unwrap();
        let case_page = url.path().to_owned();
        assert!(case_page.starts_with("/cases/"), "{url}");

        // Support replies from the console; the customer sees it on the case page.
        let console_page = format!("/console{case_page}");
        post_message(
            &desk.admin,
            &console_page,
            &format!("{console_page}/messages"),
            "message",
            "Please try the new driver.",
            vec![],
        )
        .await;
        browser.refresh().await.unwrap();
        let case = wait_for_text(&browser, "Please try the new driver.").await;
        assert!(case.contains("met"), "the response indicator: {case}");

        // The bell counts the reply; its page leads to the case, and then it counts no more.
        let count = wait_for(&browser, ".bell .count").await;
        assert_eq!(count.text().await.unwrap(), "1");
        click(&browser, "a.bell").await;
        wait_for_text(&browser, "replied on").await;
        click(&browser, ".notifications a").await;
        let mut path = String::new();
        for _ in 0..100 {
            path = browser.current_url().await.unwrap().path().to_owned();
            if path == case_page {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(path, case_page);
        wait_for_text(&browser, "Please try the new driver.").await;
        browser.refresh().await.unwrap();
        wait_for(&browser, ".bell-count").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            browser.find(Locator::Css(".bell .count")).await.is_err(),
            "the bell still counts"
        );
    }
    .await;
    let _ = std::fs::remove_file(&attachment);
    browser.close().await.unwrap();
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_is_sent_for_review_and_approved_on_the_portal() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let external = install_on_portal(
        &app,
        "acme",
        &desk,
        "plugins/document-approval",
        &["document"],
    )
    .await;
    // One approval is enough in this tenant.
    let response = desk
        .admin
        .client
        .put(
            desk.admin
                .url("/api/v1/sections/document_approvals/settings"),
        )
        .json(&json!({ "default_required_approvals": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    drop(desk.customer("ann@client.test", json!({})).await);
    let dora = desk.customer("dora@client.test", json!({})).await;
    role_with_member(&desk, "document_approvers", &external, &dora).await;

    let tool = std::env::temp_dir().join(format!("tool-{}.exe", std::process::id()));
    std::fs::write(&tool, b"MZ\x90\x00\x03\x00\x00\x00").unwrap();
    let (author, approver) = (driver.browser().await, driver.browser().await);
    let earlier = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        // The author finds the section on the main page and writes a document.
        sign_in(&author, &origin, "ann@client.test").await;
        click(&author, "a.tile[href='/records/document']").await;
        click(&author, "a.button[href='/records/document/new']").await;
        type_into(&author, "[name=title]", "Travel policy 2027").await;
        type_into(&author, "[name=link]", "https://docs.acme.test/travel").await;
        type_into(&author, "[name=summary]", "Economy class below six hours.").await;
        // A file of a kind the section does not take: refused by its field, the text kept.
        wait_for(&author, "#field-file")
            .await
            .send_keys(tool.to_str().unwrap())
            .await
            .unwrap();
        click(&author, "form[action='/records/document'] button.primary").await;
        let refused = wait_for_text_in(&author, "#field-file-error", "are not accepted").await;
        assert!(refused.contains(".exe"), "{refused}");
        let kept = wait_for(&author, "[name=title]")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("Travel policy 2027"));
        click(&author, "form[action='/records/document'] button.primary").await;

        // Its page offers to send it for review, and nothing an approver does.
        let review = "#actions form[action$='/actions/send_for_review'] button";
        wait_for(&author, review).await;
        let offered = author
            .find(Locator::Css("#actions"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!offered.contains("Approve"), "{offered}");
        let page = author.current_url().await.unwrap().path().to_owned();
        assert!(page.starts_with("/records/document/"), "{page}");
        // The author has the document open in another window too.
        sign_in(&earlier, &origin, "ann@client.test").await;
        earlier.goto(&format!("{origin}{page}")).await.unwrap();
        wait_for(&earlier, "[name=summary]").await;
        click(&author, review).await;
        wait_for_text(&author, "Send for review → In review").await;

        // A change sent from the window opened before: in review the document is fixed, and
        // that page says so instead of saving nothing.
        let summary = wait_for(&earlier, "[name=summary]").await;
        summary.clear().await.unwrap();
        summary
            .send_keys("Business class above six hours.")
            .await
            .unwrap();
        click(&earlier, &format!("form[action='{page}'] button.primary")).await;
        let refused = wait_for_text(&earlier, "changed in the meantime").await;
        assert!(
            refused.contains("cannot be changed while the record is \"In review\""),
            "{refused}"
        );
        assert!(
            earlier.find(Locator::Css("[name=summary]")).await.is_err(),
            "the page now shows the document read-only"
        );

        // The approver opens it, may approve or (with a comment) reject, and approves.
        sign_in(&approver, &origin, "dora@client.test").await;
        approver.goto(&format!("{origin}{page}")).await.unwrap();
        wait_for(
            &approver,
            "#actions form[action$='/actions/reject'] textarea[name=comment]",
        )
        .await;
        click(
            &approver,
            "#actions form[action$='/actions/approve'] button",
        )
        .await;
        wait_for_text(&approver, "Approve → Approved").await;

        // The author sees the outcome and who approved.
        author.refresh().await.unwrap();
        let history = wait_for_text(&author, "Approve → Approved").await;
        assert!(history.contains("dora@client.test"), "{history}");
        assert!(
            author
                .find(Locator::Css(
                    "#actions form[action$='/actions/send_for_review']"
                ))
                .await
                .is_err(),
            "an approved document is not sent for review again"
        );
    }
    .await;
    author.close().await.unwrap();
    approver.close().await.unwrap();
    earlier.close().await.unwrap();
    let _ = std::fs::remove_file(&tool);
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_registers_leads_and_watches_the_program_move() {
    use crate::partners::{partner, reseller_program, run_partner_configuration};
    let axe = axe_source();
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    run_partner_configuration(&app, "acme").await;
    let reseller = reseller_program(&desk).await;
    let (account, _) = partner(&desk, "Channel Co", "sam@channel.test").await;
    let today = chrono::Utc::now().date_naive().to_string();
    desk.create(
        "partnership",
        json!({ "account": account, "partner_type": reseller, "start_date": today }),
    )
    .await;

    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        // The program is in the partner's menu: no level yet, Bronze asks for 2 leads.
        sign_in(&browser, &origin, "sam@channel.test").await;
        click(&browser, "nav a[href='/partner-program']").await;
        let page = wait_for_text(&browser, "Conditions for Bronze").await;
        assert!(page.contains("0 / 2"), "{page}");
        let found = serious_violations(&browser, &axe).await;
        assert!(found.is_empty(), "/partner-program: {found:?}");

        // Two leads registered from the program page fulfil the first obligation.
        for company in ["Prospect One", "Prospect Two"] {
            click(
                &browser,
                "#partner-figures a.button[href='/records/lead/new']",
            )
            .await;
            type_into(&browser, "[name=company]", company).await;
            let found = serious_violations(&browser, &axe).await;
            assert!(found.is_empty(), "/records/lead/new: {found:?}");
            click(&browser, "form[action='/records/lead'] button.primary").await;
            wait_for(&browser, "#actions").await;
            // The partnership is recalculated once the save commits.
            portico::jobs::run_due(&app.app).await.unwrap();
            browser
                .goto(&format!("{origin}/partner-program"))
                .await
                .unwrap();
            wait_for(&browser, "#partner-points").await;
        }
        let page = wait_for_text(&browser, "2 / 2").await;
        assert!(page.contains("40 more points to reach Bronze"), "{page}");
        let points = browser
            .find(Locator::Css("#partner-points"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(points, "40");
        assert!(
            page.contains("Points toward the next level: 0 → 40"),
            "{page}"
        );

        // A deal registered from the menu waits for the channel manager, with its deadline.
        click(&browser, "nav a[href='/records/deal_registration']").await;
        click(&browser, "a.button[href='/records/deal_registration/new']").await;
        type_into(&browser, "[name=prospect]", "Harbor Logistics").await;
        type_into(&browser, "[name=amount]", "48000").await;
        let found = serious_violations(&browser, &axe).await;
        assert!(
            found.is_empty(),
            "/records/deal_registration/new: {found:?}"
        );
        click(
            &browser,
            "form[action='/records/deal_registration'] button.primary",
        )
        .await;
        let page = wait_for_text(&browser, "Under review").await;
        assert!(page.contains("Decision due"), "{page}");
        assert!(!page.contains("Approve"), "{page}");

        // The employee approves it in the console and sees the partner's figures.
        click(&browser, "form[action='/logout'] button").await;
        wait_for(&browser, "input[name=login]").await;
        sign_in_console(
            &browser,
            &origin,
            &desk.tenant.admin.login,
            &desk.tenant.admin.password,
        )
        .await;
        click(&browser, "nav a[href='/console/partners']").await;
        let page = wait_for_text(&browser, "Harbor Logistics").await;
        assert!(
            page.contains("Channel Co") && page.contains("EUR 48,000.00"),
            "{page}"
        );
        let found = serious_violations(&browser, &axe).await;
        assert!(found.is_empty(), "/console/partners: {found:?}");
        // A time limit out of range is refused, saying why, and nothing changes.
        set_value(&browser, "[name=deal_review_hours]", "0").await;
        submit_unchecked(&browser, "[name=deal_review_hours]").await;
        wait_for_text(&browser, "from 1 to 720").await;
        let kept = browser
            .find(Locator::Css("[name=deal_review_hours]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("48"));
        click(&browser, "#deals-waiting td a").await;
        click(&browser, "form[action$='/actions/approve'] button").await;
        let page = wait_for_text(&browser, "Protected until").await;
        assert!(page.contains("Approved"), "{page}");
        click(&browser, "nav a[href='/console/partners']").await;
        let page = wait_for_text(&browser, "No deal registration is waiting").await;
        assert!(page.contains("Channel Co"), "{page}");
    }
    .await;
    browser.close().await.unwrap();
    outcome
}

/// The link to `path` (with its token) in a mail.
fn link_in(mail: &crate::smtp::Received, path: &str) -> String {
    let text = crate::mail::text(mail);
    let at = text.find(path).expect("a link in the mail");
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/?=-_".contains(*c))
        .collect()
}

async fn fill_and_send(browser: &Client, fields: &[(&str, &str)]) {
    for (name, value) in fields {
        type_into(browser, &format!("main input[name={name}]"), value).await;
    }
    click(browser, "main button[type=submit]").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_registers_signs_in_forgets_the_password_and_gets_back_in() {
    let driver = ChromeDriver::start();
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            smtp_url: Some(smtp.url.clone()),
            ..Options::default()
        },
    )
    .await;
    let desk = Desk::open(&app, "acme").await;
    let mut settings: serde_json::Value = desk
        .admin
        .get("/api/v1/settings/security")
        .await
        .json()
        .await
        .unwrap();
    settings["self_registration"] = json!(true);
    let response = desk
        .admin
        .put_json("/api/v1/settings/security", &settings)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        // Register from the login page; a mistake is shown on the page, beside its field.
        browser.goto(&format!("{origin}/login")).await.unwrap();
        click(&browser, "a[href='/register']").await;
        wait_for_text(&browser, "Create your account").await;
        let mut fields = vec![
            ("full_name", "Ann Lee"),
            ("login", "ann@client.test"),
            ("password", "ann's password 1"),
            ("confirm_password", "not the same"),
        ];
        fill_and_send(&browser, &fields).await;
        wait_for_text(&browser, "does not match the password").await;
        fields = vec![
            ("password", "ann's password 1"),
            ("confirm_password", "ann's password 1"),
        ];
        fill_and_send(&browser, &fields).await;
        wait_for_text(&browser, "We have sent an e-mail").await;

        // Confirm from the e-mail, then sign in.
        let mail = smtp.wait_for(1).await.remove(0);
        let confirm = link_in(&mail, "/register/confirm?token=");
        browser.goto(&format!("{origin}{confirm}")).await.unwrap();
        click(&browser, "main button[type=submit]").await;
        wait_for_text(&browser, "Your account is open").await;
        fill_and_send(
            &browser,
            &[
                ("login", "ann@client.test"),
                ("password", "not my password"),
            ],
        )
        .await;
        wait_for_text(&browser, "The login or password is incorrect.").await;

        // "Forgot your password?" sends a link by e-mail; a new password lets Ann in.
        click(&browser, "a[href='/forgot-password']").await;
        wait_for_text(&browser, "Enter the e-mail address you sign in with").await;
        fill_and_send(&browser, &[("login", "ann@client.test")]).await;
        wait_for_text(&browser, "we have sent it an e-mail").await;
        let mail = smtp.wait_for(2).await.remove(1);
        let link = password_link_in(&crate::mail::text(&mail)).expect("a link in the mail");
        browser.goto(&format!("{origin}{link}")).await.unwrap();
        fill_and_send(
            &browser,
            &[
                ("new_password", "a new password 1"),
                ("confirm_password", "a new password 1"),
            ],
        )
        .await;
        wait_for_text(&browser, "Customer portal").await;
        fill_and_send(
            &browser,
            &[
                ("login", "ann@client.test"),
                ("password", "a new password 1"),
            ],
        )
        .await;
        wait_for(&browser, "form[action='/logout']").await;
    }
    .await;
    browser.close().await.unwrap();
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_customer_goes_from_sign_in_to_a_closed_case_in_german() {
    let driver = ChromeDriver::start();
    let smtp = SmtpServer::start().await;
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            smtp_url: Some(smtp.url.clone()),
            ..Options::default()
        },
    )
    .await;
    let desk = Desk::open(&app, "acme").await;
    standard_terms(&desk).await;
    // The tenant works in Berlin time; its customer Grete reads German (her browser says so,
    // her contact too, for mail).
    let response = desk
        .admin
        .put_json(
            "/api/v1/settings/regional",
            &json!({ "time_zone": "Europe/Berlin" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    drop(
        desk.customer("grete@client.test", json!({ "language": "Deutsch" }))
            .await,
    );
    let browser = driver.browser_in("de-DE,de").await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        browser.goto(&format!("{origin}/login")).await.unwrap();
        wait_for_text(&browser, "Passwort vergessen?").await;
        sign_in(&browser, &origin, "grete@client.test").await;
        wait_for_text(&browser, "Beliebte Artikel").await;

        // A new case, in German; the service's name is the tenant's data and stays as written.
        browser.goto(&format!("{origin}/cases/new")).await.unwrap();
        wait_for(&browser, "select[name=service]")
            .await
            .select_by_label("Printer repair")
            .await
            .unwrap();
        type_into(&browser, "input[name=subject]", "Drucker klemmt").await;
        type_into(
            &browser,
            "textarea[name=description]",
            "Papierstau auf jeder Seite.",
        )
        .await;
        click(&browser, "form[action='/cases/new'] button.primary").await;
        let case = wait_for_text(&browser, "Ihr Fall wurde übermittelt.").await;
        assert!(case.contains("Neu"), "the status in German: {case}");
        let url = browser.current_url().await.unwrap();
        let case_id = url.path().trim_start_matches("/cases/").to_owned();
        let created = desk
            .admin
            .get(&format!("/api/v1/objects/case/records/{case_id}"))
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap()["created_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            .with_timezone(&chrono_tz::Europe::Berlin)
            .format("%d.%m.%Y, %H:%M")
            .to_string();
        assert!(case.contains(&created), "{created} (Berlin) not in {case}");

        // Support resolves it; Grete is told in German, and closes it.
        desk.move_case(&case_id, "Resolved").await;
        // (The request for feedback goes out at the same moment, in either order.)
        mail_containing(&smtp, "hat jetzt den Status „Gelöst“").await;
        browser.refresh().await.unwrap();
        wait_for_status(&browser, "Gelöst").await;
        click(&browser, "form[action$='/actions/close'] button").await;
        wait_for_status(&browser, "Geschlossen").await;
        assert!(!page_text(&browser).await.contains("Closed"));

        // A recovery link says until when it works, as Germans write a date, in Berlin time.
        click(&browser, "form[action='/logout'] button").await;
        click(&browser, "a[href='/forgot-password']").await;
        // (The login page has a login field too: wait for the swap.)
        wait_for_text(
            &browser,
            "Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden",
        )
        .await;
        fill_and_send(&browser, &[("login", "grete@client.test")]).await;
        wait_for_text(&browser, "haben wir an diese Adresse eine E-Mail").await;
        let text = mail_containing(&smtp, "Um ein neues Passwort zu wählen").await;
        let until = text
            .split("(bis ")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .unwrap_or_else(|| panic!("no date in {text}"));
        let parsed = chrono::NaiveDateTime::parse_from_str(
            until.trim_end_matches(" CET").trim_end_matches(" CEST"),
            "%d.%m.%Y, %H:%M",
        );
        assert!(parsed.is_ok(), "not a German date: {until}");
    }
    .await;
    browser.close().await.unwrap();
    outcome
}

/// The text of the first message received that contains `words`, waiting for it a while.
async fn mail_containing(smtp: &SmtpServer, words: &str) -> String {
    let started = std::time::Instant::now();
    while started.elapsed() < PATIENCE {
        if let Some(text) = smtp
            .received()
            .iter()
            .map(crate::mail::text)
            .find(|text| text.contains(words))
        {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let subjects: Vec<_> = smtp
        .received()
        .iter()
        .map(|m| m.subject().to_owned())
        .collect();
    panic!("no message with \"{words}\" among {subjects:?}");
}

/// How much wider than the screen the page is (0: it fits).
async fn overflow(browser: &Client) -> i64 {
    browser
        .execute(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            vec![],
        )
        .await
        .unwrap()
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_every_portal_page_fits_the_screen() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    standard_terms(&desk).await;
    let article = desk
        .create(
            "knowledge_article",
            json!({ "title": "Clearing a printer jam on the third-floor multifunction device", "state": "Published",
                    "body": "Open the rear tray and remove the scraps: https://support.example/a-very-long-address-that-does-not-break-by-itself-anywhere-at-all" }),
        )
        .await;
    let customer = desk.customer("ann@client.test", json!({})).await;
    let (_, case) = crate::support::open_case(
        &customer,
        json!({ "subject": "A subject long enough to wrap on a narrow screen, and then some more words", "description": "It jams." }),
    )
    .await;
    drop(customer);
    let phone = driver.phone().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        phone.goto(&format!("{origin}/login")).await.unwrap();
        wait_for(&phone, "input[name=login]").await;
        assert_eq!(
            overflow(&phone).await,
            0,
            "the login page is wider than the phone"
        );
        sign_in(&phone, &origin, "ann@client.test").await;

        // The navigation is folded behind the menu button, and opens with it.
        let nav = phone.find(Locator::Css("#main-nav")).await.unwrap();
        assert!(
            !nav.is_displayed().await.unwrap(),
            "the navigation is open on a phone"
        );
        click(&phone, ".menu-button").await;
        assert!(
            nav.is_displayed().await.unwrap(),
            "the menu button does not open it"
        );

        let pages = [
            "/".to_owned(),
            "/knowledge".to_owned(),
            format!("/knowledge/{}", article["id"].as_str().unwrap()),
            "/cases".to_owned(),
            "/cases/new".to_owned(),
            format!("/cases/{}", case["id"].as_str().unwrap()),
            "/records".to_owned(),
            "/records/case".to_owned(),
            "/profile".to_owned(),
            "/no/such/page".to_owned(),
        ];
        for page in pages {
            phone.goto(&format!("{origin}{page}")).await.unwrap();
            wait_for(&phone, "main").await;
            assert_eq!(overflow(&phone).await, 0, "{page} is wider than the phone");
        }
        // The measure sees a page that is too wide.
        phone
            .execute(
                "const d = document.createElement('div'); d.style.width = '600px'; \
                 d.style.height = '1px'; document.body.append(d);",
                vec![],
            )
            .await
            .unwrap();
        assert!(overflow(&phone).await > 0);
    }
    .await;
    phone.close().await.unwrap();
    outcome
}

const AXE_VERSION: &str = "4.14.1";

/// axe-core's script, from `PORTICO_AXE` or the test tools' cache (installed there from npm on
/// first use, as tests/run does).
fn axe_source() -> String {
    let path = std::env::var("PORTICO_AXE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            let cache = std::env::var("PORTICO_TEST_TOOLS")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|_| {
                    std::path::PathBuf::from(std::env::var("HOME").unwrap())
                        .join(".cache/portico-test-tools")
                });
            let script = cache.join("axe/node_modules/axe-core/axe.min.js");
            if !script.exists() {
                let installed = Command::new("npm")
                    .args(["install", "--no-audit", "--no-fund", "-s", "--prefix"])
                    .arg(cache.join("axe"))
                    .arg(format!("axe-core@{AXE_VERSION}"))
                    .status()
                    .expect("npm runs (install Node.js)");
                assert!(installed.success(), "npm could not install axe-core");
            }
            script
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("axe-core at {}: {e}", path.display()))
}

/// The serious and critical accessibility violations axe-core finds on the page shown.
async fn serious_violations(browser: &Client, axe: &str) -> Vec<String> {
    browser.execute(axe, vec![]).await.unwrap();
    let found = browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(result => done(
               result.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(found).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_nothing_serious_in_light_or_dark_colours() {
    let axe = axe_source();
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    standard_terms(&desk).await;
    let article = desk
        .create(
            "knowledge_article",
            json!({ "title": "Clearing a printer jam", "state": "Published", "body": "Open the rear tray." }),
        )
        .await;
    let customer = desk.customer("ann@client.test", json!({})).await;
    let (_, case) = crate::support::open_case(
        &customer,
        json!({ "subject": "Jam", "description": "It jams." }),
    )
    .await;
    drop(customer);
    let case_id = case["id"].as_str().unwrap();
    let article_id = article["id"].as_str().unwrap();
    let users: serde_json::Value = desk
        .admin
        .get("/api/v1/users?q=ann")
        .await
        .json()
        .await
        .unwrap();
    let customer_id = users["data"][0]["id"].as_str().unwrap().to_owned();
    // Something under the customer's bell and in the case's feed.
    let response = desk
        .admin
        .post_json(
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({ "body": "Please try the new driver." }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = desk
        .admin
        .post_json(
            &format!("/api/v1/objects/case/records/{case_id}/comments"),
            &json!({ "body": "Driver 4.2 fixes this, @ann@client.test." }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    // An organization whose administrator manages it on the portal, and a custom section.
    let account = desk.create("account", json!({ "name": "Initech" })).await;
    let response = desk
        .admin
        .post_json(
            "/api/v1/organizations",
            &json!({ "account": account["id"] }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let organization = response.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = desk
        .admin
        .post_json(
            &format!("/api/v1/organizations/{organization}/members"),
            &json!({ "emails": "olga@initech.test peter@initech.test" }),
        )
        .await;
    let added: serde_json::Value = response.json().await.unwrap();
    for member in added["data"].as_array().unwrap() {
        let link = member["setup_link"].as_str().unwrap();
        desk.tenant
            .browser()
            .set_password(link, "customer password 1")
            .await;
    }
    let olga = added["data"][0]["user"]["id"].as_str().unwrap();
    let response = desk
        .admin
        .client
        .patch(desk.admin.url(&format!(
            "/api/v1/organizations/{organization}/members/{olga}"
        )))
        .json(&json!({ "admin": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    install_on_portal(
        &app,
        "acme",
        &desk,
        "plugins/leave-request",
        &["leave_request"],
    )
    .await;
    let origin = desk.tenant.origin.clone();
    let console_pages = [
        "/console".to_owned(),
        "/console/cases".to_owned(),
        format!("/console/cases/{case_id}"),
        "/console/users".to_owned(),
        "/console/licenses".to_owned(),
        "/console/records".to_owned(),
        "/console/records/contact".to_owned(),
        "/console/notifications".to_owned(),
        "/console/access".to_owned(),
        "/console/mail".to_owned(),
        "/console/branding".to_owned(),
        "/console/profile-page".to_owned(),
        "/console/sections".to_owned(),
        "/console/access/roles".to_owned(),
        "/console/access/organizations".to_owned(),
        "/console/access/objects".to_owned(),
        "/console/access/objects/contact".to_owned(),
        "/console/access/explain".to_owned(),
        "/console/access/audit".to_owned(),
        format!("/console/users/{customer_id}"),
        "/console/records/contact/new".to_owned(),
        "/console/records/contact/folders/new".to_owned(),
        "/console/records/knowledge_article/new".to_owned(),
        format!("/console/records/knowledge_article/{article_id}"),
        "/console/mail/templates/invitation".to_owned(),
        "/console/calendars".to_owned(),
        format!("/console/access/organizations/{organization}"),
        "/console/records/leave_request".to_owned(),
        "/console/records/leave_request/new".to_owned(),
        "/console/access/operations".to_owned(),
    ];
    // The organization's administrator's portal: its profile, members, and a section's form.
    let organization_pages = [
        "/organization".to_owned(),
        "/records/leave_request".to_owned(),
        "/records/leave_request/new".to_owned(),
    ];
    let pages = [
        "/notifications".to_owned(),
        "/".to_owned(),
        "/knowledge".to_owned(),
        format!("/knowledge/{article_id}"),
        "/cases".to_owned(),
        "/cases/new".to_owned(),
        format!("/cases/{case_id}"),
        "/records".to_owned(),
        "/profile".to_owned(),
    ];
    let mut found = Vec::new();
    for (scheme, browser) in [
        ("light", driver.browser().await),
        ("dark", driver.dark().await),
    ] {
        let outcome = async {
            browser.goto(&format!("{origin}/login")).await.unwrap();
            wait_for(&browser, "input[name=login]").await;
            let dark = browser
                .execute(
                    "return matchMedia('(prefers-color-scheme: dark)').matches;",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(
                dark,
                json!(scheme == "dark"),
                "the {scheme} browser's colour scheme"
            );
            for v in serious_violations(&browser, &axe).await {
                found.push(format!("{scheme} /login: {v}"));
            }
            sign_in(&browser, &origin, "ann@client.test").await;
            for page in &pages {
                browser.goto(&format!("{origin}{page}")).await.unwrap();
                wait_for(&browser, "main").await;
                for v in serious_violations(&browser, &axe).await {
                    found.push(format!("{scheme} {page}: {v}"));
                }
            }
            click(&browser, "form[action='/logout'] button").await;
            sign_in(&browser, &origin, "olga@initech.test").await;
            for page in &organization_pages {
                browser.goto(&format!("{origin}{page}")).await.unwrap();
                wait_for(&browser, "main").await;
                for v in serious_violations(&browser, &axe).await {
                    found.push(format!("{scheme} {page}: {v}"));
                }
            }
            // The console, as its administrator.
            click(&browser, "form[action='/logout'] button").await;
            wait_for(&browser, "input[name=login]").await;
            sign_in_console(&browser, &origin, "admin@acme.test", "admin password 1").await;
            for page in &console_pages {
                browser.goto(&format!("{origin}{page}")).await.unwrap();
                wait_for(&browser, "main").await;
                for v in serious_violations(&browser, &axe).await {
                    found.push(format!("{scheme} {page}: {v}"));
                }
            }
            // The check sees a violation when there is one (an image without a text).
            browser
                .execute(
                    "document.querySelector('main').append(document.createElement('img'));",
                    vec![],
                )
                .await
                .unwrap();
            let planted = serious_violations(&browser, &axe).await;
            assert!(
                planted.iter().any(|v| v.starts_with("image-alt")),
                "{planted:?}"
            );
        }
        .await;
        browser.close().await.unwrap();
        outcome
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Sets an input's value as a date picker would (typing into one depends on the browser's locale).
async fn set_value(browser: &Client, css: &str, value: &str) {
    wait_for(browser, css).await;
    browser
        .execute(
            "document.querySelector(arguments[0]).value = arguments[1];",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leave_request_is_filed_choosing_the_manager_from_the_picker() {
    let axe = axe_source();
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let external = install_on_portal(
        &app,
        "acme",
        &desk,
        "plugins/leave-request",
        &["leave_request"],
    )
    .await;
    // Ann may read her manager's contact (it is shared with her), and no other.
    crate::record_forms::open_contacts(&desk, &external).await;
    let ann = desk
        .customer("ann@client.test", json!({ "full_name": "Ann Asker" }))
        .await;
    drop(
        desk.customer("maya@client.test", json!({ "full_name": "Maya Manager" }))
            .await,
    );
    desk.create("contact", json!({ "full_name": "Mark Elsewhere" }))
        .await;
    let contacts: serde_json::Value = desk
        .admin
        .get("/api/v1/objects/contact/records?filter=email:eq:maya@client.test")
        .await
        .json()
        .await
        .unwrap();
    let maya = contacts["data"][0]["id"].as_str().unwrap().to_owned();
    crate::record_forms::share_contact(&desk, &maya, &ann).await;

    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let mut violations = Vec::new();
    let outcome = async {
        // The section is in the portal's menu by its title.
        sign_in(&browser, &origin, "ann@client.test").await;
        click(&browser, "nav a[href='/records/leave_request']").await;
        click(&browser, "a.button[href='/records/leave_request/new']").await;
        wait_for_text(&browser, "New leave request").await;
        violations.extend(serious_violations(&browser, &axe).await);
        // Typing part of a name offers the readable matches; choosing one fills the field.
        type_into(&browser, "#field-manager", "ma").await;
        wait_for(&browser, "#field-manager-options button.pick").await;
        // Let the list settle (focusing and typing each ask for matches).
        tokio::time::sleep(Duration::from_millis(600)).await;
        let offered = browser
            .find(Locator::Css("#field-manager-options"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            offered.contains("Maya Manager") && !offered.contains("Mark Elsewhere"),
            "{offered}"
        );
        violations.extend(serious_violations(&browser, &axe).await);
        click(
            &browser,
            "#field-manager-options button[data-title='Maya Manager']",
        )
        .await;
        let chosen = browser
            .find(Locator::Css("input[type=hidden][name=manager]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(chosen.as_deref(), Some(maya.as_str()));
        let shown = browser
            .find(Locator::Css("#field-manager"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(shown.as_deref(), Some("Maya Manager"));

        // Dates the wrong way round: the message sits by the field, and nothing typed is lost.
        set_value(&browser, "#field-start_date", "2026-12-10").await;
        set_value(&browser, "#field-end_date", "2026-12-01").await;
        type_into(&browser, "#field-reason", "Family visit").await;
        click(
            &browser,
            "main form[action='/records/leave_request'] button[type=submit]",
        )
        .await;
        wait_for_text(&browser, "The leave ends before it starts.").await;
        let by_field = wait_for(&browser, "#field-end_date-error")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(by_field, "The leave ends before it starts.");
        let kept = |css: &'static str| {
            let browser = browser.clone();
            async move {
                browser
                    .find(Locator::Css(css))
                    .await
                    .unwrap()
                    .prop("value")
                    .await
                    .unwrap()
                    .unwrap_or_default()
            }
        };
        assert_eq!(kept("#field-manager").await, "Maya Manager");
        assert_eq!(kept("#field-start_date").await, "2026-12-10");
        assert_eq!(kept("#field-reason").await, "Family visit");
        violations.extend(serious_violations(&browser, &axe).await);

        // Corrected, it is saved, with the manager named on its page.
        set_value(&browser, "#field-end_date", "2026-12-11").await;
        click(
            &browser,
            "main form[action='/records/leave_request'] button[type=submit]",
        )
        .await;
        wait_for_text(&browser, "Saved.").await;
        assert_eq!(kept("#field-manager").await, "Maya Manager");
        let text = page_text(&browser).await;
        assert!(
            text.contains("Working days") && text.contains("Submit for approval"),
            "{text}"
        );
        violations.extend(serious_violations(&browser, &axe).await);
    }
    .await;
    browser.close().await.unwrap();
    let () = outcome;
    assert!(violations.is_empty(), "{}", violations.join("\n"));
    let requests: serde_json::Value = desk
        .admin
        .get("/api/v1/objects/leave_request/records")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(requests["data"][0]["data"]["manager"], maya.as_str());
    assert_eq!(requests["data"].as_array().unwrap().len(), 1);
}

/// Submits the form around `field` with the browser's own checks off, as an old browser or a
/// script would: what the server says must then show.
async fn submit_unchecked(browser: &Client, field: &str) {
    let form = wait_for(browser, field).await;
    browser
        .execute(
            "const form = arguments[0].form; form.noValidate = true; form.requestSubmit();",
            vec![serde_json::to_value(&form).unwrap()],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refused_form_says_why_on_the_page() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    standard_terms(&desk).await;
    let customer = desk.customer("ann@client.test", json!({})).await;
    let (_, case) = crate::support::open_case(
        &customer,
        json!({ "subject": "Jam", "description": "It jams." }),
    )
    .await;
    let case = case["id"].as_str().unwrap().to_owned();
    desk.move_case(&case, "Resolved").await;
    drop(customer);
    let article = desk
        .create(
            "knowledge_article",
            json!({ "title": "Clearing a printer jam", "state": "Published", "body": "Open the rear tray." }),
        )
        .await;
    let origin = desk.tenant.origin.clone();
    let browser = driver.browser().await;
    let outcome = async {
        // A wrong password.
        browser.goto(&format!("{origin}/login")).await.unwrap();
        type_into(&browser, "input[name=login]", "ann@client.test").await;
        type_into(&browser, "input[name=password]", "not the password").await;
        click(&browser, "main button[type=submit]").await;
        wait_for_text(&browser, "The login or password is incorrect.").await;
        sign_in(&browser, &origin, "ann@client.test").await;

        // A password change with the wrong current password.
        browser.goto(&format!("{origin}/profile")).await.unwrap();
        type_into(&browser, "input[name=current_password]", "wrong password 1").await;
        type_into(&browser, "input[name=new_password]", "a brand new password").await;
        type_into(
            &browser,
            "input[name=confirm_password]",
            "a brand new password",
        )
        .await;
        click(
            &browser,
            "form[action='/profile/password'] button[type=submit]",
        )
        .await;
        wait_for_text(&browser, "is not your current password").await;

        // Feedback on a resolved case without a score.
        browser
            .goto(&format!("{origin}/cases/{case}"))
            .await
            .unwrap();
        submit_unchecked(&browser, "#feedback textarea[name=notes]").await;
        wait_for_text(&browser, "Choose how satisfied you are, from 1 to 5.").await;

        // An empty comment in the case's feed.
        browser
            .goto(&format!("{origin}/cases/{case}"))
            .await
            .unwrap();
        submit_unchecked(&browser, "#feed-body").await;
        wait_for_text(&browser, "must be 1 to 5000 characters long").await;

        // A vote on an article that is neither yes nor no (a forged button).
        browser
            .goto(&format!("{origin}/knowledge/{}", article["id"].as_str().unwrap()))
            .await
            .unwrap();
        browser
            .execute(
                "document.querySelector('#helpful button[value=yes]').value = 'maybe';",
                vec![],
            )
            .await
            .unwrap();
        click(&browser, "#helpful button[value=maybe]").await;
        wait_for_text(&browser, "must be yes or no").await;

        // A record form whose number is not one (in the console, as an employee).
        click(&browser, "form[action='/logout'] button").await;
        wait_for(&browser, "input[name=login]").await;
        sign_in_console(&browser, &origin, "admin@acme.test", "admin password 1").await;
        browser
            .goto(&format!("{origin}/console/records/account/new"))
            .await
            .unwrap();
        type_into(&browser, "#field-name", "Umbrella").await;
        set_value(&browser, "#field-employees", "").await;
        browser
            .execute(
                "document.querySelector('#field-employees').type = 'text';",
                vec![],
            )
            .await
            .unwrap();
        type_into(&browser, "#field-employees", "many").await;
        click(&browser, "main form button[type=submit]").await;
        let by_field =
            wait_for_text_in(&browser, "#field-employees-error", "must be a whole number").await;
        assert_eq!(by_field, "must be a whole number");

        // A user whose e-mail is not one.
        browser
            .goto(&format!("{origin}/console/users"))
            .await
            .unwrap();
        type_into(
            &browser,
            "form[action='/console/users'] input[name=login]",
            "not-an-address",
        )
        .await;
        submit_unchecked(&browser, "form[action='/console/users'] input[name=login]").await;
        wait_for_text(&browser, "is not a valid e-mail address").await;

        // A list shown with no column at all.
        let contacts = format!("{origin}/console/records/contact");
        browser.goto(&contacts).await.unwrap();
        click(&browser, "#columns summary").await;
        browser
            .execute(
                "document.querySelectorAll('#columns input[name=column]').forEach(b => b.checked = false);",
                vec![],
            )
            .await
            .unwrap();
        click(&browser, "#columns button:not([name])").await;
        wait_for_text(&browser, "choose 1 to").await;

        // A folder without a name.
        browser
            .goto(&format!("{contacts}/folders/new"))
            .await
            .unwrap();
        submit_unchecked(&browser, "input[name=name]").await;
        wait_for_text(&browser, "must be 1 to 100 characters").await;

        // A tag with a colon, on a record's page.
        let account = desk.create("account", json!({ "name": "Umbrella" })).await;
        browser
            .goto(&format!(
                "{origin}/console/records/account/{}",
                account["id"].as_str().unwrap()
            ))
            .await
            .unwrap();
        type_into(&browser, "input[name=tag]", "vip:gold").await;
        click(&browser, "form[action$='/tags'] button").await;
        wait_for_text(&browser, "a tag is 1 to 50 characters, without a colon").await;

        // A role without a name, and a grant to nobody anyone is called.
        browser
            .goto(&format!("{origin}/console/access/roles"))
            .await
            .unwrap();
        type_into(&browser, "form[action='/console/access/roles'] input[name=name]", " ").await;
        click(&browser, "form[action='/console/access/roles'] button").await;
        wait_for_text(&browser, "must be 1 to 120 characters long").await;
        browser
            .goto(&format!("{origin}/console/access/operations"))
            .await
            .unwrap();
        type_into(&browser, "#grant-export_to_file", "Nobody Known").await;
        click(&browser, "form:has(#grant-export_to_file) > button").await;
        wait_for_text(&browser, "Nothing you may choose is called “Nobody Known”.").await;

        // A portal menu naming a section that does not exist (a forged box).
        browser
            .goto(&format!("{origin}/console/branding"))
            .await
            .unwrap();
        browser
            .execute(
                "const box = document.querySelector('#portal-menu input[name=show]'); box.value = 'nonsense'; box.checked = true;",
                vec![],
            )
            .await
            .unwrap();
        click(&browser, "#portal-menu button.primary").await;
        wait_for_text(&browser, "“nonsense” is not a section the menu can show").await;

        // A domain given as a URL.
        browser
            .goto(&format!("{origin}/console/branding"))
            .await
            .unwrap();
        type_into(
            &browser,
            "#own-domain input[name=domain]",
            "https://support.acme.example/",
        )
        .await;
        click(&browser, "form[action='/console/branding/domain'] button").await;
        wait_for_text(&browser, "Type the host name only").await;

        // A main page metric with a filter no list understands: beside its field, the title
        // kept; a tab without a title.
        browser
            .goto(&format!(
                "{origin}/console/main-page/pages/0/tabs/0/widgets?kind=metric&object=case"
            ))
            .await
            .unwrap();
        type_into(&browser, "#widget-title", "Open cases").await;
        type_into(&browser, "#widget-filters", "status:between:New").await;
        click(&browser, "main form button.primary").await;
        wait_for_text_in(&browser, "#widget-filters-error", "unknown filter operator").await;
        let kept = wait_for(&browser, "#widget-title")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("Open cases"));
        browser
            .goto(&format!("{origin}/console/main-page"))
            .await
            .unwrap();
        submit_unchecked(&browser, "#page-0 form[action$='/tabs'] input[name=title]").await;
        wait_for_text(&browser, "must be 1 to 60 characters long").await;
    }
    .await;
    browser.close().await.unwrap();
    let () = outcome;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_builds_a_folder_with_an_or_group_and_exports_what_it_shows() {
    let axe = axe_source();
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    for (name, job) in [("Ada", "Analyst"), ("Bob", "Clerk"), ("Cyd", "Manager")] {
        desk.create(
            "contact",
            json!({ "full_name": name, "job_title": job, "email": format!("{name}@secret.test") }),
        )
        .await;
    }
    // An agent who may export, but not see e-mail addresses.
    let (agent, _) = desk
        .tenant
        .create_user(
            &desk.admin,
            "agent@acme.test",
            "employee",
            "agent password 1",
        )
        .await;
    for (path, body) in [
        (
            "/api/v1/access/operations/export_to_file",
            json!({ "grantee": agent, "granted": true }),
        ),
        (
            "/api/v1/access/objects/contact/columns",
            json!({ "field": "email", "grantee": agent, "access": "hidden" }),
        ),
    ] {
        crate::access::put(&desk.admin, path, body).await;
    }

    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let mut violations = Vec::new();
    let outcome = async {
        sign_in_console(&browser, &origin, "agent@acme.test", "agent password 1").await;
        browser
            .goto(&format!("{origin}/console/records/contact"))
            .await
            .unwrap();
        wait_for_text(&browser, "1–3 of 3").await;
        violations.extend(serious_violations(&browser, &axe).await);

        // A folder of analysts OR managers, built on its page.
        click(&browser, "#folders a.button").await;
        type_into(&browser, "input[name=name]", "Analysts or managers").await;
        click(&browser, "input[name=kind][value=dynamic]").await;
        browser
            .execute(
                "document.querySelector('[name=g1_match]').value = 'any';
                 for (const [row, job] of [[1, 'Analyst'], [2, 'Manager']]) {
                   document.querySelector(`[name=g1_field${row}]`).value = 'job_title';
                   document.querySelector(`[name=g1_op${row}]`).value = 'eq';
                 }",
                vec![],
            )
            .await
            .unwrap();
        type_into(&browser, "[name=g1_value1]", "Analyst").await;
        type_into(&browser, "[name=g1_value2]", "Manager").await;
        violations.extend(serious_violations(&browser, &axe).await);
        click(&browser, "#folder-form button[type=submit]").await;
        wait_for_text(&browser, "Folder “Analysts or managers” created.").await;
        let text = page_text(&browser).await;
        assert!(
            text.contains("Ada") && text.contains("Cyd") && !text.contains("Bob"),
            "{text}"
        );
        assert!(text.contains("1–2 of 2"), "{text}");
        violations.extend(serious_violations(&browser, &axe).await);

        // "Export to file" sends what the list shows: the folder's records, without the hidden
        // column. (Fetched by the page's own form, as the browser would download it.)
        let csv = browser
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const form = document.querySelector('#export');
                 form.querySelector('[name=format]').value = 'csv';
                 const query = new URLSearchParams(new FormData(form)).toString();
                 fetch(form.action + '?' + query).then(r => r.text()).then(done);",
                vec![],
            )
            .await
            .unwrap();
        let csv = csv.as_str().unwrap().to_owned();
        assert!(
            csv.contains("Ada") && csv.contains("Cyd") && !csv.contains("Bob"),
            "{csv}"
        );
        assert!(
            csv.contains("Job title") && !csv.contains("E-mail") && !csv.contains("secret.test"),
            "{csv}"
        );
    }
    .await;
    browser.close().await.unwrap();
    let () = outcome;
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_too_large_attachment_is_refused_before_sending_and_the_text_stays() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            settings: vec![("PORTICO_MAX_ATTACHMENT_BYTES", "1024".to_owned())],
            ..Options::default()
        },
    )
    .await;
    let desk = Desk::open(&app, "acme").await;
    standard_terms(&desk).await;
    drop(desk.customer("ann@client.test", json!({})).await);
    let big = std::env::temp_dir().join(format!("big-{}.txt", std::process::id()));
    std::fs::write(&big, vec![b'x'; 2048]).unwrap();
    let small = std::env::temp_dir().join(format!("small-{}.txt", std::process::id()));
    std::fs::write(&small, "a short note").unwrap();

    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        sign_in(&browser, &origin, "ann@client.test").await;
        browser.goto(&format!("{origin}/cases/new")).await.unwrap();
        // The limit is stated before anything is chosen.
        let hint = wait_for(&browser, "#files-limit")
            .await
            .text()
            .await
            .unwrap();
        assert_eq!(hint, "Up to 10 files, each at most 1.0 KB.");
        wait_for(&browser, "select[name=service]")
            .await
            .select_by_label("Printer repair")
            .await
            .unwrap();
        type_into(&browser, "input[name=subject]", "Jam on every page").await;
        type_into(&browser, "textarea[name=description]", "It still jams.").await;
        // A file over the limit: said by the input at once, and the form is not sent.
        wait_for(&browser, "#files-input")
            .await
            .send_keys(big.to_str().unwrap())
            .await
            .unwrap();
        let error = wait_for(&browser, "#files-input-error:not([hidden])")
            .await
            .text()
            .await
            .unwrap();
        assert!(error.contains("is larger than 1.0 KB"), "{error}");
        click(&browser, "form[action='/cases/new'] button.primary").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(
            browser
                .current_url()
                .await
                .unwrap()
                .path()
                .ends_with("/cases/new")
        );
        let subject = browser
            .find(Locator::Css("input[name=subject]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap();
        assert_eq!(subject.as_deref(), Some("Jam on every page"));
        // A file within it clears the message.
        browser
            .execute("document.querySelector('#files-input').value = '';", vec![])
            .await
            .unwrap();
        wait_for(&browser, "#files-input")
            .await
            .send_keys(small.to_str().unwrap())
            .await
            .unwrap();
        let valid = browser
            .execute(
                "return document.querySelector('#files-input').validity.valid \
                 && document.querySelector('#files-input-error').hidden;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(valid, json!(true));
    }
    .await;
    browser.close().await.unwrap();
    let _ = std::fs::remove_file(&big);
    let _ = std::fs::remove_file(&small);
    let () = outcome;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_more_adds_the_next_page_below_and_counts_what_the_table_shows() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    for n in 0..30 {
        desk.create("contact", json!({ "full_name": format!("Person {n:02}") }))
            .await;
    }
    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        sign_in_console(&browser, &origin, "admin@acme.test", "admin password 1").await;
        browser
            .goto(&format!("{origin}/console/records/contact?sort=full_name"))
            .await
            .unwrap();
        wait_for_text(&browser, "1–25 of 30").await;
        click(&browser, "button.load-more").await;
        let page = wait_for_text(&browser, "1–30 of 30").await;
        assert!(
            page.contains("Person 00") && page.contains("Person 29"),
            "{page}"
        );
        let rows = browser
            .find_all(Locator::Css("#records-body > tr"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 30);
        assert!(
            browser
                .find(Locator::Css("button.load-more"))
                .await
                .is_err(),
            "nothing more to load"
        );
    }
    .await;
    browser.close().await.unwrap();
    outcome
}

/// Assigning a case in the console: the colleague is found by typing part of their name (the
/// page never lists every user), and a name nobody has is refused on the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_assigns_a_case_by_typing_a_colleagues_name() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let response = desk
        .admin
        .post_json(
            "/api/v1/users",
            &json!({ "login": "boris@acme.test", "full_name": "Boris Builder", "kind": "employee" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let boris: serde_json::Value = response.json().await.unwrap();
    let boris = boris["user"]["id"].as_str().unwrap().to_owned();
    let (status, case) = crate::support::open_case(
        &desk.admin,
        json!({ "subject": "Printer jams", "description": "Every page." }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{case}");
    let page = format!("/console/cases/{}", case["id"].as_str().unwrap());

    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        sign_in_console(
            &browser,
            &origin,
            &desk.tenant.admin.login,
            &desk.tenant.admin.password,
        )
        .await;
        browser.goto(&format!("{origin}{page}")).await.unwrap();
        // The box shows who has the case now. A name nobody has: the page says so.
        let assignee = wait_for(&browser, "#case-assignee").await;
        assert_eq!(
            assignee.prop("value").await.unwrap().as_deref(),
            Some("Administrator")
        );
        assignee.clear().await.unwrap();
        assignee.send_keys("Nobody Known").await.unwrap();
        click(&browser, "form[action$='/assignee'] > button").await;
        wait_for_text(&browser, "Nothing you may choose is called “Nobody Known”.").await;
        // Part of a name offers the colleague; choosing them assigns the case.
        browser.goto(&format!("{origin}{page}")).await.unwrap();
        wait_for(&browser, "#case-assignee")
            .await
            .clear()
            .await
            .unwrap();
        type_into(&browser, "#case-assignee", "bori").await;
        wait_for(
            &browser,
            "#case-assignee-options button[data-title='Boris Builder (boris@acme.test)']",
        )
        .await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        click(
            &browser,
            "#case-assignee-options button[data-title='Boris Builder (boris@acme.test)']",
        )
        .await;
        click(&browser, "form[action$='/assignee'] > button").await;
        wait_for_text(&browser, "Assigned.").await;
        let shown = wait_for(&browser, "#case-assignee")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(shown.as_deref(), Some("Boris Builder"));
        let assigned: serde_json::Value = desk
            .admin
            .get(&format!("/api/v1/cases/{}", case["id"].as_str().unwrap()))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(assigned["record"]["owner"], boris.as_str());
    }
    .await;
    browser.close().await.unwrap();
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_told_no_license_is_free_moves_a_user_and_adds_the_new_one() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let tenant = portico::tenancy::find(&app.app, &portico_tenants::Slug::parse("acme").unwrap())
        .await
        .unwrap()
        .unwrap();
    let runs = [
        portico_tenants::Configuration::SelfService,
        portico_tenants::Configuration::Customer,
    ];
    portico::sections::installed::set_configurations(&app.app, tenant.id, &runs)
        .await
        .unwrap();
    let one_seat = portico_tenants::licenses::Purchased {
        customer: Some(1),
        ..Default::default()
    };
    portico::licenses::set_purchased(&app.app, &tenant, one_seat)
        .await
        .unwrap();
    let response = desk
        .admin
        .post_json(
            "/api/v1/users",
            &json!({ "login": "first@client.test", "full_name": "First Customer", "kind": "external", "license": "customer" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        sign_in_console(
            &browser,
            &origin,
            &desk.tenant.admin.login,
            &desk.tenant.admin.password,
        )
        .await;
        let add_second = async || {
            browser
                .goto(&format!("{origin}/console/users"))
                .await
                .unwrap();
            type_into(&browser, "input[name=login]", "second@client.test").await;
            type_into(&browser, "input[name=full_name]", "Second Customer").await;
            set_value(&browser, "select[name=license]", "customer").await;
            click(&browser, "form[action='/console/users'] button.primary").await;
        };
        // The license is full: the form says so beside the license, keeping what was typed.
        add_second().await;
        wait_for_text(
            &browser,
            "All 1 licenses of the Customer portal are in use (1 held).",
        )
        .await;
        let kept = wait_for(&browser, "input[name=login]")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("second@client.test"));
        // The Licenses page shows who holds it; moving them frees it.
        browser
            .goto(&format!("{origin}/console/licenses?license=customer"))
            .await
            .unwrap();
        wait_for_text(&browser, "First Customer").await;
        set_value(
            &browser,
            "#license-holders select[name=license]",
            "self-service",
        )
        .await;
        click(&browser, "form[action='/console/licenses/move'] button").await;
        wait_for_text(
            &browser,
            "First Customer now holds a license of the Self-service portal.",
        )
        .await;
        add_second().await;
        wait_for_text(&browser, "Second Customer").await;
        let holders: serde_json::Value = desk
            .admin
            .get("/api/v1/licenses/customer/users")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            holders["data"][0]["login"], "second@client.test",
            "{holders}"
        );
        assert_eq!(holders["count"]["records"], 1);
        // Moving someone into the full license, or a daily limit out of range, is refused on
        // the page, and nothing changes.
        browser
            .goto(&format!("{origin}/console/licenses?license=self-service"))
            .await
            .unwrap();
        wait_for_text(&browser, "First Customer").await;
        click(&browser, "form[action='/console/licenses/move'] button").await;
        wait_for_text(
            &browser,
            "All 1 licenses of the Customer portal are in use (1 held).",
        )
        .await;
        set_value(&browser, "input[name=api_calls_a_day]", "0").await;
        submit_unchecked(&browser, "input[name=api_calls_a_day]").await;
        wait_for_text(&browser, "Choose a whole number from 1 to 100000.").await;
        let licenses: serde_json::Value = desk
            .admin
            .get("/api/v1/licenses")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(licenses["api_calls_a_day"], 1_000);
    }
    .await;
    browser.close().await.unwrap();
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_enters_a_card_on_stripes_page_and_buys_seats() {
    let driver = ChromeDriver::start();
    let billed = crate::billing::Billed::start(Backend::Sqlite).await;
    let desk = Desk::open(&billed.app, "acme").await;
    let runs = [
        portico_tenants::Configuration::SelfService,
        portico_tenants::Configuration::Customer,
    ];
    crate::licenses::run(&billed.app, "acme", &runs).await;
    let axe = axe_source();
    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        sign_in_console(
            &browser,
            &origin,
            &desk.tenant.admin.login,
            &desk.tenant.admin.password,
        )
        .await;
        browser
            .goto(&format!("{origin}/console/licenses"))
            .await
            .unwrap();
        wait_for_text(&browser, "Nothing bought yet").await;
        assert_eq!(
            serious_violations(&browser, &axe).await,
            Vec::<String>::new()
        );
        // The card is entered on Stripe's page, which comes back to the Licenses page.
        click(&browser, "form[action='/console/licenses/payment'] button").await;
        wait_for_text(&browser, "Stripe's billing page is ready").await;
        assert_eq!(
            serious_violations(&browser, &axe).await,
            Vec::<String>::new()
        );
        click(&browser, "#billing-portal").await;
        wait_for_text(&browser, "Payment method").await;
        click(&browser, "button[type=submit]").await;
        wait_for_text(&browser, "Nothing bought yet").await;
        assert!(
            browser
                .current_url()
                .await
                .unwrap()
                .as_str()
                .starts_with(&origin)
        );
        // Nonsense is refused on the page, keeping what was typed; then four seats are bought.
        set_value(&browser, "#buy-licenses input[name=customer]", "-1").await;
        submit_unchecked(&browser, "#buy-licenses input[name=customer]").await;
        wait_for_text(&browser, "must be a whole number").await;
        let kept = wait_for(&browser, "#buy-licenses input[name=customer]")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("-1"));
        set_value(&browser, "#buy-licenses input[name=customer]", "4").await;
        click(&browser, "#buy-licenses button[type=submit]").await;
        wait_for_text(&browser, "The subscription now has the licenses you chose.").await;
        wait_for_text(&browser, "The subscription is active.").await;
        let licenses = crate::licenses::licenses(&desk.admin).await;
        assert_eq!(
            crate::licenses::use_of(&licenses, "customer"),
            (0, Some(4)),
            "{licenses}"
        );
    }
    .await;
    browser.close().await.unwrap();
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_imports_people_from_a_spreadsheet_after_seeing_every_row() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let axe = axe_source();
    let file = |name: &str| std::env::temp_dir().join(format!("{}-{name}", std::process::id()));
    let not_a_sheet = file("photo.xlsx");
    std::fs::write(&not_a_sheet, b"PK\x03\x04 not a workbook").unwrap();
    let people = file("people.csv");
    std::fs::write(
        &people,
        "Name,E-mail\nPaula Park,paula@client.test\nBroken,not-an-address\nPaula Again,paula@client.test\n",
    )
    .unwrap();
    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        sign_in_console(
            &browser,
            &origin,
            &desk.tenant.admin.login,
            &desk.tenant.admin.password,
        )
        .await;
        browser
            .goto(&format!("{origin}/console/users"))
            .await
            .unwrap();
        click(&browser, "a[href='/console/users/import']").await;
        wait_for_text(&browser, "At most").await;
        assert_eq!(
            serious_violations(&browser, &axe).await,
            Vec::<String>::new()
        );
        // A file that is no spreadsheet is refused on the page, by its input.
        wait_for(&browser, "#import-file")
            .await
            .send_keys(not_a_sheet.to_str().unwrap())
            .await
            .unwrap();
        click(&browser, "form[action='/console/users/import'] button").await;
        wait_for_text(&browser, "cannot be read as CSV or as an Excel workbook").await;
        // A spreadsheet: every row shown checked, its columns guessed, nothing written yet.
        wait_for(&browser, "#import-file")
            .await
            .send_keys(people.to_str().unwrap())
            .await
            .unwrap();
        click(&browser, "form[action='/console/users/import'] button").await;
        wait_for_text(&browser, "1 row can be imported; 2 cannot").await;
        let text = page_text(&browser).await;
        assert!(
            text.contains("This address came earlier in the file."),
            "{text}"
        );
        assert!(text.contains("not-an-address"), "{text}");
        assert_eq!(
            serious_violations(&browser, &axe).await,
            Vec::<String>::new()
        );
        let users: serde_json::Value = desk
            .admin
            .get("/api/v1/users?q=paula")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(users["count"]["records"], 0);
        // Imported: the report says what became of each row.
        click(
            &browser,
            "form[method=post][action^='/console/users/import/'] button",
        )
        .await;
        wait_for_text(&browser, "1 created, 2 not imported.").await;
        wait_for(&browser, "a[href$='/report.csv']").await;
        assert_eq!(
            serious_violations(&browser, &axe).await,
            Vec::<String>::new()
        );
        let users: serde_json::Value = desk
            .admin
            .get("/api/v1/users?q=paula")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(users["data"][0]["full_name"], "Paula Park", "{users}");
    }
    .await;
    browser.close().await.unwrap();
    let _ = (
        std::fs::remove_file(&not_a_sheet),
        std::fs::remove_file(&people),
    );
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_connects_an_identity_provider_and_a_customer_signs_in_with_it() {
    use crate::sso::Provider;
    let driver = ChromeDriver::start();
    let app = crate::sso::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let axe = axe_source();
    let origin = desk.tenant.origin.clone();
    let provider = Provider::start(
        &[&origin],
        serde_json::json!({ "nina": { "email": "nina@client.test", "email_verified": true, "name": "Nina Client" } }),
        true,
    );
    let registration = provider.registration("Client ID", "portal");
    let (admin, visitor) = (driver.browser().await, driver.browser().await);
    let outcome = async {
        sign_in_console(
            &admin,
            &origin,
            &desk.tenant.admin.login,
            &desk.tenant.admin.password,
        )
        .await;
        admin
            .goto(&format!("{origin}/console/users"))
            .await
            .unwrap();
        click(&admin, "a[href='/console/sso']").await;
        wait_for_text(&admin, "No identity provider yet.").await;
        assert_eq!(serious_violations(&admin, &axe).await, Vec::<String>::new());
        // A wrong issuer is refused by its field, the rest kept as typed.
        type_into(&admin, "input[name=name]", "Client ID").await;
        type_into(&admin, "input[name=issuer]", "http://127.0.0.1:1").await;
        type_into(
            &admin,
            "input[name=client_id]",
            registration["client_id"].as_str().unwrap(),
        )
        .await;
        type_into(
            &admin,
            "input[name=client_secret]",
            registration["client_secret"].as_str().unwrap(),
        )
        .await;
        click(&admin, "input[name=create_users]").await;
        click(
            &admin,
            "form[action='/console/sso/providers'] button.primary",
        )
        .await;
        wait_for_text(&admin, "did not answer as an OpenID provider").await;
        let kept = wait_for(&admin, "input[name=name]")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("Client ID"));
        let issuer = wait_for(&admin, "input[name=issuer]").await;
        issuer.clear().await.unwrap();
        issuer.send_keys(&provider.issuer).await.unwrap();
        type_into(
            &admin,
            "input[name=client_secret]",
            registration["client_secret"].as_str().unwrap(),
        )
        .await;
        click(
            &admin,
            "form[action='/console/sso/providers'] button.primary",
        )
        .await;
        wait_for_text(&admin, "The provider Client ID is saved.").await;
        assert!(page_text(&admin).await.contains("creates users"));

        // A new customer finds the button on the login page and is in, created on the way.
        provider.next_login("nina").await;
        visitor.goto(&format!("{origin}/login")).await.unwrap();
        assert_eq!(
            serious_violations(&visitor, &axe).await,
            Vec::<String>::new()
        );
        click(&visitor, ".sso-choices a").await;
        wait_for(&visitor, "form[action='/logout']").await;
        wait_for_text(&visitor, "Nina Client").await;
        assert_eq!(visitor.current_url().await.unwrap().path(), "/");
    }
    .await;
    admin.close().await.unwrap();
    visitor.close().await.unwrap();
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_changes_their_details_and_puts_up_a_photo() {
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    drop(desk.customer("ann@client.test", json!({})).await);
    let dir = std::env::temp_dir().join(format!("profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (photo, drawing) = (dir.join("me.png"), dir.join("me.gif"));
    std::fs::write(&photo, crate::profile::PNG).unwrap();
    std::fs::write(&drawing, b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap();
    let browser = driver.browser().await;
    let origin = desk.tenant.origin.clone();
    let outcome = async {
        sign_in(&browser, &origin, "ann@client.test").await;
        click(&browser, "nav a[href='/profile']").await;
        // Too long a job title: refused by its field, what was typed kept.
        let name = wait_for(&browser, "#details [name=full_name]").await;
        name.clear().await.unwrap();
        name.send_keys("Ann Archer").await.unwrap();
        type_into(&browser, "#details [name=phone]", "+49 30 1234").await;
        set_value(&browser, "#details [name=job_title]", &"B".repeat(251)).await;
        click(&browser, "#details button.primary").await;
        wait_for_text_in(&browser, "#details .field-error", "250").await;
        let kept = wait_for(&browser, "#details [name=phone]")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(kept.as_deref(), Some("+49 30 1234"));
        set_value(&browser, "#details [name=job_title]", "Buyer").await;
        click(&browser, "#details button.primary").await;
        wait_for_text(&browser, "Your details were saved.").await;
        let name = wait_for(&browser, "#details [name=full_name]")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some("Ann Archer"));

        // A GIF is refused beside the field; a PNG becomes the picture beside "Profile".
        wait_for(&browser, "#photo [name=photo]")
            .await
            .send_keys(drawing.to_str().unwrap())
            .await
            .unwrap();
        click(&browser, "#photo button.primary").await;
        wait_for_text_in(&browser, "#photo .field-error", "PNG or JPEG").await;
        wait_for(&browser, "#photo [name=photo]")
            .await
            .send_keys(photo.to_str().unwrap())
            .await
            .unwrap();
        click(&browser, "#photo button.primary").await;
        wait_for_text(&browser, "Your photo was saved.").await;
        let shown = wait_for(&browser, "nav a[href='/profile'] img.avatar").await;
        let width: serde_json::Value = browser
            .execute(
                "return arguments[0].naturalWidth",
                vec![serde_json::to_value(&shown).unwrap()],
            )
            .await
            .unwrap();
        assert_eq!(width, json!(1), "the photo loads");
    }
    .await;
    browser.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// Chooses `value` in the select `css`.
async fn choose(browser: &Client, css: &str, value: &str) {
    wait_for(browser, css)
        .await
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("{css} has no {value}: {e}"));
}

/// Adds a chart on the first tab of the designer's first page, as the designer's forms ask.
async fn add_chart(browser: &Client, object: &str, title: &str, group: &str, style: &str) {
    choose(browser, "#page-0-tab-0 select[name=kind]", "chart").await;
    choose(browser, "#page-0-tab-0 select[name=object]", object).await;
    click(browser, "#page-0-tab-0 form[method=get] button").await;
    type_into(browser, "#widget-title", title).await;
    choose(browser, "#widget-group", group).await;
    choose(browser, "#widget-style", style).await;
    click(browser, "main form button.primary").await;
    wait_for_text(browser, "Saved in the draft.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_designs_a_main_page_with_a_chart_and_publishes_it() {
    let axe = axe_source();
    let driver = ChromeDriver::start();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let desk = Desk::open(&app, "acme").await;
    let (service, _) = standard_terms(&desk).await;
    let customer = desk.customer("ann@client.test", json!({})).await;
    for subject in ["Jam", "Toner"] {
        let (status, _) = crate::support::open_case(
            &customer,
            json!({ "service": service, "subject": subject, "description": "Help" }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    drop(customer);
    let origin = desk.tenant.origin.clone();
    let admin = &desk.tenant.admin;
    let designer = driver.browser().await;
    let outcome = async {
        sign_in_console(&designer, &origin, &admin.login, &admin.password).await;
        click(&designer, "nav a[href='/console/main-page']").await;
        wait_for_text(&designer, "Nothing is published yet").await;
        // Cases by status (customers read their own cases) and contacts by language (they
        // read no contacts): both in the draft, seen in the designer's preview.
        add_chart(&designer, "case", "Case mix", "status", "doughnut").await;
        add_chart(
            &designer,
            "contact",
            "People by language",
            "language",
            "bar",
        )
        .await;
        designer
            .goto(&format!("{origin}/main-page/preview?page=0"))
            .await
            .unwrap();
        wait_for_text(&designer, "Preview of the draft").await;
        wait_for(&designer, "svg.chart[aria-label^='Case mix: New: 2']").await;
        wait_for(&designer, "svg.chart[aria-label^='People by language']").await;
        designer
            .goto(&format!("{origin}/console/main-page"))
            .await
            .unwrap();
        click(&designer, "#publishing button.primary").await;
        wait_for_text(&designer, "The main page is published.").await;

        let portal = driver.browser().await;
        let seen = async {
            sign_in(&portal, &origin, "ann@client.test").await;
            wait_for(&portal, "svg.chart[aria-label='Case mix: New: 2']").await;
            let shown = page_text(&portal).await;
            assert!(!shown.contains("People by language"), "{shown}");
            let found = serious_violations(&portal, &axe).await;
            assert!(found.is_empty(), "the designed main page: {found:?}");
        }
        .await;
        portal.close().await.unwrap();
        seen
    }
    .await;
    designer.close().await.unwrap();
    outcome
}

/// A search that would read for too long, typed into the list's search box: the list page says
/// so and keeps what was typed (tests/e2e/hardening.rs has the API and the exports).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_cut_off_for_its_time_says_so_on_the_list_page() {
    let driver = ChromeDriver::start();
    let (_app, tenant) = crate::hardening::server_with_slow_lists().await;
    let browser = driver.browser().await;
    let origin = tenant.origin.clone();
    let outcome = async {
        sign_in_console(&browser, &origin, "admin@acme.test", "admin password 1").await;
        browser
            .goto(&format!("{origin}/console/records/account"))
            .await
            .unwrap();
        type_into(&browser, "#list-search", "no such company").await;
        click(&browser, "form[role=search] button").await;
        wait_for_text_in(&browser, ".alert", "Reading this list took too long").await;
        let typed = wait_for(&browser, "#list-search")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(typed.as_deref(), Some("no such company"));
    }
    .await;
    browser.close().await.unwrap();
    outcome
}
