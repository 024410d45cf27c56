//! `espi pull` against `espi sandbox`, both as the binary runs them: the first run
//! prints the authorization URL and takes the callback address on standard input, syncs
//! and exports; its CSV holds every generated reading once, with the sandbox's values
//! and costs; a second run needs no browser. (tests/pull_crash.rs at the workspace root
//! kills the same code with SIGKILL at many points.)

mod common;

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::str::FromStr;

fn field<'a>(printed: &'a [String], name: &str) -> &'a str {
    printed
        .iter()
        .find_map(|line| line.trim_start().strip_prefix(name))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {name} in\n{}", printed.join("\n")))
}

/// `espi pull` with the sandbox's endpoints and credentials in the environment.
fn pull(printed: &[String], store: &str, export: &str) -> Command {
    let mut command = common::espi();
    command
        .args(["pull", "--store", store, "--export", export])
        .env(
            "ESPI_AUTHORIZATION_ENDPOINT",
            field(printed, "authorization "),
        )
        .env("ESPI_TOKEN_ENDPOINT", field(printed, "token "))
        .env(
            "ESPI_RESOURCE_ENDPOINT",
            field(printed, "resource endpoint "),
        )
        .env("ESPI_CLIENT_ID", field(printed, "client id "))
        .env("ESPI_CLIENT_SECRET", field(printed, "client secret "))
        .env("ESPI_REDIRECT_URI", "http://127.0.0.1/callback")
        .env("ESPI_SCOPE", espi_sandbox::Generated::SCOPE)
        .env_remove("ESPI_STORE_KEY")
        .env_remove("ESPI_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// The `Location` the server answers a GET of `url` with (a redirect, not followed).
fn location(url: &str) -> String {
    let response = common::http_get(url);
    response
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no redirect:\n{response}"))
}

/// Value and cost (1/100 000 of the currency) of each row, by start (epoch seconds).
fn rows(csv_path: &std::path::Path) -> BTreeMap<i64, (i64, i128)> {
    let mut reader = csv::Reader::from_path(csv_path).expect("the export");
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|field| field == name).expect(name);
    let (start, raw, cost) = (column("start_utc"), column("raw_value"), column("cost"));
    let mut rows = BTreeMap::new();
    for row in reader.records() {
        let row = row.expect("a row");
        let at = chrono::DateTime::parse_from_rfc3339(&row[start])
            .expect("a start")
            .timestamp();
        let cost = Decimal::from_str(&row[cost]).expect("a cost") * Decimal::from(100_000);
        let cost = cost.mantissa() / 10i128.pow(cost.scale());
        let value = row[raw].parse().expect("a value");
        assert!(rows.insert(at, (value, cost)).is_none(), "{at} twice");
    }
    rows
}

#[test]
fn pull_authorizes_syncs_and_exports_then_resumes_without_a_browser() {
    let days: u32 = 40;
    let days_text = days.to_string();
    let arguments = ["--auto-approve", "--customers", "1", "--days", &days_text];
    let (_sandbox, printed) = common::sandbox(&arguments);
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = directory.path().join("pull.sqlite");
    let store = store.to_str().expect("UTF-8");
    let export = directory.path().join("pulled.csv");

    let mut first = pull(&printed, store, export.to_str().expect("UTF-8"))
        .stdin(Stdio::piped())
        .spawn()
        .expect("espi pull starts");
    let mut url = String::new();
    BufReader::new(first.stdout.take().expect("its stdout"))
        .read_line(&mut url)
        .expect("the authorization URL");
    let callback = location(url.trim());
    assert!(
        callback.starts_with("http://127.0.0.1/callback?code="),
        "{callback}"
    );
    writeln!(first.stdin.take().expect("its stdin"), "{callback}").expect("pasted");
    let output = first.wait_with_output().expect("it ends");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("authorized: scope "), "{said}");

    // Every generated hour once, with the sandbox's own value and cost.
    let rows = rows(&export);
    assert_eq!(rows.len() as u64, u64::from(days) * 24, "{said}");
    let (first_start, last_start) = (
        *rows.keys().next().expect("rows"),
        *rows.keys().last().expect("rows"),
    );
    assert_eq!(last_start - first_start, (i64::from(days) * 24 - 1) * 3_600);
    for (start, (value, cost)) in &rows {
        let (expected_value, expected_cost) = espi_sandbox::Generated::reading(1, *start);
        assert_eq!((*value, *cost), (expected_value, i128::from(expected_cost)));
    }

    // Again: the stored authorization, no URL, the same export.
    std::fs::remove_file(&export).expect("removed");
    let again = pull(&printed, store, export.to_str().expect("UTF-8"))
        .stdin(Stdio::null())
        .output()
        .expect("espi pull runs");
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success(), "{said}");
    assert!(again.stdout.is_empty(), "asked for a browser again");
    assert!(said.contains("using the authorization stored in"), "{said}");
    assert_eq!(self::rows(&export), rows);
}

#[test]
fn pull_without_settings_says_which_is_missing() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = directory.path().join("pull.sqlite");
    let mut command = common::espi();
    for (key, _) in std::env::vars() {
        if key.starts_with("ESPI_") && key != "ESPI_CLI_BIN" {
            command.env_remove(key);
        }
    }
    let output = command
        .args(["pull", "--store", store.to_str().expect("UTF-8")])
        .stdin(Stdio::null())
        .output()
        .expect("espi pull runs");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(
            "missing setting authorization_endpoint (ESPI_AUTHORIZATION_ENDPOINT or \
             `authorization_endpoint = …` in the config file)"
        ),
        "{output:?}"
    );
}
