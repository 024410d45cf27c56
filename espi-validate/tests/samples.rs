//! validate_parsed on every sample: each finding has a line and column inside the file,
//! schema findings appear exactly when strict reading refuses the file, and the
//! semantic findings of the samples are the hand-reviewed ones below.

use espi_validate::{Finding, validate_parsed};
use espi_xml::{ReaderOptions, read_document, read_document_with};
use std::collections::BTreeMap;
use std::path::Path;

/// The V findings of the samples, checked by hand: (sample, rule, line, column).
const SEMANTIC: &[(&str, &str, u64, u64)] = &[
    // The MeterReading's up link names no UsagePoint collection, so it and its blocks
    // stay outside the tree (the oracle leaves them unlinked too).
    ("burlington-hydro/usage_60min.xml", "V007", 60, 1),
    ("burlington-hydro/usage_60min.xml", "V007", 75, 1),
    ("burlington-hydro/usage_60min.xml", "V007", 114, 1),
    // dstEndRule 67271F70: 3952 seconds into the hour.
    (
        "enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml",
        "V006",
        12,
        4,
    ),
    // Two MeterReadings each link two ReadingTypes.
    (
        "gba-cmd-test/oneusagepointsonecustomerthreemeasurements.xml",
        "V007",
        80,
        2,
    ),
    (
        "gba-cmd-test/oneusagepointsonecustomerthreemeasurements.xml",
        "V007",
        93,
        2,
    ),
    // The ReadingType sits inside the MeterReading (S001), so the MeterReading links none.
    (
        "gba-openespi/Usage-Subscription-Feed-Anonymized.xml",
        "V007",
        44,
        2,
    ),
    // Relative links without up links.
    (
        "greenbutton-objects/ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml",
        "V007",
        25,
        3,
    ),
    (
        "greenbutton-objects/ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml",
        "V007",
        54,
        3,
    ),
    // "B60E" and "B40E": short hexBinary, right-aligned, month 0.
    ("verdigris-sce/BulkSCEIntervalBlock.xml", "V006", 6, 3),
    ("verdigris-sce/BulkSCEIntervalBlock.xml", "V006", 6, 3),
];

/// The XML samples, sorted: `samples/<group>/<file>.xml`.
fn sample_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let list = |dir: &Path| -> Vec<std::path::PathBuf> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("readable directory")
            .map(|entry| entry.expect("directory entry").path())
            .collect();
        paths.sort();
        paths
    };
    list(dir)
        .iter()
        .flat_map(|group| list(group))
        .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
        .collect()
}

fn is_semantic_v006_or_v007(finding: &Finding) -> bool {
    matches!(finding.rule, "V006" | "V007")
}

#[test]
fn every_sample_is_placed_and_schema_findings_match_strict_mode() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/samples");
    let mut failures = Vec::new();
    let mut semantic: Vec<(String, &str, u64, u64)> = Vec::new();
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    let mut files = 0;
    for path in sample_files(&dir) {
        let name = path
            .strip_prefix(&dir)
            .expect("under samples")
            .display()
            .to_string();
        let bytes = std::fs::read(&path).expect("sample");
        let Ok(parsed) = read_document(&bytes[..]) else {
            continue;
        };
        files += 1;
        let lines = bytes.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let report = validate_parsed(&parsed, None);
        for finding in &report.findings {
            *counts
                .entry(finding.rule.chars().next().unwrap_or('?'))
                .or_default() += 1;
            match (finding.location.line, finding.location.column) {
                (Some(line), Some(column)) if line <= lines && column >= 1 => {}
                place => failures.push(format!("{name}: {} placed at {place:?}", finding.rule)),
            }
            if is_semantic_v006_or_v007(finding) {
                let (line, column) = (
                    finding.location.line.unwrap_or(0),
                    finding.location.column.unwrap_or(0),
                );
                semantic.push((name.clone(), finding.rule, line, column));
            }
        }
        let schema_findings = report
            .findings
            .iter()
            .filter(|f| f.rule.starts_with('S'))
            .count();
        let strict = read_document_with(&bytes[..], ReaderOptions::strict());
        if (schema_findings == 0) != strict.is_ok() {
            failures.push(format!(
                "{name}: {schema_findings} schema findings, strict read {:?}",
                strict.as_ref().map(|_| ()).map_err(ToString::to_string)
            ));
        }
    }
    println!("{files} samples; findings by kind: {counts:?}");
    let expected: Vec<(String, &str, u64, u64)> = SEMANTIC
        .iter()
        .map(|(name, rule, line, column)| (name.to_string(), *rule, *line, *column))
        .collect();
    assert_eq!(semantic, expected, "V006/V007 findings");
    assert!(files > 60, "{files} samples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
