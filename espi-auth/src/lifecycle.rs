//! The authorization lifecycle ([`AuthorizationState`]).

use std::fmt;

use espi_model::authorization::Authorization;
use espi_model::code_list::{AuthorizationStatus, TokenType};
use espi_model::interval::DateTimeInterval;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::scope::{AUTHORIZATION_SCOPE_MAX_LEN, Scope};

/// The status of an Authorization (espi.xsd `AuthorizationStatus`),
/// limited to the three listed codes: the lifecycle only ever produces these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LifecycleStatus {
    /// 0: revoked by the customer or the Data Custodian, or ended with its authorizedPeriod.
    Revoked,
    /// 1: in force.
    Active,
    /// 2: refused (OpenESPI's Third Party sets it when the token exchange fails).
    Denied,
}

impl fmt::Display for LifecycleStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LifecycleStatus::Revoked => "Revoked",
            LifecycleStatus::Active => "Active",
            LifecycleStatus::Denied => "Denied",
        })
    }
}

impl From<LifecycleStatus> for AuthorizationStatus {
    fn from(status: LifecycleStatus) -> AuthorizationStatus {
        match status {
            LifecycleStatus::Revoked => AuthorizationStatus::Revoked,
            LifecycleStatus::Active => AuthorizationStatus::Active,
            LifecycleStatus::Denied => AuthorizationStatus::Denied,
        }
    }
}

impl TryFrom<AuthorizationStatus> for LifecycleStatus {
    type Error = LifecycleError;

    /// Fails for a code the schema does not list.
    fn try_from(status: AuthorizationStatus) -> Result<LifecycleStatus, LifecycleError> {
        match status {
            AuthorizationStatus::Revoked => Ok(LifecycleStatus::Revoked),
            AuthorizationStatus::Active => Ok(LifecycleStatus::Active),
            AuthorizationStatus::Denied => Ok(LifecycleStatus::Denied),
            AuthorizationStatus::Other(code) => Err(LifecycleError::UnknownStatus { code }),
        }
    }
}

/// A transition of the lifecycle, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LifecycleTransition {
    /// [`AuthorizationState::grant`].
    Grant,
    /// [`AuthorizationState::refresh`].
    Refresh,
    /// [`AuthorizationState::revoke`].
    Revoke,
    /// [`AuthorizationState::deny`].
    Deny,
}

impl fmt::Display for LifecycleTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LifecycleTransition::Grant => "grant",
            LifecycleTransition::Refresh => "refresh",
            LifecycleTransition::Revoke => "revoke",
            LifecycleTransition::Deny => "deny",
        })
    }
}

/// Why a transition or conversion is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LifecycleError {
    /// The transition needs an Active authorization, e.g. refresh after revoke.
    #[error("cannot {transition} an authorization that is {status}")]
    NotActive {
        /// What was attempted.
        transition: LifecycleTransition,
        /// The status it had.
        status: LifecycleStatus,
    },
    /// The authorizedPeriod has ended (or not begun): nothing can be granted or refreshed.
    #[error("cannot {transition} at {now}: the authorized period is not in force then")]
    OutsidePeriod {
        /// What was attempted.
        transition: LifecycleTransition,
        /// The instant, epoch seconds.
        now: i64,
    },
    /// `now + expires_in` does not fit a TimeType (i64 epoch seconds).
    #[error("expires_in {expires_in} s from {now} overflows an epoch-seconds time")]
    ExpiryOverflow {
        /// The instant, epoch seconds.
        now: i64,
        /// The relative lifetime, seconds.
        expires_in: u64,
    },
    /// `start + duration` of an authorizedPeriod does not fit a TimeType.
    #[error("authorized period start {start} + duration {duration} overflows")]
    PeriodOverflow {
        /// The start, epoch seconds.
        start: i64,
        /// The duration, seconds.
        duration: u32,
    },
    /// The scope is longer than Authorization.scope allows (String256).
    #[error("scope of {length} characters exceeds the {max} an Authorization holds")]
    ScopeTooLong {
        /// The canonical scope's length in characters.
        length: usize,
        /// The limit, 256.
        max: usize,
    },
    /// An Authorization resource lacks an element the state needs.
    #[error("the Authorization has no {element}")]
    Missing {
        /// The element name, e.g. `expires_at`.
        element: &'static str,
    },
    /// An Authorization resource carries a status code the schema does not list.
    #[error("unknown authorization status code {code}")]
    UnknownStatus {
        /// The code.
        code: u16,
    },
}

/// The absolute expiry of a token issued at `now` with lifetime `expires_in` seconds
/// (the OAuth token response's `expires_in` → the Authorization's `expires_at`).
///
/// ```
/// use espi_auth::{expires_at, expires_in};
/// assert_eq!(expires_at(1_700_000_000, 3600), Ok(1_700_003_600));
/// assert_eq!(expires_in(1_700_000_000, 1_700_003_600), 3600);
/// assert!(expires_at(i64::MAX - 10, 11).is_err());
/// ```
pub fn expires_at(now: i64, expires_in: u64) -> Result<i64, LifecycleError> {
    i64::try_from(expires_in)
        .ok()
        .and_then(|seconds| now.checked_add(seconds))
        .ok_or(LifecycleError::ExpiryOverflow { now, expires_in })
}

/// The seconds left at `now` until `expires_at` (the Authorization's `expires_at` → an
/// OAuth `expires_in`); 0 once expired. Never overflows: every difference of two i64
/// fits a u64.
pub fn expires_in(now: i64, expires_at: i64) -> u64 {
    if expires_at <= now {
        0
    } else {
        expires_at.abs_diff(now)
    }
}

/// An Authorization's `authorizedPeriod` with its end worked out: the window in which
/// requests are allowed (espi.xsd `Authorization`). A duration of 0 means open-ended
/// (the schema's documentation of `authorizedPeriod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AuthorizedPeriod {
    start: i64,
    duration: u32,
}

impl AuthorizedPeriod {
    /// The period from `start` (epoch seconds) lasting `duration` seconds, 0 for
    /// open-ended. Fails when the end overflows an i64.
    pub fn new(start: i64, duration: u32) -> Result<AuthorizedPeriod, LifecycleError> {
        match start.checked_add(i64::from(duration)) {
            Some(_) => Ok(AuthorizedPeriod { start, duration }),
            None => Err(LifecycleError::PeriodOverflow { start, duration }),
        }
    }

    /// The period of a model `DateTimeInterval`; both elements are required.
    pub fn from_interval(interval: &DateTimeInterval) -> Result<AuthorizedPeriod, LifecycleError> {
        let start = interval.start.ok_or(LifecycleError::Missing {
            element: "authorizedPeriod/start",
        })?;
        let duration = interval.duration.ok_or(LifecycleError::Missing {
            element: "authorizedPeriod/duration",
        })?;
        AuthorizedPeriod::new(start, duration)
    }

    /// The model `DateTimeInterval`.
    pub fn to_interval(self) -> DateTimeInterval {
        DateTimeInterval::new(self.start, self.duration)
    }

    /// The start, epoch seconds.
    pub fn start(self) -> i64 {
        self.start
    }

    /// The duration in seconds; 0 means open-ended.
    pub fn duration(self) -> u32 {
        self.duration
    }

    /// The end (exclusive), or `None` when open-ended.
    pub fn end(self) -> Option<i64> {
        match self.duration {
            0 => None,
            // `new` checked that the sum fits.
            duration => self.start.checked_add(i64::from(duration)),
        }
    }

    /// Whether `now` lies in [start, end).
    pub fn contains(self, now: i64) -> bool {
        self.start <= now && !self.has_ended(now)
    }

    /// Whether the period is over at `now`.
    pub fn has_ended(self, now: i64) -> bool {
        self.end().is_some_and(|end| now >= end)
    }
}

/// Why a token cannot be used at some instant (see [`AuthorizationState::check_usable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Error)]
pub enum Unusable {
    /// The authorization is Revoked.
    #[error("the authorization is revoked")]
    Revoked,
    /// The authorization is Denied.
    #[error("the authorization is denied")]
    Denied,
    /// The access token's `expires_at` has passed; a refresh may issue a new one.
    #[error("the access token expired at {expires_at}")]
    TokenExpired {
        /// The expiry, epoch seconds.
        expires_at: i64,
    },
    /// The authorizedPeriod has not begun.
    #[error("the authorized period starts at {start}")]
    PeriodNotStarted {
        /// The start, epoch seconds.
        start: i64,
    },
    /// The authorizedPeriod is over.
    #[error("the authorized period ended at {end}")]
    PeriodEnded {
        /// The end, epoch seconds.
        end: i64,
    },
}

/// The lifecycle state of one Authorization, as the Data Custodian keeps it.
///
/// Built by [`grant`](AuthorizationState::grant) or read from a model
/// [`Authorization`] with [`from_authorization`](AuthorizationState::from_authorization);
/// changed only through the transitions, which return a new state.
///
/// The lifecycle a Data Custodian runs: grant, refresh, revoke, deny, expire, and
/// whether a token is usable at a given instant. The state is the status
/// (espi.xsd `AuthorizationStatus`), the access token's absolute expiry `expires_at`
/// (epoch seconds, as in the Authorization resource), the optional `authorizedPeriod`
/// and the scope. Every transition is a pure function that returns the next state or a
/// [`LifecycleError`]; `now` (epoch seconds) is always a parameter.
///
/// Two clocks end access, and they are kept apart:
/// - the **access token** expires at `expires_at`; a refresh issues a new one;
/// - the **authorization** ends with its `authorizedPeriod`; at that point
///   [`AuthorizationState::expire`] sets the status to Revoked (status 0) and no refresh is possible.
///
/// OAuth token responses carry a relative `expires_in` (seconds), the Authorization
/// resource an absolute `expires_at`: [`expires_at`] and [`expires_in`] convert.
///
/// ```
/// use espi_auth::{AuthorizationState, AuthorizedPeriod, LifecycleStatus};
/// use espi_auth::Scope;
///
/// let scope = Scope::parse("FB=1_3_4_5_13_14_39;IntervalDuration=3600")?.scope;
/// let granted_at = 1_700_000_000;
/// let period = AuthorizedPeriod::new(granted_at, 63_072_000)?;
/// let state = AuthorizationState::grant(granted_at, &scope, 3600, Some(period))?;
/// assert!(state.is_usable(granted_at + 10));
/// assert!(!state.is_usable(granted_at + 3600)); // the access token expired
///
/// let refreshed = state.refresh(granted_at + 7200, 3600)?;
/// assert!(refreshed.is_usable(granted_at + 7200));
///
/// let revoked = refreshed.revoke(granted_at + 7300)?;
/// assert_eq!(revoked.status(), LifecycleStatus::Revoked);
/// assert!(revoked.refresh(granted_at + 7400, 3600).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AuthorizationState {
    status: LifecycleStatus,
    expires_at: i64,
    authorized_period: Option<AuthorizedPeriod>,
    scope: String,
}

impl AuthorizationState {
    /// Grants an authorization at `now`: Active, with an access token expiring
    /// `expires_in` seconds later and the scope in canonical form.
    ///
    /// Fails when the scope does not fit Authorization.scope (256 characters,
    /// espi.xsd `String256`), when the expiry overflows, or when `authorized_period` is
    /// already over at `now`. A period that starts later is accepted (the token is
    /// unusable until then).
    pub fn grant(
        now: i64,
        scope: &Scope,
        expires_in: u64,
        authorized_period: Option<AuthorizedPeriod>,
    ) -> Result<AuthorizationState, LifecycleError> {
        let scope = scope.to_string();
        let length = scope.chars().count();
        if length > AUTHORIZATION_SCOPE_MAX_LEN {
            return Err(LifecycleError::ScopeTooLong {
                length,
                max: AUTHORIZATION_SCOPE_MAX_LEN,
            });
        }
        if authorized_period.is_some_and(|period| period.has_ended(now)) {
            return Err(LifecycleError::OutsidePeriod {
                transition: LifecycleTransition::Grant,
                now,
            });
        }
        Ok(AuthorizationState {
            status: LifecycleStatus::Active,
            expires_at: expires_at(now, expires_in)?,
            authorized_period,
            scope,
        })
    }

    /// Issues a new access token at `now` (OAuth refresh_token grant): `expires_at`
    /// becomes `now + expires_in`.
    ///
    /// Only an Active authorization whose authorizedPeriod is in force at `now` can be
    /// refreshed; an expired access token can (that is what refresh is for). Refresh
    /// after revoke or deny is [`LifecycleError::NotActive`]; after the end of the
    /// period, [`LifecycleError::OutsidePeriod`] (call [`expire`](Self::expire)).
    pub fn refresh(&self, now: i64, expires_in: u64) -> Result<AuthorizationState, LifecycleError> {
        self.require_active(LifecycleTransition::Refresh)?;
        if self
            .authorized_period
            .is_some_and(|period| !period.contains(now))
        {
            return Err(LifecycleError::OutsidePeriod {
                transition: LifecycleTransition::Refresh,
                now,
            });
        }
        Ok(AuthorizationState {
            expires_at: expires_at(now, expires_in)?,
            ..self.clone()
        })
    }

    /// Revokes at `now` (by the customer or the Data Custodian):
    /// status Revoked, and `expires_at` brought forward to `now` if later, so the
    /// published resource shows the token dead. Only an Active authorization can be
    /// revoked.
    pub fn revoke(&self, now: i64) -> Result<AuthorizationState, LifecycleError> {
        self.require_active(LifecycleTransition::Revoke)?;
        Ok(AuthorizationState {
            status: LifecycleStatus::Revoked,
            expires_at: self.expires_at.min(now),
            ..self.clone()
        })
    }

    /// Marks the authorization Denied: the consent or the token exchange failed after
    /// the record was made. Only an Active authorization can be
    /// denied; a revoked one stays revoked.
    pub fn deny(&self) -> Result<AuthorizationState, LifecycleError> {
        self.require_active(LifecycleTransition::Deny)?;
        Ok(AuthorizationState {
            status: LifecycleStatus::Denied,
            ..self.clone()
        })
    }

    /// Applies the end of the authorizedPeriod at `now`: an Active authorization whose
    /// period is over becomes Revoked. Any other state is returned
    /// unchanged, so this can run on every request or on a schedule. An access token
    /// past `expires_at` needs no transition: [`check_usable`](Self::check_usable)
    /// reports it and a refresh renews it.
    pub fn expire(&self, now: i64) -> AuthorizationState {
        let over = self
            .authorized_period
            .is_some_and(|period| period.has_ended(now));
        if self.status == LifecycleStatus::Active && over {
            AuthorizationState {
                status: LifecycleStatus::Revoked,
                ..self.clone()
            }
        } else {
            self.clone()
        }
    }

    /// Whether a request with this authorization's access token may be served at `now`,
    /// and why not: the status must be Active, `now` before `expires_at` and inside the
    /// authorizedPeriod.
    pub fn check_usable(&self, now: i64) -> Result<(), Unusable> {
        match self.status {
            LifecycleStatus::Revoked => return Err(Unusable::Revoked),
            LifecycleStatus::Denied => return Err(Unusable::Denied),
            LifecycleStatus::Active => {}
        }
        if let Some(period) = self.authorized_period {
            if now < period.start() {
                return Err(Unusable::PeriodNotStarted {
                    start: period.start(),
                });
            }
            if let Some(end) = period.end().filter(|end| now >= *end) {
                return Err(Unusable::PeriodEnded { end });
            }
        }
        if now >= self.expires_at {
            return Err(Unusable::TokenExpired {
                expires_at: self.expires_at,
            });
        }
        Ok(())
    }

    /// Whether [`check_usable`](Self::check_usable) passes.
    pub fn is_usable(&self, now: i64) -> bool {
        self.check_usable(now).is_ok()
    }

    /// The status.
    pub fn status(&self) -> LifecycleStatus {
        self.status
    }

    /// The access token's expiry, epoch seconds.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// Seconds left at `now` on the access token, for an OAuth `expires_in`.
    pub fn expires_in(&self, now: i64) -> u64 {
        expires_in(now, self.expires_at)
    }

    /// The authorizedPeriod, if any.
    pub fn authorized_period(&self) -> Option<AuthorizedPeriod> {
        self.authorized_period
    }

    /// The scope as stored in the Authorization.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// Reads the state from a model Authorization. `status`, `expires_at` and `scope`
    /// are required; an `authorizedPeriod`, when present, must be complete. The scope
    /// is kept as written (it is not parsed here).
    pub fn from_authorization(
        authorization: &Authorization,
    ) -> Result<AuthorizationState, LifecycleError> {
        let status = authorization
            .status
            .ok_or(LifecycleError::Missing { element: "status" })?;
        let expires_at = authorization.expires_at.ok_or(LifecycleError::Missing {
            element: "expires_at",
        })?;
        let scope = authorization
            .scope
            .clone()
            .ok_or(LifecycleError::Missing { element: "scope" })?;
        let authorized_period = authorization
            .authorized_period
            .as_ref()
            .map(AuthorizedPeriod::from_interval)
            .transpose()?;
        Ok(AuthorizationState {
            status: LifecycleStatus::try_from(status)?,
            expires_at,
            authorized_period,
            scope,
        })
    }

    /// Writes the state into a model Authorization: status, expires_at, scope,
    /// authorizedPeriod (removed when the state has none), and token_type `Bearer`
    /// when absent. Other elements (URIs, errors, publishedPeriod) are left alone.
    pub fn write_to(&self, authorization: &mut Authorization) {
        authorization.status = Some(self.status.into());
        authorization.expires_at = Some(self.expires_at);
        authorization.scope = Some(self.scope.clone());
        authorization.authorized_period = self.authorized_period.map(AuthorizedPeriod::to_interval);
        if authorization.token_type.is_none() {
            authorization.token_type = Some(TokenType::Bearer);
        }
    }

    /// Fails with [`LifecycleError::NotActive`] unless the status is Active.
    fn require_active(&self, transition: LifecycleTransition) -> Result<(), LifecycleError> {
        match self.status {
            LifecycleStatus::Active => Ok(()),
            status => Err(LifecycleError::NotActive { transition, status }),
        }
    }
}

#[cfg(test)]
mod tests;
