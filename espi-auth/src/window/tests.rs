use super::*;
use chrono::NaiveDate;
use espi_model::dst::DstRule;
use espi_model::local_time::LocalTimeRules;
use proptest::prelude::*;

const DAY: i64 = 86_400;

fn utc(year: i32, month: u32, day: u32, hour: u32) -> i64 {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(hour, 0, 0))
        .expect("valid test date")
        .and_utc()
        .timestamp()
}

/// US Central: tzOffset −21600, dstOffset 3600, rules 360E2000 / B40E2000.
fn central() -> MonthClock {
    MonthClock::Local(LocalTimeRules {
        tz_offset: -21_600,
        dst_offset: 3_600,
        dst_start: DstRule(0x360E_2000),
        dst_end: DstRule(0xB40E_2000),
    })
}

/// 2024-03-10T12:00:00Z (07:00 CDT).
fn grant() -> i64 {
    utc(2024, 3, 10, 12)
}

fn ameren_utc() -> Window {
    WindowPolicy::ameren_share_my_usage()
        .window(grant(), &MonthClock::Utc)
        .expect("window")
}

#[test]
fn presets() {
    let ameren = WindowPolicy::ameren_share_my_usage();
    assert_eq!(ameren, WindowPolicy::default());
    assert_eq!(ameren.history_months, Some(24));
    assert_eq!(ameren.forward, ForwardRule::Months(24));
    assert!(ameren.revocable);
    assert_eq!(ameren.inactivity_withdrawal_days, None);

    let end = utc(2027, 1, 1, 0);
    let pge = WindowPolicy::pge_share_my_data(end);
    assert_eq!(pge.history_months, Some(48));
    assert_eq!(pge.forward, ForwardRule::Until(end));
    assert_eq!(pge.inactivity_withdrawal_days, None);

    let con_ed = WindowPolicy::con_edison();
    assert_eq!(con_ed.history_months, Some(24));
    assert_eq!(con_ed.forward, ForwardRule::OpenEnded);
    assert_eq!(con_ed.inactivity_withdrawal_days, Some(45));

    let open = WindowPolicy::open_ended();
    assert_eq!(open.history_months, None);
    assert_eq!(open.forward, ForwardRule::OpenEnded);
    assert_eq!(open.inactivity_withdrawal_days, None);
}

#[test]
fn ameren_periods_on_the_local_clock() {
    let window = WindowPolicy::ameren_share_my_usage()
        .window(grant(), &central())
        .expect("window");
    // 2022-03-10 07:00 CST (DST began 13 March 2022) = 13:00Z.
    let history_start = utc(2022, 3, 10, 13);
    // 2026-03-10 07:00 CDT (DST begins 8 March 2026) = 12:00Z.
    let forward_end = utc(2026, 3, 10, 12);
    assert_eq!(window.history_start, Some(history_start));
    assert_eq!(window.forward_end, Some(forward_end));
    let published = window.published_period().unwrap().expect("limited history");
    assert_eq!(published.start, Some(history_start));
    assert_eq!(published.end(), Some(grant()));
    let authorized = window.authorized_period().unwrap();
    assert_eq!(authorized.start, Some(grant()));
    assert_eq!(authorized.end(), Some(forward_end));
    assert_eq!(
        authorized.end_time().unwrap().to_rfc3339(),
        "2026-03-10T12:00:00+00:00"
    );
}

#[test]
fn ameren_periods_on_utc() {
    let window = ameren_utc();
    let published = window.published_period().unwrap().expect("limited history");
    assert_eq!(published.start, Some(utc(2022, 3, 10, 12)));
    assert_eq!(published.duration, Some(731 * DAY as u32)); // includes 29 Feb 2024
    let authorized = window.authorized_period().unwrap();
    assert_eq!(authorized.end(), Some(utc(2026, 3, 10, 12)));
    assert_eq!(authorized.duration, Some(730 * DAY as u32));
}

#[test]
fn pge_con_edison_and_open_ended_periods() {
    let end = utc(2025, 1, 1, 0);
    let pge = WindowPolicy::pge_share_my_data(end)
        .window(grant(), &MonthClock::Utc)
        .unwrap();
    assert_eq!(pge.history_start, Some(utc(2020, 3, 10, 12)));
    assert_eq!(pge.authorized_period().unwrap().end(), Some(end));
    // An end at or before the grant leaves no window: reported when it is built.
    assert_eq!(
        WindowPolicy::pge_share_my_data(grant()).window(grant(), &MonthClock::Utc),
        Err(WindowError::EmptyForwardWindow {
            grant: grant(),
            end: grant()
        })
    );

    let con_ed = WindowPolicy::con_edison()
        .window(grant(), &MonthClock::Utc)
        .unwrap();
    assert_eq!(con_ed.history_start, Some(utc(2022, 3, 10, 12)));
    assert_eq!(con_ed.authorized_period().unwrap().duration, Some(0));
    assert_eq!(con_ed.inactivity_limit, Some(45 * DAY));

    let open = WindowPolicy::open_ended()
        .window(grant(), &MonthClock::Utc)
        .unwrap();
    assert_eq!(open.published_period(), Ok(None));
    assert_eq!(
        open.authorized_period(),
        Ok(DateTimeInterval::new(grant(), 0))
    );
}

#[test]
fn durations_that_do_not_fit_are_errors() {
    let long_history = WindowPolicy {
        history_months: Some(u16::MAX),
        ..WindowPolicy::ameren_share_my_usage()
    };
    let window = long_history.window(grant(), &MonthClock::Utc).unwrap();
    assert!(matches!(
        window.published_period(),
        Err(WindowError::DurationTooLong { .. })
    ));
    let far = WindowPolicy::pge_share_my_data(i64::MAX)
        .window(grant(), &MonthClock::Utc)
        .unwrap();
    assert!(matches!(
        far.authorized_period(),
        Err(WindowError::DurationTooLong { .. })
    ));
    // Months that leave chrono's range fail in the calendar.
    assert!(matches!(
        WindowPolicy::ameren_share_my_usage().window(i64::MAX, &MonthClock::Utc),
        Err(WindowError::Calendar(_))
    ));
}

#[test]
fn may_serve_boundaries() {
    let window = ameren_utc();
    let first = utc(2022, 3, 10, 12);
    let now = grant() + 10 * DAY;
    let serve = |data| window.may_serve(None, None, data, now);
    // Start inclusive at the history start.
    assert_eq!(serve((first, first + 3_600)), Ok(()));
    assert_eq!(
        serve((first - 1, first + 3_600)),
        Err(WindowDenial::BeforeHistoryStart)
    );
    // End exclusive at `now`.
    assert_eq!(serve((now - 3_600, now)), Ok(()));
    assert_eq!(serve((now - 3_600, now + 1)), Err(WindowDenial::InFuture));
    assert_eq!(serve((now, now)), Err(WindowDenial::InFuture));
    assert_eq!(serve((now - 1, now - 1)), Ok(()));
    // Across the grant: history and forward data alike.
    assert_eq!(serve((grant() - DAY, grant() + DAY)), Ok(()));
    assert_eq!(serve((now, now - 1)), Err(WindowDenial::InvalidInterval));
}

#[test]
fn may_serve_at_the_forward_end() {
    let window = ameren_utc();
    let end = utc(2026, 3, 10, 12);
    let now = end - 1;
    let serve = |data, now| window.may_serve(None, None, data, now);
    assert_eq!(serve((end - 7_200, end - 3_600), now), Ok(()));
    assert_eq!(
        serve((end - 3_600, end + 1), now),
        Err(WindowDenial::AfterForwardWindow)
    );
    assert_eq!(
        serve((end, end + 3_600), now),
        Err(WindowDenial::AfterForwardWindow)
    );
    // Data ending exactly at the forward end is fine once it is in the past, but
    // at the forward end the authorization has expired.
    assert_eq!(serve((end - 3_600, end), end), Err(WindowDenial::Expired));
    assert_eq!(
        serve((grant(), grant() + 1), end + DAY),
        Err(WindowDenial::Expired)
    );
}

#[test]
fn may_serve_deny_reasons_of_the_authorization() {
    let window = ameren_utc();
    let data = (grant() - DAY, grant());
    assert_eq!(
        window.may_serve(None, None, data, grant() - 1),
        Err(WindowDenial::NotYetGranted)
    );
    assert_eq!(window.may_serve(None, None, data, grant()), Ok(()));
    let revoked = grant() + 30 * DAY;
    assert_eq!(
        window.may_serve(Some(revoked), None, data, revoked - 1),
        Ok(())
    );
    assert_eq!(
        window.may_serve(Some(revoked), None, data, revoked),
        Err(WindowDenial::Revoked)
    );
    // After both revocation and expiry, the earlier one is the reason.
    let after_both = utc(2027, 1, 1, 0);
    assert_eq!(
        window.may_serve(Some(revoked), None, data, after_both),
        Err(WindowDenial::Revoked)
    );
    assert_eq!(
        window.may_serve(Some(utc(2026, 6, 1, 0)), None, data, after_both),
        Err(WindowDenial::Expired)
    );
}

#[test]
fn con_edison_withdrawal_for_inactivity() {
    let window = WindowPolicy::con_edison()
        .window(grant(), &MonthClock::Utc)
        .unwrap();
    let data = (grant() - DAY, grant());
    let active = grant() + 100 * DAY;
    let limit = active + 45 * DAY;
    assert_eq!(
        window.may_serve(None, Some(active), data, limit - 1),
        Ok(())
    );
    assert_eq!(
        window.may_serve(None, Some(active), data, limit),
        Err(WindowDenial::WithdrawnForInactivity)
    );
    // Never active: counted from the grant.
    assert_eq!(
        window.may_serve(None, None, data, grant() + 45 * DAY - 1),
        Ok(())
    );
    assert_eq!(
        window.may_serve(None, None, data, grant() + 45 * DAY),
        Err(WindowDenial::WithdrawnForInactivity)
    );
    // Open-ended forward: years later, still allowed while active.
    let later = grant() + 3_000 * DAY;
    assert_eq!(
        window.may_serve(None, Some(later - DAY), (later - 7_200, later), later),
        Ok(())
    );
    // Ameren has no inactivity rule.
    assert_eq!(
        ameren_utc().may_serve(None, None, data, grant() + 400 * DAY),
        Ok(())
    );
}

#[test]
fn clamp_requests_partly_outside() {
    let window = ameren_utc();
    let first = utc(2022, 3, 10, 12);
    let now = grant() + 10 * DAY;
    let clamp = |min, max| window.clamp(None, None, (min, max), now);
    assert_eq!(
        clamp(Some(first - 1_000), Some(first + 1_000)),
        Ok((Some(first), first + 1_000))
    );
    assert_eq!(
        clamp(Some(now - 10), Some(now + 1_000)),
        Ok((Some(now - 10), now))
    );
    assert_eq!(clamp(None, None), Ok((Some(first), now)));
    assert_eq!(
        clamp(Some(grant()), Some(grant() + DAY)),
        Ok((Some(grant()), grant() + DAY))
    );
    assert_eq!(
        clamp(Some(first - DAY), Some(first)),
        Err(WindowDenial::BeforeHistoryStart)
    );
    assert_eq!(
        clamp(Some(now), Some(now + DAY)),
        Err(WindowDenial::InFuture)
    );
    assert_eq!(clamp(Some(now), None), Err(WindowDenial::InFuture));
    assert_eq!(
        clamp(Some(grant()), Some(grant())),
        Err(WindowDenial::InvalidInterval)
    );
    assert_eq!(
        window.clamp(Some(now - 1), None, (None, None), now),
        Err(WindowDenial::Revoked)
    );
    let open = WindowPolicy::open_ended()
        .window(grant(), &MonthClock::Utc)
        .unwrap();
    assert_eq!(open.clamp(None, None, (None, None), now), Ok((None, now)));
    assert_eq!(
        open.clamp(None, None, (Some(0), None), now),
        Ok((Some(0), now))
    );
}

#[test]
fn chunks_of_the_ameren_history_on_the_local_clock() {
    let window = WindowPolicy::ameren_share_my_usage()
        .window(grant(), &central())
        .unwrap();
    let (first, end) = window
        .permitted(None, None, grant())
        .expect("permitted at the grant");
    let first = first.expect("limited history");
    let chunks = monthly_chunks(&central(), (first, end)).unwrap();
    // 10 March 2022 07:00 local to 10 March 2024 07:00 local: a partial March,
    // 23 whole months, and a partial March.
    assert_eq!(chunks.len(), 25);
    assert_eq!(chunks[0], (first, utc(2022, 4, 1, 5))); // 1 April 00:00 CDT
    assert_eq!(chunks[1].0, utc(2022, 4, 1, 5));
    assert_eq!(chunks[9], (utc(2022, 12, 1, 6), utc(2023, 1, 1, 6))); // CST
    assert_eq!(chunks[24], (utc(2024, 3, 1, 6), end)); // 1 March 00:00 CST
    assert_eq!(monthly_chunks(&central(), (end, end)), Ok(Vec::new()));
    assert_eq!(monthly_chunks(&central(), (end, first)), Ok(Vec::new()));
}

proptest! {
    #[test]
    fn chunks_cover_the_range_exactly(
        start in -2_000_000_000i64..4_000_000_000,
        length in 0i64..200_000_000,
        local in any::<bool>(),
    ) {
        let clock = if local { central() } else { MonthClock::Utc };
        let end = start + length;
        let chunks = monthly_chunks(&clock, (start, end)).unwrap();
        if length == 0 {
            prop_assert!(chunks.is_empty());
        } else {
            prop_assert_eq!(chunks.first().map(|c| c.0), Some(start));
            prop_assert_eq!(chunks.last().map(|c| c.1), Some(end));
        }
        for pair in chunks.windows(2) {
            prop_assert_eq!(pair[0].1, pair[1].0, "gap or overlap");
            // Every chunk after the first starts a calendar month.
            prop_assert_eq!(clock.next_month_start(pair[0].0).unwrap(), pair[1].0);
        }
        for &(from, to) in &chunks {
            prop_assert!(from < to);
            prop_assert!(to <= clock.next_month_start(from).unwrap(), "spans two months");
        }
    }

    #[test]
    fn no_decision_allows_data_outside_the_window(
        offset in -1_000i64 * DAY..1_000 * DAY,
        length in 0i64..40 * DAY,
        now_offset in -10i64 * DAY..1_000 * DAY,
        revoked_offset in proptest::option::of(0i64..1_000 * DAY),
        which in 0usize..3,
    ) {
        let policy = [
            WindowPolicy::ameren_share_my_usage(),
            WindowPolicy::pge_share_my_data(grant() + 500 * DAY),
            WindowPolicy::con_edison(),
        ][which];
        let window = policy.window(grant(), &central()).unwrap();
        let now = grant() + now_offset;
        let revoked = revoked_offset.map(|o| grant() + o);
        let data = (grant() + offset, grant() + offset + length);
        if window.may_serve(revoked, Some(now), data, now) == Ok(()) {
            let (first, end) = window.permitted(revoked, Some(now), now).unwrap();
            prop_assert!(first.is_none_or(|first| first <= data.0));
            prop_assert!(data.1 <= end && data.0 < end);
            prop_assert!(revoked.is_none_or(|r| r > now));
            prop_assert!(now >= grant());
        }
    }

    #[test]
    fn clamp_is_idempotent_and_inside_the_request(
        min in proptest::option::of(-1_000i64 * DAY..1_000 * DAY),
        max in proptest::option::of(-1_000i64 * DAY..1_000 * DAY),
        now_offset in 0i64..1_000 * DAY,
    ) {
        let window = ameren_utc();
        let now = grant() + now_offset;
        let request = (min.map(|m| grant() + m), max.map(|m| grant() + m));
        if let Ok((low, high)) = window.clamp(None, None, request, now) {
            prop_assert!(request.0.is_none_or(|m| low.is_some_and(|low| low >= m)));
            prop_assert!(request.1.is_none_or(|m| high <= m));
            prop_assert!(low.is_some_and(|low| low < high));
            prop_assert_eq!(
                window.clamp(None, None, (low, Some(high)), now),
                Ok((low, high))
            );
            let low = low.unwrap_or(high - 1);
            prop_assert_eq!(
                window.may_serve(None, None, (low, high), now),
                Ok(())
            );
        }
    }
}
