//! Validation of Green Button (NAESB REQ.21 ESPI) documents.
//!
//! Three kinds of check run over a parsed document (what `espi_xml::read_document` returns):
//!
//! - **Schema-level checks** ([`xsd`]): every deviation lenient reading accepted and strict
//!   reading rejects (missing required elements, out-of-range numbers, bad enumerations…), at its
//!   line and column. Their ids start with `S`.
//! - **GBA's Function Block data tests** ([`gba`]): the Green Button Alliance's Schematron assertions
//!   (`D000`…`D147`, grouped in Function Blocks FB_01…FB_99), re-implemented natively on the model.
//!   Every one of GBA's 143 assertions of 17 Function Blocks is implemented; their results are checked
//!   against GBA's own compiled stylesheets on every sample in `testdata/` (see `tests/gba_parity.rs`).
//! - **Semantic checks beyond GBA** ([`semantic`]): IntervalBlocks of one MeterReading that overlap or
//!   leave gaps, readings outside their block, durations that look like milliseconds, an Authorization
//!   `expires_at` that looks like a duration, DST rules that do not decode, links that do not resolve.
//!   Their ids start with `V`.
//!
//! Every [`Finding`] names its rule, Function Block, severity, a message and where it is: the entry's
//! index and `atom:id`, an element path, and with [`validate_parsed`] a line and column — the
//! deviation's own for schema findings, the start of the entry (or of the root element, for the
//! document's own findings) for the others.
//!
//! ```
//! let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><title/>
//!   <updated>2024-01-01T00:00:00Z</updated>
//!   <entry><id>urn:uuid:2</id><content><ReadingType xmlns="http://naesb.org/espi">
//!     <powerOfTenMultiplier>kilo</powerOfTenMultiplier></ReadingType></content></entry></feed>"#;
//! let parsed = espi_xml::read_document(&xml[..]).unwrap();
//! let report = espi_validate::validate_parsed(&parsed, Some(&[1]));
//! let found: Vec<_> = report.findings.iter().map(|f| (f.rule, f.location.line)).collect();
//! // "kilo" is not a power of ten multiplier (S005, line 4); FB_01 wants a LocalTimeParameters
//! // entry (D136) and a UsagePoint entry (D006), findings about the whole feed (line 1).
//! assert_eq!(found, [("S005", Some(4)), ("D136", Some(1)), ("D006", Some(1))]);
//! assert!(report.has_errors());
//! ```
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod chunked;
pub mod gba;
mod hrefs;
mod places;
pub mod semantic;
pub mod xsd;

use espi_model::atom::{Document, Entry};
use espi_model::resource::Resource;
use espi_xml::{EntryReader, ParsedDocument, Position, ReaderOptions, RootKind, Span};
use places::EntryPlaces;
use serde::Serialize;
use std::io::BufRead;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; the data may still be right.
    Warning,
    /// The document breaks a rule it claims (or should) follow.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where a finding is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FindingLocation {
    /// Index of the entry in the document (0-based), `None` for the feed or the document root.
    pub entry_index: Option<usize>,
    /// The entry's `atom:id`, when it has one.
    pub entry_id: Option<String>,
    /// Path of the element the rule is about, XPath-like with 1-based entry positions,
    /// e.g. `feed/entry[3]/content/IntervalBlock/interval/start`.
    pub path: String,
    /// 1-based line: the deviation's for a schema finding, else where the entry's start tag
    /// (or the root's) begins. `None` from [`validate`], which sees no input positions.
    pub line: Option<u64>,
    /// 1-based column in bytes, as [`FindingLocation::line`].
    pub column: Option<u64>,
}

/// One rule broken once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's stable id: GBA's assertion id (`D004`) or one of ours (`S003`, `V001`).
    pub rule: &'static str,
    /// The Function Block the rule belongs to (`None` for the checks beyond GBA).
    pub function_block: Option<u16>,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in words.
    pub message: String,
    /// Where.
    pub location: FindingLocation,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.severity, self.rule, self.message)?;
        if !self.location.path.is_empty() {
            write!(f, " (at {})", self.location.path)?;
        }
        Ok(())
    }
}

/// A rule this crate knows: its id, Function Block, severity and what it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ValidationRule {
    /// Stable id.
    pub id: &'static str,
    /// Function Block (`None` for checks beyond GBA).
    pub function_block: Option<u16>,
    /// Severity of its findings.
    pub severity: Severity,
    /// One line saying what it checks (our words, not GBA's).
    pub summary: &'static str,
}

/// Every rule: the schema-level checks, GBA's assertions, then the semantic checks.
pub fn rules() -> impl Iterator<Item = &'static ValidationRule> {
    xsd::RULES
        .iter()
        .chain(gba::RULES.iter())
        .chain(semantic::RULES.iter())
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static ValidationRule> {
    rules().find(|rule| rule.id == id)
}

/// What [`validate`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every finding: schema-level ones in document order, GBA's in Function Block
    /// order, then the semantic checks.
    pub findings: Vec<Finding>,
    /// The Function Blocks whose GBA data tests ran.
    pub function_blocks_tested: Vec<u16>,
    /// Claimed Function Blocks for which GBA has no data test (so nothing was checked for them).
    pub function_blocks_without_test: Vec<u16>,
}

impl Report {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == severity)
            .count()
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }
}

/// Errors of this crate's parsing helpers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Function Block list item was not a number from 1 to 99 (e.g. `--fb 1,x`).
    #[error("`{0}` is not a Function Block number (expected 1-99, optionally written FB_04)")]
    BadFunctionBlock(String),
}

/// Parses a Function Block list such as `1,4,5,15` or `FB_01,FB_04` (spaces allowed).
///
/// ```
/// assert_eq!(espi_validate::parse_function_blocks("1, FB_04,15").unwrap(), [1, 4, 15]);
/// assert!(espi_validate::parse_function_blocks("1,x").is_err());
/// ```
pub fn parse_function_blocks(list: &str) -> Result<Vec<u16>, Error> {
    let mut out = Vec::new();
    for item in list
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
    {
        let digits = item
            .strip_prefix("FB_")
            .or_else(|| item.strip_prefix("fb_"))
            .unwrap_or(item);
        match digits.parse::<u16>() {
            Ok(number) if (1..=99).contains(&number) => {
                if !out.contains(&number) {
                    out.push(number);
                }
            }
            _ => return Err(Error::BadFunctionBlock(item.to_owned())),
        }
    }
    Ok(out)
}

/// Validates a document read by espi-xml: the schema-level findings of the read, then
/// [`validate`]'s, every finding placed at a line and column (see [`FindingLocation::line`]).
///
/// The document should have been read leniently (the default): a strict read stops at the
/// first deviation, so there is nothing for the schema-level checks to find.
pub fn validate_parsed(parsed: &ParsedDocument, claimed: Option<&[u16]>) -> Report {
    let mut report = validate(&parsed.document, claimed);
    for finding in &mut report.findings {
        let start = match finding.location.entry_index {
            Some(index) => parsed.entry_spans.get(index).map(|span| span.start),
            None => Some(parsed.root_position),
        };
        if let Some(start) = start {
            finding.location.line = Some(start.line);
            finding.location.column = Some(start.column);
        }
    }
    let mut findings = xsd::check(parsed);
    findings.append(&mut report.findings);
    report.findings = findings;
    report
}

/// Validates a document: GBA's data tests for the Function Blocks it claims, then the semantic checks.
///
/// `claimed` is the Function Blocks the file claims (legacy numbering, as GBA's tests use). With `None`,
/// the tests are chosen from what the document holds: FB_01 always, FB_04 when it has a MeterReading,
/// ReadingType or IntervalBlock, FB_15 when it has a usage summary, FB_17 when it has an
/// ElectricPowerQualitySummary. Claimed blocks GBA has no data test for are listed in
/// [`Report::function_blocks_without_test`].
pub fn validate(document: &Document, claimed: Option<&[u16]>) -> Report {
    Collector::of_document(document).report(claimed, Vec::new())
}

/// Validates a document as it is read, in one pass: what [`validate_parsed`] reports
/// for the same input (the same findings in the same order, at the same lines and
/// columns), without holding the document. Each entry is checked as it goes by and
/// only what the rules across entries compare is kept: for the usual IntervalBlock
/// entry (one block, its `self` href its `up` href and a short segment) 32 bytes and its
/// id and position (19 bytes for a `urn:uuid:` id), a few hundred bytes for other entries.
/// Memory thus grows with the number of entries (about 50 bytes each for a feed of
/// IntervalBlocks, whatever their readings), and the checks at the end hold nothing
/// more when the blocks come in order.
///
/// Read leniently (the default options) to get the schema-level findings: a strict read
/// stops at the first deviation with an error. Input that is not well-formed XML is an
/// error with its position, as for [`espi_xml::read_document_with`].
///
/// ```
/// let xml = br#"<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id><title/>
///   <updated>2024-01-01T00:00:00Z</updated>
///   <entry><id>urn:uuid:2</id><content><ReadingType xmlns="http://naesb.org/espi">
///     <powerOfTenMultiplier>kilo</powerOfTenMultiplier></ReadingType></content></entry></feed>"#;
/// let report = espi_validate::validate_reader(&xml[..], Default::default(), Some(&[1]))?;
/// let found: Vec<_> = report.findings.iter().map(|f| (f.rule, f.location.line)).collect();
/// assert_eq!(found, [("S005", Some(4)), ("D136", Some(1)), ("D006", Some(1))]);
/// # Ok::<(), espi_xml::Error>(())
/// ```
pub fn validate_reader<R: BufRead>(
    reader: R,
    options: ReaderOptions,
    claimed: Option<&[u16]>,
) -> Result<Report, espi_xml::Error> {
    let mut entries = EntryReader::with_options(reader, options);
    let mut collector: Option<Collector> = None;
    let mut schema = Vec::new();
    // The entry last read and the one before (a diagnostic taken with an entry may
    // lie at the very end of the previous one): (index, id, span).
    let mut current: Option<(usize, Option<String>, Span)> = None;
    let mut previous: Option<(usize, Option<String>, Span)> = None;
    let mut bare_name = None;
    loop {
        let next = entries.next().transpose()?;
        let root = entries.root();
        if let Some(entry) = &next {
            let collector =
                collector.get_or_insert_with(|| Collector::new(root == Some(RootKind::Feed)));
            let span = entries.entry_span().unwrap_or_default();
            if root == Some(RootKind::Resource) {
                if let Some(resource) = entry.content.first() {
                    bare_name = Some(resource.element_name().1.to_owned());
                    collector.add_bare(resource);
                }
            } else {
                let index = collector.places.len();
                collector.add_entry(entry, Some(span.start));
                previous = current.take();
                current = Some((index, entry.meta.id.clone(), span));
            }
        }
        let holders = [&current, &previous];
        for diagnostic in entries.take_diagnostics() {
            let finding = stream_finding(root, bare_name.as_deref(), &holders, &diagnostic);
            schema.push(finding);
        }
        if next.is_none() {
            break;
        }
    }
    let root = entries.root();
    let mut collector = collector.unwrap_or_else(|| Collector::new(root == Some(RootKind::Feed)));
    collector.gba.set_feed(entries.feed());
    collector.root_position = entries.root_position();
    Ok(collector.report(claimed, schema))
}

/// The schema-level finding of a diagnostic met while streaming: in the entry whose
/// span holds it, if any of `holders` does.
fn stream_finding(
    root: Option<RootKind>,
    bare_name: Option<&str>,
    holders: &[&Option<(usize, Option<String>, Span)>],
    diagnostic: &espi_xml::Diagnostic,
) -> Finding {
    let holder = holders
        .iter()
        .filter_map(|holder| holder.as_ref())
        .find(|(_, _, span)| span.contains(diagnostic.position));
    let index = holder.map(|(index, _, _)| *index);
    let path = match (root, index) {
        (Some(RootKind::Feed), Some(index)) => format!("feed/entry[{}]", index + 1),
        (Some(RootKind::Entry), _) => "entry".to_owned(),
        (Some(RootKind::Resource), _) => bare_name.unwrap_or("feed").to_owned(),
        _ => "feed".to_owned(),
    };
    xsd::finding_at(
        diagnostic,
        index,
        holder.and_then(|(_, id, _)| id.clone()),
        path,
    )
}

/// Whether the rules across entries take their shortcuts for data in the usual order
/// (self hrefs and block starts increasing, blocks in time order): the tests turn them
/// off to check that they change nothing.
fn shortcuts() -> bool {
    #[cfg(test)]
    return SHORTCUTS.get();
    #[cfg(not(test))]
    true
}

#[cfg(test)]
thread_local! {
    static SHORTCUTS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// What the checks need of a document, gathered entry by entry, so that a document
/// read whole and one streamed are checked by the same code.
pub(crate) struct Collector {
    /// Each entry's record for the rules across entries (GBA's and the semantic ones).
    pub(crate) gba: gba::Facts,
    pub(crate) semantic: semantic::Facts,
    /// Each entry's `atom:id` and, when it was read from input, where its start tag is.
    places: EntryPlaces,
    root_position: Option<Position>,
}

impl Collector {
    fn new(is_feed: bool) -> Self {
        Collector {
            gba: gba::Facts::new(is_feed),
            semantic: semantic::Facts::new(is_feed),
            places: EntryPlaces::default(),
            root_position: None,
        }
    }

    pub(crate) fn of_document(document: &Document) -> Self {
        let mut collector = Collector::new(matches!(document, Document::Feed(_)));
        if let Document::Feed(feed) = document {
            collector.gba.set_feed(&feed.meta);
        }
        for entry in document.entries() {
            collector.add_entry(entry, None);
        }
        if let Document::Resource(resource) = document {
            collector.add_bare(resource);
        }
        collector
    }

    fn add_entry(&mut self, entry: &Entry, start: Option<Position>) {
        let index = self.places.len();
        self.gba.add_entry(entry);
        self.semantic.add_entry(index, entry);
        self.places.push(entry.meta.id.as_deref(), start);
    }

    fn add_bare(&mut self, resource: &Resource) {
        self.gba.add_bare(resource);
        self.semantic.add_bare(resource);
    }

    /// Gives each finding its entry's id and, when known, the line and column of its
    /// entry's start tag (of the root element for findings about the whole document).
    pub(crate) fn place(&self, findings: &mut [Finding]) {
        self.places.place(findings, self.root_position);
    }

    /// The report: `schema` (already placed), GBA's findings, the semantic ones.
    fn report(mut self, claimed: Option<&[u16]>, mut findings: Vec<Finding>) -> Report {
        let blocks = match claimed {
            Some(blocks) => blocks.to_vec(),
            None => self.gba.inferred_function_blocks(),
        };
        let (tested, without): (Vec<u16>, Vec<u16>) = blocks
            .iter()
            .partition(|block| gba::FUNCTION_BLOCKS.contains(block));
        let mut checked = self.gba.check(&tested);
        checked.extend(self.semantic.finish(&self.gba));
        self.place(&mut checked);
        findings.append(&mut checked);
        Report {
            findings,
            function_blocks_tested: tested,
            function_blocks_without_test: without,
        }
    }
}
