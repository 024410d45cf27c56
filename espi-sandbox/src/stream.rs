//! Streamed Atom responses.
//!
//! A response body is written by espi-xml's [`Writer`] as the client takes it: each
//! time hyper asks the body for more, the next entries are written until a chunk of
//! about [`CHUNK_BYTES`] is ready. A large feed is never held whole in memory (one
//! chunk and the entry being written), no thread waits for a slow client, and a client
//! that stops reading simply stops the writing, holding nothing but its connection's
//! memory until the server's write timeout ends it. The status (200) and headers go
//! out before the body; should writing fail half-way (a value XML cannot carry), the
//! body ends with an error, so the client sees a broken response and never a
//! well-formed but short one.

use crate::data::Item;
use crate::state::Shared;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use espi_model::atom::Metadata;
use espi_model::atom::{Document, Entry};
use espi_model::resource::Namespace;
use espi_xml::{WriteOptions, Writer};
use futures_core::Stream;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

/// The media type of every ESPI document (GBA's OpenAPI description).
pub const ATOM: &str = "application/atom+xml";

/// The size of the chunks handed to the body.
pub const CHUNK_BYTES: usize = 64 * 1024;

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
    let mut response = Response::new(Body::from_stream(AtomStream::new(shared, body)));
    *response.status_mut() = StatusCode::OK;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ATOM));
    response
}

/// What the writer has written and the body has not yet handed out. The writer and
/// the stream live in the same task; the mutex only lets both own it.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl Written {
    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn take(&self) -> Bytes {
        let mut bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Bytes::from(std::mem::replace(
            &mut *bytes,
            Vec::with_capacity(CHUNK_BYTES),
        ))
    }
}

impl Write for Written {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Where the writing is.
enum Progress {
    /// Nothing written yet.
    Start(AtomBody),
    /// A feed's entries from `next` on are still to be written.
    Entries {
        writer: Writer<Written>,
        items: Vec<Arc<Item>>,
        next: usize,
    },
    /// Everything is written (or writing failed).
    Done,
}

/// The body stream: writes on demand, a chunk at a time.
struct AtomStream {
    shared: Arc<Shared>,
    written: Written,
    progress: Progress,
}

impl AtomStream {
    fn new(shared: Arc<Shared>, body: AtomBody) -> AtomStream {
        AtomStream {
            shared,
            written: Written::default(),
            progress: Progress::Start(body),
        }
    }

    /// Writes the next part: the start of a feed, an entry, the end of the feed, or a
    /// whole entry document.
    fn step(&mut self) -> io::Result<()> {
        let entry_of = |item: &Item| -> io::Result<Entry> {
            item.entry(&self.shared.config.customers).ok_or_else(|| {
                io::Error::other(format!(
                    "the configuration no longer holds the entry served at {}",
                    item.path
                ))
            })
        };
        self.progress = match std::mem::replace(&mut self.progress, Progress::Done) {
            Progress::Start(AtomBody::Entry(item)) => {
                let document = Document::Entry(entry_of(&item)?);
                Writer::new(self.written.clone(), WriteOptions::compact())
                    .write_document(&document)?;
                Progress::Done
            }
            Progress::Start(AtomBody::Feed {
                meta,
                namespace,
                items,
            }) => {
                let mut writer = Writer::new(self.written.clone(), WriteOptions::compact());
                writer.start_feed_of(&meta, namespace)?;
                Progress::Entries {
                    writer,
                    items,
                    next: 0,
                }
            }
            Progress::Entries {
                mut writer,
                items,
                next,
            } => match items.get(next) {
                Some(item) => {
                    writer.write_entry(&entry_of(item)?)?;
                    Progress::Entries {
                        writer,
                        items,
                        next: next + 1,
                    }
                }
                None => {
                    writer.finish()?;
                    Progress::Done
                }
            },
            Progress::Done => Progress::Done,
        };
        Ok(())
    }
}

impl Stream for AtomStream {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, _context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            let done = matches!(this.progress, Progress::Done);
            let ready = this.written.len();
            if ready >= CHUNK_BYTES || (done && ready > 0) {
                return Poll::Ready(Some(Ok(this.written.take())));
            }
            if done {
                return Poll::Ready(None);
            }
            if let Err(error) = this.step() {
                tracing::warn!("writing a response failed: {error}");
                this.progress = Progress::Done;
                // The client sees a broken body rather than a short document.
                this.written.take();
                return Poll::Ready(Some(Err(error)));
            }
        }
    }
}
