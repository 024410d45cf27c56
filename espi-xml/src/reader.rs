//! The streaming reader: an iterator of entries over any `BufRead`.
//!
//! Names are matched by namespace URI and local name, never by prefix. Memory does
//! not grow with the file: one entry is decoded at a time into reused buffers, and
//! the feed's own metadata is kept apart ([`EntryReader::feed`]).

use crate::error::{Diagnostic, DiagnosticKind, Error};
use crate::limits::ReaderLimits;
use crate::namespace::{Ns, XSI_NS};
use crate::position::Position;
use crate::source::Source;
use crate::start_tag::{attribute_value, attributes, classify, qualified, raw_element};
use crate::text::{Absorbed, absorb_text, is_xml_whitespace, resolve_reference};
use crate::well_formed;
use espi_model::atom::{Entry, Link, Metadata, is_xsd_date_time};
use espi_model::raw::{RawAttribute, RawElement, RawNode};
use espi_model::resource::{ATOM_NS, Namespace, Resource, ResourceBuilder, ResourceKind};
use espi_model::schema::{Element, ElementReader, Field, Scalar};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
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

/// Reader settings: the mode and the [`ReaderLimits`]. Build them with the constructors and
/// the `with_` setters (more settings may join).
///
/// ```
/// use espi_xml::{ReaderLimits, Mode, ReaderOptions};
/// assert_eq!(ReaderOptions::strict().mode, Mode::Strict);
/// assert_eq!(ReaderOptions::default().mode, Mode::Lenient);
/// assert_eq!(ReaderOptions::default().limits, ReaderLimits::default());
/// let options = ReaderOptions::lenient()
///     .with_limits(ReaderLimits::default().with_max_text_size(4096).with_max_depth(32));
/// assert_eq!(options.limits.max_depth, 32);
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ReaderOptions {
    /// Lenient (default) or strict.
    pub mode: Mode,
    /// Bounds on depth and sizes ([`ReaderLimits::default`] unless set): exceeding one is an
    /// [`Error::Limit`], in both modes.
    pub limits: ReaderLimits,
}

impl ReaderOptions {
    /// Settings for `mode`, with the default limits.
    pub fn with_mode(mode: Mode) -> Self {
        ReaderOptions {
            mode,
            limits: ReaderLimits::default(),
        }
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
    inner: Inner<R>,
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
        let xml = Source::new(reader, options.limits);
        EntryReader {
            inner: Inner {
                xml,
                buf: Vec::with_capacity(8 * 1024),
                text: String::new(),
                saved: SavedStart::default(),
                pending_raw: None,
                mode: options.mode,
                diagnostics: Vec::new(),
                content_ns: Ns::Espi,
            },
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
                    if let Some(entry) = self.next_feed_entry()? {
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

/// Reader state shared by every level of the document.
///
/// Events borrow `buf`, so code that still holds an event reaches the namespace
/// resolver and positions through the free functions below, which borrow only `xml`.
struct Inner<R> {
    xml: Source<R>,
    buf: Vec<u8>,
    /// Text of the simple-typed element being read.
    text: String,
    /// The start tag of the element being dispatched.
    saved: SavedStart,
    /// A child that failed to parse leniently, to be kept by its parent as raw XML.
    pending_raw: Option<RawElement>,
    mode: Mode,
    diagnostics: Vec<Diagnostic>,
    /// The namespace of the resource being read, which its children share.
    content_ns: Ns,
}

/// Where the start tag being dispatched is. quick-xml appends each event to the
/// buffer, so the tag stays in `buf` while the element's text is read after it,
/// without being copied.
#[derive(Default)]
struct SavedStart {
    /// Byte range of the tag's content in `buf`.
    offset: usize,
    len: usize,
    name_len: usize,
    empty: bool,
    /// Whether the tag has anything besides its name (attributes or declarations).
    attributes: bool,
}

impl SavedStart {
    /// Records a start tag whose content is at address `address` (taken while the
    /// event was alive). quick-xml's buffered reading returns events that borrow the
    /// buffer; anything else is reported rather than guessed.
    fn set(
        &mut self,
        buf: &[u8],
        address: usize,
        len: usize,
        name_len: usize,
        empty: bool,
        attributes: bool,
    ) -> Result<(), &'static str> {
        let offset = address.wrapping_sub(buf.as_ptr() as usize);
        if offset > buf.len() || len > buf.len() - offset {
            return Err("internal: a start tag outside the event buffer");
        }
        self.offset = offset;
        self.len = len;
        self.name_len = name_len;
        self.empty = empty;
        self.attributes = attributes;
        Ok(())
    }

    /// The end of the tag in `buf`: reads that must keep the tag truncate to here.
    fn end(&self) -> usize {
        self.offset + self.len
    }

    fn content<'b>(&'b self, buf: &'b [u8]) -> &'b str {
        // quick-xml validated these bytes as UTF-8 when it produced the event.
        buf.get(self.offset..self.end())
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    fn start<'b>(&'b self, buf: &'b [u8]) -> BytesStart<'b> {
        BytesStart::from_content(self.content(buf), self.name_len)
    }

    fn name<'b>(&'b self, buf: &'b [u8]) -> &'b str {
        self.content(buf).get(..self.name_len).unwrap_or_default()
    }
}

/// One step of a loop over element content, computed while the event is alive.
enum Step {
    /// A child element in namespace class `Ns`; its name is in the loop's `NameBuf`.
    Child(Ns, bool),
    /// The end tag of the element.
    End,
    /// End of input inside the element.
    Eof,
    /// Whitespace, a comment or a processing instruction.
    Ignorable,
    /// Character data where only elements belong.
    StrayText,
    /// An XML declaration (fine only before the root element).
    Declaration,
    /// A DTD or something else that is never accepted.
    Fatal(&'static str),
}

/// What to do with an event that is neither a start nor an end tag in element content.
fn other_step(event: &Event<'_>) -> Step {
    match event {
        Event::Text(text) if is_xml_whitespace(text) => Step::Ignorable,
        Event::Text(text) if well_formed::check_text(text, false).is_err() => {
            Step::Fatal("character data with a character or sequence XML 1.0 does not allow")
        }
        Event::GeneralRef(reference) if resolve_reference(reference).is_none() => Step::Fatal(
            "an undeclared entity, or a reference to a character XML 1.0 does not allow",
        ),
        Event::Comment(_) | Event::PI(_) => Step::Ignorable,
        Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => Step::StrayText,
        Event::Decl(_) => Step::Declaration,
        Event::DocType(_) => Step::Fatal("a DTD inside the document (DTDs are not accepted)"),
        Event::Eof => Step::Eof,
        Event::End(_) => Step::End,
        Event::Start(_) | Event::Empty(_) => Step::Ignorable,
    }
}

impl<R: BufRead> Inner<R> {
    fn position(&self) -> Position {
        self.xml.position()
    }

    /// Where the saved start tag begins: its `<`, when the tag is on one line (almost
    /// always; the exceptions are roots with many namespace declarations); otherwise
    /// where it ends, since the line its start is on is not kept.
    fn tag_start(&self) -> Position {
        let end = self.position();
        let tag = &self.buf[self.saved.offset..self.saved.end()];
        // `<` and `>`, and the `/` of an empty element.
        let length = tag.len() as u64 + 2 + u64::from(self.saved.empty);
        if tag.contains(&b'\n') || length >= end.column {
            return end;
        }
        Position {
            line: end.line,
            column: end.column - length,
            offset: end.offset - length,
        }
    }

    fn xml_error(&self, message: &str) -> Error {
        self.xml.error(message)
    }

    fn invalid(&self, message: String) -> Error {
        Error::Invalid {
            position: self.position(),
            message,
        }
    }

    /// Strict: an error. Lenient: a diagnostic at the current position.
    fn invalid_or_diagnose(&mut self, kind: DiagnosticKind, message: &str) -> Result<(), Error> {
        match self.mode {
            Mode::Strict => Err(self.invalid(message.to_owned())),
            Mode::Lenient => {
                let position = self.position();
                self.diagnostics.push(Diagnostic {
                    position,
                    kind,
                    message: message.to_owned(),
                });
                Ok(())
            }
        }
    }

    /// Reads the next event of element content: a child start tag (saved, its name
    /// copied into `name`), the end tag, or something to skip or report.
    #[inline(always)]
    fn next_step(&mut self, name: &mut NameBuf) -> Result<Step, Error> {
        self.buf.clear();
        // Matched in place: moving the returned event costs a store-forwarding stall.
        let result = self.xml.read_event_into(&mut self.buf);
        let event = self.xml.track(&result)?;
        let (start, empty) = match &event {
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            other => return Ok(other_step(other)),
        };
        let qname = start.name();
        let (ns, local) = classify(&self.xml, qname)?;
        let fits = name.set(local);
        let content: &str = start;
        let (address, len, name_len) = (content.as_ptr() as usize, content.len(), qname.0.len());
        // Anything after the name (even a space) sends the tag to the slow path that
        // parses attributes; almost all ESPI tags are bare names.
        let attributes = len > name_len;
        self.saved
            .set(&self.buf, address, len, name_len, empty, attributes)
            .map_err(|message| self.xml.error(message))?;
        Ok(Step::Child(ns, fits))
    }

    /// Handles the steps every content loop treats alike; returns true for a child.
    fn common_step(&mut self, step: &Step, parent: &str) -> Result<(), Error> {
        match step {
            Step::Eof => {
                Err(self.xml_error(&format!("unexpected end of document inside {parent}")))
            }
            Step::StrayText => self.invalid_or_diagnose(
                DiagnosticKind::UnexpectedText,
                &format!("text inside {parent}, which has element content, is ignored"),
            ),
            Step::Fatal(message) => Err(self.xml_error(message)),
            Step::Declaration => Err(self.xml_error("an XML declaration inside the document")),
            Step::Ignorable | Step::End | Step::Child(..) => Ok(()),
        }
    }

    /// After the root element only whitespace, comments and processing instructions may follow.
    fn read_trailing(&mut self) -> Result<(), Error> {
        let mut name = NameBuf::default();
        loop {
            match self.next_step(&mut name)? {
                Step::Eof => return Ok(()),
                Step::Ignorable => {}
                Step::Child(..) => {
                    return Err(self.xml_error("a second root element: a document has exactly one"));
                }
                _ => return Err(self.xml_error("content after the root element")),
            }
        }
    }

    /// Reads an `atom:entry` whose start tag has just been read.
    fn read_entry(&mut self, empty: bool) -> Result<Entry, Error> {
        self.xml.begin_entry();
        let mut entry = Entry::default();
        entry.meta.attributes = self.kept_attributes()?;
        if !empty {
            let mut name = NameBuf::default();
            loop {
                let step = self.next_step(&mut name)?;
                match step {
                    Step::End => break,
                    Step::Child(Ns::Atom, _) if name.as_str() == "content" => {
                        let empty = self.saved.empty;
                        entry.content_attributes = self.kept_attributes()?;
                        self.read_content(empty, &mut entry.content)?;
                    }
                    Step::Child(ns, _) => {
                        self.read_metadata_child(ns, name.as_str(), &mut entry.meta, "entry")?
                    }
                    other => self.common_step(&other, "atom:entry")?,
                }
            }
        }
        self.check_metadata(&entry.meta, "entry")?;
        self.xml.end_entry();
        Ok(entry)
    }

    /// Atom `id`, `title`, `published`, `updated` and `link`. Anything else, and any of
    /// these with attributes or markup the model does not hold (`xml:lang`, an XHTML
    /// title, a second `id`…), is kept whole as raw XML, which the writer writes back.
    fn read_metadata_child(
        &mut self,
        ns: Ns,
        local: &str,
        meta: &mut Metadata,
        parent: &str,
    ) -> Result<(), Error> {
        if ns == Ns::Atom && local == "link" {
            let link = self.read_link()?;
            meta.links.push(link);
            return Ok(());
        }
        let slot = match (ns, local) {
            (Ns::Atom, "id") => Some(&mut meta.id),
            (Ns::Atom, "title") => Some(&mut meta.title),
            (Ns::Atom, "published") => {
                if parent == "feed" {
                    // RFC 4287 and GBA's atom.xsd give `published` to entries only.
                    self.invalid_or_diagnose(
                        DiagnosticKind::UnknownElement,
                        "atom:published is not an element of atom:feed (only entries have one); kept",
                    )?;
                }
                Some(&mut meta.published)
            }
            (Ns::Atom, "updated") => Some(&mut meta.updated),
            _ => None,
        };
        // `type="text"` is Atom's default for a title: saying it changes nothing.
        let mut attributes = self.kept_attributes()?;
        attributes.retain(|attribute| {
            !(local == "title" && attribute.name.local == "type" && attribute.value == "text")
        });
        // A second occurrence, whether the first was typed or kept as raw XML (for its
        // attributes): otherwise a typed one after a raw one would pass unnoticed, and
        // the writer, which puts typed metadata first, would make the raw one the repeat
        // (found by the xml_strict fuzz target).
        let repeated = slot.as_ref().is_some_and(|slot| {
            slot.is_some()
                || meta.other_elements.iter().any(|raw| {
                    raw.name.local == local && raw.name.namespace.as_deref() == Some(ATOM_NS)
                })
        });
        let plain = slot.is_some() && !repeated && attributes.is_empty();
        match slot {
            Some(slot) if plain => match self.read_text(self.saved.empty)? {
                false => {
                    // Atom text keeps its spaces; identifiers and dates are collapsed as in XSD.
                    let text = if local == "title" {
                        self.text.as_str()
                    } else {
                        self.text.trim_ascii()
                    };
                    *slot = Some(text.to_owned());
                }
                true => meta.other_elements.extend(self.pending_raw.take()),
            },
            _ => {
                if ns == Ns::Atom && !ATOM_METADATA.contains(&local) {
                    self.invalid_or_diagnose(
                        DiagnosticKind::UnknownElement,
                        &format!(
                            "atom:{local} is not an element of atom:{parent}; kept as raw XML"
                        ),
                    )?;
                } else if ns == Ns::None {
                    self.invalid_or_diagnose(DiagnosticKind::UnknownElement, &format!(
                        "<{local}> in no namespace is not allowed in atom:{parent}; kept as raw XML"
                    ))?;
                } else if repeated {
                    self.invalid_or_diagnose(DiagnosticKind::RepeatedElement, &format!(
                        "atom:{local} occurs twice in atom:{parent}; the second is kept as raw XML"
                    ))?;
                }
                let raw = self.capture_raw()?;
                meta.other_elements.push(raw);
            }
        }
        Ok(())
    }

    /// The saved element's name in `{namespace}local` form, for messages.
    fn saved_name(&self) -> Result<String, Error> {
        qualified(&self.xml, QName(self.saved.name(&self.buf)), true).map(|name| name.clark())
    }

    /// The saved start tag's attributes other than namespace declarations and `xsi:`
    /// hints (which are not data).
    fn kept_attributes(&self) -> Result<Vec<RawAttribute>, Error> {
        if !self.saved.attributes {
            return Ok(Vec::new());
        }
        let mut attributes = attributes(&self.xml, &self.saved.start(&self.buf))?;
        attributes.retain(|attribute| attribute.name.namespace.as_deref() != Some(XSI_NS));
        Ok(attributes)
    }

    fn read_link(&mut self) -> Result<Link, Error> {
        let mut link = Link::default();
        let mut href = None;
        // The three attributes every link has are taken directly; the rest (rare) go
        // through the general path with their names resolved.
        let mut others = false;
        for attribute in self.saved.start(&self.buf).attributes() {
            let attribute = attribute.map_err(|error| self.xml_error(&error.to_string()))?;
            let slot = match attribute.key.0 {
                "href" => &mut href,
                "rel" => &mut link.rel,
                "type" => &mut link.media_type,
                _ => {
                    others = true;
                    continue;
                }
            };
            *slot = Some(attribute_value(&self.xml, &attribute)?);
        }
        if others {
            for attribute in attributes(&self.xml, &self.saved.start(&self.buf))? {
                match (
                    attribute.name.namespace.as_deref(),
                    attribute.name.local.as_str(),
                ) {
                    (None, "href" | "rel" | "type") => {}
                    // xsi:type and xsi:schemaLocation are hints to validators, not data.
                    (Some(XSI_NS), _) => {}
                    _ => link.other_attributes.push(attribute),
                }
            }
        }
        if !self.saved.empty {
            let content = self.capture_raw()?;
            if !content.text().trim().is_empty() || content.child_elements().next().is_some() {
                self.invalid_or_diagnose(
                    DiagnosticKind::InvalidLink,
                    "atom:link has content, which Atom does not define; it is ignored",
                )?;
            }
        }
        match href {
            Some(href) => link.href = href,
            None => {
                self.invalid_or_diagnose(DiagnosticKind::InvalidLink, "atom:link without href")?
            }
        }
        if link.rel.is_none() {
            self.invalid_or_diagnose(
                DiagnosticKind::InvalidLink,
                "atom:link without rel, which GBA's atom.xsd requires",
            )?;
        }
        Ok(link)
    }

    /// Atom dates must be xs:dateTime. (GBA's atom.xsd states id, title and updated as
    /// a repeated choice, so it does not enforce their presence, and neither do we.)
    fn check_metadata(&mut self, meta: &Metadata, parent: &str) -> Result<(), Error> {
        for (name, value) in [("updated", &meta.updated), ("published", &meta.published)] {
            if let Some(text) = value
                && !is_xsd_date_time(text)
            {
                self.invalid_or_diagnose(DiagnosticKind::InvalidDate, &format!(
                    "atom:{name} {text:?} in atom:{parent} is not an xs:dateTime; kept as written"
                ))?;
            }
        }
        Ok(())
    }

    /// Reads the children of `atom:content`.
    fn read_content(&mut self, empty: bool, content: &mut Vec<Resource>) -> Result<(), Error> {
        if empty {
            return Ok(());
        }
        let mut name = NameBuf::default();
        loop {
            match self.next_step(&mut name)? {
                Step::End => return Ok(()),
                Step::Child(ns, _) => {
                    let empty = self.saved.empty;
                    let resource = self.read_resource(ns, name.as_str(), empty, false)?;
                    content.push(resource);
                }
                other => self.common_step(&other, "atom:content")?,
            }
        }
    }

    /// Reads a resource whose start tag has just been read (saved).
    fn read_resource(
        &mut self,
        ns: Ns,
        local: &str,
        empty: bool,
        root: bool,
    ) -> Result<Resource, Error> {
        let namespace = match ns {
            Ns::Espi => Some(Namespace::Espi),
            Ns::Customer => Some(Namespace::Customer),
            _ => None,
        };
        let kind = namespace.map_or(ResourceKind::Unknown, |namespace| {
            ResourceKind::from_name(namespace, local)
        });
        if kind == ResourceKind::Unknown {
            let declared = match ns {
                Ns::Espi => ESPI_GLOBAL_ELEMENTS.contains(&local),
                Ns::Customer => CUSTOMER_GLOBAL_ELEMENTS.contains(&local),
                _ => false,
            };
            if !declared {
                let place = if root {
                    "the document root"
                } else {
                    "atom:content"
                };
                // Reported before the element is read, so the position is its start tag.
                let element = self.saved_name()?;
                self.invalid_or_diagnose(DiagnosticKind::UnknownElement, &format!(
                    "{element} as {place} is not an element the ESPI, customer or Atom schemas declare; kept as raw XML"
                ))?;
            }
            return self.capture_raw().map(Resource::Unknown);
        }
        self.check_attributes()?;
        // The children of a resource are in the resource's own namespace.
        self.content_ns = ns;
        let resource = kind.build(&mut ResourceElement { inner: self, empty })?;
        resource.ok_or_else(|| self.xml_error("internal: an untyped kind reached the typed reader"))
    }

    /// Typed ESPI elements take no attributes but namespace declarations (and the
    /// `xsi:` hints validators read): anything else is reported, not silently lost.
    #[inline]
    fn check_attributes(&mut self) -> Result<(), Error> {
        if !self.saved.attributes {
            return Ok(());
        }
        let ignored: Vec<String> = attributes(&self.xml, &self.saved.start(&self.buf))?
            .into_iter()
            .filter(|attribute| attribute.name.namespace.as_deref() != Some(XSI_NS))
            .map(|attribute| format!("{}=\"{}\"", attribute.name.clark(), attribute.value))
            .collect();
        if ignored.is_empty() {
            return Ok(());
        }
        let name = self.saved.name(&self.buf).to_owned();
        self.invalid_or_diagnose(
            DiagnosticKind::UnexpectedAttribute,
            &format!(
                "<{name}> has attribute(s) {} that the schema does not allow; they are not kept",
                ignored.join(" ")
            ),
        )
    }

    /// Reads an element of a complex type whose start tag has just been read.
    fn read_element<T: Element>(&mut self, empty: bool) -> Result<T, Error> {
        let mut value = T::default();
        self.read_element_into(&mut value, empty)?;
        Ok(value)
    }

    /// Reads the children of the element just started into `value`, then checks that
    /// the required ones are there.
    fn read_element_into<T: Element>(&mut self, value: &mut T, empty: bool) -> Result<(), Error> {
        if !empty {
            self.read_children(value)?;
        }
        let mut missing = value.missing_required();
        // A required child whose text did not fit its type is kept as raw XML and was
        // reported then; it is not missing a second time.
        missing.retain(|name| {
            !value
                .unknown_elements_mut()
                .iter()
                .any(|raw| raw.name.local == *name)
        });
        if !missing.is_empty() {
            self.invalid_or_diagnose(
                DiagnosticKind::MissingRequired,
                &format!(
                    "{} lacks required element(s) {}",
                    T::TYPE_NAME,
                    missing.join(", ")
                ),
            )?;
        }
        Ok(())
    }

    fn read_children<T: Element>(&mut self, value: &mut T) -> Result<(), Error> {
        let mut last_index = 0usize;
        let mut name = NameBuf::default();
        loop {
            let (ns, fits) = match self.next_step(&mut name)? {
                Step::End => return Ok(()),
                Step::Child(ns, fits) => (ns, fits),
                other => {
                    self.common_step(&other, T::TYPE_NAME)?;
                    continue;
                }
            };
            let known = ns == self.content_ns && fits;
            let mut index = if known {
                value.read_child(name.as_bytes(), self)?
            } else {
                None
            };
            if index.is_none() && known {
                index = self.read_recased_child(value, name.as_str())?;
            }
            match index {
                Some(index) => {
                    if index < last_index {
                        self.invalid_or_diagnose(
                            DiagnosticKind::OutOfOrder,
                            &format!(
                                "{} in {} is out of schema order (it belongs before {})",
                                T::FIELDS[index],
                                T::TYPE_NAME,
                                T::FIELDS[last_index]
                            ),
                        )?;
                    }
                    last_index = last_index.max(index);
                }
                None => {
                    // Reported before the element is read, so the position is its start tag.
                    let element = self.saved_name()?;
                    self.invalid_or_diagnose(
                        DiagnosticKind::UnknownElement,
                        &format!(
                            "{element} is not an element of {}; kept as raw XML",
                            T::TYPE_NAME
                        ),
                    )?;
                    let raw = self.capture_raw()?;
                    value.unknown_elements_mut().push(raw);
                }
            }
            if let Some(raw) = self.pending_raw.take() {
                value.unknown_elements_mut().push(raw);
            }
        }
    }

    /// Lenient only: a child whose name differs from a field only in the case of its
    /// first letter (`ServiceDeliveryPoint` for `serviceDeliveryPoint` in pre-3.x files).
    fn read_recased_child<T: Element>(
        &mut self,
        value: &mut T,
        local: &str,
    ) -> Result<Option<usize>, Error> {
        if self.mode == Mode::Strict {
            return Ok(None);
        }
        let mut chars = local.chars();
        let Some(first) = chars.next() else {
            return Ok(None);
        };
        let swapped: String = if first.is_uppercase() {
            first.to_lowercase().chain(chars).collect()
        } else {
            first.to_uppercase().chain(chars).collect()
        };
        let Some(field) = T::FIELDS.iter().find(|field| **field == swapped) else {
            return Ok(None);
        };
        let position = self.position();
        self.diagnostics.push(Diagnostic {
            position,
            kind: DiagnosticKind::RecasedName,
            message: format!(
                "<{local}> in {} read as <{field}>, the schema's spelling",
                T::TYPE_NAME
            ),
        });
        value.read_child(field.as_bytes(), self)
    }

    /// Reads the text content of the saved element into `self.text`. An element
    /// inside it is an error in strict mode; leniently the whole element is kept as
    /// raw XML in `pending_raw`, with a diagnostic, and `true` is returned.
    #[inline(always)]
    fn read_text(&mut self, empty: bool) -> Result<bool, Error> {
        self.text.clear();
        if empty {
            return Ok(false);
        }
        loop {
            // Keep the start tag: error messages and raw copies still need it.
            self.buf.truncate(self.saved.end());
            let result = self.xml.read_event_into(&mut self.buf);
            let event = self.xml.track(&result)?;
            match absorb_text(&mut self.text, &self.xml, event)? {
                Absorbed::More => {
                    if self.text.len() > self.xml.limits().max_text_size {
                        return Err(self.text_too_long());
                    }
                }
                Absorbed::End => return Ok(false),
                Absorbed::Child => {
                    let (start, child_empty) = match event {
                        Event::Empty(start) => (start, true),
                        Event::Start(start) => (start, false),
                        _ => return Err(self.xml_error("internal: a child without a start tag")),
                    };
                    let child = raw_element(&self.xml, start)?;
                    let raw = self.text_with_child(child, child_empty)?;
                    self.pending_raw = Some(raw);
                    return Ok(true);
                }
            }
        }
    }

    /// The text of the saved element exceeds [`ReaderLimits::max_text_size`].
    #[cold]
    fn text_too_long(&self) -> Error {
        text_too_long(&self.xml, self.saved.name(&self.buf))
    }

    /// An element turned up inside a simple-typed element: keep everything as raw XML.
    #[cold]
    fn text_with_child(
        &mut self,
        child: RawElement,
        child_empty: bool,
    ) -> Result<RawElement, Error> {
        self.invalid_or_diagnose(
            DiagnosticKind::ElementInText,
            &format!(
                "element {} inside <{}>, which holds only text; the element is kept as raw XML",
                child.name.clark(),
                self.saved.name(&self.buf)
            ),
        )?;
        let mut root = raw_element(&self.xml, &self.saved.start(&self.buf))?;
        if !self.text.is_empty() {
            root.children
                .push(RawNode::Text(std::mem::take(&mut self.text)));
        }
        if child_empty {
            root.children.push(RawNode::Element(child));
            self.capture_rest(vec![root])
        } else {
            self.capture_rest(vec![root, child])
        }
    }

    /// Captures the saved element and its content as raw XML.
    fn capture_raw(&mut self) -> Result<RawElement, Error> {
        let root = raw_element(&self.xml, &self.saved.start(&self.buf))?;
        if self.saved.empty {
            return Ok(root);
        }
        self.capture_rest(vec![root])
    }

    /// Reads raw content until the outermost element of `open` (whose start tags
    /// have been read) ends. Nesting is bounded so that no input can exhaust the stack
    /// of the code that later walks the tree.
    fn capture_rest(&mut self, mut open: Vec<RawElement>) -> Result<RawElement, Error> {
        loop {
            self.buf.clear();
            let result = self.xml.read_event_into(&mut self.buf);
            let event = self.xml.track(&result)?;
            match event {
                Event::Start(start) => {
                    if open.len() >= MAX_RAW_DEPTH {
                        let message =
                            format!("raw XML nested deeper than {MAX_RAW_DEPTH} elements");
                        return Err(Error::Invalid {
                            position: self.xml.position(),
                            message,
                        });
                    }
                    open.push(raw_element(&self.xml, start)?);
                }
                Event::Empty(start) => {
                    let element = raw_element(&self.xml, start)?;
                    if let Some(parent) = open.last_mut() {
                        parent.children.push(RawNode::Element(element));
                    }
                }
                Event::End(_) => {
                    let Some(done) = open.pop() else {
                        return Err(self.xml.error("unbalanced end tag"));
                    };
                    match open.last_mut() {
                        Some(parent) => parent.children.push(RawNode::Element(done)),
                        None => return Ok(done),
                    }
                }
                other => {
                    let Some(parent) = open.last_mut() else {
                        return Err(self.xml.error("unbalanced end tag"));
                    };
                    // Adjacent text (split by references or CDATA) is one text node.
                    if !matches!(parent.children.last(), Some(RawNode::Text(_))) {
                        parent.children.push(RawNode::Text(String::new()));
                    }
                    if let Some(RawNode::Text(text)) = parent.children.last_mut() {
                        absorb_text(text, &self.xml, other)?;
                        if text.len() > self.xml.limits().max_text_size {
                            return Err(text_too_long(&self.xml, &parent.name.clark()));
                        }
                    }
                    if matches!(parent.children.last(), Some(RawNode::Text(text)) if text.is_empty())
                    {
                        parent.children.pop();
                    }
                }
            }
        }
    }
}

/// The error for an element's text over [`ReaderLimits::max_text_size`].
#[cold]
fn text_too_long<R: BufRead>(xml: &Source<R>, element: &str) -> Error {
    xml.limit_error(format!(
        "the text of <{element}> is longer than max_text_size = {} bytes",
        xml.limits().max_text_size
    ))
}

/// The global elements of espi.xsd 4.0 (the ones that may stand alone); the resources
/// among them are typed, the rest (IntervalReading, DateTimeInterval…) are kept as raw
/// XML when they stand alone.
const ESPI_GLOBAL_ELEMENTS: [&str; 20] = [
    "ApplicationInformation",
    "Authorization",
    "IntervalBlock",
    "IntervalReading",
    "MeterReading",
    "ReadingQuality",
    "ReadingType",
    "IdentifiedObject",
    "UsagePoint",
    "ElectricPowerQualitySummary",
    "ElectricPowerUsageSummary",
    "UsageSummary",
    "DateTimeInterval",
    "SummaryMeasurement",
    "BatchItemInfo",
    "Object",
    "ServiceStatus",
    "LocalTimeParameters",
    "ProgramIdMappings",
    "BatchList",
];

/// The children Atom defines for feeds and entries (RFC 4287 §4.1.1–4.1.2).
const ATOM_METADATA: [&str; 17] = [
    "author",
    "category",
    "content",
    "contributor",
    "generator",
    "icon",
    "id",
    "link",
    "logo",
    "published",
    "rights",
    "source",
    "subtitle",
    "summary",
    "title",
    "updated",
    "entry",
];

/// The global elements of customer.xsd 4.0; the resources among them are typed, the
/// rest may stand alone and are kept as raw XML.
const CUSTOMER_GLOBAL_ELEMENTS: [&str; 44] = [
    "AcceptanceTest",
    "AccountNotification",
    "Agreement",
    "Asset",
    "AssetContainer",
    "BatchItemInfo",
    "BatchList",
    "Customer",
    "CustomerAccount",
    "CustomerAgreement",
    "DateTimeInterval",
    "DemandResponseProgram",
    "Document",
    "ElectronicAddress",
    "EndDevice",
    "IdentifiedObject",
    "LifecycleDate",
    "LocalTimeParameters",
    "Location",
    "Meter",
    "MeterMultiplier",
    "Object",
    "Organisation",
    "OrganisationRole",
    "PositionPoint",
    "PricingStructure",
    "Priority",
    "ProgramDate",
    "ProgramDateIdMapping",
    "ProgramDateIdMappings",
    "ServiceLocation",
    "ServiceSupplier",
    "Statement",
    "StatementRef",
    "Status",
    "StreetAddress",
    "StreetDetail",
    "SummaryMeasurement",
    "TelephoneNumber",
    "TimeConfiguration",
    "TownDetail",
    "UsagePoint",
    "UsagePoints",
    "WorkLocation",
];

/// Reads the saved resource element as the type [`ResourceKind::build`] asks for.
struct ResourceElement<'a, R> {
    inner: &'a mut Inner<R>,
    empty: bool,
}

impl<R: BufRead> ResourceBuilder for ResourceElement<'_, R> {
    type Error = Error;
    fn build<T: Element>(&mut self) -> Result<T, Error> {
        self.inner.read_element(self.empty)
    }
}

/// How deep raw XML may nest (ESPI content nests a handful of levels).
const MAX_RAW_DEPTH: usize = 256;

impl<R: BufRead> ElementReader for Inner<R> {
    type Error = Error;

    fn scalar<T: Scalar>(&mut self, field: &'static Field) -> Result<Option<T>, Error> {
        // Typed children take no attributes; raw (xs:anyType) ones keep theirs.
        if self.saved.attributes {
            self.check_attributes()?;
        }
        if self.read_text(self.saved.empty)? {
            return Ok(None);
        }
        // XML whitespace is ASCII whitespace less form feed, which XML text cannot contain.
        let text = if T::TRIM {
            self.text.trim_ascii()
        } else {
            self.text.as_str()
        };
        match T::parse_text(text) {
            Ok(value) => {
                if let Err(reason) = value.check(field.facet) {
                    self.invalid_or_diagnose(
                        DiagnosticKind::FacetViolation,
                        &format!("<{}>: {reason}; kept", field.name),
                    )?;
                }
                Ok(Some(value))
            }
            Err(error) => {
                self.invalid_or_diagnose(
                    DiagnosticKind::InvalidValue,
                    &format!("<{}>: {error}; kept as raw XML", field.name),
                )?;
                let mut raw = raw_element(&self.xml, &self.saved.start(&self.buf))?;
                raw.children.push(RawNode::Text(self.text.clone()));
                self.pending_raw = Some(raw);
                Ok(None)
            }
        }
    }

    fn element<T: Element>(&mut self, value: &mut T) -> Result<(), Error> {
        if self.saved.attributes {
            self.check_attributes()?;
        }
        self.read_element_into(value, self.saved.empty)
    }

    // Cold (extensions are rare): kept out of line so that the typed fields' code
    // around it stays small enough to inline.
    #[inline(never)]
    #[cold]
    fn raw(&mut self) -> Result<RawElement, Error> {
        self.capture_raw()
    }

    fn repeated(&mut self, field: &'static Field) -> Result<(), Error> {
        self.invalid_or_diagnose(
            DiagnosticKind::RepeatedElement,
            &format!(
                "<{}> occurs more than once; the first is kept, the repeat as raw XML",
                field.name
            ),
        )?;
        let raw = self.capture_raw()?;
        self.pending_raw = Some(raw);
        Ok(())
    }
}

/// A field name copied out of the event buffer without allocating.
struct NameBuf {
    bytes: [u8; 64],
    len: usize,
}

impl Default for NameBuf {
    fn default() -> Self {
        NameBuf {
            bytes: [0; 64],
            len: 0,
        }
    }
}

impl NameBuf {
    /// Copies `name`; false (and an empty name, which matches nothing) when it is
    /// longer than any ESPI or Atom name.
    fn set(&mut self, name: &str) -> bool {
        if name.len() > self.bytes.len() {
            self.len = 0;
            return false;
        }
        self.bytes[..name.len()].copy_from_slice(name.as_bytes());
        self.len = name.len();
        true
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn as_str(&self) -> &str {
        // The bytes were copied from a &str, so this cannot fail; an empty name is a safe fallback.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}
