//! The workers of one process ([`Fleet::work`](crate::Fleet::work)).

use crate::error::Error;
use crate::fleet::{Custodian, Fleet};
use crate::metrics::labels;
use crate::pacing::draw;
use espi_client::Notification;
use espi_client::TokenKey;
use espi_client::{SyncOptions, readings_of, sync_subscription};
use espi_store::{Claim, Lease, Release, SyncOutcome};
use std::time::Duration;
use tokio::task::JoinSet;
use tracing::Instrument;

/// How a leased run ended.
enum RunEnd {
    Done(SyncOutcome, u64),
    Lost,
}

impl Fleet {
    /// Runs this process's workers until `shutdown` resolves, then lets the syncs in
    /// progress finish.
    ///
    /// The workers claim due authorizations through the store, sync each
    /// under its lease, renew the lease while the sync runs, and record the outcome and
    /// the next due time.
    ///
    /// What one leased run does, in order:
    ///
    /// 1. fetches exactly the URIs of the notifications waiting for the authorization
    ///    (committed under the lease; marked done, or postponed with a backoff when the
    ///    fetch fails);
    /// 2. when its scheduled sync is due, syncs its whole window
    ///    ([`sync_subscription`]: the months not yet covered, the recent ones again);
    /// 3. releases the lease: on success the next sync is due one interval later, moved
    ///    by up to ±`jitter` of it; on failure after a backoff that doubles with each
    ///    failure (with jitter), at most the interval; when the authorization ended
    ///    (revoked, expired, `invalid_grant`) the store records the end, deletes the
    ///    customer's data if configured to, and it is never tried again.
    ///
    /// A lease that cannot be renewed (the process stalled past it and another worker
    /// took the authorization) stops the run at once; the fenced commits would refuse
    /// anything it still tried to write.
    pub async fn work(&self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        let concurrency = self.inner.config.concurrency as usize;
        let poll = Duration::from_millis(self.inner.config.schedule.poll_ms.max(10));
        let mut running: JoinSet<()> = JoinSet::new();
        let mut first = 0usize;
        loop {
            let mut free = concurrency.saturating_sub(running.len());
            let custodians = &self.inner.custodians;
            for offset in 0..custodians.len() {
                if free == 0 {
                    break;
                }
                // Each round starts at another Data Custodian, so none starves.
                let custodian = &custodians[(first + offset) % custodians.len()];
                custodian.pacer.refresh().await;
                if !custodian.pacer.paused_for().is_zero() {
                    continue;
                }
                let mut claim = Claim::new(
                    &self.inner.config.worker,
                    &custodian.config.name,
                    custodian.config.max_syncs,
                    u32::try_from(free).unwrap_or(u32::MAX),
                    self.now(),
                );
                claim.ttl_ms = self.lease_ms();
                match self.inner.store.claim(claim).await {
                    Ok(leases) => {
                        free -= leases.len();
                        for lease in leases {
                            let fleet = self.clone();
                            let custodian = custodian.clone();
                            running.spawn(async move { fleet.run_leased(&custodian, lease).await });
                        }
                    }
                    Err(error) => {
                        tracing::warn!(custodian = %custodian.config.name, %error, "claiming work failed")
                    }
                }
            }
            first = first.wrapping_add(1);
            tokio::select! {
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = tokio::time::sleep(poll) => {}
                () = &mut shutdown => break,
            }
        }
        tracing::info!(
            running = running.len(),
            "stopping: letting the syncs in progress finish"
        );
        while running.join_next().await.is_some() {}
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.inner.config.lease().as_millis()).unwrap_or(i64::MAX)
    }

    /// One leased run (see the [module documentation](self)).
    async fn run_leased(&self, custodian: &Custodian, lease: Lease) {
        let name = custodian.config.name.clone();
        let span = tracing::info_span!("sync", authorization = %lease.token_key, custodian = %name, lease = lease.id);
        async {
            let end = tokio::select! {
                result = self.sync_leased(custodian, &lease) => self.judge(&lease, result).await,
                () = self.keep_lease(&lease) => RunEnd::Lost,
            };
            let metrics = &self.inner.metrics;
            let (outcome, readings) = match end {
                RunEnd::Lost => {
                    tracing::warn!("the lease was lost; stopping this run");
                    metrics.add(
                        "espi_fleet_syncs_total",
                        labels(&[("custodian", &name), ("outcome", "lost")]),
                        1,
                    );
                    return;
                }
                RunEnd::Done(outcome, readings) => (outcome, readings),
            };
            metrics.add(
                "espi_fleet_readings_stored_total",
                labels(&[("custodian", &name)]),
                readings,
            );
            let now = self.now();
            let schedule = &self.inner.config.schedule;
            let (word, due_at) = match &outcome {
                SyncOutcome::Succeeded { whole_window: true } => {
                    let interval = schedule.interval_seconds as f64;
                    let moved = interval * schedule.jitter * (2.0 * draw() - 1.0);
                    (
                        "succeeded",
                        now + (interval + moved).round().max(1.0) as i64,
                    )
                }
                SyncOutcome::Succeeded { .. } => ("succeeded", lease.due_at),
                SyncOutcome::Failed { error } => {
                    tracing::warn!(%error, failures = lease.failures + 1, "sync failed");
                    metrics.add(
                        "espi_fleet_errors_total",
                        labels(&[("custodian", &name), ("kind", "sync")]),
                        1,
                    );
                    ("failed", now + self.backoff(lease.failures + 1))
                }
                SyncOutcome::Ended { reason } => {
                    tracing::warn!(%reason, "the authorization ended; it will not be synced again");
                    metrics.add(
                        "espi_fleet_errors_total",
                        labels(&[("custodian", &name), ("kind", "authorization_ended")]),
                        1,
                    );
                    ("ended", now)
                }
                _ => ("other", now + self.backoff(lease.failures + 1)),
            };
            metrics.add(
                "espi_fleet_syncs_total",
                labels(&[("custodian", &name), ("outcome", word)]),
                1,
            );
            match self
                .inner
                .store
                .release(&lease, &Release::new(outcome, due_at, now))
                .await
            {
                Ok(true) => tracing::info!(outcome = word, readings, due_at, "released"),
                Ok(false) => tracing::warn!("the lease had expired before its release"),
                Err(error) => tracing::warn!(%error, "releasing the lease failed; it will expire"),
            }
        }
        .instrument(span)
        .await;
    }

    /// The wait after `failures` failures in a row: the initial retry wait doubling,
    /// at most the retry maximum and the interval, between half and all of it.
    fn backoff(&self, failures: u32) -> i64 {
        let schedule = &self.inner.config.schedule;
        let full = schedule
            .retry_initial_seconds
            .saturating_mul(1u64 << failures.saturating_sub(1).min(30))
            .min(schedule.retry_max_seconds)
            .min(schedule.interval_seconds)
            .max(1);
        ((full as f64) * (0.5 + 0.5 * draw())).ceil() as i64
    }

    /// Renews `lease` every third of its duration; returns when it is lost.
    async fn keep_lease(&self, lease: &Lease) {
        let ttl = self.lease_ms();
        let every = Duration::from_millis((ttl / 3).max(1) as u64);
        loop {
            tokio::time::sleep(every).await;
            match self.inner.store.renew_lease(lease, ttl).await {
                Ok(Some(_)) => {}
                Ok(None) => return,
                // The database may come back before the lease runs out.
                Err(error) => tracing::warn!(%error, "renewing the lease failed"),
            }
        }
    }

    /// The work of a leased run: notifications, then the scheduled sync when due.
    /// Returns whether the whole window was synced and the readings committed.
    async fn sync_leased(
        &self,
        custodian: &Custodian,
        lease: &Lease,
    ) -> Result<(bool, u64), Error> {
        let store = &self.inner.store;
        let session = custodian
            .client
            .session(TokenKey::new(lease.token_key.clone()));
        let leased = store.leased(lease);
        let now = self.now();
        let mut readings = 0u64;
        let pending = store
            .pending_notifications(lease.authorization_id, now)
            .await?;
        if !pending.is_empty() {
            let subscription = match &lease.subscription {
                Some(subscription) => subscription.clone(),
                None => session
                    .tokens()
                    .await?
                    .subscription_feed()
                    .unwrap_or_default(),
            };
            let ids: Vec<i64> = pending.iter().map(|(id, _)| *id).collect();
            let notification = Notification::new(pending.into_iter().map(|(_, uri)| uri).collect());
            match notification
                .fetch_into(&session, &leased, &subscription)
                .await
            {
                Ok(fetched) => {
                    readings += fetched
                        .entries()
                        .map(|entry| readings_of(entry).len() as u64)
                        .sum::<u64>();
                    tracing::info!(
                        uris = ids.len(),
                        readings,
                        refused = fetched.refused.len(),
                        "notification fetched"
                    );
                    store.notifications_done(&ids, self.now()).await?;
                }
                Err(error) => {
                    let retry_at = self.now() + self.backoff(lease.failures + 1);
                    store.postpone_notifications(&ids, retry_at).await?;
                    return Err(error.into());
                }
            }
        }
        let whole = lease.due_at <= now;
        if whole {
            let options =
                SyncOptions::new().with_reread_months(self.inner.config.schedule.reread_months);
            let report = sync_subscription(&session, &leased, &options).await?;
            readings += report.readings;
            tracing::info!(
                months = report.months_fetched,
                skipped = report.months_skipped,
                readings = report.readings,
                "sync done"
            );
        }
        Ok((whole, readings))
    }

    /// What a run's result means for the schedule.
    async fn judge(&self, lease: &Lease, result: Result<(bool, u64), Error>) -> RunEnd {
        match result {
            Ok((whole_window, readings)) => {
                RunEnd::Done(SyncOutcome::Succeeded { whole_window }, readings)
            }
            Err(error) if lease_lost(&error) => RunEnd::Lost,
            Err(Error::Client(error)) if error.is_authorization_ended() => {
                let reason = error.to_string();
                let key = TokenKey::new(lease.token_key.clone());
                if let Err(error) = self
                    .inner
                    .store
                    .end_authorization(&key, &reason, self.now())
                    .await
                {
                    tracing::warn!(%error, "recording the end of the authorization failed");
                    return RunEnd::Done(
                        SyncOutcome::Failed {
                            error: error.to_string(),
                        },
                        0,
                    );
                }
                RunEnd::Done(SyncOutcome::Ended { reason }, 0)
            }
            Err(error) => RunEnd::Done(
                SyncOutcome::Failed {
                    error: error.to_string(),
                },
                0,
            ),
        }
    }
}

/// Whether `error` is (or was caused by) a commit refused because the lease is gone.
fn lease_lost(error: &Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = current {
        if let Some(espi_store::Error::LeaseLost(_)) = cause.downcast_ref::<espi_store::Error>() {
            return true;
        }
        current = cause.source();
    }
    false
}
