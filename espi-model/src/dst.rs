//! The 32-bit daylight-saving rule of `LocalTimeParameters` (`DstRuleType`).
//!
//! A rule is a `HexBinary32` whose bit fields name a month, a way of picking a day in
//! that month, and a time of day (espi-reference §4.9):
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
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// Field positions and masks, espi-reference §4.9 ("Decode"/"Encode").
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

/// The wire value of an ESPI `DstRuleType` (`HexBinary32`, espi-reference §4.9).
///
/// The value is kept exactly as received; [`DstRule::parts`] decodes it and
/// [`DstRule::validate`] checks the field ranges. In serde it is the 8-digit
/// uppercase hex string used in ESPI XML (`"360E2000"`); any case is accepted when
/// deserializing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DstRule(pub u32);

/// How a [`DstRule`] picks the day of its month (bits 25–27, espi-reference §4.9).
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

/// The decoded fields of a [`DstRule`] (espi-reference §4.9).
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
    /// `0xFFFFFFFF`: DST rule processing disabled (espi-reference §4.9).
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

    /// Decodes the bit fields (espi-reference §4.9); `None` for [`DstRule::DISABLED`].
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

    /// Checks the field ranges of espi-reference §4.9: month 1–12, hour ≤ 23,
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
    ///   (4th) one is used. espi-reference §4.9 leaves this open; falling back
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

impl Serialize for DstRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

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
mod tests {
    use super::*;
    use chrono::Weekday;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, min, 0).unwrap()
    }

    /// nth (1-based) `weekday` of a month, computed with chrono only.
    fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> NaiveDate {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).unwrap()
    }

    /// Last `weekday` of a month, computed with chrono only.
    fn last_weekday(year: i32, month: u32, weekday: Weekday) -> NaiveDate {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, 5)
            .unwrap_or_else(|| nth_weekday(year, month, weekday, 4))
    }

    fn parts(
        month: u8,
        operator: DstOperator,
        day_of_month: u8,
        day_of_week: u8,
        hour: u8,
        seconds: u16,
    ) -> DstRuleParts {
        DstRuleParts {
            month,
            operator,
            day_of_month,
            day_of_week,
            hour,
            seconds,
        }
    }

    #[test]
    fn worked_values_decode_as_documented() {
        // espi-reference §4.9 "Worked values".
        let cases = [
            (0x360E_2000, parts(3, DstOperator::Second, 0, 7, 2, 0)),
            (0xB40E_2000, parts(11, DstOperator::First, 0, 7, 2, 0)),
            (0x380A_1A8C, parts(3, DstOperator::Third, 0, 5, 1, 2700)),
            (
                0x328E_2000,
                parts(3, DstOperator::OnOrAfterDayOfMonth, 8, 7, 2, 0),
            ),
            (0x3E0E_2000, parts(3, DstOperator::Last, 0, 7, 2, 0)),
            (0xAE0E_3000, parts(10, DstOperator::Last, 0, 7, 3, 0)),
        ];
        for (value, expected) in cases {
            let rule = DstRule(value);
            assert_eq!(rule.parts(), Some(expected), "{rule}");
            assert_eq!(rule.validate(), Ok(()), "{rule}");
            assert_eq!(DstRule::encode(&expected), Ok(rule), "{rule}");
            assert_eq!(DstRule::encode(&rule.parts().unwrap()), Ok(rule));
        }
    }

    #[test]
    fn disabled_rule() {
        let rule = DstRule::from_hex("FFFFFFFF").unwrap();
        assert_eq!(rule, DstRule::DISABLED);
        assert!(rule.is_disabled());
        assert!(!DstRule(0x360E_2000).is_disabled());
        assert_eq!(rule.parts(), None);
        assert_eq!(rule.validate(), Ok(()));
        assert_eq!(rule.transition(2024), Ok(None));
    }

    #[test]
    fn hex_text_forms() {
        assert_eq!(DstRule::from_hex("360E2000"), Ok(DstRule(0x360E_2000)));
        assert_eq!(DstRule::from_hex("b40e2000"), Ok(DstRule(0xB40E_2000)));
        assert_eq!(
            DstRule::from_hex(" \n\t380a1A8c\r\n"),
            Ok(DstRule(0x380A_1A8C))
        );
        assert_eq!(DstRule::from_hex("00000000"), Ok(DstRule(0)));
        assert_eq!("AE0E3000".parse::<DstRule>(), Ok(DstRule(0xAE0E_3000)));
        assert_eq!(DstRule(0xB40E_2000).to_hex(), "B40E2000");
        assert_eq!(DstRule(0x1).to_hex(), "00000001");
        assert_eq!(DstRule(0x3E0E_2000).to_string(), "3E0E2000");
    }

    #[test]
    fn hex_errors_say_what_is_wrong() {
        assert_eq!(
            DstRule::from_hex(""),
            Err(DstRuleError::HexLength { len: 0 })
        );
        assert_eq!(
            DstRule::from_hex("360E200"),
            Err(DstRuleError::HexLength { len: 7 })
        );
        assert_eq!(
            DstRule::from_hex("360E20000"),
            Err(DstRuleError::HexLength { len: 9 })
        );
        assert_eq!(
            DstRule::from_hex("0x360E2000"),
            Err(DstRuleError::NotHexDigit {
                found: 'x',
                position: 1
            })
        );
        assert_eq!(
            DstRule::from_hex("+360E200"),
            Err(DstRuleError::NotHexDigit {
                found: '+',
                position: 0
            })
        );
        assert_eq!(
            DstRule::from_hex("360E 2000"),
            Err(DstRuleError::NotHexDigit {
                found: ' ',
                position: 4
            })
        );
        assert_eq!(
            DstRule::from_hex("360É200"),
            Err(DstRuleError::NotHexDigit {
                found: 'É',
                position: 3
            })
        );
        let message = DstRule::from_hex("360E200").unwrap_err().to_string();
        assert_eq!(message, "DST rule must be exactly 8 hex digits, found 7");
    }

    #[test]
    fn serde_uses_uppercase_hex_string() {
        let json = serde_json::to_string(&DstRule(0x360E_2000)).unwrap();
        assert_eq!(json, "\"360E2000\"");
        let back: DstRule = serde_json::from_str("\"b40e2000\"").unwrap();
        assert_eq!(back, DstRule(0xB40E_2000));
        assert!(serde_json::from_str::<DstRule>("\"B40E200\"").is_err());
        assert!(serde_json::from_str::<DstRule>("12345").is_err());
    }

    #[test]
    fn validate_reports_field_value_and_range() {
        // Month 0 and 13..15 (0xF would be DISABLED only with every other bit set).
        assert_eq!(
            DstRule(0x060E_2000).validate(),
            Err(DstRuleError::Month { value: 0 })
        );
        assert_eq!(
            DstRule(0xD60E_2000).validate(),
            Err(DstRuleError::Month { value: 13 })
        );
        assert_eq!(
            DstRule(0x360F_8000).validate(),
            Err(DstRuleError::Hour { value: 24 })
        );
        assert_eq!(
            DstRule(0x360E_2E10).validate(),
            Err(DstRuleError::Seconds { value: 3600 })
        );
        // Operator 3 with day of week 0.
        assert_eq!(
            DstRule(0x3600_2000).validate(),
            Err(DstRuleError::DayOfWeek {
                value: 0,
                min: 1,
                max: 7,
                operator: DstOperator::Second
            })
        );
        // Operator 1 with day of month 0.
        assert_eq!(
            DstRule(0x320E_2000).validate(),
            Err(DstRuleError::DayOfMonth {
                value: 0,
                min: 1,
                max: 31,
                operator: DstOperator::OnOrAfterDayOfMonth
            })
        );
        // Operator 0 with day of month 0.
        assert!(DstRule(0x3000_2000).validate().is_err());
        // Operator 0 ignores the day of week.
        assert_eq!(DstRule(0x310E_2000).validate(), Ok(()));
        let message = DstRule(0xD60E_2000).validate().unwrap_err().to_string();
        assert_eq!(message, "DST rule month 13 is out of range 1..=12");
        let message = DstRule(0x3600_2000).validate().unwrap_err().to_string();
        assert_eq!(
            message,
            "DST rule day of week 0 is out of range 1..=7 for operator 3 (second day of week)"
        );
    }

    #[test]
    fn encode_rejects_fields_that_do_not_fit() {
        let good = parts(3, DstOperator::Second, 0, 7, 2, 0);
        assert_eq!(
            DstRule::encode(&DstRuleParts { month: 13, ..good }),
            Err(DstRuleError::Month { value: 13 })
        );
        assert_eq!(
            DstRule::encode(&DstRuleParts { hour: 24, ..good }),
            Err(DstRuleError::Hour { value: 24 })
        );
        assert_eq!(
            DstRule::encode(&DstRuleParts {
                seconds: 3600,
                ..good
            }),
            Err(DstRuleError::Seconds { value: 3600 })
        );
        assert!(
            DstRule::encode(&DstRuleParts {
                day_of_week: 8,
                ..good
            })
            .is_err()
        );
        // Unused but too wide for its 5 bits.
        assert_eq!(
            DstRule::encode(&DstRuleParts {
                day_of_month: 32,
                ..good
            }),
            Err(DstRuleError::DayOfMonth {
                value: 32,
                min: 0,
                max: 31,
                operator: DstOperator::Second
            })
        );
        let on_day = parts(4, DstOperator::OnDayOfMonth, 1, 8, 2, 0);
        assert!(DstRule::encode(&on_day).is_err());
    }

    #[test]
    fn operator_codes_round_trip() {
        for code in 0..=7 {
            assert_eq!(DstOperator::from_code(code).unwrap().code(), code);
        }
        assert_eq!(DstOperator::from_code(8), None);
    }

    #[test]
    fn us_rules_match_independent_calendar_2000_to_2040() {
        for year in 2000..=2040 {
            let second_sunday_march = nth_weekday(year, 3, Weekday::Sun, 2);
            let first_sunday_november = nth_weekday(year, 11, Weekday::Sun, 1);
            let start = second_sunday_march.and_hms_opt(2, 0, 0).unwrap();
            let end = first_sunday_november.and_hms_opt(2, 0, 0).unwrap();
            assert_eq!(DstRule(0x360E_2000).transition(year), Ok(Some(start)));
            assert_eq!(DstRule(0x328E_2000).transition(year), Ok(Some(start)));
            assert_eq!(DstRule(0xB40E_2000).transition(year), Ok(Some(end)));
        }
    }

    #[test]
    fn eu_and_other_operators_match_independent_calendar_2000_to_2040() {
        for year in 2000..=2040 {
            let last_sun_march = last_weekday(year, 3, Weekday::Sun);
            let last_sun_october = last_weekday(year, 10, Weekday::Sun);
            assert_eq!(
                DstRule(0x3E0E_2000).transition(year),
                Ok(Some(last_sun_march.and_hms_opt(2, 0, 0).unwrap()))
            );
            assert_eq!(
                DstRule(0xAE0E_3000).transition(year),
                Ok(Some(last_sun_october.and_hms_opt(3, 0, 0).unwrap()))
            );
            // Third Friday of March, 01:45 (the schema's own example).
            assert_eq!(
                DstRule(0x380A_1A8C).transition(year),
                Ok(Some(
                    nth_weekday(year, 3, Weekday::Fri, 3)
                        .and_hms_opt(1, 45, 0)
                        .unwrap()
                ))
            );
            // Operator 0: 1 April 02:00 every year.
            let april_first =
                DstRule::encode(&parts(4, DstOperator::OnDayOfMonth, 1, 0, 2, 0)).unwrap();
            assert_eq!(april_first.transition(year), Ok(Some(at(year, 4, 1, 2, 0))));
            // Every operator 2..=5 for every weekday in a 31-day and a 28/29-day month.
            for (op, n) in [
                (DstOperator::First, 1),
                (DstOperator::Second, 2),
                (DstOperator::Third, 3),
                (DstOperator::Fourth, 4),
            ] {
                for dow in 1..=7u8 {
                    let weekday = Weekday::try_from(dow - 1).unwrap();
                    for month in [2u8, 8] {
                        let rule = DstRule::encode(&parts(month, op, 0, dow, 0, 0)).unwrap();
                        let expected = nth_weekday(year, u32::from(month), weekday, n);
                        assert_eq!(
                            rule.transition(year),
                            Ok(Some(expected.and_hms_opt(0, 0, 0).unwrap()))
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn on_or_after_counts_the_day_itself() {
        // 2024-03-10 is a Sunday: "Sunday on or after 10 March" is that day,
        // "on or after 11 March" is a week later.
        let on_10 = DstRule::encode(&parts(3, DstOperator::OnOrAfterDayOfMonth, 10, 7, 2, 0));
        let on_11 = DstRule::encode(&parts(3, DstOperator::OnOrAfterDayOfMonth, 11, 7, 2, 0));
        assert_eq!(
            on_10.unwrap().transition(2024),
            Ok(Some(at(2024, 3, 10, 2, 0)))
        );
        assert_eq!(
            on_11.unwrap().transition(2024),
            Ok(Some(at(2024, 3, 17, 2, 0)))
        );
        // It may run into the next month: Sunday on or after 30 April 2024 is 5 May.
        let late = DstRule::encode(&parts(4, DstOperator::OnOrAfterDayOfMonth, 30, 7, 2, 0));
        assert_eq!(
            late.unwrap().transition(2024),
            Ok(Some(at(2024, 5, 5, 2, 0)))
        );
        // A day past the month's end counts on: Monday on or after 29 Feb 2023 is 6 March
        // (1 March 2023 is a Wednesday); in 2024, 29 Feb is a Thursday -> 4 March.
        let leap =
            DstRule::encode(&parts(2, DstOperator::OnOrAfterDayOfMonth, 29, 1, 2, 0)).unwrap();
        assert_eq!(leap.transition(2023), Ok(Some(at(2023, 3, 6, 2, 0))));
        assert_eq!(leap.transition(2024), Ok(Some(at(2024, 3, 4, 2, 0))));
    }

    #[test]
    fn fifth_occurrence_falls_back_to_last() {
        let fifth_sunday_march =
            DstRule::encode(&parts(3, DstOperator::Fifth, 0, 7, 2, 0)).unwrap();
        // March 2024 has five Sundays (3, 10, 17, 24, 31).
        assert_eq!(
            fifth_sunday_march.transition(2024),
            Ok(Some(at(2024, 3, 31, 2, 0)))
        );
        // March 2023 has four (5, 12, 19, 26), so the last one is used.
        assert_eq!(
            fifth_sunday_march.transition(2023),
            Ok(Some(at(2023, 3, 26, 2, 0)))
        );
        // Against chrono for many years: 5th if it exists, else the last.
        for year in 2000..=2040 {
            for month in 1..=12u8 {
                let rule = DstRule::encode(&parts(month, DstOperator::Fifth, 0, 3, 0, 0)).unwrap();
                let expected = last_weekday(year, u32::from(month), Weekday::Wed);
                assert_eq!(
                    rule.transition(year),
                    Ok(Some(expected.and_hms_opt(0, 0, 0).unwrap()))
                );
            }
        }
    }

    #[test]
    fn on_day_of_month_rejects_missing_days() {
        let april_31 = DstRule::encode(&parts(4, DstOperator::OnDayOfMonth, 31, 0, 2, 0)).unwrap();
        assert_eq!(
            april_31.transition(2024),
            Err(DstRuleError::NoSuchDay {
                year: 2024,
                month: 4,
                day: 31
            })
        );
        let feb_29 = DstRule::encode(&parts(2, DstOperator::OnDayOfMonth, 29, 0, 2, 0)).unwrap();
        assert_eq!(feb_29.transition(2024), Ok(Some(at(2024, 2, 29, 2, 0))));
        assert!(feb_29.transition(2023).is_err());
    }

    #[test]
    fn invalid_rule_or_year_is_an_error_not_a_panic() {
        assert_eq!(
            DstRule(0x060E_2000).transition(2024),
            Err(DstRuleError::Month { value: 0 })
        );
        assert_eq!(
            DstRule(0x360E_2000).transition(i32::MAX),
            Err(DstRuleError::YearOutOfRange { year: i32::MAX })
        );
        assert!(DstRule(0x360E_2000).transition(i32::MIN).is_err());
    }

    fn valid_parts() -> impl Strategy<Value = DstRuleParts> {
        (1u8..=12, 0u8..=7, 0u8..=31, 0u8..=7, 0u8..=23, 0u16..=3599).prop_filter_map(
            "fields required by the operator",
            |(month, op, day_of_month, day_of_week, hour, seconds)| {
                let operator = DstOperator::from_code(op)?;
                let p = parts(month, operator, day_of_month, day_of_week, hour, seconds);
                validate_parts(&p).ok().map(|()| p)
            },
        )
    }

    proptest! {
        #[test]
        fn encode_then_decode_gives_the_parts(p in valid_parts()) {
            let rule = DstRule::encode(&p).unwrap();
            prop_assert!(!rule.is_disabled());
            prop_assert_eq!(rule.parts(), Some(p));
            prop_assert_eq!(rule.validate(), Ok(()));
        }

        #[test]
        fn hex_round_trips_for_any_value(value in any::<u32>()) {
            let rule = DstRule(value);
            prop_assert_eq!(DstRule::from_hex(&rule.to_hex()), Ok(rule));
            prop_assert_eq!(DstRule::from_hex(&rule.to_hex().to_lowercase()), Ok(rule));
            let json = serde_json::to_string(&rule).unwrap();
            prop_assert_eq!(serde_json::from_str::<DstRule>(&json).unwrap(), rule);
        }

        #[test]
        fn decode_then_encode_gives_the_value_when_valid(value in any::<u32>()) {
            let rule = DstRule(value);
            if let (Some(p), Ok(())) = (rule.parts(), rule.validate()) {
                prop_assert_eq!(DstRule::encode(&p), Ok(rule));
            }
        }

        #[test]
        fn transition_never_panics(value in any::<u32>(), year in any::<i32>()) {
            let _ = DstRule(value).transition(year);
        }

        #[test]
        fn transition_lands_in_the_rule_month_for_nth_and_last(
            month in 1u8..=12,
            op in 2u8..=7,
            day_of_week in 1u8..=7,
            hour in 0u8..=23,
            seconds in 0u16..=3599,
            year in 1900i32..2200,
        ) {
            let operator = DstOperator::from_code(op).unwrap();
            let p = parts(month, operator, 0, day_of_week, hour, seconds);
            let at = DstRule::encode(&p).unwrap().transition(year).unwrap().unwrap();
            prop_assert_eq!(at.month(), u32::from(p.month));
            prop_assert_eq!(at.weekday().number_from_monday(), u32::from(p.day_of_week));
            prop_assert_eq!(at.year(), year);
        }
    }
}
