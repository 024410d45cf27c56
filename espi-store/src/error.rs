//! What can go wrong in a store.

use thiserror::Error;

/// A store failure: what was being done, and why.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The location is neither a PostgreSQL URL nor a usable SQLite path.
    #[error("store location {location:?}: {reason}")]
    Location {
        /// The location given.
        location: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database refused or failed an operation.
    #[error("{doing}: {source}")]
    Database {
        /// What the store was doing.
        doing: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be migrated.
    #[error("migrating the store's schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// An entry could not be written as XML, or a stored one read back.
    #[error("entry {key}: {reason}")]
    Entry {
        /// The entry's key (its `self` link).
        key: String,
        /// What failed.
        reason: String,
    },
    /// The token key (`ESPI_STORE_KEY`) is malformed, missing for sealed tokens, or
    /// does not open them.
    #[error("tokens: {0}")]
    Tokens(String),
    /// A subscription the store does not know.
    #[error("no subscription {0} in the store")]
    UnknownSubscription(String),
    /// The subscription's local clock is missing or ambiguous.
    #[error("local time of {subscription}: {reason}")]
    LocalTime {
        /// The subscription.
        subscription: String,
        /// What is missing or ambiguous.
        reason: String,
    },
    /// No authorization is stored under this key.
    #[error("no authorization {0} in the store")]
    UnknownAuthorization(String),
    /// A commit under a lease that is no longer held (it expired and another worker
    /// took the authorization, or it was released); nothing was written.
    #[error("lease {0} is no longer held; nothing was written")]
    LeaseLost(i64),
    /// A task of the store failed (a bug).
    #[error("internal: {0}")]
    Internal(String),
    /// Writing an export failed.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// A database error while `doing` something.
    pub(crate) fn database(doing: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Error {
        let doing = doing.into();
        move |source| Error::Database { doing, source }
    }
}

impl From<Error> for espi_client::StoreError {
    fn from(error: Error) -> Self {
        espi_client::StoreError::with_source(error.to_string(), error)
    }
}
