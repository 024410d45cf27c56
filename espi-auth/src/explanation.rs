//! What a scope grants, in plain words: enough for a consent page or a log line.
//!
//! An [`Explanation`] is built by [`Scope::explain`] against one [`Catalogue`], because the
//! same Function Block number names different things in the legacy and the current
//! numbering (espi-reference §3.4). Its fields are structured; `Display` writes one
//! sentence per line.
//!
//! Besides the terms, an explanation says which **data kinds**, **resource families**
//! and **endpoint paths** the scope reaches. These come from one data table,
//! [`DATA_KINDS`]: each row maps a Function Block number (in the catalogues it belongs
//! to) to a [`DataKind`] and to the [`EndpointFamily`]s that serve it, with its source in
//! espi-reference. The families are then matched against the endpoint catalogue of
//! [`crate::token::ENDPOINTS`], keeping the paths a Third Party's token (access or
//! client) may GET. `BR` adds [`EndpointFamily::Bulk`]. Choices:
//!
//! - Function Blocks about services rather than data (FB_01, FB_03, FB_13, FB_31,
//!   FB_37, FB_39, …) grant no data kind of their own.
//! - Every usage-data kind reaches the subscription feed (`Batch/Subscription`), its
//!   UsagePoints and LocalTimeParameters (espi-reference §1.3, FB_3/FB_32 rows); interval
//!   kinds add MeterReading, IntervalBlock and ReadingType; summaries add UsageSummary
//!   (and its deprecated name ElectricPowerUsageSummary); FB_17 adds
//!   ElectricPowerQualitySummary.
//! - Customer (PII) kinds reach `Batch/RetailCustomer/{id}` and the `RetailCustomer/…`
//!   hierarchy (espi-reference §1.4). The PII bulk (`Batch/BulkRetailCustomerInfo`) is
//!   not listed: [`crate::token`] reads that row as data-custodian only.
//!
//! ```
//! use espi_auth::{Catalogue, Scope};
//!
//! let scope = Scope::parse("FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13")?.scope;
//! let text = scope.explain(Catalogue::Legacy).to_string();
//! assert!(text.contains("FB_05 Interval Electricity Metering"));
//! assert!(text.contains("Readings in intervals of 1 hour"));
//! assert!(text.contains("History: up to 13 months"));
//! # Ok::<(), espi_auth::ScopeError>(())
//! ```

use std::fmt;

use crate::function_block::{self, Catalogue, FunctionBlockInfo, Group, Violation};
use crate::scope::{BulkId, ExtensionTerm, HistoryLength, NamedFrequency, Period, Scope};
use crate::token::{ENDPOINTS, Endpoint, RESOURCE_PREFIX, TokenKind};

/// A kind of data a Function Block grants (espi-reference §3.1–§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// Interval readings in general: MeterReadings, IntervalBlocks and their ReadingTypes
    /// (FB_04; the commodity comes from FB_05, FB_10, FB_11 or FB_29).
    IntervalReadings,
    /// Electricity interval usage (FB_05).
    ElectricityInterval,
    /// Electricity demand (FB_06).
    ElectricityDemand,
    /// Net electricity metering (FB_07).
    NetMetering,
    /// Forward and reverse (delivered and received) electricity (FB_08).
    ForwardAndReverse,
    /// Electricity register values (FB_09).
    RegisterValues,
    /// Natural gas interval usage (FB_10).
    GasInterval,
    /// Water interval usage (FB_11).
    WaterInterval,
    /// Temperature intervals (FB_29).
    TemperatureInterval,
    /// The cost of interval data (FB_12).
    IntervalCost,
    /// Usage summaries: billing-period totals (FB_15).
    UsageSummary,
    /// Usage summaries with cost (FB_16).
    UsageSummaryWithCost,
    /// Usage summaries with demands and previous-day attributes (FB_27).
    UsageSummaryWithDemands,
    /// Usage summary costs for the current billing period (FB_28).
    CurrentBillingPeriodCost,
    /// Electricity power quality summaries (FB_17).
    PowerQualitySummary,
    /// Retail customer information in general (legacy FB_46, FB_50; current FB_51, FB_53).
    RetailCustomer,
    /// Customer basic information (current FB_54).
    CustomerBasic,
    /// Customer demographic information (current FB_55).
    CustomerDemographic,
    /// Customer billing information (current FB_56).
    CustomerBilling,
    /// Customer account and agreement (current FB_57).
    AccountAgreement,
    /// Service location (current FB_58).
    ServiceLocation,
    /// Service supplier (current FB_59).
    ServiceSupplier,
    /// Meter information (current FB_60).
    MeterInformation,
    /// End-device information (current FB_61).
    EndDeviceInformation,
    /// Program date id mappings (current FB_62).
    ProgramDateIdMappings,
    /// Retail customer data in bulk (legacy FB_47, FB_48; current FB_66, FB_67).
    RetailCustomerBulk,
}

impl DataKind {
    /// The kind in plain words, for a consent page.
    pub fn description(self) -> &'static str {
        match self {
            DataKind::IntervalReadings => "interval readings",
            DataKind::ElectricityInterval => "electricity interval usage",
            DataKind::ElectricityDemand => "electricity demand",
            DataKind::NetMetering => "net electricity metering",
            DataKind::ForwardAndReverse => "electricity delivered and received",
            DataKind::RegisterValues => "electricity register values",
            DataKind::GasInterval => "natural gas interval usage",
            DataKind::WaterInterval => "water interval usage",
            DataKind::TemperatureInterval => "temperature intervals",
            DataKind::IntervalCost => "cost of interval data",
            DataKind::UsageSummary => "usage summaries",
            DataKind::UsageSummaryWithCost => "usage summaries with cost",
            DataKind::UsageSummaryWithDemands => {
                "usage summaries with demands and previous-day attributes"
            }
            DataKind::CurrentBillingPeriodCost => "costs of the current billing period",
            DataKind::PowerQualitySummary => "electricity power quality summaries",
            DataKind::RetailCustomer => "retail customer information",
            DataKind::CustomerBasic => "customer basic information",
            DataKind::CustomerDemographic => "customer demographic information",
            DataKind::CustomerBilling => "customer billing information",
            DataKind::AccountAgreement => "customer account and agreement",
            DataKind::ServiceLocation => "service location",
            DataKind::ServiceSupplier => "service supplier",
            DataKind::MeterInformation => "meter information",
            DataKind::EndDeviceInformation => "end-device information",
            DataKind::ProgramDateIdMappings => "program date id mappings",
            DataKind::RetailCustomerBulk => "retail customer data in bulk",
        }
    }

    /// Whether the kind is retail customer (PII) data.
    pub fn is_customer_data(self) -> bool {
        matches!(
            self,
            DataKind::RetailCustomer
                | DataKind::CustomerBasic
                | DataKind::CustomerDemographic
                | DataKind::CustomerBilling
                | DataKind::AccountAgreement
                | DataKind::ServiceLocation
                | DataKind::ServiceSupplier
                | DataKind::MeterInformation
                | DataKind::EndDeviceInformation
                | DataKind::ProgramDateIdMappings
                | DataKind::RetailCustomerBulk
        )
    }
}

impl fmt::Display for DataKind {
    /// Writes [`DataKind::description`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// A family of endpoints of [`ENDPOINTS`] (espi-reference §1.3–§1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointFamily {
    /// `Batch/Subscription/{subscriptionId}[/UsagePoint/{usagePointId}]`: the CMD feed.
    Subscription,
    /// `Subscription/{subscriptionId}/UsagePoint[/{usagePointId}]`.
    UsagePoint,
    /// `…/UsagePoint/{usagePointId}/MeterReading[/{meterReadingId}]`.
    MeterReading,
    /// `…/MeterReading/{meterReadingId}/IntervalBlock[/{intervalBlockId}]`.
    IntervalBlock,
    /// `ReadingType[/{id}]`.
    ReadingType,
    /// `LocalTimeParameters[/{id}]`.
    LocalTimeParameters,
    /// `…/UsagePoint/{usagePointId}/UsageSummary[/{id}]` and its deprecated name
    /// `ElectricPowerUsageSummary`.
    UsageSummary,
    /// `…/UsagePoint/{usagePointId}/ElectricPowerQualitySummary[/{id}]`.
    ElectricPowerQualitySummary,
    /// `Batch/RetailCustomer/{retailCustomerId}` and the `RetailCustomer/…` hierarchy.
    RetailCustomer,
    /// `Batch/Bulk/{bulkId}`: every authorization of the Third Party at once.
    Bulk,
}

impl EndpointFamily {
    /// The resource name, as in the paths (`Batch/Subscription`, `UsagePoint`, …).
    pub fn name(self) -> &'static str {
        match self {
            EndpointFamily::Subscription => "Batch/Subscription",
            EndpointFamily::UsagePoint => "UsagePoint",
            EndpointFamily::MeterReading => "MeterReading",
            EndpointFamily::IntervalBlock => "IntervalBlock",
            EndpointFamily::ReadingType => "ReadingType",
            EndpointFamily::LocalTimeParameters => "LocalTimeParameters",
            EndpointFamily::UsageSummary => "UsageSummary",
            EndpointFamily::ElectricPowerQualitySummary => "ElectricPowerQualitySummary",
            EndpointFamily::RetailCustomer => "Batch/RetailCustomer",
            EndpointFamily::Bulk => "Batch/Bulk",
        }
    }

    /// Whether the catalogue path `path` (as in [`Endpoint::path`]) is of this family.
    pub fn matches(self, path: &str) -> bool {
        let under_subscription = path.starts_with("Subscription/");
        let last_two = |name: &str| {
            let mut segments = path.rsplit('/');
            let last = segments.next().unwrap_or_default();
            let before = segments.next().unwrap_or_default();
            last == name || (before == name && last.starts_with('{'))
        };
        match self {
            EndpointFamily::Subscription => path.starts_with("Batch/Subscription/"),
            EndpointFamily::UsagePoint => under_subscription && last_two("UsagePoint"),
            EndpointFamily::MeterReading => under_subscription && last_two("MeterReading"),
            EndpointFamily::IntervalBlock => under_subscription && last_two("IntervalBlock"),
            EndpointFamily::ReadingType => path.starts_with("ReadingType"),
            EndpointFamily::LocalTimeParameters => path.starts_with("LocalTimeParameters"),
            EndpointFamily::UsageSummary => {
                under_subscription
                    && (last_two("UsageSummary") || last_two("ElectricPowerUsageSummary"))
            }
            EndpointFamily::ElectricPowerQualitySummary => {
                under_subscription && last_two("ElectricPowerQualitySummary")
            }
            EndpointFamily::RetailCustomer => {
                path == "Batch/RetailCustomer/{retailCustomerId}"
                    || path.starts_with("RetailCustomer/")
            }
            EndpointFamily::Bulk => path.starts_with("Batch/Bulk/"),
        }
    }

    /// The rows of [`ENDPOINTS`] in this family that a Third Party's token (access or
    /// client) may GET, in catalogue order.
    pub fn endpoints(self) -> impl Iterator<Item = &'static Endpoint> {
        ENDPOINTS.iter().filter(move |endpoint| {
            self.matches(endpoint.path)
                && endpoint
                    .get
                    .iter()
                    .any(|kind| matches!(kind, TokenKind::Access | TokenKind::Client))
        })
    }
}

impl fmt::Display for EndpointFamily {
    /// Writes [`EndpointFamily::name`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One row of [`DATA_KINDS`]: what a Function Block grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataKindRow {
    /// The Function Block number.
    pub number: u16,
    /// The catalogues in which the number has this meaning.
    pub catalogues: &'static [Catalogue],
    /// The data the block grants.
    pub kind: DataKind,
    /// The endpoint families that serve it.
    pub families: &'static [EndpointFamily],
    /// Where the mapping comes from, in espi-reference.
    pub source: &'static str,
}

const BOTH: &[Catalogue] = &[Catalogue::Legacy, Catalogue::Current];
const LEGACY: &[Catalogue] = &[Catalogue::Legacy];
const CURRENT: &[Catalogue] = &[Catalogue::Current];

use EndpointFamily as E;

/// Interval data: the feed, its UsagePoints, readings and their types.
const INTERVALS: &[EndpointFamily] = &[
    E::Subscription,
    E::UsagePoint,
    E::MeterReading,
    E::IntervalBlock,
    E::ReadingType,
    E::LocalTimeParameters,
];
/// Usage summaries.
const SUMMARIES: &[EndpointFamily] = &[
    E::Subscription,
    E::UsagePoint,
    E::LocalTimeParameters,
    E::UsageSummary,
];
/// Power quality summaries.
const QUALITY: &[EndpointFamily] = &[
    E::Subscription,
    E::UsagePoint,
    E::LocalTimeParameters,
    E::ElectricPowerQualitySummary,
];
/// Retail customer (PII) data.
const CUSTOMER: &[EndpointFamily] = &[E::RetailCustomer];
/// Data custodian only (the PII bulk, see the module documentation).
const NO_ENDPOINT: &[EndpointFamily] = &[];

const fn kind(
    number: u16,
    catalogues: &'static [Catalogue],
    kind: DataKind,
    families: &'static [EndpointFamily],
    source: &'static str,
) -> DataKindRow {
    DataKindRow {
        number,
        catalogues,
        kind,
        families,
        source,
    }
}

/// What each data-bearing Function Block grants, by number and catalogue. Numbers not
/// listed (services such as FB_01, FB_03, FB_13, FB_31, FB_37, FB_39) grant no data kind
/// of their own.
pub static DATA_KINDS: &[DataKindRow] = &[
    kind(
        4,
        BOTH,
        DataKind::IntervalReadings,
        INTERVALS,
        "§3.1–§3.3 FB_04; §1.3 MeterReading, IntervalBlock, ReadingType rows",
    ),
    kind(
        5,
        BOTH,
        DataKind::ElectricityInterval,
        INTERVALS,
        "§3.1–§3.2 FB_05",
    ),
    kind(
        6,
        BOTH,
        DataKind::ElectricityDemand,
        INTERVALS,
        "§3.1–§3.2 FB_06; §3.3 electricity variant of FB_04",
    ),
    kind(
        7,
        BOTH,
        DataKind::NetMetering,
        INTERVALS,
        "§3.1–§3.2 FB_07; §3.3 electricity variant of FB_04",
    ),
    kind(
        8,
        BOTH,
        DataKind::ForwardAndReverse,
        INTERVALS,
        "§3.1–§3.2 FB_08; §3.3 electricity variant of FB_04",
    ),
    kind(
        9,
        BOTH,
        DataKind::RegisterValues,
        INTERVALS,
        "§3.1–§3.2 FB_09; §3.3 electricity variant of FB_04",
    ),
    kind(
        10,
        BOTH,
        DataKind::GasInterval,
        INTERVALS,
        "§3.1–§3.2 FB_10; §3.3 data rules of /fb10",
    ),
    kind(
        11,
        BOTH,
        DataKind::WaterInterval,
        INTERVALS,
        "§3.1–§3.2 FB_11",
    ),
    kind(
        12,
        BOTH,
        DataKind::IntervalCost,
        INTERVALS,
        "§3.1–§3.2 FB_12; §3.3 cost added to FB_04 data",
    ),
    kind(
        15,
        BOTH,
        DataKind::UsageSummary,
        SUMMARIES,
        "§3.1–§3.2 FB_15; §3.3 /fb15 UsageSummary; §1.3 UsageSummary row",
    ),
    kind(
        16,
        BOTH,
        DataKind::UsageSummaryWithCost,
        SUMMARIES,
        "§3.1–§3.2 FB_16; §3.3 extends FB_15",
    ),
    kind(
        17,
        BOTH,
        DataKind::PowerQualitySummary,
        QUALITY,
        "§3.1–§3.2 FB_17; §1.3 ElectricPowerQualitySummary row",
    ),
    kind(
        27,
        BOTH,
        DataKind::UsageSummaryWithDemands,
        SUMMARIES,
        "§3.1–§3.2 FB_27; §3.3 extends FB_15",
    ),
    kind(
        28,
        BOTH,
        DataKind::CurrentBillingPeriodCost,
        SUMMARIES,
        "§3.1–§3.2 FB_28; §3.3 extends FB_15",
    ),
    kind(
        29,
        BOTH,
        DataKind::TemperatureInterval,
        INTERVALS,
        "§3.1–§3.2 FB_29",
    ),
    kind(
        46,
        LEGACY,
        DataKind::RetailCustomer,
        CUSTOMER,
        "§3.1 FB_46 Core RetailCustomer; §1.3 Batch/RetailCustomer row",
    ),
    kind(
        47,
        LEGACY,
        DataKind::RetailCustomerBulk,
        NO_ENDPOINT,
        "§3.1 FB_47; §1.3 BulkRetailCustomerInfo row",
    ),
    kind(
        48,
        LEGACY,
        DataKind::RetailCustomerBulk,
        NO_ENDPOINT,
        "§3.1 FB_48 (SFTP)",
    ),
    kind(
        50,
        LEGACY,
        DataKind::RetailCustomer,
        CUSTOMER,
        "§3.1 FB_50; §1.4 hierarchical read",
    ),
    kind(
        51,
        CURRENT,
        DataKind::RetailCustomer,
        CUSTOMER,
        "§3.2 FB_51 Retail Customer Common",
    ),
    kind(
        53,
        CURRENT,
        DataKind::RetailCustomer,
        CUSTOMER,
        "§3.2 FB_53 RC Connect My Data",
    ),
    kind(
        54,
        CURRENT,
        DataKind::CustomerBasic,
        CUSTOMER,
        "§3.2 FB_54; §1.4 Customer",
    ),
    kind(
        55,
        CURRENT,
        DataKind::CustomerDemographic,
        CUSTOMER,
        "§3.2 FB_55; §1.4 Customer",
    ),
    kind(
        56,
        CURRENT,
        DataKind::CustomerBilling,
        CUSTOMER,
        "§3.2 FB_56; §1.4 CustomerAccount",
    ),
    kind(
        57,
        CURRENT,
        DataKind::AccountAgreement,
        CUSTOMER,
        "§3.2 FB_57; §1.4 CustomerAccount, CustomerAgreement",
    ),
    kind(
        58,
        CURRENT,
        DataKind::ServiceLocation,
        CUSTOMER,
        "§3.2 FB_58; §1.4 ServiceLocation",
    ),
    kind(
        59,
        CURRENT,
        DataKind::ServiceSupplier,
        CUSTOMER,
        "§3.2 FB_59; §1.4 ServiceSupplier",
    ),
    kind(
        60,
        CURRENT,
        DataKind::MeterInformation,
        CUSTOMER,
        "§3.2 FB_60; §1.4 Meter",
    ),
    kind(
        61,
        CURRENT,
        DataKind::EndDeviceInformation,
        CUSTOMER,
        "§3.2 FB_61; §1.4 EndDevice",
    ),
    kind(
        62,
        CURRENT,
        DataKind::ProgramDateIdMappings,
        CUSTOMER,
        "§3.2 FB_62; §1.4 ProgramDateIdMappings",
    ),
    kind(
        66,
        CURRENT,
        DataKind::RetailCustomerBulk,
        NO_ENDPOINT,
        "§3.2 FB_66 (SFTP)",
    ),
    kind(
        67,
        CURRENT,
        DataKind::RetailCustomerBulk,
        NO_ENDPOINT,
        "§3.2 FB_67; §1.3 BulkRetailCustomerInfo row",
    ),
];

/// The rows of [`DATA_KINDS`] for block `number` read in `catalogue`.
pub fn data_kind_rows(
    number: u16,
    catalogue: Catalogue,
) -> impl Iterator<Item = &'static DataKindRow> {
    DATA_KINDS
        .iter()
        .filter(move |row| row.number == number && row.catalogues.contains(&catalogue))
}

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

/// What a scope grants, term by term, read against one catalogue.
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
    /// Broken dependency rules of the catalogue ([`function_block::check`]).
    pub violations: Vec<Violation>,
    /// The data kinds the Function Blocks grant ([`DATA_KINDS`]), without repeats, in
    /// the scope's order.
    pub data_kinds: Vec<DataKind>,
    /// The endpoint families that serve them, plus [`EndpointFamily::Bulk`] when `BR` is
    /// present; in the order of [`EndpointFamily`], without repeats.
    pub endpoint_families: Vec<EndpointFamily>,
    /// The catalogue paths of those families a Third Party may GET (under
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
                .is_some_and(|info| info.group == Group::RetailCustomer)
        });
        let mut data_kinds = Vec::new();
        let mut endpoint_families = Vec::new();
        for &number in &self.function_blocks {
            for row in data_kind_rows(number, catalogue) {
                if !data_kinds.contains(&row.kind) {
                    data_kinds.push(row.kind);
                }
                endpoint_families.extend_from_slice(row.families);
            }
        }
        if self.bulk_id.is_some() {
            endpoint_families.push(EndpointFamily::Bulk);
        }
        endpoint_families.sort_unstable();
        endpoint_families.dedup();
        let endpoints = ENDPOINTS
            .iter()
            .filter(|endpoint| {
                endpoint_families
                    .iter()
                    .any(|family| family.endpoints().any(|e| e.path == endpoint.path))
            })
            .map(|endpoint| endpoint.path)
            .collect();
        Explanation {
            data_kinds,
            endpoint_families,
            endpoints,
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
            violations: function_block::check(&self.function_blocks, catalogue),
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
        if !self.endpoint_families.is_empty() {
            let names: Vec<&str> = self.endpoint_families.iter().map(|f| f.name()).collect();
            lines.push(format!("Resources: {}", names.join(", ")));
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
                "Resources: Batch/Subscription, UsagePoint, MeterReading, IntervalBlock, ReadingType, \
                 LocalTimeParameters, Batch/Bulk",
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
            explanation.endpoint_families,
            vec![
                E::Subscription,
                E::UsagePoint,
                E::MeterReading,
                E::IntervalBlock,
                E::ReadingType,
                E::LocalTimeParameters,
                E::UsageSummary,
            ]
        );
        assert!(!explanation.includes_customer_data);
        let paths = &explanation.endpoints;
        assert_eq!(paths.len(), 16, "{paths:#?}");
        for expected in [
            "Batch/Subscription/{subscriptionId}",
            "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock/{intervalBlockId}",
            "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary",
            "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary/{id}",
            "ReadingType/{id}",
            "LocalTimeParameters",
        ] {
            assert!(paths.contains(&expected), "{expected}");
        }
        // Nothing beyond the families: no PQS, no customer, no bulk, no admin roots.
        assert!(!paths.iter().any(|p| p.contains("Quality")
            || p.contains("RetailCustomer")
            || p.starts_with("Batch/Bulk")
            || p.starts_with("UsagePoint")
            || p.starts_with("MeterReading")));
        // Every listed path is reachable by an access token.
        for path in paths {
            let endpoint = ENDPOINTS
                .iter()
                .find(|e| e.path == *path)
                .expect("in table");
            assert!(endpoint.get.contains(&TokenKind::Access), "{path}");
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
        assert_eq!(
            explanation.endpoint_families,
            vec![
                E::Subscription,
                E::UsagePoint,
                E::LocalTimeParameters,
                E::ElectricPowerQualitySummary,
                E::RetailCustomer,
                E::Bulk
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
        assert_eq!(legacy_customer.endpoint_families, vec![E::RetailCustomer]);
    }

    #[test]
    fn data_table_agrees_with_the_catalogues() {
        for row in DATA_KINDS {
            for &catalogue in row.catalogues {
                let info = catalogue
                    .lookup(row.number)
                    .expect("the catalogue names the block");
                assert_eq!(
                    info.group == Group::RetailCustomer,
                    row.kind.is_customer_data(),
                    "FB_{} in {catalogue}",
                    row.number
                );
            }
            for family in row.families {
                assert!(family.endpoints().next().is_some(), "{family}");
            }
            assert!(!row.source.is_empty());
        }
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
