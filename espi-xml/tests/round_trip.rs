//! The writer against every sample: parse(write(x)) == x in compact and indented form,
//! with no namespace declared where a prefix in scope is already bound to it, and what
//! it writes from a schema-valid sample validates with xmllint against the ESPI 4.0
//! schemas in `testdata/schema`.
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

fn write(document: &espi_model::atom::Document, indent: bool) -> Vec<u8> {
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
            for problem in common::redundant_declarations(&written) {
                failures.push(format!("{path} (indent {indent}): {problem}"));
            }
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

/// Raw-kept elements (an `xs:anyType` child such as `denominator`, unknown content)
/// are written with the prefix already bound to their namespace, whatever prefix or
/// default namespace the source used: TypeScript's Green Button parser, among others,
/// does not follow a default namespace declared again mid-document.
#[test]
fn raw_elements_are_written_with_the_prefix_in_scope() {
    // As GBA's files have it: the resource in the default namespace, so its
    // `denominator` (xs:anyType, kept raw) is unprefixed in the source.
    let gba = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:uuid:1</id><content>
        <ReadingType xmlns="http://naesb.org/espi"><uom>72</uom>
        <argument><numerator>1</numerator><denominator>2</denominator></argument>
        </ReadingType></content></entry></feed>"#;
    // Other utilities' prefixes: ns0 for ESPI, a foreign extension child with its own
    // namespace, and an Atom element the model keeps raw.
    let prefixed = br#"<ns1:feed xmlns:ns1="http://www.w3.org/2005/Atom" xmlns:ns0="http://naesb.org/espi">
        <ns1:id>urn:uuid:f</ns1:id><ns1:author><ns1:name>Utility</ns1:name></ns1:author>
        <ns1:entry><ns1:id>urn:uuid:2</ns1:id><ns1:content><ns0:ReadingType>
        <ns0:argument><ns0:numerator>1</ns0:numerator><ns0:denominator>2</ns0:denominator></ns0:argument>
        </ns0:ReadingType></ns1:content></ns1:entry>
        <ns1:entry><ns1:id>urn:uuid:3</ns1:id><ns1:content><ns0:UsagePoint>
        <ns0:ServiceCategory><ns0:kind>0</ns0:kind></ns0:ServiceCategory>
        <ns0:extension><v:vendor xmlns:v="urn:example:vendor"><ns0:note>espi inside</ns0:note></v:vendor></ns0:extension>
        </ns0:UsagePoint></ns1:content></ns1:entry></ns1:feed>"#;
    let cases: [(&[u8], &[&str]); 2] = [
        (
            gba,
            &[
                "<espi:argument><espi:numerator>1</espi:numerator><espi:denominator>2</espi:denominator></espi:argument>",
            ],
        ),
        (
            prefixed,
            &[
                "<author><name>Utility</name></author>",
                "<espi:denominator>2</espi:denominator>",
                "<espi:extension><v:vendor xmlns:v=\"urn:example:vendor\"><espi:note>espi inside</espi:note></v:vendor></espi:extension>",
            ],
        ),
    ];
    for (xml, expected) in cases {
        let parsed = read_document(xml).expect("reads");
        let written = write(&parsed.document, false);
        let text = String::from_utf8_lossy(&written);
        for fragment in expected {
            assert!(text.contains(fragment), "{fragment} not in\n{text}");
        }
        // Only the root declares the namespaces the model writes.
        assert_eq!(text.matches("naesb.org/espi").count(), 1, "{text}");
        assert!(!text.contains("xmlns:ns"), "{text}");
        assert!(
            common::redundant_declarations(&written).is_empty(),
            "{text}"
        );
        let again = read_document(&written[..]).expect("reads back");
        assert_eq!(again.document, parsed.document);
    }
}

/// A namespace not in scope is still declared where it is needed, with the source's
/// prefix (or as the default namespace when the source used that).
#[test]
fn namespaces_not_in_scope_are_declared_once() {
    let xml = br#"<entry xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id>
        <x:note xmlns:x="urn:example:x" x:kind="a"><x:line>1</x:line></x:note>
        <other xmlns="urn:example:y"><item>2</item><plain xmlns="">3</plain></other></entry>"#;
    let parsed = read_document(&xml[..]).expect("reads");
    let written = write(&parsed.document, false);
    let text = String::from_utf8_lossy(&written);
    assert!(
        text.contains(r#"<x:note xmlns:x="urn:example:x" x:kind="a"><x:line>1</x:line></x:note>"#)
            || text.contains(
                r#"<x:note x:kind="a" xmlns:x="urn:example:x"><x:line>1</x:line></x:note>"#
            ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"<other xmlns="urn:example:y"><item>2</item><plain xmlns="">3</plain></other>"#
        ),
        "{text}"
    );
    assert_eq!(
        read_document(&written[..]).expect("reads back").document,
        parsed.document
    );
}
