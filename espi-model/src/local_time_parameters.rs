//! LocalTimeParameters (espi.xsd `TimeConfiguration`): the utility's time zone and DST rules.

use crate::dst::DstRule;
use crate::identified_object::BatchItemInfo;
use crate::local_time::LocalTimeRules;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// The local time of a UsagePoint (espi.xsd `TimeConfiguration`): standard offset, DST
    /// offset and the two DST rules. All four are required by the schema.
    pub struct LocalTimeParameters: "TimeConfiguration" {
        /// Object extensions.
        pub extension: RawList = "extension",
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

/// DstRuleType is HexBinary32: xs:hexBinary of at most 4 octets, so "B40E" (seen in an
/// SCE file) is schema-valid and means 0x0000B40E. Shorter values are right-aligned;
/// the writer always writes 8 digits.
impl crate::schema::Scalar for DstRule {
    fn parse_text(text: &str) -> Result<Self, crate::schema::ValueError> {
        const EXPECTED: &str = "DstRuleType (xs:hexBinary of at most 4 octets)";
        let invalid = || crate::schema::ValueError::new(text, EXPECTED);
        if text.len() > 8 || !text.len().is_multiple_of(2) {
            return Err(invalid());
        }
        DstRule::from_hex(&format!("{text:0>8}")).map_err(|_| invalid())
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(&self.to_hex());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Scalar;

    #[test]
    fn dst_rules_accept_every_schema_valid_length() {
        assert_eq!(DstRule::parse_text("360E2000"), Ok(DstRule(0x360E_2000)));
        assert_eq!(DstRule::parse_text("b40e2000"), Ok(DstRule(0xB40E_2000)));
        assert_eq!(DstRule::parse_text("B40E"), Ok(DstRule(0x0000_B40E)));
        assert_eq!(DstRule::parse_text(""), Ok(DstRule(0)));
        for bad in ["B40", "360E20000", "360E200G", "+360E200"] {
            assert!(DstRule::parse_text(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_need_all_four_elements() {
        let mut parameters = LocalTimeParameters {
            dst_end_rule: Some(DstRule(0xB40E_2000)),
            dst_offset: Some(3600),
            dst_start_rule: Some(DstRule(0x360E_2000)),
            tz_offset: Some(-18000),
            ..LocalTimeParameters::default()
        };
        let rules = parameters.rules().expect("complete");
        // 2024-07-01T12:00Z is 08:00 EDT.
        assert_eq!(
            rules.to_local(1_719_835_200).unwrap().to_rfc3339(),
            "2024-07-01T08:00:00-04:00"
        );
        parameters.tz_offset = None;
        assert_eq!(parameters.rules(), None);
    }
}
