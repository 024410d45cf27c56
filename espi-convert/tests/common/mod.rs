//! The workspace's conformance samples and their expected facts, read from
//! `../testdata` (outside this package: a test skips with a message when it is
//! absent, and fails instead when `ESPI_REQUIRE_TESTDATA=1`).

#![allow(dead_code)]

use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[cfg(feature = "parquet")]
pub mod parquet_rows;

/// `../testdata`, or `None` (with a message on stderr) when it is absent.
pub fn testdata() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    if path.join("expected.json").is_file() {
        return Some(path);
    }
    if std::env::var_os("ESPI_REQUIRE_TESTDATA").is_some_and(|value| value == "1") {
        panic!("{} is missing and ESPI_REQUIRE_TESTDATA=1", path.display());
    }
    eprintln!(
        "skipped: {} is missing (the workspace's testdata; set ESPI_REQUIRE_TESTDATA=1 to fail instead)",
        path.display()
    );
    None
}

/// `(path, facts)` of every well-formed sample of `expected.json`.
pub fn well_formed_samples(testdata: &std::path::Path) -> Vec<(String, Value)> {
    let text = std::fs::read_to_string(testdata.join("expected.json")).expect("expected.json");
    let Value::Object(samples) = serde_json::from_str(&text).expect("expected.json is JSON") else {
        panic!("expected.json is not an object");
    };
    samples
        .into_iter()
        .filter(|(_, facts)| facts["well_formed"] == Value::Bool(true))
        .collect()
}

/// `(path, facts)` of every well-formed sample whose usage tree the oracle linked.
pub fn linked_samples(testdata: &std::path::Path) -> Vec<(String, Value)> {
    let mut samples = well_formed_samples(testdata);
    samples.retain(|(_, facts)| !facts["linked"].is_null());
    samples
}

/// The bytes of `samples/<path>`.
pub fn sample(testdata: &std::path::Path, path: &str) -> Vec<u8> {
    std::fs::read(testdata.join("samples").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Totals of the rows of one (usage point, meter reading).
#[derive(Debug, Default, PartialEq)]
pub struct Totals {
    pub readings: u64,
    pub sum_value: i128,
    /// In 1/100 000 of the currency, as the wire and expected.json have it.
    pub sum_cost: i128,
    pub min_start: Option<i64>,
    pub max_end: Option<i64>,
}

/// The oracle's totals by (usage point, meter reading) href.
pub fn expected_totals(facts: &Value) -> BTreeMap<(String, String), Totals> {
    let mut totals: BTreeMap<(String, String), Totals> = BTreeMap::new();
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let number = |value: &Value| value.as_i64().expect("a number");
    for point in facts["linked"].as_array().expect("linked") {
        for reading in point["meter_readings"].as_array().expect("meter_readings") {
            let key = (text(&point["self"]), text(&reading["self"]));
            let total = totals.entry(key).or_default();
            total.readings += reading["readings"].as_u64().expect("readings");
            total.sum_value += i128::from(number(&reading["sum_value"]));
            total.sum_cost += i128::from(number(&reading["sum_cost"]));
            let min = reading["min_start"].as_i64();
            let max = reading["max_end"].as_i64();
            total.min_start = [total.min_start, min].into_iter().flatten().min();
            total.max_end = [total.max_end, max].into_iter().flatten().max();
        }
    }
    // The CSV has no rows for a meter reading without readings.
    totals.retain(|_, total| total.readings > 0);
    totals
}

/// `raw × 10^power` as an exact decimal.
pub fn scaled(raw: i64, power: i64) -> Decimal {
    if power < 0 {
        Decimal::from_i128_with_scale(i128::from(raw), power.unsigned_abs() as u32)
    } else {
        Decimal::from(raw) * Decimal::from(10i64.pow(power as u32))
    }
}
