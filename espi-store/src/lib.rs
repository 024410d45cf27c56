//! Durable, crash-safe state for Green Button pull clients: tokens, authorizations,
//! sync progress, entries and interval readings, in SQLite (embedded, the default)
//! or PostgreSQL (one database shared by workers on several machines).
//!
//! A [`Store`] is what [`espi_client`] keeps, made durable: it implements the
//! client's [`TokenStore`](espi_client::TokenStore) and
//! [`SyncStore`](espi_client::SyncStore), and answers the questions a third
//! party asks of the data afterwards.
//!
//! ```no_run
//! # async fn demo(client: espi_client::Client, key: espi_client::TokenKey) -> Result<(), Box<dyn std::error::Error>> {
//! use espi_client::{SyncOptions, sync_subscription};
//! use espi_store::{LocalPeriod, Store};
//!
//! let store = Store::open("espi-pull.sqlite").await?; // or "postgres://…"
//! let report = sync_subscription(&client.session(key), &store, &SyncOptions::new()).await?;
//! for day in store.local_totals(&report.subscription, LocalPeriod::Day).await? {
//!     println!("{} {} Wh", day.local_start, day.value_sum);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # What it stores and guarantees
//!
//! - **Readings** keyed by (MeterReading, start), with duration, raw value, cost,
//!   ReadingQuality codes, the IntervalBlock they came in and when they were fetched.
//!   A re-delivered reading with another value replaces the old one, and the old one
//!   is kept in the reading's revisions (when it was received, when it was replaced):
//!   [`Store::revisions`]. A reading the new block no longer carries is kept.
//!   Readings stay after they leave the rolling window (the window limits what may be
//!   requested, not what was received); [`StoreOptions::delete_on_revocation`] deletes
//!   a customer's data when [`Store::end_authorization`] records the end.
//! - **Entries** of every kind, kept losslessly as espi-xml writes them, so the
//!   subscription can be written out again as an ESPI feed ([`Store::write_feed`]).
//!   An IntervalBlock's readings, most of a subscription's XML, are kept beside its
//!   XML in a compact binary form when they carry only what that form holds (time
//!   period, value, cost, ReadingQuality codes), which is checked on every write; a
//!   block with anything more keeps its whole XML.
//! - **Sync progress**: each month's record with the range its request covered; one
//!   month's entries, readings and record are one transaction.
//! - **Tokens**: [`TokenStore::put`](espi_client::TokenStore::put) is one transaction,
//!   durable when it returns (SQLite `synchronous = FULL`; PostgreSQL commits), so a
//!   rotated refresh token is never only in memory. With a key
//!   ([`TokenCipher::from_env`], `ESPI_STORE_KEY`) token sets are sealed at rest with
//!   XChaCha20-Poly1305. No token is logged, and `Debug` shows none.
//! - **Queries**: readings in a UTC range ([`Store::readings`]), daily and monthly
//!   totals on the utility's local clock from its LocalTimeParameters
//!   ([`Store::local_totals`]), the last sync of each subscription
//!   ([`Store::subscriptions`]).
//!
//! The schema is migrated when a store is opened (migrations embedded in the
//! binary). Authorizations, subscriptions and Data Custodians are rows with ids, so
//! that several workers can share many authorizations at several Data Custodians.
//!
//! # Driver
//!
//! Both backends go through **sqlx** 0.8 (`sqlite`, `postgres`, `runtime-tokio`,
//! `migrate`; no default features): one async API, connection pools and transactions
//! for both, SQLite bundled (`libsqlite3-sys`, compiled in: nothing to install),
//! PostgreSQL in pure Rust (no libpq), and sqlx's migrator. Queries are checked at run
//! time, not compile time, so building needs no database, and the migrations are
//! embedded with `include_str!` rather than sqlx's `migrate!` macro, which keeps the
//! proc-macro crate and a second build of the drivers out of the tree. The
//! alternative, rusqlite and tokio-postgres, is two APIs (one blocking, to be run on
//! a blocking thread pool), two migration mechanisms and two transaction styles for
//! the same schema; its advantage, an in-thread SQLite, is not needed to reach the
//! targets (see the README's performance section), and binary `COPY` is in sqlx too
//! (`copy_in_raw`).
//!
//! Bulk writes take each backend's fast path: multi-row `INSERT … ON CONFLICT`
//! statements inside one transaction on SQLite (WAL); on PostgreSQL, the stored
//! readings the batch could meet are read through the primary key, the new ones go
//! in by binary `COPY` and the changed ones in one `UPDATE` from `UNNEST` arrays.
//! Corrections are recorded by a trigger (`readings_revised`) in each schema, and
//! an identical re-delivery writes nothing.
//!
//! # A fleet's shared state
//!
//! What the workers of a fleet (espi-fleet) share through the store, with no
//! coordinator of their own: one schedule per authorization, leases on them
//! ([`Lease`]), commits fenced by the lease ([`LeasedStore`]), each Data
//! Custodian's pacing ([`Pace`]), and what arrives over HTTP for any worker to
//! act on: notifications and authorization requests waiting for their callback
//! ([`QueuedNotifications`], [`PendingAuthorizationRecord`]).
//!
//! Lease and pause times are milliseconds on the **database's** clock, read in the
//! statements that use them, so that workers on several machines agree on who holds
//! what whatever their own clocks say. Schedule times are the workers' epoch
//! seconds, as the sync windows use them.
//!
//! On PostgreSQL, claims lock the Data Custodian's pacing row (which serialises the
//! claims for one Data Custodian, so its lease limit holds exactly) and take due
//! schedules with `FOR UPDATE SKIP LOCKED`; on SQLite every write transaction is
//! serialised anyway and the same statements run without the locking clauses.
//!
//! # Performance
//!
//! `cargo bench -p espi-store --bench commit` measures committing a 24-month
//! 15-minute subscription on each backend; the README's performance section has the
//! figures.
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod bulk;
mod commit;
mod error;
mod export;
mod fleet;
mod packed;
mod queries;
mod seal;
mod store;
mod tokens;

pub use error::Error;
pub use fleet::{
    Backlog, Claim, Lease, LeaseRecord, LeasedStore, Pace, PendingAuthorizationRecord,
    QueuedNotifications, Release, ScheduleStatus, SyncOutcome,
};
pub use queries::{LocalPeriod, LocalTotal, Reading, Revision, SubscriptionInfo};
pub use seal::TokenCipher;
pub use store::{Backend, Store, StoreOptions};

/// This crate's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
