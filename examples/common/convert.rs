//! The conversions of the `convert` example, as a module so that `tests/convert.rs`
//! can run them on every conformance sample.
//!
//! - [`write_csv`] streams: one row per linked interval reading, written as the
//!   IntervalBlock entries go by. It keeps the (few) UsagePoint, MeterReading,
//!   ReadingType and LocalTimeParameters entries, never the blocks, so memory does
//!   not grow with the number of readings.
//! - [`write_json`] reads the whole document (it needs every entry to nest them) and
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

use espi_model::atom::{Document, Entry, Metadata};
use espi_model::code_list::CodeList;
use espi_model::link::{
    LinkNode, MeterReadingLinks, UnplacedBlocks, UsagePointLinks, UsageTree, link, normalize_href,
};
use espi_model::reading::{FlatReading, flat_readings};
use espi_model::resource::{Resource, ResourceKind};
use espi_xml::{Diagnostic, EntryReader, ReaderOptions, read_document_with};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, Write};

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 16] = [
    "usage_point",
    "meter_reading",
    "linked",
    "service_kind",
    "start_utc",
    "start_local",
    "local_clock",
    "duration_s",
    "raw_value",
    "power_of_ten",
    "scaled_value",
    "unit",
    "cost",
    "currency",
    "quality",
    "flow_direction",
];

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

/// What one IntervalBlock needs to become rows: its UsagePoint's and MeterReading's
/// labels, and a three-entry document (LocalTimeParameters, ReadingType, the block)
/// with a one-branch tree, so that the model's flat view interprets the block exactly
/// as it would in the whole document.
struct BlockContext {
    usage_point: String,
    /// The MeterReading's `self`; for a block of no known MeterReading, its `up`.
    meter_reading: String,
    service_kind: String,
    currency: String,
    flow_direction: String,
    /// Why `start_local` will be on standard time or empty, if it will.
    local_time_warning: Option<String>,
    entries: Vec<Entry>,
    tree: UsageTree,
}

/// Where a block's context entries are, as indices into the kept entries.
struct Placement {
    usage_point: Option<usize>,
    meter_reading: Option<usize>,
    reading_type: Option<usize>,
    local_time_parameters: Option<usize>,
    linked: bool,
}

/// The slots of [`BlockContext::entries`].
const LOCAL_TIME_SLOT: usize = 0;
const READING_TYPE_SLOT: usize = 1;
const BLOCK_SLOT: usize = 2;

/// The usage entries seen so far and the contexts resolved from them.
#[derive(Default)]
struct Linker {
    /// Link nodes of the kept entries, plus room for one probe at the end.
    nodes: Vec<LinkNode>,
    kept: Vec<Entry>,
    /// Resolved contexts by normalised `up` href; cleared when an entry is added,
    /// because a new MeterReading, ReadingType or LocalTimeParameters can change them.
    by_up: HashMap<String, usize>,
    contexts: Vec<BlockContext>,
    /// The local time warnings of the contexts made so far, each once.
    warnings: Vec<String>,
}

impl Linker {
    /// Keeps an entry that linking needs; true when it was one.
    fn add(&mut self, entry: &Entry) -> bool {
        let kind = entry
            .resource()
            .map_or(ResourceKind::Unknown, |resource| resource.kind());
        let needed = matches!(
            kind,
            ResourceKind::UsagePoint
                | ResourceKind::MeterReading
                | ResourceKind::ReadingType
                | ResourceKind::LocalTimeParameters
        );
        if needed {
            self.nodes.push(LinkNode::from_entry(entry));
            self.kept.push(entry.clone());
            self.by_up.clear();
            self.contexts.clear();
        }
        needed
    }

    fn context_mut(&mut self, index: usize) -> &mut BlockContext {
        &mut self.contexts[index]
    }

    /// The context of a block: its MeterReading must be linked and, unless `last`
    /// (the end of the input, when nothing more can arrive), have its ReadingType.
    fn resolve(&mut self, block: &Entry, last: bool) -> Option<usize> {
        let up = normalize_href(block.meta.up_href().unwrap_or_default());
        if let Some(&index) = self.by_up.get(up) {
            return Some(index);
        }
        let (point, reading) = self.place(block)?;
        if reading.reading_type.is_none() && !last {
            return None;
        }
        let context = self.context(
            &Placement {
                usage_point: Some(point.entry),
                meter_reading: Some(reading.entry),
                reading_type: reading.reading_type,
                local_time_parameters: point.local_time_parameters,
                linked: true,
            },
            block,
        );
        self.note(&context);
        self.contexts.push(context);
        let index = self.contexts.len() - 1;
        self.by_up.insert(up.to_owned(), index);
        Some(index)
    }

    fn note(&mut self, context: &BlockContext) {
        if let Some(warning) = &context.local_time_warning
            && !self.warnings.contains(warning)
        {
            self.warnings.push(warning.clone());
        }
    }

    /// Links the kept entries with the block as a probe, and finds where it went.
    fn place(&mut self, block: &Entry) -> Option<(UsagePointLinks, MeterReadingLinks)> {
        let (tree, probe) = self.link_probe(block);
        tree.usage_points.into_iter().find_map(|point| {
            let reading = point
                .meter_readings
                .iter()
                .find(|reading| reading.interval_blocks.contains(&probe))?
                .clone();
            Some((point, reading))
        })
    }

    fn link_probe(&mut self, block: &Entry) -> (UsageTree, usize) {
        self.nodes.push(LinkNode::from_entry(block));
        let probe = self.nodes.len() - 1;
        let tree = link(&self.nodes);
        self.nodes.pop();
        (tree, probe)
    }

    /// The context of a block the tree cannot place: what its links still tell.
    fn unplaced_context(&mut self, block: &Entry) -> BlockContext {
        let (tree, probe) = self.link_probe(block);
        let group = tree
            .unplaced
            .into_iter()
            .find(|group| group.interval_blocks.contains(&probe))
            .unwrap_or_default();
        let context = self.context(
            &Placement {
                usage_point: group.usage_point,
                meter_reading: group.meter_reading,
                reading_type: group.reading_type,
                local_time_parameters: group.local_time_parameters,
                linked: false,
            },
            block,
        );
        self.note(&context);
        context
    }

    fn context(&self, placement: &Placement, block: &Entry) -> BlockContext {
        let kept = |index: Option<usize>| index.and_then(|index| self.kept.get(index));
        let local_time = kept(placement.local_time_parameters);
        let reading_type = kept(placement.reading_type);
        let href = |index: Option<usize>| {
            kept(index)
                .and_then(|entry| entry.meta.self_href())
                .map(str::to_owned)
        };
        let usage_point = href(placement.usage_point).unwrap_or_default();
        let meter_reading = match placement.meter_reading {
            Some(index) => href(Some(index)).unwrap_or_default(),
            None => block.meta.up_href().unwrap_or_default().to_owned(),
        };
        let service_kind = match kept(placement.usage_point).and_then(Entry::resource) {
            Some(Resource::UsagePoint(usage_point)) => usage_point.service_kind().map(label),
            _ => None,
        };
        let reading_type_resource = match reading_type.and_then(Entry::resource) {
            Some(Resource::ReadingType(reading_type)) => Some(reading_type),
            _ => None,
        };
        let currency = reading_type_resource
            .and_then(|reading_type| reading_type.currency)
            .map(|currency| {
                currency
                    .alpha_code()
                    .map_or_else(|| currency.code().to_string(), str::to_owned)
            });
        let flow_direction = reading_type_resource
            .and_then(|reading_type| reading_type.flow_direction)
            .map(label);
        let local_time_warning = local_time_warning(&usage_point, &meter_reading, local_time);
        let local_time_slot = local_time.map(|_| LOCAL_TIME_SLOT);
        let reading_type_slot = reading_type.map(|_| READING_TYPE_SLOT);
        // A one-branch tree over the three slots: linked, or one unplaced group.
        let tree = if placement.linked {
            UsageTree {
                usage_points: vec![UsagePointLinks {
                    entry: LOCAL_TIME_SLOT,
                    local_time_parameters: local_time_slot,
                    meter_readings: vec![MeterReadingLinks {
                        entry: READING_TYPE_SLOT,
                        reading_type: reading_type_slot,
                        interval_blocks: vec![BLOCK_SLOT],
                    }],
                    ..UsagePointLinks::default()
                }],
                ..UsageTree::default()
            }
        } else {
            UsageTree {
                unplaced: vec![UnplacedBlocks {
                    reading_type: reading_type_slot,
                    local_time_parameters: local_time_slot,
                    interval_blocks: vec![BLOCK_SLOT],
                    ..UnplacedBlocks::default()
                }],
                ..UsageTree::default()
            }
        };
        BlockContext {
            usage_point,
            meter_reading,
            service_kind: service_kind.unwrap_or_default(),
            currency: currency.unwrap_or_default(),
            flow_direction: flow_direction.unwrap_or_default(),
            local_time_warning,
            entries: vec![
                local_time.cloned().unwrap_or_default(),
                reading_type.cloned().unwrap_or_default(),
                Entry::default(),
            ],
            tree,
        }
    }
}

/// Why the rows of a context will have `start_local` on standard time or empty.
fn local_time_warning(
    usage_point: &str,
    meter_reading: &str,
    local_time: Option<&Entry>,
) -> Option<String> {
    let whose = if usage_point.is_empty() {
        format!("the readings of {meter_reading} (usage point unknown)")
    } else {
        format!("usage point {usage_point}")
    };
    let parameters = match local_time.and_then(Entry::resource) {
        Some(Resource::LocalTimeParameters(parameters)) => parameters,
        _ => {
            return Some(format!(
                "{whose}: no LocalTimeParameters, start_local is left empty (start_utc is the instant)"
            ));
        }
    };
    let href = local_time
        .and_then(|entry| entry.meta.self_href())
        .unwrap_or("-");
    match parameters.rules().map(|rules| rules.validate()) {
        None => Some(format!(
            "{whose}: LocalTimeParameters {href} lack an element, start_local is left empty"
        )),
        Some(Err(error)) => Some(format!(
            "{whose}: LocalTimeParameters {href} cannot be applied ({error}); start_local is \
             on standard time (tzOffset alone, local_clock \"standard\")"
        )),
        Some(Ok(())) => None,
    }
}

/// A code's schema name, or its number for a code the schema does not list.
fn label<C: CodeList>(code: C) -> String
where
    C::Code: fmt::Display,
{
    code.name()
        .map_or_else(|| code.code().to_string(), str::to_owned)
}

/// The CSV writer with its row count.
struct RowWriter<W: Write> {
    csv: csv::Writer<W>,
    rows: u64,
    standard_time_rows: u64,
}

impl<W: Write> RowWriter<W> {
    fn new(output: W) -> Result<Self, ConvertError> {
        let mut csv = csv::Writer::from_writer(output);
        csv.write_record(CSV_HEADER)?;
        Ok(RowWriter {
            csv,
            rows: 0,
            standard_time_rows: 0,
        })
    }

    /// Writes the rows of one block entry, which is dropped afterwards; returns how
    /// many.
    fn write_block(
        &mut self,
        context: &mut BlockContext,
        block: Entry,
    ) -> Result<u64, ConvertError> {
        context.entries[BLOCK_SLOT] = block;
        let mut written = 0;
        for reading in flat_readings(&context.entries, &context.tree) {
            let (record, clock) = row(context, &reading);
            self.csv.write_record(&record)?;
            written += 1;
            if clock == LocalClock::Standard {
                self.standard_time_rows += 1;
            }
        }
        self.rows += written;
        context.entries[BLOCK_SLOT] = Entry::default();
        Ok(written)
    }

    fn finish(mut self) -> Result<(), ConvertError> {
        self.csv.flush()?;
        Ok(())
    }
}

/// The clock of a row's `start_local`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LocalClock {
    /// The LocalTimeParameters in full.
    Local,
    /// Standard time: the DST rules could not be applied.
    Standard,
    /// No local time.
    None,
}

impl LocalClock {
    fn label(self) -> &'static str {
        match self {
            LocalClock::Local => "local",
            LocalClock::Standard => "standard",
            LocalClock::None => "",
        }
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

/// One reading's fields in [`CSV_HEADER`] order, what is unknown left empty, and the
/// clock of its `start_local`.
fn row(context: &BlockContext, reading: &FlatReading<'_>) -> ([String; 16], LocalClock) {
    let text = |value: Option<String>| value.unwrap_or_default();
    let (start_local, clock) = local_start(reading);
    let record = [
        context.usage_point.clone(),
        context.meter_reading.clone(),
        reading.linked.to_string(),
        context.service_kind.clone(),
        text(
            reading
                .start_utc()
                .map(|start| start.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        ),
        text(start_local),
        clock.label().to_owned(),
        text(reading.duration.map(|duration| duration.to_string())),
        text(reading.reading.value.map(|value| value.to_string())),
        text(
            reading
                .reading_type
                .map(|reading_type| reading_type.exponent().to_string()),
        ),
        // Exact: the raw integer with the decimal point moved, never a float.
        text(reading.value().map(|value| value.to_string())),
        reading.unit(),
        text(reading.cost().map(|cost| cost.to_string())),
        context.currency.clone(),
        text(reading.quality().map(label)),
        context.flow_direction.clone(),
    ];
    (record, clock)
}

/// The linked usage tree of a document, for `--to json`: each node carries its whole
/// entry. Entries the tree does not place are kept too (`link_problems` with the
/// message, `unlinked`, `other_entries`), so nothing of the document is dropped.
#[derive(Debug, Serialize)]
pub struct LinkedJson<'a> {
    /// The feed's own metadata, for a feed.
    pub feed: Option<&'a Metadata>,
    /// UsagePoints in document order with what links to them.
    pub usage_points: Vec<UsagePointJson<'a>>,
    /// MeterReadings and IntervalBlocks that could not be placed.
    pub link_problems: Vec<ProblemJson<'a>>,
    /// Other usage entries left outside the tree.
    pub unlinked: Vec<ProblemJson<'a>>,
    /// Entries that are not usage data (customer, administrative, unknown).
    pub other_entries: Vec<&'a Entry>,
    /// A bare resource root (a document that is neither feed nor entry).
    pub resource: Option<&'a Resource>,
    /// What lenient reading reported, with line and column.
    pub diagnostics: Vec<String>,
}

/// A UsagePoint and its linked entries.
#[derive(Debug, Serialize)]
pub struct UsagePointJson<'a> {
    /// The UsagePoint entry.
    pub entry: &'a Entry,
    /// Its LocalTimeParameters entry.
    pub local_time_parameters: Option<&'a Entry>,
    /// Its MeterReadings.
    pub meter_readings: Vec<MeterReadingJson<'a>>,
    /// Its UsageSummary and ElectricPowerUsageSummary entries.
    pub usage_summaries: Vec<&'a Entry>,
    /// Its ElectricPowerQualitySummary entries.
    pub quality_summaries: Vec<&'a Entry>,
}

/// A MeterReading with its ReadingType and IntervalBlocks.
#[derive(Debug, Serialize)]
pub struct MeterReadingJson<'a> {
    /// The MeterReading entry.
    pub entry: &'a Entry,
    /// Its ReadingType entry.
    pub reading_type: Option<&'a Entry>,
    /// Its IntervalBlock entries in document order.
    pub interval_blocks: Vec<&'a Entry>,
}

/// An entry the tree could not place, with why.
#[derive(Debug, Serialize)]
pub struct ProblemJson<'a> {
    /// What did not resolve.
    pub message: &'a str,
    /// The entry.
    pub entry: &'a Entry,
}

/// Reads a whole document, links it and writes the linked tree as JSON (indented when
/// `pretty`). Unlike [`write_csv`] this holds the whole document in memory.
pub fn write_json<R: BufRead, W: Write>(
    input: R,
    mut output: W,
    options: ReaderOptions,
    pretty: bool,
) -> Result<(), ConvertError> {
    let parsed = read_document_with(input, options)?;
    let linked = linked_json(&parsed.document, &parsed.tree, &parsed.diagnostics);
    let written = if pretty {
        serde_json::to_writer_pretty(&mut output, &linked)
    } else {
        serde_json::to_writer(&mut output, &linked)
    };
    written.map_err(|error| ConvertError::Write(error.to_string()))?;
    writeln!(output)?;
    output.flush()?;
    Ok(())
}

/// The linked view of a parsed document.
pub fn linked_json<'a>(
    document: &'a Document,
    tree: &'a UsageTree,
    diagnostics: &[Diagnostic],
) -> LinkedJson<'a> {
    let entries = document.entries();
    let mut placed = vec![false; entries.len()];
    let mut take = |index: usize| {
        if let Some(flag) = placed.get_mut(index) {
            *flag = true;
        }
        entries.get(index)
    };
    let usage_points = tree
        .usage_points
        .iter()
        .filter_map(|point| usage_point_json(point, &mut take))
        .collect();
    let mut problems = |list: &'a [espi_model::link::LinkProblem]| -> Vec<ProblemJson<'a>> {
        list.iter()
            .filter_map(|problem| {
                Some(ProblemJson {
                    message: &problem.message,
                    entry: take(problem.entry)?,
                })
            })
            .collect()
    };
    let link_problems = problems(&tree.problems);
    let unlinked = problems(&tree.unlinked);
    let other_entries = entries
        .iter()
        .zip(&placed)
        .filter(|(_, placed)| !**placed)
        .map(|(entry, _)| entry)
        .collect();
    LinkedJson {
        feed: match document {
            Document::Feed(feed) => Some(&feed.meta),
            _ => None,
        },
        usage_points,
        link_problems,
        unlinked,
        other_entries,
        resource: match document {
            Document::Resource(resource) => Some(resource),
            _ => None,
        },
        diagnostics: diagnostics.iter().map(ToString::to_string).collect(),
    }
}

fn usage_point_json<'a>(
    point: &UsagePointLinks,
    take: &mut impl FnMut(usize) -> Option<&'a Entry>,
) -> Option<UsagePointJson<'a>> {
    let entry = take(point.entry)?;
    let local_time_parameters = point.local_time_parameters.and_then(&mut *take);
    let meter_readings = point
        .meter_readings
        .iter()
        .filter_map(|reading| {
            Some(MeterReadingJson {
                entry: take(reading.entry)?,
                reading_type: reading.reading_type.and_then(&mut *take),
                interval_blocks: reading
                    .interval_blocks
                    .iter()
                    .filter_map(|&index| take(index))
                    .collect(),
            })
        })
        .collect();
    let mut list = |indices: &[usize]| indices.iter().filter_map(|&index| take(index)).collect();
    Some(UsagePointJson {
        entry,
        local_time_parameters,
        meter_readings,
        usage_summaries: list(&point.usage_summaries),
        quality_summaries: list(&point.quality_summaries),
    })
}
