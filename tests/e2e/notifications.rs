//! The bell and the feed: replies, mentions and followed records reach the people they concern,
//! under their bell and by e-mail as they chose; nobody sees a notification, a feed or a person
//! to mention about a record they may not read, nor anything of another tenant; refused input
//! changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{put, role_named},
    harness::{Browser, TestApp, error_code, location, on_both_databases},
    support::{Desk, open_case, standard_terms},
};

/// The caller's notifications, newest first.
pub async fn notifications_of(who: &Browser) -> Vec<Value> {
    let response = who.get("/api/v1/notifications").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["data"].as_array().unwrap().clone()
}

async fn unread(who: &Browser) -> i64 {
    let response = who.get("/api/v1/notifications/unread").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["count"].as_i64().unwrap()
}

async fn reply(who: &Browser, case: &str, body: &str) {
    let response = who
        .post_json(
            &format!("/api/v1/cases/{case}/messages"),
            &json!({ "body": body }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// How many messages the outbox holds for `address`.
async fn mails_to(admin: &Browser, address: &str) -> usize {
    let (_, mailbox) = admin.get_text("/console/mail").await;
    mailbox.matches(&format!("&lt;{address}&gt;")).count()
}

/// Has the jobs tell followers the news the last writes queued, in two passes at once as two
/// nodes would (the server's own worker may have done it already: once this returns, it is
/// done either way, and each follower is told once).
async fn tell_followers(app: &TestApp) {
    let (a, b) = tokio::join!(
        portico::jobs::run_due(&app.app),
        portico::jobs::run_due(&app.app)
    );
    a.unwrap();
    b.unwrap();
}

async fn user_id(admin: &Browser, login: &str) -> String {
    let page: Value = admin
        .get(&format!("/api/v1/users?q={login}"))
        .await
        .json()
        .await
        .unwrap();
    page["data"][0]["id"].as_str().unwrap().to_owned()
}

on_both_databases! {
    async fn the_bell_counts_replies_as_each_user_chose_and_only_about_what_they_may_read(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let bob = desk.customer("bob@client.test", json!({})).await;
        let (status, created) = open_case(&ann, json!({ "service": service, "subject": "Jammed tray", "description": "Broken" })).await;
        assert_eq!(status, StatusCode::CREATED);
        let case = created["id"].as_str().unwrap().to_owned();
        assert_eq!(unread(&ann).await, 0);

        // Support replies: Ann's bell counts it, and (as every new user) she is told by e-mail.
        let mails_before = mails_to(&desk.admin, "ann@client.test").await;
        reply(&desk.admin, &case, "Please try the new driver.").await;
        assert_eq!(unread(&ann).await, 1);
        let told = notifications_of(&ann).await;
        assert_eq!(told.len(), 1);
        assert_eq!(told[0]["kind"], "reply");
        assert_eq!(told[0]["path"], format!("/cases/{case}"));
        assert_eq!(told[0]["title"], "Jammed tray");
        assert_eq!(told[0]["excerpt"], "Please try the new driver.");
        assert_eq!(told[0]["read"], false);
        assert_eq!(mails_to(&desk.admin, "ann@client.test").await, mails_before + 1);
        let (_, bell) = ann.get_text("/notifications/bell").await;
        assert!(bell.contains(">1<"), "{bell}");
        let (_, page) = ann.get_text("/notifications").await;
        assert!(page.contains("replied on") && page.contains("Jammed tray"), "{page}");
        // Nobody else hears of it.
        assert!(notifications_of(&bob).await.is_empty());
        assert!(notifications_of(&desk.admin).await.is_empty(), "nobody is told of their own reply");

        // Ann wants replies under the bell only: the next reply is counted, not e-mailed.
        let response = ann.put_json("/api/v1/notifications/settings", &json!({ "data": [{ "kind": "reply", "email": false }] })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let settings: Value = ann.get("/api/v1/notifications/settings").await.json().await.unwrap();
        assert_eq!(settings["data"][0], json!({ "kind": "reply", "email": false }));
        assert_eq!(settings["data"][3], json!({ "kind": "mention", "email": true }));
        reply(&desk.admin, &case, "Any luck?").await;
        assert_eq!(unread(&ann).await, 2);
        assert_eq!(mails_to(&desk.admin, "ann@client.test").await, mails_before + 1);
        // A setting that is no kind is refused and changes nothing.
        let response = ann.put_json("/api/v1/notifications/settings", &json!({ "data": [{ "kind": "everything", "email": true }] })).await;
        assert!(response.status().is_client_error());
        let again: Value = ann.get("/api/v1/notifications/settings").await.json().await.unwrap();
        assert_eq!(again, settings);

        // Opening one marks it read and goes to the case; someone else's is not found.
        let newest = notifications_of(&ann).await[0]["id"].as_str().unwrap().to_owned();
        let response = bob.get(&format!("/notifications/{newest}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = ann.get(&format!("/notifications/{newest}")).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), format!("/cases/{case}"));
        assert_eq!(unread(&ann).await, 1);
        // Bob cannot mark Ann's read, nor send too many at once.
        let response = bob.post_json("/api/v1/notifications/read", &json!({})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(unread(&ann).await, 1);
        let many: Vec<String> = (0..201).map(|i| format!("n{i}")).collect();
        let (status, _) = error_code(ann.post_json("/api/v1/notifications/read", &json!({ "ids": many })).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(unread(&ann).await, 1);
        // "Mark all as read" from the page.
        let response = ann.submit_form("/notifications", "/notifications/read", &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(unread(&ann).await, 0);
        let (_, bell) = ann.get_text("/notifications/bell").await;
        assert!(!bell.contains("count"), "{bell}");

        // The customer answers: the case's assignee hears of it.
        let admin_id = user_id(&desk.admin, "admin").await;
        let response = desk.admin.post_json(&format!("/api/v1/cases/{case}/assignee"), &json!({ "assignee": admin_id })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        reply(&ann, &case, "It works now, thanks.").await;
        let told = notifications_of(&desk.admin).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!((told[0]["kind"].as_str(), told[0]["path"].as_str()), (Some("reply"), Some(format!("/console/cases/{case}").as_str())));

        // Once Ann may no longer read cases (the tenant took portal users' right away), their
        // notifications are hidden from her list, her bell and her links.
        reply(&desk.admin, &case, "Closing this soon.").await;
        assert_eq!(unread(&ann).await, 1);
        let external = role_named(&desk.admin, "All external users").await;
        put(&desk.admin, "/api/v1/access/objects/case/grants", json!({ "operation": "read", "grantee": external, "granted": false })).await;
        assert_eq!(ann.get(&format!("/api/v1/cases/{case}")).await.status(), StatusCode::FORBIDDEN);
        assert!(notifications_of(&ann).await.is_empty());
        assert_eq!(unread(&ann).await, 0);
        let (_, page) = ann.get_text("/notifications").await;
        assert!(!page.contains("Jammed tray"), "{page}");
        assert_eq!(ann.get(&format!("/notifications/{newest}")).await.status(), StatusCode::NOT_FOUND);

        // Another tenant's user sees none of it.
        let globex = Desk::open(&app, "globex").await;
        assert!(notifications_of(&globex.admin).await.is_empty());
        let response = globex.admin.get(&format!("/console/notifications/{newest}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}

on_both_databases! {
    async fn comments_tell_the_people_they_mention_and_the_records_followers(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let bob = desk.customer("bob@client.test", json!({})).await;
        let (_, created) = open_case(&ann, json!({ "service": service, "subject": "Toner", "description": "Empty" })).await;
        let case = created["id"].as_str().unwrap().to_owned();
        let feed_of = format!("/api/v1/objects/case/records/{case}");

        // People to mention: those who may read the case. Bob may not; Ann may.
        let found: Value = desk.admin.get(&format!("{feed_of}/mentionable?q=client")).await.json().await.unwrap();
        let logins: Vec<&str> = found["data"].as_array().unwrap().iter().map(|p| p["login"].as_str().unwrap()).collect();
        assert_eq!(logins, ["ann@client.test"]);
        // A customer in no organization may mention nobody (and learns of nobody).
        let found: Value = ann.get(&format!("{feed_of}/mentionable?q=admin")).await.json().await.unwrap();
        assert_eq!(found["data"], json!([]));

        // Support comments, mentioning Ann and Bob: Ann is told (and by e-mail), Bob is not.
        let mails_before = mails_to(&desk.admin, "ann@client.test").await;
        let response = desk.admin.post_json(&format!("{feed_of}/comments"), &json!({ "body": "Ordered a new one, @ann@client.test and @bob@client.test." })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let told = notifications_of(&ann).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0]["kind"], "mention");
        assert_eq!(mails_to(&desk.admin, "ann@client.test").await, mails_before + 1);
        assert!(notifications_of(&bob).await.is_empty());
        assert_eq!(mails_to(&desk.admin, "bob@client.test").await, 0);

        // The feed, as Ann reads it; she likes the comment and answers on the case page.
        let feed: Value = ann.get(&format!("{feed_of}/feed")).await.json().await.unwrap();
        assert_eq!(feed["comments"].as_array().unwrap().len(), 1);
        assert_eq!((feed["can_comment"].as_bool(), feed["following"].as_bool()), (Some(true), Some(false)));
        let comment = feed["comments"][0]["id"].as_str().unwrap().to_owned();
        let response = ann.put_json(&format!("{feed_of}/comments/{comment}/likes"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let page = format!("/cases/{case}");
        let (_, html) = ann.get_text(&page).await;
        assert!(html.contains("id=\"feed\"") && html.contains("Ordered a new one"), "{html}");
        let response = ann.submit_form(&page, &format!("/records/case/{case}/comments"), &[("body", "Thank you!")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&response), format!("/cases/{case}#feed"));
        // Support follows the case since commenting: the news reaches its bell, once the
        // comment's write has committed.
        tell_followers(&app).await;
        let told = notifications_of(&desk.admin).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!((told[0]["kind"].as_str(), told[0]["excerpt"].as_str()), (Some("activity"), Some("Thank you!")));
        let feed: Value = desk.admin.get(&format!("{feed_of}/feed")).await.json().await.unwrap();
        assert_eq!(feed["comments"][0]["likes"], 1);
        assert_eq!(feed["following"], true);
        assert_eq!(feed["comments"][1]["mine"], false);

        // Ann follows too (she commented); once she stops, support's next comment is not hers to hear.
        let feed: Value = ann.get(&format!("{feed_of}/feed")).await.json().await.unwrap();
        assert_eq!(feed["following"], true);
        let response = ann.submit_form(&page, &format!("/records/case/{case}/follow"), &[("on", "false")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let before = notifications_of(&ann).await.len();
        desk.admin.post_json(&format!("{feed_of}/comments"), &json!({ "body": "Delivered." })).await;
        tell_followers(&app).await;
        assert_eq!(notifications_of(&ann).await.len(), before);

        // A follower who may no longer read the case hears nothing more of it: Bob, shared the
        // case for a while, follows it; once it is no longer shared, support's comment passes him.
        let me: Value = bob.get("/api/v1/me").await.json().await.unwrap();
        let bob_id = me["id"].as_str().unwrap().to_owned();
        let response = desk.admin.post_json(&format!("{feed_of}/rights"), &json!({ "grantee": bob_id, "level": "read" })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(bob.put_json(&format!("{feed_of}/follow"), &json!({})).await.status(), StatusCode::NO_CONTENT);
        desk.admin.post_json(&format!("{feed_of}/comments"), &json!({ "body": "Shipping today." })).await;
        tell_followers(&app).await;
        assert_eq!(notifications_of(&bob).await.len(), 1, "told while he may read it");
        assert_eq!(desk.admin.delete(&format!("{feed_of}/rights/{bob_id}")).await.status(), StatusCode::NO_CONTENT);
        desk.admin.post_json(&format!("{feed_of}/comments"), &json!({ "body": "Shipped." })).await;
        tell_followers(&app).await;
        let unread: Value = bob.get("/api/v1/notifications/unread").await.json().await.unwrap();
        assert_eq!(unread["count"], 0, "{unread}");
        // Shared again, he finds only what he was told while he could read it.
        let response = desk.admin.post_json(&format!("{feed_of}/rights"), &json!({ "grantee": bob_id, "level": "read" })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let told = notifications_of(&bob).await;
        assert_eq!(told.iter().map(|n| n["excerpt"].as_str().unwrap()).collect::<Vec<_>>(), ["Shipping today."]);
        assert_eq!(desk.admin.delete(&format!("{feed_of}/rights/{bob_id}")).await.status(), StatusCode::NO_CONTENT);

        // Refused: empty or too long comments, someone else's comment, a record one may not
        // read, another tenant's record; none changes the feed.
        let comments_now = |who: &Browser| {
            let who = who.clone();
            let url = format!("{feed_of}/feed");
            async move { who.get(&url).await.json::<Value>().await.unwrap()["comments"].as_array().unwrap().len() }
        };
        let before = comments_now(&desk.admin).await;
        for body in ["  ", &"x".repeat(5001)] {
            let (status, _) = error_code(ann.post_json(&format!("{feed_of}/comments"), &json!({ "body": body })).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let response = ann.patch_json(&format!("{feed_of}/comments/{comment}"), &json!({ "body": "Defaced" })).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(bob.post_json(&format!("{feed_of}/comments"), &json!({ "body": "Hi" })).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(bob.get(&format!("{feed_of}/feed")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(bob.put_json(&format!("{feed_of}/follow"), &json!({})).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(bob.get(&format!("{feed_of}/mentionable?q=ann")).await.status(), StatusCode::NOT_FOUND);
        let globex = Desk::open(&app, "globex").await;
        assert_eq!(globex.admin.post_json(&format!("{feed_of}/comments"), &json!({ "body": "Hi" })).await.status(), StatusCode::NOT_FOUND);
        let forged = ann.client.post(ann.url(&format!("/records/case/{case}/comments"))).form(&[("body", "forged")]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert_eq!(comments_now(&desk.admin).await, before);
        let feed: Value = desk.admin.get(&format!("{feed_of}/feed")).await.json().await.unwrap();
        assert_eq!(feed["comments"][0]["body"], "Ordered a new one, @ann@client.test and @bob@client.test.");

        // One's own comment changes and goes.
        let response = desk.admin.patch_json(&format!("{feed_of}/comments/{comment}"), &json!({ "body": "Ordered." })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let response = desk.admin.delete(&format!("{feed_of}/comments/{comment}")).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(comments_now(&desk.admin).await, before - 1);
    }
}

on_both_databases! {
    async fn notifications_read_long_ago_are_forgotten(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let (service, _) = standard_terms(&desk).await;
        let ann = desk.customer("ann@client.test", json!({})).await;
        let (_, created) = open_case(&ann, json!({ "service": service, "subject": "Old", "description": "Broken" })).await;
        let case = created["id"].as_str().unwrap().to_owned();
        reply(&desk.admin, &case, "First answer.").await;
        let response = ann.post_json("/api/v1/notifications/read", &json!({})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(notifications_of(&ann).await.len(), 1, "read, and still listed");

        // Ninety-one days on (everyone signs in again), reading forgets what was read long ago.
        app.clock.advance(chrono::Duration::days(91));
        let admin = desk.tenant.admin_browser().await;
        let ann = desk.tenant.browser();
        ann.sign_in_api(&crate::harness::Login::new("ann@client.test", "customer password 1")).await;
        reply(&admin, &case, "Second answer.").await;
        assert_eq!(notifications_of(&ann).await.len(), 2);
        ann.post_json("/api/v1/notifications/read", &json!({})).await;
        let kept = notifications_of(&ann).await;
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(kept[0]["excerpt"], "Second answer.");
    }
}
