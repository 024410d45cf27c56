//! Agreements: the customer agreement to pay for service at a service location,
//! its `Agreement` base, its Demand Response programs and pricing structures
//! (customer.xsd `CustomerAgreement`, `Agreement`, `DemandResponseProgram`,
//! `PricingStructure`).

use super::code_list::EnrollmentStatus;
use super::common::Status;
use super::program::ProgramDate;
use crate::code_list::Currency;
use crate::usage_summary::SummaryMeasurement;

/// A reference to a pricing structure: the grouping of prices and eligibility
/// criteria behind a customer's charges (customer.xsd `PricingStructure`, a
/// complex type with simple content that extends `xs:anyURI` without attributes,
/// so its value is the URI text).
pub type PricingStructure = String;

crate::schema::espi_base! {
    /// A formal agreement between two parties on the terms of a set of services
    /// (customer.xsd `Agreement`, extends `Document`); the base of
    /// [`CustomerAgreement`].
    pub struct Agreement: "Agreement" extends Document {
        /// When the agreement was signed (epoch seconds).
        pub sign_date: Option<i64> = "signDate",
        /// When the agreement is in effect.
        pub validity_interval: Option<crate::customer::DateTimeInterval> = "validityInterval",
    }
}

crate::schema::espi_element! {
    /// A Demand Response program covered by a customer agreement (customer.xsd
    /// `DemandResponseProgram`). It does not extend `Object`: it has no `extension`.
    pub struct DemandResponseProgram: "DemandResponseProgram" {
        /// Name of the program.
        pub program_name: Option<String> = "programName" (MaxLength(256)),
        /// The customer's current enrollment status.
        pub enrollment_status: Option<EnrollmentStatus> = "enrollmentStatus",
        /// URI of the program's description (xs:anyURI).
        pub program_description: Option<String> = "programDescription",
        /// Enrollment and termination dates.
        pub program_date: Vec<ProgramDate> = "programDate",
        /// Capacity reservation level.
        pub capacity_reservation_level: Option<SummaryMeasurement> = "capacityReservationLevel",
        /// Demand Response nomination.
        pub dr_program_nomination: Option<SummaryMeasurement> = "DRProgramNomination",
    }
}

crate::schema::espi_element! {
    /// The agreement between the customer and the service supplier to pay for
    /// service at a service location (customer.xsd `CustomerAgreement`, extends
    /// `Agreement`).
    pub struct CustomerAgreement: "CustomerAgreement" extends Agreement {
        /// Load management code.
        pub load_mgmt: Option<String> = "loadMgmt" (MaxLength(256)),
        /// Whether the customer pays in advance for the service.
        pub is_pre_pay: Option<bool> = "isPrePay",
        /// Last time the service is billed to the previous customer (epoch seconds).
        pub shut_off_date_time: Option<i64> = "shutOffDateTime",
        /// Demand Response programs covered by the agreement.
        pub demand_response_program: Vec<DemandResponseProgram> = "DemandResponseProgram",
        /// Pricing structures that apply to the agreement (URIs).
        pub pricing_structures: Vec<PricingStructure> = "PricingStructures",
        /// Currency of every amount of the agreement.
        pub currency: Option<Currency> = "currency",
        /// Known future changes of the status of service.
        pub future_status: Vec<Status> = "futureStatus",
        /// Agreement identifier.
        pub agreement_id: Option<String> = "agreementId" (MaxLength(256)),
    }
}
