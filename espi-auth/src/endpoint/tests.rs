use super::*;
use proptest::prelude::*;

/// Ids: any text but the three that cannot be a path segment.
fn any_id() -> impl Strategy<Value = String> {
    "\\PC{1,12}".prop_filter("a usable segment", |id| id != "." && id != "..")
}

proptest! {
    #[test]
    fn parse_undoes_path_for_every_row(
        row in 0..ENDPOINTS.len(),
        ids in proptest::collection::vec(any_id(), 8),
    ) {
        let endpoint = &ENDPOINTS[row];
        let ids = &ids[..endpoint.placeholders().count()];
        let route = Route::new(endpoint, ids.iter().cloned()).expect("usable ids");
        let path = route.path();
        prop_assert_eq!(Route::parse(&path), Some(route.clone()), "{}", path);
        let url = format!("https://dc.example/DataCustodian{RESOURCE_PREFIX}/{path}?x=1#y");
        prop_assert_eq!(Route::parse(&url), Some(route));
    }
}

#[test]
fn ids_are_percent_encoded_segments() {
    let tree = Endpoint::with_path("Batch/Subscription/{subscriptionId}/UsagePoint/{usagePointId}")
        .expect("a row");
    let route = Route::new(tree, ["s 1", "u/2"]).expect("a route");
    assert_eq!(route.path(), "Batch/Subscription/s%201/UsagePoint/u%2F2");
    assert_eq!(route.id("usagePointId"), Some("u/2"));
    assert_eq!(route.id("bulkId"), None);
    assert_eq!(route.to_string(), route.path());
    assert!(tree.is_batch());
    assert!(
        !Endpoint::with_path("ReadingType")
            .expect("a row")
            .is_batch()
    );
}

#[test]
fn paths_outside_the_catalogue_or_badly_escaped_name_no_route() {
    assert_eq!(Route::parse("Nothing/Here"), None);
    assert_eq!(Route::parse("Batch/Subscription/%zz"), None);
    assert_eq!(Route::parse("Batch/Subscription/%FF"), None);
    assert_eq!(Route::parse("Batch/Subscription"), None);
    assert_eq!(Route::parse("Batch//Subscription/5"), None);
    assert_eq!(Route::parse("Batch/Subscription/.."), None);
}

#[test]
fn unusable_ids_are_refused() {
    let feed = Endpoint::with_path("Batch/Subscription/{subscriptionId}").expect("a row");
    assert_eq!(
        Route::new(feed, Vec::<String>::new()),
        Err(RouteError::IdCount {
            path: feed.path,
            expected: 1,
            given: 0
        })
    );
    for id in ["", ".", ".."] {
        assert!(
            matches!(
                Route::new(feed, [id]),
                Err(RouteError::UnusableId {
                    placeholder: "subscriptionId",
                    ..
                })
            ),
            "{id:?}"
        );
    }
}
