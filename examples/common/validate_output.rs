//! The `validate` example's text output, shared with its test (`tests/validate.rs`).

use espi_validate::{Report, Severity};

/// One `file:line:col: severity rule-id message (at path)` line per finding (`file:`
/// alone when a finding has no position), then the file's summary line.
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
