//! Syncing one subscription: month by month over the window the program and the
//! authorization permit, resumable, idempotent, and re-reading the recent months.
//!
//! # The window
//!
//! [`sync_window`] intersects:
//!
//! - the program's policy (Ameren Share My Usage by default: 24 calendar months back
//!   from the grant, 24 forward), applied with espi-auth's
//!   [`WindowPolicy::window`](espi_auth::window::WindowPolicy::window) to the grant
//!   instant and cut at `now` (data after now does not exist yet);
//! - the scope's `HistoryLength`, counted back from the grant;
//! - the Authorization resource, when given: its `publishedPeriod` start, the end of
//!   its `authorizedPeriod`, and its status (a revoked authorization has nothing left
//!   to sync).
//!
//! The grant instant is the Authorization's `authorizedPeriod` start, or else when the
//! code was exchanged ([`TokenSet::granted_at`](crate::TokenSet::granted_at)).
//!
//! # Two clocks
//!
//! The grant instant may come from the Data Custodian's clock and `now` from the
//! client's; they differ. Up to [`SyncOptions::clock_skew`] (five minutes by default)
//! costs nothing: a `now` that far before the grant is taken as the grant; the window
//! asks for that much more history and that much past `now` (the Data Custodian
//! clamps a request to what it permits, so asking a little more is harmless, while
//! data never asked for is lost); and a request is taken to cover its range only up
//! to `now` less the skew ([`SyncWindow::settled`]), so data the Data Custodian did
//! not have yet is asked for again.
//!
//! # The requests
//!
//! The window is cut into calendar months with espi-auth's
//! [`monthly_chunks`](espi_auth::window::monthly_chunks). Each month is one `GET
//! Batch/Subscription/{id}` with `published-min` = the month's start and
//! `published-max` = its end **plus a look-ahead**: a Data Custodian selects an
//! IntervalBlock only when its whole interval lies within the bounds (NAESB REQ.21's
//! query parameters), so a block that starts in one month and ends in the next (a
//! monthly block starting on the 9th, as GBA's own sample has) would fall between two
//! month-sized requests and never be delivered. The look-ahead is the scope's longest
//! `BlockDuration` (daily 1 day, weekly 7, monthly and billingPeriod 35, seasonal 92;
//! 35 days when the scope names none), or [`SyncOptions::block_lookahead`]. Blocks in
//! the look-ahead are delivered twice; the store keeps them once.
//!
//! # Progress: the range covered, not the calendar month
//!
//! A month's entries are read to the end of the response (every page) before anything
//! is written; then [`SyncStore::commit`] stores them together with the month's
//! [`MonthRecord`], in one step. The record says how far the request covered
//! ([`MonthRecord::covered_until`]): the month's end plus the look-ahead, unless `now`
//! or the window's end cut it. A month is done only once a request covering its whole
//! range completed ([`PlannedMonth::is_covered_by`]); until then every run reads it
//! again, so a block crossing the month's end that had not ended at fetch time is
//! requested once it has. A response cut off, a failed request, a revoked
//! authorization: the month in progress is not written and not recorded, and the next
//! run reads it again. Entries are keyed by their `self` link and readings by
//! (MeterReading, start), so a month delivered twice leaves one copy.
//!
//! Each run also re-reads the last [`SyncOptions::reread_months`] calendar months (2 by
//! default) and the month in progress even when done, because utilities correct
//! recent data (Ameren's program page recommends it).
//!
//! Before the months, the run reads the context that month requests may not carry
//! (entries that are not IntervalBlocks are selected by their own `published` date):
//! the UsagePoints, their MeterReadings, and the ReadingTypes and LocalTimeParameters
//! they link to, through the resource-level endpoints. A Data Custodian that does not
//! serve them (403, 404) only costs the context; the report says so.

mod plan;
#[cfg(test)]
mod plan_tests;
mod run;
mod store;
#[cfg(test)]
mod store_tests;

pub use plan::{
    DEFAULT_CLOCK_SKEW, PlannedMonth, SyncOptions, SyncWindow, block_lookahead, plan_months,
    sync_window,
};
pub use run::{SyncReport, sync_subscription};
pub use store::{
    Batch, MemorySyncStore, MonthRecord, ReadingPosition, ReadingTotals, StoredReading, SyncStore,
    entry_key, is_interval_block, readings_of,
};
