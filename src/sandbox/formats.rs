//! String formats shared by the dialects' validators, and the timestamp spellings they write.
//!
//! The checks follow what the independent mock server (Prism, via ajv-formats) accepts for the
//! OpenAPI `format`s the specs use, so that the sandbox and the mock agree on what is valid.

use std::sync::LazyLock;

use jiff::Timestamp;
use regex::Regex;

/// The `email` format: an ASCII local part and a dotted host name.
pub(crate) fn is_email(s: &str) -> bool {
    static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$",
        )
        .expect("the e-mail pattern is a valid regex")
    });
    EMAIL.is_match(s)
}

/// The `uuid` format: 8-4-4-4-12 hexadecimal digits, either case.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() })
}

/// The `date-time` format (RFC 3339): a real date and time with a seconds field and an explicit
/// offset (`Z` or `±hh:mm`); fractional seconds are optional.
pub(crate) fn is_date_time(s: &str) -> bool {
    static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$")
            .expect("the date-time pattern is a valid regex")
    });
    let Some(caps) = DATE_TIME.captures(s) else {
        return false;
    };
    let number = |i: usize| caps.get(i).map_or(Some(0), |m| m.as_str().parse::<i16>().ok());
    let parts: Option<Vec<i16>> = (1..=8).map(number).collect();
    let Some(&[year, month, day, hour, minute, second, off_h, off_m]) = parts.as_deref() else {
        return false;
    };
    let date_ok = match (i8::try_from(month), i8::try_from(day)) {
        (Ok(month), Ok(day)) => jiff::civil::Date::new(year, month, day).is_ok(),
        _ => false,
    };
    date_ok && hour < 24 && minute < 60 && second < 60 && off_h < 24 && off_m < 60
}

/// The `uri` format: a scheme, then no whitespace or characters that must be escaped, and a
/// non-empty authority when one is introduced with `//`.
pub(crate) fn is_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    let chars_ok = rest.bytes().all(|b| b.is_ascii_graphic() && !b"<>\"{}|\\^`".contains(&b));
    let authority_ok =
        rest.strip_prefix("//").is_none_or(|tail| !tail.starts_with(['/', '?', '#']) && !tail.is_empty());
    scheme_ok && chars_ok && authority_ok
}

/// Whole seconds in UTC, `2024-06-01T12:30:00Z`.
pub(crate) fn utc_seconds(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Milliseconds in UTC, `2024-06-01T12:30:00.000Z` (Bird's spelling).
pub(crate) fn utc_millis(at: Timestamp) -> String {
    format!("{}.{:03}Z", at.strftime("%Y-%m-%dT%H:%M:%S"), at.subsec_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for good in ["renee.cote@example.ca", "a+b@sub.example.co.uk", "O'Neil@example.com"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "plainaddress",
            "a@b",
            "a@@example.com",
            "jürgen@example.de",
            "a b@example.com",
            ".a@example.com",
            "a@-example.com",
            "",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("497f6eca-6276-4993-bfeb-53cbbbba6f08"));
        assert!(is_uuid("497F6ECA-6276-4993-BFEB-53CBBBBA6F08"));
        for bad in ["497f6eca62764993bfeb53cbbbba6f08", "497f6eca-6276-4993-bfeb-53cbbbba6f0g", "x", ""] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }

    #[test]
    fn date_times() {
        for good in ["2023-11-07T05:31:56Z", "2024-02-29t00:00:00.123456+05:30", "2024-06-01 12:30:00-03:00"] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "2023-11-07T05:31:56",
            "2023-11-07",
            "2023-02-30T00:00:00Z",
            "2023-11-07T24:00:00Z",
            "2023-11-07T05:31Z",
            "2023-11-07T05:31:56+0100",
            "2023-11-07T05:31:56+24:00",
            "",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn uris() {
        for good in ["https://crm.example.com/leads/731", "mailto:a@example.com", "urn:isbn:0451450523"] {
            assert!(is_uri(good), "{good}");
        }
        for bad in ["crm.example.com/leads", "https://", "https:///path", "http://a b", "1http://x", "https://ü.de"] {
            assert!(!is_uri(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        let at = Timestamp::from_millisecond(1_717_245_000_042).expect("valid");
        assert_eq!(utc_seconds(at), "2024-06-01T12:30:00Z");
        assert_eq!(utc_millis(at), "2024-06-01T12:30:00.042Z");
    }
}
