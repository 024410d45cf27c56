use super::*;
use crate::calendar::MonthClock;
use crate::lifecycle::AuthorizedPeriod;
use crate::query::{PUBLISHED_MAX, PUBLISHED_MIN};
use crate::window::WindowPolicy;
use proptest::prelude::*;

const DAY: i64 = 86_400;
/// 2024-03-10T12:00:00Z.
const GRANT: i64 = 1_710_072_000;
const SUBSCRIPTION: &str =
    "https://example.com/DataCustodian/espi/1_1/resource/Batch/Subscription/5";
const CUSTOMER: &str = "https://example.com/DataCustodian/espi/1_1/resource/Batch/RetailCustomer/9";

fn scope(text: &str) -> Scope {
    Scope::parse(text).expect("scope").scope
}

fn usage_scope() -> Scope {
    scope("FB=1_3_4_5_13_14_39;IntervalDuration=3600")
}

fn window() -> Window {
    WindowPolicy::ameren_share_my_usage()
        .window(GRANT, &MonthClock::Utc)
        .expect("window")
}

/// An Active state with a token valid for a year and the 24-month forward period.
fn state(scope: &Scope) -> AuthorizationState {
    let period = AuthorizedPeriod::new(GRANT, 730 * DAY as u32).expect("period");
    AuthorizationState::grant(GRANT, scope, 365 * DAY as u64, Some(period)).expect("grant")
}

fn format(at: i64) -> String {
    espi_model::date_time::format_utc(at)
}

fn auth<'a>(
    state: &'a AuthorizationState,
    scope: &'a Scope,
    window: &'a Window,
    bound: &'a str,
) -> Authority<'a> {
    Authority {
        state,
        scope,
        catalogue: Catalogue::Current,
        window,
        revoked_at: None,
        last_activity: None,
        token: TokenKind::Access,
        bound,
    }
}

fn get<'a>(path: &'a str, query: &'a str) -> AccessRequest<'a> {
    AccessRequest {
        method: Method::Get,
        path,
        query,
    }
}

fn deny(access: Access) -> Denial {
    match access {
        Access::Deny(reason) => reason,
        Access::Allow { range } => panic!("allowed {range:?}"),
    }
}

#[test]
fn decide_range_takes_the_range_given_and_reads_no_query() {
    let (scope, window) = (usage_scope(), window());
    let state = state(&scope);
    let auth = auth(&state, &scope, &window, SUBSCRIPTION);
    let now = GRANT + 10 * DAY;
    let (min, max) = (GRANT - 20 * DAY, GRANT + DAY);
    let query = format!(
        "published-min={}&published-max={}",
        format(min),
        format(max)
    );
    let path = "Batch/Subscription/5";
    assert_eq!(
        decide_range(
            &auth,
            &get(path, "published-min=garbage"),
            (Some(min), Some(max)),
            now
        ),
        decide(&auth, &get(path, &query), now)
    );
    assert_eq!(
        deny(decide_range(
            &auth,
            &get(path, ""),
            (Some(max), Some(min)),
            now
        )),
        Denial::Window(WindowDenial::InvalidInterval)
    );
    // Steps 1–3 still come first.
    assert!(matches!(
        deny(decide_range(
            &auth,
            &get("Batch/Subscription/6", ""),
            (None, None),
            now
        )),
        Denial::Unreachable(_)
    ));
}

#[test]
fn allow_clamps_to_the_window() {
    let (scope, window) = (usage_scope(), window());
    let state = state(&scope);
    let auth = auth(&state, &scope, &window, SUBSCRIPTION);
    let now = GRANT + 10 * DAY;
    let history_start = 1_646_913_600; // 2022-03-10T12:00:00Z
    assert_eq!(
        decide(&auth, &get("/Batch/Subscription/5", ""), now),
        Access::Allow {
            range: (Some(history_start), now)
        }
    );
    let query =
        "published-min=2020-01-01T00:00:00Z&published-max=2024-03-11T00:00:00Z&max-results=5";
    assert_eq!(
        decide(
            &auth,
            &get(
                "/Subscription/5/UsagePoint/1/MeterReading/2/IntervalBlock",
                query
            ),
            now
        ),
        Access::Allow {
            range: (Some(history_start), 1_710_115_200)
        }
    );
    // Percent-encoded colons decode.
    let encoded = "published-min=2024-03-01T00%3A00%3A00Z";
    assert_eq!(
        decide(&auth, &get("/Batch/Subscription/5", encoded), now),
        Access::Allow {
            range: (Some(1_709_251_200), now)
        }
    );
}

#[test]
fn lifecycle_reasons() {
    let (scope, window) = (usage_scope(), window());
    let active = state(&scope);
    let request = get("/Batch/Subscription/5", "");
    let revoked = active.revoke(GRANT + DAY).expect("revoke");
    assert_eq!(
        deny(decide(
            &auth(&revoked, &scope, &window, SUBSCRIPTION),
            &request,
            GRANT + 2 * DAY
        )),
        Denial::Unusable(Unusable::Revoked)
    );
    let denied = active.deny().expect("deny");
    assert_eq!(
        deny(decide(
            &auth(&denied, &scope, &window, SUBSCRIPTION),
            &request,
            GRANT + DAY
        )),
        Denial::Unusable(Unusable::Denied)
    );
    let short = AuthorizationState::grant(GRANT, &scope, 3600, None).expect("grant");
    assert_eq!(
        deny(decide(
            &auth(&short, &scope, &window, SUBSCRIPTION),
            &request,
            GRANT + 3600
        )),
        Denial::Unusable(Unusable::TokenExpired {
            expires_at: GRANT + 3600
        })
    );
    let end = GRANT + 730 * DAY;
    assert_eq!(
        deny(decide(
            &auth(&active, &scope, &window, SUBSCRIPTION),
            &request,
            end
        )),
        Denial::Unusable(Unusable::PeriodEnded { end })
    );
    assert_eq!(
        deny(decide(
            &auth(&active, &scope, &window, SUBSCRIPTION),
            &request,
            GRANT - 1
        )),
        Denial::Unusable(Unusable::PeriodNotStarted { start: GRANT })
    );
}

#[test]
fn another_subscription_is_unreachable() {
    let (scope, window) = (usage_scope(), window());
    let state = state(&scope);
    let auth = auth(&state, &scope, &window, SUBSCRIPTION);
    for path in [
        "/Batch/Subscription/6",
        "/Subscription/6/UsagePoint/1",
        "/Batch/RetailCustomer/9",
        "/Batch/Bulk/1",
    ] {
        assert!(
            matches!(
                deny(decide(&auth, &get(path, ""), GRANT + DAY)),
                Denial::Unreachable(_)
            ),
            "{path}"
        );
    }
}

#[test]
fn customer_data_needs_a_customer_scope() {
    let window = window();
    let path = "/RetailCustomer/9/Customer/1";
    let usage = usage_scope();
    let usage_state = state(&usage);
    assert_eq!(
        deny(decide(
            &auth(&usage_state, &usage, &window, CUSTOMER),
            &get(path, ""),
            GRANT + DAY
        )),
        Denial::NotInScope {
            endpoint: "RetailCustomer/{retailCustomerId}/Customer/{customerId}",
            serves: Serves::CustomerData
        }
    );
    // FB_51 in the current numbering.
    let current = scope("FB=1_3_51");
    let current_state = state(&current);
    assert!(matches!(
        decide(
            &auth(&current_state, &current, &window, CUSTOMER),
            &get(path, ""),
            GRANT + DAY
        ),
        Access::Allow { .. }
    ));
    // FB_50 is a customer block only in the legacy numbering.
    let legacy = scope("FB=1_3_50");
    let legacy_state = state(&legacy);
    let mut legacy_auth = auth(&legacy_state, &legacy, &window, CUSTOMER);
    assert!(matches!(
        deny(decide(&legacy_auth, &get(path, ""), GRANT + DAY)),
        Denial::NotInScope { .. }
    ));
    legacy_auth.catalogue = Catalogue::Legacy;
    assert!(matches!(
        decide(&legacy_auth, &get(path, ""), GRANT + DAY),
        Access::Allow { .. }
    ));
    // The upload path carries usage data; the PII bulk and the root collections are
    // customer data.
    for (path, serves) in [
        ("Batch/RetailCustomer/9", Serves::CustomerData),
        ("Batch/BulkRetailCustomerInfo/1", Serves::CustomerBulk),
        ("Meter/1", Serves::CustomerData),
        ("Batch/RetailCustomer/9/UsagePoint", Serves::Usage),
        ("MeterReading/1", Serves::IntervalReadings),
        ("Batch/Subscription/5", Serves::Usage),
    ] {
        let route = crate::Route::parse(path).expect("a row");
        assert_eq!(route.endpoint().serves, serves, "{path}");
    }
}

#[test]
fn usage_data_needs_a_scope_that_grants_it() {
    let window = window();
    let feed = "/Batch/Subscription/5";
    let blocks = "/Subscription/5/UsagePoint/1/MeterReading/2/IntervalBlock";
    let summaries = "/Subscription/5/UsagePoint/1/UsageSummary";
    // The empty scope, a customer-only scope and a services-only scope grant no
    // usage data: not the feed, not a reading.
    for text in ["", "FB=51_53_64_65_69", "FB=1_3_13_31_37_39"] {
        let scope = scope(text);
        let state = state(&scope);
        let auth = auth(&state, &scope, &window, SUBSCRIPTION);
        for (path, serves) in [
            (feed, Serves::Usage),
            (blocks, Serves::IntervalReadings),
            ("/ReadingType/1", Serves::UsageContext),
        ] {
            assert!(
                matches!(
                    deny(decide(&auth, &get(path, ""), GRANT + DAY)),
                    Denial::NotInScope { serves: s, .. } if s == serves
                ),
                "{text:?} {path}"
            );
        }
    }
    // Summaries only: the feed, the summaries and what describes them, no readings.
    let summary = scope("FB=1_3_15");
    let summary_state = state(&summary);
    let summary_auth = auth(&summary_state, &summary, &window, SUBSCRIPTION);
    for path in [feed, summaries, "/ReadingType/1", "/LocalTimeParameters"] {
        assert!(
            matches!(
                decide(&summary_auth, &get(path, ""), GRANT + DAY),
                Access::Allow { .. }
            ),
            "{path}"
        );
    }
    assert_eq!(
        deny(decide(&summary_auth, &get(blocks, ""), GRANT + DAY)),
        Denial::NotInScope {
            endpoint: "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock",
            serves: Serves::IntervalReadings
        }
    );
    // The Data Custodian's own token is not limited by a scope.
    let empty = Scope::default();
    let empty_state =
        AuthorizationState::grant(GRANT, &empty, 365 * DAY as u64, None).expect("grant");
    let mut custodian = auth(
        &empty_state,
        &empty,
        &window,
        "https://example.com/espi/1_1/resource/",
    );
    custodian.token = TokenKind::DataCustodian;
    assert!(matches!(
        decide(&custodian, &get(blocks, ""), GRANT + DAY),
        Access::Allow { .. }
    ));
    // The Third Party's own records need no Function Block.
    let mut client = auth(
        &empty_state,
        &empty,
        &window,
        "https://example.com/espi/1_1/resource/*",
    );
    client.token = TokenKind::Client;
    assert!(matches!(
        decide(&client, &get("/Authorization", ""), GRANT + DAY),
        Access::Allow { .. }
    ));
}

#[test]
fn malformed_and_duplicate_parameters() {
    let (scope, window) = (usage_scope(), window());
    let state = state(&scope);
    let auth = auth(&state, &scope, &window, SUBSCRIPTION);
    let cases = [
        ("published-min=yesterday", PUBLISHED_MIN),
        ("published-max=2024-03-01T00:00:00+01:00", PUBLISHED_MAX),
        ("published-max=2024-03-01T00:00:00", PUBLISHED_MAX),
        ("published-min=2024-03-01T00:00:00.5Z", PUBLISHED_MIN),
        ("published-min=2024-03-01T00%3", PUBLISHED_MIN),
        ("published-min", PUBLISHED_MIN),
        ("published-max=2024-02-30T00:00:00Z", PUBLISHED_MAX),
    ];
    for (query, parameter) in cases {
        match deny(decide(
            &auth,
            &get("/Batch/Subscription/5", query),
            GRANT + DAY,
        )) {
            Denial::Query(QueryError::Malformed { parameter: p, .. }) => {
                assert_eq!(p, parameter, "{query}")
            }
            other => panic!("{query}: {other:?}"),
        }
    }
    let twice = "published-min=2024-03-01T00:00:00Z&published-min=2024-03-02T00:00:00Z";
    assert_eq!(
        deny(decide(
            &auth,
            &get("/Batch/Subscription/5", twice),
            GRANT + DAY
        )),
        Denial::Query(QueryError::Repeated {
            parameter: PUBLISHED_MIN
        })
    );
    assert_eq!(
        deny(decide(
            &auth,
            &get("/Batch/Subscription/5", "published-min=x"),
            GRANT + DAY
        ))
        .to_string(),
        "query parameter published-min: \"x\" is not a UTC date-time in whole seconds (YYYY-MM-DDThh:mm:ssZ)"
    );
}

#[test]
fn window_reasons() {
    let (scope, window) = (usage_scope(), window());
    let state = state(&scope);
    let mut auth = auth(&state, &scope, &window, SUBSCRIPTION);
    let path = "/Batch/Subscription/5";
    let now = GRANT + DAY;
    let before = "published-max=2020-01-01T00:00:00Z";
    assert_eq!(
        deny(decide(&auth, &get(path, before), now)),
        Denial::Window(WindowDenial::BeforeHistoryStart)
    );
    let future = format!("published-min={}", format(now + DAY));
    assert_eq!(
        deny(decide(&auth, &get(path, &future), now)),
        Denial::Window(WindowDenial::InFuture)
    );
    let inverted = "published-min=2024-03-02T00:00:00Z&published-max=2024-03-01T00:00:00Z";
    assert_eq!(
        deny(decide(&auth, &get(path, inverted), now)),
        Denial::Window(WindowDenial::InvalidInterval)
    );
    auth.revoked_at = Some(GRANT + 3600);
    assert_eq!(
        deny(decide(&auth, &get(path, ""), now)),
        Denial::Window(WindowDenial::Revoked)
    );
    let con_ed = WindowPolicy::con_edison()
        .window(GRANT, &MonthClock::Utc)
        .expect("window");
    auth.window = &con_ed;
    auth.revoked_at = None;
    assert_eq!(
        deny(decide(&auth, &get(path, ""), GRANT + 45 * DAY)),
        Denial::Window(WindowDenial::WithdrawnForInactivity)
    );
}

fn query(range: (Option<i64>, Option<i64>)) -> String {
    let mut parts = Vec::new();
    if let Some(min) = range.0 {
        parts.push(format!("{PUBLISHED_MIN}={}", format(min)));
    }
    if let Some(max) = range.1 {
        parts.push(format!("{PUBLISHED_MAX}={}", format(max)));
    }
    parts.join("&")
}

proptest! {
    #[test]
    fn no_decision_allows_data_outside_the_window(
        min in proptest::option::of(-1_000i64 * DAY..1_000 * DAY),
        max in proptest::option::of(-1_000i64 * DAY..1_000 * DAY),
        now_offset in -10i64 * DAY..800 * DAY,
        revoked in proptest::option::of(0i64..800 * DAY),
        which in 0usize..3,
    ) {
        let policy = [
            WindowPolicy::ameren_share_my_usage(),
            WindowPolicy::con_edison(),
            WindowPolicy::open_ended(),
        ][which];
        let window = policy.window(GRANT, &MonthClock::Utc).unwrap();
        let scope = usage_scope();
        let state = AuthorizationState::grant(GRANT, &scope, 1_000 * DAY as u64, None).unwrap();
        let mut auth = auth(&state, &scope, &window, SUBSCRIPTION);
        auth.revoked_at = revoked.map(|r| GRANT + r);
        auth.last_activity = Some(GRANT + now_offset - DAY);
        let now = GRANT + now_offset;
        let requested = (min.map(|m| GRANT + m), max.map(|m| GRANT + m));
        let query = query(requested);
        if let Access::Allow { range: (low, high) } =
            decide(&auth, &get("/Batch/Subscription/5", &query), now)
        {
            let (first, end) = window
                .permitted(auth.revoked_at, auth.last_activity, now)
                .unwrap();
            prop_assert!(first.is_none_or(|first| low.is_some_and(|low| low >= first)));
            prop_assert!(high <= end && high <= now);
            prop_assert!(low.is_none_or(|low| low < high));
            prop_assert!(requested.0.is_none_or(|m| low.is_some_and(|low| low >= m)));
            prop_assert!(requested.1.is_none_or(|m| high <= m));
        }
    }

    #[test]
    fn revoked_or_expired_is_always_denied(
        revoke_offset in 0i64..800 * DAY,
        after in 0i64..800 * DAY,
        expires_in in 1u64..100 * DAY as u64,
        kind in 0usize..3,
        path in prop_oneof![
            Just("/Batch/Subscription/5"),
            Just("/Subscription/5/UsagePoint/1"),
            Just("/ReadingType"),
            Just("/Batch/Subscription/6"),
        ],
    ) {
        let scope = usage_scope();
        let window = window();
        let active = AuthorizationState::grant(GRANT, &scope, expires_in, None).unwrap();
        let (state, now) = match kind {
            // Revoked, asked any time after.
            0 => match active.revoke(GRANT + revoke_offset) {
                Ok(revoked) => (revoked, GRANT + revoke_offset + after),
                Err(_) => (active.clone(), GRANT + expires_in as i64 + after),
            },
            // The access token expired.
            1 => (active.clone(), GRANT + expires_in as i64 + after),
            // The authorization expired with its period (expire() revokes it).
            _ => {
                let period = AuthorizedPeriod::new(GRANT, 730 * DAY as u32).unwrap();
                let long = AuthorizationState::grant(GRANT, &scope, 2_000 * DAY as u64, Some(period)).unwrap();
                let now = GRANT + 730 * DAY + after;
                (long.expire(now), now)
            }
        };
        let access = decide(&auth(&state, &scope, &window, SUBSCRIPTION), &get(path, ""), now);
        prop_assert!(matches!(access, Access::Deny(Denial::Unusable(_))), "{:?}", access);
    }

    #[test]
    fn clamping_is_idempotent_and_inside_the_request(
        min in proptest::option::of(-1_000i64 * DAY..1_000 * DAY),
        max in proptest::option::of(-1_000i64 * DAY..1_000 * DAY),
        now_offset in 0i64..700 * DAY,
    ) {
        let (scope, window) = (usage_scope(), window());
        let state = state(&scope);
        let auth = auth(&state, &scope, &window, SUBSCRIPTION);
        let now = GRANT + now_offset;
        let requested = (min.map(|m| GRANT + m), max.map(|m| GRANT + m));
        let path = "/Batch/Subscription/5";
        if let Access::Allow { range } = decide(&auth, &get(path, &query(requested)), now) {
            prop_assert!(requested.0.is_none_or(|m| range.0.is_some_and(|low| low >= m)));
            prop_assert!(requested.1.is_none_or(|m| range.1 <= m));
            let again = decide(&auth, &get(path, &query((range.0, Some(range.1)))), now);
            prop_assert_eq!(again, Access::Allow { range });
        }
    }

    #[test]
    fn permitted_is_the_range_of_a_request_without_bounds(
        days in 0i64..20_000,
        now_offset in -10i64 * DAY..800 * DAY,
        revoked in proptest::option::of(0i64..800 * DAY),
    ) {
        let window = window();
        let scope = scope(&format!("FB=1_3_4_5_13_14_39;HistoryLength={}", days * DAY));
        let state = state(&scope);
        let auth = Authority {
            revoked_at: revoked.map(|at| GRANT + at),
            ..auth(&state, &scope, &window, SUBSCRIPTION)
        };
        let now = GRANT + now_offset;
        let permitted = auth.permitted(now);
        match decide(&auth, &get("/Batch/Subscription/5", ""), now) {
            Access::Allow { range } => prop_assert_eq!(permitted, Ok(range)),
            Access::Deny(Denial::Window(reason)) => prop_assert_eq!(permitted, Err(reason)),
            Access::Deny(_) => {}
        }
    }

    #[test]
    fn published_range_round_trips(at in 0i64..4_000_000_000) {
        let text = format!("{PUBLISHED_MAX}={}", format(at));
        prop_assert_eq!(requested_range(&text), Ok((None, Some(at))));
    }
}

#[test]
fn the_scopes_history_length_narrows_the_window() {
    let window = window();
    let now = GRANT + 10 * DAY;
    // 30 days of history in seconds, and 13 months in the months form.
    for (text, floor) in [
        (
            "FB=1_3_4_5_13_14_39;HistoryLength=2592000",
            GRANT - 30 * DAY,
        ),
        ("FB=1_3_4_5_13_14_39;HistoryLength=13", 1_676_030_400), // 2023-02-10T12:00:00Z
    ] {
        let scope = scope(text);
        let state = state(&scope);
        let auth = auth(&state, &scope, &window, SUBSCRIPTION);
        assert_eq!(
            decide(&auth, &get("/Batch/Subscription/5", ""), now),
            Access::Allow {
                range: (Some(floor), now)
            },
            "{text}"
        );
        let early = format!("published-max={}", format(floor - DAY));
        assert_eq!(
            deny(decide(&auth, &get("/Batch/Subscription/5", &early), now)),
            Denial::Window(WindowDenial::BeforeHistoryStart),
            "{text}"
        );
    }
}

#[test]
fn a_client_reaches_only_the_bulk_its_scope_names() {
    let window = window();
    let now = GRANT + 10 * DAY;
    let bound = "https://dc.example/espi/1_1/resource/";
    for (text, path, allowed) in [
        ("FB=1_3_4_5_13_35;BR=1", "/Batch/Bulk/1", true),
        ("FB=1_3_4_5_13_35;BR=1", "/Batch/Bulk/999", false),
        ("FB=1_3_4_5_13_35", "/Batch/Bulk/1", false),
    ] {
        let scope = scope(text);
        let state = state(&scope);
        let mut auth = auth(&state, &scope, &window, bound);
        auth.token = TokenKind::Client;
        let access = decide(&auth, &get(path, ""), now);
        assert_eq!(
            matches!(access, Access::Allow { .. }),
            allowed,
            "{text} {path}: {access:?}"
        );
    }
}
