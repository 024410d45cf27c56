//! A local Green Button Connect My Data Data Custodian.
//!
//! `espi-sandbox` serves Green Button files over the ESPI REST API (the paths of
//! [`espi_auth::ENDPOINTS`]) with an OAuth 2.0 authorization server (RFC 6749 with
//! the ESPI token members), enforcing the espi-auth rules: a token
//! sees only its own subscription, within its scope and the program's window, until it
//! expires or is revoked. Third parties have no public sandbox to develop against; this
//! one runs in a test on `127.0.0.1:0`:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use espi_sandbox::{CustomerData, SandboxConfig, start};
//! let document = espi_xml::read_document(&std::fs::read("usage.xml")?[..])
//!     .map_err(std::io::Error::other)?
//!     .document;
//! let mut config = SandboxConfig::new(vec![CustomerData { usage: vec![document], customer: vec![] }]);
//! config.auto_approve = true;
//! let sandbox = start(config, "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{} client {}", sandbox.resource_endpoint(), sandbox.client_id());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! URL layout (as OpenESPI's): `/DataCustodian/oauth/authorize`,
//! `/DataCustodian/oauth/token`, and the resources under
//! `/DataCustodian/espi/1_1/resource`.
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod access;
mod admin_resources;
mod config;
mod data;
mod error;
mod faults;
mod files;
mod generated;
mod grants;
mod notify;
mod oauth;
mod query;
mod refresh_token;
mod request_log;
mod resources;
mod state;
mod stream;

pub use config::{ClientRegistration, CustomerData, Faults, SandboxConfig, ServerLimits};
pub use error::ApiError;
pub use files::{DataFileError, StartupSummary};
pub use generated::Generated;
pub use notify::{AddError, AddedUsage, NotificationDelivery};
pub use request_log::RecordedRequest;

use axum::Router;
use state::{DATA_CUSTODIAN, RESOURCE_PATH, Shared};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A sandbox serving on a local port.
pub struct RunningSandbox {
    address: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// Starts a sandbox on `address` (use port 0 for any free port) and returns once it
/// accepts connections.
pub async fn start(config: SandboxConfig, address: SocketAddr) -> std::io::Result<RunningSandbox> {
    let listener = espi_serve::listen(address, config.limits.send_buffer)?;
    let address = listener.local_addr()?;
    let base = format!("http://{address}{DATA_CUSTODIAN}");
    let data = data::DataStore::load(&config.customers, &format!("{base}{RESOURCE_PATH}"));
    let limits = config.limits;
    let auth = grants::AuthStore::new(limits);
    let shared = Arc::new(Shared {
        config,
        base,
        data: RwLock::new(data),
        auth: Mutex::new(auth),
        faults: Mutex::new(faults::FaultState::default()),
        http: reqwest::Client::new(),
        requests: Mutex::new(request_log::RequestLog::default()),
    });
    let app: Router = Router::new()
        .merge(oauth::routes())
        .merge(admin_resources::routes())
        .merge(resources::routes())
        .merge(notify::routes())
        // Keep last: faults apply to the resource routes merged above, and the log
        // records what the faults answered too.
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            faults::inject,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            request_log::record,
        ))
        .with_state(Arc::clone(&shared));
    let (stop, stopped) = oneshot::channel::<()>();
    let serve_limits = espi_serve::ServeLimits::new(
        limits.connections,
        limits.header_read_timeout,
        limits.write_timeout,
    );
    let server = tokio::spawn(espi_serve::serve(listener, app, serve_limits, async {
        let _ = stopped.await;
    }));
    Ok(RunningSandbox {
        address,
        shared,
        stop: Some(stop),
        server: Some(server),
    })
}

impl RunningSandbox {
    /// The address the sandbox listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT/DataCustodian`.
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The ESPI resource endpoint, `…/DataCustodian/espi/1_1/resource`
    /// (ApplicationInformation `dataCustodianResourceEndpoint`).
    pub fn resource_endpoint(&self) -> String {
        self.shared.resource_base()
    }

    /// The OAuth authorization endpoint.
    pub fn authorization_endpoint(&self) -> String {
        format!("{}/oauth/authorize", self.shared.base)
    }

    /// The OAuth token endpoint.
    pub fn token_endpoint(&self) -> String {
        format!("{}/oauth/token", self.shared.base)
    }

    /// The registered client's id.
    pub fn client_id(&self) -> &str {
        &self.shared.config.client.client_id
    }

    /// The registered client's secret.
    pub fn client_secret(&self) -> &str {
        &self.shared.config.client.client_secret
    }

    /// Stops accepting connections and waits for the server to finish: idle
    /// connections close at once, responses in progress get five seconds.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl std::fmt::Debug for RunningSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSandbox")
            .field("address", &self.address)
            .field("client_id", &self.client_id())
            .finish_non_exhaustive()
    }
}

impl RunningSandbox {
    /// Revokes Authorization `authorization_id` as the Data Custodian does when the
    /// customer withdraws consent: its status becomes Revoked (0) and `revoked_at` is
    /// the sandbox's now. Requests with its access token then get 401 and its refresh
    /// token `invalid_grant`. Revoking a revoked Authorization succeeds and changes
    /// nothing; an unknown id is a 404 [`ApiError`].
    pub fn revoke(&self, authorization_id: &str) -> Result<(), ApiError> {
        admin_resources::revoke(&self.shared, authorization_id)
    }

    /// The Data Custodian's own access token (a `datacustodian_access_token`, D,
    /// bound to `…/espi/1_1/resource/`): it reaches every resource and every retail
    /// customer, and the admin routes (`POST /DataCustodian/admin/…`). Made on first
    /// use; the same token afterwards.
    ///
    /// # Panics
    ///
    /// If the operating system provides no randomness for the token.
    pub fn data_custodian_token(&self) -> String {
        self.admin_token(espi_auth::TokenKind::DataCustodian)
    }

    /// The application's `registration_access_token` (R, bound to
    /// `…/ApplicationInformation/1`), as its ApplicationInformation also carries.
    ///
    /// # Panics
    ///
    /// If the operating system provides no randomness for the token.
    pub fn registration_token(&self) -> String {
        self.admin_token(espi_auth::TokenKind::Registration)
    }

    /// An `upload_access_token` (U, bound to `…/Batch/RetailCustomer/*/UsagePoint`):
    /// it may GET and POST any retail customer's usage upload path and nothing else.
    /// Made on first use; the same token afterwards.
    ///
    /// # Panics
    ///
    /// If the operating system provides no randomness for the token.
    pub fn upload_token(&self) -> String {
        self.admin_token(espi_auth::TokenKind::Upload)
    }

    /// Every Authorization granted so far, in id order: its id and its status now
    /// (with the end of its authorizedPeriod applied).
    pub fn authorizations(&self) -> Vec<(String, espi_model::code_list::AuthorizationStatus)> {
        let now = self.shared.now();
        state::lock(&self.shared.auth)
            .authorizations()
            .map(|record| (record.id.clone(), record.status(now).into()))
            .collect()
    }

    fn admin_token(&self, kind: espi_auth::TokenKind) -> String {
        let now = self.shared.now();
        let terms = grants::Terms::of(&self.shared);
        state::lock(&self.shared.auth)
            .admin_token(now, &terms, kind)
            .unwrap_or_else(|error| panic!("making the sandbox's {kind}: {error}"))
    }
}

impl RunningSandbox {
    /// Replaces the fault knobs from now on (a storm of 429s that starts and ends
    /// while clients run, say).
    pub fn set_faults(&self, faults: Faults) {
        state::lock(&self.shared.faults).knobs = Some(faults);
    }

    /// The resource and token requests served so far, oldest first, when
    /// [`SandboxConfig::record_requests`] is set (else none).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        state::lock(&self.shared.requests).all()
    }
}

impl RunningSandbox {
    /// The retail customer ids, `"1"`, `"2"`, … in configuration order. Each has one
    /// subscription with the same id.
    pub fn retail_customers(&self) -> Vec<String> {
        state::read(&self.shared.data).retail_customers.clone()
    }

    /// The main feed of a retail customer's subscription,
    /// `…/espi/1_1/resource/Batch/Subscription/{id}`.
    pub fn subscription_uri(&self, retail_customer_id: &str) -> Option<String> {
        let subscription = state::read(&self.shared.data).subscription_id(retail_customer_id)?;
        Some(format!(
            "{}/Batch/Subscription/{subscription}",
            self.shared.resource_base()
        ))
    }

    /// What loading the data reported: resources served outside a UsagePoint's tree
    /// and entries not served, one line each.
    pub fn data_notes(&self) -> Vec<String> {
        state::read(&self.shared.data).notes().to_vec()
    }

    /// The admin URL that adds usage data to a retail customer over HTTP
    /// (`POST`, see [`RunningSandbox::add_usage`]).
    pub fn add_usage_url(&self, retail_customer_id: &str) -> String {
        format!(
            "{}/admin/RetailCustomer/{retail_customer_id}/UsagePoint",
            self.shared.base
        )
    }

    /// Adds the entries of `document` (new IntervalBlocks under existing MeterReadings,
    /// or whole new UsagePoints) to a retail customer's usage data, stamped with the
    /// sandbox's now, then POSTs a BatchList notification to the client's notify URI
    /// for each authorization in force (the "PUSH model" of NAESB REQ.21: a
    /// notification, then a GET).
    ///
    ///
    /// Data is added with this method
    /// or over HTTP:
    ///
    /// ```text
    /// POST /DataCustodian/admin/RetailCustomer/{retailCustomerId}/UsagePoint
    /// Authorization: Bearer <the Data Custodian's token>
    /// Content-Type: application/atom+xml
    ///
    /// <feed>…new IntervalBlocks, or whole UsagePoints…</feed>
    /// ```
    ///
    /// The token is judged as for ESPI's upload route `Batch/RetailCustomer/{id}/UsagePoint`
    /// (POST: data custodian or upload tokens), before the body is read. The answer is 201
    /// with a JSON summary (`added`, `paths`, `notification`); 400 for a body that is not
    /// ESPI XML or does not link to the customer's data (nothing is added then), 404 for an
    /// unknown customer, 413 for a body over [`ServerLimits::upload_bytes`](crate::ServerLimits) (512
    /// MiB by default), 408 for one that stalls.
    ///
    /// What links where: the posted entries are linked among themselves first (the rules of
    /// [`espi_model::link`]); what does not link there must link to the customer's data by
    /// its Atom links, in the source files' hrefs or the sandbox's: an IntervalBlock whose
    /// `up` is a MeterReading's IntervalBlock collection, a MeterReading or summary whose
    /// `up` is a UsagePoint's collection. A UsagePoint, MeterReading, ReadingType or
    /// LocalTimeParameters whose `self` names one the customer has is that one and is not
    /// added again, so a client may post a whole tree with its new blocks. When anything
    /// does not link, nothing is added. Added entries get ids and hrefs in the sandbox's
    /// URL space and are stamped `published` = `updated` = the sandbox's now.
    ///
    /// Then, when the client registered a notify URI and the customer has authorizations in
    /// force, the sandbox POSTs an ESPI `BatchList` (`application/atom+xml`) there, with
    /// one URI per subscription, as OpenESPI writes them with one addition:
    /// `…/Batch/Subscription/{id}?published-min={a}&published-max={b}&updated-min={now}`.
    /// `[a, b]` is the span of the added IntervalBlocks' intervals (which is how the query
    /// parameters select blocks: [`espi_auth::Query`]), widened to now when other entries were added (those are selected by
    /// `published`, which is now). `updated-min` is the time of the addition: without it
    /// the range would also select existing entries that fall inside it; with it, fetching
    /// the URI returns exactly the added entries (and whatever is added after them). The
    /// outcome is returned and logged; a failed notification does not undo the addition.
    pub async fn add_usage(
        &self,
        retail_customer_id: &str,
        document: espi_model::atom::Document,
    ) -> Result<AddedUsage, AddError> {
        notify::add_usage(&self.shared, retail_customer_id, document).await
    }
}
