//! The service supplier: the organisation that provides services to customers
//! (customer.xsd `ServiceSupplier`).

use super::code_list::SupplierKind;

crate::schema::espi_element! {
    /// An organisation that provides services to customers: the utility, a
    /// retailer… (customer.xsd `ServiceSupplier`, extends `OrganisationRole`).
    pub struct ServiceSupplier: "ServiceSupplier" extends OrganisationRole {
        /// Kind of supplier.
        pub kind: Option<SupplierKind> = "kind",
        /// Issuer identification number (ISO/IEC 7812 transaction reference prefix).
        pub issuer_identification_number: Option<String> = "issuerIdentificationNumber" (MaxLength(256)),
        /// When the service was activated (epoch seconds).
        pub effective_date: Option<i64> = "effectiveDate",
    }
}
