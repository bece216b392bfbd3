//! The partner portal: one partnership per partner, a program of tiers whose progress follows
//! the partner's own leads and won opportunities, and partners who never see each other's work.

use portico_tenants::{Configuration, Slug};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    harness::{Browser, TestApp, on_both_databases},
    support::{Desk, create_as},
};

pub(crate) async fn run_partner_configuration(app: &TestApp, slug: &str) {
    let tenant = portico::tenancy::find(&app.app, &Slug::parse(slug).unwrap())
        .await
        .unwrap()
        .unwrap();
    let chosen = [Configuration::SelfService, Configuration::Partner];
    portico::sections::installed::set_configurations(&app.app, tenant.id, &chosen)
        .await
        .unwrap();
}

pub(crate) fn id(record: &Value) -> String {
    record["id"].as_str().unwrap().to_owned()
}

/// A reseller program: Bronze for 2 leads and 1,000 won (40 points each, 80 needed) with a 10%
/// margin; Silver for 4 leads and 5,000 won. Answers the type's id.
pub(crate) async fn reseller_program(desk: &Desk) -> String {
    let reseller = id(&desk
        .create("partner_type", json!({ "name": "Reseller" }))
        .await);
    let leads = id(&desk
        .create(
            "partner_category",
            json!({ "name": "Number of leads", "measure": "leads" }),
        )
        .await);
    let amount = id(&desk
        .create(
            "partner_category",
            json!({ "name": "Won amount", "measure": "won_amount" }),
        )
        .await);
    let margin = id(&desk
        .create(
            "partner_category",
            json!({ "name": "Margin", "measure": "none" }),
        )
        .await);
    for (name, rank, lead_target, amount_target, benefit) in
        [("Bronze", 1, 2, 1000, "10%"), ("Silver", 2, 4, 5000, "15%")]
    {
        let tier = id(&desk
            .create("partner_tier", json!({ "name": name, "partner_type": reseller, "rank": rank, "points_needed": 80 }))
            .await);
        for (category, target) in [(&leads, lead_target), (&amount, amount_target)] {
            desk.create("tier_parameter", json!({ "tier": tier, "category": category, "kind": "Obligation", "target": target, "points": 40 }))
                .await;
        }
        desk.create(
            "tier_parameter",
            json!({ "tier": tier, "category": margin, "kind": "Benefit", "value": benefit }),
        )
        .await;
    }
    reseller
}

/// A partner: an account of type Partner, its portal organization, and one signed-in member.
pub(crate) async fn partner(desk: &Desk, name: &str, email: &str) -> (String, Browser) {
    let account = id(&desk
        .create("account", json!({ "name": name, "type": "Partner" }))
        .await);
    let response = desk
        .admin
        .post_json("/api/v1/organizations", &json!({ "account": account }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let organization = id(&response.json::<Value>().await.unwrap());
    let response = desk
        .admin
        .post_json(
            &format!("/api/v1/organizations/{organization}/members"),
            &json!({ "emails": email }),
        )
        .await;
    let added: Value = response.json().await.unwrap();
    let link = added["data"][0]["setup_link"].as_str().unwrap();
    desk.tenant
        .browser()
        .set_password(link, "customer password 1")
        .await;
    let browser = desk.tenant.browser();
    let login = crate::harness::Login::new(email, "customer password 1");
    assert_eq!(
        browser.sign_in_portal(&login).await.status(),
        StatusCode::SEE_OTHER
    );
    (account, browser)
}

async fn act(who: &Browser, object: &str, record: &str, action: &str) -> StatusCode {
    who.post_json(
        &format!("/api/v1/objects/{object}/records/{record}/actions/{action}"),
        &json!({}),
    )
    .await
    .status()
}

async fn partnership(desk: &Desk, id: &str) -> Value {
    desk.admin
        .get(&format!("/api/v1/objects/partnership/records/{id}"))
        .await
        .json()
        .await
        .unwrap()
}

on_both_databases! {
    async fn a_partner_registers_leads_and_climbs_its_program(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        // Without the partner configuration there are no partner objects.
        assert_eq!(desk.admin.get("/api/v1/objects/lead/records").await.status(), StatusCode::NOT_FOUND);
        run_partner_configuration(&app, "acme").await;
        let reseller = reseller_program(&desk).await;
        let (channel, sam) = partner(&desk, "Channel Co", "sam@channel.test").await;
        let (other, otto) = partner(&desk, "Other Co", "otto@other.test").await;

        // One partnership per partner, named after it, for a year by default.
        let today = chrono::Utc::now().date_naive();
        let created = desk
            .create("partnership", json!({ "account": channel, "partner_type": reseller, "start_date": today.to_string() }))
            .await;
        let partnership_id = id(&created);
        assert_eq!(created["data"]["name"], "Channel Co");
        assert_eq!(created["data"]["points"], 0);
        let due = today.checked_add_months(chrono::Months::new(12)).unwrap() - chrono::Duration::days(1);
        assert_eq!(created["data"]["due_date"], due.to_string());
        let response = desk
            .admin
            .post_json("/api/v1/objects/partnership/records", &json!({ "data": { "account": channel, "partner_type": reseller, "start_date": today.to_string() } }))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused: Value = response.json().await.unwrap();
        assert!(refused.to_string().contains("already has a partnership"), "{refused}");
        // A customer's account is no partner.
        let customer = id(&desk.create("account", json!({ "name": "Client Co", "type": "Customer" })).await);
        let response = desk
            .admin
            .post_json("/api/v1/objects/partnership/records", &json!({ "data": { "account": customer, "partner_type": reseller, "start_date": today.to_string() } }))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("type Partner"));
        // An account without a portal organization cannot be a partner yet.
        let lone = id(&desk.create("account", json!({ "name": "Lone Co", "type": "Partner" })).await);
        let response = desk
            .admin
            .post_json("/api/v1/objects/partnership/records", &json!({ "data": { "account": lone, "partner_type": reseller, "start_date": today.to_string() } }))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        desk.create("partnership", json!({ "account": other, "partner_type": reseller, "start_date": today.to_string() }))
            .await;

        // Before any work: no level, Bronze's conditions ahead.
        let (status, page) = sam.get_text("/partner-program").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("No level yet"), "{page}");
        assert!(page.contains("Conditions for Bronze"), "{page}");

        // Two leads fulfil Bronze's first obligation: 40 points.
        let first = create_as(&sam, "lead", json!({ "company": "Prospect One", "budget": 900 })).await;
        assert_eq!(first["data"]["status"], "new");
        create_as(&sam, "lead", json!({ "company": "Prospect Two" })).await;
        let now = partnership(&desk, &partnership_id).await;
        assert_eq!((now["data"]["points"].as_i64(), now["data"].get("tier")), (Some(40), None), "{now}");

        // Winning 1,500 fulfils the second: Bronze reached, points start again toward Silver.
        let deal = create_as(&sam, "opportunity", json!({ "title": "Rollout", "prospect": "Prospect One", "amount": 1500 })).await;
        assert_eq!(act(&sam, "opportunity", &id(&deal), "win").await, StatusCode::OK);
        let now = partnership(&desk, &partnership_id).await;
        assert_eq!(now["data"]["points"], 0, "{now}");
        let tiers: Value = desk.admin.get("/api/v1/objects/partner_tier/records?filter=name:eq:Bronze").await.json().await.unwrap();
        assert_eq!(now["data"]["tier"], tiers["data"][0]["id"], "{now}");
        let history: Value = desk
            .admin
            .get(&format!("/api/v1/objects/partnership_change/records?filter=partnership:eq:{partnership_id}"))
            .await
            .json()
            .await
            .unwrap();
        let summaries = history.to_string();
        assert!(summaries.contains("Moved up from No level yet to Bronze with 80 points"), "{summaries}");
        assert!(summaries.contains("2 leads, 1 won opportunities"), "{summaries}");

        // The partner sees it, with the benefit and what Silver asks.
        let (_, page) = sam.get_text("/partner-program").await;
        assert!(page.contains("Bronze") && page.contains("10%"), "{page}");
        assert!(page.contains("Conditions for Silver"), "{page}");
        assert!(page.contains("Moved up from"), "{page}");
        let (_, home) = sam.get_text("/").await;
        assert!(home.contains("id=\"partner-program\""), "{home}");
        // Its analytics, drawn on the server, count its own work.
        assert!(home.contains("aria-label=\"Leads: New: 2, Qualified: 0, Converted: 0, Disqualified: 0\""), "{home}");
        assert!(home.contains("Won: 1, Lost: 0"), "{home}");
        // The console lists every partner's figures, kept on the partnership.
        assert_eq!(
            (now["data"]["leads"].as_i64(), now["data"]["won_count"].as_i64(), now["data"]["won_amount"].as_f64()),
            (Some(2), Some(1), Some(1500.0)),
            "{now}"
        );
        let (_, console) = desk.admin.get_text("/console/records/partnership").await;
        assert!(console.contains("Channel Co") && console.contains("Other Co"), "{console}");
        // The API answers the same program.
        let program: Value = sam.get("/api/v1/partner-program").await.json().await.unwrap();
        assert_eq!(program["data"]["tier"]["name"], "Bronze", "{program}");
        assert_eq!(program["data"]["next"]["name"], "Silver", "{program}");
        assert_eq!(program["data"]["figures"]["leads"], 2.0, "{program}");

        // Converting a lead opens an opportunity that the lead names.
        assert_eq!(act(&sam, "lead", &id(&first), "qualify").await, StatusCode::OK);
        assert_eq!(act(&sam, "lead", &id(&first), "convert").await, StatusCode::OK);
        let converted: Value = sam.get(&format!("/api/v1/objects/lead/records/{}", id(&first))).await.json().await.unwrap();
        assert_eq!(converted["data"]["status"], "converted");
        let opportunity = converted["data"]["opportunity"].as_str().expect("the lead names its opportunity");
        let opened: Value = sam.get(&format!("/api/v1/objects/opportunity/records/{opportunity}")).await.json().await.unwrap();
        assert_eq!((opened["data"]["prospect"].as_str(), opened["data"]["amount"].as_f64()), (Some("Prospect One"), Some(900.0)));

        // Another partner sees none of it: not the leads, not the deal, not the program.
        assert_eq!(otto.get(&format!("/api/v1/objects/lead/records/{}", id(&first))).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(otto.get(&format!("/api/v1/objects/opportunity/records/{}", id(&deal))).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(otto.get(&format!("/api/v1/objects/partnership/records/{partnership_id}")).await.status(), StatusCode::NOT_FOUND);
        let listed: Value = otto.get("/api/v1/objects/lead/records").await.json().await.unwrap();
        assert_eq!(listed["data"], json!([]), "{listed}");
        let (_, page) = otto.get_text("/partner-program").await;
        assert!(page.contains("No level yet") && !page.contains("Moved up"), "{page}");
        let (_, home) = otto.get_text("/").await;
        assert!(home.contains("aria-label=\"Leads: New: 0, Qualified: 0"), "{home}");
        let program: Value = otto.get("/api/v1/partner-program").await.json().await.unwrap();
        assert_eq!((program["data"]["tier"].clone(), program["data"]["figures"]["leads"].clone()), (Value::Null, json!(0.0)), "{program}");
        // A forged change to the other partner's lead changes nothing.
        let response = otto
            .client
            .patch(otto.url(&format!("/api/v1/objects/lead/records/{}", id(&first))))
            .json(&json!({ "version": 1, "data": { "company": "Stolen" } }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        // A customer outside the partner organizations gets no partner portal at all.
        let ann = desk.customer("ann@client.test", json!({})).await;
        assert!(ann.get("/api/v1/objects/lead/records").await.status().is_client_error());
        assert!(ann.get("/api/v1/partner-program").await.status().is_client_error());
        let (_, home) = ann.get_text("/").await;
        assert!(!home.contains("/partner-program"), "{home}");
        // Partners cannot write what the program computes.
        let response = sam
            .client
            .patch(sam.url(&format!("/api/v1/objects/partnership/records/{partnership_id}")))
            .json(&json!({ "version": 3, "data": { "points": 1000 } }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(partnership(&desk, &partnership_id).await["data"]["points"], 0);
    }
}
