//! Raw XML: elements the model has no type for, kept whole with their namespaces,
//! attributes and text, nested at most [`MAX_RAW_DEPTH`] levels.

use super::cursor::{Inner, text_too_long};
use crate::error::{DiagnosticKind, Error};
use crate::start_tag::raw_element;
use crate::text::absorb_text;
use espi_model::raw::{RawElement, RawNode};
use quick_xml::events::Event;
use std::io::BufRead;

/// How deep raw XML may nest (ESPI content nests a handful of levels).
const MAX_RAW_DEPTH: usize = 256;

impl<R: BufRead> Inner<R> {
    /// An element turned up inside a simple-typed element: keep everything as raw XML.
    #[cold]
    pub(super) fn text_with_child(
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
    pub(super) fn capture_raw(&mut self) -> Result<RawElement, Error> {
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
