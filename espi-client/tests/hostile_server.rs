//! The client against hostile servers: a raw loopback socket writes hand-made HTTP/1.1
//! answers (so the bytes and their timing are exact) that never end, are too large,
//! trickle, stall, break off or turn into invalid XML. Every case must end within a
//! bound the configuration sets, in an error that says which bound and where, and never
//! as a partial result reported as complete. Two more cases use espi-sandbox: a real
//! month over the body limit in a sync, and its `latency` fault knob as slow headers.
//!
//! Run with `--nocapture` to see each case's error and how long it took.

mod common;

use common::*;
use espi_auth::Query;
use espi_client::{Client, ClientConfig, Endpoints, Error, Grant, RetryPolicy, Secret};
use espi_client::{FeedStream, TokenSet};
use espi_client::{MemorySyncStore, SyncOptions, SyncStore, sync_subscription};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;

// Servers.

/// What a test server is told about each request.
#[derive(Debug, Clone)]
struct Request {
    /// The request line, e.g. `GET /r/Batch/Bulk/1 HTTP/1.1`.
    line: String,
}

/// A server on a free loopback port: for each connection it reads the request head
/// (and a body of the declared `Content-Length`), then lets `respond` write whatever
/// it likes. Returns the origin and a count of the connections accepted.
async fn raw_server<F, Fut>(respond: F) -> (String, Arc<AtomicU32>)
where
    F: Fn(Request, OwnedWriteHalf) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let origin = format!("http://{}", listener.local_addr().expect("an address"));
    let connections = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let respond = respond.clone();
            tokio::spawn(async move {
                let (mut read, write) = socket.into_split();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if read.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let length: usize = head
                    .lines()
                    .filter_map(|line| line.split_once(':'))
                    .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, value)| value.trim().parse().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length];
                if read.read_exact(&mut body).await.is_err() {
                    return;
                }
                let line = head.lines().next().unwrap_or_default().to_owned();
                respond(Request { line }, write).await;
                // Keep the read half open until `respond` is done, so that closing
                // is its decision.
                drop(read);
            });
        }
    });
    (origin, connections)
}

/// A server that writes `answer` on every connection and closes it.
async fn closing_server(answer: impl Into<Vec<u8>>) -> String {
    let answer = answer.into();
    let (origin, _) = raw_server(move |_, mut write| {
        let answer = answer.clone();
        async move {
            let _ = write.write_all(&answer).await;
            let _ = write.shutdown().await;
        }
    })
    .await;
    origin
}

/// A server that writes `answer` on every connection, then keeps the connection open
/// without a word for 30 s.
async fn stalling_server(answer: String) -> String {
    let (origin, _) = raw_server(move |_, mut write| {
        let answer = answer.clone();
        async move {
            let _ = write.write_all(answer.as_bytes()).await;
            tokio::time::sleep(ms(30_000)).await;
        }
    })
    .await;
    origin
}

/// A server that writes `head` on every connection, then one `byte` every `every`,
/// forever: never silent, never done. Returns the origin and the connections count.
async fn trickling_server(head: String, byte: u8, every: Duration) -> (String, Arc<AtomicU32>) {
    raw_server(move |_, mut write| {
        let head = head.clone();
        async move {
            if write.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            while write.write_all(&[byte]).await.is_ok() {
                tokio::time::sleep(every).await;
            }
        }
    })
    .await
}

// What the servers write.

const ATOM: &str = "application/atom+xml";
const JSON: &str = "application/json";

/// The head of an answer whose body ends when the connection closes.
fn close_delimited_head(status: &str, content_type: &str) -> String {
    format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n")
}

/// The head of a 200 answer declaring a `Content-Length` of `length`.
fn content_length_head(content_type: &str, length: u64) -> String {
    format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n")
}

/// The head of a 200 answer in the chunked transfer coding.
fn chunked_head(content_type: &str) -> String {
    format!("HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n\r\n")
}

/// One chunk of the chunked transfer coding.
fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// `data` as chunks of `size` bytes, without the last (empty) chunk.
fn chunked_body(data: &str, size: usize) -> Vec<u8> {
    data.as_bytes().chunks(size).flat_map(chunk).collect()
}

/// The start of a feed, on the first line.
const FEED_START: &str = "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:espi=\"http://naesb.org/espi\">\
    <id>urn:uuid:9f3c0d3a-0000-5000-8000-000000000000</id><title>hostile</title>\
    <updated>2014-01-01T00:00:00Z</updated>\n";

/// An entry that is not well-formed, on a line of its own.
const BROKEN_ENTRY: &str = "<entry><id>urn:uuid:broken</wrong></entry>\n";

/// An IntervalBlock entry of a day of hourly readings (number `n`, starting `start`),
/// on one line of its own.
fn entry_at(n: u64, start: i64) -> String {
    let mut text = format!(
        "<entry><id>urn:uuid:9f3c0d3a-0000-5000-8000-{n:012}</id><title/>\
         <published>2014-01-01T00:00:00Z</published><updated>2014-01-01T00:00:00Z</updated>\
         <link rel=\"self\" href=\"http://127.0.0.1/r/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock/{n}\"/>\
         <link rel=\"up\" href=\"http://127.0.0.1/r/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock\"/>\
         <content><espi:IntervalBlock><espi:interval><espi:duration>86400</espi:duration>\
         <espi:start>{start}</espi:start></espi:interval>"
    );
    for hour in 0..24 {
        text.push_str(&format!(
            "<espi:IntervalReading><espi:timePeriod><espi:duration>3600</espi:duration>\
             <espi:start>{}</espi:start></espi:timePeriod><espi:value>{hour}</espi:value>\
             </espi:IntervalReading>",
            start + 3600 * hour
        ));
    }
    text.push_str("</espi:IntervalBlock></content></entry>\n");
    text
}

/// Entry number `n`, on day `n` of 2013.
fn entry(n: u64) -> String {
    entry_at(n, 1_356_998_400 + 86_400 * n as i64)
}

/// The start of a feed and `count` entries, not yet closed.
fn open_feed(count: u64) -> String {
    let mut text = FEED_START.to_owned();
    for n in 0..count {
        text.push_str(&entry(n));
    }
    text
}

/// A whole feed of `count` entries.
fn feed(count: u64) -> String {
    open_feed(count) + "</feed>\n"
}

// The client and its calls.

/// `millis` milliseconds.
fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A client for `origin` with a token stored under "k": no retries, 2 s timeouts,
/// then whatever `adjust` changes.
async fn client_for(origin: &str, adjust: impl FnOnce(ClientConfig) -> ClientConfig) -> Client {
    let endpoints = Endpoints::new(
        &format!("{origin}/authorize"),
        &format!("{origin}/token"),
        &format!("{origin}/r"),
    )
    .expect("loopback endpoints");
    let config = ClientConfig::new(endpoints, "id", "secret")
        .with_retry(RetryPolicy::new(1, ms(10), ms(10)))
        .with_timeouts(ms(2000), ms(2000), ms(2000));
    let client = Client::new(adjust(config)).expect("a client");
    client
        .insert_tokens_under(
            "k".into(),
            TokenSet::new(Secret::new("tok"), Grant::AuthorizationCode, 0),
        )
        .await
        .expect("stored");
    client
}

/// Timeouts of 1 s to connect, 500 ms for the whole request, 300 ms of silence.
fn short_timeouts(config: ClientConfig) -> ClientConfig {
    config.with_timeouts(ms(1000), ms(500), ms(300))
}

/// Timeouts of 1 s to connect and for the request, `read` of silence.
fn read_timeout(config: ClientConfig, read: Duration) -> ClientConfig {
    config.with_timeouts(ms(1000), ms(1000), read)
}

/// Runs `future` and measures how long it took.
async fn timed<T>(future: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let output = future.await;
    (output, started.elapsed())
}

/// Requests `/Batch/Bulk/1` with the token stored under "k".
async fn request_bulk(client: &Client) -> Result<FeedStream, Error> {
    client
        .session("k")
        .batch_bulk(
            &espi_auth::BulkId::new("1").expect("a bulk id"),
            &Query::new(),
        )
        .await
}

/// Requests `/Batch/Bulk/1` and expects the headers of a stream.
async fn open_bulk(client: &Client) -> FeedStream {
    request_bulk(client).await.expect("the headers arrive")
}

/// Requests `/Batch/Bulk/1`, expects the headers and reads the stream to its end.
/// Returns the stream (to check after its end), the entries it yielded, how it ended
/// (`None` for a clean end) and the time from the request to the end.
async fn read_bulk(client: &Client) -> (FeedStream, u64, Option<Error>, Duration) {
    let started = Instant::now();
    let mut feed = open_bulk(client).await;
    let (entries, error) = drain(&mut feed).await;
    (feed, entries, error, started.elapsed())
}

/// Reads a stream to its end: the entries before it ended, and how it ended.
async fn drain(feed: &mut FeedStream) -> (u64, Option<Error>) {
    let mut entries = 0;
    while let Some(next) = feed.next().await {
        match next {
            Ok(_) => entries += 1,
            Err(error) => return (entries, Some(error)),
        }
    }
    (entries, None)
}

/// Syncs from November 2013 (four months, up to [`NOW`]), without context resources.
fn from_november() -> SyncOptions {
    SyncOptions::new()
        .with_earliest(NOVEMBER_2013)
        .with_context(false)
}

// Checks.

/// Asserts that a stream that failed reports nothing as complete.
async fn assert_not_complete(feed: &mut FeedStream) {
    assert!(feed.next().await.is_none(), "nothing after the error");
    assert!(feed.summary().is_none(), "no summary for a broken stream");
}

/// Asserts that a sync stopped at December 2013 with November committed, and returns
/// why it stopped.
fn stopped_in_december(error: &Error) -> &Error {
    let Error::SyncStopped {
        at,
        months_committed,
        source,
        ..
    } = error
    else {
        panic!("not SyncStopped: {error:?}");
    };
    assert!(at.contains("2013-12-01"), "{at}");
    assert_eq!(*months_committed, 1, "November only");
    source
}

/// Asserts that `error` is `BodyTooLarge` for a `method` request, over `limit` of
/// `max` bytes, with `content_length` declared; returns its URL and the bytes read.
fn assert_body_too_large<'a>(
    error: &'a Error,
    method: &str,
    limit: &str,
    max: u64,
    content_length: Option<u64>,
) -> (&'a str, u64) {
    let Error::BodyTooLarge {
        method: sent,
        url,
        limit: exceeded,
        max: reported,
        read,
        content_length: declared,
    } = error
    else {
        panic!("not BodyTooLarge: {error:?}");
    };
    assert_eq!(sent, method);
    assert_eq!(*exceeded, limit);
    assert_eq!(*reported, max);
    assert_eq!(*declared, content_length);
    (url, *read)
}

/// Asserts that reading stopped with the chunk that passed `max`: past it, by less
/// than 512 KiB.
fn assert_stopped_just_past(read: u64, max: u64) {
    assert!(read > max && read <= max + (512 << 10), "{read}");
}

/// The bound every test asserts: well above the configured timeouts (≤ 1 s), well
/// below anything a hostile server could make unbounded.
const BOUND: Duration = Duration::from_secs(4);

/// Prints how and when a case ended (see them with `--nocapture`) and checks the bound.
fn report(test: &str, elapsed: Duration, error: &Error) {
    eprintln!("{test}: ended in {elapsed:?}: {error}");
    assert!(elapsed < BOUND, "{test} took {elapsed:?}");
}

#[tokio::test]
async fn an_endless_body_ends_at_the_size_limit() {
    let (origin, _) = raw_server(|_, mut write| async move {
        let _ = write
            .write_all(close_delimited_head("200 OK", ATOM).as_bytes())
            .await;
        let _ = write.write_all(FEED_START.as_bytes()).await;
        let mut batch = String::new();
        for n in 0.. {
            batch.push_str(&entry(n));
            if batch.len() >= 64 << 10 {
                if write.write_all(batch.as_bytes()).await.is_err() {
                    return;
                }
                batch.clear();
            }
        }
    })
    .await;
    let max = 1 << 20;
    let client = client_for(&origin, |config| config.with_body_limits(max, 1 << 20)).await;
    let (mut feed, entries, error, elapsed) = read_bulk(&client).await;
    let error = error.expect("an endless body never ends cleanly");
    report("endless body", elapsed, &error);
    let (url, read) = assert_body_too_large(&error, "GET", "max_body_size", max, None);
    assert!(
        url.starts_with(&origin) && url.ends_with("/r/Batch/Bulk/1"),
        "{url}"
    );
    assert_stopped_just_past(read, max);
    let message = error.to_string();
    assert!(message.contains("max_body_size = 1048576"), "{message}");
    assert!(
        message.contains(&format!("{origin}/r/Batch/Bulk/1")),
        "{message}"
    );
    assert!(!error.is_retryable());
    // The entries yielded lie within the limit; none was counted as the whole answer.
    assert!(
        entries > 0 && entries * (entry(0).len() as u64) < max,
        "{entries}"
    );
    assert_not_complete(&mut feed).await;
    assert_eq!(client.stats().broken_bodies, 1);
}

#[tokio::test]
async fn a_content_length_over_the_limit_is_refused_before_the_body_is_read() {
    const DECLARED: u64 = 5 << 30;
    let origin = stalling_server(content_length_head(ATOM, DECLARED) + FEED_START).await;
    // The default limit (4 GiB) is finite, and a small one refuses the same way. The
    // read timeout is long: the refusal must not wait for the body.
    let long_read = |config: ClientConfig| config.with_timeouts(ms(2000), ms(2000), ms(30_000));
    for (max, client) in [
        (
            espi_client::DEFAULT_MAX_BODY_SIZE,
            client_for(&origin, long_read).await,
        ),
        (
            1 << 20,
            client_for(&origin, |config| {
                long_read(config.with_body_limits(1 << 20, 1 << 20))
            })
            .await,
        ),
    ] {
        let (result, elapsed) = timed(request_bulk(&client)).await;
        let error = result.expect_err("refused on its Content-Length");
        report("Content-Length over the limit", elapsed, &error);
        assert!(elapsed < ms(1000), "{elapsed:?}");
        let (url, read) =
            assert_body_too_large(&error, "GET", "max_body_size", max, Some(DECLARED));
        assert!(url.ends_with("/r/Batch/Bulk/1"), "{url}");
        assert_eq!(read, 0);
        let message = error.to_string();
        assert!(
            message.contains(&format!("Content-Length declares {DECLARED} bytes")),
            "{message}"
        );
        assert!(message.contains(&origin), "{message}");
        assert_eq!(client.stats().broken_bodies, 1);
    }
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_stops_at_the_limit() {
    const ENTRIES: u64 = 1_500;
    let body = feed(ENTRIES);
    let length = body.len() as u64;
    let mut answer = chunked_head(ATOM).into_bytes();
    answer.extend(chunked_body(&body, 16 << 10));
    answer.extend_from_slice(b"0\r\n\r\n");
    let origin = closing_server(answer).await;
    let max = 1 << 20;
    assert!(length > 2 * max, "the body is {length} bytes");
    let client = client_for(&origin, |config| config.with_body_limits(max, 1 << 20)).await;
    let (mut feed, entries, error, elapsed) = read_bulk(&client).await;
    let error = error.expect("over the limit");
    report("chunked body over the limit", elapsed, &error);
    let (_, read) = assert_body_too_large(&error, "GET", "max_body_size", max, None);
    assert_stopped_just_past(read, max);
    assert!(entries < ENTRIES, "{entries}");
    assert_not_complete(&mut feed).await;

    // The same body under a larger limit is read whole: the limit is what stopped it.
    let client = client_for(&origin, |config| config.with_body_limits(8 << 20, 1 << 20)).await;
    let (feed, entries, error, _) = read_bulk(&client).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(entries, ENTRIES);
    assert_eq!(feed.summary().expect("a clean end").bytes, length);
}

#[tokio::test]
async fn trickled_headers_end_at_the_request_timeout() {
    // One header byte every 50 ms, forever: never silent, never done.
    let (origin, connections) =
        trickling_server("HTTP/1.1 200 OK\r\nX-Slow: ".to_owned(), b'a', ms(50)).await;
    let client = client_for(&origin, |config| {
        config
            .with_retry(RetryPolicy::new(2, ms(10), ms(10)))
            // reqwest also counts its read timeout from the request to the headers;
            // it is longer here, so that the request timeout is what ends it.
            .with_timeouts(ms(1000), ms(400), ms(2000))
    })
    .await;
    let (result, elapsed) = timed(request_bulk(&client)).await;
    let error = result.expect_err("the headers never end");
    report("trickled headers", elapsed, &error);
    assert!(elapsed >= ms(800), "{elapsed:?}");
    let Error::RetriesExhausted {
        attempts: 2, last, ..
    } = &error
    else {
        panic!("not two attempts: {error:?}");
    };
    assert!(
        matches!(&**last, Error::Timeout { url, what, .. }
            if url.ends_with("/r/Batch/Bulk/1") && what.contains("no response headers within 400ms")),
        "{last:?}"
    );
    assert!(error.to_string().contains(&origin), "{error}");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn endless_headers_are_refused() {
    let (origin, _) = raw_server(|_, mut write| async move {
        if write.write_all(b"HTTP/1.1 200 OK\r\n").await.is_err() {
            return;
        }
        for n in 0u64.. {
            let line = format!("X-Junk-{n}: {}\r\n", "a".repeat(1000));
            if write.write_all(line.as_bytes()).await.is_err() {
                return;
            }
        }
    })
    .await;
    let client = client_for(&origin, |config| config).await;
    let (result, elapsed) = timed(request_bulk(&client)).await;
    let error = result.expect_err("the headers never end");
    report("endless headers", elapsed, &error);
    assert!(
        matches!(&error, Error::Transport { url, .. } if url.ends_with("/r/Batch/Bulk/1")),
        "{error:?}"
    );
    assert!(error.to_string().contains("too large"), "{error}");
}

#[tokio::test]
async fn a_stalled_body_ends_at_the_read_timeout() {
    let body = open_feed(2);
    let sent = body.len();
    let origin = stalling_server(close_delimited_head("200 OK", ATOM) + &body).await;
    let client = client_for(&origin, |config| read_timeout(config, ms(300))).await;
    let (mut feed, entries, error, elapsed) = read_bulk(&client).await;
    let error = error.expect("a stalled body never ends cleanly");
    report("stalled body", elapsed, &error);
    assert!(elapsed >= ms(300), "{elapsed:?}");
    assert_eq!(entries, 2);
    assert!(
        matches!(&error, Error::Timeout { url, what, .. }
            if url.ends_with("/r/Batch/Bulk/1")
                && what.contains("sent nothing for 300ms")
                && what.contains(&format!("after {sent} bytes"))),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_not_complete(&mut feed).await;
}

#[tokio::test]
async fn a_body_trickling_forever_ends_at_the_body_timeout() {
    // A byte of whitespace between entries every 50 ms: valid, never silent for the
    // read timeout, never ending.
    let head = close_delimited_head("200 OK", ATOM) + &open_feed(1);
    let (origin, _) = trickling_server(head, b' ', ms(50)).await;
    let client = client_for(&origin, |config| {
        read_timeout(config, ms(300)).with_body_timeout(Some(ms(1000)))
    })
    .await;
    let (mut feed, entries, error, elapsed) = read_bulk(&client).await;
    let error = error.expect("a trickle never ends cleanly");
    report("body trickling forever", elapsed, &error);
    assert!(elapsed >= ms(1000), "{elapsed:?}");
    assert_eq!(entries, 1);
    assert!(
        matches!(&error, Error::Timeout { url, what, .. }
            if url.ends_with("/r/Batch/Bulk/1") && what.contains("within 1s (body_timeout)")),
        "{error:?}"
    );
    assert_not_complete(&mut feed).await;
}

#[tokio::test]
async fn invalid_xml_after_good_entries_ends_the_stream_with_its_position() {
    // Three good entries on lines 2–4, then line 5 is not well-formed; the server then
    // keeps the connection open without a word.
    let origin =
        stalling_server(close_delimited_head("200 OK", ATOM) + &open_feed(3) + BROKEN_ENTRY).await;
    // A long read timeout: the XML error must end the request at once, not wait for
    // the silent server.
    let client = client_for(&origin, |config| read_timeout(config, ms(20_000))).await;
    let (mut feed, entries, error, elapsed) = read_bulk(&client).await;
    let error = error.expect("not a clean end");
    report("invalid XML mid-stream", elapsed, &error);
    assert!(elapsed < ms(2000), "{elapsed:?}");
    assert_eq!(entries, 3, "the entries before the error are yielded");
    let Error::Xml { url, source } = &error else {
        panic!("not an XML error: {error:?}");
    };
    assert!(
        url.starts_with(&origin) && url.ends_with("/r/Batch/Bulk/1"),
        "{url}"
    );
    assert!(
        matches!(source, espi_xml::Error::Xml { .. }),
        "not well-formed: {source:?}"
    );
    assert_eq!(source.position().map(|at| at.line), Some(5), "{source}");
    let message = error.to_string();
    assert!(message.contains("line 5, column"), "{message}");
    assert!(message.contains(&origin), "{message}");
    assert!(!error.is_retryable());
    assert_not_complete(&mut feed).await;
    assert_eq!(client.stats().broken_bodies, 1);

    // The helpers that gather a whole answer return the error, not the three entries.
    let collected = open_bulk(&client).await.collect().await;
    assert!(matches!(collected, Err(Error::Xml { .. })), "{collected:?}");
    let document = open_bulk(&client).await.into_document().await;
    assert!(matches!(document, Err(Error::Xml { .. })), "{document:?}");
}

#[tokio::test]
async fn a_sync_never_records_a_month_whose_body_turns_invalid() {
    // December 2013 starts with two good IntervalBlocks and then breaks; the other
    // months are empty feeds.
    let december = Arc::new(AtomicU32::new(0));
    let requests = Arc::clone(&december);
    let (origin, _) = raw_server(move |request, mut write| {
        let requests = Arc::clone(&requests);
        async move {
            let answer = if request.line.contains("published-min=2013-12-01") {
                requests.fetch_add(1, Ordering::SeqCst);
                close_delimited_head("200 OK", ATOM)
                    + FEED_START
                    + &entry_at(0, 1_385_856_000)
                    + &entry_at(1, 1_385_942_400)
                    + BROKEN_ENTRY
            } else {
                let body = feed(0);
                content_length_head(ATOM, body.len() as u64) + &body
            };
            let _ = write.write_all(answer.as_bytes()).await;
        }
    })
    .await;
    let clock = TestClock::at(NOW);
    let client = client_for(&origin, |config| config.with_clock(Arc::new(clock.clone()))).await;
    let subscription = format!("{origin}/r/Batch/Subscription/1");
    let mut tokens = TokenSet::new(Secret::new("tok"), Grant::AuthorizationCode, NOW);
    tokens.resource_uri = Some(subscription.clone());
    let key = client.insert_tokens(tokens).await.expect("stored");
    let store = MemorySyncStore::new();
    let (result, elapsed) = timed(sync_subscription(
        &client.session(key),
        &store,
        &from_november(),
    ))
    .await;
    let error = result.expect_err("the December body is not well-formed");
    report("sync with invalid XML", elapsed, &error);
    let source = stopped_in_december(&error);
    assert!(
        matches!(source, Error::Xml { url, source }
            if url.contains("published-min=2013-12-01") && source.position().is_some()),
        "{source:?}"
    );
    // November is recorded; December, whose first two entries arrived, is neither
    // recorded nor written, so the next run reads it again.
    let months = store.month_records(&subscription).await.expect("the store");
    assert_eq!(months.len(), 1, "{months:?}");
    assert_eq!(months[0].start, NOVEMBER_2013);
    assert!(store.entries(&subscription).is_empty());
    assert_eq!(store.commits(&subscription), 1);
    // Not well-formed is not a passing fault: it is not read again.
    assert_eq!(december.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_body_short_of_its_content_length_is_truncated_even_when_the_xml_is_whole() {
    let body = feed(3);
    let sent = body.len() as u64;
    let origin = closing_server(content_length_head(ATOM, sent + 1000) + &body).await;
    let client = client_for(&origin, |config| config).await;
    let (mut feed, entries, error, elapsed) = read_bulk(&client).await;
    let error = error.expect("1000 bytes are missing");
    report("short of Content-Length", elapsed, &error);
    assert_eq!(entries, 3);
    assert!(
        matches!(&error, Error::Truncated { url, bytes, .. } if url.ends_with("/r/Batch/Bulk/1") && *bytes == sent),
        "{error:?}"
    );
    assert!(
        error.to_string().contains(&format!("after {sent} bytes")),
        "{error}"
    );
    assert!(error.is_retryable());
    assert_not_complete(&mut feed).await;
}

#[tokio::test]
async fn a_chunked_body_cut_before_its_last_chunk_is_truncated() {
    // No `0\r\n\r\n`: the connection just closes.
    let mut answer = chunked_head(ATOM).into_bytes();
    answer.extend(chunked_body(&feed(3), 1000));
    let origin = closing_server(answer).await;
    let client = client_for(&origin, |config| config).await;
    let (mut feed, entries, error, elapsed) = read_bulk(&client).await;
    let error = error.expect("the last chunk never came");
    report("chunked body cut", elapsed, &error);
    assert_eq!(entries, 3);
    assert!(
        matches!(&error, Error::Truncated { url, .. } if url.ends_with("/r/Batch/Bulk/1")),
        "{error:?}"
    );
    assert_not_complete(&mut feed).await;
}

#[tokio::test]
async fn oversized_or_endless_token_responses_are_refused() {
    const DECLARED: u64 = 2 << 20;
    let max = 64 << 10;
    // Declared too large: refused before the body is read.
    let declared =
        stalling_server(content_length_head(JSON, DECLARED) + "{\"access_token\":\"").await;
    // Endless, chunked: refused as its bytes pass the limit.
    let (endless, _) = raw_server(|_, mut write| async move {
        let _ = write.write_all(chunked_head(JSON).as_bytes()).await;
        let _ = write.write_all(&chunk(b"{\"access_token\":\"")).await;
        let filler = chunk(&[b'a'; 8192]);
        while write.write_all(&filler).await.is_ok() {}
    })
    .await;
    for (origin, content_length) in [(declared, Some(DECLARED)), (endless, None)] {
        let client = client_for(&origin, |config| {
            read_timeout(config.with_body_limits(1 << 20, max), ms(20_000))
        })
        .await;
        let (result, elapsed) = timed(client.client_credentials(None)).await;
        let error = result.expect_err("not a token");
        report("oversized token response", elapsed, &error);
        let (url, read) =
            assert_body_too_large(&error, "POST", "max_token_body_size", max, content_length);
        assert_eq!(url, format!("{origin}/token"));
        match content_length {
            Some(_) => assert_eq!(read, 0),
            None => assert_stopped_just_past(read, max),
        }
        assert!(
            error.to_string().contains("max_token_body_size = 65536"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_token_response_trickled_slowly_ends_at_the_request_timeout() {
    let head = close_delimited_head("200 OK", JSON) + "{\"access_token\":\"";
    let (origin, _) = trickling_server(head, b'a', ms(50)).await;
    let client = client_for(&origin, short_timeouts).await;
    let (result, elapsed) = timed(client.client_credentials(None)).await;
    let error = result.expect_err("the token never ends");
    report("trickled token response", elapsed, &error);
    assert!(elapsed >= ms(500), "{elapsed:?}");
    assert!(
        matches!(&error, Error::Timeout { method, url, what }
            if method == "POST" && url.ends_with("/token") && what.contains("did not end within 500ms")),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_error_status_with_a_trickled_body_is_reported_in_time() {
    let head = close_delimited_head("404 Not Found", "text/plain") + "no such subscription ";
    let (origin, _) = trickling_server(head, b'x', ms(50)).await;
    let client = client_for(&origin, short_timeouts).await;
    let (result, elapsed) = timed(request_bulk(&client)).await;
    let error = result.expect_err("404");
    report("error status with a trickled body", elapsed, &error);
    assert!(
        matches!(&error, Error::Status { status: 404, url, reason, .. }
            if url.ends_with("/r/Batch/Bulk/1") && reason.starts_with("no such subscription")),
        "{error:?}"
    );
}

#[tokio::test]
async fn xml_limits_apply_to_responses() {
    // One entry larger than the configured max_entry_size: an XML limit error with
    // its position, before the entry is buffered whole.
    let origin = closing_server(close_delimited_head("200 OK", ATOM) + &feed(3)).await;
    let limits = espi_xml::ReaderLimits::default().with_max_entry_size(1000);
    let client = client_for(&origin, |config| config.with_xml_limits(limits)).await;
    let options = client.config().reader_options();
    assert_eq!(
        options.limits.max_document_size,
        Some(espi_client::DEFAULT_MAX_BODY_SIZE)
    );
    let (mut feed, entries, error, _) = read_bulk(&client).await;
    assert_eq!(entries, 0);
    let error = error.expect("the entry is over max_entry_size");
    assert!(
        matches!(&error, Error::Xml { source: espi_xml::Error::Limit { .. }, url } if url.ends_with("/r/Batch/Bulk/1")),
        "{error:?}"
    );
    assert!(error.to_string().contains("max_entry_size"), "{error}");
    assert_not_complete(&mut feed).await;
}

#[tokio::test]
async fn against_the_sandbox_a_month_over_the_body_limit_is_never_recorded() {
    let clock = TestClock::at(NOW);
    let sandbox = start(sandbox_config(&clock)).await;
    let max = 64 << 10;
    let client = Client::new(client_config(&sandbox, &clock).with_body_limits(max, 1 << 20))
        .expect("a client");
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let subscription = tokens.resource_uri.clone().expect("a resourceURI");
    let store = MemorySyncStore::new();
    let (result, elapsed) = timed(sync_subscription(
        &client.session(tokens.key()),
        &store,
        &from_november(),
    ))
    .await;
    let error = result.expect_err("December's week of one-minute data is over 64 KiB");
    report("sandbox month over the limit", elapsed, &error);
    let source = stopped_in_december(&error);
    assert!(
        matches!(source, Error::BodyTooLarge { limit: "max_body_size", max: m, read, content_length, .. }
            if *m == max && (*read > max || (*read == 0 && content_length.is_some_and(|length| length > max)))),
        "{source:?}"
    );
    let months = store.month_records(&subscription).await.expect("the store");
    assert_eq!(months.len(), 1, "{months:?}");
    assert!(store.readings(&subscription).is_empty());

    // The default limit lets the same sync finish, complete.
    let client = Client::new(client_config(&sandbox, &clock)).expect("a client");
    let key = client.insert_tokens(tokens).await.expect("stored");
    sync_subscription(&client.session(key), &store, &from_november())
        .await
        .expect("the sync resumes and completes");
    assert_complete(&store, &subscription);
}

#[tokio::test]
async fn against_the_sandbox_slow_headers_end_at_the_request_timeout() {
    let clock = TestClock::at(NOW);
    let mut config = sandbox_config(&clock);
    // Only the resource routes are slow: the authorization completes.
    config.faults.latency = ms(5000);
    let sandbox = start(config).await;
    let client = Client::new(
        client_config(&sandbox, &clock)
            .with_retry(RetryPolicy::new(2, ms(10), ms(10)))
            .with_timeouts(ms(1000), ms(300), ms(2000)),
    )
    .expect("a client");
    let tokens = authorize(&client, "2", USAGE_SCOPE).await;
    let id = tokens.subscription_id().expect("an id");
    let (result, elapsed) = timed(
        client
            .session(tokens.key())
            .batch_subscription(&id, &Query::new()),
    )
    .await;
    let error = result.expect_err("no headers within 300 ms");
    report("sandbox latency", elapsed, &error);
    assert!(elapsed >= ms(600), "{elapsed:?}");
    assert!(
        matches!(&error, Error::RetriesExhausted { attempts: 2, last, .. }
            if matches!(&**last, Error::Timeout { what, url, .. }
                if what.contains("no response headers within 300ms") && url.contains("/Batch/Subscription/"))),
        "{error:?}"
    );
}
