//! The OAuth 2.0 authorization server (RFC 6749 as ESPI uses it, espi-reference §2):
//!
//! - `GET /DataCustodian/oauth/authorize` — the authorization request (§4.1.1). An
//!   unknown client or a redirect URI that is not registered gets an HTML error page
//!   and no redirect (§4.1.2.1); every other error redirects with `error`,
//!   `error_description` and `state`. The scope is read with espi-auth's lenient
//!   parser and negotiated against the client's offers (`invalid_scope` otherwise); a
//!   missing scope means the client's first offer. With `auto_approve` the sandbox
//!   redirects at once with a code for the retail customer named by the sandbox's own
//!   `retail_customer` parameter (default: the first customer); otherwise it shows a
//!   consent page stating the scope and the access window in plain words.
//!   PKCE (RFC 7636): `code_challenge` with `code_challenge_method=S256` is kept with
//!   the code, through the consent page too; `plain`, or a challenge without a method
//!   (which means `plain`), is refused with `invalid_request` — see
//!   [`CodeChallenge`] for why.
//! - `POST /DataCustodian/oauth/authorize` — the consent page's answer: `consent` (the
//!   single-use nonce of the page, valid [`CONSENT_LIFETIME`] s), `retail_customer` and
//!   `decision` (`approve` or `deny`). The request itself is taken from what the page
//!   was made for, not from the posted fields. Deny redirects with `access_denied`.
//! - `POST /DataCustodian/oauth/token` — the token endpoint (§3.2), client_secret_basic
//!   only, with the `authorization_code`, `refresh_token` and `client_credentials`
//!   grants; JSON responses with the ESPI members (espi-reference §2.3) and RFC 6749
//!   §5.2 errors, all `Cache-Control: no-store`. A code issued with a PKCE challenge
//!   needs the matching `code_verifier` (`invalid_grant` when missing or wrong); a
//!   `code_verifier` for a code issued without one is refused too (RFC 9700 §2.1.1).
//!
//! Parameters given twice are refused (`invalid_request`, RFC 6749 §3.1); an empty
//! value counts as absent. The token endpoint authenticates the client from its
//! `Authorization` header before it reads the form; forms are read up to
//! [`MAX_FORM_BYTES`] (413 beyond, 408 when one stalls).

use crate::body::{BodyError, read_body};
use crate::error::description_text;
use crate::grants::{
    ApprovedRequest, CATALOGUE, CONSENT_LIFETIME, CodeChallenge, Customer, GrantError, Issued,
    Terms, utc_date,
};
use crate::state::{Shared, lock, read};
use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use espi_auth::MonthClock;
use espi_auth::{OfferedScopes, Scope};
use std::fmt::Write as _;
use std::sync::Arc;

/// The authorization endpoint's path.
const AUTHORIZE_PATH: &str = "/DataCustodian/oauth/authorize";
/// The token endpoint's path.
const TOKEN_PATH: &str = "/DataCustodian/oauth/token";

/// The routes of this module, relative to the server root.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(AUTHORIZE_PATH, get(authorize_page).post(consent_answer))
        .route(TOKEN_PATH, post(token))
}

// ---------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------

/// Form or query parameters in order, decoded.
struct Parameters(Vec<(String, String)>);

impl Parameters {
    fn parse(bytes: &[u8]) -> Parameters {
        Parameters(form_urlencoded::parse(bytes).into_owned().collect())
    }

    /// The value of `name`: `Ok(None)` when absent or empty, `Err` with a description
    /// when given more than once.
    fn get(&self, name: &str) -> Result<Option<&str>, String> {
        let mut values = self
            .0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(format!(
                "parameter {name} is given more than once (RFC 6749 section 3.1)"
            ));
        }
        Ok(first.filter(|value| !value.is_empty()))
    }
}

// ---------------------------------------------------------------------------------
// Authorization endpoint
// ---------------------------------------------------------------------------------

/// Where authorization errors go once the client and redirect URI are known.
struct Callback {
    redirect_uri: String,
    state: Option<String>,
}

impl Callback {
    /// `302 Found` to the redirect URI with `parameters` and `state` added to its query.
    fn redirect(&self, parameters: &[(&str, &str)]) -> Response {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in parameters {
            query.append_pair(name, value);
        }
        if let Some(state) = &self.state {
            query.append_pair("state", state);
        }
        let separator = if self.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let location = format!("{}{separator}{}", self.redirect_uri, query.finish());
        match HeaderValue::from_str(&location) {
            Ok(value) => (
                StatusCode::FOUND,
                [
                    (header::LOCATION, value),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
            )
                .into_response(),
            Err(_) => error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "The redirect back to the application could not be built.",
            ),
        }
    }

    /// An error redirect (RFC 6749 §4.1.2.1).
    fn error(&self, error: &str, description: &str) -> Response {
        self.redirect(&[
            ("error", error),
            ("error_description", &description_text(description)),
        ])
    }
}

/// `GET /oauth/authorize`.
async fn authorize_page(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let parameters = Parameters::parse(query.unwrap_or_default().as_bytes());
    let (request, callback) = match validate(&shared, &parameters) {
        Ok(valid) => valid,
        Err(response) => return *response,
    };
    let customers = read(&shared.data).retail_customers.clone();
    let retail_customer = match parameters.get("retail_customer") {
        Err(duplicate) => return callback.error("invalid_request", &duplicate),
        Ok(Some(named)) if !customers.iter().any(|id| id == named) => {
            return callback.error(
                "invalid_request",
                &format!("the sandbox has no retail customer {named:?}"),
            );
        }
        Ok(named) => named.map(str::to_owned),
    };
    let challenge = match code_challenge(&parameters) {
        Ok(challenge) => challenge,
        Err(error) => return callback.error(error.error, &error.description),
    };
    let now = shared.now();
    if shared.config.auto_approve {
        let Some(customer) = retail_customer.or_else(|| customers.first().cloned()) else {
            return callback.error("access_denied", "the sandbox serves no retail customers");
        };
        return approve(&shared, now, (request, challenge), &callback, &customer);
    }
    let nonce = match lock(&shared.auth).start_consent(now, request.clone(), challenge) {
        Ok(nonce) => nonce,
        Err(error) => return callback.error(error.error, &error.description),
    };
    consent_page(
        &shared,
        now,
        &request,
        &nonce,
        &customers,
        retail_customer.as_deref(),
    )
}

/// `POST /oauth/authorize`: the answer of a consent page.
async fn consent_answer(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let parameters = match read_form(&shared, &headers, body).await {
        Ok(parameters) => parameters,
        Err(error) => return error_page(error.status(), &error.to_string()),
    };
    let nonce = match parameters.get("consent") {
        Ok(Some(nonce)) => nonce,
        Ok(None) => {
            return error_page(
                StatusCode::BAD_REQUEST,
                "The consent form is incomplete (no consent field). Start the authorization again from the application.",
            );
        }
        Err(duplicate) => return error_page(StatusCode::BAD_REQUEST, &duplicate),
    };
    let now = shared.now();
    let Some((request, challenge)) = lock(&shared.auth).take_consent(now, nonce) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            &format!(
                "This consent form expired (after {CONSENT_LIFETIME} seconds), was already answered, \
                 or was not made by this sandbox. Start the authorization again from the application."
            ),
        );
    };
    let callback = Callback {
        redirect_uri: request.redirect_uri.clone(),
        state: request.state.clone(),
    };
    match parameters.get("decision") {
        Ok(Some("approve")) => {}
        Ok(Some("deny")) => {
            return callback.error("access_denied", "the customer denied the request");
        }
        Ok(other) => {
            return callback.error(
                "invalid_request",
                &format!(
                    "decision must be approve or deny, not {:?}",
                    other.unwrap_or_default()
                ),
            );
        }
        Err(duplicate) => return callback.error("invalid_request", &duplicate),
    }
    let customer = match parameters.get("retail_customer") {
        Ok(Some(customer)) => customer,
        Ok(None) => {
            return callback.error(
                "invalid_request",
                "the consent form names no retail customer",
            );
        }
        Err(duplicate) => return callback.error("invalid_request", &duplicate),
    };
    approve(&shared, now, (request, challenge), &callback, customer)
}

/// The PKCE challenge of an authorization request, if it sends one.
fn code_challenge(parameters: &Parameters) -> Result<Option<CodeChallenge>, GrantError> {
    let challenge = parameters
        .get("code_challenge")
        .map_err(GrantError::invalid_request)?;
    let method = parameters
        .get("code_challenge_method")
        .map_err(GrantError::invalid_request)?;
    CodeChallenge::from_request(challenge, method)
}

/// Issues a code for `retail_customer` (bound to the request's PKCE challenge, if
/// any) and redirects with it.
fn approve(
    shared: &Shared,
    now: i64,
    (request, challenge): (ApprovedRequest, Option<CodeChallenge>),
    callback: &Callback,
    retail_customer: &str,
) -> Response {
    let subscription = read(&shared.data).subscription_id(retail_customer);
    let Some(subscription) = subscription else {
        return callback.error(
            "invalid_request",
            &format!("the sandbox has no retail customer {retail_customer:?}"),
        );
    };
    let customer = Customer {
        retail_customer: retail_customer.to_owned(),
        subscription,
    };
    let issued = lock(&shared.auth).issue_code_with_challenge(now, request, challenge, customer);
    match issued {
        Ok(code) => callback.redirect(&[("code", &code)]),
        Err(error) => callback.error(error.error, &error.description),
    }
}

/// Checks an authorization request: the client and redirect URI first (an HTML error
/// page when they fail), then the rest (an error redirect).
fn validate(
    shared: &Shared,
    parameters: &Parameters,
) -> Result<(ApprovedRequest, Callback), Box<Response>> {
    let page = |message: String| Box::new(error_page(StatusCode::BAD_REQUEST, &message));
    let client = &shared.config.client;
    let client_id = match parameters.get("client_id").map_err(page)? {
        Some(id) => id,
        None => return Err(page("The request names no client_id.".to_owned())),
    };
    if client_id != client.client_id {
        return Err(page(format!(
            "The application {client_id:?} is not registered with this Data Custodian."
        )));
    }
    let (redirect_uri, redirect_uri_given) = match parameters.get("redirect_uri").map_err(page)? {
        Some(uri)
            if client
                .redirect_uris
                .iter()
                .any(|registered| registered == uri) =>
        {
            (uri.to_owned(), true)
        }
        Some(uri) => {
            return Err(page(format!(
                "The redirect_uri {uri:?} is not registered for {client_id:?}; \
                 the sandbox does not redirect to unregistered addresses."
            )));
        }
        None => match client.redirect_uris.as_slice() {
            [only] => (only.clone(), false),
            [] => {
                return Err(page(format!(
                    "{client_id:?} has no registered redirect_uri."
                )));
            }
            _ => {
                return Err(page(format!(
                    "The request names no redirect_uri and {client_id:?} registered several."
                )));
            }
        },
    };
    let mut callback = Callback {
        redirect_uri,
        state: None,
    };
    let fail = |callback: &Callback, error: &str, description: String| {
        Box::new(callback.error(error, &description))
    };
    callback.state = match parameters.get("state") {
        Ok(state) => state.map(str::to_owned),
        Err(duplicate) => return Err(fail(&callback, "invalid_request", duplicate)),
    };
    match parameters.get("response_type") {
        Ok(Some("code")) => {}
        Ok(Some(other)) => {
            return Err(fail(
                &callback,
                "unsupported_response_type",
                format!("response_type {other:?} is not supported; ESPI uses code"),
            ));
        }
        Ok(None) => {
            return Err(fail(
                &callback,
                "invalid_request",
                "response_type is missing (use code)".to_owned(),
            ));
        }
        Err(duplicate) => return Err(fail(&callback, "invalid_request", duplicate)),
    }
    let requested = match parameters.get("scope") {
        Ok(requested) => requested,
        Err(duplicate) => return Err(fail(&callback, "invalid_request", duplicate)),
    };
    let scope = negotiate(shared, requested)
        .map_err(|error| Box::new(callback.error(error.error, &error.description)))?;
    Ok((
        ApprovedRequest {
            client_id: client_id.to_owned(),
            redirect_uri: callback.redirect_uri.clone(),
            redirect_uri_given,
            scope,
            state: callback.state.clone(),
        },
        callback,
    ))
}

/// The scope to grant for `requested` (the client's first offer when `None`): parsed
/// leniently and negotiated against the client's offers.
fn negotiate(shared: &Shared, requested: Option<&str>) -> Result<Scope, GrantError> {
    let offers = OfferedScopes::parse(&shared.config.client.scopes).map_err(|error| {
        GrantError::server_error(format!(
            "the sandbox's offered scope number {} is not a scope: {}",
            error.index + 1,
            error.error
        ))
    })?;
    let Some(requested) = requested else {
        return offers
            .scopes()
            .first()
            .map(espi_auth::canonical_scope)
            .ok_or_else(|| GrantError::invalid_scope("no scope requested and none is offered"));
    };
    let scope = Scope::parse(requested)
        .map_err(|error| {
            GrantError::invalid_scope(format!("scope {requested:?} is not an ESPI scope: {error}"))
        })?
        .scope;
    offers
        .negotiate(&scope)
        .map(|grant| grant.scope)
        .map_err(|refusal| GrantError::invalid_scope(format!("scope {requested:?}: {refusal}")))
}

/// The consent page: the scope and the access window in plain words, the retail
/// customer to authorize as, approve and deny.
fn consent_page(
    shared: &Shared,
    now: i64,
    request: &ApprovedRequest,
    nonce: &str,
    customers: &[String],
    preselected: Option<&str>,
) -> Response {
    let client = escape(&request.client_id);
    let explanation = request.scope.explain(CATALOGUE);
    let (endpoints, terms): (Vec<String>, Vec<String>) = explanation
        .lines()
        .into_iter()
        .partition(|line| line.starts_with("Endpoint: "));
    let mut page = String::with_capacity(4096);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
         <title>Share your energy data with {client}? (espi-sandbox)</title></head>\n<body>\n\
         <h1>Share your energy data with {client}?</h1>\n\
         <p>The application <strong>{client}</strong> asks to read your Green Button data:</p>\n<ul>\n"
    );
    for line in &terms {
        let _ = writeln!(page, "<li>{}</li>", escape(line));
    }
    page.push_str("</ul>\n<h2>For how long</h2>\n<p>");
    page.push_str(&escape(&window_words(shared, now, &request.scope)));
    let _ = write!(
        page,
        "</p>\n<details><summary>Technical details</summary>\n<p>Scope: <code>{}</code></p>\n<ul>\n",
        escape(&request.scope.to_string())
    );
    for line in &endpoints {
        let _ = writeln!(page, "<li>{}</li>", escape(line));
    }
    let _ = write!(
        page,
        "</ul></details>\n<form method=\"post\" action=\"{AUTHORIZE_PATH}\">\n\
         <input type=\"hidden\" name=\"consent\" value=\"{}\">\n\
         <input type=\"hidden\" name=\"response_type\" value=\"code\">\n\
         <input type=\"hidden\" name=\"client_id\" value=\"{client}\">\n\
         <input type=\"hidden\" name=\"redirect_uri\" value=\"{}\">\n\
         <input type=\"hidden\" name=\"scope\" value=\"{}\">\n",
        escape(nonce),
        escape(&request.redirect_uri),
        escape(&request.scope.to_string()),
    );
    if let Some(state) = &request.state {
        let _ = writeln!(
            page,
            "<input type=\"hidden\" name=\"state\" value=\"{}\">",
            escape(state)
        );
    }
    page.push_str("<p><label>I am retail customer <select name=\"retail_customer\">\n");
    let chosen = preselected.or_else(|| customers.first().map(String::as_str));
    for customer in customers {
        let selected = if Some(customer.as_str()) == chosen {
            " selected"
        } else {
            ""
        };
        let customer = escape(customer);
        let _ = writeln!(
            page,
            "<option value=\"{customer}\"{selected}>{customer}</option>"
        );
    }
    page.push_str(
        "</select></label></p>\n\
         <p><button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></p>\n\
         </form>\n</body>\n</html>\n",
    );
    html(StatusCode::OK, page)
}

/// The access window of a grant of `scope` made now, in plain words: the earliest
/// data is the later of the program's history start and the scope's `HistoryLength`.
fn window_words(shared: &Shared, now: i64, scope: &Scope) -> String {
    let policy = shared.config.policy;
    let Ok(window) = policy.window(now, &MonthClock::Utc) else {
        return "The program's access window cannot be applied today.".to_owned();
    };
    let scope_start =
        scope
            .history_length
            .and_then(|history| match (history.months(), history.seconds()) {
                (Some(months), _) => MonthClock::Utc
                    .add_months(now, -i32::try_from(months).ok()?)
                    .ok(),
                (None, Some(seconds)) => Some(now.saturating_sub(i64::try_from(seconds).ok()?)),
                (None, None) => None,
            });
    let history = match (window.history_start, scope_start) {
        (Some(program), Some(scope)) if scope > program => format!(
            "data from {} on (the history the scope asks for)",
            utc_date(scope)
        ),
        (Some(program), _) => match policy.history_months {
            Some(months) => format!(
                "data from {} on ({months} months of history before today, the program's limit)",
                utc_date(program)
            ),
            None => format!("data from {} on", utc_date(program)),
        },
        (None, Some(scope)) => format!(
            "data from {} on (the history the scope asks for)",
            utc_date(scope)
        ),
        (None, None) => "all your past data".to_owned(),
    };
    let until = match window.forward_end {
        Some(end) => format!("new data until {}", utc_date(end)),
        None => "new data until you revoke the authorization".to_owned(),
    };
    let revocable = if policy.revocable {
        " You may revoke the authorization at any time."
    } else {
        ""
    };
    format!(
        "If you approve today ({}), the application may read {history}, and {until}.{revocable}",
        utc_date(now)
    )
}

// ---------------------------------------------------------------------------------
// Token endpoint
// ---------------------------------------------------------------------------------

/// A token endpoint failure: the OAuth error and its HTTP status.
struct TokenFailure {
    status: StatusCode,
    error: GrantError,
}

impl From<GrantError> for TokenFailure {
    fn from(error: GrantError) -> Self {
        let status = match error.error {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
            "temporarily_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        };
        TokenFailure { status, error }
    }
}

impl TokenFailure {
    fn invalid_client(description: impl Into<String>) -> Self {
        TokenFailure {
            status: StatusCode::UNAUTHORIZED,
            error: GrantError {
                error: "invalid_client",
                description: description.into(),
            },
        }
    }

    fn invalid_request(description: impl Into<String>) -> Self {
        GrantError::invalid_request(description).into()
    }
}

impl IntoResponse for TokenFailure {
    /// RFC 6749 §5.2: JSON `{"error", "error_description"}`; `invalid_client` adds the
    /// `WWW-Authenticate: Basic` challenge.
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.error.error,
            "error_description": description_text(&self.error.description),
        });
        let mut response = json(self.status, body.to_string());
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"espi-sandbox\""),
            );
        }
        response
    }
}

/// `POST /oauth/token`.
async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    match grant(&shared, &headers, body).await {
        Ok(issued) => match serde_json::to_string(&issued) {
            Ok(body) => json(StatusCode::OK, body),
            Err(error) => TokenFailure::from(GrantError::server_error(format!(
                "the token response could not be written: {error}"
            )))
            .into_response(),
        },
        Err(failure) => failure.into_response(),
    }
}

/// Authenticates the client (from the headers alone), then reads the form and runs the
/// grant.
async fn grant(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<Issued, TokenFailure> {
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        let essence = content_type
            .to_str()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(TokenFailure::invalid_request(format!(
                "the token request must be application/x-www-form-urlencoded, not {essence:?}"
            )));
        }
    }
    let client_id = authenticate(shared, headers)?;
    let parameters = read_form(shared, headers, body)
        .await
        .map_err(|error| TokenFailure {
            status: error.status(),
            error: GrantError::invalid_request(error.to_string()),
        })?;
    check_posted_client(&parameters, &client_id)?;
    let get = |name: &str| parameters.get(name).map_err(TokenFailure::invalid_request);
    let now = shared.now();
    let terms = Terms::of(shared);
    match get("grant_type")? {
        Some("authorization_code") => {
            let code = get("code")?
                .ok_or_else(|| TokenFailure::invalid_request("code is missing"))?;
            let redirect_uri = get("redirect_uri")?;
            let verifier = get("code_verifier")?;
            let issued = lock(&shared.auth).exchange_code_with_verifier(
                now,
                &terms,
                &client_id,
                code,
                redirect_uri,
                verifier,
            );
            Ok(issued?)
        }
        Some("refresh_token") => {
            let refresh_token = get("refresh_token")?
                .ok_or_else(|| TokenFailure::invalid_request("refresh_token is missing"))?;
            let scope = match get("scope")? {
                Some(text) => Some(
                    Scope::parse(text)
                        .map_err(|error| {
                            GrantError::invalid_scope(format!(
                                "scope {text:?} is not an ESPI scope: {error}"
                            ))
                        })?
                        .scope,
                ),
                None => None,
            };
            let issued = lock(&shared.auth).refresh(
                now,
                &terms,
                &client_id,
                refresh_token,
                scope.as_ref(),
            );
            Ok(issued?)
        }
        Some("client_credentials") => {
            let scope = negotiate(shared, get("scope")?)?;
            let issued = lock(&shared.auth).client_credentials(now, &terms, &client_id, scope);
            Ok(issued?)
        }
        Some(other) => Err(GrantError {
            error: "unsupported_grant_type",
            description: format!(
                "grant_type {other:?} is not supported: use authorization_code, refresh_token or client_credentials"
            ),
        }
        .into()),
        None => Err(TokenFailure::invalid_request("grant_type is missing")),
    }
}

/// client_secret_basic (RFC 6749 §2.3.1), from the `Authorization` header alone, so
/// that no body is read for an unknown client: returns the authenticated client id.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<String, TokenFailure> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(TokenFailure::invalid_client(
            "client authentication is required: HTTP Basic with the client id and secret \
             (client_secret_basic; client_secret_post is not accepted)",
        ));
    };
    let garbled = || {
        TokenFailure::invalid_client(
            "the Authorization header is not HTTP Basic with base64 of client_id:client_secret",
        )
    };
    let value = value.to_str().map_err(|_| garbled())?.trim();
    let (scheme, encoded) = value.split_once(' ').ok_or_else(garbled)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(TokenFailure::invalid_client(format!(
            "the token endpoint takes HTTP Basic client authentication, not {scheme:?}"
        )));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| garbled())?;
    let decoded = String::from_utf8(decoded).map_err(|_| garbled())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(garbled)?;
    let (id, secret) = (
        form_decode(id).ok_or_else(garbled)?,
        form_decode(secret).ok_or_else(garbled)?,
    );
    let client = &shared.config.client;
    let known = same_secret(id.as_bytes(), client.client_id.as_bytes())
        & same_secret(secret.as_bytes(), client.client_secret.as_bytes());
    if !known {
        return Err(TokenFailure::invalid_client(
            "unknown client or wrong client secret",
        ));
    }
    Ok(id)
}

/// The client credentials a form may not carry besides HTTP Basic: a `client_secret`
/// (the client would authenticate twice) or a `client_id` of another client.
fn check_posted_client(parameters: &Parameters, client_id: &str) -> Result<(), TokenFailure> {
    if parameters
        .get("client_secret")
        .map_err(TokenFailure::invalid_request)?
        .is_some()
    {
        return Err(TokenFailure::invalid_request(
            "the client authenticated twice (HTTP Basic and client_secret in the body)",
        ));
    }
    if let Some(named) = parameters
        .get("client_id")
        .map_err(TokenFailure::invalid_request)?
        && named != client_id
    {
        return Err(TokenFailure::invalid_client(
            "client_id in the body is not the authenticated client",
        ));
    }
    Ok(())
}

/// The largest form the token endpoint and the consent answer read.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Reads a form body (at most [`MAX_FORM_BYTES`]).
async fn read_form(
    shared: &Shared,
    headers: &HeaderMap,
    body: Body,
) -> Result<Parameters, BodyError> {
    let pause = shared.config.limits.body_read_timeout;
    let bytes = read_body(headers, body, MAX_FORM_BYTES, pause).await?;
    Ok(Parameters::parse(&bytes))
}

/// Compares secrets in time independent of where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Decodes `application/x-www-form-urlencoded` text (`+` and `%XX`), as the client id
/// and secret of HTTP Basic are encoded (RFC 6749 §2.3.1); `None` for a broken escape
/// or bytes that are not UTF-8.
fn form_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(index + 1..index + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            other => out.push(other),
        }
        index += 1;
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------

/// A JSON response that no cache may keep (RFC 6749 §5.1).
fn json(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// An HTML page that no cache keeps and no other site frames (the consent page must
/// not be clickjacked).
fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html;charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("frame-ancestors 'none'"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The error page shown instead of a redirect.
fn error_page(status: StatusCode, message: &str) -> Response {
    html(
        status,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">\
             <title>Authorization error (espi-sandbox)</title></head>\n<body>\n\
             <h1>Authorization error</h1>\n<p>{}</p>\n</body>\n</html>\n",
            escape(message)
        ),
    )
}

/// HTML text and attribute escaping.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_refuse_repeats_and_treat_empty_as_absent() {
        let parameters = Parameters::parse(b"a=1&b=&c=x%20y&a=2");
        assert!(parameters.get("a").is_err());
        assert_eq!(parameters.get("b"), Ok(None));
        assert_eq!(parameters.get("c"), Ok(Some("x y")));
        assert_eq!(parameters.get("d"), Ok(None));
    }

    #[test]
    fn form_decode_handles_plus_and_escapes() {
        assert_eq!(form_decode("a+b%3Ac").as_deref(), Some("a b:c"));
        assert_eq!(form_decode("%zz"), None);
        assert_eq!(form_decode("%4"), None);
        assert_eq!(form_decode("plain").as_deref(), Some("plain"));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"secret", b"secret"));
        assert!(!same_secret(b"secret", b"secreT"));
        assert!(!same_secret(b"secret", b"secret2"));
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
