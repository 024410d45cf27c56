//! Fault injection on the resource routes (everything under
//! `/DataCustodian/espi/1_1/resource`; the OAuth and admin routes are left alone), as
//! [`Faults`](crate::config::Faults) configures it. For each request, in order:
//!
//! 1. `latency` is waited;
//! 2. three dice are rolled; the first below `error_500_share` answers **500**, else the
//!    second below `error_429_share` answers **429** with `Retry-After: retry_after`;
//! 3. the request is served; a 200 to a `Batch/…` request is answered **202
//!    Accepted** with `Retry-After` instead, for the first `accepted_polls` such
//!    answers to each distinct path and query (the data is "being prepared");
//! 4. a 200 whose third die is below `cut_off_share` has its body cut off after
//!    `cut_off_after` bytes: the body stream ends with an error, so the connection
//!    breaks mid-body (a body shorter than that is sent whole).
//!
//! The dice come from a SplitMix64 generator seeded with `SandboxConfig::seed`, so the
//! same requests in the same order meet the same faults.

use crate::config::Faults;
use crate::state::{DATA_CUSTODIAN, RESOURCE_PATH, Shared, lock};
use axum::body::{Body, BodyDataStream};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_core::Stream;
use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Dice and counters of the fault knobs.
#[derive(Debug, Default)]
pub struct FaultState {
    /// The generator's state; seeded from the configuration on the first roll.
    dice: Option<u64>,
    /// 202 answers given so far, by path and query.
    polls: HashMap<String, u32>,
    /// The knobs set while the sandbox runs, replacing the configured ones.
    pub(crate) knobs: Option<Faults>,
}

/// One request's dice, each in `[0, 1)`.
#[derive(Debug, Clone, Copy)]
struct Dice {
    error_500: f64,
    error_429: f64,
    cut_off: f64,
}

impl FaultState {
    fn roll(&mut self, seed: u64) -> Dice {
        let state = self.dice.get_or_insert(seed);
        Dice {
            error_500: unit(splitmix(state)),
            error_429: unit(splitmix(state)),
            cut_off: unit(splitmix(state)),
        }
    }

    /// Counts a poll of `key`; true while it is among the first `accepted`.
    fn accept(&mut self, key: String, accepted: u32) -> bool {
        let count = self.polls.entry(key).or_insert(0);
        if *count < accepted {
            *count += 1;
            true
        } else {
            false
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and good enough for dice.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The top 53 bits as a float in `[0, 1)`.
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// The middleware (see the module documentation).
pub async fn inject(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let prefix = format!("{DATA_CUSTODIAN}{RESOURCE_PATH}/");
    let Some(path) = request.uri().path().strip_prefix(&prefix) else {
        return next.run(request).await;
    };
    let faults = lock(&shared.faults)
        .knobs
        .clone()
        .unwrap_or_else(|| shared.config.faults.clone());
    let faults = &faults;
    let batch = path
        .starts_with("Batch/")
        .then(|| match request.uri().query() {
            Some(query) => format!("{path}?{query}"),
            None => path.to_owned(),
        });
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let dice = lock(&shared.faults).roll(shared.config.seed);
    if dice.error_500 < faults.error_500_share {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected fault: 500 Internal Server Error\n",
        )
            .into_response();
    }
    if dice.error_429 < faults.error_429_share {
        return retry_later(
            StatusCode::TOO_MANY_REQUESTS,
            "injected fault: 429 Too Many Requests\n",
            faults.retry_after,
        );
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    if let Some(key) = batch
        && faults.accepted_polls > 0
        && lock(&shared.faults).accept(key, faults.accepted_polls)
    {
        return retry_later(
            StatusCode::ACCEPTED,
            "202 Accepted: the batch is being prepared; poll again after Retry-After\n",
            faults.retry_after,
        );
    }
    if dice.cut_off < faults.cut_off_share {
        return cut_off(response, faults.cut_off_after);
    }
    response
}

fn retry_later(status: StatusCode, body: &'static str, seconds: u64) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The response with its body ending in an error after `after` bytes.
fn cut_off(response: Response, after: usize) -> Response {
    let (mut parts, body) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let stream = CutOff {
        inner: body.into_data_stream(),
        remaining: after,
        state: CutState::Passing,
    };
    Response::from_parts(parts, Body::from_stream(stream))
}

/// A body stream that breaks after a number of bytes.
struct CutOff {
    inner: BodyDataStream,
    remaining: usize,
    state: CutState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CutState {
    /// Bytes pass until the cut.
    Passing,
    /// The cut is reached: yield once, so that the server flushes the head and the
    /// bytes before the cut (else a small response could break before its status).
    Flush,
    /// Then the error that breaks the connection.
    Break,
    Ended,
}

impl Stream for CutOff {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.state {
            CutState::Ended => return Poll::Ready(None),
            CutState::Break => {
                this.state = CutState::Ended;
                return Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "injected fault: the body is cut off",
                ))));
            }
            CutState::Flush => {
                this.state = CutState::Break;
                context.waker().wake_by_ref();
                return Poll::Pending;
            }
            CutState::Passing => {}
        }
        if this.remaining == 0 {
            this.state = CutState::Flush;
            return Pin::new(this).poll_next(context);
        }
        match Pin::new(&mut this.inner).poll_next(context) {
            Poll::Ready(Some(Ok(chunk))) => {
                if chunk.len() < this.remaining {
                    this.remaining -= chunk.len();
                    Poll::Ready(Some(Ok(chunk)))
                } else {
                    let head = chunk.slice(..this.remaining);
                    this.remaining = 0;
                    this.state = CutState::Flush;
                    Poll::Ready(Some(Ok(head)))
                }
            }
            Poll::Ready(Some(Err(error))) => {
                this.state = CutState::Ended;
                Poll::Ready(Some(Err(io::Error::other(error))))
            }
            Poll::Ready(None) => {
                this.state = CutState::Ended;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dice_repeat_with_the_seed_and_spread() {
        let rolls = |seed| {
            let mut state = FaultState::default();
            (0..1000)
                .map(|_| state.roll(seed).error_500)
                .collect::<Vec<f64>>()
        };
        assert_eq!(rolls(7), rolls(7));
        assert_ne!(rolls(7), rolls(8));
        let below: usize = rolls(7).iter().filter(|&&x| x < 0.3).count();
        assert!((230..370).contains(&below), "{below} of 1000 below 0.3");
        assert!(rolls(7).iter().all(|&x| (0.0..1.0).contains(&x)));
    }

    #[test]
    fn polls_are_accepted_the_configured_number_of_times_per_key() {
        let mut state = FaultState::default();
        assert!(state.accept("a".into(), 2));
        assert!(state.accept("a".into(), 2));
        assert!(!state.accept("a".into(), 2));
        assert!(state.accept("b".into(), 2));
    }
}
