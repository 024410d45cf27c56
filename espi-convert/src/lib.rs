//! Green Button (NAESB REQ.21 ESPI) files converted to tables and trees.
//!
//! - [`csv::write_csv`] streams one [`csv::CsvRow`] per interval reading: memory does not
//!   grow with the number of readings.
//! - [`json::write_json`] writes the linked usage tree (every UsagePoint with its
//!   MeterReadings, ReadingTypes, IntervalBlocks and summaries) and what could not be
//!   linked; it reads the whole document first.
//! - [`totals::usage_totals`] adds up usage and cost per meter reading and day or
//!   month on the usage point's local clock.
//! - [`chart::render_svg`] and [`chart::render_png`] (feature `chart`) draw those
//!   totals, one panel per meter reading.
//! - [`parquet::write_parquet`] (feature `parquet`) streams the same rows with typed
//!   columns (timestamps, exact decimals) into Parquet row groups.
//!
//! Rows are the model's flat view ([`espi_model::reading::flat_readings`]) of each
//! IntervalBlock in the linked tree ([`espi_model::link`]), so a row's start, duration,
//! scaled value and cost are exactly what the model derives for the whole document:
//! the scaled value is `value × 10^powerOfTenMultiplier` as an exact decimal in the
//! ReadingType's unit (58.000 m³, never "mm³"), the cost is in the currency (the wire
//! has 1/100 000 of it). Blocks the tree cannot place are converted too, with `linked`
//! false, and named in [`ConvertReport::problems`]: nothing is dropped silently.
//!
//! ```
//! use espi_convert::csv::{csv_header, write_csv};
//! use espi_convert::MAX_PENDING_READINGS;
//!
//! // A synthetic feed: one UsagePoint, 96 readings a day in Wh with a cost in USD.
//! let mut xml = Vec::new();
//! espi_xml::synthetic::write_feed(&mut xml, 50_000, false)?;
//!
//! let mut out = Vec::new();
//! let report = write_csv(&xml[..], &mut out, espi_xml::ReaderOptions::default(), MAX_PENDING_READINGS)?;
//! assert_eq!(report.rows % 96, 0);
//! assert!(report.problems.is_empty() && report.warnings.is_empty());
//!
//! let mut rows = ::csv::Reader::from_reader(&out[..]);
//! assert_eq!(rows.headers()?, &csv_header()?);
//! let first = rows.records().next().unwrap()?;
//! assert_eq!(&first[4], "2020-01-01T06:00:00Z"); // start_utc
//! assert_eq!(&first[5], "2020-01-01T00:00:00-06:00"); // start_local, US Central
//! assert_eq!(&first[11], "Wh"); // unit
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]

#[cfg(feature = "chart")]
pub mod chart;
pub mod csv;
mod csv_text;
mod error;
pub mod json;
mod linker;
mod local_clock;
#[cfg(feature = "parquet")]
pub mod parquet;
mod stream;
pub mod totals;

pub use error::ConvertError;
pub use stream::{ConvertReport, MAX_PENDING_READINGS};

/// The README's example compiles (it is not run: it names files of its own).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
