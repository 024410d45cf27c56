//! The whole document read, linked, and written as the linked usage tree in JSON
//! ([`write_json`]), every node with its whole entry (serde's form of the model).

use crate::ConvertError;
use espi_model::atom::{Document, Entry, Metadata};
use espi_model::link::{LinkProblem, UsagePointLinks, UsageTree};
use espi_model::resource::Resource;
use espi_xml::{Diagnostic, ReaderOptions, read_document_with};
use serde::Serialize;
use std::io::{BufRead, Write};

/// The linked usage tree of a document, as [`write_json`] writes it: each node carries its whole
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

/// Reads a whole document, links it and writes the linked tree ([`LinkedJson`]) as JSON
/// (indented when `pretty`), followed by a newline. Unlike
/// [`write_csv`](crate::csv::write_csv) this holds the whole document in memory.
///
/// ```
/// let mut xml = Vec::new();
/// let stats = espi_xml::synthetic::write_feed(&mut xml, 20_000, false)?;
/// let mut out = Vec::new();
/// espi_convert::json::write_json(&xml[..], &mut out, Default::default(), false)?;
/// let json: serde_json::Value = serde_json::from_slice(&out)?;
/// let point = &json["usage_points"][0];
/// assert!(point["local_time_parameters"].is_object());
/// let blocks = point["meter_readings"][0]["interval_blocks"].as_array().map(Vec::len);
/// assert_eq!(blocks, Some(stats.interval_blocks as usize));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    written.map_err(ConvertError::Json)?;
    writeln!(output)?;
    output.flush()?;
    Ok(())
}

/// The linked view of a parsed document (what [`write_json`] serializes), for a
/// document already read with [`espi_xml::read_document_with`].
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
    let mut problems = |list: &'a [LinkProblem]| -> Vec<ProblemJson<'a>> {
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
