//! ElectricPowerQualitySummary: power-quality counters over an interval.

use crate::identified_object::BatchItemInfo;
use crate::interval::DateTimeInterval;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// A summary of power quality events (espi.xsd
    /// `ElectricPowerQualitySummary`).
    pub struct ElectricPowerQualitySummary: "ElectricPowerQualitySummary" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Long-term flicker severity.
        pub flicker_plt: Option<i64> = "flickerPlt" (Int48),
        /// Short-term flicker severity.
        pub flicker_pst: Option<i64> = "flickerPst" (Int48),
        /// Harmonic voltage.
        pub harmonic_voltage: Option<i64> = "harmonicVoltage" (Int48),
        /// Number of long interruptions.
        pub long_interruptions: Option<i64> = "longInterruptions" (Int48),
        /// Mains voltage (µV).
        pub mains_voltage: Option<i64> = "mainsVoltage" (Int48),
        /// Measurement protocol.
        pub measurement_protocol: Option<u8> = "measurementProtocol",
        /// Power frequency (µHz).
        pub power_frequency: Option<i64> = "powerFrequency" (Int48),
        /// Number of rapid voltage changes.
        pub rapid_voltage_changes: Option<i64> = "rapidVoltageChanges" (Int48),
        /// Number of short interruptions.
        pub short_interruptions: Option<i64> = "shortInterruptions" (Int48),
        /// The interval summarised (required by the schema).
        pub summary_interval: Option<DateTimeInterval> = "summaryInterval" required,
        /// Number of supply voltage dips.
        pub supply_voltage_dips: Option<i64> = "supplyVoltageDips" (Int48),
        /// Supply voltage imbalance.
        pub supply_voltage_imbalance: Option<i64> = "supplyVoltageImbalance" (Int48),
        /// Supply voltage variations.
        pub supply_voltage_variations: Option<i64> = "supplyVoltageVariations" (Int48),
        /// Temporary overvoltages.
        pub temp_overvoltage: Option<i64> = "tempOvervoltage" (Int48),
    }
}
