//! A record of the resource and token requests served, for tests that check what a
//! client did and when: each request's arrival time, method, path and query, and
//! status. Off
//! unless [`SandboxConfig::record_requests`](crate::SandboxConfig::record_requests)
//! is set; bounded ([`MAX_RECORDED`]), the oldest forgotten first.

use crate::oauth::TOKEN_PATH;
use crate::state::{DATA_CUSTODIAN, RESOURCE_PATH, Shared, lock};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The most requests remembered.
pub const MAX_RECORDED: usize = 1_000_000;

/// One resource request served.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// When it arrived, epoch milliseconds of the system clock.
    pub at_ms: i64,
    /// The method.
    pub method: String,
    /// The path under the resource endpoint, with its query (`Batch/Subscription/3?…`);
    /// for a request of the token endpoint, which is not under it, its absolute path
    /// ([`RecordedRequest::TOKEN`]).
    pub path: String,
    /// The status answered (faults included).
    pub status: u16,
}

impl RecordedRequest {
    /// The [`path`](RecordedRequest::path) of a token endpoint request (a code
    /// exchange or a refresh).
    pub const TOKEN: &'static str = TOKEN_PATH;
}

/// The requests recorded so far.
#[derive(Debug, Default)]
pub struct RequestLog {
    requests: VecDeque<RecordedRequest>,
}

impl RequestLog {
    /// Every request recorded, oldest first.
    pub fn all(&self) -> Vec<RecordedRequest> {
        self.requests.iter().cloned().collect()
    }

    fn push(&mut self, request: RecordedRequest) {
        if self.requests.len() == MAX_RECORDED {
            self.requests.pop_front();
        }
        self.requests.push_back(request);
    }
}

/// The middleware: records resource and token requests when the configuration asks
/// for it.
pub async fn record(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let prefix = format!("{DATA_CUSTODIAN}{RESOURCE_PATH}/");
    let path = match request.uri().path().strip_prefix(&prefix) {
        Some(path) if shared.config.record_requests => match request.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path.to_owned(),
        },
        None if shared.config.record_requests && request.uri().path() == TOKEN_PATH => {
            TOKEN_PATH.to_owned()
        }
        _ => return next.run(request).await,
    };
    let at_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        });
    let method = request.method().to_string();
    let response = next.run(request).await;
    lock(&shared.requests).push(RecordedRequest {
        at_ms,
        method,
        path,
        status: response.status().as_u16(),
    });
    response
}
