//! What each Function Block grants ([`DATA_KINDS`]).

use std::fmt;

use crate::endpoint::{Endpoint, Serves};
use crate::function_block::Catalogue;
use crate::scope::Scope;

/// A kind of data a Function Block grants (the names of both [`Catalogue`]s and GBA's
/// data rules per block).
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

/// One row of [`DATA_KINDS`]: what a Function Block grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataKindRow {
    /// The Function Block number.
    pub number: u16,
    /// The catalogues in which the number has this meaning.
    pub catalogues: &'static [Catalogue],
    /// The data the block grants.
    pub kind: DataKind,
    /// What the data is served as: the [`Endpoint::serves`] values of the rows of
    /// [`ENDPOINTS`](crate::endpoint::ENDPOINTS) the block opens to a Third Party.
    pub serves: &'static [Serves],
    /// Where the mapping comes from: the Function Block lists ([`Catalogue`]), GBA's
    /// data rules per block and the rows of [`ENDPOINTS`](crate::endpoint::ENDPOINTS).
    pub source: &'static str,
}

const BOTH: &[Catalogue] = &[Catalogue::Legacy, Catalogue::Current];
const LEGACY: &[Catalogue] = &[Catalogue::Legacy];
const CURRENT: &[Catalogue] = &[Catalogue::Current];

use Serves as S;

/// Interval data, with the feed and what describes it.
const INTERVALS: &[Serves] = &[S::Usage, S::IntervalReadings, S::UsageContext];
/// Usage summaries, with the feed and what describes them.
const SUMMARIES: &[Serves] = &[S::Usage, S::UsageSummaries, S::UsageContext];
/// Power quality summaries, with the feed and what describes them.
const QUALITY: &[Serves] = &[S::Usage, S::PowerQualitySummaries, S::UsageContext];
/// Retail customer (PII) data.
const CUSTOMER: &[Serves] = &[S::CustomerData];
/// Retail customer data in bulk.
const CUSTOMER_BULK: &[Serves] = &[S::CustomerBulk];

const fn kind(
    number: u16,
    catalogues: &'static [Catalogue],
    kind: DataKind,
    serves: &'static [Serves],
    source: &'static str,
) -> DataKindRow {
    DataKindRow {
        number,
        catalogues,
        kind,
        serves,
        source,
    }
}

/// What each data-bearing Function Block grants, by number and catalogue. Numbers not
/// listed (services such as FB_01, FB_03, FB_13, FB_31, FB_37, FB_39) grant no data kind
/// of their own. This one table is read by both the access decision and the consent
/// text.
///
/// Each row maps a Function Block number (in the catalogues it belongs to) to the
/// [`DataKind`] it grants and to what that data is served as — the [`Serves`] values of
/// the endpoint catalogue's rows ([`crate::endpoint::ENDPOINTS`]). [`Scope::grants`] and
/// [`Scope::reaches`] read the two tables together; [`crate::decision::decide`] refuses a
/// Third Party's request the scope does not reach, and [`Scope::explain`] lists exactly
/// the rows it reaches, so the consent text cannot promise less than is served.
///
/// Choices:
/// - Function Blocks about services rather than data (FB_01, FB_03, FB_13, FB_31,
///   FB_37, FB_39, …) grant no data kind of their own: a scope of them alone reaches
///   no usage data, not even the (empty) subscription feed.
/// - Every usage-data kind reaches the subscription feed, its UsagePoints and what
///   describes the data (ReadingType, LocalTimeParameters); interval kinds add
///   MeterReading and IntervalBlock, summaries UsageSummary, FB_17
///   ElectricPowerQualitySummary.
/// - Customer (PII) kinds reach `Batch/RetailCustomer/{id}` and the `RetailCustomer/…`
///   hierarchy; the bulk kinds reach `Batch/BulkRetailCustomerInfo`,
///   which [`may_reach`](crate::may_reach) reads as data-custodian only.
/// - The resources about the Third Party itself ([`Serves::Administration`]) need no
///   Function Block: a registration or client token must reach its own
///   ApplicationInformation and Authorizations whatever its scope.
///
/// ```
/// use espi_auth::Serves;
/// use espi_auth::{Catalogue, Scope};
///
/// let summaries = Scope::parse("FB=1_3_15")?.scope;
/// assert!(summaries.grants(Serves::UsageSummaries, Catalogue::Current));
/// assert!(!summaries.grants(Serves::IntervalReadings, Catalogue::Current));
/// let services_only = Scope::parse("FB=1_3_13_31_37_39")?.scope;
/// assert!(!services_only.grants(Serves::Usage, Catalogue::Current));
/// assert!(services_only.grants(Serves::Administration, Catalogue::Current));
/// # Ok::<(), espi_auth::ScopeError>(())
/// ```
pub static DATA_KINDS: &[DataKindRow] = &[
    kind(
        4,
        BOTH,
        DataKind::IntervalReadings,
        INTERVALS,
        "FB_04 in both lists and its GBA data rules; the MeterReading, IntervalBlock, ReadingType endpoints",
    ),
    kind(
        5,
        BOTH,
        DataKind::ElectricityInterval,
        INTERVALS,
        "FB_05 in both lists",
    ),
    kind(
        6,
        BOTH,
        DataKind::ElectricityDemand,
        INTERVALS,
        "FB_06 in both lists; an electricity variant of FB_04 by its name",
    ),
    kind(
        7,
        BOTH,
        DataKind::NetMetering,
        INTERVALS,
        "FB_07 in both lists; an electricity variant of FB_04 by its name",
    ),
    kind(
        8,
        BOTH,
        DataKind::ForwardAndReverse,
        INTERVALS,
        "FB_08 in both lists; an electricity variant of FB_04 by its name",
    ),
    kind(
        9,
        BOTH,
        DataKind::RegisterValues,
        INTERVALS,
        "FB_09 in both lists; an electricity variant of FB_04 by its name",
    ),
    kind(
        10,
        BOTH,
        DataKind::GasInterval,
        INTERVALS,
        "FB_10 in both lists; GBA's FB_10 data rules",
    ),
    kind(
        11,
        BOTH,
        DataKind::WaterInterval,
        INTERVALS,
        "FB_11 in both lists",
    ),
    kind(
        12,
        BOTH,
        DataKind::IntervalCost,
        INTERVALS,
        "FB_12 in both lists; cost added to FB_04 data",
    ),
    kind(
        15,
        BOTH,
        DataKind::UsageSummary,
        SUMMARIES,
        "FB_15 in both lists; GBA's FB_15 data rules (UsageSummary); the UsageSummary endpoints",
    ),
    kind(
        16,
        BOTH,
        DataKind::UsageSummaryWithCost,
        SUMMARIES,
        "FB_16 in both lists; extends FB_15 by its name",
    ),
    kind(
        17,
        BOTH,
        DataKind::PowerQualitySummary,
        QUALITY,
        "FB_17 in both lists; the ElectricPowerQualitySummary endpoints",
    ),
    kind(
        27,
        BOTH,
        DataKind::UsageSummaryWithDemands,
        SUMMARIES,
        "FB_27 in both lists; extends FB_15 by its name",
    ),
    kind(
        28,
        BOTH,
        DataKind::CurrentBillingPeriodCost,
        SUMMARIES,
        "FB_28 in both lists; extends FB_15 by its name",
    ),
    kind(
        29,
        BOTH,
        DataKind::TemperatureInterval,
        INTERVALS,
        "FB_29 in both lists",
    ),
    kind(
        46,
        LEGACY,
        DataKind::RetailCustomer,
        CUSTOMER,
        "legacy FB_46 Core RetailCustomer; the Batch/RetailCustomer endpoints",
    ),
    kind(
        47,
        LEGACY,
        DataKind::RetailCustomerBulk,
        CUSTOMER_BULK,
        "legacy FB_47; the BulkRetailCustomerInfo endpoints",
    ),
    kind(
        48,
        LEGACY,
        DataKind::RetailCustomerBulk,
        CUSTOMER_BULK,
        "legacy FB_48 (SFTP)",
    ),
    kind(
        50,
        LEGACY,
        DataKind::RetailCustomer,
        CUSTOMER,
        "legacy FB_50; the RetailCustomer hierarchy",
    ),
    kind(
        51,
        CURRENT,
        DataKind::RetailCustomer,
        CUSTOMER,
        "current FB_51 Retail Customer Common",
    ),
    kind(
        53,
        CURRENT,
        DataKind::RetailCustomer,
        CUSTOMER,
        "current FB_53 RC Connect My Data",
    ),
    kind(
        54,
        CURRENT,
        DataKind::CustomerBasic,
        CUSTOMER,
        "current FB_54; the Customer endpoints",
    ),
    kind(
        55,
        CURRENT,
        DataKind::CustomerDemographic,
        CUSTOMER,
        "current FB_55; the Customer endpoints",
    ),
    kind(
        56,
        CURRENT,
        DataKind::CustomerBilling,
        CUSTOMER,
        "current FB_56; the CustomerAccount endpoints",
    ),
    kind(
        57,
        CURRENT,
        DataKind::AccountAgreement,
        CUSTOMER,
        "current FB_57; the CustomerAccount, CustomerAgreement endpoints",
    ),
    kind(
        58,
        CURRENT,
        DataKind::ServiceLocation,
        CUSTOMER,
        "current FB_58; the ServiceLocation endpoints",
    ),
    kind(
        59,
        CURRENT,
        DataKind::ServiceSupplier,
        CUSTOMER,
        "current FB_59; the ServiceSupplier endpoints",
    ),
    kind(
        60,
        CURRENT,
        DataKind::MeterInformation,
        CUSTOMER,
        "current FB_60; the Meter endpoints",
    ),
    kind(
        61,
        CURRENT,
        DataKind::EndDeviceInformation,
        CUSTOMER,
        "current FB_61; the EndDevice endpoints",
    ),
    kind(
        62,
        CURRENT,
        DataKind::ProgramDateIdMappings,
        CUSTOMER,
        "current FB_62; the ProgramDateIdMappings endpoints",
    ),
    kind(
        66,
        CURRENT,
        DataKind::RetailCustomerBulk,
        CUSTOMER_BULK,
        "current FB_66 (SFTP)",
    ),
    kind(
        67,
        CURRENT,
        DataKind::RetailCustomerBulk,
        CUSTOMER_BULK,
        "current FB_67; the BulkRetailCustomerInfo endpoints",
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

impl Scope {
    /// Whether the scope's Function Blocks, read in `catalogue`, grant what `serves`
    /// names ([`Serves::Administration`] is granted by every scope).
    pub fn grants(&self, serves: Serves, catalogue: Catalogue) -> bool {
        serves == Serves::Administration
            || self.function_blocks.iter().any(|&number| {
                data_kind_rows(number, catalogue).any(|row| row.serves.contains(&serves))
            })
    }

    /// Whether the scope lets a Third Party's token reach `endpoint`: it grants what the
    /// row serves and, for a bulk row (`{bulkId}`), names a bulk (`BR`). Which bulk, and
    /// whether the token may reach the row at all, is for the request to say
    /// ([`crate::decision::decide`]).
    ///
    /// ```
    /// use espi_auth::{Catalogue, Endpoint, Scope};
    ///
    /// let bulk = Endpoint::with_path("Batch/Bulk/{bulkId}").unwrap();
    /// let with_br = Scope::parse("FB=4_5_35;BR=1")?.scope;
    /// assert!(with_br.reaches(bulk, Catalogue::Current));
    /// assert!(!Scope::parse("FB=4_5_35")?.scope.reaches(bulk, Catalogue::Current));
    /// # Ok::<(), espi_auth::ScopeError>(())
    /// ```
    pub fn reaches(&self, endpoint: &Endpoint, catalogue: Catalogue) -> bool {
        self.grants(endpoint.serves, catalogue)
            && (self.bulk_id.is_some() || !endpoint.placeholders().any(|name| name == "bulkId"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::ENDPOINTS;
    use crate::function_block::BlockGroup;

    #[test]
    fn data_table_agrees_with_the_catalogues() {
        for row in DATA_KINDS {
            for &catalogue in row.catalogues {
                let info = catalogue
                    .lookup(row.number)
                    .expect("the catalogue names the block");
                assert_eq!(
                    info.group == BlockGroup::RetailCustomer,
                    row.kind.is_customer_data(),
                    "FB_{} in {catalogue}",
                    row.number
                );
            }
            for serves in row.serves {
                assert!(
                    ENDPOINTS.iter().any(|endpoint| endpoint.serves == *serves),
                    "{serves:?} is the column of no endpoint"
                );
                assert_eq!(
                    serves.is_customer_data(),
                    row.kind.is_customer_data(),
                    "FB_{} {serves:?}",
                    row.number
                );
            }
            assert!(!row.serves.is_empty() && !row.source.is_empty());
        }
    }

    #[test]
    fn every_served_kind_is_granted_by_some_block_or_by_every_scope() {
        for serves in Serves::ALL {
            let granted = DATA_KINDS.iter().any(|row| row.serves.contains(&serves));
            assert_eq!(granted, serves != Serves::Administration, "{serves:?}");
            assert!(
                ENDPOINTS.iter().any(|endpoint| endpoint.serves == serves),
                "{serves:?}"
            );
        }
        assert!(Scope::default().grants(Serves::Administration, Catalogue::Current));
        assert!(!Scope::default().grants(Serves::Usage, Catalogue::Current));
    }

    #[test]
    fn what_each_kind_of_scope_grants() {
        let grants = |text: &str, catalogue| -> Vec<Serves> {
            let scope = Scope::parse_strict(text).expect("a scope");
            Serves::ALL
                .into_iter()
                .filter(|serves| scope.grants(*serves, catalogue))
                .collect()
        };
        use Serves::*;
        let current = Catalogue::Current;
        assert_eq!(grants("", current), [Administration]);
        assert_eq!(grants("FB=1_3_13_31_37_39", current), [Administration]);
        assert_eq!(
            grants("FB=4_5", current),
            [Usage, IntervalReadings, UsageContext, Administration]
        );
        assert_eq!(
            grants("FB=15", current),
            [Usage, UsageSummaries, UsageContext, Administration]
        );
        assert_eq!(
            grants("FB=17", current),
            [Usage, PowerQualitySummaries, UsageContext, Administration]
        );
        assert_eq!(grants("FB=51_53", current), [CustomerData, Administration]);
        // The minimal retail-customer set's other blocks are services: no data.
        assert_eq!(grants("FB=64_65_69", current), [Administration]);
        assert_eq!(grants("FB=67", current), [CustomerBulk, Administration]);
        // FB_46 is a customer block only in the legacy numbering.
        assert_eq!(grants("FB=46", current), [Administration]);
        assert_eq!(
            grants("FB=46", Catalogue::Legacy),
            [CustomerData, Administration]
        );
    }
}
