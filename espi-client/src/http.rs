//! The HTTP transport under everything (see [`check_url`] for what it refuses).

use crate::config::ClientConfig;
use crate::error::{Error, Result, is_retryable_status};
use crate::pace::Attempt;
use crate::retry::{RetryPolicy, jitter_draw, parse_retry_after};
use crate::secret::Secret;
use espi_auth::Clock;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::{Host, Url};

/// Checks that the client may contact `url`: `https`, or plain `http` to a loopback
/// host only.
///
/// ```
/// use espi_client::check_url;
/// use url::Url;
/// assert!(check_url(&Url::parse("https://dc.example/x").unwrap()).is_ok());
/// assert!(check_url(&Url::parse("http://127.0.0.1:8080/x").unwrap()).is_ok());
/// assert!(check_url(&Url::parse("http://[::1]/x").unwrap()).is_ok());
/// assert!(check_url(&Url::parse("http://localhost/x").unwrap()).is_ok());
/// assert!(check_url(&Url::parse("http://dc.example/x").unwrap()).is_err());
/// assert!(check_url(&Url::parse("ftp://127.0.0.1/x").unwrap()).is_err());
/// ```
///
/// The HTTP transport under every request decides which URLs may be contacted, the
/// redirect policy, TLS ([`ClientIdentity`](crate::ClientIdentity)), timeouts, retries
/// with backoff and `Retry-After`, the concurrency limit, and counts what happened.
///
/// # What is refused
///
/// - Plain `http` to anything but a loopback host (`127.0.0.0/8`, `::1`,
///   `localhost`), and any scheme but `https`/`http` ([`check_url`]).
/// - A redirect to another origin (scheme, host and port), so a bearer token is never
///   sent to another host; same-origin redirects are followed up to
///   [`ClientConfig::max_redirects`](crate::ClientConfig::max_redirects). The token
///   endpoint follows no redirect at all.
pub fn check_url(url: &Url) -> Result<()> {
    let refuse = |reason: &str| {
        Err(Error::InsecureUrl {
            url: url.to_string(),
            reason: reason.to_owned(),
        })
    };
    if url.cannot_be_a_base() || url.host().is_none() {
        return refuse("not an absolute URL with a host");
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => refuse(
            "plain http is allowed to loopback hosts only (127.0.0.0/8, ::1, localhost); use https",
        ),
        _ => refuse("only https (and http to loopback hosts) is supported"),
    }
}

/// Whether the URL's host is loopback.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Counters of what the client did, for monitoring and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// HTTP attempts sent.
    pub attempts: u64,
    /// Retries after a retryable failure.
    pub retries: u64,
    /// 429 answers.
    pub throttled: u64,
    /// 5xx answers.
    pub server_errors: u64,
    /// Connection failures and timeouts.
    pub transport_errors: u64,
    /// 202 Accepted answers polled again.
    pub accepted_polls: u64,
    /// Access tokens refreshed (or client-credentials tokens renewed).
    pub token_refreshes: u64,
    /// Response bodies that broke off, did not parse to their end, or were over the
    /// size limit.
    pub broken_bodies: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    attempts: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
    server_errors: AtomicU64,
    transport_errors: AtomicU64,
    pub(crate) accepted_polls: AtomicU64,
    pub(crate) token_refreshes: AtomicU64,
    pub(crate) broken_bodies: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> ClientStats {
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        ClientStats {
            attempts: read(&self.attempts),
            retries: read(&self.retries),
            throttled: read(&self.throttled),
            server_errors: read(&self.server_errors),
            transport_errors: read(&self.transport_errors),
            accepted_polls: read(&self.accepted_polls),
            token_refreshes: read(&self.token_refreshes),
            broken_bodies: read(&self.broken_bodies),
        }
    }
}

/// One request, rebuilt for every attempt.
#[derive(Debug, Clone)]
pub(crate) struct RequestSpec {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
    pub bearer: Option<Secret>,
}

impl RequestSpec {
    pub(crate) fn get(url: Url, bearer: Option<Secret>) -> RequestSpec {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/atom+xml, application/xml;q=0.9, */*;q=0.1"),
        );
        RequestSpec {
            method: Method::GET,
            url,
            headers,
            body: None,
            bearer,
        }
    }
}

/// The HTTP clients and the policies around them.
#[derive(Debug)]
pub(crate) struct Transport {
    /// Resource requests: same-origin redirects only.
    resources: reqwest::Client,
    /// Token requests: no redirects.
    token: reqwest::Client,
    retry: RetryPolicy,
    pub(crate) request_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) body_timeout: Option<Duration>,
    max_body_size: u64,
    max_token_body_size: u64,
    pub(crate) reader_options: espi_xml::ReaderOptions,
    permits: Arc<Semaphore>,
    clock: Arc<dyn Clock>,
    pacer: Option<Arc<dyn crate::pace::Pacer>>,
    pub(crate) counters: Counters,
}

impl Transport {
    /// The limit on a resource response body.
    pub(crate) fn body_limit(&self) -> BodyLimit {
        BodyLimit {
            name: "max_body_size",
            max: self.max_body_size,
        }
    }

    pub(crate) fn new(config: &ClientConfig) -> Result<Transport> {
        if !config.built_in_roots && config.root_certificates.is_none() {
            return Err(Error::Config(
                "built_in_roots is false and there are no root_certificates: no https server \
                 could be trusted"
                    .to_owned(),
            ));
        }
        let max_redirects = config.max_redirects;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            let Some(first) = attempt.previous().first().cloned() else {
                return attempt.follow();
            };
            if attempt.previous().len() > max_redirects {
                return attempt.error(format!("more than {max_redirects} redirects"));
            }
            let next = attempt.url().clone();
            if !same_origin(&first, &next) {
                return attempt.error(format!(
                    "the redirect to {next} leaves the origin of {first}; the bearer token is not sent to another host"
                ));
            }
            attempt.follow()
        });
        let builder = |redirect: reqwest::redirect::Policy| {
            let builder = reqwest::Client::builder();
            // rustls when its feature is on, even if native-tls is on too (the features
            // of a dependency add up across a build).
            #[cfg(feature = "rustls-tls")]
            let builder = builder.use_rustls_tls();
            #[cfg(not(feature = "rustls-tls"))]
            let builder = builder.use_native_tls();
            let mut builder = builder
                .redirect(redirect)
                .connect_timeout(config.connect_timeout)
                .read_timeout(config.read_timeout)
                .user_agent(config.user_agent.clone());
            if let Some(identity) = &config.identity {
                builder = builder.identity(identity.0.clone());
            }
            builder = builder.tls_built_in_root_certs(config.built_in_roots);
            for root in config
                .root_certificates
                .iter()
                .flat_map(|roots| roots.certificates())
            {
                let certificate = reqwest::Certificate::from_der(root).map_err(|error| {
                    Error::Config(format!("root certificates: {}", source_chain(&error)))
                })?;
                builder = builder.add_root_certificate(certificate);
            }
            builder.build().map_err(|error| {
                Error::Config(format!(
                    "the HTTP client cannot be built: {}",
                    source_chain(&error)
                ))
            })
        };
        Ok(Transport {
            resources: builder(policy)?,
            token: builder(reqwest::redirect::Policy::none())?,
            retry: config.retry,
            request_timeout: config.request_timeout,
            read_timeout: config.read_timeout,
            body_timeout: config.body_timeout,
            max_body_size: config.max_body_size,
            max_token_body_size: config.max_token_body_size,
            reader_options: config.reader_options(),
            permits: Arc::new(Semaphore::new(config.max_concurrency.max(1))),
            clock: Arc::clone(&config.clock),
            pacer: config.pacer.clone(),
            counters: Counters::default(),
        })
    }

    /// The current time on the client's clock, epoch seconds.
    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Waits for a slot under the concurrency limit.
    pub(crate) async fn permit(&self) -> Result<OwnedSemaphorePermit> {
        Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("the concurrency limit was closed".to_owned()))
    }

    /// Sends a resource request with retries; answers with a retryable status are
    /// retried and, past the policy, returned as errors. Other answers (2xx, 3xx,
    /// 4xx) are returned for the caller to judge.
    pub(crate) async fn send(&self, spec: &RequestSpec) -> Result<reqwest::Response> {
        self.send_with(&self.resources, spec).await
    }

    /// Sends a token-endpoint request (for the `oauth2` crate) with retries and
    /// reads the whole answer.
    pub(crate) async fn send_token_request(
        &self,
        request: oauth2::HttpRequest,
    ) -> Result<oauth2::HttpResponse> {
        let (parts, body) = request.into_parts();
        let text = parts.uri.to_string();
        let url = Url::parse(&text).map_err(|error| Error::InvalidUrl {
            url: text.clone(),
            reason: error.to_string(),
        })?;
        check_url(&url)?;
        let mut headers = parts.headers.clone();
        // HTTP Basic carries the client secret: keep it out of any Debug output.
        if let Some(value) = headers.get_mut(reqwest::header::AUTHORIZATION) {
            value.set_sensitive(true);
        }
        let spec = RequestSpec {
            method: parts.method.clone(),
            url,
            headers,
            body: Some(body),
            bearer: None,
        };
        let response = self.send_with(&self.token, &spec).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_bounded(
            response,
            BodyLimit {
                name: "max_token_body_size",
                max: self.max_token_body_size,
            },
            self.request_timeout,
            &spec,
        )
        .await?;
        let mut answer = oauth2::HttpResponse::new(body);
        *answer.status_mut() = status;
        *answer.headers_mut() = headers;
        Ok(answer)
    }

    async fn send_with(
        &self,
        client: &reqwest::Client,
        spec: &RequestSpec,
    ) -> Result<reqwest::Response> {
        check_url(&spec.url)?;
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if let Some(pacer) = &self.pacer {
                pacer.ready().await;
            }
            Counters::bump(&self.counters.attempts);
            tracing::debug!(method = %spec.method, url = %spec.url, attempt, "request");
            let answer = self.attempt(client, spec).await;
            if let Some(pacer) = &self.pacer {
                pacer.observe(&match &answer {
                    Ok(response) => Attempt::answered(
                        response.status().as_u16(),
                        response
                            .headers()
                            .get(RETRY_AFTER)
                            .and_then(|value| value.to_str().ok())
                            .and_then(|value| parse_retry_after(value, self.now())),
                    ),
                    Err(_) => Attempt::unanswered(),
                });
            }
            let (failure, retry_after) = match answer {
                Ok(response) if is_retryable_status(response.status().as_u16()) => {
                    let status = response.status();
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        Counters::bump(&self.counters.throttled);
                    } else if status.is_server_error() {
                        Counters::bump(&self.counters.server_errors);
                    }
                    let retry_after = response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|value| value.to_str().ok())
                        .and_then(|value| parse_retry_after(value, self.now()));
                    (
                        status_error(response, spec, self.request_timeout).await,
                        retry_after,
                    )
                }
                Ok(response) => return Ok(response),
                Err(error) if error.is_retryable() => {
                    Counters::bump(&self.counters.transport_errors);
                    (error, None)
                }
                Err(error) => return Err(error),
            };
            let exhausted = |failure: Error| {
                if attempt == 1 {
                    failure
                } else {
                    Error::RetriesExhausted {
                        method: spec.method.to_string(),
                        url: spec.url.to_string(),
                        attempts: attempt,
                        elapsed: started.elapsed(),
                        last: Box::new(failure),
                    }
                }
            };
            if attempt >= self.retry.max_attempts {
                return Err(exhausted(failure));
            }
            if let Some(asked) = retry_after
                && asked > self.retry.max_retry_after
            {
                tracing::warn!(url = %spec.url, ?asked, "Retry-After is longer than the policy allows; giving up");
                return Err(exhausted(failure));
            }
            let delay = self.retry.delay(attempt, retry_after, jitter_draw());
            if started.elapsed() + delay > self.retry.max_elapsed {
                return Err(exhausted(failure));
            }
            Counters::bump(&self.counters.retries);
            tracing::warn!(
                method = %spec.method,
                url = %spec.url,
                attempt,
                ?delay,
                error = %failure,
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: send and wait for the headers.
    async fn attempt(
        &self,
        client: &reqwest::Client,
        spec: &RequestSpec,
    ) -> Result<reqwest::Response> {
        let mut request = client
            .request(spec.method.clone(), spec.url.clone())
            .headers(spec.headers.clone());
        if let Some(token) = &spec.bearer {
            request = request.bearer_auth(token.expose());
        }
        if let Some(body) = &spec.body {
            request = request.body(body.clone());
        }
        match tokio::time::timeout(self.request_timeout, request.send()).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(error)) => Err(transport_error(error, spec)),
            Err(_) => Err(Error::Timeout {
                method: spec.method.to_string(),
                url: spec.url.to_string(),
                what: format!("no response headers within {:?}", self.request_timeout),
            }),
        }
    }
}

/// Maps a reqwest error to ours.
pub(crate) fn transport_error(error: reqwest::Error, spec: &RequestSpec) -> Error {
    let method = spec.method.to_string();
    let url = spec.url.to_string();
    if error.is_redirect() {
        return Error::Redirect {
            method,
            url,
            reason: source_chain(&error),
        };
    }
    if let Some(reason) = crate::tls::permanent_failure(&error) {
        return Error::Tls {
            method,
            url,
            reason,
            source: error,
        };
    }
    if error.is_timeout() {
        return Error::Timeout {
            method,
            url,
            what: format!(
                "the connection or a read timed out ({})",
                source_chain(&error)
            ),
        };
    }
    Error::Transport {
        method,
        url,
        source: error,
    }
}

/// The innermost messages of an error chain, joined.
pub(crate) fn source_chain(error: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut current = error.source();
    while let Some(cause) = current {
        parts.push(cause.to_string());
        current = cause.source();
    }
    if parts.is_empty() {
        error.to_string()
    } else {
        parts.join(": ")
    }
}

/// The error for an answer with an error status: the `WWW-Authenticate`
/// `error_description` (or `error`) when there is one, else the start of the body
/// (what of its first 2 KiB arrives within `deadline`).
pub(crate) async fn status_error(
    response: reqwest::Response,
    spec: &RequestSpec,
    deadline: Duration,
) -> Error {
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .and_then(|value| value.to_str().ok())
        .and_then(challenge_reason);
    let reason = match challenge {
        Some(reason) => reason,
        None => body_excerpt(&read_excerpt(response, 2048, deadline).await),
    };
    Error::Status {
        method: spec.method.to_string(),
        url: spec.url.to_string(),
        status,
        reason,
    }
}

/// The first 300 characters of a body's text, on one line.
fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// `error_description` (else `error`) of a `WWW-Authenticate: Bearer …` challenge.
fn challenge_reason(challenge: &str) -> Option<String> {
    let value_of = |name: &str| {
        let marker = format!("{name}=\"");
        let start = challenge.find(&marker)? + marker.len();
        let length = challenge[start..].find('"')?;
        Some(challenge[start..start + length].to_owned())
    };
    let description = value_of("error_description");
    match (value_of("error"), description) {
        (Some(error), Some(description)) => Some(format!("{error}: {description}")),
        (error, description) => description.or(error),
    }
}

/// A size limit on a body, with the name of the setting it comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit {
    pub name: &'static str,
    pub max: u64,
}

impl BodyLimit {
    /// The error for a body over this limit.
    pub(crate) fn exceeded(
        self,
        spec: &RequestSpec,
        read: u64,
        content_length: Option<u64>,
    ) -> Error {
        Error::BodyTooLarge {
            method: spec.method.to_string(),
            url: spec.url.to_string(),
            limit: self.name,
            max: self.max,
            read,
            content_length,
        }
    }
}

/// Refuses a response whose `Content-Length` declares more than `limit`, before
/// anything of its body is read.
pub(crate) fn check_content_length(
    response: &reqwest::Response,
    limit: BodyLimit,
    spec: &RequestSpec,
) -> Result<()> {
    match response.content_length() {
        Some(length) if length > limit.max => Err(limit.exceeded(spec, 0, Some(length))),
        _ => Ok(()),
    }
}

/// Reads a whole (small) body: an error when it is larger than `limit` (refused on
/// its `Content-Length`, or as soon as its bytes pass the limit, never holding more),
/// when it breaks off, or when it has not ended within `deadline`.
pub(crate) async fn read_bounded(
    mut response: reqwest::Response,
    limit: BodyLimit,
    deadline: Duration,
    spec: &RequestSpec,
) -> Result<Vec<u8>> {
    check_content_length(&response, limit, spec)?;
    let content_length = response.content_length();
    let started = Instant::now();
    let mut body = Vec::new();
    loop {
        let left = deadline.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                let read = (body.len() + chunk.len()) as u64;
                if read > limit.max {
                    return Err(limit.exceeded(spec, read, content_length));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Ok(None)) => return Ok(body),
            Ok(Err(error)) => return Err(transport_error(error, spec)),
            Err(_) => {
                return Err(Error::Timeout {
                    method: spec.method.to_string(),
                    url: spec.url.to_string(),
                    what: format!(
                        "the body did not end within {deadline:?} of its headers ({} bytes read)",
                        body.len()
                    ),
                });
            }
        }
    }
}

/// Reads at most `limit` bytes of a body for an error message: what arrives within
/// `deadline`, the rest dropped, a failure ending it quietly.
async fn read_excerpt(
    mut response: reqwest::Response,
    limit: usize,
    deadline: Duration,
) -> Vec<u8> {
    let started = Instant::now();
    let mut body = Vec::new();
    while body.len() < limit {
        let left = deadline.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, response.chunk()).await {
            Ok(Ok(Some(chunk))) => {
                let room = limit - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(Ok(None) | Err(_)) | Err(_) => break,
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_may_use_plain_http() {
        for ok in [
            "https://dc.example/",
            "http://127.0.0.1:1/",
            "http://127.8.9.10/",
            "http://[::1]:8080/",
            "http://LOCALHOST/",
        ] {
            assert!(check_url(&Url::parse(ok).expect("url")).is_ok(), "{ok}");
        }
        for refused in [
            "http://dc.example/",
            "http://10.0.0.1/",
            "http://[::2]/",
            "http://localhost.evil.example/",
            "file:///etc/passwd",
            "data:text/plain,x",
        ] {
            let error = check_url(&Url::parse(refused).expect("url")).expect_err(refused);
            assert!(matches!(error, Error::InsecureUrl { .. }), "{refused}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let url = |text| Url::parse(text).expect("url");
        assert!(same_origin(
            &url("https://a.example/x"),
            &url("https://A.example:443/y")
        ));
        assert!(!same_origin(
            &url("https://a.example/"),
            &url("http://a.example/")
        ));
        assert!(!same_origin(
            &url("http://127.0.0.1:1/"),
            &url("http://127.0.0.1:2/")
        ));
        assert!(!same_origin(
            &url("https://a.example/"),
            &url("https://b.example/")
        ));
    }

    #[test]
    fn challenges_give_their_description() {
        assert_eq!(
            challenge_reason(
                "Bearer realm=\"x\", error=\"invalid_token\", error_description=\"revoked at 2014\""
            )
            .as_deref(),
            Some("invalid_token: revoked at 2014")
        );
        assert_eq!(challenge_reason("Bearer realm=\"x\""), None);
        assert_eq!(body_excerpt(b"  a\n b  "), "a b");
    }
}
