//! Where synced data is kept: the [`SyncStore`] trait, what a commit carries
//! ([`SyncBatch`], [`MonthRecord`]), how entries and readings are keyed ([`entry_key`],
//! [`readings_of`]) and a store in memory ([`MemorySyncStore`]).

use crate::error::StoreError;
use espi_model::code_list::QualityOfReading;
use espi_model::{atom::Entry, resource::Resource};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// A month recorded by a run: the range its request covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthRecord {
    /// The month's part of the window, `[start, end)`.
    pub start: i64,
    /// The end (exclusive).
    pub end: i64,
    /// How far the request covered: every block lying within `[start,
    /// covered_until]` was delivered. The month is done when this reaches its end
    /// plus the look-ahead.
    pub covered_until: i64,
    /// Entries the month's response carried.
    pub entries: u64,
    /// Interval readings among them.
    pub readings: u64,
    /// When it was read, on the client's clock.
    pub fetched_at: i64,
}
/// What [`SyncStore::commit`] writes in one step.
#[derive(Debug, Clone, Default)]
pub struct SyncBatch {
    /// The entries read (whole responses only).
    pub entries: Vec<Entry>,
    /// When they were read, epoch seconds on the client's clock.
    pub fetched_at: i64,
    /// The month's record (the range its request covered), written with them;
    /// `None` for context entries and notification deltas.
    pub month: Option<MonthRecord>,
}

/// Where synced data is kept.
///
/// Implementations write a [`SyncBatch`] as one transaction: the month is recorded only
/// together with its entries, and a crash leaves either all of it or none. Keying
/// entries with [`entry_key`] and readings with [`readings_of`] makes re-delivery
/// idempotent. An async trait object, like [`TokenStore`](crate::TokenStore) (see
/// [`TokenStore`](crate::TokenStore) for why `async-trait`).
#[async_trait::async_trait]
pub trait SyncStore: Send + Sync {
    /// The months recorded for `subscription` (its resource URI), each with the
    /// range its last request covered.
    async fn month_records(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError>;
    /// Writes `batch` for `subscription`, in one transaction.
    async fn commit(&self, subscription: &str, batch: SyncBatch) -> Result<(), StoreError>;
}

/// The key of an entry: its `self` link, else its Atom id.
pub fn entry_key(entry: &Entry) -> Option<String> {
    entry
        .meta
        .self_href()
        .map(str::to_owned)
        .or_else(|| entry.meta.id.clone())
}

/// Where a reading sits: its own start, or its position in a block without times.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReadingPosition {
    /// The reading's `timePeriod` start, epoch seconds.
    At(i64),
    /// The block's start and the reading's index (no `timePeriod`).
    InBlock(i64, usize),
}

/// One interval reading as a sync store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReading {
    /// The MeterReading the block belongs to (its `self` href as the Data Custodian
    /// writes it).
    pub meter_reading: String,
    /// Where the reading sits.
    pub position: ReadingPosition,
    /// The reading's duration, seconds.
    pub duration: Option<u32>,
    /// The raw value (× 10^powerOfTenMultiplier of the ReadingType's unit).
    pub value: Option<i64>,
    /// The cost in 1/100 000 of the currency.
    pub cost: Option<i64>,
    /// Its ReadingQuality codes (none: the ReadingType's default quality applies).
    pub qualities: Vec<QualityOfReading>,
    /// The IntervalBlock entry it came in.
    pub block: String,
}

impl StoredReading {
    /// The start, when the reading has one.
    pub fn start(&self) -> Option<i64> {
        match self.position {
            ReadingPosition::At(start) => Some(start),
            ReadingPosition::InBlock(..) => None,
        }
    }

    /// The end, when the reading has a start and a duration.
    pub fn end(&self) -> Option<i64> {
        Some(self.start()? + i64::from(self.duration?))
    }
}

/// The readings of an IntervalBlock entry (none for other entries).
pub fn readings_of(entry: &Entry) -> Vec<StoredReading> {
    let Some(Resource::IntervalBlock(block)) = entry.resource() else {
        return Vec::new();
    };
    let block_key = entry_key(entry).unwrap_or_default();
    let meter_reading = meter_reading_of(entry).unwrap_or_else(|| block_key.clone());
    let block_start = block
        .interval
        .as_ref()
        .and_then(|interval| interval.start)
        .unwrap_or(0);
    block
        .interval_reading
        .iter()
        .enumerate()
        .map(|(index, reading)| {
            let period = reading.time_period.as_ref();
            StoredReading {
                meter_reading: meter_reading.clone(),
                position: match period.and_then(|period| period.start) {
                    Some(start) => ReadingPosition::At(start),
                    None => ReadingPosition::InBlock(block_start, index),
                },
                duration: period.and_then(|period| period.duration),
                value: reading.value,
                cost: reading.cost,
                qualities: reading
                    .reading_quality
                    .iter()
                    .filter_map(|quality| quality.quality)
                    .collect(),
                block: block_key.clone(),
            }
        })
        .collect()
}

/// The MeterReading of an IntervalBlock entry: its `up` link (the MeterReading's
/// IntervalBlock collection) without the last segment, else its `self` link without
/// the last two.
fn meter_reading_of(entry: &Entry) -> Option<String> {
    if let Some(up) = entry.meta.up_href() {
        let trimmed = up.trim_end_matches('/');
        return Some(
            trimmed
                .strip_suffix("/IntervalBlock")
                .unwrap_or(trimmed)
                .to_owned(),
        );
    }
    let own = entry.meta.self_href()?.trim_end_matches('/');
    let (collection, _) = own.rsplit_once('/')?;
    let (meter_reading, _) = collection.rsplit_once('/')?;
    Some(meter_reading.to_owned())
}

/// Totals of the stored readings, to compare with a source file's facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadingTotals {
    /// Readings.
    pub count: u64,
    /// The sum of their raw values.
    pub sum: i64,
    /// The earliest start.
    pub first_start: Option<i64>,
    /// The latest end.
    pub last_end: Option<i64>,
}

#[derive(Debug, Default)]
struct Subscription {
    entries: BTreeMap<String, Entry>,
    readings: BTreeMap<(String, ReadingPosition), StoredReading>,
    months: BTreeMap<(i64, i64), MonthRecord>,
    commits: u64,
    redelivered: u64,
}

/// A [`SyncStore`] in memory, for tests and one-off pulls.
///
/// A re-delivered block replaces the values of the readings it carries; a reading it
/// no longer carries is kept (nothing received is dropped), as in espi-store.
#[derive(Debug, Default)]
pub struct MemorySyncStore {
    subscriptions: Mutex<HashMap<String, Subscription>>,
}

impl MemorySyncStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Subscription>> {
        // Every commit is applied whole under the lock, so a poisoned lock still
        // guards consistent data.
        self.subscriptions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The subscriptions stored.
    pub fn subscriptions(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// Every entry stored for `subscription`, by key.
    pub fn entries(&self, subscription: &str) -> Vec<Entry> {
        self.lock()
            .get(subscription)
            .map(|stored| stored.entries.values().cloned().collect())
            .unwrap_or_default()
    }

    /// Every entry stored for `subscription` as one feed, in key order: link it with
    /// `espi_model::link::link_entries` and read it with
    /// `espi_model::reading::flat_readings` for scaled values in their units.
    pub fn document(&self, subscription: &str) -> espi_model::atom::Document {
        espi_model::atom::Document::Feed(espi_model::atom::Feed {
            entries: self.entries(subscription),
            ..espi_model::atom::Feed::default()
        })
    }

    /// Every reading stored for `subscription`, by MeterReading and position.
    pub fn readings(&self, subscription: &str) -> Vec<StoredReading> {
        self.lock()
            .get(subscription)
            .map(|stored| stored.readings.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The totals of the readings of `subscription`.
    pub fn totals(&self, subscription: &str) -> ReadingTotals {
        let mut totals = ReadingTotals::default();
        for reading in self.readings(subscription) {
            totals.count += 1;
            totals.sum = totals.sum.saturating_add(reading.value.unwrap_or(0));
            if let Some(start) = reading.start() {
                totals.first_start = Some(totals.first_start.map_or(start, |s| s.min(start)));
            }
            if let Some(end) = reading.end() {
                totals.last_end = Some(totals.last_end.map_or(end, |e| e.max(end)));
            }
        }
        totals
    }

    /// How many entries arrived again after they were stored (and replaced their
    /// earlier copy), over all commits.
    pub fn redelivered(&self, subscription: &str) -> u64 {
        self.lock()
            .get(subscription)
            .map_or(0, |stored| stored.redelivered)
    }

    /// Commits written for `subscription`.
    pub fn commits(&self, subscription: &str) -> u64 {
        self.lock()
            .get(subscription)
            .map_or(0, |stored| stored.commits)
    }
}

#[async_trait::async_trait]
impl SyncStore for MemorySyncStore {
    async fn month_records(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError> {
        Ok(self
            .lock()
            .get(subscription)
            .map(|stored| stored.months.values().copied().collect())
            .unwrap_or_default())
    }

    async fn commit(&self, subscription: &str, batch: SyncBatch) -> Result<(), StoreError> {
        let mut subscriptions = self.lock();
        let stored = subscriptions.entry(subscription.to_owned()).or_default();
        for entry in batch.entries {
            let Some(key) = entry_key(&entry) else {
                continue;
            };
            for reading in readings_of(&entry) {
                let reading_key = (reading.meter_reading.clone(), reading.position.clone());
                stored.readings.insert(reading_key, reading);
            }
            if stored.entries.insert(key, entry).is_some() {
                stored.redelivered += 1;
            }
        }
        if let Some(month) = batch.month {
            stored.months.insert((month.start, month.end), month);
        }
        stored.commits += 1;
        Ok(())
    }
}

/// Whether an entry carries interval data.
#[cfg(test)]
pub(crate) fn is_interval_block(entry: &Entry) -> bool {
    entry.resource().map(Resource::kind) == Some(espi_model::resource::ResourceKind::IntervalBlock)
}
