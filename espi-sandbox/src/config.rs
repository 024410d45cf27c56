//! What a sandbox serves and how it behaves: data, the registered client, token
//! lifetimes, the window policy, the clock and the fault knobs.

use espi_auth::WindowPolicy;
use espi_auth::{Clock, SystemClock};
use espi_model::atom::Document;
use std::sync::Arc;
use std::time::Duration;

/// One retail customer's data: usage (espi.xsd) and, optionally, customer (PII)
/// documents. The sandbox gives the customer a subscription serving the usage data.
#[derive(Debug, Clone, Default)]
pub struct CustomerData {
    /// Usage documents (feeds of UsagePoint, MeterReading, ReadingType,
    /// IntervalBlock, summaries, LocalTimeParameters), linked by their Atom links.
    pub usage: Vec<Document>,
    /// Customer (PII) documents (Customer, CustomerAccount, …).
    pub customer: Vec<Document>,
}

/// The one Third Party application registered with the sandbox.
#[derive(Debug, Clone)]
pub struct ClientRegistration {
    /// OAuth client id.
    pub client_id: String,
    /// OAuth client secret (client_secret_basic).
    pub client_secret: String,
    /// Registered redirect URIs: an authorization request must use one of them.
    pub redirect_uris: Vec<String>,
    /// Where BatchList notifications are POSTed when data is added.
    pub notify_uri: Option<String>,
    /// The scopes the Data Custodian offers the application (ApplicationInformation
    /// `scope` elements).
    pub scopes: Vec<String>,
}

impl Default for ClientRegistration {
    fn default() -> Self {
        ClientRegistration {
            client_id: "third_party".to_owned(),
            client_secret: "secret".to_owned(),
            redirect_uris: vec!["http://127.0.0.1/callback".to_owned()],
            notify_uri: None,
            scopes: vec![
                "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13"
                    .to_owned(),
            ],
        }
    }
}

/// Faults injected into responses, for testing clients. All off by default.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added before every response.
    pub latency: Duration,
    /// Share (0.0–1.0) of resource responses that fail with 500.
    pub error_500_share: f64,
    /// Share (0.0–1.0) of resource responses that fail with 429.
    pub error_429_share: f64,
    /// The `Retry-After` seconds sent with 429 (and 503) responses.
    pub retry_after: u64,
    /// Batch requests answered 202 Accepted (data being prepared) this many times
    /// per distinct path and query before they are served.
    pub accepted_polls: u32,
    /// Share (0.0–1.0) of resource responses cut off mid-body.
    pub cut_off_share: f64,
    /// Where a cut-off body stops, in bytes.
    pub cut_off_after: usize,
}

/// Bounds on what clients can make the sandbox hold, and on how long it waits for
/// them. What happens at each limit is documented where it applies: the OAuth
/// records in the authorization server, the connections and timeouts in the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Consent pages waiting for the customer's answer (each expires after ten
    /// minutes); more are refused with `temporarily_unavailable`. Default 1 000.
    pub pending_consents: usize,
    /// Authorization codes kept, live (a minute) or remembered after their use or
    /// expiry (an hour, so that a replay is recognised). Default 1 000.
    pub codes: usize,
    /// Authorizations kept; those that can never serve again make room for new grants.
    /// Default 10 000.
    pub authorizations: usize,
    /// Connections served at once; more wait in the listen backlog. Default 1 024.
    pub connections: usize,
    /// How long a client may take to send a request's headers, from the moment the
    /// connection is ready for them: after it opens, and after each response on a
    /// kept-alive connection, so this is also the longest idle keep-alive. Default 30 s.
    pub header_read_timeout: Duration,
    /// How long a response may wait for the client to take more of it before the
    /// connection is dropped. Default 30 s.
    pub write_timeout: Duration,
    /// How long a request body may pause between two of its pieces. Default 30 s.
    pub body_read_timeout: Duration,
    /// The largest body of the admin route that adds usage data. Default 512 MiB.
    pub upload_bytes: usize,
    /// The kernel's send buffer of each connection, bytes; `None` leaves it to the
    /// system's autotuning (on Linux up to `net.ipv4.tcp_wmem`'s maximum, 4 MiB by
    /// default), which a client that never reads fills. Default `None`.
    pub send_buffer: Option<usize>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            pending_consents: 1_000,
            codes: 1_000,
            authorizations: 10_000,
            connections: 1_024,
            header_read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            body_read_timeout: Duration::from_secs(30),
            upload_bytes: 512 * 1024 * 1024,
            send_buffer: None,
        }
    }
}

/// The sandbox's configuration. Build it with [`SandboxConfig::new`] and the `with_`
/// methods.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The retail customers and their data.
    pub customers: Vec<CustomerData>,
    /// The registered Third Party.
    pub client: ClientRegistration,
    /// Approve authorization requests without showing the consent page (tests).
    pub auto_approve: bool,
    /// Lifetime of access tokens, seconds.
    pub access_token_lifetime: u64,
    /// Lifetime of refresh tokens, seconds.
    pub refresh_token_lifetime: u64,
    /// The program's access window (Ameren Share My Usage by default).
    pub policy: WindowPolicy,
    /// The clock ([`SystemClock`] by default; tests pass a
    /// [`SettableClock`](espi_auth::SettableClock) or a closure).
    pub clock: Arc<dyn Clock>,
    /// Fault injection.
    pub faults: Faults,
    /// Bounds on records, connections and waits.
    pub limits: ServerLimits,
    /// A seed for the fault dice and generated secrets, so test runs repeat.
    pub seed: u64,
    /// Record every resource and token request served ([`RunningSandbox::requests`](crate::RunningSandbox::requests)).
    pub record_requests: bool,
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("customers", &self.customers.len())
            .field("client_id", &self.client.client_id)
            .field("auto_approve", &self.auto_approve)
            .field("access_token_lifetime", &self.access_token_lifetime)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

impl SandboxConfig {
    /// A sandbox serving `customers`, with the default client, one-hour access
    /// tokens, the Ameren window and the system clock.
    pub fn new(customers: Vec<CustomerData>) -> Self {
        SandboxConfig {
            customers,
            client: ClientRegistration::default(),
            auto_approve: false,
            access_token_lifetime: 3600,
            refresh_token_lifetime: 63_072_000,
            policy: WindowPolicy::ameren_share_my_usage(),
            clock: Arc::new(SystemClock),
            faults: Faults::default(),
            limits: ServerLimits::default(),
            seed: 1,
            record_requests: false,
        }
    }
}
