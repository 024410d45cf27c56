//! The facts of a Green Button file in one streaming pass, with `espi_xml::read_facts`:
//! how many entries and readings it has, and each meter reading's total in its unit.
//!
//! ```text
//! cargo run --example inspect -- [FILE]
//! ```
//!
//! Without FILE it reads an embedded sample. Memory does not grow with the number of
//! readings: they are totalled as entries stream by. The full report (local time, cost,
//! customer and admin resources, JSON) is `espi inspect` (`cargo install --path espi-cli`).

use espi_xml::{ReaderOptions, read_facts};
use std::io::BufReader;

/// A GBA sample with three usage points, costs and local time parameters (Apache-2.0,
/// see testdata/SOURCES.md).
const EMBEDDED: &[u8] =
    include_bytes!("../testdata/samples/gba-cmd-test/threeusagepointsonecustomer.xml");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let streamed = match std::env::args().nth(1) {
        Some(path) => {
            let file = BufReader::new(std::fs::File::open(path)?);
            read_facts(file, ReaderOptions::default())?
        }
        None => read_facts(EMBEDDED, ReaderOptions::default())?,
    };
    let facts = &streamed.facts;
    println!(
        "{} entries, {} interval readings, {} deviations read leniently",
        facts.entries, facts.interval_readings.count, streamed.diagnostic_count
    );
    for point in &facts.linked {
        println!("UsagePoint {}", point.self_href.as_deref().unwrap_or("-"));
        for reading in &point.meter_readings {
            // The total is raw × 10^powerOfTenMultiplier in the ReadingType's unit,
            // exact; `None` when the file gives no unit to put it in.
            let total = reading
                .total()
                .map_or_else(|| "unit unknown".to_owned(), |total| total.to_string());
            println!("  {} readings, total {total}", reading.readings);
        }
    }
    for problem in facts.link_problems.iter().chain(&facts.unlinked) {
        println!("not linked: {problem}");
    }
    Ok(())
}
