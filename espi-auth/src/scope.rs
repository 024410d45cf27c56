//! The ESPI scope grammar ([`Scope`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The longest scope an Authorization (and each ApplicationInformation offer) may carry:
/// `scope` is a `String256` (espi-reference §4.2, §4.3).
pub const AUTHORIZATION_SCOPE_MAX_LEN: usize = 256;

/// The largest `HistoryLength` read as months rather than seconds.
///
/// Some samples write `HistoryLength=13` meaning 13 months (espi-reference §3.5), while
/// the grammar says seconds. 120 seconds of history is shorter than any interval a Data
/// Custodian publishes, and 120 months (10 years) is longer than any program offers
/// (PG&E's 48 months is the longest in espi-reference §5), so the two readings never
/// overlap below or at this value.
pub const MONTHS_THRESHOLD: u64 = 120;

/// A named period of espi-reference §3.5 (`namedFrequency`), also used for block lengths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NamedFrequency {
    /// `billingPeriod`: one billing cycle.
    BillingPeriod,
    /// `daily`.
    Daily,
    /// `monthly`.
    Monthly,
    /// `seasonal`.
    Seasonal,
    /// `weekly`.
    Weekly,
}

impl NamedFrequency {
    /// Every named frequency, in the order of the grammar.
    pub const ALL: [NamedFrequency; 5] = [
        NamedFrequency::BillingPeriod,
        NamedFrequency::Daily,
        NamedFrequency::Monthly,
        NamedFrequency::Seasonal,
        NamedFrequency::Weekly,
    ];

    /// The spelling of the grammar (`billingPeriod`, `daily`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            NamedFrequency::BillingPeriod => "billingPeriod",
            NamedFrequency::Daily => "daily",
            NamedFrequency::Monthly => "monthly",
            NamedFrequency::Seasonal => "seasonal",
            NamedFrequency::Weekly => "weekly",
        }
    }

    /// The frequency spelled `text` in any case (`Daily`, `BILLINGPERIOD`).
    pub fn from_str_ignore_case(text: &str) -> Option<NamedFrequency> {
        NamedFrequency::ALL
            .into_iter()
            .find(|named| named.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for NamedFrequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `namedOrNumber` value: a number of seconds or a [`NamedFrequency`]
/// (IntervalDuration, BlockDuration, SubscriptionFrequency; espi-reference §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    /// A length in seconds (`900`, `3600`).
    Seconds(u64),
    /// A named period (`daily`, `billingPeriod`).
    Named(NamedFrequency),
}

impl fmt::Display for Period {
    /// Writes the wire form: `3600` or `daily`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Seconds(seconds) => write!(f, "{seconds}"),
            Period::Named(named) => f.write_str(named.as_str()),
        }
    }
}

/// How a [`HistoryLength`] is to be understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HistoryUnit {
    /// The value is seconds, as the grammar says.
    Seconds,
    /// The value is calendar months (a value of at most [`MONTHS_THRESHOLD`]).
    Months,
}

/// The `HistoryLength` term: how much history the scope reaches back.
///
/// The wire value is kept as sent, so formatting never invents a month length: a
/// value above [`MONTHS_THRESHOLD`] is seconds, a value at or below it is calendar
/// months (espi-reference §3.5 shows `HistoryLength=13`). Converting months to seconds
/// is left to the window rules, which count calendar months.
///
/// ```
/// use espi_auth::{HistoryLength, HistoryUnit};
///
/// assert_eq!(HistoryLength::from_wire(13).unit(), HistoryUnit::Months);
/// assert_eq!(HistoryLength::from_wire(34_128_000).unit(), HistoryUnit::Seconds);
/// assert_eq!(HistoryLength::from_wire(94_608_000).days(), Some(1095));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HistoryLength(u64);

impl HistoryLength {
    /// The term as written after `HistoryLength=`.
    pub fn from_wire(value: u64) -> HistoryLength {
        HistoryLength(value)
    }

    /// The value as written after `HistoryLength=`.
    pub fn wire_value(self) -> u64 {
        self.0
    }

    /// Whether the value is seconds or months (see [`MONTHS_THRESHOLD`]).
    pub fn unit(self) -> HistoryUnit {
        if self.0 <= MONTHS_THRESHOLD {
            HistoryUnit::Months
        } else {
            HistoryUnit::Seconds
        }
    }

    /// The number of calendar months when the value is months.
    pub fn months(self) -> Option<u64> {
        (self.unit() == HistoryUnit::Months).then_some(self.0)
    }

    /// The number of seconds when the value is seconds.
    pub fn seconds(self) -> Option<u64> {
        (self.unit() == HistoryUnit::Seconds).then_some(self.0)
    }

    /// Whole days when the value is seconds (rounded down).
    pub fn days(self) -> Option<u64> {
        self.seconds().map(|seconds| seconds / 86_400)
    }
}

impl fmt::Display for HistoryLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a [`BulkId`] or [`ExtensionTerm`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TermError {
    /// A bulk id is one or more of `0-9`, `A-Z`, `a-z`, `-` (espi-reference §3.5 `brId`).
    #[error("`{0}` is not a bulk id; expected one or more of 0-9, A-Z, a-z, `-`")]
    InvalidBulkId(String),
    /// An unknown key is one or more of `0-9`, `A-Z`, `a-z`, `_`, `-`, `.`.
    #[error("`{0}` is not a term key; expected one or more of 0-9, A-Z, a-z, `_`, `-`, `.`")]
    InvalidKey(String),
    /// The key is one of the grammar's (in some case): it has a typed field in [`Scope`].
    #[error("`{0}` is a key of the scope grammar, not an extension")]
    ReservedKey(String),
    /// An unknown term's value is one or more printable ASCII characters other than `;`.
    #[error("`{0}` is not a term value; expected printable ASCII without spaces or `;`")]
    InvalidValue(String),
}

/// The `BR` term: the `{bulkId}` of `Batch/Bulk/{bulkId}` (espi-reference §3.5).
///
/// Deserialization goes through [`BulkId::new`], so a deserialized id formats and parses back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BulkId(String);

impl TryFrom<String> for BulkId {
    type Error = TermError;

    fn try_from(id: String) -> Result<BulkId, TermError> {
        BulkId::new(&id)
    }
}

impl From<BulkId> for String {
    fn from(id: BulkId) -> String {
        id.0
    }
}

impl BulkId {
    /// A bulk id, checked against the grammar (`0-9`, `A-Z`, `a-z`, `-`; not empty).
    ///
    /// ```
    /// use espi_auth::BulkId;
    ///
    /// assert_eq!(BulkId::new("1")?.as_str(), "1");
    /// assert!(BulkId::new("a b").is_err());
    /// # Ok::<(), espi_auth::TermError>(())
    /// ```
    pub fn new(id: &str) -> Result<BulkId, TermError> {
        if !id.is_empty() && id.bytes().all(is_bulk_id_byte) {
            Ok(BulkId(id.to_string()))
        } else {
            Err(TermError::InvalidBulkId(id.to_string()))
        }
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BulkId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `key=value` term the grammar does not define, kept as sent (UtilityAPI
/// `PreferredAuthEndDate`, PG&E `AdditionalScope` and `dataCustodianId`; espi-reference §3.5).
///
/// Deserialization goes through [`ExtensionTerm::new`], so a deserialized term formats and
/// parses back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "UncheckedExtensionTerm")]
pub struct ExtensionTerm {
    key: String,
    value: String,
}

/// The serde shape of [`ExtensionTerm`] before its checks.
#[derive(Deserialize)]
struct UncheckedExtensionTerm {
    key: String,
    value: String,
}

impl TryFrom<UncheckedExtensionTerm> for ExtensionTerm {
    type Error = TermError;

    fn try_from(term: UncheckedExtensionTerm) -> Result<ExtensionTerm, TermError> {
        ExtensionTerm::new(&term.key, &term.value)
    }
}

impl ExtensionTerm {
    /// An extension term, checked so that it formats and parses back unchanged.
    ///
    /// ```
    /// use espi_auth::ExtensionTerm;
    ///
    /// let term = ExtensionTerm::new("AdditionalScope", "noedit_meters-all")?;
    /// assert_eq!(term.to_string(), "AdditionalScope=noedit_meters-all");
    /// assert!(ExtensionTerm::new("br", "1").is_err()); // a grammar key, in another case
    /// # Ok::<(), espi_auth::TermError>(())
    /// ```
    pub fn new(key: &str, value: &str) -> Result<ExtensionTerm, TermError> {
        if key.is_empty() || !key.bytes().all(is_extension_key_byte) {
            return Err(TermError::InvalidKey(key.to_string()));
        }
        if Key::from_str_ignore_case(key).is_some() {
            return Err(TermError::ReservedKey(key.to_string()));
        }
        if value.is_empty() || !value.bytes().all(is_extension_value_byte) {
            return Err(TermError::InvalidValue(value.to_string()));
        }
        Ok(ExtensionTerm {
            key: key.to_string(),
            value: value.to_string(),
        })
    }

    /// The key as sent.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value as sent.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for ExtensionTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

fn is_bulk_id_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-'
}

fn is_extension_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')
}

fn is_extension_value_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() && byte != b';'
}

/// A parsed ESPI scope string (espi-reference §3.5).
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
/// The grammar is that of espi-reference §3.5:
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
///   GBA fixtures and the scopes returned with tokens do not (espi-reference §3.5), and a
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

/// A deviation from the grammar seen in real scope strings (espi-reference §3.5):
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

/// The keys of the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    FunctionBlocks,
    IntervalDuration,
    BlockDuration,
    HistoryLength,
    SubscriptionFrequency,
    AccountCollection,
    BulkId,
}

impl Key {
    const ALL: [Key; 7] = [
        Key::FunctionBlocks,
        Key::IntervalDuration,
        Key::BlockDuration,
        Key::HistoryLength,
        Key::SubscriptionFrequency,
        Key::AccountCollection,
        Key::BulkId,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Key::FunctionBlocks => "FB",
            Key::IntervalDuration => "IntervalDuration",
            Key::BlockDuration => "BlockDuration",
            Key::HistoryLength => "HistoryLength",
            Key::SubscriptionFrequency => "SubscriptionFrequency",
            Key::AccountCollection => "AccountCollection",
            Key::BulkId => "BR",
        }
    }

    fn from_str_ignore_case(text: &str) -> Option<Key> {
        Key::ALL
            .into_iter()
            .find(|key| key.as_str().eq_ignore_ascii_case(text))
    }

    /// The group of the grammar: FBTerms, ValueTerms, ResourceTerms (espi-reference §3.5).
    fn group(self) -> u8 {
        match self {
            Key::FunctionBlocks => 0,
            Key::IntervalDuration
            | Key::BlockDuration
            | Key::HistoryLength
            | Key::SubscriptionFrequency => 1,
            Key::AccountCollection | Key::BulkId => 2,
        }
    }
}

/// The value of one grammar term, before it is put in the [`Scope`].
enum Value {
    FunctionBlocks(Vec<u16>),
    IntervalDuration(Vec<Period>),
    BlockDuration(Vec<Period>),
    HistoryLength(HistoryLength),
    SubscriptionFrequency(Period),
    AccountCollection(u64),
    BulkId(BulkId),
}

impl Value {
    fn set(self, scope: &mut Scope) {
        match self {
            Value::FunctionBlocks(blocks) => scope.function_blocks = blocks,
            Value::IntervalDuration(periods) => scope.interval_duration = periods,
            Value::BlockDuration(periods) => scope.block_duration = periods,
            Value::HistoryLength(history) => scope.history_length = Some(history),
            Value::SubscriptionFrequency(period) => scope.subscription_frequency = Some(period),
            Value::AccountCollection(count) => scope.account_collection = Some(count),
            Value::BulkId(id) => scope.bulk_id = Some(id),
        }
    }

    /// Whether `scope` already holds this value (a list as a set: order and repeats
    /// do not change what it grants).
    fn same_as_in(&self, scope: &Scope) -> bool {
        fn same_set<T: PartialEq>(a: &[T], b: &[T]) -> bool {
            a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
        }
        match self {
            Value::FunctionBlocks(blocks) => same_set(blocks, &scope.function_blocks),
            Value::IntervalDuration(periods) => same_set(periods, &scope.interval_duration),
            Value::BlockDuration(periods) => same_set(periods, &scope.block_duration),
            Value::HistoryLength(history) => scope.history_length == Some(*history),
            Value::SubscriptionFrequency(period) => scope.subscription_frequency == Some(*period),
            Value::AccountCollection(count) => scope.account_collection == Some(*count),
            Value::BulkId(id) => scope.bulk_id.as_ref() == Some(id),
        }
    }
}

/// One parse of one input; `strict` decides whether an [`ScopeIrregularity`] is a warning or an error.
struct Parser<'a> {
    input: &'a str,
    strict: bool,
    warnings: Vec<ScopeWarning>,
}

/// A piece of the input with its byte offset.
#[derive(Clone, Copy)]
struct Span<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Span<'a> {
    /// Splits on `separator`, keeping each piece's offset.
    fn split(self, separator: char) -> impl Iterator<Item = Span<'a>> {
        let base = self.position;
        let text = self.text;
        // `split` yields consecutive pieces, so each offset is the previous end plus one.
        let mut next = 0;
        text.split(separator).map(move |piece| {
            let span = Span {
                text: piece,
                position: base + next,
            };
            next += piece.len() + separator.len_utf8();
            span
        })
    }
}

fn is_space(c: char) -> bool {
    c.is_ascii_whitespace()
}

impl Parser<'_> {
    fn tolerate(&mut self, position: usize, kind: ScopeIrregularity) -> Result<(), ScopeError> {
        if self.strict {
            Err(ScopeError::Irregular { position, kind })
        } else {
            self.warnings.push(ScopeWarning { position, kind });
            Ok(())
        }
    }

    /// Removes leading whitespace, tolerating it where present.
    fn trim_start<'s>(&mut self, span: Span<'s>) -> Result<Span<'s>, ScopeError> {
        let text = span.text.trim_start_matches(is_space);
        let leading = span.text.len() - text.len();
        if leading > 0 {
            self.tolerate(span.position, ScopeIrregularity::Whitespace)?;
        }
        Ok(Span {
            text,
            position: span.position + leading,
        })
    }

    /// Removes trailing whitespace, tolerating it where present.
    fn trim_end<'s>(&mut self, span: Span<'s>) -> Result<Span<'s>, ScopeError> {
        let text = span.text.trim_end_matches(is_space);
        if text.len() < span.text.len() {
            self.tolerate(span.position + text.len(), ScopeIrregularity::Whitespace)?;
        }
        Ok(Span {
            text,
            position: span.position,
        })
    }

    fn scope(&mut self) -> Result<Scope, ScopeError> {
        let mut scope = Scope::default();
        let whole = Span {
            text: self.input,
            position: 0,
        };
        let terms: Vec<Span<'_>> = whole.split(';').collect();
        // Where each grammar key was first seen, for duplicates.
        let mut seen: Vec<(Key, usize)> = Vec::new();
        let mut previous_empty = false;
        for (index, raw) in terms.iter().enumerate() {
            let is_last = index + 1 == terms.len();
            if raw.text.trim_matches(is_space).is_empty() {
                self.trim_start(*raw)?;
                if !is_last {
                    self.tolerate(raw.position, ScopeIrregularity::EmptyTerm)?;
                } else if index > 0 && !previous_empty {
                    // The empty piece after a final `;`; after an empty term, that `;`
                    // was reported as ending it.
                    self.tolerate(raw.position - 1, ScopeIrregularity::TrailingDelimiter)?;
                }
                previous_empty = true;
                continue;
            }
            previous_empty = false;
            // Whitespace is tolerated in input order: before the key, after the key,
            // before the value, after the value.
            let term = self.trim_start(*raw)?;
            self.term(term, &mut scope, &mut seen)?;
        }
        Ok(scope)
    }

    fn term(
        &mut self,
        term: Span<'_>,
        scope: &mut Scope,
        seen: &mut Vec<(Key, usize)>,
    ) -> Result<(), ScopeError> {
        let Some(equals) = term.text.find('=') else {
            return Err(ScopeError::MissingEquals {
                position: term.position,
                term: term.text.to_string(),
            });
        };
        let raw_key = Span {
            text: &term.text[..equals],
            position: term.position,
        };
        let raw_value = Span {
            text: &term.text[equals + 1..],
            position: term.position + equals + 1,
        };
        let key = self.trim_end(raw_key)?;
        if key.text.is_empty() {
            return Err(ScopeError::EmptyKey {
                position: term.position + equals,
            });
        }
        let key_text = key.text;
        let value = self.trim_start(raw_value)?;
        let value = self.trim_end(value)?;
        if value.text.is_empty() {
            return Err(ScopeError::EmptyValue {
                position: value.position,
                key: key_text.to_string(),
            });
        }

        let Some(key) = Key::from_str_ignore_case(key_text) else {
            return self.extension(key_text, term.position, value, scope);
        };
        if key.as_str() != key_text {
            self.tolerate(
                term.position,
                ScopeIrregularity::KeyCase {
                    found: key_text.to_string(),
                    expected: key.as_str(),
                },
            )?;
        }
        // espi-reference §3.5: FBTerms, then ValueTerms, then ResourceTerms.
        if let Some(&(later, _)) = seen.iter().find(|(k, _)| k.group() > key.group()) {
            self.tolerate(
                term.position,
                ScopeIrregularity::TermOutOfOrder {
                    key: key.as_str(),
                    after: later.as_str(),
                },
            )?;
        }
        let parsed = self.value(key, key_text, value)?;
        match seen.iter().find(|(k, _)| *k == key) {
            None => {
                seen.push((key, term.position));
                parsed.set(scope);
                Ok(())
            }
            Some(&(_, first)) if parsed.same_as_in(scope) => self.tolerate(
                term.position,
                ScopeIrregularity::DuplicateTerm {
                    key: key.as_str(),
                    first,
                },
            ),
            Some(&(_, first)) => Err(ScopeError::DuplicateKey {
                position: term.position,
                key: key.as_str(),
                first,
            }),
        }
    }

    /// The value of a grammar term.
    fn value(&mut self, key: Key, key_text: &str, value: Span<'_>) -> Result<Value, ScopeError> {
        Ok(match key {
            Key::FunctionBlocks => Value::FunctionBlocks(self.function_blocks(key_text, value)?),
            Key::IntervalDuration => Value::IntervalDuration(self.periods(key, key_text, value)?),
            Key::BlockDuration => Value::BlockDuration(self.periods(key, key_text, value)?),
            Key::HistoryLength => {
                let months_or_seconds = number(key_text, value)?;
                if months_or_seconds <= MONTHS_THRESHOLD {
                    self.tolerate(
                        value.position,
                        ScopeIrregularity::HistoryLengthInMonths {
                            value: months_or_seconds,
                        },
                    )?;
                }
                Value::HistoryLength(HistoryLength(months_or_seconds))
            }
            Key::SubscriptionFrequency => {
                Value::SubscriptionFrequency(self.period(key_text, value)?)
            }
            Key::AccountCollection => Value::AccountCollection(number(key_text, value)?),
            Key::BulkId => {
                if let Some(bad) = value.text.bytes().position(|b| !is_bulk_id_byte(b)) {
                    return Err(ScopeError::InvalidValue {
                        position: value.position + bad,
                        key: key_text.to_string(),
                        found: value.text.to_string(),
                        expected: "a bulk id of 0-9, A-Z, a-z and `-`",
                    });
                }
                Value::BulkId(BulkId(value.text.to_string()))
            }
        })
    }

    fn extension(
        &mut self,
        key: &str,
        key_position: usize,
        value: Span<'_>,
        scope: &mut Scope,
    ) -> Result<(), ScopeError> {
        if let Some(bad) = key.bytes().position(|b| !is_extension_key_byte(b)) {
            return Err(ScopeError::InvalidValue {
                position: key_position + bad,
                key: key.to_string(),
                found: key.to_string(),
                expected: "a key of 0-9, A-Z, a-z, `_`, `-` and `.`",
            });
        }
        if let Some(bad) = value.text.bytes().position(|b| !is_extension_value_byte(b)) {
            return Err(ScopeError::InvalidValue {
                position: value.position + bad,
                key: key.to_string(),
                found: value.text.to_string(),
                expected: "printable ASCII without spaces",
            });
        }
        scope.extensions.push(ExtensionTerm {
            key: key.to_string(),
            value: value.text.to_string(),
        });
        Ok(())
    }

    /// The items of a `_`-separated list, trimmed; empty items and whitespace around
    /// items are tolerated, a list without any item is [`ScopeError::EmptyValue`].
    fn list_items<'s>(&mut self, key: Key, value: Span<'s>) -> Result<Vec<Span<'s>>, ScopeError> {
        let mut items = Vec::new();
        for item in value.split('_') {
            let trimmed = self.trim_start(item)?;
            let trimmed = self.trim_end(trimmed)?;
            if trimmed.text.is_empty() {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::EmptyListItem { key: key.as_str() },
                )?;
            } else {
                items.push(trimmed);
            }
        }
        if items.is_empty() {
            return Err(ScopeError::EmptyValue {
                position: value.position,
                key: key.as_str().to_string(),
            });
        }
        Ok(items)
    }

    fn function_blocks(&mut self, key: &str, value: Span<'_>) -> Result<Vec<u16>, ScopeError> {
        let mut numbers: Vec<u16> = Vec::new();
        for item in self.list_items(Key::FunctionBlocks, value)? {
            // espi-reference §3.4: FB ids are arbitrary positive integers, leading zeros allowed.
            let parsed = digits(item.text).and_then(|d| d.parse::<u16>().ok());
            let Some(number) = parsed else {
                return Err(ScopeError::InvalidValue {
                    position: item.position,
                    key: key.to_string(),
                    found: item.text.to_string(),
                    expected: "a Function Block number (0 to 65535)",
                });
            };
            if numbers.contains(&number) {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::DuplicateFunctionBlock { number },
                )?;
            } else if let Some(&previous) = numbers.last().filter(|&&p| p > number) {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::FunctionBlocksOutOfOrder {
                        previous,
                        found: number,
                    },
                )?;
            }
            numbers.push(number);
        }
        Ok(numbers)
    }

    fn periods(
        &mut self,
        key: Key,
        key_text: &str,
        value: Span<'_>,
    ) -> Result<Vec<Period>, ScopeError> {
        let mut periods: Vec<Period> = Vec::new();
        for item in self.list_items(key, value)? {
            let period = self.period(key_text, item)?;
            if periods.contains(&period) {
                self.tolerate(
                    item.position,
                    ScopeIrregularity::DuplicatePeriod {
                        key: key.as_str(),
                        period,
                    },
                )?;
            }
            periods.push(period);
        }
        Ok(periods)
    }

    fn period(&mut self, key: &str, item: Span<'_>) -> Result<Period, ScopeError> {
        if digits(item.text).is_some() {
            return number(key, item).map(Period::Seconds);
        }
        let Some(named) = NamedFrequency::from_str_ignore_case(item.text) else {
            return Err(ScopeError::InvalidValue {
                position: item.position,
                key: key.to_string(),
                found: item.text.to_string(),
                expected: "a number of seconds or one of billingPeriod, daily, monthly, seasonal, weekly",
            });
        };
        if named.as_str() != item.text {
            self.tolerate(
                item.position,
                ScopeIrregularity::ValueCase {
                    found: item.text.to_string(),
                    expected: named,
                },
            )?;
        }
        Ok(Period::Named(named))
    }
}

/// `text` when it is one or more ASCII digits (`nonNegativeNumber`).
fn digits(text: &str) -> Option<&str> {
    (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())).then_some(text)
}

fn number(key: &str, value: Span<'_>) -> Result<u64, ScopeError> {
    digits(value.text)
        .and_then(|d| d.parse::<u64>().ok())
        .ok_or_else(|| ScopeError::InvalidValue {
            position: value.position,
            key: key.to_string(),
            found: value.text.to_string(),
            expected: "a non-negative number (at most 18446744073709551615)",
        })
}

/// The scopes an ApplicationInformation offers: each `<scope>` element is one alternative
/// (espi-reference §3.5; `scope maxOccurs=unbounded`, each a `String256`).
///
/// ```
/// use espi_auth::OfferedScopes;
///
/// let offers = OfferedScopes::parse([
///     "FB=1_3_4_5_13_31_37_39;IntervalDuration=900;BlockDuration=daily;HistoryLength=63072000",
///     "FB=1_3_4_10_13_15_31_37_39;IntervalDuration=3600;BlockDuration=Daily",
/// ])?;
/// assert_eq!(offers.scopes().len(), 2);
/// assert_eq!(offers.warnings().len(), 1);
/// assert_eq!(offers.warnings()[0].0, 1); // the second offer spells `Daily`
/// # Ok::<(), espi_auth::OfferError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferedScopes {
    scopes: Vec<Scope>,
    warnings: Vec<(usize, ScopeWarning)>,
}

/// An offered scope that could not be parsed, with its index among the offers.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("offered scope {index}: {error}")]
pub struct OfferError {
    /// Zero-based index of the offer.
    pub index: usize,
    /// Why it could not be parsed.
    #[source]
    pub error: ScopeError,
}

impl OfferedScopes {
    /// Parses each offer leniently, keeping the warnings with the offer's index.
    pub fn parse<I, S>(offers: I) -> Result<OfferedScopes, OfferError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut result = OfferedScopes::default();
        for (index, offer) in offers.into_iter().enumerate() {
            let parsed =
                Scope::parse(offer.as_ref()).map_err(|error| OfferError { index, error })?;
            result.scopes.push(parsed.scope);
            result
                .warnings
                .extend(parsed.warnings.into_iter().map(|w| (index, w)));
        }
        Ok(result)
    }

    /// Parses each offer strictly.
    pub fn parse_strict<I, S>(offers: I) -> Result<OfferedScopes, OfferError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut result = OfferedScopes::default();
        for (index, offer) in offers.into_iter().enumerate() {
            let scope =
                Scope::parse_strict(offer.as_ref()).map_err(|error| OfferError { index, error })?;
            result.scopes.push(scope);
        }
        Ok(result)
    }

    /// Offers already parsed, in order.
    pub fn from_scopes(scopes: Vec<Scope>) -> OfferedScopes {
        OfferedScopes {
            scopes,
            warnings: Vec::new(),
        }
    }

    /// The offers, in the order given.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// Each tolerated deviation with the index of its offer.
    pub fn warnings(&self) -> &[(usize, ScopeWarning)] {
        &self.warnings
    }

    /// The indexes of offers whose canonical form is longer than 256 characters.
    pub fn too_long(&self) -> Vec<usize> {
        self.scopes
            .iter()
            .enumerate()
            .filter(|(_, scope)| !scope.fits_authorization())
            .map(|(index, _)| index)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The published examples of espi-reference §3.5 and §2.4 that follow the grammar.
    const WELL_FORMED: &[&str] = &[
        "FB=1_3_4_5_13_14_15_19_37_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=94608000",
        "FB=1_3_4_5_13_14_15_16_19_37_39;IntervalDuration=monthly;BlockDuration=monthly;HistoryLength=94608000",
        "FB=1_3_4_5_10_11_35;BlockDuration=daily;BR=1",
        "FB=1_3_4_5_13_31_37_39",
        "FB=1_3_4_10_13_15_31_37_39",
        "FB=1_3_4_11_13_31_37_39",
        "FB=34_35",
        "FB=36_40",
        "FB=44",
        "FB=3_19_32_33_34_35_36_37_38_41_44_45",
        "FB=45",
        "FB=4_46",
        // UtilityAPI and PG&E extensions (§3.5 "production extensions").
        "FB=4_5_15;HistoryLength=63072000;PreferredAuthEndDate=0;AdditionalScope=noedit_meters-all",
        "FB=1_3_4_5_8_10_13_14_15_16_18_19_31_32_35_37_38_39_40_46_47;\
         AdditionalScope=Usage_Billing_Basic_Account_ProgramEnrollment;dataCustodianId=PGE;BR=ThirdParty-42",
    ];

    fn warnings(input: &str) -> Vec<(usize, ScopeIrregularity)> {
        let parsed = Scope::parse(input).expect("lenient parse");
        parsed
            .warnings
            .into_iter()
            .map(|w| (w.position, w.kind))
            .collect()
    }

    fn value_case(found: &str, expected: NamedFrequency) -> ScopeIrregularity {
        ScopeIrregularity::ValueCase {
            found: found.to_string(),
            expected,
        }
    }

    #[test]
    fn well_formed_examples_parse_strictly_and_format_back_unchanged() {
        for &example in WELL_FORMED {
            let scope = Scope::parse_strict(example).unwrap_or_else(|e| panic!("{example}: {e}"));
            let lenient = Scope::parse(example).expect("lenient");
            assert!(
                lenient.warnings.is_empty(),
                "{example}: {:?}",
                lenient.warnings
            );
            assert_eq!(lenient.scope, scope);
            if scope.extensions.is_empty() || example.starts_with("FB=4_5_15") {
                assert_eq!(scope.to_string(), example);
            }
            assert!(scope.fits_authorization());
        }
    }

    #[test]
    fn fields_of_a_published_authorization() {
        let scope = Scope::parse_strict(WELL_FORMED[1]).expect("strict");
        assert_eq!(
            scope.function_blocks,
            vec![1, 3, 4, 5, 13, 14, 15, 16, 19, 37, 39]
        );
        assert_eq!(
            scope.interval_duration,
            vec![Period::Named(NamedFrequency::Monthly)]
        );
        assert_eq!(
            scope.block_duration,
            vec![Period::Named(NamedFrequency::Monthly)]
        );
        assert_eq!(scope.history_length.and_then(|h| h.days()), Some(1095));
        assert_eq!(scope.bulk_id, None);
        let utility_api = Scope::parse_strict(WELL_FORMED[12]).expect("strict");
        assert_eq!(utility_api.extensions[0].key(), "PreferredAuthEndDate");
        assert_eq!(utility_api.extensions[1].value(), "noedit_meters-all");
        // Unknown terms go last in canonical form; PG&E's BR moves before them.
        let pge = Scope::parse_strict(WELL_FORMED[13]).expect("strict");
        assert!(pge.to_string().ends_with(
            "BR=ThirdParty-42;AdditionalScope=Usage_Billing_Basic_Account_ProgramEnrollment;dataCustodianId=PGE"
        ));
    }

    #[test]
    fn dc_offer_with_capitals_and_trailing_delimiter() {
        let input = "FB=1_3_4_5_8_13_18_19_31_34_35_39;IntervalDuration=900_3600;BlockDuration=Daily;\
                     HistoryLength=34128000;SubscriptionFrequency=Daily;AccountCollection=5;BR=1;";
        assert_eq!(
            warnings(input),
            vec![
                (74, value_case("Daily", NamedFrequency::Daily)),
                (125, value_case("Daily", NamedFrequency::Daily)),
                (input.len() - 1, ScopeIrregularity::TrailingDelimiter),
            ]
        );
        assert_eq!(&input[60..79], "BlockDuration=Daily");
        assert_eq!(&input[103..130], "SubscriptionFrequency=Daily");
        let scope = Scope::parse(input).expect("lenient").scope;
        assert_eq!(
            scope.interval_duration,
            vec![Period::Seconds(900), Period::Seconds(3600)]
        );
        assert_eq!(scope.account_collection, Some(5));
        assert_eq!(
            scope.to_string(),
            "FB=1_3_4_5_8_13_18_19_31_34_35_39;IntervalDuration=900_3600;BlockDuration=daily;\
             HistoryLength=34128000;SubscriptionFrequency=daily;AccountCollection=5;BR=1"
        );
        assert_eq!(
            Scope::parse_strict(input),
            Err(ScopeError::Irregular {
                position: 74,
                kind: value_case("Daily", NamedFrequency::Daily)
            })
        );
    }

    #[test]
    fn openespi_sample_history_in_months() {
        let input = "FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13";
        let at = input.len() - 2;
        assert_eq!(
            warnings(input),
            vec![(at, ScopeIrregularity::HistoryLengthInMonths { value: 13 })]
        );
        let scope = Scope::parse(input).expect("lenient").scope;
        assert_eq!(scope.history_length.and_then(|h| h.months()), Some(13));
        // Formatting keeps the wire value: no month length is invented.
        assert_eq!(scope.to_string(), input);
        assert_eq!(
            Scope::parse_strict(input).map_err(|e| e.position()),
            Err(at)
        );
    }

    #[test]
    fn months_threshold_boundary() {
        let at = |v: u64| warnings(&format!("HistoryLength={v}"));
        assert_eq!(
            at(120),
            vec![(14, ScopeIrregularity::HistoryLengthInMonths { value: 120 })]
        );
        assert_eq!(
            at(0),
            vec![(14, ScopeIrregularity::HistoryLengthInMonths { value: 0 })]
        );
        assert!(at(121).is_empty());
        assert_eq!(HistoryLength::from_wire(121).unit(), HistoryUnit::Seconds);
    }

    #[test]
    fn spaces_after_delimiter_and_around_equals() {
        let input = "FB=4_5; BlockDuration=Daily; HistoryLength= 34128000";
        assert_eq!(
            warnings(input),
            vec![
                (7, ScopeIrregularity::Whitespace),
                (22, value_case("Daily", NamedFrequency::Daily)),
                (28, ScopeIrregularity::Whitespace),
                (43, ScopeIrregularity::Whitespace),
            ]
        );
        assert_eq!(
            warnings(" FB = 4 ;"),
            vec![
                (0, ScopeIrregularity::Whitespace),
                (3, ScopeIrregularity::Whitespace),
                (5, ScopeIrregularity::Whitespace),
                (7, ScopeIrregularity::Whitespace),
                (8, ScopeIrregularity::TrailingDelimiter),
            ]
        );
        assert_eq!(
            Scope::parse_strict("FB=4_5; BlockDuration=daily"),
            Err(ScopeError::Irregular {
                position: 7,
                kind: ScopeIrregularity::Whitespace
            })
        );
        assert_eq!(
            Scope::parse_strict("FB=4_5;HistoryLength =34128000").map_err(|e| e.position()),
            Err(20)
        );
    }

    #[test]
    fn capitalised_block_list_and_key_case() {
        let input = "fb=4_5;BlockDuration=Daily_BillingPeriod_Weekly_Monthly";
        assert_eq!(
            warnings(input),
            vec![
                (
                    0,
                    ScopeIrregularity::KeyCase {
                        found: "fb".to_string(),
                        expected: "FB"
                    }
                ),
                (21, value_case("Daily", NamedFrequency::Daily)),
                (
                    27,
                    value_case("BillingPeriod", NamedFrequency::BillingPeriod)
                ),
                (41, value_case("Weekly", NamedFrequency::Weekly)),
                (48, value_case("Monthly", NamedFrequency::Monthly)),
            ]
        );
        assert_eq!(
            Scope::parse(input).expect("lenient").scope.to_string(),
            "FB=4_5;BlockDuration=daily_billingPeriod_weekly_monthly"
        );
        assert_eq!(Scope::parse_strict(input).map_err(|e| e.position()), Err(0));
        assert_eq!(
            Scope::parse_strict("FB=4;historyLength=34128000").map_err(|e| e.position()),
            Err(5)
        );
    }

    #[test]
    fn function_blocks_out_of_order_and_repeated() {
        let input = "FB=4_15_5_4";
        assert_eq!(
            warnings(input),
            vec![
                (
                    8,
                    ScopeIrregularity::FunctionBlocksOutOfOrder {
                        previous: 15,
                        found: 5
                    }
                ),
                (10, ScopeIrregularity::DuplicateFunctionBlock { number: 4 }),
            ]
        );
        // Lenient keeps the order given; canonical form does not reorder.
        assert_eq!(
            Scope::parse(input).expect("lenient").scope.function_blocks,
            vec![4, 15, 5, 4]
        );
        assert_eq!(Scope::parse_strict(input).map_err(|e| e.position()), Err(8));
        // Leading zeros are numbers like any other (espi-reference §3.4).
        assert_eq!(
            Scope::parse_strict("FB=01_04").map(|s| s.function_blocks),
            Ok(vec![1, 4])
        );
    }

    #[test]
    fn term_order_is_fb_then_values_then_resources() {
        let input = "BR=1;FB=35;HistoryLength=34128000";
        assert_eq!(
            warnings(input),
            vec![
                (
                    5,
                    ScopeIrregularity::TermOutOfOrder {
                        key: "FB",
                        after: "BR"
                    }
                ),
                (
                    11,
                    ScopeIrregularity::TermOutOfOrder {
                        key: "HistoryLength",
                        after: "BR"
                    }
                ),
            ]
        );
        assert_eq!(Scope::parse_strict(input).map_err(|e| e.position()), Err(5));
        // Value terms may come in any order among themselves; unknown terms anywhere.
        assert!(
            Scope::parse_strict("X=1;HistoryLength=34128000;IntervalDuration=900;BR=1;Y=2").is_ok()
        );
    }

    /// An input, the warnings of its lenient parse and its canonical form.
    type Tolerated = (&'static str, Vec<(usize, ScopeIrregularity)>, &'static str);

    /// Every irregularity lenient parsing tolerates. Strict parsing rejects each input
    /// at its first warning.
    fn tolerated() -> Vec<Tolerated> {
        use ScopeIrregularity::*;
        let duplicate = |key, first| DuplicateTerm { key, first };
        vec![
            ("FB=4;", vec![(4, TrailingDelimiter)], "FB=4"),
            ("FB=4;;BR=1", vec![(5, EmptyTerm)], "FB=4;BR=1"),
            (";FB=4", vec![(0, EmptyTerm)], "FB=4"),
            ("FB=4;;", vec![(5, EmptyTerm)], "FB=4"),
            (
                "FB=4; ;BR=1",
                vec![(5, Whitespace), (5, EmptyTerm)],
                "FB=4;BR=1",
            ),
            (";", vec![(0, EmptyTerm)], ""),
            (
                " FB = 4",
                vec![(0, Whitespace), (3, Whitespace), (5, Whitespace)],
                "FB=4",
            ),
            ("FB=4_ 5", vec![(5, Whitespace)], "FB=4_5"),
            ("FB=4 _5", vec![(4, Whitespace)], "FB=4_5"),
            ("FB=4__5", vec![(5, EmptyListItem { key: "FB" })], "FB=4_5"),
            ("FB=_4_5", vec![(3, EmptyListItem { key: "FB" })], "FB=4_5"),
            ("FB=4_5_", vec![(7, EmptyListItem { key: "FB" })], "FB=4_5"),
            (
                "IntervalDuration=900__3600_",
                vec![
                    (
                        21,
                        EmptyListItem {
                            key: "IntervalDuration",
                        },
                    ),
                    (
                        27,
                        EmptyListItem {
                            key: "IntervalDuration",
                        },
                    ),
                ],
                "IntervalDuration=900_3600",
            ),
            (
                "fb=4",
                vec![(
                    0,
                    KeyCase {
                        found: "fb".into(),
                        expected: "FB",
                    },
                )],
                "FB=4",
            ),
            (
                "BlockDuration=Daily",
                vec![(14, value_case("Daily", NamedFrequency::Daily))],
                "BlockDuration=daily",
            ),
            (
                "FB=5_4",
                vec![(
                    5,
                    FunctionBlocksOutOfOrder {
                        previous: 5,
                        found: 4,
                    },
                )],
                "FB=5_4",
            ),
            (
                "FB=4_4",
                vec![(5, DuplicateFunctionBlock { number: 4 })],
                "FB=4_4",
            ),
            (
                "IntervalDuration=900_900",
                vec![(
                    21,
                    DuplicatePeriod {
                        key: "IntervalDuration",
                        period: Period::Seconds(900),
                    },
                )],
                "IntervalDuration=900_900",
            ),
            (
                "BlockDuration=daily_Daily",
                vec![
                    (20, value_case("Daily", NamedFrequency::Daily)),
                    (
                        20,
                        DuplicatePeriod {
                            key: "BlockDuration",
                            period: Period::Named(NamedFrequency::Daily),
                        },
                    ),
                ],
                "BlockDuration=daily_daily",
            ),
            ("FB=4_5;FB=4_5", vec![(7, duplicate("FB", 0))], "FB=4_5"),
            // The same set in another order and case; the first spelling is kept.
            (
                "FB=4_5;fb=5_4",
                vec![
                    (
                        7,
                        KeyCase {
                            found: "fb".into(),
                            expected: "FB",
                        },
                    ),
                    (7, duplicate("FB", 0)),
                    (
                        12,
                        FunctionBlocksOutOfOrder {
                            previous: 5,
                            found: 4,
                        },
                    ),
                ],
                "FB=4_5",
            ),
            ("BR=1;BR=1", vec![(5, duplicate("BR", 0))], "BR=1"),
            (
                "HistoryLength=34128000;HistoryLength=034128000",
                vec![(23, duplicate("HistoryLength", 0))],
                "HistoryLength=34128000",
            ),
            (
                "FB=4;BR=1;FB=4",
                vec![
                    (
                        10,
                        TermOutOfOrder {
                            key: "FB",
                            after: "BR",
                        },
                    ),
                    (10, duplicate("FB", 0)),
                ],
                "FB=4;BR=1",
            ),
            (
                "HistoryLength=13",
                vec![(14, HistoryLengthInMonths { value: 13 })],
                "HistoryLength=13",
            ),
            (
                "BR=1;FB=4",
                vec![(
                    5,
                    TermOutOfOrder {
                        key: "FB",
                        after: "BR",
                    },
                )],
                "FB=4;BR=1",
            ),
        ]
    }

    #[test]
    fn each_tolerated_irregularity_is_a_positioned_warning_and_a_strict_error() {
        for (input, expected, canonical) in tolerated() {
            let parsed = Scope::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            let got: Vec<(usize, ScopeIrregularity)> = parsed
                .warnings
                .iter()
                .map(|w| (w.position, w.kind.clone()))
                .collect();
            assert_eq!(got, expected, "{input:?}");
            assert_eq!(parsed.scope.to_string(), canonical, "{input:?}");
            // The canonical form means the same.
            assert_eq!(
                Scope::parse(canonical).map(|p| p.scope),
                Ok(parsed.scope),
                "{input:?}"
            );
            let (position, kind) = expected[0].clone();
            assert_eq!(
                Scope::parse_strict(input),
                Err(ScopeError::Irregular { position, kind }),
                "{input:?}"
            );
        }
    }

    #[test]
    fn leading_zeros_are_decimal_numbers_in_both_modes() {
        let input =
            "FB=01_004;IntervalDuration=0900;HistoryLength=034128000;AccountCollection=05;BR=01";
        let scope = Scope::parse_strict(input).expect("grammatical");
        assert_eq!(
            Scope::parse(input).map(|p| (p.scope, p.warnings)),
            Ok((scope.clone(), Vec::new()))
        );
        // A bulk id is not a number: its zero stays.
        assert_eq!(
            scope.to_string(),
            "FB=1_4;IntervalDuration=900;HistoryLength=34128000;AccountCollection=5;BR=01"
        );
        assert_eq!(
            Scope::parse("HistoryLength=013")
                .map(|p| p.scope.history_length.and_then(|h| h.months())),
            Ok(Some(13))
        );
    }

    #[test]
    fn duplicate_keys_are_errors_in_both_modes() {
        let input = "FB=4;IntervalDuration=900;intervalduration=3600";
        let expected = Err(ScopeError::DuplicateKey {
            position: 26,
            key: "IntervalDuration",
            first: 5,
        });
        assert_eq!(Scope::parse(input).map(|p| p.scope), expected);
        // Strict stops earlier, at the key's case.
        assert_eq!(
            Scope::parse_strict(input).map_err(|e| e.position()),
            Err(26)
        );
        // Another value is ambiguous whatever the spelling: which one would be granted?
        for (input, position, first) in [
            ("FB=4;FB=5", 5, 0),
            ("FB=4_5;FB=4", 7, 0),
            ("BR=1;BR=01", 5, 0),
            ("FB=4;HistoryLength=13;HistoryLength=14", 22, 5),
        ] {
            let lenient = Scope::parse(input).map(|p| p.scope);
            assert!(
                matches!(lenient, Err(ScopeError::DuplicateKey { position: p, first: f, .. }) if p == position && f == first),
                "{input}: {lenient:?}"
            );
            assert!(Scope::parse_strict(input).is_err(), "{input}");
        }
        // Unknown keys may repeat.
        let scope = Scope::parse_strict("AdditionalScope=a;AdditionalScope=b").expect("strict");
        assert_eq!(scope.extensions.len(), 2);
    }

    #[test]
    fn errors_carry_position_and_expectation() {
        let cases: &[(&str, usize)] = &[
            ("FB=4;IntervalDuration", 5),
            ("FB=4;=3", 5),
            ("FB=4;BR=", 8),
            ("FB=4_x", 5),
            ("FB=70000", 3),
            ("FB=", 3),
            // A list of nothing, and separators that are not the grammar's.
            ("FB=_", 3),
            ("FB=4,5", 3),
            ("FB=4 5", 3),
            ("HistoryLength=13_", 14),
            ("IntervalDuration=900_hourly", 21),
            ("HistoryLength=-1", 14),
            ("HistoryLength=99999999999999999999", 14),
            ("AccountCollection=five", 18),
            ("SubscriptionFrequency=daily_weekly", 22),
            ("BR=a_b", 4),
            ("FB=4;Extra=a b", 12),
            ("FB=4;Ex tra=1", 7),
            ("FB=4;Extra=caf\u{e9}", 14),
        ];
        for &(input, position) in cases {
            let lenient = Scope::parse(input).map(|p| p.scope);
            let strict = Scope::parse_strict(input);
            assert_eq!(
                lenient.as_ref().map_err(|e| e.position()),
                Err(position),
                "{input}"
            );
            assert_eq!(strict.map_err(|e| e.position()), Err(position), "{input}");
        }
        let error = Scope::parse("IntervalDuration=900_hourly").expect_err("hourly is not named");
        assert_eq!(
            error.to_string(),
            "byte 21: `hourly` in `IntervalDuration`; expected a number of seconds or one of \
             billingPeriod, daily, monthly, seasonal, weekly"
        );
    }

    #[test]
    fn empty_and_blank_scopes() {
        assert_eq!(Scope::parse_strict(""), Ok(Scope::default()));
        assert!(Scope::default().is_empty());
        assert_eq!(Scope::default().to_string(), "");
        assert_eq!(warnings("  "), vec![(0, ScopeIrregularity::Whitespace)]);
        // A lone `;` ends an empty term; it is not a trailing delimiter as well.
        assert_eq!(warnings(";"), vec![(0, ScopeIrregularity::EmptyTerm)]);
        assert_eq!(
            warnings(";;"),
            vec![
                (0, ScopeIrregularity::EmptyTerm),
                (1, ScopeIrregularity::EmptyTerm)
            ]
        );
    }

    fn scope_of_length(length: usize) -> Scope {
        let prefix = "FB=4;AdditionalScope=";
        let value = "a".repeat(length - prefix.len());
        let scope = Scope {
            function_blocks: vec![4],
            extensions: vec![ExtensionTerm::new("AdditionalScope", &value).expect("valid")],
            ..Scope::default()
        };
        assert_eq!(scope.to_string().len(), length);
        scope
    }

    #[test]
    fn authorization_limit_is_256_characters() {
        assert!(scope_of_length(256).fits_authorization());
        assert_eq!(scope_of_length(256).check_length(), Ok(()));
        assert!(!scope_of_length(257).fits_authorization());
        assert_eq!(
            scope_of_length(257).check_length(),
            Err(ScopeTooLong { length: 257 })
        );
    }

    #[test]
    fn offered_scopes_keep_order_warnings_and_lengths() {
        let long = scope_of_length(257).to_string();
        let offers = OfferedScopes::parse([WELL_FORMED[0], "FB=4_5;BR=1;", long.as_str()])
            .expect("all parse");
        assert_eq!(offers.scopes().len(), 3);
        assert_eq!(
            offers.warnings(),
            &[(
                1,
                ScopeWarning {
                    position: 11,
                    kind: ScopeIrregularity::TrailingDelimiter
                }
            )]
        );
        assert_eq!(offers.too_long(), vec![2]);
        let error = OfferedScopes::parse_strict([WELL_FORMED[0], "FB=4_5;BR=1;"])
            .expect_err("trailing `;`");
        assert_eq!(error.index, 1);
        assert_eq!(error.error.position(), 11);
        assert_eq!(
            OfferedScopes::parse(["FB=4", "FB=x"]).map(|o| o.scopes().len()),
            Err(OfferError {
                index: 1,
                error: ScopeError::InvalidValue {
                    position: 3,
                    key: "FB".to_string(),
                    found: "x".to_string(),
                    expected: "a Function Block number (0 to 65535)",
                }
            })
        );
    }

    #[test]
    fn term_constructors_reject_what_would_not_round_trip() {
        assert!(BulkId::new("").is_err());
        assert!(BulkId::new("a;b").is_err());
        assert!(ExtensionTerm::new("", "1").is_err());
        assert!(ExtensionTerm::new("a=b", "1").is_err());
        assert_eq!(
            ExtensionTerm::new("HISTORYLENGTH", "1"),
            Err(TermError::ReservedKey("HISTORYLENGTH".to_string()))
        );
        assert!(ExtensionTerm::new("k", "").is_err());
        assert!(ExtensionTerm::new("k", "a;b").is_err());
        assert!(ExtensionTerm::new("k", "a=b").is_ok());
    }

    fn period() -> impl Strategy<Value = Period> {
        prop_oneof![
            any::<u64>().prop_map(Period::Seconds),
            proptest::sample::select(NamedFrequency::ALL.to_vec()).prop_map(Period::Named),
        ]
    }

    fn extension() -> impl Strategy<Value = ExtensionTerm> {
        ("[A-Za-z0-9_.-]{1,12}", "[!-:<-~]{1,12}")
            .prop_filter_map("reserved key", |(key, value)| {
                ExtensionTerm::new(&key, &value).ok()
            })
    }

    prop_compose! {
        fn any_scope()(
            function_blocks in proptest::collection::vec(any::<u16>(), 0..8),
            interval_duration in proptest::collection::vec(period(), 0..4),
            block_duration in proptest::collection::vec(period(), 0..4),
            history_length in proptest::option::of(any::<u64>().prop_map(HistoryLength::from_wire)),
            subscription_frequency in proptest::option::of(period()),
            account_collection in proptest::option::of(any::<u64>()),
            bulk_id in proptest::option::of("[0-9A-Za-z-]{1,10}"),
            extensions in proptest::collection::vec(extension(), 0..4),
        ) -> Scope {
            Scope {
                function_blocks,
                interval_duration,
                block_duration,
                history_length,
                subscription_frequency,
                account_collection,
                bulk_id: bulk_id.map(BulkId),
                extensions,
            }
        }
    }

    proptest! {
        #[test]
        fn lenient_parse_of_canonical_form_gives_the_scope_back(scope in any_scope()) {
            let text = scope.to_string();
            let parsed = Scope::parse(&text);
            prop_assert_eq!(parsed.map(|p| p.scope), Ok(scope));
        }

        #[test]
        fn strict_parse_of_canonical_form_when_the_scope_is_regular(scope in any_scope()) {
            let mut scope = scope;
            scope.function_blocks.sort_unstable();
            scope.function_blocks.dedup();
            for periods in [&mut scope.interval_duration, &mut scope.block_duration] {
                let mut seen = Vec::new();
                periods.retain(|period| {
                    let first = !seen.contains(period);
                    seen.push(*period);
                    first
                });
            }
            scope.history_length = scope
                .history_length
                .map(|h| HistoryLength::from_wire(h.wire_value().max(MONTHS_THRESHOLD + 1)));
            let text = scope.to_string();
            prop_assert_eq!(Scope::parse_strict(&text), Ok(scope.clone()));
            prop_assert!(Scope::parse(&text).map(|p| p.warnings.is_empty()).unwrap_or(false));
            prop_assert_eq!(scope.fits_authorization(), text.len() <= 256);
        }

        #[test]
        fn any_input_parses_or_fails_without_panicking(input in "[ -~]{0,60}") {
            let lenient = Scope::parse(&input);
            let strict = Scope::parse_strict(&input);
            if let Ok(scope) = &strict {
                // Strict acceptance implies lenient acceptance of the same scope, with no warnings.
                prop_assert_eq!(lenient.clone().map(|p| (p.scope, p.warnings.len())), Ok((scope.clone(), 0)));
            }
            if let Err(error) = &lenient {
                prop_assert!(error.position() <= input.len());
            }
        }

        #[test]
        fn lenient_result_is_stable_under_reformatting(input in "(FB|fb)=[0-9]{1,3}(_[0-9]{1,3}){0,3}(; ?(BlockDuration|blockduration)= ?(Daily|monthly|900))?;?") {
            let once = Scope::parse(&input).map(|p| p.scope);
            prop_assert!(once.is_ok(), "{:?}", once);
            let scope = once.unwrap_or_default();
            prop_assert_eq!(Scope::parse(&scope.to_string()).map(|p| p.scope), Ok(scope));
        }
    }
}
