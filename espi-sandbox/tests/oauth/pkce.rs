//! PKCE (RFC 7636). Decisions tested here: only S256 is accepted (plain, and a
//! challenge without a method, which means plain, are invalid_request); a failed
//! verifier check leaves the code redeemable; a verifier for a code issued without a
//! challenge is refused (RFC 9700 section 2.1.1).

use super::*;

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
