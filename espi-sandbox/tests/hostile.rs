//! Hostile clients on raw loopback sockets: bodies refused before they are read,
//! clients that never read their response, slow headers, idle kept-alive connections
//! and the connection limit. The figures (how long a well-behaved request takes with
//! hundreds of stalled clients, how fast a large feed streams) come from the ignored
//! `measure_…` test, run in release:
//! `cargo test --release -p espi-sandbox --test hostile -- --ignored --nocapture`.

mod common;

use espi_sandbox::{RunningSandbox, SandboxConfig};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A connection to the sandbox.
async fn connect(sandbox: &RunningSandbox) -> TcpStream {
    TcpStream::connect(sandbox.address())
        .await
        .expect("a connection to the sandbox")
}

/// The path of a URL of the sandbox (what a request line carries).
fn path_of(url: &str) -> String {
    let url = reqwest::Url::parse(url).expect("a URL");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
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

/// Sends a request head (no body follows) and returns the status line of the answer,
/// if one comes within `wait`.
async fn status_without_body(
    sandbox: &RunningSandbox,
    head: &str,
    wait: Duration,
) -> Option<String> {
    let mut stream = connect(sandbox).await;
    stream
        .write_all(head.as_bytes())
        .await
        .expect("the head is sent");
    response_head(&mut stream, wait)
        .await
        .and_then(|head| head.lines().next().map(str::to_owned))
}

/// Whether the server closes `stream` within `wait` (EOF or reset), reading and
/// discarding what comes before.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buffer = vec![0u8; 64 * 1024];
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

fn config_with_limits(adjust: impl FnOnce(&mut espi_sandbox::ServerLimits)) -> SandboxConfig {
    let (mut config, _clock) = common::config();
    adjust(&mut config.limits);
    config
}

#[tokio::test]
async fn bodies_are_refused_before_they_are_read() {
    let sandbox = common::start_with(config_with_limits(|limits| {
        limits.upload_bytes = 1024 * 1024;
    }))
    .await;
    let upload = path_of(&sandbox.add_usage_url("1"));
    let token_path = path_of(&sandbox.token_endpoint());
    let authorize_path = path_of(&sandbox.authorization_endpoint());
    let custodian = sandbox.data_custodian_token();
    let customer = common::authorize(&sandbox, "1", common::USAGE_SCOPE).await;
    let basic = "dGhpcmRfcGFydHk6c2VjcmV0"; // third_party:secret
    // Each head announces a body that never comes: the answer must not wait for it.
    let cases = [
        (
            format!("POST {upload} HTTP/1.1\r\nHost: s\r\nContent-Length: 536870912\r\n\r\n"),
            "401",
        ),
        (
            format!(
                "POST {upload} HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer {}\r\n\
                 Content-Length: 536870912\r\n\r\n",
                customer.access_token
            ),
            "403",
        ),
        (
            format!(
                "POST {upload} HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer {custodian}\r\n\
                 Content-Length: 1048577\r\n\r\n"
            ),
            "413",
        ),
        (
            format!(
                "POST {token_path} HTTP/1.1\r\nHost: s\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n"
            ),
            "401",
        ),
        (
            format!(
                "POST {token_path} HTTP/1.1\r\nHost: s\r\nAuthorization: Basic {basic}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n"
            ),
            "413",
        ),
        (
            format!(
                "POST {authorize_path} HTTP/1.1\r\nHost: s\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000000\r\n\r\n"
            ),
            "413",
        ),
        // Routes that take no body answer without waiting for one.
        (
            "POST /DataCustodian/admin/Authorization/1/revoke HTTP/1.1\r\nHost: s\r\n\
             Content-Length: 536870912\r\n\r\n"
                .to_owned(),
            "401",
        ),
        (
            format!(
                "DELETE /DataCustodian/espi/1_1/resource/Authorization/1 HTTP/1.1\r\nHost: s\r\n\
                 Authorization: Bearer {custodian}\r\nContent-Length: 536870912\r\n\r\n"
            ),
            "204",
        ),
    ];
    for (head, status) in cases {
        let line = status_without_body(&sandbox, &head, Duration::from_secs(10)).await;
        assert!(
            line.as_deref()
                .is_some_and(|line| line.starts_with(&format!("HTTP/1.1 {status}"))),
            "{head:?} answered {line:?}, not {status}"
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_body_that_stalls_is_given_up() {
    let sandbox = common::start_with(config_with_limits(|limits| {
        limits.body_read_timeout = Duration::from_secs(1);
    }))
    .await;
    let upload = path_of(&sandbox.add_usage_url("1"));
    let mut stream = connect(&sandbox).await;
    let head = format!(
        "POST {upload} HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer {}\r\n\
         Content-Length: 1000\r\n\r\n<feed xmlns",
        sandbox.data_custodian_token()
    );
    stream.write_all(head.as_bytes()).await.expect("sent");
    let started = Instant::now();
    let answer = response_head(&mut stream, Duration::from_secs(10)).await;
    assert!(
        answer
            .as_deref()
            .is_some_and(|head| head.starts_with("HTTP/1.1 408")),
        "{answer:?}"
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    sandbox.shutdown().await;
}

/// A client that asks for `path` and never reads the answer: a small receive buffer,
/// so that the server's writes soon wait for it.
async fn stalled_client(sandbox: &RunningSandbox, path: &str, token: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .set_recv_buffer_size(4096)
        .expect("a small receive buffer");
    let mut stream = socket
        .connect(sandbox.address())
        .await
        .expect("a connection");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer {token}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    stream
}

/// The Meter_Data sample's subscription (about 3.5 MB of XML) as `(path, whole body)`.
async fn large_feed(sandbox: &RunningSandbox) -> (String, usize) {
    let url = sandbox.subscription_uri("2").expect("customer 2");
    let body = common::get(sandbox, &url, &sandbox.data_custodian_token())
        .await
        .bytes()
        .await
        .expect("the whole feed");
    assert!(body.len() > 3_000_000, "{} bytes", body.len());
    (path_of(&url), body.len())
}

/// `stalled` clients that never read the large feed, then a well-behaved one that reads
/// it whole: returns how long the latter took. The kernel's send buffers are kept
/// small, so that each stalled response waits in the sandbox rather than in the kernel
/// (which would otherwise take up to 4 MiB of each).
async fn well_behaved_among_stalled(sandbox: &RunningSandbox, stalled: usize) -> Duration {
    let token = sandbox.data_custodian_token();
    let (path, length) = large_feed(sandbox).await;
    let mut streams = Vec::new();
    for _ in 0..stalled {
        streams.push(stalled_client(sandbox, &path, &token).await);
    }
    // Every stalled response has begun.
    for stream in &mut streams {
        let mut first = [0u8; 12];
        let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut first)).await;
    }
    let started = Instant::now();
    let url = sandbox.subscription_uri("2").unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(60), async {
        common::get(sandbox, &url, &token)
            .await
            .bytes()
            .await
            .expect("the whole feed")
    })
    .await
    .unwrap_or_else(|_| panic!("no answer in 60 s while {stalled} clients stall"));
    let elapsed = started.elapsed();
    assert_eq!(answer.len(), length);
    drop(streams);
    elapsed
}

fn stalling_config() -> SandboxConfig {
    config_with_limits(|limits| {
        limits.write_timeout = Duration::from_secs(120);
        limits.send_buffer = Some(64 * 1024);
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_clients_that_never_read_do_not_stall_the_others() {
    let sandbox = common::start_with(stalling_config()).await;
    // More stalled responses than tokio's blocking pool has threads (512).
    well_behaved_among_stalled(&sandbox, 600).await;
    sandbox.shutdown().await;
}

/// The same with a blocking pool of four threads: any response that waited for its
/// client on a blocking thread would leave none for the others.
#[test]
fn stalled_clients_hold_no_thread() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let sandbox = common::start_with(stalling_config()).await;
        well_behaved_among_stalled(&sandbox, 16).await;
        sandbox.shutdown().await;
    });
}

#[tokio::test]
async fn a_client_that_never_reads_is_cut_off_after_the_write_timeout() {
    let sandbox = common::start_with(config_with_limits(|limits| {
        limits.write_timeout = Duration::from_secs(1);
    }))
    .await;
    let token = sandbox.data_custodian_token();
    let (path, length) = large_feed(&sandbox).await;
    let mut stream = stalled_client(&sandbox, &path, &token).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    // What the server had written before it gave up, then the end of the connection.
    let mut received = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut received)).await;
    assert!(read.is_ok(), "the connection ends");
    assert!(
        received.len() < length && !received.ends_with(b"0\r\n\r\n"),
        "{} of {length} bytes, the last chunk {}",
        received.len(),
        if received.ends_with(b"0\r\n\r\n") {
            "included"
        } else {
            "missing"
        }
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed() {
    let sandbox = common::start_with(config_with_limits(|limits| {
        limits.header_read_timeout = Duration::from_secs(1);
    }))
    .await;
    // Slowloris: a header that never ends, a byte at a time.
    let mut slow = connect(&sandbox).await;
    slow.write_all(b"GET /DataCustodian/espi/1_1/resource/ReadServiceStatus HTTP/1.1\r\nX-Slow: ")
        .await
        .expect("sent");
    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < Duration::from_secs(10) {
        if slow.write_all(b"a").await.is_err() {
            closed = true;
            break;
        }
        let mut byte = [0u8; 1];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(300), slow.read(&mut byte)).await
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "a header trickled for 10 s is still being read");
    // An idle kept-alive connection after a complete exchange.
    let mut idle = connect(&sandbox).await;
    let request = format!(
        "GET /DataCustodian/espi/1_1/resource/ReadServiceStatus HTTP/1.1\r\nHost: s\r\n\
         Authorization: Bearer {}\r\n\r\n",
        sandbox.data_custodian_token()
    );
    idle.write_all(request.as_bytes()).await.expect("sent");
    let head = response_head(&mut idle, Duration::from_secs(5)).await;
    assert!(
        head.as_deref()
            .is_some_and(|head| head.starts_with("HTTP/1.1 200")),
        "{head:?}"
    );
    // A silent first request too.
    let mut silent = connect(&sandbox).await;
    assert!(closed_within(&mut idle, Duration::from_secs(10)).await);
    assert!(closed_within(&mut silent, Duration::from_secs(10)).await);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_for_a_free_one() {
    let sandbox = common::start_with(config_with_limits(|limits| {
        limits.connections = 2;
        limits.header_read_timeout = Duration::from_secs(2);
    }))
    .await;
    let request = format!(
        "GET /DataCustodian/espi/1_1/resource/ReadServiceStatus HTTP/1.1\r\nHost: s\r\n\
         Authorization: Bearer {}\r\n\r\n",
        sandbox.data_custodian_token()
    );
    // Two silent connections hold the two places.
    let _first = connect(&sandbox).await;
    let _second = connect(&sandbox).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = connect(&sandbox).await;
    third.write_all(request.as_bytes()).await.expect("sent");
    assert_eq!(
        response_head(&mut third, Duration::from_millis(800)).await,
        None,
        "served beyond the limit"
    );
    // Once the silent ones time out, the third is served.
    let head = response_head(&mut third, Duration::from_secs(10)).await;
    assert!(
        head.as_deref()
            .is_some_and(|head| head.starts_with("HTTP/1.1 200")),
        "{head:?}"
    );
    sandbox.shutdown().await;
}

/// `customers` retail customers with the Meter_Data sample each: a bulk feed of about
/// 3.5 MB per customer.
fn bulk_config(customers: usize) -> SandboxConfig {
    let data = common::customer(&["gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml"], &[]);
    common::config_with(vec![data; customers]).0
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn measure_streaming() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let sandbox = common::start_with(bulk_config(32)).await;
        let url = common::resource_url(&sandbox, "Batch/Bulk/1");
        let token = sandbox.data_custodian_token();
        for run in 1..=5 {
            let started = Instant::now();
            let body = common::get(&sandbox, &url, &token)
                .await
                .bytes()
                .await
                .expect("the whole bulk");
            let seconds = started.elapsed().as_secs_f64();
            eprintln!(
                "run {run}: {} bytes in {seconds:.3} s, {:.1} MB/s",
                body.len(),
                body.len() as f64 / seconds / 1e6
            );
        }
        sandbox.shutdown().await;
        for stalled in [0, 600, 0, 600] {
            let sandbox = common::start_with(stalling_config()).await;
            let took = well_behaved_among_stalled(&sandbox, stalled).await;
            eprintln!("the 3.5 MB feed with {stalled} stalled clients: {took:?}");
            sandbox.shutdown().await;
        }
    });
}
