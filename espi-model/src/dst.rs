//! The 32-bit daylight-saving rule of `LocalTimeParameters` (`DstRuleType`).
//!
//! A rule is a `HexBinary32` whose bit fields name a month, a way of picking a day in
//! that month, and a time of day (espi.xsd `DstRuleType`, whose documentation gives
//! the layout; GBA's daylight-saving-time page gives the same):
//!
//! | Bits  | Field                    | Range                                  |
//! |-------|--------------------------|----------------------------------------|
//! | 28–31 | month                    | 1–12                                   |
//! | 25–27 | operator                 | 0–7, see [`DstOperator`]               |
//! | 20–24 | day of month             | 1–31, 0 = not applicable               |
//! | 17–19 | day of week              | 1 = Monday … 7 = Sunday, 0 = n/a       |
//! | 12–16 | hour                     | 0–23                                   |
//! | 0–11  | seconds within the hour  | 0–3599                                 |
//!
//! `0xFFFFFFFF` ([`DstRule::DISABLED`]) means that DST processing is disabled.
//!
//! This module only decodes, encodes and evaluates one rule on the local calendar;
//! turning a pair of rules into UTC instants is the job of
//! [`crate::local_time::LocalTimeRules`].

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// Field positions and masks of the table above.
const MONTH_SHIFT: u32 = 28;
const MONTH_MASK: u32 = 0xF;
const OPERATOR_SHIFT: u32 = 25;
const OPERATOR_MASK: u32 = 0x7;
const DAY_OF_MONTH_SHIFT: u32 = 20;
const DAY_OF_MONTH_MASK: u32 = 0x1F;
const DAY_OF_WEEK_SHIFT: u32 = 17;
const DAY_OF_WEEK_MASK: u32 = 0x7;
const HOUR_SHIFT: u32 = 12;
const HOUR_MASK: u32 = 0x1F;
const SECONDS_MASK: u32 = 0xFFF;

/// The wire value of an ESPI `DstRuleType` (`HexBinary32`).
///
/// The value is kept exactly as received; [`DstRule::parts`] decodes it and
/// [`DstRule::validate`] checks the field ranges. In serde it is the 8-digit
/// uppercase hex string used in ESPI XML (`"360E2000"`); any case is accepted when
/// deserializing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DstRule(pub u32);

/// How a [`DstRule`] picks the day of its month (bits 25–27).
///
/// "Day of week" and "day of month" are the other two fields of the same rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum DstOperator {
    /// 0: exactly on the day of month; the day of week is not used.
    OnDayOfMonth = 0,
    /// 1: the first day of week falling on or after the day of month.
    OnOrAfterDayOfMonth = 1,
    /// 2: the first occurrence of the day of week in the month.
    First = 2,
    /// 3: the second occurrence of the day of week in the month.
    Second = 3,
    /// 4: the third occurrence of the day of week in the month.
    Third = 4,
    /// 5: the fourth occurrence of the day of week in the month.
    Fourth = 5,
    /// 6: the fifth occurrence of the day of week in the month (the last one when
    /// the month has only four, see [`DstRule::transition`]).
    Fifth = 6,
    /// 7: the last occurrence of the day of week in the month.
    Last = 7,
}

impl DstOperator {
    /// The operator for a 3-bit code (`0..=7`); `None` for any larger value.
    pub fn from_code(code: u8) -> Option<DstOperator> {
        match code {
            0 => Some(DstOperator::OnDayOfMonth),
            1 => Some(DstOperator::OnOrAfterDayOfMonth),
            2 => Some(DstOperator::First),
            3 => Some(DstOperator::Second),
            4 => Some(DstOperator::Third),
            5 => Some(DstOperator::Fourth),
            6 => Some(DstOperator::Fifth),
            7 => Some(DstOperator::Last),
            _ => None,
        }
    }

    /// The 3-bit code of the operator (`0..=7`).
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Whether the rule's day-of-month field is used (operators 0 and 1).
    pub fn uses_day_of_month(self) -> bool {
        matches!(
            self,
            DstOperator::OnDayOfMonth | DstOperator::OnOrAfterDayOfMonth
        )
    }

    /// Whether the rule's day-of-week field is used (every operator but 0).
    pub fn uses_day_of_week(self) -> bool {
        self != DstOperator::OnDayOfMonth
    }
}

impl fmt::Display for DstOperator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            DstOperator::OnDayOfMonth => "on day of month",
            DstOperator::OnOrAfterDayOfMonth => "day of week on or after day of month",
            DstOperator::First => "first day of week",
            DstOperator::Second => "second day of week",
            DstOperator::Third => "third day of week",
            DstOperator::Fourth => "fourth day of week",
            DstOperator::Fifth => "fifth day of week",
            DstOperator::Last => "last day of week",
        };
        write!(f, "{} ({text})", self.code())
    }
}

/// The decoded fields of a [`DstRule`] (see the [module documentation](self)).
///
/// Values straight out of [`DstRule::parts`] are not range-checked: a month of 13
/// decodes as 13. [`DstRule::encode`] checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DstRuleParts {
    /// Month, 1 = January … 12 = December.
    pub month: u8,
    /// How the day is picked.
    pub operator: DstOperator,
    /// Day of month 1–31, used by operators 0 and 1; 0 = not applicable.
    pub day_of_month: u8,
    /// Day of week, 1 = Monday … 7 = Sunday, used by operators 1–7; 0 = not applicable.
    pub day_of_week: u8,
    /// Hour of the transition, 0–23, local wall-clock time.
    pub hour: u8,
    /// Seconds after the hour, 0–3599.
    pub seconds: u16,
}

/// Why a DST rule could not be parsed, encoded or evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DstRuleError {
    /// The hex text contains something other than a hex digit.
    #[error(
        "DST rule must be 8 hex digits: character {found:?} at position {position} is not a hex digit"
    )]
    NotHexDigit {
        /// The offending character.
        found: char,
        /// Its position (in characters) after trimming whitespace.
        position: usize,
    },
    /// The hex text does not have exactly 8 digits.
    #[error("DST rule must be exactly 8 hex digits, found {len}")]
    HexLength {
        /// Number of characters found after trimming whitespace.
        len: usize,
    },
    /// The month is outside 1–12.
    #[error("DST rule month {value} is out of range 1..=12")]
    Month {
        /// The month found.
        value: u8,
    },
    /// The hour is outside 0–23.
    #[error("DST rule hour {value} is out of range 0..=23")]
    Hour {
        /// The hour found.
        value: u8,
    },
    /// The seconds within the hour are outside 0–3599.
    #[error("DST rule seconds within the hour {value} is out of range 0..=3599")]
    Seconds {
        /// The seconds found.
        value: u16,
    },
    /// The day of week is outside the range the operator allows.
    #[error("DST rule day of week {value} is out of range {min}..={max} for operator {operator}")]
    DayOfWeek {
        /// The day of week found.
        value: u8,
        /// Smallest allowed value (1 when the operator uses the field, else 0).
        min: u8,
        /// Largest allowed value.
        max: u8,
        /// The rule's operator.
        operator: DstOperator,
    },
    /// The day of month is outside the range the operator allows.
    #[error("DST rule day of month {value} is out of range {min}..={max} for operator {operator}")]
    DayOfMonth {
        /// The day of month found.
        value: u8,
        /// Smallest allowed value (1 when the operator uses the field, else 0).
        min: u8,
        /// Largest allowed value.
        max: u8,
        /// The rule's operator.
        operator: DstOperator,
    },
    /// Operator 0 names a day the month does not have in that year (31 April, 29 February
    /// in a common year).
    #[error("DST rule day of month {day} does not exist in month {month} of year {year}")]
    NoSuchDay {
        /// The year evaluated.
        year: i32,
        /// The rule's month.
        month: u8,
        /// The rule's day of month.
        day: u8,
    },
    /// The year (or the resulting date) is outside the calendar range chrono supports.
    #[error("DST rule cannot be evaluated for year {year}: outside the supported date range")]
    YearOutOfRange {
        /// The year evaluated.
        year: i32,
    },
}

impl DstRule {
    /// `0xFFFFFFFF`: DST rule processing disabled (espi.xsd `DstRuleType`).
    pub const DISABLED: DstRule = DstRule(0xFFFF_FFFF);

    /// Whether this is [`DstRule::DISABLED`].
    pub fn is_disabled(self) -> bool {
        self == DstRule::DISABLED
    }

    /// Parses the `HexBinary32` text form: exactly 8 hex digits, any case.
    ///
    /// Leading and trailing XML whitespace (space, tab, CR, LF) is ignored, as
    /// `xs:hexBinary` collapses whitespace; anything else, including a `0x` prefix
    /// or a sign, is an error.
    pub fn from_hex(text: &str) -> Result<DstRule, DstRuleError> {
        let digits = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        // Check the characters ourselves: `u32::from_str_radix` would also accept a
        // leading '+', which is not hexBinary.
        if let Some((position, found)) = digits
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_hexdigit())
        {
            return Err(DstRuleError::NotHexDigit { found, position });
        }
        if digits.len() != 8 {
            return Err(DstRuleError::HexLength { len: digits.len() });
        }
        let value =
            u32::from_str_radix(digits, 16).expect("8 ASCII hex digits always fit in a u32");
        Ok(DstRule(value))
    }

    /// The `HexBinary32` text form: 8 uppercase hex digits, e.g. `"360E2000"`.
    pub fn to_hex(&self) -> String {
        format!("{:08X}", self.0)
    }

    /// Decodes the bit fields (the [module documentation](self) has the layout); `None` for [`DstRule::DISABLED`].
    ///
    /// This is pure bit extraction: out-of-range fields (month 13, hour 31) are
    /// returned as they are. Use [`DstRule::validate`] to check them.
    ///
    /// ```
    /// use espi_model::dst::{DstOperator, DstRule};
    ///
    /// // US/Canada DST start: second Sunday of March, 02:00.
    /// let parts = DstRule(0x360E_2000).parts().unwrap();
    /// assert_eq!(parts.month, 3);
    /// assert_eq!(parts.operator, DstOperator::Second);
    /// assert_eq!(parts.day_of_week, 7); // Sunday
    /// assert_eq!((parts.hour, parts.seconds), (2, 0));
    /// assert_eq!(DstRule::DISABLED.parts(), None);
    /// ```
    pub fn parts(self) -> Option<DstRuleParts> {
        if self.is_disabled() {
            return None;
        }
        let v = self.0;
        // Each masked value fits its target type, so the casts cannot truncate.
        let operator_code = ((v >> OPERATOR_SHIFT) & OPERATOR_MASK) as u8;
        Some(DstRuleParts {
            month: ((v >> MONTH_SHIFT) & MONTH_MASK) as u8,
            operator: DstOperator::from_code(operator_code)
                .expect("a 3-bit value is always an operator code"),
            day_of_month: ((v >> DAY_OF_MONTH_SHIFT) & DAY_OF_MONTH_MASK) as u8,
            day_of_week: ((v >> DAY_OF_WEEK_SHIFT) & DAY_OF_WEEK_MASK) as u8,
            hour: ((v >> HOUR_SHIFT) & HOUR_MASK) as u8,
            seconds: (v & SECONDS_MASK) as u16,
        })
    }

    /// Checks the field ranges of the layout: month 1–12, hour ≤ 23,
    /// seconds ≤ 3599, day of week 1–7 when the operator is not 0, day of month 1–31
    /// when the operator is 0 or 1. [`DstRule::DISABLED`] is valid.
    ///
    /// Fields an operator does not use are not checked: the schema calls them
    /// "not applicable", and a rule such as `360E2000` leaves day of month at 0.
    pub fn validate(self) -> Result<(), DstRuleError> {
        match self.parts() {
            None => Ok(()),
            Some(parts) => validate_parts(&parts),
        }
    }

    /// Packs the fields into a rule after checking them as [`DstRule::validate`] does.
    ///
    /// Fields the operator does not use must still fit their bit width (day of month
    /// ≤ 31, day of week ≤ 7), so that decoding gives back the same parts.
    pub fn encode(parts: &DstRuleParts) -> Result<DstRule, DstRuleError> {
        validate_parts(parts)?;
        // Every field is now within its bit width, so no field spills into another,
        // and month ≤ 12 means the result can never be DISABLED.
        let value = (u32::from(parts.month) << MONTH_SHIFT)
            | (u32::from(parts.operator.code()) << OPERATOR_SHIFT)
            | (u32::from(parts.day_of_month) << DAY_OF_MONTH_SHIFT)
            | (u32::from(parts.day_of_week) << DAY_OF_WEEK_SHIFT)
            | (u32::from(parts.hour) << HOUR_SHIFT)
            | u32::from(parts.seconds);
        Ok(DstRule(value))
    }

    /// The local wall-clock date and time at which the rule fires in `year`;
    /// `Ok(None)` for [`DstRule::DISABLED`].
    ///
    /// Whether that wall clock shows standard or daylight time is decided by the
    /// caller ([`crate::local_time::LocalTimeRules`]). Day selection:
    ///
    /// * operator 0: exactly the day of month; [`DstRuleError::NoSuchDay`] if the month
    ///   has no such day in that year (31 April; 29 February in a common year).
    /// * operator 1: the first day of week on or after the day of month. The search
    ///   may run into the next month (or year); a day of month past the end of the
    ///   month is counted on from the month's first day, so "Sunday on or after
    ///   29 February" starts the search on 1 March in a common year.
    /// * operators 2–5: the 1st–4th occurrence of the day of week; every month has
    ///   at least four.
    /// * operator 6: the 5th occurrence; in a month with only four, the **last**
    ///   (4th) one is used. The schema leaves this open; falling back
    ///   rather than failing keeps a rule usable in every year, matching what a
    ///   "fifth Sunday" rule is most likely meant to say.
    /// * operator 7: the last occurrence.
    ///
    /// The rule is validated first, so an invalid rule is an error in every year.
    pub fn transition(self, year: i32) -> Result<Option<NaiveDateTime>, DstRuleError> {
        let Some(parts) = self.parts() else {
            return Ok(None);
        };
        validate_parts(&parts)?;
        let out_of_range = || DstRuleError::YearOutOfRange { year };
        let first =
            NaiveDate::from_ymd_opt(year, u32::from(parts.month), 1).ok_or_else(out_of_range)?;
        let date = match parts.operator {
            DstOperator::OnDayOfMonth => {
                NaiveDate::from_ymd_opt(year, u32::from(parts.month), u32::from(parts.day_of_month))
                    .ok_or(DstRuleError::NoSuchDay {
                        year,
                        month: parts.month,
                        day: parts.day_of_month,
                    })?
            }
            DstOperator::OnOrAfterDayOfMonth => {
                let from = first
                    .checked_add_days(Days::new(u64::from(parts.day_of_month) - 1))
                    .ok_or_else(out_of_range)?;
                let ahead = days_until(from, parts.day_of_week);
                from.checked_add_days(Days::new(ahead))
                    .ok_or_else(out_of_range)?
            }
            DstOperator::First
            | DstOperator::Second
            | DstOperator::Third
            | DstOperator::Fourth
            | DstOperator::Fifth => {
                // Operator 2 is the 1st occurrence, …, 6 the 5th.
                let nth = u64::from(parts.operator.code() - 1);
                let first_match = 1 + days_until(first, parts.day_of_week);
                let mut day = first_match + 7 * (nth - 1);
                if day > u64::from(days_in_month(first)) {
                    // Only a 5th occurrence can miss; fall back to the 4th (= last).
                    day -= 7;
                }
                first.with_day(day as u32).ok_or_else(out_of_range)?
            }
            DstOperator::Last => {
                let last = first
                    .with_day(days_in_month(first))
                    .ok_or_else(out_of_range)?;
                let back = (7 + u64::from(last.weekday().number_from_monday())
                    - u64::from(parts.day_of_week))
                    % 7;
                // Going back at most 6 days from day 28..=31 stays in the month.
                last.checked_sub_days(Days::new(back))
                    .ok_or_else(out_of_range)?
            }
        };
        let seconds = u32::from(parts.hour) * 3600 + u32::from(parts.seconds);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, 0)
            .expect("hour <= 23 and seconds <= 3599 is within one day");
        Ok(Some(date.and_time(time)))
    }
}

/// Range checks shared by [`DstRule::validate`] and [`DstRule::encode`].
fn validate_parts(parts: &DstRuleParts) -> Result<(), DstRuleError> {
    if !(1..=12).contains(&parts.month) {
        return Err(DstRuleError::Month { value: parts.month });
    }
    if parts.hour > 23 {
        return Err(DstRuleError::Hour { value: parts.hour });
    }
    if parts.seconds > 3599 {
        return Err(DstRuleError::Seconds {
            value: parts.seconds,
        });
    }
    let operator = parts.operator;
    // An unused field may be 0 ("not applicable") or anything that fits its bits.
    let dow_min = u8::from(operator.uses_day_of_week());
    if !(dow_min..=7).contains(&parts.day_of_week) {
        return Err(DstRuleError::DayOfWeek {
            value: parts.day_of_week,
            min: dow_min,
            max: 7,
            operator,
        });
    }
    let dom_min = u8::from(operator.uses_day_of_month());
    if !(dom_min..=31).contains(&parts.day_of_month) {
        return Err(DstRuleError::DayOfMonth {
            value: parts.day_of_month,
            min: dom_min,
            max: 31,
            operator,
        });
    }
    Ok(())
}

/// Days from `date` forward to the next `day_of_week` (1 = Monday … 7 = Sunday),
/// 0 if `date` already is one.
fn days_until(date: NaiveDate, day_of_week: u8) -> u64 {
    (7 + u64::from(day_of_week) - u64::from(date.weekday().number_from_monday())) % 7
}

/// Number of days in the month of `first` (a first of month).
fn days_in_month(first: NaiveDate) -> u32 {
    // The last valid day among 31, 30, 29, 28; every month has a 28th.
    (28..=31)
        .rev()
        .find(|&day| first.with_day(day).is_some())
        .unwrap_or(28)
}

impl fmt::Display for DstRule {
    /// The 8-digit uppercase hex form, as in ESPI XML.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08X}", self.0)
    }
}

impl FromStr for DstRule {
    type Err = DstRuleError;

    /// Same as [`DstRule::from_hex`].
    fn from_str(text: &str) -> Result<DstRule, DstRuleError> {
        DstRule::from_hex(text)
    }
}

#[cfg(feature = "serde")]
impl Serialize for DstRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for DstRule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DstRule, D::Error> {
        struct HexVisitor;

        impl serde::de::Visitor<'_> for HexVisitor {
            type Value = DstRule;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a DST rule as 8 hex digits")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<DstRule, E> {
                DstRule::from_hex(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(HexVisitor)
    }
}

#[cfg(test)]
mod tests;
