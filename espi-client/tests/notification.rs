//! The notification round trip: the sandbox adds data and POSTs a BatchList to a
//! listener in the test; the client parses it and fetches exactly the new data. And
//! notifications naming other hosts or paths are refused.

mod common;

use common::*;
use espi_client::{MemorySyncStore, SyncOptions, sync_subscription};
use espi_client::{Notification, NotificationTarget};
use espi_model::atom::Metadata;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading};
use espi_model::{
    atom::{Document, Entry, Feed, Link},
    resource::Resource,
};
use std::time::Duration;

/// The IntervalBlock collection of the sample's first MeterReading, as the source
/// file writes it (the sandbox links new data by the source's hrefs too).
const SOURCE_BLOCKS: &str = "https://localhost:8080/DataCustodian/espi/1_1/resource/RetailCustomer/9B6C7088/UsagePoint/5446AF3F/MeterReading/01/IntervalBlock";

/// 2014-01-20T00:00:00Z: new data after the sample's week.
const NEW_DATA: i64 = 1_390_176_000;

/// A block of hourly `values` from `start`.
fn block(start: i64, values: &[i64]) -> Entry {
    let readings: Vec<IntervalReading> = values
        .iter()
        .zip(0..)
        .map(|(&value, hour)| IntervalReading {
            time_period: Some(DateTimeInterval::new(start + 3600 * hour, 3600)),
            value: Some(value),
            ..IntervalReading::default()
        })
        .collect();
    let duration = u32::try_from(3600 * readings.len()).expect("hours");
    Entry {
        meta: Metadata {
            id: Some(format!("urn:uuid:00000000-0000-5000-8000-{start:012}")),
            title: Some("new readings".to_owned()),
            links: vec![Link::new("up", SOURCE_BLOCKS)],
            ..Metadata::default()
        },
        content: vec![Resource::IntervalBlock(IntervalBlock {
            interval: Some(DateTimeInterval::new(start, duration)),
            interval_reading: readings,
            ..IntervalBlock::default()
        })],
        ..Entry::default()
    }
}

#[tokio::test]
async fn a_notification_is_fetched_exactly_and_lands_in_the_store() {
    let listener = RawServer::start(|_| http_response("200 OK", &[], "")).await;
    let notify_uri = format!("{}/ThirdParty/espi/1_1/Notification", listener.origin);
    let mut received = listener.received;
    let clock = TestClock::at(NOW);
    let mut config = sandbox_config(&clock);
    config.client.notify_uri = Some(notify_uri);
    let sandbox = start(config).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let subscription = tokens.resource_uri.clone().expect("a resourceURI");
    let session = client.session(tokens.key());

    // The customer's data so far.
    let store = MemorySyncStore::new();
    sync_subscription(
        &session,
        &store,
        &SyncOptions::new().with_earliest(NOVEMBER_2013),
    )
    .await
    .expect("synced");
    let before = store.totals(&subscription);
    assert_eq!(before.count, METER_FACTS.0);

    // The Data Custodian adds a day of hourly readings and notifies.
    clock.advance(600);
    let values: Vec<i64> = (1..=24).collect();
    let added = sandbox
        .add_usage(
            "2",
            Document::Feed(Feed {
                entries: vec![block(NEW_DATA, &values)],
                ..Feed::default()
            }),
        )
        .await
        .expect("added");
    assert_eq!(added.entries, 1);
    let post = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("a notification within 10 s")
        .expect("a request");
    assert!(
        post.line
            .starts_with("POST /ThirdParty/espi/1_1/Notification"),
        "{}",
        post.line
    );
    assert_eq!(post.header("content-type"), Some("application/atom+xml"));

    let notification = Notification::parse(&post.body).expect("a BatchList");
    assert_eq!(notification.resources.len(), 1);
    assert!(notification.resources[0].starts_with(&subscription));
    let fetched = notification
        .fetch_into(&session, &store, &subscription)
        .await
        .expect("fetched");
    assert!(fetched.refused.is_empty());
    // Exactly the new block, nothing the customer had already.
    let entries: Vec<&Entry> = fetched.entries().collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(espi_client::readings_of(entries[0]).len(), 24);
    let after = store.totals(&subscription);
    assert_eq!(after.count, before.count + 24);
    assert_eq!(after.sum, before.sum + 300);
    assert_eq!(after.last_end, Some(NEW_DATA + 24 * 3600));
}

#[tokio::test]
async fn notifications_naming_other_hosts_or_paths_are_refused() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let client = client(&sandbox, &clock);
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let good = tokens.resource_uri.clone().expect("a resourceURI");
    // A forged notification: another port, another path on the same host, another
    // scheme, and one good URI.
    let port = sandbox.address().port();
    let other_port = format!(
        "http://127.0.0.1:{}/DataCustodian/espi/1_1/resource/Batch/Subscription/2",
        port + 1
    );
    let other_path = format!("http://127.0.0.1:{port}/DataCustodian/oauth/token");
    let prefix_trick =
        format!("http://127.0.0.1:{port}/DataCustodian/espi/1_1/resourceX/Batch/Subscription/2");
    let remote =
        "http://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/2".to_owned();
    let body = format!(
        "<BatchList xmlns=\"http://naesb.org/espi\"><resources>{other_port}</resources>\
         <resources>{other_path}</resources><resources>{prefix_trick}</resources>\
         <resources>{remote}</resources><resources>{good}</resources></BatchList>"
    );
    let notification = Notification::parse(body.as_bytes()).expect("a BatchList");
    let targets = notification.targets(&client);
    let fetchable: Vec<String> = targets
        .iter()
        .filter_map(|target| match target {
            NotificationTarget::Fetch(url) => Some(url.to_string()),
            NotificationTarget::Refused { .. } => None,
        })
        .collect();
    assert_eq!(fetchable, std::slice::from_ref(&good));
    let fetched = notification
        .fetch(&client.session(tokens.key()))
        .await
        .expect("the good one is fetched");
    assert_eq!(fetched.resources.len(), 1);
    assert_eq!(fetched.refused.len(), 4);
    for (uri, error) in &fetched.refused {
        let message = error.to_string();
        assert!(message.contains(uri.as_str()), "{message}");
    }
    // Not a BatchList at all.
    assert!(Notification::parse(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"/>").is_err());
    assert!(Notification::parse(b"not xml").is_err());
}
