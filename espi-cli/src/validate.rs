//! The output of `espi validate`: one line per finding that points at the line and
//! column holding the deviation, and a summary line per file.

use espi_validate::{Report, Severity};
use espi_xml::ReaderOptions;
use std::io::BufRead;

/// Validates `input` (named `name` in messages) in one streaming pass: GBA's data
/// tests of `function_blocks` (or of those inferred from what the file holds) and the
/// semantic checks, with each finding's line and column. Memory does not grow with the
/// readings ([`espi_validate::validate_reader`]).
///
/// # Errors
///
/// [`crate::Error::Read`] when the input is not ESPI Atom XML.
pub fn validate(
    name: &str,
    input: impl BufRead,
    reader: ReaderOptions,
    function_blocks: Option<&[u16]>,
) -> Result<Report, crate::Error> {
    espi_validate::validate_reader(input, reader, function_blocks).map_err(|source| {
        crate::Error::Read {
            name: name.to_owned(),
            source,
        }
    })
}

/// One `file:line:col: severity rule-id message (at path)` line per finding (`file:`
/// alone when a finding has no position), then the file's summary line.
///
/// ```
/// let mut feed = Vec::new();
/// espi_xml::synthetic::write_feed(&mut feed, 20_000, false)?;
/// let report = espi_cli::validate::validate("feed.xml", &feed[..], Default::default(), None)?;
/// let lines = espi_cli::validate::report_lines("feed.xml", &report);
/// assert!(lines.last().unwrap().starts_with("feed.xml: 0 errors, "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn report_lines(file: &str, report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = report
        .findings
        .iter()
        .map(|finding| {
            let location = &finding.location;
            match (location.line, location.column) {
                (Some(line), Some(column)) => format!("{file}:{line}:{column}: {finding}"),
                _ => format!("{file}: {finding}"),
            }
        })
        .collect();
    let blocks = |list: &[u16]| {
        list.iter()
            .map(|b| format!("FB_{b:02}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut summary = format!(
        "{file}: {} errors, {} warnings; tested {}",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        blocks(&report.function_blocks_tested),
    );
    if !report.function_blocks_without_test.is_empty() {
        summary += &format!(
            "; GBA has no data test for {}",
            blocks(&report.function_blocks_without_test)
        );
    }
    lines.push(summary);
    lines
}
