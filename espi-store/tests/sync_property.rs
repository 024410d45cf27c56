//! The sync's property over time (espi-client's `tests/common/scenario.rs`) with the
//! store as both the sync store and the client's token store, on SQLite and on
//! PostgreSQL: after every run the store holds exactly the readings the Data
//! Custodian's window permits, none missing, none extra, none twice; refresh tokens
//! rotate through the store between runs months apart. Also the scenarios that
//! showed the month loss and the clock skew, by name, including clock skew of ±2 s
//! and ±5 min.
//!
//! `PROPTEST_CASES` sets the number of random scenarios per backend (16 by default).

#[path = "../../espi-client/tests/common/mod.rs"]
mod client_common;
mod common;

use client_common::scenario::{self, Held, Holdings, Scenario};
use common::{Kind, TestStore};
use espi_store::{Store, StoreOptions};
use proptest::prelude::*;
use std::sync::Arc;

impl Holdings for Store {
    async fn held(&self, subscription: &str) -> Vec<Held> {
        self.readings(subscription, i64::MIN, i64::MAX)
            .await
            .expect("the readings")
            .into_iter()
            .map(|reading| (reading.meter_reading, reading.start, reading.value))
            .collect()
    }
}

/// Runs `scenario` on a fresh store of `kind`; `Ok` without running when
/// PostgreSQL is not available (the skip is said once, on standard error).
fn run(kind: Kind, scenario: &Scenario) -> Result<(), scenario::Failure> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let Some(test) = TestStore::new(kind, StoreOptions::new()).await else {
            return Ok(());
        };
        // The store is the client's token store too.
        let store = Arc::new(test.store.clone());
        let outcome = scenario::run(scenario, &*store, Arc::clone(&store) as _).await;
        test.finish().await;
        outcome
    })
}

fn named(kind: Kind) {
    for (name, scenario) in scenario::named() {
        if let Err(failure) = run(kind, &scenario) {
            panic!("{kind:?}, {name}: {scenario:?}: {failure}");
        }
    }
}

#[test]
fn the_named_scenarios_on_sqlite() {
    named(Kind::Sqlite);
}

#[test]
fn the_named_scenarios_on_postgres() {
    if common::postgres_url().is_some() {
        named(Kind::Postgres);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: scenario::cases(16), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_run_holds_exactly_the_permitted_readings_on_sqlite(scenario in scenario::scenarios()) {
        if let Err(failure) = run(Kind::Sqlite, &scenario) {
            prop_assert!(false, "{scenario:?}: {failure}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: scenario::cases(16), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_run_holds_exactly_the_permitted_readings_on_postgres(scenario in scenario::scenarios()) {
        if let Err(failure) = run(Kind::Postgres, &scenario) {
            prop_assert!(false, "{scenario:?}: {failure}");
        }
    }
}
