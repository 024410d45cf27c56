//! MeterReading: a set of values of one ReadingType from one UsagePoint.

use crate::identified_object::BatchItemInfo;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// A set of values obtained from the meter (espi.xsd `MeterReading`). It has no
    /// content of its own: its ReadingType and IntervalBlocks are found through the
    /// entry's Atom links (see [`crate::link`]).
    pub struct MeterReading: "MeterReading" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
    }
}
