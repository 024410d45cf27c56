use super::*;

#[test]
fn utc_date_matches_known_instants() {
    assert_eq!(utc_date(1_709_251_199), "2024-02-29");
}

#[test]
fn tokens_are_64_hex_digits_and_differ() {
    let a = random_token().expect("randomness");
    let b = random_token().expect("randomness");
    assert_eq!(a.len(), 64);
    assert!(a.bytes().all(|byte| byte.is_ascii_hexdigit()));
    assert_ne!(a, b);
}

/// RFC 7636 Appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[test]
fn s256_matches_the_rfc_7636_example() {
    assert_eq!(CodeChallenge::s256(VERIFIER).0, CHALLENGE);
    let challenge = CodeChallenge::from_request(Some(CHALLENGE), Some("S256"))
        .expect("a valid challenge")
        .expect("a challenge");
    assert_eq!(challenge.verify(Some(VERIFIER)), Ok(()));
}

#[test]
fn only_well_formed_s256_challenges_are_accepted() {
    assert_eq!(CodeChallenge::from_request(None, None), Ok(None));
    for (challenge, method) in [
        (None, Some("S256")),
        (Some(CHALLENGE), None),
        (Some(CHALLENGE), Some("plain")),
        (Some(CHALLENGE), Some("s256")),
        (Some("short"), Some("S256")),
        (Some(&CHALLENGE[..42]), Some("S256")),
        (
            Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"),
            Some("S256"),
        ),
    ] {
        let error = CodeChallenge::from_request(challenge, method).expect_err("refused");
        assert_eq!(error.error, "invalid_request", "{challenge:?} {method:?}");
    }
}

#[test]
fn verifiers_are_checked_and_a_verifier_needs_a_challenge() {
    let challenge = CodeChallenge::s256(VERIFIER);
    let error = |result: Result<(), GrantError>| result.expect_err("refused").error;
    assert_eq!(error(challenge.verify(None)), "invalid_grant");
    let other = VERIFIER.replace('d', "e");
    assert_eq!(error(challenge.verify(Some(&other))), "invalid_grant");
    assert_eq!(
        error(challenge.verify(Some("too-short"))),
        "invalid_request"
    );
    let spaced = format!("{} ", &VERIFIER[..43]);
    assert_eq!(error(challenge.verify(Some(&spaced))), "invalid_request");
    assert_eq!(error(check_verifier(None, Some(VERIFIER))), "invalid_grant");
    assert_eq!(check_verifier(None, None), Ok(()));
    assert_eq!(check_verifier(Some(&challenge), Some(VERIFIER)), Ok(()));
}

#[test]
fn an_authorization_keeps_its_access_token_and_the_one_replaced_last() {
    const NOW: i64 = 1_393_632_000;
    let mut store = AuthStore::default();
    let terms = Terms {
        resource_base: "http://h/r".to_owned(),
        policy: WindowPolicy::ameren_share_my_usage(),
        access_lifetime: 3600,
        refresh_lifetime: 86_400,
    };
    let request = ApprovedRequest {
        client_id: "c".to_owned(),
        redirect_uri: "http://127.0.0.1/callback".to_owned(),
        redirect_uri_given: false,
        scope: Scope::parse("FB=1_3_4_5_13_14_39;IntervalDuration=3600")
            .expect("a scope")
            .scope,
        state: None,
    };
    let customer = Customer {
        retail_customer: "1".to_owned(),
        subscription: "1".to_owned(),
    };
    let code = store
        .issue_code(NOW, request, None, customer)
        .expect("a code");
    let mut issued = store
        .exchange_code(NOW, &terms, "c", &code, None, None)
        .expect("a grant");
    let mut access = vec![issued.access_token.clone()];
    for step in 1..=3 {
        let refresh = issued.refresh_token.clone().expect("a refresh token");
        issued = store
            .refresh(NOW + step, &terms, "c", &refresh, None)
            .expect("a refresh");
        access.push(issued.access_token.clone());
    }
    let mut rejected = |token: &str| store.present(token, NOW + 4).err();
    assert_eq!(rejected(&access[0]), Some(TokenRejected::Unknown));
    let replaced = rejected(&access[2]).expect("rejected");
    assert_eq!(
        replaced,
        TokenRejected::Replaced {
            authorization: 1,
            at: NOW + 3
        }
    );
    assert!(replaced.to_string().contains("replaced by a refresh"));
    assert_eq!(rejected(&access[3]), None);
    assert_eq!(store.access_tokens.len(), 2);
    assert_eq!(store.refresh_families.len(), 1);
}

#[test]
fn ids_sort_numerically() {
    let mut ids = vec!["10", "2", "x", "1"];
    ids.sort_by(|a, b| numeric_order(a, b));
    assert_eq!(ids, ["1", "2", "10", "x"]);
}
