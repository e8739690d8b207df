//! Text from a server made safe to show on a terminal: the one home for the rule that data
//! never drives the user's terminal.
//!
//! A value may hold characters a terminal acts on instead of showing: C0 and C1 controls
//! (`ESC` starts escape sequences such as OSC 52, which writes the clipboard, or OSC 0, which
//! sets the window title; `BS` and `CR` overwrite what was printed; `U+009B` is a one-byte
//! CSI), `DEL`, bidi overrides and isolates that reorder the rest of the line, and invisible
//! format characters (zero-width spaces and joiners, the soft hyphen, tag characters) that hide
//! text or make the terminal's idea of a width differ from rolo's. [`visible`] replaces each
//! with a backslash escape of its code point: `\x1b` up to U+00FF, `\u{202e}` beyond. The
//! escape is for the eye only; the stored value is never changed, and `--json` output carries
//! the exact string ([`escape_json`]).

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for a character a terminal would act on, or that would hide or reorder text: every
/// control (C0, `DEL`, C1), the bidi controls, and the invisible format characters.
pub fn is_hidden_or_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'                       // soft hyphen
            | '\u{034F}'                     // combining grapheme joiner
            | '\u{061C}'                     // Arabic letter mark (bidi)
            | '\u{115F}' | '\u{1160}'        // Hangul fillers: blank, but not space
            | '\u{180B}'..='\u{180F}'        // Mongolian selectors and vowel separator
            | '\u{200B}'..='\u{200F}'        // zero-width space, (non-)joiner, LRM, RLM
            | '\u{2028}'..='\u{202E}'        // line/paragraph separators, bidi embeddings and overrides
            | '\u{2060}'..='\u{206F}'        // word joiner, invisible operators, bidi isolates
            | '\u{3164}' | '\u{FFA0}'        // Hangul fillers
            | '\u{FEFF}'                     // zero-width no-break space (BOM)
            | '\u{FFF9}'..='\u{FFFB}'        // interlinear annotation
            | '\u{1BCA0}'..='\u{1BCA3}'      // shorthand format controls
            | '\u{1D173}'..='\u{1D17A}'      // musical format controls
            | '\u{E0000}'..='\u{E007F}' // tag characters (invisible ASCII)
        )
}

/// `text` with every [`is_hidden_or_control`] character shown as its escape (`\x1b`,
/// `\u{202e}`); borrowed when there is none.
pub fn visible(text: &str) -> Cow<'_, str> {
    visible_keeping(text, &[])
}

/// Like [`visible`], but line breaks and tabs stay as they are: for output whose lines are
/// meant (a CSV field holding several lines). A carriage return is still escaped, since it
/// moves the cursor back over what was printed.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    visible_keeping(text, &['\n', '\t'])
}

fn visible_keeping<'a>(text: &'a str, keep: &[char]) -> Cow<'a, str> {
    let unsafe_char = |c: char| is_hidden_or_control(c) && !keep.contains(&c);
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The escape a hidden or control character is shown as: `\x1b` up to U+00FF, else `\u{202e}`.
pub fn push_escape(out: &mut String, c: char) {
    let code = u32::from(c);
    if code <= 0xFF {
        let _ = write!(out, "\\x{code:02x}");
    } else {
        let _ = write!(out, "\\u{{{code:x}}}");
    }
}

/// JSON text (as serde_json writes it) with every [`is_hidden_or_control`] character that is
/// still raw written as a `\u` escape (a surrogate pair beyond U+FFFF). serde_json already
/// escapes C0 controls inside strings, so a raw newline can only be the pretty printer's own
/// and is kept; what remains raw (`DEL`, C1, bidi and format characters) is legal JSON but a
/// terminal may act on it. The escaped text parses to exactly the same strings.
pub fn escape_json(json: String) -> String {
    if !json.contains(|c| c != '\n' && is_hidden_or_control(c)) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if c != '\n' && is_hidden_or_control(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_invisible_characters_are_shown_as_escapes() {
        assert_eq!(visible("plain Ünïcødé 名前"), "plain Ünïcødé 名前");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(visible("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(visible("\x1b]52;c;aGk=\x07"), "\\x1b]52;c;aGk=\\x07");
        assert_eq!(visible("ab\x08\x08cd\x7f"), "ab\\x08\\x08cd\\x7f");
        assert_eq!(visible("\u{9b}31m"), "\\x9b31m");
        assert_eq!(visible("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("a\u{200b}d\u{2066}m\u{2069}in\u{ad}"), "a\\u{200b}d\\u{2066}m\\u{2069}in\\xad");
        assert_eq!(visible("tag\u{E0041}"), "tag\\u{e0041}");
        assert_eq!(visible("two\nlines\tand\r"), "two\\x0alines\\x09and\\x0d");
        assert_eq!(visible_lines("two\nlines\tand\r"), "two\nlines\tand\\x0d");
    }

    #[test]
    fn escaped_json_parses_back_to_the_same_strings() {
        let value = serde_json::json!({"name": "\u{1b}]0;pwned\u{7}\u{9b}2J\u{7f}\u{202e}x\u{200d}\u{E0041}\nok"});
        let text = escape_json(serde_json::to_string_pretty(&value).unwrap());
        assert!(!text.contains(|c| c != '\n' && is_hidden_or_control(c)), "{text:?}");
        assert!(text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\udb40\\udc41"), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
