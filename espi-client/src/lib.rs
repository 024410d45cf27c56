//! An async Green Button Connect My Data client: what a third party uses to pull its
//! customers' data from a Data Custodian over the NAESB REQ.21 ESPI REST API.
//!
//! - OAuth 2.0 as ESPI uses it ([`AuthorizationRequest`]): the authorization URL with
//!   PKCE, the callback check, code exchange, refresh and client_credentials with
//!   client_secret_basic, the ESPI token fields; tokens kept in a [`TokenStore`] and
//!   refreshed before they expire and once on a 401 ([`Session`]).
//! - TLS ([`ClientIdentity`]): the built-in roots, a Data Custodian's private root
//!   certificate, the operating system's roots with the `native-roots` feature, a
//!   mutual-TLS identity checked when it is loaded, and certificate refusals that fail
//!   at once with [`Error::Tls`] naming the cause instead of being retried.
//! - Every resource path as a typed value ([`ResourcePath`], with an id type per
//!   segment) from espi-auth's endpoint catalogue, with the query parameters as
//!   espi-auth's [`Query`](espi_auth::Query); responses decoded while they stream
//!   through espi-xml, page after page ([`FeedStream`]); 202 Accepted polled, 204 read
//!   as no data.
//! - A transport that is honest under faults ([`check_url`], [`RetryPolicy`]): bounded
//!   retries with backoff, jitter and `Retry-After`; timeouts and body size limits that
//!   end whatever a hostile server does ([`ClientConfig`]); a concurrency limit; plain
//!   http refused except on loopback; bearer tokens never sent to another origin;
//!   secrets redacted in `Debug` and logs ([`Secret`]).
//! - [`Pacer`]: a hook asked before every request and told what it got, so that
//!   workers sharing a Data Custodian slow down together when it throttles or fails.
//! - [`sync_subscription`]: one subscription synced month by month over the window the
//!   program and the authorization permit, resumable without gaps or duplicates.
//! - [`Notification`]: the BatchList a Data Custodian POSTs, and fetching exactly what
//!   it names.
//!
//! Every public item is at the crate root (the modules are private).
//!
//! # Example
//!
//! ```no_run
//! # async fn demo() -> espi_client::Result<()> {
//! use espi_client::{
//!     AuthorizationOptions, Client, ClientConfig, Endpoints, MemorySyncStore, SyncOptions,
//!     sync_subscription,
//! };
//!
//! let endpoints = Endpoints::new(
//!     "https://dc.example/oauth/authorize",
//!     "https://dc.example/oauth/token",
//!     "https://dc.example/DataCustodian/espi/1_1/resource",
//! )?;
//! let client = Client::new(
//!     ClientConfig::new(endpoints, "third_party", "s3cr3t")
//!         .with_redirect_uri("https://tp.example/callback")?,
//! )?;
//! let request = client.authorization_request("FB=1_3_4_5_13_14_39", AuthorizationOptions::new())?;
//! // … the customer approves; the browser arrives at the callback …
//! let tokens = client
//!     .complete_authorization(&request.pending, "https://tp.example/callback?code=…&state=…")
//!     .await?;
//! let store = MemorySyncStore::new();
//! let report = sync_subscription(&client.session(tokens.key()), &store, &SyncOptions::default()).await?;
//! println!("{} readings in {} months", report.readings, report.months_fetched);
//! # Ok(())
//! # }
//! ```
//!
//! # Dependencies
//!
//! - **`oauth2`** 5.x, without default features, for the protocol mechanics: the
//!   authorization URL, PKCE S256, `state`, the token requests with client_secret_basic
//!   (RFC 6749 §2.3.1 encoding) and the typed token and error responses. The ESPI
//!   members of the token response (`resourceURI`, `authorizationURI`,
//!   `customerResourceURI`) ride in its `ExtraTokenFields`. Its requests go through
//!   this crate's own reqwest client (a small `AsyncHttpClient` adapter), so it brings
//!   no HTTP stack: one reqwest 0.12 in the tree, with our retries, mutual TLS,
//!   timeouts and no redirects from the token endpoint. What it adds to the tree:
//!   `sha2` and its `digest` family, `serde_path_to_error`, thiserror 1 beside our
//!   thiserror 2, and chrono's `clock` feature (with `iana-time-zone`), which feature
//!   unification turns on for the whole workspace build (espi-model and espi-auth
//!   still read no clock: it is a compile-time capability, not a use). `rand` 0.8 was
//!   in the tree already. Two ESPI-relevant limits of it are known and accepted: it
//!   reads `expires_in` only as a JSON number (a Data Custodian that sends `"3600"`
//!   fails with [`Error::TokenResponse`]), and it splits the `scope` member on spaces
//!   (the client joins it back with one space; ESPI scopes have none).
//! - **rustls** 0.23 (the one under reqwest, with the same ring provider): its PEM
//!   reader and key check make [`ClientIdentity`] and [`RootCertificates`] say what is
//!   wrong with a file when it is loaded, with either TLS backend, and with the default
//!   `rustls-tls` feature (TLS through rustls) its error type tells a certificate or
//!   handshake refusal from a network failure. The `native-roots` feature
//!   turns on reqwest's `rustls-tls-native-roots` (rustls-native-certs, and
//!   openssl-probe on Linux); without it nothing is added. The `native-tls` feature,
//!   with the default features off, uses reqwest's native-tls backend instead: see
//!   [`ClientIdentity`], "TLS backends", for what differs.
//! - **reqwest** 0.12 with rustls (already used by espi-sandbox), **tokio** (`rt`,
//!   `sync`, `time`, `macros`: the decoder's blocking thread, channels, timers, and
//!   `select!` to stop reading a body once its decoder stopped), **bytes**
//!   (reqwest's chunk type), **futures-core** (the `Stream` trait of [`FeedStream`]),
//!   **tracing** and **url**, and the workspace's serde,
//!   serde_json, thiserror and chrono. Backoff jitter uses a SplitMix generator
//!   seeded from the standard library's random hasher keys rather than another crate.
//! - **async-trait** for the store traits ([`TokenStore`], [`SyncStore`]): they are
//!   async (a durable store waits on a disk or a database) and used as trait objects,
//!   which native `async fn` in traits does not allow; see [`TokenStore`].
//!
//! # Performance
//!
//! The streaming benchmark (a generated bulk body of 1 GiB through [`FeedStream`],
//! throughput and peak resident memory) runs with
//! `cargo test --release -p espi-client --test streaming -- --ignored --nocapture`;
//! the README gives the figures measured.
#![deny(missing_docs)]

#[cfg(not(any(feature = "rustls-tls", feature = "native-tls")))]
compile_error!(
    "espi-client needs a TLS backend: the `rustls-tls` (default) or `native-tls` feature"
);

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod client;
mod config;
mod error;
mod http;
mod ids;
mod notification;
mod oauth;
mod pace;
mod query;
mod resources;
mod retry;
mod secret;
mod stream;
mod sync;
mod tls;
mod token;

pub use client::{Client, Session};
pub use config::{
    ClientConfig, DEFAULT_BODY_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_TOKEN_BODY_SIZE,
    Endpoints,
};
pub use error::{CallbackError, Error, Result, StoreError};
pub use http::{ClientStats, check_url};
pub use ids::{
    ApplicationInformationId, AuthorizationId, IntervalBlockId, LocalTimeParametersId,
    MeterReadingId, QualitySummaryId, ReadingTypeId, RetailCustomerId, SubscriptionId,
    UsagePointId, UsageSummaryId,
};
pub use notification::{FetchedNotification, Notification, NotificationTarget};
pub use oauth::{
    AuthorizationOptions, AuthorizationRequest, PendingAuthorization, TokenResponseError,
    read_token_response,
};
pub use pace::{Attempt, Pacer};
pub use resources::ResourcePath;
pub use retry::{AcceptedPolicy, RetryPolicy};
pub use secret::Secret;
pub use stream::{FeedStream, FeedSummary, MAX_KEPT_DIAGNOSTICS};
pub use sync::{
    DEFAULT_CLOCK_SKEW, MemorySyncStore, MonthRecord, ReadingPosition, ReadingTotals,
    StoredReading, SyncBatch, SyncOptions, SyncReport, SyncStore, entry_key, readings_of,
    sync_subscription,
};
pub use tls::{ClientIdentity, RootCertificates};
pub use token::{
    Grant, GrantedScope, MemoryTokenStore, RefreshLock, TokenKey, TokenSet, TokenStore,
};
