//! Where `now` comes from, for the crates that read time ([`Clock`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The current time, epoch seconds.
///
/// Where `now` comes from, for the crates that read time: the system's clock
/// ([`SystemClock`]) or one a test sets ([`SettableClock`]).
///
/// The rules of this crate never read a clock: [`decide`](crate::decide),
/// [`Window::clamp`](crate::Window::clamp) and the lifecycle take `now` as a
/// parameter. The trait lives here, below both espi-client and espi-sandbox, so that
/// the two share one type and a test can hand the same settable clock to a client and
/// to the sandbox it talks to.
///
/// ```
/// use espi_auth::{Clock, SettableClock};
/// use std::sync::Arc;
///
/// let clock = SettableClock::at(1_393_632_000);
/// let shared: Arc<dyn Clock> = Arc::new(clock.clone());
/// clock.advance(60);
/// assert_eq!(shared.now(), 1_393_632_060);
/// // A closure is a clock too.
/// let fixed: Arc<dyn Clock> = Arc::new(|| 0);
/// assert_eq!(fixed.now(), 0);
/// ```
pub trait Clock: Send + Sync {
    /// The current time, epoch seconds.
    fn now(&self) -> i64;
}

impl<F> Clock for F
where
    F: Fn() -> i64 + Send + Sync,
{
    fn now(&self) -> i64 {
        self()
    }
}

impl fmt::Debug for dyn Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

/// The operating system's clock (whole seconds; before 1970 reads as 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
            })
    }
}

/// A clock that stands still until it is set or advanced; every clone reads and
/// moves the same instant.
#[derive(Debug, Clone, Default)]
pub struct SettableClock(Arc<AtomicI64>);

impl SettableClock {
    /// A clock standing at `at` (epoch seconds).
    pub fn at(at: i64) -> SettableClock {
        SettableClock(Arc::new(AtomicI64::new(at)))
    }

    /// The current instant.
    pub fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: i64) {
        self.0.store(at, Ordering::SeqCst);
    }

    /// Moves the clock forward by `seconds` (back, when negative).
    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for SettableClock {
    fn now(&self) -> i64 {
        SettableClock::now(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_instant() {
        let clock = SettableClock::at(10);
        let other = clock.clone();
        other.advance(5);
        assert_eq!(clock.now(), 15);
        clock.set(-3);
        assert_eq!(Clock::now(&other), -3);
    }

    #[test]
    fn the_system_clock_is_after_2020() {
        assert!(SystemClock.now() > 1_577_836_800);
    }
}
