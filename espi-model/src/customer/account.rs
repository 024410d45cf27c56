//! The customer account, used for billing and payment, and its notifications
//! (customer.xsd `CustomerAccount`, `AccountNotification`).

use super::code_list::NotificationMethodKind;
use super::common::{ElectronicAddress, Organisation, Status};
use crate::identified_object::BatchItemInfo;
use crate::raw::RawList;

crate::espi_element! {
    /// A notification sent to the customer about the account: delinquency, move
    /// in, move out… (customer.xsd `AccountNotification`, extends `Object`). All four
    /// elements are required by the schema.
    pub struct AccountNotification: "AccountNotification" {
        /// Extensions (xs:anyType), kept as raw XML.
        pub extension: RawList = "extension",
        /// How the customer was notified.
        pub method_kind: Option<NotificationMethodKind> = "methodKind" required,
        /// When the customer was notified (epoch seconds).
        pub time: Option<i64> = "time" required,
        /// Reason for the notification.
        pub note: Option<String> = "note" required (MaxLength(256)),
        /// Kind of notification: delinquency, move in, move out…
        pub customer_notification_kind: Option<String> = "customerNotificationKind" required (MaxLength(256)),
    }
}

crate::espi_element! {
    /// The group of products and services a customer buys under customer
    /// agreements, used for billing and payment (customer.xsd `CustomerAccount`,
    /// extends `Document`).
    pub struct CustomerAccount: "CustomerAccount" {
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
        /// Status of the document itself.
        pub doc_status: Option<Status> = "docStatus",
        /// Status of the account.
        pub status: Option<Status> = "status",
        /// Free-text comment.
        pub comment: Option<String> = "comment" (MaxLength(256)),
        /// Cycle day on which the account is normally billed.
        pub billing_cycle: Option<String> = "billingCycle" (MaxLength(256)),
        /// Budget bill code.
        pub budget_bill: Option<String> = "budgetBill" (MaxLength(256)),
        /// Last amount billed before the account is shut off (Int48; the schema
        /// gives no unit).
        pub last_bill_amount: Option<i64> = "lastBillAmount" (Int48),
        /// Notifications sent about the account.
        pub notifications: Vec<AccountNotification> = "notifications",
        /// Who is responsible for billing and payment.
        pub contact_info: Option<Organisation> = "contactInfo",
        /// Account identifier.
        pub account_id: Option<String> = "accountId" (MaxLength(256)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Element;

    #[test]
    fn notifications_require_all_four_elements() {
        assert_eq!(
            AccountNotification::default().missing_required(),
            ["methodKind", "time", "note", "customerNotificationKind"]
        );
        let notification = AccountNotification {
            method_kind: Some(NotificationMethodKind::Email),
            time: Some(1_700_000_000),
            note: Some("Payment overdue".to_owned()),
            customer_notification_kind: Some("delinquency".to_owned()),
            ..AccountNotification::default()
        };
        assert!(notification.missing_required().is_empty());
        assert!(CustomerAccount::default().missing_required().is_empty());
    }
}
