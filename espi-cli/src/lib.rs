//! The library behind the `espi` command: each subcommand's work as a function that
//! reads from a `BufRead` and writes to a `Write`, so that it is tested without a
//! process, and the command line (`src/main.rs`) stays a thin layer of argument
//! parsing, files and exit codes.
//!
//! - [`convert`]: a file as ESPI XML again, CSV, linked JSON or Parquet;
//! - [`chart`]: daily or monthly usage and cost per meter reading as an SVG or PNG;
//! - [`inspect`]: the summary of a file (text or JSON), in one streaming pass;
//! - [`validate`]: the findings of GBA's data tests and the semantic checks, as lines
//!   that point at the line and column of each deviation;
//! - [`scope`]: what an ESPI scope grants and the access windows of a grant;
//! - [`pull`]: one customer's data pulled from a Data Custodian into a store.
//!
//! The command's own documentation (every subcommand, exit codes) is in the crate's
//! README and `espi --help`.
#![deny(missing_docs)]

/// The README's example compiles and runs.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub mod chart;
pub mod convert;
pub mod inspect;
pub mod pull;
pub mod scope;
pub mod validate;

/// Why a subcommand failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input could not be read as ESPI Atom XML.
    #[error("cannot read {name}: {source}")]
    Read {
        /// The input's name (a path, or `-` for standard input).
        name: String,
        /// What the reader found, with its position.
        source: espi_xml::Error,
    },
    /// A conversion could not go on (its output is incomplete).
    #[error("cannot convert {name}: {source}")]
    Convert {
        /// The input's name.
        name: String,
        /// Why.
        source: espi_convert::ConvertError,
    },
    /// The output could not be written.
    #[error("cannot write: {0}")]
    Write(#[source] std::io::Error),
    /// A pull failed: what failed, with its causes.
    #[error("{0}")]
    Pull(String),
    /// An argument is not valid (a scope, a date).
    #[error("{0}")]
    Invalid(String),
}
