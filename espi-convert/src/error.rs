//! Why a conversion failed.

/// Why a conversion failed. Nothing is written partially without one of these: the
/// output is then incomplete and should be discarded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The input could not be read: not well-formed XML (with line and column), a
    /// reader limit, or, in strict mode, what the schemas reject.
    #[error("{0}")]
    Read(#[from] espi_xml::Error),
    /// The output could not be written.
    #[error("cannot write: {0}")]
    Write(#[from] std::io::Error),
    /// A CSV row could not be written.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] ::csv::Error),
    /// The JSON could not be written.
    #[error("cannot write JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// Too many readings arrived before their MeterReading or ReadingType.
    #[error(
        "entry {entry}: more than {limit} readings arrived before the MeterReading or \
         ReadingType they belong to; streaming needs those first (the JSON conversion \
         reads the whole file)"
    )]
    TooManyPending {
        /// The 1-based number of the entry that went over the bound.
        entry: u64,
        /// The bound.
        limit: usize,
    },
}
