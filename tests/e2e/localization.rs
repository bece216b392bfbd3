//! Portico in the reader's language and time zone: a visitor's browser language, a choice made
//! with the language switch, the tenant's defaults, and a user's own setting, in that order of
//! strength the other way round; times in the reader's time zone; bad choices refused.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{Browser, TestApp, error_code, location, on_both_databases},
    support::{Desk, open_case, standard_terms},
};

const GERMAN_SIGN_IN: &str = ">Anmelden</button>";
const ENGLISH_SIGN_IN: &str = ">Sign in</button>";

async fn login_page(browser: &Browser, accept_language: Option<&str>) -> String {
    let mut request = browser.client.get(browser.url("/login"));
    if let Some(languages) = accept_language {
        request = request.header("accept-language", languages);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

async fn regional(browser: &Browser, path: &str) -> Value {
    let response = browser.get(path).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

on_both_databases! {
    async fn a_visitor_reads_their_browser_language_until_they_switch(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let visitor = tenant.browser();
        let page = login_page(&visitor, Some("fr-CH, de;q=0.9, en;q=0.5")).await;
        assert!(page.contains(GERMAN_SIGN_IN), "{page}");
        assert!(page.contains(r#"<html lang="de">"#));
        let page = login_page(&visitor, Some("fr")).await;
        assert!(page.contains(ENGLISH_SIGN_IN), "a language Portico lacks: English");
        assert!(page.contains(r#"<html lang="en">"#));

        // The switch on the page keeps the visitor's choice in a cookie, over the browser's.
        let switched = visitor
            .submit_form("/login", "/language", &[("language", "de")])
            .await;
        assert_eq!(switched.status(), StatusCode::SEE_OTHER);
        let page = login_page(&visitor, Some("en")).await;
        assert!(page.contains(GERMAN_SIGN_IN), "{page}");

        // A language Portico does not speak changes nothing.
        let refused = visitor
            .submit_form("/login", "/language", &[("language", "xx")])
            .await;
        assert_eq!(refused.status(), StatusCode::SEE_OTHER);
        assert!(login_page(&visitor, Some("en")).await.contains(GERMAN_SIGN_IN));
        // Without the page's token the switch is refused.
        let forged = visitor
            .client
            .post(visitor.url("/language"))
            .form(&[("language", "en")])
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert!(login_page(&visitor, Some("en")).await.contains(GERMAN_SIGN_IN));
    }
}

on_both_databases! {
    async fn the_tenant_sets_defaults_and_each_user_may_choose_their_own(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        standard_terms(&desk).await;
        let customer = desk.customer("anna@customer.test", json!({})).await;

        // Only administrators set the tenant's defaults; nonsense is refused, naming the field.
        let refused = customer
            .put_json("/api/v1/settings/regional", &json!({ "language": "de" }))
            .await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let (status, code) = error_code(
            desk.admin
                .put_json(
                    "/api/v1/settings/regional",
                    &json!({ "language": "klingon", "time_zone": "Mars/Olympus" }),
                )
                .await,
        )
        .await;
        assert_eq!((status, code.as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
        assert_eq!(
            regional(&desk.admin, "/api/v1/settings/regional").await,
            json!({ "language": null, "time_zone": null })
        );
        let saved = desk
            .admin
            .put_json(
                "/api/v1/settings/regional",
                &json!({ "language": "de-DE", "time_zone": "Europe/Berlin" }),
            )
            .await;
        assert_eq!(saved.status(), StatusCode::OK);
        assert_eq!(
            saved.json::<Value>().await.unwrap(),
            json!({ "language": "de", "time_zone": "Europe/Berlin" })
        );

        // The tenant's default outweighs the browser's language.
        let page = login_page(&desk.tenant.browser(), Some("en")).await;
        assert!(page.contains(GERMAN_SIGN_IN), "{page}");

        // The customer's case shows its times in German, in Berlin time.
        let (status, case) = open_case(
            &customer,
            json!({ "subject": "Drucker druckt nicht", "description": "Seit gestern." }),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        let created: DateTime<Utc> = case["created_at"].as_str().unwrap().parse().unwrap();
        let berlin = created
            .with_timezone(&chrono_tz::Europe::Berlin)
            .format("%d.%m.%Y, %H:%M %Z")
            .to_string();
        let (_, page) = customer
            .get_text(&format!("/cases/{}", case["id"].as_str().unwrap()))
            .await;
        assert!(page.contains(&berlin), "{berlin} not on {page}");
        assert!(page.contains(r#"<html lang="de">"#));

        // A user's own choice outweighs the tenant's, and stays with their account.
        let bad = customer
            .put_json("/api/v1/me/regional", &json!({ "time_zone": "Europe/Atlantis" }))
            .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            regional(&customer, "/api/v1/me/regional").await,
            json!({ "language": null, "time_zone": null })
        );
        let response = customer
            .submit_form(
                "/profile",
                "/profile/regional",
                &[("language", "en"), ("time_zone", "America/New_York")],
            )
            .await;
        assert_eq!((response.status(), location(&response).as_str()), (StatusCode::SEE_OTHER, "/profile"));
        assert_eq!(
            regional(&customer, "/api/v1/me/regional").await,
            json!({ "language": "en", "time_zone": "America/New_York" })
        );
        let new_york = created
            .with_timezone(&chrono_tz::America::New_York)
            .format("%Y-%m-%d %H:%M %Z")
            .to_string();
        let (_, page) = customer
            .get_text(&format!("/cases/{}", case["id"].as_str().unwrap()))
            .await;
        assert!(page.contains(&new_york), "{new_york} not on {page}");
        assert!(page.contains(r#"<html lang="en">"#));

        // The switch in the header changes the account's language too.
        let switched = customer
            .submit_form("/", "/language", &[("language", "de")])
            .await;
        assert_eq!(switched.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            regional(&customer, "/api/v1/me/regional").await,
            json!({ "language": "de", "time_zone": "America/New_York" })
        );
    }
}
