//! Helpers shared by the sandbox's HTTP tests: sample data, a controllable clock, a
//! started sandbox, the OAuth code flow over real HTTP, and bearer requests.
//!
//! Every test file that uses them starts with `mod common;`. Not every file uses every
//! helper, hence the `dead_code` allowance.
#![allow(dead_code)]

use espi_auth::SettableClock;
use espi_sandbox::{CustomerData, RunningSandbox, SandboxConfig};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The sample files, copied into the repository (`testdata/samples`).
pub const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/samples");

/// 2014-03-01T00:00:00Z: the test clock's start. The samples' data (May 2013 –
/// January 2014) lies inside the Ameren window of an authorization granted then.
pub const NOW: i64 = 1_393_632_000;

/// The usage scope the test client is offered first (the sandbox's default offer).
pub const USAGE_SCOPE: &str =
    "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13";
/// A scope with usage and retail-customer (PII) Function Blocks (current numbering:
/// FB_51, 53, 64, 65, 69), so that a grant has a `customerResourceURI`.
pub const CUSTOMER_SCOPE: &str =
    "FB=1_3_4_5_13_31_37_39_51_53_64_65_69;IntervalDuration=900_3600;BlockDuration=daily_monthly";
/// A bulk scope (`BR=1`) for client_credentials tokens.
pub const BULK_SCOPE: &str = "FB=1_3_4_5_13_35;IntervalDuration=3600;BlockDuration=daily;BR=1";

/// The redirect URI registered for the test client. Nothing listens there: the tests
/// never follow the redirect, they read the `Location` header.
pub const REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// Reads one sample file (path relative to `testdata/samples`), leniently.
pub fn sample(relative: &str) -> espi_model::atom::Document {
    let path = format!("{SAMPLES}/{relative}");
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"));
    espi_xml::read_document(&bytes[..])
        .unwrap_or_else(|error| panic!("parsing {path}: {error}"))
        .document
}

/// One retail customer from sample files: `usage` and `customer` paths relative to
/// `testdata/samples`.
pub fn customer(usage: &[&str], customer: &[&str]) -> CustomerData {
    CustomerData {
        usage: usage.iter().map(|path| sample(path)).collect(),
        customer: customer.iter().map(|path| sample(path)).collect(),
    }
}

/// The standard test data: retail customer "1" has three usage points and PG&E's
/// RetailCustomer sample as customer data; retail customer "2" has a week of meter
/// data (December 2013) and no customer data.
pub fn sample_customers() -> Vec<CustomerData> {
    vec![
        customer(
            &["gba-cmd-test/threeusagepointsonecustomer.xml"],
            &["verdigris-pge/PGERetailCustomer.xml"],
        ),
        customer(&["gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml"], &[]),
    ]
}

/// A clock the test moves, shared with the sandbox.
pub type TestClock = SettableClock;

/// The test configuration: [`sample_customers`], auto-approve on, the clock at
/// [`NOW`], and a client offered [`USAGE_SCOPE`], [`CUSTOMER_SCOPE`] and
/// [`BULK_SCOPE`] with [`REDIRECT_URI`] registered.
pub fn config() -> (SandboxConfig, TestClock) {
    config_with(sample_customers())
}

/// [`config`] with other data.
pub fn config_with(customers: Vec<CustomerData>) -> (SandboxConfig, TestClock) {
    let clock = TestClock::at(NOW);
    let mut config = SandboxConfig::new(customers);
    config.auto_approve = true;
    config.clock = Arc::new(clock.clone());
    config.client.redirect_uris = vec![REDIRECT_URI.to_owned()];
    config.client.scopes = vec![
        USAGE_SCOPE.to_owned(),
        CUSTOMER_SCOPE.to_owned(),
        BULK_SCOPE.to_owned(),
    ];
    (config, clock)
}

/// Starts a sandbox on a free loopback port.
pub async fn start_with(config: SandboxConfig) -> RunningSandbox {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    espi_sandbox::start(config, address)
        .await
        .expect("the sandbox starts on 127.0.0.1:0")
}

/// Starts a sandbox with [`config`]; returns it with its clock.
pub async fn start() -> (RunningSandbox, TestClock) {
    let (config, clock) = config();
    (start_with(config).await, clock)
}

/// An HTTP client that does not follow redirects (the tests read `Location`).
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client")
}

/// A token endpoint response (RFC 6749 §5.1), ESPI members included.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// `Bearer`.
    pub token_type: String,
    /// Seconds the access token lives.
    pub expires_in: u64,
    /// The refresh token (code and refresh grants).
    pub refresh_token: Option<String>,
    /// The granted scope.
    pub scope: String,
    /// The data the token reaches.
    #[serde(rename = "resourceURI")]
    pub resource_uri: String,
    /// The Authorization resource of this grant.
    #[serde(rename = "authorizationURI")]
    pub authorization_uri: String,
    /// The customer (PII) subscription, when a retail-customer Function Block was granted.
    #[serde(rename = "customerResourceURI")]
    pub customer_resource_uri: Option<String>,
}

/// The query parameters of a redirect's `Location`.
pub fn redirect_parameters(response: &reqwest::Response) -> HashMap<String, String> {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .unwrap_or_else(|| panic!("a redirect with Location, got {}", response.status()))
        .to_str()
        .expect("an ASCII Location");
    let url = reqwest::Url::parse(location).expect("an absolute Location");
    url.query_pairs().into_owned().collect()
}

/// The authorization endpoint URL for `scope`, `state` and, when given, the retail
/// customer to authorize as (a sandbox extension standing in for a login).
pub fn authorize_url(
    sandbox: &RunningSandbox,
    retail_customer: Option<&str>,
    scope: &str,
    state: &str,
) -> String {
    let mut url = reqwest::Url::parse(&sandbox.authorization_endpoint()).expect("a URL");
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", sandbox.client_id())
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("scope", scope)
            .append_pair("state", state);
        if let Some(customer) = retail_customer {
            query.append_pair("retail_customer", customer);
        }
    }
    url.into()
}

/// The single-use `consent` nonce of a consent page's form.
pub fn consent_nonce(page: &str) -> String {
    let marker = "name=\"consent\" value=\"";
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("a consent field in the page: {page}"))
        + marker.len();
    let length = page[start..].find('"').expect("the consent value ends");
    page[start..start + length].to_owned()
}

/// Answers a consent page: POSTs its `consent` nonce with `retail_customer` and
/// `decision` (`approve` or `deny`) back to the authorization endpoint.
pub async fn answer_consent(
    sandbox: &RunningSandbox,
    page: &str,
    retail_customer: &str,
    decision: &str,
) -> reqwest::Response {
    http()
        .post(sandbox.authorization_endpoint())
        .form(&[
            ("consent", consent_nonce(page).as_str()),
            ("retail_customer", retail_customer),
            ("decision", decision),
        ])
        .send()
        .await
        .expect("the consent form is answered")
}

/// Runs the authorization request as retail customer `retail_customer` and returns the
/// code. With `auto_approve` the sandbox redirects at once; otherwise the consent page
/// is approved by POSTing its form back (see [`answer_consent`]).
pub async fn authorization_code(
    sandbox: &RunningSandbox,
    retail_customer: &str,
    scope: &str,
) -> String {
    let state = format!("state-{retail_customer}");
    let response = http()
        .get(authorize_url(sandbox, Some(retail_customer), scope, &state))
        .send()
        .await
        .expect("the authorization endpoint answers");
    let response = if response.status().is_redirection() {
        response
    } else {
        let (status, page) = status_and_body(response).await;
        assert_eq!(status, reqwest::StatusCode::OK, "consent page: {page}");
        answer_consent(sandbox, &page, retail_customer, "approve").await
    };
    assert!(
        response.status().is_redirection(),
        "authorization redirects, got {}",
        response.status()
    );
    let parameters = redirect_parameters(&response);
    assert_eq!(parameters.get("state"), Some(&state), "state is echoed");
    parameters
        .get("code")
        .unwrap_or_else(|| panic!("a code in the redirect, got {parameters:?}"))
        .clone()
}

/// POSTs `form` to the token endpoint with the client's HTTP Basic credentials.
pub async fn token_request(sandbox: &RunningSandbox, form: &[(&str, &str)]) -> reqwest::Response {
    http()
        .post(sandbox.token_endpoint())
        .basic_auth(sandbox.client_id(), Some(sandbox.client_secret()))
        .form(form)
        .send()
        .await
        .expect("the token endpoint answers")
}

/// Parses a successful token response, panicking with the body otherwise.
pub async fn token_response(response: reqwest::Response) -> TokenResponse {
    let status = response.status();
    let body = response.text().await.expect("a body");
    assert_eq!(status, reqwest::StatusCode::OK, "token response: {body}");
    serde_json::from_str(&body).unwrap_or_else(|error| panic!("token JSON ({error}): {body}"))
}

/// The whole authorization-code flow over HTTP: authorize as `retail_customer` with
/// `scope`, exchange the code, return the token response.
pub async fn authorize(
    sandbox: &RunningSandbox,
    retail_customer: &str,
    scope: &str,
) -> TokenResponse {
    let code = authorization_code(sandbox, retail_customer, scope).await;
    let response = token_request(
        sandbox,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    token_response(response).await
}

/// A client_credentials token for `scope` (the client's first offer when `None`).
pub async fn client_token(sandbox: &RunningSandbox, scope: Option<&str>) -> TokenResponse {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    token_response(token_request(sandbox, &form).await).await
}

/// A resource URL: `path` relative to `…/espi/1_1/resource` (leading `/` optional),
/// or returned as is when it is already absolute.
pub fn resource_url(sandbox: &RunningSandbox, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") {
        path.to_owned()
    } else {
        format!(
            "{}/{}",
            sandbox.resource_endpoint(),
            path.trim_start_matches('/')
        )
    }
}

/// `GET url` with `Authorization: Bearer token` (`url` absolute or relative to the
/// resource endpoint, see [`resource_url`]).
pub async fn get(sandbox: &RunningSandbox, url: &str, token: &str) -> reqwest::Response {
    http()
        .get(resource_url(sandbox, url))
        .bearer_auth(token)
        .send()
        .await
        .expect("the sandbox answers")
}

/// A bearer request with any method.
pub async fn request(
    sandbox: &RunningSandbox,
    method: reqwest::Method,
    url: &str,
    token: &str,
) -> reqwest::Response {
    http()
        .request(method, resource_url(sandbox, url))
        .bearer_auth(token)
        .send()
        .await
        .expect("the sandbox answers")
}

/// Status and body of a response, for assertions with a readable failure.
pub async fn status_and_body(response: reqwest::Response) -> (reqwest::StatusCode, String) {
    let status = response.status();
    (status, response.text().await.expect("a body"))
}

/// Whether xmllint can run. Without it schema checks say so on stderr and pass; with
/// `ESPI_REQUIRE_XMLLINT=1` (as in CI) a missing xmllint fails the test.
pub fn xmllint_available() -> bool {
    let required = std::env::var("ESPI_REQUIRE_XMLLINT").is_ok_and(|value| value == "1");
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        !required,
        "ESPI_REQUIRE_XMLLINT=1 but xmllint is not installed (apt-get install libxml2-utils)"
    );
    eprintln!("SCHEMA CHECK NOT RUN: xmllint is not installed (apt-get install libxml2-utils)");
    false
}

/// Validates a served document against the ESPI 4.0 schemas of `testdata/schema`
/// with xmllint, panicking with xmllint's report when it is not valid. `name` names
/// the temporary file (and the failure).
pub fn assert_schema_valid(name: &str, xml: &str) {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    if !xmllint_available() {
        return;
    }
    let file = std::env::temp_dir().join(format!(
        "espi-sandbox-{}-{}-{name}.xml",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&file, xml).expect("write the document for xmllint");
    let schema_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/schema");
    let output = std::process::Command::new("xmllint")
        .current_dir(&schema_dir)
        .env("XML_CATALOG_FILES", "support/catalog.xml")
        .args([
            "--nonet",
            "--noout",
            "--schema",
            "support/all-namespaces.xsd",
        ])
        .arg(&file)
        .output()
        .expect("run xmllint");
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "{name} is not schema-valid:\n{}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}
