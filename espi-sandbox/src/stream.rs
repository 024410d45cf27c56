//! Streamed Atom responses.
//!
//! A response body is written by espi-xml's [`Writer`] on a blocking thread into a
//! bounded channel of [`Bytes`] chunks that the body reads from, so a large feed is
//! never held whole in memory: at most [`CHANNEL_CHUNKS`] chunks of about
//! [`CHUNK_BYTES`] wait for a slow client, plus the entry being written. The status
//! (200) and headers go out before the body; should writing fail half-way (a value XML
//! cannot carry), the body ends with an error, so the client sees a broken response
//! and never a well-formed but short one. A client that goes away stops the writer.

use crate::data::Item;
use crate::state::Shared;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use espi_model::atom::Metadata;
use espi_model::resource::Namespace;
use espi_model::{Document, Entry};
use espi_xml::{WriteOptions, Writer};
use futures_core::Stream;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// The media type of every ESPI document (espi-reference §1.1).
pub const ATOM: &str = "application/atom+xml";

/// The size of the chunks handed to the body.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// How many chunks may wait for the client.
pub const CHANNEL_CHUNKS: usize = 4;

/// What to write.
#[derive(Debug)]
pub enum AtomBody {
    /// A feed of entries (in the namespace's family: usage or customer data).
    Feed {
        /// The feed's own metadata.
        meta: Metadata,
        /// Usage (`espi`) or customer (`cust`) data.
        namespace: Namespace,
        /// The entries, in order.
        items: Vec<Arc<Item>>,
    },
    /// One entry as the document root.
    Entry(Arc<Item>),
}

/// A 200 `application/atom+xml` response whose body is written while it is sent.
pub fn atom_response(shared: Arc<Shared>, body: AtomBody) -> Response {
    let (sender, receiver) = mpsc::channel(CHANNEL_CHUNKS);
    tokio::task::spawn_blocking(move || {
        let errors = sender.clone();
        let sink = ChannelSink {
            sender,
            buffer: Vec::with_capacity(CHUNK_BYTES),
        };
        if let Err(error) = write(&shared, &body, sink)
            && error.kind() != io::ErrorKind::BrokenPipe
        {
            tracing::warn!("writing a response failed: {error}");
            // The client sees a broken body rather than a short document.
            let _ = errors.blocking_send(Err(error));
        }
    });
    let mut response = Response::new(Body::from_stream(ChunkStream(receiver)));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ATOM));
    response
}

fn write(shared: &Shared, body: &AtomBody, sink: ChannelSink) -> io::Result<()> {
    let entry_of = |item: &Item| -> io::Result<Entry> {
        item.entry(&shared.config.customers).ok_or_else(|| {
            io::Error::other(format!(
                "the configuration no longer holds the entry served at {}",
                item.path
            ))
        })
    };
    match body {
        AtomBody::Feed {
            meta,
            namespace,
            items,
        } => {
            let mut writer = Writer::new(sink, WriteOptions::compact());
            writer.start_feed_of(meta, *namespace)?;
            for item in items {
                writer.write_entry(&entry_of(item)?)?;
            }
            writer.finish()?;
        }
        AtomBody::Entry(item) => {
            let document = Document::Entry(entry_of(item)?);
            Writer::new(sink, WriteOptions::compact()).write_document(&document)?;
        }
    }
    Ok(())
}

/// An [`io::Write`] that hands chunks of [`CHUNK_BYTES`] to the response body,
/// blocking while the channel is full.
struct ChannelSink {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelSink {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK_BYTES),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChannelSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK_BYTES {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// The receiving end of the channel as the body's stream.
struct ChunkStream(mpsc::Receiver<io::Result<Bytes>>);

impl Stream for ChunkStream {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().0.poll_recv(context)
    }
}
