//! `espi sandbox` on a real sample: it starts on a free port, says where, and answers
//! HTTP as a Data Custodian does (a resource request without a token is refused with
//! an RFC 6750 challenge).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::Duration;

/// Kills the sandbox when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sandbox_serves_a_sample_on_a_free_port() {
    let Some(testdata) = common::testdata() else {
        return;
    };
    let data = common::sample(
        &testdata,
        "gba-sample-data/Desert_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_6.xml",
    );
    let mut child = common::espi()
        .args(["sandbox", "--port", "0", "--auto-approve", "--data", &data])
        .args(["--now", "2012-01-02T00:00:00Z"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("espi sandbox starts");
    let stdout = child.stdout.take().expect("its stdout");
    let _running = Running(child);

    let mut printed = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let ready = line.starts_with("ready in ");
        printed.push(line);
        if ready {
            break;
        }
    }
    let text = printed.join("\n");
    assert!(
        text.contains("ready in "),
        "it never said it was ready:\n{text}"
    );
    assert!(text.contains("  client id           third_party"), "{text}");
    assert!(
        text.contains("(data 2011-01-01T08:00:00Z – 2012-01-01T08:00:00Z)"),
        "{text}"
    );
    let resource = printed
        .iter()
        .find_map(|line| line.strip_prefix("  resource endpoint   "))
        .unwrap_or_else(|| panic!("no resource endpoint in\n{text}"));
    let rest = resource
        .strip_prefix("http://")
        .expect("plain http on loopback");
    let (authority, path) = rest.split_at(rest.find('/').expect("a path"));
    assert!(authority.starts_with("127.0.0.1:"), "{authority}");

    let mut stream = TcpStream::connect(authority).expect("the sandbox listens");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("a timeout");
    write!(
        stream,
        "GET {path}/ReadServiceStatus HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .expect("the request is sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("www-authenticate: bearer"),
        "{response}"
    );
}
