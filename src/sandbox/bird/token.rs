//! Bird's opaque `pageToken`: unpadded URL-safe base64 of `{"offset":N}` (the spec's example
//! token `eyJvZmZzZXQiOjJ9` decodes to `{"offset":2}`). Clients must treat it as opaque; the
//! sandbox only needs it to round-trip.

use serde_json::Value;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The token that resumes listing at `offset`.
pub(super) fn encode(offset: u64) -> String {
    base64(format!("{{\"offset\":{offset}}}").as_bytes())
}

/// The offset a token resumes at; `None` for anything this sandbox did not issue.
pub(super) fn decode(token: &str) -> Option<u64> {
    let bytes = unbase64(token)?;
    serde_json::from_slice::<Value>(&bytes).ok()?.get("offset")?.as_u64()
}

fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0_u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        // n input bytes make n + 1 output characters when there is no padding.
        for i in 0..=chunk.len() {
            let index = (group >> (18 - 6 * i)) & 0x3F;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// Decodes either base64 alphabet, with or without padding.
fn unbase64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0_u32, 0_u32);
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_matches_the_spec_example() {
        assert_eq!(encode(2), "eyJvZmZzZXQiOjJ9");
        for offset in [0, 1, 10, 99, 12_345, u64::MAX] {
            assert_eq!(decode(&encode(offset)), Some(offset));
        }
        assert_eq!(decode("eyJvZmZzZXQiOjEwfQ=="), Some(10));
        assert_eq!(decode("not a token"), None);
        assert_eq!(decode("e30"), None, "{{}} has no offset");
        assert_eq!(decode(""), None);
    }
}
