//! Errors: what went wrong and where (method, URL, status, the server's reason).
//!
//! Every variant that comes from a request names the method and URL; statuses carry
//! the server's reason (the `WWW-Authenticate` description or the start of the body);
//! OAuth errors carry the RFC 6749 code and description. No variant ever holds a token
//! or a secret, so an error can be logged whole.

use std::time::Duration;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a client operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot be used.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A URL that is not a valid absolute URL.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A URL the client refuses to contact: plain `http` to a host that is not
    /// loopback, or a scheme other than `https`/`http`.
    #[error("refused to contact {url}: {reason}")]
    InsecureUrl {
        /// The URL.
        url: String,
        /// Why it is refused.
        reason: String,
    },

    /// The request could not be sent or its answer not received (connection refused,
    /// reset, TLS failure, a response head that is not HTTP or too large…), after the
    /// retries the policy allows. The message ends with the innermost causes.
    #[error("{method} {url}: {source}{}", causes(.source))]
    Transport {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// The TLS handshake failed in a way that trying again cannot change: the server's
    /// certificate is not trusted (unknown issuer, another host name, outside its
    /// validity) or the server refused the client's (none sent, or issued by an
    /// authority it does not trust). Not retried; the reason names the cause (see
    /// [`ClientIdentity`](crate::ClientIdentity)).
    #[error("{method} {url}: TLS handshake failed: {reason}")]
    Tls {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// What was refused, and by whom.
        reason: String,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// No connection within the connect timeout, no response headers within the
    /// request timeout, a body silent longer than the read timeout, or a body not
    /// ended within the body timeout (see [`ClientConfig`](crate::ClientConfig)).
    #[error("{method} {url}: timed out: {what}")]
    Timeout {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// What did not arrive in time, with the timeout.
        what: String,
    },

    /// A redirect the client refused to follow (to another origin, a downgrade to
    /// plain http, or too many hops). The bearer token never leaves the origin it was
    /// issued for.
    #[error("{method} {url}: redirect refused: {reason}")]
    Redirect {
        /// The HTTP method.
        method: String,
        /// The URL that redirected.
        url: String,
        /// Why the redirect was refused.
        reason: String,
    },

    /// The server answered with an error status.
    #[error("{method} {url}: {status}{}", reason_suffix(.reason))]
    Status {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The server's reason: the `WWW-Authenticate` error description or the start
        /// of the body.
        reason: String,
    },

    /// A retryable failure persisted past the retry policy's bounds.
    #[error("{method} {url}: gave up after {attempts} attempts in {elapsed:?}: {last}")]
    RetriesExhausted {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// Time spent.
        elapsed: Duration,
        /// The last failure.
        last: Box<Error>,
    },

    /// The server kept answering 202 Accepted (data being prepared) past the polling
    /// bound.
    #[error(
        "GET {url}: still 202 Accepted (data being prepared) after {polls} polls in {elapsed:?}"
    )]
    StillPreparing {
        /// The URL.
        url: String,
        /// Polls made.
        polls: u32,
        /// Time spent polling.
        elapsed: Duration,
    },

    /// Following the pages of a response went wrong (a server that ignores
    /// `start-index` and sends the first page again).
    #[error("GET {url}: paging stopped: {reason}")]
    Paging {
        /// The URL of the page.
        url: String,
        /// What went wrong.
        reason: String,
    },

    /// The response body broke off before its end. What was read before the break is
    /// never reported as a complete result.
    #[error("GET {url}: the response body broke off after {bytes} bytes: {reason}")]
    Truncated {
        /// The URL.
        url: String,
        /// Bytes received before the break.
        bytes: u64,
        /// What the transport said.
        reason: String,
    },

    /// A response body is larger than the client accepts: its `Content-Length`
    /// declares more than the limit (nothing of the body was read), or its bytes
    /// passed the limit as they arrived (reading stopped there). What was read before
    /// is never reported as a complete result. Not retryable: the same request would
    /// get the same answer.
    #[error(
        "{method} {url}: the response body is larger than {limit} = {max} bytes ({})",
        too_large_detail(*.read, *.content_length)
    )]
    BodyTooLarge {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The setting that bounds it: `"max_body_size"` or `"max_token_body_size"`
        /// (fields of [`ClientConfig`](crate::ClientConfig)).
        limit: &'static str,
        /// Its value, bytes.
        max: u64,
        /// Bytes of body received before reading stopped (0 when the
        /// `Content-Length` alone refused it).
        read: u64,
        /// The `Content-Length` the server declared, if any.
        content_length: Option<u64>,
    },

    /// The response body is not ESPI Atom XML (not well-formed, cut short so that
    /// its elements do not close, or over one of the
    /// [`xml_limits`](crate::ClientConfig::xml_limits)). The entries yielded before it
    /// are only part of the answer.
    #[error("GET {url}: {source}")]
    Xml {
        /// The URL.
        url: String,
        /// The reader's error, with a position.
        #[source]
        source: espi_xml::Error,
    },

    /// The token endpoint answered with an OAuth error (RFC 6749 §5.2), or the
    /// authorization ended (`invalid_grant` on refresh).
    #[error("token endpoint {url}: {error}{}", reason_suffix_opt(.description))]
    OAuth {
        /// The token endpoint.
        url: String,
        /// The OAuth error code (`invalid_grant`, `invalid_client`, …).
        error: String,
        /// `error_description`.
        description: Option<String>,
        /// `error_uri`.
        uri: Option<String>,
    },

    /// The token endpoint's answer is not a token response.
    #[error("token endpoint {url}: not a token response: {reason}")]
    TokenResponse {
        /// The token endpoint.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The authorization callback was refused (see [`CallbackError`]).
    #[error(transparent)]
    Callback(#[from] CallbackError),

    /// No token is stored under the key.
    #[error("no token is stored under {key:?}")]
    NoToken {
        /// The key.
        key: String,
    },

    /// The authorization behind a token has ended: the access token was refused and
    /// the refresh token too (revoked by the customer or the Data Custodian, or
    /// expired). A new authorization is needed.
    #[error("the authorization {key:?} has ended: {reason}")]
    AuthorizationEnded {
        /// The token key (normally the authorization URI).
        key: String,
        /// What the servers said.
        reason: String,
    },

    /// A resource URL is not on the Data Custodian's resource endpoint, so the
    /// client's bearer token must not be sent there (a notification naming another
    /// host, for example).
    #[error("refused to fetch {url}: {reason}")]
    ForeignResource {
        /// The URL.
        url: String,
        /// Why it is refused.
        reason: String,
    },

    /// A token or sync store failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),

    /// The sync window could not be worked out (policy, authorization periods, scope).
    #[error("sync window: {0}")]
    Window(String),

    /// A notification body is not a BatchList.
    #[error("notification: {0}")]
    Notification(String),

    /// A sync run stopped. The months it committed before stopping are complete;
    /// the month it was reading was neither written nor recorded.
    #[error(
        "sync of {subscription} stopped at {at}, after committing {months_committed} month(s) in this run: {source}"
    )]
    SyncStopped {
        /// The subscription.
        subscription: String,
        /// Where it stopped: the month, or the context requests.
        at: String,
        /// Months committed in this run before it stopped.
        months_committed: u32,
        /// Why.
        #[source]
        source: Box<Error>,
    },

    /// A background task of the client failed (a bug).
    #[error("internal: {0}")]
    Internal(String),
}

fn reason_suffix(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    }
}

/// `": cause: inner cause"` for the causes under an error, when it has any.
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = String::new();
    let mut current = error.source();
    while let Some(cause) = current {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        current = cause.source();
    }
    text
}

fn too_large_detail(read: u64, content_length: Option<u64>) -> String {
    match content_length {
        Some(length) if read == 0 => {
            format!("Content-Length declares {length} bytes; nothing of the body was read")
        }
        _ => format!("stopped after {read} bytes"),
    }
}

fn reason_suffix_opt(reason: &Option<String>) -> String {
    reason.as_deref().map(reason_suffix).unwrap_or_default()
}

impl Error {
    /// Whether trying again later may succeed: connection failures, timeouts, 408,
    /// 429, 5xx and bodies that broke off.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { source, .. } => !source.is_redirect() && !source.is_builder(),
            Error::Timeout { .. } | Error::Truncated { .. } => true,
            Error::Status { status, .. } => is_retryable_status(*status),
            // The reader saw the body end mid-document: the transport lost the rest.
            Error::Xml { source, .. } => matches!(source, espi_xml::Error::Io(_)),
            Error::RetriesExhausted { last, .. } => last.is_retryable(),
            Error::SyncStopped { source, .. } => source.is_retryable(),
            _ => false,
        }
    }

    /// The HTTP status, when the error is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            Error::RetriesExhausted { last, .. } => last.status(),
            Error::SyncStopped { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Whether the authorization has ended (revoked or expired): a new authorization
    /// is needed, retrying cannot help.
    pub fn is_authorization_ended(&self) -> bool {
        match self {
            Error::AuthorizationEnded { .. } => true,
            Error::SyncStopped { source, .. } => source.is_authorization_ended(),
            _ => false,
        }
    }
}

/// Statuses worth retrying: 408, 429 and 5xx except 501 and 505.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429) || (500..600).contains(&status) && !matches!(status, 501 | 505)
}

/// Why an authorization callback (the redirect back from the Data Custodian) was
/// refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The callback carries no `state`: it cannot be tied to a request of ours.
    #[error(
        "the callback carries no state parameter; it cannot be matched to an authorization request"
    )]
    MissingState,
    /// The callback's `state` is not the one sent: possibly a forged request (CSRF).
    #[error("the callback's state does not match the authorization request's (possible forgery)")]
    StateMismatch,
    /// The Data Custodian reported an error (RFC 6749 §4.1.2.1), e.g. `access_denied`
    /// when the customer declined.
    #[error("the Data Custodian refused the authorization: {error}{}", reason_suffix_opt(.description))]
    Refused {
        /// The OAuth error code.
        error: String,
        /// `error_description`.
        description: Option<String>,
        /// `error_uri`.
        uri: Option<String>,
    },
    /// Neither a code nor an error.
    #[error("the callback carries neither a code nor an error")]
    MissingCode,
    /// A parameter appears more than once (RFC 6749 §3.1).
    #[error("the callback repeats the parameter {0}")]
    RepeatedParameter(String),
    /// The callback is not a URL or query string.
    #[error("the callback is not a URL or query string: {0}")]
    Malformed(String),
}

/// A failure of a [`TokenStore`](crate::TokenStore) or [`SyncStore`](crate::SyncStore).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl StoreError {
    /// A failure described in words.
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
            source: None,
        }
    }

    /// A failure caused by another error.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_and_where() {
        let error = Error::Status {
            method: "GET".into(),
            url: "https://dc.example/x".into(),
            status: 403,
            reason: "insufficient scope".into(),
        };
        assert_eq!(
            error.to_string(),
            "GET https://dc.example/x: 403: insufficient scope"
        );
        assert!(!error.is_retryable());
        assert_eq!(error.status(), Some(403));
        let error = Error::OAuth {
            url: "https://dc.example/token".into(),
            error: "invalid_grant".into(),
            description: None,
            uri: None,
        };
        assert_eq!(
            error.to_string(),
            "token endpoint https://dc.example/token: invalid_grant"
        );
    }

    #[test]
    fn a_body_too_large_names_the_limit_and_what_was_read() {
        let error = Error::BodyTooLarge {
            method: "GET".into(),
            url: "https://dc.example/x".into(),
            limit: "max_body_size",
            max: 1024,
            read: 0,
            content_length: Some(5000),
        };
        assert_eq!(
            error.to_string(),
            "GET https://dc.example/x: the response body is larger than max_body_size = 1024 bytes \
             (Content-Length declares 5000 bytes; nothing of the body was read)"
        );
        assert!(!error.is_retryable());
        let error = Error::BodyTooLarge {
            method: "POST".into(),
            url: "https://dc.example/token".into(),
            limit: "max_token_body_size",
            max: 1024,
            read: 1500,
            content_length: None,
        };
        assert!(
            error.to_string().ends_with("(stopped after 1500 bytes)"),
            "{error}"
        );
    }

    #[test]
    fn retryable_statuses() {
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(status), "{status}");
        }
        for status in [400, 401, 403, 404, 501, 505] {
            assert!(!is_retryable_status(status), "{status}");
        }
    }
}
