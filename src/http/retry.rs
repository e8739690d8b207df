//! Retrying reads: 429, 5xx, timeouts and dropped connections are tried again a bounded number
//! of times, after the server's `Retry-After` or an exponential backoff with jitter. Writes are
//! never retried behind the user's back: they may have been applied.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{Exchange, HttpError};

/// How reads are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first try.
    pub retries: u32,
    /// The first backoff; each retry doubles it (±50% jitter).
    pub base: Duration,
    /// The longest wait rolo accepts; a server asking for more is not retried.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { retries: 3, base: Duration::from_millis(400), max_wait: Duration::from_secs(30) }
    }
}

/// A retry about to happen, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry {
    /// Which retry this is (1-based).
    pub attempt: u32,
    /// How many retries there will be at most.
    pub of: u32,
    /// How long rolo waits before it.
    pub wait: Duration,
    /// What went wrong, in a few words.
    pub reason: String,
}

/// The retry to make after `error` on retry number `attempt` (1-based), if any.
pub(super) fn next_retry(policy: &RetryPolicy, attempt: u32, error: &HttpError) -> Option<Retry> {
    if attempt > policy.retries {
        return None;
    }
    let (reason, asked) = match error {
        HttpError::Status { status: status @ (429 | 500 | 502 | 503 | 504), exchange, .. } => {
            (status.to_string(), retry_after(exchange))
        }
        HttpError::Timeout { .. } => ("no answer in time".to_string(), None),
        HttpError::Connect { .. } => ("could not connect".to_string(), None),
        HttpError::Interrupted { exchange, .. } if exchange.status.is_none() => {
            ("connection dropped".to_string(), None)
        }
        _ => return None,
    };
    let wait = match asked {
        Some(asked) if asked > policy.max_wait => return None,
        Some(asked) => asked,
        None => backoff(policy.base, attempt).min(policy.max_wait),
    };
    Some(Retry { attempt, of: policy.retries, wait, reason })
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(exchange: &Exchange) -> Option<Duration> {
    let value = exchange.headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("retry-after"))?.1.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let now = jiff::Timestamp::now();
    Some(Duration::try_from(when.duration_since(now)).unwrap_or(Duration::ZERO))
}

/// `base · 2^(attempt-1)`, scaled by a factor in [0.5, 1.5) so clients do not retry in step.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exponential = base.saturating_mul(1 << (attempt - 1).min(10));
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let factor = 0.5 + f64::from(nanos % 1000) / 1000.0;
    exponential.mul_f64(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16, headers: &[(&str, &str)]) -> HttpError {
        let exchange = Exchange {
            status: Some(code),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Exchange::default()
        };
        HttpError::Status { status: code, message: None, field_errors: vec![], exchange: Box::new(exchange) }
    }

    #[test]
    fn overloads_and_outages_are_retried_a_bounded_number_of_times() {
        let policy = RetryPolicy::default();
        for code in [429, 500, 502, 503, 504] {
            assert!(next_retry(&policy, 1, &status(code, &[])).is_some(), "{code}");
        }
        assert!(next_retry(&policy, 4, &status(503, &[])).is_none(), "three retries at most");
        for code in [400, 401, 404, 422] {
            assert!(next_retry(&policy, 1, &status(code, &[])).is_none(), "{code} will not get better");
        }
    }

    #[test]
    fn retry_after_is_obeyed_unless_it_is_too_long() {
        let policy = RetryPolicy::default();
        let retry = next_retry(&policy, 1, &status(429, &[("retry-after", "2")])).unwrap();
        assert_eq!(retry.wait, Duration::from_secs(2));
        assert!(next_retry(&policy, 1, &status(429, &[("retry-after", "3600")])).is_none());
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(next_retry(&policy, 1, &status(503, &[("Retry-After", past)])).unwrap().wait, Duration::ZERO);
    }

    #[test]
    fn backoff_grows_with_jitter() {
        let base = Duration::from_millis(100);
        for attempt in 1..=3 {
            let wait = backoff(base, attempt);
            let nominal = base * (1 << (attempt - 1));
            assert!(wait >= nominal / 2 && wait < nominal * 3 / 2, "{wait:?} for attempt {attempt}");
        }
    }
}
