//! Local time from ESPI `LocalTimeParameters` (espi.xsd `TimeConfiguration`).
//!
//! ESPI timestamps are UTC epoch seconds; a usage point's `LocalTimeParameters` say how
//! to show them on the customer's wall clock: a standard offset from UTC, a DST
//! offset, and two [`DstRule`]s saying when DST starts and ends each year.
//!
//! # Decisions where the standard is silent
//!
//! * **Which clock a rule's time of day is read on.** It is the local wall-clock time
//!   in force *before* the transition: local standard time for the start rule, local
//!   daylight time for the end rule. With `360E2000`/`B40E2000`, `tzOffset` −18000 and
//!   `dstOffset` 3600 this gives US law (02:00 EST → 03:00 EDT in March, 02:00 EDT →
//!   01:00 EST in November), and `3E0E2000`/`AE0E3000` with +3600 gives the EU's
//!   01:00 UTC for both changes.
//! * **No DST.** If either rule is [`DstRule::DISABLED`], or both rules are the same
//!   value, DST is never in force and the offset is always `tz_offset`.
//! * **Start after end in the year (southern hemisphere).** The schema asks for the
//!   computed end to be later than the computed start, which rules out a DST period
//!   that spans New Year. Rules such as "start first Sunday of October, end first
//!   Sunday of April" are still accepted and mean what such a utility would mean: DST
//!   is in force outside `[end, start)` of each year.
//! * **Validation.** Every method checks the whole value first (both rules and all
//!   offsets, see [`LocalTimeRules::validate`]), even a part the answer would not use,
//!   so a bad value fails the same way whatever instant is asked about.

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDateTime};

use crate::dst::{DstRule, DstRuleError};

/// Offsets must be strictly inside one day for chrono's [`FixedOffset`].
const MAX_OFFSET: i64 = 86_399;

/// The `LocalTimeParameters` of a usage point (espi.xsd `TimeConfiguration`).
///
/// All offsets are in seconds. See the [module documentation](self) for how the
/// rules are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LocalTimeRules {
    /// Standard offset from UTC, excluding DST (`tzOffset`), e.g. −18000 for US Eastern.
    pub tz_offset: i64,
    /// Seconds added to `tz_offset` while DST is in force (`dstOffset`), e.g. 3600.
    pub dst_offset: i64,
    /// When DST starts each year (`dstStartRule`).
    pub dst_start: DstRule,
    /// When DST ends each year (`dstEndRule`).
    pub dst_end: DstRule,
}

/// Why local time could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    /// A DST rule is invalid, or names a day that does not exist in the year asked about.
    #[error("{which} rule {rule}: {source}")]
    InvalidRule {
        /// `"dst_start"` or `"dst_end"`.
        which: &'static str,
        /// The rule's wire value.
        rule: DstRule,
        /// What is wrong with it.
        #[source]
        source: DstRuleError,
    },
    /// An offset chrono's [`FixedOffset`] cannot represent (|offset| ≥ 86400 s).
    #[error("{field} of {value} s is out of range -86399..=86399")]
    OffsetOutOfRange {
        /// `"tz_offset"`, `"dst_offset"` or `"tz_offset + dst_offset"`.
        field: &'static str,
        /// The offending value.
        value: i64,
    },
    /// A UTC instant (or its local time) is outside chrono's date range.
    #[error("UTC instant {utc} s is outside the supported date range")]
    InstantOutOfRange {
        /// The instant, in seconds since the Unix epoch.
        utc: i64,
    },
    /// A local date-time whose UTC instant is outside chrono's date range.
    #[error("local time {local} is outside the supported date range")]
    LocalOutOfRange {
        /// The local date-time asked about.
        local: NaiveDateTime,
    },
    /// The DST rules cannot be evaluated for a year outside chrono's date range.
    #[error("DST rules cannot be evaluated for year {year}: outside the supported date range")]
    YearOutOfRange {
        /// The year asked about (or needed for an instant near the end of the range).
        year: i32,
    },
}

impl LocalTimeRules {
    /// Checks both rules ([`DstRule::validate`]) and the offsets: `tz_offset`,
    /// `dst_offset` and their sum must each lie in −86399..=86399 s, the range of
    /// chrono's [`FixedOffset`].
    pub fn validate(&self) -> Result<(), LocalTimeError> {
        for (which, rule) in [("dst_start", self.dst_start), ("dst_end", self.dst_end)] {
            rule.validate()
                .map_err(|source| LocalTimeError::InvalidRule {
                    which,
                    rule,
                    source,
                })?;
        }
        check_offset("tz_offset", self.tz_offset)?;
        check_offset("dst_offset", self.dst_offset)?;
        // Both are within a day now, so the sum cannot overflow.
        check_offset("tz_offset + dst_offset", self.tz_offset + self.dst_offset)?;
        Ok(())
    }

    /// Whether the rules describe DST at all: `false` if either rule is
    /// [`DstRule::DISABLED`] or both rules are the same value.
    pub fn has_dst(&self) -> bool {
        !self.dst_start.is_disabled()
            && !self.dst_end.is_disabled()
            && self.dst_start != self.dst_end
    }

    /// UTC epoch seconds of the DST start and end computed from the rules for the
    /// local calendar `year`; `Ok(None)` when there is no DST ([`Self::has_dst`]).
    ///
    /// The start rule's time is read on local standard time and the end rule's on
    /// local daylight time (see the [module documentation](self)).
    ///
    /// `start > end` describes a southern-hemisphere year: DST is in force from the
    /// year's beginning until `end`, and again from `start` on. The schema asks for
    /// end later than start (espi.xsd `TimeConfiguration`), but such rules are supported.
    pub fn dst_period_utc(&self, year: i32) -> Result<Option<(i64, i64)>, LocalTimeError> {
        self.validate()?;
        self.period_utc(year)
    }

    /// The total offset from UTC in force at `utc` (epoch seconds): `tz_offset`, plus
    /// `dst_offset` while DST is in force.
    pub fn offset_at(&self, utc: i64) -> Result<i64, LocalTimeError> {
        Ok(if self.is_dst(utc)? {
            self.tz_offset + self.dst_offset
        } else {
            self.tz_offset
        })
    }

    /// Whether DST is in force at `utc` (epoch seconds) according to the rules.
    ///
    /// This is about the rules only: with a `dst_offset` of 0 it can be `true` while
    /// the offset does not change.
    pub fn is_dst(&self, utc: i64) -> Result<bool, LocalTimeError> {
        self.validate()?;
        let standard_year = DateTime::from_timestamp(utc, 0)
            .and_then(|instant| {
                instant
                    .naive_utc()
                    .checked_add_offset(fixed(self.tz_offset))
            })
            .ok_or(LocalTimeError::InstantOutOfRange { utc })?
            .year();
        // The last transition at or before `utc` decides. Looking at transitions
        // rather than at "start <= utc < end" handles both hemispheres and the turn of
        // the year alike. A year's transitions can lie outside that year in UTC (an
        // offset moves them by up to a day; "on or after 31 December" can fall in
        // January), so take the years around it: those of `standard_year - 2` are
        // always before `utc`, and none of `standard_year + 2` can be.
        let mut last: Option<(i64, bool)> = None;
        for year in standard_year - 2..=standard_year + 1 {
            let period = match self.period_utc(year) {
                // A fixed day the year lacks (29 February, op 0) means no change that
                // year; the other years still decide.
                Err(LocalTimeError::InvalidRule {
                    source: DstRuleError::NoSuchDay { .. },
                    ..
                }) => continue,
                other => other?,
            };
            let Some((start, end)) = period else {
                return Ok(false); // no DST at all
            };
            for (instant, starts_dst) in [(start, true), (end, false)] {
                if instant > utc {
                    continue;
                }
                // At equal instants the end wins: a zero-length DST period is no DST.
                let later = match last {
                    None => true,
                    Some((seen, _)) => instant > seen || (instant == seen && !starts_dst),
                };
                if later {
                    last = Some((instant, starts_dst));
                }
            }
        }
        Ok(matches!(last, Some((_, true))))
    }

    /// The wall-clock date-time at `utc` (epoch seconds), with the offset in force.
    ///
    /// ```
    /// use espi_model::dst::DstRule;
    /// use espi_model::local_time::LocalTimeRules;
    ///
    /// // The values of every Green Button sample: US Eastern time.
    /// let eastern = LocalTimeRules {
    ///     tz_offset: -18000,
    ///     dst_offset: 3600,
    ///     dst_start: DstRule(0x360E_2000),
    ///     dst_end: DstRule(0xB40E_2000),
    /// };
    /// // 2024-07-01T12:00:00Z is 08:00 EDT; 2024-01-15T12:00:00Z is 07:00 EST.
    /// assert_eq!(eastern.to_local(1_719_835_200)?.to_rfc3339(), "2024-07-01T08:00:00-04:00");
    /// assert_eq!(eastern.to_local(1_705_320_000)?.to_rfc3339(), "2024-01-15T07:00:00-05:00");
    /// # Ok::<(), espi_model::local_time::LocalTimeError>(())
    /// ```
    pub fn to_local(&self, utc: i64) -> Result<DateTime<FixedOffset>, LocalTimeError> {
        at_offset(utc, self.offset_at(utc)?)
    }

    /// The date-time at `utc` (epoch seconds) on standard time: `tz_offset` alone,
    /// whatever the DST rules say. Only the offset is checked, so this works when a
    /// DST rule does not decode and [`Self::to_local`] fails; the result is the right
    /// instant, shown on the clock the utility keeps outside DST.
    ///
    /// ```
    /// use espi_model::dst::DstRule;
    /// use espi_model::local_time::LocalTimeRules;
    ///
    /// // A DST start rule that holds epoch seconds (2024-03-10T07:00:00Z) instead.
    /// let broken = LocalTimeRules {
    ///     tz_offset: -18000,
    ///     dst_offset: 3600,
    ///     dst_start: DstRule(0x65ED_5A70),
    ///     dst_end: DstRule(0x6727_1F70),
    /// };
    /// assert!(broken.to_local(1_719_835_200).is_err());
    /// assert_eq!(broken.to_standard(1_719_835_200)?.to_rfc3339(), "2024-07-01T07:00:00-05:00");
    /// # Ok::<(), espi_model::local_time::LocalTimeError>(())
    /// ```
    pub fn to_standard(&self, utc: i64) -> Result<DateTime<FixedOffset>, LocalTimeError> {
        check_offset("tz_offset", self.tz_offset)?;
        at_offset(utc, self.tz_offset)
    }

    /// The instant(s) a local wall-clock date-time stands for.
    ///
    /// * `Single` for an ordinary time;
    /// * `Ambiguous(earliest, latest)` for a time the clock shows twice, when it is
    ///   turned back at the end of DST (with a positive `dst_offset`, earliest is the
    ///   daylight-time reading);
    /// * `None` for a time the clock skips when it is turned forward at the start of
    ///   DST.
    ///
    /// Sub-second precision of `local` is kept.
    pub fn from_local(
        &self,
        local: NaiveDateTime,
    ) -> Result<LocalResult<DateTime<FixedOffset>>, LocalTimeError> {
        self.validate()?;
        let standard = self.tz_offset;
        let daylight = self.tz_offset + self.dst_offset;
        // The offset only ever takes these two values, so `local` can only stand for
        // `local - standard` or `local - daylight`; each reading holds if that offset
        // is the one in force at the instant it gives.
        let readings: &[i64] = if self.has_dst() && standard != daylight {
            &[standard, daylight]
        } else {
            &[standard]
        };
        let mut found: Vec<DateTime<FixedOffset>> = Vec::with_capacity(2);
        for &offset in readings {
            let fixed_offset = fixed(offset);
            let utc = local
                .checked_sub_offset(fixed_offset)
                .ok_or(LocalTimeError::LocalOutOfRange { local })?;
            // Whole seconds decide: transitions are on whole seconds and
            // `timestamp` rounds towards the past.
            if self.offset_at(utc.and_utc().timestamp())? == offset {
                found.push(DateTime::from_naive_utc_and_offset(utc, fixed_offset));
            }
        }
        found.sort();
        Ok(match found.as_slice() {
            [] => LocalResult::None,
            [only] => LocalResult::Single(*only),
            [earliest, latest, ..] => LocalResult::Ambiguous(*earliest, *latest),
        })
    }

    /// [`Self::dst_period_utc`] for rules already validated.
    fn period_utc(&self, year: i32) -> Result<Option<(i64, i64)>, LocalTimeError> {
        if !self.has_dst() {
            return Ok(None);
        }
        let (Some(start), Some(end)) = (
            local_transition("dst_start", self.dst_start, year)?,
            local_transition("dst_end", self.dst_end, year)?,
        ) else {
            return Ok(None); // unreachable: has_dst() means neither rule is disabled
        };
        // The schema leaves the clock open; we read each rule on the clock in
        // force before the change (module documentation). Offsets are validated and
        // chrono timestamps are far from i64's limits, so this cannot overflow.
        let start_utc = start.and_utc().timestamp() - self.tz_offset;
        let end_utc = end.and_utc().timestamp() - (self.tz_offset + self.dst_offset);
        Ok(Some((start_utc, end_utc)))
    }
}

/// [`DstRule::transition`] with its errors sorted into [`LocalTimeError`]s.
fn local_transition(
    which: &'static str,
    rule: DstRule,
    year: i32,
) -> Result<Option<NaiveDateTime>, LocalTimeError> {
    rule.transition(year).map_err(|source| match source {
        DstRuleError::YearOutOfRange { year } => LocalTimeError::YearOutOfRange { year },
        source => LocalTimeError::InvalidRule {
            which,
            rule,
            source,
        },
    })
}

fn check_offset(field: &'static str, value: i64) -> Result<(), LocalTimeError> {
    if (-MAX_OFFSET..=MAX_OFFSET).contains(&value) {
        Ok(())
    } else {
        Err(LocalTimeError::OffsetOutOfRange { field, value })
    }
}

/// The instant `utc` shown at a checked `offset`.
fn at_offset(utc: i64, offset: i64) -> Result<DateTime<FixedOffset>, LocalTimeError> {
    let offset = fixed(offset);
    let out_of_range = LocalTimeError::InstantOutOfRange { utc };
    let instant = DateTime::from_timestamp(utc, 0).ok_or(out_of_range.clone())?;
    // chrono's `DateTime::naive_local` panics when the local time falls outside its
    // range, so refuse such an instant here rather than hand it out.
    if instant.naive_utc().checked_add_offset(offset).is_none() {
        return Err(out_of_range);
    }
    Ok(instant.with_timezone(&offset))
}

/// A [`FixedOffset`] for an offset already checked by [`LocalTimeRules::validate`].
fn fixed(offset: i64) -> FixedOffset {
    i32::try_from(offset)
        .ok()
        .and_then(FixedOffset::east_opt)
        .expect("offsets are validated to lie within one day")
}

#[cfg(test)]
mod tests;
