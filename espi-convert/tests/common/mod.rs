//! The workspace's conformance samples and their expected facts, read from
//! `../testdata` (outside this package: a test skips with a message when it is
//! absent, and fails instead when `ESPI_REQUIRE_TESTDATA=1`).

#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

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
