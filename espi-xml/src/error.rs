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
    /// Reading the input failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Where the problem was found, when it comes from the input.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Xml { position, .. } | Error::Invalid { position, .. } => Some(*position),
            Error::Io(_) => None,
        }
    }
}

/// A deviation from the schema that lenient reading accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where it was found.
    pub position: Position,
    /// What was accepted and how it was kept.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.position, self.message)
    }
}
