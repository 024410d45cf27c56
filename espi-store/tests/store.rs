//! The store's guarantees, on SQLite and on PostgreSQL: what a commit writes and
//! reads back, corrections, tokens (sealed and not), revocation, local totals.

mod common;

use common::TestStore;
use espi_client::{Grant, Secret, TokenKey, TokenSet, TokenStore};
use espi_client::{MonthRecord, SyncBatch, SyncStore, readings_of};
use espi_model::atom::Metadata;
use espi_model::code_list::{CodeList, QualityOfReading};
use espi_model::interval::DateTimeInterval;
use espi_model::interval_block::{IntervalBlock, IntervalReading, ReadingQuality};
use espi_model::local_time_parameters::LocalTimeParameters;
use espi_model::{
    atom::{Document, Entry, Link},
    resource::Resource,
};
use espi_store::{LocalPeriod, StoreOptions, TokenCipher};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/samples");
const SUBSCRIPTION: &str =
    "https://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/5";

/// The week of one-minute meter data (GBA's test set) and its independently
/// computed facts: readings, sum of values, first start, last end.
fn meter_data() -> Vec<Entry> {
    let path = format!("{SAMPLES}/gba-cmd-test/Meter_Data_12-09-2013_12-15-2013.xml");
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"));
    espi_xml::read_document(&bytes[..])
        .expect("the sample reads")
        .document
        .entries()
        .to_vec()
}
const METER_FACTS: (u64, i64, i64, i64) = (20_160, 338_759, 1_386_576_000, 1_387_180_740);

fn batch(entries: Vec<Entry>, fetched_at: i64, month: Option<MonthRecord>) -> SyncBatch {
    SyncBatch {
        entries,
        fetched_at,
        month,
    }
}

async fn a_commit_reads_back_whole(test: &TestStore) {
    let store = &test.store;

    let entries = meter_data();
    let month = MonthRecord {
        start: 1_385_856_000,
        end: 1_388_534_400,
        covered_until: 1_388_534_400 + 86_400,
        entries: entries.len() as u64,
        readings: 20_160,
        fetched_at: 1_393_632_000,
    };
    store
        .commit(
            SUBSCRIPTION,
            batch(entries.clone(), 1_393_632_000, Some(month)),
        )
        .await
        .expect("committed");
    let totals = store.reading_totals(SUBSCRIPTION).await.expect("totals");
    assert_eq!(
        (
            totals.count,
            totals.sum,
            totals.first_start,
            totals.last_end
        ),
        (
            METER_FACTS.0,
            METER_FACTS.1,
            Some(METER_FACTS.2),
            Some(METER_FACTS.3)
        )
    );
    assert_eq!(
        store.month_records(SUBSCRIPTION).await.expect("months"),
        [month]
    );
    assert_eq!(
        store.last_sync(SUBSCRIPTION).await.expect("known"),
        Some(1_393_632_000)
    );
    // Entries losslessly, in delivery order.
    assert_eq!(store.entries(SUBSCRIPTION).await.expect("entries"), entries);
    // The feed written back reads as the same entries.
    let feed = store
        .write_feed(SUBSCRIPTION, Vec::new(), 1_393_632_000)
        .await
        .expect("a feed");
    let read = espi_xml::read_document(&feed[..]).expect("the feed reads");
    assert_eq!(read.document.entries(), &entries[..]);
    // A UTC range: the first hour of 2013-12-09.
    let hour = store
        .readings(SUBSCRIPTION, 1_386_576_000, 1_386_576_000 + 3_600)
        .await
        .expect("readings");
    let meter_readings: std::collections::BTreeSet<&str> = hour
        .iter()
        .map(|reading| reading.meter_reading.as_str())
        .collect();
    assert_eq!(hour.len(), 60 * meter_readings.len());
    assert!(
        hour.iter()
            .all(|reading| reading.revisions == 0 && reading.block.is_some())
    );
    // The same batch again changes nothing.
    store
        .commit(SUBSCRIPTION, batch(entries, 1_393_700_000, None))
        .await
        .expect("committed again");
    assert_eq!(
        store.reading_totals(SUBSCRIPTION).await.expect("totals"),
        totals
    );
    assert!(
        store
            .revisions(SUBSCRIPTION)
            .await
            .expect("revisions")
            .is_empty()
    );
    let listed = store.subscriptions().await.expect("listed");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].uri.as_str(), listed[0].readings),
        (SUBSCRIPTION, 20_160)
    );
    // Unknown subscriptions are said to be unknown.
    assert!(matches!(
        store.last_sync("https://dc.example/nothing").await,
        Err(espi_store::Error::UnknownSubscription(_))
    ));
}

on_both_backends!(
    a_commit_reads_back_whole,
    espi_store::StoreOptions::new(),
    super::a_commit_reads_back_whole
);

const BLOCKS: &str = "https://dc.example/DataCustodian/espi/1_1/resource/Subscription/5/UsagePoint/1/MeterReading/1/IntervalBlock";

fn block(number: u32, start: i64, values: &[i64]) -> Entry {
    Entry {
        meta: Metadata {
            links: vec![
                Link::new("self", &format!("{BLOCKS}/{number}")),
                Link::new("up", BLOCKS),
            ],
            ..Metadata::default()
        },
        content: vec![Resource::IntervalBlock(IntervalBlock {
            interval: Some(DateTimeInterval::new(start, 3_600 * values.len() as u32)),
            interval_reading: values
                .iter()
                .zip(0..)
                .map(|(&value, hour)| IntervalReading {
                    time_period: Some(DateTimeInterval::new(start + 3_600 * hour, 3_600)),
                    value: Some(value),
                    cost: Some(value * 12),
                    reading_quality: if hour == 1 {
                        vec![ReadingQuality {
                            quality: Some(QualityOfReading::from_code(8)),
                            ..ReadingQuality::default()
                        }]
                    } else {
                        Vec::new()
                    },
                    ..IntervalReading::default()
                })
                .collect(),
            ..IntervalBlock::default()
        })],
        ..Entry::default()
    }
}

async fn corrections_replace_values_and_keep_their_history(test: &TestStore) {
    let store = &test.store;

    let start = 1_700_000_000 - 1_700_000_000 % 3_600;
    store
        .commit(
            SUBSCRIPTION,
            batch(vec![block(1, start, &[5, 6, 7])], 100, None),
        )
        .await
        .expect("first delivery");
    let first = store
        .readings(SUBSCRIPTION, start, start + 10 * 3_600)
        .await
        .expect("readings");
    assert_eq!(first.len(), 3);
    assert_eq!(first[1].quality.as_deref(), Some("8"));
    assert_eq!((first[0].cost, first[0].fetched_at), (Some(60), 100));
    // A correction of the second reading, and a block that no longer carries the
    // third: the second is replaced, the third kept.
    store
        .commit(
            SUBSCRIPTION,
            batch(vec![block(1, start, &[5, 60])], 200, None),
        )
        .await
        .expect("a correction");
    // Another correction of the same reading, later.
    store
        .commit(
            SUBSCRIPTION,
            batch(vec![block(1, start, &[5, 61])], 300, None),
        )
        .await
        .expect("a second correction");
    let now = store
        .readings(SUBSCRIPTION, start, start + 10 * 3_600)
        .await
        .expect("readings");
    let values: Vec<Option<i64>> = now.iter().map(|reading| reading.value).collect();
    assert_eq!(values, [Some(5), Some(61), Some(7)]);
    let revisions: Vec<u64> = now.iter().map(|reading| reading.revisions).collect();
    assert_eq!(revisions, [0, 2, 0]);
    assert_eq!((now[0].fetched_at, now[1].fetched_at), (100, 300));
    let history = store.revisions(SUBSCRIPTION).await.expect("revisions");
    let changes: Vec<(Option<i64>, i64, i64)> = history
        .iter()
        .map(|revision| (revision.value, revision.received_at, revision.replaced_at))
        .collect();
    assert_eq!(changes, [(Some(6), 100, 200), (Some(60), 200, 300)]);
    // Two blocks in one batch carrying the same reading: one row, the last wins.
    store
        .commit(
            SUBSCRIPTION,
            batch(
                vec![block(2, start + 7_200, &[1]), block(3, start + 7_200, &[2])],
                400,
                None,
            ),
        )
        .await
        .expect("overlapping blocks");
    let third = store
        .readings(SUBSCRIPTION, start + 7_200, start + 7_201)
        .await
        .expect("one");
    assert_eq!(third.len(), 1);
    assert_eq!(third[0].value, Some(2));
}

on_both_backends!(
    corrections_replace_values_and_keep_their_history,
    espi_store::StoreOptions::new(),
    super::corrections_replace_values_and_keep_their_history
);

/// A correction may change any one of duration, value, cost and quality alone; each
/// is stored and counted once, and the corrected block delivered again is no change.
async fn a_correction_of_any_one_field_is_kept(test: &TestStore) {
    let store = &test.store;
    let start = 1_700_000_000 - 1_700_000_000 % 3_600;
    let original = block(1, start, &[5, 6, 7, 8]);
    store
        .commit(SUBSCRIPTION, batch(vec![original.clone()], 100, None))
        .await
        .expect("first delivery");
    let mut corrected = original;
    let Some(Resource::IntervalBlock(corrected_block)) = corrected.content.first_mut() else {
        unreachable!("block() makes an IntervalBlock")
    };
    let readings = &mut corrected_block.interval_reading;
    readings[0].cost = Some(1);
    readings[1].reading_quality.push(ReadingQuality {
        quality: Some(QualityOfReading::from_code(9)),
        ..ReadingQuality::default()
    });
    readings[2].value = None;
    readings[3].time_period = Some(DateTimeInterval::new(start + 3 * 3_600, 1_800));
    for fetched_at in [200, 300] {
        store
            .commit(
                SUBSCRIPTION,
                batch(vec![corrected.clone()], fetched_at, None),
            )
            .await
            .expect("the correction");
        let now = store
            .readings(SUBSCRIPTION, start, start + 10 * 3_600)
            .await
            .expect("readings");
        let fields: Vec<_> = now
            .iter()
            .map(|reading| {
                (
                    reading.duration,
                    reading.value,
                    reading.cost,
                    reading.quality.clone(),
                    reading.revisions,
                )
            })
            .collect();
        assert_eq!(
            fields,
            [
                (Some(3_600), Some(5), Some(1), None, 1),
                (Some(3_600), Some(6), Some(72), Some("8,9".to_owned()), 1),
                (Some(3_600), None, Some(84), None, 1),
                (Some(1_800), Some(8), Some(96), None, 1),
            ],
            "after the delivery fetched at {fetched_at}"
        );
        assert_eq!(
            store
                .revisions(SUBSCRIPTION)
                .await
                .expect("revisions")
                .len(),
            4
        );
    }
}

on_both_backends!(
    a_correction_of_any_one_field_is_kept,
    espi_store::StoreOptions::new(),
    super::a_correction_of_any_one_field_is_kept
);

fn tokens(refresh: &str) -> TokenSet {
    let mut tokens = TokenSet::new(Secret::new("access-1"), Grant::AuthorizationCode, 1_000);
    tokens.refresh_token = Some(Secret::new(refresh));
    tokens.expires_at = Some(4_600);
    tokens.scope = Some("FB=1_3_4_5_13_14_39".into());
    tokens.resource_uri = Some(SUBSCRIPTION.to_owned());
    tokens.authorization_uri =
        Some("https://dc.example/DataCustodian/espi/1_1/resource/Authorization/7".to_owned());
    tokens
}

fn same(a: &TokenSet, b: &TokenSet) -> bool {
    a.access_token.expose() == b.access_token.expose()
        && a.refresh_token.as_ref().map(Secret::expose)
            == b.refresh_token.as_ref().map(Secret::expose)
        && (a.expires_at, a.granted_at, a.obtained_at)
            == (b.expires_at, b.granted_at, b.obtained_at)
        && (&a.scope, &a.resource_uri, &a.authorization_uri)
            == (&b.scope, &b.resource_uri, &b.authorization_uri)
        && a.grant == b.grant
}

/// The raw token payloads in the store's database, read past the store.
async fn raw_payloads(test: &TestStore) -> Vec<Vec<u8>> {
    use sqlx::Connection;
    match test.kind() {
        common::Kind::Sqlite => {
            let mut connection =
                sqlx::SqliteConnection::connect(&format!("sqlite:{}", test.location))
                    .await
                    .expect("the file opens");
            sqlx::query_scalar("SELECT payload FROM tokens")
                .fetch_all(&mut connection)
                .await
                .expect("payloads")
        }
        common::Kind::Postgres => {
            let mut connection = sqlx::PgConnection::connect(&test.location)
                .await
                .expect("connects");
            sqlx::query_scalar("SELECT payload FROM tokens")
                .fetch_all(&mut connection)
                .await
                .expect("payloads")
        }
    }
}

async fn tokens_round_trip_in_the_clear(test: &TestStore) {
    let store = &test.store;
    let key = TokenKey::new("https://dc.example/DataCustodian/espi/1_1/resource/Authorization/7");
    assert!(store.get(&key).await.expect("get").is_none());
    store.put(&key, tokens("refresh-1")).await.expect("put");
    store
        .put(&key, tokens("refresh-2"))
        .await
        .expect("put again");
    let stored = store.get(&key).await.expect("get").expect("stored");
    assert!(same(&stored, &tokens("refresh-2")));
    // The subscription its resourceURI names is linked to the authorization.
    let listed = store.subscriptions().await.expect("listed");
    assert_eq!(listed[0].authorization.as_deref(), Some(key.as_str()));
    let client = TokenSet::new(
        Secret::new("client"),
        Grant::ClientCredentials {
            scope: Some("FB=35".to_owned()),
        },
        5,
    );
    store.put(&client.key(), client.clone()).await.expect("put");
    assert!(same(
        &store
            .get(&client.key())
            .await
            .expect("get")
            .expect("stored"),
        &client
    ));
    assert!(store.remove(&client.key()).await.expect("remove").is_some());
    assert!(store.get(&client.key()).await.expect("get").is_none());
    let payloads = raw_payloads(test).await;
    assert!(
        payloads
            .iter()
            .any(|payload| payload.windows(9).any(|w| w == b"refresh-2"))
    );
}

on_both_backends!(
    tokens_round_trip_in_the_clear,
    espi_store::StoreOptions::new(),
    super::tokens_round_trip_in_the_clear
);

fn sealed() -> StoreOptions {
    StoreOptions::new().with_token_cipher(TokenCipher::from_hex(&"5a".repeat(32)).expect("a key"))
}

async fn tokens_are_sealed_at_rest_with_a_key(test: &TestStore) {
    let key = TokenKey::new("authorization 7");
    test.store
        .put(&key, tokens("refresh-secret-9"))
        .await
        .expect("put");
    assert!(same(
        &test.store.get(&key).await.expect("get").expect("stored"),
        &tokens("refresh-secret-9")
    ));
    for payload in raw_payloads(test).await {
        assert!(
            !payload.windows(6).any(|w| w == b"secret"),
            "no token in the clear"
        );
        assert!(!payload.windows(8).any(|w| w == b"access-1"));
    }
    // Opened without the key, or with another: a clear error, no token.
    let location = test.location.clone();
    let without = espi_store::Store::open_with(&location, StoreOptions::new())
        .await
        .expect("opens");
    let error = without.get(&key).await.expect_err("sealed").to_string();
    assert!(error.contains("ESPI_STORE_KEY"), "{error}");
    without.close().await;
    let other = StoreOptions::new()
        .with_token_cipher(TokenCipher::from_hex(&"5b".repeat(32)).expect("a key"));
    let wrong = espi_store::Store::open_with(&location, other)
        .await
        .expect("opens");
    assert!(wrong.get(&key).await.is_err());
    wrong.close().await;
}

on_both_backends!(
    tokens_are_sealed_at_rest_with_a_key,
    sealed(),
    super::tokens_are_sealed_at_rest_with_a_key
);

async fn end_of_authorization(test: &TestStore, deletes: bool) {
    let store = &test.store;
    let key = TokenKey::new("https://dc.example/DataCustodian/espi/1_1/resource/Authorization/7");
    store.put(&key, tokens("refresh-1")).await.expect("put");
    store
        .commit(
            SUBSCRIPTION,
            batch(vec![block(1, 3_600 * 400_000, &[1, 2])], 10, None),
        )
        .await
        .expect("committed");
    let deleted = store
        .end_authorization(&key, "revoked", 20)
        .await
        .expect("ended");
    assert!(
        store.get(&key).await.expect("get").is_none(),
        "no token after the end"
    );
    let listed = store.subscriptions().await.expect("listed");
    if deletes {
        assert_eq!(deleted, 1);
        assert!(listed.is_empty(), "{listed:?}");
        assert_eq!(
            store
                .reading_totals(SUBSCRIPTION)
                .await
                .expect("totals")
                .count,
            0
        );
        assert!(
            store
                .entries(SUBSCRIPTION)
                .await
                .expect("entries")
                .is_empty()
        );
    } else {
        assert_eq!(deleted, 0);
        assert_eq!(listed[0].ended_at, Some(20));
        assert_eq!(
            store
                .reading_totals(SUBSCRIPTION)
                .await
                .expect("totals")
                .count,
            2
        );
    }
}

/// A commit in flight when the authorization ends with deletion (its transaction
/// holds the subscription's row and has added a reading) is waited for, so its
/// readings are deleted too. PostgreSQL only: SQLite has one writer at a time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_ended_authorizations_data_waits_for_a_commit_in_flight() {
    use sqlx::Connection;
    let Some(test) = TestStore::new(
        common::Kind::Postgres,
        StoreOptions::new().delete_on_revocation(true),
    )
    .await
    else {
        return;
    };
    let store = test.store.clone();
    let key = TokenKey::new("https://dc.example/DataCustodian/espi/1_1/resource/Authorization/7");
    store.put(&key, tokens("refresh-1")).await.expect("put");
    store
        .commit(
            SUBSCRIPTION,
            batch(vec![block(1, 3_600 * 400_000, &[1, 2])], 10, None),
        )
        .await
        .expect("committed");
    // A commit in flight: the subscription's row locked, one more reading added.
    let mut in_flight = sqlx::PgConnection::connect(&test.location)
        .await
        .expect("connects");
    sqlx::query("BEGIN")
        .execute(&mut in_flight)
        .await
        .expect("begin");
    sqlx::query("SELECT id FROM subscriptions WHERE uri = $1 FOR UPDATE")
        .bind(SUBSCRIPTION)
        .execute(&mut in_flight)
        .await
        .expect("locks the subscription");
    sqlx::query(
        "INSERT INTO readings (meter_reading_id, start, position, duration, value, cost, \
         quality, block_id, fetched_at) SELECT meter_reading_id, start + 1, position, \
         duration, value, cost, quality, block_id, fetched_at FROM readings LIMIT 1",
    )
    .execute(&mut in_flight)
    .await
    .expect("adds a reading");
    let ending = tokio::spawn(async move { store.end_authorization(&key, "revoked", 20).await });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query("COMMIT")
        .execute(&mut in_flight)
        .await
        .expect("commit");
    ending.await.expect("joins").expect("ended");
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM readings")
        .fetch_one(&mut in_flight)
        .await
        .expect("counted");
    assert_eq!(left, 0, "readings of the ended authorization left behind");
    let _ = in_flight.close().await;
    test.finish().await;
}

async fn an_ended_authorization_keeps_its_data_by_default(test: &TestStore) {
    end_of_authorization(test, false).await;
}

on_both_backends!(
    an_ended_authorization_keeps_its_data_by_default,
    StoreOptions::new(),
    super::an_ended_authorization_keeps_its_data_by_default
);

async fn an_ended_authorization_loses_its_data_on_request(test: &TestStore) {
    end_of_authorization(test, true).await;
}

on_both_backends!(
    an_ended_authorization_loses_its_data_on_request,
    StoreOptions::new().delete_on_revocation(true),
    super::an_ended_authorization_loses_its_data_on_request
);

/// Central time's LocalTimeParameters (DST from the second Sunday of March to the
/// first of November, 02:00).
fn local_time_entry() -> Entry {
    Entry {
        meta: Metadata {
            links: vec![Link::new(
                "self",
                "https://dc.example/DataCustodian/espi/1_1/resource/LocalTimeParameters/1",
            )],
            ..Metadata::default()
        },
        content: vec![Resource::LocalTimeParameters(LocalTimeParameters {
            dst_end_rule: Some(espi_model::dst::DstRule(0xB40E_2000)),
            dst_offset: Some(3_600),
            dst_start_rule: Some(espi_model::dst::DstRule(0x360E_2000)),
            tz_offset: Some(-21_600),
            ..LocalTimeParameters::default()
        })],
        ..Entry::default()
    }
}

async fn totals_follow_the_local_clock(test: &TestStore) {
    let store = &test.store;

    // Hourly readings of 1 from 2024-03-09 00:00 CST (06:00Z) for three local days:
    // March 10 has 23 hours (DST begins at 02:00).
    let first = 1_709_964_000;
    let hours = 24 + 23 + 24;
    let values = vec![1; hours];
    let mut entries = vec![local_time_entry(), block(1, first, &values)];
    // One reading at 2024-02-01T05:30Z: 23:30 on January 31 in Chicago.
    entries.push(block(2, 1_706_765_400, &[100]));
    store
        .commit(SUBSCRIPTION, batch(entries, 1, None))
        .await
        .expect("committed");
    let days = store
        .local_totals(SUBSCRIPTION, LocalPeriod::Day)
        .await
        .expect("days");
    let counted: Vec<(String, u64, i64)> = days
        .iter()
        .map(|day| (day.local_start.to_string(), day.count, day.value_sum))
        .collect();
    assert_eq!(
        counted,
        [
            ("2024-01-31".to_owned(), 1, 100),
            ("2024-03-09".to_owned(), 24, 24),
            ("2024-03-10".to_owned(), 23, 23),
            ("2024-03-11".to_owned(), 24, 24),
        ]
    );
    assert_eq!(days[2].cost_sum, 23 * 12);
    let months = store
        .local_totals(SUBSCRIPTION, LocalPeriod::Month)
        .await
        .expect("months");
    let counted: Vec<(String, u64)> = months
        .iter()
        .map(|month| (month.local_start.to_string(), month.count))
        .collect();
    assert_eq!(
        counted,
        [("2024-01-01".to_owned(), 1), ("2024-03-01".to_owned(), 71)]
    );
    // Without LocalTimeParameters the totals say what is missing.
    let other = "https://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/6";
    store
        .commit(other, batch(vec![block(9, first, &[1])], 1, None))
        .await
        .expect("committed");
    let error = store
        .local_totals(other, LocalPeriod::Day)
        .await
        .expect_err("no clock");
    assert!(error.to_string().contains("LocalTimeParameters"), "{error}");
}

on_both_backends!(
    totals_follow_the_local_clock,
    StoreOptions::new(),
    super::totals_follow_the_local_clock
);

async fn opening_again_migrates_nothing_and_keeps_everything(test: &TestStore) {
    let entries = vec![block(1, 3_600 * 400_000, &[1, 2, 3])];
    let readings = readings_of(&entries[0]).len() as u64;
    test.store
        .commit(SUBSCRIPTION, batch(entries, 1, None))
        .await
        .expect("committed");
    let again = espi_store::Store::open_with(&test.location, StoreOptions::new())
        .await
        .expect("opens again");
    assert_eq!(
        again
            .reading_totals(SUBSCRIPTION)
            .await
            .expect("totals")
            .count,
        readings
    );
    again.close().await;
    let _ = Document::Feed(espi_model::atom::Feed::default());
}

on_both_backends!(
    opening_again_migrates_nothing_and_keeps_everything,
    StoreOptions::new(),
    super::opening_again_migrates_nothing_and_keeps_everything
);
