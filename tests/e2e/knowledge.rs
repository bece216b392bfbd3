//! The knowledge base end to end: employees write and publish articles, customers search them
//! (stemming, a typo, highlighted snippets, type filter, permission-filtered counts), read them,
//! comment and like; popular articles; drafts stay invisible.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    access::{put, role_named},
    harness::{Browser, TestApp, location, on_both_databases},
    support::Desk,
};

async fn types(desk: &Desk) -> Vec<(String, String)> {
    let page: Value = desk
        .admin
        .get("/api/v1/objects/knowledge_type/records?limit=50")
        .await
        .json()
        .await
        .unwrap();
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["data"]["name"].as_str().unwrap().to_owned(),
                t["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn search(who: &Browser, query: &str) -> Value {
    let response = who
        .client
        .get(who.url("/api/v1/knowledge/search"))
        .query(&[("q", query)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "search {query}");
    response.json().await.unwrap()
}

fn titles(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_owned())
        .collect()
}

on_both_databases! {
    async fn customers_find_published_articles_with_stemming_typos_and_filters(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        // Every tenant starts with the three article types.
        let kinds = types(&desk).await;
        let names: Vec<&str> = kinds.iter().map(|(n, _)| n.as_str()).collect();
        for expected in ["FAQ", "Rules and regulations", "Templates"] {
            assert!(names.contains(&expected), "{names:?}");
        }
        let kind = |name: &str| kinds.iter().find(|(n, _)| n == name).unwrap().1.clone();
        let printers = desk.create("knowledge_article", json!({
            "title": "Configuring network printers", "type": kind("FAQ"), "state": "Published",
            "tags": "printer, network", "body": "Add the printer by its address. Printing to **several printers** works too.",
        })).await;
        desk.create("knowledge_article", json!({
            "title": "Expense policy", "type": kind("Rules and regulations"), "state": "Published",
            "body": "Receipts are required for every expense over 20 euros.",
        })).await;
        let draft = desk.create("knowledge_article", json!({
            "title": "Printer replacement plan", "type": kind("FAQ"), "body": "Secret printer roadmap.",
        })).await;
        assert_eq!(draft["data"]["state"], "Draft");
        assert!(printers["data"]["published_on"].is_string());

        let customer = desk.customer("ann@client.test", json!({})).await;
        // Stemming: "printing" and "printer" find "printers"; the draft is not found or counted.
        for query in ["printer", "printing", "PRINTERS"] {
            let found = search(&customer, query).await;
            assert_eq!(titles(&found), ["Configuring network printers"], "{query}");
            assert_eq!(found["total"], 1, "{query}");
        }
        // The employee sees the draft too (the count follows permissions).
        assert_eq!(search(&desk.admin, "printer").await["total"], 2);
        // A one-letter typo still finds it; the snippet marks the match and escapes the rest.
        for typo in ["printr", "prnter", "primter", "recepts"] {
            assert_eq!(search(&customer, typo).await["total"], 1, "{typo}");
        }
        let hit = &search(&customer, "receipts").await["hits"][0];
        assert!(hit["snippet"].as_str().unwrap().contains("<mark>"), "{hit}");
        // Nothing matches: an empty answer, not an error; a huge query is refused.
        assert_eq!(search(&customer, "zebra").await["total"], 0);
        let response = customer.client.get(customer.url("/api/v1/knowledge/search")).query(&[("q", "x".repeat(500))]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Filter by type.
        let response = customer.client.get(customer.url("/api/v1/knowledge/search"))
            .query(&[("q", "receipts"), ("type", kind("FAQ").as_str())]).send().await.unwrap();
        assert_eq!(response.json::<Value>().await.unwrap()["total"], 0);

        // The portal page: search box results with highlighted snippets, escaped user input.
        let (status, page) = customer.get_text("/knowledge?q=printing%3Cscript%3E").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains("<script>"), "{page}");
        let (_, page) = customer.get_text("/knowledge?q=printing").await;
        assert!(page.contains("Configuring network printers") && page.contains("<mark>"), "{page}");
        // Reading: the published article renders its Markdown; the draft does not exist.
        let (status, page) = customer.get_text(&format!("/knowledge/{}", printers["id"].as_str().unwrap())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<strong>several printers</strong>"), "{page}");
        let response = customer.get(&format!("/knowledge/{}", draft["id"].as_str().unwrap())).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        // Publishing the draft makes it readable without any other step.
        desk.admin.patch_json(
            &format!("/api/v1/objects/knowledge_article/records/{}", draft["id"].as_str().unwrap()),
            &json!({ "version": draft["version"], "data": { "state": "Published" } }),
        ).await;
        assert_eq!(search(&customer, "printer").await["total"], 2);
        // Another tenant's customer finds nothing of this tenant.
        let other = Desk::open(&app, "globex").await;
        let outsider = other.customer("eve@globex.test", json!({})).await;
        assert_eq!(search(&outsider, "printer").await["total"], 0);
        let response = outsider.get(&format!("/api/v1/knowledge/{}", printers["id"].as_str().unwrap())).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}

on_both_databases! {
    async fn customers_comment_like_and_make_articles_popular(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        desk.create("knowledge_article", json!({ "title": "Quiet article", "state": "Published", "body": "Nobody reads this." })).await;
        let loved = desk.create("knowledge_article", json!({ "title": "Loved article", "state": "Published", "body": "Everyone likes this." })).await;
        let loved_id = loved["id"].as_str().unwrap().to_owned();
        let ann = desk.customer("ann@client.test", json!({})).await;
        let bob = desk.customer("bob@client.test", json!({})).await;
        let page = format!("/knowledge/{loved_id}");

        // Views and likes make it popular; the main page lists it first.
        ann.get(&page).await;
        let response = ann.submit_form(&page, &format!("{page}/like"), &[("on", "true")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let response = bob.post_json(&format!("/api/v1/knowledge/{loved_id}/likes"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let article: Value = ann.get(&format!("/api/v1/knowledge/{loved_id}")).await.json().await.unwrap();
        assert_eq!(article["likes"], 2);
        assert_eq!(article["liked"], true);
        let popular: Value = ann.get("/api/v1/knowledge/popular").await.json().await.unwrap();
        assert_eq!(popular["data"][0]["title"], "Loved article");
        assert_eq!(popular["data"][1]["title"], "Quiet article");
        let (_, home) = ann.get_text("/").await;
        let (first, second) = (home.find("Loved article").unwrap(), home.find("Quiet article").unwrap());
        assert!(first < second, "{home}");
        assert!(home.contains("action=\"/knowledge\"") && home.contains("My cases") && home.contains("href=\"/cases/new\""));
        // Unlike.
        ann.submit_form(&page, &format!("{page}/like"), &[("on", "false")]).await;
        let article: Value = ann.get(&format!("/api/v1/knowledge/{loved_id}")).await.json().await.unwrap();
        assert_eq!((article["likes"].as_i64(), article["liked"].as_bool()), (Some(1), Some(false)));

        // Comments: publish, edit own, not someone else's; delete own.
        let response = ann.submit_form(&page, &format!("{page}/comments"), &[("body", "Very <b>helpful</b>")]).await;
        assert_eq!(location(&response), format!("{page}#feed"));
        let article: Value = ann.get(&format!("/api/v1/knowledge/{loved_id}")).await.json().await.unwrap();
        let comment = article["comments"][0]["id"].as_str().unwrap().to_owned();
        let (_, html) = bob.get_text(&page).await;
        assert!(html.contains("Very &lt;b&gt;helpful&lt;&#x2f;b&gt;") || html.contains("Very &lt;b&gt;helpful&lt;/b&gt;"), "{html}");
        let response = bob.submit_form(&page, &format!("{page}/comments/{comment}"), &[("body", "Defaced")]).await;
        let (_, html) = bob.get_text(&location(&response)).await;
        assert!(html.contains("alert error"), "{html}");
        let response = ann.submit_form(&page, &format!("{page}/comments/{comment}"), &[("body", "Very helpful, thanks")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let article: Value = bob.get(&format!("/api/v1/knowledge/{loved_id}")).await.json().await.unwrap();
        assert_eq!(article["comments"][0]["body"], "Very helpful, thanks");
        assert_eq!(article["comments"][0]["mine"], false);
        // Empty and oversized comments are refused.
        for body in ["   ", &"x".repeat(5001)] {
            let response = ann.post_json(&format!("/api/v1/knowledge/{loved_id}/comments"), &json!({ "body": body })).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        ann.submit_form(&page, &format!("{page}/comments/{comment}"), &[("action", "delete")]).await;
        let article: Value = ann.get(&format!("/api/v1/knowledge/{loved_id}")).await.json().await.unwrap();
        assert_eq!(article["comments"].as_array().unwrap().len(), 0);
        // A form without its CSRF token changes nothing.
        let response = ann.client.post(ann.url(&format!("{page}/comments"))).form(&[("body", "forged")]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}

on_both_databases! {
    async fn article_files_are_attached_in_the_console_and_read_on_the_portal(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let published = desk.create("knowledge_article", json!({ "title": "Driver downloads", "state": "Published", "body": "See the files." })).await;
        let draft = desk.create("knowledge_article", json!({ "title": "Unreleased driver", "body": "Soon." })).await;
        let attach = |article: &Value, name: &'static str| {
            let admin = desk.admin.clone();
            let page = format!("/console/records/knowledge_article/{}", article["id"].as_str().unwrap());
            async move {
                let response = admin.submit_multipart(&page, &format!("{page}/files"), &[], vec![(name, "text/plain", b"driver notes".to_vec())]).await;
                assert_eq!(response.status(), StatusCode::SEE_OTHER);
                let (_, html) = admin.get_text(&page).await;
                assert!(html.contains(name), "{html}");
                html.split("/console/files/").nth(1).unwrap().split('"').next().unwrap().to_owned()
            }
        };
        let public_file = attach(&published, "readme.txt").await;
        let draft_file = attach(&draft, "secret.txt").await;
        // Nothing to attach is refused with a reason.
        let page = format!("/console/records/knowledge_article/{}", published["id"].as_str().unwrap());
        let response = desk.admin.submit_multipart(&page, &format!("{page}/files"), &[], vec![]).await;
        let (_, html) = desk.admin.get_text(&location(&response)).await;
        assert!(html.contains("choose at least one file"), "{html}");

        let customer = desk.customer("ann@client.test", json!({})).await;
        let (_, html) = customer.get_text(&format!("/knowledge/{}", published["id"].as_str().unwrap())).await;
        assert!(html.contains("readme.txt"), "{html}");
        let response = customer.get(&format!("/files/{public_file}")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.unwrap().as_ref(), b"driver notes");
        assert_eq!(customer.get(&format!("/files/{draft_file}")).await.status(), StatusCode::NOT_FOUND);
        // Customers cannot attach files to articles.
        let page = format!("/records/knowledge_article/{}", published["id"].as_str().unwrap());
        let response = customer.submit_multipart("/", &format!("{page}/files"), &[], vec![("x.txt", "text/plain", b"x".to_vec())]).await;
        assert_ne!(response.status(), StatusCode::OK);
        let (_, html) = desk.admin.get_text(&format!("/console/records/knowledge_article/{}", published["id"].as_str().unwrap())).await;
        assert!(!html.contains("x.txt"));
    }
}

on_both_databases! {
    async fn the_main_page_leaves_out_widgets_the_user_may_not_read(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        desk.create("knowledge_article", json!({ "title": "Visible article", "state": "Published", "body": "x" })).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        let (_, home) = customer.get_text("/").await;
        assert!(home.contains("action=\"/knowledge\"") && home.contains("Visible article") && home.contains("My cases"));

        // Take the knowledge base and cases off the portal: their widgets go, the page stays.
        for object in ["knowledge_article", "case"] {
            let response = desk.admin.client
                .put(desk.admin.url(&format!("/api/v1/access/portal-objects/{object}")))
                .json(&json!({ "on_portal": false }))
                .send().await.unwrap();
            assert!(response.status().is_success(), "{object}: {}", response.status());
        }
        // At once, in the same session.
        let (status, home) = customer.get_text("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!home.contains("action=\"/knowledge\""), "{home}");
        assert!(!home.contains("Visible article") && !home.contains("My cases"), "{home}");
        assert!(home.contains("Welcome"));
    }
}

on_both_databases! {
    async fn search_neither_matches_nor_shows_a_column_hidden_from_the_reader(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        desk.create("knowledge_article", json!({
            "title": "Router reset", "state": "Published",
            "body": "Hold the confidential button for ten seconds, then the router restarts.",
        })).await;
        let customer = desk.customer("ann@client.test", json!({})).await;
        assert_eq!(search(&customer, "confidential").await["total"], 1);

        let external = role_named(&desk.admin, "All external users").await;
        put(&desk.admin, "/api/v1/access/objects/knowledge_article/columns",
            json!({ "field": "body", "grantee": external, "access": "hidden" })).await;
        let found = search(&customer, "confidential").await;
        assert_eq!((found["total"].clone(), found["hits"].clone()), (json!(0), json!([])), "{found}");
        // The title still matches, and the snippet comes from the title alone.
        let found = search(&customer, "router").await;
        assert_eq!(found["total"], 1, "{found}");
        let shown = found.to_string();
        assert!(!shown.contains("confidential") && !shown.contains("button"), "{shown}");
        assert!(shown.contains("<mark>Router</mark>"), "{shown}");
        let (_, page) = customer.get_text("/knowledge?q=confidential").await;
        assert!(page.contains("0 results for"), "{page}");
        // Employees, who see the body, still find it by the body.
        assert_eq!(search(&desk.admin, "confidential").await["total"], 1);

        // A hidden title neither matches nor shows.
        put(&desk.admin, "/api/v1/access/objects/knowledge_article/columns",
            json!({ "field": "body", "grantee": external, "access": null })).await;
        put(&desk.admin, "/api/v1/access/objects/knowledge_article/columns",
            json!({ "field": "title", "grantee": external, "access": "hidden" })).await;
        assert_eq!(search(&customer, "reset").await["total"], 0, "reset is only in the title");
        let found = search(&customer, "confidential").await;
        assert_eq!(found["total"], 1);
        assert_eq!(found["hits"][0]["title"], "", "{found}");
    }
}

on_both_databases! {
    async fn readers_rate_articles_find_related_ones_and_suggestions_deflect_cases(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        crate::support::standard_terms(&desk).await;
        let article = |title: &str, tags: &str, state: &str| {
            json!({ "title": title, "state": state, "tags": tags, "body": format!("About {title}.") })
        };
        let jam = desk.create("knowledge_article", article("Clearing a printer jam", "printer, paper", "Published")).await;
        let drivers = desk.create("knowledge_article", article("Installing printer drivers", "printer", "Published")).await;
        desk.create("knowledge_article", article("Setting up the VPN", "network", "Published")).await;
        desk.create("knowledge_article", article("Printer secrets", "printer", "Draft")).await;
        let (jam, drivers) = (jam["id"].as_str().unwrap().to_owned(), drivers["id"].as_str().unwrap().to_owned());
        let ann = desk.customer("ann@client.test", json!({})).await;
        let bob = desk.customer("bob@client.test", json!({})).await;

        // Related: published articles sharing a tag, never the draft, the unrelated or itself.
        let read: Value = ann.get(&format!("/api/v1/knowledge/{jam}")).await.json().await.unwrap();
        let related: Vec<&str> = read["related"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
        assert_eq!(related, ["Installing printer drivers"]);
        // Tags are links to the search for them.
        let page = format!("/knowledge/{jam}");
        let (_, html) = ann.get_text(&page).await;
        assert!(html.contains("href=\"/knowledge?q=paper\"") && html.contains("Was this helpful?"), "{html}");

        // "Was this helpful?": one answer per reader, which they may change.
        let response = ann.submit_form(&page, &format!("{page}/helpful"), &[("helpful", "yes")]).await;
        assert_eq!(location(&response), format!("{page}#helpful"));
        let response = bob.put_json(&format!("/api/v1/knowledge/{jam}/vote"), &json!({ "helpful": false })).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let read: Value = ann.get(&format!("/api/v1/knowledge/{jam}")).await.json().await.unwrap();
        assert_eq!(read["helpful"], json!({ "yes": 1, "no": 1, "mine": true }));
        ann.submit_form(&page, &format!("{page}/helpful"), &[("helpful", "no")]).await;
        // Refused: no such answer, a malformed one, an article the reader may not read.
        let response = ann.submit_form(&page, &format!("{page}/helpful"), &[("helpful", "maybe")]).await;
        let (_, html) = ann.get_text(&location(&response)).await;
        assert!(html.contains("alert error") && html.contains("must be yes or no"), "{html}");
        let response = bob.put_json(&format!("/api/v1/knowledge/{jam}/vote"), &json!({ "helpful": "maybe" })).await;
        assert!(response.status().is_client_error());
        let drafts: Value = desk.admin.get("/api/v1/objects/knowledge_article/records?filter=state:eq:Draft").await.json().await.unwrap();
        let draft = drafts["data"][0]["id"].as_str().unwrap();
        let response = bob.put_json(&format!("/api/v1/knowledge/{draft}/vote"), &json!({ "helpful": true })).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let read: Value = bob.get(&format!("/api/v1/knowledge/{jam}")).await.json().await.unwrap();
        assert_eq!(read["helpful"], json!({ "yes": 0, "no": 2, "mine": false }));

        // Suggestions while a case's subject is written: the articles with most of its words first.
        let suggested: Value = ann.client.get(ann.url("/api/v1/knowledge/suggestions"))
            .query(&[("subject", "My printer jams on every page")]).send().await.unwrap().json().await.unwrap();
        let titles: Vec<&str> = suggested["data"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap()).collect();
        assert_eq!(titles.first(), Some(&"Clearing a printer jam"), "{suggested}");
        assert!(titles.contains(&"Installing printer drivers") && !titles.contains(&"Printer secrets"), "{titles:?}");
        let (status, fragment) = ann.get_text("/knowledge/suggest?subject=printer%20jams").await;
        assert_eq!(status, StatusCode::OK);
        assert!(fragment.contains(&format!("/knowledge/{jam}?from=case")), "{fragment}");
        let (_, fragment) = ann.get_text("/knowledge/suggest?subject=on").await;
        assert!(!fragment.contains("href"), "{fragment}");
        let (_, form) = ann.get_text("/cases/new").await;
        assert!(form.contains("hx-get=\"/knowledge/suggest\""), "{form}");

        // Bob opens a suggestion and files no case: deflected. Ann opens one, then files a case.
        bob.get(&format!("/knowledge/{jam}?from=case")).await;
        ann.get(&format!("/knowledge/{drivers}?from=case")).await;
        let (status, _) = crate::support::open_case(&ann, json!({ "subject": "Still jams", "description": "Tried it." })).await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, home) = desk.admin.get_text("/console").await;
        let insights = home.split("id=\"knowledge-insights\"").nth(1).unwrap().split("</section>").next().unwrap();
        assert!(insights.contains("0 found an article helpful, 2 did not."), "{insights}");
        assert!(insights.contains("2 suggested articles opened while writing a case; after 1 of them, no case was filed."), "{insights}");
        // Customers do not see the figures.
        let (status, _) = ann.get_text("/console").await;
        assert_ne!(status, StatusCode::OK);
    }
}

on_both_databases! {
    async fn authors_preview_markdown_as_readers_will_see_it(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let form = "/console/records/knowledge_article/new";
        let (_, html) = desk.admin.get_text(form).await;
        assert!(html.contains("hx-post=\"/console/records/markdown-preview?field=body\""), "{html}");
        let action = "/console/records/markdown-preview?field=body";
        let response = desk.admin.submit_form(form, action, &[("title", "Draft"), ("body", "Hold **the** button <script>alert(1)</script>")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let preview = response.text().await.unwrap();
        assert!(preview.contains("<strong>the</strong>") && !preview.contains("<script"), "{preview}");
        let response = desk.admin.submit_form(form, action, &[("body", "  ")]).await;
        assert!(response.text().await.unwrap().contains("Nothing to preview yet."));
        // Without the form's token, or signed out: nothing is rendered.
        let forged = desk.admin.client.post(desk.admin.url(action)).form(&[("body", "**x**")]).send().await.unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        let stranger = desk.tenant.browser();
        let response = stranger.client.post(stranger.url(action)).form(&[("body", "**x**")]).send().await.unwrap();
        assert_ne!(response.status(), StatusCode::OK);
    }
}

on_both_databases! {
    async fn article_types_form_a_tree_and_a_type_finds_its_subtypes_articles(app: TestApp) {
        let desk = Desk::open(&app, "acme").await;
        let hardware = desk.create("knowledge_type", json!({ "name": "Hardware" })).await;
        let hardware = hardware["id"].as_str().unwrap().to_owned();
        let printers = desk.create("knowledge_type", json!({ "name": "Printers", "parent": hardware })).await;
        let printers = printers["id"].as_str().unwrap().to_owned();
        desk.create("knowledge_article", json!({ "title": "Clearing a jam", "state": "Published", "type": printers, "body": "Open the tray." })).await;
        desk.create("knowledge_article", json!({ "title": "Resetting a password", "state": "Published", "body": "Use the link." })).await;
        let ann = desk.customer("ann@client.test", json!({})).await;

        // The filter lists the tree; the parent type finds the subtype's article, in the list
        // and in search.
        let (_, page) = ann.get_text(&format!("/knowledge?type={hardware}")).await;
        assert!(page.contains(">— Printers</option>"), "{page}");
        let latest = page.split("<h2>").nth(1).unwrap();
        assert!(latest.contains("Clearing a jam") && !latest.contains("Resetting a password"), "{latest}");
        let found: Value = ann.client.get(ann.url("/api/v1/knowledge/search")).query(&[("q", "tray"), ("type", &hardware)])
            .send().await.unwrap().json().await.unwrap();
        assert_eq!(found["total"], 1, "{found}");

        // A type cannot sit below itself.
        let record: Value = desk.admin.get(&format!("/api/v1/objects/knowledge_type/records/{hardware}")).await.json().await.unwrap();
        let (status, body) = crate::harness::error_code(desk.admin.patch_json(&format!("/api/v1/objects/knowledge_type/records/{hardware}"),
            &json!({ "version": record["version"], "data": { "parent": printers } })).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let after: Value = desk.admin.get(&format!("/api/v1/objects/knowledge_type/records/{hardware}")).await.json().await.unwrap();
        assert!(after["data"].get("parent").is_none() && after["version"] == record["version"]);
        // Nor deeper than five levels.
        let mut parent = printers.clone();
        for level in 3..=5 {
            let child = desk.create("knowledge_type", json!({ "name": format!("Level {level}"), "parent": parent })).await;
            parent = child["id"].as_str().unwrap().to_owned();
        }
        let response = desk.admin.post_json("/api/v1/objects/knowledge_type/records", &json!({ "data": { "name": "Level 6", "parent": parent } })).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
