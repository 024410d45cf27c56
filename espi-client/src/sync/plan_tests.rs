use super::plan::*;
use super::store::MonthRecord;
use crate::Error;
use espi_auth::MonthClock;
use espi_auth::WindowPolicy;
use espi_model::authorization::Authorization;
use espi_model::code_list::AuthorizationStatus;
use espi_model::interval::DateTimeInterval;

const DAY: i64 = 86_400;
/// 2014-03-01T00:00:00Z.
const NOW: i64 = 1_393_632_000;

fn scope(text: &str) -> espi_auth::Scope {
    espi_auth::Scope::parse(text).expect("a scope").scope
}

/// Options without clock skew, so that the bounds read plainly.
fn exact() -> SyncOptions {
    SyncOptions::new().with_clock_skew(0)
}

#[test]
fn the_window_is_the_narrowest_of_policy_scope_and_authorization() {
    // Ameren alone: 24 months back from the grant.
    let window = sync_window(&exact(), NOW, None, NOW + 10).expect("a window");
    assert_eq!((window.start, window.end), (1_330_560_000, NOW + 10)); // 2012-03-01
    // HistoryLength in seconds: 30 days.
    let window = sync_window(
        &exact(),
        NOW,
        Some(&scope("FB=4;HistoryLength=2592000")),
        NOW,
    )
    .expect("a window");
    assert_eq!(window.start, NOW - 2_592_000);
    // The Authorization's publishedPeriod and authorizedPeriod.
    let authorization = Authorization {
        published_period: Some(DateTimeInterval::new(NOW - 86_400 * 10, 86_400 * 10)),
        authorized_period: Some(DateTimeInterval::new(NOW, 3600)),
        status: Some(AuthorizationStatus::Active),
        ..Authorization::default()
    };
    let options = exact().with_authorization(authorization.clone());
    // The authorized period ended an hour after the grant: the policy says so too
    // only through the authorization, so the window ends there.
    let window = sync_window(&options, NOW, None, NOW + 7200).expect("a window");
    assert_eq!((window.start, window.end), (NOW - 864_000, NOW + 3600));
    let revoked = Authorization {
        status: Some(AuthorizationStatus::Revoked),
        ..authorization
    };
    assert!(
        sync_window(&exact().with_authorization(revoked), NOW, None, NOW)
            .expect_err("revoked")
            .is_authorization_ended()
    );
    // Unlimited history needs an earliest instant.
    let open = exact().with_policy(WindowPolicy::open_ended());
    assert!(matches!(
        sync_window(&open, NOW, None, NOW),
        Err(Error::Window(_))
    ));
    let window = sync_window(&open.with_earliest(NOW - 5), NOW, None, NOW).expect("a window");
    assert_eq!(window.start, NOW - 5);
}

#[test]
fn clock_skew_widens_the_window_and_narrows_what_is_settled() {
    let options = SyncOptions::new();
    assert_eq!(options.clock_skew, DEFAULT_CLOCK_SKEW);
    // The client's clock two seconds behind the grant the Data Custodian stated.
    let window = sync_window(&options, NOW, None, NOW - 2).expect("granted within the skew");
    assert_eq!((window.start, window.end), (1_330_560_000, NOW - 2));
    assert_eq!((window.settled, window.skew), (NOW - 2 - 300, 300));
    // The first month is asked for from the skew before the start, every month up to
    // the skew past the end; the last month covers only what has settled.
    let months = plan_months(&MonthClock::Utc, &window, DAY, 2, NOW).expect("a plan");
    assert_eq!(months[0].request_min, window.start - 300);
    assert_eq!(months[1].request_min, months[1].start);
    let last = months.last().expect("months");
    assert_eq!(last.request_max, NOW - 2 + 300);
    assert_eq!(last.covers_until, NOW - 2 - 300);
    // More than the skew before the grant: not granted yet.
    assert!(matches!(
        sync_window(&options, NOW, None, NOW - 301),
        Err(Error::Window(message)) if message.contains("not been granted")
    ));
    // Without skew, a second early is too early.
    assert!(sync_window(&exact(), NOW, None, NOW - 1).is_err());
}

#[test]
fn the_history_floor_is_the_earlier_of_the_local_and_utc_counts() {
    // 2024-02-29T03:00:00Z is 2024-02-28 21:00 in Chicago: 24 months back is
    // 2022-02-28T03:00:00Z on UTC, 2022-03-01T03:00:00Z on the local clock.
    let grant = 1_709_175_600;
    let central = MonthClock::Local(espi_model::local_time::LocalTimeRules {
        tz_offset: -21_600,
        dst_offset: 3_600,
        dst_start: espi_model::dst::DstRule(0x360E_2000),
        dst_end: espi_model::dst::DstRule(0xB40E_2000),
    });
    let local = exact().with_month_clock(central);
    let window = sync_window(&local, grant, None, grant + 60).expect("a window");
    assert_eq!(window.start, 1_646_017_200);
    let window = sync_window(&exact(), grant, None, grant + 60).expect("a window");
    assert_eq!(window.start, 1_646_017_200);
}

#[test]
fn months_carry_the_lookahead_and_the_recent_flag() {
    // 2013-11-15 to 2014-02-10.
    let window = SyncWindow {
        start: 1_384_473_600,
        end: 1_391_990_400,
        settled: 1_391_990_400 - 300,
        grant: 0,
        skew: 300,
    };
    let months = plan_months(&MonthClock::Utc, &window, DAY, 1, window.end).expect("a plan");
    let starts: Vec<i64> = months.iter().map(|month| month.start).collect();
    assert_eq!(
        starts,
        [1_384_473_600, 1_385_856_000, 1_388_534_400, 1_391_212_800]
    );
    assert_eq!(months[0].end, 1_385_856_000);
    assert_eq!(months[0].request_max, 1_385_856_000 + DAY);
    assert_eq!(months[0].full_max, 1_385_856_000 + DAY);
    assert_eq!(months[0].covers_until, 1_385_856_000 + DAY);
    // The last month's look-ahead stops at the window's end (plus the skew), and
    // covers only what has settled.
    assert_eq!(months[0].request_min, window.start - 300);
    assert_eq!(months[3].request_max, window.end + 300);
    assert_eq!(months[3].covers_until, window.settled);
    // One month before February is recent: January and February.
    let recent: Vec<bool> = months.iter().map(|month| month.recent).collect();
    assert_eq!(recent, [false, false, true, true]);
    assert_eq!(
        block_lookahead(Some(&scope("FB=4;BlockDuration=3600"))),
        3600
    );
    assert_eq!(
        block_lookahead(Some(&scope("FB=4;BlockDuration=seasonal_daily"))),
        92 * DAY
    );
}

#[test]
fn a_month_is_done_only_when_a_request_covered_its_look_ahead() {
    // January 2014, daily look-ahead; now is an hour into February.
    let january = (1_388_534_400, 1_391_212_800);
    let window = SyncWindow {
        start: january.0,
        end: january.1 + 3_600,
        settled: january.1 + 3_600,
        grant: 0,
        skew: 0,
    };
    let months = plan_months(&MonthClock::Utc, &window, DAY, 0, window.end).expect("a plan");
    let cut = months[0];
    assert_eq!((cut.start, cut.end), january);
    assert_eq!(cut.covers_until, january.1 + 3_600);
    let record = cut.record(10, 100, january.1 + 3_600);
    // Recorded, but the look-ahead was cut by now: not done.
    assert!(!cut.is_covered_by(&[record]));
    // A later run covers the whole day after January: done.
    let later = SyncWindow {
        end: january.1 + 40 * DAY,
        settled: january.1 + 40 * DAY,
        ..window
    };
    let months = plan_months(&MonthClock::Utc, &later, DAY, 0, later.end).expect("a plan");
    let whole = months[0].record(10, 100, later.end);
    assert_eq!(whole.covered_until, january.1 + DAY);
    assert!(months[0].is_covered_by(&[record, whole]));
    // A record of a narrower month (a later first instant) does not cover it.
    let narrower = MonthRecord {
        start: january.0 + 1,
        ..whole
    };
    assert!(!months[0].is_covered_by(&[narrower]));
}

#[test]
fn a_history_in_months_counts_calendar_months_back_from_the_grant() {
    // Granted 2014-03-01 with HistoryLength=13 (months): from 2013-02-01 to now; the
    // Data Custodian's data is settled up to five minutes (the skew tolerated) ago.
    let grant = 1_393_632_000;
    let scope = scope("FB=1_3_4_5_13_14_39;HistoryLength=13");
    let window =
        sync_window(&SyncOptions::new(), grant, Some(&scope), grant + 3600).expect("a window");
    assert_eq!((window.start, window.end), (1_359_676_800, grant + 3600));
    assert_eq!((window.settled, window.skew), (grant + 3600 - 300, 300));
}

#[test]
fn the_lookahead_is_the_longest_block_duration() {
    assert_eq!(
        block_lookahead(Some(&scope("FB=4_5;BlockDuration=daily"))),
        86_400
    );
    assert_eq!(
        block_lookahead(Some(&scope("FB=4_5;BlockDuration=daily_monthly"))),
        35 * 86_400
    );
    assert_eq!(block_lookahead(None), 35 * 86_400);
}
