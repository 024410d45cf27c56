//! The client's settings ([`ClientConfig`], [`Endpoints`]).

use crate::error::{Error, Result};
use crate::http::check_url;
use crate::pace::Pacer;
use crate::retry::{AcceptedPolicy, RetryPolicy};
use crate::secret::Secret;
use crate::tls::{ClientIdentity, RootCertificates};
use espi_auth::{Clock, SystemClock};
use espi_xml::ReaderLimits;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// The Data Custodian's endpoints, as its ApplicationInformation publishes them
/// (`authorizationServerAuthorizationEndpoint`, `authorizationServerTokenEndpoint`,
/// `dataCustodianResourceEndpoint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `authorizationServerAuthorizationEndpoint`, e.g. `https://dc/oauth/authorize`.
    pub authorization: Url,
    /// `authorizationServerTokenEndpoint`, e.g. `https://dc/oauth/token`.
    pub token: Url,
    /// `dataCustodianResourceEndpoint`, e.g. `https://dc/DataCustodian/espi/1_1/resource`.
    /// Every resource request must lie under it.
    pub resource: Url,
}

impl Endpoints {
    /// Parses and checks the three endpoints: absolute `https` URLs (plain `http` only
    /// on loopback hosts).
    ///
    /// ```
    /// use espi_client::Endpoints;
    /// let endpoints = Endpoints::new(
    ///     "https://dc.example/oauth/authorize",
    ///     "https://dc.example/oauth/token",
    ///     "https://dc.example/DataCustodian/espi/1_1/resource",
    /// )?;
    /// assert_eq!(endpoints.resource.path(), "/DataCustodian/espi/1_1/resource");
    /// assert!(Endpoints::new("http://dc.example/a", "http://dc.example/t", "http://dc.example/r").is_err());
    /// # Ok::<(), espi_client::Error>(())
    /// ```
    pub fn new(authorization: &str, token: &str, resource: &str) -> Result<Endpoints> {
        let parse = |text: &str| -> Result<Url> {
            let url = Url::parse(text).map_err(|error| Error::InvalidUrl {
                url: text.to_owned(),
                reason: error.to_string(),
            })?;
            check_url(&url)?;
            Ok(url)
        };
        let mut resource = parse(resource)?;
        // `…/resource` and `…/resource/` name the same endpoint; keep it without the
        // slash so that paths join the same way.
        if resource.path().len() > 1 && resource.path().ends_with('/') {
            let trimmed = resource.path().trim_end_matches('/').to_owned();
            resource.set_path(&trimmed);
        }
        Ok(Endpoints {
            authorization: parse(authorization)?,
            token: parse(token)?,
            resource,
        })
    }

    /// The endpoints an ApplicationInformation resource names.
    pub fn from_application_information(
        application: &espi_model::application_information::ApplicationInformation,
    ) -> Result<Endpoints> {
        let field = |value: &Option<String>, name: &str| -> Result<String> {
            value
                .clone()
                .ok_or_else(|| Error::Config(format!("the ApplicationInformation has no {name}")))
        };
        Endpoints::new(
            &field(
                &application.authorization_server_authorization_endpoint,
                "authorizationServerAuthorizationEndpoint",
            )?,
            &field(
                &application.authorization_server_token_endpoint,
                "authorizationServerTokenEndpoint",
            )?,
            &field(
                &application.data_custodian_resource_endpoint,
                "dataCustodianResourceEndpoint",
            )?,
        )
    }
}

/// The default [`ClientConfig::max_body_size`]: 4 GiB.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 4 << 30;

/// The default [`ClientConfig::max_token_body_size`]: 1 MiB.
pub const DEFAULT_MAX_TOKEN_BODY_SIZE: u64 = 1 << 20;

/// The default [`ClientConfig::body_timeout`]: 1 hour.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(3600);

/// Everything a [`Client`](crate::Client) needs. Build it with [`ClientConfig::new`]
/// and adjust the public fields or the `with_` methods.
///
/// ```
/// use espi_client::{ClientConfig, Endpoints, RetryPolicy};
/// use std::time::Duration;
/// let endpoints = Endpoints::new(
///     "https://dc.example/oauth/authorize",
///     "https://dc.example/oauth/token",
///     "https://dc.example/DataCustodian/espi/1_1/resource",
/// )?;
/// let config = ClientConfig::new(endpoints, "third_party", "s3cr3t")
///     .with_redirect_uri("https://tp.example/callback")?
///     .with_retry(RetryPolicy::new(4, Duration::from_millis(200), Duration::from_secs(5)))
///     .with_max_concurrency(8);
/// assert!(!format!("{config:?}").contains("s3cr3t"));
/// # Ok::<(), espi_client::Error>(())
/// ```
///
/// The client's settings: the Data Custodian's endpoints, the registered client's
/// credentials, the TLS roots of trust and an optional mutual-TLS identity, timeouts,
/// body size limits, retries, concurrency and the clock.
///
/// # What bounds a hostile server
///
/// Whatever a server does, every request ends, and ends in an error that names the
/// bound it hit, never in a partial result reported as whole:
///
/// | the server… | ends with | setting (default) |
/// |---|---|---|
/// | never accepts the connection | [`Error::Timeout`] | [`connect_timeout`](ClientConfig::connect_timeout) (10 s) |
/// | sends its headers slowly, or never | [`Error::Timeout`] | [`request_timeout`](ClientConfig::request_timeout) (60 s, per attempt; reqwest counts [`read_timeout`](ClientConfig::read_timeout) from the request to the headers too, so the smaller of the two) |
/// | sends endless headers | [`Error::Transport`] | hyper's header limits (about 400 KiB, 100 headers) |
/// | stops sending mid-body | [`Error::Timeout`] | [`read_timeout`](ClientConfig::read_timeout) (60 s of silence) |
/// | trickles a body forever | [`Error::Timeout`] | [`body_timeout`](ClientConfig::body_timeout) (1 h per response body) |
/// | sends a body over the limit, or endless | [`Error::BodyTooLarge`] | [`max_body_size`](ClientConfig::max_body_size) (4 GiB) |
/// | sends a large token response | [`Error::BodyTooLarge`] | [`max_token_body_size`](ClientConfig::max_token_body_size) (1 MiB) |
/// | sends an error status with a slow body | [`Error::Status`] with what arrived | [`request_timeout`](ClientConfig::request_timeout) |
/// | cuts the body short of its `Content-Length` or last chunk | [`Error::Truncated`] | — |
/// | sends XML that is not well-formed, or too deep or large | [`Error::Xml`] with the position | [`xml_limits`](ClientConfig::xml_limits) |
///
/// Retries ([`RetryPolicy`]) repeat only the retryable ones, a bounded number of times.
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// The Data Custodian's endpoints.
    pub endpoints: Endpoints,
    /// The registered client id.
    pub client_id: String,
    /// The client secret, sent with HTTP Basic (client_secret_basic).
    pub client_secret: Secret,
    /// The registered redirect URI sent with authorization requests and code
    /// exchanges.
    pub redirect_uri: Option<Url>,
    /// The mutual-TLS client certificate, when the Data Custodian requires one (see
    /// [`ClientIdentity`]).
    pub identity: Option<ClientIdentity>,
    /// Certificates of certification authorities to trust besides the built-in roots
    /// (a Data Custodian whose certificate a private authority issued; see
    /// [`ClientIdentity`]).
    pub root_certificates: Option<RootCertificates>,
    /// Whether the built-in roots are trusted (default `true`): the compiled-in
    /// Mozilla roots, and with the `native-roots` feature the operating system's.
    /// `false` trusts [`root_certificates`](ClientConfig::root_certificates) alone.
    pub built_in_roots: bool,
    /// Retries of each request.
    pub retry: RetryPolicy,
    /// Polling of 202 Accepted.
    pub accepted: AcceptedPolicy,
    /// How long to wait for a connection.
    pub connect_timeout: Duration,
    /// How long to wait for the response headers of each attempt, however they
    /// trickle (reqwest also ends an attempt whose headers take longer than
    /// [`read_timeout`](ClientConfig::read_timeout)). Token responses and error bodies
    /// must also arrive whole within it after their headers.
    pub request_timeout: Duration,
    /// How long a response body may stay silent before the request fails (a body
    /// of gigabytes may take as long as it needs while bytes keep coming, up to
    /// [`body_timeout`](ClientConfig::body_timeout)).
    pub read_timeout: Duration,
    /// The most time the client may spend waiting for the bytes of one resource
    /// response body, from its headers to its end (default 1 hour; `None`: no bound
    /// but the size limit). Time the consumer of a [`FeedStream`](crate::FeedStream)
    /// takes over the entries does not count. It ends a server that trickles a body
    /// forever, a byte just inside every
    /// [`read_timeout`](ClientConfig::read_timeout). The default lets the largest
    /// body [`max_body_size`](ClientConfig::max_body_size) allows arrive at about
    /// 1.2 MB/s; raise both together for larger bulk files over slow links. Each page
    /// of a paged feed has its own. Token responses and error bodies are small and
    /// must arrive whole within [`request_timeout`](ClientConfig::request_timeout)
    /// instead.
    pub body_timeout: Option<Duration>,
    /// The most bytes one resource response body may have (default 4 GiB): a
    /// `Content-Length` above it fails before the body is read, and a body without one
    /// fails as soon as its bytes pass it, so that an endless body ends in
    /// [`Error::BodyTooLarge`]. The body streams through the decoder, so memory does
    /// not grow with it; the limit bounds the time and traffic a server can make a
    /// request cost. A month of one subscription is a few megabytes; a Batch/Bulk
    /// response of 24 months of 15-minute data is about 10 MB per usage point, so the
    /// default holds a few hundred usage points in one response. Each page of a paged
    /// feed is one response.
    pub max_body_size: u64,
    /// The most bytes of a token endpoint response (default 1 MiB): a token response
    /// is a few hundred bytes of JSON.
    pub max_token_body_size: u64,
    /// The espi-xml limits for resource responses (depth, text, attribute and entry
    /// sizes: [`ReaderLimits::default`]). Their `max_document_size` is lowered to
    /// [`max_body_size`](ClientConfig::max_body_size) when it is larger or unset.
    pub xml_limits: ReaderLimits,
    /// The most requests in flight at once over the whole client (a response being
    /// streamed counts until its body ends).
    pub max_concurrency: usize,
    /// Refresh an access token this long before it expires.
    pub refresh_margin: Duration,
    /// `max-results` sent on feed requests that do not set it, with the pages
    /// followed by `start-index`; `None` asks for everything in one response.
    pub page_size: Option<u64>,
    /// The most same-origin redirects followed.
    pub max_redirects: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// The clock for token expiry and sync windows ([`SystemClock`] by default; tests
    /// share a [`SettableClock`](espi_auth::SettableClock) with the sandbox).
    pub clock: Arc<dyn Clock>,
    /// Asked before every HTTP attempt and told what it got (see [`Pacer`]);
    /// `None` by default.
    pub pacer: Option<Arc<dyn Pacer>>,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoints", &self.endpoints)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("redirect_uri", &self.redirect_uri.as_ref().map(Url::as_str))
            .field("identity", &self.identity)
            .field("root_certificates", &self.root_certificates)
            .field("built_in_roots", &self.built_in_roots)
            .field("retry", &self.retry)
            .field("accepted", &self.accepted)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("body_timeout", &self.body_timeout)
            .field("max_body_size", &self.max_body_size)
            .field("max_token_body_size", &self.max_token_body_size)
            .field("xml_limits", &self.xml_limits)
            .field("max_concurrency", &self.max_concurrency)
            .field("refresh_margin", &self.refresh_margin)
            .field("page_size", &self.page_size)
            .field("pacer", &self.pacer)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    /// A configuration with the default policies: retries per
    /// [`RetryPolicy::default`], 202 polling per [`AcceptedPolicy::default`], 10 s to
    /// connect, 60 s to the response headers, 60 s of body silence, 1 hour per body,
    /// bodies of at most 4 GiB (token responses 1 MiB), espi-xml's default limits,
    /// 4 requests at once, refresh 60 s before expiry, no paging, the system clock.
    pub fn new(
        endpoints: Endpoints,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> ClientConfig {
        ClientConfig {
            endpoints,
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uri: None,
            identity: None,
            root_certificates: None,
            built_in_roots: true,
            retry: RetryPolicy::default(),
            accepted: AcceptedPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            read_timeout: Duration::from_secs(60),
            body_timeout: Some(DEFAULT_BODY_TIMEOUT),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            max_token_body_size: DEFAULT_MAX_TOKEN_BODY_SIZE,
            xml_limits: ReaderLimits::default(),
            max_concurrency: 4,
            refresh_margin: Duration::from_secs(60),
            page_size: None,
            max_redirects: 5,
            user_agent: concat!("espi-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            clock: Arc::new(SystemClock),
            pacer: None,
        }
    }

    /// Sets the redirect URI (checked like the endpoints).
    pub fn with_redirect_uri(mut self, redirect_uri: &str) -> Result<ClientConfig> {
        let url = Url::parse(redirect_uri).map_err(|error| Error::InvalidUrl {
            url: redirect_uri.to_owned(),
            reason: error.to_string(),
        })?;
        check_url(&url)?;
        self.redirect_uri = Some(url);
        Ok(self)
    }

    /// Sets the mutual-TLS identity.
    pub fn with_identity(mut self, identity: ClientIdentity) -> ClientConfig {
        self.identity = Some(identity);
        self
    }

    /// Trusts the servers whose certificates these authorities issued, besides the
    /// built-in roots (see [`ClientIdentity`]).
    ///
    /// ```no_run
    /// use espi_client::{ClientConfig, Endpoints, RootCertificates};
    /// let endpoints = Endpoints::new(
    ///     "https://dc.staging.example/oauth/authorize",
    ///     "https://dc.staging.example/oauth/token",
    ///     "https://dc.staging.example/DataCustodian/espi/1_1/resource",
    /// )?;
    /// let config = ClientConfig::new(endpoints, "third_party", "s3cr3t")
    ///     .with_root_certificates(RootCertificates::from_pem(&std::fs::read("staging-ca.pem")?)?)
    ///     .with_built_in_roots(false);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_root_certificates(mut self, roots: RootCertificates) -> ClientConfig {
        self.root_certificates = Some(roots);
        self
    }

    /// Whether the built-in roots are trusted
    /// ([`built_in_roots`](ClientConfig::built_in_roots)).
    pub fn with_built_in_roots(mut self, built_in_roots: bool) -> ClientConfig {
        self.built_in_roots = built_in_roots;
        self
    }

    /// Sets the retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> ClientConfig {
        self.retry = retry;
        self
    }

    /// Sets the 202 polling policy.
    pub fn with_accepted(mut self, accepted: AcceptedPolicy) -> ClientConfig {
        self.accepted = accepted;
        self
    }

    /// Sets the concurrency limit (at least 1).
    pub fn with_max_concurrency(mut self, max_concurrency: usize) -> ClientConfig {
        self.max_concurrency = max_concurrency.max(1);
        self
    }

    /// Sets the page size (`max-results`) used when a query sets none.
    pub fn with_page_size(mut self, page_size: Option<u64>) -> ClientConfig {
        self.page_size = page_size;
        self
    }

    /// Sets the clock.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> ClientConfig {
        self.clock = clock;
        self
    }

    /// Paces every HTTP attempt with `pacer` (see [`Pacer`]).
    pub fn with_pacer(mut self, pacer: Arc<dyn Pacer>) -> ClientConfig {
        self.pacer = Some(pacer);
        self
    }

    /// Sets the connect, header and body-silence timeouts.
    pub fn with_timeouts(
        mut self,
        connect: Duration,
        request: Duration,
        read: Duration,
    ) -> ClientConfig {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self.read_timeout = read;
        self
    }

    /// Sets the most time one resource response body may take
    /// ([`body_timeout`](ClientConfig::body_timeout); `None`: no bound but the size
    /// limit).
    pub fn with_body_timeout(mut self, body_timeout: Option<Duration>) -> ClientConfig {
        self.body_timeout = body_timeout;
        self
    }

    /// Sets the most bytes of one resource response body and of one token response
    /// ([`max_body_size`](ClientConfig::max_body_size),
    /// [`max_token_body_size`](ClientConfig::max_token_body_size)).
    ///
    /// ```
    /// use espi_client::{ClientConfig, Endpoints};
    /// let endpoints = Endpoints::new(
    ///     "https://dc.example/oauth/authorize",
    ///     "https://dc.example/oauth/token",
    ///     "https://dc.example/DataCustodian/espi/1_1/resource",
    /// )?;
    /// let config = ClientConfig::new(endpoints, "third_party", "s3cr3t")
    ///     .with_body_limits(16 << 30, 64 << 10);
    /// assert_eq!(config.max_body_size, 16 << 30);
    /// assert_eq!(config.max_token_body_size, 64 << 10);
    /// # Ok::<(), espi_client::Error>(())
    /// ```
    pub fn with_body_limits(
        mut self,
        max_body_size: u64,
        max_token_body_size: u64,
    ) -> ClientConfig {
        self.max_body_size = max_body_size;
        self.max_token_body_size = max_token_body_size;
        self
    }

    /// Sets the espi-xml limits for resource responses
    /// ([`xml_limits`](ClientConfig::xml_limits)).
    pub fn with_xml_limits(mut self, xml_limits: ReaderLimits) -> ClientConfig {
        self.xml_limits = xml_limits;
        self
    }

    /// The reader options for resource responses: lenient, with
    /// [`xml_limits`](ClientConfig::xml_limits) and a document limit no larger than
    /// [`max_body_size`](ClientConfig::max_body_size).
    pub fn reader_options(&self) -> espi_xml::ReaderOptions {
        let document = match self.xml_limits.max_document_size {
            Some(bytes) => bytes.min(self.max_body_size),
            None => self.max_body_size,
        };
        espi_xml::ReaderOptions::lenient()
            .with_limits(self.xml_limits.with_max_document_size(Some(document)))
    }
}
