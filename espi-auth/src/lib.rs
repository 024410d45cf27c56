//! Authorization rules of Green Button (NAESB REQ.21 ESPI) as pure functions, for
//! integrators to embed in their own servers and clients.
//!
//! - [`scope`]: the scope grammar of espi-reference §3.5 — [`Scope::parse`] (lenient,
//!   with warnings), [`Scope::parse_strict`] (errors with byte positions), canonical
//!   formatting through `Display`, the 256-character limit of Authorization.scope, and
//!   [`OfferedScopes`] for the several scopes an ApplicationInformation offers.
//! - [`function_block`]: the Function Block catalogues (legacy and current GBA numbering,
//!   espi-reference §3.1–§3.4) and the dependency rules of §3.3.
//! - [`data_kind`]: what each Function Block grants, read by both the access decision and
//!   the consent text. [`explanation`]: what a scope grants, in plain words, for a
//!   consent page.
//! - [`negotiation`]: the scope a Data Custodian's offers can grant, or why not.
//! - [`lifecycle`]: Active / Revoked / Denied, grant, refresh, revoke and expire;
//!   `expires_in` ↔ `expires_at`. [`token`]: which endpoints each token kind may reach.
//! - [`calendar`] and [`window`]: calendar months on UTC or the utility's local clock,
//!   the access windows (Ameren Share My Usage by default), clamping and request plans.
//! - [`eligibility`]: the Ameren program's eligibility rules. [`decision`]: one access
//!   decision from authorization, scope, window, token and request.
//!
//! The crate does no I/O and reads no clock.
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

pub mod calendar;
pub mod clock;
pub mod data_kind;
pub mod decision;
pub mod eligibility;
pub mod endpoint;
pub mod explanation;
pub mod function_block;
pub mod lifecycle;
pub mod negotiation;
pub mod query;
pub mod scope;
pub mod token;
pub mod window;

pub use clock::{Clock, SettableClock, SystemClock};
pub use decision::{Access, decide};
pub use endpoint::{ENDPOINTS, Endpoint, Method, RESOURCE_PREFIX, Route, RouteError, Serves};
pub use explanation::Explanation;
pub use function_block::{Catalogue, FunctionBlockInfo, Violation};
pub use negotiation::{Grant, Refusal, negotiate};
pub use query::{EmptyRange, Query, QueryError, QuerySyntax, ValueProblem};
pub use scope::{BulkId, OfferedScopes, Parsed, Scope, ScopeError, ScopeWarning};
pub use window::{Decision, DenyReason, Window, WindowPolicy};
