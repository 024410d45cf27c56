//! The HTTP/1.1 server loop of the espi servers (`espi-sandbox`, `espi-fleet`'s
//! endpoints), with the bounds a server facing hostile clients needs and
//! `axum::serve` does not offer:
//!
//! - [`serve`]: at most [`ServeLimits::connections`] connections at once (more wait in
//!   the listen backlog), a header-read timeout that is also the longest idle
//!   keep-alive, a write timeout for clients that stop reading, and a graceful stop;
//! - [`read_body`]: a request body read by the handler that wants it, after whatever
//!   authentication applies, bounded in size (a `Content-Length` over the limit is
//!   refused before anything is read) and in the pause between its pieces;
//! - [`listen`]: a listening socket whose connections' kernel send buffer may be
//!   bounded, so that a client that never reads holds little.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use espi_serve::{ServeLimits, listen, serve};
//! use std::time::Duration;
//!
//! # async fn demo() -> std::io::Result<()> {
//! let app = Router::new().route("/", get(|| async { "hello" }));
//! let listener = listen("127.0.0.1:8080".parse().expect("an address"), None)?;
//! let limits = ServeLimits::new(256, Duration::from_secs(10), Duration::from_secs(30));
//! // Serves until the future given as `stop` resolves: here, never.
//! serve(listener, app, limits, std::future::pending()).await
//! # }
//! ```
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod body;
mod server;

pub use body::{BodyError, read_body};
pub use server::{SHUTDOWN_GRACE, ServeLimits, listen, serve};
