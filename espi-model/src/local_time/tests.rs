use super::*;
use crate::dst::{DstOperator, DstRuleParts};
use chrono::{NaiveDate, TimeZone, Timelike};
use proptest::prelude::*;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

// ---- An independent calendar: no chrono, no code under test. ----

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// 1970-01-04 was a Sunday, so a day is a Sunday when (days - 3) % 7 == 0.
fn is_sunday(days: i64) -> bool {
    (days - 3).rem_euclid(7) == 0
}

/// Epoch day of the nth (1-based) Sunday of a month.
fn nth_sunday(year: i64, month: i64, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    let first_sunday = (first..first + 7).find(|&d| is_sunday(d)).unwrap();
    first_sunday + 7 * (n - 1)
}

/// Epoch day of the last Sunday of a month.
fn last_sunday(year: i64, month: i64) -> i64 {
    let next_month = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    (next_month - 7..next_month)
        .find(|&d| is_sunday(d))
        .unwrap()
}

// ---- Fixtures ----

fn rules(tz_offset: i64, dst_offset: i64, start: u32, end: u32) -> LocalTimeRules {
    LocalTimeRules {
        tz_offset,
        dst_offset,
        dst_start: DstRule(start),
        dst_end: DstRule(end),
    }
}

/// US Eastern, the values of every Green Button sample.
fn eastern() -> LocalTimeRules {
    rules(-5 * HOUR, HOUR, 0x360E_2000, 0xB40E_2000)
}

/// Australia-like (Sydney): +10:00, DST from the first Sunday of October 02:00
/// standard time to the first Sunday of April 03:00 daylight time.
fn sydney() -> LocalTimeRules {
    let start = DstRule::encode(&DstRuleParts {
        month: 10,
        operator: DstOperator::First,
        day_of_month: 0,
        day_of_week: 7,
        hour: 2,
        seconds: 0,
    })
    .unwrap();
    let end = DstRule::encode(&DstRuleParts {
        month: 4,
        hour: 3,
        ..start.parts().unwrap()
    })
    .unwrap();
    assert_eq!((start, end), (DstRule(0xA40E_2000), DstRule(0x440E_3000)));
    LocalTimeRules {
        tz_offset: 10 * HOUR,
        dst_offset: HOUR,
        dst_start: start,
        dst_end: end,
    }
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, s)
        .unwrap()
        .and_utc()
        .timestamp()
}

fn local(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, s)
        .unwrap()
}

fn rfc3339(rules: &LocalTimeRules, instant: i64) -> String {
    rules.to_local(instant).unwrap().to_rfc3339()
}

// ---- Transitions year by year ----

#[test]
fn us_eastern_transitions_2000_to_2040() {
    let eastern = eastern();
    for year in 2000..=2040 {
        // 02:00 EST = 07:00 UTC on the 2nd Sunday of March; 02:00 EDT = 06:00 UTC
        // on the 1st Sunday of November.
        let start = nth_sunday(i64::from(year), 3, 2) * DAY + 7 * HOUR;
        let end = nth_sunday(i64::from(year), 11, 1) * DAY + 6 * HOUR;
        assert_eq!(
            eastern.dst_period_utc(year),
            Ok(Some((start, end))),
            "{year}"
        );
        assert_eq!(eastern.offset_at(start - 1), Ok(-5 * HOUR));
        assert_eq!(eastern.offset_at(start), Ok(-4 * HOUR));
        assert_eq!(eastern.offset_at(end - 1), Ok(-4 * HOUR));
        assert_eq!(eastern.offset_at(end), Ok(-5 * HOUR));
        assert_eq!(eastern.is_dst(start - 1), Ok(false));
        assert_eq!(eastern.is_dst(start), Ok(true));
        assert_eq!(eastern.is_dst(end), Ok(false));
    }
}

#[test]
fn on_or_after_start_rule_gives_the_same_us_dates_2000_to_2040() {
    // 328E2000: Sunday on or after 8 March = 2nd Sunday of March.
    let second_sunday = eastern();
    let on_or_after = LocalTimeRules {
        dst_start: DstRule(0x328E_2000),
        ..second_sunday
    };
    for year in 2000..=2040 {
        let expected = nth_sunday(i64::from(year), 3, 2) * DAY + 7 * HOUR;
        let period = on_or_after.dst_period_utc(year).unwrap().unwrap();
        assert_eq!(period.0, expected, "{year}");
        assert_eq!(
            on_or_after.dst_period_utc(year),
            second_sunday.dst_period_utc(year)
        );
    }
}

#[test]
fn fixed_day_and_last_sunday_rules_2000_to_2040() {
    // Operator 0: 1 April 02:00 standard; operator 7: last Sunday of October
    // 03:00 daylight (AE0E3000). Central European offsets.
    let april_first = DstRule::encode(&DstRuleParts {
        month: 4,
        operator: DstOperator::OnDayOfMonth,
        day_of_month: 1,
        day_of_week: 0,
        hour: 2,
        seconds: 0,
    })
    .unwrap();
    let fixed_start = LocalTimeRules {
        tz_offset: HOUR,
        dst_offset: HOUR,
        dst_start: april_first,
        dst_end: DstRule(0xAE0E_3000),
    };
    // EU law: both changes at 01:00 UTC on the last Sunday of March / October.
    let eu = rules(HOUR, HOUR, 0x3E0E_2000, 0xAE0E_3000);
    for year in 2000..=2040 {
        let y = i64::from(year);
        let end = last_sunday(y, 10) * DAY + HOUR;
        let start = days_from_civil(y, 4, 1) * DAY + HOUR;
        assert_eq!(
            fixed_start.dst_period_utc(year),
            Ok(Some((start, end))),
            "{year}"
        );
        let eu_start = last_sunday(y, 3) * DAY + HOUR;
        assert_eq!(eu.dst_period_utc(year), Ok(Some((eu_start, end))), "{year}");
        assert_eq!(fixed_start.offset_at(start - 1), Ok(HOUR));
        assert_eq!(fixed_start.offset_at(start), Ok(2 * HOUR));
        assert_eq!(eu.offset_at(end - 1), Ok(2 * HOUR));
        assert_eq!(eu.offset_at(end), Ok(HOUR));
    }
}

#[test]
fn offset_changes_exactly_twice_a_year() {
    // Minute by minute through 2024: exactly the two expected changes.
    let eastern = eastern();
    let from = utc(2024, 1, 1, 0, 0, 0);
    let to = utc(2025, 1, 1, 0, 0, 0);
    let mut changes = Vec::new();
    let mut previous = eastern.offset_at(from).unwrap();
    for instant in (from..to).step_by(60) {
        let offset = eastern.offset_at(instant).unwrap();
        if offset != previous {
            changes.push((instant, offset));
            previous = offset;
        }
    }
    assert_eq!(
        changes,
        vec![
            (utc(2024, 3, 10, 7, 0, 0), -4 * HOUR),
            (utc(2024, 11, 3, 6, 0, 0), -5 * HOUR)
        ]
    );
}

// ---- Around the transitions ----

#[test]
fn to_local_around_spring_forward() {
    let eastern = eastern();
    let start = utc(2024, 3, 10, 7, 0, 0);
    assert_eq!(rfc3339(&eastern, start - 1), "2024-03-10T01:59:59-05:00");
    assert_eq!(rfc3339(&eastern, start), "2024-03-10T03:00:00-04:00");
}

#[test]
fn to_local_around_fall_back() {
    let eastern = eastern();
    let end = utc(2024, 11, 3, 6, 0, 0);
    assert_eq!(rfc3339(&eastern, end - HOUR), "2024-11-03T01:00:00-04:00");
    assert_eq!(rfc3339(&eastern, end - 1), "2024-11-03T01:59:59-04:00");
    assert_eq!(rfc3339(&eastern, end), "2024-11-03T01:00:00-05:00");
}

#[test]
fn skipped_spring_hour_has_no_instant() {
    let eastern = eastern();
    for (h, m, s) in [(2, 0, 0), (2, 30, 0), (2, 59, 59)] {
        let result = eastern.from_local(local(2024, 3, 10, h, m, s)).unwrap();
        assert_eq!(result, LocalResult::None, "{h}:{m}:{s}");
    }
    // Either side of the gap is a single instant.
    let before = eastern.from_local(local(2024, 3, 10, 1, 59, 59)).unwrap();
    assert_eq!(
        before.single().unwrap().timestamp(),
        utc(2024, 3, 10, 6, 59, 59)
    );
    let after = eastern.from_local(local(2024, 3, 10, 3, 0, 0)).unwrap();
    assert_eq!(
        after.single().unwrap().timestamp(),
        utc(2024, 3, 10, 7, 0, 0)
    );
}

#[test]
fn repeated_autumn_hour_is_ambiguous() {
    let eastern = eastern();
    let result = eastern.from_local(local(2024, 11, 3, 1, 30, 0)).unwrap();
    let LocalResult::Ambiguous(earliest, latest) = result else {
        panic!("expected Ambiguous, got {result:?}");
    };
    assert_eq!(latest.timestamp() - earliest.timestamp(), HOUR);
    assert_eq!(earliest.to_rfc3339(), "2024-11-03T01:30:00-04:00");
    assert_eq!(latest.to_rfc3339(), "2024-11-03T01:30:00-05:00");
    assert_eq!(earliest.timestamp(), utc(2024, 11, 3, 5, 30, 0));
    assert!(matches!(
        eastern.from_local(local(2024, 11, 3, 1, 0, 0)).unwrap(),
        LocalResult::Ambiguous(..)
    ));
    // 00:59:59 and 02:00 are each on one clock only.
    let before = eastern.from_local(local(2024, 11, 3, 0, 59, 59)).unwrap();
    assert_eq!(
        before.single().unwrap().timestamp(),
        utc(2024, 11, 3, 4, 59, 59)
    );
    let after = eastern.from_local(local(2024, 11, 3, 2, 0, 0)).unwrap();
    assert_eq!(
        after.single().unwrap().timestamp(),
        utc(2024, 11, 3, 7, 0, 0)
    );
}

#[test]
fn ordinary_local_time_is_single_and_round_trips() {
    let eastern = eastern();
    for naive in [local(2024, 7, 1, 8, 0, 0), local(2024, 1, 15, 23, 59, 59)] {
        let result = eastern.from_local(naive).unwrap();
        let LocalResult::Single(at) = result else {
            panic!("expected Single, got {result:?}");
        };
        assert_eq!(at.naive_local(), naive);
        assert_eq!(eastern.to_local(at.timestamp()), Ok(at));
    }
    // Sub-second precision is kept.
    let precise = local(2024, 7, 1, 8, 0, 0)
        .with_nanosecond(123_456_789)
        .unwrap();
    let at = eastern.from_local(precise).unwrap().single().unwrap();
    assert_eq!(at.naive_local(), precise);
    assert_eq!(at.offset().local_minus_utc(), -4 * 3600);
}

// ---- No DST ----

#[test]
fn disabled_or_identical_rules_mean_no_dst() {
    let summer = utc(2024, 7, 1, 12, 0, 0);
    let cases = [
        rules(-5 * HOUR, HOUR, 0xFFFF_FFFF, 0xFFFF_FFFF),
        rules(-5 * HOUR, HOUR, 0xFFFF_FFFF, 0xB40E_2000),
        rules(-5 * HOUR, HOUR, 0x360E_2000, 0xFFFF_FFFF),
        rules(-5 * HOUR, HOUR, 0x360E_2000, 0x360E_2000),
    ];
    for case in cases {
        assert!(!case.has_dst());
        assert_eq!(case.dst_period_utc(2024), Ok(None));
        assert_eq!(case.offset_at(summer), Ok(-5 * HOUR));
        assert_eq!(case.is_dst(summer), Ok(false));
        assert_eq!(rfc3339(&case, summer), "2024-07-01T07:00:00-05:00");
        let result = case.from_local(local(2024, 3, 10, 2, 30, 0)).unwrap();
        assert_eq!(
            result.single().unwrap().timestamp(),
            utc(2024, 3, 10, 7, 30, 0)
        );
    }
    assert!(eastern().has_dst());
}

#[test]
fn zero_dst_offset_changes_nothing() {
    let flat = LocalTimeRules {
        dst_offset: 0,
        ..eastern()
    };
    let at = local(2024, 11, 3, 1, 30, 0);
    let result = flat.from_local(at).unwrap();
    assert_eq!(
        result.single().unwrap().timestamp(),
        utc(2024, 11, 3, 6, 30, 0)
    );
    assert_eq!(flat.offset_at(utc(2024, 7, 1, 0, 0, 0)), Ok(-5 * HOUR));
    assert_eq!(flat.is_dst(utc(2024, 7, 1, 0, 0, 0)), Ok(true));
}

// ---- Southern hemisphere and the turn of the year ----

#[test]
fn southern_hemisphere_dst_spans_new_year() {
    let sydney = sydney();
    for year in 2000..=2040 {
        let january = utc(year, 1, 15, 0, 0, 0);
        let july = utc(year, 7, 15, 0, 0, 0);
        assert_eq!(sydney.is_dst(january), Ok(true), "{year}");
        assert_eq!(sydney.offset_at(january), Ok(11 * HOUR));
        assert_eq!(sydney.is_dst(july), Ok(false), "{year}");
        assert_eq!(sydney.offset_at(july), Ok(10 * HOUR));
        // Start (October) after end (April) in the same year.
        let y = i64::from(year);
        let end = nth_sunday(y, 4, 1) * DAY + 3 * HOUR - 11 * HOUR;
        let start = nth_sunday(y, 10, 1) * DAY + 2 * HOUR - 10 * HOUR;
        assert_eq!(sydney.dst_period_utc(year), Ok(Some((start, end))));
        assert_eq!(sydney.offset_at(end - 1), Ok(11 * HOUR));
        assert_eq!(sydney.offset_at(end), Ok(10 * HOUR));
        assert_eq!(sydney.offset_at(start - 1), Ok(10 * HOUR));
        assert_eq!(sydney.offset_at(start), Ok(11 * HOUR));
    }
    // Real Sydney changes of 2024: 03:00 AEDT on 7 April, 02:00 AEST on 6 October.
    assert_eq!(
        rfc3339(&sydney, utc(2024, 4, 6, 15, 59, 59)),
        "2024-04-07T02:59:59+11:00"
    );
    assert_eq!(
        rfc3339(&sydney, utc(2024, 4, 6, 16, 0, 0)),
        "2024-04-07T02:00:00+10:00"
    );
    assert_eq!(
        rfc3339(&sydney, utc(2024, 10, 5, 15, 59, 59)),
        "2024-10-06T01:59:59+10:00"
    );
    assert_eq!(
        rfc3339(&sydney, utc(2024, 10, 5, 16, 0, 0)),
        "2024-10-06T03:00:00+11:00"
    );
    // Across New Year in UTC and in local time.
    for instant in [
        utc(2024, 12, 31, 12, 59, 59),
        utc(2024, 12, 31, 13, 0, 0),
        utc(2025, 1, 1, 0, 0, 0),
    ] {
        assert_eq!(sydney.offset_at(instant), Ok(11 * HOUR));
    }
    assert!(matches!(
        sydney.from_local(local(2024, 4, 7, 2, 30, 0)).unwrap(),
        LocalResult::Ambiguous(..)
    ));
    assert_eq!(
        sydney.from_local(local(2024, 10, 6, 2, 30, 0)).unwrap(),
        LocalResult::None
    );
}

#[test]
fn northern_rules_across_new_year() {
    let eastern = eastern();
    for instant in [
        utc(2024, 12, 31, 23, 59, 59),
        utc(2025, 1, 1, 0, 0, 0),
        utc(2025, 1, 1, 4, 59, 59),
        utc(2025, 1, 1, 5, 0, 0),
    ] {
        assert_eq!(eastern.offset_at(instant), Ok(-5 * HOUR));
    }
    assert_eq!(
        rfc3339(&eastern, utc(2025, 1, 1, 4, 59, 59)),
        "2024-12-31T23:59:59-05:00"
    );
}

#[test]
fn transitions_at_the_very_turn_of_the_year() {
    // DST from 1 January 00:30 standard to 31 December 23:30 daylight, UTC+0/+1:
    // standard time only from 31 Dec 22:30 UTC to 1 Jan 00:30 UTC.
    let on_day = |month: u8, day: u8, hour: u8| {
        DstRule::encode(&DstRuleParts {
            month,
            operator: DstOperator::OnDayOfMonth,
            day_of_month: day,
            day_of_week: 0,
            hour,
            seconds: 1800,
        })
        .unwrap()
    };
    let almost_always = LocalTimeRules {
        tz_offset: 0,
        dst_offset: HOUR,
        dst_start: on_day(1, 1, 0),
        dst_end: on_day(12, 31, 23),
    };
    assert_eq!(
        almost_always.offset_at(utc(2024, 12, 31, 22, 29, 59)),
        Ok(HOUR)
    );
    assert_eq!(almost_always.offset_at(utc(2024, 12, 31, 22, 30, 0)), Ok(0));
    assert_eq!(
        almost_always.offset_at(utc(2024, 12, 31, 23, 59, 59)),
        Ok(0)
    );
    assert_eq!(almost_always.offset_at(utc(2025, 1, 1, 0, 29, 59)), Ok(0));
    assert_eq!(almost_always.offset_at(utc(2025, 1, 1, 0, 30, 0)), Ok(HOUR));
    // The same period the other way round (southern style), with a time zone
    // east of UTC: DST only from 31 Dec 23:30 standard to 1 Jan 00:30 daylight.
    let new_year_only = LocalTimeRules {
        tz_offset: 9 * HOUR,
        dst_offset: HOUR,
        dst_start: on_day(12, 31, 23),
        dst_end: on_day(1, 1, 0),
    };
    // 31 Dec 23:30 +09:00 = 14:30 UTC; 1 Jan 00:30 +10:00 = 31 Dec 14:30 UTC:
    // zero length, so never in force.
    assert_eq!(
        new_year_only.offset_at(utc(2024, 12, 31, 14, 30, 0)),
        Ok(9 * HOUR)
    );
    let longer = LocalTimeRules {
        dst_end: on_day(1, 1, 2),
        ..new_year_only
    };
    // Ends 1 Jan 02:30 +10:00 = 31 Dec 16:30 UTC.
    assert_eq!(
        longer.offset_at(utc(2024, 12, 31, 14, 29, 59)),
        Ok(9 * HOUR)
    );
    assert_eq!(
        longer.offset_at(utc(2024, 12, 31, 14, 30, 0)),
        Ok(10 * HOUR)
    );
    assert_eq!(
        longer.offset_at(utc(2024, 12, 31, 16, 29, 59)),
        Ok(10 * HOUR)
    );
    assert_eq!(longer.offset_at(utc(2024, 12, 31, 16, 30, 0)), Ok(9 * HOUR));
    assert_eq!(longer.offset_at(utc(2024, 7, 1, 0, 0, 0)), Ok(9 * HOUR));
}

#[test]
fn rules_that_roll_into_the_next_year() {
    // "On or after 31 December" falls in January of the next year. Start:
    // Wednesday on or after 31 Dec; end: Sunday on or after 31 Dec; 02:00, UTC+0/+1.
    let on_or_after_dec_31 = |day_of_week: u8| {
        DstRule::encode(&DstRuleParts {
            month: 12,
            operator: DstOperator::OnOrAfterDayOfMonth,
            day_of_month: 31,
            day_of_week,
            hour: 2,
            seconds: 0,
        })
        .unwrap()
    };
    let rolling = LocalTimeRules {
        tz_offset: 0,
        dst_offset: HOUR,
        dst_start: on_or_after_dec_31(3),
        dst_end: on_or_after_dec_31(7),
    };
    // Year 2023: 31 Dec 2023 is a Sunday (end), start Wed 3 Jan 2024.
    assert_eq!(
        rolling.dst_period_utc(2023),
        Ok(Some((utc(2024, 1, 3, 2, 0, 0), utc(2023, 12, 31, 1, 0, 0))))
    );
    // Year 2024: both land in 2025, start Wed 1 Jan, end Sun 5 Jan.
    assert_eq!(
        rolling.dst_period_utc(2024),
        Ok(Some((utc(2025, 1, 1, 2, 0, 0), utc(2025, 1, 5, 1, 0, 0))))
    );
    // On 1 Jan 2025 00:00 both transitions of local year 2024 are still ahead; the
    // last one behind is 2023's start (3 Jan 2024), so DST is in force.
    assert_eq!(rolling.is_dst(utc(2025, 1, 1, 0, 0, 0)), Ok(true));
    assert_eq!(rolling.is_dst(utc(2024, 7, 1, 0, 0, 0)), Ok(true));
    assert_eq!(rolling.is_dst(utc(2025, 1, 5, 0, 59, 59)), Ok(true));
    assert_eq!(rolling.is_dst(utc(2025, 1, 5, 1, 0, 0)), Ok(false));
    assert_eq!(rolling.is_dst(utc(2024, 1, 2, 0, 0, 0)), Ok(false));
}

// ---- Errors ----

#[test]
fn invalid_values_are_errors() {
    let summer = utc(2024, 7, 1, 12, 0, 0);
    let bad_tz = LocalTimeRules {
        tz_offset: DAY,
        ..eastern()
    };
    assert_eq!(
        bad_tz.offset_at(summer),
        Err(LocalTimeError::OffsetOutOfRange {
            field: "tz_offset",
            value: DAY
        })
    );
    let bad_sum = rules(-23 * HOUR, -HOUR, 0x360E_2000, 0xB40E_2000);
    assert_eq!(
        bad_sum.to_local(summer),
        Err(LocalTimeError::OffsetOutOfRange {
            field: "tz_offset + dst_offset",
            value: -DAY
        })
    );
    let bad_rule = rules(0, HOUR, 0xD60E_2000, 0xB40E_2000);
    let error = bad_rule.is_dst(summer).unwrap_err();
    assert_eq!(
        error.to_string(),
        "dst_start rule D60E2000: DST rule month 13 is out of range 1..=12"
    );
    // Even with the other rule disabled, a malformed rule is reported.
    let half_bad = rules(0, HOUR, 0xD60E_2000, 0xFFFF_FFFF);
    assert!(half_bad.offset_at(summer).is_err());
    // 29 February on a fixed day only exists in leap years.
    let feb_29 = DstRule::encode(&DstRuleParts {
        month: 2,
        operator: DstOperator::OnDayOfMonth,
        day_of_month: 29,
        day_of_week: 0,
        hour: 2,
        seconds: 0,
    })
    .unwrap();
    let leap_only = LocalTimeRules {
        dst_start: feb_29,
        ..eastern()
    };
    assert!(leap_only.dst_period_utc(2024).is_ok());
    assert_eq!(
        leap_only.dst_period_utc(2023).unwrap_err().to_string(),
        "dst_start rule 21D02000: DST rule day of month 29 does not exist in month 2 of year 2023"
    );
    assert_eq!(
        eastern().to_local(i64::MAX),
        Err(LocalTimeError::InstantOutOfRange { utc: i64::MAX })
    );
    assert!(eastern().dst_period_utc(i32::MAX).is_err());
    let far = NaiveDateTime::MAX;
    assert!(
        rules(-HOUR, 0, 0xFFFF_FFFF, 0xFFFF_FFFF)
            .from_local(far)
            .is_err()
    );
}

#[test]
fn serde_round_trip() {
    let json = serde_json::to_string(&eastern()).unwrap();
    assert_eq!(
        json,
        r#"{"tz_offset":-18000,"dst_offset":3600,"dst_start":"360E2000","dst_end":"B40E2000"}"#
    );
    assert_eq!(
        serde_json::from_str::<LocalTimeRules>(&json).unwrap(),
        eastern()
    );
}

// ---- Properties ----

/// Every method on one value; none may panic.
fn exercise(rules: &LocalTimeRules, instant: i64, year: i32) {
    let _ = rules.validate();
    let _ = rules.dst_period_utc(year);
    let _ = rules.offset_at(instant);
    let _ = rules.is_dst(instant);
    if let Ok(at) = rules.to_local(instant) {
        // Formatting calls naive_local, which panics on out-of-range local times.
        let _ = at.to_rfc3339();
        let _ = rules.from_local(at.naive_local());
    }
    if let Some(naive) = DateTime::from_timestamp(instant, 0).map(|d| d.naive_utc())
        && let Ok(LocalResult::Single(at) | LocalResult::Ambiguous(at, _)) = rules.from_local(naive)
    {
        let _ = at.to_rfc3339();
    }
}

/// The dates chrono can represent, in epoch seconds, with some margin.
fn chrono_instant() -> impl Strategy<Value = i64> {
    let limit = utc(262_000, 1, 1, 0, 0, 0);
    prop_oneof![
        -limit..limit,
        -3_000_000_000i64..5_000_000_000,
        any::<i64>(),
    ]
}

/// Valid, enabled rules that work in every year: days of month 1–28 only, so
/// operator 0 never names a missing day.
fn valid_rule() -> impl Strategy<Value = DstRule> {
    (1u8..=12, 0u8..=7, 1u8..=28, 1u8..=7, 0u8..=23, 0u16..=3599).prop_map(
        |(month, op, day_of_month, day_of_week, hour, seconds)| {
            DstRule::encode(&DstRuleParts {
                month,
                operator: DstOperator::from_code(op).unwrap(),
                day_of_month,
                day_of_week,
                hour,
                seconds,
            })
            .unwrap()
        },
    )
}

proptest! {
    #[test]
    fn nothing_panics_on_arbitrary_input(
        tz_offset in any::<i64>(),
        dst_offset in any::<i64>(),
        start in any::<u32>(),
        end in any::<u32>(),
        instant in any::<i64>(),
        year in any::<i32>(),
    ) {
        exercise(&rules(tz_offset, dst_offset, start, end), instant, year);
    }

    #[test]
    fn nothing_panics_with_representable_offsets(
        tz_offset in -DAY..=DAY,
        dst_offset in -DAY..=DAY,
        start in any::<u32>(),
        end in any::<u32>(),
        instant in chrono_instant(),
        year in -270_000i32..270_000,
    ) {
        exercise(&rules(tz_offset, dst_offset, start, end), instant, year);
    }

    #[test]
    fn no_dst_means_standard_offset(
        tz_offset in -43_200i64..=43_200,
        dst_offset in -43_199i64..=43_199,
        rule in valid_rule(),
        disable_start in any::<bool>(),
        instant in -10_000_000_000i64..10_000_000_000,
    ) {
        let (start, end) = if disable_start {
            (DstRule::DISABLED, rule)
        } else {
            (rule, DstRule::DISABLED)
        };
        let no_dst = LocalTimeRules { tz_offset, dst_offset, dst_start: start, dst_end: end };
        prop_assert_eq!(no_dst.offset_at(instant), Ok(tz_offset));
        let same = LocalTimeRules { dst_start: rule, dst_end: rule, ..no_dst };
        prop_assert_eq!(same.offset_at(instant), Ok(tz_offset));
    }

    #[test]
    fn to_local_then_from_local_finds_the_instant(
        tz_offset in -50_400i64..=50_400,
        dst_offset in -7_200i64..=7_200,
        start in any::<u32>(),
        end in any::<u32>(),
        instant in -5_000_000_000i64..10_000_000_000,
    ) {
        let rules = rules(tz_offset, dst_offset, start, end);
        // Random rules are mostly invalid; those that work must round-trip.
        if let Ok(at) = rules.to_local(instant) {
            prop_assert_eq!(at.timestamp(), instant);
            let found = rules.from_local(at.naive_local()).unwrap();
            let hit = match found {
                LocalResult::Single(a) => a == at,
                LocalResult::Ambiguous(a, b) => (a == at || b == at) && a < b,
                LocalResult::None => false,
            };
            prop_assert!(hit, "{:?} -> {} -> {:?}", rules, at, found);
        }
    }

    #[test]
    fn valid_rules_round_trip(
        tz_offset in -50_400i64..=50_400,
        dst_offset in -7_200i64..=7_200,
        start in valid_rule(),
        end in valid_rule(),
        instant in -5_000_000_000i64..10_000_000_000,
    ) {
        let rules = LocalTimeRules { tz_offset, dst_offset, dst_start: start, dst_end: end };
        let at = rules.to_local(instant).unwrap();
        prop_assert_eq!(at.timestamp(), instant);
        let found = rules.from_local(at.naive_local()).unwrap();
        prop_assert!(
            found.earliest() == Some(at) || found.latest() == Some(at),
            "{:?} -> {} -> {:?}", rules, at, found
        );
    }

    #[test]
    fn real_rules_round_trip(
        which in 0usize..3,
        instant in -3_000_000_000i64..7_000_000_000,
    ) {
        let rules = [eastern(), sydney(), rules(HOUR, HOUR, 0x3E0E_2000, 0xAE0E_3000)][which];
        let at = rules.to_local(instant).unwrap();
        let found = rules.from_local(at.naive_local()).unwrap();
        prop_assert!(found.earliest() == Some(at) || found.latest() == Some(at));
        // chrono's own conversion of the same instant agrees.
        prop_assert_eq!(at.offset().from_utc_datetime(&at.naive_utc()), at);
    }
}

#[test]
fn a_rule_on_29_february_skips_the_years_without_one() {
    // DST from 29 February (op 0) to the first Sunday of November, US Eastern offsets.
    let rules = LocalTimeRules {
        tz_offset: -18000,
        dst_offset: 3600,
        dst_start: DstRule::encode(&crate::dst::DstRuleParts {
            month: 2,
            operator: crate::dst::DstOperator::OnDayOfMonth,
            day_of_month: 29,
            day_of_week: 0,
            hour: 2,
            seconds: 0,
        })
        .expect("valid rule"),
        dst_end: DstRule(0xB40E_2000),
    };
    // Summer 2024 (a leap year) is in DST; a summer instant of 2023 does not fail.
    assert!(rules.is_dst(1_719_835_200).expect("2024-07-01"));
    assert!(
        rules.to_local(1_688_212_800).is_ok(),
        "2023-07-01 has a local time"
    );
}
