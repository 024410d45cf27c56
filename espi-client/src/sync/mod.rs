//! Syncing one subscription: see [`sync_subscription`].
mod plan;
#[cfg(test)]
mod plan_tests;
mod run;
mod store;
#[cfg(test)]
mod store_tests;

pub use plan::{DEFAULT_CLOCK_SKEW, SyncOptions};
pub use run::{SyncReport, sync_subscription};
pub use store::{
    MemorySyncStore, MonthRecord, ReadingPosition, ReadingTotals, StoredReading, SyncBatch,
    SyncStore, entry_key, readings_of,
};
