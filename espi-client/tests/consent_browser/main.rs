//! The sandbox's consent page in a real browser: headless Chromium, driven through
//! chromedriver, goes where a third party sends the customer (the client's
//! authorization URL, with PKCE S256 and `state`), and the customer reads the page and
//! answers it.
//!
//! - The page states what [`Scope::explain`] says of the scope the token then grants,
//!   line for line as the browser renders them: the Function Blocks, the data kinds,
//!   whether personal information is included, the resources and, under "Technical
//!   details", every endpoint; for a usage scope, a scope with customer data and a
//!   request narrower than the offer (the grant keeps the offer's history limit).
//! - Approve: the browser arrives at the registered redirect URI (a listener of the
//!   test) with a code and the same `state`; the code exchanges for tokens of the
//!   retail customer chosen on the page.
//! - Deny: `error=access_denied` with the `state`, no code, no authorization.
//! - The page needs no JavaScript: it has no script, and approve and deny work with
//!   JavaScript blocked (the redirect target's own script shows that the browser really
//!   blocks it). The form carries the single-use consent nonce, new for each page.
//! - Another site cannot frame the page (clickjacking): in a frame of the third
//!   party's site the browser shows its error page, while a framable page of a third
//!   site shows.
//!
//! Without Chromium these tests say so and pass; `ESPI_REQUIRE_CHROMIUM=1` makes that a
//! failure (see `browser.rs`).
//!
//! Unix only: the browser is stopped through its process group.
#![cfg(unix)]

#[path = "../common/mod.rs"]
mod common;

mod browser;
mod site;

use browser::{Browser, JavaScript, STEP_TIMEOUT, step};
use common::{CUSTOMER_SCOPE, NOW, TestClock, USAGE_SCOPE, client_config, sandbox_config, start};
use espi_auth::{Catalogue, Scope};
use espi_client::{AuthorizationOptions, AuthorizationRequest, CallbackError, Client, TokenSet};
use espi_sandbox::RunningSandbox;
use site::ThirdPartySite;

/// The usage scope without its `HistoryLength`: the sandbox grants it with the offer's
/// 13 months, and the page must say so.
const NARROWED_SCOPE: &str = "FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly";

/// The sandbox reads Function Block numbers in the current numbering.
const CATALOGUE: Catalogue = Catalogue::Current;

/// The line [`Scope::explain`] writes for a scope with retail customer data.
const PERSONAL_INFORMATION: &str = "Includes retail customer (personal) information";

/// The page of the redirect target sets this title when scripts run.
const SCRIPTED_TITLE: &str = "Callback (script ran)";

/// A sandbox showing its consent page, a client whose redirect URI is on the third
/// party's site, and a browser.
struct Scenario {
    sandbox: RunningSandbox,
    client: Client,
    site: ThirdPartySite,
    browser: Browser,
}

impl Scenario {
    /// `None` when Chromium is not installed (see [`browser::programs`]).
    async fn start(javascript: JavaScript) -> Option<Scenario> {
        let programs = browser::programs()?;
        let clock = TestClock::at(NOW);
        let site = ThirdPartySite::start().await;
        let mut config = sandbox_config(&clock);
        config.auto_approve = false;
        config.client.redirect_uris = vec![site.callback_uri.clone()];
        let sandbox = start(config).await;
        let client = Client::new(
            client_config(&sandbox, &clock)
                .with_redirect_uri(&site.callback_uri)
                .expect("a loopback redirect URI"),
        )
        .expect("a client");
        let browser = Browser::start(&programs, javascript).await;
        Some(Scenario {
            sandbox,
            client,
            site,
            browser,
        })
    }

    /// The client's authorization request for `scope` (PKCE and a random state, as a
    /// third party sends it), opened in the browser.
    async fn open_consent_page(&self, scope: &str) -> AuthorizationRequest {
        let request = self
            .client
            .authorization_request(scope, AuthorizationOptions::new())
            .expect("an authorization request");
        let parameter = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        assert_eq!(parameter("code_challenge_method").as_deref(), Some("S256"));
        assert!(parameter("state").is_some(), "{}", request.url);
        self.browser.open(request.url.as_str()).await;
        request
    }

    /// Clicks `decision` (`approve` or `deny`) and returns the URL the browser arrives
    /// at on the redirect target, after checking that the target saw the same request.
    async fn answer(&mut self, decision: &str) -> String {
        let button = self
            .browser
            .find(&format!("form button[name=decision][value={decision}]"))
            .await;
        step(&format!("clicking {decision}"), button.click()).await;
        let target = self.site.next_callback(STEP_TIMEOUT).await;
        let url = self.browser.wait_for_url(&self.site.callback_uri).await;
        assert!(
            url.ends_with(&target),
            "the browser shows {url}, the redirect target saw {target}"
        );
        assert!(
            !self.site.has_unread(),
            "one answer, one arrival at the redirect target"
        );
        url
    }

    /// Ends the browser session and stops the sandbox.
    async fn finish(self) {
        self.browser.close().await;
        self.sandbox.shutdown().await;
    }
}

/// What the consent page shows, as the browser renders it.
#[derive(Debug)]
struct ConsentPage {
    /// The list of what the application may read.
    terms: Vec<String>,
    /// The endpoint list under "Technical details".
    endpoints: Vec<String>,
    /// The scope under "Technical details".
    scope: String,
    /// The form's `consent` nonce.
    nonce: String,
}

/// Reads the consent page the browser shows, checking on the way that it is whole: its
/// heading, a form posting back to the authorization endpoint with the consent nonce,
/// approve and deny buttons, no script, the technical details folded until opened.
async fn read_consent_page(browser: &Browser) -> ConsentPage {
    let heading = step("reading the heading", browser.find("h1").await.text()).await;
    assert_eq!(heading, "Share your energy data with third_party?");
    let title = step("reading the title", browser.client().title()).await;
    assert!(title.starts_with(&heading), "title {title:?}");

    if !browser.find_all("script").await.is_empty() {
        panic!(
            "the consent page runs no script:\n{}",
            browser.source().await
        );
    }
    let form = browser.find("form").await;
    let attribute = async |element: &fantoccini::elements::Element, name: &str| {
        step(&format!("reading {name}"), element.attr(name))
            .await
            .unwrap_or_default()
    };
    assert_eq!(attribute(&form, "method").await, "post");
    assert_eq!(
        attribute(&form, "action").await,
        "/DataCustodian/oauth/authorize"
    );
    let nonce_field = browser.find("form input[name=consent]").await;
    assert_eq!(attribute(&nonce_field, "type").await, "hidden");
    let nonce = attribute(&nonce_field, "value").await;
    assert!(nonce.len() >= 16, "a consent nonce, got {nonce:?}");
    for decision in ["approve", "deny"] {
        let button = browser
            .find(&format!("form button[name=decision][value={decision}]"))
            .await;
        assert!(step("is the button shown", button.is_displayed()).await);
        assert!(step("is the button enabled", button.is_enabled()).await);
        assert_eq!(attribute(&button, "type").await, "submit");
    }

    let mut terms = Vec::new();
    for item in browser.find_all("body > ul > li").await {
        terms.push(step("reading a term", item.text()).await);
    }
    let endpoint_items = browser.find_all("details li").await;
    for item in &endpoint_items {
        assert!(
            !step("is an endpoint shown", item.is_displayed()).await,
            "the endpoints are folded under Technical details until opened"
        );
    }
    let summary = browser.find("details > summary").await;
    assert_eq!(
        step("reading the summary", summary.text()).await,
        "Technical details"
    );
    step("opening Technical details", summary.click()).await;
    let mut endpoints = Vec::new();
    for item in &endpoint_items {
        assert!(step("is an endpoint shown", item.is_displayed()).await);
        endpoints.push(step("reading an endpoint", item.text()).await);
    }
    let scope = step(
        "reading the scope",
        browser.find("details code").await.text(),
    )
    .await;
    ConsentPage {
        terms,
        endpoints,
        scope,
        nonce,
    }
}

/// The lines of `scope`'s explanation: the terms and the endpoints.
fn explained(scope: &Scope) -> (Vec<String>, Vec<String>) {
    scope
        .explain(CATALOGUE)
        .lines()
        .into_iter()
        .partition(|line| !line.starts_with("Endpoint: "))
}

/// The query parameters of `url`.
fn parameters(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .unwrap_or_else(|error| panic!("{url}: {error}"))
        .query_pairs()
        .into_owned()
        .collect()
}

/// Exchanges the callback's code, within [`STEP_TIMEOUT`].
async fn exchange(scenario: &Scenario, request: &AuthorizationRequest, url: &str) -> TokenSet {
    step(
        "exchanging the code",
        scenario
            .client
            .complete_authorization(&request.pending, url),
    )
    .await
}

#[tokio::test]
async fn the_consent_page_states_what_the_scope_grants_and_approval_grants_it() {
    let Some(mut scenario) = Scenario::start(JavaScript::Enabled).await else {
        return;
    };
    let mut nonces = Vec::new();
    // (scope requested, retail customer chosen on the page, whether it grants customer data)
    let cases = [
        (USAGE_SCOPE, "1", false),
        (CUSTOMER_SCOPE, "2", true),
        (NARROWED_SCOPE, "2", false),
    ];
    for (index, (requested, customer, personal)) in cases.into_iter().enumerate() {
        let request = scenario.open_consent_page(requested).await;
        let page = read_consent_page(&scenario.browser).await;
        let select = scenario
            .browser
            .find("form select[name=retail_customer]")
            .await;
        step(
            "choosing the retail customer",
            select.select_by(fantoccini::Locator::Css(&format!(
                "option[value='{customer}']"
            ))),
        )
        .await;
        let url = scenario.answer("approve").await;

        // The redirect carries a code and the state sent, and nothing else.
        let mut names: Vec<String> = parameters(&url).into_iter().map(|(name, _)| name).collect();
        names.sort();
        assert_eq!(names, ["code", "state"], "{url}");
        assert!(
            url.starts_with(&format!("{}?", scenario.site.callback_uri)),
            "{url}"
        );
        let code = request
            .pending
            .check_callback(&url)
            .expect("the callback has the state sent and a code");
        assert!(!code.expose().is_empty());
        // Scripts run in this browser: the redirect target's page changes its title.
        scenario.browser.wait_for_title(SCRIPTED_TITLE).await;

        let tokens = exchange(&scenario, &request, &url).await;
        assert_eq!(scenario.sandbox.authorizations().len(), index + 1);
        assert!(
            tokens
                .resource_uri
                .as_deref()
                .is_some_and(|uri| uri.ends_with(&format!("/Batch/Subscription/{customer}"))),
            "the subscription of the retail customer chosen on the page: {tokens:?}"
        );
        let granted = tokens
            .scope
            .as_ref()
            .expect("the token response names its scope");
        let granted_scope = granted.scope().expect("the granted scope parses");

        // The page states what the grant means, line for line.
        assert_eq!(
            page.scope,
            granted.as_str(),
            "the scope under Technical details"
        );
        let (terms, endpoints) = explained(granted_scope);
        assert_eq!(page.terms, terms, "the terms of {requested}");
        assert_eq!(page.endpoints, endpoints, "the endpoints of {requested}");
        assert!(
            page.terms.iter().any(|line| line.starts_with("Data: ")),
            "the data kinds: {:#?}",
            page.terms
        );
        assert_eq!(
            page.terms.iter().any(|line| line == PERSONAL_INFORMATION),
            personal,
            "personal information stated exactly when granted: {:#?}",
            page.terms
        );
        assert_eq!(
            page.endpoints
                .iter()
                .any(|line| line.contains("RetailCustomer")),
            personal,
            "customer endpoints listed exactly when granted: {:#?}",
            page.endpoints
        );
        assert_eq!(tokens.customer_resource_uri.is_some(), personal);
        if requested == NARROWED_SCOPE {
            // The page explains the grant, which keeps the offer's history limit, not
            // the narrower request.
            let request_scope = Scope::parse(requested).expect("parses").scope;
            assert_ne!(explained(&request_scope).0, terms);
            assert!(
                page.terms
                    .iter()
                    .any(|line| line == "History: up to 13 months"),
                "{:#?}",
                page.terms
            );
        }
        nonces.push(page.nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(
        nonces.len(),
        cases.len(),
        "a new consent nonce for each page"
    );
    scenario.finish().await;
}

#[tokio::test]
async fn deny_and_approve_work_without_javascript() {
    let Some(mut scenario) = Scenario::start(JavaScript::Disabled).await else {
        return;
    };

    // Deny: access_denied with the state, and nothing granted.
    let request = scenario.open_consent_page(USAGE_SCOPE).await;
    let page = read_consent_page(&scenario.browser).await;
    let url = scenario.answer("deny").await;
    let parameters = parameters(&url);
    assert!(
        !parameters.iter().any(|(name, _)| name == "code"),
        "no code after a denial: {url}"
    );
    let value = |name: &str| {
        parameters
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(value("error"), Some("access_denied"), "{url}");
    assert_eq!(
        value("state"),
        Some(request.pending.state().expose()),
        "{url}"
    );
    match request.pending.check_callback(&url) {
        Err(CallbackError::Refused { error, .. }) => assert_eq!(error, "access_denied"),
        other => panic!("a refusal, got {other:?}"),
    }
    assert_eq!(
        scenario.browser.wait_for_title("Callback").await,
        "Callback",
        "the browser blocks scripts"
    );
    // The denied form, posted again as an approval, is refused: its nonce was spent.
    let replay = step(
        "posting the denied form again",
        common::no_redirects()
            .post(scenario.sandbox.authorization_endpoint())
            .form(&[
                ("consent", page.nonce.as_str()),
                ("retail_customer", "1"),
                ("decision", "approve"),
            ])
            .send(),
    )
    .await;
    assert_eq!(
        replay.status(),
        reqwest::StatusCode::BAD_REQUEST,
        "a spent consent nonce"
    );
    assert!(
        scenario.sandbox.authorizations().is_empty(),
        "a denial grants nothing"
    );

    // Approve, still without JavaScript: a code that exchanges for tokens.
    let request = scenario.open_consent_page(USAGE_SCOPE).await;
    read_consent_page(&scenario.browser).await;
    let url = scenario.answer("approve").await;
    let tokens = exchange(&scenario, &request, &url).await;
    assert_eq!(
        tokens.scope.as_ref().map(|scope| scope.as_str()),
        Some(USAGE_SCOPE)
    );
    assert_eq!(scenario.sandbox.authorizations().len(), 1);
    scenario.finish().await;
}

#[tokio::test]
async fn another_site_cannot_frame_the_consent_page() {
    let Some(scenario) = Scenario::start(JavaScript::Enabled).await else {
        return;
    };
    let request = scenario
        .client
        .authorization_request(USAGE_SCOPE, AuthorizationOptions::new())
        .expect("an authorization request");
    let other_site = ThirdPartySite::start().await;
    let browser = &scenario.browser;
    let frame = async |src: &str| {
        browser.open(&scenario.site.frame_url(src)).await;
        step(
            "entering the frame",
            browser.client().clone().enter_frame(0),
        )
        .await;
    };

    // A page of another site, which allows framing, shows in the frame: this browser
    // frames across sites.
    frame(&other_site.callback_uri).await;
    browser.wait_for_title("Callback").await;
    step(
        "leaving the frame",
        browser.client().clone().enter_parent_frame(),
    )
    .await;

    // The consent page does not (X-Frame-Options and frame-ancestors): the frame holds
    // the browser's error page, with no answer to click.
    frame(request.url.as_str()).await;
    let title = browser.wait_for_title("").await;
    assert!(
        !title.starts_with("Share your energy data"),
        "the consent page shows in another site's frame:\n{}",
        browser.source().await
    );
    assert!(
        browser.find_all("button[name=decision]").await.is_empty(),
        "approve or deny clickable in another site's frame:\n{}",
        browser.source().await
    );
    scenario.finish().await;
}
