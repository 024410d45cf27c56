//! The token endpoint: client authentication, then the grant.

use crate::error::description_text;
use crate::grants::{GrantError, Issued, Terms};
use crate::state::{Shared, lock};
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use espi_auth::Scope;
use std::sync::Arc;

use super::authorize::negotiate;

use super::{Parameters, form_decode, json, read_form, same_secret};

/// A token endpoint failure: the OAuth error and its HTTP status.
struct TokenFailure {
    status: StatusCode,
    error: GrantError,
}

impl From<GrantError> for TokenFailure {
    fn from(error: GrantError) -> Self {
        let status = match error.error {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
            "temporarily_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        TokenFailure { status, error }
    }
}

impl TokenFailure {
    fn invalid_client(description: impl Into<String>) -> Self {
        TokenFailure {
            status: StatusCode::UNAUTHORIZED,
            error: GrantError {
                error: "invalid_client",
                description: description.into(),
            },
        }
    }

    fn invalid_request(description: impl Into<String>) -> Self {
        GrantError::invalid_request(description).into()
    }
}

impl IntoResponse for TokenFailure {
    /// RFC 6749 §5.2: JSON `{"error", "error_description"}`; `invalid_client` adds the
    /// `WWW-Authenticate: Basic` challenge.
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.error.error,
            "error_description": description_text(&self.error.description),
        });
        let mut response = json(self.status, body.to_string());
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"espi-sandbox\""),
            );
        }
        response
    }
}

/// `POST /oauth/token`.
pub(super) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match grant(&shared, &headers, body).await {
        Ok(issued) => match serde_json::to_string(&issued) {
            Ok(body) => json(StatusCode::OK, body),
            Err(error) => TokenFailure::from(GrantError::server_error(format!(
                "the token response could not be written: {error}"
            )))
            .into_response(),
        },
        Err(failure) => failure.into_response(),
    }
}

/// Authenticates the client (from the headers alone), then reads the form and runs the
/// grant.
async fn grant(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<Issued, TokenFailure> {
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        let essence = content_type
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(TokenFailure::invalid_request(format!(
                "the token request must be application/x-www-form-urlencoded, not {essence:?}"
            )));
        }
    }
    let client_id = authenticate(shared, headers)?;
    let parameters = read_form(shared, headers, body)
        .await
        .map_err(|error| TokenFailure {
            status: error.status(),
            error: GrantError::invalid_request(error.to_string()),
        })?;
    check_posted_client(&parameters, &client_id)?;
    let get = |name: &str| parameters.get(name).map_err(TokenFailure::invalid_request);
    let now = shared.now();
    let terms = Terms::of(shared);
    match get("grant_type")? {
        Some("authorization_code") => {
            let code = get("code")?
                .ok_or_else(|| TokenFailure::invalid_request("code is missing"))?;
            let redirect_uri = get("redirect_uri")?;
            let verifier = get("code_verifier")?;
            let issued = lock(&shared.auth).exchange_code(
                now,
                &terms,
                &client_id,
                code,
                redirect_uri,
                verifier,
            );
            Ok(issued?)
        }
        Some("refresh_token") => {
            let refresh_token = get("refresh_token")?
                .ok_or_else(|| TokenFailure::invalid_request("refresh_token is missing"))?;
            let scope = match get("scope")? {
                Some(text) => Some(
                    Scope::parse(text)
                        .map_err(|error| {
                            GrantError::invalid_scope(format!(
                                "scope {text:?} is not an ESPI scope: {error}"
                            ))
                        })?
                        .scope,
                ),
                None => None,
            };
            let issued = lock(&shared.auth).refresh(
                now,
                &terms,
                &client_id,
                refresh_token,
                scope.as_ref(),
            );
            Ok(issued?)
        }
        Some("client_credentials") => {
            let scope = negotiate(shared, get("scope")?)?;
            let issued = lock(&shared.auth).client_credentials(now, &terms, &client_id, scope);
            Ok(issued?)
        }
        Some(other) => Err(GrantError {
            error: "unsupported_grant_type",
            description: format!(
                "grant_type {other:?} is not supported: use authorization_code, refresh_token or client_credentials"
            ),
        }
        .into()),
        None => Err(TokenFailure::invalid_request("grant_type is missing")),
    }
}

/// client_secret_basic (RFC 6749 §2.3.1), from the `Authorization` header alone, so
/// that no body is read for an unknown client: returns the authenticated client id.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<String, TokenFailure> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(TokenFailure::invalid_client(
            "client authentication is required: HTTP Basic with the client id and secret \
             (client_secret_basic; client_secret_post is not accepted)",
        ));
    };
    let garbled = || {
        TokenFailure::invalid_client(
            "the Authorization header is not HTTP Basic with base64 of client_id:client_secret",
        )
    };
    let value = value.to_str().map_err(|_| garbled())?.trim();
    let (scheme, encoded) = value.split_once(' ').ok_or_else(garbled)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(TokenFailure::invalid_client(format!(
            "the token endpoint takes HTTP Basic client authentication, not {scheme:?}"
        )));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| garbled())?;
    let decoded = String::from_utf8(decoded).map_err(|_| garbled())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(garbled)?;
    let (id, secret) = (
        form_decode(id).ok_or_else(garbled)?,
        form_decode(secret).ok_or_else(garbled)?,
    );
    let client = &shared.config.client;
    let known = same_secret(id.as_bytes(), client.client_id.as_bytes())
        & same_secret(secret.as_bytes(), client.client_secret.as_bytes());
    if !known {
        return Err(TokenFailure::invalid_client(
            "unknown client or wrong client secret",
        ));
    }
    Ok(id)
}

/// The client credentials a form may not carry besides HTTP Basic: a `client_secret`
/// (the client would authenticate twice) or a `client_id` of another client.
fn check_posted_client(parameters: &Parameters, client_id: &str) -> Result<(), TokenFailure> {
    if parameters
        .get("client_secret")
        .map_err(TokenFailure::invalid_request)?
        .is_some()
    {
        return Err(TokenFailure::invalid_request(
            "the client authenticated twice (HTTP Basic and client_secret in the body)",
        ));
    }
    if let Some(named) = parameters
        .get("client_id")
        .map_err(TokenFailure::invalid_request)?
        && named != client_id
    {
        return Err(TokenFailure::invalid_client(
            "client_id in the body is not the authenticated client",
        ));
    }
    Ok(())
}
