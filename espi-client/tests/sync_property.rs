//! The sync over time, as a property: random grant instants (month ends, DST changes,
//! leap days, late-evening local times, block starts), runs minutes to months apart,
//! `reread_months` 0–3, UTC and local month clocks, daily and monthly blocks crossing
//! month ends, and a client clock up to five minutes ahead of or behind the Data
//! Custodian's. After every run the store holds exactly the readings the window
//! permits (see `common/scenario.rs`).
//!
//! `PROPTEST_CASES` sets the number of scenarios (64 by default).

mod common;

use common::scenario::{self, Blocks, Held, Holdings, Scenario};
use espi_client::MemoryTokenStore;
use espi_client::sync::MemorySyncStore;
use proptest::prelude::*;
use std::sync::Arc;

struct Memory(MemorySyncStore);

#[async_trait::async_trait]
impl espi_client::sync::SyncStore for Memory {
    async fn month_records(
        &self,
        subscription: &str,
    ) -> Result<Vec<espi_client::sync::MonthRecord>, espi_client::StoreError> {
        self.0.month_records(subscription).await
    }

    async fn commit(
        &self,
        subscription: &str,
        batch: espi_client::sync::Batch,
    ) -> Result<(), espi_client::StoreError> {
        self.0.commit(subscription, batch).await
    }
}

impl Holdings for Memory {
    async fn held(&self, subscription: &str) -> Vec<Held> {
        self.0
            .readings(subscription)
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

/// A gap between runs: seconds, minutes, days or months.
fn gap() -> impl Strategy<Value = i64> {
    prop_oneof![
        0i64..5,
        60i64..3_600,
        86_400i64..10 * 86_400,
        25 * 86_400i64..70 * 86_400,
    ]
}

fn skew() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0i64),
        Just(2),
        Just(-2),
        Just(300),
        Just(-300),
        -300i64..=300
    ]
}

fn scenarios() -> impl Strategy<Value = Scenario> {
    (
        (0u8..5, any::<u32>(), 0i64..2_880),
        skew(),
        prop::collection::vec(gap(), 1..5),
        0u32..=3,
        any::<bool>(),
        prop_oneof![Just(Blocks::Daily), Just(Blocks::Monthly)],
        any::<bool>(),
    )
        .prop_map(
            |(
                (kind, pick, minutes),
                skew,
                gaps,
                reread_months,
                local_months,
                blocks,
                read_authorization,
            )| Scenario {
                grant: scenario::grant_instant(kind, pick, minutes),
                skew,
                gaps,
                reread_months,
                local_months,
                blocks,
                read_authorization,
            },
        )
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_run_holds_exactly_the_permitted_readings(scenario in scenarios()) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        let outcome = runtime.block_on(async {
            let store = Memory(MemorySyncStore::new());
            scenario::run(&scenario, &store, Arc::new(MemoryTokenStore::new())).await
        });
        if let Err(failure) = outcome {
            prop_assert!(false, "{scenario:?}: {failure}");
        }
    }
}

/// Runs one scenario on a fresh memory store.
fn check(scenario: Scenario) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let store = Memory(MemorySyncStore::new());
    let outcome = runtime.block_on(scenario::run(
        &scenario,
        &store,
        Arc::new(MemoryTokenStore::new()),
    ));
    if let Err(failure) = outcome {
        panic!("{scenario:?}: {failure}");
    }
}

/// Granted on 2024-02-29; the first run the next day reads February, whose monthly
/// block (February 9 to March 9) has not ended yet; the next run, in late March,
/// re-reads no month before March. February must still be open then.
#[test]
fn a_month_cut_by_now_is_read_again() {
    check(Scenario {
        grant: 1_709_186_400,
        skew: 0,
        gaps: vec![86_400, 25 * 86_400],
        reread_months: 0,
        local_months: false,
        blocks: Blocks::Monthly,
        read_authorization: false,
    });
}

/// The same with daily blocks from local standard midnight and local months: the
/// last block of May ends at 01:00 on June 1 (CDT), and a run at 00:30 cuts it off;
/// the default two months re-read do not help when the next run is three months
/// later.
#[test]
fn a_local_month_cut_by_now_is_read_again() {
    check(Scenario {
        // 2023-05-31T23:30 in Chicago (CDT).
        grant: 1_685_593_800,
        skew: 0,
        gaps: vec![3_600, 95 * 86_400],
        reread_months: 2,
        local_months: true,
        blocks: Blocks::Daily,
        read_authorization: false,
    });
}

/// The client's clock two seconds behind the Data Custodian's, the sync right after
/// the authorization, the grant instant read from the Authorization resource.
#[test]
fn a_client_two_seconds_behind_syncs_at_once() {
    check(Scenario {
        grant: 1_709_186_400 + 3_600,
        skew: -2,
        gaps: vec![0, 3_600],
        reread_months: 2,
        local_months: false,
        blocks: Blocks::Daily,
        read_authorization: true,
    });
}

/// Five minutes ahead or behind, granted on a daily block's start: nothing of the
/// first or the last block is lost.
#[test]
fn five_minutes_of_skew_lose_nothing() {
    for (skew, read_authorization) in [(300, false), (-300, true), (300, true), (-300, false)] {
        check(Scenario {
            // 2023-06-01T06:00:00Z, local standard midnight.
            grant: 1_685_599_200,
            skew,
            gaps: vec![4, 86_400 - 4, 35 * 86_400],
            reread_months: 0,
            local_months: false,
            blocks: Blocks::Daily,
            read_authorization,
        });
    }
}
