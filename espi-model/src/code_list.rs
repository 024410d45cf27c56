//! Code lists of the ESPI schema (`espi.xsd` version 4.0.20231213).
//!
//! Almost every coded field of ESPI is an `xs:union` of an enumerated list with
//! `UInt16` (or `Int16` for [`UnitMultiplierKind`]). A code the list does not
//! name is therefore still schema-valid, so every numeric code list here keeps
//! such a code in an `Other` variant instead of rejecting it. The string code
//! lists ([`StringCodeList`]) are plain restrictions of a string type; they keep
//! unknown text in `Other(String)` for the same reason: data from the wire is
//! kept as it was sent and judged elsewhere.
//!
//! Each list is written once as a table (variant, code, schema name, meaning),
//! and the [`CodeList`] impl, conversions, `Display` and serde are generated
//! from it. Serde writes a numeric code list as its bare integer code and a
//! string code list as its literal.
//! This file holds the traits and the two macros; the tables are in `numeric.rs` and
//! `strings.rs` (in espi.xsd's order), what the numeric codes mean in words (unit
//! symbols, SI prefixes, currency codes, service and quality names) in `names.rs`.
//!
//! Schema names: the name of a numeric code is the `xs:appinfo` of its
//! `xs:enumeration`. `ItemKind` has no `xs:appinfo`; its names are the leading
//! title of each `xs:documentation` ("Energy Generation Fee", …).
//!
//! Oddities of the schema and what this module does about them:
//! * `PhaseCodeKind` names both 784 and 769 `S12N`; both codes are listed, as
//!   [`PhaseCodeKind::S12N`] (784, the IEC 61968-9 code) and
//!   [`PhaseCodeKind::S12NAlt`] (769, the code in Green Button samples).
//! * `UnitSymbolKind` has `H` (henry, 28) and `h` (hour, 160), which would give
//!   the same Rust name; they are [`UnitSymbolKind::Henry`] and
//!   [`UnitSymbolKind::Hour`].
//! * `Currency` code 0 and `QualityOfReading` code 16 are named `other`; their
//!   variants are [`Currency::Another`] and [`QualityOfReading::OtherCharacteristic`]
//!   so they cannot be confused with the `Other(code)` variant for unlisted codes.
//! * Some `UnitSymbolKind` documentation is garbled by a lost character set
//!   (`O` for Ω, `?` for θ and ρ, `°C` given as the symbol of the farad, `lx`
//!   given the symbol of litres per hour); the variant docs and
//!   [`UnitSymbolKind::symbol`] use the corrected text.
//! * The schema spells one type `ThirdPartyApplicatonStatus`; the Rust enum is
//!   [`ThirdPartyApplicationStatus`] and its `TYPE_NAME` keeps the schema spelling.

use std::fmt;
use std::str::FromStr;

/// A code list of the ESPI schema: a closed set of documented codes that also keeps any other code seen on the wire.
///
/// ```
/// use espi_model::code_list::{CodeList, ServiceKind, UnitSymbolKind};
///
/// let kind = ServiceKind::from_code(1);
/// assert_eq!(kind, ServiceKind::Gas);
/// assert_eq!(kind.code(), 1);
/// assert_eq!(kind.name(), Some("gas"));
///
/// // A code the schema does not list is kept, not rejected.
/// let odd = UnitSymbolKind::from_code(999);
/// assert_eq!(odd, UnitSymbolKind::Other(999));
/// assert_eq!(odd.code(), 999);
/// assert_eq!(odd.name(), None);
/// assert_eq!(odd.to_string(), "999");
/// ```
pub trait CodeList: Copy + Eq + std::fmt::Debug {
    /// The wire integer type (u16 for most lists, i16 for UnitMultiplierKind).
    type Code: Copy;
    /// The value for a wire code; unknown codes are kept, never an error.
    fn from_code(code: Self::Code) -> Self;
    /// The wire code.
    fn code(self) -> Self::Code;
    /// The name the schema gives this code (e.g. "electricity"), or None for a code the schema does not list.
    fn name(self) -> Option<&'static str>;
    /// Name of the schema type, e.g. "ServiceKind" (for error messages).
    const TYPE_NAME: &'static str;
}

/// A string-valued enumeration of the ESPI schema: the listed literals, plus any other text kept exactly as received.
///
/// ```
/// use espi_model::code_list::{GrantType, StringCodeList};
///
/// assert_eq!(GrantType::from_wire("refresh_token"), GrantType::RefreshToken);
/// // Matching is exact, as the schema's string types preserve their text.
/// let odd = GrantType::from_wire("urn:ietf:params:oauth:grant-type:jwt-bearer");
/// assert_eq!(odd.as_wire(), "urn:ietf:params:oauth:grant-type:jwt-bearer");
/// ```
pub trait StringCodeList: Clone + Eq + std::fmt::Debug {
    /// The value for a wire literal: a listed literal on exact match, otherwise `Other` with the text unchanged.
    fn from_wire(text: &str) -> Self;
    /// The wire literal.
    fn as_wire(&self) -> &str;
    /// Name of the schema type, e.g. "GrantType" (for error messages).
    const TYPE_NAME: &'static str;
    /// Whether the schema lists every valid literal (an `xs:enumeration`
    /// restriction). False for a union with a string type, where other text is valid.
    const CLOSED: bool;
    /// The listed literals, in schema order.
    const LISTED_WIRE: &'static [&'static str];
}

/// The text of a numeric code-list element was not an integer of the code's type.
///
/// Only text that is not a number at all fails: any integer code is kept (see [`CodeList`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{type_name}: {text:?} is not an integer code")]
pub struct ParseCodeError {
    /// Schema name of the code list, e.g. "UnitSymbolKind".
    pub type_name: &'static str,
    /// The text that failed to parse, as given.
    pub text: String,
}

/// Strips the characters XML Schema's `whiteSpace="collapse"` removes around a
/// number (space, tab, CR, LF) and nothing else.
fn trim_xml_whitespace(text: &str) -> &str {
    text.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// Defines one numeric code list from its table.
///
/// Input: doc attributes, then `RustName, "SchemaTypeName", code_type;`, then one
/// row per `xs:enumeration` in schema order: `Variant = code, "schemaName", "meaning";`
/// (a row may start with extra `///` lines). Generates the enum with an
/// `Other(code)` variant, `LISTED`, [`CodeList`], `From` both ways, `Display`,
/// `FromStr` and serde as the bare integer.
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $name:ident, $schema:literal, $code:ty;
        $(
            $(#[$row_meta:meta])*
            $variant:ident = $value:literal, $wire_name:literal, $doc:literal;
        )+
    ) => {
        $(#[$meta])*
        #[doc = ""]
        #[doc = concat!("Schema type `", $schema, "`, wire type `", stringify!($code), "`.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("Code ", stringify!($value), ", schema name `", $wire_name, "`: ", $doc)]
                $(#[$row_meta])*
                $variant,
            )+
            /// A code the schema does not list, kept as received.
            ///
            /// [`CodeList::from_code`] never puts a listed code here; a value built by hand
            /// with a listed code compares unequal to that code's own variant.
            Other($code),
        }

        impl $name {
            /// Every code the schema lists, in schema order.
            pub const LISTED: &'static [Self] = &[$(Self::$variant),+];
        }

        impl CodeList for $name {
            type Code = $code;
            const TYPE_NAME: &'static str = $schema;

            fn from_code(code: $code) -> Self {
                match code {
                    $($value => Self::$variant,)+
                    other => Self::Other(other),
                }
            }

            fn code(self) -> $code {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Other(code) => code,
                }
            }

            fn name(self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => Some($wire_name),)+
                    Self::Other(_) => None,
                }
            }
        }

        impl From<$code> for $name {
            fn from(code: $code) -> Self {
                Self::from_code(code)
            }
        }

        impl From<$name> for $code {
            fn from(value: $name) -> Self {
                value.code()
            }
        }

        /// The schema name, or the bare number for a code the schema does not list.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "{}", self.code()),
                }
            }
        }

        /// Parses the XML text of the element: a decimal integer, surrounding XML whitespace ignored.
        impl FromStr for $name {
            type Err = ParseCodeError;

            fn from_str(text: &str) -> Result<Self, ParseCodeError> {
                trim_xml_whitespace(text)
                    .parse::<$code>()
                    .map(Self::from_code)
                    .map_err(|_| ParseCodeError {
                        type_name: $schema,
                        text: text.to_owned(),
                    })
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.code(), serializer)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$code as serde::Deserialize>::deserialize(deserializer).map(Self::from_code)
            }
        }
    };
}
#[allow(unused_imports, reason = "used by the customer code lists")]
pub(crate) use code_list;

/// Defines one string code list from its table.
///
/// Input: doc attributes, then `RustName, "SchemaTypeName", closed;` (an
/// `xs:enumeration` restriction: other text is schema-invalid) or `open;` (a union
/// with a string type: other text is valid), then one row per `xs:enumeration` in
/// schema order: `Variant = "literal", "meaning";`.
/// Generates the enum with an `Other(String)` variant, `LISTED`,
/// [`StringCodeList`], `From<&str>`, `From<String>`, `Display`, serde as the string
/// and the codec's [`Scalar`](crate::schema::Scalar), whose facet check rejects
/// unlisted text for a closed list.
macro_rules! string_code_list {
    (
        $(#[$meta:meta])*
        $name:ident, $schema:literal, $openness:ident;
        $(
            $(#[$row_meta:meta])*
            $variant:ident = $wire:literal, $doc:literal;
        )+
    ) => {
        $(#[$meta])*
        #[doc = ""]
        #[doc = concat!("Schema type `", $schema, "`.")]
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $wire, "`: ", $doc)]
                $(#[$row_meta])*
                $variant,
            )+
            /// Text the schema does not list, kept exactly as received.
            ///
            /// [`StringCodeList::from_wire`] never puts a listed literal here.
            Other(String),
        }

        impl $name {
            /// Every literal the schema lists, in schema order.
            pub const LISTED: &'static [Self] = &[$(Self::$variant),+];

            /// The listed variant for an exact literal.
            fn lookup(text: &str) -> Option<Self> {
                match text {
                    $($wire => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl StringCodeList for $name {
            const TYPE_NAME: &'static str = $schema;
            const CLOSED: bool = string_code_list!(@closed $openness);
            const LISTED_WIRE: &'static [&'static str] = &[$($wire),+];

            fn from_wire(text: &str) -> Self {
                Self::lookup(text).unwrap_or_else(|| Self::Other(text.to_owned()))
            }

            fn as_wire(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(text) => text,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self::from_wire(text)
            }
        }

        impl From<String> for $name {
            // Reuses the String for `Other` instead of copying it.
            fn from(text: String) -> Self {
                Self::lookup(&text).unwrap_or(Self::Other(text))
            }
        }

        /// The wire literal.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_wire())
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_wire())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        /// Written as the wire text; unlisted text is kept as is and, for a closed
        /// list, fails the facet check (strict reading rejects it).
        impl $crate::schema::Scalar for $name {
            const TRIM: bool = false;
            const LISTED: &'static [&'static str] = &[$($wire),+];
            fn parse_text(text: &str) -> Result<Self, $crate::schema::ValueError> {
                Ok(Self::from_wire(text))
            }
            fn write_text(&self, out: &mut String) {
                out.push_str(self.as_wire());
            }
            fn check(&self, facet: $crate::schema::Facet) -> Result<(), String> {
                $crate::code_list::check_listed(self, facet)
            }
        }
    };
    (@closed closed) => { true };
    (@closed open) => { false };
}
#[allow(unused_imports, reason = "used by the customer code lists")]
pub(crate) use string_code_list;

/// An error when `value` breaks the field's facet (the length of a union with
/// `String64`, say) or, for a closed string code list, is not a listed literal.
pub(crate) fn check_listed<T: StringCodeList>(
    value: &T,
    facet: crate::schema::Facet,
) -> Result<(), String> {
    if let crate::schema::Facet::MaxLength(limit) = facet {
        let length = value.as_wire().chars().count();
        if length > limit {
            return Err(format!(
                "{length} characters, more than the {limit} the schema allows"
            ));
        }
    }
    if !T::CLOSED || T::LISTED_WIRE.contains(&value.as_wire()) {
        return Ok(());
    }
    Err(format!(
        "{:?} is not a {} (one of {})",
        value.as_wire(),
        T::TYPE_NAME,
        T::LISTED_WIRE.join(", ")
    ))
}

mod names;
mod numeric;
mod strings;

pub use names::unit_label;
pub use numeric::*;
pub use strings::*;

#[cfg(test)]
mod tests;
