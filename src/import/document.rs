//! Reading an OpenAPI description (YAML or JSON, 3.0 or 3.1, or Swagger 2.0) into JSON, following local
//! `$ref`s, and the questions every other part asks of a schema: its types, whether it is
//! nullable, its properties (through `allOf`) and which of them are required.

use serde_json::{Map, Value};

use super::ImportError;

/// How long a `$ref` chain is followed before giving up (a cycle).
const MAX_REFS: usize = 32;

/// How deep `allOf`/`oneOf`/`anyOf` nesting is followed (a schema may contain itself; each
/// level may branch, so this stays small).
const MAX_DEPTH: usize = 8;

/// A parsed OpenAPI description.
pub struct Document {
    root: Value,
    upgraded: bool,
}

impl Document {
    /// Parses YAML (JSON is YAML too, but JSON is tried first for its better messages) and
    /// checks that it is an OpenAPI 3 description.
    pub fn parse(text: &str) -> Result<Self, ImportError> {
        let root = match serde_json::from_str::<Value>(text) {
            Ok(value) => value,
            Err(_) => {
                let yaml: serde_yaml_ng::Value =
                    serde_yaml_ng::from_str(text).map_err(|e| ImportError(format!("not YAML or JSON: {e}")))?;
                from_yaml(yaml)
            }
        };
        let mut root = root;
        let upgraded = root.get("swagger").is_some_and(|v| v == "2.0");
        if upgraded {
            super::swagger::upgrade(&mut root);
        }
        let version = root.get("openapi").and_then(Value::as_str).unwrap_or_default();
        if !version.starts_with('3') {
            return Err(ImportError(
                "no `openapi: 3.x` (or `swagger: \"2.0\"`) at the top: not an OpenAPI description".into(),
            ));
        }
        Ok(Self { root, upgraded })
    }

    /// True when the description was Swagger 2.0, read as OpenAPI 3.
    pub fn upgraded(&self) -> bool {
        self.upgraded
    }

    /// The whole document.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// Follows `$ref` until a value without one; an unknown or external reference gives `null`.
    pub fn resolve<'a>(&'a self, mut value: &'a Value) -> &'a Value {
        for _ in 0..MAX_REFS {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else { return value };
            value = reference.strip_prefix('#').and_then(|pointer| self.root.pointer(pointer)).unwrap_or(&Value::Null);
        }
        &Value::Null
    }

    /// The member `key` of `value`, resolved.
    pub fn get<'a>(&'a self, value: &'a Value, key: &str) -> Option<&'a Value> {
        self.resolve(value).get(key).map(|v| self.resolve(v))
    }

    /// The alternatives of a `oneOf`/`anyOf`, resolved (empty when there are none).
    pub fn alternatives<'a>(&'a self, schema: &'a Value) -> Vec<&'a Value> {
        let schema = self.resolve(schema);
        ["oneOf", "anyOf"]
            .iter()
            .filter_map(|key| schema.get(*key).and_then(Value::as_array))
            .flatten()
            .map(|v| self.resolve(v))
            .collect()
    }

    /// The JSON types a value of this schema may have, `null` left out: `type` as a string or
    /// (3.1) a list, or the types of its alternatives.
    pub fn types(&self, schema: &Value) -> Vec<String> {
        let mut types = Vec::new();
        self.collect_types(schema, &mut types, 0);
        types
    }

    fn collect_types(&self, schema: &Value, types: &mut Vec<String>, depth: usize) {
        let schema = self.resolve(schema);
        if depth > MAX_DEPTH {
            return;
        }
        let mut push = |name: &str| {
            if name != "null" && !types.iter().any(|t| t == name) {
                types.push(name.to_string());
            }
        };
        match schema.get("type") {
            Some(Value::String(name)) => push(name),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).for_each(&mut push),
            _ => {}
        }
        if schema.get("type").is_none() && schema.get("properties").is_some() {
            push("object");
        }
        for part in self.all_of(schema) {
            self.collect_types(part, types, depth + 1);
        }
        for alternative in self.alternatives(schema) {
            self.collect_types(alternative, types, depth + 1);
        }
    }

    /// True when `null` is a value of this schema (3.0 `nullable`, 3.1 `type: [.., "null"]`,
    /// `null` among the enum values or the alternatives).
    pub fn nullable(&self, schema: &Value) -> bool {
        self.nullable_at(schema, 0)
    }

    fn nullable_at(&self, schema: &Value, depth: usize) -> bool {
        let schema = self.resolve(schema);
        depth <= MAX_DEPTH
            && (schema.get("nullable").and_then(Value::as_bool) == Some(true)
                || schema.get("x-nullable").and_then(Value::as_bool) == Some(true)
                || schema.get("type").and_then(Value::as_array).is_some_and(|t| t.iter().any(|t| t == "null"))
                || schema.get("type").is_some_and(|t| t == "null")
                || schema.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().any(Value::is_null))
                || self.alternatives(schema).iter().any(|alternative| self.nullable_at(alternative, depth + 1)))
    }

    /// The resolved parts of an `allOf`.
    fn all_of<'a>(&'a self, schema: &'a Value) -> Vec<&'a Value> {
        schema.get("allOf").and_then(Value::as_array).into_iter().flatten().map(|v| self.resolve(v)).collect()
    }

    /// The named properties of an object schema, in order, with those of its `allOf` parts.
    pub fn properties<'a>(&'a self, schema: &'a Value) -> Vec<(&'a str, &'a Value)> {
        self.properties_at(schema, 0)
    }

    fn properties_at<'a>(&'a self, schema: &'a Value, depth: usize) -> Vec<(&'a str, &'a Value)> {
        let schema = self.resolve(schema);
        let mut out: Vec<(&str, &Value)> = Vec::new();
        if depth > MAX_DEPTH {
            return out;
        }
        let own = schema.get("properties").and_then(Value::as_object).into_iter().flatten();
        let inherited = self.all_of(schema).into_iter().flat_map(|part| self.properties_at(part, depth + 1));
        for (name, property) in own.map(|(n, p)| (n.as_str(), self.resolve(p))).chain(inherited) {
            if !out.iter().any(|(known, _)| *known == name) {
                out.push((name, property));
            }
        }
        out
    }

    /// The property `name` of an object schema.
    pub fn property<'a>(&'a self, schema: &'a Value, name: &str) -> Option<&'a Value> {
        self.properties(schema).into_iter().find(|(n, _)| *n == name).map(|(_, p)| p)
    }

    /// The names the schema (or its `allOf` parts) lists as `required`.
    pub fn required(&self, schema: &Value) -> Vec<String> {
        self.required_at(schema, 0)
    }

    fn required_at(&self, schema: &Value, depth: usize) -> Vec<String> {
        let schema = self.resolve(schema);
        let own = schema.get("required").and_then(Value::as_array).into_iter().flatten();
        let mut names: Vec<String> = own.filter_map(Value::as_str).map(str::to_string).collect();
        if depth < MAX_DEPTH {
            for part in self.all_of(schema) {
                names.extend(self.required_at(part, depth + 1));
            }
        }
        names
    }

    /// The JSON schema of a response or request body: `content.<json type>.schema`.
    pub fn json_schema<'a>(&'a self, body: &'a Value) -> Option<&'a Value> {
        let content = self.get(body, "content")?.as_object()?;
        let (_, media) = content.iter().find(|(kind, _)| kind.contains("json")).or_else(|| content.iter().next())?;
        self.get(media, "schema")
    }
}

/// YAML to JSON: keys become strings (a response code written `200:` is an integer in YAML).
fn from_yaml(yaml: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(from_yaml).collect()),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let key = match key {
                    Y::String(s) => s,
                    other => match from_yaml(other) {
                        Value::String(s) => s,
                        scalar => scalar.to_string(),
                    },
                };
                out.insert(key, from_yaml(value));
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => from_yaml(tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_keys_become_strings_and_refs_resolve() {
        let doc = Document::parse(
            "openapi: 3.1.0\npaths: {}\nresponses:\n  200: { $ref: '#/components/schemas/A' }\n\
             components:\n  schemas:\n    A: { type: [string, 'null'], format: email }\n",
        )
        .unwrap();
        let answer = doc.get(doc.root(), "responses").unwrap();
        let schema = doc.get(answer, "200").unwrap();
        assert_eq!(schema["format"], "email");
        assert_eq!(doc.types(schema), ["string"]);
        assert!(doc.nullable(schema));
    }

    #[test]
    fn neither_openapi_nor_swagger_is_refused() {
        let Err(error) = Document::parse("{\"swagger\": \"1.2\", \"paths\": {}}") else { panic!("refused") };
        assert!(error.0.contains("not an OpenAPI description"), "{}", error.0);
    }

    #[test]
    fn a_reference_cycle_ends() {
        let doc = Document::parse("openapi: 3.0.3\nA: { $ref: '#/B' }\nB: { $ref: '#/A' }\n").unwrap();
        assert!(doc.resolve(&doc.root()["A"]).is_null());
        // Schemas that contain themselves through allOf and oneOf end too.
        let doc = Document::parse(
            "openapi: 3.1.0\nS:\n  required: [a]\n  properties: { a: { type: string } }\n\
             \x20 allOf: [{ $ref: '#/S' }]\n  oneOf: [{ $ref: '#/S' }]\n",
        )
        .unwrap();
        let schema = &doc.root()["S"];
        assert_eq!(doc.properties(schema).len(), 1);
        assert!(!doc.nullable(schema));
        assert_eq!(doc.types(schema), ["object"]);
        assert!(doc.required(schema).len() > 1, "repeated, but finite");
    }
}
