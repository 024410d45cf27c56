//! Stores for the tests, on each backend: a fresh SQLite file in a temporary
//! directory, or a fresh database on the PostgreSQL server named by
//! `ESPI_TEST_POSTGRES_URL` (a URL whose user may create databases, e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`).
//!
//! Without that variable the PostgreSQL tests skip, saying so on standard error;
//! with `ESPI_REQUIRE_POSTGRES=1` (as `.ci/run` sets) they fail instead.
#![allow(dead_code)]

use espi_store::{Store, StoreOptions};
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

/// Runs the async test `$test` (an `async fn(&TestStore)`) on SQLite and on
/// PostgreSQL, as two tests `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $options:expr, $test:path) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test = $crate::common::TestStore::new($crate::common::Kind::Sqlite, $options)
                    .await
                    .expect("an SQLite store");
                $test(&test).await;
                test.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test) =
                    $crate::common::TestStore::new($crate::common::Kind::Postgres, $options).await
                else {
                    return;
                };
                $test(&test).await;
                test.finish().await;
            }
        }
    };
}

/// A backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SQLite in a temporary file.
    Sqlite,
    /// A fresh database on the test server.
    Postgres,
}

/// A store and what it lives in.
pub struct TestStore {
    /// The store.
    pub store: Store,
    /// Where it is: a file path or a database URL (what `Store::open` takes).
    pub location: String,
    /// The temporary directory of an SQLite store.
    pub directory: Option<tempfile::TempDir>,
    /// The database to drop at the end, and the server's admin URL.
    database: Option<(String, String)>,
}

/// The test server's URL, or `None` after saying why the test skips (or failing
/// when `ESPI_REQUIRE_POSTGRES=1`).
pub fn postgres_url() -> Option<String> {
    match std::env::var("ESPI_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            let required = std::env::var("ESPI_REQUIRE_POSTGRES").is_ok_and(|value| value == "1");
            assert!(
                !required,
                "ESPI_REQUIRE_POSTGRES=1 but ESPI_TEST_POSTGRES_URL is not set: no PostgreSQL to test on"
            );
            eprintln!(
                "skipped: the PostgreSQL half of this test needs ESPI_TEST_POSTGRES_URL \
                 (set ESPI_REQUIRE_POSTGRES=1 to make this an error)"
            );
            None
        }
    }
}

static DATABASES: AtomicU32 = AtomicU32::new(0);

/// A URL like `url` for database `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("ESPI_TEST_POSTGRES_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

/// A fresh, empty PostgreSQL database on the test server: its URL and name.
pub async fn fresh_database(admin: &str) -> (String, String) {
    let name = format!(
        "espi_test_{}_{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos())
    );
    let mut connection = sqlx::PgConnection::connect(admin)
        .await
        .unwrap_or_else(|error| panic!("connecting to ESPI_TEST_POSTGRES_URL: {error}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .expect("CREATE DATABASE");
    let _ = connection.close().await;
    (with_database(admin, &name), name)
}

/// Drops database `name` of the test server, whoever is still connected.
pub async fn drop_database(admin: &str, name: &str) {
    if let Ok(mut connection) = sqlx::PgConnection::connect(admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut connection)
            .await;
        let _ = connection.close().await;
    }
}

impl TestStore {
    /// A fresh store on `kind` with `options`; `None` when PostgreSQL is not
    /// available (see [`postgres_url`]).
    pub async fn new(kind: Kind, options: StoreOptions) -> Option<TestStore> {
        match kind {
            Kind::Sqlite => {
                let directory = tempfile::tempdir().expect("a temporary directory");
                let path = directory.path().join("store.sqlite");
                let location = path.display().to_string();
                let store = Store::open_with(&location, options)
                    .await
                    .expect("the SQLite store opens");
                Some(TestStore {
                    store,
                    location,
                    directory: Some(directory),
                    database: None,
                })
            }
            Kind::Postgres => {
                let admin = postgres_url()?;
                let (location, name) = fresh_database(&admin).await;
                let store = Store::open_with(&location, options)
                    .await
                    .expect("the PostgreSQL store opens");
                Some(TestStore {
                    store,
                    location,
                    directory: None,
                    database: Some((admin, name)),
                })
            }
        }
    }

    /// The backend.
    pub fn kind(&self) -> Kind {
        if self.database.is_some() {
            Kind::Postgres
        } else {
            Kind::Sqlite
        }
    }

    /// Closes the store and drops its database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.database {
            drop_database(&admin, &name).await;
        }
    }
}
