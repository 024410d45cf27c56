//! The `espi-fleet` binary's `import` and `status` as a user meets them (SQLite, one
//! worker process): authorizations granted elsewhere imported from their refresh
//! tokens, mistakes named, and the status listing — each authorization's last
//! success, next due time and state, each Data Custodian's backlog and lag — before
//! and after a worker synced them, one import (a refresh token the Data Custodian
//! never issued) ending with `invalid_grant`.

mod common;

use common::{CUSTODIAN, TestDatabase};
use std::time::Duration;

/// The standard output and error of a run that must succeed.
fn succeeded(output: std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "espi-fleet failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The standard error of a run that must fail.
fn failed(output: std::process::Output) -> String {
    assert!(!output.status.success(), "espi-fleet succeeded: {output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The line of `status` about `subscription`.
fn row<'a>(status: &'a str, subscription: &str) -> &'a str {
    status
        .lines()
        .find(|line| line.contains(subscription))
        .unwrap_or_else(|| panic!("no line for {subscription} in\n{status}"))
}

/// The backlog line of `custodian`: active, waiting, syncing, lag (s).
fn backlog(status: &str, custodian: &str) -> [i64; 4] {
    let (_, table) = status
        .split_once("\n\n")
        .unwrap_or_else(|| panic!("no backlog table in\n{status}"));
    let line = table
        .lines()
        .find(|line| line.split_whitespace().next() == Some(custodian))
        .unwrap_or_else(|| panic!("no backlog of {custodian} in\n{status}"));
    let numbers: Vec<i64> = line
        .split_whitespace()
        .skip(1)
        .map(|field| field.parse().expect("a number"))
        .collect();
    numbers.try_into().expect("four numbers")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_and_status() {
    let database = TestDatabase::sqlite();
    let port = common::free_port();
    let (sandbox, generated) = common::sandbox(3, 5, port, CUSTODIAN).await;
    let config = database.directory().join("fleet.toml");
    let text = common::head_toml(&database.location, 2, 5)
        + &common::custodian_toml(&sandbox, CUSTODIAN, 2);
    std::fs::write(&config, text).expect("the configuration is written");
    let redirect = format!("http://127.0.0.1:{port}/callback/{CUSTODIAN}");
    let subscription = |customer: usize| {
        sandbox
            .subscription_uri(&customer.to_string())
            .expect("a subscription")
    };

    // Customers 1 and 2 granted elsewhere, moved to the fleet with their refresh tokens.
    for customer in 1..=2 {
        let tokens = common::grant_outside(&sandbox, &redirect, customer).await;
        let resource_uri = tokens.resource_uri.clone().expect("a resourceURI");
        assert_eq!(resource_uri, subscription(customer));
        let mut arguments = vec!["import", "--custodian", CUSTODIAN];
        arguments.extend(["--resource-uri", &resource_uri]);
        let authorization_uri = tokens.authorization_uri.clone().unwrap_or_default();
        if !authorization_uri.is_empty() {
            arguments.extend(["--authorization-uri", &authorization_uri]);
        }
        let refresh = tokens.refresh_token.as_ref().expect("a refresh token");
        let stdout = succeeded(common::espi_fleet(
            &config,
            &arguments,
            &format!("{}\n", refresh.expose()),
        ));
        assert!(stdout.starts_with("imported "), "{stdout}");
        assert!(stdout.trim_end().ends_with("; due at once"), "{stdout}");
    }
    // Customer 3 with a refresh token its Data Custodian never issued.
    let third = subscription(3);
    succeeded(common::espi_fleet(
        &config,
        &["import", "--custodian", CUSTODIAN, "--resource-uri", &third],
        "not-a-refresh-token",
    ));
    // Mistakes are named, and add nothing.
    let empty = failed(common::espi_fleet(
        &config,
        &["import", "--custodian", CUSTODIAN, "--resource-uri", &third],
        "\n",
    ));
    assert!(empty.contains("refresh token on standard input"), "{empty}");
    let unknown = failed(common::espi_fleet(
        &config,
        &["import", "--custodian", "nobody", "--resource-uri", &third],
        "token",
    ));
    assert!(unknown.contains("\"nobody\""), "{unknown}");

    // Before any worker ran: three authorizations never synced, all waiting.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let before = succeeded(common::espi_fleet(&config, &["status"], ""));
    for customer in 1..=3 {
        let line = row(&before, &subscription(customer));
        assert!(line.starts_with(CUSTODIAN), "{line}");
        assert!(line.contains(" never "), "not synced yet: {line}");
        assert!(line.contains("(ok)"), "{line}");
    }
    assert_eq!(
        before
            .lines()
            .filter(|line| line.contains("/Subscription/"))
            .count(),
        3,
        "{before}"
    );
    let [active, waiting, syncing, lag] = backlog(&before, CUSTODIAN);
    assert_eq!((active, waiting, syncing), (3, 3, 0), "{before}");
    assert!(
        lag >= 2,
        "due since the imports, 2 s ago: lag {lag}\n{before}"
    );

    // A worker syncs them.
    let log = database.directory().join("worker.log");
    let worker = common::worker(&config, "w0", None, &log);
    let store = espi_store::Store::open(&database.location)
        .await
        .expect("the store opens");
    common::wait_synced(&store, 3, Duration::from_secs(120)).await;
    common::stop_worker(worker);
    common::check_complete(&store, &sandbox, &generated, &[3]).await;

    // After: two synced today and due again in about a day; the third ended.
    let after = succeeded(common::espi_fleet(&config, &["status"], ""));
    let now = chrono::Utc::now();
    let time = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap_or_else(|error| panic!("{text:?} is a time: {error}"))
            .to_utc()
    };
    for customer in 1..=2 {
        let line = row(&after, &subscription(customer));
        let fields: Vec<&str> = line.split_whitespace().collect();
        let last = time(fields[1]);
        assert!(
            (now - last).num_seconds().abs() < 300,
            "last success just now: {line}"
        );
        let due = (time(fields[2]) - last).num_seconds();
        assert!(
            (77_760..=95_040).contains(&due),
            "next due a day later ± 10 % of jitter: {line}"
        );
        assert_eq!(fields[3], "0", "no failures: {line}");
        assert!(line.ends_with("(ok)"), "{line}");
    }
    let ended = row(&after, &third);
    assert!(ended.contains(" never "), "{ended}");
    assert!(ended.contains("(ended "), "{ended}");
    assert!(
        ended.contains("invalid_grant"),
        "the reason is shown: {ended}"
    );
    let [active, waiting, syncing, lag] = backlog(&after, CUSTODIAN);
    assert_eq!((active, waiting, syncing, lag), (2, 0, 0, 0), "{after}");

    store.close().await;
    sandbox.shutdown().await;
    database.finish().await;
}
