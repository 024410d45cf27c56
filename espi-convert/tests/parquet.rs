//! The Parquet export on every conformance sample, read back with the parquet crate:
//! row for row the CSV of the same file, and the counts and totals of
//! `testdata/expected.json` (computed by an independent tool).

mod common;

use common::parquet_rows::{ParquetRow, csv_fields, read_rows};
use common::{Totals, expected_totals, sample, scaled, testdata, well_formed_samples};
use espi_convert::csv::write_csv;
use espi_convert::parquet::{ParquetOptions, parquet_schema, write_parquet};
use espi_convert::{ConvertError, ConvertReport, MAX_PENDING_READINGS};
use espi_xml::ReaderOptions;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn parquet_of(xml: &[u8], options: &ParquetOptions) -> (ConvertReport, bytes::Bytes) {
    let mut out = Vec::new();
    let report = write_parquet(xml, &mut out, ReaderOptions::default(), options)
        .unwrap_or_else(|error| panic!("write_parquet: {error}"));
    (report, bytes::Bytes::from(out))
}

fn csv_records(xml: &[u8]) -> Vec<csv::StringRecord> {
    let mut out = Vec::new();
    write_csv(
        xml,
        &mut out,
        ReaderOptions::default(),
        MAX_PENDING_READINGS,
    )
    .expect("CSV");
    csv::Reader::from_reader(out.as_slice())
        .records()
        .collect::<Result<_, _>>()
        .expect("the CSV parses")
}

/// Totals of Parquet rows by (usage point, meter reading), in the oracle's units.
fn totals_of(rows: &[ParquetRow]) -> BTreeMap<(String, String), Totals> {
    let mut totals: BTreeMap<(String, String), Totals> = BTreeMap::new();
    for row in rows {
        let key = (
            row.usage_point.clone().unwrap_or_default(),
            row.meter_reading.clone().unwrap_or_default(),
        );
        let total = totals.entry(key).or_default();
        total.readings += 1;
        total.sum_value += i128::from(row.raw_value.unwrap_or(0));
        total.sum_cost += row.cost.map_or(0, wire_cost);
    }
    totals
}

/// A cost in currency back in the wire's 1/100 000.
fn wire_cost(cost: Decimal) -> i128 {
    let wire = cost * Decimal::from(100_000);
    assert!(wire.fract().is_zero(), "{cost} has more than 5 decimals");
    wire.trunc().mantissa() / 10i128.pow(wire.trunc().scale())
}

#[test]
fn every_sample_reads_back_as_its_csv_with_the_expected_counts_and_totals() {
    let Some(data) = testdata() else { return };
    let (mut files, mut rows_in_all, mut linked_files) = (0, 0, 0);
    for (path, facts) in well_formed_samples(&data) {
        let xml = sample(&data, &path);
        let (report, file) = parquet_of(&xml, &ParquetOptions::default().with_row_group_rows(500));
        let rows = read_rows(file);
        // Row for row, the CSV of the same file.
        let csv = csv_records(&xml);
        assert_eq!(rows.len(), csv.len(), "{path}");
        for (row, record) in rows.iter().zip(&csv) {
            assert_eq!(row.csv_fields(), csv_fields(record), "{path}");
        }
        assert_eq!(report.rows, rows.len() as u64, "{path}");
        // The file's counts and sums (expected.json's interval_readings).
        let readings = &facts["interval_readings"];
        assert_eq!(
            Some(rows.len() as u64),
            readings["count"].as_u64(),
            "{path}"
        );
        let sum_value: i128 = rows
            .iter()
            .filter_map(|r| r.raw_value)
            .map(i128::from)
            .sum();
        assert_eq!(
            Some(sum_value),
            readings["sum_value"].as_i64().map(i128::from),
            "{path}"
        );
        let sum_cost: i128 = rows.iter().filter_map(|r| r.cost).map(wire_cost).sum();
        assert_eq!(
            Some(sum_cost),
            readings["sum_cost"].as_i64().map(i128::from),
            "{path}"
        );
        let with_cost = rows.iter().filter(|r| r.cost.is_some()).count() as u64;
        assert_eq!(Some(with_cost), readings["with_cost"].as_u64(), "{path}");
        // Per meter reading, where the oracle linked the tree.
        if !facts["linked"].is_null() {
            let mut expected = expected_totals(&facts);
            for total in expected.values_mut() {
                (total.min_start, total.max_end) = (None, None);
            }
            assert_eq!(totals_of(&rows), expected, "{path}");
            linked_files += 1;
        }
        // Scaled values are exact: raw × 10^power.
        for row in &rows {
            if let (Some(raw), Some(value)) = (row.raw_value, row.scaled_value) {
                let power = i64::from(row.power_of_ten.unwrap_or(0));
                assert_eq!(value, scaled(raw, power), "{path}: {row:?}");
            }
        }
        files += 1;
        rows_in_all += rows.len();
    }
    assert_eq!((files, linked_files), (73, 61));
    assert!(rows_in_all > 50_000, "{rows_in_all} rows");
}

#[test]
fn the_file_has_typed_columns_and_row_groups_of_the_requested_size() {
    let Some(data) = testdata() else { return };
    // 20 160 readings in two MeterReadings.
    let xml = sample(&data, "gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml");
    let (_, file) = parquet_of(&xml, &ParquetOptions::default().with_row_group_rows(3000));
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("Parquet");
    assert_eq!(builder.schema().fields(), parquet_schema(12).fields());
    let metadata = builder.metadata();
    let sizes: Vec<i64> = metadata.row_groups().iter().map(|g| g.num_rows()).collect();
    assert_eq!(sizes, [3000, 3000, 3000, 3000, 3000, 3000, 2160]);
    let created_by = metadata.file_metadata().created_by().unwrap_or_default();
    assert!(created_by.starts_with("espi-convert "), "{created_by}");
}

#[test]
fn local_start_is_the_wall_clock_with_its_offset_and_falls_back_to_standard_time() {
    let Some(data) = testdata() else { return };
    let (_, file) = parquet_of(
        &sample(&data, "gba-cmd-test/threeusagepointsonecustomer.xml"),
        &ParquetOptions::default(),
    );
    let first = &read_rows(file)[0];
    // 2014-01-02T05:00:00Z is midnight EST.
    assert_eq!(first.start_utc, Some(1_388_638_800));
    assert_eq!(first.start_local, Some(1_388_638_800 - 18_000));
    assert_eq!(first.local_offset_s, Some(-18_000));
    assert_eq!(first.local_clock.as_deref(), Some("local"));
    assert_eq!(first.cost, Some(Decimal::new(16_615, 5)));
    // Enbridge's DST rules do not decode: standard time, said in the column and report.
    let (report, file) = parquet_of(
        &sample(
            &data,
            "enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml",
        ),
        &ParquetOptions::default(),
    );
    let rows = read_rows(file);
    assert!(
        rows.iter()
            .all(|row| row.local_clock.as_deref() == Some("standard"))
    );
    assert_eq!(report.standard_time_rows, rows.len() as u64);
}

#[test]
fn what_could_not_be_linked_is_said_in_the_report_and_in_the_file() {
    let Some(data) = testdata() else { return };
    let (report, file) = parquet_of(
        &sample(&data, "burlington-hydro/usage_60min.xml"),
        &ParquetOptions::default(),
    );
    assert_eq!((report.rows, report.unlinked_rows), (6, 6));
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("Parquet");
    let metadata = builder.metadata().file_metadata().key_value_metadata();
    let value = |key: &str| {
        metadata
            .into_iter()
            .flatten()
            .find(|pair| pair.key == key)
            .and_then(|pair| pair.value.clone())
            .unwrap_or_else(|| panic!("no {key}"))
    };
    assert_eq!(value("espi:rows"), "6");
    assert_eq!(value("espi:unlinked_rows"), "6");
    let problems: Vec<String> = serde_json::from_str(&value("espi:problems")).expect("JSON");
    assert_eq!(problems, report.problems);
    assert_eq!(problems.len(), 2);
}

#[test]
fn a_value_finer_than_the_scale_is_an_error_never_rounded() {
    let Some(data) = testdata() else { return };
    // Its second ReadingType has powerOfTenMultiplier −5.
    let xml = sample(&data, "gba-cmd-test/threeusagepointsonecustomer.xml");
    let options = ParquetOptions::default().with_value_scale(4);
    let error = write_parquet(&xml[..], Vec::new(), ReaderOptions::default(), &options)
        .expect_err("10^-5 does not fit scale 4");
    let ConvertError::ValueDoesNotFit {
        column, scale, row, ..
    } = &error
    else {
        panic!("{error}");
    };
    assert_eq!((*column, *scale), ("scaled_value", 4));
    assert!(*row > 1, "{error}");
    assert!(
        error
            .to_string()
            .contains("does not fit Decimal128(38, 4) without rounding"),
        "{error}"
    );
    // Scale 5 is enough.
    let (_, file) = parquet_of(&xml, &ParquetOptions::default().with_value_scale(5));
    assert_eq!(read_rows(file).len(), 240);
}

#[test]
fn a_document_without_readings_is_a_valid_empty_file() {
    let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><title/>
      <updated>2024-01-01T00:00:00Z</updated></feed>"#;
    let (report, file) = parquet_of(xml, &ParquetOptions::default());
    assert_eq!(report.rows, 0);
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("Parquet");
    assert_eq!(builder.metadata().file_metadata().num_rows(), 0);
    assert_eq!(builder.schema().fields(), parquet_schema(12).fields());
}
