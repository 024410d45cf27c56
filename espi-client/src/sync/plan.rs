//! What to request: the window ([`sync_window`]), the look-ahead
//! ([`block_lookahead`]) and the months ([`plan_months`]), and when a month is done
//! ([`PlannedMonth::is_covered_by`]). Pure functions of the options, the grant and
//! `now`.

use super::store::MonthRecord;
use crate::error::{Error, Result};
use espi_auth::{MonthClock, NamedFrequency, Period, Scope, WindowPolicy, monthly_chunks};
use espi_model::authorization::Authorization;
use espi_model::code_list::AuthorizationStatus;

const DAY: i64 = 86_400;

/// The clock skew tolerated between the client and the Data Custodian by default:
/// five minutes.
pub const DEFAULT_CLOCK_SKEW: i64 = 300;

/// How to sync.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SyncOptions {
    /// The program's window rules (Ameren Share My Usage by default).
    pub policy: WindowPolicy,
    /// The clock months are counted on (UTC by default; the utility's local clock
    /// from its LocalTimeParameters where months must follow it).
    pub month_clock: MonthClock,
    /// Calendar months before the current one re-read on every run (2 by default).
    pub reread_months: u32,
    /// The Authorization resource of the grant, when the caller could read it (it
    /// takes a client or Data Custodian token: [`espi_auth::ENDPOINTS`]).
    pub authorization: Option<Authorization>,
    /// The subscription to sync; when `None`, the feed of the subscription the token's
    /// `resourceURI` names ([`TokenSet::subscription_feed`](crate::TokenSet::subscription_feed),
    /// which reads GBA's `…/resource/Subscription/{id}` form too), else `resourceURI` as
    /// given.
    pub subscription_uri: Option<String>,
    /// Seconds added to each month's `published-max` so that blocks crossing the
    /// month's end are delivered; from the scope's `BlockDuration` when `None`.
    pub block_lookahead: Option<i64>,
    /// Read the UsagePoints, MeterReadings, ReadingTypes and LocalTimeParameters
    /// first (on by default).
    pub fetch_context: bool,
    /// Attempts per month when its response breaks off or fails in a retryable way
    /// (each request has its own retries as well).
    pub month_attempts: u32,
    /// The earliest instant to sync, for a policy without a history limit.
    pub earliest: Option<i64>,
    /// How far, in seconds, the client's clock may be ahead of or behind the Data
    /// Custodian's without failing a sync or losing data ([`DEFAULT_CLOCK_SKEW`]).
    pub clock_skew: i64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            policy: WindowPolicy::ameren_share_my_usage(),
            month_clock: MonthClock::Utc,
            reread_months: 2,
            authorization: None,
            subscription_uri: None,
            block_lookahead: None,
            fetch_context: true,
            month_attempts: 3,
            earliest: None,
            clock_skew: DEFAULT_CLOCK_SKEW,
        }
    }
}

impl SyncOptions {
    /// The default options.
    pub fn new() -> SyncOptions {
        SyncOptions::default()
    }

    /// Uses the Authorization resource's periods and status.
    pub fn with_authorization(mut self, authorization: Authorization) -> SyncOptions {
        self.authorization = Some(authorization);
        self
    }

    /// Re-reads this many months before the current one on every run.
    pub fn with_reread_months(mut self, months: u32) -> SyncOptions {
        self.reread_months = months;
        self
    }

    /// Another program policy.
    pub fn with_policy(mut self, policy: WindowPolicy) -> SyncOptions {
        self.policy = policy;
        self
    }

    /// Counts months on `clock`.
    pub fn with_month_clock(mut self, clock: MonthClock) -> SyncOptions {
        self.month_clock = clock;
        self
    }

    /// Syncs nothing before `earliest` (epoch seconds).
    pub fn with_earliest(mut self, earliest: i64) -> SyncOptions {
        self.earliest = Some(earliest);
        self
    }

    /// Reads a broken month up to `attempts` times.
    pub fn with_month_attempts(mut self, attempts: u32) -> SyncOptions {
        self.month_attempts = attempts.max(1);
        self
    }

    /// Turns the context requests on or off.
    pub fn with_context(mut self, fetch_context: bool) -> SyncOptions {
        self.fetch_context = fetch_context;
        self
    }

    /// Tolerates `seconds` of clock skew between client and Data Custodian.
    pub fn with_clock_skew(mut self, seconds: i64) -> SyncOptions {
        self.clock_skew = seconds.max(0);
        self
    }
}

/// The span to sync, in epoch seconds on the client's clock, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyncWindow {
    /// The first instant.
    pub start: i64,
    /// The end (exclusive): now, or the end of the authorization.
    pub end: i64,
    /// The instant up to which the Data Custodian surely had its data when the run
    /// began: now less the clock skew tolerated (or the end of the authorization). A
    /// request covers its range only up to here.
    pub settled: i64,
    /// The grant instant the window is counted from.
    pub grant: i64,
    /// The clock skew tolerated ([`SyncOptions::clock_skew`]): requests reach this
    /// far before the start and past the end.
    pub skew: i64,
}

/// The window to sync at `now` (see [`sync_subscription`](super::sync_subscription)).
///
/// The grant-based floors (the program's history and the scope's `HistoryLength`)
/// are the earlier of their counts on the month clock and on UTC: the Data Custodian
/// clamps a request to what it permits, so asking a little early is harmless, while
/// data never asked for is lost. A `now` up to [`SyncOptions::clock_skew`] before the
/// grant is taken as the grant.
///
pub(crate) fn sync_window(
    options: &SyncOptions,
    grant: i64,
    scope: Option<&Scope>,
    now: i64,
) -> Result<SyncWindow> {
    let skew = options.clock_skew.max(0);
    let authorization = options.authorization.as_ref();
    if let Some(authorization) = authorization
        && matches!(
            authorization.status,
            Some(AuthorizationStatus::Revoked | AuthorizationStatus::Denied)
        )
    {
        return Err(Error::AuthorizationEnded {
            key: authorization.authorization_uri.clone().unwrap_or_default(),
            reason: format!(
                "the Authorization resource's status is {:?}",
                authorization.status
            ),
        });
    }
    let policy_error = |error| Error::Window(format!("the program's window: {error}"));
    let window = options
        .policy
        .window(grant, &options.month_clock)
        .map_err(policy_error)?;
    let utc_window = options
        .policy
        .window(grant, &MonthClock::Utc)
        .map_err(policy_error)?;
    // The status at the most lenient instant the skew allows: granted if `now` is
    // within the skew before the grant, expired only when it is past the end by more.
    let at = if now.saturating_add(skew) >= grant {
        now.saturating_sub(skew).max(grant)
    } else {
        now
    };
    window
        .permitted(None, None, at)
        .map_err(|reason| Error::Window(format!("nothing may be read at {now}: {reason}")))?;
    let mut end = now;
    let mut settled = now.saturating_sub(skew);
    if let Some(forward_end) = window.forward_end {
        end = end.min(forward_end);
        settled = settled.min(forward_end);
    }
    let earlier = |a: Option<i64>, b: Option<i64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let mut floors: Vec<i64> = earlier(window.history_start, utc_window.history_start)
        .into_iter()
        .chain(options.earliest)
        .collect();
    if let Some(history) = scope.and_then(|scope| scope.history_length) {
        if let Some(seconds) = history.seconds() {
            floors.push(grant.saturating_sub(i64::try_from(seconds).unwrap_or(i64::MAX)));
        } else if let Some(months) = history.months() {
            let months = i32::try_from(months).unwrap_or(i32::MAX);
            let counted = [&options.month_clock, &MonthClock::Utc]
                .into_iter()
                .filter_map(|clock| clock.add_months(grant, -months).ok())
                .min();
            floors.extend(counted);
        }
    }
    if let Some(authorization) = authorization {
        if let Some(start) = authorization
            .published_period
            .as_ref()
            .and_then(|period| period.start)
        {
            floors.push(start);
        }
        if let Some(period) = &authorization.authorized_period
            && period.duration.is_some_and(|duration| duration > 0)
            && let Some(period_end) = period.end()
        {
            end = end.min(period_end);
            settled = settled.min(period_end);
        }
    }
    let start = floors.into_iter().max().ok_or_else(|| {
        Error::Window(
            "the policy has no history limit and no earliest instant was given (SyncOptions::earliest)"
                .to_owned(),
        )
    })?;
    Ok(SyncWindow {
        start,
        end: end.max(start),
        settled: settled.max(start),
        grant,
        skew,
    })
}

/// The look-ahead for a scope: its longest `BlockDuration` (see
/// [`sync_subscription`](super::sync_subscription)).
///
pub(crate) fn block_lookahead(scope: Option<&Scope>) -> i64 {
    let default = 35 * DAY;
    let Some(scope) = scope else {
        return default;
    };
    scope
        .block_duration
        .iter()
        .map(|period| match period {
            Period::Seconds(seconds) => i64::try_from(*seconds).unwrap_or(default),
            Period::Named(NamedFrequency::Daily) => DAY,
            Period::Named(NamedFrequency::Weekly) => 7 * DAY,
            Period::Named(NamedFrequency::Monthly | NamedFrequency::BillingPeriod) => 35 * DAY,
            Period::Named(NamedFrequency::Seasonal) => 92 * DAY,
        })
        .max()
        .unwrap_or(default)
}

/// One month of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlannedMonth {
    /// The month's part of the window, `[start, end)`.
    pub start: i64,
    /// The end (exclusive).
    pub end: i64,
    /// The `published-min` sent: the start, less the clock skew for the window's
    /// first month (the grant it counts from may be on either clock).
    pub request_min: i64,
    /// The `published-max` sent: the end plus the look-ahead, no further than the
    /// window's end plus the clock skew.
    pub request_max: i64,
    /// The end plus the look-ahead, uncut: the month is done once a request covered
    /// its range up to here.
    pub full_max: i64,
    /// What this run's request covers: `request_max`, but no further than the data
    /// settled at the Data Custodian ([`SyncWindow::settled`]).
    pub covers_until: i64,
    /// Whether the month is re-read even when done.
    pub recent: bool,
}

impl PlannedMonth {
    /// Whether an earlier run's records show this month done: a request from its
    /// start (or earlier) covered its whole range, look-ahead included.
    pub(crate) fn is_covered_by(&self, records: &[MonthRecord]) -> bool {
        records.iter().any(|record| {
            record.start <= self.start
                && record.end >= self.end
                && record.covered_until >= self.full_max
        })
    }

    /// The record of this month once its response was read whole.
    pub(crate) fn record(&self, entries: u64, readings: u64, fetched_at: i64) -> MonthRecord {
        MonthRecord {
            start: self.start,
            end: self.end,
            covered_until: self.covers_until,
            entries,
            readings,
            fetched_at,
        }
    }
}

/// The months of a window, with the look-ahead and the recent stretch applied. A
/// month that begins after [`SyncWindow::settled`] is left for a later run: on the
/// Data Custodian's clock it may not have begun, and a request for it would be
/// refused as reaching into the future.
pub(crate) fn plan_months(
    clock: &MonthClock,
    window: &SyncWindow,
    lookahead: i64,
    reread_months: u32,
    now: i64,
) -> Result<Vec<PlannedMonth>> {
    let chunks = monthly_chunks(clock, (window.start, window.end))
        .map_err(|error| Error::Window(format!("cutting the window into months: {error}")))?;
    let month_error = |error| Error::Window(format!("month arithmetic: {error}"));
    let this_month = clock
        .next_month_start(now)
        .and_then(|next| clock.add_months(next, -1))
        .map_err(month_error)?;
    let recent_from = clock
        .add_months(
            this_month,
            -i32::try_from(reread_months).unwrap_or(i32::MAX),
        )
        .map_err(month_error)?;
    Ok(chunks
        .into_iter()
        .filter(|(start, _)| *start < window.settled)
        .map(|(start, end)| {
            let full_max = end.saturating_add(lookahead.max(0));
            let request_max = full_max.min(window.end.saturating_add(window.skew));
            PlannedMonth {
                start,
                end,
                request_min: if start == window.start {
                    start.saturating_sub(window.skew)
                } else {
                    start
                },
                request_max,
                full_max,
                covers_until: request_max.min(window.settled),
                recent: start >= recent_from,
            }
        })
        .collect())
}
