//! What the fleet's tests share: databases (a fresh SQLite file, or a fresh database
//! on the PostgreSQL server `ESPI_TEST_POSTGRES_URL` names: without it the
//! PostgreSQL tests skip, saying so, and fail under `ESPI_REQUIRE_POSTGRES=1`), a
//! sandbox of generated customers, the configuration, authorizing customers through
//! the fleet's own endpoints, and the checks of completeness and of the leases.
#![allow(dead_code)]

use espi_model::resource::Resource;
use espi_sandbox::{Generated, RunningSandbox, SandboxConfig};
use espi_store::LeaseRecord;
use espi_store::Store;
use sqlx::Connection;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The name of the sandbox Data Custodian in the tests' configurations.
pub const CUSTODIAN: &str = "sandbox";

/// The test server's URL, or `None` after saying why the test skips (or failing when
/// `ESPI_REQUIRE_POSTGRES=1`).
pub fn postgres_url() -> Option<String> {
    match std::env::var("ESPI_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            let required = std::env::var("ESPI_REQUIRE_POSTGRES").is_ok_and(|value| value == "1");
            assert!(
                !required,
                "ESPI_REQUIRE_POSTGRES=1 but ESPI_TEST_POSTGRES_URL is not set: no PostgreSQL to test on"
            );
            eprintln!(
                "skipped: this test needs PostgreSQL: set ESPI_TEST_POSTGRES_URL \
                 (ESPI_REQUIRE_POSTGRES=1 makes this an error)"
            );
            None
        }
    }
}

static DATABASES: AtomicU32 = AtomicU32::new(0);

/// A database for one test: an SQLite file, or a fresh PostgreSQL database dropped
/// at the end.
pub struct TestDatabase {
    /// What the configuration's `store` takes.
    pub location: String,
    directory: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDatabase {
    /// A fresh SQLite file.
    pub fn sqlite() -> TestDatabase {
        let directory = tempfile::tempdir().expect("a temporary directory");
        TestDatabase {
            location: directory.path().join("fleet.sqlite").display().to_string(),
            directory: Some(directory),
            postgres: None,
        }
    }

    /// A fresh PostgreSQL database, `None` when there is no server (see
    /// [`postgres_url`]).
    pub async fn postgres() -> Option<TestDatabase> {
        let admin = postgres_url()?;
        let name = format!(
            "espi_fleet_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::SeqCst)
        );
        let mut connection = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|error| panic!("connecting to ESPI_TEST_POSTGRES_URL: {error}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut connection)
            .await
            .expect("CREATE DATABASE");
        let _ = connection.close().await;
        let mut url = url::Url::parse(&admin).expect("ESPI_TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{name}"));
        Some(TestDatabase {
            location: url.to_string(),
            directory: None,
            postgres: Some((admin, name)),
        })
    }

    /// A directory for the test's files.
    pub fn directory(&self) -> std::path::PathBuf {
        match &self.directory {
            Some(directory) => directory.path().to_owned(),
            None => std::env::temp_dir(),
        }
    }

    /// Drops the PostgreSQL database, whoever is still connected.
    pub async fn finish(self) {
        if let Some((admin, name)) = self.postgres
            && let Ok(mut connection) = sqlx::PgConnection::connect(&admin).await
        {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut connection)
                .await;
            let _ = connection.close().await;
        }
    }
}

/// A free loopback port (bound, then released for the process that will use it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// A sandbox serving `customers` generated customers with `days` days each, ending
/// at yesterday's UTC midnight (today is left for data added later), redirecting to
/// and notifying the fleet at `fleet_port`, recording every request.
pub async fn sandbox(
    customers: usize,
    days: u32,
    fleet_port: u16,
    name: &str,
) -> (RunningSandbox, Generated) {
    sandbox_with(customers, days, fleet_port, name, |_| {}).await
}

/// [`sandbox`], its configuration adjusted by `adjust` before it starts.
pub async fn sandbox_with(
    customers: usize,
    days: u32,
    fleet_port: u16,
    name: &str,
    adjust: impl FnOnce(&mut SandboxConfig),
) -> (RunningSandbox, Generated) {
    let now = chrono::Utc::now().timestamp();
    let generated = Generated::ending_at(customers, now - 86_400, days);
    let mut config = SandboxConfig::new(generated.customers());
    config.auto_approve = true;
    config.record_requests = true;
    config.client.scopes = vec![Generated::SCOPE.to_owned()];
    config.client.redirect_uris = vec![format!("http://127.0.0.1:{fleet_port}/callback/{name}")];
    config.client.notify_uri = Some(format!(
        "http://127.0.0.1:{fleet_port}/notifications/{name}"
    ));
    adjust(&mut config);
    let sandbox = espi_sandbox::start(config, "127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("the sandbox starts");
    (sandbox, generated)
}

/// The `[[custodian]]` section for `sandbox` under `name`.
pub fn custodian_toml(sandbox: &RunningSandbox, name: &str, max_syncs: u32) -> String {
    format!(
        r#"
[[custodian]]
name = "{name}"
authorization_endpoint = "{}"
token_endpoint = "{}"
resource_endpoint = "{}"
client_id = "{}"
client_secret = "{}"
scope = "{}"
max_syncs = {max_syncs}
retry_attempts = 8
retry_initial_ms = 100
retry_max_ms = 2000
"#,
        sandbox.authorization_endpoint(),
        sandbox.token_endpoint(),
        sandbox.resource_endpoint(),
        sandbox.client_id(),
        sandbox.client_secret(),
        Generated::SCOPE,
    )
}

/// The configuration's head: store, concurrency, a fast schedule (short leases,
/// polling every 100 ms, a first retry after a second).
pub fn head_toml(store: &str, concurrency: u32, lease_seconds: u64) -> String {
    format!(
        r#"
store = "{store}"
concurrency = {concurrency}

[schedule]
interval_seconds = 86400
jitter = 0.1
lease_seconds = {lease_seconds}
poll_ms = 100
retry_initial_seconds = 1
retry_max_seconds = 4
"#
    )
}

/// The `espi-fleet` binary: Cargo's for a test, else (the benchmark example) the one
/// in the directory above the running executable's.
pub fn fleet_binary() -> std::path::PathBuf {
    match option_env!("CARGO_BIN_EXE_espi-fleet") {
        Some(path) => path.into(),
        None => std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.parent()?.join("espi-fleet")))
            .unwrap_or_else(|| "espi-fleet".into()),
    }
}

/// Starts a worker process `name` on `config`, listening on `listen` if given, its
/// log (warnings and errors) written to `log`.
pub fn worker(
    config: &std::path::Path,
    name: &str,
    listen: Option<u16>,
    log: &std::path::Path,
) -> std::process::Child {
    let mut command = std::process::Command::new(fleet_binary());
    command
        .arg("run")
        .arg("--config")
        .arg(config)
        .env("ESPI_FLEET_WORKER", name)
        .env("ESPI_FLEET_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(log).expect("a log file"));
    if let Some(port) = listen {
        command.env("ESPI_FLEET_LISTEN", format!("127.0.0.1:{port}"));
    }
    command.spawn().expect("the espi-fleet binary starts")
}

/// Runs the `espi-fleet` binary with `arguments` and `config`, `stdin` on its
/// standard input.
pub fn espi_fleet(
    config: &std::path::Path,
    arguments: &[&str],
    stdin: &str,
) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(fleet_binary())
        .args(arguments)
        .arg("--config")
        .arg(config)
        .env("ESPI_FLEET_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the espi-fleet binary starts");
    child
        .stdin
        .take()
        .expect("its standard input")
        .write_all(stdin.as_bytes())
        .expect("written");
    child.wait_with_output().expect("it ends")
}

/// The tokens of retail customer `customer` of `sandbox`, granted outside the fleet
/// (the code flow run by a client of the test's own, with `redirect_uri`), as an
/// application moving to the fleet holds them.
pub async fn grant_outside(
    sandbox: &RunningSandbox,
    redirect_uri: &str,
    customer: usize,
) -> espi_client::TokenSet {
    let endpoints = espi_client::Endpoints::new(
        &sandbox.authorization_endpoint(),
        &sandbox.token_endpoint(),
        &sandbox.resource_endpoint(),
    )
    .expect("the sandbox's endpoints");
    let config = espi_client::ClientConfig::new(
        endpoints,
        sandbox.client_id(),
        sandbox.client_secret().to_owned(),
    )
    .with_redirect_uri(redirect_uri)
    .expect("a redirect URI");
    let client = espi_client::Client::new(config).expect("a client");
    let request = client
        .authorization_request(Generated::SCOPE, espi_client::AuthorizationOptions::new())
        .expect("an authorization request");
    let callback = approve(&no_redirects(), request.url.as_str(), customer).await;
    let query = url::Url::parse(&callback)
        .expect("a URL")
        .query()
        .unwrap_or_default()
        .to_owned();
    client
        .complete_authorization(&request.pending, &query)
        .await
        .expect("the code is exchanged")
}

/// Stops a process with SIGTERM and waits for it.
pub fn stop_worker(mut child: std::process::Child) {
    // SIGTERM: the worker lets its syncs finish.
    let _ = std::process::Command::new("kill")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();
}

/// An HTTP client that shows redirects instead of following them.
fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// The sandbox's answer to the authorization request at `url` approved for retail
/// customer `customer` (as its consent page would): the callback URL it redirects to.
async fn approve(http: &reqwest::Client, url: &str, customer: usize) -> String {
    let approved = http
        .get(format!("{url}&retail_customer={customer}"))
        .send()
        .await
        .expect("the sandbox answers");
    approved.headers()["location"]
        .to_str()
        .expect("a redirect to the callback")
        .to_owned()
}

/// Authorizes retail customers `customers` through the fleet at `fleet` (its
/// `/authorize` route; the sandbox approves at once for the customer named in
/// `retail_customer`, as its consent page would), returning the callback answers.
pub async fn authorize(fleet: &str, custodian: &str, customers: impl IntoIterator<Item = usize>) {
    let http = no_redirects();
    for customer in customers {
        let start = http
            .get(format!("{fleet}/authorize/{custodian}"))
            .send()
            .await
            .expect("the fleet answers");
        assert_eq!(start.status().as_u16(), 303, "GET /authorize");
        let location = start.headers()["location"]
            .to_str()
            .expect("text")
            .to_owned();
        let callback = approve(&http, &location, customer).await;
        let done = http.get(&callback).send().await.expect("the fleet answers");
        let status = done.status().as_u16();
        let body = done.text().await.unwrap_or_default();
        assert_eq!(status, 200, "callback of customer {customer}: {body}");
    }
}

/// Waits until the fleet at `base` answers `/metrics`.
pub async fn wait_for_http(base: &str, within: Duration) {
    let started = Instant::now();
    while started.elapsed() < within {
        if let Ok(answer) = reqwest::get(format!("{base}/metrics")).await
            && answer.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the fleet at {base} did not answer within {within:?}");
}

/// Count and sum of the values of customer `customer`'s readings, from the source
/// documents the sandbox serves.
pub fn source_totals(generated: &Generated, customer: usize) -> (u64, i64) {
    let data = &generated.customers()[customer - 1];
    let mut count = 0u64;
    let mut sum = 0i64;
    for resource in data.usage.iter().flat_map(|document| document.resources()) {
        if let Resource::IntervalBlock(block) = resource {
            for reading in &block.interval_reading {
                count += 1;
                sum += reading.value.unwrap_or(0);
            }
        }
    }
    (count, sum)
}

/// Waits until every scheduled authorization has synced its whole window once (or
/// ended), `within` at most; returns how many succeeded.
pub async fn wait_synced(store: &Store, expected: usize, within: Duration) -> usize {
    let started = Instant::now();
    loop {
        let schedules = store.schedules().await.expect("the schedules");
        let done = schedules
            .iter()
            .filter(|schedule| schedule.last_success_at.is_some() || schedule.ended.is_some())
            .count();
        if schedules.len() >= expected && done >= expected {
            return done;
        }
        assert!(
            started.elapsed() < within,
            "{done} of {expected} authorizations synced after {within:?}: {:#?}",
            schedules
                .iter()
                .filter(|schedule| schedule.last_success_at.is_none())
                .take(3)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Checks that every customer's subscription in the store holds exactly the source's
/// readings (count and sum) and each IntervalBlock once.
pub async fn check_complete(
    store: &Store,
    sandbox: &RunningSandbox,
    generated: &Generated,
    skip: &[usize],
) {
    for customer in 1..=generated.customers {
        if skip.contains(&customer) {
            continue;
        }
        let uri = sandbox
            .subscription_uri(&customer.to_string())
            .expect("a subscription");
        let totals = store.reading_totals(&uri).await.expect("totals");
        assert_eq!(
            (totals.count, totals.sum),
            source_totals(generated, customer),
            "customer {customer}: the store's readings (count, sum) are the source's"
        );
        let blocks = store
            .entries(&uri)
            .await
            .expect("entries")
            .iter()
            .filter(|entry| matches!(entry.resource(), Some(Resource::IntervalBlock(_))))
            .count();
        assert_eq!(
            blocks, generated.days as usize,
            "customer {customer}: blocks"
        );
    }
}

/// Checks the lease history: per authorization the leases never overlap (each ends,
/// released or closed after it expired, before the next begins), and every commit
/// lies within the lease it was made under. Returns the leases by authorization.
pub fn check_leases(history: &[LeaseRecord]) -> BTreeMap<i64, Vec<LeaseRecord>> {
    let mut by_authorization: BTreeMap<i64, Vec<LeaseRecord>> = BTreeMap::new();
    for record in history {
        by_authorization
            .entry(record.authorization_id)
            .or_default()
            .push(record.clone());
    }
    for (authorization, leases) in &by_authorization {
        for lease in leases {
            let end = lease.released_ms.unwrap_or(lease.expires_ms);
            assert!(lease.acquired_ms <= end, "{lease:?}");
            for at in &lease.commits_ms {
                assert!(
                    (lease.acquired_ms..=end).contains(at),
                    "authorization {authorization}: a commit at {at} outside its lease {lease:?}"
                );
            }
        }
        for pair in leases.windows(2) {
            let end = pair[0]
                .released_ms
                .expect("a lease followed by another was closed");
            assert!(
                end <= pair[1].acquired_ms,
                "authorization {authorization}: two workers held it at once: {pair:#?}"
            );
        }
    }
    by_authorization
}
