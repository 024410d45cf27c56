//! The customer: an organisation in the role of receiving services
//! (customer.xsd `Customer`, with its base `OrganisationRole`).

use super::code_list::CustomerKind;
use super::common::{Priority, Status};

crate::schema::espi_base! {
    /// A way in which an organisation takes part in the utility enterprise
    /// (customer.xsd `OrganisationRole`, extends `IdentifiedObject`); the base of
    /// [`Customer`] and [`ServiceSupplier`](super::ServiceSupplier).
    pub struct OrganisationRole: "OrganisationRole" extends IdentifiedObject {
        /// The organisation having this role.
        pub organisation: Option<crate::customer::Organisation> = "Organisation",
    }
}

crate::schema::espi_element! {
    /// An organisation receiving services from a service supplier (customer.xsd
    /// `Customer`, extends `OrganisationRole`): the root of a retail customer's data.
    ///
    /// ```
    /// use espi_model::customer::{Customer, CustomerKind};
    /// use espi_model::schema::Element;
    ///
    /// let customer = Customer {
    ///     kind: Some(CustomerKind::Residential),
    ///     customer_name: Some("JOHN DOE".to_owned()),
    ///     ..Customer::default()
    /// };
    /// assert!(customer.missing_required().is_empty());
    /// assert_eq!(Customer::FIELDS[..4], ["extension", "batchItemInfo", "name", "Organisation"]);
    /// ```
    pub struct Customer: "Customer" extends OrganisationRole {
        /// Kind of customer.
        pub kind: Option<CustomerKind> = "kind",
        /// Special service needs, such as life support.
        pub special_need: Option<String> = "specialNeed" (MaxLength(256)),
        /// Whether this is an important customer (the schema prefers `priority`).
        pub vip: Option<bool> = "vip",
        /// Public utilities commission (PUC) identification number.
        pub puc_number: Option<String> = "pucNumber" (MaxLength(256)),
        /// Status of the customer.
        pub status: Option<Status> = "status",
        /// Priority of the customer.
        pub priority: Option<Priority> = "priority",
        /// Locale of the language to use with the customer.
        pub locale: Option<String> = "locale" (MaxLength(256)),
        /// The customer's name.
        pub customer_name: Option<String> = "customerName" (MaxLength(256)),
    }
}
