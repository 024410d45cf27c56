//! Billing statements and the `Document` base they share with accounts and
//! agreements (customer.xsd `Statement`, `StatementRef`, `Document`).

use super::code_list::MediaType;
use super::common::{ElectronicAddress, Status};
use crate::identified_object::BatchItemInfo;
use crate::raw::RawList;

crate::espi_element! {
    /// Information collected and managed as part of a business process
    /// (customer.xsd `Document`, extends `IdentifiedObject`); the base of
    /// [`CustomerAccount`](super::CustomerAccount) and [`Agreement`](super::Agreement).
    pub struct Document: "Document" {
        /// Extensions (xs:anyType), kept as raw XML.
        pub extension: RawList = "extension",
        /// Batch processing information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Identifier of the object instance (deprecated by the schema; at most 64 characters).
        pub name: Option<String> = "name" (MaxLength(64)),
        /// Utility-specific classification of the document (element `type`).
        pub kind: Option<String> = "type" (MaxLength(256)),
        /// Name of the author.
        pub author_name: Option<String> = "authorName" (MaxLength(256)),
        /// When the document was created (epoch seconds).
        pub created_date_time: Option<i64> = "createdDateTime",
        /// When the document was last modified (epoch seconds).
        pub last_modified_date_time: Option<i64> = "lastModifiedDateTime",
        /// Revision number.
        pub revision_number: Option<String> = "revisionNumber" (MaxLength(256)),
        /// Electronic address.
        pub electronic_address: Option<ElectronicAddress> = "electronicAddress",
        /// Subject.
        pub subject: Option<String> = "subject" (MaxLength(256)),
        /// Title.
        pub title: Option<String> = "title" (MaxLength(256)),
        /// Status of the document itself (draft, approved, cancelled…).
        pub doc_status: Option<Status> = "docStatus",
        /// Status of what the document represents (e.g. the agreement).
        pub status: Option<Status> = "status",
        /// Free-text comment.
        pub comment: Option<String> = "comment" (MaxLength(256)),
    }
}

crate::espi_element! {
    /// A reference to a document of a statement, e.g. a bill image (customer.xsd
    /// `StatementRef`, extends `Object`).
    pub struct StatementRef: "StatementRef" {
        /// Extensions (xs:anyType), kept as raw XML.
        pub extension: RawList = "extension",
        /// File name, with its extension if any (at most 512 characters).
        pub file_name: Option<String> = "fileName" (MaxLength(512)),
        /// IANA media type of the document.
        pub media_type: Option<MediaType> = "mediaType",
        /// URL of a representation of the statement (xs:anyURI).
        pub statement_url: Option<String> = "statementURL" required,
    }
}

crate::espi_element! {
    /// A billing statement for provided services (customer.xsd `Statement`,
    /// extends `IdentifiedObject`).
    pub struct Statement: "Statement" {
        /// Extensions (xs:anyType), kept as raw XML.
        pub extension: RawList = "extension",
        /// Batch processing information.
        pub batch_item_info: Option<BatchItemInfo> = "batchItemInfo",
        /// Identifier of the object instance (deprecated by the schema; at most 64 characters).
        pub name: Option<String> = "name" (MaxLength(64)),
        /// When the statement was issued (epoch seconds).
        pub issue_date_time: Option<i64> = "issueDateTime",
        /// The documents of the statement.
        pub statement_ref: Vec<StatementRef> = "statementRef",
    }
}
