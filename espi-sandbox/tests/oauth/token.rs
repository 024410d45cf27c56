//! The token endpoint: the code exchange, refresh, client credentials, and the
//! Authorization resource each grant publishes.

use super::*;

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
