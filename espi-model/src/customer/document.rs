//! The `Document` base of customer accounts and agreements (customer.xsd
//! `Document`).

crate::schema::espi_base! {
    /// Information collected and managed as part of a business process
    /// (customer.xsd `Document`, extends `IdentifiedObject`); the base of
    /// [`CustomerAccount`](super::CustomerAccount) and [`Agreement`](super::Agreement).
    pub struct Document: "Document" extends IdentifiedObject {
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
        pub electronic_address: Option<crate::customer::ElectronicAddress> = "electronicAddress",
        /// Subject.
        pub subject: Option<String> = "subject" (MaxLength(256)),
        /// Title.
        pub title: Option<String> = "title" (MaxLength(256)),
        /// Status of the document itself (draft, approved, cancelled…).
        pub doc_status: Option<crate::customer::Status> = "docStatus",
        /// Status of what the document represents (e.g. the agreement).
        pub status: Option<crate::customer::Status> = "status",
        /// Free-text comment.
        pub comment: Option<String> = "comment" (MaxLength(256)),
    }
}
