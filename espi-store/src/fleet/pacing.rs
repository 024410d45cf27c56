//! Each Data Custodian's pacing, shared by every worker: a pause (no request before
//! it ends) and the count of server failures in a row. A worker that sees a 429 with
//! `Retry-After`, or failures piling up, writes here; every worker reads it.

use super::fleet_sql;
use crate::error::Error;
use crate::store::{Store, on_pool};
use sqlx::Row;

/// A Data Custodian's pacing as the database has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pace {
    /// No request before this instant (epoch ms, the database's clock).
    pub paused_until_ms: i64,
    /// Server failures in a row.
    pub failures: u32,
    /// The database's clock when this was read (epoch ms), to turn the pause into
    /// a wait on the worker's own clock.
    pub now_ms: i64,
}

impl Pace {
    /// How long from when it was read the pause still lasts, milliseconds.
    pub fn remaining_ms(&self) -> i64 {
        (self.paused_until_ms - self.now_ms).max(0)
    }
}

impl Store {
    /// The pacing of `custodian` (no pause, no failures when never written).
    pub async fn pace(&self, custodian: &str) -> Result<Pace, Error> {
        let backend = self.backend();
        let row = on_pool!(self, |pool, sql| {
            let _ = sql;
            sqlx::query(&fleet_sql(
                backend,
                "SELECT COALESCE(MAX(paused_until_ms), 0), COALESCE(MAX(failures), 0), NOW_MS \
                 FROM fleet_custodians WHERE name = ?",
            ))
            .bind(custodian)
            .fetch_one(pool)
            .await
            .and_then(|row| {
                Ok(Pace {
                    paused_until_ms: row.try_get(0)?,
                    failures: u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(u32::MAX),
                    now_ms: row.try_get(2)?,
                })
            })
        });
        row.map_err(Error::database(format!(
            "reading the pacing of {custodian}"
        )))
    }

    /// Pauses `custodian` for `delay_ms` from now unless it is paused longer already;
    /// returns the pacing after.
    pub async fn pause_custodian(&self, custodian: &str, delay_ms: i64) -> Result<Pace, Error> {
        self.update_pace(
            custodian,
            "INSERT INTO fleet_custodians (name, paused_until_ms, updated_ms) \
             VALUES (?, NOW_MS + ?, NOW_MS) ON CONFLICT (name) DO UPDATE SET \
             paused_until_ms = GREATEST(fleet_custodians.paused_until_ms, excluded.paused_until_ms), \
             updated_ms = excluded.updated_ms \
             RETURNING paused_until_ms, failures, NOW_MS",
            Some(delay_ms),
        )
        .await
    }

    /// Counts a server failure of `custodian`; returns the pacing after.
    pub async fn record_custodian_failure(&self, custodian: &str) -> Result<Pace, Error> {
        self.update_pace(
            custodian,
            "INSERT INTO fleet_custodians (name, failures, updated_ms) VALUES (?, 1, NOW_MS) \
             ON CONFLICT (name) DO UPDATE SET failures = fleet_custodians.failures + 1, \
             updated_ms = excluded.updated_ms RETURNING paused_until_ms, failures, NOW_MS",
            None,
        )
        .await
    }

    /// Clears the failure count of `custodian` after a success.
    pub async fn record_custodian_success(&self, custodian: &str) -> Result<(), Error> {
        let backend = self.backend();
        on_pool!(self, |pool, sql| {
            let _ = sql;
            sqlx::query(&fleet_sql(
                backend,
                "UPDATE fleet_custodians SET failures = 0, updated_ms = NOW_MS \
                 WHERE name = ? AND failures > 0",
            ))
            .bind(custodian)
            .execute(pool)
            .await
            .map(|_| ())
        })
        .map_err(Error::database(format!(
            "clearing the failures of {custodian}"
        )))
    }

    async fn update_pace(
        &self,
        custodian: &str,
        statement: &str,
        delay_ms: Option<i64>,
    ) -> Result<Pace, Error> {
        let backend = self.backend();
        let row = on_pool!(self, |pool, sql| {
            let _ = sql;
            let text = fleet_sql(backend, statement);
            let mut query = sqlx::query(&text).bind(custodian);
            if let Some(delay) = delay_ms {
                query = query.bind(delay);
            }
            query.fetch_one(pool).await.and_then(|row| {
                Ok(Pace {
                    paused_until_ms: row.try_get(0)?,
                    failures: u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(u32::MAX),
                    now_ms: row.try_get(2)?,
                })
            })
        });
        row.map_err(Error::database(format!("pacing {custodian}")))
    }
}
