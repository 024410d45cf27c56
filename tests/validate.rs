//! The `validate` example's output on real samples: one `file:line:col: severity
//! rule-id message` line per finding, pointing at the line that holds the problem, and
//! a summary per file.

#[path = "../examples/common/validate_output.rs"]
mod output;

use std::path::PathBuf;

fn lines_for(sample: &str) -> (Vec<String>, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/samples")
        .join(sample);
    let bytes = std::fs::read(&path).expect("sample");
    let parsed = espi_xml::read_document(&bytes[..]).expect("reads leniently");
    let report = espi_validate::validate_parsed(&parsed, None);
    let lines = output::report_lines(sample, &report);
    (lines, String::from_utf8(bytes).expect("UTF-8 sample"))
}

/// `(line, column, severity, rule)` of a finding line, checking its shape.
fn parse(sample: &str, line: &str) -> (usize, usize, String, String) {
    let rest = line
        .strip_prefix(&format!("{sample}:"))
        .expect("starts with the file");
    let mut parts = rest.splitn(3, ':');
    let number = |text: Option<&str>| {
        text.and_then(|t| t.parse::<usize>().ok())
            .expect("a number")
    };
    let (row, column) = (number(parts.next()), number(parts.next()));
    let mut words = parts.next().expect("the finding").split_whitespace();
    let severity = words.next().expect("severity").to_owned();
    let rule = words.next().expect("rule id").to_owned();
    assert!(matches!(severity.as_str(), "error" | "warning"), "{line}");
    assert!(espi_validate::rule(&rule).is_some(), "{line}: unknown rule");
    (row, column, severity, rule)
}

#[test]
fn findings_point_at_the_lines_that_hold_them() {
    let sample = "gba-cmd-test/AuthorizationSample.xml";
    let (lines, text) = lines_for(sample);
    let (summary, findings) = lines.split_last().expect("a summary");
    let token_type: Vec<_> = findings
        .iter()
        .map(|line| parse(sample, line))
        .filter(|(_, _, _, rule)| rule == "S006")
        .collect();
    assert_eq!(token_type.len(), 1, "{lines:#?}");
    let (row, column, severity, _) = &token_type[0];
    assert_eq!(severity, "error");
    // The line holds the lowercase "bearer" the schema refuses; the column is just
    // after its element.
    let source_line = text.lines().nth(row - 1).expect("line in the file");
    assert!(
        source_line[..column - 1].ends_with("<token_type>bearer</token_type>"),
        "{source_line}"
    );
    assert!(
        summary.starts_with(&format!("{sample}: ")) && summary.contains(" errors, "),
        "{summary}"
    );
}

#[test]
fn entry_findings_point_at_their_entry_and_the_summary_counts_them() {
    let sample = "cew821-greenbutton/sample_greenbutton_data.xml";
    let (lines, text) = lines_for(sample);
    let (summary, findings) = lines.split_last().expect("a summary");
    // The fifth entry's usage summary has no overallConsumptionLastPeriod (D081): the
    // line is the one its <entry> starts on.
    let d081: Vec<_> = findings
        .iter()
        .map(|line| parse(sample, line))
        .filter(|(_, _, _, rule)| rule == "D081")
        .collect();
    assert_eq!(d081.len(), 1, "{lines:#?}");
    let (row, column, _, _) = d081[0];
    let source_line = text.lines().nth(row - 1).expect("line in the file");
    assert!(
        source_line[column - 1..].starts_with("<entry"),
        "{source_line}"
    );
    let errors = findings
        .iter()
        .filter(|line| line.contains(": error "))
        .count();
    assert!(
        summary.starts_with(&format!(
            "{sample}: {errors} errors, 0 warnings; tested FB_01,FB_04,FB_15"
        )),
        "{summary}"
    );
}
