//! The API's OpenAPI document. The operations come from the handlers' own `#[utoipa::path]`
//! annotations, registered with the routes themselves (`routes!`), so the document cannot list a
//! route the server does not answer or miss one it does. What every operation shares is added here
//! once: its path parameters, the error answers it may give (all in the one error format), and
//! how to authenticate. Served per request, it also describes the records of the objects the
//! caller may read, with the columns they see.

use serde_json::{Map, Value, json};

use crate::{
    access::{self, Actor, Capability, Operation},
    records::{Catalog, Columns},
};

/// What text in paths and query strings must look like (see `text::url_part_has_control`).
const NO_CONTROL_CHARACTERS: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// Operations that need no credentials.
const PUBLIC: &[&str] = &[
    "login",
    "request_recovery",
    "register",
    "confirm_registration",
    "openapi",
];

/// The shared parts added to the document the annotations produced.
pub fn finish(mut document: Value) -> Value {
    document["info"]["description"] = json!(
        "Errors are `{\"error\": {\"code\", \"message\", \"fields\"?}}`. Sign in with \
         `POST /auth/login` (session cookie) or send an API token as `Authorization: Bearer`."
    );
    document["servers"] = json!([{ "url": "/api/v1" }]);
    document["security"] = json!([{ "bearer": [] }, { "session": [] }]);
    let components = document["components"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut components = Value::Object(components);
    components["securitySchemes"] = json!({
        "bearer": { "type": "http", "scheme": "bearer", "description": "An API token: pt_..." },
        "session": { "type": "apiKey", "in": "cookie", "name": crate::http::SESSION_COOKIE },
    });
    components["schemas"]["Error"] = error_schema();
    let mut responses = Map::new();
    for (status, description) in ERRORS {
        responses.insert(
            status.to_string(),
            json!({
                "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } },
            }),
        );
    }
    components["responses"] = Value::Object(responses);
    document["components"] = components;

    if let Some(paths) = document["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, operation) in item.iter_mut() {
                complete(path, method, operation);
            }
        }
    }
    document
}

/// The error answers, by status, as the API gives them.
const ERRORS: [(u16, &str); 12] = [
    (400, "Malformed request (syntax, types, control characters)"),
    (401, "Not signed in"),
    (403, "Not allowed"),
    (
        404,
        "Unknown, or not visible to the caller (also another tenant's ids)",
    ),
    (
        409,
        "The record changed meanwhile (stale `version`), or the change conflicts",
    ),
    (413, "Request body too large"),
    (415, "The body is not JSON"),
    (422, "Invalid fields, all of them at once, in `fields`"),
    (429, "Throttled; see `Retry-After`"),
    (500, "Something failed on the server"),
    (502, "A custom section failed (`section_failed`)"),
    (503, "Temporarily unavailable; see `Retry-After`"),
];

fn error_schema() -> Value {
    json!({
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": { "type": "string" },
                    "message": { "type": "string" },
                    "fields": {
                        "type": "object",
                        "additionalProperties": { "type": "array", "items": { "type": "string" } },
                    },
                },
            },
        },
    })
}

/// Adds what the annotations leave to this module: path parameters, errors, security.
fn complete(path: &str, method: &str, operation: &mut Value) {
    let id = operation["operationId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut with_path = parameters.clone();
    for name in path_names(path) {
        let declared = parameters
            .iter()
            .any(|p| p["name"] == name && p["in"] == "path");
        if !declared {
            with_path.push(json!({
                "name": name, "in": "path", "required": true, "schema": { "type": "string" },
            }));
        }
    }
    // Text in an address may not hold control characters (the server answers 400).
    for parameter in &mut with_path {
        let schema = &mut parameter["schema"];
        let text = schema["type"] == "string" || schema["items"]["type"] == "string";
        let target = if schema["type"] == "array" {
            &mut schema["items"]
        } else {
            schema
        };
        if text && target.get("pattern").is_none() {
            target["pattern"] = json!(NO_CONTROL_CHARACTERS);
        }
    }
    operation["parameters"] = Value::Array(with_path);

    let public = PUBLIC.contains(&id.as_str());
    let body = operation.get("requestBody").is_some();
    let read = method == "get";
    let responses = &mut operation["responses"];
    for (status, _) in ERRORS {
        let applies = match status {
            // The document itself is for anyone; a wrong password is a 401 too.
            401 => id != "openapi",
            409 | 502 => !read,
            413 | 415 => body,
            _ => true,
        };
        if applies && responses.get(status.to_string()).is_none() {
            responses[status.to_string()] =
                json!({ "$ref": format!("#/components/responses/{status}") });
        }
    }
    if public {
        operation["security"] = json!([]);
    }
}

fn path_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The document for `actor`: the records of every object they may read, with the columns they
/// see, as schemas `Record.{object}` (listed under `x-record-schemas`).
pub fn for_actor(mut document: Value, actor: &Actor, catalog: &Catalog) -> Value {
    let mut listed = Map::new();
    for object in catalog.objects() {
        if access::check(actor, Capability::Records(object, Operation::Read)).is_err() {
            continue;
        }
        let columns = Columns::of(actor, object);
        let properties: Map<String, Value> = object
            .fields
            .iter()
            .filter(|f| columns.visible(&f.name))
            .map(|f| (f.name.clone(), f.schema.clone()))
            .collect();
        let name = format!("Record.{}", object.code);
        document["components"]["schemas"][&name] = json!({
            "title": object.title,
            "description": format!("The `data` of a {} record.", object.title),
            "type": "object",
            "properties": properties,
        });
        listed.insert(
            object.code.to_string(),
            json!({ "$ref": format!("#/components/schemas/{name}") }),
        );
    }
    document["info"]["x-record-schemas"] = Value::Object(listed);
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_gets_its_path_parameters_errors_and_security() {
        let document = finish(json!({
            "openapi": "3.1.0",
            "info": { "title": "t", "version": "1" },
            "paths": {
                "/objects/{object}/records/{id}": {
                    "get": { "operationId": "get_record", "responses": { "200": { "description": "ok" } } },
                    "patch": { "operationId": "update_record", "requestBody": {}, "responses": { "200": { "description": "ok" } } },
                },
                "/auth/login": {
                    "post": { "operationId": "login", "requestBody": {}, "responses": { "200": { "description": "ok" } } },
                },
            },
            "components": { "schemas": {} },
        }));
        let get = &document["paths"]["/objects/{object}/records/{id}"]["get"];
        let names: Vec<&str> = get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["object", "id"]);
        for status in ["400", "401", "403", "404", "429", "500", "503"] {
            assert!(get["responses"].get(status).is_some(), "{status}");
        }
        assert!(get["responses"].get("409").is_none() && get["responses"].get("413").is_none());
        assert_eq!(
            get["parameters"][0]["schema"]["pattern"],
            NO_CONTROL_CHARACTERS
        );
        let patch = &document["paths"]["/objects/{object}/records/{id}"]["patch"];
        for status in ["409", "413", "415", "422", "502"] {
            assert!(patch["responses"].get(status).is_some(), "{status}");
        }
        let login = &document["paths"]["/auth/login"]["post"];
        assert_eq!(login["security"], json!([]));
        assert!(login["responses"].get("401").is_some(), "a wrong password");
        assert_eq!(
            document["components"]["securitySchemes"]["session"]["name"],
            "portico_session"
        );
    }
}
