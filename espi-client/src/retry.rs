//! When to try again ([`RetryPolicy`]) and how to poll a 202 ([`AcceptedPolicy`]).

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Retries of one request: connection failures, timeouts, 408, 429 and 5xx.
///
/// When to try again: exponential backoff with jitter, `Retry-After`, and the bounds
/// on attempts and time ([`RetryPolicy`]); how to poll a batch answered 202 Accepted
/// ([`AcceptedPolicy`]).
///
/// The policies are plain values and [`RetryPolicy::delay`] a pure function of the
/// attempt, the server's `Retry-After` and a random draw, so the rules are tested
/// without sockets.
///
/// ```
/// use espi_client::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default();
/// // The second retry waits between half and all of 2 × the initial backoff…
/// let wait = policy.delay(2, None, 0.5);
/// assert!(wait >= policy.initial_backoff && wait <= policy.initial_backoff * 2);
/// // …and a server's Retry-After is honoured as a minimum.
/// assert_eq!(policy.delay(1, Some(Duration::from_secs(7)), 0.0), Duration::from_secs(7));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// The backoff before the first retry; it doubles on each retry.
    pub initial_backoff: Duration,
    /// The largest backoff.
    pub max_backoff: Duration,
    /// The most time one request may take over all its attempts; no retry starts
    /// whose wait would end after it.
    pub max_elapsed: Duration,
    /// The longest `Retry-After` honoured; a server asking for more makes the request
    /// fail at once (with its status) instead of waiting that long.
    pub max_retry_after: Duration,
    /// Randomise each backoff between half and all of its value, so that many
    /// clients do not retry in step.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    /// 6 attempts, backoff 500 ms doubling to 30 s, at most 5 minutes in all,
    /// `Retry-After` honoured up to 2 minutes, with jitter.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(300),
            max_retry_after: Duration::from_secs(120),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The default policy with another attempt count and backoff range (tests use
    /// milliseconds).
    pub fn new(max_attempts: u32, initial_backoff: Duration, max_backoff: Duration) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            initial_backoff,
            max_backoff,
            ..RetryPolicy::default()
        }
    }

    /// This policy with another bound on the total time.
    pub fn with_max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// This policy with another cap on `Retry-After`.
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// The wait before retry number `retry` (1 for the first retry): the exponential
    /// backoff `initial × 2^(retry−1)` capped at `max_backoff`, scaled into
    /// `[½, 1]` of itself by `draw` (in `[0, 1)`) when jitter is on, and never less
    /// than the server's `Retry-After`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, draw: f64) -> Duration {
        let exponent = retry.saturating_sub(1).min(30);
        let backoff = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let backoff = if self.jitter {
            backoff.mul_f64(0.5 + 0.5 * draw.clamp(0.0, 1.0))
        } else {
            backoff
        };
        match retry_after {
            Some(asked) => asked.max(backoff),
            None => backoff,
        }
    }
}

/// Polling a batch answered `202 Accepted` ("the data is being prepared":
/// GBA's OpenAPI description, for Batch/Bulk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AcceptedPolicy {
    /// Polls after the first request before giving up.
    pub max_polls: u32,
    /// The wait before the first poll when the server sends no `Retry-After`; it
    /// doubles on each poll.
    pub initial_delay: Duration,
    /// The longest wait between polls, `Retry-After` included.
    pub max_delay: Duration,
    /// The most time spent polling one request.
    pub max_elapsed: Duration,
}

impl Default for AcceptedPolicy {
    /// 20 polls, 2 s doubling to 5 minutes, at most one hour.
    fn default() -> Self {
        AcceptedPolicy {
            max_polls: 20,
            initial_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(300),
            max_elapsed: Duration::from_secs(3600),
        }
    }
}

impl AcceptedPolicy {
    /// A policy with the given bounds.
    pub fn new(max_polls: u32, initial_delay: Duration, max_delay: Duration) -> Self {
        AcceptedPolicy {
            max_polls,
            initial_delay,
            max_delay,
            ..AcceptedPolicy::default()
        }
    }

    /// The wait before poll number `poll` (1 for the first): the server's
    /// `Retry-After` when it sends one, else `initial × 2^(poll−1)`; capped at
    /// `max_delay` either way.
    ///
    /// ```
    /// use espi_client::AcceptedPolicy;
    /// use std::time::Duration;
    /// let policy = AcceptedPolicy::new(5, Duration::from_secs(1), Duration::from_secs(10));
    /// assert_eq!(policy.delay(3, None), Duration::from_secs(4));
    /// assert_eq!(policy.delay(9, None), Duration::from_secs(10));
    /// assert_eq!(policy.delay(1, Some(Duration::from_secs(3))), Duration::from_secs(3));
    /// ```
    pub fn delay(&self, poll: u32, retry_after: Option<Duration>) -> Duration {
        let exponent = poll.saturating_sub(1).min(30);
        retry_after
            .unwrap_or_else(|| self.initial_delay.saturating_mul(1u32 << exponent))
            .min(self.max_delay)
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3),
/// relative to `now` (epoch seconds). A date in the past is zero.
pub(crate) fn parse_retry_after(value: &str, now: i64) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value)
        .ok()?
        .timestamp();
    Some(Duration::from_secs(
        u64::try_from(at.saturating_sub(now)).unwrap_or(0),
    ))
}

/// A uniform draw in `[0, 1)` for jitter. Not for secrets: seeded once from the
/// standard library's per-process random hasher keys, then SplitMix64.
pub(crate) fn jitter_draw() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut state = STATE.load(Ordering::Relaxed);
    if state == 0 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(0x5EED);
        state = hasher.finish() | 1;
    }
    state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    STATE.store(state, Ordering::Relaxed);
    let mut z = state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_without_jitter() {
        let policy = RetryPolicy {
            jitter: false,
            ..RetryPolicy::new(10, Duration::from_millis(100), Duration::from_millis(1000))
        };
        let waits: Vec<u128> = (1..=6)
            .map(|retry| policy.delay(retry, None, 0.3).as_millis())
            .collect();
        assert_eq!(waits, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(policy.delay(u32::MAX, None, 0.0).as_millis(), 1000);
    }

    #[test]
    fn jitter_stays_within_half_and_whole() {
        let policy = RetryPolicy::new(10, Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(policy.delay(1, None, 0.0), Duration::from_millis(50));
        assert_eq!(policy.delay(1, None, 1.0), Duration::from_millis(100));
        for _ in 0..1000 {
            let draw = jitter_draw();
            assert!((0.0..1.0).contains(&draw));
            let wait = policy.delay(2, None, draw);
            assert!(wait >= Duration::from_millis(100) && wait <= Duration::from_millis(200));
        }
    }

    #[test]
    fn retry_after_is_a_minimum() {
        let policy = RetryPolicy::new(3, Duration::from_millis(10), Duration::from_millis(20));
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(2)), 0.9),
            Duration::from_secs(2)
        );
        assert_eq!(
            policy.delay(1, Some(Duration::ZERO), 1.0),
            Duration::from_millis(10)
        );
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        assert_eq!(parse_retry_after("120", 0), Some(Duration::from_secs(120)));
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770),
            Some(Duration::from_secs(7))
        );
        assert_eq!(parse_retry_after("soon", 0), None);
    }

    #[test]
    fn retry_after_dates_in_the_past_are_zero() {
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 800_000_000),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(" 3 ", 0), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("-3", 0), None);
    }
}
