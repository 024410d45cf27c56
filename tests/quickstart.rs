//! Runs the quickstart example's flow (authorize, exchange, Authorization, sync against
//! an in-process sandbox) and checks its table against the facts an independent tool
//! computed for the embedded sample (`testdata/expected.json`).

// The example is compiled here as a module; its `main` is not called.
#[allow(dead_code)]
#[path = "../examples/quickstart.rs"]
mod quickstart;

use rust_decimal::Decimal;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_syncs_the_whole_year_and_tabulates_it_by_local_month() {
    let mut out = Vec::new();
    let outcome = quickstart::run(&mut out)
        .await
        .unwrap_or_else(|error| panic!("the quickstart fails: {error}"));
    let printed = String::from_utf8(out).expect("UTF-8 output");
    // expected.json: 8760 readings summing to 5 219 781 Wh, from 2011-01-01T08:00Z
    // (local midnight, UTC-8) to 2012-01-01T08:00Z.
    assert_eq!(outcome.synced.readings(), 8760, "{printed}");
    assert_eq!(outcome.synced.total_kwh(), Decimal::new(5_219_781, 3));
    assert_eq!(outcome.synced.span, Some((1_293_868_800, 1_325_404_800)));
    assert_eq!(outcome.synced, outcome.source);
    // Twelve local months; March and November have the DST hour less and more.
    let months: Vec<((i32, u32), u64)> = outcome
        .synced
        .months
        .iter()
        .map(|(month, row)| (*month, row.readings))
        .collect();
    assert_eq!(months.len(), 12, "{printed}");
    assert_eq!(months[0], ((2011, 1), 744));
    assert_eq!(months[2], ((2011, 3), 743));
    assert_eq!(months[10], ((2011, 11), 721));
    for words in [
        "code_challenge_method=S256",
        "authorizedPeriod 2012-11-01 to 2014-11-01",
        "8760 distinct interval readings stored",
        "  total        5219.8      8760",
    ] {
        assert!(
            printed.contains(words),
            "{words:?} missing from:\n{printed}"
        );
    }
}
