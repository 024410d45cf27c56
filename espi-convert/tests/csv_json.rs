//! The CSV and JSON conversions on every conformance sample, checked against the facts
//! an independent tool computed (`testdata/expected.json`).

mod common;

use common::{Totals, expected_totals, linked_samples, sample, testdata, well_formed_samples};
use espi_convert::csv::{csv_header, write_csv};
use espi_convert::json::write_json;
use espi_convert::{ConvertError, ConvertReport, MAX_PENDING_READINGS};
use espi_model::atom::{Document, Entry};
use espi_model::resource::Resource;
use espi_xml::{ReaderOptions, WriteOptions, read_document, write_document};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

fn csv_of(xml: &[u8]) -> (ConvertReport, Vec<csv::StringRecord>) {
    let mut out = Vec::new();
    let report = write_csv(
        xml,
        &mut out,
        ReaderOptions::default(),
        MAX_PENDING_READINGS,
    )
    .unwrap_or_else(|error| panic!("write_csv: {error}"));
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(header, csv_header().expect("the header"));
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .expect("the CSV parses back");
    (report, rows)
}

fn column(name: &str) -> usize {
    static HEADER: std::sync::OnceLock<csv::StringRecord> = std::sync::OnceLock::new();
    HEADER
        .get_or_init(|| csv_header().expect("the header"))
        .iter()
        .position(|c| c == name)
        .expect("a column")
}

fn totals_of_rows(rows: &[csv::StringRecord]) -> BTreeMap<(String, String), Totals> {
    let mut totals: BTreeMap<(String, String), Totals> = BTreeMap::new();
    for row in rows {
        let key = (row[0].to_owned(), row[1].to_owned());
        let total = totals.entry(key).or_default();
        total.readings += 1;
        let raw = &row[column("raw_value")];
        if !raw.is_empty() {
            total.sum_value += i128::from_str(raw).expect("an integer raw value");
            check_scaled(row);
        }
        let cost = &row[column("cost")];
        if !cost.is_empty() {
            let cost = Decimal::from_str(cost).expect("a decimal cost") * Decimal::from(100_000);
            assert!(
                cost.fract().is_zero(),
                "cost {cost} has more than 5 decimals"
            );
            total.sum_cost += cost.mantissa() / 10i128.pow(cost.scale());
        }
        let start = &row[column("start_utc")];
        if !start.is_empty() {
            let start = chrono::DateTime::parse_from_rfc3339(start)
                .expect("an RFC 3339 start")
                .timestamp();
            let duration: i64 = row[column("duration_s")].parse().unwrap_or(0);
            total.min_start = Some(total.min_start.map_or(start, |min| min.min(start)));
            let end = start + duration;
            total.max_end = Some(total.max_end.map_or(end, |max| max.max(end)));
        }
    }
    totals
}

/// The scaled value is exactly raw × 10^power (no float rounding).
fn check_scaled(row: &csv::StringRecord) {
    let raw = Decimal::from_str(&row[column("raw_value")]).expect("raw");
    let power: i32 = row[column("power_of_ten")].parse().unwrap_or(0);
    let scaled = Decimal::from_str(&row[column("scaled_value")]).expect("a decimal value");
    let expected = if power < 0 {
        raw / Decimal::from(10i64.pow(power.unsigned_abs()))
    } else {
        raw * Decimal::from(10i64.pow(power as u32))
    };
    assert_eq!(scaled, expected, "{row:?}");
}

#[test]
fn csv_totals_equal_the_expected_facts_per_meter_reading_for_every_linked_sample() {
    let Some(data) = testdata() else { return };
    let samples = linked_samples(&data);
    assert_eq!(samples.len(), 61, "well-formed samples with a linked tree");
    let (mut rows_in_all, mut expected_in_all) = (0, 0);
    for (path, facts) in &samples {
        let (report, rows) = csv_of(&sample(&data, path));
        assert_eq!(report.rows, rows.len() as u64, "{path}");
        assert!(report.problems.is_empty(), "{path}: {:?}", report.problems);
        let mut csv = totals_of_rows(&rows);
        let mut expected = expected_totals(facts);
        expected_in_all += expected.values().map(|total| total.readings).sum::<u64>();
        // The oracle's start and end come from timePeriod only; the flat view also
        // places readings without one after the previous reading. Compare the times
        // where every reading has its own timePeriod.
        if facts["interval_readings"]["missing_time_period"].as_u64() != Some(0) {
            for total in csv.values_mut().chain(expected.values_mut()) {
                total.min_start = None;
                total.max_end = None;
            }
        }
        assert_eq!(csv, expected, "{path}");
        rows_in_all += rows.len() as u64;
    }
    assert_eq!(rows_in_all, expected_in_all);
    assert!(rows_in_all > 50_000, "{rows_in_all} rows in all");
}

#[test]
fn csv_rows_carry_local_time_currency_quality_and_flow_direction() {
    let Some(data) = testdata() else { return };
    let path = "gba-cmd-test/threeusagepointsonecustomer.xml";
    let (_, rows) = csv_of(&sample(&data, path));
    let first = &rows[0];
    assert_eq!(&first[column("service_kind")], "electricity");
    assert_eq!(&first[column("start_utc")], "2014-01-02T05:00:00Z");
    assert_eq!(&first[column("start_local")], "2014-01-02T00:00:00-05:00");
    assert_eq!(&first[column("duration_s")], "3600");
    assert_eq!(&first[column("currency")], "USD");
    assert_eq!(&first[column("flow_direction")], "reverse");
    assert_eq!(&first[column("cost")], "0.16615");
}

/// The same feed with its IntervalBlock entries moved before everything else.
fn blocks_first(xml: &[u8]) -> Vec<u8> {
    let parsed = read_document(xml).expect("the sample reads");
    let Document::Feed(mut feed) = parsed.document else {
        panic!("a feed");
    };
    let is_block = |entry: &Entry| matches!(entry.resource(), Some(Resource::IntervalBlock(_)));
    feed.entries.sort_by_key(|entry| !is_block(entry));
    let mut out = Vec::new();
    write_document(&Document::Feed(feed), &mut out, WriteOptions::default()).expect("writes");
    out
}

fn sorted(mut rows: Vec<csv::StringRecord>) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = rows
        .drain(..)
        .map(|row| row.iter().map(str::to_owned).collect())
        .collect();
    rows.sort();
    rows
}

#[test]
fn blocks_that_come_before_their_meter_reading_are_held_and_written_the_same() {
    let Some(data) = testdata() else { return };
    for path in [
        "gba-cmd-test/threeusagepointsonecustomer.xml",
        "cew821-greenbutton/sample_greenbutton_data.xml",
    ] {
        let xml = sample(&data, path);
        let (_, in_order) = csv_of(&xml);
        let (report, reordered) = csv_of(&blocks_first(&xml));
        assert!(report.problems.is_empty(), "{path}: {:?}", report.problems);
        assert!(!in_order.is_empty(), "{path}");
        assert_eq!(sorted(in_order), sorted(reordered), "{path}");
    }
}

#[test]
fn too_many_blocks_before_their_meter_reading_is_an_error_naming_the_entry() {
    let Some(data) = testdata() else { return };
    let xml = blocks_first(&sample(
        &data,
        "cew821-greenbutton/sample_greenbutton_data.xml",
    ));
    let error = write_csv(xml.as_slice(), Vec::new(), ReaderOptions::default(), 10)
        .expect_err("362 readings held with room for 10");
    assert!(
        matches!(
            error,
            ConvertError::TooManyPending {
                entry: 1,
                limit: 10
            }
        ),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("entry 1: more than 10 readings")
    );
}

#[test]
fn blocks_no_meter_reading_claims_are_written_unlinked_and_reported() {
    let Some(data) = testdata() else { return };
    // expected.json: burlington-hydro's MeterReading matches no UsagePoint collection.
    // Its blocks still name the MeterReading (their `up` is one of its related links),
    // and the MeterReading's `up` lies under the UsagePoint.
    let (report, rows) = csv_of(&sample(&data, "burlington-hydro/usage_60min.xml"));
    assert_eq!(rows.len(), 6);
    assert_eq!(report.unlinked_rows, 6);
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("written with linked false"),
        "{:?}",
        report.problems
    );
    for row in &rows {
        assert_eq!(&row[column("linked")], "false");
        assert!(
            row[column("usage_point")]
                .ends_with("/UsagePoint/00000000-0000-4000-8000-000000000002")
        );
        assert!(
            row[column("meter_reading")]
                .ends_with("/MeterReading/00000000-0000-4000-8000-000000000003")
        );
        assert_eq!(&row[column("unit")], "Wh");
        assert_eq!(&row[column("local_clock")], "local");
    }
}

#[test]
fn every_reading_of_every_sample_is_a_row_even_where_links_do_not_resolve() {
    let Some(data) = testdata() else { return };
    let (mut unlinked_samples, mut unlinked_rows) = (0, 0);
    for (path, facts) in well_formed_samples(&data) {
        let (report, rows) = csv_of(&sample(&data, &path));
        let readings = &facts["interval_readings"];
        assert_eq!(
            rows.len() as u64,
            readings["count"].as_u64().expect("count"),
            "{path}"
        );
        let sum: i128 = rows
            .iter()
            .filter(|row| !row[column("raw_value")].is_empty())
            .map(|row| i128::from_str(&row[column("raw_value")]).expect("an integer"))
            .sum();
        assert_eq!(
            sum,
            i128::from(readings["sum_value"].as_i64().expect("sum")),
            "{path}"
        );
        let unlinked = rows
            .iter()
            .filter(|row| &row[column("linked")] == "false")
            .count();
        assert_eq!(unlinked as u64, report.unlinked_rows, "{path}");
        if facts["linked"].is_null() {
            // Where the oracle could not link, every unlinked block is named.
            assert_eq!(report.problems.is_empty(), unlinked == 0, "{path}");
            if unlinked > 0 {
                unlinked_samples += 1;
                unlinked_rows += unlinked;
            }
        } else {
            assert_eq!(unlinked, 0, "{path}");
        }
    }
    // burlington-hydro, interval_block_1, the two GBA OpenAPI IntervalBlock feeds,
    // the NGMA gas bill, verdigris' sandbox and PG&E IntervalBlock collections.
    assert_eq!(unlinked_samples, 7);
    assert_eq!(unlinked_rows, 6 + 96 + 2 + 3 + 35 + 444 + 2556);
}

#[test]
fn a_gas_bill_whose_links_name_resources_directly_keeps_its_meter_reading_and_unit() {
    let Some(data) = testdata() else { return };
    // The NGMA file links its UsagePoint to the MeterReading's own href and the
    // MeterReading to the block's own href, not to collections; the oracle cannot link
    // it. The readings keep their MeterReading, ReadingType (therm, 10^-3) and cost.
    let path = "greenbutton-objects/ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml";
    let (report, rows) = csv_of(&sample(&data, path));
    assert_eq!(rows.len(), 35);
    let first = &rows[0];
    assert_eq!(&first[column("linked")], "false");
    assert_eq!(
        &first[column("usage_point")],
        "/v1/BillingAccount/1234567890/UsagePoint/NET_USAGE"
    );
    assert_eq!(
        &first[column("meter_reading")],
        "/v1/User/1234567890/UsagePoint/NET_USAGE/MeterReading/1"
    );
    assert_eq!(&first[column("scaled_value")], "37.000");
    assert_eq!(&first[column("unit")], "therm");
    assert_eq!(&first[column("cost")], "51.00000");
    assert_eq!(&first[column("start_local")], "");
    assert!(
        report
            .warnings
            .iter()
            .any(|warning| warning.contains("no LocalTimeParameters")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn start_local_falls_back_to_standard_time_with_a_warning_when_dst_rules_do_not_decode() {
    let Some(data) = testdata() else { return };
    // Enbridge writes epoch seconds where the 32-bit DST rules belong.
    let (report, rows) = csv_of(&sample(
        &data,
        "enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml",
    ));
    assert_eq!(rows.len(), 20);
    for row in &rows {
        assert_eq!(&row[column("local_clock")], "standard", "{row:?}");
        let utc = chrono::DateTime::parse_from_rfc3339(&row[column("start_utc")]).expect("UTC");
        let local = chrono::DateTime::parse_from_rfc3339(&row[column("start_local")])
            .expect("a local start on standard time");
        assert_eq!(local, utc, "the same instant");
        assert_eq!(
            local.offset().local_minus_utc(),
            -18_000,
            "EST, tzOffset alone"
        );
    }
    assert_eq!(report.standard_time_rows, 20);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0].contains("dst_end rule 67271F70")
            && report.warnings[0].contains("standard time"),
        "{:?}",
        report.warnings
    );
    // Decodable rules: the local clock, no warning.
    let (report, rows) = csv_of(&sample(
        &data,
        "gba-cmd-test/threeusagepointsonecustomer.xml",
    ));
    assert!(
        rows.iter()
            .all(|row| &row[column("local_clock")] == "local")
    );
    assert_eq!((report.standard_time_rows, report.warnings.len()), (0, 0));
}

#[test]
fn not_well_formed_input_is_an_error_with_its_position() {
    let xml = b"<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry><id>x</id></feed>";
    let error =
        write_csv(&xml[..], Vec::new(), ReaderOptions::default(), 10).expect_err("not well-formed");
    assert!(error.to_string().contains("line 2, column"), "{error}");
}

#[test]
fn json_parses_back_and_keeps_every_entry_of_every_sample() {
    let Some(data) = testdata() else { return };
    let samples = linked_samples(&data);
    for (path, _) in &samples {
        let xml = sample(&data, path);
        let mut out = Vec::new();
        write_json(xml.as_slice(), &mut out, ReaderOptions::default(), false)
            .unwrap_or_else(|error| panic!("{path}: {error}"));
        let json: Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{path}: {e}"));
        let parsed = read_document(xml.as_slice()).expect("reads");
        let entries = parsed.document.entries();
        // Each entry deserializes back into the model and equals one of the document's;
        // every entry of the document is there (a ReadingType or LocalTimeParameters
        // shared by several nodes appears under each).
        let found: Vec<Entry> = json_entries(&json)
            .into_iter()
            .map(|value| {
                serde_json::from_value(value.clone())
                    .unwrap_or_else(|e| panic!("{path}: entry does not deserialize: {e}"))
            })
            .collect();
        assert!(found.len() >= entries.len(), "{path}");
        for entry in &found {
            assert!(entries.contains(entry), "{path}: {entry:?}");
        }
        for entry in entries {
            assert!(found.contains(entry), "{path}: missing {entry:?}");
        }
        let points = json["usage_points"].as_array().expect("usage_points");
        assert_eq!(points.len(), parsed.tree.usage_points.len(), "{path}");
    }
}

/// Every entry object in the linked JSON.
fn json_entries(json: &Value) -> Vec<&Value> {
    let mut found = Vec::new();
    for point in json["usage_points"].as_array().into_iter().flatten() {
        found.push(&point["entry"]);
        found.extend(non_null(&point["local_time_parameters"]));
        for reading in point["meter_readings"].as_array().into_iter().flatten() {
            found.push(&reading["entry"]);
            found.extend(non_null(&reading["reading_type"]));
            found.extend(reading["interval_blocks"].as_array().into_iter().flatten());
        }
        for key in ["usage_summaries", "quality_summaries"] {
            found.extend(point[key].as_array().into_iter().flatten());
        }
    }
    for key in ["link_problems", "unlinked"] {
        let problems = json[key].as_array().into_iter().flatten();
        found.extend(problems.map(|problem| &problem["entry"]));
    }
    found.extend(json["other_entries"].as_array().into_iter().flatten());
    found
}

fn non_null(value: &Value) -> Option<&Value> {
    (!value.is_null()).then_some(value)
}
