//! Validate a Green Button file with `espi_validate`: GBA's Function Block data tests
//! plus semantic checks, each finding placed at the line of its entry.
//!
//! ```text
//! cargo run --example validate -- FILE
//! ```
//!
//! The Function Blocks tested are inferred from what the file holds (pass
//! `Some(&[1, 4, 5, 15])` instead of `None` to name them). The command for everyday
//! use, with several files, JSON output and exit codes, is `espi validate`
//! (`cargo install --path espi-cli`).

use std::io::BufReader;
use std::process::ExitCode;

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: validate FILE")?;
    let parsed = espi_xml::read_document(BufReader::new(std::fs::File::open(&path)?))?;
    let report = espi_validate::validate_parsed(&parsed, None);
    for finding in &report.findings {
        let line = finding.location.line.unwrap_or(0);
        println!("{path}:{line}: {finding}");
    }
    println!(
        "{} findings; Function Blocks tested {:?}",
        report.findings.len(),
        report.function_blocks_tested
    );
    Ok(if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
