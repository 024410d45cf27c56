//! Errors and diagnostics of the reader and the writer.

use crate::position::Position;

/// Why reading failed. Every variant that comes from the input says where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not well-formed XML.
    #[error("not well-formed XML at {position}: {message}")]
    Xml {
        /// Where the problem was found.
        position: Position,
        /// What is wrong.
        message: String,
    },
    /// The input is well-formed but breaks the schema (strict mode), or cannot be
    /// read even leniently (for example a value inside a simple-typed element).
    #[error("invalid ESPI at {position}: {message}")]
    Invalid {
        /// Where the problem was found.
        position: Position,
        /// What is wrong.
        message: String,
    },
    /// The input exceeds one of the reader's [`ReaderLimits`](crate::ReaderLimits); the message
    /// names the limit and its value. Reading stops there, before the input is buffered
    /// further.
    #[error("limit exceeded at {position}: {message}")]
    Limit {
        /// Where the element, text or tag that exceeds the limit starts (or, for
        /// depth, entry and document size, where the limit was reached).
        position: Position,
        /// Which limit, its value, and what exceeded it.
        message: String,
    },
    /// Reading the input failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Where the problem was found, when it comes from the input.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Xml { position, .. }
            | Error::Invalid { position, .. }
            | Error::Limit { position, .. } => Some(*position),
            Error::Io(_) => None,
        }
    }
}

/// A deviation from the schema that lenient reading accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where it was found.
    pub position: Position,
    /// What kind of deviation it is, for filtering.
    pub kind: DiagnosticKind,
    /// What was accepted and how it was kept.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}

/// The kinds of deviation lenient reading accepts. Each has the same kind of error in
/// strict mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// An element the schema does not allow here (kept as raw XML).
    UnknownElement,
    /// An element that may occur once occurs again (the repeat kept as raw XML).
    RepeatedElement,
    /// A required element is missing.
    MissingRequired,
    /// Elements out of the schema's order.
    OutOfOrder,
    /// Text that does not parse as the element's type (kept as raw XML).
    InvalidValue,
    /// A value outside its type's facet: Int48 range, string length, hexBinary size.
    FacetViolation,
    /// An Atom date that is not an xs:dateTime (kept as written).
    InvalidDate,
    /// An element spelled with the wrong case of its first letter (read as the schema's).
    RecasedName,
    /// Attributes the schema does not allow (not kept).
    UnexpectedAttribute,
    /// An `atom:link` without `href` or `rel`, or with content.
    InvalidLink,
    /// Text where only elements belong (ignored).
    UnexpectedText,
    /// An element inside a simple-typed element (the whole element kept as raw XML).
    ElementInText,
}
