//! The OAuth 2.0 authorization server over loopback HTTP: the authorization endpoint
//! (auto-approve and consent page), the token endpoint's three grants and its errors,
//! the Authorization resource every grant publishes, and PKCE (S256 only).
//!
//! Decision tested here: a refresh replaces the access token at once (the ESPI
//! Authorization has one `expires_at`, so one live access token); the old access token
//! gets 401 "replaced by a refresh", and the old refresh token presented again revokes
//! the grant (RFC 9700 §4.14.2).

#[path = "../common/mod.rs"]
mod common;

mod authorize;
mod pkce;
mod records;
mod token;

use common::{
    BULK_SCOPE, CUSTOMER_SCOPE, NOW, REDIRECT_URI, USAGE_SCOPE, authorization_code, authorize,
    authorize_url, client_token, config, get, http, redirect_parameters, start, start_with,
    status_and_body, token_request, token_response,
};
use espi_model::code_list::{AuthorizationStatus, GrantType, TokenType};
use espi_model::interval::DateTimeInterval;
use espi_model::resource::Resource;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use std::collections::HashMap;

/// 2016-03-01T00:00:00Z: the end of an Ameren window granted at [`NOW`].
const FORWARD_END: i64 = 1_456_790_400;
/// 2012-03-01T00:00:00Z: the start of its history.
const HISTORY_START: i64 = 1_330_560_000;

/// The JSON body of an error response, with its status, after checking the RFC 6749
/// RFC 6749 §5.2 shape and `Cache-Control: no-store`.
async fn oauth_error(response: reqwest::Response) -> (StatusCode, String, String) {
    let status = response.status();
    assert_eq!(
        response.headers().get(CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"no-store"[..]),
        "errors are not cached"
    );
    let body: serde_json::Value = response.json().await.expect("a JSON error");
    let error = body["error"].as_str().expect("an error code").to_owned();
    let description = body["error_description"]
        .as_str()
        .expect("an error_description")
        .to_owned();
    (status, error, description)
}

/// The Authorization resource at `uri`, read with the Data Custodian's token.
async fn authorization_resource(
    sandbox: &espi_sandbox::RunningSandbox,
    uri: &str,
) -> espi_model::authorization::Authorization {
    let response = get(sandbox, uri, &sandbox.data_custodian_token()).await;
    assert_eq!(
        response.headers().get(CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"application/atom+xml"[..])
    );
    let (status, body) = status_and_body(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let document = espi_xml::read_document(body.as_bytes())
        .expect("the Authorization entry parses")
        .document;
    match document
        .entries()
        .first()
        .and_then(|entry| entry.content.first())
    {
        Some(Resource::Authorization(authorization)) => authorization.clone(),
        other => panic!("an Authorization entry, got {other:?}"),
    }
}

/// A sandbox that shows the consent page instead of approving at once.
async fn start_with_consent() -> espi_sandbox::RunningSandbox {
    let (mut config, _clock) = config();
    config.auto_approve = false;
    start_with(config).await
}

/// A successful refresh with `refresh_token`.
async fn refreshed(
    sandbox: &espi_sandbox::RunningSandbox,
    refresh_token: &str,
) -> common::TokenResponse {
    token_response(
        token_request(
            sandbox,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await,
    )
    .await
}
