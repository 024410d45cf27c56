//! Entries kept losslessly, on SQLite and on PostgreSQL, whichever way the store
//! keeps an IntervalBlock (its readings packed beside the XML, or the XML whole):
//! blocks of odd readings (no cost, negative and 64-bit extreme values, listed and
//! unlisted ReadingQuality codes, a time period without start or duration or none
//! at all, tiers) read back equal and come back equal in the feed written from the
//! store. And a store made by the first schema, before readings were packed, opens
//! and still reads back its entries.
//!
//! `PROPTEST_CASES` sets the number of random batches per backend (32 by default).

mod common;

use common::{Kind, TestStore};
use espi_client::{SyncBatch, SyncStore, entry_key};
use espi_model::atom::Metadata;
use espi_model::code_list::{CodeList, QualityOfReading};
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading, ReadingQuality};
use espi_model::{
    atom::{Document, Entry, Link},
    resource::Resource,
};
use espi_store::{Store, StoreOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::sync::atomic::{AtomicU32, Ordering};

const BLOCKS: &str = "https://dc.example/DataCustodian/espi/1_1/resource/Subscription/9/UsagePoint/1/MeterReading/1/IntervalBlock";

fn subscription(number: u32) -> String {
    format!("https://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/{number}")
}

fn block(
    number: usize,
    interval: Option<DateTimeInterval>,
    readings: Vec<IntervalReading>,
) -> Entry {
    Entry {
        meta: Metadata {
            id: Some(format!("urn:uuid:block-{number}")),
            links: vec![
                Link::new("self", &format!("{BLOCKS}/{number}")),
                Link::new("up", BLOCKS),
            ],
            ..Metadata::default()
        },
        content: vec![Resource::IntervalBlock(IntervalBlock {
            interval,
            interval_reading: readings,
            ..IntervalBlock::default()
        })],
        ..Entry::default()
    }
}

/// Numbers as a Data Custodian sends them, and the extremes.
fn number() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![
        2 => Just(None),
        4 => (-1_000i64..100_000).prop_map(Some),
        2 => any::<i64>().prop_map(Some),
        1 => prop::sample::select(vec![i64::MIN, i64::MAX, -(1 << 47), (1 << 47) - 1, 0])
            .prop_map(Some),
    ]
}

/// A ReadingQuality with a listed code (0, 8, 17…) or one no list knows; with
/// `odd`, sometimes one without its code.
fn quality(odd: bool) -> impl Strategy<Value = ReadingQuality> {
    prop_oneof![
        8 => prop_oneof![0u16..40, any::<u16>()].prop_map(|code| ReadingQuality {
            quality: Some(QualityOfReading::from_code(code)),
            ..ReadingQuality::default()
        }),
        u32::from(odd) => Just(ReadingQuality::default()),
    ]
}

/// A tier, with `odd` sometimes present.
fn tier(odd: bool) -> impl Strategy<Value = Option<i16>> {
    prop_oneof![12 => Just(None), u32::from(odd) => any::<i16>().prop_map(Some)]
}

/// A reading with what the packed form carries (time period, value, cost,
/// ReadingQuality codes), each perhaps absent; with `odd`, sometimes more (a tier, a
/// ReadingQuality without code), which keeps its block's XML whole.
fn reading(odd: bool) -> impl Strategy<Value = IntervalReading> {
    (
        number(),
        number(),
        proptest::option::of((proptest::option::of(any::<u32>()), number())),
        proptest::collection::vec(quality(odd), 0..3),
        (tier(odd), tier(odd), tier(odd)),
    )
        .prop_map(
            |(cost, value, period, reading_quality, (consumption_tier, tou, cpp))| {
                IntervalReading {
                    cost,
                    value,
                    time_period: period.map(|(duration, start)| DateTimeInterval {
                        duration,
                        start,
                        ..DateTimeInterval::default()
                    }),
                    reading_quality,
                    consumption_tier,
                    tou,
                    cpp,
                    ..IntervalReading::default()
                }
            },
        )
}

/// One to four blocks of up to 40 readings each; one block in four may hold odd
/// readings.
fn blocks() -> impl Strategy<Value = Vec<Entry>> {
    let block_readings = prop_oneof![3 => Just(false), 1 => Just(true)]
        .prop_flat_map(|odd| proptest::collection::vec(reading(odd), 0..40));
    proptest::collection::vec(
        (
            proptest::option::of((any::<u32>(), any::<i64>())),
            block_readings,
        ),
        1..5,
    )
    .prop_map(|blocks| {
        blocks
            .into_iter()
            .enumerate()
            .map(|(number, (interval, readings))| {
                let interval =
                    interval.map(|(duration, start)| DateTimeInterval::new(start, duration));
                block(number, interval, readings)
            })
            .collect()
    })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(32)
}

/// Commits each random batch under its own subscription of one store of `kind`,
/// then checks the entries and the feed written from the store.
fn odd_readings_round_trip(kind: Kind) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let Some(test) = runtime.block_on(TestStore::new(kind, StoreOptions::new())) else {
        return;
    };
    let store = &test.store;
    let subscriptions = AtomicU32::new(0);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&blocks(), |entries| {
        let subscription = subscription(subscriptions.fetch_add(1, Ordering::SeqCst));
        runtime.block_on(async {
            let batch = SyncBatch {
                entries: entries.clone(),
                fetched_at: 1_800_000_000,
                month: None,
            };
            store
                .commit(&subscription, batch)
                .await
                .map_err(|error| TestCaseError::fail(format!("commit: {error}")))?;
            let stored = store
                .entries(&subscription)
                .await
                .map_err(|error| TestCaseError::fail(format!("entries: {error}")))?;
            prop_assert_eq!(&stored, &entries);
            let feed = store
                .write_feed(&subscription, Vec::new(), 1_800_000_000)
                .await
                .map_err(|error| TestCaseError::fail(format!("feed: {error}")))?;
            let read = espi_xml::read_document(&feed[..])
                .map_err(|error| TestCaseError::fail(format!("the feed reads: {error}")))?;
            prop_assert_eq!(read.document.entries(), &entries[..]);
            Ok(())
        })
    });
    runtime.block_on(test.finish());
    if let Err(error) = outcome {
        panic!("{kind:?}: {error}");
    }
}

#[test]
fn odd_readings_round_trip_on_sqlite() {
    odd_readings_round_trip(Kind::Sqlite);
}

#[test]
fn odd_readings_round_trip_on_postgres() {
    odd_readings_round_trip(Kind::Postgres);
}

/// Migrates `pool` to the first schema only (migration 0001, as the store's
/// migrator records it), then runs `rows`.
async fn first_schema<DB>(kind: Kind, pool: &sqlx::Pool<DB>, rows: &str)
where
    DB: sqlx::Database,
    <DB as sqlx::Database>::Connection: sqlx::migrate::Migrate,
    for<'c> &'c mut <DB as sqlx::Database>::Connection: sqlx::Executor<'c, Database = DB>,
{
    let sql = match kind {
        Kind::Sqlite => include_str!("../migrations/sqlite/0001_store.sql"),
        Kind::Postgres => include_str!("../migrations/postgres/0001_store.sql"),
    };
    let migrations = tempfile::tempdir().expect("a directory");
    std::fs::write(migrations.path().join("0001_store.sql"), sql).expect("written");
    sqlx::migrate::Migrator::new(migrations.path())
        .await
        .expect("migration 0001 resolves")
        .run(pool)
        .await
        .expect("migration 0001 runs");
    sqlx::raw_sql(rows).execute(pool).await.expect("the rows");
}

/// What the first schema holds before the entry: its Data Custodian and subscription.
const FIRST_SCHEMA_ROWS: &str = "INSERT INTO data_custodians (origin, created_at) \
     VALUES ('https://dc.example', 1); \
     INSERT INTO subscriptions (uri, data_custodian_id, created_at) \
     SELECT 'https://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/1', id, 1 \
     FROM data_custodians;";

async fn a_store_of_the_first_schema_opens_and_reads_back(kind: Kind) {
    let entry = block(
        1,
        Some(DateTimeInterval::new(1_700_000_000, 7_200)),
        vec![
            IntervalReading {
                value: Some(5),
                time_period: Some(DateTimeInterval::new(1_700_000_000, 3_600)),
                ..IntervalReading::default()
            },
            IntervalReading {
                value: Some(-6),
                cost: Some(7),
                time_period: Some(DateTimeInterval::new(1_700_003_600, 3_600)),
                ..IntervalReading::default()
            },
        ],
    );
    let xml = String::from_utf8(
        espi_xml::write_document(
            &Document::Entry(entry.clone()),
            Vec::new(),
            espi_xml::WriteOptions::compact(),
        )
        .expect("written"),
    )
    .expect("UTF-8");
    // As the first schema's store wrote it: the whole entry as XML.
    let rows = format!(
        "{FIRST_SCHEMA_ROWS} INSERT INTO entries (subscription_id, entry_key, kind, xml, fetched_at) \
         SELECT id, '{}', 'IntervalBlock', '{}', 1 FROM subscriptions;",
        entry_key(&entry).expect("a self link"),
        xml.replace('\'', "''")
    );
    let (location, directory, database) = match kind {
        Kind::Sqlite => {
            let directory = tempfile::tempdir().expect("a directory");
            let path = directory.path().join("first.sqlite");
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true);
            let pool = sqlx::SqlitePool::connect_with(options)
                .await
                .expect("SQLite opens");
            first_schema(kind, &pool, &rows).await;
            pool.close().await;
            (path.display().to_string(), Some(directory), None)
        }
        Kind::Postgres => {
            let Some(admin) = common::postgres_url() else {
                return;
            };
            let (location, name) = common::fresh_database(&admin).await;
            let pool = sqlx::PgPool::connect(&location)
                .await
                .expect("PostgreSQL connects");
            first_schema(kind, &pool, &rows).await;
            pool.close().await;
            (location, None, Some((admin, name)))
        }
    };

    let store = Store::open_with(&location, StoreOptions::new())
        .await
        .expect("the store opens and migrates");
    let subscription = subscription(1);
    assert_eq!(
        store.entries(&subscription).await.expect("entries"),
        std::slice::from_ref(&entry)
    );
    assert_eq!(packed_entries(kind, &location).await, 0);
    // Delivered again, the block replaces its row, stored the new way, and still
    // reads back.
    store
        .commit(
            &subscription,
            SyncBatch {
                entries: vec![entry.clone()],
                fetched_at: 2,
                month: None,
            },
        )
        .await
        .expect("committed");
    assert_eq!(
        store.entries(&subscription).await.expect("entries"),
        [entry]
    );
    store.close().await;
    assert_eq!(packed_entries(kind, &location).await, 1);
    drop(directory);
    if let Some((admin, name)) = database {
        common::drop_database(&admin, &name).await;
    }
}

/// How many entries of the store at `location` have their readings packed.
async fn packed_entries(kind: Kind, location: &str) -> i64 {
    const SQL: &str = "SELECT count(*) FROM entries WHERE packed_readings IS NOT NULL";
    match kind {
        Kind::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(location);
            let pool = sqlx::SqlitePool::connect_with(options)
                .await
                .expect("SQLite opens");
            let count = sqlx::query_scalar(SQL).fetch_one(&pool).await;
            pool.close().await;
            count.expect("counted")
        }
        Kind::Postgres => {
            let pool = sqlx::PgPool::connect(location)
                .await
                .expect("PostgreSQL connects");
            let count = sqlx::query_scalar(SQL).fetch_one(&pool).await;
            pool.close().await;
            count.expect("counted")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_of_the_first_schema_opens_and_reads_back_on_sqlite() {
    a_store_of_the_first_schema_opens_and_reads_back(Kind::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_of_the_first_schema_opens_and_reads_back_on_postgres() {
    a_store_of_the_first_schema_opens_and_reads_back(Kind::Postgres).await;
}

/// Every store records migration 0001's checksum when it runs it, and refuses to
/// open once the file differs: a schema change after it is a new migration.
#[test]
fn the_first_migration_is_as_shipped() {
    for (backend, sql, shipped) in [
        (
            "sqlite",
            include_str!("../migrations/sqlite/0001_store.sql"),
            "cf7770d41c428bd2f50329758f4f8be1becfeef9a63ea17760863e33b8f762c54afd7982484a0c81595d609b5cded131",
        ),
        (
            "postgres",
            include_str!("../migrations/postgres/0001_store.sql"),
            "45d9da30a73e0cc4ce518707323517e3bf79c875c5575becc523846ae1b8a3fd44c7c23afc3b6118c8b3001bf0cf2698",
        ),
    ] {
        let migration = sqlx::migrate::Migration::new(
            1,
            std::borrow::Cow::Borrowed("store"),
            sqlx::migrate::MigrationType::Simple,
            std::borrow::Cow::Borrowed(sql),
            false,
        );
        let checksum: String = migration
            .checksum
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        assert_eq!(
            checksum, shipped,
            "migrations/{backend}/0001_store.sql differs from the one stores have run"
        );
    }
}
