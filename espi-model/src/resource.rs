//! The resources an Atom entry's content can hold.

use crate::interval_block::IntervalBlock;
use crate::local_time_parameters::LocalTimeParameters;
use crate::meter_reading::MeterReading;
use crate::quality_summary::ElectricPowerQualitySummary;
use crate::raw::RawElement;
use crate::reading_type::ReadingType;
use crate::usage_point::UsagePoint;
use crate::usage_summary::{ElectricPowerUsageSummary, UsageSummary};
use serde::{Deserialize, Serialize};

/// The ESPI namespace (`espi.xsd`).
pub const ESPI_NS: &str = "http://naesb.org/espi";
/// The ESPI customer (PII) namespace (`customer.xsd`).
pub const CUSTOMER_NS: &str = "http://naesb.org/espi/customer";
/// The Atom namespace.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// One resource inside `atom:content`, or a bare document root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Resource {
    /// A UsagePoint.
    UsagePoint(UsagePoint),
    /// A MeterReading.
    MeterReading(MeterReading),
    /// A ReadingType.
    ReadingType(ReadingType),
    /// An IntervalBlock.
    IntervalBlock(IntervalBlock),
    /// A UsageSummary.
    UsageSummary(UsageSummary),
    /// A deprecated ElectricPowerUsageSummary.
    ElectricPowerUsageSummary(ElectricPowerUsageSummary),
    /// An ElectricPowerQualitySummary.
    ElectricPowerQualitySummary(ElectricPowerQualitySummary),
    /// LocalTimeParameters.
    LocalTimeParameters(LocalTimeParameters),
    /// An element the model has no type for, kept as raw XML and written back unchanged.
    Unknown(RawElement),
}

/// The type of a resource, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ResourceKind {
    /// UsagePoint.
    UsagePoint,
    /// MeterReading.
    MeterReading,
    /// ReadingType.
    ReadingType,
    /// IntervalBlock.
    IntervalBlock,
    /// UsageSummary.
    UsageSummary,
    /// ElectricPowerUsageSummary.
    ElectricPowerUsageSummary,
    /// ElectricPowerQualitySummary.
    ElectricPowerQualitySummary,
    /// LocalTimeParameters.
    LocalTimeParameters,
    /// Anything else.
    Unknown,
}

impl ResourceKind {
    /// The kinds the model types, with their element names in the ESPI namespace.
    pub const KNOWN: [(ResourceKind, &'static str); 8] = [
        (ResourceKind::UsagePoint, "UsagePoint"),
        (ResourceKind::MeterReading, "MeterReading"),
        (ResourceKind::ReadingType, "ReadingType"),
        (ResourceKind::IntervalBlock, "IntervalBlock"),
        (ResourceKind::UsageSummary, "UsageSummary"),
        (
            ResourceKind::ElectricPowerUsageSummary,
            "ElectricPowerUsageSummary",
        ),
        (
            ResourceKind::ElectricPowerQualitySummary,
            "ElectricPowerQualitySummary",
        ),
        (ResourceKind::LocalTimeParameters, "LocalTimeParameters"),
    ];

    /// The kind of an element in the ESPI namespace with this local name.
    pub fn from_espi_name(local: &str) -> ResourceKind {
        Self::KNOWN
            .iter()
            .find(|(_, name)| *name == local)
            .map_or(ResourceKind::Unknown, |(kind, _)| *kind)
    }

    /// The element's local name (`None` for `Unknown`).
    pub fn element_name(self) -> Option<&'static str> {
        Self::KNOWN
            .iter()
            .find(|(kind, _)| *kind == self)
            .map(|(_, name)| *name)
    }
}

impl Resource {
    /// The resource's kind.
    pub fn kind(&self) -> ResourceKind {
        match self {
            Resource::UsagePoint(_) => ResourceKind::UsagePoint,
            Resource::MeterReading(_) => ResourceKind::MeterReading,
            Resource::ReadingType(_) => ResourceKind::ReadingType,
            Resource::IntervalBlock(_) => ResourceKind::IntervalBlock,
            Resource::UsageSummary(_) => ResourceKind::UsageSummary,
            Resource::ElectricPowerUsageSummary(_) => ResourceKind::ElectricPowerUsageSummary,
            Resource::ElectricPowerQualitySummary(_) => ResourceKind::ElectricPowerQualitySummary,
            Resource::LocalTimeParameters(_) => ResourceKind::LocalTimeParameters,
            Resource::Unknown(_) => ResourceKind::Unknown,
        }
    }

    /// The element's namespace URI and local name, e.g. (`http://naesb.org/espi`, `UsagePoint`).
    pub fn element_name(&self) -> (Option<&str>, &str) {
        match self {
            Resource::Unknown(raw) => (raw.name.namespace.as_deref(), raw.name.local.as_str()),
            known => (
                Some(ESPI_NS),
                known.kind().element_name().unwrap_or_default(),
            ),
        }
    }
}
