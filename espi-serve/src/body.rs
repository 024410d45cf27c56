//! Reading a request body, once the request is authenticated: bounded in size and in
//! the pause between its pieces.

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use std::pin::Pin;
use std::time::Duration;

/// Why a body was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Larger than the route accepts (by its `Content-Length`, before reading, or as
    /// it arrived).
    #[error("the request body is larger than the {limit} bytes this route accepts")]
    TooLarge {
        /// The route's limit, bytes.
        limit: usize,
    },
    /// No piece of it arrived for `pause`.
    #[error("the request body stalled: nothing of it arrived for {pause:?}")]
    Stalled {
        /// The longest pause allowed.
        pause: Duration,
    },
    /// The connection broke while it was read.
    #[error("the request body could not be read: {0}")]
    Broken(String),
}

impl BodyError {
    /// 413, 408 or 400.
    pub fn status(&self) -> StatusCode {
        match self {
            BodyError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::Stalled { .. } => StatusCode::REQUEST_TIMEOUT,
            BodyError::Broken(_) => StatusCode::BAD_REQUEST,
        }
    }
}

/// Reads `body` whole: at most `limit` bytes, each piece within `pause` of the last.
/// A `Content-Length` in `headers` over `limit` is refused before anything is read,
/// so a handler that authenticates first and reads after never waits for a body it
/// will refuse.
///
/// ```
/// use axum::body::Body;
/// use axum::http::HeaderMap;
/// use espi_serve::{BodyError, read_body};
/// use std::time::Duration;
///
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let headers = HeaderMap::new();
/// let pause = Duration::from_secs(1);
/// let small = read_body(&headers, Body::from("<BatchList/>"), 64, pause).await;
/// assert_eq!(small.as_deref(), Ok(&b"<BatchList/>"[..]));
/// let large = read_body(&headers, Body::from(vec![b'x'; 65]), 64, pause).await;
/// assert_eq!(large, Err(BodyError::TooLarge { limit: 64 }));
/// # });
/// ```
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    pause: Duration,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut stream = body.into_data_stream();
    let mut bytes = BytesMut::new();
    loop {
        let next = std::future::poll_fn(|context| Pin::new(&mut stream).poll_next(context));
        let piece = tokio::time::timeout(pause, next)
            .await
            .map_err(|_| BodyError::Stalled { pause })?;
        match piece {
            None => return Ok(bytes.freeze()),
            Some(Err(error)) => return Err(BodyError::Broken(error.to_string())),
            Some(Ok(piece)) => {
                if bytes.len() + piece.len() > limit {
                    return Err(BodyError::TooLarge { limit });
                }
                bytes.extend_from_slice(&piece);
            }
        }
    }
}
