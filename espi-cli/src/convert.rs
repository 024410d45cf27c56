//! `espi convert`: a Green Button file as ESPI XML again, CSV, linked JSON or Parquet, with what
//! the conversion found said on the side.

use crate::Error;
use espi_convert::parquet::{ParquetOptions, write_parquet};
use espi_convert::{ConvertReport, MAX_PENDING_READINGS};
use espi_xml::{ReaderOptions, WriteOptions, read_document_with, write_document};
use std::io::{BufRead, Write};

/// What to convert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// ESPI Atom XML again, read through the model and written schema-valid.
    Xml,
    /// One row per interval reading with exact scaled values in their units (streams).
    Csv,
    /// The linked usage tree and what could not be linked (reads the whole file).
    Json,
    /// The CSV's rows with typed columns (timestamps, exact decimals), in row groups.
    Parquet,
}

/// Converts `input` (named `name` in messages) to `format` onto `output` and returns
/// the notes to show beside it: the deviations lenient reading accepted, blocks the
/// links do not place, local times on standard time. `indent` indents XML and JSON.
///
/// ```
/// use espi_cli::convert::{Format, convert};
/// let mut feed = Vec::new();
/// espi_xml::synthetic::write_feed(&mut feed, 20_000, false)?;
/// let mut csv = Vec::new();
/// let notes = convert("feed.xml", &feed[..], &mut csv, Default::default(), Format::Csv, false)?;
/// assert!(notes.is_empty());
/// assert!(String::from_utf8(csv)?.starts_with("usage_point,meter_reading,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Read`] when the input is not ESPI Atom XML, [`Error::Convert`] when the
/// conversion cannot go on, [`Error::Write`] when `output` fails.
pub fn convert(
    name: &str,
    input: impl BufRead,
    mut output: impl Write + Send,
    reader: ReaderOptions,
    format: Format,
    indent: bool,
) -> Result<Vec<String>, Error> {
    let converting = |source| Error::Convert {
        name: name.to_owned(),
        source,
    };
    let notes = match format {
        Format::Xml => {
            let parsed = read_document_with(input, reader).map_err(|source| Error::Read {
                name: name.to_owned(),
                source,
            })?;
            write_document(
                &parsed.document,
                &mut output,
                WriteOptions::with_indent(indent),
            )
            .map_err(Error::Write)?;
            parsed
                .diagnostics
                .iter()
                .map(|diagnostic| format!("{name}: {diagnostic}"))
                .collect()
        }
        Format::Csv => {
            let report =
                espi_convert::csv::write_csv(input, &mut output, reader, MAX_PENDING_READINGS)
                    .map_err(converting)?;
            report_notes(name, &report)
        }
        Format::Parquet => {
            let options = ParquetOptions::default();
            let report = write_parquet(input, &mut output, reader, &options).map_err(converting)?;
            report_notes(name, &report)
        }
        Format::Json => {
            espi_convert::json::write_json(input, &mut output, reader, indent)
                .map_err(converting)?;
            Vec::new()
        }
    };
    output.flush().map_err(Error::Write)?;
    Ok(notes)
}

/// What a streaming conversion found, one message per line.
pub(crate) fn report_notes(name: &str, report: &ConvertReport) -> Vec<String> {
    let mut notes: Vec<String> = report
        .diagnostics
        .iter()
        .map(|diagnostic| format!("{name}: {diagnostic}"))
        .collect();
    let shown = report.diagnostics.len() as u64;
    if report.diagnostic_count > shown {
        let more = report.diagnostic_count - shown;
        notes.push(format!("{name}: … and {more} more diagnostics"));
    }
    for problem in &report.problems {
        notes.push(format!("{name}: not linked: {problem}"));
    }
    if report.unlinked_rows > 0 {
        notes.push(format!(
            "{name}: {} of {} rows are of IntervalBlocks the links do not place (linked false)",
            report.unlinked_rows, report.rows
        ));
    }
    for warning in &report.warnings {
        notes.push(format!("{name}: warning: {warning}"));
    }
    notes
}
