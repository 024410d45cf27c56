//! The conversions of the `convert` example, as a module so that `tests/convert.rs`
//! can run them on every conformance sample (and `pull --export` can write CSV).
//!
//! - [`write_csv`] streams: one row per linked interval reading, written as the
//!   IntervalBlock entries go by. It keeps the (few) UsagePoint, MeterReading,
//!   ReadingType and LocalTimeParameters entries, never the blocks, so memory does
//!   not grow with the number of readings.
//! - [`json::write_json`] reads the whole document (it needs every entry to nest them) and
//!   writes the linked usage tree with serde; memory grows with the file.
//!
//! Rows are the model's flat view ([`espi_model::reading::flat_readings`]) of each
//! block in the linked tree ([`espi_model::link`]), so a row's start, duration,
//! scaled value and cost are exactly what the model derives for the whole document.
//! Blocks the tree cannot place are written too, after the others, with `linked`
//! false and what their links still tell ([`espi_model::link::UnplacedBlocks`]); each
//! is named in [`CsvReport::problems`].
//!
//! `scaled_value` is `raw_value × 10^power_of_ten` and `unit` is the unit it is in (the
//! ReadingType's `uom`: 58.000 m³, never "mm³"). `start_local` is on the UsagePoint's
//! clock (`local_clock` "local"); when its DST rules do not decode it is on standard
//! time (`local_clock` "standard", the `tzOffset` alone, with a warning in
//! [`CsvReport::warnings`]); without LocalTimeParameters it is empty (a warning too).
//!
//! This file streams the entries and holds the blocks that wait; `linker` finds each
//! block's context, `row` writes the rows ([`row::CsvRow`], whose fields are the columns),
//! `json` the linked tree.

pub mod json;
mod linker;
pub mod row;

use espi_model::atom::Entry;
use espi_model::resource::Resource;
use espi_xml::{Diagnostic, EntryReader, ReaderOptions};
use linker::Linker;
use row::RowWriter;
use std::fmt;
use std::io::{BufRead, Write};

/// How many readings [`write_csv`] holds by default in blocks that arrived before the
/// MeterReading or ReadingType they belong to: an IntervalReading takes 128 bytes
/// in the model, so about 13 MB.
pub const MAX_PENDING_READINGS: usize = 100_000;

/// Why a conversion failed.
#[derive(Debug)]
pub enum ConvertError {
    /// The input could not be read (the message carries line and column).
    Read(espi_xml::Error),
    /// The output could not be written.
    Write(String),
    /// Too many readings arrived before their MeterReading or ReadingType.
    TooManyPending {
        /// The 1-based number of the entry that went over the bound.
        entry: u64,
        /// The bound.
        limit: usize,
    },
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConvertError::Read(error) => write!(f, "{error}"),
            ConvertError::Write(message) => write!(f, "cannot write: {message}"),
            ConvertError::TooManyPending { entry, limit } => write!(
                f,
                "entry {entry}: more than {limit} readings arrived before the MeterReading or \
                 ReadingType they belong to; streaming needs those first (--to json reads the whole file)"
            ),
        }
    }
}

impl std::error::Error for ConvertError {}

impl From<espi_xml::Error> for ConvertError {
    fn from(error: espi_xml::Error) -> Self {
        ConvertError::Read(error)
    }
}

impl From<csv::Error> for ConvertError {
    fn from(error: csv::Error) -> Self {
        ConvertError::Write(error.to_string())
    }
}

impl From<std::io::Error> for ConvertError {
    fn from(error: std::io::Error) -> Self {
        ConvertError::Write(error.to_string())
    }
}

/// What [`write_csv`] did besides writing rows.
#[derive(Debug, Default)]
pub struct CsvReport {
    /// Rows written (one per reading).
    pub rows: u64,
    /// Rows of IntervalBlocks the linked tree could not place (`linked` false).
    pub unlinked_rows: u64,
    /// One message per IntervalBlock entry that could not be placed.
    pub problems: Vec<String>,
    /// Why `start_local` is on standard time or empty, once per usage point.
    pub warnings: Vec<String>,
    /// Rows whose `start_local` is on standard time (`local_clock` "standard").
    pub standard_time_rows: u64,
    /// The first [`espi_xml::MAX_FACTS_DIAGNOSTICS`] diagnostics of lenient reading.
    pub diagnostics: Vec<Diagnostic>,
    /// How many diagnostics there were in all.
    pub diagnostic_count: u64,
}

/// Writes one CSV row per interval reading, streaming entry by entry.
///
/// IntervalBlock entries whose MeterReading (and its ReadingType) came earlier are
/// written at once. A block that comes first is held until they arrive, up to
/// `max_pending_readings` readings in all (an error beyond); blocks still unplaced at
/// the end are written if a MeterReading claims them then, and otherwise written with
/// `linked` false and what their links tell, and reported.
/// A block is interpreted with the LocalTimeParameters known when it is written.
pub fn write_csv<R: BufRead, W: Write>(
    input: R,
    output: W,
    options: ReaderOptions,
    max_pending_readings: usize,
) -> Result<CsvReport, ConvertError> {
    let mut rows = RowWriter::new(output)?;
    let mut linker = Linker::default();
    let mut pending = Pending::default();
    let mut report = CsvReport::default();
    let mut entries = EntryReader::with_options(input, options);
    let mut number = 0u64;
    while let Some(entry) = entries.next() {
        let entry = entry?;
        number += 1;
        keep_diagnostics(&mut report, entries.take_diagnostics());
        if is_block(&entry) {
            match linker.resolve(&entry, false) {
                Some(context) => {
                    rows.write_block(linker.context_mut(context), entry)?;
                }
                None => pending.push(entry, number, max_pending_readings)?,
            }
        } else if linker.add(&entry) {
            // New links may place blocks that were waiting.
            for block in pending.take() {
                match linker.resolve(&block, false) {
                    Some(context) => {
                        rows.write_block(linker.context_mut(context), block)?;
                    }
                    None => pending.push(block, number, max_pending_readings)?,
                }
            }
        }
    }
    keep_diagnostics(&mut report, entries.take_diagnostics());
    for block in pending.take() {
        match linker.resolve(&block, true) {
            Some(context) => {
                rows.write_block(linker.context_mut(context), block)?;
            }
            None => {
                let mut context = linker.unplaced_context(&block);
                report.unplaced(&block);
                report.unlinked_rows += rows.write_block(&mut context, block)?;
            }
        }
    }
    report.rows = rows.rows;
    report.standard_time_rows = rows.standard_time_rows;
    report.warnings = linker.warnings;
    rows.finish()?;
    Ok(report)
}

fn keep_diagnostics(report: &mut CsvReport, new: Vec<Diagnostic>) {
    report.diagnostic_count += new.len() as u64;
    let room = espi_xml::MAX_FACTS_DIAGNOSTICS.saturating_sub(report.diagnostics.len());
    report.diagnostics.extend(new.into_iter().take(room));
}

impl CsvReport {
    fn unplaced(&mut self, block: &Entry) {
        self.problems.push(format!(
            "IntervalBlock {} (up {}) matches no MeterReading related link: its {} readings \
             are written with linked false",
            block.meta.self_href().unwrap_or("-"),
            block.meta.up_href().unwrap_or("-"),
            block_readings(block),
        ));
    }
}

/// An entry whose first resource is an IntervalBlock (as the linker classifies it).
fn is_block(entry: &Entry) -> bool {
    matches!(entry.resource(), Some(Resource::IntervalBlock(_)))
}

fn block_readings(entry: &Entry) -> usize {
    entry
        .content
        .iter()
        .map(|resource| match resource {
            Resource::IntervalBlock(block) => block.interval_reading.len(),
            _ => 0,
        })
        .sum()
}

/// IntervalBlock entries waiting for their MeterReading or ReadingType.
#[derive(Default)]
struct Pending {
    blocks: Vec<Entry>,
    readings: usize,
}

impl Pending {
    fn push(&mut self, block: Entry, entry: u64, limit: usize) -> Result<(), ConvertError> {
        self.readings += block_readings(&block);
        if self.readings > limit {
            return Err(ConvertError::TooManyPending { entry, limit });
        }
        self.blocks.push(block);
        Ok(())
    }

    fn take(&mut self) -> Vec<Entry> {
        self.readings = 0;
        std::mem::take(&mut self.blocks)
    }
}
