//! The backend file format: serde types for one vendor's contact API.
//!
//! Everything vendor-specific lives in these files (see `docs/backends.md`), never in Rust code.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::path::{Path, Template};

/// One vendor's contact API, as described by a backend file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backend {
    /// Short machine name, e.g. `corporatemerch`.
    pub name: String,
    /// Human name shown in the title bar, e.g. `Corporate Merch`.
    pub title: String,
    /// The vendor's production base URL; a profile may override it.
    #[serde(default)]
    pub base_url: Option<String>,
    /// How the secret is attached to every request.
    pub auth: Auth,
    /// Where records sit and how to fetch them.
    pub record: RecordShape,
    /// The list endpoint.
    pub list: ListEndpoint,
    /// The get-one endpoint.
    pub get: GetEndpoint,
    /// The update endpoint.
    pub update: UpdateEndpoint,
    /// How the vendor searches its whole list, when it can (`[search]`).
    #[serde(default)]
    pub search: Option<Search>,
    /// How the vendor's error bodies are read.
    #[serde(default)]
    pub errors: ErrorFormat,
    /// Columns of the contact list.
    #[serde(rename = "column")]
    pub columns: Vec<Column>,
    /// Fields of the form, in order.
    #[serde(rename = "field")]
    pub fields: Vec<Field>,
    /// Rules that span several fields.
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
}

/// How the secret travels.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(tag = "scheme", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// No authentication.
    None,
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// A header of the vendor's choosing, e.g. `X-API-Key: <secret>` or `Authorization: AccessKey <secret>`.
    Header {
        /// The header name.
        name: String,
        /// Text put before the secret, e.g. `"AccessKey "`.
        #[serde(default)]
        prefix: String,
    },
    /// A query parameter, e.g. `?api_key=<secret>` (always redacted from displayed URLs).
    Query {
        /// The parameter name.
        param: String,
    },
}

/// Paths that are the same in every answer carrying a record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordShape {
    /// Where the id sits inside a record, e.g. `id`.
    pub id: Path,
    /// The record's display name, e.g. `{first_name} {last_name}`.
    pub title: Template,
    /// The field that changes on every write (`updated_at`), for conflict checks.
    #[serde(default)]
    pub version: Option<Path>,
}

/// HTTP methods a backend may use.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
        }
    }
}

/// The list endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListEndpoint {
    /// Path relative to the base URL; `{var}` holes come from the profile's `vars`.
    pub path: String,
    /// Where the array of records sits in the answer (`data`, `data.items`, `results`).
    pub items: Path,
    /// Where the total count sits, if the vendor says.
    #[serde(default)]
    pub total: Option<Path>,
    /// Fixed query parameters sent with every list request.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// How pages are requested.
    pub paging: Paging,
    /// A query parameter that narrows the list to the contacts changed since a time, if the
    /// vendor has one: a local index then refreshes with only what changed.
    #[serde(default)]
    pub changed_since: Option<ChangedSince>,
}

/// `changed_since = { param = "updated_since", prefix = "" }`: the list answers only the
/// contacts changed at or after the time sent as `param=<prefix><time>`, the time in RFC 3339
/// UTC to the second (`2025-08-07T00:00:00Z`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangedSince {
    /// The query parameter.
    pub param: String,
    /// Text sent before the time (an operator such as `>=`), when the vendor wants one.
    #[serde(default)]
    pub prefix: String,
}

/// Pagination styles.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "style", rename_all = "snake_case", deny_unknown_fields)]
pub enum Paging {
    /// One request returns everything.
    None,
    /// Numbered pages: `?page=N&size=M`.
    Page {
        /// Name of the page-number parameter.
        page_param: String,
        /// Name of the page-size parameter.
        size_param: String,
        /// Page size rolo asks for (stay within the vendor's maximum).
        size: u32,
        /// Number of the first page (usually 1).
        #[serde(default = "one")]
        first: u32,
        /// Where the number of the last page sits, if the vendor says.
        #[serde(default)]
        last_page: Option<Path>,
    },
    /// Opaque cursors: `?size=M&cursor=T`, the next `T` read from the answer.
    Cursor {
        /// Name of the cursor parameter.
        cursor_param: String,
        /// Name of the page-size parameter.
        size_param: String,
        /// Page size rolo asks for.
        size: u32,
        /// Where the next cursor sits in the answer; absent or empty means the last page.
        next: Path,
    },
}

fn one() -> u32 {
    1
}

/// A search the vendor runs over its whole list, so that a contact not loaded yet is found
/// at once. rolo fills the user's query in and reads the answer's contacts as list rows.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "style", rename_all = "snake_case", deny_unknown_fields)]
pub enum Search {
    /// The list endpoint takes the query as a parameter (`GET /contacts?q=ana`) and answers
    /// like a list page, paged as the list is.
    Param {
        /// The query parameter's name.
        param: String,
    },
    /// A request of its own whose JSON body carries the query (`POST /contacts/search`); one
    /// answer holds every match rolo reads.
    Body {
        /// The method, POST unless the file says otherwise.
        #[serde(default = "post")]
        method: Method,
        /// Path relative to the base URL; `{var}` holes come from the profile's `vars`.
        path: String,
        /// The body sent; every `{query}` in its strings becomes the user's query.
        body: serde_json::Value,
        /// Where the array of records sits in the answer.
        items: Path,
        /// Where the number of matches sits, if the vendor says.
        #[serde(default)]
        total: Option<Path>,
    },
}

/// Where a [`Search::Body`] puts the query.
pub const QUERY_HOLE: &str = "{query}";

fn post() -> Method {
    Method::Post
}

impl Search {
    /// The body of a [`Search::Body`] request for `query`: the template with every
    /// [`QUERY_HOLE`] in its strings replaced (as JSON text is escaped, a query cannot break out).
    pub fn body_for(template: &serde_json::Value, query: &str) -> serde_json::Value {
        use serde_json::Value;
        match template {
            Value::String(text) => Value::String(text.replace(QUERY_HOLE, query)),
            Value::Array(items) => Value::Array(items.iter().map(|item| Self::body_for(item, query)).collect()),
            Value::Object(members) => {
                Value::Object(members.iter().map(|(k, v)| (k.clone(), Self::body_for(v, query))).collect())
            }
            other => other.clone(),
        }
    }
}

/// The get-one endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GetEndpoint {
    /// Path with an `{id}` hole.
    pub path: String,
    /// Fixed query parameters sent with every get (HubSpot's `properties=…`).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Where the record sits in the answer; `""` for a bare record.
    pub record: Path,
}

/// Which fields an update carries.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SendFields {
    /// Every writable field (for full-replacement PUTs).
    All,
    /// Only the fields the user changed (for PATCH and partial PUTs).
    Changed,
}

/// The update endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateEndpoint {
    /// Where the value for the path's `{id}` is read from the record, when not the record id
    /// (a vendor that also accepts an external reference there).
    #[serde(default)]
    pub id: Option<Path>,
    /// PUT, PATCH or POST.
    pub method: Method,
    /// Path with an `{id}` hole.
    pub path: String,
    /// Fixed query parameters sent with every update.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Whether to send every writable field or only the changed ones.
    pub send: SendFields,
    /// Where the saved record sits in the answer; `""` for a bare record.
    pub record: Path,
}

/// How error bodies are read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorFormat {
    /// Paths tried in order for the summary message; the first string found wins.
    #[serde(default = "default_message_paths")]
    pub message: Vec<Path>,
    /// Shapes tried in order for per-field errors.
    #[serde(default, rename = "fields")]
    pub field_shapes: Vec<FieldErrorShape>,
}

impl Default for ErrorFormat {
    fn default() -> Self {
        Self { message: default_message_paths(), field_shapes: Vec::new() }
    }
}

fn default_message_paths() -> Vec<Path> {
    vec![Path::parse("message").expect("constant path")]
}

/// Where per-field errors sit in an error body.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldErrorShape {
    /// An object of field name to message or list of messages (Laravel's `errors`).
    Map {
        /// Where the object sits.
        at: Path,
    },
    /// A list of objects each naming a field and a message (`error.details[]`, FastAPI's `detail[]`).
    List {
        /// Where the list sits.
        at: Path,
        /// Where the field name sits in each entry; if it is an array, its last element counts.
        field: Path,
        /// Where the message sits in each entry.
        message: Path,
    },
}

/// One column of the contact list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Header text.
    pub title: String,
    /// Cell text.
    pub value: Template,
    /// Relative width (columns share the screen in proportion).
    #[serde(default = "default_width")]
    pub width: u16,
}

fn default_width() -> u16 {
    10
}

/// The kinds of value a field holds; each has one validator and one widget.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Single-line free text.
    Text,
    /// An email address.
    Email,
    /// One of `values` (a dropdown).
    Enum,
    /// A calendar date, `yyyy-mm-dd`.
    Date,
    /// A date and time (RFC 3339), shown as text.
    DateTime,
    /// true / false (a toggle).
    Bool,
    /// A list of 32-bit integers, edited as `12, 31`.
    IntList,
    /// A list of strings, edited as `a, b`.
    StringList,
    /// A list of email addresses, edited as `a@x.com, b@y.com`.
    EmailList,
    /// A UUID.
    Uuid,
    /// A list of UUIDs, edited comma-separated.
    UuidList,
    /// An absolute http(s) URL.
    Url,
    /// An ISO 3166 two-letter country code (a dropdown of countries).
    Country,
    /// An open set of keys, each with a typed value (edited in the key/value editor).
    KeyValue,
}

/// How a field is edited in the form: the widget its kind gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widget {
    /// One line of text, typed into.
    Line,
    /// A yes/no toggle, flipped.
    Toggle,
    /// A list of allowed values, picked from (typing jumps).
    Dropdown,
    /// The key/value editor, opened on its own.
    Entries,
}

impl FieldKind {
    /// The widget a field of this kind is edited with.
    pub fn widget(self) -> Widget {
        match self {
            FieldKind::Enum | FieldKind::Country => Widget::Dropdown,
            FieldKind::Bool => Widget::Toggle,
            FieldKind::KeyValue => Widget::Entries,
            FieldKind::Text
            | FieldKind::Email
            | FieldKind::Date
            | FieldKind::DateTime
            | FieldKind::IntList
            | FieldKind::StringList
            | FieldKind::EmailList
            | FieldKind::Uuid
            | FieldKind::UuidList
            | FieldKind::Url => Widget::Line,
        }
    }

    /// True for kinds edited as one line of text.
    pub fn is_text_like(self) -> bool {
        self.widget() == Widget::Line
    }

    /// True for kinds edited as a comma-separated list.
    pub fn is_list(self) -> bool {
        matches!(self, FieldKind::IntList | FieldKind::StringList | FieldKind::EmailList | FieldKind::UuidList)
    }
}

/// One allowed value of an `enum` field: a string, or an integer sent as a JSON number.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum EnumValue {
    /// Sent as a JSON number (e.g. a priority 1–5).
    Int(i64),
    /// Sent as a JSON string.
    Text(String),
}

impl EnumValue {
    /// The value as the user sees and types it.
    pub fn text(&self) -> String {
        match self {
            EnumValue::Int(n) => n.to_string(),
            EnumValue::Text(s) => s.clone(),
        }
    }

    /// True when `text` names this value.
    pub fn matches(&self, text: &str) -> bool {
        match self {
            EnumValue::Int(n) => text.parse::<i64>().ok() == Some(*n),
            EnumValue::Text(s) => s == text,
        }
    }
}

/// The types a value in a key/value field may have.
#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// A JSON string.
    String,
    /// A JSON number.
    Number,
    /// true / false.
    Bool,
    /// A non-empty list of strings, numbers and booleans.
    List,
    /// JSON null.
    Null,
    /// Any other JSON (an object the server sent), kept as written.
    Json,
}

impl ValueType {
    /// The type's name in the editor.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Number => "number",
            ValueType::Bool => "bool",
            ValueType::List => "list",
            ValueType::Null => "null",
            ValueType::Json => "json",
        }
    }
}

/// How a key/value field is laid out in JSON.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MapLayout {
    /// An object: `{"plan": "pro", "seats": 12}`.
    #[default]
    Object,
    /// A list of pairs: `[{"key": "plan", "value": "pro"}]` (names set by `pair_key`/`pair_value`).
    Pairs,
}

fn default_value_types() -> Vec<ValueType> {
    vec![ValueType::String, ValueType::Number]
}

fn default_pair_key() -> String {
    "key".into()
}

fn default_pair_value() -> String {
    "value".into()
}

/// One field of the form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Where the value is written in an update body (also the key in error bodies).
    pub key: Path,
    /// Where the value is read from a record, when it differs from `key`.
    #[serde(default)]
    pub read: Option<Path>,
    /// Label shown in the form.
    pub label: String,
    /// The kind of value.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// An update is refused while this field is empty.
    #[serde(default)]
    pub required: bool,
    /// Shown, never sent (ids, timestamps), unless `always_send` says otherwise.
    #[serde(default)]
    pub read_only: bool,
    /// Travels in every update body, whatever `[update] send` says: as received when the user
    /// did not change it (JSON:API's `data.type` and `data.id`, read-only but required).
    #[serde(default)]
    pub always_send: bool,
    /// The vendor accepts `null` for this field.
    #[serde(default)]
    pub nullable: bool,
    /// The vendor accepts `""` for this field although its kind (an email, a date, an enum)
    /// has no empty value: emptying it sends `""`.
    #[serde(default)]
    pub empty_ok: bool,
    /// Allowed values of an `enum` field (strings, or integers sent as numbers).
    #[serde(default)]
    pub values: Vec<EnumValue>,
    /// The value a write-only field starts with when the record has none (e.g. an option).
    #[serde(default)]
    pub default: Option<String>,
    /// Fewest items a list may have when it is sent.
    #[serde(default)]
    pub min_items: Option<usize>,
    /// Most items a list (or entries a key/value field) may have.
    #[serde(default)]
    pub max_items: Option<usize>,
    /// Types a key/value field's values may take.
    #[serde(default = "default_value_types")]
    pub value_types: Vec<ValueType>,
    /// How a key/value field is laid out in JSON.
    #[serde(default)]
    pub layout: MapLayout,
    /// For `layout = "pairs"`: the name of each pair's key.
    #[serde(default = "default_pair_key")]
    pub pair_key: String,
    /// For `layout = "pairs"`: the name of each pair's value.
    #[serde(default = "default_pair_value")]
    pub pair_value: String,
    /// Keys of a key/value field that other fields of the form show (left out of this one).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The server merges a key/value field: send only changed keys, and removed keys as null.
    #[serde(default)]
    pub merge: bool,
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// What the pattern means, shown when it does not match.
    #[serde(default)]
    pub pattern_hint: Option<String>,
    /// One line of help shown beside the focused field.
    #[serde(default)]
    pub help: Option<String>,
    /// Section heading the field sits under.
    #[serde(default)]
    pub group: Option<String>,
    /// `pattern`, compiled and anchored when the file is loaded.
    #[serde(skip)]
    pub regex: Option<regex::Regex>,
}

impl Field {
    /// Where the value is read from a record.
    pub fn read_path(&self) -> &Path {
        self.read.as_ref().unwrap_or(&self.key)
    }

    /// The name used for this field in messages and error bodies.
    pub fn name(&self) -> &str {
        self.key.as_str()
    }

    /// The allowed values of an enum, for messages: `XS, SM, MD`.
    pub fn value_list(&self) -> String {
        self.values.iter().map(EnumValue::text).collect::<Vec<_>>().join(", ")
    }
}

/// Rules that span several fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// At least one of `fields` must be filled in.
    OneOfRequired {
        /// The field keys.
        fields: Vec<String>,
        /// Shown under each of them when all are empty.
        message: String,
    },
    /// When `when` equals a case's value, `field` must be one of that case's values.
    AllowedWhen {
        /// The field being checked.
        field: String,
        /// The field whose value selects the case.
        when: String,
        /// The cases.
        cases: Vec<RuleCase>,
    },
}

/// One case of an [`Rule::AllowedWhen`] rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleCase {
    /// The value of the `when` field this case applies to.
    pub equals: String,
    /// Values `field` may take then.
    pub values: Vec<String>,
    /// Shown under `field` when its value is not allowed.
    pub message: String,
}
