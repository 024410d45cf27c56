//! How the query parameters of the resource GETs (Function Block 37) select
//! entries. The parameters are read by espi-auth's [`Query::parse`] in
//! [`QuerySyntax::Lenient`] (any xs:dateTime; bounds inclusive, whole seconds), once
//! per request ([`read`]); a malformed one is a 400 naming it.
//!
//! | Parameter | Selects |
//! |---|---|
//! | `published-min`, `published-max` | IntervalBlocks whose `interval` lies within `[min, max]` (data time, as OpenESPI's `ExportFilter`); any other entry by its Atom `published` |
//! | `updated-min`, `updated-max` | every entry by its Atom `updated` |
//! | `start-index` | the one-based position of the first entry returned, in the collection after the date filters |
//! | `max-results`, `depth` | at most this many entries (GBA words `depth` as `max-results`; both apply, the smaller wins) |
//!
//! The access decision is given the published range read here (as its half-open
//! `[published-min, published-max + 1 s)`), never the raw text, so the two cannot
//! read a value differently.
//!
//! The program's window (the [`Permit::window`](crate::access::Permit) of the
//! request) restricts the data further, by the time of the data: IntervalBlocks must
//! lie within it; summaries must have been published in it or have
//! a billing period (a quality summary's summary interval) that starts in it — a period
//! in progress is served, and so are the samples whose summaries carry placeholder
//! dates in one or the other. The entries that describe rather
//! than measure (UsagePoint, MeterReading, ReadingType, LocalTimeParameters) are not
//! restricted by the window, so a feed cut by it still carries the context of the
//! readings it serves; the query's published bounds do apply to them.

use crate::data::Item;
use crate::error::ApiError;
use espi_auth::{Query, QuerySyntax};
use espi_model::resource::ResourceKind;

/// Reads a request's query string (without `?`): a 400 naming the parameter and the
/// value when one is malformed or repeated, or a range is empty.
pub fn read(query: &str) -> Result<Query, ApiError> {
    Query::parse(query, QuerySyntax::Lenient)
        .map_err(|error| ApiError::bad_request(error.to_string()))
}

/// How many entries to skip: `start-index − 1`.
pub fn skip(query: &Query) -> usize {
    usize::try_from(query.skipped()).unwrap_or(usize::MAX)
}

/// The most entries to return: the smaller of `max-results` and `depth`.
pub fn limit(query: &Query) -> usize {
    query.page_size().map_or(usize::MAX, |size| {
        usize::try_from(size).unwrap_or(usize::MAX)
    })
}

/// What a request selects by date: the query's bounds and the permit's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateFilter {
    /// The query's published bounds (inclusive).
    published: (Option<i64>, Option<i64>),
    /// The query's updated bounds (inclusive).
    updated: (Option<i64>, Option<i64>),
    /// The permit's window, `[min, max)`; `None` for customer data.
    window: Option<(Option<i64>, i64)>,
}

impl DateFilter {
    /// The filter of `query` under the program's `[min, max)` window.
    pub fn new(query: &Query, window: (Option<i64>, i64)) -> DateFilter {
        DateFilter {
            window: Some(window),
            ..DateFilter::query_only(query)
        }
    }

    /// A filter that applies only the query's bounds (customer data, which no usage
    /// window restricts).
    pub fn query_only(query: &Query) -> DateFilter {
        DateFilter {
            published: (query.published_min, query.published_max),
            updated: (query.updated_min, query.updated_max),
            window: None,
        }
    }

    /// Whether `item` passes the query and the window.
    pub fn accepts(&self, item: &Item) -> bool {
        within(item.updated, self.updated) && self.query_accepts(item) && self.window_accepts(item)
    }

    /// [`espi_auth::Query`]: IntervalBlocks by their interval lying within the bounds, the rest by
    /// `published`.
    fn query_accepts(&self, item: &Item) -> bool {
        match (item.kind, item.interval) {
            (ResourceKind::IntervalBlock, Some(span)) => lies_within(span, self.published),
            _ => within(item.published, self.published),
        }
    }

    /// The program's window: IntervalBlocks by their interval lying within it;
    /// summaries when their period starts in it (a billing period in progress is
    /// served) or they were published in it; other entries not at all.
    fn window_accepts(&self, item: &Item) -> bool {
        let Some((min, max)) = self.window else {
            return true;
        };
        let after_min = |instant: i64| min.is_none_or(|min| instant >= min);
        let published_inside = item
            .published
            .is_some_and(|published| after_min(published) && published <= max);
        match (item.kind, item.interval) {
            (ResourceKind::IntervalBlock, Some(span)) => lies_within(span, (min, Some(max))),
            (ResourceKind::IntervalBlock, None) => published_inside,
            (
                ResourceKind::UsageSummary
                | ResourceKind::ElectricPowerUsageSummary
                | ResourceKind::ElectricPowerQualitySummary,
                span,
            ) => published_inside || span.is_some_and(|(start, _)| after_min(start) && start < max),
            _ => true,
        }
    }
}

/// Whether the data span `[start, end)` lies within the inclusive `bounds`.
fn lies_within((start, end): (i64, i64), bounds: (Option<i64>, Option<i64>)) -> bool {
    bounds.0.is_none_or(|min| start >= min) && bounds.1.is_none_or(|max| end <= max)
}

/// Whether `value` lies in the inclusive `bounds`; a missing value passes only
/// unbounded.
fn within(value: Option<i64>, bounds: (Option<i64>, Option<i64>)) -> bool {
    match value {
        Some(value) => {
            bounds.0.is_none_or(|min| value >= min) && bounds.1.is_none_or(|max| value <= max)
        }
        None => bounds.0.is_none() && bounds.1.is_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_malformed_duplicate_and_empty_ranges() {
        for (query, needle) in [
            ("published-min=yesterday", "published-min: \"yesterday\""),
            ("updated-max=2013-12-10", "updated-max: \"2013-12-10\""),
            ("max-results=-1", "max-results: \"-1\" is negative"),
            ("depth=many", "depth: \"many\""),
            ("start-index=0", "start-index: \"0\" is below 1"),
            (
                "max-results=1&max-results=2",
                "max-results is given more than once",
            ),
            (
                "published-min=2013-12-11T00:00:00Z&published-max=2013-12-10T00:00:00Z",
                "published-min (2013-12-11T00:00:00Z) and published-max (2013-12-10T00:00:00Z) leave no range: the minimum is after the maximum",
            ),
            (
                "updated-min=2013-12-10T00:00:00.7Z&updated-max=2013-12-10T01:00:00.5%2B01:00",
                "updated-min (2013-12-10T00:00:00.7Z) and updated-max (2013-12-10T00:00:00.5Z) leave no range: the minimum is after the maximum",
            ),
            (
                "updated-min=2013-12-10T00:00:00.5Z&updated-max=2013-12-10T00:00:00.7Z",
                "no whole second lies between them",
            ),
            (
                "published-max=9999999999-01-01T00:00:00Z",
                "outside the years handled",
            ),
            ("published-min=%zz", "not valid percent-encoded"),
        ] {
            let error = read(query).unwrap_err();
            assert_eq!(error.status, axum::http::StatusCode::BAD_REQUEST, "{query}");
            assert!(error.reason.contains(needle), "{query}: {}", error.reason);
        }
    }

    #[test]
    fn the_window_and_the_query_each_apply_their_rule() {
        use crate::data::Item;
        let item = |kind, published, interval| Item::for_test(kind, published, interval);
        let block = item(ResourceKind::IntervalBlock, 0, Some((100, 200)));
        let summary = item(ResourceKind::UsageSummary, 0, Some((100, 2000)));
        let point = item(ResourceKind::UsagePoint, 0, None);
        let window = DateFilter::new(&Query::default(), (Some(50), 1000));
        assert!(window.accepts(&block) && window.accepts(&summary) && window.accepts(&point));
        let late = DateFilter::new(&Query::default(), (Some(150), 1000));
        assert!(!late.accepts(&block) && !late.accepts(&summary) && late.accepts(&point));
        // A summary published in the window is served whatever its period says.
        let recent = item(ResourceKind::UsageSummary, 500, Some((100, 2000)));
        assert!(late.accepts(&recent));
        let query = read("published-min=1970-01-01T00:01:40Z").unwrap();
        let asked = DateFilter::new(&query, (Some(50), 1000));
        assert!(asked.accepts(&block) && !asked.accepts(&summary) && !asked.accepts(&point));
    }
}
