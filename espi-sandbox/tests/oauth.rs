//! The OAuth 2.0 authorization server over loopback HTTP: the authorization endpoint
//! (auto-approve and consent page), the token endpoint's three grants and its errors,
//! the Authorization resource every grant publishes, and PKCE (S256 only).
//!
//! Decision tested here: a refresh replaces the access token at once (the ESPI
//! Authorization has one `expires_at`, so one live access token); the old access token
//! gets 401 "replaced by a refresh", and the old refresh token presented again revokes
//! the grant (RFC 9700 §4.14.2).

mod common;

use common::{
    BULK_SCOPE, CUSTOMER_SCOPE, NOW, REDIRECT_URI, USAGE_SCOPE, authorization_code, authorize,
    authorize_url, client_token, config, get, http, redirect_parameters, start, start_with,
    status_and_body, token_request, token_response,
};
use espi_model::Resource;
use espi_model::code_list::{AuthorizationStatus, GrantType, TokenType};
use espi_model::interval::DateTimeInterval;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use std::collections::HashMap;

/// 2016-03-01T00:00:00Z: the end of an Ameren window granted at [`NOW`].
const FORWARD_END: i64 = 1_456_790_400;
/// 2012-03-01T00:00:00Z: the start of its history.
const HISTORY_START: i64 = 1_330_560_000;

/// The JSON body of an error response, with its status, after checking the RFC 6749
/// §5.2 shape and `Cache-Control: no-store`.
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

#[tokio::test]
async fn code_flow_returns_the_espi_token_response() {
    let (sandbox, _clock) = start().await;
    let code = authorization_code(&sandbox, "1", USAGE_SCOPE).await;
    let response = token_request(
        &sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(
        response.headers().get(CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let body: serde_json::Value = response.json().await.expect("JSON");
    let members: Vec<&str> = body
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = members.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "access_token",
            "authorizationURI",
            "expires_in",
            "refresh_token",
            "resourceURI",
            "scope",
            "token_type"
        ],
        "no customerResourceURI without a retail-customer block"
    );
    let token: common::TokenResponse = serde_json::from_value(body).expect("the fields");
    let base = sandbox.resource_endpoint();
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.expires_in, 3600);
    assert_eq!(token.scope, USAGE_SCOPE);
    assert_eq!(token.resource_uri, format!("{base}/Batch/Subscription/1"));
    assert_eq!(token.authorization_uri, format!("{base}/Authorization/1"));
    assert_eq!(token.customer_resource_uri, None);
    assert_eq!(token.access_token.len(), 64);
    assert_ne!(Some(&token.access_token), token.refresh_token.as_ref());
}

#[tokio::test]
async fn a_retail_customer_block_grants_a_customer_resource_uri() {
    let (sandbox, _clock) = start().await;
    let token = authorize(&sandbox, "2", CUSTOMER_SCOPE).await;
    let base = sandbox.resource_endpoint();
    assert_eq!(token.resource_uri, format!("{base}/Batch/Subscription/2"));
    assert_eq!(
        token.customer_resource_uri,
        Some(format!("{base}/Batch/RetailCustomer/2"))
    );
    // The granted scope is the request in canonical form.
    assert!(
        token
            .scope
            .starts_with("FB=1_3_4_5_13_31_37_39_51_53_64_65_69;")
    );
}

#[tokio::test]
async fn missing_scope_means_the_clients_first_offer_and_customer_defaults_to_the_first() {
    let (sandbox, _clock) = start().await;
    let url = authorize_url(&sandbox, None, USAGE_SCOPE, "s")
        .replace(&format!("&scope={}", urlencode(USAGE_SCOPE)), "");
    assert!(!url.contains("scope="), "{url}");
    let response = http().get(url).send().await.expect("answers");
    let parameters = redirect_parameters(&response);
    let code = parameters.get("code").expect("a code").clone();
    let token = token_response(
        token_request(
            &sandbox,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(token.scope, USAGE_SCOPE);
    assert!(token.resource_uri.ends_with("/Batch/Subscription/1"));
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn consent_page_states_the_scope_and_window_in_words_and_approval_issues_a_code() {
    let sandbox = start_with_consent().await;
    let response = http()
        .get(authorize_url(&sandbox, None, USAGE_SCOPE, "xyz"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html")),
        "an HTML page"
    );
    let (_, page) = status_and_body(response).await;
    for words in [
        "third_party",
        "Electricity Interval Metering",
        "Readings in intervals of 1 hour",
        "Readings grouped in blocks of a month",
        "History: up to 13 months",
        // HistoryLength=13 (months) is shorter than Ameren's 24 months.
        "data from 2013-02-01 on (the history the scope asks for)",
        "new data until 2016-03-01",
        "You may revoke the authorization at any time",
        "name=\"decision\" value=\"approve\"",
        "name=\"decision\" value=\"deny\"",
        "<option value=\"2\">2</option>",
    ] {
        assert!(page.contains(words), "the page says {words:?}:\n{page}");
    }
    let answer = common::answer_consent(&sandbox, &page, "2", "approve").await;
    assert_eq!(answer.status(), StatusCode::FOUND);
    let parameters = redirect_parameters(&answer);
    assert_eq!(parameters.get("state").map(String::as_str), Some("xyz"));
    let code = parameters.get("code").expect("a code");
    let token = token_response(
        token_request(
            &sandbox,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT_URI),
            ],
        )
        .await,
    )
    .await;
    assert!(token.resource_uri.ends_with("/Batch/Subscription/2"));
}

#[tokio::test]
async fn consent_denied_redirects_with_access_denied_and_state() {
    let sandbox = start_with_consent().await;
    let (_, page) = status_and_body(
        http()
            .get(authorize_url(&sandbox, Some("1"), USAGE_SCOPE, "keep me"))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let answer = common::answer_consent(&sandbox, &page, "1", "deny").await;
    assert_eq!(answer.status(), StatusCode::FOUND);
    let parameters = redirect_parameters(&answer);
    assert_eq!(
        parameters.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert_eq!(parameters.get("state").map(String::as_str), Some("keep me"));
    assert!(!parameters.contains_key("code"));
    assert!(sandbox.authorizations().is_empty(), "nothing was granted");
}

#[tokio::test]
async fn a_consent_form_is_answered_once() {
    let sandbox = start_with_consent().await;
    let (_, page) = status_and_body(
        http()
            .get(authorize_url(&sandbox, None, USAGE_SCOPE, "s"))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let first = common::answer_consent(&sandbox, &page, "1", "approve").await;
    assert_eq!(first.status(), StatusCode::FOUND);
    let second = common::answer_consent(&sandbox, &page, "1", "approve").await;
    assert!(second.headers().get(LOCATION).is_none(), "no redirect");
    let (status, body) = status_and_body(second).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("already answered"), "{body}");
    // A forged form without the page's nonce is refused the same way.
    let forged = http()
        .post(sandbox.authorization_endpoint())
        .form(&[
            ("consent", "forged"),
            ("retail_customer", "1"),
            ("decision", "approve"),
        ])
        .send()
        .await
        .expect("answers");
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert!(forged.headers().get(LOCATION).is_none());
}

#[tokio::test]
async fn state_is_echoed_exactly() {
    let (sandbox, _clock) = start().await;
    let state = "a b&c=d/é?#%";
    let ok = http()
        .get(authorize_url(&sandbox, Some("1"), USAGE_SCOPE, state))
        .send()
        .await
        .expect("answers");
    assert_eq!(
        redirect_parameters(&ok).get("state").map(String::as_str),
        Some(state)
    );
    let refused = http()
        .get(authorize_url(&sandbox, Some("1"), "FB=4_11", state))
        .send()
        .await
        .expect("answers");
    let parameters = redirect_parameters(&refused);
    assert_eq!(
        parameters.get("error").map(String::as_str),
        Some("invalid_scope")
    );
    assert_eq!(parameters.get("state").map(String::as_str), Some(state));
}

#[tokio::test]
async fn unknown_client_or_unregistered_redirect_uri_get_a_page_not_a_redirect() {
    let (sandbox, _clock) = start().await;
    let good = authorize_url(&sandbox, None, USAGE_SCOPE, "s");
    let cases = [
        (
            good.replace("client_id=third_party", "client_id=intruder"),
            "not registered",
        ),
        (
            good.replace("client_id=third_party", "client_id="),
            "no client_id",
        ),
        (
            good.replace(
                &urlencode(REDIRECT_URI),
                &urlencode("https://evil.example/cb"),
            ),
            "is not registered",
        ),
        (format!("{good}&client_id=third_party"), "more than once"),
    ];
    for (url, words) in cases {
        let response = http().get(&url).send().await.expect("answers");
        assert!(
            response.headers().get(LOCATION).is_none(),
            "{url} redirects"
        );
        let (status, body) = status_and_body(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}");
        assert!(body.contains(words), "{url}: {body}");
    }
}

#[tokio::test]
async fn other_authorization_errors_redirect_with_error_description_and_state() {
    let (sandbox, _clock) = start().await;
    let good = authorize_url(&sandbox, None, USAGE_SCOPE, "st");
    let cases = [
        (
            good.replace("response_type=code", "response_type=token"),
            "unsupported_response_type",
            "token",
        ),
        (
            good.replace("response_type=code", "response_type="),
            "invalid_request",
            "response_type is missing",
        ),
        (
            authorize_url(&sandbox, None, "FB=", "st"),
            "invalid_scope",
            "is not an ESPI scope",
        ),
        (
            authorize_url(&sandbox, None, "FB=4_11", "st"),
            "invalid_scope",
            "FB_11",
        ),
        (
            authorize_url(&sandbox, None, "FB=1_3_4_5;HistoryLength=94608000", "st"),
            "invalid_scope",
            "istory",
        ),
        (
            authorize_url(&sandbox, Some("99"), USAGE_SCOPE, "st"),
            "invalid_request",
            "no retail customer",
        ),
        (
            format!("{good}&scope=FB%3D4_5"),
            "invalid_request",
            "more than once",
        ),
    ];
    for (url, error, words) in cases {
        let response = http().get(&url).send().await.expect("answers");
        assert_eq!(response.status(), StatusCode::FOUND, "{url}");
        let location = response.headers()[LOCATION].to_str().expect("ASCII");
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        let parameters: HashMap<String, String> = redirect_parameters(&response);
        assert_eq!(
            parameters.get("error").map(String::as_str),
            Some(error),
            "{url}"
        );
        assert_eq!(
            parameters.get("state").map(String::as_str),
            Some("st"),
            "{url}"
        );
        let description = parameters.get("error_description").expect("a description");
        assert!(description.contains(words), "{url}: {description}");
        assert!(!parameters.contains_key("code"));
    }
}

#[tokio::test]
async fn the_token_endpoint_takes_client_secret_basic_only() {
    let (sandbox, _clock) = start().await;
    let code = authorization_code(&sandbox, "1", USAGE_SCOPE).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
    ];
    let endpoint = sandbox.token_endpoint();
    let attempts = [
        (
            http().post(&endpoint).form(&form),
            "client authentication is required",
        ),
        (
            http()
                .post(&endpoint)
                .basic_auth(sandbox.client_id(), Some("wrong"))
                .form(&form),
            "wrong client secret",
        ),
        (
            http()
                .post(&endpoint)
                .basic_auth("intruder", Some(sandbox.client_secret()))
                .form(&form),
            "unknown client",
        ),
        (
            http()
                .post(&endpoint)
                .header("Authorization", "Basic %%%")
                .form(&form),
            "not HTTP Basic",
        ),
        (
            http().post(&endpoint).form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT_URI),
                ("client_id", sandbox.client_id()),
                ("client_secret", sandbox.client_secret()),
            ]),
            "client_secret_post",
        ),
    ];
    for (request, words) in attempts {
        let response = request.send().await.expect("answers");
        let challenge = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (status, error, description) = oauth_error(response).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::UNAUTHORIZED, "invalid_client")
        );
        assert!(description.contains(words), "{description}");
        assert!(
            challenge.is_some_and(|c| c.starts_with("Basic")),
            "a Basic challenge"
        );
    }
    // The code was never consumed by the failed attempts.
    token_response(token_request(&sandbox, &form).await).await;
}

#[tokio::test]
async fn a_code_works_once_and_its_replay_revokes_the_authorization() {
    let (sandbox, _clock) = start().await;
    let code = authorization_code(&sandbox, "1", USAGE_SCOPE).await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
    ];
    let token = token_response(token_request(&sandbox, &form).await).await;
    let (status, error, description) = oauth_error(token_request(&sandbox, &form).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(description.contains("already used"), "{description}");
    assert_eq!(
        sandbox.authorizations(),
        vec![("1".to_owned(), AuthorizationStatus::Revoked)]
    );
    let (status, body) =
        status_and_body(get(&sandbox, "Authorization", &token.access_token).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("revoked"), "{body}");
}

#[tokio::test]
async fn a_code_expires_after_a_minute() {
    let (sandbox, clock) = start().await;
    let code = authorization_code(&sandbox, "1", USAGE_SCOPE).await;
    clock.advance(60);
    let (status, error, description) = oauth_error(
        token_request(
            &sandbox,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(
        description.contains("expired at 2014-03-01T00:01:00Z"),
        "{description}"
    );
}

/// A token request's form fields.
type Form<'a> = &'a [(&'a str, &'a str)];

#[tokio::test]
async fn the_code_exchange_checks_the_redirect_uri_and_its_parameters() {
    let (sandbox, _clock) = start().await;
    let code = authorization_code(&sandbox, "1", USAGE_SCOPE).await;
    let cases: [(Form<'_>, &str, &str); 5] = [
        (
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://127.0.0.1/other"),
            ],
            "invalid_grant",
            "is not the one of the authorization request",
        ),
        (
            &[("grant_type", "authorization_code"), ("code", &code)],
            "invalid_request",
            "redirect_uri is required",
        ),
        (
            &[
                ("grant_type", "authorization_code"),
                ("redirect_uri", REDIRECT_URI),
            ],
            "invalid_request",
            "code is missing",
        ),
        (
            &[
                ("grant_type", "authorization_code"),
                ("code", "not-a-code"),
                ("redirect_uri", REDIRECT_URI),
            ],
            "invalid_grant",
            "unknown authorization code",
        ),
        (
            &[("code", &code)],
            "invalid_request",
            "grant_type is missing",
        ),
    ];
    for (form, expected, words) in cases {
        let (status, error, description) = oauth_error(token_request(&sandbox, form).await).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::BAD_REQUEST, expected),
            "{form:?}"
        );
        assert!(description.contains(words), "{form:?}: {description}");
    }
    let (status, error, _) =
        oauth_error(token_request(&sandbox, &[("grant_type", "password")]).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "unsupported_grant_type")
    );
}

#[tokio::test]
async fn refresh_rotates_both_tokens_and_the_old_ones_stop_working() {
    let (sandbox, clock) = start().await;
    let first = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let refresh_token = first.refresh_token.clone().expect("a refresh token");
    clock.advance(600);
    let second = token_response(
        token_request(
            &sandbox,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh_token),
            ],
        )
        .await,
    )
    .await;
    assert_ne!(second.access_token, first.access_token);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.expires_in, 3600);
    assert_eq!(
        (
            &second.scope,
            &second.resource_uri,
            &second.authorization_uri
        ),
        (&first.scope, &first.resource_uri, &first.authorization_uri),
        "the same grant"
    );
    // The old access token is refused as replaced; the new one is a valid token (an
    // access token may not list Authorizations: 403, not 401).
    let (status, body) =
        status_and_body(get(&sandbox, "Authorization", &first.access_token).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("replaced by a refresh"), "{body}");
    let (status, _) =
        status_and_body(get(&sandbox, "Authorization", &second.access_token).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The Authorization resource shows the new expiry and grant.
    let authorization = authorization_resource(&sandbox, &second.authorization_uri).await;
    assert_eq!(authorization.expires_at, Some(NOW + 600 + 3600));
    assert_eq!(authorization.grant_type, Some(GrantType::RefreshToken));
    // The new refresh token rotates again.
    clock.advance(600);
    let third = refreshed(&sandbox, second.refresh_token.as_deref().unwrap()).await;
    assert_ne!(third.refresh_token, second.refresh_token);
}

/// A refresh with `refresh_token`: status, OAuth error and description.
async fn refresh_with(
    sandbox: &espi_sandbox::RunningSandbox,
    refresh_token: &str,
) -> (StatusCode, String, String) {
    oauth_error(
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

#[tokio::test]
async fn a_replayed_refresh_token_revokes_the_grant_and_all_its_tokens() {
    let (sandbox, clock) = start().await;
    let first = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let other = authorize(&sandbox, "2", USAGE_SCOPE).await;
    // Two rotations: the first refresh token is two generations old, the second one.
    let mut tokens = vec![first.clone()];
    for _ in 0..2 {
        clock.advance(60);
        let refresh_token = tokens.last().unwrap().refresh_token.clone().unwrap();
        tokens.push(refreshed(&sandbox, &refresh_token).await);
    }
    let current = tokens.last().unwrap().clone();
    assert_eq!(
        get(&sandbox, &current.resource_uri, &current.access_token)
            .await
            .status(),
        StatusCode::OK
    );
    // RFC 9700 §4.14.2: a replaced refresh token presented again (by a thief, or by the
    // client) revokes the grant's tokens, the current ones included.
    clock.advance(60);
    let (status, error, description) =
        refresh_with(&sandbox, first.refresh_token.as_deref().unwrap()).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(
        description.contains("Authorization 1 and its tokens are now revoked")
            && description.contains("RFC 9700 section 4.14.2"),
        "{description}"
    );
    let (status, body) =
        status_and_body(get(&sandbox, &current.resource_uri, &current.access_token).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        body.contains("revoked at 2014-03-01T00:03:00Z because a refresh token it had replaced was presented again"),
        "{body}"
    );
    let (status, error, description) =
        refresh_with(&sandbox, current.refresh_token.as_deref().unwrap()).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(
        description.contains("can no longer be refreshed"),
        "{description}"
    );
    assert_eq!(
        sandbox.authorizations(),
        [
            ("1".to_owned(), AuthorizationStatus::Revoked),
            ("2".to_owned(), AuthorizationStatus::Active)
        ]
    );
    // Another grant is untouched; a token the sandbox never issued is only unknown.
    assert_eq!(
        get(&sandbox, &other.resource_uri, &other.access_token)
            .await
            .status(),
        StatusCode::OK
    );
    let genuine = current.refresh_token.as_deref().unwrap();
    let last = if genuine.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &genuine[..111]);
    let (_, error, description) = refresh_with(&sandbox, &forged).await;
    assert_eq!(
        (error.as_str(), description.as_str()),
        ("invalid_grant", "unknown refresh token")
    );
}

#[tokio::test]
async fn refresh_scope_must_lie_within_the_grant() {
    let (sandbox, _clock) = start().await;
    let token = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let refresh_token = token.refresh_token.expect("a refresh token");
    let (status, error, description) = oauth_error(
        token_request(
            &sandbox,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh_token),
                ("scope", CUSTOMER_SCOPE),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_scope")
    );
    assert!(
        description.contains("not within the granted scope"),
        "{description}"
    );
    // The refused request spent nothing.
    token_response(
        token_request(
            &sandbox,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh_token),
                ("scope", "FB=4_5"),
            ],
        )
        .await,
    )
    .await;
}

#[tokio::test]
async fn refresh_after_revocation_or_expiry_is_invalid_grant() {
    let (mut config, clock) = config();
    config.refresh_token_lifetime = 7200;
    let sandbox = start_with(config).await;
    let revoked = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let kept = authorize(&sandbox, "2", USAGE_SCOPE).await;
    sandbox.revoke("1").expect("Authorization 1 exists");
    let (status, error, description) = oauth_error(
        token_request(
            &sandbox,
            &[
                ("grant_type", "refresh_token"),
                (
                    "refresh_token",
                    revoked.refresh_token.as_deref().expect("a refresh token"),
                ),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(
        description.contains("Authorization 1 is Revoked (revoked at 2014-03-01T00:00:00Z)"),
        "{description}"
    );
    clock.advance(7200);
    let (status, error, description) = oauth_error(
        token_request(
            &sandbox,
            &[
                ("grant_type", "refresh_token"),
                (
                    "refresh_token",
                    kept.refresh_token.as_deref().expect("a refresh token"),
                ),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(
        description.contains("refresh token of Authorization 2 expired"),
        "{description}"
    );
    assert!(sandbox.revoke("7").is_err(), "unknown ids are an error");
}

#[tokio::test]
async fn expires_in_follows_the_configured_lifetime() {
    let (mut config, _clock) = config();
    config.access_token_lifetime = 90;
    let sandbox = start_with(config).await;
    let token = authorize(&sandbox, "1", USAGE_SCOPE).await;
    assert_eq!(token.expires_in, 90);
    let client = client_token(&sandbox, None).await;
    assert_eq!(client.expires_in, 90);
    let authorization = authorization_resource(&sandbox, &token.authorization_uri).await;
    assert_eq!(authorization.expires_at, Some(NOW + 90));
}

#[tokio::test]
async fn client_credentials_give_a_bulk_token_without_refresh() {
    let (sandbox, _clock) = start().await;
    let base = sandbox.resource_endpoint();
    let bulk = client_token(&sandbox, Some(BULK_SCOPE)).await;
    assert_eq!(bulk.resource_uri, format!("{base}/Batch/Bulk/1"));
    assert_eq!(bulk.refresh_token, None);
    assert_eq!(bulk.customer_resource_uri, None);
    assert_eq!(bulk.scope, BULK_SCOPE);
    assert_eq!(bulk.token_type, "Bearer");
    assert_eq!(bulk.authorization_uri, format!("{base}/Authorization/1"));
    // Without a scope: the client's first offer, bound to every resource.
    let plain = client_token(&sandbox, None).await;
    assert_eq!(plain.scope, USAGE_SCOPE);
    assert_eq!(plain.resource_uri, format!("{base}/*"));
    // A scope no offer covers.
    let (status, error, description) = oauth_error(
        token_request(
            &sandbox,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "FB=35;BR=9"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_scope")
    );
    assert!(description.contains("BR"), "{description}");
    // The client grant's Authorization is related to the application.
    let (_, body) =
        status_and_body(get(&sandbox, &bulk.authorization_uri, &bulk.access_token).await).await;
    assert!(body.contains("ApplicationInformation/1"), "{body}");
    assert!(
        body.contains("<espi:grant_type>client_credentials</espi:grant_type>"),
        "{body}"
    );
}

#[tokio::test]
async fn every_grant_publishes_its_authorization_resource() {
    let (sandbox, _clock) = start().await;
    let token = authorize(&sandbox, "1", CUSTOMER_SCOPE).await;
    let authorization = authorization_resource(&sandbox, &token.authorization_uri).await;
    assert_eq!(authorization.status, Some(AuthorizationStatus::Active));
    assert_eq!(
        authorization.authorized_period,
        Some(DateTimeInterval::new(
            NOW,
            u32::try_from(FORWARD_END - NOW).expect("fits")
        ))
    );
    assert_eq!(
        authorization.published_period,
        Some(DateTimeInterval::new(
            HISTORY_START,
            u32::try_from(NOW - HISTORY_START).expect("fits")
        ))
    );
    assert_eq!(authorization.expires_at, Some(NOW + 3600));
    assert_eq!(authorization.grant_type, Some(GrantType::AuthorizationCode));
    assert_eq!(authorization.scope.as_deref(), Some(token.scope.as_str()));
    assert_eq!(authorization.token_type, Some(TokenType::Bearer));
    assert_eq!(
        authorization.resource_uri.as_deref(),
        Some(token.resource_uri.as_str())
    );
    assert_eq!(
        authorization.authorization_uri.as_deref(),
        Some(token.authorization_uri.as_str())
    );
    assert_eq!(
        authorization.customer_resource_uri,
        token.customer_resource_uri
    );
}

#[tokio::test]
async fn revocation_shows_on_the_authorization_resource() {
    let (sandbox, clock) = start().await;
    let token = authorize(&sandbox, "1", USAGE_SCOPE).await;
    clock.advance(100);
    sandbox.revoke("1").expect("Authorization 1 exists");
    let authorization = authorization_resource(&sandbox, &token.authorization_uri).await;
    assert_eq!(authorization.status, Some(AuthorizationStatus::Revoked));
    assert_eq!(
        authorization.expires_at,
        Some(NOW + 100),
        "the token is dead from then on"
    );
    assert_eq!(
        sandbox.authorizations(),
        vec![("1".to_owned(), AuthorizationStatus::Revoked)]
    );
    // Revoking again changes nothing.
    clock.advance(100);
    sandbox.revoke("1").expect("idempotent");
    let again = authorization_resource(&sandbox, &token.authorization_uri).await;
    assert_eq!(again.expires_at, Some(NOW + 100));
}

#[tokio::test]
async fn the_consent_page_states_the_programs_history_limit_when_the_scope_sets_none() {
    let sandbox = start_with_consent().await;
    let (status, page) = status_and_body(
        http()
            .get(authorize_url(&sandbox, None, CUSTOMER_SCOPE, "s"))
            .send()
            .await
            .expect("answers"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for words in [
        "Includes retail customer (personal) information",
        "data from 2012-03-01 on (24 months of history before today, the program&#39;s limit)",
        "new data until 2016-03-01",
    ] {
        assert!(page.contains(words), "the page says {words:?}:\n{page}");
    }
}

// ---------------------------------------------------------------------------------
// PKCE (RFC 7636). Decisions tested here: only S256 is accepted (plain, and a
// challenge without a method, which means plain, are invalid_request); a failed
// verifier check leaves the code redeemable; a verifier for a code issued without a
// challenge is refused (RFC 9700 section 2.1.1).
// ---------------------------------------------------------------------------------

/// The code_verifier and S256 code_challenge of RFC 7636 Appendix B: an independent
/// oracle for the sandbox's SHA-256 and base64url.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The authorization URL of retail customer 1 with `pkce` parameters appended.
fn pkce_url(sandbox: &espi_sandbox::RunningSandbox, pkce: &[(&str, &str)]) -> String {
    let mut url =
        reqwest::Url::parse(&authorize_url(sandbox, Some("1"), USAGE_SCOPE, "pk")).expect("a URL");
    url.query_pairs_mut().extend_pairs(pkce);
    url.into()
}

/// The code of a redirect, after checking its state.
fn redirected_code(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::FOUND);
    let parameters = redirect_parameters(response);
    assert_eq!(parameters.get("state").map(String::as_str), Some("pk"));
    parameters
        .get("code")
        .unwrap_or_else(|| panic!("a code, got {parameters:?}"))
        .clone()
}

/// A code issued (auto-approve) for a request with the S256 challenge of [`VERIFIER`].
async fn pkce_code(sandbox: &espi_sandbox::RunningSandbox) -> String {
    let url = pkce_url(
        sandbox,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    );
    redirected_code(&http().get(url).send().await.expect("answers"))
}

/// The code exchange of `code` with `verifier`, when given.
async fn exchange(
    sandbox: &espi_sandbox::RunningSandbox,
    code: &str,
    verifier: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_URI),
    ];
    form.extend(verifier.map(|verifier| ("code_verifier", verifier)));
    token_request(sandbox, &form).await
}

#[tokio::test]
async fn pkce_s256_with_the_right_verifier_grants_a_token() {
    let (sandbox, _clock) = start().await;
    let code = pkce_code(&sandbox).await;
    let token = token_response(exchange(&sandbox, &code, Some(VERIFIER)).await).await;
    assert_eq!(token.scope, USAGE_SCOPE);
    assert!(token.resource_uri.ends_with("/Batch/Subscription/1"));
    assert_eq!(sandbox.authorizations().len(), 1);
}

#[tokio::test]
async fn pkce_wrong_or_missing_verifier_is_invalid_grant_and_the_code_survives() {
    let (sandbox, _clock) = start().await;
    let code = pkce_code(&sandbox).await;
    // Another well-formed verifier: its SHA-256 is not the challenge.
    let wrong = VERIFIER.replace('d', "D");
    for (verifier, words) in [
        (Some(wrong.as_str()), "does not match the code_challenge"),
        (None, "code_verifier is missing"),
    ] {
        let (status, error, description) =
            oauth_error(exchange(&sandbox, &code, verifier).await).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::BAD_REQUEST, "invalid_grant"),
            "{verifier:?}"
        );
        assert!(description.contains(words), "{description}");
    }
    assert!(sandbox.authorizations().is_empty(), "nothing was granted");
    // A verifier RFC 7636 section 4.1 does not allow is a malformed request.
    let (status, error, _) = oauth_error(exchange(&sandbox, &code, Some("short")).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_request")
    );
    // The failures were the presenter's: the client that holds the verifier still
    // redeems the code.
    token_response(exchange(&sandbox, &code, Some(VERIFIER)).await).await;
}

#[tokio::test]
async fn pkce_challenge_is_kept_through_the_consent_page() {
    let sandbox = start_with_consent().await;
    let url = pkce_url(
        &sandbox,
        &[
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    );
    let (status, page) = status_and_body(http().get(url).send().await.expect("answers")).await;
    assert_eq!(status, StatusCode::OK, "a consent page: {page}");
    assert!(
        !page.contains(CHALLENGE),
        "the challenge is kept server-side, not in the form"
    );
    let answer = common::answer_consent(&sandbox, &page, "1", "approve").await;
    let code = redirected_code(&answer);
    let (status, error, _) = oauth_error(exchange(&sandbox, &code, None).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    let token = token_response(exchange(&sandbox, &code, Some(VERIFIER)).await).await;
    assert!(token.resource_uri.ends_with("/Batch/Subscription/1"));
}

#[tokio::test]
async fn pkce_plain_and_malformed_challenges_are_refused_at_the_authorization_endpoint() {
    let (sandbox, _clock) = start().await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("code_challenge", VERIFIER),
                ("code_challenge_method", "plain"),
            ],
            "plain is not accepted",
        ),
        (&[("code_challenge", CHALLENGE)], "which means plain"),
        (
            &[("code_challenge_method", "S256")],
            "without a code_challenge",
        ),
        (
            &[("code_challenge", "abc"), ("code_challenge_method", "S256")],
            "is not an S256 challenge",
        ),
        (
            &[
                ("code_challenge", CHALLENGE),
                ("code_challenge_method", "S256"),
                ("code_challenge", CHALLENGE),
            ],
            "more than once",
        ),
    ];
    for (pkce, words) in cases {
        let response = http()
            .get(pkce_url(&sandbox, pkce))
            .send()
            .await
            .expect("answers");
        assert_eq!(response.status(), StatusCode::FOUND, "{pkce:?}");
        let parameters = redirect_parameters(&response);
        assert_eq!(
            parameters.get("error").map(String::as_str),
            Some("invalid_request"),
            "{pkce:?}"
        );
        assert_eq!(parameters.get("state").map(String::as_str), Some("pk"));
        let description = &parameters["error_description"];
        assert!(description.contains(words), "{pkce:?}: {description}");
        assert!(!parameters.contains_key("code"));
    }
}

#[tokio::test]
async fn a_code_verifier_without_a_challenge_is_invalid_grant() {
    let (sandbox, _clock) = start().await;
    let code = authorization_code(&sandbox, "1", USAGE_SCOPE).await;
    let (status, error, description) =
        oauth_error(exchange(&sandbox, &code, Some(VERIFIER)).await).await;
    assert_eq!(
        (status, error.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );
    assert!(description.contains("no code_challenge"), "{description}");
    // Without PKCE the flow is as before.
    token_response(exchange(&sandbox, &code, None).await).await;
}

/// The `error` of an authorization endpoint redirect, or `None` for a page.
async fn authorize_outcome(
    sandbox: &espi_sandbox::RunningSandbox,
    customer: &str,
) -> Option<String> {
    let response = http()
        .get(authorize_url(sandbox, Some(customer), USAGE_SCOPE, "s"))
        .send()
        .await
        .expect("the authorization endpoint answers");
    if response.status() == StatusCode::OK {
        return None;
    }
    let parameters = redirect_parameters(&response);
    Some(
        parameters
            .get("error")
            .cloned()
            .unwrap_or_else(|| "code".to_owned()),
    )
}

#[tokio::test]
async fn waiting_consent_pages_are_bounded_and_expire() {
    let (mut config, clock) = config();
    config.auto_approve = false;
    config.limits.pending_consents = 3;
    let sandbox = start_with(config).await;
    for _ in 0..3 {
        assert_eq!(
            authorize_outcome(&sandbox, "1").await,
            None,
            "a consent page"
        );
    }
    assert_eq!(
        authorize_outcome(&sandbox, "1").await.as_deref(),
        Some("temporarily_unavailable")
    );
    // Unanswered pages expire after ten minutes and make room.
    clock.advance(601);
    assert_eq!(authorize_outcome(&sandbox, "1").await, None);
}

#[tokio::test]
async fn authorization_codes_are_bounded_and_expire() {
    let (mut config, clock) = config();
    config.limits.codes = 3;
    let sandbox = start_with(config).await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(authorization_code(&sandbox, "1", USAGE_SCOPE).await);
    }
    assert_eq!(
        authorize_outcome(&sandbox, "1").await.as_deref(),
        Some("temporarily_unavailable")
    );
    // A code exchanged is only remembered (to recognise a replay): it makes room.
    token_response(
        token_request(
            &sandbox,
            &[
                ("grant_type", "authorization_code"),
                ("code", &codes[0]),
                ("redirect_uri", REDIRECT_URI),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        authorize_outcome(&sandbox, "1").await.as_deref(),
        Some("code")
    );
    assert_eq!(
        authorize_outcome(&sandbox, "1").await.as_deref(),
        Some("temporarily_unavailable")
    );
    // Unused codes expire after a minute and make room.
    clock.advance(61);
    for _ in 0..3 {
        assert_eq!(
            authorize_outcome(&sandbox, "1").await.as_deref(),
            Some("code")
        );
    }
}

#[tokio::test]
async fn authorizations_that_can_no_longer_serve_make_room_for_new_grants() {
    let (mut config, clock) = config();
    config.limits.authorizations = 3;
    let sandbox = start_with(config).await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    for _ in 0..2 {
        client_token(&sandbox, Some(BULK_SCOPE)).await;
    }
    let full = |response: reqwest::Response| async move {
        let (status, error, description) = oauth_error(response).await;
        assert_eq!(
            (status, error.as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable"),
            "{description}"
        );
    };
    full(token_request(&sandbox, &[("grant_type", "client_credentials")]).await).await;
    // A revoked Authorization makes room, and goes with its tokens.
    sandbox.revoke("2").expect("Authorization 2");
    client_token(&sandbox, Some(BULK_SCOPE)).await;
    let ids: Vec<String> = sandbox
        .authorizations()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, ["1", "3", "4"]);
    full(token_request(&sandbox, &[("grant_type", "client_credentials")]).await).await;
    // Client grants whose token expired can never serve again; the customer's can be
    // refreshed, so it stays.
    clock.advance(3600);
    for _ in 0..2 {
        client_token(&sandbox, Some(BULK_SCOPE)).await;
    }
    let ids: Vec<String> = sandbox
        .authorizations()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids, ["1", "5", "6"]);
    let renewed = refreshed(&sandbox, customer.refresh_token.as_deref().unwrap()).await;
    assert_eq!(renewed.authorization_uri, customer.authorization_uri);
}
