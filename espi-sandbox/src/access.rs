//! Access control for resource requests: from the `Authorization: Bearer` header to
//! espi-auth's [`decide`](espi_auth::decide), and from its reasons to HTTP.
//!
//! | Outcome | Status |
//! |---|---|
//! | no `Authorization` header, or one of another scheme | 401 (a challenge without an error code) |
//! | several `Authorization` headers, `Bearer` without a token | 400 `invalid_request` |
//! | a malformed, unknown or replaced token | 401 `invalid_token` |
//! | revoked, denied or ended authorization, expired access token | 401 `invalid_token` |
//! | a malformed or repeated query parameter, a minimum after its maximum | 400 |
//! | the token does not reach the path (another subscription, wrong token kind) | 403 `insufficient_scope` |
//! | data the scope does not grant (usage data without a usage Function Block, customer data without a retail-customer one) | 403 `insufficient_scope` |
//! | a bulk the scope's `BR` does not name | 403 `insufficient_scope` |
//! | the window leaves nothing of the requested range | 403 `insufficient_scope` |
//!
//! (see [`crate::error`] for the challenges).
//!
//! A customer (access) token is bound to its subscription, `…/Batch/Subscription/{id}`.
//! For the customer (PII) endpoints it is judged against the customer's
//! `…/Batch/RetailCustomer/{id}` instead (the `customerResourceURI` the grant has, or
//! would have with a retail-customer Function Block), so that a request for the
//! customer's own data without such a block is refused for the scope and not for the
//! path.

use crate::error::ApiError;
use crate::grants::{CATALOGUE, Presented};
use crate::query;
use crate::state::{Shared, lock, read};
use axum::http::{HeaderMap, Method, StatusCode, header};
use espi_auth::Query;
use espi_auth::Route;
use espi_auth::TokenKind;
use espi_auth::Unusable;
use espi_auth::{Access, AccessRequest, Authority, Denial, decide_range};
use espi_model::date_time::format_utc;

/// What a request may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permit {
    /// The kind of token presented.
    pub token: TokenKind,
    /// The data the token may see now, `[min, max)` in epoch seconds, whatever the
    /// query asks ([`Authority::permitted`]): the program's window and the scope's
    /// history applied.
    pub window: (Option<i64>, i64),
    /// The request's query parameters ([`Query`]), read once by the one rule.
    pub query: Query,
    /// The retail customers whose data the request may read: one for a customer
    /// (subscription) token, every customer with an active authorization for a bulk
    /// (client) token, all for the Data Custodian's own token and the upload token,
    /// none for the registration token.
    pub retail_customers: Vec<String>,
    /// The subscription the token is bound to, for a customer token.
    pub subscription_id: Option<String>,
}

/// Checks the `Authorization: Bearer` header of a request for `path` (relative to
/// `…/espi/1_1/resource`, e.g. `Batch/Subscription/5`) and reads its `query` (without
/// `?`). The query is read once ([`query::read`]) and the decision made once, with
/// the published range the query asks for. In order: the credentials (401, or 400 for
/// a malformed header), a token that cannot be used (401), one that may not make the
/// request (403), a malformed query (400), a window that leaves nothing of the
/// requested range (403).
///
/// Takes the authorization store's lock and, for the Data Custodian's token, the data
/// store's read lock, one after the other and briefly: call it without holding either.
pub fn check(
    shared: &Shared,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    query: &str,
) -> Result<Permit, ApiError> {
    let token = bearer(headers)?;
    let espi_method = espi_method(method)?;
    let now = shared.now();
    let presented = lock(&shared.auth)
        .present(token, now)
        .map_err(|rejected| ApiError::invalid_token(rejected.to_string()))?;
    let bound = bound_for(&presented, path, &shared.resource_base());
    let authorization = Authority {
        state: &presented.state,
        scope: &presented.scope,
        catalogue: CATALOGUE,
        window: &presented.window,
        revoked_at: presented.revoked_at,
        last_activity: presented.last_activity,
        token: presented.kind,
        bound: &bound,
    };
    let request = AccessRequest {
        method: espi_method,
        path,
        query: "",
    };
    let query = query::read(query);
    // The query's bounds are inclusive whole seconds; the decision's range is half-open.
    // A malformed query asks for no range: the token's problems come first.
    let requested = query.as_ref().map_or((None, None), |query| {
        let max = query.published_max.map(|max| max.saturating_add(1));
        (query.published_min, max)
    });
    let range = match decide_range(&authorization, &request, requested, now) {
        Access::Allow { range } => range,
        Access::Deny(reason) => return Err(denial(&presented, &reason, path)),
    };
    let query = query?;
    // The feed's window is what the authorization permits, not the requested range:
    // the query's bounds select entries by another rule (see `query`).
    let window = if requested == (None, None) {
        range
    } else {
        authorization
            .permitted(now)
            .map_err(|reason| denial(&presented, &Denial::Window(reason), path))?
    };
    let retail_customers = match presented.kind {
        TokenKind::Access => presented.retail_customer.iter().cloned().collect(),
        TokenKind::Client => lock(&shared.auth).active_customers(now),
        // The sandbox's upload token is bound to every customer's upload path.
        TokenKind::DataCustodian | TokenKind::Upload => read(&shared.data).retail_customers.clone(),
        TokenKind::Registration => Vec::new(),
    };
    if presented.authorization_id.is_some() {
        lock(&shared.auth).touch(token, now);
    }
    Ok(Permit {
        token: presented.kind,
        window,
        query,
        retail_customers,
        subscription_id: presented.subscription.clone(),
    })
}

/// The bearer token of a request, or the RFC 6750 §3.1 error for its header: 401
/// without an error code when there are no Bearer credentials, 400 `invalid_request`
/// for a malformed header or several, 401 `invalid_token` for a malformed token.
pub fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(ApiError::unauthenticated(
            "no access token: send the header Authorization: Bearer <access_token> (RFC 6750)",
        ));
    };
    if values.next().is_some() {
        return Err(ApiError::invalid_request(
            "more than one Authorization header",
        ));
    }
    let value = value
        .to_str()
        .map_err(|_| ApiError::invalid_request("the Authorization header is not ASCII"))?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::unauthenticated(format!(
            "the Authorization header uses the {scheme:?} scheme; resources take Bearer tokens (RFC 6750)"
        )));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(ApiError::invalid_request(
            "the Authorization header names the Bearer scheme but carries no token",
        ));
    }
    if !token.bytes().all(is_b64token_byte) {
        return Err(ApiError::invalid_token(
            "the bearer token has characters RFC 6750 section 2.1 does not allow",
        ));
    }
    Ok(token)
}

/// RFC 6750 §2.1 `b64token` characters.
fn is_b64token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-._~+/=".contains(&byte)
}

/// The HTTP method as espi-auth knows it; HEAD is judged as GET.
fn espi_method(method: &Method) -> Result<espi_auth::Method, ApiError> {
    match *method {
        Method::GET | Method::HEAD => Ok(espi_auth::Method::Get),
        Method::POST => Ok(espi_auth::Method::Post),
        Method::PUT => Ok(espi_auth::Method::Put),
        Method::DELETE => Ok(espi_auth::Method::Delete),
        ref other => Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            None,
            format!("{other} is not an ESPI method"),
        )),
    }
}

/// The resource URI to judge the request against: the token's own, except a customer
/// token on a customer (PII) endpoint, which is judged as the customer's
/// `Batch/RetailCustomer/{id}` (see the module documentation).
fn bound_for(presented: &Presented, path: &str, resource_base: &str) -> String {
    if presented.kind == TokenKind::Access
        && let Some(customer) = &presented.retail_customer
        && let Some(route) = Route::parse(path)
        && route.endpoint().serves.is_customer_data()
    {
        return format!("{resource_base}/Batch/RetailCustomer/{customer}");
    }
    presented.resource_uri.clone()
}

/// The HTTP error for a denial, saying which token and why.
fn denial(presented: &Presented, reason: &Denial, path: &str) -> ApiError {
    let whose = match &presented.authorization_id {
        Some(id) => format!("the access token of Authorization {id}"),
        None => format!("the {}", presented.kind),
    };
    match reason {
        Denial::Unusable(unusable) => {
            let why = match unusable {
                Unusable::Revoked => match presented.revoked_at {
                    Some(at) => format!(
                        "the authorization was revoked at {}{}",
                        format_utc(at),
                        presented.revocation.map_or("", |cause| cause.because())
                    ),
                    None => "the authorization is revoked (its authorized period ended)".to_owned(),
                },
                Unusable::Denied => "the authorization was denied".to_owned(),
                Unusable::TokenExpired { expires_at } => format!(
                    "the access token expired at {}; refresh it",
                    format_utc(*expires_at)
                ),
                Unusable::PeriodNotStarted { start } => {
                    format!("the authorized period starts at {}", format_utc(*start))
                }
                Unusable::PeriodEnded { end } => {
                    format!("the authorized period ended at {}", format_utc(*end))
                }
            };
            ApiError::invalid_token(format!("{whose} cannot be used: {why}"))
        }
        Denial::Query(_) => ApiError::bad_request(format!("{reason}")),
        Denial::Unreachable(_)
        | Denial::NotInScope { .. }
        | Denial::BulkNotInScope { .. }
        | Denial::Window(_) => {
            ApiError::forbidden(format!("{whose} may not read {path}: {reason}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).expect("a header value"),
        );
        headers
    }

    #[test]
    fn bearer_reads_the_token_and_explains_what_is_wrong() {
        assert_eq!(bearer(&headers("Bearer abc123")), Ok("abc123"));
        assert_eq!(bearer(&headers("bearer  abc123 ")), Ok("abc123"));
        let missing = bearer(&HeaderMap::new()).expect_err("no header");
        assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
        assert!(missing.reason.contains("no access token"), "{missing}");
        let basic = bearer(&headers("Basic dXNlcjpwdw==")).expect_err("basic");
        assert_eq!(
            (basic.status, basic.oauth),
            (StatusCode::UNAUTHORIZED, None)
        );
        assert!(basic.reason.contains("\"Basic\""), "{basic}");
        let empty = bearer(&headers("Bearer")).expect_err("empty");
        assert_eq!(
            (empty.status, empty.oauth),
            (StatusCode::BAD_REQUEST, Some("invalid_request"))
        );
        assert!(empty.reason.contains("carries no token"), "{empty}");
        let odd = bearer(&headers("Bearer a,b")).expect_err("comma");
        assert_eq!(
            (odd.status, odd.oauth),
            (StatusCode::UNAUTHORIZED, Some("invalid_token"))
        );
        assert!(odd.reason.contains("RFC 6750"), "{odd}");
    }

    /// 2014-03-01T00:00:00Z.
    const NOW: i64 = 1_393_632_000;
    const USAGE: &str =
        "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13";
    const CUSTOMER: &str = "FB=1_3_4_5_13_51_53";
    const BULK: &str = "FB=1_3_4_5_13_35;BR=1";

    /// A sandbox state with two customers (no data), without a server.
    fn shared() -> Shared {
        use crate::config::{CustomerData, SandboxConfig};
        let mut config = SandboxConfig::new(vec![CustomerData::default(), CustomerData::default()]);
        config.clock = std::sync::Arc::new(|| NOW);
        config.client.scopes = [USAGE, CUSTOMER, BULK].map(str::to_owned).to_vec();
        let base = "http://127.0.0.1:9/DataCustodian".to_owned();
        let data = crate::data::DataStore::load(
            &config.customers,
            &format!("{base}{}", crate::state::RESOURCE_PATH),
        );
        Shared {
            config,
            base,
            data: std::sync::RwLock::new(data),
            auth: std::sync::Mutex::new(crate::grants::AuthStore::default()),
            faults: std::sync::Mutex::new(crate::faults::FaultState::default()),
            http: reqwest::Client::new(),
            requests: std::sync::Mutex::new(crate::request_log::RequestLog::default()),
        }
    }

    fn scope(text: &str) -> espi_auth::Scope {
        espi_auth::Scope::parse(text).expect("a scope").scope
    }

    /// A customer token for `customer` with `scope`, through code and exchange.
    fn customer_token(shared: &Shared, customer: &str, scope_text: &str) -> String {
        use crate::grants::{ApprovedRequest, Customer, Terms};
        let mut auth = lock(&shared.auth);
        let request = ApprovedRequest {
            client_id: "third_party".to_owned(),
            redirect_uri: "http://127.0.0.1/callback".to_owned(),
            redirect_uri_given: false,
            scope: scope(scope_text),
            state: None,
        };
        let customer = Customer {
            retail_customer: customer.to_owned(),
            subscription: customer.to_owned(),
        };
        let code = auth
            .issue_code(NOW, request, None, customer)
            .expect("a code");
        auth.exchange_code(NOW, &Terms::of(shared), "third_party", &code, None, None)
            .expect("a token")
            .access_token
    }

    fn client_token(shared: &Shared, scope_text: &str) -> String {
        lock(&shared.auth)
            .client_credentials(
                NOW,
                &crate::grants::Terms::of(shared),
                "third_party",
                scope(scope_text),
            )
            .expect("a token")
            .access_token
    }

    fn get(shared: &Shared, token: &str, path: &str, query: &str) -> Result<Permit, ApiError> {
        check(
            shared,
            &headers(&format!("Bearer {token}")),
            &Method::GET,
            path,
            query,
        )
    }

    fn denied(result: Result<Permit, ApiError>, status: StatusCode, words: &str) {
        let error = result.expect_err("denied");
        assert_eq!(error.status, status, "{error}");
        assert!(error.reason.contains(words), "{words:?} in {error}");
    }

    #[test]
    fn a_customer_token_sees_its_subscription_with_the_window() {
        let shared = shared();
        let token = customer_token(&shared, "1", USAGE);
        let permit = get(&shared, &token, "Batch/Subscription/1", "").expect("allowed");
        // HistoryLength=13 months is shorter than Ameren's 24: 2013-02-01.
        assert_eq!(permit.window, (Some(1_359_676_800), NOW));
        assert_eq!(permit.retail_customers, ["1"]);
        assert_eq!(permit.subscription_id.as_deref(), Some("1"));
        assert_eq!(permit.token, TokenKind::Access);
        denied(
            get(&shared, &token, "Batch/Subscription/2", ""),
            StatusCode::FORBIDDEN,
            "cannot reach subscriptionId \"2\"",
        );
        denied(
            get(
                &shared,
                &token,
                "Batch/Subscription/1",
                "published-min=2014-01-01",
            ),
            StatusCode::BAD_REQUEST,
            "published-min",
        );
        denied(
            get(
                &shared,
                &token,
                "Batch/Subscription/1",
                "published-max=2012-01-01T00:00:00Z",
            ),
            StatusCode::FORBIDDEN,
            "before the history window",
        );
    }

    #[test]
    fn the_decision_reads_the_query_as_the_selection_does() {
        let shared = shared();
        let token = customer_token(&shared, "1", USAGE);
        let feed = "Batch/Subscription/1";
        for query in [
            "published-min=2014-01-01T01:00:00%2B01:00",
            "published-min=2013-12-31T19:00:00-05:00&published-max=2014-01-01T00:00:00.25Z",
            "published-max=2014-01-01T00:00:00",
            "published-min=2014-01-01T00:00:00Z&published-max=2014-01-01T00:00:00Z",
            // An inclusive maximum on the first second of the history is one second of it.
            "published-max=2013-02-01T00:00:00Z",
        ] {
            let permit = get(&shared, &token, feed, query).expect(query);
            assert_eq!(permit.window, (Some(1_359_676_800), NOW), "{query}");
        }
        denied(
            get(
                &shared,
                &token,
                feed,
                "published-min=2014-01-02T00:00:00Z&published-max=2014-01-01T00:00:00Z",
            ),
            StatusCode::BAD_REQUEST,
            "the minimum is after the maximum",
        );
        denied(
            get(&shared, &token, feed, "published-max=2013-01-31T23:59:59Z"),
            StatusCode::FORBIDDEN,
            "before the history window",
        );
    }

    #[test]
    fn customer_data_needs_the_block_and_stays_the_customers_own() {
        let shared = shared();
        let usage = customer_token(&shared, "1", USAGE);
        denied(
            get(&shared, &usage, "Batch/RetailCustomer/1", ""),
            StatusCode::FORBIDDEN,
            "serves retail customer information",
        );
        let pii = customer_token(&shared, "1", CUSTOMER);
        let permit = get(&shared, &pii, "Batch/RetailCustomer/1", "").expect("allowed");
        assert_eq!(permit.retail_customers, ["1"]);
        denied(
            get(&shared, &pii, "Batch/RetailCustomer/2", ""),
            StatusCode::FORBIDDEN,
            "retailCustomerId \"2\"",
        );
    }

    #[test]
    fn a_client_token_sees_the_customers_with_authorizations_in_its_bulk() {
        let shared = shared();
        customer_token(&shared, "2", USAGE);
        let bulk = client_token(&shared, BULK);
        let permit = get(&shared, &bulk, "Batch/Bulk/1", "").expect("allowed");
        assert_eq!(permit.token, TokenKind::Client);
        assert_eq!(permit.retail_customers, ["2"]);
        assert_eq!(permit.subscription_id, None);
        denied(
            get(&shared, &bulk, "Batch/Bulk/2", ""),
            StatusCode::FORBIDDEN,
            "bulkId \"2\"",
        );
        let unbound = client_token(&shared, USAGE);
        denied(
            get(&shared, &unbound, "Batch/Bulk/1", ""),
            StatusCode::FORBIDDEN,
            "bulk 1 is not the scope's",
        );
        lock(&shared.auth).revoke("1", NOW).expect("exists");
        let permit = get(&shared, &bulk, "Batch/Bulk/1", "").expect("allowed");
        assert!(
            permit.retail_customers.is_empty(),
            "revoked customers drop out"
        );
    }

    #[test]
    fn the_data_custodian_sees_everyone_and_everything() {
        let shared = shared();
        let token = lock(&shared.auth)
            .admin_token(
                NOW,
                &crate::grants::Terms::of(&shared),
                TokenKind::DataCustodian,
            )
            .expect("a token");
        let permit = get(&shared, &token, "Batch/RetailCustomer/2", "").expect("allowed");
        assert_eq!(permit.retail_customers, ["1", "2"]);
        assert_eq!(permit.window, (None, NOW));
        assert!(get(&shared, &token, "Batch/Subscription/2/UsagePoint/7", "").is_ok());
    }

    #[test]
    fn the_upload_token_reaches_the_upload_paths_only() {
        let shared = shared();
        let token = lock(&shared.auth)
            .admin_token(NOW, &crate::grants::Terms::of(&shared), TokenKind::Upload)
            .expect("a token");
        let upload = check(
            &shared,
            &headers(&format!("Bearer {token}")),
            &Method::POST,
            "Batch/RetailCustomer/2/UsagePoint",
            "",
        )
        .expect("allowed");
        assert_eq!(upload.token, TokenKind::Upload);
        assert_eq!(upload.retail_customers, ["1", "2"]);
        denied(
            get(&shared, &token, "Batch/Subscription/1", ""),
            StatusCode::FORBIDDEN,
            "a upload_access_token may not GET",
        );
    }

    #[test]
    fn unusable_tokens_are_401_with_the_reason() {
        let shared = shared();
        let token = customer_token(&shared, "1", USAGE);
        lock(&shared.auth).revoke("1", NOW).expect("exists");
        denied(
            get(&shared, &token, "Batch/Subscription/1", ""),
            StatusCode::UNAUTHORIZED,
            "revoked at 2014-03-01T00:00:00Z",
        );
        denied(
            get(&shared, "feedface", "Batch/Subscription/1", ""),
            StatusCode::UNAUTHORIZED,
            "unknown access token",
        );
    }

    #[test]
    fn the_token_is_judged_before_the_query_and_the_window_after_it() {
        let shared = shared();
        let token = customer_token(&shared, "1", USAGE);
        let feed = "Batch/Subscription/1";
        let bad_query = "published-min=yesterday";
        denied(
            get(&shared, &token, "Batch/Subscription/2", bad_query),
            StatusCode::FORBIDDEN,
            "cannot reach subscriptionId \"2\"",
        );
        denied(
            get(&shared, &token, feed, bad_query),
            StatusCode::BAD_REQUEST,
            "published-min",
        );
        // A range inside the window: the permit keeps the whole window.
        let permit =
            get(&shared, &token, feed, "published-min=2014-01-01T00:00:00Z").expect("allowed");
        assert_eq!(permit.window, (Some(1_359_676_800), NOW));
        lock(&shared.auth).revoke("1", NOW).expect("exists");
        denied(
            get(&shared, &token, feed, bad_query),
            StatusCode::UNAUTHORIZED,
            "revoked",
        );
    }

    #[test]
    fn unknown_methods_are_405() {
        assert_eq!(espi_method(&Method::HEAD), Ok(espi_auth::Method::Get));
        let patch = espi_method(&Method::PATCH).expect_err("PATCH");
        assert_eq!(patch.status, StatusCode::METHOD_NOT_ALLOWED);
    }
}
