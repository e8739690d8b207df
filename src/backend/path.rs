//! Paths into JSON documents (`data.items`, `contact.firstname`, `segments[].segmentId`) and
//! display templates built from them (`{first_name} {last_name}`).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Why a path or a template cannot be read, or a value cannot be written at a path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// `a..b`: a segment between dots is empty.
    #[error("path `{0}` has an empty segment")]
    EmptySegment(String),
    /// `a[0]`: only `[]` (every element) is a path step.
    #[error("path `{0}`: only `[]` (every element) is supported")]
    Index(String),
    /// A value cannot be written through `[]` (which element?).
    #[error("cannot write through `[]` in `{0}`")]
    NotWritable(String),
    /// A template's `{` has no `}`.
    #[error("template `{0}` has an unclosed `{{`")]
    Unclosed(String),
    /// A template's `}` has no `{`.
    #[error("template `{0}` has a stray `}}`")]
    Stray(String),
}

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// An object key.
    Key(String),
    /// `[]`: apply the rest of the path to every element of an array.
    Each,
}

/// A dotted path into a JSON value; the empty path is the value itself.
///
/// `a.b` reads key `b` of key `a`; `a[].b` reads `b` of every element of the array `a`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path {
    steps: Vec<Step>,
    text: String,
}

impl Path {
    /// Parses `a.b[].c`; rejects empty segments such as `a..b`.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let mut steps = Vec::new();
        if !text.is_empty() {
            for part in text.split('.') {
                let (name, each) = match part.strip_suffix("[]") {
                    Some(name) => (name, true),
                    None => (part, false),
                };
                if name.is_empty() && !each {
                    return Err(PathError::EmptySegment(text.to_string()));
                }
                if name.contains(['[', ']']) {
                    return Err(PathError::Index(text.to_string()));
                }
                if !name.is_empty() {
                    steps.push(Step::Key(name.to_string()));
                }
                if each {
                    steps.push(Step::Each);
                }
            }
        }
        Ok(Self { steps, text: text.to_string() })
    }

    /// True for the empty path (the whole document).
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// The path as written in the backend file.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Reads the value at this path; `None` when a key is missing or a step meets the wrong type.
    pub fn get<'a>(&self, value: &'a Value) -> Option<Cow<'a, Value>> {
        get_steps(&self.steps, value)
    }

    /// Writes `new` at this path, creating objects on the way. Paths with `[]` cannot be written.
    pub fn set(&self, target: &mut Value, new: Value) -> Result<(), PathError> {
        let mut current = target;
        for (i, step) in self.steps.iter().enumerate() {
            let Step::Key(key) = step else {
                return Err(PathError::NotWritable(self.text.clone()));
            };
            if !current.is_object() {
                *current = Value::Object(Map::new());
            }
            let map = current.as_object_mut().expect("made an object above");
            if i + 1 == self.steps.len() {
                map.insert(key.clone(), new);
                return Ok(());
            }
            current = map.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
        }
        *current = new;
        Ok(())
    }

    /// Like [`Path::set`], but when both the value already there and `new` are objects, their
    /// keys are combined, so `attributes.firstName` and an `attributes` map can share a body.
    pub fn merge(&self, target: &mut Value, new: Value) -> Result<(), PathError> {
        if let (Some(Value::Object(existing)), Value::Object(incoming)) = (self.get(target).map(Cow::into_owned), &new)
        {
            let mut combined = existing;
            combined.extend(incoming.clone());
            return self.set(target, Value::Object(combined));
        }
        self.set(target, new)
    }

    /// Takes the value at this path out of `value` (leaving `null`), rather than copying it: for
    /// a page's records, which would otherwise be held twice. A path with `[]` is read as
    /// [`Path::get`] reads it.
    pub fn take(&self, value: &mut Value) -> Option<Value> {
        if !self.is_writable() {
            return self.get(value).map(Cow::into_owned);
        }
        let mut current = value;
        for step in &self.steps {
            let Step::Key(key) = step else { return None };
            current = current.as_object_mut()?.get_mut(key)?;
        }
        Some(current.take())
    }

    /// True when the path can be written (no `[]` step).
    pub fn is_writable(&self) -> bool {
        !self.steps.contains(&Step::Each)
    }
}

fn get_steps<'a>(steps: &[Step], value: &'a Value) -> Option<Cow<'a, Value>> {
    let Some((first, rest)) = steps.split_first() else {
        return Some(Cow::Borrowed(value));
    };
    match first {
        Step::Key(key) => get_steps(rest, value.as_object()?.get(key)?),
        Step::Each => {
            let items = value.as_array()?;
            let mapped = items.iter().filter_map(|item| get_steps(rest, item).map(Cow::into_owned)).collect();
            Some(Cow::Owned(Value::Array(mapped)))
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Path {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Path::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Text with `{path}` holes, such as `{first_name} {last_name}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Hole(Path),
}

impl Template {
    /// Parses a template; `{{` and `}}` stand for literal braces.
    pub fn parse(text: &str) -> Result<Self, PathError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    literal.push('}');
                }
                '{' => {
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) => inner.push(c),
                            None => return Err(PathError::Unclosed(text.to_string())),
                        }
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(Part::Hole(Path::parse(inner.trim())?));
                }
                '}' => return Err(PathError::Stray(text.to_string())),
                c => literal.push(c),
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        Ok(Self { parts })
    }

    /// Fills the holes from `record`; missing values and nulls become empty, and the runs of
    /// spaces they leave behind collapse so `{first} {last}` never shows a stray space.
    pub fn render(&self, record: &Value) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Hole(path) => {
                    if let Some(value) = path.get(record) {
                        push_plain(&mut out, &value);
                    }
                }
            }
        }
        let collapsed: Vec<&str> = out.split_whitespace().collect();
        collapsed.join(" ")
    }

    /// The paths this template reads.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.parts.iter().filter_map(|part| match part {
            Part::Hole(path) => Some(path),
            Part::Literal(_) => None,
        })
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Template::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Appends a JSON value as plain text: strings without quotes, arrays comma-separated.
pub fn push_plain(out: &mut String, value: &Value) {
    match value {
        Value::Null => {}
        Value::String(s) => out.push_str(s),
        Value::Bool(b) => out.push_str(if *b { "yes" } else { "no" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_plain(out, item);
            }
        }
        Value::Object(_) => out.push_str(&value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_nested_and_mapped_values() {
        let doc = json!({"contact": {"firstname": "Zoë"}, "segments": [{"segmentId": "a"}, {"segmentId": "b"}]});
        let first = Path::parse("contact.firstname").unwrap();
        assert_eq!(first.get(&doc).unwrap().as_ref(), &json!("Zoë"));
        let ids = Path::parse("segments[].segmentId").unwrap();
        assert_eq!(ids.get(&doc).unwrap().as_ref(), &json!(["a", "b"]));
        assert!(Path::parse("missing.key").unwrap().get(&doc).is_none());
        assert_eq!(Path::parse("").unwrap().get(&doc).unwrap().as_ref(), &doc);
    }

    #[test]
    fn writes_create_missing_objects() {
        let mut doc = json!({});
        Path::parse("attributes.firstName").unwrap().set(&mut doc, json!("Ana")).unwrap();
        assert_eq!(doc, json!({"attributes": {"firstName": "Ana"}}));
        assert!(Path::parse("a[].b").unwrap().set(&mut doc, json!(1)).is_err());
    }

    #[test]
    fn merging_combines_objects() {
        let mut doc = json!({});
        Path::parse("attributes.firstName").unwrap().merge(&mut doc, json!("Ana")).unwrap();
        Path::parse("attributes").unwrap().merge(&mut doc, json!({"vip": true})).unwrap();
        assert_eq!(doc, json!({"attributes": {"firstName": "Ana", "vip": true}}));
    }

    #[test]
    fn rejects_malformed_paths() {
        assert!(Path::parse("a..b").is_err());
        assert!(Path::parse("a[0]").is_err());
    }

    #[test]
    fn templates_skip_missing_values_without_stray_spaces() {
        let t = Template::parse("{first_name} {last_name}").unwrap();
        assert_eq!(t.render(&json!({"first_name": "Renée", "last_name": null})), "Renée");
        assert_eq!(t.render(&json!({"first_name": "A", "last_name": "B"})), "A B");
        assert!(Template::parse("{open").is_err());
    }
}
