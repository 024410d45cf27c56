//! Error responses: a status, a reason in plain words, and the OAuth error code when
//! there is one (espi-reference §1.7, §2.7).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error the API answers with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status}: {reason}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The OAuth error code (`invalid_token`, `insufficient_scope`, `invalid_grant`…),
    /// when the error is an OAuth one.
    pub oauth: Option<&'static str>,
    /// What went wrong, in plain words.
    pub reason: String,
}

impl ApiError {
    /// 400 Bad Request.
    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, None, reason)
    }

    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1).
    pub fn invalid_token(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, Some("invalid_token"), reason)
    }

    /// 401 for a request without credentials: the challenge carries no error code
    /// (RFC 6750 §3.1).
    pub fn unauthenticated(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, reason)
    }

    /// 403 `insufficient_scope` (RFC 6750 §3.1).
    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, Some("insufficient_scope"), reason)
    }

    /// 404 Not Found.
    pub fn not_found(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, reason)
    }

    /// Any status.
    pub fn new(status: StatusCode, oauth: Option<&'static str>, reason: impl Into<String>) -> Self {
        ApiError {
            status,
            oauth,
            reason: reason.into(),
        }
    }
}

/// Resource errors are plain text with the reason; 401s carry the RFC 6750
/// `WWW-Authenticate` challenge.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, format!("{}\n", self.reason)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            let challenge = match self.oauth {
                Some(code) => format!(
                    "Bearer realm=\"espi-sandbox\", error=\"{code}\", error_description=\"{}\"",
                    self.reason.replace(['"', '\\'], "'")
                ),
                None => "Bearer realm=\"espi-sandbox\"".to_owned(),
            };
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}
