//! The streaming reader: an iterator of entries over any `BufRead`.
//!
//! Names are matched by namespace URI and local name, never by prefix. Memory does
//! not grow with the file: one entry is decoded at a time into reused buffers, and
//! the feed's own metadata is kept apart ([`EntryReader::feed`]).
//!
//! This module holds the public reader and the document level (prolog, root, feed);
//! `cursor` the state every level shares (events, the saved start tag, text,
//! diagnostics), `atom` entries and their metadata, `element` resources and their
//! children through each type's table, `raw` the XML kept untyped.

mod atom;
mod cursor;
mod element;
mod parallel;
mod raw;

use crate::error::{Diagnostic, Error};
use crate::limits::ReaderLimits;
use crate::namespace::Ns;
use crate::position::Position;
use crate::source::Source;
use cursor::{Inner, NameBuf, Step};
use espi_model::atom::{Entry, Metadata};
use parallel::{Parallel, Progress, Resumable};
use std::io::BufRead;

/// How strictly to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Accept the deviations real files have and report each as a [`Diagnostic`].
    #[default]
    Lenient,
    /// Reject what the schemas reject.
    Strict,
}

/// Reader settings: the mode, the [`ReaderLimits`] and the decoding threads. Build them
/// with the constructors and the `with_` setters (more settings may join).
///
/// ```
/// use espi_xml::{ReaderLimits, Mode, ReaderOptions};
/// assert_eq!(ReaderOptions::strict().mode, Mode::Strict);
/// assert_eq!(ReaderOptions::default().mode, Mode::Lenient);
/// assert_eq!(ReaderOptions::default().limits, ReaderLimits::default());
/// assert_eq!(ReaderOptions::default().threads, 1);
/// let options = ReaderOptions::lenient()
///     .with_limits(ReaderLimits::default().with_max_text_size(4096).with_max_depth(32))
///     .with_threads(4);
/// assert_eq!(options.limits.max_depth, 32);
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ReaderOptions {
    /// Lenient (default) or strict.
    pub mode: Mode,
    /// Bounds on depth and sizes ([`ReaderLimits::default`] unless set): exceeding one is an
    /// [`Error::Limit`], in both modes.
    pub limits: ReaderLimits,
    /// Threads that decode a feed's entries: 1 (the default; 0 is taken as 1) decodes on
    /// the caller's thread and starts none. With more, the reader starts that many
    /// worker threads when the first entry of a feed has been read, cuts the bytes that
    /// follow at entry boundaries on the caller's thread and decodes the entries on the
    /// workers, a bounded number of them ahead; entries, diagnostics and their positions,
    /// and errors come out exactly as with one thread, in document order. Worth it on
    /// large feeds; the threads end when the reader is dropped.
    ///
    /// The entries are allocated on the workers and dropped wherever the caller drops
    /// them. With glibc's allocator each such free takes the lock of the worker's arena,
    /// which on feeds of small entries costs what the second thread gains; an allocator
    /// that frees across threads without a lock, such as mimalloc (what the `espi`
    /// command uses), keeps the gain.
    pub threads: usize,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        Self::with_mode(Mode::default())
    }
}

impl ReaderOptions {
    /// Settings for `mode`, with the default limits, on one thread.
    pub fn with_mode(mode: Mode) -> Self {
        ReaderOptions {
            mode,
            limits: ReaderLimits::default(),
            threads: 1,
        }
    }

    /// These settings with `threads` decoding threads (see [`ReaderOptions::threads`]).
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Lenient reading (the default).
    pub fn lenient() -> Self {
        Self::with_mode(Mode::Lenient)
    }

    /// Strict reading: what the schemas reject is an error.
    pub fn strict() -> Self {
        Self::with_mode(Mode::Strict)
    }

    /// These settings with `limits` instead.
    pub fn with_limits(mut self, limits: ReaderLimits) -> Self {
        self.limits = limits;
        self
    }
}

/// What the document's root element was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// `atom:feed`.
    Feed,
    /// `atom:entry`.
    Entry,
    /// A bare resource such as `espi:ServiceStatus`; it is yielded as the content of
    /// one entry without metadata.
    Resource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Prolog,
    InFeed,
    AfterRoot,
    Done,
}

/// Reads a document entry by entry.
///
/// ```
/// use espi_xml::EntryReader;
/// let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id>
///   <entry><id>urn:uuid:2</id><content>
///     <IntervalBlock xmlns="http://naesb.org/espi"><IntervalReading><value>42</value></IntervalReading></IntervalBlock>
///   </content></entry></feed>"#;
/// let mut reader = EntryReader::new(&xml[..]);
/// let entry = reader.next().unwrap().unwrap();
/// assert_eq!(entry.meta.id.as_deref(), Some("urn:uuid:2"));
/// assert!(reader.next().is_none());
/// assert_eq!(reader.feed().id.as_deref(), Some("urn:uuid:1"));
/// ```
pub struct EntryReader<R: BufRead> {
    inner: Inner<Resumable<R>>,
    /// The worker threads, when more than one thread decodes.
    parallel: Option<Parallel>,
    state: State,
    root: Option<RootKind>,
    feed: Metadata,
    root_start: Option<Position>,
    last_span: Option<Span>,
}

/// Where an element is in the input: the `<` of its start tag and the byte just after
/// its end tag (or after `/>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Where the start tag begins (where it ends, for a start tag written over several
    /// lines: the line its `<` is on is not kept).
    pub start: Position,
    /// Where the element ends (the position after its last byte).
    pub end: Position,
}

impl Span {
    /// Whether `position` lies within the element, both ends included: what the reader
    /// reports about a whole element once it has read it is placed just after its end.
    pub fn contains(&self, position: Position) -> bool {
        (self.start.offset..=self.end.offset).contains(&position.offset)
    }
}

impl<R: BufRead> EntryReader<R> {
    /// A lenient reader.
    pub fn new(reader: R) -> Self {
        Self::with_options(reader, ReaderOptions::default())
    }

    /// A reader with the given options.
    pub fn with_options(reader: R, options: ReaderOptions) -> Self {
        let xml = Source::new(Resumable::new(reader), options.limits);
        EntryReader {
            inner: Inner::new(xml, options.mode),
            parallel: (options.threads > 1).then(|| Parallel::new(options)),
            state: State::Prolog,
            root: None,
            feed: Metadata::default(),
            root_start: None,
            last_span: None,
        }
    }

    /// Where the root element's start tag begins, once it has been read.
    pub fn root_position(&self) -> Option<Position> {
        self.root_start
    }

    /// Where the entry last returned is in the input: the `atom:entry` element of a
    /// feed or an entry root, or the root element of a bare resource. Validation uses
    /// it to give each entry's findings a line and column.
    ///
    /// ```
    /// use espi_xml::EntryReader;
    /// let xml = b"<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <entry><id>urn:uuid:2</id></entry>\n</feed>";
    /// let mut reader = EntryReader::new(&xml[..]);
    /// reader.next().unwrap().unwrap();
    /// let span = reader.entry_span().unwrap();
    /// assert_eq!((span.start.line, span.start.column), (2, 3));
    /// assert_eq!((span.end.line, span.end.column), (2, 37));
    /// ```
    pub fn entry_span(&self) -> Option<Span> {
        self.last_span
    }

    /// The root element's kind, once it has been read.
    pub fn root(&self) -> Option<RootKind> {
        self.root
    }

    /// The feed's own metadata (id, title, updated, links…) read so far. Complete
    /// once the iterator has returned `None`.
    pub fn feed(&self) -> &Metadata {
        &self.feed
    }

    /// Takes the diagnostics reported so far (lenient mode). Diagnostics are kept
    /// until taken, so a stream over a large file that deviates on every entry should
    /// take them as it goes (as the `inspect` example does) to keep memory flat.
    pub fn take_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.inner.diagnostics)
    }

    /// The diagnostics reported so far and not yet taken.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.inner.diagnostics
    }

    fn advance(&mut self) -> Result<Option<Entry>, Error> {
        loop {
            match self.state {
                State::Prolog => {
                    if let Some(entry) = self.read_root()? {
                        return Ok(Some(entry));
                    }
                }
                State::InFeed => {
                    if let Some(entry) = self.next_in_feed()? {
                        return Ok(Some(entry));
                    }
                }
                State::AfterRoot => {
                    self.inner.read_trailing()?;
                    self.state = State::Done;
                }
                State::Done => return Ok(None),
            }
        }
    }

    /// Reads up to the root element and, for an entry or bare resource root, the whole of it.
    fn read_root(&mut self) -> Result<Option<Entry>, Error> {
        let inner = &mut self.inner;
        inner.xml.check_encoding()?;
        let mut name = NameBuf::default();
        let mut first = true;
        let ns = loop {
            match inner.next_step(&mut name)? {
                Step::Child(ns, _) => break ns,
                Step::Declaration if !first => {
                    return Err(
                        inner.xml_error("the XML declaration must come first in the document")
                    );
                }
                Step::Ignorable | Step::Declaration => first = false,
                Step::Eof => return Err(inner.xml_error("the document has no root element")),
                Step::Fatal(message) => return Err(inner.xml_error(message)),
                Step::StrayText | Step::End => {
                    return Err(inner.xml_error("content before the root element"));
                }
            }
        };
        let empty = inner.saved.empty;
        let start = inner.tag_start();
        self.root_start = Some(start);
        self.state = State::AfterRoot;
        match (ns, name.as_str()) {
            (Ns::Atom, "feed") => {
                self.root = Some(RootKind::Feed);
                self.feed.attributes = inner.kept_attributes()?;
                if empty {
                    inner.check_metadata(&self.feed, "feed")?;
                } else {
                    self.state = State::InFeed;
                }
                Ok(None)
            }
            (Ns::Atom, "entry") => {
                self.root = Some(RootKind::Entry);
                let entry = inner.read_entry(empty)?;
                self.last_span = Some(Span {
                    start,
                    end: inner.position(),
                });
                Ok(Some(entry))
            }
            (ns, local) => {
                self.root = Some(RootKind::Resource);
                inner.xml.begin_entry();
                let resource = inner.read_resource(ns, local, empty, true)?;
                inner.xml.end_entry();
                self.last_span = Some(Span {
                    start,
                    end: inner.position(),
                });
                Ok(Some(Entry {
                    content: vec![resource],
                    ..Entry::default()
                }))
            }
        }
    }

    /// The next entry of the feed, decoded by the workers when they can, else by
    /// [`EntryReader::next_feed_entry`]; `None` at the feed's end.
    fn next_in_feed(&mut self) -> Result<Option<Entry>, Error> {
        if let Some(parallel) = &mut self.parallel {
            loop {
                if let Some(decoded) = parallel.ready.pop_front() {
                    self.inner.diagnostics.extend(decoded.diagnostics);
                    self.last_span = Some(decoded.span);
                    return Ok(Some(decoded.entry));
                }
                match parallel.advance(self.inner.xml.input_mut())? {
                    Progress::Ready => {}
                    // The entries decoded before `at` are yielded first.
                    Progress::ResumeAt(at) => self.inner.xml.jump(at),
                    Progress::Idle => break,
                }
            }
        }
        let entry = self.next_feed_entry()?;
        if entry.is_some()
            && let Some(parallel) = &mut self.parallel
        {
            parallel.arm(self.inner.position(), self.inner.xml.scope());
        }
        Ok(entry)
    }

    /// Reads feed metadata up to the next entry and returns it; `None` at the feed's end.
    fn next_feed_entry(&mut self) -> Result<Option<Entry>, Error> {
        let inner = &mut self.inner;
        let mut name = NameBuf::default();
        loop {
            match inner.next_step(&mut name)? {
                Step::End => {
                    self.state = State::AfterRoot;
                    inner.check_metadata(&self.feed, "feed")?;
                    return Ok(None);
                }
                Step::Child(Ns::Atom, _) if name.as_str() == "entry" => {
                    let empty = inner.saved.empty;
                    let start = inner.tag_start();
                    let entry = inner.read_entry(empty)?;
                    self.last_span = Some(Span {
                        start,
                        end: inner.position(),
                    });
                    return Ok(Some(entry));
                }
                Step::Child(ns, _) => {
                    inner.read_metadata_child(ns, name.as_str(), &mut self.feed, "feed")?
                }
                other => inner.common_step(&other, "atom:feed")?,
            }
        }
    }
}

impl<R: BufRead> Iterator for EntryReader<R> {
    type Item = Result<Entry, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.advance() {
            Ok(entry) => entry.map(Ok),
            Err(error) => {
                // After an error the position in the document is unknown: stop.
                self.state = State::Done;
                Some(Err(error))
            }
        }
    }
}
