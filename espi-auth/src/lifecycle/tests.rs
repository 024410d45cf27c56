use super::*;

const T0: i64 = 1_700_000_000;
const HOUR: u64 = 3600;
const YEAR: u32 = 31_536_000;

fn scope() -> Scope {
    Scope::parse("FB=1_3_4_5_13_14_39;IntervalDuration=3600")
        .expect("valid scope")
        .scope
}

fn granted() -> AuthorizationState {
    let period = AuthorizedPeriod::new(T0, YEAR).expect("period fits");
    AuthorizationState::grant(T0, &scope(), HOUR, Some(period)).expect("grant")
}

#[test]
fn grant_is_active_until_the_token_expires() {
    let state = granted();
    assert_eq!(state.status(), LifecycleStatus::Active);
    assert_eq!(state.expires_at(), T0 + 3600);
    assert_eq!(state.scope(), "FB=1_3_4_5_13_14_39;IntervalDuration=3600");
    assert!(state.is_usable(T0));
    assert!(state.is_usable(T0 + 3599));
    assert_eq!(
        state.check_usable(T0 + 3600),
        Err(Unusable::TokenExpired {
            expires_at: T0 + 3600
        })
    );
    assert_eq!(state.expires_in(T0 + 600), 3000);
    assert_eq!(state.expires_in(T0 + 7200), 0);
}

#[test]
fn grant_refuses_an_ended_period_and_too_long_scope() {
    let period = AuthorizedPeriod::new(T0 - 100, 50).expect("fits");
    assert_eq!(
        AuthorizationState::grant(T0, &scope(), HOUR, Some(period)),
        Err(LifecycleError::OutsidePeriod {
            transition: LifecycleTransition::Grant,
            now: T0
        })
    );
    let long = Scope::parse(&format!("FB=1;X={}", "9".repeat(300)))
        .expect("parses")
        .scope;
    assert!(matches!(
        AuthorizationState::grant(T0, &long, HOUR, None),
        Err(LifecycleError::ScopeTooLong { max: 256, .. })
    ));
    assert!(matches!(
        AuthorizationState::grant(i64::MAX - 5, &scope(), HOUR, None),
        Err(LifecycleError::ExpiryOverflow { .. })
    ));
}

#[test]
fn grant_with_a_future_period_is_unusable_until_it_starts() {
    let period = AuthorizedPeriod::new(T0 + 100, YEAR).expect("fits");
    let state = AuthorizationState::grant(T0, &scope(), HOUR, Some(period)).expect("grant");
    assert_eq!(
        state.check_usable(T0),
        Err(Unusable::PeriodNotStarted { start: T0 + 100 })
    );
    assert!(state.is_usable(T0 + 100));
}

#[test]
fn refresh_renews_an_expired_token() {
    let state = granted();
    let later = T0 + 10 * 3600;
    assert!(!state.is_usable(later));
    let refreshed = state.refresh(later, HOUR).expect("refresh");
    assert_eq!(refreshed.expires_at(), later + 3600);
    assert_eq!(refreshed.status(), LifecycleStatus::Active);
    assert!(refreshed.is_usable(later));
}

#[test]
fn refresh_after_revoke_or_deny_is_refused() {
    let revoked = granted().revoke(T0 + 10).expect("revoke");
    assert_eq!(
        revoked.refresh(T0 + 20, HOUR),
        Err(LifecycleError::NotActive {
            transition: LifecycleTransition::Refresh,
            status: LifecycleStatus::Revoked
        })
    );
    let denied = granted().deny().expect("deny");
    assert_eq!(
        denied.refresh(T0 + 20, HOUR),
        Err(LifecycleError::NotActive {
            transition: LifecycleTransition::Refresh,
            status: LifecycleStatus::Denied
        })
    );
}

#[test]
fn refresh_outside_the_period_is_refused() {
    let end = T0 + i64::from(YEAR);
    assert_eq!(
        granted().refresh(end, HOUR),
        Err(LifecycleError::OutsidePeriod {
            transition: LifecycleTransition::Refresh,
            now: end
        })
    );
    assert!(granted().refresh(end - 1, HOUR).is_ok());
    assert!(matches!(
        granted().refresh(T0 + 1, u64::MAX),
        Err(LifecycleError::ExpiryOverflow { .. })
    ));
}

#[test]
fn revoke_ends_the_token_at_once() {
    let revoked = granted().revoke(T0 + 10).expect("revoke");
    assert_eq!(revoked.status(), LifecycleStatus::Revoked);
    assert_eq!(revoked.expires_at(), T0 + 10);
    assert_eq!(revoked.check_usable(T0 + 5), Err(Unusable::Revoked));
    // Revoking after the token expired keeps the earlier expiry.
    let late = granted().revoke(T0 + 9999).expect("revoke");
    assert_eq!(late.expires_at(), T0 + 3600);
}

#[test]
fn revoke_and_deny_need_an_active_authorization() {
    let revoked = granted().revoke(T0).expect("revoke");
    assert_eq!(
        revoked.revoke(T0 + 1),
        Err(LifecycleError::NotActive {
            transition: LifecycleTransition::Revoke,
            status: LifecycleStatus::Revoked
        })
    );
    assert_eq!(
        revoked.deny(),
        Err(LifecycleError::NotActive {
            transition: LifecycleTransition::Deny,
            status: LifecycleStatus::Revoked
        })
    );
    let denied = granted().deny().expect("deny");
    assert_eq!(denied.status(), LifecycleStatus::Denied);
    assert_eq!(denied.check_usable(T0), Err(Unusable::Denied));
    assert!(matches!(
        denied.revoke(T0),
        Err(LifecycleError::NotActive {
            transition: LifecycleTransition::Revoke,
            ..
        })
    ));
    assert!(matches!(
        denied.deny(),
        Err(LifecycleError::NotActive {
            transition: LifecycleTransition::Deny,
            ..
        })
    ));
}

#[test]
fn expire_revokes_at_the_end_of_the_period() {
    let state = granted();
    let end = T0 + i64::from(YEAR);
    assert_eq!(state.expire(end - 1), state);
    let expired = state.expire(end);
    assert_eq!(expired.status(), LifecycleStatus::Revoked);
    assert_eq!(expired.check_usable(end), Err(Unusable::Revoked));
    // Idempotent, and leaves revoked / denied alone.
    assert_eq!(expired.expire(end + 1), expired);
    let denied = state.deny().expect("deny");
    assert_eq!(denied.expire(end), denied);
    // Before expire runs, the ended period alone makes the token unusable.
    let refreshed = state.refresh(end - 1, HOUR).expect("refresh");
    assert_eq!(
        refreshed.check_usable(end),
        Err(Unusable::PeriodEnded { end })
    );
}

#[test]
fn open_ended_period_never_expires() {
    let period = AuthorizedPeriod::new(T0, 0).expect("fits");
    assert_eq!(period.end(), None);
    let state = AuthorizationState::grant(T0, &scope(), HOUR, Some(period)).expect("grant");
    let far = T0 + 100 * i64::from(YEAR);
    assert_eq!(state.expire(far).status(), LifecycleStatus::Active);
    assert!(state.refresh(far, HOUR).expect("refresh").is_usable(far));
    let none = AuthorizationState::grant(T0, &scope(), HOUR, None).expect("grant");
    assert_eq!(none.expire(far).status(), LifecycleStatus::Active);
}

#[test]
fn expires_in_and_at_round_trip() {
    for now in [i64::MIN, -1, 0, T0, i64::MAX - 86_400] {
        for lifetime in [0, 1, 3600, 86_400] {
            let at = expires_at(now, lifetime).expect("fits");
            assert_eq!(expires_in(now, at), lifetime, "{now} {lifetime}");
        }
    }
    assert_eq!(expires_at(i64::MIN, i64::MAX as u64), Ok(-1));
}

#[test]
fn expires_at_overflow_is_an_error() {
    assert_eq!(
        expires_at(i64::MAX, 1),
        Err(LifecycleError::ExpiryOverflow {
            now: i64::MAX,
            expires_in: 1
        })
    );
    assert!(expires_at(0, u64::MAX).is_err());
    assert!(expires_at(0, i64::MAX as u64 + 1).is_err());
    assert_eq!(expires_at(0, i64::MAX as u64), Ok(i64::MAX));
    // The reverse never overflows.
    assert_eq!(expires_in(i64::MIN, i64::MAX), u64::MAX);
    assert_eq!(expires_in(i64::MAX, i64::MIN), 0);
}

#[test]
fn period_overflow_is_an_error() {
    assert_eq!(
        AuthorizedPeriod::new(i64::MAX, 1),
        Err(LifecycleError::PeriodOverflow {
            start: i64::MAX,
            duration: 1
        })
    );
    assert!(AuthorizedPeriod::new(i64::MAX, 0).is_ok());
}

#[test]
fn model_round_trip() {
    let state = granted().revoke(T0 + 5).expect("revoke");
    let mut authorization = Authorization::default();
    state.write_to(&mut authorization);
    assert_eq!(authorization.status, Some(AuthorizationStatus::Revoked));
    assert_eq!(authorization.expires_at, Some(T0 + 5));
    assert_eq!(authorization.token_type, Some(TokenType::Bearer));
    assert_eq!(
        authorization.authorized_period,
        Some(DateTimeInterval::new(T0, YEAR))
    );
    assert_eq!(
        AuthorizationState::from_authorization(&authorization),
        Ok(state)
    );
}

#[test]
fn model_errors() {
    let mut authorization = Authorization::default();
    assert_eq!(
        AuthorizationState::from_authorization(&authorization),
        Err(LifecycleError::Missing { element: "status" })
    );
    granted().write_to(&mut authorization);
    authorization.status = Some(AuthorizationStatus::Other(7));
    assert_eq!(
        AuthorizationState::from_authorization(&authorization),
        Err(LifecycleError::UnknownStatus { code: 7 })
    );
    authorization.status = Some(AuthorizationStatus::Active);
    authorization.authorized_period = Some(DateTimeInterval {
        start: Some(T0),
        ..DateTimeInterval::default()
    });
    assert_eq!(
        AuthorizationState::from_authorization(&authorization),
        Err(LifecycleError::Missing {
            element: "authorizedPeriod/duration"
        })
    );
}
