//! The pull example as a child process, killed with SIGKILL again and again: after
//! the authorization, after the context and after each month's commit, while its
//! refresh request is in flight, and while it writes the final export. Every run
//! after the first needs no browser; at the end the store holds exactly the
//! source's readings in the window, none twice, and the export is whole. On SQLite
//! and on PostgreSQL.
//!
//! The child is this test binary running `espi pull`'s code (espi_cli::pull, which
//! the pull example runs too), as `pull_child`. The sandbox runs in this process on the
//! system clock; the child's token endpoint is a proxy here that can hold a request,
//! so the test knows the child is in the middle of a token exchange without guessing
//! with sleeps.

#[allow(unused_macros)]
#[path = "../espi-store/tests/common/mod.rs"]
mod store_common;

use espi_model::atom::Metadata;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading};
use espi_model::local_time_parameters::LocalTimeParameters;
use espi_model::meter_reading::MeterReading;
use espi_model::reading_type::ReadingType;
use espi_model::usage_point::UsagePoint;
use espi_model::{
    atom::{Document, Entry, Feed, Link},
    resource::Resource,
};
use espi_sandbox::{CustomerData, Faults, RunningSandbox, SandboxConfig};
use espi_store::Store;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

const DAY: i64 = 86_400;
const SCOPE: &str = "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=daily";
const REDIRECT_URI: &str = "http://127.0.0.1/callback";
/// No wait in this test is longer.
const PATIENCE: Duration = Duration::from_secs(120);

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(0))
}

/// The source: daily blocks of 24 hourly readings from 26 months ago to two days
/// ago (so that none becomes available while the test runs), as (start, value).
struct Source {
    document: Document,
    blocks: Vec<(i64, Vec<(i64, i64)>)>,
}

fn source() -> Source {
    let base = "https://dc.example/DataCustodian/espi/1_1/resource";
    let usage_point = format!("{base}/Subscription/1/UsagePoint/1");
    let meter_reading = format!("{usage_point}/MeterReading/1");
    let block_feed = format!("{meter_reading}/IntervalBlock");
    let local_time = format!("{base}/LocalTimeParameters/1");
    let reading_type = format!("{base}/ReadingType/1");
    let entry = |self_href: &str, up: &str, related: &[&str], resource: Resource| {
        let mut links = vec![Link::new("self", self_href), Link::new("up", up)];
        links.extend(related.iter().map(|href| Link::new("related", href)));
        Entry {
            meta: Metadata {
                id: Some(format!("urn:test:{self_href}")),
                published: Some("2000-01-01T00:00:00Z".to_owned()),
                links,
                ..Metadata::default()
            },
            content: vec![resource],
            ..Entry::default()
        }
    };
    let mut entries = vec![
        entry(
            &usage_point,
            &format!("{base}/Subscription/1/UsagePoint"),
            &[&format!("{usage_point}/MeterReading"), &local_time],
            Resource::UsagePoint(UsagePoint::default()),
        ),
        entry(
            &local_time,
            &format!("{base}/LocalTimeParameters"),
            &[],
            Resource::LocalTimeParameters(LocalTimeParameters {
                dst_end_rule: Some(espi_model::dst::DstRule(0xB40E_2000)),
                dst_offset: Some(3_600),
                dst_start_rule: Some(espi_model::dst::DstRule(0x360E_2000)),
                tz_offset: Some(-21_600),
                ..LocalTimeParameters::default()
            }),
        ),
        entry(
            &meter_reading,
            &format!("{usage_point}/MeterReading"),
            &[&block_feed, &reading_type],
            Resource::MeterReading(MeterReading::default()),
        ),
        entry(
            &reading_type,
            &format!("{base}/ReadingType"),
            &[],
            Resource::ReadingType(ReadingType::default()),
        ),
    ];
    let last = now().div_euclid(DAY) * DAY - 2 * DAY;
    let mut start = last - 26 * 31 * DAY;
    let mut blocks = Vec::new();
    while start < last {
        let readings: Vec<(i64, i64)> = (0..24)
            .map(|hour| {
                let at = start + hour * 3_600;
                (at, (at / 3_600).rem_euclid(977) + 1)
            })
            .collect();
        entries.push(entry(
            &format!("{block_feed}/{}", blocks.len() + 1),
            &block_feed,
            &[],
            Resource::IntervalBlock(IntervalBlock {
                interval: Some(DateTimeInterval::new(start, 86_400)),
                interval_reading: readings
                    .iter()
                    .map(|&(at, value)| IntervalReading {
                        time_period: Some(DateTimeInterval::new(at, 3_600)),
                        value: Some(value),
                        ..IntervalReading::default()
                    })
                    .collect(),
                ..IntervalBlock::default()
            }),
        ));
        blocks.push((start, readings));
        start += DAY;
    }
    Source {
        document: Document::Feed(Feed {
            entries,
            ..Feed::default()
        }),
        blocks,
    }
}

/// A TCP proxy in front of the token endpoint. While `hold` is set, the next bytes a
/// client sends are not forwarded: the proxy reports the request on `held` and keeps
/// the connection open until the client goes away.
struct TokenProxy {
    address: std::net::SocketAddr,
    hold: Arc<AtomicBool>,
    held: mpsc::UnboundedReceiver<()>,
}

async fn token_proxy(target: std::net::SocketAddr) -> TokenProxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let address = listener.local_addr().expect("an address");
    let hold = Arc::new(AtomicBool::new(false));
    let (report, held) = mpsc::unbounded_channel();
    let holding = Arc::clone(&hold);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let hold = Arc::clone(&holding);
            let report = report.clone();
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let upstream = async {
                    let mut buffer = vec![0; 16 * 1024];
                    loop {
                        let read = client_read.read(&mut buffer).await.unwrap_or(0);
                        if read == 0 {
                            return;
                        }
                        if hold.load(Ordering::SeqCst) {
                            let _ = report.send(());
                            // Swallow everything until the client is gone.
                            while client_read.read(&mut buffer).await.unwrap_or(0) > 0 {}
                            return;
                        }
                        if server_write.write_all(&buffer[..read]).await.is_err() {
                            return;
                        }
                    }
                };
                let downstream = tokio::io::copy(&mut server_read, &mut client_write);
                tokio::select! {
                    () = upstream => {}
                    _ = downstream => {}
                }
            });
        }
    });
    TokenProxy {
        address,
        hold,
        held,
    }
}

struct Fixture {
    sandbox: RunningSandbox,
    proxy: TokenProxy,
    source: Source,
    store: String,
    directory: tempfile::TempDir,
}

/// The variable that makes [`pull_child`] run the pull with its arguments
/// (separated by U+001F).
const CHILD: &str = "ESPI_PULL_CHILD_ARGUMENTS";

/// The child: the pull, then the process ends with its status (1 after saying why).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_child() {
    let Ok(arguments) = std::env::var(CHILD) else {
        return;
    };
    let arguments: Vec<String> = arguments
        .split('\u{1f}')
        .filter(|argument| !argument.is_empty())
        .map(str::to_owned)
        .collect();
    let arguments = std::iter::once("pull".to_owned()).chain(arguments);
    let args = <espi_cli::pull::PullArgs as clap::Parser>::parse_from(arguments);
    match espi_cli::pull::pull(&args).await {
        Ok(()) => std::process::exit(0),
        Err(error) => {
            eprintln!("pull: {error}");
            std::process::exit(1);
        }
    }
}

impl Fixture {
    async fn new(store: String, directory: tempfile::TempDir) -> Fixture {
        let source = source();
        let mut config = SandboxConfig::new(vec![CustomerData {
            usage: vec![source.document.clone()],
            customer: Vec::new(),
        }]);
        config.auto_approve = true;
        config.client.redirect_uris = vec![REDIRECT_URI.to_owned()];
        config.client.scopes = vec![SCOPE.to_owned()];
        // Slow enough that kills land between months, not after the run.
        config.faults = Faults {
            latency: Duration::from_millis(15),
            ..Faults::default()
        };
        let sandbox = espi_sandbox::start(config, "127.0.0.1:0".parse().expect("an address"))
            .await
            .expect("the sandbox starts");
        let proxy = token_proxy(sandbox.address()).await;
        Fixture {
            sandbox,
            proxy,
            source,
            store,
            directory,
        }
    }

    /// A pull child with the settings of this fixture and `arguments`.
    fn spawn(&self, arguments: &[&str]) -> Child {
        let token_endpoint = self.sandbox.token_endpoint().replace(
            &self.sandbox.address().to_string(),
            &self.proxy.address.to_string(),
        );
        let mut all = vec!["--store", self.store.as_str()];
        all.extend_from_slice(arguments);
        Command::new(std::env::current_exe().expect("this test"))
            .args(["pull_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, all.join("\u{1f}"))
            .env(
                "ESPI_AUTHORIZATION_ENDPOINT",
                self.sandbox.authorization_endpoint(),
            )
            .env("ESPI_TOKEN_ENDPOINT", token_endpoint)
            .env("ESPI_RESOURCE_ENDPOINT", self.sandbox.resource_endpoint())
            .env("ESPI_CLIENT_ID", self.sandbox.client_id())
            .env("ESPI_CLIENT_SECRET", self.sandbox.client_secret())
            .env("ESPI_REDIRECT_URI", REDIRECT_URI)
            .env("ESPI_SCOPE", SCOPE)
            .env_remove("ESPI_STORE_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the pull example starts")
    }
}

/// Lines of a child's standard error, as they come.
fn stderr_lines(child: &mut Child) -> mpsc::UnboundedReceiver<String> {
    let stderr = child.stderr.take().expect("piped");
    let (send, receive) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let _ = send.send(line);
        }
    });
    receive
}

/// Waits for a line containing `marker`; `Err` with what was seen if the child ended
/// first.
async fn wait_for(
    lines: &mut mpsc::UnboundedReceiver<String>,
    marker: &str,
    seen: &mut Vec<String>,
) -> Result<(), String> {
    let found = tokio::time::timeout(PATIENCE, async {
        while let Some(line) = lines.recv().await {
            let hit = line.contains(marker);
            seen.push(line);
            if hit {
                return true;
            }
        }
        false
    })
    .await
    .expect("the child answers in time");
    if found { Ok(()) } else { Err(seen.join("\n")) }
}

async fn kill(mut child: Child) {
    child.kill().await.expect("SIGKILL");
}

/// The expected readings for a grant at `grant`: every block lying within the
/// Ameren window (24 months back from the grant), as (start, value), sorted.
fn expected(source: &Source, grant: i64) -> Vec<(i64, i64)> {
    let floor = espi_auth::WindowPolicy::ameren_share_my_usage()
        .window(grant, &espi_auth::MonthClock::Utc)
        .expect("a window")
        .history_start
        .expect("a history limit");
    let mut readings: Vec<(i64, i64)> = source
        .blocks
        .iter()
        .filter(|(start, _)| *start >= floor)
        .flat_map(|(_, readings)| readings.iter().copied())
        .collect();
    readings.sort_unstable();
    readings
}

/// The whole scenario on the store at `store`.
async fn survive_kills(store: String, directory: tempfile::TempDir) {
    let mut fixture = Fixture::new(store, directory).await;
    let mut kills = 0;

    // Run 1: the authorization, with the customer's browser; killed right after the
    // first commit (the context), so the tokens were committed before it.
    let mut child = fixture.spawn(&[]);
    let mut lines = stderr_lines(&mut child);
    let mut stdout = BufReader::new(child.stdout.take().expect("piped")).lines();
    let url = tokio::time::timeout(PATIENCE, async {
        // The test harness prints its own words too, on the same line.
        while let Some(line) = stdout.next_line().await.expect("stdout") {
            if let Some(at) = line.find("http://") {
                return line[at..].to_owned();
            }
        }
        panic!("no authorization URL on standard output");
    })
    .await
    .expect("the authorization URL in time");
    let location = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
        .get(&url)
        .send()
        .await
        .expect("the sandbox approves")
        .headers()
        .get(reqwest::header::LOCATION)
        .expect("a redirect")
        .to_str()
        .expect("ASCII")
        .to_owned();
    let mut stdin = child.stdin.take().expect("piped");
    stdin
        .write_all(format!("{location}\n").as_bytes())
        .await
        .expect("the callback");
    drop(stdin);
    let mut seen = Vec::new();
    wait_for(&mut lines, "committed", &mut seen)
        .await
        .unwrap_or_else(|seen| panic!("the first run: {seen}"));
    let grant = now();
    kill(child).await;
    kills += 1;

    // Runs killed after the k-th commit (the context, then months), k = 1, 2, 3;
    // every fifth, the stored access token is expired first and the refresh request
    // held at the proxy: killed in the middle of the token exchange.
    for round in 1..=24 {
        if round % 5 == 0 {
            expire_access_token(&fixture.store).await;
            fixture.proxy.hold.store(true, Ordering::SeqCst);
            let child = fixture.spawn(&[]);
            tokio::time::timeout(PATIENCE, fixture.proxy.held.recv())
                .await
                .expect("the child refreshes in time")
                .expect("the proxy reports");
            kill(child).await;
            fixture.proxy.hold.store(false, Ordering::SeqCst);
            kills += 1;
            continue;
        }
        let mut child = fixture.spawn(&[]);
        let mut lines = stderr_lines(&mut child);
        let mut seen = Vec::new();
        let mut ended = false;
        for _ in 0..1 + round % 3 {
            if wait_for(&mut lines, "committed", &mut seen).await.is_err() {
                ended = true;
                break;
            }
        }
        if ended {
            // It finished before the kill: it must have finished well.
            let status = child.wait().await.expect("the child's status");
            assert!(status.success(), "round {round}:\n{}", seen.join("\n"));
        } else {
            kill(child).await;
            kills += 1;
        }
    }
    // A run left alone finishes, without the browser.
    let mut child = fixture.spawn(&[]);
    let mut lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    let _ = wait_for(&mut lines, "the store holds", &mut seen).await;
    let status = child.wait().await.expect("the child's status");
    let printed = seen.join("\n");
    assert!(
        status.success(),
        "the run after {kills} kills failed:\n{printed}"
    );
    assert!(
        !printed.contains("Open this URL"),
        "a run asked for the browser again:\n{printed}"
    );
    eprintln!("finished after {kills} kills; the last run said:\n{printed}");
    // Incremental: the months not covered yet and the re-read ones, not the window.
    let synced = printed
        .lines()
        .find_map(|line| line.strip_prefix("synced "))
        .expect("a summary line");
    let words: Vec<&str> = synced.split_whitespace().collect();
    let (fetched, planned): (u32, u32) = (
        words[0].parse().expect("a count"),
        words[2].parse().expect("a count"),
    );
    assert!(
        planned >= 24 && fetched <= planned / 2,
        "the last run read {fetched} of {planned} months"
    );

    // The final export, killed while it writes, then written whole.
    let export = fixture.directory.path().join("pulled.xml");
    let export_arg = export.display().to_string();
    for delay in [0, 2, 10] {
        let mut child = fixture.spawn(&["--export", &export_arg]);
        let mut lines = stderr_lines(&mut child);
        let mut seen = Vec::new();
        if wait_for(&mut lines, "exporting to", &mut seen)
            .await
            .is_ok()
        {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            kill(child).await;
            kills += 1;
        }
        if export.exists() {
            let bytes = std::fs::read(&export).expect("the export");
            espi_xml::read_document(&bytes[..]).expect("an export is never partial");
        }
    }
    let mut child = fixture.spawn(&["--export", &export_arg]);
    let mut lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    let _ = wait_for(&mut lines, "exported", &mut seen).await;
    let status = child.wait().await.expect("the child's status");
    assert!(status.success(), "{}", seen.join("\n"));
    assert!(kills >= 20, "only {kills} kills");

    // Exactly the source's readings in the window, in the store and in the export.
    let want = expected(&fixture.source, grant);
    let store = Store::open(&fixture.store).await.expect("the store opens");
    let subscription = fixture
        .sandbox
        .subscription_uri("1")
        .expect("the subscription");
    let held = store
        .readings(&subscription, i64::MIN, i64::MAX)
        .await
        .expect("the readings");
    let mut got: Vec<(i64, i64)> = held
        .iter()
        .map(|reading| (reading.start, reading.value.unwrap_or(i64::MIN)))
        .collect();
    got.sort_unstable();
    assert_eq!(
        got.len(),
        want.len(),
        "readings held vs the source in the window"
    );
    assert!(got == want, "the readings held differ from the source's");
    let bytes = std::fs::read(&export).expect("the export");
    let exported = espi_xml::read_document(&bytes[..]).expect("the export reads");
    let exported_readings: usize = exported
        .document
        .entries()
        .iter()
        .map(|entry| espi_client::readings_of(entry).len())
        .sum();
    assert_eq!(exported_readings, want.len());
    // And as convert's CSV: a header and one row per reading.
    let csv = fixture.directory.path().join("pulled.csv");
    let mut child = fixture.spawn(&["--export", &csv.display().to_string()]);
    let mut lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    let _ = wait_for(&mut lines, "exported", &mut seen).await;
    assert!(
        child.wait().await.expect("a status").success(),
        "{}",
        seen.join("\n")
    );
    let rows = std::fs::read_to_string(&csv)
        .expect("the CSV")
        .lines()
        .count();
    assert_eq!(rows, want.len() + 1);
    store.close().await;
    eprintln!(
        "{kills} kills; {} readings, none missing, none twice",
        want.len()
    );
}

/// Marks the stored access token expired, so that the next run refreshes first.
async fn expire_access_token(location: &str) {
    use espi_client::TokenStore;
    let store = Store::open(location).await.expect("the store opens");
    let mut expired = 0;
    for subscription in store.subscriptions().await.expect("listed") {
        let Some(key) = subscription.authorization else {
            continue;
        };
        let key = espi_client::TokenKey::new(key);
        if let Some(mut tokens) = store.get(&key).await.expect("tokens") {
            tokens.expires_at = Some(0);
            store.put(&key, tokens).await.expect("stored");
            expired += 1;
        }
    }
    assert_eq!(expired, 1, "one authorization in the store");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_survives_kill_9_anywhere_on_sqlite() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let store = directory.path().join("pull.sqlite").display().to_string();
    survive_kills(store, directory).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_survives_kill_9_anywhere_on_postgres() {
    let Some(admin) = store_common::postgres_url() else {
        return;
    };
    let (url, name) = store_common::fresh_database(&admin).await;
    let directory = tempfile::tempdir().expect("a temporary directory");
    survive_kills(url, directory).await;
    store_common::drop_database(&admin, &name).await;
}
