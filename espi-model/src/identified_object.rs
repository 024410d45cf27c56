//! Parts every ESPI resource inherits from `Object` and `IdentifiedObject`.

use crate::code_list::{CRUDOperation, StatusCode};
use crate::hex::HexBinary;

crate::schema::espi_element! {
    /// Batch processing information of an IdentifiedObject (espi.xsd `BatchItemInfo`).
    pub struct BatchItemInfo: "BatchItemInfo" {
        /// Objects `extension` children (xs:anyType), kept as raw XML.
        pub extension: crate::raw::RawList = "extension",
        /// Identifier of the batch item (HexBinary16).
        pub name: Option<HexBinary> = "name" (MaxOctets(2)),
        /// The CRUD operation the item asks for.
        pub operation: Option<CRUDOperation> = "operation",
        /// Result status of the operation.
        pub status_code: Option<StatusCode> = "statusCode",
        /// Explanation of the status.
        pub status_reason: Option<String> = "statusReason" (MaxLength(256)),
    }
}
