//! The reports of the `espi_cli` library on real samples: what `inspect` says when
//! local time cannot be shown as the LocalTimeParameters ask, and `validate`'s lines,
//! one `file:line:col: severity rule-id message` per finding, pointing at the line that
//! holds the problem, and a summary per file.

mod common;

use espi_cli::inspect::{Options, inspect};
use espi_cli::validate::{report_lines, validate};

fn inspect_text(sample: &str) -> Option<String> {
    let path = common::testdata()?.join("samples").join(sample);
    let bytes = std::fs::read(path).expect("a sample");
    let mut out = Vec::new();
    inspect(
        sample,
        bytes.as_slice(),
        espi_xml::ReaderOptions::default(),
        Options::default(),
        &mut out,
    )
    .expect("inspects");
    Some(String::from_utf8(out).expect("UTF-8"))
}

#[test]
fn times_are_on_standard_time_and_said_so_when_dst_rules_do_not_decode() {
    let Some(text) = inspect_text("enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml") else {
        return;
    };
    assert!(
        text.contains(
            "LocalTimeParameters cannot be applied (dst_end rule 67271F70: DST rule seconds \
             within the hour 3952 is out of range 0..=3599): times shown on standard time, UTC-05:00"
        ),
        "{text}"
    );
    // 2024-04-04T00:00Z is shown on EST, not as UTC.
    assert!(
        text.contains("1 readings in 1 blocks, 2024-04-03 19:00 -05:00 to 2024-05-01 19:00 -05:00"),
        "{text}"
    );
    assert!(
        !text.contains(" UTC\n") && !text.contains("UTC to"),
        "{text}"
    );
}

#[test]
fn decodable_rules_show_local_time_without_a_note() {
    let Some(text) = inspect_text("gba-cmd-test/threeusagepointsonecustomer.xml") else {
        return;
    };
    assert!(!text.contains("cannot be applied"), "{text}");
    assert!(
        text.contains("2014-01-01 00:00 -05:00 to 2014-01-04 00:00 -05:00"),
        "{text}"
    );
}

fn lines_for(sample: &str) -> Option<(Vec<String>, String)> {
    let path = common::testdata()?.join("samples").join(sample);
    let bytes = std::fs::read(&path).expect("sample");
    let report = validate(sample, &bytes[..], Default::default(), None).expect("reads leniently");
    let lines = report_lines(sample, &report);
    Some((lines, String::from_utf8(bytes).expect("UTF-8 sample")))
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
    let Some((lines, text)) = lines_for(sample) else {
        return;
    };
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
    let Some((lines, text)) = lines_for(sample) else {
        return;
    };
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
