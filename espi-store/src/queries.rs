//! What a third party asks of the data: the subscriptions and their last sync,
//! readings in a UTC range, their totals, corrections, and totals per day or month on
//! the utility's local clock.

use crate::error::Error;
use crate::packed;
use crate::store::{Store, on_pool};
use chrono::{Datelike, NaiveDate};
use espi_client::ReadingTotals;
use espi_model::local_time::LocalTimeRules;
use espi_model::{
    atom::{Document, Entry},
    resource::Resource,
};
use sqlx::Row;

/// A subscription the store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SubscriptionInfo {
    /// Its resource URI.
    pub uri: String,
    /// The key of the authorization its tokens are stored under, when known.
    pub authorization: Option<String>,
    /// When that authorization ended, if it did.
    pub ended_at: Option<i64>,
    /// When a month was last committed (the client's clock).
    pub last_sync_at: Option<i64>,
    /// Readings held.
    pub readings: u64,
}

/// One stored interval reading.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reading {
    /// The MeterReading (its `self` href).
    pub meter_reading: String,
    /// The start, epoch seconds (for a reading without its own time, its block's).
    pub start: i64,
    /// 0 for a reading with its own time, else its index + 1 in its block.
    pub position: i64,
    /// Seconds.
    pub duration: Option<i64>,
    /// The raw value (× 10^powerOfTenMultiplier of the ReadingType's unit).
    pub value: Option<i64>,
    /// The cost in 1/100 000 of the currency.
    pub cost: Option<i64>,
    /// ReadingQuality codes, comma-separated.
    pub quality: Option<String>,
    /// The IntervalBlock entry it came in (its key).
    pub block: Option<String>,
    /// When its current value was received (the client's clock).
    pub fetched_at: i64,
    /// How many times a correction replaced its value ([`Store::revisions`]).
    pub revisions: u64,
}

/// A value a correction replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Revision {
    /// The MeterReading.
    pub meter_reading: String,
    /// The reading's start.
    pub start: i64,
    /// The value replaced.
    pub value: Option<i64>,
    /// The cost replaced.
    pub cost: Option<i64>,
    /// When the replaced value had been received.
    pub received_at: i64,
    /// When it was replaced.
    pub replaced_at: i64,
}

/// A span of the local calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalPeriod {
    /// A local day.
    Day,
    /// A local calendar month.
    Month,
}

/// The readings of one local day or month.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocalTotal {
    /// The first local day of the period.
    pub local_start: NaiveDate,
    /// Readings starting in it.
    pub count: u64,
    /// The sum of their raw values.
    pub value_sum: i64,
    /// The sum of their costs.
    pub cost_sum: i64,
}

type Db<T> = Result<T, sqlx::Error>;

impl Store {
    /// Every subscription, with its authorization and last sync, by URI.
    pub async fn subscriptions(&self) -> Result<Vec<SubscriptionInfo>, Error> {
        let rows = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT s.uri, a.token_key, a.ended_at, s.last_sync_at, \
                 (SELECT COUNT(*) FROM readings r JOIN meter_readings m ON m.id = r.meter_reading_id \
                  WHERE m.subscription_id = s.id) \
                 FROM subscriptions s LEFT JOIN authorizations a ON a.id = s.authorization_id \
                 ORDER BY s.uri",
            ))
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        Ok(SubscriptionInfo {
                            uri: row.try_get(0)?,
                            authorization: row.try_get(1)?,
                            ended_at: row.try_get(2)?,
                            last_sync_at: row.try_get(3)?,
                            readings: u64::try_from(row.try_get::<i64, _>(4)?).unwrap_or(0),
                        })
                    })
                    .collect::<Db<Vec<_>>>()
            })
        });
        rows.map_err(Error::database("listing the subscriptions"))
    }

    /// When a month of `subscription` was last committed (`None`: never).
    pub async fn last_sync(&self, subscription: &str) -> Result<Option<i64>, Error> {
        let value = on_pool!(self, |pool, sql| {
            sqlx::query_scalar::<_, Option<i64>>(&sql(
                "SELECT last_sync_at FROM subscriptions WHERE uri = ?",
            ))
            .bind(subscription)
            .fetch_optional(pool)
            .await
        })
        .map_err(Error::database(format!(
            "reading the last sync of {subscription}"
        )))?;
        match value {
            Some(at) => Ok(at),
            None => Err(Error::UnknownSubscription(subscription.to_owned())),
        }
    }

    /// The readings of `subscription` starting in `[from, to)` (epoch seconds), by
    /// MeterReading and start.
    pub async fn readings(
        &self,
        subscription: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Reading>, Error> {
        let rows = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT m.uri, r.start, r.position, r.duration, r.value, r.cost, r.quality, \
                 e.entry_key, r.fetched_at, \
                 (SELECT COUNT(*) FROM reading_revisions v WHERE v.meter_reading_id = r.meter_reading_id \
                  AND v.start = r.start AND v.position = r.position) \
                 FROM readings r JOIN meter_readings m ON m.id = r.meter_reading_id \
                 JOIN subscriptions s ON s.id = m.subscription_id \
                 LEFT JOIN entries e ON e.id = r.block_id \
                 WHERE s.uri = ? AND r.start >= ? AND r.start < ? \
                 ORDER BY m.uri, r.start, r.position",
            ))
            .bind(subscription)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        Ok(Reading {
                            meter_reading: row.try_get(0)?,
                            start: row.try_get(1)?,
                            position: row.try_get(2)?,
                            duration: row.try_get(3)?,
                            value: row.try_get(4)?,
                            cost: row.try_get(5)?,
                            quality: row.try_get(6)?,
                            block: row.try_get(7)?,
                            fetched_at: row.try_get(8)?,
                            revisions: u64::try_from(row.try_get::<i64, _>(9)?).unwrap_or(0),
                        })
                    })
                    .collect::<Db<Vec<_>>>()
            })
        });
        rows.map_err(Error::database(format!(
            "reading the readings of {subscription}"
        )))
    }

    /// Count, sum of values, first start and last end of every reading of
    /// `subscription`.
    pub async fn reading_totals(&self, subscription: &str) -> Result<ReadingTotals, Error> {
        let row = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT COUNT(*), CAST(COALESCE(SUM(r.value), 0) AS BIGINT), MIN(r.start), \
                 MAX(r.start + r.duration) \
                 FROM readings r JOIN meter_readings m ON m.id = r.meter_reading_id \
                 JOIN subscriptions s ON s.id = m.subscription_id WHERE s.uri = ?",
            ))
            .bind(subscription)
            .fetch_one(pool)
            .await
            .and_then(|row| {
                Ok((
                    row.try_get::<i64, _>(0)?,
                    row.try_get::<i64, _>(1)?,
                    row.try_get::<Option<i64>, _>(2)?,
                    row.try_get::<Option<i64>, _>(3)?,
                ))
            })
        })
        .map_err(Error::database(format!(
            "totalling the readings of {subscription}"
        )))?;
        Ok(ReadingTotals {
            count: u64::try_from(row.0).unwrap_or(0),
            sum: row.1,
            first_start: row.2,
            last_end: row.3,
        })
    }

    /// Every value a correction replaced in `subscription`, by reading and time.
    pub async fn revisions(&self, subscription: &str) -> Result<Vec<Revision>, Error> {
        let rows = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT m.uri, v.start, v.value, v.cost, v.received_at, v.replaced_at \
                 FROM reading_revisions v JOIN meter_readings m ON m.id = v.meter_reading_id \
                 JOIN subscriptions s ON s.id = m.subscription_id WHERE s.uri = ? \
                 ORDER BY m.uri, v.start, v.replaced_at",
            ))
            .bind(subscription)
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        Ok(Revision {
                            meter_reading: row.try_get(0)?,
                            start: row.try_get(1)?,
                            value: row.try_get(2)?,
                            cost: row.try_get(3)?,
                            received_at: row.try_get(4)?,
                            replaced_at: row.try_get(5)?,
                        })
                    })
                    .collect::<Db<Vec<_>>>()
            })
        });
        rows.map_err(Error::database(format!(
            "reading the revisions of {subscription}"
        )))
    }

    /// The totals of `subscription`'s readings per local day or month, on the clock
    /// of its LocalTimeParameters (there must be one set of rules; several
    /// UsagePoints may share it). A reading counts in the period its start falls in.
    pub async fn local_totals(
        &self,
        subscription: &str,
        period: LocalPeriod,
    ) -> Result<Vec<LocalTotal>, Error> {
        let rules = self.local_time(subscription).await?;
        let rows = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT r.start, r.value, r.cost FROM readings r \
                 JOIN meter_readings m ON m.id = r.meter_reading_id \
                 JOIN subscriptions s ON s.id = m.subscription_id WHERE s.uri = ? ORDER BY r.start",
            ))
            .bind(subscription)
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        Ok((
                            row.try_get::<i64, _>(0)?,
                            row.try_get::<Option<i64>, _>(1)?,
                            row.try_get::<Option<i64>, _>(2)?,
                        ))
                    })
                    .collect::<Db<Vec<_>>>()
            })
        })
        .map_err(Error::database(format!(
            "reading the readings of {subscription}"
        )))?;
        let mut totals: Vec<LocalTotal> = Vec::new();
        for (start, value, cost) in rows {
            let local = rules
                .to_local(start)
                .map_err(|error| Error::LocalTime {
                    subscription: subscription.to_owned(),
                    reason: error.to_string(),
                })?
                .date_naive();
            let local_start = match period {
                LocalPeriod::Day => local,
                LocalPeriod::Month => local.with_day(1).unwrap_or(local),
            };
            if totals
                .last()
                .is_none_or(|last| last.local_start != local_start)
            {
                totals.push(LocalTotal {
                    local_start,
                    count: 0,
                    value_sum: 0,
                    cost_sum: 0,
                });
            }
            if let Some(total) = totals.last_mut() {
                total.count += 1;
                total.value_sum = total.value_sum.saturating_add(value.unwrap_or(0));
                total.cost_sum = total.cost_sum.saturating_add(cost.unwrap_or(0));
            }
        }
        Ok(totals)
    }

    /// The local clock of `subscription`: the rules of its LocalTimeParameters.
    pub async fn local_time(&self, subscription: &str) -> Result<LocalTimeRules, Error> {
        let mut found: Vec<LocalTimeRules> = Vec::new();
        for entry in self
            .entries_of_kind(subscription, Some("LocalTimeParameters"))
            .await?
        {
            if let Some(Resource::LocalTimeParameters(parameters)) = entry.resource()
                && let Some(rules) = parameters.rules()
                && !found.contains(&rules)
            {
                found.push(rules);
            }
        }
        let problem = |reason: &str| Error::LocalTime {
            subscription: subscription.to_owned(),
            reason: reason.to_owned(),
        };
        match found.as_slice() {
            [rules] => Ok(*rules),
            [] => Err(problem(
                "the store holds no LocalTimeParameters with complete rules for it",
            )),
            _ => Err(problem(
                "its LocalTimeParameters disagree; the local totals need one clock",
            )),
        }
    }

    /// Every entry stored for `subscription`, in the order they first arrived.
    pub async fn entries(&self, subscription: &str) -> Result<Vec<Entry>, Error> {
        self.entries_of_kind(subscription, None).await
    }

    /// Every entry stored for `subscription` as one feed: link it with
    /// `espi_model::link::link_entries` and read it with
    /// `espi_model::reading::flat_readings` for scaled values in their units.
    pub async fn document(&self, subscription: &str) -> Result<Document, Error> {
        Ok(Document::Feed(espi_model::atom::Feed {
            entries: self.entries(subscription).await?,
            ..espi_model::atom::Feed::default()
        }))
    }

    async fn entries_of_kind(
        &self,
        subscription: &str,
        kind: Option<&str>,
    ) -> Result<Vec<Entry>, Error> {
        let mut entries = Vec::new();
        let mut after = i64::MIN;
        loop {
            let page = self.entry_page(subscription, kind, after, 1_000).await?;
            let Some((last, _)) = page.last() else {
                break;
            };
            after = *last;
            entries.extend(page.into_iter().map(|(_, entry)| entry));
        }
        Ok(entries)
    }

    /// Up to `limit` stored entries after id `after`, in id order, with their ids.
    pub(crate) async fn entry_page(
        &self,
        subscription: &str,
        kind: Option<&str>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, Entry)>, Error> {
        type Stored = (i64, String, String, Option<Vec<u8>>);
        let rows = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT e.id, e.entry_key, e.xml, e.packed_readings FROM entries e \
                 JOIN subscriptions s ON s.id = e.subscription_id \
                 WHERE s.uri = ? AND e.id > ? AND (? IS NULL OR e.kind = ?) ORDER BY e.id LIMIT ?",
            ))
            .bind(subscription)
            .bind(after)
            .bind(kind)
            .bind(kind)
            .bind(limit)
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
                    .collect::<Db<Vec<Stored>>>()
            })
        });
        rows.map_err(Error::database(format!(
            "reading the entries of {subscription}"
        )))?
        .into_iter()
        .map(|(id, key, xml, packed)| Ok((id, stored_entry(&key, &xml, packed.as_deref())?)))
        .collect()
    }
}

/// A stored entry back: its XML read, and its packed readings, if any, put back.
fn stored_entry(key: &str, xml: &str, packed: Option<&[u8]>) -> Result<Entry, Error> {
    let problem = |reason: String| Error::Entry {
        key: key.to_owned(),
        reason,
    };
    let parsed = espi_xml::read_document(xml.as_bytes())
        .map_err(|error| problem(format!("the stored XML does not read back: {error}")))?;
    let Document::Entry(mut entry) = parsed.document else {
        return Err(problem("the stored XML is not an entry".to_owned()));
    };
    if let Some(packed) = packed {
        packed::restore_readings(&mut entry, packed).map_err(problem)?;
    }
    Ok(entry)
}
