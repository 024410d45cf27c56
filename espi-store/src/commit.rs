//! Writing what a sync read: [`SyncStore`] for [`Store`]. One batch is one
//! transaction: the Data Custodian and subscription rows, the entries (as XML, an
//! IntervalBlock's readings packed beside it), the MeterReadings, the readings and
//! the month's record.

use crate::bulk::{BulkReadings, Columns};
use crate::error::Error;
use crate::fleet::leases::FenceExecutor;
use crate::packed;
use crate::store::{Store, on_pool};
use espi_client::StoreError;
use espi_client::{MonthRecord, ReadingPosition, SyncBatch, SyncStore, entry_key, readings_of};
use espi_model::atom::{Document, Entry};
use espi_xml::WriteOptions;
use sqlx::{QueryBuilder, Row};
use std::collections::HashMap;

/// One entry ready to write.
struct EntryRow {
    key: String,
    kind: &'static str,
    xml: String,
    /// The readings of an IntervalBlock, when they are not in `xml`.
    packed_readings: Option<Vec<u8>>,
}

/// One reading ready to write; its MeterReading and its block are indices into
/// [`Prepared::meter_readings`] and [`Prepared::entries`].
struct ReadingRow {
    meter_reading: usize,
    start: i64,
    position: i64,
    duration: Option<i64>,
    value: Option<i64>,
    cost: Option<i64>,
    quality: Option<String>,
    block: usize,
}

impl ReadingRow {
    fn key(&self) -> (usize, i64, i64) {
        (self.meter_reading, self.start, self.position)
    }
}

/// A batch as rows: entries and readings each once per key (the last delivery wins).
struct Prepared {
    /// In delivery order, so that a feed written back keeps the Data Custodian's order.
    entries: Vec<EntryRow>,
    /// The MeterReadings' URIs, each once.
    meter_readings: Vec<String>,
    /// By MeterReading, start and position.
    readings: Vec<ReadingRow>,
    fetched_at: i64,
    month: Option<MonthRecord>,
}

/// The resource's element name, for queries by kind.
pub(crate) fn kind_name(entry: &Entry) -> &'static str {
    entry.resource().map_or("none", |resource| {
        resource.kind().element_name().unwrap_or("unknown")
    })
}

/// The codes as the store keeps them: comma-separated, `None` for none.
pub(crate) fn quality_text(codes: impl Iterator<Item = u16>) -> Option<String> {
    let text = codes
        .map(|code| code.to_string())
        .collect::<Vec<_>>()
        .join(",");
    (!text.is_empty()).then_some(text)
}

fn prepare(batch: SyncBatch) -> Result<Prepared, Error> {
    // An entry delivered twice is kept as delivered last, in that place; the
    // readings of both deliveries count (the later one's win where they meet).
    let keys: Vec<Option<String>> = batch.entries.iter().map(entry_key).collect();
    let mut last_delivery: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
    for (delivery, key) in keys.iter().enumerate() {
        if let Some(key) = key {
            last_delivery.insert(key, delivery);
        }
    }
    let mut place: HashMap<&str, usize> = HashMap::with_capacity(last_delivery.len());
    for (delivery, key) in keys.iter().enumerate() {
        if let Some(key) = key
            && last_delivery[key.as_str()] == delivery
        {
            place.insert(key, place.len());
        }
    }

    let mut entries = Vec::with_capacity(place.len());
    let mut meter_readings: Vec<String> = Vec::new();
    let mut meter_reading_index: HashMap<String, usize> = HashMap::new();
    let mut readings: Vec<ReadingRow> = Vec::new();
    for (delivery, (entry, key)) in batch.entries.into_iter().zip(&keys).enumerate() {
        let Some(key) = key else {
            continue;
        };
        let block = place[key.as_str()];
        for reading in readings_of(&entry) {
            // An entry's readings share one MeterReading: a lookup when it changes.
            let meter_reading = match meter_readings.last() {
                Some(last) if *last == reading.meter_reading => meter_readings.len() - 1,
                _ => *meter_reading_index
                    .entry(reading.meter_reading.clone())
                    .or_insert_with(|| {
                        meter_readings.push(reading.meter_reading.clone());
                        meter_readings.len() - 1
                    }),
            };
            let (start, position) = match reading.position {
                ReadingPosition::At(start) => (start, 0),
                ReadingPosition::InBlock(start, index) => {
                    (start, i64::try_from(index).unwrap_or(i64::MAX - 1) + 1)
                }
            };
            readings.push(ReadingRow {
                meter_reading,
                start,
                position,
                duration: reading.duration.map(i64::from),
                value: reading.value,
                cost: reading.cost,
                quality: quality_text(
                    reading
                        .qualities
                        .iter()
                        .map(|quality| espi_model::code_list::CodeList::code(*quality)),
                ),
                block,
            });
        }
        if last_delivery[key.as_str()] == delivery {
            let kind = kind_name(&entry);
            let mut entry = entry;
            let packed_readings = packed::take_readings(&mut entry);
            let xml = entry_xml(entry).map_err(|reason| Error::Entry {
                key: key.clone(),
                reason,
            })?;
            entries.push(EntryRow {
                key: key.clone(),
                kind,
                xml,
                packed_readings,
            });
        }
    }
    // One row per key, the last delivered: the sort is stable, and of equal
    // neighbours `dedup_by` keeps the earlier place, so the later row moves in.
    readings.sort_by_key(ReadingRow::key);
    readings.dedup_by(|later, earlier| {
        let same = later.key() == earlier.key();
        if same {
            std::mem::swap(later, earlier);
        }
        same
    });
    Ok(Prepared {
        entries,
        meter_readings,
        readings,
        fetched_at: batch.fetched_at,
        month: batch.month,
    })
}

/// An entry as a standalone `<entry>` document.
pub(crate) fn entry_xml(entry: Entry) -> Result<String, String> {
    let bytes =
        espi_xml::write_document(&Document::Entry(entry), Vec::new(), WriteOptions::compact())
            .map_err(|error| format!("cannot be written as XML: {error}"))?;
    String::from_utf8(bytes).map_err(|error| format!("the writer produced invalid UTF-8: {error}"))
}

/// The origin (`scheme://host[:port]`) of a URI, which names its Data Custodian.
pub(crate) fn origin_of(uri: &str) -> String {
    url::Url::parse(uri).map_or_else(|_| uri.to_owned(), |url| url.origin().ascii_serialization())
}

/// Entries per multi-row statement (6 parameters each).
const ENTRIES_PER_STATEMENT: usize = 500;

impl Store {
    /// Writes a prepared batch in one transaction.
    /// With `fence`, the transaction first checks that lease is still held
    /// ([`Store::leased`]).
    async fn write(
        &self,
        subscription: &str,
        batch: Prepared,
        fence: Option<i64>,
    ) -> Result<(), Error> {
        let doing = |what: &str| Error::database(format!("committing to {subscription}: {what}"));
        let backend = self.backend();
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin().await.map_err(doing("begin"))?;
            if let Some(lease) = fence {
                (&mut *tx).fence(backend, lease).await?;
            }
            let origin = origin_of(subscription);
            let now = batch.fetched_at;
            let custodian: i64 = sqlx::query_scalar(&sql(
                "INSERT INTO data_custodians (origin, created_at) VALUES (?, ?) \
                 ON CONFLICT (origin) DO UPDATE SET origin = excluded.origin RETURNING id",
            ))
            .bind(&origin)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(doing("the Data Custodian"))?;
            // The upsert also locks the subscription's row until the commit, so that
            // commits of one subscription run one after the other (the PostgreSQL
            // readings path relies on it).
            let subscription_id: i64 = sqlx::query_scalar(&sql(
                "INSERT INTO subscriptions (uri, data_custodian_id, created_at, last_sync_at) \
                 VALUES (?, ?, ?, ?) ON CONFLICT (uri) DO UPDATE SET \
                 data_custodian_id = excluded.data_custodian_id, \
                 last_sync_at = COALESCE(excluded.last_sync_at, subscriptions.last_sync_at) \
                 RETURNING id",
            ))
            .bind(subscription)
            .bind(custodian)
            .bind(now)
            .bind(batch.month.as_ref().map(|month| month.fetched_at))
            .fetch_one(&mut *tx)
            .await
            .map_err(doing("the subscription"))?;

            let mut entry_ids: Vec<Option<i64>> = vec![None; batch.entries.len()];
            let entry_index: HashMap<&str, usize> = batch
                .entries
                .iter()
                .enumerate()
                .map(|(index, entry)| (entry.key.as_str(), index))
                .collect();
            for chunk in batch.entries.chunks(ENTRIES_PER_STATEMENT) {
                let mut query = QueryBuilder::new(
                    "INSERT INTO entries (subscription_id, entry_key, kind, xml, packed_readings, \
                     fetched_at) ",
                );
                query.push_values(chunk, |mut row, entry| {
                    row.push_bind(subscription_id)
                        .push_bind(entry.key.as_str())
                        .push_bind(entry.kind)
                        .push_bind(entry.xml.as_str())
                        .push_bind(entry.packed_readings.as_deref())
                        .push_bind(now);
                });
                query.push(
                    " ON CONFLICT (subscription_id, entry_key) DO UPDATE SET kind = excluded.kind, \
                     xml = excluded.xml, packed_readings = excluded.packed_readings, \
                     fetched_at = excluded.fetched_at RETURNING id, entry_key",
                );
                for row in query
                    .build()
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(doing("the entries"))?
                {
                    let id: i64 = row.try_get(0).map_err(doing("an entry's id"))?;
                    let key: &str = row.try_get(1).map_err(doing("an entry's key"))?;
                    if let Some(&index) = entry_index.get(key) {
                        entry_ids[index] = Some(id);
                    }
                }
            }

            let mut meter_reading_ids: Vec<Option<i64>> = vec![None; batch.meter_readings.len()];
            let meter_reading_index: HashMap<&str, usize> = batch
                .meter_readings
                .iter()
                .enumerate()
                .map(|(index, uri)| (uri.as_str(), index))
                .collect();
            for chunk in batch.meter_readings.chunks(ENTRIES_PER_STATEMENT) {
                let mut query =
                    QueryBuilder::new("INSERT INTO meter_readings (subscription_id, uri) ");
                query.push_values(chunk, |mut row, uri| {
                    row.push_bind(subscription_id).push_bind(uri.as_str());
                });
                query.push(
                    " ON CONFLICT (subscription_id, uri) DO UPDATE SET uri = excluded.uri \
                     RETURNING id, uri",
                );
                for row in query
                    .build()
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(doing("the MeterReadings"))?
                {
                    let id: i64 = row.try_get(0).map_err(doing("a MeterReading's id"))?;
                    let uri: &str = row.try_get(1).map_err(doing("a MeterReading's URI"))?;
                    if let Some(&index) = meter_reading_index.get(uri) {
                        meter_reading_ids[index] = Some(id);
                    }
                }
            }

            let mut columns = Columns::with_capacity(batch.readings.len());
            for reading in batch.readings {
                let (Some(meter_reading), Some(block)) = (
                    meter_reading_ids[reading.meter_reading],
                    entry_ids[reading.block],
                ) else {
                    return Err(doing("the readings")(sqlx::Error::Protocol(
                        "an upsert returned no id for a MeterReading or an entry".to_owned(),
                    )));
                };
                columns.meter_readings.push(meter_reading);
                columns.starts.push(reading.start);
                columns.positions.push(reading.position);
                columns.durations.push(reading.duration);
                columns.values.push(reading.value);
                columns.costs.push(reading.cost);
                columns.qualities.push(reading.quality);
                columns.blocks.push(block);
            }
            tx.upsert_readings(&columns, now)
                .await
                .map_err(doing("the readings"))?;

            if let Some(month) = batch.month {
                sqlx::query(&sql(
                    "INSERT INTO sync_months (subscription_id, month_start, month_end, covered_until, \
                     entries, readings, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT (subscription_id, month_start, month_end) DO UPDATE SET \
                     covered_until = excluded.covered_until, entries = excluded.entries, \
                     readings = excluded.readings, fetched_at = excluded.fetched_at",
                ))
                .bind(subscription_id)
                .bind(month.start)
                .bind(month.end)
                .bind(month.covered_until)
                .bind(i64::try_from(month.entries).unwrap_or(i64::MAX))
                .bind(i64::try_from(month.readings).unwrap_or(i64::MAX))
                .bind(month.fetched_at)
                .execute(&mut *tx)
                .await
                .map_err(doing("the month's record"))?;
            }
            tx.commit().await.map_err(doing("commit"))?;
            Ok(())
        })
    }

    /// Commits `batch` in one transaction, fenced by lease `fence` when given.
    pub(crate) async fn commit_batch(
        &self,
        subscription: &str,
        batch: SyncBatch,
        fence: Option<i64>,
    ) -> Result<(), Error> {
        // Writing the entries as XML and packing readings is CPU work: off the async
        // threads.
        let prepared = tokio::task::spawn_blocking(move || prepare(batch))
            .await
            .map_err(|error| Error::Internal(format!("preparing a batch: {error}")))??;
        self.write(subscription, prepared, fence).await
    }

    /// The month records of `subscription`, ordered by start.
    pub(crate) async fn month_records_of(
        &self,
        subscription: &str,
    ) -> Result<Vec<MonthRecord>, Error> {
        let doing = Error::database(format!("reading the progress of {subscription}"));
        let rows = on_pool!(self, |pool, sql| {
            sqlx::query(&sql(
                "SELECT m.month_start, m.month_end, m.covered_until, m.entries, m.readings, \
                 m.fetched_at FROM sync_months m JOIN subscriptions s ON s.id = m.subscription_id \
                 WHERE s.uri = ? ORDER BY m.month_start, m.month_end",
            ))
            .bind(subscription)
            .fetch_all(pool)
            .await
            .and_then(|rows| {
                rows.iter()
                    .map(|row| {
                        Ok(MonthRecord {
                            start: row.try_get(0)?,
                            end: row.try_get(1)?,
                            covered_until: row.try_get(2)?,
                            entries: u64::try_from(row.try_get::<i64, _>(3)?).unwrap_or(0),
                            readings: u64::try_from(row.try_get::<i64, _>(4)?).unwrap_or(0),
                            fetched_at: row.try_get(5)?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        });
        rows.map_err(doing)
    }
}

#[async_trait::async_trait]
impl SyncStore for Store {
    async fn month_records(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError> {
        Ok(self.month_records_of(subscription).await?)
    }

    async fn commit(&self, subscription: &str, batch: SyncBatch) -> Result<(), StoreError> {
        Ok(self.commit_batch(subscription, batch, None).await?)
    }
}
