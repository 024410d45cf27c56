//! Error responses: a status, a reason in plain words, and the OAuth error code when
//! there is one, with the RFC 6750 §3 `WWW-Authenticate: Bearer` challenge:
//!
//! | Case | Status | Challenge |
//! |---|---|---|
//! | no credentials, or credentials of another scheme (RFC 6750 §3.1: no error information) | 401 | `Bearer realm="espi-sandbox"` |
//! | an unknown, malformed, expired or revoked token | 401 | `…, error="invalid_token", error_description="…"` |
//! | a malformed `Authorization` header or several of them | 400 | `…, error="invalid_request", error_description="…"` |
//! | a token that may not make the request (path, scope, window) | 403 | `…, error="insufficient_scope", error_description="…"` |
//!
//! Other errors (a malformed query parameter, an unknown resource) carry no challenge.

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

    /// 400 with `WWW-Authenticate: Bearer error="invalid_request"`: the request's
    /// credentials are malformed (RFC 6750 §3.1).
    pub fn invalid_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some("invalid_request"), reason)
    }

    /// 401 for a request without Bearer credentials: the challenge carries no error
    /// code (RFC 6750 §3.1).
    pub fn unauthenticated(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, None, reason)
    }

    /// 403 with `WWW-Authenticate: Bearer error="insufficient_scope"` (RFC 6750 §3.1).
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

    /// The `WWW-Authenticate` challenge of this error, if it has one (see the module
    /// documentation).
    fn challenge(&self) -> Option<String> {
        match self.oauth {
            Some(code) => Some(format!(
                "Bearer realm=\"{REALM}\", error=\"{code}\", error_description=\"{}\"",
                description_text(&self.reason)
            )),
            None if self.status == StatusCode::UNAUTHORIZED => {
                Some(format!("Bearer realm=\"{REALM}\""))
            }
            None => None,
        }
    }
}

/// The protection space of every challenge.
const REALM: &str = "espi-sandbox";

/// Resource errors are plain text with the reason, and the challenge when there is one.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let challenge = self.challenge();
        let mut response = (self.status, format!("{}\n", self.reason)).into_response();
        if let Some(challenge) = challenge {
            // `description_text` keeps to visible ASCII, which a header value accepts.
            if let Ok(value) = HeaderValue::from_str(&challenge) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// An `error_description` within the characters RFC 6749 (§4.1.2.1, §5.2) and RFC 6750
/// (§3) allow: printable ASCII without `"` and `\`; `§` becomes "section ", other
/// characters `?`.
pub fn description_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '"' => out.push('\''),
            '\\' => out.push('/'),
            '\u{a7}' => out.push_str("section "),
            ' '..='~' => out.push(character),
            _ => out.push('?'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_keep_to_the_allowed_characters() {
        assert_eq!(
            description_text("scope \"x\": §3.5 \\ é –"),
            "scope 'x': section 3.5 / ? ?"
        );
    }

    #[test]
    fn each_error_carries_its_challenge() {
        let challenge = |error: ApiError| error.challenge();
        assert_eq!(
            challenge(ApiError::unauthenticated("no token")).as_deref(),
            Some("Bearer realm=\"espi-sandbox\"")
        );
        assert_eq!(
            challenge(ApiError::forbidden("the window – §1.6 \"x\"")).as_deref(),
            Some(
                "Bearer realm=\"espi-sandbox\", error=\"insufficient_scope\", \
                 error_description=\"the window ? section 1.6 'x'\""
            )
        );
        assert_eq!(challenge(ApiError::bad_request("published-min")), None);
        assert_eq!(challenge(ApiError::not_found("nothing")), None);
    }
}
