//! Whole-document reading with linking.

use crate::error::{Diagnostic, Error};
use crate::reader::{EntryReader, ReaderOptions, RootKind};
use espi_model::atom::{Document, Entry, Feed};
use espi_model::link::{UsageTree, link_entries};
use espi_model::reading::{FlatReading, flat_readings};
use std::io::BufRead;

/// A document read whole, its usage tree and what lenient reading reported.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    /// The document.
    pub document: Document,
    /// The UsagePoint → MeterReading → ReadingType/IntervalBlock tree with link problems.
    pub tree: UsageTree,
    /// Deviations accepted by lenient reading, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedDocument {
    /// Every linked reading with its derived values (UTC and local start, scaled value, cost, quality).
    pub fn readings(&self) -> impl Iterator<Item = FlatReading<'_>> {
        flat_readings(self.document.entries(), &self.tree)
    }
}

/// Reads and links a whole document leniently.
///
/// ```
/// let xml = br#"<entry xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><title/>
///   <updated>2024-01-01T00:00:00Z</updated><content>
///   <ServiceStatus xmlns="http://naesb.org/espi"><currentStatus>1</currentStatus></ServiceStatus>
///   </content></entry>"#;
/// let parsed = espi_xml::read_document(&xml[..]).unwrap();
/// assert_eq!(parsed.document.entries().len(), 1);
/// ```
pub fn read_document<R: BufRead>(reader: R) -> Result<ParsedDocument, Error> {
    read_document_with(reader, ReaderOptions::default())
}

/// Reads and links a whole document with the given options.
pub fn read_document_with<R: BufRead>(
    reader: R,
    options: ReaderOptions,
) -> Result<ParsedDocument, Error> {
    let mut entries = EntryReader::with_options(reader, options);
    let mut read: Vec<Entry> = Vec::new();
    for entry in entries.by_ref() {
        read.push(entry?);
    }
    let diagnostics = entries.take_diagnostics();
    let document = match entries.root() {
        Some(RootKind::Feed) => Document::Feed(Feed {
            meta: entries.feed().clone(),
            entries: read,
        }),
        Some(RootKind::Entry) => Document::Entry(read.pop().unwrap_or_default()),
        Some(RootKind::Resource) => match read
            .pop()
            .and_then(|entry| entry.content.into_iter().next())
        {
            Some(resource) => Document::Resource(Box::new(resource)),
            None => Document::Entry(Entry::default()),
        },
        None => Document::Feed(Feed::default()),
    };
    let tree = link_entries(document.entries());
    Ok(ParsedDocument {
        document,
        tree,
        diagnostics,
    })
}
