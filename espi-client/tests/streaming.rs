//! Streaming: a body that stalls is a timeout, not a short result; the concurrency
//! limit holds; and (ignored by default, run in release) a bulk body of a gigabyte
//! streams through the decoder with flat memory.

mod common;

use common::*;
use espi_auth::Query;
use espi_client::{Client, ClientConfig, Endpoints, Error, Grant, Secret, TokenSet};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server answering every request with 200, an Atom body written by `body`
/// (close-delimited), after reading the request head.
async fn streaming_server<F, Fut>(body: F) -> String
where
    F: Fn(tokio::net::tcp::OwnedWriteHalf) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let origin = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let (mut read, mut write) = socket.into_split();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if read.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let status = "HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nConnection: close\r\n\r\n";
                if write.write_all(status.as_bytes()).await.is_ok() {
                    body(write).await;
                }
            });
        }
    });
    origin
}

async fn client_for(origin: &str, config: impl FnOnce(ClientConfig) -> ClientConfig) -> Client {
    let endpoints = Endpoints::new(
        &format!("{origin}/authorize"),
        &format!("{origin}/token"),
        &format!("{origin}/r"),
    )
    .expect("loopback endpoints");
    let client = Client::new(config(
        ClientConfig::new(endpoints, "id", "secret").with_retry(fast_retry()),
    ))
    .expect("a client");
    client
        .insert_tokens_under(
            "k".into(),
            TokenSet::new(Secret::new("tok"), Grant::AuthorizationCode, 0),
        )
        .await
        .expect("stored");
    client
}

const FEED_START: &str = "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:espi=\"http://naesb.org/espi\">\
    <id>urn:uuid:9f3c0d3a-0000-5000-8000-000000000000</id><title>bulk</title>\
    <updated>2014-01-01T00:00:00Z</updated>";

/// One IntervalBlock entry of a day of 15-minute readings, number `n`.
fn entry(n: u64) -> String {
    let start = 1_356_998_400 + 86_400 * n as i64;
    let mut text = format!(
        "<entry><id>urn:uuid:9f3c0d3a-0000-5000-8000-{n:012}</id><title/>\
         <published>2014-01-01T00:00:00Z</published><updated>2014-01-01T00:00:00Z</updated>\
         <link rel=\"self\" href=\"http://127.0.0.1/r/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock/{n}\"/>\
         <link rel=\"up\" href=\"http://127.0.0.1/r/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock\"/>\
         <content><espi:IntervalBlock><espi:interval><espi:duration>86400</espi:duration>\
         <espi:start>{start}</espi:start></espi:interval>"
    );
    for quarter in 0..96 {
        text.push_str(&format!(
            "<espi:IntervalReading><espi:timePeriod><espi:duration>900</espi:duration>\
             <espi:start>{}</espi:start></espi:timePeriod><espi:value>{}</espi:value>\
             </espi:IntervalReading>",
            start + 900 * quarter,
            quarter
        ));
    }
    text.push_str("</espi:IntervalBlock></content></entry>");
    text
}

#[tokio::test]
async fn a_stalled_body_is_a_timeout_not_a_short_result() {
    let origin = streaming_server(|mut write| async move {
        let _ = write.write_all(FEED_START.as_bytes()).await;
        let _ = write.write_all(entry(0).as_bytes()).await;
        let _ = write.flush().await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = client_for(&origin, |config| {
        config.with_timeouts(
            Duration::from_secs(2),
            Duration::from_secs(2),
            Duration::from_millis(300),
        )
    })
    .await;
    let started = Instant::now();
    let mut feed = client
        .session("k")
        .batch_bulk(
            &espi_auth::BulkId::new("1").expect("a bulk id"),
            &Query::new(),
        )
        .await
        .expect("the headers arrive");
    let first = feed.next().await.expect("an entry");
    assert!(first.is_ok(), "the first entry arrived whole");
    let error = feed
        .next()
        .await
        .expect("not a clean end")
        .expect_err("a timeout");
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.to_string().contains("300ms"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(feed.summary().is_none());
}

#[tokio::test]
async fn a_body_ending_before_the_feed_closes_is_an_error() {
    let origin = streaming_server(|mut write| async move {
        let _ = write.write_all(FEED_START.as_bytes()).await;
        let _ = write.write_all(entry(0).as_bytes()).await;
        // The connection closes cleanly here: without a length, only the XML can
        // tell that the feed is not whole.
    })
    .await;
    let client = client_for(&origin, |config| config).await;
    let mut feed = client
        .session("k")
        .batch_bulk(
            &espi_auth::BulkId::new("1").expect("a bulk id"),
            &Query::new(),
        )
        .await
        .expect("the headers arrive");
    assert!(feed.next().await.expect("an entry").is_ok());
    let error = feed
        .next()
        .await
        .expect("not a clean end")
        .expect_err("the feed never closed");
    assert!(matches!(error, Error::Xml { .. }), "{error:?}");
}

#[tokio::test]
async fn the_concurrency_limit_holds_across_sessions() {
    let clock = TestClock::at(NOW);
    let mut config = sandbox_config(&clock);
    config.faults.latency = Duration::from_millis(150);
    let sandbox = start(config).await;
    let client =
        Client::new(client_config(&sandbox, &clock).with_max_concurrency(2)).expect("a client");
    let admin = client
        .client_credentials(Some(BULK_SCOPE))
        .await
        .expect("a client token");
    let started = Instant::now();
    let requests: Vec<_> = (0..6)
        .map(|_| {
            let session = client.session(admin.key());
            tokio::spawn(async move { session.read_service_status().await })
        })
        .collect();
    for request in requests {
        request.await.expect("joined").expect("the status");
    }
    // Six requests of 150 ms, two at a time: at least three rounds.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(440), "{elapsed:?}");
}

/// Peak resident memory of this process (VmHWM), kB.
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// `ESPI_LARGE_MB` (default 1024) of generated bulk data streamed through the
/// client. Run: `cargo test --release -p espi-client --test streaming -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: run in release with --ignored"]
async fn a_gigabyte_bulk_streams_with_flat_memory() {
    let megabytes: u64 = std::env::var("ESPI_LARGE_MB")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1024);
    let entry_bytes = entry(0).len() as u64;
    let count = megabytes * 1024 * 1024 / entry_bytes;
    let origin = streaming_server(move |mut write| async move {
        let mut buffer = String::with_capacity(1 << 20);
        buffer.push_str(FEED_START);
        for n in 0..count {
            buffer.push_str(&entry(n));
            if buffer.len() >= 1 << 20 {
                if write.write_all(buffer.as_bytes()).await.is_err() {
                    return;
                }
                buffer.clear();
            }
        }
        buffer.push_str("</feed>");
        let _ = write.write_all(buffer.as_bytes()).await;
    })
    .await;
    let client = client_for(&origin, |config| config).await;
    let before = peak_rss_kb();
    let started = Instant::now();
    let mut feed = client
        .session("k")
        .batch_bulk(
            &espi_auth::BulkId::new("1").expect("a bulk id"),
            &Query::new(),
        )
        .await
        .expect("the headers arrive");
    let mut entries = 0u64;
    let mut readings = 0u64;
    while let Some(entry) = feed.next().await {
        let entry = entry.expect("an entry");
        entries += 1;
        readings += espi_client::readings_of(&entry).len() as u64;
    }
    let elapsed = started.elapsed();
    let summary = feed.summary().expect("a clean end");
    let after = peak_rss_kb();
    eprintln!(
        "streamed {} MB ({entries} entries, {readings} readings) in {elapsed:?} = {:.0} MB/s; \
         peak RSS {before:?} kB before, {after:?} kB after",
        summary.bytes / (1024 * 1024),
        summary.bytes as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64()
    );
    assert_eq!(entries, count);
    assert_eq!(readings, count * 96);
    if let (Some(before), Some(after)) = (before, after) {
        assert!(
            after < before + 64 * 1024,
            "memory grew by {} kB",
            after - before
        );
    }
}
