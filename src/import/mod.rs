//! `rolo import`: a backend file generated from a vendor's OpenAPI description.
//!
//! The description says most of what a backend file needs: the operations, auth, the shapes
//! of records, requests and errors. What it rarely says (the paging style, which field is a
//! name) is guessed, marked `# guessed:` in the file and listed in [`Imported::notes`], as is
//! every schema part the backend format cannot express.

mod document;
mod envelope;
mod fields;
mod operations;
mod swagger;
mod write;

use std::fmt;

use serde_json::Value;

use document::Document;
use fields::Known;
use write::{Section, string, strings};

/// What `rolo import` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The resource to import (`contacts`) when the description has several.
    pub resource: Option<String>,
    /// The backend's machine name; default: from `info.title`.
    pub name: Option<String>,
}

/// A generated backend file and what was guessed or skipped on the way.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The backend file (TOML).
    pub text: String,
    /// Guesses and skipped schema parts, in the order they were met.
    pub notes: Vec<Note>,
}

/// One line of the summary printed on standard error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// Something the description does not say, decided by a rule of thumb.
    Guess(String),
    /// A part of the description the backend format cannot express, left out.
    Skipped(String),
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Guess(text) => write!(f, "guessed: {text}"),
            Note::Skipped(text) => write!(f, "skipped: {text}"),
        }
    }
}

/// The notes gathered while importing.
#[derive(Debug, Default)]
pub struct Notes(Vec<Note>);

impl Notes {
    fn guess(&mut self, text: String) {
        self.0.push(Note::Guess(text));
    }

    fn skipped(&mut self, text: String) {
        self.0.push(Note::Skipped(text));
    }
}

/// A description rolo cannot import, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}

/// Generates a backend file from the text of an OpenAPI 3.0, 3.1 or Swagger 2.0 description (YAML or JSON).
pub fn import(text: &str, options: &Options) -> Result<Imported, ImportError> {
    let doc = Document::parse(text)?;
    let mut notes = Notes::default();
    if doc.upgraded() {
        notes.guess("read as Swagger 2.0: bodies taken as JSON, OAuth 2 as a bearer token".into());
    }
    let resource = operations::find(&doc, options.resource.as_deref(), &mut notes)?;

    let (list, record) = envelope::list(&doc, &resource, &mut notes);
    let id = fields::id_key(&doc, record, &mut notes)
        .ok_or_else(|| ImportError(format!("the {} records have no id member (`id`, `uid`, …)", resource.name)))?;
    let send_all = envelope::replaces_whole(&doc, &resource.update);
    let update_schema = operations::request_schema(&doc, &resource.update);
    let built = fields::build(&doc, record, update_schema, &id, send_all, &mut notes);
    let [get, update] = envelope::endpoints(&doc, &resource, &id, send_all, &mut notes);

    let mut sections = vec![top(&doc, options, &resource.name), envelope::auth(&doc, &mut notes)];
    sections.push(record_section(&doc, record, &id, &built.known, &mut notes));
    sections.extend([list, get, update, envelope::errors(&doc, &resource.update, &mut notes)]);
    sections.extend(columns(&built.known));
    sections.extend(built.sections);
    if let Some(update) = update_schema {
        sections.extend(rules(&doc, update, &built.known, &mut notes));
    }
    // What was left out is said at the end of the file too, where a reader finishes.
    let skipped: Vec<String> =
        notes.0.iter().filter(|n| matches!(n, Note::Skipped(_))).map(|n| format!("  {n}")).collect();
    if !skipped.is_empty() {
        let mut tail = Section::default();
        tail.comments.push("Left out (the backend format cannot say these, or they are not values):".into());
        tail.comments.extend(skipped);
        sections.push(tail);
    }
    let text = write::render(&sections);
    Ok(Imported { text, notes: notes.0 })
}

/// `name`, `title`, `base_url`, and a comment saying where the file came from.
fn top(doc: &Document, options: &Options, resource: &str) -> Section {
    let info_title = doc.root()["info"]["title"].as_str().unwrap_or("Imported");
    // "Corporate Merch API - Contacts (…)" → "Corporate Merch".
    let cut = [" API", " (", " - ", " Contacts", " Contact "].iter().filter_map(|c| info_title.find(c)).min();
    let title = info_title[..cut.unwrap_or(info_title.len())].trim();
    let title = if title.is_empty() { info_title } else { title };
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| title.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase());
    let mut section = Section::default();
    section.comments.push(format!("Generated by `rolo import` from \"{info_title}\" (resource `{resource}`)."));
    section.comments.push("Lines marked `guessed:` are what the description did not say: check them.".into());
    section.set("name", string(&name)).set("title", string(title));
    if let Some(url) = doc.root()["servers"][0]["url"].as_str() {
        section.set("base_url", string(url));
    }
    section
}

fn leaf(path: &str) -> String {
    path.rsplit(['.', ']']).next().unwrap_or(path).replace(['_', '-'], "").to_lowercase()
}

fn find<'a>(known: &'a [Known], names: &[&str]) -> Option<&'a Known> {
    known.iter().find(|k| !k.read.contains("[]") && names.contains(&leaf(&k.read).as_str()))
}

/// The record's display name: first and last names, else a name, else an email, else the id.
fn title_template(known: &[Known], id: &str) -> String {
    let parts: Vec<String> =
        [&["firstname", "givenname"][..], &["lastname", "familyname", "surname"], &["secondlastname", "secondsurname"]]
            .iter()
            .filter_map(|names| find(known, names))
            .map(|k| format!("{{{}}}", k.read))
            .collect();
    if !parts.is_empty() {
        return parts.join(" ");
    }
    let single =
        find(known, &["name", "fullname", "displayname", "computeddisplayname"]).or_else(|| find(known, &["email"]));
    format!("{{{}}}", single.map_or(id, |k| k.read.as_str()))
}

fn record_section(doc: &Document, record: &Value, id: &str, known: &[Known], notes: &mut Notes) -> Section {
    let mut section = Section::new("[record]");
    section.set("id", string(id));
    let title = title_template(known, id);
    notes.guess(format!("record title `{title}`"));
    section.guessed("title", string(&title), "the members named like a name");
    let members = envelope::members(doc, record);
    let version = ["updatedat", "updated", "modifiedat", "lastmodified", "lastmodifiedat", "updatetime"]
        .iter()
        .find_map(|name| members.iter().find(|(p, _)| leaf(p) == *name));
    if let Some((path, _)) = version {
        notes.guess(format!("version field `{path}`"));
        section.guessed("version", string(path), "named like a last-change time");
    }
    section
}

/// Name, email, phone, company and country, where the record has them.
fn columns(known: &[Known]) -> Vec<Section> {
    let title = title_template(known, "id");
    let mut wanted: Vec<(&str, String, u16)> = vec![("Name", title, 24)];
    for (header, names, width) in [
        ("Email", &["email", "emailaddress"][..], 28),
        ("Phone", &["phone", "phonenumber", "mobile", "telephone"], 16),
        ("Company", &["company", "companyname", "organization", "organisation"], 22),
        ("Country", &["country", "countrycode"], 7),
    ] {
        if let Some(k) = find(known, names) {
            wanted.push((header, format!("{{{}}}", k.read), width));
        }
    }
    wanted
        .into_iter()
        .map(|(header, value, width)| {
            let mut section = Section::new("[[column]]");
            section.set("title", string(header)).set("value", string(&value)).set("width", width.to_string());
            section
        })
        .collect()
}

/// `anyOf: [{required: [a]}, {required: [b]}]` → a `one_of_required` rule; other
/// cross-field constraints are listed as skipped.
fn rules(doc: &Document, update: &Value, known: &[Known], notes: &mut Notes) -> Vec<Section> {
    let update = doc.resolve(update);
    let mut out = Vec::new();
    for key in ["anyOf", "oneOf"] {
        let Some(alternatives) = update.get(key).and_then(Value::as_array) else { continue };
        let names: Option<Vec<&Known>> = alternatives
            .iter()
            .map(|a| match a.get("required").and_then(Value::as_array).map(Vec::as_slice) {
                Some([Value::String(name)]) if a.as_object().is_some_and(|o| o.len() == 1) => {
                    known.iter().find(|k| &k.key == name)
                }
                _ => None,
            })
            .collect();
        match names {
            Some(names) if names.len() > 1 => {
                let labels: Vec<&str> = names.iter().map(|k| k.label.as_str()).collect();
                let mut section = Section::new("[[rule]]");
                section.set("rule", string("one_of_required"));
                section.set("fields", strings(&names.iter().map(|k| k.key.as_str()).collect::<Vec<_>>()));
                section.set("message", string(&format!("{} is required", labels.join(" or "))));
                out.push(section);
            }
            _ => notes.skipped(format!("the update body's `{key}`: a constraint across fields rolo cannot express")),
        }
    }
    if update.get("allOf").is_some() {
        notes.skipped("the update body's `allOf` conditions (e.g. one field's values depending on another's)".into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SWAGGER: &str = r##"
swagger: "2.0"
info: { title: Oldcrm API, version: "1" }
host: oldcrm.example
basePath: /v1
schemes: [https]
securityDefinitions:
  key: { type: apiKey, in: query, name: token }
security: [{ key: [] }]
parameters:
  Id: { name: id, in: path, required: true, type: integer }
paths:
  /clients:
    get:
      parameters:
        - { name: page, in: query, type: integer, minimum: 0 }
        - { name: per_page, in: query, type: integer, maximum: 250 }
      responses:
        200:
          description: clients
          schema: { type: array, items: { $ref: "#/definitions/Client" } }
  /clients/{id}:
    parameters: [{ $ref: "#/parameters/Id" }]
    get:
      responses:
        200: { description: one, schema: { $ref: "#/definitions/Client" } }
    put:
      parameters:
        - { name: body, in: body, schema: { $ref: "#/definitions/ClientInput" } }
      responses:
        200: { description: saved, schema: { $ref: "#/definitions/Client" } }
        422: { description: invalid, schema: { $ref: "#/definitions/Invalid" } }
definitions:
  Client:
    type: object
    properties:
      id: { type: integer, readOnly: true }
      name: { type: string }
      email: { type: string, format: email, x-nullable: true }
      modified: { type: string, format: date-time }
  ClientInput:
    type: object
    required: [name]
    properties:
      name: { type: string }
      email: { type: string, format: email, x-nullable: true }
  Invalid:
    type: object
    properties:
      message: { type: string }
      errors: { type: object, additionalProperties: { type: array, items: { type: string } } }
"##;

    #[test]
    fn a_value_that_may_also_be_empty_is_marked_empty_ok() {
        let spec = include_str!("../../tests/data/openapi/hubbub.yaml")
            .replacen(
                "email: { type: [string, 'null'], format: email }",
                "email: { anyOf: [{ type: string, format: email }, { type: string, maxLength: 0 }] }",
                1,
            )
            .replacen("enum: [subscriber, lead, opportunity, customer]", "enum: ['', subscriber, lead]", 1);
        let imported = import(&spec, &Options::default()).unwrap();
        let backend =
            crate::backend::parse(&imported.text, "hubbub").unwrap_or_else(|e| panic!("{e}\n{}", imported.text));
        let email = backend.field("properties.email").unwrap();
        assert!(email.empty_ok && email.kind == crate::backend::FieldKind::Email, "{}", imported.text);
        let stage = backend.field("properties.lifecyclestage").unwrap();
        assert!(stage.empty_ok, "{}", imported.text);
        let values: Vec<String> = stage.values.iter().map(|v| v.text()).collect();
        assert_eq!(values, ["subscriber", "lead"]);
        assert!(!backend.field("properties.firstname").unwrap().empty_ok);
    }

    #[test]
    fn required_query_parameters_of_get_and_update_are_written_to_the_file() {
        let spec = include_str!("../../tests/data/openapi/hubbub.yaml")
            .replacen(
                "      operationId: getById\n",
                "      operationId: getById\n      parameters:\n        - { name: properties, in: query, required: true, \
                 schema: { type: array, items: { type: string }, default: [firstname, email] } }\n        \
                 - { name: archived, in: query, schema: { type: boolean } }\n",
                1,
            )
            .replacen(
                "      operationId: update\n",
                "      operationId: update\n      parameters: [{ name: 'idProperty', in: query, required: true, schema: { type: string } }]\n",
                1,
            );
        let imported = import(&spec, &Options::default()).unwrap();
        let backend =
            crate::backend::parse(&imported.text, "hubbub").unwrap_or_else(|e| panic!("{e}\n{}", imported.text));
        let get: Vec<(&str, &str)> = backend.get.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(get, [("properties", "firstname,email")], "only the required one");
        assert_eq!(backend.update.query.get("idProperty").map(String::as_str), Some(""));
        assert!(imported.text.contains("# guessed: required, with no default or example: fill in idProperty"));
        assert!(imported.notes.iter().any(|n| n.to_string().contains("fill in idProperty")));
    }

    #[test]
    fn required_members_the_user_has_no_choice_in_are_read_only_and_always_sent() {
        // JSON:API: every PATCH carries `data.type` (one value) and `data.id` (the record's).
        let spec = include_str!("../../tests/data/openapi/ledgerly.json");
        let imported = import(spec, &Options::default()).unwrap();
        let backend =
            crate::backend::parse(&imported.text, "ledgerly").unwrap_or_else(|e| panic!("{e}\n{}", imported.text));
        for key in ["data.type", "data.id"] {
            let field = backend.field(key).unwrap();
            assert!(field.read_only && field.always_send && !field.required, "{key}:\n{}", imported.text);
        }
        assert_eq!(backend.field("data.id").unwrap().read_path().as_str(), "id");
        assert!(backend.field("id").is_none(), "`data.id` takes the place of the record's id field");
        assert_eq!(backend.fields.iter().filter(|f| f.label == "ID").count(), 1);
        let email = backend.field("data.attributes.email").unwrap();
        assert!(!email.read_only && !email.always_send);

        // `const` says it too; a required member with a choice stays editable and required.
        let mut spec: Value = serde_json::from_str(spec).unwrap();
        let person = &mut spec["components"]["schemas"]["Person"];
        person["properties"]["type"] = serde_json::json!({"type": "string", "const": "people"});
        person["properties"]["role"] = serde_json::json!({"type": "string", "enum": ["member", "owner"]});
        person["required"].as_array_mut().unwrap().push("role".into());
        let imported = import(&spec.to_string(), &Options::default()).unwrap();
        let backend =
            crate::backend::parse(&imported.text, "ledgerly").unwrap_or_else(|e| panic!("{e}\n{}", imported.text));
        let kind = backend.field("data.type").unwrap();
        assert!(kind.read_only && kind.always_send, "{}", imported.text);
        let role = backend.field("data.role").unwrap();
        assert!(role.required && !role.read_only && !role.always_send, "{}", imported.text);
    }

    #[test]
    fn swagger_2_is_read_as_openapi_3() {
        let imported = import(SWAGGER, &Options::default()).unwrap();
        let backend =
            crate::backend::parse(&imported.text, "oldcrm").unwrap_or_else(|e| panic!("{e}\n{}", imported.text));
        assert_eq!(backend.base_url.as_deref(), Some("https://oldcrm.example/v1"));
        assert_eq!(backend.auth, crate::backend::Auth::Query { param: "token".into() });
        assert_eq!((backend.list.path.as_str(), backend.list.items.as_str()), ("/clients", ""));
        let crate::backend::Paging::Page { page_param, size, first, .. } = &backend.list.paging else {
            panic!("{:?}", backend.list.paging)
        };
        assert_eq!((page_param.as_str(), *size, *first), ("page", 100, 0));
        assert_eq!(backend.update.send, crate::backend::SendFields::All, "the body requires `name`");
        let email = backend.field("email").unwrap();
        assert!(email.nullable && email.kind == crate::backend::FieldKind::Email && !email.read_only);
        assert!(backend.field("name").unwrap().required);
        assert!(backend.field("id").unwrap().read_only);
        assert!(imported.notes.iter().any(|n| n.to_string().contains("Swagger 2.0")));
        assert!(matches!(backend.errors.field_shapes[0], crate::backend::FieldErrorShape::Map { .. }));
    }
}
