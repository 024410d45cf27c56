//! The query parameters of the ESPI REST API (Function Block 37, GBA's OpenAPI
//! parameters), read once and written back ([`Query`]).

use std::fmt;

use espi_model::date_time::{DateTimeError, XsdDateTime, format_utc};
use thiserror::Error;

/// `published-min`: entries published (IntervalBlocks: whose interval starts) at or
/// after.
pub const PUBLISHED_MIN: &str = "published-min";
/// `published-max`: entries published (IntervalBlocks: whose interval ends) at or
/// before.
pub const PUBLISHED_MAX: &str = "published-max";
/// `updated-min`: entries updated at or after.
pub const UPDATED_MIN: &str = "updated-min";
/// `updated-max`: entries updated at or before.
pub const UPDATED_MAX: &str = "updated-max";
/// `max-results`: at most this many entries.
pub const MAX_RESULTS: &str = "max-results";
/// `start-index`: the one-based position of the first entry wanted.
pub const START_INDEX: &str = "start-index";
/// `depth`: GBA words it as `max-results`.
pub const DEPTH: &str = "depth";

/// The date parameters, in the order they are written.
const DATES: [&str; 4] = [PUBLISHED_MIN, PUBLISHED_MAX, UPDATED_MIN, UPDATED_MAX];
/// The count parameters, in the order they are written.
const COUNTS: [&str; 3] = [MAX_RESULTS, START_INDEX, DEPTH];

/// Which date-times a parse accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuerySyntax {
    /// Only `YYYY-MM-DDThh:mm:ssZ` (UTC, whole seconds): what the standard tells
    /// clients to send.
    Strict,
    /// Any `xs:dateTime` ([`XsdDateTime::parse`]): a time-zone offset is applied, a
    /// date-time without one is taken as UTC, fractions of a second are allowed, and
    /// `24:00:00` is midnight of the next day.
    Lenient,
}

/// The query parameters of one resource GET (Function Block 37), read once and
/// written back; all optional, dates as epoch seconds.
///
/// | Parameter | Value |
/// |---|---|
/// | `published-min`, `published-max`, `updated-min`, `updated-max` | a date-time ([`QuerySyntax`] says which form) |
/// | `max-results`, `depth` | a whole number ≥ 0 |
/// | `start-index` | a whole number ≥ 1 (one-based) |
///
/// Values are percent-decoded (a `+` stays a plus: date-times carry time-zone offsets).
/// Bounds are inclusive whole seconds: a fraction of a second rounds a minimum up and
/// a maximum down, so the bounds select exactly what the exact instants would. A
/// parameter given twice, a value that is not of its form, `start-index` below 1, or a
/// minimum after its maximum (or, with fractions, a range that holds no whole second)
/// is a [`QueryError`] naming the parameter and the value. Other parameters are
/// ignored.
///
/// [`Query::to_query_string`] writes the parameters back in the order above, dates as
/// `YYYY-MM-DDThh:mm:ssZ` (the form PG&E accepts and the standard tells clients to
/// send); what it writes parses back to the same query in either syntax, for
/// dates in the years 1 to 9999 (the four-digit years of `xs:dateTime`).
///
/// ```
/// use espi_auth::{Query, QuerySyntax};
///
/// let query = Query::new()
///     .published_between(1_385_856_000, 1_388_534_400)
///     .max_results(500);
/// let text = query.to_query_string();
/// assert_eq!(
///     text,
///     "published-min=2013-12-01T00:00:00Z&published-max=2014-01-01T00:00:00Z&max-results=500"
/// );
/// assert_eq!(Query::parse(&text, QuerySyntax::Strict)?, query);
/// // Offsets and fractions are xs:dateTime, read leniently only.
/// let offset = "published-min=2013-12-01T01:00:00%2B01:00";
/// assert_eq!(Query::parse(offset, QuerySyntax::Lenient)?.published_min, Some(1_385_856_000));
/// assert!(Query::parse(offset, QuerySyntax::Strict).is_err());
/// # Ok::<(), espi_auth::QueryError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Query {
    /// `published-min`, inclusive.
    pub published_min: Option<i64>,
    /// `published-max`, inclusive.
    pub published_max: Option<i64>,
    /// `updated-min`, inclusive.
    pub updated_min: Option<i64>,
    /// `updated-max`, inclusive.
    pub updated_max: Option<i64>,
    /// `max-results`.
    pub max_results: Option<u64>,
    /// `start-index` (one-based).
    pub start_index: Option<u64>,
    /// `depth`.
    pub depth: Option<u64>,
}

/// Why a query string is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryError {
    /// A value is not of its parameter's form.
    #[error("query parameter {parameter}: {value:?} {problem}")]
    Malformed {
        /// The parameter.
        parameter: &'static str,
        /// The value, percent-decoded (as given when decoding failed).
        value: String,
        /// What is wrong with it.
        problem: ValueProblem,
    },
    /// A parameter is given more than once.
    #[error("query parameter {parameter} is given more than once")]
    Repeated {
        /// The parameter.
        parameter: &'static str,
    },
    /// A minimum and its maximum select nothing.
    #[error(
        "query parameters {min_parameter} ({min}) and {max_parameter} ({max}) leave no range: {reason}"
    )]
    EmptyRange {
        /// `published-min` or `updated-min`.
        min_parameter: &'static str,
        /// `published-max` or `updated-max`.
        max_parameter: &'static str,
        /// The minimum's exact instant, `…Z`.
        min: String,
        /// The maximum's exact instant, `…Z`.
        max: String,
        /// Why nothing is left.
        reason: EmptyRange,
    },
}

impl QueryError {
    /// The parameter the error is about (the minimum for an empty range).
    pub fn parameter(&self) -> &'static str {
        match self {
            QueryError::Malformed { parameter, .. } | QueryError::Repeated { parameter } => {
                parameter
            }
            QueryError::EmptyRange { min_parameter, .. } => min_parameter,
        }
    }
}

/// What is wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ValueProblem {
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    #[error("is not valid percent-encoded UTF-8")]
    PercentEncoding,
    /// Not a date-time of the syntax asked for.
    #[error(transparent)]
    DateTime(#[from] DateTimeError),
    /// A count below zero.
    #[error("is negative")]
    Negative,
    /// A count that is not a whole number (digits only).
    #[error("is not a whole number")]
    NotWholeNumber,
    /// `start-index` 0.
    #[error("is below 1 (the index is one-based)")]
    BelowOne,
}

/// Why a range is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EmptyRange {
    /// The minimum is after the maximum.
    #[error("the minimum is after the maximum")]
    Reversed,
    /// The bounds are in order but no whole second lies between them.
    #[error("no whole second lies between them (the data's times are whole seconds)")]
    NoWholeSecond,
}

impl Query {
    /// An empty query.
    pub fn new() -> Query {
        Query::default()
    }

    /// Sets `published-min` (epoch seconds).
    pub fn published_min(mut self, at: i64) -> Query {
        self.published_min = Some(at);
        self
    }

    /// Sets `published-max` (epoch seconds).
    pub fn published_max(mut self, at: i64) -> Query {
        self.published_max = Some(at);
        self
    }

    /// Sets `published-min` and `published-max` (epoch seconds).
    pub fn published_between(self, min: i64, max: i64) -> Query {
        self.published_min(min).published_max(max)
    }

    /// Sets `updated-min` (epoch seconds).
    pub fn updated_min(mut self, at: i64) -> Query {
        self.updated_min = Some(at);
        self
    }

    /// Sets `updated-max` (epoch seconds).
    pub fn updated_max(mut self, at: i64) -> Query {
        self.updated_max = Some(at);
        self
    }

    /// Sets `max-results`.
    pub fn max_results(mut self, count: u64) -> Query {
        self.max_results = Some(count);
        self
    }

    /// Sets `start-index` (one-based; 0 is taken as 1).
    pub fn start_index(mut self, index: u64) -> Query {
        self.start_index = Some(index.max(1));
        self
    }

    /// Sets `depth`.
    pub fn depth(mut self, depth: u64) -> Query {
        self.depth = Some(depth);
        self
    }

    /// The most entries one response may hold: the smaller of `max-results` and
    /// `depth`.
    pub fn page_size(&self) -> Option<u64> {
        match (self.max_results, self.depth) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// How many entries come before the first one wanted: `start-index − 1`.
    pub fn skipped(&self) -> u64 {
        self.start_index.map_or(0, |index| index.saturating_sub(1))
    }

    /// Reads a query string (with or without its leading `?`); see [`Query`].
    pub fn parse(text: &str, syntax: QuerySyntax) -> Result<Query, QueryError> {
        let text = text.strip_prefix('?').unwrap_or(text);
        let mut query = Query::default();
        let mut seen: Vec<&str> = Vec::new();
        // The exact instants, to tell a reversed range from one holding no whole second.
        let mut exact: [Option<XsdDateTime>; 4] = [None; 4];
        for pair in text.split('&').filter(|pair| !pair.is_empty()) {
            let (name, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(parameter) = DATES.iter().chain(&COUNTS).find(|known| **known == name) else {
                continue;
            };
            if seen.contains(parameter) {
                return Err(QueryError::Repeated { parameter });
            }
            seen.push(parameter);
            let malformed = |value: &str, problem| QueryError::Malformed {
                parameter,
                value: value.to_owned(),
                problem,
            };
            let value = strict_percent_decode(raw)
                .ok_or_else(|| malformed(raw, ValueProblem::PercentEncoding))?;
            if let Some(slot) = DATES.iter().position(|date| date == parameter) {
                let instant =
                    date_time(&value, syntax).map_err(|error| malformed(&value, error))?;
                // A minimum rounds up to the next whole second, a maximum down.
                let whole = if slot % 2 == 0 {
                    instant.seconds_up()
                } else {
                    Some(instant.seconds)
                }
                .ok_or_else(|| malformed(&value, DateTimeError::OutOfRange.into()))?;
                exact[slot] = Some(instant);
                *query.date_mut(slot) = Some(whole);
            } else {
                let count = count(&value).map_err(|problem| malformed(&value, problem))?;
                match *parameter {
                    MAX_RESULTS => query.max_results = Some(count),
                    DEPTH => query.depth = Some(count),
                    _ if count == 0 => return Err(malformed(&value, ValueProblem::BelowOne)),
                    _ => query.start_index = Some(count),
                }
            }
        }
        for low in [0, 2] {
            let (Some(exact_low), Some(exact_high)) = (exact[low], exact[low + 1]) else {
                continue;
            };
            let reason = if exact_low > exact_high {
                EmptyRange::Reversed
            } else if query.date(low) > query.date(low + 1) {
                EmptyRange::NoWholeSecond
            } else {
                continue;
            };
            return Err(QueryError::EmptyRange {
                min_parameter: DATES[low],
                max_parameter: DATES[low + 1],
                min: exact_low.to_utc_text(),
                max: exact_high.to_utc_text(),
                reason,
            });
        }
        Ok(query)
    }

    /// The parameters as `(name, value)` pairs, in the order of the
    /// [`Query`].
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let dates = DATES
            .iter()
            .enumerate()
            .filter_map(|(slot, name)| Some((*name, format_utc(self.date(slot)?))));
        let counts = COUNTS
            .iter()
            .zip([self.max_results, self.start_index, self.depth])
            .filter_map(|(name, count)| Some((*name, count?.to_string())));
        dates.chain(counts).collect()
    }

    /// The query string, without `?`; empty for an empty query. The values need no
    /// escaping: digits, `-`, `:`, `T` and `Z` are all allowed in a query (RFC 3986
    /// §3.4).
    pub fn to_query_string(&self) -> String {
        self.to_string()
    }

    fn date(&self, slot: usize) -> Option<i64> {
        [
            self.published_min,
            self.published_max,
            self.updated_min,
            self.updated_max,
        ][slot]
    }

    fn date_mut(&mut self, slot: usize) -> &mut Option<i64> {
        match slot {
            0 => &mut self.published_min,
            1 => &mut self.published_max,
            2 => &mut self.updated_min,
            _ => &mut self.updated_max,
        }
    }
}

impl fmt::Display for Query {
    /// Writes [`Query::to_query_string`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (name, value)) in self.pairs().iter().enumerate() {
            if index > 0 {
                f.write_str("&")?;
            }
            write!(f, "{name}={value}")?;
        }
        Ok(())
    }
}

/// A date parameter's value in `syntax`.
fn date_time(value: &str, syntax: QuerySyntax) -> Result<XsdDateTime, ValueProblem> {
    match syntax {
        QuerySyntax::Lenient => Ok(XsdDateTime::parse(value)?),
        QuerySyntax::Strict => Ok(XsdDateTime {
            seconds: XsdDateTime::parse_utc_seconds(value)?,
            nanos: 0,
        }),
    }
}

/// A count parameter's value: digits only.
fn count(value: &str) -> Result<u64, ValueProblem> {
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    if value.strip_prefix('-').is_some_and(digits) {
        return Err(ValueProblem::Negative);
    }
    if !digits(value) {
        return Err(ValueProblem::NotWholeNumber);
    }
    value.parse().map_err(|_| ValueProblem::NotWholeNumber)
}

/// Decodes `%XX` escapes strictly: `None` for a `%` without two hex digits after it
/// (which the `percent-encoding` crate alone passes through as written) or for bytes
/// that are not UTF-8. Query values, path ids and (after `+` is read as a space)
/// form-encoded text are all decoded by it.
///
/// ```
/// assert_eq!(espi_auth::strict_percent_decode("a%20b").as_deref(), Some("a b"));
/// assert_eq!(espi_auth::strict_percent_decode("%+1"), None);
/// assert_eq!(espi_auth::strict_percent_decode("%FF"), None);
/// ```
pub fn strict_percent_decode(raw: &str) -> Option<String> {
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
mod tests;
