//! The API's OpenAPI document is made from the routes themselves: every operation it lists is
//! answered by the server (never 404 for the path or 405 for the method), each with its error
//! answers, and signed-in callers find the records of the objects they may read described.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{Browser, TestApp, on_both_databases};

on_both_databases! {
    async fn the_document_lists_every_operation_the_server_answers(app: TestApp) {
        let tenant = app.tenant("acme").await;
        let anonymous: Value = Browser::stateless(&tenant.origin).get("/api/v1/openapi.json").await.json().await.unwrap();
        let paths = anonymous["paths"].as_object().unwrap();
        let operations: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (path.clone(), m.clone())))
            .collect();
        assert!(operations.len() >= 60, "{} operations", operations.len());
        // What the hand-written document left out.
        let list = &paths["/objects/{object}/records"]["get"];
        let names: Vec<&str> = list["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        for name in ["object", "limit", "cursor", "sort", "filter"] {
            assert!(names.contains(&name), "{names:?}");
        }
        let update = &paths["/objects/{object}/records/{id}"]["patch"]["responses"];
        for status in ["200", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503"] {
            assert!(update.get(status).is_some(), "{status}");
        }
        assert_eq!(paths["/auth/login"]["post"]["security"], json!([]));
        assert!(anonymous["info"].get("x-record-schemas").is_none_or(|s| s == &json!({})));

        // Every operation is routed: with made-up ids the answer is at worst "not found" in the
        // API's error format, never the router's 404 or 405, and never a failure of ours.
        let admin = tenant.admin_browser().await;
        for (path, method) in &operations {
            if path == "/auth/logout" {
                continue;
            }
            let concrete = path
                .replace("{object}", "contact")
                .replace("{action}", "x")
                .replace("{code}", "x")
                .split('/')
                .map(|part| if part.starts_with('{') { "00000000-0000-7000-8000-000000000000" } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let url = admin.url(&format!("/api/v1{concrete}"));
            let request = match method.as_str() {
                "get" => admin.client.get(url),
                "post" => admin.client.post(url).json(&json!({})),
                "put" => admin.client.put(url).json(&json!({})),
                "patch" => admin.client.patch(url).json(&json!({})),
                "delete" => admin.client.delete(url),
                other => panic!("{other}"),
            };
            let response = request.send().await.unwrap();
            let status = response.status();
            assert!(status != StatusCode::METHOD_NOT_ALLOWED && !status.is_server_error(), "{method} {path}: {status}");
            let declared = &paths[path][method]["responses"];
            assert!(declared.get(status.as_str()).is_some(), "{method} {path}: {status} is not in the document");
            if status == StatusCode::NOT_FOUND {
                let body: Value = response.json().await.unwrap();
                assert!(body["error"]["code"].is_string(), "{method} {path}: the router's own 404");
            }
        }

        // Signed in, the records of the objects the caller may read are described, columns hidden
        // from them left out.
        let described: Value = admin.get("/api/v1/openapi.json").await.json().await.unwrap();
        let contact = &described["components"]["schemas"]["Record.contact"];
        assert!(contact["properties"]["full_name"].is_object(), "{contact}");
        assert_eq!(described["info"]["x-record-schemas"]["contact"]["$ref"], "#/components/schemas/Record.contact");
        let (_, carla) = tenant.create_user(&admin, "carla@client.test", "external", "carla's password").await;
        let portal = tenant.browser();
        portal.sign_in_api(&carla).await;
        let theirs: Value = portal.get("/api/v1/openapi.json").await.json().await.unwrap();
        let objects = theirs["info"]["x-record-schemas"].as_object().unwrap();
        assert!(!objects.contains_key("contact"), "a portal user may not read contacts: {objects:?}");
        assert!(objects.contains_key("knowledge_article"), "{objects:?}");
    }
}
