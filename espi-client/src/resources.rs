//! The ESPI resource paths a third party reads ([`ResourcePath`]) and the calls on
//! [`Session`].

use crate::client::Session;
use crate::error::Result;
use crate::ids::{
    ApplicationInformationId, AuthorizationId, IntervalBlockId, LocalTimeParametersId,
    MeterReadingId, QualitySummaryId, ReadingTypeId, RetailCustomerId, SubscriptionId,
    UsagePointId, UsageSummaryId,
};
use crate::stream::FeedStream;
use espi_auth::{BulkId, Endpoint, Query, Route, RouteError};
use espi_model::atom::Document;

/// Declares [`ResourcePath`]: each variant with its ids (in path order) and the
/// catalogue row it names; building and parsing follow from the pairs.
macro_rules! resource_paths {
    ($(
        $(#[$doc:meta])*
        $variant:ident $({ $($field:ident: $id:ty),* })? => $template:literal,
    )*) => {
        /// A resource path of the ESPI REST API (NAESB REQ.21) that a third
        /// party reads, with a type for each id ([`SubscriptionId`](crate::SubscriptionId)
        /// and the others). Read it with [`Session::get`] (a feed),
        /// [`Session::document`] (a small resource) or [`Session::delete`]; the few
        /// calls a third party makes by name have their own methods on [`Session`].
        ///
        /// Each variant names a row of espi-auth's endpoint catalogue
        /// ([`ENDPOINTS`](espi_auth::ENDPOINTS)), which builds and parses the path
        /// ([`Route`]): paths are relative to the Data Custodian's resource endpoint
        /// (`…/espi/1_1/resource`), ids percent-encoded.
        ///
        /// ```
        /// use espi_client::{MeterReadingId, ResourcePath, SubscriptionId, UsagePointId};
        /// let blocks = ResourcePath::IntervalBlocks {
        ///     subscription_id: SubscriptionId::new("5"),
        ///     usage_point_id: UsagePointId::new("1"),
        ///     meter_reading_id: MeterReadingId::new("a b"),
        /// };
        /// assert_eq!(blocks.path()?, "Subscription/5/UsagePoint/1/MeterReading/a%20b/IntervalBlock");
        /// assert_eq!(
        ///     ResourcePath::parse("Batch/Subscription/5"),
        ///     Some(ResourcePath::BatchSubscription { subscription_id: SubscriptionId::new("5") })
        /// );
        /// # Ok::<(), espi_auth::RouteError>(())
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ResourcePath {
            $(
                $(#[$doc])*
                $variant $({ $(
                    #[doc = concat!("The `", stringify!($field), "` segment.")]
                    $field: $id,
                )* })?,
            )*
        }

        impl ResourcePath {
            /// The path template of the catalogue row, e.g.
            /// `Batch/Subscription/{subscriptionId}`.
            pub fn template(&self) -> &'static str {
                match self {
                    $(ResourcePath::$variant { .. } => $template,)*
                }
            }

            /// The ids, in path order.
            fn ids(&self) -> Vec<&str> {
                match self {
                    $(ResourcePath::$variant $({ $($field),* })? => vec![$($($field.as_str()),*)?],)*
                }
            }

            /// The variant of the row `template`, with `ids` in path order.
            fn from_ids(template: &str, ids: &[String]) -> Option<ResourcePath> {
                #[allow(unused_mut, unused_variables)]
                let mut ids = ids.iter().cloned();
                Some(match template {
                    $($template => ResourcePath::$variant $({ $(
                        $field: <$id>::try_from(ids.next()?).ok()?,
                    )* })?,)*
                    _ => return None,
                })
            }
        }
    };
}

resource_paths! {
    /// `ReadServiceStatus`: the Data Custodian's status (a bare `ServiceStatus`).
    ReadServiceStatus => "ReadServiceStatus",
    /// `ApplicationInformation/{id}`: the registration (registration or Data
    /// Custodian token).
    ApplicationInformation { id: ApplicationInformationId } => "ApplicationInformation/{applicationInformationId}",
    /// `Authorization`: the third party's authorizations (client token).
    Authorizations => "Authorization",
    /// `Authorization/{id}`: one authorization (client token); DELETE revokes.
    Authorization { id: AuthorizationId } => "Authorization/{authorizationId}",
    /// `Batch/Subscription/{id}`: the main Connect My Data feed (a customer token's
    /// `resourceURI`).
    BatchSubscription { subscription_id: SubscriptionId } => "Batch/Subscription/{subscriptionId}",
    /// `Batch/Subscription/{id}/UsagePoint/{id}`: one usage point's whole tree.
    BatchSubscriptionUsagePoint { subscription_id: SubscriptionId, usage_point_id: UsagePointId }
        => "Batch/Subscription/{subscriptionId}/UsagePoint/{usagePointId}",
    /// `Batch/Bulk/{id}`: every authorized customer's data (client token with `BR=`).
    BatchBulk { bulk_id: BulkId } => "Batch/Bulk/{bulkId}",
    /// `Batch/RetailCustomer/{id}`: the customer (PII) data (`customerResourceURI`).
    BatchRetailCustomer { retail_customer_id: RetailCustomerId } => "Batch/RetailCustomer/{retailCustomerId}",
    /// `Subscription/{id}/UsagePoint`.
    UsagePoints { subscription_id: SubscriptionId } => "Subscription/{subscriptionId}/UsagePoint",
    /// `Subscription/{id}/UsagePoint/{id}`.
    UsagePoint { subscription_id: SubscriptionId, usage_point_id: UsagePointId }
        => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}",
    /// `…/UsagePoint/{id}/MeterReading`.
    MeterReadings { subscription_id: SubscriptionId, usage_point_id: UsagePointId }
        => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading",
    /// `…/UsagePoint/{id}/MeterReading/{id}`.
    MeterReading {
        subscription_id: SubscriptionId,
        usage_point_id: UsagePointId,
        meter_reading_id: MeterReadingId
    } => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}",
    /// `…/MeterReading/{id}/IntervalBlock`.
    IntervalBlocks {
        subscription_id: SubscriptionId,
        usage_point_id: UsagePointId,
        meter_reading_id: MeterReadingId
    } => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock",
    /// `…/MeterReading/{id}/IntervalBlock/{id}`.
    IntervalBlock {
        subscription_id: SubscriptionId,
        usage_point_id: UsagePointId,
        meter_reading_id: MeterReadingId,
        interval_block_id: IntervalBlockId
    } => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock/{intervalBlockId}",
    /// `…/UsagePoint/{id}/UsageSummary` (ESPI 3.3+; older Data Custodians use
    /// `ElectricPowerUsageSummary`, see [`ResourcePath::LegacyUsageSummaries`]).
    UsageSummaries { subscription_id: SubscriptionId, usage_point_id: UsagePointId }
        => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary",
    /// `…/UsagePoint/{id}/UsageSummary/{id}`.
    UsageSummary {
        subscription_id: SubscriptionId,
        usage_point_id: UsagePointId,
        usage_summary_id: UsageSummaryId
    } => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary/{id}",
    /// `…/UsagePoint/{id}/ElectricPowerUsageSummary` (the deprecated name).
    LegacyUsageSummaries { subscription_id: SubscriptionId, usage_point_id: UsagePointId }
        => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary",
    /// `…/UsagePoint/{id}/ElectricPowerUsageSummary/{id}` (the deprecated name).
    LegacyUsageSummary {
        subscription_id: SubscriptionId,
        usage_point_id: UsagePointId,
        usage_summary_id: UsageSummaryId
    } => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary/{id}",
    /// `…/UsagePoint/{id}/ElectricPowerQualitySummary`.
    ElectricPowerQualitySummaries { subscription_id: SubscriptionId, usage_point_id: UsagePointId }
        => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerQualitySummary",
    /// `…/UsagePoint/{id}/ElectricPowerQualitySummary/{id}`.
    ElectricPowerQualitySummary {
        subscription_id: SubscriptionId,
        usage_point_id: UsagePointId,
        summary_id: QualitySummaryId
    } => "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerQualitySummary/{id}",
    /// `ReadingType`.
    ReadingTypes => "ReadingType",
    /// `ReadingType/{id}`.
    ReadingType { id: ReadingTypeId } => "ReadingType/{id}",
    /// `LocalTimeParameters`.
    LocalTimeParametersList => "LocalTimeParameters",
    /// `LocalTimeParameters/{id}`.
    LocalTimeParameters { id: LocalTimeParametersId } => "LocalTimeParameters/{id}",
}

impl ResourcePath {
    /// The catalogue row: what it serves and which tokens may reach it.
    pub fn endpoint(&self) -> &'static Endpoint {
        Endpoint::with_path(self.template())
            .expect("every ResourcePath template is a row of espi-auth's catalogue (tested)")
    }

    /// The route: the row with the ids. Fails for an id that cannot be a path
    /// segment (empty, `.` or `..`).
    pub fn route(&self) -> std::result::Result<Route, RouteError> {
        Route::new(self.endpoint(), self.ids())
    }

    /// The path relative to the resource endpoint, each id percent-encoded.
    pub fn path(&self) -> std::result::Result<String, RouteError> {
        self.route().map(|route| route.path())
    }

    /// Whether the endpoint is a `Batch/…` one (which may answer 202 Accepted while
    /// the data is prepared).
    pub fn is_batch(&self) -> bool {
        self.endpoint().is_batch()
    }

    /// The resource path a path names: relative to the resource endpoint, or a full
    /// URL under `…/espi/1_1/resource` (percent-encoded ids are decoded); `None` for a
    /// path that is none of these.
    pub fn parse(path: &str) -> Option<ResourcePath> {
        let route = Route::parse(path)?;
        ResourcePath::from_ids(route.endpoint().path, route.ids())
    }
}

/// The calls a third party makes by name. Every other path is read with
/// [`Session::get`] or [`Session::document`] and a [`ResourcePath`].
impl Session {
    /// `GET ReadServiceStatus`.
    pub async fn read_service_status(&self) -> Result<Document> {
        self.document(&ResourcePath::ReadServiceStatus).await
    }

    /// `GET ApplicationInformation/{id}`.
    pub async fn application_information(&self, id: &ApplicationInformationId) -> Result<Document> {
        self.document(&ResourcePath::ApplicationInformation { id: id.clone() })
            .await
    }

    /// `GET Authorization`.
    pub async fn authorizations(&self, query: &Query) -> Result<FeedStream> {
        self.get(&ResourcePath::Authorizations, query).await
    }

    /// `GET Authorization/{id}`.
    pub async fn authorization(&self, id: &AuthorizationId) -> Result<Document> {
        self.document(&ResourcePath::Authorization { id: id.clone() })
            .await
    }

    /// `DELETE Authorization/{id}`: revokes it (FB_44, where the Data Custodian
    /// supports it).
    pub async fn delete_authorization(&self, id: &AuthorizationId) -> Result<()> {
        self.delete(&ResourcePath::Authorization { id: id.clone() })
            .await
    }

    /// `GET Batch/Subscription/{id}`.
    pub async fn batch_subscription(
        &self,
        subscription_id: &SubscriptionId,
        query: &Query,
    ) -> Result<FeedStream> {
        let path = ResourcePath::BatchSubscription {
            subscription_id: subscription_id.clone(),
        };
        self.get(&path, query).await
    }

    /// `GET Batch/Bulk/{id}`.
    pub async fn batch_bulk(&self, bulk_id: &BulkId, query: &Query) -> Result<FeedStream> {
        let path = ResourcePath::BatchBulk {
            bulk_id: bulk_id.clone(),
        };
        self.get(&path, query).await
    }

    /// `GET Batch/RetailCustomer/{id}`.
    pub async fn batch_retail_customer(
        &self,
        retail_customer_id: &RetailCustomerId,
        query: &Query,
    ) -> Result<FeedStream> {
        let path = ResourcePath::BatchRetailCustomer {
            retail_customer_id: retail_customer_id.clone(),
        };
        self.get(&path, query).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    /// One path of every variant, with ids that need encoding.
    fn every_variant() -> Vec<ResourcePath> {
        let s = || SubscriptionId::new("s 1");
        let u = || UsagePointId::new("u/2");
        let m = || MeterReadingId::new("m%3");
        vec![
            ResourcePath::ReadServiceStatus,
            ResourcePath::ApplicationInformation { id: "1".into() },
            ResourcePath::Authorizations,
            ResourcePath::Authorization { id: "7".into() },
            ResourcePath::BatchSubscription {
                subscription_id: s(),
            },
            ResourcePath::BatchSubscriptionUsagePoint {
                subscription_id: s(),
                usage_point_id: u(),
            },
            ResourcePath::BatchBulk {
                bulk_id: BulkId::new("1").expect("a bulk id"),
            },
            ResourcePath::BatchRetailCustomer {
                retail_customer_id: "9".into(),
            },
            ResourcePath::UsagePoints {
                subscription_id: s(),
            },
            ResourcePath::UsagePoint {
                subscription_id: s(),
                usage_point_id: u(),
            },
            ResourcePath::MeterReadings {
                subscription_id: s(),
                usage_point_id: u(),
            },
            ResourcePath::MeterReading {
                subscription_id: s(),
                usage_point_id: u(),
                meter_reading_id: m(),
            },
            ResourcePath::IntervalBlocks {
                subscription_id: s(),
                usage_point_id: u(),
                meter_reading_id: m(),
            },
            ResourcePath::IntervalBlock {
                subscription_id: s(),
                usage_point_id: u(),
                meter_reading_id: m(),
                interval_block_id: "4".into(),
            },
            ResourcePath::UsageSummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            ResourcePath::UsageSummary {
                subscription_id: s(),
                usage_point_id: u(),
                usage_summary_id: "5".into(),
            },
            ResourcePath::LegacyUsageSummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            ResourcePath::LegacyUsageSummary {
                subscription_id: s(),
                usage_point_id: u(),
                usage_summary_id: "5".into(),
            },
            ResourcePath::ElectricPowerQualitySummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            ResourcePath::ElectricPowerQualitySummary {
                subscription_id: s(),
                usage_point_id: u(),
                summary_id: "6".into(),
            },
            ResourcePath::ReadingTypes,
            ResourcePath::ReadingType { id: "07".into() },
            ResourcePath::LocalTimeParametersList,
            ResourcePath::LocalTimeParameters { id: "01".into() },
        ]
    }

    proptest::proptest! {
        #[test]
        fn every_variant_round_trips_with_any_ids(
            ids in proptest::collection::vec(
                proptest::string::string_regex("\\PC{1,12}")
                    .expect("a regex")
                    .prop_filter("a usable segment", |id| id != "." && id != ".."),
                4,
            ),
        ) {
            for variant in every_variant() {
                let count = variant.ids().len();
                // A bulk id must be a `BR` value: other ids make no BatchBulk.
                let Some(path) = ResourcePath::from_ids(variant.template(), &ids[..count]) else {
                    let is_bulk = matches!(variant, ResourcePath::BatchBulk { .. });
                    proptest::prop_assert!(is_bulk, "{:?}", variant);
                    continue;
                };
                let text = path.path().expect("usable ids");
                proptest::prop_assert_eq!(ResourcePath::parse(&text), Some(path), "{}", text);
            }
        }
    }

    #[test]
    fn every_path_parses_back_to_its_variant() {
        for path in every_variant() {
            let endpoint = Endpoint::with_path(path.template()).expect("a catalogue row");
            assert_eq!(
                endpoint.placeholders().count(),
                path.ids().len(),
                "{}",
                path.template()
            );
            let text = path.path().expect("usable ids");
            assert!(!text.contains(' '), "{text}");
            assert_eq!(ResourcePath::parse(&text), Some(path.clone()), "{text}");
        }
        assert_eq!(
            ResourcePath::BatchSubscriptionUsagePoint {
                subscription_id: "s 1".into(),
                usage_point_id: "u/2".into()
            }
            .path()
            .expect("usable ids"),
            "Batch/Subscription/s%201/UsagePoint/u%2F2"
        );
        assert!(
            ResourcePath::BatchBulk {
                bulk_id: BulkId::new("1").expect("a bulk id")
            }
            .is_batch()
        );
        assert!(!ResourcePath::ReadingTypes.is_batch());
        assert_eq!(ResourcePath::parse("Nothing/Here"), None);
        assert_eq!(ResourcePath::parse("Batch/Subscription/%zz"), None);
        // A catalogue row a third party does not read by name.
        assert_eq!(ResourcePath::parse("Customer/1"), None);
        // A bulk id must be a `BR` value.
        assert_eq!(ResourcePath::parse("Batch/Bulk/a%20b"), None);
    }

    #[test]
    fn an_id_that_cannot_be_a_segment_is_refused() {
        let path = ResourcePath::ReadingType { id: "..".into() };
        assert!(matches!(path.path(), Err(RouteError::UnusableId { .. })));
    }
}
