//! The writer against every sample: parse(write(x)) == x in compact and indented form,
//! and what it writes from a schema-valid sample validates with xmllint against the
//! ESPI 4.0 schemas in `testdata/schema`.
//!
//! xmllint comes from the Debian package libxml2-utils. Without it the schema check
//! says so on stderr and is not counted; with `ESPI_REQUIRE_XMLLINT=1` (as in CI) a
//! missing xmllint fails the test.

mod common;

use espi_xml::{WriteOptions, read_document, write_document};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

fn samples() -> Vec<(String, Value)> {
    let text =
        std::fs::read_to_string(testdata().join("expected.json")).expect("testdata/expected.json");
    let map: serde_json::Map<String, Value> = serde_json::from_str(&text).expect("JSON");
    map.into_iter()
        .filter(|(_, facts)| facts["well_formed"] == Value::Bool(true))
        .collect()
}

fn write(document: &espi_model::Document, indent: bool) -> Vec<u8> {
    write_document(document, Vec::new(), WriteOptions::with_indent(indent))
        .expect("writing to memory")
}

#[test]
fn every_sample_round_trips_through_the_writer() {
    let mut failures = Vec::new();
    let samples = samples();
    for (path, _) in &samples {
        let bytes = std::fs::read(testdata().join("samples").join(path)).expect("sample");
        let parsed = read_document(&bytes[..]).expect("lenient read");
        for indent in [false, true] {
            let written = write(&parsed.document, indent);
            match read_document(&written[..]) {
                Ok(again) if again.document == parsed.document => {}
                Ok(_) => failures.push(format!("{path} (indent {indent}): the document changed")),
                Err(error) => failures.push(format!(
                    "{path} (indent {indent}): cannot read what was written: {error}"
                )),
            }
        }
    }
    println!(
        "round-tripped {} samples, compact and indented",
        samples.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Schema-invalid samples whose only deviation lenient reading repairs (a capitalised
/// `ServiceDeliveryPoint`), so what the writer makes of them is valid.
const REPAIRED: [&str; 2] = [
    "trestles-green-button/case_1_day_daily_interval.xml",
    "verdigris-sce/BulkSCEIntervalBlock.xml",
];

#[test]
fn written_schema_valid_samples_validate_with_xmllint() {
    if !common::xmllint_available() {
        return;
    }
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("written");
    std::fs::create_dir_all(&out_dir).expect("temp dir");
    let mut files = Vec::new();
    for (path, facts) in samples() {
        if facts["xsd_valid_4_0"] != Value::Bool(true) && !REPAIRED.contains(&path.as_str()) {
            continue;
        }
        let bytes = std::fs::read(testdata().join("samples").join(&path)).expect("sample");
        let parsed = read_document(&bytes[..]).expect("lenient read");
        for indent in [false, true] {
            let file = out_dir.join(format!(
                "{}-{}.xml",
                path.replace('/', "__"),
                if indent { "indented" } else { "compact" }
            ));
            std::fs::write(&file, write(&parsed.document, indent)).expect("write temp file");
            files.push(file);
        }
    }
    assert!(
        files.len() >= 100,
        "too few schema-valid samples: {}",
        files.len()
    );
    let (validated, rejected) = common::validate(&files);
    println!(
        "xmllint validated {validated} of {} written documents",
        files.len()
    );
    assert!(
        rejected.is_empty() && validated == files.len(),
        "xmllint rejected written output:\n{}",
        rejected.join("\n")
    );
}

/// Found by the xml_strict fuzz target: the attributes of an empty `content` element
/// were dropped, because the writer left out a content element without resources.
#[test]
fn an_empty_content_element_keeps_its_attributes() {
    let xml = br#"<entry xmlns="http://www.w3.org/2005/Atom" xmlns:x="urn:x"><id>urn:uuid:1</id>
        <content x:kind="none"/></entry>"#;
    let parsed = read_document(&xml[..]).expect("reads");
    assert_eq!(parsed.document.entries()[0].content_attributes.len(), 1);
    let again = read_document(&write(&parsed.document, false)[..]).expect("reads back");
    assert_eq!(again.document, parsed.document);
}
