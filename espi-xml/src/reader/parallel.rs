//! Decoding a feed's entries on several threads ([`ReaderOptions::threads`]).
//!
//! Once the reader has read an entry of a feed on the caller's thread, a splitter cuts
//! the bytes that follow into pieces of whitespace and one `<entry …>…</entry>` each (a
//! `memmem` search for the end tag) and hands batches of them, with the position each
//! starts at and the feed's namespaces, to worker threads through a bounded channel.
//! Each worker decodes a piece with the very code the sequential reader runs, from the
//! same state, and its result is used only when that decoding succeeded and ended
//! exactly where the piece does: the decoder then read the same bytes the sequential
//! reader would have, so the entry, its diagnostics and their positions are the same.
//! Anything else (feed metadata or a comment between entries, the end of the feed, an
//! entry the search cut wrongly because `</entry>` sat in a comment, any error) hands the
//! bytes back to the sequential reader at the start of that piece, which reads on as if
//! nothing had been split, and splitting resumes after the next entry it reads.
//!
//! Results are yielded in document order. Memory is bounded: at most
//! [`BATCHES_PER_THREAD`] batches of about [`BATCH_BYTES`] per thread are in flight.

use super::ReaderOptions;
use super::cursor::{Inner, NameBuf, Step};
use crate::error::Diagnostic;
use crate::namespace::{Namespaces, Ns};
use crate::position::{Position, read_buffered};
use crate::reader::Span;
use crate::source::Source;
use espi_model::atom::Entry;
use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead, Read};
use std::ops::Range;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Bytes of entries a batch holds (at least one entry).
const BATCH_BYTES: usize = 128 * 1024;
/// Batches in flight per thread.
const BATCHES_PER_THREAD: usize = 3;
/// Bytes read from the input at a time by the splitter.
const READ_BYTES: usize = 256 * 1024;

/// An input that bytes can be put back into, ahead of what is still unread.
pub(crate) struct Resumable<R> {
    front: Vec<u8>,
    at: usize,
    inner: R,
}

impl<R> Resumable<R> {
    pub(crate) fn new(inner: R) -> Self {
        Resumable {
            front: Vec::new(),
            at: 0,
            inner,
        }
    }

    /// Puts `bytes` back: they are read next, then what was unread before.
    fn unread(&mut self, mut bytes: Vec<u8>) {
        bytes.extend_from_slice(&self.front[self.at..]);
        self.front = bytes;
        self.at = 0;
    }
}

impl<R: BufRead> BufRead for Resumable<R> {
    #[inline]
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at < self.front.len() {
            return Ok(&self.front[self.at..]);
        }
        self.inner.fill_buf()
    }

    #[inline]
    fn consume(&mut self, amount: usize) {
        if self.at < self.front.len() {
            self.at += amount;
            if self.at >= self.front.len() {
                self.front.clear();
                self.at = 0;
            }
        } else {
            self.inner.consume(amount);
        }
    }
}

impl<R: BufRead> Read for Resumable<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, out)
    }
}

/// An entry decoded by a worker.
pub(super) struct Decoded {
    pub(super) entry: Entry,
    pub(super) span: Span,
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// Pieces of the document, back to back, each whitespace then one entry.
struct Batch {
    seq: u64,
    bytes: Arc<Vec<u8>>,
    /// Each piece's range in `bytes` and the position of its first byte.
    pieces: Vec<(Range<usize>, Position)>,
}

struct Job {
    seq: u64,
    bytes: Arc<Vec<u8>>,
    pieces: Vec<(Range<usize>, Position)>,
    namespaces: Namespaces,
}

/// A batch decoded: one result per piece up to the first that could not be decoded apart.
struct Done {
    seq: u64,
    decoded: Vec<Decoded>,
}

/// What [`Parallel::advance`] did.
pub(super) enum Progress {
    /// Entries are ready.
    Ready,
    /// The sequential reader goes on from here; the bytes from here on are back in the input.
    ResumeAt(Position),
    /// Not splitting and nothing in flight: the sequential reader goes on where it is.
    Idle,
}

/// The worker threads and the batches in flight.
pub(super) struct Parallel {
    options: ReaderOptions,
    threads: usize,
    jobs: Option<SyncSender<Job>>,
    results: Option<Receiver<Done>>,
    workers: Vec<JoinHandle<()>>,
    in_flight: VecDeque<Batch>,
    /// Batches sent whose result has not been received.
    unanswered: usize,
    arrived: BTreeMap<u64, Vec<Decoded>>,
    pub(super) ready: VecDeque<Decoded>,
    next_seq: u64,
    splitter: Splitter,
    /// The feed's namespaces, while splitting.
    namespaces: Option<Namespaces>,
    /// The splitter stopped: once the batches in flight are yielded, the bytes it holds
    /// go back to the sequential reader.
    stopped: bool,
}

impl Parallel {
    pub(super) fn new(options: ReaderOptions) -> Self {
        Parallel {
            options,
            threads: options.threads.max(1),
            jobs: None,
            results: None,
            workers: Vec::new(),
            in_flight: VecDeque::new(),
            unanswered: 0,
            arrived: BTreeMap::new(),
            ready: VecDeque::new(),
            next_seq: 0,
            splitter: Splitter::default(),
            namespaces: None,
            stopped: false,
        }
    }

    /// Starts splitting at `at`, where the sequential reader stands between two entries
    /// of the feed, with the feed's `namespaces` in scope.
    pub(super) fn arm(&mut self, at: Position, namespaces: Namespaces) {
        self.splitter.reset(at);
        self.namespaces = Some(namespaces);
        self.stopped = false;
    }

    fn start_workers(&mut self) {
        if self.jobs.is_some() {
            return;
        }
        let (jobs, job_queue) = sync_channel::<Job>(self.threads * BATCHES_PER_THREAD);
        let (done, results) = channel::<Done>();
        let job_queue = Arc::new(Mutex::new(job_queue));
        for _ in 0..self.threads {
            let job_queue = Arc::clone(&job_queue);
            let done: Sender<Done> = done.clone();
            let options = self.options;
            let spawned = std::thread::Builder::new()
                .name("espi-xml-decode".to_owned())
                .spawn(move || work(&job_queue, &done, options));
            // Without threads the reader stays sequential.
            if let Ok(handle) = spawned {
                self.workers.push(handle);
            }
        }
        if !self.workers.is_empty() {
            self.jobs = Some(jobs);
            self.results = Some(results);
        }
    }

    /// Fills the pipeline with batches, then waits for the oldest one's entries.
    pub(super) fn advance<R: BufRead>(&mut self, input: &mut Resumable<R>) -> io::Result<Progress> {
        if self.namespaces.is_some() {
            self.start_workers();
            if self.jobs.is_none() {
                self.namespaces = None;
            }
        }
        if self.namespaces.is_none() && self.in_flight.is_empty() && !self.stopped {
            return Ok(Progress::Idle);
        }
        while let Some(namespaces) = &self.namespaces
            && self.in_flight.len() < self.threads * BATCHES_PER_THREAD
        {
            let Some(batch) = self.splitter.batch(input, &self.options, self.next_seq)? else {
                self.namespaces = None;
                self.stopped = true;
                break;
            };
            self.next_seq += 1;
            let job = Job {
                seq: batch.seq,
                bytes: Arc::clone(&batch.bytes),
                pieces: batch.pieces.clone(),
                namespaces: namespaces.clone(),
            };
            let sent = self.jobs.as_ref().map(|jobs| jobs.send(job));
            self.in_flight.push_back(batch);
            if matches!(sent, Some(Ok(()))) {
                self.unanswered += 1;
            } else {
                // The workers are gone: the sequential reader takes over.
                return Ok(self.resume_at_oldest(input));
            }
        }
        let Some(oldest) = self.in_flight.front().map(|batch| batch.seq) else {
            let at = self.splitter.at;
            return Ok(Progress::ResumeAt(self.put_back(input, Vec::new(), at)));
        };
        let decoded = loop {
            if let Some(decoded) = self.arrived.remove(&oldest) {
                break decoded;
            }
            match self.results.as_ref().map(Receiver::recv) {
                Some(Ok(done)) => {
                    self.unanswered -= 1;
                    self.arrived.insert(done.seq, done.decoded);
                }
                _ => return Ok(self.resume_at_oldest(input)),
            }
        };
        let Some(batch) = self.in_flight.pop_front() else {
            return Ok(Progress::Ready);
        };
        let failed = batch.pieces.get(decoded.len()).cloned();
        self.ready.extend(decoded);
        match failed {
            None => Ok(Progress::Ready),
            Some((range, at)) => {
                // A piece the workers could not decode apart: the sequential reader
                // reads it, and everything after it, again from its start.
                let rest = batch.bytes[range.start..].to_vec();
                Ok(Progress::ResumeAt(self.put_back(input, rest, at)))
            }
        }
    }

    /// Hands everything in flight back to the sequential reader.
    fn resume_at_oldest<R: BufRead>(&mut self, input: &mut Resumable<R>) -> Progress {
        let at = self
            .in_flight
            .front()
            .and_then(|batch| batch.pieces.first())
            .map_or(self.splitter.at, |(_, at)| *at);
        Progress::ResumeAt(self.put_back(input, Vec::new(), at))
    }

    /// Stops splitting and puts `bytes` (which start at `at`), the batches in flight
    /// and the bytes the splitter holds back into `input`, in that order; returns `at`.
    fn put_back<R: BufRead>(
        &mut self,
        input: &mut Resumable<R>,
        mut bytes: Vec<u8>,
        at: Position,
    ) -> Position {
        self.namespaces = None;
        self.stopped = false;
        for batch in self.in_flight.drain(..) {
            bytes.extend_from_slice(&batch.bytes);
        }
        // Results no longer wanted: wait for them, so that none is taken for a later batch.
        while self.unanswered > 0 {
            match self.results.as_ref().map(Receiver::recv) {
                Some(Ok(_)) => self.unanswered -= 1,
                _ => break,
            }
        }
        self.unanswered = 0;
        self.arrived.clear();
        bytes.extend_from_slice(self.splitter.unread_bytes());
        self.splitter.clear();
        input.unread(bytes);
        at
    }
}

impl Drop for Parallel {
    fn drop(&mut self) {
        // Closing the queue ends the workers once they finish the batch at hand.
        self.jobs = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

fn work(queue: &Mutex<Receiver<Job>>, done: &Sender<Done>, options: ReaderOptions) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let mut decoded = Vec::with_capacity(job.pieces.len());
        for (range, at) in &job.pieces {
            // A panic would be a bug; caught, it leaves the piece to the sequential reader
            // instead of leaving the caller waiting for a result that never comes.
            let piece = &job.bytes[range.clone()];
            let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                decode_piece(piece, *at, &job.namespaces, options)
            }));
            match result {
                Ok(Some(entry)) => decoded.push(entry),
                _ => break,
            }
        }
        if done
            .send(Done {
                seq: job.seq,
                decoded,
            })
            .is_err()
        {
            return;
        }
    }
}

/// Decodes a piece (whitespace, then one entry) as the sequential reader would at the
/// feed level: `None` unless that succeeds and ends exactly at the piece's end.
fn decode_piece(
    bytes: &[u8],
    at: Position,
    namespaces: &Namespaces,
    options: ReaderOptions,
) -> Option<Decoded> {
    let source = Source::resume(bytes, options.limits, at, namespaces.clone());
    let mut inner = Inner::new(source, options.mode);
    let mut name = NameBuf::default();
    loop {
        match inner.next_step(&mut name).ok()? {
            Step::Ignorable => {}
            Step::Child(Ns::Atom, _) if name.as_str() == "entry" => break,
            _ => return None,
        }
    }
    let empty = inner.saved.empty;
    let start = inner.tag_start();
    let entry = inner.read_entry(empty).ok()?;
    let end = inner.position();
    (end.offset == at.offset + bytes.len() as u64).then(|| Decoded {
        entry,
        span: Span { start, end },
        diagnostics: std::mem::take(&mut inner.diagnostics),
    })
}

/// Cuts the bytes after an entry into pieces of whitespace and one entry each.
#[derive(Default)]
struct Splitter {
    buf: Vec<u8>,
    /// Where the next piece starts in `buf`.
    cursor: usize,
    /// The position of `buf[cursor]` in the document.
    at: Position,
    eof: bool,
    /// `</` and the name of the entry element last seen.
    end_tag: Vec<u8>,
}

/// The longest run of whitespace between entries the splitter passes over (longer runs
/// are left to the sequential reader, which bounds text).
const MAX_GAP: usize = 4096;
/// The longest element name the splitter looks at.
const MAX_NAME: usize = 256;

impl Splitter {
    fn reset(&mut self, at: Position) {
        self.clear();
        self.at = at;
        self.eof = false;
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.cursor = 0;
    }

    fn unread_bytes(&self) -> &[u8] {
        &self.buf[self.cursor..]
    }

    /// Reads until `buf[index]` exists; false at the end of the input.
    fn fill_to<R: BufRead>(&mut self, input: &mut Resumable<R>, index: usize) -> io::Result<bool> {
        while self.buf.len() <= index && !self.eof {
            let available = input.fill_buf()?;
            if available.is_empty() {
                self.eof = true;
                break;
            }
            let take = available.len().min(READ_BYTES);
            self.buf.extend_from_slice(&available[..take]);
            input.consume(take);
        }
        Ok(self.buf.len() > index)
    }

    /// The next batch of pieces from the cursor on, or `None` when the next piece is
    /// not whitespace and one entry (or could not be cut).
    fn batch<R: BufRead>(
        &mut self,
        input: &mut Resumable<R>,
        options: &ReaderOptions,
        seq: u64,
    ) -> io::Result<Option<Batch>> {
        if self.cursor > 0 {
            self.buf.drain(..self.cursor);
            self.cursor = 0;
        }
        let mut pieces = Vec::new();
        let mut end = 0;
        let mut at = self.at;
        while end < BATCH_BYTES {
            let Some(piece_end) = self.piece_end(input, end, options)? else {
                break;
            };
            pieces.push((end..piece_end, at));
            at = advance(at, &self.buf[end..piece_end]);
            end = piece_end;
        }
        if pieces.is_empty() {
            return Ok(None);
        }
        let bytes = Arc::new(self.buf[..end].to_vec());
        self.cursor = end;
        self.at = at;
        Ok(Some(Batch { seq, bytes, pieces }))
    }

    /// Where the piece starting at `from` ends: past whitespace, an entry start tag
    /// (any prefix) and the first end tag of the same name after it.
    fn piece_end<R: BufRead>(
        &mut self,
        input: &mut Resumable<R>,
        from: usize,
        options: &ReaderOptions,
    ) -> io::Result<Option<usize>> {
        let mut i = from;
        loop {
            if !self.fill_to(input, i)? || i - from > MAX_GAP {
                return Ok(None);
            }
            match self.buf[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'<' => break,
                _ => return Ok(None),
            }
        }
        let tag = i;
        let mut j = tag + 1;
        loop {
            if !self.fill_to(input, j)? || j - tag > MAX_NAME {
                return Ok(None);
            }
            match self.buf[j] {
                b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>' => break,
                _ => j += 1,
            }
        }
        let qname = &self.buf[tag + 1..j];
        let local = qname.rsplit(|&byte| byte == b':').next().unwrap_or(qname);
        if local != b"entry" {
            return Ok(None);
        }
        if self.end_tag.len() != qname.len() + 2 || self.end_tag[2..] != *qname {
            self.end_tag.clear();
            self.end_tag.extend_from_slice(b"</");
            self.end_tag.extend_from_slice(qname);
        }
        let limit = tag as u64
            + options.limits.max_entry_size
            + options.limits.max_attribute_size as u64
            + MAX_GAP as u64;
        // The start tag ends at the first `>` outside quotes.
        let mut quote = None;
        let mut k = j;
        loop {
            if !self.fill_to(input, k)? || k as u64 > limit {
                return Ok(None);
            }
            let byte = self.buf[k];
            match quote {
                Some(open) if byte == open => quote = None,
                Some(_) => {}
                None if byte == b'"' || byte == b'\'' => quote = Some(byte),
                None if byte == b'>' => break,
                None => {}
            }
            k += 1;
        }
        if self.buf[k - 1] == b'/' {
            return Ok(Some(k + 1));
        }
        let mut search = k + 1;
        loop {
            match memchr::memmem::find(&self.buf[search..], &self.end_tag) {
                Some(found) => {
                    let mut e = search + found + self.end_tag.len();
                    loop {
                        if !self.fill_to(input, e)? {
                            return Ok(None);
                        }
                        match self.buf[e] {
                            b' ' | b'\t' | b'\r' | b'\n' => e += 1,
                            b'>' => return Ok(Some(e + 1)),
                            _ => break,
                        }
                    }
                    search += found + 1;
                }
                None => {
                    search = search.max(self.buf.len().saturating_sub(self.end_tag.len()));
                    if self.buf.len() as u64 > limit || !self.fill_to(input, self.buf.len())? {
                        return Ok(None);
                    }
                }
            }
        }
    }
}

/// The position after `bytes`, which start at `at`.
fn advance(at: Position, bytes: &[u8]) -> Position {
    let offset = at.offset + bytes.len() as u64;
    match memchr::memrchr(b'\n', bytes) {
        None => Position {
            column: at.column + bytes.len() as u64,
            offset,
            ..at
        },
        Some(last) => Position {
            line: at.line + memchr::memchr_iter(b'\n', bytes).count() as u64,
            column: (bytes.len() - last) as u64,
            offset,
        },
    }
}
