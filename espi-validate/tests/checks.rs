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

fn feed(entries: &[String]) -> espi_model::atom::Document {
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

fn local_time_entry(start: &str, end: &str) -> String {
    format!(
        r#"<entry><id>urn:uuid:l</id><link rel="self" href="/espi/1_1/resource/LocalTimeParameters/1"/><title/>
        <updated>2024-01-01T00:00:00Z</updated><content><LocalTimeParameters xmlns="{ESPI}"><dstEndRule>{end}</dstEndRule>
        <dstOffset>3600</dstOffset><dstStartRule>{start}</dstStartRule><tzOffset>-18000</tzOffset></LocalTimeParameters></content></entry>"#
    )
}

#[test]
fn dst_rules_that_do_not_decode() {
    // US Eastern: second Sunday of March and first Sunday of November at 02:00.
    let doc = feed(&[local_time_entry("360E2000", "B40E2000")]);
    assert!(semantic::check(&doc).is_empty());
    // Month 13; and February 30th (operator 0, day of month 30), which no year has.
    let doc = feed(&[local_time_entry("D60E2000", "21E00000")]);
    let findings = semantic::check(&doc);
    assert_eq!(ids(&findings), ["V006", "V006"]);
    assert_eq!(
        findings[0].location.path,
        "feed/entry[1]/content/LocalTimeParameters/dstStartRule"
    );
    assert!(
        findings[0].message.contains("month 13"),
        "{}",
        findings[0].message
    );
    assert!(
        findings[1].message.contains("names no date"),
        "{}",
        findings[1].message
    );
    // February 29th exists in leap years only, so it does not decode in every year either.
    let doc = feed(&[local_time_entry("21D00000", "B40E2000")]);
    assert_eq!(ids(&semantic::check(&doc)), ["V006"]);
    // Valid rules, but a standard offset of 25 hours.
    let doc = feed(&[local_time_entry("360E2000", "B40E2000").replace("-18000", "-90000")]);
    let findings = semantic::check(&doc);
    assert_eq!(ids(&findings), ["V006"]);
    assert_eq!(
        findings[0].location.path,
        "feed/entry[1]/content/LocalTimeParameters"
    );
    assert!(
        findings[0].message.contains("tz_offset"),
        "{}",
        findings[0].message
    );
}

fn usage_entries(reading_type_href: &str) -> Vec<String> {
    let up = "/espi/1_1/resource/Subscription/1/UsagePoint";
    vec![
        format!(
            r#"<entry><id>urn:uuid:u</id><link rel="self" href="{up}/1"/><link rel="up" href="{up}"/><link rel="related" href="{up}/1/MeterReading"/>
            <title/><updated>2024-01-01T00:00:00Z</updated><content><UsagePoint xmlns="{ESPI}"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content></entry>"#
        ),
        format!(
            r#"<entry><id>urn:uuid:m</id><link rel="self" href="{MR}"/><link rel="up" href="{up}/1/MeterReading"/>
            <link rel="related" href="{MR}/IntervalBlock"/><link rel="related" href="{reading_type_href}"/>
            <title/><updated>2024-01-01T00:00:00Z</updated><content><MeterReading xmlns="{ESPI}"/></content></entry>"#
        ),
        r#"<entry><id>urn:uuid:r</id><link rel="self" href="/espi/1_1/resource/ReadingType/1"/><title/>
        <updated>2024-01-01T00:00:00Z</updated><content><ReadingType xmlns="http://naesb.org/espi"><uom>72</uom></ReadingType></content></entry>"#
            .to_owned(),
        block_entry(1, MR, 0, 3600, &[(0, 3600)]),
    ]
}

#[test]
fn links_that_do_not_resolve() {
    let linked = feed(&usage_entries("/espi/1_1/resource/ReadingType/1"));
    assert!(semantic::check(&linked).is_empty());
    // The MeterReading names a ReadingType the feed does not hold, though it holds one.
    let broken = feed(&usage_entries("/espi/1_1/resource/ReadingType/2"));
    let findings = semantic::check(&broken);
    assert_eq!(ids(&findings), ["V007"]);
    assert_eq!(findings[0].location.entry_index, Some(1));
    assert_eq!(findings[0].location.path, "feed/entry[2]/link");
    // A block whose MeterReading the feed does not hold at all is a partial response
    // (GET …/IntervalBlock), not a broken link; with a MeterReading present, it is one.
    let blocks_only = feed(&[block_entry(1, "/elsewhere/MeterReading/9", 0, 3600, &[])]);
    assert!(semantic::check(&blocks_only).is_empty());
    let mut stray = usage_entries("/espi/1_1/resource/ReadingType/1");
    stray.push(block_entry(2, "/elsewhere/MeterReading/9", 3600, 3600, &[]));
    assert_eq!(ids(&semantic::check(&feed(&stray))), ["V007"]);
}

#[test]
fn schema_findings_carry_the_line_and_column_of_the_deviation() {
    let xml = format!(
        "<feed xmlns=\"{ATOM}\"><id>urn:uuid:f</id><title/><updated>2024-01-01T00:00:00Z</updated>\n{}\n</feed>",
        usage_entries("/espi/1_1/resource/ReadingType/1").concat()
    )
    .replace("<uom>72</uom>", "<uom>72</uom>\n<bogus/>")
    .replace("<kind>0</kind>", "<kind>zero</kind>");
    let parsed = espi_xml::read_document(xml.as_bytes()).expect("lenient read");
    let report = espi_validate::validate_parsed(&parsed, Some(&[]));
    let found: Vec<_> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule,
                f.location.entry_index,
                f.location.line,
                f.location.column,
            )
        })
        .collect();
    // Line and column of the byte just after `needle`.
    let after = |needle: &str| {
        let end = xml.find(needle).expect("in the document") + needle.len();
        let line_start = xml[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = xml[..end].matches('\n').count() as u64 + 1;
        (Some(line), Some((end - line_start) as u64 + 1))
    };
    // Each is placed just after the element that deviates.
    let (kind_line, kind_column) = after("<kind>zero</kind>");
    let (bogus_line, bogus_column) = after("<bogus/>");
    assert_eq!(
        found,
        [
            ("S005", Some(0), kind_line, kind_column),
            ("S001", Some(2), bogus_line, bogus_column),
        ]
    );
    // Strict reading rejects the first of them, where lenient reading reported it.
    let strict = espi_xml::read_document_with(xml.as_bytes(), espi_xml::ReaderOptions::strict())
        .expect_err("schema-invalid");
    assert_eq!(
        strict.position().map(|p| p.line),
        report.findings[0].location.line
    );
    // Every schema rule is catalogued as an error.
    for finding in &report.findings {
        assert_eq!(
            rule(finding.rule).map(|r| r.severity),
            Some(Severity::Error)
        );
    }
}
