//! Opening a store: the location, the backend, the options, the migrations.

use crate::error::Error;
use crate::seal::TokenCipher;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::borrow::Cow;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

/// Which database a [`Store`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (embedded).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// How a store behaves beyond where it is.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StoreOptions {
    /// Delete a customer's data (subscriptions, entries, readings, progress, tokens)
    /// when [`Store::end_authorization`] records that the authorization ended. Off by
    /// default: data received is kept.
    pub delete_on_revocation: bool,
    /// Seal token sets at rest with this key.
    pub token_cipher: Option<TokenCipher>,
    /// Connections in the pool (4 by default).
    pub max_connections: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            delete_on_revocation: false,
            token_cipher: None,
            max_connections: 4,
        }
    }
}

impl StoreOptions {
    /// Keep data after revocation, no sealing, four connections.
    pub fn new() -> StoreOptions {
        StoreOptions::default()
    }

    /// The defaults, sealing tokens with `ESPI_STORE_KEY` when it is set.
    pub fn from_env() -> Result<StoreOptions, Error> {
        Ok(StoreOptions {
            token_cipher: TokenCipher::from_env()?,
            ..StoreOptions::default()
        })
    }

    /// Deletes a customer's data when the authorization ends.
    pub fn delete_on_revocation(mut self, delete: bool) -> StoreOptions {
        self.delete_on_revocation = delete;
        self
    }

    /// Seals token sets with `cipher`.
    pub fn with_token_cipher(mut self, cipher: TokenCipher) -> StoreOptions {
        self.token_cipher = Some(cipher);
        self
    }
}

/// The pool of one backend.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's pool and `$sql` to a function that
/// turns `?` placeholders into the backend's: the same source for both backends,
/// type-checked once for each.
macro_rules! on_pool {
    ($store:expr, |$pool:ident, $sql:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $sql = |text: &'static str| ::std::borrow::Cow::<'static, str>::Borrowed(text);
                $body
            }
            $crate::store::Pool::Postgres($pool) => {
                #[allow(unused_variables)]
                let $sql = |text: &'static str| {
                    ::std::borrow::Cow::<'static, str>::Owned($crate::store::numbered(text))
                };
                $body
            }
        }
    };
}
pub(crate) use on_pool;

/// `?` placeholders as PostgreSQL's `$1`, `$2`, … (the store's SQL has no `?` in
/// literals).
pub(crate) fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut next = 0;
    for character in sql.chars() {
        if character == '?' {
            next += 1;
            out.push('$');
            out.push_str(&next.to_string());
        } else {
            out.push(character);
        }
    }
    out
}

/// Durable state of a pull client in SQLite or PostgreSQL: see the
/// [crate documentation](crate). Cheap to clone (a pool).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    pub(crate) options: StoreOptions,
}

impl Store {
    /// Opens the store at `location`: a `postgres://` or `postgresql://` URL, or an
    /// SQLite file (a path, or `sqlite:PATH`), created if missing. The schema is
    /// migrated first. Token sets are sealed when `ESPI_STORE_KEY` is set
    /// ([`StoreOptions::from_env`]).
    pub async fn open(location: &str) -> Result<Store, Error> {
        Store::open_with(location, StoreOptions::from_env()?).await
    }

    /// Opens the store at `location` (see [`Store::open`]) with `options`.
    pub async fn open_with(location: &str, options: StoreOptions) -> Result<Store, Error> {
        let trimmed = location.trim();
        if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
            return Store::postgres(trimmed, options).await;
        }
        let path = trimmed
            .strip_prefix("sqlite://")
            .or_else(|| trimmed.strip_prefix("sqlite:"))
            .unwrap_or(trimmed);
        if path.is_empty() {
            return Err(Error::Location {
                location: location.to_owned(),
                reason: "empty; give a file path or a postgres:// URL".to_owned(),
            });
        }
        Store::sqlite(Path::new(path), options).await
    }

    /// Opens (creating if missing) the SQLite store in the file `path`: WAL journal,
    /// `synchronous = FULL` (a commit is on disk when it returns, so a rotated refresh
    /// token survives a power cut too), foreign keys on.
    pub async fn sqlite(path: &Path, options: StoreOptions) -> Result<Store, Error> {
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .connect_with(connect)
            .await
            .map_err(Error::database(format!("opening {}", path.display())))?;
        migrator(Backend::Sqlite).await?.run(&pool).await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
            options,
        })
    }

    /// Connects to the PostgreSQL database at `url` and migrates it (under an
    /// advisory lock, so workers starting together migrate once).
    pub async fn postgres(url: &str, options: StoreOptions) -> Result<Store, Error> {
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(Error::database(format!(
                "connecting to {}",
                redacted_url(url)
            )))?;
        migrator(Backend::Postgres).await?.run(&pool).await?;
        Ok(Store {
            pool: Pool::Postgres(pool),
            options,
        })
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// The options.
    pub fn options(&self) -> &StoreOptions {
        &self.options
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// A URL without its password, for messages.
fn redacted_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The schema's migrations, embedded in the binary.
#[derive(Debug)]
struct Embedded(Backend);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Migration>, BoxDynError>> + Send + 's>> {
        let sources: [(i64, &'static str, &'static str); 3] = match self.0 {
            Backend::Sqlite => [
                (
                    1,
                    "store",
                    include_str!("../migrations/sqlite/0001_store.sql"),
                ),
                (
                    2,
                    "fleet",
                    include_str!("../migrations/sqlite/0002_fleet.sql"),
                ),
                (
                    3,
                    "packed_readings",
                    include_str!("../migrations/sqlite/0003_packed_readings.sql"),
                ),
            ],
            Backend::Postgres => [
                (
                    1,
                    "store",
                    include_str!("../migrations/postgres/0001_store.sql"),
                ),
                (
                    2,
                    "fleet",
                    include_str!("../migrations/postgres/0002_fleet.sql"),
                ),
                (
                    3,
                    "packed_readings",
                    include_str!("../migrations/postgres/0003_packed_readings.sql"),
                ),
            ],
        };
        let migrations = sources
            .into_iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(name),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect();
        Box::pin(async move { Ok(migrations) })
    }
}

async fn migrator(backend: Backend) -> Result<Migrator, Error> {
    Ok(Migrator::new(Embedded(backend)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_postgres() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"
        );
        assert_eq!(
            redacted_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
    }
}
