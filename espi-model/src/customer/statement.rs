//! Billing statements and the documents they refer to (customer.xsd `Statement`,
//! `StatementRef`).

use super::code_list::MediaType;

crate::schema::espi_element! {
    /// A reference to a document of a statement, e.g. a bill image (customer.xsd
    /// `StatementRef`, extends `Object`).
    pub struct StatementRef: "StatementRef" extends Object {
        /// File name, with its extension if any (at most 512 characters).
        pub file_name: Option<String> = "fileName" (MaxLength(512)),
        /// IANA media type of the document.
        pub media_type: Option<MediaType> = "mediaType",
        /// URL of a representation of the statement (xs:anyURI).
        pub statement_url: Option<String> = "statementURL" required,
    }
}

crate::schema::espi_element! {
    /// A billing statement for provided services (customer.xsd `Statement`,
    /// extends `IdentifiedObject`).
    pub struct Statement: "Statement" extends IdentifiedObject {
        /// When the statement was issued (epoch seconds).
        pub issue_date_time: Option<i64> = "issueDateTime",
        /// The documents of the statement.
        pub statement_ref: Vec<StatementRef> = "statementRef",
    }
}
