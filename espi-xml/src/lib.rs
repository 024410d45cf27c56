//! Reading and writing Green Button (ESPI) Atom XML.
//!
//! - [`EntryReader`]: the streaming core, an iterator of entries over any `BufRead`
//!   whose memory does not grow with the file. Names are matched by namespace URI and
//!   local name; lenient mode (the default) reports every accepted deviation as a
//!   [`Diagnostic`] with line and column, strict mode rejects what the schemas reject.
//! - [`ReaderOptions::threads`]: a feed's entries decoded on several threads, with the
//!   same results as on one.
//! - [`read_document`]: a whole document, with the usage tree linked; [`read_facts`]:
//!   the facts of a document (counts, totals, linked tree) in one streaming pass.
//! - [`Writer`]: schema-valid ESPI in schema element order, namespaces declared once.
//! - [`synthetic`]: a generated, schema-valid feed of any size, for tests and benchmarks.
//!
//! What "lossless" means here: every element, attribute and character of content is
//! kept, typed where the schema gives a type and as raw XML otherwise, and
//! `read(write(x)) == x`. Values are kept, not their spelling: `+007` is 7, hex is
//! written in upper case, `1` for a boolean is `true`. Comments, processing
//! instructions, the XML declaration and `xsi:` attributes (schema hints such as
//! `xsi:schemaLocation`) are not content and are not kept; prefixes are kept for raw
//! XML and chosen by the writer for typed ESPI (`espi:`).
//!
//! Not well-formed input is an error with a position, as are DTDs (no entity is ever
//! expanded). Depth, text, attribute, entry and document sizes are bounded by
//! [`ReaderLimits`] (safe defaults, set through [`ReaderOptions`]), so no input makes the
//! reader's memory or stack grow without bound. Input must be UTF-8: UTF-16 and
//! UTF-32 (with or without a byte order mark) are refused with an error naming the
//! encoding.
#![deny(missing_docs)]

// The README's examples are compiled and run with the doctests, so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod document;
mod error;
mod limits;
mod namespace;
mod position;
mod reader;
mod source;
mod start_tag;
pub mod synthetic;
mod text;
mod well_formed;
mod writer;

pub use document::{
    MAX_FACTS_DIAGNOSTICS, ParsedDocument, StreamedFacts, read_document, read_document_with,
    read_facts, read_facts_with,
};
pub use error::{Diagnostic, DiagnosticKind, Error};
pub use limits::ReaderLimits;
pub use position::Position;
pub use reader::{EntryReader, Mode, ReaderOptions, RootKind, Span};
pub use writer::{WriteOptions, Writer, write_document};
