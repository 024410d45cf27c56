//! What several integration tests share: running xmllint over written documents.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether xmllint can run. Without it the schema check says so on stderr and is not
/// counted; with `ESPI_REQUIRE_XMLLINT=1` (as in CI) a missing xmllint fails the test.
pub fn xmllint_available() -> bool {
    let required = std::env::var("ESPI_REQUIRE_XMLLINT").is_ok_and(|value| value == "1");
    if Command::new("xmllint").arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        !required,
        "ESPI_REQUIRE_XMLLINT=1 but xmllint is not installed (apt-get install libxml2-utils)"
    );
    eprintln!("SCHEMA CHECK NOT RUN: xmllint is not installed (apt-get install libxml2-utils)");
    false
}

/// Validates `files` in one xmllint run against the ESPI 4.0 schemas of
/// `testdata/schema`; returns how many validated and the lines of those that did not.
pub fn validate(files: &[PathBuf]) -> (usize, Vec<String>) {
    let schema_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/schema");
    let output = Command::new("xmllint")
        .current_dir(&schema_dir)
        .env("XML_CATALOG_FILES", "support/catalog.xml")
        .args([
            "--nonet",
            "--noout",
            "--schema",
            "support/all-namespaces.xsd",
        ])
        .args(files)
        .output()
        .expect("run xmllint");
    let report = String::from_utf8_lossy(&output.stderr);
    let validated = report
        .lines()
        .filter(|line| line.ends_with(" validates"))
        .count();
    let mut rejected: Vec<String> = report
        .lines()
        .filter(|line| !line.ends_with(" validates"))
        .map(str::to_owned)
        .collect();
    if !output.status.success() && rejected.is_empty() {
        rejected.push(format!("xmllint exited with {}", output.status));
    }
    (validated, rejected)
}
