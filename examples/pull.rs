//! Pull one customer's Green Button data from a Data Custodian into a store (SQLite
//! or PostgreSQL), resumably, and export it: `espi pull` as an example.
//!
//! ```text
//! cargo run --release --example pull -- [--config FILE] [--store FILE|URL] [--export FILE.xml|FILE.csv]
//! ```
//!
//! The settings, what it does and how to try it against the sandbox are in the
//! documentation of `espi_cli::pull`; the work is espi-client's `sync_subscription`
//! committing to espi-store's `Store`. `tests/pull_crash.rs` runs this code as a child
//! process and kills it with SIGKILL at many points.

use clap::Parser;
use espi_cli::pull::{PullArgs, pull};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match pull(&PullArgs::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pull: {error}");
            ExitCode::FAILURE
        }
    }
}
