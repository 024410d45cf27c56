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
    // The rules of the Green Button samples, the schema's own example and their
    // equivalents (docs/standard.md, "Local time").
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
    let leap = DstRule::encode(&parts(2, DstOperator::OnOrAfterDayOfMonth, 29, 1, 2, 0)).unwrap();
    assert_eq!(leap.transition(2023), Ok(Some(at(2023, 3, 6, 2, 0))));
    assert_eq!(leap.transition(2024), Ok(Some(at(2024, 3, 4, 2, 0))));
}

#[test]
fn fifth_occurrence_falls_back_to_last() {
    let fifth_sunday_march = DstRule::encode(&parts(3, DstOperator::Fifth, 0, 7, 2, 0)).unwrap();
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
