//! Authorization rules of Green Button (NAESB REQ.21 ESPI) as pure functions, for
//! integrators to embed in their own servers and clients.
//!
//! - **Scopes**: the scope grammar — [`Scope::parse`] (lenient, with warnings),
//!   [`Scope::parse_strict`] (errors with byte positions), canonical formatting through
//!   `Display`, the 256-character limit of Authorization.scope, and [`OfferedScopes`]
//!   for the several scopes an ApplicationInformation offers.
//! - **Function Blocks**: the catalogues ([`Catalogue`], legacy and current GBA
//!   numbering) and their dependency rules ([`check_function_blocks`]); what each
//!   block grants ([`DATA_KINDS`]), read by both the access decision and the consent
//!   text ([`Scope::explain`], [`Explanation`]).
//! - **Negotiation**: the scope a Data Custodian's offers can grant, or why not
//!   ([`negotiate`]).
//! - **Lifecycle**: Active / Revoked / Denied, grant, refresh, revoke and expire
//!   ([`AuthorizationState`]); `expires_in` ↔ `expires_at`.
//! - **The REST API**: the endpoint catalogue ([`ENDPOINTS`], [`Route`]), which token
//!   kinds reach what ([`may_reach`]), and the query parameters ([`Query`]).
//! - **Windows**: calendar months on UTC or the utility's local clock ([`MonthClock`]),
//!   the access windows ([`WindowPolicy`], Ameren Share My Usage by default), clamping
//!   and request plans ([`monthly_chunks`]); the Ameren program's eligibility
//!   ([`check_eligibility`]).
//! - **Decisions**: one access decision from authorization, scope, window, token and
//!   request ([`decide`]).
//!
//! The rules do no I/O and read no clock: `now` is a parameter. [`Clock`] is defined
//! here for the crates that do read time, so that they share one.
//!
//! Every public item is at the crate root (the modules are private, one concept
//! each); names do not repeat across the espi crates.
//!
//! ```
//! use espi_auth::{Catalogue, Scope};
//!
//! let parsed = Scope::parse("FB=1_3_4_5_13_31_37_39;IntervalDuration=900;HistoryLength=63072000")?;
//! assert!(parsed.warnings.is_empty());
//! let explanation = parsed.scope.explain(Catalogue::Current);
//! assert!(explanation.to_string().contains("Electricity Interval Metering"));
//! assert!(explanation.to_string().contains("730 days"));
//! # Ok::<(), espi_auth::ScopeError>(())
//! ```
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod calendar;
mod clock;
mod data_kind;
mod decision;
mod eligibility;
mod endpoint;
mod explanation;
mod function_block;
mod lifecycle;
mod negotiation;
mod query;
mod scope;
mod token;
mod window;

pub use calendar::{CalendarError, MonthClock, add_months, add_months_to_date, days_in_month};
pub use clock::{Clock, SettableClock, SystemClock};
pub use data_kind::{DATA_KINDS, DataKind, DataKindRow, data_kind_rows};
pub use decision::{Access, AccessRequest, Authority, Denial, decide, decide_range};
pub use eligibility::{
    CustomerProfile, Ineligible, ServiceClass, ServiceState, ThirdParty, ThirdPartyRegistration,
    check_eligibility, customer_ineligibility, third_party_ineligibility,
};
pub use endpoint::{ENDPOINTS, Endpoint, Method, RESOURCE_PREFIX, Route, RouteError, Serves};
pub use explanation::{Explanation, GrantedBlock};
pub use function_block::{
    BlockGroup, BlockRequirement, BlockRule, Catalogue, FunctionBlockInfo,
    INTERVAL_METERING_COMMODITIES, MinimalSet, MissingBlocks, Violation, check_function_blocks,
    check_minimal_set,
};
pub use lifecycle::{
    AuthorizationState, AuthorizedPeriod, LifecycleError, LifecycleStatus, LifecycleTransition,
    Unusable, expires_at, expires_in,
};
pub use negotiation::{
    LONGEST_MONTH_SECONDS, Mismatch, Negotiated, OfferMismatch, Refusal, SHORTEST_MONTH_SECONDS,
    canonical_scope, negotiate, negotiate_scopes, offer_mismatches,
};
pub use query::{
    DEPTH, EmptyRange, MAX_RESULTS, PUBLISHED_MAX, PUBLISHED_MIN, Query, QueryError, QuerySyntax,
    START_INDEX, UPDATED_MAX, UPDATED_MIN, ValueProblem, strict_percent_decode,
};
pub use scope::{
    AUTHORIZATION_SCOPE_MAX_LEN, BulkId, ExtensionTerm, HistoryLength, HistoryUnit,
    MONTHS_THRESHOLD, NamedFrequency, OfferError, OfferedScopes, ParsedScope, Period, Scope,
    ScopeError, ScopeIrregularity, ScopeTooLong, ScopeWarning, TermError,
};
pub use token::{OutOfReach, TokenKind, may_reach};
pub use window::{ForwardRule, Window, WindowDenial, WindowError, WindowPolicy, monthly_chunks};
