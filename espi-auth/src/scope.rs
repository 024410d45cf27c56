//! The ESPI scope grammar ([`Scope`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

mod offers;
mod parse;
mod terms;

pub use offers::{OfferError, OfferedScopes};
use parse::{Key, Parser};
pub use terms::{
    BulkId, ExtensionTerm, HistoryLength, HistoryUnit, MONTHS_THRESHOLD, NamedFrequency, Period,
    TermError,
};

/// The longest scope an Authorization (and each ApplicationInformation offer) may carry:
/// `scope` is a `String256` (espi.xsd `Authorization`, `ApplicationInformation`).
pub const AUTHORIZATION_SCOPE_MAX_LEN: usize = 256;

/// A parsed ESPI scope string.
///
/// Empty lists and `None` mean the term is absent. Display writes the canonical form:
/// terms in grammar order (FB, IntervalDuration, BlockDuration, HistoryLength,
/// SubscriptionFrequency, AccountCollection, BR, then unknown terms as given), separated
/// by `;` with no trailing `;`. For every `Scope`, parsing its canonical form gives it back.
///
/// ```
/// use espi_auth::{NamedFrequency, Period, Scope};
///
/// let scope = Scope {
///     function_blocks: vec![1, 3, 4, 5, 10, 11, 35],
///     block_duration: vec![Period::Named(NamedFrequency::Daily)],
///     bulk_id: Some(espi_auth::BulkId::new("1")?),
///     ..Scope::default()
/// };
/// assert_eq!(scope.to_string(), "FB=1_3_4_5_10_11_35;BlockDuration=daily;BR=1");
/// assert_eq!(Scope::parse_strict(&scope.to_string()), Ok(scope));
/// # Ok::<(), espi_auth::TermError>(())
/// ```
///
/// ESPI scope strings: parsing, canonical formatting and the Authorization length limit.
///
/// The grammar is the EBNF of the Green Button developer pages (`espi/scope.md`, which
/// refers to section 2.6 of GBA's Authorization document), restated:
///
/// ```text
/// FB=1_3_4_5_13_31_37_39;IntervalDuration=900_3600;BlockDuration=daily;HistoryLength=34128000;
/// SubscriptionFrequency=daily;AccountCollection=5;BR=1
/// ```
///
/// [`Scope::parse`] is lenient: it accepts what real utilities send and reports each
/// deviation as a [`ScopeWarning`] with its byte position. [`Scope::parse_strict`] rejects
/// the same deviations with a [`ScopeError`] naming the position and what was expected.
/// The deviations ([`ScopeIrregularity`]) are one list, so the two modes cannot drift apart.
///
/// Decisions (each documented where it is made):
/// - **Delimiter.** Canonical form separates terms with `;` and does not end with one.
///   The EBNF ends every term with `;`, but the published Authorization examples, the
///   GBA fixtures and the scopes returned with tokens do not, and a
///   scope is one atomic OAuth token. A trailing `;` is [`ScopeIrregularity::TrailingDelimiter`].
/// - **Case.** Keys and named values are case-sensitive as published (`FB`, `billingPeriod`);
///   other cases are [`ScopeIrregularity::KeyCase`] / [`ScopeIrregularity::ValueCase`].
/// - **HistoryLength in months.** Values up to [`MONTHS_THRESHOLD`] (120) are read as
///   months ([`ScopeIrregularity::HistoryLengthInMonths`]); see [`HistoryLength`].
/// - **What lenient parsing tolerates** is what cannot change the meaning: besides the
///   above, empty terms (`;;`, a leading `;`), empty list items (`FB=4__5`, `FB=_4`,
///   `FB=4_`), whitespace around list items, a Function Block or period listed twice in
///   one list, FB lists out of order, and a term repeated with the same value
///   ([`ScopeIrregularity::DuplicateTerm`]; lists compared as sets). Each is one
///   [`ScopeIrregularity`], a positioned warning in lenient mode and an error in strict mode.
/// - **What stays an error in both modes** is anything ambiguous: a grammar key
///   repeated with another value ([`ScopeError::DuplicateKey`]: nothing says which one
///   wins, and picking one could grant more than the customer saw), a value with no item
///   (`FB=`, `FB=_`), another list separator (`FB=4,5`, `FB=4 5`: commas and spaces
///   delimit OAuth scope tokens), `_` in a single-valued term, a malformed number or
///   name. Unknown keys may repeat; they are kept as given.
/// - **Leading zeros** (`FB=04`, `HistoryLength=013`) are grammatical (`nonNegativeNumber
///   = digit { digit }`) and read as decimal numbers in both modes, without a warning;
///   canonical form drops them. A `BR` id is not a number: `BR=01` stays `01`.
/// - **Term order.** The grammar puts `FB` first, then the value terms, then
///   `AccountCollection`/`BR`; other orders are [`ScopeIrregularity::TermOutOfOrder`]. Unknown
///   terms are not in the grammar and may appear anywhere; canonical form puts them last.
///
/// ```
/// use espi_auth::{ScopeIrregularity, Scope};
///
/// let parsed = Scope::parse("FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13")?;
/// assert_eq!(parsed.scope.function_blocks, vec![4, 5, 15]);
/// assert_eq!(parsed.warnings[0].kind, ScopeIrregularity::HistoryLengthInMonths { value: 13 });
/// assert!(Scope::parse_strict("FB=4_5_15;HistoryLength=13").is_err());
/// # Ok::<(), espi_auth::ScopeError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scope {
    /// `FB`: Function Block numbers in the order given; see [`Catalogue`](crate::Catalogue).
    pub function_blocks: Vec<u16>,
    /// `IntervalDuration`: the interval lengths offered or granted.
    pub interval_duration: Vec<Period>,
    /// `BlockDuration`: the IntervalBlock lengths.
    pub block_duration: Vec<Period>,
    /// `HistoryLength`: how far back the data reaches.
    pub history_length: Option<HistoryLength>,
    /// `SubscriptionFrequency`: how often new data is made available.
    pub subscription_frequency: Option<Period>,
    /// `AccountCollection`: the number of UsagePoints in the subscription.
    pub account_collection: Option<u64>,
    /// `BR`: the bulk id, present for bulk (client_credentials) access.
    pub bulk_id: Option<BulkId>,
    /// Terms the grammar does not define, in the order given.
    pub extensions: Vec<ExtensionTerm>,
}

/// The result of a lenient parse: the scope and every tolerated deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedScope {
    /// The scope.
    pub scope: Scope,
    /// The deviations from the grammar, in input order.
    pub warnings: Vec<ScopeWarning>,
}

/// A deviation from the grammar that [`Scope::parse`] tolerated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("byte {position}: {kind}")]
pub struct ScopeWarning {
    /// Byte offset in the input where the deviation starts.
    pub position: usize,
    /// What deviated.
    pub kind: ScopeIrregularity,
}

/// A deviation from the grammar seen in real scope strings ([`Scope`]):
/// a warning in lenient mode, an error ([`ScopeError::Irregular`]) in strict mode.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScopeIrregularity {
    /// The scope ends with `;`.
    #[error("trailing `;`; expected the scope to end after the last term")]
    TrailingDelimiter,
    /// Nothing between two `;`, or before the first: `FB=4;;BR=1`, `;FB=4`.
    #[error("empty term; expected `key=value` between `;`")]
    EmptyTerm,
    /// Whitespace around a term, after `;`, around `=` or around a list's `_`.
    #[error("whitespace; expected none around `;`, `=` and `_`")]
    Whitespace,
    /// Nothing between two `_` of a list, or before the first or after the last:
    /// `FB=4__5`, `FB=_4`, `FB=4_`.
    #[error("empty item in `{key}`; expected one `_` between items")]
    EmptyListItem {
        /// The key as the grammar spells it.
        key: &'static str,
    },
    /// A grammar key in another case (`fb=`, `historylength=`).
    #[error("key `{found}`; expected `{expected}` (keys are case-sensitive)")]
    KeyCase {
        /// The key as sent.
        found: String,
        /// The key as the grammar spells it.
        expected: &'static str,
    },
    /// A named value in another case (`Daily`, `BillingPeriod`).
    #[error("`{found}`; expected `{expected}` (named values are case-sensitive)")]
    ValueCase {
        /// The value as sent.
        found: String,
        /// The value as the grammar spells it.
        expected: NamedFrequency,
    },
    /// A Function Block smaller than the one before it.
    #[error("FB {found} after FB {previous}; expected ascending order")]
    FunctionBlocksOutOfOrder {
        /// The number before.
        previous: u16,
        /// The number that breaks the order.
        found: u16,
    },
    /// A Function Block listed twice in the same `FB` term.
    #[error("FB {number} listed twice; expected each number once")]
    DuplicateFunctionBlock {
        /// The repeated number.
        number: u16,
    },
    /// A period listed twice in the same `IntervalDuration` or `BlockDuration` term
    /// (`900_900`, `daily_Daily`).
    #[error("{period} listed twice in `{key}`; expected each period once")]
    DuplicatePeriod {
        /// The key as the grammar spells it.
        key: &'static str,
        /// The repeated period.
        period: Period,
    },
    /// A grammar term given again with the same value (lists compared as sets): the
    /// repeat is dropped. A different value is [`ScopeError::DuplicateKey`].
    #[error("`{key}` given again with the same value (first at byte {first}); expected it once")]
    DuplicateTerm {
        /// The key as the grammar spells it.
        key: &'static str,
        /// Byte offset of the first occurrence.
        first: usize,
    },
    /// `HistoryLength` at most [`MONTHS_THRESHOLD`]: read as months.
    #[error("HistoryLength={value} read as months; expected seconds (above {MONTHS_THRESHOLD})")]
    HistoryLengthInMonths {
        /// The value as sent.
        value: u64,
    },
    /// A grammar term after one that the grammar puts later.
    #[error(
        "`{key}` after `{after}`; expected FB first, then value terms, then AccountCollection and BR"
    )]
    TermOutOfOrder {
        /// The term out of place.
        key: &'static str,
        /// The earlier term that belongs after it.
        after: &'static str,
    },
}

/// Why a scope string could not be parsed. Every variant carries the byte `position`
/// in the input where the problem starts.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScopeError {
    /// A term without `=`.
    #[error("byte {position}: `{term}` has no `=`; expected `key=value`")]
    MissingEquals {
        /// Byte offset of the term.
        position: usize,
        /// The term as sent.
        term: String,
    },
    /// `=` with nothing before it.
    #[error("byte {position}: empty key; expected a term name such as `FB` before `=`")]
    EmptyKey {
        /// Byte offset of the `=`.
        position: usize,
    },
    /// `key=` with nothing after it (or, for a list, only `_`).
    #[error("byte {position}: `{key}` has an empty value")]
    EmptyValue {
        /// Byte offset just after the `=`.
        position: usize,
        /// The key as sent.
        key: String,
    },
    /// A value that does not match what its key expects.
    #[error("byte {position}: `{found}` in `{key}`; expected {expected}")]
    InvalidValue {
        /// Byte offset of the offending value or list item.
        position: usize,
        /// The key as sent.
        key: String,
        /// The offending text.
        found: String,
        /// What the grammar allows there.
        expected: &'static str,
    },
    /// A key of the grammar given twice with different values.
    #[error(
        "byte {position}: `{key}` given twice with different values (first at byte {first}); expected it once"
    )]
    DuplicateKey {
        /// Byte offset of the second occurrence.
        position: usize,
        /// The key as the grammar spells it.
        key: &'static str,
        /// Byte offset of the first occurrence.
        first: usize,
    },
    /// A deviation that strict mode rejects (lenient mode reports it as a warning).
    #[error("byte {position}: {kind}")]
    Irregular {
        /// Byte offset of the deviation.
        position: usize,
        /// What deviated.
        kind: ScopeIrregularity,
    },
}

impl ScopeError {
    /// Byte offset in the input where the problem starts.
    pub fn position(&self) -> usize {
        match self {
            ScopeError::MissingEquals { position, .. }
            | ScopeError::EmptyKey { position }
            | ScopeError::EmptyValue { position, .. }
            | ScopeError::InvalidValue { position, .. }
            | ScopeError::DuplicateKey { position, .. }
            | ScopeError::Irregular { position, .. } => *position,
        }
    }
}

/// A formatted scope longer than [`AUTHORIZATION_SCOPE_MAX_LEN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error(
    "scope is {length} characters; Authorization.scope holds at most {AUTHORIZATION_SCOPE_MAX_LEN}"
)]
pub struct ScopeTooLong {
    /// Length of the canonical form.
    pub length: usize,
}

impl Scope {
    /// Parses `input` leniently: the deviations of [`ScopeIrregularity`] are accepted and
    /// reported as warnings; anything else is an error.
    ///
    /// ```
    /// use espi_auth::{ScopeIrregularity, Scope};
    ///
    /// let parsed = Scope::parse("FB=4_5;BlockDuration=Daily; HistoryLength= 34128000;")?;
    /// let kinds: Vec<_> = parsed.warnings.iter().map(|w| (w.position, w.kind.clone())).collect();
    /// assert_eq!(kinds.len(), 4);
    /// assert_eq!(kinds[1], (27, ScopeIrregularity::Whitespace));
    /// assert_eq!(parsed.scope.to_string(), "FB=4_5;BlockDuration=daily;HistoryLength=34128000");
    /// # Ok::<(), espi_auth::ScopeError>(())
    /// ```
    pub fn parse(input: &str) -> Result<ParsedScope, ScopeError> {
        let mut parser = Parser {
            input,
            strict: false,
            warnings: Vec::new(),
        };
        let scope = parser.scope()?;
        // A repeated term is known to repeat only after its value (and that value's
        // warnings) is read.
        parser.warnings.sort_by_key(|warning| warning.position);
        Ok(ParsedScope {
            scope,
            warnings: parser.warnings,
        })
    }

    /// Parses `input` by the grammar: every [`ScopeIrregularity`] is an error
    /// ([`ScopeError::Irregular`]) with its byte position.
    ///
    /// ```
    /// use espi_auth::{ScopeIrregularity, Scope, ScopeError};
    ///
    /// let error = Scope::parse_strict("FB=4_5;BlockDuration=Daily").unwrap_err();
    /// assert_eq!(error.position(), 21);
    /// assert!(matches!(error, ScopeError::Irregular { kind: ScopeIrregularity::ValueCase { .. }, .. }));
    /// ```
    pub fn parse_strict(input: &str) -> Result<Scope, ScopeError> {
        let mut parser = Parser {
            input,
            strict: true,
            warnings: Vec::new(),
        };
        parser.scope()
    }

    /// Whether the canonical form fits Authorization.scope (at most 256 characters).
    pub fn fits_authorization(&self) -> bool {
        self.check_length().is_ok()
    }

    /// The canonical form's length checked against [`AUTHORIZATION_SCOPE_MAX_LEN`].
    ///
    /// The canonical form is ASCII, so its byte length is its character length.
    pub fn check_length(&self) -> Result<(), ScopeTooLong> {
        let length = self.to_string().len();
        if length <= AUTHORIZATION_SCOPE_MAX_LEN {
            Ok(())
        } else {
            Err(ScopeTooLong { length })
        }
    }

    /// Whether no term is present (the empty scope string).
    pub fn is_empty(&self) -> bool {
        *self == Scope::default()
    }
}

impl fmt::Display for Scope {
    /// Writes the canonical form (see [`Scope`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut terms = TermWriter { f, first: true };
        if !self.function_blocks.is_empty() {
            terms.start(Key::FunctionBlocks)?;
            terms.list(&self.function_blocks)?;
        }
        if !self.interval_duration.is_empty() {
            terms.start(Key::IntervalDuration)?;
            terms.list(&self.interval_duration)?;
        }
        if !self.block_duration.is_empty() {
            terms.start(Key::BlockDuration)?;
            terms.list(&self.block_duration)?;
        }
        if let Some(history) = self.history_length {
            terms.start(Key::HistoryLength)?;
            write!(terms.f, "{history}")?;
        }
        if let Some(frequency) = self.subscription_frequency {
            terms.start(Key::SubscriptionFrequency)?;
            write!(terms.f, "{frequency}")?;
        }
        if let Some(count) = self.account_collection {
            terms.start(Key::AccountCollection)?;
            write!(terms.f, "{count}")?;
        }
        if let Some(bulk_id) = &self.bulk_id {
            terms.start(Key::BulkId)?;
            write!(terms.f, "{bulk_id}")?;
        }
        for extension in &self.extensions {
            terms.separator()?;
            write!(terms.f, "{extension}")?;
        }
        Ok(())
    }
}

struct TermWriter<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    first: bool,
}

impl TermWriter<'_, '_> {
    fn separator(&mut self) -> fmt::Result {
        if !self.first {
            self.f.write_str(";")?;
        }
        self.first = false;
        Ok(())
    }

    fn start(&mut self, key: Key) -> fmt::Result {
        self.separator()?;
        write!(self.f, "{}=", key.as_str())
    }

    fn list<T: fmt::Display>(&mut self, items: &[T]) -> fmt::Result {
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.f.write_str("_")?;
            }
            write!(self.f, "{item}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
