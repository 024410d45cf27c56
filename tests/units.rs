//! Values and units agree in every output: on every sample with a non-zero
//! powerOfTenMultiplier, each (value, unit) pair that the model, the document facts,
//! `inspect` (text and JSON) and `convert --to csv` give is raw × 10^multiplier in the
//! ReadingType's own unit of measure.
//!
//! The expectations are computed here, from the raw values and codes, with a table of
//! unit symbols of its own.

use espi_cli::inspect;
use espi_convert::MAX_PENDING_READINGS;
use espi_convert::csv::{csv_header, write_csv};
use espi_model::code_list::CodeList;
use espi_model::usage_summary::SummaryMeasurement;
use espi_xml::{ReaderOptions, read_document, read_facts};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::str::FromStr;

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/samples")
}

/// Every sample file, as `directory/file`.
fn all_samples() -> Vec<String> {
    let mut found = Vec::new();
    for directory in std::fs::read_dir(samples_dir()).expect("testdata/samples") {
        let directory = directory.expect("an entry").path();
        for file in std::fs::read_dir(&directory).expect("a sample directory") {
            let file = file.expect("an entry").path();
            let relative = file.strip_prefix(samples_dir()).expect("under samples");
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    found.sort();
    found
}

/// The symbol of each unit code the samples use, as a reader of the standard writes it.
fn symbol(uom: u16) -> &'static str {
    match uom {
        42 => "m³",
        167 => "m³(compensated)",
        72 => "Wh",
        169 => "therm",
        38 => "W",
        27 => "s",
        80 => "¤",
        114 => "code",
        other => panic!("no symbol in this test's table for uom {other}"),
    }
}

/// `raw × 10^power`, computed independently of the model: the decimal point moved
/// left for a negative power (58 000, −3 → 58.000), zeros appended for a positive one.
fn scaled(raw: i128, power: i32) -> Decimal {
    if power < 0 {
        Decimal::from_i128_with_scale(raw, power.unsigned_abs())
    } else {
        Decimal::from_i128_with_scale(raw, 0) * Decimal::from(10u64.pow(power.unsigned_abs()))
    }
}

/// A shown quantity back in the base unit: "12.3 kWh" → 12 300 Wh.
fn in_base_unit(value: Decimal, unit: &str) -> (Decimal, &str) {
    match unit {
        "kWh" => (value * Decimal::from(1000), "Wh"),
        other => (value, other),
    }
}

/// `(sample, uom, power)` of every MeterReading with a non-zero power of ten and
/// readings, as found by the model; asserts each reading's pair on the way.
fn check_model(path: &str, bytes: &[u8]) -> BTreeSet<(u16, i16)> {
    let parsed = read_document(bytes).expect("reads leniently");
    let mut scales = BTreeSet::new();
    for reading in parsed.readings() {
        let (Some(reading_type), Some(raw)) = (reading.reading_type, reading.reading.value) else {
            continue;
        };
        let power = reading_type.exponent();
        let Some(uom) = reading_type.uom.map(CodeList::code) else {
            continue;
        };
        if power == 0 {
            continue;
        }
        scales.insert((uom, power));
        let expected = scaled(raw.into(), power.into());
        assert_eq!(reading.value(), Some(expected), "{path}: value");
        assert_eq!(reading.unit(), symbol(uom), "{path}: unit");
        let quantity = reading.quantity().expect("a quantity");
        assert_eq!(
            (quantity.value, quantity.unit_label()),
            (expected, symbol(uom).to_owned()),
            "{path}: quantity"
        );
        assert_eq!(
            quantity.to_string(),
            format!("{expected} {}", symbol(uom)),
            "{path}"
        );
    }
    // Summary measurements (UsageSummary and the like) carry their own scale.
    for resource in parsed.document.resources() {
        let json = serde_json::to_value(resource).expect("serialisable");
        for measurement in measurements(&json) {
            let (Some(raw), Some(uom)) = (measurement.value, measurement.uom) else {
                continue;
            };
            let power = measurement
                .power_of_ten_multiplier
                .map_or(0, CodeList::code);
            let quantity = measurement.quantity().expect("a quantity");
            assert_eq!(quantity.value, scaled(raw.into(), power.into()), "{path}");
            assert_eq!(quantity.unit_label(), symbol(uom.code()), "{path}");
        }
    }
    scales
}

/// Every SummaryMeasurement inside a resource's serde form.
fn measurements(json: &Value) -> Vec<SummaryMeasurement> {
    let mut found = Vec::new();
    match json {
        Value::Object(map) => {
            if map.contains_key("power_of_ten_multiplier")
                && map.contains_key("uom")
                && map.contains_key("value")
                && let Ok(measurement) = serde_json::from_value(json.clone())
            {
                found.push(measurement);
            }
            map.values()
                .for_each(|value| found.extend(measurements(value)));
        }
        Value::Array(values) => values
            .iter()
            .for_each(|value| found.extend(measurements(value))),
        _ => {}
    }
    found
}

/// The document facts and `inspect` (text and JSON) of a linked sample.
fn check_facts_and_inspect(path: &str, bytes: &[u8]) -> usize {
    let facts = read_facts(bytes, ReaderOptions::default())
        .expect("reads")
        .facts;
    let mut text = Vec::new();
    let reader = ReaderOptions::default();
    inspect::inspect(path, bytes, reader, inspect::Options::default(), &mut text)
        .expect("inspects");
    let text = String::from_utf8(text).expect("UTF-8");
    let mut json = Vec::new();
    let options = inspect::Options {
        json: true,
        ..inspect::Options::default()
    };
    inspect::inspect(path, bytes, reader, options, &mut json).expect("inspects");
    let json: Value = serde_json::from_slice(&json).expect("JSON");
    let linked = if json["linked"].is_null() {
        &json["linked_partial"]
    } else {
        &json["linked"]
    };
    let mut checked = 0;
    for (point_index, point) in facts.linked.iter().enumerate() {
        for (reading_index, reading) in point.meter_readings.iter().enumerate() {
            let Some(facts) = &reading.reading_type else {
                continue;
            };
            let (Some(uom), Some(power)) = (facts.uom, facts.power_of_ten_multiplier) else {
                continue;
            };
            let (uom, power) = (uom.code(), power.code());
            if power == 0 {
                continue;
            }
            let expected = scaled(reading.sum_value, power.into());
            let unit = symbol(uom);
            // The document facts.
            assert_eq!(facts.unit_label, unit, "{path}");
            let total = reading.total().expect("a total");
            assert_eq!(
                (total.value, total.unit_label()),
                (expected, unit.to_owned()),
                "{path}"
            );
            // inspect --json.
            let reading_json = &linked[point_index]["meter_readings"][reading_index];
            assert_eq!(reading_json["unit"], unit, "{path}");
            let shown = Decimal::from_str(reading_json["total"].as_str().expect("a total"))
                .expect("a decimal");
            assert_eq!(shown, expected, "{path}");
            // inspect's text: the MeterReading line names the unit and the scale, and
            // the total that follows converts back to the same quantity.
            let href = reading.self_href.as_deref().expect("a self href");
            let header = format!("MeterReading {href} — {unit} (raw × 10^{power})");
            let at = text
                .find(&header)
                .unwrap_or_else(|| panic!("{path}: {header:?} not in\n{text}"));
            let total_line = text[at..]
                .lines()
                .find_map(|line| line.trim().strip_prefix("total "))
                .expect("a total line");
            let (value, shown_unit) = total_line.split_once(' ').expect("value and unit");
            let (value, shown_unit) =
                in_base_unit(Decimal::from_str(value).expect("a decimal"), shown_unit);
            assert_eq!(
                (value, shown_unit),
                (expected.normalize(), unit),
                "{path}: {total_line}"
            );
            checked += 1;
        }
    }
    checked
}

/// The CSV rows with a non-zero power of ten.
fn check_csv(path: &str, bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    write_csv(
        bytes,
        &mut out,
        ReaderOptions::default(),
        MAX_PENDING_READINGS,
    )
    .unwrap_or_else(|error| panic!("{path}: {error}"));
    let header = csv_header().expect("the header");
    let column = |name: &str| header.iter().position(|c| c == name).expect("a column");
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let mut checked = 0;
    for row in reader.records() {
        let row = row.expect("a row");
        let power: i32 = row[column("power_of_ten")].parse().unwrap_or(0);
        let raw = &row[column("raw_value")];
        if power == 0 || raw.is_empty() {
            continue;
        }
        let expected = scaled(i128::from_str(raw).expect("an integer"), power);
        let value = Decimal::from_str(&row[column("scaled_value")]).expect("a decimal");
        assert_eq!(value, expected, "{path}: {row:?}");
        let unit = &row[column("unit")];
        assert!(
            ["m³", "Wh", "therm", "W", "s", "¤", "code"].contains(&unit),
            "{path}: unit {unit:?} is not a base unit"
        );
        checked += 1;
    }
    checked
}

#[test]
fn every_value_is_labelled_with_the_unit_it_is_in_across_all_outputs() {
    let mut covered = BTreeSet::new();
    let (mut facts_checked, mut rows_checked) = (0, 0);
    for path in all_samples() {
        let bytes = std::fs::read(samples_dir().join(&path)).expect("a sample");
        if read_document(bytes.as_slice()).is_err() {
            continue; // not well-formed
        }
        let scales = check_model(&path, &bytes);
        if scales.is_empty() {
            continue;
        }
        facts_checked += check_facts_and_inspect(&path, &bytes);
        rows_checked += check_csv(&path, &bytes);
        covered.insert((path, scales));
    }
    let covered: Vec<String> = covered
        .iter()
        .map(|(path, scales)| format!("{path} {scales:?}"))
        .collect();
    // Enbridge's gas in 10^-3 m³, GBA's kWh (10^3 Wh) and 10^-5 Wh, and NGMA's gas
    // bill in 10^-3 therm, whose links do not resolve.
    assert_eq!(
        covered,
        [
            "enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml {(42, -3)}",
            "gba-cmd-test/threeusagepointsonecustomer.xml {(72, -5), (72, 3)}",
            "greenbutton-objects/ngma_natural_gas_billing_billing_data_Service_1_1_2021-05-26_to_2024-04-25.xml {(169, -3)}",
        ]
    );
    assert_eq!(
        facts_checked,
        20 + 4,
        "MeterReadings checked in the facts and inspect"
    );
    assert_eq!(rows_checked, 20 + 240 + 35, "CSV rows checked");
}
