//! The values of the scope terms: periods, history lengths, bulk ids, extension terms.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::parse::Key;

/// The largest `HistoryLength` read as months rather than seconds.
///
/// Some samples write `HistoryLength=13` meaning 13 months (GBA's developer pages, the
/// OpenESPI samples), while
/// the grammar says seconds. 120 seconds of history is shorter than any interval a Data
/// Custodian publishes, and 120 months (10 years) is longer than any program offers
/// (PG&E's 48 months is the longest of [`WindowPolicy`](crate::WindowPolicy)'s), so the two readings never
/// overlap below or at this value.
pub const MONTHS_THRESHOLD: u64 = 120;

/// A named period of the scope grammar (`namedFrequency`), also used for block lengths.
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
/// (IntervalDuration, BlockDuration, SubscriptionFrequency).
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
/// months (the OpenESPI samples write `HistoryLength=13`). Converting months to seconds
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
pub struct HistoryLength(pub(super) u64);

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
    /// A bulk id is one or more of `0-9`, `A-Z`, `a-z`, `-` (the grammar's `brId`).
    #[error("`{0}` is not a bulk id; expected one or more of 0-9, A-Z, a-z, `-`")]
    InvalidBulkId(String),
    /// An unknown key is one or more of `0-9`, `A-Z`, `a-z`, `_`, `-`, `.`.
    #[error("`{0}` is not a term key; expected one or more of 0-9, A-Z, a-z, `_`, `-`, `.`")]
    InvalidKey(String),
    /// The key is one of the grammar's (in some case): it has a typed field in [`Scope`](super::Scope).
    #[error("`{0}` is a key of the scope grammar, not an extension")]
    ReservedKey(String),
    /// An unknown term's value is one or more printable ASCII characters other than `;`.
    #[error("`{0}` is not a term value; expected printable ASCII without spaces or `;`")]
    InvalidValue(String),
}

/// The `BR` term: the `{bulkId}` of `Batch/Bulk/{bulkId}`.
///
/// Deserialization goes through [`BulkId::new`], so a deserialized id formats and parses back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BulkId(pub(super) String);

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
/// `PreferredAuthEndDate`, PG&E `AdditionalScope` and `dataCustodianId`).
///
/// Deserialization goes through [`ExtensionTerm::new`], so a deserialized term formats and
/// parses back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "UncheckedExtensionTerm")]
pub struct ExtensionTerm {
    pub(super) key: String,
    pub(super) value: String,
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

pub(super) fn is_bulk_id_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-'
}

pub(super) fn is_extension_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')
}

pub(super) fn is_extension_value_byte(byte: u8) -> bool {
    byte.is_ascii_graphic() && byte != b';'
}
