//! ElectricPowerQualitySummary: power-quality counters over an interval.

use crate::identified_object::BatchItemInfo;
use crate::interval::DateTimeInterval;
use crate::raw::RawElement;

crate::espi_element! {
    /// A summary of power quality events (espi.xsd `ElectricPowerQualitySummary`,
    /// espi-reference §4.8).
    pub struct ElectricPowerQualitySummary: "ElectricPowerQualitySummary" {
        /// Object extensions.
        pub extension: Vec<RawElement> = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Long-term flicker severity.
        pub flicker_plt: Option<i64> = "flickerPlt",
        /// Short-term flicker severity.
        pub flicker_pst: Option<i64> = "flickerPst",
        /// Harmonic voltage.
        pub harmonic_voltage: Option<i64> = "harmonicVoltage",
        /// Number of long interruptions.
        pub long_interruptions: Option<i64> = "longInterruptions",
        /// Mains voltage (µV).
        pub mains_voltage: Option<i64> = "mainsVoltage",
        /// Measurement protocol.
        pub measurement_protocol: Option<u8> = "measurementProtocol",
        /// Power frequency (µHz).
        pub power_frequency: Option<i64> = "powerFrequency",
        /// Number of rapid voltage changes.
        pub rapid_voltage_changes: Option<i64> = "rapidVoltageChanges",
        /// Number of short interruptions.
        pub short_interruptions: Option<i64> = "shortInterruptions",
        /// The interval summarised (required by the schema).
        pub summary_interval: Option<DateTimeInterval> = "summaryInterval" required,
        /// Number of supply voltage dips.
        pub supply_voltage_dips: Option<i64> = "supplyVoltageDips",
        /// Supply voltage imbalance.
        pub supply_voltage_imbalance: Option<i64> = "supplyVoltageImbalance",
        /// Supply voltage variations.
        pub supply_voltage_variations: Option<i64> = "supplyVoltageVariations",
        /// Temporary overvoltages.
        pub temp_overvoltage: Option<i64> = "tempOvervoltage",
    }
}
