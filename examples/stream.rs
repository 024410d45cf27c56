//! Streams a Green Button file through `espi_xml::EntryReader` and reports totals.
//!
//! ```text
//! cargo run --release --example stream -- FILE
//! ```
//!
//! Opens FILE with a `BufReader`, iterates the entries one at a time (memory does not
//! grow with the file), counts entries and IntervalReadings, sums the readings'
//! values, and prints them with the elapsed time and throughput (1 MB = 10^6 bytes).
//! Diagnostics are drained after every entry so that they do not accumulate either.
//! Used to measure the reader's peak RSS on large files:
//! `/usr/bin/time -v target/release/examples/stream FILE`.

use espi_model::resource::Resource;
use espi_xml::EntryReader;
use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: stream FILE");
        return ExitCode::FAILURE;
    };
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("stream: {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let bytes = file.metadata().map(|meta| meta.len()).unwrap_or(0);

    let started = Instant::now();
    let mut reader = EntryReader::new(BufReader::with_capacity(64 * 1024, file));
    let (mut entries, mut blocks, mut readings, mut with_value) = (0u64, 0u64, 0u64, 0u64);
    let mut value_sum: i128 = 0;
    let mut diagnostics = 0usize;
    while let Some(entry) = reader.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                eprintln!("stream: {path}: {error}");
                return ExitCode::FAILURE;
            }
        };
        entries += 1;
        for resource in &entry.content {
            if let Resource::IntervalBlock(block) = resource {
                blocks += 1;
                for reading in &block.interval_reading {
                    readings += 1;
                    if let Some(value) = reading.value {
                        with_value += 1;
                        value_sum += i128::from(value);
                    }
                }
            }
        }
        diagnostics += reader.take_diagnostics().len();
    }
    let elapsed = started.elapsed().as_secs_f64();

    println!("file:          {path} ({bytes} bytes)");
    println!("entries:       {entries}");
    println!("IntervalBlocks: {blocks}");
    println!("readings:      {readings} ({with_value} with a value)");
    println!("value sum:     {value_sum}");
    println!("diagnostics:   {diagnostics}");
    println!(
        "elapsed:       {elapsed:.3} s, {:.1} MB/s",
        bytes as f64 / 1e6 / elapsed.max(f64::EPSILON)
    );
    ExitCode::SUCCESS
}
