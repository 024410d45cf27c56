//! The customer account, used for billing and payment, and its notifications
//! (customer.xsd `CustomerAccount`, `AccountNotification`).

use super::code_list::NotificationMethodKind;
use super::common::Organisation;

crate::schema::espi_element! {
    /// A notification sent to the customer about the account: delinquency, move
    /// in, move out… (customer.xsd `AccountNotification`, extends `Object`). All four
    /// elements are required by the schema.
    pub struct AccountNotification: "AccountNotification" extends Object {
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

crate::schema::espi_element! {
    /// The group of products and services a customer buys under customer
    /// agreements, used for billing and payment (customer.xsd `CustomerAccount`,
    /// extends `Document`).
    pub struct CustomerAccount: "CustomerAccount" extends Document {
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
