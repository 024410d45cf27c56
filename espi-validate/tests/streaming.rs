//! `validate_reader` (one pass, the document not held) reports exactly what
//! `validate_parsed` reports for the document read whole: the same findings in the same
//! order, at the same lines and columns, on every sample, on a generated feed and on
//! hand-made documents whose findings span entries.

use espi_validate::{Report, gba, validate_parsed, validate_reader};
use espi_xml::ReaderOptions;
use std::io::BufReader;
use std::path::{Path, PathBuf};

fn samples() -> Option<Vec<PathBuf>> {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/samples"));
    if !root.is_dir() {
        assert!(
            std::env::var_os("ESPI_REQUIRE_TESTDATA").is_none(),
            "testdata/samples is missing"
        );
        eprintln!("skipped: {} is missing", root.display());
        return None;
    }
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("readable testdata") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|ext| ext == "xml") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    Some(files)
}

/// Both ways, with the Function Blocks inferred and with all of them claimed; the
/// streaming read through a small buffer so that entries straddle refills.
fn assert_same(name: &str, bytes: &[u8]) -> usize {
    let mut findings = 0;
    let all = gba::FUNCTION_BLOCKS;
    for claimed in [None, Some(all)] {
        let whole: Result<Report, String> = espi_xml::read_document(bytes)
            .map(|parsed| validate_parsed(&parsed, claimed))
            .map_err(|error| error.to_string());
        let streamed = validate_reader(
            BufReader::with_capacity(97, bytes),
            ReaderOptions::default(),
            claimed,
        )
        .map_err(|error| error.to_string());
        assert_eq!(streamed, whole, "{name} with {claimed:?}");
        findings += whole.map_or(0, |report| report.findings.len());
    }
    findings
}

#[test]
fn streaming_reports_what_the_whole_document_reports_on_every_sample() {
    let Some(files) = samples() else { return };
    let mut findings = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("sample");
        findings += assert_same(&path.display().to_string(), &bytes);
    }
    // The comparison is not vacuous: the samples have many findings of every kind.
    assert!(files.len() >= 70, "{} samples", files.len());
    assert!(findings > 1000, "{findings} findings");
}

#[test]
fn streaming_reports_what_the_whole_document_reports_on_a_generated_feed() {
    let mut xml = Vec::new();
    espi_xml::synthetic::write_feed(&mut xml, 2_000_000, true).expect("in memory");
    assert_same("synthetic", &xml);
}

fn entry(self_href: &str, up: &str, related: &[&str], content: &str) -> String {
    let related: String = related
        .iter()
        .map(|href| format!(r#"<link rel="related" href="{href}"/>"#))
        .collect();
    format!(
        r#"<entry><id>urn:uuid:{self_href}</id><link rel="self" href="{self_href}"/><link rel="up" href="{up}"/>{related}
        <title>t</title><published>2024-01-01T00:00:00Z</published><updated>2024-01-01T00:00:00Z</updated>
        <content>{content}</content></entry>"#
    )
}

fn block(start: i64, readings: &[i64]) -> String {
    let readings: String = readings
        .iter()
        .map(|at| {
            format!(
                "<IntervalReading><timePeriod><duration>900</duration><start>{at}</start></timePeriod><value>1</value></IntervalReading>"
            )
        })
        .collect();
    format!(
        r#"<IntervalBlock xmlns="http://naesb.org/espi"><interval><duration>3600</duration><start>{start}</start></interval>{readings}</IntervalBlock>"#
    )
}

#[test]
fn findings_across_entries_agree_in_both_ways() {
    const MR: &str = "/UsagePoint/1/MeterReading/1";
    // Blocks before their MeterReading, one repeated (D035, D146, V001), one with a
    // repeated reading (D145) and one reading outside its block (V003); a gap (V002);
    // a schema deviation in an entry and one in the feed between entries (S001); a
    // bulk ReadingType the MeterReading links twice (D054); no LocalTimeParameters.
    let entries = [
        entry(
            "/ib/1",
            &format!("{MR}/IntervalBlock"),
            &[],
            &block(0, &[0, 900, 900]),
        ),
        entry(
            "/ib/1",
            &format!("{MR}/IntervalBlock"),
            &[],
            &block(0, &[0, 4000]),
        ),
        "<bogus/>".to_owned(),
        entry(
            "/ib/3",
            &format!("{MR}/IntervalBlock"),
            &[],
            &block(7200, &[7200]).replace("<value>", "<valu>1</valu><value>"),
        ),
        entry(
            MR,
            "/UsagePoint/1/MeterReading",
            &[&format!("{MR}/IntervalBlock"), "/rt/1", "/rt/1"],
            r#"<MeterReading xmlns="http://naesb.org/espi"/>"#,
        ),
        entry(
            "/rt/1",
            "/ReadingType",
            &[],
            r#"<ReadingType xmlns="http://naesb.org/espi"><accumulationBehaviour>4</accumulationBehaviour><intervalLength>900000</intervalLength></ReadingType>"#,
        ),
    ];
    let xml = format!(
        r#"<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:0</id>
{}</feed>"#,
        entries.join("\n")
    );
    let findings = assert_same("hand-made", xml.as_bytes());
    let report = validate_reader(xml.as_bytes(), ReaderOptions::default(), None).expect("read");
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    for rule in [
        "S001", "D136", "D035", "D145", "D146", "D054", "V001", "V002", "V003", "V004",
    ] {
        assert!(rules.contains(&rule), "{rule} not in {rules:?}");
    }
    assert!(findings > 20);
}

#[test]
fn roots_other_than_a_feed_and_read_errors_agree() {
    let cases = [
        // An entry root, a bare resource root with a DST rule that does not decode.
        r#"<entry xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><content><Bogus/></content></entry>"#,
        r#"<LocalTimeParameters xmlns="http://naesb.org/espi"><dstEndRule>B40E</dstEndRule><dstOffset>3600</dstOffset><dstStartRule>360E2000</dstStartRule><tzOffset>-18000</tzOffset><extra/></LocalTimeParameters>"#,
        // Not well-formed: the same error at the same place.
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry><id>1</id></entr></feed>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>",
        "",
    ];
    for xml in cases {
        assert_same(xml, xml.as_bytes());
    }
}
