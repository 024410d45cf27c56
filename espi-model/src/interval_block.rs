//! IntervalBlock, IntervalReading and ReadingQuality: the interval data itself.

use crate::code_list::QualityOfReading;
use crate::identified_object::BatchItemInfo;
use crate::interval::DateTimeInterval;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// The quality of one reading (espi.xsd `ReadingQuality`).
    pub struct ReadingQuality: "ReadingQuality" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// The quality code (required by the schema).
        pub quality: Option<QualityOfReading> = "quality" required,
    }
}

crate::schema::espi_element! {
    /// One interval value (espi.xsd `IntervalReading`). `value` is in the ReadingType's
    /// unit times 10^powerOfTenMultiplier; `cost` is in 1/100 000 of its currency.
    pub struct IntervalReading: "IntervalReading" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Cost in hundred-thousandths of the ReadingType's currency (Int48).
        pub cost: Option<i64> = "cost" (Int48),
        /// Qualities of the reading; ReadingType.defaultQuality applies when empty.
        pub reading_quality: Vec<ReadingQuality> = "ReadingQuality",
        /// The interval covered. When absent, readings follow each other at the
        /// ReadingType's intervalLength.
        pub time_period: Option<DateTimeInterval> = "timePeriod",
        /// The value (Int48).
        pub value: Option<i64> = "value" (Int48),
        /// Consumption tier.
        pub consumption_tier: Option<i16> = "consumptionTier",
        /// Time-of-use tier.
        pub tou: Option<i16> = "tou",
        /// Critical peak pricing tier.
        pub cpp: Option<i16> = "cpp",
    }
}

crate::schema::espi_element! {
    /// A block of interval readings (espi.xsd `IntervalBlock`).
    pub struct IntervalBlock: "IntervalBlock" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// The interval the block covers.
        pub interval: Option<DateTimeInterval> = "interval",
        /// The readings in document order.
        pub interval_reading: Vec<IntervalReading> = "IntervalReading",
    }
}
