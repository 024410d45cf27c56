//! ProgramIdMappings: the utility's codes for time-of-use, critical peak and
//! consumption tier programs (espi.xsd `ProgramIdMappings`).

use crate::code_list::TouOrCppOrConsumptionTier;
use crate::identified_object::BatchItemInfo;
use crate::raw::RawList;

crate::schema::espi_element! {
    /// One program code and what it means (the anonymous type of espi.xsd
    /// `ProgramIdMappings/programIdMapping`). `code`, `name` and `note` are untyped in
    /// the schema; they are kept as text.
    pub struct ProgramIdMapping: "programIdMapping" {
        /// Time of use, critical peak pricing or consumption tier.
        pub tou_or_cpp_or_consumption_tier: Option<TouOrCppOrConsumptionTier> = "tOUorCPPorConsumptionTier" required,
        /// The code used in the data (e.g. an IntervalReading's `tou`).
        pub code: Option<String> = "code" required,
        /// The program's name.
        pub name: Option<String> = "name" required,
        /// A note.
        pub note: Option<String> = "note",
    }
}

crate::schema::espi_element! {
    /// The program codes of a Data Custodian (espi.xsd `ProgramIdMappings`).
    pub struct ProgramIdMappings: "ProgramIdMappings" {
        /// Object extensions.
        pub extension: RawList = "extension",
        /// Batch item information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// The mappings (at least one).
        pub program_id_mapping: Vec<ProgramIdMapping> = "programIdMapping" required,
    }
}
