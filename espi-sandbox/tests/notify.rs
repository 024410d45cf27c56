//! Adding data while the sandbox runs and the BatchList notification that follows: a
//! small listener stands in for the Third Party's notify URI.

mod common;

use axum::body::Bytes;
use axum::http::HeaderMap;
use common::{TokenResponse, USAGE_SCOPE};
use espi_model::atom::Metadata;
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading};
use espi_model::{
    atom::{Document, Entry, Feed, Link},
    resource::{Resource, ResourceKind},
};
use espi_sandbox::RunningSandbox;
use espi_sandbox::{AddError, NotificationDelivery};
use reqwest::StatusCode;
use tokio::sync::mpsc;

/// What the listener received: the Content-Type and the body of each POST.
type Received = mpsc::UnboundedReceiver<(Option<String>, Bytes)>;

/// A Third Party notification endpoint on a free loopback port.
async fn listener() -> (String, Received) {
    let (sender, received) = mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/ThirdParty/espi/1_1/Notification",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let sender = sender.clone();
            async move {
                let media_type = headers
                    .get(axum::http::header::CONTENT_TYPE)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned);
                let _ = sender.send((media_type, body));
                StatusCode::OK
            }
        }),
    );
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = socket.local_addr().expect("an address");
    tokio::spawn(async move { axum::serve(socket, app).await });
    (
        format!("http://{address}/ThirdParty/espi/1_1/Notification"),
        received,
    )
}

/// A sandbox whose client registered `notify_uri`, and its clock.
async fn sandbox_notifying(notify_uri: Option<String>) -> (RunningSandbox, common::TestClock) {
    let (mut config, clock) = common::config();
    config.client.notify_uri = notify_uri;
    (common::start_with(config).await, clock)
}

/// An IntervalBlock entry of hourly `values` from `start`, under the IntervalBlock
/// collection `up`.
fn block(up: &str, start: i64, values: &[i64]) -> Entry {
    let readings = values
        .iter()
        .zip(0..)
        .map(|(&value, hour)| IntervalReading {
            time_period: Some(DateTimeInterval::new(start + 3600 * hour, 3600)),
            value: Some(value),
            ..IntervalReading::default()
        })
        .collect::<Vec<_>>();
    let duration = u32::try_from(3600 * readings.len()).expect("a day or so");
    Entry {
        meta: Metadata {
            id: Some(format!("urn:uuid:00000000-0000-5000-8000-{start:012}")),
            title: Some("new readings".to_owned()),
            links: vec![Link::new("up", up)],
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

fn feed(entries: Vec<Entry>) -> Document {
    Document::Feed(Feed {
        entries,
        ..Feed::default()
    })
}

/// The IntervalBlock collection of the first MeterReading of a customer's feed.
async fn first_block_collection(sandbox: &RunningSandbox, token: &TokenResponse) -> String {
    let response = common::get(sandbox, &token.resource_uri, &token.access_token).await;
    let parsed = espi_xml::read_document(&response.bytes().await.unwrap()[..]).unwrap();
    parsed
        .document
        .entries()
        .iter()
        .find(|entry| entry.resource().map(Resource::kind) == Some(ResourceKind::MeterReading))
        .and_then(|entry| {
            entry
                .meta
                .links_with_rel("related")
                .find(|href| href.ends_with("/IntervalBlock"))
                .map(str::to_owned)
        })
        .expect("a MeterReading with its IntervalBlock collection")
}

/// 2014-01-05T05:00:00Z: after the three-usage-point sample's last reading.
const NEW_DATA: i64 = 1_388_898_000;

#[tokio::test]
async fn adding_blocks_notifies_and_the_listed_uri_returns_exactly_them() {
    let (notify_uri, mut received) = listener().await;
    let (sandbox, clock) = sandbox_notifying(Some(notify_uri.clone())).await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let collection = first_block_collection(&sandbox, &token).await;
    clock.advance(600);
    let now = clock.now();
    let new = vec![
        block(&collection, NEW_DATA, &[1, 2, 3, 4]),
        block(&collection, NEW_DATA + 86_400, &[10, 20, 30]),
    ];
    let added = sandbox
        .add_usage("1", feed(new.clone()))
        .await
        .expect("the blocks link to the MeterReading");
    assert_eq!(added.entries, 2);
    for href in &added.hrefs {
        assert!(href.starts_with(&format!("{collection}/")), "{href}");
    }
    let NotificationDelivery::Sent {
        uri,
        resources,
        status,
    } = &added.notification
    else {
        panic!("notified: {:?}", added.notification);
    };
    assert_eq!((uri.as_str(), *status), (notify_uri.as_str(), 200));
    assert_eq!(
        resources,
        &[format!(
            "{}?published-min=2014-01-05T05:00:00Z&published-max=2014-01-06T08:00:00Z&updated-min={}",
            token.resource_uri,
            chrono_text(now)
        )]
    );

    let (media_type, body) = received.recv().await.expect("a notification");
    assert_eq!(media_type.as_deref(), Some("application/atom+xml"));
    let Document::Resource(resource) = espi_xml::read_document(&body[..]).unwrap().document else {
        panic!("a bare BatchList");
    };
    let Resource::BatchList(list) = *resource else {
        panic!("a BatchList");
    };
    assert_eq!(&list.resources, resources);

    let response = common::get(&sandbox, &list.resources[0], &token.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let fetched = espi_xml::read_document(&response.bytes().await.unwrap()[..]).unwrap();
    let entries = fetched.document.entries();
    assert_eq!(entries.len(), 2, "exactly the new blocks");
    for (served, posted) in entries.iter().zip(&new) {
        assert_eq!(served.content, posted.content);
        assert_eq!(served.meta.up_href(), Some(collection.as_str()));
        assert_eq!(
            served.meta.published.as_deref(),
            Some(chrono_text(now).as_str())
        );
        assert_eq!(served.meta.updated, served.meta.published);
    }
    // The blocks are part of the data from now on.
    let listed = espi_xml::read_document(
        &common::get(&sandbox, &collection, &token.access_token)
            .await
            .bytes()
            .await
            .unwrap()[..],
    )
    .unwrap();
    assert!(listed.document.entries().ends_with(entries));
    sandbox.shutdown().await;
}

fn chrono_text(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[tokio::test]
async fn a_whole_new_usage_point_is_added_and_announced() {
    let (notify_uri, mut received) = listener().await;
    let (sandbox, _clock) = sandbox_notifying(Some(notify_uri)).await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let points = |document: &Document| {
        document
            .entries()
            .iter()
            .filter(|entry| entry.resource().map(Resource::kind) == Some(ResourceKind::UsagePoint))
            .count()
    };
    let before = espi_xml::read_document(
        &common::get(&sandbox, &token.resource_uri, &token.access_token)
            .await
            .bytes()
            .await
            .unwrap()[..],
    )
    .unwrap();
    // A week of December 2013: inside the window of an authorization granted at NOW.
    let tree = common::sample("gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml");
    let added = sandbox
        .add_usage("1", tree.clone())
        .await
        .expect("a linked tree");
    assert_eq!(added.entries, tree.entries().len());
    let uri = added.notification.resources()[0].clone();
    let (_, body) = received.recv().await.expect("a notification");
    assert!(String::from_utf8_lossy(&body).contains(&uri.replace('&', "&amp;")));
    let response = common::get(&sandbox, &uri, &token.access_token).await;
    let fetched = espi_xml::read_document(&response.bytes().await.unwrap()[..]).unwrap();
    assert_eq!(points(&fetched.document), 1);
    assert_eq!(fetched.document.entries().len(), tree.entries().len());
    assert!(
        fetched.tree.problems.is_empty(),
        "{:?}",
        fetched.tree.problems
    );
    let after = espi_xml::read_document(
        &common::get(&sandbox, &token.resource_uri, &token.access_token)
            .await
            .bytes()
            .await
            .unwrap()[..],
    )
    .unwrap();
    assert_eq!(points(&after.document), points(&before.document) + 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn nothing_is_sent_without_a_notify_uri_or_an_authorization() {
    let (sandbox, _clock) = sandbox_notifying(None).await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let collection = first_block_collection(&sandbox, &token).await;
    let added = sandbox
        .add_usage("1", feed(vec![block(&collection, NEW_DATA, &[1])]))
        .await
        .unwrap();
    assert_eq!(added.notification, NotificationDelivery::NoNotifyUri);
    sandbox.shutdown().await;

    let (notify_uri, _received) = listener().await;
    let (sandbox, _clock) = sandbox_notifying(Some(notify_uri)).await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let collection = first_block_collection(&sandbox, &token).await;
    let authorization = token
        .authorization_uri
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    sandbox.revoke(&authorization).expect("revoked");
    let added = sandbox
        .add_usage("1", feed(vec![block(&collection, NEW_DATA, &[1])]))
        .await
        .unwrap();
    assert_eq!(added.entries, 1);
    assert_eq!(
        added.notification,
        NotificationDelivery::NoActiveSubscription
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn data_that_does_not_link_is_refused_whole() {
    let (sandbox, _clock) = sandbox_notifying(None).await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let collection = first_block_collection(&sandbox, &token).await;
    let before = common::get(&sandbox, &collection, &token.access_token)
        .await
        .bytes()
        .await
        .unwrap();
    let mixed = feed(vec![
        block(&collection, NEW_DATA, &[1]),
        block(
            "https://elsewhere.example/MeterReading/9/IntervalBlock",
            NEW_DATA,
            &[2],
        ),
    ]);
    let Err(AddError::Refused(problems)) = sandbox.add_usage("1", mixed).await else {
        panic!("refused");
    };
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("elsewhere.example"), "{problems:?}");
    let after = common::get(&sandbox, &collection, &token.access_token)
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(before, after, "nothing was added");
    assert_eq!(
        sandbox.add_usage("9", feed(vec![])).await,
        Err(AddError::UnknownCustomer("9".to_owned()))
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_admin_route_adds_data_over_http() {
    let (notify_uri, mut received) = listener().await;
    let (sandbox, _clock) = sandbox_notifying(Some(notify_uri)).await;
    let token = common::authorize(&sandbox, "1", USAGE_SCOPE).await;
    let collection = first_block_collection(&sandbox, &token).await;
    let body = espi_xml::write_document(
        &feed(vec![block(&collection, NEW_DATA, &[7, 8])]),
        Vec::new(),
        espi_xml::WriteOptions::compact(),
    )
    .unwrap();
    let post = |url: String, token: Option<String>, body: Vec<u8>| async move {
        let mut request = common::http()
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/atom+xml")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        common::status_and_body(request.send().await.expect("an answer")).await
    };
    let admin = Some(sandbox.data_custodian_token());

    let (code, text) = post(sandbox.add_usage_url("1"), None, body.clone()).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED, "{text}");
    let (code, text) = post(
        sandbox.add_usage_url("1"),
        Some(token.access_token.clone()),
        body.clone(),
    )
    .await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{text}");
    let (code, text) = post(sandbox.add_usage_url("1"), admin.clone(), b"<feed".to_vec()).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("not an ESPI document"), "{text}");
    let (code, text) = post(sandbox.add_usage_url("7"), admin.clone(), body.clone()).await;
    assert!(
        code == StatusCode::NOT_FOUND || code == StatusCode::FORBIDDEN,
        "{code}: {text}"
    );

    let (code, text) = post(sandbox.add_usage_url("1"), admin.clone(), body).await;
    assert_eq!(code, StatusCode::CREATED, "{text}");
    let summary: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(summary["added"], 1);
    assert_eq!(summary["notification"]["sent"], true);
    assert_eq!(summary["notification"]["status"], 200);
    let (_, notification) = received.recv().await.expect("a notification");
    assert!(!notification.is_empty());
    let href = summary["hrefs"][0].as_str().unwrap();
    let response = common::get(&sandbox, href, &token.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    sandbox.shutdown().await;
}
