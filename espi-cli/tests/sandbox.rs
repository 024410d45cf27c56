//! `espi sandbox` on a real sample: it starts on a free port, says where, and answers
//! HTTP as a Data Custodian does (a resource request without a token is refused with
//! an RFC 6750 challenge).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn sandbox_serves_a_sample_on_a_free_port() {
    let Some(testdata) = common::testdata() else {
        return;
    };
    let data = common::sample(
        &testdata,
        "gba-sample-data/Desert_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_6.xml",
    );
    let arguments = [
        "--auto-approve",
        "--data",
        &data,
        "--now",
        "2012-01-02T00:00:00Z",
    ];
    let (_sandbox, printed) = common::sandbox(&arguments);
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
