//! The ESPI resource endpoints (espi-reference §1.3, §1.4) as a typed value
//! ([`Endpoint`]) and one typed call per endpoint on [`Session`].
//!
//! Paths are relative to the Data Custodian's resource endpoint
//! (`…/espi/1_1/resource`); ids are opaque strings, percent-encoded as path
//! segments.
//!
//! ```
//! use espi_client::Endpoint;
//! let endpoint = Endpoint::IntervalBlocks {
//!     subscription_id: "5".into(),
//!     usage_point_id: "1".into(),
//!     meter_reading_id: "a b".into(),
//! };
//! assert_eq!(endpoint.path(), "Subscription/5/UsagePoint/1/MeterReading/a%20b/IntervalBlock");
//! assert_eq!(
//!     Endpoint::parse_path("Batch/Subscription/5"),
//!     Some(Endpoint::BatchSubscription { subscription_id: "5".into() })
//! );
//! ```

use crate::client::Session;
use crate::error::Result;
use crate::stream::FeedStream;
use espi_auth::Query;
use espi_model::Document;

/// A resource endpoint of the ESPI REST API.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `ReadServiceStatus`: the Data Custodian's status (a bare `ServiceStatus`).
    ReadServiceStatus,
    /// `ApplicationInformation/{id}`: the registration (registration or Data
    /// Custodian token).
    ApplicationInformation {
        /// The ApplicationInformation id.
        id: String,
    },
    /// `Authorization`: the third party's authorizations (client token).
    Authorizations,
    /// `Authorization/{id}`: one authorization (client token); DELETE revokes.
    Authorization {
        /// The Authorization id.
        id: String,
    },
    /// `Batch/Subscription/{id}`: the main Connect My Data feed (a customer token's
    /// `resourceURI`).
    BatchSubscription {
        /// The subscription id.
        subscription_id: String,
    },
    /// `Batch/Subscription/{id}/UsagePoint/{id}`: one usage point's whole tree.
    BatchSubscriptionUsagePoint {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
    },
    /// `Batch/Bulk/{id}`: every authorized customer's data (client token with `BR=`).
    BatchBulk {
        /// The bulk id (the scope's `BR=`).
        bulk_id: String,
    },
    /// `Batch/RetailCustomer/{id}`: the customer (PII) data (`customerResourceURI`).
    BatchRetailCustomer {
        /// The retail customer id.
        retail_customer_id: String,
    },
    /// `Subscription/{id}/UsagePoint`.
    UsagePoints {
        /// The subscription id.
        subscription_id: String,
    },
    /// `Subscription/{id}/UsagePoint/{id}`.
    UsagePoint {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
    },
    /// `…/UsagePoint/{id}/MeterReading`.
    MeterReadings {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
    },
    /// `…/UsagePoint/{id}/MeterReading/{id}`.
    MeterReading {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
        /// The MeterReading id.
        meter_reading_id: String,
    },
    /// `…/MeterReading/{id}/IntervalBlock`.
    IntervalBlocks {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
        /// The MeterReading id.
        meter_reading_id: String,
    },
    /// `…/MeterReading/{id}/IntervalBlock/{id}`.
    IntervalBlock {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
        /// The MeterReading id.
        meter_reading_id: String,
        /// The IntervalBlock id.
        interval_block_id: String,
    },
    /// `…/UsagePoint/{id}/UsageSummary` (ESPI 3.3+; older Data Custodians use
    /// `ElectricPowerUsageSummary`, see [`Endpoint::LegacyUsageSummaries`]).
    UsageSummaries {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
    },
    /// `…/UsagePoint/{id}/UsageSummary/{id}`.
    UsageSummary {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
        /// The UsageSummary id.
        usage_summary_id: String,
    },
    /// `…/UsagePoint/{id}/ElectricPowerUsageSummary` (deprecated name).
    LegacyUsageSummaries {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
    },
    /// `…/UsagePoint/{id}/ElectricPowerQualitySummary`.
    ElectricPowerQualitySummaries {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
    },
    /// `…/UsagePoint/{id}/ElectricPowerQualitySummary/{id}`.
    ElectricPowerQualitySummary {
        /// The subscription id.
        subscription_id: String,
        /// The UsagePoint id.
        usage_point_id: String,
        /// The ElectricPowerQualitySummary id.
        summary_id: String,
    },
    /// `ReadingType`.
    ReadingTypes,
    /// `ReadingType/{id}`.
    ReadingType {
        /// The ReadingType id.
        id: String,
    },
    /// `LocalTimeParameters`.
    LocalTimeParametersList,
    /// `LocalTimeParameters/{id}`.
    LocalTimeParameters {
        /// The LocalTimeParameters id.
        id: String,
    },
}

impl Endpoint {
    /// The path segments, unescaped.
    pub fn segments(&self) -> Vec<&str> {
        use Endpoint::*;
        match self {
            ReadServiceStatus => vec!["ReadServiceStatus"],
            ApplicationInformation { id } => vec!["ApplicationInformation", id],
            Authorizations => vec!["Authorization"],
            Authorization { id } => vec!["Authorization", id],
            BatchSubscription { subscription_id } => vec!["Batch", "Subscription", subscription_id],
            BatchSubscriptionUsagePoint {
                subscription_id,
                usage_point_id,
            } => vec![
                "Batch",
                "Subscription",
                subscription_id,
                "UsagePoint",
                usage_point_id,
            ],
            BatchBulk { bulk_id } => vec!["Batch", "Bulk", bulk_id],
            BatchRetailCustomer { retail_customer_id } => {
                vec!["Batch", "RetailCustomer", retail_customer_id]
            }
            UsagePoints { subscription_id } => vec!["Subscription", subscription_id, "UsagePoint"],
            UsagePoint {
                subscription_id,
                usage_point_id,
            } => vec![
                "Subscription",
                subscription_id,
                "UsagePoint",
                usage_point_id,
            ],
            MeterReadings {
                subscription_id,
                usage_point_id,
            } => under(subscription_id, usage_point_id, &["MeterReading"]),
            MeterReading {
                subscription_id,
                usage_point_id,
                meter_reading_id,
            } => under(
                subscription_id,
                usage_point_id,
                &["MeterReading", meter_reading_id],
            ),
            IntervalBlocks {
                subscription_id,
                usage_point_id,
                meter_reading_id,
            } => under(
                subscription_id,
                usage_point_id,
                &["MeterReading", meter_reading_id, "IntervalBlock"],
            ),
            IntervalBlock {
                subscription_id,
                usage_point_id,
                meter_reading_id,
                interval_block_id,
            } => under(
                subscription_id,
                usage_point_id,
                &[
                    "MeterReading",
                    meter_reading_id,
                    "IntervalBlock",
                    interval_block_id,
                ],
            ),
            UsageSummaries {
                subscription_id,
                usage_point_id,
            } => under(subscription_id, usage_point_id, &["UsageSummary"]),
            UsageSummary {
                subscription_id,
                usage_point_id,
                usage_summary_id,
            } => under(
                subscription_id,
                usage_point_id,
                &["UsageSummary", usage_summary_id],
            ),
            LegacyUsageSummaries {
                subscription_id,
                usage_point_id,
            } => under(
                subscription_id,
                usage_point_id,
                &["ElectricPowerUsageSummary"],
            ),
            ElectricPowerQualitySummaries {
                subscription_id,
                usage_point_id,
            } => under(
                subscription_id,
                usage_point_id,
                &["ElectricPowerQualitySummary"],
            ),
            ElectricPowerQualitySummary {
                subscription_id,
                usage_point_id,
                summary_id,
            } => under(
                subscription_id,
                usage_point_id,
                &["ElectricPowerQualitySummary", summary_id],
            ),
            ReadingTypes => vec!["ReadingType"],
            ReadingType { id } => vec!["ReadingType", id],
            LocalTimeParametersList => vec!["LocalTimeParameters"],
            LocalTimeParameters { id } => vec!["LocalTimeParameters", id],
        }
    }

    /// The path relative to the resource endpoint, each segment percent-encoded.
    pub fn path(&self) -> String {
        self.segments()
            .iter()
            .map(|segment| encode_segment(segment))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Whether the endpoint is a `Batch/…` one (which may answer 202 Accepted while
    /// the data is prepared).
    pub fn is_batch(&self) -> bool {
        self.segments().first() == Some(&"Batch")
    }

    /// The endpoint a path relative to the resource endpoint names (percent-encoded
    /// segments are decoded); `None` for a path that is not one of them.
    pub fn parse_path(path: &str) -> Option<Endpoint> {
        let decoded: Vec<String> = path
            .trim_matches('/')
            .split('/')
            .map(percent_decode)
            .collect::<Option<Vec<_>>>()?;
        let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
        let own = |text: &str| text.to_owned();
        Some(match segments.as_slice() {
            ["ReadServiceStatus"] => Endpoint::ReadServiceStatus,
            ["ApplicationInformation", id] => Endpoint::ApplicationInformation { id: own(id) },
            ["Authorization"] => Endpoint::Authorizations,
            ["Authorization", id] => Endpoint::Authorization { id: own(id) },
            ["Batch", "Subscription", sid] => Endpoint::BatchSubscription {
                subscription_id: own(sid),
            },
            ["Batch", "Subscription", sid, "UsagePoint", upid] => {
                Endpoint::BatchSubscriptionUsagePoint {
                    subscription_id: own(sid),
                    usage_point_id: own(upid),
                }
            }
            ["Batch", "Bulk", id] => Endpoint::BatchBulk { bulk_id: own(id) },
            ["Batch", "RetailCustomer", id] => Endpoint::BatchRetailCustomer {
                retail_customer_id: own(id),
            },
            ["Subscription", sid, "UsagePoint"] => Endpoint::UsagePoints {
                subscription_id: own(sid),
            },
            ["Subscription", sid, "UsagePoint", upid, rest @ ..] => {
                let (sid, upid) = (own(sid), own(upid));
                match rest {
                    [] => Endpoint::UsagePoint {
                        subscription_id: sid,
                        usage_point_id: upid,
                    },
                    ["MeterReading"] => Endpoint::MeterReadings {
                        subscription_id: sid,
                        usage_point_id: upid,
                    },
                    ["MeterReading", mrid] => Endpoint::MeterReading {
                        subscription_id: sid,
                        usage_point_id: upid,
                        meter_reading_id: own(mrid),
                    },
                    ["MeterReading", mrid, "IntervalBlock"] => Endpoint::IntervalBlocks {
                        subscription_id: sid,
                        usage_point_id: upid,
                        meter_reading_id: own(mrid),
                    },
                    ["MeterReading", mrid, "IntervalBlock", ibid] => Endpoint::IntervalBlock {
                        subscription_id: sid,
                        usage_point_id: upid,
                        meter_reading_id: own(mrid),
                        interval_block_id: own(ibid),
                    },
                    ["UsageSummary"] => Endpoint::UsageSummaries {
                        subscription_id: sid,
                        usage_point_id: upid,
                    },
                    ["UsageSummary", id] => Endpoint::UsageSummary {
                        subscription_id: sid,
                        usage_point_id: upid,
                        usage_summary_id: own(id),
                    },
                    ["ElectricPowerUsageSummary"] => Endpoint::LegacyUsageSummaries {
                        subscription_id: sid,
                        usage_point_id: upid,
                    },
                    ["ElectricPowerUsageSummary", id] => Endpoint::UsageSummary {
                        subscription_id: sid,
                        usage_point_id: upid,
                        usage_summary_id: own(id),
                    },
                    ["ElectricPowerQualitySummary"] => Endpoint::ElectricPowerQualitySummaries {
                        subscription_id: sid,
                        usage_point_id: upid,
                    },
                    ["ElectricPowerQualitySummary", id] => Endpoint::ElectricPowerQualitySummary {
                        subscription_id: sid,
                        usage_point_id: upid,
                        summary_id: own(id),
                    },
                    _ => return None,
                }
            }
            ["ReadingType"] => Endpoint::ReadingTypes,
            ["ReadingType", id] => Endpoint::ReadingType { id: own(id) },
            ["LocalTimeParameters"] => Endpoint::LocalTimeParametersList,
            ["LocalTimeParameters", id] => Endpoint::LocalTimeParameters { id: own(id) },
            _ => return None,
        })
    }
}

fn under<'a>(sid: &'a str, upid: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut segments = vec!["Subscription", sid, "UsagePoint", upid];
    segments.extend_from_slice(rest);
    segments
}

/// Everything but RFC 3986 unreserved characters is escaped in a path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path segment.
fn encode_segment(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Decodes `%XX`; `None` for a broken escape (which the decoder alone would keep as
/// written) or bytes that are not UTF-8: such a path names no endpoint.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let hex_at = |index: usize| bytes.get(index).is_some_and(u8::is_ascii_hexdigit);
    if (0..bytes.len())
        .any(|index| bytes[index] == b'%' && !(hex_at(index + 1) && hex_at(index + 2)))
    {
        return None;
    }
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

/// One typed call per endpoint. Each returns a [`FeedStream`] (entries decoded while
/// the body streams) or, for the small administrative resources, the whole
/// [`Document`].
impl Session {
    /// `GET ReadServiceStatus`.
    pub async fn read_service_status(&self) -> Result<Document> {
        self.document(&Endpoint::ReadServiceStatus).await
    }

    /// `GET ApplicationInformation/{id}`.
    pub async fn application_information(&self, id: &str) -> Result<Document> {
        self.document(&Endpoint::ApplicationInformation { id: id.to_owned() })
            .await
    }

    /// `GET Authorization`.
    pub async fn authorizations(&self, query: &Query) -> Result<FeedStream> {
        self.get(&Endpoint::Authorizations, query).await
    }

    /// `GET Authorization/{id}`.
    pub async fn authorization(&self, id: &str) -> Result<Document> {
        self.document(&Endpoint::Authorization { id: id.to_owned() })
            .await
    }

    /// `DELETE Authorization/{id}`: revokes it (FB_44, where the Data Custodian
    /// supports it).
    pub async fn delete_authorization(&self, id: &str) -> Result<()> {
        self.delete(&Endpoint::Authorization { id: id.to_owned() })
            .await
    }

    /// `GET Batch/Subscription/{id}`.
    pub async fn batch_subscription(
        &self,
        subscription_id: &str,
        query: &Query,
    ) -> Result<FeedStream> {
        let endpoint = Endpoint::BatchSubscription {
            subscription_id: subscription_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET Batch/Subscription/{id}/UsagePoint/{id}`.
    pub async fn batch_subscription_usage_point(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        query: &Query,
    ) -> Result<FeedStream> {
        let endpoint = Endpoint::BatchSubscriptionUsagePoint {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET Batch/Bulk/{id}`.
    pub async fn batch_bulk(&self, bulk_id: &str, query: &Query) -> Result<FeedStream> {
        let endpoint = Endpoint::BatchBulk {
            bulk_id: bulk_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET Batch/RetailCustomer/{id}`.
    pub async fn batch_retail_customer(
        &self,
        retail_customer_id: &str,
        query: &Query,
    ) -> Result<FeedStream> {
        let endpoint = Endpoint::BatchRetailCustomer {
            retail_customer_id: retail_customer_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET Subscription/{id}/UsagePoint`.
    pub async fn usage_points(&self, subscription_id: &str, query: &Query) -> Result<FeedStream> {
        let endpoint = Endpoint::UsagePoints {
            subscription_id: subscription_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET Subscription/{id}/UsagePoint/{id}`.
    pub async fn usage_point(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
    ) -> Result<Document> {
        let endpoint = Endpoint::UsagePoint {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
        };
        self.document(&endpoint).await
    }

    /// `GET …/UsagePoint/{id}/MeterReading`.
    pub async fn meter_readings(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        query: &Query,
    ) -> Result<FeedStream> {
        let endpoint = Endpoint::MeterReadings {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET …/UsagePoint/{id}/MeterReading/{id}`.
    pub async fn meter_reading(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        meter_reading_id: &str,
    ) -> Result<Document> {
        let endpoint = Endpoint::MeterReading {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
            meter_reading_id: meter_reading_id.to_owned(),
        };
        self.document(&endpoint).await
    }

    /// `GET …/MeterReading/{id}/IntervalBlock`.
    pub async fn interval_blocks(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        meter_reading_id: &str,
        query: &Query,
    ) -> Result<FeedStream> {
        let endpoint = Endpoint::IntervalBlocks {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
            meter_reading_id: meter_reading_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET …/MeterReading/{id}/IntervalBlock/{id}`.
    pub async fn interval_block(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        meter_reading_id: &str,
        interval_block_id: &str,
    ) -> Result<Document> {
        let endpoint = Endpoint::IntervalBlock {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
            meter_reading_id: meter_reading_id.to_owned(),
            interval_block_id: interval_block_id.to_owned(),
        };
        self.document(&endpoint).await
    }

    /// `GET …/UsagePoint/{id}/UsageSummary`.
    pub async fn usage_summaries(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        query: &Query,
    ) -> Result<FeedStream> {
        let endpoint = Endpoint::UsageSummaries {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET …/UsagePoint/{id}/UsageSummary/{id}`.
    pub async fn usage_summary(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        usage_summary_id: &str,
    ) -> Result<Document> {
        let endpoint = Endpoint::UsageSummary {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
            usage_summary_id: usage_summary_id.to_owned(),
        };
        self.document(&endpoint).await
    }

    /// `GET …/UsagePoint/{id}/ElectricPowerQualitySummary`.
    pub async fn electric_power_quality_summaries(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        query: &Query,
    ) -> Result<FeedStream> {
        let endpoint = Endpoint::ElectricPowerQualitySummaries {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
        };
        self.get(&endpoint, query).await
    }

    /// `GET …/UsagePoint/{id}/ElectricPowerQualitySummary/{id}`.
    pub async fn electric_power_quality_summary(
        &self,
        subscription_id: &str,
        usage_point_id: &str,
        summary_id: &str,
    ) -> Result<Document> {
        let endpoint = Endpoint::ElectricPowerQualitySummary {
            subscription_id: subscription_id.to_owned(),
            usage_point_id: usage_point_id.to_owned(),
            summary_id: summary_id.to_owned(),
        };
        self.document(&endpoint).await
    }

    /// `GET ReadingType`.
    pub async fn reading_types(&self, query: &Query) -> Result<FeedStream> {
        self.get(&Endpoint::ReadingTypes, query).await
    }

    /// `GET ReadingType/{id}`.
    pub async fn reading_type(&self, id: &str) -> Result<Document> {
        self.document(&Endpoint::ReadingType { id: id.to_owned() })
            .await
    }

    /// `GET LocalTimeParameters`.
    pub async fn local_time_parameters_list(&self, query: &Query) -> Result<FeedStream> {
        self.get(&Endpoint::LocalTimeParametersList, query).await
    }

    /// `GET LocalTimeParameters/{id}`.
    pub async fn local_time_parameters(&self, id: &str) -> Result<Document> {
        self.document(&Endpoint::LocalTimeParameters { id: id.to_owned() })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_parses_back_to_its_endpoint() {
        let s = || "s 1".to_owned();
        let u = || "u/2".to_owned();
        let m = || "m%3".to_owned();
        let endpoints = vec![
            Endpoint::ReadServiceStatus,
            Endpoint::ApplicationInformation { id: "1".into() },
            Endpoint::Authorizations,
            Endpoint::Authorization { id: "7".into() },
            Endpoint::BatchSubscription {
                subscription_id: s(),
            },
            Endpoint::BatchSubscriptionUsagePoint {
                subscription_id: s(),
                usage_point_id: u(),
            },
            Endpoint::BatchBulk {
                bulk_id: "1".into(),
            },
            Endpoint::BatchRetailCustomer {
                retail_customer_id: "9".into(),
            },
            Endpoint::UsagePoints {
                subscription_id: s(),
            },
            Endpoint::UsagePoint {
                subscription_id: s(),
                usage_point_id: u(),
            },
            Endpoint::MeterReadings {
                subscription_id: s(),
                usage_point_id: u(),
            },
            Endpoint::MeterReading {
                subscription_id: s(),
                usage_point_id: u(),
                meter_reading_id: m(),
            },
            Endpoint::IntervalBlocks {
                subscription_id: s(),
                usage_point_id: u(),
                meter_reading_id: m(),
            },
            Endpoint::IntervalBlock {
                subscription_id: s(),
                usage_point_id: u(),
                meter_reading_id: m(),
                interval_block_id: "4".into(),
            },
            Endpoint::UsageSummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            Endpoint::UsageSummary {
                subscription_id: s(),
                usage_point_id: u(),
                usage_summary_id: "5".into(),
            },
            Endpoint::LegacyUsageSummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            Endpoint::ElectricPowerQualitySummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            Endpoint::ElectricPowerQualitySummary {
                subscription_id: s(),
                usage_point_id: u(),
                summary_id: "6".into(),
            },
            Endpoint::ReadingTypes,
            Endpoint::ReadingType { id: "07".into() },
            Endpoint::LocalTimeParametersList,
            Endpoint::LocalTimeParameters { id: "01".into() },
        ];
        for endpoint in endpoints {
            let path = endpoint.path();
            assert!(!path.contains(' '), "{path}");
            assert_eq!(
                Endpoint::parse_path(&path),
                Some(endpoint.clone()),
                "{path}"
            );
        }
        assert_eq!(
            Endpoint::BatchSubscriptionUsagePoint {
                subscription_id: s(),
                usage_point_id: u()
            }
            .path(),
            "Batch/Subscription/s%201/UsagePoint/u%2F2"
        );
        assert!(
            Endpoint::BatchBulk {
                bulk_id: "1".into()
            }
            .is_batch()
        );
        assert!(!Endpoint::ReadingTypes.is_batch());
        assert_eq!(Endpoint::parse_path("Nothing/Here"), None);
        assert_eq!(Endpoint::parse_path("Batch/Subscription/%zz"), None);
    }
}
