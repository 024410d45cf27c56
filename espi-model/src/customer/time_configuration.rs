//! The customer.xsd copy of the local time parameters (customer.xsd
//! `TimeConfiguration`, global element `LocalTimeParameters`).

use crate::dst::DstRule;
use crate::local_time::LocalTimeRules;
use crate::local_time_parameters::LocalTimeParameters;

crate::schema::espi_element! {
    /// The utility's time zone and DST rules as customer.xsd declares them
    /// (customer.xsd `TimeConfiguration`; its global elements are
    /// `LocalTimeParameters` and `TimeConfiguration`).
    ///
    /// It differs from espi.xsd's [`LocalTimeParameters`] only by the `name` that
    /// customer.xsd's `IdentifiedObject` adds after `batchItemInfo`. The four rule
    /// elements are required by the schema.
    pub struct TimeConfiguration: "TimeConfiguration" extends IdentifiedObject {
        /// Rule for the end of DST.
        pub dst_end_rule: Option<DstRule> = "dstEndRule" required,
        /// Seconds added to local standard time during DST.
        pub dst_offset: Option<i64> = "dstOffset" required,
        /// Rule for the start of DST.
        pub dst_start_rule: Option<DstRule> = "dstStartRule" required,
        /// Standard offset from UTC in seconds, without DST.
        pub tz_offset: Option<i64> = "tzOffset" required,
    }
}

impl TimeConfiguration {
    /// The conversion rules, when all four rule elements are present.
    pub fn rules(&self) -> Option<LocalTimeRules> {
        Some(LocalTimeRules {
            tz_offset: self.tz_offset?,
            dst_offset: self.dst_offset?,
            dst_start: self.dst_start_rule?,
            dst_end: self.dst_end_rule?,
        })
    }
}

impl From<TimeConfiguration> for LocalTimeParameters {
    /// The espi.xsd form: the same values without the deprecated `name`.
    fn from(config: TimeConfiguration) -> Self {
        LocalTimeParameters {
            extension: config.extension,
            batch_item_info: config.batch_item_info,
            dst_end_rule: config.dst_end_rule,
            dst_offset: config.dst_offset,
            dst_start_rule: config.dst_start_rule,
            tz_offset: config.tz_offset,
            unknown_elements: config.unknown_elements,
        }
    }
}

impl From<LocalTimeParameters> for TimeConfiguration {
    /// The customer.xsd form, with no `name`.
    fn from(parameters: LocalTimeParameters) -> Self {
        TimeConfiguration {
            extension: parameters.extension,
            batch_item_info: parameters.batch_item_info,
            name: None,
            dst_end_rule: parameters.dst_end_rule,
            dst_offset: parameters.dst_offset,
            dst_start_rule: parameters.dst_start_rule,
            tz_offset: parameters.tz_offset,
            unknown_elements: parameters.unknown_elements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_and_from_the_espi_form() {
        let config = TimeConfiguration {
            name: Some("Eastern".to_owned()),
            dst_end_rule: Some(DstRule(0xB40E_2000)),
            dst_offset: Some(3600),
            dst_start_rule: Some(DstRule(0x360E_2000)),
            tz_offset: Some(-18000),
            ..TimeConfiguration::default()
        };
        let rules = config.rules();
        assert!(rules.is_some());
        let espi = LocalTimeParameters::from(config.clone());
        assert_eq!(espi.rules(), rules);
        let back = TimeConfiguration::from(espi);
        assert_eq!(back.name, None);
        assert_eq!(back.rules(), rules);
        assert_eq!(TimeConfiguration::default().rules(), None);
    }
}
