//! LocalTimeParameters (espi.xsd `TimeConfiguration`): the utility's time zone and DST rules.

use crate::dst::DstRule;
use crate::identified_object::BatchItemInfo;
use crate::local_time::LocalTimeRules;
use crate::raw::RawElement;

crate::espi_element! {
    /// The local time of a UsagePoint (espi-reference §4.9): standard offset, DST
    /// offset and the two DST rules. All four are required by the schema.
    pub struct LocalTimeParameters: "TimeConfiguration" {
        /// Object extensions.
        pub extension: Vec<RawElement> = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Rule for the end of DST.
        pub dst_end_rule: Option<DstRule> = "dstEndRule" required,
        /// Seconds added to local time during DST.
        pub dst_offset: Option<i64> = "dstOffset" required,
        /// Rule for the start of DST.
        pub dst_start_rule: Option<DstRule> = "dstStartRule" required,
        /// Standard offset from UTC in seconds (e.g. −18000 for US Eastern).
        pub tz_offset: Option<i64> = "tzOffset" required,
    }
}

impl LocalTimeParameters {
    /// The conversion rules, when all four elements are present.
    pub fn rules(&self) -> Option<LocalTimeRules> {
        Some(LocalTimeRules {
            tz_offset: self.tz_offset?,
            dst_offset: self.dst_offset?,
            dst_start: self.dst_start_rule?,
            dst_end: self.dst_end_rule?,
        })
    }
}

impl crate::schema::Scalar for DstRule {
    fn parse_text(text: &str) -> Result<Self, crate::schema::ValueError> {
        DstRule::from_hex(text)
            .map_err(|_| crate::schema::ValueError::new(text, "DstRuleType (8 hex digits)"))
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(&self.to_hex());
    }
}
