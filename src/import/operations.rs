//! Finding a resource's list, get and update operations by the shape of the paths: an item
//! path ends in one `{parameter}` and has a GET and a PUT or PATCH; its list is a GET on the
//! path above it (or below that, as `/contact/list`) that answers with an array.

use serde_json::Value;

use super::document::Document;
use super::{ImportError, Notes};

/// One operation of the description.
pub struct Operation<'a> {
    /// The path as the description writes it, e.g. `/workspaces/{workspaceId}/contacts/{contactId}`.
    pub path: String,
    /// `get`, `put`, `patch`, `post`.
    pub method: String,
    /// The operation object, resolved.
    pub spec: &'a Value,
    /// Parameters of the path item and the operation, resolved.
    pub parameters: Vec<&'a Value>,
}

impl Operation<'_> {
    /// The query parameter called `name`.
    pub fn query_parameter(&self, name: &str) -> Option<&Value> {
        self.parameters.iter().copied().find(|p| p["in"] == "query" && p["name"] == name)
    }

    /// The names of the query parameters.
    pub fn query_parameters(&self) -> Vec<&str> {
        self.parameters.iter().filter(|p| p["in"] == "query").filter_map(|p| p["name"].as_str()).collect()
    }
}

/// The three operations rolo needs for one resource.
pub struct Resource<'a> {
    /// The resource's name: the last fixed segment before the item's `{id}` (`contacts`).
    pub name: String,
    /// The list operation.
    pub list: Operation<'a>,
    /// The get-one operation.
    pub get: Operation<'a>,
    /// The update operation (PATCH preferred over PUT, both over POST).
    pub update: Operation<'a>,
}

impl Resource<'_> {
    /// The item path with its last parameter renamed `{id}`, as the backend file wants it.
    pub fn item_path(&self) -> String {
        with_id_hole(&self.get.path)
    }
}

/// Finds the resource called `wanted`, or the only one (or the one named like contacts).
pub fn find<'a>(doc: &'a Document, wanted: Option<&str>, notes: &mut Notes) -> Result<Resource<'a>, ImportError> {
    let paths = doc.get(doc.root(), "paths").and_then(Value::as_object).ok_or(ImportError("no `paths`".into()))?;
    let operation = |path: &str, method: &str| -> Option<Operation<'a>> {
        let item = doc.resolve(paths.get(path)?);
        let spec = doc.get(item, method)?;
        let mut parameters: Vec<&Value> = Vec::new();
        for list in [item.get("parameters"), spec.get("parameters")].into_iter().flatten() {
            for parameter in list.as_array().into_iter().flatten().map(|p| doc.resolve(p)) {
                parameters.retain(|known| !(known["name"] == parameter["name"] && known["in"] == parameter["in"]));
                parameters.push(parameter);
            }
        }
        Some(Operation { path: path.to_string(), method: method.to_string(), spec, parameters })
    };
    let mut found = Vec::new();
    for item_path in paths.keys() {
        let Some(parent) = item_path.strip_suffix('}').and_then(|p| p.rsplit_once("/{")).map(|(parent, _)| parent)
        else {
            continue;
        };
        let Some(get) = operation(item_path, "get") else { continue };
        let Some(update) = ["patch", "put", "post"].iter().find_map(|m| operation(item_path, m)) else { continue };
        // The list: the parent path itself, else the shortest GET path below the parent without holes.
        let mut lists: Vec<&String> = paths
            .keys()
            .filter(|p| *p == parent || (p.starts_with(&format!("{parent}/")) && !p[parent.len()..].contains('{')))
            .filter(|p| operation(p, "get").is_some_and(|op| answers_with_array(doc, &op)))
            .collect();
        lists.sort_by_key(|p| p.len());
        let Some(list) = lists.first().and_then(|p| operation(p, "get")) else { continue };
        let name = parent.rsplit('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or("items").to_string();
        found.push(Resource { name, list, get, update });
    }
    let names = || found.iter().map(|r| r.name.clone()).collect::<Vec<_>>().join(", ");
    if let Some(wanted) = wanted {
        let all = names();
        return found
            .into_iter()
            .find(|r| r.name == wanted)
            .ok_or_else(|| ImportError(format!("no resource `{wanted}`; the description has: {all}")));
    }
    match found.len() {
        0 => Err(ImportError(
            "no resource with a list, a get and an update (`/things`, `/things/{id}` with GET and PUT or PATCH)".into(),
        )),
        1 => Ok(found.remove(0)),
        _ => {
            let all = names();
            let at = found
                .iter()
                .position(|r| is_people(&r.name))
                .ok_or_else(|| ImportError(format!("several resources: {all}; pick one with --resource NAME")))?;
            let chosen = found.remove(at);
            notes.guess(format!("resource `{}` of {all} (pick another with --resource)", chosen.name));
            Ok(chosen)
        }
    }
}

fn is_people(name: &str) -> bool {
    ["contact", "people", "person", "lead", "customer", "member"].iter().any(|n| name.to_lowercase().contains(n))
}

/// True when the operation's success answer holds an array of objects somewhere.
fn answers_with_array(doc: &Document, op: &Operation) -> bool {
    success_schema(doc, op).is_some_and(|schema| super::envelope::find_items(doc, schema).is_some())
}

/// The schema of the operation's first 2xx JSON answer.
pub fn success_schema<'a>(doc: &'a Document, op: &Operation<'a>) -> Option<&'a Value> {
    let responses = doc.get(op.spec, "responses")?.as_object()?;
    let (_, answer) = responses.iter().find(|(code, _)| code.starts_with('2'))?;
    doc.json_schema(doc.resolve(answer))
}

/// The schema of the operation's JSON request body.
pub fn request_schema<'a>(doc: &'a Document, op: &Operation<'a>) -> Option<&'a Value> {
    doc.json_schema(doc.get(op.spec, "requestBody")?)
}

/// `/a/{x}/b/{contactId}` → `/a/{x}/b/{id}`.
fn with_id_hole(path: &str) -> String {
    match path.strip_suffix('}').and_then(|p| p.rsplit_once("/{")) {
        Some((parent, _)) => format!("{parent}/{{id}}"),
        None => path.to_string(),
    }
}
