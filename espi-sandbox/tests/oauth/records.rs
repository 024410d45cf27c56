//! The OAuth records are bounded and expire: waiting consent pages, codes, grants.

use super::*;

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
