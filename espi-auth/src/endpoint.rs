//! The endpoint catalogue of the ESPI REST API ([`ENDPOINTS`], [`Route`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::token::TokenKind;

mod catalogue;
#[cfg(test)]
mod tests;

pub use catalogue::ENDPOINTS;

/// The path prefix under which every resource path lies in the ESPI REST API.
pub const RESOURCE_PREFIX: &str = "/espi/1_1/resource";

/// The HTTP methods of the endpoint catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    /// GET: read.
    Get,
    /// POST: create (or upload).
    Post,
    /// PUT: update.
    Put,
    /// DELETE: delete.
    Delete,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        })
    }
}

/// What a row of the endpoint catalogue serves: the column that ties the catalogue to
/// the scope.
///
/// A Third Party's token (access, client or registration) reaches a row only when its
/// scope grants what the row serves, and [`Scope::explain`](crate::Scope::explain)
/// lists a row on the same rule ([`Scope::reaches`](crate::Scope::reaches)); which
/// Function Blocks grant which of these is the table
/// [`DATA_KINDS`](crate::data_kind::DATA_KINDS). Resources describing usage data
/// (ReadingType for units and multipliers — a SummaryMeasurement refers to one too —
/// and LocalTimeParameters for local time) come with any usage data; the resources
/// about the Third Party itself come with every scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Serves {
    /// Usage data of every kind the scope grants: the subscription feed
    /// (`Batch/Subscription`), its UsagePoints, a bulk (`Batch/Bulk`), the upload path.
    Usage,
    /// MeterReadings and IntervalBlocks.
    IntervalReadings,
    /// UsageSummary (and its deprecated name ElectricPowerUsageSummary).
    UsageSummaries,
    /// ElectricPowerQualitySummary.
    PowerQualitySummaries,
    /// What usage data means: ReadingType and LocalTimeParameters.
    UsageContext,
    /// Retail customer (PII) data: `Batch/RetailCustomer`, the `RetailCustomer/…`
    /// hierarchy and the root customer collections.
    CustomerData,
    /// Retail customer data in bulk (`Batch/BulkRetailCustomerInfo`).
    CustomerBulk,
    /// No customer data: the Third Party's registration (ApplicationInformation), its
    /// authorizations (Authorization) and the service status (ReadServiceStatus).
    /// Granted by every scope.
    Administration,
}

impl Serves {
    /// Every variant, in order.
    pub const ALL: [Serves; 8] = [
        Serves::Usage,
        Serves::IntervalReadings,
        Serves::UsageSummaries,
        Serves::PowerQualitySummaries,
        Serves::UsageContext,
        Serves::CustomerData,
        Serves::CustomerBulk,
        Serves::Administration,
    ];

    /// What is served, in plain words with the resource names, for a consent page.
    pub fn description(self) -> &'static str {
        match self {
            Serves::Usage => "the usage feed and its usage points (Batch/Subscription, UsagePoint)",
            Serves::IntervalReadings => "interval readings (MeterReading, IntervalBlock)",
            Serves::UsageSummaries => "usage summaries (UsageSummary)",
            Serves::PowerQualitySummaries => {
                "power quality summaries (ElectricPowerQualitySummary)"
            }
            Serves::UsageContext => {
                "what the usage data means: reading types and local time (ReadingType, LocalTimeParameters)"
            }
            Serves::CustomerData => {
                "retail customer information: customers, accounts, agreements, service locations and suppliers, meters and end devices (RetailCustomer)"
            }
            Serves::CustomerBulk => "retail customer information in bulk (BulkRetailCustomerInfo)",
            Serves::Administration => {
                "the application's own registration and authorizations and the service status, without customer data (ApplicationInformation, Authorization, ReadServiceStatus)"
            }
        }
    }

    /// Whether this is retail customer (PII) data.
    pub fn is_customer_data(self) -> bool {
        matches!(self, Serves::CustomerData | Serves::CustomerBulk)
    }
}

impl fmt::Display for Serves {
    /// Writes [`Serves::description`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// One row of the endpoint catalogue: a path pattern, what it serves and the token
/// kinds allowed for each method (an empty list: the method is not defined there).
///
/// The endpoint catalogue of the ESPI REST API (the energy usage and
/// retail customer resources of NAESB REQ.21): for each [`Endpoint`], its path template, what it serves (the
/// column tied to the scope) and which token kinds may use which method.
///
/// Everything about paths is derived from the one table [`ENDPOINTS`]: the access
/// rules ([`may_reach`](crate::may_reach), [`decide`](crate::decide)), the client's
/// typed paths and the sandbox's routes. A [`Route`] is a concrete path matched to its
/// row, with its ids: [`Route::parse`] reads one (ids percent-decoded) and
/// [`Route::path`] writes one (ids percent-encoded); a property test checks that one
/// undoes the other for every row. A new endpoint is one row.
///
/// Paths are relative to `…/espi/1_1/resource`; a full URL is cut after that prefix.
/// `{…}` segments of a template match any one non-empty segment.
///
/// Choice: `/Batch/BulkRetailCustomerInfo/{bulkId}` is printed "D,A" in the source
/// table with a doubt; a bulk spans many customers, so an access token bound to one
/// customer's subscription is not allowed there: the row is D only.
///
/// ```
/// use espi_auth::{Route, Serves};
///
/// let route = Route::parse("https://dc.example/espi/1_1/resource/Batch/Subscription/a%20b").unwrap();
/// assert_eq!(route.endpoint().path, "Batch/Subscription/{subscriptionId}");
/// assert_eq!(route.endpoint().serves, Serves::Usage);
/// assert_eq!(route.id("subscriptionId"), Some("a b"));
/// assert_eq!(route.path(), "Batch/Subscription/a%20b");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// Path under `.../espi/1_1/resource`, without a leading `/`; `{name}` segments
    /// stand for one id.
    pub path: &'static str,
    /// What the row serves, and so what a Third Party's scope must grant to reach it.
    pub serves: Serves,
    /// Kinds allowed to GET.
    pub get: &'static [TokenKind],
    /// Kinds allowed to POST.
    pub post: &'static [TokenKind],
    /// Kinds allowed to PUT.
    pub put: &'static [TokenKind],
    /// Kinds allowed to DELETE.
    pub delete: &'static [TokenKind],
}

impl Endpoint {
    /// The names of the row's `{…}` segments, in path order.
    ///
    /// ```
    /// use espi_auth::Route;
    /// let route = Route::parse("Batch/Bulk/1").unwrap();
    /// assert_eq!(route.endpoint().placeholders().collect::<Vec<_>>(), ["bulkId"]);
    /// ```
    pub fn placeholders(&self) -> impl Iterator<Item = &'static str> {
        self.path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
    }

    /// The kinds allowed to use `method` here.
    pub fn kinds(&self, method: Method) -> &'static [TokenKind] {
        match method {
            Method::Get => self.get,
            Method::Post => self.post,
            Method::Put => self.put,
            Method::Delete => self.delete,
        }
    }

    /// Whether the row is a `Batch/…` one (which may answer 202 Accepted while the
    /// data is prepared).
    pub fn is_batch(&self) -> bool {
        self.path.starts_with("Batch/")
    }

    /// The row whose path template is `path`.
    ///
    /// ```
    /// use espi_auth::{Endpoint, Serves};
    /// let feed = Endpoint::with_path("Batch/Subscription/{subscriptionId}").unwrap();
    /// assert_eq!(feed.serves, Serves::Usage);
    /// ```
    pub fn with_path(path: &str) -> Option<&'static Endpoint> {
        ENDPOINTS.iter().find(|endpoint| endpoint.path == path)
    }
}

/// A concrete resource path matched to its [`Endpoint`], with its ids (decoded).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Route {
    endpoint: &'static Endpoint,
    ids: Vec<String>,
}

/// Why a [`Route`] cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// The number of ids is not the number of the row's `{…}` segments.
    #[error("{path} takes {expected} ids, {given} given")]
    IdCount {
        /// The row's template.
        path: &'static str,
        /// Its `{…}` segments.
        expected: usize,
        /// The ids given.
        given: usize,
    },
    /// An id that cannot be a path segment: empty, `.` or `..`.
    #[error("{id:?} cannot be the {placeholder} of a path (empty, \".\" or \"..\")")]
    UnusableId {
        /// The `{…}` segment.
        placeholder: &'static str,
        /// The id.
        id: String,
    },
}

/// Everything but RFC 3986 unreserved characters is escaped in a path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl Route {
    /// The route of `endpoint` with `ids`, one per `{…}` segment in path order.
    ///
    /// ```
    /// use espi_auth::{Endpoint, Route};
    /// let blocks = Endpoint::with_path(
    ///     "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock",
    /// ).unwrap();
    /// let route = Route::new(blocks, ["5", "1", "a/b"])?;
    /// assert_eq!(route.path(), "Subscription/5/UsagePoint/1/MeterReading/a%2Fb/IntervalBlock");
    /// assert!(Route::new(blocks, ["5", "1"]).is_err());
    /// # Ok::<(), espi_auth::RouteError>(())
    /// ```
    pub fn new<I>(endpoint: &'static Endpoint, ids: I) -> Result<Route, RouteError>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let ids: Vec<String> = ids.into_iter().map(Into::into).collect();
        let expected = endpoint.placeholders().count();
        if ids.len() != expected {
            return Err(RouteError::IdCount {
                path: endpoint.path,
                expected,
                given: ids.len(),
            });
        }
        if let Some((placeholder, id)) = endpoint
            .placeholders()
            .zip(&ids)
            .find(|(_, id)| matches!(id.as_str(), "" | "." | ".."))
        {
            return Err(RouteError::UnusableId {
                placeholder,
                id: id.clone(),
            });
        }
        Ok(Route { endpoint, ids })
    }

    /// The route a path names: relative to `…/espi/1_1/resource` or a full URL
    /// holding that prefix, query and fragment ignored, ids percent-decoded. `None`
    /// for a path outside the catalogue or with a broken escape.
    pub fn parse(path: &str) -> Option<Route> {
        let segments = segments(path, Separators::Decoded)?;
        let (endpoint, captures) = find(&segments)?;
        let ids = captures
            .iter()
            .map(|(_, id)| crate::query::strict_percent_decode(id))
            .collect::<Option<Vec<String>>>()?;
        Route::new(endpoint, ids).ok()
    }

    /// The row.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The ids, in path order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The id of the `{placeholder}` segment.
    pub fn id(&self, placeholder: &str) -> Option<&str> {
        self.endpoint
            .placeholders()
            .zip(&self.ids)
            .find(|(name, _)| *name == placeholder)
            .map(|(_, id)| id.as_str())
    }

    /// The path relative to `…/espi/1_1/resource`, without a leading `/`, each id
    /// percent-encoded (everything but RFC 3986's unreserved characters).
    pub fn path(&self) -> String {
        let mut ids = self.ids.iter();
        self.endpoint
            .path
            .split('/')
            .map(|segment| match segment.starts_with('{') {
                true => ids.next().map_or_else(String::new, |id| {
                    percent_encoding::utf8_percent_encode(id, SEGMENT).to_string()
                }),
                false => segment.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

impl fmt::Display for Route {
    /// Writes [`Route::path`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// Whether [`segments`] refuses encoded separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Separators {
    /// Refused: an encoded `/`, `\\` or `.` would be decoded by some servers before
    /// routing, so the access check refuses rather than guess what they would route
    /// to.
    Refused,
    /// Decoded within their segment ([`Route::parse`]).
    Decoded,
}

/// The segments of a resource path: the part after [`RESOURCE_PREFIX`] when present,
/// without query or fragment, without leading and trailing `/`, still percent-encoded.
/// `None` when a segment is empty, `.` or `..`, and, with `Separators::Refused`,
/// when the path has an encoded `/`, `\` or `.`.
pub(crate) fn segments(path: &str, separators: Separators) -> Option<Vec<&str>> {
    // Query and fragment go first, so that a prefix inside a query string cannot
    // stand in for the real path.
    let path = path.split(['?', '#']).next().unwrap_or_default();
    // The prefix counts only once, at the start of the path or right after a URL's
    // host and base path: a second one would let
    // `.../Subscription/6/espi/1_1/resource/Subscription/5` pass as subscription 5.
    let path = match path.find("://") {
        Some(scheme) => {
            let rest = &path[scheme + 3..];
            let after_host = &rest[rest.find('/').unwrap_or(rest.len())..];
            let at = after_host.find(RESOURCE_PREFIX)?;
            &after_host[at + RESOURCE_PREFIX.len()..]
        }
        None => path.strip_prefix(RESOURCE_PREFIX).unwrap_or(path),
    };
    if path.contains(RESOURCE_PREFIX) {
        return None;
    }
    // An encoded slash, backslash or dot would be decoded by some servers after this
    // check: refuse rather than guess what they would route to.
    let lower = path.to_ascii_lowercase();
    if separators == Separators::Refused
        && ["%2f", "%5c", "%2e", "\\"]
            .iter()
            .any(|encoded| lower.contains(encoded))
    {
        return None;
    }
    let path = path.trim_start_matches('/');
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Some(Vec::new());
    }
    let segments: Vec<&str> = path.split('/').collect();
    if segments
        .iter()
        .any(|segment| segment.is_empty() || *segment == "." || *segment == "..")
    {
        return None;
    }
    Some(segments)
}

/// The ids of a request path that matched a row: (placeholder name, id as written).
pub(crate) type Captures<'p> = Vec<(&'static str, &'p str)>;

/// The row `segments` match, with their ids as written.
pub(crate) fn find<'p>(segments: &[&'p str]) -> Option<(&'static Endpoint, Captures<'p>)> {
    ENDPOINTS.iter().find_map(|endpoint| {
        match_row(endpoint.path, segments).map(|captures| (endpoint, captures))
    })
}

/// Matches `segments` against one row's pattern, returning the ids.
fn match_row<'p>(pattern: &'static str, segments: &[&'p str]) -> Option<Captures<'p>> {
    let mut captures = Vec::new();
    let mut pattern_segments = pattern.split('/');
    for segment in segments {
        let expected = pattern_segments.next()?;
        match expected
            .strip_prefix('{')
            .and_then(|name| name.strip_suffix('}'))
        {
            Some(name) => captures.push((name, *segment)),
            None if expected == *segment => {}
            None => return None,
        }
    }
    match pattern_segments.next() {
        Some(_) => None,
        None => Some(captures),
    }
}
