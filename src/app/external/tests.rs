//! The editor document: round trips, errors, every vendor's kinds.
use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::record::Contact;
use crate::validate::validate;

fn draft(vendor: &str, record: Value) -> (Arc<Backend>, Draft) {
    let backend = Arc::new(crate::backend::find(vendor, None).expect("built-in backend"));
    let contact = Contact::from_record(&backend, record).expect("a record with an id");
    let draft = Draft::new(&backend, contact);
    (backend, draft)
}

fn merch() -> (Arc<Backend>, Draft) {
    draft(
        "corporatemerch",
        json!({
            "id": 42, "first_name": "Ana", "last_name": "Lima", "email": "ana@example.com",
            "phone_number": "+1 555 0100", "gender": "female", "shirt_size": "MD",
            "birthday": "1990-04-01", "type": "employee", "country": "US", "address": "1 Main St",
            "address2": null, "city": "Albany", "state": "NY", "zip_code": "12207",
            "address_validated": true, "address_forced": false, "address_verified": false,
            "company_name": "Acme", "lists": [12, 31], "labels": [],
            "created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-02-03T04:05:06Z"
        }),
    )
}

fn bird() -> (Arc<Backend>, Draft) {
    draft(
        "bird",
        json!({
            "id": "5b1c8f0e-7d7a-4a55-9a36-0c5d2f1e9b01",
            "computedDisplayName": "Ana Lima",
            "featuredIdentifiers": [{"key": "emailaddress", "value": "ana@example.com"}],
            "attributes": {"firstName": "Ana", "lastName": null, "vip": true, "seats": 3,
                           "tags": ["a", 2], "gone": null, "plan": "pro"},
            "listIds": ["0b9c3c52-1f1e-4c7a-8f3e-6d1b2a3c4d5e"],
            "accountIds": ["1a2b3c4d-1f1e-4c7a-8f3e-6d1b2a3c4d5e"],
            "companyRefs": ["acme"],
            "strategy": "first",
            "isAnonymous": false,
            "workspaceId": "9d0f6b5e-2a3c-4b1d-8e7f-123456789abc",
            "createdAt": "2024-01-02T03:04:05Z",
            "updatedAt": "2024-02-03T04:05:06Z"
        }),
    )
}

const BOTH: [EditorFormat; 2] = [EditorFormat::Toml, EditorFormat::Json];

fn changed(backend: &Backend, changes: &[(usize, Input)]) -> Vec<String> {
    changes.iter().map(|(i, _)| backend.fields[*i].name().to_string()).collect()
}

fn input_of<'a>(backend: &Backend, changes: &'a [(usize, Input)], key: &str) -> &'a Input {
    let index = backend.field_index(key).unwrap();
    &changes.iter().find(|(i, _)| *i == index).unwrap_or_else(|| panic!("{key} not changed")).1
}

#[test]
fn an_untouched_document_changes_nothing_in_either_format() {
    for (backend, draft) in [merch(), bird()] {
        for format in BOTH {
            let text = document(&backend, &draft, format);
            let changes = read_document(&backend, &draft, format, &text)
                .unwrap_or_else(|e| panic!("{format:?} {}: {e:?}\n{text}", backend.name));
            assert!(changes.is_empty(), "{format:?} {}: {changes:?}\n{text}", backend.name);
        }
    }
}

#[test]
fn the_header_names_the_contact_how_to_cancel_and_the_read_only_fields() {
    let (backend, draft) = merch();
    let text = document(&backend, &draft, EditorFormat::Toml);
    assert!(text.starts_with("# rolo: Ana Lima (id 42), Corporate Merch\n"), "{text}");
    assert!(text.contains("save unchanged or empty to cancel") || text.contains("Save unchanged or empty to cancel"));
    assert!(text.contains("#   id = \"42\"\n"), "{text}");
    assert!(text.contains("#   created_at = \"2024-01-02T03:04:05Z\"\n"), "{text}");
    assert!(text.contains("\nfirst_name = \"Ana\"\n"), "{text}");
    assert!(text.contains("\nlists = [12, 31]\n"), "{text}");
    assert!(text.contains("\naddress_validated = true\n"), "{text}");
    assert!(text.contains("\naddress2 = \"\"\n"), "{text}");
    assert!(!text.contains("\nid ="), "read-only fields are comments only");
}

#[test]
fn every_corporatemerch_kind_comes_back_typed() {
    let (backend, draft) = merch();
    let text = document(&backend, &draft, EditorFormat::Toml)
        .replace("first_name = \"Ana\"", "first_name = \"Anna \\\"Nan\\\"\"")
        .replace("email = \"ana@example.com\"", "email = \"anna@example.org\"")
        .replace("shirt_size = \"MD\"", "shirt_size = \"XL\"")
        .replace("birthday = \"1990-04-01\"", "birthday = 1991-05-02")
        .replace("country = \"US\"", "country = \"CA\"")
        .replace("state = \"NY\"", "state = \"ON\"")
        .replace("address_forced = false", "address_forced = true")
        .replace("lists = [12, 31]", "lists = [7]")
        .replace("labels = []", "labels = [1, 2]");
    let changes = read_document(&backend, &draft, EditorFormat::Toml, &text).unwrap();
    assert_eq!(
        changed(&backend, &changes),
        ["first_name", "email", "shirt_size", "birthday", "country", "state", "address_forced", "lists", "labels"]
    );
    assert_eq!(input_of(&backend, &changes, "first_name"), &Input::Text("Anna \"Nan\"".into()));
    assert_eq!(input_of(&backend, &changes, "birthday"), &Input::Text("1991-05-02".into()));
    assert_eq!(input_of(&backend, &changes, "address_forced"), &Input::Toggle(true));
    assert_eq!(input_of(&backend, &changes, "labels"), &Input::Text("1, 2".into()));
}

#[test]
fn json_documents_work_the_same() {
    let (backend, draft) = merch();
    let text = document(&backend, &draft, EditorFormat::Json);
    assert!(text.contains("\"lists\": [\n    12,\n    31\n  ]"), "{text}");
    let text = text
        .replace("\"gender\": \"female\"", "\"gender\": \"male\"")
        .replace("\"lists\": [\n    12,\n    31\n  ]", "\"lists\": []");
    let changes = read_document(&backend, &draft, EditorFormat::Json, &text).unwrap();
    assert_eq!(changed(&backend, &changes), ["gender", "lists"]);
    assert_eq!(input_of(&backend, &changes, "lists"), &Input::Text(String::new()));
}

#[test]
fn wrong_keys_types_and_values_are_all_named() {
    let (backend, draft) = merch();
    let text = document(&backend, &draft, EditorFormat::Toml)
        .replace("gender = \"female\"", "gender = \"other\"")
        .replace("address_forced = false", "address_forced = \"yes\"")
        .replace("lists = [12, 31]", "lists = [12, \"x\"]")
        .replace("zip_code = \"12207\"", "zip_code = 12207")
        + "nickname = \"Annie\"\n";
    let errors = read_document(&backend, &draft, EditorFormat::Toml, &text).unwrap_err();
    let all = errors.join("\n");
    assert!(all.contains("gender: \"other\" is not allowed; one of: male, female"), "{all}");
    assert!(all.contains("address_forced: expected true or false"), "{all}");
    assert!(all.contains("lists: \"x\" is not a whole number"), "{all}");
    assert!(all.contains("zip_code: expected text in quotes"), "{all}");
    assert!(all.contains("`nickname` is not a field of Corporate Merch"), "{all}");
}

#[test]
fn the_forms_validation_refuses_what_the_edit_breaks() {
    let (backend, draft) = merch();
    let text = document(&backend, &draft, EditorFormat::Toml)
        .replace("email = \"ana@example.com\"", "email = \"not-an-email\"")
        .replace("first_name = \"Ana\"", "first_name = \"\"");
    let errors = read_document(&backend, &draft, EditorFormat::Toml, &text).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("first_name: "), "{errors:?}");
    assert!(errors[1].starts_with("email: Not a valid email address"), "{errors:?}");
}

#[test]
fn read_only_fields_cannot_change_but_may_be_repeated() {
    let (backend, draft) = merch();
    let base = document(&backend, &draft, EditorFormat::Toml);
    assert!(read_document(&backend, &draft, EditorFormat::Toml, &format!("{base}id = \"42\"\n")).unwrap().is_empty());
    let errors = read_document(&backend, &draft, EditorFormat::Toml, &format!("{base}id = \"43\"\n")).unwrap_err();
    assert_eq!(errors, ["id: read-only, it cannot be changed"]);
}

#[test]
fn syntax_errors_point_at_the_line_as_the_user_will_see_it() {
    let (backend, draft) = merch();
    let text = document(&backend, &draft, EditorFormat::Toml).replace("city = \"Albany\"", "city = \"Albany");
    let errors = read_document(&backend, &draft, EditorFormat::Toml, &text).unwrap_err();
    let line = annotate(&text, &errors).lines().position(|l| l.starts_with("city =")).unwrap() + 1;
    assert_eq!(errors.len(), 1);
    assert!(errors[0].starts_with(&format!("TOML syntax, line {line}:")), "{errors:?} (line {line})");

    let text = document(&backend, &draft, EditorFormat::Json).replace("\"city\": \"Albany\",", "\"city\": \"Albany\"");
    let errors = read_document(&backend, &draft, EditorFormat::Json, &text).unwrap_err();
    assert!(errors[0].starts_with("JSON syntax, line "), "{errors:?}");
}

#[test]
fn errors_replace_the_last_error_block_and_keep_the_users_text() {
    let text = "# rolo: header\nemail = \"bad\"\n";
    let once = annotate(text, &["email: bad".into(), "two\nlines".into()]);
    assert_eq!(once, "# error: email: bad\n# error: two\n# error: lines\n# rolo: header\nemail = \"bad\"\n");
    let twice = annotate(&once, &["email: still bad".into()]);
    assert_eq!(twice, "# error: email: still bad\n# rolo: header\nemail = \"bad\"\n");
    // A document with errors on top still reads.
    let (backend, draft) = merch();
    let annotated = annotate(&document(&backend, &draft, EditorFormat::Json), &["x".into()]);
    assert!(read_document(&backend, &draft, EditorFormat::Json, &annotated).unwrap().is_empty());
}

#[test]
fn bird_keys_are_quoted_and_maps_lists_and_nulls_round_trip() {
    let (backend, draft) = bird();
    let text = document(&backend, &draft, EditorFormat::Toml);
    assert!(text.contains("\n\"attributes.firstName\" = \"Ana\"\n"), "{text}");
    assert!(text.contains("\n\"attributes.lastName\" = \"\"\n"), "null shows as empty: {text}");
    assert!(
        text.contains("\nattributes = { vip = true, seats = 3, tags = [\"a\", 2], gone = {}, plan = \"pro\" }\n"),
        "{text}"
    );
    assert!(text.contains("#   featuredIdentifiers = [\"ana@example.com\"]\n"), "{text}");
    let edited = text
        .replace("\"attributes.lastName\" = \"\"", "\"attributes.lastName\" = \"Lima\"")
        .replace("gone = {}, plan = \"pro\"", "plan = \"team\", extra = {}")
        .replace("companyRefs = [\"acme\"]", "companyRefs = [\"acme\", \"globex\"]")
        .replace("strategy = \"first\"", "strategy = \"strict_alias\"");
    let changes = read_document(&backend, &draft, EditorFormat::Toml, &edited).unwrap();
    assert_eq!(changed(&backend, &changes), ["attributes.lastName", "attributes", "companyRefs", "strategy"]);
    let Input::Map(entries) = input_of(&backend, &changes, "attributes") else { panic!("a map") };
    let keys: Vec<(&str, &str)> = entries.iter().map(|e| (e.key.as_str(), e.kind.name())).collect();
    assert_eq!(keys, [("vip", "bool"), ("seats", "number"), ("tags", "list"), ("plan", "string"), ("extra", "null")]);
    assert_eq!(input_of(&backend, &changes, "companyRefs"), &Input::Text("acme, globex".into()));
}

#[test]
fn bird_in_json_takes_null_and_checks_uuids_and_list_sizes() {
    let (backend, draft) = bird();
    let text = document(&backend, &draft, EditorFormat::Json);
    assert!(text.contains("\"attributes.lastName\": null"), "{text}");
    assert!(text.contains("\"gone\": null"), "{text}");
    let edited = text.replace("\"attributes.firstName\": \"Ana\"", "\"attributes.firstName\": null");
    let changes = read_document(&backend, &draft, EditorFormat::Json, &edited).unwrap();
    assert_eq!(input_of(&backend, &changes, "attributes.firstName"), &Input::Null);

    let broken = text.replace("\"1a2b3c4d-1f1e-4c7a-8f3e-6d1b2a3c4d5e\"", "\"nope\"");
    let errors = read_document(&backend, &draft, EditorFormat::Json, &broken).unwrap_err();
    assert!(errors.iter().any(|e| e.starts_with("accountIds: ")), "{errors:?}");
    let wrong = text.replace("\"strategy\": \"first\"", "\"strategy\": \"last\"");
    let errors = read_document(&backend, &draft, EditorFormat::Json, &wrong).unwrap_err();
    assert_eq!(errors, ["strategy: \"last\" is not allowed; one of: strict_alias, first_alias, first"]);
}

#[test]
fn problems_the_draft_already_had_do_not_block_an_edit() {
    let (backend, mut draft) = merch();
    let email = backend.field_index("email").unwrap();
    draft.set(email, Input::Text("broken".into()));
    assert!(!validate(&backend, &draft).is_empty());
    let text = document(&backend, &draft, EditorFormat::Toml).replace("city = \"Albany\"", "city = \"Troy\"");
    let changes = read_document(&backend, &draft, EditorFormat::Toml, &text).unwrap();
    assert_eq!(changed(&backend, &changes), ["city"]);
}

#[test]
fn every_built_in_backend_round_trips_a_sparse_record_in_both_formats() {
    for (name, _) in crate::backend::BUILT_IN {
        let backend = Arc::new(crate::backend::find(name, None).unwrap());
        let mut record = json!({});
        backend.record.id.merge(&mut record, json!("7")).unwrap();
        let draft = Draft::new(&backend, Contact::from_record(&backend, record).unwrap());
        for format in BOTH {
            let text = document(&backend, &draft, format);
            let read = read_document(&backend, &draft, format, &text);
            assert_eq!(read, Ok(Vec::new()), "{name} {format:?}:\n{text}");
        }
    }
}

#[test]
fn the_format_is_a_ui_setting_toml_by_default() {
    let ui: crate::config::UiSettings = toml::from_str("").unwrap();
    assert_eq!(ui.editor_format, EditorFormat::Toml);
    let ui: crate::config::UiSettings = toml::from_str("editor_format = \"json\"").unwrap();
    assert_eq!(ui.editor_format, EditorFormat::Json);
    assert!(toml::from_str::<crate::config::UiSettings>("editor_format = \"yaml\"").is_err());
    assert_eq!(extension(EditorFormat::Json), "json");
}
