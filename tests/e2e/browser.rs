//! A real browser (headless Chromium through ChromeDriver): a customer signs in, searches the
//! knowledge base from the main page (with a typo), reads an article, opens a case with a file,
//! and sees the support team's reply on the case page.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::{
    harness::{Backend, TestApp},
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
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "args": ["--headless", "--no-sandbox", "--disable-gpu",
                             "--disable-background-networking", "--window-size=1280,900"] }),
        );
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
async fn wait_for(browser: &Client, css: &str) -> fantoccini::elements::Element {
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
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
    for _ in 0..100 {
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
        browser.goto(&format!("{origin}/login")).await.unwrap();
        wait_for(&browser, "input[name=login]")
            .await
            .send_keys("ann@client.test")
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
            .find(Locator::Css("button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
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
    }
    .await;
    let _ = std::fs::remove_file(&attachment);
    browser.close().await.unwrap();
    outcome
}
