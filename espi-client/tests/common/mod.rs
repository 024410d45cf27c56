//! Helpers shared by the client's tests: sample data, a clock the test moves, a
//! sandbox on loopback, a client configured for it, and the authorization flow with
//! auto-approve.
//!
//! Every test file that uses them starts with `mod common;`. Not every file uses every
//! helper, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod scenario;

use espi_auth::SettableClock;
use espi_client::{
    AcceptedPolicy, AuthorizationOptions, Client, ClientConfig, Endpoints, RetryPolicy, TokenSet,
};
use espi_sandbox::{CustomerData, RunningSandbox, SandboxConfig};
use std::sync::Arc;
use std::time::Duration;

/// The sample files, copied into the repository (`testdata/samples`).
pub const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/samples");

/// The week of one-minute meter data the full-flow tests sync.
pub const METER_DATA: &str = "gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml";

/// 2014-03-01T00:00:00Z: inside the Ameren window of the samples' data.
pub const NOW: i64 = 1_393_632_000;

/// The usage scope the sandbox offers first (13 months of history).
pub const USAGE_SCOPE: &str =
    "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13";
/// A scope with every kind of usage data (intervals, summaries, power quality) and
/// retail-customer (PII) Function Blocks, so that every endpoint answers.
pub const CUSTOMER_SCOPE: &str = "FB=1_3_4_5_13_15_17_31_37_39_51_53_64_65_69;\
     IntervalDuration=900_3600;BlockDuration=daily_monthly";
/// A bulk scope for client_credentials tokens.
pub const BULK_SCOPE: &str = "FB=1_3_4_5_13_35;IntervalDuration=3600;BlockDuration=daily;BR=1";

/// The redirect URI registered for the test client (nothing listens there).
pub const REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// Reads one sample file (path relative to `testdata/samples`), leniently.
pub fn sample(relative: &str) -> espi_model::atom::Document {
    let path = format!("{SAMPLES}/{relative}");
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"));
    espi_xml::read_document(&bytes[..])
        .unwrap_or_else(|error| panic!("parsing {path}: {error}"))
        .document
}

/// Retail customer "1" has three usage points; "2" the week of meter data.
pub fn sample_customers() -> Vec<CustomerData> {
    vec![
        CustomerData {
            usage: vec![sample("gba-cmd-test/threeusagepointsonecustomer.xml")],
            customer: vec![sample("verdigris-pge/PGERetailCustomer.xml")],
        },
        CustomerData {
            usage: vec![sample(METER_DATA)],
            customer: vec![],
        },
    ]
}

/// A clock the test moves, shared by the sandbox and the client.
pub type TestClock = SettableClock;

/// The sandbox configuration: the sample customers, auto-approve, the clock at
/// [`NOW`], the usage and bulk scopes offered.
pub fn sandbox_config(clock: &TestClock) -> SandboxConfig {
    let mut config = SandboxConfig::new(sample_customers());
    config.auto_approve = true;
    config.clock = Arc::new(clock.clone());
    config.client.redirect_uris = vec![REDIRECT_URI.to_owned()];
    config.client.scopes = vec![
        USAGE_SCOPE.to_owned(),
        CUSTOMER_SCOPE.to_owned(),
        BULK_SCOPE.to_owned(),
    ];
    config
}

/// Starts a sandbox on a free loopback port.
pub async fn start(config: SandboxConfig) -> RunningSandbox {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    espi_sandbox::start(config, address)
        .await
        .expect("the sandbox starts on 127.0.0.1:0")
}

/// Retries in milliseconds, so that fault tests stay quick.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::new(8, Duration::from_millis(5), Duration::from_millis(50))
}

/// A client for `sandbox` on `clock`, with fast retries and polling.
pub fn client_config(sandbox: &RunningSandbox, clock: &TestClock) -> ClientConfig {
    let endpoints = Endpoints::new(
        &sandbox.authorization_endpoint(),
        &sandbox.token_endpoint(),
        &sandbox.resource_endpoint(),
    )
    .expect("the sandbox's endpoints are loopback URLs");
    ClientConfig::new(endpoints, sandbox.client_id(), sandbox.client_secret())
        .with_redirect_uri(REDIRECT_URI)
        .expect("a loopback redirect URI")
        .with_retry(fast_retry())
        .with_accepted(AcceptedPolicy::new(
            10,
            Duration::from_millis(5),
            Duration::from_millis(50),
        ))
        .with_clock(Arc::new(clock.clone()))
}

/// A client for `sandbox`.
pub fn client(sandbox: &RunningSandbox, clock: &TestClock) -> Client {
    Client::new(client_config(sandbox, clock)).expect("a client")
}

/// An HTTP client that does not follow redirects (the tests read `Location`).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client")
}

/// The whole authorization-code flow as retail customer `retail_customer`: the
/// client's authorization URL, followed without redirects (auto-approve), the
/// `Location` passed to the callback check, the code exchanged.
pub async fn authorize(client: &Client, retail_customer: &str, scope: &str) -> TokenSet {
    let request = client
        .authorization_request(
            scope,
            AuthorizationOptions::new().extra("retail_customer", retail_customer),
        )
        .expect("an authorization request");
    let location = location_of(&request.url).await;
    client
        .complete_authorization(&request.pending, &location)
        .await
        .expect("the code is exchanged")
}

/// Follows an authorization URL once and returns the redirect's `Location`.
pub async fn location_of(url: &url::Url) -> String {
    let response = no_redirects()
        .get(url.as_str())
        .send()
        .await
        .expect("the authorization endpoint answers");
    assert!(
        response.status().is_redirection(),
        "authorization redirects, got {}",
        response.status()
    );
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .expect("a Location")
        .to_str()
        .expect("an ASCII Location")
        .to_owned()
}

/// The facts of the meter-data sample (testdata/expected facts, computed
/// independently): readings, sum of values, first start, last end.
pub const METER_FACTS: (u64, i64, i64, i64) = (20_160, 338_759, 1_386_576_000, 1_387_180_740);

/// 2013-11-01T00:00:00Z: fault tests sync from here (4 months up to [`NOW`]) to
/// keep their request counts small; the data lies in December 2013.
pub const NOVEMBER_2013: i64 = 1_383_264_000;

/// Asserts that `store` holds exactly the meter-data sample's readings.
pub fn assert_complete(store: &espi_client::MemorySyncStore, subscription: &str) {
    let totals = store.totals(subscription);
    assert_eq!(
        (
            totals.count,
            totals.sum,
            totals.first_start,
            totals.last_end
        ),
        (
            METER_FACTS.0,
            METER_FACTS.1,
            Some(METER_FACTS.2),
            Some(METER_FACTS.3)
        ),
        "the synced readings equal the source file's"
    );
    // No reading twice: every (meter reading, start) is unique by the store's keys,
    // and the counts of the two meter readings add up.
    let readings = store.readings(subscription);
    let mut keys: Vec<_> = readings
        .iter()
        .map(|reading| (reading.meter_reading.clone(), reading.start()))
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), readings.len());
}

/// One request a [`RawServer`] received: the request line, the headers (names in
/// lower case) and the body.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// `GET /path HTTP/1.1`.
    pub line: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl RawRequest {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The path of the request line.
    pub fn path(&self) -> &str {
        self.line.split(' ').nth(1).unwrap_or_default()
    }
}

/// A minimal HTTP/1.1 server on a loopback port: it records every request and
/// answers with what `answer` returns (a whole response, head and body).
pub struct RawServer {
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// What it received, in order.
    pub received: tokio::sync::mpsc::UnboundedReceiver<RawRequest>,
}

impl RawServer {
    /// Starts the server.
    pub async fn start(
        answer: impl Fn(&RawRequest) -> String + Send + Sync + 'static,
    ) -> RawServer {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let origin = format!("http://{}", listener.local_addr().expect("an address"));
        let (sender, received) = tokio::sync::mpsc::unbounded_channel();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let sender = sender.clone();
                let answer = Arc::clone(&answer);
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut reader = BufReader::new(read);
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut headers = Vec::new();
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let header = header.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':') {
                            headers
                                .push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                        }
                    }
                    let length = headers
                        .iter()
                        .find(|(name, _)| name == "content-length")
                        .and_then(|(_, value)| value.parse::<usize>().ok())
                        .unwrap_or(0);
                    let mut body = vec![0; length];
                    if reader.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let request = RawRequest {
                        line: line.trim_end().to_owned(),
                        headers,
                        body,
                    };
                    let response = answer(&request);
                    let _ = sender.send(request);
                    let _ = write.write_all(response.as_bytes()).await;
                    let _ = write.shutdown().await;
                });
            }
        });
        RawServer { origin, received }
    }
}

/// A whole HTTP response with `status`, extra header lines and a body.
pub fn http_response(status: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(body);
    response
}
