//! What wraps the records: auth from `securitySchemes`, where the list's items and total sit,
//! how pages are asked for, where a record sits in an answer, and how errors are reported.

use serde_json::Value;

use super::Notes;
use super::document::Document;
use super::operations::{Operation, Resource, request_schema, success_schema};
use super::write::{Section, inline, string, strings};

/// Page size asked for when the vendor allows it (the built-in files all use 100).
const PAGE_SIZE: u64 = 100;

/// Every property path of an object schema, depth first, not entering arrays: `meta.total`.
pub fn members<'a>(doc: &'a Document, schema: &'a Value) -> Vec<(String, &'a Value)> {
    let mut out = Vec::new();
    walk(doc, schema, "", 0, &mut out);
    out
}

fn walk<'a>(doc: &'a Document, schema: &'a Value, prefix: &str, depth: usize, out: &mut Vec<(String, &'a Value)>) {
    if depth > 4 {
        return;
    }
    for (name, property) in doc.properties(schema) {
        let path = if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
        out.push((path.clone(), property));
        walk(doc, property, &path, depth + 1, out);
    }
}

/// Where the array of records sits in a list answer (`""` when the answer is the array), and
/// the records' schema: the shallowest array of objects.
pub fn find_items<'a>(doc: &'a Document, schema: &'a Value) -> Option<(String, &'a Value)> {
    let objects =
        |array: &'a Value| doc.get(array, "items").filter(|item| doc.types(item).iter().any(|t| t == "object"));
    if let Some(item) = objects(schema) {
        return Some((String::new(), item));
    }
    let mut arrays: Vec<(String, &Value)> = members(doc, schema)
        .into_iter()
        .filter_map(|(path, property)| objects(property).map(|item| (path, item)))
        .collect();
    arrays.sort_by_key(|(path, _)| path.matches('.').count());
    arrays.into_iter().next()
}

/// Where a record sits in an answer: `""` when the answer has the record's id, else the
/// shallowest object member that has it (`data`).
pub fn record_path(doc: &Document, answer: &Value, id: &str) -> Option<String> {
    if doc.property(answer, id).is_some() {
        return Some(String::new());
    }
    let mut holders: Vec<String> =
        members(doc, answer).into_iter().filter(|(_, s)| doc.property(s, id).is_some()).map(|(p, _)| p).collect();
    holders.sort_by_key(|path| path.matches('.').count());
    holders.into_iter().next()
}

/// The last segment of a path, lowercased, without `_`: `meta.total_pages` → `totalpages`.
fn leaf(path: &str) -> String {
    path.rsplit('.').next().unwrap_or(path).replace(['_', '-', '[', ']'], "").to_lowercase()
}

fn is_integer(doc: &Document, schema: &Value) -> bool {
    doc.types(schema).iter().any(|t| t == "integer" || t == "number")
}

/// `[auth]` from the first security requirement that rolo can send.
pub fn auth(doc: &Document, notes: &mut Notes) -> Section {
    let mut section = Section::new("[auth]");
    let schemes = doc.get(doc.root(), "components").and_then(|c| doc.get(c, "securitySchemes"));
    let requirements = doc.root().get("security").and_then(Value::as_array).cloned().unwrap_or_default();
    let named: Vec<String> = requirements.iter().filter_map(Value::as_object).flat_map(|r| r.keys().cloned()).collect();
    let candidates: Vec<&Value> = match schemes.and_then(Value::as_object) {
        Some(all) if named.is_empty() => all.values().map(|s| doc.resolve(s)).collect(),
        Some(all) => named.iter().filter_map(|n| all.get(n)).map(|s| doc.resolve(s)).collect(),
        None => Vec::new(),
    };
    for scheme in candidates {
        let kind = scheme["type"].as_str().unwrap_or_default();
        let http = scheme["scheme"].as_str().unwrap_or_default();
        let name = scheme["name"].as_str().unwrap_or_default();
        match (kind, scheme["in"].as_str()) {
            ("http", _) if http.eq_ignore_ascii_case("bearer") => {
                section.set("scheme", string("bearer"));
            }
            // A scheme of the vendor's own (Bird's `AccessKey`) travels as `Authorization: AccessKey <key>`.
            ("http", _) if !http.eq_ignore_ascii_case("basic") && !http.is_empty() => {
                section.set("scheme", string("header")).set("name", string("Authorization"));
                section.set("prefix", string(&format!("{http} ")));
            }
            ("apiKey", Some("header")) => {
                section.set("scheme", string("header")).set("name", string(name));
                if let Some(prefix) = prefix_in(scheme["description"].as_str().unwrap_or_default()) {
                    notes.guess(format!("auth: the header value starts with `{prefix}` (read from the description)"));
                    section.guessed("prefix", string(&prefix), "read from the scheme's description");
                }
            }
            ("apiKey", Some("query")) => {
                section.set("scheme", string("query")).set("param", string(name));
            }
            _ => {
                notes.skipped(format!("security scheme of type `{kind}` {http} (rolo cannot send it)"));
                continue;
            }
        }
        return section;
    }
    notes.guess("auth: no security scheme rolo can send; none".into());
    section.guessed("scheme", string("none"), "the description names no scheme rolo can send");
    section
}

/// `AccessKey ` from a description saying "`AccessKey <access key>`".
fn prefix_in(description: &str) -> Option<String> {
    let at = description.find(" <")?;
    let word = description[..at].rsplit(|c: char| !c.is_ascii_alphanumeric()).next()?;
    (!word.is_empty() && word.chars().next()?.is_ascii_uppercase()).then(|| format!("{word} "))
}

/// `[list]`: items, total, paging. Returns the section and the records' schema.
pub fn list<'a>(doc: &'a Document, resource: &Resource<'a>, notes: &mut Notes) -> (Section, &'a Value) {
    let op = &resource.list;
    let answer = success_schema(doc, op).expect("the list was chosen for answering with an array");
    let (items, record) = find_items(doc, answer).expect("the list was chosen for answering with an array");
    let mut section = Section::new("[list]");
    section.set("path", string(&op.path)).set("items", string(&items));
    let meta: Vec<(String, &Value)> =
        members(doc, answer).into_iter().filter(|(p, _)| !p.starts_with(&items) || items.is_empty()).collect();
    // The first name wins over later ones, wherever it sits; a cursor is a string.
    let find = |names: &[&str], integer: bool| {
        names.iter().find_map(|name| {
            meta.iter()
                .find(|(p, s)| {
                    leaf(p) == *name && if integer { is_integer(doc, s) } else { doc.types(s) == ["string"] }
                })
                .map(|(p, _)| p.clone())
        })
    };
    if let Some(total) = find(&["total", "totalcount", "count", "totalitems", "totalresults"], true) {
        section.set("total", string(&total));
    }
    section.set("paging", paging(doc, op, &find, notes));
    (section, record)
}

fn paging(doc: &Document, op: &Operation, find: &dyn Fn(&[&str], bool) -> Option<String>, notes: &mut Notes) -> String {
    let params = op.query_parameters();
    let param = |names: &[&str]| params.iter().find(|p| names.contains(&leaf(p).as_str())).map(|p| p.to_string());
    let size_param = param(&["limit", "size", "pagesize", "perpage", "max", "count", "maxresults", "pagelimit"]);
    let size = size_param.as_deref().and_then(|p| op.query_parameter(p)).map_or(PAGE_SIZE, |p| {
        let schema = doc.get(p, "schema");
        let maximum = schema.and_then(|s| s["maximum"].as_u64()).unwrap_or(PAGE_SIZE);
        maximum.min(PAGE_SIZE)
    });
    let size_param = size_param.unwrap_or_else(|| {
        notes.guess("paging: no page-size parameter found; `limit` written".into());
        "limit".into()
    });
    if let Some(page_param) = param(&["page", "pagenumber", "pageno", "pagenum"]) {
        let first = op
            .query_parameter(&page_param)
            .and_then(|p| doc.get(p, "schema"))
            .and_then(|s| s["minimum"].as_u64().or_else(|| s["default"].as_u64()))
            .unwrap_or(1);
        let mut pairs = vec![
            ("style", string("page")),
            ("page_param", string(&page_param)),
            ("size_param", string(&size_param)),
            ("size", size.to_string()),
            ("first", first.to_string()),
        ];
        match find(&["lastpage", "totalpages", "pages", "pagecount", "numpages"], true) {
            Some(last) => pairs.push(("last_page", string(&last))),
            None => notes.guess("paging: no last-page number in the answer; a short page ends the list".into()),
        }
        return inline(&pairs);
    }
    let cursor_names =
        ["cursor", "pagetoken", "after", "startingafter", "next", "nexttoken", "continuation", "offsettoken"];
    if let Some(cursor_param) = param(&cursor_names) {
        let next = find(&[&leaf(&cursor_param), "nextpagetoken", "nextcursor", "nexttoken", "next", "cursor"], false)
            .unwrap_or_else(|| {
                notes.guess("paging: the next cursor's place in the answer is unknown; `next` written".into());
                "next".into()
            });
        return inline(&[
            ("style", string("cursor")),
            ("cursor_param", string(&cursor_param)),
            ("size_param", string(&size_param)),
            ("size", size.to_string()),
            ("next", string(&next)),
        ]);
    }
    notes.guess("paging: the list has no page or cursor parameter; one request returns everything".into());
    inline(&[("style", string("none"))])
}

/// `[get]` and `[update]`.
pub fn endpoints(doc: &Document, resource: &Resource, id: &str, send_all: bool, notes: &mut Notes) -> [Section; 2] {
    let record = |op: &Operation, notes: &mut Notes| {
        let found = success_schema(doc, op).and_then(|answer| record_path(doc, answer, id));
        found.unwrap_or_else(|| {
            notes.guess(format!("{} {}: no record in the answer's schema; taken as a bare record", op.method, op.path));
            String::new()
        })
    };
    let mut get = Section::new("[get]");
    get.set("path", string(&resource.item_path()));
    required_query(doc, &resource.get, &mut get, notes);
    get.set("record", string(&record(&resource.get, notes)));
    let mut update = Section::new("[update]");
    let op = &resource.update;
    update.set("method", string(&op.method.to_uppercase())).set("path", string(&resource.item_path()));
    required_query(doc, op, &mut update, notes);
    let send = if send_all { "all" } else { "changed" };
    let why = match (op.method.as_str(), send_all) {
        ("patch", _) => "a PATCH: send only what changed",
        (_, true) => "the request body has required fields, so it is a full replacement: send every writable field",
        _ => "the request body has no required fields: taken as a partial update",
    };
    update.comments.push(why.to_string());
    update.set("send", string(send)).set("record", string(&record(op, notes)));
    [get, update]
}

/// `query = {…}` for the operation's required query parameters, which the vendor refuses a
/// request without: each one's default or example (a list joined with commas, as `?a=x,y`),
/// else empty, marked for the user to fill in. The secret's own parameter is the auth's.
fn required_query(doc: &Document, op: &Operation, section: &mut Section, notes: &mut Notes) {
    let schemes = doc.get(doc.root(), "components").and_then(|c| doc.get(c, "securitySchemes"));
    let secret_params: Vec<&str> = schemes
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, scheme)| doc.resolve(scheme))
        .filter(|scheme| scheme["in"] == "query")
        .filter_map(|scheme| scheme["name"].as_str())
        .collect();
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for parameter in op.parameters.iter().filter(|p| p["in"] == "query" && p["required"] == true) {
        let Some(name) = parameter["name"].as_str().filter(|n| !secret_params.contains(n)) else { continue };
        let schema = doc.get(parameter, "schema").map(|s| doc.resolve(s)).unwrap_or(&Value::Null);
        let given = [&schema["default"], &parameter["example"], &schema["example"], &schema["enum"][0]]
            .into_iter()
            .find(|v| !v.is_null());
        let value = match given {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(","),
            Some(Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => {
                unknown.push(name);
                String::new()
            }
        };
        pairs.push((string(name), string(&value)));
    }
    if pairs.is_empty() {
        return;
    }
    let table = inline(&pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect::<Vec<_>>());
    if unknown.is_empty() {
        section.set("query", table);
    } else {
        let why = format!("required, with no default or example: fill in {}", unknown.join(", "));
        notes.guess(format!("{} {}: query parameter {}", op.method, op.path, why));
        section.guessed("query", table, &why);
    }
}

/// True when the update replaces the whole record (a PUT whose body requires fields).
pub fn replaces_whole(doc: &Document, op: &Operation) -> bool {
    op.method != "patch" && request_schema(doc, op).is_some_and(|s| !doc.required(s).is_empty())
}

/// `[errors]` from the update's error answers (4xx and `default`).
pub fn errors(doc: &Document, op: &Operation, notes: &mut Notes) -> Section {
    let mut section = Section::new("[errors]");
    let mut messages: Vec<String> = Vec::new();
    let mut shapes: Vec<String> = Vec::new();
    let responses = doc.get(op.spec, "responses").and_then(Value::as_object);
    let mut answers: Vec<(&String, &Value)> = responses.into_iter().flatten().collect();
    // Validation answers first: their shapes are the ones that name fields.
    answers.sort_by_key(|(code, _)| match code.as_str() {
        "422" => 0,
        "400" => 1,
        _ => 2,
    });
    for (code, answer) in answers {
        if !(code.starts_with('4') || code.starts_with('5') || code == "default") {
            continue;
        }
        let Some(schema) = doc.json_schema(doc.resolve(answer)) else { continue };
        for (path, property) in members(doc, schema) {
            let types = doc.types(property);
            if types == ["string"] && ["message", "detail", "title", "summary"].contains(&leaf(&path).as_str()) {
                push(&mut messages, path.clone());
            }
            if types.iter().any(|t| t == "object")
                && doc.properties(property).is_empty()
                && property.get("additionalProperties").is_some_and(|a| a != false)
            {
                push(&mut shapes, inline(&[("shape", string("map")), ("at", string(&path))]));
            }
            if let Some(entry) = doc.get(property, "items") {
                if let Some(shape) = list_shape(doc, &path, entry) {
                    push(&mut shapes, shape);
                }
            }
        }
    }
    let found = messages.len();
    // Gateways and mock servers answer problem+json; their message is at `detail` or `title`.
    for fallback in ["message", "detail", "title"] {
        push(&mut messages, fallback.to_string());
    }
    if found == 0 {
        notes.guess("errors: no message in the error answers' schemas; the usual places written".into());
    }
    section.set("message", strings(&messages));
    if shapes.is_empty() {
        notes.guess("errors: no per-field errors found in the error answers' schemas".into());
    } else {
        section.set("fields", format!("[{}]", shapes.join(", ")));
    }
    section
}

/// A list of entries naming a field (`path`, `loc`, `field`, `param`, `context.propertyName`) and a message.
fn list_shape(doc: &Document, at: &str, entry: &Value) -> Option<String> {
    let entry_members = members(doc, entry);
    // The first name that fits wins: `detail` before `title` in a JSON:API error.
    let named = |names: &[&str]| {
        names.iter().find_map(|name| entry_members.iter().find(|(p, _)| leaf(p) == *name).map(|(p, _)| p.clone()))
    };
    let field = named(&[
        "field",
        "path",
        "loc",
        "param",
        "propertyname",
        "property",
        "attribute",
        "name",
        "parameter",
        "pointer",
    ])?;
    let message = named(&["message", "msg", "text", "detail", "description", "title"])?;
    Some(inline(&[
        ("shape", string("list")),
        ("at", string(at)),
        ("field", string(&field)),
        ("message", string(&message)),
    ]))
}

fn push(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_prefix_is_read_from_the_scheme_description() {
        assert_eq!(prefix_in("Value `AccessKey <access key>`."), Some("AccessKey ".into()));
        assert_eq!(prefix_in("Secret key from Settings -> Account -> API"), None);
        assert_eq!(prefix_in("send it as <key>"), None);
    }

    #[test]
    fn leaves_compare_without_case_separators_or_brackets() {
        assert_eq!(leaf("meta.total_pages"), "totalpages");
        assert_eq!(leaf("page[number]"), "pagenumber");
        assert_eq!(leaf("paging.next.after"), "after");
    }
}
