//! Schedules and leases: which authorization is due, which worker syncs it now and
//! until when, every lease ever taken, and commits fenced by their lease.
//!
//! A worker [claims](Store::claim) due authorizations of one Data Custodian; each
//! comes with a [`Lease`] that expires unless [renewed](Store::renew_lease). Its
//! sync writes through [`Store::leased`], whose commits check, in their own
//! transaction, that the lease is still held, so a worker whose lease expired (a
//! stalled process) can no longer write. [`Store::release`] records the outcome and
//! the next due time. A lease that expired is closed by the worker that claims the
//! authorization next, after every commit made under it has finished (the closing
//! statement waits for the commit's lock), so the leases of one authorization never
//! overlap, and each commit lies within its lease ([`Store::lease_history`]).

use super::fleet_sql;
use crate::error::Error;
use crate::store::{Store, on_pool};
use espi_client::StoreError;
use espi_client::{MonthRecord, SyncBatch, SyncStore};
use sqlx::Row;

/// A lease on one authorization: the worker holding it may sync it until
/// `expires_ms` (the database's clock) unless it renews it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lease {
    /// The lease's id (its row in the lease history).
    pub id: i64,
    /// The authorization's row id.
    pub authorization_id: i64,
    /// The key its tokens are stored under.
    pub token_key: String,
    /// The Data Custodian's name in the fleet's configuration.
    pub custodian: String,
    /// The subscription it syncs, once known.
    pub subscription: Option<String>,
    /// When its scheduled sync is due (workers' epoch seconds).
    pub due_at: i64,
    /// When a sync of its whole window first succeeded.
    pub first_synced_at: Option<i64>,
    /// Failed attempts since its last success.
    pub failures: u32,
    /// When the lease expires, epoch milliseconds on the database's clock.
    pub expires_ms: i64,
}

/// What to claim: see [`Store::claim`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Claim<'a> {
    /// The claiming worker's name (recorded with the lease).
    pub worker: &'a str,
    /// The Data Custodian.
    pub custodian: &'a str,
    /// How many leases on this Data Custodian's authorizations may be held at once,
    /// by all workers together.
    pub max_leases: u32,
    /// How many this worker wants.
    pub wanted: u32,
    /// How long a lease lasts unless renewed, milliseconds.
    pub ttl_ms: i64,
    /// The worker's clock, epoch seconds: schedules due by then are taken.
    pub now: i64,
}

impl<'a> Claim<'a> {
    /// Up to `wanted` due authorizations of `custodian` for `worker`, within
    /// `max_leases` held at once by all workers, at `now`, with leases of one minute.
    pub fn new(
        worker: &'a str,
        custodian: &'a str,
        max_leases: u32,
        wanted: u32,
        now: i64,
    ) -> Claim<'a> {
        Claim {
            worker,
            custodian,
            max_leases,
            wanted,
            ttl_ms: 60_000,
            now,
        }
    }
}

/// How a leased sync ended, for [`Store::release`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyncOutcome {
    /// It succeeded; `whole_window` when the scheduled sync of the whole window ran.
    Succeeded {
        /// Whether the scheduled sync ran (not only notifications).
        whole_window: bool,
    },
    /// It failed and will be tried again.
    Failed {
        /// Why, for the status listing.
        error: String,
    },
    /// The authorization ended (revoked, expired): never tried again.
    Ended {
        /// Why.
        reason: String,
    },
}

/// What [`Store::release`] records.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Release {
    /// How it went.
    pub outcome: SyncOutcome,
    /// When the authorization is next due (workers' epoch seconds).
    pub due_at: i64,
    /// The worker's clock, epoch seconds.
    pub now: i64,
}

impl Release {
    /// A release with `outcome`, next due at `due_at`.
    pub fn new(outcome: SyncOutcome, due_at: i64, now: i64) -> Release {
        Release {
            outcome,
            due_at,
            now,
        }
    }
}

/// One authorization's schedule, for a status listing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScheduleStatus {
    /// The key its tokens are stored under.
    pub token_key: String,
    /// The Data Custodian's name.
    pub custodian: String,
    /// Its subscription, once known.
    pub subscription: Option<String>,
    /// When it ended and why, if it did.
    pub ended: Option<(i64, String)>,
    /// When a sync last succeeded.
    pub last_success_at: Option<i64>,
    /// When the next scheduled sync is due.
    pub due_at: i64,
    /// Notifications waiting.
    pub pending_notifications: u64,
    /// Failed attempts since the last success, and the last error.
    pub failures: u32,
    /// The last error.
    pub last_error: Option<String>,
    /// The worker holding it now, if any.
    pub leased_by: Option<String>,
}

/// One Data Custodian's backlog.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Backlog {
    /// The Data Custodian's name.
    pub custodian: String,
    /// Authorizations in force.
    pub active: u64,
    /// Authorizations due (or with notifications to fetch) and not leased.
    pub waiting: u64,
    /// Authorizations leased now.
    pub leased: u64,
    /// How long the longest-waiting one has been due, seconds (0 when none waits).
    pub lag_seconds: i64,
}

/// One lease of the history, with the commits made under it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeaseRecord {
    /// The lease's id.
    pub id: i64,
    /// The authorization's row id.
    pub authorization_id: i64,
    /// The worker that held it.
    pub worker: String,
    /// When it was taken (database clock, ms).
    pub acquired_ms: i64,
    /// When it expires or expired (the last renewal's).
    pub expires_ms: i64,
    /// When it was released or closed after expiring.
    pub released_ms: Option<i64>,
    /// How it ended: succeeded, failed, ended, expired.
    pub outcome: Option<String>,
    /// When each fenced commit under it was made (database clock, ms).
    pub commits_ms: Vec<i64>,
}

type Db<T> = Result<T, sqlx::Error>;

impl Store {
    /// Adds the authorization under `token_key` to the fleet's schedule for
    /// `custodian`, due at `due_at`. Returns false when it was scheduled already
    /// (its schedule is left as it is) and an error when no authorization has that
    /// key.
    pub async fn schedule_authorization(
        &self,
        token_key: &str,
        custodian: &str,
        due_at: i64,
    ) -> Result<bool, Error> {
        let backend = self.backend();
        let doing = Error::database(format!("scheduling the authorization {token_key}"));
        let inserted = on_pool!(self, |pool, sql| {
            let id: Option<i64> = sqlx::query_scalar(&fleet_sql(
                backend,
                "SELECT id FROM authorizations WHERE token_key = ?",
            ))
            .bind(token_key)
            .fetch_optional(pool)
            .await
            .map_err(doing)?;
            let Some(id) = id else {
                return Err(Error::UnknownAuthorization(token_key.to_owned()));
            };
            sqlx::query(&fleet_sql(
                backend,
                "INSERT INTO fleet_schedules (authorization_id, custodian, due_at, created_at) \
                 VALUES (?, ?, ?, ?) ON CONFLICT (authorization_id) DO NOTHING",
            ))
            .bind(id)
            .bind(custodian)
            .bind(due_at)
            .bind(due_at)
            .execute(pool)
            .await
            .map(|done| done.rows_affected() == 1)
            .map_err(Error::database(format!(
                "scheduling the authorization {token_key}"
            )))
        })?;
        Ok(inserted)
    }

    /// Claims up to `claim.wanted` authorizations of `claim.custodian` that are due
    /// (or have notifications waiting), in force and not leased, oldest due first,
    /// within the Data Custodian's lease limit; each comes with a new lease. Expired
    /// leases on them are closed first.
    pub async fn claim(&self, claim: Claim<'_>) -> Result<Vec<Lease>, Error> {
        if claim.wanted == 0 {
            return Ok(Vec::new());
        }
        let backend = self.backend();
        let doing = |what: &str| {
            Error::database(format!(
                "claiming authorizations of {}: {what}",
                claim.custodian
            ))
        };
        let q = |text: &str| fleet_sql(backend, text);
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            // The first statement writes: it locks the Data Custodian's row on
            // PostgreSQL and takes SQLite's write lock, so claims do not interleave.
            sqlx::query(&q(
                "INSERT INTO fleet_custodians (name, updated_ms) VALUES (?, NOW_MS) \
                 ON CONFLICT (name) DO UPDATE SET updated_ms = excluded.updated_ms",
            ))
            .bind(claim.custodian)
            .execute(&mut *tx)
            .await
            .map_err(doing("its pacing row"))?;
            let held: i64 = sqlx::query_scalar(&q(
                "SELECT COUNT(*) FROM fleet_schedules WHERE custodian = ? \
                 AND lease_expires_ms > NOW_MS",
            ))
            .bind(claim.custodian)
            .fetch_one(&mut *tx)
            .await
            .map_err(doing("its leases"))?;
            let room = (i64::from(claim.max_leases) - held).min(i64::from(claim.wanted));
            if room <= 0 {
                tx.commit().await.map_err(doing("commit"))?;
                return Ok(Vec::new());
            }
            let candidates: Vec<(i64, Option<i64>)> = sqlx::query(&q(
                "SELECT s.authorization_id, s.lease_id FROM fleet_schedules s \
                 JOIN authorizations a ON a.id = s.authorization_id \
                 WHERE s.custodian = ? AND a.ended_at IS NULL \
                 AND (s.lease_expires_ms IS NULL OR s.lease_expires_ms <= NOW_MS) \
                 AND (s.due_at <= ? OR EXISTS (SELECT 1 FROM fleet_notifications n \
                      WHERE n.authorization_id = s.authorization_id AND n.done_at IS NULL \
                      AND n.retry_at <= ?)) \
                 ORDER BY s.due_at LIMIT ? SKIP_LOCKED",
            ))
            .bind(claim.custodian)
            .bind(claim.now)
            .bind(claim.now)
            .bind(room)
            .fetch_all(&mut *tx)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                    .collect::<Db<Vec<_>>>()
            })
            .map_err(doing("the due schedules"))?;
            let _ = sql;
            let mut leases = Vec::with_capacity(candidates.len());
            for (authorization_id, previous) in candidates {
                if let Some(previous) = previous {
                    // Waits for a commit still running under the expired lease.
                    sqlx::query(&q(
                        "UPDATE fleet_leases SET released_ms = NOW_MS, outcome = 'expired' \
                         WHERE id = ? AND released_ms IS NULL",
                    ))
                    .bind(previous)
                    .execute(&mut *tx)
                    .await
                    .map_err(doing("closing an expired lease"))?;
                }
                let row = sqlx::query(&q(
                    "INSERT INTO fleet_leases (authorization_id, worker, acquired_ms, expires_ms) \
                     VALUES (?, ?, NOW_MS, NOW_MS + ?) RETURNING id, expires_ms",
                ))
                .bind(authorization_id)
                .bind(claim.worker)
                .bind(claim.ttl_ms)
                .fetch_one(&mut *tx)
                .await
                .map_err(doing("a new lease"))?;
                let lease_id: i64 = row.try_get(0).map_err(doing("the lease's id"))?;
                let expires_ms: i64 = row.try_get(1).map_err(doing("the lease's expiry"))?;
                let row = sqlx::query(&q(
                    "UPDATE fleet_schedules SET lease_id = ?, lease_owner = ?, \
                     lease_expires_ms = ?, last_attempt_at = ? WHERE authorization_id = ? \
                     RETURNING due_at, first_synced_at, failures, \
                     (SELECT token_key FROM authorizations WHERE id = ?), \
                     (SELECT uri FROM subscriptions WHERE authorization_id = ? ORDER BY id LIMIT 1)",
                ))
                .bind(lease_id)
                .bind(claim.worker)
                .bind(expires_ms)
                .bind(claim.now)
                .bind(authorization_id)
                .bind(authorization_id)
                .bind(authorization_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(doing("the schedule"))?;
                leases.push(Lease {
                    id: lease_id,
                    authorization_id,
                    due_at: row.try_get(0).map_err(doing("the schedule"))?,
                    first_synced_at: row.try_get(1).map_err(doing("the schedule"))?,
                    failures: u32::try_from(
                        row.try_get::<i64, _>(2).map_err(doing("the schedule"))?,
                    )
                    .unwrap_or(u32::MAX),
                    token_key: row.try_get(3).map_err(doing("the schedule"))?,
                    subscription: row.try_get(4).map_err(doing("the schedule"))?,
                    custodian: claim.custodian.to_owned(),
                    expires_ms,
                });
            }
            tx.commit().await.map_err(doing("commit"))?;
            Ok(leases)
        })
    }

    /// Extends `lease` by `ttl_ms` from now (the database's clock). Returns the new
    /// expiry, or `None` when the lease is no longer held (it expired and another
    /// worker took the authorization, or it was released): the holder must stop.
    pub async fn renew_lease(&self, lease: &Lease, ttl_ms: i64) -> Result<Option<i64>, Error> {
        let backend = self.backend();
        let doing = |what: &str| Error::database(format!("renewing lease {}: {what}", lease.id));
        let q = |text: &str| fleet_sql(backend, text);
        on_pool!(self, |pool, sql| {
            let _ = sql;
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            let expires: Option<i64> = sqlx::query_scalar(&q(
                "UPDATE fleet_leases SET expires_ms = NOW_MS + ? \
                 WHERE id = ? AND released_ms IS NULL AND expires_ms > NOW_MS RETURNING expires_ms",
            ))
            .bind(ttl_ms)
            .bind(lease.id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(doing("the lease"))?;
            if let Some(expires) = expires {
                sqlx::query(&q("UPDATE fleet_schedules SET lease_expires_ms = ? \
                     WHERE authorization_id = ? AND lease_id = ?"))
                .bind(expires)
                .bind(lease.authorization_id)
                .bind(lease.id)
                .execute(&mut *tx)
                .await
                .map_err(doing("the schedule"))?;
            }
            tx.commit().await.map_err(doing("commit"))?;
            Ok(expires)
        })
    }

    /// Ends `lease` with `release`'s outcome and next due time. Returns false when
    /// the lease was no longer held (closed after it expired): nothing is recorded
    /// then, since another worker owns the schedule.
    pub async fn release(&self, lease: &Lease, release: &Release) -> Result<bool, Error> {
        let backend = self.backend();
        let doing = |what: &str| Error::database(format!("releasing lease {}: {what}", lease.id));
        let q = |text: &str| fleet_sql(backend, text);
        let (outcome, error) = match &release.outcome {
            SyncOutcome::Succeeded { .. } => ("succeeded", None),
            SyncOutcome::Failed { error } => ("failed", Some(error.as_str())),
            SyncOutcome::Ended { reason } => ("ended", Some(reason.as_str())),
        };
        let success = matches!(release.outcome, SyncOutcome::Succeeded { .. });
        let whole = matches!(
            release.outcome,
            SyncOutcome::Succeeded { whole_window: true }
        );
        on_pool!(self, |pool, sql| {
            let _ = sql;
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            let closed = sqlx::query(&q(
                "UPDATE fleet_leases SET released_ms = NOW_MS, outcome = ? \
                 WHERE id = ? AND released_ms IS NULL",
            ))
            .bind(outcome)
            .bind(lease.id)
            .execute(&mut *tx)
            .await
            .map_err(doing("the lease"))?
            .rows_affected();
            if closed == 1 {
                sqlx::query(&q(
                    "UPDATE fleet_schedules SET lease_owner = NULL, lease_expires_ms = NULL, \
                     due_at = ?, \
                     failures = CASE WHEN ? = 1 THEN 0 ELSE failures + 1 END, \
                     last_success_at = CASE WHEN ? = 1 THEN ? ELSE last_success_at END, \
                     first_synced_at = CASE WHEN ? = 1 AND first_synced_at IS NULL THEN ? \
                                       ELSE first_synced_at END, \
                     last_error = ? \
                     WHERE authorization_id = ? AND lease_id = ?",
                ))
                .bind(release.due_at)
                .bind(i64::from(success))
                .bind(i64::from(success))
                .bind(release.now)
                .bind(i64::from(whole))
                .bind(release.now)
                .bind(error)
                .bind(lease.authorization_id)
                .bind(lease.id)
                .execute(&mut *tx)
                .await
                .map_err(doing("the schedule"))?;
            }
            tx.commit().await.map_err(doing("commit"))?;
            Ok(closed == 1)
        })
    }

    /// The schedule of every authorization, by Data Custodian and key.
    pub async fn schedules(&self) -> Result<Vec<ScheduleStatus>, Error> {
        let backend = self.backend();
        let rows = on_pool!(self, |pool, sql| {
            let _ = sql;
            sqlx::query(&fleet_sql(
                backend,
                "SELECT a.token_key, s.custodian, \
                 (SELECT uri FROM subscriptions WHERE authorization_id = a.id ORDER BY id LIMIT 1), \
                 a.ended_at, a.ended_reason, s.last_success_at, s.due_at, \
                 (SELECT COUNT(*) FROM fleet_notifications n WHERE n.authorization_id = a.id \
                  AND n.done_at IS NULL), \
                 s.failures, s.last_error, \
                 CASE WHEN s.lease_expires_ms > NOW_MS THEN s.lease_owner END \
                 FROM fleet_schedules s JOIN authorizations a ON a.id = s.authorization_id \
                 ORDER BY s.custodian, a.token_key",
            ))
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        let ended_at: Option<i64> = row.try_get(3)?;
                        let reason: Option<String> = row.try_get(4)?;
                        Ok(ScheduleStatus {
                            token_key: row.try_get(0)?,
                            custodian: row.try_get(1)?,
                            subscription: row.try_get(2)?,
                            ended: ended_at.map(|at| (at, reason.unwrap_or_default())),
                            last_success_at: row.try_get(5)?,
                            due_at: row.try_get(6)?,
                            pending_notifications: u64::try_from(row.try_get::<i64, _>(7)?)
                                .unwrap_or(0),
                            failures: u32::try_from(row.try_get::<i64, _>(8)?)
                                .unwrap_or(u32::MAX),
                            last_error: row.try_get(9)?,
                            leased_by: row.try_get(10)?,
                        })
                    })
                    .collect::<Db<Vec<_>>>()
            })
        });
        rows.map_err(Error::database("listing the fleet's schedules"))
    }

    /// Each Data Custodian's backlog at `now` (workers' epoch seconds).
    pub async fn backlog(&self, now: i64) -> Result<Vec<Backlog>, Error> {
        let backend = self.backend();
        let rows = on_pool!(self, |pool, sql| {
            let _ = sql;
            sqlx::query(&fleet_sql(
                backend,
                "SELECT custodian, COUNT(*), \
                 COALESCE(SUM(CASE WHEN leased = 0 AND (due_at <= ? OR pending) THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(leased), 0), \
                 MIN(CASE WHEN leased = 0 AND (due_at <= ? OR pending) THEN due_at END) \
                 FROM (SELECT s.custodian, s.due_at, \
                       CASE WHEN s.lease_expires_ms > NOW_MS THEN 1 ELSE 0 END AS leased, \
                       EXISTS (SELECT 1 FROM fleet_notifications n \
                               WHERE n.authorization_id = s.authorization_id \
                               AND n.done_at IS NULL AND n.retry_at <= ?) AS pending \
                       FROM fleet_schedules s JOIN authorizations a ON a.id = s.authorization_id \
                       WHERE a.ended_at IS NULL) t \
                 GROUP BY custodian ORDER BY custodian",
            ))
            .bind(now)
            .bind(now)
            .bind(now)
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        let count = |index: usize| -> Db<u64> {
                            Ok(u64::try_from(row.try_get::<i64, _>(index)?).unwrap_or(0))
                        };
                        let oldest: Option<i64> = row.try_get(4)?;
                        Ok(Backlog {
                            custodian: row.try_get(0)?,
                            active: count(1)?,
                            waiting: count(2)?,
                            leased: count(3)?,
                            lag_seconds: oldest.map_or(0, |due| (now - due).max(0)),
                        })
                    })
                    .collect::<Db<Vec<_>>>()
            })
        });
        rows.map_err(Error::database("reading the fleet's backlog"))
    }

    /// Every lease taken, by authorization and time, with the commits made under
    /// each.
    pub async fn lease_history(&self) -> Result<Vec<LeaseRecord>, Error> {
        let backend = self.backend();
        let doing = Error::database("reading the lease history");
        let (leases, commits) = on_pool!(self, |pool, sql| {
            let _ = sql;
            let leases = sqlx::query(&fleet_sql(
                backend,
                "SELECT id, authorization_id, worker, acquired_ms, expires_ms, released_ms, \
                 outcome FROM fleet_leases ORDER BY authorization_id, acquired_ms, id",
            ))
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        Ok(LeaseRecord {
                            id: row.try_get(0)?,
                            authorization_id: row.try_get(1)?,
                            worker: row.try_get(2)?,
                            acquired_ms: row.try_get(3)?,
                            expires_ms: row.try_get(4)?,
                            released_ms: row.try_get(5)?,
                            outcome: row.try_get(6)?,
                            commits_ms: Vec::new(),
                        })
                    })
                    .collect::<Db<Vec<_>>>()
            });
            let commits = sqlx::query(&fleet_sql(
                backend,
                "SELECT lease_id, at_ms FROM fleet_lease_commits ORDER BY lease_id, at_ms",
            ))
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| Ok((row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?)))
                    .collect::<Db<Vec<_>>>()
            });
            (leases, commits)
        });
        let mut leases = leases.map_err(doing)?;
        let commits = commits.map_err(Error::database("reading the lease commits"))?;
        let index: std::collections::HashMap<i64, usize> = leases
            .iter()
            .enumerate()
            .map(|(index, lease)| (lease.id, index))
            .collect();
        for (lease, at) in commits {
            if let Some(&position) = index.get(&lease) {
                leases[position].commits_ms.push(at);
            }
        }
        Ok(leases)
    }

    /// This store as a [`SyncStore`] whose commits are fenced by `lease`: each
    /// checks, in its own transaction, that the lease is still held and records the
    /// commit in the lease history; a commit under a lease that expired or was
    /// released fails ([`Error::LeaseLost`]) and writes nothing.
    pub fn leased(&self, lease: &Lease) -> LeasedStore {
        LeasedStore {
            store: self.clone(),
            lease_id: lease.id,
        }
    }
}

/// Runs the fence statements on a transaction of either backend.
pub(crate) trait FenceExecutor<'c> {
    async fn fence(self, backend: crate::store::Backend, lease_id: i64) -> Result<(), Error>;
}

macro_rules! fence_executor {
    ($connection:ty) => {
        impl<'c> FenceExecutor<'c> for &'c mut $connection {
            async fn fence(
                self,
                backend: crate::store::Backend,
                lease_id: i64,
            ) -> Result<(), Error> {
                let doing = Error::database(format!("checking lease {lease_id}"));
                // Locks the lease row until the commit ends: a worker closing the
                // lease after it expired waits for this commit.
                let held = sqlx::query(&fleet_sql(
                    backend,
                    "UPDATE fleet_leases SET expires_ms = expires_ms \
                     WHERE id = ? AND released_ms IS NULL AND expires_ms > NOW_MS",
                ))
                .bind(lease_id)
                .execute(&mut *self)
                .await
                .map_err(doing)?
                .rows_affected();
                if held != 1 {
                    return Err(Error::LeaseLost(lease_id));
                }
                sqlx::query(&fleet_sql(
                    backend,
                    "INSERT INTO fleet_lease_commits (lease_id, at_ms) VALUES (?, NOW_MS)",
                ))
                .bind(lease_id)
                .execute(&mut *self)
                .await
                .map_err(Error::database(format!(
                    "recording a commit under lease {lease_id}"
                )))?;
                Ok(())
            }
        }
    };
}
fence_executor!(sqlx::SqliteConnection);
fence_executor!(sqlx::PgConnection);

/// A [`Store`] whose commits are fenced by a lease: see [`Store::leased`].
#[derive(Debug, Clone)]
pub struct LeasedStore {
    store: Store,
    lease_id: i64,
}

#[async_trait::async_trait]
impl SyncStore for LeasedStore {
    async fn month_records(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError> {
        Ok(self.store.month_records_of(subscription).await?)
    }

    async fn commit(&self, subscription: &str, batch: SyncBatch) -> Result<(), StoreError> {
        Ok(self
            .store
            .commit_batch(subscription, batch, Some(self.lease_id))
            .await?)
    }
}
