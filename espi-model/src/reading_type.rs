//! ReadingType: what a MeterReading's values mean (unit, scale, kind, interval…).

use crate::code_list::{
    AccumulationKind, CodeList, CommodityKind, Currency, DataQualifierKind, FlowDirectionKind,
    MeasurementKind, PhaseCodeKind, QualityOfReading, TimeAttributeKind, TimePeriodOfInterest,
    UnitMultiplierKind, UnitSymbolKind, unit_label,
};
use crate::identified_object::BatchItemInfo;
use crate::quantity::Quantity;
use crate::raw::{RawElement, RawList};
use rust_decimal::Decimal;

crate::schema::espi_element! {
    /// A rational number (espi.xsd `RationalNumber`, also `ReadingInterharmonic`).
    /// The schema leaves `denominator` untyped (xs:anyType), so it is kept as raw XML.
    pub struct RationalNumber: "RationalNumber" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Numerator (xs:integer).
        pub numerator: Option<i64> = "numerator",
        /// Denominator, untyped in the schema.
        pub denominator: Option<RawElement> = "denominator",
    }
}

crate::schema::espi_element! {
    /// Characteristics of the values of a MeterReading (espi.xsd `ReadingType`).
    /// Every field is optional in the schema.
    pub struct ReadingType: "ReadingType" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// How values accumulate (4 = deltaData for interval data).
        pub accumulation_behaviour: Option<AccumulationKind> = "accumulationBehaviour",
        /// What is measured (electricity, natural gas, water…).
        pub commodity: Option<CommodityKind> = "commodity",
        /// Consumption tier.
        pub consumption_tier: Option<i16> = "consumptionTier",
        /// Currency of costs (ISO 4217 numeric).
        pub currency: Option<Currency> = "currency",
        /// Data qualifier (average, maximum, normal…).
        pub data_qualifier: Option<DataQualifierKind> = "dataQualifier",
        /// Quality of readings that carry no ReadingQuality.
        pub default_quality: Option<QualityOfReading> = "defaultQuality",
        /// Flow direction (forward, reverse, net…).
        pub flow_direction: Option<FlowDirectionKind> = "flowDirection",
        /// Default interval length in seconds.
        pub interval_length: Option<u32> = "intervalLength",
        /// Kind of measurement (energy, demand, volume…).
        pub kind: Option<MeasurementKind> = "kind",
        /// Phase.
        pub phase: Option<PhaseCodeKind> = "phase",
        /// Power of ten applied to values.
        pub power_of_ten_multiplier: Option<UnitMultiplierKind> = "powerOfTenMultiplier",
        /// Time period of interest (billing period, daily, monthly…).
        pub time_attribute: Option<TimePeriodOfInterest> = "timeAttribute",
        /// Time-of-use tier.
        pub tou: Option<i16> = "tou",
        /// Unit of measure.
        pub uom: Option<UnitSymbolKind> = "uom",
        /// Critical peak pricing tier.
        pub cpp: Option<i16> = "cpp",
        /// Interharmonic.
        pub interharmonic: Option<RationalNumber> = "interharmonic",
        /// Measuring period.
        pub measuring_period: Option<TimeAttributeKind> = "measuringPeriod",
        /// Argument.
        pub argument: Option<RationalNumber> = "argument",
    }
}

impl ReadingType {
    /// The power of ten applied to values (0 when absent).
    pub fn exponent(&self) -> i16 {
        self.power_of_ten_multiplier
            .map_or(0, |multiplier| multiplier.code())
    }

    /// The unit of [`ReadingType::scaled_value`]: the symbol of `uom`, e.g. "Wh", "m³",
    /// "therm" ("" without a `uom`). The power of ten is already in the scaled value, so
    /// it is not in the label: raw 58 000 with multiplier −3 in m³ is 58.000 m³.
    ///
    /// ```
    /// use espi_model::reading_type::ReadingType;
    /// use espi_model::code_list::{UnitMultiplierKind, UnitSymbolKind};
    /// let rt = ReadingType {
    ///     power_of_ten_multiplier: Some(UnitMultiplierKind::Milli),
    ///     uom: Some(UnitSymbolKind::M3),
    ///     ..Default::default()
    /// };
    /// assert_eq!(rt.unit_label(), "m³");
    /// assert_eq!(rt.quantity(58_000).unwrap().to_string(), "58.000 m³");
    /// ```
    pub fn unit_label(&self) -> String {
        unit_label(
            UnitMultiplierKind::None,
            self.uom.unwrap_or(UnitSymbolKind::None),
        )
    }

    /// A raw `value` scaled into its unit: `value × 10^powerOfTenMultiplier` in `uom`.
    /// `None` without a `uom` (the unit is unknown) or when the value does not fit a
    /// decimal (see [`ReadingType::scaled_value`]).
    pub fn quantity(&self, value: i64) -> Option<Quantity> {
        Some(Quantity::new(self.scaled_value(value)?, self.uom?))
    }

    /// `value × 10^powerOfTenMultiplier` as an exact decimal in [`ReadingType::uom`].
    /// `None` when the result does not fit a 96-bit decimal (only possible with codes
    /// outside the schema's multiplier list).
    ///
    /// ```
    /// use espi_model::reading_type::ReadingType;
    /// use espi_model::code_list::{CodeList, UnitMultiplierKind};
    /// let rt = ReadingType { power_of_ten_multiplier: Some(UnitMultiplierKind::from_code(-3)), ..Default::default() };
    /// assert_eq!(rt.scaled_value(12345).unwrap().to_string(), "12.345");
    /// assert_eq!(rt.scaled_value_f64(12345), 12.345);
    /// ```
    pub fn scaled_value(&self, value: i64) -> Option<Decimal> {
        scale(value, self.exponent())
    }

    /// `value × 10^powerOfTenMultiplier` as a float.
    pub fn scaled_value_f64(&self, value: i64) -> f64 {
        let exponent = i32::from(self.exponent());
        // Divide for negative exponents so that 10^-3 does not add a rounding error.
        if exponent < 0 {
            value as f64 / 10f64.powi(-exponent)
        } else {
            value as f64 * 10f64.powi(exponent)
        }
    }
}

/// `value × 10^exponent` as an exact decimal, `None` when it overflows (an `i64`
/// reading or an `i128` sum of readings).
pub fn scale(value: impl Into<i128>, exponent: i16) -> Option<Decimal> {
    let mut result = Decimal::try_from_i128_with_scale(value.into(), 0).ok()?;
    if exponent < 0 {
        result.set_scale(u32::from(exponent.unsigned_abs())).ok()?;
        Some(result)
    } else {
        let power = 10i128.checked_pow(u32::try_from(exponent).ok()?)?;
        // 10^29 to 10^38 fit an i128 but not a 96-bit decimal.
        let factor = Decimal::try_from_i128_with_scale(power, 0).ok()?;
        result.checked_mul(factor)
    }
}

/// A cost in hundred-thousandths (1/100 000) of the currency as an exact decimal amount
/// (the unit espi.xsd documents for `IntervalReading.cost` and the bill amounts).
///
/// ```
/// assert_eq!(espi_model::reading_type::cost_amount(1_234_567).to_string(), "12.34567");
/// ```
pub fn cost_amount(cost: i64) -> Decimal {
    Decimal::new(cost, 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_is_exact_for_every_schema_multiplier() {
        for exponent in [-12i16, -9, -6, -3, -2, -1, 0, 1, 2, 3, 6, 9, 12] {
            let value = scale(140_737_488_355_327i64, exponent).unwrap();
            let expected: Decimal = if exponent < 0 {
                Decimal::new(140_737_488_355_327, u32::from(exponent.unsigned_abs()))
            } else {
                Decimal::from(140_737_488_355_327i64) * Decimal::from(10i64.pow(exponent as u32))
            };
            assert_eq!(value, expected, "exponent {exponent}");
        }
        assert_eq!(scale(-5, 3).unwrap().to_string(), "-5000");
        assert_eq!(scale(1, 40), None);
        for exponent in [29, 30, 38] {
            assert_eq!(
                scale(1, exponent),
                None,
                "10^{exponent} is beyond a 96-bit decimal"
            );
        }
        assert_eq!(scale(1, -40), None);
    }

    #[test]
    fn costs_are_hundred_thousandths() {
        assert_eq!(cost_amount(100_000).to_string(), "1.00000");
        assert_eq!(cost_amount(-5).to_string(), "-0.00005");
    }
}
