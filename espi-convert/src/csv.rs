//! One CSV row per interval reading, streaming: [`write_csv`] writes a [`CsvRow`] as each
//! IntervalBlock entry goes by, in the bytes the csv crate's serde support writes for it
//! (`csv::Writer::serialize` gives the same rows). The struct's fields are the columns,
//! in order, and their names the header ([`csv_header`]).
//!
//! `scaled_value` is `raw_value × 10^power_of_ten` and `unit` is the unit it is in (the
//! ReadingType's `uom`: 58.000 m³, never "mm³"). `start_local` is on the UsagePoint's
//! clock (`local_clock` "local"); when its DST rules do not decode it is on standard
//! time (`local_clock` "standard", the `tzOffset` alone, with a warning in
//! [`ConvertReport::warnings`]); without LocalTimeParameters it is empty (a warning too).

use crate::csv_text::{self, LOCAL_FORMAT, Stamp, UTC_FORMAT};
use crate::linker::{BlockContext, label};
use crate::stream::{self, RowSink};
use crate::{ConvertError, ConvertReport};
use chrono::{DateTime, FixedOffset, Utc};
use espi_model::reading::FlatReading;
use espi_xml::ReaderOptions;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::io::{BufRead, Write};

/// One row: one interval reading, with what its block's context says about it. A
/// value that is not known is an empty field.
#[derive(Debug, Default, Clone, Serialize)]
#[non_exhaustive]
pub struct CsvRow<'a> {
    /// The UsagePoint's `self` href (empty when the block's is not known).
    pub usage_point: &'a str,
    /// The MeterReading's `self` href; for a block of no known MeterReading, its `up`.
    pub meter_reading: &'a str,
    /// Whether the linked tree placed the block (false: written from what its links tell).
    pub linked: bool,
    /// The UsagePoint's service kind, by its schema name ("electricity").
    pub service_kind: &'a str,
    /// The start, written `2020-01-01T06:00:00Z`.
    #[serde(serialize_with = "utc")]
    pub start_utc: Option<DateTime<Utc>>,
    /// The start on the usage point's clock, written `2020-01-01T00:00:00-06:00`.
    #[serde(serialize_with = "local")]
    pub start_local: Option<DateTime<FixedOffset>>,
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
    pub unit: &'a str,
    /// `cost` in the currency (the wire's 1/100 000 units scaled).
    pub cost: Option<Decimal>,
    /// The ReadingType's currency, its ISO 4217 code ("USD") or the number.
    pub currency: &'a str,
    /// The reading's quality, by its schema name (its number when the schema has none).
    pub quality: Option<Cow<'static, str>>,
    /// The ReadingType's flow direction, by its schema name ("forward").
    pub flow_direction: &'a str,
}

/// The clock of a row's `start_local`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
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

impl LocalClock {
    /// The name the CSV writes: "local", "standard" or "" for none.
    pub fn name(self) -> &'static str {
        match self {
            LocalClock::Local => "local",
            LocalClock::Standard => "standard",
            LocalClock::None => "",
        }
    }
}

/// Writes one CSV row per interval reading, streaming entry by entry, and returns what
/// else it found.
///
/// The header comes first, even for a document without readings. IntervalBlock entries
/// whose MeterReading (and its ReadingType) came earlier are written at once. A block
/// that comes first is held until they arrive, up to `max_pending_readings` readings in
/// all ([`ConvertError::TooManyPending`] beyond; [`MAX_PENDING_READINGS`] is a good
/// bound); blocks still unplaced at the end are written if a MeterReading claims them
/// then, and otherwise written with `linked` false and what their links tell, and
/// named in [`ConvertReport::problems`]. The reader `options` choose strict or lenient
/// reading and the reader's limits.
///
/// [`MAX_PENDING_READINGS`]: crate::MAX_PENDING_READINGS
///
/// ```
/// use espi_convert::csv::write_csv;
///
/// let xml = br#"<entry xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id>
///   <link rel="up" href="/UsagePoint/1/MeterReading/1/IntervalBlock"/>
///   <content><IntervalBlock xmlns="http://naesb.org/espi">
///     <IntervalReading><timePeriod><duration>900</duration><start>1700000000</start>
///     </timePeriod><value>250</value></IntervalReading>
///   </IntervalBlock></content></entry>"#;
/// let mut out = Vec::new();
/// let report = write_csv(&xml[..], &mut out, Default::default(), 1000)?;
/// // No MeterReading places the block: its reading is written, unlinked, and named.
/// assert_eq!((report.rows, report.unlinked_rows, report.problems.len()), (1, 1, 1));
/// let csv = String::from_utf8(out)?;
/// assert!(csv.lines().nth(1).unwrap().contains(",false,,2023-11-14T22:13:20Z,,,900,250,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_csv<R: BufRead, W: Write>(
    input: R,
    output: W,
    options: ReaderOptions,
    max_pending_readings: usize,
) -> Result<ConvertReport, ConvertError> {
    let mut sink = CsvSink {
        out: Vec::with_capacity(FLUSH_BYTES + 1024),
        output,
    };
    csv_text::write_header(&mut sink.out, csv_header()?.iter());
    let report = stream::convert(input, options, max_pending_readings, &mut sink)?;
    sink.output.write_all(&sink.out)?;
    sink.output.flush()?;
    Ok(report)
}

/// The CSV header: the field names of [`CsvRow`], as the csv crate writes them ahead of
/// the first row it serializes.
pub fn csv_header() -> Result<::csv::StringRecord, ConvertError> {
    let mut scratch = ::csv::Writer::from_writer(Vec::new());
    scratch.serialize(CsvRow::default())?;
    let bytes = scratch
        .into_inner()
        .map_err(|error| ConvertError::Write(error.into_error()))?;
    Ok(::csv::Reader::from_reader(bytes.as_slice())
        .headers()?
        .clone())
}

/// Rows are written into `out` ([`csv_text::write_row`]: the bytes serde would write,
/// without its per-field cost) and handed to `output` in chunks of about this size.
const FLUSH_BYTES: usize = 64 * 1024;

struct CsvSink<W: Write> {
    out: Vec<u8>,
    output: W,
}

impl<W: Write> RowSink for CsvSink<W> {
    fn row(&mut self, row: &CsvRow<'_>) -> Result<(), ConvertError> {
        csv_text::write_row(&mut self.out, row);
        if self.out.len() >= FLUSH_BYTES {
            self.output.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }
}

fn utc<S: Serializer>(start: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match start {
        Some(start) => match Stamp::utc(start) {
            Some(stamp) => serializer.serialize_str(stamp.as_str()),
            None => serializer.collect_str(&start.format(UTC_FORMAT)),
        },
        None => serializer.serialize_none(),
    }
}

fn local<S: Serializer>(
    start: &Option<DateTime<FixedOffset>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match start {
        Some(start) => match Stamp::local(start) {
            Some(stamp) => serializer.serialize_str(stamp.as_str()),
            None => serializer.collect_str(&start.format(LOCAL_FORMAT)),
        },
        None => serializer.serialize_none(),
    }
}

impl<'a> CsvRow<'a> {
    /// One reading's row; `unit` is the reading's [`FlatReading::unit`], which the
    /// caller makes once for all the readings of a ReadingType.
    pub(crate) fn of(
        context: &'a BlockContext,
        reading: &FlatReading<'_>,
        (start_local, local_clock): (Option<DateTime<FixedOffset>>, LocalClock),
        unit: &'a str,
    ) -> CsvRow<'a> {
        CsvRow {
            usage_point: &context.usage_point,
            meter_reading: &context.meter_reading,
            linked: reading.linked,
            service_kind: &context.service_kind,
            start_utc: reading.start_utc(),
            start_local,
            local_clock,
            duration_s: reading.duration,
            raw_value: reading.reading.value,
            power_of_ten: reading
                .reading_type
                .map(|reading_type| reading_type.exponent()),
            scaled_value: reading.value(),
            unit,
            cost: reading.cost(),
            currency: &context.currency,
            quality: reading.quality().map(label),
            flow_direction: &context.flow_direction,
        }
    }
}
