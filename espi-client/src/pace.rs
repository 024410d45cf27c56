//! Pacing a client's requests from outside it.

use std::time::Duration;

/// What one HTTP attempt got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// The status, or `None` when no response arrived (connection failure, timeout).
    pub status: Option<u16>,
    /// The `Retry-After` the server sent with it, as a wait from now.
    pub retry_after: Option<Duration>,
}

impl Attempt {
    /// An attempt that got `status` (and `retry_after`).
    pub fn answered(status: u16, retry_after: Option<Duration>) -> Attempt {
        Attempt {
            status: Some(status),
            retry_after,
        }
    }

    /// An attempt that got no response.
    pub fn unanswered() -> Attempt {
        Attempt {
            status: None,
            retry_after: None,
        }
    }

    /// Whether the server asked the client to slow down: 429, or 503 with
    /// `Retry-After`.
    pub fn is_throttled(&self) -> bool {
        self.status == Some(429) || (self.status == Some(503) && self.retry_after.is_some())
    }

    /// Whether the server failed (5xx) or could not be reached.
    pub fn is_failure(&self) -> bool {
        self.status.is_none_or(|status| status >= 500)
    }
}

/// Paces a client's requests from outside it: a pacer is asked before every
/// HTTP attempt (retries included) and told what each attempt got, so that
/// something beyond one client — several clients in one process, or workers on
/// several machines sharing a database — can hold back every request to a Data
/// Custodian that asked one of them to slow down.
///
/// The client's own retries still honour `Retry-After` for the request that got it
/// ([`RetryPolicy`](crate::RetryPolicy)); a pacer spreads that wait to every other
/// request to the same Data Custodian.
///
/// A client is paced with [`ClientConfig::with_pacer`](crate::ClientConfig::with_pacer).
/// Implementations must be cheap when nothing is wrong: `ready` runs before every
/// attempt.
///
/// ```
/// use espi_client::{Attempt, Pacer};
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// /// Counts the throttled answers.
/// #[derive(Debug, Default)]
/// struct Throttles(AtomicU64);
///
/// #[async_trait::async_trait]
/// impl Pacer for Throttles {
///     async fn ready(&self) {}
///     fn observe(&self, attempt: &Attempt) {
///         if attempt.status == Some(429) {
///             self.0.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Pacer: Send + Sync + std::fmt::Debug {
    /// Waits until an attempt may be sent.
    async fn ready(&self);

    /// What an attempt got (called for every attempt, successful or not).
    fn observe(&self, attempt: &Attempt);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_and_failures() {
        assert!(Attempt::answered(429, None).is_throttled());
        assert!(Attempt::answered(503, Some(Duration::from_secs(1))).is_throttled());
        assert!(!Attempt::answered(503, None).is_throttled());
        assert!(Attempt::answered(503, None).is_failure());
        assert!(Attempt::unanswered().is_failure());
        assert!(!Attempt::answered(200, None).is_failure());
        assert!(!Attempt::answered(429, None).is_failure());
    }
}
