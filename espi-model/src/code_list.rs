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

use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.code().serialize(serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$code>::deserialize(deserializer).map(Self::from_code)
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

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_wire())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
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

// ---------------------------------------------------------------------------
// Numeric code lists, in the order of espi.xsd. Rows follow the schema's
// order inside each list too, so a table can be checked against the XSD by eye.
// ---------------------------------------------------------------------------

code_list! {
    /// Classification of a billing line item (`LineItem/itemKind`).
    ItemKind, "ItemKind", u16;
    EnergyGenerationFee = 1, "Energy Generation Fee", "A charge for generation of energy.";
    EnergyDeliveryFee = 2, "Energy Delivery Fee", "A charge for delivery of energy.";
    EnergyUsageFee = 3, "Energy Usage Fee", "A charge for electricity, natural gas, water consumption.";
    AdministrativeFee = 4, "Administrative Fee", "A fee for administrative services.";
    Tax = 5, "Tax", "A local, state, or federal energy tax.";
    EnergyGenerationCredit = 6, "Energy Generation Credit", "A credit, discount or rebate for generation of energy.";
    EnergyDeliveryCredit = 7, "Energy Delivery Credit", "A credit, discount or rebate for delivery of energy.";
    AdministrativeCredit = 8, "Administrative Credit", "A credit, discount or rebate for administrative services.";
    Payment = 9, "Payment", "A payment for a previous billing.";
    Information = 10, "Information", "An informational line item.";
}

code_list! {
    /// How a value is accumulated over time (`ReadingType/accumulationBehaviour`).
    AccumulationKind, "AccumulationKind", u16;
    None = 0, "none", "Not applicable or implied by the unit of measure.";
    BulkQuantity = 1, "bulkQuantity", "A register value representing the bulk quantity of a commodity (the dial reading); rolls over at the maximum dial value.";
    ContinuousCumulative = 2, "continuousCumulative", "The sum of the previous billing period values and the present period value.";
    Cumulative = 3, "cumulative", "The sum of the previous billing period values.";
    DeltaData = 4, "deltaData", "The difference between the value at the end of the prescribed interval and the beginning of the interval (incremental interval data).";
    Indicating = 6, "indicating", "As if a needle is swung out on the meter face to a value to indicate the current value.";
    Summation = 9, "summation", "A form of accumulation which is selective with respect to time.";
    TimeDelay = 10, "timeDelay", "A form of computation which introduces a time delay characteristic to the data value.";
    Instantaneous = 12, "instantaneous", "Measured over the fastest period of time allowed by the definition of the metric.";
    LatchingQuantity = 13, "latchingQuantity", "A time-independent cumulative quantity like a bulk quantity, except that it latches at the maximum value until reset.";
    BoundedQuantity = 14, "boundedQuantity", "A time-independent cumulative quantity like a bulk quantity, except that accumulation stops at the maximum or minimum values.";
}

code_list! {
    /// Commodity classification (`ReadingType/commodity`, `UsageSummary/commodity`).
    CommodityKind, "CommodityKind", u16;
    None = 0, "none", "Not applicable.";
    ElectricitySecondaryMetered = 1, "electricity SecondaryMetered", "All types of metered quantities; the reading comes from the meter and is a secondary metered value.";
    ElectricityPrimaryMetered = 2, "electricity PrimaryMetered", "The metered value with the ratios of external VTs and/or CTs applied (the primary metered value).";
    Communication = 3, "communication", "A measurement of the communication infrastructure itself.";
    Air = 4, "air", "Air.";
    InsulativeGas = 5, "insulativeGas", "Insulative gas (SF6 is listed separately).";
    InsulativeOil = 6, "insulativeOil", "Insulative oil.";
    NaturalGas = 7, "naturalGas", "Natural gas.";
    Propane = 8, "propane", "Propane (C3H8).";
    PotableWater = 9, "potableWater", "Drinkable water.";
    Steam = 10, "steam", "Water in steam form, usually used for heating.";
    WasteWater = 11, "wasteWater", "Waste water (sewerage).";
    HeatingFluid = 12, "heatingFluid", "A heating fluid, likely liquid, not necessarily water based; it returns cooler than sent and the heat conveyed may be metered.";
    CoolingFluid = 13, "coolingFluid", "A cooling fluid; it returns warmer than sent and the heat conveyed may be metered.";
    NonpotableWater = 14, "nonpotableWater", "Reclaimed water, possibly used for irrigation but not treated enough to be safe for drinking.";
    Nox = 15, "nox", "Nitrous oxides (NOx).";
    So2 = 16, "so2", "Sulfur dioxide (SO2).";
    Ch4 = 17, "ch4", "Methane (CH4).";
    Co2 = 18, "co2", "Carbon dioxide (CO2).";
    Carbon = 19, "carbon", "Carbon.";
    Hch = 20, "hch", "Hexachlorocyclohexane (HCH).";
    Pfc = 21, "pfc", "Perfluorocarbons (PFC).";
    Sf6 = 22, "sf6", "Sulfur hexafluoride (SF6).";
    TvLicence = 23, "tvLicence", "Television.";
    Internet = 24, "internet", "Internet service.";
    Refuse = 25, "refuse", "Trash.";
    ElectricityTransmissionMetered = 26, "electricity TransmissionMetered", "Service taken directly from the transmission system without transformation from standard transmission voltages.";
}

code_list! {
    /// Currency of costs, as ISO 4217 numeric codes (`ReadingType/currency`, `UsageSummary/currency`).
    Currency, "Currency", u16;
    USD = 840, "USD", "US dollar.";
    EUR = 978, "EUR", "European euro.";
    AUD = 36, "AUD", "Australian dollar.";
    CAD = 124, "CAD", "Canadian dollar.";
    CHF = 756, "CHF", "Swiss francs.";
    CNY = 156, "CNY", "Chinese yuan renminbi.";
    DKK = 208, "DKK", "Danish crown.";
    GBP = 826, "GBP", "British pound.";
    JPY = 392, "JPY", "Japanese yen.";
    NOK = 578, "NOK", "Norwegian crown.";
    RUB = 643, "RUB", "Russian ruble.";
    SEK = 752, "SEK", "Swedish crown.";
    INR = 356, "INR", "India rupees.";
    /// Named `Another` because `Other` is the variant for unlisted codes.
    Another = 0, "other", "Another type of currency.";
}

code_list! {
    /// A salient attribute of the readings (`ReadingType/dataQualifier`).
    DataQualifierKind, "DataQualifierKind", u16;
    None = 0, "none", "Not applicable.";
    Average = 2, "average", "Average value.";
    Excess = 4, "excess", "The value represents an amount over which a threshold was exceeded.";
    HighThreshold = 5, "highThreshold", "The value represents a programmed threshold.";
    LowThreshold = 7, "lowThreshold", "The value represents a programmed threshold.";
    Maximum = 8, "maximum", "The highest value observed.";
    Minimum = 9, "minimum", "The smallest value observed.";
    Nominal = 11, "nominal", "Nominal.";
    Normal = 12, "normal", "Normal.";
    SecondMaximum = 16, "secondMaximum", "The second highest value observed.";
    SecondMinimum = 17, "secondMinimum", "The second smallest value observed.";
    ThirdMaximum = 23, "thirdMaximum", "The third highest value observed.";
    FourthMaximum = 24, "fourthMaximum", "The fourth highest value observed.";
    FifthMaximum = 25, "fifthMaximum", "The fifth highest value observed.";
    Sum = 26, "sum", "The accumulated sum.";
}

code_list! {
    /// Direction of flow for current-related readings (`ReadingType/flowDirection`).
    FlowDirectionKind, "FlowDirectionKind", u16;
    None = 0, "none", "Not applicable.";
    Forward = 1, "forward", "Delivered or imported (IEC 61968-2): energy supplied by the utility and consumed at the service.";
    Lagging = 2, "lagging", "A power factor lagging the reference value (typically inductive loading).";
    Leading = 3, "leading", "A power factor leading the reference value (typically capacitive loading).";
    Net = 4, "net", "|Forward| − |Reverse| (IEC 61968-2); may be negative in some systems.";
    Q1PlusQ2 = 5, "q1plusQ2", "Reactive positive quadrants (the term lagging is preferred).";
    Q1PlusQ3 = 7, "q1plusQ3", "Quadrants 1 and 3.";
    Q1PlusQ4 = 8, "q1plusQ4", "Quadrants 1 and 4, usually forward active energy.";
    Q1MinusQ4 = 9, "q1minusQ4", "Q1 minus Q4.";
    Q2PlusQ3 = 10, "q2plusQ3", "Quadrants 2 and 3, usually reverse active energy.";
    Q2PlusQ4 = 11, "q2plusQ4", "Quadrants 2 and 4.";
    Q2MinusQ3 = 12, "q2minusQ3", "Q2 minus Q3.";
    Q3PlusQ4 = 13, "q3plusQ4", "Reactive negative quadrants (the term leading is preferred).";
    Q3MinusQ2 = 14, "q3minusQ2", "Q3 minus Q2.";
    Quadrant1 = 15, "quadrant1", "Q1 only.";
    Quadrant2 = 16, "quadrant2", "Q2 only.";
    Quadrant3 = 17, "quadrant3", "Q3 only.";
    Quadrant4 = 18, "quadrant4", "Q4 only.";
    Reverse = 19, "reverse", "Received or exported (IEC 61968-2): energy backfed by the service onto the utility network; always a positive value.";
    Total = 20, "total", "|Forward| + |Reverse| (IEC 61968-2): the sum of the commodity in all quadrants.";
    TotalByPhase = 21, "totalByPhase", "The sum of the absolute values of the phase energies (polyphase metering).";
}

code_list! {
    /// Name of the physical measurement (`ReadingType/kind`).
    MeasurementKind, "MeasurementKind", u16;
    None = 0, "none", "Not applicable.";
    ApparentPowerFactor = 2, "apparentPowerFactor", "Apparent power factor.";
    Currency = 3, "currency", "Currency.";
    Current = 4, "current", "Current.";
    CurrentAngle = 5, "currentAngle", "Current angle.";
    CurrentImbalance = 6, "currentImbalance", "Current imbalance.";
    Date = 7, "date", "Date.";
    Demand = 8, "demand", "Demand.";
    Distance = 9, "distance", "Distance.";
    DistortionVoltAmperes = 10, "distortionVoltAmperes", "Distortion volt-amperes.";
    Energization = 11, "energization", "Energization.";
    Energy = 12, "energy", "Energy.";
    EnergizationLoadSide = 13, "energizationLoadSide", "Energization, load side.";
    Fan = 14, "fan", "Fan.";
    Frequency = 15, "frequency", "Frequency.";
    Funds = 16, "Funds", "Funds (a duplicate of `currency`).";
    Ieee1366Asai = 17, "ieee1366ASAI", "IEEE 1366 ASAI.";
    Ieee1366Asidi = 18, "ieee1366ASIDI", "IEEE 1366 ASIDI.";
    Ieee1366Asifi = 19, "ieee1366ASIFI", "IEEE 1366 ASIFI.";
    Ieee1366Caidi = 20, "ieee1366CAIDI", "IEEE 1366 CAIDI.";
    Ieee1366Caifi = 21, "ieee1366CAIFI", "IEEE 1366 CAIFI.";
    Ieee1366CemiN = 22, "ieee1366CEMIn", "IEEE 1366 CEMIn.";
    Ieee1366CemsmiN = 23, "ieee1366CEMSMIn", "IEEE 1366 CEMSMIn.";
    Ieee1366Ctaidi = 24, "ieee1366CTAIDI", "IEEE 1366 CTAIDI.";
    Ieee1366Maifi = 25, "ieee1366MAIFI", "IEEE 1366 MAIFI.";
    Ieee1366MaifiE = 26, "ieee1366MAIFIe", "IEEE 1366 MAIFIe.";
    Ieee1366Saidi = 27, "ieee1366SAIDI", "IEEE 1366 SAIDI.";
    Ieee1366Saifi = 28, "ieee1366SAIFI", "IEEE 1366 SAIFI.";
    LineLosses = 31, "lineLosses", "Line losses.";
    Losses = 32, "losses", "Losses.";
    NegativeSequence = 33, "negativeSequence", "Negative sequence.";
    PhasorPowerFactor = 34, "phasorPowerFactor", "Phasor power factor.";
    PhasorReactivePower = 35, "phasorReactivePower", "Phasor reactive power.";
    PositiveSequence = 36, "positiveSequence", "Positive sequence.";
    Power = 37, "power", "Power.";
    PowerFactor = 38, "powerFactor", "Power factor.";
    QuantityPower = 40, "quantityPower", "Quantity power.";
    Sag = 41, "sag", "Sag (voltage dip).";
    Swell = 42, "swell", "Swell.";
    SwitchPosition = 43, "switchPosition", "Switch position.";
    TapPosition = 44, "tapPosition", "Tap position.";
    TariffRate = 45, "tariffRate", "Tariff rate.";
    Temperature = 46, "temperature", "Temperature.";
    TotalHarmonicDistortion = 47, "totalHarmonicDistortion", "Total harmonic distortion.";
    TransformerLosses = 48, "transformerLosses", "Transformer losses.";
    UnipedeVoltageDip10to15 = 49, "unipedeVoltageDip10to15", "UNIPEDE voltage dip 10 to 15.";
    UnipedeVoltageDip15to30 = 50, "unipedeVoltageDip15to30", "UNIPEDE voltage dip 15 to 30.";
    UnipedeVoltageDip30to60 = 51, "unipedeVoltageDip30to60", "UNIPEDE voltage dip 30 to 60.";
    UnipedeVoltageDip60to90 = 52, "unipedeVoltageDip60to90", "UNIPEDE voltage dip 60 to 90.";
    UnipedeVoltageDip90to100 = 53, "unipedeVoltageDip90to100", "UNIPEDE voltage dip 90 to 100.";
    Voltage = 54, "voltage", "Voltage.";
    VoltageAngle = 55, "voltageAngle", "Voltage angle.";
    VoltageExcursion = 56, "voltageExcursion", "Voltage excursion.";
    VoltageImbalance = 57, "voltageImbalance", "Voltage imbalance.";
    Volume = 58, "volume", "Volume (fluid volume).";
    ZeroFlowDuration = 59, "zeroFlowDuration", "Zero flow duration.";
    ZeroSequence = 60, "zeroSequence", "Zero sequence.";
    DistortionPowerFactor = 64, "distortionPowerFactor", "Distortion power factor.";
    FrequencyExcursion = 81, "frequencyExcursion", "Frequency excursion (usually a count).";
    ApplicationContext = 90, "applicationContext", "Application context.";
    ApTitle = 91, "apTitle", "AP title.";
    AssetNumber = 92, "assetNumber", "Asset number.";
    Bandwidth = 93, "bandwidth", "Bandwidth.";
    BatteryVoltage = 94, "batteryVoltage", "Battery voltage.";
    BroadcastAddress = 95, "broadcastAddress", "Broadcast address.";
    DeviceAddressType1 = 96, "deviceAddressType1", "Device address type 1.";
    DeviceAddressType2 = 97, "deviceAddressType2", "Device address type 2.";
    DeviceAddressType3 = 98, "deviceAddressType3", "Device address type 3.";
    DeviceAddressType4 = 99, "deviceAddressType4", "Device address type 4.";
    DeviceClass = 100, "deviceClass", "Device class.";
    ElectronicSerialNumber = 101, "electronicSerialNumber", "Electronic serial number.";
    EndDeviceId = 102, "endDeviceID", "End device ID.";
    GroupAddressType1 = 103, "groupAddressType1", "Group address type 1.";
    GroupAddressType2 = 104, "groupAddressType2", "Group address type 2.";
    GroupAddressType3 = 105, "groupAddressType3", "Group address type 3.";
    GroupAddressType4 = 106, "groupAddressType4", "Group address type 4.";
    IpAddress = 107, "ipAddress", "IP address.";
    MacAddress = 108, "macAddress", "MAC address.";
    MfgAssignedConfigurationId = 109, "mfgAssignedConfigurationID", "Manufacturer-assigned configuration ID.";
    MfgAssignedPhysicalSerialNumber = 110, "mfgAssignedPhysicalSerialNumber", "Manufacturer-assigned physical serial number.";
    MfgAssignedProductNumber = 111, "mfgAssignedProductNumber", "Manufacturer-assigned product number.";
    MfgAssignedUniqueCommunicationAddress = 112, "mfgAssignedUniqueCommunicationAddress", "Manufacturer-assigned unique communication address.";
    MultiCastAddress = 113, "multiCastAddress", "Multicast address.";
    OneWayAddress = 114, "oneWayAddress", "One-way address.";
    SignalStrength = 115, "signalStrength", "Signal strength.";
    TwoWayAddress = 116, "twoWayAddress", "Two-way address.";
    SignalToNoiseRatio = 117, "signaltoNoiseRatio", "Signal-to-noise ratio.";
    Alarm = 118, "alarm", "Alarm.";
    BatteryCarryover = 119, "batteryCarryover", "Battery carryover.";
    DataOverflowAlarm = 120, "dataOverflowAlarm", "Data overflow alarm.";
    DemandLimit = 121, "demandLimit", "Demand limit.";
    DemandReset = 122, "demandReset", "Demand reset (usually a count per billing cycle).";
    Diagnostic = 123, "diagnostic", "Diagnostic.";
    EmergencyLimit = 124, "emergencyLimit", "Emergency limit.";
    EncoderTamper = 125, "encoderTamper", "Encoder tamper.";
    Ieee1366MomentaryInterruption = 126, "ieee1366MomentaryInterruption", "IEEE 1366 momentary interruption.";
    Ieee1366MomentaryInterruptionEvent = 127, "ieee1366MomentaryInterruptionEvent", "IEEE 1366 momentary interruption event.";
    Ieee1366SustainedInterruption = 128, "ieee1366SustainedInterruption", "IEEE 1366 sustained interruption.";
    InterruptionBehaviour = 129, "interruptionBehaviour", "Interruption behaviour.";
    InversionTamper = 130, "inversionTamper", "Inversion tamper.";
    LoadInterrupt = 131, "loadInterrupt", "Load interrupt.";
    LoadShed = 132, "loadShed", "Load shed.";
    Maintenance = 133, "maintenance", "Maintenance.";
    PhysicalTamper = 134, "physicalTamper", "Physical tamper.";
    PowerLossTamper = 135, "powerLossTamper", "Power loss tamper.";
    PowerOutage = 136, "powerOutage", "Power outage.";
    PowerQuality = 137, "powerQuality", "Power quality.";
    PowerRestoration = 138, "powerRestoration", "Power restoration.";
    Programmed = 139, "programmed", "Programmed.";
    Pushbutton = 140, "pushbutton", "Push button.";
    RelayActivation = 141, "relayActivation", "Relay activation.";
    RelayCycle = 142, "relayCycle", "Relay cycle (usually a count).";
    RemovalTamper = 143, "removalTamper", "Removal tamper.";
    ReprogrammingTamper = 144, "reprogrammingTamper", "Reprogramming tamper.";
    ReverseRotationTamper = 145, "reverseRotationTamper", "Reverse rotation tamper.";
    SwitchArmed = 146, "switchArmed", "Switch armed.";
    SwitchDisabled = 147, "switchDisabled", "Switch disabled.";
    Tamper = 148, "tamper", "Tamper.";
    WatchdogTimeout = 149, "watchdogTimeout", "Watchdog timeout.";
    BillLastPeriod = 150, "billLastPeriod", "Customer’s bill for the previous billing period (currency).";
    BillToDate = 151, "billToDate", "Customer’s bill as known so far within the present billing period (currency).";
    /// The schema text is truncated ("Customer’s bill for the (Currency)").
    BillCarryover = 152, "billCarryover", "Customer’s bill carryover (currency).";
    ConnectionFee = 153, "connectionFee", "Monthly fee for connection to the commodity.";
    AudibleVolume = 154, "audibleVolume", "Audible volume (sound).";
    VolumetricFlow = 155, "volumetricFlow", "Volumetric flow.";
}

code_list! {
    /// Phases involved in a measurement (`ReadingType/phase`, `UsagePoint/phaseCode`).
    ///
    /// Phases 1 and 2 (S1, S2) are the hot wires of a split-phase secondary circuit, N the neutral.
    #[allow(
        clippy::upper_case_acronyms,
        reason = "phase codes are conventionally written in capitals, as the schema does"
    )]
    PhaseCodeKind, "PhaseCodeKind", u16;
    ABCN = 225, "ABCN", "ABC to neutral.";
    ABC = 224, "ABC", "Involving all phases.";
    ABN = 193, "ABN", "AB to neutral.";
    ACN = 41, "ACN", "Phases A, C and neutral.";
    BCN = 97, "BCN", "BC to neutral.";
    AB = 132, "AB", "Phases A to B.";
    AC = 96, "AC", "Phases A and C.";
    BC = 66, "BC", "Phases B to C.";
    AN = 129, "AN", "Phase A to neutral.";
    BN = 65, "BN", "Phase B to neutral.";
    CN = 33, "CN", "Phase C to neutral.";
    A = 128, "A", "Phase A.";
    B = 64, "B", "Phase B.";
    C = 32, "C", "Phase C.";
    N = 16, "N", "Neutral.";
    S2N = 272, "S2N", "Phase S2 to neutral.";
    S12N = 784, "S12N", "Phase S1, S2 to neutral (the IEC 61968-9 code).";
    S1N = 528, "S1N", "Phase S1 to neutral.";
    S2 = 256, "S2", "Phase S2.";
    S12 = 768, "S12", "Phase S1 to S2.";
    /// The schema gives code 769 the same name as 784; 769 is the code used in Green Button samples.
    S12NAlt = 769, "S12N", "Phase S1, S2 to N.";
    None = 0, "none", "Not applicable to any phase.";
    AtoAv = 136, "AtoAv", "Phase A current relative to phase A voltage.";
    BAv = 72, "BAv", "Phase B current or voltage relative to phase A voltage.";
    CAv = 40, "CAv", "Phase C current or voltage relative to phase A voltage.";
    NG = 17, "NG", "Neutral to ground.";
    S1 = 512, "S1", "Phase S1.";
}

code_list! {
    /// Power-of-ten multiplier of a unit (`ReadingType/powerOfTenMultiplier`, `SummaryMeasurement/powerOfTenMultiplier`).
    ///
    /// The code is the exponent itself: value × 10^code.
    UnitMultiplierKind, "UnitMultiplierKind", i16;
    Pico = -12, "p", "Pico, 10^-12.";
    Nano = -9, "n", "Nano, 10^-9.";
    Micro = -6, "micro", "Micro, 10^-6.";
    Milli = -3, "m", "Milli, 10^-3.";
    Centi = -2, "c", "Centi, 10^-2.";
    Deci = -1, "d", "Deci, 10^-1.";
    Kilo = 3, "k", "Kilo, 10^3.";
    Mega = 6, "M", "Mega, 10^6.";
    Giga = 9, "G", "Giga, 10^9.";
    Tera = 12, "T", "Tera, 10^12.";
    None = 0, "none", "Not applicable, or ×1.";
    Deca = 1, "da", "Deca, 10^1.";
    Hecto = 2, "h", "Hecto, 10^2.";
}

code_list! {
    /// Quality of a reading (`ReadingQuality/quality`, `ReadingType/defaultQuality`, `UsageSummary/qualityOfReading`).
    QualityOfReading, "QualityOfReading", u16;
    Valid = 0, "valid", "Data that has gone through all required validation checks and either passed them all or has been verified.";
    ManuallyEdited = 7, "manually edited", "Replaced or approved by a human.";
    EstimatedUsingReferenceDay = 8, "estimated using reference day", "Replaced by a machine-computed value based on historical data of the same type of measurement.";
    EstimatedUsingLinearInterpolation = 9, "estimated using linear interpolation", "Computed by linear interpolation from the readings before and after it.";
    Questionable = 10, "questionable", "Data that has failed one or more checks.";
    Derived = 11, "derived", "Data that has been calculated (using logic or mathematical operations).";
    Projected = 12, "projected (forecast)", "Data calculated as a projection or forecast of future readings.";
    Mixed = 13, "mixed", "The quality of this reading has mixed characteristics.";
    Raw = 14, "raw", "Data that has not gone through validation.";
    NormalizedForWeather = 15, "normalized for weather", "The values have been adjusted to account for weather.";
    /// Named `OtherCharacteristic` because `Other` is the variant for unlisted codes.
    OtherCharacteristic = 16, "other", "A characteristic applies other than those defined.";
    Validated = 17, "validated", "Data validated and possibly edited and/or estimated in accordance with approved procedures.";
    Verified = 18, "verified", "Data that failed at least one required validation check but was determined to represent actual usage.";
    RevenueQuality = 19, "revenue-quality", "Data that is valid and acceptable for billing purposes.";
}

code_list! {
    /// Kind of service of a UsagePoint (`ServiceCategory/kind`).
    ServiceKind, "ServiceKind", u16;
    Electricity = 0, "electricity", "Electricity service.";
    Gas = 1, "gas", "Gas service.";
    Water = 2, "water", "Water service.";
    Time = 3, "time", "Time service.";
    Heat = 4, "heat", "Heat service.";
    Refuse = 5, "refuse", "Refuse (waste) service.";
    Sewerage = 6, "sewerage", "Sewerage service.";
    Rates = 7, "rates", "Rates (e.g. tax, charge, toll, duty, tariff) service.";
    TvLicence = 8, "tvLicence", "TV licence service.";
    Internet = 9, "internet", "Internet service.";
}

code_list! {
    /// Interval method of the readings (`ReadingType/measuringPeriod`).
    ///
    /// Note the schema's naming: `measuringPeriod` has this type, while
    /// `ReadingType/timeAttribute` has type [`TimePeriodOfInterest`].
    TimeAttributeKind, "TimeAttributeKind", u16;
    None = 0, "none", "Not applicable.";
    TenMinute = 1, "tenMinute", "10-minute.";
    FifteenMinute = 2, "fifteenMinute", "15-minute.";
    OneMinute = 3, "oneMinute", "1-minute.";
    TwentyFourHour = 4, "twentyfourHour", "24-hour.";
    ThirtyMinute = 5, "thirtyMinute", "30-minute.";
    FiveMinute = 6, "fiveMinute", "5-minute.";
    SixtyMinute = 7, "sixtyMinute", "60-minute.";
    TwoMinute = 10, "twoMinute", "2-minute.";
    ThreeMinute = 14, "threeMinute", "3-minute.";
    Present = 15, "present", "Within the present period of time.";
    Previous = 16, "previous", "Shifted within the previous monthly cycle and data set.";
    TwentyMinute = 31, "twentyMinute", "20-minute interval.";
    FixedBlock60Min = 50, "fixedBlock60Min", "60-minute fixed block.";
    FixedBlock30Min = 51, "fixedBlock30Min", "30-minute fixed block.";
    FixedBlock20Min = 52, "fixedBlock20Min", "20-minute fixed block.";
    FixedBlock15Min = 53, "fixedBlock15Min", "15-minute fixed block.";
    FixedBlock10Min = 54, "fixedBlock10Min", "10-minute fixed block.";
    FixedBlock5Min = 55, "fixedBlock5Min", "5-minute fixed block.";
    FixedBlock1Min = 56, "fixedBlock1Min", "1-minute fixed block.";
    RollingBlock60MinIntvl30MinSubIntvl = 57, "rollingBlock60MinIntvl30MinSubIntvl", "60-minute rolling block with 30-minute sub-intervals.";
    RollingBlock60MinIntvl20MinSubIntvl = 58, "rollingBlock60MinIntvl20MinSubIntvl", "60-minute rolling block with 20-minute sub-intervals.";
    RollingBlock60MinIntvl15MinSubIntvl = 59, "rollingBlock60MinIntvl15MinSubIntvl", "60-minute rolling block with 15-minute sub-intervals.";
    RollingBlock60MinIntvl12MinSubIntvl = 60, "rollingBlock60MinIntvl12MinSubIntvl", "60-minute rolling block with 12-minute sub-intervals.";
    RollingBlock60MinIntvl10MinSubIntvl = 61, "rollingBlock60MinIntvl10MinSubIntvl", "60-minute rolling block with 10-minute sub-intervals.";
    RollingBlock60MinIntvl6MinSubIntvl = 62, "rollingBlock60MinIntvl6MinSubIntvl", "60-minute rolling block with 6-minute sub-intervals.";
    RollingBlock60MinIntvl5MinSubIntvl = 63, "rollingBlock60MinIntvl5MinSubIntvl", "60-minute rolling block with 5-minute sub-intervals.";
    RollingBlock60MinIntvl4MinSubIntvl = 64, "rollingBlock60MinIntvl4MinSubIntvl", "60-minute rolling block with 4-minute sub-intervals.";
    RollingBlock30MinIntvl15MinSubIntvl = 65, "rollingBlock30MinIntvl15MinSubIntvl", "30-minute rolling block with 15-minute sub-intervals.";
    RollingBlock30MinIntvl10MinSubIntvl = 66, "rollingBlock30MinIntvl10MinSubIntvl", "30-minute rolling block with 10-minute sub-intervals.";
    RollingBlock30MinIntvl6MinSubIntvl = 67, "rollingBlock30MinIntvl6MinSubIntvl", "30-minute rolling block with 6-minute sub-intervals.";
    RollingBlock30MinIntvl5MinSubIntvl = 68, "rollingBlock30MinIntvl5MinSubIntvl", "30-minute rolling block with 5-minute sub-intervals.";
    RollingBlock30MinIntvl3MinSubIntvl = 69, "rollingBlock30MinIntvl3MinSubIntvl", "30-minute rolling block with 3-minute sub-intervals.";
    RollingBlock30MinIntvl2MinSubIntvl = 70, "rollingBlock30MinIntvl2MinSubIntvl", "30-minute rolling block with 2-minute sub-intervals.";
    RollingBlock15MinIntvl5MinSubIntvl = 71, "rollingBlock15MinIntvl5MinSubIntvl", "15-minute rolling block with 5-minute sub-intervals.";
    RollingBlock15MinIntvl3MinSubIntvl = 72, "rollingBlock15MinIntvl3MinSubIntvl", "15-minute rolling block with 3-minute sub-intervals.";
    RollingBlock15MinIntvl1MinSubIntvl = 73, "rollingBlock15MinIntvl1MinSubIntvl", "15-minute rolling block with 1-minute sub-intervals.";
    RollingBlock10MinIntvl5MinSubIntvl = 74, "rollingBlock10MinIntvl5MinSubIntvl", "10-minute rolling block with 5-minute sub-intervals.";
    RollingBlock10MinIntvl2MinSubIntvl = 75, "rollingBlock10MinIntvl2MinSubIntvl", "10-minute rolling block with 2-minute sub-intervals.";
    RollingBlock10MinIntvl1MinSubIntvl = 76, "rollingBlock10MinIntvl1MinSubIntvl", "10-minute rolling block with 1-minute sub-intervals.";
    RollingBlock5MinIntvl1MinSubIntvl = 77, "rollingBlock5MinIntvl1MinSubIntvl", "5-minute rolling block with 1-minute sub-intervals.";
}

code_list! {
    /// Period of interest of the readings (`ReadingType/timeAttribute`).
    TimePeriodOfInterest, "TimePeriodOfInterest", u16;
    None = 0, "none", "Not applicable.";
    BillingPeriod = 8, "billingPeriod", "The billing period, starting at midnight of its first day; for the current period, from its start until now.";
    Daily = 11, "daily", "The day, starting at midnight; for the current day, from midnight until now.";
    Monthly = 13, "monthly", "The month, starting at midnight of its first day; for the current month, from its start until now.";
    Seasonal = 22, "seasonal", "A season spanning several months; for the current season, from its start until now.";
    Weekly = 24, "weekly", "The week, from midnight of its first day to just before midnight of its last; for the current week, from its start until now.";
    SpecifiedPeriod = 32, "specifiedPeriod", "The period defined by the start and end of the TimePeriod element in the message.";
}

code_list! {
    /// Base unit of measure (`ReadingType/uom`, `SummaryMeasurement/uom`), scaled by a [`UnitMultiplierKind`].
    ///
    /// Variant names follow the schema names with a capital first letter,
    /// except `Henry` (`H`) and `Hour` (`h`), which would otherwise clash.
    /// See [`UnitSymbolKind::symbol`] and [`unit_label`] for display.
    UnitSymbolKind, "UnitSymbolKind", u16;
    VA = 61, "VA", "Apparent power, volt-ampere (VA).";
    W = 38, "W", "Real power, watt (W): one joule per second.";
    VAr = 63, "VAr", "Reactive power, volt-ampere reactive (VAr).";
    VAh = 71, "VAh", "Apparent energy, volt-ampere hours (VAh).";
    Wh = 72, "Wh", "Real energy, watt-hours (Wh).";
    VArh = 73, "VArh", "Reactive energy, volt-ampere reactive hours (VArh).";
    V = 29, "V", "Electric potential, volt (W/A).";
    Ohm = 30, "ohm", "Electric resistance, ohm (V/A), Ω.";
    A = 5, "A", "Current, ampere (A).";
    /// The schema gives `°C` as this unit's symbol; the farad's symbol is F.
    F = 25, "F", "Electric capacitance, farad (C/V), F.";
    Henry = 28, "H", "Electric inductance, henry (Wb/A), H.";
    DegC = 23, "degC", "Relative temperature in degrees Celsius (°C); `degC` distinguishes it from the coulomb (C).";
    Sec = 27, "sec", "Time, seconds (s).";
    Min = 159, "min", "Time, minute = 60 s (min).";
    Hour = 160, "h", "Time, hour = 60 min (h).";
    Deg = 9, "deg", "Plane angle, degrees (°).";
    Rad = 10, "rad", "Plane angle, radian (m/m).";
    J = 31, "J", "Energy, joule (N·m = C·V = W·s).";
    N = 32, "n", "Force, newton (kg·m/s²), N.";
    Siemens = 53, "siemens", "Electric conductance, siemens (A/V = 1/Ω), S.";
    None = 0, "none", "Not applicable, no unit.";
    Hz = 33, "Hz", "Frequency, hertz (1/s).";
    G = 3, "g", "Mass, gram (g).";
    Pa = 39, "pa", "Pressure, pascal (N/m²), Pa; absolute or relative pressure is implied.";
    M = 2, "m", "Length, metre (m).";
    M2 = 41, "m2", "Area, square metre (m²).";
    M3 = 42, "m3", "Volume, cubic metre (m³).";
    A2 = 69, "A2", "Amperes squared (A²).";
    A2h = 105, "A2h", "Ampere-squared hours (A²h).";
    A2s = 70, "A2s", "Ampere-squared seconds (A²s).";
    Ah = 106, "Ah", "Ampere-hours (Ah).";
    APerA = 152, "APerA", "Current ratio, amperes per ampere (A/A).";
    APerM = 103, "APerM", "Magnetic field strength, amperes per metre (A/m).";
    As = 68, "As", "Ampere-seconds (As).";
    B = 79, "b", "Sound pressure level, bel (B SPL); with multiplier `d`, dB (SPL).";
    Bm = 113, "bm", "Signal strength, bel-milliwatts normalised to 1 mW (Bm); with multiplier `d`, dBm.";
    Bq = 22, "bq", "Radioactivity, becquerel (1/s), Bq.";
    Btu = 132, "btu", "Energy, British thermal units (BTU).";
    BtuPerH = 133, "btuPerH", "Power, BTU per hour (BTU/h).";
    Cd = 8, "cd", "Luminous intensity, candela (cd).";
    Char = 76, "char", "Number of characters (char).";
    HzPerSec = 75, "HzPerSec", "Rate of change of frequency, hertz per second (Hz/s).";
    Code = 114, "code", "Application value, encoded value (code).";
    CosTheta = 65, "cosTheta", "Power factor, dimensionless (cos θ).";
    Count = 111, "count", "Counter value (count).";
    Ft3 = 119, "ft3", "Volume, cubic feet (ft³).";
    Ft3Compensated = 120, "ft3compensated", "Volume, compensated cubic feet (ft³(compensated)).";
    Ft3CompensatedPerH = 123, "ft3compensatedPerH", "Volumetric flow rate, compensated cubic feet per hour (ft³(compensated)/h).";
    GM2 = 78, "gM2", "Turbine inertia, gram·metre² (g·m²); with multiplier `k`, kg·m².";
    GPerG = 144, "gPerG", "Concentration, mass of solute per mass of solution (g/g).";
    Gy = 21, "gy", "Absorbed dose, gray (J/kg), Gy.";
    HzPerHz = 150, "HzPerHz", "Frequency ratio (Hz/Hz).";
    CharPerSec = 77, "charPerSec", "Data rate, characters per second (char/s).";
    ImperialGal = 130, "imperialGal", "Volume, imperial gallons.";
    ImperialGalPerH = 131, "imperialGalPerH", "Volumetric flow rate, imperial gallons per hour.";
    JPerK = 51, "jPerK", "Heat capacity, joules per kelvin (J/K).";
    JPerKg = 165, "jPerKg", "Specific energy, joules per kilogram (J/kg).";
    K = 6, "K", "Temperature, kelvin (K).";
    Kat = 158, "kat", "Catalytic activity, katal = mol/s (kat).";
    /// The schema gives `M` as this unit's symbol.
    KgM = 47, "kgM", "Moment of mass, kilogram metre (kg·m).";
    /// Despite the schema name, the unit is g/m³; the schema says to combine it with multiplier `k` for kg/m³.
    KgPerM3 = 48, "kgPerM3", "Density, grams per cubic metre (g/m³).";
    Litre = 134, "litre", "Volume, litre = dm³ = m³/1000 (L).";
    LitreCompensated = 157, "litreCompensated", "Volume, litres compensated for weather effects (L(compensated)).";
    LitreCompensatedPerH = 138, "litreCompensatedPerH", "Volumetric flow rate, compensated litres per hour (L(compensated)/h).";
    LitrePerH = 137, "litrePerH", "Volumetric flow rate, litres per hour (L/h).";
    LitrePerLitre = 143, "litrePerLitre", "Concentration, volume of solute per volume of solution (L/L).";
    LitrePerSec = 82, "litrePerSec", "Volumetric flow rate, litres per second (L/s).";
    LitreUncompensated = 156, "litreUncompensated", "Volume, litres uncompensated for weather effects (L(uncompensated)).";
    LitreUncompensatedPerH = 139, "litreUncompensatedPerH", "Volumetric flow rate, uncompensated litres per hour (L(uncompensated)/h).";
    Lm = 35, "lm", "Luminous flux, lumen (cd·sr), lm.";
    /// The schema gives `L(uncompensated)/h` as this unit's symbol.
    Lx = 34, "lx", "Illuminance, lux (lm/m²), lx.";
    M2PerSec = 49, "m2PerSec", "Viscosity, square metres per second (m²/s).";
    M3Compensated = 167, "m3compensated", "Volume, cubic metres compensated for weather effects (m³(compensated)).";
    M3CompensatedPerH = 126, "m3compensatedPerH", "Volumetric flow rate, compensated cubic metres per hour (m³(compensated)/h).";
    M3PerH = 125, "m3PerH", "Volumetric flow rate, cubic metres per hour (m³/h).";
    M3PerSec = 45, "m3PerSec", "Volumetric flow rate, cubic metres per second (m³/s).";
    M3Uncompensated = 166, "m3uncompensated", "Volume, cubic metres uncompensated for weather effects (m³(uncompensated)).";
    M3UncompensatedPerH = 127, "m3uncompensatedPerH", "Volumetric flow rate, uncompensated cubic metres per hour (m³(uncompensated)/h).";
    MeCode = 118, "meCode", "End device event: the value is an EndDeviceEventCode (meCode).";
    Mol = 7, "mol", "Amount of substance, mole (mol).";
    MolPerKg = 147, "molPerKg", "Concentration, molality: moles of solute per kilogram of solvent (mol/kg).";
    MolPerM3 = 145, "molPerM3", "Concentration, moles per cubic metre of solution (mol/m³).";
    MolPerMol = 146, "molPerMol", "Concentration, molar fraction (mol/mol).";
    Money = 80, "money", "Generic monetary unit (¤); the specific currency is given by [`Currency`].";
    MPerM = 148, "mPerM", "Length ratio (m/m).";
    MPerM3 = 46, "mPerM3", "Fuel efficiency, metres per cubic metre (m/m³).";
    MPerSec = 43, "mPerSec", "Velocity, metres per second (m/s).";
    MPerSec2 = 44, "mPerSec2", "Acceleration, metres per second squared (m/s²).";
    OhmM = 102, "ohmM", "Resistivity, ρ (Ω·m).";
    PaA = 155, "paA", "Pressure, pascal absolute (PaA).";
    PaG = 140, "paG", "Pressure, pascal gauge (PaG).";
    PsiA = 141, "psiA", "Pressure, pounds per square inch absolute (psiA).";
    PsiG = 142, "psiG", "Pressure, pounds per square inch gauge (psiG).";
    Q = 100, "q", "Quantity power (Q).";
    Q45 = 161, "q45", "Quantity power, Q measured at 45° (Q45).";
    Q45h = 163, "q45h", "Quantity energy, Q measured at 45° (Q45h).";
    Q60 = 162, "q60", "Quantity power, Q measured at 60° (Q60).";
    Q60h = 164, "q60h", "Quantity energy, Qh measured at 60° (Q60h).";
    Qh = 101, "qh", "Quantity energy (Qh).";
    RadPerSec = 54, "radPerSec", "Angular velocity, radians per second (rad/s).";
    Rev = 154, "rev", "Amount of rotation, revolutions (rev).";
    RevPerSec = 4, "revPerSec", "Rotational speed, revolutions per second (rev/s).";
    SecPerSec = 149, "secPerSec", "Time ratio (s/s), e.g. a clock drift rate in µs/s with a multiplier.";
    Sr = 11, "sr", "Solid angle, steradian (m²/m²), sr.";
    Status = 109, "status", "State: 1 = true, live, on, high, set; 0 = false, dead, off, low, cleared.";
    Sv = 24, "sv", "Dose equivalent, sievert (J/kg), Sv.";
    T = 37, "t", "Magnetic flux density, tesla (Wb/m²), T.";
    Therm = 169, "therm", "Energy, therm.";
    TimeStamp = 108, "timeStamp", "Timestamp, time and date per ISO 8601.";
    UsGal = 128, "usGal", "Volume, US gallons.";
    UsGalPerH = 129, "usGalPerH", "Volumetric flow rate, US gallons per hour.";
    V2 = 67, "V2", "Volts squared (W²/A²), V².";
    V2h = 104, "V2h", "Volt-squared hours (V²h).";
    VAhPerRev = 117, "VAhPerRev", "Apparent energy metering constant, Kh-VAh (VAh/rev).";
    VArhPerRev = 116, "VArhPerRev", "Reactive energy metering constant, Kh-VArh (VArh/rev).";
    VPerHz = 74, "VPerHz", "Magnetic flux, volts per hertz (V/Hz).";
    VPerV = 151, "VPerV", "Voltage ratio, e.g. mV/V (V/V).";
    Vs = 66, "Vs", "Volt-seconds (Ws/A), Vs.";
    Wb = 36, "wb", "Magnetic flux, weber (V·s), Wb.";
    WhPerM3 = 107, "WhPerM3", "Energy per volume, watt-hours per cubic metre (Wh/m³).";
    WhPerRev = 115, "WhPerRev", "Active energy metering constant, Kh-Wh (Wh/rev).";
    WPerMK = 50, "wPerMK", "Thermal conductivity, watts per metre kelvin (W/(m·K)).";
    WPerSec = 81, "WPerSec", "Ramp rate, watts per second (W/s).";
    WPerVA = 153, "WPerVA", "Power factor, watts per volt-ampere (W/VA).";
    WPerW = 168, "WPerW", "Signal strength, power ratio (W/W).";
}

code_list! {
    /// Status code of a transaction (`BatchItemInfo/statusCode`); HTTP status codes.
    StatusCode, "StatusCode", u16;
    Ok = 200, "Ok", "OK.";
    Created = 201, "Created", "Created.";
    Accepted = 202, "Accepted", "Accepted.";
    NoContent = 204, "No Content", "No content.";
    MovedPermanently = 301, "Moved Permanently", "Moved permanently.";
    Redirect = 302, "Redirect", "Redirect.";
    NotModified = 304, "Not Modified", "Not modified.";
    BadRequest = 400, "Bad Request", "Bad request.";
    Unauthorized = 401, "Unauthorized", "Unauthorized.";
    Forbidden = 403, "Forbidden", "Forbidden.";
    NotFound = 404, "Not Found", "Not found.";
    MethodNotAllowed = 405, "Method Not Allowed", "Method not allowed.";
    Gone = 410, "Gone", "Gone.";
    InternalServerError = 500, "Internal Server Error", "Internal server error.";
}

code_list! {
    /// Operation requested of an item (`BatchItemInfo/operation`).
    CRUDOperation, "CRUDOperation", u16;
    Create = 0, "Create", "Create.";
    Read = 1, "Read", "Read.";
    Update = 2, "Update", "Update.";
    Delete = 3, "Delete", "Delete.";
}

code_list! {
    /// Status of a third-party application as set by the Data Custodian (`ApplicationInformation/dataCustodianApplicationStatus`).
    DataCustodianApplicationStatus, "DataCustodianApplicationStatus", u16;
    Review = 1, "Review", "Review.";
    Production = 2, "Production (Live)", "Production (live).";
    OnHold = 3, "On Hold", "On hold.";
    Revoked = 4, "Revoked", "Revoked.";
}

code_list! {
    /// Status of a third-party application as reported by the Third Party (`ApplicationInformation/thirdPartyApplicationStatus`).
    ///
    /// The schema misspells the type name `ThirdPartyApplicatonStatus`; `TYPE_NAME` keeps that spelling.
    ThirdPartyApplicationStatus, "ThirdPartyApplicatonStatus", u16;
    Development = 1, "Development", "Development.";
    ReviewTest = 2, "ReviewTest", "Review/test.";
    Production = 3, "Production", "Live.";
    Retired = 4, "Retired", "Removed.";
}

code_list! {
    /// Type of a third-party application (`ApplicationInformation/thirdPartyApplicationType`).
    ThirdPartyApplicationType, "ThirdPartyApplicationType", u16;
    Web = 1, "Web", "The application is on the web.";
    Desktop = 2, "Desktop", "The application is on a desktop.";
    Mobile = 3, "Mobile", "The application is on a mobile device.";
    Device = 4, "Device", "The application is on another device.";
}

code_list! {
    /// Expected use of a third-party application (`ApplicationInformation/thirdPartyApplicationUse`).
    ThirdPartyApplicationUse, "ThirdPartyApplicationUse", u16;
    EnergyManagement = 1, "EnergyManagement", "Energy management.";
    Comparisons = 2, "Comparisons", "Analytical.";
    Government = 3, "Government", "Governmental.";
    Academic = 4, "Academic", "Academic.";
    LawEnforcement = 5, "LawEnforcement", "Law enforcement.";
}

code_list! {
    /// Status of an Authorization (`Authorization/status`).
    AuthorizationStatus, "AuthorizationStatus", u16;
    Revoked = 0, "Revoked", "Revoked.";
    Active = 1, "Active", "Active.";
    Denied = 2, "Denied", "Denied.";
}

code_list! {
    /// Current status of the Data Custodian's service (`ServiceStatus/currentStatus`).
    ServiceStatusCode, "ESPIServiceStatus", u16;
    Unavailable = 0, "Unavailable", "Unavailable.";
    Normal = 1, "Normal", "Normal; operational.";
}

// ---------------------------------------------------------------------------
// Extras on numeric code lists.
// ---------------------------------------------------------------------------

impl UnitSymbolKind {
    /// The usual printed symbol, e.g. "Wh", "m³", "°C", "US gal"; `Some("")` for
    /// [`UnitSymbolKind::None`]; `None` for a code the schema does not list.
    pub fn symbol(self) -> Option<&'static str> {
        self.symbol_and_human_name().map(|(symbol, _)| symbol)
    }

    /// A short plain-English plural name, e.g. "watt-hours", "cubic metres",
    /// "therms"; `None` for a code the schema does not list.
    pub fn human_name(self) -> Option<&'static str> {
        self.symbol_and_human_name().map(|(_, name)| name)
    }

    /// One table for both texts. The match is exhaustive on purpose: adding a
    /// unit to the list above does not compile until it has a symbol here.
    fn symbol_and_human_name(self) -> Option<(&'static str, &'static str)> {
        let texts = match self {
            Self::VA => ("VA", "volt-amperes"),
            Self::W => ("W", "watts"),
            Self::VAr => ("VAr", "volt-amperes reactive"),
            Self::VAh => ("VAh", "volt-ampere hours"),
            Self::Wh => ("Wh", "watt-hours"),
            Self::VArh => ("VArh", "volt-ampere reactive hours"),
            Self::V => ("V", "volts"),
            Self::Ohm => ("Ω", "ohms"),
            Self::A => ("A", "amperes"),
            Self::F => ("F", "farads"),
            Self::Henry => ("H", "henries"),
            Self::DegC => ("°C", "degrees Celsius"),
            Self::Sec => ("s", "seconds"),
            Self::Min => ("min", "minutes"),
            Self::Hour => ("h", "hours"),
            Self::Deg => ("°", "degrees"),
            Self::Rad => ("rad", "radians"),
            Self::J => ("J", "joules"),
            Self::N => ("N", "newtons"),
            Self::Siemens => ("S", "siemens"),
            Self::None => ("", "no unit"),
            Self::Hz => ("Hz", "hertz"),
            Self::G => ("g", "grams"),
            Self::Pa => ("Pa", "pascals"),
            Self::M => ("m", "metres"),
            Self::M2 => ("m²", "square metres"),
            Self::M3 => ("m³", "cubic metres"),
            Self::A2 => ("A²", "amperes squared"),
            Self::A2h => ("A²h", "ampere-squared hours"),
            Self::A2s => ("A²s", "ampere-squared seconds"),
            Self::Ah => ("Ah", "ampere-hours"),
            Self::APerA => ("A/A", "amperes per ampere"),
            Self::APerM => ("A/m", "amperes per metre"),
            Self::As => ("As", "ampere-seconds"),
            Self::B => ("B (SPL)", "bels (sound pressure level)"),
            Self::Bm => ("Bm", "bel-milliwatts"),
            Self::Bq => ("Bq", "becquerels"),
            Self::Btu => ("BTU", "British thermal units"),
            Self::BtuPerH => ("BTU/h", "British thermal units per hour"),
            Self::Cd => ("cd", "candelas"),
            Self::Char => ("char", "characters"),
            Self::HzPerSec => ("Hz/s", "hertz per second"),
            Self::Code => ("code", "encoded value"),
            Self::CosTheta => ("cos θ", "power factor"),
            Self::Count => ("count", "count"),
            Self::Ft3 => ("ft³", "cubic feet"),
            Self::Ft3Compensated => ("ft³(compensated)", "compensated cubic feet"),
            Self::Ft3CompensatedPerH => ("ft³(compensated)/h", "compensated cubic feet per hour"),
            Self::GM2 => ("g·m²", "gram square metres"),
            Self::GPerG => ("g/g", "grams per gram"),
            Self::Gy => ("Gy", "grays"),
            Self::HzPerHz => ("Hz/Hz", "hertz per hertz"),
            Self::CharPerSec => ("char/s", "characters per second"),
            Self::ImperialGal => ("imp gal", "imperial gallons"),
            Self::ImperialGalPerH => ("imp gal/h", "imperial gallons per hour"),
            Self::JPerK => ("J/K", "joules per kelvin"),
            Self::JPerKg => ("J/kg", "joules per kilogram"),
            Self::K => ("K", "kelvins"),
            Self::Kat => ("kat", "katals"),
            Self::KgM => ("kg·m", "kilogram metres"),
            // The schema's unit is g/m³ despite the name kgPerM3 (see the variant doc).
            Self::KgPerM3 => ("g/m³", "grams per cubic metre"),
            Self::Litre => ("L", "litres"),
            Self::LitreCompensated => ("L(compensated)", "compensated litres"),
            Self::LitreCompensatedPerH => ("L(compensated)/h", "compensated litres per hour"),
            Self::LitrePerH => ("L/h", "litres per hour"),
            Self::LitrePerLitre => ("L/L", "litres per litre"),
            Self::LitrePerSec => ("L/s", "litres per second"),
            Self::LitreUncompensated => ("L(uncompensated)", "uncompensated litres"),
            Self::LitreUncompensatedPerH => ("L(uncompensated)/h", "uncompensated litres per hour"),
            Self::Lm => ("lm", "lumens"),
            Self::Lx => ("lx", "lux"),
            Self::M2PerSec => ("m²/s", "square metres per second"),
            Self::M3Compensated => ("m³(compensated)", "compensated cubic metres"),
            Self::M3CompensatedPerH => ("m³(compensated)/h", "compensated cubic metres per hour"),
            Self::M3PerH => ("m³/h", "cubic metres per hour"),
            Self::M3PerSec => ("m³/s", "cubic metres per second"),
            Self::M3Uncompensated => ("m³(uncompensated)", "uncompensated cubic metres"),
            Self::M3UncompensatedPerH => {
                ("m³(uncompensated)/h", "uncompensated cubic metres per hour")
            }
            Self::MeCode => ("meCode", "end device event code"),
            Self::Mol => ("mol", "moles"),
            Self::MolPerKg => ("mol/kg", "moles per kilogram"),
            Self::MolPerM3 => ("mol/m³", "moles per cubic metre"),
            Self::MolPerMol => ("mol/mol", "moles per mole"),
            Self::Money => ("¤", "money"),
            Self::MPerM => ("m/m", "metres per metre"),
            Self::MPerM3 => ("m/m³", "metres per cubic metre"),
            Self::MPerSec => ("m/s", "metres per second"),
            Self::MPerSec2 => ("m/s²", "metres per second squared"),
            Self::OhmM => ("Ω·m", "ohm metres"),
            Self::PaA => ("PaA", "pascals absolute"),
            Self::PaG => ("PaG", "pascals gauge"),
            Self::PsiA => ("psiA", "pounds per square inch absolute"),
            Self::PsiG => ("psiG", "pounds per square inch gauge"),
            Self::Q => ("Q", "quantity power"),
            Self::Q45 => ("Q45", "quantity power at 45°"),
            Self::Q45h => ("Q45h", "quantity energy at 45°"),
            Self::Q60 => ("Q60", "quantity power at 60°"),
            Self::Q60h => ("Q60h", "quantity energy at 60°"),
            Self::Qh => ("Qh", "quantity energy"),
            Self::RadPerSec => ("rad/s", "radians per second"),
            Self::Rev => ("rev", "revolutions"),
            Self::RevPerSec => ("rev/s", "revolutions per second"),
            Self::SecPerSec => ("s/s", "seconds per second"),
            Self::Sr => ("sr", "steradians"),
            Self::Status => ("status", "status"),
            Self::Sv => ("Sv", "sieverts"),
            Self::T => ("T", "teslas"),
            Self::Therm => ("therm", "therms"),
            Self::TimeStamp => ("timeStamp", "timestamp"),
            Self::UsGal => ("US gal", "US gallons"),
            Self::UsGalPerH => ("US gal/h", "US gallons per hour"),
            Self::V2 => ("V²", "volts squared"),
            Self::V2h => ("V²h", "volt-squared hours"),
            Self::VAhPerRev => ("VAh/rev", "volt-ampere hours per revolution"),
            Self::VArhPerRev => ("VArh/rev", "volt-ampere reactive hours per revolution"),
            Self::VPerHz => ("V/Hz", "volts per hertz"),
            Self::VPerV => ("V/V", "volts per volt"),
            Self::Vs => ("Vs", "volt-seconds"),
            Self::Wb => ("Wb", "webers"),
            Self::WhPerM3 => ("Wh/m³", "watt-hours per cubic metre"),
            Self::WhPerRev => ("Wh/rev", "watt-hours per revolution"),
            Self::WPerMK => ("W/(m·K)", "watts per metre kelvin"),
            Self::WPerSec => ("W/s", "watts per second"),
            Self::WPerVA => ("W/VA", "watts per volt-ampere"),
            Self::WPerW => ("W/W", "watts per watt"),
            Self::Other(_) => return None,
        };
        Some(texts)
    }
}

impl UnitMultiplierKind {
    /// The SI prefix: "p", "n", "µ", "m", "c", "d", "" (×1), "da", "h", "k",
    /// "M", "G", "T"; `None` for a power of ten the schema does not list.
    pub fn prefix(self) -> Option<&'static str> {
        let prefix = match self {
            Self::Pico => "p",
            Self::Nano => "n",
            // The schema names this code "micro"; the SI prefix is µ (U+00B5 MICRO SIGN).
            Self::Micro => "µ",
            Self::Milli => "m",
            Self::Centi => "c",
            Self::Deci => "d",
            Self::None => "",
            Self::Deca => "da",
            Self::Hecto => "h",
            Self::Kilo => "k",
            Self::Mega => "M",
            Self::Giga => "G",
            Self::Tera => "T",
            Self::Other(_) => return None,
        };
        Some(prefix)
    }

    /// The power of ten: a value in this multiplier is `value × 10^exponent`.
    /// This is the wire code itself, listed or not.
    pub fn exponent(self) -> i16 {
        self.code()
    }
}

impl Currency {
    /// The ISO 4217 alphabetic code, e.g. "USD"; `None` for [`Currency::Another`]
    /// (code 0 is not an ISO 4217 currency) and for codes the schema does not list.
    pub fn alpha_code(self) -> Option<&'static str> {
        match self {
            Self::Another | Self::Other(_) => None,
            // For every other listed currency the schema name is the alphabetic code.
            listed => listed.name(),
        }
    }
}

impl ServiceKind {
    /// A short plain-English name, e.g. "electricity", "TV licence"; `None` for
    /// a code the schema does not list.
    pub fn human_name(self) -> Option<&'static str> {
        let name = match self {
            Self::Electricity => "electricity",
            Self::Gas => "gas",
            Self::Water => "water",
            Self::Time => "time",
            Self::Heat => "heat",
            Self::Refuse => "refuse",
            Self::Sewerage => "sewerage",
            Self::Rates => "rates",
            Self::TvLicence => "TV licence",
            Self::Internet => "internet",
            Self::Other(_) => return None,
        };
        Some(name)
    }
}

impl QualityOfReading {
    /// A short plain-English description, e.g. "valid", "estimated (linear
    /// interpolation)"; `None` for a code the schema does not list.
    pub fn human_name(self) -> Option<&'static str> {
        let name = match self {
            Self::Valid => "valid",
            Self::ManuallyEdited => "manually edited",
            Self::EstimatedUsingReferenceDay => "estimated (reference day)",
            Self::EstimatedUsingLinearInterpolation => "estimated (linear interpolation)",
            Self::Questionable => "questionable",
            Self::Derived => "derived",
            Self::Projected => "projected (forecast)",
            Self::Mixed => "mixed",
            Self::Raw => "raw (not validated)",
            Self::NormalizedForWeather => "weather-normalised",
            Self::OtherCharacteristic => "other",
            Self::Validated => "validated",
            Self::Verified => "verified",
            Self::RevenueQuality => "revenue quality",
            Self::Other(_) => return None,
        };
        Some(name)
    }
}

/// The unit of a value written in `10^multiplier × uom`, e.g. "kWh", "m³", "×10^-3 m³".
///
/// This labels a value *as it is on the wire* (a raw `value` with its
/// `powerOfTenMultiplier`) or any value deliberately expressed in a prefixed unit
/// (a [`Quantity`](crate::quantity::Quantity) converted to kWh). A value already
/// multiplied by 10^multiplier, such as [`ReadingType::scaled_value`](crate::reading_type::ReadingType::scaled_value),
/// is in the bare `uom`: label it with `unit_label(UnitMultiplierKind::None, uom)`.
///
/// A listed multiplier is written as its SI prefix glued to the symbol. When that
/// would change the meaning it is spelled out as a power of ten: on a symbol whose
/// leading unit carries an exponent ("×10^-3 m³", since "mm³", cubic millimetres,
/// would be 10⁻⁹ m³), for an unlisted multiplier ("×10^5 Wh") and on
/// [`UnitSymbolKind::None`] ("×10^3"). An unlisted unit is written "uom 999".
///
/// ```
/// use espi_model::code_list::{unit_label, UnitMultiplierKind, UnitSymbolKind};
///
/// assert_eq!(unit_label(UnitMultiplierKind::Kilo, UnitSymbolKind::Wh), "kWh");
/// assert_eq!(unit_label(UnitMultiplierKind::Milli, UnitSymbolKind::M3), "×10^-3 m³");
/// assert_eq!(unit_label(UnitMultiplierKind::Other(5), UnitSymbolKind::Wh), "×10^5 Wh");
/// assert_eq!(unit_label(UnitMultiplierKind::None, UnitSymbolKind::Other(999)), "uom 999");
/// ```
pub fn unit_label(multiplier: UnitMultiplierKind, uom: UnitSymbolKind) -> String {
    match (multiplier.prefix(), uom.symbol()) {
        (Some(prefix), Some(symbol)) if !symbol.is_empty() && takes_prefix(symbol) => {
            format!("{prefix}{symbol}")
        }
        (_, symbol) => {
            let unit = match symbol {
                Some(symbol) => symbol.to_owned(),
                None => format!("uom {}", uom.code()),
            };
            match multiplier.exponent() {
                0 => unit,
                exponent if unit.is_empty() => format!("×10^{exponent}"),
                exponent => format!("×10^{exponent} {unit}"),
            }
        }
    }
}

/// Whether an SI prefix glued to `symbol` scales the whole unit: not when the
/// leading unit is raised to a power, since a prefix binds before the exponent
/// (km² is (km)², 10⁶ m², not 10³ m²).
fn takes_prefix(symbol: &str) -> bool {
    let after_leading_unit = symbol.trim_start_matches(char::is_alphabetic);
    !after_leading_unit.starts_with(['²', '³'])
}

// ---------------------------------------------------------------------------
// String code lists, in the order of espi.xsd.
// ---------------------------------------------------------------------------

string_code_list! {
    /// Client authentication method at the OAuth token endpoint (`ApplicationInformation/token_endpoint_auth_method`).
    TokenEndPointMethod, "TokenEndPointMethod", closed;
    ClientSecretBasic = "client_secret_basic", "The client uses HTTP Basic authentication (RFC 6749 section 2.3.1).";
}

string_code_list! {
    /// OAuth 2.0 grant types supported by ESPI (`ApplicationInformation/grant_types`, `Authorization/grant_type`).
    GrantType, "GrantType", closed;
    AuthorizationCode = "authorization_code", "Authorization code grant (RFC 6749 section 4.1).";
    ClientCredentials = "client_credentials", "Client credentials grant (RFC 6749 section 4.4).";
    RefreshToken = "refresh_token", "Refresh token flow (RFC 6749 section 6).";
}

string_code_list! {
    /// OAuth 2.0 response types supported by ESPI (`ApplicationInformation/response_types`).
    ResponseType, "ResponseType", closed;
    Code = "code", "A request for an authorization code (RFC 6749 section 4.1.1).";
}

string_code_list! {
    /// OAuth 2.0 token types supported by ESPI (`Authorization/token_type`).
    ///
    /// Matching is exact, as for every string code list: `"bearer"` is kept as
    /// `Other("bearer")`. RFC 6749 section 7.1 treats token type names
    /// case-insensitively, so a caller checking OAuth semantics should compare
    /// [`StringCodeList::as_wire`] with `eq_ignore_ascii_case`.
    TokenType, "TokenType", closed;
    Bearer = "Bearer", "A bearer token: any party in possession of it can use it, without proof of possession of a key (RFC 6750 section 1.2).";
}

string_code_list! {
    /// OAuth 2.0 error codes supported by ESPI (`Authorization/error`).
    OAuthError, "OAuthError", closed;
    InvalidRequest = "invalid_request", "The request is missing a required parameter, includes an unsupported parameter value, repeats a parameter, includes multiple credentials or authentication mechanisms, or is otherwise malformed (RFC 6749 sections 4.1.2.1 and 5.2).";
    InvalidClient = "invalid_client", "Client authentication failed (RFC 6749 section 5.2).";
    InvalidGrant = "invalid_grant", "The authorization code or refresh token is invalid, expired, revoked, does not match the redirection URI, or was issued to another client (RFC 6749 section 5.2).";
    UnauthorizedClient = "unauthorized_client", "The client is not authorized to use this grant type (RFC 6749 sections 4.1.2.1 and 5.2).";
    UnsupportedGrantType = "unsupported_grant_type", "The grant type is not supported by the authorization server (RFC 6749 section 5.2).";
    InvalidScope = "invalid_scope", "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner (RFC 6749 sections 4.1.2.1 and 5.2).";
    InvalidRedirectUri = "invalid_redirect_uri", "The value of one or more redirection URIs is invalid (RFC 7591 section 3.2.2).";
    InvalidClientMetadata = "invalid_client_metadata", "The value of a client metadata field is invalid and the server has rejected the request (RFC 7591 section 3.2.2).";
    /// Deprecated by the schema.
    InvalidClientId = "invalid_client_id", "Deprecated: client authentication failed.";
    AccessDenied = "access_denied", "The resource owner or authorization server denied the request (RFC 6749 section 4.1.2.1).";
    UnsupportedResponseType = "unsupported_response_type", "The authorization server does not support obtaining an authorization code this way (RFC 6749 section 4.1.2.1).";
    ServerError = "server_error", "The authorization server met an unexpected condition (RFC 6749 section 4.1.2.1).";
    TemporarilyUnavailable = "temporarily_unavailable", "The authorization server is temporarily overloaded or under maintenance (RFC 6749 section 4.1.2.1).";
}

string_code_list! {
    /// Readiness of a usage point's metering for billing from AMI reads (`UsagePoint/amiBillingReady`).
    AmiBillingReadyKind, "AmiBillingReadyKind", closed;
    AmiCapable = "amiCapable", "Equipped with an AMI-capable meter not yet equipped with a communications module.";
    AmiDisabled = "amiDisabled", "Equipped with an AMI-capable meter whose AMI functionality is disabled or not used.";
    BillingApproved = "billingApproved", "Equipped with an operating AMI-capable meter whose accuracy is certified for billing.";
    Enabled = "enabled", "Equipped with an AMI-capable meter having communications capability.";
    NonAmi = "nonAmi", "Equipped with a meter that is not AMI capable.";
    NonMetered = "nonMetered", "Not currently equipped with a meter.";
    Operable = "operable", "Equipped with an AMI-capable meter that is functioning and communicating with the AMI network.";
}

string_code_list! {
    /// Connection of a usage point to the network (`UsagePoint/connectionState`).
    UsagePointConnectedKind, "UsagePointConnectedKind", closed;
    Connected = "connected", "Connected and able to receive or send the commodity.";
    LogicallyDisconnected = "logicallyDisconnected", "Disconnected by a disconnect function within the meter, often without a field crew.";
    PhysicallyDisconnected = "physicallyDisconnected", "Disconnected from the network upstream of the meter, often by a field crew.";
}

string_code_list! {
    /// Type of an aggregate pricing node (`UsagePoint/pnodeRefs/pnodeRef/apnodeType`).
    ApnodeType, "ApnodeType", closed;
    AG = "AG", "Aggregated generation.";
    CPZ = "CPZ", "Custom price zone.";
    DPZ = "DPZ", "Default price zone.";
    LAP = "LAP", "Load aggregation point.";
    TH = "TH", "Trading hub.";
    SYS = "SYS", "System zone.";
    CA = "CA", "Control area.";
    DCA = "DCA", "Designated congestion area.";
    GA = "GA", "Generic aggregation.";
    GH = "GH", "Generic hub.";
    EHV = "EHV", "500 kV extra-high-voltage aggregate price nodes.";
    ZN = "ZN", "Zone.";
    INT = "INT", "Interface.";
    BUS = "BUS", "Bus.";
}

string_code_list! {
    /// Type of an aggregated node (`UsagePoint/aggregateNodeRefs/aggregateNodeRef/anodeType`).
    #[allow(
        clippy::upper_case_acronyms,
        reason = "the variants are the schema's upper-case literals, e.g. LTAC"
    )]
    AnodeType, "AnodeType", closed;
    SYS = "SYS", "System zone/region.";
    RUC = "RUC", "RUC zone.";
    LFZ = "LFZ", "Load forecast zone.";
    REG = "REG", "Market energy/ancillary service region.";
    AGR = "AGR", "Aggregate generation resource.";
    POD = "POD", "Point of delivery.";
    ALR = "ALR", "Aggregate load resource.";
    LTAC = "LTAC", "Load transmission access charge (TAC) group.";
    ACA = "ACA", "Adjacent control area.";
    ASR = "ASR", "Aggregated system resource.";
    ECA = "ECA", "Embedded control area.";
}

string_code_list! {
    /// Type of billing tariff profile a program ID mapping uses (`ProgramIdMappings/programIdMapping/tOUorCPPorConsumptionTier`).
    TouOrCppOrConsumptionTier, "tOUorCPPorConsumptionTier", closed;
    Tou = "tou", "Time of use.";
    Cpp = "cpp", "Consumption peak period.";
    ConsumptionTier = "consumptiontier", "Consumption tier.";
}

string_code_list! {
    /// Participation in market power mitigation price measures. No element of espi.xsd uses this type.
    ParticipationCategoryMpm, "ParticipationCategoryMPM", closed;
    Y = "Y", "Participates in both LMPM and SMPM.";
    N = "N", "Not included in LMP price measures.";
    S = "S", "Participates in SMPM price measures.";
    L = "L", "Participates in LMPM price measures.";
}

string_code_list! {
    /// Current tariff rider enrollment status (`UsageSummary/tariffRiderRefs/tariffRiderRef/enrollmentStatus`).
    EnrollmentStatus, "EnrollmentStatus", closed;
    Unenrolled = "unenrolled", "Currently not enrolled in the tariff rider.";
    Enrolled = "enrolled", "Currently enrolled in the tariff rider.";
    EnrolledPending = "enrolledPending", "Enrollment in the tariff rider is pending.";
}

#[cfg(test)]
mod tests {
    use super::*;

    use serde::de::DeserializeOwned;

    /// Checks one numeric code list against its schema count and round trips.
    ///
    /// `unlisted` must be a code the schema does not list.
    fn check_numeric<T>(listed: &[T], schema_count: usize, unlisted: T::Code)
    where
        T: CodeList + fmt::Display + FromStr + Serialize + DeserializeOwned,
        T::Code: PartialEq + fmt::Debug + fmt::Display + Serialize,
    {
        assert_eq!(listed.len(), schema_count, "{}: listed codes", T::TYPE_NAME);
        for &value in listed {
            let code = value.code();
            let back = T::from_code(code);
            assert_eq!(back, value, "{}: code {code}", T::TYPE_NAME);
            assert_eq!(back.code(), code);
            let name = value.name();
            assert!(
                name.is_some(),
                "{}: code {code} came back as Other",
                T::TYPE_NAME
            );
            assert_eq!(Some(value.to_string().as_str()), name);

            // Serde: the bare integer code, both ways.
            let json = serde_json::to_string(&value).expect("serialize");
            assert_eq!(json, code.to_string());
            let parsed: T = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(parsed, value);

            // XML text form.
            let from_text = format!(" {code}\n").parse::<T>().ok();
            assert_eq!(from_text, Some(value));
        }

        let other = T::from_code(unlisted);
        assert_eq!(
            other.name(),
            None,
            "{}: {unlisted} should be unlisted",
            T::TYPE_NAME
        );
        assert_eq!(other.code(), unlisted);
        assert_eq!(other.to_string(), unlisted.to_string());
        let json = serde_json::to_string(&other).expect("serialize");
        assert_eq!(json, unlisted.to_string());
        let parsed: T = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(parsed, other);
    }

    /// Every u16 code maps to a value that gives the same code back.
    fn check_every_u16<T: CodeList<Code = u16>>() {
        for code in 0..=u16::MAX {
            assert_eq!(T::from_code(code).code(), code, "{}", T::TYPE_NAME);
        }
    }

    // The expected counts are the number of xs:enumeration elements of each
    // simpleType, counted from espi.xsd 4.0.20231213 with a script when this
    // module was written.

    #[test]
    fn item_kind() {
        check_numeric(ItemKind::LISTED, 10, 0);
        check_every_u16::<ItemKind>();
    }

    #[test]
    fn accumulation_kind() {
        check_numeric(AccumulationKind::LISTED, 11, 5);
        check_every_u16::<AccumulationKind>();
    }

    #[test]
    fn commodity_kind() {
        check_numeric(CommodityKind::LISTED, 27, 27);
        check_every_u16::<CommodityKind>();
    }

    #[test]
    fn currency() {
        check_numeric(Currency::LISTED, 14, 999);
        check_every_u16::<Currency>();
    }

    #[test]
    fn data_qualifier_kind() {
        check_numeric(DataQualifierKind::LISTED, 15, 1);
        check_every_u16::<DataQualifierKind>();
    }

    #[test]
    fn flow_direction_kind() {
        check_numeric(FlowDirectionKind::LISTED, 21, 6);
        check_every_u16::<FlowDirectionKind>();
    }

    #[test]
    fn measurement_kind() {
        check_numeric(MeasurementKind::LISTED, 125, 1);
        check_every_u16::<MeasurementKind>();
    }

    #[test]
    fn phase_code_kind() {
        check_numeric(PhaseCodeKind::LISTED, 27, 1);
        check_every_u16::<PhaseCodeKind>();
    }

    #[test]
    fn unit_multiplier_kind() {
        check_numeric(UnitMultiplierKind::LISTED, 13, 5);
        for code in i16::MIN..=i16::MAX {
            let value = UnitMultiplierKind::from_code(code);
            assert_eq!(value.code(), code);
            assert_eq!(value.exponent(), code);
        }
        assert_eq!(
            serde_json::to_string(&UnitMultiplierKind::Milli)
                .ok()
                .as_deref(),
            Some("-3")
        );
    }

    #[test]
    fn quality_of_reading() {
        check_numeric(QualityOfReading::LISTED, 14, 1);
        check_every_u16::<QualityOfReading>();
    }

    #[test]
    fn service_kind() {
        check_numeric(ServiceKind::LISTED, 10, 10);
        check_every_u16::<ServiceKind>();
    }

    #[test]
    fn time_attribute_kind() {
        check_numeric(TimeAttributeKind::LISTED, 41, 8);
        check_every_u16::<TimeAttributeKind>();
    }

    #[test]
    fn time_period_of_interest() {
        check_numeric(TimePeriodOfInterest::LISTED, 7, 1);
        check_every_u16::<TimePeriodOfInterest>();
    }

    #[test]
    fn unit_symbol_kind() {
        check_numeric(UnitSymbolKind::LISTED, 125, 999);
        check_every_u16::<UnitSymbolKind>();
    }

    #[test]
    fn status_code() {
        check_numeric(StatusCode::LISTED, 14, 418);
        check_every_u16::<StatusCode>();
    }

    #[test]
    fn crud_operation() {
        check_numeric(CRUDOperation::LISTED, 4, 4);
        check_every_u16::<CRUDOperation>();
    }

    #[test]
    fn data_custodian_application_status() {
        check_numeric(DataCustodianApplicationStatus::LISTED, 4, 0);
        check_every_u16::<DataCustodianApplicationStatus>();
    }

    #[test]
    fn third_party_application_status() {
        check_numeric(ThirdPartyApplicationStatus::LISTED, 4, 0);
        check_every_u16::<ThirdPartyApplicationStatus>();
        assert_eq!(
            ThirdPartyApplicationStatus::TYPE_NAME,
            "ThirdPartyApplicatonStatus"
        );
    }

    #[test]
    fn third_party_application_type() {
        check_numeric(ThirdPartyApplicationType::LISTED, 4, 5);
        check_every_u16::<ThirdPartyApplicationType>();
    }

    #[test]
    fn third_party_application_use() {
        // 6 (Gamification) appears in some GBA material but not in the schema.
        check_numeric(ThirdPartyApplicationUse::LISTED, 5, 6);
        check_every_u16::<ThirdPartyApplicationUse>();
    }

    #[test]
    fn authorization_status() {
        check_numeric(AuthorizationStatus::LISTED, 3, 3);
        check_every_u16::<AuthorizationStatus>();
    }

    #[test]
    fn service_status_code() {
        check_numeric(ServiceStatusCode::LISTED, 2, 2);
        check_every_u16::<ServiceStatusCode>();
        assert_eq!(ServiceStatusCode::TYPE_NAME, "ESPIServiceStatus");
    }

    #[test]
    fn spot_checks_against_the_schema() {
        assert_eq!(ServiceKind::from_code(0), ServiceKind::Electricity);
        assert_eq!(ServiceKind::Electricity.to_string(), "electricity");
        assert_eq!(UnitSymbolKind::from_code(72), UnitSymbolKind::Wh);
        assert_eq!(UnitSymbolKind::from_code(169), UnitSymbolKind::Therm);
        assert_eq!(UnitSymbolKind::from_code(28).name(), Some("H"));
        assert_eq!(UnitSymbolKind::from_code(160).name(), Some("h"));
        assert_eq!(
            CommodityKind::from_code(1).name(),
            Some("electricity SecondaryMetered")
        );
        assert_eq!(MeasurementKind::from_code(12), MeasurementKind::Energy);
        assert_eq!(FlowDirectionKind::from_code(19).to_string(), "reverse");
        assert_eq!(
            QualityOfReading::from_code(19).to_string(),
            "revenue-quality"
        );
        assert_eq!(
            QualityOfReading::from_code(16),
            QualityOfReading::OtherCharacteristic
        );
        assert_eq!(Currency::from_code(0), Currency::Another);
        assert_eq!(UnitMultiplierKind::from_code(-6).name(), Some("micro"));
        // The schema's duplicated name: two codes, one name.
        assert_eq!(PhaseCodeKind::from_code(784), PhaseCodeKind::S12N);
        assert_eq!(PhaseCodeKind::from_code(769), PhaseCodeKind::S12NAlt);
        assert_eq!(PhaseCodeKind::S12N.name(), PhaseCodeKind::S12NAlt.name());
    }

    #[test]
    fn conversions() {
        let uom: UnitSymbolKind = 42u16.into();
        assert_eq!(uom, UnitSymbolKind::M3);
        assert_eq!(u16::from(UnitSymbolKind::M3), 42);
        assert_eq!(i16::from(UnitMultiplierKind::Kilo), 3);
        assert_eq!(UnitMultiplierKind::from(-12), UnitMultiplierKind::Pico);
    }

    #[test]
    fn parse_errors_name_the_type() {
        let error = "watts".parse::<UnitSymbolKind>().err();
        assert_eq!(
            error.as_ref().map(|e| e.to_string()),
            Some("UnitSymbolKind: \"watts\" is not an integer code".to_owned())
        );
        // Out of range for the wire type.
        assert!("70000".parse::<ServiceKind>().is_err());
        assert!("-1".parse::<ServiceKind>().is_err());
        // An unlisted but well-formed code is kept, not an error.
        assert_eq!("7".parse::<ServiceKind>().ok(), Some(ServiceKind::Rates));
        assert_eq!(
            "77".parse::<ServiceKind>().ok(),
            Some(ServiceKind::Other(77))
        );
        assert!(serde_json::from_str::<ServiceKind>("\"gas\"").is_err());
    }

    #[test]
    fn unit_symbols_and_names() {
        for &uom in UnitSymbolKind::LISTED {
            assert!(uom.symbol().is_some(), "{uom:?} has no symbol");
            assert!(uom.human_name().is_some_and(|n| !n.is_empty()), "{uom:?}");
        }
        assert_eq!(UnitSymbolKind::Wh.symbol(), Some("Wh"));
        assert_eq!(UnitSymbolKind::Wh.human_name(), Some("watt-hours"));
        assert_eq!(UnitSymbolKind::M3.human_name(), Some("cubic metres"));
        assert_eq!(UnitSymbolKind::Therm.human_name(), Some("therms"));
        assert_eq!(UnitSymbolKind::DegC.symbol(), Some("°C"));
        assert_eq!(UnitSymbolKind::Other(999).symbol(), None);
        assert_eq!(UnitSymbolKind::Other(999).human_name(), None);
    }

    #[test]
    fn multiplier_prefixes() {
        let prefixes: Vec<&str> = UnitMultiplierKind::LISTED
            .iter()
            .filter_map(|m| m.prefix())
            .collect();
        assert_eq!(
            prefixes,
            [
                "p", "n", "µ", "m", "c", "d", "k", "M", "G", "T", "", "da", "h"
            ]
        );
        assert_eq!(UnitMultiplierKind::Other(5).prefix(), None);
        assert_eq!(UnitMultiplierKind::Other(5).exponent(), 5);
    }

    #[test]
    fn unit_labels() {
        use UnitMultiplierKind as Mul;
        use UnitSymbolKind as Uom;
        assert_eq!(unit_label(Mul::Kilo, Uom::Wh), "kWh");
        assert_eq!(unit_label(Mul::None, Uom::Wh), "Wh");
        assert_eq!(unit_label(Mul::None, Uom::M3), "m³");
        assert_eq!(unit_label(Mul::None, Uom::Therm), "therm");
        assert_eq!(unit_label(Mul::Micro, Uom::A), "µA");
        assert_eq!(unit_label(Mul::Deci, Uom::Bm), "dBm");
        assert_eq!(unit_label(Mul::Other(5), Uom::Wh), "×10^5 Wh");
        assert_eq!(unit_label(Mul::None, Uom::Other(999)), "uom 999");
        assert_eq!(unit_label(Mul::Kilo, Uom::Other(999)), "×10^3 uom 999");
        assert_eq!(unit_label(Mul::None, Uom::None), "");
        assert_eq!(unit_label(Mul::Kilo, Uom::None), "×10^3");
        // A prefix binds before an exponent: 10^-3 m³ is not mm³ (10^-9 m³).
        assert_eq!(unit_label(Mul::Milli, Uom::M3), "×10^-3 m³");
        assert_eq!(unit_label(Mul::Kilo, Uom::M2), "×10^3 m²");
        assert_eq!(unit_label(Mul::Hecto, Uom::Ft3), "×10^2 ft³");
        assert_eq!(unit_label(Mul::Kilo, Uom::M3PerH), "×10^3 m³/h");
        assert_eq!(unit_label(Mul::Kilo, Uom::A2h), "×10^3 A²h");
        // Exponents after the leading unit do not stop the prefix.
        assert_eq!(unit_label(Mul::Kilo, Uom::WhPerM3), "kWh/m³");
        assert_eq!(unit_label(Mul::Kilo, Uom::KgPerM3), "kg/m³");
        assert_eq!(unit_label(Mul::Kilo, Uom::GM2), "kg·m²");
        assert_eq!(unit_label(Mul::Kilo, Uom::Ohm), "kΩ");
    }

    #[test]
    fn currency_alpha_codes() {
        for &currency in Currency::LISTED {
            match currency.alpha_code() {
                Some(alpha) => {
                    assert_eq!(alpha.len(), 3);
                    assert!(alpha.bytes().all(|b| b.is_ascii_uppercase()));
                }
                None => assert_eq!(currency, Currency::Another),
            }
        }
        assert_eq!(Currency::from_code(840).alpha_code(), Some("USD"));
        assert_eq!(Currency::from_code(124).alpha_code(), Some("CAD"));
        assert_eq!(Currency::Other(999).alpha_code(), None);
    }

    #[test]
    fn human_names() {
        for &kind in ServiceKind::LISTED {
            assert!(kind.human_name().is_some());
        }
        for &quality in QualityOfReading::LISTED {
            assert!(quality.human_name().is_some());
        }
        assert_eq!(ServiceKind::Gas.human_name(), Some("gas"));
        assert_eq!(ServiceKind::Other(42).human_name(), None);
        assert_eq!(QualityOfReading::Valid.human_name(), Some("valid"));
        assert_eq!(QualityOfReading::Other(1).human_name(), None);
    }

    /// Checks one string code list against its schema count and round trips.
    fn check_string<T>(listed: &[T], schema_count: usize)
    where
        T: StringCodeList + fmt::Display + Serialize + DeserializeOwned + From<String>,
    {
        assert_eq!(
            listed.len(),
            schema_count,
            "{}: listed literals",
            T::TYPE_NAME
        );
        for value in listed {
            let wire = value.as_wire();
            assert_eq!(&T::from_wire(wire), value, "{}: {wire}", T::TYPE_NAME);
            assert_eq!(&T::from(wire.to_owned()), value);
            assert_eq!(value.to_string(), wire);
            let json = serde_json::to_string(value).expect("serialize");
            assert_eq!(json, format!("\"{wire}\""));
            let parsed: T = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(&parsed, value);
        }
        // Unknown text is kept exactly, including case and spaces.
        for text in ["", " x ", "NOT-IN-THE-SCHEMA", "ünïcode"] {
            let other = T::from_wire(text);
            assert!(!listed.contains(&other), "{}: {text:?}", T::TYPE_NAME);
            assert_eq!(other.as_wire(), text);
            let json = serde_json::to_string(&other).expect("serialize");
            let parsed: T = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(parsed, other);
        }
        // A listed literal with surrounding whitespace is not that literal (no trimming).
        for value in listed {
            let padded = T::from_wire(&format!(" {}", value.as_wire()));
            assert!(!listed.contains(&padded));
        }
    }

    #[test]
    fn string_code_lists() {
        // Counts from espi.xsd 4.0.20231213, as above.
        check_string(TokenEndPointMethod::LISTED, 1);
        check_string(GrantType::LISTED, 3);
        check_string(ResponseType::LISTED, 1);
        check_string(TokenType::LISTED, 1);
        check_string(OAuthError::LISTED, 13);
        check_string(AmiBillingReadyKind::LISTED, 7);
        check_string(UsagePointConnectedKind::LISTED, 3);
        check_string(ApnodeType::LISTED, 14);
        check_string(AnodeType::LISTED, 11);
        check_string(TouOrCppOrConsumptionTier::LISTED, 3);
        check_string(ParticipationCategoryMpm::LISTED, 4);
        check_string(EnrollmentStatus::LISTED, 3);
    }

    #[test]
    fn string_spot_checks() {
        assert_eq!(TokenType::from_wire("Bearer"), TokenType::Bearer);
        assert_eq!(
            TokenType::from_wire("bearer"),
            TokenType::Other("bearer".to_owned())
        );
        assert_eq!(
            GrantType::from("client_credentials"),
            GrantType::ClientCredentials
        );
        assert_eq!(OAuthError::InvalidClientId.as_wire(), "invalid_client_id");
        assert_eq!(
            TouOrCppOrConsumptionTier::TYPE_NAME,
            "tOUorCPPorConsumptionTier"
        );
        let state: UsagePointConnectedKind =
            serde_json::from_str("\"logicallyDisconnected\"").expect("deserialize");
        assert_eq!(state, UsagePointConnectedKind::LogicallyDisconnected);
    }
}
