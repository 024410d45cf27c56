//! The authorization endpoint: the code flow, the consent page and its errors.

use super::*;

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
