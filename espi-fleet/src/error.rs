//! What can go wrong in a fleet.

/// A fleet failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration cannot be used.
    #[error("configuration: {0}")]
    Config(String),
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] espi_store::Error),
    /// The client failed.
    #[error(transparent)]
    Client(#[from] espi_client::Error),
    /// No Data Custodian of that name is configured.
    #[error("no Data Custodian named {0:?} in the configuration")]
    UnknownCustodian(String),
    /// The HTTP endpoints could not be served.
    #[error("serving on {address}: {source}")]
    Serve {
        /// Where.
        address: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
