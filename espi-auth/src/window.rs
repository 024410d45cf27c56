//! Access windows: how far back and forward data may be served ([`WindowPolicy`], [`Window`]).

use espi_model::interval::DateTimeInterval;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::{CalendarError, MonthClock};

/// Seconds in a day, for inactivity limits given in days.
const SECONDS_PER_DAY: i64 = 86_400;

/// How the forward part of a window (from the grant on) ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ForwardRule {
    /// A number of calendar months after the grant (Ameren: 24).
    Months(u16),
    /// An instant (epoch seconds) chosen by the customer (PG&E).
    Until(i64),
    /// No end: until revoked (`authorizedPeriod` duration 0).
    OpenEnded,
}

/// A utility program's access-window rules: which data a third party may read.
///
/// A [`WindowPolicy`] states a program's rules; [`WindowPolicy::window`] applies them
/// to a grant time on a [`MonthClock`] and gives a [`Window`], which answers:
///
/// * the Authorization's `publishedPeriod` and `authorizedPeriod`
///   ([`Window::published_period`], [`Window::authorized_period`]);
/// * whether a data interval may be served at `now` ([`Window::may_serve`]);
/// * the clamp of a requested `published-min`/`published-max` range
///   ([`Window::clamp`]);
/// * the calendar-month chunks a client should request ([`monthly_chunks`]).
///
/// # Decisions
///
/// * **Half-open ranges.** Every range is `[start, end)` in epoch seconds: a start is
///   inclusive and an end exclusive, as in `DateTimeInterval::contains`.
/// * **The permitted data** at `now` is `[grant − history, min(now, grant + forward,
///   revoked))`. Data after `now` does not exist yet.
/// * **An ended authorization reaches nothing.** Once revoked, withdrawn for inactivity
///   or past the end of its forward window, an authorization gives access to no data,
///   historical data included (at expiry the Authorization's `status` becomes 0,
///   Revoked, and a revoked authorization reaches nothing). Revocation is honoured whatever
///   [`WindowPolicy::revocable`] says: that field only tells a consent page whether the
///   customer may end the authorization early. When several ends have passed, the
///   earliest is the reason; at the same instant, revocation comes before withdrawal,
///   and withdrawal before expiry.
/// * **Before the grant** nothing may be served.
/// * **Inactivity** (Con Edison's Share My Data FAQ: withdrawn if the third party is
///   inactive more than 45 days) is counted from `last_activity`, or from the grant if
///   the third party has not been active yet. The authorization is withdrawn from
///   `last_activity + days × 86 400 s` on; at whole-second resolution this reads "more
///   than 45 days" conservatively (one second early).
/// * **Unlimited history** ([`WindowPolicy::history_months`] `None`) has no
///   `publishedPeriod` and no lower bound; ranges then have an open start (`None`).
///
/// ```
/// use espi_auth::MonthClock;
/// use espi_auth::{WindowDenial, WindowPolicy};
///
/// let grant = 1_710_072_000; // 2024-03-10T12:00:00Z
/// let window = WindowPolicy::ameren_share_my_usage().window(grant, &MonthClock::Utc)?;
/// assert_eq!(window.history_start, Some(1_646_913_600)); // 2022-03-10T12:00:00Z
/// assert_eq!(window.forward_end, Some(1_773_144_000)); // 2026-03-10T12:00:00Z
/// let now = grant + 86_400;
/// let day_before_grant = (grant - 86_400, grant);
/// assert_eq!(window.may_serve(None, None, day_before_grant, now), Ok(()));
/// assert_eq!(
///     window.may_serve(Some(grant + 3_600), None, day_before_grant, now),
///     Err(WindowDenial::Revoked)
/// );
/// # Ok::<(), espi_auth::WindowError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WindowPolicy {
    /// Calendar months of history before the grant; `None` for no limit.
    pub history_months: Option<u16>,
    /// How the forward window ends.
    pub forward: ForwardRule,
    /// Whether the customer may revoke before the end. Informational: a revocation
    /// that happened is always honoured (see [`WindowPolicy`]).
    pub revocable: bool,
    /// Days of third-party inactivity after which the authorization is withdrawn;
    /// `None` for no such rule.
    pub inactivity_withdrawal_days: Option<u16>,
}

impl Default for WindowPolicy {
    /// [`WindowPolicy::ameren_share_my_usage`].
    fn default() -> Self {
        WindowPolicy::ameren_share_my_usage()
    }
}

impl WindowPolicy {
    /// Ameren Illinois Share My Usage, the default (<https://www.ameren.com/partners/account-and-data/share-my-usage>): up to 24
    /// calendar months of history before the authorization, then 24 calendar months
    /// forward, ended early by revocation.
    ///
    /// ```
    /// use espi_auth::{ForwardRule, WindowPolicy};
    /// let ameren = WindowPolicy::ameren_share_my_usage();
    /// assert_eq!(ameren.history_months, Some(24));
    /// assert_eq!(ameren.forward, ForwardRule::Months(24));
    /// assert_eq!(ameren, WindowPolicy::default());
    /// ```
    pub fn ameren_share_my_usage() -> Self {
        WindowPolicy {
            history_months: Some(24),
            forward: ForwardRule::Months(24),
            revocable: true,
            inactivity_withdrawal_days: None,
        }
    }

    /// PG&E Share My Data (PG&E's Share My Data help pages): up to 48 months of history, then
    /// ongoing data until the end date the customer specifies (`end`, epoch seconds),
    /// cancellable at any time.
    pub fn pge_share_my_data(end: i64) -> Self {
        WindowPolicy {
            history_months: Some(48),
            forward: ForwardRule::Until(end),
            revocable: true,
            inactivity_withdrawal_days: None,
        }
    }

    /// Con Edison Share My Data (its FAQ for third parties): 2 years (24 months) of history,
    /// withdrawn after 45 days of third-party inactivity. No forward limit is
    /// published, so the forward window is open-ended.
    pub fn con_edison() -> Self {
        WindowPolicy {
            history_months: Some(24),
            forward: ForwardRule::OpenEnded,
            revocable: true,
            inactivity_withdrawal_days: Some(45),
        }
    }

    /// No limits: unlimited history, open-ended forward, ended only by revocation.
    pub fn open_ended() -> Self {
        WindowPolicy {
            history_months: None,
            forward: ForwardRule::OpenEnded,
            revocable: true,
            inactivity_withdrawal_days: None,
        }
    }

    /// Applies the policy to a grant time (epoch seconds), counting months on `clock`.
    pub fn window(&self, grant: i64, clock: &MonthClock) -> Result<Window, WindowError> {
        let history_start = match self.history_months {
            Some(months) => Some(clock.add_months(grant, -i32::from(months))?),
            None => None,
        };
        let forward_end = match self.forward {
            ForwardRule::Months(months) => Some(clock.add_months(grant, i32::from(months))?),
            ForwardRule::Until(end) => Some(end),
            ForwardRule::OpenEnded => None,
        };
        // A customer-chosen end at or before the grant leaves no forward window: say so
        // now rather than when the authorizedPeriod is asked for.
        if let Some(end) = forward_end
            && end <= grant
        {
            return Err(WindowError::EmptyForwardWindow { grant, end });
        }
        Ok(Window {
            grant,
            history_start,
            forward_end,
            inactivity_limit: self
                .inactivity_withdrawal_days
                .map(|days| i64::from(days) * SECONDS_PER_DAY),
        })
    }
}

/// Why a window or one of its ESPI intervals could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum WindowError {
    /// The month arithmetic failed.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A period is longer than a `DateTimeInterval` duration (UInt32 seconds, about
    /// 136 years) can hold.
    #[error("period of {seconds} s does not fit a UInt32 duration")]
    DurationTooLong {
        /// The period's length in seconds.
        seconds: i64,
    },
    /// The forward window is empty (its end is not after the grant); an
    /// `authorizedPeriod` of duration 0 would mean open-ended, so it has none.
    #[error("the forward window ends at {end}, not after the grant at {grant}")]
    EmptyForwardWindow {
        /// The grant, epoch seconds.
        grant: i64,
        /// The forward end, epoch seconds.
        end: i64,
    },
}

/// A policy applied to one grant: the instants that bound access (epoch seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    /// When the authorization was granted.
    pub grant: i64,
    /// The earliest data that may be served (inclusive); `None` for no limit.
    pub history_start: Option<i64>,
    /// When the forward window, and so the authorization, ends (exclusive); `None`
    /// for open-ended.
    pub forward_end: Option<i64>,
    /// Seconds of inactivity after which the authorization is withdrawn.
    pub inactivity_limit: Option<i64>,
}

/// Why data may not be served.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Error)]
pub enum WindowDenial {
    /// `now` is before the grant.
    #[error("the authorization has not been granted yet")]
    NotYetGranted,
    /// The customer revoked the authorization at or before `now`.
    #[error("the authorization was revoked")]
    Revoked,
    /// The third party was inactive for too long (Con Edison).
    #[error("the authorization was withdrawn for third-party inactivity")]
    WithdrawnForInactivity,
    /// The forward window ended at or before `now`.
    #[error("the authorization has expired")]
    Expired,
    /// The data interval ends before it starts.
    #[error("the data interval ends before it starts")]
    InvalidInterval,
    /// The data starts before the history window.
    #[error("the data starts before the history window")]
    BeforeHistoryStart,
    /// The data reaches past the end of the forward window.
    #[error("the data reaches past the forward window")]
    AfterForwardWindow,
    /// The data reaches past `now`.
    #[error("the data reaches into the future")]
    InFuture,
}

impl Window {
    /// `Authorization.publishedPeriod`: `[grant − history, grant)`.
    /// `Ok(None)` for unlimited history, which has no start to publish.
    ///
    /// Fails with [`WindowError::DurationTooLong`] if the history does not fit a UInt32
    /// duration (never for the presets: 48 months is about 1.5 × 10⁸ s).
    pub fn published_period(&self) -> Result<Option<DateTimeInterval>, WindowError> {
        let Some(start) = self.history_start else {
            return Ok(None);
        };
        Ok(Some(DateTimeInterval::new(
            start,
            duration(start, self.grant)?,
        )))
    }

    /// `Authorization.authorizedPeriod`: `[grant, forward end)`;
    /// duration 0 for an open-ended window.
    ///
    /// Fails with [`WindowError::DurationTooLong`] if the window does not fit a UInt32
    /// duration (longer than about 136 years), and with
    /// [`WindowError::EmptyForwardWindow`] if it ends at or before the grant, since
    /// duration 0 would read as open-ended.
    pub fn authorized_period(&self) -> Result<DateTimeInterval, WindowError> {
        let Some(end) = self.forward_end else {
            return Ok(DateTimeInterval::new(self.grant, 0));
        };
        if end <= self.grant {
            return Err(WindowError::EmptyForwardWindow {
                grant: self.grant,
                end,
            });
        }
        Ok(DateTimeInterval::new(
            self.grant,
            duration(self.grant, end)?,
        ))
    }

    /// Whether the authorization itself still gives access at `now`: `Err` with the
    /// reason if it has not been granted yet or has ended (see
    /// [`WindowPolicy`] for the order of reasons).
    pub fn status_at(
        &self,
        revoked_at: Option<i64>,
        last_activity: Option<i64>,
        now: i64,
    ) -> Result<(), WindowDenial> {
        if now < self.grant {
            return Err(WindowDenial::NotYetGranted);
        }
        let withdrawn_at = self.inactivity_limit.map(|limit| {
            last_activity
                .unwrap_or(self.grant)
                .max(self.grant)
                .saturating_add(limit)
        });
        let ends = [
            (revoked_at, WindowDenial::Revoked),
            (withdrawn_at, WindowDenial::WithdrawnForInactivity),
            (self.forward_end, WindowDenial::Expired),
        ];
        let mut earliest: Option<(i64, WindowDenial)> = None;
        for (at, reason) in ends {
            let Some(at) = at else { continue };
            if at > now {
                continue;
            }
            // Strictly earlier only: at equal instants the first in the list wins.
            if earliest.is_none_or(|(seen, _)| at < seen) {
                earliest = Some((at, reason));
            }
        }
        match earliest {
            Some((_, reason)) => Err(reason),
            None => Ok(()),
        }
    }

    /// The data that may be served at `now`: `[grant − history, min(now, grant +
    /// forward, revoked))`, as `(start, end)` with `start`
    /// `None` for unlimited history; or why nothing may be.
    pub fn permitted(
        &self,
        revoked_at: Option<i64>,
        last_activity: Option<i64>,
        now: i64,
    ) -> Result<(Option<i64>, i64), WindowDenial> {
        self.status_at(revoked_at, last_activity, now)?;
        // `status_at` has rejected every end at or before `now`, so this minimum is
        // `now`; it is computed in full to keep the rule of [`WindowPolicy`] visible.
        let mut end = now;
        for limit in [self.forward_end, revoked_at].into_iter().flatten() {
            end = end.min(limit);
        }
        Ok((self.history_start, end))
    }

    /// Whether the data interval `[start, end)` (epoch seconds) may be served at `now`:
    /// `Ok(())`, or why not.
    ///
    /// The start is inclusive and the end exclusive: data from exactly the history
    /// start may be served, and data ending exactly at `now` or at the forward end.
    /// A zero-length interval at `start` is treated as the instant `start`.
    pub fn may_serve(
        &self,
        revoked_at: Option<i64>,
        last_activity: Option<i64>,
        (start, end): (i64, i64),
        now: i64,
    ) -> Result<(), WindowDenial> {
        self.status_at(revoked_at, last_activity, now)?;
        if end < start {
            return Err(WindowDenial::InvalidInterval);
        }
        if self.history_start.is_some_and(|first| start < first) {
            return Err(WindowDenial::BeforeHistoryStart);
        }
        if self
            .forward_end
            .is_some_and(|last| end > last || start >= last)
        {
            return Err(WindowDenial::AfterForwardWindow);
        }
        if end > now || start >= now {
            return Err(WindowDenial::InFuture);
        }
        Ok(())
    }

    /// The intersection of a requested range (`published-min`/`published-max`, `None`
    /// for a bound not given) with the data permitted at `now` ([`Self::permitted`]).
    ///
    /// Returns `(min, max)`, with `min` `None` only when neither the request nor the
    /// policy bounds it. Fails with the reason nothing may be served, or with the bound
    /// the request lies wholly beyond ([`WindowDenial::BeforeHistoryStart`],
    /// [`WindowDenial::InFuture`]), or [`WindowDenial::InvalidInterval`] when the request
    /// itself is empty or inverted.
    pub fn clamp(
        &self,
        revoked_at: Option<i64>,
        last_activity: Option<i64>,
        (requested_min, requested_max): (Option<i64>, Option<i64>),
        now: i64,
    ) -> Result<(Option<i64>, i64), WindowDenial> {
        let (first, end) = self.permitted(revoked_at, last_activity, now)?;
        if let (Some(min), Some(max)) = (requested_min, requested_max)
            && max <= min
        {
            return Err(WindowDenial::InvalidInterval);
        }
        let min = match (requested_min, first) {
            (Some(requested), Some(first)) => Some(requested.max(first)),
            (requested, first) => requested.or(first),
        };
        let max = requested_max.map_or(end, |requested| requested.min(end));
        if let (Some(first), Some(requested)) = (first, requested_max)
            && requested <= first
        {
            return Err(WindowDenial::BeforeHistoryStart);
        }
        if min.is_some_and(|min| min >= max) {
            return Err(WindowDenial::InFuture);
        }
        Ok((min, max))
    }
}

/// The calendar-month chunks, on `clock`, that cover `[start, end)` exactly: sorted,
/// without gaps or overlaps, each within one calendar month. The first chunk runs from
/// `start` to the next start of a month (00:00 on the 1st on `clock`), the last from the
/// start of its month to `end` (partial). Empty when `end <= start`.
///
/// Fails when the clock cannot be evaluated ([`CalendarError::LocalTime`]), or with
/// [`CalendarError::OutOfRange`] outside chrono's date range or if the next month
/// start would not lie after the current one (possible only with DST offsets close
/// to a day).
///
/// ```
/// use espi_auth::MonthClock;
/// use espi_auth::monthly_chunks;
///
/// // 2024-01-15T00:00Z to 2024-03-10T00:00Z.
/// let chunks = monthly_chunks(&MonthClock::Utc, (1_705_276_800, 1_710_028_800))?;
/// assert_eq!(
///     chunks,
///     vec![
///         (1_705_276_800, 1_706_745_600), // 15 Jan – 1 Feb
///         (1_706_745_600, 1_709_251_200), // February
///         (1_709_251_200, 1_710_028_800), // 1 Mar – 10 Mar
///     ]
/// );
/// # Ok::<(), espi_auth::CalendarError>(())
/// ```
pub fn monthly_chunks(
    clock: &MonthClock,
    (start, end): (i64, i64),
) -> Result<Vec<(i64, i64)>, CalendarError> {
    let mut chunks = Vec::new();
    let mut cursor = start;
    while cursor < end {
        let next = clock.next_month_start(cursor)?;
        if next <= cursor {
            // Only clocks whose DST offset is close to a day could do this.
            return Err(CalendarError::OutOfRange {
                instant: cursor,
                months: 1,
            });
        }
        let chunk_end = next.min(end);
        chunks.push((cursor, chunk_end));
        cursor = chunk_end;
    }
    Ok(chunks)
}

/// `end − start` as a UInt32 duration.
fn duration(start: i64, end: i64) -> Result<u32, WindowError> {
    let seconds = end.saturating_sub(start);
    u32::try_from(seconds).map_err(|_| WindowError::DurationTooLong { seconds })
}

#[cfg(test)]
mod tests;
