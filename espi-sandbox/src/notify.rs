//! Adding usage data while the sandbox runs, and the notification that follows (see
//! [`RunningSandbox::add_usage`](crate::RunningSandbox::add_usage)).

use crate::access;
use crate::error::ApiError;
use crate::state::{Shared, lock, write};
use crate::stream::ATOM;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use espi_auth::TokenKind;
use espi_model::batch_list::BatchList;
use espi_model::date_time::format_utc;
use espi_model::{atom::Document, resource::Resource};
use espi_serve::read_body;
use std::sync::Arc;
use std::time::Duration;

/// The admin route adding usage data, under the server root.
pub(crate) const ADD_USAGE_ROUTE: &str =
    "/DataCustodian/admin/RetailCustomer/{retailCustomerId}/UsagePoint";

/// How long the notification POST may take.
const NOTIFY_TIMEOUT: Duration = Duration::from_secs(10);

/// What adding data did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedUsage {
    /// The retail customer.
    pub retail_customer: String,
    /// How many entries were added.
    pub entries: usize,
    /// The added entries' `self` hrefs.
    pub hrefs: Vec<String>,
    /// The notification.
    pub notification: NotificationDelivery,
}

/// The notification after adding data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationDelivery {
    /// Nothing was added, so nothing was announced.
    NothingAdded,
    /// The client registered no notify URI.
    NoNotifyUri,
    /// The customer has no authorization in force.
    NoActiveSubscription,
    /// The BatchList was POSTed and answered.
    Sent {
        /// Where it went.
        uri: String,
        /// The URIs it listed.
        resources: Vec<String>,
        /// The HTTP status of the answer.
        status: u16,
    },
    /// The BatchList could not be delivered.
    Failed {
        /// Where it was to go.
        uri: String,
        /// The URIs it listed.
        resources: Vec<String>,
        /// What went wrong.
        error: String,
    },
}

impl NotificationDelivery {
    /// The URIs listed, when a BatchList was made.
    pub fn resources(&self) -> &[String] {
        match self {
            NotificationDelivery::Sent { resources, .. }
            | NotificationDelivery::Failed { resources, .. } => resources,
            _ => &[],
        }
    }

    fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            NotificationDelivery::NothingAdded => {
                json!({"sent": false, "why": "nothing was added"})
            }
            NotificationDelivery::NoNotifyUri => {
                json!({"sent": false, "why": "the client registered no notify URI"})
            }
            NotificationDelivery::NoActiveSubscription => {
                json!({"sent": false, "why": "the customer has no authorization in force"})
            }
            NotificationDelivery::Sent {
                uri,
                resources,
                status,
            } => json!({"sent": true, "uri": uri, "resources": resources, "status": status}),
            NotificationDelivery::Failed {
                uri,
                resources,
                error,
            } => json!({"sent": false, "uri": uri, "resources": resources, "error": error}),
        }
    }
}

/// Why data could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddError {
    /// No such retail customer.
    #[error("there is no retail customer {0}")]
    UnknownCustomer(String),
    /// The document's entries do not link to the customer's data (or it has none);
    /// one line per problem. Nothing was added.
    #[error("nothing was added: {}", .0.join("; "))]
    Refused(Vec<String>),
}

/// Adds `document` to a retail customer's usage data and notifies the client.
pub(crate) async fn add_usage(
    shared: &Arc<Shared>,
    retail_customer: &str,
    document: Document,
) -> Result<AddedUsage, AddError> {
    let now = shared.now();
    let added = {
        let mut data = write(&shared.data);
        let index = data
            .customer_index(retail_customer)
            .ok_or_else(|| AddError::UnknownCustomer(retail_customer.to_owned()))?;
        data.add(index, document, now).map_err(AddError::Refused)?
    };
    let base = shared.resource_base();
    let hrefs = added
        .paths
        .iter()
        .map(|path| format!("{base}/{path}"))
        .collect();
    let notification = if added.entries == 0 {
        NotificationDelivery::NothingAdded
    } else {
        let range = match (added.data_span, added.others) {
            (Some(span), 0) => span,
            (Some((start, end)), _) => (start.min(now), end.max(now)),
            (None, _) => (now, now),
        };
        notify(shared, retail_customer, range, now).await
    };
    match &notification {
        NotificationDelivery::Sent { uri, status, .. } => tracing::info!(
            "added {} entries for retail customer {retail_customer}; notified {uri}: {status}",
            added.entries
        ),
        NotificationDelivery::Failed { uri, error, .. } => tracing::warn!(
            "added {} entries for retail customer {retail_customer}; notifying {uri} failed: {error}",
            added.entries
        ),
        other => tracing::info!(
            "added {} entries for retail customer {retail_customer}; not notified: {other:?}",
            added.entries
        ),
    }
    Ok(AddedUsage {
        retail_customer: retail_customer.to_owned(),
        entries: added.entries,
        hrefs,
        notification,
    })
}

/// POSTs the BatchList for `range` to the client's notify URI.
async fn notify(
    shared: &Shared,
    retail_customer: &str,
    range: (i64, i64),
    now: i64,
) -> NotificationDelivery {
    let Some(uri) = shared.config.client.notify_uri.clone() else {
        return NotificationDelivery::NoNotifyUri;
    };
    let subscriptions = lock(&shared.auth).active_subscriptions(retail_customer, now);
    if subscriptions.is_empty() {
        return NotificationDelivery::NoActiveSubscription;
    }
    let base = shared.resource_base();
    let resources: Vec<String> = subscriptions
        .iter()
        .map(|sid| {
            format!(
                "{base}/Batch/Subscription/{sid}?published-min={}&published-max={}&updated-min={}",
                format_utc(range.0),
                format_utc(range.1),
                format_utc(now)
            )
        })
        .collect();
    let list = BatchList {
        resources: resources.clone(),
        ..BatchList::default()
    };
    let document = Document::Resource(Box::new(Resource::BatchList(list)));
    let body =
        match espi_xml::write_document(&document, Vec::new(), espi_xml::WriteOptions::compact()) {
            Ok(body) => body,
            Err(error) => {
                return NotificationDelivery::Failed {
                    uri,
                    resources,
                    error: format!("writing the BatchList: {error}"),
                };
            }
        };
    let sent = shared
        .http
        .post(&uri)
        .header(header::CONTENT_TYPE, ATOM)
        .timeout(NOTIFY_TIMEOUT)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(answer) => NotificationDelivery::Sent {
            uri,
            resources,
            status: answer.status().as_u16(),
        },
        Err(error) => NotificationDelivery::Failed {
            uri,
            resources,
            error: error.to_string(),
        },
    }
}

/// The admin route (see the module documentation).
pub fn routes() -> Router<Arc<Shared>> {
    Router::new().route(ADD_USAGE_ROUTE, post(add_usage_route))
}

/// The body is read only once the token is known to be allowed, and at most
/// `ServerLimits::upload_bytes` of it.
async fn add_usage_route(
    State(shared): State<Arc<Shared>>,
    Path(retail_customer): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let path = format!("Batch/RetailCustomer/{retail_customer}/UsagePoint");
    let permit = access::check(&shared, &headers, &Method::POST, &path, "")?;
    if !matches!(permit.token, TokenKind::DataCustodian | TokenKind::Upload) {
        return Err(ApiError::forbidden(format!(
            "adding data takes the Data Custodian's or an upload token, not a {}",
            permit.token
        )));
    }
    let limits = &shared.config.limits;
    let body = read_body(
        &headers,
        body,
        limits.upload_bytes,
        limits.body_read_timeout,
    )
    .await
    .map_err(|error| ApiError::new(error.status(), None, error.to_string()))?;
    let parsed = tokio::task::spawn_blocking(move || espi_xml::read_document(&body[..]))
        .await
        .map_err(|error| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
                format!("reading the document: {error}"),
            )
        })?
        .map_err(|error| {
            ApiError::bad_request(format!("the body is not an ESPI document: {error}"))
        })?;
    let added = add_usage(&shared, &retail_customer, parsed.document)
        .await
        .map_err(|error| match error {
            AddError::UnknownCustomer(_) => ApiError::not_found(error.to_string()),
            AddError::Refused(_) => ApiError::bad_request(error.to_string()),
        })?;
    let summary = serde_json::json!({
        "retail_customer": added.retail_customer,
        "added": added.entries,
        "hrefs": added.hrefs,
        "notification": added.notification.to_json(),
    });
    let mut response = (StatusCode::CREATED, format!("{summary:#}\n")).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
