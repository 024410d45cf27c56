//! Quantities: a value together with the unit it is in, and conversions between units.
//!
//! A [`Quantity`] is `value` in `10^multiplier × unit`. What the model derives is always
//! in the bare unit: a reading's scaled value (raw × 10^powerOfTenMultiplier) is a
//! quantity with [`UnitMultiplierKind::None`] in its ReadingType's `uom`, so 58 000 with
//! multiplier −3 and uom m³ is `58.000 m³`, and 12 345 with multiplier −3 and uom Wh is
//! `12.345 Wh`. A prefixed unit only appears when a value is converted to one on
//! purpose, e.g. with [`Quantity::kwh`].
//!
//! # Conversions
//!
//! [`Quantity::convert`] says how far its result can be trusted ([`Accuracy`]):
//!
//! - **Exact**: a change of SI prefix; watt-hours ↔ joules (1 Wh = 3600 J); cubic metres,
//!   litres, cubic feet, US and imperial gallons (each defined exactly in metres:
//!   1 ft = 0.3048 m, 1 US gal = 3.785411784 L, 1 imp gal = 4.54609 L); flows per hour ↔
//!   per second; therms ↔ BTU (1 therm = 100 000 BTU), as long as the decimal result
//!   needs no rounding.
//! - **Rounded**: the same exact definitions, but the ratio has no finite decimal
//!   expansion (cubic metres to cubic feet divides by 0.028316846592), so the result is
//!   rounded to the 28 significant digits of a [`Decimal`].
//! - **Conventional**: BTU or therms ↔ joules or watt-hours, and BTU/h ↔ watts. The BTU
//!   has several definitions and ESPI does not say which a utility means. We use the
//!   International Table BTU, 1055.05585262 J exactly, and therm = 100 000 BTU
//!   (105.505585262 MJ, the EU therm); the US therm (105.4804 MJ) is 0.024 % smaller.
//!
//! Not convertible ([`ConversionError::Incompatible`]): quantities of different kinds;
//! in particular a gas volume to energy, which needs the gas's heating value (ESPI does
//! not carry it; a bill does), and plain, weather-compensated and uncompensated volumes
//! to one another, which differ by pressure and temperature corrections the data does
//! not give.

use crate::code_list::{UnitMultiplierKind, UnitSymbolKind, unit_label};
use rust_decimal::Decimal;
use std::fmt;

/// A value in `10^multiplier × unit`.
///
/// ```
/// use espi_model::code_list::UnitSymbolKind;
/// use espi_model::quantity::{Accuracy, Quantity};
/// use rust_decimal::Decimal;
///
/// let energy = Quantity::new(Decimal::new(12_345, 3), UnitSymbolKind::Wh);
/// assert_eq!(energy.to_string(), "12.345 Wh");
/// let kwh = energy.kwh()?;
/// assert_eq!(kwh.quantity.to_string(), "0.012345 kWh");
/// assert_eq!(kwh.accuracy, Accuracy::Exact);
///
/// let gas = Quantity::new(Decimal::new(58_000, 3), UnitSymbolKind::M3);
/// assert_eq!(gas.cubic_feet()?.quantity.value.round_dp(3).to_string(), "2048.251");
/// assert!(gas.kwh().is_err(), "a volume is not an energy");
/// # Ok::<(), espi_model::quantity::ConversionError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    /// The number.
    pub value: Decimal,
    /// The power of ten of the unit ([`UnitMultiplierKind::None`] for the bare unit).
    pub multiplier: UnitMultiplierKind,
    /// The unit of measure.
    pub unit: UnitSymbolKind,
}

/// A converted quantity and how far it can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Conversion {
    /// The quantity in the unit asked for.
    pub quantity: Quantity,
    /// Whether it is exact, rounded or depends on a convention.
    pub accuracy: Accuracy,
}

/// How far a [`Conversion`] can be trusted (see the [module documentation](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Accuracy {
    /// Exactly the value: both units are defined exactly in terms of each other and
    /// the decimal result needed no rounding.
    Exact,
    /// Exact definitions, but the result was rounded to 28 significant digits.
    Rounded,
    /// Depends on which BTU (and therm) the data means; see the module documentation.
    Conventional,
}

/// Why a quantity could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversionError {
    /// The two units measure different things, or their relation is not known.
    #[error("cannot convert {} to {}: {reason}", unit_label(UnitMultiplierKind::None, *.from), unit_label(UnitMultiplierKind::None, *.to))]
    Incompatible {
        /// The unit converted from.
        from: UnitSymbolKind,
        /// The unit asked for.
        to: UnitSymbolKind,
        /// Why not.
        reason: &'static str,
    },
    /// The result does not fit a 96-bit decimal.
    #[error("{from} does not fit a 96-bit decimal in {to}")]
    Overflow {
        /// The quantity converted.
        from: Quantity,
        /// The unit asked for.
        to: String,
    },
}

impl Quantity {
    /// A value in the bare `unit` (no power of ten).
    pub fn new(value: Decimal, unit: UnitSymbolKind) -> Self {
        Quantity {
            value,
            multiplier: UnitMultiplierKind::None,
            unit,
        }
    }

    /// The printed unit, e.g. "Wh", "kWh", "m³", "×10^-3 m³" (see [`unit_label`]).
    pub fn unit_label(&self) -> String {
        unit_label(self.multiplier, self.unit)
    }

    /// This quantity in `10^multiplier × unit`.
    pub fn convert(
        &self,
        multiplier: UnitMultiplierKind,
        unit: UnitSymbolKind,
    ) -> Result<Conversion, ConversionError> {
        let overflow = || ConversionError::Overflow {
            from: *self,
            to: unit_label(multiplier, unit),
        };
        let (ratio, accuracy) = if self.unit == unit {
            ((Decimal::ONE, Decimal::ONE), Accuracy::Exact)
        } else {
            ratio(self.unit, unit)?
        };
        let (numerator, denominator) = ratio;
        // value × 10^(from − to) × numerator / denominator, dividing last and once.
        let shift = i32::from(self.multiplier.exponent()) - i32::from(multiplier.exponent());
        let dividend = self
            .value
            .checked_mul(numerator)
            .and_then(|product| shift_decimal(product, shift))
            .ok_or_else(overflow)?;
        let value = dividend.checked_div(denominator).ok_or_else(overflow)?;
        // A product can round back to the dividend, so first ask whether the exact
        // quotient has a finite decimal expansion at all.
        let rounded =
            !terminates(dividend, denominator) || value.checked_mul(denominator) != Some(dividend);
        let accuracy = match accuracy {
            Accuracy::Exact if rounded => Accuracy::Rounded,
            other => other,
        };
        Ok(Conversion {
            quantity: Quantity {
                value,
                multiplier,
                unit,
            },
            accuracy,
        })
    }

    /// In kilowatt-hours (from Wh, J, BTU or therms).
    pub fn kwh(&self) -> Result<Conversion, ConversionError> {
        self.convert(UnitMultiplierKind::Kilo, UnitSymbolKind::Wh)
    }

    /// In therms (from BTU, Wh or J).
    pub fn therms(&self) -> Result<Conversion, ConversionError> {
        self.convert(UnitMultiplierKind::None, UnitSymbolKind::Therm)
    }

    /// In cubic metres (from litres, cubic feet or gallons).
    pub fn cubic_metres(&self) -> Result<Conversion, ConversionError> {
        self.convert(UnitMultiplierKind::None, UnitSymbolKind::M3)
    }

    /// In cubic feet (from cubic metres, litres or gallons).
    pub fn cubic_feet(&self) -> Result<Conversion, ConversionError> {
        self.convert(UnitMultiplierKind::None, UnitSymbolKind::Ft3)
    }
}

/// `58.000 m³`; the bare number for a quantity without a unit.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = self.unit_label();
        if label.is_empty() {
            write!(f, "{}", self.value)
        } else {
            write!(f, "{} {label}", self.value)
        }
    }
}

/// Whether `dividend / divisor` has a finite decimal expansion: the divisor's
/// mantissa, once reduced against the dividend's, has no prime factor but 2 and 5.
fn terminates(dividend: Decimal, divisor: Decimal) -> bool {
    let (a, b) = (
        dividend.mantissa().unsigned_abs(),
        divisor.mantissa().unsigned_abs(),
    );
    if b == 0 {
        return false;
    }
    let mut reduced = b / gcd(a, b);
    for factor in [2, 5] {
        while reduced.is_multiple_of(factor) {
            reduced /= factor;
        }
    }
    reduced == 1
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `value × 10^shift`, exactly; `None` when it does not fit.
fn shift_decimal(value: Decimal, shift: i32) -> Option<Decimal> {
    let power =
        Decimal::try_from_i128_with_scale(10i128.checked_pow(shift.unsigned_abs())?, 0).ok()?;
    if shift >= 0 {
        value.checked_mul(power)
    } else {
        let mut shifted = value;
        let scale = value.scale().checked_add(shift.unsigned_abs())?;
        // Moving the decimal point is exact while the scale fits; beyond, divide.
        if shifted.set_scale(scale).is_ok() {
            Some(shifted)
        } else {
            value.checked_div(power)
        }
    }
}

/// What kind of quantity a unit measures, for the units that convert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Energy,
    Power,
    Volume(Correction),
    VolumeFlow(Correction),
}

/// Gas volumes come plain, corrected to base conditions, or explicitly uncorrected;
/// the three are different quantities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Correction {
    Plain,
    Compensated,
    Uncompensated,
}

/// A unit's size in the reference unit of its kind (J, W, m³, m³/s) as the exact
/// fraction `numerator / denominator`, and whether it depends on the BTU convention.
struct Size {
    kind: Kind,
    numerator: Decimal,
    denominator: Decimal,
    btu: bool,
}

/// The exact sizes the conversions are built from.
struct Sizes {
    hour: Decimal,
    btu: Decimal,
    therm: Decimal,
    litre: Decimal,
    cubic_foot: Decimal,
    us_gallon: Decimal,
    imperial_gallon: Decimal,
}

impl Sizes {
    fn new() -> Self {
        Sizes {
            hour: Decimal::from(3600),
            // International Table BTU: 1055.05585262 J exactly.
            btu: Decimal::new(105_505_585_262, 8),
            // 100 000 BTU (IT).
            therm: Decimal::new(105_505_585_262, 3),
            litre: Decimal::new(1, 3),
            // 0.3048³ m³.
            cubic_foot: Decimal::new(28_316_846_592, 12),
            us_gallon: Decimal::new(3_785_411_784, 12),
            imperial_gallon: Decimal::new(454_609, 8),
        }
    }
}

fn size(unit: UnitSymbolKind) -> Option<Size> {
    use Correction::{Compensated, Plain, Uncompensated};
    use UnitSymbolKind as U;
    let one = Decimal::ONE;
    let Sizes {
        hour,
        btu,
        therm,
        litre,
        cubic_foot,
        us_gallon,
        imperial_gallon,
    } = Sizes::new();
    let (kind, numerator, denominator, conventional) = match unit {
        U::J => (Kind::Energy, one, one, false),
        U::Wh => (Kind::Energy, hour, one, false),
        U::Btu => (Kind::Energy, btu, one, true),
        U::Therm => (Kind::Energy, therm, one, true),
        U::W => (Kind::Power, one, one, false),
        U::BtuPerH => (Kind::Power, btu, hour, true),
        U::M3 => (Kind::Volume(Plain), one, one, false),
        U::Litre => (Kind::Volume(Plain), litre, one, false),
        U::Ft3 => (Kind::Volume(Plain), cubic_foot, one, false),
        U::UsGal => (Kind::Volume(Plain), us_gallon, one, false),
        U::ImperialGal => (Kind::Volume(Plain), imperial_gallon, one, false),
        U::M3Compensated => (Kind::Volume(Compensated), one, one, false),
        U::LitreCompensated => (Kind::Volume(Compensated), litre, one, false),
        U::Ft3Compensated => (Kind::Volume(Compensated), cubic_foot, one, false),
        U::M3Uncompensated => (Kind::Volume(Uncompensated), one, one, false),
        U::LitreUncompensated => (Kind::Volume(Uncompensated), litre, one, false),
        U::M3PerSec => (Kind::VolumeFlow(Plain), one, one, false),
        U::M3PerH => (Kind::VolumeFlow(Plain), one, hour, false),
        U::LitrePerSec => (Kind::VolumeFlow(Plain), litre, one, false),
        U::LitrePerH => (Kind::VolumeFlow(Plain), litre, hour, false),
        U::UsGalPerH => (Kind::VolumeFlow(Plain), us_gallon, hour, false),
        U::ImperialGalPerH => (Kind::VolumeFlow(Plain), imperial_gallon, hour, false),
        U::M3CompensatedPerH => (Kind::VolumeFlow(Compensated), one, hour, false),
        U::LitreCompensatedPerH => (Kind::VolumeFlow(Compensated), litre, hour, false),
        U::Ft3CompensatedPerH => (Kind::VolumeFlow(Compensated), cubic_foot, hour, false),
        U::M3UncompensatedPerH => (Kind::VolumeFlow(Uncompensated), one, hour, false),
        U::LitreUncompensatedPerH => (Kind::VolumeFlow(Uncompensated), litre, hour, false),
        _ => return None,
    };
    Some(Size {
        kind,
        numerator,
        denominator,
        btu: conventional,
    })
}

/// The factor from one unit to another as a fraction, and whether it is exact or
/// conventional.
fn ratio(
    from: UnitSymbolKind,
    to: UnitSymbolKind,
) -> Result<((Decimal, Decimal), Accuracy), ConversionError> {
    let incompatible = |reason| ConversionError::Incompatible { from, to, reason };
    let (Some(source), Some(target)) = (size(from), size(to)) else {
        return Err(incompatible(
            "only energy, power, volume and volume flow units convert",
        ));
    };
    if source.kind != target.kind {
        let volume_and_energy = matches!(
            (source.kind, target.kind),
            (Kind::Volume(_), Kind::Energy) | (Kind::Energy, Kind::Volume(_))
        );
        let corrections = matches!(
            (source.kind, target.kind),
            (Kind::Volume(_), Kind::Volume(_)) | (Kind::VolumeFlow(_), Kind::VolumeFlow(_))
        );
        return Err(incompatible(if volume_and_energy {
            "a gas volume becomes energy through the gas's heating value, which ESPI does not carry"
        } else if corrections {
            "plain, compensated and uncompensated volumes differ by pressure and temperature corrections the data does not give"
        } else {
            "they measure different quantities"
        }));
    }
    let numerator = source.numerator.checked_mul(target.denominator);
    let denominator = source.denominator.checked_mul(target.numerator);
    let (Some(numerator), Some(denominator)) = (numerator, denominator) else {
        return Err(incompatible("the factor does not fit a 96-bit decimal"));
    };
    // Both BTU-based (therm ↔ BTU): the convention cancels out.
    let accuracy = if source.btu != target.btu {
        Accuracy::Conventional
    } else {
        Accuracy::Exact
    };
    Ok(((numerator, denominator), accuracy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use UnitMultiplierKind as M;
    use UnitSymbolKind as U;

    fn q(value: &str, unit: UnitSymbolKind) -> Quantity {
        Quantity::new(value.parse().expect("a decimal"), unit)
    }

    fn converted(from: Quantity, multiplier: M, unit: U) -> (String, Accuracy) {
        let conversion = from.convert(multiplier, unit).expect("converts");
        (conversion.quantity.to_string(), conversion.accuracy)
    }

    #[test]
    fn scaled_values_are_labelled_with_the_bare_unit() {
        assert_eq!(q("58.000", U::M3).to_string(), "58.000 m³");
        assert_eq!(q("12.345", U::Wh).to_string(), "12.345 Wh");
        assert_eq!(q("7", U::None).to_string(), "7");
        assert_eq!(q("7", U::Other(999)).to_string(), "7 uom 999");
    }

    #[test]
    fn prefixes_and_exact_definitions_convert_exactly() {
        use Accuracy::Exact;
        let cases = [
            (q("12.345", U::Wh), M::Kilo, U::Wh, "0.012345 kWh"),
            (q("2", U::Wh), M::None, U::J, "7200 J"),
            (q("1", U::Ft3), M::None, U::M3, "0.028316846592 m³"),
            (q("1", U::UsGal), M::None, U::Litre, "3.785411784 L"),
            (q("1", U::ImperialGal), M::None, U::Litre, "4.54609 L"),
            (q("3600", U::M3PerH), M::None, U::M3PerSec, "1 m³/s"),
            (q("2", U::Therm), M::None, U::Btu, "200000 BTU"),
            (q("58.000", U::M3), M::Milli, U::M3, "58000.000 ×10^-3 m³"),
            // The same unknown unit converts between powers of ten.
            (
                q("5", U::Other(999)),
                M::Kilo,
                U::Other(999),
                "0.005 ×10^3 uom 999",
            ),
        ];
        for (from, multiplier, unit, expected) in cases {
            let (text, accuracy) = converted(from, multiplier, unit);
            assert_eq!(text, expected, "{from}");
            assert_eq!(accuracy, Exact, "{from} to {expected}");
        }
    }

    #[test]
    fn a_ratio_without_a_finite_decimal_is_rounded() {
        let conversion = q("1", U::M3).cubic_feet().expect("converts");
        assert_eq!(conversion.accuracy, Accuracy::Rounded);
        // 1 / 0.028316846592 = 35.31466672148859…
        assert_eq!(
            conversion.quantity.value.round_dp(12).to_string(),
            "35.314666721489"
        );
        let back = conversion.quantity.cubic_metres().expect("converts");
        assert_eq!(back.quantity.value.round_dp(20), Decimal::ONE);
    }

    #[test]
    fn btu_and_therms_against_joules_follow_the_international_table() {
        let conversion = q("1", U::Therm).kwh().expect("converts");
        assert_eq!(conversion.accuracy, Accuracy::Conventional);
        // 105 505 585.262 J / 3 600 000 J.
        assert_eq!(
            conversion.quantity.value.round_dp(6).to_string(),
            "29.307107"
        );
        let therms = q("29307.10701722222", U::Wh).therms().expect("converts");
        assert_eq!(therms.accuracy, Accuracy::Conventional);
        assert_eq!(therms.quantity.value.round_dp(9).to_string(), "1.000000000");
        let watts = q("1", U::BtuPerH).convert(M::None, U::W).expect("converts");
        assert_eq!(watts.quantity.value.round_dp(6).to_string(), "0.293071");
    }

    #[test]
    fn different_quantities_do_not_convert_and_say_why() {
        let volume_to_energy = q("58", U::M3).kwh().expect_err("volume is not energy");
        assert!(
            volume_to_energy.to_string().contains("heating value"),
            "{volume_to_energy}"
        );
        let corrected = q("1", U::M3Compensated)
            .cubic_metres()
            .expect_err("compensated is not plain");
        assert!(corrected.to_string().contains("compensated"), "{corrected}");
        let other = q("1", U::A).kwh().expect_err("current is not energy");
        assert_eq!(
            other.to_string(),
            "cannot convert A to Wh: only energy, power, volume and volume flow units convert"
        );
        assert!(q("1", U::W).kwh().is_err(), "power is not energy");
    }

    #[test]
    fn overflow_is_an_error() {
        let huge = Quantity {
            value: Decimal::MAX,
            multiplier: M::Tera,
            unit: U::Wh,
        };
        assert!(matches!(
            huge.convert(M::Milli, U::Wh),
            Err(ConversionError::Overflow { .. })
        ));
        // Unlisted multipliers whose power of ten exceeds a 96-bit decimal.
        for exponent in [29, 30, 38, 39, 400] {
            let one = Quantity {
                value: Decimal::ONE,
                multiplier: M::Other(exponent),
                unit: U::Wh,
            };
            assert!(one.convert(M::None, U::Wh).is_err(), "10^{exponent}");
        }
    }
}
