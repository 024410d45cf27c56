//! The whole third-party flow against the sandbox: authorize (auto-approve), exchange,
//! sync, and the synced readings compared with the source file's facts; then a second
//! run that resumes, re-reads the recent months and changes nothing.

mod common;

use common::*;
use espi_auth::{BulkId, Query};
use espi_client::{AuthorizationOptions, LocalTimeParametersId, ReadingTypeId, ResourcePath};
use espi_client::{MemorySyncStore, SyncOptions, SyncStore, sync_subscription};
use espi_model::{
    atom::Document,
    resource::{Resource, ResourceKind},
};
use std::time::Instant;

#[tokio::test]
async fn authorize_exchange_and_sync_equal_the_source_file() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);

    // The authorization URL carries everything ESPI asks for, and PKCE.
    let request = client
        .authorization_request(
            USAGE_SCOPE,
            AuthorizationOptions::new().extra("retail_customer", "2"),
        )
        .expect("a request");
    let parameters: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let get = |name: &str| {
        parameters
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(get("response_type"), Some("code"));
    assert_eq!(get("client_id"), Some(sandbox.client_id()));
    assert_eq!(get("redirect_uri"), Some(REDIRECT_URI));
    assert_eq!(get("scope"), Some(USAGE_SCOPE));
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert!(get("code_challenge").is_some_and(|challenge| challenge.len() == 43));
    assert!(
        request
            .pending
            .state()
            .matches(get("state").expect("a state"))
    );

    let location = location_of(&request.url).await;
    let tokens = client
        .complete_authorization(&request.pending, &location)
        .await
        .expect("the code is exchanged");
    assert_eq!(tokens.scope.as_deref(), Some(USAGE_SCOPE));
    assert!(tokens.refresh_token.is_some());
    let subscription = tokens.resource_uri.clone().expect("a resourceURI");
    assert!(
        subscription.ends_with("/Batch/Subscription/2"),
        "{subscription}"
    );
    assert!(tokens.authorization_uri.is_some());

    // The Authorization resource takes a client token ([`espi_auth::ENDPOINTS`]).
    let admin = client
        .client_credentials(Some(BULK_SCOPE))
        .await
        .expect("a client token");
    let authorization = match client
        .session(admin.key())
        .authorization(&tokens.authorization_id().expect("an id"))
        .await
        .expect("the Authorization")
    {
        Document::Entry(entry) => match entry.content.into_iter().next() {
            Some(Resource::Authorization(authorization)) => authorization,
            other => panic!("an Authorization, got {other:?}"),
        },
        other => panic!("an entry, got {other:?}"),
    };

    let store = MemorySyncStore::new();
    let session = client.session(tokens.key());
    let options = SyncOptions::new().with_authorization(authorization);
    let started = Instant::now();
    let report = sync_subscription(&session, &store, &options)
        .await
        .expect("the sync completes");
    eprintln!(
        "synced {} readings ({} entries, {} months) in {:?}",
        report.readings,
        report.entries,
        report.months_fetched,
        started.elapsed()
    );
    assert_complete(&store, &subscription);
    // 2013-02-01 (HistoryLength=13 months before the grant) to the grant: 13 months.
    assert_eq!(report.window, Some((1_359_676_800, NOW)));
    assert_eq!((report.months_planned, report.months_fetched), (13, 13));
    assert!(
        report.context_notes.is_empty(),
        "{:?}",
        report.context_notes
    );
    let kinds: Vec<ResourceKind> = store
        .entries(&subscription)
        .iter()
        .filter_map(|entry| entry.resource().map(Resource::kind))
        .collect();
    for kind in [
        ResourceKind::UsagePoint,
        ResourceKind::MeterReading,
        ResourceKind::ReadingType,
        ResourceKind::LocalTimeParameters,
        ResourceKind::IntervalBlock,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    assert_eq!(
        kinds
            .iter()
            .filter(|kind| **kind == ResourceKind::IntervalBlock)
            .count(),
        2
    );

    // The stored entries link into the usage tree: every reading with its unit.
    let document = store.document(&subscription);
    let tree = espi_model::link::link_entries(document.entries());
    let flat: Vec<_> = espi_model::reading::flat_readings(document.entries(), &tree).collect();
    assert_eq!(flat.len() as u64, METER_FACTS.0);
    assert!(flat.iter().all(|reading| reading.reading_type.is_some()));

    // A second run a day later: the old months are skipped, the last two and the
    // month in progress are read again, and nothing changes.
    clock.advance(86_400);
    let months_before = store
        .month_records(&subscription)
        .await
        .expect("months")
        .len();
    let again = sync_subscription(&session, &store, &options)
        .await
        .expect("the second run");
    assert_eq!(again.months_skipped, 11, "{again:?}");
    // January and February again, and the first day of March.
    assert_eq!(again.months_fetched, 3);
    assert!(store.redelivered(&subscription) > 0);
    assert_complete(&store, &subscription);
    assert_eq!(
        store
            .month_records(&subscription)
            .await
            .expect("months")
            .len(),
        months_before + 1
    );
}

#[tokio::test]
async fn every_endpoint_answers_through_its_typed_call() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "1", CUSTOMER_SCOPE).await;
    let customer = client.session(tokens.key());
    let sid = tokens.subscription_id().expect("a subscription");
    let all = Query::new();

    // The main feed, and its tree.
    let (entries, summary) = customer
        .batch_subscription(&sid, &all)
        .await
        .expect("the subscription")
        .collect()
        .await
        .expect("read whole");
    assert_eq!(summary.entries, entries.len() as u64);
    assert_eq!(summary.pages, 1);
    assert!(summary.feed.id.is_some(), "the feed's metadata is kept");
    let hrefs: Vec<&str> = entries
        .iter()
        .filter_map(|entry| entry.meta.self_href())
        .collect();
    let id_after = |marker: &str| -> String {
        let href = hrefs
            .iter()
            .find(|href| href.contains(marker))
            .unwrap_or_else(|| panic!("an entry under {marker}"));
        let rest = &href[href.find(marker).expect("found") + marker.len()..];
        rest.split('/').next().expect("an id").to_owned()
    };
    // One block's path names its usage point and meter reading.
    let base = format!("{}/", sandbox.resource_endpoint());
    let block = hrefs
        .iter()
        .find(|href| href.contains("/IntervalBlock/"))
        .and_then(|href| href.strip_prefix(&base))
        .and_then(ResourcePath::parse);
    let Some(ResourcePath::IntervalBlock {
        usage_point_id: upid,
        meter_reading_id: mrid,
        interval_block_id: ibid,
        ..
    }) = block
    else {
        panic!("an IntervalBlock entry, got {block:?}");
    };
    let rtid = ReadingTypeId::new(id_after("/ReadingType/"));
    let ltid = LocalTimeParametersId::new(id_after("/LocalTimeParameters/"));

    let count = |stream: espi_client::FeedStream| async move {
        stream.collect().await.expect("read whole").0.len()
    };
    let s = || sid.clone();
    let u = || upid.clone();
    let m = || mrid.clone();
    let tree = customer
        .get(
            &ResourcePath::BatchSubscriptionUsagePoint {
                subscription_id: s(),
                usage_point_id: u(),
            },
            &all,
        )
        .await
        .expect("the usage point tree");
    assert!(count(tree).await > 1);
    assert_eq!(
        count(
            customer
                .get(
                    &ResourcePath::UsagePoints {
                        subscription_id: s()
                    },
                    &all
                )
                .await
                .expect("usage points")
        )
        .await,
        3
    );
    let point = customer
        .document(&ResourcePath::UsagePoint {
            subscription_id: s(),
            usage_point_id: u(),
        })
        .await
        .expect("a usage point");
    assert!(matches!(point, Document::Entry(_)));
    assert!(
        count(
            customer
                .get(
                    &ResourcePath::MeterReadings {
                        subscription_id: s(),
                        usage_point_id: u(),
                    },
                    &all
                )
                .await
                .expect("meter readings")
        )
        .await
            >= 1
    );
    customer
        .document(&ResourcePath::MeterReading {
            subscription_id: s(),
            usage_point_id: u(),
            meter_reading_id: m(),
        })
        .await
        .expect("a meter reading");
    assert!(
        count(
            customer
                .get(
                    &ResourcePath::IntervalBlocks {
                        subscription_id: s(),
                        usage_point_id: u(),
                        meter_reading_id: m(),
                    },
                    &all
                )
                .await
                .expect("blocks")
        )
        .await
            >= 1
    );
    customer
        .document(&ResourcePath::IntervalBlock {
            subscription_id: s(),
            usage_point_id: u(),
            meter_reading_id: m(),
            interval_block_id: ibid,
        })
        .await
        .expect("a block");
    customer
        .get(
            &ResourcePath::UsageSummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            &all,
        )
        .await
        .expect("summaries")
        .collect()
        .await
        .expect("read whole");
    customer
        .get(
            &ResourcePath::ElectricPowerQualitySummaries {
                subscription_id: s(),
                usage_point_id: u(),
            },
            &all,
        )
        .await
        .expect("quality summaries")
        .collect()
        .await
        .expect("read whole");
    assert!(
        count(
            customer
                .get(&ResourcePath::ReadingTypes, &all)
                .await
                .expect("reading types")
        )
        .await
            >= 1
    );
    customer
        .document(&ResourcePath::ReadingType { id: rtid })
        .await
        .expect("a reading type");
    assert!(
        count(
            customer
                .get(&ResourcePath::LocalTimeParametersList, &all)
                .await
                .expect("local time parameters")
        )
        .await
            >= 1
    );
    customer
        .document(&ResourcePath::LocalTimeParameters { id: ltid })
        .await
        .expect("one local time parameters");
    // Customer (PII) data.
    let retail = tokens.retail_customer_id().expect("a customerResourceURI");
    assert!(
        count(
            customer
                .batch_retail_customer(&retail, &all)
                .await
                .expect("customer data")
        )
        .await
            >= 1
    );

    // Client-credentials endpoints.
    let admin = client
        .client_credentials(Some(BULK_SCOPE))
        .await
        .expect("a client token");
    let bulk = client.session(admin.key());
    let bulk_id = BulkId::new("1").expect("a bulk id");
    assert_eq!(admin.bulk_id(), Some(bulk_id.clone()));
    match bulk.read_service_status().await.expect("the status") {
        Document::Resource(resource) => {
            assert_eq!(resource.kind(), ResourceKind::ServiceStatus)
        }
        other => panic!("a bare ServiceStatus, got {other:?}"),
    }
    let bulk_feed = bulk.batch_bulk(&bulk_id, &all).await.expect("the bulk");
    assert!(count(bulk_feed).await > 1);
    let authorizations = bulk.authorizations(&all).await.expect("the authorizations");
    assert_eq!(
        count(authorizations).await,
        2,
        "the customer's and the client's"
    );
    let id = tokens.authorization_id().expect("an id");
    bulk.authorization(&id).await.expect("one authorization");

    // The registration token reads the ApplicationInformation.
    let registration = client
        .insert_tokens_under(
            "registration".into(),
            espi_client::TokenSet::new(
                sandbox.registration_token().into(),
                espi_client::Grant::ClientCredentials { scope: None },
                NOW,
            ),
        )
        .await
        .expect("stored");
    match client
        .session(registration)
        .application_information(&"1".into())
        .await
        .expect("the application")
    {
        Document::Entry(entry) => assert_eq!(
            entry.resource().map(Resource::kind),
            Some(ResourceKind::ApplicationInformation)
        ),
        other => panic!("an entry, got {other:?}"),
    }

    // DELETE revokes; the customer's token then reaches nothing.
    bulk.delete_authorization(&id).await.expect("revoked");
    let error = customer
        .batch_subscription(&sid, &all)
        .await
        .expect_err("revoked");
    assert!(error.is_authorization_ended(), "{error}");
}

#[tokio::test]
async fn pages_are_followed_with_start_index() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "1", USAGE_SCOPE).await;
    let session = client.session(tokens.key());
    let usage_points = ResourcePath::UsagePoints {
        subscription_id: tokens.subscription_id().expect("a subscription"),
    };
    let whole = session
        .get(&usage_points, &Query::new())
        .await
        .expect("usage points")
        .collect()
        .await
        .expect("read");
    let paged = session
        .get(&usage_points, &Query::new().max_results(1))
        .await
        .expect("usage points")
        .collect()
        .await
        .expect("read");
    assert_eq!(whole.0.len(), 3);
    assert_eq!(paged.0, whole.0, "the same entries, one per page");
    // Three full pages, then 204 ends it.
    assert_eq!((paged.1.pages, paged.1.entries), (3, 3));
    // A page size of 2 from the configuration: a full page and a short one.
    let client = espi_client::Client::new(client_config(&sandbox, &clock).with_page_size(Some(2)))
        .expect("a client");
    client
        .insert_tokens(tokens.clone())
        .await
        .expect("the same tokens");
    let paged = client
        .session(tokens.key())
        .get(&usage_points, &Query::new())
        .await
        .expect("usage points")
        .collect()
        .await
        .expect("read");
    assert_eq!((paged.1.pages, paged.1.entries), (2, 3));
    // start-index given by the caller is where paging starts.
    let tail = session
        .get(&usage_points, &Query::new().start_index(2).max_results(1))
        .await
        .expect("usage points")
        .collect()
        .await
        .expect("read");
    assert_eq!(tail.0, whole.0[1..]);
}

#[tokio::test]
async fn a_range_without_data_is_an_empty_result() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let session = client.session(tokens.key());
    // February 2014 holds no interval data: the sandbox answers 204.
    let query = Query::new().published_between(1_391_212_800, 1_393_632_000);
    let mut feed = session
        .batch_subscription(&tokens.subscription_id().expect("an id"), &query)
        .await
        .expect("no data is not an error");
    assert!(feed.next().await.is_none());
    let summary = feed.summary().expect("a clean end");
    assert!(summary.no_content);
    assert_eq!(summary.entries, 0);
}

/// GBA's own Authorization samples bind a grant to `…/resource/Subscription/{id}`
/// rather than `…/resource/Batch/Subscription/{id}`. The sandbox issues the latter, so
/// its token is handed over in a token response of GBA's form, and the client must
/// still find the subscription: its id, its feed, a sync of all its readings.
#[tokio::test]
async fn a_resource_uri_in_gbas_form_binds_the_subscription() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);
    let issued = authorize(&client, "2", USAGE_SCOPE).await;
    let batch = issued.resource_uri.clone().expect("a resourceURI");
    let gba_form = batch.replace("/Batch/Subscription/", "/Subscription/");
    assert!(
        gba_form.ends_with("/espi/1_1/resource/Subscription/2"),
        "{gba_form}"
    );
    let body = serde_json::json!({
        "access_token": issued.access_token.expose(),
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": USAGE_SCOPE,
        "resourceURI": gba_form,
    });
    let tokens = espi_client::read_token_response(
        body.to_string().as_bytes(),
        espi_client::Grant::AuthorizationCode,
        NOW,
    )
    .expect("a token response");
    assert_eq!(tokens.subscription_id(), Some("2".into()));
    assert_eq!(tokens.subscription_feed().as_deref(), Some(batch.as_str()));
    let key = client.insert_tokens(tokens).await.expect("stored");
    let session = client.session(key);

    let mut feed = session
        .batch_subscription(&"2".into(), &Query::new())
        .await
        .expect("the feed");
    let mut entries = 0;
    while let Some(entry) = feed.next().await {
        entry.expect("an entry");
        entries += 1;
    }
    assert!(entries > 0);

    let store = MemorySyncStore::new();
    let report = sync_subscription(&session, &store, &SyncOptions::new())
        .await
        .expect("the sync completes");
    assert_eq!(report.subscription, batch);
    assert!(
        report.context_notes.is_empty(),
        "{:?}",
        report.context_notes
    );
    assert_complete(&store, &batch);
}

/// A granted scope the client cannot read is said in the report, not dropped: the
/// sync still runs, on the program's window.
#[tokio::test]
async fn a_granted_scope_that_is_not_espi_is_reported() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);
    let issued = authorize(&client, "2", CUSTOMER_SCOPE).await;
    let body = serde_json::json!({
        "access_token": issued.access_token.expose(),
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "FB=4_5;HistoryLength=soon",
        "resourceURI": issued.resource_uri.clone().expect("a resourceURI"),
    });
    let tokens = espi_client::read_token_response(
        body.to_string().as_bytes(),
        espi_client::Grant::AuthorizationCode,
        NOW,
    )
    .expect("a token response");
    assert!(
        tokens
            .scope
            .as_ref()
            .is_some_and(|scope| scope.scope().is_err())
    );
    let key = client.insert_tokens(tokens).await.expect("stored");
    let store = MemorySyncStore::new();
    let report = sync_subscription(&client.session(key), &store, &SyncOptions::new())
        .await
        .expect("the sync completes");
    assert!(
        report
            .notes
            .iter()
            .any(|note| note.contains("not an ESPI scope") && note.contains("HistoryLength")),
        "{:?}",
        report.notes
    );
    // The program's 24 months before the grant: 2012-03-01.
    assert_eq!(report.window, Some((1_330_560_000, NOW)));
}
