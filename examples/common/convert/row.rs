//! `--to csv`: one row per interval reading, a [`CsvRow`] written with the csv crate's
//! serde support. The struct's fields are the columns, in order, and their names the
//! header.

use super::ConvertError;
use super::linker::{BLOCK_SLOT, BlockContext, label};
use espi_model::atom::Entry;
use espi_model::reading::{FlatReading, flat_readings};
use rust_decimal::Decimal;
use serde::Serialize;
use std::io::Write;

/// One CSV row: one interval reading, with what its block's context says about it.
/// A value that is not known is an empty field.
#[derive(Debug, Default, Serialize)]
pub struct CsvRow<'a> {
    /// The UsagePoint's `self` href (empty when the block's is not known).
    pub usage_point: &'a str,
    /// The MeterReading's `self` href; for a block of no known MeterReading, its `up`.
    pub meter_reading: &'a str,
    /// Whether the linked tree placed the block (false: written from what its links tell).
    pub linked: bool,
    /// The UsagePoint's service kind, by its schema name ("electricity").
    pub service_kind: &'a str,
    /// The start, `2020-01-01T06:00:00Z`.
    pub start_utc: Option<String>,
    /// The start on the usage point's clock, `2020-01-01T00:00:00-06:00`.
    pub start_local: Option<String>,
    /// The clock of `start_local`.
    pub local_clock: LocalClock,
    /// The reading's duration in seconds.
    pub duration_s: Option<u32>,
    /// `value` as the wire has it.
    pub raw_value: Option<i64>,
    /// The ReadingType's `powerOfTenMultiplier`.
    pub power_of_ten: Option<i16>,
    /// `raw_value × 10^power_of_ten`, exact: the raw integer with the decimal point
    /// moved, never a float.
    pub scaled_value: Option<Decimal>,
    /// The unit `scaled_value` is in: the ReadingType's `uom` ("m³", never "mm³").
    pub unit: String,
    /// `cost` in the currency (the wire's 1/100 000 units scaled).
    pub cost: Option<Decimal>,
    /// The ReadingType's currency, its ISO 4217 code ("USD") or the number.
    pub currency: &'a str,
    /// The reading's quality, by its schema name.
    pub quality: Option<String>,
    /// The ReadingType's flow direction, by its schema name ("forward").
    pub flow_direction: &'a str,
}

/// The clock of a row's `start_local`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LocalClock {
    /// The LocalTimeParameters in full.
    Local,
    /// Standard time: the DST rules could not be applied.
    Standard,
    /// No local time (an empty field).
    #[default]
    #[serde(rename = "")]
    None,
}

/// The CSV header: the field names of [`CsvRow`], as the csv crate writes them ahead of
/// the first row it serializes.
pub fn csv_header() -> Result<csv::StringRecord, csv::Error> {
    let mut scratch = csv::Writer::from_writer(Vec::new());
    scratch.serialize(CsvRow::default())?;
    let bytes = scratch
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))?;
    csv::Reader::from_reader(bytes.as_slice())
        .headers()
        .cloned()
}

/// The CSV writer with its row count.
pub(super) struct RowWriter<W: Write> {
    csv: csv::Writer<W>,
    pub(super) rows: u64,
    pub(super) standard_time_rows: u64,
}

impl<W: Write> RowWriter<W> {
    /// Writes the header at once, so that a document without readings still has it.
    pub(super) fn new(output: W) -> Result<Self, ConvertError> {
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(output);
        csv.write_record(&csv_header()?)?;
        Ok(RowWriter {
            csv,
            rows: 0,
            standard_time_rows: 0,
        })
    }

    /// Writes the rows of one block entry, which is dropped afterwards; returns how
    /// many.
    pub(super) fn write_block(
        &mut self,
        context: &mut BlockContext,
        block: Entry,
    ) -> Result<u64, ConvertError> {
        context.entries[BLOCK_SLOT] = block;
        let mut written = 0;
        for reading in flat_readings(&context.entries, &context.tree) {
            let row = row(context, &reading);
            self.csv.serialize(&row)?;
            written += 1;
            if row.local_clock == LocalClock::Standard {
                self.standard_time_rows += 1;
            }
        }
        self.rows += written;
        context.entries[BLOCK_SLOT] = Entry::default();
        Ok(written)
    }

    pub(super) fn finish(mut self) -> Result<(), ConvertError> {
        self.csv.flush()?;
        Ok(())
    }
}

/// A reading's start on its local clock, falling back to standard time when the
/// LocalTimeParameters cannot be applied.
fn local_start(reading: &FlatReading<'_>) -> (Option<String>, LocalClock) {
    let format = |start: chrono::DateTime<chrono::FixedOffset>| {
        start.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    };
    match reading.local_start() {
        Ok(Some(start)) => (Some(format(start)), LocalClock::Local),
        Ok(None) => (None, LocalClock::None),
        Err(_) => match reading.standard_start() {
            Ok(Some(start)) => (Some(format(start)), LocalClock::Standard),
            _ => (None, LocalClock::None),
        },
    }
}

/// One reading's row.
fn row<'a>(context: &'a BlockContext, reading: &FlatReading<'_>) -> CsvRow<'a> {
    let (start_local, local_clock) = local_start(reading);
    CsvRow {
        usage_point: &context.usage_point,
        meter_reading: &context.meter_reading,
        linked: reading.linked,
        service_kind: &context.service_kind,
        start_utc: reading
            .start_utc()
            .map(|start| espi_model::date_time::format_utc(start.timestamp())),
        start_local,
        local_clock,
        duration_s: reading.duration,
        raw_value: reading.reading.value,
        power_of_ten: reading
            .reading_type
            .map(|reading_type| reading_type.exponent()),
        scaled_value: reading.value(),
        unit: reading.unit(),
        cost: reading.cost(),
        currency: &context.currency,
        quality: reading.quality().map(label),
        flow_direction: &context.flow_direction,
    }
}
