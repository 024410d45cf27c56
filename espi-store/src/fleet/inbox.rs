//! What arrives over HTTP for any worker to act on: notifications (BatchList URIs,
//! queued for the authorization whose subscription they name) and authorization
//! requests waiting for their callback.

use super::fleet_sql;
use crate::error::Error;
use crate::store::{Store, on_pool};
use sqlx::Row;

/// What [`Store::queue_notifications`] did with each URI.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueuedNotifications {
    /// URIs queued, with the authorization (row id) they are for.
    pub queued: Vec<(i64, String)>,
    /// URIs that name no subscription of an authorization in force at that Data
    /// Custodian: not queued.
    pub unknown: Vec<String>,
}

/// An authorization request waiting for its callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PendingAuthorizationRecord {
    /// The `state` sent.
    pub state: String,
    /// The Data Custodian's name.
    pub custodian: String,
    /// The PKCE verifier, when PKCE is used.
    pub pkce_verifier: Option<String>,
    /// The redirect URI sent.
    pub redirect_uri: Option<String>,
    /// The scope requested.
    pub scope: String,
    /// When it expires (workers' epoch seconds).
    pub expires_at: i64,
}

impl PendingAuthorizationRecord {
    /// A record of a request.
    pub fn new(
        state: impl Into<String>,
        custodian: impl Into<String>,
        pkce_verifier: Option<String>,
        redirect_uri: Option<String>,
        scope: impl Into<String>,
        expires_at: i64,
    ) -> PendingAuthorizationRecord {
        PendingAuthorizationRecord {
            state: state.into(),
            custodian: custodian.into(),
            pkce_verifier,
            redirect_uri,
            scope: scope.into(),
            expires_at,
        }
    }
}

impl Store {
    /// Queues each of `uris` for the authorization in force of `custodian` whose
    /// subscription it names (its URI without the query, equal to a stored
    /// subscription's), in one transaction, received at `now`. A queued notification
    /// makes its authorization claimable at once.
    pub async fn queue_notifications(
        &self,
        custodian: &str,
        uris: &[String],
        now: i64,
    ) -> Result<QueuedNotifications, Error> {
        let backend = self.backend();
        let doing = |what: &str| Error::database(format!("queueing notifications: {what}"));
        on_pool!(self, |pool, sql| {
            let _ = sql;
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            let mut result = QueuedNotifications::default();
            for uri in uris {
                let subscription = uri.split(['?', '#']).next().unwrap_or_default();
                let authorization: Option<i64> = sqlx::query_scalar(&fleet_sql(
                    backend,
                    "SELECT s.authorization_id FROM subscriptions u \
                     JOIN fleet_schedules s ON s.authorization_id = u.authorization_id \
                     JOIN authorizations a ON a.id = s.authorization_id \
                     WHERE u.uri = ? AND s.custodian = ? AND a.ended_at IS NULL",
                ))
                .bind(subscription)
                .bind(custodian)
                .fetch_optional(&mut *tx)
                .await
                .map_err(doing("the subscription"))?;
                let Some(authorization) = authorization else {
                    result.unknown.push(uri.clone());
                    continue;
                };
                sqlx::query(&fleet_sql(
                    backend,
                    "INSERT INTO fleet_notifications (authorization_id, uri, received_at, retry_at) \
                     VALUES (?, ?, ?, ?)",
                ))
                .bind(authorization)
                .bind(uri)
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(doing("the notification"))?;
                result.queued.push((authorization, uri.clone()));
            }
            tx.commit().await.map_err(doing("commit"))?;
            Ok(result)
        })
    }

    /// The notifications of authorization `authorization_id` (row id) waiting to be
    /// fetched by `now`: id and URI, oldest first.
    pub async fn pending_notifications(
        &self,
        authorization_id: i64,
        now: i64,
    ) -> Result<Vec<(i64, String)>, Error> {
        let backend = self.backend();
        let rows = on_pool!(self, |pool, sql| {
            let _ = sql;
            sqlx::query(&fleet_sql(
                backend,
                "SELECT id, uri FROM fleet_notifications \
                 WHERE authorization_id = ? AND done_at IS NULL AND retry_at <= ? ORDER BY id",
            ))
            .bind(authorization_id)
            .bind(now)
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        });
        rows.map_err(Error::database("reading the notifications waiting"))
    }

    /// Marks notifications done at `now`.
    pub async fn notifications_done(&self, ids: &[i64], now: i64) -> Result<(), Error> {
        self.update_notifications(
            ids,
            "UPDATE fleet_notifications SET done_at = ? WHERE id = ?",
            now,
        )
        .await
    }

    /// Makes notifications whose fetch failed wait until `retry_at`.
    pub async fn postpone_notifications(&self, ids: &[i64], retry_at: i64) -> Result<(), Error> {
        self.update_notifications(
            ids,
            "UPDATE fleet_notifications SET retry_at = ? WHERE id = ?",
            retry_at,
        )
        .await
    }

    async fn update_notifications(
        &self,
        ids: &[i64],
        statement: &str,
        at: i64,
    ) -> Result<(), Error> {
        let backend = self.backend();
        let doing = |what: &str| Error::database(format!("updating notifications: {what}"));
        on_pool!(self, |pool, sql| {
            let _ = sql;
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            for id in ids {
                sqlx::query(&fleet_sql(backend, statement))
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(doing("a notification"))?;
            }
            tx.commit().await.map_err(doing("commit"))
        })
    }

    /// Every notification received: authorization (row id), URI, received, done.
    pub async fn notifications(&self) -> Result<Vec<(i64, String, i64, Option<i64>)>, Error> {
        let backend = self.backend();
        let rows = on_pool!(self, |pool, sql| {
            let _ = sql;
            sqlx::query(&fleet_sql(
                backend,
                "SELECT authorization_id, uri, received_at, done_at FROM fleet_notifications \
                 ORDER BY id",
            ))
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        Ok((
                            row.try_get(0)?,
                            row.try_get(1)?,
                            row.try_get(2)?,
                            row.try_get(3)?,
                        ))
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        });
        rows.map_err(Error::database("listing the notifications"))
    }

    /// Keeps an authorization request until its callback, after deleting the expired
    /// ones. Refused when `limit` requests are waiting already.
    pub async fn put_pending_authorization(
        &self,
        record: &PendingAuthorizationRecord,
        now: i64,
        limit: u64,
    ) -> Result<bool, Error> {
        let backend = self.backend();
        let doing =
            |what: &str| Error::database(format!("keeping an authorization request: {what}"));
        on_pool!(self, |pool, sql| {
            let _ = sql;
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            sqlx::query(&fleet_sql(
                backend,
                "DELETE FROM fleet_pending_authorizations WHERE expires_at <= ?",
            ))
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(doing("the expired ones"))?;
            let waiting: i64 = sqlx::query_scalar(&fleet_sql(
                backend,
                "SELECT COUNT(*) FROM fleet_pending_authorizations",
            ))
            .fetch_one(&mut *tx)
            .await
            .map_err(doing("counting"))?;
            if u64::try_from(waiting).unwrap_or(0) >= limit {
                tx.commit().await.map_err(doing("commit"))?;
                return Ok(false);
            }
            sqlx::query(&fleet_sql(
                backend,
                "INSERT INTO fleet_pending_authorizations \
                 (state, custodian, pkce_verifier, redirect_uri, scope, expires_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            ))
            .bind(&record.state)
            .bind(&record.custodian)
            .bind(&record.pkce_verifier)
            .bind(&record.redirect_uri)
            .bind(&record.scope)
            .bind(record.expires_at)
            .execute(&mut *tx)
            .await
            .map_err(doing("the request"))?;
            tx.commit().await.map_err(doing("commit"))?;
            Ok(true)
        })
    }

    /// Takes (removes and returns) the authorization request sent with `state`,
    /// unless it expired by `now`: each callback is used once.
    pub async fn take_pending_authorization(
        &self,
        state: &str,
        now: i64,
    ) -> Result<Option<PendingAuthorizationRecord>, Error> {
        let backend = self.backend();
        let row = on_pool!(self, |pool, sql| {
            let _ = sql;
            sqlx::query(&fleet_sql(
                backend,
                "DELETE FROM fleet_pending_authorizations WHERE state = ? \
                 RETURNING state, custodian, pkce_verifier, redirect_uri, scope, expires_at",
            ))
            .bind(state)
            .fetch_optional(pool)
            .await
            .and_then(|row| {
                row.map(|row| {
                    Ok(PendingAuthorizationRecord {
                        state: row.try_get(0)?,
                        custodian: row.try_get(1)?,
                        pkce_verifier: row.try_get(2)?,
                        redirect_uri: row.try_get(3)?,
                        scope: row.try_get(4)?,
                        expires_at: row.try_get(5)?,
                    })
                })
                .transpose()
            })
        })
        .map_err(Error::database("taking an authorization request"))?;
        Ok(row.filter(|record| record.expires_at > now))
    }
}
