//! The event source: quick-xml's `Reader` over a line-counting input, with namespace
//! scopes kept in step with the events.

use crate::error::Error;
use crate::limits::{MARKUP_SLACK, ReaderLimits, Tripped};
use crate::namespace::{Namespaces, Ns, Resolved};
use crate::position::{LineCounter, Position};
use crate::well_formed;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use std::io::BufRead;

/// Events with positions and namespace resolution.
pub(crate) struct Source<R> {
    reader: Reader<LineCounter<R>>,
    namespaces: Namespaces,
    /// The last event was an empty element or an end tag: its scope ends before the next event.
    pop_pending: bool,
    limits: ReaderLimits,
    /// The document offset of quick-xml's offset 0: quick-xml counts the bytes it has
    /// read itself, which differs from the document's offsets once the source has
    /// resumed elsewhere ([`Source::resume`], [`Source::jump`]).
    offset_base: u64,
}

impl<R: BufRead> Source<R> {
    pub(crate) fn new(input: R, limits: ReaderLimits) -> Self {
        Self::over(LineCounter::new(input), limits, Namespaces::default(), 0)
    }

    /// A source over a piece of a document that starts at `at` with `namespaces` in scope.
    pub(crate) fn resume(
        input: R,
        limits: ReaderLimits,
        at: Position,
        namespaces: Namespaces,
    ) -> Self {
        let counter = LineCounter::starting_at(input, at);
        Self::over(counter, limits, namespaces, at.offset)
    }

    fn over(
        mut counter: LineCounter<R>,
        limits: ReaderLimits,
        namespaces: Namespaces,
        offset_base: u64,
    ) -> Self {
        counter.set_limits(&limits);
        let mut reader = Reader::from_reader(counter);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Source {
            reader,
            namespaces,
            pop_pending: false,
            limits,
            offset_base,
        }
    }

    /// The namespaces in scope between events (after the last element's scope ended).
    pub(crate) fn scope(&self) -> Namespaces {
        let mut namespaces = self.namespaces.clone();
        if self.pop_pending {
            namespaces.pop();
        }
        namespaces
    }

    /// The input below the line counter, where the bytes not yet read are.
    pub(crate) fn input_mut(&mut self) -> &mut R {
        self.reader.get_mut().inner_mut()
    }

    /// Continues at `at`: the bytes since the last event were read past by someone else,
    /// who put back into the input the ones from `at` on.
    pub(crate) fn jump(&mut self, at: Position) {
        self.reader.get_mut().jump(at);
        self.offset_base = at.offset.wrapping_sub(self.reader.buffer_position());
    }

    /// Refuses input that is not UTF-8 (quick-xml is built without its `encoding`
    /// feature): UTF-16 and UTF-32 with a byte order mark, or without one (a NUL among
    /// the first bytes, which no UTF-8 XML document has). Call before the first event.
    pub(crate) fn check_encoding(&mut self) -> Result<(), Error> {
        let start = match self.reader.get_mut().fill_buf() {
            Ok(buffer) => {
                let mut start = [0xAAu8; 4];
                let len = buffer.len().min(4);
                start[..len].copy_from_slice(&buffer[..len]);
                start
            }
            Err(error) => return Err(Error::Io(error)),
        };
        let encoding = match start {
            [0xFF, 0xFE, 0, 0] => "UTF-32LE (byte order mark FF FE 00 00)",
            [0, 0, 0xFE, 0xFF] => "UTF-32BE (byte order mark 00 00 FE FF)",
            [0xFF, 0xFE, ..] => "UTF-16LE (byte order mark FF FE)",
            [0xFE, 0xFF, ..] => "UTF-16BE (byte order mark FE FF)",
            [0, 0, 0, _] => "UTF-32BE (no byte order mark)",
            [_, 0, 0, 0] => "UTF-32LE (no byte order mark)",
            [0, _, ..] => "UTF-16BE (no byte order mark)",
            [_, 0, ..] => "UTF-16LE (no byte order mark)",
            _ => return Ok(()),
        };
        Err(Error::Xml {
            position: self.position(),
            message: format!(
                "the document is encoded in {encoding}; only UTF-8 is read \
                 (convert it first, for example with `iconv -f UTF-16 -t UTF-8`)"
            ),
        })
    }

    /// An entry starts: [`ReaderLimits::max_entry_size`] applies until [`Source::end_entry`].
    pub(crate) fn begin_entry(&mut self) {
        let max = self.limits.max_entry_size;
        self.reader.get_mut().begin_entry(max);
    }

    /// The entry ended.
    pub(crate) fn end_entry(&mut self) {
        self.reader.get_mut().end_entry();
    }

    /// The reader's limits.
    pub(crate) fn limits(&self) -> &ReaderLimits {
        &self.limits
    }

    /// A limit error at the current position.
    #[cold]
    pub(crate) fn limit_error(&self, message: String) -> Error {
        Error::Limit {
            position: self.position(),
            message,
        }
    }

    /// The start tag opens an element deeper than [`ReaderLimits::max_depth`], or holds an
    /// attribute value longer than [`ReaderLimits::max_attribute_size`]. Both checks cost a
    /// compare of numbers at hand; everything else is out of line.
    #[inline(always)]
    fn check_start(&self, start: &BytesStart<'_>) -> Result<(), Error> {
        if self.namespaces.depth() >= self.limits.max_depth
            || start.len() > self.limits.max_attribute_size
        {
            return self.start_over_limits(start);
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn start_over_limits(&self, start: &BytesStart<'_>) -> Result<(), Error> {
        if self.namespaces.depth() >= self.limits.max_depth {
            return Err(self.limit_error(format!(
                "elements nested deeper than max_depth = {}",
                self.limits.max_depth
            )));
        }
        let max = self.limits.max_attribute_size;
        // Malformed attributes are reported where they are read; only sizes matter here.
        for attribute in start.attributes().with_checks(false).flatten() {
            if attribute.value.len() > max {
                return Err(self.limit_error(format!(
                    "attribute {} of <{}> is {} bytes long, over max_attribute_size = {max}",
                    attribute.key.0,
                    start.name().0,
                    attribute.value.len()
                )));
            }
        }
        Ok(())
    }

    /// Reads the next event into `buf` (appending). Pass the result to
    /// [`Source::track`] before resolving any name.
    ///
    /// The result is quick-xml's own, returned untouched so that callers can match it
    /// in place: moving an event out of it costs a store-forwarding stall per event,
    /// which measured a tenth of the reader's time.
    #[inline(always)]
    pub(crate) fn read_event_into<'b>(
        &mut self,
        buf: &'b mut Vec<u8>,
    ) -> quick_xml::Result<Event<'b>> {
        if self.pop_pending {
            self.namespaces.pop();
            self.pop_pending = false;
        }
        self.reader.get_mut().begin_event();
        self.reader.read_event_into(buf)
    }

    /// Keeps namespace scopes in step with the event just read: a start tag's
    /// declarations are in scope from its event until after its end. Returns the
    /// event, or the read error as an [`Error`] with its position.
    #[inline(always)]
    pub(crate) fn track<'r, 'b>(
        &mut self,
        result: &'r quick_xml::Result<Event<'b>>,
    ) -> Result<&'r Event<'b>, Error> {
        let checked = match result {
            Ok(Event::Start(start)) => {
                self.check_start(start)?;
                self.namespaces.push(start)
            }
            Ok(Event::Empty(start)) => {
                self.check_start(start)?;
                self.pop_pending = true;
                self.namespaces.push(start)
            }
            Ok(Event::End(_)) => {
                self.pop_pending = true;
                Ok(())
            }
            // quick-xml does not check characters, comments or declarations: XML 1.0
            // does. Text is checked where it is taken in (`absorb_text` in the reader),
            // in the same pass that looks for line ends to normalise.
            Ok(Event::CData(data)) => well_formed::check_text(data, true),
            Ok(Event::Comment(comment)) => well_formed::check_comment(comment),
            Ok(Event::PI(pi)) if pi.target().eq_ignore_ascii_case("xml") => {
                Err("a processing instruction cannot be named `xml`".to_owned())
            }
            Ok(Event::Decl(declaration)) => match declaration.version() {
                Ok(version) if version.as_ref() == "1.0" => Ok(()),
                Ok(version) => Err(format!(
                    "XML version {version} is not supported (ESPI documents are XML 1.0)"
                )),
                Err(error) => Err(error.to_string()),
            },
            Ok(_) => Ok(()),
            Err(error) => return Err(self.quick_error(error)),
        };
        match (checked, result) {
            (Ok(()), Ok(event)) => Ok(event),
            (Err(message), _) => Err(Error::Xml {
                position: self.position(),
                message,
            }),
            (_, Err(error)) => Err(self.quick_error(error)),
        }
    }

    /// Resolves an element (`element`) or attribute name.
    pub(crate) fn resolve<'n>(&self, name: QName<'n>, element: bool) -> (Resolved<'_>, &'n str) {
        self.namespaces.resolve(name, element)
    }

    /// The namespace class and local name of an element name; `None` for an
    /// undeclared prefix.
    #[inline]
    pub(crate) fn classify_element<'n>(&self, name: QName<'n>) -> (Option<Ns>, &'n str) {
        self.namespaces.classify_element(name)
    }

    /// A not-well-formed error at the current position.
    pub(crate) fn error(&self, message: &str) -> Error {
        Error::Xml {
            position: self.position(),
            message: message.to_owned(),
        }
    }

    /// The position just after the last event.
    pub(crate) fn position(&self) -> Position {
        self.reader.get_ref().position()
    }

    /// An error of quick-xml, placed where quick-xml found it.
    pub(crate) fn quick_error(&self, error: &quick_xml::Error) -> Error {
        match error {
            quick_xml::Error::Io(io) => match self.reader.get_ref().tripped() {
                Some((tripped, start)) => self.tripped_error(tripped, start),
                None => Error::Io(std::io::Error::new(io.kind(), io.to_string())),
            },
            other => Error::Xml {
                position: self
                    .reader
                    .get_ref()
                    .position_of(self.offset_base.wrapping_add(self.reader.error_position())),
                message: other.to_string(),
            },
        }
    }

    /// The error for an input bound the line counter enforced.
    #[cold]
    fn tripped_error(&self, tripped: Tripped, event_start: u64) -> Error {
        let limits = &self.limits;
        let counter = self.reader.get_ref();
        let (position, message) = match tripped {
            Tripped::Text => (
                counter.position_of(event_start),
                format!(
                    "a text node longer than max_text_size = {} bytes",
                    limits.max_text_size
                ),
            ),
            Tripped::Markup => (
                counter.position_of(event_start),
                format!(
                    "a tag, comment, CDATA section or declaration longer than {} bytes \
                     (max_attribute_size = {} for one attribute value, max_text_size = {} \
                     for text, plus {} bytes for the rest of a tag)",
                    limits.markup_budget(),
                    limits.max_attribute_size,
                    limits.max_text_size,
                    MARKUP_SLACK
                ),
            ),
            Tripped::Entry => (
                self.position(),
                format!(
                    "an entry longer than max_entry_size = {} bytes",
                    limits.max_entry_size
                ),
            ),
            Tripped::Document => (
                self.position(),
                format!(
                    "the document is longer than max_document_size = {} bytes",
                    limits.max_document_size.unwrap_or(u64::MAX)
                ),
            ),
        };
        Error::Limit { position, message }
    }
}
