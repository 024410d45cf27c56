//! The administrative resources (`ReadServiceStatus`, and espi.xsd's `Authorization` and
//! `ApplicationInformation` under the paths of [`espi_auth::ENDPOINTS`]) and the revocation
//! admin route:
//!
//! | Route | Tokens | Answer |
//! |---|---|---|
//! | `GET …/resource/ApplicationInformation/{id}` | D, R | the registered application (`id` 1) |
//! | `GET …/resource/Authorization` | D, C | a feed of every Authorization |
//! | `GET …/resource/Authorization/{id}` | D, C | one Authorization |
//! | `DELETE …/resource/Authorization/{id}` | D, C | revokes it: 204 |
//! | `POST /DataCustodian/admin/Authorization/{id}/revoke` | D | revokes it: 200 with the entry |
//!
//! Documents are `application/atom+xml`, written by espi-xml's [`Writer`]. Each entry's
//! `id` is a name-based (version 5) `urn:uuid` of its self link, as GBA's tests want
//! (a UUID of version 3 or 5 in `urn:uuid:` form, GBA's FB_04 data rules); `published` is the grant, `updated` the last change. An
//! Authorization's `related` link is the data it grants (`resourceURI`, and
//! `customerResourceURI` when there is one) for a customer grant, and the
//! ApplicationInformation for a client grant (the schema's documentation of
//! `Authorization`).
//!
//! The Authorization feed honours `updated-min`/`updated-max`, `published-min`/
//! `published-max` (by the entry's `published`, the grant), `start-index`,
//! `max-results` and `depth` as the resource feeds do ([`espi_auth::Query`], parsed by
//! [`crate::query`]); the member GETs refuse malformed values of them alike.

use crate::access::check;
use crate::error::ApiError;
use crate::grants::{APPLICATION_ID, AuthorizationRecord, Terms};
use crate::query;
use crate::state::{Shared, lock};
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use espi_auth::Query;
use espi_auth::TokenKind;
use espi_model::application_information::ApplicationInformation;
use espi_model::atom::Metadata;
use espi_model::authorization::Authorization;
use espi_model::code_list::{
    DataCustodianApplicationStatus, GrantType, ResponseType, TokenEndPointMethod, TokenType,
};
use espi_model::date_time::format_utc;
use espi_model::{
    atom::{Document, Entry, Link},
    resource::Resource,
};
use espi_xml::{WriteOptions, Writer};
use std::sync::Arc;

/// The resource paths, under the server root.
const APPLICATION_INFORMATION: &str =
    "/DataCustodian/espi/1_1/resource/ApplicationInformation/{id}";
const AUTHORIZATIONS: &str = "/DataCustodian/espi/1_1/resource/Authorization";
const AUTHORIZATION: &str = "/DataCustodian/espi/1_1/resource/Authorization/{id}";
const REVOKE: &str = "/DataCustodian/admin/Authorization/{id}/revoke";

/// The routes of this module, relative to the server root.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(APPLICATION_INFORMATION, get(application_information))
        .route(AUTHORIZATIONS, get(authorization_feed))
        .route(
            AUTHORIZATION,
            get(authorization_entry).delete(delete_authorization),
        )
        .route(REVOKE, post(admin_revoke))
}

/// `GET ApplicationInformation/{id}`.
async fn application_information(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let path = format!("ApplicationInformation/{id}");
    // A member has nothing to page, but `check` refuses malformed parameters as on feeds.
    check(
        &shared,
        &headers,
        &Method::GET,
        &path,
        &query.unwrap_or_default(),
    )?;
    if id != APPLICATION_ID {
        return Err(ApiError::not_found(format!(
            "there is no ApplicationInformation {id:?}: the sandbox registers one application, {APPLICATION_ID}"
        )));
    }
    let now = shared.now();
    let resource_base = shared.resource_base();
    let registration_token = {
        let mut auth = lock(&shared.auth);
        auth.admin_token(now, &Terms::of(&shared), TokenKind::Registration)
            .map_err(|error| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, error.description)
            })?
    };
    let client = &shared.config.client;
    let bulk_request_uri = client
        .scopes
        .iter()
        .filter_map(|offer| espi_auth::Scope::parse(offer).ok())
        .find_map(|offer| offer.scope.bulk_id)
        .map_or_else(
            || format!("{resource_base}/Batch/Bulk"),
            |bulk| format!("{resource_base}/Batch/Bulk/{bulk}"),
        );
    let self_href = format!("{resource_base}/{path}");
    let application = ApplicationInformation {
        data_custodian_id: Some("espi-sandbox".to_owned()),
        data_custodian_application_status: Some(DataCustodianApplicationStatus::Production),
        authorization_server_uri: Some(shared.base.clone()),
        // anyURI admits the empty string: no notifications are sent when none is set.
        third_party_notify_uri: Some(client.notify_uri.clone().unwrap_or_default()),
        authorization_server_authorization_endpoint: Some(format!(
            "{}/oauth/authorize",
            shared.base
        )),
        authorization_server_token_endpoint: Some(format!("{}/oauth/token", shared.base)),
        data_custodian_bulk_request_uri: Some(bulk_request_uri),
        data_custodian_resource_endpoint: Some(resource_base.clone()),
        client_secret: Some(client.client_secret.clone()),
        client_name: Some(client.client_id.clone()),
        redirect_uri: client.redirect_uris.clone(),
        client_id: Some(client.client_id.clone()),
        software_id: Some("espi-sandbox".to_owned()),
        software_version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        client_id_issued_at: Some(0),
        client_secret_expires_at: Some(0),
        token_endpoint_auth_method: Some(TokenEndPointMethod::ClientSecretBasic),
        scope: client.scopes.clone(),
        grant_types: vec![
            GrantType::AuthorizationCode,
            GrantType::ClientCredentials,
            GrantType::RefreshToken,
        ],
        response_types: Some(ResponseType::Code),
        registration_client_uri: Some(self_href.clone()),
        registration_access_token: Some(registration_token),
        ..ApplicationInformation::default()
    };
    let entry = Entry {
        meta: Metadata {
            id: Some(uuid_urn(&self_href)),
            title: Some(format!("ApplicationInformation {id}")),
            published: Some(format_utc(0)),
            updated: Some(format_utc(now)),
            // No `up`: the collection of every registration is not served.
            links: vec![Link::new("self", &self_href)],
            ..Metadata::default()
        },
        content: vec![Resource::ApplicationInformation(application)],
        ..Entry::default()
    };
    atom(&Document::Entry(entry))
}

/// `GET Authorization`.
async fn authorization_feed(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let permit = check(
        &shared,
        &headers,
        &Method::GET,
        "Authorization",
        &query.unwrap_or_default(),
    )?;
    let paging = Paging(permit.query);
    let now = shared.now();
    let resource_base = shared.resource_base();
    let entries: Vec<Entry> = {
        let auth = lock(&shared.auth);
        auth.authorizations()
            .filter(|record| paging.accepts(record))
            .skip(paging.skip())
            .take(paging.limit())
            .map(|record| authorization_entry_of(record, &resource_base, now))
            .collect()
    };
    let self_href = format!("{resource_base}/Authorization");
    let mut writer = Writer::new(Vec::new(), WriteOptions::default());
    let meta = Metadata {
        id: Some(uuid_urn(&self_href)),
        title: Some("Authorizations".to_owned()),
        updated: Some(format_utc(now)),
        links: vec![Link::new("self", &self_href)],
        ..Metadata::default()
    };
    let written = writer.start_feed(&meta).and_then(|()| {
        entries
            .iter()
            .try_for_each(|entry| writer.write_entry(entry))
    });
    written.map_err(write_failed)?;
    let body = writer.finish().map_err(write_failed)?;
    Ok(atom_bytes(body))
}

/// `GET Authorization/{id}`.
async fn authorization_entry(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let path = format!("Authorization/{id}");
    // A member has nothing to page, but `check` refuses malformed parameters as on feeds.
    check(
        &shared,
        &headers,
        &Method::GET,
        &path,
        &query.unwrap_or_default(),
    )?;
    let now = shared.now();
    let entry = {
        let auth = lock(&shared.auth);
        let record = auth.authorization(&id).ok_or_else(|| unknown(&id))?;
        authorization_entry_of(record, &shared.resource_base(), now)
    };
    atom(&Document::Entry(entry))
}

/// `DELETE Authorization/{id}`: revokes (FB_44 "Manage Authorization").
async fn delete_authorization(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let path = format!("Authorization/{id}");
    check(&shared, &headers, &Method::DELETE, &path, "")?;
    revoke(&shared, &id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /DataCustodian/admin/Authorization/{id}/revoke`, with the Data Custodian's
/// token: revokes and answers with the revoked Authorization.
async fn admin_revoke(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let path = format!("Authorization/{id}");
    let permit = check(&shared, &headers, &Method::DELETE, &path, "")?;
    if permit.token != TokenKind::DataCustodian {
        return Err(ApiError::forbidden(format!(
            "the admin routes take the Data Custodian's token, not a {}",
            permit.token
        )));
    }
    revoke(&shared, &id)?;
    let now = shared.now();
    let entry = {
        let auth = lock(&shared.auth);
        let record = auth.authorization(&id).ok_or_else(|| unknown(&id))?;
        authorization_entry_of(record, &shared.resource_base(), now)
    };
    atom(&Document::Entry(entry))
}

/// Revokes Authorization `id` at the sandbox's now.
pub fn revoke(shared: &Shared, id: &str) -> Result<(), ApiError> {
    let now = shared.now();
    lock(&shared.auth)
        .revoke(id, now)
        .map_err(|error| ApiError::not_found(error.to_string()))
}

fn unknown(id: &str) -> ApiError {
    ApiError::not_found(format!("there is no Authorization {id:?}"))
}

/// The Atom entry of an Authorization at `now`.
fn authorization_entry_of(record: &AuthorizationRecord, resource_base: &str, now: i64) -> Entry {
    let mut authorization = Authorization {
        published_period: record.published_period.clone(),
        grant_type: Some(record.grant_type.clone()),
        token_type: Some(TokenType::Bearer),
        resource_uri: Some(record.resource_uri.clone()),
        authorization_uri: Some(record.authorization_uri.clone()),
        customer_resource_uri: record.customer_resource_uri.clone(),
        ..Authorization::default()
    };
    // Status (with the end of the authorizedPeriod applied), expires_at, scope and
    // authorizedPeriod.
    record.state.expire(now).write_to(&mut authorization);
    let mut links = vec![
        Link::new("self", &record.authorization_uri),
        Link::new("up", &format!("{resource_base}/Authorization")),
    ];
    match record.token_kind {
        TokenKind::Access => {
            links.push(Link::new("related", &record.resource_uri));
            if let Some(customer) = &record.customer_resource_uri {
                links.push(Link::new("related", customer));
            }
        }
        _ => links.push(Link::new(
            "related",
            &format!("{resource_base}/ApplicationInformation/{APPLICATION_ID}"),
        )),
    }
    Entry {
        meta: Metadata {
            id: Some(uuid_urn(&record.authorization_uri)),
            title: Some(format!("Authorization {}", record.id)),
            published: Some(format_utc(record.granted_at)),
            updated: Some(format_utc(record.updated_at)),
            links,
            ..Metadata::default()
        },
        content: vec![Resource::Authorization(authorization)],
        ..Entry::default()
    }
}

/// How the Authorization feed applies the FB_37 parameters, parsed by the resource
/// feeds' own [`Query`] so that both answer malformed values alike.
struct Paging(Query);

impl Paging {
    /// Whether an Authorization is in the feed: granted inside the published bounds,
    /// last changed inside the updated bounds (both inclusive). The program's data
    /// window does not apply: it bounds usage data, not the records of grants.
    fn accepts(&self, record: &AuthorizationRecord) -> bool {
        let within = |value: i64, low: Option<i64>, high: Option<i64>| {
            low.is_none_or(|low| value >= low) && high.is_none_or(|high| value <= high)
        };
        let query = &self.0;
        within(record.granted_at, query.published_min, query.published_max)
            && within(record.updated_at, query.updated_min, query.updated_max)
    }

    fn skip(&self) -> usize {
        query::skip(&self.0)
    }

    fn limit(&self) -> usize {
        query::limit(&self.0)
    }
}

/// A whole document as an Atom response.
fn atom(document: &Document) -> Result<Response, ApiError> {
    let body = Writer::new(Vec::new(), WriteOptions::default())
        .write_document(document)
        .map_err(write_failed)?;
    Ok(atom_bytes(body))
}

fn atom_bytes(body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml"),
        )],
        body,
    )
        .into_response()
}

fn write_failed(error: std::io::Error) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        None,
        format!("the Atom document could not be written: {error}"),
    )
}

/// `urn:uuid:` of the name-based (version 5) UUID of `name` in the URL namespace
/// (RFC 9562 §5.5).
fn uuid_urn(name: &str) -> String {
    format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_v5_matches_a_known_value() {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "http://example.com/")
        assert_eq!(
            uuid_urn("http://example.com/"),
            "urn:uuid:0a300ee9-f9e4-5697-a51a-efc7fafaba67"
        );
    }

    #[test]
    fn paging_takes_the_counts_of_the_query() {
        let paging = Paging(query::read("start-index=3&max-results=5&depth=4").expect("valid"));
        assert_eq!((paging.skip(), paging.limit()), (2, 4));
    }
}
