//! The ids of the ESPI resource paths, one type each, so that a subscription id is
//! never passed where a usage point's belongs. An id is the text the Data Custodian
//! uses (decoded); [`ResourcePath`](crate::ResourcePath) percent-encodes it in a path.
//! The bulk id is espi-auth's [`BulkId`](espi_auth::BulkId), the scope's `BR` value.

use std::fmt;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The id, as the Data Custodian writes it (not percent-encoded).
            pub fn new(id: impl Into<String>) -> $name {
                $name(id.into())
            }

            /// The id.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_owned())
            }
        }
    )*};
}

/// A path segment percent-decoded (invalid UTF-8 replaced: it names nothing anyway).
pub(crate) fn decoded(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

ids! {
    /// `{subscriptionId}`: a subscription (one customer's authorization of one Third
    /// Party).
    SubscriptionId;
    /// `{usagePointId}`.
    UsagePointId;
    /// `{meterReadingId}`.
    MeterReadingId;
    /// `{intervalBlockId}`.
    IntervalBlockId;
    /// The `{id}` of a UsageSummary (or ElectricPowerUsageSummary).
    UsageSummaryId;
    /// The `{id}` of an ElectricPowerQualitySummary.
    QualitySummaryId;
    /// The `{id}` of a ReadingType.
    ReadingTypeId;
    /// The `{id}` of a LocalTimeParameters.
    LocalTimeParametersId;
    /// `{retailCustomerId}`.
    RetailCustomerId;
    /// `{authorizationId}`.
    AuthorizationId;
    /// `{applicationInformationId}`.
    ApplicationInformationId;
}
