//! Query-string helpers shared by the dialects' list endpoints.
//!
//! Handlers take the query as `(key, value)` pairs rather than a typed struct so that each
//! dialect can report a bad parameter in its vendor's own error body.

/// The last value of a query parameter (the common framework behaviour for repeated keys).
pub(crate) fn last<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Every value of a repeated query parameter, in order.
pub(crate) fn all<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

/// Why an integer parameter was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntProblem {
    /// Not a whole number.
    NotInteger,
    /// Smaller than the minimum (given).
    Below(i64),
    /// Larger than the maximum (given).
    Above(i64),
}

/// Parses an integer parameter (surrounding spaces ignored) that must lie in `min..=max`.
pub(crate) fn int(raw: &str, min: i64, max: Option<i64>) -> Result<i64, IntProblem> {
    let n = raw.trim().parse::<i64>().map_err(|_| IntProblem::NotInteger)?;
    match max {
        _ if n < min => Err(IntProblem::Below(min)),
        Some(max) if n > max => Err(IntProblem::Above(max)),
        _ => Ok(n),
    }
}

/// Page `page` (1-based) of `per_page` items as a store `(offset, limit)`; both inputs are ≥ 1
/// once validated.
pub(crate) fn window(page: i64, per_page: i64) -> (u64, u64) {
    let (page, per_page) = (page.unsigned_abs().max(1), per_page.unsigned_abs().max(1));
    ((page - 1).saturating_mul(per_page), per_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bounded_integers() {
        assert_eq!(int(" 5 ", 1, Some(10)), Ok(5));
        assert_eq!(int("0", 1, Some(10)), Err(IntProblem::Below(1)));
        assert_eq!(int("11", 1, Some(10)), Err(IntProblem::Above(10)));
        assert_eq!(int("1.5", 1, None), Err(IntProblem::NotInteger));
        assert_eq!(int("", 1, None), Err(IntProblem::NotInteger));
        assert_eq!(int("99999999999999999999", 1, None), Err(IntProblem::NotInteger));
        assert_eq!(window(3, 20), (40, 20));
    }

    #[test]
    fn finds_last_and_all() {
        let pairs =
            vec![("a".to_owned(), "1".to_owned()), ("b".to_owned(), "2".to_owned()), ("a".to_owned(), "3".to_owned())];
        assert_eq!(last(&pairs, "a"), Some("3"));
        assert_eq!(all(&pairs, "a"), vec!["1", "3"]);
        assert_eq!(last(&pairs, "c"), None);
    }
}
