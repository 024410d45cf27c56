//! The event source: quick-xml's `Reader` over a line-counting input, with namespace
//! scopes kept in step with the events.

use crate::error::Error;
use crate::namespace::{Namespaces, Ns, Resolved};
use crate::position::{LineCounter, Position};
use crate::well_formed;
use quick_xml::Reader;
use quick_xml::events::Event;
use quick_xml::name::QName;
use std::io::BufRead;

/// Events with positions and namespace resolution.
pub(crate) struct Source<R> {
    reader: Reader<LineCounter<R>>,
    namespaces: Namespaces,
    /// The last event was an empty element or an end tag: its scope ends before the next event.
    pop_pending: bool,
}

impl<R: BufRead> Source<R> {
    pub(crate) fn new(input: R) -> Self {
        let mut reader = Reader::from_reader(LineCounter::new(input));
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Source {
            reader,
            namespaces: Namespaces::default(),
            pop_pending: false,
        }
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
            Ok(Event::Start(start)) => self.namespaces.push(start),
            Ok(Event::Empty(start)) => {
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
            quick_xml::Error::Io(io) => Error::Io(std::io::Error::new(io.kind(), io.to_string())),
            other => Error::Xml {
                position: self
                    .reader
                    .get_ref()
                    .position_of(self.reader.error_position()),
                message: other.to_string(),
            },
        }
    }
}
