//! The flat view of real samples (`ParsedDocument::readings`): no reading is lost where
//! links do not resolve, and local time fails loudly where LocalTimeParameters do not
//! decode.

mod common;

use common::{expected, testdata};
use espi_model::code_list::{CodeList, UnitSymbolKind};
use espi_model::local_time::LocalTimeError;
use espi_xml::{ParsedDocument, read_document};
use serde_json::Value;

fn parse(path: &str) -> ParsedDocument {
    let bytes = std::fs::read(testdata().join("samples").join(path)).expect("a sample");
    read_document(bytes.as_slice()).unwrap_or_else(|error| panic!("{path}: {error}"))
}

#[test]
fn every_reading_of_every_sample_is_offered_linked_or_not() {
    let mut unlinked_samples = Vec::new();
    for (path, facts) in expected() {
        if facts["well_formed"] != Value::Bool(true) {
            continue;
        }
        let parsed = parse(&path);
        let readings: Vec<_> = parsed.readings().collect();
        let expected = &facts["interval_readings"];
        assert_eq!(
            readings.len() as u64,
            expected["count"].as_u64().unwrap(),
            "{path}"
        );
        let sum: i64 = readings.iter().filter_map(|r| r.reading.value).sum();
        assert_eq!(sum, expected["sum_value"].as_i64().unwrap(), "{path}");
        let unlinked = readings.iter().filter(|reading| !reading.linked).count();
        let unplaced_blocks: Vec<usize> = parsed
            .tree
            .unplaced
            .iter()
            .flat_map(|group| group.interval_blocks.iter().copied())
            .collect();
        // Every unplaced block is a link problem, and only those readings are unlinked.
        for block in &unplaced_blocks {
            assert!(
                parsed
                    .tree
                    .problems
                    .iter()
                    .any(|problem| problem.entry == *block),
                "{path}: entry {block}"
            );
        }
        assert!(
            readings
                .iter()
                .all(|reading| reading.linked != unplaced_blocks.contains(&reading.interval_block)),
            "{path}"
        );
        if unlinked > 0 {
            assert!(facts["linked"].is_null(), "{path}: the oracle linked it");
            unlinked_samples.push((path, unlinked, parsed.tree.unplaced.len()));
        }
    }
    let expected: Vec<(String, usize, usize)> = [
        ("burlington-hydro/usage_60min.xml", 6, 1),
        ("gba-cmd-test/interval_block_1.xml", 96, 1),
        ("gba-openapi/AtomFeed_IntervalBlock__IntervalBlockFeed.xml", 2, 2),
        ("gba-openapi/AtomFeed__IntervalBlockFeed.xml", 3, 3),
        (
            "greenbutton-objects/ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml",
            35,
            1,
        ),
        ("verdigris-gba-sandbox/ESPIIntervalBlock.xml", 444, 1),
        ("verdigris-pge/PGEIntervalBlock.xml", 2556, 1),
    ]
    .into_iter()
    .map(|(path, readings, groups)| (path.to_owned(), readings, groups))
    .collect();
    assert_eq!(unlinked_samples, expected);
}

#[test]
fn unplaced_blocks_keep_what_their_links_tell() {
    // Burlington Hydro: the UsagePoint has no MeterReading collection link, but the
    // blocks' `up` is a related link of the MeterReading, whose `up` lies under the
    // UsagePoint; its ReadingType and LocalTimeParameters follow.
    let parsed = parse("burlington-hydro/usage_60min.xml");
    let group = &parsed.tree.unplaced[0];
    let href = |index: Option<usize>| {
        parsed.document.entries()[index.expect("known")]
            .meta
            .self_href()
            .map(str::to_owned)
    };
    assert!(
        href(group.meter_reading)
            .unwrap()
            .ends_with("/MeterReading/00000000-0000-4000-8000-000000000003")
    );
    assert!(
        href(group.usage_point)
            .unwrap()
            .ends_with("/UsagePoint/00000000-0000-4000-8000-000000000002")
    );
    assert!(
        href(group.reading_type)
            .unwrap()
            .ends_with("/ReadingType/100001")
    );
    let reading = parsed.readings().next().expect("a reading");
    assert!(!reading.linked);
    assert_eq!(reading.unit(), "Wh");
    assert!(reading.local_start().expect("rules apply").is_some());

    // PG&E: an IntervalBlock collection alone; nothing but the values and times is
    // known, and the readings stay together under their `up` link.
    let parsed = parse("verdigris-pge/PGEIntervalBlock.xml");
    assert_eq!(parsed.tree.unplaced.len(), 1);
    let group = &parsed.tree.unplaced[0];
    assert_eq!(group.interval_blocks.len(), 24);
    assert_eq!((group.meter_reading, group.reading_type), (None, None));
    assert!(
        group
            .up_href
            .as_deref()
            .unwrap()
            .ends_with("/IntervalBlock")
    );
    let reading = parsed.readings().next().expect("a reading");
    assert_eq!((reading.unit(), reading.quantity()), (String::new(), None));
    assert!(reading.start_utc().is_some());

    // Two OpenAPI IntervalBlocks of two MeterReadings: two groups, never merged.
    let parsed = parse("gba-openapi/AtomFeed_IntervalBlock__IntervalBlockFeed.xml");
    let ups: Vec<&str> = parsed
        .tree
        .unplaced
        .iter()
        .map(|group| group.up_href.as_deref().unwrap())
        .collect();
    assert_eq!(ups.len(), 2);
    assert_ne!(ups[0], ups[1]);

    // NGMA's gas bill links resources by their own hrefs rather than collections.
    let parsed = parse(
        "greenbutton-objects/ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml",
    );
    let reading = parsed.readings().next().expect("a reading");
    assert!(!reading.linked);
    assert!(reading.usage_point.is_some() && reading.meter_reading.is_some());
    let reading_type = reading.reading_type.expect("a ReadingType");
    assert_eq!(reading_type.uom, Some(UnitSymbolKind::Therm));
    assert_eq!(reading.quantity().unwrap().to_string(), "37.000 therm");
}

#[test]
fn link_problems_say_which_entry_and_why() {
    let parsed = parse("verdigris-pge/PGEIntervalBlock.xml");
    let problem = &parsed.tree.problems[0];
    let shown = problem.to_string();
    assert!(
        shown.starts_with(&format!(
            "entry {}: IntervalBlock https://api.pge.com/",
            problem.entry + 1
        )),
        "{shown}"
    );
    assert!(
        shown.ends_with("matches no MeterReading related link"),
        "{shown}"
    );
}

#[test]
fn a_dst_rule_that_does_not_decode_is_an_error_and_standard_time_remains() {
    // Enbridge writes epoch seconds (2024-03-10T07:00Z, 2024-11-03T07:00Z) where the
    // 32-bit rules belong; the end rule's seconds field is out of range.
    let parsed = parse("enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml");
    let mut count = 0;
    for reading in parsed.readings() {
        let error = reading.local_start().expect_err("the rules do not decode");
        assert!(
            matches!(
                error,
                LocalTimeError::InvalidRule {
                    which: "dst_end",
                    ..
                }
            ),
            "{error}"
        );
        let standard = reading
            .standard_start()
            .expect("tzOffset applies")
            .expect("a start");
        assert_eq!(standard.offset().local_minus_utc(), -18_000);
        assert_eq!(Some(standard.to_utc()), reading.start_utc());
        count += 1;
    }
    assert_eq!(count, 20);
    // Where the rules decode, local time has DST.
    let parsed = parse("gba-cmd-test/threeusagepointsonecustomer.xml");
    let reading = parsed.readings().next().expect("a reading");
    assert_eq!(
        reading.local_start().unwrap().unwrap().to_rfc3339(),
        "2014-01-01T00:00:00-05:00"
    );
    assert_eq!(
        reading.reading_type.unwrap().uom.map(CodeList::code),
        Some(72)
    );
}
