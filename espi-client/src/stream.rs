//! Responses decoded while they stream, page after page ([`FeedStream`]).

use crate::client::{Fetched, Session};
use crate::error::{Error, Result};
use crate::http::{Counters, RequestSpec, check_content_length};
use bytes::Bytes;
use espi_auth::Query;
use espi_model::atom::Document;
use espi_model::atom::{Entry, Feed, Metadata};
use espi_xml::{Diagnostic, EntryReader, ReaderOptions, RootKind};
use std::io::{self, BufReader, Read};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use url::Url;

/// Chunks waiting for the decoder.
const CHUNK_BUFFER: usize = 4;
/// Entries waiting for the consumer.
const ENTRY_BUFFER: usize = 16;
/// Diagnostics kept per stream (the rest are counted).
pub const MAX_KEPT_DIAGNOSTICS: usize = 1_000;

/// What a finished stream read, besides its entries.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct FeedSummary {
    /// The first page's feed metadata (id, title, updated, links); empty for an
    /// entry or bare-resource root, or when there was no content.
    pub feed: Metadata,
    /// The first page's root element.
    pub root: Option<RootKind>,
    /// Entries yielded, over all pages.
    pub entries: u64,
    /// Pages read (responses with a body).
    pub pages: u32,
    /// Whether the server answered 204 No Content (no data for the request).
    pub no_content: bool,
    /// Deviations lenient reading accepted, with their positions: the first
    /// [`MAX_KEPT_DIAGNOSTICS`].
    pub diagnostics: Vec<Diagnostic>,
    /// How many deviations there were in all.
    pub diagnostic_count: u64,
    /// Bytes of body read, over all pages.
    pub bytes: u64,
}

enum Message {
    Entry(Box<Entry>),
    Done(Box<FeedSummary>),
    Failed(Error),
}

/// The entries of a response (and its further pages), decoded while the body streams.
///
/// Read it with [`FeedStream::next`] or as a [`futures_core::Stream`]. After the last
/// entry, `next` returns `None` and [`FeedStream::summary`] holds the feed metadata
/// and the diagnostics. An error ends the stream; entries yielded before it are only
/// part of the answer.
///
/// Dropping the stream stops reading (the connection is closed). While a page is
/// read it holds one slot of the client's concurrency limit: with a limit of one,
/// finish or drop a stream before starting the next request.
///
/// espi-xml's [`EntryReader`] is a synchronous iterator over a `BufRead`. A response
/// body is an asynchronous stream of byte chunks. The bridge, per page:
///
/// ```text
/// async pump ──chunks (bounded, 4)──▶ blocking decoder (EntryReader) ──entries (bounded, 16)──▶ FeedStream::next
/// ```
///
/// The pump reads the body and hands each chunk to the decoder's `Read` over a
/// bounded channel; the decoder runs on a blocking thread and sends each entry back
/// over another bounded channel. Memory therefore stays at a few chunks and a few
/// entries whatever the size of the body: a bulk file of gigabytes is never held.
///
/// A body that breaks off (the connection drops short of its `Content-Length` or last
/// chunk, the body stalls past the read timeout or outlasts the body timeout, its bytes
/// pass the size limit, or the XML ends before its root closes or stops being
/// well-formed) ends the stream with an error,
/// never with a short but successful end: the entries already yielded are then not to
/// be trusted as the whole answer ([`sync_subscription`](crate::sync_subscription) stages a month's entries and
/// commits them only once its stream ended cleanly).
///
/// Pagination: when the request carries a page size (`max-results`, from the query or
/// [`ClientConfig::page_size`](crate::ClientConfig::page_size)) and a page comes back
/// full, the next page is requested with `start-index` moved on, until a page comes
/// back short or empty (204).
pub struct FeedStream {
    receiver: mpsc::Receiver<Message>,
    summary: Option<FeedSummary>,
    finished: bool,
    url: Url,
}

impl std::fmt::Debug for FeedStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedStream")
            .field("url", &self.url.as_str())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl FeedStream {
    /// The next entry; `None` after the last one (or after an error was returned).
    pub async fn next(&mut self) -> Option<Result<Entry>> {
        if self.finished {
            return None;
        }
        let message = self.receiver.recv().await;
        self.take(message)
    }

    fn take(&mut self, message: Option<Message>) -> Option<Result<Entry>> {
        match message {
            Some(Message::Entry(entry)) => Some(Ok(*entry)),
            Some(Message::Done(summary)) => {
                self.finished = true;
                self.summary = Some(*summary);
                None
            }
            Some(Message::Failed(error)) => {
                self.finished = true;
                Some(Err(error))
            }
            None => {
                self.finished = true;
                Some(Err(Error::Internal(format!(
                    "the reader of {} stopped without a result",
                    self.url
                ))))
            }
        }
    }

    /// The URL of the first request.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// What the stream read besides its entries; `Some` once `next` has returned
    /// `None` after a clean end.
    pub fn summary(&self) -> Option<&FeedSummary> {
        self.summary.as_ref()
    }

    /// Reads every remaining entry into memory: for the small administrative
    /// resources and collections, not for batches of unknown size.
    pub async fn collect(mut self) -> Result<(Vec<Entry>, FeedSummary)> {
        let mut entries = Vec::new();
        while let Some(entry) = self.next().await {
            entries.push(entry?);
        }
        Ok((entries, self.summary.unwrap_or_default()))
    }

    /// Reads the whole response as a [`Document`] of the kind its root was: a feed,
    /// an entry, or a bare resource (`ServiceStatus`). No content is an empty feed.
    pub async fn into_document(self) -> Result<Document> {
        let (mut entries, summary) = self.collect().await?;
        Ok(match summary.root {
            Some(RootKind::Entry) => Document::Entry(entries.pop().unwrap_or_default()),
            Some(RootKind::Resource) => match entries
                .pop()
                .and_then(|entry| entry.content.into_iter().next())
            {
                Some(resource) => Document::Resource(Box::new(resource)),
                None => Document::Entry(Entry::default()),
            },
            Some(RootKind::Feed) | None => Document::Feed(Feed {
                meta: summary.feed,
                entries,
            }),
        })
    }
}

impl futures_core::Stream for FeedStream {
    type Item = Result<Entry>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Ready(None);
        }
        match this.receiver.poll_recv(context) {
            Poll::Ready(message) => Poll::Ready(this.take(message)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Starts reading `first` (the answer to `url`) and the pages after it.
pub(crate) fn start(
    session: Session,
    url: Url,
    query: Query,
    page_size: Option<u64>,
    first: Fetched,
    permit: OwnedSemaphorePermit,
) -> FeedStream {
    let (sender, receiver) = mpsc::channel(ENTRY_BUFFER);
    let stream_url = url.clone();
    tokio::spawn(async move {
        let outcome = drive(&session, url, query, page_size, first, permit, &sender).await;
        let message = match outcome {
            Ok(summary) => Message::Done(Box::new(summary)),
            Err(error) => Message::Failed(error),
        };
        // The consumer may have gone; nothing to tell then.
        let _ = sender.send(message).await;
    });
    FeedStream {
        receiver,
        summary: None,
        finished: false,
        url: stream_url,
    }
}

/// Reads every page; returns the summary or the first error.
async fn drive(
    session: &Session,
    url: Url,
    query: Query,
    page_size: Option<u64>,
    first: Fetched,
    permit: OwnedSemaphorePermit,
    sender: &mpsc::Sender<Message>,
) -> Result<FeedSummary> {
    let mut summary = FeedSummary::default();
    let mut fetched = first;
    let mut permit = Some(permit);
    let mut start_index = query.start_index.unwrap_or(1);
    let mut page_url = url;
    let mut first_page_first_id: Option<String> = None;
    loop {
        let response = match fetched {
            Fetched::NoContent => {
                summary.no_content = summary.pages == 0;
                return Ok(summary);
            }
            Fetched::Body(response) => response,
        };
        let page = read_page(session, response, &page_url, sender).await;
        drop(permit.take());
        let Some(page) = page? else {
            // The consumer went away.
            return Ok(summary);
        };
        summary.pages += 1;
        summary.entries += page.entries;
        summary.bytes += page.bytes;
        summary.diagnostic_count += page.diagnostic_count;
        let room = MAX_KEPT_DIAGNOSTICS.saturating_sub(summary.diagnostics.len());
        summary
            .diagnostics
            .extend(page.diagnostics.into_iter().take(room));
        if summary.pages == 1 {
            summary.feed = page.feed;
            summary.root = page.root;
            first_page_first_id = page.first_id.clone();
        } else if page.first_id.is_some() && page.first_id == first_page_first_id {
            // A server that ignores start-index sends the first page again: stop
            // rather than loop (the entries were already yielded; say so).
            tracing::warn!(url = %page_url, "the server ignored start-index; paging stopped");
            return Err(Error::Paging {
                url: page_url.to_string(),
                reason: "the server ignored start-index and sent the first page again".to_owned(),
            });
        }
        let Some(size) = page_size else {
            return Ok(summary);
        };
        // Only a page of exactly the size asked for may have a successor: a short
        // page is the last, and a longer one means the server ignored max-results.
        if size == 0 || page.entries != size || page.root != Some(RootKind::Feed) {
            return Ok(summary);
        }
        start_index = start_index.saturating_add(size);
        let mut next = page_url.clone();
        crate::query::apply(&Query::new().start_index(start_index), &mut next);
        page_url = next;
        permit = Some(session.client().transport().permit().await?);
        fetched = session.fetch(&page_url).await?;
    }
}

/// What one page read.
struct Page {
    entries: u64,
    bytes: u64,
    feed: Metadata,
    root: Option<RootKind>,
    diagnostics: Vec<Diagnostic>,
    diagnostic_count: u64,
    first_id: Option<String>,
}

/// How the decoder stopped early.
enum DecodeStop {
    /// The reader's error.
    Xml(espi_xml::Error),
    /// The consumer dropped the stream.
    Cancelled,
}

/// Reads one response body through the decoder; `Ok(None)` when the consumer went
/// away.
///
/// The pump stops at the first of: the body's end, a transport failure (the body
/// broke off short of its `Content-Length` or last chunk), [`ClientConfig::read_timeout`]
/// of silence, [`ClientConfig::body_timeout`] spent waiting for its bytes, its bytes passing
/// [`ClientConfig::max_body_size`] (the chunk that passes it is not handed on), or the
/// decoder stopping (an XML error, or the consumer gone; the pump does not wait for
/// more of the body then).
///
/// [`ClientConfig::read_timeout`]: crate::ClientConfig::read_timeout
/// [`ClientConfig::body_timeout`]: crate::ClientConfig::body_timeout
/// [`ClientConfig::max_body_size`]: crate::ClientConfig::max_body_size
async fn read_page(
    session: &Session,
    mut response: reqwest::Response,
    url: &Url,
    sender: &mpsc::Sender<Message>,
) -> Result<Option<Page>> {
    let transport = session.client().transport();
    let read_timeout = transport.read_timeout;
    let body_timeout = transport.body_timeout;
    let limit = transport.body_limit();
    let spec = RequestSpec::get(url.clone(), None);
    let content_length = response.content_length();
    if let Err(error) = check_content_length(&response, limit, &spec) {
        Counters::bump(&transport.counters.broken_bodies);
        return Err(error);
    }
    let options = transport.reader_options;
    let (chunks, chunk_receiver) = mpsc::channel::<io::Result<Bytes>>(CHUNK_BUFFER);
    let entries = sender.clone();
    let decoder = tokio::task::spawn_blocking(move || decode(chunk_receiver, options, &entries));
    // Time spent waiting for the server's bytes (not for the consumer to take the
    // entries), which `body_timeout` bounds.
    let mut waited = Duration::ZERO;
    let mut bytes: u64 = 0;
    let mut body_error: Option<Error> = None;
    let silent = |bytes: u64| Error::Timeout {
        method: "GET".to_owned(),
        url: url.to_string(),
        what: format!("the body sent nothing for {read_timeout:?} after {bytes} bytes"),
    };
    loop {
        // Wait for the read timeout, or for what is left of the body's time when that
        // is shorter.
        let left = body_timeout.map(|total| (total, total.saturating_sub(waited)));
        let (wait, deadline) = match left {
            Some((total, left)) if left < read_timeout => (left, Some(total)),
            _ => (read_timeout, None),
        };
        let started = Instant::now();
        let next = tokio::select! {
            biased;
            // The decoder stopped (an XML error, or the consumer went away): what
            // else the body holds does not matter.
            () = chunks.closed() => break,
            next = tokio::time::timeout(wait, response.chunk()) => next,
        };
        waited += started.elapsed();
        let failure = match next {
            Ok(Ok(Some(chunk))) => {
                let read = bytes + chunk.len() as u64;
                if read > limit.max {
                    limit.exceeded(&spec, read, content_length)
                } else {
                    bytes = read;
                    if chunks.send(Ok(chunk)).await.is_err() {
                        // The decoder stopped meanwhile.
                        break;
                    }
                    continue;
                }
            }
            Ok(Ok(None)) => break,
            Ok(Err(error)) if error.is_timeout() => silent(bytes),
            Ok(Err(error)) => Error::Truncated {
                url: url.to_string(),
                bytes,
                reason: crate::http::source_chain(&error),
            },
            Err(_) => match deadline {
                Some(total) => Error::Timeout {
                    method: "GET".to_owned(),
                    url: url.to_string(),
                    what: format!(
                        "the body did not end within {total:?} (body_timeout) after {bytes} bytes"
                    ),
                },
                None => silent(bytes),
            },
        };
        let _ = chunks
            .send(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                failure.to_string(),
            )))
            .await;
        body_error = Some(failure);
        break;
    }
    drop(chunks);
    drop(response);
    let decoded = decoder
        .await
        .map_err(|error| Error::Internal(format!("the decoder of {url} failed: {error}")))?;
    if let Some(error) = body_error {
        Counters::bump(&transport.counters.broken_bodies);
        return Err(error);
    }
    match decoded {
        Ok(mut page) => {
            page.bytes = bytes;
            Ok(Some(page))
        }
        Err(DecodeStop::Cancelled) => Ok(None),
        Err(DecodeStop::Xml(error)) => {
            if bytes == 0 {
                // A 200 without a body: the server had nothing to say.
                tracing::warn!(%url, "200 OK with an empty body, read as no content");
                return Ok(Some(Page {
                    entries: 0,
                    bytes: 0,
                    feed: Metadata::default(),
                    root: None,
                    diagnostics: Vec::new(),
                    diagnostic_count: 0,
                    first_id: None,
                }));
            }
            Counters::bump(&transport.counters.broken_bodies);
            Err(Error::Xml {
                url: url.to_string(),
                source: error,
            })
        }
    }
}

/// The decoder: `EntryReader` over the chunk channel, entries to the consumer.
fn decode(
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    options: ReaderOptions,
    entries: &mpsc::Sender<Message>,
) -> std::result::Result<Page, DecodeStop> {
    let source = ChannelReader {
        chunks,
        current: None,
        offset: 0,
    };
    let mut reader =
        EntryReader::with_options(BufReader::with_capacity(64 * 1024, source), options);
    let mut page = Page {
        entries: 0,
        bytes: 0,
        feed: Metadata::default(),
        root: None,
        diagnostics: Vec::new(),
        diagnostic_count: 0,
        first_id: None,
    };
    while let Some(entry) = reader.next() {
        let entry = entry.map_err(DecodeStop::Xml)?;
        page.entries += 1;
        if page.first_id.is_none() {
            page.first_id = entry
                .meta
                .id
                .clone()
                .or_else(|| entry.meta.self_href().map(str::to_owned));
        }
        keep(&mut page, reader.take_diagnostics());
        if entries
            .blocking_send(Message::Entry(Box::new(entry)))
            .is_err()
        {
            return Err(DecodeStop::Cancelled);
        }
    }
    keep(&mut page, reader.take_diagnostics());
    page.feed = reader.feed().clone();
    page.root = reader.root();
    Ok(page)
}

fn keep(page: &mut Page, new: Vec<Diagnostic>) {
    page.diagnostic_count += new.len() as u64;
    let room = MAX_KEPT_DIAGNOSTICS.saturating_sub(page.diagnostics.len());
    page.diagnostics.extend(new.into_iter().take(room));
}

/// A `Read` over the chunk channel, blocking while it waits.
struct ChannelReader {
    chunks: mpsc::Receiver<io::Result<Bytes>>,
    current: Option<Bytes>,
    offset: usize,
}

impl Read for ChannelReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(chunk) = &self.current {
                if self.offset < chunk.len() {
                    let count = (chunk.len() - self.offset).min(buffer.len());
                    buffer[..count].copy_from_slice(&chunk[self.offset..self.offset + count]);
                    self.offset += count;
                    return Ok(count);
                }
                self.current = None;
            }
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => {
                    self.current = Some(chunk);
                    self.offset = 0;
                }
                Some(Err(error)) => return Err(error),
                None => return Ok(0),
            }
        }
    }
}
