//! Demand Response program dates and the codes a Data Custodian uses for them
//! (customer.xsd `ProgramDateIdMappings`, `ProgramDateIdMapping`, `ProgramDate`).

use super::code_list::ProgramDateKind;

crate::schema::espi_element! {
    /// A Demand Response program enrollment or termination date (customer.xsd
    /// `ProgramDate`). It does not extend `Object`: it has no `extension`.
    pub struct ProgramDate: "ProgramDate" {
        /// The date (epoch seconds).
        pub program_date: Option<i64> = "programDate",
        /// What the date is: enrollment, termination…
        pub program_date_description: Option<String> = "programDateDescription",
    }
}

crate::schema::espi_element! {
    /// One program date code and what it means (customer.xsd
    /// `ProgramDateIdMapping`, extends `Object`).
    pub struct ProgramDateIdMapping: "ProgramDateIdMapping" extends Object {
        /// Type of program date (a union with String64: at most 64 characters).
        pub program_date_type: Option<ProgramDateKind> = "programDateType" required (MaxLength(64)),
        /// The code (may be alphanumeric; at most 64 characters).
        pub code: Option<String> = "code" required (MaxLength(64)),
        /// Name associated with the code.
        pub name: Option<String> = "name" required (MaxLength(256)),
        /// Description of the code.
        pub note: Option<String> = "note" (MaxLength(256)),
    }
}

crate::schema::espi_element! {
    /// The customer's energy efficiency program date codes (customer.xsd
    /// `ProgramDateIdMappings`, extends `IdentifiedObject`).
    ///
    /// Despite the plural name, the schema allows at most one
    /// `programDateIdMapping` (minOccurs 0, maxOccurs 1), unlike espi.xsd's
    /// `ProgramIdMappings`, which repeats its mapping.
    pub struct ProgramDateIdMappings: "ProgramDateIdMappings" extends IdentifiedObject {
        /// The mapping.
        pub program_date_id_mapping: Option<ProgramDateIdMapping> = "programDateIdMapping",
    }
}
