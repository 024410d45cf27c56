//! What a scope grants, in plain words ([`Explanation`]).

use std::fmt;

use crate::data_kind::{DataKind, data_kind_rows};
use crate::endpoint::{ENDPOINTS, RESOURCE_PREFIX, Serves};
use crate::function_block::{self, BlockGroup, Catalogue, FunctionBlockInfo, Violation};
use crate::scope::{BulkId, ExtensionTerm, HistoryLength, NamedFrequency, Period, Scope};

/// One Function Block of the scope with its catalogue entry, if the catalogue names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantedBlock {
    /// The number as listed in the scope.
    pub number: u16,
    /// The catalogue's entry; `None` for a number the catalogue does not name.
    pub info: Option<&'static FunctionBlockInfo>,
}

impl fmt::Display for GrantedBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.info {
            Some(info) => write!(f, "{info}"),
            None => write!(f, "FB_{:02} (not in this catalogue)", self.number),
        }
    }
}

/// What a scope grants, term by term, read against one catalogue, in plain words:
/// enough for a consent page or a log line.
///
/// An [`Explanation`] is built by [`Scope::explain`] against one [`Catalogue`], because the
/// same Function Block number names different things in the legacy and the current
/// numbering ([`Catalogue`](crate::Catalogue)). Its fields are structured; `Display` writes one
/// sentence per line.
///
/// Besides the terms, an explanation says which **data kinds** the Function Blocks
/// grant, what is **served** and on which **endpoint paths**. All three come from the
/// table the access decision reads too ([`DATA_KINDS`](crate::DATA_KINDS)): the endpoints are the
/// rows of [`crate::endpoint::ENDPOINTS`] a Third Party's token (access, client or
/// registration) may GET and the scope reaches ([`Scope::reaches`]), so
/// [`crate::decision::decide`] serves nothing the explanation does not list. The
/// resources about the Third Party itself, which carry no customer data, are listed
/// for every scope.
///
/// ```
/// use espi_auth::{Catalogue, Scope};
///
/// let scope = Scope::parse("FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13")?.scope;
/// let text = scope.explain(Catalogue::Legacy).to_string();
/// assert!(text.contains("FB_05 Interval Electricity Metering"));
/// assert!(text.contains("Readings in intervals of 1 hour"));
/// assert!(text.contains("History: up to 13 months"));
/// # Ok::<(), espi_auth::ScopeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The catalogue the Function Block numbers were read in.
    pub catalogue: Catalogue,
    /// The Function Blocks, in the scope's order.
    pub function_blocks: Vec<GrantedBlock>,
    /// Whether any Function Block is about retail customer (PII) data.
    pub includes_customer_data: bool,
    /// The interval lengths of the readings.
    pub interval_lengths: Vec<Period>,
    /// The IntervalBlock lengths.
    pub block_lengths: Vec<Period>,
    /// How far back the data reaches.
    pub history: Option<HistoryLength>,
    /// How often new data is made available.
    pub subscription_frequency: Option<Period>,
    /// The number of UsagePoints in the subscription.
    pub account_collection: Option<u64>,
    /// The bulk id, when the scope grants bulk access.
    pub bulk_id: Option<BulkId>,
    /// Terms the grammar does not define, as sent.
    pub extensions: Vec<ExtensionTerm>,
    /// Broken dependency rules of the catalogue ([`function_block::check_function_blocks`]).
    pub violations: Vec<Violation>,
    /// The data kinds the Function Blocks grant
    /// ([`DATA_KINDS`](crate::data_kind::DATA_KINDS)), without repeats, in the scope's
    /// order.
    pub data_kinds: Vec<DataKind>,
    /// What the listed endpoints serve, in the order of [`Serves`], without repeats.
    pub served: Vec<Serves>,
    /// The catalogue paths a Third Party's token may GET and the scope reaches (under
    /// `/espi/1_1/resource`, without a leading `/`), in [`ENDPOINTS`] order.
    pub endpoints: Vec<&'static str>,
}

impl Scope {
    /// Explains what this scope grants, reading Function Block numbers in `catalogue`.
    pub fn explain(&self, catalogue: Catalogue) -> Explanation {
        let function_blocks: Vec<GrantedBlock> = self
            .function_blocks
            .iter()
            .map(|&number| GrantedBlock {
                number,
                info: catalogue.lookup(number),
            })
            .collect();
        let includes_customer_data = function_blocks.iter().any(|block| {
            block
                .info
                .is_some_and(|info| info.group == BlockGroup::RetailCustomer)
        });
        let mut data_kinds = Vec::new();
        for &number in &self.function_blocks {
            for row in data_kind_rows(number, catalogue) {
                if !data_kinds.contains(&row.kind) {
                    data_kinds.push(row.kind);
                }
            }
        }
        let listed: Vec<_> = ENDPOINTS
            .iter()
            .filter(|endpoint| {
                endpoint.get.iter().any(|kind| kind.is_third_party())
                    && self.reaches(endpoint, catalogue)
            })
            .collect();
        let mut served: Vec<Serves> = listed.iter().map(|endpoint| endpoint.serves).collect();
        served.sort_unstable();
        served.dedup();
        Explanation {
            data_kinds,
            served,
            endpoints: listed.iter().map(|endpoint| endpoint.path).collect(),
            catalogue,
            function_blocks,
            includes_customer_data,
            interval_lengths: self.interval_duration.clone(),
            block_lengths: self.block_duration.clone(),
            history: self.history_length,
            subscription_frequency: self.subscription_frequency,
            account_collection: self.account_collection,
            bulk_id: self.bulk_id.clone(),
            extensions: self.extensions.clone(),
            violations: function_block::check_function_blocks(&self.function_blocks, catalogue),
        }
    }
}

impl Explanation {
    /// The explanation as sentences, one per granted term, in grammar order.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.function_blocks.is_empty() {
            lines.push("Function Blocks: none listed".to_string());
        } else {
            let names: Vec<String> = self.function_blocks.iter().map(|b| b.to_string()).collect();
            lines.push(format!(
                "Function Blocks ({}): {}",
                self.catalogue,
                names.join("; ")
            ));
        }
        if self.includes_customer_data {
            lines.push("Includes retail customer (personal) information".to_string());
        }
        if !self.data_kinds.is_empty() {
            let kinds: Vec<&str> = self.data_kinds.iter().map(|k| k.description()).collect();
            lines.push(format!("Data: {}", kinds.join("; ")));
        }
        for serves in &self.served {
            lines.push(format!("Resources: {serves}"));
        }
        if !self.interval_lengths.is_empty() {
            lines.push(format!(
                "Readings in intervals of {}",
                join_or(self.interval_lengths.iter().map(|p| length_words(*p)))
            ));
        }
        if !self.block_lengths.is_empty() {
            lines.push(format!(
                "Readings grouped in blocks of {}",
                join_or(self.block_lengths.iter().map(|p| length_words(*p)))
            ));
        }
        if let Some(history) = self.history {
            lines.push(format!("History: up to {}", history_words(history)));
        }
        if let Some(frequency) = self.subscription_frequency {
            lines.push(format!(
                "New data made available {}",
                frequency_words(frequency)
            ));
        }
        if let Some(count) = self.account_collection {
            let noun = if count == 1 {
                "usage point"
            } else {
                "usage points"
            };
            lines.push(format!("Accounts: {count} {noun}"));
        }
        if let Some(bulk_id) = &self.bulk_id {
            lines.push(format!(
                "Bulk access: all of the third party's authorizations at once (bulk id {bulk_id})"
            ));
        }
        for extension in &self.extensions {
            lines.push(format!("Other term: {extension}"));
        }
        for path in &self.endpoints {
            lines.push(format!("Endpoint: GET {RESOURCE_PREFIX}/{path}"));
        }
        for violation in &self.violations {
            lines.push(format!("Warning: {violation}"));
        }
        lines
    }
}

impl fmt::Display for Explanation {
    /// Writes [`Explanation::lines`], one per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, line) in self.lines().iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            f.write_str(line)?;
        }
        Ok(())
    }
}

fn join_or(words: impl Iterator<Item = String>) -> String {
    words.collect::<Vec<_>>().join(" or ")
}

/// `3600` → `1 hour`, `900` → `15 minutes`, `daily` → `a day`.
fn length_words(period: Period) -> String {
    match period {
        Period::Seconds(seconds) => seconds_words(seconds),
        Period::Named(NamedFrequency::BillingPeriod) => "a billing period".to_string(),
        Period::Named(NamedFrequency::Daily) => "a day".to_string(),
        Period::Named(NamedFrequency::Monthly) => "a month".to_string(),
        Period::Named(NamedFrequency::Seasonal) => "a season".to_string(),
        Period::Named(NamedFrequency::Weekly) => "a week".to_string(),
    }
}

fn frequency_words(period: Period) -> String {
    match period {
        Period::Seconds(seconds) => format!("every {}", seconds_words(seconds)),
        Period::Named(NamedFrequency::BillingPeriod) => "each billing period".to_string(),
        Period::Named(named) => named.as_str().to_string(),
    }
}

fn history_words(history: HistoryLength) -> String {
    match (history.months(), history.days()) {
        (Some(months), _) => plural(months, "month"),
        (None, Some(days)) => format!("{} ({} seconds)", plural(days, "day"), history.wire_value()),
        (None, None) => format!("{} seconds", history.wire_value()),
    }
}

/// The largest whole unit that divides `seconds` exactly, so nothing is rounded away.
fn seconds_words(seconds: u64) -> String {
    for (size, unit) in [(86_400, "day"), (3_600, "hour"), (60, "minute")] {
        if seconds > 0 && seconds.is_multiple_of(size) {
            return plural(seconds / size, unit);
        }
    }
    plural(seconds, "second")
}

fn plural(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_a_dc_offer_line_by_line() {
        let scope = Scope::parse(
            "FB=1_3_4_5_8_13_18_19_31_34_35_39;IntervalDuration=900_3600;BlockDuration=Daily;\
             HistoryLength=34128000;SubscriptionFrequency=Daily;AccountCollection=5;BR=1;",
        )
        .map(|parsed| parsed.scope)
        .expect("published example parses");
        let lines: Vec<String> = scope
            .explain(Catalogue::Legacy)
            .lines()
            .into_iter()
            .filter(|line| !line.starts_with("Endpoint: "))
            .collect();
        assert_eq!(
            lines,
            vec![
                "Function Blocks (legacy Function Block numbering): FB_01 Common Data Custodian; \
                 FB_03 Core Green Button Connect My Data; FB_04 Interval Metering; \
                 FB_05 Interval Electricity Metering; FB_08 Forward and Reverse Metering; \
                 FB_13 Security and Privacy classes (HTTPS); FB_18 Multiple Usage Points; \
                 FB_19 Partial update data; FB_31 Core REST Services; FB_34 SFTP for Bulk; \
                 FB_35 REST for Bulk; FB_39 PUSH model (notification followed by GET)",
                "Data: interval readings; electricity interval usage; electricity delivered and received",
                "Resources: the usage feed and its usage points (Batch/Subscription, UsagePoint)",
                "Resources: interval readings (MeterReading, IntervalBlock)",
                "Resources: what the usage data means: reading types and local time \
                 (ReadingType, LocalTimeParameters)",
                "Resources: the application's own registration and authorizations and the service \
                 status, without customer data (ApplicationInformation, Authorization, ReadServiceStatus)",
                "Readings in intervals of 15 minutes or 1 hour",
                "Readings grouped in blocks of a day",
                "History: up to 395 days (34128000 seconds)",
                "New data made available daily",
                "Accounts: 5 usage points",
                "Bulk access: all of the third party's authorizations at once (bulk id 1)",
            ]
        );
    }

    #[test]
    fn explains_unknown_blocks_customer_data_and_violations() {
        let scope = Scope::parse("FB=4_15_51_99;PreferredAuthEndDate=0")
            .map(|parsed| parsed.scope)
            .expect("parses");
        let explanation = scope.explain(Catalogue::Current);
        assert!(explanation.includes_customer_data);
        assert_eq!(explanation.function_blocks[3].info, None);
        let text = explanation.to_string();
        assert!(text.contains("FB_99 (not in this catalogue)"), "{text}");
        assert!(
            text.contains("Other term: PreferredAuthEndDate=0"),
            "{text}"
        );
        assert!(
            text.contains("Warning: FB_04 Interval Metering needs a commodity"),
            "{text}"
        );
        // The same numbers read in the legacy catalogue: 51 is unknown there, no FB_04 rule.
        let legacy = scope.explain(Catalogue::Legacy);
        assert!(!legacy.includes_customer_data);
        assert!(legacy.violations.is_empty());
    }

    #[test]
    fn gba_example_scope_grants_electricity_intervals_and_summaries() {
        let scope = Scope::parse_strict(
            "FB=1_3_4_5_13_15_31_37_39;IntervalDuration=900;HistoryLength=63072000",
        )
        .expect("GBA example parses");
        let explanation = scope.explain(Catalogue::Current);
        assert_eq!(
            explanation.data_kinds,
            vec![
                DataKind::IntervalReadings,
                DataKind::ElectricityInterval,
                DataKind::UsageSummary
            ]
        );
        assert_eq!(
            explanation.served,
            vec![
                Serves::Usage,
                Serves::IntervalReadings,
                Serves::UsageSummaries,
                Serves::UsageContext,
                Serves::Administration,
            ]
        );
        assert!(!explanation.includes_customer_data);
        let paths = &explanation.endpoints;
        assert_eq!(paths.len(), 20, "{paths:#?}");
        for expected in [
            "Batch/Subscription/{subscriptionId}",
            "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock/{intervalBlockId}",
            "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary",
            "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary/{id}",
            "ReadingType/{id}",
            "LocalTimeParameters",
            "Authorization",
            "ApplicationInformation/{applicationInformationId}",
            "ReadServiceStatus",
        ] {
            assert!(paths.contains(&expected), "{expected}");
        }
        // Nothing beyond what is granted: no PQS, no customer, no bulk, no admin roots.
        assert!(!paths.iter().any(|p| p.contains("Quality")
            || p.contains("RetailCustomer")
            || p.starts_with("Batch/Bulk")
            || p.starts_with("UsagePoint")
            || p.starts_with("MeterReading")));
        // Every listed path is reachable by a Third Party's token.
        for path in paths {
            let endpoint = ENDPOINTS
                .iter()
                .find(|e| e.path == *path)
                .expect("in table");
            assert!(
                endpoint.get.iter().any(|kind| kind.is_third_party()),
                "{path}"
            );
        }
        let text = explanation.to_string();
        assert!(
            text.contains("Data: interval readings; electricity interval usage; usage summaries"),
            "{text}"
        );
        assert!(
            text.contains("Endpoint: GET /espi/1_1/resource/Batch/Subscription/{subscriptionId}\n"),
            "{text}"
        );
    }

    #[test]
    fn a_scope_without_data_lists_only_the_third_partys_own_records() {
        for text in ["", "FB=1_3_13_31_37_39", "FB=64_65_69"] {
            let explanation = Scope::parse_strict(text)
                .expect("parses")
                .explain(Catalogue::Current);
            assert!(explanation.data_kinds.is_empty(), "{text}");
            assert_eq!(explanation.served, vec![Serves::Administration], "{text}");
            assert_eq!(
                explanation.endpoints,
                vec![
                    "ReadServiceStatus",
                    "ApplicationInformation/{applicationInformationId}",
                    "Authorization",
                    "Authorization/{authorizationId}",
                ],
                "{text}"
            );
        }
    }

    #[test]
    fn customer_scope_grants_retail_customer_paths() {
        let scope = Scope::parse_strict("FB=17_51_53_54_58_64_65_67_69;BR=7").expect("parses");
        let explanation = scope.explain(Catalogue::Current);
        assert!(explanation.includes_customer_data);
        assert_eq!(
            explanation.data_kinds,
            vec![
                DataKind::PowerQualitySummary,
                DataKind::RetailCustomer,
                DataKind::CustomerBasic,
                DataKind::ServiceLocation,
                DataKind::RetailCustomerBulk,
            ]
        );
        assert!(
            explanation.data_kinds[1..]
                .iter()
                .all(|k| k.is_customer_data())
        );
        // The PII bulk is the Data Custodian's to read: it is not served to a Third Party.
        assert_eq!(
            explanation.served,
            vec![
                Serves::Usage,
                Serves::PowerQualitySummaries,
                Serves::UsageContext,
                Serves::CustomerData,
                Serves::Administration,
            ]
        );
        let paths = &explanation.endpoints;
        assert!(paths.contains(&"Batch/RetailCustomer/{retailCustomerId}"));
        assert!(paths.contains(&"RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceLocation/{serviceLocationId}/Meter/{meterId}"));
        assert!(paths.contains(&"Batch/Bulk/{bulkId}"));
        // The upload path and the PII bulk are not a Third Party's to GET.
        assert!(!paths.contains(&"Batch/RetailCustomer/{retailCustomerId}/UsagePoint"));
        assert!(
            !paths
                .iter()
                .any(|p| p.starts_with("Batch/BulkRetailCustomerInfo"))
        );
        assert!(!paths.iter().any(|p| p.starts_with("Customer")));
        // Read in the legacy numbering, 51+ are unknown: no customer data.
        let legacy = scope.explain(Catalogue::Legacy);
        assert_eq!(legacy.data_kinds, vec![DataKind::PowerQualitySummary]);
        assert!(
            !legacy
                .endpoints
                .iter()
                .any(|p| p.contains("RetailCustomer"))
        );
        // Legacy FB_46 is the customer block there.
        let legacy_customer = Scope::parse_strict("FB=46")
            .expect("parses")
            .explain(Catalogue::Legacy);
        assert_eq!(
            legacy_customer.served,
            vec![Serves::CustomerData, Serves::Administration]
        );
        // Without BR there is no bulk to list.
        let without_br = Scope::parse_strict("FB=4_5_35").expect("parses");
        assert!(
            !without_br
                .explain(Catalogue::Current)
                .endpoints
                .contains(&"Batch/Bulk/{bulkId}")
        );
    }

    #[test]
    fn words_for_lengths() {
        assert_eq!(seconds_words(900), "15 minutes");
        assert_eq!(seconds_words(3600), "1 hour");
        assert_eq!(seconds_words(86_400 * 2), "2 days");
        assert_eq!(seconds_words(90), "90 seconds");
        assert_eq!(seconds_words(0), "0 seconds");
        assert_eq!(frequency_words(Period::Seconds(3600)), "every 1 hour");
        assert_eq!(history_words(HistoryLength::from_wire(1)), "1 month");
        assert_eq!(
            history_words(HistoryLength::from_wire(94_608_000)),
            "1095 days (94608000 seconds)"
        );
    }
}
