//! The partner portal: one partnership per partner, a program of tiers whose progress follows
//! the partner's own leads and won opportunities, and partners who never see each other's work.

use portico::clock::Clock;
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
        // Something Portico cannot count, agreed with the partner: it earns nothing here.
        if name == "Silver" {
            desk.create("tier_parameter", json!({ "tier": tier, "category": margin, "kind": "Obligation", "target": 0, "points": 0 }))
                .await;
        }
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
        portico::jobs::run_due(&app.app).await.unwrap();
        let (status, page) = sam.get_text("/partner-program").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("No level yet"), "{page}");
        assert!(page.contains("Conditions for Bronze"), "{page}");

        // Two leads fulfil Bronze's first obligation: 40 points.
        let first = create_as(&sam, "lead", json!({ "company": "Prospect One", "budget": 900 })).await;
        assert_eq!(first["data"]["status"], "new");
        create_as(&sam, "lead", json!({ "company": "Prospect Two" })).await;
        // Recalculated by the jobs once the save committed: by one of two nodes' passes, once.
        let (a, b) = tokio::join!(portico::jobs::run_due(&app.app), portico::jobs::run_due(&app.app));
        assert!(a.unwrap() + b.unwrap() <= 1);
        let now = partnership(&desk, &partnership_id).await;
        assert_eq!((now["data"]["points"].as_i64(), now["data"].get("tier")), (Some(40), None), "{now}");
        let history: Value = desk.admin.get(&format!("/api/v1/objects/partnership_change/records?filter=partnership:eq:{partnership_id}")).await.json().await.unwrap();
        assert_eq!(history["data"].as_array().unwrap().len(), 1, "{history}");

        // Winning 1,500 fulfils the second: Bronze reached, points start again toward Silver.
        let deal = create_as(&sam, "opportunity", json!({ "title": "Rollout", "prospect": "Prospect One", "amount": 1500 })).await;
        assert_eq!(act(&sam, "opportunity", &id(&deal), "win").await, StatusCode::OK);
        portico::jobs::run_due(&app.app).await.unwrap();
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
        portico::jobs::run_due(&app.app).await.unwrap();
        let (_, page) = sam.get_text("/partner-program").await;
        assert!(page.contains("Bronze") && page.contains("10%"), "{page}");
        assert!(page.contains("Conditions for Silver"), "{page}");
        let silver = &page[page.find("Conditions for Silver").unwrap()..];
        assert!(silver.contains("not counted from your records") && !silver.contains("Fulfilled"), "{silver}");
        assert!(page.contains("Moved up from"), "{page}");
        portico::jobs::run_due(&app.app).await.unwrap();
        let (_, home) = sam.get_text("/").await;
        assert!(home.contains("id=\"partner-program\""), "{home}");
        // Its analytics, drawn on the server, count its own work.
        assert!(home.contains("aria-label=\"Leads: New: 2, Offered to a partner: 0, Accepted by the partner: 0, Qualified: 0, Converted: 0, Disqualified: 0\""), "{home}");
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
        portico::jobs::run_due(&app.app).await.unwrap();
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
        portico::jobs::run_due(&app.app).await.unwrap();
        let (_, page) = otto.get_text("/partner-program").await;
        assert!(page.contains("No level yet") && !page.contains("Moved up"), "{page}");
        portico::jobs::run_due(&app.app).await.unwrap();
        let (_, home) = otto.get_text("/").await;
        assert!(home.contains("aria-label=\"Leads: New: 0, Offered to a partner: 0"), "{home}");
        portico::jobs::run_due(&app.app).await.unwrap();
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
        portico::jobs::run_due(&app.app).await.unwrap();
        assert!(ann.get("/api/v1/partner-program").await.status().is_client_error());
        portico::jobs::run_due(&app.app).await.unwrap();
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
        portico::jobs::run_due(&app.app).await.unwrap();
        assert_eq!(partnership(&desk, &partnership_id).await["data"]["points"], 0);

        // A program changed later counts on demand: Silver now asks for 2 leads, which the
        // partner has; an employee recalculates, the partner cannot.
        let parameters: Value = desk.admin.get("/api/v1/objects/tier_parameter/records?filter=target:eq:4").await.json().await.unwrap();
        let silver_leads = &parameters["data"][0];
        let path = format!("/api/v1/objects/tier_parameter/records/{}", id(silver_leads));
        let response = desk.admin.patch_json(&path, &json!({ "version": silver_leads["version"], "data": { "target": 2 } })).await;
        assert_eq!(response.status(), StatusCode::OK);
        portico::jobs::run_due(&app.app).await.unwrap();
        assert_eq!(partnership(&desk, &partnership_id).await["data"]["points"], 0);
        assert!(act(&sam, "partnership", &partnership_id, "recalculate").await.is_client_error());
        assert_eq!(act(&desk.admin, "partnership", &partnership_id, "recalculate").await, StatusCode::OK);
        portico::jobs::run_due(&app.app).await.unwrap();
        let now = partnership(&desk, &partnership_id).await;
        assert_eq!(now["data"]["points"], 40, "{now}");
        assert!(now["data"]["recalculated_at"].is_string(), "{now}");
        // The points' history is drawn for the partner.
        portico::jobs::run_due(&app.app).await.unwrap();
        let (_, page) = sam.get_text("/partner-program").await;
        let prefix = "aria-label=\"Points after each change: ";
        let chart = &page[page.find(prefix).expect("the points chart") + prefix.len()..];
        let label = &chart[..chart.find('"').unwrap()];
        assert!(label.ends_with(": 40"), "{label}");

        // Nobody calls the jobs here: the save's commit wakes this node's worker, long before
        // its next pass (every 30 s).
        let before = partnership(&desk, &partnership_id).await["data"]["leads"].as_i64().unwrap();
        create_as(&sam, "lead", json!({ "company": "Prospect Woken" })).await;
        let mut counted = None;
        for _ in 0..100 {
            counted = partnership(&desk, &partnership_id).await["data"]["leads"].as_i64();
            if counted == Some(before + 1) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(counted, Some(before + 1));
    }
}

async fn act_saying(
    who: &Browser,
    object: &str,
    record: &str,
    action: &str,
    comment: &str,
) -> StatusCode {
    who.post_json(
        &format!("/api/v1/objects/{object}/records/{record}/actions/{action}"),
        &json!({ "comment": comment }),
    )
    .await
    .status()
}

async fn record_as(who: &Browser, object: &str, id: &str) -> (StatusCode, Value) {
    let response = who
        .get(&format!("/api/v1/objects/{object}/records/{id}"))
        .await;
    let status = response.status();
    (status, response.json().await.unwrap_or_default())
}

on_both_databases! {
    async fn deal_registrations_are_decided_by_employees_and_conflicts_stay_hidden(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        run_partner_configuration(&app, "acme").await;
        let (_, sam) = partner(&desk, "Channel Co", "sam@channel.test").await;
        let (_, otto) = partner(&desk, "Other Co", "otto@other.test").await;
        let now = app.clock.now();

        // A registration waits for an employee's decision within the service time (48 h).
        let first = create_as(&sam, "deal_registration", json!({ "prospect": "Acme GmbH", "website": "https://www.acme.com/", "amount": 20000 })).await;
        let first_id = id(&first);
        assert_eq!(first["data"]["status"], "review", "{first}");
        let due: portico::store::Timestamp = serde_json::from_value(first["data"]["decision_due"].clone()).unwrap();
        assert_eq!(due, now + chrono::Duration::hours(48));
        // The partner never sees how registrations are matched.
        for hidden in ["conflict", "conflicts_with", "match_name", "match_domain"] {
            assert!(first["data"].get(hidden).is_none(), "{hidden} shown to the partner: {first}");
        }
        // The same prospect twice from one partner is refused, with the earlier number.
        let response = sam.post_json("/api/v1/objects/deal_registration/records", &json!({ "data": { "prospect": "ACME, Inc." } })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused = response.text().await.unwrap();
        assert!(refused.contains("registered this prospect already") && refused.contains(first["number"].as_str().unwrap()), "{refused}");
        // Partners do not decide their own registrations.
        assert_eq!(act(&sam, "deal_registration", &first_id, "approve").await, StatusCode::FORBIDDEN);

        // Another partner claims the same company (by its mail domain): flagged for employees only.
        let second = create_as(&otto, "deal_registration", json!({ "prospect": "Acme Incorporated", "email": "buyer@acme.com" })).await;
        let second_id = id(&second);
        let (_, seen) = record_as(&otto, "deal_registration", &second_id).await;
        assert_eq!(seen["data"]["status"], "review");
        assert!(seen["data"].get("conflict").is_none() && !seen.to_string().contains("Channel Co"), "{seen}");
        let (status, page) = otto.get_text(&format!("/records/deal_registration/{second_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Under review") && !page.contains("Channel Co") && !page.contains("Conflict"), "{page}");
        // Neither sees the other's registration, nor can filter on the hidden column.
        assert_eq!(record_as(&otto, "deal_registration", &first_id).await.0, StatusCode::NOT_FOUND);
        assert_eq!(record_as(&sam, "deal_registration", &second_id).await.0, StatusCode::NOT_FOUND);
        let listed = otto.get("/api/v1/objects/deal_registration/records?filter=conflict:eq:true").await;
        let listed_status = listed.status();
        let listed: Value = listed.json().await.unwrap();
        assert!(listed_status.is_client_error() || listed["data"].as_array().unwrap().is_empty(), "{listed}");
        let (_, flagged) = record_as(&desk.admin, "deal_registration", &second_id).await;
        assert_eq!(flagged["data"]["conflict"], true, "{flagged}");
        let claim = flagged["data"]["conflicts_with"].as_str().unwrap();
        assert!(claim.contains(first["number"].as_str().unwrap()) && claim.contains("Channel Co"), "{claim}");
        let (_, untouched) = record_as(&desk.admin, "deal_registration", &first_id).await;
        assert_eq!(untouched["data"]["conflict"], false, "{untouched}");

        // The channel managers (the tenant's administrators) are asked to decide each one.
        let asked = crate::notifications::notifications_of(&desk.admin).await;
        let asked: Vec<&Value> = asked.iter().filter(|n| n["kind"] == "approval" && n["object"] == "deal_registration").collect();
        assert_eq!(asked.len(), 2, "{asked:?}");

        // The console lists both, the most urgent first, the conflict named.
        let channel: Value = desk.admin.get("/api/v1/partner-channel").await.json().await.unwrap();
        let waiting = channel["data"]["waiting"].as_array().unwrap();
        assert_eq!(waiting.len(), 2, "{channel}");
        assert_eq!(waiting[0]["partner"], "Channel Co");
        assert!(waiting[1]["conflicts_with"].as_str().unwrap().contains("Channel Co"), "{channel}");
        assert_eq!(sam.get("/api/v1/partner-channel").await.status(), StatusCode::FORBIDDEN);
        let (status, page) = desk.admin.get_text("/console/partners").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Acme Incorporated") && page.contains("Other Co"), "{page}");

        // Approval protects the deal for 90 days and opens the partner's opportunity.
        let response = desk.admin.post_json(&format!("/api/v1/objects/deal_registration/records/{first_id}/actions/approve"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let answered: Value = response.json().await.unwrap();
        let (_, approved) = record_as(&sam, "deal_registration", &first_id).await;
        // The answer is the record as it now is, with the opportunity it opened.
        assert_eq!((&answered["version"], &answered["data"]["opportunity"]), (&approved["version"], &approved["data"]["opportunity"]));
        assert_eq!(approved["data"]["status"], "approved");
        let protected = (now.0.date_naive() + chrono::Duration::days(90)).to_string();
        assert_eq!(approved["data"]["protected_until"], protected.as_str());
        let opportunity = approved["data"]["opportunity"].as_str().unwrap().to_owned();
        let (status, deal) = record_as(&sam, "opportunity", &opportunity).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((deal["data"]["title"].as_str(), deal["data"]["amount"].as_f64()), (Some("Acme GmbH"), Some(20000.0)), "{deal}");
        assert_eq!(deal["data"]["registration"], first_id.as_str());
        assert_eq!(act(&sam, "opportunity", &opportunity, "negotiate").await, StatusCode::OK);
        assert_eq!(record_as(&otto, "opportunity", &opportunity).await.0, StatusCode::NOT_FOUND);

        // A rejection says why; while the deal is protected, another claim is still a conflict.
        assert_eq!(act(&desk.admin, "deal_registration", &second_id, "reject").await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(act_saying(&desk.admin, "deal_registration", &second_id, "reject", "Channel Co registered it first").await, StatusCode::OK);
        let (_, rejected) = record_as(&otto, "deal_registration", &second_id).await;
        assert_eq!(rejected["data"]["status"], "rejected");
        // Each partner hears of the decision on its own registration, with the reason.
        let told = crate::notifications::notifications_of(&otto).await;
        assert_eq!((told[0]["kind"].as_str(), told[0]["excerpt"].as_str()), (Some("decision"), Some("Channel Co registered it first")), "{told:?}");
        let told = crate::notifications::notifications_of(&sam).await;
        assert!(told.iter().any(|n| n["kind"] == "decision" && n["record_id"] == first_id.as_str()), "{told:?}");
        let third = create_as(&otto, "deal_registration", json!({ "prospect": "acme" })).await;
        let (_, third) = record_as(&desk.admin, "deal_registration", &id(&third)).await;
        assert_eq!(third["data"]["conflict"], true, "{third}");
        // A company not claimed by anyone is no conflict.
        let fresh = create_as(&otto, "deal_registration", json!({ "prospect": "Globex", "website": "https://globex.example" })).await;
        let (_, fresh) = record_as(&desk.admin, "deal_registration", &id(&fresh)).await;
        assert_eq!(fresh["data"]["conflict"], false, "{fresh}");

        // The channel's time limits: managers only, each within its range.
        let limits = json!({ "deal_review_hours": 24, "deal_protection_days": 30, "lead_offer_hours": 12 });
        assert_eq!(sam.put_json("/api/v1/partner-settings", &limits).await.status(), StatusCode::FORBIDDEN);
        let response = desk.admin.put_json("/api/v1/partner-settings", &json!({ "deal_review_hours": 0, "deal_protection_days": 30, "lead_offer_hours": 12 })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("from 1 to 720"));
        let unchanged: Value = desk.admin.get("/api/v1/partner-settings").await.json().await.unwrap();
        assert_eq!(unchanged["deal_review_hours"], 48);
        assert_eq!(desk.admin.put_json("/api/v1/partner-settings", &limits).await.status(), StatusCode::OK);
        let later = create_as(&sam, "deal_registration", json!({ "prospect": "Initech" })).await;
        let due: portico::store::Timestamp = serde_json::from_value(later["data"]["decision_due"].clone()).unwrap();
        assert_eq!(due, now + chrono::Duration::hours(24));
    }
}

on_both_databases! {
    async fn leads_offered_to_a_partner_return_to_the_pool_when_unanswered(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        run_partner_configuration(&app, "acme").await;
        let (channel, sam) = partner(&desk, "Channel Co", "sam@channel.test").await;
        let (_, otto) = partner(&desk, "Other Co", "otto@other.test").await;
        let customer = id(&desk.create("account", json!({ "name": "Client Co", "type": "Customer" })).await);

        // A lead of the pool: no partner sees it.
        let lead = desk.create("lead", json!({ "company": "Pool Prospect", "budget": 5000 })).await;
        let lead_id = id(&lead);
        assert_eq!(record_as(&sam, "lead", &lead_id).await.0, StatusCode::NOT_FOUND);
        // Offering needs a partner; a customer's account is none.
        assert_eq!(act(&desk.admin, "lead", &lead_id, "offer").await, StatusCode::UNPROCESSABLE_ENTITY);
        let path = format!("/api/v1/objects/lead/records/{lead_id}");
        let version = lead["version"].as_i64().unwrap();
        let response = desk.admin.patch_json(&path, &json!({ "version": version, "data": { "partner": customer } })).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(act(&desk.admin, "lead", &lead_id, "offer").await, StatusCode::UNPROCESSABLE_ENTITY);
        let version = response.json::<Value>().await.unwrap()["version"].as_i64().unwrap();
        let response = desk.admin.patch_json(&path, &json!({ "version": version, "data": { "partner": channel } })).await;
        assert_eq!(response.status(), StatusCode::OK);
        // Partners cannot offer leads, even their own organization's.
        assert_eq!(act(&sam, "lead", &lead_id, "offer").await, StatusCode::NOT_FOUND);
        assert_eq!(act(&desk.admin, "lead", &lead_id, "offer").await, StatusCode::OK);

        // Offered: the partner's people are asked, and see it with the time to answer by (72 h);
        // the other partner does not.
        let asked = crate::notifications::notifications_of(&sam).await;
        assert_eq!((asked[0]["kind"].as_str(), asked[0]["object"].as_str()), (Some("approval"), Some("lead")), "{asked:?}");
        assert!(crate::notifications::notifications_of(&otto).await.is_empty());
        let (status, offered) = record_as(&sam, "lead", &lead_id).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(offered["data"]["status"], "offered");
        let answer_by: portico::store::Timestamp = serde_json::from_value(offered["data"]["offer_expires"].clone()).unwrap();
        assert_eq!(answer_by, app.clock.now() + chrono::Duration::hours(72));
        assert_eq!(record_as(&otto, "lead", &lead_id).await.0, StatusCode::NOT_FOUND);
        assert_eq!(act(&otto, "lead", &lead_id, "accept").await, StatusCode::NOT_FOUND);
        // The partner may not re-address the offer (a column partners do not see).
        let version = offered["version"].as_i64().unwrap();
        let response = sam.patch_json(&path, &json!({ "version": version, "data": { "partner": customer } })).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        // Employees answer for nobody.
        assert_eq!(act(&desk.admin, "lead", &lead_id, "accept").await, StatusCode::FORBIDDEN);
        // Nothing happens before the time is up.
        app.clock.advance(chrono::Duration::hours(71));
        portico::jobs::run_due(&app.app).await.unwrap();
        assert_eq!(record_as(&sam, "lead", &lead_id).await.1["data"]["status"], "offered");

        // Unanswered: two nodes' jobs at once return it to the pool, once.
        app.clock.advance(chrono::Duration::hours(2));
        // (A pass may also do the work the return queued, so their counts do not tell; the
        // history below holds one return.)
        let (a, b) = tokio::join!(portico::jobs::run_due(&app.app), portico::jobs::run_due(&app.app));
        assert!(a.unwrap() + b.unwrap() >= 1);
        let (_, back) = record_as(&desk.admin, "lead", &lead_id).await;
        assert_eq!(back["data"]["status"], "new", "{back}");
        assert!(back["data"].get("partner").is_none() && back["data"].get("offer_expires").is_none(), "{back}");
        assert_eq!(record_as(&sam, "lead", &lead_id).await.0, StatusCode::NOT_FOUND);
        let history: Value = desk.admin.get(&format!("/api/v1/objects/lead/records/{lead_id}/history")).await.json().await.unwrap();
        let returns: Vec<&Value> = history["data"].as_array().unwrap().iter().filter(|e| e["action"] == "take_back").collect();
        assert_eq!(returns.len(), 1, "{history}");
        assert!(returns[0]["comment"].as_str().unwrap().contains("back in the pool"), "{history}");

        // Offered again, declined with a reason: back in the pool at once.
        let version = back["version"].as_i64().unwrap();
        desk.admin.patch_json(&path, &json!({ "version": version, "data": { "partner": channel } })).await;
        assert_eq!(act(&desk.admin, "lead", &lead_id, "offer").await, StatusCode::OK);
        assert_eq!(act(&sam, "lead", &lead_id, "decline").await, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(act_saying(&sam, "lead", &lead_id, "decline", "Not our region").await, StatusCode::OK);
        assert_eq!(record_as(&sam, "lead", &lead_id).await.0, StatusCode::NOT_FOUND);

        // Offered and accepted: the partner works it, and the clock no longer matters.
        let (_, back) = record_as(&desk.admin, "lead", &lead_id).await;
        let version = back["version"].as_i64().unwrap();
        desk.admin.patch_json(&path, &json!({ "version": version, "data": { "partner": channel } })).await;
        assert_eq!(act(&desk.admin, "lead", &lead_id, "offer").await, StatusCode::OK);
        assert_eq!(act(&sam, "lead", &lead_id, "accept").await, StatusCode::OK);
        app.clock.advance(chrono::Duration::hours(100));
        portico::jobs::run_due(&app.app).await.unwrap();
        let (_, accepted) = record_as(&sam, "lead", &lead_id).await;
        assert_eq!(accepted["data"]["status"], "accepted", "{accepted}");
        assert_eq!(act(&sam, "lead", &lead_id, "qualify").await, StatusCode::OK);
        // A partner's own lead is not the pool's to offer.
        let own = create_as(&sam, "lead", json!({ "company": "Own Prospect" })).await;
        assert_eq!(act(&desk.admin, "lead", &id(&own), "offer").await, StatusCode::CONFLICT);
    }
}

/// The id of the role named `name` anywhere in the role trees.
async fn role_named(admin: &Browser, name: &str) -> String {
    fn find(node: &Value, name: &str) -> Option<String> {
        if node["name"] == name {
            return node["id"].as_str().map(str::to_owned);
        }
        match node {
            Value::Array(items) => items.iter().find_map(|n| find(n, name)),
            Value::Object(fields) => fields.values().find_map(|n| find(n, name)),
            _ => None,
        }
    }
    let tree: Value = admin.get("/api/v1/roles").await.json().await.unwrap();
    find(&tree, name).unwrap_or_else(|| panic!("no role {name}: {tree}"))
}

on_both_databases! {
    async fn partners_place_orders_and_record_what_they_learn_of_competitors(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        run_partner_configuration(&app, "acme").await;
        let (_, sam) = partner(&desk, "Channel Co", "sam@channel.test").await;
        let (_, otto) = partner(&desk, "Other Co", "otto@other.test").await;

        // An order's lines make its total: quantity at unit price less discount, in cents.
        let order = create_as(&sam, "sales_order", json!({ "customer": "Blue Harbor Foods" })).await;
        let order_id = id(&order);
        assert_eq!(order["data"]["status"], "draft");
        let line = |product: &str, quantity: f64, price: f64, discount: f64| {
            json!({ "order": order_id, "product": product, "quantity": quantity, "unit_price": price, "discount": discount })
        };
        let licences = create_as(&sam, "sales_order_line", line("Licences", 10.0, 100.0, 15.0)).await;
        assert_eq!(licences["data"]["amount"].as_f64(), Some(850.0), "{licences}");
        let setup = create_as(&sam, "sales_order_line", line("Setup", 1.0, 499.99, 0.0)).await;
        let total = |order: Value| order["data"]["total"].as_f64();
        assert_eq!(total(record_as(&sam, "sales_order", &order_id).await.1), Some(1349.99));
        // The amount is the rule's, not the partner's to write.
        let response = sam.post_json("/api/v1/objects/sales_order_line/records", &json!({ "data": { "order": order_id, "product": "Free", "quantity": 1, "unit_price": 10, "amount": 0 } })).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(sam.delete(&format!("/api/v1/objects/sales_order_line/records/{}", id(&setup))).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(total(record_as(&sam, "sales_order", &order_id).await.1), Some(850.0));
        // Another partner neither sees the order nor adds to it.
        assert_eq!(record_as(&otto, "sales_order", &order_id).await.0, StatusCode::NOT_FOUND);
        let response = otto.post_json("/api/v1/objects/sales_order_line/records", &json!({ "data": line("Sneaked", 1.0, 1.0, 0.0) })).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(total(record_as(&desk.admin, "sales_order", &order_id).await.1), Some(850.0));

        // Submitted, the order is fixed; employees confirm it.
        assert_eq!(act(&sam, "sales_order", &order_id, "submit").await, StatusCode::OK);
        let response = sam.post_json("/api/v1/objects/sales_order_line/records", &json!({ "data": line("Late", 1.0, 1.0, 0.0) })).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(act(&sam, "sales_order", &order_id, "confirm").await, StatusCode::FORBIDDEN);
        assert_eq!(act(&desk.admin, "sales_order", &order_id, "confirm").await, StatusCode::OK);
        assert_eq!(record_as(&sam, "sales_order", &order_id).await.1["data"]["status"], "confirmed");

        // Sales documents and marketing activities are the partner's own too.
        let document = create_as(&sam, "partner_document", json!({ "title": "Signed contract", "kind": "Contract", "order": order_id })).await;
        assert_eq!(record_as(&otto, "partner_document", &id(&document)).await.0, StatusCode::NOT_FOUND);
        let webinar = create_as(&sam, "marketing_activity", json!({ "name": "Spring webinar", "kind": "Webinar", "budget": 2000 })).await;
        assert_eq!(webinar["data"]["status"], "planned");
        assert_eq!(act(&sam, "marketing_activity", &id(&webinar), "start").await, StatusCode::OK);
        assert_eq!(record_as(&otto, "marketing_activity", &id(&webinar)).await.0, StatusCode::NOT_FOUND);

        // Partners add the accounts they meet: competitors and their products, never a partner.
        let response = sam.post_json("/api/v1/objects/account/records", &json!({ "data": { "name": "Fake Partner", "type": "Partner" } })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("Partners may add customers"));
        let rival = create_as(&sam, "account", json!({ "name": "Rival Corp", "type": "Competitor" })).await;
        let rival_id = id(&rival);
        assert_eq!(record_as(&otto, "account", &rival_id).await.0, StatusCode::NOT_FOUND);
        let product = create_as(&sam, "competitor_product", json!({ "name": "RivalDesk", "maker": rival_id, "price": 99 })).await;
        let response = otto.post_json("/api/v1/objects/competitor_product/records", &json!({ "data": { "name": "Copy", "maker": rival_id } })).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        let deal = create_as(&sam, "opportunity", json!({ "title": "Helpdesk", "prospect": "Blue Harbor Foods", "amount": 12000 })).await;
        let met = create_as(&sam, "opportunity_competitor", json!({ "opportunity": id(&deal), "competitor": rival_id, "product": id(&product), "strengths": "Cheaper" })).await;
        let (_, seen) = record_as(&desk.admin, "opportunity_competitor", &id(&met)).await;
        assert_eq!(seen["data"]["strengths"], "Cheaper");

        // Column permissions apply to partner objects: amounts hidden from partner users.
        let partners_role = role_named(&desk.admin, "Partner portal users").await;
        let response = desk.admin.put_json("/api/v1/access/objects/opportunity/columns", &json!({ "field": "amount", "grantee": partners_role, "access": "hidden" })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let (_, hidden) = record_as(&sam, "opportunity", &id(&deal)).await;
        assert!(hidden["data"].get("amount").is_none() && hidden["data"]["title"] == "Helpdesk", "{hidden}");
        let response = sam.patch_json(&format!("/api/v1/objects/opportunity/records/{}", id(&deal)), &json!({ "version": hidden["version"], "data": { "amount": 1 } })).await;
        assert!(response.status().is_client_error(), "{}", response.status());
        assert_eq!(record_as(&desk.admin, "opportunity", &id(&deal)).await.1["data"]["amount"].as_f64(), Some(12000.0));
    }
}

on_both_databases! {
    async fn an_organization_joins_the_partner_portal_when_its_account_becomes_a_partner(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        run_partner_configuration(&app, "acme").await;
        // A customer's organization: its people have no partner portal.
        let account = desk.create("account", json!({ "name": "Client Co", "type": "Customer" })).await;
        let account_id = id(&account);
        let response = desk.admin.post_json("/api/v1/organizations", &json!({ "account": account_id })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let organization = id(&response.json::<Value>().await.unwrap());
        let response = desk.admin.post_json(&format!("/api/v1/organizations/{organization}/members"), &json!({ "emails": "cleo@client.test" })).await;
        let added: Value = response.json().await.unwrap();
        desk.tenant.browser().set_password(added["data"][0]["setup_link"].as_str().unwrap(), "customer password 1").await;
        let cleo = desk.tenant.browser();
        cleo.sign_in_portal(&crate::harness::Login::new("cleo@client.test", "customer password 1")).await;
        assert!(cleo.get("/api/v1/objects/lead/records").await.status().is_client_error());

        // An employee who may not manage portal users cannot make it a partner's: nothing moves.
        let (_, clerk_login) = desk.tenant.create_user(&desk.admin, "clerk@acme.test", "employee", "clerk password 1").await;
        let clerk = desk.tenant.browser();
        clerk.sign_in_console(&clerk_login).await;
        let path = format!("/api/v1/objects/account/records/{account_id}");
        let response = clerk.patch_json(&path, &json!({ "version": account["version"], "data": { "type": "Partner" } })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("manage portal users"));
        assert_eq!(record_as(&desk.admin, "account", &account_id).await.1["data"]["type"], "Customer");
        assert!(cleo.get("/api/v1/objects/lead/records").await.status().is_client_error());

        // An administrator can: the organization is now below "Partner portal users".
        let response = desk.admin.patch_json(&path, &json!({ "version": account["version"], "data": { "type": "Partner" } })).await;
        assert_eq!(response.status(), StatusCode::OK);
        let moved: Value = response.json().await.unwrap();
        assert_eq!(cleo.get("/api/v1/objects/lead/records").await.status(), StatusCode::OK);
        create_as(&cleo, "lead", json!({ "company": "First Prospect" })).await;
        // And back: a customer again, no partner portal.
        let response = desk.admin.patch_json(&path, &json!({ "version": moved["version"], "data": { "type": "Customer" } })).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(cleo.get("/api/v1/objects/lead/records").await.status().is_client_error());
    }
}
