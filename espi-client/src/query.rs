//! The query parameters of the resource GETs (espi-reference §1.6, FB_37) as a typed
//! value.
//!
//! Date-times are sent as `YYYY-MM-DDThh:mm:ssZ` in UTC without fractions of a second
//! (PG&E accepts nothing else, espi-reference §1.6); a fraction is dropped, which
//! moves the bound down to the whole second.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use espi_client::Query;
//!
//! let query = Query::new()
//!     .published_min(Utc.with_ymd_and_hms(2013, 12, 1, 0, 0, 0).unwrap())
//!     .published_max(Utc.with_ymd_and_hms(2014, 1, 1, 0, 0, 0).unwrap())
//!     .max_results(500);
//! assert_eq!(
//!     query.to_query_string(),
//!     "published-min=2013-12-01T00:00:00Z&published-max=2014-01-01T00:00:00Z&max-results=500"
//! );
//! ```

use chrono::{DateTime, Utc};
use url::Url;

/// Query parameters of a resource GET. All optional; an empty query sends nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Query {
    /// `published-min`: entries published (IntervalBlocks: whose interval starts) at
    /// or after.
    pub published_min: Option<DateTime<Utc>>,
    /// `published-max`: entries published (IntervalBlocks: whose interval ends) at or
    /// before.
    pub published_max: Option<DateTime<Utc>>,
    /// `updated-min`: entries updated at or after.
    pub updated_min: Option<DateTime<Utc>>,
    /// `updated-max`: entries updated at or before.
    pub updated_max: Option<DateTime<Utc>>,
    /// `max-results`: the most entries in one response. The client treats it as the
    /// page size and follows the pages with `start-index` (see
    /// [`FeedStream`](crate::FeedStream)).
    pub max_results: Option<u64>,
    /// `start-index`: the one-based position of the first entry wanted.
    pub start_index: Option<u64>,
    /// `depth`: GBA words it as `max-results`; sent as given.
    pub depth: Option<u64>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Query {
        Query::default()
    }

    /// Sets `published-min`.
    pub fn published_min(mut self, at: DateTime<Utc>) -> Query {
        self.published_min = Some(at);
        self
    }

    /// Sets `published-max`.
    pub fn published_max(mut self, at: DateTime<Utc>) -> Query {
        self.published_max = Some(at);
        self
    }

    /// Sets `updated-min`.
    pub fn updated_min(mut self, at: DateTime<Utc>) -> Query {
        self.updated_min = Some(at);
        self
    }

    /// Sets `updated-max`.
    pub fn updated_max(mut self, at: DateTime<Utc>) -> Query {
        self.updated_max = Some(at);
        self
    }

    /// Sets `max-results`.
    pub fn max_results(mut self, count: u64) -> Query {
        self.max_results = Some(count);
        self
    }

    /// Sets `start-index` (one-based; 0 is sent as 1).
    pub fn start_index(mut self, index: u64) -> Query {
        self.start_index = Some(index.max(1));
        self
    }

    /// Sets `depth`.
    pub fn depth(mut self, depth: u64) -> Query {
        self.depth = Some(depth);
        self
    }

    /// Sets `published-min` and `published-max` from epoch seconds, as the sync plans
    /// them. Instants chrono cannot represent are left unset.
    pub fn published_between(mut self, min: i64, max: i64) -> Query {
        self.published_min = DateTime::from_timestamp(min, 0);
        self.published_max = DateTime::from_timestamp(max, 0);
        self
    }

    /// The parameters as `(name, value)` pairs, in the order of espi-reference §1.6.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        for (name, value) in [
            ("published-min", self.published_min),
            ("published-max", self.published_max),
            ("updated-min", self.updated_min),
            ("updated-max", self.updated_max),
        ] {
            if let Some(value) = value {
                pairs.push((name, format_date_time(value)));
            }
        }
        for (name, value) in [
            ("max-results", self.max_results),
            ("start-index", self.start_index),
            ("depth", self.depth),
        ] {
            if let Some(value) = value {
                pairs.push((name, value.to_string()));
            }
        }
        pairs
    }

    /// The query string (without `?`). The values need no escaping.
    pub fn to_query_string(&self) -> String {
        self.pairs()
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Adds the parameters to `url`, replacing any of the same names already there.
    pub fn apply(&self, url: &mut Url) {
        let pairs = self.pairs();
        if pairs.is_empty() {
            return;
        }
        let names: Vec<&str> = pairs.iter().map(|(name, _)| *name).collect();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| !names.contains(&name.as_ref()))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &kept {
            query.append_pair(name, value);
        }
        let mut query = query.finish();
        // Our values are digits, `-`, `:`, `T` and `Z`, all allowed in a query
        // (RFC 3986 §3.4): sent as they are, so that `published-min` reads
        // `2013-12-01T00:00:00Z` on the wire and not `2013-12-01T00%3A00%3A00Z`.
        for (name, value) in &pairs {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(name);
            query.push('=');
            query.push_str(value);
        }
        url.set_query(Some(&query));
    }

    /// Reads the §1.6 parameters of a URL's query (the rest are ignored); `None` when
    /// one of them is malformed.
    pub fn from_url(url: &Url) -> Option<Query> {
        let mut query = Query::default();
        for (name, value) in url.query_pairs() {
            let date = || {
                DateTime::parse_from_rfc3339(&value)
                    .ok()
                    .map(|at| at.with_timezone(&Utc))
            };
            let count = || value.parse::<u64>().ok();
            match name.as_ref() {
                "published-min" => query.published_min = Some(date()?),
                "published-max" => query.published_max = Some(date()?),
                "updated-min" => query.updated_min = Some(date()?),
                "updated-max" => query.updated_max = Some(date()?),
                "max-results" => query.max_results = Some(count()?),
                "start-index" => query.start_index = Some(count()?),
                "depth" => query.depth = Some(count()?),
                _ => {}
            }
        }
        Some(query)
    }

    /// The page size this query asks for: the smaller of `max-results` and `depth`.
    pub(crate) fn page_size(&self) -> Option<u64> {
        match (self.max_results, self.depth) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// `YYYY-MM-DDThh:mm:ssZ`, fractions of a second dropped.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// let at = Utc.timestamp_opt(1_386_576_000, 999_000_000).unwrap();
/// assert_eq!(espi_client::query::format_date_time(at), "2013-12-09T08:00:00Z");
/// ```
pub fn format_date_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_parameter_is_sent_in_order() {
        let at = |seconds| Utc.timestamp_opt(seconds, 0).single().expect("an instant");
        let query = Query::new()
            .depth(3)
            .start_index(0)
            .max_results(10)
            .updated_max(at(86_400))
            .updated_min(at(0))
            .published_between(60, 120);
        assert_eq!(
            query.to_query_string(),
            "published-min=1970-01-01T00:01:00Z&published-max=1970-01-01T00:02:00Z&\
             updated-min=1970-01-01T00:00:00Z&updated-max=1970-01-02T00:00:00Z&\
             max-results=10&start-index=1&depth=3"
        );
        assert_eq!(query.page_size(), Some(3));
        assert_eq!(Query::new().to_query_string(), "");
    }

    #[test]
    fn apply_replaces_and_keeps_other_parameters() {
        let mut url = Url::parse("https://dc.example/r?start-index=5&x=y%20z").expect("url");
        Query::new().start_index(11).apply(&mut url);
        assert_eq!(url.query(), Some("x=y+z&start-index=11"));
        Query::new().published_between(0, 60).apply(&mut url);
        assert_eq!(
            url.query(),
            Some(
                "x=y+z&start-index=11&published-min=1970-01-01T00:00:00Z&published-max=1970-01-01T00:01:00Z"
            )
        );
        let back = Query::from_url(&url).expect("parses");
        assert_eq!(back.start_index, Some(11));
        let bad = Url::parse("https://dc.example/r?max-results=many").expect("url");
        assert_eq!(Query::from_url(&bad), None);
    }
}
