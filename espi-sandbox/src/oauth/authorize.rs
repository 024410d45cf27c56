//! The authorization endpoint: the request, the consent page and its answer.

use crate::error::description_text;
use crate::grants::{
    ApprovedRequest, CATALOGUE, CONSENT_LIFETIME, CodeChallenge, Customer, GrantError, utc_date,
};
use crate::state::{Shared, lock, read};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use espi_auth::MonthClock;
use espi_auth::{OfferedScopes, Scope};
use std::fmt::Write as _;
use std::sync::Arc;

use super::{AUTHORIZE_PATH, Parameters, error_page, escape, html, read_form};

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
pub(super) async fn authorize_page(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
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
pub(super) async fn consent_answer(
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
    let issued = lock(&shared.auth).issue_code(now, request, challenge, customer);
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
pub(super) fn negotiate(shared: &Shared, requested: Option<&str>) -> Result<Scope, GrantError> {
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
