//! Headless Chromium driven through chromedriver (WebDriver), for the consent-page
//! tests: finding the programs, a chromedriver of the test's own on a free loopback
//! port with a new empty profile, and bounded waits.
//!
//! Chromium is Debian's `chromium` and `chromium-driver`. When either is missing the
//! tests say so on stderr and pass without running; with `ESPI_REQUIRE_CHROMIUM=1` (as
//! in CI) a missing browser fails them instead.
//!
//! Cleanup: chromedriver runs in a process group of its own, which the Chromium it
//! starts joins; dropping the [`Browser`] (also while a failing test unwinds) kills the
//! whole group, waits for chromedriver and removes the profile directory. Killing
//! chromedriver alone would leave Chromium running.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::future::Future;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest any one browser step (a WebDriver command, a page load, a wait) may take.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long chromedriver may take to say which port it listens on.
const DRIVER_START_TIMEOUT: Duration = Duration::from_secs(20);

/// How often a wait looks again.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The Chromium and chromedriver programs.
pub struct Programs {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

/// The programs, or `None` (after saying so on stderr) when they are not installed.
/// Panics instead when `ESPI_REQUIRE_CHROMIUM=1`.
pub fn programs() -> Option<Programs> {
    let chromium = on_path("chromium");
    let chromedriver = on_path("chromedriver");
    if let (Some(chromium), Some(chromedriver)) = (&chromium, &chromedriver) {
        return Some(Programs {
            chromium: chromium.clone(),
            chromedriver: chromedriver.clone(),
        });
    }
    let missing: Vec<&str> = [("chromium", &chromium), ("chromedriver", &chromedriver)]
        .into_iter()
        .filter(|(_, found)| found.is_none())
        .map(|(name, _)| name)
        .collect();
    let missing = missing.join(", ");
    let required = std::env::var("ESPI_REQUIRE_CHROMIUM").is_ok_and(|value| value == "1");
    assert!(
        !required,
        "ESPI_REQUIRE_CHROMIUM=1 but not on PATH: {missing} \
         (apt-get install chromium chromium-driver)"
    );
    eprintln!(
        "CONSENT PAGE BROWSER TEST NOT RUN: not on PATH: {missing} \
         (apt-get install chromium chromium-driver; ESPI_REQUIRE_CHROMIUM=1 makes this an error)"
    );
    None
}

/// The executable file `name` in a directory of `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|directory| directory.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .is_ok_and(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
}

/// Whether the page may run JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JavaScript {
    /// As a browser comes.
    Enabled,
    /// Blocked for every site (Chromium's content setting), as some customers browse.
    Disabled,
}

/// A headless Chromium session, with the chromedriver that runs it.
pub struct Browser {
    /// The WebDriver session.
    client: Client,
    /// Dropped after the session: kills chromedriver and Chromium, then removes the
    /// profile.
    _driver: Driver,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a headless Chromium session with
    /// a new empty profile.
    pub async fn start(programs: &Programs, javascript: JavaScript) -> Browser {
        let (driver, port) = Driver::start(&programs.chromedriver);
        let mut options = json!({
            "binary": programs.chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                format!("--user-data-dir={}", driver.directory.path().join("profile").display()),
            ],
        });
        if javascript == JavaScript::Disabled {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "timeouts": {
                "pageLoad": STEP_TIMEOUT.as_millis(),
                "script": STEP_TIMEOUT.as_millis(),
                "implicit": 0,
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("the capabilities are a JSON object")
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = step(
            "a WebDriver session with headless Chromium",
            ClientBuilder::new(connector)
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .await;
        Browser {
            client,
            _driver: driver,
        }
    }

    /// The WebDriver session.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Loads `url` and waits for the page.
    pub async fn open(&self, url: &str) {
        step(&format!("loading {url}"), self.client.goto(url)).await;
    }

    /// The one element `css` selects, waiting until it is there.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let found = step(
                &format!("looking for {css}"),
                self.client.find_all(Locator::Css(css)),
            )
            .await;
            match found.len() {
                1 => return found.into_iter().next().expect("one element"),
                0 if Instant::now() < deadline => tokio::time::sleep(POLL_INTERVAL).await,
                0 => panic!(
                    "no element {css} on {} within {STEP_TIMEOUT:?}:\n{}",
                    self.url().await,
                    self.source().await
                ),
                more => panic!(
                    "{more} elements {css} on {}, expected one:\n{}",
                    self.url().await,
                    self.source().await
                ),
            }
        }
    }

    /// Every element `css` selects, as the page is now.
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        step(
            &format!("looking for {css}"),
            self.client.find_all(Locator::Css(css)),
        )
        .await
    }

    /// The URL the browser shows.
    pub async fn url(&self) -> String {
        step("reading the current URL", self.client.current_url())
            .await
            .to_string()
    }

    /// The page's HTML as the browser holds it.
    pub async fn source(&self) -> String {
        step("reading the page source", self.client.source()).await
    }

    /// Waits until the browser shows a URL starting with `prefix` and returns it.
    pub async fn wait_for_url(&self, prefix: &str) -> String {
        let what = format!("a URL starting with {prefix}");
        poll(
            &what,
            async || self.url().await,
            |url| url.starts_with(prefix),
        )
        .await
    }

    /// Waits until the title of the document in the current browsing context (the
    /// page, or the frame entered) is not empty and starts with `prefix`, and returns it.
    pub async fn wait_for_title(&self, prefix: &str) -> String {
        let what = format!("a title starting with {prefix:?}");
        let title = async || {
            // WebDriver's Get Title reads the top-level page; the <title> element is
            // the current document's.
            match self.find_all("title").await.first() {
                Some(element) => step("reading the title", element.prop("textContent"))
                    .await
                    .unwrap_or_default(),
                None => String::new(),
            }
        };
        poll(&what, title, |title| {
            !title.is_empty() && title.starts_with(prefix)
        })
        .await
    }

    /// Ends the WebDriver session (Chromium quits); the processes are killed anyway
    /// when the [`Browser`] is dropped.
    pub async fn close(self) {
        let Browser { client, _driver } = self;
        step("closing the WebDriver session", client.close()).await;
    }
}

/// Reads `read` until `done` holds of what it returns, for at most [`STEP_TIMEOUT`].
async fn poll<T: std::fmt::Debug>(
    what: &str,
    read: impl AsyncFn() -> T,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let value = read().await;
        if done(&value) {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "waited {STEP_TIMEOUT:?} for {what}; the browser shows {value:?}"
        );
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Runs one browser step, failing the test with `what` when it errs or takes longer
/// than [`STEP_TIMEOUT`].
pub async fn step<T, E: std::fmt::Display>(
    what: &str,
    future: impl Future<Output = Result<T, E>>,
) -> T {
    match tokio::time::timeout(STEP_TIMEOUT, future).await {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => panic!("{what}: {error}"),
        Err(_) => panic!("{what}: no answer within {STEP_TIMEOUT:?}"),
    }
}

/// A chromedriver process of the test's own, in its own process group, with its
/// temporary directory.
struct Driver {
    process: Child,
    directory: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver on a port of its choosing and returns it with the port.
    fn start(chromedriver: &Path) -> (Driver, u16) {
        let directory = tempfile::Builder::new()
            .prefix("espi-consent-browser-")
            .tempdir()
            .expect("a temporary directory for the browser");
        let process = Command::new(chromedriver)
            .arg("--port=0")
            .arg(format!(
                "--log-path={}",
                directory.path().join("chromedriver.log").display()
            ))
            // Chromium keeps its crash database and caches under these instead of the
            // user's home.
            .env("XDG_CONFIG_HOME", directory.path().join("config"))
            .env("XDG_CACHE_HOME", directory.path().join("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("starting {}: {error}", chromedriver.display()));
        let mut driver = Driver { process, directory };
        let stdout = driver
            .process
            .stdout
            .take()
            .expect("chromedriver's stdout is piped");
        let port = match listening_port(stdout) {
            Ok(port) => port,
            Err(message) => panic!(
                "chromedriver did not start: {message}; its log:\n{}",
                driver.log()
            ),
        };
        (driver, port)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.directory.path().join("chromedriver.log"))
            .unwrap_or_else(|error| format!("(no log: {error})"))
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group's id is chromedriver's pid (process_group(0)); Chromium and its
        // helpers inherit it.
        if let Ok(group) = i32::try_from(self.process.id()) {
            // SAFETY: kill(2) with a negative pid signals that process group; it reads
            // no memory of ours.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
        }
        let _ = self.process.wait();
    }
}

/// Reads chromedriver's stdout until it says which port it listens on, within
/// [`DRIVER_START_TIMEOUT`]; a thread keeps draining the pipe afterwards, so that
/// chromedriver never blocks on a full pipe.
fn listening_port(stdout: std::process::ChildStdout) -> Result<u16, String> {
    const MARKER: &str = "started successfully on port ";
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sender = Some(sender);
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(port) = line.split(MARKER).nth(1) {
                let port = port.trim().trim_end_matches('.').parse::<u16>();
                if let Some(sender) = sender.take() {
                    let _ = sender.send(port.map_err(|error| format!("{line:?}: {error}")));
                }
            }
        }
    });
    match receiver.recv_timeout(DRIVER_START_TIMEOUT) {
        Ok(port) => port,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "it did not say its port within {DRIVER_START_TIMEOUT:?}"
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err("it exited without saying its port".to_owned())
        }
    }
}
