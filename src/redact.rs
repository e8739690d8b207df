//! Keeping the profile's secret out of everything rolo shows, logs or writes, even when a
//! server echoes it back: a [`Redactor`] replaces the secret, and the forms it takes inside URLs
//! and JSON, with `***`.
//!
//! Where it applies (one home per kind of output):
//! - `http` redacts every text that comes from a server before anything else sees it: the
//!   exchange (URL, headers, body), error messages, and request descriptions for previews;
//! - records are kept exactly as received (an untouched field goes back as it came) and redacted
//!   where they leave rolo: each drawn frame (`ui::draw`), the headless commands' output, the
//!   draft journal and the change history.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// What the secret is replaced with.
pub const MASK: &str = "***";

/// The shortest piece of the secret masked on its own where text is cut to fit (a field wider
/// than its column, a wrapped line): shorter pieces say nothing useful about a real token.
const PIECE: usize = 8;

/// Replaces a secret, and its encoded forms, with [`MASK`]. Cheap to clone; prints nothing of
/// the secret in `Debug`.
#[derive(Clone, Default)]
pub struct Redactor(Option<Arc<Forms>>);

/// What a [`Redactor`] looks for.
struct Forms {
    /// The secret as written, then its encodings; longest first so a longer form is replaced
    /// whole before a shorter one inside it.
    whole: Vec<SecretString>,
    /// Every run of [`PIECE`] bytes (or a whole shorter form) of every form, packed in a
    /// `u64`, by run length; for [`Redactor::pieces`], which runs over whole outputs.
    pieces: Vec<(usize, Pieces)>,
    /// The bytes a piece can start with (a quick test before the set).
    starts: [bool; 256],
}

type Pieces = HashSet<u64, BuildHasherDefault<PackedHasher>>;

/// Pieces are already 8 packed bytes: mixing them once is hash enough.
#[derive(Default)]
struct PackedHasher(u64);

impl Hasher for PackedHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Up to 8 bytes as one number.
fn pack(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    word[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} forms)", self.0.as_ref().map_or(0, |forms| forms.whole.len()))
    }
}

impl Redactor {
    /// A redactor for `secret`; with none (or an empty one) it changes nothing.
    pub fn new(secret: Option<&SecretString>) -> Self {
        let Some(secret) = secret.map(ExposeSecret::expose_secret).filter(|s| !s.is_empty()) else {
            return Self::default();
        };
        let mut forms: Vec<String> = vec![secret.to_string()];
        for form in
            [query_encode(secret), percent_encode(secret), json_escape(secret), json_escape(secret).replace('/', "\\/")]
        {
            // Hex digits may come back in either case (`%2F`, `%2f`).
            for variant in [form.clone(), lower_hex(&form)] {
                if !forms.contains(&variant) {
                    forms.push(variant);
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let mut pieces: Vec<(usize, Pieces)> = Vec::new();
        let mut starts = [false; 256];
        for form in &forms {
            let length = PIECE.min(form.len());
            let at = match pieces.iter().position(|(l, _)| *l == length) {
                Some(at) => at,
                None => {
                    pieces.push((length, Pieces::default()));
                    pieces.len() - 1
                }
            };
            for piece in form.as_bytes().windows(length) {
                pieces[at].1.insert(pack(piece));
                starts[usize::from(piece[0])] = true;
            }
        }
        Self(Some(Arc::new(Forms { whole: forms.into_iter().map(SecretString::from).collect(), pieces, starts })))
    }

    /// True when there is nothing to redact.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// `text` with every form of the secret replaced by `***`.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        let Some(forms) = &self.0 else { return out };
        for form in forms.whole.iter().map(ExposeSecret::expose_secret) {
            if out.contains(form) {
                out = Cow::Owned(out.replace(form, MASK));
            }
        }
        out
    }

    /// [`Redactor::text`] for an owned string.
    pub fn string(&self, text: String) -> String {
        match self.text(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(redacted) => redacted,
        }
    }

    /// Redacts every string (and object key) inside a JSON value.
    pub fn json(&self, value: &mut Value) {
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(s) => {
                if let Cow::Owned(redacted) = self.text(s) {
                    *s = redacted;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.json(item)),
            Value::Object(map) => {
                let needs_key_change = map.keys().any(|k| matches!(self.text(k), Cow::Owned(_)));
                if needs_key_change {
                    let entries = std::mem::take(map);
                    for (key, mut item) in entries {
                        self.json(&mut item);
                        map.insert(self.string(key), item);
                    }
                } else {
                    map.values_mut().for_each(|item| self.json(item));
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// A redacted copy of a JSON value.
    pub fn json_copy(&self, value: &Value) -> Value {
        let mut copy = value.clone();
        self.json(&mut copy);
        copy
    }

    /// The byte ranges of `text` holding the secret or a piece of it at least 8 bytes long
    /// (a shorter secret: only whole), merged and in order. For text that was cut to fit: a
    /// drawn row of the screen, a table cell.
    pub fn pieces(&self, text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let mut found: Vec<Range<usize>> = Vec::new();
        let Some(forms) = &self.0 else { return found };
        for (length, set) in &forms.pieces {
            let length = *length;
            if bytes.len() < length {
                continue;
            }
            for start in 0..=bytes.len() - length {
                if forms.starts[usize::from(bytes[start])] && set.contains(&pack(&bytes[start..start + length])) {
                    found.push(start..start + length);
                }
            }
        }
        found.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
        for range in found {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        merged
    }

    /// [`Redactor::text`], then every remaining piece of the secret (text that was cut to fit
    /// a column) shown as `*`s.
    pub fn text_and_pieces(&self, text: &str) -> String {
        let whole = self.text(text);
        let pieces = self.pieces(&whole);
        if pieces.is_empty() {
            return whole.into_owned();
        }
        let mut out = String::with_capacity(whole.len());
        let mut at = 0;
        for range in pieces {
            // A piece may begin or end inside a multi-byte character: mask the whole character.
            let start = floor_char(&whole, range.start).max(at);
            out.push_str(&whole[at..start]);
            let end = ceil_char(&whole, range.end);
            out.extend(std::iter::repeat_n('*', whole[start..end].chars().count()));
            at = end;
        }
        out.push_str(&whole[at..]);
        out
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The secret as a query value (`application/x-www-form-urlencoded`: space as `+`).
fn query_encode(secret: &str) -> String {
    encode(secret, b"*-._", true)
}

/// The secret as a percent-encoded path segment or strict query value (space as `%20`).
/// A path segment or query value percent-encoded as rolo sends it (RFC 3986 unreserved kept);
/// the wire and the redactor share it, so a secret is masked in exactly the form it travels in.
pub(crate) fn percent_encode(text: &str) -> String {
    encode(text, b"-._~", false)
}

fn encode(text: &str, kept: &[u8], plus_for_space: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || kept.contains(&byte) {
            out.push(byte as char);
        } else if byte == b' ' && plus_for_space {
            out.push('+');
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The secret inside a JSON string (quotes, backslashes and controls escaped).
fn json_escape(secret: &str) -> String {
    let quoted = serde_json::to_string(secret).unwrap_or_default();
    quoted[1..quoted.len().saturating_sub(1).max(1)].to_string()
}

/// `%2F` written as `%2f`.
fn lower_hex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(hex) = chars.next_if(char::is_ascii_hexdigit) {
                    out.push(hex.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redactor(secret: &str) -> Redactor {
        Redactor::new(Some(&SecretString::from(secret.to_string())))
    }

    #[test]
    fn the_secret_and_its_url_and_json_forms_are_masked() {
        let r = redactor("in/SEC RET+1");
        let text = "raw in/SEC RET+1, query in%2FSEC+RET%2B1, path in%2FSEC%20RET%2B1, lower in%2fSEC+RET%2b1, \
                    json in\\/SEC RET+1";
        let shown = r.text(text);
        assert!(!shown.contains("SEC"), "{shown}");
        assert_eq!(shown.matches(MASK).count(), 5, "{shown}");
    }

    #[test]
    fn json_strings_and_keys_are_masked_and_other_values_kept() {
        let r = redactor("tok-123456");
        let mut value = json!({"a": "x tok-123456 y", "tok-123456": [1, true, null, "tok-123456"]});
        r.json(&mut value);
        assert_eq!(value, json!({"a": "x *** y", "***": [1, true, null, "***"]}));
    }

    #[test]
    fn without_a_secret_nothing_changes_and_debug_shows_no_secret() {
        assert!(matches!(Redactor::default().text("anything"), Cow::Borrowed(_)));
        assert!(Redactor::new(Some(&SecretString::from(String::new()))).is_empty());
        assert!(!format!("{:?}", redactor("hunter2-secret")).contains("hunter2"));
    }

    #[test]
    fn pieces_of_a_cut_secret_are_found_and_short_secrets_only_whole() {
        let r = redactor("tok-0123456789abcdef");
        // A column cut the secret at both ends.
        let text = "| 0123456789ab… | tok-0123 | tok-012 |";
        assert_eq!(r.text_and_pieces(text), "| ************… | ******** | tok-012 |");
        let short = redactor("abc%def");
        assert_eq!(short.pieces("abc%def and abc%25def and abc%d"), vec![0..7, 12..21]);
    }
}
