//! Writing the backend file: TOML sections of `key = value` lines, each guess written as a
//! `# guessed: …` comment above the line it is about, so a reader sees what to check.

use std::fmt::Write as _;

/// One `[table]`, `[[array]]` or the top level, in order.
#[derive(Debug, Default)]
pub struct Section {
    /// `[auth]`, `[[field]]`, or `None` for the top level.
    pub header: Option<String>,
    /// Comment lines written above the header.
    pub comments: Vec<String>,
    /// The `key = value` lines.
    pub entries: Vec<Entry>,
}

/// One `key = value` line, with the comment above it.
#[derive(Debug)]
pub struct Entry {
    key: String,
    value: String,
    comment: Option<String>,
}

impl Section {
    /// A section under `header` (`"[auth]"`, `"[[field]]"`).
    pub fn new(header: &str) -> Self {
        Self { header: Some(header.to_string()), ..Self::default() }
    }

    /// Adds `key = value`, `value` already TOML.
    pub fn set(&mut self, key: &str, value: String) -> &mut Self {
        self.entries.push(Entry { key: key.to_string(), value, comment: None });
        self
    }

    /// Adds `key = value` with a `# guessed: why` line above it.
    pub fn guessed(&mut self, key: &str, value: String, why: &str) -> &mut Self {
        self.entries.push(Entry { key: key.to_string(), value, comment: Some(format!("guessed: {why}")) });
        self
    }

    /// The TOML value of `key`, if set.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|e| e.key == key).map(|e| e.value.as_str())
    }
}

/// A TOML string.
pub fn string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A TOML array of strings.
pub fn strings<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| string(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// A TOML inline table of already-written values.
pub fn inline(pairs: &[(&str, String)]) -> String {
    let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{ {} }}", pairs.join(", "))
}

/// The whole file.
pub fn render(sections: &[Section]) -> String {
    let mut out = String::new();
    for section in sections {
        if !out.is_empty() {
            out.push('\n');
        }
        for comment in &section.comments {
            writeln!(out, "# {comment}").expect("writing to a String");
        }
        if let Some(header) = &section.header {
            writeln!(out, "{header}").expect("writing to a String");
        }
        for entry in &section.entries {
            if let Some(comment) = &entry.comment {
                writeln!(out, "# {comment}").expect("writing to a String");
            }
            writeln!(out, "{} = {}", entry.key, entry.value).expect("writing to a String");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses_are_comments_above_their_line_and_strings_are_escaped() {
        let mut top = Section::default();
        top.set("name", string("a \"b\""));
        let mut list = Section::new("[list]");
        list.guessed("paging", inline(&[("style", string("none"))]), "no paging parameters");
        let text = render(&[top, list]);
        assert_eq!(
            text,
            "name = 'a \"b\"'\n\n[list]\n# guessed: no paging parameters\npaging = { style = \"none\" }\n"
        );
        let table = toml::from_str::<toml::Table>(&text).unwrap();
        assert_eq!(table["name"].as_str(), Some("a \"b\""));
    }
}
