//! Writes a synthetic, schema-valid, interval-heavy Green Button feed of about N MB.
//!
//! ```text
//! cargo run --release --example generate -- --size-mb N [--indent] OUT
//! ```
//!
//! OUT is a file path, or `-` for standard output. The feed (one electricity
//! UsagePoint in US Central time, one MeterReading and ReadingType, then one
//! IntervalBlock of 96 15-minute readings per day from 2020-01-01) is built by
//! [`espi_xml::synthetic`], which the `espi-xml` codec benchmark uses too. It is
//! streamed: only one entry is in memory at a time. Bytes written, readings written
//! and their value sum go to standard error. 1 MB is 1 000 000 bytes.

use espi_xml::synthetic;
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: generate --size-mb N [--indent] OUT   (OUT may be - for stdout)";

fn main() -> ExitCode {
    let mut size_mb: Option<f64> = None;
    let mut indent = false;
    let mut out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--size-mb" => match args.next().and_then(|n| n.parse::<f64>().ok()) {
                Some(n) if n.is_finite() && n >= 0.0 => size_mb = Some(n),
                _ => return fail("--size-mb needs a non-negative number"),
            },
            "--indent" => indent = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if out.is_none() && (arg == "-" || !arg.starts_with('-')) => out = Some(arg),
            _ => return fail(&format!("unexpected argument {arg:?}")),
        }
    }
    let (Some(size_mb), Some(out)) = (size_mb, out) else {
        return fail("--size-mb and OUT are required");
    };
    let target = (size_mb * 1_000_000.0) as u64;

    let result = if out == "-" {
        let stdout = std::io::stdout().lock();
        synthetic::write_feed(stdout, target, indent)
    } else {
        std::fs::File::create(&out).and_then(|file| {
            let stats = synthetic::write_feed(&file, target, indent)?;
            file.sync_all()?;
            Ok(stats)
        })
    };
    match result {
        Ok(stats) => {
            // FeedStats also counts entries and blocks and sums the costs.
            let _ = writeln!(
                std::io::stderr(),
                "wrote {} bytes to {out}: {} readings, value sum {} Wh",
                stats.bytes,
                stats.readings,
                stats.value_sum,
            );
            ExitCode::SUCCESS
        }
        Err(error) => fail(&format!("writing {out}: {error}")),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("generate: {message}\n{USAGE}");
    ExitCode::FAILURE
}
