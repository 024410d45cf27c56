//! The ESPI usage and customer resource GETs (espi-reference §1.3, §1.4; paths and
//! names as GBA's OpenAPI contract), under `/DataCustodian/espi/1_1/resource`:
//!
//! | Path | Answer |
//! |---|---|
//! | `ReadServiceStatus` | a bare `ServiceStatus`, currentStatus 1 |
//! | `Batch/Subscription/{sid}` | feed: every usage entry of the subscription |
//! | `Batch/Subscription/{sid}/UsagePoint/{id}` | feed: one UsagePoint's tree, with its ReadingTypes and LocalTimeParameters |
//! | `Batch/Bulk/{bulkId}` | feed: every usage entry of the customers the (client) token may read |
//! | `Batch/RetailCustomer/{rcid}` | feed of the customer (PII) data, in the `cust` namespace |
//! | `Subscription/{sid}/UsagePoint[/{id}]` | collection feed / member entry |
//! | `…/UsagePoint/{id}/MeterReading[/{id}]` | collection feed / member entry |
//! | `…/MeterReading/{id}/IntervalBlock[/{id}]` | collection feed / member entry |
//! | `…/UsagePoint/{id}/UsageSummary[/{id}]` (also the deprecated `ElectricPowerUsageSummary`) | collection feed / member entry |
//! | `…/UsagePoint/{id}/ElectricPowerQualitySummary[/{id}]` | collection feed / member entry |
//! | `ReadingType[/{id}]`, `LocalTimeParameters[/{id}]` | those of the customers the token may read |
//!
//! Every handler asks [`access::check`] first. Then: an unknown subscription, usage
//! point, parent or id is 404; a subscription or customer the token does not cover is
//! 403. The query parameters ([`crate::query`]) select and page the entries; when none
//! is left the answer is **204 No Content** (as PG&E answers a range without data,
//! espi-reference §1.7), for collections and members alike. Bodies are
//! `application/atom+xml`, streamed ([`crate::stream`]).
//!
//! Customer (PII) data and usage data never share a response.

use crate::access::{self, Permit};
use crate::data::{DataStore, Item, entry_id};
use crate::error::ApiError;
use crate::query::{self, DateFilter};
use crate::state::{DATA_CUSTODIAN, RESOURCE_PATH, Shared, read};
use crate::stream::{self, AtomBody};
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use espi_model::atom::{Link, Metadata};
use espi_model::code_list::ServiceStatusCode;
use espi_model::date_time::format_utc;
use espi_model::resource::Namespace;
use espi_model::service_status::ServiceStatus;
use espi_model::{Document, Resource};
use std::sync::Arc;

/// The resource path templates served here, relative to `…/espi/1_1/resource/`.
pub const PATHS: &[&str] = &[
    "ReadServiceStatus",
    "Batch/Subscription/{subscriptionId}",
    "Batch/Subscription/{subscriptionId}/UsagePoint/{usagePointId}",
    "Batch/Bulk/{bulkId}",
    "Batch/RetailCustomer/{retailCustomerId}",
    "Subscription/{subscriptionId}/UsagePoint",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/MeterReading/{meterReadingId}/IntervalBlock/{intervalBlockId}",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/UsageSummary/{usageSummaryId}",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerUsageSummary/{usageSummaryId}",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerQualitySummary",
    "Subscription/{subscriptionId}/UsagePoint/{usagePointId}/ElectricPowerQualitySummary/{electricPowerQualitySummaryId}",
    "ReadingType",
    "ReadingType/{readingTypeId}",
    "LocalTimeParameters",
    "LocalTimeParameters/{localTimeParameterId}",
];

/// The routes of this module, relative to the server root.
pub fn routes() -> Router<Arc<Shared>> {
    PATHS.iter().fold(Router::new(), |router, path| {
        router.route(
            &format!("{DATA_CUSTODIAN}{RESOURCE_PATH}/{path}"),
            get(resource),
        )
    })
}

/// The one handler: the route matched the path; the path says what to select.
async fn resource(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let prefix = format!("{DATA_CUSTODIAN}{RESOURCE_PATH}/");
    let path = uri.path().strip_prefix(&prefix).unwrap_or(uri.path());
    let raw_query = uri.query().unwrap_or("");
    let permit = access::check(&shared, &headers, &method, path, raw_query)?;
    if path == "ReadServiceStatus" {
        return service_status();
    }
    let query = &permit.query;
    let request = Target::of(path)?;
    // The data lock is held while selecting, never while writing.
    let (selection, items) = {
        let data = read(&shared.data);
        let selection = select(&data, &request, &permit)?;
        let filter = match selection.namespace {
            Namespace::Customer => DateFilter::query_only(query),
            Namespace::Espi => DateFilter::new(query, permit.window),
        };
        let items: Vec<Arc<Item>> = selection
            .items
            .iter()
            .filter(|item| filter.accepts(item))
            .skip(query::skip(query))
            .take(query::limit(query))
            .cloned()
            .collect();
        (selection, items)
    };
    if selection.member {
        return Ok(match items.into_iter().next() {
            Some(item) => stream::atom_response(shared, AtomBody::Entry(item)),
            None => no_content(),
        });
    }
    if items.is_empty() {
        return Ok(no_content());
    }
    let self_href = match uri.query() {
        Some(query) => format!("{}/{path}?{query}", shared.resource_base()),
        None => format!("{}/{path}", shared.resource_base()),
    };
    let meta = Metadata {
        id: Some(entry_id(&format!("feed/{path}"))),
        title: Some(selection.title),
        updated: Some(format_utc(shared.now())),
        links: vec![Link::new("self", &self_href)],
        ..Metadata::default()
    };
    Ok(stream::atom_response(
        shared,
        AtomBody::Feed {
            meta,
            namespace: selection.namespace,
            items,
        },
    ))
}

/// What a request path asks for.
#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    /// `Batch/Subscription/{sid}`.
    Subscription(&'a str),
    /// `Batch/Subscription/{sid}/UsagePoint/{id}`.
    UsagePointTree(&'a str, &'a str),
    /// `Batch/Bulk/{id}`.
    Bulk(&'a str),
    /// `Batch/RetailCustomer/{id}`.
    RetailCustomer(&'a str),
    /// `Subscription/{sid}/…` ending in a collection; the path with the current
    /// summary name.
    Collection(&'a str, String),
    /// `Subscription/{sid}/…/{id}`; the path with the current summary name.
    Member(&'a str, String),
    /// `ReadingType`, `LocalTimeParameters`.
    SharedCollection(&'a str),
    /// `ReadingType/{id}`, `LocalTimeParameters/{id}`.
    SharedMember(String),
}

impl<'a> Target<'a> {
    fn of(path: &'a str) -> Result<Target<'a>, ApiError> {
        let segments: Vec<&str> = path.split('/').collect();
        Ok(match segments.as_slice() {
            ["Batch", "Subscription", sid] => Target::Subscription(sid),
            ["Batch", "Subscription", sid, "UsagePoint", id] => Target::UsagePointTree(sid, id),
            ["Batch", "Bulk", id] => Target::Bulk(id),
            ["Batch", "RetailCustomer", id] => Target::RetailCustomer(id),
            ["Subscription", sid, rest @ ..] => {
                // The deprecated name is served as the current one (espi-reference §1.3).
                let current = path.replace("/ElectricPowerUsageSummary", "/UsageSummary");
                if rest.len() % 2 == 1 {
                    Target::Collection(sid, current)
                } else {
                    Target::Member(sid, current)
                }
            }
            [kind] => Target::SharedCollection(kind),
            [_, _] => Target::SharedMember(path.to_owned()),
            _ => return Err(ApiError::not_found(format!("no resource at {path}"))),
        })
    }
}

/// The candidate entries of a request.
struct Selection {
    /// In serving order, before the query's filters.
    items: Vec<Arc<Item>>,
    /// The feed's title.
    title: String,
    /// Usage or customer data.
    namespace: Namespace,
    /// Whether the answer is one entry (a member GET).
    member: bool,
}

/// The candidate entries of a request.
fn select(data: &DataStore, target: &Target<'_>, permit: &Permit) -> Result<Selection, ApiError> {
    let usage = Namespace::Espi;
    let (items, title, namespace, member) = match target {
        Target::Subscription(sid) => {
            let index = subscription(data, sid, permit)?;
            (
                data.usage(index).to_vec(),
                format!("Green Button Subscription {sid}"),
                usage,
                false,
            )
        }
        Target::UsagePointTree(sid, upid) => {
            let index = subscription(data, sid, permit)?;
            let items = data.usage(index);
            let path = format!("Subscription/{sid}/UsagePoint/{upid}");
            if !items.iter().any(|item| item.path == path) {
                return Err(ApiError::not_found(format!(
                    "subscription {sid} has no UsagePoint {upid}"
                )));
            }
            let in_tree = |item: &&Arc<Item>| item.usage_point.as_deref() == Some(upid);
            let shared: Vec<&str> = items
                .iter()
                .filter(in_tree)
                .flat_map(|item| item.refs.iter().map(String::as_str))
                .collect();
            let tree = items
                .iter()
                .filter(|item| in_tree(item) || shared.contains(&item.path.as_str()))
                .cloned()
                .collect();
            (
                tree,
                format!("UsagePoint {upid} of subscription {sid}"),
                usage,
                false,
            )
        }
        Target::Bulk(bulk) => {
            let items = permitted(data, permit)
                .flat_map(|index| data.usage(index).iter().cloned())
                .collect();
            (items, format!("Green Button Bulk {bulk}"), usage, false)
        }
        Target::RetailCustomer(rcid) => {
            let index = data.customer_index(rcid).ok_or_else(|| {
                ApiError::not_found(format!("there is no retail customer {rcid}"))
            })?;
            if !permit.retail_customers.iter().any(|id| id == rcid) {
                return Err(ApiError::forbidden(format!(
                    "the token may not read retail customer {rcid}'s data"
                )));
            }
            (
                data.customer_data(index).to_vec(),
                format!("Retail customer {rcid}"),
                Namespace::Customer,
                false,
            )
        }
        Target::Collection(sid, path) => {
            let index = subscription(data, sid, permit)?;
            let items = data.usage(index);
            parent_exists(items, sid, path)?;
            let members = items
                .iter()
                .filter(|item| item.collection == *path)
                .cloned()
                .collect();
            let title = path.rsplit('/').next().unwrap_or(path).to_owned();
            (members, title, usage, false)
        }
        Target::Member(sid, path) => {
            let index = subscription(data, sid, permit)?;
            let member = data
                .usage(index)
                .iter()
                .find(|item| item.path == *path)
                .cloned()
                .ok_or_else(|| ApiError::not_found(format!("there is no resource {path}")))?;
            (vec![member], String::new(), usage, true)
        }
        Target::SharedCollection(segment) => {
            let items = permitted(data, permit)
                .flat_map(|index| data.usage(index).iter())
                .filter(|item| item.collection == *segment)
                .cloned()
                .collect();
            (items, (*segment).to_owned(), usage, false)
        }
        Target::SharedMember(path) => {
            let member = permitted(data, permit)
                .flat_map(|index| data.usage(index).iter())
                .find(|item| item.path == *path)
                .cloned()
                .ok_or_else(|| {
                    ApiError::not_found(format!(
                        "there is no resource {path} in the data this token may read"
                    ))
                })?;
            (vec![member], String::new(), usage, true)
        }
    };
    Ok(Selection {
        items,
        title,
        namespace,
        member,
    })
}

/// The customer of subscription `sid`, if the permit covers it.
fn subscription(data: &DataStore, sid: &str, permit: &Permit) -> Result<usize, ApiError> {
    let index = data
        .customer_index(sid)
        .ok_or_else(|| ApiError::not_found(format!("there is no subscription {sid}")))?;
    let bound_elsewhere = permit
        .subscription_id
        .as_deref()
        .is_some_and(|bound| bound != sid);
    if bound_elsewhere || !permit.retail_customers.iter().any(|id| id == sid) {
        return Err(ApiError::forbidden(format!(
            "the token may not read subscription {sid}"
        )));
    }
    Ok(index)
}

/// The customers the permit covers, as store positions.
fn permitted<'a>(data: &'a DataStore, permit: &'a Permit) -> impl Iterator<Item = usize> + 'a {
    permit
        .retail_customers
        .iter()
        .filter_map(|id| data.customer_index(id))
}

/// A collection exists when its parent (the subscription or a UsagePoint or
/// MeterReading) does, or when it has members (those placed under a parent that is not
/// in the data, see [`crate::data`]).
fn parent_exists(items: &[Arc<Item>], sid: &str, collection: &str) -> Result<(), ApiError> {
    let Some((parent, _)) = collection.rsplit_once('/') else {
        return Ok(());
    };
    if parent == format!("Subscription/{sid}")
        || items
            .iter()
            .any(|item| item.path == parent || item.collection == collection)
    {
        return Ok(());
    }
    Err(ApiError::not_found(format!(
        "there is no resource {parent}"
    )))
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// `ReadServiceStatus`: the bare `ServiceStatus` (espi-reference §1.3).
fn service_status() -> Result<Response, ApiError> {
    let status = ServiceStatus {
        current_status: Some(ServiceStatusCode::Normal),
        ..ServiceStatus::default()
    };
    let document = Document::Resource(Box::new(Resource::ServiceStatus(status)));
    let body = espi_xml::write_document(&document, Vec::new(), espi_xml::WriteOptions::compact())
        .map_err(|error| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            format!("writing the ServiceStatus: {error}"),
        )
    })?;
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(stream::ATOM));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_targets() {
        assert_eq!(
            Target::of("Batch/Subscription/1").unwrap(),
            Target::Subscription("1")
        );
        assert_eq!(
            Target::of("Batch/Subscription/1/UsagePoint/2").unwrap(),
            Target::UsagePointTree("1", "2")
        );
        assert_eq!(
            Target::of("Subscription/1/UsagePoint/2/MeterReading").unwrap(),
            Target::Collection("1", "Subscription/1/UsagePoint/2/MeterReading".into())
        );
        assert_eq!(
            Target::of("Subscription/1/UsagePoint/2/ElectricPowerUsageSummary/3").unwrap(),
            Target::Member("1", "Subscription/1/UsagePoint/2/UsageSummary/3".into())
        );
        assert_eq!(
            Target::of("ReadingType").unwrap(),
            Target::SharedCollection("ReadingType")
        );
        assert_eq!(
            Target::of("LocalTimeParameters/4").unwrap(),
            Target::SharedMember("LocalTimeParameters/4".into())
        );
    }
}
