//! The OAuth 2.0 authorization server (RFC 6749 as ESPI uses it; the
//! section numbers below are RFC 6749's):
//!
//! - `GET /DataCustodian/oauth/authorize` — the authorization request (§4.1.1). An
//!   unknown client or a redirect URI that is not registered gets an HTML error page
//!   and no redirect (§4.1.2.1); every other error redirects with `error`,
//!   `error_description` and `state`. The scope is read with espi-auth's lenient
//!   parser and negotiated against the client's offers (`invalid_scope` otherwise); a
//!   missing scope means the client's first offer. With `auto_approve` the sandbox
//!   redirects at once with a code for the retail customer named by the sandbox's own
//!   `retail_customer` parameter (default: the first customer); otherwise it shows a
//!   consent page stating the scope and the access window in plain words.
//!   PKCE (RFC 7636): `code_challenge` with `code_challenge_method=S256` is kept with
//!   the code, through the consent page too; `plain`, or a challenge without a method
//!   (which means `plain`), is refused with `invalid_request` — see
//!   [`CodeChallenge`](crate::grants::CodeChallenge) for why.
//! - `POST /DataCustodian/oauth/authorize` — the consent page's answer: `consent` (the
//!   single-use nonce of the page, valid [`CONSENT_LIFETIME`](crate::grants::CONSENT_LIFETIME) s), `retail_customer` and
//!   `decision` (`approve` or `deny`). The request itself is taken from what the page
//!   was made for, not from the posted fields. Deny redirects with `access_denied`.
//! - `POST /DataCustodian/oauth/token` — the token endpoint (§3.2), client_secret_basic
//!   only, with the `authorization_code`, `refresh_token` and `client_credentials`
//!   grants; JSON responses with the ESPI members (`resourceURI`, `authorizationURI`,
//!   `customerResourceURI`: the URIs of espi.xsd's `Authorization`) and RFC 6749
//!   §5.2 errors, all `Cache-Control: no-store`. A code issued with a PKCE challenge
//!   needs the matching `code_verifier` (`invalid_grant` when missing or wrong); a
//!   `code_verifier` for a code issued without one is refused too (RFC 9700 §2.1.1).
//!
//! Parameters given twice are refused (`invalid_request`, RFC 6749 §3.1); an empty
//! value counts as absent. The token endpoint authenticates the client from its
//! `Authorization` header before it reads the form; forms are read up to
//! [`MAX_FORM_BYTES`] (413 beyond, 408 when one stalls).

use crate::state::Shared;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use espi_serve::{BodyError, read_body};
use std::sync::Arc;

mod authorize;
mod token;

use authorize::{authorize_page, consent_answer};
use token::token;

/// The authorization endpoint's path.
const AUTHORIZE_PATH: &str = "/DataCustodian/oauth/authorize";
/// The token endpoint's path.
pub(crate) const TOKEN_PATH: &str = "/DataCustodian/oauth/token";

/// The routes of this module, relative to the server root.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(AUTHORIZE_PATH, get(authorize_page).post(consent_answer))
        .route(TOKEN_PATH, post(token))
}

/// Form or query parameters in order, decoded.
struct Parameters(Vec<(String, String)>);

impl Parameters {
    fn parse(bytes: &[u8]) -> Parameters {
        Parameters(form_urlencoded::parse(bytes).into_owned().collect())
    }

    /// The value of `name`: `Ok(None)` when absent or empty, `Err` with a description
    /// when given more than once.
    fn get(&self, name: &str) -> Result<Option<&str>, String> {
        let mut values = self
            .0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(format!(
                "parameter {name} is given more than once (RFC 6749 section 3.1)"
            ));
        }
        Ok(first.filter(|value| !value.is_empty()))
    }
}

/// The largest form the token endpoint and the consent answer read.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Reads a form body (at most [`MAX_FORM_BYTES`]).
async fn read_form(
    shared: &Shared,
    headers: &HeaderMap,
    body: Body,
) -> Result<Parameters, BodyError> {
    let pause = shared.config.limits.body_read_timeout;
    let bytes = read_body(headers, body, MAX_FORM_BYTES, pause).await?;
    Ok(Parameters::parse(&bytes))
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Decodes `application/x-www-form-urlencoded` text (`+` and `%XX`), as the client id
/// and secret of HTTP Basic are encoded (RFC 6749 §2.3.1); `None` for a broken escape
/// or bytes that are not UTF-8.
fn form_decode(text: &str) -> Option<String> {
    espi_auth::strict_percent_decode(&text.replace('+', " "))
}

/// A JSON response that no cache may keep (RFC 6749 §5.1).
fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// An HTML page that no cache keeps and no other site frames (the consent page must
/// not be clickjacked).
fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html;charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("frame-ancestors 'none'"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The error page shown instead of a redirect.
fn error_page(status: StatusCode, message: &str) -> Response {
    html(
        status,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
             <title>Authorization error (espi-sandbox)</title></head>\n<body>\n\
             <h1>Authorization error</h1>\n<p>{}</p>\n</body>\n</html>\n",
            escape(message)
        ),
    )
}

/// HTML text and attribute escaping.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests;
