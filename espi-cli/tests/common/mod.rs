//! What the command's tests share: the binary they run and the samples they run it on.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// The `espi` binary under test: `ESPI_CLI_BIN` when set (CI points it at the
/// binary `cargo install` put in place), else the one Cargo built for these tests.
pub fn espi() -> Command {
    let binary = std::env::var_os("ESPI_CLI_BIN")
        .map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_espi")), PathBuf::from);
    Command::new(binary)
}

/// Runs `espi` with `arguments`, standard input closed.
pub fn run(arguments: &[&str]) -> Output {
    espi()
        .args(arguments)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("espi runs")
}

/// Standard output of a run that must succeed.
pub fn stdout_of(arguments: &[&str]) -> String {
    let output = run(arguments);
    assert!(
        output.status.success(),
        "espi {arguments:?}: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The workspace's `testdata/`, or `None` (saying so on stderr) when this is not a
/// clone of the workspace; with `ESPI_REQUIRE_TESTDATA=1` its absence fails instead.
pub fn testdata() -> Option<PathBuf> {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata");
    if directory.join("expected.json").is_file() {
        return Some(directory);
    }
    assert!(
        std::env::var_os("ESPI_REQUIRE_TESTDATA").is_none_or(|value| value != "1"),
        "ESPI_REQUIRE_TESTDATA=1 but {} has no expected.json",
        directory.display()
    );
    eprintln!(
        "skipped: {} is missing (the samples live in the workspace's testdata/)",
        directory.display()
    );
    None
}

/// The path of a sample under `testdata/samples`, as a string for the command line.
pub fn sample(testdata: &std::path::Path, name: &str) -> String {
    testdata
        .join("samples")
        .join(name)
        .to_str()
        .expect("a UTF-8 path")
        .to_owned()
}

/// `(sample, facts)` of every sample of `expected.json`.
pub fn expected(testdata: &std::path::Path) -> Vec<(String, Value)> {
    let text =
        std::fs::read_to_string(testdata.join("expected.json")).expect("expected.json reads");
    let Value::Object(samples) = serde_json::from_str(&text).expect("expected.json is JSON") else {
        panic!("expected.json is not an object");
    };
    samples.into_iter().collect()
}

/// A child process killed when the test ends, passed or not.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `espi sandbox` with `arguments`, on a free port: the process and the lines it
/// printed up to "ready in …".
pub fn sandbox(arguments: &[&str]) -> (Running, Vec<String>) {
    let mut child = espi()
        .args(["sandbox", "--port", "0"])
        .args(arguments)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("espi sandbox starts");
    let stdout = child.stdout.take().expect("its stdout");
    let running = Running(child);
    let mut printed = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let ready = line.starts_with("ready in ");
        printed.push(line);
        if ready {
            return (running, printed);
        }
    }
    panic!(
        "the sandbox never said it was ready:\n{}",
        printed.join("\n")
    );
}

/// The whole response to one plain-HTTP GET of `url` on loopback (no redirect
/// followed), as text.
pub fn http_get(url: &str) -> String {
    let rest = url.strip_prefix("http://").expect("plain http on loopback");
    let (authority, path) = rest.split_at(rest.find('/').expect("a path"));
    assert!(authority.starts_with("127.0.0.1:"), "{authority}");
    let mut stream = std::net::TcpStream::connect(authority).expect("the server listens");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .expect("a timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .expect("the request is sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("a response");
    response
}
