//! Parquet files read back with the parquet crate, row by row, as the CSV writes them.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Int16Type, Int32Type, Int64Type, TimestampSecondType, UInt32Type,
};
use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::ChunkReader;
use rust_decimal::Decimal;

/// One row of the Parquet file, as typed values.
#[derive(Debug, Clone, PartialEq)]
pub struct ParquetRow {
    pub usage_point: Option<String>,
    pub meter_reading: Option<String>,
    pub linked: bool,
    pub service_kind: Option<String>,
    pub start_utc: Option<i64>,
    pub start_local: Option<i64>,
    pub local_offset_s: Option<i32>,
    pub local_clock: Option<String>,
    pub duration_s: Option<u32>,
    pub raw_value: Option<i64>,
    pub power_of_ten: Option<i16>,
    pub scaled_value: Option<Decimal>,
    pub unit: Option<String>,
    pub cost: Option<Decimal>,
    pub currency: Option<String>,
    pub quality: Option<String>,
    pub flow_direction: Option<String>,
}

impl ParquetRow {
    /// The row in the CSV's text, column by column (decimals normalised, so that
    /// equal values compare equal whatever their scale).
    pub fn csv_fields(&self) -> Vec<String> {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let number = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
        let decimal =
            |value: Option<Decimal>| value.map(|v| v.normalize().to_string()).unwrap_or_default();
        let start_utc = self.start_utc.map(|start| {
            chrono::DateTime::from_timestamp(start, 0)
                .expect("in range")
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        });
        let start_local = self.start_local.map(|local| {
            let offset = chrono::FixedOffset::east_opt(self.local_offset_s.expect("an offset"))
                .expect("an offset");
            let wall = chrono::DateTime::from_timestamp(local, 0)
                .expect("in range")
                .naive_utc();
            let start = wall
                .and_local_timezone(offset)
                .single()
                .expect("one instant");
            // The wall clock and the offset give back the instant.
            assert_eq!(Some(start.timestamp()), self.start_utc, "{self:?}");
            start.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
        });
        vec![
            text(&self.usage_point),
            text(&self.meter_reading),
            self.linked.to_string(),
            text(&self.service_kind),
            start_utc.unwrap_or_default(),
            start_local.unwrap_or_default(),
            text(&self.local_clock),
            number(self.duration_s.map(i64::from)),
            number(self.raw_value),
            number(self.power_of_ten.map(i64::from)),
            decimal(self.scaled_value),
            text(&self.unit),
            decimal(self.cost),
            text(&self.currency),
            text(&self.quality),
            text(&self.flow_direction),
        ]
    }
}

/// A CSV record in the text [`ParquetRow::csv_fields`] gives.
pub fn csv_fields(record: &csv::StringRecord) -> Vec<String> {
    record
        .iter()
        .enumerate()
        .map(|(column, field)| match column {
            // scaled_value and cost
            10 | 12 if !field.is_empty() => field
                .parse::<Decimal>()
                .expect("a decimal")
                .normalize()
                .to_string(),
            _ => field.to_owned(),
        })
        .collect()
}

/// Calls `each` with every row of the file, batch by batch; returns the number of row
/// groups.
pub fn for_each_row<T: ChunkReader + 'static>(file: T, mut each: impl FnMut(ParquetRow)) -> usize {
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("a Parquet file");
    let row_groups = builder.metadata().num_row_groups();
    for batch in builder.build().expect("a reader") {
        let batch = batch.expect("a batch");
        for row in rows(&batch) {
            each(row);
        }
    }
    row_groups
}

/// Every row of the file.
pub fn read_rows<T: ChunkReader + 'static>(file: T) -> Vec<ParquetRow> {
    let mut rows = Vec::new();
    for_each_row(file, |row| rows.push(row));
    rows
}

fn rows(batch: &RecordBatch) -> Vec<ParquetRow> {
    let column = |name: &str| batch.column_by_name(name).expect("a column");
    let text = |name: &str, index: usize| {
        let array = column(name).as_string::<i32>();
        array.is_valid(index).then(|| array.value(index).to_owned())
    };
    let decimal = |name: &str, index: usize| {
        let array = column(name).as_primitive::<Decimal128Type>();
        let scale = array.scale();
        array.is_valid(index).then(|| {
            Decimal::from_i128_with_scale(
                array.value(index),
                u32::try_from(scale).expect("a scale"),
            )
        })
    };
    macro_rules! primitive {
        ($name:expr, $type:ty, $index:expr) => {{
            let array = column($name).as_primitive::<$type>();
            array.is_valid($index).then(|| array.value($index))
        }};
    }
    (0..batch.num_rows())
        .map(|index| ParquetRow {
            usage_point: text("usage_point", index),
            meter_reading: text("meter_reading", index),
            linked: column("linked").as_boolean().value(index),
            service_kind: text("service_kind", index),
            start_utc: primitive!("start_utc", TimestampSecondType, index),
            start_local: primitive!("start_local", TimestampSecondType, index),
            local_offset_s: primitive!("local_offset_s", Int32Type, index),
            local_clock: text("local_clock", index),
            duration_s: primitive!("duration_s", UInt32Type, index),
            raw_value: primitive!("raw_value", Int64Type, index),
            power_of_ten: primitive!("power_of_ten", Int16Type, index),
            scaled_value: decimal("scaled_value", index),
            unit: text("unit", index),
            cost: decimal("cost", index),
            currency: text("currency", index),
            quality: text("quality", index),
            flow_direction: text("flow_direction", index),
        })
        .collect()
}
