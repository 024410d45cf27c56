//! The query parameters of the resource GETs (espi-reference §1.6, FB_37) and how they
//! select entries.
//!
//! | Parameter | Value | Selects |
//! |---|---|---|
//! | `published-min`, `published-max` | xs:dateTime | IntervalBlocks whose `interval` lies within `[min, max]` (data time, as OpenESPI's `ExportFilter`); any other entry by its Atom `published` |
//! | `updated-min`, `updated-max` | xs:dateTime | every entry by its Atom `updated` |
//! | `start-index` | integer ≥ 1 | the one-based position of the first entry returned, in the collection after the date filters |
//! | `max-results` | integer ≥ 0 | at most this many entries |
//! | `depth` | integer ≥ 0 | at most this many entries (GBA words it as `max-results`; both apply, the smaller wins) |
//!
//! Bounds are inclusive. One rule reads all four date parameters, xs:dateTime
//! ([`XsdDateTime`]): a time-zone offset is applied, a date-time without one is taken
//! as UTC, `24:00:00` is midnight of the next day. The data's times are whole seconds,
//! so a fraction rounds a minimum up and a maximum down, and the bounds select exactly
//! what the exact instants would. The access decision is given the published range
//! read here (as its half-open `[published-min, published-max + 1 s)`), never the raw
//! text, so the two cannot read a value differently. A parameter given twice, a
//! malformed value, `start-index` below 1, a negative count, or a minimum after its
//! maximum (or, with fractions, a range that holds no whole second) is a 400 whose
//! reason names the parameter and the value. Other parameters are ignored.
//!
//! The program's window (the [`Permit::window`](crate::access::Permit) of the
//! request) restricts the data further, by the time of the data: IntervalBlocks must
//! lie within it; summaries must have been published in it or have
//! a billing period (a quality summary's summary interval) that starts in it — a period
//! in progress is served, and so are the samples whose summaries carry placeholder
//! dates in one or the other. The entries that describe rather
//! than measure (UsagePoint, MeterReading, ReadingType, LocalTimeParameters) are not
//! restricted by the window, so a feed cut by it still carries the context of the
//! readings it serves; the query's published bounds do apply to them (§1.6).

use crate::data::Item;
use crate::error::ApiError;
use espi_model::ResourceKind;
use espi_model::date_time::{DateTimeError, XsdDateTime};

/// The parsed query parameters of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// `published-min`, epoch seconds.
    pub published_min: Option<i64>,
    /// `published-max`, epoch seconds.
    pub published_max: Option<i64>,
    /// `updated-min`, epoch seconds.
    pub updated_min: Option<i64>,
    /// `updated-max`, epoch seconds.
    pub updated_max: Option<i64>,
    /// `max-results`.
    pub max_results: Option<u64>,
    /// `start-index` (one-based; 1 when absent).
    pub start_index: Option<u64>,
    /// `depth`.
    pub depth: Option<u64>,
}

const DATE_PARAMETERS: [&str; 4] = [
    "published-min",
    "published-max",
    "updated-min",
    "updated-max",
];
const COUNT_PARAMETERS: [&str; 3] = ["max-results", "start-index", "depth"];

impl Query {
    /// Parses a query string (without `?`).
    pub fn parse(query: &str) -> Result<Query, ApiError> {
        let mut parsed = Query::default();
        let mut seen: Vec<&str> = Vec::new();
        // The exact instants, to tell a reversed range from one holding no whole second.
        let mut exact: [Option<XsdDateTime>; 4] = [None; 4];
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(name) = DATE_PARAMETERS
                .iter()
                .chain(COUNT_PARAMETERS.iter())
                .find(|known| **known == name)
                .copied()
            else {
                continue;
            };
            if seen.contains(&name) {
                return Err(ApiError::bad_request(format!(
                    "query parameter {name} is given more than once"
                )));
            }
            seen.push(name);
            let value = percent_decode(raw).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "query parameter {name}: {raw:?} is not valid percent-encoded UTF-8"
                ))
            })?;
            if let Some(slot) = DATE_PARAMETERS.iter().position(|known| *known == name) {
                let (whole, instant) = date(name, &value)?;
                exact[slot] = Some(instant);
                *match slot {
                    0 => &mut parsed.published_min,
                    1 => &mut parsed.published_max,
                    2 => &mut parsed.updated_min,
                    _ => &mut parsed.updated_max,
                } = Some(whole);
                continue;
            }
            match name {
                "start-index" => {
                    let index = count(name, &value)?;
                    if index == 0 {
                        return Err(ApiError::bad_request(format!(
                            "query parameter start-index: {value:?} is below 1 (the index is one-based)"
                        )));
                    }
                    parsed.start_index = Some(index);
                }
                "max-results" => parsed.max_results = Some(count(name, &value)?),
                _ => parsed.depth = Some(count(name, &value)?),
            }
        }
        for (name, (low, high), (exact_low, exact_high)) in [
            (
                "published",
                (parsed.published_min, parsed.published_max),
                (exact[0], exact[1]),
            ),
            (
                "updated",
                (parsed.updated_min, parsed.updated_max),
                (exact[2], exact[3]),
            ),
        ] {
            let (Some(exact_low), Some(exact_high)) = (exact_low, exact_high) else {
                continue;
            };
            let why = if exact_low > exact_high {
                "the minimum is after the maximum"
            } else if low > high {
                "no whole second lies between them (the data's times are whole seconds)"
            } else {
                continue;
            };
            return Err(ApiError::bad_request(format!(
                "query parameters {name}-min ({}) and {name}-max ({}) leave no range: {why}",
                exact_low.to_utc_text(),
                exact_high.to_utc_text()
            )));
        }
        Ok(parsed)
    }

    /// How many entries to skip: `start-index − 1`.
    pub fn skip(&self) -> usize {
        self.start_index
            .map_or(0, |index| usize::try_from(index - 1).unwrap_or(usize::MAX))
    }

    /// The most entries to return: the smaller of `max-results` and `depth`.
    pub fn limit(&self) -> usize {
        let limit = match (self.max_results, self.depth) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => u64::MAX,
        };
        usize::try_from(limit).unwrap_or(usize::MAX)
    }
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

    /// §1.6: IntervalBlocks by their interval lying within the bounds, the rest by
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

/// A date parameter as an inclusive bound in whole seconds (see the module
/// documentation), with the exact instant for comparing a minimum with its maximum.
fn date(name: &str, value: &str) -> Result<(i64, XsdDateTime), ApiError> {
    let parsed = XsdDateTime::parse(value).map_err(|error| {
        ApiError::bad_request(format!("query parameter {name}: {value:?} {error}"))
    })?;
    let whole = if name.ends_with("-min") {
        parsed.seconds_up()
    } else {
        Some(parsed.seconds)
    };
    let whole = whole.ok_or_else(|| {
        ApiError::bad_request(format!(
            "query parameter {name}: {value:?} {}",
            DateTimeError::OutOfRange
        ))
    })?;
    Ok((whole, parsed))
}

fn count(name: &str, value: &str) -> Result<u64, ApiError> {
    if value.starts_with('-') && value[1..].bytes().all(|b| b.is_ascii_digit()) && value.len() > 1 {
        return Err(ApiError::bad_request(format!(
            "query parameter {name}: {value:?} is negative"
        )));
    }
    value.parse::<u64>().map_err(|_| {
        ApiError::bad_request(format!(
            "query parameter {name}: {value:?} is not a whole number"
        ))
    })
}

/// Decodes `%XX` escapes (a `+` stays a plus: dates carry time-zone offsets); `None`
/// for a broken escape, which the decoder alone would pass through.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let hex_at = |index: usize| bytes.get(index).is_some_and(u8::is_ascii_hexdigit);
    let broken = (0..bytes.len())
        .any(|index| bytes[index] == b'%' && !(hex_at(index + 1) && hex_at(index + 2)));
    if broken {
        return None;
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_round_a_minimum_up_and_a_maximum_down() {
        let query = Query::parse(
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
        let one = Query::parse(
            "published-min=1970-01-01T00:01:00Z&published-max=1970-01-01T01:01:00%2B01:00",
        )
        .unwrap();
        assert_eq!((one.published_min, one.published_max), (Some(60), Some(60)));
    }

    #[test]
    fn parses_every_parameter() {
        let query = Query::parse(
            "published-min=2013-12-10T00:00:00Z&published-max=2013-12-11T00%3A00%3A00Z&updated-min=2013-01-01T00:00:00&updated-max=2014-01-01T00:00:00%2B01:00&max-results=5&start-index=3&depth=4&other=x",
        )
        .unwrap();
        assert_eq!(query.published_min, Some(1_386_633_600));
        assert_eq!(query.published_max, Some(1_386_720_000));
        assert_eq!(query.updated_min, Some(1_356_998_400));
        assert_eq!(query.updated_max, Some(1_388_530_800));
        assert_eq!((query.skip(), query.limit()), (2, 4));
    }

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
            let error = Query::parse(query).unwrap_err();
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
        let query = Query::parse("published-min=1970-01-01T00:01:40Z").unwrap();
        let asked = DateFilter::new(&query, (Some(50), 1000));
        assert!(asked.accepts(&block) && !asked.accepts(&summary) && !asked.accepts(&point));
    }
}
