//! Convert a Green Button file to XML, CSV or JSON.
//!
//! ```text
//! cargo run --release --example convert -- --to xml  [--strict] [--indent] FILE [OUT]
//! cargo run --release --example convert -- --to csv  [--strict] FILE [OUT]
//! cargo run --release --example convert -- --to json [--strict] [--indent] FILE [OUT]
//! ```
//!
//! Writes to stdout without OUT. Diagnostics of lenient reading go to stderr, and so
//! does a progress bar for inputs over 16 MiB when stderr is a terminal.
//!
//! - `xml` reads the document through the model and writes it back: the output of a
//!   schema-valid file validates against the ESPI 4.0 schemas and has the same facts.
//! - `csv` writes one row per interval reading: usage point, meter reading, linked,
//!   service kind, start UTC, start local, local clock, duration, raw value, power of
//!   ten, exact scaled value, unit, cost in currency, currency, quality, flow
//!   direction. `scaled_value` is `raw_value × 10^power_of_ten` in `unit`, the
//!   ReadingType's unit of measure (58.000 m³). Readings of IntervalBlocks whose links
//!   do not resolve are written too, last, with `linked` false (their `meter_reading`
//!   is the block's `up` href when no MeterReading is known), and each such block is
//!   named on stderr. `start_local` is on the usage point's clock (`local_clock`
//!   "local"); when its DST rules do not decode, on standard time (`local_clock`
//!   "standard") with a warning on stderr; without LocalTimeParameters it is empty,
//!   with a warning too. It streams: memory does not grow with the file
//!   (IntervalBlocks that come before their MeterReading or ReadingType are held, up
//!   to 100 000 readings).
//! - `json` writes the linked usage tree (every UsagePoint with its
//!   LocalTimeParameters, MeterReadings, ReadingTypes, IntervalBlocks and summaries,
//!   each as its whole entry) plus what could not be linked. It reads the whole
//!   document into memory first.

use espi_convert::MAX_PENDING_READINGS;
use espi_convert::csv::write_csv;
use espi_convert::json::write_json;
use espi_xml::{Mode, ReaderOptions, WriteOptions, read_document_with, write_document};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::process::ExitCode;

const USAGE: &str =
    "usage: convert --to xml|csv|json [--strict] [--indent] [--threads N] FILE [OUT]";

/// Inputs smaller than this convert too fast for a progress bar to help.
const PROGRESS_MIN_BYTES: u64 = 16 * 1024 * 1024;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("convert: {message}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy)]
enum Format {
    Xml,
    Csv,
    Json,
}

struct Arguments {
    format: Format,
    mode: Mode,
    indent: bool,
    /// Decoding threads (`espi_xml::ReaderOptions::threads`).
    threads: usize,
    input: String,
    output: Option<String>,
}

fn run() -> Result<(), String> {
    let Some(arguments) = parse_arguments()? else {
        println!("{USAGE}");
        return Ok(());
    };
    let input = open_input(&arguments.input)?;
    let output = create_output(arguments.output.as_deref())?;
    let options = ReaderOptions::with_mode(arguments.mode).with_threads(arguments.threads);
    let name = &arguments.input;
    match arguments.format {
        Format::Xml => convert_xml(input, output, options, arguments.indent, name),
        Format::Csv => convert_csv(input, output, options, name),
        Format::Json => write_json(input, output, options, arguments.indent)
            .map_err(|error| format!("{name}: {error}")),
    }
}

/// The arguments, or `None` for `--help`.
fn parse_arguments() -> Result<Option<Arguments>, String> {
    let mut format = None;
    let mut mode = Mode::Lenient;
    let mut indent = false;
    let mut threads = 1;
    let mut paths = Vec::new();
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--to" => format = arguments.next(),
            "--strict" => mode = Mode::Strict,
            "--indent" => indent = true,
            "--threads" => match arguments.next().and_then(|n| n.parse().ok()) {
                Some(n) => threads = n,
                None => return Err(format!("--threads needs a number\n{USAGE}")),
            },
            "-h" | "--help" => return Ok(None),
            _ if argument.starts_with("--") => {
                return Err(format!("unknown option {argument}\n{USAGE}"));
            }
            _ => paths.push(argument),
        }
    }
    let format = match format.as_deref() {
        Some("xml") => Format::Xml,
        Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        Some(other) => return Err(format!("unsupported output format {other:?}\n{USAGE}")),
        None => return Err(format!("--to is required\n{USAGE}")),
    };
    let mut paths = paths.into_iter();
    let (Some(input), output, None) = (paths.next(), paths.next(), paths.next()) else {
        return Err(USAGE.to_owned());
    };
    Ok(Some(Arguments {
        format,
        mode,
        indent,
        threads,
        input,
        output,
    }))
}

/// The input file, buffered, behind a progress bar when that helps.
fn open_input(path: &str) -> Result<Box<dyn BufRead>, String> {
    let file = std::fs::File::open(path).map_err(|error| format!("cannot open {path}: {error}"))?;
    let length = file.metadata().map(|metadata| metadata.len()).unwrap_or(0);
    const BUFFER: usize = 256 * 1024;
    if length < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
        return Ok(Box::new(BufReader::with_capacity(BUFFER, file)));
    }
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
    {
        bar.set_style(style);
    }
    Ok(Box::new(BufReader::with_capacity(
        BUFFER,
        bar.wrap_read(file),
    )))
}

/// The output file or stdout, buffered.
fn create_output(path: Option<&str>) -> Result<Box<dyn Write>, String> {
    Ok(match path {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|error| format!("cannot create {path}: {error}"))?;
            Box::new(std::io::BufWriter::with_capacity(256 * 1024, file))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

fn convert_xml(
    input: Box<dyn BufRead>,
    output: Box<dyn Write>,
    options: ReaderOptions,
    indent: bool,
    name: &str,
) -> Result<(), String> {
    let parsed = read_document_with(input, options)
        .map_err(|error| format!("cannot read {name}: {error}"))?;
    for diagnostic in &parsed.diagnostics {
        eprintln!("{name}: {diagnostic}");
    }
    let mut output = write_document(&parsed.document, output, WriteOptions::with_indent(indent))
        .map_err(|error| format!("cannot write: {error}"))?;
    output
        .flush()
        .map_err(|error| format!("cannot write: {error}"))
}

fn convert_csv(
    input: Box<dyn BufRead>,
    output: Box<dyn Write>,
    options: ReaderOptions,
    name: &str,
) -> Result<(), String> {
    let report = write_csv(input, output, options, MAX_PENDING_READINGS)
        .map_err(|error| format!("{name}: {error}"))?;
    for diagnostic in &report.diagnostics {
        eprintln!("{name}: {diagnostic}");
    }
    if report.diagnostic_count > report.diagnostics.len() as u64 {
        let more = report.diagnostic_count - report.diagnostics.len() as u64;
        eprintln!("{name}: … and {more} more diagnostics");
    }
    for problem in &report.problems {
        eprintln!("{name}: not linked: {problem}");
    }
    if report.unlinked_rows > 0 {
        eprintln!(
            "{name}: {} of {} rows are of IntervalBlocks the links do not place (linked false)",
            report.unlinked_rows, report.rows
        );
    }
    for warning in &report.warnings {
        eprintln!("{name}: warning: {warning}");
    }
    Ok(())
}
