//! The sync over time, as a property: random grant instants (month ends, DST changes,
//! leap days, late-evening local times, block starts), runs minutes to months apart,
//! `reread_months` 0–3, UTC and local month clocks, daily and monthly blocks crossing
//! month ends, and a client clock up to five minutes ahead of or behind the Data
//! Custodian's. After every run the store holds exactly the readings the window
//! permits (see `common/scenario.rs`).
//!
//! `PROPTEST_CASES` sets the number of random scenarios (64 by default); the
//! scenarios that showed the defects run by name.

mod common;

use common::scenario::{self, Held, Holdings, Scenario};
use espi_client::MemorySyncStore;
use espi_client::MemoryTokenStore;
use proptest::prelude::*;
use std::sync::Arc;

impl Holdings for MemorySyncStore {
    async fn held(&self, subscription: &str) -> Vec<Held> {
        self.readings(subscription)
            .into_iter()
            .filter_map(|reading| {
                Some((
                    reading.meter_reading.clone(),
                    reading.start()?,
                    reading.value,
                ))
            })
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: scenario::cases(64), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_run_holds_exactly_the_permitted_readings(scenario in scenario::scenarios()) {
        if let Err(failure) = run(&scenario) {
            prop_assert!(false, "{scenario:?}: {failure}");
        }
    }
}

/// Runs one scenario on a fresh memory store.
fn run(scenario: &Scenario) -> Result<(), scenario::Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let store = MemorySyncStore::new();
    runtime.block_on(scenario::run(
        scenario,
        &store,
        Arc::new(MemoryTokenStore::new()),
    ))
}

fn check(name: &str) {
    for (_, scenario) in scenario::named()
        .into_iter()
        .filter(|(named, _)| *named == name)
    {
        if let Err(failure) = run(&scenario) {
            panic!("{name}: {scenario:?}: {failure}");
        }
    }
}

#[test]
fn a_month_cut_by_now_is_read_again() {
    check("a month cut by now is read again");
}

#[test]
fn a_local_month_cut_by_now_is_read_again() {
    check("a local month cut by now is read again");
}

#[test]
fn a_client_two_seconds_behind_syncs_at_once() {
    check("a client two seconds behind syncs at once");
}

#[test]
fn clock_skew_on_a_blocks_start_loses_nothing() {
    check("clock skew on a block's start loses nothing");
}
