//! Notifications: the `BatchList` a Data Custodian POSTs, and fetching what it names ([`Notification`]).

use crate::client::{Client, Session};
use crate::error::{Error, Result};
use crate::stream::FeedSummary;
use crate::sync::{SyncBatch, SyncStore};
use espi_auth::Query;
use espi_model::{
    atom::{Document, Entry},
    resource::Resource,
};
use url::Url;

/// A parsed notification: the `BatchList` a Data Custodian POSTs to the third party's
/// `thirdPartyNotifyUri` (espi.xsd `BatchList`; Function Block 39, "PUSH model": a notification,
/// then a GET), and fetching exactly the resources it names.
///
/// A notification is an unauthenticated POST from the network, so its URIs are not
/// trusted: each must lie under the client's resource endpoint (same origin, path
/// under it), or it is refused and not fetched — otherwise a forged notification could
/// make the client send its bearer token anywhere. The URIs are fetched as given,
/// query included (OpenESPI and the sandbox put `published-min`/`published-max` and
/// `updated-min` in them, so that they name just the new data).
///
/// ```
/// use espi_client::Notification;
/// let body = br#"<BatchList xmlns="http://naesb.org/espi">
///   <resources>https://dc.example/espi/1_1/resource/Batch/Subscription/5?published-min=2014-01-01T00:00:00Z</resources>
/// </BatchList>"#;
/// let notification = Notification::parse(body)?;
/// assert_eq!(notification.resources.len(), 1);
/// # Ok::<(), espi_client::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notification {
    /// The URIs the BatchList names, in order, as written.
    pub resources: Vec<String>,
}

/// A URI of a notification, checked.
#[derive(Debug)]
pub enum NotificationTarget {
    /// Under the resource endpoint: to be fetched.
    Fetch(Url),
    /// Refused, with why.
    Refused {
        /// The URI as written.
        uri: String,
        /// Why it is refused.
        error: Error,
    },
}

/// What fetching a notification's resources read.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct FetchedNotification {
    /// Each fetched URI with its entries and summary, in the notification's order.
    pub resources: Vec<(Url, Vec<Entry>, FeedSummary)>,
    /// The URIs refused (not fetched), with why.
    pub refused: Vec<(String, Error)>,
}

impl FetchedNotification {
    /// Every entry fetched, in order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.resources.iter().flat_map(|(_, entries, _)| entries)
    }
}

impl Notification {
    /// A notification of `resources` (URIs as a BatchList names them), for a
    /// notification kept elsewhere between its arrival and its fetch.
    pub fn new(resources: Vec<String>) -> Notification {
        Notification { resources }
    }

    /// Parses a notification body: a bare `BatchList` root (the standard form), or a
    /// feed or entry carrying one.
    pub fn parse(body: &[u8]) -> Result<Notification> {
        let parsed = espi_xml::read_document(body)
            .map_err(|error| Error::Notification(format!("the body is not ESPI XML: {error}")))?;
        let mut resources = Vec::new();
        let mut found = false;
        let lists: Vec<&Resource> = match &parsed.document {
            Document::Resource(resource) => vec![resource.as_ref()],
            document => document.resources().collect(),
        };
        for resource in lists {
            if let Resource::BatchList(list) = resource {
                found = true;
                resources.extend(list.resources.iter().map(|uri| uri.trim().to_owned()));
            }
        }
        if !found {
            return Err(Error::Notification(
                "the body holds no BatchList".to_owned(),
            ));
        }
        Ok(Notification { resources })
    }

    /// Each URI checked against the client's resource endpoint.
    pub fn targets(&self, client: &Client) -> Vec<NotificationTarget> {
        self.resources
            .iter()
            .map(|uri| {
                let url = Url::parse(uri).map_err(|error| Error::InvalidUrl {
                    url: uri.clone(),
                    reason: error.to_string(),
                });
                match url.and_then(|url| client.check_resource_url(&url).map(|()| url)) {
                    Ok(url) => NotificationTarget::Fetch(url),
                    Err(error) => NotificationTarget::Refused {
                        uri: uri.clone(),
                        error,
                    },
                }
            })
            .collect()
    }

    /// Fetches every URI under the resource endpoint with `session`'s token (each
    /// response read whole: notifications name new data, not whole histories) and
    /// lists the refused ones. A failed fetch is an error: what a notification names
    /// is fetched completely or not at all.
    pub async fn fetch(&self, session: &Session) -> Result<FetchedNotification> {
        let mut fetched = FetchedNotification::default();
        for target in self.targets(session.client()) {
            match target {
                NotificationTarget::Fetch(url) => {
                    let (entries, summary) = session
                        .get_url(&url, &Query::new())
                        .await?
                        .collect()
                        .await?;
                    fetched.resources.push((url, entries, summary));
                }
                NotificationTarget::Refused { uri, error } => {
                    tracing::warn!(%uri, %error, "notification URI refused");
                    fetched.refused.push((uri, error));
                }
            }
        }
        Ok(fetched)
    }

    /// Fetches the notification ([`Notification::fetch`]) and commits what it read to
    /// `store` under `subscription` (as a batch without a month: the months of a
    /// sync stay as they were).
    pub async fn fetch_into(
        &self,
        session: &Session,
        store: &dyn SyncStore,
        subscription: &str,
    ) -> Result<FetchedNotification> {
        let fetched = self.fetch(session).await?;
        let entries: Vec<Entry> = fetched.entries().cloned().collect();
        let batch = SyncBatch {
            entries,
            fetched_at: session.client().now(),
            month: None,
        };
        store.commit(subscription, batch).await?;
        Ok(fetched)
    }
}
