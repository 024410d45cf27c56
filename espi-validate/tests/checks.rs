//! The API and the semantic checks beyond GBA, on hand-made documents.

use espi_validate::{Severity, gba, parse_function_blocks, rule, rules, semantic, validate};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const ESPI: &str = "http://naesb.org/espi";

fn block_entry(n: u32, up: &str, start: i64, duration: u32, readings: &[(i64, u32)]) -> String {
    let readings: String = readings
        .iter()
        .map(|(s, d)| {
            format!("<IntervalReading><timePeriod><duration>{d}</duration><start>{s}</start></timePeriod><value>1</value></IntervalReading>")
        })
        .collect();
    format!(
        r#"<entry><id>urn:uuid:b{n}</id><link rel="self" href="{up}/IntervalBlock/{n}"/><link rel="up" href="{up}/IntervalBlock"/>
        <title/><updated>2024-01-01T00:00:00Z</updated><content><IntervalBlock xmlns="{ESPI}">
        <interval><duration>{duration}</duration><start>{start}</start></interval>{readings}</IntervalBlock></content></entry>"#
    )
}

fn feed(entries: &[String]) -> espi_model::Document {
    let xml = format!(
        r#"<feed xmlns="{ATOM}"><id>urn:uuid:f</id><title/><updated>2024-01-01T00:00:00Z</updated>{}</feed>"#,
        entries.concat()
    );
    espi_xml::read_document(xml.as_bytes())
        .expect("test document")
        .document
}

fn ids(findings: &[espi_validate::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

const MR: &str = "/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/1";

#[test]
fn contiguous_blocks_pass_the_semantic_checks() {
    let doc = feed(&[
        block_entry(1, MR, 0, 7200, &[(0, 3600), (3600, 3600)]),
        block_entry(2, MR, 7200, 3600, &[(7200, 3600)]),
    ]);
    assert_eq!(ids(&semantic::check(&doc)), Vec::<&str>::new());
}

#[test]
fn overlap_and_gap_between_blocks_of_one_meter_reading() {
    let doc = feed(&[
        block_entry(1, MR, 0, 7200, &[]),
        block_entry(2, MR, 3600, 3600, &[]),
        block_entry(3, MR, 10_800, 3600, &[]),
        // Another MeterReading's block at the same time is not an overlap.
        block_entry(4, "/other", 0, 7200, &[]),
    ]);
    let findings = semantic::check(&doc);
    assert_eq!(ids(&findings), ["V001", "V002"]);
    assert_eq!(findings[0].severity, Severity::Error);
    assert_eq!(findings[0].location.entry_index, Some(1));
    assert_eq!(
        findings[0].location.entry_id.as_deref(),
        Some("urn:uuid:b2")
    );
    assert_eq!(
        findings[0].location.path,
        "feed/entry[2]/content/IntervalBlock/interval"
    );
    assert_eq!(findings[1].severity, Severity::Warning);
    assert!(
        findings[1].message.starts_with("3600 s gap"),
        "{}",
        findings[1].message
    );
}

#[test]
fn reading_outside_its_block() {
    let doc = feed(&[block_entry(
        1,
        MR,
        3600,
        3600,
        &[(0, 3600), (3600, 3600), (5400, 3600)],
    )]);
    let findings = semantic::check(&doc);
    assert_eq!(ids(&findings), ["V003", "V003"]);
    assert_eq!(
        findings[0].location.path,
        "feed/entry[1]/content/IntervalBlock/IntervalReading[1]/timePeriod"
    );
}

#[test]
fn millisecond_durations() {
    let rt = format!(
        r#"<entry><id>urn:uuid:rt</id><content><ReadingType xmlns="{ESPI}"><intervalLength>900000</intervalLength></ReadingType></content></entry>"#
    );
    let doc = feed(&[rt, block_entry(1, MR, 0, 86_400_000, &[(0, 3_600_000)])]);
    let findings = semantic::check(&doc);
    assert_eq!(ids(&findings), ["V004", "V004", "V004"]);
    assert!(findings.iter().all(|f| f.severity == Severity::Warning));
    // 2 592 000 s (30 days) is a plausible monthly reading, not 2 592 s in milliseconds.
    let doc = feed(&[block_entry(1, MR, 0, 2_592_000, &[(0, 2_592_000)])]);
    assert_eq!(ids(&semantic::check(&doc)), Vec::<&str>::new());
}

#[test]
fn expires_at_that_looks_like_a_duration() {
    let auth = |expires: i64| {
        format!(
            r#"<entry xmlns="{ATOM}"><id>urn:uuid:a</id><content><Authorization xmlns="{ESPI}"><status>1</status><expires_at>{expires}</expires_at><scope>FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13</scope><token_type>Bearer</token_type></Authorization></content></entry>"#
        )
    };
    let doc = espi_xml::read_document(auth(7_776_000).as_bytes())
        .expect("entry")
        .document;
    let findings = semantic::check(&doc);
    assert_eq!(ids(&findings), ["V005"]);
    assert_eq!(
        findings[0].location.path,
        "entry/content/Authorization/expires_at"
    );
    let doc = espi_xml::read_document(auth(1_735_689_600).as_bytes())
        .expect("entry")
        .document;
    assert!(semantic::check(&doc).is_empty());
}

#[test]
fn an_entry_root_fails_only_d000_like_gba() {
    let doc = espi_xml::read_document(auth_free_entry().as_bytes())
        .expect("entry")
        .document;
    let all: Vec<u16> = gba::FUNCTION_BLOCKS.to_vec();
    assert_eq!(ids(&gba::check(&doc, &all)), ["D000"]);
    // Without FB_01 there is nothing to report.
    assert!(gba::check(&doc, &[4, 15]).is_empty());
}

fn auth_free_entry() -> String {
    format!(
        r#"<entry xmlns="{ATOM}"><id>urn:uuid:e</id><content><MeterReading xmlns="{ESPI}"/></content></entry>"#
    )
}

#[test]
fn validate_infers_blocks_and_reports_untested_ones() {
    let doc = feed(&[block_entry(1, MR, 0, 3600, &[(0, 3600)])]);
    let report = validate(&doc, None);
    assert_eq!(report.function_blocks_tested, [1, 4]);
    assert!(report.has_errors());
    let report = validate(&doc, Some(&[1, 3, 4, 13]));
    assert_eq!(report.function_blocks_tested, [1, 4]);
    assert_eq!(report.function_blocks_without_test, [3, 13]);
    // Every finding names a rule of the catalogue with that rule's Function Block and severity.
    for finding in &report.findings {
        let known = rule(finding.rule).expect("catalogued rule");
        assert_eq!(known.function_block, finding.function_block);
        assert_eq!(known.severity, finding.severity);
    }
}

#[test]
fn the_catalogue_has_every_gba_assertion_once() {
    assert_eq!(gba::RULES.len(), 143);
    let mut seen = std::collections::HashSet::new();
    assert!(
        rules().all(|rule| seen.insert(rule.id)),
        "duplicate rule id"
    );
    for rule in gba::RULES {
        let fb = rule
            .function_block
            .expect("GBA rules have a Function Block");
        assert!(gba::FUNCTION_BLOCKS.contains(&fb), "{}", rule.id);
    }
    for fb in gba::FUNCTION_BLOCKS {
        assert!(
            gba::RULES.iter().any(|r| r.function_block == Some(*fb)),
            "FB_{fb}"
        );
    }
}

#[test]
fn function_block_lists() {
    assert_eq!(parse_function_blocks("1,4,5,15").unwrap(), [1, 4, 5, 15]);
    assert_eq!(parse_function_blocks("FB_01, fb_04,4").unwrap(), [1, 4]);
    assert_eq!(parse_function_blocks("").unwrap(), Vec::<u16>::new());
    for bad in ["0", "100", "x", "1,-3", "FB_"] {
        assert!(parse_function_blocks(bad).is_err(), "{bad}");
    }
}
