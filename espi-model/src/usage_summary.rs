//! UsageSummary (and the deprecated ElectricPowerUsageSummary) with its parts:
//! SummaryMeasurement, LineItem, tariff riders and the billing charge source.

use crate::code_list::{
    CommodityKind, Currency, EnrollmentStatus, ItemKind, QualityOfReading, UnitMultiplierKind,
    UnitSymbolKind,
};
use crate::identified_object::BatchItemInfo;
use crate::interval::DateTimeInterval;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// A measured or computed quantity with its unit (espi.xsd `SummaryMeasurement`).
    pub struct SummaryMeasurement: "SummaryMeasurement" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Power of ten applied to `value`.
        pub power_of_ten_multiplier: Option<UnitMultiplierKind> = "powerOfTenMultiplier",
        /// When the value was measured (epoch seconds).
        pub time_stamp: Option<i64> = "timeStamp",
        /// Unit of measure.
        pub uom: Option<UnitSymbolKind> = "uom",
        /// The value (Int48).
        pub value: Option<i64> = "value" (Int48),
        /// The ReadingType the value relates to.
        pub reading_type_ref: Option<String> = "readingTypeRef",
    }
}

impl SummaryMeasurement {
    /// The value scaled into its unit: `value × 10^powerOfTenMultiplier` in `uom`.
    /// `None` without a value or a `uom`, or when it does not fit a decimal.
    ///
    /// ```
    /// use espi_model::usage_summary::SummaryMeasurement;
    /// use espi_model::code_list::{UnitMultiplierKind, UnitSymbolKind};
    /// let measurement = SummaryMeasurement {
    ///     power_of_ten_multiplier: Some(UnitMultiplierKind::Kilo),
    ///     uom: Some(UnitSymbolKind::Wh),
    ///     value: Some(754),
    ///     ..Default::default()
    /// };
    /// assert_eq!(measurement.quantity().unwrap().to_string(), "754000 Wh");
    /// ```
    pub fn quantity(&self) -> Option<crate::quantity::Quantity> {
        let exponent = self
            .power_of_ten_multiplier
            .map_or(0, UnitMultiplierKind::exponent);
        let value = crate::reading_type::scale(self.value?, exponent)?;
        Some(crate::quantity::Quantity::new(value, self.uom?))
    }
}

crate::schema::espi_element! {
    /// One line of a bill's additional costs (espi.xsd `LineItem`).
    pub struct LineItem: "LineItem" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Amount in 1/100 000 of the currency.
        pub amount: Option<i64> = "amount" (Int48),
        /// Rounding in 1/100 000 of the currency.
        pub rounding: Option<i64> = "rounding" (Int48),
        /// When the item applies (epoch seconds).
        pub date_time: Option<i64> = "dateTime",
        /// Text of the line (required by the schema).
        pub note: Option<String> = "note" required (MaxLength(256)),
        /// Measurement the amount is based on.
        pub measurement: Option<SummaryMeasurement> = "measurement",
        /// Kind of item (fee, tax, credit…; required by the schema).
        pub item_kind: Option<ItemKind> = "itemKind" required,
        /// Unit cost in 1/100 000 of the currency.
        pub unit_cost: Option<i64> = "unitCost" (Int48),
        /// Period the item covers.
        pub item_period: Option<DateTimeInterval> = "itemPeriod",
    }
}

crate::schema::espi_element! {
    /// A tariff rider (espi.xsd `TariffRiderRef`).
    pub struct TariffRiderRef: "TariffRiderRef" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Type of rider.
        pub rider_type: Option<String> = "riderType" required (MaxLength(256)),
        /// Enrollment status.
        pub enrollment_status: Option<EnrollmentStatus> = "enrollmentStatus" required,
        /// Effective date (epoch seconds).
        pub effective_date: Option<i64> = "effectiveDate" required,
    }
}

crate::schema::espi_element! {
    /// Tariff riders (espi.xsd `TariffRiderRefs`).
    pub struct TariffRiderRefs: "TariffRiderRefs" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// The riders (at least one).
        pub tariff_rider_ref: Vec<TariffRiderRef> = "tariffRiderRef" required,
    }
}

crate::schema::espi_element! {
    /// Who issued the charges (espi.xsd `BillingChargeSource`).
    pub struct BillingChargeSource: "BillingChargeSource" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Name of the agency.
        pub agency_name: Option<String> = "agencyName" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// A billing-period summary of usage and cost (espi.xsd `UsageSummary`).
    /// Amounts are in 1/100 000 of `currency`.
    pub struct UsageSummary: "UsageSummary" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// The billing period.
        pub billing_period: Option<DateTimeInterval> = "billingPeriod",
        /// Bill amount for the last period.
        pub bill_last_period: Option<i64> = "billLastPeriod" (Int48),
        /// Bill amount to date.
        pub bill_to_date: Option<i64> = "billToDate" (Int48),
        /// Additional costs for the last period.
        pub cost_additional_last_period: Option<i64> = "costAdditionalLastPeriod" (Int48),
        /// Detail of the additional costs.
        pub cost_additional_detail_last_period: Vec<LineItem> = "costAdditionalDetailLastPeriod",
        /// Currency of the amounts.
        pub currency: Option<Currency> = "currency",
        /// Overall consumption in the last period.
        pub overall_consumption_last_period: Option<SummaryMeasurement> = "overallConsumptionLastPeriod",
        /// Overall consumption in the current billing period.
        pub current_billing_period_over_all_consumption: Option<SummaryMeasurement> = "currentBillingPeriodOverAllConsumption",
        /// Net consumption of the current day last year.
        pub current_day_last_year_net_consumption: Option<SummaryMeasurement> = "currentDayLastYearNetConsumption",
        /// Net consumption of the current day.
        pub current_day_net_consumption: Option<SummaryMeasurement> = "currentDayNetConsumption",
        /// Overall consumption of the current day.
        pub current_day_overall_consumption: Option<SummaryMeasurement> = "currentDayOverallConsumption",
        /// Peak demand.
        pub peak_demand: Option<SummaryMeasurement> = "peakDemand",
        /// Overall consumption of the previous day last year.
        pub previous_day_last_year_overall_consumption: Option<SummaryMeasurement> = "previousDayLastYearOverallConsumption",
        /// Net consumption of the previous day.
        pub previous_day_net_consumption: Option<SummaryMeasurement> = "previousDayNetConsumption",
        /// Overall consumption of the previous day.
        pub previous_day_overall_consumption: Option<SummaryMeasurement> = "previousDayOverallConsumption",
        /// Quality of the summary.
        pub quality_of_reading: Option<QualityOfReading> = "qualityOfReading",
        /// Ratchet demand.
        pub ratchet_demand: Option<SummaryMeasurement> = "ratchetDemand",
        /// Period of the ratchet demand.
        pub ratchet_demand_period: Option<DateTimeInterval> = "ratchetDemandPeriod",
        /// When the summary was produced (epoch seconds; required by the schema).
        pub status_time_stamp: Option<i64> = "statusTimeStamp" required,
        /// Commodity.
        pub commodity: Option<CommodityKind> = "commodity",
        /// Tariff profile.
        pub tariff_profile: Option<String> = "tariffProfile" (MaxLength(256)),
        /// Read cycle.
        pub read_cycle: Option<String> = "readCycle" (MaxLength(256)),
        /// Tariff riders.
        pub tariff_rider_refs: Option<TariffRiderRefs> = "tariffRiderRefs",
        /// Who issued the charges.
        pub billing_charge_source: Option<BillingChargeSource> = "billingChargeSource",
    }
}

crate::schema::espi_element! {
    /// The deprecated pre-3.3 form of [`UsageSummary`] (espi.xsd
    /// `ElectricPowerUsageSummary`), still common in real files: the same elements
    /// up to `commodity`, without the last four.
    pub struct ElectricPowerUsageSummary: "ElectricPowerUsageSummary" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// The billing period.
        pub billing_period: Option<DateTimeInterval> = "billingPeriod",
        /// Bill amount for the last period.
        pub bill_last_period: Option<i64> = "billLastPeriod" (Int48),
        /// Bill amount to date.
        pub bill_to_date: Option<i64> = "billToDate" (Int48),
        /// Additional costs for the last period.
        pub cost_additional_last_period: Option<i64> = "costAdditionalLastPeriod" (Int48),
        /// Detail of the additional costs.
        pub cost_additional_detail_last_period: Vec<LineItem> = "costAdditionalDetailLastPeriod",
        /// Currency of the amounts.
        pub currency: Option<Currency> = "currency",
        /// Overall consumption in the last period.
        pub overall_consumption_last_period: Option<SummaryMeasurement> = "overallConsumptionLastPeriod",
        /// Overall consumption in the current billing period.
        pub current_billing_period_over_all_consumption: Option<SummaryMeasurement> = "currentBillingPeriodOverAllConsumption",
        /// Net consumption of the current day last year.
        pub current_day_last_year_net_consumption: Option<SummaryMeasurement> = "currentDayLastYearNetConsumption",
        /// Net consumption of the current day.
        pub current_day_net_consumption: Option<SummaryMeasurement> = "currentDayNetConsumption",
        /// Overall consumption of the current day.
        pub current_day_overall_consumption: Option<SummaryMeasurement> = "currentDayOverallConsumption",
        /// Peak demand.
        pub peak_demand: Option<SummaryMeasurement> = "peakDemand",
        /// Overall consumption of the previous day last year.
        pub previous_day_last_year_overall_consumption: Option<SummaryMeasurement> = "previousDayLastYearOverallConsumption",
        /// Net consumption of the previous day.
        pub previous_day_net_consumption: Option<SummaryMeasurement> = "previousDayNetConsumption",
        /// Overall consumption of the previous day.
        pub previous_day_overall_consumption: Option<SummaryMeasurement> = "previousDayOverallConsumption",
        /// Quality of the summary.
        pub quality_of_reading: Option<QualityOfReading> = "qualityOfReading",
        /// Ratchet demand.
        pub ratchet_demand: Option<SummaryMeasurement> = "ratchetDemand",
        /// Period of the ratchet demand.
        pub ratchet_demand_period: Option<DateTimeInterval> = "ratchetDemandPeriod",
        /// When the summary was produced (epoch seconds; required by the schema).
        pub status_time_stamp: Option<i64> = "statusTimeStamp" required,
        /// Commodity.
        pub commodity: Option<CommodityKind> = "commodity",
    }
}
