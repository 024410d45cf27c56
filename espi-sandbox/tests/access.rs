//! Access control over loopback HTTP: each denial with its status and reason, the
//! token kinds on the administrative resources, revocation, and the documents those
//! resources serve.
//!
//! The tests marked "data routes" use the usage and customer endpoints
//! (`Batch/Subscription`, `Batch/RetailCustomer`, `Batch/Bulk`); the same rules are
//! also tested without HTTP in `src/access.rs`.

mod common;

use common::{
    BULK_SCOPE, CUSTOMER_SCOPE, USAGE_SCOPE, assert_schema_valid, authorize, client_token, config,
    get, http, request, resource_url, start, start_with, status_and_body,
};
use espi_model::code_list::AuthorizationStatus;
use espi_model::resource::Resource;
use reqwest::header::WWW_AUTHENTICATE;
use reqwest::{Method, StatusCode};

/// Status, body and `WWW-Authenticate` of a GET.
async fn fetch(
    sandbox: &espi_sandbox::RunningSandbox,
    path: &str,
    token: &str,
) -> (StatusCode, String) {
    status_and_body(get(sandbox, path, token).await).await
}

/// Asserts a 401 `invalid_token` with the challenge and a reason containing `words`.
async fn assert_unauthorized(response: reqwest::Response, words: &str) {
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    let (status, body) = status_and_body(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        challenge.starts_with("Bearer ") && challenge.contains("error=\"invalid_token\""),
        "{challenge}"
    );
    assert!(body.contains(words), "the reason says {words:?}: {body}");
}

#[tokio::test]
async fn no_token_is_401_with_a_bearer_challenge() {
    let (sandbox, _clock) = start().await;
    let response = http()
        .get(resource_url(&sandbox, "Authorization"))
        .send()
        .await
        .expect("answers");
    // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
    let challenge = response
        .headers()
        .get(WWW_AUTHENTICATE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    assert_eq!(challenge, "Bearer realm=\"espi-sandbox\"");
    let (status, body) = status_and_body(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("no access token"), "{body}");
}

/// The `WWW-Authenticate` value of a response, empty when there is none.
fn challenge_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .map(|value| value.to_str().expect("an ASCII challenge").to_owned())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A GET of the Authorization feed with these `Authorization` header values.
async fn with_headers(
    sandbox: &espi_sandbox::RunningSandbox,
    values: &[&str],
) -> reqwest::Response {
    let mut request = http().get(resource_url(sandbox, "Authorization"));
    for value in values {
        request = request.header("Authorization", *value);
    }
    request.send().await.expect("answers")
}

#[tokio::test]
async fn credentials_of_another_scheme_get_a_bare_challenge_and_malformed_ones_an_error() {
    let (sandbox, _clock) = start().await;
    // RFC 6750 §3.1: a request with no Bearer credentials (here Basic) gets a challenge
    // without error information; the body still says what to send.
    let response = with_headers(&sandbox, &["Basic dGhpcmRfcGFydHk6c2VjcmV0"]).await;
    assert_eq!(challenge_of(&response), "Bearer realm=\"espi-sandbox\"");
    let (status, body) = status_and_body(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("\"Basic\" scheme"), "{body}");
    // A malformed request is invalid_request (400), a malformed token invalid_token.
    for (values, status, code, words) in [
        (
            &["Bearer"][..],
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "carries no token",
        ),
        (
            &["Bearer abc", "Bearer def"][..],
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "more than one Authorization header",
        ),
        (
            &["Bearer a\"b"][..],
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "RFC 6750",
        ),
    ] {
        let response = with_headers(&sandbox, values).await;
        let challenge = challenge_of(&response);
        let (got, body) = status_and_body(response).await;
        assert_eq!(got, status, "{values:?}: {body}");
        assert!(
            challenge.starts_with(&format!(
                "Bearer realm=\"espi-sandbox\", error=\"{code}\", error_description=\""
            )),
            "{values:?}: {challenge}"
        );
        assert!(body.contains(words), "{values:?}: {body}");
    }
}

#[tokio::test]
async fn every_403_carries_insufficient_scope() {
    let (sandbox, _clock) = start().await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let client = client_token(&sandbox, None).await;
    let another_subscription = resource_url(&sandbox, "Batch/Subscription/2");
    let admin_revoke = format!("{}/admin/Authorization/1/revoke", sandbox.base_url());
    for (method, url, token) in [
        // Refused by the decision: another customer's subscription, a window before history.
        (
            Method::GET,
            another_subscription,
            customer.access_token.clone(),
        ),
        (
            Method::GET,
            resource_url(&sandbox, "Authorization?published-max=2011-01-01T00:00:00Z"),
            client.access_token.clone(),
        ),
        // Refused by the admin route itself.
        (Method::POST, admin_revoke, client.access_token.clone()),
    ] {
        let response = request(&sandbox, method.clone(), &url, &token).await;
        let challenge = challenge_of(&response);
        let (status, body) = status_and_body(response).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {url}: {body}");
        assert!(
            challenge.starts_with(
                "Bearer realm=\"espi-sandbox\", error=\"insufficient_scope\", error_description=\""
            ),
            "{method} {url}: {challenge}"
        );
        // The description is the reason in the characters RFC 6750 §3 allows.
        let description = challenge
            .split_once("error_description=\"")
            .map(|(_, rest)| rest.trim_end_matches('"'))
            .unwrap_or_default();
        assert!(
            !description.is_empty() && body.starts_with(&description[..20.min(description.len())]),
            "{description} / {body}"
        );
    }
    // Errors that are not about the token carry no challenge.
    let response = get(
        &sandbox,
        "Authorization?start-index=0",
        &sandbox.data_custodian_token(),
    )
    .await;
    assert_eq!(challenge_of(&response), "");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unknown_token_is_401() {
    let (sandbox, _clock) = start().await;
    assert_unauthorized(
        get(&sandbox, "Authorization", "0123456789abcdef").await,
        "unknown access token",
    )
    .await;
}

#[tokio::test]
async fn an_expired_access_token_is_401_until_refreshed() {
    let (sandbox, clock) = start().await;
    let client = client_token(&sandbox, None).await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    assert_eq!(
        fetch(&sandbox, "Authorization", &client.access_token)
            .await
            .0,
        StatusCode::OK
    );
    clock.advance(3599);
    assert_eq!(
        fetch(&sandbox, "Authorization", &client.access_token)
            .await
            .0,
        StatusCode::OK,
        "valid until the last second"
    );
    clock.advance(1);
    assert_unauthorized(
        get(&sandbox, "Authorization", &client.access_token).await,
        "expired at 2014-03-01T01:00:00Z; refresh it",
    )
    .await;
    // The customer's token too, whatever the path; a refresh brings it back.
    assert_unauthorized(
        get(&sandbox, "Authorization", &customer.access_token).await,
        "the access token of Authorization 2 cannot be used: the access token expired",
    )
    .await;
    let refreshed = common::token_response(
        common::token_request(
            &sandbox,
            &[
                ("grant_type", "refresh_token"),
                (
                    "refresh_token",
                    customer.refresh_token.as_deref().expect("a refresh token"),
                ),
            ],
        )
        .await,
    )
    .await;
    // Valid again: refused for the path (403), not for the token (401).
    assert_eq!(
        fetch(&sandbox, "Authorization", &refreshed.access_token)
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_revoked_authorization_is_401_and_says_revoked() {
    let (sandbox, clock) = start().await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    clock.advance(30);
    sandbox.revoke("1").expect("Authorization 1 exists");
    assert_unauthorized(
        get(&sandbox, "Authorization", &customer.access_token).await,
        "the authorization was revoked at 2014-03-01T00:00:30Z",
    )
    .await;
}

#[tokio::test]
async fn malformed_repeated_or_reversed_bounds_are_400() {
    let (sandbox, _clock) = start().await;
    // A client token as well as the Data Custodian's: the query is read before the
    // window is applied to it.
    let client = client_token(&sandbox, None).await.access_token;
    for token in [sandbox.data_custodian_token(), client] {
        for (query, words) in [
            (
                "published-min=yesterday",
                "published-min: \"yesterday\" is not an xs:dateTime",
            ),
            (
                "published-max=2014-01-01",
                "published-max: \"2014-01-01\" is not an xs:dateTime",
            ),
            (
                "published-min=2014-01-01T00:00:00Z&published-min=2014-01-02T00:00:00Z",
                "published-min is given more than once",
            ),
            // A reversed range is a malformed request, not a refusal of the token.
            (
                "published-min=2014-01-02T00:00:00Z&published-max=2014-01-01T00:00:00Z",
                "the minimum is after the maximum",
            ),
            ("start-index=0", "one-based"),
            (
                "max-results=lots",
                "max-results: \"lots\" is not a whole number",
            ),
            ("updated-min=yesterday", "updated-min: \"yesterday\""),
        ] {
            let (status, body) = fetch(&sandbox, &format!("Authorization?{query}"), &token).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert!(body.contains(words), "{query}: {body}");
        }
    }
}

#[tokio::test]
async fn a_window_that_leaves_nothing_is_403() {
    let (sandbox, _clock) = start().await;
    // A client token's window is the program's (Ameren: 24 months back from the grant).
    let client = client_token(&sandbox, None).await;
    for (query, words) in [
        (
            "published-max=2011-01-01T00:00:00Z",
            "the data starts before the history window",
        ),
        (
            "published-min=2015-01-01T00:00:00Z",
            "the data reaches into the future",
        ),
    ] {
        let (status, body) = fetch(
            &sandbox,
            &format!("Authorization?{query}"),
            &client.access_token,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{query}: {body}");
        assert!(body.contains(words), "{query}: {body}");
    }
}

#[tokio::test]
async fn each_token_kind_reaches_only_its_administrative_rows() {
    let (sandbox, _clock) = start().await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let client = client_token(&sandbox, Some(BULK_SCOPE)).await;
    let registration = sandbox.registration_token();
    let custodian = sandbox.data_custodian_token();
    let cases = [
        (
            &customer.access_token,
            "Authorization",
            StatusCode::FORBIDDEN,
        ),
        (
            &customer.access_token,
            "Authorization/1",
            StatusCode::FORBIDDEN,
        ),
        (
            &customer.access_token,
            "ApplicationInformation/1",
            StatusCode::FORBIDDEN,
        ),
        (&client.access_token, "Authorization", StatusCode::OK),
        (&client.access_token, "Authorization/1", StatusCode::OK),
        (
            &client.access_token,
            "ApplicationInformation/1",
            StatusCode::FORBIDDEN,
        ),
        (&registration, "ApplicationInformation/1", StatusCode::OK),
        (
            &registration,
            "ApplicationInformation/2",
            StatusCode::FORBIDDEN,
        ),
        (&registration, "Authorization", StatusCode::FORBIDDEN),
        (&custodian, "Authorization", StatusCode::OK),
        (&custodian, "Authorization/2", StatusCode::OK),
        (&custodian, "Authorization/3", StatusCode::NOT_FOUND),
        (&custodian, "ApplicationInformation/1", StatusCode::OK),
        (
            &custodian,
            "ApplicationInformation/2",
            StatusCode::NOT_FOUND,
        ),
    ];
    for (token, path, expected) in cases {
        let (status, body) = fetch(&sandbox, path, token).await;
        assert_eq!(status, expected, "{path}: {body}");
        if status == StatusCode::FORBIDDEN {
            assert!(body.contains("may not"), "{path}: {body}");
        }
    }
    let (_, body) = fetch(&sandbox, "Authorization", &customer.access_token).await;
    assert!(
        body.contains("a access_token may not GET Authorization"),
        "{body}"
    );
}

#[tokio::test]
async fn the_client_revokes_with_delete_and_the_customer_cannot() {
    let (sandbox, _clock) = start().await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let client = client_token(&sandbox, None).await;
    let refused = request(
        &sandbox,
        Method::DELETE,
        "Authorization/1",
        &customer.access_token,
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let deleted = request(
        &sandbox,
        Method::DELETE,
        "Authorization/1",
        &client.access_token,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_unauthorized(
        get(&sandbox, "Authorization", &customer.access_token).await,
        "revoked",
    )
    .await;
    assert_eq!(
        sandbox.authorizations(),
        vec![
            ("1".to_owned(), AuthorizationStatus::Revoked),
            ("2".to_owned(), AuthorizationStatus::Active)
        ]
    );
    let unknown = request(
        &sandbox,
        Method::DELETE,
        "Authorization/9",
        &client.access_token,
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_admin_revoke_route_takes_the_data_custodians_token() {
    let (sandbox, _clock) = start().await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let client = client_token(&sandbox, None).await;
    let url = format!("{}/admin/Authorization/1/revoke", sandbox.base_url());
    let anonymous = http().post(&url).send().await.expect("answers");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let by_client = http()
        .post(&url)
        .bearer_auth(&client.access_token)
        .send()
        .await
        .expect("answers");
    let (status, body) = status_and_body(by_client).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("Data Custodian's token"), "{body}");
    let by_custodian = http()
        .post(&url)
        .bearer_auth(sandbox.data_custodian_token())
        .send()
        .await
        .expect("answers");
    let (status, body) = status_and_body(by_custodian).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("<espi:status>0</espi:status>"), "{body}");
    assert_unauthorized(
        get(&sandbox, "Authorization", &customer.access_token).await,
        "revoked",
    )
    .await;
    let unknown = http()
        .post(format!(
            "{}/admin/Authorization/9/revoke",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.data_custodian_token())
        .send()
        .await
        .expect("answers");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_authorization_feed_lists_grants_pages_and_is_schema_valid() {
    let (sandbox, clock) = start().await;
    authorize(&sandbox, "1", USAGE_SCOPE).await;
    clock.advance(60);
    authorize(&sandbox, "2", CUSTOMER_SCOPE).await;
    clock.advance(60);
    client_token(&sandbox, Some(BULK_SCOPE)).await;
    let token = sandbox.data_custodian_token();
    let (status, body) = fetch(&sandbox, "Authorization", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema_valid("authorization-feed", &body);
    let document = espi_xml::read_document(body.as_bytes())
        .expect("the feed parses")
        .document;
    let selves: Vec<&str> = document
        .entries()
        .iter()
        .filter_map(|entry| entry.meta.self_href())
        .collect();
    let base = sandbox.resource_endpoint();
    assert_eq!(
        selves,
        [1, 2, 3].map(|id| format!("{base}/Authorization/{id}"))
    );
    for entry in document.entries() {
        let id = entry.meta.id.as_deref().expect("an id");
        assert!(
            id.starts_with("urn:uuid:") && id.as_bytes().get(23) == Some(&b'5'),
            "a version-5 UUID: {id}"
        );
        assert_eq!(
            entry.meta.up_href(),
            Some(format!("{base}/Authorization").as_str())
        );
    }
    let (_, page) = fetch(
        &sandbox,
        "Authorization?start-index=2&max-results=1",
        &token,
    )
    .await;
    let paged = espi_xml::read_document(page.as_bytes())
        .expect("parses")
        .document;
    assert_eq!(paged.entries().len(), 1);
    assert_eq!(
        paged.entries()[0].meta.self_href(),
        Some(format!("{base}/Authorization/2").as_str())
    );
    let (_, late) = fetch(
        &sandbox,
        "Authorization?published-min=2014-03-01T00:01:00Z",
        &token,
    )
    .await;
    let late = espi_xml::read_document(late.as_bytes())
        .expect("parses")
        .document;
    assert_eq!(late.entries().len(), 2, "granted at or after 00:01");
}

#[tokio::test]
async fn application_information_describes_the_registration() {
    let (sandbox, _clock) = start().await;
    let registration = sandbox.registration_token();
    let (status, body) = fetch(&sandbox, "ApplicationInformation/1", &registration).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_schema_valid("application-information", &body);
    let document = espi_xml::read_document(body.as_bytes())
        .expect("parses")
        .document;
    let Some(Resource::ApplicationInformation(application)) = document
        .entries()
        .first()
        .and_then(|entry| entry.content.first())
    else {
        panic!("an ApplicationInformation entry: {body}");
    };
    let base = sandbox.base_url();
    assert_eq!(application.client_id.as_deref(), Some(sandbox.client_id()));
    assert_eq!(application.redirect_uri, [common::REDIRECT_URI]);
    assert_eq!(
        application.authorization_server_authorization_endpoint,
        Some(sandbox.authorization_endpoint())
    );
    assert_eq!(
        application.authorization_server_token_endpoint,
        Some(sandbox.token_endpoint())
    );
    assert_eq!(
        application.data_custodian_resource_endpoint,
        Some(sandbox.resource_endpoint())
    );
    assert_eq!(
        application.data_custodian_bulk_request_uri,
        Some(format!("{base}/espi/1_1/resource/Batch/Bulk/1"))
    );
    assert_eq!(application.scope, [USAGE_SCOPE, CUSTOMER_SCOPE, BULK_SCOPE]);
    assert_eq!(
        application.registration_access_token.as_deref(),
        Some(registration.as_str())
    );
}

#[tokio::test]
async fn every_served_authorization_document_is_schema_valid() {
    let (mut config, clock) = config();
    config.client.notify_uri = Some("http://127.0.0.1/notify".to_owned());
    let sandbox = start_with(config).await;
    let customer = authorize(&sandbox, "1", CUSTOMER_SCOPE).await;
    clock.advance(10);
    sandbox.revoke("1").expect("exists");
    let token = sandbox.data_custodian_token();
    let (status, entry) = fetch(&sandbox, &customer.authorization_uri, &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_schema_valid("revoked-authorization", &entry);
    let (_, empty) = {
        let (fresh, _clock) = start().await;
        fetch(&fresh, "Authorization", &fresh.data_custodian_token()).await
    };
    assert_schema_valid("empty-authorization-feed", &empty);
}

// ---------------------------------------------------------------------------------
// Data routes
// ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_customer_token_reads_its_own_subscription_only() {
    let (sandbox, _clock) = start().await;
    let customer = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let (status, body) = fetch(&sandbox, &customer.resource_uri, &customer.access_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = fetch(&sandbox, "Batch/Subscription/2", &customer.access_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("cannot reach subscriptionId \"2\""), "{body}");
    // The scope grants interval data, not usage summaries (no FB_15).
    let summaries = "Subscription/1/UsagePoint/1/UsageSummary";
    let (status, body) = fetch(&sandbox, summaries, &customer.access_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("which the scope does not grant"), "{body}");
}

#[tokio::test]
async fn customer_data_needs_a_retail_customer_function_block() {
    let (sandbox, _clock) = start().await;
    let usage_only = authorize(&sandbox, "1", USAGE_SCOPE).await;
    let (status, body) = fetch(&sandbox, "Batch/RetailCustomer/1", &usage_only.access_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body.contains("serves retail customer information"),
        "{body}"
    );
    let with_customer = authorize(&sandbox, "1", CUSTOMER_SCOPE).await;
    let uri = with_customer
        .customer_resource_uri
        .clone()
        .expect("a customerResourceURI");
    let (status, body) = fetch(&sandbox, &uri, &with_customer.access_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = fetch(
        &sandbox,
        "Batch/RetailCustomer/2",
        &with_customer.access_token,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("retailCustomerId \"2\""), "{body}");
}

#[tokio::test]
async fn a_bulk_outside_the_scope_is_403() {
    let (sandbox, _clock) = start().await;
    authorize(&sandbox, "1", USAGE_SCOPE).await;
    let bulk = client_token(&sandbox, Some(BULK_SCOPE)).await;
    let (status, body) = fetch(&sandbox, "Batch/Bulk/1", &bulk.access_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = fetch(&sandbox, "Batch/Bulk/2", &bulk.access_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("bulkId \"2\""), "{body}");
    let unbound = client_token(&sandbox, None).await;
    let (status, body) = fetch(&sandbox, "Batch/Bulk/1", &unbound.access_token).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body.contains("bulk 1 is not the scope's (BR=None)"),
        "{body}"
    );
}
