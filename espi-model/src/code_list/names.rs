//! What the numeric code lists mean in words: unit symbols and names, SI prefixes,
//! currency codes, service and quality names, and the label of a unit with its
//! multiplier.

use super::*;

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
