//! Committing a 24-month 15-minute subscription (730 daily IntervalBlocks, 70 080
//! readings, in 25 batches of up to 30 days as a sync commits months) into a fresh
//! store, on SQLite (a file, WAL, synchronous = FULL) and, when
//! `ESPI_TEST_POSTGRES_URL` names a server, on PostgreSQL (a fresh database per
//! iteration). Criterion reports readings per second (`Throughput::Elements`).
//!
//! ```text
//! cargo bench -p espi-store --bench commit
//! ESPI_TEST_POSTGRES_URL=postgres://… cargo bench -p espi-store --bench commit
//! ```

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use espi_client::{MonthRecord, SyncBatch, SyncStore};
use espi_model::atom::Metadata;
use espi_model::code_list::{CodeList, QualityOfReading};
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading, ReadingQuality};
use espi_model::{
    atom::{Entry, Link},
    resource::Resource,
};
use espi_store::{Store, StoreOptions};
use sqlx::Connection;
use std::time::Duration;

const SUBSCRIPTION: &str =
    "https://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/1";
const BLOCKS: &str = "https://dc.example/DataCustodian/espi/1_1/resource/Subscription/1/UsagePoint/1/MeterReading/1/IntervalBlock";
/// 2024-01-01T06:00:00Z, local standard midnight in US Central time.
const FIRST_DAY: i64 = 1_704_088_800;
const DAYS: i64 = 730;
const READINGS: u64 = 70_080;

/// One month's batch per 30-and-a-bit days, as a sync commits them.
fn batches() -> Vec<SyncBatch> {
    let mut batches = Vec::new();
    let mut entries = Vec::new();
    for day in 0..DAYS {
        let start = FIRST_DAY + day * 86_400;
        let readings = (0..96)
            .map(|index| {
                let at = start + index * 900;
                let value = 100 + (at / 900) % 300;
                IntervalReading {
                    cost: Some(value * 12),
                    time_period: Some(DateTimeInterval::new(at, 900)),
                    value: Some(value),
                    reading_quality: if index % 10 == 9 {
                        vec![ReadingQuality {
                            quality: Some(QualityOfReading::from_code(8)),
                            ..ReadingQuality::default()
                        }]
                    } else {
                        Vec::new()
                    },
                    ..IntervalReading::default()
                }
            })
            .collect();
        entries.push(Entry {
            meta: Metadata {
                id: Some(format!("urn:uuid:block-{day}")),
                published: Some("2026-01-01T00:00:00Z".to_owned()),
                links: vec![
                    Link::new("self", &format!("{BLOCKS}/{}", day + 1)),
                    Link::new("up", BLOCKS),
                ],
                ..Metadata::default()
            },
            content: vec![Resource::IntervalBlock(IntervalBlock {
                interval: Some(DateTimeInterval::new(start, 86_400)),
                interval_reading: readings,
                ..IntervalBlock::default()
            })],
            ..Entry::default()
        });
        if entries.len() == 30 || day == DAYS - 1 {
            let month = batches.len() as i64;
            batches.push(SyncBatch {
                entries: std::mem::take(&mut entries),
                fetched_at: 1_800_000_000,
                month: Some(MonthRecord {
                    start: month,
                    end: month + 1,
                    covered_until: month + 1,
                    entries: 30,
                    readings: 30 * 96,
                    fetched_at: 1_800_000_000,
                }),
            });
        }
    }
    batches
}

async fn commit_all(store: &Store, batches: Vec<SyncBatch>) {
    for batch in batches {
        store.commit(SUBSCRIPTION, batch).await.expect("committed");
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let source = batches();
    let readings: usize = source
        .iter()
        .flat_map(|batch| &batch.entries)
        .map(|entry| espi_client::readings_of(entry).len())
        .sum();
    assert_eq!(readings as u64, READINGS);

    let mut group = c.benchmark_group("commit 24 months of 15-minute readings");
    group.throughput(Throughput::Elements(READINGS));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("sqlite", |b| {
        b.iter_batched(
            || {
                let directory = tempfile::tempdir().expect("a directory");
                let path = directory.path().join("bench.sqlite").display().to_string();
                let store = runtime
                    .block_on(Store::open_with(&path, StoreOptions::new()))
                    .expect("opens");
                (directory, store, source.clone())
            },
            |(directory, store, batches)| {
                runtime.block_on(commit_all(&store, batches));
                (directory, store)
            },
            BatchSize::PerIteration,
        );
    });
    if let Ok(admin) = std::env::var("ESPI_TEST_POSTGRES_URL") {
        let mut number = 0;
        group.bench_function("postgres", |b| {
            b.iter_batched(
                || {
                    number += 1;
                    let name = format!("espi_bench_{}_{number}", std::process::id());
                    let store = runtime.block_on(async {
                        let mut connection =
                            sqlx::PgConnection::connect(&admin).await.expect("connects");
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut connection)
                            .await
                            .expect("drop");
                        sqlx::query(&format!("CREATE DATABASE {name}"))
                            .execute(&mut connection)
                            .await
                            .expect("create");
                        let mut url = url::Url::parse(&admin).expect("a URL");
                        url.set_path(&format!("/{name}"));
                        Store::open_with(url.as_str(), StoreOptions::new())
                            .await
                            .expect("opens")
                    });
                    (store, source.clone())
                },
                |(store, batches)| {
                    runtime.block_on(commit_all(&store, batches));
                    store
                },
                BatchSize::PerIteration,
            );
        });
    } else {
        eprintln!("postgres: skipped (set ESPI_TEST_POSTGRES_URL to measure it)");
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
