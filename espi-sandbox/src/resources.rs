//! The ESPI usage and customer resource GETs (the rows of [`espi_auth::ENDPOINTS`];
//! paths and names as GBA's OpenAPI contract), under `/DataCustodian/espi/1_1/resource`:
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
//! is left the answer is **204 No Content** (as PG&E answers a range without data), for collections and members alike. Bodies are
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
use espi_auth::{ENDPOINTS, Endpoint, Route};
use espi_model::atom::{Link, Metadata};
use espi_model::code_list::ServiceStatusCode;
use espi_model::date_time::format_utc;
use espi_model::resource::Namespace;
use espi_model::service_status::ServiceStatus;
use espi_model::{atom::Document, resource::Resource};
use std::sync::Arc;

/// How the sandbox serves a row of espi-auth's endpoint catalogue, read from the
/// shape of its path. The rows it does not serve have none: the Data Custodian's root
/// collections, the upload path, the PII bulk and the `RetailCustomer/…` hierarchy
/// (customer data is the `Batch/RetailCustomer` feed); ApplicationInformation and
/// Authorization are [`crate::admin_resources`]'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Serving {
    Status,
    Subscription,
    UsagePointTree,
    Bulk,
    RetailCustomer,
    Collection,
    Member,
    SharedCollection,
    SharedMember,
}

fn serving(endpoint: &Endpoint) -> Option<Serving> {
    let member = endpoint.path.ends_with('}');
    let segments: Vec<&str> = endpoint.path.split('/').collect();
    Some(match segments.as_slice() {
        ["ReadServiceStatus"] => Serving::Status,
        ["Batch", "Subscription", _] => Serving::Subscription,
        ["Batch", "Subscription", _, "UsagePoint", _] => Serving::UsagePointTree,
        ["Batch", "Bulk", _] => Serving::Bulk,
        ["Batch", "RetailCustomer", _] => Serving::RetailCustomer,
        ["Subscription", ..] if member => Serving::Member,
        ["Subscription", ..] => Serving::Collection,
        ["ReadingType" | "LocalTimeParameters", _] => Serving::SharedMember,
        ["ReadingType" | "LocalTimeParameters"] => Serving::SharedCollection,
        _ => return None,
    })
}

/// The routes of this module, relative to the server root: every catalogue row the
/// sandbox serves.
pub fn routes() -> Router<Arc<Shared>> {
    ENDPOINTS
        .iter()
        .filter(|endpoint| serving(endpoint).is_some())
        .fold(Router::new(), |router, endpoint| {
            router.route(
                &format!("{DATA_CUSTODIAN}{RESOURCE_PATH}/{}", endpoint.path),
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
    let request = Target::of(path)?;
    if request == Target::Status {
        return service_status();
    }
    let query = &permit.query;
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
enum Target {
    /// `ReadServiceStatus`.
    Status,
    /// `Batch/Subscription/{sid}`.
    Subscription(String),
    /// `Batch/Subscription/{sid}/UsagePoint/{id}`.
    UsagePointTree(String, String),
    /// `Batch/Bulk/{id}`.
    Bulk(String),
    /// `Batch/RetailCustomer/{id}`.
    RetailCustomer(String),
    /// `Subscription/{sid}/…` ending in a collection; the path with the current
    /// summary name.
    Collection(String, String),
    /// `Subscription/{sid}/…/{id}`; the path with the current summary name.
    Member(String, String),
    /// `ReadingType`, `LocalTimeParameters`.
    SharedCollection(&'static str),
    /// `ReadingType/{id}`, `LocalTimeParameters/{id}`.
    SharedMember(String),
}

impl Target {
    fn of(path: &str) -> Result<Target, ApiError> {
        let not_found = || ApiError::not_found(format!("no resource at {path}"));
        let route = Route::parse(path).ok_or_else(not_found)?;
        let id = |placeholder| route.id(placeholder).unwrap_or_default().to_owned();
        // The deprecated name is served as the current one.
        let current = || {
            route
                .path()
                .replace("/ElectricPowerUsageSummary", "/UsageSummary")
        };
        Ok(match serving(route.endpoint()).ok_or_else(not_found)? {
            Serving::Status => Target::Status,
            Serving::Subscription => Target::Subscription(id("subscriptionId")),
            Serving::UsagePointTree => {
                Target::UsagePointTree(id("subscriptionId"), id("usagePointId"))
            }
            Serving::Bulk => Target::Bulk(id("bulkId")),
            Serving::RetailCustomer => Target::RetailCustomer(id("retailCustomerId")),
            Serving::Collection => Target::Collection(id("subscriptionId"), current()),
            Serving::Member => Target::Member(id("subscriptionId"), current()),
            Serving::SharedCollection => Target::SharedCollection(route.endpoint().path),
            Serving::SharedMember => Target::SharedMember(route.path()),
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
fn select(data: &DataStore, target: &Target, permit: &Permit) -> Result<Selection, ApiError> {
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
        Target::Status => (Vec::new(), String::new(), usage, true),
        Target::UsagePointTree(sid, upid) => {
            let index = subscription(data, sid, permit)?;
            let items = data.usage(index);
            let path = format!("Subscription/{sid}/UsagePoint/{upid}");
            if !items.iter().any(|item| item.path == path) {
                return Err(ApiError::not_found(format!(
                    "subscription {sid} has no UsagePoint {upid}"
                )));
            }
            let in_tree = |item: &&Arc<Item>| item.usage_point.as_deref() == Some(upid.as_str());
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
                .filter(|item| item.collection == **segment)
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

/// `ReadServiceStatus`: the bare `ServiceStatus` (as in GBA's OpenAPI example).
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
    use espi_auth::TokenKind;

    #[test]
    fn paths_name_their_targets() {
        assert_eq!(
            Target::of("Batch/Subscription/1").unwrap(),
            Target::Subscription("1".into())
        );
        assert_eq!(
            Target::of("Batch/Subscription/1/UsagePoint/2").unwrap(),
            Target::UsagePointTree("1".into(), "2".into())
        );
        assert_eq!(
            Target::of("Subscription/1/UsagePoint/2/MeterReading").unwrap(),
            Target::Collection(
                "1".into(),
                "Subscription/1/UsagePoint/2/MeterReading".into()
            )
        );
        assert_eq!(
            Target::of("Subscription/1/UsagePoint/2/ElectricPowerUsageSummary/3").unwrap(),
            Target::Member(
                "1".into(),
                "Subscription/1/UsagePoint/2/UsageSummary/3".into()
            )
        );
        assert_eq!(
            Target::of("Subscription/1/UsagePoint/2/ElectricPowerUsageSummary").unwrap(),
            Target::Collection(
                "1".into(),
                "Subscription/1/UsagePoint/2/UsageSummary".into()
            )
        );
        assert_eq!(
            Target::of("ReadingType").unwrap(),
            Target::SharedCollection("ReadingType")
        );
        assert_eq!(
            Target::of("LocalTimeParameters/4").unwrap(),
            Target::SharedMember("LocalTimeParameters/4".into())
        );
        assert_eq!(Target::of("ReadServiceStatus").unwrap(), Target::Status);
        assert!(Target::of("Customer/1").is_err());
    }

    #[test]
    fn the_served_rows_are_the_usage_rows_a_third_party_reads() {
        let served: Vec<&str> = ENDPOINTS
            .iter()
            .filter(|endpoint| serving(endpoint).is_some())
            .map(|endpoint| endpoint.path)
            .collect();
        assert_eq!(served.len(), 21, "{served:#?}");
        for endpoint in ENDPOINTS
            .iter()
            .filter(|endpoint| serving(endpoint).is_some())
        {
            let third_party = [TokenKind::Access, TokenKind::Client]
                .iter()
                .any(|kind| endpoint.get.contains(kind));
            assert!(
                third_party,
                "{} is served but no third party reads it",
                endpoint.path
            );
        }
    }
}
