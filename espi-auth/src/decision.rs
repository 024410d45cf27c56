//! One access decision for one request ([`decide`]).

use thiserror::Error;

use crate::endpoint::{Method, Serves};
use crate::function_block::Catalogue;
use crate::lifecycle::{AuthorizationState, Unusable};
use crate::query::{Query, QueryError, QuerySyntax};
use crate::scope::Scope;
use crate::token::{OutOfReach, TokenKind, reach};
use crate::window::{Window, WindowDenial};

/// Everything on the authorization side of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authority<'a> {
    /// The lifecycle state (status, token expiry, authorizedPeriod).
    pub state: &'a AuthorizationState,
    /// The granted scope.
    pub scope: &'a Scope,
    /// The Function Block numbering the scope is written in.
    pub catalogue: Catalogue,
    /// The program's window, applied to the grant.
    pub window: &'a Window,
    /// When the customer revoked, if known (epoch seconds).
    pub revoked_at: Option<i64>,
    /// The third party's last activity, for inactivity rules (epoch seconds).
    pub last_activity: Option<i64>,
    /// The kind of the token presented.
    pub token: TokenKind,
    /// The resource URI the token is bound to ([`TokenKind`]).
    pub bound: &'a str,
}

/// The request side of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessRequest<'a> {
    /// The HTTP method.
    pub method: Method,
    /// The path, relative to `.../espi/1_1/resource` or a full path containing it.
    pub path: &'a str,
    /// The query string without the leading `?` (empty when none).
    pub query: &'a str,
}

/// The outcome of [`decide`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The request may be served, restricted to data in `range`: the clamped
    /// `(published-min, published-max)`, half-open `[min, max)` in epoch seconds;
    /// `min` is `None` only when neither the request nor the window bounds it.
    Allow {
        /// The clamped `(published-min, published-max)`.
        range: (Option<i64>, i64),
    },
    /// The request may not be served.
    Deny(Denial),
}

/// Why a request is denied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Denial {
    /// The authorization or its access token is not usable at `now` (revoked, denied,
    /// expired, or its period has not begun).
    #[error(transparent)]
    Unusable(#[from] Unusable),
    /// The token may not make this request.
    #[error(transparent)]
    Unreachable(#[from] OutOfReach),
    /// The scope grants none of what the endpoint serves.
    #[error("{endpoint} serves {serves}, which the scope does not grant")]
    NotInScope {
        /// The catalogue row of the endpoint.
        endpoint: &'static str,
        /// What the row serves.
        serves: Serves,
    },
    /// A query parameter is malformed or repeated ([`QuerySyntax::Strict`]).
    #[error(transparent)]
    Query(QueryError),
    /// The window leaves no data to serve.
    #[error(transparent)]
    Window(#[from] WindowDenial),
    /// A bulk the scope's `BR` term does not name (the `{bulkId}` of `Batch/Bulk/{bulkId}`
    /// is the `BR=` value of the scope: [`BulkId`](crate::BulkId)).
    #[error("bulk {requested} is not the scope's (BR={granted:?})")]
    BulkNotInScope {
        /// The bulk id of the request.
        requested: String,
        /// The scope's `BR`, if any.
        granted: Option<String>,
    },
}

/// Decides whether `request` may be served under `authorization` at `now`.
///
/// The decision takes everything that bears on a request — the authorization's
/// lifecycle state, its scope, its access window, the token that came with the request
/// and the request itself — and returns [`Access::Allow`] with the data range that may
/// be served, or [`Access::Deny`] with the first [`Denial`] that stops it. The steps,
/// in order:
///
/// 1. **Lifecycle** ([`AuthorizationState::check_usable`]): the authorization must be
///    Active, inside its authorizedPeriod and its access token unexpired at `now`. A
///    revoked, denied or expired authorization reaches nothing, whatever the path.
/// 2. **Token reach** ([`may_reach`](crate::may_reach)): the token kind and the resource URI it is bound
///    to must reach `method path`; a token for one subscription never reaches another
///    subscription's (or a customer's) resources.
/// 3. **Scope**: for a Third Party's token (access, client, registration), the scope
///    must grant what the endpoint serves (its [`Serves`] column), read in the
///    [`Catalogue`] the scope is written in ([`Scope::grants`], from the table
///    [`DATA_KINDS`](crate::data_kind::DATA_KINDS) that [`Scope::explain`] lists the
///    endpoints from): usage rows need a usage-data Function Block, interval rows an
///    interval one, customer (PII) rows a retail-customer one (FB_51–FB_62 in
///    [`Catalogue::Current`], FB_46 and FB_50 in [`Catalogue::Legacy`]); the rows
///    about the Third Party itself need none. A bulk (`{bulkId}`) must be the one the
///    scope's `BR` names ([`BulkId`](crate::BulkId)). The Data Custodian's own tokens (data
///    custodian, upload) carry no customer's consent and are not limited by a scope.
/// 4. **Query** (the query parameters of Function Block 37): the query string is read with
///    [`Query::parse`] in [`QuerySyntax::Strict`]: date-times must be
///    `YYYY-MM-DDThh:mm:ssZ`, the form the standard tells clients to send. A malformed
///    or repeated parameter is [`Denial::Query`]; a minimum after its maximum is
///    [`WindowDenial::InvalidInterval`]. `published-min` and `published-max` are the
///    requested range, `[min, max)`. A server that reads the query itself passes the
///    range to [`decide_range`] instead.
/// 5. **Window** ([`Window::clamp`]): the requested range is intersected with the data
///    the window permits at `now`; when nothing is left, the window's [`WindowDenial`]
///    is the reason.
///
/// The window is given already applied to the grant (build it with
/// [`WindowPolicy::window`](crate::window::WindowPolicy::window)); `revoked_at` and
/// `last_activity` are the window's inputs (Con Edison's inactivity rule needs the
/// latter). Times are epoch seconds; `now` is a parameter, never read from a clock.
///
/// ```
/// use espi_auth::MonthClock;
/// use espi_auth::{decide, Access, Authority, Denial, AccessRequest};
/// use espi_auth::AuthorizationState;
/// use espi_auth::TokenKind;
/// use espi_auth::Method;
/// use espi_auth::WindowPolicy;
/// use espi_auth::{Catalogue, Scope};
///
/// let grant = 1_710_072_000; // 2024-03-10T12:00:00Z
/// let scope = Scope::parse("FB=1_3_4_5_13_14_39;IntervalDuration=3600")?.scope;
/// let state = AuthorizationState::grant(grant, &scope, 3600, None)?;
/// let window = WindowPolicy::ameren_share_my_usage().window(grant, &MonthClock::Utc)?;
/// let authorization = Authority {
///     state: &state,
///     scope: &scope,
///     catalogue: Catalogue::Current,
///     window: &window,
///     revoked_at: None,
///     last_activity: None,
///     token: TokenKind::Access,
///     bound: "https://example.com/DataCustodian/espi/1_1/resource/Batch/Subscription/5",
/// };
/// let request = AccessRequest {
///     method: Method::Get,
///     path: "/espi/1_1/resource/Batch/Subscription/5",
///     query: "published-min=2024-03-01T00:00:00Z&published-max=2024-03-11T00:00:00Z",
/// };
/// // Clamped to `now`, the end of the data that exists.
/// assert_eq!(
///     decide(&authorization, &request, grant + 60),
///     Access::Allow { range: (Some(1_709_251_200), grant + 60) }
/// );
/// let other = AccessRequest { path: "/Batch/Subscription/6", ..request };
/// assert!(matches!(decide(&authorization, &other, grant + 60), Access::Deny(Denial::Unreachable(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide(authorization: &Authority<'_>, request: &AccessRequest<'_>, now: i64) -> Access {
    access(try_decide(
        authorization,
        request,
        || requested_range(request.query),
        now,
    ))
}

/// [`decide`] for a caller that has read the query itself: `requested` is the range
/// asked for, half-open `[min, max)` in epoch seconds (`None` for a bound not given),
/// and takes the place of step 4; `request.query` is not read. A server whose query
/// syntax is wider than step 4's (time-zone offsets, fractions, inclusive bounds)
/// passes what it read, so that the decision and the selection agree.
///
/// ```
/// # use espi_auth::MonthClock;
/// # use espi_auth::{decide_range, Access, Authority, AccessRequest};
/// # use espi_auth::AuthorizationState;
/// # use espi_auth::TokenKind;
/// # use espi_auth::Method;
/// # use espi_auth::WindowPolicy;
/// # use espi_auth::{Catalogue, Scope};
/// # let grant = 1_710_072_000;
/// # let scope = Scope::parse("FB=1_3_4_5_13_14_39;IntervalDuration=3600")?.scope;
/// # let state = AuthorizationState::grant(grant, &scope, 3600, None)?;
/// # let window = WindowPolicy::ameren_share_my_usage().window(grant, &MonthClock::Utc)?;
/// # let authorization = Authority {
/// #     state: &state, scope: &scope, catalogue: Catalogue::Current, window: &window,
/// #     revoked_at: None, last_activity: None, token: TokenKind::Access,
/// #     bound: "https://example.com/DataCustodian/espi/1_1/resource/Batch/Subscription/5",
/// # };
/// let request = AccessRequest { method: Method::Get, path: "Batch/Subscription/5", query: "" };
/// // 2024-03-01T01:00:00+01:00 read as 2024-03-01T00:00:00Z by the server's own parser.
/// assert_eq!(
///     decide_range(&authorization, &request, (Some(1_709_251_200), None), grant + 60),
///     Access::Allow { range: (Some(1_709_251_200), grant + 60) }
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide_range(
    authorization: &Authority<'_>,
    request: &AccessRequest<'_>,
    requested: (Option<i64>, Option<i64>),
    now: i64,
) -> Access {
    access(try_decide(authorization, request, || Ok(requested), now))
}

fn access(decision: Result<(Option<i64>, i64), Denial>) -> Access {
    match decision {
        Ok(range) => Access::Allow { range },
        Err(reason) => Access::Deny(reason),
    }
}

/// [`decide`] with `?`; `requested` reads the range of step 4 once steps 1–3 pass.
fn try_decide(
    authorization: &Authority<'_>,
    request: &AccessRequest<'_>,
    requested: impl FnOnce() -> Result<(Option<i64>, Option<i64>), Denial>,
    now: i64,
) -> Result<(Option<i64>, i64), Denial> {
    authorization.state.check_usable(now)?;
    let (endpoint, ids) = reach(
        authorization.token,
        request.method,
        request.path,
        authorization.bound,
    )?;
    if authorization.token.is_third_party() {
        if !authorization
            .scope
            .grants(endpoint.serves, authorization.catalogue)
        {
            return Err(Denial::NotInScope {
                endpoint: endpoint.path,
                serves: endpoint.serves,
            });
        }
        // A bulk belongs to the Third Party whose scope names it.
        if let Some(&(_, requested)) = ids.iter().find(|(name, _)| *name == "bulkId") {
            let granted = authorization.scope.bulk_id.as_ref().map(|id| id.as_str());
            if granted != Some(requested) {
                return Err(Denial::BulkNotInScope {
                    requested: requested.to_owned(),
                    granted: granted.map(str::to_owned),
                });
            }
        }
    }
    Ok(authorization.clamp(requested()?, now)?)
}

impl Authority<'_> {
    /// The data this authority lets any request see at `now`, whatever range it asks
    /// for: step 5 of [`decide`] without a requested range, `[min, max)` in epoch
    /// seconds. The lifecycle, the token's reach and the scope (steps 1–3) are not
    /// checked here: a server that has a request's [`Access::Allow`] calls this for the
    /// window that restricts the data of its feed, without deciding twice.
    ///
    /// ```
    /// use espi_auth::{Authority, AuthorizationState, Catalogue, MonthClock, Scope};
    /// use espi_auth::{TokenKind, WindowPolicy};
    ///
    /// let grant = 1_710_072_000; // 2024-03-10T12:00:00Z
    /// let scope = Scope::parse("FB=1_3_4_5_13_14_39;HistoryLength=31536000")?.scope;
    /// let state = AuthorizationState::grant(grant, &scope, 3600, None)?;
    /// let window = WindowPolicy::ameren_share_my_usage().window(grant, &MonthClock::Utc)?;
    /// let authorization = Authority {
    ///     state: &state, scope: &scope, catalogue: Catalogue::Current, window: &window,
    ///     revoked_at: None, last_activity: None, token: TokenKind::Access,
    ///     bound: "https://example.com/DataCustodian/espi/1_1/resource/Batch/Subscription/5",
    /// };
    /// // The scope's year of history is shorter than the program's 24 months.
    /// assert_eq!(authorization.permitted(grant + 60), Ok((Some(grant - 31_536_000), grant + 60)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn permitted(&self, now: i64) -> Result<(Option<i64>, i64), WindowDenial> {
        self.clamp((None, None), now)
    }

    /// The requested range intersected with the window and the scope's history.
    fn clamp(
        &self,
        requested: (Option<i64>, Option<i64>),
        now: i64,
    ) -> Result<(Option<i64>, i64), WindowDenial> {
        let (min, max) = self
            .window
            .clamp(self.revoked_at, self.last_activity, requested, now)?;
        // The scope's HistoryLength can be shorter than the program's window: the shorter wins.
        match history_floor(self.scope, self.window.grant) {
            Some(floor) if floor >= max => Err(WindowDenial::BeforeHistoryStart),
            Some(floor) => Ok((Some(min.map_or(floor, |min| min.max(floor))), max)),
            None => Ok((min, max)),
        }
    }
}

/// The `(published-min, published-max)` a query string asks for (step 4).
fn requested_range(query: &str) -> Result<(Option<i64>, Option<i64>), Denial> {
    match Query::parse(query, QuerySyntax::Strict) {
        Ok(query) => Ok((query.published_min, query.published_max)),
        Err(QueryError::EmptyRange { .. }) => Err(Denial::Window(WindowDenial::InvalidInterval)),
        Err(error) => Err(Denial::Query(error)),
    }
}

/// The earliest instant the scope's `HistoryLength` reaches back to from the grant.
/// Seconds are exact; months are counted on UTC calendar months (the window's own
/// clock is not part of the decision inputs), which can differ from the utility's
/// local months by the time-zone offset.
fn history_floor(scope: &Scope, grant: i64) -> Option<i64> {
    let history = scope.history_length?;
    if let Some(seconds) = history.seconds() {
        return Some(grant.saturating_sub(i64::try_from(seconds).unwrap_or(i64::MAX)));
    }
    let months = i32::try_from(history.months()?).ok()?;
    // An instant chrono cannot count months from has no floor here; the window still applies.
    crate::calendar::MonthClock::Utc
        .add_months(grant, -months)
        .ok()
}

#[cfg(test)]
mod tests;
