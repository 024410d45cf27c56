//! The table of [`ENDPOINTS`].

use super::{Endpoint, Serves};
use crate::token::TokenKind;

const NONE: &[TokenKind] = &[];
const D: &[TokenKind] = &[TokenKind::DataCustodian];
const DA: &[TokenKind] = &[TokenKind::DataCustodian, TokenKind::Access];
const DC: &[TokenKind] = &[TokenKind::DataCustodian, TokenKind::Client];
const DR: &[TokenKind] = &[TokenKind::DataCustodian, TokenKind::Registration];
const DU: &[TokenKind] = &[TokenKind::DataCustodian, TokenKind::Upload];
const DCU: &[TokenKind] = &[
    TokenKind::DataCustodian,
    TokenKind::Client,
    TokenKind::Upload,
];

/// A row in the catalogue's compact form.
const fn row(
    path: &'static str,
    serves: Serves,
    get: &'static [TokenKind],
    post: &'static [TokenKind],
    put: &'static [TokenKind],
    delete: &'static [TokenKind],
) -> Endpoint {
    Endpoint {
        path,
        serves,
        get,
        post,
        put,
        delete,
    }
}

/// A collection readable by `get`, created by the data custodian (POST D).
const fn collection(path: &'static str, serves: Serves, get: &'static [TokenKind]) -> Endpoint {
    row(path, serves, get, D, NONE, NONE)
}

/// A member readable by `get`, updated and deleted by the data custodian (PUT, DELETE D).
const fn member(path: &'static str, serves: Serves, get: &'static [TokenKind]) -> Endpoint {
    row(path, serves, get, NONE, D, D)
}

use Serves as S;

/// The endpoint catalogue: the energy-usage and the customer (PII) rows of the API
/// table of the Green Button Connect My Data specification ("Appendix B: Data Custodian
/// Connect My Data APIs", as GBA publishes it), with what each serves and the token
/// columns ([`TokenKind`] letters) of that table.
///
/// Collections that the table gives as "GET, POST, PUT, DELETE (D)" take GET/POST on
/// the collection and GET/PUT/DELETE on the member, as the customer rows spell out.
pub const ENDPOINTS: &[Endpoint] = &[
    // Energy usage.
    row(
        "ReadServiceStatus",
        S::Administration,
        DCU,
        NONE,
        NONE,
        NONE,
    ),
    row(
        "ApplicationInformation",
        S::Administration,
        D,
        D,
        NONE,
        NONE,
    ),
    row(
        "ApplicationInformation/{applicationInformationId}",
        S::Administration,
        DR,
        NONE,
        DR,
        DR,
    ),
    row("Authorization", S::Administration, DC, NONE, NONE, NONE),
    row(
        "Authorization/{authorizationId}",
        S::Administration,
        DC,
        NONE,
        DC,
        DC,
    ),
    row(
        "Batch/Subscription/{subscriptionId}",
        S::Usage,
        DA,
        NONE,
        NONE,
        NONE,
    ),
    row(
        "Batch/Subscription/{subscriptionId}/UsagePoint/{usagePointId}",
        S::Usage,
        DA,
        NONE,
        NONE,
        NONE,
    ),
    row("Batch/Bulk/{bulkId}", S::Usage, DC, NONE, NONE, NONE),
    row(
        "Batch/RetailCustomer/{retailCustomerId}/UsagePoint",
        S::Usage,
        DU,
        DU,
        NONE,
        NONE,
    ),
    row(
        "Batch/RetailCustomer/{retailCustomerId}",
        S::CustomerData,
        DA,
        NONE,
        D,
        D,
    ),
    row(
        "Batch/BulkRetailCustomerInfo/{bulkId}",
        S::CustomerBulk,
        D,
        NONE,
        NONE,
        NONE,
    ),
    collection("Subscription/{subscriptionId}/UsagePoint", S::Usage, DA),
    member(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}",
        S::Usage,
        DA,
    ),
    collection(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading",
        S::IntervalReadings,
        DA,
    ),
    member(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}",
        S::IntervalReadings,
        DA,
    ),
    collection(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock",
        S::IntervalReadings,
        DA,
    ),
    member(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock/{intervalBlockId}",
        S::IntervalReadings,
        DA,
    ),
    collection(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerQualitySummary",
        S::PowerQualitySummaries,
        DA,
    ),
    member(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerQualitySummary/{id}",
        S::PowerQualitySummaries,
        DA,
    ),
    row(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary",
        S::UsageSummaries,
        DA,
        NONE,
        NONE,
        NONE,
    ),
    row(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary/{id}",
        S::UsageSummaries,
        DA,
        NONE,
        NONE,
        NONE,
    ),
    // The deprecated name of UsageSummary, still sent by older clients.
    row(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary",
        S::UsageSummaries,
        DA,
        NONE,
        NONE,
        NONE,
    ),
    row(
        "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary/{id}",
        S::UsageSummaries,
        DA,
        NONE,
        NONE,
        NONE,
    ),
    collection("LocalTimeParameters", S::UsageContext, DA),
    member("LocalTimeParameters/{id}", S::UsageContext, DA),
    collection("ReadingType", S::UsageContext, DA),
    member("ReadingType/{id}", S::UsageContext, DA),
    collection("UsagePoint", S::Usage, D),
    member("UsagePoint/{id}", S::Usage, D),
    collection("MeterReading", S::IntervalReadings, D),
    member("MeterReading/{id}", S::IntervalReadings, D),
    collection("IntervalBlock", S::IntervalReadings, D),
    member("IntervalBlock/{id}", S::IntervalReadings, D),
    // Customer (PII): root collections, data custodian only.
    collection("Customer", S::CustomerData, D),
    member("Customer/{id}", S::CustomerData, D),
    collection("CustomerAccount", S::CustomerData, D),
    member("CustomerAccount/{id}", S::CustomerData, D),
    collection("CustomerAgreement", S::CustomerData, D),
    member("CustomerAgreement/{id}", S::CustomerData, D),
    collection("ServiceLocation", S::CustomerData, D),
    member("ServiceLocation/{id}", S::CustomerData, D),
    collection("ServiceSupplier", S::CustomerData, D),
    member("ServiceSupplier/{id}", S::CustomerData, D),
    collection("EndDevice", S::CustomerData, D),
    member("EndDevice/{id}", S::CustomerData, D),
    collection("Meter", S::CustomerData, D),
    member("Meter/{id}", S::CustomerData, D),
    // Customer (PII): the RetailCustomer hierarchy, read by D and A (FB_50),
    // managed by D (FB_49).
    member("RetailCustomer/{retailCustomerId}", S::CustomerData, DA),
    collection(
        "RetailCustomer/{retailCustomerId}/Customer",
        S::CustomerData,
        DA,
    ),
    member(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}",
        S::CustomerData,
        DA,
    ),
    collection(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount",
        S::CustomerData,
        DA,
    ),
    member(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}",
        S::CustomerData,
        DA,
    ),
    collection(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement",
        S::CustomerData,
        DA,
    ),
    member(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}",
        S::CustomerData,
        DA,
    ),
    collection(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceLocation",
        S::CustomerData,
        DA,
    ),
    member(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceLocation/{serviceLocationId}",
        S::CustomerData,
        DA,
    ),
    collection(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceSupplier",
        S::CustomerData,
        DA,
    ),
    member(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceSupplier/{serviceSupplierId}",
        S::CustomerData,
        DA,
    ),
    collection(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceLocation/{serviceLocationId}/EndDevice",
        S::CustomerData,
        DA,
    ),
    member(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceLocation/{serviceLocationId}/EndDevice/{endDeviceId}",
        S::CustomerData,
        DA,
    ),
    collection(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceLocation/{serviceLocationId}/Meter",
        S::CustomerData,
        DA,
    ),
    member(
        "RetailCustomer/{retailCustomerId}/Customer/{customerId}/CustomerAccount/{customerAccountId}/CustomerAgreement/{customerAgreementId}/ServiceLocation/{serviceLocationId}/Meter/{meterId}",
        S::CustomerData,
        DA,
    ),
];
