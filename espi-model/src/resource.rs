//! The resources an Atom entry's content can hold, or a document root can be.
//!
//! One table below lists every typed resource with its namespace and element name;
//! the enum [`Resource`], its [`ResourceKind`] and the two generic entry points the
//! codec uses ([`Resource::visit`] to write, [`ResourceKind::build`] to read) are
//! generated from it, so adding a resource is one row.

use crate::application_information::ApplicationInformation;
use crate::authorization::Authorization;
use crate::batch_list::BatchList;
use crate::customer;
use crate::interval_block::IntervalBlock;
use crate::local_time_parameters::LocalTimeParameters;
use crate::meter_reading::MeterReading;
use crate::program_id_mappings::ProgramIdMappings;
use crate::quality_summary::ElectricPowerQualitySummary;
use crate::raw::RawElement;
use crate::reading_type::ReadingType;
use crate::schema::Element;
use crate::service_status::ServiceStatus;
use crate::usage_point::UsagePoint;
use crate::usage_summary::{ElectricPowerUsageSummary, UsageSummary};

/// The ESPI namespace (`espi.xsd`).
pub const ESPI_NS: &str = "http://naesb.org/espi";
/// The ESPI customer (PII) namespace (`customer.xsd`).
pub const CUSTOMER_NS: &str = "http://naesb.org/espi/customer";
/// The Atom namespace.
pub const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The two ESPI schemas. Energy usage and administrative data (espi.xsd) and retail
/// customer data (customer.xsd) are served by different endpoints and never share a
/// document (GBA's OpenAPI description of the ESPI API: energy usage and customer data
/// cannot be fetched in one request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Namespace {
    /// `http://naesb.org/espi`: usage, admin and notification resources.
    Espi,
    /// `http://naesb.org/espi/customer`: retail customer (PII) resources.
    Customer,
}

impl Namespace {
    /// The namespace URI.
    pub const fn uri(self) -> &'static str {
        match self {
            Namespace::Espi => ESPI_NS,
            Namespace::Customer => CUSTOMER_NS,
        }
    }

    /// The conventional prefix, `espi` or `cust`.
    pub const fn prefix(self) -> &'static str {
        match self {
            Namespace::Espi => "espi",
            Namespace::Customer => "cust",
        }
    }

    /// The namespace with this URI.
    pub fn from_uri(uri: &str) -> Option<Namespace> {
        match uri {
            ESPI_NS => Some(Namespace::Espi),
            CUSTOMER_NS => Some(Namespace::Customer),
            _ => None,
        }
    }
}

/// Writes a typed resource: called with the resource's own type by [`Resource::visit`].
pub trait ResourceVisitor {
    /// What the visit returns.
    type Output;
    /// Visits a typed resource whose element is `name` in `namespace`.
    fn visit<T: Element>(self, namespace: Namespace, name: &'static str, value: &T)
    -> Self::Output;
}

/// Reads a typed resource: asked by [`ResourceKind::build`] for a value of the kind's type.
pub trait ResourceBuilder {
    /// The builder's error.
    type Error;
    /// Reads the resource element into a fresh `T`.
    fn build<T: Element>(&mut self) -> Result<T, Self::Error>;
}

/// The element type of a table row: the stored type, or the type after `as` when
/// the variant stores it boxed.
macro_rules! element_type {
    ($stored:ty) => {
        $stored
    };
    ($stored:ty, $element:ty) => {
        $element
    };
}

macro_rules! resources {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty $(as $element:ty)?) = $ns:ident, $name:literal; )+) => {
        /// One resource inside `atom:content`, or a bare document root.
        #[derive(Debug, Clone, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum Resource {
            $( $(#[$doc])* $variant($ty), )+
            /// An element the model has no type for, kept as raw XML and written back unchanged.
            Unknown(RawElement),
        }

        /// The type of a resource, without its data.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum ResourceKind {
            $( $(#[$doc])* $variant, )+
            /// Anything else.
            Unknown,
        }

        impl ResourceKind {
            /// Every typed kind with its namespace and element name.
            pub const KNOWN: &'static [(ResourceKind, Namespace, &'static str)] = &[
                $( (ResourceKind::$variant, Namespace::$ns, $name), )+
            ];

            /// Reads a resource of this kind through `builder`; `None` for `Unknown`.
            pub fn build<B: ResourceBuilder>(self, builder: &mut B) -> Result<Option<Resource>, B::Error> {
                Ok(Some(match self {
                    $( ResourceKind::$variant => Resource::$variant(
                        builder.build::<element_type!($ty $(, $element)?)>()?.into()
                    ), )+
                    ResourceKind::Unknown => return Ok(None),
                }))
            }
        }

        impl Resource {
            /// The resource's kind.
            pub fn kind(&self) -> ResourceKind {
                match self {
                    $( Resource::$variant(_) => ResourceKind::$variant, )+
                    Resource::Unknown(_) => ResourceKind::Unknown,
                }
            }

            /// Calls `visitor` with the typed value; `None` for an unknown (raw) resource.
            pub fn visit<V: ResourceVisitor>(&self, visitor: V) -> Option<V::Output> {
                match self {
                    $( Resource::$variant(value) => Some(visitor.visit::<element_type!($ty $(, $element)?)>(
                        Namespace::$ns,
                        $name,
                        std::borrow::Borrow::borrow(value),
                    )), )+
                    Resource::Unknown(_) => None,
                }
            }
        }
    };
}

// Customer resources are boxed: they are few per document and large (up to 3 KB),
// and unboxed they would double the size of every usage entry's resource.
resources! {
    /// A UsagePoint.
    UsagePoint(UsagePoint) = Espi, "UsagePoint";
    /// A MeterReading.
    MeterReading(MeterReading) = Espi, "MeterReading";
    /// A ReadingType.
    ReadingType(ReadingType) = Espi, "ReadingType";
    /// An IntervalBlock.
    IntervalBlock(IntervalBlock) = Espi, "IntervalBlock";
    /// A UsageSummary.
    UsageSummary(UsageSummary) = Espi, "UsageSummary";
    /// A deprecated ElectricPowerUsageSummary.
    ElectricPowerUsageSummary(ElectricPowerUsageSummary) = Espi, "ElectricPowerUsageSummary";
    /// An ElectricPowerQualitySummary.
    ElectricPowerQualitySummary(ElectricPowerQualitySummary) = Espi, "ElectricPowerQualitySummary";
    /// LocalTimeParameters.
    LocalTimeParameters(LocalTimeParameters) = Espi, "LocalTimeParameters";
    /// A Third Party's registration (ApplicationInformation).
    ApplicationInformation(ApplicationInformation) = Espi, "ApplicationInformation";
    /// An Authorization.
    Authorization(Authorization) = Espi, "Authorization";
    /// The Data Custodian's ServiceStatus.
    ServiceStatus(ServiceStatus) = Espi, "ServiceStatus";
    /// A BatchList notification.
    BatchList(BatchList) = Espi, "BatchList";
    /// ProgramIdMappings.
    ProgramIdMappings(ProgramIdMappings) = Espi, "ProgramIdMappings";
    /// A retail Customer (PII).
    Customer(Box<customer::Customer> as customer::Customer) = Customer, "Customer";
    /// A CustomerAccount (PII).
    CustomerAccount(Box<customer::CustomerAccount> as customer::CustomerAccount) = Customer, "CustomerAccount";
    /// A CustomerAgreement (PII).
    CustomerAgreement(Box<customer::CustomerAgreement> as customer::CustomerAgreement) = Customer, "CustomerAgreement";
    /// A ServiceLocation (PII).
    ServiceLocation(Box<customer::ServiceLocation> as customer::ServiceLocation) = Customer, "ServiceLocation";
    /// A ServiceSupplier.
    ServiceSupplier(Box<customer::ServiceSupplier> as customer::ServiceSupplier) = Customer, "ServiceSupplier";
    /// A Meter (PII).
    Meter(Box<customer::Meter> as customer::Meter) = Customer, "Meter";
    /// An EndDevice (PII).
    EndDevice(Box<customer::EndDevice> as customer::EndDevice) = Customer, "EndDevice";
    /// ProgramDateIdMappings of the customer schema.
    ProgramDateIdMappings(Box<customer::ProgramDateIdMappings> as customer::ProgramDateIdMappings) = Customer, "ProgramDateIdMappings";
    /// A billing Statement (PII).
    Statement(Box<customer::Statement> as customer::Statement) = Customer, "Statement";
    /// LocalTimeParameters in the customer namespace (customer.xsd `TimeConfiguration`).
    CustomerLocalTimeParameters(Box<customer::TimeConfiguration> as customer::TimeConfiguration) = Customer, "LocalTimeParameters";
    /// A BatchList in the customer namespace.
    CustomerBatchList(BatchList) = Customer, "BatchList";
}

impl ResourceKind {
    /// The kind of the element `local` in `namespace` (`Unknown` when untyped).
    pub fn from_name(namespace: Namespace, local: &str) -> ResourceKind {
        Self::KNOWN
            .iter()
            .find(|(_, ns, name)| *ns == namespace && *name == local)
            .map_or(ResourceKind::Unknown, |(kind, _, _)| *kind)
    }

    /// The kind of an element in the ESPI namespace with this local name.
    pub fn from_espi_name(local: &str) -> ResourceKind {
        Self::from_name(Namespace::Espi, local)
    }

    /// The element's namespace and local name (`None` for `Unknown`).
    pub fn qualified_name(self) -> Option<(Namespace, &'static str)> {
        Self::KNOWN
            .iter()
            .find(|(kind, _, _)| *kind == self)
            .map(|(_, namespace, name)| (*namespace, *name))
    }

    /// The element's local name (`None` for `Unknown`).
    pub fn element_name(self) -> Option<&'static str> {
        self.qualified_name().map(|(_, name)| name)
    }

    /// The element's namespace (`None` for `Unknown`).
    pub fn namespace(self) -> Option<Namespace> {
        self.qualified_name().map(|(namespace, _)| namespace)
    }
}

impl Resource {
    /// The element's namespace URI and local name, e.g. (`http://naesb.org/espi`, `UsagePoint`).
    pub fn element_name(&self) -> (Option<&str>, &str) {
        match self {
            Resource::Unknown(raw) => (raw.name.namespace.as_deref(), raw.name.local.as_str()),
            known => match known.kind().qualified_name() {
                Some((namespace, name)) => (Some(namespace.uri()), name),
                None => (None, ""),
            },
        }
    }

    /// The schema the resource belongs to (`None` for raw XML in another namespace).
    pub fn namespace(&self) -> Option<Namespace> {
        match self {
            Resource::Unknown(raw) => raw.name.namespace.as_deref().and_then(Namespace::from_uri),
            known => known.kind().namespace(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_name_and_back() {
        for (kind, namespace, name) in ResourceKind::KNOWN {
            assert_eq!(ResourceKind::from_name(*namespace, name), *kind);
            assert_eq!(kind.qualified_name(), Some((*namespace, *name)));
        }
        assert_eq!(
            ResourceKind::from_name(Namespace::Customer, "UsagePoint"),
            ResourceKind::Unknown
        );
        assert_eq!(ResourceKind::Unknown.element_name(), None);
    }
}
