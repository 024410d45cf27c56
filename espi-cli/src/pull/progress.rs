//! The sync's progress on standard error, one line per commit.

use super::date;
use espi_client::{MonthRecord, StoreError, SyncBatch, SyncStore, readings_of};
use espi_store::Store;
use std::sync::Mutex;
use std::time::Instant;

/// A [`SyncStore`] that reports each commit on standard error once the store has it:
/// the sync commits once per month, when the month's response has been read whole.
pub(super) struct Progress<'a> {
    inner: &'a Store,
    pub(super) started: Instant,
    months: Mutex<u32>,
}

impl<'a> Progress<'a> {
    pub(super) fn new(inner: &'a Store) -> Self {
        Progress {
            inner,
            started: Instant::now(),
            months: Mutex::new(0),
        }
    }

    fn report(&self, month: Option<&MonthRecord>, entries: usize, readings: usize) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let Some(month) = month else {
            eprintln!("{elapsed:7.1} s  context: {entries} entries committed");
            return;
        };
        let mut done = self
            .months
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        *done += 1;
        eprintln!(
            "{elapsed:7.1} s  month {:>3}  {}  {entries:>5} entries  {readings:>7} readings committed",
            *done,
            date(month.start),
        );
    }
}

#[async_trait::async_trait]
impl SyncStore for Progress<'_> {
    async fn month_records(&self, subscription: &str) -> Result<Vec<MonthRecord>, StoreError> {
        self.inner.month_records(subscription).await
    }

    async fn commit(&self, subscription: &str, batch: SyncBatch) -> Result<(), StoreError> {
        let month = batch.month;
        let entries = batch.entries.len();
        let readings = batch
            .entries
            .iter()
            .map(|entry| readings_of(entry).len())
            .sum();
        self.inner.commit(subscription, batch).await?;
        self.report(month.as_ref(), entries, readings);
        Ok(())
    }
}
