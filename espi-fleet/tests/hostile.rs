//! Hostile clients of the fleet's endpoints on raw loopback sockets: notification
//! bodies refused before they are read (too large by `Content-Length`, too large as
//! they arrive, for an unknown Data Custodian), a body that stalls, headers sent
//! slowly, idle kept-alive connections, and the connection limit. None of it queues
//! anything, and a well-behaved request is served once a place is free.

mod common;

use common::TestDatabase;
use espi_fleet::{Fleet, FleetConfig};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

/// The bounds under test, short so that the tests are.
const HEADER_TIMEOUT: Duration = Duration::from_millis(1_500);
const BODY_TIMEOUT: Duration = Duration::from_millis(1_500);
const CONNECTIONS: usize = 3;
const NOTIFICATION_BYTES: usize = 4_096;
/// What a loaded machine may add to a timeout before the server acts on it.
const SLACK: Duration = Duration::from_secs(3);

/// A fleet serving its endpoints (no worker: nothing here needs one) on SQLite, with
/// one Data Custodian that is never contacted.
struct Served {
    fleet: Fleet,
    address: SocketAddr,
    stop: watch::Sender<bool>,
    _database: TestDatabase,
}

async fn serve() -> Served {
    let database = TestDatabase::sqlite();
    let config = format!(
        r#"
store = "{}"
[http]
connections = {CONNECTIONS}
header_read_timeout_ms = {}
body_read_timeout_ms = {}
write_timeout_ms = 5000
max_notification_bytes = {NOTIFICATION_BYTES}
[[custodian]]
name = "{}"
authorization_endpoint = "http://127.0.0.1:9/DataCustodian/oauth/authorize"
token_endpoint = "http://127.0.0.1:9/DataCustodian/oauth/token"
resource_endpoint = "http://127.0.0.1:9/DataCustodian/espi/1_1/resource"
client_id = "third_party"
client_secret = "secret"
scope = "FB=4_5_15"
"#,
        database.location,
        HEADER_TIMEOUT.as_millis(),
        BODY_TIMEOUT.as_millis(),
        common::CUSTODIAN,
    );
    let fleet = Fleet::open(FleetConfig::parse(&config).expect("the configuration parses"))
        .await
        .expect("the fleet opens");
    let listener =
        espi_serve::listen("127.0.0.1:0".parse().expect("an address"), None).expect("a port");
    let address = listener.local_addr().expect("an address");
    let (stop, mut stopped) = watch::channel(false);
    let server = fleet.clone();
    tokio::spawn(async move {
        let _ = server
            .serve(listener, async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await;
    });
    Served {
        fleet,
        address,
        stop,
        _database: database,
    }
}

/// Reads until the end of a response head; `None` when none came within `wait`.
async fn response_head(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    let read = async {
        while !head.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte).await {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
    };
    let _ = tokio::time::timeout(wait, read).await;
    head.ends_with(b"\r\n\r\n")
        .then(|| String::from_utf8_lossy(&head).into_owned())
}

/// The status code of a response head.
fn status(head: &str) -> u16 {
    head.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head:?}"))
}

/// Whether the server closes `stream` within `wait` (EOF or reset), discarding what
/// comes before.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buffer = vec![0u8; 16 * 1024];
    let drain = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(wait, drain).await.is_ok()
}

fn notification_head(custodian: &str, length_header: &str) -> String {
    format!(
        "POST /notifications/{custodian} HTTP/1.1\r\nHost: fleet\r\n\
         Content-Type: application/atom+xml\r\n{length_header}\r\n"
    )
}

/// Nothing was queued by what the fleet refused.
async fn nothing_queued(served: &Served) {
    let queued = served
        .fleet
        .store()
        .notifications()
        .await
        .expect("the notifications");
    assert!(queued.is_empty(), "refused requests queued {queued:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_bodies_are_refused_before_they_are_read() {
    let served = serve().await;

    // A Content-Length over the limit: 413 at once, though not a byte of it was sent.
    let mut stream = TcpStream::connect(served.address).await.expect("connects");
    let head = notification_head(common::CUSTODIAN, "Content-Length: 100000000\r\n");
    stream.write_all(head.as_bytes()).await.expect("sent");
    let answer = response_head(&mut stream, SLACK)
        .await
        .expect("an answer before the body");
    assert_eq!(status(&answer), 413, "{answer}");

    // Chunked, with no length announced: refused once the limit is passed.
    let mut stream = TcpStream::connect(served.address).await.expect("connects");
    let head = notification_head(common::CUSTODIAN, "Transfer-Encoding: chunked\r\n");
    stream.write_all(head.as_bytes()).await.expect("sent");
    let chunk = format!("{:x}\r\n{}\r\n", 1_024, "x".repeat(1_024));
    for _ in 0..(NOTIFICATION_BYTES / 1_024 + 1) {
        stream.write_all(chunk.as_bytes()).await.expect("sent");
    }
    let answer = response_head(&mut stream, SLACK)
        .await
        .expect("an answer before the body ends");
    assert_eq!(status(&answer), 413, "{answer}");

    // An unknown Data Custodian: 404, the (announced, never sent) body unread.
    let mut stream = TcpStream::connect(served.address).await.expect("connects");
    let head = notification_head("nobody", "Content-Length: 1000\r\n");
    stream.write_all(head.as_bytes()).await.expect("sent");
    let answer = response_head(&mut stream, SLACK)
        .await
        .expect("an answer before the body");
    assert_eq!(status(&answer), 404, "{answer}");

    nothing_queued(&served).await;
    let _ = served.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_times_out() {
    let served = serve().await;
    let mut stream = TcpStream::connect(served.address).await.expect("connects");
    let head = notification_head(common::CUSTODIAN, "Content-Length: 200\r\n");
    stream.write_all(head.as_bytes()).await.expect("sent");
    stream.write_all(b"<BatchList ").await.expect("sent");
    let started = Instant::now();
    let answer = response_head(&mut stream, BODY_TIMEOUT + SLACK)
        .await
        .expect("an answer to the stalled body");
    assert_eq!(status(&answer), 408, "{answer}");
    assert!(
        started.elapsed() >= BODY_TIMEOUT.mul_f32(0.9),
        "answered after {:?}, before the body timeout",
        started.elapsed()
    );
    nothing_queued(&served).await;
    let _ = served.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_connections_are_closed() {
    let served = serve().await;

    // A header trickled a byte every 200 ms gets no more than the header timeout.
    let mut slow = TcpStream::connect(served.address).await.expect("connects");
    let started = Instant::now();
    let trickle = async {
        for byte in b"GET /metrics HTTP/1.1\r\nHost: fleet\r\nX-Slow: "
            .iter()
            .cycle()
        {
            if slow.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    let ended = tokio::time::timeout(HEADER_TIMEOUT + SLACK, trickle).await;
    assert!(
        ended.is_ok(),
        "a slow header was still read after {:?}",
        started.elapsed()
    );
    assert!(closed_within(&mut slow, SLACK).await);

    // A kept-alive connection left idle after its answer is closed.
    let mut idle = TcpStream::connect(served.address).await.expect("connects");
    idle.write_all(b"GET /metrics HTTP/1.1\r\nHost: fleet\r\n\r\n")
        .await
        .expect("sent");
    let answer = response_head(&mut idle, SLACK).await.expect("an answer");
    assert_eq!(status(&answer), 200, "{answer}");
    let started = Instant::now();
    assert!(
        closed_within(&mut idle, HEADER_TIMEOUT + SLACK).await,
        "an idle connection stayed open"
    );
    assert!(started.elapsed() >= HEADER_TIMEOUT.mul_f32(0.9));
    let _ = served.stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_limit_wait_for_a_place() {
    let served = serve().await;
    // Every place taken by a client that never finishes its headers…
    let mut holders = Vec::new();
    for _ in 0..CONNECTIONS {
        let mut holder = TcpStream::connect(served.address).await.expect("connects");
        holder.write_all(b"GET /metr").await.expect("sent");
        holders.push(holder);
    }
    // …the next request waits in the backlog…
    let started = Instant::now();
    let mut waiting = TcpStream::connect(served.address).await.expect("connects");
    waiting
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: fleet\r\n\r\n")
        .await
        .expect("sent");
    let early = response_head(&mut waiting, HEADER_TIMEOUT.mul_f32(0.6)).await;
    assert!(early.is_none(), "served over the limit: {early:?}");
    // …and is served once the header timeout frees the places.
    let answer = response_head(&mut waiting, HEADER_TIMEOUT + SLACK)
        .await
        .expect("served once a place was free");
    assert_eq!(status(&answer), 200, "{answer}");
    assert!(started.elapsed() >= HEADER_TIMEOUT.mul_f32(0.9));
    drop(holders);
    let _ = served.stop.send(true);
}
