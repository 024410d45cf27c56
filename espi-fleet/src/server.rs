//! The fleet's HTTP endpoints ([`Fleet::router`]).

use crate::fleet::Fleet;
use crate::metrics::labels;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use espi_client::Notification;
use espi_client::{AuthorizationOptions, PendingAuthorization, Secret};
use espi_store::PendingAuthorizationRecord;

/// How long an authorization request waits for its callback, seconds.
const REQUEST_LIFETIME: i64 = 600;
/// The most authorization requests waiting at once.
const MAX_WAITING_REQUESTS: u64 = 10_000;

impl Fleet {
    /// The fleet's HTTP endpoints as an axum router, served by every worker that
    /// listens:
    ///
    /// | route | what |
    /// |---|---|
    /// | `GET /authorize/{custodian}` | a new authorization request: redirects the customer's browser to the Data Custodian (state and PKCE kept in the store, ten minutes) |
    /// | `GET /callback/{custodian}` | the redirect back: checks `state`, exchanges the code, stores the tokens and schedules the authorization, due at once |
    /// | `POST /notifications/{custodian}` | a BatchList notification: parsed with the client's parser, its URIs queued in the store before the answer (202); 400 for a body that is not a BatchList, 413 over `http.max_notification_bytes` (by its `Content-Length` before any of it is read), 408 when it stalls; none changes anything |
    /// | `GET /metrics` | Prometheus text: this process's counters, the fleet's backlog and lag |
    ///
    /// Any worker may answer any of them: what they receive goes to the shared store,
    /// and whichever worker claims the authorization next acts on it.
    ///
    /// They face the Internet, so they are served by [`espi_serve::serve`] within the
    /// configuration's `[http]` bounds ([`HttpConfig`](crate::HttpConfig)): a connection
    /// limit, a header-read timeout that also closes idle connections, a write timeout;
    /// a notification's body is read only once its Data Custodian is known, bounded in
    /// size and in the pause between its pieces.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/authorize/{custodian}", get(authorize))
            .route("/callback/{custodian}", get(callback))
            .route("/notifications/{custodian}", post(notify))
            .route("/metrics", get(metrics))
            .with_state(self.clone())
    }

    /// Serves the endpoints on `listener` within the configuration's `[http]` bounds
    /// until `shutdown` resolves.
    pub async fn serve(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), crate::Error> {
        let address = listener
            .local_addr()
            .map_or_else(|_| "?".to_owned(), |address| address.to_string());
        let limits = self.inner.config.http.serve_limits();
        espi_serve::serve(listener, self.router(), limits, shutdown)
            .await
            .map_err(|source| crate::Error::Serve { address, source })
    }
}

fn text(status: StatusCode, body: String) -> Response {
    (status, body + "\n").into_response()
}

async fn authorize(State(fleet): State<Fleet>, Path(custodian): Path<String>) -> Response {
    let Ok(found) = fleet.custodian(&custodian) else {
        return text(
            StatusCode::NOT_FOUND,
            format!("no Data Custodian {custodian:?}"),
        );
    };
    let request = match found
        .client
        .authorization_request(&found.config.scope, AuthorizationOptions::new())
    {
        Ok(request) => request,
        Err(error) => return text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    };
    let pending = &request.pending;
    let record = PendingAuthorizationRecord::new(
        pending.state().expose(),
        custodian.as_str(),
        pending
            .pkce_verifier()
            .map(|verifier| verifier.expose().to_owned()),
        pending.redirect_uri().map(|uri| uri.to_string()),
        pending.scope(),
        fleet.now() + REQUEST_LIFETIME,
    );
    match fleet
        .store()
        .put_pending_authorization(&record, fleet.now(), MAX_WAITING_REQUESTS)
        .await
    {
        Ok(true) => {}
        Ok(false) => {
            return text(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many authorization requests are waiting; try again later".to_owned(),
            );
        }
        Err(error) => return text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(request.url.as_str()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn callback(
    State(fleet): State<Fleet>,
    Path(custodian): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Ok(found) = fleet.custodian(&custodian) else {
        return text(
            StatusCode::NOT_FOUND,
            format!("no Data Custodian {custodian:?}"),
        );
    };
    let query = query.unwrap_or_default();
    let state = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let record = match fleet
        .store()
        .take_pending_authorization(&state, fleet.now())
        .await
    {
        Ok(Some(record)) if record.custodian == custodian => record,
        Ok(_) => {
            return text(
                StatusCode::BAD_REQUEST,
                "no authorization request of this fleet waits for this callback (unknown or \
                 expired state); start again"
                    .to_owned(),
            );
        }
        Err(error) => return text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    };
    let pending = PendingAuthorization::restore(
        Secret::new(record.state),
        record.pkce_verifier.map(Secret::new),
        record
            .redirect_uri
            .and_then(|uri| url::Url::parse(&uri).ok()),
        record.scope,
    );
    let tokens = match found.client.complete_authorization(&pending, &query).await {
        Ok(tokens) => tokens,
        Err(error) => return text(StatusCode::BAD_REQUEST, error.to_string()),
    };
    let key = tokens.key();
    if let Err(error) = fleet
        .store()
        .schedule_authorization(key.as_str(), &custodian, fleet.now())
        .await
    {
        return text(StatusCode::INTERNAL_SERVER_ERROR, error.to_string());
    }
    tracing::info!(authorization = %key, %custodian, "authorized; due at once");
    text(
        StatusCode::OK,
        format!(
            "authorized: {}",
            tokens.resource_uri.as_deref().unwrap_or(key.as_str())
        ),
    )
}

async fn notify(
    State(fleet): State<Fleet>,
    Path(custodian): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(found) = fleet.custodian(&custodian) else {
        return text(
            StatusCode::NOT_FOUND,
            format!("no Data Custodian {custodian:?}"),
        );
    };
    let count = |result: &str, by: usize| {
        fleet.metrics().add(
            "espi_fleet_notifications_total",
            labels(&[("custodian", &custodian), ("result", result)]),
            by as u64,
        );
    };
    let http = &fleet.config().http;
    let limit = http.max_notification_bytes;
    let body = match espi_serve::read_body(&headers, body, limit, http.body_read_timeout()).await {
        Ok(body) => body,
        Err(error) => {
            count("refused", 1);
            return text(error.status(), error.to_string());
        }
    };
    let notification = match Notification::parse(&body) {
        Ok(notification) => notification,
        Err(error) => {
            count("malformed", 1);
            return text(StatusCode::BAD_REQUEST, error.to_string());
        }
    };
    // URIs outside the Data Custodian's resource endpoint are never fetched.
    let (ours, foreign): (Vec<String>, Vec<String>) =
        notification.resources.into_iter().partition(|uri| {
            url::Url::parse(uri)
                .ok()
                .is_some_and(|url| found.client.check_resource_url(&url).is_ok())
        });
    let queued = match fleet
        .store()
        .queue_notifications(&custodian, &ours, fleet.now())
        .await
    {
        Ok(queued) => queued,
        Err(error) => return text(StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
    };
    count("queued", queued.queued.len());
    count("unknown", queued.unknown.len() + foreign.len());
    if !foreign.is_empty() || !queued.unknown.is_empty() {
        tracing::warn!(%custodian, foreign = ?foreign, unknown = ?queued.unknown, "notification URIs not queued");
    }
    let summary = serde_json::json!({
        "queued": queued.queued.iter().map(|(_, uri)| uri).collect::<Vec<_>>(),
        "not_queued": queued.unknown.iter().chain(&foreign).collect::<Vec<_>>(),
    });
    (
        StatusCode::ACCEPTED,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{summary}\n"),
    )
        .into_response()
}

async fn metrics(State(fleet): State<Fleet>) -> Response {
    match fleet.metrics_text().await {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            body,
        )
            .into_response(),
        Err(error) => text(StatusCode::SERVICE_UNAVAILABLE, error.to_string()),
    }
}
