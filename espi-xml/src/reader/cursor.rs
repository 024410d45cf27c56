//! The cursor every level of the reader shares: the event source, the start tag being
//! dispatched (kept in the event buffer, not copied), the steps of a content loop,
//! element text, and how a deviation becomes an error or a diagnostic.

use super::Mode;
use crate::error::{Diagnostic, DiagnosticKind, Error};
use crate::namespace::{Ns, XSI_NS};
use crate::position::Position;
use crate::source::Source;
use crate::start_tag::{attributes, classify, qualified, raw_element};
use crate::text::{Absorbed, absorb_text, is_xml_whitespace, resolve_reference};
use crate::well_formed;
use espi_model::raw::{RawAttribute, RawElement};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use std::io::BufRead;

/// Reader state shared by every level of the document.
///
/// Events borrow `buf`, so code that still holds an event reaches the namespace
/// resolver and positions through functions that borrow only `xml`.
pub(super) struct Inner<R> {
    pub(super) xml: Source<R>,
    pub(super) buf: Vec<u8>,
    /// Text of the simple-typed element being read.
    pub(super) text: String,
    /// The start tag of the element being dispatched.
    pub(super) saved: SavedStart,
    /// A child that failed to parse leniently, to be kept by its parent as raw XML.
    pub(super) pending_raw: Option<RawElement>,
    pub(super) mode: Mode,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// The namespace of the resource being read, which its children share.
    pub(super) content_ns: Ns,
}

impl<R: BufRead> Inner<R> {
    /// A cursor before the first event of `xml`.
    pub(super) fn new(xml: Source<R>, mode: Mode) -> Self {
        Inner {
            xml,
            buf: Vec::with_capacity(8 * 1024),
            text: String::new(),
            saved: SavedStart::default(),
            pending_raw: None,
            mode,
            diagnostics: Vec::new(),
            content_ns: Ns::Espi,
        }
    }

    pub(super) fn position(&self) -> Position {
        self.xml.position()
    }

    /// Where the saved start tag begins: its `<`, when the tag is on one line (almost
    /// always; the exceptions are roots with many namespace declarations); otherwise
    /// where it ends, since the line its start is on is not kept.
    pub(super) fn tag_start(&self) -> Position {
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

    pub(super) fn xml_error(&self, message: &str) -> Error {
        self.xml.error(message)
    }

    pub(super) fn invalid(&self, message: String) -> Error {
        Error::Invalid {
            position: self.position(),
            message,
        }
    }

    /// Strict: an error. Lenient: a diagnostic at the current position.
    pub(super) fn invalid_or_diagnose(
        &mut self,
        kind: DiagnosticKind,
        message: &str,
    ) -> Result<(), Error> {
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
    pub(super) fn next_step(&mut self, name: &mut NameBuf) -> Result<Step, Error> {
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
    pub(super) fn common_step(&mut self, step: &Step, parent: &str) -> Result<(), Error> {
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
    pub(super) fn read_trailing(&mut self) -> Result<(), Error> {
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

    /// The saved element's name in `{namespace}local` form, for messages.
    pub(super) fn saved_name(&self) -> Result<String, Error> {
        qualified(&self.xml, QName(self.saved.name(&self.buf)), true).map(|name| name.clark())
    }

    /// The saved start tag's attributes other than namespace declarations and `xsi:`
    /// hints (which are not data).
    pub(super) fn kept_attributes(&self) -> Result<Vec<RawAttribute>, Error> {
        if !self.saved.attributes {
            return Ok(Vec::new());
        }
        let mut attributes = attributes(&self.xml, &self.saved.start(&self.buf))?;
        attributes.retain(|attribute| attribute.name.namespace.as_deref() != Some(XSI_NS));
        Ok(attributes)
    }

    /// Typed ESPI elements take no attributes but namespace declarations (and the
    /// `xsi:` hints validators read): anything else is reported, not silently lost.
    #[inline]
    pub(super) fn check_attributes(&mut self) -> Result<(), Error> {
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

    /// Reads the text content of the saved element into `self.text`. An element
    /// inside it is an error in strict mode; leniently the whole element is kept as
    /// raw XML in `pending_raw`, with a diagnostic, and `true` is returned.
    #[inline(always)]
    pub(super) fn read_text(&mut self, empty: bool) -> Result<bool, Error> {
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
}

/// The error for an element's text over [`ReaderLimits::max_text_size`].
#[cold]
pub(super) fn text_too_long<R: BufRead>(xml: &Source<R>, element: &str) -> Error {
    xml.limit_error(format!(
        "the text of <{element}> is longer than max_text_size = {} bytes",
        xml.limits().max_text_size
    ))
}

/// Where the start tag being dispatched is. quick-xml appends each event to the
/// buffer, so the tag stays in `buf` while the element's text is read after it,
/// without being copied.
#[derive(Default)]
pub(super) struct SavedStart {
    /// Byte range of the tag's content in `buf`.
    pub(super) offset: usize,
    pub(super) len: usize,
    pub(super) name_len: usize,
    pub(super) empty: bool,
    /// Whether the tag has anything besides its name (attributes or declarations).
    pub(super) attributes: bool,
}

impl SavedStart {
    /// Records a start tag whose content is at address `address` (taken while the
    /// event was alive). quick-xml's buffered reading returns events that borrow the
    /// buffer; anything else is reported rather than guessed.
    pub(super) fn set(
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
    pub(super) fn end(&self) -> usize {
        self.offset + self.len
    }

    pub(super) fn content<'b>(&'b self, buf: &'b [u8]) -> &'b str {
        // quick-xml validated these bytes as UTF-8 when it produced the event.
        buf.get(self.offset..self.end())
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    pub(super) fn start<'b>(&'b self, buf: &'b [u8]) -> BytesStart<'b> {
        BytesStart::from_content(self.content(buf), self.name_len)
    }

    pub(super) fn name<'b>(&'b self, buf: &'b [u8]) -> &'b str {
        self.content(buf).get(..self.name_len).unwrap_or_default()
    }
}

/// One step of a loop over element content, computed while the event is alive.
pub(super) enum Step {
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

/// A field name copied out of the event buffer without allocating.
pub(super) struct NameBuf {
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
    pub(super) fn set(&mut self, name: &str) -> bool {
        if name.len() > self.bytes.len() {
            self.len = 0;
            return false;
        }
        self.bytes[..name.len()].copy_from_slice(name.as_bytes());
        self.len = name.len();
        true
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub(super) fn as_str(&self) -> &str {
        // The bytes were copied from a &str, so this cannot fail; an empty name is a safe fallback.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}
