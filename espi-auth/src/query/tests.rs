use super::*;
use proptest::prelude::*;

fn lenient(text: &str) -> Result<Query, QueryError> {
    Query::parse(text, QuerySyntax::Lenient)
}

fn strict(text: &str) -> Result<Query, QueryError> {
    Query::parse(text, QuerySyntax::Strict)
}

#[test]
fn every_parameter_is_written_in_order() {
    let query = Query::new()
        .depth(3)
        .start_index(0)
        .max_results(10)
        .updated_max(86_400)
        .updated_min(0)
        .published_between(60, 120);
    assert_eq!(
        query.to_query_string(),
        "published-min=1970-01-01T00:01:00Z&published-max=1970-01-01T00:02:00Z&\
         updated-min=1970-01-01T00:00:00Z&updated-max=1970-01-02T00:00:00Z&\
         max-results=10&start-index=1&depth=3"
    );
    assert_eq!(query.page_size(), Some(3));
    assert_eq!(Query::new().to_query_string(), "");
    assert_eq!(Query::new().page_size(), None);
}

#[test]
fn fractions_round_a_minimum_up_and_a_maximum_down() {
    let query = lenient(
        "published-min=1970-01-01T00:01:00.5Z&published-max=1970-01-01T00:02:00.5Z\
         &updated-min=1970-01-01T00:01:00.000Z&updated-max=1970-01-01T01:02:00.9%2B01:00",
    )
    .unwrap();
    assert_eq!(
        (query.published_min, query.published_max),
        (Some(61), Some(120))
    );
    assert_eq!(
        (query.updated_min, query.updated_max),
        (Some(60), Some(120))
    );
    // Equal bounds are one instant, not an empty range.
    let one =
        lenient("published-min=1970-01-01T00:01:00Z&published-max=1970-01-01T01:01:00%2B01:00")
            .unwrap();
    assert_eq!((one.published_min, one.published_max), (Some(60), Some(60)));
}

#[test]
fn parses_every_parameter() {
    let query = lenient(
        "published-min=2013-12-10T00:00:00Z&published-max=2013-12-11T00%3A00%3A00Z&updated-min=2013-01-01T00:00:00&updated-max=2014-01-01T00:00:00%2B01:00&max-results=5&start-index=3&depth=4&other=x",
    )
    .unwrap();
    assert_eq!(query.published_min, Some(1_386_633_600));
    assert_eq!(query.published_max, Some(1_386_720_000));
    assert_eq!(query.updated_min, Some(1_356_998_400));
    assert_eq!(query.updated_max, Some(1_388_530_800));
    assert_eq!((query.skipped(), query.page_size()), (2, Some(4)));
    assert_eq!(
        lenient("?start-index=3").map(|query| query.skipped()),
        Ok(2)
    );
}

#[test]
fn refuses_malformed_duplicate_and_empty_ranges() {
    for (query, parameter, needle) in [
        (
            "published-min=yesterday",
            PUBLISHED_MIN,
            "published-min: \"yesterday\"",
        ),
        (
            "updated-max=2013-12-10",
            UPDATED_MAX,
            "updated-max: \"2013-12-10\"",
        ),
        (
            "max-results=-1",
            MAX_RESULTS,
            "max-results: \"-1\" is negative",
        ),
        ("depth=many", DEPTH, "depth: \"many\""),
        (
            "start-index=0",
            START_INDEX,
            "start-index: \"0\" is below 1",
        ),
        (
            "max-results=1&max-results=2",
            MAX_RESULTS,
            "max-results is given more than once",
        ),
        (
            "published-min=2013-12-11T00:00:00Z&published-max=2013-12-10T00:00:00Z",
            PUBLISHED_MIN,
            "published-min (2013-12-11T00:00:00Z) and published-max (2013-12-10T00:00:00Z) leave no range: the minimum is after the maximum",
        ),
        (
            "updated-min=2013-12-10T00:00:00.7Z&updated-max=2013-12-10T01:00:00.5%2B01:00",
            UPDATED_MIN,
            "updated-min (2013-12-10T00:00:00.7Z) and updated-max (2013-12-10T00:00:00.5Z) leave no range: the minimum is after the maximum",
        ),
        (
            "updated-min=2013-12-10T00:00:00.5Z&updated-max=2013-12-10T00:00:00.7Z",
            UPDATED_MIN,
            "no whole second lies between them",
        ),
        (
            "published-max=9999999999-01-01T00:00:00Z",
            PUBLISHED_MAX,
            "outside the years handled",
        ),
        (
            "published-min=%zz",
            PUBLISHED_MIN,
            "not valid percent-encoded",
        ),
    ] {
        let error = lenient(query).unwrap_err();
        assert_eq!(error.parameter(), parameter, "{query}");
        assert!(error.to_string().contains(needle), "{query}: {error}");
    }
}

#[test]
fn strict_reads_only_utc_whole_seconds() {
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
        match strict(query) {
            Err(QueryError::Malformed { parameter: p, .. }) => assert_eq!(p, parameter, "{query}"),
            other => panic!("{query}: {other:?}"),
        }
    }
    assert_eq!(
        strict("published-min=2024-03-01T00%3A00%3A00Z").map(|query| query.published_min),
        Ok(Some(1_709_251_200))
    );
    assert_eq!(
        strict("published-min=x").unwrap_err().to_string(),
        "query parameter published-min: \"x\" is not a UTC date-time in whole seconds (YYYY-MM-DDThh:mm:ssZ)"
    );
}

#[test]
fn a_plus_stays_a_plus() {
    // Form decoding would read `+` as a space and lose the offset.
    assert_eq!(
        lenient("published-min=1970-01-01T01:00:00+01:00").map(|query| query.published_min),
        Ok(Some(0))
    );
}

fn any_query() -> impl Strategy<Value = Query> {
    let instant = proptest::option::of(-62_135_596_800i64..253_402_300_800);
    let count = proptest::option::of(0u64..u64::MAX);
    (
        (instant.clone(), instant.clone(), instant.clone(), instant),
        (count.clone(), proptest::option::of(1u64..u64::MAX), count),
    )
        .prop_map(|((a, b, c, d), (max_results, start_index, depth))| {
            let order = |x: Option<i64>, y: Option<i64>| match (x, y) {
                (Some(x), Some(y)) => (Some(x.min(y)), Some(x.max(y))),
                other => other,
            };
            let (published_min, published_max) = order(a, b);
            let (updated_min, updated_max) = order(c, d);
            Query {
                published_min,
                published_max,
                updated_min,
                updated_max,
                max_results,
                start_index,
                depth,
            }
        })
}

proptest! {
    #[test]
    fn what_is_written_parses_back(query in any_query()) {
        let text = query.to_query_string();
        prop_assert_eq!(strict(&text), Ok(query.clone()));
        prop_assert_eq!(lenient(&text), Ok(query));
    }

    #[test]
    fn no_text_panics(text in "[-a-z=&%0-9:TZ.+]{0,60}") {
        let _ = lenient(&text);
        let _ = strict(&text);
    }
}
