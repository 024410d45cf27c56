//! Calendar months on UTC or the utility's local clock ([`MonthClock`]).

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime};
use espi_model::local_time::{LocalTimeError, LocalTimeRules};
use thiserror::Error;

/// Why a calendar computation failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// The local clock's rules are invalid or cannot be evaluated at this instant.
    #[error("local clock: {0}")]
    LocalTime(#[from] LocalTimeError),
    /// The instant, or the result of the arithmetic, is outside chrono's date range.
    #[error("instant {instant} s plus {months} months is outside the supported date range")]
    OutOfRange {
        /// The starting instant, epoch seconds.
        instant: i64,
        /// The months added.
        months: i32,
    },
}

/// Adds `months` calendar months (negative to go back) to a wall-clock date-time,
/// clamping the day to the last day of the target month (see
/// [`MonthClock`]). The time of day is kept.
///
/// `None` when the result is outside chrono's date range.
///
/// ```
/// use chrono::NaiveDate;
/// use espi_auth::add_months;
///
/// let at = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(0, 0, 0).unwrap();
/// assert_eq!(add_months(at(2023, 1, 31), 1), Some(at(2023, 2, 28)));
/// assert_eq!(add_months(at(2024, 2, 29), 12), Some(at(2025, 2, 28)));
/// assert_eq!(add_months(at(2024, 3, 31), -1), Some(at(2024, 2, 29)));
/// ```
pub fn add_months(date_time: NaiveDateTime, months: i32) -> Option<NaiveDateTime> {
    let date = add_months_to_date(date_time.date(), months)?;
    Some(date.and_time(date_time.time()))
}

/// [`add_months`] for a date.
pub fn add_months_to_date(date: NaiveDate, months: i32) -> Option<NaiveDate> {
    // Count months from year 0 in i64 so no intermediate step can overflow.
    let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = u32::try_from(index.rem_euclid(12)).ok()? + 1;
    let day = date.day().min(days_in_month(year, month)?);
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The number of days in `month` (1–12) of `year`; `None` for an invalid month or a
/// year outside chrono's range.
///
/// ```
/// use espi_auth::days_in_month;
/// assert_eq!(days_in_month(2024, 2), Some(29));
/// assert_eq!(days_in_month(2100, 2), Some(28));
/// assert_eq!(days_in_month(2023, 12), Some(31));
/// ```
pub fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let (next_year, next_month) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month + 1)
    };
    let next = NaiveDate::from_ymd_opt(next_year, next_month, 1)?;
    u32::try_from(next.signed_duration_since(first).num_days()).ok()
}

/// The clock on which calendar months are counted, for the access windows
/// ([`WindowPolicy`](crate::WindowPolicy)).
///
/// Utility programs state their windows in calendar months ("up to 24 months of
/// historical data", Ameren Illinois' Share My Usage), not in seconds, so the windows of
/// [`Window`](crate::Window) are computed here, on a stated clock.
///
/// # Rules
///
/// * **End of month.** Adding months keeps the day of month and the time of day. When
///   the target month is shorter, the day is clamped to the last day of the target
///   month: 31 January + 1 month is 29 February in a leap year and 28 February
///   otherwise; 29 February + 12 months is 28 February. The clamp is not undone
///   later: 31 January + 1 month + 1 month is 28/29 March, while 31 January + 2 months
///   is 31 March.
/// * **Negative months** count backwards by the same rule (31 March − 1 month is
///   28/29 February).
/// * **Which clock.** Months are counted on a [`MonthClock`]: either UTC, or the
///   utility's local wall clock from its `LocalTimeParameters` (espi.xsd `TimeConfiguration`).
///   On the local clock, an instant is turned into local wall time, the months are
///   added to the wall time, and the result is turned back into an instant:
///   - a wall time the clock skips when DST starts (e.g. 02:30 on the US spring-forward
///     day) moves forward by the gap (to 03:30 daylight time): it is read with the
///     offset in force before the gap;
///   - a wall time the clock shows twice when DST ends takes the earlier instant (the
///     daylight-time reading with a positive `dstOffset`).
///
/// ```
/// use chrono::NaiveDate;
/// use espi_auth::add_months;
///
/// let jan_31 = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// let feb_29 = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap().and_hms_opt(12, 0, 0).unwrap();
/// assert_eq!(add_months(jan_31, 1), Some(feb_29));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MonthClock {
    /// Months counted on UTC: an instant keeps its UTC time of day.
    Utc,
    /// Months counted on the utility's local wall clock, from the usage point's
    /// `LocalTimeParameters` (espi.xsd `TimeConfiguration`): an instant keeps its local time
    /// of day.
    Local(LocalTimeRules),
}

impl MonthClock {
    /// Adds `months` calendar months to the epoch-second `instant`, on this clock.
    ///
    /// ```
    /// use espi_auth::MonthClock;
    ///
    /// // 2024-01-31T12:00:00Z + 1 month on UTC = 2024-02-29T12:00:00Z.
    /// assert_eq!(MonthClock::Utc.add_months(1_706_702_400, 1), Ok(1_709_208_000));
    /// ```
    pub fn add_months(&self, instant: i64, months: i32) -> Result<i64, CalendarError> {
        let out_of_range = CalendarError::OutOfRange { instant, months };
        let wall = self.wall_time(instant)?.ok_or(out_of_range.clone())?;
        let moved = add_months(wall, months).ok_or(out_of_range.clone())?;
        self.instant_of(moved)?.ok_or(out_of_range)
    }

    /// The start (00:00 on the 1st, on this clock) of the calendar month after the one
    /// containing `instant`. Used to cut a range into calendar months.
    pub fn next_month_start(&self, instant: i64) -> Result<i64, CalendarError> {
        let out_of_range = CalendarError::OutOfRange { instant, months: 1 };
        let wall = self.wall_time(instant)?.ok_or(out_of_range.clone())?;
        let first = wall.date().with_day(1).ok_or(out_of_range.clone())?;
        let next = add_months_to_date(first, 1).ok_or(out_of_range.clone())?;
        self.instant_of(next.and_time(NaiveTime::MIN))?
            .ok_or(out_of_range)
    }

    /// The wall-clock date-time of `instant` on this clock; `None` out of range.
    fn wall_time(&self, instant: i64) -> Result<Option<NaiveDateTime>, CalendarError> {
        Ok(match self {
            MonthClock::Utc => DateTime::from_timestamp(instant, 0).map(|at| at.naive_utc()),
            MonthClock::Local(rules) => Some(rules.to_local(instant)?.naive_local()),
        })
    }

    /// The instant a wall-clock date-time stands for on this clock; skipped times move
    /// forward by the gap, repeated times take the earlier instant. `None` out of range.
    fn instant_of(&self, wall: NaiveDateTime) -> Result<Option<i64>, CalendarError> {
        let MonthClock::Local(rules) = self else {
            return Ok(Some(wall.and_utc().timestamp()));
        };
        Ok(match rules.from_local(wall)? {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at.timestamp()),
            LocalResult::None => {
                // The clock jumps forward from the smaller offset to the larger one;
                // reading the skipped time with the offset before the jump (the smaller)
                // gives the instant that shows as the wall time plus the gap.
                let before = rules.tz_offset.min(rules.tz_offset + rules.dst_offset);
                wall.and_utc().timestamp().checked_sub(before)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use espi_model::dst::DstRule;
    use proptest::prelude::*;

    fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .expect("valid test date")
    }

    fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> i64 {
        at(year, month, day, hour, minute).and_utc().timestamp()
    }

    /// US Central: tzOffset −21600, dstOffset 3600, second Sunday of March to first
    /// Sunday of November at 02:00.
    fn central() -> MonthClock {
        MonthClock::Local(LocalTimeRules {
            tz_offset: -21_600,
            dst_offset: 3_600,
            dst_start: DstRule(0x360E_2000),
            dst_end: DstRule(0xB40E_2000),
        })
    }

    #[test]
    fn end_of_month_clamps() {
        assert_eq!(
            add_months(at(2024, 1, 31, 9, 0), 1),
            Some(at(2024, 2, 29, 9, 0))
        );
        assert_eq!(
            add_months(at(2023, 1, 31, 9, 0), 1),
            Some(at(2023, 2, 28, 9, 0))
        );
        assert_eq!(
            add_months(at(2100, 1, 31, 9, 0), 1),
            Some(at(2100, 2, 28, 9, 0))
        );
        assert_eq!(
            add_months(at(2000, 1, 31, 9, 0), 1),
            Some(at(2000, 2, 29, 9, 0))
        );
        assert_eq!(
            add_months(at(2024, 5, 31, 9, 0), 1),
            Some(at(2024, 6, 30, 9, 0))
        );
        // The clamp is not undone by a later step.
        let twice = add_months(at(2023, 1, 31, 0, 0), 1).and_then(|d| add_months(d, 1));
        assert_eq!(twice, Some(at(2023, 3, 28, 0, 0)));
        assert_eq!(
            add_months(at(2023, 1, 31, 0, 0), 2),
            Some(at(2023, 3, 31, 0, 0))
        );
    }

    #[test]
    fn leap_days() {
        assert_eq!(
            add_months(at(2024, 2, 29, 0, 0), 12),
            Some(at(2025, 2, 28, 0, 0))
        );
        assert_eq!(
            add_months(at(2024, 2, 29, 0, 0), 48),
            Some(at(2028, 2, 29, 0, 0))
        );
        assert_eq!(
            add_months(at(2024, 2, 29, 0, 0), -12),
            Some(at(2023, 2, 28, 0, 0))
        );
        assert_eq!(
            add_months(at(2024, 2, 29, 0, 0), 24),
            Some(at(2026, 2, 28, 0, 0))
        );
    }

    #[test]
    fn negative_months_and_year_boundaries() {
        assert_eq!(
            add_months(at(2024, 3, 31, 0, 0), -1),
            Some(at(2024, 2, 29, 0, 0))
        );
        assert_eq!(
            add_months(at(2024, 1, 15, 0, 0), -1),
            Some(at(2023, 12, 15, 0, 0))
        );
        assert_eq!(
            add_months(at(2024, 3, 10, 7, 0), -24),
            Some(at(2022, 3, 10, 7, 0))
        );
        assert_eq!(
            add_months(at(2024, 12, 15, 0, 0), 1),
            Some(at(2025, 1, 15, 0, 0))
        );
        assert_eq!(
            add_months(at(2024, 6, 15, 0, 0), 0),
            Some(at(2024, 6, 15, 0, 0))
        );
        assert_eq!(add_months(at(2024, 6, 15, 0, 0), i32::MAX), None);
        assert_eq!(add_months(at(2024, 6, 15, 0, 0), i32::MIN), None);
    }

    #[test]
    fn days_in_month_values() {
        assert_eq!(days_in_month(2024, 2), Some(29));
        assert_eq!(days_in_month(2023, 2), Some(28));
        assert_eq!(days_in_month(2023, 4), Some(30));
        assert_eq!(days_in_month(2023, 0), None);
        assert_eq!(days_in_month(2023, 13), None);
    }

    #[test]
    fn utc_clock_keeps_utc_time_of_day() {
        let grant = utc(2024, 3, 10, 12, 0);
        assert_eq!(
            MonthClock::Utc.add_months(grant, -24),
            Ok(utc(2022, 3, 10, 12, 0))
        );
        assert_eq!(
            MonthClock::Utc.add_months(grant, 24),
            Ok(utc(2026, 3, 10, 12, 0))
        );
        assert!(MonthClock::Utc.add_months(i64::MAX, 1).is_err());
    }

    #[test]
    fn local_clock_keeps_local_time_of_day_across_dst() {
        // 2024-03-10T12:00Z is 07:00 CDT (DST began at 08:00Z that day).
        let grant = utc(2024, 3, 10, 12, 0);
        // 2022-03-10 07:00 is CST (DST began 13 March 2022): 13:00Z.
        assert_eq!(
            central().add_months(grant, -24),
            Ok(utc(2022, 3, 10, 13, 0))
        );
        // 2026-03-10 07:00 is CDT (DST begins 8 March 2026): 12:00Z.
        assert_eq!(central().add_months(grant, 24), Ok(utc(2026, 3, 10, 12, 0)));
        // January (CST) to July (CDT): same wall time, one hour less in UTC.
        assert_eq!(
            central().add_months(utc(2024, 1, 15, 18, 0), 6),
            Ok(utc(2024, 7, 15, 17, 0))
        );
    }

    #[test]
    fn skipped_local_time_moves_forward_by_the_gap() {
        // 2024-02-10 02:30 CST (08:30Z) + 1 month = 2024-03-10 02:30, which the clock
        // skips; it becomes 03:30 CDT = 08:30Z.
        let start = utc(2024, 2, 10, 8, 30);
        assert_eq!(central().add_months(start, 1), Ok(utc(2024, 3, 10, 8, 30)));
    }

    #[test]
    fn repeated_local_time_takes_the_earlier_instant() {
        // 2024-10-03 01:30 CDT (06:30Z) + 1 month = 2024-11-03 01:30, shown twice;
        // the earlier is 01:30 CDT = 06:30Z (the later would be 07:30Z).
        let start = utc(2024, 10, 3, 6, 30);
        assert_eq!(central().add_months(start, 1), Ok(utc(2024, 11, 3, 6, 30)));
    }

    #[test]
    fn next_month_start_on_each_clock() {
        let mid_march = utc(2024, 3, 15, 12, 0);
        assert_eq!(
            MonthClock::Utc.next_month_start(mid_march),
            Ok(utc(2024, 4, 1, 0, 0))
        );
        // Local midnight 1 April CDT = 05:00Z.
        assert_eq!(
            central().next_month_start(mid_march),
            Ok(utc(2024, 4, 1, 5, 0))
        );
        // 2024-04-01T03:00Z is still 31 March 22:00 CDT locally.
        assert_eq!(
            central().next_month_start(utc(2024, 4, 1, 3, 0)),
            Ok(utc(2024, 4, 1, 5, 0))
        );
        assert_eq!(
            MonthClock::Utc.next_month_start(utc(2024, 12, 31, 23, 59)),
            Ok(utc(2025, 1, 1, 0, 0))
        );
    }

    #[test]
    fn invalid_local_rules_are_errors() {
        let bad = MonthClock::Local(LocalTimeRules {
            tz_offset: 100_000,
            dst_offset: 0,
            dst_start: DstRule::DISABLED,
            dst_end: DstRule::DISABLED,
        });
        assert!(matches!(
            bad.add_months(0, 1),
            Err(CalendarError::LocalTime(_))
        ));
    }

    proptest! {
        #[test]
        fn months_are_monotonic(
            instant in -3_000_000_000i64..5_000_000_000,
            months in -600i32..600,
            local in any::<bool>(),
        ) {
            let clock = if local { central() } else { MonthClock::Utc };
            let a = clock.add_months(instant, months).unwrap();
            let b = clock.add_months(instant, months + 1).unwrap();
            prop_assert!(a < b, "{} + {} months = {}, + 1 more = {}", instant, months, a, b);
        }

        #[test]
        fn adding_then_subtracting_never_overshoots(
            days in -50_000i64..50_000,
            months in -600i32..600,
        ) {
            let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()
                + chrono::Duration::days(days);
            let there = add_months_to_date(date, months).unwrap();
            let back = add_months_to_date(there, -months).unwrap();
            // Same month; the day can only have been clamped down.
            prop_assert_eq!((back.year(), back.month()), (date.year(), date.month()));
            prop_assert!(back.day() <= date.day());
        }
    }
}
