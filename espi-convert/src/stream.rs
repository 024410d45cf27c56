//! The streaming pipeline every tabular conversion shares: entries read one at a time,
//! the few UsagePoint, MeterReading, ReadingType and LocalTimeParameters entries kept,
//! each IntervalBlock turned into rows as soon as its context is known and dropped, so
//! memory does not grow with the number of readings.
//!
//! IntervalBlock entries that come before their MeterReading (and its ReadingType) are
//! held until they arrive, up to a bound on their readings. Blocks still unplaced at
//! the end are converted if a MeterReading claims them then, and otherwise converted
//! with `linked` false and what their links tell, and reported. A block is interpreted
//! with the LocalTimeParameters known when it is converted.

use crate::ConvertError;
use crate::csv::{CsvRow, LocalClock};
use crate::linker::{BLOCK_SLOT, BlockContext, Linker};
use crate::local_clock::OffsetCache;
use espi_model::atom::Entry;
use espi_model::reading::flat_readings;
use espi_model::reading_type::ReadingType;
use espi_model::resource::Resource;
use espi_xml::{Diagnostic, EntryReader, ReaderOptions};
use std::io::BufRead;

/// How many readings a streaming conversion holds by default in blocks that arrived
/// before the MeterReading or ReadingType they belong to: an IntervalReading takes
/// 128 bytes in the model, so about 13 MB.
pub const MAX_PENDING_READINGS: usize = 100_000;

/// What a streaming conversion did besides writing rows: how many, which were not
/// linked or not on the local clock, and why.
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct ConvertReport {
    /// Rows written (one per reading).
    pub rows: u64,
    /// Rows of IntervalBlocks the linked tree could not place (`linked` false).
    pub unlinked_rows: u64,
    /// One message per IntervalBlock entry that could not be placed.
    pub problems: Vec<String>,
    /// Why `start_local` is on standard time or empty, once per usage point.
    pub warnings: Vec<String>,
    /// Rows whose `start_local` is on standard time ([`LocalClock::Standard`]).
    pub standard_time_rows: u64,
    /// The first [`espi_xml::MAX_FACTS_DIAGNOSTICS`] diagnostics of lenient reading.
    pub diagnostics: Vec<Diagnostic>,
    /// How many diagnostics there were in all.
    pub diagnostic_count: u64,
}

/// Where the rows of a streaming conversion go.
pub(crate) trait RowSink {
    /// Takes one row.
    fn row(&mut self, row: &CsvRow<'_>) -> Result<(), ConvertError>;
}

/// Where rows go, and the local offsets their starts were shown at.
struct Rows<'s, S> {
    sink: &'s mut S,
    offsets: OffsetCache,
}

/// Reads `input` entry by entry and hands every interval reading to `sink` as a row.
pub(crate) fn convert<R: BufRead>(
    input: R,
    options: ReaderOptions,
    max_pending_readings: usize,
    sink: &mut impl RowSink,
) -> Result<ConvertReport, ConvertError> {
    let mut linker = Linker::default();
    let mut rows = Rows {
        sink,
        offsets: OffsetCache::default(),
    };
    let mut pending = Pending::default();
    let mut report = ConvertReport::default();
    let mut entries = EntryReader::with_options(input, options);
    let mut number = 0u64;
    while let Some(entry) = entries.next() {
        let entry = entry?;
        number += 1;
        keep_diagnostics(&mut report, entries.take_diagnostics());
        if is_block(&entry) {
            match linker.resolve(&entry, false) {
                Some(context) => {
                    report.block(linker.context_mut(context), entry, &mut rows)?;
                }
                None => pending.push(entry, number, max_pending_readings)?,
            }
        } else if linker.add(&entry) {
            // New links may place blocks that were waiting.
            for block in pending.take() {
                match linker.resolve(&block, false) {
                    Some(context) => {
                        report.block(linker.context_mut(context), block, &mut rows)?;
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
                report.block(linker.context_mut(context), block, &mut rows)?;
            }
            None => {
                let mut context = linker.unplaced_context(&block);
                report.unplaced(&block);
                report.unlinked_rows += report.block(&mut context, block, &mut rows)?;
            }
        }
    }
    report.warnings = linker.warnings;
    Ok(report)
}

fn keep_diagnostics(report: &mut ConvertReport, new: Vec<Diagnostic>) {
    report.diagnostic_count += new.len() as u64;
    let room = espi_xml::MAX_FACTS_DIAGNOSTICS.saturating_sub(report.diagnostics.len());
    report.diagnostics.extend(new.into_iter().take(room));
}

impl ConvertReport {
    /// Hands the rows of one block entry to `sink`; the entry is dropped afterwards.
    /// Returns how many rows.
    fn block(
        &mut self,
        context: &mut BlockContext,
        block: Entry,
        rows: &mut Rows<'_, impl RowSink>,
    ) -> Result<u64, ConvertError> {
        context.entries[BLOCK_SLOT] = block;
        let mut written = 0;
        // The unit of the readings of one ReadingType, made once (a String each).
        let mut unit: Option<(Option<&ReadingType>, String)> = None;
        for reading in flat_readings(&context.entries, &context.tree) {
            let unit = match &mut unit {
                Some((reading_type, unit)) if same(*reading_type, reading.reading_type) => unit,
                slot => &slot.insert((reading.reading_type, reading.unit())).1,
            };
            let row = CsvRow::of(context, &reading, rows.offsets.start(&reading), unit);
            rows.sink.row(&row)?;
            written += 1;
            if row.local_clock == LocalClock::Standard {
                self.standard_time_rows += 1;
            }
        }
        self.rows += written;
        context.entries[BLOCK_SLOT] = Entry::default();
        Ok(written)
    }

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

/// Whether two readings have the very same ReadingType (not merely an equal one).
fn same(a: Option<&ReadingType>, b: Option<&ReadingType>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        (None, None) => true,
        _ => false,
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
