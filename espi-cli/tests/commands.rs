//! The `espi` binary on real samples: inspect, validate, scope, generate, completions,
//! help, and the exit codes (0 fine, 1 findings or errors, 2 usage). Convert, chart,
//! sandbox and pull have test files of their own.

mod common;

use common::{expected, run, sample, stdout_of, testdata};
use serde_json::Value;

/// `espi inspect --json` of every well-formed sample gives the facts `expected.json`
/// holds (computed by an independent tool): entries, reading counts and sums, and
/// the linked usage tree with each meter reading's counts, sums and period.
#[test]
fn inspect_json_gives_the_expected_facts_of_every_sample() {
    let Some(testdata) = testdata() else { return };
    let mut checked = 0;
    for (name, facts) in expected(&testdata) {
        if facts["well_formed"] != Value::Bool(true) {
            continue;
        }
        let text = stdout_of(&["inspect", "--json", &sample(&testdata, &name)]);
        let mut shown: Value = serde_json::from_str(&text).expect("one JSON object");
        assert_eq!(shown["entries"], facts["entries"], "{name}");
        for key in ["count", "sum_value", "sum_cost", "min_start", "max_end"] {
            assert_eq!(
                shown["interval_readings"][key], facts["interval_readings"][key],
                "{name}: interval_readings.{key}"
            );
        }
        // Each meter reading also carries its unit and exact total, which the oracle
        // does not compute.
        if let Some(points) = shown["linked"].as_array_mut() {
            for point in points {
                for reading in point["meter_readings"].as_array_mut().expect("readings") {
                    let reading = reading.as_object_mut().expect("an object");
                    assert!(reading.remove("unit").is_some(), "{name}: no unit");
                    assert!(reading.remove("total").is_some(), "{name}: no total");
                }
            }
        }
        assert_eq!(shown["linked"], facts["linked"], "{name}: linked");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} samples checked");
}

#[test]
fn inspect_text_summarises_readings_totals_and_cost_on_local_time() {
    let Some(testdata) = testdata() else { return };
    let path = sample(&testdata, "gba-cmd-test/threeusagepointsonecustomer.xml");
    let text = stdout_of(&["inspect", &path]);
    for line in [
        "  23 entries: espi:ElectricPowerUsageSummary ×3, espi:IntervalBlock ×10",
        "  240 interval readings, 240 with cost, 0 ReadingQuality",
        "— Wh (raw × 10^3), every 1 h",
        "      72 readings in 3 blocks, 2014-01-01 00:00 -05:00 to 2014-01-04 00:00 -05:00",
        "      total 31 kWh",
        "      cost 41.60 USD",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    // Standard input reads as the file does.
    let file = std::fs::File::open(&path).expect("the sample");
    let piped = common::espi()
        .args(["inspect", "-"])
        .stdin(file)
        .output()
        .expect("espi runs");
    assert!(piped.status.success());
    assert_eq!(
        String::from_utf8_lossy(&piped.stdout).replacen("-", &path, 1),
        text
    );
}

#[test]
fn validate_exits_0_on_a_valid_sample_1_on_findings_and_2_on_a_bad_flag() {
    let Some(testdata) = testdata() else { return };
    let valid = sample(&testdata, "gba-cmd-test/threeusagepointsonecustomer.xml");
    let output = run(&["validate", &valid]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        text.starts_with(&format!("{valid}: 0 errors, 0 warnings; tested FB_01,")),
        "{text}"
    );

    let findings = sample(&testdata, "cew821-greenbutton/sample_greenbutton_data.xml");
    let output = run(&["validate", &findings]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(text.contains(": error D081 "), "{text}");
    assert!(
        text.ends_with(&format!(
            "{findings}: 1 errors, 0 warnings; tested FB_01,FB_04,FB_15\n"
        )),
        "{text}"
    );

    // One file with findings fails the run, whatever comes after it.
    let both = run(&["validate", &findings, &valid]);
    assert_eq!(both.status.code(), Some(1));

    // Claimed Function Blocks replace the inferred ones.
    let claimed = run(&["validate", "--fb", "FB_01, 4,12", &findings]);
    assert_eq!(claimed.status.code(), Some(1), "{claimed:?}");
    let text = String::from_utf8(claimed.stdout).expect("UTF-8");
    assert!(text.contains(": error D043 "), "FB_12 ran: {text}");
    assert!(!text.contains(" D081 "), "FB_15 did not: {text}");
    assert!(text.ends_with("tested FB_01,FB_04,FB_12\n"), "{text}");

    for bad in [
        vec!["validate", "--bogus", &valid],
        vec!["validate", "--format", "yaml", &valid],
        vec!["validate", "--fb", "x", &valid],
        vec!["validate"],
        vec!["frobnicate"],
    ] {
        let output = run(&bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{bad:?}");
        assert!(!output.stderr.is_empty(), "{bad:?}: says why");
    }
}

#[test]
fn validate_json_gives_one_report_per_file_and_an_error_for_a_missing_one() {
    let Some(testdata) = testdata() else { return };
    let findings = sample(&testdata, "cew821-greenbutton/sample_greenbutton_data.xml");
    let output = run(&[
        "validate",
        "--format",
        "json",
        &findings,
        "/nonexistent.xml",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .expect("UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["file"], findings.as_str());
    let rules: Vec<&str> = lines[0]["report"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|finding| finding["rule"].as_str())
        .collect();
    assert!(rules.contains(&"D081"), "{:?}", lines[0]);
    assert_eq!(lines[1]["file"], "/nonexistent.xml");
    assert!(
        lines[1]["error"]
            .as_str()
            .is_some_and(|error| error.contains("cannot open /nonexistent.xml")),
        "{:?}",
        lines[1]
    );
}

#[test]
fn scope_explains_and_plans_the_windows_of_a_grant() {
    let text = stdout_of(&[
        "scope",
        "FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly",
        "--window",
        "2024-03-10",
    ]);
    for line in [
        "Warnings: none",
        "Canonical: FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly",
        "FB_05 Electricity Interval Metering",
        "Ameren Illinois Share My Usage, grant at 2024-03-10T00:00:00Z",
        "  history (25 requests, available at the grant):",
        "publishedPeriod:  2022-03-10T00:00:00Z to 2024-03-10T00:00:00Z",
        "authorizedPeriod: 2024-03-10T00:00:00Z to 2026-03-10T00:00:00Z",
        "    2022-03-10T00:00:00Z .. 2022-04-01T00:00:00Z",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
    // Lenient parsing says what it repaired; strict parsing refuses it.
    let lenient = stdout_of(&["scope", "FB=4_5;IntervalDuration=3600;"]);
    assert!(lenient.contains("trailing `;`"), "{lenient}");
    let strict = run(&["scope", "--strict", "FB=4_5;IntervalDuration=3600;"]);
    assert_eq!(strict.status.code(), Some(1), "{strict:?}");
    assert!(String::from_utf8_lossy(&strict.stderr).contains("invalid scope (strict)"));
    let bad_date = run(&["scope", "FB=4", "--window", "March"]);
    assert_eq!(bad_date.status.code(), Some(2), "{bad_date:?}");
}

/// A generated feed inspects and validates, with the totals generate reported.
#[test]
fn generate_writes_a_feed_that_inspect_totals_as_generate_said() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let path = directory.path().join("feed.xml");
    let path = path.to_str().expect("UTF-8");
    let output = run(&["generate", "--size-mb", "0.3", path]);
    assert!(output.status.success(), "{output:?}");
    // "wrote N bytes (…) to PATH: E entries, B IntervalBlocks, R readings, value sum V Wh, …"
    let said = String::from_utf8(output.stderr).expect("UTF-8");
    let number_before = |word: &str| -> u64 {
        let before = said.split(word).next().expect("the word");
        let number = before.rsplit(' ').next().expect("a number");
        number
            .parse()
            .unwrap_or_else(|_| panic!("{number:?} in {said}"))
    };
    let readings = number_before(" readings,");
    let value_sum: u64 = said
        .split("value sum ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|sum| sum.parse().ok())
        .unwrap_or_else(|| panic!("no value sum in {said}"));
    assert!(
        std::fs::metadata(path).expect("written").len() >= 300_000,
        "{said}"
    );
    let facts: Value =
        serde_json::from_str(&stdout_of(&["inspect", "--json", path])).expect("JSON");
    assert_eq!(facts["interval_readings"]["count"], readings, "{said}");
    assert_eq!(facts["interval_readings"]["sum_value"], value_sum, "{said}");
    assert_eq!(facts["diagnostic_count"], 0);
    assert_eq!(run(&["validate", path]).status.code(), Some(0));
    // Written to standard output, the same feed.
    let piped = run(&["generate", "--size-mb", "0.3", "-"]);
    assert_eq!(piped.stdout, std::fs::read(path).expect("the file"));
}

#[test]
fn completions_are_written_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        // Every subcommand is offered.
        for subcommand in [
            "inspect", "convert", "chart", "validate", "scope", "generate", "sandbox", "pull",
        ] {
            assert!(script.contains(subcommand), "{shell}: {subcommand}");
        }
    }
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn help_names_every_subcommand_and_the_exit_codes() {
    let help = stdout_of(&["--help"]);
    for word in [
        "inspect",
        "convert",
        "chart",
        "validate",
        "scope",
        "generate",
        "sandbox",
        "pull",
        "completions",
        "Exit status:",
        "2  a usage error",
        "141  standard output was closed",
    ] {
        assert!(help.contains(word), "{word:?} not in\n{help}");
    }
    assert!(stdout_of(&["--version"]).starts_with("espi "));
}

/// `--threads` changes how fast, never what: inspect, convert to CSV and validate print
/// the same bytes with one thread and with four, on a generated 3 MB feed (enough
/// entries for the workers to take part) and on every well-formed sample, lenient
/// deviations and unlinked blocks included.
#[test]
fn output_is_the_same_with_one_thread_and_four() {
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let generated = scratch.path().join("generated.xml");
    let generated = generated.to_str().expect("a UTF-8 path");
    run(&["generate", "--size-mb", "3", generated]);
    let mut files = vec![generated.to_owned()];
    if let Some(testdata) = testdata() {
        files.extend(
            expected(&testdata)
                .into_iter()
                .filter(|(_, facts)| facts["well_formed"] == Value::Bool(true))
                .map(|(name, _)| sample(&testdata, &name)),
        );
    }
    for file in &files {
        for command in [
            &["inspect", "--json"][..],
            &["convert", "--to", "csv"],
            &["validate", "--format", "json"],
        ] {
            let with = |threads: &str| {
                let mut arguments = command.to_vec();
                arguments.extend(["--threads", threads, file.as_str()]);
                let output = run(&arguments);
                (output.status.code(), output.stdout, output.stderr)
            };
            assert_eq!(with("1"), with("4"), "espi {command:?} {file}");
        }
    }
}

/// A reader that stops reading (`espi … | head`) ends the command quietly, with the
/// status a shell gives a command SIGPIPE ended (141), whatever writes standard output.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    for arguments in [
        vec!["generate", "--size-mb", "20", "-"],
        vec!["convert", "--to", "csv", "-", "-"],
    ] {
        let mut child = common::espi()
            .args(&arguments)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("espi runs");
        // convert reads a generated feed from standard input.
        let mut stdin = child.stdin.take().expect("stdin");
        let feeder = std::thread::spawn(move || {
            let _ = espi_xml::synthetic::write_feed(&mut stdin, 20_000_000, false);
        });
        let mut head = [0u8; 100];
        let mut stdout = child.stdout.take().expect("stdout");
        stdout.read_exact(&mut head).expect("the first bytes");
        drop(stdout);
        let output = child.wait_with_output().expect("espi ends");
        let _ = feeder.join();
        assert_eq!(output.status.code(), Some(141), "{arguments:?}: {output:?}");
        assert!(output.stderr.is_empty(), "{arguments:?}: {output:?}");
    }
}
