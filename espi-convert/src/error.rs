//! Why a conversion failed.

/// Why a conversion failed. Nothing is written partially without one of these: the
/// output is then incomplete and should be discarded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The input could not be read: not well-formed XML (with line and column), a
    /// reader limit, or, in strict mode, what the schemas reject.
    #[error("{0}")]
    Read(#[from] espi_xml::Error),
    /// The output could not be written.
    #[error("cannot write: {0}")]
    Write(#[from] std::io::Error),
    /// A CSV row could not be written.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// The JSON could not be written.
    #[error("cannot write JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The Parquet file could not be written.
    #[cfg(feature = "parquet")]
    #[error("cannot write Parquet: {0}")]
    Parquet(#[from] ::parquet::errors::ParquetError),
    /// A decimal value does not fit its Parquet column exactly: it needs more digits
    /// after the point than the column's scale, or more digits in all than its
    /// precision. It is never rounded.
    #[cfg(feature = "parquet")]
    #[error(
        "row {row} (meter reading {meter_reading}): {column} {value} does not fit \
         Decimal128({precision}, {scale}) without rounding"
    )]
    ValueDoesNotFit {
        /// The 1-based number of the row.
        row: u64,
        /// The column.
        column: &'static str,
        /// The value.
        value: rust_decimal::Decimal,
        /// The column's precision.
        precision: u8,
        /// The column's scale.
        scale: i8,
        /// The row's meter reading (its `self` href, or its block's `up`).
        meter_reading: String,
    },
    /// A total of [`usage_totals`](crate::totals::usage_totals) does not fit a decimal
    /// of 96 bits.
    #[error("meter reading {meter_reading}: the total of {period} overflows")]
    TotalOverflow {
        /// The meter reading (its `self` href, or its blocks' `up`).
        meter_reading: String,
        /// The period, as [`Granularity::label`](crate::totals::Granularity::label) writes it.
        period: String,
    },
    /// A chart could not be drawn or encoded, or its size is out of range.
    #[cfg(feature = "chart")]
    #[error("cannot draw the chart: {0}")]
    Chart(String),
    /// Too many readings arrived before their MeterReading or ReadingType.
    #[error(
        "entry {entry}: more than {limit} readings arrived before the MeterReading or \
         ReadingType they belong to; streaming needs those first (the JSON conversion \
         reads the whole file)"
    )]
    TooManyPending {
        /// The 1-based number of the entry that went over the bound.
        entry: u64,
        /// The bound.
        limit: usize,
    },
}
