//! What the consent text promises and what `decide` serves come from one table: for
//! any scope, either catalogue and every endpoint a Third Party's token can reach,
//! `decide` allows the request exactly when `Scope::explain` lists the endpoint, and
//! then the explanation also lists what the endpoint serves and a data kind that
//! grants it.

use espi_auth::BulkId;
use espi_auth::DATA_KINDS;
use espi_auth::MonthClock;
use espi_auth::TokenKind;
use espi_auth::WindowPolicy;
use espi_auth::{Access, AccessRequest, Authority, decide};
use espi_auth::{AuthorizationState, AuthorizedPeriod};
use espi_auth::{Catalogue, Scope};
use espi_auth::{ENDPOINTS, Endpoint, Method, Serves};
use proptest::prelude::*;

const DAY: i64 = 86_400;
/// 2024-03-10T12:00:00Z.
const GRANT: i64 = 1_710_072_000;
const BASE: &str = "https://example.com/DataCustodian/espi/1_1/resource";

/// The token a Third Party would present for `endpoint`, the URI it is bound to and the
/// concrete path, with ids inside that binding; `None` for rows only the Data
/// Custodian's own tokens reach.
fn request_for(endpoint: &Endpoint, bulk: &str) -> Option<(TokenKind, String, String)> {
    let path: Vec<String> = endpoint
        .path
        .split('/')
        .map(|segment| match segment {
            "{subscriptionId}" => "5".to_owned(),
            "{retailCustomerId}" => "9".to_owned(),
            "{bulkId}" => bulk.to_owned(),
            "{applicationInformationId}" => "3".to_owned(),
            other if other.starts_with('{') => "7".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    let path = path.join("/");
    let has = |placeholder: &str| endpoint.placeholders().any(|name| name == placeholder);
    let (kind, bound) = if has("subscriptionId") {
        (TokenKind::Access, "Batch/Subscription/5".to_owned())
    } else if has("retailCustomerId") {
        (TokenKind::Access, "Batch/RetailCustomer/9".to_owned())
    } else if has("bulkId") {
        (TokenKind::Client, format!("Batch/Bulk/{bulk}"))
    } else if has("applicationInformationId") {
        (
            TokenKind::Registration,
            "ApplicationInformation/3".to_owned(),
        )
    } else if endpoint.get.contains(&TokenKind::Access) {
        (TokenKind::Access, "Batch/Subscription/5".to_owned())
    } else if endpoint.get.contains(&TokenKind::Client) {
        (TokenKind::Client, "*".to_owned())
    } else {
        return None;
    };
    endpoint
        .get
        .contains(&kind)
        .then(|| (kind, format!("{BASE}/{bound}"), format!("/{path}")))
}

fn any_scope() -> impl Strategy<Value = Scope> {
    (
        proptest::collection::vec(1u16..=70, 0..8),
        proptest::option::of(Just("1")),
    )
        .prop_map(|(mut function_blocks, bulk)| {
            function_blocks.sort_unstable();
            function_blocks.dedup();
            Scope {
                function_blocks,
                bulk_id: bulk.map(|id| BulkId::new(id).expect("a bulk id")),
                ..Scope::default()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decide_allows_exactly_what_explain_lists(
        scope in any_scope(),
        legacy in any::<bool>(),
    ) {
        let catalogue = if legacy { Catalogue::Legacy } else { Catalogue::Current };
        let explanation = scope.explain(catalogue);
        let period = AuthorizedPeriod::new(GRANT, 730 * DAY as u32).expect("period");
        let state = AuthorizationState::grant(GRANT, &scope, 365 * DAY as u64, Some(period))
            .expect("grant");
        let window = WindowPolicy::ameren_share_my_usage()
            .window(GRANT, &MonthClock::Utc)
            .expect("window");
        let bulk = scope.bulk_id.as_ref().map_or("1", BulkId::as_str);
        for endpoint in ENDPOINTS {
            let Some((token, bound, path)) = request_for(endpoint, bulk) else {
                continue;
            };
            let authorization = Authority {
                state: &state,
                scope: &scope,
                catalogue,
                window: &window,
                revoked_at: None,
                last_activity: None,
                token,
                bound: &bound,
            };
            let request = AccessRequest { method: Method::Get, path: &path, query: "" };
            let access = decide(&authorization, &request, GRANT + DAY);
            let allowed = matches!(access, Access::Allow { .. });
            let listed = explanation.endpoints.contains(&endpoint.path);
            prop_assert_eq!(
                allowed,
                listed,
                "{} {} under {:?} ({}): decide {:?}, explain lists {:?}",
                token,
                path,
                scope.to_string(),
                catalogue,
                access,
                explanation.endpoints
            );
            if allowed {
                prop_assert!(
                    explanation.served.contains(&endpoint.serves),
                    "{} serves {:?}; the explanation lists {:?}",
                    endpoint.path,
                    endpoint.serves,
                    explanation.served
                );
                let granted_by_a_listed_kind = explanation.data_kinds.iter().any(|kind| {
                    DATA_KINDS
                        .iter()
                        .any(|row| row.kind == *kind && row.serves.contains(&endpoint.serves))
                });
                prop_assert!(
                    granted_by_a_listed_kind || endpoint.serves == Serves::Administration,
                    "{} serves {:?}, which no listed data kind ({:?}) grants",
                    endpoint.path,
                    endpoint.serves,
                    explanation.data_kinds
                );
            }
        }
    }
}
