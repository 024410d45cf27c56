//! The one description of each ESPI type: element names, schema order and value types.
//!
//! Every complex type of the schemas is declared once with `espi_element!` (a macro private to this crate),
//! which generates the struct and an [`Element`] implementation. The XML codec
//! (`espi-xml`) reads and writes through the [`ElementReader`] and [`ElementWriter`]
//! traits, so the element order used by the writer and the names matched by the reader
//! come from the same table.

use crate::raw::RawElement;

/// A simple-typed value written as element text: integers, strings, hex, code lists.
pub trait Scalar: Sized {
    /// Parses the element text. Leading and trailing XML whitespace has already been
    /// removed for every type except strings (see [`Scalar::TRIM`]).
    fn parse_text(text: &str) -> Result<Self, ValueError>;
    /// Appends the wire text of the value.
    fn write_text(&self, out: &mut String);
    /// The literals the type's schema enumeration lists (empty for types that are
    /// not string code lists): the values a generator or a form can offer.
    const LISTED: &'static [&'static str] = &[];
    /// Whether XML whitespace around the text is insignificant (true for every
    /// numeric, boolean and hex type, as in XSD `whiteSpace="collapse"`).
    const TRIM: bool = true;
    /// Whether the value satisfies `facet`; the reason when it does not. Facets a
    /// type cannot break are accepted.
    fn check(&self, facet: Facet) -> Result<(), String> {
        let _ = facet;
        Ok(())
    }
}

/// Why an element's text is not a valid value of its schema type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a valid {expected}")]
pub struct ValueError {
    /// The offending text (cut to 64 characters).
    pub text: String,
    /// What was expected, e.g. "Int48 (xs:long)".
    pub expected: &'static str,
}

impl ValueError {
    /// Builds the error for `text`, keeping at most 64 characters of it.
    pub fn new(text: &str, expected: &'static str) -> Self {
        ValueError {
            text: text.chars().take(64).collect(),
            expected,
        }
    }
}

/// A restriction a schema type puts on a value beyond its Rust type, checked by
/// strict reading (lenient reading keeps the value and reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    /// No restriction beyond the type.
    None,
    /// espi.xsd `Int48`: −2^47 … 2^47 (values and costs).
    Int48,
    /// At most this many characters (espi.xsd `String32`, `String256`, …).
    MaxLength(usize),
    /// At most this many octets of xs:hexBinary (`HexBinary16` is 2).
    MaxOctets(usize),
    /// An integer from the first bound to the second, both included (customer.xsd
    /// `PerCent` is 0 to 100, `UInt48` is 0 to 2^48 − 1).
    Range(i64, i64),
}

/// A child element as the one description states it: its name and facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The element's local name.
    pub name: &'static str,
    /// What the schema restricts beyond the Rust type.
    pub facet: Facet,
}

/// Reads the children of one element; implemented by the XML reader.
pub trait ElementReader {
    /// The reader's error type.
    type Error;
    /// Reads the current child as a simple value.
    fn scalar<T: Scalar>(&mut self, field: &'static Field) -> Result<Option<T>, Self::Error>;
    /// Reads the current child as a complex element into `value` (a fresh default),
    /// in place so that large elements are not moved around.
    fn element<T: Element>(&mut self, value: &mut T) -> Result<(), Self::Error>;
    /// Reads the current child as raw XML (for `xs:anyType` content).
    fn raw(&mut self) -> Result<RawElement, Self::Error>;
    /// Handles a second occurrence of a field that occurs at most once: an error in
    /// strict mode; leniently the first value stays and the repeat is kept as raw XML.
    fn repeated(&mut self, field: &'static Field) -> Result<(), Self::Error>;
}

/// Writes the fields of one element; implemented by the XML writer.
pub trait ElementWriter {
    /// The writer's error type.
    type Error;
    /// Writes `<name>text</name>`.
    fn scalar<T: Scalar>(&mut self, name: &'static str, value: &T) -> Result<(), Self::Error>;
    /// Writes `<name>` with the fields of `value`, then `</name>`.
    fn element<T: Element>(&mut self, name: &'static str, value: &T) -> Result<(), Self::Error>;
    /// Writes a raw element unchanged.
    fn raw(&mut self, value: &RawElement) -> Result<(), Self::Error>;
}

/// A complex type of the schemas: an ordered sequence of child elements.
pub trait Element: Default {
    /// Schema type name, for diagnostics.
    const TYPE_NAME: &'static str;
    /// Child element names in schema order.
    const FIELDS: &'static [&'static str];
    /// Child element names that the schema requires (minOccurs ≥ 1).
    const REQUIRED: &'static [&'static str];
    /// Reads the child whose local name is `local` (UTF-8 bytes) into its field.
    /// Returns the field's index in [`Element::FIELDS`], or `None` when the schema has
    /// no such child here.
    fn read_child<R: ElementReader>(
        &mut self,
        local: &[u8],
        reader: &mut R,
    ) -> Result<Option<usize>, R::Error>;
    /// Writes every present field in schema order, then the unknown elements.
    fn write_fields<W: ElementWriter>(&self, writer: &mut W) -> Result<(), W::Error>;
    /// Required fields that have no value, or fewer values than the schema's
    /// minimum (named e.g. `grant_types (at least 2)`).
    fn missing_required(&self) -> Vec<&'static str>;
    /// Children that the schema does not define here, kept in document order.
    fn unknown_elements_mut(&mut self) -> &mut crate::raw::RawList;
}

/// How a struct field holds its element: required (`T`), optional (`Option<T>`) or
/// repeated (`Vec<T>`). The codec goes through this trait so the occurrence rules
/// follow from the field's Rust type.
pub trait Slot {
    /// Reads one occurrence of the element into the slot.
    fn read<R: ElementReader>(
        &mut self,
        field: &'static Field,
        reader: &mut R,
    ) -> Result<(), R::Error>;
    /// Writes every value the slot holds.
    fn write<W: ElementWriter>(&self, name: &'static str, writer: &mut W) -> Result<(), W::Error>;
    /// How many values the slot holds.
    fn count(&self) -> usize;
}

/// A value that can stand as an element: either [`Scalar`] text or an [`Element`].
pub trait Value: Sized {
    /// Reads the current child.
    fn read_value<R: ElementReader>(
        field: &'static Field,
        reader: &mut R,
    ) -> Result<Option<Self>, R::Error>;
    /// Reads the current child into an empty optional slot.
    fn read_into_option<R: ElementReader>(
        field: &'static Field,
        slot: &mut Option<Self>,
        reader: &mut R,
    ) -> Result<(), R::Error> {
        if let Some(value) = Self::read_value(field, reader)? {
            *slot = Some(value);
        }
        Ok(())
    }
    /// Reads the current child and appends it.
    fn read_into_vec<R: ElementReader>(
        field: &'static Field,
        values: &mut Vec<Self>,
        reader: &mut R,
    ) -> Result<(), R::Error> {
        if let Some(value) = Self::read_value(field, reader)? {
            values.push(value);
        }
        Ok(())
    }
    /// Writes the value as an element named `name`.
    fn write_value<W: ElementWriter>(
        &self,
        name: &'static str,
        writer: &mut W,
    ) -> Result<(), W::Error>;
}

impl<T: Value> Slot for Option<T> {
    fn read<R: ElementReader>(
        &mut self,
        field: &'static Field,
        reader: &mut R,
    ) -> Result<(), R::Error> {
        if self.is_some() {
            return reader.repeated(field);
        }
        T::read_into_option(field, self, reader)
    }
    fn write<W: ElementWriter>(&self, name: &'static str, writer: &mut W) -> Result<(), W::Error> {
        match self {
            Some(value) => value.write_value(name, writer),
            None => Ok(()),
        }
    }
    fn count(&self) -> usize {
        usize::from(self.is_some())
    }
}

impl<T: Value> Slot for Vec<T> {
    fn read<R: ElementReader>(
        &mut self,
        field: &'static Field,
        reader: &mut R,
    ) -> Result<(), R::Error> {
        T::read_into_vec(field, self, reader)?;
        Ok(())
    }
    fn write<W: ElementWriter>(&self, name: &'static str, writer: &mut W) -> Result<(), W::Error> {
        self.iter()
            .try_for_each(|value| value.write_value(name, writer))
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl Slot for crate::raw::RawList {
    // Extensions are rare: out of line, the typed fields' matching stays small.
    #[cold]
    #[inline(never)]
    fn read<R: ElementReader>(
        &mut self,
        _field: &'static Field,
        reader: &mut R,
    ) -> Result<(), R::Error> {
        let element = reader.raw()?;
        self.push(element);
        Ok(())
    }
    fn write<W: ElementWriter>(&self, _name: &'static str, writer: &mut W) -> Result<(), W::Error> {
        self.iter().try_for_each(|element| writer.raw(element))
    }
    fn count(&self) -> usize {
        self.len()
    }
}

impl Value for RawElement {
    fn read_value<R: ElementReader>(
        _field: &'static Field,
        reader: &mut R,
    ) -> Result<Option<Self>, R::Error> {
        reader.raw().map(Some)
    }
    fn write_value<W: ElementWriter>(
        &self,
        _name: &'static str,
        writer: &mut W,
    ) -> Result<(), W::Error> {
        writer.raw(self)
    }
}

/// Declares an ESPI complex type once: the struct, its serde derives and its
/// [`Element`] implementation, from one table of `field: Type = "xmlName"` rows in
/// schema order. A row may say `required` (minOccurs 1) or `required[n]` (minOccurs
/// n), then a facet in parentheses. Every struct also gets `unknown_elements:
/// Vec<RawElement>`, where the reader keeps children the schema does not define, so
/// nothing is dropped.
///
/// `pub struct Name: "Name" extends Base { … }` states an `xs:extension`: the rows of
/// `Base` (itself declared with [`espi_base!`], its own bases' rows first) come ahead
/// of the type's own, as the schema orders them, and become fields of `Name` itself.
/// The fields stay flat on purpose: `meter.serial_number` is the one path to a field
/// whichever base declares it, a struct literal names every field at one level, and
/// serde writes the same flat object as the schema's flattened sequence (a nested
/// `#[serde(flatten)]` base would serialize through a map, which formats that are not
/// self-describing cannot read back).
macro_rules! espi_element {
    (
        $(#[$meta:meta])*
        pub struct $name:ident : $type_name:literal extends $base:ident { $($rows:tt)* }
    ) => {
        $base! { $(#[$meta])* pub struct $name: $type_name { $($rows)* } }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident : $type_name:literal {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $fty:ty = $xml:literal $($req:ident $([$min:literal])?)? $(($facet:ident $(($($limit:expr),+))?))?,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        pub struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $fty,
            )*
            /// Child elements the schema does not define at this place, kept in
            /// document order and written back after the known fields.
            #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "crate::raw::RawList::is_empty"))]
            pub unknown_elements: $crate::raw::RawList,
        }

        impl $crate::schema::Element for $name {
            const TYPE_NAME: &'static str = $type_name;
            const FIELDS: &'static [&'static str] = &[$($xml),*];
            const REQUIRED: &'static [&'static str] = &[$($($crate::schema::row_required!($req, $xml),)?)*];

            fn read_child<R: $crate::schema::ElementReader>(
                &mut self,
                local: &[u8],
                reader: &mut R,
            ) -> Result<Option<usize>, R::Error> {
                let mut index = 0usize;
                $(
                    if $crate::schema::same_name(local, $xml) {
                        const FIELD: $crate::schema::Field = $crate::schema::Field {
                            name: $xml,
                            facet: $crate::schema::row_facet!($($facet $(($($limit),+))?)?),
                        };
                        $crate::schema::Slot::read(&mut self.$field, &FIELD, reader)?;
                        return Ok(Some(index));
                    }
                    index += 1;
                )*
                let _ = index;
                Ok(None)
            }

            fn write_fields<W: $crate::schema::ElementWriter>(&self, writer: &mut W) -> Result<(), W::Error> {
                $( $crate::schema::Slot::write(&self.$field, $xml, writer)?; )*
                self.unknown_elements.iter().try_for_each(|raw| writer.raw(raw))
            }

            fn missing_required(&self) -> Vec<&'static str> {
                #[allow(unused_mut)]
                let mut missing = Vec::new();
                $($(
                    if $crate::schema::row_required!($req, true)
                        && $crate::schema::Slot::count(&self.$field) < $crate::schema::row_min!($($min)?)
                    {
                        missing.push($crate::schema::row_missing!($xml $(, $min)?));
                    }
                )?)*
                missing
            }

            fn unknown_elements_mut(&mut self) -> &mut $crate::raw::RawList {
                &mut self.unknown_elements
            }
        }

        impl $crate::schema::Value for $name {
            fn read_value<R: $crate::schema::ElementReader>(_field: &'static $crate::schema::Field, reader: &mut R) -> Result<Option<Self>, R::Error> {
                let mut value = Self::default();
                reader.element(&mut value)?;
                Ok(Some(value))
            }
            fn read_into_option<R: $crate::schema::ElementReader>(_field: &'static $crate::schema::Field, slot: &mut Option<Self>, reader: &mut R) -> Result<(), R::Error> {
                reader.element(slot.insert(Self::default()))
            }
            fn read_into_vec<R: $crate::schema::ElementReader>(_field: &'static $crate::schema::Field, values: &mut Vec<Self>, reader: &mut R) -> Result<(), R::Error> {
                // Repeated elements come in runs (96 readings a day): skip the smallest growth steps.
                if values.capacity() == 0 {
                    values.reserve(16);
                }
                values.push(Self::default());
                match values.last_mut() {
                    Some(last) => reader.element(last),
                    None => Ok(()),
                }
            }
            fn write_value<W: $crate::schema::ElementWriter>(&self, name: &'static str, writer: &mut W) -> Result<(), W::Error> {
                writer.element(name, self)
            }
        }
    };
}
pub(crate) use espi_element;

/// Declares with [`espi_element!`] a type that other types extend (an XSD base such
/// as customer.xsd's `Document`), and a macro of the same name through which
/// `extends Name` puts the base's rows, its own bases' first, ahead of the extending
/// type's rows. That macro has textual scope: a base is declared before the types
/// that extend it, and the module declaring it is `#[macro_use]` where others use it.
macro_rules! espi_base {
    (
        $(#[$meta:meta])*
        pub struct $name:ident : $type_name:literal $(extends $base:ident)? { $($rows:tt)* }
    ) => {
        $crate::schema::espi_element! {
            $(#[$meta])*
            pub struct $name: $type_name $(extends $base)? { $($rows)* }
        }
        $crate::schema::espi_base!(@rows ($) $name $(extends $base)? { $($rows)* });
    };
    // `$d` is a `$` passed in, so that the inner macro can name its own fragments.
    (@rows ($d:tt) $name:ident $(extends $base:ident)? { $($rows:tt)* }) => {
        macro_rules! $name {
            (
                $d(#[$d meta:meta])*
                pub struct $d derived:ident : $d type_name:literal { $d($d own:tt)* }
            ) => {
                $crate::schema::espi_element! {
                    $d(#[$d meta])*
                    pub struct $d derived: $d type_name $(extends $base)? { $($rows)* $d($d own)* }
                }
            };
        }
    };
}
pub(crate) use espi_base;

/// Whether an element's local name (UTF-8 bytes) is `name`. Names are a few bytes
/// long: a byte loop here measured faster than the `memcmp` call of slice equality.
#[inline(always)]
pub(crate) fn same_name(local: &[u8], name: &str) -> bool {
    let name = name.as_bytes();
    local.len() == name.len() && local.iter().zip(name).all(|(a, b)| a == b)
}

/// The facet of a row of [`espi_element!`]: none, or a [`Facet`] variant written
/// after the name, e.g. `(Int48)`, `(MaxLength(256))` or `(Range(0, 100))`.
macro_rules! row_facet {
    () => {
        $crate::schema::Facet::None
    };
    ($facet:ident $(($($limit:expr),+))?) => {
        $crate::schema::Facet::$facet$(($($limit),+))?
    };
}
pub(crate) use row_facet;

/// The least number of occurrences of a required row: 1, or `n` for `required[n]`.
macro_rules! row_min {
    () => {
        1
    };
    ($min:literal) => {
        $min
    };
}
pub(crate) use row_min;

/// How [`Element::missing_required`] names a row that has too few occurrences.
macro_rules! row_missing {
    ($xml:literal) => {
        $xml
    };
    ($xml:literal, $min:literal) => {
        concat!($xml, " (at least ", $min, ")")
    };
}
pub(crate) use row_missing;

/// Marks a row of [`espi_element!`] as required; any other word after the XML name
/// is a compile error.
macro_rules! row_required {
    (required, $value:expr) => {
        $value
    };
}
pub(crate) use row_required;

impl<T: Scalar> Value for T {
    fn read_value<R: ElementReader>(
        field: &'static Field,
        reader: &mut R,
    ) -> Result<Option<Self>, R::Error> {
        reader.scalar::<T>(field)
    }
    fn write_value<W: ElementWriter>(
        &self,
        name: &'static str,
        writer: &mut W,
    ) -> Result<(), W::Error> {
        writer.scalar(name, self)
    }
}

/// Parses an XSD integer: optional sign, decimal digits (whitespace already trimmed).
#[inline]
fn parse_integer<T: std::str::FromStr>(
    text: &str,
    expected: &'static str,
) -> Result<T, ValueError> {
    // Rust's integer parser accepts a leading '+' like XSD, and nothing else XSD forbids.
    text.parse().map_err(|_| ValueError::new(text, expected))
}

macro_rules! integer_scalar {
    ($($ty:ty => $expected:literal),* $(,)?) => {$(
        impl Scalar for $ty {
            #[inline]
            fn parse_text(text: &str) -> Result<Self, ValueError> {
                parse_integer(text, $expected)
            }
            fn write_text(&self, out: &mut String) {
                use std::fmt::Write;
                let _ = write!(out, "{self}");
            }
            fn check(&self, facet: Facet) -> Result<(), String> {
                check_range(i128::from(*self), facet)
            }
        }
    )*};
}

/// The [`Facet::Range`] check shared by the integer types.
fn check_range(value: i128, facet: Facet) -> Result<(), String> {
    match facet {
        Facet::Range(min, max) if !(i128::from(min)..=i128::from(max)).contains(&value) => {
            Err(format!("{value} is outside {min} to {max}"))
        }
        _ => Ok(()),
    }
}

integer_scalar!(
    u64 => "unsigned 64-bit integer (xs:unsignedLong)",
    u32 => "UInt32 (xs:unsignedInt)",
    u16 => "UInt16 (xs:unsignedShort)",
    u8 => "UInt8 (xs:unsignedByte)",
    i16 => "Int16 (xs:short)",
);

/// espi.xsd `Int48` bounds (its `minInclusive` and `maxInclusive`).
const INT48_MIN: i64 = -140_737_488_355_328;
const INT48_MAX: i64 = 140_737_488_355_328;

impl Scalar for i64 {
    #[inline]
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        parse_integer(text, "64-bit integer (xs:long)")
    }
    fn write_text(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{self}");
    }
    #[inline]
    fn check(&self, facet: Facet) -> Result<(), String> {
        match facet {
            Facet::Int48 if !(INT48_MIN..=INT48_MAX).contains(self) => Err(format!(
                "{self} is outside Int48 ({INT48_MIN} to {INT48_MAX})"
            )),
            facet => check_range(i128::from(*self), facet),
        }
    }
}

impl Scalar for bool {
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        match text {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(ValueError::new(text, "xs:boolean (true, false, 1 or 0)")),
        }
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl Scalar for String {
    const TRIM: bool = false;
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        Ok(text.to_owned())
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
    fn check(&self, facet: Facet) -> Result<(), String> {
        match facet {
            Facet::MaxLength(limit) if self.chars().count() > limit => Err(format!(
                "{} characters, more than the {limit} the schema allows",
                self.chars().count()
            )),
            _ => Ok(()),
        }
    }
}

impl<T> Scalar for T
where
    T: crate::code_list::CodeList,
    T::Code: std::str::FromStr + std::fmt::Display,
{
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        parse_integer(text, T::TYPE_NAME).map(T::from_code)
    }
    fn write_text(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{}", self.code());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_xsd_lexical_rules() {
        assert_eq!(i64::parse_text("+42"), Ok(42));
        assert_eq!(i64::parse_text("-7"), Ok(-7));
        assert!(u32::parse_text("-1").is_err());
        assert!(u8::parse_text("256").is_err());
        assert!(i64::parse_text("1.0").is_err());
        assert!(i64::parse_text("").is_err());
        let err = u32::parse_text("12a").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"12a\" is not a valid UInt32 (xs:unsignedInt)"
        );
    }

    #[test]
    fn booleans_accept_the_four_xsd_forms() {
        for (text, value) in [("true", true), ("1", true), ("false", false), ("0", false)] {
            assert_eq!(bool::parse_text(text), Ok(value));
        }
        assert!(bool::parse_text("yes").is_err());
    }
}

/// `xs:float` (customer.xsd `MeterMultiplier/value`): a decimal or scientific
/// number, `INF`, `-INF` or `NaN` (written back in those forms). A `NaN` value
/// compares unequal to itself, as floats do.
impl Scalar for f32 {
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        const EXPECTED: &str = "xs:float";
        match text {
            "INF" => Ok(f32::INFINITY),
            "-INF" => Ok(f32::NEG_INFINITY),
            "NaN" => Ok(f32::NAN),
            // Rust also accepts "inf", "infinity" and "nan" in any case; xs:float
            // does not, so only digits, signs, a point and an exponent get through.
            _ if text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')) =>
            {
                text.parse().map_err(|_| ValueError::new(text, EXPECTED))
            }
            _ => Err(ValueError::new(text, EXPECTED)),
        }
    }

    fn write_text(&self, out: &mut String) {
        use std::fmt::Write;
        if self.is_nan() {
            out.push_str("NaN");
        } else if self.is_infinite() {
            out.push_str(if *self > 0.0 { "INF" } else { "-INF" });
        } else {
            // The shortest decimal that reads back as the same f32.
            let _ = write!(out, "{self}");
        }
    }
}

#[cfg(test)]
mod float_tests {
    use super::*;

    fn text(value: f32) -> String {
        let mut out = String::new();
        value.write_text(&mut out);
        out
    }

    #[test]
    fn floats_follow_xsd_lexical_rules() {
        assert_eq!(f32::parse_text("1.5"), Ok(1.5));
        assert_eq!(f32::parse_text("-0.25E2"), Ok(-25.0));
        assert_eq!(f32::parse_text("+.5"), Ok(0.5));
        assert_eq!(f32::parse_text("7."), Ok(7.0));
        assert_eq!(f32::parse_text("INF"), Ok(f32::INFINITY));
        assert_eq!(f32::parse_text("-INF"), Ok(f32::NEG_INFINITY));
        assert!(f32::parse_text("NaN").is_ok_and(f32::is_nan));
        for bad in ["", "inf", "nan", "Infinity", "1,5", "0x10", "1e", "."] {
            assert!(f32::parse_text(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn floats_write_back_in_xsd_form() {
        assert_eq!(text(1.5), "1.5");
        assert_eq!(text(600.0), "600");
        assert_eq!(text(0.1), "0.1");
        assert_eq!(text(f32::INFINITY), "INF");
        assert_eq!(text(f32::NEG_INFINITY), "-INF");
        assert_eq!(text(f32::NAN), "NaN");
        for value in [0.1f32, 1.0e-7, 3.402_823_5e38, -2.5] {
            assert_eq!(f32::parse_text(&text(value)), Ok(value));
        }
    }
}
