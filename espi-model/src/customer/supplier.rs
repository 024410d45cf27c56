//! The service supplier: the organisation that provides services to customers
//! (customer.xsd `ServiceSupplier`).

use super::code_list::SupplierKind;
use super::common::Organisation;
use crate::identified_object::BatchItemInfo;
use crate::raw::RawList;

crate::espi_element! {
    /// An organisation that provides services to customers: the utility, a
    /// retailer… (customer.xsd `ServiceSupplier`, extends `OrganisationRole`).
    pub struct ServiceSupplier: "ServiceSupplier" {
        /// Extensions (xs:anyType), kept as raw XML.
        pub extension: RawList = "extension",
        /// Batch processing information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Identifier of the object instance (deprecated by the schema; at most 64 characters).
        pub name: Option<String> = "name" (MaxLength(64)),
        /// The supplier organisation.
        pub organisation: Option<Organisation> = "Organisation",
        /// Kind of supplier.
        pub kind: Option<SupplierKind> = "kind",
        /// Issuer identification number (ISO/IEC 7812 transaction reference prefix).
        pub issuer_identification_number: Option<String> = "issuerIdentificationNumber" (MaxLength(256)),
        /// When the service was activated (epoch seconds).
        pub effective_date: Option<i64> = "effectiveDate",
    }
}
