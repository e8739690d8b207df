//! Swagger 2.0 read as OpenAPI 3: the few places where 2.0 says the same thing differently
//! (`host`/`basePath`, `securityDefinitions`, body parameters, response `schema`, parameter
//! types written beside the parameter) are moved to where OpenAPI 3 keeps them. Schemas and
//! `#/definitions/…` references are the same in both and stay as they are.

use serde_json::{Map, Value, json};

const METHODS: [&str; 5] = ["get", "put", "patch", "post", "delete"];

/// Rewrites a Swagger 2.0 document in place into the OpenAPI 3 shape the importer reads.
pub fn upgrade(root: &mut Value) {
    let resolved = root.clone();
    let resolve = |value: &Value| -> Value {
        match value.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => resolved.pointer(pointer).cloned().unwrap_or(Value::Null),
            None => value.clone(),
        }
    };
    if let Some(host) = root["host"].as_str() {
        let scheme = root["schemes"][0].as_str().unwrap_or("https");
        let base = root["basePath"].as_str().unwrap_or("").trim_end_matches('/');
        root["servers"] = json!([{ "url": format!("{scheme}://{host}{base}") }]);
    }
    let mut schemes = Map::new();
    for (name, scheme) in root["securityDefinitions"].as_object().cloned().unwrap_or_default() {
        let upgraded = match scheme["type"].as_str() {
            Some("basic") => json!({ "type": "http", "scheme": "basic" }),
            // OAuth 2 access tokens travel as `Authorization: Bearer <token>`.
            Some("oauth2") => json!({ "type": "http", "scheme": "bearer" }),
            _ => scheme,
        };
        schemes.insert(name, upgraded);
    }
    root["components"] = json!({ "securitySchemes": schemes });
    let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        if let Some(parameters) = item.get_mut("parameters") {
            *parameters = Value::Array(upgrade_parameters(parameters, &resolve, &mut None));
        }
        for method in METHODS {
            let Some(operation) = item.get_mut(method) else { continue };
            let mut body = None;
            if let Some(parameters) = operation.get_mut("parameters") {
                *parameters = Value::Array(upgrade_parameters(parameters, &resolve, &mut body));
            }
            if let Some(schema) = body {
                operation["requestBody"] = json!({ "content": { "application/json": { "schema": schema } } });
            }
            for answer in
                operation.get_mut("responses").and_then(Value::as_object_mut).into_iter().flat_map(|a| a.values_mut())
            {
                let mut resolved_answer = resolve(answer);
                if let Some(schema) = resolved_answer.as_object_mut().and_then(|a| a.remove("schema")) {
                    resolved_answer["content"] = json!({ "application/json": { "schema": schema } });
                }
                *answer = resolved_answer;
            }
        }
    }
    root["openapi"] = json!("3.0.0");
}

/// Query and path parameters get a `schema`; the body parameter's schema goes to `body`.
fn upgrade_parameters(parameters: &Value, resolve: &dyn Fn(&Value) -> Value, body: &mut Option<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for parameter in parameters.as_array().into_iter().flatten().map(resolve) {
        if parameter["in"] == "body" {
            *body = parameter.get("schema").cloned();
            continue;
        }
        let mut parameter = parameter;
        if parameter.get("schema").is_none() {
            let mut schema = Map::new();
            for key in ["type", "format", "minimum", "maximum", "default", "enum", "items"] {
                if let Some(value) = parameter.get(key) {
                    schema.insert(key.to_string(), value.clone());
                }
            }
            parameter["schema"] = Value::Object(schema);
        }
        out.push(parameter);
    }
    out
}
