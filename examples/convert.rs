//! Read a Green Button file through the model and write it back with the writer.
//!
//! ```text
//! cargo run --release --example convert -- --to xml [--strict] [--indent] FILE [OUT]
//! ```
//!
//! Writes to stdout without OUT. Diagnostics of lenient reading go to stderr. The
//! output of a schema-valid file validates against the ESPI 4.0 schemas and has the
//! same facts as the input. (Other output formats come later.)

use espi_xml::{Mode, ReaderOptions, WriteOptions, read_document_with, write_document};
use std::io::{BufReader, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: convert --to xml [--strict] [--indent] FILE [OUT]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("convert: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut format = None;
    let mut mode = Mode::Lenient;
    let mut indent = false;
    let mut paths = Vec::new();
    let mut arguments = std::env::args().skip(1);
    while let Some(argument) = arguments.next() {
        match argument.as_str() {
            "--to" => format = arguments.next(),
            "--strict" => mode = Mode::Strict,
            "--indent" => indent = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if argument.starts_with("--") => {
                return Err(format!("unknown option {argument}\n{USAGE}"));
            }
            _ => paths.push(argument),
        }
    }
    match format.as_deref() {
        Some("xml") => {}
        Some(other) => {
            return Err(format!(
                "unsupported output format {other:?}: only xml for now\n{USAGE}"
            ));
        }
        None => return Err(format!("--to is required\n{USAGE}")),
    }
    let (input, output) = match paths.as_slice() {
        [input] => (input, None),
        [input, output] => (input, Some(output)),
        _ => return Err(USAGE.to_owned()),
    };
    let file =
        std::fs::File::open(input).map_err(|error| format!("cannot open {input}: {error}"))?;
    let parsed = read_document_with(
        BufReader::with_capacity(256 * 1024, file),
        ReaderOptions::with_mode(mode),
    )
    .map_err(|error| format!("cannot read {input}: {error}"))?;
    for diagnostic in &parsed.diagnostics {
        eprintln!("{input}: {diagnostic}");
    }
    let options = WriteOptions::with_indent(indent);
    match output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|error| format!("cannot create {path}: {error}"))?;
            write_document(&parsed.document, file, options)
                .map_err(|error| format!("cannot write {path}: {error}"))?;
        }
        None => {
            let stdout = std::io::stdout().lock();
            let mut stdout = write_document(&parsed.document, stdout, options)
                .map_err(|error| format!("cannot write to stdout: {error}"))?;
            stdout
                .flush()
                .map_err(|error| format!("cannot write to stdout: {error}"))?;
        }
    }
    Ok(())
}
