//! Politeness towards one Data Custodian, shared by every worker ([`SharedPacer`]).

use crate::metrics::{Metrics, labels};
use espi_client::{Attempt, Pacer};
use espi_store::Store;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How stale a worker's view of the shared pause may get.
const CHECK_EVERY: Duration = Duration::from_millis(500);
/// The pause after a 429 without `Retry-After`.
const DEFAULT_THROTTLE: Duration = Duration::from_secs(1);
/// The first and longest pause after failures in a row.
const FAILURE_PAUSE: Duration = Duration::from_secs(1);
const MAX_FAILURE_PAUSE: Duration = Duration::from_secs(60);

/// The pacer of one Data Custodian in one process.
///
/// Politeness towards one Data Custodian, shared by every worker: a 429 with
/// `Retry-After`, or server failures in a row, pause every request of every worker
/// to that Data Custodian, not just the one that got it.
///
/// [`SharedPacer`] is the client's [`Pacer`]: before each attempt it waits out the
/// pause it knows of, reading the store's every half second at most; after each it
/// writes a 429's `Retry-After` to the store at once, and counts failures there,
/// pausing for an exponential backoff with jitter once
/// [`failure_threshold`](crate::CustodianConfig::failure_threshold) of them come in
/// a row. Other Data Custodians are not touched.
#[derive(Debug)]
pub struct SharedPacer {
    name: String,
    store: Store,
    threshold: u32,
    metrics: Arc<Metrics>,
    state: Mutex<State>,
    check: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct State {
    paused_until: Instant,
    checked: Option<Instant>,
    failures: u32,
}

impl SharedPacer {
    /// The pacer of Data Custodian `name`, pausing after `threshold` failures in a row.
    pub fn new(name: &str, store: Store, threshold: u32, metrics: Arc<Metrics>) -> SharedPacer {
        SharedPacer {
            name: name.to_owned(),
            store,
            threshold: threshold.max(1),
            metrics,
            state: Mutex::new(State {
                paused_until: Instant::now(),
                checked: None,
                failures: 0,
            }),
            check: tokio::sync::Mutex::new(()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long the pause this process knows of still lasts.
    pub fn paused_for(&self) -> Duration {
        self.state()
            .paused_until
            .saturating_duration_since(Instant::now())
    }

    /// Reads the shared pause when this process's view of it is older than half a
    /// second.
    pub async fn refresh(&self) {
        let fresh = |state: &State| state.checked.is_some_and(|at| at.elapsed() < CHECK_EVERY);
        if fresh(&self.state()) {
            return;
        }
        let _one = self.check.lock().await;
        if fresh(&self.state()) {
            return;
        }
        let read = self.store.pace(&self.name).await;
        let mut state = self.state();
        state.checked = Some(Instant::now());
        match read {
            Ok(pace) => {
                let until = Instant::now() + Duration::from_millis(pace.remaining_ms() as u64);
                state.paused_until = state.paused_until.max(until);
                state.failures = pace.failures;
            }
            Err(error) => {
                tracing::warn!(custodian = %self.name, %error, "reading the shared pause")
            }
        }
    }

    fn pause_locally(&self, wait: Duration) {
        let mut state = self.state();
        state.paused_until = state.paused_until.max(Instant::now() + wait);
    }
}

#[async_trait::async_trait]
impl Pacer for SharedPacer {
    async fn ready(&self) {
        loop {
            self.refresh().await;
            let wait = self.paused_for();
            if wait.is_zero() {
                return;
            }
            // Workers do not all start again in the same instant.
            tokio::time::sleep(wait + wait.mul_f64(0.1 * draw())).await;
        }
    }

    fn observe(&self, attempt: &Attempt) {
        let custodian = self.name.as_str();
        self.metrics.add(
            "espi_fleet_requests_total",
            labels(&[("custodian", custodian)]),
            1,
        );
        if attempt.is_throttled() {
            self.metrics.add(
                "espi_fleet_errors_total",
                labels(&[("custodian", custodian), ("kind", "throttled")]),
                1,
            );
            let wait = attempt.retry_after.unwrap_or(DEFAULT_THROTTLE);
            self.pause_locally(wait);
            tracing::warn!(%custodian, ?wait, "throttled: pausing every worker");
            let store = self.store.clone();
            let name = self.name.clone();
            tokio::spawn(async move {
                let ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
                if let Err(error) = store.pause_custodian(&name, ms).await {
                    tracing::warn!(custodian = %name, %error, "sharing the pause");
                }
            });
        } else if attempt.is_failure() {
            let kind = if attempt.status.is_some() {
                "server"
            } else {
                "network"
            };
            self.metrics.add(
                "espi_fleet_errors_total",
                labels(&[("custodian", custodian), ("kind", kind)]),
                1,
            );
            self.state().failures += 1;
            let store = self.store.clone();
            let name = self.name.clone();
            let threshold = self.threshold;
            tokio::spawn(async move {
                let pace = match store.record_custodian_failure(&name).await {
                    Ok(pace) => pace,
                    Err(error) => {
                        tracing::warn!(custodian = %name, %error, "counting a failure");
                        return;
                    }
                };
                if pace.failures >= threshold {
                    let wait = failure_pause(pace.failures - threshold, draw());
                    tracing::warn!(custodian = %name, failures = pace.failures, ?wait, "failures in a row: pausing every worker");
                    let ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
                    if let Err(error) = store.pause_custodian(&name, ms).await {
                        tracing::warn!(custodian = %name, %error, "sharing the pause");
                    }
                }
            });
        } else if attempt.status.is_some() {
            let mut state = self.state();
            if state.failures > 0 {
                state.failures = 0;
                let store = self.store.clone();
                let name = self.name.clone();
                tokio::spawn(async move {
                    if let Err(error) = store.record_custodian_success(&name).await {
                        tracing::warn!(custodian = %name, %error, "clearing the failures");
                    }
                });
            }
        }
    }
}

/// The pause after `beyond` failures past the threshold: 1 s doubling to 60 s,
/// between half and all of it by `draw` (in `[0, 1)`).
pub fn failure_pause(beyond: u32, draw: f64) -> Duration {
    let full = FAILURE_PAUSE
        .saturating_mul(1u32 << beyond.min(16))
        .min(MAX_FAILURE_PAUSE);
    full.mul_f64(0.5 + 0.5 * draw.clamp(0.0, 1.0))
}

/// A uniform draw in `[0, 1)` for jitter (not for secrets).
pub(crate) fn draw() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(Instant::now().elapsed().as_nanos());
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_pauses_double_with_jitter_up_to_a_minute() {
        assert_eq!(failure_pause(0, 0.999_999_999).as_millis(), 999);
        assert_eq!(failure_pause(0, 0.0), Duration::from_millis(500));
        assert_eq!(failure_pause(3, 0.0), Duration::from_secs(4));
        assert_eq!(failure_pause(30, 0.0), Duration::from_secs(30));
        for _ in 0..100 {
            assert!((0.0..1.0).contains(&draw()));
        }
    }
}
