//! Whole-document reading with linking.

use crate::error::{Diagnostic, Error};
use crate::position::Position;
use crate::reader::{EntryReader, ReaderOptions, RootKind, Span};
use espi_model::atom::{Document, Entry, Feed};
use espi_model::facts::{DocumentFacts, FactsBuilder};
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
    /// Where the root element's start tag begins.
    pub root_position: Position,
    /// Where each entry is, in the order of `document.entries()`; for a bare resource
    /// root, the root element.
    pub entry_spans: Vec<Span>,
}

impl ParsedDocument {
    /// Every interval reading with its derived values (UTC and local start, scaled
    /// value in its unit, cost, quality): those of the linked tree, then those of
    /// IntervalBlocks whose links did not resolve, with `linked` false and whatever
    /// their links still tell (see [`espi_model::link::UnplacedBlocks`]; why each
    /// block could not be placed is in `tree.problems`). No reading is left out.
    ///
    /// ```
    /// // An IntervalBlock whose MeterReading is not in the document.
    /// let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry>
    ///   <link rel="up" href="/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock"/>
    ///   <content><IntervalBlock xmlns="http://naesb.org/espi"><IntervalReading><value>42</value></IntervalReading></IntervalBlock>
    ///   </content></entry></feed>"#;
    /// let parsed = espi_xml::read_document(&xml[..]).unwrap();
    /// let readings: Vec<_> = parsed.readings().collect();
    /// assert_eq!(readings.len(), 1);
    /// assert!(!readings[0].linked);
    /// assert_eq!(readings[0].reading.value, Some(42));
    /// let problem = parsed.tree.problems[0].to_string();
    /// assert!(problem.starts_with("entry 1: IntervalBlock"));
    /// assert!(problem.ends_with("matches no MeterReading related link"));
    /// ```
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
    let mut entry_spans = Vec::new();
    while let Some(entry) = entries.next() {
        read.push(entry?);
        entry_spans.extend(entries.entry_span());
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
        root_position: entries.root_position().unwrap_or_default(),
        entry_spans,
    })
}

/// The facts of a document gathered in one streaming pass (see [`read_facts`]).
#[derive(Debug, Clone)]
pub struct StreamedFacts {
    /// What the root element was.
    pub root: Option<RootKind>,
    /// Counts, reading totals and the linked tree.
    pub facts: DocumentFacts,
    /// Deviations accepted by lenient reading, in document order: the first
    /// [`MAX_FACTS_DIAGNOSTICS`], so that a file deviating on every entry cannot grow
    /// memory without bound.
    pub diagnostics: Vec<Diagnostic>,
    /// How many deviations there were in all (more than `diagnostics` holds when the
    /// cap was reached).
    pub diagnostic_count: u64,
}

/// How many diagnostics [`read_facts`] keeps; it counts the rest.
pub const MAX_FACTS_DIAGNOSTICS: usize = 10_000;

/// Gathers the facts of a document in one streaming pass: readings are totalled as
/// entries go by, so memory grows with the number of entries' links, not with the
/// number of readings.
///
/// ```
/// let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><content>
///   <IntervalBlock xmlns="http://naesb.org/espi"><IntervalReading><value>42</value></IntervalReading></IntervalBlock>
///   </content></entry></feed>"#;
/// let read = espi_xml::read_facts(&xml[..], Default::default()).unwrap();
/// assert_eq!(read.facts.interval_readings.sum_value, 42);
/// ```
pub fn read_facts<R: BufRead>(reader: R, options: ReaderOptions) -> Result<StreamedFacts, Error> {
    read_facts_with(reader, options, |_| {})
}

/// Like [`read_facts`], and shows every entry (or bare root, as an entry without
/// metadata) to `on_entry` as it streams by, for callers that want more than the
/// totals (the `inspect` example keeps the administrative and customer entries).
pub fn read_facts_with<R: BufRead>(
    reader: R,
    options: ReaderOptions,
    mut on_entry: impl FnMut(&Entry),
) -> Result<StreamedFacts, Error> {
    let mut entries = EntryReader::with_options(reader, options);
    let mut builder = FactsBuilder::default();
    let mut diagnostics = Vec::new();
    let mut diagnostic_count = 0;
    while let Some(entry) = entries.next() {
        let entry = entry?;
        if entries.root() == Some(RootKind::Resource) {
            builder.add_bare_root(&entry);
        } else {
            builder.add_entry(&entry);
        }
        on_entry(&entry);
        keep_diagnostics(
            &mut diagnostics,
            &mut diagnostic_count,
            entries.take_diagnostics(),
        );
    }
    keep_diagnostics(
        &mut diagnostics,
        &mut diagnostic_count,
        entries.take_diagnostics(),
    );
    Ok(StreamedFacts {
        root: entries.root(),
        facts: builder.finish(),
        diagnostics,
        diagnostic_count,
    })
}

fn keep_diagnostics(kept: &mut Vec<Diagnostic>, count: &mut u64, new: Vec<Diagnostic>) {
    *count += new.len() as u64;
    let room = MAX_FACTS_DIAGNOSTICS.saturating_sub(kept.len());
    kept.extend(new.into_iter().take(room));
}
