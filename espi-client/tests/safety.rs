//! Safety: plain http only to loopback, bearer tokens never follow a redirect to
//! another origin, secrets never in Debug output, and the callback's errors.

mod common;

use common::*;
use espi_auth::Query;
use espi_client::{
    AuthorizationOptions, CallbackError, Client, ClientConfig, ClientIdentity, Endpoints, Error,
    Grant, Secret, TokenSet,
};

#[test]
fn plain_http_to_a_non_loopback_host_is_refused() {
    let refused = Endpoints::new(
        "http://dc.example/oauth/authorize",
        "https://dc.example/oauth/token",
        "https://dc.example/DataCustodian/espi/1_1/resource",
    )
    .expect_err("plain http");
    assert!(
        matches!(&refused, Error::InsecureUrl { url, .. } if url == "http://dc.example/oauth/authorize"),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("loopback"), "{refused}");
    for url in [
        "http://192.168.1.10/r",
        "http://10.0.0.1/r",
        "http://[fe80::1]/r",
        "ftp://127.0.0.1/r",
    ] {
        assert!(
            Endpoints::new("https://a.example/a", "https://a.example/t", url).is_err(),
            "{url}"
        );
    }
    let endpoints = Endpoints::new(
        "https://dc.example/a",
        "https://dc.example/t",
        "https://dc.example/r/",
    )
    .expect("https");
    assert!(
        ClientConfig::new(endpoints, "id", "secret")
            .with_redirect_uri("http://tp.example/callback")
            .is_err()
    );
}

#[tokio::test]
async fn resource_urls_off_the_resource_endpoint_are_refused() {
    let endpoints = Endpoints::new(
        "https://dc.example/oauth/authorize",
        "https://dc.example/oauth/token",
        "https://dc.example/DataCustodian/espi/1_1/resource",
    )
    .expect("https");
    let client = Client::new(ClientConfig::new(endpoints, "id", "secret")).expect("a client");
    client
        .insert_tokens_under(
            "k".into(),
            TokenSet::new(Secret::new("tok"), Grant::AuthorizationCode, 0),
        )
        .await
        .expect("stored");
    let session = client.session("k");
    for url in [
        "https://evil.example/DataCustodian/espi/1_1/resource/Batch/Subscription/1",
        "http://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/1",
        "https://dc.example:8443/DataCustodian/espi/1_1/resource/Batch/Subscription/1",
        "https://dc.example/DataCustodian/espi/1_1/resourceful/Batch/Subscription/1",
    ] {
        let error = session
            .get_url(&url::Url::parse(url).expect("a URL"), &Query::new())
            .await
            .expect_err(url);
        assert!(
            matches!(
                error,
                Error::ForeignResource { .. } | Error::InsecureUrl { .. }
            ),
            "{url}: {error:?}"
        );
    }
}

const STATUS: &str = "<ServiceStatus xmlns=\"http://naesb.org/espi\"><currentStatus>1</currentStatus></ServiceStatus>";

/// A client whose resource endpoint is `origin`/r, holding the bearer token "tok".
async fn client_for(origin: &str) -> Client {
    let endpoints = Endpoints::new(
        &format!("{origin}/authorize"),
        &format!("{origin}/token"),
        &format!("{origin}/r"),
    )
    .expect("loopback endpoints");
    let client = Client::new(ClientConfig::new(endpoints, "id", "secret").with_retry(fast_retry()))
        .expect("a client");
    client
        .insert_tokens_under(
            "k".into(),
            TokenSet::new(Secret::new("tok"), Grant::AuthorizationCode, 0),
        )
        .await
        .expect("stored");
    client
}

#[tokio::test]
async fn the_bearer_token_never_follows_a_redirect_to_another_origin() {
    // A second listener on another port stands for another host.
    let mut elsewhere = RawServer::start(|_| http_response("200 OK", &[], STATUS)).await;
    let target = format!("{}/r/ReadServiceStatus", elsewhere.origin);
    let mut redirector =
        RawServer::start(move |_| http_response("302 Found", &[("Location", &target)], "")).await;
    let client = client_for(&redirector.origin).await;
    let error = client
        .session("k")
        .read_service_status()
        .await
        .expect_err("a cross-origin redirect");
    match &error {
        Error::Redirect { reason, .. } => {
            assert!(reason.contains("leaves the origin"), "{reason}")
        }
        other => panic!("a refused redirect, got {other:?}"),
    }
    let first = redirector.received.recv().await.expect("the first request");
    assert_eq!(first.header("authorization"), Some("Bearer tok"));
    // Nothing reached the other origin.
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(
        elsewhere.received.try_recv().is_err(),
        "the other origin was contacted"
    );
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_the_token() {
    let mut server = RawServer::start(|request| {
        if request.path() == "/r/ReadServiceStatus" {
            http_response("307 Temporary Redirect", &[("Location", "/r/moved")], "")
        } else if request.header("authorization") == Some("Bearer tok") {
            http_response(
                "200 OK",
                &[("Content-Type", "application/atom+xml")],
                STATUS,
            )
        } else {
            http_response("401 Unauthorized", &[], "no token")
        }
    })
    .await;
    let client = client_for(&server.origin).await;
    let document = client
        .session("k")
        .read_service_status()
        .await
        .expect("followed");
    assert!(matches!(document, espi_model::atom::Document::Resource(_)));
    let first = server.received.recv().await.expect("a request");
    let second = server
        .received
        .recv()
        .await
        .expect("the redirected request");
    assert_eq!(
        (first.path(), second.path()),
        ("/r/ReadServiceStatus", "/r/moved")
    );
}

#[tokio::test]
async fn debug_output_shows_no_secret() {
    let clock = TestClock::at(NOW);
    let mut sandbox_config = sandbox_config(&clock);
    sandbox_config.client.client_secret = "s3cr3t-7f1c".to_owned();
    let sandbox = start(sandbox_config).await;
    let config = client_config(&sandbox, &clock);
    let secret = sandbox.client_secret().to_owned();
    assert!(!format!("{config:?}").contains(&secret));
    assert!(format!("{config:?}").contains("[redacted]"));
    let client = Client::new(config).expect("a client");
    assert!(!format!("{client:?}").contains(&secret));
    let request = client
        .authorization_request(
            USAGE_SCOPE,
            AuthorizationOptions::new().extra("retail_customer", "2"),
        )
        .expect("a request");
    let pending = format!("{:?}", request.pending);
    assert!(
        !pending.contains(request.pending.state().expose()),
        "{pending}"
    );
    let verifier = request
        .pending
        .pkce_verifier()
        .expect("PKCE")
        .expose()
        .to_owned();
    assert!(!pending.contains(&verifier));
    let location = location_of(&request.url).await;
    let tokens = client
        .complete_authorization(&request.pending, &location)
        .await
        .expect("tokens");
    let shown = format!("{tokens:?} {tokens:#?} {:?}", client.session(tokens.key()));
    assert!(!shown.contains(tokens.access_token.expose()), "{shown}");
    let refresh = tokens
        .refresh_token
        .as_ref()
        .expect("a refresh token")
        .expose();
    assert!(!shown.contains(refresh), "{shown}");
    // The code in the callback is not in an error either.
    let code = url::Url::parse(&location)
        .expect("a URL")
        .query_pairs()
        .find(|(name, _)| name == "code")
        .map(|(_, value)| value.into_owned())
        .expect("a code");
    let replay = client
        .complete_authorization(&request.pending, &location)
        .await
        .expect_err("a code works once");
    assert!(
        matches!(&replay, Error::OAuth { error, .. } if error == "invalid_grant"),
        "{replay:?}"
    );
    assert!(!replay.to_string().contains(&code));
    assert!(ClientIdentity::from_pem(b"not a certificate", b"not a key").is_err());
}

#[tokio::test]
async fn the_callback_surfaces_the_data_custodians_error_and_checks_state() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);
    // A scope the Data Custodian does not offer: it redirects with invalid_scope.
    let request = client
        .authorization_request("FB=1_3_4_5_13_14_39_99", AuthorizationOptions::new())
        .expect("a request");
    let location = location_of(&request.url).await;
    let error = client
        .complete_authorization(&request.pending, &location)
        .await
        .expect_err("refused");
    match error {
        Error::Callback(CallbackError::Refused {
            error, description, ..
        }) => {
            assert_eq!(error, "invalid_scope");
            assert!(description.is_some_and(|text| !text.is_empty()));
        }
        other => panic!("the Data Custodian's refusal, got {other:?}"),
    }
    // A callback whose state was swapped is refused before its code is used.
    let request = client
        .authorization_request(USAGE_SCOPE, AuthorizationOptions::new())
        .expect("a request");
    let location = location_of(&request.url).await;
    let forged = location.replace("state=", "state=x");
    assert!(matches!(
        client
            .complete_authorization(&request.pending, &forged)
            .await,
        Err(Error::Callback(CallbackError::StateMismatch))
    ));
    // A wrong client secret is the token endpoint's invalid_client.
    let mut config = client_config(&sandbox, &clock);
    config.client_secret = Secret::new("wrong");
    let wrong = Client::new(config).expect("a client");
    let error = wrong
        .client_credentials(Some(BULK_SCOPE))
        .await
        .expect_err("invalid_client");
    assert!(
        matches!(&error, Error::OAuth { error, .. } if error == "invalid_client"),
        "{error:?}"
    );
    // Without PKCE the flow works as well.
    let request = client
        .authorization_request(
            USAGE_SCOPE,
            AuthorizationOptions::new()
                .pkce(false)
                .extra("retail_customer", "2"),
        )
        .expect("a request");
    assert!(!request.url.as_str().contains("code_challenge"));
    let location = location_of(&request.url).await;
    client
        .complete_authorization(&request.pending, &location)
        .await
        .expect("tokens without PKCE");
}
