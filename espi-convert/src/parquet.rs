//! One Parquet row per interval reading, streaming in row groups (feature `parquet`).
//!
//! [`write_parquet`] reads the document as [`write_csv`](crate::csv::write_csv) does
//! (the same rows, the same held blocks, the same [`ConvertReport`]) and writes each
//! [`CsvRow`] with typed columns:
//!
//! | column | Arrow type | what |
//! |---|---|---|
//! | `usage_point`, `meter_reading` | Utf8 | the `self` hrefs (as in the CSV) |
//! | `linked` | Boolean | whether the linked tree placed the block |
//! | `service_kind` | Utf8 | "electricity", "gas"… |
//! | `start_utc` | Timestamp(Second, "UTC") | the instant the reading starts |
//! | `start_local` | Timestamp(Second, none) | the same start on the usage point's wall clock |
//! | `local_offset_s` | Int32 | `start_local − start_utc` in seconds (−18000 for EST) |
//! | `local_clock` | Utf8 | "local", or "standard" when the DST rules do not decode |
//! | `duration_s` | UInt32 | the reading's duration |
//! | `raw_value` | Int64 | `value` as the wire has it |
//! | `power_of_ten` | Int16 | the ReadingType's `powerOfTenMultiplier` |
//! | `scaled_value` | Decimal128(38, [`ParquetOptions::value_scale`]) | `raw_value × 10^power_of_ten`, exact |
//! | `unit` | Utf8 | the unit `scaled_value` is in ("Wh", "m³") |
//! | `cost` | Decimal128(38, 5) | the cost in the currency (the wire's 1/100 000, exact) |
//! | `currency`, `quality`, `flow_direction` | Utf8 | by their schema names ("USD", "valid", "forward") |
//!
//! A value that is not known is null (an empty href or label too).
//!
//! **The scale of `scaled_value`** is one per file, [`ParquetOptions::value_scale`]:
//! 12 by default, the finest multiplier NAESB REQ.21's `UnitMultiplierKind` lists (pico,
//! 10⁻¹²), so that every value of a schema-valid file is exact; precision 38 then leaves
//! 26 digits before the point, enough for any Int48 value times up to 10¹¹. A value that
//! needs more decimals than the scale, or more digits than 38, is an error
//! ([`ConvertError::ValueDoesNotFit`]), never rounded. A smaller scale reads more
//! easily (3 for Wh and m³ from kWh and litres) and fails loudly on a file that needs
//! more. `cost` always has scale 5: the wire's unit is 1/100 000 of the currency.
//!
//! **Memory** is bounded by [`ParquetOptions::row_group_rows`]: rows are appended to
//! Arrow arrays of at most [`BATCH_ROWS`] rows, handed to the Parquet writer, which
//! encodes them into the open row group and writes it out when it holds
//! `row_group_rows` rows. Blocks that come before their MeterReading are held as the
//! CSV holds them ([`ParquetOptions::max_pending_readings`]).
//!
//! **No compression codec** is built: pages are dictionary- and RLE-encoded (the hrefs,
//! units and labels repeat), not compressed. Building the codecs' crates (zstd's C
//! library among them) would cost more than the conversion needs; a reader that wants
//! smaller files can recompress.
//!
//! The file's key-value metadata carries the [`ConvertReport`]'s counts and messages
//! (`espi:rows`, `espi:unlinked_rows`, `espi:standard_time_rows`, `espi:problems`,
//! `espi:warnings`), so a partial result says so in the file itself.

use crate::csv::{CsvRow, LocalClock};
use crate::stream::{self, RowSink};
use crate::{ConvertError, ConvertReport, MAX_PENDING_READINGS};
use ::parquet::arrow::ArrowWriter;
use ::parquet::file::metadata::KeyValue;
use ::parquet::file::properties::WriterProperties;
use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Int16Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampSecondBuilder, UInt32Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use rust_decimal::Decimal;
use std::io::{BufRead, Write};
use std::sync::Arc;

/// The most rows appended to Arrow arrays before they go to the Parquet writer.
pub const BATCH_ROWS: usize = 8192;

/// The precision of the decimal columns: the most Decimal128 holds.
const PRECISION: u8 = 38;

/// The scale of `cost`: the wire's cost is in 1/100 000 of the currency.
const COST_SCALE: i8 = 5;

/// How [`write_parquet`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParquetOptions {
    /// Rows per row group (131 072 by default; 0 is taken as 1). Memory grows with it.
    pub row_group_rows: usize,
    /// Digits after the point of `scaled_value` (12 by default; at most 38): see the
    /// [module documentation](self).
    pub value_scale: i8,
    /// Readings held in blocks that arrive before their MeterReading or ReadingType
    /// ([`MAX_PENDING_READINGS`] by default).
    pub max_pending_readings: usize,
}

impl Default for ParquetOptions {
    fn default() -> Self {
        ParquetOptions {
            row_group_rows: 131_072,
            value_scale: 12,
            max_pending_readings: MAX_PENDING_READINGS,
        }
    }
}

impl ParquetOptions {
    /// These options with `rows` rows per row group.
    pub fn with_row_group_rows(mut self, rows: usize) -> Self {
        self.row_group_rows = rows;
        self
    }

    /// These options with `scale` digits after the point in `scaled_value`.
    pub fn with_value_scale(mut self, scale: i8) -> Self {
        self.value_scale = scale;
        self
    }
}

/// The Arrow schema [`write_parquet`] writes, for `value_scale` digits after the point
/// of `scaled_value`.
pub fn parquet_schema(value_scale: i8) -> SchemaRef {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    Arc::new(Schema::new(vec![
        text("usage_point"),
        text("meter_reading"),
        Field::new("linked", DataType::Boolean, false),
        text("service_kind"),
        Field::new(
            "start_utc",
            DataType::Timestamp(TimeUnit::Second, Some("UTC".into())),
            true,
        ),
        Field::new(
            "start_local",
            DataType::Timestamp(TimeUnit::Second, None),
            true,
        ),
        Field::new("local_offset_s", DataType::Int32, true),
        text("local_clock"),
        Field::new("duration_s", DataType::UInt32, true),
        Field::new("raw_value", DataType::Int64, true),
        Field::new("power_of_ten", DataType::Int16, true),
        Field::new(
            "scaled_value",
            DataType::Decimal128(PRECISION, value_scale),
            true,
        ),
        text("unit"),
        Field::new("cost", DataType::Decimal128(PRECISION, COST_SCALE), true),
        text("currency"),
        text("quality"),
        text("flow_direction"),
    ]))
}

/// Writes one Parquet row per interval reading, streaming entry by entry in row groups,
/// and returns what else it found (the same report as
/// [`write_csv`](crate::csv::write_csv)).
///
/// The reader `options` choose strict or lenient reading and the reader's limits;
/// `parquet` the row groups and the scale of `scaled_value`. On error the output is
/// incomplete (no footer) and should be discarded.
///
/// ```
/// use espi_convert::parquet::{ParquetOptions, write_parquet};
///
/// let mut xml = Vec::new();
/// let stats = espi_xml::synthetic::write_feed(&mut xml, 100_000, false)?;
/// let mut out = Vec::new();
/// let options = ParquetOptions::default().with_row_group_rows(200);
/// let report = write_parquet(&xml[..], &mut out, Default::default(), &options)?;
/// assert_eq!(report.rows, stats.readings);
///
/// // Read back with the parquet crate.
/// use parquet::file::reader::{FileReader, SerializedFileReader};
/// let file = SerializedFileReader::new(bytes::Bytes::from(out))?;
/// let metadata = file.metadata();
/// assert_eq!(metadata.file_metadata().num_rows() as u64, stats.readings);
/// assert_eq!(metadata.num_row_groups() as u64, stats.readings.div_ceil(200));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_parquet<R: BufRead, W: Write + Send>(
    input: R,
    output: W,
    options: espi_xml::ReaderOptions,
    parquet: &ParquetOptions,
) -> Result<ConvertReport, ConvertError> {
    let row_group_rows = parquet.row_group_rows.max(1);
    let schema = parquet_schema(parquet.value_scale);
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(row_group_rows))
        .set_max_row_group_bytes(None)
        .set_created_by(concat!("espi-convert ", env!("CARGO_PKG_VERSION")).to_owned())
        .build();
    let writer = ArrowWriter::try_new(output, schema.clone(), Some(properties))?;
    let mut sink = ParquetSink {
        columns: Columns::new(parquet.value_scale, BATCH_ROWS.min(row_group_rows))?,
        batch_rows: BATCH_ROWS.min(row_group_rows),
        schema,
        writer,
        value_scale: parquet.value_scale,
        rows: 0,
    };
    let report = stream::convert(input, options, parquet.max_pending_readings, &mut sink)?;
    sink.write_batch()?;
    let mut writer = sink.writer;
    for (key, value) in report_metadata(&report) {
        writer.append_key_value_metadata(KeyValue::new(key.to_owned(), value));
    }
    writer.close()?;
    Ok(report)
}

/// The report as the file's key-value metadata.
fn report_metadata(report: &ConvertReport) -> [(&'static str, String); 5] {
    let list = |items: &[String]| serde_json::Value::from(items.to_vec()).to_string();
    [
        ("espi:rows", report.rows.to_string()),
        ("espi:unlinked_rows", report.unlinked_rows.to_string()),
        (
            "espi:standard_time_rows",
            report.standard_time_rows.to_string(),
        ),
        ("espi:problems", list(&report.problems)),
        ("espi:warnings", list(&report.warnings)),
    ]
}

struct ParquetSink<W: Write + Send> {
    columns: Columns,
    batch_rows: usize,
    schema: SchemaRef,
    writer: ArrowWriter<W>,
    value_scale: i8,
    /// Rows taken so far, for errors.
    rows: u64,
}

impl<W: Write + Send> RowSink for ParquetSink<W> {
    fn row(&mut self, row: &CsvRow<'_>) -> Result<(), ConvertError> {
        self.rows += 1;
        let number = self.rows;
        let decimal = |column: &'static str, value: Option<Decimal>, scale: i8| {
            value
                .map(|value| {
                    mantissa_at(value, scale).ok_or_else(|| ConvertError::ValueDoesNotFit {
                        row: number,
                        column,
                        value,
                        precision: PRECISION,
                        scale,
                        meter_reading: row.meter_reading.to_owned(),
                    })
                })
                .transpose()
        };
        let scaled_value = decimal("scaled_value", row.scaled_value, self.value_scale)?;
        let cost = decimal("cost", row.cost, COST_SCALE)?;
        self.columns.push(row, scaled_value, cost);
        if self.columns.len >= self.batch_rows {
            self.write_batch()?;
        }
        Ok(())
    }
}

impl<W: Write + Send> ParquetSink<W> {
    /// Hands the rows appended so far to the Parquet writer, which starts a new row
    /// group when the open one is full.
    fn write_batch(&mut self) -> Result<(), ConvertError> {
        if self.columns.len == 0 {
            return Ok(());
        }
        let batch = RecordBatch::try_new(self.schema.clone(), self.columns.finish())
            .map_err(::parquet::errors::ParquetError::from)?;
        self.writer.write(&batch)?;
        Ok(())
    }
}

/// `value` as the integer of a decimal with `scale` digits after the point and at most
/// [`PRECISION`] digits, or `None` when that would round or overflow.
fn mantissa_at(value: Decimal, scale: i8) -> Option<i128> {
    let mantissa = value.mantissa();
    let shift = i64::from(scale) - i64::from(value.scale());
    let mantissa = match u32::try_from(shift) {
        Ok(shift) => mantissa.checked_mul(10i128.checked_pow(shift)?)?,
        Err(_) => match 10i128.checked_pow(u32::try_from(-shift).ok()?) {
            Some(divisor) => (mantissa % divisor == 0).then(|| mantissa / divisor)?,
            None => (mantissa == 0).then_some(0)?,
        },
    };
    (mantissa.unsigned_abs() < 10u128.pow(u32::from(PRECISION))).then_some(mantissa)
}

/// The Arrow arrays being filled, one per column of [`parquet_schema`].
struct Columns {
    usage_point: StringBuilder,
    meter_reading: StringBuilder,
    linked: BooleanBuilder,
    service_kind: StringBuilder,
    start_utc: TimestampSecondBuilder,
    start_local: TimestampSecondBuilder,
    local_offset_s: Int32Builder,
    local_clock: StringBuilder,
    duration_s: UInt32Builder,
    raw_value: Int64Builder,
    power_of_ten: Int16Builder,
    scaled_value: Decimal128Builder,
    unit: StringBuilder,
    cost: Decimal128Builder,
    currency: StringBuilder,
    quality: StringBuilder,
    flow_direction: StringBuilder,
    len: usize,
}

impl Columns {
    fn new(value_scale: i8, capacity: usize) -> Result<Self, ConvertError> {
        let text = || StringBuilder::with_capacity(capacity, capacity * 16);
        let decimal = |scale| {
            Decimal128Builder::with_capacity(capacity)
                .with_precision_and_scale(PRECISION, scale)
                .map_err(::parquet::errors::ParquetError::from)
        };
        Ok(Columns {
            usage_point: text(),
            meter_reading: text(),
            linked: BooleanBuilder::with_capacity(capacity),
            service_kind: text(),
            start_utc: TimestampSecondBuilder::with_capacity(capacity).with_timezone("UTC"),
            start_local: TimestampSecondBuilder::with_capacity(capacity),
            local_offset_s: Int32Builder::with_capacity(capacity),
            local_clock: text(),
            duration_s: UInt32Builder::with_capacity(capacity),
            raw_value: Int64Builder::with_capacity(capacity),
            power_of_ten: Int16Builder::with_capacity(capacity),
            scaled_value: decimal(value_scale)?,
            unit: text(),
            cost: decimal(COST_SCALE)?,
            currency: text(),
            quality: text(),
            flow_direction: text(),
            len: 0,
        })
    }

    fn push(&mut self, row: &CsvRow<'_>, scaled_value: Option<i128>, cost: Option<i128>) {
        let text = |builder: &mut StringBuilder, value: &str| {
            builder.append_option((!value.is_empty()).then_some(value));
        };
        text(&mut self.usage_point, row.usage_point);
        text(&mut self.meter_reading, row.meter_reading);
        self.linked.append_value(row.linked);
        text(&mut self.service_kind, row.service_kind);
        self.start_utc
            .append_option(row.start_utc.map(|start| start.timestamp()));
        self.start_local.append_option(
            row.start_local
                .map(|start| start.naive_local().and_utc().timestamp()),
        );
        self.local_offset_s.append_option(
            row.start_local
                .map(|start| start.offset().local_minus_utc()),
        );
        let clock = match row.local_clock {
            LocalClock::None => None,
            clock => Some(clock.name()),
        };
        self.local_clock.append_option(clock);
        self.duration_s.append_option(row.duration_s);
        self.raw_value.append_option(row.raw_value);
        self.power_of_ten.append_option(row.power_of_ten);
        self.scaled_value.append_option(scaled_value);
        text(&mut self.unit, row.unit);
        self.cost.append_option(cost);
        text(&mut self.currency, row.currency);
        self.quality.append_option(row.quality.as_deref());
        text(&mut self.flow_direction, row.flow_direction);
        self.len += 1;
    }

    /// The arrays in schema order; the builders start again empty.
    fn finish(&mut self) -> Vec<ArrayRef> {
        self.len = 0;
        vec![
            Arc::new(self.usage_point.finish()),
            Arc::new(self.meter_reading.finish()),
            Arc::new(self.linked.finish()),
            Arc::new(self.service_kind.finish()),
            Arc::new(self.start_utc.finish()),
            Arc::new(self.start_local.finish()),
            Arc::new(self.local_offset_s.finish()),
            Arc::new(self.local_clock.finish()),
            Arc::new(self.duration_s.finish()),
            Arc::new(self.raw_value.finish()),
            Arc::new(self.power_of_ten.finish()),
            Arc::new(self.scaled_value.finish()),
            Arc::new(self.unit.finish()),
            Arc::new(self.cost.finish()),
            Arc::new(self.currency.finish()),
            Arc::new(self.quality.finish()),
            Arc::new(self.flow_direction.finish()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::mantissa_at;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).expect("a decimal")
    }

    #[test]
    fn a_value_is_moved_to_the_scale_exactly_or_not_at_all() {
        assert_eq!(mantissa_at(d("58.000"), 3), Some(58_000));
        assert_eq!(mantissa_at(d("58.000"), 0), Some(58));
        assert_eq!(mantissa_at(d("0.00001"), 12), Some(10_000_000));
        assert_eq!(mantissa_at(d("-1.5"), 1), Some(-15));
        // Would round.
        assert_eq!(mantissa_at(d("0.00001"), 4), None);
        // 27 digits before the point do not fit 38 with 12 after it.
        let big = Decimal::from_i128_with_scale(10i128.pow(26), 0);
        assert_eq!(mantissa_at(big, 12), None);
        let fits = Decimal::from_i128_with_scale(10i128.pow(26) - 1, 0);
        assert_eq!(
            mantissa_at(fits, 12),
            Some((10i128.pow(26) - 1) * 10i128.pow(12))
        );
        // A negative scale: hundreds.
        assert_eq!(mantissa_at(d("1200"), -2), Some(12));
        assert_eq!(mantissa_at(d("1250"), -2), None);
    }
}
