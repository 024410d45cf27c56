//! What several integration tests share: the conformance table and running xmllint over
//! written documents.
#![allow(dead_code, reason = "each test uses part of what the tests share")]

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

/// The namespace declarations of `xml` that bind a namespace already bound to a prefix
/// in scope (or that repeat the default namespace in scope): the writer should have
/// used that prefix. A declaration whose prefix an attribute value of the same tag
/// refers to (`xsi:type="xsd:string"`) is needed as written and not reported.
pub fn redundant_declarations(xml: &[u8]) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    // One list of (prefix, uri) per open element; `None` is the default namespace.
    let mut scopes: Vec<Vec<(Option<String>, String)>> = Vec::new();
    let mut found = Vec::new();
    loop {
        let position = reader.buffer_position();
        let (tag, empty) = match reader.read_event().expect("well-formed XML") {
            Event::Start(tag) => (tag, false),
            Event::Empty(tag) => (tag, true),
            Event::End(_) => {
                scopes.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let bound = |prefix: Option<&str>| {
            scopes
                .iter()
                .rev()
                .flat_map(|scope| scope.iter().rev())
                .find(|(bound, _)| bound.as_deref() == prefix)
                .map(|(_, uri)| uri.clone())
        };
        let mut declared = Vec::new();
        let mut values = Vec::new();
        for attribute in tag.attributes() {
            let attribute = attribute.expect("a well-formed attribute");
            let key: &str = attribute.key.as_ref();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .expect("a value")
                .into_owned();
            match key.strip_prefix("xmlns") {
                Some("") => declared.push((None, value)),
                Some(rest) if rest.starts_with(':') => {
                    declared.push((Some(rest[1..].to_owned()), value));
                }
                _ => values.push(value),
            }
        }
        for (prefix, uri) in &declared {
            let referenced = prefix.as_ref().is_some_and(|prefix| {
                values
                    .iter()
                    .any(|value| value.starts_with(&format!("{prefix}:")))
            });
            if uri.is_empty() || referenced {
                continue;
            }
            let shadowed = |other: &Option<String>| bound(other.as_deref()).as_deref() == Some(uri);
            let bound_elsewhere = scopes
                .iter()
                .flatten()
                .map(|(other, _)| other)
                .filter(|other| other.is_some() || prefix.is_none())
                .any(shadowed);
            if bound_elsewhere {
                let name = tag.name();
                let name: &str = name.as_ref();
                found.push(format!(
                    "byte {position}: <{name}> declares {uri} (as {}), already bound in scope",
                    prefix
                        .as_deref()
                        .map_or("the default namespace".to_owned(), |p| format!(
                            "prefix {p}"
                        ))
                ));
            }
        }
        if !empty {
            scopes.push(declared);
        }
    }
    found
}

/// The repository's `testdata/`.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

/// The facts the independent oracle computed for every sample (`testdata/expected.json`),
/// by sample path.
pub fn expected() -> serde_json::Map<String, serde_json::Value> {
    let text =
        std::fs::read_to_string(testdata().join("expected.json")).expect("testdata/expected.json");
    match serde_json::from_str(&text).expect("expected.json is JSON") {
        serde_json::Value::Object(map) => map,
        _ => panic!("expected.json is not an object"),
    }
}
