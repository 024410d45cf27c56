//! Retail customer (PII) data of customer.xsd (namespace `http://naesb.org/espi/customer`, v4.0).
//!
//! customer.xsd holds what ESPI keeps apart from usage data because it identifies a
//! person: the customer, accounts, agreements, service locations, suppliers,
//! meters and statements. Every complex type of the schema is declared here once,
//! like the espi.xsd types, and states its `xs:extension` (`extends Document`): the
//! base's elements are written once, with the base, and become fields of every type
//! that extends it, ahead of its own, in schema order. So [`Customer`] starts with
//! `extension` (from [`Object`]), `batchItemInfo` and `name` (from
//! [`IdentifiedObject`]) and `Organisation` (from [`OrganisationRole`]), and
//! `meter.serial_number` is a field of [`Meter`] although [`Asset`] declares it. The
//! chains: `IdentifiedObject` → [`Document`] → [`CustomerAccount`], and → [`Agreement`]
//! → [`CustomerAgreement`]; → [`Asset`] → [`AssetContainer`] → [`EndDevice`] →
//! [`Meter`]; → [`Location`] → [`WorkLocation`] → [`ServiceLocation`]; →
//! [`OrganisationRole`] → [`Customer`], [`ServiceSupplier`]; the other types extend
//! `IdentifiedObject` or `Object` directly.
//!
//! The nine resources that travel in `atom:content` are re-exported here:
//! [`Customer`], [`CustomerAccount`], [`CustomerAgreement`], [`ServiceLocation`],
//! [`ServiceSupplier`], [`Meter`], [`EndDevice`], [`ProgramDateIdMappings`] and
//! [`Statement`].
//!
//! # Shared with espi.xsd
//!
//! The XML codec reads the children of a resource in the namespace of the resource
//! element, so one Rust type serves both schemas when their definitions are the
//! same. customer.xsd's `BatchItemInfo`, `SummaryMeasurement` and `BatchListType`
//! are identical to espi.xsd's and are the espi types
//! ([`BatchItemInfo`](crate::identified_object::BatchItemInfo),
//! [`SummaryMeasurement`](crate::usage_summary::SummaryMeasurement),
//! [`BatchList`](crate::batch_list::BatchList)); so are the code lists `CRUDOperation`,
//! `Currency`, `StatusCode`, `UnitMultiplierKind` and `UnitSymbolKind` (same codes).
//! Three definitions differ and have their own type here:
//!
//! * [`IdentifiedObject`] adds a deprecated `name` after `batchItemInfo`, so every
//!   resource here has it, and [`TimeConfiguration`] is not espi.xsd's
//!   [`LocalTimeParameters`](crate::local_time_parameters::LocalTimeParameters);
//! * [`DateTimeInterval`] makes `duration` and `start` optional;
//! * customer.xsd adds string code lists ([`CustomerKind`], [`MediaType`] and the
//!   others re-exported here), an open form of [`EnrollmentStatus`] and a textual
//!   [`ServiceKind`].
//!
//! # Simple types
//!
//! | customer.xsd | Rust | facet |
//! |---|---|---|
//! | `TimeType` (epoch seconds) | `i64` | |
//! | `Int48` | `i64` | `Int48` |
//! | `UInt48` (unused) | `u64` | `Range(0, 281474976710655)` |
//! | `UInt32`, `UInt16`, `UInt8` (unused), `Int16` | `u32`, `u16`, `u8`, `i16` | |
//! | `PerCent` (an `xs:integer`) | `i64` | `Range(0, 100)` |
//! | `xs:integer` | `i64` (like espi.xsd's `RationalNumber`) | |
//! | `xs:float` | `f32` (`INF`, `-INF`, `NaN` included) | |
//! | `xs:boolean` | `bool` | |
//! | `String32` … `String512`, `name` (`String64`) | `String` | `MaxLength(n)` |
//! | `xs:string`, `xs:anyURI`, `UUIDType` (unused) | `String` | |
//! | `HexBinary8` … `HexBinary128` (unused) | [`HexBinary`](crate::hex::HexBinary) | `MaxOctets(n)` |
//! | `DstRuleType` | [`DstRule`](crate::dst::DstRule) | |
//! | `PricingStructure`, `UsagePoint` (simple content, `xs:anyURI`) | [`PricingStructure`], [`UsagePoint`] (`String`) | |
//!
//! Elements named `type` are the Rust fields `kind`.

// The bases other modules extend come first: `extends Base` reaches the rows of a
// base through a macro that is in scope after the module declaring it.
#[macro_use]
mod common;
#[macro_use]
mod document;
#[macro_use]
mod party;

mod account;
mod agreement;
mod code_list;
mod device;
mod location;
mod program;
mod statement;
mod supplier;
mod time_configuration;

pub use account::{AccountNotification, CustomerAccount};
pub use agreement::{Agreement, CustomerAgreement, DemandResponseProgram, PricingStructure};
pub use code_list::{
    CustomerKind, EnrollmentStatus, MediaType, MeterMultiplierKind, NotificationMethodKind,
    ProgramDateKind, RevenueKind, ServiceKind, SupplierKind,
};
pub use common::{
    DateTimeInterval, ElectronicAddress, IdentifiedObject, Object, Organisation, Priority, Status,
    StreetAddress, StreetDetail, TelephoneNumber, TownDetail,
};
pub use device::{
    AcceptanceTest, Asset, AssetContainer, EndDevice, LifecycleDate, Meter, MeterMultiplier,
};
pub use document::Document;
pub use location::{
    Location, PositionPoint, ServiceLocation, UsagePoint, UsagePoints, WorkLocation,
};
pub use party::{Customer, OrganisationRole};
pub use program::{ProgramDate, ProgramDateIdMapping, ProgramDateIdMappings};
pub use statement::{Statement, StatementRef};
pub use supplier::ServiceSupplier;
pub use time_configuration::TimeConfiguration;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Element;

    /// `extends` puts the base's elements, in the base's order, ahead of the type's
    /// own (`tests/schema_tables.rs` checks every type against the XSD itself).
    #[test]
    fn every_type_starts_with_the_elements_of_its_base() {
        fn leads<Base: Element, Derived: Element>() {
            assert!(
                Derived::FIELDS.starts_with(Base::FIELDS),
                "{} does not start with the elements of {}",
                Derived::TYPE_NAME,
                Base::TYPE_NAME
            );
            assert!(
                Base::REQUIRED
                    .iter()
                    .all(|name| Derived::REQUIRED.contains(name)),
                "{} lost a required element of {}",
                Derived::TYPE_NAME,
                Base::TYPE_NAME
            );
        }
        leads::<Object, IdentifiedObject>();
        leads::<Object, Status>();
        leads::<IdentifiedObject, Document>();
        leads::<Document, CustomerAccount>();
        leads::<Document, Agreement>();
        leads::<Agreement, CustomerAgreement>();
        leads::<IdentifiedObject, Asset>();
        leads::<Asset, AssetContainer>();
        leads::<AssetContainer, EndDevice>();
        leads::<EndDevice, Meter>();
        leads::<IdentifiedObject, Location>();
        leads::<Location, WorkLocation>();
        leads::<WorkLocation, ServiceLocation>();
        leads::<IdentifiedObject, OrganisationRole>();
        leads::<OrganisationRole, Customer>();
        leads::<OrganisationRole, ServiceSupplier>();
        leads::<IdentifiedObject, Statement>();
        assert_eq!(AssetContainer::FIELDS, Asset::FIELDS);
        assert_eq!(WorkLocation::FIELDS, Location::FIELDS);
    }
}
