//! Keeps thousands of Green Button authorizations in sync, from one process or from
//! many worker processes on several machines sharing one PostgreSQL database, with
//! no coordinator.
//!
//! - **Registry**: Data Custodians come from the configuration ([`FleetConfig`]:
//!   endpoints, client credentials, mutual-TLS identity, how many syncs at once);
//!   authorizations are added through the fleet's own OAuth callback
//!   (`GET /authorize/{custodian}` sends a customer to the Data Custodian, the
//!   callback stores the tokens) or imported from a refresh token
//!   ([`Fleet::import`]).
//! - **Scheduler** ([`Fleet::work`]): a new authorization is due at once and syncs its
//!   whole window; then every `interval_seconds` with jitter, re-reading the recent
//!   months; a notification makes it due at once and fetches exactly what the
//!   BatchList names; failures back off with jitter.
//! - **Politeness** ([`SharedPacer`]): at most `max_syncs` syncs per Data Custodian over
//!   the whole fleet and `concurrency` per process; a 429 with `Retry-After` or
//!   failures in a row pause every worker's requests to that Data Custodian only.
//! - **Lifecycle**: one worker holds an authorization at a time (a lease in the
//!   store), so only it refreshes the tokens, and the store's refresh lock holds off
//!   any other process even past a lost lease; an authorization that ended
//!   (`invalid_grant`, revoked) is recorded as ended and never tried again; its data
//!   is kept unless `delete_on_revocation`.
//! - **Many machines**: leases are rows of the store with an expiry on the
//!   database's clock, claimed with `SELECT … FOR UPDATE SKIP LOCKED`; a killed
//!   worker's leases expire and others take its work; commits are fenced by the
//!   lease. With SQLite the same code runs as one process.
//! - **Observability**: `tracing` spans with the authorization and Data Custodian
//!   (never a token), `GET /metrics` ([`Metrics`]), and [`Store::schedules`] for a
//!   status listing (`espi-fleet status`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), espi_fleet::Error> {
//! use espi_fleet::{Fleet, FleetConfig};
//!
//! let config = FleetConfig::load(std::path::Path::new("fleet.toml"))?;
//! let fleet = Fleet::open(config).await?;
//! let listener = espi_serve::listen("127.0.0.1:8080".parse().expect("an address"), None)
//!     .expect("a port");
//! let server = tokio::spawn({
//!     let fleet = fleet.clone();
//!     async move { fleet.serve(listener, std::future::pending()).await }
//! });
//! fleet.work(async { let _ = tokio::signal::ctrl_c().await; }).await;
//! # drop(server);
//! # Ok(())
//! # }
//! ```
//!
//! [`Store::schedules`]: espi_store::Store::schedules
//!
//! Every public item is at the crate root (the modules are private).
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod config;
mod error;
mod fleet;
mod metrics;
mod pacing;
mod server;
mod worker;

pub use config::{CustodianConfig, FleetConfig, HttpConfig, ScheduleConfig};
pub use error::Error;
pub use fleet::{Custodian, Fleet};
pub use metrics::Metrics;
pub use pacing::SharedPacer;
