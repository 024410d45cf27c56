//! `espi convert` on every well-formed sample: the readings and their sums in each
//! output format (CSV, Parquet read back with the parquet crate, JSON, XML) equal the
//! facts of `expected.json`, computed by an independent tool.

mod common;

use arrow_array::Array;
use common::{expected, run, sample, stdout_of, testdata};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::BTreeMap;
use std::str::FromStr;

/// Readings and the sums of their raw values and costs (costs in 1/100 000 of the
/// currency, as the wire and expected.json have them).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Totals {
    readings: u64,
    sum_value: i128,
    sum_cost: i128,
}

fn number(value: &Value) -> i128 {
    value
        .as_i64()
        .map(i128::from)
        .unwrap_or_else(|| panic!("{value} is not an integer"))
}

/// The whole document's totals, and each linked MeterReading's, from expected.json.
fn expected_totals(facts: &Value) -> (Totals, BTreeMap<String, Totals>) {
    let all = &facts["interval_readings"];
    let document = Totals {
        readings: all["count"].as_u64().expect("count"),
        sum_value: number(&all["sum_value"]),
        sum_cost: number(&all["sum_cost"]),
    };
    let mut per_reading = BTreeMap::new();
    for point in facts["linked"].as_array().into_iter().flatten() {
        for reading in point["meter_readings"].as_array().expect("readings") {
            let href = reading["self"].as_str().expect("a self href").to_owned();
            per_reading.insert(
                href,
                Totals {
                    readings: reading["readings"].as_u64().expect("readings"),
                    sum_value: number(&reading["sum_value"]),
                    sum_cost: number(&reading["sum_cost"]),
                },
            );
        }
    }
    (document, per_reading)
}

/// Totals of a CSV: the whole file's, and each linked MeterReading's.
fn csv_totals(text: &str) -> (Totals, BTreeMap<String, Totals>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|field| field == name)
            .unwrap_or_else(|| panic!("no {name} column"))
    };
    let (meter_reading, linked, raw, cost) = (
        column("meter_reading"),
        column("linked"),
        column("raw_value"),
        column("cost"),
    );
    let mut document = Totals::default();
    let mut per_reading: BTreeMap<String, Totals> = BTreeMap::new();
    for row in reader.records() {
        let row = row.expect("a CSV row");
        let mut totals = Totals {
            readings: 1,
            ..Totals::default()
        };
        if !row[raw].is_empty() {
            totals.sum_value = row[raw].parse().expect("an integer raw_value");
        }
        if !row[cost].is_empty() {
            let cost = Decimal::from_str(&row[cost]).expect("a decimal") * Decimal::from(100_000);
            assert!(cost.fract().is_zero(), "{cost}: finer than the wire");
            totals.sum_cost = cost.mantissa() / 10i128.pow(cost.scale());
        }
        add(&mut document, totals);
        if &row[linked] == "true" {
            add(
                per_reading
                    .entry(row[meter_reading].to_owned())
                    .or_default(),
                totals,
            );
        }
    }
    (document, per_reading)
}

fn add(sum: &mut Totals, more: Totals) {
    sum.readings += more.readings;
    sum.sum_value += more.sum_value;
    sum.sum_cost += more.sum_cost;
}

/// Totals of a Parquet file: the whole file's, and each linked MeterReading's.
fn parquet_totals(path: &std::path::Path) -> (Totals, BTreeMap<String, Totals>) {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Decimal128Type, Int64Type};
    let file = std::fs::File::open(path).expect("the Parquet file");
    let batches = ParquetRecordBatchReaderBuilder::try_new(file)
        .expect("Parquet")
        .build()
        .expect("a reader");
    let mut document = Totals::default();
    let mut per_reading: BTreeMap<String, Totals> = BTreeMap::new();
    for batch in batches {
        let batch = batch.expect("a record batch");
        let column = |name: &str| batch.column_by_name(name).expect(name);
        let meter_reading = column("meter_reading").as_string::<i32>();
        let linked = column("linked").as_boolean();
        let raw = column("raw_value").as_primitive::<Int64Type>();
        // Decimal128 with scale 5: the integer is the wire's 1/100 000 units.
        let cost = column("cost").as_primitive::<Decimal128Type>();
        for row in 0..batch.num_rows() {
            let totals = Totals {
                readings: 1,
                sum_value: if raw.is_null(row) {
                    0
                } else {
                    i128::from(raw.value(row))
                },
                sum_cost: if cost.is_null(row) {
                    0
                } else {
                    cost.value(row)
                },
            };
            add(&mut document, totals);
            if linked.value(row) {
                let href = meter_reading.value(row).to_owned();
                add(per_reading.entry(href).or_default(), totals);
            }
        }
    }
    (document, per_reading)
}

/// Totals of the linked JSON, per MeterReading.
fn json_totals(text: &str) -> BTreeMap<String, Totals> {
    let json: Value = serde_json::from_str(text).expect("JSON");
    let mut per_reading = BTreeMap::new();
    for point in json["usage_points"].as_array().expect("usage_points") {
        for reading in point["meter_readings"].as_array().expect("meter_readings") {
            let href = reading["entry"]["links"]
                .as_array()
                .expect("links")
                .iter()
                .find(|link| link["rel"] == "self")
                .and_then(|link| link["href"].as_str())
                .expect("a self link")
                .to_owned();
            let mut totals = Totals::default();
            for block in reading["interval_blocks"].as_array().expect("blocks") {
                for content in block["content"].as_array().expect("content") {
                    let readings = content["IntervalBlock"]["interval_reading"]
                        .as_array()
                        .expect("readings");
                    for one in readings {
                        add(
                            &mut totals,
                            Totals {
                                readings: 1,
                                sum_value: one["value"].as_i64().map_or(0, i128::from),
                                sum_cost: one["cost"].as_i64().map_or(0, i128::from),
                            },
                        );
                    }
                }
            }
            per_reading.insert(href, totals);
        }
    }
    per_reading
}

#[test]
fn csv_parquet_and_json_totals_equal_the_expected_facts_of_every_sample() {
    let Some(testdata) = testdata() else { return };
    let directory = tempfile::tempdir().expect("a temporary directory");
    let parquet = directory.path().join("out.parquet");
    let (mut documents, mut meter_readings) = (0, 0);
    for (name, facts) in expected(&testdata) {
        if facts["well_formed"] != Value::Bool(true) {
            continue;
        }
        let path = sample(&testdata, &name);
        let (document, per_reading) = expected_totals(&facts);

        // Every reading is a row, linked or not: nothing is dropped.
        let (csv_document, csv_per_reading) =
            csv_totals(&stdout_of(&["convert", "--to", "csv", &path]));
        assert_eq!(csv_document, document, "{name}: CSV, whole document");
        let output = run(&[
            "convert",
            "--to",
            "parquet",
            &path,
            parquet.to_str().expect("UTF-8"),
        ]);
        assert!(output.status.success(), "{name}: {output:?}");
        let (parquet_document, parquet_per_reading) = parquet_totals(&parquet);
        assert_eq!(
            parquet_document, document,
            "{name}: Parquet, whole document"
        );
        documents += 1;
        if facts["linked"].is_null() {
            continue;
        }
        assert_eq!(csv_per_reading, per_reading, "{name}: CSV per MeterReading");
        assert_eq!(
            parquet_per_reading, per_reading,
            "{name}: Parquet per MeterReading"
        );
        let json_per_reading = json_totals(&stdout_of(&["convert", "--to", "json", &path]));
        assert_eq!(
            json_per_reading, per_reading,
            "{name}: JSON per MeterReading"
        );
        meter_readings += per_reading.len();
    }
    assert!(documents >= 70, "only {documents} samples converted");
    assert!(meter_readings >= 30, "only {meter_readings} MeterReadings");
}

/// XML written back and read again has the facts of the original.
#[test]
fn xml_written_back_has_the_expected_facts() {
    let Some(testdata) = testdata() else { return };
    let directory = tempfile::tempdir().expect("a temporary directory");
    for name in [
        "gba-cmd-test/threeusagepointsonecustomer.xml",
        "gba-sample-data/Desert_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_6.xml",
        "enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml",
    ] {
        let facts = &expected(&testdata)
            .into_iter()
            .find(|(sample, _)| sample == name)
            .expect("in expected.json")
            .1;
        let out = directory.path().join("out.xml");
        let out = out.to_str().expect("UTF-8");
        let output = run(&[
            "convert",
            "--to",
            "xml",
            "--indent",
            &sample(&testdata, name),
            out,
        ]);
        assert!(output.status.success(), "{name}: {output:?}");
        let shown: Value =
            serde_json::from_str(&stdout_of(&["inspect", "--json", out])).expect("JSON");
        for key in ["count", "sum_value", "sum_cost", "min_start", "max_end"] {
            assert_eq!(
                shown["interval_readings"][key], facts["interval_readings"][key],
                "{name}: {key}"
            );
        }
        assert_eq!(shown["entries"], facts["entries"], "{name}");
    }
}

/// A conversion that fails leaves no output file behind, and says why.
#[test]
fn a_failed_conversion_leaves_no_file() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let bad = directory.path().join("bad.xml");
    std::fs::write(&bad, "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>").expect("written");
    let out = directory.path().join("out.csv");
    let output = run(&[
        "convert",
        "--to",
        "csv",
        bad.to_str().expect("UTF-8"),
        out.to_str().expect("UTF-8"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot convert"),
        "{output:?}"
    );
    let left: Vec<_> = std::fs::read_dir(directory.path())
        .expect("a directory")
        .map(|entry| entry.expect("an entry").file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("bad.xml")]);
    assert_eq!(
        run(&["convert", "--to", "yaml", "x.xml"]).status.code(),
        Some(2)
    );
}

/// An output that is not a regular file is written to, never replaced: a FIFO (as
/// `/dev/null` or a pipe would be) stays a FIFO and its reader gets the CSV; a symbolic
/// link stays a link and the file it names gets the CSV. Renaming a finished temporary
/// file over them, as is right for a regular file, once replaced `/dev/null` itself.
#[cfg(unix)]
#[test]
fn a_device_fifo_or_link_as_output_is_written_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let directory = tempfile::tempdir().expect("a temporary directory");
    let input = directory.path().join("in.xml");
    let feed = run(&[
        "generate",
        "--size-mb",
        "0.2",
        input.to_str().expect("UTF-8"),
    ]);
    assert!(feed.status.success(), "{feed:?}");
    let expected = stdout_of(&["convert", "--to", "csv", input.to_str().expect("UTF-8")]);

    let fifo = directory.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("the FIFO reads"))
    };
    let output = run(&[
        "convert",
        "--to",
        "csv",
        input.to_str().expect("UTF-8"),
        fifo.to_str().expect("UTF-8"),
    ]);
    assert!(output.status.success(), "{output:?}");
    // Checked before joining: a replaced FIFO never gets a writer, and its reader waits.
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
    assert_eq!(reader.join().expect("the reader ends"), expected);

    let target = directory.path().join("target.csv");
    std::fs::write(&target, "old").expect("written");
    let link = directory.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).expect("a link");
    let output = run(&[
        "convert",
        "--to",
        "csv",
        input.to_str().expect("UTF-8"),
        link.to_str().expect("UTF-8"),
    ]);
    assert!(output.status.success(), "{output:?}");
    let kind = std::fs::symlink_metadata(&link)
        .expect("still there")
        .file_type();
    assert!(kind.is_symlink(), "the link was replaced by {kind:?}");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), expected);
}
